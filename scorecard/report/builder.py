"""Build the quarterly panel scorecard (SPEC sections 1 and 9) as a tidy frame.

Every on-scorecard indicator is computed once over the last `trend_quarters` quarter ends
(an annual indicator over one date a year); RAG, target and direction of travel come from
`scorecard.bands`, published comparators from `scorecard.benchmark`. An indicator that cannot
be computed (a missing table, a failing measure, every date outside the data's coverage) stays
on the scorecard with its reason in `status`, so the panel sees what is missing rather than a
silently shorter list; a failing measure is also raised as an `IndicatorFailedWarning`, so the
analyst hears of it. A date the data cannot support has no value and compute's `note` says
why (the row's `status`); a note on a value is its `caveat`. A quarter outside the data's
coverage builds no card (`OutsideCoverageError`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from .. import bands
from ..benchmark import (
    MIN_SIZE,
    SN_FILE,
    benchmark_lookup,
    benchmark_name,
    benchmark_panel,
    best_rule,
    compare,
    gap_to,
    latest_years_of,
    load_neighbours,
    published_averages,
    resolve_la,
)
from ..breakdowns import UNKNOWN_DISTRICT, BreakdownError
from ..catalogue import Catalogue, Indicator, load_catalogue
from ..dataset import Dataset, MissingTableError
from ..la_lookup import LaLookup, UnknownLAError
from ..measures.facts import lower_bound_share, says_lower_bound
from ..periods import (
    AGE_BANDS,
    DATE_DTYPE,
    financial_year,
    parse_date,
    published_year_end,
    published_year_label,
    quarter_label,
)
from .comparison import COMPARE_NAMES
from .fmt import WARNINGS_HEADING
from .privacy import (
    apply_suppression,
    cohort_groups,
    cohort_outcomes,
    suppress_text,
    withheld_status,
)
from .scorecard import (
    COMPARATOR_COLUMNS,
    COMPARATOR_TEXT,
    FRAME_COLUMNS,
    VALUE_COMPARATORS,
    Scorecard,
)

SAMPLE_LA = "650"
SAMPLE_LA_NAME = "Wealdshire"


R = TypeVar("R")


class IndicatorFailedWarning(UserWarning):
    """An indicator's measure raised an unexpected error; it stays on the scorecard with the
    reason in `status` (run `scorecard.compute(id, ...)` to see the full error)."""


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
    min_size: float | None = MIN_SIZE,
) -> Scorecard:
    """The panel scorecard for `quarter` (a label like '2024-25 Q4' or any date).

    dataset: a Dataset or a folder (None: the bundled sample). benchmarks / neighbours: the
    published figures (a LAIT extract, EES CSVs of either vintage, folders, or a list of
    them: see `scorecard.benchmark.benchmark_panel`) and the statistical-neighbour list, as
    frames or paths (None with the bundled sample: its synthetic panel in
    data/sample/benchmarks/). la: the authority ('886', 'E10000016' or 'Kent'; '650' for the
    sample); one no list knows raises `UnknownLAError` naming close matches. min_size: the
    children looked after an authority needs to be named best LA (None: any).
    publish=True applies small-number suppression (counts 1..suppress_threshold shown as 'c').
    """
    from ..inputs import bundled_sample_path, load_dataset

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
    if is_sample and la is None:
        la = SAMPLE_LA
    if is_sample and benchmarks is None:
        benchmarks, neighbours = sample_benchmark_paths(bundled_sample_path())
    if la is None and ds.authority is not None:
        la = _named_authority(ds.authority)
    authority = card_authority(la, benchmarks, neighbours, cat)  # an unknown LA fails here
    _check_authority(ds, authority, is_sample)

    period_end = parse_date(quarter)
    check_coverage(ds, items, period_end)
    ends = trend_dates(period_end, trend_quarters)
    # at least 5 quarter ends, so that the change on a year can be worked out
    history, status, by_district, values = compute_history(
        items,
        ds,
        trend_dates(period_end, max(trend_quarters, 5)),
        cat,
        district_at=period_end,
        spread_at=spread_dates(period_end),
    )

    # a figure most of whose rows are left out (an unreadable column) has no value: compute
    # says it is unavailable, with the reason, as for a date outside the data
    left_out = left_out_rows(ds, cat, items)
    history = history.loc[~history["indicator"].isin(list(status))].reset_index(drop=True)
    by_district = {i: f for i, f in by_district.items() if i not in status}
    values = {i: f for i, f in values.items() if i not in status}

    frame = current_rows(items, history, status, period_end)
    frame = add_iro_check(frame, ds, cat, period_end)
    warned = warned_rows(ds, cat, items)
    frame = add_warned(frame, warned)
    frame = add_targets(frame, items, period_end)
    spread = with_spread(history, items, ds, cat, period_end, values)
    frame = add_direction(frame, spread, cat, period_end)

    # placed among the authorities, and measured against the best, as the card shows it: a
    # 21.07 shown 21.1 ranked 33rd beside our published 21.1 ranked 31st
    current = {
        i: bands.shown_value(v, cat.get(i).decimals)
        for i, v in zip(frame["indicator"], frame["value"], strict=True)
    }
    comparators, bench_note = benchmark_rows(
        items, authority, period_end, sn_stat, cat, values=current, min_size=min_size
    )
    frame = frame.merge(comparators, on="indicator", how="left")
    frame = add_rag(frame, items, period_end)
    frame["trend"] = trend_lists(history, items, ends, period_end)
    frame["commentary"] = ""

    frame["suppressed"] = False
    history["suppressed"] = False
    by_age = time_in_care_by_age(ds, cat, period_end, failed=status)
    failed = {i: s for i, s in zip(frame["indicator"], frame["status"]) if is_unavailable(s)}
    districts = district_view(ds, items, cat, period_end, frame, failed, by_district)
    published = published_series(items, authority, history["period_end"], period_end, sn_stat, cat)

    la = authority.code
    name = la_name or authority.name or (SAMPLE_LA_NAME if la == SAMPLE_LA else None)
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
        coverage=coverage_lines(ds, items),
        left_out=left_out,
        warned=warned,
        districts=districts,
        published=published,
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
    return _dates_apart(period_end, n, months=3)


def _dates_apart(period_end: pd.Timestamp, n: int, months: int) -> pd.DatetimeIndex:
    """`n` reference dates `months` apart ending at `period_end` (month ends stay month
    ends)."""
    month_end = period_end == period_end + pd.offsets.MonthEnd(0)
    dates = []
    for k in range(n - 1, -1, -1):  # a handful of dates, not children
        d = period_end - pd.DateOffset(months=months * k)
        dates.append(d + pd.offsets.MonthEnd(0) if month_end else d)
    return pd.DatetimeIndex(dates).astype(DATE_DTYPE)


def _period_label(period_end: pd.Timestamp) -> str:
    if period_end == period_end + pd.offsets.MonthEnd(0) and period_end.month in (3, 6, 9, 12):
        return quarter_label(period_end)
    return f"at {period_end.day} {period_end:%B %Y}"


def annual_dates(period_end: pd.Timestamp, n: int = 5) -> pd.DatetimeIndex:
    """`n` reference dates a year apart ending at `period_end`: an annual indicator's trend
    (one figure per academic or collection year)."""
    return _dates_apart(period_end, n, months=12)


HISTORY_COLUMNS = ["indicator", "period_end", "numerator", "denominator", "value", "note"]


class History(NamedTuple):
    """The card's indicators over their trend dates (`compute_history`)."""

    frame: pd.DataFrame  # compute's rows of every indicator that could be computed
    status: dict[str, str]  # indicator id -> why it could not be
    by_district: dict[str, pd.DataFrame]  # indicator id -> compute's frame by district
    unit_values: dict[str, pd.DataFrame]  # indicator id -> engine.unit_values (the spread)


