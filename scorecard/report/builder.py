"""Build the quarterly panel scorecard (SPEC sections 1 and 9) as a tidy frame.

Every on-scorecard indicator is computed once over the last `trend_quarters` quarter ends;
RAG, target and direction of travel come from `scorecard.bands`, published comparators
from `scorecard.benchmark`. An indicator that cannot be computed (a missing table, a measure
not yet available) stays on the scorecard with its reason in `status`, so the panel sees
what is missing rather than a silently shorter list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..breakdowns import BreakdownError
from ..catalogue import Catalogue, Indicator, load_catalogue
from ..dataset import Dataset, MissingTableError
from ..periods import AGE_BANDS, DATE_DTYPE, financial_year, parse_date, quarter_label
from .privacy import apply_suppression
from .scorecard import FRAME_COLUMNS, Scorecard

SAMPLE_LA = "650"
SAMPLE_LA_NAME = "Wealdshire"


def build_scorecard(
    dataset: Dataset | str | Path | None = None,
    quarter: object = "2024-25 Q4",
    benchmarks: pd.DataFrame | str | Path | None = None,
    neighbours: pd.DataFrame | str | Path | None = None,
    la: str | None = None,
    catalogue: Catalogue | str | Path | None = None,
    publish: bool = False,
    suppress_threshold: int = 5,
    trend_quarters: int = 8,
    sn_stat: str = "mean",
    la_name: str | None = None,
) -> Scorecard:
    """The panel scorecard for `quarter` (a label like '2024-25 Q4' or any date).

    dataset: a Dataset or a folder (None: the bundled sample). benchmarks / neighbours: the
    LAIT long extract and the statistical-neighbour list, as frames or paths (None with the
    bundled sample: its synthetic panel in data/sample/benchmarks/). la: the 3-digit LA code
    to benchmark ('650' for the sample). publish=True applies small-number suppression
    (counts 1..suppress_threshold shown as 'c').
    """
    from ..loaders import bundled_sample_path, load_dataset

    ds = load_dataset(dataset) if not isinstance(dataset, Dataset) else dataset
    is_sample = bool(ds.source) and _same_folder(ds.source, bundled_sample_path())
    if isinstance(catalogue, Catalogue):
        cat = catalogue
    elif catalogue is None:
        from ..engine import default_catalogue

        cat = default_catalogue()
    else:
        cat = load_catalogue(catalogue)
    items = scorecard_indicators(cat)

    period_end = parse_date(quarter)
    ends = trend_dates(period_end, trend_quarters)
    # at least 5 quarter ends, so that the change on a year can be worked out
    history, status = compute_history(
        items, ds, trend_dates(period_end, max(trend_quarters, 5)), cat
    )

    frame = current_rows(items, history, status, period_end)
    frame = add_targets(frame, items, period_end)
    frame = add_direction(frame, history, cat, period_end)

    if is_sample and la is None:
        la = SAMPLE_LA
    la = str(la).strip() if la is not None else None
    if is_sample and benchmarks is None:
        benchmarks, neighbours = sample_benchmark_paths(bundled_sample_path())
    comparators, bench_note, found_name = benchmark_rows(
        items, benchmarks, neighbours, la, period_end, sn_stat, cat
    )
    frame = frame.merge(comparators, on="indicator", how="left")
    frame = add_rag(frame, items, period_end)
    frame["trend"] = trend_lists(history, frame["indicator"], ends)
    frame["commentary"] = ""

    frame["suppressed"] = False
    history["suppressed"] = False
    by_age = time_in_care_by_age(ds, cat, period_end)

    name = la_name or found_name or (SAMPLE_LA_NAME if la == SAMPLE_LA else None)
    card = Scorecard(
        frame=frame[FRAME_COLUMNS].reset_index(drop=True),
        history=history.reset_index(drop=True),
        quarter=_period_label(period_end),
        period_end=period_end,
        quarter_ends=tuple(ends),
        la_code=la,
        la_name=name or "Local authority",
        catalogue=cat,
        publish=False,
        suppress_threshold=suppress_threshold,
        benchmark_note=bench_note,
        generated=pd.Timestamp.now().floor("s"),
        by_age=by_age,
    )
    return card.for_publication(suppress_threshold) if publish else card


def _same_folder(source: str, folder: Path) -> bool:
    try:
        return Path(source).resolve() == folder.resolve()
    except (OSError, ValueError):
        return False


# --------------------------------------------------------------------------- indicators


def scorecard_indicators(cat: Catalogue) -> list[Indicator]:
    """The on-scorecard indicators, grouped by domain (domains in catalogue order)."""
    order = {d: n for n, d in enumerate(cat.domains)}
    chosen = [i for i in cat if i.on_scorecard]
    return sorted(chosen, key=lambda i: order[i.domain])  # stable: file order within a domain


def trend_dates(period_end: pd.Timestamp, n: int) -> pd.DatetimeIndex:
    """`n` reference dates 3 months apart ending at `period_end` (month ends stay month ends)."""
    if n < 1:
        raise ValueError(f"trend_quarters must be at least 1, got {n}")
    month_end = period_end == period_end + pd.offsets.MonthEnd(0)
    dates = []
    for k in range(n - 1, -1, -1):
        d = period_end - pd.DateOffset(months=3 * k)
        dates.append(d + pd.offsets.MonthEnd(0) if month_end else d)
    return pd.DatetimeIndex(dates).astype(DATE_DTYPE)


def _period_label(period_end: pd.Timestamp) -> str:
    if period_end == period_end + pd.offsets.MonthEnd(0) and period_end.month in (3, 6, 9, 12):
        return quarter_label(period_end)
    return f"at {period_end.day} {period_end:%B %Y}"


def compute_history(
    items: list[Indicator], ds: Dataset, ends: pd.DatetimeIndex, cat: Catalogue
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Each indicator computed ONCE over all the trend dates; failures become a status."""
    from ..engine import compute, missing_tables

    frames: list[pd.DataFrame] = []
    status: dict[str, str] = {}
    for ind in items:
        try:
            frames.append(compute(ind, ds, at=ends, catalogue=cat))
        except MissingTableError as exc:
            need = missing_tables(ind, ds)
            status[ind.id] = (
                f"unavailable: needs the {', '.join(need)} table{'s' if len(need) > 1 else ''}"
                if need
                else f"unavailable: {exc}"
            )
        except BreakdownError as exc:
            status[ind.id] = f"unavailable: {exc}"
        except NotImplementedError:
            status[ind.id] = "unavailable: the measure is not implemented yet"
        except Exception as exc:  # one broken indicator never stops the scorecard
            # the message is not shown: it may quote input rows (identifiers, dates of birth)
            status[ind.id] = (
                f"could not be computed ({type(exc).__name__}); "
                f"run scorecard.compute({ind.id!r}, ...) for details"
            )
    cols = ["indicator", "period_end", "numerator", "denominator", "value"]
    if frames:
        history = pd.concat([f[cols] for f in frames], ignore_index=True)
    else:
        history = pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
        history["indicator"] = history["indicator"].astype("string")
        history["period_end"] = history["period_end"].astype(DATE_DTYPE)
    history["indicator"] = history["indicator"].astype(str)
    return history, status


