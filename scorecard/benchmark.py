"""Benchmarking an LA against England, its region, its statistical neighbours and all LAs
(SPEC sections 7 and 8), the way the DfE's LA Interactive Tool (LAIT) does it.

`compare(benchmarks, la, year, neighbours)` gives one row per indicator:

* ``q1, median, q3``: R's default ``quantile()`` (type 7, numpy/pandas 'linear') over every
  LA's value for that year (LA rows only: codes below 970; England and the regions are
  left out), suppressed values dropped.
* ``quartile_band``: LAIT's ``calculate_quartile_band``: the value is placed in the
  right-closed intervals [min, q1], (q1, median], (median, q3], (q3, max] (the minimum in
  the lowest interval). For low-is-good those are A, B, C, D; for high-is-good the labels are
  mirrored (D, C, B, A), so A is always the best quartile and the interval containing the
  maximum is A. A value exactly on a breakpoint therefore goes to the interval below it:
  for high-is-good a value equal to q3 is B, not A; for low-is-good a value equal to q1 is
  A. (Reading of LAIT's R code and its unit tests, where 20 with breakpoints 10/20/../50
  and polarity High is 'D'.) Neutral indicators, and those LAIT marks ``No_Quartile``,
  get no band.
* ``rank``: 1 = best among LAs with a value (ascending for low-is-good, descending for
  high-is-good), ties share the lowest rank (R ``ties.method = "min"``); missing values
  and neutral indicators are unranked. ``n_las``: the authorities ranked (those with a
  value; one more when our own published figure is missing and a current value is placed).
* ``sn_value``: the mean (LAIT; ``sn_stat='mean'``) or median (DfE dashboard) of the
  neighbours' values, NaN dropped, with ``sn_count`` neighbours that had a value.
* ``best_value`` / ``best_la``: the best LA value that year and which LA holds it (ties:
  every one, by name: 'A and B', 'A, B and 3 others'); ``best_neighbour_value`` /
  ``best_neighbour`` likewise among the
  neighbours. ``gap_to_best`` and ``gap_to_best_neighbour`` are signed so that a positive
  number is how far the LA is behind (best - LA for high-is-good, LA - best for
  low-is-good); 0 when the LA is the best.
* ``england``: the England row (970); ``region``: the published value of the LA's region
  (a London borough gets Inner or Outer London, as in LAIT's own LA rows).
* ``year``: the year compared, per indicator: the one asked for, or (``year=None``) the
  indicator's latest year with a value for the LA (`latest_years`).
* Best LA, minimum size: by default only an authority with at least ``min_size`` (100)
  children looked after at 31 March that year (LAIT ``LACnum``, or the EES CLA numbers; the
  latest earlier year when that year's is not published) may be named best. The size is
  the one every indicator's base grows with and the one DfE publishes for every authority
  every year; with fewer than 100 children one child moves a percentage by a point or
  more (for long-term stability, whose base is a third of that, by three), and in 2025
  it leaves out exactly the three authorities whose figures rest on a handful of children
  (Isles of Scilly, City of London, Rutland). An authority whose size is not published is
  not eligible. ``min_size=None`` gives LAIT's plain best of all LAs. The best neighbour
  is the best of the ten neighbours, whatever their size (they were chosen as comparable).
* Counts (catalogue unit ``count``; LAIT measures titled ``(num)``) are never set beside
  other authorities' counts: only the LA's own published figure is given, the comparator
  columns stay blank and ``note`` says so (compare the rate per 10,000 instead).
* ``value``, ``value_quartile_band``, ``value_rank`` (with ``values=``): where our current
  value would stand in that year's distribution: the same quartiles, bands and ranks,
  computed over all LAs' published values with ours replaced by the current value.
* ``note``: why a comparator is blank (a count; no published size for the best-LA rule).

Polarity comes from `polarity=` (a mapping of indicator -> High/Low/- or high_is_good/
low_is_good/neutral, or a path to LAIT's lait_data_dictionary.csv), else from the catalogue
(our indicators matched by their ``benchmark.lait`` name), else neutral.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .benchmark_loaders import (
    SN_FILE,
    BenchmarkFileError,
    benchmark_panel,
    catalogue_benchmarks,
    ees_series,
    load_benchmarks,
    load_neighbours,
    year_from_label,
)
from .catalogue import Catalogue, Indicator, load_catalogue
from .la_lookup import LaLookup, UnknownLAError, normalise_name, resolve_la

__all__ = [
    "MIN_SIZE",
    "SN_FILE",
    "BenchmarkFileError",
    "UnknownLAError",
    "benchmark_name",
    "benchmark_panel",
    "best_rule",
    "catalogue_benchmarks",
    "compare",
    "ees_series",
    "gap_to",
    "latest_years",
    "load_benchmarks",
    "load_neighbours",
    "quartile_band",
    "read_dictionary",
    "read_polarity",
    "resolve_la",
]

# "best LA" only among authorities with at least this many children looked after at 31 March
MIN_SIZE = 100
# an authority's size: children looked after at 31 March (LAIT's name; EES CLA numbers are
# loaded under it through the catalogue's mapping of cla_count)
SIZE_INDICATOR = "LACnum"

_POLARITY_WORDS = {
    "high": "high_is_good",
    "high_is_good": "high_is_good",
    "low": "low_is_good",
    "low_is_good": "low_is_good",
    "-": "neutral",
    "neutral": "neutral",
    "": "neutral",
}
COLUMNS = [
    "indicator",
    "catalogue_id",
    "polarity",
    "year",
    "la_code",
    "la_name",
    "la_value",
    "la_status",
    "england",
    "region_name",
    "region",
    "sn_value",
    "sn_count",
    "sn_stat",
    "q1",
    "median",
    "q3",
    "quartile_band",
    "rank",
    "n_las",
    "value",
    "value_quartile_band",
    "value_rank",
    "best_value",
    "best_la",
    "best_neighbour_value",
    "best_neighbour",
    "gap_to_best",
    "gap_to_best_neighbour",
    "note",
]
# the columns that set the LA beside other authorities (blank for counts)
_COMPARED = (
    "england",
    "region",
    "sn_value",
    "q1",
    "median",
    "q3",
    "rank",
    "value_rank",
    "best_value",
    "best_neighbour_value",
    "gap_to_best",
    "gap_to_best_neighbour",
)


def read_polarity(source: object) -> tuple[dict[str, str], set[str]]:
    """(indicator -> polarity word, indicators without quartiles) from a mapping or LAIT's
    data dictionary (Measure_short, Polarity High/Low/-, No_Quartile N)."""
    polarity, no_quartile, _ = read_dictionary(source)
    return polarity, no_quartile


def read_dictionary(source: object) -> tuple[dict[str, str], set[str], set[str]]:
    """`read_polarity`'s two answers and the measures that are counts: those LAIT's data
    dictionary titles '(num)' or whose axis reads 'Number ...'."""
    if source is None:
        return {}, set(), set()
    if isinstance(source, dict):
        return {k: _polarity_word(v) for k, v in source.items()}, set(), set()
    frame = source if isinstance(source, pd.DataFrame) else pd.read_csv(Path(str(source)))
    if not {"Measure_short", "Polarity"} <= set(frame.columns):
        raise BenchmarkFileError(
            f"{source if not isinstance(source, pd.DataFrame) else '<frame>'}: a polarity "
            "table needs Measure_short and Polarity columns (LAIT's lait_data_dictionary.csv)."
        )
    frame = frame.dropna(subset=["Measure_short"]).drop_duplicates("Measure_short")
    pol = {
        str(k).strip(): _polarity_word(v)
        for k, v in zip(frame["Measure_short"], frame["Polarity"], strict=True)
    }
    no_q: set[str] = set()
    if "No_Quartile" in frame.columns:
        flag = frame["No_Quartile"].astype("str").str.strip().str.upper() == "N"
        no_q = set(frame.loc[flag, "Measure_short"].astype("str").str.strip())
    counts = pd.Series(False, index=frame.index)
    if "Chart_title" in frame.columns:
        counts |= frame["Chart_title"].astype("str").str.contains(r"\(num\)", case=False)
    if "y_axis_name" in frame.columns:
        counts |= frame["y_axis_name"].astype("str").str.match(r"(?i)\s*number\b")
    counted = set(frame.loc[counts, "Measure_short"].astype("str").str.strip())
    return pol, no_q, counted


def _polarity_word(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "neutral"
    word = str(value).strip().casefold()
    if word not in _POLARITY_WORDS:
        raise ValueError(
            f"polarity {value!r} not understood; use High, Low, - (LAIT) or "
            "high_is_good, low_is_good, neutral."
        )
    return _POLARITY_WORDS[word]


def quartile_band(
    value: np.ndarray | pd.Series,
    q1: np.ndarray | pd.Series,
    median: np.ndarray | pd.Series,
    q3: np.ndarray | pd.Series,
    polarity: np.ndarray | pd.Series,
) -> np.ndarray:
    """LAIT quartile bands A-D (see the module docstring); None when neutral or missing."""
    value, q1, median, q3 = (np.asarray(x, dtype=float) for x in (value, q1, median, q3))
    polarity = np.asarray(polarity, dtype=object)
    with np.errstate(invalid="ignore"):
        interval = np.select([value <= q1, value <= median, value <= q3], [0, 1, 2], default=3)
    low = np.array(["A", "B", "C", "D"], dtype=object)
    band = np.where(polarity == "high_is_good", low[::-1][interval], low[interval])
    band = band.astype(object)
    band[np.isnan(value) | np.isnan(q1) | ~np.isin(polarity, ["high_is_good", "low_is_good"])] = (
        None
    )
    return band


def _as_frame(obj: object, loader) -> pd.DataFrame:
    return obj if isinstance(obj, pd.DataFrame) else loader(obj)


def benchmark_name(ind: Indicator) -> str | None:
    """The name an indicator's published figures go by in a benchmarks frame: its LAIT name,
    else (mapped to an EES file only) its id; None when it has no benchmark mapping."""
    b = ind.benchmark
    if b is None:
        return None
    return b.lait or (ind.id if b.ees is not None else None)


def gap_to(best: object, value: object, polarity: object) -> object:
    """How far `value` is behind `best` (positive: behind; 0 when level): best - value for
    high-is-good, value - best for low-is-good; NaN for neutral. Works on arrays too."""
    words = pd.Series(np.atleast_1d(np.asarray(polarity, dtype=object)))
    direction = words.map({"high_is_good": 1.0, "low_is_good": -1.0}).to_numpy(dtype=float)
    gap = (np.asarray(best, dtype=float) - np.asarray(value, dtype=float)) * direction
    scalar = not any(np.ndim(x) for x in (best, value, polarity))
    return float(gap[0]) if scalar else gap


def best_rule(min_size: float | None, size_name: str | None = "LACnum") -> str:
    """The rule for naming the best LA, in words (for tables, the CLI and the card)."""
    if not min_size:
        return "best LA: the best value of any authority (LAIT's plain rule)"
    return (
        f"best LA: the best value among authorities with at least {min_size:g} children "
        f"looked after at 31 March ({size_name}, that year or the latest before)"
    )


def latest_years(
    benchmarks: pd.DataFrame,
    la: str,
    indicators: list[str] | None = None,
    up_to: int | None = None,
) -> dict[str, int]:
    """Per indicator, the latest year (up to `up_to`) in which LA `la` has a published
    value; for an indicator where it has none, the latest year any LA has one (else the
    latest year with rows). Each indicator gets its own year: LAIT holds 2025-26 rows for
    some indicators only, so one year across all would leave most of them out."""
    return latest_years_of(benchmarks, [la], indicators, up_to)[0]


def latest_years_of(
    benchmarks: pd.DataFrame,
    las: list[str],
    indicators: list[str] | None = None,
    up_to: int | None = None,
) -> list[dict[str, int]]:
    """`latest_years` for each LA of `las` (in that order), the frame filtered once: a card
    asks for its own LA's years and for any LA's ('': none of its own)."""
    bm = benchmarks
    if indicators is not None:
        bm = bm[bm["indicator"].isin(indicators)]
    bm = bm[bm["year"].notna()]
    if up_to is not None:
        bm = bm[bm["year"] <= int(up_to)]
    years = bm.groupby("indicator", sort=False)["year"].max()
    valued = bm[bm["value"].notna()]
    if "level" in valued.columns:
        valued = valued[valued["level"] == "Local authority"]
    years.update(valued.groupby("indicator", sort=False)["year"].max())
    codes = valued["la_code"].astype("str")
    out = []
    for la in las:
        theirs = years.copy()
        theirs.update(valued[codes == str(la)].groupby("indicator", sort=False)["year"].max())
        out.append({str(k): int(v) for k, v in theirs.items()})
    return out


def benchmark_lookup(benchmarks: pd.DataFrame) -> LaLookup:
    """The authorities a benchmarks frame names (its local-authority rows' codes, names and
    regions), as an LA lookup (a frame without the loaders' columns: as `LaLookup.from_frame`
    reads it)."""
    columns = ["la_code", "new_la_code", "la_name", "region"]
    if not {"level", *columns} <= set(benchmarks.columns):
        return LaLookup.from_frame(benchmarks)
    la_rows = benchmarks.loc[benchmarks["level"] == "Local authority", columns]
    return LaLookup.from_frame(la_rows.drop_duplicates())


def published_averages(
    benchmarks: pd.DataFrame,
    la: str,
    years: list[int],
    neighbours: pd.DataFrame | None = None,
    indicators: list[str] | None = None,
    sn_stat: str = "mean",
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """England's published figure and the statistical neighbours' average for each
    indicator (benchmark names) in each of `years`, in one pass over the frame: the
    figures `compare(benchmarks, la, year, neighbours)` gives in `england` and `sn_value`,
    counts left out as compare leaves them out (`indicator, year, england, sn_value`).
    A year in which an indicator lists an LA twice is left out (compare refuses it)."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    by_lait = {benchmark_name(i): i for i in catalogue if benchmark_name(i)}
    wanted = list(pd.unique(benchmarks["indicator"])) if indicators is None else indicators
    # a count is never set beside other authorities' counts: no England or SN figure
    wanted = [w for w in wanted if w not in by_lait or by_lait[w].unit != "count"]
    data = benchmarks[benchmarks["indicator"].isin(wanted) & benchmarks["year"].isin(years)]
    twice = data.duplicated(["indicator", "la_code", "year"], keep=False)
    data = data[~data["year"].isin(data.loc[twice, "year"].unique())]
    scale = {
        w: by_lait[w].benchmark.scale
        for w in wanted
        if w in by_lait and by_lait[w].benchmark is not None
    }
    if scale:
        factor = data["indicator"].map(scale).astype("float64").fillna(1.0)  # float if empty
        data = data.assign(value=data["value"] * factor)
    keys = ["indicator", "year"]
    eng = data[data["la_code"] == "970"].drop_duplicates(keys).set_index(keys)["value"]
    out = eng.rename("england").to_frame()
    if neighbours is not None:
        nb_codes = list(neighbours.loc[neighbours["la_code"] == la, "neighbour_code"])
        las = data[data["level"] == "Local authority"]
        las = las[pd.to_numeric(las["la_code"], errors="coerce") < 970]
        near = las[las["la_code"].isin(nb_codes)].dropna(subset=["value"])
        g = near.groupby(keys)["value"]
        sn = (g.mean() if sn_stat == "mean" else g.median()).rename("sn_value")
        out = out.join(sn, how="outer")
    else:
        out["sn_value"] = np.nan
    return out.reset_index()[["indicator", "year", "england", "sn_value"]]


