"""Versioned DfE code lists: which codes are valid in which collection year, and why."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from importlib import resources

import pandas as pd
import pytest

from scorecard import codes
from scorecard.inputs import dataset_from_frames

# Every year-bound in the lists, written out by hand from SOURCES.md: (list, codes, first
# valid collection year, last valid collection year); None = open at that end.
BOUNDS: list[tuple[str, tuple[str, ...], str | None, str | None]] = [
    ("PLACE", ("H5", "P2"), None, "2023-24"),
    ("PLACE", ("K3",), "2024-25", None),
    ("PLACE", ("Z1",), None, "2024-25"),
    ("PLACE", ("Z11", "Z12", "Z13", "Z14"), "2025-26", None),
    ("REC", ("E43", "E44"), None, "2017-18"),
    ("REC", ("E45", "E46", "E47", "E48"), "2018-19", None),
    ("REASON_PLACE_CHANGE", ("CUSTOD",), "2018-19", None),
    ("SEX", ("1", "2"), None, "2023-24"),
    ("SEX", ("M", "F", "U"), "2024-25", None),
    ("ACTIV", ("F3", "P3"), None, "2020-21"),
    ("ACTIV", ("F4", "P4", "F5", "P5"), "2021-22", None),
    (
        "SW_REASON",
        (
            "MANAGE",
            "FCONTA",
            "LEFTRL",
            "ORGRST",
            "TSPROC",
            "ABSENC",
            "CHCHAN",
            "PCCHAN",
            "SWDIED",
            "OTHERS",
        ),
        "2023-24",
        None,
    ),
    ("REFERRAL_SOURCE", ("5D",), "2022-23", None),
    ("REASON_FOR_CLOSURE", ("RC9",), "2022-23", None),
]
BOUNDED = [(lst, code, first, last) for lst, cs, first, last in BOUNDS for code in cs]


def _shift(label: str, years: int) -> str:
    return codes.year_label(codes.year_start(label) + years)


def test_known_range_is_2015_16_to_2025_26() -> None:
    assert codes.year_label(codes.FIRST_YEAR) == "2015-16"
    assert codes.year_label(codes.LAST_YEAR) == "2025-26"
    assert codes.years_valid("PLACE", "U1") == tuple(codes.year_label(y) for y in range(2015, 2026))


@pytest.mark.parametrize(("list_name", "code", "first", "last"), BOUNDED)
def test_each_bound_at_its_boundary_years(
    list_name: str, code: str, first: str | None, last: str | None
) -> None:
    if first is not None:
        assert code in codes.valid_codes(list_name, first)
        assert code not in codes.valid_codes(list_name, _shift(first, -1))
        assert codes.years_valid(list_name, code)[0] == first
    else:
        assert code in codes.valid_codes(list_name, "2015-16")
    if last is not None:
        assert code in codes.valid_codes(list_name, last)
        assert code not in codes.valid_codes(list_name, _shift(last, 1))
        assert codes.years_valid(list_name, code)[-1] == last
    else:
        assert code in codes.valid_codes(list_name, "2025-26")
    assert code in codes.valid_codes(list_name)  # valid in some year
    assert codes.versioned(list_name)


def test_bounds_above_are_all_the_bounds_in_the_data() -> None:
    found = set()
    for name in codes.LISTS:
        frame = codes.code_list(name)
        bounded = frame.loc[(frame["first"] > codes.FIRST_YEAR) | (frame["last"] < codes.LAST_YEAR)]
        found |= {(name, c) for c in bounded["code"]}
    assert found == {(lst, code) for lst, code, _, _ in BOUNDED}


def test_custod_is_a_reason_for_placement_change() -> None:
    assert "CUSTOD" in codes.valid_codes("REASON_PLACE_CHANGE")
    for year in ("2018-19", "2024-25", "2025-26", "2031-32"):
        assert "CUSTOD" in codes.valid_codes("REASON_PLACE_CHANGE", year)
    assert "CUSTOD" not in codes.valid_codes("REASON_PLACE_CHANGE", "2017-18")
    assert "custody" in codes.describe("REASON_PLACE_CHANGE", "custod")


def test_sex_moved_to_m_f_u_in_2024_25() -> None:
    assert codes.valid_codes("SEX", "2023-24") == {"1", "2"}
    assert codes.valid_codes("SEX", pd.Timestamp("2024-03-31")) == {"1", "2"}
    assert codes.valid_codes("SEX", pd.Timestamp("2024-04-01")) == {"M", "F", "U"}
    assert codes.valid_codes("SEX", 2025) == {"M", "F", "U"}  # YEAR 2025 = 2024-25
    assert codes.valid_codes("SEX") == {"1", "2", "M", "F", "U"}


def test_the_2025_26_placement_split_and_2024_25_supported_accommodation() -> None:
    assert codes.valid_codes("PLACE", "2025-26") - codes.valid_codes("PLACE", "2024-25") == {
        "Z11",
        "Z12",
        "Z13",
        "Z14",
    }
    assert codes.valid_codes("PLACE", "2024-25") - codes.valid_codes("PLACE", "2025-26") == {"Z1"}
    assert codes.valid_codes("PLACE", "2024-25") ^ codes.valid_codes("PLACE", "2023-24") == {
        "H5",
        "P2",
        "K3",
    }
    assert len(codes.valid_codes("PLACE", "2015-16")) == 27


def test_codes_named_in_the_guidance_are_present() -> None:
    place = codes.valid_codes("PLACE")
    assert {"A3", "A4", "A5", "A6", "K1", "K2", "P1", "P3", "R1", "R2", "R3", "R5", "S1"} <= place
    assert {f"T{i}" for i in range(5)} | {f"U{i}" for i in range(1, 7)} <= place
    assert codes.valid_codes("RNE") == {"B", "L", "P", "S", "T", "U"}
    ls = {"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"}
    assert codes.valid_codes("LS") == ls
    rec = codes.valid_codes("REC", "2024-25")
    assert {"E11", "E12", "E13", "E17", "E2", "E9", "E41", "E45", "E48", "E4A", "X1"} <= rec
    assert len(rec) == 22 and len(codes.valid_codes("REC", "2017-18")) == 20
    assert codes.valid_codes("IN_TOUCH") == {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}
    assert codes.valid_codes("ACTIV", "2024-25") == {
        *(f"{fp}{n}" for fp in "FP" for n in (1, 2, 4, 5)),
        "G4",
        "G5",
        "G6",
        "0",
    }
    accom = codes.valid_codes("ACCOM")
    # 16 letters with 1 (suitable) or 2 (not); no fixed abode and custody only as 2; 0 = not in touch
    assert len(accom) == 16 * 2 - 2 + 1 and {"B1", "S2", "X2", "Z2", "0"} <= accom
    assert not {"S1", "X1", "B3"} & accom
    assert codes.valid_codes("PLACE_PROVIDER") == {f"PR{i}" for i in range(6)}
    assert codes.valid_codes("CIN") == {f"N{i}" for i in range(1, 9)}  # N9, N0: CIN census only
    assert codes.valid_codes("PRIMARY_NEED_CODE") == {f"N{i}" for i in range(10)}
    assert codes.valid_codes("REASON_FOR_CLOSURE", "2021-22") == {f"RC{i}" for i in range(1, 9)}
    assert len(codes.valid_codes("REFERRAL_SOURCE", "2021-22")) == 21
    assert codes.valid_codes("PL_LOCATION") == {"IN", "OUT"}
    assert codes.valid_codes("REFERRAL_NFA") == {"0", "1", "TRUE", "FALSE"}
    assert len(codes.valid_codes("ETHNIC")) == 20 and {"WBRI", "NOBT", "REFU"} <= codes.valid_codes(
        "ETHNIC"
    )


def test_year_forms_and_clamping() -> None:
    # 2025 as an int is the collection-year end, as in the oc3 YEAR column
    assert codes.year_start("2024-25") == codes.year_start("2024/25") == 2024
    assert codes.year_start(2025) == codes.year_start("2024/2025") == 2024
    assert codes.year_start(pd.Timestamp("2024-04-01")) == 2024
    assert codes.year_start(pd.Timestamp("2024-03-31")) == 2023
    # years past the known range use the latest guidance; before it, the earliest
    assert codes.valid_codes("PLACE", "2030-31") == codes.valid_codes("PLACE", "2025-26")
    assert codes.valid_codes("REC", "2010-11") == codes.valid_codes("REC", "2015-16")
    assert "E43" in codes.valid_codes("REC", pd.Timestamp("2012-06-30"))
    assert "E45" not in codes.valid_codes("REC", pd.Timestamp("2012-06-30"))
    assert codes.years_valid("REC", "e43") == ("2015-16", "2016-17", "2017-18")  # any case
    assert codes.years_valid("PLACE", "XX") == ()
    with pytest.raises(codes.CodeListError, match="not a collection year"):
        codes.valid_codes("PLACE", "2024-26")
    with pytest.raises(codes.CodeListError, match="not a collection year"):
        codes.valid_codes("PLACE", True)


def test_collection_year_start_vectorised() -> None:
    s = pd.Series(pd.to_datetime(["2024-03-31", "2024-04-01", None]))
    out = codes.collection_year_start(s)
    assert out.tolist()[:2] == [2023.0, 2024.0] and pd.isna(out.iloc[2])


def test_lists_by_name_or_dfe_column() -> None:
    assert codes.COLUMNS["ReferralSource"] == "REFERRAL_SOURCE"
    assert codes.COLUMNS["PrimaryNeedCode"] == "PRIMARY_NEED_CODE"
    assert codes.COLUMNS["ReasonForClosure"] == "REASON_FOR_CLOSURE"
    assert codes.COLUMNS["ReferralNFA"] == "REFERRAL_NFA"
    assert codes.COLUMNS["CIN"] == "CIN" and codes.COLUMNS["PL_LOCATION"] == "PL_LOCATION"
    for column, name in codes.COLUMNS.items():
        assert codes.valid_codes(column) == codes.valid_codes(name)
    assert codes.valid_codes("referral_source") == codes.valid_codes("ReferralSource")
    assert codes.describe("RNE", "t").startswith("Change of placement only")
    with pytest.raises(codes.CodeListError, match="No code list 'PLACES'; known lists: LS"):
        codes.valid_codes("PLACES")


def test_every_list_loads_with_unique_codes_and_sources() -> None:
    index = codes.list_index()
    assert tuple(index["list"]) == codes.LISTS and len(codes.LISTS) == 26
    assert (index["source"].str.len() > 0).all() and (index["title"].str.len() > 0).all()
    assert set(index["return"]) == {"SSDA903", "CIN census"}
    notes = resources.files("scorecard.codes").joinpath("SOURCES.md").read_text("utf-8")
    for name in codes.LISTS:
        frame = codes.code_list(name)
        assert len(frame) > 0 and frame["code"].is_unique, name
        assert (frame["description"].str.len() > 0).all(), name
        assert (frame["first"] <= frame["last"]).all(), name
        bounded = (frame["first"] > codes.FIRST_YEAR) | (frame["last"] < codes.LAST_YEAR)
        assert (frame.loc[bounded, "source"].str.len() > 0).all(), name
        assert f"**{name}**" in notes, name  # each list has its paragraph in SOURCES.md


@pytest.fixture
def fake_list(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Serve PLACE from a hand-written CSV (the cached real lists are set aside)."""
    files: dict[str, str] = {}
    real = codes._read

    def read(file_name: str) -> list[dict[str, str]]:
        if file_name == "place.csv" and "place.csv" in files:
            return list(csv.DictReader(io.StringIO(files["place.csv"])))
        return real(file_name)

    codes._load.cache_clear()
    monkeypatch.setattr(codes, "_read", read)
    yield files
    codes._load.cache_clear()


