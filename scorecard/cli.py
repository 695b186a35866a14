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
import os
import shutil
import sys
import tempfile
import textwrap
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
            cells = [
                ""
                if pd.isna(v)
                else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.{decimals}f}")
                for v in s
            ]
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
        help="financial quarter ('2024-25 Q4') or a date ('2025-03-31'). Default: the latest "
        "quarter that had ended by the last date recorded in the episodes (or referrals).",
    )
    b.add_argument("--data", type=Path, help="folder of tables (default: the bundled sample)")
    b.add_argument(
        "--benchmarks",
        type=Path,
        help="LAIT long extract or benchmark panel (default with the bundled sample: its "
        "synthetic panel; otherwise no comparators)",
    )
    b.add_argument("--neighbours", type=Path, help="statistical-neighbour list (xlsx or csv)")
    b.add_argument("--la", help="3-digit LA code for comparators (default with the sample: 650)")
    b.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
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
    m.add_argument("--la", required=True, help="3-digit LA code, e.g. 886 (Kent)")
    m.add_argument("--year", help="year as in the benchmark file (default: the latest)")
    m.add_argument("--benchmarks", type=Path, required=True, help="LAIT long extract or panel")
    m.add_argument("--neighbours", type=Path, required=True, help="statistical-neighbour list")
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
        else:
            print(f"scorecard: {exc}", file=sys.stderr)
        return EXIT_DATA


def _data_exceptions() -> tuple[type[BaseException], ...]:
    """Errors caused by the user's inputs: reported without a traceback, exit 1."""
    from .catalogue import CatalogueError
    from .dataset import MissingTableError

    found: list[type[BaseException]] = [CatalogueError, MissingTableError, OSError]
    try:
        from .loaders import DataValidationError

        found.append(DataValidationError)
    except ImportError:  # pragma: no cover - the loaders always define it
        pass
    return tuple(found)


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
    """The year as the panel stores it (a number or a label)."""
    if year is None:
        return _latest_year(panel, la)
    known = panel["year"].dropna().unique()
    for y in known:
        if str(y) == year:
            return y
    raise DataError(
        f"No year {year!r} in the benchmark file; years: {', '.join(sorted(map(str, known)))}"
    )


def cmd_benchmark(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .benchmark import compare

    la = args.la.strip()
    panel, sn = _load_panel(args.benchmarks, args.neighbours)
    year = _year_arg(panel, args.year, la)
    table = compare(panel, la, year, sn, indicators=args.indicators, sn_stat=args.sn_stat)
    if table is None or len(table) == 0:
        raise DataError(f"No benchmark rows for LA {la} in {year}.")
    print(f"LA {la}, {year} (statistical-neighbour {args.sn_stat})\n")
    print(table_text(table))
    if args.csv:
        from .charts import write_atomic

        write_atomic(args.csv, table.to_csv(index=False).encode("utf-8"))
        _note(f"Wrote {args.csv}")
    return EXIT_OK


# ------------------------------------------------------------------------------ build


@dataclass
class Outputs:
    """Everything a build writes, rendered in memory before anything touches the folder."""

    charts: dict[str, bytes] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def latest_quarter(ds: Any) -> pd.Timestamp:
    """The latest financial quarter end on or before the last date in the episodes
    (DECOM/DEC) or, failing those, the referrals."""
    from .periods import parse_date, quarter_end, quarter_label

    last = pd.NaT
    for table, cols in (("episodes", ("DECOM", "DEC")), ("referrals", ("CINreferralDate",))):
        if table in ds.tables:
            frame = ds.table(table)
            for c in cols:
                if c in frame.columns:
                    last = max(last, frame[c].max()) if pd.notna(last) else frame[c].max()
        if pd.notna(last):
            break
    if pd.isna(last):
        raise DataError("Cannot tell the latest quarter from the data: give --quarter.")
    end = quarter_end(quarter_label(last))
    if end > last:  # the quarter holding the last date had not ended yet
        end = quarter_end(quarter_label(end - pd.DateOffset(months=3)))
    return parse_date(end)


def _resolve_inputs(args: argparse.Namespace) -> tuple[Path | None, Path | None, str | None]:
    """Benchmarks, neighbours and LA: defaults from the bundled sample when it is used."""
    from .loaders import bundled_sample_path

    bench, sn, la = args.benchmarks, args.neighbours, args.la
    if args.data is None:
        folder = bundled_sample_path() / "benchmarks"
        if bench is None and sn is None and folder.is_dir():
            files = sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".xlsx"))
            bench = next((p for p in files if "neighbour" not in p.name.lower()), None)
            sn = next((p for p in files if "neighbour" in p.name.lower()), None)
        la = la or "650"
    if (bench is None) != (sn is None) and bench is None:
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
    progress = Progress(7 if not args.no_charts else 5, quiet=args.quiet)
    bench_path, sn_path, la = _resolve_inputs(args)

    progress(f"loading data from {args.data or 'the bundled sample'}")
    ds = load_dataset(args.data)
    if at is None:
        at = latest_quarter(ds)
        _note(f"      quarter not given: using {quarter_label(at)} (ends {at:%d %B %Y})")
    label = quarter_label(at)

    progress("loading benchmarks" if bench_path else "no benchmark file: no comparators")
    panel, sn = _load_panel(bench_path, sn_path) if bench_path else (None, None)

    progress(f"computing the scorecard for {label}")
    card = _build_scorecard(ds, at, panel, sn, la, args)

    outputs = Outputs()
    if not args.no_charts:
        progress("computing chart data")
        frames = _chart_frames(ds, at, card, args)
        progress("drawing charts")
        outputs = _render_charts(frames, panel, sn, la, at)

    progress("rendering the HTML page and the Excel workbook")
    staging = _stage(card, outputs, args.out)
    progress(f"writing to {args.out}")
    written = _publish(staging, args.out)
    for name, why in outputs.skipped.items():
        _note(f"      no chart {name}: {why}")
    print(f"Scorecard {label}: wrote {len(written)} file(s) to {args.out}")
    for p in written:
        print(f"  {p}")
    return EXIT_OK