def compare(
    benchmarks: pd.DataFrame | str | Path | list,
    la: object,
    year: object = None,
    neighbours: pd.DataFrame | str | Path | None = None,
    indicators: list[str] | str | None = None,
    sn_stat: str = "mean",
    catalogue: Catalogue | None = None,
    polarity: object = None,
    la_lookup: object = None,
    *,
    min_size: float | None = MIN_SIZE,
    size_indicator: str = SIZE_INDICATOR,
    values: Mapping[str, float] | None = None,
    own_lookup: LaLookup | None = None,
) -> pd.DataFrame:
    """Benchmark `la` on each indicator (module docstring for every column).

    `benchmarks` is a benchmarks frame, or paths (LAIT, EES CSVs, folders: see
    `benchmark_panel`); `la` is '886', 886, 'E10000016' or a name (an authority no source
    knows raises `UnknownLAError`, a KeyError, naming close matches); `year` is the year the
    period ends (2025, or a label such as '2024-25'), or None for each indicator's latest
    year with a value for the LA; `neighbours` a `load_neighbours` frame or path (None: no
    SN columns); `indicators` LAIT names or catalogue ids (default: every indicator with
    data); `la_lookup` resolves codes and names the files do not carry. `min_size` is the
    smallest number of children looked after an authority needs to be named best LA
    (None or 0: LAIT's plain rule); `values` (indicator or catalogue id -> our current
    value) adds where that value would stand in the year's distribution. `own_lookup` is
    `benchmark_lookup(benchmarks)` when the caller has it already (a card compares several
    years of one frame).
    """
    if sn_stat not in ("mean", "median"):
        raise ValueError(f"sn_stat must be 'mean' (LAIT) or 'median', not {sn_stat!r}.")
    catalogue = load_catalogue() if catalogue is None else catalogue
    bm = (
        benchmarks
        if isinstance(benchmarks, pd.DataFrame)
        else benchmark_panel(benchmarks, catalogue=catalogue, la_lookup=la_lookup)
    )
    lookup = own_lookup if own_lookup is not None else benchmark_lookup(bm)
    if la_lookup is not None:
        lookup = lookup.plus(la_lookup)
    try:
        code = lookup.resolve(la)
    except UnknownLAError:  # not in the files: an English LA they lack, or a misspelling
        lookup = lookup.plus(LaLookup.bundled())
        code = lookup.resolve(la)
    available = set(pd.unique(bm["indicator"]))
    yr = None
    if year is not None:
        yr = int(year) if isinstance(year, int | np.integer) else year_from_label(year)
        if yr is None:
            raise ValueError(f"year {year!r} not understood; use 2025 or '2024-25'.")
    by_lait = {benchmark_name(i): i for i in catalogue if benchmark_name(i)}
    pol_map, no_quartile, counted = read_dictionary(polarity)

    # which indicators, and how they map to the catalogue
    if indicators is None:
        scope = bm if yr is None else bm[bm["year"] == yr]
        wanted = list(pd.unique(scope["indicator"]))
        ids = {w: (by_lait[w].id if w in by_lait else None) for w in wanted}
    else:
        wanted, ids = _wanted(indicators, catalogue, available, by_lait)
    years = {w: yr for w in wanted} if yr is not None else latest_years(bm, code, wanted)
    data = bm[bm["indicator"].isin(wanted)]
    data = data[_of_their_years(data, years)].copy()
    if data.empty:
        scope = bm["indicator"].isin(wanted) if wanted else bm["indicator"].notna()
        present = sorted(bm.loc[scope, "year"].dropna().unique())
        raise ValueError(
            f"no benchmark data for {yr} on {len(wanted) or 'any'} indicator(s); years present: "
            f"{[int(y) for y in present][-12:]}"
        )
    twice = data.duplicated(["indicator", "la_code"], keep=False)
    if twice.any():
        first = data[twice].iloc[0]
        labels = sorted(
            data.loc[twice & (data["indicator"] == first["indicator"]), "year_label"].unique()
        )
        raise ValueError(
            f"{first['indicator']!r} has more than one value for LA {first['la_code']} in "
            f"{years[first['indicator']]} (period labels {labels}); filter the benchmarks "
            "frame on `year_label` first."
        )
    scale = {
        w: catalogue.get(ids[w]).benchmark.scale
        for w in wanted
        if ids.get(w) and catalogue.get(ids[w]).benchmark is not None
    }
    if scale:
        data["value"] = data["value"] * data["indicator"].map(scale).fillna(1.0)

    def pol_of(name: str) -> str:
        if name in pol_map:
            return pol_map[name]
        if ids.get(name):
            return catalogue.get(ids[name]).polarity
        return "neutral"

    out = pd.DataFrame({"indicator": wanted})
    out["catalogue_id"] = out["indicator"].map(ids)
    out["polarity"] = out["indicator"].map(pol_of)
    out["year"] = out["indicator"].map(years).astype("Int64")
    out["la_code"] = code
    out["la_name"] = lookup.name(code)
    out = out.set_index("indicator", drop=False)
    is_count = out["indicator"].isin(counted) | out["catalogue_id"].map(
        lambda i: isinstance(i, str) and catalogue.get(i).unit == "count"
    ).astype(bool)

    las = data[data["level"] == "Local authority"]
    las = las[pd.to_numeric(las["la_code"], errors="coerce") < 970]
    vals = las.dropna(subset=["value"])
    own = las[las["la_code"] == code].drop_duplicates("indicator").set_index("indicator")
    out["la_value"] = own["value"].reindex(out.index)
    out["la_status"] = own["status"].reindex(out.index)
    eng = data[data["la_code"] == "970"].drop_duplicates("indicator").set_index("indicator")
    out["england"] = eng["value"].reindex(out.index)

    # the LA's region's published row (normalised names: 'Inner London' ~ 'London (Inner)')
    region_name = own["region"].dropna()
    reg = region_name.iloc[0] if len(region_name) else None
    if reg is None:
        reg_rows = lookup.frame.loc[lookup.frame["la_code"] == code, "region"].dropna()
        reg = reg_rows.iloc[0] if len(reg_rows) else None
    out["region_name"] = reg
    regional = data[data["level"] == "Regional"]
    reg_rows = regional[regional["la_name"].map(normalise_name) == normalise_name(reg)]
    out["region"] = (
        reg_rows.drop_duplicates("indicator").set_index("indicator")["value"].reindex(out.index)
    )

    # all-LA distribution: quartiles (type 7), n, best
    grouped = vals.groupby("indicator")["value"]
    quart = grouped.quantile([0.25, 0.5, 0.75]).unstack()
    out["q1"] = quart.get(0.25, pd.Series(dtype=float)).reindex(out.index)
    out["median"] = quart.get(0.5, pd.Series(dtype=float)).reindex(out.index)
    out["q3"] = quart.get(0.75, pd.Series(dtype=float)).reindex(out.index)
    out["n_las"] = grouped.size().reindex(out.index).fillna(0).astype(int)
    band = quartile_band(out["la_value"], out["q1"], out["median"], out["q3"], out["polarity"])
    band[out["indicator"].isin(no_quartile).to_numpy()] = None
    out["quartile_band"] = pd.Series(band, index=out.index, dtype=object)

    signed = _signed(vals, out["polarity"])
    ranks = signed.groupby("indicator")["score"].rank(method="min")
    own_rank = ranks[signed["la_code"] == code]
    out["rank"] = (
        pd.Series(own_rank.to_numpy(), index=signed.loc[own_rank.index, "indicator"].to_numpy())
        .reindex(out.index)
        .astype("Int64")
    )
    size_name = _size_name(size_indicator, catalogue)
    eligible, size_note = _eligible(bm, signed, size_name, min_size)
    # an indicator none of whose authorities has a size that year or before: the sizes
    # start later (EES's from 2021), not 'no authority is large enough'
    sizeless = set(signed["indicator"]) - set(signed.loc[eligible.notna(), "indicator"])
    eligible = eligible.fillna(False).astype(bool)
    best = _best(signed[eligible])
    out["best_value"] = best["value"].reindex(out.index)
    out["best_la"] = best["la_name"].reindex(out.index)

    # our current values placed in each year's distribution (our published one replaced)
    out["value"] = _current_values(values, out, ids)
    out["value_quartile_band"], out["value_rank"] = _placed(out, vals, code, no_quartile)
    # with no published figure of our own, our current value joins the others: the
    # authorities ranked are one more than those that published (rank 58 of 152, not 151)
    joined = out["la_value"].isna() & out["value_rank"].notna()
    out.loc[joined, "n_las"] = out.loc[joined, "n_las"] + 1

    # statistical neighbours
    out["sn_stat"] = sn_stat
    if neighbours is not None:
        nb = _as_frame(neighbours, load_neighbours)
        nb_codes = list(nb.loc[nb["la_code"] == code, "neighbour_code"])
        if not nb_codes:
            raise KeyError(
                f"LA {code} has no statistical neighbours in the list given "
                f"({nb['la_code'].nunique()} LAs listed)."
            )
        nvals = vals[vals["la_code"].isin(nb_codes)]
        g = nvals.groupby("indicator")["value"]
        out["sn_value"] = (g.mean() if sn_stat == "mean" else g.median()).reindex(out.index)
        out["sn_count"] = g.size().reindex(out.index).fillna(0).astype(int)
        nbest = _best(signed[signed["la_code"].isin(nb_codes)])
        out["best_neighbour_value"] = nbest["value"].reindex(out.index)
        out["best_neighbour"] = nbest["la_name"].reindex(out.index)
    else:
        out["sn_value"] = np.nan
        out["sn_count"] = 0
        out["best_neighbour_value"] = np.nan
        out["best_neighbour"] = None
    out["gap_to_best"] = gap_to(out["best_value"], out["la_value"], out["polarity"])
    out["gap_to_best_neighbour"] = gap_to(
        out["best_neighbour_value"], out["la_value"], out["polarity"]
    )
    neutral = out["polarity"] == "neutral"
    out.loc[neutral, ["best_la", "best_neighbour"]] = None
    out["note"] = None
    if min_size:
        unnamed = ~neutral & out["best_la"].isna() & (out["n_las"] > 0)
        out.loc[unnamed, "note"] = size_note or (
            f"best LA not named: no authority with at least {min_size:g} children looked "
            "after has a value"
        )
        no_size = unnamed & out["indicator"].isin(sizeless)
        out.loc[no_size, "note"] = [
            size_note
            or (
                f"best LA not named: the benchmark data has no {size_name} (children looked "
                f"after) for {y} or before, to tell authorities of at least {min_size:g} "
                "children from smaller ones"
            )
            for y in out.loc[no_size, "year"]
        ]
    # a count is never set beside other authorities' counts (LA's own figure only)
    count_cols = [c for c in COLUMNS if c in _COMPARED]
    for col in count_cols:
        out[col] = out[col].mask(is_count)
    out.loc[is_count, "sn_count"] = 0
    out.loc[is_count, ["quartile_band", "value_quartile_band", "best_la", "best_neighbour"]] = None
    out.loc[is_count, "note"] = (
        "a count: not compared with other authorities' counts (compare the rate per 10,000)"
    )
    return out[COLUMNS].reset_index(drop=True)


