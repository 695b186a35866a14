"""Counts and rates of children looked after, starters, leavers, current placement shares.

Starters (`started_in_window`) count each child once, for the first period of care that
started in the window, and are broken down by age and UASC status on starting (as DfE
publishes them). Leavers (`ceased_in_window`, `leavers_share`) are the cohort of
`time_in_care.leavers`: an episode with REC not X1 and DEC in the window, the last time.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..breakdowns import (
    CHILD_BREAKDOWNS,
    BreakdownError,
    GroupSums,
    add_breakdowns,
    child_la_codes,
    counted_where,
    figure_by_child,
    figure_from_sums,
    summarise,
)
from ..care import (
    EPISODE_CORE,
    code_in,
    episode_codes,
    episode_column,
    episode_index,
    events_in_windows,
    factorize,
    looked_after_at,
    n_children,
    periods,
    uasc_at,
)
from ..codes import LISTS as CODE_LISTS
from ..compact import codes_of
from ..dataset import Dataset, MissingTableError
from ..periods import DATE_DTYPE
from ..registry import Params, measure
from .facts import with_facts
from .time_in_care import leaver_facts, leavers

UASC_CHOICES = ("include", "exclude", "only")


class PopulationWarning(UserWarning):
    """A rate per 10,000 left blank because no population estimate fits the reference date."""


def _uasc_kept(ds: Dataset, cid: np.ndarray, on: np.ndarray, uasc: str) -> np.ndarray | None:
    """Which children to keep: all (None), only non-UASC or only UASC (UASC on `on`)."""
    if uasc not in UASC_CHOICES:
        raise ValueError(f"uasc must be one of {', '.join(UASC_CHOICES)}, not {uasc!r}.")
    if uasc == "include":
        return None
    flag = uasc_at(ds, cid, np.asarray(on, dtype=DATE_DTYPE))
    return flag if uasc == "only" else ~flag


def _uasc_filter(ds: Dataset, units: pd.DataFrame, uasc: str, on: str) -> pd.DataFrame:
    """Keep all children, only non-UASC or only UASC children (UASC on the date in `on`)."""
    keep = _uasc_kept(ds, units["cid"].to_numpy(), units[on].to_numpy(), uasc)
    return units if keep is None else units.loc[keep].reset_index(drop=True)


def _children_at(ds: Dataset, at: pd.DatetimeIndex, uasc: str) -> tuple[np.ndarray, np.ndarray]:
    """(k, cid) of the children looked after at each date (`care.looked_after_at`), all,
    only non-UASC or only UASC ones."""
    kids = looked_after_at(ds, at)
    k, cid = kids["k"].to_numpy(), kids["cid"].to_numpy()
    keep = _uasc_kept(ds, cid, kids["period_end"].to_numpy(), uasc)
    return (k, cid) if keep is None else (k[keep], cid[keep])


def starters(ds: Dataset, at: pd.DatetimeIndex) -> pd.DataFrame:
    """Children whose period of care started in the window ending at each date, the first time.

    One row per (period_end, cid): `period_end`, `cid`, `ep` (first episode of the period in
    `care.episode_index`), `period_id`, `period_start`, `k` (the date's position in `at`).
    DfE counts the first occasion in the year.
    """
    p = periods(ds)
    pid = episode_index(ds)["period_id"].to_numpy()
    first_row = np.flatnonzero(np.r_[True, pid[1:] != pid[:-1]]) if len(pid) else pid
    start = np.asarray(p["start"], dtype=DATE_DTYPE)
    rows, ks = events_in_windows(start, at)
    cid = p["cid"].to_numpy()[rows]
    # a child's periods come in order of their start, so a stable sort by (date, child)
    # keeps each child's first period in the window first
    key = ks * (n_children(ds) + 1) + (cid + 1)
    order = np.argsort(key, kind="stable")
    key = key[order]
    pick = order[np.r_[True, key[1:] != key[:-1]]] if len(key) else order
    rows, ks = rows[pick], ks[pick]
    return pd.DataFrame(
        {
            "period_end": np.asarray(at, dtype=DATE_DTYPE)[ks],
            "cid": cid[pick],
            "ep": first_row[rows],
            "period_id": p.index.to_numpy()[rows],
            "period_start": start[rows],
            "k": ks,
        },
        copy=False,
    )


def _population_la(ds: Dataset) -> bool:
    """True when both the children and the population carry an LA column (pooled data)."""
    pop = ds.table("population")
    return "LA" in pop.columns and "LA" in ds.held("episodes").columns


def mid_year_called_for(at: pd.DatetimeIndex) -> np.ndarray:
    """The MID_YEAR the rate at each date calls for (SPEC, cla_rate_per_10k): the latest year
    whose 30 June is strictly before the date, as DfE's rate does (31 March 2025 -> mid-2024;
    30 June 2024 -> mid-2023, 1 July 2024 -> mid-2024)."""
    ats = pd.DatetimeIndex(np.asarray(at, dtype=DATE_DTYPE))
    return np.asarray(ats.year - (ats.month <= 6), dtype="int64")


def population_at(ds: Dataset, at: pd.DatetimeIndex, per_la: bool) -> pd.DataFrame:
    """The population estimate used at each date: the one the date calls for
    (`mid_year_called_for`), else the latest earlier one the table holds (a Q4 card built
    in April-June, before ONS publishes mid-2024, uses mid-2023: `estimate_notes` says so).

    Columns: `period_end`, `LA` (when `per_la`), `MID_YEAR` and `POP_0_17` (NaN when no row
    is early enough), `called_for` (the MID_YEAR the date calls for). Several rows for one
    MID_YEAR (and LA): the last is used, with a warning. Cached per dataset and dates.
    """
    stamp = np.asarray(at, dtype=DATE_DTYPE).view("int64").tobytes().hex()
    return ds.cached(f"population_at:{per_la}:{stamp}", lambda: _population_at(ds, at, per_la))


def _population_at(ds: Dataset, at: pd.DatetimeIndex, per_la: bool) -> pd.DataFrame:
    keys = ["LA", "MID_YEAR"] if per_la else ["MID_YEAR"]
    pop = ds.table("population")
    pop = pop.loc[pop["MID_YEAR"].notna(), [*keys, "POP_0_17"]].copy()
    pop["MID_YEAR"] = pop["MID_YEAR"].astype("int64")
    dup = pop.duplicated(keys, keep="last")
    if dup.any():
        years = sorted(set(pop.loc[dup, "MID_YEAR"]))
        warnings.warn(
            f"The population table has more than one row for MID_YEAR {years}"
            f"{' (within an LA)' if per_la else ''}; the last row of each is used.",
            PopulationWarning,
            stacklevel=4,
        )
        pop = pop.loc[~dup]
    ats = pd.DatetimeIndex(np.asarray(at, dtype=DATE_DTYPE))
    left = pd.DataFrame({"period_end": np.asarray(ats), "year": mid_year_called_for(ats)})
    if per_la:
        las = pd.Index(pop["LA"].dropna().unique())
        children_las = factorize(ds.held("episodes")["LA"])[1]  # the LAs named, in any order
        las = las.union(pd.Index(children_las)).sort_values()
        left = left.merge(pd.DataFrame({"LA": las}), how="cross")
    left = left.sort_values("year", kind="stable")
    right = pop.rename(columns={"MID_YEAR": "year_used"}).sort_values("year_used")
    right["year"] = right["year_used"]
    out = pd.merge_asof(
        left,
        right,
        on="year",
        by="LA" if per_la else None,
        direction="backward",
    )
    out = out.rename(columns={"year_used": "MID_YEAR", "year": "called_for"})
    out = out.sort_values(["period_end", *(["LA"] if per_la else [])], kind="stable")
    return out.reset_index(drop=True)


def _left_out_years(source: Dataset) -> pd.DataFrame:
    """The population rows left out for an unusable cell: their MID_YEAR as read (NaN when
    it could not be) and the rules they failed."""
    un = source.unusable
    bad = un.loc[un["table"] == "population"]
    years = source.held("population")["MID_YEAR"].to_numpy(dtype="float64")
    rows = bad["row"].to_numpy(dtype="int64")
    return pd.DataFrame(
        {"row": rows, "year": years[rows], "column": bad["column"].astype(str).to_numpy()}
    )


ESTIMATE_LAS_SHOWN = 5  # LAs named in a note on pooled data


def _las(frame: pd.DataFrame) -> str:
    """' for LA 650, 886' (pooled data), '' otherwise."""
    if "LA" not in frame.columns:
        return ""
    las = sorted(frame["LA"].astype("str").unique())
    more = ", ..." if len(las) > ESTIMATE_LAS_SHOWN else ""
    return f" for LA {', '.join(las[:ESTIMATE_LAS_SHOWN])}{more}"


def estimate_notes(source: Dataset, used: Dataset, at: pd.DatetimeIndex) -> dict[pd.Timestamp, str]:
    """What the rate at each date says about its population estimate when it is not the one
    the date calls for: 'uses the mid-2023 population estimate: the table has no mid-2024'
    (or: its mid-2024 rows are left out, with why), or that there is none early enough (the
    rate has no value). Nothing when the date's own estimate is used. `used`: the data the
    figure is built on (rows left out), `source`: as given."""
    pop = population_at(used, at, _population_la(used))
    called = pop["called_for"].to_numpy(dtype="int64")
    used_year = pop["MID_YEAR"].to_numpy(dtype="float64")
    older = ~(used_year == called)  # NaN (none early enough) included
    if not older.any():
        return {}
    left = _left_out_years(source)
    out: dict[pd.Timestamp, str] = {}
    for (when, year), g in pop.loc[older].groupby(["period_end", "called_for"], sort=True):
        lost = left.loc[left["year"] == year]
        if len(lost):
            cols = ", ".join(dict.fromkeys(lost["column"]))
            why = (
                f"its mid-{year} row{'s are' if lost['row'].nunique() > 1 else ' is'} left out "
                f"(unusable {cols}; scorecard validate lists them)"
            )
        else:
            why = f"the table has no mid-{year}"
        said = []
        for found, h in g.groupby(g["MID_YEAR"].fillna(-1).astype("int64"), sort=False):
            if found >= 0:
                said.append(f"uses the mid-{found} population estimate{_las(h)}: {why}")
                continue
            none = f"the population table has no estimate for mid-{year} or earlier"
            said.append(f"not available{_las(h)}: {none}{f' ({why})' if len(lost) else ''}")
        out[pd.Timestamp(when)] = "; ".join(said)
    return out


def estimates_not_read(
    source: Dataset, rows: Mapping[str, np.ndarray], at: pd.DatetimeIndex
) -> dict[pd.Timestamp, dict[str, np.ndarray]]:
    """The population rows left out that the rate at each date would not read: those of a
    MID_YEAR after the one the date calls for, or before the latest usable one up to it (a
    revised mid-2024 appended under the original leaves both out: a note on the rates that
    read mid-2024, not on those of earlier years). Rows whose MID_YEAR could not be read
    might be any year: never spared. Pooled data (an estimate per LA): none spared."""
    left = rows.get("population")
    if left is None or not len(left) or _population_la(source):
        return {}
    years = source.held("population")["MID_YEAR"].to_numpy(dtype="float64")
    usable = np.delete(years, left)
    usable = np.sort(usable[~np.isnan(usable)])
    lost = years[left]
    out: dict[pd.Timestamp, dict[str, np.ndarray]] = {}
    for when, called in zip(at, mid_year_called_for(at)):  # a handful of dates
        fit = usable[usable <= called]
        floor = fit[-1] if len(fit) else -np.inf  # the year used at the date
        read = np.isnan(lost) | ((lost > floor) & (lost <= called))
        out[pd.Timestamp(when)] = {"population": np.asarray(left)[~read]}
    return out


def _warn_missing_population(frame: pd.DataFrame, per_la: bool) -> None:
    """Say which dates (and LAs) have no population estimate early enough: rate left blank."""
    missing = frame.loc[frame["POP_0_17"].isna()]
    if missing.empty:
        return
    dates = ", ".join(sorted({f"{d:%d/%m/%Y}" for d in missing["period_end"]}))
    where = ""
    if per_la:
        where = f" for LA {', '.join(sorted(missing['LA'].astype('str').unique()))}"
    warnings.warn(
        f"No population estimate (POP_0_17) whose 30 June of MID_YEAR is before {dates}{where}: "
        "the rate per 10,000 is left blank there. Add the earlier mid-year estimate(s) to the "
        "population table.",
        PopulationWarning,
        stacklevel=4,
    )


OTHER_NATIONS = ("WAL", "SCO", "NIR")  # SSDA903's PL_LA outside England
DISTANCE_ONLY = (
    "{n} of {den} children counted on distance alone: no PL_LOCATION (or PL_LA) says whether "
    "their placement is outside the LA boundary, which LAIT's figure also requires"
)
DISTANCE_NOT_RECORDED = "{n} {children} looked after left out: PL_DISTANCE not recorded"
NO_POPULATION_BREAKDOWN = (
    "the population estimate (POP_0_17) is not broken down by age, sex, UASC status or "
    "district; only pooled data whose episodes and population both carry an LA column can be "
    "broken down (by LA)."
)
LOOKED_AFTER_READS = {"episodes": EPISODE_CORE}
LEAVER_READS = {"episodes": EPISODE_CORE}
POPULATION_READS = {"population": ("MID_YEAR", "POP_0_17")}


def _with_uasc(reads: Mapping[str, tuple[str, ...]], params: Params) -> dict:
    """`reads`, and the uasc table's rows when UASC children are left out or counted alone
    (a DUC that is no date leaves its row out, and says so, rather than making a child UASC
    for ever)."""
    if params.get("uasc", "include") == "include":
        return dict(reads)
    return {**reads, "uasc": ("CHILD", "DUC")}


@measure(
    stat="count",
    unit="child looked after",
    reads=lambda params: _with_uasc(LOOKED_AFTER_READS, params),
)
def looked_after(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, detail: bool = False, uasc: str = "include"
) -> pd.DataFrame:
    """Children looked after at each date; `uasc`: include, exclude or only UASC children.
    Units: the children; facts: period start and the current episode's start, legal status
    and placement."""
    units = _uasc_filter(ds, looked_after_at(ds, at), uasc, on="period_end")
    units = units.assign(num=1.0, den=0.0)
    units = add_breakdowns(
        ds,
        units,
        by,
        age_date="period_end",
        entry_date="period_start",
        indicator="children looked after",
    )
    return (
        _episode_facts(ds, units, episode_start="DECOM", LS="LS", PLACE="PLACE")
        if detail
        else units
    )


def _episode_facts(ds: Dataset, units: pd.DataFrame, **columns: str) -> pd.DataFrame:
    """Columns of each unit's episode (`ep`) as facts, named as given."""
    ep = units["ep"].to_numpy()
    return with_facts(
        units, **{name: episode_column(ds, col).to_numpy()[ep] for name, col in columns.items()}
    )


