"""Length of time in care: of children who left, and so far for children in care.

SPEC section 5, `time_in_care_ceased` (mean), `time_in_care_ceased_median` and
`time_in_care_current`.

- **Ceased cohort** (`leavers`): children with an episode whose REC is not X1 and whose DEC
  falls in the 12-month window ending at `at` (both ends inclusive). An X1 ending is not a
  ceasing: the period of care goes on. A child who ceased more than once in the window counts
  once, for the last time (latest DEC). The same cohort serves `ceased_in_window` and
  `leavers_share` (population.py), so "children who left" means one thing everywhere.
- **Days in care**: DEC of the ceasing episode minus the first DECOM of its period of care
  (`care.episodes`), in days; for children still looked after, `at` minus the period start.
- Breakdowns: `age_band` is the age at leaving for the ceased cohort (age at `at` for the
  current one), `age_at_entry_band` the age at the start of that period of care, `uasc`
  UASC at any time in that period of care for leavers (a UASC's status usually ends on the
  18th birthday, the day they leave, so the leaving day would hide them; SPEC section 5) and
  on `at` for the current one, `district` the HOME_POST of the ceasing (current) episode.
- **Lower bounds**: a period whose first episode in the data is not RNE S began before the
  data, so its days are a lower bound; the figure counts such children (`lower_bound`, the
  `note` of compute) and each unit says so.

Decisions: an episode with a DEC but a blank REC counts as a ceasing ("REC not X1", taken
literally; the loaders report the blank REC as a data-quality problem). V3/V4 short-break
episodes never count (`care.episodes` drops them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..breakdowns import add_breakdowns
from ..care import (
    CONTINUES,
    EPISODE_CORE,
    POSITION,
    episode_column,
    episode_index,
    events_in_windows,
    looked_after_at,
    n_children,
)
from ..dataset import Dataset
from ..periods import DATE_DTYPE
from ..registry import measure
from .facts import LOWER_BOUND, period_lower_bound, with_facts

STATS = ("mean", "median")


def _check_stat(stat: str, name: str) -> str:
    if stat not in STATS:
        raise ValueError(f"{name}: stat must be one of {', '.join(STATS)}, not {stat!r}.")
    return stat


def ceasings(ds: Dataset) -> pd.DataFrame:
    """Episodes that end a period of care (REC not X1 and DEC recorded), sorted by DEC.

    Columns: `ep` (row in `care.episode_index(ds)`), `cid`, `period_id` (the three as
    `care.POSITION`), `period_start`, `left` (DEC) and `REC` (categorical, so that taking
    rows stays cheap). Cached per dataset.
    """

    def build() -> pd.DataFrame:
        e = episode_index(ds)
        rec = episode_column(ds, "REC")
        continues = (rec == CONTINUES).fillna(False).to_numpy(dtype=bool)
        dec = np.asarray(e["DEC"], dtype=DATE_DTYPE)
        ep = np.flatnonzero(~np.isnat(dec) & ~continues)
        ep = ep[np.argsort(dec[ep], kind="stable")].astype(POSITION)
        return pd.DataFrame(
            {
                "ep": ep,
                "cid": e["cid"].to_numpy()[ep],
                "period_id": e["period_id"].to_numpy()[ep],
                "period_start": np.asarray(e["period_start"], dtype=DATE_DTYPE)[ep],
                "left": dec[ep],
                "REC": pd.Categorical(rec.iloc[ep]),
            },
            copy=False,
        )

    return ds.cached("ceasings", build)


def leavers(ds: Dataset, at: pd.DatetimeIndex) -> pd.DataFrame:
    """Children who ceased to be looked after in the window ending at each date, the last time.

    One row per (period_end, cid): `period_end` (the reference date), `cid`, `ep` (row of the
    ceasing episode in `care.episodes`), `period_id`, `period_start` (start of that period of
    care), `left` (its DEC), `REC` (its reason), `days` (left - period_start) and `k` (the
    date's position in `at`). Cached per dataset and dates (four indicators share it).
    """
    dates = np.asarray(at, dtype=DATE_DTYPE)
    key = "leavers:" + dates.view("int64").tobytes().hex()
    return ds.cached(key, lambda: _leavers(ds, dates)).copy(deep=False)


def _leavers(ds: Dataset, dates: np.ndarray) -> pd.DataFrame:
    """Each child's last ceasing in the 12-month window ending at each date."""
    c = ceasings(ds)
    rows, ks = events_in_windows(c["left"], pd.DatetimeIndex(dates))
    # the last ceasing of each child in each window: ceasings are in DEC order, so a stable
    # sort by (date, child) keeps them in that order and the last of each is the latest
    key = ks * (n_children(ds) + 1) + (c["cid"].to_numpy()[rows] + 1)
    order = np.argsort(key, kind="stable")
    key = key[order]
    last = order[np.r_[key[1:] != key[:-1], True]] if len(key) else order
    units = c.take(rows[last]).reset_index(drop=True)
    units.insert(0, "period_end", dates[ks[last]])
    units["days"] = _days(units["left"], units["period_start"])
    units["k"] = ks[last].astype(POSITION)
    return units


def _days(end: pd.Series, start: pd.Series) -> np.ndarray:
    """Whole days from `start` to `end`, as float64."""
    delta = np.asarray(end, dtype=DATE_DTYPE) - np.asarray(start, dtype=DATE_DTYPE)
    return (delta / np.timedelta64(1, "D")).astype("float64")


def _stat(params: dict) -> str:
    return _check_stat(params["stat"], "time in care")


def leaver_facts(units: pd.DataFrame) -> pd.DataFrame:
    """The facts shown for each leaver: the day they ceased and why (REC)."""
    return with_facts(units, ceased=units["left"], REC=units["REC"].astype("string"))


@measure(
    stat=_stat,
    unit="child who ceased to be looked after",
    reads={"episodes": (*EPISODE_CORE, "RNE"), "header": ("CHILD", "DOB")},
    caveats={"lower_bound": LOWER_BOUND},
)
def time_in_care_ceased(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, detail: bool = False, stat: str = "mean"
) -> pd.DataFrame:
    """Days in the period of care of children who ceased in the window (last time); mean or
    median. Units: the leavers, each with its days in care (`value`), period start, the day
    they ceased and whether those days are a lower bound (the period began before the
    data)."""
    _check_stat(stat, "time_in_care_ceased")
    units = leavers(ds, at)
    units = units.assign(
        num=units["days"],
        den=1.0,
        lower_bound=period_lower_bound(ds, units["period_id"].to_numpy()),
    )
    units = add_breakdowns(
        ds,
        units,
        by,
        age_date="left",
        entry_date="period_start",
        uasc_date="period_start",
        indicator="time in care of children who ceased",
    )
    return leaver_facts(units) if detail else units


@measure(
    stat=_stat,
    unit="child looked after",
    reads={"episodes": (*EPISODE_CORE, "RNE"), "header": ("CHILD", "DOB")},
    caveats={"lower_bound": LOWER_BOUND},
)
def time_in_care_current(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, detail: bool = False, stat: str = "mean"
) -> pd.DataFrame:
    """Days from the start of the current period of care to `at`, for children looked after
    at `at`. Units: the children looked after, each with its days in care (`value`), period
    start and whether the days are a lower bound."""
    _check_stat(stat, "time_in_care_current")
    units = looked_after_at(ds, at)
    units = units.assign(
        num=_days(units["period_end"], units["period_start"]),
        den=1.0,
        lower_bound=period_lower_bound(ds, units["period_id"].to_numpy()),
    )
    units = add_breakdowns(
        ds,
        units,
        by,
        age_date="period_end",
        entry_date="period_start",
        indicator="time in care so far",
    )
    return units
