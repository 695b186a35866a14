"""compare(): LAIT-style quartiles, bands, ranks, neighbours and best values on small
hand-built panels (SPEC section 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.benchmark import (
    UnknownLAError,
    compare,
    latest_years,
    latest_years_of,
    quartile_band,
    read_polarity,
)
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
    nb = neighbours("103", ["101", "104", "109"])
    # min_size=None: LAIT's plain best (this panel publishes no sizes; see the size tests)
    got = compare(bm, "103", 2025, nb, polarity=POL, catalogue=EMPTY, min_size=None)
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
        by[code] = compare(
            bm, code, 2025, None, polarity=POL, catalogue=EMPTY, min_size=None
        ).set_index("indicator")
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


def test_authorities_that_tie_for_best_are_all_named():
    # low is good: 101 and 102 both publish 10 (two named); 103, 104, 105, 106 tie at 50
    # for high is good (four: two named and the count of the others); 107 is alone at 60
    vals = {"101": 10, "102": 10, "103": 50, "104": 50, "105": 50, "106": 50}
    bm = panel({"Low8": vals, "High8": vals})
    nb = neighbours("107", ["101", "102", "103"])
    got = compare(bm, "104", 2025, None, polarity=POL, catalogue=EMPTY, min_size=None)
    got = got.set_index("indicator")
    assert (got.loc["Low8", "best_value"], got.loc["Low8", "best_la"]) == (
        10.0,
        "LA 101 and LA 102",
    )
    assert got.loc["High8", "best_la"] == "LA 103, LA 104 and 2 others"
    bm = panel({"Low8": vals | {"107": 60}})
    got = compare(bm, "107", 2025, nb, polarity=POL, catalogue=EMPTY, min_size=None).iloc[0]
    assert (got["best_neighbour_value"], got["best_neighbour"]) == (10.0, "LA 101 and LA 102")


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
    nb = neighbours("102", ["101", "103"])
    got = compare(bm, "102", 2025, nb, polarity=POL, catalogue=EMPTY, min_size=None)
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


# ---------------------------------------------------------------- best LA: minimum size
def sized_panel() -> pd.DataFrame:
    """Low8/High8 in 2024-25 over LAs 101-106 (values 1..6) and their sizes (LACnum):
    101: 20 children (tiny); 102: 99 (one short); 103: suppressed in 2025, 120 in 2024;
    104: exactly 100; 105: never published; 106: only a 2026 figure (after the year)."""
    vals = {str(100 + i): float(i) for i in range(1, 7)}
    now = panel(
        {
            "Low8": vals,
            "High8": vals,
            "LACnum": {"101": 20, "102": 99, "103": "c", "104": 100},
        }
    )
    before = panel({"LACnum": {"103": 120, "101": 500}}, year="2023-24")
    after = panel({"LACnum": {"106": 500}}, year="2025-26")
    return pd.concat([now, before, after], ignore_index=True)


def test_best_la_needs_100_children_looked_after_by_default():
    bm = sized_panel()
    nb = neighbours("105", ["101", "106"])
    got = compare(bm, "105", 2025, nb, polarity=POL, catalogue=EMPTY).set_index("indicator")
    # eligible: 103 (its 2024 size, 120, stands in for the suppressed 2025 one) and 104 (100,
    # the boundary); 101's 500 in 2024 does not count: its 2025 figure (20) is published
    low, high = got.loc["Low8"], got.loc["High8"]
    assert (low["best_value"], low["best_la"]) == (3.0, "LA 103")
    assert (high["best_value"], high["best_la"]) == (4.0, "LA 104")
    # gaps from 105's value (5): low 5 - 3 = 2; high 4 - 5 = -1 (ahead of the best)
    assert low["gap_to_best"] == 2.0 and high["gap_to_best"] == -1.0
    # the best neighbour is the best of the neighbours, whatever their size
    assert (low["best_neighbour_value"], low["best_neighbour"]) == (1.0, "LA 101")
    assert (high["best_neighbour_value"], high["best_neighbour"]) == (6.0, "LA 106")
    # the rule changes nothing else: quartiles and ranks are over every LA
    assert low["rank"] == 5 and low["n_las"] == 6 and pd.isna(low["note"])


def test_best_la_rule_is_configurable_and_lait_plain_rule_remains():
    bm = sized_panel()
    plain = compare(bm, "105", 2025, None, polarity=POL, catalogue=EMPTY, min_size=None)
    plain = plain.set_index("indicator")
    assert plain.loc["Low8", "best_la"] == "LA 101" and plain.loc["High8", "best_la"] == "LA 106"
    # 101 children: 104 (100) drops out, 103 (120) stays
    got = compare(bm, "105", 2025, None, polarity=POL, catalogue=EMPTY, min_size=101)
    got = got.set_index("indicator")
    assert got.loc["Low8", "best_la"] == "LA 103" and got.loc["High8", "best_la"] == "LA 103"
    # 121: nobody qualifies; said, not guessed
    none = compare(bm, "105", 2025, None, polarity=POL, catalogue=EMPTY, min_size=121)
    row = none.set_index("indicator").loc["Low8"]
    assert pd.isna(row["best_la"]) and np.isnan(row["best_value"]) and np.isnan(row["gap_to_best"])
    assert "121" in row["note"]


def test_best_la_not_named_in_a_year_before_the_sizes_begin():
    """Sizes published from 2024-25 only (as EES's begin in 2021): in 2022-23 no authority's
    size is known, and the note says so; it said no authority with 100 children had a value,
    though every one had."""
    vals = {str(100 + i): float(i) for i in range(1, 7)}
    bm = pd.concat(
        [
            panel({"Low8": vals}, year="2022-23"),
            panel({"LACnum": {"101": 500, "102": 500}}, year="2024-25"),
        ],
        ignore_index=True,
    )
    row = compare(bm, "103", 2023, None, polarity=POL, catalogue=EMPTY).iloc[0]
    assert pd.isna(row["best_la"]) and row["n_las"] == 6
    assert row["note"] == (
        "best LA not named: the benchmark data has no LACnum (children looked after) for 2023 "
        "or before, to tell authorities of at least 100 children from smaller ones"
    )
    # a year with sizes but nobody large enough keeps its own reason
    bm = sized_panel()
    none = compare(bm, "105", 2025, None, polarity=POL, catalogue=EMPTY, min_size=121)
    assert "no authority with at least 121" in none.set_index("indicator").loc["Low8", "note"]


def test_best_la_not_named_without_published_sizes():
    bm = panel({"Low8": EIGHT})  # no LACnum in the data
    row = compare(bm, "103", 2025, None, polarity=POL, catalogue=EMPTY).iloc[0]
    assert pd.isna(row["best_la"]) and np.isnan(row["best_value"])
    assert "no LACnum" in row["note"]
    # the size measure can be another published series
    bm = pd.concat([bm, panel({"Size": {"101": 500, "102": 500}})], ignore_index=True)
    row = compare(bm, "103", 2025, None, polarity=POL, catalogue=EMPTY, size_indicator="Size")
    assert row.set_index("indicator").loc["Low8", "best_la"] == "LA 101"


# ---------------------------------------------------------------- default year per indicator
def test_default_year_is_each_indicators_latest_with_a_value_for_the_la():
    bm = pd.concat(
        [
            panel({"Low8": EIGHT, "High8": EIGHT}, year="2023-24"),
            # 2024-25: Low8 published, but 103's own figure suppressed; High8 not yet out
            panel({"Low8": EIGHT | {"103": "c"}}),
            # 2025-26: a new indicator, published for other LAs only
            panel({"New8": {"101": 1, "102": 2}}, year="2025-26"),
        ],
        ignore_index=True,
    )
    got = compare(bm, "103", None, None, polarity=POL, catalogue=EMPTY).set_index("indicator")
    assert got["year"].to_dict() == {"Low8": 2024, "High8": 2024, "New8": 2026}
    assert got.loc["Low8", "la_value"] == 3.0  # 2023-24, its latest published value
    assert np.isnan(got.loc["New8", "la_value"]) and got.loc["New8", "n_las"] == 2
    assert latest_years(bm, "103", ["Low8"], up_to=2023) == {}
    assert latest_years(bm, "101") == {"Low8": 2025, "High8": 2024, "New8": 2026}
    assert latest_years(bm, "101", up_to=2025) == {"Low8": 2025, "High8": 2024}
    # several LAs at once, the frame filtered once: each LA's own years, in the order asked
    # ('': no LA's own, so any LA's latest: Low8's 2024-25, where 103's own is withheld)
    assert latest_years_of(bm, ["103", ""], up_to=2025) == [
        {"Low8": 2024, "High8": 2024},
        {"Low8": 2025, "High8": 2024},
    ]
    # a year given is one year for every indicator, as before
    fixed = compare(bm, "103", 2025, None, polarity=POL, catalogue=EMPTY)
    assert list(fixed["indicator"]) == ["Low8"] and fixed.loc[0, "year"] == 2025


# ---------------------------------------------------------------- counts
def test_counts_are_never_set_beside_other_authorities_counts(tmp_path):
    counts = {"101": 100, "102": 200, "103": 300, "970": 80000, "989": 9000}
    cat = Catalogue(
        [make("our_rate", "low_is_good", "Low8"), make("our_count", "neutral", "Count8")]
    )
    cat = Catalogue(
        [
            cat.get("our_rate"),
            cat.get("our_count").model_copy(update={"unit": "count"}),
        ]
    )
    bm = panel({"Low8": EIGHT, "Count8": counts, "Num8": counts})
    nb = neighbours("103", ["101", "102"])
    got = compare(bm, "103", 2025, nb, catalogue=cat, min_size=None).set_index("indicator")
    row = got.loc["Count8"]
    assert row["la_value"] == 300  # the LA's own published count stays ...
    for col in ("england", "region", "sn_value", "q1", "median", "q3", "best_value"):
        assert np.isnan(row[col]), col  # ... nothing else
    assert row["sn_count"] == 0 and pd.isna(row["rank"]) and pd.isna(row["best_la"])
    assert "count" in row["note"] and "10,000" in row["note"]
    assert got.loc["Low8", "england"] == 4.4  # a rate is compared as before
    # LAIT's dictionary marks counts '(num)'
    dictionary = tmp_path / "dict.csv"
    dictionary.write_text(
        "Measure_short,Polarity,Chart_title,y_axis_name\n"
        'Num8,-,Children looked after (num),"Number of Children Looked After"\n'
        "Low8,Low,Children looked after with 3+ placements (%),% of CLA\n"
    )
    got = compare(bm, "103", 2025, nb, catalogue=EMPTY, polarity=dictionary, min_size=None)
    got = got.set_index("indicator")
    assert np.isnan(got.loc["Num8", "sn_value"]) and got.loc["Num8", "la_value"] == 300
    assert got.loc["Low8", "sn_value"] == 1.5 and pd.isna(got.loc["Low8", "note"])


# ---------------------------------------------------------------- our current value placed
@pytest.mark.parametrize(
    ("la", "value", "quartiles", "low", "high"),
    [
        # 103 (published 3) now at 5.5: 1 2 4 5 5.5 6 7 8, h = 7p: q1 at 1.75 -> 2 + .75 x 2
        # = 3.5; median at 3.5 -> 5 + .5 x .5 = 5.25; q3 at 5.25 -> 6 + .25 = 6.25.
        # 5.5 in (5.25, 6.25]: C low (4 better: rank 5), B high (6, 7, 8 better: rank 4)
        ("103", 5.5, (3.5, 5.25, 6.25), ("C", 5), ("B", 4)),
        # 103 now at 2: 1 2 2 4 5 6 7 8: q1 at 1.75 -> 2 exactly: on the breakpoint, so the
        # lowest interval (A low, D high); ties share the lowest rank (102 also has 2)
        ("103", 2.0, (2.0, 4.5, 6.25), ("A", 2), ("D", 6)),
        # 109 published nothing ('c'): its value joins the eight: 1 2 3 4 4.5 5 6 7 8, h = 8p:
        # q1 3, median 4.5 (on it: B low, C high), q3 6
        ("109", 4.5, (3.0, 4.5, 6.0), ("B", 5), ("C", 5)),
    ],
)
def test_current_value_placed_in_the_published_distribution(la, value, quartiles, low, high):
    bm = panel({"Low8": EIGHT, "High8": EIGHT, "Neutral8": EIGHT})
    got = compare(
        bm,
        la,
        2025,
        None,
        polarity=POL,
        catalogue=EMPTY,
        values={"Low8": value, "High8": value, "Neutral8": value},
    ).set_index("indicator")
    assert got.loc["Low8", "value"] == value
    assert (got.loc["Low8", "value_quartile_band"], got.loc["Low8", "value_rank"]) == low
    assert (got.loc["High8", "value_quartile_band"], got.loc["High8", "value_rank"]) == high
    # ranked out of the eight that published, and out of nine when ours joins them ('c')
    assert got.loc["Low8", "n_las"] == (9 if la == "109" else 8)
    # the published figure's own band and rank are unchanged (LAIT's)
    published = compare(bm, la, 2025, None, polarity=POL, catalogue=EMPTY).set_index("indicator")
    assert got.loc["Low8", "quartile_band"] == published.loc["Low8", "quartile_band"]
    assert got.loc["Low8", "q1"] == published.loc["Low8", "q1"]
    # the quartiles a value is banded on, re-derived: numpy 'linear' is R's type 7
    others = [v for k, v in EIGHT.items() if k not in (la, "970", "989") and v != "c"]
    assert tuple(np.quantile([*others, value], [0.25, 0.5, 0.75])) == pytest.approx(quartiles)
    # neutral: no band, no rank
    assert got.loc["Neutral8", "value_quartile_band"] is None
    assert pd.isna(got.loc["Neutral8", "value_rank"])


def test_current_value_of_a_neutral_indicator_alone_has_no_band_or_rank():
    """Values given only for indicators where neither higher nor lower is better (the CLA
    rate: a card's year group can hold nothing else) get no band and no rank; this raised
    'Invalid comparison between dtype=str and ndarray' and stopped the card."""
    bm = panel({"Low8": EIGHT, "Neutral8": EIGHT})
    got = compare(
        bm, "103", 2025, None, ["Neutral8"], polarity=POL, catalogue=EMPTY, values={"Neutral8": 5.5}
    ).set_index("indicator")
    assert got.loc["Neutral8", "value"] == 5.5
    assert got.loc["Neutral8", "value_quartile_band"] is None
    assert pd.isna(got.loc["Neutral8", "value_rank"])


def test_current_value_by_catalogue_id_and_missing():
    cat = Catalogue([make("our_low", "low_is_good", "Low8")])
    bm = panel({"Low8": EIGHT, "High8": EIGHT})
    got = compare(
        bm, "103", 2025, None, catalogue=cat, polarity={"High8": "High"}, values={"our_low": 8.5}
    ).set_index("indicator")
    # 8.5 is worse than everyone: D, rank 8 of 8
    assert (got.loc["Low8", "value_quartile_band"], got.loc["Low8", "value_rank"]) == ("D", 8)
    assert np.isnan(got.loc["High8", "value"]) and got.loc["High8", "value_quartile_band"] is None


# ---------------------------------------------------------------- the authority asked for
def test_unknown_authority_names_close_matches():
    bm = panel({"Low8": EIGHT})
    with pytest.raises(UnknownLAError, match=r"code '88'.*886 Kent") as err:
        compare(bm, "88", 2025, None, catalogue=EMPTY)
    assert isinstance(err.value, KeyError) and "886 Kent" in err.value.suggestions
    with pytest.raises(KeyError, match=r"'Kentt'.*886 Kent"):
        compare(bm, "Kentt", 2025, None, catalogue=EMPTY)
    with pytest.raises(KeyError, match="England as a whole"):
        compare(bm, "970", 2025, None, catalogue=EMPTY)
    # an English LA the panel lacks is known (bundled list): no values, but named
    kent = compare(bm, "Kent", 2025, None, catalogue=EMPTY).iloc[0]
    assert kent["la_code"] == "886" and kent["la_name"] == "Kent" and np.isnan(kent["la_value"])


# ---------------------------------------------------------------- England and SN, many years
def test_published_averages_are_compares_figures_for_every_year_at_once():
    from scorecard.benchmark import published_averages

    cat = Catalogue(
        [make("our_low", "low_is_good", "Low8", 10), make("our_count", "neutral", "Count8")]
    )
    cat = Catalogue([cat.get("our_low"), cat.get("our_count").model_copy(update={"unit": "count"})])
    later = EIGHT | {"101": 2.0, "104": 7.0, "109": 5.0, "970": 5.5}
    counts = {"101": 100, "102": 200, "103": 300, "970": 80000}
    bm = pd.concat(
        [
            panel({"Low8": EIGHT, "Count8": counts}, year="2023-24"),
            panel({"Low8": later, "Count8": counts}, year="2024-25"),
            # 2022-23 lists LA 101 twice for Low8: compare refuses that year, so it is left out
            panel({"Low8": EIGHT}, year="2022-23"),
            panel({"Low8": {"101": 9.0}}, year="2022-23"),
        ],
        ignore_index=True,
    )
    bm = bm.assign(year=pd.array(bm["year"], dtype="Int64"))
    nb = neighbours("103", ["101", "104", "109"])
    got = published_averages(bm, "103", [2023, 2024, 2025], nb, ["Low8", "Count8"], "mean", cat)
    got = got.set_index(["indicator", "year"])
    # scale 10; 2024: England 4.4 -> 44, neighbours 1 and 4 (109 suppressed): mean 25
    # 2025: England 55, neighbours 2, 7, 5 -> 20, 70, 50: mean 140 / 3
    assert list(got.index) == [("Low8", 2024), ("Low8", 2025)]  # no count, no 2023
    assert got.loc[("Low8", 2024), "england"] == 44.0 and got.loc[("Low8", 2024), "sn_value"] == 25
    assert got.loc[("Low8", 2025), "sn_value"] == pytest.approx(140 / 3)
    median = published_averages(bm, "103", [2025], nb, ["Low8"], "median", cat)
    assert median["sn_value"].tolist() == [50.0]
    # years the panel has no figures for (a card for 2014-15 Q4): nothing, not a TypeError
    none = published_averages(bm, "103", [2014, 2015], nb, ["Low8"], "mean", cat)
    assert none.empty and list(none.columns) == ["indicator", "year", "england", "sn_value"]
    for year in (2024, 2025):
        one = compare(bm, "103", year, nb, indicators=["Low8"], catalogue=cat).iloc[0]
        assert got.loc[("Low8", year), "england"] == one["england"]
        assert got.loc[("Low8", year), "sn_value"] == one["sn_value"]
    with pytest.raises(ValueError, match="year_label"):
        compare(bm, "103", 2023, nb, indicators=["Low8"], catalogue=cat)
    alone = published_averages(bm, "103", [2025], None, ["Low8"], "mean", cat)
    assert alone["england"].tolist() == [55.0] and alone["sn_value"].isna().all()


def test_compare_with_the_frames_own_lookup_given_is_the_same():
    """A card compares several years of one frame: the frame's own LA lookup, built once,
    gives what compare builds for itself."""
    from scorecard.benchmark import benchmark_lookup

    bm = pd.concat(
        [panel({"Low8": EIGHT}, year="2023-24"), panel({"Low8": EIGHT}, year="2024-25")],
        ignore_index=True,
    )
    nb = neighbours("103", ["101", "104", "109"])
    own = benchmark_lookup(bm)
    assert own.resolve("LA 103") == "103" and own.name("103") == "LA 103"
    for year in (2024, 2025):
        plain = compare(bm, "LA 103", year, nb, catalogue=EMPTY, polarity=POL)
        given = compare(bm, "LA 103", year, nb, catalogue=EMPTY, polarity=POL, own_lookup=own)
        pd.testing.assert_frame_equal(plain, given)
        assert given["la_name"].iloc[0] == "LA 103" and given["sn_value"].iloc[0] == 2.5