def _rate(units: pd.DataFrame, at: pd.DatetimeIndex, by: list[str], params: dict) -> pd.DataFrame:
    """Children over the population estimate(s), per 10,000; a blank estimate blanks the rate."""
    return summarise(units, at, by, "ratio", scale=10_000.0)


def _rate_by_la(ds: Dataset, by: list[str]) -> bool:
    """Whether the estimates are per LA (pooled data); BreakdownError for a breakdown the
    population estimate cannot have."""
    per_la = _population_la(ds)
    for name in by:
        if name != "LA" or not per_la:
            raise BreakdownError(
                f"The rate per 10,000 children cannot be broken down by {name!r}: the "
                "population estimate (POP_0_17) is not broken down by age, sex, UASC status or "
                "district. Only pooled data whose episodes and population both carry an LA "
                "column can be broken down by LA."
            )
    return per_la


def _rate_fast(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, uasc: str = "include"
) -> pd.DataFrame:
    """The rate straight from the children looked after and the estimates, without a unit
    frame: each unit's group numbered as `breakdowns.summarise` numbers the units of
    `looked_after_rate` (children, then estimates, LAs as their categories), and the
    children counted and the estimates summed by the same `GroupSums`, so the figures are
    the same to the last bit."""
    per_la = _rate_by_la(ds, by)
    k, cid = _children_at(ds, at, uasc)
    pop = population_at(ds, at, per_la)
    _warn_missing_population(pop, per_la)
    ats = np.asarray(at, dtype=DATE_DTYPE)
    pop_k = np.searchsorted(ats, np.asarray(pop["period_end"], dtype=DATE_DTYPE))
    if not len(pop) or not np.array_equal(ats[np.minimum(pop_k, len(ats) - 1)], pop["period_end"]):
        # no estimate at all: the units say what
        return looked_after_rate.from_units(ds, at, by, {"uasc": uasc})
    las, slots = pd.Index([], dtype="str"), 1
    if by:  # by LA: the children's LAs and the estimates', sorted, a blank last
        codes, kid_labels = child_la_codes(ds)
        kid_labels = kid_labels.astype("str")
        las = kid_labels.union(pd.Index(pop["LA"].astype("str").unique()))
        slots = len(las) + 1
        kid_la = np.append(las.get_indexer(kid_labels), len(las))[codes[cid]]
        pop_la = las.get_indexer(pop["LA"].astype("str"))
    number = np.concatenate([k, pop_k]).astype("int64")
    number *= slots
    if by:
        number[: len(k)] += kid_la
        number[len(k) :] += pop_la
    summer = GroupSums(number, len(ats) * slots, every_group=not by)
    numerator = summer.sums_in(np.ones(len(k)))
    estimates = pop["POP_0_17"].to_numpy(dtype="float64")
    denominator = summer.sums_in(estimates, first=len(k))
    denominator[summer.flagged(np.isnan(estimates), first=len(k)) > 0] = np.nan
    return figure_from_sums(
        at,
        summer.present,
        numerator,
        denominator,
        "ratio",
        las=las if by else None,
        scale=10_000.0,
    )


