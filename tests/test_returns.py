"""Yearly returns stitched into one history: names, years, keys, latest-wins, conflicts,
missing years, and the counts worked out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _loader_fixtures import EP, HEADER, write

import scorecard as sc
from scorecard.inputs.find import name_table, name_year, old_copy_word, year_folder

T = pd.Timestamp


def three_returns(folder: Path) -> Path:
    """Three yearly returns, each named differently.

    A: open in 2017-18; closed X1 and a new episode in 2018-19; that one closed in 2019-20
       (a child whose episodes span three returns).
    B: open in 2017-18 in U1; the 2018-19 return corrects PLACE to U3 and closes it.
    C: open in 2017-18, missing from 2018-19 (a conflict; stays open).
    D: only in 2019-20.
    """
    write(
        folder,
        "SSDA903_2017_episodes.csv",  # '2017': 2016-17 or 2017-18, settled by the dates
        EP,
        [
            "A,10/05/2017,S,C2,U1,,",
            "B,01/06/2017,S,C2,U1,,",
            "C,01/02/2018,S,C2,U1,,",
        ],
    )
    write(
        folder,
        "episodes_2018-19.csv",
        EP,
        [
            "A,10/05/2017,S,C2,U1,01/09/2018,X1",
            "A,01/09/2018,P,C2,U4,,",
            "B,01/06/2017,S,C2,U3,30/06/2018,E13",
        ],
    )
    write(
        folder,
        "903_201920_episodes.csv",
        EP,
        [
            "A,01/09/2018,P,C2,U4,15/01/2020,E13",
            "D,01/05/2019,S,C2,U1,,",
        ],
    )
    return folder


@pytest.mark.parametrize(
    ("text", "group", "years"),
    [
        ("2017-episodes", "2017", (2016, 2017)),
        ("SSDA903_2020_episodes", "2020", (2019, 2020)),
        ("episodes_2019-20", "2019-20", (2019,)),
        ("903_201819_header", "2018-19", (2018,)),
        ("2019_2020", "2019-20", (2019,)),
        ("episodes", None, ()),
        ("2019-21 episodes", "2019", (2018, 2019)),  # not one collection year: a bare year
        ("header 2024.25", "2024-25", (2024,)),  # a dot between the years
        ("header 2024.03.31", "2024", (2023, 2024)),  # a date, not a collection year
    ],
)
def test_the_year_a_name_carries(text: str, group: str | None, years: tuple[int, ...]) -> None:
    assert name_year(text) == (group, years)


@pytest.mark.parametrize(
    ("stem", "table"),
    [
        ("SSDA903_2020_episodes", "episodes"),
        ("903_201819_header", "header"),
        ("2017-previous_permanence", "previous_permanence"),
        ("Wealdshire episodes 2019-20", "episodes"),
        ("PlacedForAdoption", "placed_for_adoption"),
        ("SSDA903 extract 2025", None),
        ("header_and_episodes", None),  # names two tables: decided by the headers
    ],
)
def test_the_table_a_name_gives(stem: str, table: str | None) -> None:
    assert name_table(stem) == table


def test_later_return_wins_and_each_row_keeps_its_return(tmp_path: Path) -> None:
    ds = sc.load_dataset(three_returns(tmp_path))
    ep = ds["episodes"]
    # by hand: 2017-18 keeps only C; 2018-19 keeps A's first episode and B (corrected);
    # 2019-20 keeps A's second episode (now closed) and D
    assert ep[["CHILD", "DECOM", "PLACE", "DEC", "REC", "COLLECTION_YEAR"]].astype(object).where(
        ep.notna(), None
    ).values.tolist() == [
        ["C", T("2018-02-01"), "U1", None, None, "2017-18"],
        ["A", T("2017-05-10"), "U1", T("2018-09-01"), "X1", "2018-19"],
        ["B", T("2017-06-01"), "U3", T("2018-06-30"), "E13", "2018-19"],
        ["A", T("2018-09-01"), "U4", T("2020-01-15"), "E13", "2019-20"],
        ["D", T("2019-05-01"), "U1", None, None, "2019-20"],
    ]
    r = ds.returns
    assert r["collection_year"].tolist() == ["2017-18", "2018-19", "2019-20"]
    assert r["name_year"].tolist() == ["2017", "2018-19", "2019-20"]
    assert r["year_from"].tolist() == ["name and dates"] * 3
    assert r["rows"].tolist() == [3, 3, 2]
    assert r["files"].tolist()[0] == "SSDA903_2017_episodes.csv"
    assert (r["start"].tolist(), r["end"].tolist()[-1]) == (
        [T("2017-04-01"), T("2018-04-01"), T("2019-04-01")],
        T("2020-03-31"),
    )
    assert ds.files["episodes"] == (
        "SSDA903_2017_episodes.csv, episodes_2018-19.csv, 903_201920_episodes.csv"
    )


def test_stitched_counts_worked_by_hand(tmp_path: Path) -> None:
    ds = sc.load_dataset(three_returns(tmp_path))
    # 31/03/2019: A (second episode, open until 15/01/2020) and C (open, never closed):
    # B left on 30/06/2018 (the 2018-19 correction); D starts later
    got = sc.compute("cla_count", ds, at="2019-03-31")
    assert got["value"].item() == 2
    # 31/03/2020: A left on 15/01/2020; C and D
    assert sc.compute("cla_count", ds, at="2020-03-31")["value"].item() == 2
    # a naive stack of the same files counts B too (its 2017-18 row is still open)
    stack = pd.concat(
        [pd.read_csv(p, dtype=str) for p in sorted(tmp_path.glob("*.csv"))], ignore_index=True
    )
    dates = {c: pd.to_datetime(stack[c], format="%d/%m/%Y") for c in ("DECOM", "DEC")}
    at = T("2019-03-31")
    open_then = (dates["DECOM"] <= at) & (dates["DEC"].isna() | (dates["DEC"] > at))
    assert sorted(stack.loc[open_then, "CHILD"].unique()) == ["A", "B", "C"]


def test_an_open_episode_missing_from_the_next_return_is_reported(tmp_path: Path) -> None:
    ds = sc.load_dataset(three_returns(tmp_path))
    q = ds.quality
    gone = q.loc[q["rule"].str.startswith("episode open at the end of 2017-18")]
    assert gone[["file", "row", "column", "severity"]].values.tolist() == [
        ["SSDA903_2017_episodes.csv", 4, "DEC", "warning"]
    ]
    assert gone["rule"].item() == (
        "episode open at the end of 2017-18 is missing from the 2018-19 return"
    )


def test_a_start_date_corrected_in_the_next_return_is_the_same_episode(tmp_path: Path) -> None:
    # A's episode is open at the ends of 2022-23 and 2023-24 from 18/03/2023; the 2024-25
    # return has A's only episode begun before 2024-25 from 21/03/2023 (the start date
    # corrected) and closes it on 01/09/2024. It is one episode, the later date used in
    # every year: A left care (the earlier rows, missing from 2024-25, stayed open for
    # ever: A was counted at 31/03/2025). E's open episode and F's are missing from 2024-25
    # with no other episode of theirs begun before it (F's begins in 2024-25): still said
    # and left open
    write(tmp_path, "episodes_2022-23.csv", EP, ["A,18/03/2023,S,C2,U1,,"])
    write(
        tmp_path,
        "episodes_2023-24.csv",
        EP,
        [
            "A,18/03/2023,S,C2,U1,,",
            "B,01/05/2023,S,C2,U1,,",
            "E,01/06/2023,S,C2,U1,,",
            "F,01/07/2023,S,C2,U1,,",
        ],
    )
    write(
        tmp_path,
        "episodes_2024-25.csv",
        EP,
        ["B,01/05/2023,S,C2,U1,,", "A,21/03/2023,S,C2,U1,01/09/2024,E13", "F,02/04/2024,S,C2,U1,,"],
    )
    ds = sc.load_dataset(tmp_path)
    ep = ds["episodes"]
    assert ep.loc[ep["CHILD"] == "A", ["DECOM", "COLLECTION_YEAR"]].values.tolist() == [
        [T("2023-03-21"), "2024-25"]
    ]
    q = ds.quality
    assert q[["file", "row", "column", "rule"]].values.tolist() == [
        [
            "episodes_2023-24.csv",
            row,
            "DEC",
            "episode open at the end of 2023-24 is missing from the 2024-25 return",
        ]
        for row in (4, 5)
    ] + [
        [
            "episodes_2024-25.csv",
            3,
            "DECOM",
            "start date differs from the episode open in the 2023-24 return: read as that "
            "episode, its start date corrected (this date is used)",
        ],
        ["episodes_2024-25.csv", 4, "DECOM", "overlaps the child's previous episode"],
    ]
    # 31/03/2023: A; 31/03/2024: A, B, E and F; 31/03/2025: B, E and F (its 2023-24
    # episode still open beside its new one), not A
    counts = sc.compute("cla_count", ds, at=["2023-03-31", "2024-03-31", "2025-03-31"])
    assert counts["value"].tolist() == [1, 4, 3]
    starts = sc.compute("cla_started", ds, at=["2023-03-31", "2024-03-31"])
    assert starts["value"].tolist() == [1, 3]  # A once, on 21/03/2023; then B, E and F


def test_an_episode_open_before_a_missing_year_and_absent_after_it_ended_in_the_gap(
    tmp_path: Path,
) -> None:
    # no return for 2023-24. A, B, C, D and E are open at the end of 2022-23; the 2024-25
    # return has B (still open) and none of the others' episodes, so each of those ended
    # during 2023-24 (the 2024-25 return would hold it if open then); they were counted as
    # looked after for ever. A: read as ended by 31/03/2024. C comes back in 2024-25 with a
    # new episode, overlapping nothing now. D's next episode began 15/10/2023 with RNE P:
    # D's old one ended that day with X1 (one period of care). E's began 01/12/2023 with
    # RNE S, a new period: E's old one ended by then
    write(
        tmp_path,
        "episodes_2022-23.csv",
        EP,
        [
            "A,01/05/2022,S,C2,U1,,",
            "B,01/06/2022,S,C2,U1,,",
            "C,01/07/2022,S,C2,U1,,",
            "D,01/08/2022,S,C2,U1,,",
            "E,01/09/2022,S,C2,U1,,",
        ],
    )
    write(
        tmp_path,
        "episodes_2024-25.csv",
        EP,
        [
            "B,01/06/2022,S,C2,U1,,",
            "C,01/09/2024,S,C2,U1,,",
            "D,15/10/2023,P,C2,U4,,",
            "E,01/12/2023,S,C2,U1,,",
        ],
    )
    write(tmp_path, "header_2022-23.csv", HEADER, [f"{c},1,01/01/2010" for c in "ABCDE"])
    write(tmp_path, "header_2024-25.csv", HEADER, [f"{c},M,01/01/2010" for c in "BCDE"])
    ds = sc.load_dataset(tmp_path)
    ep = ds["episodes"][["CHILD", "DEC", "REC"]]
    assert ep.astype(object).where(ep.notna(), None).values.tolist() == [
        ["A", T("2024-03-31"), None],
        ["C", T("2024-03-31"), None],
        ["D", T("2023-10-15"), "X1"],
        ["E", T("2023-12-01"), None],
        ["B", None, None],
        ["C", None, None],
        ["D", None, None],
        ["E", None, None],
    ]
    q = ds.quality
    ended = (
        "episode open at the end of 2022-23 is missing from the 2024-25 return, the next "
        "after 2023-24 (none): read as ended"
    )
    assert q[["severity", "file", "row", "column", "rule"]].values.tolist() == [
        *[
            ["warning", "", None, "", f"no {t} return for 2023-24 (between 2022-23 and 2024-25)"]
            for t in ("header", "episodes")
        ],
        *[["warning", "episodes_2022-23.csv", r, "DEC", f"{ended} by 31/03/2024"] for r in (2, 4)],
        [
            "warning",
            "episodes_2022-23.csv",
            5,
            "DEC",
            f"{ended} with X1 the day the child's next episode starts (its RNE continues the "
            "period of care)",
        ],
        [
            "warning",
            "episodes_2022-23.csv",
            6,
            "DEC",
            f"{ended} by the day the child's next episode starts",
        ],
    ]
    # 31/03/2023: all five; 30/06/2024: B, D and E; 31/03/2025: B, C, D and E
    counts = sc.compute("cla_count", ds, at=["2023-03-31", "2024-06-30", "2025-03-31"])
    assert counts["value"].tolist() == [5, 3, 4]
    # D's period of care runs from 01/08/2022 (973 days to 31/03/2025, a full count); E's
    # from 01/12/2023 (486 days)
    units = sc.units("time_in_care_current", ds, at="2025-03-31")
    days = dict(zip(units["CHILD"], units["value"], strict=True))
    assert (days["D"], days["E"]) == (973, 486)
    # F's first episode in the data continues a period (RNE P): it began before the data or
    # in the gap, and its days are a lower bound; the note says both
    write(tmp_path, "episodes_2024-25.csv", EP, ["F,01/06/2024,P,C2,U4,,"])
    write(tmp_path, "header_2024-25.csv", HEADER, ["F,M,01/01/2010"])
    got = sc.compute("time_in_care_current", sc.load_dataset(tmp_path), at="2025-03-31")
    assert got["note"].item() == (
        "lower bound for 1 of 1 children: their period of care began before the data starts "
        "(01/04/2022) or in a gap in it (01/04/2023 to 31/03/2024)"
    )
    # inside the gap no figure
    with pytest.raises(sc.UnavailableError, match="the data has none from 01/04/2023"):
        sc.compute("cla_count", ds, at="2023-12-31")


def test_most_open_episodes_missing_from_the_next_return_is_an_error(tmp_path: Path) -> None:
    # a new system renumbers every child from 2024-25: the 40 episodes open at the end of
    # 2023-24 are all missing from it, and come back under new numbers. Each was a warning
    # only ("the data can be used") while every child counted twice; now also an error on
    # the table, which the card lists
    old = [f"A{i},01/05/2023,S,C2,U1,," for i in range(40)]
    new = [f"N{i},01/05/2023,S,C2,U1,," for i in range(40)]
    write(tmp_path, "episodes_2023-24.csv", EP, old)
    write(tmp_path, "episodes_2024-25.csv", EP, new)
    q = sc.load_dataset(tmp_path).quality
    assert q.loc[q["severity"] == "error", ["file", "rule"]].values.tolist() == [
        [
            "episodes_2023-24.csv, episodes_2024-25.csv",
            "most episodes open at the end of 2023-24 are missing from the 2024-25 return "
            "(40 of 40): the children renumbered by a new system, or another authority's "
            "file? They count as open, and again under their new numbers",
        ]
    ]
    # 15 of the 40 missing, not most: warnings only, as before
    write(tmp_path, "episodes_2024-25.csv", EP, [*old[15:], *new[:15]])
    q = sc.load_dataset(tmp_path).quality
    assert not (q["severity"] == "error").any()
    assert (q["rule"].str.startswith("episode open at the end of 2023-24")).sum() == 15


def test_a_missing_year_is_a_gap_in_coverage_and_reported(tmp_path: Path) -> None:
    write(tmp_path, "episodes_2017-18.csv", EP, ["A,10/05/2017,S,C2,U1,01/06/2017,E13"])
    write(tmp_path, "episodes_2019-20.csv", EP, ["B,10/05/2019,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    cov = ds.coverage["episodes"]
    assert (cov.start, cov.end) == (T("2017-04-01"), T("2020-03-31"))
    assert cov.gaps == ((T("2018-04-01"), T("2019-03-31")),)
    assert cov.basis == "SSDA903 returns 2017-18 to 2019-20 (none for 2018-19)"
    missing = ds.quality.loc[ds.quality["rule"].str.startswith("no episodes return")]
    assert missing["rule"].tolist() == [
        "no episodes return for 2018-19 (between 2017-18 and 2019-20)"
    ]
    assert ds.returns["collection_year"].tolist() == ["2017-18", "2019-20"]
    # a figure whose window touches the missing year has no number
    assert cov.unavailable_reason(T("2019-03-31"), 12) is not None
    assert cov.unavailable_reason(T("2020-03-31"), 12) is None


def test_a_changed_dob_is_reported_and_the_latest_used(tmp_path: Path) -> None:
    write(tmp_path, "2017-header.csv", HEADER, ["A,1,01/01/2010", "B,2,05/05/2012"])
    write(tmp_path, "2018-header.csv", HEADER, ["A,1,01/01/2011", "B,2,05/05/2012"])
    write(tmp_path, "2017-episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,", "B,10/05/2017,S,C2,U1,,"])
    write(tmp_path, "2018-episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,", "B,10/05/2017,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    h = ds["header"]
    assert h[["CHILD", "DOB", "COLLECTION_YEAR"]].values.tolist() == [
        ["A", T("2011-01-01"), "2018-19"],
        ["B", T("2012-05-05"), "2018-19"],
    ]
    dob = ds.quality.loc[ds.quality["column"] == "DOB"]
    assert dob[["file", "row", "value"]].values.tolist() == [["2018-header.csv", 2, "01/01/2011"]]
    assert dob["rule"].item() == "DOB differs between returns (the latest return's is used)"
    # the header files carry no dates that tell their year: read like the episodes (by start)
    assert ds.returns["collection_year"].tolist() == ["2017-18", "2018-19"]


def test_a_date_that_is_no_date_in_the_next_return_is_not_a_conflict(tmp_path: Path) -> None:
    # the 2018-19 return writes A's DOB and the DECOM of B's open episode as no date: each
    # is an error, read blank, and neither is 'DOB differs' nor 'missing from the next
    # return'; C's DOB does differ, and D's open episode is missing from 2018-19
    others = ["B,1,01/01/2011", "D,2,01/01/2013"]
    write(tmp_path, "2017-header.csv", HEADER, ["A,1,01/01/2010", "C,2,05/05/2012", *others])
    write(tmp_path, "2018-header.csv", HEADER, ["A,1,31/02/2010", "C,2,06/05/2012", *others])
    write(
        tmp_path,
        "2017-episodes.csv",
        EP,
        ["A,10/05/2017,S,C2,U1,,", "B,10/05/2017,S,C2,U1,,", "D,10/05/2017,S,C2,U1,,"],
    )
    write(
        tmp_path,
        "2018-episodes.csv",
        EP,
        ["A,10/05/2017,S,C2,U1,,", "B,31/09/2017,S,C2,U1,,", "C,01/06/2018,S,C2,U1,,"],
    )
    q = sc.load_dataset(tmp_path).quality
    assert q.loc[q["severity"] == "error", ["file", "row", "column"]].values.tolist() == [
        ["2018-header.csv", 2, "DOB"],
        ["2018-episodes.csv", 3, "DECOM"],
    ]
    warned = q.loc[q["severity"] == "warning"]
    assert warned[["file", "row", "column", "rule"]].values.tolist() == [
        ["2018-header.csv", 3, "DOB", "DOB differs between returns (the latest return's is used)"],
        [
            "2017-episodes.csv",
            4,
            "DEC",
            "episode open at the end of 2017-18 is missing from the 2018-19 return",
        ],
    ]


def _mistyped_end_in_the_latest_return(folder: Path, earlier_place: str = "U1") -> Path:
    """A and B open at the end of 2017-18; the 2018-19 return closes A on a day that does not
    exist (31/02/2019) and keeps B open; C starts in 2018-19."""
    header = ["A,1,01/01/2010", "B,2,01/01/2011", "C,1,01/01/2012"]
    write(folder, "2017-header.csv", HEADER, header[:2])
    write(folder, "2018-header.csv", HEADER, header)
    write(
        folder,
        "2017-episodes.csv",
        EP,
        [f"A,10/05/2017,S,C2,{earlier_place},,", "B,01/06/2017,S,C2,U1,,"],
    )
    write(
        folder,
        "2018-episodes.csv",
        EP,
        ["A,10/05/2017,S,C2,U1,31/02/2019,E13", "B,01/06/2017,S,C2,U1,,", "C,01/07/2018,S,C2,U1,,"],
    )
    return folder


def test_a_row_the_latest_return_spoils_keeps_the_earlier_returns_history(
    tmp_path: Path,
) -> None:
    # A's DEC in the 2018-19 return is no date: A is left out of the figures from 1 April
    # 2018 (when A left is unknown), but at 31/03/2018 the 2017-18 return told A's episode
    # right (open): A, B looked after then; at 31/12/2018 B and C, A left out and said
    ds = sc.load_dataset(_mistyped_end_in_the_latest_return(tmp_path))
    assert ds.quality.loc[ds.quality["severity"] == "error", "row"].tolist() == [2]
    got = sc.compute("cla_count", ds, at=["2018-03-31", "2018-12-31"])
    assert got["value"].tolist() == [2, 2]
    assert got["note"].fillna("").tolist() == ["", "1 episodes row left out: unusable DEC"]
    kids = sc.units("cla_count", ds, at=["2018-03-31", "2018-12-31"])
    assert kids[["period_end", "CHILD"]].values.tolist() == [
        [T("2018-03-31"), "A"],
        [T("2018-03-31"), "B"],
        [T("2018-12-31"), "B"],
        [T("2018-12-31"), "C"],
    ]
    by_sex = sc.compute("cla_count", ds, at="2018-03-31", by="sex")
    assert by_sex[["sex", "value"]].values.tolist() == [["Female", 1], ["Male", 1]]
    # the A of the 2018-19 return is the one the dataset shows; the earlier copy is kept aside
    assert ds["episodes"]["CHILD"].tolist() == ["A", "B", "C"]
    assert ds.earlier["episodes"].rows.tolist() == [0]


def test_an_earlier_copy_that_fails_its_own_rules_is_not_used(tmp_path: Path) -> None:
    # A's 2017-18 copy has a PLACE that is no code: A is left out at 31/03/2018 too
    ds = sc.load_dataset(_mistyped_end_in_the_latest_return(tmp_path, earlier_place="ZZ"))
    got = sc.compute("cla_count", ds, at="2018-03-31")
    assert got["value"].tolist() == [1]
    assert got["note"].tolist() == ["1 episodes row left out: unusable DEC"]
    assert ds.earlier["episodes"].usable.tolist() == [False]


def test_oc3_takes_year_from_its_return(tmp_path: Path) -> None:
    oc3 = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM"
    write(tmp_path, "oc3_2018-19.csv", oc3, ["Z,15/07/2000,YES,F1,B1"])  # 18 on 15/07/2018
    write(tmp_path, "oc3_2019-20.csv", f"{oc3},YEAR", ["Z,15/07/2000,YES,G4,B1,2019"])
    ds = sc.load_dataset(tmp_path)
    o = ds["oc3"]
    assert o[["CHILD", "YEAR", "ACTIV", "COLLECTION_YEAR"]].values.tolist() == [
        ["Z", 2019.0, "F1", "2018-19"],
        ["Z", 2020.0, "G4", "2019-20"],
    ]
    wrong = ds.quality.loc[ds.quality["column"] == "YEAR"]
    assert wrong[["file", "row", "value", "severity"]].values.tolist() == [
        ["oc3_2019-20.csv", 2, "2019", "warning"]
    ]
    assert "the collection year's end" in wrong["hint"].item()


def test_a_referral_open_at_a_census_and_missing_from_the_next_is_reported(
    tmp_path: Path,
) -> None:
    # R1's referral of 27/03/2024 is open at the 2023-24 census; the 2024-25 census has it
    # dated 01/04/2024 (corrected): two referrals now, the second a re-referral, so say it
    head = "LAchildID,CINreferralDate,CINclosureDate"
    write(tmp_path, "referrals_2023-24.csv", head, ["R1,27/03/2024,", "R2,01/06/2023,"])
    write(tmp_path, "referrals_2024-25.csv", head, ["R1,01/04/2024,01/09/2024", "R2,01/06/2023,"])
    ds = sc.load_dataset(tmp_path)
    said = ds.quality.loc[ds.quality["column"] == "CINclosureDate"]
    assert said[["file", "row", "rule"]].values.tolist() == [
        [
            "referrals_2023-24.csv",
            2,
            "referral open at the end of 2023-24 is missing from the 2024-25 census",
        ]
    ]


def test_a_referral_date_corrected_before_the_next_census_year_is_the_same_referral(
    tmp_path: Path,
) -> None:
    # R1's referral of 27/03/2024 is open at the 2023-24 census; the 2024-25 census dates
    # it 25/03/2024, still before its year, and closes it: one referral, corrected (it was
    # two: the old one open for ever, the new one a re-referral of it)
    head = "LAchildID,CINreferralDate,CINclosureDate"
    write(tmp_path, "referrals_2023-24.csv", head, ["R1,27/03/2024,", "R2,01/06/2023,"])
    write(tmp_path, "referrals_2024-25.csv", head, ["R1,25/03/2024,01/09/2024", "R2,01/06/2023,"])
    ds = sc.load_dataset(tmp_path)
    assert ds["referrals"]["CINreferralDate"].tolist() == [T("2024-03-25"), T("2023-06-01")]
    assert ds.quality[["file", "row", "column", "rule"]].values.tolist() == [
        [
            "referrals_2024-25.csv",
            2,
            "CINreferralDate",
            "referral date differs from the referral open in the 2023-24 census: read as "
            "that referral, its referral date corrected (this date is used)",
        ]
    ]


def test_a_years_only_file_named_as_a_draft_is_used_and_said(tmp_path: Path) -> None:
    # the only 2024-25 episodes file is named as a draft: it is the year's data, used, with
    # a warning (it was used without a word); the 2023-24 file says nothing
    write(tmp_path, "episodes_2023-24.csv", EP, ["A,10/05/2023,S,C2,U1,,"])
    write(tmp_path, "episodes_2024-25_draft.csv", EP, ["A,10/05/2023,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds.returns["collection_year"].tolist() == ["2023-24", "2024-25"]
    assert ds.quality[["severity", "file", "rule"]].values.tolist() == [
        [
            "warning",
            "episodes_2024-25_draft.csv",
            "the episodes return for 2024-25 is a file whose name marks an older or draft "
            "copy ('draft'): used, as no other file gives that year",
        ]
    ]


def test_an_authority_code_in_one_years_files_only_names_the_same_children(
    tmp_path: Path,
) -> None:
    # the 2024-25 extract adds LA = 886; 2023-24 has no LA. One authority: A's open episode
    # is the one the 2024-25 return closes, and B's the one it keeps open (each child was
    # two children, one per year: A looked after for ever, B counted twice)
    write(
        tmp_path, "episodes_2023-24.csv", EP, ["A,10/05/2023,S,C2,U1,,", "B,01/06/2023,S,C2,U1,,"]
    )
    write(
        tmp_path,
        "episodes_2024-25.csv",
        f"LA,{EP}",
        ["886,A,10/05/2023,S,C2,U1,01/09/2024,E13", "886,B,01/06/2023,S,C2,U1,,"],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"][["LA", "CHILD"]].values.tolist() == [["886", "A"], ["886", "B"]]
    assert sc.compute("cla_count", ds, at="2025-03-31")["value"].item() == 1
    assert ds.quality[["severity", "column", "rule"]].values.tolist() == [
        [
            "note",
            "LA",
            "LA given in some files only, naming one authority (886): the rows without it "
            "read as that authority's",
        ]
    ]


def test_a_bare_year_joins_the_return_that_lacks_its_table(tmp_path: Path) -> None:
    # SSDA903_2018_uasc.csv holds no dates that tell 2017-18 from 2018-19; the 2017-18
    # return has episodes and no uasc, so it is that return's (it was read as 2018-19)
    write(tmp_path, "episodes_2017-18.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    write(tmp_path, "SSDA903_2018_uasc.csv", "CHILD,SEX,DOB,DUC", ["A,1,01/01/2001,01/01/2019"])
    ds = sc.load_dataset(tmp_path)
    assert ds.returns["collection_year"].tolist() == ["2017-18"]
    assert ds["uasc"]["COLLECTION_YEAR"].tolist() == ["2017-18"]


def test_a_figure_needs_the_coverage_of_every_table_it_reads(tmp_path: Path) -> None:
    # the 2018-19 return has no uasc file: whether B (started 2018-19) is UASC is not
    # known, so the rate excluding UASC and the UASC breakdown have no figure at
    # 31/03/2019; at 31/03/2018 both stand (A, UASC; C, not)
    uasc = "CHILD,SEX,DOB,DUC"
    write(tmp_path, "2017-episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,", "C,01/06/2017,S,C2,U1,,"])
    write(tmp_path, "2017-uasc.csv", uasc, ["A,1,01/01/2002,"])
    write(
        tmp_path,
        "2018-episodes.csv",
        EP,
        ["A,10/05/2017,S,C2,U1,,", "C,01/06/2017,S,C2,U1,,", "B,01/07/2018,S,C2,U1,,"],
    )
    write(tmp_path, "population.csv", "MID_YEAR,POP_0_17", ["2017,20000", "2018,20000"])
    ds = sc.load_dataset(tmp_path)
    assert ds.coverage["uasc"].end == T("2018-03-31")
    # and validate says so before the card does
    q = ds.quality
    assert q.loc[q["severity"] == "warning", ["table", "rule"]].values.tolist() == [
        ["uasc", "no uasc in the 2018-19 SSDA903 return (the returns to 2017-18 have one)"]
    ]
    assert sc.inputs.format_issue(q.iloc[0]).startswith("  no uasc in the 2018-19 SSDA903")
    rate = sc.compute("cla_rate_per_10k_excl_uasc", ds, at=["2018-03-31", "2019-03-31"])
    assert rate["numerator"].iloc[0] == 1  # C
    assert np.isnan(rate["value"].iloc[1])
    assert (
        rate["note"].iloc[1]
        == "not available: needs data up to 31/03/2019; the data ends 31/03/2018"
    )
    by = sc.compute("cla_count", ds, at=["2018-03-31", "2019-03-31"], by="uasc")
    assert by[["uasc", "value"]].iloc[:2].values.tolist() == [["Not UASC", 1], ["UASC", 1]]
    assert np.isnan(by["value"].iloc[2]) and by["note"].iloc[2] == rate["note"].iloc[1]
    # without the breakdown, children looked after need no uasc data: A, B and C
    assert sc.compute("cla_count", ds, at="2019-03-31")["value"].item() == 3


def test_no_missing_table_warning_for_an_xml_return_or_a_table_no_figure_reads(
    tmp_path: Path,
) -> None:
    # 2017-18 as CSV files, with a uasc file and a reviews file; 2018-19 as one SSDA903 XML
    # with no UASC child and no review: the XML holds the whole return, so nothing is
    # missing; and reviews, which no figure reads, are never called missing
    write(tmp_path, "2017-episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    write(tmp_path, "2017-uasc.csv", "CHILD,SEX,DOB,DUC", ["A,1,01/01/2002,"])
    write(tmp_path, "2017-reviews.csv", "CHILD,REVIEW,REVIEW_CODE", ["A,01/07/2017,PN1"])
    (tmp_path / "SSDA903_2018-19.xml").write_text(
        "<EXPSSDA903><CHILD><HEADER><CHILDID>A</CHILDID><SEX>1</SEX><DOB>01/01/2002</DOB>"
        "</HEADER><EPISODE><DECOM>10/05/2017</DECOM><RNE>S</RNE><LS>C2</LS><PL>U1</PL>"
        "<DEC /><REC /></EPISODE></CHILD></EXPSSDA903>"
    )
    q = sc.load_dataset(tmp_path).quality
    assert not q["rule"].str.startswith("no ").any()


def _903_xml(children: list[tuple[str, str, str]]) -> str:
    """An SSDA903 XML return: one CHILD per (CHILDID, DECOM, DEC), none UASC."""
    rows = "".join(
        f"<CHILD><HEADER><CHILDID>{c}</CHILDID><SEX>1</SEX><DOB>01/01/2005</DOB><UASC>0</UASC>"
        f"</HEADER><EPISODE><DECOM>{start}</DECOM><RNE>S</RNE><LS>C2</LS><PL>U1</PL>"
        f"<DEC>{end}</DEC><REC>{'E13' if end else ''}</REC></EPISODE></CHILD>"
        for c, start, end in children
    )
    return f"<EXPSSDA903>{rows}</EXPSSDA903>"


def test_an_xml_return_with_no_uasc_child_covers_uasc_for_its_year(tmp_path: Path) -> None:
    # 2017-18 as CSV files: A (UASC) leaves care in it, C (not UASC) stays; 2018-19 as one
    # SSDA903 XML holding C and B, neither UASC. The XML is the whole return, so its year
    # has uasc data: no child UASC. The rate excluding UASC at 31/03/2019 counts B and C
    # (it was unavailable: "the data ends 31/03/2018"), and the UASC count is 0
    write(
        tmp_path,
        "2017-episodes.csv",
        EP,
        ["A,10/05/2017,S,C2,U1,01/12/2017,E13", "C,01/06/2017,S,C2,U1,,"],
    )
    write(tmp_path, "2017-uasc.csv", "CHILD,SEX,DOB,DUC", ["A,1,01/01/2002,"])
    (tmp_path / "SSDA903_2018-19.xml").write_text(
        _903_xml([("C", "01/06/2017", ""), ("B", "01/07/2018", "")])
    )
    write(tmp_path, "population.csv", "MID_YEAR,POP_0_17", ["2017,20000", "2018,20000"])
    ds = sc.load_dataset(tmp_path)
    assert ds.coverage["uasc"].end == T("2019-03-31")
    assert not ds.quality["rule"].str.startswith("no uasc").any()
    rate = sc.compute("cla_rate_per_10k_excl_uasc", ds, at="2019-03-31")
    assert rate["numerator"].item() == 2 and rate["value"].item() == 1.0
    assert sc.compute("uasc_count", ds, at="2019-03-31")["value"].item() == 0
    by = sc.compute("cla_count", ds, at="2019-03-31", by="uasc")
    assert by[["uasc", "value"]].values.tolist() == [["Not UASC", 2]]


def test_xml_returns_that_never_hold_a_uasc_child_count_none(tmp_path: Path) -> None:
    # every return is XML and none has a UASC child: the UASC count is 0, not unavailable
    (tmp_path / "SSDA903_2017-18.xml").write_text(_903_xml([("C", "01/06/2017", "")]))
    (tmp_path / "SSDA903_2018-19.xml").write_text(_903_xml([("C", "01/06/2017", "")]))
    ds = sc.load_dataset(tmp_path)
    assert len(ds["uasc"]) == 0
    assert ds.coverage["uasc"] == ds.coverage["episodes"]
    count = sc.compute("uasc_count", ds, at=["2018-03-31", "2019-03-31"])
    assert count["value"].tolist() == [0, 0]


def test_an_xml_return_between_csv_returns_leaves_no_table_a_year_short(tmp_path: Path) -> None:
    # reviews come in the 2017-18 and 2019-20 CSV returns; the 2018-19 return is one XML
    # with no AREVIEW. That year had no review (the XML is the whole return): no "no reviews
    # return for 2018-19" warning, and no gap in the reviews' coverage
    reviews = "CHILD,REVIEW,REVIEW_CODE"
    write(tmp_path, "2017-episodes.csv", EP, ["C,01/06/2017,S,C2,U1,,"])
    write(tmp_path, "2017-reviews.csv", reviews, ["C,01/07/2017,PN1"])
    (tmp_path / "SSDA903_2018-19.xml").write_text(_903_xml([("C", "01/06/2017", "")]))
    write(tmp_path, "2019-episodes.csv", EP, ["C,01/06/2017,S,C2,U1,,"])
    write(tmp_path, "2019-reviews.csv", reviews, ["C,01/07/2019,PN1"])
    ds = sc.load_dataset(tmp_path)
    assert not ds.quality["table"].eq("reviews").any()
    assert ds.coverage["reviews"].gaps == ()
    assert ds.coverage["reviews"].basis == "SSDA903 returns 2017-18 to 2019-20"


def test_a_census_a_year_behind_the_903_returns_is_said(tmp_path: Path) -> None:
    write(tmp_path, "episodes_2017-18.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    write(tmp_path, "episodes_2018-19.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    write(tmp_path, "referrals_2017-18.csv", "LAchildID,CINreferralDate", ["A,01/05/2017"])
    q = sc.load_dataset(tmp_path).quality
    assert q.loc[q["severity"] == "warning", ["table", "rule"]].values.tolist() == [
        [
            "referrals",
            "no CIN census return for 2018-19 (the CIN census returns go to 2017-18, the "
            "SSDA903 returns to 2018-19)",
        ]
    ]


def test_rows_of_other_years_in_an_oc3_return_are_left_out(tmp_path: Path) -> None:
    # the 2019-20 file keeps the year before's rows too (YEAR 2019): they were read as
    # 2019-20 rows, a second, stale status for Z in that year's cohort
    oc3 = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM,YEAR"
    write(tmp_path, "oc3_2018-19.csv", oc3, ["Z,15/07/2000,YES,F1,B1,2019"])
    write(
        tmp_path,
        "oc3_2019-20.csv",
        oc3,
        [
            "Z,15/07/2000,YES,G4,B1,2020",
            "Y,01/01/2001,YES,F1,B1,2020",
            "Z,15/07/2000,YES,F1,B1,2019",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["oc3"][["CHILD", "YEAR", "ACTIV", "COLLECTION_YEAR"]].values.tolist() == [
        ["Z", 2019.0, "F1", "2018-19"],
        ["Z", 2020.0, "G4", "2019-20"],
        ["Y", 2020.0, "F1", "2019-20"],
    ]
    said = ds.quality.loc[ds.quality["column"] == "YEAR"]
    assert said[["file", "row", "value", "rule"]].values.tolist() == [
        [
            "oc3_2019-20.csv",
            4,
            "2019",
            "a row of another year (YEAR 2019) in the 2020 return; left out: each year's rows "
            "come from its own return",
        ]
    ]


def test_a_name_the_dates_contradict_is_reported_and_the_dates_win(tmp_path: Path) -> None:
    # named 2016-17 but every episode is open in 2017-18 only
    write(
        tmp_path,
        "episodes_2016-17.csv",
        EP,
        ["A,10/05/2017,S,C2,U1,,", "B,01/06/2017,S,C2,U1,01/09/2017,E13"],
    )
    write(tmp_path, "episodes_2018-19.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds.returns["collection_year"].tolist() == ["2017-18", "2018-19"]
    said = ds.quality.loc[ds.quality["file"] == "episodes_2016-17.csv", "rule"].tolist()
    assert said == [
        "the name says 2016-17 (2016-17) but its dates are those of 2017-18; read as 2017-18"
    ]


def test_two_returns_of_one_year_are_an_error_naming_the_one_used(tmp_path: Path) -> None:
    # two episodes files for 2017-18 sharing A's episode (two versions of the return): the
    # later by name is used, and the error says which
    write(tmp_path, "SSDA903_2017_episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    write(
        tmp_path,
        "episodes_2017-18.csv",
        EP,
        ["A,10/05/2017,S,C2,U1,,", "C,01/07/2017,S,C2,U1,,"],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A"]
    q = ds.quality
    assert q[["severity", "file", "rule"]].values.tolist() == [
        [
            "error",
            "episodes_2017-18.csv, SSDA903_2017_episodes.csv",
            "two episodes returns for 2017-18: episodes_2017-18.csv (2 rows) and "
            "SSDA903_2017_episodes.csv (1 row); SSDA903_2017_episodes.csv is used (the later by "
            "name), "
            "episodes_2017-18.csv is left out",
        ]
    ]


def test_a_resubmitted_return_is_read_and_used_over_the_first(tmp_path: Path) -> None:
    # the resubmission sits in its own folder beside the first return's file: the folder is
    # read as 2017-18's, and its file is used (its name says so), not the later by name
    write(tmp_path, "SSDA903_2017_episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    write(
        tmp_path,
        "2017-18 (resubmitted)/episodes.csv",
        EP,
        ["A,10/05/2017,S,C2,U1,,", "C,01/07/2017,S,C2,U1,,"],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A", "C"]
    q = ds.quality
    assert q.loc[q["severity"] == "error", "rule"].tolist() == [
        "two episodes returns for 2017-18: 2017-18 (resubmitted)/episodes.csv (2 rows) and "
        "SSDA903_2017_episodes.csv (1 row); 2017-18 (resubmitted)/episodes.csv is used (its "
        "name says it is the version to use), "
        "SSDA903_2017_episodes.csv is left out"
    ]


@pytest.mark.parametrize(
    "copy",
    [
        "header_last.csv",  # the DfE 903 validator's copy of the previous year's file
        "header_draft.csv",
        "header_old.csv",
        "header_prev.csv",
        "header_previous.csv",
        "header_backup.csv",
        "header_copy.csv",
        "header_superseded.csv",
        "header_test.csv",
    ],
)
def test_a_file_named_as_an_older_copy_is_never_used_over_the_return(
    tmp_path: Path, copy: str
) -> None:
    # two header files in the 2018-19 folder sharing child A: the copy sorts later by name
    # but its name marks it an older copy, so header.csv (A, B) is used, the copy (A, Z) not.
    # Which is the return is not in doubt: a warning (an error before, and validate failed)
    write(tmp_path, "2018-19/header.csv", HEADER, ["A,1,01/01/2010", "B,2,01/01/2011"])
    write(tmp_path, f"2018-19/{copy}", HEADER, ["A,1,01/01/2010", "Z,2,01/01/2012"])
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["CHILD"].tolist() == ["A", "B"]
    assert ds.quality[["severity", "rule"]].values.tolist() == [
        [
            "warning",
            f"an older or draft copy beside the header return for 2018-19: 2018-19/{copy} (2 "
            f"rows) is left out, its name marking it ('{copy[6:-4].strip('_').lower()}'); "
            "2018-19/header.csv (2 rows) is used",
        ]
    ]


def test_a_draft_beside_the_final_return_is_left_out_and_said(tmp_path: Path) -> None:
    # an earlier draft of 2017-18's episodes (A still open) left beside the return (A closed
    # and B): the return is used, whatever the order of the names
    write(
        tmp_path,
        "SSDA903_2018_episodes.csv",
        EP,
        ["A,10/05/2017,S,C2,U1,01/03/2018,E13", "B,01/02/2018,S,C2,U1,,"],
    )
    write(tmp_path, "SSDA903_2018_episodes_draft.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A", "B"]
    assert ds.quality[["severity", "rule"]].values.tolist() == [
        [
            "warning",
            "an older or draft copy beside the episodes return for 2017-18: "
            "SSDA903_2018_episodes_draft.csv (1 row) is left out, its name marking it "
            "('draft'); SSDA903_2018_episodes.csv (2 rows) is used",
        ]
    ]


def test_a_draft_that_shares_no_row_with_the_return_is_not_read_as_its_other_half(
    tmp_path: Path,
) -> None:
    # the draft holds only C, whom the return lacks: two files of one year sharing no row
    # were read together as halves of the return (C counted); a draft never is a half
    write(tmp_path, "SSDA903_2018_episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    write(tmp_path, "SSDA903_2018_episodes_draft.csv", EP, ["C,10/06/2017,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A"]
    assert ds.quality["severity"].tolist() == ["warning"]


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("2024-25/header_last.csv", "last"),
        ("SSDA903_2025_episodes_draft.csv", "draft"),
        ("episodes - Copy (2).csv", "copy"),
        ("Copy of header.csv", "copy"),
        ("header.bak.csv", "bak"),
        ("Episodes_Backup_2024.csv", "backup"),
        ("episodesOLD.csv", "old"),
        ("episodes_draft1.csv", "draft"),
        ("old 2023-24/episodes.csv", "old"),
        ("2024-25/header.csv", None),
        ("latest_episodes.csv", None),  # a word inside another word marks nothing
        ("Oldham_2024_episodes.csv", None),
        ("contest.csv", None),
        ("2017-previous_permanence.csv", None),  # a table's name
        ("2024-25 (resubmitted)/episodes.csv", None),
    ],
)
def test_the_word_of_a_name_that_marks_an_older_copy(name: str, word: str | None) -> None:
    assert old_copy_word(name) == word


def test_of_two_returns_of_a_year_the_one_whose_dates_fit_it_is_used(tmp_path: Path) -> None:
    # 2018-19/episodes_export.csv is 2016-17's episodes (3 of its 4 rows closed before April
    # 2018; A, open, fits) beside the 2018-19 return (every row fits), after the 2017-18
    # return (without it, the year's dates spanning three years would make the folder a
    # full-history extract): the 2018-19 return is used,
    # not the later by name
    write(tmp_path, "2017-18/episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    write(
        tmp_path,
        "2018-19/episodes.csv",
        EP,
        [f"{c},01/0{m}/2018,S,C2,U1,," for c, m in zip("BCDE", "6789", strict=True)]
        + ["A,10/05/2017,S,C2,U1,,"],
    )
    write(
        tmp_path,
        "2018-19/episodes_export.csv",
        EP,
        [
            "A,10/05/2017,S,C2,U1,,",
            "X,01/05/2016,S,C2,U1,01/09/2016,E13",
            "Y,01/06/2016,S,C2,U1,01/01/2017,E13",
            "W,01/07/2016,S,C2,U1,01/02/2017,E13",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    assert sorted(ds["episodes"]["CHILD"]) == ["A", "B", "C", "D", "E"]
    error = ds.quality.loc[ds.quality["severity"] == "error", "rule"].tolist()
    assert error == [
        "two episodes returns for 2018-19: 2018-19/episodes.csv (5 rows) and "
        "2018-19/episodes_export.csv (4 rows); 2018-19/episodes.csv is used (its dates fit "
        "2018-19, most of the other's do not), 2018-19/episodes_export.csv is left out"
    ]


def test_a_return_written_in_two_files_sharing_no_row_is_read_whole(tmp_path: Path) -> None:
    """The 2018-19 episodes come in halves (Q1-Q2, Q3-Q4) with no episode in both: one half
    was left out (with an error), its children open from 2017-18 counted open for ever and
    'missing from the 2018-19 return'. Now both halves are the year's return, said once."""
    write(
        tmp_path, "episodes_2017-18.csv", EP, ["A,10/05/2017,S,C2,U1,,", "B,01/06/2017,S,C2,U1,,"]
    )
    write(tmp_path, "episodes_2018-19_Q1-Q2.csv", EP, ["A,10/05/2017,S,C2,U1,01/08/2018,E13"])
    write(tmp_path, "episodes_2018-19_Q3-Q4.csv", EP, ["B,01/06/2017,S,C2,U1,01/12/2018,E13"])
    ds = sc.load_dataset(tmp_path)
    assert sorted(ds["episodes"]["CHILD"]) == ["A", "B"]
    assert ds["episodes"]["DEC"].notna().all()  # each closed by its half of 2018-19
    assert ds.quality[["severity", "rule"]].values.tolist() == [
        [
            "note",
            "two episodes files for 2018-19 share no row: episodes_2018-19_Q1-Q2.csv (1 row) "
            "and episodes_2018-19_Q3-Q4.csv (1 row) are read together as the year's return",
        ]
    ]
    assert sc.compute("cla_count", ds, at="2019-03-31")["value"].item() == 0
    assert ds.returns["collection_year"].tolist() == ["2017-18", "2018-19"]


