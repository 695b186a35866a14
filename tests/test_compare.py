"""compare(): LAIT-style quartiles, bands, ranks, neighbours and best values on small
hand-built panels (SPEC section 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.benchmark import compare, quartile_band, read_polarity
from scorecard.benchmark_loaders import load_benchmarks
from scorecard.catalogue import Catalogue, Indicator

REGION = {"101": "South East", "102": "South East", "103": "Inner London"}


def panel(values: dict[str, dict[str, object]], year: str = "2024-25") -> pd.DataFrame:
    """A LAIT-layout frame: {indicator: {la_code: value}} plus England and two regions."""
    rows = []
    for ind, by_la in values.items():
        for code, value in by_la.items():
            name = {"970": "England", "989": "South East", "987": "London (Inner)"}.get(
                code, f"LA {code}"
            )
            region = "NA" if int(code) >= 970 else REGION.get(code, "North East")
            rows.append(
                {
                    "Short Desc": ind,
                    "Years": year,
                    "LA and Regions": name,
                    "Values": str(value),
                    "LA Number": float(code),
                    "Region": region,
                }
            )
    return load_benchmarks(pd.DataFrame(rows))


def neighbours(la: str, codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "la_code": la,
            "neighbour_code": codes,
            "rank": range(1, len(codes) + 1),
            "closeness": "Close",
        }
    )


EIGHT = {str(100 + i): float(i) for i in range(1, 9)} | {"109": "c", "970": 4.4, "989": 3.3}
EMPTY = Catalogue([])
POL = {"Low8": "Low", "High8": "High", "Neutral8": "-"}


def test_quartiles_bands_ranks_low_is_good():
    # values 1..8 for LAs 101..108, 109 suppressed; England and a region are not LAs.
    # type 7: h = (n-1)p with n = 8: q1 at h=1.75 -> 2 + .75 = 2.75; median at 3.5 -> 4.5;
    # q3 at 5.25 -> 6 + .25 = 6.25
    bm = panel({"Low8": EIGHT})
    got = compare(
        bm, "103", 2025, neighbours("103", ["101", "104", "109"]), polarity=POL, catalogue=EMPTY
    )
    row = got.iloc[0]
    assert (row["q1"], row["median"], row["q3"]) == (2.75, 4.5, 6.25)
    assert row["n_las"] == 8
    assert row["la_value"] == 3.0
    assert row["quartile_band"] == "B"  # 3 in (2.75, 4.5]
    assert row["rank"] == 3  # 1 and 2 are better
    assert row["england"] == 4.4
    # 103 is in Inner London: the 'London (Inner)' row is absent here -> NaN
    assert row["region_name"] == "Inner London" and np.isnan(row["region"])
    # neighbours 101 (1), 104 (4), 109 (suppressed): mean 2.5 from 2 neighbours
    assert (row["sn_value"], row["sn_count"]) == (2.5, 2)
    assert (row["best_value"], row["best_la"]) == (1.0, "LA 101")
    assert (row["best_neighbour_value"], row["best_neighbour"]) == (1.0, "LA 101")
    # low is good: gap = LA - best = 3 - 1 = 2 (positive: behind)
    assert row["gap_to_best"] == 2.0 and row["gap_to_best_neighbour"] == 2.0


def test_every_band_low_and_high():
    # low is good: 1,2 -> A; 3,4 -> B; 5,6 -> C; 7,8 -> D; high is good mirrored
    bm = panel({"Low8": EIGHT, "High8": EIGHT})
    expect_low = dict(zip(range(101, 109), "AABBCCDD", strict=True))
    for code, band in expect_low.items():
        got = compare(bm, code, 2025, None, polarity=POL, catalogue=EMPTY).set_index("indicator")
        assert got.loc["Low8", "quartile_band"] == band
        assert got.loc["High8", "quartile_band"] == {"A": "D", "B": "C", "C": "B", "D": "A"}[band]
        # ranks: low ascending, high descending
        assert got.loc["Low8", "rank"] == code - 100
        assert got.loc["High8", "rank"] == 109 - code


def test_values_on_breakpoints_and_ties():
    # 10, 20, 20, 30, 40, 50 over six LAs: h = 5p: q1 at 1.25 -> 20; median at 2.5 -> 25;
    # q3 at 3.75 -> 30 + .75 * 10 = 37.5
    vals = {"101": 10, "102": 20, "103": 20, "104": 30, "105": 40, "106": 50}
    bm = panel({"Low8": vals, "High8": vals})
    by = {}
    for code in vals:
        by[code] = compare(bm, code, 2025, None, polarity=POL, catalogue=EMPTY).set_index(
            "indicator"
        )
    q = by["101"].loc["Low8", ["q1", "median", "q3"]].tolist()
    assert q == [20.0, 25.0, 37.5]
    # 20 sits exactly on q1: right-closed, so the lowest interval: A for low, D for high
    assert by["102"].loc["Low8", "quartile_band"] == "A"
    assert by["102"].loc["High8", "quartile_band"] == "D"
    # the minimum is in the lowest interval; the maximum in the highest
    assert by["101"].loc["Low8", "quartile_band"] == "A"
    assert by["106"].loc["High8", "quartile_band"] == "A"
    # ties share the lowest rank: low 10->1, 20,20->2, 30->4; high 50->1, 40->2, 30->3, 20->4
    assert [by[c].loc["Low8", "rank"] for c in vals] == [1, 2, 2, 4, 5, 6]
    assert [by[c].loc["High8", "rank"] for c in vals] == [6, 4, 4, 3, 2, 1]
    # high is good: best 50, gap for 20 = 50 - 20 = 30
    assert by["102"].loc["High8", "gap_to_best"] == 30.0
    assert by["106"].loc["High8", "gap_to_best"] == 0.0


def test_breakpoint_exactly_on_q3_high_is_good_is_b():
    # 10, 20, 30, 40, 50: quartiles 20 / 30 / 40 exactly on values (LAIT's own unit test)
    vals = {"101": 10, "102": 20, "103": 30, "104": 40, "105": 50}
    bm = panel({"High8": vals, "Low8": vals})
    got = {
        c: compare(bm, c, 2025, None, polarity=POL, catalogue=EMPTY).set_index("indicator")
        for c in vals
    }
    assert [got[c].loc["High8", "quartile_band"] for c in vals] == ["D", "D", "C", "B", "A"]
    assert [got[c].loc["Low8", "quartile_band"] for c in vals] == ["A", "A", "B", "C", "D"]


def test_quartile_band_function_directly():
    band = quartile_band(
        [20, 20, 40, 40.01, np.nan, 5],
        [20] * 6,
        [30] * 6,
        [40] * 6,
        ["high_is_good", "low_is_good", "high_is_good", "high_is_good", "low_is_good", "neutral"],
    )
    assert list(band) == ["D", "A", "B", "A", None, None]


def test_all_suppressed_neutral_and_missing_la():
    bm = panel(
        {
            "Low8": {"101": "c", "102": "c", "103": "z", "970": 5},
            "Neutral8": {"101": 5, "102": 6, "103": 7},
            "High8": {"101": 5, "102": "c", "103": 7},
        }
    )
    got = compare(bm, "102", 2025, neighbours("102", ["101", "103"]), polarity=POL, catalogue=EMPTY)
    got = got.set_index("indicator")
    low = got.loc["Low8"]
    assert np.isnan(low["q1"]) and low["quartile_band"] is None and pd.isna(low["rank"])
    assert low["n_las"] == 0 and low["sn_count"] == 0 and np.isnan(low["sn_value"])
    assert low["la_status"] == "c" and low["england"] == 5
    neutral = got.loc["Neutral8"]
    assert neutral["quartile_band"] is None and pd.isna(neutral["rank"])
    assert neutral["median"] == 6 and neutral["sn_value"] == 6  # (5 + 7) / 2
    assert pd.isna(neutral["best_la"]) and np.isnan(neutral["gap_to_best"])
    high = got.loc["High8"]  # the LA itself suppressed: no band, no rank, still SN and best
    assert high["quartile_band"] is None and pd.isna(high["rank"])
    assert high["best_value"] == 7 and high["sn_value"] == 6 and np.isnan(high["gap_to_best"])


def test_sn_median_and_region():
    vals = {"101": 1, "102": 2, "103": 3, "104": 10, "105": 11, "989": 9.9}
    bm = panel({"Low8": vals})
    nb = neighbours("101", ["102", "104", "105"])
    mean = compare(bm, "101", 2025, nb, polarity=POL, catalogue=EMPTY).iloc[0]
    median = compare(bm, "101", 2025, nb, sn_stat="median", polarity=POL, catalogue=EMPTY).iloc[0]
    assert mean["sn_value"] == pytest.approx(23 / 3)
    assert median["sn_value"] == 10 and median["sn_stat"] == "median"
    assert mean["region_name"] == "South East" and mean["region"] == 9.9
    with pytest.raises(ValueError, match="sn_stat"):
        compare(bm, "101", 2025, nb, sn_stat="max", catalogue=EMPTY)
    with pytest.raises(KeyError, match="no statistical neighbours"):
        compare(bm, "103", 2025, nb, polarity=POL, catalogue=EMPTY)


def test_la_forms_year_labels_and_new_codes():
    bm = panel({"Low8": EIGHT})
    bm["new_la_code"] = bm["new_la_code"].where(bm["la_code"] != "103", "E09000001")
    base = compare(bm, "103", 2025, None, polarity=POL, catalogue=EMPTY)
    for la in (103, 103.0, "E09000001", "la 103"):
        assert compare(bm, la, "2024-25", None, polarity=POL, catalogue=EMPTY).equals(base)
    with pytest.raises(KeyError, match="South East"):  # a region is not an LA
        compare(bm, "South East", 2025, None, catalogue=EMPTY)
    with pytest.raises(KeyError, match="Nowhere"):
        compare(bm, "Nowhere", 2025, None, catalogue=EMPTY)


def make(id_: str, polarity: str, lait: str, scale: float = 1.0) -> Indicator:
    return Indicator.model_validate(
        {
            "id": id_,
            "title": id_,
            "domain": "placement stability",
            "description": "test",
            "unit": "percent",
            "polarity": polarity,
            "decimals": 1,
            "history_months": 0,
            "measure": "m",
            "tables": ["episodes"],
            "benchmark": {"lait": lait, "scale": scale},
        }
    )


def test_polarity_from_catalogue_and_ids_mapped_through_lait():
    cat = Catalogue(
        [make("our_low", "low_is_good", "Low8"), make("our_high", "high_is_good", "High8", 10)]
    )
    bm = panel({"Low8": EIGHT, "High8": EIGHT, "Other": EIGHT})
    got = compare(bm, "102", 2025, None, indicators=["our_low", "our_high", "Other"], catalogue=cat)
    got = got.set_index("indicator")
    assert list(got.index) == ["Low8", "High8", "Other"]
    assert got.loc["Low8", "catalogue_id"] == "our_low"
    assert got.loc["Low8", "polarity"] == "low_is_good" and got.loc["Low8", "quartile_band"] == "A"
    assert (
        got.loc["High8", "polarity"] == "high_is_good" and got.loc["High8", "quartile_band"] == "D"
    )
    # scale 10 applies to every value of the mapped indicator
    assert got.loc["High8", "la_value"] == 20.0 and got.loc["High8", "q1"] == 27.5
    # not in the catalogue and no polarity given: neutral
    assert got.loc["Other", "polarity"] == "neutral" and got.loc["Other", "quartile_band"] is None
    with pytest.raises(KeyError, match="Missing"):
        compare(bm, "102", 2025, None, indicators=["Missing"], catalogue=cat)
    assert sc.compare is compare


def test_polarity_from_a_lait_dictionary_with_no_quartile(tmp_path):
    path = tmp_path / "dict.csv"
    path.write_text(
        '"Measure_code","Measure_short","Polarity","No_Quartile"\n'
        '"1","Low8","Low",NA\n"2","High8","High","N"\n"3","Neutral8","-",NA\n'
    )
    pol, no_q = read_polarity(path)
    assert pol == {"Low8": "low_is_good", "High8": "high_is_good", "Neutral8": "neutral"}
    assert no_q == {"High8"}
    bm = panel({"Low8": EIGHT, "High8": EIGHT})
    got = compare(bm, "101", 2025, None, polarity=path, catalogue=EMPTY).set_index("indicator")
    assert got.loc["Low8", "quartile_band"] == "A"
    assert got.loc["High8", "quartile_band"] is None  # LAIT shows no band for it
    assert got.loc["High8", "rank"] == 8  # but still ranks it
    with pytest.raises(ValueError, match="polarity"):
        read_polarity({"X": "sideways"})


def test_year_without_data_and_duplicate_periods_are_explained():
    bm = panel({"Low8": EIGHT})
    with pytest.raises(ValueError, match=r"no benchmark data for 2019.*\[2025\]"):
        compare(bm, "101", 2019, None, catalogue=EMPTY)
    # the same LA twice in one year (e.g. provisional and revised) must not be double counted
    twice = pd.concat([bm, panel({"Low8": EIGHT}, year="2025 (Rev)")], ignore_index=True)
    with pytest.raises(ValueError, match="year_label"):
        compare(twice, "101", 2025, None, catalogue=EMPTY)
