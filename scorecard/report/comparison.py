"""The benchmark comparison summary: the columns of `scorecard.benchmark.compare` an analyst
reads first, shared by the `scorecard benchmark` command and the benchmarking notebook.

Both the card and this summary take their comparator columns from `COMPARATOR_COLUMNS`; a
`compare` table names two of them differently (`COMPARE_NAMES`)."""

from __future__ import annotations

import pandas as pd

from .scorecard import COMPARATOR_COLUMNS

# card column -> `compare` column, where the names differ
COMPARE_NAMES = {"published_value": "la_value", "benchmark_year": "year"}
# placing a current value needs `compare(values=...)`; without it these columns are empty
_PLACED = ("value", "value_quartile_band", "value_rank")

_FIRST = ["indicator", "catalogue_id", "year", "la_value", "value"]
SUMMARY_COLUMNS = [
    *_FIRST,
    *(c for c in (COMPARE_NAMES.get(c, c) for c in COMPARATOR_COLUMNS) if c not in _FIRST),
    "note",
]


def comparison_summary(table: pd.DataFrame) -> pd.DataFrame:
    """The summary columns of a `compare` table, in reading order (those it has; the
    current-value columns only when values were given, the note only when there is one)."""
    empty = {c for c in (*_PLACED, "note") if c in table.columns and table[c].isna().all()}
    out = table[[c for c in SUMMARY_COLUMNS if c in table.columns and c not in empty]]
    if "year" in out.columns:  # a year, not a quantity: 2025, never 2,025
        out = out.assign(year=out["year"].astype("string"))
    return out
