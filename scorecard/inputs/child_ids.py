"""Child identifiers that differ only by leading zeros between files.

Excel drops leading zeros from a number, so a header kept as text holds `001000003` while
the episodes saved from Excel hold `1000003`: the same child, matched nowhere. When a
table's identifiers written in digits with leading zeros match another table's only once
the zeros are dropped, they are dropped in every table, and each file that changed is said
once. A council that pads every identifier the same way everywhere is left as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .keys import Distinct
from .quality import CHILD_TABLES
from .report import Where, issues

HINT = (
    "Excel drops leading zeros from numbers; the same child was written with and without "
    "them in different files. Keep CHILD as text in every file (the figures already match "
    "them up)."
)


def _text(ids: pd.Series) -> pa.ChunkedArray:
    """The identifiers as Arrow text (blank: null): the column's own Arrow data when it has
    it (no copy), else converted."""
    held = getattr(ids.array, "_pa_array", None)
    kind = getattr(held, "type", pa.null())
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return held
    text = ids.astype("str").to_numpy(dtype=object)
    return pa.chunked_array([pa.array(text, pa.string(), from_pandas=True)])


def _padded(ids: pa.ChunkedArray) -> pa.ChunkedArray:
    """True for identifiers of digits only that start with a zero (and are not '0')."""
    return pc.and_(pc.match_substring_regex(ids, r"^0+[0-9]+$"), pc.greater(pc.utf8_length(ids), 1))


def _stripped(ids: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.replace_substring_regex(ids, r"^0+([0-9])", r"\1")


def align_leading_zeros(
    tables: MutableMapping[str, pd.DataFrame],
    where: Mapping[str, Where],
    distinct: MutableMapping[str, dict[str, Distinct]],
) -> list[pd.DataFrame]:
    """Drop the leading zeros of digit identifiers in every child table when that is what
    matches one table's children with another's (see the module docstring); the notes."""
    present = [t for t in CHILD_TABLES if t in tables and "CHILD" in tables[t].columns]
    if len(present) < 2:
        return []
    texts = {t: _text(tables[t]["CHILD"]) for t in present}
    # the usual case: no identifier starts with a zero (one cheap scan per table)
    if not any(pc.any(pc.starts_with(texts[t], "0")).as_py() for t in present):
        return []
    padded = {t: _padded(texts[t]) for t in present}
    if not any(pc.any(p).as_py() for p in padded.values()):
        return []
    plain = {t: pc.unique(pc.filter(texts[t], pc.invert(padded[t]))) for t in present}
    matched = False
    for t in present:
        if not pc.any(padded[t]).as_py():
            continue
        mine = pc.unique(_stripped(pc.filter(texts[t], padded[t])))
        others = [plain[o] for o in present if o != t]
        if any(pc.any(pc.is_in(mine, value_set=o)).as_py() for o in others):
            matched = True
            break
    if not matched:
        return []
    notes = []
    for t in present:
        count = int(pc.sum(padded[t]).as_py() or 0)
        if not count:
            continue
        example = pc.filter(texts[t], padded[t])[0].as_py()
        column = pd.Series(
            pc.if_else(padded[t], _stripped(texts[t]), texts[t]).to_numpy(zero_copy_only=False),
            index=tables[t].index,
            dtype="str",
        )
        column = column.where(tables[t]["CHILD"].notna().to_numpy())
        tables[t] = tables[t].assign(CHILD=column)
        distinct.get(t, {}).pop("CHILD", None)  # its codes were of the old text
        notes.append(
            issues(
                "warning",
                t,
                ", ".join(where[t].names),
                [None],
                "CHILD",
                pd.Series([example]),
                f"{count:,} CHILD identifiers written with leading zeros ({example!r}) read "
                f"without them ({_stripped(pa.chunked_array([[example]]))[0].as_py()!r}), "
                "as other files write the same children",
                HINT,
            )
        )
    return notes
