"""The scorecard as one self-contained HTML page for the Corporate Parenting Panel.

Nothing is fetched from the network: no scripts, fonts or linked files; sparklines and trend
charts are SVG images inside the page. Every element carries its style inline as well as a
class, because a notebook opened untrusted (run by nbconvert or papermill) strips `<style>`
and `<svg>` but keeps inline styles and images: the card then looks the same in JupyterLab,
trusted or not, as in a browser. RAG is shown as colour AND a word, direction of travel as
an arrow AND a word, so nothing depends on colour alone. Prints on A4 landscape with each
domain heading kept with its rows.
"""

from __future__ import annotations

import base64
import math
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from ..bands import MIN_DENOMINATOR, shown_value
from ..breakdowns import UNKNOWN_DISTRICT
from ..measures.facts import LOWER_BOUND_FOUND, says_lower_bound
from .fmt import (
    SHOWN_ONLY,
    SUPPRESSED,
    UNIT_LABEL,
    WARNINGS_HEADING,
    base_text,
    format_change,
    format_number,
    format_published,
    format_value,
    is_missing,
    is_weighted,
    is_withheld,
    sn_band_rule,
    trend_labels,
    year_label,
)
from .sparkline import sparkline_svg

if TYPE_CHECKING:
    from .scorecard import Scorecard

RAG_LABEL = {"red": "Red", "amber": "Amber", "green": "Green"}
DOT_CLASS = {"improving": "better", "worsening": "worse"}
SMALL_DISTRICT = 20  # a district with fewer children looked after than this is flagged

# The inline style of each class (the class stays, for the print rules and for users' own
# CSS). Only properties JupyterLab's sanitizer keeps for untrusted output are used: no flex
# wrapping, no gap, no break-* (page-break-* instead).
STYLE = {
    "sc": "font-family:Arial, Helvetica, sans-serif;color:#0b0c0c;font-size:13px;"
    "line-height:1.35;background-color:#ffffff;text-align:left;max-width:100%",
    "h1": "font-size:21px;margin:0 0 2px 0;line-height:1.2",
    "h2": "font-size:16px;margin:16px 0 6px 0",
    "h3": "font-size:13px;margin:0 0 3px 0",
    "sub": "color:#505a5f;margin:0 0 4px 0;text-align:left",
    "coverage": "color:#505a5f;margin:0 0 10px 0;font-size:12px;text-align:left",
    "mode": "display:inline-block;padding:0 5px;border:1px solid #505a5f;border-radius:3px;"
    "font-size:11px;text-transform:uppercase;letter-spacing:.04em",
    "summary": "margin:0 0 8px 0",
    "tiles": "display:inline-block;vertical-align:top;margin:0 14px 8px 0",
    "tile": "display:inline-block;min-width:58px;padding:4px 6px;margin:0 4px 4px 0;"
    "border-radius:3px;text-align:center;border:1px solid #b1b4b6;vertical-align:top",
    "tile-n": "display:block;font-size:20px;font-weight:bold",
    "list": "display:inline-block;vertical-align:top;width:240px;margin:0 14px 8px 0",
    "ul": "margin:0;padding-left:16px;text-align:left",
    "wrap": "overflow-x:auto;max-width:100%",
    "card": "border-collapse:collapse;width:100%;table-layout:auto;margin:0;font-size:12px;"
    "color:#0b0c0c",
    "th": "background-color:#1d3557;color:#ffffff;font-size:12px;font-weight:bold;"
    "vertical-align:bottom;text-align:left;padding:4px 5px;border:none;white-space:normal",
    "domain": "background-color:#eef1f4;color:#0b0c0c;font-size:13px;font-weight:bold;"
    "border-top:2px solid #1d3557;text-align:left;padding:4px 5px",
    "td": "border-bottom:1px solid #d8dde0;padding:4px 4px;vertical-align:top;text-align:left;"
    "white-space:normal;background-color:#ffffff",
    "num": "text-align:right",
    "nowrap": "white-space:nowrap",
    "bench": "min-width:100px;font-size:12px",
    "line": "display:block;margin-top:2px",
    "spark-cell": "min-width:82px",
    "title": "min-width:125px;max-width:260px;font-weight:normal",
    "small": "display:block;font-size:11px;color:#505a5f;font-weight:normal",
    "small-on": "display:block;font-size:11px;font-weight:normal",
    "status": "display:block;font-size:11px;color:#8a3b00;font-weight:normal",
    "caveat": "display:block;font-size:11px;color:#383f43;font-style:italic;font-weight:normal",
    "value": "font-size:14px;font-weight:bold;white-space:nowrap",
    "rag": "text-align:center;font-weight:bold;white-space:nowrap",
    "rag-red": "background-color:#d4351c;color:#ffffff",
    "rag-amber": "background-color:#ffbf47;color:#0b0c0c",
    "rag-green": "background-color:#00703c;color:#ffffff",
    "rag-none": "color:#505a5f;font-weight:normal",
    "dot-line": "display:block;font-size:12px;min-width:105px",
    "better": "color:#00703c",
    "worse": "color:#d4351c",
    "same": "color:#505a5f",
    "comment": "min-width:60px;max-width:220px;border-left:1px dashed #b1b4b6",
    "more": "padding:0 5px 5px 12px;font-size:11px;color:#383f43;text-align:left;"
    "border-bottom:1px solid #d8dde0;background-color:#ffffff",
    "chart": "display:block;max-width:100%;height:auto;margin:4px 0",
    "notes": "color:#383f43;font-size:12px;text-align:left",
    "dist": "border-collapse:collapse;table-layout:auto;margin:0;font-size:11px",
    "dcell": "border:1px solid #d8dde0;padding:3px 4px;text-align:right;vertical-align:top;"
    "white-space:nowrap",
    "dhead": "background-color:#1d3557;color:#ffffff;font-weight:bold;padding:3px 4px;"
    "vertical-align:bottom;text-align:center;border:1px solid #1d3557;white-space:normal",
    "dname": "border:1px solid #d8dde0;padding:3px 4px;text-align:left;vertical-align:top;"
    "min-width:140px;max-width:220px;white-space:normal",
    "dsmall": "font-style:italic;color:#505a5f",
    "defs": "margin:0",
    "dt": "font-weight:bold;margin-top:6px",
    "dd": "margin:0 0 4px 0;color:#383f43",
}

