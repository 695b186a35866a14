"""DfE code lists (SSDA903 and the CIN census) as versioned data, one CSV per list.

`lists.csv` says what each list is: its return, the tables and DfE columns that carry it,
a title and where its codes come from. Each list's CSV has `code, description, first_year,
last_year, replaced_by, source`; the years are collection years ('2024-25' runs 1 April 2024
to 31 March 2025) and blank means "open": valid since before `FIRST_YEAR` or still valid
after `LAST_YEAR`. `replaced_by` names the code(s) the DfE put in a withdrawn code's place
from the next year (H5 -> K3); `source` says where a year-bound comes from. `SOURCES.md`
beside the lists describes every reference and each difference found against the DfE's
guidance.

DfE changes the lists between collections (2018-19 split the special guardianship REC codes
E43/E44 into E45-E48; 2021-22 split ACTIV F3/P3 into apprenticeships F4/P4 and other
training or employment F5/P5; 2024-25 dropped PLACE H5 and P2, added K3 and moved SEX from
1/2 to M/F/U; 2025-26 replaced Z1 with Z11-Z14), so a code is checked against the collection
year of the row it is on.

Years are given as '2024-25', '2024/25', an int collection-year end (2025 = 2024-25, as in
the oc3 YEAR column) or a date (the collection year containing it). Years outside the known
range are clamped to it: the earliest guidance is assumed to hold before it and the latest
to carry forward.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

import numpy as np
import pandas as pd

FIRST_YEAR = 2015  # 2015-16, the earliest collection year the lists describe
LAST_YEAR = 2025  # 2025-26, the latest collection year whose guidance the lists follow

_YEAR_RE = re.compile(r"^\s*(\d{4})\s*[-/]?\s*(\d{2}|\d{4})\s*$")
_INDEX_FILE = "lists.csv"


class CodeListError(KeyError):
    """An unknown code list, an unreadable collection year or a malformed list file."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def year_label(start: int) -> str:
    """'2024-25' for the collection year starting in April 2024."""
    return f"{start}-{(start + 1) % 100:02d}"


def year_start(year: object) -> int:
    """The calendar year in which collection year `year` starts (see module docstring)."""
    if isinstance(year, bool):
        raise CodeListError(f"{year!r} is not a collection year")
    if isinstance(year, int | np.integer):
        return int(year) - 1
    if isinstance(year, dt.date | pd.Timestamp | np.datetime64):
        ts = pd.Timestamp(year)
        return ts.year if ts.month >= 4 else ts.year - 1
    if isinstance(year, str):
        m = _YEAR_RE.match(year)
        if m:
            start, end = int(m.group(1)), m.group(2)
            end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
            if end_year == start + 1:
                return start
        if year.strip().isdigit() and len(year.strip()) == 4:
            return int(year) - 1
    raise CodeListError(
        f"{year!r} is not a collection year; write it as '2024-25' (or the year end, 2025)."
    )


def collection_year_start(dates: pd.Series) -> pd.Series:
    """Vectorised: the start year of the collection year of each date (NaN when blank)."""
    d = pd.to_datetime(dates)
    return (d.dt.year - (d.dt.month < 4)).astype("float64")


def _read(file_name: str) -> list[dict[str, str]]:
    """The rows of a bundled list as text (the csv module: pandas' reader costs more than
    the two dozen small files are worth, at every start)."""
    text = resources.files(__package__).joinpath(file_name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text), restval=""))


def _key(name: str) -> str:
    """'ReferralSource', 'referral_source' and 'REFERRAL_SOURCE' all name one list."""
    return str(name).strip().upper().replace("_", "")


@cache
def _index() -> pd.DataFrame:
    raw = _read(_INDEX_FILE)
    index = pd.DataFrame([{k: v.strip() for k, v in row.items()} for row in raw], dtype=str)
    if not index["list"].is_unique:
        raise CodeListError(f"{_INDEX_FILE}: a list is named twice.")
    return index


@cache
def _names() -> Mapping[str, str]:
    """Normalised list name or DfE column -> list name."""
    names: dict[str, str] = {}
    for row in _index().itertuples():
        for alias in (row.list, *row.columns.split()):
            other = names.setdefault(_key(alias), row.list)
            if other != row.list:
                raise CodeListError(f"{_INDEX_FILE}: {alias!r} names both {other} and {row.list}.")
    return MappingProxyType(names)


