"""iro_caseload / iro_caseload_weighted (SPEC section 5): cases per FTE IRO, hand-worked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.breakdowns import BreakdownError
from scorecard.inputs import dataset_from_frames
from scorecard.measures.iro import iro_caseload
from scorecard.periods import parse_at

AT = parse_at(["2024-12-31", "2025-03-31"])

STAFF = pd.DataFrame(
    [
        ("I1", "1", "01/04/2020", None),  # full time throughout
        ("I2", "0.6", "31/03/2025", None),  # part time, starts on 31/03/2025: counts then
        ("I3", "1", "01/01/2022", "31/03/2025"),  # leaves on 31/03/2025: not in post then
        ("I4", "0.8", "15/02/2025", None),  # starts mid-quarter
    ],
    columns=["IRO_ID", "FTE", "START", "END"],
)
# FTE in post: 31/12/2024 = I1 1.0 + I3 1.0 = 2.0; 31/03/2025 = I1 1.0 + I2 0.6 + I4 0.8 = 2.4

ALLOCATIONS = pd.DataFrame(
    [
        ("I1", "c1", "CLA", "01/01/2024", None),
        ("I1", "c1", "CLA", "01/06/2024", None),  # duplicate over an overlapping span: once
        ("I1", "c2", None, "01/01/2024", "31/03/2025"),  # blank type = CLA; ends on at2
        ("I1", "c3", "CP", "01/01/2024", None),
        ("I3", "c4", "CLA", "01/01/2024", "31/03/2025"),  # handed over on 31/03/2025 ...
        ("I2", "c4", "CLA", "31/03/2025", None),  # ... to I2, whose case starts then
        ("I4", "c5", "CP", "15/02/2025", None),
        ("I4", "c6", "CLA", "01/03/2025", None),
    ],
    columns=["IRO_ID", "CHILD", "CASE_TYPE", "START", "END"],
)
# 31/12/2024: CLA c1, c2, c4 (I3) = 3; CP c3 = 1
# 31/03/2025: CLA c1, c4 (I2), c6 = 3 (c2 and I3's c4 end that day); CP c3, c5 = 2


def dataset(alloc: pd.DataFrame = ALLOCATIONS, staff: pd.DataFrame = STAFF) -> sc.Dataset:
    return sc.Dataset.from_frames(iro_allocations=alloc, iro_staff=staff)


def test_cla_cases_per_fte_start_on_at_counts_end_on_at_does_not() -> None:
    out = iro_caseload(dataset(), AT, [])
    assert out["numerator"].tolist() == [3, 3]
    assert out["denominator"].tolist() == pytest.approx([2.0, 2.4])
    # 3 / 2.0 = 1.5; 3 / 2.4 = 1.25
    assert out["value"].tolist() == pytest.approx([1.5, 1.25])


def test_cp_weighting_zero_and_half() -> None:
    zero = iro_caseload(dataset(), AT, [], cp_weight=0.0)
    half = iro_caseload(dataset(), AT, [], cp_weight=0.5)
    # weight 0: CP cases add nothing (as above); weight 0.5: 3 + 0.5 x 1 = 3.5 and 3 + 0.5 x 2 = 4
    assert zero["numerator"].tolist() == [3, 3]
    assert half["numerator"].tolist() == [3.5, 4.0]
    assert half["value"].tolist() == pytest.approx([3.5 / 2.0, 4.0 / 2.4])


def test_catalogue_weights_cp_at_a_half_for_the_weighted_indicator() -> None:
    plain = sc.compute("iro_caseload", dataset(), at=AT)
    weighted = sc.compute("iro_caseload_weighted", dataset(), at=AT)
    assert plain["value"].tolist() == pytest.approx([1.5, 1.25])
    assert weighted["value"].tolist() == pytest.approx([1.75, 4.0 / 2.4])
    assert weighted.columns.tolist() == [
        "indicator",
        "period_end",
        "numerator",
        "denominator",
        "value",
        "note",
    ]


def test_no_staff_in_post_gives_blank_value() -> None:
    staff = pd.DataFrame(
        [("I1", "1", "01/04/2020", "31/12/2024")], columns=["IRO_ID", "FTE", "START", "END"]
    )
    out = iro_caseload(dataset(staff=staff), AT, [])
    # I1 leaves on 31/12/2024, so nobody is in post at either date: cases / 0 FTE is blank
    assert out["denominator"].tolist() == [0, 0]
    assert out["numerator"].tolist() == [3, 3]
    assert np.isnan(out["value"]).all()


def test_missing_case_type_column_means_cla_and_two_iros_each_count_a_shared_child() -> None:
    alloc = pd.DataFrame(
        [("I1", "c8", "01/01/2025", None), ("I3", "c8", "01/01/2025", None)],
        columns=["IRO_ID", "CHILD", "START", "END"],
    )
    out = iro_caseload(dataset(alloc=alloc), parse_at("2025-01-31"), [])
    # both IROs carry c8 (a case each) -> 2 cases over I1 + I3 = 2.0 FTE
    assert out["numerator"].tolist() == [2]
    assert out["value"].tolist() == [1.0]


def test_allocations_without_a_child_are_a_case_each_when_loaded_leniently() -> None:
    """A blank CHILD (an error, kept by a lenient load) matches no other allocation: two such
    rows of I1 are two cases, while c1's two rows are one case (its second a repeat)."""
    alloc = pd.DataFrame(
        [
            ("I1", None, "CLA", "01/01/2025", None),
            ("I1", None, "CLA", "01/02/2025", None),
            ("I1", "c1", "CLA", "01/01/2025", None),
            ("I1", "c1", "CLA", "01/02/2025", None),
        ],
        columns=["IRO_ID", "CHILD", "CASE_TYPE", "START", "END"],
    )
    ds = dataset_from_frames({"iro_allocations": alloc, "iro_staff": STAFF}, strict=False)
    out = iro_caseload(ds, parse_at("2025-02-28"), [])
    # 3 cases over I1 1.0 + I3 1.0 + I4 0.8 = 2.8 FTE in post on 28/02/2025
    assert out["numerator"].tolist() == [3]
    assert out["value"].tolist() == pytest.approx([3 / 2.8])


