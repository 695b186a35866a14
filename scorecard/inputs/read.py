"""Reading the formats: a file (CSV, Parquet, XLSX) to a raw table of text cells with the
row numbers the analyst sees, before any column is named or coerced.

CSV is read as UTF-8, UTF-8 with BOM or cp1252; XLSX from its first sheet, with title rows
above the header allowed (the header is found among the first rows). Input files are only
ever opened for reading.
"""

from __future__ import annotations

import codecs
import csv
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset import TABLES
from .columns import clean_name, known_columns

HEADER_SEARCH_ROWS = 30  # title rows allowed above the header in CSV/XLSX


@dataclass
class RawTable:
    """One table as read: raw columns, file row numbers, where it came from."""

    table: str
    file: str
    frame: pd.DataFrame
    rows: np.ndarray


class Unreadable(Exception):
    """A file that cannot be read as a table (reported, never raised to the user)."""


def _detect_encoding(path: Path) -> str:
    """'utf-8-sig' (BOM), 'utf-8' when the whole file decodes, else 'cp1252'."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _find_header(rows: list[list[object]], table: str | None) -> int:
    """Index of the header row among the first rows: the first holding all required columns
    of `table` (of any table when unknown); else the row naming most known columns; else the
    first non-blank row."""
    wanted = [TABLES[table]] if table else list(TABLES.values())
    tables = [table] if table else list(TABLES)
    known = {c.upper() for t in tables for c in known_columns(t)}
    first_filled, best, best_score = None, None, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {clean_name(v).upper() for v in row if v is not None and clean_name(v)}
        if not names:
            continue
        if first_filled is None:
            first_filled = i
        if any(all(c.upper() in names for c in req) for req in wanted):
            return i
        score = len(names & known)
        if score > best_score:
            best, best_score = i, score
    return best if best is not None else (first_filled or 0)


def _peek_csv(path: Path, encoding: str) -> list[list[object]]:
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        return [row for _, row in zip(range(HEADER_SEARCH_ROWS), reader, strict=False)]


def _read_csv(path: Path, table: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    encoding = _detect_encoding(path)
    header = _find_header(_peek_csv(path, encoding), table)
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            skiprows=header,
            encoding=encoding,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise Unreadable(f"cannot be read as CSV ({exc})".replace("\n", " ")) from None
    # header is file line header+1; data row i is line header+2+i
    return frame, np.arange(len(frame)) + header + 2


def _read_parquet(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise Unreadable(f"cannot be read as Parquet ({exc})") from None
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index(drop=True)
    return frame, np.arange(len(frame)) + 1


def _sheet_rows(path: Path) -> list[list[object]]:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl style/extension chatter
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise Unreadable(f"cannot be read as XLSX ({exc})") from None
    try:
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()


def _read_xlsx(path: Path, table: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    rows = _sheet_rows(path)
    if not rows:
        return pd.DataFrame(), np.arange(0)
    header = _find_header(rows, table)
    width = max(len(r) for r in rows)
    names = [clean_name(v) if v is not None else "" for v in rows[header]]
    names += [""] * (width - len(names))
    body = [r + [None] * (width - len(r)) for r in rows[header + 1 :]]
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    keep = [i for i, n in enumerate(names) if n or frame[i].notna().any()]
    frame = frame[keep]
    frame.columns = [names[i] or f"Unnamed: {i}" for i in keep]
    # spreadsheet rows are 1-based: the header sits on row header+1
    return frame, np.arange(len(frame)) + header + 2


def read_table(path: Path, table: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, table)
    if suffix in (".parquet", ".pq"):
        return _read_parquet(path)
    return _read_xlsx(path, table)


def columns_of(path: Path) -> list[str]:
    """Column headers of a file whose stem names no table (to recognise it)."""
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(path).names)
        except Exception as exc:
            raise Unreadable(f"cannot be read as Parquet ({exc})") from None
    rows = _peek_csv(path, _detect_encoding(path)) if suffix == ".csv" else _sheet_rows(path)
    if not rows:
        return []
    return [clean_name(v) for v in rows[_find_header(rows, None)] if v is not None]
