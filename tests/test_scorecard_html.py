"""The HTML scorecard: self-contained, accessible RAG and direction labels, print CSS, snapshot.

The snapshot uses a Scorecard built from a fixed hand-made frame (not computed), so it
changes only when the rendering changes. Regenerate it after a deliberate change with
SCORECARD_UPDATE_SNAPSHOTS=1 pytest tests/test_scorecard_html.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.report import FRAME_COLUMNS, Scorecard

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
    ]
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    history = pd.DataFrame(columns=["indicator", "period_end", "value", "suppressed"])
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
    )


@pytest.fixture(scope="module")
def page() -> str:
    return fixed_card().html()


def normalise(text: str) -> str:
    return re.sub(r'<span class="generated">[^<]*</span>', '<span class="generated"/>', text)


def test_self_contained(page):
    # nothing fetched from the network: no external scripts, styles, fonts or images
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"@import|url\(", page, re.I)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "http://" not in page and "https://" not in page


def test_title_rag_words_and_print_css(page):
    assert "<title>Children in care scorecard: Wealdshire, 2024-25 Q4</title>" in page
    assert "<h1>Children in care scorecard: Wealdshire</h1>" in page
    # RAG as colour and a word
    assert '<td class="rag rag-red">Red</td>' in page
    assert '<td class="rag rag-amber">Amber</td>' in page
    assert '<td class="rag rag-green">Green</td>' in page
    # direction of travel as an arrow and a word
    assert "↑</span> worsening" in page
    assert "improving" in page
    assert "@page { size: A4 landscape" in page
    assert "<svg" in page and "<polyline" in page
    assert "Definitions" in page


def test_values_formatted_with_units_and_decimals(page):
    assert "<b>12.5%</b>" in page  # percent, 1 decimal
    assert "<b>1,812</b>" in page  # count, thousands separator
    assert "150 / 1,200" in page
    assert "10.4%" in page  # SN average
    assert "Exampleton" in page  # best LA
    assert "rank 140/152" in page
    assert "unavailable: needs the iro_staff table" in page


def test_summary_counts_and_movers(page):
    assert '<div class="tile rag-red"><b>1</b>Red</div>' in page
    assert '<div class="tile rag-amber"><b>1</b>Amber</div>' in page
    assert '<div class="tile rag-green"><b>1</b>Green</div>' in page
    # long-term stability improved 64.0 -> 67.0 on the year; 3+ placements worsened 10.0 -> 12.5
    assert "67.0% (from 64.0% a year ago)" in page
    assert "12.5% (from 10.0% a year ago)" in page
    # only 3+ placements has an England figure: 12.5% against 10.0%, low is good -> worse
    assert "England’s latest published figures: 0 better, 1 worse, 0 level (the 1 banded" in page


def test_commentary_is_escaped():
    card = fixed_card().with_commentary({"cla_count": "<script>alert(1)</script> & more"})
    page = card.html()
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
    page = card._replace(frame=f).html()
    assert '<td class="num"><b>c</b></td>' in page
    assert '<td class="rag rag-none">c</td>' in page
    assert "publication" in page and "shown as “c”" in page


def test_repr_html_is_a_fragment():
    html = fixed_card()._repr_html_()
    assert html.startswith('<div class="sc">')
    assert "<html" not in html and "<table" in html
    assert "@page" not in html  # no print rules forced on the notebook


def test_snapshot():
    got = normalise(fixed_card().html())
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
