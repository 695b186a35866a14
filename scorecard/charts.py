"""Charts for the panel and for exploring in Jupyter (SPEC section 9), built with Altair.

Every chart takes a tidy frame from `sc.compute` (or the benchmark panel) and aggregates it
before charting, so a chart never carries more than a few hundred rows. One theme, registered
once on import: readable fonts, plain-English titles, RAG colours and a colour-blind-safe
(Okabe-Ito) palette. `save` writes PNG, SVG or self-contained HTML with vl-convert, so no
browser and no network are needed.

    from scorecard import charts
    df = sc.compute("placement_stability_short", ds, at=sc.periods.quarter_ends("2024-25 Q4", 8))
    charts.save(charts.trend(df, "placement_stability_short"), "trend.png")
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import altair as alt
import numpy as np
import pandas as pd

from .files import write
from .periods import (
    AGE_BANDS,
    financial_year,
    published_year_end,
    published_year_label,
    quarter_label,
)
from .report.privacy import WITHHELD_SECONDARY, WITHHELD_SMALL

if TYPE_CHECKING:
    from .catalogue import Catalogue, Indicator

__all__ = [
    "MAX_ROWS",
    "PALETTE",
    "RAG_COLOURS",
    "benchmark",
    "by_age",
    "by_district",
    "render",
    "save",
    "trend",
]

MAX_ROWS = 5000  # Altair's own limit for inline data; our charts stay far below it

RAG_COLOURS: dict[str, str] = {"Red": "#d73027", "Amber": "#fdae61", "Green": "#1a9850"}
# Okabe-Ito: distinguishable with the common forms of colour blindness
PALETTE: list[str] = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
]
LINE_COLOUR = "#1f3b57"  # our authority's values
MUTED = "#b8c2cc"  # other authorities
# Liberation Sans ships inside vl-convert, so PNG/SVG text renders on any machine;
# browsers fall back to Arial/Helvetica.
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"

AXIS_TITLES = {
    "percent": "Per cent",
    "count": "Number of children",
    "days": "Days",
    "rate_per_10k": "Per 10,000 children",
    "ratio": "Cases per full-time IRO",
    "points": "Points",
}
BREAKDOWN_TITLES = {
    "age_band": "Age band",
    "age_at_entry_band": "Age at entry to care",
    "sex": "Sex",
    "uasc": "UASC status",
    "district": "District",
    "LA": "Local authority",
}
VALUE_FORMATS = {0: ",.0f", 1: ",.1f", 2: ",.2f", 3: ",.3f", 4: ",.4f"}
THEME_NAME = "scorecard"

# a point's base that leaves some out (the engine's notes: 'N ... left out: ...')
LEFT_OUT = " left out: "
LEAVES_OUT = (
    "Some points leave out children or rows the figure cannot use, so their bases differ: "
    "the card's note says how many."
)
# why a figure is not drawn, one wording per rule: a gap in a trend line, a 'c' on a bar
GAP_NO_FIGURE = "no figure the data can support"
GAP_WITHHELD = "withheld (small numbers)"
LOWER_BOUND_MARK = "≥"  # before a figure of days that is a lower bound, as the by-age table


@alt.theme.register(THEME_NAME, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    """The house style: large readable text, light grid, colour-blind-safe categories."""
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"continuousWidth": 560, "continuousHeight": 300, "stroke": None},
            "title": {
                "fontSize": 17,
                "anchor": "start",
                "subtitleFontSize": 13,
                "subtitleColor": "#444444",
                "offset": 10,
            },
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "gridColor": "#e6e6e6",
                "titleFontWeight": "normal",
                "labelColor": "#333333",
                "titleColor": "#333333",
            },
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "orient": "bottom",
                "titleFontWeight": "normal",
            },
            "header": {"labelFontSize": 13, "titleFontSize": 13},
            "range": {"category": PALETTE},
            "text": {"fontSize": 12},
        }
    }


# ---------------------------------------------------------------- helpers


def _indicator(indicator: str | Indicator, catalogue: Catalogue | None) -> Indicator:
    from .engine import resolve_indicator

    return resolve_indicator(indicator, catalogue)


def _drawn(
    frame: pd.DataFrame, indicator: str | Indicator | None, catalogue: Catalogue | None
) -> Indicator:
    """The indicator to draw: the one named, else the only one the compute frame holds."""
    if indicator is not None:
        return _indicator(indicator, catalogue)
    held = list(pd.unique(frame["indicator"].astype(str))) if "indicator" in frame else []
    if len(held) != 1:
        what = f"{len(held)} indicators ({', '.join(held[:3])})" if held else "no indicator column"
        example = held[0] if held else "placement_stability_short"
        raise ValueError(
            f"The frame holds {what}: name the one to draw, e.g. charts.trend(frame, {example!r})."
        )
    return _indicator(held[0], catalogue)


def _rows_for(frame: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """The rows of `frame` for `ind` (a compute frame may hold several indicators)."""
    if "indicator" in frame.columns:
        frame = frame.loc[frame["indicator"].astype("string") == ind.id]
    if frame.empty:
        raise ValueError(
            f"No rows for {ind.id!r} in the frame: compute the indicator first, e.g. "
            f"sc.compute({ind.id!r}, ds, at=...)."
        )
    return frame.copy()


def _as_dates(values: pd.Series) -> pd.Series:
    """Reference dates as datetime64[ns] timestamps (Altair cannot save Period columns: a
    quarter Period becomes its last day)."""
    if isinstance(values.dtype, pd.PeriodDtype):
        values = values.dt.to_timestamp(how="end").dt.normalize()
    return pd.to_datetime(values).astype("datetime64[ns]")


def _check_size(frame: pd.DataFrame, what: str) -> None:
    if len(frame) > MAX_ROWS:
        raise ValueError(
            f"{what}: {len(frame):,} rows is too many to chart (limit {MAX_ROWS:,}); "
            "aggregate first (a chart needs one row per date and category)."
        )


def _fmt(ind: Indicator) -> str:
    return VALUE_FORMATS.get(ind.decimals, ",.1f")


def _shown(values: pd.Series, ind: Indicator) -> np.ndarray:
    """`values` as the card shows them, for a tooltip or label in a d3 format: d3 rounds the
    number stored (20.45, stored 20.4499..., to 20.4), the card its decimal value (20.5)."""
    from .bands import as_shown

    return as_shown(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float), ind.decimals)


def _y_title(ind: Indicator) -> str:
    return AXIS_TITLES.get(ind.unit, "Value")


def _label(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "Unknown"
    return str(value)


def _value_labels(frame: pd.DataFrame, ind: Indicator) -> pd.Series:
    """Bar labels: the value with its unit ('11.1%', '563 days'); 'c' where it was withheld
    for publication (a true `suppressed` column), 'n/a' where there is no value."""
    withheld = (
        frame["suppressed"].fillna(False).astype(bool)
        if "suppressed" in frame.columns
        else pd.Series(False, index=frame.index)
    )
    text = unit_labels(frame["value"], ind).replace("", "n/a")
    return text.where(~withheld, "c")


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    """A true/false column of `frame` (all false when the frame has none)."""
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[column].astype("boolean").fillna(False).astype(bool)


def _withheld_note(frame: pd.DataFrame) -> str:
    """What the 'c' on a chart's bars stand for, from the frame's `suppressed` and
    `secondary` columns (scorecard.report.privacy): '' when nothing is withheld."""
    withheld = _flag(frame, "suppressed")
    secondary = withheld & _flag(frame, "secondary")
    small = (withheld & ~secondary).any()
    if not secondary.any():
        return f"c: withheld, {WITHHELD_SMALL}." if small else ""
    if small:
        return f"c: withheld, {WITHHELD_SMALL}, or {WITHHELD_SECONDARY}."
    return f"c: withheld {WITHHELD_SECONDARY}."


def _lower_bounds(frame: pd.DataFrame) -> pd.Series:
    """True where a row's note says its days are a lower bound (measures.facts.LOWER_BOUND:
    the period of care began before the data starts)."""
    from .measures.facts import says_lower_bound

    if "note" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["note"].map(says_lower_bound).astype(bool)


def _at_least(labels: pd.Series, bound: pd.Series) -> pd.Series:
    """Labels of lower-bound figures with '≥ ' before them ('≥ 464 days'), as the by-age
    table shows them; 'c', 'n/a' and blanks as they are."""
    shown = bound & ~labels.isin(["c", "n/a", ""])
    return labels.where(~shown, LOWER_BOUND_MARK + " " + labels)


def _lower_bounds_text(frame: pd.DataFrame, by: str) -> str:
    """The by-age table's footnote on its lower bounds ('≥: a lower bound. Year to June
    2016: under 1, lower bound for 9 of 39 children; ...'), '' when there are none."""
    from .report.html import lower_bounds_text

    if "note" not in frame.columns:
        return ""
    return lower_bounds_text(frame.rename(columns={by: "age_at_entry"}))


