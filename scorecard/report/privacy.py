"""Small-number suppression for published scorecards (SPEC section 10).

DfE-style rule: a count of 1 to `threshold` children (default 5) is shown as 'c', and any
value computed from a suppressed count is withheld too. Indicators whose numerator is not a
count of children (`publish_counts: false`: days in care, caseload ratios) are suppressed
only when their denominator is small. Zero is not suppressed. Suppression is applied before
anything is written, to every quarter of the trend as well as the current one.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .fmt import SUPPRESSED


def small(counts: pd.Series, threshold: int) -> pd.Series:
    """True where a count lies in 1..threshold (missing counts are never small)."""
    c = pd.to_numeric(counts, errors="coerce")
    return ((c >= 1) & (c <= threshold)).fillna(False).astype(bool)


def implied_count(frame: pd.DataFrame, units: pd.Series | None) -> pd.Series:
    """The count of children behind each row: for a percentage, value x denominator / 100
    (which does not rely on how a measure scales its numerator), else the numerator."""
    num = pd.to_numeric(frame["numerator"], errors="coerce")
    if units is None:
        return num
    value = pd.to_numeric(frame["value"], errors="coerce")
    den = pd.to_numeric(frame["denominator"], errors="coerce")
    pct = (np.asarray(units, dtype=object) == "percent") & value.notna().to_numpy()
    pct &= den.notna().to_numpy()
    implied = (value * den / 100.0).round()
    return num.where(~pct, implied)


def suppression_mask(
    frame: pd.DataFrame,
    publish_counts: pd.Series,
    threshold: int,
    units: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Which numerators, denominators and values to withhold, row by row.

    `frame` has `numerator`, `denominator`, `value`; `publish_counts` is aligned with it (True
    when the numerator is a count of children); `units` (optional, aligned) lets a percentage
    be judged by the count of children it implies.
    """
    counts = publish_counts.astype(bool).to_numpy()
    num_small = small(implied_count(frame, units), threshold).to_numpy() & counts
    den_small = small(frame["denominator"], threshold).to_numpy()
    value = num_small | den_small
    # a numerator that is not a count (days, weighted cases) is withheld with its small
    # denominator, since the two together give the value back
    num = num_small | (den_small & ~counts)
    # a count numerator under a withheld denominator is at most the denominator: withhold it
    num = num | (den_small & counts & frame["numerator"].notna().to_numpy())
    idx = frame.index
    return pd.Series(num, idx), pd.Series(den_small, idx), pd.Series(value, idx)


def apply_suppression(
    frame: pd.DataFrame,
    publish_counts: pd.Series,
    threshold: int,
    extra_columns: tuple[str, ...] = (),
    units: pd.Series | None = None,
) -> pd.DataFrame:
    """A copy of `frame` with withheld cells replaced by 'c' and a `suppressed` flag column.

    `extra_columns` (e.g. changes) are withheld wherever the value is.
    """
    if threshold < 1:
        out = frame.copy()
        out["suppressed"] = False
        return out
    num, den, val = suppression_mask(frame, publish_counts, threshold, units)
    out = frame.copy()
    for col, mask in (("numerator", num), ("denominator", den), ("value", val)):
        out[col] = _withhold(out[col], mask)
    for col in extra_columns:
        if col in out:
            out[col] = _withhold(out[col], val)
    out["suppressed"] = val.to_numpy()
    return out


def _withhold(series: pd.Series, mask: pd.Series) -> pd.Series:
    """`series` as objects with 'c' where `mask` (NaN stays NaN where not masked)."""
    values = series.astype(object).to_numpy(copy=True)
    values[np.asarray(mask, dtype=bool)] = SUPPRESSED
    return pd.Series(values, index=series.index, dtype=object, name=series.name)


_WHOLE_NUMBER = re.compile(r"(?<![\d/.,:])\d[\d,]*(?![\d/.,:]*\d)")


def suppress_text(text: object, threshold: int) -> object:
    """A caveat or note with every whole number of 1..threshold written as 'c' ('lower bound
    for 3 of 760 children' -> 'lower bound for c of 760 children'); dates and decimals are
    left alone. Anything that is not text is returned as it is."""
    if not isinstance(text, str) or threshold < 1:
        return text

    def swap(m: re.Match[str]) -> str:
        n = int(m.group(0).replace(",", ""))
        return SUPPRESSED if 1 <= n <= threshold else m.group(0)

    return _WHOLE_NUMBER.sub(swap, text)


def suppress_left_out(frame: pd.DataFrame | None, threshold: int) -> pd.DataFrame | None:
    """Counts of rows left out, 1..threshold shown as 'c' (they may be a handful of children)."""
    if frame is None or threshold < 1:
        return frame
    out = frame.copy()
    rows = pd.to_numeric(out["rows"], errors="coerce")
    out["rows"] = _withhold(out["rows"], small(rows, threshold))
    return out


def suppress_districts(
    frame: pd.DataFrame | None, catalogue: Any, threshold: int
) -> pd.DataFrame | None:
    """The district view with the same rule as the scorecard rows: small counts, the values
    built on them and their RAG band withheld."""
    if frame is None or not len(frame):
        return frame
    ids = frame["indicator"].astype(str)
    counts = ids.map(lambda i: catalogue.get(i).publish_counts)
    units = ids.map(lambda i: catalogue.get(i).unit)
    out = apply_suppression(
        frame.drop(columns="suppressed", errors="ignore"), counts, threshold, units=units
    )
    out["rag"] = out["rag"].astype(object).where(~out["suppressed"], None)
    return out