@measure(
    stat="ratio",
    unit="child looked after (and the population estimate)",
    reads=lambda params: _with_uasc({**LOOKED_AFTER_READS, **POPULATION_READS}, params),
    refuses=dict.fromkeys(CHILD_BREAKDOWNS, NO_POPULATION_BREAKDOWN),
    aggregate=_rate,
    fast=_rate_fast,
    notes=estimate_notes,
    spares=estimates_not_read,
)
def looked_after_rate(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, detail: bool = False, uasc: str = "include"
) -> pd.DataFrame:
    """Children looked after per 10,000 aged 0-17 (latest MID_YEAR whose 30 June < at).

    numerator = children looked after (UASC removed with `uasc='exclude'`), denominator =
    POP_0_17 of the latest `population` row whose 30 June of MID_YEAR is strictly before
    `at` (`mid_year_called_for`; when the table lacks that year, the latest earlier one, and
    the note says so: `estimate_notes`). No such row: value and denominator blank, with a
    PopulationWarning naming the dates and the reason in the note. Pooled data (episodes and population both carrying LA): each LA uses its own
    estimate; without an LA breakdown the rate is all children over the sum of the LAs'
    estimates (blank when any LA has none).

    Units: each child looked after (numerator 1, denominator 0) and each population estimate
    used (numerator 0, denominator POP_0_17, with its MID_YEAR): their sums give the rate's
    numerator and denominator.
    """
    per_la = _rate_by_la(ds, by)
    kids = looked_after.units(ds, at, ["LA"] if per_la else [], uasc=uasc, detail=detail)
    if detail:
        kids = kids.assign(unit="child looked after")
    else:  # only what the sums need: millions of rows on pooled data
        kids = kids[["period_end", "cid", "num", "den", *(["LA"] if per_la else [])]]
    pop = population_at(ds, at, per_la)
    _warn_missing_population(pop, per_la)
    estimates = pd.DataFrame(
        {
            "period_end": np.asarray(pop["period_end"], dtype=DATE_DTYPE),
            "num": 0.0,
            "den": pop["POP_0_17"].to_numpy(dtype="float64"),
        }
    )
    if detail:
        estimates.insert(1, "unit", "population estimate")
        estimates["MID_YEAR"] = pop["MID_YEAR"].to_numpy(dtype="float64")
        estimates["POP_0_17"] = pop["POP_0_17"].to_numpy(dtype="float64")
    else:  # the same columns as the children's, so that stacking them copies nothing more
        estimates["cid"] = -1
    if per_la:  # one set of LA categories for both kinds of unit (cheap on pooled data)
        kid_la = kids["LA"].astype("category")
        labels = pop["LA"].astype("str")
        las = kid_la.cat.categories.astype("str").union(pd.Index(labels.unique()))
        kids = kids.assign(LA=kid_la.cat.rename_categories(kid_la.cat.categories.astype("str")))
        kids["LA"] = kids["LA"].cat.set_categories(las)
        estimates["LA"] = pd.Categorical(labels.to_numpy(), categories=las)
    units = pd.concat([kids, estimates], ignore_index=True)
    if units["cid"].dtype.kind == "f":  # estimates have no child
        units["cid"] = units["cid"].fillna(-1).astype("int64")
    return units


