"""Finding the files: which file of a data folder holds which table (by its name, else by its
column headers), and notes on the files that are not read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..dataset import TABLES
from .coerce import drop_blank_rows
from .columns import tables_from_headers
from .read import RawTable, Unreadable, columns_of, read_table
from .report import note

TABLE_SUFFIXES = (".csv", ".parquet", ".pq", ".xlsx", ".xlsm")


def collect(folder: Path) -> tuple[list[RawTable], list[pd.DataFrame]]:
    """Read the table files of `folder` (not its subfolders) and the notes on the others."""
    notes: list[pd.DataFrame] = []
    by_stem: dict[str, list[Path]] = {}
    unknown: list[Path] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
        if path.is_dir() or path.name.startswith((".", "~$")):
            continue
        if path.suffix.lower() not in TABLE_SUFFIXES:
            notes.append(
                note(
                    "note",
                    path.name,
                    "not a table file; ignored",
                    "Tables are .csv, .parquet or .xlsx files.",
                )
            )
            continue
        stem = path.stem.strip().lower()
        if stem in TABLES:
            by_stem.setdefault(stem, []).append(path)
        else:
            unknown.append(path)
    chosen: dict[str, Path] = {}
    for table, paths in by_stem.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            notes.append(
                note(
                    "error",
                    names,
                    f"several files for table {table}",
                    "Keep one file per table in the folder.",
                    table,
                )
            )
            continue
        chosen[table] = paths[0]
    for path in unknown:
        try:
            hits = tables_from_headers(columns_of(path))
        except Unreadable as exc:
            notes.append(note("warning", path.name, f"file {exc}; ignored", ""))
            continue
        if not hits:
            notes.append(
                note(
                    "note",
                    path.name,
                    "file matches no table; ignored",
                    "Name it after its table (e.g. episodes.csv) or give it the DfE "
                    "column headers of one table.",
                )
            )
        elif len(hits) > 1:
            notes.append(
                note(
                    "warning",
                    path.name,
                    f"headers fit several tables ({', '.join(hits)}); ignored",
                    f"Rename the file to the table it holds, e.g. {hits[0]}.csv.",
                )
            )
        elif hits[0] in chosen or hits[0] in by_stem:
            notes.append(
                note(
                    "warning",
                    path.name,
                    f"looks like table {hits[0]}, which another file already provides; ignored",
                    "Keep one file per table in the folder.",
                    hits[0],
                )
            )
        else:
            chosen[hits[0]] = path
            notes.append(
                note(
                    "note",
                    path.name,
                    f"read as table {hits[0]} (recognised by its headers)",
                    f"Rename it {hits[0]}{path.suffix.lower()} to make this explicit.",
                    hits[0],
                )
            )
    raws = []
    for table, path in chosen.items():
        try:
            frame, rownums = read_table(path, table)
        except Unreadable as exc:
            notes.append(note("error", path.name, f"file {exc}", "", table))
            continue
        raw = RawTable(table, path.name, frame, rownums)
        raws.append(raw if path.suffix.lower() in (".parquet", ".pq") else drop_blank_rows(raw))
    return raws, notes
