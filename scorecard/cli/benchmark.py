"""`scorecard benchmark`: an authority against all others and its statistical neighbours; and
the benchmark arguments `build` shares (--benchmarks, --neighbours, --la; --sn-stat and
--min-size), with the one place a command-line authority is resolved (`la_code`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from .common import EXIT_OK, EXIT_USAGE, DataError, note, table_text

BENCHMARKS_HELP = (
    "published figures to compare with: a LAIT long extract (Parquet or CSV, e.g. "
    "bds_long_0.parquet), explore-education-statistics CSVs of either vintage (their series "
    "mapped through the catalogue), or folders of them; several at once (where two hold the "
    "same figure, the first given wins)"
)
NEIGHBOURS_HELP = (
    "DfE statistical-neighbour list: the workbook (sn_may_2025.xlsx), the wide CSV or the "
    "by-name CSV"
)
LA_HELP = "the authority: 3-digit code (886), 9-character code (E10000016) or name (Kent)"


def benchmark_arguments(
    sub: argparse.ArgumentParser, defaults: dict[str, str] | None = None
) -> None:
    """--benchmarks, --neighbours and --la, shared by `build` (optional, with `defaults`
    explained in the help) and `benchmark` (--benchmarks and --la required)."""
    extra = (lambda flag: f"; {defaults[flag]}") if defaults else (lambda flag: "")
    required = defaults is None
    sub.add_argument(
        "--benchmarks",
        metavar="FILE",
        nargs="+",
        type=Path,
        required=required,
        help=BENCHMARKS_HELP + extra("--benchmarks"),
    )
    sub.add_argument(
        "--neighbours", metavar="FILE", type=Path, help=NEIGHBOURS_HELP + extra("--neighbours")
    )
    sub.add_argument("--la", metavar="LA", required=required, help=LA_HELP + extra("--la"))


def comparison_arguments(sub: argparse.ArgumentParser) -> None:
    """--sn-stat and --min-size: how the neighbours' average and the best LA are worked out,
    shared by `benchmark` and `build` (read back with `min_size_of`)."""
    sub.add_argument(
        "--sn-stat",
        choices=("mean", "median"),
        default="mean",
        help="neighbour average: mean (LAIT, default) or median (DfE dashboard)",
    )
    sub.add_argument(
        "--min-size",
        type=float,
        default=None,
        metavar="N",
        help="name as best LA only an authority with at least N children looked after "
        "(default 100; 0: any authority, LAIT's plain rule)",
    )


def min_size_of(args: argparse.Namespace, parser: argparse.ArgumentParser) -> float | None:
    """The --min-size given (the default 100 when none; None for 0: any authority)."""
    from ..benchmark import MIN_SIZE

    if args.min_size is None:
        return MIN_SIZE
    if args.min_size < 0:
        parser.error("--min-size must be 0 or more")
    return args.min_size or None


def load_panel(
    paths: list[Path] | Path, neighbours: Path | None, catalogue: Any = None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The published figures of every file given, and (when given) the neighbour list."""
    from ..benchmark import benchmark_panel, load_neighbours

    panel = benchmark_panel(paths, catalogue=catalogue)
    sn = load_neighbours(neighbours, benchmarks=panel) if neighbours is not None else None
    return panel, sn


