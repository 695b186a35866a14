"""Child identifiers that differ only by leading zeros, or in how they are written, between
files.

Excel drops leading zeros from a number, so a header kept as text holds `001000003` while
the episodes saved from Excel hold `1000003`: the same child, matched nowhere. When one
file's identifiers written in digits with leading zeros match another file's only once the
zeros are dropped (another table, or the same table's return of another year; CHILD or a
CIN census's LAchildID), they are dropped in every file, and each file that changed is
said once. A council that pads every identifier the same way everywhere is left as it is.

A year's return may also write every identifier in another form than the other years
(`1000-277` for `1000277` after a system change, `c1000277` for `C1000277`, Excel's leading
`'`): when none of that return's identifiers is written as in any other return, and some
are once case, spaces, dashes, dots and quote marks are ignored, they are read as the
other returns write them (`align_written_forms`), so that its children are not counted a
second time as new ones.
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
    counts = [int(pc.sum(pad).as_py() or 0) for pad in padded]
    # fewer files without the zeros than with them: those are the ones Excel saved, and the
    # warnings name them; the padded files, read without their zeros to match, get a note
    odd = [i for i, n in enumerate(counts) if not n]
    odd = odd if len(odd) < len(counts) - len(odd) else []
    notes = []
    for (part, column), text, pad, count in zip(present, texts, padded, counts, strict=True):
        if not count:
            continue
        example = pc.filter(text, pad)[0].as_py()
        # the rule names no identifier (it reaches the scorecard's list of warnings); the
        # example is the report's value, and its reading is in the hint
        rule = (
            f"{count:,} {column} identifiers written with leading zeros read without them, "
            "as other files write the same children"
        )
        now = _stripped(pa.chunked_array([[example]]))[0].as_py()
        hint = f"{example!r} is read as {now!r}. {HINT}"
        stripped = pc.if_else(pad, _stripped(text), text)
        severity = "note" if odd else "warning"
        notes.append(_replaced(part, column, stripped, example, rule, hint, severity))
    for i in odd:
        part, column = present[i]
        notes.append(
            issues(
                "warning",
                part.raw.table,
                part.raw.file,
                [None],
                column,
                None,
                f"{column} identifiers written without the leading zeros the other files "
                "write: every file's are read without them, to match the same children",
                HINT,
            )
        )
    return notes


FORM_HINT = (
    "This return writes the child identifiers in another form than the other returns (a new "
    "system, an export setting, Excel's leading '); the same child must have the same "
    "identifier in every return. The figures match them up; correct the export to be sure."
)
_IGNORED = "[\\s\\-'\u2018\u2019./]"  # left out when comparing how identifiers are written


def _form(ids: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Identifiers as compared across returns: upper case, no spaces, dashes, dots, slashes
    or quote marks."""
    return pc.utf8_upper(pc.replace_substring_regex(ids, _IGNORED, ""))


def _distinct(texts: list[pa.ChunkedArray]) -> pa.Array:
    chunks = [c.cast(pa.string()) for t in texts for c in t.chunks]
    return pc.drop_null(pc.unique(pa.chunked_array(chunks, type=pa.string())))


def align_written_forms(parts: list[Part]) -> list[pd.DataFrame]:
    """Read a year's return whose identifiers match no other return's as written, but do once
    their form is ignored (see the module docstring), as the other returns write them;
    identifiers no other return has are written in the compared form. Parts of one return
    (its files, by collection year) go together; CHILD and LAchildID each on their own.
    The notes, one per file changed."""
    notes: list[pd.DataFrame] = []
    for column in ID_COLUMNS:
        groups: dict[object, list[Part]] = {}
        for part in parts:
            if column in part.frame.columns and len(part.frame) and part.year is not None:
                groups.setdefault(part.year, []).append(part)
        if len(groups) < 2:
            continue
        written = {k: _distinct([_text(p.frame[column]) for p in ps]) for k, ps in groups.items()}
        forms = {k: _form(w) for k, w in written.items()}
        odd = {k for k, w in written.items() if pc.any(pc.not_equal(forms[k], w)).as_py()}
        if not odd:
            continue  # the usual case: every identifier is written in the compared form
        # a return written in an odd form is aligned first (two returns that differ: the one
        # with dashes, lower case or quote marks takes the other's form), then any other
        for year in sorted(groups, key=lambda k: k not in odd):
            others = [k for k in groups if k != year]
            other_written = pa.chunked_array([written[k] for k in others], type=pa.string())
            if pc.any(pc.is_in(written[year], value_set=other_written)).as_py():
                continue  # some of its children are written as elsewhere: nothing to align
            other_forms = pa.chunked_array([forms[k] for k in others], type=pa.string())
            if not pc.any(pc.is_in(forms[year], value_set=other_forms)).as_py():
                continue  # other children altogether, not another form of the same
            as_others = pa.concat_arrays(other_written.chunks)
            for part in groups[year]:
                notes += _rewrite(part, column, other_forms, as_others)
            written[year] = _distinct([_text(p.frame[column]) for p in groups[year]])
            forms[year] = _form(written[year])
    return notes


def _rewrite(
    part: Part, column: str, other_forms: pa.ChunkedArray, as_others: pa.Array
) -> list[pd.DataFrame]:
    """`part`'s identifiers as the other returns write them (their compared form where no
    other return has them), and the note saying so (none when nothing changed)."""
    text = _text(part.frame[column]).cast(pa.string())
    form = _form(text)
    index = pc.index_in(form, value_set=pa.concat_arrays(other_forms.chunks))
    new = pc.coalesce(pc.take(as_others, index), form)
    changed = pc.fill_null(pc.not_equal(new, text), False)
    count = int(pc.sum(changed).as_py() or 0)
    if not count:
        return []
    first = pc.index(changed, True).as_py()
    was, now = text[first].as_py(), new[first].as_py()
    rule = (
        f"{count:,} {column} identifiers written in another form than the other returns read "
        "as they write them: case, spaces, dashes, dots and quote marks ignored"
    )
    return [_replaced(part, column, new, was, rule, f"{was!r} is read as {now!r}. {FORM_HINT}")]


def _replaced(
    part: Part,
    column: str,
    ids: pa.ChunkedArray,
    example: str,
    rule: str,
    hint: str,
    severity: str = "warning",
) -> pd.DataFrame:
    """`part`'s `column` replaced by `ids` (a blank stays blank), and the warning (or note)
    saying so, once for the file, with an `example` as written."""
    new = pd.Series(ids.to_numpy(zero_copy_only=False), index=part.frame.index, dtype="str")
    part.frame = part.frame.assign(**{column: new.where(part.frame[column].notna())})
    part.distinct.pop(column, None)  # its codes were of the old text
    return issues(
        severity, part.raw.table, part.raw.file, [None], column, pd.Series([example]), rule, hint
    )