CSS = """
.sc svg.spark, .sc img.spark { display: block; }
.sc details > summary { cursor: pointer; }
"""

# print rules: only in the full page (a notebook's own printing is not ours to change)
PRINT_CSS = """
@page { size: A4 landscape; margin: 10mm; }
@media print {
  .sc { font-size: 10px; }
  .sc table.card thead { display: table-header-group; }
  .sc .wrap { overflow: visible !important; }
  .sc tr { break-inside: avoid; page-break-inside: avoid; }
  .sc tr.has-more { break-after: avoid; page-break-after: avoid; }
  .sc tr.domain { break-after: avoid; page-break-after: avoid; }
  .sc h2 { break-after: avoid; page-break-after: avoid; }
  .sc .definitions { break-before: page; page-break-before: always; }
  .sc .byage, .sc .districts { break-inside: avoid; page-break-inside: avoid; }
  .sc details img.chart { display: none; }
  .sc .rag-red, .sc .rag-amber, .sc .rag-green, .sc th, .sc tr.domain th, .sc .tile {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

COLUMNS = [
    ("Indicator", ""),
    ("Value", "num"),
    ("RAG and target", ""),
    ("Direction of travel", ""),
    ("Trend", ""),
    ("Published comparators", ""),
    ("Commentary", ""),
]


def _a(classes: str) -> str:
    """` class="..." style="..."`: the classes, with their styles inline."""
    names = classes.split()
    style = ";".join(STYLE[n] for n in names if n in STYLE)
    return f' class="{classes}"' + (f' style="{style}"' if style else "")


def _text(value: object) -> str:
    return "" if value is None or is_missing(value) else str(value)


def _get(row: pd.Series, column: str) -> object:
    """A frame value, or None when the column is absent (not filled by the comparators yet)."""
    return row[column] if column in row.index else None


def svg_image(svg: str, label: str, klass: str = "", width: int | None = None) -> str:
    """An SVG as an <img> with a data: URI: kept in untrusted notebooks (which strip <svg>),
    and each drawing's element ids stay its own."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    size = f' width="{width}"' if width else ""
    return (
        f'<img{_a(klass)} src="data:image/svg+xml;base64,{data}" alt="{escape(label)}"'
        f' title="{escape(label)}"{size}>'
    )


def _decimals(sc: Scorecard, ind_id: str) -> int:
    """Every row of a scorecard comes from its catalogue, so the lookup cannot miss."""
    return sc.catalogue.get(ind_id).decimals


def _annual(sc: Scorecard, ind_id: str) -> bool:
    return sc.catalogue.get(ind_id).frequency == "annual"


def _rag_cell(sc: Scorecard, row: pd.Series, unit: str, dec: int) -> str:
    ind = sc.catalogue.get(str(row["indicator"]))
    target = format_value(row["target"], unit, dec)
    if not target and ind.rag is not None and ind.rag.mode == "benchmark":
        target = "SN average"
    rag = row["rag"]
    coloured = rag in RAG_LABEL and not bool(row["suppressed"])
    # on a coloured fill the target takes the fill's text colour
    below = (
        f"<span{_a('small-on' if coloured else 'small')}>target {escape(target)}</span>"
        if target
        else ""
    )
    if bool(row["suppressed"]):
        return f"<td{_a('td rag rag-none')}>{SUPPRESSED}{below}</td>"
    if coloured:
        return f"<td{_a(f'td rag rag-{rag}')}>{RAG_LABEL[rag]}{below}</td>"  # type: ignore[index]
    return f"<td{_a('td rag rag-none')}>–{below}</td>"


def _at_least(text: str, bound: bool) -> str:
    """'≥ 621 days' for a shown value that is a lower bound (a blank or 'c' stays as it is)."""
    return f"≥ {text}" if bound and text and text != SUPPRESSED else text