def _wanted(
    indicators: list[str] | str,
    catalogue: Catalogue,
    available: set[str],
    by_lait: Mapping[str, object],
) -> tuple[list[str], dict[str, str | None]]:
    """Benchmark names asked for (LAIT names or catalogue ids) and their catalogue ids."""
    items = [indicators] if isinstance(indicators, str) else list(indicators)
    wanted: list[str] = []
    ids: dict[str, str | None] = {}
    for item in items:
        if item in catalogue and item not in available:
            name = benchmark_name(catalogue.get(item))
            if name is None:
                raise KeyError(f"indicator {item!r} has no `benchmark` mapping in the catalogue.")
            wanted.append(name)
            ids[name] = item
        else:
            wanted.append(item)
            ids[item] = by_lait[item].id if item in by_lait else None
    missing = [w for w in wanted if w not in available]
    if missing:
        raise KeyError(
            f"no benchmark data for {missing}; the file has {len(available)} "
            "indicators (LAIT Short Desc names)."
        )
    return wanted, ids


def _of_their_years(data: pd.DataFrame, years: Mapping[str, int]) -> np.ndarray:
    """Rows of `data` whose year is their indicator's in `years` (none for an indicator
    without one): a test per distinct year (a handful), not a lookup per row of text."""
    names: dict[int, list[str]] = {}
    for name, year in years.items():
        names.setdefault(int(year), []).append(name)
    row_year = data["year"].astype("float64").to_numpy(na_value=np.nan)
    keep = np.zeros(len(data), dtype=bool)
    for year, named in names.items():
        keep |= data["indicator"].isin(named).to_numpy(dtype=bool) & (row_year == year)
    return keep


