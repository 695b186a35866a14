"""`scorecard validate`: grouped messages, the full report as a file, returns and coverage,
and exit codes (1 with errors or when nothing loads, 0 with warnings only)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
from _loader_fixtures import set_cell, write_csv_folder

from scorecard.cli import main

EP = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC"


def _many_bad_codes(tmp_path: Path) -> Path:
    folder = tmp_path / "returns"
    folder.mkdir()
    rows = [f"C{i},01/05/2019,S,C2,Q9,," for i in range(8)]
    (folder / "episodes_2019-20.csv").write_text("\n".join([EP, *rows]) + "\n")
    (folder / "episodes_2020-21.csv").write_text(f"{EP}\nC0,01/05/2019,S,C2,U1,,\n")
    return folder


def test_repeated_messages_are_grouped_and_every_one_written(tmp_path: Path, capsys) -> None:
    folder = _many_bad_codes(tmp_path)
    report = tmp_path / "problems.xlsx"
    assert main(["validate", str(folder), "--report", str(report)]) == 1
    out = capsys.readouterr().out
    # C0's 2019-20 row is replaced by the 2020-21 return (checked no more); seven stay bad
    assert (
        "episodes_2019-20.csv, column PLACE: unknown PLACE code (7 times; rows 3, 4, 5, 6, 7 ...; "
        "values 'Q9')" in out
    )
    assert out.count("unknown PLACE code") == 1
    assert "RETURNS\n  2019-20 SSDA903 (name and dates): episodes; 8 rows\n  2020-21" in out
    assert "episodes: 01/04/2019 to 31/03/2021 (SSDA903 returns 2019-20 to 2020-21)" in out
    assert "7 error(s)" in out and "7 unusable cell(s)" in out
    sheet = openpyxl.load_workbook(report).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("severity", "table", "file", "row", "column", "value", "rule", "hint")
    assert sum(1 for r in rows if r[6] == "unknown PLACE code") == 7


def test_report_as_csv_and_the_old_csv_flag(tmp_path: Path, capsys) -> None:
    folder = _many_bad_codes(tmp_path)
    for flag, name in (("--report", "r.csv"), ("--csv", "old.csv")):
        assert main(["validate", str(folder), flag, str(tmp_path / name)]) == 1
        assert (pd.read_csv(tmp_path / name)["rule"] == "unknown PLACE code").sum() == 7
    capsys.readouterr()
    assert main(["validate", str(folder), "--report", str(tmp_path / "r.txt")]) == 1
    assert "writes .xlsx or .csv" in capsys.readouterr().err


def test_report_and_csv_together_write_both(tmp_path: Path, capsys) -> None:
    # the README's `[--report problems.xlsx] [--csv problems.csv]`: --csv was silently
    # dropped when --report was given
    folder = _many_bad_codes(tmp_path)
    xlsx, csv = tmp_path / "problems.xlsx", tmp_path / "problems.csv"
    assert main(["validate", str(folder), "--report", str(xlsx), "--csv", str(csv)]) == 1
    out = capsys.readouterr().out
    assert f"written to {xlsx}" in out and f"written to {csv}" in out
    assert (pd.read_csv(csv)["rule"] == "unknown PLACE code").sum() == 7
    rows = list(openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True))
    assert sum(1 for r in rows if r[6] == "unknown PLACE code") == 7


def test_warnings_only_exit_0(tmp_path: Path, capsys) -> None:
    folder = write_csv_folder(tmp_path / "good")
    set_cell(folder, "episodes", 2, "PLACE", "H5")  # valid only before 2024-25: a warning
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "WARNINGS (1)" in out and "0 error(s), 1 warning(s); the data can be used." in out
    assert "COVERAGE\n  districts: not limited" in out


def test_nothing_loads_is_an_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "episodes.csv").write_bytes(b"\x00\x01binary\x00")
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "episodes.csv: file is not a text file" in out
    assert "nothing could be loaded" in out and "can be used" not in out
    assert "Traceback" not in out


def test_a_file_instead_of_a_folder_says_so_in_one_sentence(tmp_path: Path, capsys) -> None:
    (tmp_path / "episodes.csv").write_text("CHILD,DECOM\n1,01/04/2024\n")
    assert main(["validate", str(tmp_path / "episodes.csv")]) == 1
    out = capsys.readouterr().out
    assert "is a file; give the folder that holds one file per table. Check the folder" in out
    assert ".." not in out


def test_the_report_file_is_written_without_drawing_anything(tmp_path):
    """Writing the validation report once imported the charts module (and Altair) for its
    file writer; it is the shared writer of scorecard.files now."""
    import subprocess
    import sys

    out = tmp_path / "report.csv"
    code = (
        "import sys\n"
        "from scorecard.cli import main\n"
        "from scorecard.inputs import bundled_sample_path\n"
        f"main(['validate', str(bundled_sample_path()), '--report', {str(out)!r}])\n"
        "print('altair' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.strip().splitlines()[-1] == "False", run.stderr
    assert out.read_text(encoding="utf-8").startswith("severity,")


def test_output_read_by_a_program_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    # `scorecard validate DIR | head -1`: head stops reading; the rest of the report has
    # nowhere to go, which is no error ('scorecard: [Errno 32] Broken pipe' was printed)
    folder = _many_bad_codes(tmp_path)
    run = subprocess.run(
        f"{sys.executable} -m scorecard validate {folder} | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert "Broken pipe" not in run.stderr
    assert "Traceback" not in run.stderr
