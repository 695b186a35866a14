"""The seeded synthetic sample (scorecard.sample): determinism, shape, loading, calibration
against England's headline figures, and the synthetic benchmark panel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.sample import generate, write_sample
from scorecard.sample.authorities import bordering
from scorecard.sample.benchmarks import LAIT_COLUMNS
from scorecard.sample.episodes import locate_placements
from scorecard.sample.files import write_tables
from scorecard.sample.headline import headline
from scorecard.tables import TABLES

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
AT = "2025-03-31"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def ds() -> sc.Dataset:
    return sc.load_dataset()


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return generate(7, children_scale=0.1, years=3)


# ----------------------------------------------------------------------------- determinism


def test_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    # regenerating with the default seed must reproduce data/sample byte for byte: the
    # committed files are up to date and the writer (CSV and Parquet) is deterministic
    write_sample(tmp_path, 2025)
    assert _files(tmp_path) == _files(SAMPLE)


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        write_tables(generate(seed, children_scale=0.1, years=3), tmp_path / name)
    a, b, c = (_files(tmp_path / n) for n in "abc")
    assert a == b
    assert a.keys() == c.keys()
    assert a["episodes.csv"] != c["episodes.csv"]
    assert a["referrals.parquet"] != c["referrals.parquet"]


# ----------------------------------------------------------------------------- shape


def test_every_table_with_its_columns() -> None:
    names = {p.stem for p in SAMPLE.iterdir() if p.is_file()}
    assert names == set(TABLES)
    optional = {
        "header": ["ETHNIC", "UPN"],
        "episodes": [
            "CIN",
            "PLACE_PROVIDER",
            "REASON_PLACE_CHANGE",
            "HOME_POST",
            "PL_POST",
            "URN",
            "PL_DISTANCE",
            "PL_LOCATION",
            "PL_LA",
        ],
        "uasc": ["SEX", "DOB"],
        "referrals": [
            "ReferralSource",
            "PrimaryNeedCode",
            "CINclosureDate",
            "ReasonForClosure",
            "ReferralNFA",
        ],
        "iro_allocations": ["CASE_TYPE"],
    }
    for name, required in TABLES.items():
        path = next(SAMPLE.glob(f"{name}.*"))
        cols = (
            pd.read_parquet(path).columns
            if path.suffix == ".parquet"
            else pd.read_csv(path, nrows=1).columns
        )
        need = set(required) | set(optional.get(name, []))
        assert need <= set(cols), (name, need - set(cols))


def test_sizes_in_range() -> None:
    total = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    # 5.8 MB before PL_LOCATION and PL_LA (0.4 MB) were added to the episodes
    assert total < 6_500_000, f"data/sample is {total / 1e6:.1f} MB"
    rows = {p.stem: len(pd.read_parquet(p)) for p in SAMPLE.glob("*.parquet")}
    rows |= {p.stem: p.read_bytes().count(b"\n") - 1 for p in SAMPLE.glob("*.csv")}
    assert 25_000 <= rows["episodes"] <= 45_000
    assert 6_000 <= rows["header"] <= 14_000
    assert 120_000 <= rows["referrals"] <= 200_000
    assert rows["districts"] == 30
    assert rows["ks4_all"] == 10


def test_csv_dates_are_dd_mm_yyyy() -> None:
    e = pd.read_csv(SAMPLE / "episodes.csv", dtype=str, nrows=200)
    assert e["DECOM"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()


# ----------------------------------------------------------------------------- loading


def test_sample_loads_cleanly(ds: sc.Dataset) -> None:
    assert set(ds.names) == set(TABLES)
    assert len(ds.quality) == 0, ds.quality.head().to_string()
    assert ds.table("episodes")["DECOM"].dtype == "datetime64[ns]"


def test_episode_histories_are_consistent(ds: sc.Dataset) -> None:
    e = ds.table("episodes").sort_values(["CHILD", "DECOM"], kind="stable")
    assert (e["DEC"].isna() | (e["DEC"] > e["DECOM"])).all()
    same = e["CHILD"].to_numpy()[1:] == e["CHILD"].to_numpy()[:-1]
    # X1 means the next episode of the child starts the same day
    x1 = (e["REC"] == "X1").to_numpy()[:-1] & same
    assert (e["DEC"].to_numpy()[:-1][x1] == e["DECOM"].to_numpy()[1:][x1]).all()
    # 2024-25 withdrew H5 and P2: no episode starts with them from 1 April 2024
    late = e["DECOM"] >= "2024-04-01"
    assert not e.loc[late, "PLACE"].isin(["H5", "P2"]).any()
    assert e.loc[late, "PLACE"].eq("K3").any()
    # what the generator promises to exercise
    for col, codes in {
        "RNE": ["S", "P", "B", "L", "T", "U"],
        "LS": ["V3", "V4", "C1", "C2", "V2", "E1"],
        "PLACE": ["T0", "T1", "T2", "T3", "T4", "A3", "A4", "A5", "A6", "U1", "U6", "K2"],
        "REC": ["E11", "E12", "X1", "E17", "E4A"],
    }.items():
        assert set(codes) <= set(e[col].dropna()), col
    assert e["HOME_POST"].str.fullmatch(r"WD\d{1,2} \d[A-Z]{2}").all()


def test_histories_exercise_the_counting_rules(ds: sc.Dataset) -> None:
    e = ds.table("episodes")
    e = e[~e["LS"].isin(["V3", "V4"])].sort_values(["CHILD", "DECOM"], kind="stable")
    e = e.reset_index(drop=True)
    key = e["PLACE"] + "|" + e["PLACE_PROVIDER"] + "|" + e["URN"]
    child = e["CHILD"]
    # most temporary placements end with a return to the placement held before them
    temp = e["PLACE"].str.fullmatch(r"T[0-4]")
    inside = temp & (child.shift(1) == child) & (child.shift(-1) == child)
    back = key.shift(-1)[inside] == key.shift(1)[inside]
    assert inside.sum() > 50 and back.mean() > 0.6
    # some children leave care and come back: a second period starting RNE S
    assert (e.loc[e["RNE"] == "S"].groupby("CHILD").size() > 1).sum() > 100
    # adoption: placed (A3-A6) then adopted (E11/E12) from that placement
    adopted = e[e["REC"].isin(["E11", "E12"])]
    assert len(adopted) > 100
    assert adopted["PLACE"].isin(["A3", "A4", "A5", "A6"]).mean() > 0.9


def test_placement_location_agrees_with_distance_and_provider(ds: sc.Dataset) -> None:
    e = ds.table("episodes")
    assert set(e["PL_LOCATION"]) == {"IN", "OUT"}
    # inside the boundary = in Wealdshire; outside = another authority (or Wales, Scotland)
    inside = e["PL_LOCATION"] == "IN"
    assert (e.loc[inside, "PL_LA"] == "E10000650").all()
    assert e.loc[~inside, "PL_LA"].str.fullmatch(r"E(06|10)000\d{3}|WAL|SCO").all()
    assert not (e.loc[~inside, "PL_LA"] == "E10000650").any()
    far = e["PL_DISTANCE"] > 20
    out_far, out_near = (~inside)[far].mean(), (~inside)[~far].mean()
    assert 0.8 < out_far < 0.97, out_far  # most far placements are outside, not all
    assert 0.02 < out_near < 0.15, out_near  # some near ones cross a boundary
    # other authorities' own provision (PR2) is mostly outside; the LA's own (PR1) inside
    by_provider = (~inside).groupby(e["PLACE_PROVIDER"]).mean()
    assert by_provider["PR2"] > 0.7 and by_provider["PR1"] < 0.15


def test_placement_location_is_kept_by_same_placement_episodes(ds: sc.Dataset) -> None:
    # a legal-status change (RNE L) or a same-carer change (T, U) is the same placement
    e = ds.table("episodes").sort_values(["CHILD", "DECOM"], kind="stable")
    same_child = e["CHILD"].eq(e["CHILD"].shift(1))
    chained = same_child & e["REC"].shift(1).eq("X1") & e["RNE"].isin(["L", "T", "U"])
    assert chained.sum() > 1000
    for col in ("PL_LOCATION", "PL_LA", "PL_DISTANCE"):
        assert e[col][chained].eq(e[col].shift(1)[chained]).all(), col


def test_bordering_authorities_by_hand() -> None:
    # five authorities in one region (codes 601-605) and one alone in another: each gets
    # its neighbours in code order, one then two either side, wrapping round the region
    las = pd.DataFrame({"LA": ["603", "601", "650", "605", "602", "604"], "region": [*"AABAAA"]})
    got = las["LA"].to_numpy()[bordering(las)]
    assert got[1].tolist() == ["605", "602", "604", "603"]  # 601: 605 and 602, 604 and 603
    assert got[0].tolist() == ["602", "604", "601", "605"]  # 603
    assert got[2].tolist() == ["650"] * 4  # alone in its region: nobody else to border


def test_locate_placements_by_hand() -> None:
    # three authorities; every episode of one placement gets one location and PL_LA
    codes = np.array(["E10000650", "E06000601", "E06000602"], dtype=object)
    borders = np.array([[1, 2], [0, 2], [0, 1]])
    n = 4000
    placement = np.repeat(np.arange(n // 2), 2)  # two episodes per placement
    la = np.zeros(n, dtype=np.int64)
    provider = np.where(placement % 2 == 0, "PR2", "PR1").astype(object)
    miles = np.where(placement % 4 < 2, 5.0, 35.0)
    rng = np.random.default_rng(1)
    loc, pl_la = locate_placements(rng, placement, la, provider, miles, codes, borders)
    assert (loc[::2] == loc[1::2]).all() and (pl_la[::2] == pl_la[1::2]).all()
    out = loc == "OUT"
    assert (pl_la[~out] == "E10000650").all()
    near = miles <= 20
    assert set(pl_la[out & near]) <= {"E06000601", "E06000602"}  # across the boundary
    assert "E10000650" not in set(pl_la[out])
    # rates per (provider, distance) near the set chances: PR1 near 4%, PR2 far 97%
    assert abs(out[near & (provider == "PR1")].mean() - 0.04) < 0.03
    assert abs(out[~near & (provider == "PR2")].mean() - 0.97) < 0.03


# ----------------------------------------------------------------------------- calibration

# England-like levels at 31 March 2025 with a tolerance of a few points
HEADLINE = {
    "cla_rate_per_10k": (67, 4),
    "placement_stability_short": (10, 2.5),
    "placement_stability_long": (69, 4),
    "re_referral_rate": (22, 2.5),
    "care_leavers_neet_19_21": (40, 4),
    "pct_foster_care": (72, 3),
    "iro_caseload": (60, 5),
    "attainment_cla_att8": (20, 3),
}


@pytest.mark.parametrize("indicator", sorted(HEADLINE))
def test_headline_near_england(ds: sc.Dataset, indicator: str) -> None:
    target, tol = HEADLINE[indicator]
    value = float(sc.compute(indicator, ds, at=AT)["value"].iloc[0])
    assert abs(value - target) <= tol, f"{indicator} = {value:.1f}, wanted {target} +/- {tol}"


def test_attainment_gap_near_england(ds: sc.Dataset) -> None:
    # all pupils ~46, looked-after pupils ~20: a gap of about 26 points
    gap = float(sc.compute("attainment_gap_att8", ds, at=AT)["value"].iloc[0])
    assert 21 <= gap <= 31


def test_generator_reading_agrees_with_the_engine(ds: sc.Dataset) -> None:
    # `headline` is an independent reading of SPEC 5 used for the panel's Wealdshire
    # rows; it must agree with the engine (same children, same rules)
    head = headline(ds.tables, [AT]).iloc[0]
    pairs = {
        "cla_count": "cla",
        "placement_stability_short": "pct_3plus",
        "placement_stability_long": "long_stable",
        "re_referral_rate": "rereferral",
        "care_leavers_neet_19_21": "neet",
        "pct_foster_care": "foster",
    }
    for indicator, col in pairs.items():
        value = float(sc.compute(indicator, ds, at=AT)["value"].iloc[0])
        assert value == pytest.approx(head[col], abs=0.5), indicator


# ----------------------------------------------------------------------------- pooled data


def test_pooled_tables_carry_la_and_unique_ids() -> None:
    t = generate(3, n_las=3, children_scale=0.1, years=2)
    for name, frame in t.items():
        assert "LA" in frame.columns, name
    for name in ("header", "episodes", "referrals", "iro_staff", "population", "districts"):
        assert t[name]["LA"].nunique() == 3, name
    assert "650" in set(t["episodes"]["LA"])
    assert not t["header"].duplicated(["LA", "CHILD"]).any()
    assert t["episodes"]["DECOM"].dtype == "datetime64[ns]"
    ds = sc.Dataset.from_frames(**t)
    assert ds.pooled


def test_small_run_has_every_table(small: dict[str, pd.DataFrame]) -> None:
    assert set(small) == set(TABLES)
    assert "LA" not in small["episodes"].columns
    assert len(small["episodes"]) > 100
    with pytest.raises(ValueError, match="n_las"):
        generate(1, n_las=0)


# ----------------------------------------------------------------------------- benchmark panel


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "benchmarks" / "lait_long.csv", dtype=str, keep_default_na=False)


def test_panel_layout(panel: pd.DataFrame) -> None:
    assert list(panel.columns) == LAIT_COLUMNS
    codes = panel["LA Number"].astype(int)
    assert 140 <= codes[codes < 900].nunique() <= 160
    assert {970, 980, 986, 989, 990} <= set(codes)
    assert codes[codes < 900].between(601, 760).all()
    assert set(panel["Years"]) == {str(y) for y in range(2016, 2026)}
    assert {"-", "c", "x"} <= set(panel["Values"])
    wanted = {
        "LAC",
        "LACnum",
        "LACnum_Start",
        "LACceased",
        "LAC_Foster_Placements",
        "LACStable_2016on",
        "LAC_LongStable%",
        "ReReferral",
        "CareLeaversNEET",
        "CareLeaverEET",
        "CareLeaverAcc",
        "LACDistance",
        "LAC_KS4_AVG_Attain8",
        "LAC_EngMaths9-4",
        "AVG_Attain8_Score",
    }
    assert set(panel["Short Desc"]) == wanted


def test_panel_keys_match_the_catalogue(panel: pd.DataFrame) -> None:
    keys = {i.benchmark.lait for i in sc.load_catalogue() if i.benchmark and i.benchmark.lait}
    assert keys <= set(panel["Short Desc"])


def test_panel_has_wealdshire_as_computed(panel: pd.DataFrame, ds: sc.Dataset) -> None:
    w = panel[(panel["LA Number"] == "650") & (panel["Years"] == "2025")]
    assert set(w["LA and Regions"]) == {"Wealdshire"}
    assert set(w["Region"]) == {"South East"}
    value = w.set_index("Short Desc")["Values"].astype(float)
    for key, indicator in (
        ("LAC", "cla_rate_per_10k"),
        ("LACStable_2016on", "placement_stability_short"),
        ("ReReferral", "re_referral_rate"),
        ("CareLeaversNEET", "care_leavers_neet_19_21"),
        ("LAC_LongStable%", "placement_stability_long"),
        ("LAC_Foster_Placements", "pct_foster_care"),
        ("LACnum", "cla_count"),
        ("LACnum_Start", "cla_started"),
        ("LACceased", "cla_ceased"),
        ("LAC_KS4_AVG_Attain8", "attainment_cla_att8"),
    ):
        computed = float(sc.compute(indicator, ds, at=AT)["value"].iloc[0])
        assert value[key] == pytest.approx(computed, abs=1.0), key


def test_panel_distance_is_lait_definition(panel: pd.DataFrame, ds: sc.Dataset) -> None:
    # LACDistance: looked after at 31 March, placed more than 20 miles from home AND outside
    # the LA boundary (LAIT's wording); V3/V4 short breaks are not looked after
    w = panel[(panel["LA Number"] == "650") & (panel["Short Desc"] == "LACDistance")]
    e = ds.table("episodes")
    for year in (2019, 2025):
        at = pd.Timestamp(f"{year}-03-31")
        on = (e["DECOM"] <= at) & (e["DEC"].isna() | (e["DEC"] > at))
        cur = e[on & ~e["LS"].isin(["V3", "V4"])]
        far_out = (cur["PL_DISTANCE"] > 20) & (cur["PL_LOCATION"] == "OUT")
        far = cur["PL_DISTANCE"] > 20
        assert far_out.sum() < far.sum()  # the boundary matters
        value = float(w.loc[w["Years"] == str(year), "Values"].iloc[0])
        assert value == round(100 * far_out.mean()), year


def test_panel_spread_looks_national(panel: pd.DataFrame) -> None:
    la = panel[(panel["LA Number"].astype(int) < 900) & (panel["Years"] == "2025")]
    v = pd.to_numeric(la["Values"], errors="coerce").groupby(la["Short Desc"])
    mean, sd = v.mean(), v.std()
    assert 55 <= mean["LAC"] <= 90 and 15 <= sd["LAC"] <= 45
    assert 8 <= mean["LACStable_2016on"] <= 12.5
    assert 64 <= mean["LAC_LongStable%"] <= 72
    assert 17 <= mean["ReReferral"] <= 24


def test_neighbours_layout() -> None:
    sn = pd.read_csv(SAMPLE / "benchmarks" / "sn_model_wide.csv", encoding="utf-8-sig")
    cols = ["old_la_code", "la_name", "region_ind", "region_name"]
    cols += [c for j in range(1, 11) for c in (f"SN_{j}", f"SN_{j}P")]
    assert list(sn.columns) == cols
    assert len(sn) == 150 and sn["old_la_code"].is_unique
    row = sn[sn["old_la_code"] == 650].iloc[0]
    assert row["la_name"] == "Wealdshire" and row["region_name"] == "South East"
    nbrs = sn[[f"SN_{j}" for j in range(1, 11)]].to_numpy()
    assert np.isin(nbrs, sn["old_la_code"]).all()
    assert not (nbrs == sn["old_la_code"].to_numpy()[:, None]).any()
    assert (SAMPLE / "benchmarks" / "README.md").read_text().lower().count("synthetic") >= 1


def test_an_iro_case_is_one_row_however_often_its_plans_were_drawn():
    # child 7's CP plans with IRO1 overlap (days 10-50 and 30-80; and 60-open), so they are
    # one case from day 10, still open; its CLA case and its plan with IRO2 stay apart; a
    # plan starting the day the last one ends (80 -> 80) would touch, not overlap
    from scorecard.sample.iro import _one_row_per_case

    alloc = pd.DataFrame(
        {
            "la": 0,
            "IRO_ID": ["IRO1", "IRO1", "IRO1", "IRO1", "IRO2", "IRO1", "IRO1"],
            "CHILD": ["7", "7", "7", "7", "7", "8", "8"],
            "START": [10, 30, 60, 5, 30, 10, 80],
            "END": [50, 80, -1, 90, 40, 80, 100],
            "CASE_TYPE": ["CP", "CP", "CP", "CLA", "CP", "CP", "CP"],
        }
    )
    got = _one_row_per_case(alloc).sort_values(["CHILD", "IRO_ID", "CASE_TYPE", "START"])
    assert got[["CHILD", "IRO_ID", "CASE_TYPE", "START", "END"]].values.tolist() == [
        ["7", "IRO1", "CLA", 5, 90],
        ["7", "IRO1", "CP", 10, -1],
        ["7", "IRO2", "CP", 30, 40],
        ["8", "IRO1", "CP", 10, 80],
        ["8", "IRO1", "CP", 80, 100],
    ]