# one indicator's trend (or None), why it has none, its districts and its units' values
_Computed = tuple[pd.DataFrame | None, str, pd.DataFrame | None, pd.DataFrame | None]


def compute_history(
    items: list[Indicator],
    ds: Dataset,
    ends: pd.DatetimeIndex,
    cat: Catalogue,
    district_at: pd.Timestamp | None = None,
    spread_at: pd.DatetimeIndex | None = None,
) -> History:
    """Each indicator computed ONCE over all its trend dates (the quarter ends, or one date a
    year for an annual indicator); failures become a status. `note` says why a date has no
    value ('not available: needs data from ...') or what to bear in mind about it. With
    `district_at`, an indicator the district view shows is also summarised by district at
    that date from the same units, and with `spread_at` an indicator tested on its spread
    (`spread_stat`) gives its units' values at those dates from them too. On large data
    (pooled authorities) the indicators are computed side by side in threads."""
    from ..engine import compute, compute_each, is_large, side_by_side

    def one(ind: Indicator) -> _Computed:
        dates = annual_dates(ends[-1]) if ind.frequency == "annual" else ends
        views: list[tuple[object, str | None]] = [(dates, None)]
        if district_at is not None and _in_district_view(ind, ds):
            views.append((district_at, "district"))
        values_at = spread_at if spread_stat(ind) else None
        if len(views) > 1:
            shared = _computed_together(ind, ds, views, cat, values_at)
            if shared is not None:
                return shared[0], "", shared[1], shared[2] if values_at is not None else None
        elif values_at is not None:  # fails only as compute would: no need to try again
            got, why = guarded_compute(
                ind, ds, lambda: compute_each(ind, ds, views, catalogue=cat, values_at=values_at)
            )
            return (got[0], why, None, got[1]) if got is not None else (None, why, None, None)
        got, why = guarded_compute(ind, ds, lambda: compute(ind, ds, at=dates, catalogue=cat))
        return got, why, None, None

    frames: list[pd.DataFrame] = []
    status: dict[str, str] = {}
    by_district: dict[str, pd.DataFrame] = {}
    unit_values: dict[str, pd.DataFrame] = {}
    for ind, (got, why, districts, values) in zip(
        items, side_by_side(one, items, worth=is_large(ds)), strict=True
    ):
        if districts is not None:
            by_district[ind.id] = districts
        if values is not None:
            unit_values[ind.id] = values
        if why:
            status[ind.id] = why
        else:
            frames.append(got)
    if frames:
        # compute's own columns (its note already a string)
        history = pd.concat(frames, ignore_index=True)[HISTORY_COLUMNS]
    else:
        history = pd.DataFrame({c: pd.Series(dtype="float64") for c in HISTORY_COLUMNS})
        history["indicator"] = history["indicator"].astype("string")
        history["period_end"] = history["period_end"].astype(DATE_DTYPE)
    history["indicator"] = history["indicator"].astype(str)
    history["note"] = history["note"].astype("string")
    return History(history, status, by_district, unit_values)


def _in_district_view(ind: Indicator, ds: Dataset) -> bool:
    return "districts" in ds.tables and "district" in ind.breakdowns


def _computed_together(
    ind: Indicator,
    ds: Dataset,
    views: list[tuple[object, str | None]],
    cat: Catalogue,
    values_at: pd.DatetimeIndex | None = None,
) -> list[pd.DataFrame] | None:
    """The indicator's trend and its figures by district (the views), and with `values_at`
    its units' values then, from one build of its units (`engine.compute_each`: the same
    frames as `compute` calls), or None when any fails: the caller then computes the trend
    apart, so that it keeps its own reason or warning (`guarded_compute`)."""
    from ..engine import compute_each

    try:
        return compute_each(ind, ds, views, catalogue=cat, values_at=values_at)
    except Exception:  # computed again apart, where guarded_compute says what went wrong
        return None


def is_unavailable(status: object) -> bool:
    """True for a status that says a row has no value because it cannot have one."""
    return isinstance(status, str) and status.startswith(
        ("unavailable", "not available", "could not")
    )


class OutsideCoverageError(ValueError):
    """The scorecard's date lies outside every date the data covers: nothing on the card
    could be a figure, so no card is built (the message says which dates the data covers)."""


