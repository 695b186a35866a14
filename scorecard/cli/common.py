"""What every command shares: exit codes, the data-error type, progress lines, dates given
as options, plain-text tables and the data report printer (the benchmark arguments `build`
and `benchmark` share are in `benchmark.py`)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2
PRINT_WIDTH = 160


class DataError(Exception):
    """A problem with the user's data or files: reported plainly, exit code 1."""


class Progress:
    """`[3/7] computing indicators...` lines on stderr, so stdout stays clean for tables."""

    def __init__(self, total: int, quiet: bool = False) -> None:
        self.total, self.step, self.quiet = total, 0, quiet

    def __call__(self, message: str) -> None:
        self.step += 1
        if not self.quiet:
            print(f"[{self.step}/{self.total}] {message}...", file=sys.stderr, flush=True)


def table_text(frame: pd.DataFrame, decimals: int = 2) -> str:
    """A plain-text table: text left-aligned, numbers right-aligned, blanks for missing.
    A column of numbers has one format: the fewest decimals (up to `decimals`) that show
    every value of it as it is (a count beside rates of one decimal reads 1,896.0), rounded
    half up as the card rounds (`format_number`)."""
    from ..report.fmt import format_number

    cols: list[list[str]] = []
    numeric: list[bool] = []
    for name in frame.columns:
        s = frame[name]
        is_num = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        if is_num:
            present = pd.to_numeric(s, errors="coerce").dropna().astype("float64").to_numpy()
            places = next(
                (p for p in range(decimals) if np.allclose(present, present.round(p), atol=1e-9)),
                decimals,
            )
            cells = [format_number(v, places) for v in s]
        else:
            cells = [
                "" if (v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))) else str(v)
                for v in s
            ]
        cols.append([str(name), *cells])
        numeric.append(is_num)
    widths = [max(len(c) for c in col) for col in cols]
    lines = []
    for r in range(len(frame) + 1):
        cells = [
            col[r].rjust(w) if num else col[r].ljust(w)
            for col, w, num in zip(cols, widths, numeric)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


DATE_HINT = (
    "Write a financial quarter as 2024-25 Q4 (the year runs April to March: Q1 ends 30 June, "
    "Q4 ends 31 March) or a date as 2025-03-31 or 31/03/2025."
)


def option_date(option: str, value: str, labels: bool = True) -> pd.Timestamp:
    """The date an option gives (a quarter's or year's end for its label); a
    ReferenceDateError that names the option and the forms a command line takes (not the
    API's `at` forms). `labels=False` (the days data covers) refuses quarter and year labels:
    they name a last day, which is no first day."""
    from ..periods import AT_FORMS_HINT, ReferenceDateError, names_a_period, parse_date

    if not labels and names_a_period(value):
        raise ReferenceDateError(
            f"{option}: {value!r} is a quarter or year; give the days themselves, e.g. "
            "01/04/2015 31/03/2025 (a label names its last day, never its first)."
        )
    try:
        return parse_date(value)
    except ReferenceDateError as exc:
        reason = str(exc).replace(AT_FORMS_HINT, "").strip()
        raise ReferenceDateError(f"{option}: {reason} {DATE_HINT}") from None


def data_arguments(parser: argparse.ArgumentParser) -> None:
    """The data folder, as `scorecard validate DIR` takes it or as `--data DIR`."""
    parser.add_argument(
        "folder", nargs="?", type=Path, metavar="DIR", help="folder of tables (or --data DIR)"
    )
    parser.add_argument(
        "--data", type=Path, metavar="DIR", help="folder of tables (default: the bundled sample)"
    )


def data_folder(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Path | None:
    """The folder given either way (None: the bundled sample); two different ones: a usage
    error."""
    if args.folder is not None and args.data is not None and args.folder != args.data:
        parser.error(f"two data folders given ({args.folder} and --data {args.data}); give one.")
    return args.data if args.data is not None else args.folder


def note(message: str) -> None:
    """A line for the analyst on stderr (stdout stays clean for tables)."""
    print(message, file=sys.stderr, flush=True)


def data_exceptions() -> tuple[type[BaseException], ...]:
    """Errors caused by the user's inputs: reported without a traceback, exit 1."""
    from ..benchmark_loaders import BenchmarkFileError
    from ..catalogue import CatalogueError
    from ..dataset import MissingTableError
    from ..inputs import DataValidationError

    return (CatalogueError, MissingTableError, OSError, DataValidationError, BenchmarkFileError)


def print_report(report: pd.DataFrame, stream: Any = None) -> None:
    """The data report grouped by severity, then by file, column and rule: one line per group
    with the count and the first rows (`scorecard validate --report` writes every row)."""
    from ..inputs import grouped_lines

    stream = stream or sys.stdout
    if report.empty:
        print("No problems found.", file=stream)
        return
    for severity, heading in (("error", "ERRORS"), ("warning", "WARNINGS"), ("note", "NOTES")):
        part = report.loc[report["severity"] == severity]
        if part.empty:
            continue
        print(f"{heading} ({len(part)})", file=stream)
        for line in grouped_lines(part):
            print(textwrap.shorten(line, PRINT_WIDTH * 2, placeholder=" ..."), file=stream)
        print(file=stream)
    other = report.loc[~report["severity"].isin(["error", "warning", "note"])]
    for line in grouped_lines(other):
        print(line, file=stream)
