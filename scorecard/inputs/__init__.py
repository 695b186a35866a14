"""Loading council data: the stages a file goes through, one module each.

    find      which file of a folder holds which table (names, headers)
    read      the formats (CSV, Parquet, XLSX) to raw tables with the rows the analyst sees
    columns   the DfE column names and kinds
    coerce    every column to the dtype contract
    schemas   the pandera models;  validate  runs them
    quality   checks that warn without stopping
    report    the one report every stage adds to, and DataValidationError
    load      the pipeline: load_dataset, check_dataset, dataset_from_frames

Imports read one way: `load` uses the stages; the stages use `report`, `columns` and
`scorecard.dataset` (the contract with the engine), never `load`.
"""

from .load import bundled_sample_path, check_dataset, dataset_from_frames, load_dataset
from .report import QUALITY_COLUMNS, DataValidationError, format_issue

__all__ = [
    "QUALITY_COLUMNS",
    "DataValidationError",
    "bundled_sample_path",
    "check_dataset",
    "dataset_from_frames",
    "format_issue",
    "load_dataset",
]