def check_coverage(ds: Dataset, items: list[Indicator], period_end: pd.Timestamp) -> None:
    """Raise OutsideCoverageError when `period_end` lies outside the span of the data's
    coverage (from the earliest start to the latest end of the tables the card uses)."""
    from ..dataset import Coverage

    tables = sorted({t for i in items for t in i.tables} & set(ds.coverage))
    if not tables:
        return
    covs = [ds.coverage[t] for t in tables]
    span = Coverage(min(c.start for c in covs), max(c.end for c in covs))
    reason = span.unavailable_reason(period_end, 0)
    if reason:
        raise OutsideCoverageError(
            f"No scorecard for {_period_label(period_end)}: {reason}. Choose a quarter from "
            f"{span.start:%d/%m/%Y} to {span.end:%d/%m/%Y}."
        )


def coverage_lines(ds: Dataset, items: list[Indicator]) -> tuple[str, ...]:
    """The dates the data of the card's tables covers, one line per distinct coverage:
    '01/04/2017 to 31/03/2019 (episodes, header: SSDA903 returns 2017-18 to 2018-19)'."""
    used = [t for t in dict.fromkeys(t for i in items for t in i.tables) if t in ds.coverage]
    groups: dict[object, list[str]] = {}
    for t in used:
        groups.setdefault(ds.coverage[t], []).append(t)
    lines = []
    for cov, tables in groups.items():
        text = f"{cov.start:%d/%m/%Y} to {cov.end:%d/%m/%Y} ({', '.join(tables)}"  # type: ignore[attr-defined]
        text += f": {cov.basis})" if cov.basis else ")"  # type: ignore[attr-defined]
        for start, end in cov.gaps:  # type: ignore[attr-defined]
            text += f", with no data from {start:%d/%m/%Y} to {end:%d/%m/%Y}"
        lines.append(text)
    return tuple(lines)


def left_out_rows(ds: Dataset, cat: Catalogue, items: list[Indicator]) -> pd.DataFrame | None:
    """Rows each card indicator leaves out because a cell it needs is unusable
    (`scorecard.left_out`: indicator, table, column, rule, rows), or None when none are."""
    from ..engine import left_out

    if ds.unusable.empty:
        return None
    frame = left_out(ds, cat)
    frame = frame.loc[frame["indicator"].astype(str).isin([i.id for i in items])]
    return frame.reset_index(drop=True) if len(frame) else None


def warned_rows(ds: Dataset, cat: Catalogue, items: list[Indicator]) -> pd.DataFrame | None:
    """The data's warnings each card indicator meets (`scorecard.warned`: indicator, table,
    column, rule, rows), or None when it meets none."""
    from ..engine import warned

    if not ds.quality["severity"].isin(["warning", "error"]).any():
        return None
    frame = warned(ds, cat)
    frame = frame.loc[frame["indicator"].astype(str).isin([i.id for i in items])]
    return frame.reset_index(drop=True) if len(frame) else None


def add_warned(frame: pd.DataFrame, found: pd.DataFrame | None) -> pd.DataFrame:
    """A caveat on each figure that keeps rows or files the data's warnings are about (an
    episode open in one return and missing from the next counts as open; a child renumbered
    by a new system counts twice): the figure may be wrong, and a member reading the card
    should know it beside the figure, not only in the list under the table. Worded without
    counts, alike for one row or many."""
    if found is None:
        return frame
    said = {
        str(i): f"data warnings on its {' and '.join(dict.fromkeys(part['table']))} data "
        f"(see {WARNINGS_HEADING})"
        for i, part in found.groupby("indicator", sort=False)
    }
    out = frame.copy()
    rows = out["indicator"].isin(list(said)) & out["value"].notna()
    out.loc[rows, "caveat"] = [
        f"{c}; {said[i]}" if c else said[i]
        for i, c in zip(out.loc[rows, "indicator"], out.loc[rows, "caveat"], strict=True)
    ]
    return out


def guarded_compute(ind: Indicator, ds: Dataset, call: Callable[[], R]) -> tuple[R | None, str]:
    """`call()` for one indicator, or None and the reason it could not be computed.

    A missing table or an impossible breakdown is an expected gap ('unavailable: ...'). Any
    other error is the one deliberate broad catch of the scorecard: one broken indicator must
    not stop the panel's whole card, so it becomes a status AND an `IndicatorFailedWarning`.
    The error's message is not repeated: it may quote input rows (identifiers, dates of birth).
    """
    from ..engine import UnavailableError, missing_tables

    try:
        return call(), ""
    except UnavailableError as exc:  # every date asked for lies outside the coverage
        return None, str(exc).removeprefix(f"{ind.id}: ")  # the row names the indicator
    except MissingTableError as exc:
        need = missing_tables(ind, ds)
        if need:
            return None, f"unavailable: needs the {', '.join(need)} table{'s' * (len(need) > 1)}"
        return None, f"unavailable: {exc}"
    except BreakdownError as exc:
        return None, f"unavailable: {exc}"
    except Exception as exc:  # deliberate: see the docstring
        why = (
            f"could not be computed ({type(exc).__name__}); "
            f"run scorecard.compute({ind.id!r}, ...) for details"
        )
        warnings.warn(f"{ind.id}: {why}", IndicatorFailedWarning, stacklevel=2)
        return None, why


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
    now = now.drop_duplicates("indicator")[
        ["indicator", "numerator", "denominator", "value", "note"]
    ]
    out = base.merge(now, on="indicator", how="left")
    for col in ("numerator", "denominator", "value"):
        out[col] = out[col].astype("float64")
    notes = [None if pd.isna(n) else str(n) for n in out["note"]]
    # a note on a row without a value says why (the status); on a value, it is a caveat
    out["status"] = [
        status.get(i.id, "" if not np.isnan(v) else (n or _why_blank(d, i)))
        for i, v, d, n in zip(items, out["value"], out["denominator"], notes)
    ]
    out["caveat"] = [n if n and not np.isnan(v) else "" for v, n in zip(out["value"], notes)]
    return out.drop(columns="note")


IRO_INDICATORS = ("iro_caseload", "iro_caseload_weighted")


