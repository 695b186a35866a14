"""The scorecard as an Excel workbook (xlsxwriter): Scorecard, Summary, Trend, Definitions.

Numbers stay numbers (formatted per unit), RAG cells carry real fills and the word, the header
row is frozen and filtered, and the Commentary column is left open for the analyst to fill in.
"""

from __future__ import annotations

import io
import itertools
import re
from html import unescape
from numbers import Real
from typing import TYPE_CHECKING, Any

import pandas as pd
import xlsxwriter

from ..bands import MIN_DENOMINATOR, shown_value
from ..breakdowns import UNKNOWN_DISTRICT
from ..measures.facts import says_lower_bound
from .fmt import (
    SHOWN_ONLY,
    SUPPRESSED,
    UNIT_LABEL,
    WARNINGS_HEADING,
    base_text,
    excel_number_format,
    format_value,
    is_missing,
    is_weighted,
    published_decimals,
    trend_labels,
)
from .html import (
    LOWER_BOUND_CELLS,
    RAG_LABEL,
    SMALL_DISTRICT,
    WARNED_INTRO,
    _movers,
    _thresholds_text,
    district_order,
    has_lower_bounds,
    left_out_lines,
    lower_bounds_text,
    small_districts,
    thin_base,
    unsupported_years_text,
    warned_lines,
)
from .scorecard import COMPARATOR_COLUMNS

if TYPE_CHECKING:
    from .scorecard import Scorecard

RAG_FILL = {
    "red": ("#D4351C", "#FFFFFF"),
    "amber": ("#FFBF47", "#0B0C0C"),
    "green": ("#00703C", "#FFFFFF"),
}
HEADER_ROW = 3  # rows 0-2 hold the title

SCORECARD_COLUMNS: list[tuple[str, str, int]] = [
    # (header, frame column or special, width)
    ("Domain", "domain", 16),
    ("Indicator", "title", 48),
    ("Value", "value", 11),
    ("Unit", "unit", 12),
    ("Number", "numerator", 11),
    ("Base (n)", "denominator", 11),
    ("Target", "target", 10),
    ("RAG", "rag", 9),
    ("Change on quarter", "change_quarter", 11),
    ("Direction on quarter", "dot_quarter", 20),
    ("Change on year", "change_year", 11),
    ("Direction on year", "dot_year", 20),
    ("Trend", "trend", 16),
    ("Published year", "benchmark_year", 10),
    ("SN average (published)", "sn_value", 12),
    ("SN with a value", "sn_count", 9),
    ("England (published)", "england", 12),
    ("Region (published)", "region", 12),
    ("Our published value", "published_value", 12),
    ("Our published quartile", "quartile_band", 11),
    ("Our published rank", "rank", 10),
    ("Of LAs", "n_las", 7),
    ("This value's quartile", "value_quartile_band", 11),
    ("This value's rank", "value_rank", 10),
    ("Best LA value", "best_value", 11),
    ("Best LA", "best_la", 16),
    ("Gap to best LA", "gap_to_best", 10),
    ("Best neighbour value", "best_neighbour_value", 11),
    ("Best neighbour", "best_neighbour", 16),
    ("Gap to best neighbour", "gap_to_best_neighbour", 11),
    ("Status", "status", 30),
    ("Caveat", "caveat", 30),
    ("Commentary", "commentary", 50),
    ("Indicator id", "indicator", 28),
]
# the card's own figures, stored as the page shows them (published ones keep their decimals)
SHOWN_COLUMNS = {"value", "sn_value"}
UNIT_VALUE_COLUMNS = {
    "value",
    "target",
    "sn_value",
    "england",
    "region",
    "published_value",
    "best_value",
    "best_neighbour_value",
}
# the published figures themselves (the SN average is worked out from them, to its decimals)
PUBLISHED_COLUMNS = {"england", "region", "published_value", "best_value", "best_neighbour_value"}
CHANGE_COLUMNS = {"change_quarter", "change_year", "gap_to_best", "gap_to_best_neighbour"}
COUNT_COLUMNS = {"rank", "n_las", "value_rank", "sn_count"}
# no comparison with other authorities for these: a count, or a neutral indicator's 'best'
# (taken from the scorecard's comparator columns: the best-LA block is the last of them)
BEST_COLUMNS = set(COMPARATOR_COLUMNS[COMPARATOR_COLUMNS.index("best_value") :])
COMPARED_COLUMNS = set(COMPARATOR_COLUMNS) - BEST_COLUMNS