def _dot_line(label: str, word: object, change: object, unit: str, decimals: int) -> str:
    """One line: 'Quarter ↑ worsening +1.5 pts' (arrow for the direction of the change, word
    and colour for better or worse)."""
    if isinstance(change, str):  # withheld
        return f"<span{_a('dot-line same')}>{escape(label)}: {escape(change)}</span>"
    if word is None or (isinstance(word, float) and math.isnan(word)):
        if is_missing(change):
            return f"<span{_a('dot-line same')}>{escape(label)}: –</span>"
        word = ""
    klass = DOT_CLASS.get(str(word), "same")
    if is_missing(change):  # a direction not called ('not compared: ...'): no arrow
        return f"<span{_a(f'dot-line {klass}')}>{escape(label)}: {escape(str(word))}</span>"
    c = shown_value(change, decimals)  # type: ignore[arg-type]  # as format_change prints it
    arrow = "↑" if c > 0 else "↓" if c < 0 else "→"
    amount = format_change(change, unit, decimals)
    amount = f" ({escape(amount)})" if amount else ""
    return (
        f"<span{_a(f'dot-line {klass}')}>{escape(label)}: "
        f'<b aria-hidden="true">{arrow}</b> {escape(str(word))}{amount}</span>'
    )


def _dot_cell(sc: Scorecard, row: pd.Series, unit: str, dec: int) -> str:
    if _annual(sc, str(row["indicator"])):
        now = year_label(sc.period_end)
        before = year_label(sc.period_end - pd.DateOffset(months=12))
        lines = _dot_line(f"{now} on {before}", row["dot_year"], row["change_year"], unit, dec)
        lines += f"<span{_a('small')}>annual figure: no change on the quarter</span>"
    else:
        lines = _dot_line("Quarter", row["dot_quarter"], row["change_quarter"], unit, dec)
        lines += _dot_line("Year", row["dot_year"], row["change_year"], unit, dec)
    return f"<td{_a('td dot')}>{lines}</td>"


NOT_COMPARED = "counts are not compared between authorities of different sizes"


def _rank_text(band: object, rank: object, n: object) -> str:
    parts = []
    if _text(band):
        parts.append(str(band))
    if not is_missing(rank):
        parts.append(
            f"rank {int(rank)}" + (f"/{int(n)}" if not is_missing(n) else "")  # type: ignore[arg-type]
        )
    return ", ".join(parts)


FULL_SN_LIST = 10  # a DfE statistical-neighbour list names ten authorities


def _benchmark_cell(row: pd.Series, unit: str, dec: int, neutral: bool) -> str:
    """The published comparators of the benchmark year, each labelled with what it is: the
    statistical-neighbour average and England; the authority's own published figure with its
    quartile and rank; and where this row's value would stand in that year's distribution
    (so the published band is never read as this value's). Never for a count: other
    authorities' counts say nothing about ours."""
    if unit == "count":
        return f'<td{_a("td bench")} title="{NOT_COMPARED}">–</td>'
    year = _text(_get(row, "benchmark_year"))
    lines = []
    sn = format_value(_get(row, "sn_value"), unit, dec)
    eng = format_published(_get(row, "england"), unit, dec)
    if sn:
        count = _get(row, "sn_count")
        of = f" of {int(count)} neighbours" if not is_missing(count) and count else ""
        tip = escape(f"statistical neighbours' average{of}")
        # fewer than a full DfE list with a figure: said on the page, not only in the tip
        few = (
            f" ({int(count)} of {FULL_SN_LIST})"
            if not is_missing(count) and 0 < count < FULL_SN_LIST
            else ""
        )
        lines.append(f'<span title="{tip}"{_a("line nowrap")}>SN {escape(sn + few)}</span>')
    if eng:
        lines.append(f"<span{_a('line nowrap')}>England {escape(eng)}</span>")
    comparators = "".join(lines)
    if comparators and year:
        comparators += f"<span{_a('small')}>published {escape(year)}</span>"
    out = [comparators] if comparators else []
    published = format_published(_get(row, "published_value"), unit, dec)
    n = _get(row, "n_las")
    band = "" if neutral else _rank_text(_get(row, "quartile_band"), _get(row, "rank"), n)
    if published or band:
        text = f"Ours {escape(year) if year else 'published'}: "
        text += f"<b>{escape(published)}</b>" if published else ""
        if band:
            text += f" ({escape(band)})"
        out.append(f"<span{_a('line')}>{text}</span>")
    stands = (
        ""
        if neutral or is_missing(row["value"]) or is_withheld(row["value"])
        else _rank_text(_get(row, "value_quartile_band"), _get(row, "value_rank"), n)
    )
    if stands:
        out.append(f"<span{_a('line')}>This value: <b>{escape(stands)}</b></span>")
    if not out:
        return f"<td{_a('td bench')}>–</td>"
    return f"<td{_a('td bench')}>{''.join(out)}</td>"


def _best_text(row: pd.Series, unit: str, dec: int) -> str:
    """Best LA and best statistical neighbour with the gap from this value to each (no gap
    when this row has no value or it is withheld)."""
    no_value = is_missing(row["value"]) or is_withheld(row["value"])
    parts = []
    for label, value_col, name_col, gap_col in (
        ("Best LA", "best_value", "best_la", "gap_to_best"),
        ("Best neighbour", "best_neighbour_value", "best_neighbour", "gap_to_best_neighbour"),
    ):
        value = format_published(_get(row, value_col), unit, dec)
        if not value:
            continue
        name = _text(_get(row, name_col))
        gap = "" if no_value else format_change(_get(row, gap_col), unit, dec)
        text = f"{label}: {name + ' ' if name else ''}{value}"
        if gap:
            text += f" (our gap {gap})"
        parts.append(escape(text))
    return " · ".join(parts)