def test_year_subfolders_in_any_format(tmp_path: Path) -> None:
    write(tmp_path, "2017-18/episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    frame = pd.DataFrame(
        {
            "CHILD": ["A"],
            "DECOM": [T("2017-05-10")],
            "RNE": ["S"],
            "LS": ["C2"],
            "PLACE": ["U1"],
            "DEC": [T("2018-06-01")],
            "REC": ["E13"],
        }
    )
    (tmp_path / "2018").mkdir()
    frame.to_excel(tmp_path / "2018" / "Episodes.xlsx", index=False)
    (tmp_path / "old stuff").mkdir()
    write(tmp_path, "old stuff/episodes.csv", "x", ["y"])
    # an old copy kept in a folder that names a year and more is not a year's return
    write(tmp_path, "superseded 2018-19/episodes.csv", EP, ["Z,10/05/2018,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds.returns["collection_year"].tolist() == ["2017-18", "2018-19"]
    assert ds.returns["name_year"].tolist() == ["2017-18", "2018"]
    ep = ds["episodes"]
    assert len(ep) == 1 and ep["DEC"].item() == T("2018-06-01")
    assert ds.files["episodes"] == "2017-18/episodes.csv, 2018/Episodes.xlsx"
    # not read, and said so (once: its file is not looked at)
    said = ds.quality.loc[ds.quality["file"].str.contains("old stuff"), ["file", "rule"]]
    assert said.values.tolist() == [
        [
            "old stuff/",
            "subfolder not read (1 table file in it): only year subfolders (2019-20/) are",
        ]
    ]
    superseded = ds.quality.loc[ds.quality["file"].str.contains("superseded"), "file"]
    assert superseded.tolist() == ["superseded 2018-19/"]  # its Z is nowhere


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("2019-20", ("2019-20", (2019,))),
        ("SSDA903 2019-20", ("2019-20", (2019,))),
        ("CIN census 2020", ("2020", (2019, 2020))),
        ("2024-25 (resubmitted)", ("2024-25", (2024,))),
        ("SSDA903 2024-25 FINAL v2", ("2024-25", (2024,))),
        ("SSDA903 2023-24 submitted to DfE", ("2023-24", (2023,))),
        ("903 return 202324 as sent", ("2023-24", (2023,))),
        ("Returns 2018_19 (sent 15.07.2019)", ("2018-19", (2018,))),
        ("2019-20 to 2021-22", (None, ())),  # several years
        ("2020 and 2021 returns", (None, ())),  # two years: 2019-20 and 2020-21? or 2020-21?
        ("superseded 2024-25", (None, ())),  # an older copy
        ("2023 old", (None, ())),
        ("2024-25 draft", (None, ())),
        ("old stuff", (None, ())),
    ],
)
def test_the_year_of_a_folder_holding_a_years_return(
    name: str, year: tuple[str | None, tuple[int, ...]]
) -> None:
    assert year_folder(name) == year


