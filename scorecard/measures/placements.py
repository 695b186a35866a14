"""Placement stability: placements in the year (short term) and long-term stability.

Both work on the placement sequence of `scorecard.placements` (which episodes start a new
placement, and since when a child has lived in the current one), for all reference dates at
once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..breakdowns import add_breakdowns, summarise
from ..care import children, expand, looked_after_at
from ..dataset import Dataset
from ..periods import DATE_DTYPE, age_in_years, months_before, window_start
from ..placements import SAME_CARER_REASONS, placement_sequence
from ..registry import measure


def placements_in_window(
    ds: Dataset,
    at: pd.DatetimeIndex,
    same_carer_reasons: list[str] | tuple[str, ...] = SAME_CARER_REASONS,
) -> pd.DataFrame:
    """Placements each child had in the 12-month window ending at each date.

    Counted over the child's episodes overlapping the window (DECOM <= at and (DEC blank or
    DEC > ws)) in DECOM order: the first non-temporary one counts 1, each later one counts 1
    when it starts a placement. Returns `period_end`, `cid`, `placements` for every child with
    at least one such episode.
    """
    seq = placement_sequence(ds, same_carer_reasons)
    ats = np.asarray(at, dtype=DATE_DTYPE)
    rows, ks = expand(seq["DECOM"], seq["DEC"], ats, window_start(at))
    # (episode, date) pairs in episode order; a stable sort by date keeps each child's
    # episodes together and in DECOM order within every date
    order = np.argsort(ks, kind="stable")
    rows, ks = rows[order], ks[order]
    cid = seq["cid"].to_numpy()[rows]
    n_cid = int(cid.max()) + 1 if cid.size else 1
    key = ks * n_cid + cid
    non_temp = ~seq["temporary"].to_numpy()[rows]
    # the first non-temporary episode of each (date, child)
    nt_key = key[non_temp]
    first_nt = np.zeros(rows.size, dtype=bool)
    first_nt[np.flatnonzero(non_temp)] = np.r_[True, nt_key[1:] != nt_key[:-1]]
    # a placement start is never temporary, so it is the first non-temporary one or later
    counts = first_nt | seq["starts_placement"].to_numpy()[rows]
    total = pd.Series(counts.astype("int64")).groupby(key).sum()
    keys = total.index.to_numpy()
    return pd.DataFrame(
        {
            "period_end": ats[keys // n_cid],
            "cid": keys % n_cid,
            "placements": total.to_numpy(),
        }
    )


@measure()
def placement_moves(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    min_placements: int = 3,
    same_carer_reasons: list[str] = SAME_CARER_REASONS,
) -> pd.DataFrame:
    """Percent of children looked after at `at` with `min_placements` or more placements in
    the 12 months to `at` (DfE short-term placement stability)."""
    units = looked_after_at(ds, at)
    counted = placements_in_window(ds, at, same_carer_reasons)
    units = units.merge(counted, on=["period_end", "cid"], how="left")
    placements = units["placements"].fillna(0).to_numpy()
    units = units.assign(num=(placements >= min_placements).astype("int64"), den=1)
    units = add_breakdowns(ds, units, by, indicator="placement stability (short term)")
    return summarise(units, at, by, "percent")


@measure()
def long_term_stability(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    max_age: int = 16,
    care_months: int = 30,
    tenure_months: int = 24,
    same_carer_reasons: list[str] = SAME_CARER_REASONS,
) -> pd.DataFrame:
    """Percent of children looked after at `at`, under `max_age`, in their current period of
    care for `care_months` or more, whose placement tenure is `tenure_months` or more."""
    seq = placement_sequence(ds, same_carer_reasons)
    units = looked_after_at(ds, at)
    ats = pd.DatetimeIndex(np.asarray(at, dtype=DATE_DTYPE))
    k = ats.get_indexer(pd.DatetimeIndex(units["period_end"]))
    care_cutoff = np.asarray(months_before(ats, care_months), dtype=DATE_DTYPE)[k]
    tenure_cutoff = np.asarray(months_before(ats, tenure_months), dtype=DATE_DTYPE)[k]
    dob = children(ds)["DOB"].to_numpy()[units["cid"].to_numpy()]
    age = age_in_years(dob, units["period_end"])
    start = np.asarray(units["period_start"], dtype=DATE_DTYPE)
    cohort = ~np.isnan(age) & (age < max_age) & (start <= care_cutoff)
    units = units.loc[cohort].reset_index(drop=True)
    tenure = seq["tenure_start"].to_numpy()[units["ep"].to_numpy()]
    units = units.assign(num=(tenure <= tenure_cutoff[cohort]).astype("int64"), den=1)
    units = add_breakdowns(ds, units, by, indicator="placement stability (long term)")
    return summarise(units, at, by, "percent")
