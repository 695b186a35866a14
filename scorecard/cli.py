"""The `scorecard` command line: build the panel scorecard, validate data, list the
catalogue, benchmark an authority (SPEC section 9).

    scorecard build --quarter "2024-25 Q4" --data DIR --out out/
    scorecard validate DIR
    scorecard indicators --domain "placement stability"
    scorecard benchmark --la 886 --benchmarks lait.csv --neighbours sn.csv

Exit codes: 0 success, 1 data errors (the report is printed, never a traceback),
2 usage errors (argparse's own).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2
TREND_QUARTERS = 8
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
    """A plain-text table: text left-aligned, numbers right-aligned, blanks for missing."""
    cols: list[list[str]] = []
    numeric: list[bool] = []
    for name in frame.columns:
        s = frame[name]
        is_num = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        if is_num:
            present = pd.to_numeric(s, errors="coerce").dropna().astype("float64")
            places = 0 if (present % 1 == 0).all() else decimals  # one format per column
            cells = ["" if pd.isna(v) else f"{float(v):,.{places}f}" for v in s]
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


def _note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scorecard",
        description="Children looked after indicators, RAG bands, benchmarks and the "
        "Corporate Parenting Panel scorecard.",
        epilog="Exit codes: 0 success, 1 data errors (a report is printed), 2 usage errors.",
    )
    parser.add_argument("--version", action="version", version=f"scorecard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser(
        "build",
        help="build the quarterly scorecard (HTML, Excel and charts) into a folder",
        description="Build the quarterly panel scorecard: a self-contained HTML page, an "
        "Excel workbook and PNG charts (a trend per indicator, time in care by age at entry, "
        "a few indicators by district, and a benchmark chart per indicator with published "
        "comparators). Everything is rendered first and then written, so a failed run leaves "
        "the output folder as it was.",
    )
    b.add_argument(
        "--quarter",
        metavar="QUARTER",
        help="financial quarter ('2024-25 Q4') or a date ('2025-03-31'). Default: the latest "
        "quarter that had ended by the last date recorded in the episodes (or referrals).",
    )
    b.add_argument(
        "--data", type=Path, metavar="DIR", help="folder of tables (default: the bundled sample)"
    )
    _benchmark_arguments(
        b,
        defaults={
            "--benchmarks": "default with the bundled sample: its synthetic panel; otherwise "
            "no comparators",
            "--neighbours": "default with the bundled sample: its synthetic list",
            "--la": "default with the bundled sample: 650",
        },
    )
    b.add_argument(
        "--out", type=Path, default=Path("out"), metavar="DIR", help="output folder (default: out/)"
    )
    b.add_argument(
        "--publish",
        action="store_true",
        help="apply small-number suppression for publication (counts 1-N shown as 'c')",
    )
    b.add_argument(
        "--suppress-threshold",
        type=int,
        default=5,
        metavar="N",
        help="largest count withheld when publishing (default 5)",
    )
    b.add_argument("--no-charts", action="store_true", help="write the tables only")
    b.add_argument("--quiet", action="store_true", help="no progress lines")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser(
        "validate",
        help="check a data folder and print every error and warning",
        description="Check a folder of tables against the input contract and print every "
        "error, warning and note (file, row, column, value, rule, hint). Exit 1 on errors.",
    )
    v.add_argument("data", type=Path, help="folder of tables")
    v.add_argument("--csv", type=Path, help="also write the full report to this CSV file")
    v.set_defaults(func=cmd_validate)

    i = sub.add_parser(
        "indicators",
        help="list the indicator catalogue",
        description="List the indicators of the catalogue (ids are the stable API).",
    )
    i.add_argument("--domain", help="only this domain, e.g. 'placement stability'")
    i.add_argument("--catalogue", type=Path, help="a catalogue file (default: the bundled one)")
    i.set_defaults(func=cmd_indicators)

    m = sub.add_parser(
        "benchmark",
        help="compare an LA with all authorities and its statistical neighbours",
        description="Quartile band, rank, statistical-neighbour average and the gap to the "
        "best for an LA, from published benchmark data.",
    )
    _benchmark_arguments(m)
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
    m.set_defaults(func=cmd_benchmark)
    return parser


def _benchmark_arguments(
    sub: argparse.ArgumentParser, defaults: dict[str, str] | None = None
) -> None:
    """--benchmarks, --neighbours and --la, shared by `build` (optional, with `defaults`
    explained in the help) and `benchmark` (required: no defaults)."""
    for flag, metavar, what in (
        ("--benchmarks", "FILE", "LAIT long extract or benchmark panel (csv or xlsx)"),
        ("--neighbours", "FILE", "statistical-neighbour list (xlsx or csv)"),
        ("--la", "CODE", "3-digit LA code, e.g. 886 (Kent)"),
    ):
        kind = {} if flag == "--la" else {"type": Path}
        note = f"; {defaults[flag]}" if defaults else ""
        sub.add_argument(flag, metavar=metavar, required=defaults is None, help=what + note, **kind)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args, parser) or EXIT_OK)
    except DataError as exc:
        print(f"scorecard: {exc}", file=sys.stderr)
        return EXIT_DATA
    except _data_exceptions() as exc:
        report = getattr(exc, "report", None)
        if isinstance(report, pd.DataFrame) and len(report):
            _print_report(report, stream=sys.stderr)
            n = int((report["severity"] == "error").sum())
            print(
                f"scorecard: the data cannot be used ({n} error(s)); nothing was written. "
                "Fix the errors above and run again.",
                file=sys.stderr,
            )
        else:
            print(f"scorecard: {exc}", file=sys.stderr)
        return EXIT_DATA


def _data_exceptions() -> tuple[type[BaseException], ...]:
    """Errors caused by the user's inputs: reported without a traceback, exit 1."""
    from .benchmark_loaders import BenchmarkFileError
    from .catalogue import CatalogueError
    from .dataset import MissingTableError
    from .loaders import DataValidationError

    return (CatalogueError, MissingTableError, OSError, DataValidationError, BenchmarkFileError)


