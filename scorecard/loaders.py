"""Files to a validated Dataset (SPEC section 3).

`load_dataset(path)` reads a folder of tables (one file per table: CSV in UTF-8, UTF-8 with
BOM or cp1252; Parquet; XLSX, first sheet, title rows above the header allowed), finds each
table by its file stem or else by its column headers, coerces the columns to the dtype
contract (identifiers and codes `str`, dates `datetime64[ns]`, numbers `float64`,
ACADEMIC_YEAR '2024/25'), validates every table with its pandera model (lazily, so that all
problems of all files are found at once) and runs the data-quality checks of `quality`.

Errors stop loading with ONE `DataValidationError` listing every problem; warnings go into
`Dataset.quality`. `check_dataset(path)` returns the full report without raising (for the
CLI's `validate` command). Row numbers are as the analyst sees the file: 1-based like a
spreadsheet with the header row (and any title rows) counted; for Parquet the 1-based
record number; for in-memory frames the frame's index label.

Input files are only ever opened for reading.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow.compute as pc

from . import quality, schemas
from .dataset import QUALITY_COLUMNS, TABLES, Dataset
from .periods import DATE_DTYPE

TABLE_SUFFIXES = (".csv", ".parquet", ".pq", ".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 30  # title rows allowed above the header in CSV/XLSX
MAX_LISTED = 200  # problems spelt out in str(DataValidationError); .report has all

DATE_HINT = "Write dates as dd/mm/YYYY (e.g. 01/04/2024) or YYYY-MM-DD."

_CANONICAL = {c.upper(): c for t in TABLES for c in schemas.known_columns(t)}
_TIME_SUFFIX = r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$"
_EARLIEST, _LATEST = pd.Timestamp("1900-01-01"), pd.Timestamp("2100-12-31")


class DataValidationError(ValueError):
    """Input data that cannot be used: every problem in every file, at once.

    `.report` is a frame with columns severity, table, file, row, column, value, rule, hint
    (errors first, then the warnings found on the way); `str()` lists the errors.
    """

    def __init__(self, report: pd.DataFrame, source: str | None = None) -> None:
        self.report = report.reset_index(drop=True)
        self.source = source
        super().__init__(self._message())

    def __reduce__(self) -> tuple[type, tuple[pd.DataFrame, str | None]]:
        return (type(self), (self.report, self.source))  # picklable across processes

    @property
    def errors(self) -> pd.DataFrame:
        """Only the rows with severity 'error'."""
        return self.report.loc[self.report["severity"] == "error"]

    def _message(self) -> str:
        errors = self.errors
        files = errors["file"].nunique()
        where = f" in {self.source}" if self.source else ""
        lines = [
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''}{where} stop the data loading "
            "(fix them and load again):"
        ]
        lines += [format_issue(row) for row in errors.head(MAX_LISTED).itertuples(index=False)]
        if len(errors) > MAX_LISTED:
            lines.append(
                f"... and {len(errors) - MAX_LISTED} more: see the .report of this error "
                "or run `scorecard validate` for the full list."
            )
        others = len(self.report) - len(errors)
        if others:
            lines.append(f"(also {others} warnings and notes: see .report)")
        return "\n".join(lines)


def format_issue(row: object) -> str:
    """One readable line: file, row, column, value, rule and hint."""
    parts = [str(row.file)]
    if pd.notna(row.row) and row.row != "":
        parts.append(f"row {row.row}")
    if isinstance(row.column, str) and row.column:
        parts.append(f"column {row.column}")
    if isinstance(row.value, str) and row.value != "":
        parts.append(f"value {row.value!r}")
    text = ", ".join(parts) + f": {row.rule}"
    if isinstance(row.hint, str) and row.hint:
        text += f". {row.hint}"
    return "  " + text


# ------------------------------------------------------------------------- raw reading
@dataclass
class _Raw:
    """One table as read: raw columns, file row numbers, where it came from."""

    table: str
    file: str
    frame: pd.DataFrame
    rows: np.ndarray


class _Unreadable(Exception):
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


def _norm(name: object) -> str:
    return str(name).replace("\ufeff", "").strip()


def _find_header(rows: list[list[object]], table: str | None) -> int:
    """Index of the header row among the first rows: the first holding all required columns
    of `table` (of any table when unknown); else the row naming most known columns; else the
    first non-blank row."""
    wanted = [TABLES[table]] if table else list(TABLES.values())
    tables = [table] if table else list(TABLES)
    known = {c.upper() for t in tables for c in schemas.known_columns(t)}
    first_filled, best, best_score = None, None, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {_norm(v).upper() for v in row if v is not None and _norm(v)}
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
        raise _Unreadable(f"cannot be read as CSV ({exc})".replace("\n", " ")) from None
    # header is file line header+1; data row i is line header+2+i
    return frame, np.arange(len(frame)) + header + 2


def _read_parquet(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise _Unreadable(f"cannot be read as Parquet ({exc})") from None
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
        raise _Unreadable(f"cannot be read as XLSX ({exc})") from None
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
    names = [_norm(v) if v is not None else "" for v in rows[header]]
    names += [""] * (width - len(names))
    body = [r + [None] * (width - len(r)) for r in rows[header + 1 :]]
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    keep = [i for i, n in enumerate(names) if n or frame[i].notna().any()]
    frame = frame[keep]
    frame.columns = [names[i] or f"Unnamed: {i}" for i in keep]
    # spreadsheet rows are 1-based: the header sits on row header+1
    return frame, np.arange(len(frame)) + header + 2


def _read(path: Path, table: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, table)
    if suffix in (".parquet", ".pq"):
        return _read_parquet(path)
    return _read_xlsx(path, table)


def _columns_of(path: Path) -> list[str]:
    """Column headers of a file whose stem names no table (to recognise it)."""
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(path).names)
        except Exception as exc:
            raise _Unreadable(f"cannot be read as Parquet ({exc})") from None
    rows = _peek_csv(path, _detect_encoding(path)) if suffix == ".csv" else _sheet_rows(path)
    if not rows:
        return []
    return [_norm(v) for v in rows[_find_header(rows, None)] if v is not None]


def _table_from_headers(columns: list[str]) -> list[str]:
    """Tables whose required columns are all present, most specific only."""
    have = {c.upper() for c in columns}
    hits = [t for t, req in TABLES.items() if all(c.upper() in have for c in req)]
    # drop a candidate whose required columns are a strict subset of another candidate's
    return [t for t in hits if not any(set(TABLES[t]) < set(TABLES[o]) for o in hits if o != t)]


# ------------------------------------------------------------------------ coercion
def _blank_to_nan(text: pd.Series) -> pd.Series:
    text = text.str.strip()
    blank = text == ""
    return text.where(~blank) if blank.any() else text


def _as_text(s: pd.Series, numeric_ids: bool = True) -> pd.Series:
    """`str` dtype, stripped, NaN when blank; 1234.0 (a number read by Excel) -> '1234'."""
    if pd.api.types.is_bool_dtype(s):
        s = s.astype(object)
    if pd.api.types.is_float_dtype(s):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(vals) & (np.round(vals) == vals) & (np.abs(vals) < 1e15)
        out = s.astype("str")
        if whole.any():
            out[whole] = vals[whole].astype(np.int64).astype(str)
        return out.where(s.notna())
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        return s.astype("str").where(s.notna())
    if s.dtype == object:
        others = s.map(lambda v: not isinstance(v, str) and v is not None and v == v)
        if others.any():
            s = s.copy()
            s[others] = _scalars_as_text(s[others])
    out = _blank_to_nan(s.astype("str"))
    if numeric_ids and out.str.contains(".", regex=False).any():
        out = out.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    return out


def _scalars_as_text(s: pd.Series) -> pd.Series:
    """Text of the non-string cells of an object column (Excel numbers, dates)."""
    typed = pd.Series(list(s), index=s.index)
    if typed.dtype != object and not pd.api.types.is_bool_dtype(typed):
        return _as_text(typed)
    return s.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))


def _as_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(datetime64[ns] series, mask of values that are not dates)."""
    if isinstance(s.dtype, pd.ArrowDtype) and pd.api.types.is_datetime64_any_dtype(s):
        s = pd.Series(pd.to_datetime(s.astype(object)), index=s.index)  # Arrow date32/timestamp
    if pd.api.types.is_datetime64_any_dtype(s):
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
        out = s.astype(DATE_DTYPE)
        ns = out.to_numpy().view("int64")
        if (ns[~np.isnat(out.to_numpy())] % 86_400_000_000_000).any():
            out = out.dt.normalize()  # Excel or Parquet datetimes with a time of day
        return out, pd.Series(False, index=s.index)
    if s.dtype == object:
        stamps = s.map(lambda v: isinstance(v, dt.date | pd.Timestamp | np.datetime64))
        if stamps.any():
            s = s.copy()
            s[stamps] = pd.to_datetime(s[stamps]).dt.strftime("%Y-%m-%d")
    text = _as_text(s, numeric_ids=False)
    if text.str.contains(":", regex=False).any():
        text = text.str.replace(_TIME_SUFFIX, "", regex=True)
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    need = iso.isna() & text.notna()
    if need.any():
        uk = pd.to_datetime(text[need], format="%d/%m/%Y", errors="coerce")
        iso = iso.copy()
        iso[need] = uk
    bad = text.notna() & (iso.isna() | (iso < _EARLIEST) | (iso > _LATEST))
    iso = iso.where(~bad)
    return iso.astype(DATE_DTYPE), bad


