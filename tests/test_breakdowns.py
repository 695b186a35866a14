"""Breakdowns and the aggregation of unit rows (shared by every measure)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.breakdowns import (
    BreakdownError,
    add_breakdowns,
    counted_where,
    district_of,
    summarise,
)
from scorecard.care import child_key
from scorecard.inputs import dataset_from_frames
from scorecard.periods import parse_at
from scorecard.postcodes import outward_code, sector_code


def test_outward_code_forms() -> None:
    got = outward_code(pd.Series(["ME14 1XX", "me141xx", " CT1 2AB ", "ME14", None]))
    assert got.tolist()[:4] == ["ME14", "ME14", "CT1", "ME14"]
    assert pd.isna(got.iloc[4])


def test_sector_code_forms() -> None:
    got = sector_code(pd.Series(["ME14 1XX", "me141xx", " CT1  2AB ", "ME14", None]))
    assert got.tolist()[:3] == ["ME14 1", "ME14 1", "CT1 2"]
    assert got.iloc[3:].isna().all()


def test_summarise_percent_fills_missing_dates() -> None:
    at = parse_at(["2024-12-31", "2025-03-31"])
    units = pd.DataFrame(
        {"period_end": pd.to_datetime(["2025-03-31"] * 4), "num": [1, 0, 1, 1], "den": [1, 1, 1, 1]}
    )
    out = summarise(units, at, [], "percent")
    # 2024-12-31 has no unit: 0 of 0, value blank; 2025-03-31: 3 of 4 = 75%
    assert out["numerator"].tolist() == [0, 3]
    assert out["denominator"].tolist() == [0, 4]
    assert np.isnan(out["value"].iloc[0]) and out["value"].iloc[1] == 75.0


def test_a_share_counted_in_a_byte_sums_as_int64_columns() -> None:
    # counted_where: num a bool, den an int8 1; by date and by a breakdown, with a date
    # holding no unit, the same figures as 0/1 and 1 columns of int64 (2 of 3, then 1 of 2)
    at = parse_at(["2024-12-31", "2025-03-31", "2025-06-30"])
    units = pd.DataFrame(
        {
            "period_end": pd.to_datetime(["2024-12-31"] * 3 + ["2025-06-30"] * 2),
            "LA": pd.Categorical(["A", "B", "A", "B", "B"]),
        }
    )
    hit = np.array([True, False, True, False, True])
    small = counted_where(units, hit)
    assert small["num"].dtype == bool and small["den"].dtype == np.int8
    wide = units.assign(num=hit.astype("int64"), den=1)
    for by in ([], ["LA"]):
        pd.testing.assert_frame_equal(
            summarise(small, at, by, "percent"), summarise(wide, at, by, "percent")
        )
    got = summarise(small, at, [], "percent")
    assert got["numerator"].tolist() == [2.0, 0.0, 1.0]
    assert got["denominator"].tolist() == [3.0, 0.0, 2.0]
    assert got["value"].iloc[0] == pytest.approx(200 / 3) and np.isnan(got["value"].iloc[1])


def test_summarise_median_mean_count() -> None:
    at = parse_at("2025-03-31")
    units = pd.DataFrame(
        {"period_end": pd.to_datetime(["2025-03-31"] * 4), "num": [10, 20, 30, 100], "den": 1}
    )
    med = summarise(units, at, [], "median")
    assert med["value"].item() == 25.0  # median of 10, 20, 30, 100
    # a median carries the cohort size only: no sum of days beside it
    assert np.isnan(med["numerator"].item()) and med["denominator"].item() == 4
    assert summarise(units, at, [], "mean")["value"].item() == 40.0
    cnt = summarise(units.assign(num=1), at, [], "count")
    assert cnt["value"].item() == 4 and np.isnan(cnt["denominator"].item())


def test_add_breakdowns_standard() -> None:
    ds = sc.Dataset.from_frames(
        header=pd.DataFrame(
            {
                "CHILD": ["A", "B", "C"],
                "SEX": ["1", "F", "2"],
                "DOB": ["31/03/2010", "01/04/2010", "01/01/2024"],
                "ETHNIC": ["WBRI", "WBRI", "MIXD"],
            }
        ),
        uasc=pd.DataFrame({"CHILD": ["B"], "DUC": [None]}),
        districts=pd.DataFrame({"POSTCODE_DISTRICT": ["WD1"], "DISTRICT": ["Ashdown"]}),
    )
    units = pd.DataFrame(
        {
            "period_end": pd.to_datetime(["2025-03-31"] * 3),
            "cid": child_key(ds, pd.DataFrame({"CHILD": ["A", "B", "C"]})),
            "entry_date": pd.to_datetime(["2011-03-31", "2020-01-01", "2024-01-01"]),
            "HOME_POST": ["WD1 1AA", "ZZ9 9ZZ", None],
            "num": 1,
            "den": 1,
        }
    )
    out = add_breakdowns(
        ds,
        units,
        ["age_band", "age_at_entry_band", "sex", "uasc", "district", "ETHNIC"],
        entry_date="entry_date",
    )
    # A turns 15 on 31/03/2025 (birthday counts); B is 14 the day before their 15th birthday
    assert list(out["age_band"].astype(str)) == ["10 to 15", "10 to 15", "1 to 4"]
    # A entered on their 1st birthday (1 to 4); C entered at birth (under 1)
    assert list(out["age_at_entry_band"].astype(str)) == ["1 to 4", "5 to 9", "under 1"]
    assert list(out["sex"]) == ["Male", "Female", "Female"]
    assert list(out["uasc"]) == ["Not UASC", "UASC", "Not UASC"]
    assert list(out["district"]) == ["Ashdown", "Unknown", "Unknown"]
    assert list(out["ETHNIC"]) == ["WBRI", "WBRI", "MIXD"]
    by_age = summarise(out, parse_at("2025-03-31"), ["age_band"], "count")
    assert by_age["numerator"].sum() == 3


def test_a_duc_that_is_no_date_leaves_its_row_out_of_the_uasc_breakdown() -> None:
    # A's DUC is no date (read blank: UASC for ever); B's is blank (still UASC); C has no
    # uasc row. A's row is left out and said, as the UASC measures leave it: A not UASC
    ds = dataset_from_frames(
        {
            "episodes": pd.DataFrame(
                {
                    "CHILD": ["A", "B", "C"],
                    "DECOM": ["01/04/2024"] * 3,
                    "RNE": "S",
                    "LS": "C2",
                    "PLACE": "U1",
                    "DEC": None,
                    "REC": None,
                }
            ),
            "uasc": pd.DataFrame({"CHILD": ["A", "B"], "DUC": ["31/02/2025", None]}),
        },
        strict=False,
    )
    got = sc.compute("cla_count", ds, at="2024-12-31", by="uasc")
    assert got[["uasc", "value"]].values.tolist() == [["Not UASC", 2], ["UASC", 1]]
    assert set(got["note"]) == {"1 uasc row left out: unusable DUC"}
    # the scorecard's trend and breakdown views in one build agree with compute
    each = sc.engine.compute_each("cla_count", ds, [("2024-12-31", None), ("2024-12-31", "uasc")])
    assert each[0]["value"].item() == 3 and pd.isna(each[0]["note"].item())
    assert each[1][["uasc", "value"]].values.tolist() == [["Not UASC", 2], ["UASC", 1]]


def test_private_and_unknown_breakdowns_refused() -> None:
    ds = sc.Dataset.from_frames(
        header=pd.DataFrame({"CHILD": ["A"], "SEX": ["1"], "DOB": ["01/01/2010"]})
    )
    units = pd.DataFrame(
        {"period_end": pd.to_datetime(["2025-03-31"]), "cid": [0], "num": 1, "den": 1}
    )
    with pytest.raises(BreakdownError, match="identifies a child"):
        add_breakdowns(ds, units, ["DOB"])
    with pytest.raises(BreakdownError, match="no such column"):
        add_breakdowns(ds, units, ["shoe_size"])
    with pytest.raises(BreakdownError, match="age at entry"):
        add_breakdowns(ds, units, ["age_at_entry_band"])
    with pytest.raises(BreakdownError, match="districts"):
        district_of(ds, pd.Series(["WD1 1AA"]))


def _grouped_by_pandas_reference(units: pd.DataFrame, at, by: list[str], stat: str) -> pd.DataFrame:
    """summarise as a plain pandas groupby would give it (the definition it must equal)."""
    keys = ["period_end", *by]
    g = units.groupby(keys, observed=True, sort=True, dropna=False)
    out = g.agg(numerator=("num", "sum"), denominator=("den", "sum"))
    blank = units["den"].isna().groupby([units[k] for k in keys], observed=True, dropna=False)
    out.loc[blank.any().reindex(out.index).to_numpy(dtype=bool), "denominator"] = np.nan
    if stat == "median":
        kept = units.loc[units["den"] > 0]
        out["median"] = kept.groupby(keys, observed=True, dropna=False)["num"].median()
    return out.reset_index()


@pytest.mark.parametrize("stat", ["percent", "ratio", "median", "count"])
def test_summarise_equals_a_pandas_groupby_to_the_last_bit(stat: str) -> None:
    # fractional values (FTEs, points) need pandas' compensated sum; counts and halves are
    # summed by bincount: either way the figures must be pandas' own, bit for bit, with
    # text and categorical breakdowns, blanks among them, and blank values
    rng = np.random.default_rng(5)
    n = 5_000
    at = parse_at(["2024-06-30", "2024-09-30", "2024-12-31", "2025-03-31"])
    units = pd.DataFrame(
        {
            "period_end": np.asarray(at)[rng.integers(0, 4, n)],
            "num": np.round(rng.uniform(0, 3, n), 1),
            "den": rng.choice([0.8, 1.0, 0.6, 0.5], n),
            "team": pd.array(rng.choice(["b", "a", "c", None], n), dtype="str"),
            "band": pd.Categorical(
                rng.choice(["x", "y", None], n), categories=["y", "x", "z"], ordered=True
            ),
        }
    )
    units.loc[units.index[::97], "num"] = np.nan
    units.loc[units.index[::211], "den"] = np.nan  # a blank denominator blanks its group's
    for by in ([], ["team"], ["band"], ["team", "band"]):
        got = summarise(units, at, by, stat)
        ref = _grouped_by_pandas_reference(units, at, by, stat)
        keys = ["period_end", *by]
        pd.testing.assert_frame_equal(got[keys], ref[keys].astype(got[keys].dtypes.to_dict()))
        if stat == "median":
            assert np.array_equal(got["value"], ref["median"], equal_nan=True)
            continue
        assert np.array_equal(got["numerator"], ref["numerator"], equal_nan=True)
        if stat != "count":
            assert np.array_equal(got["denominator"], ref["denominator"], equal_nan=True)
    # and with counts and halves (the bincount path): integer and dyadic sums
    halves = units.assign(num=np.floor(units["num"].fillna(0) * 2) / 2, den=1)
    got = summarise(halves, at, ["band"], "percent")
    ref = _grouped_by_pandas_reference(halves, at, ["band"], "percent")
    assert np.array_equal(got["numerator"], ref["numerator"])
    assert np.array_equal(got["denominator"], ref["denominator"])


@pytest.mark.parametrize("stat", ["percent", "median", "count"])
def test_summarise_units_in_date_order_whole_days_and_flags(stat: str) -> None:
    """Units in date order (numbered by blocks), whole days (medians by one combined
    sort), 0/1 integer flags and a constant denominator (summed without a scan) give
    pandas' own figures; a unit dated outside the dates asked for is summarised too."""
    rng = np.random.default_rng(11)
    n = 4_000
    at = parse_at(["2024-06-30", "2024-09-30", "2024-12-31", "2025-03-31"])
    dates = np.sort(np.asarray(at)[rng.integers(0, 4, n)])
    days = rng.integers(-3, 900, n).astype("float64")
    team = pd.array(rng.choice(["b", "a", "c"], n), dtype="str")
    for num in (days, (days > 400).astype("int64")):
        for den in (np.ones(n), np.ones(n, dtype="int64")):
            units = pd.DataFrame({"period_end": dates, "num": num, "den": den, "team": team})
            for by in ([], ["team"]):
                got = summarise(units, at, by, stat)
                ref = _grouped_by_pandas_reference(units, at, by, stat)
                column = "median" if stat == "median" else "numerator"
                want = ref[column].to_numpy(dtype="float64")
                have = got["value" if stat == "median" else "numerator"].to_numpy()
                assert np.array_equal(have, want, equal_nan=True)
    outside = units.assign(period_end=units["period_end"].where(units.index != n - 1))
    outside.loc[n - 1, "period_end"] = pd.Timestamp("2025-04-30")
    got = summarise(outside, at, [], "count")
    assert got["numerator"].sum() == outside["num"].sum()