# ------------------------------------------------------------------------------ validate


def _print_report(report: pd.DataFrame, stream: Any = None) -> None:
    """The data report grouped by severity, one readable line per problem."""
    from .loaders import format_issue

    stream = stream or sys.stdout
    if report.empty:
        print("No problems found.", file=stream)
        return
    for severity, heading in (("error", "ERRORS"), ("warning", "WARNINGS"), ("note", "NOTES")):
        part = report.loc[report["severity"] == severity]
        if part.empty:
            continue
        print(f"{heading} ({len(part)})", file=stream)
        for row in part.itertuples(index=False):
            print(
                textwrap.shorten(format_issue(row), PRINT_WIDTH * 2, placeholder=" ..."),
                file=stream,
            )
        print(file=stream)
    other = report.loc[~report["severity"].isin(["error", "warning", "note"])]
    for row in other.itertuples(index=False):
        print(format_issue(row), file=stream)


def cmd_validate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .loaders import check_dataset

    report = check_dataset(args.data)
    n_err = int((report["severity"] == "error").sum())
    n_warn = int((report["severity"] == "warning").sum())
    _print_report(report)
    if args.csv:
        from .charts import write_atomic

        write_atomic(args.csv, report.to_csv(index=False).encode("utf-8"))
    verdict = "cannot be used until the errors are fixed" if n_err else "can be used"
    print(f"{args.data}: {n_err} error(s), {n_warn} warning(s); the data {verdict}.")
    return EXIT_DATA if n_err else EXIT_OK


# ------------------------------------------------------------------------------ indicators