@measure(stat="count", unit="child who started to be looked after", reads=LEAVER_READS)
def started_in_window(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, detail: bool = False
) -> pd.DataFrame:
    """Children with a period of care starting in the 12-month window (each child once).
    Units: the starters; facts: the period start and its first episode's RNE, LS and PLACE."""
    units = starters(ds, at).assign(num=1.0, den=0.0)
    # DfE reports starters by age on starting: ages and UASC status are taken at the start
    units = add_breakdowns(
        ds,
        units,
        by,
        age_date="period_start",
        entry_date="period_start",
        indicator="children who started to be looked after",
    )
    return _episode_facts(ds, units, RNE="RNE", LS="LS", PLACE="PLACE") if detail else units


@measure(stat="count", unit="child who ceased to be looked after", reads=LEAVER_READS)
def ceased_in_window(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, detail: bool = False
) -> pd.DataFrame:
    """Children who ceased to be looked after (REC not X1, DEC in window), each child once.
    Units: the leavers; facts: period start, the day they ceased and why (REC)."""
    units = leavers(ds, at).assign(num=1.0, den=0.0)
    units = add_breakdowns(
        ds,
        units,
        by,
        age_date="left",
        entry_date="period_start",
        uasc_date="period_start",
        indicator="children who ceased to be looked after",
    )
    return leaver_facts(units) if detail else units