def test_district_of_the_same_on_later_calls_with_new_postcodes() -> None:
    """Postcodes are worked out once per dataset: a later call with some postcodes seen
    before and some new ones (and missing ones) gives what a first call would."""
    districts = pd.DataFrame(
        {"POSTCODE_DISTRICT": ["ME14", " me15 ", "CT1"], "DISTRICT": ["Maidstone", "Maid", "Cant"]}
    )
    ds = sc.Dataset.from_frames(districts=districts)
    first = district_of(ds, pd.Series(["ME14 1XX", "CT1 2AB", None, "ME14 1XX"]))
    assert list(first) == ["Maidstone", "Cant", "Unknown", "Maidstone"]
    later = pd.Series(["ct12ab", "ME151AA", "CT1 2AB", "ZZ9 9ZZ", None], index=[5, 6, 7, 8, 9])
    got = district_of(ds, later)
    fresh = district_of(sc.Dataset.from_frames(districts=districts), later)
    # 'ct12ab' is upper-cased to CT1 (no space: the last 3 characters are the inward code)
    assert list(got) == ["Cant", "Maid", "Cant", "Unknown", "Unknown"]
    pd.testing.assert_series_equal(got, fresh)
    assert list(got.index) == [5, 6, 7, 8, 9] and got.dtype == "string"