def domain_label(domain: object) -> str:
    """A domain as every sheet spells it: first letter upper case ('Population', 'IRO')."""
    text = str(domain)
    return text[:1].upper() + text[1:]


def base_formats(unit: str, weighted: bool = False) -> tuple[str, str]:
    """Number formats of the numerator and denominator columns for a unit: whole numbers,
    FTE and weighted cases (2,213.5) with one decimal."""
    return "#,##0.0" if weighted else "#,##0", "#,##0.0" if unit == "ratio" else "#,##0"


class _Formats:
    """Cell formats, created once per workbook and reused (xlsxwriter needs that)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self._cache: dict[tuple, Any] = {}
        self.base = {"font_name": "Arial", "font_size": 10, "valign": "vcenter"}

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.wb.add_format({**self.base, **props})
        return self._cache[key]


def _write(ws, row: int, col: int, value: object, fmt, decimals: int | None = None) -> None:
    """A number as a number, text as text, missing as blank (never NaN in a cell). With
    `decimals`, a number is stored as shown (`as_shown`)."""
    if decimals is not None:
        value = as_shown(value, decimals)
    if isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif is_missing(value):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def as_shown(value: object, decimals: int) -> object:
    """A figure rounded as the page shows it (`bands.shown_value`: half up on its first 15
    significant digits, as a spreadsheet rounds what it stores), so that a cell holds the
    figure printed, whatever number format it is later given. Text ('c') and blanks are
    returned as they are."""
    if isinstance(value, str | bool) or is_missing(value) or not isinstance(value, Real):
        return value
    return shown_value(float(value), decimals)


def _cell_value(row: pd.Series, col: str, ind) -> object:
    """What a Scorecard sheet cell holds: the frame value, blank where the column is absent,
    where no comparison is made, or where the text is empty (never an empty string)."""
    value = row[col] if col in row.index else None
    if col in COMPARED_COLUMNS | BEST_COLUMNS and ind.unit == "count":
        return None  # counts are not compared between authorities of different sizes
    ranked = BEST_COLUMNS | {"quartile_band", "value_quartile_band", "rank", "value_rank"}
    if col in ranked and ind.polarity == "neutral":
        return None  # no 'best' or rank when neither higher nor lower is better
    no_value = is_missing(row["value"])
    if no_value and col in {"gap_to_best", "gap_to_best_neighbour", "value_quartile_band"}:
        return None  # where a value would stand, and its gap, need a value
    if no_value and col == "value_rank":
        return None
    if (
        col == "target"
        and is_missing(value)
        and ind.rag is not None
        and ind.rag.mode == "benchmark"
    ):
        return "SN average"  # banded against the neighbours' average, as the page says
    if col == "numerator" and ind.unit in ("days", "points") and not isinstance(value, str):
        return None  # a sum of days or points: the base (n) is what a reader checks
    if col == "unit":
        return UNIT_LABEL.get(str(value), value)
    if col == "domain":
        return domain_label(value)
    if col in CHANGE_COLUMNS or col in SHOWN_COLUMNS:
        return as_shown(value, ind.decimals)
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _scorecard_sheet(wb, fm: _Formats, sc: Scorecard) -> None:
    ws = wb.add_worksheet("Scorecard")
    f = sc.frame
    mode = "publication version" if sc.publish else "internal version, not for publication"
    ws.write_string(
        0, 0, f"Children in care scorecard: {sc.la_name}", fm.get(bold=True, font_size=14)
    )
    ws.write_string(
        1, 0, f"Corporate Parenting Panel, {sc.quarter} ({mode})", fm.get(font_color="#505A5F")
    )
    head = fm.get(bold=True, font_color="#FFFFFF", bg_color="#1D3557", text_wrap=True, border=1)
    for c, (name, _, width) in enumerate(SCORECARD_COLUMNS):
        ws.write_string(HEADER_ROW, c, name, head)
        ws.set_column(c, c, width)
    ws.set_row(HEADER_ROW, 45)
    right_c = fm.get(align="right", border=1, border_color="#D8DDE0")
    for r, (_, row) in enumerate(f.iterrows(), start=HEADER_ROW + 1):
        ind = sc.catalogue.get(row["indicator"])
        unit_fmt = excel_number_format(ind.unit, ind.decimals)
        num_fmt, den_fmt = base_formats(ind.unit, is_weighted(ind))
        dec = "0" * ind.decimals
        change_fmt = f"+#,##0{'.' + dec if dec else ''};-#,##0{'.' + dec if dec else ''};0"
        for c, (_, col, _) in enumerate(SCORECARD_COLUMNS):
            if col == "trend":  # an Excel sparkline over this row's points on the Trend sheet
                ws.write_blank(r, c, None, fm.get(border=1, border_color="#D8DDE0"))
                first, last = _trend_range(sc, row["indicator"])
                if first:
                    ws.add_sparkline(
                        r, c, {"range": f"Trend!{first}:{last}", "last_point": True, "weight": 1.5}
                    )
                continue
            value = _cell_value(row, col, ind)
            props: dict[str, Any] = {"border": 1, "border_color": "#D8DDE0"}
            if col in PUBLISHED_COLUMNS:  # with the decimals it was published with
                places = published_decimals(value, ind.decimals)
                props["num_format"] = excel_number_format(ind.unit, places)
            elif col in UNIT_VALUE_COLUMNS:
                props["num_format"] = unit_fmt
                if col == "value" and says_lower_bound(row.get("caveat")):  # as the page: ≥
                    props["num_format"] = '"≥ "' + unit_fmt
            elif col in CHANGE_COLUMNS:
                props["num_format"] = change_fmt
            elif col in COUNT_COLUMNS:
                props["num_format"] = "#,##0"
            elif col == "numerator":
                props["num_format"] = num_fmt
            elif col == "denominator":
                props["num_format"] = den_fmt
            if col == "rag":
                if value in RAG_FILL:
                    bg, fg = RAG_FILL[value]  # type: ignore[index]
                    props.update(bg_color=bg, font_color=fg, bold=True, align="center")
                    value = RAG_LABEL[value]  # type: ignore[index]
                elif bool(row["suppressed"]):
                    value = SUPPRESSED
                    props["align"] = "center"
                else:
                    value = None
            if col in ("title", "status", "caveat", "commentary"):
                props["text_wrap"] = True
            if col == "commentary":
                props.update(bg_color="#FFFBEA", locked=False)
            if isinstance(value, str) and value == SUPPRESSED and col != "rag":
                _write(ws, r, c, value, right_c)
                continue
            _write(ws, r, c, value, fm.get(**props))
    last = HEADER_ROW + len(f)
    ws.autofilter(HEADER_ROW, 0, last, len(SCORECARD_COLUMNS) - 1)
    ws.freeze_panes(HEADER_ROW + 1, 2)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)


TEXT_SPAN = 4  # Summary texts span columns B:E (merged), the by-age table uses B:E too


def _text_block(ws, fm: _Formats, r: int, label: str, lines: list[str]) -> None:
    """A bold label in A and wrapped text merged over B:E, tall enough for its lines."""
    ws.write_string(r, 0, label, fm.get(bold=True, valign="top"))
    text = "\n".join(lines) or "none"
    n = sum(max(1, -(-len(line) // 95)) for line in text.split("\n"))
    ws.merge_range(r, 1, r, TEXT_SPAN, text, fm.get(text_wrap=True, valign="top"))
    ws.set_row(r, 14 * n + 2)


def _summary_sheet(wb, fm: _Formats, sc: Scorecard) -> None:
    ws = wb.add_worksheet("Summary")
    ws.set_column(0, 0, 30)
    ws.set_column(1, TEXT_SPAN, 22)
    bold = fm.get(bold=True)
    ws.write_string(
        0, 0, f"Children in care scorecard: {sc.la_name}", fm.get(bold=True, font_size=14)
    )
    rows: list[tuple[str, object]] = [
        ("Local authority", sc.la_name),
        ("LA code", sc.la_code or ""),
        ("Quarter", sc.quarter),
        ("Position at", f"{sc.period_end:%d/%m/%Y}"),
        ("Version", "publication (small numbers suppressed)" if sc.publish else "internal"),
        ("Generated", f"{sc.generated:%d/%m/%Y %H:%M}"),
        ("Indicators", len(sc.frame)),
    ]
    r = 2
    for label, value in rows:
        ws.write_string(r, 0, label, bold)
        _write(ws, r, 1, value, fm.get(align="left", num_format="#,##0"))
        r += 1
    r += 1
    counts = sc.counts
    for key in ("red", "amber", "green"):
        bg, fg = RAG_FILL[key]
        ws.write_string(r, 0, RAG_LABEL[key], fm.get(bold=True, bg_color=bg, font_color=fg))
        ws.write_number(r, 1, counts[key], fm.get(align="left", num_format="#,##0"))
        r += 1
    ws.write_string(r, 0, "Not banded", bold)
    ws.write_number(r, 1, counts["none"], fm.get(align="left", num_format="#,##0"))
    if counts["withheld"]:
        r += 1
        ws.write_string(r, 0, "Withheld (small numbers)", bold)
        ws.write_number(r, 1, counts["withheld"], fm.get(align="left", num_format="#,##0"))
    vs = sc.versus_england
    if sum(vs.values()):
        r += 1
        ws.write_string(r, 0, "Against England", bold)
        ws.write_string(
            r,
            1,
            f"{vs['better']} better, {vs['worse']} worse, {vs['level']} level "
            f"(of {sum(vs.values())} with a published England figure)",
            fm.get(align="left"),
        )
    r += 2
    shown = SHOWN_ONLY if counts["withheld"] else ""  # a withheld figure may have moved
    for title, word, empty in (
        ("Biggest improvements", "improving", "no significant improvement"),
        ("Biggest deteriorations", "worsening", "no significant deterioration"),
    ):
        lines = [unescape(re.sub(r"<[^>]+>", "", t)) for t in _movers(sc, word)]
        _text_block(ws, fm, r, title, lines or [empty + shown])
        r += 1
    red = [str(t) for t in sc.frame.loc[sc.frame["rag"] == "red", "title"]]
    _text_block(ws, fm, r, "Red this quarter", red or [f"none{shown}"])
    r += 2
    coverage = "; ".join(sc.coverage) or "not stated (every date is taken to be covered)"
    _text_block(ws, fm, r, "Data covers", [coverage])
    r += 1
    left = left_out_lines(sc)
    if left:
        _text_block(ws, fm, r, "Rows left out (unusable cells)", left)
        r += 1
    warned = warned_lines(sc)
    if warned:
        _text_block(ws, fm, r, WARNINGS_HEADING, [WARNED_INTRO, *warned])
        r += 1
    notes = [sc.benchmark_note] if sc.benchmark_note else []
    if sc.publish:
        notes.append(
            f"Counts of 1 to {sc.suppress_threshold} children, and figures calculated from "
            f"them, are shown as '{SUPPRESSED}'."
        )
    notes.append("No child-level information is included in this workbook.")
    _text_block(ws, fm, r, "Notes", notes)
    if sc.by_age is not None and len(sc.by_age):
        _by_age_block(ws, fm, sc, r + 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _by_age_block(ws, fm: _Formats, sc: Scorecard, r: int) -> None:
    """Time in care by age at entry: children who left and their average days, per year."""
    t = sc.by_age
    ws.write_string(r, 0, "Time in care by age at entry", fm.get(bold=True, font_size=12))
    r += 1
    head = fm.get(bold=True, font_color="#FFFFFF", bg_color="#1D3557", text_wrap=True, border=1)
    ends = sorted(t["period_end"].unique())
    ws.write_string(r, 0, "Age at entry to care", head)
    ws.set_row(r, 30)
    for k, end in enumerate(ends):
        label = f"year to {pd.Timestamp(end):%B %Y}"
        ws.write_string(r, 1 + 2 * k, f"Children who left, {label}", head)
        ws.write_string(r, 2 + 2 * k, f"Average days in care, {label}", head)
    count = fm.get(num_format="#,##0", align="right")
    days = fm.get(num_format=excel_number_format("days", 0), align="right")
    at_least = fm.get(num_format='"≥ "' + excel_number_format("days", 0), align="right")
    for band in dict.fromkeys(t["age_at_entry"]):
        r += 1
        ws.write_string(r, 0, str(band), fm.get())
        for k, end in enumerate(ends):
            hit = t[(t["age_at_entry"] == band) & (t["period_end"] == end)]
            if len(hit):
                _write(ws, r, 1 + 2 * k, hit["denominator"].iloc[0], count)
                bound = says_lower_bound(hit["note"].iloc[0]) if "note" in hit else False
                value = hit["value"].iloc[0]
                _write(ws, r, 2 + 2 * k, value, at_least if bound else days, decimals=0)
    for text in (unsupported_years_text(t), lower_bounds_text(t)):
        if text:
            r += 1
            ws.write_string(r, 0, text, fm.get(italic=True, font_color="#505A5F"))


def trend_layout(sc: Scorecard) -> dict[str, tuple[int, int]]:
    """Where each indicator's trend sits on the Trend sheet: {id: (row, number of points)}.
    Quarterly indicators first, under a header of quarters; then annual ones under a header
    of years, after a blank row."""
    f = sc.frame
    annual = [sc.catalogue.get(i).frequency == "annual" for i in f["indicator"]]
    out: dict[str, tuple[int, int]] = {}
    r = 1
    for ind_id, trend, yearly in zip(f["indicator"], f["trend"], annual):
        if not yearly:
            out[str(ind_id)] = (r, len(trend))
            r += 1
    r += 2  # a blank row and the annual header
    for ind_id, trend, yearly in zip(f["indicator"], f["trend"], annual):
        if yearly:
            out[str(ind_id)] = (r, len(trend))
            r += 1
    return out


def _trend_range(sc: Scorecard, ind_id: str) -> tuple[str, str]:
    """The Trend sheet cells of an indicator's points ('D2', 'K2'), or blanks if none."""
    row, n = trend_layout(sc).get(str(ind_id), (0, 0))
    if not n:
        return "", ""
    first = xlsxwriter.utility.xl_rowcol_to_cell(row, 3)
    last = xlsxwriter.utility.xl_rowcol_to_cell(row, 2 + n)
    return first, last


