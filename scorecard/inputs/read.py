"""Reading the formats: a file (CSV, Parquet, XLSX with one or several sheets) to raw tables
of cells with the row numbers the analyst sees, before any column is named or coerced. XML
returns are read by `xml`.

CSV (and tab-separated .tsv and .txt) is read as UTF-8, UTF-8 with BOM, UTF-16 with BOM
(Excel's "Unicode text", tab separated) or cp1252; title rows above the header are allowed in
CSV and XLSX (the header is found among the first rows). A binary file or one no encoding
decodes is refused with a message naming it. A file named .xls is read by its content, as
"Export to Excel" buttons write it: tab-separated (or comma-separated) text, an HTML table or
an XLSX workbook; an old Excel workbook (OLE2) is refused. Input files are only ever opened
for reading.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, replace
from functools import cache
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from . import ahead
from .columns import RECOGNISED_BY, canonical, clean_name, known_columns
from .rows import RowSpan

HEADER_SEARCH_ROWS = 50  # rows the header is looked for in, below title rows (CSV/XLSX)
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")  # delimited text (',', ';' or tab: sniffed)
# text files whose name does not promise a table (notes, logs): read when their content is one
LOOSE_TEXT_SUFFIXES = (".tsv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
# what 'Export to Excel' buttons name tab-separated text, an HTML table or a workbook
OLD_EXCEL_SUFFIXES = (".xls",)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the first bytes of an old Excel workbook
_HTML_STARTS = ("<!doctype html", "<html", "<table")


@dataclass
class RawTable:
    """One table as read: raw cells, the row (XML: line) of each in its file, the file's
    label, and what its name or content says about the collection year it belongs to."""

    table: str
    file: str
    frame: pd.DataFrame
    rows: np.ndarray | RowSpan
    group: str | None = None  # the return it belongs to (None: no year in its name)
    years: tuple[int, ...] = ()  # collection years (start) its name allows
    declared: int | None = None  # collection year its content declares (CIN census header)
    decimal_comma: bool = False  # a ';'-separated CSV: '2,5' is two and a half
    census_date: pd.Timestamp | None = None  # the CIN census reference date
    lea: str | None = None  # the authority a CIN census header names (Source/LEA)


@dataclass
class Sheet:
    """Cells of one table-shaped block of a file: CSV, Parquet or one workbook sheet."""

    name: str | None  # the sheet's name (None: a single-table file)
    frame: pd.DataFrame
    rows: np.ndarray | RowSpan  # the row number in the file of each row of `frame`
    # CSV lines left out for holding more fields than the header: (line, expected, found)
    bad_lines: tuple[tuple[int, int, int], ...] = ()
    hidden: bool = False  # a hidden workbook sheet: not read
    decimal_comma: bool = False  # a ';'-separated CSV: '2,5' is two and a half
    trailing_separator: bool = False  # every CSV data line ended with an empty extra field
    # CSV lines read without the empty fields they had after the header's last column
    empty_extras: tuple[int, ...] = ()
    read_as: str | None = None  # a file named .xls: what its content was read as
    # rows repeating the header in another column order, the rows after each read by it
    reordered: tuple[Reordered, ...] = ()


@dataclass(frozen=True)
class Reordered:
    """A row repeating the header with its columns in another order (files exported with
    different layouts and joined): the rows after it, to the next header or the end, are
    read by it."""

    row: int  # the row number of the repeated header
    rows: tuple[int, int] | None  # the first and last row read by it (None: no row)
    missing: tuple[str, ...]  # the header's columns it lacks: blank in those rows
    added: tuple[str, ...]  # columns only it names: added, blank in the other rows
    lost: tuple[tuple[int, int], ...]  # (its cell, 1-based; values) under a blank name


def _row_numbers(n: int, first: int) -> np.ndarray:
    """The row numbers of n data rows from `first` on (int32: no file has 2**31 rows)."""
    return np.arange(first, first + n, dtype=np.int32)


class Unreadable(Exception):
    """A file that cannot be read as a table (reported, never raised to the user), with a
    hint on the likely cause when one can be told."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Member:
    """A file inside a zip archive, read from the archive's bytes in memory (never extracted
    to disk): what the readers need of a Path (its suffix and stem, `open`)."""

    name: str  # its path inside the archive
    data: bytes

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix

    @property
    def stem(self) -> str:
        return PurePosixPath(self.name).stem

    def open(
        self,
        mode: str = "r",
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO:
        """Its bytes (mode "rb"), or its text, as `Path.open` gives a file's."""
        raw = io.BytesIO(self.data)
        if "b" in mode:
            return raw
        return io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline=newline)

    def read_bytes(self) -> bytes:
        """Its bytes, as `Path.read_bytes` gives a file's."""
        return self.data


