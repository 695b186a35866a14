"""A flat episodes file that carries each child's details.

Councils often extract one flat file from their case-management system, each episode with
the child's SEX and DOB beside it, and no header file. The header then was missing: long-term
stability and time in care were not available, every child 'has episodes but no header
row', and sex and age breakdowns showed everyone as unknown. Where a return (or an extract)
has no header file but its episodes file carries CHILD, SEX and DOB, the header is read from
it: one row per child, the child's last row in the file (its other header columns, ETHNIC,
UPN ..., come along), said in a note; a child whose SEX or DOB differs between its rows is
warned about. Cell problems on those columns of the rows taken move to the header, so each
is reported once and leaves the header's row out of the figures that need it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .columns import known_columns
from .keys import Distinct, combine, id_codes
from .report import Where, at, issues
from .returns import Part

NEEDED = ("CHILD", "SEX", "DOB")
HINT = (
    "Nothing to do: the episodes file carries the child's details. A header file for the "
    "year, if there is one, is used instead."
)


def header_from_episodes(parts: list[Part]) -> list[pd.DataFrame]:
    """A header part for each episodes part that carries `NEEDED` where its year (or the
    extract) has no header part, added to `parts`; the notes and warnings said."""
    found: list[pd.DataFrame] = []
    have = {p.year for p in parts if p.raw.table == "header"}
    # (an extract's episodes beside yearly header files: those are its header)
    lacking = [p for p in parts if p.raw.table == "episodes" and p.year not in have]
    for ep in [p for p in lacking if p.year is not None or not have]:
        cols = [c for c in known_columns("header") if c in ep.frame.columns]
        if not set(NEEDED) <= set(cols) or not len(ep.frame):
            continue
        header, said = _header(ep, cols)
        parts.append(header)
        found += said
    return found


def _header(ep: Part, cols: list[str]) -> tuple[Part, list[pd.DataFrame]]:
    keys = [c for c in ("LA", "CHILD") if c in cols]
    child = combine(*[id_codes(ep.frame[c]) for c in keys])
    last = ~pd.Series(child).duplicated(keep="last").to_numpy()
    new_pos = np.full(len(ep.frame), -1, dtype="int64")
    new_pos[last] = np.arange(int(last.sum()))
    own = [c for c in cols if c not in keys]  # the child's details, not the episode's keys
    moved, kept = [], []
    for f in ep.issues:
        if "pos" not in f.columns:
            kept.append(f)
            continue
        pos = f["pos"].to_numpy(dtype="float64")
        on = f["column"].isin(own).to_numpy() & ~np.isnan(pos)
        on[on] = last[pos[on].astype("int64")]
        kept.append(f.loc[~on])
        if on.any():
            mine = f.loc[on].assign(table="header", pos=new_pos[pos[on].astype("int64")])
            moved.append(mine)
    ep.issues = kept
    raw = replace(ep.raw, table="header", frame=pd.DataFrame(), rows=ep.raw.rows[last])
    frame = ep.frame.loc[last, cols].reset_index(drop=True)
    distinct = {c: Distinct(d.codes[last], d.values) for c, d in ep.distinct.items() if c in cols}
    header = Part(raw, frame, moved, distinct, ep.year)
    n = len(frame)
    rule = (
        f"header read from the episodes file's {', '.join(own)} (no header file): "
        f"{n:,} {'child' if n == 1 else 'children'}, each from their last row"
    )
    said = [issues("note", "header", ep.raw.file, [None], "", None, rule, HINT)]
    differ = _differing(ep.frame, child, ["SEX", "DOB"])
    if differ.any():
        rows = new_pos[last & differ]
        said.append(
            at(
                "warning",
                "header",
                Where.single(raw.file, raw.rows),
                rows,
                "CHILD",
                frame["CHILD"].iloc[rows].astype("string"),
                "SEX or DOB differs between the child's episodes rows (the last row's is used)",
                "Check which is right and correct the other rows.",
            )
        )
    return header, said


def _differing(frame: pd.DataFrame, child: np.ndarray, cols: list[str]) -> np.ndarray:
    """Rows of children whose values in `cols` differ between their rows (blanks aside)."""
    out = np.zeros(len(frame), dtype=bool)
    for c in cols:
        values = id_codes(frame[c]).astype("float64")
        values[frame[c].isna().to_numpy()] = np.nan
        pair = pd.DataFrame({"k": child, "v": values})
        out |= pair.groupby("k")["v"].transform("nunique").to_numpy() > 1
    return out
