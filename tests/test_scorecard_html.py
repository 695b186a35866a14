"""The HTML scorecard: self-contained, styled inline (untrusted notebooks strip <style>),
comparators labelled for what they are, unavailable figures said as such, print CSS, snapshot.

The snapshot uses a Scorecard built from a fixed hand-made frame (not computed), so it
changes only when the rendering changes. Regenerate it after a deliberate change with
SCORECARD_UPDATE_SNAPSHOTS=1 pytest tests/test_scorecard_html.py
"""

from __future__ import annotations

import base64
import html
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.report import FRAME_COLUMNS, Scorecard
from scorecard.report.fmt import base_text, format_change, format_number, format_value

SNAPSHOT = Path(__file__).parent / "snapshots" / "scorecard_small.html"
ENDS = tuple(pd.Timestamp(d) for d in sc.periods.quarter_ends("2024-25 Q4", 8))


def fixed_row(indicator: str, **values) -> dict:
    """One scorecard row: the catalogue's domain, title, unit and polarity for `indicator`,
    blank comparators, and the given values."""
    ind = sc.load_catalogue().get(indicator)
    base = dict.fromkeys(FRAME_COLUMNS, np.nan)
    base.update(
        domain=ind.domain,
        indicator=ind.id,
        title=ind.title,
        unit=ind.unit,
        polarity=ind.polarity,
        rag=None,
        dot_quarter=None,
        dot_year=None,
        quartile_band=None,
        best_la=None,
        benchmark_year=None,
        commentary="",
        status="",
        suppressed=False,
    )
    base.update(values)
    return base


def fixed_card(publish: bool = False) -> Scorecard:
    """Four indicators with known values: red, amber, green and a neutral count."""
    cat = sc.load_catalogue()
    rows = [
        fixed_row(
            "cla_count",
            value=1812.0,
            numerator=1812.0,
            change_quarter=12.0,
            change_year=-30.0,
            dot_quarter="no change",
            dot_year="no significant change",
            trend=[1850.0, 1840.0, 1830.0, 1842.0, 1820.0, 1790.0, 1800.0, 1812.0],
        ),
        fixed_row(
            "placement_stability_short",
            value=12.5,
            numerator=150.0,
            denominator=1200.0,
            target=10.0,
            rag="red",
            change_quarter=1.5,
            change_year=2.5,
            dot_quarter="worsening",
            dot_year="worsening",
            trend=[10.0, 10.2, 9.8, 10.0, 10.5, 11.0, 11.0, 12.5],
            sn_value=10.4,
            sn_count=10.0,
            england=10.0,
            quartile_band="D",
            rank=140.0,
            n_las=152.0,
            best_value=5.0,
            best_la="Exampleton",
            gap_to_best=7.5,
            benchmark_year="2023-24",
            published_value=12.0,
            value_quartile_band="C",
            value_rank=104.0,
            best_neighbour_value=8.1,
            best_neighbour="Nearby",
            gap_to_best_neighbour=4.4,
        ),
        fixed_row(
            "placement_stability_long",
            value=67.0,
            numerator=335.0,
            denominator=500.0,
            target=70.0,
            rag="amber",
            change_quarter=0.4,
            change_year=3.0,
            dot_quarter="no significant change",
            dot_year="improving",
            trend=[60.0, 61.0, np.nan, 63.0, 64.0, 66.0, 66.6, 67.0],
            quartile_band="B",
        ),
        fixed_row(
            "iro_caseload",
            value=4.0,
            numerator=12.0,
            denominator=3.0,
            target=60.0,
            rag="green",
            trend=[np.nan] * 6 + [4.5, 4.0],
        ),
        fixed_row(
            "iro_caseload_weighted",
            status="unavailable: needs the iro_staff table",
            trend=[np.nan] * 8,
        ),
        fixed_row(
            "time_in_care_current",
            value=871.8,
            numerator=1559578.0,
            denominator=1789.0,
            trend=[850.0, 855.0, 860.0, 858.0, 862.0, 866.0, 869.0, 871.8],
            caveat="lower bound for 12 of 1,789 children: their period of care began before "
            "the data starts (01/04/2017)",
        ),
        fixed_row(
            "re_referral_rate",
            status="not available: needs data from 01/04/2023; the data starts 01/04/2024",
            trend=[np.nan] * 7 + [np.nan],
        ),
        fixed_row(
            "attainment_cla_att8",
            value=21.1,
            numerator=2341.0,
            denominator=111.0,
            change_year=1.7,
            dot_year="no significant change",
            trend=[22.7, 20.5, 23.2, 19.4, 21.1],
        ),
    ]
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    history = pd.DataFrame(
        columns=["indicator", "period_end", "numerator", "denominator", "value", "suppressed"]
    )
    return Scorecard(
        frame,
        history,
        quarter="2024-25 Q4",
        period_end=pd.Timestamp("2025-03-31"),
        quarter_ends=ENDS,
        la_code="650",
        la_name="Wealdshire",
        catalogue=cat,
        publish=publish,
        benchmark_note="Comparators are published figures for 2023-24.",
        generated=pd.Timestamp("2025-04-20 09:30"),
        coverage=("01/04/2024 to 31/03/2025 (episodes, header: stated by the user)",),
        left_out=pd.DataFrame(
            {
                "indicator": ["pct_foster_care", "pct_foster_care", "cla_count"],
                "table": ["episodes", "header", "episodes"],
                "column": ["PLACE", "SEX", "DECOM"],
                "rule": ["not a DfE code", "not a DfE code", "not a date"],
                "rows": [3, 1, 2],
            }
        ),
        districts=pd.DataFrame(
            {
                "indicator": ["placement_stability_short"] * 3 + ["cla_count"] * 3,
                "district": ["Maidstone", "Gravesham", "Unknown"] * 2,
                "numerator": [30.0, 2.0, 0.0, 300.0, 8.0, 1.0],
                "denominator": [200.0, 8.0, 1.0, np.nan, np.nan, np.nan],
                "value": [15.0, 25.0, 0.0, 300.0, 8.0, 1.0],
                "rag": ["red", "red", "green", None, None, None],
                "suppressed": False,
            }
        ),
    )