# a file of the data folder, or one inside a zip archive in it: every reader reads it through
# its `open` (never its path), so that both are read alike
File = Path | Member


def _native(path: File) -> Path | pa.BufferReader:
    """What pandas and Arrow read a large table from: a file's own path (read by their own
    code, in threads; through a Python file object every read would come back to Python),
    or a zip member's bytes."""
    return path if isinstance(path, Path) else pa.BufferReader(path.data)


UNZIP_HINT = "Unzip it and put the files in the data folder (or a subfolder named with the year)."


def zip_member(archive: Path, name: str) -> Member:
    """The member `name` of a zip archive, read whole (the archive is only opened for
    reading); Unreadable when it cannot be (a damaged archive, a password, a compression
    Python cannot undo)."""
    try:
        with zipfile.ZipFile(archive) as z:
            return Member(name, z.read(name))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise Unreadable(f"cannot be read from its zip archive ({exc})", UNZIP_HINT) from None


def _is_workbook(path: File) -> bool:
    """True for a zip file holding a workbook's parts (an XLSX, whatever its name)."""
    try:
        with path.open("rb") as fh, zipfile.ZipFile(fh) as z:
            return any(n.startswith("xl/") for n in z.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _sniff(path: File) -> str:
    """The encoding of a text file: 'utf-8-sig' (BOM), 'utf-16' (BOM), 'utf-8' when the whole
    file decodes, else 'cp1252'; raises Unreadable for a binary file."""
    with path.open("rb") as fh:
        head = fh.read(8192)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if head.startswith(b"PK\x03\x04") and _is_workbook(path):
            raise Unreadable(
                f"is an Excel workbook (XLSX) named {path.suffix}",
                f"Rename it {path.stem}.xlsx, or save it from Excel as CSV (UTF-8).",
            )
        if b"\x00" in head:
            raise Unreadable(
                "is not a text file (it holds binary data); save it as CSV (UTF-8) or XLSX"
            )
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


@cache
def _known_names(table: str | None) -> frozenset[str]:
    """The known column names of `table` (of every table when unknown), upper case."""
    tables = [table] if table else list(RECOGNISED_BY)
    return frozenset(c.upper() for t in tables for c in known_columns(t))


@cache
def _known_set() -> pa.Array:
    """`_known_names(None)` as an Arrow array, for `pc.is_in`."""
    return pa.array(sorted(_known_names(None)), pa.string())


def _find_header(rows: list[list[object]], table: str | None) -> int:
    """Index of the header row among the first rows: the first holding all identifying
    columns of `table` (of any table when unknown); else the row naming most known columns;
    else the first non-blank row."""
    tables = [table] if table else list(RECOGNISED_BY)
    wanted = [{c.upper() for c in RECOGNISED_BY[t]} for t in tables]
    known = _known_names(table)
    first_filled, best, best_score = None, None, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {canonical(v).upper() for v in row if v is not None and clean_name(v)}
        if not names:
            continue
        if first_filled is None:
            first_filled = i
        if any(req <= names for req in wanted):
            return i
        score = len(names & known)
        if score > best_score:
            best, best_score = i, score
    return best if best is not None else (first_filled or 0)


def _without_blank_rows(sheet: Sheet) -> Sheet:
    """Rows where every cell is empty (blank lines in CSV, empty sheet rows) left out; the
    others keep their row numbers."""
    f = sheet.frame
    if f.empty or f.shape[1] == 0:
        return sheet
    keep = ~f.isna().all(axis=1).to_numpy()
    if keep.all():
        return sheet
    return replace(sheet, frame=f.loc[keep].reset_index(drop=True), rows=sheet.rows[keep])


def _name_key(name: object) -> str:
    """A header cell as compared with another: its DfE name ('child id' -> CHILD), any case."""
    return canonical(name).casefold()


def _header_rows(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the rows that write the header again: (in its order, every filled cell
    its column's own name; in another order, every filled cell a column name, naming at
    least half the header's columns). Only rows whose first cell is a column name are
    looked at (the usual case: one comparison over the first column)."""
    none = np.zeros(0, dtype=np.intp)
    first = f.iloc[:, 0]  # by place: a name may be written twice
    names = pa.array(sorted({clean_name(c).upper() for c in f.columns}), pa.string())
    # upper() has Arrow's kernel where casefold() goes cell by cell: the screen, against the
    # file's names and every known one (an Arrow set built once: a few thousand names)
    said = pa.array(first.astype("str").str.strip().str.upper())
    screen = pc.or_(pc.is_in(said, value_set=names), pc.is_in(said, value_set=_known_set()))
    maybe = np.flatnonzero(pc.fill_null(screen, False).to_numpy(zero_copy_only=False))
    if not len(maybe):
        return none, none
    cells = f.iloc[maybe].astype("str")
    filled = f.iloc[maybe].notna().to_numpy()
    own = np.array([str(c).strip().casefold() for c in f.columns], dtype=object)
    same = cells.apply(lambda c: c.str.strip().str.casefold()).to_numpy(dtype=object) == own
    same = (same | ~filled).all(axis=1)
    distinct = pd.unique(cells.to_numpy(dtype=object).ravel())
    keys = cells.apply(lambda c: c.map({v: _name_key(v) for v in distinct}))
    file_keys = {_name_key(c) for c in f.columns}
    known = file_keys | {n.casefold() for n in _known_names(None)}
    is_name = keys.isin(known).to_numpy() | ~filled
    in_file = (keys.isin(file_keys).to_numpy() & filled).sum(axis=1)
    other = ~same & is_name.all(axis=1) & (in_file >= max(2, (len(f.columns) + 1) // 2))
    return maybe[same], maybe[other]


_UNNAMED = re.compile(r"Unnamed: \d+")  # a column with no name in the header (read, filled)


def _layout(
    columns: list[str], row: pd.Series
) -> tuple[dict[int, int], list[tuple[str, int]], list[int]]:
    """How a header written in another order reads the rows under it: {column of
    `columns`: its cell in the row} for the columns it names (a name written twice: the
    first with the first), (name, cell) for the names `columns` lacks, and its blank cells."""
    cells: dict[tuple[str, int], int] = {}
    blank: list[int] = []
    for j, v in enumerate(row.tolist()):
        if v is None or pd.isna(v) or not clean_name(v):
            blank.append(j)
            continue
        k = _name_key(v)
        cells[(k, sum(key == k for key, _ in cells))] = j
    take: dict[int, int] = {}
    for i, c in enumerate(columns):
        k = _name_key(c)
        j = cells.pop((k, sum(_name_key(o) == k for o in columns[:i])), None)
        if j is not None:
            take[i] = j
    return take, [(clean_name(row.iloc[j]), j) for j in sorted(cells.values())], blank


def _read_by_headers(
    sheet: Sheet, same: np.ndarray, other: np.ndarray
) -> tuple[pd.DataFrame, tuple[Reordered, ...]]:
    """The frame without its repeated headers (`same`: in the header's order, `other`: in
    another), the rows under each read by the header above them (`_layout`); what each
    header in another order did."""
    f = sheet.frame
    n = f.shape[1]
    columns = [str(c) for c in f.columns]  # and the names only a repeated header has
    starts = np.sort(np.concatenate([same, other]))
    as_written = {i: i for i in range(n)}
    takes = [as_written]  # the rows above the first repeat: the header's
    said: dict[int, tuple[tuple[str, ...], tuple[str, ...], list[int]]] = {}
    in_other_order = set(other.tolist())
    for p in starts.tolist():
        if p not in in_other_order:
            takes.append(as_written)
            continue
        take, added, blank = _layout(columns, f.iloc[p])
        for name, j in added:
            columns.append(name)
            take[len(columns) - 1] = j
        # a column the header gave no name (`Unnamed: 8`) is no column this one lacks
        missing = tuple(
            c for i, c in enumerate(columns) if i not in take and not _UNNAMED.fullmatch(c)
        )
        takes.append(take)
        said[p] = (missing, tuple(name for name, _ in added), blank)
    firsts, stops = [0, *(starts + 1).tolist()], [*starts.tolist(), len(f)]
    parts = []
    for a, b, take in zip(firsts, stops, takes, strict=True):
        block = f.iloc[a:b]
        blank_column = pd.Series(None, index=block.index, dtype=f.dtypes.iloc[0])
        parts.append(
            pd.DataFrame(
                {
                    i: block.iloc[:, take[i]] if i in take else blank_column
                    for i in range(len(columns))
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame.columns = columns
    emptied = [
        i
        for i, c in enumerate(columns[:n])
        if _UNNAMED.fullmatch(c) and f.iloc[:, i].notna().any() and frame.iloc[:, i].isna().all()
    ]
    frame = frame.iloc[:, [i for i in range(len(columns)) if i not in emptied]]
    found = []
    for k, p in enumerate(starts.tolist()):
        if p not in said:
            continue
        missing, added, blank = said[p]
        a, b = firsts[k + 1], stops[k + 1]
        lost = tuple((j + 1, int(f.iloc[a:b, j].notna().sum())) for j in blank)
        read = (int(sheet.rows[a]), int(sheet.rows[b - 1])) if b > a else None
        found.append(Reordered(int(sheet.rows[p]), read, missing, added, lost))
    return frame, tuple(found)


def repeated_headers(sheet: Sheet) -> tuple[Sheet, np.ndarray]:
    """Rows that repeat the header (files joined one after another, each with its header)
    left out: in its order (every filled cell its column's own name), their row numbers
    returned, for a note; in another column order, the rows after each (to the next header
    or the end) read by it, each said in `Sheet.reordered` (`_read_by_headers`)."""
    f = sheet.frame
    text = pd.api.types.is_string_dtype
    if f.empty or f.shape[1] == 0 or not all(text(dt) for dt in f.dtypes):
        return sheet, np.arange(0)
    same, other = _header_rows(f)
    if not len(same) and not len(other):
        return sheet, np.arange(0)
    if not len(other):  # the usual repeat: the rows left out, the others as they are
        keep = np.ones(len(f), dtype=bool)
        keep[same] = False
        kept = replace(sheet, frame=f.loc[keep].reset_index(drop=True), rows=sheet.rows[keep])
        return kept, sheet.rows[same]
    frame, reordered = _read_by_headers(sheet, same, other)
    rows = sheet.rows[np.isin(np.arange(len(f)), np.concatenate([same, other]), invert=True)]
    kept = replace(sheet, frame=frame, rows=rows, reordered=reordered)
    return kept, sheet.rows[same]


# the first cell of a row under a table that totals or annotates it
_FOOTER = re.compile(r"(grand\s+)?totals?\b|sum\b|count\b|source\b|notes?\b|\*", re.IGNORECASE)
# a report's footer line: words, spaced ('Produced by ...', '4621 rows selected.', 'Page 1 of
# 1'); a child's identifier has no space, nor a word of three letters beside another word
_WORDS = re.compile(r"(?=.*[^\W\d_]{3})\S+\s+\S.*")
FOOTER_SEARCH_ROWS = 10  # rows at the end of a table looked at for totals and notes


def _is_footer(row: pd.Series, sparse: bool) -> bool:
    """True for a row under a table that totals or annotates it: its first cell starts with
    a word of a total or note and its other cells are mostly blank (`sparse`); or its only
    filled cell is a line of words (a report's footer)."""
    first = row.iloc[0]
    if sparse and isinstance(first, str) and _FOOTER.match(first.strip()):
        return True
    filled = row.dropna()
    return (
        len(filled) == 1
        and isinstance(filled.iloc[0], str)
        and _WORDS.fullmatch(filled.iloc[0].strip()) is not None
    )


def footer_rows(sheet: Sheet) -> tuple[Sheet, np.ndarray]:
    """Rows under the table that total or annotate it ('Total', 'Source: ...', 'Notes',
    'Produced by ...', '4621 rows selected.'), left out: the run of last rows whose first cell
    starts with a word of a total or note and whose other cells are mostly blank, or whose
    only filled cell is a line of words; their row numbers, for a warning. A last row with
    two filled cells, or a lone identifier, is data."""
    f = sheet.frame
    if f.empty or f.shape[1] < 2:
        return sheet, np.arange(0)
    tail = f.iloc[-FOOTER_SEARCH_ROWS:]
    most = max(2, f.shape[1] // 2)
    n = 0
    for i in range(len(tail) - 1, -1, -1):  # the usual case: the last row is data
        row = tail.iloc[i]
        if not _is_footer(row, int(row.notna().sum()) <= most):
            break
        n += 1
    if not n:
        return sheet, np.arange(0)
    keep = len(f) - n
    kept = replace(sheet, frame=f.iloc[:keep].reset_index(drop=True), rows=sheet.rows[:keep])
    return kept, sheet.rows[keep:]


# the first cell of a totals row: 'Total', 'Totals', 'Grand total', 'Total FTE in post'
_TOTAL = re.compile(r"(grand\s+)?totals?\b", re.IGNORECASE)


def totals_rows(sheet: Sheet, rows: np.ndarray) -> np.ndarray:
    """Of the footer `rows` of `sheet` (row numbers, as `footer_rows` gives them, of the sheet
    before they were left out), those certainly a total: the first cell starts with the word
    total and every other filled cell is a number (a count, an FTE). No row of data reads
    so (an identifier is no 'Total'), so leaving it out leaves no figure in doubt: a note,
    where a notes or report footer line (which may qualify the data) stays a warning."""
    f = sheet.frame
    out = []
    for number in rows:  # the few footer rows, not the table's
        row = f.iloc[int(np.flatnonzero(sheet.rows == number)[0])]
        first, rest = row.iloc[0], row.iloc[1:].dropna()
        rest = rest.loc[rest.astype(str).str.strip() != ""]
        numbers = pd.to_numeric(rest.astype(str).str.replace(",", "").str.strip(), "coerce")
        if isinstance(first, str) and _TOTAL.match(first.strip()) and numbers.notna().all():
            out.append(number)
    return np.asarray(out, dtype=np.asarray(rows).dtype)


SEPARATORS = (",", "\t", ";")  # ',', tab (Excel's 'Unicode text'), ';' (decimal commas)


def _known_in_header(first_lines: str, sep: str, table: str | None) -> int:
    """How many known column names the header row has when the lines are split at `sep`."""
    rows = list(
        itertools.islice(csv.reader(io.StringIO(first_lines), delimiter=sep), HEADER_SEARCH_ROWS)
    )
    if not rows:
        return 0
    header = rows[_find_header(rows, table)]
    return len({canonical(v).upper() for v in header if v and clean_name(v)} & _known_names(table))


def _delimiter(first_lines: str, table: str | None = None) -> str:
    """The separator whose header row names the most known columns (a title row of
    'LS in C1;C2;V4' does not make ';' the separator); on a tie, the one the first lines
    use most on one line; ',' when none is used."""
    lines = first_lines.splitlines()[:HEADER_SEARCH_ROWS]
    busiest = {sep: max((ln.count(sep) for ln in lines), default=0) for sep in SEPARATORS}
    used = [sep for sep in SEPARATORS if busiest[sep]]
    if len(used) < 2:
        return used[0] if used else ","
    head = "\n".join(lines)
    return max(used, key=lambda sep: (_known_in_header(head, sep, table), busiest[sep]))


_BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")


def _csv_frame(
    path: File, encoding: str, sep: str, header: int, bad: str, index_col: bool | None = None
) -> pd.DataFrame:
    return pd.read_csv(
        _native(path),
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=False,
        skiprows=header,
        encoding=encoding,
        sep=sep,
        on_bad_lines=bad,
        index_col=index_col,
    )


ARROW_CSV_BYTES = 1 << 16  # text files from which Arrow's CSV reader is tried first


def _arrow_csv(
    path: File, encoding: str, sep: str, header: int, names: list[str]
) -> pd.DataFrame | None:
    """The frame `_csv_frame` reads, by Arrow's CSV reader (several times quicker on the
    sample's episodes: 45 -> 10 ms), or None where it may not read the file as pandas does,
    which then reads it: a small file, text not in UTF-8, title rows above the header, a
    header naming a column twice or not at all, or any line Arrow refuses (more or fewer
    fields than the header: pandas' reading reports or mends them), or quotes that do not
    pair (Arrow reads a quote left open to the end of the file as a value; pandas says the
    file cannot be read). Blank lines are kept as blank rows and only an empty field is
    blank, as there."""
    plain_header = all(names) and len(set(names)) == len(names)
    if encoding not in ("utf-8", "utf-8-sig") or header or not plain_header:
        return None
    data = path.read_bytes()
    if len(data) < ARROW_CSV_BYTES or data.count(b'"') % 2:
        return None
    try:
        table = pcsv.read_csv(
            pa.BufferReader(data),
            parse_options=pcsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowException:  # Arrow's own errors: pandas reads the file
        return None
    if table.column_names != names:  # a header Arrow read otherwise than the csv module
        return None
    return table.to_pandas()


def _as_written(columns: pd.Index, header: list[str]) -> pd.Index:
    """The header as the file writes it: pandas renames a name written twice ('DEC' then
    'DEC.1'), which would hide the second copy as an unknown column (`repeated` merges it)."""
    if len(header) != len(columns):
        return columns
    return pd.Index(
        [w if re.fullmatch(re.escape(w) + r"\.\d+", c) else c for c, w in zip(columns, header)]
    )


def _read_csv(path: File, table: str | None) -> Sheet:
    encoding = _sniff(path)
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            head = fh.read(1 << 16)
    except UnicodeDecodeError:
        raise Unreadable("cannot be decoded as text (UTF-8, UTF-16 or cp1252)") from None
    if not head.lstrip("\ufeff").strip():
        raise Unreadable(
            "is empty (no header, no rows)",
            "Export the table again with its header row, or take the file out of the folder.",
        )
    sep = _delimiter(head.lstrip("\ufeff"), table)
    peek = list(itertools.islice(csv.reader(io.StringIO(head), delimiter=sep), HEADER_SEARCH_ROWS))
    header = _find_header(peek, table)
    bad_lines: tuple[tuple[int, int, int], ...] = ()
    kept: dict[int, list[str]] = {}  # bad lines whose extra fields are all empty
    try:
        try:
            frame = _arrow_csv(path, encoding, sep, header, peek[0] if peek else [])
            if frame is None:
                frame = _csv_frame(path, encoding, sep, header, "error")
        except pd.errors.ParserError:
            # a line with more fields than the header (an unquoted comma): read again, the
            # bad lines left out and reported (only then: the usual read is left as it was)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                frame = _csv_frame(path, encoding, sep, header, "warn")
            said = "\n".join(str(w.message) for w in caught)
            bad_lines = tuple((int(m[0]), int(m[1]), int(m[2])) for m in _BAD_LINE.findall(said))
            if not bad_lines:
                raise
            kept = _with_empty_extras(path, encoding, sep, bad_lines)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise Unreadable(f"cannot be read as CSV ({exc})".replace("\n", " ")) from None
    trailing = False
    if not isinstance(frame.index, pd.RangeIndex):
        # every data line has one field more than the header, so pandas took the first for
        # an index: a separator after the last value (nothing lost when the field is empty)
        if frame.shape[1] == 0 or frame.iloc[:, -1].notna().any():
            raise Unreadable(
                f"has one field more on every data line than its header ({frame.shape[1]} "
                "names): a value under no header",
                "Check the header row names every column, or that no column was added "
                "under it without a name.",
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)  # the empty field
            frame = _csv_frame(path, encoding, sep, header, "error", index_col=False)
        trailing = True
    if header < len(peek):
        frame.columns = _as_written(frame.columns, peek[header])
    # header is file line header+1; data row i is line header+2+i (bad lines skipped)
    rows = _row_numbers(len(frame) + len(bad_lines), header + 2)
    extras: tuple[int, ...] = ()
    if bad_lines:
        rows = rows[~np.isin(rows, [line for line, _, _ in bad_lines])][: len(frame)]
        if kept:  # lines whose extra fields are all empty, read without them, in place
            extras = tuple(kept)
            added = pd.DataFrame(list(kept.values()), columns=frame.columns, dtype="str")
            frame = pd.concat([frame, added.where(added.ne(""))], ignore_index=True)
            rows = np.concatenate([rows, np.array(extras, dtype=rows.dtype)])
            order = np.argsort(rows, kind="stable")
            frame, rows = frame.iloc[order].reset_index(drop=True), rows[order]
            bad_lines = tuple(b for b in bad_lines if b[0] not in kept)
    # Excel writes ';' between fields where the comma is the decimal mark
    sheet = Sheet(
        None,
        frame,
        rows,
        bad_lines,
        decimal_comma=sep == ";",
        trailing_separator=trailing,
        empty_extras=extras,
    )
    return _without_blank_rows(sheet)


def _with_empty_extras(
    path: File, encoding: str, sep: str, bad_lines: tuple[tuple[int, int, int], ...]
) -> dict[int, list[str]]:
    """The fields of each line among `bad_lines` whose fields beyond the header's are all
    empty ('A,01/04/2024,S,C2,U1,,,' under seven names: a separator too many on some lines,
    as a hand-edited export has them), by line; a line with a value beyond the header is
    not among them (an unquoted comma: which field it belongs to is a guess)."""
    expected = {line: n for line, n, _ in bad_lines}
    last = max(expected)
    out: dict[int, list[str]] = {}
    with path.open("r", encoding=encoding, newline="") as fh:
        for number, text in enumerate(fh, start=1):
            if number in expected:
                fields = next(csv.reader([text], delimiter=sep), [])
                n = expected[number]
                if len(fields) > n and not any(f.strip() for f in fields[n:]):
                    out[number] = fields[:n]
            if number >= last:
                break
    return out


def _read_parquet(path: File) -> Sheet:
    """The cells of a Parquet file, as pandas reads them; but the columns of codes and the LA
    as the file's own dictionaries (Arrow dictionary columns): far cheaper than millions of
    strings, and coerced and checked once per distinct value (`coerce`). A file read ahead
    while the loaders imported (`ahead`) is taken as it was read."""
    try:
        got = (ahead.take(path) if isinstance(path, Path) else None) or ahead.read_arrow(
            _native(path)
        )
        # as pandas' read_parquet converts (pandas 3, pyarrow 19 and later); Arrow's memory
        # freed column by column as the frame is built (no second copy)
        frame = got.plain.to_pandas(self_destruct=True, split_blocks=True)
        if got.coded is not None:
            names = got.schema.names
            for name, column in zip(got.few, got.coded.columns, strict=True):
                at = sum(1 for n in names[: names.index(name)] if n in frame)
                array = pd.arrays.ArrowExtensionArray(column)
                frame.insert(at, name, pd.Series(array, index=frame.index, copy=False))
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise Unreadable(f"cannot be read as Parquet ({exc})") from None
    # rows by position: pandas' own index dropped, a range too (`df.iloc[100:]` written out
    # keeps the range from 100)
    if not frame.index.equals(pd.RangeIndex(len(frame))) or frame.index.name is not None:
        frame = frame.reset_index(drop=True)
    return Sheet(None, frame, RowSpan(1, len(frame)))  # rows 1 .. n, not written out


def _workbook(path: File) -> list[tuple[str, list[list[object]], bool]]:
    """(sheet name, rows, hidden) of every sheet that holds a cell (a hidden sheet's rows are
    not read)."""
    import openpyxl

    with warnings.catch_warnings(), path.open("rb") as fh:
        # openpyxl's style/extension chatter ("Sparkline Group extension is not supported"),
        # raised as the sheets are read, not only as the book is opened
        warnings.simplefilter("ignore", UserWarning)
        try:
            # an open file, not its path: openpyxl refuses a workbook named .xls
            book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:
            raise Unreadable(f"cannot be read as XLSX ({exc})") from None
        try:
            uncalculated = _uncalculated(path) if _has_formulas(path) else {}
            out = []
            for sheet in book.worksheets:
                if sheet.sheet_state != "visible":
                    out.append((sheet.title, [], True))
                    continue
                rows = [list(r) for r in sheet.iter_rows(min_row=1, values_only=True)]
                for (title, r, c), formula in uncalculated.items():
                    if title == sheet.title and r < len(rows) and c < len(rows[r]):
                        rows[r][c] = formula
                if any(v is not None and str(v).strip() for r in rows for v in r):
                    out.append((sheet.title, rows, False))
            return out
        finally:
            book.close()


def _has_formulas(path: File) -> bool:
    """True when a sheet of the workbook holds a formula (a quick look at its XML parts)."""
    try:
        with path.open("rb") as fh, zipfile.ZipFile(fh) as z:
            parts = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
            return any(b"<f>" in xml or b"<f " in xml for xml in map(z.read, parts))
    except (OSError, zipfile.BadZipFile):
        return False


def _uncalculated(path: File) -> dict[tuple[str, int, int], str]:
    """The formula ('=DATE(2024,4,1)') of each cell holding one with no value saved, by
    (sheet, row index, column index). A workbook written by a program (not saved in Excel)
    keeps its formulas uncalculated: read for values, such a cell looks blank. A formula
    whose saved value is empty text is not one of them."""
    import openpyxl

    found: dict[tuple[str, int, int], str] = {}
    with path.open("rb") as fh_values, path.open("rb") as fh_formulas:
        values = openpyxl.load_workbook(fh_values, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(fh_formulas, read_only=True, data_only=False)
        try:
            for vs, fs in zip(values.worksheets, formulas.worksheets, strict=True):
                rows = zip(vs.iter_rows(min_row=1), fs.iter_rows(min_row=1), strict=False)
                for r, (vrow, frow) in enumerate(rows):
                    for c, (v, f) in enumerate(zip(vrow, frow, strict=False)):
                        text = f.value
                        if v.value is None and v.data_type == "n" and str(text).startswith("="):
                            found[(vs.title, r, c)] = str(text)
        finally:
            values.close()
            formulas.close()
    return found


def _sheet_frame(name: str | None, rows: list[list[object]], table: str | None) -> Sheet:
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
    return _without_blank_rows(Sheet(name, frame, _row_numbers(len(frame), header + 2)))


def _named_xls(path: File) -> str:
    """What a file named .xls holds, told by its first bytes: 'an Excel workbook (XLSX)', 'an
    HTML table' or 'delimited text' ('Export to Excel' buttons write all three under that
    name); raises Unreadable for an old Excel workbook (OLE2) and other content."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if head.startswith(_OLE2):
        raise Unreadable(
            "is an old Excel .xls workbook, which cannot be read; not read",
            "Open it in Excel and save as .xlsx or CSV (UTF-8).",
        )
    if head.startswith(b"PK\x03\x04") and _is_workbook(path):
        return "an Excel workbook (XLSX)"
    start = head.decode(_sniff(path), errors="replace").lstrip("\ufeff \t\r\n").lower()
    if start.startswith(_HTML_STARTS):
        return "an HTML table"
    if start.startswith("<"):
        raise Unreadable(
            "is XML or another markup named .xls (an Excel 2003 XML spreadsheet?), which "
            "cannot be read; not read",
            "Open it in Excel and save as .xlsx or CSV (UTF-8).",
        )
    return "delimited text"


class _HtmlRows(HTMLParser):
    """The rows of the tables of an HTML page, each cell's text with its spaces collapsed
    (None when blank); a cell spanning several columns is followed by blank ones."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[object]] = []
        self.row: list[object] | None = None
        self.cell: list[str] | None = None
        self.span = 1  # the columns the open cell spans

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.end_row()
            self.row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self.row is None:  # a cell with no <tr> before it
                self.row = []
            self.cell = []
            span = dict(attrs).get("colspan") or ""
            self.span = int(span) if span.isdigit() and 1 < int(span) < 1000 else 1
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "table"):
            self.end_row()

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def _end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            text = " ".join("".join(self.cell).split())
            self.row += [text or None] + [None] * (self.span - 1)
        self.cell, self.span = None, 1

    def end_row(self) -> None:
        """The open row (and cell) stored: a row's end tag may be left out."""
        self._end_cell()
        if self.row is not None:
            self.rows.append(self.row)
        self.row = None


def _read_html(path: File, table: str | None) -> Sheet:
    """The cells of the table of an HTML page (an 'Export to Excel' named .xls), its rows
    numbered as Excel shows them when it opens the page."""
    parser = _HtmlRows()
    with path.open("r", encoding=_sniff(path), errors="replace") as fh:
        while chunk := fh.read(1 << 20):
            parser.feed(chunk)
    parser.close()
    parser.end_row()
    rows = [r for r in parser.rows if r]
    if not rows:
        raise Unreadable(
            "is an HTML page named .xls with no table rows; not read",
            "Open it in Excel and save as .xlsx or CSV (UTF-8).",
        )
    return _sheet_frame(None, rows, table)


def _read_workbook(path: File, table: str | None) -> list[Sheet]:
    """The sheets of an XLSX workbook: one unnamed when it has one sheet holding cells, else
    one per sheet (named), and its hidden sheets (not read)."""
    found = _workbook(path)
    hidden = [Sheet(name, pd.DataFrame(), np.arange(0), hidden=True) for name, _, h in found if h]
    sheets = [(name, rows) for name, rows, h in found if not h]
    if not sheets:
        return [Sheet(None, pd.DataFrame(), np.arange(0)), *hidden]
    if len(sheets) == 1:
        return [_sheet_frame(None, sheets[0][1], table), *hidden]
    return [*(_sheet_frame(name, rows, None) for name, rows in sheets), *hidden]


def read_sheets(path: File, table: str | None) -> list[Sheet]:
    """The table-shaped blocks of a CSV, Parquet or XLSX file: one, or one per sheet of a
    workbook with several sheets (each named). `table` (from the file's name) helps find
    the header row. A file named .xls is read by its content (a workbook, an HTML table or
    delimited text), each block saying which; an old Excel workbook is refused."""
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return [_read_parquet(path)]
    if suffix in XLSX_SUFFIXES:
        return _read_workbook(path, table)
    if suffix in OLD_EXCEL_SUFFIXES:
        what = _named_xls(path)
        if what == "an Excel workbook (XLSX)":
            sheets = _read_workbook(path, table)
        elif what == "an HTML table":
            sheets = [_read_html(path, table)]
        else:
            sheets = [_read_csv(path, table)]
        return [replace(sheet, read_as=what) for sheet in sheets]
    return [_read_csv(path, table)]