def _row_html(
    sc: Scorecard, row: pd.Series, charts: dict[str, str], width: int, comment: bool
) -> str:
    ind_id = str(row["indicator"])
    unit = str(row["unit"])
    dec = _decimals(sc, ind_id)
    neutral = row["polarity"] == "neutral"
    value = format_value(row["value"], unit, dec)
    weighted = is_weighted(sc.catalogue.get(ind_id))
    base = base_text(unit, row["numerator"], row["denominator"], weighted)
    status = _text(row["status"])
    caveat = _text(_get(row, "caveat"))
    value = _at_least(value, says_lower_bound(caveat))  # days counted from the data's start
    title = escape(str(row["title"]))
    if status:
        title += f"<span{_a('status')}>{escape(status)}</span>"
    if caveat:
        title += f"<span{_a('caveat')}>{escape(caveat)}</span>"
    labels = trend_labels(sc, ind_id, len(row["trend"]))
    bounds = sc.trend_lower_bounds(ind_id)
    trend_label = f"{row['title']}: " + "; ".join(
        f"{when} {_at_least(format_value(v, unit, dec), bound) or 'no value'}"
        for when, v, bound in zip(labels, row["trend"], bounds, strict=True)
    )
    tgt = row["target"] if not is_missing(row["target"]) else None
    spark = svg_image(
        sparkline_svg(row["trend"], width=80, target=tgt, label=trend_label),
        trend_label,
        "spark",
        width=80,
    )
    span = f"{len(labels)} {'years' if _annual(sc, ind_id) else 'quarters'}" if labels else ""
    value_html = f"<span{_a('value')}>{escape(value) if value else '–'}</span>"
    if base:
        value_html += f"<span{_a('small')}>{escape(base)}</span>"
    cells = [
        f'<th scope="row"{_a("td title")}>{title}</th>',
        f"<td{_a('td num')}>{value_html}</td>",
        _rag_cell(sc, row, unit, dec),
        _dot_cell(sc, row, unit, dec),
        f"<td{_a('td spark-cell')}>{spark}<span{_a('small')}>{escape(span)}</span></td>",
        _benchmark_cell(row, unit, dec, neutral),
    ]
    if comment:
        cells.append(f"<td{_a('td comment')}>{escape(_text(row['commentary']))}</td>")
    main = f'<tr id="ind-{escape(ind_id)}"{_a("main")}>' + "".join(cells) + "</tr>"
    best = "" if neutral or unit == "count" else _best_text(row, unit, dec)
    chart = charts.get(ind_id)
    if not best and not chart:
        return main
    main = main.replace('class="main"', 'class="main has-more"', 1)
    summary = best or "Trend chart"
    if chart:
        summary += " · trend chart ▸" if best else " ▸"
        image = svg_image(chart, f"Trend chart: {row['title']}", "chart", width=width)
        inner = f"<details><summary>{summary}</summary>{image}</details>"
    else:
        inner = summary
    span = len(COLUMNS) - (0 if comment else 1)
    return main + f'<tr{_a("more")}><td colspan="{span}"{_a("more")}>{inner}</td></tr>'


def _sentence(text: str) -> str:
    """First letter upper case, the rest as written ('placement stability', 'IRO')."""
    return text[:1].upper() + text[1:]


def table_html(
    sc: Scorecard,
    charts: dict[str, str] | None = None,
    width: int = 560,
    comment: bool = True,
) -> str:
    """The scorecard table, one body per domain (kept together in print). `comment=False`
    leaves out the commentary column when it is empty (narrow notebook views)."""
    frame = sc.frame
    comment = comment or bool(frame["commentary"].fillna("").astype(str).str.strip().any())
    columns = COLUMNS if comment else COLUMNS[:-1]
    head = "".join(
        f'<th scope="col"{_a(f"th {klass}".strip())}>{escape(name)}</th>' for name, klass in columns
    )
    bodies: list[str] = []
    for domain, rows in frame.groupby("domain", sort=False):
        heading = (
            f'<tr{_a("domain")}><th colspan="{len(columns)}" scope="rowgroup"{_a("domain")}>'
            f"{escape(_sentence(str(domain)))}</th></tr>"
        )
        body = "".join(
            _row_html(sc, row, charts or {}, width, comment) for _, row in rows.iterrows()
        )
        bodies.append(f'<tbody class="domain-group">{heading}{body}</tbody>')
    return (
        f"<div{_a('wrap')}><table{_a('card')}><thead><tr>{head}</tr></thead>"
        + "".join(bodies)
        + "</table></div>"
    )


def _movers(sc: Scorecard, word: str, n: int = 3) -> list[str]:
    """The indicators moving most in the direction `word` over the year (else the quarter)."""
    f = sc.frame
    items = []
    for _, r in f.iterrows():
        for dot_col, chg_col, span in (
            ("dot_year", "change_year", "a year ago"),
            ("dot_quarter", "change_quarter", "last quarter"),
        ):
            if r[dot_col] != word or isinstance(r[chg_col], str) or is_missing(r[chg_col]):
                continue
            if isinstance(r["value"], str) or is_missing(r["value"]):
                break
            dec = _decimals(sc, r["indicator"])
            # the change is that of the values as shown: the earlier one as it was shown
            before = shown_value(r["value"], dec) - float(r[chg_col])
            size = abs(float(r[chg_col])) / max(abs(before), 1e-9)
            unit = str(r["unit"])
            text = (
                f"{escape(str(r['title']))}: {escape(format_value(r['value'], unit, dec))} "
                f"(from {escape(format_value(before, unit, dec))} {span})"
            )
            items.append((size, text))
            break
    items.sort(key=lambda t: -t[0])
    return [t for _, t in items[:n]]


