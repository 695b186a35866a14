"""RAG bands, targets and direction of travel (SPEC section 7)."""

from __future__ import annotations

import math
import sys

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.bands import (
    as_shown,
    compare_change,
    direction_of_travel,
    rag,
    rag_value,
    shown_value,
    target_for,
)
from scorecard.catalogue import Catalogue, Indicator


def make(id_: str, polarity: str, unit: str = "percent", rag_: dict | None = None) -> Indicator:
    return Indicator.model_validate(
        {
            "id": id_,
            "title": id_,
            "domain": "placement stability",
            "description": "test indicator",
            "unit": unit,
            "polarity": polarity,
            "decimals": 1,
            "history_months": 0,
            "measure": "whatever",
            "tables": ["episodes"],
            "rag": rag_,
        }
    )


# low is good: green at or below 10, amber at or below 12; from 2025-26 green 9, amber 11
LOW = make(
    "low",
    "low_is_good",
    rag_={"default": {"green": 10, "amber": 12}, "by_year": {"2025-26": {"green": 9, "amber": 11}}},
)
# high is good: green at or above 70, amber at or above 65, target 75
HIGH = make("high", "high_is_good", rag_={"default": {"green": 70, "amber": 65, "target": 75}})
NEUTRAL = make("neutral", "neutral", unit="count")
BENCH = make("bench", "low_is_good", rag_={"mode": "benchmark", "tolerance": 2.0})
BENCH_HIGH = make("bench_high", "high_is_good", rag_={"mode": "benchmark", "tolerance": 1.5})
DAYS = make("days", "low_is_good", unit="days", rag_={"default": {"green": 400, "amber": 500}})
COUNT = make("count", "low_is_good", unit="count", rag_={"default": {"green": 5, "amber": 6}})
CAT = Catalogue([LOW, HIGH, NEUTRAL, BENCH, BENCH_HIGH, DAYS, COUNT])
Q4 = "2025-03-31"  # financial year 2024-25


@pytest.mark.parametrize(
    ("value", "expected"),
    [(9.9, "green"), (10.0, "green"), (10.1, "amber"), (12.0, "amber"), (12.1, "red")],
)
def test_rag_low_is_good_boundaries(value, expected):
    assert rag_value(value, LOW, Q4) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(71, "green"), (70, "green"), (69.9, "amber"), (65, "amber"), (64.9, "red")],
)
def test_rag_high_is_good_boundaries(value, expected):
    assert rag_value(value, HIGH, Q4) == expected


def test_rag_floating_point_noise_meets_the_threshold():
    # 7 of 10 computed as a percentage: 70.00000000000001 in floating point still "at" 70
    assert rag_value(100 * 0.7, HIGH, Q4) == "green"
    assert rag_value(100 * 7 / 10 - 1e-12, HIGH, Q4) == "green"


def test_rag_bands_the_value_as_shown():
    # one decimal: 69.96 is shown as 70.0, so it is green against "green at or above 70"
    # (a member never sees 70.0% in amber); 69.94 is shown as 69.9: amber
    assert rag_value(69.96, HIGH, Q4) == "green"
    assert rag_value(69.94, HIGH, Q4) == "amber"
    assert rag_value(12.04, LOW, Q4) == "amber"  # shown 12.0
    assert rag_value(12.05, LOW, Q4) == "red"  # shown 12.1 (12.05 is stored as 12.050...07)
    # benchmark mode compares the two figures shown: 20.04 (20.0) against an SN average of
    # 19.96 (20.0) is at the average, green; 20.06 (20.1) is above it, amber
    assert rag_value(20.04, BENCH, Q4, sn_value=19.96) == "green"
    assert rag_value(20.06, BENCH, Q4, sn_value=19.96) == "amber"
    frame = pd.DataFrame(
        {
            "indicator": ["high", "high", "bench", "bench"],
            "period_end": pd.to_datetime([Q4] * 4),
            "value": [69.96, 69.94, 20.04, 20.06],
            "sn_value": [np.nan, np.nan, 19.96, 19.96],
        }
    )
    assert list(rag(frame, CAT)) == ["green", "amber", "green", "amber"]


