"""The uasc and oc3 tables from a header table that carries their fields.

The SSDA903 XML holds a child's UASC flag and DUC, and a care leaver's IN_TOUCH, ACTIV and
ACCOM, in the child's HEADER, and its reader makes the uasc and oc3 tables of them (`xml`).
A header CSV or sheet with the same columns (the XML flattened to one table, as councils'
conversions write it) had them ignored: no uasc (oc3) in the year's return, and the UASC
figures (every care-leaver figure) not available after it. Where a year's return (or an
extract) has no uasc (oc3) file, its header's columns give that table as the XML does: a
uasc row for each child flagged yes (`xml.UASC_YES`) or with a DUC, an oc3 row for each
child with any of the three, said in a note; a flag neither yes nor no is warned about. The
columns moved leave the header, and their cell problems go with them (each is reported once).
Where the return has the file too, the file is used, and the header's rows that disagree
with it are warned about.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..periods import DATE_DTYPE
from .keys import Distinct
from .report import Where, at, issues
from .returns import Part, label
from .xml import OC3_FIELDS, UASC_NO, UASC_YES

# per table: the header's columns that give it (moved out of the header), and those copied
MOVED = {"uasc": ("DUC",), "oc3": OC3_FIELDS}
COPIED = {"uasc": ("SEX", "DOB"), "oc3": ("DOB",)}
FLAG = "UASC"  # the UASC flag stays in the header, as the XML reader leaves it
FLAG_HINT = (
    "The UASC flag is 1 for a child who is or was an unaccompanied asylum-seeking child, 0 "
    "otherwise."
)


def tables_from_header(parts: list[Part]) -> list[pd.DataFrame]:
    """A uasc (oc3) part for each header part carrying that table's fields where its year
    (or the extract) has no uasc (oc3) part, added to `parts`; where it has one, the header's
    rows that disagree with it are warned about. The notes said."""
    found: list[pd.DataFrame] = []
    headers = [p for p in parts if p.raw.table == "header" and len(p.frame)]
    for table in ("uasc", "oc3"):
        files = [p for p in parts if p.raw.table == table]
        for header in headers:
            given = _given(table, header)
            # (an XML file's own: its reader split the header already)
            if given is None or any(p.raw.file == header.raw.file for p in files):
                continue
            same = [p for p in files if p.year == header.year or header.year is None]
            if same or (header.year is None and files):
                header.issues += _disagreeing(table, header, given, same)
            else:
                part, said = _split(table, header, given)
                parts.append(part)
                found += said
    return found


def _problem_rows(part: Part, columns: tuple[str, ...]) -> np.ndarray:
    """Rows of `part` with a cell problem in `columns` (a value given, but unreadable)."""
    out = np.zeros(len(part.frame), dtype=bool)
    for f in part.issues:
        if "pos" in f.columns:
            pos = f.loc[f["column"].isin(columns) & f["pos"].notna(), "pos"]
            out[pos.to_numpy(dtype="int64")] = True
    return out


def _given(table: str, header: Part) -> np.ndarray | None:
    """The header's rows that give a row of `table`, as the XML reader takes them; None
    when the header carries none of its fields."""
    frame = header.frame
    fields = [c for c in (*MOVED[table], *((FLAG,) if table == "uasc" else ())) if c in frame]
    if not fields:
        return None
    moved = tuple(c for c in MOVED[table] if c in frame)
    given = _problem_rows(header, moved)
    for c in moved:
        given |= frame[c].notna().to_numpy(dtype=bool)
    if table == "uasc" and FLAG in frame:
        given |= _flag(frame).isin(list(UASC_YES)).to_numpy(dtype=bool)
    return given


def _flag(frame: pd.DataFrame) -> pd.Series:
    return frame[FLAG].astype("string").str.strip().str.upper().fillna("")


def _split(table: str, header: Part, given: np.ndarray) -> tuple[Part, list[pd.DataFrame]]:
    """The part of `table` from the header's rows `given`; the moved columns, their codes
    and their cell problems leave the header. (the part, what is said)"""
    frame = header.frame
    moved = [c for c in MOVED[table] if c in frame]
    cols = [c for c in ("LA", "CHILD", *COPIED[table], *moved) if c in frame]
    new = frame.loc[given, cols].reset_index(drop=True)
    if table == "uasc" and "DUC" not in new:
        new = new.assign(DUC=pd.Series(pd.NaT, index=new.index, dtype=DATE_DTYPE))
    new_pos = np.full(len(frame), -1, dtype="int64")
    new_pos[given] = np.arange(int(given.sum()))
    kept, mine = [], []
    for f in header.issues:
        on = f["column"].isin(moved).to_numpy() & (
            f["pos"].notna().to_numpy() if "pos" in f.columns else False
        )
        kept.append(f.loc[~on])
        if on.any():  # (every such row is given: an unreadable value counts as given)
            pos = f.loc[on, "pos"].to_numpy(dtype="int64")
            mine.append(f.loc[on].assign(table=table, pos=new_pos[pos]))
    distinct = {
        c: Distinct(d.codes[given], d.values) for c, d in header.distinct.items() if c in cols
    }
    header.issues = kept
    header.frame = frame.drop(columns=moved)
    header.distinct = {c: d for c, d in header.distinct.items() if c not in moved}
    raw = replace(header.raw, table=table, frame=pd.DataFrame(), rows=header.raw.rows[given])
    part = Part(raw, new, mine, distinct, header.year)
    n = len(new)
    year = f" for {label(header.year)}" if header.year is not None else ""
    rule = (
        f"{table} read from the header's {_columns(table, frame)} (no {table} file{year}): {n:,} "
        f"{'child' if n == 1 else 'children'}"
    )
    article = "An" if table == "oc3" else "A"
    hint = (
        f"Nothing to do: the header carries the {table} fields, as the SSDA903 XML does. "
        f"{article} {table} file for the year, if there is one, is used instead."
    )
    if table == "uasc" and "DUC" not in frame:
        rule += ", each UASC still (no DUC column)"
        hint = (
            "The header gives no DUC (the date UASC status ceased), so no child's status has "
            "ended; where one has, add a DUC column or the year's uasc file."
        )
    said = [issues("note", table, header.raw.file, [None], "", None, rule, hint)]
    if table == "uasc" and FLAG in frame:
        odd = ~_flag(frame).isin(list(UASC_YES | UASC_NO)).to_numpy(dtype=bool)
        if odd.any():
            pos = np.flatnonzero(odd)
            rule = "UASC flag neither yes (1) nor no (0): read as not UASC (unless a DUC is given)"
            where = Where.single(header.raw.file, header.raw.rows)
            header.issues.append(
                at("warning", "header", where, pos, FLAG, frame[FLAG].iloc[pos], rule, FLAG_HINT)
            )
    return part, said


def _columns(table: str, frame: pd.DataFrame) -> str:
    """'UASC, DUC columns': the header's columns that give `table`."""
    shown = [c for c in (FLAG, *MOVED[table]) if c in frame]
    return f"{', '.join(shown)} column{'s' * (len(shown) > 1)}"


