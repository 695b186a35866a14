"""Time in care: of children who ceased in the window (mean, median) and so far (current).

Days are counted by hand in the comments (2024 is a leap year: 29 February 2024).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.care import children
from scorecard.engine import compute_each, unit_values
from scorecard.measures.time_in_care import leavers
from scorecard.periods import parse_at
from scorecard.registry import registry

COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC", "HOME_POST"]


def row(df: pd.DataFrame, **where: object) -> pd.Series:
    mask = np.ones(len(df), dtype=bool)
    for k, v in where.items():
        mask &= (df[k] == v).to_numpy()
    assert mask.sum() == 1, (where, df)
    return df.loc[mask].iloc[0]


CEASED = pd.DataFrame(
    [
        # A: one period 01/04/2024 (= ws) to 31/03/2025 (= at): 364 days
        ("A", "01/04/2024", "S", "C2", "U1", "31/03/2025", "E11", "ME14 2XX"),
        # B: X1 chain from 01/01/2023, ceased 01/04/2024 (= ws): 365 (2023) + 31 + 29 + 31
        # = 456 days, counted from the chain's first DECOM
        ("B", "01/01/2023", "S", "C2", "U1", "01/07/2023", "X1", "CT1 3ZZ"),
        ("B", "01/07/2023", "P", "C2", "U2", "01/04/2024", "E13", "CT1 3ZZ"),
        # C: ceased twice in the window; the last period 01/09/2024-01/12/2024 = 30 + 31 + 30
        # = 91 days counts (not the first, 01/05/2024-01/06/2024 = 31 days)
        ("C", "01/05/2024", "S", "C2", "U1", "01/06/2024", "E13", "ME14 1AA"),
        ("C", "01/09/2024", "S", "C2", "U1", "01/12/2024", "E4A", "CT1 2AB"),
        # D: DEC 01/04/2025 = at + 1: outside the window to 31/03/2025
        ("D", "01/04/2024", "S", "C2", "U1", "01/04/2025", "E13", "ME14 1AA"),
        # E: period spanning the window start, 01/01/2020-01/01/2025:
        # 366 + 365 + 365 + 365 + 366 = 1827 days
        ("E", "01/01/2020", "S", "C2", "U1", "01/01/2025", "E11", "TN1 1AA"),
        # F: 01/02/2024-01/03/2024 = 29 days (leap February); before the window to 31/03/2025
        ("F", "01/02/2024", "S", "C2", "U1", "01/03/2024", "E13", "ME14 1AA"),
        # G: V3 short breaks ending in the window: never counted
        ("G", "01/06/2024", "S", "V4", "U1", "01/07/2024", "E13", "ME14 1AA"),
        # K: open X1 chain: an X1 end is not a ceasing
        ("K", "01/01/2024", "S", "C2", "U1", "01/06/2024", "X1", "ME14 1AA"),
        ("K", "01/06/2024", "P", "C2", "U2", None, None, "ME14 1AA"),
    ],
    columns=COLS,
)
CEASED_DOB = {
    "A": "01/04/2020",  # 4 on entry (4th birthday = DECOM) and on leaving: '1 to 4'
    "B": "01/02/2007",  # 15 on entry (01/01/2023), 17 on leaving (01/04/2024)
    "C": "15/12/2008",  # 15 on entry and on leaving (01/12/2024), 16 at 31/03/2025
    "D": "01/01/2010",
    "E": "01/06/2019",  # 0 on entry (01/01/2020), 5 on leaving (01/01/2025)
    "F": "01/01/2010",
    "G": "01/01/2010",
    "K": "01/01/2010",
}


def ceased_ds() -> sc.Dataset:
    return sc.Dataset.from_frames(
        episodes=CEASED,
        header=pd.DataFrame(
            {
                "CHILD": list(CEASED_DOB),
                "SEX": ["1", "2", "2", "1", "1", "1", "1", "1"],
                "DOB": list(CEASED_DOB.values()),
            }
        ),
        # C is UASC until 01/01/2025 (after leaving); B's DUC is its leaving day
        uasc=pd.DataFrame({"CHILD": ["C", "B"], "DUC": ["01/01/2025", "01/04/2024"]}),
        districts=pd.DataFrame(
            {"POSTCODE_DISTRICT": ["ME14", "CT1"], "DISTRICT": ["Maidstone", "Canterbury"]}
        ),
    )


def test_leavers_cohort_last_ceasing() -> None:
    ds = ceased_ds()
    units = leavers(ds, parse_at("2025-03-31"))
    got = dict(zip(children(ds)["CHILD"].to_numpy()[units["cid"]], units["days"]))
    assert got == {"A": 364.0, "B": 456.0, "C": 91.0, "E": 1827.0}


def test_time_in_care_ceased_mean_and_median_even() -> None:
    ds = ceased_ds()
    mean = sc.compute("time_in_care_ceased", ds, at="2025-03-31")
    # A 364, B 456, C 91, E 1827: sum 2738 over 4 children, mean 684.5
    assert mean["numerator"].item() == 2738 and mean["denominator"].item() == 4
    assert mean["value"].item() == 684.5
    median = sc.compute("time_in_care_ceased_median", ds, at="2025-03-31")
    # sorted 91, 364, 456, 1827: median (364 + 456) / 2 = 410
    assert median["value"].item() == 410.0
    assert np.isnan(median["numerator"].item()) and median["denominator"].item() == 4


def test_time_in_care_ceased_median_odd_and_window_moves() -> None:
    ds = ceased_ds()
    at = ["31/12/2024", "30/09/2024"]
    # at 31/12/2024 (window 01/01/2024-31/12/2024): B 456 (01/04/2024), C 91 (last ceasing
    # 01/12/2024), F 29 (01/03/2024); E ceased 01/01/2025 = at + 1: out. Median 91, mean 192.
    # at 30/09/2024 (window 01/10/2023-30/09/2024): B 456, C 31 (only its first period had
    # ended), F 29: mean 516 / 3 = 172, median 31.
    median = sc.compute("time_in_care_ceased_median", ds, at=at)
    assert median["value"].tolist() == [31.0, 91.0]
    mean = sc.compute("time_in_care_ceased", ds, at=at)
    assert mean["value"].tolist() == [172.0, 192.0]
    assert mean["denominator"].tolist() == [3, 3]


def test_time_in_care_ceased_by_age_at_entry_and_at_leaving() -> None:
    ds = ceased_ds()
    entry = sc.compute("time_in_care_ceased", ds, at="2025-03-31", by="age_at_entry_band")
    # entry ages: A 4 ('1 to 4', 364), B 15 and C 15 ('10 to 15': (456 + 91) / 2 = 273.5),
    # E 0 ('under 1', 1827)
    assert row(entry, age_at_entry_band="1 to 4")["value"] == 364
    assert row(entry, age_at_entry_band="10 to 15")["value"] == 273.5
    assert row(entry, age_at_entry_band="10 to 15")["denominator"] == 2
    assert row(entry, age_at_entry_band="under 1")["value"] == 1827
    leaving = sc.compute("time_in_care_ceased", ds, at="2025-03-31", by="age_band")
    # ages at leaving: A 4, B 17, C 15 (16 only at at), E 5
    assert row(leaving, age_band="1 to 4")["value"] == 364
    assert row(leaving, age_band="16 and over")["value"] == 456
    assert row(leaving, age_band="10 to 15")["value"] == 91
    assert row(leaving, age_band="5 to 9")["value"] == 1827


def test_time_in_care_ceased_by_uasc_sex_district() -> None:
    ds = ceased_ds()
    uasc = sc.compute("time_in_care_ceased", ds, at="2025-03-31", by="uasc")
    # UASC at any time in the period of care (SPEC 5): C (DUC 01/01/2025) and B, whose status
    # ended on the day B left (DUC = DEC 01/04/2024): status on the leaving day would hide B
    assert row(uasc, uasc="UASC")["numerator"] == 456 + 91
    assert row(uasc, uasc="Not UASC")["numerator"] == 364 + 1827
    sex = sc.compute("time_in_care_ceased", ds, at="2025-03-31", by="sex")
    # female: B 456, C 91 -> 273.5; male: A 364, E 1827 -> 1095.5
    assert row(sex, sex="Female")["value"] == 273.5
    assert row(sex, sex="Male")["value"] == 1095.5
    district = sc.compute("time_in_care_ceased", ds, at="2025-03-31", by="district")
    # HOME_POST of the ceasing episode: A ME14 (Maidstone); B CT1, C's last period CT1
    # (Canterbury: 456 + 91); E TN1 is not in the lookup (Unknown)
    assert row(district, district="Maidstone")["value"] == 364
    assert row(district, district="Canterbury")["numerator"] == 547
    assert row(district, district="Unknown")["value"] == 1827


def test_each_leavers_days_for_the_spread_from_one_build() -> None:
    # the days the mean and median are taken from, as the card's spread test reads them:
    # at 31/03/2025 A 364, B 456, C 91, E 1827; at 31/12/2024 B 456, C 91, F 29 (above);
    # 30/06/2024 is asked of neither view, so it is left out of the views' build
    ds = ceased_ds()
    want = {"2024-12-31": [29.0, 91.0, 456.0], "2025-03-31": [91.0, 364.0, 456.0, 1827.0]}
    alone = unit_values("time_in_care_ceased_median", ds, at=list(want))
    views = [(["2024-09-30", "2024-12-31", "2025-03-31"], None), ("2025-03-31", "district")]
    values_at = ["2024-06-30", *want]
    *_, shared = compute_each("time_in_care_ceased", ds, views, values_at=values_at)
    for got in (alone, shared):
        days = got.groupby(got["period_end"].dt.strftime("%Y-%m-%d"))["value"]
        assert days.apply(sorted).to_dict() == want


def test_stat_must_be_mean_or_median() -> None:
    with pytest.raises(ValueError, match="mean, median"):
        registry["time_in_care_ceased"](ceased_ds(), parse_at("2025-03-31"), [], {"stat": "max"})


CURRENT = pd.DataFrame(
    [
        # G: enters on their 1st birthday (DOB 01/05/2023): '1 to 4'. 01/05/2024 to
        # 31/03/2025 = 365 (to 01/05/2025) - 31 = 334 days
        ("G", "01/05/2024", "S", "C2", "U1", None, None),
        # H: born 29/02/2020, enters 28/02/2021, the birthday in a common year: 1, '1 to 4'.
        # 28/02/2021 to 28/02/2025 = 3 x 365 + 366 = 1461, + 31 to 31/03/2025 = 1492
        ("H", "28/02/2021", "S", "C2", "U1", None, None),
        # I: born 29/02/2020, enters 27/02/2021: still 0, 'under 1'. 1493 days
        ("I", "27/02/2021", "S", "C2", "U1", None, None),
        # J: X1 chain from 01/01/2014 (aged 4: '1 to 4'): 01/01/2014 to 01/01/2025 =
        # 11 x 365 + 3 leap days = 4018, + 31 + 28 + 30 = 4107
        ("J", "01/01/2014", "S", "C2", "U1", "01/01/2015", "X1"),
        ("J", "01/01/2015", "P", "C2", "U2", None, None),
        # K: returned: the current period from 01/03/2025 (aged 10) counts: 30 days
        ("K", "01/01/2020", "S", "C2", "U1", "01/01/2021", "E13"),
        ("K", "01/03/2025", "S", "C2", "U1", None, None),
        # L: V3 short breaks: not looked after for this purpose
        ("L", "01/01/2020", "S", "V3", "U1", None, None),
        # M: left on at: not looked after at at
        ("M", "01/01/2020", "S", "C2", "U1", "31/03/2025", "E13"),
    ],
    columns=COLS[:-1],
)


def current_ds() -> sc.Dataset:
    dobs = {
        "G": "01/05/2023",
        "H": "29/02/2020",
        "I": "29/02/2020",
        "J": "01/01/2010",
        "K": "01/03/2015",
        "L": "01/01/2010",
        "M": "01/01/2010",
    }
    return sc.Dataset.from_frames(
        episodes=CURRENT,
        header=pd.DataFrame({"CHILD": list(dobs), "SEX": "1", "DOB": list(dobs.values())}),
    )


def test_time_in_care_current_mean_and_entry_bands() -> None:
    ds = current_ds()
    out = sc.compute("time_in_care_current", ds, at="2025-03-31")
    # G 334 + H 1492 + I 1493 + J 4107 + K 30 = 7456 over 5 children = 1491.2
    assert out["numerator"].item() == 7456 and out["denominator"].item() == 5
    assert out["value"].item() == pytest.approx(1491.2)
    by_entry = sc.compute("time_in_care_current", ds, at="2025-03-31", by="age_at_entry_band")
    # '1 to 4': G, H, J = (334 + 1492 + 4107) / 3; 'under 1': I; '10 to 15': K (not 4 at
    # the start of its first period)
    assert row(by_entry, age_at_entry_band="1 to 4")["value"] == pytest.approx(5933 / 3)
    assert row(by_entry, age_at_entry_band="under 1")["value"] == 1493
    assert row(by_entry, age_at_entry_band="10 to 15")["value"] == 30
    assert set(by_entry["age_at_entry_band"]) == {"under 1", "1 to 4", "10 to 15"}


def test_time_in_care_current_on_several_dates() -> None:
    ds = current_ds()
    out = sc.compute("time_in_care_current", ds, at=["31/12/2019", "2025-03-31"])
    # 31/12/2019: only J is looked after. 01/01/2014 -> 01/01/2020 is 6 x 365 + 1 (29/02/2016)
    # = 2191 days, so to 31/12/2019 it is 2190
    assert out["value"].tolist() == [2190.0, pytest.approx(1491.2)]
