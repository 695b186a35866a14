"""`sc.units`: the units behind every figure (issue 11). They reconcile exactly with `compute`
over the whole catalogue, and three small cases are checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.periods import quarter_ends

EIGHT = quarter_ends("2024-25 Q4", 8)


def _sums(units: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per date and breakdown: sums of the contributions (blank when every unit's is blank),
    whether any unit's denominator is blank, and the median of the units' values."""
    g = units.groupby(keys, dropna=False, sort=True)
    out = pd.DataFrame(
        {
            "numerator": g["numerator"].sum(min_count=1),
            "denominator": g["denominator"].sum(min_count=1),
            "blank_den": units["denominator"].isna().groupby([units[k] for k in keys]).any(),
        }
    )
    if "value" in units.columns:
        out["median"] = g["value"].median()
    return out


def reconcile(ind: sc.Indicator, ds: sc.Dataset, ats, by: str | None) -> int:
    """Assert that `units` sums to `compute` at every date and breakdown; return how many
    units there were."""
    got = sc.compute(ind, ds, at=ats, by=by)
    units = sc.units(ind, ds, at=ats, by=by)
    keys = ["period_end", *([by] if by else [])]
    if by:  # compare breakdown labels as text (categories, strings)
        got = got.assign(**{by: got[by].astype("str")})
        units = units.assign(**{by: units[by].astype("str")})
    stat = sc.engine.registry[ind.measure].stat_for(ind.params)
    sums = _sums(units, keys)
    figure = got.set_index(keys)
    for key, row in figure.iterrows():  # a few dozen result rows
        if key not in sums.index:  # no unit at all: an empty figure
            assert row["numerator"] == 0 or np.isnan(row["numerator"]), (ind.id, key)
            assert row["denominator"] == 0 or np.isnan(row["denominator"]), (ind.id, key)
            continue
        s = sums.loc[key]
        if stat == "median":
            assert row["denominator"] == s["denominator"], (ind.id, key)
            assert row["value"] == pytest.approx(s["median"], nan_ok=True), (ind.id, key)
            continue
        assert row["numerator"] == pytest.approx(s["numerator"], rel=1e-12), (ind.id, key)
        if stat in ("count", "sum"):
            assert np.isnan(row["denominator"]) and np.isnan(s["denominator"]), (ind.id, key)
        elif s["blank_den"]:
            assert np.isnan(row["denominator"]), (ind.id, key)
        else:
            assert row["denominator"] == pytest.approx(s["denominator"], rel=1e-12), (ind.id, key)
    # and no units outside the figure's rows
    assert set(sums.index) <= set(figure.index), ind.id
    return len(units)


@pytest.fixture(scope="module")
def catalogue() -> sc.Catalogue:
    return sc.load_catalogue()


def test_units_reconcile_with_compute_over_the_whole_catalogue(sample_dataset, catalogue):
    checked = 0
    for ind in catalogue:
        for by in [None, *ind.breakdowns]:
            n = reconcile(ind, sample_dataset, EIGHT, by)
            assert n > 0, (ind.id, by)
            checked += 1
    assert checked >= 100  # every indicator, every breakdown it allows


def test_units_reconcile_on_pooled_data_by_la(catalogue):
    from scorecard import sample

    pooled = sc.Dataset.from_frames(**sample.generate(3, n_las=3, children_scale=0.1, years=4))
    for ind in catalogue:
        reconcile(ind, pooled, EIGHT[-2:], "LA")
        reconcile(ind, pooled, EIGHT[-2:], None)


def test_units_columns_on_the_sample(sample_dataset):
    u = sc.units("placement_stability_short", sample_dataset, at="2024-25 Q4")
    assert list(u.columns) == [
        "indicator",
        "period_end",
        "unit",
        "CHILD",
        "numerator",
        "denominator",
        "period_start",
        "placements",
        "placements_counted",
    ]
    assert u["CHILD"].notna().all() and u["CHILD"].is_unique
    assert (u["numerator"] == (u["placements"] >= 3)).all()
    assert set(u["unit"]) == {"child looked after"}


# ------------------------------------------------------------------ hand-checked lists

COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC", "PLACE_PROVIDER", "URN"]


