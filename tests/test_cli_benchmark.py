"""`scorecard benchmark`, and `--la` in `build`: every entry point works, exit codes and
messages (0 success, 1 data errors, 2 usage errors naming close matches)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from scorecard.cli import main
from scorecard.inputs import bundled_sample_path
from scorecard.report.builder import sample_benchmark_paths

SAMPLE = bundled_sample_path()


@pytest.fixture(scope="module")
def sample_files() -> tuple[Path, Path]:
    lait, sn = sample_benchmark_paths(SAMPLE)
    if lait is None or sn is None:
        pytest.skip("the bundled sample has no benchmark panel (python -m scorecard.sample)")
    return lait, sn


@pytest.fixture(scope="module")
def later_rows(sample_files, tmp_path_factory) -> Path:
    """The sample's LAIT panel with 2025-26 rows for one indicator, published for other
    authorities only (as LAIT holds 2025-26 rows for some indicators)."""
    lait, _ = sample_files
    raw = pd.read_csv(lait, dtype=str, keep_default_na=False)
    extra = raw[(raw["Short Desc"] == "LACStable_2016on") & (raw["Years"] == "2025")].copy()
    extra = extra[extra["LA Number"] != "650"].assign(Years="2026")
    path = tmp_path_factory.mktemp("later") / "lait_with_2026.csv"
    pd.concat([raw, extra]).to_csv(path, index=False)
    return path


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def rows(out: str) -> dict[str, list[str]]:
    """The printed table: first cell -> the line's cells."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("indicator"))
    return {line.split()[0]: line.split() for line in lines[start + 2 :] if line.strip()}


def test_no_year_takes_each_indicators_latest_year(later_rows, sample_files, capsys):
    _, sn = sample_files
    argv = ["benchmark", "--la", "650", "--benchmarks", str(later_rows), "--neighbours", str(sn)]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    table = rows(out)
    # 2025-26 rows exist for 3+ placements, but not for Wealdshire: its latest is 2025
    assert table["LACStable_2016on"][2] == "2025"
    assert out.startswith("Wealdshire (LA 650), 2025")
    # the catalogue's indicators found in the file, by default
    assert table["LACStable_2016on"][1] == "placement_stability_short"
    assert "best LA: the best value among authorities with at least 100 children" in out


def test_a_year_given_is_one_year_for_all(later_rows, capsys):
    argv = ["benchmark", "--la", "650", "--benchmarks", str(later_rows), "--year", "2025-26"]
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert list(rows(out)) == ["LACStable_2016on"]  # the only indicator published for 2026


@pytest.mark.parametrize(
    ("la", "words"),
    [
        ("88", ["--la 88", "code '88'", "886 Kent", "881 Essex"]),
        ("999", ["--la 999", "code '999'"]),
        ("Wealdshir", ["called 'Wealdshir'", "650 Wealdshire"]),  # names from the file too
        ("South East", ["a region, not a local authority"]),
    ],
)
def test_unknown_authority_is_a_usage_error_naming_close_matches(sample_files, la, words, capsys):
    lait, sn = sample_files
    argv = ["benchmark", "--la", la, "--benchmarks", str(lait), "--neighbours", str(sn)]
    code, _, err = run(argv, capsys)
    assert code == 2
    for w in words:
        assert w in err, w
    assert "neighbours" not in err.split("error:")[1]  # not a neighbours message


@pytest.mark.parametrize("la", ["Wealdshire", "wealdshire", "650"])
def test_authority_by_name_or_code(sample_files, la, capsys):
    lait, _ = sample_files
    code, out, err = run(["benchmark", "--la", la, "--benchmarks", str(lait)], capsys)
    assert code == 0, err
    assert out.startswith("Wealdshire (LA 650)")


def test_an_english_authority_missing_from_the_files_is_a_data_error(sample_files, capsys):
    lait, _ = sample_files
    code, _, err = run(["benchmark", "--la", "Kent", "--benchmarks", str(lait)], capsys)
    assert code == 1
    assert "Kent (LA 886) has no figures in the benchmark file(s)" in err


EES = """time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,la_name,new_la_code,cla_group,placement_stability,children_count,children_percent
2025,Reporting year,National,E92000001,England,,,,,,CLA on 31 March,With 3 or more placements during the year,8000,10
2025,Reporting year,Local authority,E92000001,England,E12000008,South East,886,Kent,E10000016,CLA on 31 March,With 3 or more placements during the year,230,12
2025,Reporting year,Local authority,E92000001,England,E12000008,South East,887,Medway,E06000035,CLA on 31 March,With 3 or more placements during the year,50,9
2025,Reporting year,Local authority,E92000001,England,E12000008,South East,881,Essex,E10000012,CLA on 31 March,With 3 or more placements during the year,100,11
"""
# the 2024 vintage's layout (number/percentage, new_la_code before la_name), another year
EES_OLD = """time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,cla_group,placement_stability,number,percentage
2023,Reporting year,Local authority,E92000001,England,E12000008,South East,886,E10000016,Kent,CLA on 31 March,With 3 or more placements during the year,250,13
2023,Reporting year,Local authority,E92000001,England,E12000008,South East,887,E06000035,Medway,CLA on 31 March,With 3 or more placements during the year,40,8
"""


