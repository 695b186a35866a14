"""The quarterly scorecard frame: rows, columns, trend, RAG and direction of travel, benchmarks.

Small hand-built datasets; expected numbers are worked out in the comments.
"""

from __future__ import annotations

import dataclasses
import html

import numpy as np
import pandas as pd
import pytest
from test_scorecard_excel import load

import scorecard as sc
from scorecard.dataset import Coverage
from scorecard.measures.facts import LOWER_BOUND
from scorecard.report import (
    FRAME_COLUMNS,
    IndicatorFailedWarning,
    Scorecard,
    build_scorecard,
    builder,
)

SPEC_COLUMNS = [
    "domain",
    "indicator",
    "title",
    "unit",
    "polarity",
    "value",
    "numerator",
    "denominator",
    "target",
    "rag",
    "dot_quarter",
    "dot_year",
    "change_quarter",
    "change_year",
    "trend",
    "sn_value",
    "england",
    "quartile_band",
    "rank",
    "benchmark_year",
    "commentary",
    "status",
    "suppressed",
]


@pytest.fixture
def tiny(three_children) -> sc.Dataset:
    """Three children, all looked after at 31 March 2025, none has left (conftest.py):
    WS100001 and WS100002 in foster care (U1, U4), WS100003 in a children's home (K2)."""
    return sc.Dataset.from_frames(**three_children())


@pytest.fixture(scope="module")
def card(three_children) -> Scorecard:
    return build_scorecard(sc.Dataset.from_frames(**three_children()), quarter="2024-25 Q4")


def row(card: Scorecard, ind_id: str) -> pd.Series:
    f = card.frame
    return f.loc[f["indicator"] == ind_id].iloc[0]


def test_one_row_per_scorecard_indicator_grouped_by_domain(card):
    cat = sc.load_catalogue()
    expected = [i.id for i in cat if i.on_scorecard]
    f = card.frame
    assert sorted(f["indicator"]) == sorted(expected)
    assert f["indicator"].is_unique
    assert "placement_stability_2plus" not in set(f["indicator"])  # on_scorecard: false
    # grouped: each domain's rows are contiguous, domains in catalogue order
    domains = list(dict.fromkeys(f["domain"]))
    assert domains == [d for d in cat.domains if d in domains]
    assert (f["domain"] != f["domain"].shift()).sum() == len(domains)


def test_columns(card):
    assert list(card.frame.columns) == FRAME_COLUMNS
    assert set(SPEC_COLUMNS) <= set(card.frame.columns)
    assert (card.frame["commentary"] == "").all()


def test_values_from_the_measures(card):
    # 3 children looked after at 31/03/2025
    assert row(card, "cla_count")["value"] == 3
    # foster care: U1 and U4 of 3 = 66.7%
    r = row(card, "pct_foster_care")
    assert (r["numerator"], r["denominator"]) == (2, 3)
    assert r["value"] == pytest.approx(200 / 3)
    assert r["status"] == ""


