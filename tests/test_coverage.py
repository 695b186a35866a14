"""Coverage inferred when loading (SPEC section 4): from returns' years, from a full-history
extract's dates, from OC3 YEARs, or as the user states it; the bundled sample's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import scorecard as sc
from scorecard.inputs import load_dataset
from scorecard.periods import quarter_ends

T = pd.Timestamp
EP = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC"


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def _starts(n: int, last_day: str) -> str:
    """n children starting care in 2024-25, one a day, the last on `last_day`."""
    days = pd.date_range(end=last_day, periods=n, freq="D")
    return "\n".join(f"C{i},{d:%d/%m/%Y},S,C2,U1,," for i, d in enumerate(days))


@pytest.mark.parametrize(
    ("n", "last_day", "end"),
    [
        (20, "2024-06-30", "2024-06-30"),  # 20 starts, none after June: an in-year extract
        (19, "2024-06-30", "2025-03-31"),  # too few to tell: the whole year
        (20, "2024-12-29", "2025-03-31"),  # 92 days before the year's end: whole
        (20, "2024-12-28", "2024-12-28"),  # 93 days before it: cut there
    ],
)
def test_a_return_whose_events_stop_early_covers_no_later_day(
    tmp_path: Path, n: int, last_day: str, end: str
) -> None:
    ds = load_dataset(
        _folder(tmp_path, {"episodes_2024-25.csv": f"{EP}\n{_starts(n, last_day)}\n"})
    )
    cov = ds.coverage["episodes"]
    assert (cov.start, cov.end) == (T("2024-04-01"), T(end))
    warned = ds.quality.loc[ds.quality["rule"].str.contains("extract taken during the year")]
    assert len(warned) == (end != "2025-03-31")
    if len(warned):
        days = (T("2025-03-31") - T(end)).days
        assert warned["rule"].item() == (
            f"the 2024-25 return's latest date is {T(end):%d/%m/%Y}, {days} days before its "
            "year ends: read as an extract taken during the year, covering no later day"
        )
        with pytest.raises(sc.UnavailableError, match="the data ends"):
            sc.compute("cla_count", ds, at="2025-03-31")


def test_a_single_named_return_covers_its_collection_year(tmp_path: Path) -> None:
    ds = load_dataset(
        _folder(tmp_path, {"episodes_2017-18.csv": f"{EP}\nA,01/05/2017,S,C2,U1,,\n"})
    )
    cov = ds.coverage["episodes"]
    assert (cov.start, cov.end, cov.gaps) == (T("2017-04-01"), T("2018-03-31"), ())
    assert cov.basis == "SSDA903 return 2017-18"
    # issue 9: on one 2017-18 return, long-term stability at 31/03/2018 needs data from
    # 01/10/2015; 3+ placements (12 months) is a number; every figure in 2025 is not
    assert cov.unavailable_reason(T("2018-03-31"), 30) == (
        "not available: needs data from 01/10/2015; the data starts 01/04/2017"
    )
    assert cov.unavailable_reason(T("2018-03-31"), 12) is None
    assert cov.unavailable_reason(T("2025-03-31"), 0) == (
        "not available: needs data up to 31/03/2025; the data ends 31/03/2018"
    )


def test_a_full_history_extract_starts_with_its_earliest_leaving_care(tmp_path: Path) -> None:
    rows = [
        "A,01/01/2009,S,C2,U1,01/06/2010,X1",  # an old X1 change of a period still open
        "A,01/06/2010,P,C2,U4,,",
        "B,01/02/2016,S,C2,U1,01/05/2016,E13",  # the earliest leaving care: in 2016-17
        "C,01/02/2019,S,C2,U1,,",  # the latest date
    ]
    ds = load_dataset(_folder(tmp_path, {"episodes.csv": "\n".join([EP, *rows]) + "\n"}))
    cov = ds.coverage["episodes"]
    assert (cov.start, cov.end) == (T("2016-04-01"), T("2019-02-01"))
    assert cov.basis == (
        "full-history extract, from 2016-17, the first year in it when a child leaves care "
        "(DEC, REC not X1), to its latest date"
    )


def test_an_extract_where_no_child_has_left_starts_at_its_earliest_episode(tmp_path: Path) -> None:
    ds = load_dataset(
        _folder(
            tmp_path, {"episodes.csv": f"{EP}\nA,01/01/2009,S,C2,U1,,\nB,01/03/2012,S,C2,U1,,\n"}
        )
    )
    cov = ds.coverage["episodes"]
    assert (cov.start, cov.end) == (T("2009-01-01"), T("2012-03-01"))


def test_referrals_from_the_earliest_closure_and_header_with_episodes(tmp_path: Path) -> None:
    ds = load_dataset(
        _folder(
            tmp_path,
            {
                "referrals.csv": "LAchildID,CINreferralDate,CINclosureDate\n"
                "R1,01/06/2014,01/06/2015\nR2,01/09/2016,\nR3,01/02/2017,01/03/2018\n",
                "episodes.csv": f"{EP}\nA,01/05/2017,S,C2,U1,01/06/2017,E13\n",
                "header.csv": "CHILD,SEX,DOB\nA,1,01/01/2010\n",
                "population.csv": "MID_YEAR,POP_0_17\n2016,300000\n",
            },
        )
    )
    ref = ds.coverage["referrals"]
    assert (ref.start, ref.end) == (T("2015-04-01"), T("2018-03-01"))
    assert ds.coverage["header"] == ds.coverage["episodes"]
    assert "population" not in ds.coverage  # local tables are not limited


def test_oc3_years_with_a_gap(tmp_path: Path) -> None:
    ds = load_dataset(
        _folder(
            tmp_path,
            {
                "oc3.csv": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM,YEAR\n"
                "A,01/06/1997,YES,F1,B1,2016\nB,01/06/1999,YES,F1,B1,2018\n"
            },
        )
    )
    cov = ds.coverage["oc3"]
    assert (cov.start, cov.end) == (T("2015-04-01"), T("2018-03-31"))
    assert cov.gaps == ((T("2016-04-01"), T("2017-03-31")),)


IRO = {
    # one IRO in post full time from 2016; A's case opens before the 903 return, B's inside it
    "iro_staff.csv": "IRO_ID,FTE,START,END\nI1,1.0,01/01/2016,\n",
    "iro_allocations.csv": (
        "IRO_ID,CHILD,START,END,CASE_TYPE\nI1,A,01/05/2016,,CLA\nI1,B,01/05/2017,,CLA\n"
    ),
}


def test_iro_tables_cover_the_dates_the_episodes_cover(tmp_path: Path) -> None:
    """An IRO extract's caseload before the 903 data starts is as partial as the episodes:
    unavailable, as the children looked after are, never a number."""
    episodes = f"{EP}\nA,01/05/2016,S,C2,U1,,\nB,01/05/2017,S,C2,U1,,\n"
    ds = load_dataset(_folder(tmp_path, {"episodes_2017-18.csv": episodes, **IRO}))
    for table in ("iro_allocations", "iro_staff"):
        cov = ds.coverage[table]
        assert (cov.start, cov.end) == (T("2017-04-01"), T("2018-03-31"))
        assert cov.basis == "as the episodes"
    at = ["2017-03-31", "2017-04-01", "2018-03-31", "2018-04-01"]
    got = sc.compute("iro_caseload", ds, at=at)
    # 1 April 2017: A's case only (B's opens 1 May), 1 case per FTE; 31 March 2018: both
    assert got["value"].tolist()[1:3] == [1.0, 2.0]
    assert got["note"].tolist()[0] == (
        "not available: needs data from 31/03/2017; the data starts 01/04/2017"
    )
    assert got["note"].tolist()[3] == (
        "not available: needs data up to 01/04/2018; the data ends 31/03/2018"
    )
    assert got["value"].isna().tolist() == [True, False, False, True]


def test_iro_tables_without_episodes_are_not_limited(tmp_path: Path) -> None:
    ds = load_dataset(_folder(tmp_path, IRO))
    assert "iro_allocations" not in ds.coverage and "iro_staff" not in ds.coverage
    got = sc.compute("iro_caseload", ds, at=["2016-06-30", "2017-06-30"])
    assert got["value"].tolist() == [1.0, 2.0]


def test_the_user_states_the_coverage(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "episodes.csv": f"{EP}\nA,01/05/2017,S,C2,U1,,\n",
            "population.csv": "MID_YEAR,POP_0_17\n2016,300000\n",
        },
    )
    ds = load_dataset(folder, coverage=("2016-04-01", "2018-03-31"))
    for table in ("episodes", "population"):
        cov = ds.coverage[table]
        assert (cov.start, cov.end, cov.basis) == (
            T("2016-04-01"),
            T("2018-03-31"),
            "stated by the user",
        )
    with pytest.raises(ValueError, match="before it starts"):
        load_dataset(folder, coverage=("2018-04-01", "2018-03-31"))
    # day-first text is read as `at` is: 01/04/2016 is 1 April, not 4 January
    day_first = load_dataset(folder, coverage=("01/04/2016", "31/03/2018")).coverage["episodes"]
    assert (day_first.start, day_first.end) == (T("2016-04-01"), T("2018-03-31"))
    # a year label names its last day, never a first one
    with pytest.raises(ValueError, match="is a quarter or year; give the day itself"):
        load_dataset(folder, coverage=("2016-17", "31/03/2018"))


def test_the_bundled_sample_covers_every_figure_of_the_quick_start(sample_dataset) -> None:
    ds = sample_dataset
    got = {t: (c.start, c.end) for t, c in ds.coverage.items()}
    ten_years = (T("2015-04-01"), T("2025-03-31"))
    assert got == {
        "episodes": ten_years,
        "header": ten_years,
        "uasc": ten_years,
        "oc3": ten_years,
        "referrals": (T("2014-04-01"), T("2025-03-31")),
        "iro_allocations": ten_years,
        "iro_staff": ten_years,
    }
    # the 2024-25 Q4 card with 8 quarters of trend: every figure available
    for ind in sc.load_catalogue():
        cov = ds.coverage_for(ind.tables)
        if cov is None:
            continue
        for at in quarter_ends("2024-25 Q4", 8):
            assert cov.unavailable_reason(at, ind.history_months) is None, (ind.id, at)
