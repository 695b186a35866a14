"""`scorecard validate DIR`: the data report, every error, warning and note."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_DATA, EXIT_OK, print_report


def register(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser(
        "validate",
        help="check a data folder and print every error and warning",
        description="Check a folder of tables against the input contract and print every "
        "error, warning and note (file, row, column, value, rule, hint). Exit 1 on errors.",
    )
    v.add_argument("data", type=Path, help="folder of tables")
    v.add_argument("--csv", type=Path, help="also write the full report to this CSV file")
    v.set_defaults(func=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..inputs import check_dataset

    report = check_dataset(args.data)
    n_err = int((report["severity"] == "error").sum())
    n_warn = int((report["severity"] == "warning").sum())
    print_report(report)
    if args.csv:
        from ..charts import write_atomic

        write_atomic(args.csv, report.to_csv(index=False).encode("utf-8"))
    verdict = "cannot be used until the errors are fixed" if n_err else "can be used"
    print(f"{args.data}: {n_err} error(s), {n_warn} warning(s); the data {verdict}.")
    return EXIT_DATA if n_err else EXIT_OK