def _unsupported_text(frame: pd.DataFrame) -> str:
    """The by-age table's line on the years it has no figure for, and why ('Year to June
    2015: not available: needs data from 01/07/2014; ...'), '' when there are none."""
    from .report.html import unsupported_years_text

    if "note" not in frame.columns or "denominator" not in frame.columns:
        return ""
    return unsupported_years_text(frame)


def _lines(*texts: str, width: int = 80) -> list[str]:
    """A subtitle's sentences wrapped into lines (Vega does not wrap titles)."""
    return textwrap.wrap(" ".join(t for t in texts if t), width)


def _breakdown_columns(frame: pd.DataFrame) -> list[str]:
    known = {
        "indicator",
        "period_end",
        "numerator",
        "denominator",
        "value",
        "suppressed",
        "secondary",
        "note",
    }
    return [c for c in frame.columns if c not in known]


def _thresholds_by_date(ind: Indicator, dates: Iterable[pd.Timestamp]) -> pd.DataFrame:
    """Green/amber/target in force at each date (targets are reset each financial year)."""
    rows = []
    for d in dates:
        th = ind.thresholds(financial_year(d)) if ind.rag and ind.rag.mode == "threshold" else None
        rows.append(
            {
                "period_end": d,
                "green": th.green if th else np.nan,
                "amber": th.amber if th else np.nan,
                "target": th.target_value if th else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _domain(values: Iterable[float], unit: str) -> tuple[float, float]:
    """A y range that shows every value and threshold with some headroom."""
    v = np.asarray([x for x in values if pd.notna(x)], dtype="float64")
    if v.size == 0:
        return (0.0, 1.0)
    lo, hi = float(v.min()), float(v.max())
    if lo >= 0:
        lo = 0.0
    span = hi - lo or abs(hi) or 1.0
    hi = hi + 0.12 * span
    if unit == "percent":
        hi = min(hi, 100.0) if v.max() <= 100 else hi
    return (lo, hi)


def _segments(dates: pd.Series) -> pd.DataFrame:
    """For sorted dates, the x extent each date's band covers (half-way to its neighbours)."""
    d = pd.Series(pd.to_datetime(dates).sort_values().unique())
    if len(d) == 1:
        half = pd.Timedelta(days=45)
        return pd.DataFrame({"period_end": d, "x0": d - half, "x1": d + half})
    mids = d[:-1].reset_index(drop=True) + (d.diff().iloc[1:].reset_index(drop=True) / 2)
    x0 = pd.concat([pd.Series([d.iloc[0] - (mids.iloc[0] - d.iloc[0])]), mids], ignore_index=True)
    x1 = pd.concat(
        [mids, pd.Series([d.iloc[-1] + (d.iloc[-1] - mids.iloc[-1])])], ignore_index=True
    )
    return pd.DataFrame({"period_end": d, "x0": x0, "x1": x1})


def _band_rects(ind: Indicator, th: pd.DataFrame, lo: float, hi: float) -> pd.DataFrame:
    """Shaded RAG areas: one rectangle per band per run of dates with the same thresholds."""
    seg = _segments(th["period_end"]).merge(th, on="period_end")
    seg = seg.dropna(subset=["green", "amber"])
    if seg.empty:
        return pd.DataFrame(columns=["x0", "x1", "y0", "y1", "band"])
    # merge consecutive dates whose thresholds are the same into one rectangle
    change = (seg[["green", "amber"]].diff().abs().sum(axis=1) > 0).cumsum()
    runs = seg.groupby(change).agg(
        x0=("x0", "first"), x1=("x1", "last"), green=("green", "first"), amber=("amber", "first")
    )
    rects = []
    for _, r in runs.iterrows():  # a handful of financial years
        if ind.polarity == "low_is_good":
            bands = [("Green", lo, r.green), ("Amber", r.green, r.amber), ("Red", r.amber, hi)]
        else:
            bands = [("Red", lo, r.amber), ("Amber", r.amber, r.green), ("Green", r.green, hi)]
        for name, y0, y1 in bands:
            y0c, y1c = max(min(y0, hi), lo), max(min(y1, hi), lo)
            if y1c > y0c:
                rects.append({"x0": r.x0, "x1": r.x1, "y0": y0c, "y1": y1c, "band": name})
    return pd.DataFrame(rects)


def _rag_scale(domain: list[str] | None = None) -> alt.Scale:
    names = domain or list(RAG_COLOURS)
    return alt.Scale(domain=names, range=[RAG_COLOURS[n] for n in names])


# ---------------------------------------------------------------- charts


COMPARATOR_COLOURS = {"England": "#505a5f", "Statistical neighbours": PALETTE[0]}
SN_SERIES = "Statistical neighbours"
# the neighbours' series where their average is the indicator's target (benchmark-mode RAG)
SN_TARGET = "Statistical neighbours (target)"
OURS = "This authority"  # our own series when the chart is not told the authority's name
OURS_TITLE = "Scorecard"  # legend title over our own series (the card's figures)
# legend glyphs: ours a solid line through a dot, as drawn; the published a dotted line
LINE_DOT_SYMBOL = "M-1,0H1M0.5,0A0.5,0.5,0,1,1,-0.5,0A0.5,0.5,0,1,1,0.5,0"


def yearly_points(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of an annual indicator's frame at whole years before its latest date (an
    annual figure is the same at every quarter end of its year, so only those are drawn)."""
    dates = _as_dates(frame["period_end"])
    last = dates.max()
    keep = pd.Series(False, index=frame.index)
    for k in range(0, 40):
        back = last - pd.DateOffset(months=12 * k)
        if last == last + pd.offsets.MonthEnd(0):
            back = back + pd.offsets.MonthEnd(0)
        if back < dates.min():
            break
        keep |= dates == back
    return frame.loc[keep]


def unit_labels(values: pd.Series, ind: Indicator) -> pd.Series:
    """Value labels with their unit ('9.7%', '563 days', '65 per 10k'), '' when missing."""
    from .report.fmt import format_value

    return values.map(lambda v: format_value(v, ind.unit, ind.decimals))


def _base_texts(frame: pd.DataFrame, ind: Indicator) -> list[str]:
    """Each point's number / base as the card writes it ('174 / 1,789', 'n = 760',
    '2,213.5 weighted cases / 30.0 FTE'), so that a tooltip never shows a figure the card
    rounds otherwise or hides (a sum of days); '' where withheld or missing."""
    from .report.fmt import base_text, is_weighted

    weighted = is_weighted(ind)
    numerators = frame["numerator"] if "numerator" in frame.columns else [np.nan] * len(frame)
    denominators = frame["denominator"] if "denominator" in frame.columns else [np.nan] * len(frame)
    return [
        base_text(ind.unit, n, d, weighted) for n, d in zip(numerators, denominators, strict=True)
    ]


def trend(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    catalogue: Catalogue | None = None,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    comparators: pd.DataFrame | None = None,
    authority: str | None = None,
) -> alt.LayerChart:
    """Values by quarter with the target (dashed) and the RAG bands as shaded areas.

    `frame` is a compute frame with several `period_end` dates; thresholds are those in
    force in each date's financial year. With a breakdown column (e.g. `uasc`) one line is
    drawn per category. A date with no value (outside the data's coverage, say) is a gap in
    the line, never bridged. An annual indicator (`frequency: annual`) is drawn one point a
    year. `comparators` (`period_end, series, value`, e.g. series 'England' and 'Statistical
    neighbours' from the published figures) are drawn as dotted lines with points. With no
    `indicator`, the frame's only one is drawn. Our own line is named in the legend as
    `authority` ('This authority' when not given). A benchmark-mode indicator's target is the
    statistical neighbours' average: the subtitle says so, and their line is labelled target.
    A gap says whether the point was withheld (a true `suppressed` column) or has no figure;
    days that are lower bounds (a `note` as the engine writes it) are marked ≥.
    """
    from .measures.facts import lower_bound_reason

    ind = _drawn(frame, indicator, catalogue)
    df = _rows_for(frame, ind).reset_index(drop=True)
    withheld, bound = _flag(df, "suppressed"), _lower_bounds(df)
    why = lower_bound_reason(df.loc[bound, "note"].iloc[0]) if bound.any() else ""
    # points whose base leaves some out ('413 children looked after left out: PL_DISTANCE
    # not recorded'): the bases differ from point to point
    notes = df["note"] if "note" in df.columns else pd.Series("", index=df.index)
    leaves_out = bool(
        notes.astype(object).map(lambda n: isinstance(n, str) and LEFT_OUT in n).any()
    )
    df = df.drop(columns=["note", "suppressed", "secondary"], errors="ignore")
    by = _breakdown_columns(df)
    if len(by) > 1:
        raise ValueError(f"trend draws at most one breakdown; the frame has {by}")
    _check_size(df, "trend")
    df["period_end"] = _as_dates(df["period_end"])
    annual = ind.frequency == "annual"
    if annual:
        df = yearly_points(df)
    df["quarter"] = df["period_end"].map(_year_or_quarter(annual))
    withheld, bound = withheld.loc[df.index], bound.loc[df.index] & df["value"].notna()
    df["label"] = _at_least(unit_labels(df["value"], ind), bound)
    df["base"] = _base_texts(df, ind)
    dates = pd.Series(df["period_end"].unique()).sort_values()
    th = _thresholds_by_date(ind, dates)
    comp = _comparator_rows(comparators, dates)
    lo, hi = _domain(
        [*df["value"], *th["green"], *th["amber"], *th["target"], *comp["value"]], ind.unit
    )
    y_scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    x_axis = alt.Axis(
        values=[d.isoformat() for d in dates],
        format="%b %Y",
        labelAngle=-40,
        grid=False,
        **({"labelExpr": _year_label_expr()} if annual else {}),
    )
    span = _segments(dates)  # half a quarter of room either side, so end labels fit
    x_scale = alt.Scale(domain=[span["x0"].iloc[0].isoformat(), span["x1"].iloc[-1].isoformat()])
    # KS4 years are academic years (2024/25), labelled as the card labels them
    x_title = "Quarter ending"
    if annual:
        x_title = "Academic year" if ind.academic_year else "Year ending 31 March"
    x = alt.X("period_end:T", title=x_title, axis=x_axis, scale=x_scale)
    fmt = _fmt(ind)
    tooltip = [
        alt.Tooltip("quarter:N", title="Year" if annual else "Quarter"),
        alt.Tooltip("label:N", title=ind.title[:40]),
        alt.Tooltip("base:N", title="Number / base"),
    ]
    layers: list[alt.Chart] = []
    rects = _band_rects(ind, th, lo, hi)
    if not rects.empty:
        present = [b for b in RAG_COLOURS if b in set(rects["band"])]
        layers.append(
            alt.Chart(rects)
            .mark_rect(opacity=0.18)
            .encode(
                x=alt.X("x0:T", axis=x_axis, title=x_title, scale=x_scale),
                x2="x1:T",
                y=alt.Y("y0:Q", scale=y_scale, title=_y_title(ind)),
                y2="y1:Q",
                color=alt.Color(
                    "band:N", scale=_rag_scale(present), legend=alt.Legend(title="RAG band")
                ),
            )
        )
    targets = th.dropna(subset=["target"])
    if not targets.empty:
        seg = _segments(dates).merge(targets, on="period_end")
        steps = pd.concat(
            [
                seg[["x0", "target"]].rename(columns={"x0": "x"}),
                seg[["x1", "target"]].rename(columns={"x1": "x"}),
            ]
        ).sort_values("x", kind="stable")
        steps["label"] = "Target"
        steps["shown"] = _shown(steps["target"], ind)
        layers.append(
            alt.Chart(steps)
            .mark_line(
                strokeDash=[6, 4], color="#333333", strokeWidth=1.5, interpolate="step-after"
            )
            .encode(
                x=alt.X("x:T", axis=x_axis, title=x_title, scale=x_scale),
                y=alt.Y("target:Q", scale=y_scale),
                detail="label:N",
                tooltip=[alt.Tooltip("shown:Q", title="Target", format=fmt)],
            )
        )
    sn_target = _sn_is_target(ind)
    if not comp.empty:
        shown = {SN_SERIES: SN_TARGET} if sn_target else {}
        names = [n for n in COMPARATOR_COLOURS if n in set(comp["series"])]
        comp["series"] = comp["series"].map(lambda s: shown.get(s, s))
        colour = alt.Color(
            "series:N",
            title="Published",
            scale=alt.Scale(
                domain=[shown.get(n, n) for n in names],
                range=[COMPARATOR_COLOURS[n] for n in names],
            ),
            legend=alt.Legend(
                symbolType="stroke",
                symbolDash=[2, 3],
                symbolStrokeWidth=2,
                symbolSize=300,
                labelLimit=260,
            ),
        )
        comp["label"] = _comparator_labels(comp, ind)
        layers.append(
            alt.Chart(comp)
            .mark_line(strokeDash=[2, 3], strokeWidth=1.5, point=alt.OverlayMarkDef(size=30))
            .encode(
                x=alt.X("period_end:T", axis=x_axis, title=x_title, scale=x_scale),
                y=alt.Y("value:Q", scale=y_scale),
                color=colour,
                tooltip=[
                    alt.Tooltip("series:N", title="Published"),
                    alt.Tooltip("label:N", title="Value"),
                ],
            )
        )
    y = alt.Y("value:Q", scale=y_scale, title=_y_title(ind))
    if by:
        col = by[0]
        df[col] = df[col].map(_label)
        colour = alt.Color(
            f"{col}:N", title=BREAKDOWN_TITLES.get(col, col), scale=alt.Scale(range=PALETTE)
        )
        tooltip.insert(1, alt.Tooltip(f"{col}:N", title=BREAKDOWN_TITLES.get(col, col)))
        # one layer (line with its points), so the category legend appears once
        layers.append(
            alt.Chart(df)
            .mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(filled=True, size=60))
            .encode(x=x, y=y, color=colour, tooltip=tooltip)
        )
    else:
        df["series"] = authority or OURS
        own = alt.Color(
            "series:N",
            title=OURS_TITLE,
            scale=alt.Scale(domain=[authority or OURS], range=[LINE_COLOUR]),
            legend=alt.Legend(
                symbolType=LINE_DOT_SYMBOL,
                symbolFillColor=LINE_COLOUR,
                symbolStrokeWidth=2.5,
                symbolSize=300,
                labelLimit=260,
            ),
        )
        base = alt.Chart(df).encode(x=x, y=y, tooltip=tooltip)
        # the line carries the legend entry; the points are opaque (not the default 0.7,
        # which greys them), outlined in white so they stand apart from the published dots
        layers.append(base.mark_line(strokeWidth=2.5).encode(color=own))
        layers.append(
            base.mark_point(
                color=LINE_COLOUR, filled=True, size=70, opacity=1, stroke="white", strokeWidth=1
            )
        )
        known = df.loc[df["value"].notna()]
        last = known.loc[known["period_end"] == known["period_end"].max()]
        if len(last):
            # the latest value is labelled on the side away from the target line
            target_now = _sn_now(comp) if sn_target else th["target"].iloc[-1]
            below = pd.notna(target_now) and float(last["value"].iloc[0]) < target_now
            layers.append(
                alt.Chart(last)
                .mark_text(
                    align="left",
                    dx=8,
                    dy=8 if below else -8,
                    baseline="top" if below else "bottom",
                    fontWeight="bold",
                    color=LINE_COLOUR,
                    fontSize=13,
                )
                .encode(x=x, y=y, text="label:N")
            )
    sub = subtitle or _trend_subtitle(
        ind,
        has_bands=not rects.empty,
        has_target=not targets.empty,
        has_gap=bool((df["value"].isna() & ~withheld).any()),
        has_withheld=bool((df["value"].isna() & withheld).any()),
        lower_bound=_bounds_said(
            df.loc[bound, "period_end"], df.loc[df["value"].notna(), "period_end"], annual, why
        ),
        leaves_out=leaves_out,
        has_comparators=not comp.empty,
        sn_drawn=bool((comp["series"] == SN_TARGET).any()),
    )
    # one LayerChart built in one go: Altair copies the whole spec on every chained call
    return alt.LayerChart(
        layer=layers,
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
        title=alt.Title(title or ind.title, subtitle=sub),
        width=560,
        height=300,
    )


def _year_or_quarter(annual: bool):
    from .report.fmt import year_label

    return year_label if annual else quarter_label


def _year_label_expr() -> str:
    """Vega expression: the academic / collection year ending in the 12 months to a date
    ('2024/25' for 31 March 2025)."""
    end = "(month(datum.value) > 2 || (month(datum.value) == 2 && date(datum.value) >= 31)"
    end += " ? year(datum.value) : year(datum.value) - 1)"
    return f"({end} - 1) + '/' + slice('' + {end}, 2)"


def _comparator_labels(comp: pd.DataFrame, ind: Indicator) -> pd.Series:
    """Each published point's value as the page writes it: England's with the decimals it
    was published with ('England 10%'), the neighbours' average (worked out here) at the
    indicator's ('SN 11.0%')."""
    from .report.fmt import format_published

    published = comp["series"].astype(str).str.startswith("England")
    labels = unit_labels(comp["value"], ind)
    return labels.where(
        ~published, comp["value"].map(lambda v: format_published(v, ind.unit, ind.decimals))
    )


def _comparator_rows(comparators: pd.DataFrame | None, dates: pd.Series) -> pd.DataFrame:
    """Published comparator points within the span of the trend's dates."""
    empty = pd.DataFrame(
        {
            "period_end": pd.Series(dtype="datetime64[ns]"),
            "series": pd.Series(dtype=object),
            "value": pd.Series(dtype="float64"),
        }
    )
    if comparators is None or comparators.empty or dates.empty:
        return empty
    comp = comparators[["period_end", "series", "value"]].copy()
    comp["period_end"] = _as_dates(comp["period_end"])
    comp["value"] = pd.to_numeric(comp["value"], errors="coerce")
    first = dates.min() - pd.Timedelta(days=46)
    last = dates.max() + pd.Timedelta(days=46)
    inside = comp["period_end"].between(first, last) & comp["value"].notna()
    return comp.loc[inside].reset_index(drop=True) if inside.any() else empty


def _sn_is_target(ind: Indicator) -> bool:
    """True when the indicator is banded against the statistical neighbours' average
    (`rag: {mode: benchmark}`): that average is its target, as the card says."""
    return ind.rag is not None and ind.rag.mode == "benchmark" and ind.polarity != "neutral"


def _sn_now(comp: pd.DataFrame) -> float:
    """The latest neighbours' average drawn (the target of a benchmark-mode indicator)."""
    sn = comp.loc[comp["series"] == SN_TARGET].sort_values("period_end")
    return float(sn["value"].iloc[-1]) if len(sn) else np.nan


def _sn_target_text(ind: Indicator, sn_drawn: bool) -> str:
    """How a benchmark-mode indicator is banded, in words: 'Target: the statistical
    neighbours' average (green at or better than it, amber up to 2.0 pts worse, else red).'"""
    from .report.fmt import sn_band_rule

    text = f"Target: the statistical neighbours' average ({sn_band_rule(ind, 'it')})."
    return text if sn_drawn else text + " No published average to draw for these dates."


def _trend_subtitle(
    ind: Indicator,
    *,
    has_bands: bool,
    has_target: bool,
    has_gap: bool = False,
    has_comparators: bool = False,
    sn_drawn: bool = False,
    has_withheld: bool = False,
    lower_bound: str = "",
    leaves_out: bool = False,
) -> list[str]:
    better = {"high_is_good": "Higher is better.", "low_is_good": "Lower is better."}.get(
        ind.polarity, ""
    )
    parts = [better]
    if _sn_is_target(ind):
        parts.append(_sn_target_text(ind, sn_drawn))
    elif not has_target and not has_bands:
        parts.append("No target is set for this indicator.")
    if has_target:
        parts.append("Dashed line: target.")
    if has_bands:
        parts.append("Shading: red / amber / green bands for each year.")
    if has_comparators and sn_drawn and _sn_is_target(ind):
        parts.append(
            "Dotted: published figures; the blue one, the neighbours' average, is the target."
        )
    elif has_comparators:
        parts.append("Dotted: published figures.")
    gaps = [GAP_WITHHELD] if has_withheld else []
    if has_gap:
        gaps.append(GAP_NO_FIGURE)
    if gaps:
        parts.append(f"A gap: {', or '.join(gaps)}.")
    parts.append(lower_bound)
    if leaves_out:
        parts.append(LEAVES_OUT)
    return textwrap.wrap(" ".join(p for p in parts if p), 90)


def _bounds_said(bounds: pd.Series, drawn: pd.Series, annual: bool, why: str) -> str:
    """The trend's line on its lower bounds ('≥: the points of 2015-16 Q1 to 2016-17 Q1 are
    lower bounds. For some children their period of care began before the data starts
    (01/04/2015): their days are counted from then.'); '' when no point drawn is one.
    `bounds`: the lower bounds' dates; `drawn`: the dates of every point with a value."""
    if bounds.empty:
        return ""
    name = _year_or_quarter(annual)
    first, last = bounds.min(), bounds.max()
    if set(bounds) == set(drawn):
        which = "every point is a lower bound"
    elif first == last:
        which = f"the point of {name(first)} is a lower bound"
    else:
        which = f"the points of {name(first)} to {name(last)} are lower bounds"
    said = f"{LOWER_BOUND_MARK}: {which}."
    return f"{said} For some children {why}: their days are counted from then." if why else said


def _order(values: pd.Series, order: Iterable[str]) -> list[str]:
    known = list(order)
    present = list(dict.fromkeys(values))
    return [v for v in known if v in present] + [v for v in present if v not in known]


def by_age(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    by: str = "age_band",
    catalogue: Catalogue | None = None,
    *,
    title: str | None = None,
) -> alt.LayerChart:
    """Bars by DfE age band in order (under 1 ... 16 and over), one group per date.

    For `by='age_at_entry_band'` the bands are the child's age when the period of care began
    (e.g. time in care by age at entry, as the panel asked). Several dates are shown side by
    side, so a year-on-year change per band is visible. With no `indicator`, the frame's
    only one is drawn.
    """
    if by not in ("age_band", "age_at_entry_band"):
        raise ValueError(f"by_age draws age_band or age_at_entry_band, not {by!r}")
    ind = _drawn(frame, indicator, catalogue)
    df = _rows_for(frame, ind)
    if by not in df.columns:
        raise ValueError(
            f"The frame has no {by!r} column: compute it with by={by!r}, e.g. "
            f"sc.compute({ind.id!r}, ds, at=..., by={by!r})."
        )
    _check_size(df, "by_age")
    fmt = _fmt(ind)
    withheld = _withheld_note(df)
    bounds = _lower_bounds_text(df, by)
    unsupported = _unsupported_text(df)  # 'n/a' bars: the year the data cannot support
    df = df.assign(label=_at_least(_value_labels(df, ind), _lower_bounds(df)))
    df = df[["period_end", by, "numerator", "denominator", "value", "label"]].copy()
    df["label_y"] = df["value"].fillna(0.0)
    df["shown"] = _shown(df["value"], ind)
    df[by] = df[by].map(_label)
    df["period_end"] = _as_dates(df["period_end"])
    df["date"] = df["period_end"].dt.strftime("%d %b %Y")
    order = _order(df[by], [*AGE_BANDS, "Unknown"])
    dates = list(dict.fromkeys(df.sort_values("period_end")["date"]))
    x = alt.X(f"{by}:N", sort=order, title=BREAKDOWN_TITLES[by], axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=_y_title(ind), scale=alt.Scale(zero=True))
    tooltip = [
        alt.Tooltip(f"{by}:N", title=BREAKDOWN_TITLES[by]),
        alt.Tooltip("date:N", title="At"),
        alt.Tooltip("shown:Q", title="Value", format=fmt),
        alt.Tooltip("denominator:Q", title="Children (denominator)", format=",.0f"),
    ]
    if len(dates) > 1:
        colour = alt.Color("date:N", sort=dates, title="At", scale=alt.Scale(range=PALETTE))
        base = alt.Chart(df).encode(
            x=x, y=y, xOffset=alt.XOffset("date:N", sort=dates), tooltip=tooltip
        )
        bars = base.mark_bar().encode(color=colour)
        # upright labels above bars side by side would run into each other: turned
        labels = base.mark_text(
            angle=270, align="left", baseline="middle", dx=4, fontSize=11
        ).encode(y=alt.Y("label_y:Q"), text="label:N")
        listed = " and ".join(dates) if len(dates) <= 3 else f"{dates[0]} to {dates[-1]}"
        sub = f"One bar per reference date: {listed}."
    else:
        base = alt.Chart(df).encode(x=x, y=y, tooltip=tooltip)
        bars = base.mark_bar(color=PALETTE[0])
        labels = base.mark_text(dy=-6, baseline="bottom", fontSize=12).encode(
            y=alt.Y("label_y:Q"), text="label:N"
        )
        sub = f"At {dates[0]}."
    what = "by age at entry to care" if by == "age_at_entry_band" else "by age band"
    return alt.LayerChart(
        layer=[bars, labels],
        title=alt.Title(
            title or f"{ind.title} {what}", subtitle=_lines(sub, withheld, unsupported, bounds)
        ),
        width=480,
        height=300,
    )


def _with_rag(df: pd.DataFrame, catalogue: Catalogue | None) -> pd.Series:
    """RAG band per row from scorecard.bands as a legend word ('Green', ..., 'No band')."""
    from . import bands

    names = {k.lower(): k for k in RAG_COLOURS}
    return bands.rag(df, catalogue=catalogue).map(names).fillna("No band").astype(object)


def by_district(
    frame: pd.DataFrame,
    indicator: str | Indicator | None = None,
    catalogue: Catalogue | None = None,
    *,
    colour_by_rag: bool = True,
    title: str | None = None,
) -> alt.LayerChart:
    """Horizontal bars by district at the latest date in the frame, best at the top,
    coloured by RAG band when the indicator has thresholds. With no `indicator`, the frame's
    only one is drawn."""
    ind = _drawn(frame, indicator, catalogue)
    df = _rows_for(frame, ind)
    if "district" not in df.columns:
        raise ValueError(
            f"The frame has no 'district' column: compute it with by='district', e.g. "
            f"sc.compute({ind.id!r}, ds, at=..., by='district')."
        )
    _check_size(df, "by_district")
    df["period_end"] = _as_dates(df["period_end"])
    df = df.loc[df["period_end"] == df["period_end"].max()].copy()
    withheld = _withheld_note(df)
    df = df.assign(label=_value_labels(df, ind))
    df = df[["indicator", "period_end", "district", "numerator", "denominator", "value", "label"]]
    df["label_x"] = df["value"].fillna(0.0)
    df["shown"] = _shown(df["value"], ind)
    df["indicator"] = ind.id
    df["district"] = df["district"].map(_label)
    ascending = ind.polarity == "low_is_good"
    df = df.sort_values("value", ascending=ascending, na_position="last").reset_index(drop=True)
    order = list(df["district"])
    fmt = _fmt(ind)
    bands = _with_rag(df, catalogue) if colour_by_rag and ind.polarity != "neutral" else None
    x = alt.X("value:Q", title=_y_title(ind), scale=alt.Scale(zero=True))
    # the base under each district's name: the children the bar stands on
    df["base"] = [_base_label(ind.unit, n, d) for n, d in zip(df["numerator"], df["denominator"])]
    bases = dict(zip(df["district"], df["base"]))
    expr = "[datum.value, " + _js_lookup(bases) + "[datum.value] || '']"
    y = alt.Y(
        "district:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=220, labelExpr=expr, labelFontSize=12, labelLineHeight=14),
    )
    tooltip = [
        alt.Tooltip("district:N", title="District"),
        alt.Tooltip("shown:Q", title="Value", format=fmt),
        alt.Tooltip("numerator:Q", title="Numerator", format=",.0f"),
        alt.Tooltip("denominator:Q", title="Denominator", format=",.0f"),
    ]
    if bands is not None:
        df["band"] = bands
        present = [b for b in [*RAG_COLOURS, "No band"] if b in set(df["band"])]
        colours = {**RAG_COLOURS, "No band": MUTED}
        colour = alt.Color(
            "band:N",
            title="RAG band",
            scale=alt.Scale(domain=present, range=[colours[b] for b in present]),
        )
        bars = alt.Chart(df).mark_bar().encode(x=x, y=y, color=colour, tooltip=[*tooltip, "band:N"])
    else:
        bars = alt.Chart(df).mark_bar(color=PALETTE[0]).encode(x=x, y=y, tooltip=tooltip)
    labels = (
        alt.Chart(df)
        .mark_text(align="left", dx=4, fontSize=12)
        .encode(x=alt.X("label_x:Q"), y=y, text="label:N")
    )
    layers: list[alt.Chart] = [bars, labels]
    th = _thresholds_by_date(ind, [df["period_end"].iloc[0]]) if len(df) else None
    if th is not None and th["target"].notna().any():
        rule = pd.DataFrame({"target": th["target"], "label": ["Target"]})
        layers.append(
            alt.Chart(rule).mark_rule(strokeDash=[6, 4], color="#333333").encode(x="target:Q")
        )
    at = df["period_end"].iloc[0].strftime("%d %b %Y") if len(df) else ""
    sub = f"At {at}. Dashed line: target." if len(layers) == 3 else f"At {at}."
    return alt.LayerChart(
        layer=layers,
        title=alt.Title(title or f"{ind.title} by district", subtitle=_lines(sub, withheld)),
        width=480,
        height=alt.Step(34),
    )


def _base_label(unit: str, numerator: object, denominator: object) -> str:
    """'15 / 120', 'n = 120' (averages) or '' (counts), as on the card."""
    from .report.fmt import base_text

    return base_text(unit, numerator, denominator)


def _js_lookup(mapping: dict[str, str]) -> str:
    """A Vega expression object literal {'name': 'text', ...} (quotes escaped)."""
    import json

    return json.dumps({str(k): str(v) for k, v in mapping.items()})


def _benchmark_rows(benchmarks: pd.DataFrame, ind: Indicator, year: object) -> pd.DataFrame:
    """One row per local authority for `ind` in `year`, in our unit (England, the regions
    and codes 970 and over dropped, as LAIT does)."""
    keys = {ind.id}
    if ind.benchmark and ind.benchmark.lait:
        keys.add(ind.benchmark.lait)
    names = benchmarks["indicator"]  # text already in a loaded panel: no copy of 641k rows
    if not pd.api.types.is_string_dtype(names):
        names = names.astype("string")
    df = benchmarks.loc[names.isin(keys)]
    if df.empty:
        raise ValueError(f"The benchmark panel has no rows for {ind.id!r}.")
    written = df["year"].astype("string")
    # the year as the panel holds it, or as the card writes it ('2024-25' for 2025)
    end = published_year_end(year)
    df = df.loc[(written == str(year)) | ((written == str(end)) if end else False)]
    if df.empty:
        years = sorted(benchmarks["year"].astype("string").dropna().unique())
        raise ValueError(
            f"The benchmark panel has no {ind.id!r} rows for {year!r}; years: {', '.join(years)}"
        )
    code = df["la_code"].astype("string")
    keep = code.str.fullmatch(r"\d{3}").fillna(False) & (pd.to_numeric(code, errors="coerce") < 970)
    if "level" in df.columns:
        keep &= df["level"].astype("string").fillna("") == "Local authority"
    df = df.loc[keep].copy()
    df["la_code"] = df["la_code"].astype("string")
    scale = ind.benchmark.scale if ind.benchmark else 1.0
    df["value"] = pd.to_numeric(df["value"], errors="coerce") * scale
    return df.drop_duplicates("la_code")


def _quartiles(values: pd.Series) -> tuple[float, float, float]:
    """q1, median, q3 of the LAs' values as LAIT (and `scorecard.benchmark.compare`) compute
    them: R type 7, numpy's 'linear', missing values dropped."""
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype="float64")
    q1, q2, q3 = np.quantile(v, [0.25, 0.5, 0.75], method="linear")
    return float(q1), float(q2), float(q3)


def benchmark(
    benchmarks: pd.DataFrame,
    indicator: str | Indicator,
    la: str,
    year: object,
    neighbours: pd.DataFrame | None = None,
    catalogue: Catalogue | None = None,
    *,
    title: str | None = None,
) -> alt.LayerChart:
    """Every local authority's value in `year` as bars sorted best to worst, with our LA and
    its statistical neighbours highlighted and the LAIT quartile lines (q1, median, q3).

    `benchmarks` is the long panel from `scorecard.benchmark.load_benchmarks`; `neighbours`
    the list from `load_neighbours` (la_code, neighbour_code, ...). `la` as `compare` takes
    it (886, 'E10000016', 'Kent'); `year` as the card writes it (2025, '2024-25', '2024/25').
    """
    ind = _indicator(indicator, catalogue)
    if ind.unit == "count":
        raise ValueError(
            f"{ind.id} is a count: counts are not set beside other authorities' counts (their "
            "sizes differ); chart a rate instead, such as cla_rate_per_10k."
        )
    from .la_lookup import benchmark_lookup_code

    df = _benchmark_rows(benchmarks, ind, year)
    la = benchmark_lookup_code(la, benchmarks)
    if la not in set(df["la_code"]):
        raise ValueError(f"LA {la!r} is not in the {ind.id!r} benchmark rows for {year}.")
    sn: set[str] = set()
    if neighbours is not None and len(neighbours):
        mine = neighbours.loc[neighbours["la_code"].astype("string") == la]
        sn = set(mine["neighbour_code"].astype("string"))
    df = df.loc[df["value"].notna()].copy()
    _check_size(df, "benchmark")
    df["value"] = df["value"].astype("float64")
    ours = df.loc[df["la_code"] == la, "la_name"].iloc[0] if (df["la_code"] == la).any() else la
    df["group"] = np.where(
        df["la_code"] == la,
        str(ours),
        np.where(df["la_code"].isin(sn), "Statistical neighbour", "Other authorities"),
    )
    ascending = ind.polarity != "high_is_good"  # best first, on the left
    order_words = "lowest to highest" if ind.polarity == "neutral" else "best to worst"
    df = df.sort_values(["value", "la_name"], ascending=[ascending, True]).reset_index(drop=True)
    df["position"] = np.arange(1, len(df) + 1)
    df["shown"] = _shown(df["value"], ind)
    q1, q2, q3 = _quartiles(df["value"])
    fmt = _fmt(ind)
    groups = [str(ours), "Statistical neighbour", "Other authorities"]
    colour = alt.Color(
        "group:N",
        title=None,
        scale=alt.Scale(domain=groups, range=[PALETTE[5], PALETTE[0], MUTED]),
        legend=alt.Legend(orient="bottom"),
    )
    x = alt.X(
        "position:O",
        title=f"Local authorities, {order_words} ({len(df)} with a value)",
        axis=alt.Axis(labels=False, ticks=False, grid=False),
    )
    y = alt.Y("value:Q", title=_y_title(ind), scale=alt.Scale(zero=True))
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip("la_name:N", title="Authority"),
                alt.Tooltip("la_code:N", title="LA code"),
                alt.Tooltip("shown:Q", title="Value", format=fmt),
                alt.Tooltip("position:O", title="Position"),
            ],
        )
    )
    # labelled as the card writes published figures: rounded half up, with the decimals
    # they were published with (LAIT's 12, not 12.0, beside the page's 'Ours 2024-25: 12%')
    from .report.fmt import format_number, format_published, published_decimals

    lines = pd.DataFrame(
        {
            "value": [q1, q2, q3],
            "label": [
                f"{name} {format_number(q, published_decimals(q, ind.decimals))}"
                for name, q in zip(("Q1", "Median", "Q3"), (q1, q2, q3), strict=True)
            ],
        }
    )
    rules = alt.Chart(lines).mark_rule(strokeDash=[4, 3], color="#333333").encode(y="value:Q")
    step = max(4.0, 480 / max(len(df), 1))  # bars at least 4px; a few LAs still fill the width
    width_px = step * len(df)
    rule_text = (
        alt.Chart(lines)
        .mark_text(align="left", fontSize=11, color="#333333")
        .encode(y="value:Q", text="label:N", x=alt.value(width_px + 6))
    )
    ours_row = df.loc[df["la_code"] == la]
    ours_row = ours_row.assign(
        published=[format_published(v, ind.unit, ind.decimals) for v in ours_row["value"]]
    )
    label = (
        alt.Chart(ours_row)
        .mark_text(dy=-8, baseline="bottom", fontWeight="bold", fontSize=12, color=PALETTE[5])
        .encode(x=x, y=y, text="published:N")
    )
    better = {"high_is_good": "higher is better", "low_is_good": "lower is better"}.get(
        ind.polarity, "neither higher nor lower is better"
    )
    sub = (
        f"Published {published_year_label(year, ind.academic_year)}, all local authorities in "
        f"England ({better}). "
        "Dashed lines: quartiles (Q1, median, Q3)."
    )
    return alt.LayerChart(
        layer=[bars, rules, rule_text, label],
        title=alt.Title(title or ind.title, subtitle=sub),
        width=alt.Step(step),
        height=300,
    )


