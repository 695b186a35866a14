"""The authorities: Wealdshire (LA 650) and about 150 fictional others, with their districts.

Each authority gets a size and persistent "steering" draws (looked-after rate, placement moves,
re-referrals, care leavers, attainment, distance) that the generator and the national
benchmark panel share, so an authority looks the same in its tables and in the panel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .arrays import prepend

WEALDSHIRE = {"LA": "650", "new_code": "E10000650", "name": "Wealdshire", "region": "South East"}
WEALDSHIRE_POP = 268_700  # children aged 0-17, mid-2024: 1,800 looked after = 67 per 10,000
WEALDSHIRE_CLA = 1_800
_WEALDSHIRE_RATE = WEALDSHIRE_CLA / WEALDSHIRE_POP * 1e4


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
DISTRICT_WEIGHT = np.array([12, 6, 11, 7, 10, 6, 9, 6, 12, 7, 9, 5], dtype=float)

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


OUTWARD = np.array([f"WD{i}" for codes in DISTRICTS.values() for i in codes])
OUTWARD_W = np.concatenate(
    [np.full(len(c), w / len(c)) for c, w in zip(DISTRICTS.values(), DISTRICT_WEIGHT)]
)


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
            "LA": prepend(WEALDSHIRE["LA"], codes.astype(str)),
            "new_code": prepend(WEALDSHIRE["new_code"], new_code),
            "name": prepend(WEALDSHIRE["name"], names),
            "type": prepend("SC", kind),
            "region": prepend(WEALDSHIRE["region"], [REGIONS[i][0] for i in region_of]),
            "lait_region": prepend(WEALDSHIRE["region"], lait_region),
            "pop": prepend(WEALDSHIRE_POP, np.round(pop, -2)).astype(np.int64),
            "cla_rate": prepend(
                _WEALDSHIRE_RATE, np.clip(rng.lognormal(np.log(68), 0.38, n - 1), 25, 190)
            ),
            # persistent effects, centred on England (Wealdshire is near England on all)
            "move_rate": prepend(1.0, np.clip(rng.lognormal(0, 0.25, n - 1), 0.5, 2.0)),
            "reref": prepend(22.0, np.clip(rng.normal(21.0, 4.5, n - 1), 8, 40)),
            "neet_shift": prepend(0.0, rng.normal(0, 7.5, n - 1)),
            "acc_shift": prepend(0.0, rng.normal(0, 5.0, n - 1)),
            "att8_shift": prepend(0.0, rng.normal(0, 3.5, n - 1)),
            "att8_all": prepend(46.0, np.clip(rng.normal(46.3, 4.0, n - 1), 34, 60)),
            "dist_share": prepend(0.16, np.clip(rng.normal(0.17, 0.07, n - 1), 0.04, 0.45)),
            "caseload": prepend(60.0, np.clip(rng.normal(62.0, 9.0, n - 1), 40, 95)),
            "uasc_share": prepend(
                0.10, np.clip(rng.lognormal(np.log(0.07), 0.6, n - 1), 0.01, 0.4)
            ),
        }
    )
    return frame


def bordering(las: pd.DataFrame, k: int = 4) -> np.ndarray:
    """Indices (rows of `las`) of `k` authorities bordering each one: its neighbours in code
    order within its region, two either side, wrapping round (a stand-in for geography)."""
    n = len(las)
    order = np.lexsort((las["LA"].to_numpy(int), las["region"].to_numpy()))
    region = las["region"].to_numpy()[order]
    start = np.flatnonzero(np.r_[True, region[1:] != region[:-1]])
    size = np.diff(np.r_[start, n])
    group = np.repeat(np.arange(len(start)), size)
    pos = np.arange(n) - start[group]
    steps = np.array([s for d in range(1, k // 2 + 2) for s in (-d, d)])[:k]
    around = start[group][:, None] + (pos[:, None] + steps[None, :]) % size[group][:, None]
    out = np.empty((n, k), dtype=np.int64)
    out[order] = order[around]
    return out