def cmd_indicators(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .catalogue import load_catalogue

    cat = load_catalogue(args.catalogue)
    if args.domain and args.domain not in cat.domains:
        parser.error(f"unknown domain {args.domain!r}; domains: {', '.join(cat.domains)}")
    table = cat.filter(domain=args.domain).to_frame()
    table["scorecard"] = ["yes" if i.on_scorecard else "" for i in cat.filter(domain=args.domain)]
    cols = ["id", "title", "domain", "unit", "polarity", "scorecard"]
    table["title"] = table["title"].map(lambda t: textwrap.shorten(t, 70, placeholder="..."))
    print(table_text(table[cols]))
    print(f"\n{len(table)} indicator(s).")
    return EXIT_OK


# ------------------------------------------------------------------------------ benchmark


def _load_panel(path: Path, neighbours: Path | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    from .benchmark import load_benchmarks, load_neighbours

    panel = load_benchmarks(path)
    sn = load_neighbours(neighbours) if neighbours is not None else None
    return panel, sn


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


def cmd_benchmark(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .benchmark import compare
    from .report.comparison import comparison_summary

    la = args.la.strip()
    panel, sn = _load_panel(args.benchmarks, args.neighbours)
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
        from .charts import write_atomic

        write_atomic(args.csv, table.to_csv(index=False).encode("utf-8"))
        _note(f"Wrote all {table.shape[1]} columns to {args.csv}")
    return EXIT_OK


# ------------------------------------------------------------------------------ build


@dataclass
class Rendered:
    """Everything a build writes, rendered in memory before anything touches the folder."""

    files: dict[str, bytes] = field(default_factory=dict)  # path inside the output folder
    skipped: dict[str, str] = field(default_factory=dict)  # chart name -> why not drawn


def latest_quarter(ds: Any) -> pd.Timestamp:
    """The latest financial quarter end on or before the last date in the episodes
    (DECOM/DEC) or, when there are none, the referrals."""
    from .periods import parse_date, quarter_end, quarter_label

    last = pd.NaT
    for table, cols in (("episodes", ("DECOM", "DEC")), ("referrals", ("CINreferralDate",))):
        if table in ds.tables:
            frame = ds.table(table)
            dates = [frame[c].max() for c in cols if c in frame.columns]
            dates = [d for d in dates if pd.notna(d)]
            if dates:
                last = max(dates)
                break
    if pd.isna(last):
        raise DataError("Cannot tell the latest quarter from the data: give --quarter.")
    end = quarter_end(quarter_label(last))
    if end > last:  # the quarter holding the last date had not ended yet
        end = quarter_end(quarter_label(end - pd.DateOffset(months=3)))
    return parse_date(end)


def _resolve_inputs(args: argparse.Namespace) -> tuple[Path | None, Path | None, str | None]:
    """Benchmarks, neighbours and LA: with the bundled sample, its synthetic panel and 650."""
    from .loaders import bundled_sample_path
    from .report.builder import SAMPLE_LA, sample_benchmark_paths

    bench, sn, la = args.benchmarks, args.neighbours, args.la
    sample = bundled_sample_path().resolve()
    if args.data is None or Path(args.data).resolve() == sample:
        if bench is None and sn is None:
            bench, sn = sample_benchmark_paths(bundled_sample_path())
        la = la or SAMPLE_LA
    if sn is not None and bench is None:
        raise DataError("--neighbours needs --benchmarks too.")
    return bench, sn, la


def cmd_build(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .loaders import load_dataset
    from .periods import ReferenceDateError, parse_date, quarter_label

    if args.suppress_threshold < 0:
        parser.error("--suppress-threshold must be 0 or more")
    at = None
    if args.quarter:
        try:
            at = parse_date(args.quarter)
        except ReferenceDateError as exc:
            parser.error(str(exc))
    progress = Progress(6 if args.no_charts else 7, quiet=args.quiet)
    bench_path, sn_path, la = _resolve_inputs(args)

    progress(f"loading data from {args.data or 'the bundled sample'}")
    ds = load_dataset(args.data)
    if at is None:
        at = latest_quarter(ds)
        _note(f"      no --quarter: using {quarter_label(at)} (ends {at:%d %B %Y})")

    progress("loading benchmarks" if bench_path else "no benchmark file: no comparators")
    panel, sn = _load_panel(bench_path, sn_path) if bench_path else (None, None)

    progress(f"computing the scorecard for {quarter_label(at)} with {TREND_QUARTERS} quarters")
    from .report import IndicatorFailedWarning, build_scorecard

    with warnings.catch_warnings():
        # failing indicators are listed below from the card (one line each), not as warnings
        warnings.simplefilter("ignore", IndicatorFailedWarning)
        card = build_scorecard(
            ds,
            quarter=at,
            benchmarks=panel,
            neighbours=sn,
            la=la,
            publish=args.publish,
            suppress_threshold=args.suppress_threshold,
            trend_quarters=TREND_QUARTERS,
        )
        rendered = Rendered()
        if not args.no_charts:
            progress("computing chart data by age and district")
            frames = _chart_frames(ds, card, args)
            progress("drawing charts")
            rendered = _render_charts(frames, panel, sn, la, card)

    progress("rendering the HTML page and the Excel workbook")
    from .report.atomic import RENDERERS, output_name

    for fmt in ("html", "xlsx"):
        rendered.files[output_name(card, fmt)] = RENDERERS[fmt](card)

    progress(f"writing {len(rendered.files)} files to {args.out}")
    from .report.atomic import atomic_write_many

    written = atomic_write_many({Path(args.out) / k: v for k, v in rendered.files.items()})
    for name, why in rendered.skipped.items():
        _note(f"      no chart {name}: {why}")
    _report_missing(card.frame)
    print(f"Scorecard {card.quarter} for {card.la_name}: {len(written)} file(s) in {args.out}")
    for p in written:
        print(f"  {p}")
    return EXIT_OK


def _report_missing(frame: pd.DataFrame) -> None:
    """One line per indicator left blank because it is unavailable or failed to compute, so
    the analyst sees it before the panel does."""
    missing = frame.loc[
        frame["status"].str.startswith(("unavailable", "could not be computed")),
        ["indicator", "status"],
    ]
    if missing.empty:
        return
    _note(f"      {len(missing)} indicator(s) have no value on the scorecard:")
    for ind_id, status in missing.itertuples(index=False):
        _note(f"        {ind_id}: {status}")


@dataclass
class ChartFrames:
    """Aggregated frames for the charts (a few hundred rows at most)."""

    trend: pd.DataFrame
    by_age: pd.DataFrame | None
    by_district: dict[str, pd.DataFrame]
    notes: dict[str, str]


AGE_CHART = "time_in_care_ceased"  # the panel asked for time in care by age at entry
MAX_DISTRICT_CHARTS = 4


def _suppress(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """For publication: withhold values built on 1..threshold children, as the tables do."""
    from .engine import default_catalogue
    from .report.privacy import suppression_mask

    if frame.empty or threshold < 1:
        return frame
    cat = default_catalogue()
    counts = (
        frame["indicator"]
        .astype(str)
        .map(lambda i: cat.get(i).publish_counts if i in cat else True)
    )
    num, den, val = suppression_mask(frame, counts, threshold)
    out = frame.copy()
    out.loc[num.to_numpy(), "numerator"] = float("nan")
    out.loc[den.to_numpy(), "denominator"] = float("nan")
    out.loc[val.to_numpy(), "value"] = float("nan")
    out["suppressed"] = val.to_numpy()
    return out


def _chart_frames(ds: Any, card: Any, args: argparse.Namespace) -> ChartFrames:
    from .engine import compute
    from .report.builder import guarded_compute

    cat = card.catalogue
    # the trend is the scorecard's own history (already suppressed when publishing)
    trend = card.history
    trend["value"] = pd.to_numeric(trend["value"], errors="coerce")
    for col in ("numerator", "denominator"):
        trend[col] = pd.to_numeric(trend[col], errors="coerce")
    trend = trend[["indicator", "period_end", "numerator", "denominator", "value"]]
    ids = list(dict.fromkeys(card.frame["indicator"].astype(str)))
    at = card.period_end
    year_before = at - pd.DateOffset(months=12)
    failed = dict(zip(card.frame["indicator"], card.frame["status"]))
    failed = {k: v for k, v in failed.items() if v.startswith(("unavailable", "could not"))}
    notes: dict[str, str] = {}
    by_age = None
    if AGE_CHART in cat and AGE_CHART not in failed:
        ind = cat.get(AGE_CHART)
        by_age, why = guarded_compute(
            ind,
            ds,
            lambda: compute(ind, ds, at=[year_before, at], by="age_at_entry_band", catalogue=cat),
        )
        if why:
            notes[f"by_age_at_entry_{AGE_CHART}"] = why
    districts: dict[str, pd.DataFrame] = {}
    for ind_id in ids:
        ind = cat.get(ind_id)
        if len(districts) >= MAX_DISTRICT_CHARTS:
            break
        if "district" not in ind.breakdowns or ind.polarity == "neutral" or ind_id in failed:
            continue
        got, why = guarded_compute(
            ind, ds, lambda i=ind: compute(i, ds, at=at, by="district", catalogue=cat)
        )
        if why:
            notes[f"by_district_{ind_id}"] = why
        else:
            districts[ind_id] = got
    if args.publish:
        threshold = args.suppress_threshold
        by_age = _suppress(by_age, threshold) if by_age is not None else None
        districts = {k: _suppress(v, threshold) for k, v in districts.items()}
    return ChartFrames(trend, by_age, districts, notes)


def _render_charts(frames: ChartFrames, panel: Any, sn: Any, la: str | None, card: Any) -> Rendered:
    from . import charts

    out = Rendered(skipped=dict(frames.notes))
    cat = card.catalogue

    def attempt(name: str, make: Callable[[], Any]) -> None:
        """Draw one chart; a chart the data cannot support (the charts' own ValueError, e.g.
        too many rows) is skipped and listed after the build, any other error propagates."""
        try:
            out.files[f"charts/{name}.png"] = charts.render(make(), "png")
        except ValueError as exc:
            out.skipped[name] = str(exc).splitlines()[0]

    for ind_id, part in frames.trend.groupby("indicator", sort=False):
        if part["value"].notna().any():
            attempt(f"trend_{ind_id}", lambda p=part, i=ind_id: charts.trend(p, i, cat))
    if frames.by_age is not None and frames.by_age["value"].notna().any():
        attempt(
            f"by_age_at_entry_{AGE_CHART}",
            lambda: charts.by_age(frames.by_age, AGE_CHART, by="age_at_entry_band", catalogue=cat),
        )
    for ind_id, part in frames.by_district.items():
        if part["value"].notna().any():
            attempt(f"by_district_{ind_id}", lambda p=part, i=ind_id: charts.by_district(p, i, cat))
    if panel is not None and la:
        for ind_id in dict.fromkeys(frames.trend["indicator"].astype(str)):
            year = _benchmark_year(panel, cat.get(ind_id), la, card.period_end)
            if year is not None:
                attempt(
                    f"benchmark_{ind_id}",
                    lambda i=ind_id, y=year: charts.benchmark(panel, i, la, y, sn, cat),
                )
    return out


def _benchmark_year(panel: pd.DataFrame, ind: Any, la: str, at: pd.Timestamp) -> object:
    """As the scorecard does: the latest published year ending by the quarter's financial
    year end, with a value for our LA; None when there is none."""
    from .periods import financial_year
    from .report.builder import _year_end

    if not (ind.benchmark and ind.benchmark.lait):
        return None
    limit = int(financial_year(at)[:4]) + 1
    rows = panel.loc[
        (panel["indicator"].astype("string") == ind.benchmark.lait)
        & (panel["la_code"].astype("string") == la)
        & panel["value"].notna()
    ]
    ends = rows["year"].map(_year_end)
    rows = rows.loc[ends.notna() & (ends <= limit)]
    if rows.empty:
        return None
    return rows.loc[rows["year"].map(_year_end).idxmax(), "year"]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
