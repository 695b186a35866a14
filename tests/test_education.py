"""KS4 attainment of the CLA 12-month cohort and the gap to all pupils.

Cohort rule (SPEC section 5): a `ks4_cla` pupil of the academic year whose 31 March falls in
the window, looked after on that 31 March, whose current period of care started on or before
31 March a year earlier; V3/V4 short breaks excluded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.breakdowns import BreakdownError
from scorecard.engine import compute_each
from scorecard.inputs import dataset_from_frames
from scorecard.measures.education import census_march, normalise_academic_year
from scorecard.periods import parse_at
from scorecard.registry import registry

COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"]

EPISODES = pd.DataFrame(
    [
        # P1: care began exactly 12 months before 31/03/2025: in the 2024/25 cohort
        ("P1", "31/03/2024", "S", "C2", "U1", None, None),
        # P2: a day later: not continuously looked after for 12 months
        ("P2", "01/04/2024", "S", "C2", "U1", None, None),
        # P3: left on 31/03/2025: not looked after on 31 March
        ("P3", "01/01/2020", "S", "C2", "U1", "31/03/2025", "E13"),
        # P4: X1 chain since 01/01/2022 (placement change on 01/01/2025): in
        ("P4", "01/01/2022", "S", "C2", "U1", "01/01/2025", "X1"),
        ("P4", "01/01/2025", "P", "C2", "U2", None, None),
        # P5: returned to care on 01/10/2024 after an earlier period: the current one is short
        ("P5", "01/01/2019", "S", "C2", "U1", "01/01/2020", "E13"),
        ("P5", "01/10/2024", "S", "C2", "U1", None, None),
        # P6: short breaks only (V3): never looked after for this purpose
        ("P6", "01/01/2020", "S", "V3", "U1", None, None),
        # P7: looked after since 2020, pupil of 2023/24
        ("P7", "01/01/2020", "S", "C2", "U1", None, None),
        # P8: looked after since 2023, no ATT8 recorded (EM94 0)
        ("P8", "01/01/2023", "S", "C2", "U1", None, None),
    ],
    columns=COLS,
)
KS4_CLA = pd.DataFrame(
    [
        ("P1", "2024/25", "30", "1"),
        ("P2", "2024/25", "50", "1"),
        ("P3", "2024/25", "60", "1"),
        ("P4", "202425", "20", "0"),  # the compact year form
        ("P5", "2024/25", "70", "1"),
        ("P6", "2024/25", "80", "1"),
        ("P7", "2023/24", "10", "0"),
        ("P8", "2024/25", None, "0"),
        ("P4", "2025/26", "40", "1"),  # a later year with no all-pupil figure
    ],
    columns=["CHILD", "ACADEMIC_YEAR", "ATT8", "EM94"],
)
KS4_ALL = pd.DataFrame(
    {
        "ACADEMIC_YEAR": ["2023/24", "2024/25"],
        "PUPILS": ["14000", "14200"],
        "AVG_ATT8": ["44.0", "45.9"],
        "PCT_EM94": ["60.0", "64.0"],
    }
)
SEX = {"P1": "1", "P4": "2", "P8": "2"}


def make_ds(**extra: pd.DataFrame) -> sc.Dataset:
    kids = sorted(set(EPISODES["CHILD"]))
    head = pd.DataFrame(
        {"CHILD": kids, "SEX": [SEX.get(c, "1") for c in kids], "DOB": "01/09/2008"}
    )
    frames = {"episodes": EPISODES, "ks4_cla": KS4_CLA, "ks4_all": KS4_ALL, "header": head}
    return sc.Dataset.from_frames(**{**frames, **extra})


def test_census_march_from_the_window() -> None:
    at = parse_at(["2024-12-31", "2025-03-30", "2025-03-31", "2025-06-30", "2025-09-30"])
    got = [f"{d:%Y-%m-%d}" for d in pd.DatetimeIndex(census_march(at))]
    # the 31 March in the 12 months ending at each date
    assert got == ["2024-03-31", "2024-03-31", "2025-03-31", "2025-03-31", "2025-03-31"]


def test_academic_year_forms() -> None:
    got = normalise_academic_year(pd.Series(["2024/25", "202425", "2024-25", "2024/2025", None]))
    assert got.tolist()[:4] == ["2024/25"] * 4 and pd.isna(got.iloc[4])


def test_attainment_cla_att8_cohort() -> None:
    ds = make_ds()
    out = sc.compute("attainment_cla_att8", ds, at="2025-03-31")
    # cohort 2024/25: P1 (30) and P4 (20); P8 is in the cohort but has no ATT8;
    # P2 (a day short), P3 (left on 31 March), P5 (returned), P6 (V3) are not
    assert out["numerator"].item() == 50 and out["denominator"].item() == 2
    assert out["value"].item() == 25.0


def test_attainment_cla_em94_cohort() -> None:
    ds = make_ds()
    out = sc.compute("attainment_cla_em94", ds, at="2025-03-31")
    # P1 1, P4 0, P8 0 -> 1 pupil reaching grade 4 of 3 pupils = 33.3% (the numerator
    # counts pupils, not a sum of EM94 x 100, so a reader can check it)
    assert out["numerator"].item() == 1 and out["denominator"].item() == 3
    assert out["value"].item() == pytest.approx(100 / 3)


def test_attainment_gap() -> None:
    ds = make_ds()
    att8 = sc.compute("attainment_gap_att8", ds, at="2025-03-31")
    # all pupils 45.9 - cohort 25.0 = 20.9; numerator/denominator stay the cohort's
    assert att8["value"].item() == pytest.approx(20.9)
    assert att8["numerator"].item() == 50 and att8["denominator"].item() == 2
    em94 = sc.compute("attainment_gap_em94", ds, at="2025-03-31")
    # 64.0 - 33.33 = 30.67 percentage points; 1 of 3 pupils reached grade 4
    assert em94["value"].item() == pytest.approx(64 - 100 / 3)
    assert em94[["numerator", "denominator"]].to_numpy().tolist() == [[1.0, 3.0]]


def test_academic_year_at_other_quarter_ends() -> None:
    ds = make_ds()
    at = ["31/12/2024", "2025-03-31", "2025-06-30", "30/09/2025"]
    out = sc.compute("attainment_gap_att8", ds, at=at)
    # 31/12/2024: window 01/01/2024-31/12/2024 holds 31/03/2024 -> 2023/24: P7 only (looked
    # after since 2020): 44.0 - 10 = 34.0
    # 31/03/2025, 30/06/2025, 30/09/2025: 31/03/2025 -> 2024/25: 20.9
    assert out["value"].tolist() == pytest.approx([34.0, 20.9, 20.9, 20.9])
    assert out["denominator"].tolist() == [1, 2, 2, 2]


def test_no_all_pupil_figure_makes_the_gap_unavailable() -> None:
    ds = make_ds()
    # 31/03/2026 -> 2025/26: P4 (looked after since 2022, ATT8 40) is the cohort, but
    # ks4_all has no 2025/26 row: no gap (not a gap to nothing), with the reason
    gap = sc.compute("attainment_gap_att8", ds, at=["2025-03-31", "2026-03-31"])
    assert gap["value"].iloc[0] == pytest.approx(20.9)
    assert gap[["numerator", "denominator", "value"]].iloc[1].isna().all()
    assert gap["note"].iloc[1] == (
        "not available: no all-pupil KS4 results (ks4_all) for 2025/26 (the latest are for "
        "2024/25; a year's results come out after its summer exams)"
    )
    with pytest.raises(sc.UnavailableError, match="ks4_all"):
        sc.compute("attainment_gap_att8", ds, at="2026-03-31")
    assert sc.compute("attainment_cla_att8", ds, at="2026-03-31")["value"].item() == 40


def test_a_year_without_results_is_unavailable_not_zero_pupils() -> None:
    ds = make_ds()
    # 31/03/2027 -> 2026/27 and 31/03/2023 -> 2022/23: ks4_cla holds no results for either
    # (a card at 31 March meets this first: results come out after the summer exams)
    out = sc.compute("attainment_cla_em94", ds, at=["2023-03-31", "2025-03-31", "2027-03-31"])
    assert out["denominator"].tolist()[1] == 3
    assert out[["numerator", "denominator", "value"]].iloc[[0, 2]].isna().all().all()
    assert out["note"].iloc[2] == (
        "not available: no KS4 results for 2026/27 in ks4_cla (the latest are for 2025/26; "
        "a year's results come out after its summer exams)"
    )
    assert out["note"].iloc[0].startswith("not available: no KS4 results for 2022/23 in ks4_cla")
    gap = sc.compute("attainment_gap_em94", ds, at=["2025-03-31", "2027-03-31"])
    assert gap["note"].iloc[1].startswith("not available: no KS4 results for 2026/27")


def test_results_whose_year_cannot_be_read_are_not_called_none(tmp_path) -> None:
    """Every ACADEMIC_YEAR written '2025' (which year it ends or starts is a guess): the
    rows are there, so the figure says their year is unusable, not that ks4_cla 'holds
    none' and that results come out after the summer exams."""
    ks4 = KS4_CLA.assign(ACADEMIC_YEAR="2025")
    ds = dataset_from_frames({**_frames(), "ks4_cla": ks4}, strict=False)
    with pytest.raises(sc.UnavailableError) as exc:
        sc.compute("attainment_cla_att8", ds, at="2025-03-31")
    assert str(exc.value) == (
        f"attainment_cla_att8: not available: no KS4 results for 2024/25 in ks4_cla (its "
        f"{len(ks4)} rows have no usable ACADEMIC_YEAR; scorecard validate lists them)"
    )