def test_overlapping_staff_rows_of_one_iro_count_the_latest() -> None:
    staff = pd.DataFrame(
        [("I5", "1", "01/01/2020", None), ("I5", "0.5", "01/01/2025", None)],
        columns=["IRO_ID", "FTE", "START", "END"],
    )
    out = iro_caseload(dataset(staff=staff), AT, [])
    # 31/12/2024: only the first row is in post -> 1.0; 31/03/2025: both, latest start -> 0.5
    assert out["denominator"].tolist() == [1.0, 0.5]


def test_many_dates_at_once_equal_each_date_alone() -> None:
    ats = parse_at(["2024-06-30", "2024-12-31", "2025-02-15", "2025-03-31", "2025-06-30"])
    together = iro_caseload(dataset(), ats, [], cp_weight=0.5)
    alone = pd.concat(
        [iro_caseload(dataset(), pd.DatetimeIndex([a]), [], cp_weight=0.5) for a in ats],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(together, alone)


def test_pooled_breakdown_by_la() -> None:
    alloc = pd.DataFrame(
        [
            ("650", "I1", "c1", "01/01/2024", None),
            ("886", "I1", "c1", "01/01/2024", None),  # another LA's I1 and c1
            ("886", "I2", "c2", "01/01/2024", None),
        ],
        columns=["LA", "IRO_ID", "CHILD", "START", "END"],
    )
    staff = pd.DataFrame(
        [("650", "I1", "0.5", "01/01/2020", None), ("886", "I1", "1", "01/01/2020", None)],
        columns=["LA", "IRO_ID", "FTE", "START", "END"],
    )
    ds = dataset(alloc=alloc, staff=staff)
    out = sc.compute("iro_caseload", ds, at="2025-03-31", by="LA")
    # 650: 1 case / 0.5 FTE = 2; 886: 2 cases / 1.0 FTE = 2
    assert out["LA"].tolist() == ["650", "886"]
    assert out["numerator"].tolist() == [1, 2]
    assert out["value"].tolist() == [2.0, 2.0]
    total = sc.compute("iro_caseload", ds, at="2025-03-31")
    # pooled total: 3 cases / 1.5 FTE
    assert total["value"].tolist() == [2.0] and total["numerator"].tolist() == [3]


@pytest.mark.parametrize("cp_weight", [0.0, 0.5, 0.3])
@pytest.mark.parametrize("by", [[], ["LA"]])
def test_figure_straight_from_cases_equals_its_units_summarised(
    by: list[str], cp_weight: float
) -> None:
    """The figure is computed without a unit frame; it equals the units summarised, to
    the last bit (FTEs such as 0.1 and a weight of 0.3 make the sums inexact), with an LA
    that has posts but no case and one with cases but no post."""
    alloc = pd.DataFrame(
        [
            ("650", "I1", "c1", "CLA", "01/01/2024", None),
            ("650", "I1", "c2", "CP", "01/01/2024", None),
            ("886", "I2", "c3", "CP", "01/06/2024", "01/03/2025"),
            ("921", "I9", "c4", "CLA", "01/01/2024", None),  # no IRO in post there
        ],
        columns=["LA", "IRO_ID", "CHILD", "CASE_TYPE", "START", "END"],
    )
    staff = pd.DataFrame(
        [
            ("650", "I1", "0.1", "01/01/2020", None),
            ("650", "I3", "0.7", "01/01/2020", None),
            ("650", "I4", "0.2", "01/01/2020", None),
            ("886", "I2", "0.3", "01/01/2020", None),
            ("999", "I5", "0.6", "01/01/2020", None),  # in post, no case
        ],
        columns=["LA", "IRO_ID", "FTE", "START", "END"],
    )
    ds = dataset(alloc=alloc, staff=staff)
    at = parse_at(["2024-03-31", "2024-12-31", "2025-03-31"])
    units = iro_caseload.units(ds, at, by, {"cp_weight": cp_weight})
    want = sc.breakdowns.summarise(units, at, by, "ratio")
    got = iro_caseload(ds, at, by, {"cp_weight": cp_weight})
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_exact=True)
    # 650 at 31/03/2025: 1 CLA + weight x 1 CP over 0.1 + 0.7 + 0.2 FTE
    if by:
        row = got[(got["LA"] == "650") & (got["period_end"] == "2025-03-31")]
        assert row["numerator"].item() == 1 + cp_weight


