"""Columns written twice: one DfE column under two headers of a table (a column pasted again,
a blank copy left beside the filled one, `DEC` and `dec`). Each row takes the value its filled
copies agree on; a row whose filled copies differ is an error for that cell (left blank), never
a silent choice of one copy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tables import TABLES
from .read import RawTable
from .report import display, issues

REPEATED_HINT = "Keep one copy of the column in the file: remove or rename the others."


def _filled_text(s: pd.Series) -> pd.Series:
    """Each cell as text for comparing copies ('' when blank), as the analyst would type it
    (`report.display`: Excel's 1234.0 as 1234, dates dd/mm/YYYY), stripped."""
    return pd.Series(display(s).to_numpy(), index=s.index).str.strip()


def merge_repeated(raw: RawTable, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """`frame` (columns already given their DfE names) with each repeated column made one,
    in the place of its first copy; a warning per repeated column, an error per row whose
    copies differ (its `pos` marks the cell unusable)."""
    twice = frame.columns.duplicated(keep=False)
    if not twice.any():
        return frame, []
    severity = "error" if raw.table in TABLES else "warning"
    found: list[pd.DataFrame] = []
    out: dict[str, pd.Series] = {}
    for i, name in enumerate(frame.columns):
        if name in out:
            continue
        if not twice[i]:
            out[name] = frame.iloc[:, i]
            continue
        at = np.flatnonzero(frame.columns == name)
        copies = [frame.iloc[:, j] for j in at]
        texts = [_filled_text(c) for c in copies]
        value, text = copies[0].astype(object), texts[0]
        differ = np.zeros(len(frame), dtype=bool)
        for copy, other in zip(copies[1:], texts[1:], strict=True):
            have, filled = (text != "").to_numpy(), (other != "").to_numpy()
            differ |= have & filled & (text != other).to_numpy()
            take = ~have & filled
            value = value.where(~take, copy.astype(object))
            text = text.where(~take, other)
        value = value.where(text != "")
        blank = sum(1 for t in texts if not (t != "").any())
        times = f"column appears {len(at)} times"
        if blank:
            which = "one copy is" if blank == 1 else f"{blank} copies are"
            rule = f"{times}; {which} blank throughout and ignored"
        else:
            rule = f"{times}; each row takes the value its filled copies agree on"
        found.append(
            issues("warning", raw.table, raw.file, [None], str(name), None, rule, REPEATED_HINT)
        )
        if differ.any():
            pos = np.flatnonzero(differ)
            shown = pd.Series(
                [" | ".join(dict.fromkeys(t.iloc[p] for t in texts if t.iloc[p])) for p in pos],
                dtype=object,
            )
            found.append(
                issues(
                    severity,
                    raw.table,
                    raw.file,
                    raw.rows[pos],
                    str(name),
                    shown,
                    f"{times} and its copies differ in this row",
                    REPEATED_HINT,
                    pos=pos,
                )
            )
            value = value.where(~differ)
        out[name] = value
    return pd.DataFrame(out, index=frame.index, copy=False), found