def add_iro_check(
    frame: pd.DataFrame, ds: Dataset, cat: Catalogue, period_end: pd.Timestamp
) -> pd.DataFrame:
    """A caveat on the IRO caseload rows when the children looked after and the IRO cases do
    not match: every child looked after should have an IRO, so children with no looked-after
    case in `iro_allocations` (and cases of children not looked after) are said, not left
    for a member to find by subtracting 1,784 cases from 1,789 children."""
    shown = [i for i in IRO_INDICATORS if i in set(frame["indicator"]) and i in cat]
    if not shown or "cla_count" not in cat:
        return frame
    from ..engine import units

    try:
        kids = units("cla_count", ds, at=period_end, catalogue=cat)
        cases = units(shown[0], ds, at=period_end, catalogue=cat)
    except Exception:  # either figure's own row says what went wrong
        return frame
    cases = cases.loc[cases["unit"].astype(str) == "IRO case"]
    if "CASE_TYPE" in cases:
        cases = cases.loc[cases["CASE_TYPE"].astype(str) == "CLA"]
    keys = [k for k in ("LA", "CHILD") if k in kids.columns and k in cases.columns]
    if "CHILD" not in keys:
        return frame
    looked_after = pd.MultiIndex.from_frame(kids[keys].astype(str)).unique()
    allocated = pd.MultiIndex.from_frame(cases[keys].dropna().astype(str)).unique()
    missing = len(looked_after.difference(allocated))
    stale = len(allocated.difference(looked_after))
    # worded alike for one or many: a publication version shows 1-5 as 'c', and 'has' or
    # 'is' beside it would give the 1 away
    said = []
    if missing:
        said.append(
            f"children looked after on {period_end:%d/%m/%Y} with no IRO case in the IRO "
            f"allocations: {missing:,} of the {len(looked_after):,} (every child looked "
            "after should have an IRO)"
        )
    if stale:
        said.append(f"looked-after cases of children not looked after then: {stale:,}")
    if not said:
        return frame
    out = frame.copy()
    rows = out["indicator"].isin(shown) & out["value"].notna()
    text = "; ".join(said)
    out.loc[rows, "caveat"] = [f"{c}; {text}" if c else text for c in out.loc[rows, "caveat"]]
    return out


def _why_blank(denominator: float, ind: Indicator) -> str:
    """Why a row the data covers has no value: with nothing to divide by, what its measure
    counts is named ('no referral', not 'no children' whatever the unit)."""
    if denominator != 0:
        return "no value at this date"
    from ..registry import registry

    counted = registry[ind.measure].unit.split(" (")[0]  # '(and the ...)': not what is counted
    return f"no value at this date: no {counted}"


# --------------------------------------------------------------------------- bands


def add_targets(frame: pd.DataFrame, items: list[Indicator], period_end: pd.Timestamp):
    """The target in force at `period_end` (bands.target_for), blank when none."""
    targets = [bands.target_for(ind, period_end) for ind in items]
    out = frame.copy()
    out["target"] = [np.nan if t is None else float(t) for t in targets]
    return out


def spread_stat(ind: Indicator) -> str | None:
    """The statistic of an indicator whose direction of travel is tested on its units'
    spread (a mean or median in days or points, a gap in percentage points), else None."""
    from ..registry import registry

    stat = registry[ind.measure].stat_for(ind.params)
    if ind.unit in ("days", "points") and stat in ("mean", "median", "percent"):
        return stat
    return None


def spread_dates(period_end: pd.Timestamp) -> pd.DatetimeIndex:
    """`period_end` and the dates `bands.direction_of_travel` compares it with."""
    now = pd.Series([period_end])
    return pd.DatetimeIndex([period_end, *(bands.shift_back(now, m).iloc[0] for m in (3, 12))])