def unavailable_count(frame: pd.DataFrame) -> int:
    """Rows with no value because the data cannot give one (a missing table, a date outside
    the data's coverage) or the measure failed."""
    status = frame["status"].fillna("").astype(str)
    return int(status.str.startswith(("unavailable", "not available", "could not")).sum())


def summary_html(sc: Scorecard) -> str:
    """RAG counts and the biggest improvements and deteriorations."""
    c = sc.counts
    tiles = "".join(
        f"<div{_a(f'tile rag-{k}')}><b{_a('tile-n')}>{c[k]}</b>{RAG_LABEL[k]}</div>"
        for k in ("red", "amber", "green")
    )
    tiles += f"<div{_a('tile rag-none')}><b{_a('tile-n')}>{c['none']}</b>Not banded</div>"
    if c["withheld"]:
        tiles += f"<div{_a('tile rag-none')}><b{_a('tile-n')}>{c['withheld']}</b>Withheld (c)</div>"
    f = sc.frame
    red = [escape(str(t)) for t in f.loc[f["rag"] == "red", "title"]]

    def block(title: str, lines: list[str], empty: str) -> str:
        inner = "".join(f"<li>{t}</li>" for t in lines) if lines else f"<li>{empty}</li>"
        return f"<div{_a('list')}><h3{_a('h3')}>{title}</h3><ul{_a('ul')}>{inner}</ul></div>"

    have_dot = f[["dot_quarter", "dot_year"]].notna().any().any()
    unknown = "direction of travel not available"
    # a withheld figure may have moved or be red: 'none' is said of the others only
    shown = SHOWN_ONLY if c["withheld"] else ""
    lists = (
        block(
            "Biggest improvements",
            _movers(sc, "improving"),
            f"no significant improvement{shown}" if have_dot else unknown,
        )
        + block(
            "Biggest deteriorations",
            _movers(sc, "worsening"),
            f"no significant deterioration{shown}" if have_dot else unknown,
        )
        + block("Red this quarter", red[:6] + (["…"] if len(red) > 6 else []), f"none{shown}")
    )
    notes = []
    vs = sc.versus_england
    n = sum(vs.values())
    if n:
        notes.append(
            f"Against England’s latest published figures: {vs['better']} better, "
            f"{vs['worse']} worse, {vs['level']} level (the {n} banded indicators with an "
            "England figure)."
        )
    unavailable = unavailable_count(f)
    if unavailable:
        notes.append(
            f"{unavailable} indicator(s) have no value: the data supplied cannot support them; "
            "the reason is shown under each title."
        )
    marked = warned_count(sc)
    if marked:
        notes.append(
            f"{marked} figure(s) read rows or files the data warns about, which may make them "
            f"wrong: see {WARNINGS_HEADING} below the table."
        )
    note = "".join(f"<p{_a('notes')}>{escape(t)}</p>" for t in notes)
    return (
        f'<section aria-label="Summary"{_a("summary")}><div{_a("tiles")}>{tiles}</div>'
        f"{lists}</section>{note}"
    )


def by_age_html(sc: Scorecard) -> str:
    """Average time in care of children who left care, by age at entry: this year and last,
    with a bar for this year's figure (the panel asked for time in care by age)."""
    t = sc.by_age
    if t is None or not len(t):
        return ""
    ends = sorted(t["period_end"].unique())
    now = pd.Timestamp(ends[-1])
    before = pd.Timestamp(ends[0]) if len(ends) > 1 else None
    bands = list(dict.fromkeys(t["age_at_entry"]))
    cur = t[t["period_end"] == now].set_index("age_at_entry")
    old = t[t["period_end"] == before].set_index("age_at_entry") if before is not None else None
    top = pd.to_numeric(cur["value"], errors="coerce").max()
    rows = []
    for band in bands:
        c = cur.loc[band] if band in cur.index else None
        o = old.loc[band] if old is not None and band in old.index else None

        def cells(r) -> str:
            if r is None:
                return f"<td{_a('td num')}>–</td><td{_a('td num')}>–</td>"
            days = format_value(r["value"], "days") or "–"
            if days != "–" and says_lower_bound(_get(r, "note")):
                days = f"≥ {days}"
            return (
                f"<td{_a('td num')}>{escape(format_number(r['denominator']) or '–')}</td>"
                f"<td{_a('td num')}>{escape(days)}</td>"
            )

        bar = ""
        if c is not None and not isinstance(c["value"], str) and not is_missing(c["value"]):
            width = 0 if not top or is_missing(top) else round(160 * float(c["value"]) / top)
            bar = (
                f'<span style="display:inline-block;width:{width}px;height:10px;'
                f'background-color:#1d3557" aria-label="'
                f'{escape(format_value(c["value"], "days"))}"></span>'
            )
        rows.append(
            f"<tr><th scope='row'{_a('td')}>{escape(band)}</th>{cells(o)}{cells(c)}"
            f"<td{_a('td')}>{bar}</td></tr>"
        )
    yr = f"{now:%B %Y}"
    prev = f"{before:%B %Y}" if before is not None else ""
    head = (
        f"<tr><th rowspan='2' scope='col'{_a('th')}>Age at entry to care</th>"
        f"<th colspan='2' scope='colgroup'{_a('th')}>Year to {escape(prev)}</th>"
        f"<th colspan='2' scope='colgroup'{_a('th')}>Year to {escape(yr)}</th>"
        f"<th rowspan='2' scope='col'{_a('th')}></th></tr>"
        f"<tr><th{_a('th num')}>Children who left</th><th{_a('th num')}>Average days in care</th>"
        f"<th{_a('th num')}>Children who left</th><th{_a('th num')}>Average days in care</th></tr>"
    )
    said = [text for text in (unsupported_years_text(t), lower_bounds_text(t)) if text]
    return (
        f'<section class="byage"><h2{_a("h2")}>Time in care by age at entry</h2>'
        f"<p{_a('notes')}>Children who left care in the year: average length of their last "
        "period of care, by their age when it started.</p>"
        f'<table{_a("card")} style="width:auto"><thead>{head}</thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        + "".join(f"<p{_a('notes')}>{escape(text)}</p>" for text in said)
        + "</section>"
    )