def current_rows(
    items: list[Indicator],
    history: pd.DataFrame,
    status: Mapping[str, str],
    period_end: pd.Timestamp,
) -> pd.DataFrame:
    """One row per indicator with its value at `period_end` and catalogue attributes."""
    base = pd.DataFrame(
        {
            "domain": [i.domain for i in items],
            "indicator": [i.id for i in items],
            "title": [i.title for i in items],
            "unit": [i.unit for i in items],
            "polarity": [i.polarity for i in items],
        }
    )
    now = history[history["period_end"] == period_end]
    now = now.drop_duplicates("indicator")[["indicator", "numerator", "denominator", "value"]]
    out = base.merge(now, on="indicator", how="left")
    for col in ("numerator", "denominator", "value"):
        out[col] = out[col].astype("float64")
    out["status"] = [
        status.get(i.id, "" if not np.isnan(v) else _why_blank(d))
        for i, v, d in zip(items, out["value"], out["denominator"])
    ]
    return out


def _why_blank(denominator: float) -> str:
    if denominator == 0:
        return "no value: no children in the group at this date"
    return "no value at this date"


# --------------------------------------------------------------------------- bands


def _bands() -> Any | None:
    try:
        from .. import bands
    except ImportError:
        return None
    return bands


def add_targets(frame: pd.DataFrame, items: list[Indicator], period_end: pd.Timestamp):
    """The target in force at `period_end` (bands.target_for), blank when none."""
    bands = _bands()
    targets = []
    for ind in items:
        t = None
        if bands is not None and hasattr(bands, "target_for"):
            try:
                t = bands.target_for(ind, period_end)
            except Exception:
                t = None
        targets.append(np.nan if t is None else float(t))
    out = frame.copy()
    out["target"] = targets
    return out