def test_three_or_more_placements_by_hand():
    episodes = pd.DataFrame(
        [
            # K1: U4 held on ws (01/04/2024), U6 from 01/06/2024, K2 from 01/10/2024: 3
            ("K1", "01/01/2023", "S", "C2", "U4", "01/06/2024", "X1", "PR1", None),
            ("K1", "01/06/2024", "P", "C2", "U6", "01/10/2024", "X1", "PR1", None),
            ("K1", "01/10/2024", "P", "C2", "K2", None, None, "PR4", "SC1"),
            # K2: U4, a temporary T3 and back to the same U4 (a return), then U5: 2
            ("K2", "01/01/2023", "S", "C2", "U4", "01/05/2024", "X1", "PR1", "X"),
            ("K2", "01/05/2024", "P", "C2", "T3", "10/05/2024", "X1", "PR1", None),
            ("K2", "10/05/2024", "P", "C2", "U4", "01/09/2024", "X1", "PR1", "X"),
            ("K2", "01/09/2024", "P", "C2", "U5", None, None, "PR1", None),
            # K3: one placement since 2020: 1
            ("K3", "01/01/2020", "S", "C2", "U1", None, None, "PR1", None),
            # K4: 3 placements but left on 01/03/2025: not looked after at 31/03/2025
            ("K4", "01/01/2023", "S", "C2", "U4", "01/06/2024", "X1", "PR1", None),
            ("K4", "01/06/2024", "P", "C2", "U6", "01/10/2024", "X1", "PR1", None),
            ("K4", "01/10/2024", "P", "C2", "K2", "01/03/2025", "E13", "PR1", None),
        ],
        columns=COLS,
    )
    header = pd.DataFrame({"CHILD": ["K1", "K2", "K3", "K4"], "SEX": "1", "DOB": "01/01/2012"})
    ds = sc.Dataset.from_frames(episodes=episodes, header=header)
    u = sc.units("placement_stability_short", ds, at="31/03/2025")
    assert u["CHILD"].tolist() == ["K1", "K2", "K3"]
    assert u["numerator"].tolist() == [1, 0, 0]
    assert u["denominator"].tolist() == [1, 1, 1]
    assert u["placements"].tolist() == [3, 2, 1]
    assert u["placements_counted"].tolist() == [
        "U4 from 01/01/2023; U6 from 01/06/2024; K2 from 01/10/2024",
        "U4 from 01/01/2023; U5 from 01/09/2024",
        "U1 from 01/01/2020",
    ]
    assert u["period_start"].dt.strftime("%d/%m/%Y").tolist() == [
        "01/01/2023",
        "01/01/2023",
        "01/01/2020",
    ]
    # the children in the numerator are the figure's numerator: 1 of 3
    got = sc.compute("placement_stability_short", ds, at="31/03/2025")
    assert got[["numerator", "denominator"]].to_numpy().tolist() == [[1.0, 3.0]]


def test_a_re_referral_by_hand():
    refs = pd.DataFrame(
        {
            "LAchildID": ["R1", "R1", "R1", "R2", "R2", "R3"],
            "CINreferralDate": [
                "15/06/2023",  # R1: before the window
                "14/06/2024",  # R1: within 12 months of 15/06/2023: a re-referral
                "14/06/2024",  # R1: the same day again: one referral
                "01/02/2024",  # R2: before the window
                "02/02/2025",  # R2: 12 months and a day after 01/02/2024: not a re-referral
                "01/03/2025",  # R3: a first referral
            ],
            "ReferralSource": ["1A", "1B", "1B", "2A", "3A", "1A"],
        }
    )
    ds = sc.Dataset.from_frames(referrals=refs)
    u = sc.units("re_referral_rate", ds, at="31/03/2025")
    # window 01/04/2024 - 31/03/2025: R1's 14/06/2024 (once), R2's 02/02/2025, R3's
    assert u["LAchildID"].tolist() == ["R1", "R2", "R3"]
    assert u["CINreferralDate"].dt.strftime("%d/%m/%Y").tolist() == [
        "14/06/2024",
        "02/02/2025",
        "01/03/2025",
    ]
    assert u["previous_referral"].dt.strftime("%d/%m/%Y").fillna("").tolist() == [
        "15/06/2023",
        "01/02/2024",
        "",
    ]
    assert u["numerator"].tolist() == [1, 0, 0] and u["denominator"].tolist() == [1, 1, 1]
    assert set(u["unit"]) == {"referral"}
    got = sc.compute("re_referral_rate", ds, at="31/03/2025")
    assert got[["numerator", "denominator"]].to_numpy().tolist() == [[1.0, 3.0]]


