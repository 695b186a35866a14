"""Versioned DfE code lists: which codes are valid in which collection year."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard import codes


def test_every_list_loads_with_unique_codes() -> None:
    for name in codes.LISTS:
        frame = codes.code_list(name)
        assert len(frame) > 0, name
        assert frame["code"].is_unique, name
        assert (frame["description"].str.len() > 0).all(), name
        assert (frame["first"] <= frame["last"]).all(), name


def test_spec_changes_between_collection_years() -> None:
    # 2024-25 dropped H5 and P2 and added K3
    assert {"H5", "P2"} <= codes.valid_codes("PLACE", "2023-24")
    assert not {"H5", "P2"} & codes.valid_codes("PLACE", "2024-25")
    assert "K3" in codes.valid_codes("PLACE", "2024-25")
    assert "K3" not in codes.valid_codes("PLACE", "2023-24")
    # 2025-26 replaced Z1 with Z11-Z14
    assert "Z1" in codes.valid_codes("PLACE", "2024-25")
    assert "Z1" not in codes.valid_codes("PLACE", "2025-26")
    assert {"Z11", "Z12", "Z13", "Z14"} <= codes.valid_codes("PLACE", "2025-26")
    assert not {"Z11", "Z14"} & codes.valid_codes("PLACE", "2024-25")
    # SEX moved from 1/2 to M/F/U
    assert codes.valid_codes("SEX", "2024-25") == {"1", "2"}
    assert codes.valid_codes("SEX", "2025-26") == {"M", "F", "U"}
    # without a year: every code valid in any year
    assert {"H5", "K3", "Z1", "Z11"} <= codes.valid_codes("PLACE")


def test_codes_named_in_the_guidance_are_present() -> None:
    place = codes.valid_codes("PLACE")
    assert {"A3", "A4", "A5", "A6", "K1", "K2", "P1", "P3", "R1", "R2", "R3", "R5", "S1"} <= place
    assert {f"T{i}" for i in range(5)} | {f"U{i}" for i in range(1, 7)} <= place
    assert codes.valid_codes("RNE") == {"B", "L", "P", "S", "T", "U"}
    ls = {"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"}
    assert codes.valid_codes("LS") == ls
    rec = codes.valid_codes("REC")
    assert {"E11", "E12", "E13", "E17", "E2", "E9", "E41", "E45", "E48", "X1"} <= rec
    assert codes.valid_codes("IN_TOUCH") == {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}
    activ = codes.valid_codes("ACTIV")
    assert {f"F{i}" for i in range(1, 6)} | {f"P{i}" for i in range(1, 6)} <= activ
    assert {"G4", "G5", "G6", "0"} <= activ
    accom = codes.valid_codes("ACCOM")
    # 16 letters, each with suffix 1 (suitable) or 2 (not suitable), plus 0 = not in touch
    assert len(accom) == 16 * 2 + 1 and {"B1", "Z2", "0"} <= accom and "B3" not in accom
    assert codes.valid_codes("PLACE_PROVIDER") == {f"PR{i}" for i in range(6)}
    assert {"CARPL", "OTHER"} <= codes.valid_codes("REASON_PLACE_CHANGE")


def test_years_valid() -> None:
    assert codes.years_valid("PLACE", "H5") == (
        "2019-20",
        "2020-21",
        "2021-22",
        "2022-23",
        "2023-24",
    )
    assert codes.years_valid("PLACE", "k3") == ("2024-25", "2025-26")  # case-insensitive
    assert codes.years_valid("PLACE", "Z11") == ("2025-26",)
    assert (
        codes.years_valid("PLACE", "U1")[0] == "2019-20"
        and len(codes.years_valid("PLACE", "U1")) == 7
    )
    assert codes.years_valid("PLACE", "XX") == ()


def test_year_forms() -> None:
    # 2025 as an int is the collection-year end, as in the oc3 YEAR column
    assert codes.year_start("2024-25") == codes.year_start("2024/25") == 2024
    assert codes.year_start(2025) == codes.year_start("2024/2025") == 2024
    assert codes.year_start(pd.Timestamp("2024-04-01")) == 2024
    assert codes.year_start(pd.Timestamp("2024-03-31")) == 2023
    # years past the known range use the latest guidance; before it, the earliest
    assert codes.valid_codes("PLACE", "2030-31") == codes.valid_codes("PLACE", "2025-26")
    assert codes.valid_codes("PLACE", "2010-11") == codes.valid_codes("PLACE", "2019-20")
    with pytest.raises(codes.CodeListError, match="not a collection year"):
        codes.valid_codes("PLACE", "2024-26")
    with pytest.raises(codes.CodeListError, match="No code list"):
        codes.valid_codes("PLACES")


def test_collection_year_start_vectorised() -> None:
    s = pd.Series(pd.to_datetime(["2024-03-31", "2024-04-01", None]))
    out = codes.collection_year_start(s)
    assert out.tolist()[:2] == [2023.0, 2024.0] and pd.isna(out.iloc[2])


def test_versioned_lists() -> None:
    assert codes.versioned("PLACE") and codes.versioned("SEX")
    assert not codes.versioned("RNE")
    assert codes.describe("REC", "e11").startswith("Adopted")