def test_a_folder_naming_one_year_among_other_words_is_that_years_return(
    tmp_path: Path,
) -> None:
    # two returns kept in folders with their year and other words: both read (A open in
    # 2017-18, closed in 2018-19); a draft copy of 2018-19 and a folder of two years are not
    write(tmp_path, "SSDA903 2017-18 submitted to DfE/episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    write(
        tmp_path,
        "Returns 2018_19 (sent 15.07.2019)/episodes.csv",
        EP,
        ["A,10/05/2017,S,C2,U1,01/09/2018,E13"],
    )
    write(tmp_path, "2018-19 draft/episodes.csv", EP, ["Z,10/05/2018,S,C2,U1,,"])
    write(tmp_path, "2019-20 to 2020-21/episodes.csv", EP, ["Y,10/05/2019,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds.returns["collection_year"].tolist() == ["2017-18", "2018-19"]
    assert ds["episodes"][["CHILD", "DEC"]].values.tolist() == [["A", T("2018-09-01")]]
    assert ds.quality[["severity", "file", "rule"]].values.tolist() == [
        [
            "warning",
            "2018-19 draft/",
            "subfolder not read (1 table file in it): its name marks an older copy ('draft')",
        ],
        [
            "warning",
            "2019-20 to 2020-21/",
            "subfolder not read (1 table file in it): only year subfolders (2019-20/) are",
        ],
    ]


def test_unusable_rows_are_positions_in_the_stitched_table(tmp_path: Path) -> None:
    three_returns(tmp_path)
    path = tmp_path / "episodes_2018-19.csv"
    path.write_text(path.read_text().replace("B,01/06/2017,S,C2,U3", "B,01/06/2017,S,C2,Q9"))
    ds = sc.load_dataset(tmp_path)
    # B's 2018-19 row is the third row of the stitched table (see the test above)
    assert ds.unusable.values.tolist() == [["episodes", 2, "PLACE", "unknown PLACE code"]]
    err = ds.quality.loc[ds.quality["severity"] == "error"]
    assert err[["file", "row", "column", "value"]].values.tolist() == [
        ["episodes_2018-19.csv", 4, "PLACE", "Q9"]
    ]
    fewer = ds.without({"episodes": ds.unusable["row"].to_numpy()})
    assert "B" not in set(fewer["episodes"]["CHILD"]) and len(fewer["episodes"]) == 4


def test_a_plain_file_beside_returns_gets_its_year_from_its_dates(tmp_path: Path) -> None:
    write(tmp_path, "episodes_2017-18.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    write(tmp_path, "episodes.csv", EP, ["A,10/05/2017,S,C2,U1,01/06/2018,E13"])
    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010"])
    ds = sc.load_dataset(tmp_path)
    assert ds.returns["collection_year"].tolist() == ["2017-18", "2018-19"]
    assert ds["episodes"]["DEC"].tolist() == [T("2018-06-01")]
    # header, alone, is not stitched: no COLLECTION_YEAR
    assert "COLLECTION_YEAR" not in ds["header"].columns
    # a plain file spanning years beside returns cannot be placed
    write(
        tmp_path,
        "episodes.csv",
        EP,
        ["A,10/05/2015,S,C2,U1,01/06/2016,E13", "B,10/05/2018,S,C2,U1,01/06/2019,E13"],
    )
    ds = sc.load_dataset(tmp_path)
    err = ds.quality.loc[ds.quality["severity"] == "error"]
    assert err["file"].tolist() == ["episodes.csv"]
    assert err["rule"].item().startswith("no collection year in the name")
    assert ds["episodes"]["CHILD"].tolist() == ["A"]


def test_a_single_plain_return_keeps_working(tmp_path: Path) -> None:
    write(
        tmp_path,
        "episodes.csv",
        EP,
        ["A,10/05/2017,S,C2,U1,01/06/2017,E13", "B,10/05/2017,S,C2,U1,,"],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds.returns.empty and "COLLECTION_YEAR" not in ds["episodes"].columns
    cov = ds.coverage["episodes"]
    assert (cov.start, cov.end) == (T("2017-04-01"), T("2017-06-01"))
    assert np.array_equal(ds["episodes"]["CHILD"].to_numpy(), np.array(["A", "B"], dtype=object))


def test_ssda903_and_cin_returns_sharing_a_name_year_are_settled_apart(tmp_path: Path) -> None:
    # '2017' on the 903 files means 2017-18 (their dates); the census header says 2016-17
    write(tmp_path, "2017-episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,", "B,01/06/2017,S,C2,U1,,"])
    write(tmp_path, "2018-episodes.csv", EP, ["A,10/05/2017,S,C2,U1,,", "C,01/06/2018,S,C2,U1,,"])
    census = """<Message><Header><CollectionDetails><Collection>CIN</Collection>
      <Year>2017</Year><ReferenceDate>2017-03-31</ReferenceDate></CollectionDetails>
      </Header><Children><Child><ChildIdentifiers><LAchildID>R1</LAchildID></ChildIdentifiers>
      <CINdetails><CINreferralDate>2016-06-01</CINreferralDate></CINdetails></Child>
      </Children></Message>"""
    (tmp_path / "CIN_Census_2017.xml").write_text(census)
    ds = sc.load_dataset(tmp_path)
    got = ds.returns[["collection_year", "return", "tables"]].values.tolist()
    assert got == [
        ["2016-17", "CIN census", "referrals"],
        ["2017-18", "SSDA903", "episodes"],
        ["2018-19", "SSDA903", "episodes"],
    ]
    assert not (ds.quality["severity"] == "error").any()
    assert sc.compute("cla_count", ds, at="2018-03-31")["value"].item() == 2


def _census(year: int, reference: str, referrals: list[tuple[str, str]]) -> str:
    children = "".join(
        f"<Child><ChildIdentifiers><LAchildID>{child}</LAchildID></ChildIdentifiers>"
        f"<CINdetails><CINreferralDate>{day}</CINreferralDate></CINdetails></Child>"
        for child, day in referrals
    )
    return (
        "<Message><Header><CollectionDetails><Collection>CIN</Collection>"
        f"<Year>{year}</Year><ReferenceDate>{reference}</ReferenceDate></CollectionDetails>"
        f"</Header><Children>{children}</Children></Message>"
    )


def test_a_census_header_left_from_last_year_gives_way_to_its_name_and_dates(
    tmp_path: Path,
) -> None:
    """CIN_Census_2025.xml carries the 2024 census's header (ReferenceDate 31/03/2024) but
    2024-25's referrals: the header won over the name and every referral date, the file
    became a second 2023-24 census and the real one was left out (re-referrals 11.8% for
    22.3%). Now the name and the dates win, said once; no referral is called 'after the
    census reference date'."""
    last = [("R1", "2023-06-01"), ("R2", "2023-09-01"), ("R3", "2024-01-10")]
    this = [("R1", "2024-05-01"), ("R4", "2024-07-01"), ("R5", "2025-02-01")]
    (tmp_path / "CIN_Census_2024.xml").write_text(_census(2024, "2024-03-31", last))
    (tmp_path / "CIN_Census_2025.xml").write_text(_census(2024, "2024-03-31", this))
    ds = sc.load_dataset(tmp_path)
    got = ds.returns[["collection_year", "return", "files"]].values.tolist()
    assert [g[:2] for g in got] == [["2023-24", "CIN census"], ["2024-25", "CIN census"]]
    assert not (ds.quality["severity"] == "error").any()
    assert rules_of(ds, "warning") == [
        "the census header says 2023-24, but the name and the referral dates are 2024-25's; "
        "read as 2024-25"
    ]
    assert len(ds["referrals"]) == 6


def test_a_referral_after_the_census_date_is_said_once(tmp_path: Path) -> None:
    """A late extract: the 2024-25 census holds R2's referral of 10/04/2025. It was warned
    twice on its one row ('row outside its return's collection year 2024-25' and 'referral
    after the census reference date'); now only the more specific second one."""
    census = _census(2025, "2025-03-31", [("R1", "2024-06-01"), ("R2", "2025-04-10")])
    closed = "<CINclosureDate>2024-09-01</CINclosureDate></CINdetails>"
    (tmp_path / "CIN_Census_2025.xml").write_text(census.replace("</CINdetails>", closed, 1))
    ds = sc.load_dataset(tmp_path)
    warned = ds.quality.loc[ds.quality["severity"] == "warning"]
    assert warned[["column", "value", "rule"]].values.tolist() == [
        [
            "CINreferralDate",
            "10/04/2025",
            "referral after the census reference date (31/03/2025)",
        ]
    ]


def test_a_census_header_that_its_dates_agree_with_wins_over_the_name(tmp_path: Path) -> None:
    # a file named 2025 whose header and referrals are 2023-24's: the header, as before
    (tmp_path / "CIN_Census_2025.xml").write_text(
        _census(2024, "2024-03-31", [("R1", "2023-06-01"), ("R2", "2024-01-10")])
    )
    ds = sc.load_dataset(tmp_path)
    assert ds.returns["collection_year"].tolist() == ["2023-24"]


def rules_of(ds: sc.Dataset, severity: str) -> list[str]:
    return ds.quality.loc[ds.quality["severity"] == severity, "rule"].tolist()


def _dated_after_the_year(folder: Path) -> Path:
    """2024-25 rows dated after the year's last day: A's open episode from 18/02/2020 typed
    2030; B's new episode (after X1 on 23/10/2024) typed 2026; C's episode open at 31/03/2025
    shown with its end on 15/04/2025 (an extract run after the year's end)."""
    write(
        folder,
        "episodes_2023-24.csv",
        EP,
        ["A,18/02/2020,S,C2,U1,,", "B,01/06/2023,S,C2,U1,,", "C,01/05/2023,S,C2,U1,,"],
    )
    write(
        folder,
        "episodes_2024-25.csv",
        EP,
        [
            "A,18/02/2030,S,C2,U1,,",
            "B,01/06/2023,S,C2,U1,23/10/2024,X1",
            "B,23/10/2026,P,C2,U4,,",
            "C,01/05/2023,S,C2,U1,15/04/2025,E13",
            "D,01/09/2024,S,C2,U1,,",
        ],
    )
    return folder


def test_an_episode_begun_after_its_returns_year_is_an_error_that_leaves_the_row_out(
    tmp_path: Path,
) -> None:
    # a return holds its year as it stood on 31 March: A's DECOM and B's new DECOM cannot be
    # in the 2024-25 return. Errors on those cells (A's hint names the 2023-24 date with the
    # same day and month); no "outside its year" warning, and the overlap of A's rows and
    # B's X1 gap, which the wrong dates made, are not said. A's 2023-24 episode is still
    # missing from 2024-25. C's DEC after the year is no error: the episode was open on
    # 31/03/2025 (a late extract), and C counts then
    ds = sc.load_dataset(_dated_after_the_year(tmp_path))
    q = ds.quality
    err = q.loc[q["severity"] == "error"]
    rule = "DECOM after the last day of its return's collection year 2024-25"
    assert err[["file", "row", "column", "value", "rule"]].values.tolist() == [
        ["episodes_2024-25.csv", 2, "DECOM", "18/02/2030", rule],
        ["episodes_2024-25.csv", 4, "DECOM", "23/10/2026", rule],
    ]
    hints = err["hint"].tolist()
    assert "The 2023-24 return gives this child the DECOM 18/02/2020: the same day" in hints[0]
    assert "same day and month" not in hints[1]
    assert rules_of(ds, "warning") == [
        "episode open at the end of 2023-24 is missing from the 2024-25 return"
    ]
    # 31/03/2025: A (its 2023-24 episode, open), C and D; the two rows are left out, and
    # the figure says so (before: the same three, with warnings only and no note).
    # 31/03/2024: A, B and C, from the 2023-24 return, no note
    got = sc.compute("cla_count", ds, at=["2024-03-31", "2025-03-31"])
    assert got["value"].tolist() == [3, 3]
    assert got["note"].fillna("").tolist() == ["", "2 episodes rows left out: unusable DECOM"]


def test_a_date_after_the_year_in_a_single_extract_is_not_checked(tmp_path: Path) -> None:
    # an extract with no return year: no year's last day to be after (as before)
    write(tmp_path, "episodes.csv", EP, ["A,18/02/2020,S,C2,U1,,", "B,23/10/2026,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert rules_of(ds, "error") == []


def test_an_episode_a_return_writes_twice_with_its_start_corrected_is_one_episode(
    tmp_path: Path,
) -> None:
    # the 2024-25 return exports the corrected episode and the original beside it: the same
    # cells but DECOM, days apart, overlapping. A (05/05 and 15/05/2024): the later kept;
    # E (10/03 and 20/03/2024): the 2023-24 return holds 10/03, kept; G's new placement
    # after X1 on 01/07/2024 also written from 21/06: 01/07 kept. Left as they were, with
    # their overlap warnings: B's rows differ in PLACE; C's DECOMs are 92 days apart; D has
    # three such rows
    write(
        tmp_path, "episodes_2023-24.csv", EP, ["E,10/03/2024,S,C2,U1,,", "G,01/05/2023,S,C2,U1,,"]
    )
    write(
        tmp_path,
        "episodes_2024-25.csv",
        EP,
        [
            "A,05/05/2024,S,C2,U1,,",
            "A,15/05/2024,S,C2,U1,,",
            "E,10/03/2024,S,C2,U1,,",
            "E,20/03/2024,S,C2,U1,,",
            "G,01/05/2023,S,C2,U1,01/07/2024,X1",
            "G,01/07/2024,P,C2,U4,,",
            "G,21/06/2024,P,C2,U4,,",
            "B,01/06/2024,S,C2,U1,,",
            "B,08/06/2024,S,C2,U4,,",
            "C,01/05/2024,S,C2,U1,30/09/2024,E13",
            "C,01/08/2024,S,C2,U1,30/09/2024,E13",
            "D,01/07/2024,S,C2,U1,,",
            "D,05/07/2024,S,C2,U1,,",
            "D,09/07/2024,S,C2,U1,,",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    q = ds.quality
    twice = q.loc[q["rule"].str.startswith("episode written twice in its return")]
    assert twice[["file", "row", "column", "value", "severity"]].values.tolist() == [
        ["episodes_2024-25.csv", row, "DECOM", value, "warning"]
        for row, value in ((2, "05/05/2024"), (5, "20/03/2024"), (8, "21/06/2024"))
    ]
    assert [h.split(": a corrected")[0] for h in twice["hint"]] == [
        "Row 3 of episodes_2024-25.csv has the same episode from 15/05/2024, kept (the later "
        "DECOM)",
        "Row 4 of episodes_2024-25.csv has the same episode from 10/03/2024, kept (the "
        "2023-24 return holds it)",
        "Row 7 of episodes_2024-25.csv has the same episode from 01/07/2024, kept (the later "
        "DECOM)",
    ]
    rest = q.loc[~q.index.isin(twice.index)]
    assert rest[["row", "rule"]].values.tolist() == [
        [row, "overlaps the child's previous episode"] for row in (10, 12, 14, 15)
    ]
    ep = ds["episodes"]
    assert ep.loc[ep["CHILD"].isin(["A", "E", "G"]), ["CHILD", "DECOM"]].values.tolist() == [
        ["A", T("2024-05-15")],
        ["E", T("2024-03-10")],
        ["G", T("2023-05-01")],
        ["G", T("2024-07-01")],
    ]
    # started in 2024-25: A, B, C, D (before also G, its period of care split by the
    # original from 21/06); looked after at 31/03/2025: A, B, D, E, G; of them with three
    # placements in 2024-25: D (before also G: U1, U4 and U4 again)
    assert sc.compute("cla_started", ds, at="2025-03-31")["value"].item() == 4
    short = sc.compute("placement_stability_short", ds, at="2025-03-31")
    assert short[["numerator", "denominator"]].values.tolist() == [[1, 5]]


def test_of_an_episode_written_twice_the_one_the_next_return_holds_is_kept(
    tmp_path: Path,
) -> None:
    # H and I written twice in 2024-25, the 2025-26 return holding one of each (I's other
    # row is the one the 2023-24 return holds: the later return's word wins). Before, the
    # other row stayed open for ever, missing from 2025-26: H and I looked after at
    # 31/03/2026; now neither, each episode ended as 2025-26 says
    write(tmp_path, "episodes_2023-24.csv", EP, ["I,01/03/2024,S,C2,U1,,"])
    write(
        tmp_path,
        "episodes_2024-25.csv",
        EP,
        [
            "H,01/02/2025,S,C2,U1,,",
            "H,11/02/2025,S,C2,U1,,",
            "I,01/03/2024,S,C2,U1,,",
            "I,10/03/2024,S,C2,U1,,",
        ],
    )
    write(
        tmp_path,
        "episodes_2025-26.csv",
        EP,
        ["H,01/02/2025,S,C2,U1,01/06/2025,E13", "I,10/03/2024,S,C2,U1,01/09/2025,E13"],
    )
    ds = sc.load_dataset(tmp_path)
    q = ds.quality
    assert q[["row", "value"]].values.tolist() == [[3, "11/02/2025"], [4, "01/03/2024"]]
    assert q["rule"].str.startswith("episode written twice in its return").all()
    assert q["hint"].str.contains(r"kept \(the 2025-26 return holds it\)").all()
    ep = ds["episodes"]
    assert ep[["CHILD", "DECOM", "COLLECTION_YEAR"]].values.tolist() == [
        ["H", T("2025-02-01"), "2025-26"],
        ["I", T("2024-03-10"), "2025-26"],
    ]
    assert sc.compute("cla_count", ds, at="2026-03-31")["value"].item() == 0