def test_an_iro_caseload_by_hand():
    staff = pd.DataFrame(
        [("I1", "1", "01/04/2020", None), ("I2", "0.5", "01/01/2025", None)],
        columns=["IRO_ID", "FTE", "START", "END"],
    )
    alloc = pd.DataFrame(
        [
            ("I1", "c1", "CLA", "01/01/2024", None),
            ("I1", "c2", "CP", "01/01/2024", None),
            ("I2", "c3", "CLA", "01/02/2025", None),
            ("I2", "c4", "CLA", "01/02/2025", "31/03/2025"),  # ends on at: not active
        ],
        columns=["IRO_ID", "CHILD", "CASE_TYPE", "START", "END"],
    )
    ds = sc.Dataset.from_frames(iro_staff=staff, iro_allocations=alloc)
    u = sc.units("iro_caseload_weighted", ds, at="31/03/2025")
    cases = u[u["unit"] == "IRO case"]
    posts = u[u["unit"] == "IRO post"]
    # cases: c1 (CLA, 1), c2 (CP, 0.5), c3 (CLA, 1); posts: I1 1.0 FTE, I2 0.5 FTE
    assert cases[["IRO_ID", "CHILD", "CASE_TYPE"]].to_numpy().tolist() == [
        ["I1", "c1", "CLA"],
        ["I1", "c2", "CP"],
        ["I2", "c3", "CLA"],
    ]
    assert cases["numerator"].tolist() == [1.0, 0.5, 1.0]
    assert cases["denominator"].tolist() == [0.0, 0.0, 0.0]
    assert posts["IRO_ID"].tolist() == ["I1", "I2"]
    assert posts["denominator"].tolist() == [1.0, 0.5] and posts["numerator"].sum() == 0
    # 2.5 weighted cases over 1.5 FTE
    got = sc.compute("iro_caseload_weighted", ds, at="31/03/2025")
    assert got[["numerator", "denominator"]].to_numpy().tolist() == [[2.5, 1.5]]
    assert got["value"].item() == pytest.approx(2.5 / 1.5)


def test_a_rate_lists_its_children_and_the_population_estimate():
    episodes = pd.DataFrame(
        [
            ("A", "01/04/2023", "S", "C2", "U1", None, None),
            ("B", "01/10/2024", "S", "C2", "U1", "01/02/2025", "E11"),  # left before at
            ("C", "01/01/2025", "S", "C2", "U1", None, None),
        ],
        columns=COLS[:7],
    )
    header = pd.DataFrame({"CHILD": ["A", "B", "C"], "SEX": "1", "DOB": "01/01/2012"})
    population = pd.DataFrame({"MID_YEAR": ["2023", "2024"], "POP_0_17": ["8000", "10000"]})
    ds = sc.Dataset.from_frames(episodes=episodes, header=header, population=population)
    u = sc.units("cla_rate_per_10k", ds, at="31/03/2025")
    # the children (numerator 1 each) and the estimate used (mid-2024: denominator 10,000)
    assert u["unit"].tolist() == ["child looked after"] * 2 + ["population estimate"]
    assert u["CHILD"].tolist()[:2] == ["A", "C"] and pd.isna(u["CHILD"].iloc[2])
    assert u["numerator"].tolist() == [1.0, 1.0, 0.0]
    assert u["denominator"].tolist() == [0.0, 0.0, 10_000.0]
    assert u["MID_YEAR"].iloc[2] == 2024
    got = sc.compute("cla_rate_per_10k", ds, at="31/03/2025")
    assert got[["numerator", "denominator", "value"]].to_numpy().tolist() == [[2.0, 10_000.0, 2.0]]


def test_an_attainment_gap_lists_its_pupils_and_the_all_pupil_figure():
    episodes = pd.DataFrame(
        [
            ("P1", "01/01/2023", "S", "C2", "U1", None, None),
            ("P2", "01/01/2023", "S", "C2", "U1", None, None),
            ("P3", "01/06/2024", "S", "C2", "U1", None, None),  # not 12 months by 31/03/2025
        ],
        columns=COLS[:7],
    )
    ks4 = pd.DataFrame(
        {"CHILD": ["P1", "P2", "P3"], "ACADEMIC_YEAR": "2024/25", "ATT8": ["30", "50", "70"],
         "EM94": ["1", "0", "1"]}
    )  # fmt: skip
    ks4_all = pd.DataFrame(
        {"ACADEMIC_YEAR": ["2024/25"], "PUPILS": ["900"], "AVG_ATT8": ["46"], "PCT_EM94": ["60"]}
    )
    ds = sc.Dataset.from_frames(episodes=episodes, ks4_cla=ks4, ks4_all=ks4_all)
    u = sc.units("attainment_gap_em94", ds, at="31/03/2025")
    pupils = u[u["unit"] == "pupil"]
    assert pupils["CHILD"].tolist() == ["P1", "P2"]
    assert pupils["numerator"].tolist() == [1.0, 0.0]  # reached grade 4 or not
    assert pupils["EM94"].tolist() == [1.0, 0.0]
    figure = u[u["unit"] != "pupil"]
    assert figure["unit"].item() == "all pupils (ks4_all)"
    assert figure["all_pupils"].item() == 60 and figure["ACADEMIC_YEAR"].item() == "2024/25"
    got = sc.compute("attainment_gap_em94", ds, at="31/03/2025")
    # 60% of all pupils against 1 of 2 looked-after pupils (50%): a gap of 10 points
    assert got[["numerator", "denominator", "value"]].to_numpy().tolist() == [[1.0, 2.0, 10.0]]
