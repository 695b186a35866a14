"""`compute` and `units`: an indicator of the catalogue over a dataset, at reference dates, by
breakdown, and the units (children, referrals, IRO cases) behind each figure.

Both go through one plan (`_plan`):

1. **Coverage** (SPEC section 4). Each date is checked against the coverage of the tables the
   indicator needs (`Dataset.coverage_for`) and the history it needs before the date
   (`history_months`, counted back from the date, or for the annual KS4 figures from the
   31 March in the window). A date the data cannot support gives its row with the numerator,
   denominator and value blank and the reason in `note` ("not available: needs data from
   01/04/2016; the data starts 01/04/2017"): never a number built on partial history. When
   every date asked for is unsupported, `compute` raises `UnavailableError` (a ValueError
   whose message is the reason) instead of returning only blank rows, so a caller asking
   for one quarter cannot mistake the gap for a figure; `compute_many` lists it with the
   other unavailable indicators. A dataset without coverage (a table without an entry) is
   not limited.
2. **Rows left out**. A measure declares the columns it reads per table; rows whose needed
   cells failed a rule when loading (`Dataset.unusable`) are left out of that indicator only
   (`Dataset.without`, cached per distinct set of rows so indicators needing the same columns
   share their building blocks), and `note` says so ("3 episodes rows left out: unusable
   PLACE"). `left_out` lists them for the scorecard and `validate`. In data stitched from
   yearly returns, a date before the first day of the return a left-out row came from uses
   the earlier return's copy of the row instead (`Dataset.earlier`, `_pieces`).
3. **Units, then the figure**. The measure builds its units; `compute` aggregates them (the
   registry's statistic), `units` returns them with their identifiers and facts. Caveats the
   units carry (days in care that are lower bounds) are counted into `note`, with what the
   measure says about a date (`Measure.notes`: a rate on an older population estimate than
   the date calls for); rows left out that cannot matter at a date (`Measure.spares`) are
   not said there.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from . import threads
from .breakdowns import BREAKDOWN_READS, BREAKDOWN_TABLES, BreakdownError, normalise_by
from .care import children
from .catalogue import Catalogue, Indicator, load_catalogue
from .dataset import COLLECTION_YEAR, Coverage, Dataset, MissingTableError
from .memory import without_hugepages
from .periods import DATE_DTYPE, parse_at
from .registry import Measure, registry

RESULT_COLUMNS = ["indicator", "period_end", "numerator", "denominator", "value", "note"]
LEFT_OUT_COLUMNS = ["indicator", "table", "column", "rule", "rows"]
# unit-frame columns that are the engine's own bookkeeping, never shown
_INTERNAL = ("cid", "ep", "period_id", "num", "den", "left", "row", "march", "k")

_default_catalogue: Catalogue | None = None
R = TypeVar("R")


class UnavailableError(ValueError):
    """No date asked for can be supported by the data (its coverage, the history needed).

    The message is the reason for one date (the latest, or the first for `units`), then
    those of the other dates where they differ; `reasons` maps every date to its own."""

    def __init__(self, message: str, reasons: Mapping[pd.Timestamp, str] | None = None):
        super().__init__(message)
        self.reasons = dict(reasons or {})

    @classmethod
    def at(cls, ind_id: str, reasons: Mapping[pd.Timestamp, str], lead: pd.Timestamp):
        """The error for `ind_id` led by the reason at `lead`: 31/03/2010 (data from 2015)
        and 31/03/2030 (data to 2025) are both said, not only one of them."""
        said = reasons[lead]

        def kind(why: str) -> str:  # a reason without its dates: 'needs data up to ...'
            return re.sub(r"\d", "", why)

        others = [f"{at:%d/%m/%Y}: {why}" for at, why in reasons.items() if kind(why) != kind(said)]
        extra = (
            f" (at {'; '.join(others[:3])}{'; ...' if len(others) > 3 else ''})" if others else ""
        )
        return cls(f"{ind_id}: {said}{extra}", reasons)


def default_catalogue() -> Catalogue:
    """The bundled catalogue, loaded once."""
    global _default_catalogue
    if _default_catalogue is None:
        _default_catalogue = load_catalogue()
    return _default_catalogue


ORDER_HINT = (
    "The arguments go compute(indicator, ds, at), units(indicator, ds, at) and "
    "compute_many(ds, at, indicators)."
)


def resolve_indicator(indicator: str | Indicator, catalogue: Catalogue | None = None) -> Indicator:
    """An Indicator from an id (looked up in `catalogue`, default the bundled one) or itself;
    a TypeError that shows the order of the arguments for anything else."""
    if isinstance(indicator, Indicator):
        return indicator
    if not isinstance(indicator, str):
        raise TypeError(
            f"An indicator is an id from the catalogue, such as 'placement_stability_short', "
            f"or an Indicator, not {_described(indicator)}. {ORDER_HINT}"
        )
    return (catalogue or default_catalogue()).get(indicator)


def resolve_dataset(dataset: Dataset | None) -> Dataset:
    """The dataset itself, the bundled sample for None, or a TypeError that says how to load
    one (a folder's path is not a dataset: loading it is a step of its own, done once)."""
    if isinstance(dataset, Dataset):
        return dataset
    if dataset is None:
        from .inputs import load_dataset

        return load_dataset()
    how = (
        "Build one from frames with sc.Dataset.from_frames(episodes=..., header=...)"
        if isinstance(dataset, Mapping)
        else "Load a folder once with ds = sc.load_dataset('path/to/folder')"
    )
    raise TypeError(
        f"The dataset must be a Dataset, not {_described(dataset)}. {how} and pass it. {ORDER_HINT}"
    )


def _described(value: object) -> str:
    """A value named for an error message: its type, and the value itself when short."""
    if isinstance(value, Dataset):
        return "a Dataset"
    shown = repr(value)
    kind = type(value).__name__
    return f"the {kind} {shown}" if len(shown) <= 60 else f"a {kind}"


def missing_tables(ind: Indicator, ds: Dataset) -> list[str]:
    """Tables `ind` needs that `ds` lacks."""
    return [t for t in ind.tables if t not in ds.tables]


@dataclass(frozen=True)
class _Plan:
    """What `compute` and `units` agree on before building units."""

    measure: Measure
    ds: Dataset  # the dataset with the rows this indicator cannot use left out
    supported: pd.DatetimeIndex
    reasons: dict[pd.Timestamp, str]  # unsupported date -> why
    coverage: Coverage | None
    left_out_note: str | None
    source: Dataset  # the dataset as given
    reads: Mapping[str, tuple[str, ...]]  # the columns the measure reads, per table
    rows: dict[str, np.ndarray]  # the rows left out, per table


@dataclass(frozen=True)
class _Piece:
    """Dates of a plan and the dataset their figures are built on, with the note on the
    rows left out there."""

    ds: Dataset
    dates: pd.DatetimeIndex
    note: str | None
    spared: Mapping[str, np.ndarray] | None = None  # rows left out not said at its dates


def _plan(ind: Indicator, ds: Dataset | None, at: object, by: list[str]) -> _Plan:
    ds = resolve_dataset(ds)
    ats = parse_at(at)
    measure = registry[ind.measure]
    _check_breakdowns(ind, measure, by, ds)
    need = missing_tables(ind, ds)
    if need:
        raise MissingTableError(
            f"{ind.id} needs the table(s) {', '.join(need)}, which the dataset does not have "
            f"(it has: {', '.join(ds.names) or 'none'})."
        )
    reads = _with_breakdown_reads(measure.reads(measure.params(ind.params)), by)
    coverage = ds.coverage_for(_tables_read(ind, reads, by, ds))
    reasons = unavailable_reasons(ind, measure, coverage, ats)
    if measure.missing is not None:  # a year's results the data does not hold (KS4)
        params = measure.params(ind.params)
        reasons.update(measure.missing(ds, ats[~ats.isin(list(reasons))], params))
        reasons = {at: reasons[at] for at in ats if at in reasons}
    rows = _rows_to_leave_out(ds, reads)
    # a table whose rows left out `missing` says at their dates leaves no figure partial
    noted = _noted(measure, reads)
    why, from_return = _too_much_left_out(ds, noted) if rows else (None, None)
    if from_return is not None:  # a return most of whose rows are left out: no figure from
        first, said = from_return  # its first day on
        reasons = {at: reasons.get(at, said if at >= first else None) for at in ats}
        reasons = {at: r for at, r in reasons.items() if r is not None}
    if len(reasons) == len(ats):
        raise UnavailableError.at(ind.id, reasons, ats[-1])
    if why is not None:  # most of a table's rows: no figure at all
        raise UnavailableError(f"{ind.id}: {why}", dict.fromkeys(ats, why))
    supported = ats[~ats.isin(list(reasons))]
    used = ds
    note = None
    if rows:
        used = ds.cached(f"without:{_digest(rows)}", lambda: ds.without(rows))
        note = _left_out_note(ds, noted)
    return _Plan(measure, used, supported, reasons, coverage, note, ds, reads, rows)


def _with_breakdown_reads(
    reads: Mapping[str, tuple[str, ...]], by: list[str]
) -> dict[str, tuple[str, ...]]:
    """`reads` and the cells the breakdowns `by` read (`BREAKDOWN_READS`)."""
    out = dict(reads)
    for name in by:
        for table, cols in BREAKDOWN_READS.get(name, {}).items():
            out[table] = tuple(dict.fromkeys([*out.get(table, ()), *cols]))
    return out


def _tables_read(
    ind: Indicator, reads: Mapping[str, tuple[str, ...]], by: list[str], ds: Dataset
) -> list[str]:
    """The tables a figure is built from: the indicator's, those its measure reads (the
    rate excluding UASC reads uasc) and those its breakdowns read, as far as `ds` has
    them; its dates must lie in the coverage of each."""
    extra = [*reads, *(t for name in by for t in BREAKDOWN_TABLES.get(name, ()))]
    return list(dict.fromkeys([*ind.tables, *(t for t in extra if t in ds.tables)]))


def _digest(rows: Mapping[str, np.ndarray]) -> str:
    """A key for a set of row positions per table (the datasets built from them are cached
    on the dataset under it)."""
    digest = hashlib.sha1(usedforsecurity=False)
    for table, positions in sorted(rows.items()):
        digest.update(table.encode() + b"\0" + np.asarray(positions, "int64").tobytes())
    return digest.hexdigest()


def _pieces(plan: _Plan, dates: pd.DatetimeIndex) -> list[_Piece]:
    """`dates` in groups, each with the dataset its figures are built on and its note: the
    plan's dataset, with the rows that have an unusable cell left out, except at dates
    before the first day of the yearly return such a row came from: there the earlier
    return's copy of the row stands in (`Dataset.earlier`: a DEC mistyped in the latest
    return leaves the episode out of that year's figures, not out of the years the earlier
    returns told right), and a row no earlier return held (it began in its return's year)
    is not said to be left out. One group for data not stitched from returns."""
    src, rows = plan.source, plan.rows
    firsts = {t: _return_starts(src, t, r) for t, r in rows.items()}
    firsts = {t: f for t, f in firsts.items() if f is not None}
    earlier = {t: c.take(np.isin(c.rows, rows[t])) for t, c in src.earlier.items() if t in rows}
    # a row an earlier return held began before its own return: it may matter earlier too
    held_before = {t: c.rows for t, c in earlier.items()}
    copies = {t: c.take(c.usable) for t, c in earlier.items()}
    copies = {t: c for t, c in copies.items() if len(c.rows)}
    days = [*(c.until for c in copies.values()), *(f[~np.isnat(f)] for f in firsts.values())]
    if not days or not len(dates):
        return [_Piece(plan.ds, dates, plan.left_out_note)]
    untils = np.unique(np.concatenate(days))
    group = np.searchsorted(untils, dates.to_numpy(dtype="datetime64[ns]"), side="right")
    out = []
    for g in np.unique(group):  # a group per return's first day: a handful, not children
        mine = dates[group == g]
        if g == len(untils):
            out.append(_Piece(plan.ds, mine, plan.left_out_note))
            continue
        taken = {t: c.take(c.until >= untils[g]) for t, c in copies.items()}
        taken = {t: c for t, c in taken.items() if len(c.rows)}
        spared = {  # rows of later returns that no earlier one held (NaT: never spared)
            t: rows[t][(f >= untils[g]) & ~np.isin(rows[t], held_before.get(t, []))]
            for t, f in firsts.items()
        }
        for t, c in taken.items():
            spared[t] = np.union1d(spared.get(t, []), c.rows)
        ds = plan.ds
        if taken:
            key = f"earlier:{_digest(rows)}:{_digest({t: c.rows for t, c in taken.items()})}"
            more = {t: c.frame for t, c in taken.items()}
            ds = src.cached(key, lambda more=more: plan.ds.with_rows(more))
        out.append(
            _Piece(ds, mine, _left_out_note(src, _noted(plan.measure, plan.reads), spared), spared)
        )
    return out


def _return_starts(ds: Dataset, table: str, rows: np.ndarray) -> np.ndarray | None:
    """The first day of the yearly return each of `rows` came from (NaT for a row of no
    return's year); None for a table not stitched from returns."""
    held = ds.held(table)
    if COLLECTION_YEAR not in held.columns:
        return None
    years = held[COLLECTION_YEAR].iloc[rows].astype("str").str.extract(r"^(\d{4})-\d{2}$")[0]
    return pd.to_datetime(years + "-04-01", errors="coerce").to_numpy(dtype="datetime64[ns]")


def _stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames of a plan's pieces as one (in date order, as the pieces are)."""
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def unavailable_reasons(
    ind: Indicator, measure: Measure, coverage: Coverage | None, ats: pd.DatetimeIndex
) -> dict[pd.Timestamp, str]:
    """The dates of `ats` the data cannot support for `ind`, with the reason for each: the
    history before each date's anchor (KS4: the 31 March in its window), and the date
    itself (SPEC section 4: a figure whose `at` lies outside the coverage is unavailable,
    even one whose own data lie inside it)."""
    if coverage is None:
        return {}
    anchors = measure.anchor(ats) if measure.anchor is not None else ats
    firsts: Sequence[pd.Timestamp | None] = [None] * len(ats)
    if measure.needs_from is not None:
        firsts = list(measure.needs_from(pd.DatetimeIndex(anchors), measure.params(ind.params)))
    out: dict[pd.Timestamp, str] = {}
    for at, anchor, first in zip(ats, anchors, firsts):  # a handful of dates, not children
        why = coverage.unavailable_reason(anchor, ind.history_months, first)
        why = why or coverage.unavailable_reason(at, 0)
        if why is not None:
            out[at] = why
    return out


def compute(
    indicator: str | Indicator,
    dataset: Dataset | None = None,
    at: object = None,
    by: str | Sequence[str] | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """Compute one indicator at one or more reference dates, optionally by breakdown.

    Returns a tidy frame: `indicator`, `period_end` (datetime64), the breakdown column(s),
    `numerator`, `denominator`, `value` and `note`, one row per date and breakdown value.
    `note` (string, <NA> when there is nothing to say) gives why a row has no value (a date
    the data's coverage cannot support) or a caveat on a value (days in care that are lower
    bounds; rows left out because a cell the indicator needs is unusable). Raises
    `UnavailableError` when no date asked for is supported (see the module docstring).
    `at` takes any form `periods.AT_FORMS_HINT` lists: a date, a Timestamp or Period (its last
    day), an ISO or dd/mm/YYYY string or '31 March 2025', a quarter label ('2024-25 Q4') or a
    financial year ('2024-25': its 31 March), or a list of them. With no dataset, the
    bundled sample is used.
    """
    ind = resolve_indicator(indicator, catalogue)
    by_list = normalise_by(by)
    with without_hugepages():  # see scorecard.memory: fresh arrays are cheaper so
        plan = _plan(ind, dataset, at, by_list)
        pieces = _pieces(plan, plan.supported)
        frame = _stacked([plan.measure(q.ds, q.dates, by_list, ind.params) for q in pieces])
    notes = _notes(frame, plan, pieces)
    out = _tidy(frame, ind.id, by_list, notes)
    if plan.reasons:
        out = _with_unavailable_rows(out, ind.id, by_list, plan.reasons)
    return out


def compute_each(
    indicator: str | Indicator,
    dataset: Dataset | None,
    views: Sequence[tuple[object, str | Sequence[str] | None]],
    *,
    catalogue: Catalogue | None = None,
    values_at: object = None,
) -> list[pd.DataFrame]:
    """`[compute(indicator, dataset, at=at, by=by) for at, by in views]`, the same frames,
    with the indicator's units built ONCE (over every view's dates, with every view's
    breakdowns) and summarised for each view: the scorecard's trend and its district view
    share one build. Raises what `compute` raises for the first view that fails. A measure
    whose fast path (`fast`: no units) serves every view is computed view by view. With
    `values_at` (dates), one more frame comes last: `unit_values` at those of its dates
    that are among the views' dates and that the data supports, from the same build."""
    ind = resolve_indicator(indicator, catalogue)
    dataset = resolve_dataset(dataset)
    measure = registry[ind.measure]

    def one_by_one() -> list[pd.DataFrame]:
        outs = [compute(ind, dataset, at=at, by=by, catalogue=catalogue) for at, by in views]
        if values_at is not None:
            asked = pd.DatetimeIndex(sorted(set().union(*(parse_at(at) for at, _ in views))))
            wanted = parse_at(values_at)
            outs.append(unit_values(ind, dataset, wanted[wanted.isin(asked)], catalogue=catalogue))
        return outs

    bys = [normalise_by(by) for _, by in views]
    if all(measure.is_fast(by) for by in bys) or (len(views) < 2 and values_at is None):
        return one_by_one()
    every_by = list(dict.fromkeys(name for by in bys for name in by))
    with without_hugepages():
        plans = [_plan(ind, dataset, at, by) for (at, _), by in zip(views, bys)]
    if len({_digest(plan.rows) for plan in plans}) > 1:
        return one_by_one()  # a breakdown leaves rows out that another view keeps
    with without_hugepages():
        dates = pd.DatetimeIndex(sorted(set().union(*(p.supported for p in plans))))
        dates = dates.astype(DATE_DTYPE)
        p = measure.params(ind.params)
        pieces = _pieces(plans[0], dates)  # the plans differ only in their dates
        units = _stacked([measure.units(q.ds, q.dates, every_by, p) for q in pieces])
        summarise = measure.aggregate or measure.summarise  # as `compute` does
        outs = []
        for plan, by in zip(plans, bys):
            mine = units
            if len(plan.supported) < len(dates):
                mine = units.loc[units["period_end"].isin(plan.supported)]
            frame = summarise(mine, plan.supported, by, p)
            out = _tidy(frame, ind.id, by, _notes(frame, plan, pieces))
            if plan.reasons:
                out = _with_unavailable_rows(out, ind.id, by, plan.reasons)
            outs.append(out)
        if values_at is not None:
            mine = units.loc[units["period_end"].isin(parse_at(values_at))]
            outs.append(_unit_values(mine, measure, p))
    return outs


def unit_values(
    indicator: str | Indicator,
    dataset: Dataset | None = None,
    at: object = None,
    *,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """Each unit's own value (`period_end`, `value`) at the dates of `at` the data supports
    (the others left out): its days or points for a mean or median, 100 or 0 for a
    percentage; units outside the denominator left out. The spread behind a mean's
    direction of travel is taken from them (`report.builder.with_spread`). No identifiers,
    and a fraction of `units`' cost: no facts, no sorting."""
    ind = resolve_indicator(indicator, catalogue)
    measure = registry[ind.measure]
    p = measure.params(ind.params)
    try:
        plan = _plan(ind, dataset, at, [])
    except UnavailableError:
        empty = pd.DataFrame({"period_end": [], "num": [], "den": []})
        return _unit_values(empty.astype({"period_end": DATE_DTYPE}), measure, p)
    with without_hugepages():
        pieces = _pieces(plan, plan.supported)
        raw = _stacked([measure.units(q.ds, q.dates, [], p) for q in pieces])
    return _unit_values(raw, measure, p)


def _unit_values(raw: pd.DataFrame, measure: Measure, params: Mapping[str, object]) -> pd.DataFrame:
    """`unit_values` from a measure's units (`num` and `den` each unit's contributions)."""
    scale = 100.0 if measure.stat_for(params) == "percent" else measure.scale
    num = raw["num"].to_numpy(dtype="float64")
    den = raw["den"].to_numpy(dtype="float64")
    counted = den > 0
    return pd.DataFrame(
        {
            "period_end": np.asarray(raw["period_end"], dtype=DATE_DTYPE)[counted],
            "value": num[counted] / den[counted] * scale,
        }
    )


def _check_breakdowns(ind: Indicator, measure: Measure, by: list[str], ds: Dataset) -> None:
    measure.check_by(by, who=ind.id)
    for name in by:
        if name == "LA" and ds.pooled:
            continue
        if name not in ind.breakdowns:
            allowed = ", ".join(ind.breakdowns) if ind.breakdowns else "nothing"
            extra = " (and LA on pooled data)" if ind.breakdowns else ""
            meant = _meant(name, [*ind.breakdowns, *(["LA"] if ds.pooled else [])])
            raise BreakdownError(
                f"{ind.id} cannot be broken down by {name!r}; it can be broken down by "
                f"{allowed}{extra}.{meant} "
                "Add the breakdown to its `breakdowns:` in your own indicators.yaml if the "
                "measure supports it, and pass that catalogue (catalogue=sc.load_catalogue("
                "'my.yaml'))."
            )


def _meant(name: str, options: list[str]) -> str:
    """' Did you mean 'sex'?' for a breakdown written in another case or misspelt ('' when
    nothing is close)."""
    same = [o for o in options if o.lower() == name.lower()]
    close = same or difflib.get_close_matches(name, options, n=1, cutoff=0.75)
    return f" Did you mean {close[0]!r}?" if close else ""


def _rows_to_leave_out(ds: Dataset, reads: Mapping[str, tuple[str, ...]]) -> dict[str, np.ndarray]:
    """Row positions per table whose cells in the columns read are unusable."""
    bad = _unusable_read(ds, reads)
    if bad.empty:
        return {}
    return {
        str(t): np.unique(g["row"].to_numpy(dtype="int64"))
        for t, g in bad.groupby("table", sort=True)
    }


def _unusable_read(ds: Dataset, reads: Mapping[str, tuple[str, ...]]) -> pd.DataFrame:
    """The `unusable` entries in the tables and columns of `reads`."""
    un = ds.unusable
    if un.empty or not reads:
        return un.iloc[:0]
    wanted = pd.MultiIndex.from_tuples(
        [(t, c) for t, cols in reads.items() if t in ds.tables for c in cols],
        names=["table", "column"],
    )
    keys = pd.MultiIndex.from_arrays([un["table"].astype(str), un["column"].astype(str)])
    return un.loc[keys.isin(wanted)]


MOSTLY_LEFT_OUT = 0.5  # a share of a table's rows: more left out, and no figure at all


def _too_much_left_out(
    ds: Dataset, reads: Mapping[str, tuple[str, ...]]
) -> tuple[str | None, tuple[pd.Timestamp, str] | None]:
    """When a column a figure reads is unusable in more than half the rows of its table
    (IN_TOUCH written Y/N, CASE_TYPE written LAC/CPP), why there is no figure at all: one
    from the few rows left, 0.0 and banded green, is not one the data supports. And the
    first day of the earliest yearly return more than half of whose rows are left out, with
    why: the share over the whole stitched history (a tenth of it) would let that year's
    figures be built from the few rows left. None for either when there is none."""
    bad = _unusable_read(ds, reads)
    bad = bad.assign(table=bad["table"].astype(str), column=bad["column"].astype(str))
    whole: list[tuple[int, str]] = []
    returns: list[tuple[pd.Timestamp, str]] = []
    for (table, column, rule), g in bad.groupby(["table", "column", "rule"], sort=True):
        held = ds.held(str(table))
        rows = g["row"].unique().astype("int64")
        unusable = f"an unusable {column} ({rule}); scorecard validate lists them"
        if len(rows) > MOSTLY_LEFT_OUT * len(held):
            said = f"{len(rows):,} of the {len(held):,} {table} rows have {unusable}"
            whole.append((len(rows), f"not available: {said}"))
        if COLLECTION_YEAR in held.columns:  # yearly returns stitched together
            years = held[COLLECTION_YEAR].astype("str")
            size, left = years.value_counts(), years.iloc[rows].value_counts()
            for year, n in left.items():
                if re.fullmatch(r"\d{4}-\d{2}", str(year)) and n > MOSTLY_LEFT_OUT * size[year]:
                    said = f"{n:,} of the {size[year]:,} {table} rows of the {year} return"
                    first = pd.Timestamp(int(str(year)[:4]), 4, 1)
                    returns.append((first, f"not available: {said} have {unusable}"))
    worst = max(whole, key=lambda w: w[0])[1] if whole else None  # the first of the largest
    return worst, min(returns, key=lambda r: r[0]) if returns else None


def _noted(measure: Measure, reads: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """`reads` but the tables whose rows left out the measure says at their dates itself
    (`Measure.said_by_missing`): the note on rows left out is put on every date, and the
    share of a table left out that leaves no figure at all is for tables whose rows each
    figure is built from together (a year's all-pupil KS4 row is that year's alone)."""
    return {t: c for t, c in reads.items() if t not in measure.said_by_missing}


def _left_out_note(
    ds: Dataset,
    reads: Mapping[str, tuple[str, ...]],
    spared: Mapping[str, np.ndarray] | None = None,
) -> str | None:
    """'3 episodes rows left out: unusable PLACE' (one clause per table), but for the rows
    `spared` (an earlier return's copy stands in, or the row cannot matter yet)."""
    bad = _unusable_read(ds, reads)
    for table, rows in (spared or {}).items():
        bad = bad.loc[~((bad["table"] == table) & bad["row"].isin(rows))]
    parts = []
    for table, g in bad.groupby("table", sort=True):
        n = g["row"].nunique()
        cols = ", ".join(dict.fromkeys(g["column"].astype(str)))
        parts.append(f"{n:,} {table} row{'s' * (n != 1)} left out: unusable {cols}")
    return "; ".join(parts) or None


def _notes(frame: pd.DataFrame, plan: _Plan, pieces: list[_Piece]) -> pd.Series:
    """The note of each row: caveats counted on its units, then rows left out (at its date:
    `pieces`)."""
    parts: list[list[str | None]] = []
    since = f" ({plan.coverage.start:%d/%m/%Y})" if plan.coverage is not None else ""
    if plan.coverage is not None and plan.coverage.gaps:  # a year with no return: the same
        gaps = ", ".join(f"{a:%d/%m/%Y} to {b:%d/%m/%Y}" for a, b in plan.coverage.gaps)
        since += f" or in a gap in it ({gaps})"
    den = frame["denominator"].fillna(0).to_numpy(dtype="float64")
    for flag, template in plan.measure.caveats.items():
        if flag in frame.columns:
            n = frame[flag].fillna(0).to_numpy(dtype="float64")
            parts.append(
                [
                    template.format(
                        n=f"{int(a):,}",
                        den=f"{int(b):,}",
                        since=since,
                        children="child" if a == 1 else "children",
                        s="" if a == 1 else "s",
                    )
                    if a > 0
                    else None
                    for a, b in zip(n, den)  # one per result row (dates x breakdown values)
                ]
            )
    ends = np.asarray(frame["period_end"], dtype="datetime64[ns]")
    if plan.measure.notes is not None:  # what the measure says at a date (before rows left out)
        said: dict[pd.Timestamp, str] = {}
        for q in pieces:
            said.update(plan.measure.notes(plan.source, q.ds, q.dates))
        parts.append([said.get(pd.Timestamp(d)) for d in ends])
    if any(q.note for q in pieces):
        left = np.full(len(frame), None, dtype=object)
        for q in pieces:
            left[np.isin(ends, q.dates.to_numpy(dtype="datetime64[ns]"))] = q.note
        if plan.measure.spares is not None:
            _spared_notes(left, ends, plan, pieces)
        parts.append(list(left))
    joined = ["; ".join(p for p in row if p) or None for row in zip(*parts)] if parts else []
    return pd.Series(joined or [None] * len(frame), index=frame.index, dtype="string")


def _spared_notes(left: np.ndarray, ends: np.ndarray, plan: _Plan, pieces: list[_Piece]) -> None:
    """The rows-left-out note of each date in `left` (in place), without the rows the
    measure says cannot matter at that date (`Measure.spares`: a population estimate of
    another year than the date's rate reads)."""
    for q in pieces:
        if not q.note:
            continue
        for when, more in plan.measure.spares(plan.source, plan.rows, q.dates).items():
            spared = {t: np.asarray(r, dtype="int64") for t, r in (q.spared or {}).items()}
            for table, rows in more.items():
                spared[table] = np.union1d(spared.get(table, []), rows).astype("int64")
            note = _left_out_note(plan.source, _noted(plan.measure, plan.reads), spared)
            left[ends == np.datetime64(pd.Timestamp(when).to_datetime64(), "ns")] = note


def _tidy(frame: pd.DataFrame, indicator_id: str, by: list[str], notes: pd.Series) -> pd.DataFrame:
    """The result columns in order, figures as float64, sorted by date and breakdown."""
    n = len(frame)
    cols: dict[str, object] = {
        "indicator": pd.array([indicator_id] * n, dtype="string"),
        "period_end": np.asarray(frame["period_end"], dtype=DATE_DTYPE),
    }
    # breakdown columns as Series (their dtype kept as is), aligned on a plain index
    cols |= {name: frame[name].reset_index(drop=True) for name in by}
    for col in ("numerator", "denominator", "value"):
        values = frame[col]
        if values.dtype != "float64":
            values = pd.to_numeric(values, errors="coerce").astype("float64")
        cols[col] = values.to_numpy(dtype="float64")
    # the notes as they come (`_notes`: a string column), else as strings
    note = notes.array if notes.dtype == "string" else pd.array(notes.to_numpy(), dtype="string")
    cols["note"] = note
    out = pd.DataFrame(cols, index=pd.RangeIndex(n))
    dates = cols["period_end"]
    if by or not (n < 2 or bool((dates[1:] >= dates[:-1]).all())):
        out = out.sort_values(["period_end", *by], kind="stable").reset_index(drop=True)
    return out


def _with_unavailable_rows(
    out: pd.DataFrame, indicator_id: str, by: list[str], reasons: Mapping[pd.Timestamp, str]
) -> pd.DataFrame:
    """One row per unsupported date (breakdown values blank, of the figure's own type, so
    that the LA stays `str` with them), the reason in `note`."""
    dates = pd.DatetimeIndex(list(reasons))
    kinds = {name: out[name].dtype if name in out.columns else object for name in by}
    gap = pd.DataFrame(
        {
            "indicator": pd.array([indicator_id] * len(dates), dtype="string"),
            "period_end": np.asarray(dates, dtype=DATE_DTYPE),
            **{name: pd.Series([pd.NA] * len(dates), dtype=kinds[name]) for name in by},
            "numerator": np.nan,
            "denominator": np.nan,
            "value": np.nan,
            "note": pd.array(list(reasons.values()), dtype="string"),
        }
    )
    if out.empty:
        return gap.reset_index(drop=True)
    both = pd.concat([out, gap], ignore_index=True)
    return both.sort_values("period_end", kind="stable").reset_index(drop=True)


LARGE_ROWS = 200_000  # a dataset with a table this long computes indicators side by side


def is_large(ds: Dataset) -> bool:
    """True when indicators are worth computing side by side in threads (`compute_many`):
    on smaller data starting threads costs more than it saves."""
    return max((len(ds.held(t)) for t in ds.tables), default=0) >= LARGE_ROWS


def side_by_side(
    fn: Callable[[Indicator], R], items: Sequence[Indicator], *, worth: bool
) -> list[R]:
    """`[fn(ind) for ind in items]`, in threads when the caller says it is `worth` it. The
    threads are handed one indicator of each table in turn (by the first table an indicator
    needs: episodes, referrals, IRO, OC3, KS4, then episodes again ...), so that two threads
    seldom wait for the same building block while another builds it; the catalogue's own
    order puts a dozen episode indicators first (the whole catalogue at 40 quarter ends by
    LA: 5.1-5.6 s in that order, 4.5-4.6 s in turns). Results come back in `items`' order."""
    if not worth:
        return [fn(ind) for ind in items]
    turns: dict[str, list[int]] = {}
    for pos, ind in enumerate(items):
        turns.setdefault(ind.tables[0] if ind.tables else "", []).append(pos)
    order = [p for turn in itertools.zip_longest(*turns.values()) for p in turn if p is not None]
    return threads.each(fn, items, worth=True, start=order)


def compute_many(
    dataset: Dataset,
    at: object,
    indicators: Iterable[str | Indicator] | str | Indicator | None = None,
    by: str | Sequence[str] | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Compute several indicators (default: the whole catalogue; one id alone is one).

    Returns the stacked results and, for each indicator that could not be computed (a missing
    table, an impossible breakdown, no date the data supports), the reason. One unavailable
    indicator never stops the rest. On large data the indicators are computed side by side
    in threads (`is_large`; `SCORECARD_THREADS=1` turns this off); the result is the same.
    """
    dataset = resolve_dataset(dataset)
    cat = catalogue or default_catalogue()
    if indicators is None:
        indicators = cat
    elif isinstance(indicators, str | Indicator):  # one indicator, not its letters
        indicators = [indicators]
    items = [resolve_indicator(i, cat) for i in indicators]

    def one(ind: Indicator) -> pd.DataFrame | str:
        try:
            return compute(ind, dataset, at=at, by=by, catalogue=cat)
        except (MissingTableError, BreakdownError, UnavailableError) as exc:
            return str(exc)

    frames: list[pd.DataFrame] = []
    problems: dict[str, str] = {}
    for ind, done in zip(items, side_by_side(one, items, worth=is_large(dataset)), strict=True):
        if isinstance(done, str):
            problems[ind.id] = done
        else:
            frames.append(done)
    if frames:
        return pd.concat(frames, ignore_index=True), problems
    cols = ["indicator", "period_end", *normalise_by(by), "numerator", "denominator", "value"]
    return pd.DataFrame(columns=[*cols, "note"]), problems


def units(
    indicator: str | Indicator,
    dataset: Dataset | None = None,
    at: object = None,
    by: str | Sequence[str] | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """The units behind an indicator's figure: one row per child (care leaver, pupil,
    referral, IRO case or post, population estimate) per date.

    Columns: `indicator`, `period_end`, the breakdown column(s), `unit` (what the row is),
    the unit's identifier as its table has it (`CHILD`, `LAchildID`, `IRO_ID`; with `LA` on
    pooled data), `numerator` and `denominator` (the unit's contributions: their sums per
    date and breakdown are `compute`'s numerator and denominator; a count has no
    denominator, a median no numerator), `value` for means and medians (the unit's own
    days or points: their median is a median's value), then the facts the definition used
    for the unit (placements counted, period and tenure starts, days in care and whether
    they are a lower bound, the previous referral, the cohort birthday ...).

    Same checks and the same code path as `compute`. For INTERNAL use: the frame holds child
    identifiers (never put it in a publication). Raises `UnavailableError` when a date asked
    for is not supported by the data.
    """
    ind = resolve_indicator(indicator, catalogue)
    by_list = normalise_by(by)
    plan = _plan(ind, dataset, at, by_list)
    if plan.reasons:
        raise UnavailableError.at(ind.id, plan.reasons, min(plan.reasons))
    with without_hugepages():
        return _stacked(
            [
                _present_units(
                    plan.measure.units(q.ds, q.dates, by_list, ind.params, detail=True),
                    ind,
                    plan,
                    by_list,
                    q.ds,
                )
                for q in _pieces(plan, plan.supported)
            ]
        )


def _present_units(
    raw: pd.DataFrame, ind: Indicator, plan: _Plan, by: list[str], ds: Dataset
) -> pd.DataFrame:
    """Unit rows as an analyst reads them: identifiers from the child key (of `ds`, the
    dataset they were built on), the contributions named as in compute, facts after them,
    sorted by date, breakdown and identifier."""
    stat = plan.measure.stat_for(ind.params)
    cols: dict[str, object] = {
        "indicator": pd.array([ind.id] * len(raw), dtype="string"),
        "period_end": np.asarray(raw["period_end"], dtype=DATE_DTYPE),
    }
    for name in by:
        cols[name] = raw[name].astype("str").to_numpy() if name == "LA" else raw[name].array
    unit = raw["unit"].to_numpy(dtype=object) if "unit" in raw.columns else plan.measure.unit
    cols["unit"] = pd.array(np.broadcast_to(np.asarray(unit, dtype=object), len(raw)), "string")
    ids = _identifiers(ds, raw)
    cols |= ids
    num = raw["num"].to_numpy(dtype="float64")
    den = raw["den"].to_numpy(dtype="float64")
    cols["numerator"] = np.full(len(raw), np.nan) if stat == "median" else num
    cols["denominator"] = np.full(len(raw), np.nan) if stat in ("count", "sum") else den
    if stat in ("mean", "median"):
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
        cols["value"] = value * plan.measure.scale
    for flag in plan.measure.caveats:
        if flag in raw.columns:
            cols[flag] = raw[flag].to_numpy(dtype="int64").astype(bool)
    skip = {*_INTERNAL, *cols}
    cols |= {c: raw[c].array for c in raw.columns if c not in skip}
    out = pd.DataFrame(cols)
    # sorted by date, breakdown values and identifiers (as text), ties in unit order
    keys = list(dict.fromkeys(["period_end", *by, *ids]))
    codes = [_sort_codes(out[k]) for k in reversed(keys)]
    order = np.lexsort(codes) if codes and len(out) else np.arange(len(out))
    return out.take(order).reset_index(drop=True)


def _sort_codes(values: pd.Series) -> np.ndarray:
    """Integer codes that sort like the values (dates as dates, the rest as text; blanks
    last)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return np.asarray(values, dtype=DATE_DTYPE).view("int64")
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    rank = pd.Index(uniques).argsort().argsort() if len(uniques) else np.array([], "int64")
    return np.where(codes >= 0, np.asarray(rank, dtype="int64")[codes], len(uniques))


def _identifiers(ds: Dataset, raw: pd.DataFrame) -> dict[str, np.ndarray]:
    """CHILD (and LA on pooled data) from the child key; identifiers the measure already
    gave (LAchildID, IRO_ID, CHILD, LA) as they are."""
    out: dict[str, np.ndarray] = {}
    given = [c for c in ("LA", "LAchildID", "IRO_ID", "CHILD") if c in raw.columns]
    if "cid" in raw.columns and "CHILD" not in given:
        cid = raw["cid"].to_numpy(dtype="int64")
        known = cid >= 0
        safe = np.where(known, cid, 0)
        names = _child_names(ds)
        for name in ("LA", "CHILD"):
            if name in names and name not in given:
                values = names[name][safe] if len(names[name]) else safe.astype(object)
                out[name] = np.where(known, values, None)
    for name in given:
        out[name] = raw[name].to_numpy()
    order = ("LA", "LAchildID", "IRO_ID", "CHILD")
    return {k: out[k] for k in order if k in out}


def _child_names(ds: Dataset) -> dict[str, np.ndarray]:
    """CHILD (and LA on pooled data) of every child key, as object arrays (cached)."""

    def build() -> dict[str, np.ndarray]:
        kids = children(ds)
        cols = ["LA", "CHILD"] if "LA" in kids.columns else ["CHILD"]
        return {c: kids[c].astype("string").to_numpy(dtype=object) for c in cols}

    return ds.cached("child_names", build)


def left_out(dataset: Dataset, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Rows left out of each indicator because a cell it needs is unusable: `indicator`,
    `table`, `column`, `rule`, `rows` (distinct rows of that table), for the scorecard and
    `validate`. Empty when every cell the catalogue needs was usable."""
    return _per_indicator(catalogue, lambda reads: _unusable_read(dataset, reads), "row")


def warned(dataset: Dataset, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """The data's warnings (`Dataset.quality`) each indicator meets: those on a column it
    reads, or on whole rows or a whole file of a table it reads; and the errors on a whole
    file of such a table (two files for one year's table, one of them left out), which
    leave no row out but decide what the figure reads. `indicator`, `table`, `column`,
    `rule`, `rows` (distinct rows warned; 0 for a warning on a whole file or column, which
    names no row). The rows are kept in the figures, which the warnings may change: the
    scorecard says so beside them. A row the indicator leaves out (an error on a cell it
    reads) is not counted. Empty when there are none."""
    q = dataset.quality
    q = q.loc[q["table"].isin(list(dataset.tables))]
    q = q.assign(
        column=q["column"].fillna("").astype(str),
        # a row is a file's row: the same number in two files is two rows
        at=(q["file"].astype(str) + "\n" + q["row"].astype(str)).where(q["row"].notna()),
    )
    errors = q.loc[(q["severity"] == "error") & q["at"].notna()]
    q = q.loc[(q["severity"] == "warning") | ((q["severity"] == "error") & q["at"].isna())]
    places = q.groupby(["table", "column"], sort=False).indices  # few places, many rows
    unusable = errors.groupby(["table", "column"], sort=False)["at"].agg(set).to_dict()

    def met(reads: Mapping[str, tuple[str, ...]]) -> pd.DataFrame:
        mine = [p for (t, c), p in places.items() if t in reads and (c == "" or c in reads[t])]
        found = q.iloc[np.sort(np.concatenate(mine))] if mine else q.iloc[:0]
        # a row left out for an unusable cell the figure needs is not in it: a warning that
        # follows from that cell ('REC given but DEC blank' when DEC is no date) is not either
        left = set().union(*(v for (t, c), v in unusable.items() if c in reads.get(t, ())))
        return found.loc[~found["at"].isin(left)] if left else found

    return _per_indicator(catalogue, met, "at")


def _per_indicator(
    catalogue: Catalogue | None,
    found: Callable[[Mapping[str, tuple[str, ...]]], pd.DataFrame],
    rows: str,
) -> pd.DataFrame:
    """For each indicator, what `found` gives for the columns it reads, counted per table,
    column and rule: its distinct `rows` (LEFT_OUT_COLUMNS; empty when nothing is found)."""
    frames = []
    for ind in catalogue or default_catalogue():
        measure = registry[ind.measure]
        hits = found(measure.reads(measure.params(ind.params)))
        if hits.empty:
            continue
        counts = (
            hits.assign(table=hits["table"].astype(str), column=hits["column"].astype(str))
            .groupby(["table", "column", "rule"], sort=True)[rows]
            .nunique()
            .rename("rows")
            .reset_index()
        )
        counts.insert(0, "indicator", ind.id)
        frames.append(counts)
    out = pd.concat(frames or [pd.DataFrame({c: [] for c in LEFT_OUT_COLUMNS})], ignore_index=True)
    return out.astype({c: "string" for c in LEFT_OUT_COLUMNS[:4]}).astype({"rows": "int64"})