def test_the_shown_value_rounds_half_up_on_its_decimal_value():
    # as DfE's LAIT and Excel: half away from zero on the decimal written, not on the binary
    # number stored (20.45 is stored 20.4499..., 2.675 2.67499...; Python's formatting gave
    # 20.4, 0.12 and -2.2 for the exact binary ties, and 2.67)
    cases = [(20.45, 1), (0.125, 2), (2.675, 2), (-2.25, 1), (67.98, 1), (0.05, 0), (-0.04, 1)]
    got = [shown_value(v, d) for v, d in cases]
    assert got == [20.5, 0.13, 2.68, -2.3, 68.0, 0.0, 0.0]
    assert math.copysign(1.0, got[-1]) == 1.0  # no '-0.0'
    # a mean of ten published figures (1 decimal) that lands just below its decimal value
    # (24.55): read to 15 significant digits, as Excel reads it, it rounds up as LAIT's does
    published = [12.0, 36.3, 8.0, 21.3, 12.8, 34.0, 26.5, 27.5, 31.6, 35.5]
    mean = float(np.mean(published))
    assert repr(mean) == "24.549999999999997"
    assert shown_value(mean, 1) == 24.6
    # an array: the same rule, NaN kept, the shape kept
    shown = as_shown(np.array([[20.45, np.nan], [20.45, -2.25]]), 1)
    np.testing.assert_array_equal(shown, [[20.5, np.nan], [20.5, -2.3]])


def test_a_band_at_its_boundary_is_decided_on_the_value_shown():
    # care leavers NEET: green at or below 38% in 2024-25; 38.05% is shown 38.1% (it was
    # 38.0%: 38.05 is stored 38.0499...), above 38: amber. Grade 4+ in English and maths:
    # green at or above 22%; 21.95% is shown 22.0%: green, not amber
    cat = sc.load_catalogue()
    neet, em94 = cat.get("care_leavers_neet_19_21"), cat.get("attainment_cla_em94")
    assert rag_value(38.05, neet, Q4) == "amber"
    assert rag_value(21.95, em94, Q4) == "green"
    frame = pd.DataFrame(
        {
            "indicator": [neet.id, em94.id],
            "period_end": pd.to_datetime([Q4] * 2),
            "value": [38.05, 21.95],
        }
    )
    assert list(rag(frame, cat)) == ["amber", "green"]
    # against the neighbours: an average of 20.45 is shown 20.5, level with our 20.5: green
    assert rag_value(20.5, BENCH, Q4, sn_value=20.45) == "green"


def test_rag_uses_the_thresholds_of_the_financial_year():
    # 10 is green in 2024-25 (green <= 10) but amber in 2025-26 (green <= 9, amber <= 11)
    assert rag_value(10, LOW, "2025-03-31") == "green"
    assert rag_value(10, LOW, "2025-06-30") == "amber"
    assert rag_value(11.5, LOW, "2026-03-31") == "red"
    # a later year without its own thresholds keeps the latest earlier year's
    assert rag_value(10, LOW, "2027-03-31") == "amber"


def test_rag_none_for_neutral_missing_and_no_thresholds():
    assert rag_value(5, NEUTRAL, Q4) is None
    assert rag_value(float("nan"), LOW, Q4) is None
    assert rag_value(None, LOW, Q4) is None
    assert rag_value(5, make("plain", "low_is_good"), Q4) is None


def test_rag_benchmark_mode():
    # low is good, SN 20, tolerance 2: <= 20 green, <= 22 amber, else red
    assert rag_value(20, BENCH, Q4, sn_value=20) == "green"
    assert rag_value(22, BENCH, Q4, sn_value=20) == "amber"
    assert rag_value(22.1, BENCH, Q4, sn_value=20) == "red"
    assert rag_value(22, BENCH, Q4, sn_value=None) is None
    assert rag_value(22, BENCH, Q4, sn_value=float("nan")) is None
    # high is good, SN 60, tolerance 1.5: >= 60 green, >= 58.5 amber
    assert rag_value(58.5, BENCH_HIGH, Q4, sn_value=60) == "amber"
    assert rag_value(58.4, BENCH_HIGH, Q4, sn_value=60) == "red"
    assert rag_value(61, BENCH_HIGH, Q4, sn_value=60) == "green"


