"""Codes written as the words they stand for.

Case-management systems export a child's sex as a word (`Male`, `Female`, `Unknown`) where
the SSDA903 writes a code, and every such cell was an unknown code: the child's sex unknown
in every breakdown. The words are read as the code of the row's collection year (1 and 2 up
to 2023-24, M, F and U from 2024-25; a file of no one year, an extract, as today's), said
once per file and column. A word the year has no code for (`Unknown` before 2024-25) stays
U, which the code-year check reports. An IRO extract's CASE_TYPE written `LAC` or `Child
Protection` (every row unusable, the caseload not available) is read as CLA or CP; a CIN
census ReferralNFA written `Y`/`N` or `Yes`/`No` (a warning on every referral) as 1 or 0.

Codes of letters and digits written zero-padded (`N01` for N1, `RC01` for RC1, as some case
systems write the CIN census: an unknown code on every referral, and a breakdown by need
split in two) are read as the code, once the unpadded form is a code of the column's list
(never a code the list lacks), said once per file and column.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import codes
from .keys import Distinct
from .report import issues
from .returns import Part

WORDS: dict[str, dict[str, str]] = {
    "SEX": {
        "MALE": "M",
        "FEMALE": "F",
        "UNKNOWN": "U",
        "NOT KNOWN": "U",
        "NOT STATED": "U",
        "INDETERMINATE": "U",
    },
    # the IRO service's own extract: LAC is the older name of CLA, CPP a child protection plan
    "CASE_TYPE": {
        "LAC": "CLA",
        "LOOKED AFTER": "CLA",
        "LOOKED AFTER CHILD": "CLA",
        "CHILD LOOKED AFTER": "CLA",
        "CHILD PROTECTION": "CP",
        "CHILD PROTECTION PLAN": "CP",
        "CPP": "CP",
    },
    # the census writes a boolean (1/0, true/false); yes/no exports write Y/N or Yes/No
    "ReferralNFA": {"Y": "1", "YES": "1", "N": "0", "NO": "0"},
}
HINTS = {
    "SEX": "The SSDA903 writes a code here (SEX: M, F or U from 2024-25, 1 or 2 before); "
    "nothing to do, but the return the DfE receives must carry the codes.",
    "CASE_TYPE": "CASE_TYPE is CLA (looked after) or CP (child protection); nothing to do.",
    "ReferralNFA": "ReferralNFA is 1 (true) for a referral that led to no further action, 0 "
    "(false) otherwise; nothing to do, but the census the DfE receives must carry 1 or 0.",
}


def read_words(parts: list[Part]) -> list[pd.DataFrame]:
    """The words of `WORDS` in each part read as their codes, in place; one note per file
    and column that had any."""
    notes: list[pd.DataFrame] = []
    for part in parts:
        for column, words in WORDS.items():
            if column not in part.frame.columns or not len(part.frame):
                continue
            s = part.frame[column]
            if not _any_word(part, column, words):  # the usual case: none, seen cheaply
                continue
            said = s.astype("string").str.strip().str.upper()
            hit = said.isin(list(words)).to_numpy(dtype=bool)
            if not hit.any():
                continue
            code = said[hit].map(words)
            if part.year is not None and column in codes.COLUMNS:  # the year's code (M -> 1)
                code = codes.recode(column, code, start_years=np.full(len(code), part.year))
            read = s.astype(object).copy()
            read[hit] = code.to_numpy(dtype=object)
            read = read.astype("category" if isinstance(s.dtype, pd.CategoricalDtype) else s.dtype)
            part.frame = part.frame.assign(**{column: read})
            if column in part.distinct:
                part.distinct[column] = Distinct.of(read)
            notes.append(_note(part, column, said[hit], code))
    return notes


def _values(part: Part, column: str) -> pd.Series:
    """The distinct values of a column as written: its categories, or its distinct cells (a
    census's 6 million cells are not written out to text and cleaned to look for a word)."""
    s = part.frame[column]
    if isinstance(s.dtype, pd.CategoricalDtype):
        return pd.Series(s.cat.categories)
    return pd.Series(pd.unique(s.dropna()))


def _any_word(part: Part, column: str, words: dict[str, str]) -> bool:
    """Whether any cell of the column is one of `words` (looked for among its values)."""
    values = _values(part, column)
    return bool(values.astype("string").str.strip().str.upper().isin(list(words)).any())


def _may_be_padded(values: pd.Series) -> bool:
    """Whether any of a column's distinct `values` has the shape of a code written with zeros
    before its number (a few codes, looked at one by one: cheaper than text methods)."""
    return any(isinstance(v, str) and _ZEROS.match(v) for v in values.tolist())


def _note(part: Part, column: str, written: pd.Series, code: pd.Series) -> pd.DataFrame:
    """One note: how many cells, and one way each code was written (as read: codes are
    compared in capitals)."""
    pairs = pd.DataFrame({"w": written.to_numpy(), "c": code.to_numpy()}).drop_duplicates("c")
    shown = ", ".join(f"{w!r} as {c!r}" for w, c in pairs.itertuples(index=False))
    n = len(written)
    rule = f"{n:,} {column} {'cell' if n == 1 else 'cells'} written as words read as codes: {shown}"
    hint = HINTS[column]
    return issues("note", part.raw.table, part.raw.file, [None], column, None, rule, hint)


# a code written with zeros before its number: the letters, then the number without them
_PADDED = re.compile(r"^([A-Z]+)0+(\d+)$")
_ZEROS = re.compile(r"\s*[A-Za-z]+0+\d+\s*$")  # its shape as written (any case, padded)


def read_padded_codes(parts: list[Part]) -> list[pd.DataFrame]:
    """Zero-padded codes (`N01`, `RC01`) in each part read as the codes of the column's list
    (N1, RC1), in place; one note per file and column that had any. Only a value that is no
    code of the list whose unpadded form is one (`N010` stays: N10 is no code)."""
    notes: list[pd.DataFrame] = []
    for part in parts:
        for column, list_name in codes.COLUMNS.items():
            if column not in part.frame.columns or not len(part.frame):
                continue
            s = part.frame[column]
            if not _may_be_padded(_values(part, column)):  # the usual case: none
                continue
            valid = list(codes.valid_codes(list_name))
            known = part.distinct.get(column)
            known = Distinct.of(s) if known is None else known
            said = known.values.astype("string").str.strip().str.upper()
            unpadded = said.str.replace(_PADDED, r"\1\2", regex=True)
            padded = (unpadded.isin(valid) & ~said.isin(valid)).to_numpy(dtype=bool)
            if not padded.any():
                continue
            hit = known.spread(padded, False)
            read = s.astype(object).copy()
            read[hit] = unpadded.to_numpy(dtype=object)[known.codes[hit]]
            read = read.astype("category" if isinstance(s.dtype, pd.CategoricalDtype) else s.dtype)
            part.frame = part.frame.assign(**{column: read})
            if column in part.distinct:
                part.distinct[column] = Distinct.of(read)
            written = said.to_numpy(dtype=object)[known.codes[hit]]
            notes.append(_padded_note(part, column, pd.Series(written), read[hit]))
    return notes


def _padded_note(part: Part, column: str, written: pd.Series, code: pd.Series) -> pd.DataFrame:
    """One note: how many cells, and how each code was written (the first few)."""
    pairs = pd.DataFrame({"w": written.to_numpy(), "c": code.to_numpy()}).drop_duplicates("c")
    pairs = pairs.sort_values("c", kind="stable")
    shown = ", ".join(f"{w!r} as {c!r}" for w, c in pairs.head(4).itertuples(index=False))
    shown += f" and {len(pairs) - 4} more" if len(pairs) > 4 else ""
    n = len(written)
    rule = (
        f"{n:,} {column} {'cell' if n == 1 else 'cells'} written with zeros before the "
        f"number read as codes: {shown}"
    )
    w, c = pairs.iloc[0]
    hint = (
        f"The DfE writes {column} codes without the zeros ({c}, not {w}); nothing to do, but "
        "the return the DfE receives must carry the codes as listed."
    )
    return issues("note", part.raw.table, part.raw.file, [None], column, None, rule, hint)