HEAD = "code,description,first_year,last_year,replaced_by,source\n"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "K1,Secure,2024-25,2023-24,,guide\n",
            "place.csv row 2 (K1): first_year is after last_year",
        ),
        ("K1,Secure,,,,\nK2,Home,2019-20,,,\n", "place.csv row 3 (K2): a year-bound has no source"),
        ("K1,Secure,2014-15,,,guide\n", "place.csv row 2: first_year '2014-15' lies outside"),
        ("K1,Secure,,,,\nk1,Again,,,,\n", "place.csv row 3 (K1): a code is blank or given twice"),
        ("K1,,,,,\n", "place.csv row 2 (K1): a description is blank"),
        ("K1,Secure,2019/21,,,guide\n", "not a collection year"),
        ("H5,Semi,,2023-24,K9,guide\n", "place.csv row 2 (H5): replaced_by names a code not in"),
        (
            "H5,Semi,,2023-24,K3,guide\nK3,Supported,2025-26,,,guide\n",
            "place.csv row 2 (H5): replaced_by names a code not in the list, or one not starting",
        ),
    ],
)
def test_a_malformed_list_names_file_row_and_rule(
    fake_list: dict[str, str], rows: str, message: str
) -> None:
    fake_list["place.csv"] = HEAD + rows
    with pytest.raises(codes.CodeListError, match=message.replace("(", r"\(").replace(")", r"\)")):
        codes.code_list("PLACE")