@pytest.fixture(scope="module")
def page() -> str:
    return fixed_card().html(charts=False)


def normalise(text: str) -> str:
    return re.sub(r'<span class="generated">[^<]*</span>', '<span class="generated"/>', text)


def plain(html: str) -> str:
    """The markup without style and class attributes (what the tests read)."""
    return re.sub(r' (style|class)="[^"]*"', "", html)


def text(html: str) -> str:
    """The text a reader sees: tags become single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def row_of(page: str, ind_id: str) -> str:
    """The main row of an indicator and its detail row (best LA, chart)."""
    m = re.search(rf'<tr id="ind-{ind_id}"[^>]*>.*?</tr>(<tr class="more".*?</tr>)?', page)
    assert m, ind_id
    return m.group(0)


def test_self_contained(page):
    # nothing fetched from the network: no external scripts, styles, fonts or images
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"@import|url\(", page, re.I)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "http://" not in page and "https://" not in page


def test_title_rag_words_and_print_css(page):
    p = plain(page)
    assert "<title>Children in care scorecard: Wealdshire, 2024-25 Q4</title>" in p
    assert "<h1>Children in care scorecard: Wealdshire</h1>" in p
    # RAG as colour and a word
    assert re.search(r'<td class="td rag rag-red" style="[^"]*#d4351c[^"]*">Red', page)
    assert re.search(r'<td class="td rag rag-amber" style="[^"]*#ffbf47[^"]*">Amber', page)
    assert re.search(r'<td class="td rag rag-green" style="[^"]*#00703c[^"]*">Green', page)
    # direction of travel as an arrow and a word
    assert "↑</b> worsening" in page
    assert "improving" in page
    assert "@page { size: A4 landscape" in page
    assert "Definitions" in page


def test_every_class_is_also_styled_inline(page):
    """Untrusted notebooks (nbconvert, papermill) strip <style> and <svg>: every element the
    card styles carries its style inline, and pictures are <img> with SVG data."""
    from scorecard.report.html import STYLE

    fragment = fixed_card().html(full_page=False, charts=False)
    for klass in re.findall(r'class="([^"]+)"', fragment):
        styled = [c for c in klass.split() if c in STYLE]
        if styled:
            assert re.search(rf'class="{re.escape(klass)}" style="[^"]+"', fragment), klass
    body = fragment.split("</style>", 1)[1]
    assert "<svg" not in body  # sparklines are images
    sparks = re.findall(r'<img class="spark"[^>]*src="data:image/svg\+xml;base64,([^"]+)"', body)
    assert len(sparks) == len(fixed_card().frame)
    svg = base64.b64decode(sparks[1]).decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "<polyline" in svg
    # the table lays itself out (JupyterLab's own CSS fixes table layout and right-aligns)
    assert re.search(r'<table class="card" style="[^"]*table-layout:auto', body)
    assert re.search(r'class="td title" style="[^"]*text-align:left', body)


def test_values_formatted_with_units_and_decimals(page):
    assert ">12.5%<" in page  # percent, 1 decimal
    assert ">1,812<" in page  # count, thousands separator
    assert "150 / 1,200" in page
    assert "SN 10.4%" in page  # SN average
    assert "rank 140/152" in page
    assert "unavailable: needs the iro_staff table" in page


def test_figures_round_half_up_on_their_decimal_value():
    # as DfE's LAIT and Excel show them: 20.45 (stored 20.4499...) is 20.5, 0.125 is 0.13,
    # 2.675 (stored 2.67499...) 2.68 and -2.25 -2.3 (Excel's ROUND(-2.25, 1)); no '-0.0'
    cases = [(20.45, 1), (0.125, 2), (2.675, 2), (-2.25, 1), (0.05, 0), (-0.04, 1), (1234.55, 1)]
    got = [format_number(v, d) for v, d in cases]
    assert got == ["20.5", "0.13", "2.68", "-2.3", "0", "0.0", "1,234.6"]
    assert format_number(np.nan, 1) == "" and format_number("c", 1) == "c"
    assert format_value(20.45, "percent", 1) == "20.5%"
    assert format_change(-2.25, "percent", 1) == "-2.3 pts"
    assert format_change(0.5, "days", 0) == "+1 days" and format_change(-0.04, "ratio", 1) == "0"
    # the arrow goes with the change printed: half a day is +1 day, up
    from scorecard.report.html import _dot_line

    assert text(_dot_line("Year", "up", 0.5, "days", 0)) == "Year: ↑ up (+1 days)"


def test_a_weighted_caseload_says_its_cases_are_weighted(sample_scorecard):
    # 1,784 CLA cases + 0.5 x 859 CP cases = 2,213.5: not a count of cases, so not "2,214
    # cases" beside the plain caseload's 1,784 cases
    page = sample_scorecard.html(charts=False)
    assert "2,213.5 weighted cases / 30.0 FTE" in text(row_of(page, "iro_caseload_weighted"))
    assert "1,784 cases / 30.0 FTE" in text(row_of(page, "iro_caseload"))
    assert base_text("ratio", 2214.0, 30.0, weighted=True) == "2,214 weighted cases / 30.0 FTE"


def test_means_and_medians_show_the_cohort_not_a_sum(page):
    # 1,559,578 days over 1,789 children: n = 1,789, never '1,559,578 / 1,789'
    row = text(row_of(page, "time_in_care_current"))
    assert "872 days n = 1,789" in row
    # 12 of them counted from the data's start: a lower bound, as the by-age table says
    assert "≥ 872 days" in row
    assert "1,559,578" not in row
    # attainment 8 of 111 pupils: n = 111
    assert "n = 111" in text(row_of(page, "attainment_cla_att8"))
    # a ratio: cases over FTE with one decimal
    assert "12 cases / 3.0 FTE" in text(row_of(page, "iro_caseload"))


def test_comparators_are_labelled_for_what_they_are(page):
    """Kent's case from issue 10: the published figure's band is not this value's."""
    row = text(row_of(page, "placement_stability_short"))
    assert "SN 10.4% England 10% published 2023-24" in row
    assert "Ours 2023-24: 12% (D, rank 140/152)" in row
    assert "This value: C, rank 104/152" in row
    assert "Best LA: Exampleton 5% (our gap +7.5 pts)" in row
    assert "Best neighbour: Nearby 8.1% (our gap +4.4 pts)" in row