def with_spread(
    history: pd.DataFrame,
    items: list[Indicator],
    ds: Dataset,
    cat: Catalogue,
    period_end: pd.Timestamp,
    unit_values: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """`history` with `sd`: for a mean in days or points (and a gap in percentage points),
    the standard deviation of its units' values at `period_end` and the dates it is compared
    with, so that its direction of travel is tested on that spread (bands) rather than on
    a relative change; blank for every other row. `unit_values`: indicator id ->
    `engine.unit_values` already worked out at those dates (`compute_history`); the others'
    are worked out here."""
    from ..engine import unit_values as values_of

    out = history.assign(sd=np.nan)
    dates = spread_dates(period_end)
    for ind in items:
        stat = spread_stat(ind)
        if stat is None:
            continue
        rows = (out["indicator"] == ind.id) & out["period_end"].isin(dates)
        have = pd.DatetimeIndex(out.loc[rows & out["value"].notna(), "period_end"].unique())
        if have.empty:
            continue
        got = (unit_values or {}).get(ind.id)
        if got is None:
            try:
                got = values_of(ind, ds, at=have, catalogue=cat)
            except Exception:  # the figure's own row says what went wrong; no spread to add
                continue
        got = got.loc[got["period_end"].isin(have)]
        spread = _median_spread if stat == "median" else (lambda v: v.std(ddof=1))
        sd = got["value"].groupby(got["period_end"]).agg(spread)
        out.loc[rows, "sd"] = out.loc[rows, "period_end"].map(sd).to_numpy(dtype=float)
    return out


def _median_spread(values: pd.Series) -> float:
    """A median's spread in the form the test on means takes (its standard error x sqrt(n)):
    the standard error from the order statistics either side of the median that bound its
    95% interval (McKean and Schrader), which holds for skewed days in care as well."""
    v = np.sort(values.dropna().to_numpy(dtype=float))
    n = len(v)
    if n < 3:
        return np.nan
    c = max(int(np.rint((n + 1) / 2 - bands.Z_CRIT * np.sqrt(n / 4))), 1)
    return float((v[n - c] - v[c - 1]) / (2 * bands.Z_CRIT) * np.sqrt(n))


# the direction between figures that are lower bounds (days counted from the data's start
# for children already in care then) is not called where more than this share of either
# figure's children are such: each later date holds more of their time, so the figure rises
# by itself (at the data's start half a card's children are; ten years on, 1 in 60)
LOWER_BOUND_SHARE = 0.05
LOWER_BOUNDS_NOT_COMPARED = "not compared: lower bounds (≥)"


def add_direction(
    frame: pd.DataFrame, history: pd.DataFrame, cat: Catalogue, period_end: pd.Timestamp
) -> pd.DataFrame:
    """Direction of travel on the quarter and the year (bands.direction_of_travel). The
    change is that of the values as the card shows them (10.5% to 9.7% is -0.8 pts, not the
    -0.7 of the unrounded figures), and a change the card shows as none is 'no change'.
    Where either figure is largely a lower bound (`LOWER_BOUND_SHARE`), the direction is
    not called (`LOWER_BOUNDS_NOT_COMPARED`)."""
    cols = ["change_quarter", "dot_quarter", "change_year", "dot_year"]
    out = frame.copy()
    if not len(history):  # no indicator could be computed: nothing to compare
        for c in cols:
            out[c] = np.nan if c.startswith("change") else None
        return out
    dot = bands.direction_of_travel(history, catalogue=cat)
    dot = dot[pd.to_datetime(dot["period_end"]) == period_end]
    dot = dot.assign(indicator=dot["indicator"].astype(str)).drop_duplicates("indicator")
    out = out.merge(dot[["indicator", *cols]], on="indicator", how="left")
    for c in cols:
        if c.startswith("change"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        else:
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    # each figure's value and note by (indicator, date): a lookup per row, not a `.loc`
    once = history.drop_duplicates(["indicator", "period_end"])
    figures = dict(
        zip(
            zip(once["indicator"].tolist(), pd.DatetimeIndex(once["period_end"]), strict=True),
            zip(once["value"].tolist(), once["note"].tolist(), strict=True),
            strict=True,
        )
    )
    for label, months in (("quarter", 3), ("year", 12)):
        then = bands.shift_back(pd.Series([period_end]), months).iloc[0]
        shown = [
            _as_shown_change(figures, cat.get(i), period_end, then, change, word)
            for i, change, word in zip(
                out["indicator"], out[f"change_{label}"], out[f"dot_{label}"]
            )
        ]
        out[f"change_{label}"] = np.array([c for c, _ in shown], dtype="float64")
        out[f"dot_{label}"] = pd.Series([w for _, w in shown], dtype=object)
    return out


def _as_shown_change(
    figures: Mapping[tuple[str, pd.Timestamp], tuple[float, object]],
    ind: Indicator,
    now: pd.Timestamp,
    then: pd.Timestamp,
    change: float,
    word: str | None,
) -> tuple[float, str | None]:
    """One row's change and direction as the card shows them (`add_direction`); `figures`:
    the history's (value, note) by (indicator, period_end)."""
    if word is None or np.isnan(change):
        return change, word
    rows = [figures[(ind.id, at)] for at in (now, then)]
    if max(lower_bound_share(note) for _, note in rows) > LOWER_BOUND_SHARE:
        return np.nan, LOWER_BOUNDS_NOT_COMPARED
    shown = [bands.shown_decimal(value, ind.decimals) for value, _ in rows]
    change = float(shown[0] - shown[1])  # exact: 20.5 then 20.4 is -0.1, never -0.0999...
    if change == 0:  # as shown, nothing moved: not 'no significant change (0)' either
        word = "no change"
    return change, word


def add_rag(frame: pd.DataFrame, items: list[Indicator], period_end: pd.Timestamp):
    """RAG for each row (bands.rag_value; benchmark-mode indicators use the SN average)."""
    out = frame.copy()
    rags = [
        bands.rag_value(
            None if np.isnan(value) else float(value),
            ind,
            period_end,
            sn_value=None if np.isnan(sn) else float(sn),
        )
        for ind, value, sn in zip(items, out["value"], out["sn_value"])
    ]
    out["rag"] = pd.Series(rags, index=out.index, dtype=object)
    return out


# --------------------------------------------------------------------------- benchmarks

COMPARATOR_DTYPES = {c: object if c in COMPARATOR_TEXT else "float64" for c in COMPARATOR_COLUMNS}


@dataclass(frozen=True)
class Authority:
    """The authority a card benchmarks, resolved once: its code and name, and the published
    figures and neighbour list loaded (None when not given)."""

    code: str | None
    name: str | None
    benchmarks: pd.DataFrame | None
    neighbours: pd.DataFrame | None
    lookup: LaLookup | None = None  # the benchmarks' own authorities (benchmark_lookup)


def card_authority(
    la: object,
    benchmarks: object,
    neighbours: pd.DataFrame | str | Path | None,
    cat: Catalogue,
) -> Authority:
    """Load the benchmark sources and resolve `la` against them and the bundled list of
    English LAs (`UnknownLAError` with close matches when nothing knows it), so the card is
    titled with the authority's name even without benchmark files."""
    bench = None
    if benchmarks is not None:
        bench = benchmark_panel(benchmarks, catalogue=cat)
        if not pd.api.types.is_integer_dtype(bench["year"]):  # labels such as '2024-25'
            bench = bench.assign(
                year=pd.array(bench["year"].map(published_year_end), dtype="Int64")
            )
    sn = neighbours
    if sn is not None and not isinstance(sn, pd.DataFrame):
        sn = load_neighbours(sn, benchmarks=bench)
    own = benchmark_lookup(bench) if bench is not None else None
    if la is None:
        return Authority(None, None, bench, sn, own)
    code, name = resolve_la(la, own) if own is not None else resolve_la(la)
    return Authority(code, name, bench, sn, own)


class AuthorityMismatchWarning(UserWarning):
    """The card's authority is not the one the data's own returns name: its comparators,
    title and published figures would be another council's."""


def _check_authority(ds: Dataset, authority: Authority, is_sample: bool = False) -> None:
    """Warn when the dataset's CIN census returns name an authority (`Dataset.authority`)
    other than the card's: a `--la` typed for another council puts its published figures
    beside this council's data (67 per 10k beside 'Ours 2024-25: 53 per 10k'). The bundled
    sample is Wealdshire's (LA 650), though it names no authority."""
    sample_only = is_sample and ds.authority is None
    data_la = SAMPLE_LA if sample_only else ds.authority
    if data_la is None or authority.code is None:
        return
    named = _named_authority(data_la) or data_la
    if named != authority.code:
        whose = (
            f"the bundled sample is {SAMPLE_LA_NAME}'s (LA {SAMPLE_LA})"
            if sample_only
            else f"the data's CIN census returns name LA {data_la}"
        )
        warnings.warn(
            f"{whose}, but the card is for LA {authority.code} "
            f"({authority.name or 'no name'}): its title, comparators and published figures "
            "are that authority's. Check --la (la=).",
            AuthorityMismatchWarning,
            stacklevel=3,
        )


def _named_authority(lea: str) -> str | None:
    """The authority a dataset's CIN census returns name (`Dataset.authority`), when the
    bundled list of English authorities knows it: the card is titled with it (and compared
    as it) without --la. A code the list does not know is left out, as if none were named."""
    try:
        return resolve_la(lea)[0]
    except UnknownLAError:
        return None


def sample_benchmark_paths(sample: Path) -> tuple[Path | None, Path | None]:
    """The bundled synthetic LAIT panel and neighbour list, if the sample has them."""
    folder = sample / "benchmarks"
    if not folder.is_dir():
        return None, None
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".xlsx"))
    sn = [p for p in files if SN_FILE.search(p.stem)]
    lait = [p for p in files if p not in sn]
    return (lait[0] if lait else None), (sn[0] if sn else None)


