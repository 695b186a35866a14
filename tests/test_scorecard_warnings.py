"""The data's warnings on the scorecard: rows kept that may make a figure wrong (an episode
open in one return and missing from the next, a changed date of birth) put a caveat beside
each figure that reads them and a list under the table (`scorecard.warned`, `Scorecard.warned`).

The three children of conftest.py are looked after at 31 March 2025; the warnings are written
into the dataset's quality report by hand, so that the tables and columns they fall on are
known exactly.
"""

from __future__ import annotations

import dataclasses
import io
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

import scorecard as sc
from scorecard.engine import warned
from scorecard.report import build_scorecard

WARNINGS = [
    # severity, table, file, row, column, rule
    ("warning", "episodes", "episodes.csv", 2, "PLACE", "PLACE odd"),
    ("warning", "episodes", "episodes.csv", 3, "PLACE", "PLACE odd"),
    # the same row number in another file is another row
    ("warning", "episodes", "old/episodes.csv", 2, "PLACE", "PLACE odd"),
    # a whole file (no row, no column): every figure that reads the episodes meets it
    ("warning", "episodes", "episodes.csv", None, "", "3 episodes rows have no CHILD"),
    ("warning", "header", "header.csv", 2, "DOB", "DOB differs between returns"),
    # none of these is a warning on a table the figures read
    ("note", "episodes", "episodes.csv", 4, "PLACE", "a note"),
    ("error", "episodes", "episodes.csv", 4, "PLACE", "an error (left out, said apart)"),
    # an error on a whole file: no row left out, but it decides what the figures read
    ("error", "header", "header_last.csv", None, "", "two header returns: one used"),
    ("warning", "", "stray.csv", None, "", "file matches no table; ignored"),
    ("warning", "referrals", "referrals.csv", 2, "CINreferralDate", "no such table here"),
]


def with_warnings(ds: sc.Dataset, rows: list[tuple] = WARNINGS) -> sc.Dataset:
    quality = pd.DataFrame(
        [(s, t, f, r, c, None, rule, "a hint") for s, t, f, r, c, rule in rows],
        columns=["severity", "table", "file", "row", "column", "value", "rule", "hint"],
    )
    return dataclasses.replace(ds, quality=quality, _cache={})


@pytest.fixture(scope="module")
def warned_ds(three_children) -> sc.Dataset:
    ds = sc.Dataset.from_frames(**three_children())
    assert ds.quality.empty  # the three children raise no warning of their own
    return with_warnings(ds)


@pytest.fixture(scope="module")
def card(warned_ds):
    return build_scorecard(warned_ds, quarter="2024-25 Q4")


def found(frame: pd.DataFrame, ind_id: str) -> list[tuple]:
    mine = frame.loc[frame["indicator"] == ind_id]
    return sorted(zip(mine["table"], mine["column"], mine["rule"], mine["rows"], strict=True))


def test_warned_lists_the_warnings_on_what_each_indicator_reads(warned_ds):
    out = warned(warned_ds)
    assert list(out.columns) == ["indicator", "table", "column", "rule", "rows"]
    whole_file = ("episodes", "", "3 episodes rows have no CHILD", 0)
    place = ("episodes", "PLACE", "PLACE odd", 3)  # rows 2 and 3 here, row 2 of the old file
    dob = ("header", "DOB", "DOB differs between returns", 1)
    two = ("header", "", "two header returns: one used", 0)
    # foster care reads PLACE, not the header
    assert found(out, "pct_foster_care") == [whole_file, place]
    # children looked after read neither PLACE nor DOB: only the warning on the whole file
    assert found(out, "cla_count") == [whole_file]
    # in-house placements read PLACE_PROVIDER, not PLACE
    assert found(out, "pct_placed_in_house") == [whole_file]
    # long-term stability reads PLACE and the header's DOB
    assert found(out, "placement_stability_long") == [whole_file, place, two, dob]
    # notes, errors on a row, warnings on no table or on a table the dataset lacks reach
    # nobody
    assert found(out, "re_referral_rate") == []
    assert set(out["rule"]) == {"PLACE odd", "3 episodes rows have no CHILD", dob[2], two[2]}


