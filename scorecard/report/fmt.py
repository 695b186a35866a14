"""Number formatting shared by the HTML and Excel scorecards, so both show the same figure.

Values are held in the indicator's own unit (a percent as 12.3, not 0.123); a withheld
value is the string 'c' and is shown as such. A figure is rounded half up on its decimal
value, as DfE's LAIT and Excel show it (`bands.shown_decimal`): 20.45 is shown 20.5.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ..bands import shown_decimal

if TYPE_CHECKING:
    from ..catalogue import Indicator
    from .scorecard import Scorecard

SUPPRESSED = "c"
# said after 'none' in a summary list when some figures are withheld
SHOWN_ONLY = " among the figures shown"
# the card's list of the data's warnings, which the figures they touch point to
WARNINGS_HEADING = "Warnings in the data"

UNIT_SUFFIX = {
    "percent": "%",
    "count": "",
    "days": " days",
    "rate_per_10k": " per 10k",
    "ratio": "",
    "points": " pts",
}

UNIT_LABEL = {
    "percent": "percent",
    "count": "number",
    "days": "days",
    "rate_per_10k": "per 10,000 children",
    "ratio": "ratio",
    "points": "points",
}


def is_missing(value: object) -> bool:
    """True for None, NaN and pandas NA (not for the suppression mark 'c')."""
    if value is None:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return value is _na()


def is_withheld(value: object) -> bool:
    """True for the suppression mark 'c' of a publication version."""
    return isinstance(value, str) and value == SUPPRESSED


def _na() -> object:
    import pandas as pd

    return pd.NA


def format_number(value: object, decimals: int = 0) -> str:
    """A number with thousands separators and `decimals` places, rounded half up as LAIT
    shows it (20.45 is 20.5); '' when missing, 'c' kept."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return ""
    return f"{shown_decimal(value, decimals):,.{decimals}f}"  # type: ignore[arg-type]


def format_value(value: object, unit: str, decimals: int = 0, with_unit: bool = True) -> str:
    """A value in its unit, e.g. 12.3%, 412 days, 65 per 10k; 'c' when withheld."""
    text = format_number(value, decimals)
    if not text or text == SUPPRESSED or not with_unit:
        return text
    return text + UNIT_SUFFIX.get(unit, "")


def published_decimals(value: object, decimals: int) -> int:
    """The decimals a published figure was given, up to `decimals`: LAIT publishes 72 (not
    72.0) for a percentage, and 72.0% beside our 71.7% would claim a precision it lacks."""
    if isinstance(value, str) or is_missing(value):
        return decimals
    v = float(value)  # type: ignore[arg-type]
    return next((d for d in range(decimals) if abs(round(v, d) - v) < 1e-9), decimals)


def format_published(value: object, unit: str, decimals: int = 0) -> str:
    """A published figure in its unit, with the decimals it was published with."""
    return format_value(value, unit, published_decimals(value, decimals))


def format_change(value: object, unit: str, decimals: int = 0) -> str:
    """A signed change: +1.2 pts for a percentage, -30 days, 0 for none."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return ""
    shown = shown_decimal(value, decimals)  # type: ignore[arg-type]
    suffix = {"percent": " pts", "points": " pts", "days": " days", "rate_per_10k": " per 10k"}
    suffix = suffix.get(unit, "")
    if shown.is_zero():
        return f"0{suffix}"
    return f"{shown:+,.{decimals}f}{suffix}"


def sn_band_rule(ind: Indicator, average: str = "the statistical neighbours' average") -> str:
    """How a benchmark-mode indicator is banded, in words (the page's definitions and the
    trend chart's subtitle say it alike): 'green at or better than the statistical
    neighbours' average, amber up to 2.0 pts worse, else red'."""
    tolerance = ind.rag.tolerance if ind.rag else 0.0
    worse = format_change(tolerance, ind.unit, ind.decimals).lstrip("+")
    amber = f"amber up to {worse} worse, else red" if tolerance else "else red"
    return f"green at or better than {average}, {amber}"


def excel_number_format(unit: str, decimals: int = 0) -> str:
    """An Excel number format for the unit (the value stays a real number in the cell)."""
    base = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    if unit == "percent":
        return base + '"%"'
    if unit == "days":
        return base + '" days"'
    return base


def base_text(unit: str, numerator: object, denominator: object, weighted: bool = False) -> str:
    """What a reader checks a value against: number / base for a percentage or rate, the
    cohort size for a mean or median ('n = 760': a sum of days or points means nothing to a
    reader), cases / FTE for a caseload ('1,784 cases / 30.0 FTE': cases, so that they are
    not read as the children looked after; `weighted`: '2,213.5 weighted cases', as they are
    not a count of cases either); nothing for a count."""
    num = format_number(numerator, 0)
    if unit == "count":
        return ""
    if unit in ("days", "points"):
        den = format_number(denominator, 0)
        return f"n = {den}" if den else ""
    if unit == "ratio":
        den = format_number(denominator, 1)
        if weighted and num and not isinstance(numerator, str):
            whole = float(numerator) == round(float(numerator))  # type: ignore[arg-type]
            num = format_number(numerator, 0 if whole else 1)
        cases = "weighted cases" if weighted else "cases"
        return f"{num} {cases} / {den} FTE" if num and den else ""
    den = format_number(denominator, 0)
    return f"{num} / {den}" if num and den else num


def is_weighted(indicator: Indicator) -> bool:
    """True for a caseload that counts some cases at a weight (`cp_weight` above 0)."""
    return float(indicator.params.get("cp_weight") or 0) > 0


def year_label(date: object) -> str:
    """The year an annual figure at `date` belongs to: the one whose 31 March falls in the
    12 months ending at `date` ('2024/25' at 31 March 2025 and at 30 June 2025)."""
    d = pd.Timestamp(date)
    end = d.year if (d.month, d.day) >= (3, 31) else d.year - 1
    return f"{end - 1}/{end % 100:02d}"


def trend_labels(sc: Scorecard, indicator: str, n: int) -> list[str]:
    """Labels of a row's `n` trend points, oldest first: quarters, or years for an annual
    indicator (whose trend holds one point a year)."""
    if sc.catalogue.get(indicator).frequency == "annual":
        return [year_label(sc.period_end - pd.DateOffset(months=12 * k)) for k in range(n)][::-1]
    from ..periods import quarter_label

    ends = list(sc.quarter_ends)[-n:] if n else []
    month_end = all(e == e + pd.offsets.MonthEnd(0) and e.month % 3 == 0 for e in ends)
    return [quarter_label(e) if month_end else f"{e:%d/%m/%Y}" for e in ends]