def _trend_sheet(wb, fm: _Formats, sc: Scorecard) -> None:
    ws = wb.add_worksheet("Trend")
    head = fm.get(bold=True, font_color="#FFFFFF", bg_color="#1D3557", text_wrap=True, border=1)
    f = sc.frame.set_index("indicator", drop=False)
    layout = trend_layout(sc)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 48)
    ws.set_column(2, 2, 12)
    ws.set_column(3, 12, 11)
    width = 0
    headers_at: dict[int, list[str]] = {}
    for ind_id, (r, n) in layout.items():
        labels = trend_labels(sc, ind_id, n)
        headers_at.setdefault(r, labels)
        width = max(width, n)
    # one header above each block: the first row of each block is 1 or after a blank row
    starts = sorted({r for r, _ in layout.values()})
    block_heads = [starts[0] - 1] + [b - 1 for a, b in itertools.pairwise(starts) if b - a > 1]
    for h in block_heads:
        labels = headers_at[h + 1]
        yearly = sc.catalogue.get(_id_at(layout, h + 1)).frequency == "annual"
        first = "Domain" if not yearly else "Domain (annual figures)"
        for c, name in enumerate([first, "Indicator", "Unit", *labels, "Trend"]):
            ws.write_string(h, c, name, head)
        ws.set_row(h, 30)
    for ind_id, (r, n) in layout.items():
        row = f.loc[ind_id]
        ind = sc.catalogue.get(ind_id)
        ws.write_string(r, 0, domain_label(row["domain"]))
        ws.write_string(r, 1, str(row["title"]), fm.get(text_wrap=True))
        ws.write_string(r, 2, UNIT_LABEL.get(ind.unit, ind.unit))
        number = excel_number_format(ind.unit, ind.decimals)
        numf, at_least = fm.get(num_format=number), fm.get(num_format='"≥ "' + number)
        bounds = sc.trend_lower_bounds(ind_id)
        for k, (v, bound) in enumerate(zip(row["trend"], bounds, strict=True)):
            if isinstance(v, str):
                ws.write_string(r, 3 + k, v, fm.get(align="right"))
            else:
                _write(ws, r, 3 + k, v, at_least if bound else numf, decimals=ind.decimals)
        first, last = _trend_range(sc, ind_id)
        ws.add_sparkline(
            r, 3 + n, {"range": f"Trend!{first}:{last}", "last_point": True, "weight": 1.5}
        )
    ws.set_column(3 + width, 3 + width, 18)
    ws.freeze_panes(1, 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _id_at(layout: dict[str, tuple[int, int]], row: int) -> str:
    return next(i for i, (r, _) in layout.items() if r == row)


def _districts_sheet(wb, fm: _Formats, sc: Scorecard) -> None:
    """The district view: indicators down, districts across; each indicator takes two rows,
    the value (with its RAG fill) and the number / base under it."""
    t = sc.districts
    if t is None or not len(t):
        return
    ws = wb.add_worksheet("Districts")
    names = district_order(t)
    small = small_districts(t)
    ws.write_string(
        0, 0, f"By district at {sc.period_end:%d/%m/%Y}", fm.get(bold=True, font_size=14)
    )
    ws.write_string(
        1,
        0,
        f"Value with its RAG fill; below it, number / base (n for averages). Italic: a base "
        f"of fewer than {MIN_DENOMINATOR} children. † a district with fewer than "
        f"{SMALL_DISTRICT} children looked after. '{UNKNOWN_DISTRICT}': children without a "
        "home postcode, or with one the district list lacks."
        + (LOWER_BOUND_CELLS if has_lower_bounds(t) else "")
        + (f" Counts of 1 to {sc.suppress_threshold} shown as c." if sc.publish else ""),
        fm.get(font_color="#505A5F"),
    )
    head = fm.get(bold=True, font_color="#FFFFFF", bg_color="#1D3557", text_wrap=True, border=1)
    ws.write_string(3, 0, "Indicator", head)
    ws.set_column(0, 0, 44)
    for c, d in enumerate(names, start=1):
        ws.write_string(3, c, d + (" †" if d in small else ""), head)
    ws.set_column(1, len(names), 12)
    ws.set_row(3, 30)
    cells = t.set_index(["indicator", "district"])
    r = 4
    for ind_id in dict.fromkeys(t["indicator"]):
        ind = sc.catalogue.get(ind_id)
        ws.merge_range(r, 0, r + 1, 0, ind.title, fm.get(text_wrap=True, valign="top"))
        for c, d in enumerate(names, start=1):
            if (ind_id, d) not in cells.index:
                continue
            cell = cells.loc[(ind_id, d)]
            thin = thin_base(cell["denominator"], ind.unit)
            number = excel_number_format(ind.unit, ind.decimals)
            if bool(cell.get("lower_bound", False)):
                number = '"≥ "' + number
            props: dict[str, Any] = {"num_format": number, "align": "right", "italic": thin}
            if cell["rag"] in RAG_FILL:
                bg, fg = RAG_FILL[cell["rag"]]
                props.update(bg_color=bg, font_color=fg)
            _write(ws, r, c, cell["value"], fm.get(**props), decimals=ind.decimals)
            base = base_text(ind.unit, cell["numerator"], cell["denominator"])
            if base:
                ws.write_string(
                    r + 1, c, base, fm.get(align="right", font_size=8, font_color="#505A5F")
                )
        r += 2
    ws.freeze_panes(4, 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _definitions_sheet(wb, fm: _Formats, sc: Scorecard) -> None:
    ws = wb.add_worksheet("Definitions")
    head = fm.get(bold=True, font_color="#FFFFFF", bg_color="#1D3557", text_wrap=True, border=1)
    cols = [
        ("Indicator id", 28),
        ("Title", 44),
        ("Domain", 16),
        ("Description", 80),
        ("Unit", 14),
        ("Polarity", 13),
        ("Decimals", 9),
        ("RAG bands", 50),
        ("Source tables", 26),
        ("LAIT measure", 20),
    ]
    for c, (name, width) in enumerate(cols):
        ws.write_string(0, c, name, head)
        ws.set_column(c, c, width)
    wrap = fm.get(text_wrap=True, valign="top")
    whole = fm.get(valign="top", num_format="0", align="left")
    for r, ind_id in enumerate(sc.frame["indicator"], start=1):
        ind = sc.catalogue.get(ind_id)
        values = [
            ind.id,
            ind.title,
            domain_label(ind.domain),
            ind.description,
            UNIT_LABEL.get(ind.unit, ind.unit),
            ind.polarity.replace("_", " "),
            ind.decimals,
            _thresholds_text(ind, sc.period_end),
            ", ".join(ind.tables),
            (ind.benchmark.lait if ind.benchmark else None) or None,
        ]
        for c, v in enumerate(values):
            _write(ws, r, c, v, whole if isinstance(v, int) else wrap)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, len(sc.frame), len(cols) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def render_excel(sc: Scorecard) -> bytes:
    """The workbook, built in memory (nothing touches the disk until it is complete)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties(
        {
            "title": f"Children in care scorecard: {sc.la_name}, {sc.quarter}",
            "subject": "Corporate Parenting Panel scorecard",
            "author": "scorecard",
            "created": sc.generated.to_pydatetime(),
        }
    )
    fm = _Formats(wb)
    _scorecard_sheet(wb, fm, sc)
    _summary_sheet(wb, fm, sc)
    _trend_sheet(wb, fm, sc)
    _districts_sheet(wb, fm, sc)
    _definitions_sheet(wb, fm, sc)
    wb.close()
    return buf.getvalue()


__all__ = ["format_value", "render_excel"]
