"""The benchmark comparison summary: the columns of `scorecard.benchmark.compare` an analyst
reads first, shared by the `scorecard benchmark` command and the benchmarking notebook."""

from __future__ import annotations

import pandas as pd

from .scorecard import COMPARATOR_COLUMNS

SUMMARY_COLUMNS = [
    "indicator",
    "catalogue_id",
    "la_value",
    *COMPARATOR_COLUMNS,
    "best_neighbour",
    "gap_to_best_neighbour",
]


def comparison_summary(table: pd.DataFrame) -> pd.DataFrame:
    """The summary columns of a `compare` table, in reading order (those it has)."""
    return table[[c for c in SUMMARY_COLUMNS if c in table.columns]]
