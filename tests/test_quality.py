"""Data-quality warnings: they are reported in Dataset.quality and never stop loading."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.engine import warned
from scorecard.inputs import DataValidationError, dataset_from_frames, keys, report
from scorecard.inputs.quality import _Ctx

EP_COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"]


def _eps(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=EP_COLS)


def _warnings(ds, rule: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    q = ds.quality
    return q.loc[q["rule"].str.startswith(rule)].reset_index(drop=True)


def test_overlaps_x1_gaps_and_rec_without_dec() -> None:
    ds = dataset_from_frames(
        {
            "episodes": _eps(
                [
                    ("A", "01/04/2024", "S", "C2", "U1", "01/07/2024", "X1"),  # 0 clean chain
                    ("A", "01/07/2024", "P", "C2", "U2", None, None),  # 1
                    ("B", "01/04/2024", "S", "C2", "U1", "01/08/2024", "E13"),  # 2
                    ("B", "01/06/2024", "S", "C2", "U3", None, None),  # 3 starts before 01/08
                    ("C", "01/04/2024", "S", "C2", "U1", "01/05/2024", "X1"),  # 4 next is 05/05
                    ("C", "05/05/2024", "P", "C2", "U2", None, None),  # 5
                    ("D", "01/04/2024", "S", "C2", "U1", "01/05/2024", "X1"),  # 6 no next
                    ("E", "01/04/2024", "S", "V3", "U1", None, None),  # 7 short breaks: skipped
                    ("E", "01/05/2024", "S", "C2", "U1", None, None),  # 8
                    ("F", "01/04/2024", "S", "C2", "U1", None, "E13"),  # 9 REC without DEC
                ]
            )
        }
    )
    overlap = _warnings(ds, "overlaps")
    assert overlap[["row", "column", "value"]].values.tolist() == [[3, "DECOM", "01/06/2024"]]
    assert "(DEC 01/08/2024)" in overlap["hint"].item()
    gaps = _warnings(ds, "gap in a chain")
    assert gaps["row"].tolist() == [4, 6] and set(gaps["column"]) == {"REC"}
    assert "05/05/2024" in gaps["hint"][0] and "starts: none" in gaps["hint"][1]
    assert _warnings(ds, "REC given but DEC blank")["row"].tolist() == [9]
    assert set(ds.quality["severity"]) == {"warning"}
    assert set(ds.quality["file"]) == {"<memory:episodes>"}


def test_a_date_that_is_no_date_draws_no_warning_from_its_blank() -> None:
    # the unreadable dates are errors, read blank; the checks take nothing from that blank:
    # A's DEC is no date (not 'REC given but DEC blank', nor an overlap with A's next
    # episode); B's two rows differ only in a DEC that is no date (not a duplicated row);
    # C's X1 is followed by an episode whose DECOM is no date (not a gap in the chain)
    ds = dataset_from_frames(
        {
            "episodes": _eps(
                [
                    ("A", "01/04/2024", "S", "C2", "U1", "31/04/2024", "E13"),  # 0
                    ("A", "01/06/2024", "S", "C2", "U3", None, None),  # 1
                    ("B", "01/04/2024", "S", "C2", "U1", "30/02/2025", "E13"),  # 2
                    ("B", "01/04/2024", "S", "C2", "U1", "31/06/2024", "E13"),  # 3
                    ("C", "01/04/2024", "S", "C2", "U1", "01/05/2024", "X1"),  # 4
                    ("C", "32/05/2024", "P", "C2", "U2", None, None),  # 5
                    ("D", "01/04/2024", "S", "C2", "U1", None, "E13"),  # 6 REC without DEC
                ]
            )
        },
        strict=False,
    )
    q = ds.quality
    errors = q.loc[q["severity"] == "error"]
    assert sorted(errors[["row", "column"]].values.tolist()) == [
        [0, "DEC"],
        [2, "DEC"],
        [3, "DEC"],
        [5, "DECOM"],
    ]
    warned = q.loc[q["severity"] == "warning"]
    assert warned[["row", "rule"]].values.tolist() == [[6, "REC given but DEC blank"]]


def test_referrals_whose_dates_are_blank_or_no_date_repeat_nothing() -> None:
    # R1's two referrals have no date (one blank, one no date, read blank): each is an
    # error, and they are not 'repeated for the same child and date'; R2's are
    ds = dataset_from_frames(
        {
            "referrals": pd.DataFrame(
                {
                    "LAchildID": ["R1", "R1", "R2", "R2"],
                    "CINreferralDate": [None, "31/11/2024", "01/04/2024", "01/04/2024 00:00"],
                }
            )
        },
        strict=False,
    )
    q = ds.quality
    assert sorted(q.loc[q["severity"] == "error", "row"]) == [0, 1]
    assert _warnings(ds, "referral repeated")["row"].tolist() == [3]


def test_a_referral_begun_while_the_childs_earlier_one_is_open_is_named() -> None:
    """A referral recorded twice (a second one opened 3 days after the first, both open)
    counted as a new referral and a re-referral with no message (audit 7 r22). Now a
    referral that begins while an earlier one of the child is still open (no closure, or a
    closure after its date) is warned, with what it counts as and how to fix it."""
    ds = dataset_from_frames(
        {
            "referrals": pd.DataFrame(
                {
                    "LAchildID": ["A", "A", "B", "B", "B", "C", "C", "D", "D"],
                    "CINreferralDate": [
                        "01/05/2024",  # 0
                        "04/05/2024",  # 1 A's first has no closure: a re-referral
                        "01/01/2023",  # 2 open to 01/06/2024
                        "01/03/2024",  # 3 inside it; B's previous is 14 months before
                        "01/05/2024",  # 4 inside row 2 still (row 3 closed 01/04/2024)
                        "01/04/2024",  # 5
                        "10/04/2024",  # 6 row 5 closed that day: no overlap
                        "01/04/2024",  # 7
                        "01/04/2024",  # 8 the same day: a repeat, said apart
                    ],
                    "CINclosureDate": [
                        None,
                        None,
                        "01/06/2024",
                        "01/04/2024",
                        None,
                        "10/04/2024",
                        None,
                        None,
                        None,
                    ],
                }
            )
        }
    )
    open_ = _warnings(ds, "referral begins while the child's earlier referral is still open")
    assert open_[["row", "column", "value"]].values.tolist() == [
        [1, "CINreferralDate", "04/05/2024"],
        [3, "CINreferralDate", "01/03/2024"],
        [4, "CINreferralDate", "01/05/2024"],
    ]
    hints = open_["hint"].tolist()
    assert hints[0].startswith(
        "An earlier referral of the child has no CINclosureDate; the re-referral definition "
        "counts this row as a new referral and a re-referral (the child's previous referral "
        "is within 12 months). If it is the same referral recorded twice, merge the rows"
    )
    assert hints[1].startswith(
        "An earlier referral of the child closes on 01/06/2024, after this date; it counts "
        "as a new referral. If"
    )
    assert "closes on 01/06/2024" in hints[2] and "and a re-referral" in hints[2]
    assert _warnings(ds, "referral repeated")["row"].tolist() == [8]
    assert set(ds.quality["severity"]) == {"warning"}


@pytest.mark.parametrize("order", ["as a census lists them", "shuffled"])
def test_referral_overlaps_of_pooled_authorities_in_any_order(order: str) -> None:
    """Pooled authorities: the same LAchildID in two LAs is two children (B in 202 begins
    while B in 201 is still open, the row after it: no overlap), and the overlaps found are
    the same whether the rows come in census order (read from the LA and identifier side by
    side) or not (a key of the two, sorted)."""
    frame = pd.DataFrame(
        {
            "LA": ["201", "201", "201", "202", "202", "202"],
            "LAchildID": ["A", "B", "B", "B", "C", "C"],
            "CINreferralDate": [
                "01/01/2024",
                "01/01/2024",
                "01/03/2024",  # B (201)'s first is still open: an overlap
                "01/05/2024",  # B (202): a child of its own, not inside B (201)'s
                "01/01/2024",
                "01/06/2024",  # C's first closed 01/07/2024: an overlap
            ],
            "CINclosureDate": [None, None, None, "01/08/2024", "01/07/2024", None],
        }
    )
    if order == "shuffled":
        frame = frame.iloc[[5, 1, 3, 0, 4, 2]].reset_index(drop=True)
    ds = dataset_from_frames({"referrals": frame})
    open_ = _warnings(ds, "referral begins while the child's earlier referral is still open")
    warned_rows = frame.iloc[open_["row"].to_numpy(dtype=int)]
    assert sorted(zip(warned_rows["LA"], warned_rows["LAchildID"], strict=True)) == [
        ("201", "B"),
        ("202", "C"),
    ]
    assert sorted(open_["value"]) == ["01/03/2024", "01/06/2024"]


def test_referral_rows_of_the_census_csv_layout_are_a_note_not_warnings() -> None:
    """The CIN census CSV writes a row per module, each assessment or plan row repeating its
    referral: every such row was warned 'referral repeated ... remove the repeated row'
    (audit 7 r19: 12,334 warnings and a caveat on re_referral_rate). Rows that agree with
    their referral's first row on every referral column and differ in another column are
    now one note; an exact copy, or a row with another ReferralSource, is still warned."""
    frame = pd.DataFrame(
        {
            "LAchildID": ["R1", "R1", "R1", "R2", "R2", "R3", "R3"],
            "CINreferralDate": ["01/04/2024"] * 3 + ["01/05/2024"] * 2 + ["01/06/2024"] * 2,
            "ReferralSource": ["1A", "1A", "1A", "1A", "1A", "1A", "2B"],
            "PrimaryNeedCode": ["N1"] * 7,
            "AssessmentActualStartDate": [
                "03/04/2024",
                "23/04/2024",  # 1 a second assessment: the layout
                None,  # 2 a plan row: the layout
                None,
                None,  # 4 an exact copy of row 3
                "03/06/2024",
                "23/06/2024",  # 6 another ReferralSource
            ],
            "CINPlanStartDate": [None, None, "10/05/2024", None, None, None, None],
        }
    )
    ds = dataset_from_frames({"referrals": frame})
    rep = _warnings(ds, "referral repeated")
    assert rep["row"].tolist() == [4, 6]
    notes = ds.quality.loc[ds.quality["severity"] == "note"]
    assert notes[["file", "rule"]].values.tolist() == [
        ["<memory:referrals>", "one row per module: 3 referrals on 7 rows"]
    ]
    # the layout alone: no warning, so no caveat on the re-referral figure
    ds = dataset_from_frames({"referrals": frame.iloc[:3]})
    assert (ds.quality["severity"] == "note").all() and len(ds.quality) == 1
    assert warned(ds).empty


def test_an_episode_written_twice_with_another_place_is_an_error_not_a_guess() -> None:
    # A's episode is written twice, the second time with PLACE R1 (an edited placement
    # exported twice): which is right is not known. The first row is left out of every
    # figure (the episode counts once), the last of those that read PLACE; B's exact copy
    # is counted once, as before
    ds = dataset_from_frames(
        {
            "episodes": _eps(
                [
                    ("A", "01/04/2024", "S", "C2", "U6", None, None),  # 0
                    ("B", "01/05/2024", "S", "C2", "U1", None, None),  # 1
                    ("B", "01/05/2024", "S", "C2", "U1", None, None),  # 2 exact copy
                    ("A", "01/04/2024", "S", "C2", "R1", None, None),  # 3
                ]
            )
        },
        strict=False,
    )
    q = ds.quality
    errors = q.loc[q["severity"] == "error"]
    assert errors[["row", "column", "value"]].values.tolist() == [
        [0, "DECOM", "01/04/2024"],
        [3, "PLACE", "R1"],
    ]
    assert errors["rule"].tolist() == [
        "episode written again later in the file with other values (this row is left out)",
        "episode written twice with another PLACE (which is right is not known)",
    ]
    assert not q["rule"].str.startswith("overlaps").any()
    assert sc.compute("cla_count", ds, at="2024-06-30")["value"].item() == 2
    foster = sc.compute("pct_foster_care", ds, at="2024-06-30")
    assert (foster["numerator"].item(), foster["denominator"].item()) == (1, 1)  # B alone


def test_dates_of_birth_that_cannot_be_right_beside_the_episodes() -> None:
    # care began on 01/04/2020 for all four (B's second episode is later): A born in 2031
    # (after care began), B on 01/01/1900 (a placeholder: 120 years old in care); C born
    # the day care began and D 25 years less a day before it are possible
    episodes = _eps(
        [
            (c, "01/04/2020", "S", "C2", "U1", None, None)
            if c != "B"
            else ("B", "01/04/2020", "S", "C2", "U1", "01/05/2020", "E13")
            for c in "ABCD"
        ]
        + [("B", "01/01/2022", "S", "C2", "U1", None, None)]
    )
    header = pd.DataFrame(
        {
            "CHILD": list("ABCD"),
            "SEX": "1",
            "DOB": ["01/01/2031", "01/01/1900", "01/04/2020", "02/04/1995"],
        }
    )
    ds = dataset_from_frames({"episodes": episodes, "header": header})
    after = _warnings(ds, "DOB after the child's care began")
    assert after[["row", "value"]].values.tolist() == [[0, "01/01/2031"]]
    assert after["hint"].item().startswith("The child's first episode starts 01/04/2020;")
    old = _warnings(ds, "DOB more than 25 years before")
    assert old[["row", "value"]].values.tolist() == [[1, "01/01/1900"]]
    assert len(ds.quality) == 2


def test_open_episode_followed_by_another_is_an_overlap() -> None:
    ds = dataset_from_frames(
        {
            "episodes": _eps(
                [
                    ("A", "01/04/2024", "S", "C2", "U1", None, None),
                    ("A", "01/06/2024", "P", "C2", "U2", None, None),
                ]
            )
        }
    )
    got = _warnings(ds, "overlaps")
    assert got["row"].tolist() == [1] and "still open" in got["hint"].item()


def test_pooled_children_are_per_la() -> None:
    # the same CHILD id in two authorities is two children: no overlap
    frame = _eps(
        [
            ("A", "01/04/2024", "S", "C2", "U1", None, None),
            ("A", "01/06/2024", "S", "C2", "U2", None, None),
        ]
    ).assign(LA=["650", "886"])
    assert dataset_from_frames({"episodes": frame}).quality.empty


def test_codes_from_another_collection_year() -> None:
    ds = dataset_from_frames(
        {
            "episodes": _eps(
                [
                    ("A", "31/03/2024", "S", "C2", "H5", None, None),  # 2023-24: H5 fine
                    ("B", "01/04/2024", "S", "C2", "H5", None, None),  # 2024-25: H5 dropped
                    ("C", "01/04/2025", "S", "C2", "Z1", None, None),  # 2025-26: Z1 replaced
                    (
                        "D",
                        "01/05/2023",
                        "S",
                        "C2",
                        "K3",
                        "01/06/2023",
                        "E13",
                    ),  # 2023-24 only: K3 not yet
                    ("F", "01/05/2023", "S", "C2", "K3", None, None),  # open into 2024-25: K3 fine
                    ("E", "01/05/2025", "S", "C2", "Z12", None, None),  # fine
                ]
            ),
            "header": pd.DataFrame(
                {
                    # A's latest episode is in 2023-24 (1/2 era), but the extract runs to
                    # 2025-26 and is written in that year's codes: M is fine
                    # B's and C's are in 2024-25 and 2025-26 (M/F/U era): 2 and 1 are too old
                    # G has no episode: nothing to compare with
                    "CHILD": ["A", "B", "C", "D", "E", "G"],
                    "SEX": ["M", "2", "1", "1", "F", "M"],
                    "DOB": ["01/01/2010"] * 6,
                }
            ),
        }
    )
    place = _warnings(ds, "PLACE code not valid")
    assert place[["row", "value"]].values.tolist() == [[1, "H5"], [2, "Z1"], [3, "K3"]]
    assert "valid up to 2023-24 only, not in 2024-25" in place["hint"][0]
    assert "valid up to 2024-25 only, not in 2025-26" in place["hint"][1]
    assert "valid from 2024-25 only, not in 2023-24" in place["hint"][2]
    sex = _warnings(ds, "SEX code not valid")
    assert sex[["table", "row", "value"]].values.tolist() == [
        ["header", 1, "2"],
        ["header", 2, "1"],
    ]
    assert "valid up to 2023-24 only, not in 2024-25 to 2025-26" in sex["hint"].iloc[0]


def test_duplicates() -> None:
    ds = dataset_from_frames(
        {
            "header": pd.DataFrame(
                {
                    "CHILD": ["A", "A", "B", "B"],
                    "SEX": ["1", "1", "1", "2"],
                    "DOB": ["01/01/2010", "01/01/2010", "01/01/2011", "01/01/2011"],
                }
            ),
            "referrals": pd.DataFrame(
                {
                    "LAchildID": ["R1", "R1", "R1", "R2"],
                    "CINreferralDate": ["01/04/2024", "2024-04-01", "02/04/2024", "01/04/2024"],
                    "ReferralSource": ["1A", "2B", "1A", "1A"],
                }
            ),
        }
    )
    # row 1 repeats row 0 exactly: removed, one warning says so; row 3 is B again with another SEX
    removed = _warnings(ds, "1 exact copy of rows removed; first at row 1")
    assert removed[["table", "file", "row"]].values.tolist() == [
        ["header", "<memory:header>", None]
    ]
    assert ds.tables["header"]["CHILD"].tolist() == ["A", "B", "B"]
    assert _warnings(ds, "child appears more than once")["row"].tolist() == [3]
    # rows 0 and 1 are the same child and date (written two ways): one repeat, reported once
    rep = _warnings(ds, "referral repeated")
    assert rep[["row", "column", "value"]].values.tolist() == [[1, "CINreferralDate", "01/04/2024"]]


def test_episodes_without_header_and_other_checks() -> None:
    ds = dataset_from_frames(
        {
            "episodes": _eps(
                [
                    ("A", "01/04/2024", "S", "C2", "U1", "01/05/2024", "E13"),
                    ("Z", "01/04/2024", "S", "C2", "U1", "01/05/2024", "X1"),
                    ("Z", "01/05/2024", "P", "C2", "U1", None, None),
                ]
            ),
            "header": pd.DataFrame({"CHILD": ["A"], "SEX": ["M"], "DOB": ["01/01/2010"]}),
            "oc3": pd.DataFrame(
                {
                    "CHILD": ["Y1", "Y2"],
                    "DOB": ["01/01/2005", "01/01/2006"],
                    "IN_TOUCH": ["YES", "NO"],
                    "ACTIV": ["F1", None],
                    "ACCOM": ["B1", "0"],
                    "YEAR": [2025, 2025],
                }
            ),
            "referrals": pd.DataFrame(
                {
                    "LAchildID": ["R1"],
                    "CINreferralDate": ["01/04/2024"],
                    "CINclosureDate": ["01/03/2024"],
                }
            ),
            "iro_staff": pd.DataFrame(
                {"IRO_ID": ["I1"], "FTE": [1.5], "START": ["01/01/2024"], "END": [None]}
            ),
        },
        strict=False,  # the FTE above 1 is an error
    )
    # Z has two episodes but is reported once, on its first row
    orphan = _warnings(ds, "child has episodes but no header row")
    assert orphan[["row", "value"]].values.tolist() == [[1, "Z"]]
    assert _warnings(ds, "ACTIV blank")["row"].tolist() == [1]
    assert _warnings(ds, "closure before referral")["row"].tolist() == [0]
    # an IRO's FTE above 1 is no share of a post: an error, the cell unusable
    fte = ds.quality.loc[ds.quality["rule"] == "FTE above 1"]
    assert fte[["severity", "value"]].values.tolist() == [["error", "1.5"]]
    assert ds.unusable.values.tolist() == [["iro_staff", 0, "FTE", "FTE above 1"]]
    assert len(ds.quality) == 4


def test_overlapping_iro_rows_the_caseload_counts_once() -> None:
    ds = dataset_from_frames(
        {
            "iro_allocations": pd.DataFrame(
                {
                    "IRO_ID": ["I1", "I1", "I1", "I2", "I1", "I1"],
                    "CHILD": ["A", "A", "B", "A", "C", "C"],
                    "CASE_TYPE": ["CLA", "CLA", "CLA", "CLA", "CLA", "CP"],
                    "START": [
                        *("01/01/2024", "01/06/2024", "01/01/2024"),
                        *("01/06/2024", "01/01/2024", "01/02/2024"),
                    ],
                    "END": [None, None, "01/03/2024", None, "01/03/2024", None],
                }
            ),
            "iro_staff": pd.DataFrame(
                {
                    "IRO_ID": ["I1", "I1", "I2", "I2", "I3"],
                    "FTE": [1.0, 0.5, 1.0, 0.8, 1.0],
                    "START": ["01/01/2020", "01/01/2024", "01/01/2020", "01/01/2023", "01/01/2020"],
                    "END": [None, None, "01/01/2023", None, "31/12/2020"],
                }
            ),
        }
    )
    # row 1: A to I1 again from 01/06/2024 while row 0 (from 01/01/2024) is still open; A to
    # I2 (row 3) is another IRO, C's CP case (row 5) another case type: both count apart
    alloc = _warnings(ds, "overlaps an earlier allocation")
    assert alloc[["row", "column", "value"]].values.tolist() == [[1, "START", "01/06/2024"]]
    # I1 in post twice from 01/01/2024 (the 0.5 row is used); I2's second row starts the
    # day the first ends (END is the first day not in post): no overlap
    staff = _warnings(ds, "overlaps the IRO's earlier row")
    assert staff["row"].tolist() == [1] and staff["file"].tolist() == ["<memory:iro_staff>"]
    assert "FTE of the row that started latest" in staff["hint"].item()


def test_iro_rows_ending_the_day_before_the_next_starts_are_warned() -> None:
    # an HR list with a row per financial year, END the last day in post (31/03): the
    # caseload reads END as the first day no longer in post, so the IRO is out of post on
    # 31 March. I2 is written as the SPEC reads it (END = next START); I3's 31/03 is covered
    # by its row 5, still open; I4's next row starts two days later (no one-day gap)
    ds = dataset_from_frames(
        {
            "iro_allocations": pd.DataFrame(
                {
                    "IRO_ID": ["I1", "I2", "I1", "I2", "I1", "I1"],
                    "CHILD": ["A", "A", "B", "B", "C", "C"],
                    "CASE_TYPE": ["CLA", "CLA", "CLA", "CLA", "CP", "CLA"],
                    "START": [
                        *("01/04/2023", "01/04/2024", "01/04/2023"),
                        *("01/04/2024", "01/04/2023", "01/04/2024"),
                    ],
                    "END": ["31/03/2024", None, "01/04/2024", None, "31/03/2024", None],
                }
            ),
            "iro_staff": pd.DataFrame(
                {
                    "IRO_ID": ["I1", "I1", "I2", "I2", "I3", "I3", "I3", "I4", "I4"],
                    "FTE": [1.0] * 9,
                    "START": [
                        *("01/04/2023", "01/04/2024", "01/04/2023", "01/04/2024"),
                        *("01/04/2023", "01/04/2024", "01/01/2024", "01/04/2023", "02/04/2024"),
                    ],
                    "END": [
                        *("31/03/2024", None, "01/04/2024", None, "31/03/2024", None, None),
                        *("31/03/2024", None),
                    ],
                }
            ),
        }
    )
    # A's allocation passes from I1 to I2 with 31/03/2024 uncovered (row 0); C's CP case
    # (row 4) is another case type than the CLA case that follows it
    alloc = _warnings(ds, "END the day before the child's next allocation starts")
    assert alloc[["row", "column", "value"]].values.tolist() == [[0, "END", "31/03/2024"]]
    staff = _warnings(ds, "END the day before the IRO's next row starts")
    assert staff[["row", "column", "value"]].values.tolist() == [[0, "END", "31/03/2024"]]
    assert set(staff["severity"]) == {"warning"}
    assert "END is read as the first day no longer in post" in staff["rule"].item()
    assert "write the next day (01/04 for 31/03" in staff["hint"].item()


def test_how_far_the_earlier_spans_of_a_key_reach() -> None:
    # key 0: ends 5, 3, 9 -> before each: none, 5, max(5, 3) = 5; key 1 starts again
    got = keys.reach_before(np.array([0, 0, 0, 1, 1]), np.array([5, 3, 9, 2, 4]))
    np.testing.assert_array_equal(got, [np.nan, 5, 5, np.nan, 2])
    assert keys.reach_before(np.array([], dtype="int64"), np.array([])).size == 0


def test_finalise_keeps_one_error_per_cell_and_sorts() -> None:
    parts = [
        report.issues("warning", "episodes", "e.csv", [5], "PLACE", ["H5"], "w", "h"),
        report.issues("error", "episodes", "e.csv", [3, 2], "DECOM", ["x", "y"], "not a date", ""),
        report.issues("error", "episodes", "e.csv", [3], "DECOM", [None], "blank", ""),
        report.issues("error", "header", "h.csv", [None], "SEX", None, "missing", ""),
        report.issues("note", "", "README.txt", [None], "", None, "ignored", ""),
    ]
    out = report.finalise(report.concat(parts))
    # errors first (header before episodes, the SPEC's table order), then warnings, then notes;
    # the second error on episodes row 3 DECOM is dropped (the first found wins)
    assert out[["severity", "file", "row", "rule"]].values.tolist() == [
        ["error", "h.csv", None, "missing"],
        ["error", "e.csv", 2, "not a date"],
        ["error", "e.csv", 3, "not a date"],
        ["warning", "e.csv", 5, "w"],
        ["note", "README.txt", None, "ignored"],
    ]


def test_a_grouped_line_gives_each_value_its_own_hint() -> None:
    """Four codes of other years under one rule: the line names every value and the years of
    each (Z11's line read H5's years), and says how many values it leaves out."""
    hint = "{} is valid up to 2023-24 only, not in 2024-25; recode it."
    codes = ["H5", "P2", "Z11", "H5"]
    hints = pd.Series([hint.format(c) for c in codes])
    hints[2] = "Z11 is valid from 2025-26 only, not in 2024-25; recode it."
    line = report.grouped_lines(
        report.issues("warning", "episodes", "e.csv", [16, 17, 30, 34], "PLACE", codes, "w", hints)
    )
    assert line == [
        "  e.csv, column PLACE: w (4 times; rows 16, 17, 30, 34; values 'H5', 'P2', 'Z11'). "
        + " ".join(hints[:3])
    ]
    # one XML return, a header row and an oc3 row each without CHILD at line 3: two lines
    blank = report.concat(
        report.issues("error", t, "r.xml", [3], "CHILD", [None], "blank", "Fill it in.")
        for t in ("header", "oc3")
    )
    assert report.grouped_lines(blank) == ["  r.xml, line 3, column CHILD: blank. Fill it in."] * 2
    many = [f"X{i}" for i in range(10)]
    line = report.grouped_lines(
        report.issues("error", "episodes", "e.csv", range(10), "PLACE", many, "unknown", "h.")
    )[0]
    assert "values 'X0', 'X1', 'X2', 'X3', 'X4', 'X5', 'X6', 'X7' and 2 more). h." in line


def test_display_values() -> None:
    assert report.display(pd.Series([1234.0, 1.5, np.nan])).tolist() == ["1234", "1.5", ""]
    dates = pd.Series(pd.to_datetime(["2024-04-01", None]))
    assert report.display(dates).tolist() == ["01/04/2024", ""]
    assert report.display(
        pd.Series(["A", None, pd.Timestamp("2025-03-31"), 2.0], dtype=object)
    ).tolist() == [
        "A",
        "",
        "31/03/2025",
        "2",
    ]


def test_integer_keys_for_large_tables() -> None:
    # digit ids without leading zeros are read as numbers; '007' forces hashing (7 != 007)
    n = keys.BIG + 10
    ids = pd.Series(np.r_[np.arange(n - 1).astype(str), [None]], dtype="str")
    codes = keys.id_codes(ids)
    assert codes[:3].tolist() == [0, 1, 2] and codes[-1] == -1
    padded = pd.Series(np.r_[["007", "7"], np.arange(n).astype(str)], dtype="str")
    assert len(set(keys.id_codes(padded)[:2])) == 2
    # dates: whole days; blank dates get a code of their own
    d = keys.id_codes(pd.Series(pd.to_datetime(["1960-01-01", None, "1960-01-01"])))
    assert d[0] == d[2] != d[1]
    # packed keys equal exactly when every part is equal, also past the int64 range
    key = keys.combine(np.array([1, 1, 2, 1]), np.array([5, 5, 5, 6]))
    assert keys.repeats(key).tolist() == [False, True, False, False]
    huge = keys.combine(np.array([0, 2**62, 0]), np.array([1, 1, 1]))
    assert huge[0] == huge[2] != huge[1]


def test_duplicates_in_a_large_header() -> None:
    # above _BIG rows the duplicate check pre-screens on (child, dates): the exact copy of
    # row 0 at the end is found; same child and DOB but another SEX is not a copy
    n = keys.BIG + 5
    header = pd.DataFrame(
        {
            "CHILD": np.r_[np.arange(n).astype(str), ["0", "1"]],
            "SEX": np.r_[np.full(n, "1"), ["1", "2"]],
            "DOB": pd.Timestamp("2010-01-01"),
        }
    )
    ds = dataset_from_frames({"header": header})
    assert _warnings(ds, "1 exact copy of rows removed; first at row")["rule"].tolist() == [
        f"1 exact copy of rows removed; first at row {n}"
    ]
    assert len(ds.tables["header"]) == n + 1
    assert _warnings(ds, "child appears more than once")["row"].tolist() == [n + 1]


def test_reason_for_placement_change_is_checked_in_the_year_the_episode_ended() -> None:
    # CUSTOD is valid from 2018-19: an episode that started in 2017-18 and ended in 2018-19
    # may carry it; one that ended in 2017-18 may not
    episodes = _eps(
        [
            ("A", "01/03/2018", "S", "C2", "U1", "01/05/2018", "X1"),
            ("A", "01/05/2018", "P", "C2", "U1", None, None),
            ("B", "01/03/2018", "S", "C2", "U1", "30/03/2018", "X1"),
            ("B", "30/03/2018", "P", "C2", "U1", None, None),
        ]
    ).assign(REASON_PLACE_CHANGE=["CUSTOD", None, "CUSTOD", None])
    ds = dataset_from_frames({"episodes": episodes})
    found = _warnings(ds, "REASON_PLACE_CHANGE code not valid")
    assert found[["row", "value"]].values.tolist() == [[2, "CUSTOD"]]
    assert found["rule"].item().endswith("in the collection year of DEC")
    assert "not in 2017-18" in found["hint"].item()


def test_cin_census_codes_are_checked_in_their_year() -> None:
    # source 5D and closure reason RC9 are valid from 2022-23 only. A referral's source is
    # returned in every census it is open in: D (2021-22, closed in 2022-23) and E (2021-22,
    # still open) are in the 2022-23 census, which takes 5D for a referral of any date
    referrals = pd.DataFrame(
        {
            "LAchildID": ["A", "B", "C", "D", "E"],
            "CINreferralDate": [
                "01/04/2021",
                "01/04/2022",
                "01/04/2022",
                "01/03/2022",
                "01/06/2021",
            ],
            "ReferralSource": ["5D", "5D", "1A", "5D", "5D"],
            "CINclosureDate": ["01/05/2021", "01/05/2022", "31/03/2022", "01/04/2022", None],
            "ReasonForClosure": ["RC1", "RC9", "RC1", "RC1", None],
        }
    )
    ds = dataset_from_frames({"referrals": referrals})
    source = _warnings(ds, "REFERRAL_SOURCE code not valid")
    assert source[["row", "value"]].values.tolist() == [[0, "5D"]]
    assert source["rule"].item().endswith("any census year the referral is open in")
    assert "valid from 2022-23 only, not in 2021-22;" in source["hint"].item()
    assert _warnings(ds, "REASON_FOR_CLOSURE code not valid").empty


def test_referral_nfa_must_be_a_census_flag() -> None:
    """ReferralNFA is 1/0 or true/false (any case) in the CIN census (Y/N read as 1/0, with
    a note: test_messy_inputs); 'X' is named, blank is left alone (no figure uses it)."""
    referrals = pd.DataFrame(
        {
            "LAchildID": ["A", "B", "C", "D", "E"],
            "CINreferralDate": ["01/04/2022"] * 5,
            "ReferralNFA": ["1", "false", "TRUE", "X", None],
        }
    )
    nfa = _warnings(dataset_from_frames({"referrals": referrals}), "unknown ReferralNFA code")
    assert nfa[["row", "value"]].values.tolist() == [[3, "X"]]


def test_placement_location_must_be_a_dfe_code_and_other_codes_warn() -> None:
    episodes = _eps(
        [
            ("A", "01/04/2024", "S", "C2", "U1", None, None),
            ("B", "01/04/2024", "S", "C2", "U1", None, None),
        ]
    ).assign(PL_LOCATION=["OUT", "ABROAD"], CIN=["N1", "N0"])
    with pytest.raises(DataValidationError) as caught:
        dataset_from_frames({"episodes": episodes})
    errors = caught.value.errors
    assert errors[["column", "value", "rule"]].values.tolist() == [
        ["PL_LOCATION", "ABROAD", "unknown PL_LOCATION code"]
    ]
    lenient = dataset_from_frames({"episodes": episodes}, strict=False)
    cin = _warnings(lenient, "unknown CIN code")
    assert cin[["row", "value"]].values.tolist() == [[1, "N0"]]  # N0 is CIN census only


def test_sex_is_checked_in_the_year_of_the_return_the_row_came_from() -> None:
    # a care leaver's last episode ended in 2019-20, but their header row comes from the
    # 2024-25 return, written with that year's codes (M/F): no warning; a 1 there warns
    episodes = _eps([("A", "01/04/2018", "S", "C2", "U1", "01/05/2019", "E13")])
    episodes = pd.concat(
        [episodes, _eps([("B", "01/04/2018", "S", "C2", "U1", "01/05/2019", "E13")])]
    )
    header = pd.DataFrame(
        {
            "CHILD": ["A", "B"],
            "SEX": ["M", "1"],
            "DOB": ["01/01/2005"] * 2,
            "COLLECTION_YEAR": ["2024-25", "2024-25"],
        }
    )
    ds = dataset_from_frames({"episodes": episodes, "header": header})
    sex = _warnings(ds, "SEX code not valid")
    assert sex[["row", "value"]].values.tolist() == [[1, "1"]]
    assert "not in 2024-25" in sex["hint"].item()


def test_a_check_memo_asked_for_by_several_threads_is_built_once() -> None:
    ctx = _Ctx({}, {})
    started, release = threading.Event(), threading.Event()
    builds: list[int] = []

    def build() -> str:
        builds.append(1)
        started.set()
        release.wait(5)
        return "keys"

    got: list[str] = []
    first = threading.Thread(target=lambda: got.append(ctx.once("child_codes", build)))
    first.start()
    started.wait(5)
    others = [
        threading.Thread(target=lambda: got.append(ctx.once("child_codes", build)))
        for _ in range(3)
    ]
    for t in others:
        t.start()
    release.set()
    for t in [first, *others]:
        t.join()
    assert got == ["keys"] * 4 and len(builds) == 1
