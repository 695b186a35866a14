"""The catalogue: indicators.yaml to validated objects (SPEC section 6)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

import scorecard as sc
from scorecard.catalogue import CatalogueError, bundled_catalogue_path, parse_catalogue

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load((ROOT / "indicators.yaml").read_text(encoding="utf-8"))


def test_bundled_catalogue_has_every_spec_id(spec_ids) -> None:
    cat = sc.load_catalogue()
    missing = [i for i in spec_ids if i not in cat]
    assert missing == []
    assert len(cat) >= len(spec_ids)


def test_packaged_copy_matches_repo_root() -> None:
    # the installed package carries indicators.yaml; in a checkout it is the root file
    assert bundled_catalogue_path().read_text(encoding="utf-8") == (
        ROOT / "indicators.yaml"
    ).read_text(encoding="utf-8")


def test_lookup_filter_and_frame() -> None:
    cat = sc.load_catalogue()
    ind = cat.get("placement_stability_short")
    assert ind.polarity == "low_is_good"
    assert ind.params["min_placements"] == 3
    assert {i.id for i in cat.by_domain("care leavers")} >= {"care_leavers_neet_19_21"}
    assert all(i.domain == "IRO" for i in cat.filter(domain="IRO"))
    frame = cat.to_frame()
    assert list(frame["id"]) == cat.ids
    assert "placement stability" in cat.domains


def test_unknown_id_lists_close_matches() -> None:
    with pytest.raises(KeyError, match="placement_stability_short"):
        sc.load_catalogue().get("placement_stabilty_short")


def test_thresholds_by_year_fall_back() -> None:
    ind = sc.load_catalogue().get("care_leavers_neet_19_21")
    assert ind.thresholds("2024-25").green == 38  # default
    assert ind.thresholds("2025-26").green == 36  # that year's reset
    assert ind.thresholds("2026-27").green == 36  # latest earlier year carries on
    assert ind.thresholds("2025-26").target_value == 36


def _with(raw: dict, index: int, **changes: object) -> dict:
    data = copy.deepcopy(raw)
    data["indicators"][index].update(changes)
    return data


def test_every_problem_reported_at_once_with_id_and_key(raw: dict) -> None:
    data = copy.deepcopy(raw)
    data["indicators"][0]["colour"] = "blue"  # unknown key
    data["indicators"][1]["unit"] = "furlongs"  # bad enum
    del data["indicators"][2]["title"]  # missing field
    data["indicators"][3]["measure"] = "placement_movez"  # unknown measure
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(data, "test.yaml")
    text = str(err.value)
    assert "4 problem(s)" in text
    assert "'cla_count', key 'colour'" in text
    assert "'cla_rate_per_10k', key 'unit'" in text
    assert "'cla_rate_per_10k_excl_uasc', key 'title'" in text
    assert "unknown measure 'placement_movez'" in text and "placement_moves" in text


def test_bad_thresholds_for_polarity(raw: dict) -> None:
    idx = [i["id"] for i in raw["indicators"]].index("placement_stability_short")
    data = _with(raw, idx, rag={"default": {"green": 12, "amber": 10}})
    with pytest.raises(CatalogueError, match=r"placement_stability_short.*green threshold"):
        parse_catalogue(data)


def test_neutral_cannot_have_thresholds(raw: dict) -> None:
    data = _with(raw, 0, rag={"default": {"green": 1, "amber": 2}})
    with pytest.raises(CatalogueError, match="neutral"):
        parse_catalogue(data)


def test_unknown_param_and_wrong_type(raw: dict) -> None:
    idx = [i["id"] for i in raw["indicators"]].index("placement_stability_short")
    data = _with(raw, idx, params={"min_placement": 3, "same_carer_reasons": "L"})
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(data)
    assert "params.min_placement" in str(err.value)
    assert "params.same_carer_reasons" in str(err.value)


def test_duplicate_ids_and_bad_year(raw: dict) -> None:
    data = copy.deepcopy(raw)
    data["indicators"].append(copy.deepcopy(data["indicators"][0]))
    idx = [i["id"] for i in raw["indicators"]].index("re_referral_rate")
    data["indicators"][idx]["rag"] = {"by_year": {"2025": {"green": 1, "amber": 2}}}
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(data)
    assert "used more than once" in str(err.value)
    assert "2024-25" in str(err.value)


def test_yaml_is_never_executed(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("indicators: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        sc.load_catalogue(path)


def test_new_indicator_by_yaml_alone(raw: dict, tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    extra = copy.deepcopy(
        next(i for i in data["indicators"] if i["id"] == "placement_stability_short")
    )
    extra.update(id="placement_stability_4plus", title="4 or more placements")
    extra["params"] = {"min_placements": 4, "same_carer_reasons": ["L", "T", "U"]}
    data["indicators"].append(extra)
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    cat = sc.load_catalogue(path)
    assert cat.get("placement_stability_4plus").params["min_placements"] == 4


def test_missing_file() -> None:
    with pytest.raises(CatalogueError, match="not found"):
        sc.load_catalogue("/nonexistent/indicators.yaml")


def _index(raw: dict, ind_id: str) -> int:
    return [i["id"] for i in raw["indicators"]].index(ind_id)


def test_codes_in_params_are_checked_against_the_dfe_code_lists(raw: dict) -> None:
    data = copy.deepcopy(raw)
    # the SGO share the panel saw at 0% and Red: E43/E44 were withdrawn after 2017-18 and
    # replaced by E45-E48, which the indicator does not list
    adopted = data["indicators"][_index(raw, "pct_leavers_adopted")]
    adopted["params"] = {"codes": ["E43", "E44", "E11"]}
    data["indicators"][_index(raw, "placement_stability_short")]["params"] = {
        "min_placements": 3,
        "same_carer_reasons": ["L", "Q"],
    }
    data["indicators"][_index(raw, "pct_foster_care")]["params"] = {
        "column": "PLACE",
        "codes": ["U1", "U7"],
    }
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(data)
    text = str(err.value)
    assert "4 problem(s)" in text
    assert (
        "'pct_leavers_adopted', key 'params.codes': REC code 'E43' was withdrawn after "
        "2017-18; DfE replaced it with E45, E46, so from 2018-19 the figure would count none "
        "of them: list them too"
    ) in text
    assert "REC code 'E44' was withdrawn" in text and "'E11'" not in text
    assert "RNE code 'Q' is in no DfE RNE list (2015-16 to 2025-26)" in text
    assert "'pct_foster_care', key 'params.codes': PLACE code 'U7' is in no DfE PLACE list" in text
    assert "did you mean U6" in text
    # with their successors listed, the old codes count for the years they were used
    adopted["params"] = {"codes": ["E43", "E44", "E45", "E46", "E47", "E48"]}
    data["indicators"][_index(raw, "placement_stability_short")]["params"] = {}
    data["indicators"][_index(raw, "pct_foster_care")]["params"] = {
        "column": "PLACE",
        "codes": ["U1"],
    }
    assert parse_catalogue(data).get("pct_leavers_adopted").params["codes"][0] == "E43"


def test_codes_of_some_collection_years_only_are_accepted(raw: dict) -> None:
    # P2 left the PLACE list after 2023-24 with no successor; K3 arrived in 2024-25; H5 was
    # replaced by K3, which is listed beside it
    data = copy.deepcopy(raw)
    data["indicators"][_index(raw, "pct_residential")]["params"] = {
        "column": "PLACE",
        "codes": ["K1", "K2", "H5", "K3", "P2"],
    }
    assert parse_catalogue(data).get("pct_residential").params["codes"][2] == "H5"
    data["indicators"][_index(raw, "pct_residential")]["params"]["codes"] = ["K1", "H5"]
    with pytest.raises(CatalogueError, match="PLACE code 'H5' was withdrawn after 2023-24"):
        parse_catalogue(data)


def test_unknown_refused_and_private_breakdowns(raw: dict) -> None:
    data = copy.deepcopy(raw)
    data["indicators"][_index(raw, "cla_count")]["breakdowns"] = ["sex", "shoe_size", "ETHNIC"]
    data["indicators"][_index(raw, "care_leavers_neet_19_21")]["breakdowns"] = ["age_band"]
    data["indicators"][_index(raw, "re_referral_rate")]["breakdowns"] = ["uasc", "ReferralSource"]
    data["indicators"][_index(raw, "pct_foster_care")]["breakdowns"] = ["HOME_POST"]
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(data)
    text = str(err.value)
    assert "4 problem(s)" in text
    # ETHNIC is a header column a child carries: accepted; shoe_size is nothing
    assert "'cla_count', key 'breakdowns': unknown breakdown 'shoe_size'" in text
    assert "'ETHNIC'" not in text
    assert "'age_band' makes no sense here: every care leaver is 16 and over" in text
    assert "'uasc' makes no sense here: referrals identify children by the CIN census" in text
    assert "'HOME_POST' identifies a child" in text


def test_one_round_reports_key_cross_key_and_measure_problems_together(raw: dict) -> None:
    data = copy.deepcopy(raw)
    ind = data["indicators"][_index(raw, "placement_stability_short")]
    ind["unit"] = "furlongs"  # a key's own problem (pydantic)
    ind["rag"] = {"default": {"green": 12, "amber": 10}}  # across keys: low_is_good
    ind["params"] = {"min_placement": 3}  # against the measure
    ind["breakdowns"] = ["shoe_size"]
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(data)
    text = str(err.value)
    assert "4 problem(s)" in text
    assert "key 'unit'" in text and "green threshold (12)" in text
    assert "params.min_placement" in text and "'shoe_size'" in text


def test_the_bundled_catalogue_passes_every_check() -> None:
    from scorecard.catalogue import cross_field_problems, measure_problems

    raw = yaml.safe_load((ROOT / "indicators.yaml").read_text(encoding="utf-8"))
    for ind in raw["indicators"]:
        assert cross_field_problems(ind) == [] and measure_problems(ind) == [], ind["id"]


def test_benchmark_caveat_key() -> None:
    cat = sc.load_catalogue()
    caveats = {i.id: i.benchmark.caveat for i in cat if i.benchmark and i.benchmark.caveat}
    assert set(caveats) == {"attainment_cla_att8", "attainment_cla_em94"}
    assert all("state-funded" in c for c in caveats.values())


def test_an_unknown_id_names_the_catalogue_its_close_matches_and_how_to_use_your_own():
    """'neet' matched nothing by spelling: ids that contain it are offered. The message says
    which catalogue was searched (the bundled one unless catalogue= is given) and how to
    pass your own, which an analyst who edited a copy of indicators.yaml needs."""
    cat = sc.load_catalogue()
    with pytest.raises(KeyError) as err:
        cat.get("neet")
    said = str(err.value)
    assert "care_leavers_neet_19_21, care_leavers_neet_17_18" in said
    assert "indicators.yaml)" in said and "pass catalogue=cat" in said