def add_direction(
    frame: pd.DataFrame, history: pd.DataFrame, cat: Catalogue, period_end: pd.Timestamp
) -> pd.DataFrame:
    """Direction of travel on the quarter and the year (bands.direction_of_travel)."""
    cols = ["change_quarter", "dot_quarter", "change_year", "dot_year"]
    out = frame.copy()
    bands = _bands()
    dot = None
    if bands is not None and hasattr(bands, "direction_of_travel") and len(history):
        try:
            dot = bands.direction_of_travel(history, catalogue=cat)
        except Exception:
            dot = None
    if dot is None or not set(cols) <= set(dot.columns):
        for c in cols:
            out[c] = np.nan if c.startswith("change") else None
        return out
    dot = dot[pd.to_datetime(dot["period_end"]) == period_end]
    dot = dot.assign(indicator=dot["indicator"].astype(str)).drop_duplicates("indicator")
    out = out.merge(dot[["indicator", *cols]], on="indicator", how="left")
    for c in cols:
        if c.startswith("change"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        else:
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def add_rag(frame: pd.DataFrame, items: list[Indicator], period_end: pd.Timestamp):
    """RAG for each row (bands.rag_value; benchmark-mode indicators use the SN average)."""
    bands = _bands()
    out = frame.copy()
    rags: list[str | None] = []
    for ind, value, sn in zip(items, out["value"], out["sn_value"]):
        r = None
        if bands is not None and hasattr(bands, "rag_value") and not np.isnan(value):
            try:
                r = bands.rag_value(
                    float(value), ind, period_end, sn_value=None if np.isnan(sn) else float(sn)
                )
            except Exception:
                r = None
        rags.append(r if r in ("green", "amber", "red") else None)
    out["rag"] = pd.Series(rags, index=out.index, dtype=object)
    return out


# --------------------------------------------------------------------------- benchmarks

BENCH_COLUMNS = {
    "sn_value": "float64",
    "sn_count": "float64",
    "england": "float64",
    "region": "float64",
    "quartile_band": object,
    "rank": "float64",
    "n_las": "float64",
    "best_value": "float64",
    "best_la": object,
    "gap_to_best": "float64",
    "benchmark_year": object,
}


def sample_benchmark_paths(sample: Path) -> tuple[Path | None, Path | None]:
    """The bundled synthetic LAIT panel and neighbour list, if the sample has them."""
    folder = sample / "benchmarks"
    if not folder.is_dir():
        return None, None
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".xlsx"))
    sn = [p for p in files if re.search(r"neighbour|(^|[_-])sn([_-]|$)", p.stem, re.I)]
    lait = [p for p in files if p not in sn]
    return (lait[0] if lait else None), (sn[0] if sn else None)


def _year_end(value: object) -> int | None:
    """The calendar year a published year ends in: 2024, '2024', '2023-24', '202324' -> 2024."""
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})", text)
    if m:
        end = m.group(2)
        return int(end) if len(end) == 4 else int(m.group(1)[:2] + end)
    m = re.fullmatch(r"(\d{4})(\d{2})", text)
    if m:
        return int(m.group(1)[:2] + m.group(2))
    m = re.fullmatch(r"(\d{4})(\.0)?", text)
    return int(m.group(1)) if m else None


def _empty_comparators(items: list[Indicator]) -> pd.DataFrame:
    out = pd.DataFrame({"indicator": [i.id for i in items]})
    for c, dtype in BENCH_COLUMNS.items():
        out[c] = pd.Series([np.nan] * len(out), dtype=dtype)
        if dtype is object:
            out[c] = None
    return out