def test_a_warning_on_a_row_the_figure_leaves_out_is_not_counted(three_children):
    # row 4's PLACE is no code (an error): foster care leaves the row out, so the warning on
    # its REC ('REC given but DEC blank') is not one foster care meets; children looked
    # after read REC and not PLACE, keep the row and meet it
    ds = with_warnings(
        sc.Dataset.from_frames(**three_children()),
        [
            ("error", "episodes", "episodes.csv", 4, "PLACE", "unknown PLACE code"),
            ("warning", "episodes", "episodes.csv", 4, "REC", "REC given but DEC blank"),
            ("warning", "episodes", "episodes.csv", 5, "REC", "REC given but DEC blank"),
        ],
    )
    out = warned(ds)
    rec = ("episodes", "REC", "REC given but DEC blank")
    assert found(out, "pct_foster_care") == [(*rec, 1)]  # row 5 only
    assert found(out, "cla_count") == [(*rec, 2)]


def test_no_warning_gives_an_empty_frame_of_the_same_columns(three_children):
    out = warned(sc.Dataset.from_frames(**three_children()))
    assert out.empty and list(out.columns) == ["indicator", "table", "column", "rule", "rows"]


def row(card, ind_id: str) -> pd.Series:
    return card.frame.set_index("indicator").loc[ind_id]


def test_a_caveat_beside_each_figure_that_reads_warned_rows(card):
    assert row(card, "pct_foster_care")["caveat"] == (
        "data warnings on its episodes data (see Warnings in the data)"
    )
    assert row(card, "time_in_care_current")["caveat"] == (
        "data warnings on its episodes and header data (see Warnings in the data)"
    )
    # the figure itself is as before: the rows are kept
    r = row(card, "cla_count")
    assert r["value"] == 3 and r["caveat"] == (
        "data warnings on its episodes data (see Warnings in the data)"
    )
    # a figure with no value says why, not the warnings
    r = row(card, "re_referral_rate")
    assert np.isnan(r["value"]) and r["caveat"] == ""
    assert set(card.warned["indicator"]) <= set(card.frame["indicator"])


def test_the_warnings_listed_under_the_table_most_rows_first(card):
    page = card.html(charts=False)
    at = page.index("<h2")
    listed = page[page.index("Warnings in the data</h2>", at) :]
    lines = [
        "episodes, PLACE: PLACE odd (3 rows)",
        "header, DOB: DOB differs between returns (1 rows)",
        "episodes: 3 episodes rows have no CHILD",  # a whole file: no rows counted
    ]
    where = [listed.index(f"<li>{line}</li>") for line in lines]
    assert where == sorted(where)
    assert "stray.csv" not in page and "a note" not in page and "no such table" not in page
    # and the summary above the table counts the figures marked
    marked = card.frame["caveat"].str.contains("data warnings on its").sum()
    assert marked >= 5
    assert (
        f"{marked} figure(s) read rows or files the data warns about, which may make them "
        "wrong: see Warnings in the data below the table." in page
    )


def test_the_workbook_lists_them_too(card):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Sparkline Group extension", UserWarning)
        book = openpyxl.load_workbook(io.BytesIO(card.excel_bytes()))
    cells = {
        c.value: ws.cell(c.row, c.column + 1).value
        for ws in book.worksheets
        for r in ws.iter_rows()
        for c in r
        if c.value == "Warnings in the data"
    }
    text = cells["Warnings in the data"]
    assert text.startswith("These rows or files are counted, but may make the figures")
    assert "episodes, PLACE: PLACE odd (3 rows)\nheader, DOB: DOB differs" in text