@pytest.mark.parametrize("name", ["LA", "sex", "age_band"])
def test_impossible_breakdowns_raise(name: str) -> None:
    with pytest.raises(BreakdownError, match=name):
        iro_caseload(dataset(), AT, [name])


def test_la_breakdown_needs_la_on_the_iro_tables() -> None:
    # pooled referrals do not make the IRO tables pooled
    ds = sc.Dataset.from_frames(
        iro_allocations=ALLOCATIONS,
        iro_staff=STAFF,
        referrals=pd.DataFrame(
            {"LA": ["650"], "LAchildID": ["A"], "CINreferralDate": ["01/05/2024"]}
        ),
    )
    with pytest.raises(BreakdownError, match="no LA column"):
        iro_caseload(ds, AT, ["LA"])


def test_cases_with_no_iro_in_post_are_not_available_with_the_reason() -> None:
    # an HR list's rows, END written as the last day in post: I1's row ends 31/03/2025,
    # I3's 31/12/2024; END is the first day no longer in post (SPEC), so on 31/03/2025 no
    # IRO is in post though 3 CLA cases are allocated: no figure, and the reason is the
    # staff ('no children in the group' was said)
    staff = pd.DataFrame(
        [("I1", "1", "01/04/2024", "31/03/2025"), ("I3", "1", "01/04/2020", "31/12/2024")],
        columns=["IRO_ID", "FTE", "START", "END"],
    )
    out = sc.compute("iro_caseload", dataset(staff=staff), at=AT)
    # 31/12/2024: 3 CLA cases over I1's 1.0 FTE (I3 leaves that day)
    assert out["value"].tolist()[0] == 3.0 and pd.isna(out["note"].iloc[0])
    why = (
        "not available: no IRO in post (iro_staff) on 31/03/2025 (1 iro_staff row ends that "
        "day, and END is read as the first day no longer in post)"
    )
    assert np.isnan(out["value"].iloc[1]) and out["note"].iloc[1] == why
    with pytest.raises(sc.UnavailableError) as exc:
        sc.compute("iro_caseload_weighted", dataset(staff=staff), at="2025-03-31")
    assert str(exc.value) == f"iro_caseload_weighted: {why}"
    # I1's FTE written 0 (an error: the row is left out) and END open: no IRO in post
    # either, and the row left out is said
    zero = staff.assign(FTE=["0", "1"], END=[None, "31/12/2024"])
    frames = {"iro_allocations": ALLOCATIONS, "iro_staff": zero}
    ds = dataset_from_frames(frames, strict=False)
    with pytest.raises(sc.UnavailableError) as exc:
        sc.compute("iro_caseload", ds, at="2025-03-31")
    assert str(exc.value) == (
        "iro_caseload: not available: no IRO in post (iro_staff) on 31/03/2025 (1 iro_staff "
        "row in post then left out for an unusable cell; scorecard validate lists them)"
    )


