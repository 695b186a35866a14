"""scorecard: children looked after indicators, RAG and benchmarking for English councils.

Stable API (SPEC section 12):

    import scorecard as sc
    cat = sc.load_catalogue()
    ds = sc.load_dataset()            # the bundled sample, or a folder of tables
    sc.compute("placement_stability_short", ds, at="2025-03-31")
    sc.units("placement_stability_short", ds, at="2025-03-31")   # the children behind it
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .breakdowns import BreakdownError
from .catalogue import Catalogue, CatalogueError, Indicator, load_catalogue
from .dataset import Dataset, MissingTableError
from .engine import UnavailableError, compute, compute_many, left_out, units
from .inputs import DataValidationError, check_dataset, load_dataset
from .periods import ReferenceDateError, quarter_end, quarter_label

__version__ = "0.1.0"

# Names resolved on first use, so `import scorecard` stays light (charts, reports, benchmarks).
_LAZY = {
    "load_benchmarks": "scorecard.benchmark",
    "load_neighbours": "scorecard.benchmark",
    "benchmark_panel": "scorecard.benchmark",
    "catalogue_benchmarks": "scorecard.benchmark",
    "ees_series": "scorecard.benchmark",
    "resolve_la": "scorecard.benchmark",
    "compare": "scorecard.benchmark",
    "rag": "scorecard.bands",
    "direction_of_travel": "scorecard.bands",
    "build_scorecard": "scorecard.report",
    "charts": "scorecard.charts",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = import_module(_LAZY[name])
        return module if name == "charts" else getattr(module, name)
    raise AttributeError(f"module 'scorecard' has no attribute {name!r}")


__all__ = [
    "BreakdownError",
    "Catalogue",
    "CatalogueError",
    "DataValidationError",
    "Dataset",
    "Indicator",
    "MissingTableError",
    "ReferenceDateError",
    "UnavailableError",
    "__version__",
    "benchmark_panel",
    "build_scorecard",
    "catalogue_benchmarks",
    "charts",
    "check_dataset",
    "compare",
    "compute",
    "compute_many",
    "direction_of_travel",
    "ees_series",
    "left_out",
    "load_benchmarks",
    "load_catalogue",
    "load_dataset",
    "load_neighbours",
    "quarter_end",
    "quarter_label",
    "rag",
    "resolve_la",
    "units",
]
