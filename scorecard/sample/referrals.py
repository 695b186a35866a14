"""CIN census referrals: chains of referrals per child, the re-referral share steered per LA."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .arrays import choice_codes, group_start, object_frame, prepend

_SOURCES = (
    [
        "1A",
        "1B",
        "1C",
        "1D",
        "2A",
        "2B",
        "3A",
        "3B",
        "3C",
        "3D",
        "3E",
        "3F",
        "4",
        "5A",
        "5B",
        "5C",
        "5D",
        "6",
        "7",
        "8",
        "9",
        "10",
    ],
    [4, 2, 1, 1, 17, 2, 4, 3, 2, 1, 1, 4, 2, 4, 1, 8, 1, 29, 1, 6, 1, 5],
)
_NEED = (["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"], [55, 5, 3, 20, 2, 4, 1, 4, 6])
_CLOSE = (
    ["RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"],
    [0.5, 0.2, 1, 1.5, 3, 1, 40, 30, 22.8],
)
_REPEAT_P = 0.36  # chance that a child referred is referred again


def draw_referrals(
    rng: np.random.Generator,
    las: pd.DataFrame,
    scale: float,
    first: int,
    last: int,
    cla_la: np.ndarray,
    cla_child: np.ndarray,
    cla_start: np.ndarray,
) -> pd.DataFrame:
    """CIN census referrals: chains of referrals per child, re-referral share steered per LA.

    Children in need (ids from 5,000,000 within each LA) plus a referral shortly before most
    periods of care of looked-after children (their own ids). Day numbers for dates.
    """
    n_la = len(las)
    hist = first - 365  # one year of history so the first window sees earlier referrals
    chain0 = first - 3 * 365
    per_year = las["pop"].to_numpy() * 0.052 * scale
    mean_n = 1 / (1 - _REPEAT_P)
    n_kids = rng.poisson(per_year * (last - chain0) / 365.25 / mean_n)
    la = np.repeat(np.arange(n_la), n_kids)
    n = len(la)
    k = np.minimum(rng.geometric(1 - _REPEAT_P, n), 10)
    ri = np.repeat(np.arange(n), k)
    first_ref = group_start(ri)
    r_soon = np.clip(las["reref"].to_numpy() / 100 / _REPEAT_P * 1.05, 0.05, 0.95)[la[ri]]
    soon = rng.random(len(ri)) < r_soon
    gap = np.where(soon, rng.integers(7, 360, len(ri)), 366 + rng.exponential(800, len(ri)))
    gap = np.where(first_ref, 0, gap).astype(np.int64)
    t = chain0 + (rng.random(n) * (last - chain0)).astype(np.int64)
    csum = np.cumsum(gap)
    base = np.maximum.accumulate(np.where(first_ref, csum, 0))
    day = t[ri] + csum - base
    la_r = la[ri]
    # ids within each LA: children counted per LA from 5,000,000
    first_kid_of_la = prepend(0, np.cumsum(n_kids)[:-1])
    child_id = (5_000_000 + (np.arange(n) - first_kid_of_la[la]))[ri]
    # looked-after children: a referral shortly before most periods of care
    c = (cla_start >= hist) & (rng.random(len(cla_start)) < 0.85)
    day_c = cla_start[c] - rng.integers(0, 60, int(c.sum()))
    la_all = np.r_[la_r, cla_la[c]]
    child_all = np.r_[child_id, cla_child[c]]
    day_all = np.r_[day, day_c]
    keep = (day_all >= hist) & (day_all <= last)
    la_all, child_all, day_all = la_all[keep], child_all[keep], day_all[keep]
    order = np.lexsort((day_all, child_all, la_all))  # integer sort: fast at national scale
    la_all, child_all, day_all = la_all[order], child_all[order], day_all[order]
    m = len(day_all)
    nfa = rng.random(m) < 0.08
    length = np.where(nfa, rng.integers(0, 6, m), 1 + rng.lognormal(np.log(110), 0.9, m))
    close = day_all + length.astype(np.int64)
    # a child's referral is closed by the day of their next one at the latest: a child is
    # not referred again while a referral is open (the CIN census refuses overlapping CIN
    # episodes, and the loading checks name them)
    next_of_child = np.r_[(child_all[1:] == child_all[:-1]) & (la_all[1:] == la_all[:-1]), False]
    next_day = np.r_[day_all[1:], last + 1]
    close = np.where(next_of_child, np.minimum(close, next_day), close)
    reason = choice_codes(rng, *_CLOSE, m)
    rc8 = reason.categories.get_loc("RC8")
    still_open = close > last
    reason_code = np.where(still_open, -1, np.where(nfa, rc8, reason.codes))
    return object_frame(
        {
            "la": la_all,
            "child": child_all,
            "day": day_all,
            "close": np.where(still_open, -1, close),
            "ReasonForClosure": pd.Categorical.from_codes(reason_code, reason.categories),
            "ReferralSource": choice_codes(rng, *_SOURCES, m),
            "PrimaryNeedCode": choice_codes(rng, *_NEED, m),
            "ReferralNFA": pd.Categorical.from_codes(nfa.astype(np.int8), ["0", "1"]),
        }
    )
