"""`scorecard validate DIR`: the data report (grouped), the returns, the coverage."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pandas as pd

from .common import EXIT_DATA, EXIT_OK, DataError, print_report

REPORT_SUFFIXES = (".xlsx", ".csv")


def register(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser(
        "validate",
        help="check a data folder and print every error and warning",
        description="Check a folder of tables or yearly returns against the input contract. "
        "Prints the problems grouped by file, column and rule (count and first rows), the "
        "returns found and the dates the data covers. Exit 1 when there are errors (their "
        "rows are left out of the figures) or nothing can be loaded; 0 with warnings only.",
    )
    v.add_argument("data", type=Path, help="folder of tables or yearly returns")
    v.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="write every problem (one row each) to FILE: .xlsx or .csv",
    )
    v.add_argument(
        "--csv", type=Path, metavar="FILE", help="the same as CSV (with --report: both written)"
    )
    v.set_defaults(func=run)


def _write(path: Path, report: pd.DataFrame) -> None:
    from ..files import write

    if path.suffix.lower() == ".xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
            report.to_excel(writer, sheet_name="problems", index=False)
            sheet = writer.sheets["problems"]
            sheet.autofilter(0, 0, len(report), len(report.columns) - 1)
            sheet.freeze_panes(1, 0)
            for i, width in enumerate((9, 14, 30, 7, 18, 16, 50, 70)):
                sheet.set_column(i, i, width)
        write(path, buffer.getvalue())
    else:
        write(path, report.to_csv(index=False).encode("utf-8"))


def _print_coverage(ds) -> None:  # type: ignore[no-untyped-def]
    if len(ds.returns):
        print("RETURNS")
        for r in ds.returns.to_dict("records"):
            print(
                f"  {r['collection_year']} {r['return']} ({r['year_from']}): {r['tables']}; "
                f"{r['rows']:,} rows"
            )
        print()
    print("COVERAGE")
    for table in ds.names:
        cov = ds.coverage.get(table)
        if cov is None:
            print(f"  {table}: not limited")
            continue
        text = f"  {table}: {cov.start:%d/%m/%Y} to {cov.end:%d/%m/%Y}"
        if cov.gaps:
            text += " except " + ", ".join(f"{a:%d/%m/%Y}-{b:%d/%m/%Y}" for a, b in cov.gaps)
        print(f"{text} ({cov.basis})")
    print()


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..inputs import check

    targets = [path for path in (args.report, args.csv) if path]  # both when both given
    if args.report and args.report.suffix.lower() not in REPORT_SUFFIXES:
        raise DataError(f"--report writes .xlsx or .csv, not {args.report.name}")
    ds, report = check(args.data)
    n_err = int((report["severity"] == "error").sum())
    n_warn = int((report["severity"] == "warning").sum())
    print_report(report)
    if ds is not None and ds.names:
        _print_coverage(ds)
    for target in targets:
        _write(target, report)
        print(f"Every problem ({len(report)}) written to {target}.")
    if ds is None or not ds.names:
        print(f"{args.data}: nothing could be loaded ({n_err} error(s)).")
        return EXIT_DATA
    if n_err:
        left = len(ds.unusable)
        print(
            f"{args.data}: {n_err} error(s), {n_warn} warning(s); {left:,} unusable cell(s) "
            "leave their rows out of the figures that need them, and tables with errors in "
            "their structure are left out, until the errors are fixed."
        )
        return EXIT_DATA
    print(f"{args.data}: 0 error(s), {n_warn} warning(s); the data can be used.")
    return EXIT_OK