def _has_la(frame: pd.DataFrame, la: str) -> bool:
    """Whether `frame` (benchmarks or neighbours) has rows for the LA code `la`."""
    return bool(frame["la_code"].astype(str).eq(la).any())


def _empty_comparators(items: list[Indicator]) -> pd.DataFrame:
    out = pd.DataFrame({"indicator": [i.id for i in items]})
    for c, dtype in COMPARATOR_DTYPES.items():
        out[c] = pd.Series([np.nan] * len(out), dtype=dtype)
        if dtype is object:
            out[c] = None
    return out


def benchmark_rows(
    items: list[Indicator],
    authority: Authority,
    period_end: pd.Timestamp,
    sn_stat: str,
    cat: Catalogue,
    values: Mapping[str, float] | None = None,
    min_size: float | None = MIN_SIZE,
) -> tuple[pd.DataFrame, str]:
    """Published comparators per indicator (the card's COMPARATOR_COLUMNS), each from the
    indicator's latest year up to the quarter's financial year end with a value for the LA,
    with a note for the page. `values` (indicator id -> the card's current value) places
    the current value in that year's distribution and measures the gaps from it."""
    empty = _empty_comparators(items)
    bench, la = authority.benchmarks, authority.code
    if bench is None:
        return empty, "No benchmark data was given."
    if la is None:
        return empty, "No local authority code was given, so no benchmarks are shown."
    if not _has_la(bench, la):
        return empty, f"LA {la} is not in the benchmark data, so no comparators are shown."
    sn = authority.neighbours
    if sn is not None and not _has_la(sn, la):
        sn = None  # comparators without the statistical-neighbour average (noted below)
    from ..measures.education import census_march

    limit = int(financial_year(period_end)[:4]) + 1
    names = {i.id: benchmark_name(i) for i in items if benchmark_name(i)}
    # KS4's value is of the academic year whose 31 March falls in the window (2020/21 on
    # 31/12/2021): its comparators are of that year, not of the financial year's
    ks4_end = pd.Timestamp(census_march(pd.DatetimeIndex([period_end]))[0]).year
    up_to: dict[int, list[str]] = {}
    for ind in items:
        if ind.id in names:
            up_to.setdefault(ks4_end if ind.academic_year else limit, []).append(names[ind.id])
    chosen: dict[str, int] = {}
    newest: dict[str, int] = {}
    for year_end, wanted in up_to.items():
        # where others have published since our last figure (ours withheld as 'c' since),
        # this quarter's value is not placed among, or measured against, an old year's
        # authorities ('': no LA's own)
        ours, anyone = latest_years_of(bench, [la, ""], wanted, up_to=year_end)
        chosen |= ours
        newest |= anyone
    stale = {i for i, n in names.items() if n in chosen and newest.get(n, 0) > chosen[n]}
    values = {i: v for i, v in (values or {}).items() if i not in stale}
    by_year: dict[int, list[str]] = {}
    for ind_id, name in names.items():
        if name in chosen:
            by_year.setdefault(chosen[name], []).append(ind_id)

    rows, notes = [], []
    for year, ids in by_year.items():
        wanted = [names[i] for i in ids]
        mine = {names[i]: (values or {}).get(i, np.nan) for i in ids}
        cmp = compare(
            bench,
            la,
            year,
            sn,
            indicators=wanted,
            sn_stat=sn_stat,
            catalogue=cat,
            values=mine,
            min_size=min_size,
            own_lookup=authority.lookup,
        )
        if "note" in cmp.columns:  # e.g. no published sizes for the best-LA rule
            notes.extend(n for n in cmp["note"].dropna() if n.startswith("best LA not named"))
        # each indicator's first row (a lookup, not a filter of the frame per indicator)
        first: dict[str, int] = {}
        for pos, label in enumerate(cmp["indicator"].tolist()):
            first.setdefault(label, pos)
        for ind_id in ids:
            if names[ind_id] in first:
                row = cmp.iloc[first[names[ind_id]]]
                got = {c: row.get(COMPARE_NAMES.get(c, c)) for c in COMPARATOR_COLUMNS}
                academic = cat.get(ind_id).academic_year
                got["benchmark_year"] = published_year_label(year, academic)
                rows.append({"indicator": ind_id, **got})
    if not rows:
        note = f"No published comparators were found for LA {la} up to {limit}."
        return empty, note
    got = pd.DataFrame(rows)
    out = empty[["indicator"]].merge(got, on="indicator", how="left")
    for c, dtype in COMPARATOR_DTYPES.items():
        if dtype == "float64":
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        else:
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    # the gaps are from the card's current value, not the published one
    current = out["indicator"].map(values or {}).astype("float64")
    polarity = out["indicator"].map({i.id: i.polarity for i in items})
    out["gap_to_best"] = gap_to(out["best_value"], current, polarity)
    out["gap_to_best_neighbour"] = gap_to(out["best_neighbour_value"], current, polarity)
    note = _comparator_note(got, items, sn is not None, la, sn_stat, min_size)
    for said in dict.fromkeys(notes):
        note += f" {_sentence(said)}."
    if stale:
        said = []
        for ind in (i for i in items if i.id in stale):
            ours, others = (
                published_year_label(y[names[ind.id]], ind.academic_year) for y in (chosen, newest)
            )
            said.append(f"{ind.title} (ours last published {ours}, others {others})")
        note += (
            f" {authority.name or la} has no published figure of its own in later years (withheld "
            f"as 'c', or not in the file) for: {'; '.join(said)}. Their comparators are of the "
            "year it last had one; this quarter's value is not ranked among them or measured "
            "against their best."
        )
    return out, note