def _signed(vals: pd.DataFrame, polarity: pd.Series) -> pd.DataFrame:
    """LA values with ``score``: smaller = better (value for low-is-good, -value for
    high-is-good); neutral indicators are dropped."""
    words = vals["indicator"].map(polarity).astype(object)
    sign = words.map({"high_is_good": -1.0, "low_is_good": 1.0}).astype("float64")
    return vals.assign(score=vals["value"].astype("float64") * sign).dropna(subset=["score"])


def _size_name(size_indicator: str, catalogue: Catalogue) -> str:
    if size_indicator in catalogue:
        ind = catalogue.get(size_indicator)
        if ind.benchmark is not None and ind.benchmark.lait:
            return ind.benchmark.lait
    return size_indicator


def _eligible(
    bm: pd.DataFrame, signed: pd.DataFrame, size_name: str, min_size: float | None
) -> tuple[pd.Series, str | None]:
    """Which LA rows may be named best: their size (children looked after at 31 March in
    the row's year, or the latest year before with a published figure) is at least
    `min_size`. An LA without a published size is not eligible: its size is unknown (the
    smallest authorities are the ones DfE suppresses); such rows are NA (missing) in the
    answer, so a caller can tell 'too small' from 'no size'."""
    if not min_size:
        return pd.Series(True, index=signed.index), None
    sizes = bm[(bm["indicator"] == size_name) & bm["value"].notna() & bm["year"].notna()]
    if sizes.empty:
        note = (
            f"best LA not named: the benchmark data has no {size_name} (children looked "
            f"after) to tell authorities of at least {min_size:g} children from smaller ones"
        )
        return pd.Series(False, index=signed.index), note
    sizes = sizes[["la_code", "year", "value"]].sort_values("year")
    need = signed[["la_code", "year"]].astype({"year": "int64"}).reset_index()
    need = need.sort_values("year")
    got = pd.merge_asof(
        need,
        sizes.astype({"year": "int64"}).rename(columns={"value": "size"}),
        on="year",
        by="la_code",
        direction="backward",
    ).set_index("index")
    size = got["size"].reindex(signed.index)
    return (size >= float(min_size)).astype("boolean").mask(size.isna()), None