LISTS: tuple[str, ...] = tuple(_index()["list"])
COLUMNS: Mapping[str, str] = MappingProxyType(
    {column: row.list for row in _index().itertuples() for column in row.columns.split()}
)
"""DfE column name -> its code list (e.g. 'ReferralSource' -> 'REFERRAL_SOURCE')."""


def list_index() -> pd.DataFrame:
    """The lists: list, return, tables, columns, title, source (one row per list)."""
    return _index().copy()


def _list_name(list_name: str) -> str:
    name = _names().get(_key(list_name))
    if name is None:
        raise CodeListError(f"No code list {list_name!r}; known lists: {', '.join(LISTS)}.")
    return name


def code_list(list_name: str) -> pd.DataFrame:
    """The code list as a frame: code, description, first, last, replaced_by, source.

    `list_name` is a list's name or a DfE column it codes (any case). `first`/`last` are
    the start years of the first and last collection years in which the code is valid,
    open ends filled with the known range (FIRST_YEAR, LAST_YEAR); `replaced_by` is a tuple
    of codes (empty when the code was not replaced).
    """
    return _load(_list_name(list_name)).copy()


def _bound(file_name: str, row: int, column: str, value: str, open_end: int) -> int:
    if not value.strip():
        return open_end
    year = year_start(value)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CodeListError(
            f"{file_name} row {row}: {column} {value!r} lies outside the known range "
            f"{year_label(FIRST_YEAR)} to {year_label(LAST_YEAR)}; leave it blank for "
            "'open', or widen FIRST_YEAR/LAST_YEAR with sources for the new years."
        )
    return year


@cache
def _load(list_name: str) -> pd.DataFrame:
    file_name = list_name.lower() + ".csv"
    raw = _read(file_name)
    rows = range(2, len(raw) + 2)  # file line numbers, after the header
    code = [r["code"].strip().upper() for r in raw]
    description = [r["description"].strip() for r in raw]
    first = [
        _bound(file_name, n, "first_year", r["first_year"], FIRST_YEAR)
        for n, r in zip(rows, raw, strict=True)
    ]
    last = [
        _bound(file_name, n, "last_year", r["last_year"], LAST_YEAR)
        for n, r in zip(rows, raw, strict=True)
    ]
    replaced_by = [tuple(r["replaced_by"].upper().split()) for r in raw]
    source = [r["source"].strip() for r in raw]
    starts = dict(zip(code, first, strict=True))
    seen: set[str] = set()
    rules = (
        ("a code is blank or given twice", lambda i: code[i] == "" or code[i] in seen),
        ("a description is blank", lambda i: description[i] == ""),
        ("first_year is after last_year", lambda i: first[i] > last[i]),
        (
            "a year-bound has no source",
            lambda i: (
                bool(raw[i]["first_year"].strip() or raw[i]["last_year"].strip())
                and source[i] == ""
            ),
        ),
        (
            "replaced_by names a code not in the list, or one not starting the year after "
            "last_year",
            lambda i: not all(starts.get(c, -1) == last[i] + 1 for c in replaced_by[i]),
        ),
    )
    for rule, broken in rules:  # each rule over every row, in this order: the first said
        seen.clear()
        for i in range(len(raw)):
            if broken(i):
                raise CodeListError(f"{file_name} row {i + 2} ({code[i]}): {rule}.")
            seen.add(code[i])
    return pd.DataFrame(
        {
            "code": code,
            "description": description,
            "first": first,
            "last": last,
            "replaced_by": replaced_by,
            "source": source,
        }
    )


@cache
def _recode_table(list_name: str) -> pd.DataFrame:
    """Code x collection year (start, known range) -> the code as written in that year."""
    frame = _load(list_name)
    first = dict(zip(frame["code"], frame["first"], strict=True))
    last = dict(zip(frame["code"], frame["last"], strict=True))
    after = dict(zip(frame["code"], frame["replaced_by"], strict=True))
    before: dict[str, list[str]] = {}
    for code, successors in after.items():
        for successor in successors:
            before.setdefault(successor, []).append(code)

    def written(code: str, year: int) -> str:
        frontier = {code}
        for _ in range(len(frame) + 1):  # each step moves to other years: it ends
            valid = {c for c in frontier if first[c] <= year <= last[c]}
            if valid or not frontier:
                return valid.pop() if len(valid) == 1 else code
            frontier = {
                n for c in frontier for n in (after[c] if year > last[c] else before.get(c, ()))
            }
        return code

    years = range(FIRST_YEAR, LAST_YEAR + 1)
    return pd.DataFrame(
        {year: [written(c, year) for c in frame["code"]] for year in years}, index=frame["code"]
    )


