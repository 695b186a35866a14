"""Breakdowns and the aggregation of unit rows (shared by every measure)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.breakdowns import (
    BreakdownError,
    add_breakdowns,
    district_of,
    outward_code,
    summarise,
)
from scorecard.care import child_key
from scorecard.periods import parse_at


def test_outward_code_forms() -> None:
    got = outward_code(pd.Series(["ME14 1XX", "me141xx", " CT1 2AB ", "ME14", None]))
    assert got.tolist()[:4] == ["ME14", "ME14", "CT1", "ME14"]
    assert pd.isna(got.iloc[4])


def test_summarise_percent_fills_missing_dates() -> None:
    at = parse_at(["2024-12-31", "2025-03-31"])
    units = pd.DataFrame(
        {"period_end": pd.to_datetime(["2025-03-31"] * 4), "num": [1, 0, 1, 1], "den": [1, 1, 1, 1]}
    )
    out = summarise(units, at, [], "percent")
    # 2024-12-31 has no unit: 0 of 0, value blank; 2025-03-31: 3 of 4 = 75%
    assert out["numerator"].tolist() == [0, 3]
    assert out["denominator"].tolist() == [0, 4]
    assert np.isnan(out["value"].iloc[0]) and out["value"].iloc[1] == 75.0


def test_summarise_median_mean_count() -> None:
    at = parse_at("2025-03-31")
    units = pd.DataFrame(
        {"period_end": pd.to_datetime(["2025-03-31"] * 4), "num": [10, 20, 30, 100], "den": 1}
    )
    med = summarise(units, at, [], "median")
    assert med["value"].item() == 25.0  # median of 10, 20, 30, 100
    # a median carries the cohort size only: no sum of days beside it
    assert np.isnan(med["numerator"].item()) and med["denominator"].item() == 4
    assert summarise(units, at, [], "mean")["value"].item() == 40.0
    cnt = summarise(units.assign(num=1), at, [], "count")
    assert cnt["value"].item() == 4 and np.isnan(cnt["denominator"].item())


def test_add_breakdowns_standard() -> None:
    ds = sc.Dataset.from_frames(
        header=pd.DataFrame(
            {
                "CHILD": ["A", "B", "C"],
                "SEX": ["1", "F", "2"],
                "DOB": ["31/03/2010", "01/04/2010", "01/01/2024"],
                "ETHNIC": ["WBRI", "WBRI", "MIXD"],
            }
        ),
        uasc=pd.DataFrame({"CHILD": ["B"], "DUC": [None]}),
        districts=pd.DataFrame({"POSTCODE_DISTRICT": ["WD1"], "DISTRICT": ["Ashdown"]}),
    )
    units = pd.DataFrame(
        {
            "period_end": pd.to_datetime(["2025-03-31"] * 3),
            "cid": child_key(ds, pd.DataFrame({"CHILD": ["A", "B", "C"]})),
            "entry_date": pd.to_datetime(["2011-03-31", "2020-01-01", "2024-01-01"]),
            "HOME_POST": ["WD1 1AA", "ZZ9 9ZZ", None],
            "num": 1,
            "den": 1,
        }
    )
    out = add_breakdowns(
        ds,
        units,
        ["age_band", "age_at_entry_band", "sex", "uasc", "district", "ETHNIC"],
        entry_date="entry_date",
    )
    # A turns 15 on 31/03/2025 (birthday counts); B is 14 the day before their 15th birthday
    assert list(out["age_band"].astype(str)) == ["10 to 15", "10 to 15", "1 to 4"]
    # A entered on their 1st birthday (1 to 4); C entered at birth (under 1)
    assert list(out["age_at_entry_band"].astype(str)) == ["1 to 4", "5 to 9", "under 1"]
    assert list(out["sex"]) == ["Male", "Female", "Female"]
    assert list(out["uasc"]) == ["Not UASC", "UASC", "Not UASC"]
    assert list(out["district"]) == ["Ashdown", "Unknown", "Unknown"]
    assert list(out["ETHNIC"]) == ["WBRI", "WBRI", "MIXD"]
    by_age = summarise(out, parse_at("2025-03-31"), ["age_band"], "count")
    assert by_age["numerator"].sum() == 3


def test_private_and_unknown_breakdowns_refused() -> None:
    ds = sc.Dataset.from_frames(
        header=pd.DataFrame({"CHILD": ["A"], "SEX": ["1"], "DOB": ["01/01/2010"]})
    )
    units = pd.DataFrame(
        {"period_end": pd.to_datetime(["2025-03-31"]), "cid": [0], "num": 1, "den": 1}
    )
    with pytest.raises(BreakdownError, match="identifies a child"):
        add_breakdowns(ds, units, ["DOB"])
    with pytest.raises(BreakdownError, match="no such column"):
        add_breakdowns(ds, units, ["shoe_size"])
    with pytest.raises(BreakdownError, match="age at entry"):
        add_breakdowns(ds, units, ["age_at_entry_band"])
    with pytest.raises(BreakdownError, match="districts"):
        district_of(ds, pd.Series(["WD1 1AA"]))
