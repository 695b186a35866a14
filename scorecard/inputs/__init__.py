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

Imports read one way: `load` uses the stages; the stages use `report`, `columns` and
`scorecard.dataset` with `scorecard.tables` (the contract with the engine), never `load`.
"""

from .load import bundled_sample_path, check, check_dataset, dataset_from_frames, load_dataset
from .report import QUALITY_COLUMNS, DataValidationError, format_issue, grouped_lines

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
