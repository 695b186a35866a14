"""Fast paths: a measure's figure computed without a unit frame equals its units summarised,
to the last bit, on pooled data (two authorities from the seeded generator) and on the
bundled sample, in total and by LA, for every catalogue indicator whose measure has one."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable

import pandas as pd
import pytest

import scorecard as sc
from scorecard.periods import parse_at
from scorecard.registry import registry
from scorecard.sample import generate

CATALOGUE = sc.load_catalogue()
FAST = [ind.id for ind in CATALOGUE if registry[ind.measure].fast is not None]
# 8 quarter ends, and one before the pooled data's children are looked after
AT = parse_at(["2010-03-31", *pd.date_range("2023-06-30", "2025-03-31", freq="QE")])


@functools.cache
def pooled() -> sc.Dataset:
    """Two authorities' tables from the seeded generator, built once; the first 200 children
    have no header row, so their LA is blank by LA (as `care.children` has it)."""
    tables = generate(7, n_las=2)
    tables["header"] = tables["header"].iloc[200:]
    return sc.Dataset.from_frames(**tables)


def with_warnings(figure: Callable[[], pd.DataFrame]) -> tuple[pd.DataFrame, list[str]]:
    """The figure and the warnings it gave (a rate at a date before any population estimate
    warns that it is blank there, by either path)."""
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        out = figure()
    return out, [str(w.message) for w in said]


def assert_same(indicator: str, ds: sc.Dataset, by: list[str]) -> pd.DataFrame:
    """The fast figure, checked against the units summarised: same frame, same warnings."""
    ind = CATALOGUE.get(indicator)
    measure = registry[ind.measure]
    params = measure.params(ind.params)
    assert measure.is_fast(by)
    got, said = with_warnings(lambda: measure(ds, AT, by, params))
    want, want_said = with_warnings(lambda: measure.from_units(ds, AT, by, params))
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert said == want_said
    return got


def test_the_catalogue_has_fast_paths() -> None:
    # the rates of children looked after, the share placed far from home, the IRO
    # caseloads, the care leavers and the re-referrals at least
    fast = {"cla_rate_per_10k", "pct_placed_over_20_miles", "iro_caseload", "re_referral_rate"}
    assert fast | {"care_leavers_neet_19_21"} <= set(FAST)


@pytest.mark.parametrize("by", [[], ["LA"]])
@pytest.mark.parametrize("indicator", FAST)
def test_pooled_figure_equals_its_units_summarised(indicator: str, by: list[str]) -> None:
    got = assert_same(indicator, pooled(), by)
    # the figure has children (or cases) in it at the later dates, by each LA asked for
    assert got.loc[got["period_end"] == AT[-1], "numerator"].sum() > 0
    if by:
        assert set(got["LA"].dropna()) == {"650", "601"}


def test_children_without_a_header_row_are_a_blank_la() -> None:
    got = assert_same("pct_placed_over_20_miles", pooled(), ["LA"])
    assert got["LA"].isna().any() and got.loc[got["LA"].isna(), "denominator"].gt(0).all()


def test_re_referrals_by_a_referral_column_and_la() -> None:
    # labels as the units give them: the LA as plain strings, a referral column categorical
    got = assert_same("re_referral_rate", pooled(), ["LA", "ReferralSource"])
    assert str(got["LA"].dtype) == "str" and str(got["ReferralSource"].dtype) == "category"


@pytest.mark.parametrize("indicator", FAST)
def test_sample_figure_equals_its_units_summarised(
    sample_dataset: sc.Dataset, indicator: str
) -> None:
    assert_same(indicator, sample_dataset, [])