def test_rag_vectorised_matches_the_scalar_rule():
    frame = pd.DataFrame(
        {
            "indicator": ["low", "low", "high", "neutral", "bench", "bench", "unknown"],
            "period_end": pd.to_datetime(
                ["2025-03-31", "2025-06-30", "2025-03-31", "2025-03-31"] + ["2025-03-31"] * 3
            ),
            "value": [10, 10, 64, 3, 21, 21, 1],
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    sn = pd.Series([np.nan, np.nan, np.nan, np.nan, 20, np.nan, np.nan], index=frame.index)
    got = rag(frame, CAT, sn=sn)
    assert list(got.index) == list(frame.index)
    assert list(got) == ["green", "amber", "red", None, "amber", None, None]
    # a missing reference date: no band rather than an error
    nat = frame.assign(period_end=pd.NaT).iloc[:1]
    assert list(rag(nat, CAT)) == [None]
    # an `sn_value` column is used when `sn` is not given
    assert list(rag(frame.assign(sn_value=sn), CAT)) == list(got)
    assert sc.rag is rag


def test_rag_with_the_bundled_catalogue():
    # placement_stability_short: default thresholds in the bundled catalogue, low is good
    cat = sc.load_catalogue()
    ind = cat.get("placement_stability_short")
    th = ind.thresholds("2024-25")
    frame = pd.DataFrame(
        {
            "indicator": ["placement_stability_short"] * 3,
            "period_end": pd.to_datetime(["2025-03-31"] * 3),
            "value": [th.green, th.amber, th.amber + 0.1],
        }
    )
    assert list(rag(frame)) == ["green", "amber", "red"]


def test_target_for():
    assert target_for(HIGH, Q4) == 75
    assert target_for(LOW, "2025-03-31") == 10  # target defaults to the green threshold
    assert target_for(LOW, "2025-09-30") == 9
    assert target_for(NEUTRAL, Q4) is None
    assert target_for(BENCH, Q4) is None


# ---------------------------------------------------------------- direction of travel
def test_small_proportions_are_not_a_trend():
    # 2/10 -> 4/10: pooled p = 6/20 = .3, se = sqrt(.3*.7*(1/10+1/10)) = .205, z = .2/.205 = .98
    assert compare_change(4, 10, 2, 10, "percent", "low_is_good") == "no significant change"
    # 200/1000 -> 260/1000: pooled .23, se = sqrt(.23*.77*.002) = .0188, z = .06/.0188 = 3.19
    assert compare_change(260, 1000, 200, 1000, "percent", "low_is_good") == "worsening"
    assert compare_change(260, 1000, 200, 1000, "percent", "high_is_good") == "improving"
    assert compare_change(200, 1000, 260, 1000, "percent", "low_is_good") == "improving"
    assert compare_change(260, 1000, 200, 1000, "percent", "neutral") == "up"
    assert compare_change(200, 1000, 260, 1000, "percent", "neutral") == "down"


def test_tiny_denominators_and_counts_are_never_a_trend():
    # 0/3 -> 3/3: z = 1 / sqrt(.5 * .5 * (2/3)) = 2.45, but three children
    assert compare_change(3, 3, 0, 3, "percent", "low_is_good") == "no significant change"
    # 10/10 -> 0/10: z = 4.47 with denominators of 10: called
    assert compare_change(0, 10, 10, 10, "percent", "low_is_good") == "improving"
    # counts: the exact test never calls five children: 0 -> 5 gives two-sided
    # p = 2 * .5**5 = .0625 (not called); 0 -> 6 gives 2 * .5**6 = .031 (called)
    assert compare_change(6, None, 0, None, "count", "low_is_good") == "worsening"
    assert compare_change(5, None, 0, None, "count", "low_is_good") == "no significant change"
    # 2 -> 7 would pass neither: p = .18
    assert compare_change(7, None, 2, None, "count", "neutral") == "no significant change"


def test_z_test_edge_at_the_95_percent_line():
    # 100/1000 -> 128/1000: pooled .114, se = sqrt(.114*.886*.002) = .01421, z = 1.970 (>1.96)
    assert compare_change(128, 1000, 100, 1000, "percent", "low_is_good") == "worsening"
    # 100/1000 -> 127/1000: pooled .1135, se = .01419, z = 1.903 (<1.96)
    assert compare_change(127, 1000, 100, 1000, "percent", "low_is_good") == (
        "no significant change"
    )


def test_identical_and_missing():
    assert compare_change(3, 10, 3, 10, "percent", "low_is_good") == "no change"
    # 0% both times: se is 0 but the values are identical
    assert compare_change(0, 50, 0, 50, "percent", "low_is_good") == "no change"
    assert compare_change(3, 10, None, None, "percent", "low_is_good") is None
    assert compare_change(None, None, 3, 10, "percent", "low_is_good") is None


def test_counts_use_the_conditional_poisson_test():
    # 12 vs 5: given 17, P(X >= 12 | Bin(17, .5)) = .0717, two-sided .143 -> not significant
    assert compare_change(12, None, 5, None, "count", "low_is_good") == "no significant change"
    # 30 vs 10: given 40, two-sided p = .0022 -> significant
    assert compare_change(30, None, 10, None, "count", "low_is_good") == "worsening"
    assert compare_change(10, None, 30, None, "count", "neutral") == "down"


def test_rates_use_the_population_as_exposure():
    # 60 children per 10,000 of 10,000 -> 90 of 10,000: given 150, p0 = .5, p = .018 -> sig.
    assert compare_change(90, 10000, 60, 10000, "rate_per_10k", "low_is_good") == "worsening"
    # the same counts with the population grown by half: rates 60 vs 60 -> no change in value
    # (90 of 15,000 is 60 per 10k) and p0 = .6 makes 90 of 150 exactly expected
    assert (
        compare_change(90, 15000, 60, 10000, "rate_per_10k", "low_is_good", 60.0, 60.0)
        == "no change"
    )
    assert (
        compare_change(90, 15000, 60, 10000, "rate_per_10k", "low_is_good", 60.0001, 60.0)
        == "no significant change"
    )


def test_means_need_a_relative_change_and_enough_children():
    # 300 vs 280 days: +7.1% (> 5%), 20 children both times -> a change
    assert compare_change(None, 20, None, 20, "days", "low_is_good", 300, 280) == "worsening"
    # +3.6% is below the 5% threshold
    assert compare_change(None, 20, None, 20, "days", "low_is_good", 290, 280) == (
        "no significant change"
    )
    # a big change among 8 children (< 10) is not called
    assert compare_change(None, 8, None, 20, "days", "low_is_good", 500, 280) == (
        "no significant change"
    )
    # no denominator known: the relative rule alone
    assert compare_change(None, None, None, None, "ratio", "low_is_good", 15, 20) == "improving"


def quarters(values: list[tuple[str, float, float]], ind: str = "low", by: dict | None = None):
    rows = []
    for end, num, den in values:
        row = {
            "indicator": ind,
            "period_end": pd.Timestamp(end),
            "numerator": num,
            "denominator": den,
            "value": 100 * num / den,
        }
        row.update(by or {})
        rows.append(row)
    return pd.DataFrame(rows)


def test_means_with_their_spread_are_tested_on_it():
    # Attainment 8 of 106 pupils, mean 19.4, then 111 pupils, mean 21.1, points spread by 17
    # both years: se = sqrt(17^2/111 + 17^2/106) = 2.309, z = 1.7 / 2.309 = 0.74: not a
    # change, though +8.8% passes the relative rule the mean had without its spread
    frame = pd.DataFrame(
        {
            "indicator": "days",
            "period_end": pd.to_datetime(["2024-03-31", "2025-03-31"]),
            "numerator": np.nan,
            "denominator": [106.0, 111.0],
            "value": [19.4, 21.1],
        }
    )
    alone = direction_of_travel(frame, CAT)
    assert alone["dot_year"].iloc[1] == "worsening"  # relative: 8.8% > 5%
    spread = direction_of_travel(frame.assign(sd=17.0), CAT)
    assert spread["dot_year"].iloc[1] == "no significant change"
    # 19.4 -> 26.0: z = 6.6 / 2.309 = 2.86: a change
    moved = frame.assign(sd=17.0, value=[19.4, 26.0])
    assert direction_of_travel(moved, CAT)["dot_year"].iloc[1] == "worsening"
    # a spread missing on either side: the relative rule, as before
    half = frame.assign(sd=[np.nan, 17.0])
    assert direction_of_travel(half, CAT)["dot_year"].iloc[1] == "worsening"


def test_direction_of_travel_quarter_and_year():
    # five quarter ends; the last (31 Mar 2025) compares with 31 Dec 2024 and 31 Mar 2024
    frame = quarters(
        [
            ("2024-03-31", 100, 1000),  # 10%
            ("2024-06-30", 110, 1000),
            ("2024-09-30", 120, 1000),
            ("2024-12-31", 125, 1000),  # 12.5%
            ("2025-03-31", 130, 1000),  # 13%
        ]
    )
    got = direction_of_travel(frame, CAT)
    last = got.iloc[-1]
    assert last["change_quarter"] == pytest.approx(0.5)
    # 13.0% vs 12.5%: z = .005 / sqrt(.1275*.8725*.002) = .34 -> no significant change
    assert last["dot_quarter"] == "no significant change"
    assert last["change_year"] == pytest.approx(3.0)
    # 13% vs 10%: pooled .115, se = .01427, z = 2.10 -> worsening (low is good)
    assert last["dot_year"] == "worsening"
    # 30 June 2024 compares with 31 March 2024 (month ends, not 30 March)
    assert got.iloc[1]["change_quarter"] == pytest.approx(1.0)
    # the first quarter has nothing earlier
    assert got.iloc[0]["dot_quarter"] is None and got.iloc[0]["dot_year"] is None
    assert math.isnan(got.iloc[0]["change_year"])
    assert list(got.columns) == [
        "indicator",
        "period_end",
        "change_quarter",
        "dot_quarter",
        "change_year",
        "dot_year",
    ]
    assert sc.direction_of_travel is direction_of_travel


def test_direction_of_travel_by_breakdown_and_several_indicators():
    a = quarters([("2024-12-31", 2, 10), ("2025-03-31", 4, 10)], by={"age_band": "10 to 15"})
    b = quarters([("2024-12-31", 200, 1000), ("2025-03-31", 260, 1000)], by={"age_band": "5 to 9"})
    c = quarters(
        [("2024-12-31", 50, 100), ("2025-03-31", 50, 100)], ind="neutral", by={"age_band": "5 to 9"}
    )
    c["value"] = [50.0, 50.0]
    frame = pd.concat([a, b, c], ignore_index=True).sample(frac=1, random_state=1)
    got = direction_of_travel(frame, CAT).loc[frame.index]
    latest = got[got["period_end"] == "2025-03-31"].set_index(["indicator", "age_band"])
    assert latest.loc[("low", "10 to 15"), "dot_quarter"] == "no significant change"
    assert latest.loc[("low", "5 to 9"), "dot_quarter"] == "worsening"
    assert latest.loc[("neutral", "5 to 9"), "dot_quarter"] == "no change"
    assert latest["dot_year"].isna().all()


def test_direction_of_travel_ignores_scorecard_columns():
    # a `rag` and `target` column differ between quarters but are not breakdowns
    frame = quarters([("2024-12-31", 200, 1000), ("2025-03-31", 260, 1000)])
    frame["rag"] = ["green", "red"]
    frame["target"] = [20.0, 21.0]
    # compute's note (a caveat counted per date) differs between quarters too
    frame["note"] = ["3 lower bounds", "4 lower bounds"]
    got = direction_of_travel(frame, CAT)
    assert list(got.columns) == [
        "indicator",
        "period_end",
        "change_quarter",
        "dot_quarter",
        "change_year",
        "dot_year",
    ]
    assert got["dot_quarter"].iloc[1] == "worsening"


def test_annual_indicator_has_no_change_on_the_quarter():
    """An annual figure (KS4: the academic year's) is compared year on year only: at 30 June
    2025 the 2024/25 figure is the same as at 31 March 2025, so no 'no change' on the quarter;
    the year compares 2024/25 (at 30 June 2025) with 2023/24 (at 30 June 2024)."""
    annual = Indicator.model_validate(
        {**HIGH.model_dump(), "id": "annual", "frequency": "annual", "unit": "points"}
    )
    cat = Catalogue([annual, HIGH])
    frame = pd.DataFrame(
        {
            "indicator": ["annual"] * 3 + ["high"] * 3,
            "period_end": pd.to_datetime(["2024-06-30", "2025-03-31", "2025-06-30"] * 2),
            "numerator": [2000.0, 2300.0, 2300.0] * 2,
            "denominator": [100.0] * 6,
            "value": [20.0, 23.0, 23.0] * 2,
        }
    )
    out = direction_of_travel(frame, catalogue=cat).set_index(["indicator", "period_end"])
    june = pd.Timestamp("2025-06-30")
    assert np.isnan(out.loc[("annual", june), "change_quarter"])
    assert out.loc[("annual", june), "dot_quarter"] is None
    # 23.0 against 20.0 a year earlier: +3.0 points, 15% on 100 pupils -> improving
    assert out.loc[("annual", june), "change_year"] == pytest.approx(3.0)
    assert out.loc[("annual", june), "dot_year"] == "improving"
    # the same numbers on a quarterly indicator do have a change on the quarter (none)
    assert out.loc[("high", june), "dot_quarter"] == "no change"


def test_binomial_tails_are_scipy_stats_figures():
    """The direction-of-travel test's binomial tails equal scipy.stats.binom's exactly,
    at the edges of the support too (k below 0, k at and above n, n = 0, p = 0 or 1)."""
    from scipy import stats

    from scorecard.bands import binom_cdf, binom_sf

    rng = np.random.default_rng(12)
    n = np.r_[rng.integers(0, 300, 5000), 0, 0, 5, 5, 5, 5]
    k = np.r_[rng.integers(-2, 302, 5000), -1, 0, -1, 0, 5, 6]
    p = np.r_[rng.random(5000), 0.5, 0.5, 0.0, 1.0, 0.3, 0.3]
    p[:50], p[50:100] = 0.0, 1.0
    assert np.array_equal(binom_cdf(k, n, p), stats.binom.cdf(k, n, p))
    assert np.array_equal(binom_sf(k, n, p), stats.binom.sf(k, n, p))
    # by hand: X ~ Binomial(2, 0.5): P(X <= 0) = 1/4, P(X > 0) = 3/4
    assert binom_cdf(np.array([0]), np.array([2]), np.array([0.5]))[0] == 0.25
    assert binom_sf(np.array([0]), np.array([2]), np.array([0.5]))[0] == 0.75


def test_binomial_tails_without_scipys_private_functions(monkeypatch: pytest.MonkeyPatch):
    """Where a scipy release has moved the private module, scipy.stats.binom gives the
    tails: the same figures, k outside the support included."""
    import scipy.special
    from scipy import stats

    from scorecard.bands import binom_cdf, binom_sf, binomial_change

    k, n = np.array([-1, 0, 3, 5, 6, 40]), np.array([5, 5, 5, 5, 5, 100])
    p = np.array([0.3, 0.0, 0.3, 1.0, 0.3, 0.5])
    cdf, sf = stats.binom.cdf(k, n, p), stats.binom.sf(k, n, p)
    monkeypatch.delattr(scipy.special, "_ufuncs")
    monkeypatch.setitem(sys.modules, "scipy.special._ufuncs", None)  # the import now fails
    with pytest.raises(ImportError):
        from scipy.special import _ufuncs  # noqa: F401
    assert np.array_equal(binom_cdf(k, n, p), cdf)
    assert np.array_equal(binom_sf(k, n, p), sf)
    # 40 of 100 at p = 1/2: two-sided p 0.057, no change at 5%; 39 of 100: 0.035, a change
    twice = np.array([100, 100])
    assert binomial_change(np.array([40, 39]), twice, np.array([0.5, 0.5])).tolist() == [
        False,
        True,
    ]


def test_binomial_change_decides_as_scipy_stats_does():
    """The exact binomial test summed in numpy gives scipy.stats.binom's answer: on every
    pair of counts up to 120 (p = 1/2), on random rates, at alpha set to a p-value itself
    (where only scipy can say which side it falls), and past the size limit."""
    from scipy import stats

    from scorecard.bands import ALPHA, binomial_change

    def scipy_says(a, n, p, alpha=ALPHA):
        pval = np.minimum(1, 2 * np.minimum(stats.binom.cdf(a, n, p), stats.binom.sf(a - 1, n, p)))
        return pval < alpha, pval

    a, b = (g.ravel() for g in np.meshgrid(np.arange(121), np.arange(121)))
    half = np.full(a.size, 0.5)
    assert np.array_equal(binomial_change(a, a + b, half), scipy_says(a, a + b, half)[0])
    rng = np.random.default_rng(7)
    n = rng.integers(0, 2500, 400)
    k, p = rng.binomial(n, 0.5), rng.uniform(0.2, 0.8, 400)
    assert np.array_equal(binomial_change(k, n, p), scipy_says(k, n, p)[0])
    # by hand: 0 -> 5 children: p = 2 x (1/2)^5 = .0625, not a change; 0 -> 6: .03125, a change
    assert list(binomial_change(np.array([0, 0]), np.array([5, 6]), np.array([0.5, 0.5]))) == [
        False,
        True,
    ]
    # alpha equal to the p-value: 'below alpha' is False, whichever way rounding went
    _, pval = scipy_says(np.array([3]), np.array([40]), np.array([0.3]))
    assert not binomial_change(np.array([3]), np.array([40]), np.array([0.3]), alpha=pval[0])[0]
    # p of 0 or 1, and too many terms to sum: scipy's figures directly
    assert list(binomial_change(np.array([0, 1]), np.array([4, 4]), np.array([0.0, 1.0]))) == [
        False,
        True,
    ]
    big = np.array([1_301_000, 100]), np.array([2_600_000, 200]), np.array([0.5, 0.5])
    assert np.array_equal(binomial_change(*big), scipy_says(*big)[0])
