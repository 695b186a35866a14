"""Seeded synthetic sample: the fictional county of Wealdshire (LA 650) and pooled national data.

    python -m scorecard.sample [--out DIR] [--seed N]

`generate(seed, n_las=..., children_scale=..., years=...)` builds the SPEC section 3 tables in
memory; `write_sample(out_dir, seed)` writes them as councils' extracts look (CSV with
dd/mm/YYYY dates, the big tables as Parquet) plus a synthetic national benchmark panel in the
LAIT long layout and a synthetic statistical-neighbour list in `benchmarks/`.

Everything is drawn with numpy over whole arrays of periods of care, episodes and referrals
(no Python loop over children), so a pooled run of 150 authorities takes about a minute.
Nothing here is real: names, codes, postcodes and children are invented. The parameters are
tuned so that Wealdshire's headline indicators at 31 March 2025 sit near England's published
ones (3+ placements ~10%, long-term stability ~69%, re-referrals ~22%, NEET 19-21 ~40%, ~67
per 10,000, ~72% fostered, IRO caseload ~60, Attainment 8 ~20 against ~46 for all pupils).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from . import codes as code_lists

LAST_DAY = np.datetime64("2025-03-31", "D")
DAY0 = np.datetime64("1970-01-01", "D")
WEALDSHIRE = {"LA": "650", "new_code": "E10000650", "name": "Wealdshire", "region": "South East"}
WEALDSHIRE_POP = 268_700  # children aged 0-17, mid-2024: 1,800 looked after = 67 per 10,000
WEALDSHIRE_CLA = 1_800
_WEALDSHIRE_RATE = WEALDSHIRE_CLA / WEALDSHIRE_POP * 1e4

_MEAN_STAY_YEARS = 2.3  # rough mean length of a period of care, to size the entry stream
_OVERSAMPLE = 1.3  # entries drawn in excess, then thinned to hit each LA's looked-after target

DISTRICTS: dict[str, list[int]] = {
    "Ashcombe": [1, 2, 3],
    "Bramleigh": [4, 5],
    "Caxford": [6, 7, 8],
    "Dunmere": [9, 10],
    "Elmhurst": [11, 12, 13],
    "Fallowfield": [14, 15],
    "Greywater": [16, 17, 18],
    "Hollins Vale": [19, 20],
    "Kingsbrook": [21, 22, 23],
    "Longmere": [24, 25],
    "Marsden Weald": [26, 27, 28],
    "Northby": [29, 30],
}
# shares of the population (and so of children entering care) by district
_DISTRICT_WEIGHT = np.array([12, 6, 11, 7, 10, 6, 9, 6, 12, 7, 9, 5], dtype=float)

REGIONS = [  # (name, LAIT region label of its LAs, LAIT region number, count of authorities)
    ("North East", "North East", 980, 12),
    ("North West", "North West", 981, 23),
    ("Yorkshire and The Humber", "Yorkshire and The Humber", 982, 15),
    ("East Midlands", "East Midlands", 983, 10),
    ("West Midlands", "West Midlands", 984, 14),
    ("East of England", "East of England", 985, 11),
    ("London", "London", 986, 32),
    ("South East", "South East", 989, 19),
    ("South West", "South West", 990, 14),
]


# ----------------------------------------------------------------------------- small helpers


def _days(d: np.datetime64 | str) -> int:
    """Day number (days since 1970-01-01)."""
    return int((np.datetime64(d, "D") - DAY0).astype(np.int64))


def _to_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers (NaN/-1 sentinel = blank) to datetime64[ns]."""
    days = np.asarray(days)
    out = (DAY0 + np.where(days < 0, 0, days).astype("timedelta64[D]")).astype("datetime64[ns]")
    out[days < 0] = np.datetime64("NaT")
    return out


def _add_years(dob: np.ndarray, years: int | np.ndarray) -> np.ndarray:
    """Day number of the birthday `years` after `dob` (day numbers; no 29 Feb DOBs here)."""
    d = DAY0 + dob.astype("timedelta64[D]")
    month = d.astype("datetime64[M]")
    offset = d - month.astype("datetime64[D]")
    out = (month + (12 * np.asarray(years)).astype("timedelta64[M]")).astype("datetime64[D]")
    return ((out + offset) - DAY0).astype(np.int64)


def _no_leap_day(days: np.ndarray) -> np.ndarray:
    """Move 29 February to 28 February (keeps birthday arithmetic simple)."""
    d = DAY0 + days.astype("timedelta64[D]")
    md = (d - d.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)
    leap = d.astype("datetime64[Y]").astype(np.int64) % 4 == 2  # 1972, 1976, ... (1970 + 2)
    return np.where(leap & (md == 59), days - 1, days)


def _frame(columns: dict[str, object]) -> pd.DataFrame:
    """A working frame that keeps object (string) arrays as object: converting them to pandas'
    arrow-backed `str` and back at every step is the slow part of a national run."""
    return pd.DataFrame(
        {
            k: pd.Series(v, dtype=object) if isinstance(v, np.ndarray) and v.dtype == object else v
            for k, v in columns.items()
        }
    )


def _obj(values: np.ndarray, index: pd.Index) -> pd.Series:
    """An object Series to assign into a working frame (no `str` inference)."""
    return pd.Series(np.asarray(values, dtype=object), index=index, dtype=object)


def _prepend(first: object, rest: np.ndarray) -> np.ndarray:
    """`rest` with `first` in front (Wealdshire's fixed value before the drawn ones)."""
    return np.concatenate([np.asarray([first]), np.asarray(rest)])


def _choice(rng: np.random.Generator, codes: list[str], p: list[float], n: int) -> np.ndarray:
    p_arr = np.asarray(p, dtype=float)
    return np.asarray(codes, dtype=object)[rng.choice(len(codes), size=n, p=p_arr / p_arr.sum())]


def _choice_codes(
    rng: np.random.Generator, codes: list[str], p: list[float], n: int
) -> pd.Categorical:
    """Like `_choice`, as a Categorical (cheap for millions of rows)."""
    p_arr = np.asarray(p, dtype=float)
    idx = rng.choice(len(codes), size=n, p=p_arr / p_arr.sum())
    return pd.Categorical.from_codes(idx, categories=list(codes))


def _group_start(keys: np.ndarray) -> np.ndarray:
    """True where a new run of equal `keys` starts (keys sorted)."""
    return np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, bool)


def _rank_in_group(keys: np.ndarray) -> np.ndarray:
    """0, 1, 2 ... within runs of equal sorted `keys`."""
    start = _group_start(keys)
    idx = np.arange(len(keys))
    return idx - np.maximum.accumulate(np.where(start, idx, 0))


def _postcodes(rng: np.random.Generator, outward: np.ndarray) -> np.ndarray:
    """Full fictional postcodes 'WD12 3AB' from outward codes."""
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
    n = len(outward)
    inward = (
        rng.integers(1, 10, n).astype(str)
        + letters[rng.integers(0, 20, n)]
        + letters[rng.integers(0, 20, n)]
    )
    return np.char.add(np.char.add(outward.astype(str), " "), inward)


# ----------------------------------------------------------------------------- authorities

_NAME_A = [
    "Ash",
    "Bram",
    "Cal",
    "Dun",
    "Elm",
    "Fen",
    "Gor",
    "Hal",
    "Ives",
    "Kel",
    "Lang",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Quen",
    "Rad",
    "Stan",
    "Thorn",
    "Ulls",
    "Ver",
    "Wal",
    "Yar",
    "Brack",
    "Chal",
    "Drey",
    "Esk",
    "Fox",
    "Grin",
    "Holm",
]
_NAME_B = [
    "ford",
    "ley",
    "mere",
    "ham",
    "bury",
    "wick",
    "ton",
    "dale",
    "field",
    "borough",
    "stead",
    "worth",
    "combe",
    "cester",
    "by",
]


def authorities(seed: int = 2025, n: int = 150) -> pd.DataFrame:
    """About 150 fictional authorities, Wealdshire (650) first, with size and steering draws.

    Columns: LA (3-digit code), new_code, name, region, lait_region, pop (children 0-17 in
    mid-2024), cla_rate (per 10,000 at 31 March 2025) and multiplicative/additive effects
    used by the generator and the benchmark panel.
    """
    rng = np.random.default_rng([seed, 11])
    counts = np.array([r[3] for r in REGIONS])
    counts = np.maximum(1, np.round(counts * (n - 1) / counts.sum()).astype(int))
    while counts.sum() != n - 1:  # fix rounding: a handful of steps at most
        counts[np.argmax(counts)] += np.sign(n - 1 - counts.sum())
    region_of = np.repeat(np.arange(len(REGIONS)), counts)
    codes = np.setdiff1d(np.arange(601, 761), [650])
    codes = np.sort(rng.choice(codes, size=n - 1, replace=False))
    region_of = rng.permutation(region_of)
    names = np.char.add(
        np.array(_NAME_A)[rng.integers(0, len(_NAME_A), 4 * n)],
        np.array(_NAME_B)[rng.integers(0, len(_NAME_B), 4 * n)],
    )
    names = pd.unique(names[names != "Wealdshire"])[: n - 1]
    if len(names) < n - 1:
        raise ValueError(f"Cannot invent {n - 1} distinct authority names")
    names = names.astype(str)
    county = (rng.random(n - 1) < 0.2) & pd.Series(names).str.endswith(
        ("ford", "ham", "ley", "ton")
    ).to_numpy()
    kind = np.where(county, "SC", "UA")
    names = np.where(county, np.char.add(names, "shire"), names)
    city = np.flatnonzero(~county)[:2]  # LAIT and DfE lists carry names like "Bristol, City of"
    names[city] = np.char.add(names[city], ", City of")
    lait_region = np.array([REGIONS[i][1] for i in region_of], dtype=object)
    london = region_of == 6
    lait_region[london] = np.where(rng.random(london.sum()) < 0.4, "Inner London", "Outer London")
    new_code = np.where(county, "E10000", "E06000")
    new_code = np.char.add(new_code, codes.astype(str))
    pop = np.where(
        county,
        rng.lognormal(np.log(190_000), 0.35, n - 1),
        rng.lognormal(np.log(55_000), 0.5, n - 1),
    )
    frame = pd.DataFrame(
        {
            "LA": _prepend(WEALDSHIRE["LA"], codes.astype(str)),
            "new_code": _prepend(WEALDSHIRE["new_code"], new_code),
            "name": _prepend(WEALDSHIRE["name"], names),
            "type": _prepend("SC", kind),
            "region": _prepend(WEALDSHIRE["region"], [REGIONS[i][0] for i in region_of]),
            "lait_region": _prepend(WEALDSHIRE["region"], lait_region),
            "pop": _prepend(WEALDSHIRE_POP, np.round(pop, -2)).astype(np.int64),
            "cla_rate": _prepend(
                _WEALDSHIRE_RATE, np.clip(rng.lognormal(np.log(68), 0.38, n - 1), 25, 190)
            ),
            # persistent effects, centred on England (Wealdshire is near England on all)
            "move_rate": _prepend(1.0, np.clip(rng.lognormal(0, 0.25, n - 1), 0.5, 2.0)),
            "reref": _prepend(22.0, np.clip(rng.normal(21.0, 4.5, n - 1), 8, 40)),
            "neet_shift": _prepend(0.0, rng.normal(0, 7.5, n - 1)),
            "acc_shift": _prepend(0.0, rng.normal(0, 5.0, n - 1)),
            "att8_shift": _prepend(0.0, rng.normal(0, 3.5, n - 1)),
            "att8_all": _prepend(46.0, np.clip(rng.normal(46.3, 4.0, n - 1), 34, 60)),
            "dist_share": _prepend(0.16, np.clip(rng.normal(0.17, 0.07, n - 1), 0.04, 0.45)),
            "caseload": _prepend(60.0, np.clip(rng.normal(62.0, 9.0, n - 1), 40, 95)),
            "uasc_share": _prepend(
                0.10, np.clip(rng.lognormal(np.log(0.07), 0.6, n - 1), 0.01, 0.4)
            ),
        }
    )
    return frame