def test_trend_has_eight_quarters_oldest_first(card):
    trend = row(card, "cla_count")["trend"]
    assert len(trend) == 8
    # quarter ends 30/06/2023 .. 31/03/2025: WS100001 from 01/05/2023 (in at 30/06/2023),
    # WS100002 from 10/09/2023 (in from 30/09/2023), WS100003 from 15/01/2024 (from 31/03/2024)
    assert trend == [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    assert card.quarter_ends[0] == pd.Timestamp("2023-06-30")
    assert card.quarter_ends[-1] == pd.Timestamp("2025-03-31")
    # quarterly indicators show 8 quarters; annual ones (KS4) one point a year for 5 years
    annual = {i.id for i in card.catalogue if i.frequency == "annual"}
    lengths = {len(t) for i, t in zip(card.frame["indicator"], card.frame["trend"]) if i in annual}
    assert annual and lengths == {5}
    assert all(
        len(t) == 8 for i, t in zip(card.frame["indicator"], card.frame["trend"]) if i not in annual
    )


def test_missing_tables_give_a_status_not_a_crash(card):
    r = row(card, "re_referral_rate")
    assert np.isnan(r["value"])
    assert "referrals" in r["status"] and r["status"].startswith("unavailable")
    r = row(card, "iro_caseload")
    assert "iro_allocations" in r["status"]


def test_each_indicator_computed_once_for_all_quarters(tiny, monkeypatch):
    import scorecard.engine as engine

    calls: list[tuple[str, int]] = []
    real, real_each = engine.compute, engine.compute_each

    def counting(ind, ds, at=None, by=None, **kw):
        calls.append((getattr(ind, "id", ind), len(at), by))
        return real(ind, ds, at=at, by=by, **kw)

    def counting_each(ind, ds, views, **kw):  # a trend and what shares its units' build
        (at, by), *_ = views
        calls.append((getattr(ind, "id", ind), len(at), by))
        return real_each(ind, ds, views, **kw)

    monkeypatch.setattr(engine, "compute", counting)
    monkeypatch.setattr(engine, "compute_each", counting_each)
    card = build_scorecard(tiny, quarter="2024-25 Q4")
    headline = [c for c in calls if c[2] is None]
    ids = [c[0] for c in headline]
    assert len(ids) == len(set(ids)) == len(card.frame)
    # 8 quarter ends, or 5 year ends for an annual indicator
    annual = {i.id for i in card.catalogue if i.frequency == "annual"}
    assert {n for i, n, _ in headline if i not in annual} == {8}
    assert {n for i, n, _ in headline if i in annual} == {5}
    # the only other call: time in care by age at entry, this year and last (the tiny
    # dataset has no districts table, so no district view)
    assert [c for c in calls if c[2] is not None] == [
        ("time_in_care_ceased", 2, "age_at_entry_band")
    ]


def test_failing_measure_is_unavailable_without_leaking_its_message(tiny, break_indicator):
    break_indicator("pct_foster_care", ValueError("child WS100001 has a bad row"))
    # the failure is told to the analyst as a warning, not only written on the card
    with pytest.warns(IndicatorFailedWarning, match="pct_foster_care") as caught:
        card = build_scorecard(tiny, quarter="2024-25 Q4")
    assert len(caught) == 1 and "WS100001" not in str(caught[0].message)
    status = row(card, "pct_foster_care")["status"]
    assert "ValueError" in status and "WS100001" not in status
    assert row(card, "cla_count")["value"] == 3


def test_on_large_data_the_card_is_computed_side_by_side_and_the_same(
    sample_scorecard, monkeypatch
):
    """Pooled data computes the card's indicators in threads: the same rows, trends and
    district view as one after another (the sample made "large"; a fresh load, so the
    threads build the building blocks)."""
    from scorecard import engine

    monkeypatch.setattr(engine, "LARGE_ROWS", 1)
    monkeypatch.setenv("SCORECARD_THREADS", "3")
    ds = sc.load_dataset()
    assert engine.is_large(ds)
    spread = build_scorecard(ds)
    pd.testing.assert_frame_equal(spread.frame, sample_scorecard.frame, check_exact=True)
    pd.testing.assert_frame_equal(spread.history, sample_scorecard.history, check_exact=True)
    pd.testing.assert_frame_equal(spread.districts, sample_scorecard.districts, check_exact=True)
    assert spread.districts["indicator"].nunique() >= 3


def test_a_failure_in_a_thread_is_told_as_in_one(tiny, break_indicator, monkeypatch):
    """Side by side, a broken indicator is still a status and one warning, and the rest
    are computed."""
    from scorecard import engine

    monkeypatch.setattr(engine, "LARGE_ROWS", 1)
    monkeypatch.setenv("SCORECARD_THREADS", "2")
    break_indicator("pct_foster_care", ValueError("child WS100001 has a bad row"))
    with pytest.warns(IndicatorFailedWarning, match="pct_foster_care") as caught:
        card = build_scorecard(tiny, quarter="2024-25 Q4")
    assert len(caught) == 1
    assert "ValueError" in row(card, "pct_foster_care")["status"]
    assert row(card, "cla_count")["value"] == 3


def test_rag_target_and_direction_from_bands(card):
    # pct_foster_care 66.7%: high is good, green 72, amber 68 -> red; target 72
    r = row(card, "pct_foster_care")
    assert r["rag"] == "red"
    assert r["target"] == 72
    # pct_residential 33.3% (K2): low is good, green 14, amber 17 -> red
    assert row(card, "pct_residential")["rag"] == "red"
    # 3+ placements 0 of 3: low is good, green 10 -> green
    assert row(card, "placement_stability_short")["rag"] == "green"
    # neutral indicators are never banded
    assert row(card, "cla_count")["rag"] is None
    # foster care 2 of 3 both a quarter and a year before: no change, change 0
    assert row(card, "pct_foster_care")["change_year"] == pytest.approx(0)
    assert row(card, "pct_foster_care")["dot_year"] == "no change"
    assert row(card, "pct_foster_care")["dot_quarter"] in ("no change", "no significant change")
    assert card.counts["red"] >= 2 and card.counts["green"] >= 1


def test_with_commentary_returns_a_new_scorecard(card):
    noted = card.with_commentary({"cla_count": "Stable numbers."})
    assert row(noted, "cla_count")["commentary"] == "Stable numbers."
    assert row(card, "cla_count")["commentary"] == ""
    with pytest.raises(KeyError, match="not on this scorecard"):
        card.with_commentary({"no_such_indicator": "x"})
    with pytest.raises(AttributeError):
        card.la_name = "Elsewhere"  # type: ignore[misc]
    f = card.frame
    f.loc[0, "title"] = "changed"
    assert card.frame.loc[0, "title"] != "changed"


def test_any_date_not_only_quarter_ends(tiny):
    card = build_scorecard(tiny, quarter="15/02/2025", trend_quarters=4)
    assert card.quarter == "at 15 February 2025"
    assert list(card.quarter_ends) == [
        pd.Timestamp("2024-05-15"),
        pd.Timestamp("2024-08-15"),
        pd.Timestamp("2024-11-15"),
        pd.Timestamp("2025-02-15"),
    ]
    annual = {i.id for i in card.catalogue if i.frequency == "annual"}
    assert all(
        len(t) == 4 for i, t in zip(card.frame["indicator"], card.frame["trend"]) if i not in annual
    )
    # the change on the year is still worked out although the trend shows only 4 quarters:
    # 3 children at 15/02/2025 and at 15/02/2024 (WS100003 came in on 15/01/2024), so 0
    r = row(card, "cla_count")
    assert r["value"] == 3
    assert r["change_year"] == pytest.approx(0)  # NaN if the year-ago date were not computed


# ----------------------------------------------------------------------------- benchmarks


def fake_compare(monkeypatch: pytest.MonkeyPatch, calls: list) -> None:
    """The builder's scorecard.benchmark.compare replaced by fixed comparators, recording its
    calls (the comparators themselves are tested in test_compare.py)."""

    def compare(benchmarks, la, year, neighbours, indicators=None, sn_stat="mean", **kwargs):
        calls.append((la, year, tuple(indicators or ())))
        rows = []
        for name in indicators or []:
            v = benchmarks.loc[
                (benchmarks["indicator"] == name) & (benchmarks["year"] == year), "value"
            ]
            rows.append(
                {
                    "indicator": name,
                    "la_value": float(v.iloc[0]),
                    "england": 71.0,
                    "region": 70.0,
                    "sn_value": 69.5,
                    "sn_count": 10,
                    "q1": 60.0,
                    "median": 70.0,
                    "q3": 75.0,
                    "quartile_band": "B",
                    "rank": 40,
                    "n_las": 152,
                    "best_value": 88.0,
                    "best_la": "Somewhere",
                    "best_neighbour_value": 80.0,
                    "gap_to_best": -20.0,
                }
            )
        return pd.DataFrame(rows)

    monkeypatch.setattr(builder, "compare", compare)


def test_comparators_from_latest_published_year_up_to_the_quarter(tiny, monkeypatch):
    calls: list = []
    fake_compare(monkeypatch, calls)
    # LACStable_2016on (3+ placements) published for 2024, 2025 and (later) 2026
    bench = pd.DataFrame(
        {
            "indicator": ["LACStable_2016on"] * 3 + ["CareLeaversNEET"],
            "year": [2024, 2025, 2026, 2023],
            "la_code": ["650"] * 4,
            "la_name": ["Wealdshire"] * 4,
            "value": [9.0, 10.0, 11.0, 40.0],
        }
    )
    card = build_scorecard(tiny, quarter="2024-25 Q4", benchmarks=bench, neighbours=None, la="650")
    # 2024-25 ends in March 2025: the 2025 figures are the latest not after it
    r = row(card, "placement_stability_short")
    assert r["benchmark_year"] == "2024-25"
    assert (r["sn_value"], r["england"], r["quartile_band"]) == (69.5, 71.0, "B")
    assert r["best_value"] == 88.0 and r["best_la"] == "Somewhere"
    assert row(card, "care_leavers_neet_19_21")["benchmark_year"] == "2022-23"
    assert card.la_name == "Wealdshire"
    years = [year for _, year, _ in calls]
    # the card's comparators: one compare() per year, never 2026 (after the quarter's year);
    # the trend charts' published series add the years in the trend's span (2024)
    assert {2025, 2023} <= set(years) and 2026 not in years
    # an indicator with no LAIT mapping has blank comparators
    assert np.isnan(row(card, "pct_foster_care")["sn_value"])
    assert "2024-25" in card.benchmark_note


def test_benchmark_mode_rag_uses_the_sn_average(tiny, monkeypatch):
    calls: list = []
    fake_compare(monkeypatch, calls)
    import scorecard.engine as engine

    real = engine.compute

    def with_distance(ind, ds, at=None, by=None, **kw):
        if getattr(ind, "id", ind) == "pct_placed_over_20_miles":
            ats = sc.periods.parse_at(at)
            # 70 of 100 placed over 20 miles: 70% against an SN average of 69.5 (low is
            # good, tolerance 2): worse than the average but within 2 points -> amber
            return pd.DataFrame(
                {
                    "indicator": "pct_placed_over_20_miles",
                    "period_end": ats,
                    "numerator": 70.0,
                    "denominator": 100.0,
                    "value": 70.0,
                    "note": pd.Series([pd.NA] * len(ats), dtype="string"),
                }
            )
        return real(ind, ds, at=at, by=by, **kw)

    monkeypatch.setattr(engine, "compute", with_distance)
    bench = pd.DataFrame(
        {
            "indicator": ["LACDistance"],
            "year": ["2024-25"],
            "la_code": ["650"],
            "la_name": ["Wealdshire"],
            "value": [70.0],
        }
    )
    card = build_scorecard(tiny, quarter="2024-25 Q4", benchmarks=bench, la="650")
    r = row(card, "pct_placed_over_20_miles")
    assert r["sn_value"] == 69.5
    assert r["rag"] == "amber"


def test_no_benchmarks_leaves_comparators_blank(card):
    f = card.frame
    assert f["sn_value"].isna().all() and f["england"].isna().all()
    assert card.benchmark_note


@pytest.mark.slow
def test_bundled_sample_scorecard(sample_scorecard):
    card = sample_scorecard
    f = card.frame
    assert card.la_name == "Wealdshire" and card.la_code == "650"
    assert f["value"].notna().sum() >= len(f) - 2
    assert all(len(t) in (5, 8) for t in f["trend"])
    # the bundled synthetic LAIT panel gives comparators for the mapped indicators
    r = f.set_index("indicator").loc["placement_stability_short"]
    assert r["benchmark_year"] == "2024-25"
    assert not np.isnan(r["sn_value"]) and not np.isnan(r["england"])
    assert r["quartile_band"] in ("A", "B", "C", "D")
    assert f["rag"].isin(["red", "amber", "green"]).sum() >= 15


def test_a_medians_spread_from_the_order_statistics_around_it():
    # 1..9: c = rint(5 - 1.96 x sqrt(9/4)) = rint(2.06) = 2, so the 95% interval runs from
    # the 2nd to the 8th value (2 to 8): se = (8 - 2) / (2 x 1.96) = 1.531, x sqrt(9) = 4.592
    got = builder._median_spread(pd.Series(range(1, 10), dtype="float64"))
    assert got == pytest.approx(6 / (2 * 1.959963984540054) * 3)
    assert np.isnan(builder._median_spread(pd.Series([1.0, 2.0])))


def test_means_and_medians_on_the_card_are_tested_on_their_spread(sample_scorecard):
    # the sample's leavers: mean 806 days (+52 on the year) and median 563 (+45) among 760
    # children whose days spread by about 700: neither is a change a member should act on;
    # the relative rule alone called the median "up" and Attainment 8 (+1.7 points among
    # 111 pupils) "improving"
    f = sample_scorecard.frame.set_index("indicator")
    for ind in ("time_in_care_ceased", "time_in_care_ceased_median", "attainment_cla_att8"):
        assert f.loc[ind, "dot_year"] == "no significant change", ind
    spread = builder.with_spread(
        sample_scorecard.history,
        [sample_scorecard.catalogue.get("time_in_care_ceased")],
        sc.load_dataset(),
        sample_scorecard.catalogue,
        sample_scorecard.period_end,
    )
    sd = spread.loc[spread["indicator"] == "time_in_care_ceased"].dropna(subset="sd")
    assert len(sd) == 3 and (sd["sd"] > 100).all()  # now, a quarter and a year before


def test_ks4_comparators_are_labelled_with_their_academic_year(sample_scorecard):
    # the education rows compare '2024/25 on 2023/24': their published figures are of the
    # academic year 2024/25 too, while the others are of the financial year 2024-25
    f = sample_scorecard.frame.set_index("indicator")
    assert f.loc["attainment_cla_att8", "benchmark_year"] == "2024/25"
    assert f.loc["placement_stability_short", "benchmark_year"] == "2024-25"
    assert "(2024-25; academic year 2024/25 for KS4)" in sample_scorecard.benchmark_note
    assert sc.load_catalogue().get("attainment_gap_em94").academic_year
    assert not sc.load_catalogue().get("care_leavers_neet_19_21").academic_year


def test_ks4_comparators_are_of_the_academic_year_of_the_value(sample_dataset):
    # at 31/12/2024 the KS4 value is of 2023/24 (the 31 March in the window is 31/03/2024):
    # it was ranked among, and labelled with, 2024/25's published results (the financial
    # year's); the other rows keep 2024-25
    card = sc.build_scorecard(sample_dataset, quarter="2024-25 Q3")
    f = card.frame.set_index("indicator")
    assert f.loc["attainment_cla_att8", "benchmark_year"] == "2023/24"
    assert f.loc["placement_stability_short", "benchmark_year"] == "2024-25"
    assert "(2024-25; academic year 2023/24 for KS4)" in card.benchmark_note


def _history(rows: list[tuple[str, str, float, float, float, str | None]]) -> pd.DataFrame:
    cols = ["indicator", "period_end", "numerator", "denominator", "value", "note"]
    out = pd.DataFrame(rows, columns=cols)
    out["period_end"] = pd.to_datetime(out["period_end"]).astype("datetime64[ns]")
    out["note"] = out["note"].astype("string")
    return out


def test_the_change_is_that_of_the_values_as_shown():
    # 3+ placements 10.46% (a quarter before) and 9.73% now: the card shows 10.5% and 9.7%,
    # so the change it prints is -0.8 pts, not the -0.73 (shown -0.7) of the figures; a year
    # before 9.68% shows as 9.7%: no change as shown, though on 10 million children the
    # counts' test finds +0.05 pts significant ('worsening')
    cat = sc.load_catalogue()
    n = 10_000_000
    history = _history(
        [
            ("placement_stability_short", "2024-03-31", 968_000, n, 9.68, None),
            ("placement_stability_short", "2024-12-31", 1_046_000, n, 10.46, None),
            ("placement_stability_short", "2025-03-31", 973_000, n, 9.73, None),
        ]
    )
    frame = pd.DataFrame({"indicator": ["placement_stability_short"]})
    got = builder.add_direction(frame, history, cat, pd.Timestamp("2025-03-31")).iloc[0]
    assert got["change_quarter"] == -0.8 and got["dot_quarter"] == "improving"
    assert got["change_year"] == 0.0 and got["dot_year"] == "no change"
    # on 1,000 children the same +0.05 is 'no significant change': as shown, 'no change'
    small = history.assign(numerator=history["numerator"] / 10_000, denominator=1000)
    got = builder.add_direction(frame, small, cat, pd.Timestamp("2025-03-31")).iloc[0]
    assert got["change_year"] == 0.0 and got["dot_year"] == "no change"


def test_a_change_between_two_shown_values_is_exact():
    # 3+ placements 20.45% a quarter before, shown 20.5% (as LAIT shows it; 20.45 is stored
    # 20.4499...), and 20.4% now: the change printed is -0.1 pts, not 0.0 ('no change') nor
    # -0.0999...; on 10,000 children not a significant one
    cat = sc.load_catalogue()
    history = _history(
        [
            ("placement_stability_short", "2024-12-31", 2045, 10_000, 20.45, None),
            ("placement_stability_short", "2025-03-31", 2040, 10_000, 20.4, None),
        ]
    )
    frame = pd.DataFrame({"indicator": ["placement_stability_short"]})
    got = builder.add_direction(frame, history, cat, pd.Timestamp("2025-03-31")).iloc[0]
    assert repr(float(got["change_quarter"])) == "-0.1"
    assert got["dot_quarter"] == "no significant change"


@pytest.mark.parametrize(("bound", "called"), [(60, False), (5, True)])
def test_no_direction_between_figures_that_are_largely_lower_bounds(bound: int, called: bool):
    # a figure with 60 of 100 children's days counted from the data's start rises by itself
    # each quarter: its change is not called; 5 of 100 (the 5% allowed) still is
    cat = sc.load_catalogue()
    note = LOWER_BOUND.format(n=bound, den=100, since=" (01/04/2023)")
    history = _history(
        [
            ("time_in_care_current", "2024-03-31", 40_000, 100, 400.0, note),
            ("time_in_care_current", "2024-12-31", 50_000, 100, 500.0, note),
            ("time_in_care_current", "2025-03-31", 60_000, 100, 600.0, note),
        ]
    ).assign(sd=1.0)
    frame = pd.DataFrame({"indicator": ["time_in_care_current"]})
    got = builder.add_direction(frame, history, cat, pd.Timestamp("2025-03-31")).iloc[0]
    if called:
        assert got["dot_year"] == "up" and got["change_year"] == 200
    else:
        assert got["dot_year"] == got["dot_quarter"] == builder.LOWER_BOUNDS_NOT_COMPARED
        assert np.isnan(got["change_year"]) and np.isnan(got["change_quarter"])


def test_the_spread_is_taken_at_the_dates_the_direction_compares(sample_dataset):
    # a card on 15 March compares 15 December and 15 March a year before (bands.shift_back),
    # not the month ends: the spread must be at those very dates or it is never used
    cat = sc.load_catalogue()
    items = [cat.get("time_in_care_ceased")]
    at = pd.Timestamp("2025-03-15")
    history = builder.compute_history(items, sample_dataset, builder.trend_dates(at, 8), cat).frame
    got = builder.with_spread(history, items, sample_dataset, cat, at).dropna(subset="sd")
    assert sorted(got["period_end"].dt.strftime("%Y-%m-%d")) == [
        "2024-03-15",
        "2024-12-15",
        "2025-03-15",
    ]


def test_time_in_care_by_age_at_entry():
    # two children left care in 2024-25: WS400001 (born 10/03/2020) came in on 01/01/2024
    # aged 3 (band '1 to 4') and left on 04/02/2025 after 400 days (366 in 2024, then 34);
    # WS400002 (born 01/06/2011) came in on 01/06/2024 aged 13 ('10 to 15') and left on
    # 09/09/2024 after 100 days
    header = pd.DataFrame(
        {"CHILD": ["WS400001", "WS400002"], "SEX": ["1", "2"], "DOB": ["10/03/2020", "01/06/2011"]}
    )
    episodes = pd.DataFrame(
        {
            "CHILD": ["WS400001", "WS400002"],
            "DECOM": ["01/01/2024", "01/06/2024"],
            "RNE": ["S", "S"],
            "LS": ["C2", "V2"],
            "PLACE": ["U1", "U1"],
            "DEC": ["04/02/2025", "09/09/2024"],
            "REC": ["E41", "E13"],
        }
    )
    ds = sc.Dataset.from_frames(header=header, episodes=episodes)
    card = build_scorecard(ds, quarter="2024-25 Q4")
    t = card.by_age
    now = t[t["period_end"] == pd.Timestamp("2025-03-31")].set_index("age_at_entry")
    assert set(t["period_end"]) == {pd.Timestamp("2024-03-31"), pd.Timestamp("2025-03-31")}
    assert now.loc["1 to 4", "denominator"] == 1
    assert now.loc["10 to 15", "denominator"] == 1
    assert now.loc["1 to 4", "value"] == pytest.approx(400, abs=1)
    assert now.loc["10 to 15", "value"] == pytest.approx(100, abs=1)
    assert "Time in care by age at entry" in card.html()
    # for publication, one child per age band is withheld
    pub = build_scorecard(ds, quarter="2024-25 Q4", publish=True).by_age
    pub_now = pub[pub["period_end"] == pd.Timestamp("2025-03-31")].set_index("age_at_entry")
    assert pub_now.loc["1 to 4", "value"] == "c" and pub_now.loc["1 to 4", "denominator"] == "c"


def test_time_in_care_by_age_says_a_year_the_data_cannot_support():
    # a single 2024-25 return: the year to 31/03/2024 needs data from 01/04/2023, so its
    # bands have no figure; they showed 0 children who left, beside 'no value' on the card
    header = pd.DataFrame({"CHILD": ["A"], "SEX": ["1"], "DOB": ["10/03/2015"]})
    episodes = pd.DataFrame(
        {
            "CHILD": ["A"],
            "DECOM": ["01/05/2024"],
            "RNE": ["S"],
            "LS": ["C2"],
            "PLACE": ["U1"],
            "DEC": ["01/08/2024"],
            "REC": ["E13"],
        }
    )
    ds = sc.Dataset.from_frames(header=header, episodes=episodes)
    cov = Coverage(pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-31"), basis="a return")
    ds = dataclasses.replace(ds, coverage={"episodes": cov, "header": cov}, _cache={})
    card = build_scorecard(ds, quarter="2024-25 Q4")
    t = card.by_age
    before = t[t["period_end"] == pd.Timestamp("2024-03-31")]
    assert len(before) == 5 and before["denominator"].isna().all()
    assert before["value"].isna().all()
    why = "not available: needs data from 01/04/2023; the data starts 01/04/2024"
    assert (before["note"] == why).all()
    now = t[t["period_end"] == pd.Timestamp("2025-03-31")].set_index("age_at_entry")
    assert now.loc["5 to 9", "denominator"] == 1 and now.loc["5 to 9", "value"] == 92
    assert now.loc["under 1", "denominator"] == 0  # a year with a figure: none in the band
    page = html.unescape(card.html(charts=False))
    assert f"Year to March 2024: {why}." in page


def test_lower_bounds_are_marked_wherever_their_days_are_shown():
    # a 2024-25 return: B came into care before it (RNE P on 01/05/2023, its first episode in
    # the data), so its days so far are counted from 01/04/2024 and every figure of time in
    # care so far is a lower bound: the value said '≥', its sparkline, Trend sheet and
    # district cells did not
    header = pd.DataFrame({"CHILD": ["A", "B"], "SEX": ["1", "2"], "DOB": ["10/03/2015"] * 2})
    episodes = pd.DataFrame(
        {
            "CHILD": ["A", "B"],
            "DECOM": ["01/05/2024", "01/05/2023"],
            "RNE": ["S", "P"],
            "LS": ["C2", "C2"],
            "PLACE": ["U1", "U1"],
            "DEC": [None, None],
            "REC": [None, None],
            "HOME_POST": ["ME14 1AA", "ME14 2BB"],
        }
    )
    districts = pd.DataFrame({"POSTCODE_DISTRICT": ["ME14"], "DISTRICT": ["Maidstone"]})
    ds = sc.Dataset.from_frames(header=header, episodes=episodes, districts=districts)
    cov = Coverage(pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-31"), basis="a return")
    ds = dataclasses.replace(ds, coverage=dict.fromkeys(ds.tables, cov), _cache={})
    card = build_scorecard(ds, quarter="2024-25 Q4")
    # the four quarter ends before the return have no figure; the four in it are bounds
    assert card.trend_lower_bounds("time_in_care_current") == [False] * 4 + [True] * 4
    assert card.trend_lower_bounds("cla_count") == [False] * 8
    page = html.unescape(card.html(charts=False))
    assert "2024-25 Q4 ≥ " in page and "2024-25 Q1 ≥ " in page  # the sparkline's label
    far = card.districts.set_index(["indicator", "district"])
    assert far.loc[("time_in_care_current", "Maidstone"), "lower_bound"]
    assert not far.loc[("cla_count", "Maidstone"), "lower_bound"]
    book = load(card.excel_bytes())
    formats = {
        sheet: [c.number_format for row in book[sheet].iter_rows() for c in row]
        for sheet in ("Trend", "Districts")
    }
    assert sum(f.startswith('"≥ "') for f in formats["Trend"]) == 4
    assert sum(f.startswith('"≥ "') for f in formats["Districts"]) == 1


@pytest.fixture(scope="module")
def sample_panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bundled synthetic LAIT panel and neighbour list (Wealdshire is LA 650)."""
    from scorecard.inputs import bundled_sample_path

    lait, sn = builder.sample_benchmark_paths(bundled_sample_path())
    if lait is None or sn is None:
        pytest.skip("the bundled sample has no benchmark panel (python -m scorecard.sample)")
    return sc.load_benchmarks(lait), sc.load_neighbours(sn)


def test_la_without_neighbours_gets_comparators_without_the_sn_average(tiny, sample_panel):
    panel, sn = sample_panel
    others = sn[sn["la_code"] != "650"]  # a neighbour list that does not list Wealdshire
    card = build_scorecard(
        tiny, quarter="2024-25 Q4", benchmarks=panel, neighbours=others, la="650"
    )
    r = row(card, "placement_stability_short")
    assert np.isnan(r["sn_value"])  # no neighbours: no SN average ...
    assert not np.isnan(r["england"]) and r["quartile_band"] in ("A", "B", "C", "D")  # ... rest
    assert "No statistical-neighbour list was available for LA 650" in card.benchmark_note


def test_la_missing_from_the_benchmarks_is_said_not_hidden(tiny, sample_panel):
    panel, sn = sample_panel
    # Kent is an English LA (bundled list) but not in the synthetic panel
    card = build_scorecard(tiny, quarter="2024-25 Q4", benchmarks=panel, neighbours=sn, la="886")
    assert card.frame["england"].isna().all()
    assert (
        card.benchmark_note == "LA 886 is not in the benchmark data, so no comparators are shown."
    )


def test_children_without_an_iro_are_said_on_the_caseload_rows():
    # A, B and C looked after on 31/03/2025; A and B have a looked-after case, C none; D's
    # case is still open though D left care in 2024: 1 child without an IRO, 1 stale case
    episodes = pd.DataFrame(
        [
            ("A", "01/01/2024", "S", "C2", "U1", None, None),
            ("B", "01/01/2024", "S", "C2", "U1", None, None),
            ("C", "01/01/2024", "S", "C2", "U1", None, None),
            ("D", "01/01/2023", "S", "C2", "U1", "01/06/2024", "E13"),
        ],
        columns=["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"],
    )
    allocations = pd.DataFrame(
        {
            "IRO_ID": ["I1", "I1", "I1", "I1"],
            "CHILD": ["A", "B", "D", "E"],
            "CASE_TYPE": ["CLA", "CLA", "CLA", "CP"],  # E: child protection, not counted
            "START": ["01/01/2024"] * 4,
            "END": [None] * 4,
        }
    )
    staff = pd.DataFrame({"IRO_ID": ["I1"], "FTE": ["1.0"], "START": ["01/01/2020"], "END": [None]})
    ds = sc.Dataset.from_frames(episodes=episodes, iro_allocations=allocations, iro_staff=staff)
    cat = sc.load_catalogue()
    frame = pd.DataFrame(
        {"indicator": ["cla_count", "iro_caseload"], "value": [3.0, 3.0], "caveat": ["", ""]}
    )
    got = builder.add_iro_check(frame, ds, cat, pd.Timestamp("2025-03-31"))
    assert got["caveat"].tolist() == [
        "",
        "children looked after on 31/03/2025 with no IRO case in the IRO allocations: 1 of the "
        "3 (every child looked after should have an IRO); looked-after cases of children not "
        "looked after then: 1",
    ]
    # worded alike for 1 and 2 missing: published, 'c of the c' gives neither away
    from scorecard.report.privacy import suppress_text

    two = sc.Dataset.from_frames(
        episodes=episodes, iro_allocations=allocations.iloc[1:], iro_staff=staff
    )
    again = builder.add_iro_check(frame, two, cat, pd.Timestamp("2025-03-31"))["caveat"][1]
    assert again.startswith("children looked after on 31/03/2025 with no IRO case in ")
    assert ": 2 of the 3 " in again
    assert suppress_text(again, 5) == suppress_text(got["caveat"][1], 5)
    # all matched: nothing said
    matched = sc.Dataset.from_frames(
        episodes=episodes.iloc[:2], iro_allocations=allocations.iloc[:2], iro_staff=staff
    )
    assert builder.add_iro_check(frame, matched, cat, pd.Timestamp("2025-03-31")).equals(frame)
