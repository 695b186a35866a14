"""DfE code lists (SSDA903) as versioned data, one CSV per list in this folder.

Each CSV has `code, description, first_year, last_year`; the years are collection years
('2024-25' runs 1 April 2024 to 31 March 2025) and blank means "open": valid since before
`FIRST_YEAR` or still valid after `LAST_YEAR`. DfE changes the lists between collections
(2024-25 dropped PLACE H5 and P2 and added K3; 2025-26 replaced Z1 with Z11-Z14; SEX moved
from 1/2 to M/F/U), so a code is checked against the collection year of the row's own date.

Years are given as '2024-25', '2024/25', an int collection-year end (2025 = 2024-25, as in
the oc3 YEAR column) or a date (the collection year containing it). Years outside the known
range are clamped to it: the latest guidance is assumed to carry forward.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

FIRST_YEAR = 2019  # 2019-20, the earliest collection year the lists describe
LAST_YEAR = 2025  # 2025-26, the latest collection year whose guidance the lists follow

LISTS: tuple[str, ...] = (
    "LS",
    "RNE",
    "PLACE",
    "PLACE_PROVIDER",
    "REC",
    "REASON_PLACE_CHANGE",
    "IN_TOUCH",
    "ACTIV",
    "ACCOM",
    "SEX",
)

_YEAR_RE = re.compile(r"^\s*(\d{4})\s*[-/]?\s*(\d{2}|\d{4})\s*$")


class CodeListError(KeyError):
    """An unknown code list or an unreadable collection year."""

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


def _file_name(list_name: str) -> str:
    name = list_name.strip().upper()
    if name not in LISTS:
        raise CodeListError(f"No code list {list_name!r}; known lists: {', '.join(LISTS)}.")
    return name.lower() + ".csv"


def code_list(list_name: str) -> pd.DataFrame:
    """The code list as a frame: code, description, first, last.

    `first`/`last` are the start years of the first and last collection years in which the
    code is valid, open ends filled with the known range (FIRST_YEAR, LAST_YEAR).
    """
    return _load(_file_name(list_name)).copy()


@cache
def _load(file_name: str) -> pd.DataFrame:
    text = resources.files(__package__).joinpath(file_name).read_text("utf-8")
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "code": raw["code"].str.strip().str.upper(),
            "description": raw["description"].str.strip(),
            "first": [year_start(v) if v.strip() else FIRST_YEAR for v in raw["first_year"]],
            "last": [year_start(v) if v.strip() else LAST_YEAR for v in raw["last_year"]],
        }
    )


def valid_codes(list_name: str, year: object = None) -> frozenset[str]:
    """Codes of `list_name` valid in collection `year` (None: valid in any year)."""
    frame = code_list(list_name)
    if year is None:
        return frozenset(frame["code"])
    start = min(max(year_start(year), FIRST_YEAR), LAST_YEAR)
    keep = (frame["first"] <= start) & (frame["last"] >= start)
    return frozenset(frame.loc[keep, "code"])


def years_valid(list_name: str, code: str) -> tuple[str, ...]:
    """Collection years (known range) in which `code` is valid, e.g. ('2019-20', ...)."""
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
    frame = code_list(list_name).set_index("code")
    return frame["first"], frame["last"]


def versioned(list_name: str) -> bool:
    """True when some code of the list is not valid across the whole known range."""
    frame = code_list(list_name)
    return bool(((frame["first"] > FIRST_YEAR) | (frame["last"] < LAST_YEAR)).any())


__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "LISTS",
    "CodeListError",
    "code_list",
    "collection_year_start",
    "describe",
    "valid_codes",
    "versioned",
    "year_bounds",
    "year_label",
    "year_start",
    "years_valid",
]