def test_comparator_columns_not_filled_render_as_dashes():
    """Comparators a source does not give (published_value, value_quartile_band ... of
    contract 5 missing) leave the card readable: the published band is still labelled as the
    published figure's, and nothing is said about what is missing."""
    card = fixed_card()
    frame = card.frame
    frame[["published_value", "value_rank", "best_neighbour_value", "gap_to_best_neighbour"]] = (
        np.nan
    )
    frame[["value_quartile_band", "best_neighbour"]] = None
    page = card._replace(frame=frame).html(charts=False)
    row = text(row_of(page, "placement_stability_short"))
    assert "Ours 2023-24: (D, rank 140/152)" in row
    assert "This value" not in row and "Best neighbour" not in row
    assert "Best LA: Exampleton 5%" in row
    # NaN in every comparator: dashes, never 'nan'
    blank = card.frame
    for col in ("sn_value", "england", "published_value", "rank", "value_rank", "best_value"):
        blank[col] = np.nan
    for col in ("quartile_band", "value_quartile_band", "best_la", "benchmark_year"):
        blank[col] = None
    page = card._replace(frame=blank).html(charts=False)
    assert "nan" not in text(page).lower().replace("financ", "")


def test_a_row_without_value_has_no_gap_nor_standing():
    card = fixed_card()
    frame = card.frame
    at = frame["indicator"] == "placement_stability_short"
    frame.loc[at, ["value", "numerator", "denominator"]] = np.nan
    frame.loc[at, "status"] = "not available: needs data from 01/04/2024"
    page = card._replace(frame=frame).html(charts=False)
    row = text(row_of(page, "placement_stability_short"))
    assert "Ours 2023-24: 12% (D, rank 140/152)" in row  # the published figure stays
    assert "This value" not in row and "our gap" not in row
    assert "Best LA: Exampleton 5%" in row


