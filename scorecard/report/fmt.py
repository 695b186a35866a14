"""Number formatting shared by the HTML and Excel scorecards, so both show the same figure.

Values are held in the indicator's own unit (a percent as 12.3, not 0.123); a withheld
value is the string 'c' and is shown as such.
"""

from __future__ import annotations

import math

SUPPRESSED = "c"

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


def _na() -> object:
    import pandas as pd

    return pd.NA


def format_number(value: object, decimals: int = 0) -> str:
    """A number with thousands separators and `decimals` places; '' when missing, 'c' kept."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return ""
    return f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]


def format_value(value: object, unit: str, decimals: int = 0, with_unit: bool = True) -> str:
    """A value in its unit, e.g. 12.3%, 412 days, 65 per 10k; 'c' when withheld."""
    text = format_number(value, decimals)
    if not text or text == SUPPRESSED or not with_unit:
        return text
    return text + UNIT_SUFFIX.get(unit, "")


def format_change(value: object, unit: str, decimals: int = 0) -> str:
    """A signed change: +1.2 pts for a percentage, -30 days, 0 for none."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return ""
    v = float(value)  # type: ignore[arg-type]
    suffix = {"percent": " pts", "days": " days"}.get(unit, "")
    if round(v, decimals) == 0:
        return f"0{suffix}"
    return f"{v:+,.{decimals}f}{suffix}"


def excel_number_format(unit: str, decimals: int = 0) -> str:
    """An Excel number format for the unit (the value stays a real number in the cell)."""
    base = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    if unit == "percent":
        return base + '"%"'
    if unit == "days":
        return base + '" days"'
    return base