# cases counted from their rows' ranges of dates: one child allocated twice over spans with a
# gap between them, twice over overlapping spans, rows without a CHILD (each a case), a
# blank LA, ranges opening before the first date and closing after the last, a case
# starting and one ending on a date
RANGES = pd.DataFrame(
    [
        ("650", "I1", "c1", "CLA", "01/01/2024", "30/06/2024"),  # to 30/06/2024 ...
        ("650", "I1", "c1", "CLA", "01/10/2024", None),  # ... and again from 01/10/2024
        ("650", "I1", "c2", "CP", "01/01/2024", None),
        ("650", "I1", "c2", "CP", "01/02/2024", "31/03/2025"),  # overlaps c2's first row
        ("650", "I1", None, "CLA", "01/01/2024", None),  # no CHILD: a case of its own ...
        ("650", "I3", None, "CLA", "01/02/2024", None),  # ... and another
        ("886", "I2", "c3", "CLA", "31/03/2024", "31/12/2024"),  # starts on a date, ends on one
        (None, "I7", "c4", "CP", "01/01/2020", None),  # blank LA
        ("886", "I2", "c5", "CLA", "01/01/2026", None),  # after every date
    ],
    columns=["LA", "IRO_ID", "CHILD", "CASE_TYPE", "START", "END"],
)
RANGE_STAFF = pd.DataFrame(
    [
        ("650", "I1", "0.1", "01/01/2020", None),
        ("650", "I3", "0.7", "01/01/2020", None),
        ("886", "I2", "0.3", "01/01/2020", None),
        (None, "I7", "0.2", "01/01/2020", None),
    ],
    columns=["LA", "IRO_ID", "FTE", "START", "END"],
)
RANGE_AT = parse_at(["2023-12-31", "2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"])


def ranges_dataset() -> sc.Dataset:
    """Loaded leniently: a blank CHILD is an error on its cell, and the row stays a case."""
    frames = {"iro_allocations": RANGES, "iro_staff": RANGE_STAFF}
    ds = dataset_from_frames(frames, strict=False)
    assert ds.held("iro_allocations")["CHILD"].isna().sum() == 2
    return ds


@pytest.mark.parametrize("cp_weight", [0.0, 0.5])
@pytest.mark.parametrize("by", [[], ["LA"]])
def test_cases_counted_from_their_ranges_of_dates(
    by: list[str], cp_weight: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The figure from the allocations' ranges of dates equals the units summarised, to the
    last bit (FTEs of 0.1 and 0.7 make the denominators inexact), and the hand-worked
    counts; it never expands the cases of one row."""
    import scorecard.measures.iro as iro

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the figure was built from the active cases")

    ds = ranges_dataset()
    units = iro_caseload.units(ds, RANGE_AT, by, {"cp_weight": cp_weight})
    want = sc.breakdowns.summarise(units, RANGE_AT, by, "ratio")
    monkeypatch.setattr(iro, "_fast_from_cases", refuse)
    got = iro_caseload(ds, RANGE_AT, by, {"cp_weight": cp_weight})
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_exact=True)
    if not by:
        # CLA: 31/12/2023 none; 31/03/2024 c1 (from 01/01), the two without a CHILD, c3
        # (starts that day); 30/06/2024 c1's first row has ended that day; 30/09/2024 as
        # 30/06; 31/12/2024 c1 again, c3 ended that day. CP: c4 (from 2020), then c2 once
        cla, cp = [0, 4, 3, 3, 3], [1, 2, 2, 2, 2]
        assert got["numerator"].tolist() == [a + cp_weight * b for a, b in zip(cla, cp)]
        assert got["denominator"].tolist() == pytest.approx([0.1 + 0.7 + 0.3 + 0.2] * 5)
    else:
        # 650: c1 (31/03 and 31/12/2024), the two without a CHILD (from 31/03/2024), c2 CP
        assert got.loc[got["LA"] == "650", "numerator"].tolist() == [
            0,
            3 + cp_weight,
            2 + cp_weight,
            2 + cp_weight,
            3 + cp_weight,
        ]
        assert got.loc[got["LA"] == "886", "numerator"].tolist() == [0, 1, 1, 1, 0]  # c3
        blank = got[got["LA"] == "Unknown"]  # c4, with I7's 0.2 FTE, at every date
        assert blank["numerator"].tolist() == [cp_weight] * 5
        assert blank["denominator"].tolist() == [0.2] * 5


def test_one_date_figure_from_the_active_cases_equals_its_units() -> None:
    # one date: the cases' and posts' groups may be in order, so the figure comes from the
    # active cases (pandas sums a column in order pairwise)
    ds = ranges_dataset()
    at = parse_at(["2024-12-31"])
    for by in ([], ["LA"]):
        units = iro_caseload.units(ds, at, by, {"cp_weight": 0.5})
        want = sc.breakdowns.summarise(units, at, by, "ratio")
        got = iro_caseload(ds, at, by, {"cp_weight": 0.5})
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_exact=True)
