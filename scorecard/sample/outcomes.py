"""Care leavers (OC3 rows at the 17th-21st birthdays) and year-11 results (KS4)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .arrays import DAY0, add_years, choice, day_number

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


def draw_oc3(
    rng: np.random.Generator, p: pd.DataFrame, las: pd.DataFrame, first: int, last: int
) -> pd.DataFrame:
    """OC3 rows: care leavers in the year of their 17th-21st birthdays, one per year."""
    dob = p["dob"].to_numpy()
    fourteen = add_years(dob, 14)
    left = ~p["open"].to_numpy() & ((p["end"].to_numpy() - dob) / 365.25 >= 16)
    long_enough = p["end"].to_numpy() - np.maximum(p["start"].to_numpy(), fourteen) >= 91
    q = p[left & long_enough].drop_duplicates(["la", "child"], keep="last")
    rows = q.loc[q.index.repeat(5)].reset_index(drop=True)
    age = np.tile(np.arange(17, 22), len(q))
    bday = add_years(rows["dob"].to_numpy(), age)
    ok = (bday >= rows["end"].to_numpy()) & (bday >= first) & (bday <= last)
    rows, age, bday = rows[ok].reset_index(drop=True), age[ok], bday[ok]
    d = DAY0 + bday.astype("timedelta64[D]")
    yr = d.astype("datetime64[Y]").astype(np.int64) + 1970
    mon = (d.astype("datetime64[M]").astype(np.int64) % 12) + 1
    rows["YEAR"] = np.where(mon <= 3, yr, yr + 1)
    m = len(rows)
    older = age >= 19
    in_touch = choice(rng, *_IN_TOUCH, m)
    la = rows["la"].to_numpy()
    p_neet = np.where(older, 0.43 + las["neet_shift"].to_numpy()[la] / 100, 0.30)
    neet = rng.random(m) < np.clip(p_neet, 0.05, 0.9)
    activ = np.where(neet, choice(rng, *_NEET, m), choice(rng, *_EET, m))
    letter = choice(rng, *_ACCOM, m)
    p_suit = np.clip(0.985 + las["acc_shift"].to_numpy()[la] / 100, 0.4, 0.995)
    suitable = (rng.random(m) < p_suit) & ~np.isin(letter, ["S", "X"])  # no S1 or X1 code
    accom = np.char.add(letter.astype(str), np.where(suitable, "1", "2")).astype(object)
    gone = np.isin(in_touch, ["NO", "REFU", "NREQ", "DIED"])
    rows["IN_TOUCH"] = in_touch
    rows["ACTIV"] = np.where(gone, "0", activ)
    rows["ACCOM"] = np.where(gone, "0", accom)
    return rows[["la", "child", "dob", "IN_TOUCH", "ACTIV", "ACCOM", "YEAR"]]


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


def draw_ks4(
    rng: np.random.Generator, p: pd.DataFrame, las: pd.DataFrame, first_year: int, last_year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Year-11 results of looked-after pupils (virtual school) and all-pupil LA figures."""
    dob = p["dob"].to_numpy()
    d = DAY0 + dob.astype("timedelta64[D]")
    yr = d.astype("datetime64[Y]").astype(np.int64) + 1970
    mon = (d.astype("datetime64[M]").astype(np.int64) % 12) + 1
    ay_end = np.where(mon >= 9, yr + 17, yr + 16)  # year 11 ends in the summer they turn 16
    lo = np.array([day_number(f"{y - 1}-04-01") for y in range(1900, 2101)])
    hi = np.array([day_number(f"{y}-03-31") for y in range(1900, 2101)])
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