def test_counts_are_not_compared_with_other_authorities():
    card = fixed_card()
    frame = card.frame
    frame.loc[frame["indicator"] == "cla_count", ["sn_value", "england"]] = [1097.0, 78025.0]
    page = card._replace(frame=frame).html(charts=False)
    row = row_of(page, "cla_count")
    assert "78,025" not in row and "1,097" not in row
    assert "counts are not compared" in row


def test_unavailable_and_caveats_are_said(page):
    row = text(row_of(page, "re_referral_rate"))
    assert "not available: needs data from 01/04/2023; the data starts 01/04/2024" in row
    row = text(row_of(page, "time_in_care_current"))
    assert "lower bound for 12 of 1,789 children" in row
    # the page says what the data covers, and which rows were left out
    assert "Data covers 01/04/2024 to 31/03/2025 (episodes, header: stated by the user)." in page
    assert (
        "Children looked after in foster care: 3 episodes rows (unusable PLACE: not a DfE "
        "code); 1 header rows (unusable SEX: not a DfE code)" in text(page)
    )
    assert "Children looked after: 2 episodes rows (unusable DECOM: not a date)" in text(page)


def test_annual_indicator_compares_years_not_quarters(page):
    row = text(row_of(page, "attainment_cla_att8"))
    assert "2024/25 on 2023/24: ↑ no significant change (+1.7 pts)" in row
    assert "annual figure: no change on the quarter" in row
    assert "Quarter:" not in row
    assert "5 years" in row


def test_district_view(page):
    section = re.search(r'<section class="districts">.*?</section>', page).group(0)
    assert "By district at 31 March 2025" in text(section)
    # districts in order, 'Unknown' last; Gravesham (8 children looked after) flagged †
    head = text(re.search(r"<thead>.*?</thead>", section).group(0))
    assert head == "Indicator Gravesham † Maidstone Unknown †"
    # each cell: value, RAG colour, number / base; a base under 10 in italics
    assert re.search(r'rag-red"[^>]*title="Red"><b>15.0%</b><br><span[^>]*>30 / 200', section)
    assert re.search(r"font-style:italic[^>]*><b>25.0%</b><br><span[^>]*>2 / 8", section)
    # counts: the count, no base, no colour
    assert "<b>300</b>" in section