def _frames() -> dict[str, pd.DataFrame]:
    kids = sorted(set(EPISODES["CHILD"]))
    head = pd.DataFrame({"CHILD": kids, "SEX": "1", "DOB": "01/09/2008"})
    return {"episodes": EPISODES, "ks4_cla": KS4_CLA, "ks4_all": KS4_ALL, "header": head}


def test_empty_cohort_is_blank() -> None:
    # 2022/23 has a result, but P2's care began in 2024: nobody in the cohort, 0 pupils
    pupil = pd.DataFrame([("P2", "2022/23", "50", "1")], columns=KS4_CLA.columns)
    ds = make_ds(ks4_cla=pd.concat([KS4_CLA, pupil], ignore_index=True))
    out = sc.compute("attainment_cla_att8", ds, at="2023-03-31")
    assert out["denominator"].item() == 0 and np.isnan(out["value"].item())
    assert pd.isna(out["note"].item())


def test_attainment_breakdowns() -> None:
    ds = make_ds()
    by_sex = sc.compute("attainment_cla_em94", ds, at="2025-03-31", by="sex")
    # male: P1 (100); female: P4 (0), P8 (0)
    assert by_sex.set_index("sex")["value"].to_dict() == {"Female": 0.0, "Male": 100.0}
    with pytest.raises(BreakdownError):
        sc.compute("attainment_gap_att8", ds, at="2025-03-31", by="sex")
    with pytest.raises(BreakdownError, match="all-pupil figure"):
        registry["attainment_gap"](ds, parse_at("2025-03-31"), ["sex"], {})


