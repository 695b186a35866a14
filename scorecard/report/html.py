"""The scorecard as one self-contained HTML page for the Corporate Parenting Panel.

Inline CSS only, sparklines drawn as inline SVG: no scripts, fonts, images or anything else
fetched from the network, so the page opens from an e-mail attachment or a committee
system. RAG is shown as colour AND a word, direction of travel as an arrow AND a word, so
nothing depends on colour alone. Prints on A4 landscape.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from .fmt import SUPPRESSED, UNIT_LABEL, format_change, format_number, format_value, is_missing
from .sparkline import sparkline_svg

if TYPE_CHECKING:
    from .scorecard import Scorecard

RAG_LABEL = {"red": "Red", "amber": "Amber", "green": "Green"}
DOT_CLASS = {"improving": "better", "worsening": "worse"}

CSS = """
.sc { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; font-size: 13px;
  line-height: 1.35; }
.sc h1 { font-size: 22px; margin: 0 0 2px 0; }
.sc h2 { font-size: 16px; margin: 18px 0 6px 0; }
.sc .sub { color: #505a5f; margin: 0 0 12px 0; }
.sc .mode { display: inline-block; padding: 1px 6px; border: 1px solid #505a5f;
  border-radius: 3px; font-size: 11px; text-transform: uppercase; letter-spacing: .04em; }
.sc .summary { display: flex; gap: 18px; flex-wrap: wrap; margin-bottom: 10px;
  align-items: flex-start; }
.sc .tiles { display: flex; gap: 6px; }
.sc .tile { min-width: 64px; padding: 6px 8px; border-radius: 3px; text-align: center;
  border: 1px solid #b1b4b6; }
.sc .tile b { display: block; font-size: 22px; }
.sc .lists { display: flex; gap: 18px; flex-wrap: wrap; flex: 1; }
.sc .lists div { min-width: 230px; max-width: 420px; }
.sc .lists h3 { font-size: 13px; margin: 0 0 3px 0; }
.sc .lists ul { margin: 0; padding-left: 16px; }
.sc table.card { border-collapse: collapse; width: 100%; }
.sc table.card th, .sc table.card td { border-bottom: 1px solid #d8dde0; padding: 4px 6px;
  vertical-align: middle; text-align: left; }
.sc table.card thead th { background: #1d3557; color: #fff; font-size: 12px;
  vertical-align: bottom; }
.sc table.card tr.domain th { background: #eef1f4; color: #0b0c0c; font-size: 13px;
  border-top: 2px solid #1d3557; }
.sc td.num, .sc th.num { text-align: right; white-space: nowrap; }
.sc td.title { min-width: 210px; max-width: 330px; }
.sc td.title small, .sc .muted { color: #505a5f; }
.sc td.status small { color: #8a3b00; }
.sc td.rag { text-align: center; font-weight: bold; white-space: nowrap; }
.sc .rag-red { background: #d4351c; color: #fff; }
.sc .rag-amber { background: #ffbf47; color: #0b0c0c; }
.sc .rag-green { background: #00703c; color: #fff; }
.sc .rag-none { color: #505a5f; font-weight: normal; }
.sc td.dot { white-space: nowrap; font-size: 12px; }
.sc .better { color: #00703c; }
.sc .worse { color: #d4351c; }
.sc .same { color: #505a5f; }
.sc .arrow { font-size: 14px; font-weight: bold; }
.sc td.comment { min-width: 150px; max-width: 260px; border-left: 1px dashed #b1b4b6; }
.sc dl.defs { columns: 2; column-gap: 28px; margin: 0; }
.sc dl.defs dt { font-weight: bold; break-after: avoid; margin-top: 6px; }
.sc dl.defs dd { margin: 0 0 4px 0; color: #383f43; break-inside: avoid; }
.sc .notes { color: #383f43; font-size: 12px; }
.sc table.small { width: auto; }
.sc table.small tbody th { font-weight: normal; text-align: left; }
.sc svg.spark { display: block; }
"""

# print rules: only in the full page (a notebook's own printing is not ours to change)
PRINT_CSS = """
@page { size: A4 landscape; margin: 10mm; }
@media print {
  .sc { font-size: 10px; }
  .sc h1 { font-size: 17px; }
  .sc table.card thead { display: table-header-group; }
  .sc table.card tr { break-inside: avoid; }
  .sc .definitions { break-before: page; }
  .sc .byage { break-inside: avoid; }
  .sc h2 { break-after: avoid; }
  .sc .rag-red, .sc .rag-amber, .sc .rag-green, .sc thead th, .sc tr.domain th {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

COLUMNS = [
    ("Indicator", ""),
    ("Value", "num"),
    ("Number / base", "num"),
    ("Target", "num"),
    ("RAG", ""),
    ("On quarter", ""),
    ("On year", ""),
    ("Last 8 quarters", ""),
    ("SN average", "num"),
    ("England", "num"),
    ("Best LA", "num"),
    ("Quartile", ""),
    ("Commentary", ""),
]


def _decimals(sc: Scorecard, ind_id: str) -> int:
    """Every row of a scorecard comes from its catalogue, so the lookup cannot miss."""
    return sc.catalogue.get(ind_id).decimals


def _rag_mode(sc: Scorecard, ind_id: str) -> str | None:
    ind = sc.catalogue.get(ind_id)
    return ind.rag.mode if ind.rag else None


def _rag_cell(rag: object, suppressed: bool) -> str:
    if suppressed:
        return '<td class="rag rag-none">c</td>'
    if rag in RAG_LABEL:
        return f'<td class="rag rag-{rag}">{RAG_LABEL[rag]}</td>'  # type: ignore[index]
    return '<td class="rag rag-none">–</td>'


def _dot_cell(word: object, change: object, unit: str, decimals: int) -> str:
    """Arrow for the direction of the change, word (and colour) for better or worse."""
    if isinstance(change, str):  # withheld
        return f'<td class="dot same">{escape(change)}</td>'
    if word is None or (isinstance(word, float) and math.isnan(word)):
        if is_missing(change):
            return '<td class="dot same">–</td>'
        word = ""
    arrow = "→"
    if not is_missing(change):
        c = round(float(change), decimals)  # type: ignore[arg-type]
        arrow = "↑" if c > 0 else "↓" if c < 0 else "→"
    klass = DOT_CLASS.get(str(word), "same")
    amount = format_change(change, unit, decimals)
    amount_html = f'<br><span class="muted">{escape(amount)}</span>' if amount else ""
    return (
        f'<td class="dot {klass}"><span class="arrow" aria-hidden="true">{arrow}</span> '
        f"{escape(str(word))}{amount_html}</td>"
    )


def _num_cell(text: str) -> str:
    return f'<td class="num">{escape(text) if text else "–"}</td>'


def _row_html(sc: Scorecard, row: pd.Series) -> str:
    ind_id = str(row["indicator"])
    unit = str(row["unit"])
    dec = _decimals(sc, ind_id)
    supp = bool(row["suppressed"])
    value = format_value(row["value"], unit, dec)
    num = format_number(row["numerator"], 0)
    den = format_number(row["denominator"], 0)
    numden = f"{num} / {den}" if num and den else num or ""
    if unit == "count":
        numden = ""
    if unit == "days" and den:
        numden = f"{den} children"
    elif unit == "ratio" and num and den:
        numden = f"{num} / {den} FTE"
    elif unit == "points" and den:
        numden = f"{den} pupils"
    mode = _rag_mode(sc, ind_id)
    target = format_value(row["target"], unit, dec)
    if not target and mode == "benchmark":
        target = "SN average"
    status = str(row["status"] or "")
    title = f"{escape(str(row['title']))}"
    if status:
        title += f'<br><small class="status">{escape(status)}</small>'
    trend_label = f"{row['title']}: " + ", ".join(
        format_value(v, unit, dec) or "no value" for v in row["trend"]
    )
    tgt = row["target"] if not is_missing(row["target"]) else None
    spark = sparkline_svg(row["trend"], target=tgt, label=trend_label)
    best = format_value(row["best_value"], unit, dec) if row["polarity"] != "neutral" else ""
    if best and row["best_la"]:
        best = f'{escape(best)}<br><small class="muted">{escape(str(row["best_la"]))}</small>'
    else:
        best = escape(best) if best else "–"
    band = row["quartile_band"]
    band_text = escape(str(band)) if band is not None and not is_missing(band) else "–"
    rank = row["rank"]
    if band_text != "–" and not is_missing(rank) and not is_missing(row["n_las"]):
        band_text += f'<br><small class="muted">rank {int(rank)}/{int(row["n_las"])}</small>'
    cells = [
        f'<td class="title{" status" if status else ""}">{title}</td>',
        f'<td class="num"><b>{escape(value) if value else "–"}</b></td>',
        _num_cell(numden),
        _num_cell(target),
        _rag_cell(row["rag"], supp),
        _dot_cell(row["dot_quarter"], row["change_quarter"], unit, dec),
        _dot_cell(row["dot_year"], row["change_year"], unit, dec),
        f"<td>{spark}</td>",
        _num_cell(format_value(row["sn_value"], unit, dec)),
        _num_cell(format_value(row["england"], unit, dec)),
        f'<td class="num">{best}</td>',
        f"<td>{band_text}</td>",
        f'<td class="comment">{escape(str(row["commentary"] or ""))}</td>',
    ]
    return f'<tr id="ind-{escape(ind_id)}">' + "".join(cells) + "</tr>"


def _sentence(text: str) -> str:
    """First letter upper case, the rest as written ('placement stability', 'IRO')."""
    return text[:1].upper() + text[1:]


def table_html(sc: Scorecard) -> str:
    """The scorecard table, grouped by domain."""
    frame = sc.frame
    names = [
        (f"Last {len(sc.quarter_ends)} quarters" if name == "Last 8 quarters" else name, klass)
        for name, klass in COLUMNS
    ]
    head = "".join(f'<th scope="col" class="{klass}">{escape(name)}</th>' for name, klass in names)
    body: list[str] = []
    for domain, rows in frame.groupby("domain", sort=False):
        body.append(
            f'<tr class="domain"><th colspan="{len(COLUMNS)}" scope="rowgroup">'
            f"{escape(_sentence(str(domain)))}</th></tr>"
        )
        body.extend(_row_html(sc, row) for _, row in rows.iterrows())
    return (
        '<table class="card"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
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
            before = float(r["value"]) - float(r[chg_col])
            size = abs(float(r[chg_col])) / max(abs(before), 1e-9)
            dec = _decimals(sc, r["indicator"])
            unit = str(r["unit"])
            text = (
                f"{escape(str(r['title']))}: {escape(format_value(r['value'], unit, dec))} "
                f"(from {escape(format_value(before, unit, dec))} {span})"
            )
            items.append((size, text))
            break
    items.sort(key=lambda t: -t[0])
    return [t for _, t in items[:n]]


def summary_html(sc: Scorecard) -> str:
    """RAG counts and the biggest improvements and deteriorations."""
    c = sc.counts
    tiles = "".join(
        f'<div class="tile rag-{k}"><b>{c[k]}</b>{RAG_LABEL[k]}</div>'
        for k in ("red", "amber", "green")
    )
    tiles += f'<div class="tile rag-none"><b>{c["none"]}</b>Not banded</div>'
    if c["withheld"]:
        tiles += f'<div class="tile rag-none"><b>{c["withheld"]}</b>Withheld (c)</div>'
    f = sc.frame
    red = [escape(str(t)) for t in f.loc[f["rag"] == "red", "title"]]
    unavailable = int((f["status"].astype(str).str.startswith(("unavailable", "could not"))).sum())

    def block(title: str, lines: list[str], empty: str) -> str:
        inner = "".join(f"<li>{t}</li>" for t in lines) if lines else f"<li>{empty}</li>"
        return f"<div><h3>{title}</h3><ul>{inner}</ul></div>"

    have_dot = f[["dot_quarter", "dot_year"]].notna().any().any()
    unknown = "direction of travel not available"
    lists = (
        block(
            "Biggest improvements",
            _movers(sc, "improving"),
            "no significant improvement" if have_dot else unknown,
        )
        + block(
            "Biggest deteriorations",
            _movers(sc, "worsening"),
            "no significant deterioration" if have_dot else unknown,
        )
        + block("Red this quarter", red[:6] + (["…"] if len(red) > 6 else []), "none")
    )
    note = (
        f'<p class="notes">{unavailable} indicator(s) could not be calculated from the data '
        "supplied; the reason is shown under each title.</p>"
        if unavailable
        else ""
    )
    vs = sc.versus_england
    n = sum(vs.values())
    if n:
        note = (
            f'<p class="notes">Against England’s latest published figures: {vs["better"]} '
            f"better, {vs['worse']} worse, {vs['level']} level (the {n} banded indicators "
            "with an England figure).</p>" + note
        )
    return (
        f'<section class="summary" aria-label="Summary"><div class="tiles">{tiles}</div>'
        f'<div class="lists">{lists}</div></section>{note}'
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
                return '<td class="num">–</td><td class="num">–</td>'
            return (
                f'<td class="num">{escape(format_number(r["denominator"]) or "–")}</td>'
                f'<td class="num">{escape(format_value(r["value"], "days") or "–")}</td>'
            )

        bar = ""
        if c is not None and not isinstance(c["value"], str) and not is_missing(c["value"]):
            width = 0 if not top or is_missing(top) else round(160 * float(c["value"]) / top)
            bar = (
                f'<svg width="164" height="12" role="img" aria-label="'
                f'{escape(format_value(c["value"], "days"))}"><rect x="0" y="1" width="{width}" '
                'height="10" fill="#1d3557"/></svg>'
            )
        rows.append(
            f"<tr><th scope='row'>{escape(band)}</th>{cells(o)}{cells(c)}<td>{bar}</td></tr>"
        )
    yr = f"{now:%B %Y}"
    prev = f"{before:%B %Y}" if before is not None else ""
    head = (
        "<tr><th rowspan='2' scope='col'>Age at entry to care</th>"
        f"<th colspan='2' scope='colgroup'>Year to {escape(prev)}</th>"
        f"<th colspan='2' scope='colgroup'>Year to {escape(yr)}</th>"
        "<th rowspan='2' scope='col'></th></tr>"
        "<tr><th class='num'>Children who left</th><th class='num'>Average days in care</th>"
        "<th class='num'>Children who left</th><th class='num'>Average days in care</th></tr>"
    )
    return (
        '<section class="byage"><h2>Time in care by age at entry</h2>'
        '<p class="notes">Children who left care in the year: average length of their last '
        "period of care, by their age when it started.</p>"
        f'<table class="card small"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
        "</section>"
    )


def _thresholds_text(ind, period_end: pd.Timestamp) -> str:
    from ..periods import financial_year

    if ind.rag is None:
        return "not banded (context indicator)"
    if ind.rag.mode == "benchmark":
        return (
            "green at or better than the statistical-neighbour average, amber within "
            f"{ind.rag.tolerance:g} of it, else red"
        )
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
        items.append(
            f"<dt>{escape(ind.title)}</dt><dd>{escape(ind.description)} "
            f'<span class="muted">Unit: {escape(UNIT_LABEL.get(ind.unit, ind.unit))}; '
            f"{polarity[ind.polarity]}; bands: {escape(_thresholds_text(ind, sc.period_end))}; "
            f"source: {escape(', '.join(ind.tables))}; id <code>{escape(ind.id)}</code>.</span>"
            "</dd>"
        )
    return (
        '<section class="definitions"><h2>Definitions</h2><dl class="defs">'
        + "".join(items)
        + "</dl></section>"
    )


def notes_html(sc: Scorecard) -> str:
    lines = [
        "RAG: Red, Amber or Green against the target bands in force for the financial year "
        "(see Definitions); context indicators are not banded.",
        "Direction of travel compares with the previous quarter and the same quarter a year "
        "earlier; “no significant change” means the change is within what a handful of "
        "children could explain.",
        "Quartile A is the best quarter of English authorities, D the worst; rank 1 is best.",
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
    return f'<section class="notes"><h2>Notes</h2><ul>{items}</ul></section>'


def render_html(sc: Scorecard, full_page: bool = True) -> str:
    """The whole page (full_page) or just the summary and table (for Jupyter)."""
    end = sc.period_end
    heading = (
        f"<h1>Children in care scorecard: {escape(sc.la_name)}</h1>"
        f'<p class="sub">Corporate Parenting Panel · {escape(sc.quarter)} '
        f"(position at {end.day} {end:%B %Y}) · "
        f'<span class="mode">{"publication" if sc.publish else "internal"}</span></p>'
    )
    body = heading + summary_html(sc) + table_html(sc)
    if not full_page:
        return f'<div class="sc"><style>{CSS}</style>{body}{by_age_html(sc)}</div>'
    generated = f'<span class="generated">{sc.generated:%d %B %Y %H:%M}</span>'
    title = escape(f"Children in care scorecard: {sc.la_name}, {sc.quarter}")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{CSS}{PRINT_CSS}</style></head>"
        f'<body><main class="sc">{body}{by_age_html(sc)}{notes_html(sc)}{definitions_html(sc)}'
        f'<p class="notes">Generated {generated} by scorecard.</p></main></body></html>\n'
    )