def test_publication_withholds_small_counts_of_warned_rows(card):
    pub = card.for_publication(5)
    t = pub.warned.set_index(["indicator", "rule"])
    assert t.loc[("pct_foster_care", "PLACE odd"), "rows"] == "c"
    assert t.loc[("cla_count", "c episodes rows have no CHILD"), "rows"] == 0
    page = pub.html(charts=False)
    assert "episodes, PLACE: PLACE odd (c rows)" in page
    assert "episodes: c episodes rows have no CHILD" in page
    assert "3 rows" not in page and "3 episodes rows" not in page
    # the internal card is unchanged
    assert (
        card.warned.set_index(["indicator", "rule"]).loc[("pct_foster_care", "PLACE odd"), "rows"]
        == 3
    )


def test_a_card_from_clean_data_has_no_warnings(sample_scorecard):
    assert sample_scorecard.warned is None
    assert not sample_scorecard.frame["caveat"].str.contains("data warnings").any()
    assert "Warnings in the data" not in sample_scorecard.html(charts=False)


def test_an_episode_missing_from_the_next_return_marks_the_card(tmp_path):
    """End to end: A's episode is open at the end of 2023-24 and missing from the 2024-25
    return, so A counts as looked after at 31/03/2025 beside B: 2 children, with the
    caveat, as validate and build warn."""
    head = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n"
    (tmp_path / "episodes_2023-24.csv").write_text(head + "A,01/05/2023,S,C2,U1,,\n")
    (tmp_path / "episodes_2024-25.csv").write_text(head + "B,01/05/2024,S,C2,U1,,\n")
    card = build_scorecard(sc.load_dataset(tmp_path), quarter="2024-25 Q4")
    r = row(card, "cla_count")
    assert r["value"] == 2
    assert r["caveat"] == "data warnings on its episodes data (see Warnings in the data)"
    assert (
        "<li>episodes, DEC: episode open at the end of 2023-24 is missing from the 2024-25 "
        "return (1 rows)</li>" in card.html(charts=False)
    )


def test_the_warnings_listed_name_no_child(tmp_path):
    """A return writing every CHILD in another form is matched and warned about; the card's
    list of warnings (page and workbook) names the rule, never an identifier as an example."""
    head = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n"
    (tmp_path / "episodes_2023-24.csv").write_text(head + "WS4471,01/05/2023,S,C2,U1,,\n")
    (tmp_path / "episodes_2024-25.csv").write_text(
        head + "ws-4471,01/05/2023,S,C2,U1,,\nws-9023,01/05/2024,S,C2,U1,,\n"
    )
    card = build_scorecard(sc.load_dataset(tmp_path), quarter="2024-25 Q4")
    assert row(card, "cla_count")["value"] == 2  # one child matched, one new
    page = card.html(charts=False)
    assert "identifiers written in another form than the other returns" in page
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Sparkline Group extension", UserWarning)
        book = openpyxl.load_workbook(io.BytesIO(card.excel_bytes()))
    cells = " ".join(
        str(c.value) for ws in book.worksheets for r in ws.iter_rows() for c in r if c.value
    )
    assert "identifiers written in another form" in cells
    for child in ("4471", "9023"):
        assert child not in page and child not in cells


def test_two_files_for_one_years_table_are_on_the_card(tmp_path):
    """Two header files for 2024-25 sharing their rows: one is used and an error names both.
    No row is left out, so no figure's note said so, and the card never did: the figures
    that read the header carry the caveat, and the list names the error."""
    head = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n"
    (tmp_path / "episodes_2024-25.csv").write_text(head + "B,01/05/2024,S,C2,U1,,\n")
    (tmp_path / "header_2024-25.csv").write_text("CHILD,SEX,DOB\nB,M,01/01/2010\n")
    (tmp_path / "header_2024-25 FINAL.csv").write_text("CHILD,SEX,DOB\nB,F,01/01/2010\n")
    card = build_scorecard(sc.load_dataset(tmp_path), quarter="2024-25 Q4")
    assert row(card, "time_in_care_current")["caveat"] == (
        "data warnings on its header data (see Warnings in the data)"
    )
    assert "<li>header: two header returns for 2024-25" in card.html(charts=False)
