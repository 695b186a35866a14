"""Dates as councils write them, two-digit years where the century is certain, and the
collection year (OC3 YEAR) in its written forms."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from scorecard.inputs.coerce import _as_collection_year, _date_column, two_digit_year

T = pd.Timestamp
THIS_YEAR = dt.date.today().year


def _read(*values: object) -> tuple[list[object], list[bool]]:
    dates, bad, _ = _date_column(pd.Series(values, dtype=object))
    return [None if pd.isna(d) else d for d in dates], bad.tolist()


@pytest.mark.parametrize(
    ("written", "date"),
    [
        ("01/04/2024", "2024-04-01"),  # dd/mm/YYYY
        ("1/4/2024", "2024-04-01"),  # d/m/YYYY
        ("01-04-2024", "2024-04-01"),  # dd-mm-YYYY
        ("1.4.2024", "2024-04-01"),
        ("01-Apr-2024", "2024-04-01"),  # dd-Mon-YYYY
        ("01 APRIL 2024", "2024-04-01"),
        ("2024-04-01", "2024-04-01"),  # ISO
        ("2024-04-01 13:45", "2024-04-01"),  # ISO with a time
        ("2024-04-01T13:45:10", "2024-04-01"),
        ("2024-04-01T00:00:00Z", "2024-04-01"),  # a UTC mark or an offset: the date written
        ("2024-04-01T00:00:00.000+01:00", "2024-04-01"),
        # a 12-hour clock, as .NET, SSRS and Access export dates: the date written
        ("28/07/2003 12:00:00 AM", "2003-07-28"),
        ("01/04/2024 11:30:00 PM", "2024-04-01"),
        ("01/04/2024 9:05 a.m.", "2024-04-01"),
        ("2024-04-01 12:00:00 pm", "2024-04-01"),
        ("20240401", "2024-04-01"),
        ("2024/04/01", "2024-04-01"),  # year first is year, month, day
        ("2024.4.1", "2024-04-01"),
        ("45383", "2024-04-01"),  # an Excel serial number (as text in a CSV)
        (45383, "2024-04-01"),  # ... or as a number from a workbook
        ("29/02/2024", "2024-02-29"),
        (" 01/04/2024 ", "2024-04-01"),
    ],
)
def test_each_written_form(written: object, date: str) -> None:
    assert _read(written) == ([T(date)], [False])


@pytest.mark.parametrize(
    "written",
    [
        "31/02/2024",
        "29/02/2023",
        "2024-13-01",
        "2024/02/30",
        "2024/13/01",
        "soon",
        "04/01",
        "2024",
        "29220",
        "01/04/2024 25:00:00 AM PM",  # no clock
    ],
)
def test_not_dates(written: str) -> None:
    assert _read(written) == ([None], [True])


def test_blank_is_missing_not_bad() -> None:
    assert _read(None, "", "  ") == ([None, None, None], [False, False, False])


def test_day_comes_before_month() -> None:
    assert _read("04/01/2024") == ([T("2024-01-04")], [False])


def test_two_digit_years_only_where_the_century_is_certain() -> None:
    last = THIS_YEAR + 20  # 20 years ahead of the current year
    yy_last, yy_after = last % 100, (last + 1) % 100
    assert _read(f"01/04/{yy_last:02d}") == ([T(f"{last}-04-01")], [False])
    # the year after the span: neither 19yy nor 20yy is in 1980 to (this year + 20)
    assert _read(f"01/04/{yy_after:02d}") == ([None], [True])
    assert _read("01/04/80") == ([T("1980-04-01")], [False])  # 1980 is the first
    assert _read("01/04/79") == ([None], [True])  # 1979 and 2079: neither certain
    assert _read("01-Apr-05", "5/6/99") == ([T("2005-04-01"), T("1999-06-05")], [False, False])


def test_the_two_digit_rule_at_a_fixed_date() -> None:
    today = dt.date(2026, 11, 29)
    years = pd.Series([0.0, 46.0, 47.0, 79.0, 80.0, 99.0])
    got = two_digit_year(years, today).tolist()
    assert got[:2] == [2000.0, 2046.0] and got[4:] == [1980.0, 1999.0]
    assert pd.isna(got[2]) and pd.isna(got[3])


def test_many_rows_are_read_once_per_distinct_value() -> None:
    values = pd.Series(["01/04/2024", "2024-05-02", "junk", None] * 5_000, dtype="str")
    dates, bad, _ = _date_column(values)
    assert dates.iloc[:4].tolist()[:2] == [T("2024-04-01"), T("2024-05-02")]
    assert bad.sum() == 5_000 and dates.isna().sum() == 10_000
    assert dates.dtype == "datetime64[ns]"


@pytest.mark.parametrize(
    ("written", "year"),
    [
        ("2025", 2025.0),
        ("2024-25", 2025.0),
        ("202425", 2025.0),
        ("2024/2025", 2025.0),
        (2025, 2025.0),
        ("1999-00", 2000.0),
    ],
)
def test_collection_year_forms(written: object, year: float) -> None:
    years, bad = _as_collection_year(pd.Series([written], dtype=object))
    assert years.tolist() == [year] and not bad.any()


@pytest.mark.parametrize("written", ["2024-26", "twenty", "2024.5"])
def test_not_collection_years(written: str) -> None:
    _, bad = _as_collection_year(pd.Series([written], dtype=object))
    assert bad.tolist() == [True]
