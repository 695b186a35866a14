"""Child identifiers that differ only by leading zeros between files.

Excel drops leading zeros from a number, so a header kept as text holds `001000003` while
the episodes saved from Excel hold `1000003`: the same child, matched nowhere. When one
file's identifiers written in digits with leading zeros match another file's only once the
zeros are dropped (another table, or the same table's return of another year; CHILD or a
CIN census's LAchildID), they are dropped in every file, and each file that changed is
said once. A council that pads every identifier the same way everywhere is left as it is.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .report import issues
from .returns import Part

ID_COLUMNS = ("CHILD", "LAchildID")  # the child's identifier: SSDA903, CIN census

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


def _id_column(part: Part) -> str | None:
    """The column naming the child in a part: CHILD (SSDA903), LAchildID (CIN census)."""
    for column in ID_COLUMNS:
        if column in part.frame.columns:
            return column
    return None


def align_leading_zeros(parts: list[Part]) -> list[pd.DataFrame]:
    """Drop the leading zeros of digit identifiers in every part (a file, a sheet, a year's
    return) when that is what matches one part's children with another's (see the module
    docstring): before the returns are stitched, so that a child written with zeros in one
    year and without in the next is one child with one history. The notes, one per file."""
    present = [(p, c) for p in parts if (c := _id_column(p)) is not None and len(p.frame)]
    if len(present) < 2:
        return []
    texts = [_text(p.frame[c]) for p, c in present]
    # the usual case: no identifier starts with a zero (one cheap scan per part)
    if not any(pc.any(pc.starts_with(t, "0")).as_py() for t in texts):
        return []
    padded = [_padded(t) for t in texts]
    if not any(pc.any(p).as_py() for p in padded):
        return []
    plain = [pc.unique(pc.filter(t, pc.invert(p))) for t, p in zip(texts, padded, strict=True)]
    matched = False
    for i, (text, pad) in enumerate(zip(texts, padded, strict=True)):
        if not pc.any(pad).as_py():
            continue
        mine = pc.unique(_stripped(pc.filter(text, pad)))
        others = [o for j, o in enumerate(plain) if j != i]
        if any(pc.any(pc.is_in(mine, value_set=o)).as_py() for o in others):
            matched = True
            break
    if not matched:
        return []
    notes = []
    for (part, column), text, pad in zip(present, texts, padded, strict=True):
        count = int(pc.sum(pad).as_py() or 0)
        if not count:
            continue
        example = pc.filter(text, pad)[0].as_py()
        ids = pd.Series(
            pc.if_else(pad, _stripped(text), text).to_numpy(zero_copy_only=False),
            index=part.frame.index,
            dtype="str",
        )
        part.frame = part.frame.assign(**{column: ids.where(part.frame[column].notna())})
        part.distinct.pop(column, None)  # its codes were of the old text
        notes.append(
            issues(
                "warning",
                part.raw.table,
                part.raw.file,
                [None],
                column,
                pd.Series([example]),
                f"{count:,} {column} identifiers written with leading zeros ({example!r}) "
                f"read without them ({_stripped(pa.chunked_array([[example]]))[0].as_py()!r}), "
                "as other files write the same children",
                HINT,
            )
        )
    return notes