def _comparator_note(
    got: pd.DataFrame,
    items: list[Indicator],
    has_sn: bool,
    la: str,
    sn_stat: str,
    min_size: float | None,
) -> str:
    """What the comparator columns are, for the page."""
    ks4 = got["indicator"].isin([i.id for i in items if i.academic_year])  # 2024/25

    def listed(rows: pd.Series) -> list[str]:
        return sorted({str(y) for y in got.loc[rows, "benchmark_year"].dropna()})

    school = listed(ks4)
    years = ", ".join(listed(~ks4))
    if school:
        years += ("; " if years else "") + f"academic year {', '.join(school)} for KS4"
    note = (
        f"Comparators are published figures for the latest year available ({years}); "
        "the statistical-neighbour (SN) average is the "
        f"{'median' if sn_stat == 'median' else 'mean'} of the neighbours with a value. "
        "Our gap to the best is how far the current value is behind it (a minus sign: "
        "ahead of it). "
        f"{_sentence(best_rule(min_size))}."
    )
    counts = [i.title for i in items if i.unit == "count" and i.benchmark is not None]
    if counts:
        note += " Counts are not compared with other authorities (compare the rates per 10,000)."
    if not has_sn:
        note += f" No statistical-neighbour list was available for LA {la}."
    return note


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- time in care by age

BY_AGE_INDICATOR = "time_in_care_ceased"


def time_in_care_by_age(
    ds: Dataset,
    cat: Catalogue,
    period_end: pd.Timestamp,
    failed: Mapping[str, str] | None = None,
) -> pd.DataFrame | None:
    """Average time in care of children who left care, by age at entry, in the year to the
    quarter and the year before (the panel asked for time in care by age). None when the
    indicator cannot be computed (already in `failed`, or failing here: see guarded_compute)."""
    from ..engine import compute

    if BY_AGE_INDICATOR not in cat or BY_AGE_INDICATOR in (failed or {}):
        return None
    ind = cat.get(BY_AGE_INDICATOR)
    year_ago = trend_dates(period_end, 5)[0]
    out, why = guarded_compute(
        ind,
        ds,
        lambda: compute(ind, ds, at=[year_ago, period_end], by="age_at_entry_band", catalogue=cat),
    )
    if why:
        return None
    out = out.rename(columns={"age_at_entry_band": "age_at_entry"})
    # a year the data cannot support has one row, its reason in `note` and no band
    said = out["note"].astype(object).map(is_unavailable).astype(bool)
    unsupported = out.loc[out["age_at_entry"].isna() & said]
    reasons = dict(zip(unsupported["period_end"], unsupported["note"], strict=True))
    out = out[out["age_at_entry"].notna()]
    out["age_at_entry"] = out["age_at_entry"].astype(str)
    # every age band in both years, so an empty year or band shows as none rather than vanish
    bands = [*AGE_BANDS, *sorted(set(out["age_at_entry"]) - set(AGE_BANDS))]
    grid = pd.MultiIndex.from_product(
        [pd.DatetimeIndex([year_ago, period_end]).astype(DATE_DTYPE), bands],
        names=["period_end", "age_at_entry"],
    )
    cols = ["numerator", "denominator", "value", "note"]
    out = out.set_index(["period_end", "age_at_entry"])[cols]
    out = out[~out.index.duplicated()].reindex(grid)
    out[["numerator", "denominator"]] = out[["numerator", "denominator"]].fillna(0.0)
    # the caveat stays with its band: days that are lower bounds ('lower bound for 5 of 111')
    out["note"] = out["note"].astype(object).where(out["note"].notna(), None)
    out = out.reset_index()
    # a year without a figure has no children rather than none: blank, with its reason
    blank = out["period_end"].isin(list(reasons))
    out.loc[blank, ["numerator", "denominator", "value"]] = np.nan
    out.loc[blank, "note"] = out.loc[blank, "period_end"].map(reasons)
    return out


# --------------------------------------------------------------------------- districts