def la_code(
    la: str,
    sources: list[Any],
    command: str,
    parser: argparse.ArgumentParser | None = None,
) -> str:
    """The 3-digit code of `--la` (code, 9-character code or name), looked up in the benchmark
    sources (files are read for their LA columns only; folders skipped) and the bundled list
    of English LAs. An authority nothing knows is a usage error (exit 2) naming close
    matches: never a silent build for the wrong or no authority."""
    from ..la_lookup import UnknownLAError, resolve_la

    readable = [s for s in sources if s is not None and not _is_folder(s)]
    try:
        return resolve_la(la, *readable)[0]
    except UnknownLAError as exc:
        message = f"--la {la}: {exc}"
        if parser is not None:
            parser.error(message)
        print(f"scorecard {command}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None


def _is_folder(source: Any) -> bool:
    return not isinstance(source, pd.DataFrame) and Path(str(source)).is_dir()


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser(
        "benchmark",
        help="compare an LA with all authorities and its statistical neighbours",
        description="Published figure, quartile band, rank, statistical-neighbour average, "
        "England, region and the gap to the best authority and the best neighbour, for each "
        "of the catalogue's indicators in the files given (each at its own latest year with "
        "a value for the LA, unless --year).",
    )
    benchmark_arguments(m)
    comparison_arguments(m)
    m.add_argument(
        "--year",
        help="year the published period ends (2025) or its label ('2024-25'), the same for "
        "every indicator; default: each indicator's latest year with a value for the LA",
    )
    m.add_argument(
        "--indicators",
        nargs="+",
        metavar="ID",
        help="only these (catalogue ids or LAIT names); default: the catalogue's indicators "
        "found in the files",
    )
    m.add_argument(
        "--all", action="store_true", help="every indicator in the files, not only the catalogue's"
    )
    m.add_argument(
        "--catalogue",
        type=Path,
        metavar="FILE",
        help="your own indicators.yaml (default: the bundled catalogue)",
    )
    m.add_argument("--csv", type=Path, help="also write the table to this CSV file")
    m.set_defaults(func=run)


def _year_arg(year: str | None) -> object:
    """The year to compare: as given (2025 or a label such as '2024-25'), else None (each
    indicator's latest year with a value for the LA)."""
    if year is None:
        return None
    text = year.strip()
    return int(text) if text.isdigit() else text


def _wanted(
    args: argparse.Namespace, panel: pd.DataFrame, cat: Any, year: object
) -> list[str] | None:
    """The indicators asked for; by default the catalogue's that the files hold (in `year`,
    when one is given)."""
    if args.indicators or args.all:
        return args.indicators
    from ..benchmark import benchmark_name, year_from_label

    if year is not None:
        end = year if isinstance(year, int) else year_from_label(year)
        panel = panel[panel["year"] == end]
    present = set(pd.unique(panel["indicator"]))
    names = [benchmark_name(ind) for ind in cat]
    return list(dict.fromkeys(n for n in names if n in present)) or None


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..benchmark import best_rule, compare
    from ..catalogue import load_catalogue
    from ..report.comparison import comparison_summary

    min_size = min_size_of(args, parser)
    cat = load_catalogue(args.catalogue) if args.catalogue else load_catalogue()
    panel, sn = load_panel(args.benchmarks, args.neighbours, cat)
    la = la_code(args.la, [panel], "benchmark", parser)
    if la not in set(panel["la_code"].astype("str")):
        from ..la_lookup import resolve_la

        raise DataError(
            f"{resolve_la(la, panel)[1]} (LA {la}) has no figures in the benchmark file(s) "
            "given; check --benchmarks (LAIT or EES files covering English authorities)."
        )
    year = _year_arg(args.year)
    try:
        table = compare(
            panel,
            la,
            year,
            sn,
            indicators=_wanted(args, panel, cat, year),
            sn_stat=args.sn_stat,
            catalogue=cat,
            min_size=min_size,
        )
    except (KeyError, ValueError) as exc:
        raise DataError(str(exc).strip("\"'")) from None
    if len(table) == 0:
        raise DataError(f"No benchmark rows for LA {la}.")
    name = table["la_name"].dropna().iloc[0] if table["la_name"].notna().any() else la
    years = sorted({int(y) for y in table["year"].dropna()})
    when = f"{years[0]}" if len(years) == 1 else "each indicator's latest year (column year)"
    print(
        f"{name} (LA {la}), {when}: published figures; quartile band A = best; rank 1 = best; "
        f"SN = {args.sn_stat} of statistical neighbours with a value; {best_rule(min_size)}\n"
    )
    print(table_text(comparison_summary(table)))
    if args.csv:
        from ..files import write

        # 10 significant digits: an average of published figures is 13.2, not the
        # 13.200000000000001 of its binary sum
        write(args.csv, table.to_csv(index=False, float_format="%.10g").encode("utf-8"))
        note(f"Wrote all {table.shape[1]} columns to {args.csv}")
    return EXIT_OK