# ---------------------------------------------------------------- output


def _vl_version() -> str | None:
    """The Vega-Lite version Altair writes ('6.4'), if vl-convert supports it."""
    import vl_convert as vlc

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vlc.get_vegalite_versions() else None


def render(chart: alt.TopLevelMixin, fmt: str, *, scale: float = 2.0) -> bytes:
    """The chart as PNG, SVG or self-contained HTML bytes (vl-convert; no browser, no CDN).

    The spec goes straight to vl-convert (Altair's schema validation is skipped here: it
    doubles the time of a build that draws dozens of charts; tests validate every chart).
    """
    import vl_convert as vlc

    fmt = fmt.lower().lstrip(".")
    if fmt not in ("png", "svg", "html"):
        raise ValueError(f"Cannot save a chart as {fmt!r}: use .png, .svg or .html")
    version = _vl_version()
    if version is None:  # pragma: no cover - a vl-convert older than Altair's Vega-Lite
        return _render_with_altair(chart, fmt, scale)
    spec = chart.to_dict(validate=False)
    if fmt == "png":
        return vlc.vegalite_to_png(spec, vl_version=version, scale=scale)
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec, vl_version=version).encode("utf-8")
    return vlc.vegalite_to_html(spec, vl_version=version, bundle=True).encode("utf-8")


def png_job(chart: alt.TopLevelMixin) -> tuple[dict, str] | None:
    """The spec and Vega-Lite version `render` would hand vl-convert for a PNG (for drawing
    it elsewhere: `scorecard.pngs`); None when vl-convert does not know Altair's version."""
    version = _vl_version()
    return None if version is None else (chart.to_dict(validate=False), version)


def _render_with_altair(chart: alt.TopLevelMixin, fmt: str, scale: float) -> bytes:
    if fmt == "png":
        bbuf = io.BytesIO()
        chart.save(bbuf, format="png", scale_factor=scale)
        return bbuf.getvalue()
    buf = io.StringIO()
    chart.save(buf, format=fmt, inline=True) if fmt == "html" else chart.save(buf, format=fmt)
    return buf.getvalue().encode("utf-8")


def save(chart: alt.TopLevelMixin, path: str | Path, *, scale: float = 2.0) -> Path:
    """Save a chart as PNG, SVG or self-contained HTML, chosen by the file's suffix."""
    p = Path(path)
    return write(p, render(chart, p.suffix, scale=scale))