def unsupported_years_text(t: pd.DataFrame) -> str:
    """Under the by-age table: the years it has no figure for, and why ('Year to June
    2015: not available: needs data from 01/07/2014; the data starts 01/04/2015.')."""
    if "note" not in t:
        return ""
    # a reason, not a caveat: a withheld band ('c', or blank once read as a number) keeps its
    # lower-bound note
    why = (
        t["note"]
        .astype(object)
        .map(lambda n: isinstance(n, str) and n.startswith(("not available", "unavailable")))
    )
    blank = t.loc[t["denominator"].isna() & why.astype(bool)].drop_duplicates("period_end")
    return " ".join(
        f"Year to {pd.Timestamp(end):%B %Y}: {note}."
        for end, note in zip(blank["period_end"], blank["note"], strict=True)
    )


def lower_bounds_text(t: pd.DataFrame) -> str:
    """Under the by-age table: which bands' averages are lower bounds, and why, once
    ('≥: a lower bound. Year to March 2025: 1 to 4, lower bound for 5 of 111 children;
    ... Their period of care began before the data starts (01/04/2015)...')."""
    parts, why = [], ""
    for end in sorted(t["period_end"].unique()):
        rows = (
            t[(t["period_end"] == end) & t["note"].map(says_lower_bound)] if "note" in t else t[:0]
        )
        found = [LOWER_BOUND_FOUND.search(str(n)) for n in rows["note"]]
        said = [f"{b}, {m[0].split(':')[0]}" for b, m in zip(rows["age_at_entry"], found) if m]
        if said:
            parts.append(f"Year to {pd.Timestamp(end):%B %Y}: {'; '.join(said)}.")
            why = next(m["why"] for m in found if m)
    if not parts:
        return ""
    return (
        f"≥: a lower bound. {' '.join(parts)} For these children {why}: their days are "
        "counted from then, and their age at entry is their age then."
    )


