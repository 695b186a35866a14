"""The card's comparator columns (contract 5), filled from published figures: the LA's own
published value and year, where the current value would stand, best LA by the minimum-size
rule, best neighbour, gaps from the current value, counts never compared, and the authority
resolved (and named) from any entry point. Hand-built panels; numbers worked out below."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.benchmark import load_benchmarks
from scorecard.la_lookup import UnknownLAError
from scorecard.report import AuthorityMismatchWarning, build_scorecard
from scorecard.report.scorecard import COMPARATOR_COLUMNS, FRAME_COLUMNS

# foster care (LAIT LAC_Foster_Placements, high is good): LAs 101-108 at 10, 20 ... 80
FOSTER = {str(100 + i): 10.0 * i for i in range(1, 9)} | {"970": 55, "989": 50}
# sizes (LACnum, children looked after): 107 and 108 are tiny
SIZES = {"101": 300, "102": 150, "103": 150, "104": 150, "105": 150, "106": 150}
SIZES |= {"107": 50, "108": 20, "970": 80000}


def lait(values: dict[str, dict[str, object]], year: str) -> pd.DataFrame:
    rows = [
        {
            "Short Desc": ind,
            "Years": year,
            "LA and Regions": {"970": "England", "989": "South East"}.get(code, f"LA {code}"),
            "Values": str(v),
            "LA Number": code,
            "Region": "NA" if int(code) >= 970 else "South East",
        }
        for ind, by_la in values.items()
        for code, v in by_la.items()
    ]
    return load_benchmarks(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return pd.concat(
        [
            lait({"LAC_Foster_Placements": FOSTER, "LACnum": SIZES}, "2024-25"),
            # after the quarter's year: never used for 2024-25 Q4
            lait({"LAC_Foster_Placements": {"101": 99, "102": 1}}, "2025-26"),
            # NEET last published for 2022-23
            lait({"CareLeaversNEET": {"101": 40, "102": 30, "970": 38}}, "2022-23"),
            # CLA rate: 101 suppressed in 2024-25, published in 2023-24
            lait({"LAC": {"101": 51, "102": 60}}, "2023-24"),
            lait({"LAC": {"101": "c", "102": 62}}, "2024-25"),
        ],
        ignore_index=True,
    )


@pytest.fixture(scope="module")
def card(three_children, panel):
    """Three children looked after at 31 March 2025, two in foster care: 66.67%."""
    nb = pd.DataFrame(
        {"la_code": "101", "neighbour_code": ["107", "108", "102"], "rank": [1, 2, 3]}
    )
    ds = sc.Dataset.from_frames(**three_children())
    return build_scorecard(ds, quarter="2024-25 Q4", benchmarks=panel, neighbours=nb, la="101")


def row(card, ind_id: str) -> pd.Series:
    return card.frame.set_index("indicator").loc[ind_id]


def test_comparator_columns_in_contract_order(card):
    assert COMPARATOR_COLUMNS == [
        "sn_value",
        "sn_count",
        "england",
        "region",
        "published_value",
        "benchmark_year",
        "quartile_band",
        "rank",
        "n_las",
        "value_quartile_band",
        "value_rank",
        "best_value",
        "best_la",
        "gap_to_best",
        "best_neighbour_value",
        "best_neighbour",
        "gap_to_best_neighbour",
    ]
    cols = list(card.frame.columns)
    at = cols.index("sn_value")
    assert cols[at : at + len(COMPARATOR_COLUMNS)] == COMPARATOR_COLUMNS
    assert cols == FRAME_COLUMNS


def test_published_figure_and_current_value_are_told_apart(card):
    r = row(card, "pct_foster_care")
    assert r["value"] == pytest.approx(200 / 3)
    # the LA's own published figure: 10, the lowest of 8: band D, rank 8 of 8
    assert (r["published_value"], r["benchmark_year"]) == (10.0, "2024-25")
    assert (r["quartile_band"], r["rank"], r["n_las"]) == ("D", 8, 8)
    # the current 66.67 in place of 10: 20 30 40 50 60 66.67 70 80, h = 7p: q1 at 1.75 ->
    # 30 + 7.5 = 37.5; median at 3.5 -> 55; q3 at 5.25 -> 66.67 + .25 x 3.33 = 67.5.
    # 66.67 in (55, 67.5]: the third interval, B for high-is-good; 70 and 80 better: rank 3
    assert (r["value_quartile_band"], r["value_rank"]) == ("B", 3)
    assert (r["england"], r["region"]) == (55.0, 50.0)


def test_best_la_by_size_best_neighbour_and_gaps_from_the_current_value(card):
    r = row(card, "pct_foster_care")
    # 107 (70) and 108 (80) look after fewer than 100 children: the best is 106 at 60
    assert (r["best_value"], r["best_la"]) == (60.0, "LA 106")
    # high is good: gap = best - current as shown (2 of 3: 66.7%) = -6.7 (ahead: negative)
    assert r["gap_to_best"] == pytest.approx(60 - 66.7)
    # neighbours 107, 108, 102: mean (70 + 80 + 20) / 3; the best of them, whatever its size
    assert r["sn_value"] == pytest.approx(170 / 3) and r["sn_count"] == 3
    assert (r["best_neighbour_value"], r["best_neighbour"]) == (80.0, "LA 108")
    assert r["gap_to_best_neighbour"] == pytest.approx(80 - 66.7)
    assert "at least 100 children looked after" in card.benchmark_note


def test_the_value_is_ranked_as_shown(three_children):
    # ours is 2 of 3 = 66.67%, shown 66.7%; LA 109 published 66.7%. As shown they tie, and
    # the card must not rank the one '66.7%' behind the other (it ranked ours 4th: after
    # 108's 80, 107's 70 and 109's 66.7)
    panel = lait(
        {"LAC_Foster_Placements": FOSTER | {"109": 66.7}, "LACnum": SIZES | {"109": 150}},
        "2024-25",
    )
    ds = sc.Dataset.from_frames(**three_children())
    got = row(
        build_scorecard(ds, quarter="2024-25 Q4", benchmarks=panel, la="101"), "pct_foster_care"
    )
    assert got["value_rank"] == 3


def test_each_indicator_has_its_own_year(card):
    # foster care: 2024-25 (the 2025-26 rows come after the quarter's year)
    assert row(card, "pct_foster_care")["benchmark_year"] == "2024-25"
    # NEET: last published 2022-23
    r = row(card, "care_leavers_neet_19_21")
    assert (r["benchmark_year"], r["published_value"]) == ("2022-23", 40.0)
    # CLA rate: 101's 2024-25 figure is suppressed, so its latest published: 2023-24
    r = row(card, "cla_rate_per_10k")
    assert (r["benchmark_year"], r["published_value"]) == ("2023-24", 51.0)


def test_a_count_is_not_set_beside_other_authorities_counts(card):
    r = row(card, "cla_count")
    assert r["value"] == 3
    assert (r["published_value"], r["benchmark_year"]) == (300.0, "2024-25")  # its own
    for col in ("sn_value", "england", "region", "best_value", "gap_to_best", "value_rank"):
        assert np.isnan(r[col]), col
    assert r["quartile_band"] is None and r["best_la"] is None
    assert "Counts are not compared" in card.benchmark_note


def test_min_size_none_is_laits_plain_best(three_children, panel):
    ds = sc.Dataset.from_frames(**three_children())
    plain = build_scorecard(ds, quarter="2024-25 Q4", benchmarks=panel, la="101", min_size=None)
    r = row(plain, "pct_foster_care")
    assert (r["best_value"], r["best_la"]) == (80.0, "LA 108")
    assert r["gap_to_best"] == pytest.approx(80 - 66.7)


# ---------------------------------------------------------------- the authority
def test_authority_named_from_the_bundled_list_without_benchmarks(three_children):
    ds = sc.Dataset.from_frames(**three_children())
    for la in ("886", 886, "Kent", "E10000016"):
        card = build_scorecard(ds, quarter="2024-25 Q4", la=la)
        assert (card.la_code, card.la_name) == ("886", "Kent"), la
    assert build_scorecard(ds, quarter="2024-25 Q4").la_name == "Local authority"  # none given


def test_a_card_for_another_authority_than_the_returns_name_is_warned(three_children):
    # the CIN census returns say LEA 886 (Kent): a card typed for 887 (Medway) would put
    # Medway's published figures beside Kent's data, silently
    ds = dataclasses.replace(sc.Dataset.from_frames(**three_children()), authority="886")
    with pytest.warns(
        AuthorityMismatchWarning, match="returns name LA 886, but the card is for LA 887"
    ):
        build_scorecard(ds, quarter="2024-25 Q4", la="887")
    for la in ("886", "Kent", None):  # the same authority, or the one the returns name
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert build_scorecard(ds, quarter="2024-25 Q4", la=la).la_code == "886"


def test_a_card_of_the_bundled_sample_for_another_authority_is_warned():
    # the bundled sample names no authority, but it is Wealdshire's (LA 650): Kent's
    # comparators and title would sit beside Wealdshire's data
    ds = sc.load_dataset()
    with pytest.warns(AuthorityMismatchWarning, match=r"bundled sample is Wealdshire's \(LA 650\)"):
        build_scorecard(ds, quarter="2024-25 Q4", la="886")
    for la in ("650", "Wealdshire", None):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert build_scorecard(ds, quarter="2024-25 Q4", la=la).la_code == "650"


@pytest.mark.parametrize(("la", "close"), [("88", "886 Kent"), ("Kentt", "886 Kent")])
def test_unknown_authority_never_builds(three_children, la, close):
    ds = sc.Dataset.from_frames(**three_children())
    with pytest.raises(UnknownLAError, match=close):
        build_scorecard(ds, quarter="2024-25 Q4", la=la)


def test_benchmarks_from_several_files_and_ees(three_children, tmp_path, panel):
    # the panel split over a LAIT CSV and an EES-layout file of foster care
    ees = tmp_path / "ees.csv"
    ees.write_text(
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
        "region_name,old_la_code,la_name,new_la_code,cla_group,placement_stability,"
        "children_count,children_percent\n"
        "2025,Reporting year,Local authority,E92000001,England,E12000008,South East,101,"
        "LA 101,,CLA on 31 March,With 3 or more placements during the year,3,4\n"
        "2025,Reporting year,Local authority,E92000001,England,E12000008,South East,102,"
        "LA 102,,CLA on 31 March,With 3 or more placements during the year,9,12\n"
    )
    csv = tmp_path / "lait.csv"
    raw = panel.rename(
        columns={
            "indicator": "Short Desc",
            "year_label": "Years",
            "la_name": "LA and Regions",
            "la_code": "LA Number",
            "region": "Region",
        }
    )
    raw["Values"] = raw["value"].astype("str").where(raw["value"].notna(), raw["status"])
    raw.to_csv(csv, index=False)
    ds = sc.Dataset.from_frames(**three_children())
    card = build_scorecard(ds, quarter="2024-25 Q4", benchmarks=[ees, csv], la="LA 101")
    assert card.la_code == "101" and card.la_name == "LA 101"
    r = row(card, "placement_stability_short")  # from the EES file, by the catalogue
    assert (r["published_value"], r["benchmark_year"], r["rank"]) == (4.0, "2024-25", 1)
    assert row(card, "pct_foster_care")["published_value"] == 10.0  # from the LAIT file


# ---------------------------------------------------------------- the real files
@pytest.mark.dfe
@pytest.mark.slow
def test_kent_card_on_the_real_files(dfe_dir, sample_dataset):
    """Issue 10: with Kent 886, bds_long_0.parquet and sn_may_2025.xlsx, 3+ placements shows
    Kent's published 12.0 for 2024-25 and places the current value in band B; no best LA is
    a tiny authority."""
    with pytest.warns(AuthorityMismatchWarning, match="Wealdshire"):  # the sample as Kent
        card = build_scorecard(
            sample_dataset,
            quarter="2024-25 Q4",
            benchmarks=dfe_dir / "bds_long_0.parquet",
            neighbours=dfe_dir / "sn_may_2025.xlsx",
            la="886",
        )
    assert card.la_name == "Kent"
    r = row(card, "placement_stability_short")
    assert (r["published_value"], r["benchmark_year"]) == (12.0, "2024-25")
    assert (r["quartile_band"], r["rank"], r["n_las"]) == ("C", 104, 151)  # published 12
    # the sample's current value (9.7%) against 2024-25's quartiles 8 / 10 / 12: band B
    assert 8 < r["value"] <= 10 and r["value_quartile_band"] == "B"
    assert r["best_neighbour"] and not np.isnan(r["gap_to_best_neighbour"])
    tiny = {"City of London", "Isles of Scilly", "Rutland"}
    assert not tiny & set(card.frame["best_la"].dropna())
    assert card.frame["best_la"].notna().sum() >= 10
    # counts: Kent's own published count only
    count = row(card, "cla_count")
    assert count["published_value"] > 1000 and np.isnan(count["england"])


def test_best_la_rule_without_published_sizes_is_said(three_children, panel):
    ds = sc.Dataset.from_frames(**three_children())
    no_sizes = panel[panel["indicator"] != "LACnum"]
    card = build_scorecard(ds, quarter="2024-25 Q4", benchmarks=no_sizes, la="101")
    r = row(card, "pct_foster_care")
    assert r["best_la"] is None and np.isnan(r["best_value"]) and r["published_value"] == 10.0
    assert "Best LA not named: the benchmark data has no LACnum" in card.benchmark_note


def test_a_value_is_not_ranked_among_authorities_of_a_year_ours_is_withheld_since(
    three_children,
):
    """101's 3+ placements figure (low is good) is 'c' in 2024-25, published in 2023-24; the
    others have published 2024-25. The card keeps 101's own 2023-24 comparators, but does not
    rank this quarter's value among 2023-24's authorities or measure its gap to their best,
    and says why. Foster care (101 published in 2024-25) is ranked as before."""
    moves = {"101": 8, "102": 12, "103": 14, "970": 10}
    panel = pd.concat(
        [
            lait({"LAC_Foster_Placements": FOSTER, "LACnum": SIZES}, "2024-25"),
            lait({"LACStable_2016on": moves}, "2023-24"),
            lait({"LACStable_2016on": moves | {"101": "c"}}, "2024-25"),
        ],
        ignore_index=True,
    )
    ds = sc.Dataset.from_frames(**three_children())
    card = build_scorecard(ds, quarter="2024-25 Q4", benchmarks=panel, la="101")
    r = row(card, "placement_stability_short")
    assert (r["benchmark_year"], r["published_value"]) == ("2023-24", 8.0)
    assert r["value_quartile_band"] is None and pd.isna(r["value_rank"])
    assert np.isnan(r["gap_to_best"])
    assert (
        "has no published figure of its own in later years (withheld as 'c', or not in the file) "
        "for: Children looked after with 3 or more placements during the year (ours last "
        "published 2023-24, others 2024-25)"
    ) in card.benchmark_note
    foster = row(card, "pct_foster_care")
    assert (foster["value_quartile_band"], foster["value_rank"]) == ("B", 3)