def benchmark_rows(
    items: list[Indicator],
    benchmarks: pd.DataFrame | str | Path | None,
    neighbours: pd.DataFrame | str | Path | None,
    la: str | None,
    period_end: pd.Timestamp,
    sn_stat: str,
    cat: Catalogue,
) -> tuple[pd.DataFrame, str, str | None]:
    """Published comparators per indicator from the latest year up to the quarter's financial
    year end, with a note for the page and the LA's published name."""
    empty = _empty_comparators(items)
    if benchmarks is None:
        return empty, "No benchmark data was given.", None
    if la is None:
        return empty, "No local authority code was given, so no benchmarks are shown.", None
    try:
        from ..benchmark import compare, load_benchmarks, load_neighbours
    except ImportError:
        return empty, "Benchmarking is not available in this version.", None
    try:
        bench = benchmarks if isinstance(benchmarks, pd.DataFrame) else load_benchmarks(benchmarks)
        sn = neighbours
        if sn is not None and not isinstance(sn, pd.DataFrame):
            sn = load_neighbours(sn)
    except Exception as exc:
        return empty, f"The benchmark files could not be read ({exc}).", None

    la = str(la).strip()
    found_name = _la_name(bench, la)
    limit = int(financial_year(period_end)[:4]) + 1
    lait = {i.id: i.benchmark.lait for i in items if i.benchmark and i.benchmark.lait}
    years = bench.assign(_end=bench["year"].map(_year_end))
    years = years[years["_end"].notna() & (years["_end"] <= limit)]
    chosen: dict[str, object] = {}
    for ind_id, name in lait.items():
        avail = years[years["indicator"] == name]
        if len(avail):
            chosen[ind_id] = avail.loc[avail["_end"].idxmax(), "year"]

    rows = []
    sn_problem = False
    for year in dict.fromkeys(chosen.values()):
        names = [lait[i] for i, y in chosen.items() if y == year]
        try:
            cmp = compare(bench, la, year, sn, indicators=names, sn_stat=sn_stat, catalogue=cat)
        except Exception:
            if sn is None:
                continue
            try:  # e.g. the LA is not in the neighbour list: comparators without SN
                cmp = compare(bench, la, year, None, indicators=names, catalogue=cat)
                sn_problem = True
            except Exception:
                continue
        cmp = cmp.reset_index() if "indicator" not in cmp.columns else cmp
        for ind_id, y in chosen.items():
            if y != year:
                continue
            hit = cmp[cmp["indicator"] == lait[ind_id]]
            if len(hit):
                row = hit.iloc[0]
                rows.append(
                    {
                        "indicator": ind_id,
                        "sn_value": row.get("sn_value"),
                        "sn_count": row.get("sn_count"),
                        "england": row.get("england"),
                        "region": row.get("region"),
                        "quartile_band": row.get("quartile_band"),
                        "rank": row.get("rank"),
                        "n_las": row.get("n_las"),
                        "best_value": row.get("best_value"),
                        "best_la": row.get("best_la"),
                        "gap_to_best": row.get("gap_to_best"),
                        "benchmark_year": _year_label(year),
                    }
                )
    if not rows:
        note = f"No published comparators were found for LA {la} up to {limit}."
        return empty, note, found_name
    got = pd.DataFrame(rows)
    out = empty[["indicator"]].merge(got, on="indicator", how="left")
    for c, dtype in BENCH_COLUMNS.items():
        if dtype == "float64":
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        else:
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    yrs = sorted({str(y) for y in got["benchmark_year"].dropna()})
    note = (
        f"Comparators are published figures for the latest year available ({', '.join(yrs)}); "
        "the statistical-neighbour (SN) average is the "
        f"{'median' if sn_stat == 'median' else 'mean'} of the neighbours with a value."
    )
    if sn is None or sn_problem:
        note += f" No statistical-neighbour list was available for LA {la}."
    return out, note, found_name


def _year_label(year: object) -> str:
    end = _year_end(year)
    return f"{end - 1}-{end % 100:02d}" if end else str(year)


def _la_name(bench: pd.DataFrame, la: str) -> str | None:
    if "la_code" not in bench.columns or "la_name" not in bench.columns:
        return None
    hit = bench.loc[bench["la_code"].astype(str) == la, "la_name"].dropna()
    return str(hit.iloc[0]) if len(hit) else None


# --------------------------------------------------------------------------- time in care by age

BY_AGE_INDICATOR = "time_in_care_ceased"