def test_uasc_breakdown_taken_on_31_march() -> None:
    # P1 UASC until 01/04/2025: UASC on 31/03/2025 even when at is 30/06/2025
    ds = make_ds(uasc=pd.DataFrame({"CHILD": ["P1"], "DUC": ["01/04/2025"]}))
    out = sc.compute("attainment_cla_att8", ds, at="2025-06-30", by="uasc")
    assert out.set_index("uasc")["value"].to_dict() == {"Not UASC": 20.0, "UASC": 30.0}


def test_metric_must_be_known() -> None:
    with pytest.raises(ValueError, match="ATT8, EM94"):
        registry["attainment_cla"](make_ds(), parse_at("2025-03-31"), [], {"metric": "KS2"})


POOLED_KS4_ALL = pd.DataFrame(
    {
        "ACADEMIC_YEAR": ["2024/25", "2024/25"],
        "PUPILS": ["1000", "3000"],
        "AVG_ATT8": ["50", "40"],
        "PCT_EM94": ["70", "60"],
        "LA": ["650", "886"],
    }
)


def _pooled_ds(ks4_all: pd.DataFrame = POOLED_KS4_ALL) -> sc.Dataset:
    """P1 looked after in two LAs (650: ATT8 30, EM94 1; 886: ATT8 10, EM94 0), one
    2024/25 pupil each, with `ks4_all` per LA."""
    episodes = pd.concat(
        [
            EPISODES.loc[EPISODES["CHILD"] == "P1"].assign(LA="650"),  # ATT8 30
            EPISODES.loc[EPISODES["CHILD"] == "P1"].assign(LA="886"),  # same id, other LA
        ],
        ignore_index=True,
    )
    ks4_cla = pd.DataFrame(
        {
            "CHILD": ["P1", "P1"],
            "ACADEMIC_YEAR": ["2024/25", "2024/25"],
            "ATT8": ["30", "10"],
            "EM94": ["1", "0"],
            "LA": ["650", "886"],
        }
    )
    frames = {"episodes": episodes, "ks4_cla": ks4_cla, "ks4_all": ks4_all}
    return dataset_from_frames(frames, strict=False)


