"""The pipeline: files to a Dataset (SPEC section 3), one stage after another.

find (which file holds which table) -> read (the format) -> name and coerce the columns ->
validate (pandera models) -> check quality; every stage adds to one report.

Errors stop loading with ONE `DataValidationError` listing every problem; warnings go into
`Dataset.quality`. `check_dataset(path)` returns the full report without raising (for the
CLI's `validate` command).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset import TABLES, Dataset
from .coerce import coerce
from .find import collect
from .quality import dataset_warnings
from .read import RawTable
from .report import DataValidationError, concat, finalise, note
from .validate import schema_issues


def _build(raws: list[RawTable], notes: list[pd.DataFrame], validate: bool):
    """Coerce, validate and check the raw tables: (tables, files, report)."""
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    rows: dict[str, np.ndarray] = {}
    found: list[pd.DataFrame] = list(notes)
    for raw in raws:
        frame, problems = coerce(raw)
        found += problems
        tables[raw.table], files[raw.table], rows[raw.table] = frame, raw.file, raw.rows
        if validate:
            found.append(schema_issues(raw.table, frame, raw.file, raw.rows))
    if validate:
        found.append(dataset_warnings(tables, files, rows))
    report = finalise(concat(found))
    return tables, files, report


def _finish(
    raws: list[RawTable], notes: list[pd.DataFrame], source: str | None, validate: bool
) -> Dataset:
    tables, files, report = _build(raws, notes, validate)
    if validate and (report["severity"] == "error").any():
        raise DataValidationError(report, source)
    return Dataset(tables, report.reset_index(drop=True), files, source)


def _memory_raws(tables: Mapping[str, pd.DataFrame]) -> list[RawTable]:
    raws = []
    for name, frame in tables.items():
        if name not in TABLES:
            raise KeyError(f"Unknown table {name!r}; tables are: {', '.join(TABLES)}.")
        index = frame.index
        labels = index.to_numpy() if pd.api.types.is_integer_dtype(index) else np.arange(len(frame))
        raws.append(RawTable(name, f"<memory:{name}>", frame.reset_index(drop=True), labels))
    return raws


def dataset_from_frames(
    tables: Mapping[str, pd.DataFrame], source: str | None = None, *, validate: bool = True
) -> Dataset:
    """A Dataset from in-memory frames, coerced and validated like files (`<memory:table>`).

    Blank values may be None, NaN or ''; dates may be strings ('01/04/2024', '2024-04-01')
    or datetimes.
    """
    return _finish(_memory_raws(tables), [], source, validate)


def bundled_sample_path() -> Path:
    """Folder of the bundled synthetic sample: the package's `_sample` (installed wheel),
    else the repository's `data/sample/`."""
    try:
        packaged = resources.files("scorecard").joinpath("_sample")
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "data" / "sample"


def _folder(path: str | Path | None) -> Path:
    folder = Path(path) if path is not None else bundled_sample_path()
    if not folder.exists():
        raise FileNotFoundError(f"No data folder at {folder}.")
    if not folder.is_dir():
        raise NotADirectoryError(
            f"{folder} is a file; give the folder that holds one file per table."
        )
    return folder


def load_dataset(path: str | Path | None = None, *, validate: bool = True) -> Dataset:
    """Read and validate a folder of tables (SPEC section 3); no argument: the bundled sample.

    Raises `DataValidationError` listing every error in every file. Warnings and notes are
    in `Dataset.quality`. `validate=False` only coerces (no checks, nothing raised).
    """
    folder = _folder(path)
    raws, notes = collect(folder)
    return _finish(raws, notes, str(folder), validate)


def check_dataset(path: str | Path | None = None) -> pd.DataFrame:
    """The full report (errors, warnings, notes) of a data folder, without raising."""
    try:
        folder = _folder(path)
    except OSError as exc:
        return finalise(note("error", str(path), str(exc), "Check the folder path."))
    raws, notes = collect(folder)
    return _build(raws, notes, True)[2]