def _current_values(
    values: Mapping[str, float] | None, out: pd.DataFrame, ids: Mapping[str, str | None]
) -> pd.Series:
    """Our current value per row (keys: benchmark names or catalogue ids)."""
    if not values:
        return pd.Series(np.nan, index=out.index, dtype="float64")
    by_id = {v: k for k, v in ids.items() if v}
    named = {by_id.get(k, k): v for k, v in values.items()}
    return pd.to_numeric(pd.Series(named, dtype="object"), errors="coerce").reindex(out.index)


def _placed(
    out: pd.DataFrame, vals: pd.DataFrame, code: str, no_quartile: set[str]
) -> tuple[pd.Series, pd.Series]:
    """Band and rank our current value would take in each indicator's distribution of
    that year, our own published value replaced by it: quartiles (type 7) and right-closed
    bands as LAIT computes them, rank 1 + the authorities strictly better."""
    mine = out.loc[out["value"].notna(), ["indicator", "value"]].reset_index(drop=True)
    if mine.empty:
        return pd.Series(None, index=out.index, dtype=object), pd.Series(
            pd.NA, index=out.index, dtype="Int64"
        )
    others = vals.loc[vals["la_code"] != code, ["indicator", "value"]]
    dist = pd.concat([others, mine], ignore_index=True)
    quart = dist.groupby("indicator")["value"].quantile([0.25, 0.5, 0.75]).unstack()
    q = {p: quart.get(p, pd.Series(dtype=float)).reindex(out.index) for p in (0.25, 0.5, 0.75)}
    band = quartile_band(out["value"], q[0.25], q[0.5], q[0.75], out["polarity"])
    band[out["indicator"].isin(no_quartile).to_numpy()] = None
    scored = _signed(others, out["polarity"])
    ours = _signed(mine, out["polarity"]).set_index("indicator")["score"]
    if ours.empty:  # every value given is of an indicator where neither way is better
        return pd.Series(band, index=out.index, dtype=object), pd.Series(
            pd.NA, index=out.index, dtype="Int64"
        )
    better = (scored["score"] < scored["indicator"].map(ours)).groupby(scored["indicator"]).sum()
    rank = (better.reindex(ours.index).fillna(0) + 1).astype("Int64")
    return pd.Series(band, index=out.index, dtype=object), rank.reindex(out.index)


def _best(signed: pd.DataFrame) -> pd.DataFrame:
    """Per indicator, the best value (smallest signed score) and who holds it: every
    authority that ties for it, by name ('A and B'; 'A, B and 3 others' beyond two)."""
    if signed.empty:
        return pd.DataFrame(columns=["value", "la_name"])
    ordered = signed.sort_values(["indicator", "score", "la_name"], kind="stable")
    top = ordered["score"] == ordered.groupby("indicator")["score"].transform("min")
    tied = ordered.loc[top].groupby("indicator", sort=False)
    best = tied[["value"]].first()
    best["la_name"] = tied["la_name"].agg(_names)
    return best


def _names(names: pd.Series) -> str:
    """Authorities that tie, by name: 'A', 'A and B', 'A, B and 3 others'."""
    listed = [str(n) for n in names]
    if len(listed) <= 2:
        return " and ".join(listed)
    rest = len(listed) - 2
    return f"{listed[0]}, {listed[1]} and {rest} other{'s' if rest > 1 else ''}"