def time_in_care_by_age(
    ds: Dataset, cat: Catalogue, period_end: pd.Timestamp
) -> pd.DataFrame | None:
    """Average time in care of children who left care, by age at entry, in the year to the
    quarter and the year before (the panel asked for time in care by age). None when the
    indicator cannot be computed."""
    from ..engine import compute

    if BY_AGE_INDICATOR not in cat:
        return None
    year_ago = trend_dates(period_end, 5)[0]
    try:
        out = compute(
            BY_AGE_INDICATOR, ds, at=[year_ago, period_end], by="age_at_entry_band", catalogue=cat
        )
    except Exception:
        return None
    out = out.rename(columns={"age_at_entry_band": "age_at_entry"})
    out = out[out["age_at_entry"].notna()]
    out["age_at_entry"] = out["age_at_entry"].astype(str)
    # every age band in both years, so an empty year or band shows as none rather than vanish
    bands = [*AGE_BANDS, *sorted(set(out["age_at_entry"]) - set(AGE_BANDS))]
    grid = pd.MultiIndex.from_product(
        [pd.DatetimeIndex([year_ago, period_end]).astype(DATE_DTYPE), bands],
        names=["period_end", "age_at_entry"],
    )
    out = out.set_index(["period_end", "age_at_entry"])[["numerator", "denominator", "value"]]
    out = out[~out.index.duplicated()].reindex(grid)
    out[["numerator", "denominator"]] = out[["numerator", "denominator"]].fillna(0.0)
    return out.reset_index()


# --------------------------------------------------------------------------- trend, privacy


def trend_lists(
    history: pd.DataFrame, indicators: pd.Series, ends: pd.DatetimeIndex
) -> list[list[Any]]:
    """For each indicator, its values at the trend dates, oldest first (NaN when none)."""
    wide = (
        history.drop_duplicates(["indicator", "period_end"])
        .pivot(index="indicator", columns="period_end", values="value")
        .reindex(index=list(indicators), columns=ends)
    )
    return [list(map(float, row)) for row in wide.to_numpy(dtype="float64")]


def suppress(
    frame: pd.DataFrame,
    history: pd.DataFrame,
    items: list[Indicator],
    threshold: int,
    ends: pd.DatetimeIndex,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Publication mode: withhold small counts, their values, changes, bands and trend points."""
    counts = {i.id: i.publish_counts for i in items}
    units = {i.id: i.unit for i in items}
    hist = apply_suppression(
        history,
        history["indicator"].map(counts).fillna(True).astype(bool),
        threshold,
        units=history["indicator"].map(units),
    )
    out = apply_suppression(
        frame,
        frame["indicator"].map(counts).fillna(True).astype(bool),
        threshold,
        extra_columns=("change_quarter", "change_year"),
        units=frame["unit"],
    )
    # a withheld value gets no band or direction either: both would narrow it down
    hidden = out["suppressed"].to_numpy()
    for col in ("rag", "dot_quarter", "dot_year"):
        out[col] = out[col].astype(object).where(~hidden, None)
    # a change whose earlier end is withheld would give that end back
    prev = _withheld_at(hist, frame, items)
    for col, flag in prev.items():
        mask = flag.to_numpy() & ~hidden
        out[col] = out[col].astype(object).where(~mask, "c")
        word = col.replace("change_", "dot_")
        out[word] = out[word].astype(object).where(~mask, None)
    out.loc[hidden, "status"] = f"withheld: a count of 1 to {threshold} children"
    # trend points: 'c' where withheld
    flags = (
        hist.drop_duplicates(["indicator", "period_end"])
        .pivot(index="indicator", columns="period_end", values="suppressed")
        .reindex(index=list(out["indicator"]), columns=ends)
    )
    flags = flags.fillna(False).astype(bool).to_numpy() if len(hist) else None
    out["trend"] = [
        [("c" if flags is not None and flags[r, k] else v) for k, v in enumerate(trend)]
        for r, trend in enumerate(out["trend"])
    ]
    return out, hist


def _withheld_at(
    hist: pd.DataFrame, frame: pd.DataFrame, items: list[Indicator]
) -> dict[str, pd.Series]:
    """Whether each indicator's value a quarter / a year before the current date is withheld."""
    if not len(hist):
        false = pd.Series(False, index=frame.index)
        return {"change_quarter": false, "change_year": false}
    ends = sorted(hist["period_end"].unique())
    cur = ends[-1]
    q_before = pd.Timestamp(cur) - pd.DateOffset(months=3)
    y_before = pd.Timestamp(cur) - pd.DateOffset(months=12)
    sup = hist[hist["suppressed"]]
    out = {}
    for col, when in (("change_quarter", q_before), ("change_year", y_before)):
        month = sup["period_end"].dt.to_period("M") == pd.Timestamp(when).to_period("M")
        withheld = set(sup.loc[month, "indicator"])
        out[col] = frame["indicator"].isin(withheld)
    return out