def test_replacements_follow_the_bounds() -> None:
    place = codes.code_list("PLACE").set_index("code")["replaced_by"]
    assert place["H5"] == ("K3",) and place["Z1"] == ("Z11", "Z12", "Z13", "Z14")
    assert place["P2"] == () and place["U1"] == ()
    rec = codes.code_list("REC").set_index("code")["replaced_by"]
    assert rec["E43"] == ("E45", "E46") and rec["E44"] == ("E47", "E48")


def test_recode_to_the_codes_of_each_rows_year() -> None:
    sex = pd.Series(["1", "2", "M", "F", "U", None, "x", "m"], index=list("abcdefgh"))
    # one year for every row: 2024-25 writes M/F/U, 2023-24 (year end 2024) writes 1/2 (U has no 1/2)
    assert codes.recode("SEX", sex, year="2024-25").tolist()[:5] == ["M", "F", "M", "F", "U"]
    assert codes.recode("SEX", sex, year=2024).tolist()[:5] == ["1", "2", "1", "2", "U"]
    # a year per row (collection-year start years); NaN, blanks, unknown codes stay as they are
    start = pd.Series([2024, 2015, 2023, 2030, 2010, 2024, 2024, float("nan")])
    out = codes.recode("SEX", sex, start_years=start)
    assert out.index.tolist() == list("abcdefgh")
    assert out.drop("f").tolist() == ["M", "2", "1", "F", "U", "x", "m"] and pd.isna(out["f"])
    # the boundary years of each replacement
    rec = pd.Series(["E45", "E45", "E48", "E43", "E43"])
    assert codes.recode("REC", rec, start_years=[2017, 2018, 2017, 2017, 2018]).tolist() == [
        "E43",  # 2017-18: E45 not yet, its one predecessor
        "E45",
        "E44",
        "E43",
        "E43",  # 2018-19: E43 split in two (E45, E46): no single replacement
    ]
    place = pd.Series(["H5", "K3", "Z1", "Z13", "P2"])
    assert codes.recode("PLACE", place, start_years=[2024, 2023, 2025, 2024, 2024]).tolist() == [
        "K3",
        "H5",
        "Z1",
        "Z1",
        "P2",
    ]
    with pytest.raises(TypeError, match=r"one of year= .* or start_years="):
        codes.recode("SEX", sex)
    activ = codes.recode(
        "ACTIV", pd.Series(["F4", "P5", "F4", "F3"]), start_years=[2020, 2020, 2021, 2021]
    )
    assert activ.tolist() == ["F3", "P3", "F4", "F3"]


