"""The one report every stage adds to: issue rows, their order, their wording, and the error
that carries them.

A report is a frame with `QUALITY_COLUMNS` (severity, table, file, row, column, value, rule,
hint); severity is `error` (the cell, row or table cannot be used), `warning` (kept; the
figures may be affected) or `note` (e.g. an ignored file). `row` is the row as the analyst
sees it in the file: 1-based like a spreadsheet with the header row (and any title rows)
counted; for Parquet the 1-based record number; for XML the element's line; for in-memory
frames the frame's index label.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..dataset import QUALITY_COLUMNS, TABLES

SEVERITIES = ("error", "warning", "note")
MAX_LISTED = 200  # problems spelt out in str(DataValidationError); .report has all

_EMPTY = pd.DataFrame({c: pd.Series(dtype="object") for c in QUALITY_COLUMNS})


def empty() -> pd.DataFrame:
    """An empty report."""
    return _EMPTY.copy(deep=False)


def display(values: object) -> pd.Series:
    """Values as the analyst would type them: dates dd/mm/YYYY, 1234.0 as 1234, blank ''."""
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    s = s.reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%d/%m/%Y").fillna("").astype(object)
    if pd.api.types.is_float_dtype(s):
        whole = s.notna() & (s == s.round())
        out = s.astype(str).astype(object)
        out[whole] = s[whole].astype("int64").astype(str)
        return out.where(s.notna(), "")
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_string_dtype(s):
        return s.astype(object).where(s.notna(), "").astype(str).astype(object)

    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            return ""
        if isinstance(v, pd.Timestamp):
            return v.strftime("%d/%m/%Y")
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return s.map(one).astype(object)


def issues(
    severity: str,
    table: str,
    file: str | Sequence[str] | np.ndarray,
    rows: Sequence[object] | np.ndarray,
    column: str,
    values: object,
    rule: str | pd.Series,
    hint: str | pd.Series,
) -> pd.DataFrame:
    """Issue rows, one per entry of `rows` (values None: blank value). `file` is one name or
    one per row (a stitched table's rows come from several files)."""
    n = len(rows)
    vals = pd.Series([""] * n, dtype=object) if values is None else display(values)

    def col(v: object) -> object:
        if isinstance(v, pd.Series):
            return v.to_numpy(dtype=object)
        return np.asarray(v, dtype=object) if isinstance(v, np.ndarray | list) else v

    frame = pd.DataFrame(
        {
            "severity": severity,
            "table": table,
            "file": col(file),
            "row": pd.Series(np.asarray(rows, dtype=object), dtype=object),
            "column": column,
            "value": vals.to_numpy(dtype=object),
            "rule": col(rule),
            "hint": col(hint),
        },
        index=pd.RangeIndex(n),
    )
    return frame.astype(object)


def note(severity: str, file: str, rule: str, hint: str, table: str = "") -> pd.DataFrame:
    """One issue about a whole file or table (no row, no column)."""
    return issues(severity, table, file, [None], "", None, rule, hint)


def concat(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Issue frames stacked (empty report when none)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty()
    return pd.concat(parts, ignore_index=True)


def finalise(report: pd.DataFrame) -> pd.DataFrame:
    """One error per cell (the first found wins), sorted: errors first, then by table, file,
    row and column."""
    if report.empty:
        return empty()
    report = report.reset_index(drop=True)
    is_error = report["severity"] == "error"
    has_row = report["row"].notna()
    cell = report.loc[is_error & has_row, ["table", "file", "row", "column"]].astype(str)
    dup = cell.duplicated()
    report = report.drop(index=dup.index[dup.to_numpy()])
    table_order = {t: i for i, t in enumerate(TABLES)}
    keys = pd.DataFrame(
        {
            "sev": report["severity"].map({s: i for i, s in enumerate(SEVERITIES)}),
            "table": report["table"].map(table_order).fillna(len(table_order)),
            "file": report["file"].astype(str),
            "row": pd.to_numeric(report["row"], errors="coerce").fillna(-1),
            "column": report["column"].astype(str),
        },
        index=report.index,
    )
    order = keys.sort_values(list(keys.columns), kind="stable").index
    out = report.loc[order].reset_index(drop=True)
    return out[QUALITY_COLUMNS].astype(object)


def where(file: object, row: object) -> str:
    """'episodes.csv, row 5' (XML files: 'line 5', the element's line)."""
    text = str(file)
    if pd.notna(row) and row != "":
        unit = "line" if text.lower().endswith(".xml") else "row"
        text += f", {unit} {row}"
    return text


def format_issue(row: object) -> str:
    """One readable line: file, row, column, value, rule and hint."""
    parts = [where(row.file, row.row)]
    if isinstance(row.column, str) and row.column:
        parts.append(f"column {row.column}")
    if isinstance(row.value, str) and row.value != "":
        parts.append(f"value {row.value!r}")
    text = ", ".join(parts) + f": {row.rule}"
    if isinstance(row.hint, str) and row.hint:
        text += f". {row.hint}"
    return "  " + text


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
        where_ = f" in {self.source}" if self.source else ""
        lines = [
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''}{where_} stop the data loading "
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