def _comparable(s: pd.Series) -> pd.Series:
    """Dates as they are, codes as text (codes held compact have their own categories)."""
    s = s.reset_index(drop=True)
    return s if pd.api.types.is_datetime64_any_dtype(s) else s.astype("string")


def _keys(frame: pd.DataFrame, la: bool) -> pd.Series:
    """A text key per row: CHILD, after LA where both sides carry it."""
    key = frame["CHILD"].astype("string").fillna("")
    return (frame["LA"].astype("string").fillna("") + "|" + key) if la else key


def _disagreeing(
    table: str, header: Part, given: np.ndarray, files: list[Part]
) -> list[pd.DataFrame]:
    """Warnings on the header's rows whose fields of `table` disagree with the return's
    file of it: a child the header gives a row the file lacks (or the other way round), or
    a value the file writes otherwise."""
    frame = header.frame
    usable = [p.frame for p in files if "CHILD" in p.frame]
    if not usable:
        return []
    rows = pd.concat(usable, ignore_index=True)
    if table == "uasc" and FLAG in rows and "DUC" in rows:  # rows it says are not UASC
        rows = rows.loc[~(_flag(rows).isin(list(UASC_NO - {""})) & rows["DUC"].isna())]
    la = "LA" in frame and "LA" in rows
    rows = rows.assign(_key=_keys(rows, la)).drop_duplicates("_key", keep="last")
    key = _keys(frame, la)
    listed = key.isin(rows["_key"]).to_numpy(dtype=bool)
    file = ", ".join(dict.fromkeys(p.raw.file for p in files))
    shown = _columns(table, frame)
    verb = "disagree" if shown.endswith("columns") else "disagrees"
    rule = f"the header's {shown} {verb} with the {table} file ({file}), which is used"
    hint = f"Correct the header or the {table} file: the file is read, the header's columns not."
    where = Where.single(header.raw.file, header.raw.rows)
    first = (
        FLAG if table == "uasc" and FLAG in frame else next(c for c in MOVED[table] if c in frame)
    )
    said = []
    differ = given != listed
    if differ.any():
        pos = np.flatnonzero(differ)
        said.append(at("warning", "header", where, pos, first, frame[first].iloc[pos], rule, hint))
    both = given & listed
    by_key = rows.set_index("_key")
    for c in MOVED[table]:
        if c not in frame or c not in rows or not both.any():
            continue
        mine = _comparable(frame[c].loc[both])
        theirs = _comparable(by_key[c].reindex(key.loc[both].to_numpy()))
        same = mine.eq(theirs).fillna(False) | (mine.isna() & theirs.isna())
        pos = np.flatnonzero(both)[~same.to_numpy(dtype=bool)]
        if len(pos):
            said.append(at("warning", "header", where, pos, c, frame[c].iloc[pos], rule, hint))
    return said