def test_print_keeps_headings_with_their_rows(page):
    # one body per domain; a heading row never ends a page, a row keeps its detail line
    assert page.count('<tbody class="domain-group">') == len(fixed_card().frame["domain"].unique())
    assert ".sc tr.domain { break-after: avoid; page-break-after: avoid; }" in page
    assert ".sc tr.has-more { break-after: avoid; page-break-after: avoid; }" in page
    assert '<tr id="ind-placement_stability_short" class="main has-more"' in page
    assert '<tr id="ind-cla_count" class="main">' in page  # no detail line: free to break


def test_trend_charts_embedded_as_svg_images():
    card = fixed_card()
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'
    card._charts.update({"placement_stability_short": svg})  # drawn charts are kept
    page = card.html()
    row = row_of(page, "placement_stability_short")
    assert "<details><summary>" in row
    data = re.search(r'<img class="chart"[^>]*src="data:image/svg\+xml;base64,([^"]+)"', row)
    assert base64.b64decode(data.group(1)).decode() == svg


def test_summary_counts_and_movers(page):
    p = plain(page)
    assert "<b>1</b>Red</div>" in p
    assert "<b>1</b>Amber</div>" in p
    assert "<b>1</b>Green</div>" in p
    # long-term stability improved 64.0 -> 67.0 on the year; 3+ placements worsened 10.0 -> 12.5
    assert "67.0% (from 64.0% a year ago)" in page
    assert "12.5% (from 10.0% a year ago)" in page
    # only 3+ placements has an England figure: 12.5% against 10.0%, low is good -> worse
    assert "England’s latest published figures: 0 better, 1 worse, 0 level (the 1 banded" in page
    assert "2 indicator(s) have no value" in page


def test_commentary_is_escaped():
    card = fixed_card().with_commentary({"cla_count": "<script>alert(1)</script> & more"})
    page = card.html(charts=False)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page


def test_publication_mode_shows_c():
    card = fixed_card(publish=True)
    f = card.frame
    for col in ("value", "numerator", "denominator"):
        f[col] = f[col].astype(object)
    f.loc[f["indicator"] == "iro_caseload", ["value", "numerator", "denominator"]] = "c"
    f.loc[f["indicator"] == "iro_caseload", ["suppressed"]] = True
    f.loc[f["indicator"] == "iro_caseload", ["rag"]] = None
    page = card._replace(frame=f).html(charts=False)
    row = row_of(page, "iro_caseload")
    assert re.search(r'<span class="value"[^>]*>c</span>', row)
    assert re.search(r'<td class="td rag rag-none"[^>]*>c', row)
    assert "publication" in page and "shown as “c”" in page


def test_for_publication_suppresses_small_numbers_in_notes():
    card = fixed_card().for_publication()
    caveat = card.frame.set_index("indicator").loc["time_in_care_current", "caveat"]
    assert caveat.startswith("lower bound for 12 of 1,789 children")  # 12 is not small
    left = card.left_out
    assert list(left["rows"]) == ["c", "c", "c"]  # 3, 1 and 2 rows
    d = card.districts.set_index(["indicator", "district"])
    # Gravesham: 2 of 8 children -> withheld, with its band; Maidstone 30 of 200 shown
    assert d.loc[("placement_stability_short", "Gravesham"), "value"] == "c"
    assert d.loc[("placement_stability_short", "Gravesham"), "rag"] is None
    assert d.loc[("placement_stability_short", "Maidstone"), "value"] == 15.0
    assert "<b>c</b>" in card.html(charts=False)


def test_repr_html_is_a_fragment():
    html = fixed_card()._repr_html_()
    assert html.startswith('<div class="sc" style="')
    assert "<html" not in html and "<table" in html
    assert "@page" not in html  # no print rules forced on the notebook
    # the empty commentary column is left out of the narrow notebook view
    assert ">Commentary<" not in html and ">Commentary<" in fixed_card().html(charts=False)


def test_the_neighbours_banding_rule_reads_as_on_its_chart(sample_scorecard):
    # the definitions said "amber within 2 of it" (of which side, in what unit?) where the
    # trend chart says 2.0 pts worse: one rule, one wording
    from scorecard import charts

    rule = "green at or better than the statistical neighbours' average, amber up to 2.0 pts worse, else red"
    defs = html.unescape(text(sample_scorecard.html(charts=False).split('class="definitions"')[1]))
    assert f"bands: {rule};" in defs
    far = sample_scorecard.catalogue.get("pct_placed_over_20_miles")
    subtitle = " ".join(charts._trend_subtitle(far, has_bands=False, has_target=False))
    assert rule.replace("the statistical neighbours' average", "it") in subtitle