def _build_scorecard(ds, at, panel, sn, la, args: argparse.Namespace) -> Any:
    from .report import build_scorecard

    kwargs: dict[str, Any] = {
        "quarter": at,
        "benchmarks": panel,
        "neighbours": sn,
        "la": la,
        "publish": args.publish,
    }
    import inspect

    params = inspect.signature(build_scorecard).parameters
    for name in ("suppress_threshold", "threshold", "suppression_threshold"):
        if name in params:
            kwargs[name] = args.suppress_threshold
            break
    return build_scorecard(ds, **kwargs)


@dataclass
class ChartFrames:
    trend: pd.DataFrame
    by_age: pd.DataFrame | None
    by_district: dict[str, pd.DataFrame]
    notes: dict[str, str]


AGE_CHART = "time_in_care_ceased"
MAX_DISTRICT_CHARTS = 4


def _scorecard_ids(card: Any) -> list[str]:
    from .engine import default_catalogue

    frame = getattr(card, "frame", None)
    if isinstance(frame, pd.DataFrame):
        col = (
            "indicator"
            if "indicator" in frame.columns
            else ("id" if "id" in frame.columns else None)
        )
        if col is not None:
            return list(dict.fromkeys(frame[col].astype(str)))
    return [i.id for i in default_catalogue() if i.on_scorecard]