def test_pooled_gap_by_la_and_pupil_weighted_total() -> None:
    ds = _pooled_ds()
    by_la = sc.compute("attainment_gap_att8", ds, at="2025-03-31", by="LA")
    # 650: 50 - 30 = 20; 886: 40 - 10 = 30
    assert by_la.set_index("LA")["value"].to_dict() == {"650": 20.0, "886": 30.0}
    total = sc.compute("attainment_gap_att8", ds, at="2025-03-31")
    # all pupils: (1000 x 50 + 3000 x 40) / 4000 = 42.5; cohort (30 + 10) / 2 = 20 -> 22.5
    assert total["value"].item() == 22.5
    assert by_la["note"].isna().all() and total["note"].isna().all()


NO_FIGURE_FOR_ONE_LA = (
    "not available: the all-pupil figure (ks4_all) is missing for 1 LA with pupils in the "
    "cohort (no row for the year, a blank or suppressed figure, or a row left out: scorecard "
    "validate lists those)"
)


@pytest.mark.parametrize(
    "ks4_all",
    [
        pytest.param(POOLED_KS4_ALL.assign(AVG_ATT8=["50", "95"]), id="out-of-range-left-out"),
        pytest.param(POOLED_KS4_ALL.assign(AVG_ATT8=["50", "x"]), id="suppressed"),
        pytest.param(POOLED_KS4_ALL.iloc[:1], id="no-row"),
    ],
)
def test_an_la_without_its_all_pupil_figure_has_no_gap_and_nor_has_the_pool(ks4_all) -> None:
    # 886's 2024/25 all-pupil Attainment 8 unusable, suppressed or absent: its gap was NaN
    # without a word, and the pooled gap compared both LAs' pupils with 650's figure alone
    # (50 - 20 = 30.0, silently); each now says why it has no value
    ds = _pooled_ds(ks4_all)
    by_la = sc.compute("attainment_gap_att8", ds, at="2025-03-31", by="LA").set_index("LA")
    assert by_la.loc["650", "value"] == 20.0 and pd.isna(by_la.loc["650", "note"])
    # the cohort stays visible: 10 points of 1 pupil
    assert by_la.loc["886", ["numerator", "denominator"]].tolist() == [10.0, 1.0]
    assert np.isnan(by_la.loc["886", "value"])
    assert by_la.loc["886", "note"] == NO_FIGURE_FOR_ONE_LA
    total = sc.compute("attainment_gap_att8", ds, at="2025-03-31")
    assert total[["numerator", "denominator"]].values.tolist() == [[40.0, 2.0]]
    assert np.isnan(total["value"].item())
    assert total["note"].item() == NO_FIGURE_FOR_ONE_LA
    # the units built once for both views (as the scorecard builds them) give the same
    views = [("2025-03-31", None), ("2025-03-31", "LA")]
    pooled, each_la = compute_each("attainment_gap_att8", ds, views)
    pd.testing.assert_frame_equal(pooled, total)
    pd.testing.assert_frame_equal(each_la.set_index("LA"), by_la)


def test_an_la_figure_left_out_for_one_metric_leaves_the_other_metric_gap() -> None:
    # 886's AVG_ATT8 out of range leaves its row out of the Attainment 8 gap only
    ds = _pooled_ds(POOLED_KS4_ALL.assign(AVG_ATT8=["50", "95"]))
    by_la = sc.compute("attainment_gap_em94", ds, at="2025-03-31", by="LA")
    # 650: 70 - 100 = -30; 886: 60 - 0 = 60
    assert by_la.set_index("LA")["value"].to_dict() == {"650": -30.0, "886": 60.0}
    total = sc.compute("attainment_gap_em94", ds, at="2025-03-31")
    # all pupils (1000 x 70 + 3000 x 60) / 4000 = 62.5; cohort 1 of 2 = 50% -> 12.5
    assert total["value"].item() == 12.5
    assert by_la["note"].isna().all() and total["note"].isna().all()


