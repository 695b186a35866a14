"""The `scorecard` command line: build the panel scorecard, validate data, list the
catalogue, benchmark an authority (SPEC section 9). One module per command.

    scorecard build --quarter "2024-25 Q4" --data DIR --out out/
    scorecard validate DIR
    scorecard indicators --domain "placement stability"
    scorecard benchmark --la 886 --benchmarks lait.csv --neighbours sn.csv
    scorecard children --indicator placement_stability_short --quarter "2024-25 Q4" --out list.xlsx

Exit codes: 0 success, 1 data errors (the report is printed, never a traceback),
2 usage errors (argparse's own).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from collections.abc import Sequence

import pandas as pd

from .. import __version__
from . import benchmark, build, children, indicators, validate
from .common import EXIT_DATA, EXIT_OK, DataError, data_exceptions, print_report

COMMANDS = (build, validate, indicators, benchmark, children)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scorecard",
        description="Children looked after indicators, RAG bands, benchmarks and the "
        "Corporate Parenting Panel scorecard.",
        epilog="Exit codes: 0 success, 1 data errors (a report is printed), 2 usage errors.",
    )
    parser.add_argument("--version", action="version", version=f"scorecard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = _warning_lines()
        return _run(args, parser)


def _warning_lines():
    """Warnings as lines for the analyst ('scorecard: warning: ...'), each once, not in
    Python's form with the library's file and line of code."""
    seen: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        text = str(message)
        if text not in seen:
            seen.add(text)
            print(f"scorecard: warning: {text}", file=sys.stderr)

    return show


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        return int(args.func(args, parser) or EXIT_OK)
    except BrokenPipeError:
        # the program reading the output stopped early (`scorecard validate DIR | head`):
        # nothing is wrong; Python's last flush of stdout goes nowhere instead of failing
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except DataError as exc:
        print(f"scorecard: {exc}", file=sys.stderr)
        return EXIT_DATA
    except data_exceptions() as exc:
        report = getattr(exc, "report", None)
        if isinstance(report, pd.DataFrame) and len(report):
            print_report(report, stream=sys.stderr)
            n = int((report["severity"] == "error").sum())
            print(
                f"scorecard: the data cannot be used ({n} error(s)); nothing was written. "
                "Fix the errors above and run again.",
                file=sys.stderr,
            )
        else:
            print(f"scorecard: {exc}", file=sys.stderr)
        return EXIT_DATA


__all__ = ["build_parser", "main"]
