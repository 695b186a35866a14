"""Commentary from a file: `read_commentary` and `scorecard build --commentary`."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import scorecard as sc
from scorecard.cli import main
from scorecard.report.commentary import CommentaryError, read_commentary
from scorecard.report.excel import HEADER_ROW

CAT = sc.load_catalogue()


def test_yaml_csv_and_titles(tmp_path: Path) -> None:
    yml = tmp_path / "notes.yaml"
    yml.write_text("cla_count: Numbers steady.\nre_referral_rate: ''\n", encoding="utf-8")
    # a blank text is left out, so it never wipes a comment given elsewhere
    assert read_commentary(yml, CAT) == {"cla_count": "Numbers steady."}
    csv = tmp_path / "notes.csv"
    pd.DataFrame(
        {
            "Indicator": ["Children looked after in foster care", "uasc_count"],
            "Commentary": [" Above the neighbours. ", "Two new arrivals."],
        }
    ).to_csv(csv, index=False)
    # named by title (any case) or id; columns matched whatever their case
    assert read_commentary(csv, CAT) == {
        "pct_foster_care": "Above the neighbours.",
        "uasc_count": "Two new arrivals.",
    }


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("bad.csv", "indicator,commentary\nplacement stabilty short,x\n", "Did you mean"),
        ("bad.csv", "id,text\ncla_count,x\n", "no 'indicator' and 'commentary' columns"),
        ("bad.txt", "cla_count: x\n", "not a commentary file"),
        ("bad.yaml", "- cla_count\n", "expected 'indicator_id: text' lines"),
    ],
)
def test_a_file_it_cannot_use_is_refused_with_how(tmp_path: Path, name, text, said) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommentaryError, match=said):
        read_commentary(path, CAT)


def test_the_workbook_of_an_earlier_build_typed_into_then_built_again(tmp_path: Path, capsys):
    """The analyst's round trip: build, type commentary into the workbook's Commentary
    column, build again with it."""
    first = tmp_path / "first"
    assert main(["build", "--no-charts", "--quiet", "--out", str(first)]) == 0
    book = first / "scorecard_2024-25_Q4.xlsx"
    with warnings.catch_warnings():  # openpyxl cannot read the sheet's sparklines
        warnings.filterwarnings("ignore", "Sparkline Group extension", UserWarning)
        wb = openpyxl.load_workbook(book)
    ws = wb["Scorecard"]
    header = [c.value for c in ws[HEADER_ROW + 1]]
    ids, notes = header.index("Indicator id") + 1, header.index("Commentary") + 1
    for r in range(HEADER_ROW + 2, ws.max_row + 1):
        if ws.cell(r, ids).value == "placement_stability_short":
            ws.cell(r, notes).value = "Within target for the third quarter running."
    wb.save(book)
    second = tmp_path / "second"
    code = main(
        ["build", "--no-charts", "--quiet", "--out", str(second), "--commentary", str(book)]
    )
    assert code == 0
    page = (second / "scorecard_2024-25_Q4.html").read_text(encoding="utf-8")
    assert "Within target for the third quarter running." in page
    capsys.readouterr()
    # a name the catalogue does not know: a usage error before any work, nothing written
    bad = tmp_path / "bad.yaml"
    bad.write_text("placement_stabilty: x\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["build", "--no-charts", "--out", str(tmp_path / "third"), "--commentary", str(bad)])
    assert exc.value.code == 2
    assert "Did you mean 'placement_stability_long', 'placement_stability_short'" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "third").exists()


def test_with_commentary_takes_a_file_and_leaves_blanks_alone(tmp_path: Path) -> None:
    """In Python as on the command line: a CSV's path is read as --commentary reads it (it
    was taken for a mapping, character by character); None and NaN leave the commentary as
    it was (they showed as 'None' and 'nan'); a frame is refused with how to pass it."""
    from test_scorecard_html import fixed_card

    card = fixed_card().with_commentary({"cla_count": "Up with UASC arrivals."})
    path = tmp_path / "notes.csv"
    path.write_text("indicator,commentary\nplacement_stability_short,Two moves in March.\n")
    got = card.with_commentary(path).with_commentary(
        {"cla_count": None, "placement_stability_short": float("nan")}
    )
    said = dict(zip(got.frame["indicator"], got.frame["commentary"], strict=True))
    assert said["cla_count"] == "Up with UASC arrivals."
    assert said["placement_stability_short"] == "Two moves in March."
    page = got.html(charts=False)
    assert ">None<" not in page and ">nan<" not in page
    with pytest.raises(TypeError, match=r"dict\(zip\(df\['indicator'\]"):
        card.with_commentary(pd.DataFrame({"indicator": ["cla_count"], "commentary": ["x"]}))