def districts_html(sc: Scorecard) -> str:
    """The district view: every indicator that allows a district breakdown against every
    district, each cell with its value, RAG colour and numerator / denominator; small
    districts and small bases flagged."""
    t = sc.districts
    if t is None or not len(t):
        return ""
    order = list(dict.fromkeys(t["indicator"]))
    names = district_order(t)
    small = small_districts(t)
    head = f"<th scope='col'{_a('dhead')} style='text-align:left'>Indicator</th>" + "".join(
        f"<th scope='col'{_a('dhead')}>{escape(d)}{' †' if d in small else ''}</th>" for d in names
    )
    cells = t.set_index(["indicator", "district"])
    rows = []
    for ind_id in order:
        ind = sc.catalogue.get(ind_id)
        line = [f"<th scope='row'{_a('dname')}>{escape(ind.title)}</th>"]
        for d in names:
            if (ind_id, d) not in cells.index:
                line.append(f"<td{_a('dcell')}>–</td>")
                continue
            r = cells.loc[(ind_id, d)]
            line.append(_district_cell(r, ind.unit, ind.decimals))
        rows.append("<tr>" + "".join(line) + "</tr>")
    legend = (
        f"Each cell: the value, its RAG colour and the children behind it (number / base, or "
        f"n = children for averages). Italic: a base of fewer than {MIN_DENOMINATOR} children, "
        "where one child moves the figure a lot. † a district with fewer than "
        f"{SMALL_DISTRICT} children looked after. Districts come from the home postcode's "
        f"outward code; '{UNKNOWN_DISTRICT}' holds children without one, or with one the "
        "district list lacks."
    ) + (LOWER_BOUND_CELLS if has_lower_bounds(t) else "")
    at = f"{sc.period_end.day} {sc.period_end:%B %Y}"
    return (
        f'<section class="districts"><h2{_a("h2")}>By district at {escape(at)}</h2>'
        f"<p{_a('notes')}>{escape(legend)}</p>"
        f"<div{_a('wrap')}><table{_a('dist')}><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


LOWER_BOUND_CELLS = (
    " ≥: a lower bound, as on the card: days counted from the data's start for children whose "
    "care began before it."
)


def has_lower_bounds(t: pd.DataFrame) -> bool:
    return "lower_bound" in t.columns and bool(t["lower_bound"].astype(bool).any())


def district_order(t: pd.DataFrame) -> list[str]:
    """District names in alphabetical order, `UNKNOWN_DISTRICT` last."""
    names = sorted(set(t["district"].astype(str)) - {UNKNOWN_DISTRICT})
    unknown = (t["district"].astype(str) == UNKNOWN_DISTRICT).any()
    return names + ([UNKNOWN_DISTRICT] if unknown else [])


def small_districts(t: pd.DataFrame) -> set[str]:
    """Districts with fewer than SMALL_DISTRICT children looked after (from cla_count when
    the view has it, else the largest base of any of their cells). A withheld count ('c')
    is a small one: without its † it would read as 20 or more."""

    def number(values: pd.Series) -> pd.Series:
        return pd.to_numeric(values.mask(values.map(is_withheld), 0), errors="coerce")

    counts = t.loc[t["indicator"] == "cla_count"]
    size = number(counts.set_index("district")["value"])
    if size.empty:
        size = number(t["denominator"]).groupby(t["district"].astype(str)).max()
    return {str(d) for d, n in size.items() if not is_missing(n) and n < SMALL_DISTRICT}


def thin_base(denominator: object, unit: str) -> bool:
    """A base of fewer than MIN_DENOMINATOR children, which the district key marks in italic
    (one child moves the figure a lot). A count has no base: never marked."""
    if unit == "count" or isinstance(denominator, str) or is_missing(denominator):
        return False
    return float(denominator) < MIN_DENOMINATOR  # type: ignore[arg-type]


def _district_cell(r: pd.Series, unit: str, dec: int) -> str:
    value = _at_least(format_value(r["value"], unit, dec), bool(r.get("lower_bound", False)))
    base = base_text(unit, r["numerator"], r["denominator"])
    rag = r["rag"]
    klass = f"dcell rag-{rag}" if rag in RAG_LABEL else "dcell"
    thin = thin_base(r["denominator"], unit)
    style = STYLE["dsmall"] if thin else ""
    if thin and rag in ("red", "green"):
        style = "font-style:italic"  # keep the white text on a dark fill readable
    label = RAG_LABEL.get(rag, "") if isinstance(rag, str) else ""
    tip = f' title="{escape(label)}"' if label else ""
    inner = f"<b>{escape(value) if value else '–'}</b>"
    if base:
        inner += f"<br><span style='font-size:10px'>{escape(base)}</span>"
    if thin:
        inner = f"<span style='{style}'>{inner}</span>"
    return f"<td{_a(klass)}{tip}>{inner}</td>"


def coverage_html(sc: Scorecard) -> str:
    """What dates the data covers (figures outside it are not available)."""
    if not sc.coverage:
        return (
            f"<p{_a('coverage')}>Data coverage: not stated; every date asked for is taken to be "
            "covered by the data.</p>"
        )
    lines = "; ".join(sc.coverage)
    return f"<p{_a('coverage')}>Data covers {escape(lines)}.</p>"


def left_out_html(sc: Scorecard) -> str:
    """One line per indicator that left rows out because a cell it needs was unusable."""
    t = sc.left_out
    if t is None or not len(t):
        return ""
    lines = left_out_lines(sc)
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return (
        f'<section class="leftout"><h2{_a("h2")}>Rows left out</h2>'
        f"<p{_a('notes')}>These figures leave out rows with a value that could not be used "
        "(see the data report from <code>scorecard validate</code>):</p>"
        f"<ul{_a('ul notes')}>{items}</ul></section>"
    )


def left_out_lines(sc: Scorecard) -> list[str]:
    """'Title: 3 episodes rows (unusable PLACE: not a DfE code)', one per indicator."""
    t = sc.left_out
    if t is None or not len(t):
        return []
    out = []
    for ind_id, part in t.groupby("indicator", sort=False):
        title = sc.catalogue.get(str(ind_id)).title if str(ind_id) in sc.catalogue else ind_id
        parts = [
            f"{format_number(r.rows)} {r.table} rows (unusable {r.column}: {r.rule})"
            for r in part.itertuples(index=False)
        ]
        out.append(f"{title}: {'; '.join(parts)}")
    return out


MAX_WARNINGS_LISTED = 20  # the rest are counted; `scorecard validate` lists them all


def warned_html(sc: Scorecard) -> str:
    """The data's warnings the card's figures meet, one line each: kept rows that may change
    the figures marked with this list's heading."""
    lines = warned_lines(sc)
    if not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return (
        f'<section class="warned"><h2{_a("h2")}>{WARNINGS_HEADING}</h2>'
        f"<p{_a('notes')}>{escape(WARNED_INTRO)}</p><ul{_a('ul notes')}>{items}</ul></section>"
    )


WARNED_INTRO = (
    "These rows or files are counted, but may make the figures that read them wrong (see "
    "the data report from scorecard validate for each row and how to correct it):"
)


def warned_count(sc: Scorecard) -> int:
    """The figures shown with a caveat for the data's warnings (those with a value)."""
    t = sc.warned
    if t is None or not len(t):
        return 0
    f = sc.frame
    return int((f["indicator"].isin(set(t["indicator"])) & f["value"].notna()).sum())


def warned_lines(sc: Scorecard) -> list[str]:
    """'episodes, DEC: episode open at the end of 2023-24 is missing from the 2024-25 return
    (3 rows)', one per warning, the most rows first (a warning on a whole file names none)."""
    t = sc.warned
    if t is None or not len(t):
        return []
    per = t.drop_duplicates(["table", "column", "rule"])
    order = pd.to_numeric(per["rows"], errors="coerce").fillna(0)  # 'c' among the fewest
    out = []
    for r in per.iloc[order.argsort(kind="stable")[::-1]].itertuples(index=False):
        where = f"{r.table}, {r.column}" if r.column else str(r.table)
        out.append(
            f"{where}: {r.rule}" + ("" if r.rows == 0 else f" ({format_number(r.rows)} rows)")
        )
    if len(out) > MAX_WARNINGS_LISTED:
        more = len(out) - MAX_WARNINGS_LISTED
        out = [*out[:MAX_WARNINGS_LISTED], f"and {more:,} more warnings"]
    return out


def _thresholds_text(ind, period_end: pd.Timestamp) -> str:
    from ..periods import financial_year

    if ind.rag is None:
        return "not banded (context indicator)"
    if ind.rag.mode == "benchmark":
        return sn_band_rule(ind)
    th = ind.thresholds(financial_year(period_end))
    if th is None:
        return "no thresholds for this year"
    better = "at or above" if ind.polarity == "high_is_good" else "at or below"
    return f"green {better} {th.green:g}, amber {better} {th.amber:g}, target {th.target_value:g}"


def definitions_html(sc: Scorecard) -> str:
    """Each indicator's definition, unit, polarity, bands and source tables."""
    items = []
    polarity = {
        "high_is_good": "higher is better",
        "low_is_good": "lower is better",
        "neutral": "neither higher nor lower is better",
    }
    for ind_id in sc.frame["indicator"]:
        ind = sc.catalogue.get(ind_id)
        often = "annual (academic or collection year)" if ind.frequency == "annual" else "quarterly"
        items.append(
            f"<dt{_a('dt')}>{escape(ind.title)}</dt><dd{_a('dd')}>{escape(ind.description)} "
            f"<span style='color:#505a5f'>Unit: "
            f"{escape(UNIT_LABEL.get(ind.unit, ind.unit))}; {polarity[ind.polarity]}; "
            f"{often}; bands: {escape(_thresholds_text(ind, sc.period_end))}; "
            f"source: {escape(', '.join(ind.tables))}; id <code>{escape(ind.id)}</code>.</span>"
            "</dd>"
        )
    return (
        f'<section class="definitions"><h2{_a("h2")}>Definitions</h2><dl{_a("defs")}>'
        + "".join(items)
        + "</dl></section>"
    )


def notes_html(sc: Scorecard) -> str:
    lines = [
        "RAG: Red, Amber or Green against the target bands in force for the financial year "
        "(see Definitions); context indicators are not banded.",
        "Direction of travel compares with the previous quarter and the same quarter a year "
        "earlier (annual figures: with the year before); “no significant change” means the "
        "change is within what a handful of children could explain (for an average or a "
        "median, within the spread of the children’s own figures).",
        "Value: percentages show number / base; averages and medians show the number of "
        "children or pupils (n).",
        "Published figure (“Ours”): the authority’s own figure as DfE published it for that "
        "year, to the decimals DfE gave it (most percentages are published as whole numbers), "
        "with its quartile (A is the best quarter of English authorities, D the worst) and "
        "rank (1 is best). “This value”: where this quarter’s value would stand among the "
        "authorities’ published figures of that year.",
        "SN: the average of the authority’s statistical neighbours, the ten authorities DfE "
        "judges most like it. pts: percentage points (or Attainment 8 points).",
    ]
    if sc.benchmark_note:
        lines.append(sc.benchmark_note)
    if sc.publish:
        lines.append(
            f"Publication version: counts of 1 to {sc.suppress_threshold} children, and figures "
            f"calculated from them, are shown as “{SUPPRESSED}”."
        )
    else:
        lines.append("Internal version: small numbers are not suppressed. Not for publication.")
    lines.append("No child-level information is included in this report.")
    items = "".join(f"<li>{escape(t)}</li>" for t in lines)
    return (
        f'<section class="notes"><h2{_a("h2")}>Notes</h2><ul{_a("ul notes")}>{items}</ul></section>'
    )


def render_html(sc: Scorecard, full_page: bool = True, charts: bool = True) -> str:
    """The whole page (full_page) or the card alone (for Jupyter: no page or print rules)."""
    end = sc.period_end
    heading = (
        f"<h1{_a('h1')}>Children in care scorecard: {escape(sc.la_name)}</h1>"
        f"<p{_a('sub')}>Corporate Parenting Panel · {escape(sc.quarter)} "
        f"(position at {end.day} {end:%B %Y}) · "
        f"<span{_a('mode')}>{'publication' if sc.publish else 'internal'}</span></p>"
        + coverage_html(sc)
    )
    drawn = sc.trend_charts() if charts else {}
    body = (
        heading
        + summary_html(sc)
        + table_html(sc, drawn, comment=full_page)
        + by_age_html(sc)
        + districts_html(sc)
        + left_out_html(sc)
        + warned_html(sc)
    )
    if not full_page:
        return f"<div{_a('sc')}><style>{CSS}</style>{body}{notes_html(sc)}</div>"
    generated = f'<span class="generated">{sc.generated:%d %B %Y %H:%M}</span>'
    title = escape(f"Children in care scorecard: {sc.la_name}, {sc.quarter}")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{CSS}{PRINT_CSS}</style></head>"
        f'<body style="margin:12px"><main{_a("sc")}>{body}{notes_html(sc)}'
        f"{definitions_html(sc)}<p{_a('notes')}>Generated {generated} by scorecard.</p>"
        "</main></body></html>\n"
    )
