"""The `scorecard` command line: exit codes, readable reports, and the build's outputs."""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scorecard import __version__
from scorecard.cli import main
from scorecard.cli.build import latest_quarter
from scorecard.cli.common import table_text
from scorecard.inputs import bundled_sample_path

SAMPLE = bundled_sample_path()
BENCH = SAMPLE / "benchmarks"


def _bench_files() -> tuple[Path, Path]:
    from scorecard.report.builder import sample_benchmark_paths

    lait, sn = sample_benchmark_paths(SAMPLE)
    assert lait is not None and sn is not None, "the bundled sample has no benchmark panel"
    return lait, sn


def _corrupt_copy(tmp_path: Path) -> Path:
    """The sample with three errors in episodes.csv (rows counted as in a spreadsheet:
    header = row 1, so frame row 3 is file row 5)."""
    bad = tmp_path / "bad"
    shutil.copytree(SAMPLE, bad, ignore=shutil.ignore_patterns("benchmarks"))
    path = bad / "episodes.csv"
    eps = pd.read_csv(path, dtype=str, keep_default_na=False)
    eps.loc[3, "DECOM"] = "31/02/2024"  # no such date
    eps.loc[5, "LS"] = "ZZ"  # not a DfE legal status
    eps.to_csv(path, index=False)
    return bad


@pytest.fixture
def sample_loaded_once(monkeypatch, sample_dataset):
    """`scorecard build` without --data gets the session's sample (conftest.py) instead of
    reading the files again; test_build_writes_html_excel_and_charts still reads them."""
    import scorecard.inputs as inputs

    real = inputs.load_dataset

    def load(path=None, *, strict=False, coverage=None):
        if path is None and not strict and coverage is None:
            return sample_dataset
        return real(path, strict=strict, coverage=coverage)

    monkeypatch.setattr(inputs, "load_dataset", load)