@measure(
    stat="percent",
    unit="child who ceased to be looked after",
    reads=LEAVER_READS,
    codes={"codes": "REC"},
)
def leavers_share(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    detail: bool = False,
    codes: list[str] = ("E11", "E12"),
) -> pd.DataFrame:
    """Percent of children who ceased in the window (last time) whose REC is in `codes`.
    Units: the leavers; facts: period start, the day they ceased and why (REC)."""
    wanted = [str(c).strip().upper() for c in codes]
    units = leavers(ds, at)
    # REC is categorical: clean and look up its few categories, not every leaver's code
    rec = units["REC"]
    found = rec.cat.categories.astype("str").str.strip().str.upper().isin(wanted)
    hit = np.append(np.asarray(found, dtype=bool), False)[codes_of(rec)]
    units = units.assign(num=hit.astype("float64"), den=1.0)
    units = add_breakdowns(
        ds,
        units,
        by,
        age_date="left",
        entry_date="period_start",
        uasc_date="period_start",
        indicator="share of children who ceased to be looked after",
    )
    return leaver_facts(units) if detail else units


def _share_reads(params: dict) -> dict[str, tuple[str, ...]]:
    return {"episodes": (*EPISODE_CORE, str(params["column"]))}


def _share_code_list(params: dict) -> str | None:
    """The DfE code list of the column a share is taken on (None when it has none)."""
    column = str(params["column"]).strip().upper()
    return column if column in CODE_LISTS and params.get("greater_than") is None else None


