"""Periods of care: who enters care, when, at what age, for how long and how they leave.

Entries are drawn for every authority at once; a share of children who went home come back
(a second period starting RNE S); each authority is thinned to its looked-after target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .arrays import add_years, choice, no_leap_day, object_frame

_MEAN_STAY_YEARS = 2.3  # rough mean length of a period of care, to size the entry stream
_OVERSAMPLE = 1.3  # entries drawn in excess, then thinned to hit each LA's looked-after target

AGE_BANDS_Y = np.array([0.0, 1.0, 5.0, 10.0, 16.0, 17.95])
_ENTRY_AGE_P = np.array([0.20, 0.15, 0.15, 0.36, 0.14])  # DfE starts by age band, roughly
_SHORT_P = np.array([0.12, 0.18, 0.20, 0.26, 0.34])  # short stays (weeks) by age band
_ADOPT_P = np.array([0.55, 0.30, 0.03, 0.0, 0.0])  # adoption track among longer stays

_REC_AT18 = (["E17", "E5", "E6", "E8", "E9"], [0.18, 0.45, 0.07, 0.27, 0.03])
_REC_YOUNG = (
    ["E4A", "E13", "E41", "E45", "E46", "E47", "E48", "E8", "E4B", "E3"],
    [0.40, 0.15, 0.07, 0.10, 0.06, 0.03, 0.02, 0.07, 0.06, 0.04],
)
_REC_OLDER = (
    ["E4A", "E13", "E41", "E45", "E46", "E8", "E4B", "E5", "E6", "E9", "E3"],
    [0.25, 0.12, 0.04, 0.05, 0.03, 0.15, 0.06, 0.16, 0.05, 0.04, 0.05],
)


def _draw_stays(
    rng: np.random.Generator, start: np.ndarray, dob: np.ndarray, uasc: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """End day, REC and adoption flag of periods starting at `start` (day numbers)."""
    n = len(start)
    age_y = (start - dob) / 365.25
    band = np.clip(np.searchsorted(AGE_BANDS_Y, age_y, side="right") - 1, 0, 4)
    u = rng.random(n)
    short = u < _SHORT_P[band]
    adopt = ~short & (rng.random(n) < _ADOPT_P[band] / (1 - _SHORT_P[band]))
    dur = np.where(
        short,
        1 + rng.exponential(75, n),
        np.where(adopt, rng.lognormal(np.log(640), 0.3, n), rng.lognormal(np.log(1200), 0.95, n)),
    )
    # unaccompanied children mostly stay until 18; some transfer (E3) or are age-assessed (E15)
    uk = rng.random(n)
    dur = np.where(uasc, np.where(uk < 0.10, 1 + rng.exponential(45, n), 20 * 365.0), dur)
    end = start + np.maximum(1, dur).astype(np.int64)
    dob18 = add_years(dob, 18)
    at18 = end >= dob18
    end = np.minimum(end, dob18)
    adopt &= ~at18
    age_end = (end - dob) / 365.25
    rec = np.where(
        age_end >= 16,
        choice(rng, *_REC_OLDER, n),
        choice(rng, *_REC_YOUNG, n),
    )
    rec = np.where(uasc & ~at18, np.where(uk < 0.07, "E3", "E15"), rec)
    rec = np.where(adopt, choice(rng, ["E11", "E12"], [0.7, 0.3], n), rec)
    rec = np.where(at18, choice(rng, *_REC_AT18, n), rec)
    return end, rec.astype(object), adopt


def draw_periods(
    rng: np.random.Generator, las: pd.DataFrame, scale: float, first: int, last: int
) -> pd.DataFrame:
    """Periods of care for every authority at once (one row per period).

    Entries are drawn from 18 years before the first year (so the stock at the start is
    realistic), stays from age-dependent mixtures, a share of children return to care after
    going home, then each authority's children are thinned to its looked-after target.
    """
    n_la = len(las)
    target = las["pop"].to_numpy() * las["cla_rate"].to_numpy() / 1e4 * scale
    t0 = first - int(18 * 365.25)
    span = last - t0 + 1
    lam = target / _MEAN_STAY_YEARS * (span / 365.25) * _OVERSAMPLE
    n_per = rng.poisson(lam)
    la = np.repeat(np.arange(n_la), n_per)
    n = len(la)
    start = t0 + (rng.random(n) * span).astype(np.int64)
    # entries rise by about 15% over the last 13 years (England's trend)
    ramp = np.clip((start - (last - 13 * 365)) / (13 * 365), 0, 1)
    keep = rng.random(n) < (1 + 0.15 * ramp) / 1.15
    la, start = la[keep], start[keep]
    n = len(la)
    uasc = rng.random(n) < las["uasc_share"].to_numpy()[la] * 1.8
    band = rng.choice(5, size=n, p=_ENTRY_AGE_P)
    age_y = AGE_BANDS_Y[band] + rng.random(n) * (AGE_BANDS_Y[band + 1] - AGE_BANDS_Y[band])
    age_y = np.where(uasc, 14.0 + 3.9 * rng.beta(2.5, 1.2, n), age_y)
    dob = no_leap_day(start - (age_y * 365.25).astype(np.int64))
    end, rec, adopt = _draw_stays(rng, start, dob, uasc)
    # some children who went home come back into care (a new period, RNE S)
    went_home = np.isin(rec, ["E4A", "E4B", "E13", "E8"]) & ((end - dob) / 365.25 < 16.5)
    back = went_home & (rng.random(n) < 0.22)
    gap = 1 + rng.lognormal(np.log(300), 0.9, n).astype(np.int64)
    s2 = end + gap
    back &= (s2 < add_years(dob, 18) - 30) & (s2 <= last)
    idx2 = np.flatnonzero(back)
    e2, r2, a2 = _draw_stays(rng, s2[idx2], dob[idx2], uasc[idx2])
    child = np.r_[np.arange(n), idx2]
    p = object_frame(
        {
            "la": np.r_[la, la[idx2]],
            "child": child,
            "start": np.r_[start, s2[idx2]],
            "end": np.r_[end, e2],
            "rec": np.r_[rec, r2],
            "adopt": np.r_[adopt, a2],
            "dob": np.r_[dob, dob[idx2]],
            "uasc": np.r_[uasc, uasc[idx2]],
        }
    )
    # thin each authority's children to its target number looked after on the last day
    at_last = (p["start"] <= last) & (p["end"] > last)
    stock = np.bincount(p["la"][at_last], minlength=n_la).astype(float)
    keep_p = np.minimum(1.0, target / np.maximum(stock, 1))
    keep_child = rng.random(n) < keep_p[la]
    p = p[keep_child[p["child"].to_numpy()]]
    # keep children with a period touching the data years
    p = p[p["end"] >= first - 4 * 365]  # recent leavers stay: they are in OC3
    p = p.sort_values(["la", "child", "start"], kind="stable").reset_index(drop=True)
    p["open"] = p["end"] > last
    return p