def test_ees_files_of_both_vintages_at_once(tmp_path, capsys):
    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    new.write_text(EES)
    old.write_text(EES_OLD)
    argv = ["benchmark", "--la", "E10000016", "--benchmarks", str(new), str(old)]
    code, out, err = run([*argv, "--csv", str(tmp_path / "kent.csv")], capsys)
    assert code == 0, err
    kent = rows(out)["LACStable_2016on"]
    assert kent[:4] == ["LACStable_2016on", "placement_stability_short", "2025", "12"]
    # 2025 from the current file: Kent 12 of 9, 11, 12 (low is good): rank 3 of 3, band D;
    # England 10
    table = pd.read_csv(tmp_path / "kent.csv").set_index("indicator").loc["LACStable_2016on"]
    assert (table["rank"], table["n_las"], table["quartile_band"]) == (3, 3, "D")
    assert table["england"] == 10 and table["la_name"] == "Kent"
    code, out, _ = run([*argv, "--year", "2023"], capsys)
    assert code == 0 and rows(out)["LACStable_2016on"][2:4] == ["2023", "13"]


def test_own_catalogue(sample_files, tmp_path, capsys):
    lait, _ = sample_files
    mine = {
        "version": 1,
        "indicators": [
            {
                "id": "moves_three_plus",
                "title": "Three or more placements",
                "domain": "placement stability",
                "description": "Our own name for DfE's measure.",
                "unit": "percent",
                "polarity": "low_is_good",
                "decimals": 1,
                "history_months": 12,
                "measure": "placement_moves",
                "params": {"min_placements": 3},
                "tables": ["episodes"],
                "benchmark": {"lait": "LACStable_2016on"},
            }
        ],
    }
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(mine))
    argv = ["benchmark", "--la", "650", "--benchmarks", str(lait), "--catalogue", str(path)]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    assert list(rows(out)) == ["LACStable_2016on"]
    assert rows(out)["LACStable_2016on"][1] == "moves_three_plus"
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nindicators: [{id: x}]\n")
    code, _, err = run([*argv[:-1], str(bad)], capsys)
    assert code == 1 and "bad.yaml" in err


def test_min_size_zero_is_laits_plain_rule(sample_files, capsys):
    lait, _ = sample_files
    argv = ["benchmark", "--la", "650", "--benchmarks", str(lait), "--min-size", "0"]
    code, out, _ = run(argv, capsys)
    assert code == 0 and "LAIT's plain rule" in out
    code, _, err = run([*argv[:-1], "-1"], capsys)
    assert code == 2 and "--min-size" in err


def test_by_name_neighbour_error_names_no_python_argument(sample_files, tmp_path, capsys):
    lait, _ = sample_files
    by_name = tmp_path / "sn_by_name.csv"
    by_name.write_text("Kent,Medway\nEssex,Kentt\n")
    argv = ["benchmark", "--la", "650", "--benchmarks", str(lait), "--neighbours", str(by_name)]
    code, _, err = run(argv, capsys)
    assert code == 1
    assert "'Kentt': 886 Kent" in err and "la_lookup" not in err


def test_help_says_what_each_argument_takes(capsys):
    code, out, _ = run(["benchmark", "--help"], capsys)
    assert code == 0
    text = " ".join(out.split())
    for words in ("Parquet or CSV", "education-statistics CSVs", "either vintage", "Kent)"):
        assert words in text, words
    code, out, _ = run(["build", "--help"], capsys)
    assert "Parquet or CSV" in " ".join(out.split())


# ---------------------------------------------------------------- build
def test_build_refuses_an_unknown_authority_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = run(["build", "--la", "88", "--out", str(out), "--no-charts"], capsys)
    assert code == 2
    assert "scorecard build: error: --la 88" in err and "886 Kent" in err
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.filterwarnings("default::scorecard.report.AuthorityMismatchWarning")
def test_build_names_the_authority_from_the_lookup(tmp_path, capsys):
    # Kent with the bundled sample's data and no benchmark file of Kent's: titled Kent, and
    # the analyst told that the sample is Wealdshire's
    out = tmp_path / "out"
    argv = ["build", "--la", "Kent", "--out", str(out), "--no-charts", "--quiet"]
    code, printed, err = run(argv, capsys)
    assert code == 0, err
    assert "scorecard: warning: the bundled sample is Wealdshire's (LA 650)" in err
    assert "for Kent:" in printed
    page = next(out.glob("*.html")).read_text()
    assert "Kent" in page and "Local authority" not in page.split("<body")[1][:2000]


def test_the_csv_has_no_float_noise(sample_files, tmp_path, capsys):
    # the neighbours' averages are sums of published figures over 9 or 10: written as
    # 13.200000000000001 and 9.500000000000002 before, 13.2 and 9.5 now
    lait, sn = sample_files
    path = tmp_path / "650.csv"
    argv = ["benchmark", "--la", "650", "--benchmarks", str(lait), "--neighbours", str(sn)]
    code, _, err = run([*argv, "--csv", str(path)], capsys)
    assert code == 0, err
    text = path.read_text()
    assert not re.search(r"\d\.\d*(0{6,}|9{6,})\d", text)
    table = pd.read_csv(path)
    assert table["sn_value"].notna().any()
