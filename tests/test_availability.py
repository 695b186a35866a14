"""Only numbers the data supports (issue 9, engine side; contract 4): each date is checked
against the coverage of the tables an indicator needs and the history it needs before the
date; rows with unusable cells are left out and said so; time in care says how many of its
children's days are lower bounds.

Datasets are built directly with their coverage (`Dataset(tables, coverage=...)`): inferring
coverage from returns is the loaders' job.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.dataset import Coverage

T = pd.Timestamp
COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"]


def tables_2017_18() -> dict[str, pd.DataFrame]:
    """What a single 2017-18 SSDA903 return holds: episodes open at some time in the year
    (with their own DECOM, even before it), the header and the UASC table.

    A: in care since 10/05/2016 (RNE P on 01/02/2017: the period began before the return)
    B: started 01/06/2017 (RNE S), moves 01/09/2017 and 01/12/2017: 3 placements
    C: started 15/04/2017 (RNE S), ceased 15/10/2017 (E13): 183 days
    D: started 01/03/2017 (RNE S, before the return but its first episode): 3 placements
       (U4 held on 01/04/2017, U6 from 01/07/2017, K2 from 01/01/2018)
    """
    episodes = pd.DataFrame(
        [
            ("A", "01/02/2017", "P", "C2", "U4", None, None),
            ("B", "01/06/2017", "S", "C2", "U4", "01/09/2017", "X1"),
            ("B", "01/09/2017", "P", "C2", "U6", "01/12/2017", "X1"),
            ("B", "01/12/2017", "P", "C2", "K2", None, None),
            ("C", "15/04/2017", "S", "C2", "U1", "15/10/2017", "E13"),
            ("D", "01/03/2017", "S", "C2", "U4", "01/07/2017", "X1"),
            ("D", "01/07/2017", "P", "C2", "U6", "01/01/2018", "X1"),
            ("D", "01/01/2018", "P", "C2", "K2", None, None),
        ],
        columns=COLS,
    )
    header = pd.DataFrame(
        {
            "CHILD": list("ABCD"),
            "SEX": "1",
            "DOB": ["01/01/2010", "01/01/2012", "01/01/2005", "01/06/2011"],
        }
    )
    uasc = pd.DataFrame({"CHILD": ["C"], "DUC": ["15/10/2017"]})
    return {"episodes": episodes, "header": header, "uasc": uasc}


def single_return() -> sc.Dataset:
    ds = sc.Dataset.from_frames(**tables_2017_18())
    cov = Coverage(T("2017-04-01"), T("2018-03-31"), basis="SSDA903 return 2017-18")
    return replace(ds, coverage={t: cov for t in ds.tables}, _cache={})


def with_coverage(ds: sc.Dataset, cov: Coverage) -> sc.Dataset:
    return replace(ds, coverage={t: cov for t in ds.tables}, _cache={})


# ------------------------------------------------------------------ a single 2017-18 return


def test_a_single_return_gives_3_plus_placements_at_its_year_end():
    got = sc.compute("placement_stability_short", single_return(), at="31/03/2018")
    # looked after at 31/03/2018: A, B, D; 3+ placements: B and D
    assert got[["numerator", "denominator"]].to_numpy().tolist() == [[2.0, 3.0]]
    assert got["note"].isna().all()


def test_a_single_return_cannot_give_long_term_stability():
    with pytest.raises(sc.UnavailableError) as err:
        sc.compute("placement_stability_long", single_return(), at="31/03/2018")
    # 30 months ending 31/03/2018 start on 01/10/2015
    assert str(err.value) == (
        "placement_stability_long: not available: needs data from 01/10/2015; "
        "the data starts 01/04/2017"
    )
    assert isinstance(err.value, ValueError)


def test_a_single_return_gives_nothing_seven_years_on():
    ds = single_return()
    frame, problems = sc.compute_many(ds, "31/03/2025")
    assert frame.empty
    cat = sc.load_catalogue()
    assert set(problems) == set(cat.ids)  # every figure unavailable, each with its reason
    assert problems["cla_count"] == (
        "cla_count: not available: needs data up to 31/03/2025; the data ends 31/03/2018"
    )
    assert "needs the table(s) referrals" in problems["re_referral_rate"]


def test_a_date_before_the_return_is_not_a_zero():
    # issue 9: 0.0% (0 of 1,764) at 31 March 2017, a year before the data starts
    with pytest.raises(sc.UnavailableError, match="needs data from 01/04/2016"):
        sc.compute("placement_stability_short", single_return(), at="31/03/2017")


def test_supported_and_unsupported_dates_together():
    got = sc.compute("cla_count", single_return(), at=["31/03/2017", "31/03/2018", "30/06/2018"])
    assert got["period_end"].tolist() == [T("2017-03-31"), T("2018-03-31"), T("2018-06-30")]
    assert np.isnan(got["value"].iloc[0]) and np.isnan(got["numerator"].iloc[0])
    assert got["value"].iloc[1] == 3
    assert np.isnan(got["value"].iloc[2])
    assert got["note"].fillna("").tolist() == [
        "not available: needs data from 31/03/2017; the data starts 01/04/2017",
        "",
        "not available: needs data up to 30/06/2018; the data ends 31/03/2018",
    ]


def test_unsupported_dates_by_breakdown_give_one_blank_row_each():
    got = sc.compute("cla_count", single_return(), at=["31/03/2018", "30/06/2018"], by="sex")
    later = got[got["period_end"] == T("2018-06-30")]
    assert len(later) == 1 and later["sex"].isna().all() and later["value"].isna().all()
    assert got.loc[got["period_end"] == T("2018-03-31"), "value"].sum() == 3


@pytest.mark.parametrize(("by", "kind"), [("sex", "str"), ("age_band", "category")])
def test_a_blank_row_keeps_the_breakdowns_type(by: str, kind: str):
    # the unsupported date's blank sits in the breakdown column as the figure has it, so a
    # figure broken down by LA or sex has `str` labels whether or not a date is unsupported
    # (the blank row made the column `object`)
    got = sc.compute("cla_count", single_return(), at=["31/03/2018", "30/06/2018"], by=by)
    assert str(got[by].dtype) == kind and got[by].isna().sum() == 1
    plain = sc.compute("cla_count", single_return(), at="31/03/2018", by=by)
    assert got[by].dtype == plain[by].dtype


# ------------------------------------------------------------------ boundary days


@pytest.mark.parametrize(
    ("indicator", "first_ok", "last_short"),
    [
        # history 0: the date itself must be covered
        ("cla_count", "01/04/2017", "31/03/2017"),
        # 12 months: the window ending at `at` starts on the day after 12 months before
        ("placement_stability_short", "31/03/2018", "30/03/2018"),
        ("cla_ceased", "31/03/2018", "30/03/2018"),
        ("time_in_care_ceased", "31/03/2018", "30/03/2018"),
    ],
)
def test_history_need_at_its_boundary_day(indicator: str, first_ok: str, last_short: str):
    ds = single_return()
    ok = sc.compute(indicator, ds, at=[last_short, first_ok])
    assert ok["note"].iloc[0].startswith("not available: needs data from")
    assert not str(ok["note"].iloc[1]).startswith("not available")
    assert not np.isnan(ok["value"].iloc[1])


def test_re_referrals_need_24_months_at_the_boundary_day():
    # R1's 10/04/2018 is a re-referral: its history (15/04/2017) lies before the window
    refs = pd.DataFrame(
        {"LAchildID": ["R1", "R1"], "CINreferralDate": ["15/04/2017", "10/04/2018"]}
    )
    ds = sc.Dataset.from_frames(referrals=refs)
    ds = with_coverage(ds, Coverage(T("2017-04-01"), T("2019-03-31"), basis="CIN 2017-18, 2018-19"))
    got = sc.compute("re_referral_rate", ds, at=["30/03/2019", "31/03/2019"])
    # 24 months ending 31/03/2019 start on 01/04/2017: supported; a day earlier, not
    assert got["note"].iloc[0] == (
        "not available: needs data from 31/03/2017; the data starts 01/04/2017"
    )
    assert got[["numerator", "denominator"]].iloc[1].tolist() == [1.0, 1.0]


def test_re_referrals_at_28_february_need_the_day_the_window_looks_back_to():
    # at 28/02/2025 the window starts 29/02/2024, and "12 months before" 29/02/2024 is
    # 28/02/2023 (no 29th; SPEC section 4): 24 months counted back from the date ask only
    # from 01/03/2023, so data from 01/03/2023 gave 100% (or 0% without the row of
    # 28/02/2023) for a figure that turns on that missing day
    refs = pd.DataFrame({"LAchildID": ["A", "A"], "CINreferralDate": ["28/02/2023", "29/02/2024"]})
    ds = sc.Dataset.from_frames(referrals=refs)
    short = with_coverage(ds, Coverage(T("2023-03-01"), T("2025-02-28"), basis="stated"))
    with pytest.raises(sc.UnavailableError, match="needs data from 28/02/2023; the data starts"):
        sc.compute("re_referral_rate", short, at="28/02/2025")
    enough = with_coverage(ds, Coverage(T("2023-02-28"), T("2025-02-28"), basis="stated"))
    got = sc.compute("re_referral_rate", enough, at="28/02/2025")
    assert got[["numerator", "denominator"]].iloc[0].tolist() == [1.0, 1.0]
    # and no stricter than the rule: at 28/02/2026 the window starts 01/03/2025, which
    # looks back to 01/03/2024; 24 months counted back from the date asked for 29/02/2024
    later = sc.Dataset.from_frames(
        referrals=refs.assign(CINreferralDate=["01/03/2024", "01/03/2025"])
    )
    later = with_coverage(later, Coverage(T("2024-03-01"), T("2026-02-28"), basis="stated"))
    got = sc.compute("re_referral_rate", later, at="28/02/2026")
    assert got[["numerator", "denominator"]].iloc[0].tolist() == [1.0, 1.0]


def test_long_term_stability_needs_30_months_at_the_boundary_day():
    # 30 months before 30/09/2018 is 30/03/2016 (the same calendar day), so its window
    # starts 31/03/2016, the first day the user says the data covers; a day earlier, short
    cov = Coverage(T("2016-03-31"), T("2019-03-31"), basis="stated by the user")
    ds = with_coverage(sc.Dataset.from_frames(**tables_2017_18()), cov)
    got = sc.compute("placement_stability_long", ds, at=["29/09/2018", "30/09/2018"])
    assert got["note"].iloc[0] == (
        "not available: needs data from 30/03/2016; the data starts 31/03/2016"
    )
    assert pd.isna(got["note"].iloc[1]) and got["denominator"].iloc[1] >= 0


def test_stitched_returns_with_a_gap():
    # returns 2015-16, 2016-17 and 2018-19: nothing for 2017-18
    gap = (T("2017-04-01"), T("2018-03-31"))
    cov = Coverage(T("2015-04-01"), T("2019-03-31"), (gap,), "SSDA903 returns 2015-16 to 2018-19")
    ds = with_coverage(sc.Dataset.from_frames(**tables_2017_18()), cov)
    got = sc.compute("cla_count", ds, at=["31/03/2017", "30/06/2017", "31/03/2018", "01/04/2018"])
    assert pd.isna(got["note"].iloc[0])
    assert got["note"].iloc[1] == (
        "not available: needs data from 30/06/2017 to 30/06/2017; "
        "the data has none from 01/04/2017 to 31/03/2018"
    )
    assert got["note"].iloc[2].startswith("not available")
    assert pd.isna(got["note"].iloc[3])  # the first day of 2018-19
    short = sc.compute("placement_stability_short", ds, at=["30/03/2019", "31/03/2019"])
    # the window ending 31/03/2019 starts 01/04/2018, the day after the gap ends
    assert short["note"].iloc[0].startswith("not available: needs data from 31/03/2018")
    assert pd.isna(short["note"].iloc[1])


def test_full_history_and_user_stated_coverage():
    # a full-history extract: from the collection year of its earliest cessation
    full = Coverage(T("2000-04-01"), T("2025-03-31"), basis="full-history extract")
    ds = with_coverage(sc.Dataset.from_frames(**tables_2017_18()), full)
    assert sc.compute("placement_stability_long", ds, at="31/03/2018")["note"].isna().all()
    stated = Coverage(T("2017-01-01"), T("2017-12-31"), basis="stated by the user")
    ds = with_coverage(ds, stated)
    got = sc.compute("cla_count", ds, at=["31/12/2017", "01/01/2018"])
    assert pd.isna(got["note"].iloc[0])
    assert got["note"].iloc[1] == (
        "not available: needs data up to 01/01/2018; the data ends 31/12/2017"
    )


def test_no_coverage_means_not_limited():
    ds = sc.Dataset.from_frames(**tables_2017_18())
    got = sc.compute("placement_stability_long", ds, at="31/03/2025")
    assert got["note"].isna().all() and got["denominator"].item() >= 0


# ------------------------------------------------------------------ time in care lower bounds


def test_time_in_care_says_how_many_days_are_lower_bounds():
    ds = single_return()
    got = sc.compute("time_in_care_current", ds, at="31/03/2018")
    # A (first episode in the data RNE P, 01/02/2017): 423 days, a lower bound;
    # B from 01/06/2017: 303 days; D from 01/03/2017 (RNE S): 395 days
    assert got["numerator"].item() == 423 + 303 + 395 and got["denominator"].item() == 3
    assert got["note"].item() == (
        "lower bound for 1 of 3 children: their period of care began before the data starts "
        "(01/04/2017)"
    )
    u = sc.units("time_in_care_current", ds, at="31/03/2018")
    assert u.set_index("CHILD")["lower_bound"].to_dict() == {"A": True, "B": False, "D": False}
    assert u.set_index("CHILD")["value"].to_dict() == {"A": 423.0, "B": 303.0, "D": 395.0}


def test_lower_bounds_for_leavers_and_by_breakdown():
    tables = tables_2017_18()
    # C's period began before the data too (its first episode is RNE P)
    tables["episodes"].loc[tables["episodes"]["CHILD"] == "C", "RNE"] = "P"
    ds = with_coverage(
        sc.Dataset.from_frames(**tables),
        Coverage(T("2017-04-01"), T("2018-03-31"), basis="SSDA903 return 2017-18"),
    )
    got = sc.compute("time_in_care_ceased_median", ds, at="31/03/2018")
    assert got["note"].item() == (
        "lower bound for 1 of 1 children: their period of care began before the data starts "
        "(01/04/2017)"
    )
    by = sc.compute("time_in_care_current", ds, at="31/03/2018", by="sex")
    assert by["note"].item().startswith("lower bound for 1 of 3 children")


# ------------------------------------------------------------------ annual KS4 figures


def ks4_single_return() -> sc.Dataset:
    tables = tables_2017_18()
    # pupils A and D of 2017/18; the return shows A's episode open on 01/04/2017 (from
    # 01/02/2017) and D's period from 01/03/2017
    tables["ks4_cla"] = pd.DataFrame(
        {"CHILD": ["A", "D"], "ACADEMIC_YEAR": "2017/18", "ATT8": ["30", "50"], "EM94": ["1", "0"]}
    )
    tables["ks4_all"] = pd.DataFrame(
        {"ACADEMIC_YEAR": ["2017/18"], "PUPILS": ["1000"], "AVG_ATT8": ["46"], "PCT_EM94": ["60"]}
    )
    ds = sc.Dataset.from_frames(**tables)
    cov = Coverage(T("2017-04-01"), T("2018-03-31"), basis="SSDA903 return 2017-18")
    return replace(ds, coverage={t: cov for t in ("episodes", "header", "uasc")}, _cache={})


def test_ks4_history_is_counted_from_the_31_march_in_the_window():
    ds = ks4_single_return()
    got = sc.compute("attainment_cla_att8", ds, at=["30/03/2018", "31/03/2018", "30/06/2018"])
    # 30/03/2018: the 31 March in its window is 31/03/2017, whose 12 months start 01/04/2016
    assert got["note"].iloc[0] == (
        "not available: needs data from 01/04/2016; the data starts 01/04/2017"
    )
    # 31/03/2018 shows 2017/18: A (in care since 01/02/2017 as far as the data shows) and D
    # (since 01/03/2017), both by 31/03/2017 -> (30 + 50) / 2 = 40 points
    assert pd.isna(got["note"].iloc[1]) and got["value"].iloc[1] == 40.0
    # 30/06/2018 would show 2017/18 too, whose data lie inside the return; but the date lies
    # after the data ends, and SPEC section 4 makes such a figure unavailable (as
    # cla_count is then), not one quietly repeated from March
    assert got["note"].iloc[2] == (
        "not available: needs data up to 30/06/2018; the data ends 31/03/2018"
    )
    assert np.isnan(got["value"].iloc[2])
    later = sc.compute("attainment_gap_att8", ds, at=["31/03/2018", "31/03/2019"])
    assert later["note"].iloc[1] == (
        "not available: needs data up to 31/03/2019; the data ends 31/03/2018"
    )
    assert later["value"].iloc[0] == 46 - 40


# ------------------------------------------------------------------ rows left out


def with_unusable(ds: sc.Dataset, rows: list[tuple[str, int, str, str]]) -> sc.Dataset:
    bad = pd.DataFrame(rows, columns=["table", "row", "column", "rule"])
    return replace(ds, unusable=bad, _cache={})


def test_rows_with_an_unusable_cell_are_left_out_of_the_indicators_that_read_it():
    base = sc.Dataset.from_frames(**tables_2017_18())
    # row 0 is A's episode (U4): its PLACE failed a rule when loading
    pos = int(np.flatnonzero(base.tables["episodes"]["CHILD"].to_numpy() == "A")[0])
    ds = with_unusable(base, [("episodes", pos, "PLACE", "PLACE code not in the DfE list")])
    foster = sc.compute("pct_foster_care", ds, at="31/03/2018")
    # A, B (K2), D (K2) looked after; without A's row: B and D, neither fostered: 0 of 2
    assert foster[["numerator", "denominator"]].to_numpy().tolist() == [[0.0, 2.0]]
    assert foster["note"].item() == "1 episodes row left out: unusable PLACE"
    # cla_count reads no PLACE: A still counts, nothing to say
    cla = sc.compute("cla_count", ds, at="31/03/2018")
    assert cla["value"].item() == 3 and cla["note"].isna().all()
    # a cell nothing reads (HOME_POST) leaves nothing out
    quiet = with_unusable(base, [("episodes", pos, "HOME_POST", "not a postcode")])
    assert sc.compute("pct_foster_care", quiet, at="31/03/2018")["note"].isna().all()


def test_indicators_needing_the_same_columns_share_one_reduced_dataset():
    base = sc.Dataset.from_frames(**tables_2017_18())
    ds = with_unusable(base, [("episodes", 0, "PLACE", "PLACE code not in the DfE list")])
    sc.compute("pct_foster_care", ds, at="31/03/2018")
    sc.compute("pct_residential", ds, at="31/03/2018")
    reduced = [k for k in ds._cache if k.startswith("without:")]
    assert len(reduced) == 1
    assert len(ds._cache[reduced[0]].tables["episodes"]) == len(base.tables["episodes"]) - 1


def test_left_out_lists_rows_per_indicator_table_column_and_rule():
    base = sc.Dataset.from_frames(**tables_2017_18())
    ds = with_unusable(
        base,
        [
            ("episodes", 0, "PLACE", "PLACE code not in the DfE list"),
            ("episodes", 3, "PLACE", "PLACE code not in the DfE list"),
            ("episodes", 3, "DECOM", "not a date"),
            ("header", 1, "DOB", "not a date"),
        ],
    )
    out = sc.left_out(ds)
    assert list(out.columns) == ["indicator", "table", "column", "rule", "rows"]
    foster = out[out["indicator"] == "pct_foster_care"]
    assert foster[["table", "column", "rows"]].to_numpy().tolist() == [
        ["episodes", "DECOM", 1],
        ["episodes", "PLACE", 2],
    ]
    # cla_count reads DECOM but not PLACE; long-term stability also reads the header's DOB
    assert out.loc[out["indicator"] == "cla_count", "column"].tolist() == ["DECOM"]
    long = out[out["indicator"] == "placement_stability_long"]
    assert set(long["column"]) == {"DECOM", "PLACE", "DOB"}
    note = sc.compute("placement_stability_short", ds, at="31/03/2018")["note"].item()
    assert note == "2 episodes rows left out: unusable PLACE, DECOM"
    assert sc.left_out(base).empty


def test_dates_before_and_after_the_data_are_both_said():
    """Every date unsupported, for different reasons: the message gives each kind (it gave
    only the latest date's); dates failing alike are said once."""
    ds = single_return()
    with pytest.raises(sc.UnavailableError) as err:
        sc.compute("cla_count", ds, at=["31/03/2010", "31/03/2030", "31/03/2031"])
    assert str(err.value) == (
        "cla_count: not available: needs data up to 31/03/2031; the data ends 31/03/2018 (at "
        "31/03/2010: not available: needs data from 31/03/2010; the data starts 01/04/2017)"
    )
    assert len(err.value.reasons) == 3