def test_an_la_with_a_figure_but_no_pupils_in_the_cohort_still_counts_in_the_pool() -> None:
    # a third LA (105) with all pupils' figures and no looked-after pupils: part of the
    # pooled all-pupil figure (the area's pupils), with an empty cohort of its own
    extra = pd.DataFrame(
        {
            "ACADEMIC_YEAR": ["2024/25"],
            "PUPILS": ["4000"],
            "AVG_ATT8": ["60"],
            "PCT_EM94": ["80"],
            "LA": ["105"],
        }
    )
    ds = _pooled_ds(pd.concat([POOLED_KS4_ALL, extra], ignore_index=True))
    total = sc.compute("attainment_gap_att8", ds, at="2025-03-31")
    # (1000 x 50 + 3000 x 40 + 4000 x 60) / 8000 = 51.25; cohort 20 -> 31.25
    assert total["value"].item() == 31.25 and pd.isna(total["note"].item())


# ----------------------------------------------- the tables as kept: repeats, marks, fractions
def _ks4_all_with(**rows: list[str]) -> pd.DataFrame:
    """KS4_ALL with rows added (columns as keyword lists)."""
    return pd.concat([KS4_ALL, pd.DataFrame(rows)], ignore_index=True)


def test_a_pupil_listed_again_without_a_result_keeps_the_result() -> None:
    # P1 (ATT8 30, EM94 1) listed again for 2024/25 with both blank (a dual-registered
    # pupil's second school): the blank row won and P1 dropped out (ATT8 20 of 1 pupil)
    again = pd.DataFrame([("P1", "2024/25", None, None)], columns=KS4_CLA.columns)
    ds = make_ds(ks4_cla=pd.concat([KS4_CLA, again], ignore_index=True))
    att8 = sc.compute("attainment_cla_att8", ds, at="2025-03-31")
    assert att8[["numerator", "denominator"]].values.tolist() == [[50.0, 2.0]]
    em94 = sc.compute("attainment_cla_em94", ds, at="2025-03-31")
    assert em94[["numerator", "denominator"]].values.tolist() == [[1.0, 3.0]]
    q = ds.quality.loc[ds.quality["table"] == "ks4_cla"]
    assert q[["severity", "row"]].values.tolist() == [["note", 9]]
    assert q["rule"].item().startswith("child listed again for the same academic year without")


def test_a_pupil_with_two_different_results_is_warned_with_the_row_used() -> None:
    # P4 again for 2024/25 with ATT8 40: the last row giving a result is used (20 -> 40)
    again = pd.DataFrame([("P4", "2024/25", "40", None)], columns=KS4_CLA.columns)
    ds = make_ds(ks4_cla=pd.concat([KS4_CLA, again], ignore_index=True))
    att8 = sc.compute("attainment_cla_att8", ds, at="2025-03-31")
    assert att8[["numerator", "denominator"]].values.tolist() == [[70.0, 2.0]]
    # EM94: P4's only EM94 (0) is kept, not blanked by the later row
    em94 = sc.compute("attainment_cla_em94", ds, at="2025-03-31")
    assert em94[["numerator", "denominator"]].values.tolist() == [[1.0, 3.0]]
    q = ds.quality.loc[ds.quality["table"] == "ks4_cla"]
    assert q[["severity", "rule"]].values.tolist() == [
        [
            "warning",
            "child has different KS4 results for the same academic year (the last row giving "
            "each result is used)",
        ]
    ]


def test_pct_em94_as_a_fraction_gives_the_gap_to_the_percentage() -> None:
    # 0.640 for 64% (a % cell exported): was 0.64 - 33.3 = -32.7 points, banded green
    ds = make_ds(ks4_all=KS4_ALL.assign(PCT_EM94=["60.0", "0.640"]))
    em94 = sc.compute("attainment_gap_em94", ds, at="2025-03-31")
    assert em94["value"].item() == pytest.approx(64 - 100 / 3)


def test_two_all_pupil_rows_for_a_year_leave_its_gap_unavailable_with_why() -> None:
    # England's row under the authority's for 2024/25, no level column to tell them apart:
    # the last (England's, 46.1 - 25 = 21.1) was taken; neither is now, and that year says so
    twice = _ks4_all_with(
        ACADEMIC_YEAR=["2024/25"], PUPILS=["600000"], AVG_ATT8=["46.1"], PCT_EM94=["65.1"]
    )
    ds = dataset_from_frames({**_frames(), "ks4_all": twice}, strict=False)
    gap = sc.compute("attainment_gap_att8", ds, at=["2024-03-31", "2025-03-31"])
    # 2023/24: 44.0 - 10 = 34.0, with no note (the repeat is not of its year)
    assert gap["value"].iloc[0] == 34.0 and pd.isna(gap["note"].iloc[0])
    assert gap[["numerator", "denominator", "value"]].iloc[1].isna().all()
    assert gap["note"].iloc[1] == (
        "not available: no all-pupil Attainment 8 for 2024/25 (its 2 ks4_all rows left out: "
        "unusable ACADEMIC_YEAR (ACADEMIC_YEAR repeated with different figures); scorecard "
        "validate lists them)"
    )