def test_a_direction_not_called_has_no_arrow():
    # an arrow says which way the figure moved; between lower bounds that is not known
    from scorecard.report import builder
    from scorecard.report import html as page

    line = text(page._dot_line("Year", builder.LOWER_BOUNDS_NOT_COMPARED, np.nan, "days", 0))
    assert line == "Year: not compared: lower bounds (≥)"
    assert "↑" in page._dot_line("Year", "up", 140.0, "days", 0)


def test_the_unknown_district_comes_last_as_the_legend_says():
    # the engine names it 'Unknown' while the page looked for 'Not known': on a council's
    # card it sat among the districts (before Wyre) and the legend named another column
    from scorecard.report.html import district_order

    t = pd.DataFrame({"district": ["Wyre", "Unknown", "Ashby", "Wyre"]})
    assert district_order(t) == ["Ashby", "Wyre", "Unknown"]


def test_a_movers_earlier_value_is_the_one_shown():
    # 3+ placements shown 9.5% (9.45) after 10.2% a year ago: the change shown is -0.7 pts,
    # and 'from' must be 10.2%, the value the trend showed; 9.45 + 0.7 = 10.1499... read 10.1%
    from scorecard.report.html import _movers

    f = fixed_card().frame
    row = f.index[f["indicator"] == "placement_stability_short"][0]
    f.loc[row, ["value", "change_year"]] = [9.45, -0.7]
    f.loc[row, "dot_year"] = "improving"
    card = fixed_card()._replace(frame=f)
    said = [m for m in _movers(card, "improving") if m.startswith("Children looked after with 3")]
    assert said == [
        "Children looked after with 3 or more placements during the year: 9.5% "
        "(from 10.2% a year ago)"
    ]