# ----------------------------------------------------------------------------- periods of care

_AGE_BANDS_Y = np.array([0.0, 1.0, 5.0, 10.0, 16.0, 17.95])
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
    band = np.clip(np.searchsorted(_AGE_BANDS_Y, age_y, side="right") - 1, 0, 4)
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
    dob18 = _add_years(dob, 18)
    at18 = end >= dob18
    end = np.minimum(end, dob18)
    adopt &= ~at18
    age_end = (end - dob) / 365.25
    rec = np.where(
        age_end >= 16,
        _choice(rng, *_REC_OLDER, n),
        _choice(rng, *_REC_YOUNG, n),
    )
    rec = np.where(uasc & ~at18, np.where(uk < 0.07, "E3", "E15"), rec)
    rec = np.where(adopt, _choice(rng, ["E11", "E12"], [0.7, 0.3], n), rec)
    rec = np.where(at18, _choice(rng, *_REC_AT18, n), rec)
    return end, rec.astype(object), adopt


def _periods(
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
    age_y = _AGE_BANDS_Y[band] + rng.random(n) * (_AGE_BANDS_Y[band + 1] - _AGE_BANDS_Y[band])
    age_y = np.where(uasc, 14.0 + 3.9 * rng.beta(2.5, 1.2, n), age_y)
    dob = _no_leap_day(start - (age_y * 365.25).astype(np.int64))
    end, rec, adopt = _draw_stays(rng, start, dob, uasc)
    # some children who went home come back into care (a new period, RNE S)
    went_home = np.isin(rec, ["E4A", "E4B", "E13", "E8"]) & ((end - dob) / 365.25 < 16.5)
    back = went_home & (rng.random(n) < 0.22)
    gap = 1 + rng.lognormal(np.log(300), 0.9, n).astype(np.int64)
    s2 = end + gap
    back &= (s2 < _add_years(dob, 18) - 30) & (s2 <= last)
    idx2 = np.flatnonzero(back)
    e2, r2, a2 = _draw_stays(rng, s2[idx2], dob[idx2], uasc[idx2])
    child = np.r_[np.arange(n), idx2]
    p = _frame(
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


# ----------------------------------------------------------------------------- episodes

_START, _MOVE, _LEGAL, _SAME_CARER, _TEMP, _ADOPT, _RETURN = range(7)

_PLACE_BY_GROUP: list[tuple[list[str], list[float]]] = [
    (["U6", "U3", "U5", "U4", "P1", "R3", "U2", "U1"], [50, 12, 8, 5, 10, 6, 2, 3]),
    (["U6", "U4", "U3", "U1", "P1", "K2", "U5"], [48, 12, 15, 6, 14, 2, 3]),
    (["U6", "U4", "U3", "U1", "P1", "K2", "S1"], [45, 15, 14, 7, 12, 5, 2]),
    (
        ["U6", "U4", "U3", "U1", "K2", "P1", "K1", "S1", "R1", "R2", "Z1"],
        [41, 18, 8, 5, 13, 6, 1, 2, 1, 2, 2],
    ),
    (
        ["U6", "U4", "U3", "K2", "H5", "P1", "P2", "K1", "R5", "Z1"],
        [33, 13, 5, 13, 21, 6, 2, 1, 2, 2],
    ),
    (["U6", "U4", "H5", "K2"], [48, 7, 40, 5]),  # unaccompanied asylum-seeking children
]
_PROVIDER: dict[str, tuple[list[str], list[float]]] = {
    **{c: (["PR1", "PR4"], [95, 5]) for c in ("U1", "U2", "U3")},
    **{c: (["PR1", "PR4", "PR5"], [55, 40, 5]) for c in ("U4", "U5", "U6")},
    "K2": (["PR4", "PR1", "PR5"], [78, 17, 5]),
    "K1": (["PR2", "PR1"], [80, 20]),
    **{c: (["PR4", "PR5", "PR1"], [70, 20, 10]) for c in ("H5", "K3")},
    "P2": (["PR1", "PR4"], [50, 50]),
    "P1": (["PR0"], [1]),
    "R1": (["PR4"], [1]),
    "R2": (["PR3"], [1]),
    "R3": (["PR3", "PR4"], [60, 40]),
    "R5": (["PR3"], [1]),
    "S1": (["PR5", "PR4", "PR2"], [40, 40, 20]),
    "Z1": (["PR4", "PR5"], [60, 40]),
    **{c: (["PR1", "PR2", "PR5"], [50, 30, 20]) for c in ("A4", "A6")},
}
_OUT_OF_AREA = {"PR0": 0.03, "PR1": 0.06, "PR2": 0.55, "PR3": 0.2, "PR4": 0.33, "PR5": 0.3}
_MEDIAN_MILES = {"PR0": 2.0, "PR1": 4.0, "PR2": 9.0, "PR3": 7.0, "PR4": 8.0, "PR5": 8.0}
_REGISTERED = ("K1", "K2", "K3", "R1", "S1")
# SSDA903 writes URN as XXXXXXX for a placement with no Ofsted unique reference number
NO_URN = "XXXXXXX"
_SAME_CARER_PLACE = {"U6": "U4", "U3": "U1", "U5": "U4", "U2": "U1"}
_REASONS = (
    ["CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "CLOSE", "STAND", "ALLEG", "APPRR", "OTHER"],
    [45, 12, 10, 6, 5, 4, 2, 2, 1, 13],
)
_CIN = (["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"], [62, 7, 4, 12, 3, 3, 1, 3, 5])
_OUTWARD = np.array([f"WD{i}" for codes in DISTRICTS.values() for i in codes])
_OUTWARD_W = np.concatenate(
    [np.full(len(c), w / len(c)) for c, w in zip(DISTRICTS.values(), _DISTRICT_WEIGHT)]
)


def _events(
    rng: np.random.Generator, p: pd.DataFrame, las: pd.DataFrame, last: int
) -> pd.DataFrame:
    """Episode boundaries of every period: starts, moves, legal changes, same-carer changes,
    temporary placements (with their ends) and placements for adoption, sorted."""
    n = len(p)
    pid = np.arange(n)
    s = p["start"].to_numpy()
    e = p["end"].to_numpy()
    dur = (e - s).astype(float)
    dur_y = dur / 365.25
    adopt = p["adopt"].to_numpy()
    uasc = p["uasc"].to_numpy()
    rate = las["move_rate"].to_numpy()[p["la"].to_numpy()]
    frailty = rng.gamma(0.6, 1 / 0.6, n)
    # placement moves: frequent early in a period, rarer later (u ** 2 crowds them to the start)
    k = rng.poisson(frailty * rate * (0.58 + 0.38 * dur_y**0.8))
    mp = np.repeat(pid, k)
    mt = s[mp] + (dur[mp] * rng.random(len(mp)) ** 2.6).astype(np.int64)
    # placement for adoption some months before the adoption order; no moves after it
    ta = np.maximum(s + 30, e - rng.integers(120, 330, n))
    mt_ok = ~adopt[mp] | (mt < ta[mp])
    mp, mt = mp[mt_ok], mt[mt_ok]
    ap = pid[adopt]
    # legal status: interim care order -> full care order; police/EPO -> C1/V2; some s20 -> C1
    ls0 = np.where(
        uasc,
        "V2",
        _choice(rng, ["C1", "V2", "L2", "L1", "J1", "E1"], [44, 45, 5, 3, 1.5, 1.5], n),
    )
    lg_t = np.where(np.isin(ls0, ["L1", "L2"]), s + rng.integers(1, 9, n), -1)
    lg_to = np.where(rng.random(n) < 0.6, "C1", "V2").astype(object)
    c1 = (ls0 == "C1") & (dur > 150)
    lg_t = np.where(c1, s + rng.integers(60, 330, n), lg_t)
    lg_to = np.where(c1, "C2", lg_to)
    v2 = (ls0 == "V2") & ~uasc & (dur > 365) & (rng.random(n) < 0.15)
    lg_t = np.where(v2, s + rng.integers(90, 540, n), lg_t)
    lg_to = np.where(v2, "C1", lg_to)
    lp = pid[lg_t >= 0]
    # placement order before placement for adoption
    po_t = ta - rng.integers(30, 200, n)
    po = adopt & (ls0 != "E1") & (po_t > s)
    # same carer, new placement type (e.g. becomes long-term fostering)
    sc = (dur > 540) & ~adopt & (rng.random(n) < 0.30)
    sc_t = s + (dur * rng.uniform(0.25, 0.8, n)).astype(np.int64)
    # temporary placements, most followed by a return to the same placement
    kt = np.minimum(rng.poisson(0.12 * dur_y), 3)
    tp = np.repeat(pid, kt)
    tt = s[tp] + 1 + (dur[tp] * rng.random(len(tp))).astype(np.int64)
    ev = _frame(
        {
            "pid": np.r_[pid, mp, lp, pid[po], pid[sc], tp, ap],
            "t": np.r_[s, mt, lg_t[lp], po_t[po], sc_t[sc], tt, ta[ap]],
            "kind": np.r_[
                np.full(n, _START),
                np.full(len(mp), _MOVE),
                np.full(len(lp), _LEGAL),
                np.full(po.sum(), _LEGAL),
                np.full(sc.sum(), _SAME_CARER),
                np.full(len(tp), _TEMP),
                np.full(len(ap), _ADOPT),
            ],
            "new_ls": np.r_[
                ls0,
                np.full(len(mp), None),
                lg_to[lp],
                np.full(po.sum(), "E1"),
                np.full(sc.sum(), None),
                np.full(len(tp), None),
                np.full(len(ap), None),
            ],
        }
    )
    ev = ev[(ev["kind"] == _START) | ((ev["t"] > s[ev["pid"]]) & (ev["t"] < e[ev["pid"]]))]
    ev = ev[ev["t"] <= last]
    ev = ev.sort_values(["pid", "t", "kind"], kind="stable")
    ev = ev[~ev.duplicated(["pid", "t"])].reset_index(drop=True)
    # a temporary placement lasts 1-14 days and must end before the next event
    pid_a, t_a = ev["pid"].to_numpy(), ev["t"].to_numpy()
    nxt = np.r_[np.where(pid_a[1:] == pid_a[:-1], t_a[1:], e[pid_a[:-1]]), e[pid_a[-1]]]
    length = rng.integers(1, 15, len(ev))
    temp = ev["kind"].to_numpy() == _TEMP
    ok = ~temp | (t_a + length < nxt)
    ev["length"] = length
    ev = ev[ok].reset_index(drop=True)
    temp = ev["kind"].to_numpy() == _TEMP
    back = ev.loc[temp, ["pid", "t", "length"]].copy()
    back["t"] = back["t"] + back["length"]
    back = back[back["t"] <= last]
    back["kind"] = np.where(rng.random(len(back)) < 0.8, _RETURN, _MOVE)
    back["new_ls"] = None
    ev = pd.concat([ev.drop(columns="length"), back.drop(columns="length")], ignore_index=True)
    ev = ev.sort_values(["pid", "t", "kind"], kind="stable").reset_index(drop=True)
    return ev


def _place_attributes(
    rng: np.random.Generator,
    group: np.ndarray,
    day: np.ndarray,
    dist_share: np.ndarray,
    adopt_place: np.ndarray,
) -> dict[str, np.ndarray]:
    """PLACE, PLACE_PROVIDER, URN, PL_DISTANCE and PL_POST for new placements."""
    n = len(group)
    place = np.empty(n, dtype=object)
    for g, (codes, w) in enumerate(_PLACE_BY_GROUP):  # six age/UASC groups, not children
        sel = group == g
        place[sel] = _choice(rng, codes, w, int(sel.sum()))
    place[adopt_place] = np.where(rng.random(int(adopt_place.sum())) < 0.8, "A6", "A4")
    new_codes = day >= _days("2024-04-01")  # 2024-25: H5 and P2 dropped, K3 added
    place = np.where(new_codes & np.isin(place, ["H5", "P2"]), "K3", place)
    provider = np.empty(n, dtype=object)
    for code, (prs, w) in _PROVIDER.items():  # a loop over ~25 codes
        sel = place == code
        provider[sel] = _choice(rng, prs, w, int(sel.sum()))
    registered = np.isin(place, _REGISTERED)
    urn = np.where(
        registered,
        np.char.add("SC", rng.integers(100000, 1000000, n).astype(str)),
        NO_URN,
    ).astype(object)
    p_out = np.vectorize(_OUT_OF_AREA.get, otypes=[float])(provider) * dist_share / 0.16
    out = rng.random(n) < np.clip(p_out, 0, 0.95)
    med = np.vectorize(_MEDIAN_MILES.get, otypes=[float])(provider)
    miles = np.where(
        out,
        20.1 + rng.lognormal(np.log(14), 0.8, n),
        np.minimum(rng.lognormal(np.log(med), 0.7, n), 19.9),
    )
    outward = np.where(
        out,
        np.char.add("QX", rng.integers(1, 60, n).astype(str)),
        _OUTWARD[rng.choice(len(_OUTWARD), n, p=_OUTWARD_W / _OUTWARD_W.sum())],
    )
    return {
        "PLACE": place,
        "PLACE_PROVIDER": provider,
        "URN": urn,
        "PL_DISTANCE": np.round(miles, 1),
        "PL_POST": _postcodes(rng, outward).astype(object),
    }


def _episodes(
    rng: np.random.Generator, p: pd.DataFrame, las: pd.DataFrame, last: int
) -> pd.DataFrame:
    """SSDA903 episodes (one row per episode) for the periods `p`, day numbers for dates."""
    ev = _events(rng, p, las, last)
    pid = ev["pid"].to_numpy()
    kind = ev["kind"].to_numpy()
    t = ev["t"].to_numpy()
    n = len(ev)
    dob = p["dob"].to_numpy()[pid]
    uasc = p["uasc"].to_numpy()[pid]
    age = (t - dob) / 365.25
    group = np.where(uasc, 5, np.clip(np.searchsorted(_AGE_BANDS_Y, age, side="right") - 1, 0, 4))
    adopt_current = (kind == _ADOPT) & (rng.random(n) < 0.3)  # A3/A5 with current carer
    new_place = np.isin(kind, [_START, _MOVE]) | ((kind == _ADOPT) & ~adopt_current)
    pidx = np.cumsum(new_place) - 1
    starts = np.flatnonzero(new_place)
    attrs = _place_attributes(
        rng,
        group[starts],
        t[starts],
        las["dist_share"].to_numpy()[p["la"].to_numpy()[pid[starts]]],
        kind[starts] == _ADOPT,
    )
    out = {k: v[pidx] for k, v in attrs.items()}
    # legal status carried forward within the period; some moves change it too (RNE B)
    rne = np.full(n, "P", dtype=object)
    rne[kind == _START] = "S"
    rne[kind == _LEGAL] = "L"
    new_ls = ev["new_ls"].to_numpy(dtype=object).copy()
    b = (kind == _MOVE) & (rng.random(n) < 0.08)
    rne[b] = "B"
    new_ls[b] = "C2"
    adopt_b = (kind == _ADOPT) & ~adopt_current & (rng.random(n) < 0.3)
    rne[adopt_b] = "B"
    new_ls[adopt_b] = "E1"
    out["LS"] = pd.Series(new_ls).ffill().to_numpy(dtype=object)
    # same carer: placement type changes (U6 -> U4 ...), or placed for adoption with them
    cur = out["PLACE"]
    flip = (kind == _SAME_CARER) & np.isin(cur, list(_SAME_CARER_PLACE))
    override = np.full(n, None, dtype=object)
    override[new_place] = "__base__"
    override[flip] = np.vectorize(_SAME_CARER_PLACE.get, otypes=[object])(cur[flip])
    override[adopt_current] = np.where(out["LS"][adopt_current] == "E1", "A5", "A3")
    override = pd.Series(override).ffill().to_numpy(dtype=object)
    has = override != "__base__"
    out["PLACE"] = np.where(has, override, cur)
    rne[flip | adopt_current] = "T"
    u = flip & (rng.random(n) < 0.15)
    rne[u] = "U"
    out["LS"] = np.where(u & (out["LS"] == "C1"), "C2", out["LS"])
    # temporary placements: their own PLACE; the return restores the placement (same PLACE,
    # provider and URN), as the DfE counting rule expects
    temp = kind == _TEMP
    nt = int(temp.sum())
    tplace = _choice(rng, ["T0", "T1", "T2", "T3", "T4"], [25, 10, 15, 30, 20], nt)
    out["PLACE"][temp] = tplace
    out["PLACE_PROVIDER"][temp] = np.where(tplace == "T1", "PR3", "PR1")
    out["URN"][temp] = NO_URN
    out["PL_DISTANCE"][temp] = np.round(rng.lognormal(np.log(5), 0.6, nt), 1)
    out["PL_POST"][temp] = _postcodes(rng, _OUTWARD[rng.integers(0, len(_OUTWARD), nt)])
    # a same-carer event on a placement with no type to change is not an episode; nor is a
    # new episode within an H5/P2 placement from 2024-25 on (those codes were withdrawn)
    drop = (kind == _SAME_CARER) & ~flip
    drop |= ~new_place & np.isin(cur, ["H5", "P2"]) & (t >= _days("2024-04-01"))
    # episode ends: the next DECOM in the period, or the period's end
    frame = _frame({"pid": pid, "DECOM": t, "RNE": rne, **out})
    frame = frame[~drop].reset_index(drop=True)
    pid_k = frame["pid"].to_numpy()
    last_k = np.r_[pid_k[1:] != pid_k[:-1], True]
    dec = np.r_[frame["DECOM"].to_numpy()[1:], 0]
    end_k = p["end"].to_numpy()[pid_k]
    open_k = p["open"].to_numpy()[pid_k]
    frame["DEC"] = np.where(last_k, np.where(open_k, -1, end_k), dec)
    rec = np.where(last_k, np.where(open_k, None, p["rec"].to_numpy()[pid_k]), "X1")
    frame["REC"] = _obj(rec, frame.index)
    rne_k = frame["RNE"].to_numpy()
    is_move = np.isin(rne_k, ["P", "B", "T", "U"]) & (frame["DECOM"] >= _days("2016-04-01"))
    reason = _choice(rng, *_REASONS, len(frame))
    reason = np.where(np.isin(rne_k, ["T", "U"]), "PLACE", reason)
    frame["REASON_PLACE_CHANGE"] = _obj(np.where(is_move, reason, None), frame.index)
    cin = _choice(rng, *_CIN, len(p))
    cin[p["uasc"].to_numpy()] = "N9"
    frame["CIN"] = _obj(cin[pid_k], frame.index)
    return frame


def _short_breaks(
    rng: np.random.Generator, las: pd.DataFrame, scale: float, first: int, last: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Disabled children on agreed series of short breaks (LS V3; a few V4 agreements).

    Returns (children: la, dob, sex) and (episodes, day numbers, `child` indexing children).
    """
    n_per = rng.poisson(las["pop"].to_numpy() * 3e-4 * scale)
    la = np.repeat(np.arange(len(las)), n_per)
    n = len(la)
    begin = first - 365 + (rng.random(n) * (last - first + 365)).astype(np.int64)
    dob = _no_leap_day(begin - (rng.uniform(5, 15, n) * 365.25).astype(np.int64))
    stop = np.minimum(begin + (rng.uniform(1, 5, n) * 365.25).astype(np.int64), last)
    k = rng.poisson(6 * np.maximum(stop - begin, 0) / 365.25)
    ci = np.repeat(np.arange(n), k)
    day = begin[ci] + (rng.random(len(ci)) * (stop - begin)[ci]).astype(np.int64)
    nights = rng.integers(1, 4, len(ci))
    ep = pd.DataFrame({"child": ci, "DECOM": day, "DEC": day + nights, "LS": "V3"})
    ep = ep.sort_values(["child", "DECOM"], kind="stable")
    ep = ep[~ep.duplicated(["child", "DECOM"])]
    # breaks closer together than their length are one break (no overlapping episodes)
    prev_dec = ep.groupby("child")["DEC"].shift(1)
    ep = ep[~(prev_dec >= ep["DECOM"])]
    ep = ep[(ep["DECOM"] >= first) & (ep["DEC"] <= last)]
    v4 = rng.random(n) < 0.1  # a few recorded as one agreement episode a year (V4)
    ep.loc[v4[ep["child"].to_numpy()], "LS"] = "V4"
    ep["RNE"] = "S"
    ep["REC"] = "E13"
    ep["PLACE"] = np.where(rng.random(len(ep)) < 0.6, "K2", "U4")
    ep["PLACE_PROVIDER"] = "PR1"
    ep["URN"] = np.where(
        ep["PLACE"] == "K2", "SC" + (300000 + ep["child"] % 50).astype(str), NO_URN
    )
    ep["PL_DISTANCE"] = np.round(rng.lognormal(np.log(5), 0.6, len(ep)), 1)
    ep["CIN"] = "N5"
    kids = pd.DataFrame({"la": la, "dob": dob, "sex": np.where(rng.random(n) < 0.65, "1", "2")})
    return kids, ep.reset_index(drop=True)


_ETHNIC = (
    [
        "WBRI",
        "WIRI",
        "WIRT",
        "WOTH",
        "WROM",
        "MWBC",
        "MWBA",
        "MWAS",
        "MOTH",
        "AIND",
        "APKN",
        "ABAN",
        "AOTH",
        "BCRB",
        "BAFR",
        "BOTH",
        "CHNE",
        "OOTH",
        "REFU",
        "NOBT",
    ],
    [70, 0.5, 0.8, 5, 0.7, 3.5, 1.5, 1.5, 3, 0.8, 1.2, 0.5, 1, 1.5, 2.5, 0.8, 0.2, 2, 0.5, 0.5],
)
_ETHNIC_UASC = (["AOTH", "BAFR", "OOTH", "BOTH", "WOTH"], [35, 35, 20, 5, 5])


def _upns(rng: np.random.Generator, la: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Fictional unique pupil numbers: check letter, LA code, school, year and serial."""
    n = len(la)
    letters = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))
    body = (
        letters[rng.integers(0, len(letters), n)]
        + codes[la]
        + np.char.zfill(rng.integers(0, 10000, n).astype(str), 4)
        + np.char.zfill(rng.integers(0, 100, n).astype(str), 2)
        + np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)
    )
    return body.astype(object)


# ----------------------------------------------------------------------------- IRO service


def _holders(rng: np.random.Generator, slot_la: np.ndarray, begin: int, last: int) -> pd.DataFrame:
    """IROs in post: each of an authority's posts (slots) held by a run of IROs in turn."""
    n_slot = len(slot_la)
    k = 25  # enough holders per post to cover the years (each tenure is at least 2 years)
    tenure = np.maximum(rng.lognormal(np.log(4.5 * 365), 0.5, (n_slot, k)), 730).astype(np.int64)
    offset = rng.integers(0, 365, n_slot)[:, None]
    starts = begin - offset + np.c_[np.zeros(n_slot, np.int64), np.cumsum(tenure, axis=1)[:, :-1]]
    ends = starts + tenure
    h = pd.DataFrame(
        {
            "slot": np.repeat(np.arange(n_slot), k),
            "la": np.repeat(slot_la, k),
            "START": starts.ravel(),
            "END": ends.ravel(),
            "FTE": _choice(rng, ["1.0", "0.8", "0.6", "0.5"], [70, 15, 10, 5], n_slot * k).astype(
                float
            ),
        }
    )
    return h[h["START"] <= last].reset_index(drop=True)


def _allocate(
    rng: np.random.Generator,
    holders: pd.DataFrame,
    slots_of_la: np.ndarray,
    slot_first: np.ndarray,
    la: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split cases [start, end) (end -1 = open) across the IROs holding a random post.

    Returns (case row, holder row, piece start, piece end) for every piece."""
    n = len(la)
    slot = slot_first[la] + (rng.random(n) * slots_of_la[la]).astype(np.int64)
    big = np.int64(1 << 32)
    hkey = holders["slot"].to_numpy() * big + holders["START"].to_numpy()
    end_eff = np.where(end < 0, np.int64(1 << 31), end)
    lo = np.searchsorted(hkey, slot * big + start, side="right")  # first holder after START
    hi = np.searchsorted(hkey, slot * big + end_eff, side="left")
    pieces = np.maximum(hi - lo + 1, 1)
    row = np.repeat(np.arange(n), pieces)
    j = _rank_in_group(row)
    h = lo[row] - 1 + j
    hs = holders["START"].to_numpy()[h]
    he = holders["END"].to_numpy()[h]
    ps = np.maximum(start[row], hs)
    pe = np.where(j == pieces[row] - 1, end[row], np.minimum(end_eff[row], he))
    return row, h, ps, pe


# ----------------------------------------------------------------------------- referrals

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


def _referrals(
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
    first_ref = _group_start(ri)
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
    first_kid_of_la = _prepend(0, np.cumsum(n_kids)[:-1])
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
    reason = _choice_codes(rng, *_CLOSE, m)
    rc8 = reason.categories.get_loc("RC8")
    still_open = close > last
    reason_code = np.where(still_open, -1, np.where(nfa, rc8, reason.codes))
    return _frame(
        {
            "la": la_all,
            "child": child_all,
            "day": day_all,
            "close": np.where(still_open, -1, close),
            "ReasonForClosure": pd.Categorical.from_codes(reason_code, reason.categories),
            "ReferralSource": _choice_codes(rng, *_SOURCES, m),
            "PrimaryNeedCode": _choice_codes(rng, *_NEED, m),
            "ReferralNFA": pd.Categorical.from_codes(nfa.astype(np.int8), ["0", "1"]),
        }
    )


# ----------------------------------------------------------------------------- care leavers

_EET = (  # 2021-22 codes: apprenticeships (F4/P4) apart; earlier years are recoded to F3/P3
    ["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"],
    [8, 1, 30, 5, 5, 1, 35, 15],
)
_NEET = (["G4", "G5", "G6"], [25, 62, 13])
_ACCOM = (
    ["B", "C", "D", "E", "K", "T", "U", "Z", "S", "V", "W", "X", "Y", "G", "H", "R"],
    [10, 3, 25, 10, 5, 8, 30, 7, 1, 1, 0.5, 2, 1, 0.5, 0.2, 0.8],
)
_IN_TOUCH = (["YES", "NO", "REFU", "NREQ", "RHOM", "DIED"], [91, 4, 2, 1.5, 1, 0.5])


def _oc3(
    rng: np.random.Generator, p: pd.DataFrame, las: pd.DataFrame, first: int, last: int
) -> pd.DataFrame:
    """OC3 rows: care leavers in the year of their 17th-21st birthdays, one per year."""
    dob = p["dob"].to_numpy()
    fourteen = _add_years(dob, 14)
    left = ~p["open"].to_numpy() & ((p["end"].to_numpy() - dob) / 365.25 >= 16)
    long_enough = p["end"].to_numpy() - np.maximum(p["start"].to_numpy(), fourteen) >= 91
    q = p[left & long_enough].drop_duplicates(["la", "child"], keep="last")
    rows = q.loc[q.index.repeat(5)].reset_index(drop=True)
    age = np.tile(np.arange(17, 22), len(q))
    bday = _add_years(rows["dob"].to_numpy(), age)
    ok = (bday >= rows["end"].to_numpy()) & (bday >= first) & (bday <= last)
    rows, age, bday = rows[ok].reset_index(drop=True), age[ok], bday[ok]
    d = DAY0 + bday.astype("timedelta64[D]")
    yr = d.astype("datetime64[Y]").astype(np.int64) + 1970
    mon = (d.astype("datetime64[M]").astype(np.int64) % 12) + 1
    rows["YEAR"] = np.where(mon <= 3, yr, yr + 1)
    m = len(rows)
    older = age >= 19
    in_touch = _choice(rng, *_IN_TOUCH, m)
    la = rows["la"].to_numpy()
    p_neet = np.where(older, 0.43 + las["neet_shift"].to_numpy()[la] / 100, 0.30)
    neet = rng.random(m) < np.clip(p_neet, 0.05, 0.9)
    activ = np.where(neet, _choice(rng, *_NEET, m), _choice(rng, *_EET, m))
    letter = _choice(rng, *_ACCOM, m)
    p_suit = np.clip(0.985 + las["acc_shift"].to_numpy()[la] / 100, 0.4, 0.995)
    suitable = (rng.random(m) < p_suit) & ~np.isin(letter, ["S", "X"])  # no S1 or X1 code
    accom = np.char.add(letter.astype(str), np.where(suitable, "1", "2")).astype(object)
    gone = np.isin(in_touch, ["NO", "REFU", "NREQ", "DIED"])
    rows["IN_TOUCH"] = in_touch
    rows["ACTIV"] = np.where(gone, "0", activ)
    rows["ACCOM"] = np.where(gone, "0", accom)
    return rows[["la", "child", "dob", "IN_TOUCH", "ACTIV", "ACCOM", "YEAR"]]


# ----------------------------------------------------------------------------- KS4

_ATT8_YEAR = {
    2016: 4.1,
    2017: 0.5,
    2018: 0.6,
    2019: 0.7,
    2020: 4.2,
    2021: 4.9,
    2022: 2.8,
    2023: 0.3,
    2024: -0.1,
    2025: 0.0,
}  # England's all-pupil swings (grading years)
_EM94_ENGLAND = {
    2016: 63.0,
    2017: 63.9,
    2018: 64.2,
    2019: 64.6,
    2020: 71.2,
    2021: 72.2,
    2022: 69.0,
    2023: 65.1,
    2024: 65.1,
    2025: 64.5,
}


def _academic_year(end_year: np.ndarray) -> np.ndarray:
    return np.char.add(
        np.char.add((end_year - 1).astype(str), "/"), np.char.zfill((end_year % 100).astype(str), 2)
    )


def _ks4(
    rng: np.random.Generator, p: pd.DataFrame, las: pd.DataFrame, first_year: int, last_year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Year-11 results of looked-after pupils (virtual school) and all-pupil LA figures."""
    dob = p["dob"].to_numpy()
    d = DAY0 + dob.astype("timedelta64[D]")
    yr = d.astype("datetime64[Y]").astype(np.int64) + 1970
    mon = (d.astype("datetime64[M]").astype(np.int64) % 12) + 1
    ay_end = np.where(mon >= 9, yr + 17, yr + 16)  # year 11 ends in the summer they turn 16
    lo = np.array([_days(f"{y - 1}-04-01") for y in range(1900, 2101)])
    hi = np.array([_days(f"{y}-03-31") for y in range(1900, 2101)])
    ay_i = np.clip(ay_end - 1900, 0, 200)
    during = (p["start"].to_numpy() <= hi[ay_i]) & (p["end"].to_numpy() >= lo[ay_i])
    sel = during & (ay_end >= first_year) & (ay_end <= last_year)
    sel &= ~p["uasc"].to_numpy() | (rng.random(len(p)) < 0.6)
    q = p[sel].assign(ay=ay_end[sel]).drop_duplicates(["la", "child"], keep="last")
    m = len(q)
    la = q["la"].to_numpy()
    ay = q["ay"].to_numpy()
    shift = las["att8_shift"].to_numpy()[la] + np.vectorize(_ATT8_YEAR.get, otypes=[float])(ay)
    mean = np.clip((22.0 + shift) / 90, 0.05, 0.6)
    att8 = 90 * rng.beta(mean * 5, (1 - mean) * 5)
    zero = rng.random(m) < np.where(q["uasc"].to_numpy(), 0.35, 0.10)
    att8 = np.round(np.where(zero, 0.0, att8), 1)
    em94 = ((att8 + rng.normal(0, 6, m)) > 36).astype(float)
    cla = pd.DataFrame(
        {
            "la": la,
            "child": q["child"].to_numpy(),
            "ACADEMIC_YEAR": _academic_year(ay),
            "ATT8": att8,
            "EM94": em94,
        }
    )
    years = np.arange(first_year, last_year + 1)
    la_all = np.repeat(np.arange(len(las)), len(years))
    ys = np.tile(years, len(las))
    base = las["att8_all"].to_numpy()[la_all]
    avg = np.round(
        base + np.vectorize(_ATT8_YEAR.get, otypes=[float])(ys) + rng.normal(0, 0.4, len(ys)), 1
    )
    pct = np.round(
        np.vectorize(_EM94_ENGLAND.get, otypes=[float])(ys)
        + (base - 46.3) * 1.8
        + rng.normal(0, 0.8, len(ys)),
        1,
    )
    pupils = np.round(las["pop"].to_numpy()[la_all] / 18 * rng.normal(1, 0.02, len(ys)))
    allp = pd.DataFrame(
        {
            "la": la_all,
            "ACADEMIC_YEAR": _academic_year(ys),
            "PUPILS": pupils,
            "AVG_ATT8": avg,
            "PCT_EM94": np.clip(pct, 20, 95),
        }
    )
    return cla, allp


# ----------------------------------------------------------------------------- assembly


def _ids(child: np.ndarray | pd.Series) -> np.ndarray:
    """Child ids stay integers while generating; `_finish` writes them as strings."""
    return np.asarray(child).astype(np.int64)


def _dates(days: np.ndarray) -> pd.Series:
    return pd.Series(_to_dates(np.asarray(days, dtype=np.int64)))


def generate(
    seed: int = 2025, *, n_las: int = 1, children_scale: float = 1.0, years: int = 10
) -> dict[str, pd.DataFrame]:
    """All SPEC section 3 tables, in memory, for Wealdshire or a pool of authorities.

    `n_las=1`: Wealdshire alone (no LA column). `n_las>1`: Wealdshire and the first
    `n_las - 1` fictional authorities of the benchmark panel, each table with an `LA` column
    (3-digit code) and child ids unique within an LA. `children_scale` multiplies every
    authority's size; `years` is the number of financial years ending 31 March 2025.
    Dates are datetime64[ns], numeric columns float64, codes and ids strings.
    """
    if not 1 <= n_las <= 150:
        raise ValueError(f"n_las must be between 1 and 150, got {n_las}")
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years}")
    las = authorities(seed).iloc[:n_las].reset_index(drop=True)
    last = _days(LAST_DAY)
    first_year, last_year = 2025 - years + 1, 2025
    first = _days(f"{first_year - 1}-04-01")
    ss = np.random.SeedSequence([seed, 903])
    rngs = [np.random.default_rng(s) for s in ss.spawn(8)]
    codes = las["LA"].to_numpy().astype(str)

    p_all = _periods(rngs[0], las, children_scale, first, last)
    # child ids: looked-after children numbered per LA in order of first entry
    firsts = p_all.drop_duplicates("child")
    firsts = firsts.sort_values(["la", "start", "child"], kind="stable")
    rank = firsts.groupby("la").cumcount().to_numpy()
    id_of = pd.Series(1_000_000 + rank, index=firsts["child"].to_numpy())
    p_all["cid"] = id_of.reindex(p_all["child"].to_numpy()).to_numpy()
    n_cla = firsts.groupby("la").size().reindex(range(n_las), fill_value=0).to_numpy()
    # the extract holds the periods of care open on or after its first day; care leavers who
    # left in the four years before appear in OC3 only
    p = p_all[p_all["end"] >= first].reset_index(drop=True)
    ep = _episodes(rngs[1], p, las, last)
    kids = p.drop_duplicates("child").set_index("child")
    kids = kids.loc[firsts["child"][firsts["child"].isin(kids.index)]]
    sb_kids, sb_ep = _short_breaks(rngs[2], las, children_scale, first, last)
    sb_rank = sb_kids.groupby("la").cumcount().to_numpy()
    sb_kids["cid"] = 1_000_000 + n_cla[sb_kids["la"].to_numpy()] + sb_rank

    rng = rngs[3]
    # header: looked-after children, then short-break children
    k_uasc = kids["uasc"].to_numpy()
    n_k = len(kids)
    sex = np.where(rng.random(n_k) < np.where(k_uasc, 0.92, 0.56), "1", "2")
    ethnic = np.where(k_uasc, _choice(rng, *_ETHNIC_UASC, n_k), _choice(rng, *_ETHNIC, n_k))
    n_sb = len(sb_kids)
    header = _frame(
        {
            "la": np.r_[kids["la"].to_numpy(), sb_kids["la"].to_numpy()],
            "CHILD": _ids(np.r_[kids["cid"].to_numpy(), sb_kids["cid"].to_numpy()]),
            "SEX": np.r_[sex, sb_kids["sex"].to_numpy()],
            "DOB": np.r_[kids["dob"].to_numpy(), sb_kids["dob"].to_numpy()],
            "ETHNIC": np.r_[ethnic, _choice(rng, *_ETHNIC, n_sb)],
        }
    )
    header["UPN"] = _obj(_upns(rng, header["la"].to_numpy(), codes), header.index)
    unknown_upn = np.r_[k_uasc & (rng.random(n_k) < 0.5), np.zeros(n_sb, bool)]
    header.loc[unknown_upn, "UPN"] = "UN2"
    home_outward = _OUTWARD[rng.choice(len(_OUTWARD), len(header), p=_OUTWARD_W / _OUTWARD_W.sum())]
    home = header[["la", "CHILD"]].assign(
        HOME_POST=_obj(_postcodes(rng, home_outward), header.index)
    )

    # episodes
    e = ep.assign(
        la=p["la"].to_numpy()[ep["pid"].to_numpy()],
        CHILD=_ids(p["cid"].to_numpy()[ep["pid"].to_numpy()]),
    )
    sb = sb_ep.assign(
        la=sb_kids["la"].to_numpy()[sb_ep["child"].to_numpy()],
        CHILD=_ids(sb_kids["cid"].to_numpy()[sb_ep["child"].to_numpy()]),
    )
    sb["PL_POST"] = _obj(
        _postcodes(rng, _OUTWARD[rng.integers(0, len(_OUTWARD), len(sb))]), sb.index
    )
    sb["REASON_PLACE_CHANGE"] = _obj(np.full(len(sb), None), sb.index)
    cols = [
        "la",
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
        "PL_DISTANCE",
    ]
    episodes = pd.concat([e, sb], ignore_index=True).merge(home, on=["la", "CHILD"], how="left")
    episodes = episodes[cols]
    episodes = episodes.sort_values(["la", "CHILD", "DECOM"], kind="stable")

    # UASC
    uk = kids[k_uasc]
    uasc = _frame(
        {
            "la": uk["la"].to_numpy(),
            "CHILD": _ids(uk["cid"].to_numpy()),
            "DUC": _add_years(uk["dob"].to_numpy(), 18),
            "SEX": sex[k_uasc],
            "DOB": uk["dob"].to_numpy(),
        }
    )

    # referrals (CIN census) and IRO service
    r = _referrals(
        rngs[4],
        las,
        children_scale,
        first,
        last,
        p["la"].to_numpy(),
        p["cid"].to_numpy(),
        p["start"].to_numpy(),
    )
    referrals = _frame(
        {
            "la": r["la"].to_numpy(),
            "LAchildID": _ids(r["child"].to_numpy()),
            "CINreferralDate": r["day"].to_numpy(),
            "ReferralSource": r["ReferralSource"].array,
            "PrimaryNeedCode": r["PrimaryNeedCode"].array,
            "CINclosureDate": r["close"].to_numpy(),
            "ReasonForClosure": r["ReasonForClosure"].array,
            "ReferralNFA": r["ReferralNFA"].array,
        }
    )
    iro_alloc, iro_staff = _iro(rngs[5], las, children_scale, p, r, first, last)
    oc3 = _oc3(rngs[6], p_all, las, first, last)
    oc3 = _frame(
        {
            "la": oc3["la"].to_numpy(),
            "CHILD": _ids(oc3["child"].map(id_of)),
            "DOB": oc3["dob"].to_numpy(),
            "IN_TOUCH": oc3["IN_TOUCH"].to_numpy(),
            "ACTIV": oc3["ACTIV"].to_numpy(),
            "ACCOM": oc3["ACCOM"].to_numpy(),
            "YEAR": oc3["YEAR"].to_numpy(),
        }
    )
    ks4c, ks4a = _ks4(rngs[7], p, las, first_year, last_year)
    ks4c["CHILD"] = _ids(ks4c["child"].map(id_of).to_numpy())
    ks4c = ks4c[["la", "CHILD", "ACADEMIC_YEAR", "ATT8", "EM94"]]
    mid = np.arange(first_year - 2, last_year)
    la_m = np.repeat(np.arange(n_las), len(mid))
    mids = np.tile(mid, n_las)
    population = pd.DataFrame(
        {
            "la": la_m,
            "MID_YEAR": mids,
            "POP_0_17": np.round(
                las["pop"].to_numpy()[la_m] * (1 - 0.004 * (last_year - 1 - mids))
            ),
        }
    )
    districts = pd.DataFrame(
        [(f"WD{i}", name) for name, nums in DISTRICTS.items() for i in nums],
        columns=["POSTCODE_DISTRICT", "DISTRICT"],
    )
    districts = pd.concat([districts.assign(la=i) for i in range(n_las)], ignore_index=True)

    tables = {
        "header": header,
        "episodes": episodes,
        "uasc": uasc,
        "oc3": oc3,
        "referrals": referrals,
        "iro_allocations": iro_alloc,
        "iro_staff": iro_staff,
        "ks4_cla": ks4c,
        "ks4_all": ks4a,
        "population": population,
        "districts": districts,
    }
    return _as_written((name, _finish(frame, codes, n_las)) for name, frame in tables.items())


def _as_written(tables: Iterable[tuple[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Codes as the DfE has them in each row's collection year (`codes.recode`): REC E43/E44
    before 2018-19, ACTIV F3/P3 before 2021-22, SEX M/F when the child's latest episode is in
    2024-25 or later."""
    out = dict(tables)
    year = code_lists.collection_year_start
    ep, oc3 = out["episodes"], out["oc3"]
    ep["REC"] = code_lists.recode("REC", ep["REC"], start_years=year(ep["DEC"]))
    oc3["ACTIV"] = code_lists.recode("ACTIV", oc3["ACTIV"], start_years=oc3["YEAR"] - 1)
    keys = [k for k in ("LA", "CHILD") if k in ep.columns]
    latest = ep["DEC"].fillna(ep["DECOM"]).groupby([ep[k] for k in keys]).max()
    for name in ("header", "uasc"):
        t = out[name]
        when = latest.reindex(pd.MultiIndex.from_frame(t[keys]) if len(keys) > 1 else t["CHILD"])
        start = year(pd.Series(when.to_numpy())).to_numpy()
        t["SEX"] = code_lists.recode("SEX", t["SEX"], start_years=start)
    return out


def _iro(
    rng: np.random.Generator,
    las: pd.DataFrame,
    scale: float,
    p: pd.DataFrame,
    r: pd.DataFrame,
    first: int,
    last: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """IRO allocations (every period of care; child protection plans) and IRO staff."""
    target = las["pop"].to_numpy() * las["cla_rate"].to_numpy() / 1e4 * scale
    slots = np.maximum(1, np.round(target / las["caseload"].to_numpy() / 0.905)).astype(np.int64)
    slot_la = np.repeat(np.arange(len(las)), slots)
    slot_first = _prepend(0, np.cumsum(slots)[:-1])
    holders = _holders(rng, slot_la, int(p["start"].min()) - 400, last)
    # looked-after cases: allocated within days of entry, ended with the period of care
    s = p["start"].to_numpy()
    e = p["end"].to_numpy()
    open_ = p["open"].to_numpy()
    cs = np.where(
        open_, s + rng.integers(0, 6, len(p)), np.minimum(s + rng.integers(0, 6, len(p)), e - 1)
    )
    ce = np.where(open_, -1, e)
    # child protection plans: some referrals lead to a plan weeks later, ~8 months long
    cp = (r["ReferralNFA"].array.codes == 0) & (rng.random(len(r)) < 0.09)
    ps = r["day"].to_numpy()[cp] + rng.integers(20, 60, int(cp.sum()))
    pe = ps + 1 + rng.lognormal(np.log(220), 0.6, int(cp.sum())).astype(np.int64)
    ok = ps <= last
    ps, pe = ps[ok], pe[ok]
    pe = np.where(pe > last, -1, pe)
    la = np.r_[p["la"].to_numpy(), r["la"].to_numpy()[cp][ok]]
    child = np.r_[p["cid"].to_numpy(), r["child"].to_numpy()[cp][ok]]
    kind = np.r_[np.full(len(p), "CLA"), np.full(len(ps), "CP")]
    row, h, a_s, a_e = _allocate(rng, holders, slots, slot_first, la, np.r_[cs, ps], np.r_[ce, pe])
    h_rank = holders.groupby("la").cumcount().to_numpy()
    iro_id = np.char.add("IRO", np.char.zfill((h_rank + 1).astype(str), 4)).astype(object)
    alloc = _frame(
        {
            "la": la[row],
            "IRO_ID": iro_id[h],
            "CHILD": _ids(child[row]),
            "START": a_s,
            "END": a_e,
            "CASE_TYPE": kind[row],
        }
    )
    alloc = alloc.sort_values(["la", "START", "CHILD"], kind="stable").reset_index(drop=True)
    staff = _frame(
        {
            "la": holders["la"].to_numpy(),
            "IRO_ID": iro_id,
            "FTE": holders["FTE"].to_numpy(),
            "START": holders["START"].to_numpy(),
            "END": np.where(holders["END"].to_numpy() > last, -1, holders["END"].to_numpy()),
        }
    )
    return alloc, staff


_DAY_COLUMNS = ("DOB", "DECOM", "DEC", "DUC", "CINreferralDate", "CINclosureDate", "START", "END")
_FLOAT_COLUMNS = (
    "FTE",
    "ATT8",
    "EM94",
    "PUPILS",
    "AVG_ATT8",
    "PCT_EM94",
    "POP_0_17",
    "PL_DISTANCE",
)
_INT_COLUMNS = ("YEAR", "MID_YEAR")


def _finish(frame: pd.DataFrame, codes: np.ndarray, n_las: int) -> pd.DataFrame:
    """Day numbers to dates, codes to strings, the `la` index to an `LA` code column."""
    out = {}
    if n_las > 1:
        out["LA"] = pd.Series(codes[frame["la"].to_numpy()], dtype="str")
    for col in frame.columns:
        if col == "la":
            continue
        v = frame[col].array if isinstance(frame[col].dtype, pd.CategoricalDtype) else None
        v = v if v is not None else frame[col].to_numpy()
        if col in _DAY_COLUMNS:
            out[col] = _dates(v)
        elif col in _FLOAT_COLUMNS:
            out[col] = pd.Series(v.astype(float))
        elif col in _INT_COLUMNS:
            out[col] = pd.Series(v.astype(np.int64))
        else:
            out[col] = _to_str(v)
    return pd.DataFrame(out)


def _to_str(values: np.ndarray | pd.Categorical) -> pd.Series:
    """Strings (ids from integers, codes from objects) as pandas `str`, through Arrow."""
    import pyarrow as pa

    if isinstance(values, pd.Categorical):
        cats = pa.array(np.asarray(values.categories, dtype=object), type=pa.large_string())
        codes = pa.array(values.codes.astype(np.int32), mask=values.codes < 0)
        arr = pa.DictionaryArray.from_arrays(codes, cats).cast(pa.large_string())
    elif np.issubdtype(values.dtype, np.integer):
        arr = pa.array(values).cast(pa.large_string())
    else:
        arr = pa.array(np.asarray(values, dtype=object), type=pa.large_string(), from_pandas=True)
    return pd.Series(pd.array(arr, dtype="str"))


# ----------------------------------------------------------------------------- headline figures

_TEMP_PLACES = ("T0", "T1", "T2", "T3", "T4")


def _placement_starts(ep: pd.DataFrame) -> np.ndarray:
    """True for episodes that start a placement under SPEC 5 (later episodes of a child)."""
    child = ep["CHILD"].to_numpy()
    temp = ep["PLACE"].isin(_TEMP_PLACES).to_numpy()
    key = (
        ep["PLACE"].fillna("") + "|" + ep["PLACE_PROVIDER"].fillna("") + "|" + ep["URN"].fillna("")
    ).to_numpy()
    prev_temp = np.r_[False, temp[:-1]] & np.r_[False, child[1:] == child[:-1]]
    last_non_temp = pd.Series(np.where(temp, None, key), dtype=object)
    last_non_temp = last_non_temp.groupby(child).ffill().groupby(child).shift(1).to_numpy()
    is_return = prev_temp & (key == last_non_temp)
    return (
        ep["RNE"].isin(["S", "P", "B"]).to_numpy()
        & ~temp
        & ~ep["PLACE"].isin(["A3", "A5"]).to_numpy()
        & ~is_return
    )


def headline(tables: dict[str, pd.DataFrame], ats: list[str] | pd.DatetimeIndex) -> pd.DataFrame:
    """Wealdshire's headline figures at each date, computed directly from the tables.

    An independent, compact reading of the SPEC section 5 definitions, used to calibrate the
    generator and to set Wealdshire's rows in the synthetic benchmark panel (single LA only).
    """
    ats = pd.DatetimeIndex(pd.to_datetime(list(ats)))
    ep = tables["episodes"]
    ep = ep[~ep["LS"].isin(["V3", "V4"])].sort_values(["CHILD", "DECOM"], kind="stable")
    ep = ep.reset_index(drop=True)
    child = ep["CHILD"].to_numpy()
    new_child = np.r_[True, child[1:] != child[:-1]]
    cont = (ep["REC"].shift(1) == "X1") & (ep["DEC"].shift(1) == ep["DECOM"])
    period = np.cumsum(new_child | ~cont.to_numpy(bool))
    ep["period"] = period
    ep["pstart"] = ep.groupby("period")["DECOM"].transform("first")
    starts = _placement_starts(ep)
    first_of_period = np.r_[True, period[1:] != period[:-1]]
    temp = ep["PLACE"].isin(_TEMP_PLACES).to_numpy()
    dob = tables["header"].drop_duplicates("CHILD").set_index("CHILD")["DOB"]
    pop = tables["population"].set_index("MID_YEAR")["POP_0_17"]
    rows = []
    for at in ats:  # a handful of reference dates
        ws = at - pd.DateOffset(years=1) + pd.Timedelta(days=1)
        on = (ep["DECOM"] <= at) & (ep["DEC"].isna() | (ep["DEC"] > at))
        cur = ep[on]
        n = len(cur)
        # 3+ placements in the window
        inwin = (ep["DECOM"] <= at) & (ep["DEC"].isna() | (ep["DEC"] > ws))
        inwin &= ep["CHILD"].isin(cur["CHILD"]).to_numpy()
        w = ep[inwin & ~temp]
        firstw = np.r_[True, w["CHILD"].to_numpy()[1:] != w["CHILD"].to_numpy()[:-1]]
        counted = firstw | starts[w.index.to_numpy()]
        moves = pd.Series(counted.astype(int)).groupby(w["CHILD"].to_numpy()).sum()
        # long-term stability
        age = (at - dob.reindex(cur["CHILD"])).dt.days.to_numpy() / 365.25
        cohort = cur[(age < 16) & (cur["pstart"] <= at - pd.DateOffset(months=30)).to_numpy()]
        pe = ep[ep["period"].isin(cohort["period"]) & (ep["DECOM"] <= at)]
        ps = pe[starts[pe.index.to_numpy()] | first_of_period[pe.index.to_numpy()]]
        last2 = ps.groupby("period").tail(2)
        lastp = last2.groupby("period").tail(1)
        prevp = last2.groupby("period").head(1).set_index("period")["DECOM"]
        tenure = np.where(
            lastp["PLACE"].isin(["A4", "A6"]),
            prevp.reindex(lastp["period"]).to_numpy(),
            lastp["DECOM"].to_numpy(),
        )
        stable = (pd.Series(tenure) <= at - pd.DateOffset(months=24)).sum()
        rows.append(
            {
                "at": at,
                "cla": n,
                "rate": n / pop.get(at.year - 1, np.nan) * 1e4,
                "pct_3plus": 100 * (moves >= 3).sum() / n,
                "long_stable": 100 * stable / max(len(cohort), 1),
                "long_cohort": len(cohort),
                "foster": 100 * cur["PLACE"].isin(["U1", "U2", "U3", "U4", "U5", "U6"]).mean(),
                "over20": 100 * (cur["PL_DISTANCE"] > 20).mean(),
                # children (not periods) who ceased / started in the year, as DfE counts
                "ceased": ep.loc[
                    (ep["DEC"] >= ws) & (ep["DEC"] <= at) & (ep["REC"] != "X1"), "CHILD"
                ].nunique(),
                "started": ep.loc[
                    (ep["DECOM"] >= ws) & (ep["DECOM"] <= at) & first_of_period, "CHILD"
                ].nunique(),
            }
        )
    out = pd.DataFrame(rows).set_index("at")
    return out.join(_headline_other(tables, ats, ep))


def _headline_other(
    tables: dict[str, pd.DataFrame], ats: pd.DatetimeIndex, ep: pd.DataFrame
) -> pd.DataFrame:
    """Re-referrals, care leavers, IRO caseload and KS4 at each date (see `headline`)."""
    r = tables["referrals"].drop_duplicates(["LAchildID", "CINreferralDate"])
    r = r.sort_values(["LAchildID", "CINreferralDate"], kind="stable")
    prev = r.groupby("LAchildID")["CINreferralDate"].shift(1)
    rere = (prev >= r["CINreferralDate"] - pd.DateOffset(months=12)).to_numpy()
    oc3 = tables["oc3"]
    bday_age = oc3["YEAR"].to_numpy() - 1 - oc3["DOB"].dt.year.to_numpy()
    bday_age = bday_age + (oc3["DOB"].dt.month.to_numpy() <= 3)
    alloc, staff = tables["iro_allocations"], tables["iro_staff"]
    ks4, allp = tables["ks4_cla"], tables["ks4_all"].set_index("ACADEMIC_YEAR")
    rows = []
    for at in ats:
        ws = at - pd.DateOffset(years=1) + pd.Timedelta(days=1)
        inw = ((r["CINreferralDate"] >= ws) & (r["CINreferralDate"] <= at)).to_numpy()
        o = oc3[
            (oc3["YEAR"] == at.year)
            & (bday_age >= 19)
            & (bday_age <= 21)
            & ~oc3["IN_TOUCH"].isin(["DIED", "RHOM"])
        ]
        acc = o[~o["ACCOM"].str[0].isin(["G", "H", "R"])]
        cla = (
            (alloc["CASE_TYPE"] == "CLA")
            & (alloc["START"] <= at)
            & (alloc["END"].isna() | (alloc["END"] > at))
        ).sum()
        fte = staff.loc[
            (staff["START"] <= at) & (staff["END"].isna() | (staff["END"] > at)), "FTE"
        ].sum()
        ay = f"{at.year - 1}/{at.year % 100:02d}"
        k = ks4[ks4["ACADEMIC_YEAR"] == ay]
        lo = at - pd.DateOffset(years=1)
        cont = ep[
            (ep["DECOM"] <= at) & (ep["DEC"].isna() | (ep["DEC"] > at)) & (ep["pstart"] <= lo)
        ]["CHILD"]
        k = k[k["CHILD"].isin(cont)]
        rows.append(
            {
                "at": at,
                "rereferral": 100 * rere[inw].mean(),
                "neet": 100 * o["ACTIV"].isin(["G4", "G5", "G6"]).mean(),
                "eet": 100 * o["ACTIV"].str.match(r"^[FP][1-5]$").mean(),
                "suitable": 100 * acc["ACCOM"].str.endswith("1").mean(),
                "leavers_19_21": len(o),
                "iro_caseload": cla / fte if fte else np.nan,
                "ks4_cohort": len(k),
                "att8_cla": k["ATT8"].mean(),
                "em94_cla": 100 * k["EM94"].mean(),
                "att8_all": allp["AVG_ATT8"].get(ay, np.nan),
            }
        )
    return pd.DataFrame(rows).set_index("at")


# ----------------------------------------------------------------------------- benchmark panel

# Per LAIT measure: Data item text (LAIT fills it in the first year only), first year, decimals,
# centre of the LA distribution per year (2016-2025, roughly the published spread; England's
# own row is recomputed from the synthetic authorities), spread between authorities, and how
# the value relates to the authority's steering draws.
_LAIT: dict[str, dict] = {
    "LAC": {
        "item": "Children Looked after rate per 10,000",
        "first": 2016,
        "dp": 0,
        "centre": [66, 69, 71, 76, 79, 79, 79, 79, 77, 74],
    },
    "LACnum": {"item": "Number of Looked after Children", "first": 2016, "dp": 0},
    "LACnum_Start": {
        "item": "Number of Children who started to be looked after during the year ending 31 March",
        "first": 2016,
        "dp": 0,
    },
    "LACceased": {
        "item": "Number of children who ceased to be looked after during the year",
        "first": 2016,
        "dp": 0,
    },
    "LAC_Foster_Placements": {
        "item": None,
        "first": 2020,
        "dp": 0,
        "centre": [72, 72, 72, 72, 71.2, 70.3, 69.5, 67.6, 67.6, 67.5],
    },
    "LACStable_2016on": {
        "item": "Placement 1 - % 3 or more places",
        "first": 2016,
        "dp": 0,
        "centre": [10.2, 10.5, 10.6, 10.6, 10.8, 9.0, 9.9, 10.5, 10.8, 10.2],
    },
    "LAC_LongStable%": {
        "item": None,
        "first": 2018,
        "dp": 0,
        "centre": [68, 68, 68.1, 68.1, 67.8, 69.4, 69.8, 67.9, 67.4, 68.2],
    },
    "ReReferral": {
        "item": "Percentage of referrals, within 12 months of a previous referral",
        "first": 2016,
        "dp": 1,
        "long_repr": True,
        "centre": [19.6, 19.6, 19.7, 20.5, 21.2, 21.0, 19.6, 20.8, 20.7, 20.1],
    },
    "CareLeaversNEET": {
        "item": None,
        "first": 2017,
        "dp": 0,
        "centre": [40, 40.4, 39.5, 39.8, 39.1, 41.4, 38.1, 37.8, 39.8, 39.8],
    },
    "CareLeaverEET": {
        "item": "Care Leavers at 19- Education, Employment or Training",
        "first": 2016,
        "dp": 0,
        "centre": [50.7, 50.3, 52.0, 52.6, 53.5, 52.7, 56.0, 56.4, 54.7, 54.9],
    },
    "CareLeaverAcc": {
        "item": "Care Leavers at 19- Suitable accommodation",
        "first": 2016,
        "dp": 0,
        "centre": [84.2, 85.3, 85.1, 86.6, 87.1, 88.7, 88.8, 89.0, 89.4, 89.8],
    },
    "LACDistance": {
        "item": "Children looked after at 31 March placed more than 20 miles from "
        "their home and outside LA boundary",
        "first": 2016,
        "dp": 0,
        "centre": [15.6, 15.6, 16.4, 16.2, 16.7, 17.5, 17.1, 17.0, 17.8, 18.0],
    },
    "LAC_KS4_AVG_Attain8": {
        "item": None,
        "first": 2017,
        "dp": 1,
        "long_repr": True,
        "centre": [19.8, 19.8, 19.1, 19.4, 21.9, 23.7, 20.9, 19.8, 19.7, 17.8],
    },
    "LAC_EngMaths9-4": {
        "item": None,
        "first": 2017,
        "dp": 1,
        "long_repr": True,
        "centre": [20.7, 20.7, 22.4, 22.1, 27.8, 30.9, 25.2, 23.3, 23.1, 21.2],
    },
    "AVG_Attain8_Score": {
        "item": "Average Attainment 8 score per pupil",
        "first": 2016,
        "dp": 1,
        "centre": [50.0, 46.4, 46.7, 46.7, 50.1, 50.9, 48.9, 46.5, 46.2, 46.3],
    },
}
_HEADLINE_OF = {  # LAIT measure -> column of `headline` for Wealdshire's own rows
    "LAC": "rate",
    "LACnum": "cla",
    "LACnum_Start": "started",
    "LACceased": "ceased",
    "LAC_Foster_Placements": "foster",
    "LACStable_2016on": "pct_3plus",
    "LAC_LongStable%": "long_stable",
    "ReReferral": "rereferral",
    "CareLeaversNEET": "neet",
    "CareLeaverEET": "eet",
    "CareLeaverAcc": "suitable",
    "LACDistance": "over20",
    "LAC_KS4_AVG_Attain8": "att8_cla",
    "LAC_EngMaths9-4": "em94_cla",
    "AVG_Attain8_Score": "att8_all",
}
_COUNTS_AND_RATES = ("LAC", "LACnum", "LACnum_Start", "LACceased")
_REGION_ROWS = [  # LAIT area rows: number, name, which LA regions they cover
    (970, "England", None),
    (980, "North East", ["North East"]),
    (981, "North West", ["North West"]),
    (982, "Yorkshire and the Humber", ["Yorkshire and The Humber"]),
    (983, "East Midlands", ["East Midlands"]),
    (984, "West Midlands", ["West Midlands"]),
    (985, "East of England", ["East of England"]),
    (986, "London", ["Inner London", "Outer London"]),
    (987, "London (Inner)", ["Inner London"]),
    (988, "London (Outer)", ["Outer London"]),
    (989, "South East", ["South East"]),
    (990, "South West", ["South West"]),
]
LAIT_COLUMNS = [
    "Short Desc",
    "Data item",
    "Years",
    "LA and Regions",
    "Values",
    "LA Number",
    "Region",
]


def _panel_values(rng: np.random.Generator, las: pd.DataFrame, years: np.ndarray) -> dict:
    """Synthetic LA x year values per LAIT measure (float arrays, NaN = not applicable)."""
    n, ny = len(las), len(years)
    yi = years - 2016

    def centre(m: str) -> np.ndarray:
        return np.asarray(_LAIT[m]["centre"], dtype=float)[yi][None, :]

    def noise(sd: float) -> np.ndarray:
        return rng.normal(0, sd, (n, ny))

    col = {
        c: las[c].to_numpy(dtype=float)[:, None]
        for c in (
            "cla_rate",
            "pop",
            "move_rate",
            "reref",
            "neet_shift",
            "acc_shift",
            "att8_shift",
            "att8_all",
            "dist_share",
        )
    }
    trend = centre("LAC") / 74.0
    v: dict[str, np.ndarray] = {}
    v["LAC"] = col["cla_rate"] * trend * np.exp(noise(0.04))
    v["LACnum"] = v["LAC"] * col["pop"] / 1e4
    v["LACnum_Start"] = v["LACnum"] * 0.4 * np.exp(noise(0.1))
    v["LACceased"] = v["LACnum"] * 0.39 * np.exp(noise(0.1))
    v["LAC_Foster_Placements"] = centre("LAC_Foster_Placements") + noise(5.5)
    v["LACStable_2016on"] = centre("LACStable_2016on") * col["move_rate"] ** 0.9 + noise(1.3)
    v["LAC_LongStable%"] = centre("LAC_LongStable%") - 14 * (col["move_rate"] - 1) + noise(3.5)
    v["ReReferral"] = col["reref"] + centre("ReReferral") - 20.3 + noise(1.8)
    v["CareLeaversNEET"] = centre("CareLeaversNEET") + col["neet_shift"] + noise(3.5)
    v["CareLeaverEET"] = centre("CareLeaverEET") - 0.9 * col["neet_shift"] + noise(3.5)
    v["CareLeaverAcc"] = centre("CareLeaverAcc") + col["acc_shift"] + noise(2.5)
    v["LACDistance"] = col["dist_share"] * 100 * centre("LACDistance") / 17.0 + noise(1.5)
    v["LAC_KS4_AVG_Attain8"] = centre("LAC_KS4_AVG_Attain8") + col["att8_shift"] + noise(2.5)
    v["LAC_EngMaths9-4"] = centre("LAC_EngMaths9-4") + 1.5 * col["att8_shift"] + noise(4.0)
    v["AVG_Attain8_Score"] = col["att8_all"] + centre("AVG_Attain8_Score") - 46.3 + noise(0.4)
    for m, a in v.items():
        lo, hi = (0, None) if m in _COUNTS_AND_RATES else (0, 100)
        a = np.clip(a, lo, hi)
        a[:, years < _LAIT[m]["first"]] = np.nan
        v[m] = a
    return v


def _format_values(rng: np.random.Generator, m: str, vals: np.ndarray) -> np.ndarray:
    """Values as LAIT strings: rounded, '-' when missing; some 1-dp values written with 17
    significant digits ('16.600000000000001'), as the real extract has them."""
    dp = _LAIT[m]["dp"]
    r = np.round(vals, dp)
    out = np.array([f"{x:.{dp}f}" if dp else f"{x:.0f}" for x in np.nan_to_num(r)], dtype=object)
    if _LAIT[m].get("long_repr"):
        long = rng.random(len(r)) < 0.3
        out[long] = [f"{x:.17g}" for x in r[long]]
        out = np.array(
            [
                s.rstrip("0").rstrip(".") if "e" not in s and "." in s and len(s) < 8 else s
                for s in out
            ],
            dtype=object,
        )
    out[np.isnan(r)] = "-"
    return out


def benchmark_panel(
    seed: int, tables: dict[str, pd.DataFrame] | None = None, n: int = 150
) -> pd.DataFrame:
    """Synthetic LAIT long extract: ~150 fictional LAs, region rows and England, 2016-2025.

    With `tables` (Wealdshire's generated tables), Wealdshire's own rows are its computed
    figures at each 31 March, so the panel agrees with what the engine computes for it.
    """
    rng = np.random.default_rng([seed, 8])
    las = authorities(seed, n)
    years = np.arange(2016, 2026)
    vals = _panel_values(rng, las, years)
    if tables is not None:
        head = headline(tables, [f"{y}-03-31" for y in years])
        for m, c in _HEADLINE_OF.items():
            own = head[c].to_numpy(dtype=float)
            vals[m][0] = np.where(years < _LAIT[m]["first"], np.nan, own)
    # areas created by reorganisation have '-' before they existed (as in LAIT)
    new_las = rng.choice(np.arange(1, n), size=3, replace=False)
    for i, y in zip(new_las, (2020, 2021, 2023)):
        for m in vals:
            vals[m][i, years < y] = np.nan
    weights = {m: vals["LACnum"] for m in vals}
    weights["LAC"] = np.repeat(las["pop"].to_numpy(float)[:, None], len(years), 1)
    weights["AVG_Attain8_Score"] = weights["LAC"]
    region_of = las["lait_region"].to_numpy()
    frames = []
    for m, a in vals.items():  # a loop over 13 measures
        rows_v, rows_n, rows_code, rows_reg = (
            [a],
            [las["name"].to_numpy()],
            [las["LA"].to_numpy(int)],
            [region_of],
        )
        for code, name, regs in _REGION_ROWS:
            sel = np.ones(n, bool) if regs is None else np.isin(region_of, regs)
            x = np.where(np.isnan(a[sel]), 0, a[sel])
            w = np.where(np.isnan(a[sel]), 0, weights[m][sel])
            agg = (
                x.sum(0)
                if m in ("LACnum", "LACnum_Start", "LACceased")
                else (x * w).sum(0) / np.maximum(w.sum(0), 1e-9)
            )
            agg = np.where(w.sum(0) > 0, agg, np.nan)
            rows_v.append(agg[None, :])
            rows_n.append(np.array([name]))
            rows_code.append(np.array([code]))
            rows_reg.append(np.array(["NA"]))
        allv = np.vstack(rows_v)
        names, codes_, regs_ = (np.concatenate(x) for x in (rows_n, rows_code, rows_reg))
        k = len(names)
        flat = allv.T.ravel()  # year-major, as LAIT orders its rows
        values = _format_values(rng, m, flat)
        # a few suppressed or unavailable cells among the LAs
        is_la = np.tile((codes_ < 900) & (codes_ != 650), len(years))  # Wealdshire: as computed
        sup = is_la & (values != "-") & (rng.random(len(values)) < 0.025)
        values[sup] = _choice(rng, ["-", "c", "x"], [60, 25, 15], int(sup.sum()))
        if m == "LAC_EngMaths9-4":  # small cohorts: about half of LAs suppressed
            values[is_la & (rng.random(len(values)) < 0.45)] = "-"
        item = np.where(np.repeat(years, k) == 2016, _LAIT[m]["item"] or "", "")
        frames.append(
            pd.DataFrame(
                {
                    "Short Desc": m,
                    "Data item": item,
                    "Years": np.repeat(years.astype(str), k),
                    "LA and Regions": np.tile(names, len(years)),
                    "Values": values,
                    "LA Number": np.tile(codes_, len(years)),
                    "Region": np.tile(regs_, len(years)),
                }
            )
        )
    panel = pd.concat(frames, ignore_index=True)
    order = {m: i for i, m in enumerate(_LAIT)}
    panel = panel.assign(_m=panel["Short Desc"].map(order), _area=panel["LA Number"] >= 900)
    panel = panel.sort_values(
        ["_m", "Years", "_area", "LA and Regions", "LA Number"], kind="stable"
    )
    first_year = panel["Short Desc"].map({m: d["first"] for m, d in _LAIT.items()})
    return panel[panel["Years"].astype(int) >= first_year].reset_index(drop=True)[LAIT_COLUMNS]


_REGION_IND = {
    "East Midlands": 1,
    "East of England": 2,
    "London": 3,
    "North East": 4,
    "North West": 5,
    "South East": 6,
    "South West": 7,
    "West Midlands": 8,
    "Yorkshire and The Humber": 9,
}


def neighbours(seed: int, n: int = 150) -> pd.DataFrame:
    """Synthetic statistical neighbours (10 per LA) in the DfE 2025 wide layout."""
    las = authorities(seed, n)
    feats = np.column_stack(
        [
            np.log(las["pop"].to_numpy(float)),
            (las["type"] == "SC").to_numpy(float),
            las["cla_rate"].to_numpy(float) / 30,
            las["att8_all"].to_numpy(float) / 4,
            las["reref"].to_numpy(float) / 5,
        ]
    )
    feats = (feats - feats.mean(0)) / feats.std(0)
    d = np.sqrt(((feats[:, None, :] - feats[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    order = np.argsort(d, axis=1, kind="stable")[:, :10]
    dist = np.take_along_axis(d, order, axis=1)
    cuts = np.quantile(dist, [0.1, 0.45, 0.8, 0.97])
    labels = np.array(["Extremely close", "Very close", "Close ", "Somewhat close", "Not close"])
    lab = labels[np.searchsorted(cuts, dist)]
    codes = las["LA"].to_numpy(int)
    out = pd.DataFrame(
        {
            "old_la_code": codes,
            "la_name": las["name"].to_numpy(),
            "region_ind": las["region"].map(_REGION_IND).to_numpy(),
            "region_name": las["region"].to_numpy(),
        }
    )
    for j in range(10):  # ten neighbour columns
        out[f"SN_{j + 1}"] = codes[order[:, j]]
        out[f"SN_{j + 1}P"] = lab[:, j]
    return out.sort_values("la_name", kind="stable").reset_index(drop=True)


_BENCH_README = """# Synthetic benchmark data (NOT real statistics)

Everything in this folder is invented by `python -m scorecard.sample` (seed {seed}). The
authorities (codes 601-760, names such as {example}) do not exist; Wealdshire (650,
E10000650, South East) is the fictional county of the bundled sample.

- `lait_long.csv`: a national panel in the layout of DfE's LAIT long extract (`Short Desc,
  Data item, Years, LA and Regions, Values, LA Number, Region`), {n_las} authorities plus
  England (970) and region rows (980-990), years 2016-2025, for the LAIT measures the
  catalogue maps. Values are strings as in LAIT; `-`, `c` and `x` mark missing or suppressed
  cells; the Data item text appears in the first year only, as LAIT has it. Spreads are
  roughly those of the published figures; no real row is copied. Wealdshire's rows are
  computed from the sample itself (years ending 31 March).
- `sn_model_wide.csv`: ten synthetic statistical neighbours per authority, in the layout of
  DfE's 2025 model (`old_la_code,la_name,region_ind,region_name,SN_1,SN_1P,...`), with a
  UTF-8 BOM and the closeness labels as DfE writes them (including `Close ` with a space).

Use it to try the benchmarking features; never present it as a comparison with real
councils.
"""


def write_benchmarks(
    out_dir: str | Path, seed: int = 2025, tables: dict[str, pd.DataFrame] | None = None
) -> list[Path]:
    """Write the synthetic LAIT panel, neighbour list and README into `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    panel = benchmark_panel(seed, tables)
    sn = neighbours(seed)
    p1, p2, p3 = out / "lait_long.csv", out / "sn_model_wide.csv", out / "README.md"
    panel.to_csv(p1, index=False, encoding="utf-8", lineterminator="\n")
    sn.to_csv(p2, index=False, encoding="utf-8-sig", lineterminator="\n")
    p3.write_text(
        _BENCH_README.format(seed=seed, n_las=len(sn), example=", ".join(sn["la_name"].iloc[:2])),
        encoding="utf-8",
    )
    return [p1, p2, p3]


# ----------------------------------------------------------------------------- writing files

# the big tables are Parquet; the rest are CSV, as councils' extracts are
PARQUET_TABLES = ("referrals", "iro_allocations")
_WHOLE_NUMBERS = ("EM94", "PUPILS", "POP_0_17", "YEAR", "MID_YEAR")


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as dd/mm/YYYY, whole numbers without '.0', blanks as empty cells."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%d/%m/%Y").fillna("")
        elif col in _WHOLE_NUMBERS:
            out[col] = s.round().astype("Int64").astype("str").fillna("")
    return out


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Deterministic Parquet: no index, fixed compression, dates as milliseconds."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata(None)  # no pandas/pyarrow version in the bytes
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=9,
        coerce_timestamps="ms",
        allow_truncated_timestamps=True,
        store_schema=False,
    )


def write_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write tables into `out_dir` (CSV, the big ones Parquet); returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        if name in PARQUET_TABLES:
            path = out / f"{name}.parquet"
            _write_parquet(frame, path)
        else:
            path = out / f"{name}.csv"
            _csv_ready(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths


def write_sample(out_dir: str | Path | None = None, seed: int = 2025) -> list[Path]:
    """Generate Wealdshire and write the sample (and `benchmarks/`) into `out_dir`.

    Default `out_dir`: the repository's `data/sample/`. Same seed, byte-identical files.
    """
    default = Path(__file__).resolve().parent.parent / "data" / "sample"
    out = Path(out_dir) if out_dir is not None else default
    tables = generate(seed)
    paths = write_tables(tables, out)
    paths += write_benchmarks(out / "benchmarks", seed, tables)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m scorecard.sample",
        description="Write the synthetic Wealdshire sample and benchmark panel.",
    )
    parser.add_argument("--out", default=None, help="output folder (default: data/sample)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    paths = write_sample(args.out, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"Wrote {len(paths)} files ({size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
