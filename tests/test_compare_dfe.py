"""compare() against the real DfE files: Kent (886) in 2025 with the May 2025 neighbours,
re-derived with numpy the way LAIT's R code does it, and the README's worked example.
Skipped when /work/shared/data/dfe (beside the repo) is absent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.benchmark import compare, ees_series, load_benchmarks, load_neighbours

DFE = Path(__file__).resolve().parents[2] / "shared" / "data" / "dfe"
KEY = ["LACStable_2016on", "LAC_LongStable%", "ReReferral", "CareLeaversNEET", "LAC"]
KENT_SNS = ["881", "845", "878", "303", "935", "926", "891", "938", "822", "933"]


def dfe(name: str) -> Path:
    path = DFE / name
    if not path.exists():
        pytest.skip(f"real DfE file {name} not available in {DFE}")
    return path


@pytest.fixture(scope="module")
def lait() -> pd.DataFrame:
    return load_benchmarks(dfe("bds_long_0.parquet"))


@pytest.fixture(scope="module")
def kent(lait) -> pd.DataFrame:
    nb = load_neighbours(dfe("sn_may_2025.xlsx"))
    got = compare(lait, "Kent", 2025, nb, indicators=KEY, polarity=dfe("lait_data_dictionary.csv"))
    return got.set_index("indicator")


def test_xlsx_and_wide_csv_give_kent_the_same_neighbours():
    for name in ("sn_may_2025.xlsx", "sn_model_2025_wide.csv"):
        nb = load_neighbours(dfe(name))
        assert list(nb.loc[nb["la_code"] == "886", "neighbour_code"]) == KENT_SNS


def test_readme_worked_example(kent):
    # README: Kent, SN mean, Q1 / median / Q3 (2025, 2025 SNs, all LA rows)
    expected = {
        "LACStable_2016on": (12, 11.1, 8, 10, 12),
        "LAC_LongStable%": (69, 70.8, 63, 68, 72),
        "ReReferral": (21.6, 20.45, 16.9, 20.0, 23.0),
        "CareLeaversNEET": (40, 42.2, 35, 40, 45),
        "LAC": (53, 55.0, 53, 67, 90),
    }
    for ind, (la, sn, q1, med, q3) in expected.items():
        row = kent.loc[ind]
        assert row["la_value"] == pytest.approx(la), ind
        assert row["sn_value"] == pytest.approx(sn), ind
        assert row["sn_count"] == 10, ind
        assert (row["q1"], row["median"], row["q3"]) == pytest.approx((q1, med, q3)), ind
    # bands from those numbers: 3+ placements 12 is on Q3 (right-closed) -> C (low is good);
    # long-term 69 in (68, 72] -> B (high is good); re-referral 21.6 in (20, 23] -> C;
    # NEET 40 on the median -> B; CLA rate per 10k is neutral in LAIT (no band)
    assert kent["quartile_band"].to_dict() == {
        "LACStable_2016on": "C",
        "LAC_LongStable%": "B",
        "ReReferral": "C",
        "CareLeaversNEET": "B",
        "LAC": None,
    }
    assert kent.loc["ReReferral", "england"] == 22.6
    assert kent.loc["ReReferral", "region_name"] == "South East"


def test_agrees_with_lait_method_rederived_with_numpy(lait, kent):
    dictionary = pd.read_csv(dfe("lait_data_dictionary.csv")).drop_duplicates("Measure_short")
    polarity = dictionary.set_index("Measure_short")["Polarity"]
    year = lait[lait["year"] == 2025]
    for ind in KEY:
        rows = year[(year["indicator"] == ind) & (pd.to_numeric(year["la_code"]) < 970)]
        vals = rows.dropna(subset=["value"]).set_index("la_code")["value"]
        q = np.quantile(vals.to_numpy(), [0, 0.25, 0.5, 0.75, 1], method="linear")
        own = vals["886"]
        # LAIT calculate_quartile_band: [q0,q25] A, (q25,q50] B, (q50,q75] C, (q75,q100] D
        # (Low); High relabels D, C, B, A
        interval = int(np.searchsorted(q[1:4], own, side="left"))
        pol = polarity[ind]
        band = {"Low": "ABCD", "High": "DCBA"}.get(pol)
        # rank: ties.method min, descending for High
        better = (vals < own).sum() if pol == "Low" else (vals > own).sum()
        sn = vals.reindex(KENT_SNS).dropna()
        row = kent.loc[ind]
        assert (row["q1"], row["median"], row["q3"]) == pytest.approx(tuple(q[1:4])), ind
        assert row["n_las"] == len(vals), ind
        assert row["sn_value"] == pytest.approx(sn.mean()), ind
        assert row["sn_count"] == len(sn), ind
        if band is None:
            assert row["quartile_band"] is None and pd.isna(row["rank"]), ind
            continue
        assert row["quartile_band"] == band[interval], ind
        assert row["rank"] == better + 1, ind
        # best LA (default rule): among LAs with 100+ children looked after at 31 March 2025
        # (LACnum; an LA with no 2025 figure takes its latest earlier one)
        sizes = lait[(lait["indicator"] == "LACnum") & lait["value"].notna()]
        size = sizes.sort_values("year").drop_duplicates("la_code", keep="last")
        size = size.set_index("la_code")["value"].reindex(vals.index)
        big = vals[size >= 100]
        best = big.min() if pol == "Low" else big.max()
        assert row["best_value"] == best, ind
        assert row["gap_to_best"] == pytest.approx(abs(own - best)), ind


def test_catalogue_ids_map_to_lait_and_polarity(lait):
    nb = load_neighbours(dfe("sn_model_2025_wide.csv"))
    got = compare(
        lait,
        "886",
        "2024-25",
        nb,
        indicators=["placement_stability_short", "placement_stability_long", "re_referral_rate"],
    ).set_index("catalogue_id")
    assert got.loc["placement_stability_short", "indicator"] == "LACStable_2016on"
    assert got.loc["placement_stability_short", "polarity"] == "low_is_good"
    assert got.loc["placement_stability_long", "polarity"] == "high_is_good"
    assert got.loc["placement_stability_long", "quartile_band"] == "B"
    assert got.loc["re_referral_rate", "sn_value"] == pytest.approx(20.45)


def test_england_rereferral_recomputed_from_la_counts():
    c1 = load_benchmarks(dfe("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"))
    for year in (2016, 2025):  # years without suppressed LA counts
        rows = c1[c1["year"] == year]
        las = rows[rows["level"] == "Local authority"]
        ref = las[las["measure"] == "referral_count"].set_index("la_code")["value"]
        rer = las[las["measure"] == "rereferral_count"].set_index("la_code")["value"]
        ok = ref.notna() & rer.reindex(ref.index).notna()
        recomputed = 100 * rer[ok].sum() / ref[ok].sum()
        published = rows.loc[
            (rows["level"] == "National") & (rows["measure"] == "rereferral_percent"), "value"
        ].iloc[0]
        assert recomputed == pytest.approx(published, abs=0.05 + 0.1 * (~ok).sum()), year


def test_ees_placement_stability_agrees_with_lait(lait):
    cat = sc.load_catalogue()
    pairs = [("placement_stability_short", 2021), ("placement_stability_long", 2021)]
    for ind_id, first in pairs:
        ind = cat.get(ind_id)
        ees = ind.benchmark.ees
        published = ees_series(dfe(ees.file), ees.filter, ees.value_column)
        published = published[published["level"] == "Local authority"]
        ours = lait[(lait["indicator"] == ind.benchmark.lait) & (lait["year"] >= first)]
        merged = published.merge(ours, on=["la_code", "year"], suffixes=("_ees", "_lait"))
        merged = merged[pd.to_numeric(merged["la_code"]) < 970]
        # README: 775 LA-years 2021-2025, suppressed cells counted as matches
        assert len(merged) == 775, ind_id
        both = merged.dropna(subset=["value_ees", "value_lait"])
        assert (both["value_ees"] == both["value_lait"]).all(), ind_id
        kent = merged[merged["la_code"] == "886"].sort_values("year")
        assert list(kent["value_ees"]) == list(kent["value_lait"]), ind_id
        assert len(kent) == 5


def test_every_lait_name_in_the_catalogue_exists():
    dictionary = pd.read_csv(dfe("lait_data_dictionary.csv"))
    names = set(dictionary["Measure_short"].dropna().astype(str).str.strip())
    cat = sc.load_catalogue()
    used = {i.id: i.benchmark.lait for i in cat if i.benchmark is not None and i.benchmark.lait}
    assert used, "the catalogue maps no indicator to LAIT"
    unknown = {k: v for k, v in used.items() if v not in names}
    assert not unknown, f"benchmark.lait names not in LAIT's data dictionary: {unknown}"


def test_compare_on_ees_files_matches_lait(kent):
    from scorecard.benchmark import catalogue_benchmarks

    ees = catalogue_benchmarks([DFE, dfe("vintage_2024")])
    nb = load_neighbours(dfe("sn_may_2025.xlsx"))
    got = compare(ees, "E10000016", 2025, nb, polarity=dfe("lait_data_dictionary.csv"))
    got = got.set_index("indicator")
    # every LAIT key indicator has an EES mapping: same LA value, SN mean, quartiles, band
    assert set(KEY) <= set(got.index)
    cols = ["la_value", "sn_value", "sn_count", "q1", "median", "q3", "n_las"]
    for ind in KEY:
        for col in cols:
            assert got.loc[ind, col] == pytest.approx(kent.loc[ind, col]), (ind, col)
        same_rank = got.loc[ind, "rank"] == kent.loc[ind, "rank"]
        assert (pd.isna(kent.loc[ind, "rank"]) and pd.isna(got.loc[ind, "rank"])) or same_rank
        assert got.loc[ind, "quartile_band"] == kent.loc[ind, "quartile_band"], ind
        assert got.loc[ind, "england"] == pytest.approx(kent.loc[ind, "england"]), ind


def test_lait_csv_with_codes_from_an_ees_lookup():
    # the derived LAIT CSV has no Data item column and no 9-character codes
    derived = load_benchmarks(
        dfe("derived/lait_cla_key_indicators_long.csv"),
        la_lookup=dfe("la_cla_placement_stability.csv"),
    )
    kent = derived[derived["la_code"] == "886"]
    assert (kent["new_la_code"] == "E10000016").all()
    nb = load_neighbours(dfe("sn_may_2025.xlsx"))
    a = compare(derived, "E10000016", 2025, nb, indicators=["ReReferral"])
    # without codes in the file, the bundled list of English LAs resolves the 9-character
    # code (or a lookup given)
    plain = load_benchmarks(dfe("derived/lait_cla_key_indicators_long.csv"))
    b = compare(plain, "E10000016", 2025, nb, indicators=["ReReferral"])
    c = compare(
        plain, "E10000016", 2025, nb, indicators=["ReReferral"], la_lookup=dfe("old_la_codes.csv")
    )
    assert a.equals(b) and a.equals(c)
    assert a.loc[0, "sn_value"] == pytest.approx(20.45)


def test_every_catalogue_ees_mapping_agrees_with_lait(lait):
    """Each indicator the catalogue maps to both LAIT and an EES file: the current EES
    release gives LAIT's figure for every LA-year 2021-2025, and withholds the same cells
    (KS4 grade 4+ for children looked after: over a third of LA-years, small cohorts)."""
    from scorecard.benchmark import benchmark_panel

    ees = benchmark_panel(dfe("la_cla_placement_stability.csv").parent)
    cat = sc.load_catalogue()
    both = [i for i in cat if i.benchmark and i.benchmark.lait and i.benchmark.ees]
    assert len(both) >= 10
    for ind in both:
        name = ind.benchmark.lait
        mine = ees[(ees["indicator"] == name) & (ees["level"] == "Local authority")]
        mine = mine[mine["year"] >= 2021]
        theirs = lait[lait["indicator"] == name]
        merged = mine.merge(theirs, on=["la_code", "year"], suffixes=("_ees", "_lait"))
        assert len(merged) >= 761, name  # 155 LAs x 5 years (c1 lacks a few)
        valued = merged.dropna(subset=["value_ees", "value_lait"])
        assert (merged["value_ees"].isna() == merged["value_lait"].isna()).all(), name
        assert len(valued) > 0.6 * len(merged), name
        assert (valued["value_ees"] == valued["value_lait"]).all(), name
