"""The Excel scorecard: four sheets, frozen header, autofilter, real RAG fills, number formats."""

from __future__ import annotations

import io
import warnings

import openpyxl
import pytest
from test_scorecard_html import fixed_card

from scorecard.report.excel import HEADER_ROW, SCORECARD_COLUMNS


def load(data: bytes) -> openpyxl.Workbook:
    """Open with openpyxl, which cannot read Excel sparklines (it says so; Excel can)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Sparkline Group extension", UserWarning)
        return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return load(fixed_card().excel_bytes())


def header_index(ws, name: str) -> int:
    """1-based column of the Scorecard header `name`."""
    for cell in ws[HEADER_ROW + 1]:
        if cell.value == name:
            return cell.column
    raise AssertionError(f"no column {name!r}")


def find_row(ws, title: str) -> int:
    col = header_index(ws, "Indicator")
    for r in range(HEADER_ROW + 2, ws.max_row + 1):
        if ws.cell(r, col).value == title:
            return r
    raise AssertionError(f"no row {title!r}")


def test_sheets(book):
    assert book.sheetnames == ["Scorecard", "Summary", "Trend", "Districts", "Definitions"]


def test_scorecard_sheet_layout(book):
    ws = book["Scorecard"]
    assert ws["A1"].value == "Children in care scorecard: Wealdshire"
    assert [c.value for c in ws[HEADER_ROW + 1]] == [name for name, _, _ in SCORECARD_COLUMNS]
    # header row frozen (row 4 is the header, so panes freeze at row 5), filter on it
    assert ws.freeze_panes == "C5"
    assert ws.auto_filter.ref.startswith("A4:")
    assert ws.column_dimensions["B"].width > 40  # titles readable
    # one row per indicator below the header
    assert ws.max_row == HEADER_ROW + 1 + len(fixed_card().frame)


def test_rag_cells_have_real_fills_and_words(book):
    ws = book["Scorecard"]
    rag = header_index(ws, "RAG")
    red = ws.cell(
        find_row(ws, "Children looked after with 3 or more placements during the year"), rag
    )
    amber = ws.cell(find_row(ws, "Long-term placement stability"), rag)
    green = ws.cell(find_row(ws, "Children looked after per IRO (FTE)"), rag)
    assert (red.value, amber.value, green.value) == ("Red", "Amber", "Green")
    assert red.fill.fgColor.rgb.endswith("D4351C")
    assert amber.fill.fgColor.rgb.endswith("FFBF47")
    assert green.fill.fgColor.rgb.endswith("00703C")
    none = ws.cell(find_row(ws, "Children looked after"), rag)
    assert none.value is None


def test_numbers_stay_numbers_with_unit_formats(book):
    ws = book["Scorecard"]
    r = find_row(ws, "Children looked after with 3 or more placements during the year")
    value = ws.cell(r, header_index(ws, "Value"))
    assert value.value == 12.5
    assert value.number_format == '#,##0.0"%"'
    count = ws.cell(find_row(ws, "Children looked after"), header_index(ws, "Value"))
    assert count.value == 1812 and count.number_format == "#,##0"
    assert ws.cell(r, header_index(ws, "Base (n)")).value == 1200
    assert ws.cell(r, header_index(ws, "SN average (published)")).value == 10.4
    assert ws.cell(r, header_index(ws, "Best LA")).value == "Exampleton"
    # published figures keep the decimals they were published with: 12 and 5 as whole
    # percentages (not 12.0% beside our 12.5%), 8.1 with its one
    for name, value, fmt in [
        ("Our published value", 12, '#,##0"%"'),
        ("Best LA value", 5, '#,##0"%"'),
        ("Best neighbour value", 8.1, '#,##0.0"%"'),
        ("SN average (published)", 10.4, '#,##0.0"%"'),
    ]:
        cell = ws.cell(r, header_index(ws, name))
        assert (cell.value, cell.number_format) == (value, fmt), name
    # a lower bound keeps its number, shown '≥ 872 days' as on the page
    title = "Average time in care so far of children looked after (days)"
    bound = ws.cell(find_row(ws, title), header_index(ws, "Value"))
    assert bound.value == 872 and bound.number_format == '"≥ "#,##0" days"'
    # a missing value is a blank cell, never NaN or 'nan'
    r2 = find_row(ws, "Weighted IRO caseload per FTE (CP cases weighted)")
    assert ws.cell(r2, header_index(ws, "Value")).value is None


def test_commentary_column_open_for_input():
    card = fixed_card().with_commentary({"cla_count": "Numbers steady since the summer."})
    ws = load(card.excel_bytes())["Scorecard"]
    col = header_index(ws, "Commentary")
    r = find_row(ws, "Children looked after")
    assert ws.cell(r, col).value == "Numbers steady since the summer."
    assert ws.cell(r, col).protection.locked is False


def test_summary_trend_and_definitions(book):
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Red"] == 1 and summary["Amber"] == 1 and summary["Green"] == 1
    assert summary["Quarter"] == "2024-25 Q4"
    assert summary["Against England"].startswith("0 better, 1 worse, 0 level")
    trend = book["Trend"]
    head = [c.value for c in trend[1]]
    assert head[3:11] == [
        "2023-24 Q1",
        "2023-24 Q2",
        "2023-24 Q3",
        "2023-24 Q4",
        "2024-25 Q1",
        "2024-25 Q2",
        "2024-25 Q3",
        "2024-25 Q4",
    ]
    rows = {r[1]: r for r in trend.iter_rows(min_row=2, values_only=True)}
    assert list(rows["Long-term placement stability"][3:11]) == [
        60.0,
        61.0,
        None,
        63.0,
        64.0,
        66.0,
        66.6,
        67.0,
    ]
    defs = book["Definitions"]
    head = [c.value for c in defs[1]]
    assert head[:4] == ["Indicator id", "Title", "Domain", "Description"]
    bands = {r[0]: r[head.index("RAG bands")] for r in defs.iter_rows(min_row=2, values_only=True)}
    assert (
        bands["placement_stability_short"]
        == "green at or below 10, amber at or below 12, target 10"
    )


def test_to_excel_writes_the_file(tmp_path):
    path = fixed_card().to_excel(tmp_path / "card.xlsx")
    assert load(path.read_bytes()).sheetnames[0] == "Scorecard"
    assert [p.name for p in tmp_path.iterdir()] == ["card.xlsx"]


def test_scorecard_rows_have_sparklines_over_their_trend_row():
    import zipfile

    from xlsxwriter.utility import xl_col_to_name

    data = fixed_card().excel_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    col = xl_col_to_name([c for _, c, _ in SCORECARD_COLUMNS].index("trend"))
    # the first indicator sits on row 5 of the Scorecard sheet and row 2 of the Trend sheet,
    # whose 8 quarters are columns D to K
    assert f"<xm:f>Trend!D2:K2</xm:f><xm:sqref>{col}5</xm:sqref>" in sheet
    assert f"<xm:f>Trend!D6:K6</xm:f><xm:sqref>{col}9</xm:sqref>" in sheet


def test_every_number_formatted_no_empty_strings(book):
    """No 778.6825396825396 in a General cell, no cell holding an empty string."""
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, int | float) and not isinstance(v, bool):
                    assert cell.number_format != "General", (ws.title, cell.coordinate, v)
                assert v != "", (ws.title, cell.coordinate)


def test_domain_spelled_one_way_on_every_sheet(book):
    spelled = set()
    for name, col in (("Scorecard", 1), ("Trend", 1), ("Definitions", 3)):
        ws = book[name]
        for (v,) in ws.iter_rows(min_col=col, max_col=col, values_only=True):
            if isinstance(v, str) and v.lower() in ("population", "placement stability"):
                spelled.add(v)
    assert spelled == {"Population", "Placement stability"}


def test_comparators_labelled_and_unavailable_said(book):
    ws = book["Scorecard"]
    r = find_row(ws, "Children looked after with 3 or more placements during the year")
    got = {
        name: ws.cell(r, header_index(ws, name)).value
        for name in (
            "Published year",
            "Our published value",
            "Our published quartile",
            "Our published rank",
            "This value's quartile",
            "This value's rank",
            "Best neighbour",
            "Gap to best neighbour",
        )
    }
    assert got == {
        "Published year": "2023-24",
        "Our published value": 12.0,
        "Our published quartile": "D",
        "Our published rank": 140,
        "This value's quartile": "C",
        "This value's rank": 104,
        "Best neighbour": "Nearby",
        "Gap to best neighbour": 4.4,
    }
    status = ws.cell(find_row(ws, "Re-referrals within 12 months"), header_index(ws, "Status"))
    status = status.value
    assert status == "not available: needs data from 01/04/2023; the data starts 01/04/2024"
    # time in care: the sum of days is no help to a reader; the base (n) is there
    r = find_row(ws, "Average time in care so far of children looked after (days)")
    assert ws.cell(r, header_index(ws, "Number")).value is None
    assert ws.cell(r, header_index(ws, "Base (n)")).value == 1789
    assert "lower bound" in ws.cell(r, header_index(ws, "Caveat")).value
    # a count is not compared with other authorities' counts
    r = find_row(ws, "Children looked after")
    assert ws.cell(r, header_index(ws, "SN average (published)")).value is None


def test_annual_trend_block_and_districts(book):
    trend = book["Trend"]
    rows = list(trend.iter_rows(values_only=True))
    head = next(r for r in rows if r[0] == "Domain (annual figures)")
    assert list(head[3:8]) == ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
    att8 = next(r for r in rows if r[1] == "Average Attainment 8 of children looked after")
    assert list(att8[3:8]) == [22.7, 20.5, 23.2, 19.4, 21.1]
    ws = book["Districts"]
    assert [c.value for c in ws[4]] == ["Indicator", "Gravesham †", "Maidstone", "Unknown †"]
    values = [c.value for c in ws[5]]
    assert values[1:] == [25.0, 15.0, 0.0]
    assert [c.value for c in ws[6]][1:] == ["2 / 8", "30 / 200", "0 / 1"]
    assert ws["C5"].fill.fgColor.rgb.endswith("D4351C")  # Maidstone 15.0%: red
    assert ws["B5"].font.italic  # a base of 8 children


def test_publication_districts_sheet_withholds_small_counts():
    ws = load(fixed_card().for_publication().excel_bytes())["Districts"]
    # 2 of 8 withheld; 0 of 1: the base of 1 child withheld, and so the value
    assert [c.value for c in ws[5]][1:] == ["c", 15.0, "c"]


@pytest.mark.slow
def test_sample_workbook_formats_every_number(sample_scorecard):
    """The bundled sample's workbook, every sheet: no number in a General cell (the summary's
    778.6825396825396 days), no empty-string cell."""
    test_every_number_formatted_no_empty_strings(load(sample_scorecard.excel_bytes()))


def test_figures_are_stored_as_the_page_shows_them():
    """A neighbour average of 20.45 (stored 20.4499...) is 20.5% on the page, as LAIT and a
    spreadsheet show it (Python's formatting gave 20.4%). The workbook stores the card's
    figures as the page shows them; a published figure keeps its decimals, and a spreadsheet
    shows it as the page does; text and blanks stay."""
    import numpy as np

    from scorecard.report.excel import as_shown

    assert as_shown(20.45, 1) == 20.5 and as_shown(-2.25, 1) == -2.3
    assert as_shown(np.int64(3), 0) == 3.0 and as_shown(-0.04, 1) == 0.0
    assert as_shown("c", 1) == "c" and np.isnan(as_shown(np.nan, 1))
    card = fixed_card()
    frame = card.frame
    at = frame["indicator"] == "placement_stability_short"
    frame.loc[at, ["value", "sn_value", "england"]] = [20.45, 20.45, 20.45]
    card = card._replace(frame=frame)
    page = card.html(charts=False)
    assert ">20.5%<" in page and "SN 20.5%" in page and "England 20.5%" in page
    # level with England as shown: neither better nor worse
    assert "0 better, 0 worse, 1 level" in page
    book = load(card.excel_bytes())
    ws = book["Scorecard"]
    cols = {name: i + 1 for i, (name, _, _) in enumerate(SCORECARD_COLUMNS)}
    row = next(
        r
        for r in range(HEADER_ROW + 2, ws.max_row + 1)
        if ws.cell(r, cols["Indicator id"]).value == "placement_stability_short"
    )
    got = [ws.cell(row, cols[n]).value for n in ("Value", "SN average (published)")]
    assert got == [20.5, 20.5]
    england = ws.cell(row, cols["England (published)"])  # 20.45 in "0.0": a spreadsheet's 20.5
    assert (england.value, england.number_format) == (20.45, '#,##0.0"%"')
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Against England"].startswith("0 better, 0 worse, 1 level")


def test_the_neighbour_average_says_how_many_neighbours_it_is_of():
    """The page says 'SN 10.4% (7 of 10)'; the workbook has the count beside the average
    (SPEC: the neighbour average with the number of neighbours it is of); none for a count."""
    card = fixed_card()
    frame = card.frame
    frame["sn_count"] = frame["sn_count"].astype("float64")
    frame.loc[frame["indicator"] == "placement_stability_short", "sn_count"] = 7.0
    frame.loc[frame["indicator"] == "cla_count", "sn_count"] = 9.0
    ws = load(card._replace(frame=frame).excel_bytes())["Scorecard"]
    cols = {name: i + 1 for i, (name, _, _) in enumerate(SCORECARD_COLUMNS)}
    rows = {
        ws.cell(r, cols["Indicator id"]).value: r for r in range(HEADER_ROW + 2, ws.max_row + 1)
    }
    assert cols["SN with a value"] == cols["SN average (published)"] + 1
    assert ws.cell(rows["placement_stability_short"], cols["SN with a value"]).value == 7
    assert ws.cell(rows["cla_count"], cols["SN with a value"]).value is None


@pytest.mark.slow
def test_a_row_banded_against_the_neighbours_says_so_in_its_target(sample_scorecard):
    """The 20-miles row is banded against the neighbours' average: the page says 'target SN
    average'; the workbook's Target cell was blank beside a Green band."""
    ws = load(sample_scorecard.excel_bytes())["Scorecard"]
    cols = {name: i + 1 for i, (name, _, _) in enumerate(SCORECARD_COLUMNS)}
    rows = {
        ws.cell(r, cols["Indicator id"]).value: r for r in range(HEADER_ROW + 2, ws.max_row + 1)
    }
    far = rows["pct_placed_over_20_miles"]
    assert ws.cell(far, cols["Target"]).value == "SN average"
    assert ws.cell(far, cols["RAG"]).value in ("Red", "Amber", "Green")
    assert ws.cell(rows["placement_stability_short"], cols["Target"]).value == 10
