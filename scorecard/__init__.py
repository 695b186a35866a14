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
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Every name is resolved on first use, so that `import scorecard` costs next to nothing (no
# pandas, pandera, charts or reports) and each part is imported when it is first asked for.
_LAZY = {
    "BreakdownError": "scorecard.breakdowns",
    "Catalogue": "scorecard.catalogue",
    "CatalogueError": "scorecard.catalogue",
    "Indicator": "scorecard.catalogue",
    "load_catalogue": "scorecard.catalogue",
    "Dataset": "scorecard.dataset",
    "MissingTableError": "scorecard.dataset",
    "UnavailableError": "scorecard.engine",
    "compute": "scorecard.engine",
    "compute_many": "scorecard.engine",
    "left_out": "scorecard.engine",
    "units": "scorecard.engine",
    "warned": "scorecard.engine",
    "DataValidationError": "scorecard.inputs",
    "check_dataset": "scorecard.inputs",
    "load_dataset": "scorecard.inputs",
    "ReferenceDateError": "scorecard.periods",
    "quarter_end": "scorecard.periods",
    "quarter_ends": "scorecard.periods",
    "quarter_label": "scorecard.periods",
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
    "periods": "scorecard.periods",
}
_MODULES = {"charts", "periods"}  # names that are modules themselves

if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from . import charts, periods
    from .bands import direction_of_travel, rag
    from .benchmark import (
        benchmark_panel,
        catalogue_benchmarks,
        compare,
        ees_series,
        load_benchmarks,
        load_neighbours,
        resolve_la,
    )
    from .breakdowns import BreakdownError
    from .catalogue import Catalogue, CatalogueError, Indicator, load_catalogue
    from .dataset import Dataset, MissingTableError
    from .engine import UnavailableError, compute, compute_many, left_out, units, warned
    from .inputs import DataValidationError, check_dataset, load_dataset
    from .periods import ReferenceDateError, quarter_end, quarter_ends, quarter_label
    from .report import build_scorecard


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = import_module(_LAZY[name])
        value = module if name in _MODULES else getattr(module, name)
        globals()[name] = value  # found once; later lookups are plain attributes
        return value
    raise AttributeError(f"module 'scorecard' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
    "periods",
    "quarter_end",
    "quarter_ends",
    "quarter_label",
    "rag",
    "resolve_la",
    "units",
    "warned",
]
