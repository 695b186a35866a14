"""The one report every stage adds to: issue rows, their order, their wording, and the error
that carries them.

A report is a frame with `QUALITY_COLUMNS` (severity, table, file, row, column, value, rule,
hint); severity is `error` (the cell, row or table cannot be used), `warning` (kept; the
figures may be affected) or `note` (e.g. an ignored file). `row` is the row as the analyst
sees it in the file: 1-based like a spreadsheet with the header row (and any title rows)
counted; for Parquet the 1-based record number; for XML the element's line (for an XML file
written on one line, labelled "(one line)", the element's character on that line); for
in-memory frames the frame's index label.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset import QUALITY_COLUMNS, empty_unusable
from ..tables import TABLES
from .rows import RowSpan

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


@dataclass(frozen=True)
class Where:
    """Where each row of a loaded table came from: its file (a label per source) and its row
    (XML: line) there. A stitched table's rows come from several files."""

    names: tuple[str, ...]
    source: np.ndarray  # index into names, per row
    rows: np.ndarray | RowSpan  # row number in its file, per row

    @classmethod
    def single(cls, name: str, rows: np.ndarray | RowSpan) -> Where:
        held = rows if isinstance(rows, RowSpan) else np.asarray(rows)
        return cls((name,), np.zeros(len(rows), dtype="int64"), held)

    def file(self, pos: np.ndarray) -> str | np.ndarray:
        """The file of each row at `pos` (one name when the table has one source)."""
        if len(self.names) == 1:
            return self.names[0]
        return np.asarray(self.names, dtype=object)[self.source[pos]]

    def row(self, pos: np.ndarray) -> np.ndarray:
        return self.rows[pos]

    def take(self, pos: np.ndarray) -> Where:
        """The rows at `pos`, in that order."""
        return Where(self.names, self.source[pos], self.rows[pos])


def issues(
    severity: str,
    table: str,
    file: str | Sequence[str] | np.ndarray,
    rows: Sequence[object] | np.ndarray,
    column: str,
    values: object,
    rule: str | pd.Series,
    hint: str | pd.Series,
    pos: np.ndarray | None = None,
) -> pd.DataFrame:
    """Issue rows, one per entry of `rows` (values None: blank value). `file` is one name or
    one per row (a stitched table's rows come from several files). `pos`, the rows'
    positions in the loaded table, marks the cells of an error as unusable."""
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
    frame = frame.astype(object)
    if pos is not None:
        frame["pos"] = np.asarray(pos, dtype="float64")
    return frame


def at(
    severity: str,
    table: str,
    where: Where,
    pos: np.ndarray,
    column: str,
    values: object,
    rule: str | pd.Series,
    hint: str | pd.Series,
) -> pd.DataFrame:
    """Issue rows for the rows at `pos` of a loaded table (file and row from `where`)."""
    pos = np.asarray(pos, dtype="int64")
    return issues(
        severity, table, where.file(pos), where.row(pos), column, values, rule, hint, pos=pos
    )


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
    # a cell is its table, file, row and column; and its position, where known (the
    # elements of a one-line XML file share their line)
    keys = ["table", "file", "row", "column", *(["pos"] if "pos" in report.columns else [])]
    cell = report.loc[is_error & has_row, keys].astype(str)
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


def unusable_cells(report: pd.DataFrame) -> pd.DataFrame:
    """The cells errors make unusable (table, row = position in the loaded table, column,
    rule), from a report whose issue rows carry `pos` (before `finalise`)."""
    if report.empty or "pos" not in report.columns:
        return empty_unusable()
    hit = report.loc[(report["severity"] == "error") & report["pos"].notna()]
    out = pd.DataFrame(
        {
            "table": hit["table"].astype(object),
            "row": hit["pos"].astype("int64"),
            "column": hit["column"].astype(object),
            "rule": hit["rule"].astype(object),
        }
    ).drop_duplicates(["table", "row", "column"])
    return out.sort_values(["table", "row", "column"], kind="stable").reset_index(drop=True)


ONE_LINE = " (one line)"  # after the label of an XML file whose elements are all on one line


def unit(file: object) -> str:
    """What a report's `row` counts in `file`: 'row', 'line' (XML) or 'character' (an XML
    file written on one line: the element's character on it, for an editor's go-to)."""
    text = str(file).lower()
    if text.endswith(".xml" + ONE_LINE):
        return "character"
    return "line" if text.endswith(".xml") else "row"


def where(file: object, row: object) -> str:
    """'episodes.csv, row 5' (XML files: 'line 5', the element's line; one-line XML files:
    'character 5321')."""
    text = str(file)
    if pd.notna(row) and row != "":
        text += f", {unit(file)} {row}"
    return text


def format_issue(row: object) -> str:
    """One readable line: file, row, column, value, rule and hint."""
    parts = [where(row.file, row.row)] if str(row.file) else []  # (a year with no file)
    if isinstance(row.column, str) and row.column:
        parts.append(f"column {row.column}")
    if isinstance(row.value, str) and row.value != "":
        parts.append(f"value {row.value!r}")
    text = ", ".join(parts) + f": {row.rule}" if parts else str(row.rule)
    if isinstance(row.hint, str) and row.hint:
        text = text.rstrip(".") + f". {row.hint}"  # a rule may end its own sentence
    return "  " + text


FIRST_VALUES = 8  # distinct values named in a grouped line
FIRST_ROWS = 5  # rows spelt out in a grouped line


def grouped_lines(report: pd.DataFrame) -> list[str]:
    """The report for a terminal: one line per file, table, column and rule, with the count
    and the first rows (a problem found once keeps its own line, with its value). A returns
    XML file holds several tables: a header row and an oc3 row on one line are two lines."""
    lines: list[str] = []
    if report.empty:
        return lines
    keys = report[["file", "table", "column", "rule"]].astype(str)
    for _, idx in keys.groupby(list(keys.columns), sort=False).groups.items():
        group = report.loc[idx]
        first = group.iloc[0]
        if len(group) == 1:
            lines.append(format_issue(first))
            continue
        rows = [r for r in group["row"] if pd.notna(r) and r != ""]
        counted = unit(first.file) + "s"
        shown = ", ".join(str(r) for r in rows[:FIRST_ROWS])
        more = " ..." if len(rows) > FIRST_ROWS else ""
        values = [v for v in dict.fromkeys(group["value"]) if isinstance(v, str) and v]
        named = values[:FIRST_VALUES]
        text = f"  {first.file}"
        if isinstance(first.column, str) and first.column:
            text += f", column {first.column}"
        text += f": {first.rule} ({len(group)} times"
        text += f"; {counted} {shown}{more}" if rows else ""
        if named:
            others = f" and {len(values) - len(named)} more" if len(values) > len(named) else ""
            text += f"; values {', '.join(repr(v) for v in named)}{others}"
        text += ")"
        hint = _hints(group, named)
        if hint:
            text += f". {hint}"
        lines.append(text)
    return lines


def _hints(group: pd.DataFrame, values: list[str]) -> str:
    """The group's hint; where its rows' hints differ (a code of another year: each value has
    its own years), the first hint of each value named, so no value takes another's."""
    hints = [h for h in dict.fromkeys(group["hint"]) if isinstance(h, str) and h]
    if len(hints) <= 1:
        return hints[0] if hints else ""
    first = group.drop_duplicates("value").set_index("value")["hint"]
    said = [first[v] for v in values if v in first.index and isinstance(first[v], str)]
    return " ".join(h if h.endswith(".") else h + "." for h in dict.fromkeys(said))


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