# ------------------------------------------------------------------ usage and listing


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["build", "--no-such-option"],
        ["build", "--quarter", "2024-25 Q5"],
        ["build", "--suppress-threshold", "-1"],
        ["indicators", "--domain", "astrology"],
        ["benchmark", "--la", "650"],  # --benchmarks and --neighbours are required
        ["benchmark", "--la", "650", "--benchmarks", "x", "--neighbours", "y", "--sn-stat", "mode"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["build", "--quarter", "2024Q4"], "--quarter: '2024Q4' is not a financial quarter"),
        (
            ["build", "--coverage", "2015-04-01", "31-03-2025"],
            "--coverage: '31-03-2025' is day-first",
        ),
        (
            ["children", "--indicator", "cla_count", "--quarter", "Q4", "--out", "x.csv"],
            "--quarter: 'Q4' is not a financial quarter",
        ),
    ],
)
def test_a_date_option_it_cannot_read_shows_the_command_lines_forms(argv, said, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and said in err
    assert "2024-25 Q4 (the year runs April to March" in err and "2025-03-31" in err
    assert "`at`" not in err and "Timestamp" not in err  # the API's forms, not a command's


@pytest.mark.parametrize("start", ["2015-16", "2015-16 Q1", "Q1 2015-16"])
def test_coverage_takes_days_not_the_labels_that_name_last_days(start, capsys):
    # '2015-16 Q1' ends on 30/06/2015 and '2015-16' on 31/03/2016: neither is a first day
    with pytest.raises(SystemExit) as exc:
        main(["build", "--coverage", start, "31/03/2025", "--out", "x"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert f"--coverage: '{start}' is a quarter or year; give the days themselves" in err


def test_indicators_lists_every_spec_id(spec_ids, capsys):
    assert main(["indicators"]) == 0
    out = capsys.readouterr().out
    listed = {line.split()[0] for line in out.splitlines()[2:] if line.strip()}
    missing = [i for i in spec_ids if i not in listed]
    assert not missing


@pytest.mark.parametrize("domain", ["care leavers", "Care Leavers", " CARE  leavers "])
def test_indicators_by_domain(domain, capsys):
    assert main(["indicators", "--domain", domain]) == 0
    out = capsys.readouterr().out
    assert "care_leavers_neet_19_21" in out
    assert "placement_stability_short" not in out


def test_table_text_aligns_and_formats():
    frame = pd.DataFrame(
        {"id": ["a", "bbb"], "value": [1.0, 22.5], "n": [3, 40], "sn": [20.45, 1896.0]}
    )
    lines = table_text(frame).splitlines()
    assert lines[0].split() == ["id", "value", "n", "sn"]
    # numbers right-aligned, one format per column: the fewest decimals showing each value
    # (22.5 has one: so has 1.0; 20.45 has two: so has 1,896.00)
    assert lines[2].endswith(" 1.0   3     20.45")
    assert lines[3].endswith("22.5  40  1,896.00")
    third = pd.DataFrame({"x": [1 / 3, 2.0]})  # more than `decimals`: rounded to it
    assert table_text(third).splitlines()[2:] == ["0.33", "2.00"]
    # rounded half up on the decimal value, as the card: 0.125 is 0.13 (it read 0.12)
    assert table_text(pd.DataFrame({"x": [0.125, 2.0]})).splitlines()[2:] == ["0.13", "2.00"]


# ------------------------------------------------------------------ validate


def test_validate_sample_exits_0(capsys):
    assert main(["validate", str(SAMPLE)]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_validate_corrupted_copy_exits_1_with_the_report(tmp_path, capsys):
    bad = _corrupt_copy(tmp_path)
    report_csv = tmp_path / "report.csv"
    assert main(["validate", str(bad), "--csv", str(report_csv)]) == 1
    out = capsys.readouterr().out
    assert "ERRORS" in out
    assert "episodes.csv, row 5, column DECOM, value '31/02/2024'" in out
    assert "episodes.csv, row 7, column LS, value 'ZZ'" in out
    report = pd.read_csv(report_csv)
    assert (report["severity"] == "error").sum() >= 2


def test_validate_in_a_process_prints_no_traceback(tmp_path):
    bad = _corrupt_copy(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "scorecard", "validate", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert "31/02/2024" in run.stdout


def test_build_strict_on_bad_data_exits_1_and_writes_nothing(tmp_path, capsys):
    bad = _corrupt_copy(tmp_path)
    out = tmp_path / "out"
    argv = ["build", "--data", str(bad), "--out", str(out), "--quarter", "2024-25 Q4"]
    assert main([*argv, "--strict", "--no-charts", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "31/02/2024" in err and "nothing was written" in err
    assert not out.exists()


def test_build_leaves_out_the_bad_rows_and_says_which_figures_lose_them(tmp_path, capsys):
    # the same two bad cells: a DECOM that is no date and an LS that is no DfE code; each
    # episode is left out of the figures that read that column, and the build goes on
    bad = _corrupt_copy(tmp_path)
    out = tmp_path / "out"
    argv = ["build", "--data", str(bad), "--out", str(out), "--quarter", "2024-25 Q4"]
    assert main([*argv, "--no-charts", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "indicator(s) leave out rows with unusable cells:" in err
    assert "Children looked after: 1 episodes rows (unusable DECOM: not a date); " in err
    assert "1 episodes rows (unusable LS: unknown LS code)" in err
    # and the errors themselves, in short, with where to read them all
    assert "the data has 2 error(s); the figures leave out what they make unusable " in err
    assert f"(`scorecard validate {bad}` lists them all):" in err
    assert "column DECOM, value '31/02/2024': not a date" in err
    assert "warning(s)" not in err  # the copy has none
    assert {p.suffix for p in out.iterdir()} == {".html", ".xlsx"}


@pytest.mark.parametrize("out", ["taken", "taken/cards"])
def test_build_out_naming_a_file_is_a_usage_error_before_any_work(tmp_path, capsys, out):
    (tmp_path / "taken").write_text("not a folder")
    with pytest.raises(SystemExit) as exc:
        main(["build", "--out", str(tmp_path / out), "--no-charts", "--quiet"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'taken'} is a file, not a folder; name a folder" in err
    assert (tmp_path / "taken").read_text() == "not a folder"


def test_build_lists_the_datas_warnings_in_short(tmp_path, capsys):
    # an episode open at the end of one return and missing from the next: counted as open,
    # which changes the figures; build says so as validate does
    data = tmp_path / "data"
    data.mkdir()
    head = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n"
    (data / "episodes_2023-24.csv").write_text(head + "A,01/05/2023,S,C2,U1,,\n")
    (data / "episodes_2024-25.csv").write_text(head + "B,01/05/2024,S,C2,U1,,\n")
    out = tmp_path / "out"
    argv = ["build", str(data), "--out", str(out), "--quarter", "2024-25 Q4", "--no-charts"]
    assert main([*argv, "--quiet"]) == 0
    err = capsys.readouterr().err
    assert (
        "the data has 1 warning(s), which do not stop the figures but may change them (the "
        "card marks the figures that read them) " in err
    )
    assert "episodes_2023-24.csv, row 2, column DEC: episode open at the end of 2023-24" in err
    # and no return names the authority: the card's title and its missing comparisons said
    assert "no authority named: the card is titled 'Local authority' and compared" in err


def test_build_names_the_authority_the_returns_give_that_no_list_knows(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "CIN_Census_2024.xml").write_text(
        "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year>"
        "<ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>"
        "<Source><LEA>999</LEA></Source></Header><Children><Child><ChildIdentifiers>"
        "<LAchildID>R1</LAchildID></ChildIdentifiers><CINdetails>"
        "<CINreferralDate>2023-06-01</CINreferralDate></CINdetails></Child></Children></Message>"
    )
    out = tmp_path / "out"
    argv = ["build", str(data), "--out", str(out), "--quarter", "2023-24 Q4", "--no-charts"]
    assert main([*argv, "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "the returns name LA 999, which no list of English authorities knows: the card" in err


def test_build_with_a_stated_coverage_stops_outside_it(tmp_path, capsys, sample_loaded_once):
    out = tmp_path / "out"
    argv = ["build", "--out", str(out), "--quarter", "2024-25 Q4", "--no-charts", "--quiet"]
    assert main([*argv, "--coverage", "01/04/2020", "31/03/2024"]) == 1
    err = capsys.readouterr().err
    assert "not available: needs data up to 31/03/2025; the data ends 31/03/2024" in err
    assert not out.exists()


# ------------------------------------------------------------------ benchmark


def test_benchmark_prints_the_compare_table(tmp_path, capsys):
    lait, sn = _bench_files()
    csv = tmp_path / "cmp.csv"
    argv = ["benchmark", "--la", "650", "--benchmarks", str(lait), "--neighbours", str(sn)]
    assert main([*argv, "--year", "2024-25", "--csv", str(csv)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Wealdshire (LA 650), 2025")
    assert "placement_stability_short" in out and "quartile_band" in out
    table = pd.read_csv(csv)
    assert {"q1", "median", "q3", "sn_value", "rank"} <= set(table.columns)
    assert (table["la_code"].astype(str) == "650").all()


def test_benchmark_unknown_year_is_a_data_error(capsys):
    lait, sn = _bench_files()
    argv = ["benchmark", "--la", "650", "--benchmarks", str(lait), "--neighbours", str(sn)]
    assert main([*argv, "--year", "1999"]) == 1
    assert "1999" in capsys.readouterr().err


# ------------------------------------------------------------------ build


def test_latest_quarter_is_the_last_complete_one():
    from scorecard import Dataset

    def ds_with(last: str):
        eps = pd.DataFrame({"DECOM": pd.to_datetime(["2020-01-01"]), "DEC": pd.to_datetime([last])})
        return Dataset({"episodes": eps}, None, {}, None)

    # the last recorded date is the quarter end itself: that quarter
    assert latest_quarter(ds_with("2025-03-31")) == pd.Timestamp("2025-03-31")
    # part-way through a quarter: the one before, which has ended
    assert latest_quarter(ds_with("2025-03-30")) == pd.Timestamp("2024-12-31")


def test_build_takes_the_neighbour_average_and_best_la_rule_as_benchmark_does(
    tmp_path, capsys, sample_loaded_once
):
    out = tmp_path / "out"
    argv = ["build", "--quarter", "2024-25 Q4", "--out", str(out), "--no-charts", "--quiet"]
    assert main(argv) == 0
    page = (out / "scorecard_2024-25_Q4.html").read_text()
    assert "the mean of the neighbours" in page and "at least 100 children looked" in page
    assert main([*argv, "--sn-stat", "median", "--min-size", "0"]) == 0
    page = html.unescape((out / "scorecard_2024-25_Q4.html").read_text())
    assert "the median of the neighbours" in page and "LAIT's plain rule" in page
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--min-size", "-1"])
    assert exc.value.code == 2 and "--min-size must be 0 or more" in capsys.readouterr().err


def test_build_without_charts_counts_its_own_steps(tmp_path, capsys, sample_loaded_once):
    out = tmp_path / "out"
    assert main(["build", "--quarter", "2024-25 Q4", "--out", str(out), "--no-charts"]) == 0
    steps = [line for line in capsys.readouterr().err.splitlines() if line.startswith("[")]
    assert [line.split("]")[0] + "]" for line in steps] == [f"[{i}/5]" for i in range(1, 6)]
    assert steps[-1].startswith("[5/5] writing 2 files")


def test_build_without_charts_draws_none(tmp_path):
    """--no-charts draws nothing, not even the page's trend charts, so Altair is never
    imported (it was: 11 s of a 12 s build went on charts nobody asked for)."""
    out = tmp_path / "out"
    code = (
        "import sys\n"
        "from scorecard.cli import main\n"
        f"argv = ['build', '--quarter', '2024-25 Q4', '--out', {str(out)!r}, '--no-charts']\n"
        "assert main([*argv, '--quiet']) == 0\n"
        "print(sorted(m for m in ('altair', 'vl_convert') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]"
    page = (out / "scorecard_2024-25_Q4.html").read_text()
    assert 'class="chart"' not in page and "rend chart" not in page
    assert "Children looked after" in page and not (out / "charts").exists()


@pytest.mark.slow
def test_build_writes_html_excel_and_charts(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--quarter", "2024-25 Q4", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "[1/7] loading data" in captured.err and "[7/7] writing" in captured.err
    names = {p.name for p in out.iterdir()}
    assert {"scorecard_2024-25_Q4.html", "scorecard_2024-25_Q4.xlsx", "charts"} <= names
    charts = {p.name for p in (out / "charts").iterdir()}
    assert "trend_placement_stability_short.png" in charts
    assert "by_age_at_entry_time_in_care_ceased.png" in charts
    assert any(n.startswith("by_district_") for n in charts)
    assert "benchmark_placement_stability_short.png" in charts
    for name in charts:
        data = (out / "charts" / name).read_bytes()
        assert data[:4] == b"\x89PNG" and len(data) > 20_000, name
    html = (out / "scorecard_2024-25_Q4.html").read_text()
    assert "Wealdshire" in html and "https://cdn" not in html
    assert html.count('class="chart"') == len([n for n in charts if n.startswith("trend_")])
    assert not list(out.rglob(".*.tmp"))


@pytest.mark.slow
def test_failed_build_leaves_the_folder_as_it_was(tmp_path, monkeypatch, sample_loaded_once):
    from scorecard.report import atomic

    out = tmp_path / "out"
    out.mkdir()
    (out / "scorecard_2024-25_Q4.html").write_text("last quarter's page")

    def broken(card):
        raise RuntimeError("disk full while rendering")

    monkeypatch.setitem(atomic.RENDERERS, "xlsx", broken)
    with pytest.raises(RuntimeError):
        main(["build", "--quarter", "2024-25 Q4", "--out", str(out), "--quiet", "--no-charts"])
    assert [p.name for p in out.iterdir()] == ["scorecard_2024-25_Q4.html"]
    assert (out / "scorecard_2024-25_Q4.html").read_text() == "last quarter's page"


@pytest.mark.slow
def test_build_lists_an_indicator_that_failed(
    tmp_path, break_indicator, capsys, sample_loaded_once
):
    break_indicator("pct_foster_care", ValueError("a bug in the measure"))
    out = tmp_path / "out"
    args = ["build", "--quarter", "2024-25 Q4", "--out", str(out), "--quiet", "--no-charts"]
    # the build still succeeds: one failing indicator never stops the scorecard ...
    assert main(args) == 0
    err = capsys.readouterr().err
    # ... but the analyst is told which one failed and why, once
    assert err.count("pct_foster_care: could not be computed (ValueError)") == 1
    assert "1 indicator(s) have no value" in err


def _three_children_folder(tmp_path: Path, three_children) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name, frame in three_children().items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def test_build_outside_the_coverage_exits_1_and_writes_nothing(
    tmp_path, capsys, monkeypatch, three_children
):
    import scorecard.inputs as inputs

    folder = _three_children_folder(tmp_path, three_children)
    real = inputs.load_dataset

    def with_coverage(path=None, **kw):  # as if the analyst had stated one collection year
        return real(path, coverage=("2024-04-01", "2025-03-31"))

    monkeypatch.setattr(inputs, "load_dataset", with_coverage)
    out = tmp_path / "out"
    argv = ["build", "--data", str(folder), "--out", str(out), "--quiet", "--no-charts"]
    assert main([*argv, "--quarter", "2030-31 Q1"]) == 1
    err = capsys.readouterr().err
    assert "not available: needs data up to 30/06/2030; the data ends 31/03/2025" in err
    assert "Nothing was written." in err and "Traceback" not in err
    assert not out.exists()
    # inside the coverage the card is built
    assert main([*argv, "--quarter", "2024-25 Q4"]) == 0
    assert (out / "scorecard_2024-25_Q4.html").exists()


def test_build_with_an_analysts_catalogue(tmp_path, capsys, three_children):
    import yaml

    from scorecard.catalogue import bundled_catalogue_path

    folder = _three_children_folder(tmp_path, three_children)
    spec = yaml.safe_load(bundled_catalogue_path().read_text(encoding="utf-8"))
    # the analyst's own indicator: 2 or more placements, on the card, renamed
    for item in spec["indicators"]:
        if item["id"] == "placement_stability_2plus":
            item["on_scorecard"] = True
            item["title"] = "Our own: two or more placements"
    mine = tmp_path / "mine.yaml"
    mine.write_text(yaml.safe_dump(spec), encoding="utf-8")
    out = tmp_path / "out"
    # the extract's latest date is 15/01/2024 (its coverage ends there): a quarter before it
    argv = ["build", "--data", str(folder), "--out", str(out), "--quarter", "2023-24 Q3"]
    assert main([*argv, "--quiet", "--no-charts", "--catalogue", str(mine)]) == 0
    assert "Our own: two or more placements" in (out / "scorecard_2023-24_Q3.html").read_text()
    # a catalogue with a mistake is a data error naming the indicator and key
    spec["indicators"][0]["unit"] = "furlongs"
    mine.write_text(yaml.safe_dump(spec), encoding="utf-8")
    assert main([*argv, "--quiet", "--no-charts", "--catalogue", str(mine)]) == 1
    assert "cla_count" in capsys.readouterr().err


def test_warnings_reach_the_analyst_as_lines_once_each(monkeypatch, capsys):
    import warnings

    from scorecard.cli import indicators

    def run(args, parser):
        for _ in range(2):  # two indicators warning the same thing: said once
            warnings.warn("No population estimate before 31/03/2016.", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(indicators, "run", run)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["indicators"]) == 0
    err = capsys.readouterr().err
    assert err == "scorecard: warning: No population estimate before 31/03/2016.\n"