def _suppress(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Publication: withhold values built on 1..threshold children (as the tables do)."""
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
    _, _, val = suppression_mask(frame, counts, threshold)
    out = frame.copy()
    out.loc[val.to_numpy(), "value"] = float("nan")
    return out


def _chart_frames(ds, at: pd.Timestamp, card: Any, args: argparse.Namespace) -> ChartFrames:
    from .breakdowns import BreakdownError
    from .dataset import MissingTableError
    from .engine import compute, compute_many, default_catalogue
    from .periods import quarter_ends

    cat = default_catalogue()
    ids = [i for i in _scorecard_ids(card) if i in cat]
    ends = quarter_ends(at, TREND_QUARTERS)
    trend, problems = compute_many(ds, ends, indicators=ids)
    notes = {f"trend_{k}": v for k, v in problems.items()}
    by_age = None
    try:
        by_age = compute(AGE_CHART, ds, at=[ends[-5], ends[-1]], by="age_at_entry_band")
    except (MissingTableError, BreakdownError, NotImplementedError) as exc:
        notes[f"by_age_{AGE_CHART}"] = str(exc)
    districts: dict[str, pd.DataFrame] = {}
    for ind_id in [
        i for i in ids if "district" in cat.get(i).breakdowns and cat.get(i).polarity != "neutral"
    ]:
        if len(districts) >= MAX_DISTRICT_CHARTS:
            break
        try:
            districts[ind_id] = compute(ind_id, ds, at=at, by="district")
        except (MissingTableError, BreakdownError, NotImplementedError) as exc:
            notes[f"by_district_{ind_id}"] = str(exc)
    if args.publish:
        trend = _suppress(trend, args.suppress_threshold)
        by_age = _suppress(by_age, args.suppress_threshold) if by_age is not None else None
        districts = {k: _suppress(v, args.suppress_threshold) for k, v in districts.items()}
    return ChartFrames(trend, by_age, districts, notes)


def _render_charts(frames: ChartFrames, panel, sn, la, at: pd.Timestamp) -> Outputs:
    from . import charts

    out = Outputs(skipped=dict(frames.notes))

    def attempt(name: str, make: Callable[[], Any]) -> None:
        try:
            out.charts[f"{name}.png"] = charts.render(make(), "png")
        except (ValueError, KeyError) as exc:
            out.skipped[name] = str(exc).splitlines()[0]

    trend = frames.trend
    for ind_id, part in trend.groupby("indicator", sort=False, observed=True):
        if part["value"].notna().any():
            attempt(f"trend_{ind_id}", lambda p=part, i=ind_id: charts.trend(p, i))
        else:
            out.skipped[f"trend_{ind_id}"] = "no value in any quarter"
    if frames.by_age is not None and frames.by_age["value"].notna().any():
        attempt(
            f"by_age_at_entry_{AGE_CHART}",
            lambda: charts.by_age(frames.by_age, AGE_CHART, by="age_at_entry_band"),
        )
    for ind_id, part in frames.by_district.items():
        attempt(f"by_district_{ind_id}", lambda p=part, i=ind_id: charts.by_district(p, i))
    if panel is not None and la:
        ids = list(dict.fromkeys(trend["indicator"].astype(str)))
        for ind_id in ids:
            year = _benchmark_year(panel, ind_id, la, at)
            if year is None:
                continue
            attempt(
                f"benchmark_{ind_id}",
                lambda i=ind_id, y=year: charts.benchmark(panel, i, la, y, sn),
            )
    return out


def _benchmark_year(panel: pd.DataFrame, ind_id: str, la: str, at: pd.Timestamp) -> object:
    """The latest year of the panel with our LA's value for the indicator, or None."""
    from .engine import default_catalogue

    ind = default_catalogue().get(ind_id)
    keys = {ind_id} | ({ind.benchmark.lait} if ind.benchmark and ind.benchmark.lait else set())
    rows = panel.loc[
        panel["indicator"].astype("string").isin(keys)
        & (panel["la_code"].astype("string") == la)
        & panel["value"].notna()
    ]
    if rows.empty:
        return None
    return sorted(rows["year"].dropna().unique(), key=str)[-1]


def _stage(card: Any, outputs: Outputs, out: Path) -> Path:
    """Render the HTML and Excel into a staging folder beside `out`, with the charts.
    On any failure the staging folder is removed and `out` is untouched."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-staging-", dir=out.parent))
    try:
        from . import report

        writer = getattr(report, "write_outputs", None)
        if writer is not None:
            writer(card, staging, formats=("html", "xlsx"))
        else:  # pragma: no cover - older report module
            card.to_html(staging / "scorecard.html")
            card.to_excel(staging / "scorecard.xlsx")
        if outputs.charts:
            (staging / "charts").mkdir(exist_ok=True)
            for name, data in outputs.charts.items():
                (staging / "charts" / name).write_bytes(data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _publish(staging: Path, out: Path) -> list[Path]:
    """Move the staged files into `out` (each move is atomic) and remove the staging folder."""
    written: list[Path] = []
    try:
        files = sorted(p for p in staging.rglob("*") if p.is_file())
        for src in files:
            dest = Path(out) / src.relative_to(staging)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(src, 0o644)
            os.replace(src, dest)
            written.append(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