def recode(
    list_name: str,
    values: pd.Series,
    *,
    year: object = None,
    start_years: object = None,
) -> pd.Series:
    """Each code as the DfE has it written in the collection year of its row.

    Give `year`, one collection year for every row (any form `year_start` reads: '2024-25',
    2025, a date), or `start_years`, row by row the start years of the rows' collection
    years as `collection_year_start` gives them (2024 = 2024-25; NaN: left as is). A code
    valid that year stays; a withdrawn code becomes its one replacement (SEX 1 -> M from
    2024-25, H5 -> K3), a code not yet in use its one predecessor (E45 -> E43 before
    2018-19, M -> 1); a code with several (Z1 -> Z11-Z14) or none, a blank, or a code not
    in the list stays as it is. Years outside the known range are clamped to it.
    """
    if (year is None) == (start_years is None):
        raise TypeError("recode needs one of year= (one for all rows) or start_years= (per row).")
    table = _recode_table(_list_name(list_name))
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if year is not None:
        start = np.full(len(s), float(year_start(year)))
    else:
        start = np.asarray(start_years, dtype="float64")
    key = s.astype("string").str.strip().str.upper()
    idx, uniq = pd.factorize(key)
    known = np.r_[pd.Index(uniq).isin(table.index), False][idx]  # idx -1 (blank) -> False
    ok = known & ~np.isnan(start)
    year = (np.clip(np.nan_to_num(start), FIRST_YEAR, LAST_YEAR) - FIRST_YEAR).astype(int)
    rows = np.flatnonzero(ok)
    written = table.reindex(uniq).to_numpy(dtype=object)[idx[rows], year[rows]]
    moved = written != key.to_numpy(dtype=object)[rows]
    out = s.copy()
    out.iloc[rows[moved]] = written[moved]
    return out


def valid_codes(list_name: str, year: object = None) -> frozenset[str]:
    """Codes of `list_name` valid in collection `year` (None: valid in any year)."""
    name = _list_name(list_name)
    if year is None:
        return _valid_in(name, None)
    return _valid_in(name, min(max(year_start(year), FIRST_YEAR), LAST_YEAR))


@cache
def _valid_in(name: str, start: int | None) -> frozenset[str]:
    """`valid_codes`, worked out once per list and year (loading checks ask often)."""
    frame = _load(name)
    if start is None:
        return frozenset(frame["code"])
    keep = (frame["first"] <= start) & (frame["last"] >= start)
    return frozenset(frame.loc[keep, "code"])


def years_valid(list_name: str, code: str) -> tuple[str, ...]:
    """Collection years (known range) in which `code` is valid, e.g. ('2015-16', ...)."""
    frame = code_list(list_name).set_index("code")
    key = str(code).strip().upper()
    if key not in frame.index:
        return ()
    first, last = frame.loc[key, ["first", "last"]]
    return tuple(year_label(y) for y in range(int(first), int(last) + 1))


def describe(list_name: str, code: str) -> str:
    """The DfE description of a code ('' when unknown)."""
    frame = code_list(list_name).set_index("code")
    key = str(code).strip().upper()
    return str(frame.loc[key, "description"]) if key in frame.index else ""


def year_bounds(list_name: str) -> tuple[pd.Series, pd.Series]:
    """Two Series indexed by code: first and last valid start year (for vectorised checks)."""
    first, last = _bounds(_list_name(list_name))
    return first.copy(), last.copy()


@cache
def _bounds(name: str) -> tuple[pd.Series, pd.Series]:
    frame = _load(name).set_index("code")
    return frame["first"], frame["last"]


def versioned(list_name: str) -> bool:
    """True when some code of the list is not valid across the whole known range."""
    return _versioned(_list_name(list_name))


@cache
def _versioned(name: str) -> bool:
    frame = _load(name)
    return bool(((frame["first"] > FIRST_YEAR) | (frame["last"] < LAST_YEAR)).any())


__all__ = [
    "COLUMNS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "LISTS",
    "CodeListError",
    "code_list",
    "collection_year_start",
    "describe",
    "list_index",
    "recode",
    "valid_codes",
    "versioned",
    "year_bounds",
    "year_label",
    "year_start",
    "years_valid",
]