def _as_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float64 series, mask of values that are not numbers)."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype("float64"), pd.Series(False, index=s.index)
    text = _as_text(s, numeric_ids=False)
    cleaned = text
    if text.str.contains(r"[,%\s]", regex=True).any():
        cleaned = text.str.replace(r"[,\s]", "", regex=True).str.removesuffix("%")
    out = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    return out, text.notna() & out.isna()


def _distinct_values(s: pd.Series) -> tuple[np.ndarray, pd.Series] | None:
    """(codes, distinct values) of a typed column with many repeats (LA, codes, years), so
    that cell-by-cell rules run once per distinct value; None when that would not pay off or
    an object column could merge values that read differently (1 and True)."""
    if s.dtype == object or len(s) < 10_000:
        return None
    if pd.Series(s.array[:10_000]).nunique(dropna=False) > 2_500:
        return None  # mostly distinct (child ids): not worth factorizing every row
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) * 4 > len(s):
        return None
    return codes, pd.Series(uniques, dtype=s.dtype)


def _spread(values: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-distinct-value results back onto every row (code -1, a blank cell, gives blank)."""
    return pd.Series(values.array.take(codes, allow_fill=True), index=index)


_ARROW_STR = pd.StringDtype("pyarrow", na_value=np.nan)


def _already_clean(s: pd.Series, numeric_ids: bool, upper: bool) -> bool:
    """True when `_as_text` (and upper-casing) would return `s` unchanged: an Arrow-backed
    `str` column (typed Parquet) with no blank cell, nothing to strip, nothing to upper-case
    and, for identifiers, no '.' that could be an Excel '1234.0'. Checked with the same
    pyarrow kernels pandas' `.str.strip()` / `.str.upper()` use, over the whole column at
    once, so clean columns skip the rewrite (the usual case for Parquet written by a tool)."""
    if s.dtype != _ARROW_STR or not isinstance(s.array, pd.arrays.ArrowStringArray):
        return False
    arr = s.array._pa_array
    if arr.null_count == len(arr):
        return False  # nothing to gain; keep the general path
    if pc.any(pc.equal(arr, "")).as_py():
        return False
    if numeric_ids and pc.any(pc.match_substring(arr, ".")).as_py():
        return False
    clean = pc.utf8_trim_whitespace(arr)
    if upper:
        clean = pc.utf8_upper(clean)
    return bool(pc.all(pc.equal(clean, arr)).as_py())


def _as_text_each(s: pd.Series, numeric_ids: bool = True, upper: bool = False) -> pd.Series:
    """`_as_text` (then upper-cased for codes), worked out once per distinct value."""
    if _already_clean(s, numeric_ids, upper):
        return pd.Series(s.array, index=s.index)
    found = _distinct_values(s)
    if found is None:
        text = _as_text(s, numeric_ids)
        return text.str.upper() if upper else text
    codes, distinct = found
    text = _as_text(distinct, numeric_ids)
    return _spread(text.str.upper() if upper else text, codes, s.index)


def _as_academic_year(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """('2024/25' strings, mask of unreadable values); accepts 2024/25, 202425, 2024-2025."""
    found = _distinct_values(s)
    if found is not None:  # a handful of years over many pupils: read each once
        codes, distinct = found
        years, bad = _as_academic_year(distinct)
        flags = np.append(bad.to_numpy(dtype=bool), False)[codes]
        return _spread(years, codes, s.index), pd.Series(flags, index=s.index)
    text = _as_text(s)
    parts = text.str.extract(r"^(\d{4})\s*[-/]?\s*(\d{2}|\d{4})$")
    start = pd.to_numeric(parts[0], errors="coerce")
    end = pd.to_numeric(parts[1], errors="coerce") % 100
    ok = ((start + 1) % 100 == end).fillna(False).astype(bool)
    out = pd.Series(np.nan, index=s.index, dtype="str")
    if ok.any():
        out[ok] = (
            start[ok].astype("int64").astype(str)
            + "/"
            + end[ok].astype("int64").astype(str).str.zfill(2)
        )
    return out, text.notna() & ~ok


_COERCE_RULES = {
    "date": ("not a date", DATE_HINT),
    "number": ("not a number", "Write a plain number (e.g. 0.8); leave blank if unknown."),
    "academic_year": ("not an academic year", "Write the academic year as 2024/25 (or 202425)."),
}


def _coerce(raw: _Raw) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Columns renamed to their DfE names and coerced; problems as issue frames."""
    frame = raw.frame
    renames = {c: _CANONICAL.get(_norm(c).upper(), _norm(c)) for c in frame.columns}
    frame = frame.rename(columns=renames)
    issues: list[pd.DataFrame] = []
    twice = frame.columns.duplicated()
    for name in dict.fromkeys(frame.columns[twice]):
        issues.append(
            quality.issues(
                "warning",
                raw.table,
                raw.file,
                [None],
                str(name),
                None,
                "column appears more than once; the first is used",
                "Remove or rename the repeated column.",
            )
        )
    frame = frame.loc[:, ~twice]
    out: dict[str, pd.Series] = {}
    for col in frame.columns:
        s = frame[col]
        kind = schemas.column_kind(col)
        bad = None
        if kind == "date":
            out[col], bad = _as_date(s)
        elif kind == "number":
            out[col], bad = _as_number(s)
        elif kind == "academic_year":
            out[col], bad = _as_academic_year(s)
        elif kind == "code":
            out[col] = _as_text_each(s, upper=True)
        elif kind == "identifier":
            out[col] = _as_text_each(s)
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = _as_text_each(s, numeric_ids=False)
        else:
            out[col] = s  # unknown typed column (e.g. from Parquet): kept as it is
        if bad is not None and bad.any():
            rule, hint = _COERCE_RULES[kind]
            pos = np.flatnonzero(bad.to_numpy())
            issues.append(
                quality.issues(
                    "error",
                    raw.table,
                    raw.file,
                    raw.rows[pos],
                    col,
                    _as_text(s.iloc[pos], numeric_ids=False),
                    rule,
                    hint,
                )
            )
    return pd.DataFrame(out, index=frame.index), issues


def _drop_blank_rows(raw: _Raw) -> _Raw:
    """Remove rows where every cell is empty (blank lines in CSV, empty sheet rows)."""
    f = raw.frame
    if f.empty or f.shape[1] == 0:
        return raw
    blank = f.isna()
    keep = ~blank.all(axis=1).to_numpy()
    if keep.all():
        return raw
    return _Raw(raw.table, raw.file, f.loc[keep].reset_index(drop=True), raw.rows[keep])


# ---------------------------------------------------------------------- validation
def _schema_issues(table: str, frame: pd.DataFrame, file: str, rows: np.ndarray) -> pd.DataFrame:
    """Run the pandera model of `table` lazily; failures as issue rows."""
    try:
        # a shallow copy validated in place: pandera would otherwise deep-copy every column
        # (no coercion is configured, so nothing is written; copy-on-write keeps `frame` safe)
        schemas.MODELS[table].validate(frame.copy(deep=False), lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        return _failures_to_issues(table, frame, exc.failure_cases, file, rows)
    return quality.empty()


def _failures_to_issues(
    table: str, frame: pd.DataFrame, fc: pd.DataFrame, file: str, rows: np.ndarray
) -> pd.DataFrame:
    """pandera failure cases -> one issue per failing cell (value read from `frame`)."""
    parts = []
    fc = fc.assign(check=fc["check"].astype(str), column=fc["column"].astype(str))
    missing = fc["check"] == "column_in_dataframe"
    for name in fc.loc[missing, "failure_case"].astype(str):
        rule, hint = schemas.describe_failure(table, name, "column_in_dataframe")
        parts.append(quality.issues("error", table, file, [None], name, None, rule, hint))
    fc = fc.loc[~missing]
    framewide = fc["check"].isin(list(schemas.FRAME_CHECKS))
    groups = [
        (schemas.FRAME_CHECKS[check][0], check, grp)
        for check, grp in fc.loc[framewide].groupby("check", sort=False)
    ] + [
        (column, check, grp)
        for (column, check), grp in fc.loc[~framewide].groupby(["column", "check"], sort=False)
    ]
    for column, check, grp in groups:
        rule, hint = schemas.describe_failure(table, column, check)
        idx = pd.to_numeric(grp["index"], errors="coerce").dropna().astype("int64").unique()
        if len(idx) == 0:  # a check that failed as a whole (no row): report the column
            parts.append(quality.issues("error", table, file, [None], column, None, rule, hint))
            continue
        pos = np.sort(idx)
        values = frame[column].iloc[pos] if column in frame.columns else None
        parts.append(quality.issues("error", table, file, rows[pos], column, values, rule, hint))
    return quality.concat(parts)


# --------------------------------------------------------------------------- assembly
def _build(raws: list[_Raw], notes: list[pd.DataFrame], source: str | None, validate: bool):
    """Coerce, validate and check the raw tables: (tables, files, report)."""
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    rows: dict[str, np.ndarray] = {}
    issues: list[pd.DataFrame] = list(notes)
    for raw in raws:
        frame, problems = _coerce(raw)
        issues += problems
        tables[raw.table], files[raw.table], rows[raw.table] = frame, raw.file, raw.rows
        if validate:
            issues.append(_schema_issues(raw.table, frame, raw.file, raw.rows))
    if validate:
        issues.append(quality.dataset_warnings(tables, files, rows))
    report = quality.finalise(quality.concat(issues))
    return tables, files, report


def _finish(raws, notes, source, validate) -> Dataset:
    tables, files, report = _build(raws, notes, source, validate)
    if validate and (report["severity"] == "error").any():
        raise DataValidationError(report, source)
    return Dataset(tables, report.reset_index(drop=True), files, source)


def _memory_raws(tables: Mapping[str, pd.DataFrame]) -> list[_Raw]:
    raws = []
    for name, frame in tables.items():
        if name not in TABLES:
            raise KeyError(f"Unknown table {name!r}; tables are: {', '.join(TABLES)}.")
        index = frame.index
        labels = index.to_numpy() if pd.api.types.is_integer_dtype(index) else np.arange(len(frame))
        raws.append(_Raw(name, f"<memory:{name}>", frame.reset_index(drop=True), labels))
    return raws


def dataset_from_frames(
    tables: Mapping[str, pd.DataFrame], source: str | None = None, *, validate: bool = True
) -> Dataset:
    """A Dataset from in-memory frames, coerced and validated like files (`<memory:table>`).

    Blank values may be None, NaN or ''; dates may be strings ('01/04/2024', '2024-04-01')
    or datetimes.
    """
    return _finish(_memory_raws(tables), [], source, validate)


def _note(severity: str, file: str, rule: str, hint: str, table: str = "") -> pd.DataFrame:
    return quality.issues(severity, table, file, [None], "", None, rule, hint)


def _collect(folder: Path) -> tuple[list[_Raw], list[pd.DataFrame]]:
    """Read the table files of `folder` (not its subfolders) and the notes on the others."""
    notes: list[pd.DataFrame] = []
    by_stem: dict[str, list[Path]] = {}
    unknown: list[Path] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
        if path.is_dir() or path.name.startswith((".", "~$")):
            continue
        if path.suffix.lower() not in TABLE_SUFFIXES:
            notes.append(
                _note(
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
                _note(
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
            hits = _table_from_headers(_columns_of(path))
        except _Unreadable as exc:
            notes.append(_note("warning", path.name, f"file {exc}; ignored", ""))
            continue
        if not hits:
            notes.append(
                _note(
                    "note",
                    path.name,
                    "file matches no table; ignored",
                    "Name it after its table (e.g. episodes.csv) or give it the DfE "
                    "column headers of one table.",
                )
            )
        elif len(hits) > 1:
            notes.append(
                _note(
                    "warning",
                    path.name,
                    f"headers fit several tables ({', '.join(hits)}); ignored",
                    f"Rename the file to the table it holds, e.g. {hits[0]}.csv.",
                )
            )
        elif hits[0] in chosen or hits[0] in by_stem:
            notes.append(
                _note(
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
                _note(
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
            frame, rownums = _read(path, table)
        except _Unreadable as exc:
            notes.append(_note("error", path.name, f"file {exc}", "", table))
            continue
        raw = _Raw(table, path.name, frame, rownums)
        raws.append(raw if path.suffix.lower() in (".parquet", ".pq") else _drop_blank_rows(raw))
    return raws, notes


def bundled_sample_path() -> Path:
    """Folder of the bundled synthetic sample: the package's `_sample` (installed wheel),
    else the repository's `data/sample/`."""
    try:
        packaged = resources.files("scorecard").joinpath("_sample")
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "data" / "sample"


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
    raws, notes = _collect(folder)
    return _finish(raws, notes, str(folder), validate)


def check_dataset(path: str | Path | None = None) -> pd.DataFrame:
    """The full report (errors, warnings, notes) of a data folder, without raising."""
    try:
        folder = _folder(path)
    except OSError as exc:
        return quality.finalise(_note("error", str(path), str(exc), "Check the folder path."))
    raws, notes = _collect(folder)
    return _build(raws, notes, str(folder), True)[2]


__all__ = [
    "QUALITY_COLUMNS",
    "DataValidationError",
    "bundled_sample_path",
    "check_dataset",
    "dataset_from_frames",
    "format_issue",
    "load_dataset",
]
