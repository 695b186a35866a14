"""Loading council data: the stages a file goes through, one module each.

    find      which file of a folder holds which table and year (names, subfolders, headers)
    read      the formats (CSV, Parquet, XLSX sheets) to raw tables with the analyst's rows
    xml       SSDA903 and CIN census XML, streamed safely, each row with its element's line
    columns   the DfE column names, aliases and kinds
    coerce    every column to the dtype contract (dates as councils write them)
    returns   each return's collection year; yearly returns stitched into one history
    schemas   the pandera models;  validate  runs them
    words     codes written as words (SEX 'Male') read as the code of the row's year
    flat      the header read from an episodes file carrying SEX and DOB, where none is
    quality   checks that warn without stopping
    coverage  the dates each table covers
    keys      integer row keys shared by quality and stitching
    report    the one report every stage adds to, and DataValidationError
    load      the pipeline: load_dataset, check_dataset, dataset_from_frames
    ahead     Parquet tables read in a thread while the loaders import

Imports read one way: `load` uses the stages; the stages use `report`, `columns` and
`scorecard.dataset` with `scorecard.tables` (the contract with the engine), never `load`.
The package itself imports nothing heavy: its names are found on first use, and
`load_dataset` starts reading the folder's Parquet tables (`ahead`, which needs Arrow alone)
before it imports the loaders, so that the reading and the imports share the machine's cores.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ahead

if TYPE_CHECKING:
    from ..dataset import Dataset
    from .load import bundled_sample_path, check, check_dataset, dataset_from_frames
    from .report import QUALITY_COLUMNS, DataValidationError, format_issue, grouped_lines

# names found in their module on first use (importing `load` imports pandas and pandera)
_LAZY = {
    "bundled_sample_path": "load",
    "check": "load",
    "check_dataset": "load",
    "dataset_from_frames": "load",
    "QUALITY_COLUMNS": "report",
    "DataValidationError": "report",
    "format_issue": "report",
    "grouped_lines": "report",
}


def load_dataset(
    path: str | Path | None = None,
    *,
    strict: bool = False,
    validate: bool = True,
    coverage: tuple[object, object] | None = None,
) -> Dataset:
    """Read a folder of tables or yearly returns (SPEC section 3); no argument: the bundled
    sample.

    Lenient by default: every problem is in `Dataset.quality` (errors, warnings, notes), the
    cells that failed a rule in `Dataset.unusable`, and a table that cannot be used at all is
    left out; nothing raises. `strict=True` raises one `DataValidationError` listing every
    error in every file. `validate=False` only reads and coerces (no content checks; a table
    missing a required column is still left out, so nothing downstream meets a KeyError).
    `coverage=(start, end)` states the dates the data covers, for every table; otherwise it
    is inferred (see `scorecard.inputs.coverage`).
    """
    with ahead.reading(path):  # while the loaders import
        from .load import load_folder

        return load_folder(path, strict=strict, validate=validate, coverage=coverage)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value  # found once; later lookups are plain attributes
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "QUALITY_COLUMNS",
    "DataValidationError",
    "bundled_sample_path",
    "check",
    "check_dataset",
    "dataset_from_frames",
    "format_issue",
    "grouped_lines",
    "load_dataset",
]