def test_snapshot():
    got = normalise(fixed_card().html(charts=False))
    if os.environ.get("SCORECARD_UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(got, encoding="utf-8")
        if not os.environ.get("SCORECARD_UPDATE_SNAPSHOTS"):
            pytest.fail(f"snapshot {SNAPSHOT.name} was missing and has been written; re-run")
    assert got == SNAPSHOT.read_text(encoding="utf-8")


def test_to_html_writes_the_page(tmp_path):
    path = fixed_card().to_html(tmp_path / "card.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["card.html"]
    # a page named .xlsx, or a workbook .csv, would not open; a folder named its temporary
    # file in the error
    with pytest.raises(ValueError, match=r"card\.xlsx: this writes a \.html file"):
        fixed_card().to_html(tmp_path / "card.xlsx")
    with pytest.raises(ValueError, match=r"name it card\.xlsx"):
        fixed_card().to_excel(tmp_path / "card.csv")
    with pytest.raises(IsADirectoryError, match=r"is a folder: give a file name"):
        fixed_card().to_html(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["card.html"]


def _chromium() -> str:
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    pytest.skip("no headless Chromium to print with (apt-get install chromium)")


def _print_to_text(html: str, folder: Path) -> list[str]:
    """The pages of `html` printed by headless Chromium, as text (pdftotext)."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    page = folder / "card.html"
    page.write_text(html, encoding="utf-8")
    pdf = folder / "card.pdf"
    subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [p for p in text.split("\f") if p.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("offset", [0, 80, 160, 240])
def test_printed_page_never_ends_on_a_domain_heading(sample_scorecard, tmp_path, offset):
    """Printed (A4 landscape, headless Chromium), no page ends with a domain heading whose
    rows are on the next page ('Time in care' was orphaned at a page foot). The table is
    pushed down by `offset` pixels so the headings fall at different places on the pages:
    without the print rule, offsets 80 to 240 orphan 'Care leavers', 'Education' or 'IRO'."""
    html = sample_scorecard.html(charts=False)
    spacer = f'<div style="height:{offset}px"></div><section aria-label="Summary"'
    pages = _print_to_text(html.replace('<section aria-label="Summary"', spacer, 1), tmp_path)
    headings = {d[:1].upper() + d[1:] for d in sample_scorecard.frame["domain"]}
    assert len(pages) >= 3
    for k, p in enumerate(pages, start=1):
        last = [line.strip() for line in p.splitlines() if line.strip()][-1]
        assert last not in headings, f"page {k} ends with the heading {last!r}"
    assert all(any(h in p for p in pages) for h in headings)


@pytest.mark.slow
def test_kent_published_figure_beside_where_this_value_stands(sample_dataset, dfe_dir):
    """Issue 10's case on the real LAIT extract: the sample's 9.7% (3+ placements) beside
    Kent's published 12.0% for 2024-25 (quartile C, rank 104 of 151), each labelled, and the
    9.7% placed in band B of that year's distribution."""
    from scorecard.report import AuthorityMismatchWarning, build_scorecard

    with pytest.warns(AuthorityMismatchWarning, match="Wealdshire"):  # the sample as Kent
        card = build_scorecard(
            sample_dataset,
            benchmarks=dfe_dir / "bds_long_0.parquet",
            neighbours=dfe_dir / "sn_may_2025.xlsx",
            la="886",
        )
    assert card.la_name == "Kent"
    row = text(row_of(card.html(charts=False), "placement_stability_short"))
    assert "9.7% 174 / 1,789" in row
    assert "Ours 2024-25: 12% (C, rank 104/151)" in row
    assert re.search(r"This value: B, rank \d+/151", row)


def test_time_in_care_by_age_says_which_averages_are_lower_bounds():
    from types import SimpleNamespace

    from scorecard.report.html import by_age_html
    from scorecard.report.privacy import apply_suppression

    why = "their period of care began before the data starts (01/04/2015)"
    ends = pd.to_datetime(["2024-03-31", "2025-03-31"])
    t = pd.DataFrame(
        {
            "period_end": np.repeat(ends, 2),
            "age_at_entry": ["under 1", "1 to 4"] * 2,
            "numerator": [88562.0, 80866.0, 92991.0, 109403.0],
            "denominator": [124.0, 85.0, 113.0, 111.0],
            "value": [714.2, 951.4, 822.9, 985.6],
            "note": [
                None,
                # a note holding another caveat before it: the lower bound is still found
                f"3 episodes rows left out: unusable PLACE; lower bound for 4 of 85 children: {why}",
                f"lower bound for 1 of 113 children: {why}",
                f"lower bound for 5 of 111 children: {why}",
            ],
        }
    )
    page = text(by_age_html(SimpleNamespace(by_age=t)))
    assert "under 1 124 714 days 113 ≥ 823 days" in page
    assert "1 to 4 85 ≥ 951 days 111 ≥ 986 days" in page
    assert (
        "≥: a lower bound. Year to March 2024: 1 to 4, lower bound for 4 of 85 children. Year "
        "to March 2025: under 1, lower bound for 1 of 113 children; 1 to 4, lower bound for 5 "
        f"of 111 children. For these children {why}: their days are counted from then, and "
        "their age at entry is their age then."
    ) in page
    # published: the small numbers in the notes are withheld, the marks stay
    shown = apply_suppression(t, pd.Series(False, index=t.index), 5)
    page = text(by_age_html(SimpleNamespace(by_age=shown)))
    assert "under 1, lower bound for c of 113 children" in page and "≥ 823 days" in page


def test_only_a_small_base_is_marked_not_a_small_count():
    # the district key says italic marks a base of fewer than 10 children: a count (7 UASC)
    # has no base, so it is never marked; 2 / 8 is
    from scorecard.report.html import thin_base

    assert thin_base(8.0, "percent") and not thin_base(10.0, "percent")
    assert not thin_base(np.nan, "count") and not thin_base(7.0, "count")
    assert not thin_base("c", "percent")


def test_a_neighbour_average_of_fewer_than_ten_says_of_how_many(sample_scorecard):
    # the sample's grade 4+ average: 4 of the 10 neighbours publish a figure (small
    # cohorts withheld), so 19.9% stands on 4 authorities, and the page says so
    page = sample_scorecard.html(charts=False)
    assert "SN 19.9% (4 of 10)" in text(row_of(page, "attainment_cla_em94"))
    # a full list says nothing more
    assert re.search(r"SN 11\.0% England", text(row_of(page, "placement_stability_short")))
