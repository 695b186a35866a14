"""`scorecard build`: the quarterly panel scorecard (HTML, Excel, charts) into a folder."""

from __future__ import annotations

import argparse
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..pngs import Drawer
from ..threads import workers
from .benchmark import (
    benchmark_arguments,
    comparison_arguments,
    la_code,
    load_panel,
    min_size_of,
)
from .common import (
    EXIT_OK,
    PRINT_WIDTH,
    DataError,
    Progress,
    data_arguments,
    data_folder,
    note,
    option_date,
)

TREND_QUARTERS = 8


def register(sub: argparse._SubParsersAction) -> None:
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
    data_arguments(b)
    benchmark_arguments(
        b,
        defaults={
            "--benchmarks": "default with the bundled sample: its synthetic panel; otherwise "
            "no comparators",
            "--neighbours": "default with the bundled sample: its synthetic list",
            "--la": "default: the authority the CIN census returns name (their LEA), or 650 "
            "with the bundled sample",
        },
    )
    comparison_arguments(b)
    b.add_argument(
        "--catalogue",
        type=Path,
        metavar="FILE",
        help="your own indicators.yaml (default: the bundled catalogue)",
    )
    b.add_argument(
        "--commentary",
        type=Path,
        metavar="FILE",
        help="commentary for the card's rows: the workbook of an earlier build with its "
        "Commentary column filled in, a CSV or workbook with columns 'indicator' (id or "
        "title) and 'commentary', or a YAML file of 'indicator_id: text' lines",
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
    b.add_argument(
        "--strict",
        action="store_true",
        help="all or nothing: any error in the data stops the build (default: rows with an "
        "unusable cell are left out of the figures that need them, and the card says so)",
    )
    b.add_argument(
        "--coverage",
        nargs=2,
        metavar=("START", "END"),
        help="the dates the data covers, e.g. 01/04/2017 31/03/2025 (default: as the data "
        "shows it: its returns' collection years, or a full history's extent)",
    )
    b.add_argument(
        "--no-charts",
        action="store_true",
        help="no charts: the page (without its trend charts) and the workbook only; faster",
    )
    b.add_argument("--quiet", action="store_true", help="no progress lines")
    b.set_defaults(func=run)


@dataclass
class Rendered:
    """Everything a build writes, rendered in memory before anything touches the folder."""

    files: dict[str, bytes] = field(default_factory=dict)  # path inside the output folder
    skipped: dict[str, str] = field(default_factory=dict)  # chart name -> why not drawn


def latest_quarter(ds: Any) -> pd.Timestamp:
    """The latest financial quarter end on or before the last date in the episodes
    (DECOM/DEC) or, when there are none, the referrals."""
    from ..periods import parse_date, quarter_end, quarter_label

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


def _resolve_inputs(
    args: argparse.Namespace,
) -> tuple[list[Path] | None, Path | None, str | None]:
    """Benchmarks, neighbours and LA: with the bundled sample, its synthetic panel and 650.
    `--la` (code, 9-character code or name) is resolved here: an authority that neither the
    benchmark files nor the bundled list of English LAs knows is a usage error (exit 2)."""
    from ..inputs import bundled_sample_path
    from ..report.builder import SAMPLE_LA, sample_benchmark_paths

    bench, sn, la = args.benchmarks, args.neighbours, args.la
    sample = bundled_sample_path().resolve()
    if args.data is None or Path(args.data).resolve() == sample:
        if bench is None and sn is None:
            lait, sn = sample_benchmark_paths(bundled_sample_path())
            bench = [lait] if lait is not None else None
        la = la or SAMPLE_LA
    if sn is not None and bench is None:
        raise DataError("--neighbours needs --benchmarks too.")
    if la is not None:
        la = la_code(la, list(bench or []), "build")
    return bench, sn, la


def _check_out(out: Path, parser: argparse.ArgumentParser) -> None:
    """`--out` is a folder (made if missing): a file of that name, or a file where one of
    its parent folders should be, is a usage error before any work."""
    for path in (out, *out.parents):
        if path.exists():
            if not path.is_dir():
                parser.error(
                    f"--out {out}: {path} is a file, not a folder; name a folder for the "
                    "scorecard's files (it is made if it does not exist)."
                )
            return


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..inputs import DataValidationError, load_dataset
    from ..periods import ReferenceDateError, quarter_label

    args.data = data_folder(args, parser)

    if args.suppress_threshold < 0:
        parser.error("--suppress-threshold must be 0 or more")
    _check_out(args.out, parser)
    min_size = min_size_of(args, parser)
    at, coverage = None, None
    try:
        if args.quarter:
            at = option_date("--quarter", args.quarter)
        if args.coverage:
            coverage = tuple(option_date("--coverage", d, labels=False) for d in args.coverage)
    except ReferenceDateError as exc:
        parser.error(str(exc))
    from ..catalogue import load_catalogue

    catalogue = load_catalogue(args.catalogue) if args.catalogue else None
    comments = _commentary(args, parser, catalogue)
    progress = Progress(5 if args.no_charts else 7, quiet=args.quiet)
    bench_path, sn_path, la = _resolve_inputs(args)

    progress(f"loading data from {args.data or 'the bundled sample'}")
    try:
        ds = load_dataset(args.data, strict=args.strict, coverage=coverage)
    except ValueError as exc:
        if isinstance(exc, DataValidationError):
            raise
        parser.error(str(exc))  # a stated coverage that ends before it starts
    if at is None:
        at = latest_quarter(ds)
        note(f"      no --quarter: using {quarter_label(at)} (ends {at:%d %B %Y})")

    progress("loading benchmarks" if bench_path else "no benchmark file: no comparators")
    panel, sn = load_panel(bench_path, sn_path) if bench_path else (None, None)

    progress(f"computing the scorecard for {quarter_label(at)} with {TREND_QUARTERS} quarters")
    from ..report import IndicatorFailedWarning, OutsideCoverageError, build_scorecard

    with warnings.catch_warnings():
        # failing indicators are listed below from the card (one line each), not as warnings
        warnings.simplefilter("ignore", IndicatorFailedWarning)
        try:
            card = build_scorecard(
                ds,
                quarter=at,
                benchmarks=panel,
                neighbours=sn,
                la=la,
                catalogue=catalogue,
                publish=args.publish,
                suppress_threshold=args.suppress_threshold,
                trend_quarters=TREND_QUARTERS,
                sn_stat=args.sn_stat,
                min_size=min_size,
            )
        except OutsideCoverageError as exc:
            raise DataError(f"{exc} Nothing was written.") from None
        card = _with_commentary(card, comments)
        if card.la_code is None:
            named = (
                f"the returns name LA {ds.authority}, which no list of English authorities knows"
                if ds.authority
                else "no authority named"
            )
            note(
                f"      {named}: the card is titled '{card.la_name}' and compared with no "
                "other authority's figures (give --la, e.g. --la 886 or --la Kent)"
            )
        # the charts' PNGs are drawn in a second process (`scorecard.pngs`) while this one
        # draws the page's SVG charts and writes the page and workbook
        with Drawer(worker=not args.no_charts and workers() > 1) as drawer:
            rendered = Rendered()
            if not args.no_charts:
                progress("gathering the chart data by age and district")
                frames = _chart_frames(card)
                progress("drawing charts")
                rendered = _render_charts(frames, panel, sn, la, card, drawer)

            progress("rendering the HTML page and the Excel workbook")
            from ..report.atomic import RENDERERS, output_name

            # the page reuses the trend charts drawn above; with --no-charts it has none, so
            # nothing is drawn at all (Altair is not even imported)
            page = card.html(charts=not args.no_charts)
            pngs, failed = drawer.results(catch=(ValueError,))
    # listed as before: the trend charts first, then the others in the order made
    in_order = sorted(pngs, key=lambda name: not name.startswith("trend_"))
    rendered.files.update({f"charts/{name}.png": pngs[name] for name in in_order})
    rendered.skipped.update({name: str(exc).splitlines()[0] for name, exc in failed.items()})
    rendered.files[output_name(card, "html")] = page.encode("utf-8")
    rendered.files[output_name(card, "xlsx")] = RENDERERS["xlsx"](card)

    progress(f"writing {len(rendered.files)} files to {args.out}")
    from ..report.atomic import atomic_write_many

    written = atomic_write_many({Path(args.out) / k: v for k, v in rendered.files.items()})
    for name, why in rendered.skipped.items():
        note(f"      no chart {name}: {why}")
    _report_missing(card.frame)
    _report_left_out(card)
    _report_problems(ds.quality, args.data)
    print(f"Scorecard {card.quarter} for {card.la_name}: {len(written)} file(s) in {args.out}")
    for p in written:
        print(f"  {p}")
    return EXIT_OK


def _commentary(
    args: argparse.Namespace, parser: argparse.ArgumentParser, catalogue: Any
) -> dict[str, str]:
    """`--commentary FILE` read before any work (a bad file is a usage error)."""
    if args.commentary is None:
        return {}
    from ..engine import default_catalogue
    from ..report.commentary import CommentaryError, read_commentary

    try:
        return read_commentary(args.commentary, catalogue or default_catalogue())
    except CommentaryError as exc:
        parser.error(f"--commentary: {exc}")


def _with_commentary(card: Any, comments: dict[str, str]) -> Any:
    """The card with the commentary of its own rows; the others are named, not lost
    silently (an indicator of the catalogue that is not on the card)."""
    on_card = set(card.frame["indicator"])
    off = sorted(set(comments) - on_card)
    if off:
        note(f"      commentary for indicators not on the card, not shown: {', '.join(off)}")
    return card.with_commentary({k: v for k, v in comments.items() if k in on_card})


def _report_missing(frame: pd.DataFrame) -> None:
    """One line per indicator left blank because it is unavailable or failed to compute, so
    the analyst sees it before the panel does."""
    from ..report.builder import is_unavailable

    missing = frame.loc[frame["status"].map(is_unavailable), ["indicator", "status"]]
    if missing.empty:
        return
    note(f"      {len(missing)} indicator(s) have no value on the scorecard:")
    for ind_id, status in missing.itertuples(index=False):
        note(f"        {ind_id}: {status}")


def _report_left_out(card: Any) -> None:
    """One line per indicator whose figures leave out rows with an unusable cell, as the card
    says them (`scorecard validate` lists every cell)."""
    from ..report.html import left_out_lines

    lines = left_out_lines(card)
    if not lines:
        return
    note(f"      {len(lines)} indicator(s) leave out rows with unusable cells:")
    for line in lines:
        note(f"        {line}")


PROBLEMS_SHOWN = 5  # lines of the data's errors, then warnings, after a build (validate: all)
SAID = {
    "error": "error(s); the figures leave out what they make unusable",
    "warning": (
        "warning(s), which do not stop the figures but may change them (the card marks the "
        "figures that read them)"
    ),
}


def _report_problems(quality: pd.DataFrame, data: Path | None) -> None:
    """The data's errors, then its warnings, in short (a file left out, two returns of one
    year, an episode missing from the next return), so a build that goes on despite them
    never passes them over in silence."""
    from ..inputs import grouped_lines

    command = "scorecard validate" + (f" {data}" if data else "")
    for severity, said in SAID.items():
        found = quality.loc[quality["severity"] == severity]
        if found.empty:
            continue
        lines = grouped_lines(found)
        note(f"      the data has {len(found):,} {said} (`{command}` lists them all):")
        for line in lines[:PROBLEMS_SHOWN]:
            note("      " + textwrap.shorten(line, PRINT_WIDTH * 2, placeholder=" ..."))
        if len(lines) > PROBLEMS_SHOWN:
            note(f"        ... and {len(lines) - PROBLEMS_SHOWN} more")


@dataclass
class ChartFrames:
    """Aggregated frames for the charts (a few hundred rows at most)."""

    trend: pd.DataFrame
    by_age: pd.DataFrame | None
    by_district: dict[str, pd.DataFrame]
    notes: dict[str, str]


AGE_CHART = "time_in_care_ceased"  # the panel asked for time in care by age at entry
MAX_DISTRICT_CHARTS = 4


def _chart_frames(card: Any) -> ChartFrames:
    """The charts' data, all of it the card's own (already suppressed when publishing), so
    the charts show the card's numbers and nothing is computed twice."""
    # the trend is the scorecard's own history
    trend = card.history
    trend["value"] = pd.to_numeric(trend["value"], errors="coerce")
    for col in ("numerator", "denominator"):
        trend[col] = pd.to_numeric(trend[col], errors="coerce")
    trend = trend[["indicator", "period_end", "numerator", "denominator", "value"]]
    notes: dict[str, str] = {}
    by_age = None
    if card.by_age is not None and len(card.by_age):
        by_age = card.by_age.rename(columns={"age_at_entry": "age_at_entry_band"})
        by_age = by_age.assign(indicator=AGE_CHART)
        for col in ("numerator", "denominator", "value"):
            by_age[col] = pd.to_numeric(by_age[col], errors="coerce")
    elif AGE_CHART in card.catalogue:
        notes[f"by_age_at_entry_{AGE_CHART}"] = "time in care could not be computed"
    return ChartFrames(trend, by_age, district_frames(card), notes)


def district_frames(card: Any) -> dict[str, pd.DataFrame]:
    """The first few banded indicators of the card's district view, as frames for
    `charts.by_district` (already suppressed when publishing: withheld cells are missing
    values with `suppressed` set), so the charts show the numbers of the card's table."""
    view = card.districts
    if view is None or not len(view):
        return {}
    out: dict[str, pd.DataFrame] = {}
    for ind_id, part in view.groupby("indicator", sort=False):
        if len(out) >= MAX_DISTRICT_CHARTS:
            break
        if card.catalogue.get(str(ind_id)).polarity == "neutral":
            continue
        frame = part.drop(columns="rag").assign(period_end=card.period_end)
        for col in ("numerator", "denominator", "value"):
            frame[col] = pd.to_numeric(frame[col], errors="coerce")
        out[str(ind_id)] = frame
    return out


def _render_charts(
    frames: ChartFrames, panel: Any, sn: Any, la: str | None, card: Any, drawer: Drawer
) -> Rendered:
    """The charts' PNGs handed to `drawer` (collected after the page is rendered), the
    charts made first so the worker starts on them while the trend charts are drawn."""
    from .. import charts

    out = Rendered(skipped=dict(frames.notes))
    cat = card.catalogue

    def attempt(name: str, make: Callable[[], Any]) -> None:
        """Make one chart; a chart the data cannot support (the charts' own ValueError, e.g.
        too many rows) is skipped and listed after the build, any other error propagates."""
        try:
            chart = make()
            job = charts.png_job(chart)
            if job is None:  # pragma: no cover - a vl-convert older than Altair's Vega-Lite
                out.files[f"charts/{name}.png"] = charts.render(chart, "png")
            else:
                drawer.spec(name, *job)
        except ValueError as exc:
            out.skipped[name] = str(exc).splitlines()[0]

    if frames.by_age is not None and frames.by_age["value"].notna().any():
        attempt(
            f"by_age_at_entry_{AGE_CHART}",
            lambda: charts.by_age(frames.by_age, AGE_CHART, by="age_at_entry_band", catalogue=cat),
        )
    for ind_id, part in frames.by_district.items():
        if part["value"].notna().any():
            attempt(f"by_district_{ind_id}", lambda p=part, i=ind_id: charts.by_district(p, i, cat))
    if panel is not None and la:
        ours = _published_for(panel, la)
        for ind_id in dict.fromkeys(frames.trend["indicator"].astype(str)):
            if cat.get(ind_id).unit == "count":
                continue  # counts are not compared between authorities of different sizes
            year = _benchmark_year(ours, cat.get(ind_id), card.period_end)
            if year is not None:
                attempt(
                    f"benchmark_{ind_id}",
                    lambda i=ind_id, y=year: charts.benchmark(panel, i, la, y, sn, cat),
                )
    # the trend charts are the card's own (with published comparators), drawn once as SVG
    # for the HTML page; the PNGs are made from those SVGs
    for ind_id, svg in card.trend_charts().items():
        drawer.svg(f"trend_{ind_id}", svg)
    return out


def _published_for(panel: pd.DataFrame, la: str) -> pd.DataFrame:
    """The panel's rows with a value for our LA (picked once for every indicator's chart)."""
    return panel.loc[(panel["la_code"].astype("string") == la) & panel["value"].notna()]


def _benchmark_year(ours: pd.DataFrame, ind: Any, at: pd.Timestamp) -> object:
    """As the scorecard does: the latest published year ending by the quarter's financial
    year end, with a value for our LA (`ours`: `_published_for`); None when there is none."""
    from ..periods import financial_year, published_year_end

    if not (ind.benchmark and ind.benchmark.lait):
        return None
    limit = int(financial_year(at)[:4]) + 1
    rows = ours.loc[ours["indicator"].astype("string") == ind.benchmark.lait]
    ends = rows["year"].map(published_year_end)
    rows = rows.loc[ends.notna() & (ends <= limit)]
    if rows.empty:
        return None
    return rows.loc[ends.loc[rows.index].idxmax(), "year"]
