"""Day numbers and seeded draws over whole arrays, shared by the generator's modules.

Dates are handled as day numbers (days since 1970-01-01) while generating, so that every step
is plain integer arithmetic over numpy arrays; `to_dates` turns them into datetimes at the end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LAST_DAY = np.datetime64("2025-03-31", "D")
DAY0 = np.datetime64("1970-01-01", "D")


def day_number(d: np.datetime64 | str) -> int:
    """Day number (days since 1970-01-01)."""
    return int((np.datetime64(d, "D") - DAY0).astype(np.int64))


def to_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers (NaN/-1 sentinel = blank) to datetime64[ns]."""
    days = np.asarray(days)
    out = (DAY0 + np.where(days < 0, 0, days).astype("timedelta64[D]")).astype("datetime64[ns]")
    out[days < 0] = np.datetime64("NaT")
    return out


def add_years(dob: np.ndarray, years: int | np.ndarray) -> np.ndarray:
    """Day number of the birthday `years` after `dob` (day numbers; no 29 Feb DOBs here)."""
    d = DAY0 + dob.astype("timedelta64[D]")
    month = d.astype("datetime64[M]")
    offset = d - month.astype("datetime64[D]")
    out = (month + (12 * np.asarray(years)).astype("timedelta64[M]")).astype("datetime64[D]")
    return ((out + offset) - DAY0).astype(np.int64)


def no_leap_day(days: np.ndarray) -> np.ndarray:
    """Move 29 February to 28 February (keeps birthday arithmetic simple)."""
    d = DAY0 + days.astype("timedelta64[D]")
    md = (d - d.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64)
    leap = d.astype("datetime64[Y]").astype(np.int64) % 4 == 2  # 1972, 1976, ... (1970 + 2)
    return np.where(leap & (md == 59), days - 1, days)


def child_ids(child: np.ndarray | pd.Series) -> np.ndarray:
    """Child ids stay integers while generating; `finish` writes them as strings."""
    return np.asarray(child).astype(np.int64)


def object_frame(columns: dict[str, object]) -> pd.DataFrame:
    """A working frame that keeps object (string) arrays as object: converting them to pandas'
    arrow-backed `str` and back at every step is the slow part of a national run."""
    return pd.DataFrame(
        {
            k: pd.Series(v, dtype=object) if isinstance(v, np.ndarray) and v.dtype == object else v
            for k, v in columns.items()
        }
    )


def object_series(values: np.ndarray, index: pd.Index) -> pd.Series:
    """An object Series to assign into a working frame (no `str` inference)."""
    return pd.Series(np.asarray(values, dtype=object), index=index, dtype=object)


def prepend(first: object, rest: np.ndarray) -> np.ndarray:
    """`rest` with `first` in front (Wealdshire's fixed value before the drawn ones)."""
    return np.concatenate([np.asarray([first]), np.asarray(rest)])


def choice(rng: np.random.Generator, codes: list[str], p: list[float], n: int) -> np.ndarray:
    p_arr = np.asarray(p, dtype=float)
    return np.asarray(codes, dtype=object)[rng.choice(len(codes), size=n, p=p_arr / p_arr.sum())]


def choice_codes(
    rng: np.random.Generator, codes: list[str], p: list[float], n: int
) -> pd.Categorical:
    """Like `choice`, as a Categorical (cheap for millions of rows)."""
    p_arr = np.asarray(p, dtype=float)
    idx = rng.choice(len(codes), size=n, p=p_arr / p_arr.sum())
    return pd.Categorical.from_codes(idx, categories=list(codes))


def group_start(keys: np.ndarray) -> np.ndarray:
    """True where a new run of equal `keys` starts (keys sorted)."""
    return np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, bool)


def rank_in_group(keys: np.ndarray) -> np.ndarray:
    """0, 1, 2 ... within runs of equal sorted `keys`."""
    start = group_start(keys)
    idx = np.arange(len(keys))
    return idx - np.maximum.accumulate(np.where(start, idx, 0))


def postcodes(rng: np.random.Generator, outward: np.ndarray) -> np.ndarray:
    """Full fictional postcodes 'WD12 3AB' from outward codes."""
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
    n = len(outward)
    inward = (
        rng.integers(1, 10, n).astype(str)
        + letters[rng.integers(0, 20, n)]
        + letters[rng.integers(0, 20, n)]
    )
    return np.char.add(np.char.add(outward.astype(str), " "), inward)
