"""`scorecard children`: the units behind a figure as an OFFICIAL-SENSITIVE workbook or CSV
for internal use, and privacy: `build` never writes a child list (issue 11)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import scorecard as sc
from scorecard.cli import main

COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC", "PLACE_PROVIDER", "URN"]
EPISODES = pd.DataFrame(
    [
        # K1: 3 placements in the year to 31/03/2025; K2: 2; K3: 1 (see test_units.py)
        ("K100001", "01/01/2023", "S", "C2", "U4", "01/06/2024", "X1", "PR1", ""),
        ("K100001", "01/06/2024", "P", "C2", "U6", "01/10/2024", "X1", "PR1", ""),
        ("K100001", "01/10/2024", "P", "C2", "K2", "", "", "PR4", "SC1"),
        ("K100002", "01/01/2023", "S", "C2", "U4", "01/09/2024", "X1", "PR1", ""),
        ("K100002", "01/09/2024", "P", "C2", "U5", "", "", "PR1", ""),
        ("K100003", "01/01/2020", "S", "C2", "U1", "", "", "PR1", ""),
    ],
    columns=COLS,
)
HEADER = pd.DataFrame(
    {
        "CHILD": ["K100001", "K100002", "K100003"],
        "SEX": ["1", "2", "1"],
        "DOB": ["01/01/2012", "05/06/2013", "09/09/2010"],
    }
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    EPISODES.to_csv(folder / "episodes.csv", index=False)
    HEADER.to_csv(folder / "header.csv", index=False)
    return folder


# the data runs to 01/10/2024 (its last date); the lists are asked for at 31/03/2025, so the
# tests state the coverage, as an analyst who knows the extract would
COVERAGE = ("--coverage", "01/04/2022", "31/03/2025")


def run(*args: str) -> int:
    if args and args[0] == "children" and "--data" in args:
        args = (*args, *COVERAGE)
    return main(list(args))


def test_workbook_is_marked_and_lists_the_children(data: Path, tmp_path: Path, capsys):
    out = tmp_path / "list.xlsx"
    code = run(
        "children",
        "--indicator",
        "placement_stability_short",
        "--quarter",
        "2024-25 Q4",
        "--data",
        str(data),
        "--out",
        str(out),
    )
    assert code == 0
    assert "OFFICIAL-SENSITIVE" in capsys.readouterr().err
    # the user's eyes only, whatever the umask (it was rw-r--r-- always)
    assert out.stat().st_mode & 0o777 == 0o600
    book = openpyxl.load_workbook(out)
    sheet = book.active
    # marked in the header, the footer and the properties
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    assert "OFFICIAL-SENSITIVE" in sheet.oddFooter.left.text
    assert book.properties.category == "OFFICIAL-SENSITIVE"
    assert "OFFICIAL-SENSITIVE" in book.properties.keywords
    assert book.custom_doc_props["Classification"].value == "OFFICIAL-SENSITIVE"
    # the handling line, then the definitions line with the figure
    assert sheet["A1"].value.startswith("OFFICIAL-SENSITIVE: personal data about children")
    definition = sheet["A2"].value
    assert definition.startswith(
        "Children looked after with 3 or more placements during the year "
        "(placement_stability_short) at 31/03/2025:"
    )
    assert "Figure: numerator 1, denominator 3, value 33.3." in definition
    table = pd.read_excel(out, skiprows=3, dtype={"CHILD": str})
    assert table["CHILD"].tolist() == ["K100001", "K100002", "K100003"]
    assert table["placements"].tolist() == [3, 2, 1]
    assert table["numerator"].sum() == 1 and table["denominator"].sum() == 3


def test_numerator_only_csv_reads_back(data: Path, tmp_path: Path):
    out = tmp_path / "list.csv"
    args = ["--indicator", "placement_stability_short", "--quarter", "31/03/2025"]
    assert run("children", *args, "--data", str(data), "--out", str(out), "--quiet") == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# OFFICIAL-SENSITIVE")
    assert lines[1].startswith("# Children looked after with 3 or more placements")
    table = pd.read_csv(out, skiprows=2, dtype={"CHILD": str})
    assert len(table) == 3
    # the figure as the card shows it (33.3, not 33.33); whole numbers without '.0'
    assert "Figure: numerator 1, denominator 3, value 33.3. " in lines[1]
    assert ",1.0," not in lines[3] and ",0.0," not in lines[3]
    assert run("children", *args, "--data", str(data), "--out", str(out), "--numerator-only") == 0
    table = pd.read_csv(out, skiprows=2, dtype={"CHILD": str})
    assert table["CHILD"].tolist() == ["K100001"]
    assert table["placements_counted"].item() == (
        "U4 from 01/01/2023; U6 from 01/06/2024; K2 from 01/10/2024"
    )
    head = out.read_text(encoding="utf-8").splitlines()[1]
    assert "Only the units in the numerator are listed." in head


def test_breakdown_column_and_usage_errors(data: Path, tmp_path: Path, capsys):
    out = tmp_path / "list.csv"
    base = ["children", "--quarter", "2024-25 Q4", "--data", str(data), "--out", str(out)]
    assert run(*base, "--indicator", "cla_count", "--by", "sex", "--quiet") == 0
    table = pd.read_csv(out, skiprows=2, dtype={"CHILD": str})
    assert table.set_index("CHILD")["sex"].to_dict() == {
        "K100001": "Male",
        "K100002": "Female",
        "K100003": "Male",
    }
    with pytest.raises(SystemExit) as err:
        run(*base, "--indicator", "placement_stabilty_short")
    assert err.value.code == 2 and "placement_stability_short" in capsys.readouterr().err
    with pytest.raises(SystemExit) as err:
        run("children", "--indicator", "cla_count", "--quarter", "Q4", "--out", "x.pdf")
    assert err.value.code == 2
    with pytest.raises(SystemExit) as err:
        run(*base, "--indicator", "time_in_care_ceased_median", "--numerator-only")
    assert err.value.code == 2 and "median" in capsys.readouterr().err
    # a mean too: its numerator is a sum over every child (those at 0 days count)
    with pytest.raises(SystemExit) as err:
        run(*base, "--indicator", "time_in_care_current", "--numerator-only")
    assert err.value.code == 2 and "is a mean: it has no numerator" in capsys.readouterr().err


def test_a_figure_the_data_cannot_support_writes_nothing(data: Path, tmp_path: Path, capsys):
    out = tmp_path / "list.xlsx"
    args = ["children", "--indicator", "re_referral_rate", "--quarter", "2024-25 Q4"]
    assert run(*args, "--data", str(data), "--out", str(out)) == 1
    assert "referrals" in capsys.readouterr().err and not out.exists()
    # without the stated coverage the data ends on its last date (01/10/2024): no list at
    # 31/03/2025, with the reason
    args = ["children", "--indicator", "cla_count", "--quarter", "2024-25 Q4"]
    assert main([*args, "--data", str(data), "--out", str(out)]) == 1
    assert "the data ends 01/10/2024" in capsys.readouterr().err and not out.exists()
    # a breakdown the indicator refuses: a data-style error naming why, nothing written
    args = ["children", "--indicator", "iro_caseload", "--quarter", "2024-25 Q4", "--by", "sex"]
    assert run(*args, "--data", str(data), "--out", str(out)) == 1
    assert not out.exists()


def _tokens(path: Path) -> set[str]:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            text = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    else:
        text = path.read_bytes().decode("utf-8", "replace")
    return set(re.findall(r"[A-Za-z0-9]+", text))


@pytest.mark.slow
def test_build_never_writes_a_child_list(data: Path, tmp_path: Path):
    # 2024-25 Q2 (30/09/2024): inside the data's own coverage (it runs to 01/10/2024)
    ids = set(sc.units("cla_count", sc.load_dataset(data), at="2024-25 Q2")["CHILD"])
    assert ids == {"K100001", "K100002", "K100003"}
    # the list itself holds them (so the scan below can fail) ...
    listed = tmp_path / "list.xlsx"
    args = ["--indicator", "cla_count", "--quarter", "2024-25 Q2", "--data", str(data)]
    assert run("children", *args, "--out", str(listed), "--quiet") == 0
    assert ids <= _tokens(listed)
    # ... and no scorecard output does, internal or for publication
    for extra in ([], ["--publish"]):
        out = tmp_path / ("public" if extra else "internal")
        code = run(
            "build", "--quarter", "2024-25 Q2", "--data", str(data), "--out", str(out),
            "--no-charts", "--quiet", *extra,
        )  # fmt: skip
        assert code == 0
        files = [p for p in out.rglob("*") if p.is_file()]
        assert files
        for path in files:
            assert not ids & _tokens(path), f"{path.name} holds a child identifier"
            assert "OFFICIAL-SENSITIVE" not in path.read_bytes().decode("utf-8", "replace")


def test_the_data_folder_as_validate_takes_it(data: Path, tmp_path: Path, capsys):
    # `scorecard children ... DIR`, as `scorecard validate DIR`: the same list as --data DIR
    args = ["--indicator", "placement_stability_short", "--quarter", "31/03/2025", "--quiet"]
    given = [*args, *COVERAGE]
    assert main(["children", *given, "--out", str(tmp_path / "a.csv"), str(data)]) == 0
    assert main(["children", *given, "--out", str(tmp_path / "b.csv"), "--data", str(data)]) == 0
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    # two different folders: which one? a usage error
    with pytest.raises(SystemExit) as exc:
        main(["build", str(data), "--data", str(tmp_path), "--out", str(tmp_path / "card")])
    assert exc.value.code == 2
    assert "two data folders given" in capsys.readouterr().err
