"""`scorecard benchmark`: an authority against all others and its statistical neighbours."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from .common import EXIT_OK, DataError, benchmark_arguments, load_panel, note, table_text


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser(
        "benchmark",
        help="compare an LA with all authorities and its statistical neighbours",
        description="Quartile band, rank, statistical-neighbour average and the gap to the "
        "best for an LA, from published benchmark data.",
    )
    benchmark_arguments(m)
    m.add_argument(
        "--year",
        help="year the published period ends (2025) or its label ('2024-25'); default: the "
        "latest with a value for the LA",
    )
    m.add_argument(
        "--sn-stat",
        choices=("mean", "median"),
        default="mean",
        help="neighbour average: mean (LAIT, default) or median (DfE dashboard)",
    )
    m.add_argument("--indicators", nargs="+", metavar="ID", help="only these indicator ids")
    m.add_argument("--csv", type=Path, help="also write the table to this CSV file")
    m.set_defaults(func=run)


def _latest_year(panel: pd.DataFrame, la: str) -> object:
    mine = panel.loc[(panel["la_code"].astype("string") == la) & panel["value"].notna()]
    years = (mine if len(mine) else panel)["year"].dropna()
    if years.empty:
        raise DataError("The benchmark file has no years with values.")
    return sorted(years.unique(), key=str)[-1]


def _year_arg(panel: pd.DataFrame, year: str | None, la: str) -> object:
    """The year to compare: as given (2025 or a label such as '2024-25'), else the latest
    year with a value for the LA."""
    if year is None:
        return _latest_year(panel, la)
    text = year.strip()
    return int(text) if text.isdigit() else text


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..benchmark import compare
    from ..report.comparison import comparison_summary

    la = args.la.strip()
    panel, sn = load_panel(args.benchmarks, args.neighbours)
    year = _year_arg(panel, args.year, la)
    try:
        table = compare(panel, la, year, sn, indicators=args.indicators, sn_stat=args.sn_stat)
    except (KeyError, ValueError) as exc:
        raise DataError(str(exc).strip("\"'")) from None
    if table is None or len(table) == 0:
        raise DataError(f"No benchmark rows for LA {la} in {year}.")
    name = table["la_name"].dropna().iloc[0] if table["la_name"].notna().any() else la
    print(
        f"{name} (LA {table['la_code'].iloc[0]}), {table['year'].iloc[0]}: quartile band A = "
        f"best; rank 1 = best; SN = {args.sn_stat} of statistical neighbours with a value\n"
    )
    print(table_text(comparison_summary(table)))
    if args.csv:
        from ..charts import write_atomic

        write_atomic(args.csv, table.to_csv(index=False).encode("utf-8"))
        note(f"Wrote all {table.shape[1]} columns to {args.csv}")
    return EXIT_OK
