"""The generic compute API (SPEC section 12): reference date forms, errors and the output shape."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard import engine
from scorecard.breakdowns import BreakdownError
from scorecard.catalogue import Indicator
from scorecard.engine import compute_each
from scorecard.registry import registry

COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"]


@functools.cache
def small_ds(with_population: bool = True) -> sc.Dataset:
    """Three children; built once (datasets are immutable, their cache is safe to share)."""
    episodes = pd.DataFrame(
        [
            ("A", "01/04/2023", "S", "C2", "U1", None, None),  # looked after from 01/04/2023
            ("B", "01/10/2024", "S", "C2", "U1", "01/02/2025", "E11"),  # in care 01/10-01/02
            ("C", "01/01/2025", "S", "C2", "U1", None, None),  # looked after from 01/01/2025
        ],
        columns=COLS,
    )
    header = pd.DataFrame(
        {"CHILD": ["A", "B", "C"], "SEX": ["1", "2", "2"], "DOB": ["01/01/2012"] * 3}
    )
    frames = {"episodes": episodes, "header": header}
    if with_population:
        frames["population"] = pd.DataFrame(
            {"MID_YEAR": ["2023", "2024"], "POP_0_17": ["8000", "10000"]}
        )
    return sc.Dataset.from_frames(**frames)


@pytest.mark.parametrize(
    "at",
    [
        dt.date(2025, 3, 31),
        dt.datetime(2025, 3, 31, 15, 30),
        pd.Timestamp("2025-03-31"),
        np.datetime64("2025-03-31"),
        "2025-03-31",
        "31/03/2025",
        "2024-25 Q4",
        ["2024-25 Q4"],
        "2024-25",  # a financial year: its 31 March
        "31 March 2025",
        "2025-03-31T09:30",
        pd.Period("2025-03", freq="M"),  # a period: its last day
        pd.Period("2025Q4", freq="Q-MAR"),
    ],
)
def test_at_forms_give_the_same_row(at: object) -> None:
    out = sc.compute("cla_count", small_ds(), at=at)
    # at 31/03/2025: A and C looked after (B left 01/02/2025)
    assert len(out) == 1 and out["value"].item() == 2
    assert out["period_end"].item() == pd.Timestamp("2025-03-31")


def test_list_of_dates_sorted_unique_and_mixed_forms() -> None:
    out = sc.compute("cla_count", small_ds(), at=["2024-25 Q4", "31/12/2024", "2025-03-31"])
    # 31/12/2024: A and B; 31/03/2025: A and C; the duplicate 31 March appears once
    assert out["period_end"].tolist() == [pd.Timestamp("2024-12-31"), pd.Timestamp("2025-03-31")]
    assert out["value"].tolist() == [2, 2]


@pytest.mark.parametrize("bad", ["2025-13-01", "next quarter", "2024-26 Q4", 20250331, []])
def test_bad_at_lists_the_accepted_forms(bad: object) -> None:
    with pytest.raises(sc.ReferenceDateError) as err:
        sc.compute("cla_count", small_ds(), at=bad)
    text = str(err.value)
    if isinstance(bad, str) and "Q" not in bad:
        assert "2024-25 Q4" in text and "dd/mm/YYYY" in text and "2025-03-31" in text


def test_bad_at_message_names_every_form() -> None:
    with pytest.raises(sc.ReferenceDateError) as err:
        sc.compute("cla_count", small_ds(), at="tomorrow")
    text = str(err.value)
    assert "'tomorrow'" in text
    for form in ("date", "Timestamp", "2025-03-31", "31/03/2025", "2024-25 Q4", "list"):
        assert form in text


def test_unknown_indicator_lists_close_matches() -> None:
    with pytest.raises(KeyError) as err:
        sc.compute("cla_cont", small_ds(), at="2025-03-31")
    assert "cla_count" in str(err.value) and "Did you mean" in str(err.value)
    with pytest.raises(KeyError, match="time_in_care_ceased"):
        sc.compute("time_in_care_ceasd", small_ds(), at="2025-03-31")


def test_missing_table_names_table_and_indicator() -> None:
    ds = small_ds(with_population=False)
    with pytest.raises(sc.MissingTableError) as err:
        sc.compute("cla_rate_per_10k", ds, at="2025-03-31")
    text = str(err.value)
    assert "cla_rate_per_10k" in text and "population" in text
    # compute_many carries on and reports it
    frame, problems = sc.compute_many(
        ds, "2025-03-31", indicators=["cla_count", "cla_rate_per_10k", "attainment_gap_att8"]
    )
    assert set(frame["indicator"]) == {"cla_count"}
    assert "population" in problems["cla_rate_per_10k"]
    assert "ks4_all" in problems["attainment_gap_att8"]


def test_impossible_breakdown_says_so() -> None:
    ds = small_ds()
    with pytest.raises(BreakdownError, match=r"cla_rate_per_10k cannot be broken down by 'sex'"):
        sc.compute("cla_rate_per_10k", ds, at="2025-03-31", by="sex")
    with pytest.raises(BreakdownError, match="'shoe_size'"):
        sc.compute("cla_count", ds, at="2025-03-31", by="shoe_size")
    # LA on a single authority's data: no LA column to break down by
    with pytest.raises(BreakdownError, match="LA"):
        sc.compute("cla_count", ds, at="2025-03-31", by="LA")
    _, problems = sc.compute_many(ds, "2025-03-31", indicators=["cla_rate_per_10k"], by="sex")
    assert "cannot be broken down" in problems["cla_rate_per_10k"]


@pytest.mark.parametrize(
    ("written", "meant"), [("Sex", "sex"), ("AGE_BAND", "age_band"), ("distrct", "district")]
)
def test_a_breakdown_in_another_case_or_misspelt_says_which_was_meant(written, meant) -> None:
    with pytest.raises(BreakdownError, match=f"Did you mean '{meant}'"):
        sc.compute("cla_count", small_ds(), at="2025-03-31", by=written)
    with pytest.raises(BreakdownError) as err:  # nothing close: no guess
        sc.compute("cla_count", small_ds(), at="2025-03-31", by="shoe_size")
    assert "Did you mean" not in str(err.value)


def test_output_columns_and_dtypes() -> None:
    ds = small_ds()
    plain = sc.compute("cla_rate_per_10k", ds, at="2025-03-31")
    cols = ["indicator", "period_end", "numerator", "denominator", "value", "note"]
    assert list(plain.columns) == cols
    by = sc.compute("time_in_care_current", ds, at=["2024-12-31", "2025-03-31"], by="sex")
    assert list(by.columns) == [*cols[:2], "sex", *cols[2:]]
    for frame in (plain, by):
        assert frame["period_end"].dtype == np.dtype("datetime64[ns]")
        for col in ("numerator", "denominator", "value"):
            assert frame[col].dtype == np.dtype("float64")
        assert (frame["indicator"] == frame["indicator"].iloc[0]).all()
        # nothing to say on these rows: the note is blank, as a string column
        assert frame["note"].dtype == "string" and frame["note"].isna().all()
    # 2 children at 31/03/2025 per 10,000 (mid-2024) = 2.0
    assert plain["value"].item() == 2.0 and plain["indicator"].item() == "cla_rate_per_10k"


INDICATORS_AND_BREAKDOWNS = [
    ("cla_count", None),
    ("cla_count", "sex"),
    ("cla_rate_per_10k", None),
    ("cla_started", "age_band"),
    ("cla_ceased", None),
    ("pct_leavers_adopted", None),
    ("time_in_care_ceased", "age_at_entry_band"),
    ("time_in_care_ceased_median", None),
    ("time_in_care_current", "age_at_entry_band"),
]


@pytest.mark.parametrize(("indicator", "by"), INDICATORS_AND_BREAKDOWNS)
def test_many_dates_equal_one_date_at_a_time(indicator: str, by: str | None) -> None:
    ds = small_ds()
    dates = sc.quarter_end("2024-25 Q1"), "2024-25 Q3", "2025-03-31", "2025-06-30"
    together = sc.compute(indicator, ds, at=list(dates), by=by)
    apart = pd.concat([sc.compute(indicator, ds, at=d, by=by) for d in dates], ignore_index=True)
    if by is not None:
        # a date without any unit has no breakdown rows, so its (empty) frame cannot carry
        # the categorical age bands: compare the labels
        together[by] = together[by].astype("str")
        apart[by] = apart[by].astype("str")
    pd.testing.assert_frame_equal(together, apart)
    if by is None:  # without a breakdown every date has its row, even with no children
        assert together["period_end"].nunique() == 4


def test_the_bundled_sample_computes() -> None:
    ds = sc.load_dataset()
    if "episodes" not in ds.tables:
        pytest.skip("the bundled sample has not been generated yet")
    out = sc.compute(
        "time_in_care_ceased", ds, at=["2024-03-31", "2025-03-31"], by="age_at_entry_band"
    )
    assert set(out["period_end"]) == {pd.Timestamp("2024-03-31"), pd.Timestamp("2025-03-31")}
    assert (out["denominator"] > 0).all() and (out["value"] >= 0).all()


@pytest.mark.parametrize(("indicator", "by"), INDICATORS_AND_BREAKDOWNS)
def test_compute_each_gives_what_compute_gives_view_by_view(indicator: str, by: str | None) -> None:
    ds = small_ds()
    dates = ["2024-06-30", "2024-12-31", "2025-03-31", "2025-06-30"]
    views = [(dates, None), ("2025-03-31", by), (dates[1:], by)]
    got = compute_each(indicator, ds, views)
    assert len(got) == len(views)
    for (at, view_by), frame in zip(views, got, strict=True):
        pd.testing.assert_frame_equal(frame, sc.compute(indicator, ds, at=at, by=view_by))


def test_compute_each_on_the_sample_as_the_card_asks(sample_dataset: sc.Dataset) -> None:
    """The card's trend (with a date before the data starts) and its district view at the
    quarter end, from one build of the units, equal two `compute` calls exactly."""
    ds = sample_dataset
    dates = ["2012-03-31", *pd.date_range("2023-03-31", "2025-03-31", freq="QE")]
    for ind in ("cla_count", "placement_stability_short", "care_leavers_neet_19_21"):
        views = [(dates, None), ("2025-03-31", "district")]
        trend, districts = compute_each(ind, ds, views)
        pd.testing.assert_frame_equal(trend, sc.compute(ind, ds, at=dates))
        pd.testing.assert_frame_equal(
            districts, sc.compute(ind, ds, at="2025-03-31", by="district")
        )
        assert trend["note"].iloc[0].startswith("not available")  # before the data starts
        assert districts["district"].nunique() > 1


@pytest.mark.parametrize(
    ("indicator", "by", "builds"),
    [
        # the fast path serves the trend (in total) but not the district view: one build
        # of the units serves both, as for a measure with no fast path
        ("care_leavers_neet_19_21", "district", 1),
        ("cla_count", "district", 1),
        # the fast path serves every view: no unit frame at all
        ("re_referral_rate", "ReferralSource", 0),
    ],
)
def test_compute_each_builds_units_once_unless_the_fast_path_serves_every_view(
    sample_dataset: sc.Dataset,
    monkeypatch: pytest.MonkeyPatch,
    indicator: str,
    by: str,
    builds: int,
) -> None:
    ind = sc.load_catalogue().get(indicator)
    measure = registry[ind.measure]
    calls = []

    def counted(*args: object, **kwargs: object) -> pd.DataFrame:
        calls.append(args[2])
        return measure.build(*args, **kwargs)

    monkeypatch.setitem(registry, ind.measure, dataclasses.replace(measure, build=counted))
    views = [(["2024-03-31", "2025-03-31"], None), ("2025-03-31", by)]
    got = compute_each(indicator, sample_dataset, views)
    assert len(calls) == builds
    monkeypatch.undo()
    for (at, by), frame in zip(views, got, strict=True):
        pd.testing.assert_frame_equal(frame, sc.compute(indicator, sample_dataset, at=at, by=by))


@pytest.mark.parametrize(
    "indicator",
    [
        "placement_stability_short",
        "time_in_care_ceased",
        "time_in_care_ceased_median",
        "attainment_gap_em94",
        "attainment_cla_att8",
    ],
)
def test_unit_values_give_back_the_figure(sample_dataset: sc.Dataset, indicator: str) -> None:
    # each unit's own value (100 or 0 for a share; days or points) averages, or for a median
    # has its median, at the figure itself; a date before the data starts is left out
    dates = ["2012-03-31", "2024-03-31", "2025-03-31"]
    got = engine.unit_values(indicator, sample_dataset, at=dates)
    # a gap's units are the cohort's pupils: their mean is the cohort's own figure
    own = indicator.replace("attainment_gap", "attainment_cla")
    figure = sc.compute(own, sample_dataset, at=dates[1:]).set_index("period_end")
    stat = "median" if indicator.endswith("median") else "mean"
    by_date = got.groupby("period_end")["value"].agg(stat)
    assert list(by_date.index) == list(figure.index)
    np.testing.assert_allclose(by_date.to_numpy(), figure["value"].to_numpy(), rtol=1e-12)


def test_one_view_and_its_unit_values_from_one_build(sample_dataset: sc.Dataset) -> None:
    # the attainment gap has its own aggregation (all pupils' figure less the cohort's):
    # built once for the trend and the spread's values, it gives compute's frame exactly
    dates = ["2022-03-31", "2023-03-31", "2024-03-31", "2025-03-31"]
    trend, values = compute_each(
        "attainment_gap_att8", sample_dataset, [(dates, None)], values_at=dates[-2:]
    )
    pd.testing.assert_frame_equal(
        trend, sc.compute("attainment_gap_att8", sample_dataset, at=dates)
    )
    alone = engine.unit_values("attainment_gap_att8", sample_dataset, at=dates[-2:])
    pd.testing.assert_frame_equal(values.reset_index(drop=True), alone)


def test_compute_each_raises_what_compute_raises(sample_dataset: sc.Dataset) -> None:
    ds = sample_dataset
    views = [("2025-03-31", None), ("2025-03-31", "shoe_size")]
    with pytest.raises(BreakdownError, match="shoe_size"):
        compute_each("cla_count", ds, views)
    with pytest.raises(sc.UnavailableError, match="the data starts 01/04/2015"):
        compute_each("cla_count", ds, [("2025-03-31", None), ("2010-03-31", "district")])


def test_compute_many_side_by_side_equals_one_after_another(
    monkeypatch: pytest.MonkeyPatch, sample_dataset: sc.Dataset
) -> None:
    # on large data the indicators are computed in threads; the stacked result and the
    # problems are those of computing them one after another (the sample made "large")
    at = ["2023-03-31", "2024-03-31", "2025-03-31"]
    monkeypatch.setenv("SCORECARD_THREADS", "1")
    alone, alone_problems = sc.compute_many(sample_dataset, at)
    monkeypatch.setattr(engine, "LARGE_ROWS", 1)
    monkeypatch.setenv("SCORECARD_THREADS", "3")
    fresh = sc.load_dataset()  # no building block cached yet: the threads build them
    assert engine.is_large(fresh)
    spread, spread_problems = sc.compute_many(fresh, at)
    pd.testing.assert_frame_equal(alone, spread, check_exact=True)
    assert alone_problems == spread_problems
    assert spread["indicator"].nunique() >= 25


def test_threads_take_one_indicator_of_each_table_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """`side_by_side` hands indicators to the threads by their first table in turn (so that
    two threads seldom wait for one building block) and gives the results in the order asked
    for. One thread shows the order the indicators were handed out in."""
    monkeypatch.setenv("SCORECARD_THREADS", "1")
    ids = [
        "cla_count",  # episodes
        "cla_started",  # episodes
        "re_referral_rate",  # referrals
        "iro_caseload",  # iro_allocations
        "care_leavers_neet_19_21",  # oc3
        "placement_stability_short",  # episodes
        "iro_caseload_weighted",  # iro_allocations
    ]
    items = [engine.resolve_indicator(i) for i in ids]
    handed: list[str] = []

    def fn(ind: Indicator) -> str:
        handed.append(ind.id)
        return ind.id.upper()

    assert engine.side_by_side(fn, items, worth=True) == [i.upper() for i in ids]
    assert handed == [
        "cla_count",
        "re_referral_rate",
        "iro_caseload",
        "care_leavers_neet_19_21",
        "cla_started",
        "iro_caseload_weighted",
        "placement_stability_short",
    ]
    handed.clear()  # not worth threads: one after another, as asked
    assert engine.side_by_side(fn, items, worth=False) == [i.upper() for i in ids]
    assert handed == ids


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda ds: sc.compute(ds, "cla_count", "2025-03-31"), "not a Dataset"),
        (lambda ds: sc.units(ds, "cla_count", "2025-03-31"), "not a Dataset"),
        (lambda ds: sc.compute(3, ds, "2025-03-31"), "not the int 3"),
        (lambda ds: sc.compute("cla_count", "data/sample", "2025-03-31"), "sc.load_dataset"),
        (lambda ds: sc.compute_many("2025-03-31", ds), "not the str '2025-03-31'"),
        (lambda ds: sc.compute("cla_count", dict(ds.tables), "2025-03-31"), "from_frames"),
    ],
)
def test_arguments_in_the_wrong_order_say_the_right_one(
    call: Callable[[sc.Dataset], object], error: str
) -> None:
    with pytest.raises(TypeError) as err:
        call(small_ds())
    assert error in str(err.value)
    assert "compute(indicator, ds, at)" in str(err.value)


def test_compute_many_takes_one_id_as_one_indicator() -> None:
    one, problems = sc.compute_many(small_ds(), "2025-03-31", "cla_count")
    listed, _ = sc.compute_many(small_ds(), "2025-03-31", ["cla_count"])
    assert problems == {} and list(one["indicator"]) == ["cla_count"]
    pd.testing.assert_frame_equal(one, listed)
