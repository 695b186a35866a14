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
  and neutral indicators are unranked.
* ``sn_value``: the mean (LAIT; ``sn_stat='mean'``) or median (DfE dashboard) of the
  neighbours' values, NaN dropped, with ``sn_count`` neighbours that had a value.
* ``best_value`` / ``best_la``: the best LA value that year and which LA holds it (ties:
  the first by name); ``best_neighbour_value`` / ``best_neighbour`` likewise among the
  neighbours. ``gap_to_best`` and ``gap_to_best_neighbour`` are signed so that a positive
  number is how far the LA is behind (best - LA for high-is-good, LA - best for
  low-is-good); 0 when the LA is the best.
* ``england``: the England row (970); ``region``: the published value of the LA's region
  (a London borough gets Inner or Outer London, as in LAIT's own LA rows).

Polarity comes from `polarity=` (a mapping of indicator -> High/Low/- or high_is_good/
low_is_good/neutral, or a path to LAIT's lait_data_dictionary.csv), else from the catalogue
(our indicators matched by their ``benchmark.lait`` name), else neutral.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .benchmark_loaders import (
    BenchmarkFileError,
    catalogue_benchmarks,
    ees_series,
    load_benchmarks,
    load_neighbours,
    year_from_label,
)
from .catalogue import Catalogue, load_catalogue
from .la_lookup import LaLookup, normalise_name

__all__ = [
    "BenchmarkFileError",
    "catalogue_benchmarks",
    "compare",
    "ees_series",
    "load_benchmarks",
    "load_neighbours",
    "quartile_band",
    "read_polarity",
]

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
    "best_value",
    "best_la",
    "best_neighbour_value",
    "best_neighbour",
    "gap_to_best",
    "gap_to_best_neighbour",
]


def read_polarity(source: object) -> tuple[dict[str, str], set[str]]:
    """(indicator -> polarity word, indicators without quartiles) from a mapping or LAIT's
    data dictionary (Measure_short, Polarity High/Low/-, No_Quartile N)."""
    if source is None:
        return {}, set()
    if isinstance(source, dict):
        return {k: _polarity_word(v) for k, v in source.items()}, set()
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
    return pol, no_q


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


def compare(
    benchmarks: pd.DataFrame | str | Path,
    la: object,
    year: object,
    neighbours: pd.DataFrame | str | Path | None,
    indicators: list[str] | str | None = None,
    sn_stat: str = "mean",
    catalogue: Catalogue | None = None,
    polarity: object = None,
    la_lookup: object = None,
) -> pd.DataFrame:
    """Benchmark `la` in `year` on each indicator (module docstring for every column).

    `benchmarks` is a `load_benchmarks` frame or path; `la` is '886', 886, 'E10000016' or a
    name; `year` is the year the period ends (2025, or a label such as '2024-25');
    `neighbours` a `load_neighbours` frame or path (None: no SN columns); `indicators` LAIT
    names or catalogue ids (default: every indicator with data that year); `la_lookup`
    (old_la_codes.csv, an EES file, a frame) resolves 9-character codes and names the
    benchmarks file does not carry.
    """
    if sn_stat not in ("mean", "median"):
        raise ValueError(f"sn_stat must be 'mean' (LAIT) or 'median', not {sn_stat!r}.")
    bm = _as_frame(benchmarks, load_benchmarks)
    la_rows = bm.loc[
        bm["level"] == "Local authority", ["la_code", "new_la_code", "la_name", "region"]
    ]
    lookup = LaLookup.from_frame(la_rows.drop_duplicates())
    if la_lookup is not None:
        extra = LaLookup.from_any(la_lookup).frame
        lookup = LaLookup(pd.concat([lookup.frame, extra], ignore_index=True))
    available = set(pd.unique(bm["indicator"]))
    code = lookup.code(la)
    yr = year if isinstance(year, int | np.integer) else year_from_label(year)
    if yr is None:
        raise ValueError(f"year {year!r} not understood; use 2025 or '2024-25'.")
    catalogue = load_catalogue() if catalogue is None else catalogue
    by_lait = {
        i.benchmark.lait: i for i in catalogue if i.benchmark is not None and i.benchmark.lait
    }
    pol_map, no_quartile = read_polarity(polarity)

    # which indicators, and how they map to the catalogue
    data = bm[bm["year"] == int(yr)]
    if indicators is None:
        wanted = list(pd.unique(data["indicator"]))
        ids = {w: (by_lait[w].id if w in by_lait else None) for w in wanted}
    else:
        items = [indicators] if isinstance(indicators, str) else list(indicators)
        wanted, ids = [], {}
        for item in items:
            if item in catalogue and item not in available:
                ind = catalogue.get(item)
                if ind.benchmark is None or not ind.benchmark.lait:
                    raise KeyError(f"indicator {item!r} has no `benchmark.lait` in the catalogue.")
                wanted.append(ind.benchmark.lait)
                ids[ind.benchmark.lait] = item
            else:
                wanted.append(item)
                ids[item] = by_lait[item].id if item in by_lait else None
        missing = [w for w in wanted if w not in available]
        if missing:
            raise KeyError(
                f"no benchmark data for {missing}; the file has {len(available)} "
                "indicators (LAIT Short Desc names)."
            )
    data = data[data["indicator"].isin(wanted)].copy()
    if data.empty:
        scope = bm["indicator"].isin(wanted) if wanted else bm["indicator"].notna()
        years = sorted(bm.loc[scope, "year"].dropna().unique())
        raise ValueError(
            f"no benchmark data for {yr} on {len(wanted) or 'any'} indicator(s); years present: "
            f"{[int(y) for y in years][-12:]}"
        )
    twice = data.duplicated(["indicator", "la_code"], keep=False)
    if twice.any():
        first = data[twice].iloc[0]
        labels = sorted(
            data.loc[twice & (data["indicator"] == first["indicator"]), "year_label"].unique()
        )
        raise ValueError(
            f"{first['indicator']!r} has more than one value for LA {first['la_code']} in "
            f"{yr} (period labels {labels}); filter the benchmarks frame on `year_label` first."
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
    out["year"] = int(yr)
    out["la_code"] = code
    out["la_name"] = lookup.name(code)
    out = out.set_index("indicator", drop=False)

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

    sign = (
        vals["indicator"].map(out["polarity"]).map({"high_is_good": -1.0, "low_is_good": 1.0})
    )  # smaller signed value = better
    signed = vals.assign(score=vals["value"] * sign).dropna(subset=["score"])
    ranks = signed.groupby("indicator")["score"].rank(method="min")
    own_rank = ranks[signed["la_code"] == code]
    out["rank"] = (
        pd.Series(own_rank.to_numpy(), index=signed.loc[own_rank.index, "indicator"].to_numpy())
        .reindex(out.index)
        .astype("Int64")
    )
    best = _best(signed)
    out["best_value"] = best["value"].reindex(out.index)
    out["best_la"] = best["la_name"].reindex(out.index)

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
    direction = out["polarity"].map({"high_is_good": 1.0, "low_is_good": -1.0})
    out["gap_to_best"] = (out["best_value"] - out["la_value"]) * direction
    out["gap_to_best_neighbour"] = (out["best_neighbour_value"] - out["la_value"]) * direction
    neutral = out["polarity"] == "neutral"
    out.loc[neutral, ["best_la", "best_neighbour"]] = None
    return out[COLUMNS].reset_index(drop=True)


def _best(signed: pd.DataFrame) -> pd.DataFrame:
    """Per indicator, the row with the best value (smallest signed score; ties by name)."""
    if signed.empty:
        return pd.DataFrame(columns=["value", "la_name"])
    ordered = signed.sort_values(["indicator", "score", "la_name"], kind="stable")
    return ordered.drop_duplicates("indicator").set_index("indicator")[["value", "la_name"]]