def _classified(
    ds: Dataset, column: str, codes: list[str], greater_than: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Per episode (`care.episode_index` order): whether `column` is in `codes` (or above
    `greater_than`), and whether it is known. Each episode is classified once; the measure
    picks the episode open at each date."""
    if greater_than is None and not codes:
        raise ValueError(
            f"current_placement_share on {column!r} needs `codes` (e.g. [U1, U2]) or "
            "`greater_than` (e.g. 20.0) in the indicator's params."
        )
    if column not in ds.held("episodes").columns:
        raise MissingTableError(
            f"The episodes table has no {column!r} column, which this indicator needs. "
            f"Add {column} to the episodes file (it is optional in the SSDA903 return)."
        )
    if greater_than is not None:
        numbers = pd.to_numeric(episode_column(ds, column), errors="coerce").to_numpy(
            dtype="float64"
        )
        return numbers > float(greater_than), ~np.isnan(numbers)
    hit = code_in(ds, column, {str(c).strip().upper() for c in codes})
    return hit, np.ones(len(hit), dtype=bool)


@measure(
    stat="percent",
    unit="child looked after",
    reads=_share_reads,
    codes={"codes": _share_code_list},
)
def current_placement_share(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    detail: bool = False,
    column: str = "PLACE",
    codes: list[str] = (),
    greater_than: float | None = None,
) -> pd.DataFrame:
    """Percent of children looked after at `at` whose current episode's `column` is in `codes`
    (or, with `greater_than`, above it; rows with the column blank leave the denominator).
    Units: the children looked after (with the column known); facts: its value."""
    hit_ep, known_ep = _classified(ds, column, codes, greater_than)
    units = looked_after_at(ds, at)
    ep = units["ep"].to_numpy()
    known = known_ep[ep]
    units = units.loc[known].reset_index(drop=True)
    units = counted_where(units, hit_ep[ep[known]])
    units = add_breakdowns(
        ds, units, by, entry_date="period_start", indicator=f"share of children by {column}"
    )
    return _episode_facts(ds, units, **{column: column}) if detail else units


def _outside_boundary(ds: Dataset, own_la: str) -> tuple[np.ndarray, np.ndarray]:
    """Per episode (`care.episode_index` order): (outside the LA boundary, known).
    PL_LOCATION OUT/IN when recorded; else PL_LA: Wales, Scotland or Northern Ireland are
    outside, and with `own_la` (the authority's 9-character code) any other authority is;
    else unknown. Codes are cleaned on their distinct values."""
    columns = ds.held("episodes").columns
    n = len(episode_index(ds))
    outside, known = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if "PL_LOCATION" in columns:
        outside |= code_in(ds, "PL_LOCATION", ["OUT"])
        known |= code_in(ds, "PL_LOCATION", ["IN", "OUT"])
    if "PL_LA" in columns:
        codes, labels = episode_codes(ds, "PL_LA")
        recorded = (codes >= 0) & ~known
        nations = code_in(ds, "PL_LA", OTHER_NATIONS)
        away = nations
        if own_la:
            other = np.append(labels != own_la.strip().upper(), False)[codes]
            away = nations | other
        outside |= recorded & away
        known |= recorded & (nations | bool(own_la))
    return outside, known


def _far_parts(ds: Dataset, ep: np.ndarray, miles: float, own_la: str) -> dict[str, np.ndarray]:
    """For the episodes `ep` (positions in `care.episode_index`): the numerator (placed more
    than `miles` away and outside the boundary or not known to be inside), the denominator
    (PL_DISTANCE recorded) and the two caveats, as booleans."""
    if "PL_DISTANCE" not in ds.held("episodes").columns:
        raise MissingTableError(
            "The episodes table has no 'PL_DISTANCE' column, which this indicator needs. "
            "Add PL_DISTANCE (and PL_LOCATION, PL_LA) to the episodes file: they are derived "
            "from HOME_POST and PL_POST in the SSDA903 return."
        )
    distance = pd.to_numeric(episode_column(ds, "PL_DISTANCE"), errors="coerce")
    distance = distance.to_numpy(dtype="float64")
    outside_ep, known_ep = _outside_boundary(ds, own_la)
    far, recorded = distance[ep] > miles, ~np.isnan(distance[ep])
    outside, known = outside_ep[ep], known_ep[ep]
    return {
        "num": far & (outside | ~known),
        "den": recorded,
        "distance_only": far & ~known,
        "distance_not_recorded": ~recorded,
    }


def _far_fast(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, miles: float = 20.0, own_la: str = ""
) -> pd.DataFrame:
    """The share placed far from home in total or by LA without a unit frame."""
    kids = looked_after_at(ds, at)
    parts = _far_parts(ds, kids["ep"].to_numpy(), miles, own_la)
    num, den = parts.pop("num"), parts.pop("den")
    return figure_by_child(
        ds,
        at,
        by,
        kids["k"].to_numpy(),
        kids["cid"].to_numpy(),
        num,
        den,
        "percent",
        flags=parts,
        from_units=lambda: placed_far_from_home.from_units(
            ds, at, by, {"miles": miles, "own_la": own_la}
        ),
    )


@measure(
    stat="percent",
    unit="child looked after",
    reads={"episodes": (*EPISODE_CORE, "PL_DISTANCE", "PL_LOCATION", "PL_LA")},
    caveats={"distance_only": DISTANCE_ONLY, "distance_not_recorded": DISTANCE_NOT_RECORDED},
    fast=_far_fast,
    fast_by=("LA",),
)
def placed_far_from_home(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    detail: bool = False,
    miles: float = 20.0,
    own_la: str = "",
) -> pd.DataFrame:
    """Percent of children looked after at `at` placed more than `miles` from home and outside
    the LA boundary (LAIT's `LACDistance`), over the children looked after whose PL_DISTANCE
    is recorded.

    Outside the boundary: PL_LOCATION OUT; where PL_LOCATION is blank or absent, PL_LA in
    Wales, Scotland or Northern Ireland, or (with `own_la`, the authority's 9-character code)
    any other authority. A child placed more than `miles` away whose location is not known
    either way is counted on distance alone and flagged (`distance_only`, in `note`), since
    LAIT would count them only if outside the boundary. A child whose PL_DISTANCE is blank
    (not recorded, or a yearly return without the column) is left out of the numerator and
    the denominator and counted in `note` (`distance_not_recorded`): counting them as near
    would dilute the figure, and a date with no distance recorded has no value rather than
    0%. Units: the children looked after (those left out with 0 and 0); facts: PL_DISTANCE,
    PL_LOCATION, PL_LA and whether outside the boundary.
    """
    units = looked_after_at(ds, at)
    ep = units["ep"].to_numpy()
    parts = _far_parts(ds, ep, miles, own_la)
    units = units.assign(**{name: part.astype("int64") for name, part in parts.items()})
    units = add_breakdowns(
        ds, units, by, entry_date="period_start", indicator="children placed far from home"
    )
    if not detail:
        return units
    facts = {
        c: episode_column(ds, c).to_numpy()[ep]
        for c in ("PL_DISTANCE", "PL_LOCATION", "PL_LA")
        if c in ds.held("episodes").columns
    }
    outside_ep, known_ep = _outside_boundary(ds, own_la)
    outside, known = outside_ep[ep], known_ep[ep]
    boundary = np.where(known, np.where(outside, "outside", "inside"), "not known")
    return with_facts(units, **facts, boundary=boundary)