def test_quality_checks_use_the_bounds_and_clamp_the_year() -> None:
    """REC is checked against the year of DEC, clamped to 2015-16 .. 2025-26."""
    eps = pd.DataFrame(
        [
            ("A", "01/01/2017", "S", "C2", "U4", "31/03/2018", "E43"),  # 2017-18: fine
            ("B", "01/01/2017", "S", "C2", "U4", "01/04/2018", "E43"),  # 2018-19: gone
            ("C", "01/01/2012", "S", "C2", "U4", "30/06/2013", "E45"),  # clamped to 2015-16
            ("D", "01/01/2012", "S", "C2", "U4", "30/06/2013", "E44"),  # clamped: fine
            ("E", "01/04/2030", "S", "C2", "Z13", "30/06/2031", "E47"),  # clamped to 2025-26
        ],
        columns=["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"],
    )
    q = dataset_from_frames({"episodes": eps}).quality
    rec = q.loc[q["rule"].str.startswith("REC code not valid")].reset_index(drop=True)
    assert rec[["row", "value"]].values.tolist() == [[1, "E43"], [2, "E45"]]
    assert "E43 is valid up to 2017-18 only, not in 2018-19" in rec["hint"][0]
    assert "E45 is valid from 2018-19 only, not in 2015-16" in rec["hint"][1]
    assert not q["rule"].str.startswith("PLACE code not valid").any()