def test_a_suppressed_all_pupil_figure_leaves_only_its_years_gap_unavailable() -> None:
    # AVG_ATT8 'x' for 2023/24 (DfE's mark): was an error whose note 'ks4_all row left out'
    # sat on every figure, the CLA level and other years' gaps included
    ds = dataset_from_frames(
        {**_frames(), "ks4_all": KS4_ALL.assign(AVG_ATT8=["x", "45.9"])}, strict=False
    )
    assert not (ds.quality["severity"] == "error").any()
    gap = sc.compute("attainment_gap_att8", ds, at=["2024-03-31", "2025-03-31"])
    assert gap["note"].iloc[0] == (
        "not available: no all-pupil Attainment 8 for 2023/24 (AVG_ATT8 is blank or "
        "suppressed in ks4_all)"
    )
    assert gap[["numerator", "denominator", "value"]].iloc[0].isna().all()
    assert gap["value"].iloc[1] == pytest.approx(20.9) and pd.isna(gap["note"].iloc[1])
    # EM94's figure of 2023/24 is there: its gap is (60.0 - 0 = 60.0)
    em94 = sc.compute("attainment_gap_em94", ds, at="2024-03-31")
    assert em94["value"].item() == 60.0 and pd.isna(em94["note"].item())


def test_an_unusable_all_pupil_figure_is_said_on_its_year_only() -> None:
    # AVG_ATT8 95 for 2023/24 (out of range, an error): the row is left out of that year's
    # gap only; the cohort's own level does not read ks4_all
    ds = dataset_from_frames(
        {**_frames(), "ks4_all": KS4_ALL.assign(AVG_ATT8=["95", "45.9"])}, strict=False
    )
    gap = sc.compute("attainment_gap_att8", ds, at=["2024-03-31", "2025-03-31"])
    assert gap["note"].iloc[0] == (
        "not available: no all-pupil Attainment 8 for 2023/24 (its 1 ks4_all row left out: "
        "unusable AVG_ATT8 (outside 0-90); scorecard validate lists them)"
    )
    assert pd.isna(gap["note"].iloc[1])
    cla = sc.compute("attainment_cla_att8", ds, at=["2024-03-31", "2025-03-31"])
    assert cla["note"].isna().all() and cla["value"].tolist() == [10.0, 25.0]


@pytest.mark.parametrize(("column", "metric"), [("PCT_EM94", "em94"), ("AVG_ATT8", "att8")])
def test_an_all_pupil_figure_of_0_is_an_error_not_a_figure(column, metric) -> None:
    # 0 for 2023/24 (a blank written as 0, or a formula over an empty sheet): was taken as
    # written, and the gap 0 - 0 = 0 (EM94: 0 - 0% of P7) read as the cohort level with
    # all pupils; no authority's all-pupil figure is 0
    ds = dataset_from_frames(
        {**_frames(), "ks4_all": KS4_ALL.assign(**{column: ["0", KS4_ALL[column][1]]})},
        strict=False,
    )
    error = ds.quality.loc[ds.quality["severity"] == "error"]
    assert error[["table", "row", "column", "rule"]].values.tolist() == [
        ["ks4_all", 0, column, "0: not an authority's all-pupil figure"]
    ]
    assert "blank" in error["hint"].item()
    gap = sc.compute(f"attainment_gap_{metric}", ds, at=["2024-03-31", "2025-03-31"])
    name = {"att8": "Attainment 8", "em94": "grade 4+ in English and maths"}[metric]
    assert gap["note"].iloc[0] == (
        f"not available: no all-pupil {name} for 2023/24 (its 1 ks4_all row left out: "
        f"unusable {column} (0: not an authority's all-pupil figure); scorecard validate "
        "lists them)"
    )
    assert gap[["numerator", "denominator", "value"]].iloc[0].isna().all()
    assert pd.isna(gap["note"].iloc[1]) and not np.isnan(gap["value"].iloc[1])
    # the other figure of that year is usable: its gap is there
    other = {"att8": "em94", "em94": "att8"}[metric]
    kept = sc.compute(f"attainment_gap_{other}", ds, at="2024-03-31")
    assert kept["value"].notna().item() and pd.isna(kept["note"].item())