def district_view(
    ds: Dataset,
    items: list[Indicator],
    cat: Catalogue,
    period_end: pd.Timestamp,
    frame: pd.DataFrame,
    failed: Mapping[str, str],
    computed: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame | None:
    """Every card indicator that allows a district breakdown, by district at `period_end`
    (`indicator, district, numerator, denominator, value, rag, suppressed, lower_bound`),
    RAG banded as the card row is (benchmark mode against the same SN average). `computed` holds figures
    by district already worked out with the trend (`compute_history`). None when the data
    has no district lookup or no indicator allows the breakdown."""
    from ..engine import compute

    if "districts" not in ds.tables:
        return None
    sn = dict(zip(frame["indicator"], frame["sn_value"]))
    parts = []
    for ind in items:
        if "district" not in ind.breakdowns or ind.id in failed:
            continue
        if computed and ind.id in computed:
            got, why = computed[ind.id], ""
        else:
            got, why = guarded_compute(
                ind, ds, lambda i=ind: compute(i, ds, at=period_end, by="district", catalogue=cat)
            )
        if why or got is None or got.empty:
            continue
        parts.append(got)
    if not parts:
        return None
    out = pd.concat(parts, ignore_index=True)
    out = out.loc[out["value"].notna() | out["denominator"].notna()].reset_index(drop=True)
    out["sn_value"] = out["indicator"].astype(str).map(sn).astype("float64")
    out["indicator"] = out["indicator"].astype(str)
    out["district"] = (
        out["district"].astype(object).where(out["district"].notna(), UNKNOWN_DISTRICT)
    )
    out["district"] = out["district"].astype(str)
    out["rag"] = bands.rag(out, catalogue=cat).to_numpy()
    out["suppressed"] = False
    # days counted from the data's start for some of the district's children: shown '≥'
    out["lower_bound"] = out["note"].astype(object).map(says_lower_bound).astype(bool)
    cols = ["indicator", "district", "numerator", "denominator", "value", "rag", "suppressed"]
    return out[[*cols, "lower_bound"]]


# --------------------------------------------------------------------------- published series


def published_series(
    items: list[Indicator],
    authority: Authority,
    dates: pd.Series,
    period_end: pd.Timestamp,
    sn_stat: str,
    cat: Catalogue,
) -> pd.DataFrame | None:
    """England's and the statistical neighbours' published figures for each year within the
    span of the trend dates (`indicator, period_end, series, value`; a year's figure sits at
    31 March of the year it ends), for the trend charts. None without benchmarks."""
    bench, sn, la = authority.benchmarks, authority.neighbours, authority.code
    if bench is None or la is None or dates.empty:
        return None
    if not _has_la(bench, la):
        return None
    if sn is not None and not _has_la(sn, la):
        sn = None
    lait = {i.benchmark.lait: i.id for i in items if i.benchmark and i.benchmark.lait}
    first = pd.Timestamp(dates.min()).year
    limit = int(financial_year(period_end)[:4]) + 1
    rows = bench.loc[bench["indicator"].isin(list(lait)), ["indicator", "year"]]
    year_ends = _year_ends(rows["year"])
    years = year_ends[year_ends.between(first, limit)]
    got = published_averages(
        bench, la, list(years.index), sn, sorted(rows["indicator"].unique()), sn_stat, cat
    )
    got = got.sort_values(["year", "indicator"], kind="stable", ignore_index=True)
    long = got.melt(
        id_vars=["indicator", "year"],
        value_vars=["england", "sn_value"],
        var_name="series",
        ignore_index=False,
    )
    long = long.loc[long["value"].notna()].sort_index(kind="stable")  # England, then SN
    if long.empty:
        return None
    ends = long["year"].map(years).astype("int64")
    frame = pd.DataFrame(
        {
            "indicator": long["indicator"].map(lait).to_numpy(),
            "period_end": pd.to_datetime(
                {"year": ends.to_numpy(), "month": 3, "day": 31}
            ).to_numpy(),
            "series": long["series"]
            .map({"england": "England", "sn_value": "Statistical neighbours"})
            .to_numpy(),
            "value": long["value"].to_numpy(dtype="float64"),
        }
    )
    frame["period_end"] = frame["period_end"].astype(DATE_DTYPE)
    return frame


def _year_ends(years: pd.Series) -> pd.Series:
    """The calendar year each distinct published year ends in (`published_year_end`), indexed by
    the year as the frame has it; years not understood are left out."""
    distinct = pd.unique(years.dropna())
    ends = pd.Series([published_year_end(y) for y in distinct], index=distinct, dtype="float64")
    return ends.dropna().astype("int64")


# --------------------------------------------------------------------------- trend, privacy


def trend_lists(
    history: pd.DataFrame,
    items: list[Indicator],
    ends: pd.DatetimeIndex,
    period_end: pd.Timestamp,
) -> list[list[Any]]:
    """For each indicator, its values at its trend dates, oldest first (NaN when none): the
    quarter ends, or one date a year for an annual indicator."""
    wide = history.drop_duplicates(["indicator", "period_end"]).pivot(
        index="indicator", columns="period_end", values="value"
    )
    # one reindex per set of dates (quarterly, annual), not one per indicator
    rows: dict[str, np.ndarray] = {}
    for annual, dates in ((False, ends), (True, annual_dates(period_end))):
        ids = [i.id for i in items if (i.frequency == "annual") == annual]
        values = wide.reindex(index=ids, columns=dates).to_numpy(dtype="float64")
        rows |= dict(zip(ids, values, strict=True))
    return [list(map(float, rows[ind.id])) for ind in items]


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
    cat = Catalogue(items)

    def cohorts(ids: pd.Series) -> dict[str, pd.Series]:
        """The care leavers' figures of one cohort, so their parts do not give each other away."""
        return {"groups": cohort_groups(ids, cat), "outcomes": cohort_outcomes(ids, cat)}

    hist = apply_suppression(
        history,
        history["indicator"].map(counts).fillna(True).astype(bool),
        threshold,
        units=history["indicator"].map(units),
        keys=("period_end",),
        **cohorts(history["indicator"]),
    )
    out = apply_suppression(
        frame,
        frame["indicator"].map(counts).fillna(True).astype(bool),
        threshold,
        # where the value would stand, and its gaps, give the value back
        extra_columns=("change_quarter", "change_year", *VALUE_COMPARATORS),
        units=frame["unit"],
        **cohorts(frame["indicator"]),
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
    # a note standing as the status of a row without a value ('3 children looked after left
    # out: ...') has its small numbers shown as 'c', as notes and caveats do
    told = ~out["status"].map(is_unavailable).to_numpy(dtype=bool)
    out.loc[told, "status"] = out.loc[told, "status"].map(lambda t: suppress_text(t, threshold))
    reasons = withheld_status(out["secondary"].to_numpy(dtype=bool), threshold)
    out.loc[hidden, "status"] = reasons[hidden]
    # trend points: 'c' where withheld
    wide = hist.drop_duplicates(["indicator", "period_end"]).pivot(
        index="indicator", columns="period_end", values="suppressed"
    )
    annual = {i.id for i in items if i.frequency == "annual"}
    trends = []
    for ind_id, trend in zip(out["indicator"], out["trend"]):
        dates = annual_dates(ends[-1], len(trend)) if ind_id in annual else ends[-len(trend) :]
        flags = wide.reindex(index=[ind_id], columns=dates).astype("boolean").fillna(False)
        flags = flags.to_numpy(dtype=bool)[0] if len(hist) else [False] * len(trend)
        trends.append([("c" if flag else v) for flag, v in zip(flags, trend)])
    out["trend"] = trends
    return out.drop(columns="secondary"), hist.drop(columns="secondary")


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
