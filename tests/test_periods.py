"""Time conventions (SPEC section 4): quarters, windows, months before, ages and bands."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from scorecard.periods import (
    ReferenceDateError,
    age_band,
    age_in_years,
    birthday_in_year,
    financial_year,
    months_before,
    parse_at,
    published_year_end,
    published_year_label,
    quarter_end,
    quarter_ends,
    quarter_label,
    window_start,
)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2024-25 Q1", "2024-06-30"),
        ("2024-25 Q2", "2024-09-30"),
        ("2024-25 Q3", "2024-12-31"),
        ("2024-25 Q4", "2025-03-31"),  # Q4 is Jan-Mar of the second calendar year
        ("2024/25 q4", "2025-03-31"),
        ("Q1 2025-26", "2025-06-30"),
        ("1999-2000 Q4", "2000-03-31"),
    ],
)
def test_quarter_end(label: str, expected: str) -> None:
    assert quarter_end(label) == pd.Timestamp(expected)


def test_quarter_label_round_trip() -> None:
    for date in ["2024-06-30", "2024-09-30", "2024-12-31", "2025-03-31"]:
        assert quarter_end(quarter_label(date)) == pd.Timestamp(date)
    assert quarter_label("2024-04-01") == "2024-25 Q1"
    assert financial_year("2025-03-31") == "2024-25"
    assert financial_year("2025-04-01") == "2025-26"


def test_bad_quarter_label_names_accepted_forms() -> None:
    with pytest.raises(ReferenceDateError, match="consecutive"):
        quarter_end("2024-26 Q1")
    with pytest.raises(ReferenceDateError, match="quarter label"):
        parse_at("2024 Q9")


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-31",
        "31/03/2025",
        "2024-25 Q4",
        dt.date(2025, 3, 31),
        dt.datetime(2025, 3, 31, 15, 0),
        pd.Timestamp("2025-03-31"),
        np.datetime64("2025-03-31"),
        pd.Timestamp("2025-03-31 23:30", tz="Europe/London"),  # the day where it was said
        pd.Period("2025-03", freq="M"),
        pd.Period("2025Q1", freq="Q"),
        pd.Period("2025Q4", freq="Q-MAR"),  # the financial year 2024-25's last quarter
        "2024-25",
        "2024/2025",
        "31 March 2025",
        "31 Mar 2025",
        "2025-03-31T23:59",
        "2025-03-31 00:00:00",
    ],
)
def test_parse_at_forms(value: object) -> None:
    out = parse_at(value)
    assert list(out) == [pd.Timestamp("2025-03-31")]
    assert out.dtype == "datetime64[ns]"


def test_parse_at_list_sorted_unique() -> None:
    out = parse_at(["2025-03-31", "2024-25 Q3", "31/03/2025"])
    assert list(out) == [pd.Timestamp("2024-12-31"), pd.Timestamp("2025-03-31")]


@pytest.mark.parametrize(
    "index",
    [
        # unsorted, repeated, a time of day, microseconds: each one's day, once, in order
        pd.DatetimeIndex(["2025-03-31 14:00", "2024-12-31", "2025-03-31"]),
        pd.DatetimeIndex(["2025-03-31", "2024-12-31"]).astype("datetime64[us]"),
        pd.date_range("2024-06-30", periods=4, freq="QE", name="period_end"),
    ],
)
def test_parse_at_dates_given_as_an_index_read_as_each_date(index: pd.DatetimeIndex) -> None:
    """Dates the engine passes on are read at once, as each date alone would be read."""
    out = parse_at(index)
    want = parse_at(list(index))
    pd.testing.assert_index_equal(out, want, exact=True)
    assert out.dtype == "datetime64[ns]" and out.freq is None and out.name is None


@pytest.mark.parametrize("blank", [pd.NaT, np.datetime64("NaT")])
def test_a_blank_date_is_refused_alone_in_a_list_or_in_an_index(blank: object) -> None:
    """A blank date is no reference date (it once sent parse_date round in circles)."""
    for given in (blank, ["2025-03-31", blank], pd.DatetimeIndex(["2025-03-31", blank])):
        with pytest.raises(ReferenceDateError, match=r"blank date .*accepts"):
            parse_at(given)


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", 20250331, [], None])
def test_parse_at_rejects_with_hint(bad: object) -> None:
    with pytest.raises(ReferenceDateError, match="accepts"):
        parse_at(bad)


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ("2011-12", "could be the financial year 2011-12 or a month"),  # December 2011?
        ("2024-03", "a financial year runs over two consecutive years"),
        ("2024-26", "a financial year runs over two consecutive years"),
        ("03-04-2025", "either way round"),  # 3 April or 4 March?
        ("31-03-2025", "write '31/03/2025'"),  # day first with dashes: always refused, alike
    ],
)
def test_year_labels_that_could_be_read_two_ways_are_refused(bad: str, said: str) -> None:
    with pytest.raises(ReferenceDateError, match=said):
        parse_at(bad)


def test_window_start() -> None:
    # SPEC: at 2025-03-31 the window is 2024-04-01 .. 2025-03-31
    assert window_start(pd.Timestamp("2025-03-31")) == pd.Timestamp("2024-04-01")
    # 29 Feb 2024 - 12 months = 28 Feb 2023 (clipped), + 1 day = 1 March 2023
    assert window_start(pd.Timestamp("2024-02-29")) == pd.Timestamp("2023-03-01")
    # 30 June 2025: window starts 1 July 2024
    assert window_start(pd.Timestamp("2025-06-30")) == pd.Timestamp("2024-07-01")


def test_months_before_clips_to_month_end() -> None:
    assert months_before(pd.Timestamp("2025-05-31"), 3) == pd.Timestamp("2025-02-28")
    assert months_before(pd.Timestamp("2024-05-31"), 3) == pd.Timestamp("2024-02-29")
    assert months_before(pd.Timestamp("2025-03-31"), 30) == pd.Timestamp("2022-09-30")


def test_quarter_ends() -> None:
    out = quarter_ends("2024-25 Q4", 8)
    assert list(out.strftime("%Y-%m-%d")) == [
        "2023-06-30",
        "2023-09-30",
        "2023-12-31",
        "2024-03-31",
        "2024-06-30",
        "2024-09-30",
        "2024-12-31",
        "2025-03-31",
    ]


def test_age_in_years_birthdays() -> None:
    dob = pd.to_datetime(["2008-02-29", "2008-02-29", "2008-02-29", "2010-03-31", "2010-03-31"])
    on = pd.to_datetime(["2025-02-28", "2025-02-27", "2024-02-28", "2025-03-31", "2025-03-30"])
    # 29 Feb birthday falls on 28 Feb in 2025 (17 that day, 16 the day before);
    # in leap 2024 the birthday is 29 Feb, so on 28 Feb 2024 the child is still 15.
    # A birthday on the reference date counts (15), the day before does not (14).
    assert age_in_years(dob, on).tolist() == [17, 16, 15, 15, 14]


def test_birthday_in_year_29_february_and_blanks() -> None:
    """The 18th birthday of a child born 29/02/2008 is 28/02/2026 (2026 is not a leap
    year); the 16th is 29/02/2024; 31/12 and 01/01 stay put; a blank DOB has none."""
    dob = pd.Series(pd.to_datetime(["2008-02-29", "2008-02-29", "1999-12-31", "2000-01-01", None]))
    got = [birthday_in_year(dob, age, 0)[i] for i, age in enumerate([18, 16, 21, 19, 18])]
    assert got[:4] == [
        pd.Timestamp(d) for d in ("2026-02-28", "2024-02-29", "2020-12-31", "2019-01-01")
    ]
    assert pd.isna(got[4])


def test_29_february_birthdays_follow_the_century_rule() -> None:
    """1900 is not a leap year (a century), 2000 is (divisible by 400): the 4th birthday of
    a child born 29/02/1896 is 28/02/1900, of one born 29/02/1996 it is 29/02/2000. On
    28/02/1900 the first is 4; on 28/02/2000 the second is still 3."""
    dob = pd.Series(pd.to_datetime(["1896-02-29", "1996-02-29"]))
    got = [birthday_in_year(dob, 4, 0)[i] for i in range(2)]
    assert got == [pd.Timestamp("1900-02-28"), pd.Timestamp("2000-02-29")]
    on = pd.to_datetime(["1900-02-28", "2000-02-28"])
    assert age_in_years(dob, on).tolist() == [4, 3]


def test_age_in_years_many_dates_by_hand() -> None:
    """Ages of many units (each distinct day converted once) equal completed years worked
    out in plain Python, across leap days and year ends."""
    dob = pd.date_range("1999-12-25", "2012-03-05", freq="D")
    on = pd.date_range("2015-02-27", periods=len(dob), freq="2D")[::-1]
    many = age_in_years(dob, on)

    def by_hand(b: pd.Timestamp, o: pd.Timestamp) -> int:
        leap = o.year % 4 == 0 and (o.year % 100 != 0 or o.year % 400 == 0)
        month_day = (2, 28) if (b.month, b.day) == (2, 29) and not leap else (b.month, b.day)
        return o.year - b.year - ((o.month, o.day) < month_day)

    assert many.tolist() == [by_hand(b, o) for b, o in zip(dob, on)]


def test_age_in_years_missing() -> None:
    out = age_in_years(pd.to_datetime([None, "2010-01-01"]), pd.to_datetime(["2025-01-01", None]))
    assert np.isnan(out).all()


def test_age_bands() -> None:
    bands = age_band([0, 1, 4, 5, 9, 10, 15, 16, 17, np.nan])
    assert list(bands.astype(object)) == [
        "under 1",
        "1 to 4",
        "1 to 4",
        "5 to 9",
        "5 to 9",
        "10 to 15",
        "10 to 15",
        "16 and over",
        "16 and over",
        np.nan,
    ]


@pytest.mark.parametrize(
    ("published", "end", "label"),
    [
        (2025, 2025, "2024-25"),  # LAIT's year
        ("2025", 2025, "2024-25"),
        ("202425", 2025, "2024-25"),  # EES's time_period
        ("2024-25", 2025, "2024-25"),
        ("2024/2025", 2025, "2024-25"),
        ("2025.0", 2025, "2024-25"),
        ("latest", None, "latest"),  # not a year: kept as written
    ],
)
def test_published_years_in_the_forms_dfe_files_write_them(published, end, label) -> None:
    assert published_year_end(published) == end
    assert published_year_label(published) == label


def test_an_academic_year_is_written_as_schools_write_it() -> None:
    # KS4 results belong to an academic year: 2024/25, beside the card's '2024/25 on 2023/24'
    assert published_year_label(2025, academic=True) == "2024/25"
    assert published_year_label("202425", academic=True) == "2024/25"
    assert published_year_label("latest", academic=True) == "latest"