@pytest.mark.parametrize("seed", range(6))
def test_sums_behind_zeros_equal_the_whole_columns_sums(seed: int) -> None:
    """Values that follow, in a units' column, units carrying 0 in groups out of order: summed
    alone (behind two zeros), they give pandas' sums of the whole column to the last bit,
    inexact values (FTEs of 0.1, 0.7, 0.3) and exact ones alike."""
    from scorecard.breakdowns import GroupSums, sums_behind_zeros

    rng = np.random.default_rng(seed)
    size = 12
    zeros = rng.integers(0, size, 300)
    zeros[:2] = [5, 3]  # out of order: pandas sums the whole column compensated
    values = rng.choice([0.1, 0.7, 0.3, 0.8] if seed % 2 else [1.0, 0.5], 200)
    number = np.sort(rng.integers(0, size, 200))
    whole = GroupSums(np.concatenate([zeros, number]), size, every_group=True)
    want = whole.sums_in(values, first=len(zeros))
    got = sums_behind_zeros(values, number, size)
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize(
    ("values", "step", "expected"),
    [
        ([], 1 / 64, True),
        ([3.0, -2.0, 0.0], 1.0, True),
        ([0.5, 0.25, 1 / 64, 40.0], 1 / 64, True),
        ([0.5, 0.25], 1.0, False),
        ([1 / 128], 1 / 64, False),
        ([0.1], 1 / 64, False),  # an FTE of 0.1 is no multiple of 1/64
        ([1.0, np.nan], 1 / 64, False),  # a blank never is
    ],
)
def test_whole_multiples(values: list[float], step: float, expected: bool) -> None:
    from scorecard.breakdowns import whole_multiples

    assert whole_multiples(np.array(values, dtype="float64"), step) is expected


def test_whole_multiples_looks_at_every_block() -> None:
    """A value off the step in the last, short block (or a blank in the first) is found."""
    from scorecard.breakdowns import _BLOCK, whole_multiples

    days = np.arange(3 * _BLOCK + 7, dtype="float64")
    assert whole_multiples(days, 1.0)
    days[-1] = 0.5
    assert not whole_multiples(days, 1.0)
    days[-1], days[1] = 1.0, np.nan
    assert not whole_multiples(days, 1.0)
