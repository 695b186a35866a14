"""The sample as yearly returns (scorecard.sample.returns, return_files, dfe_xml): what each
SSDA903 return and CIN census holds, as known at its 31 March, the file names and formats as
planned, XML that a hardened parser reads, and the same county as the full-history sample.

The written files are read back here with pandas and defusedxml, independently of the code
that wrote them, and checked against the full-history tables with the definitions spelt out.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from defusedxml import ElementTree as SafeET

import scorecard as sc
from scorecard.periods import quarter_ends
from scorecard.sample import cli, generate
from scorecard.sample.return_files import LOCAL_TABLES, layout, write_returns
from scorecard.sample.returns import yearly_returns

SEED = 7
SCALE = 0.1  # a tenth of Wealdshire: about 300 children a year
YEARS = range(2016, 2026)  # collection years 2015-16 to 2024-25, by their ends
DAY = "%d/%m/%Y"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return generate(SEED, children_scale=SCALE)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("returns")
    write_returns(out, SEED, children_scale=SCALE)
    return out


# ----------------------------------------------------------------------------- reading back


def _xml_children(path: Path) -> list:
    root = SafeET.parse(path, forbid_dtd=True).getroot()
    assert root.tag == "EXPSSDA903"
    return root.findall("CHILD")


def _fields(element) -> dict[str, str]:
    return {e.tag: e.text or "" for e in element if len(e) == 0}


def read_903(folder: Path, year: int) -> dict[str, pd.DataFrame]:
    """A written SSDA903 return as tables of strings (dates dd/mm/YYYY, blanks '')."""
    how = layout(year)
    if how.form == "xml":
        heads, episodes = [], []
        for child in _xml_children(folder / how.name):
            head = _fields(child.find("HEADER"))
            heads.append(head)
            episodes += [{"CHILD": head["CHILDID"], **_fields(e)} for e in child.findall("EPISODE")]
        h = pd.DataFrame(heads).rename(columns={"CHILDID": "CHILD"})
        e = pd.DataFrame(episodes).rename(columns={"PL": "PLACE"})
        uasc = h.loc[h["UASC"] == "1", ["CHILD", "SEX", "DOB", "DUC"]]
        oc3 = h.loc[h.get("IN_TOUCH", pd.Series("", index=h.index)).fillna("") != ""]
        oc3 = oc3[["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]]
        return {"header": h, "episodes": e, "uasc": uasc, "oc3": oc3}
    out = {}
    for table in ("header", "episodes", "uasc", "oc3"):
        path = folder / how.name.format(table=table)
        if how.form == "xlsx":
            frame = pd.read_excel(path, sheet_name=table, dtype=object)
            for col in frame.columns:
                if col in ("DOB", "DUC", "DECOM", "DEC"):
                    frame[col] = pd.to_datetime(frame[col]).dt.strftime(DAY)
            out[table] = frame.astype("str").fillna("")
        else:
            out[table] = pd.read_csv(path, dtype=str, keep_default_na=False)
    return out


def read_cin(folder: Path, year: int) -> tuple[dict[str, str], pd.DataFrame, list]:
    """A written CIN census: its collection details, its CINdetails rows, its Child elements."""
    folder_of_year = layout(year).folder()
    path = folder / (f"{folder_of_year}/" if folder_of_year else "") / f"CIN_Census_{year}.xml"
    root = SafeET.parse(path, forbid_dtd=True).getroot()
    assert root.tag == "Message"
    details = _fields(root.find("Header/CollectionDetails"))
    details["LEA"] = root.findtext("Header/Source/LEA")
    rows, children = [], root.findall("Children/Child")
    for child in children:
        child_id = child.findtext("ChildIdentifiers/LAchildID")
        rows += [{"LAchildID": child_id, **_fields(c)} for c in child.findall("CINdetails")]
    return details, pd.DataFrame(rows), children


def _day(s: pd.Series) -> pd.Series:
    return s.dt.strftime(DAY).fillna("")


def _bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(f"{year - 1}-04-01"), pd.Timestamp(f"{year}-03-31")


# ----------------------------------------------------------------------------- files


def test_file_names_as_planned(folder: Path) -> None:
    tables = ("header", "episodes", "uasc", "oc3")
    expected = {
        "SSDA903_2015-16.xml",
        "903_201617.xml",
        "SSDA903_2021-22.xml",
        *(f"2017-{t}.csv" for t in tables),
        *(f"903_201819_{t}.xlsx" for t in tables),
        *(f"{t}_2019-20.csv" for t in tables),
        *(f"2020-21/{t}.csv" for t in tables),
        *(f"2023/{t}.csv" for t in tables),
        *(f"SSDA903_2024_{t}.csv" for t in tables),
        *(f"SSDA903_2025_{t}.csv" for t in tables),
        *(f"CIN_Census_{y}.xml" for y in (2016, 2017, 2018, 2019, 2020, 2022, 2024, 2025)),
        "2020-21/CIN_Census_2021.xml",
        "2023/CIN_Census_2023.xml",
        "iro_allocations.parquet",
        *(f"{t}.csv" for t in LOCAL_TABLES if t != "iro_allocations"),
    }
    written = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert written == expected


def test_same_seed_same_bytes(folder: Path, tmp_path: Path) -> None:
    write_returns(tmp_path / "again", SEED, children_scale=SCALE)
    write_returns(tmp_path / "other", SEED + 1, years=1, children_scale=SCALE, local_tables=False)
    again = tmp_path / "again"
    for path in folder.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (again / path.relative_to(folder)).read_bytes(), path
    other = tmp_path / "other" / "SSDA903_2025_episodes.csv"
    assert other.read_bytes() != (folder / "SSDA903_2025_episodes.csv").read_bytes()


def test_pooled_tables_are_refused(tmp_path: Path) -> None:
    pooled = generate(3, n_las=2, children_scale=0.05, years=2)
    with pytest.raises(ValueError, match="one authority"):
        yearly_returns(pooled, 3, range(2024, 2026))


# ----------------------------------------------------------------------------- by hand


def _hand_tables() -> dict[str, pd.DataFrame]:
    """Four children and two referrals, with episodes on the collection years' boundaries."""
    d = pd.to_datetime
    episodes = pd.DataFrame(
        {
            "CHILD": ["1", "1", "2", "4", "5"],
            "DECOM": d(["2016-02-01", "2016-06-30", "2017-04-01", "2015-10-01", "2017-03-31"]),
            "DEC": d(["2016-06-30", "2017-05-10", None, "2016-04-01", "2017-04-02"]),
            "REC": ["X1", "E4A", None, "E13", "E8"],
        }
    )
    header = pd.DataFrame(
        {
            "CHILD": ["1", "2", "4", "5"],
            "SEX": ["1", "2", "1", "2"],
            "DOB": d(["2005-05-05", "2003-01-02", "2010-01-01", "2009-09-09"]),
            "ETHNIC": ["WBRI"] * 4,
            "UPN": ["A650000000001", "UN2", "A650000000004", "A650000000005"],
        }
    )
    uasc = pd.DataFrame(
        {"CHILD": ["2"], "SEX": ["2"], "DOB": d(["2003-01-02"]), "DUC": d(["2018-01-01"])}
    )
    oc3 = pd.DataFrame(
        {
            "CHILD": ["3"],
            "DOB": d(["1998-01-15"]),
            "IN_TOUCH": ["YES"],
            "ACTIV": ["F2"],
            "ACCOM": ["S1"],
            "YEAR": [2017],
        }
    )
    referrals = pd.DataFrame(
        {
            "LAchildID": ["1", "5000000"],
            "CINreferralDate": d(["2016-01-10", "2018-03-31"]),
            "CINclosureDate": d(["2016-04-01", None]),
            "ReasonForClosure": ["RC8", None],
        }
    )
    frames = {"episodes": episodes, "header": header, "uasc": uasc, "oc3": oc3}
    frames["referrals"] = referrals
    for frame in frames.values():
        for col in frame.columns:
            if frame[col].dtype == object:
                frame[col] = frame[col].astype("str")
    return frames


def test_returns_cut_by_hand() -> None:
    returns = {r.year: r for r in yearly_returns(_hand_tables(), 1, range(2016, 2020))}

    def episodes(year: int) -> list[tuple]:
        e = returns[year].ssda903["episodes"]
        return list(zip(e["CHILD"], _day(e["DECOM"]), _day(e["DEC"]), e["REC"].fillna("")))

    # 2015-16: child 1's first episode and child 4's, both ending after 31 March 2016: open
    assert episodes(2016) == [("1", "01/02/2016", "", ""), ("4", "01/10/2015", "", "")]
    # 2016-17: child 4's episode ended on 1 April 2016, the year's first day: in, closed;
    # child 1's second ends in May 2017: open; child 5's starts on 31 March 2017: in, open
    assert episodes(2017) == [
        ("1", "01/02/2016", "30/06/2016", "X1"),
        ("1", "30/06/2016", "", ""),
        ("4", "01/10/2015", "01/04/2016", "E13"),
        ("5", "31/03/2017", "", ""),
    ]
    # 2017-18: child 2 starts on 1 April 2017 (not in 2016-17); child 5 ends 2 April 2017
    assert episodes(2018) == [
        ("1", "30/06/2016", "10/05/2017", "E4A"),
        ("2", "01/04/2017", "", ""),
        ("5", "31/03/2017", "02/04/2017", "E8"),
    ]
    assert episodes(2019) == [("2", "01/04/2017", "", "")]
    # headers: children with episodes, and child 3, a care leaver in 2016-17's OC3 only
    heads = {y: list(r.ssda903["header"]["CHILD"]) for y, r in returns.items()}
    assert heads == {
        2016: ["1", "4"],
        2017: ["1", "3", "4", "5"],
        2018: ["1", "2", "5"],
        2019: ["2"],
    }
    leaver = returns[2017].ssda903["header"].set_index("CHILD").loc["3"]
    assert leaver["DOB"] == pd.Timestamp("1998-01-15") and leaver["SEX"] in ("1", "2")
    # uasc: child 2 stopped being unaccompanied on 1 January 2018, in 2017-18, not 2018-19
    assert [len(r.ssda903["uasc"]) for r in returns.values()] == [0, 0, 1, 0]
    assert [len(r.ssda903["oc3"]) for r in returns.values()] == [0, 1, 0, 0]
    # CIN: child 1's referral closed on 1 April 2016, after the 2016 census: open there,
    # closed (RC8) in 2017's; the never-looked-after child referred on 31 March 2018
    cin = {y: r.cin for y, r in returns.items()}
    assert cin[2016]["CINclosureDate"].isna().all() and cin[2016]["ReasonForClosure"].isna().all()
    assert list(cin[2017]["ReasonForClosure"]) == ["RC8"]
    assert list(cin[2018]["LAchildID"]) == list(cin[2019]["LAchildID"]) == ["5000000"]
    drawn = cin[2018].iloc[0]
    assert pd.Timestamp("2000-04-30") < drawn["DOB"] <= pd.Timestamp("2018-03-31")
    assert cin[2017].iloc[0]["UPN"] == "A650000000001"  # as the header says


# ----------------------------------------------------------------------------- SSDA903


@pytest.mark.parametrize("year", YEARS)
def test_each_return_holds_exactly_the_episodes_open_in_its_year(
    folder: Path, tables: dict[str, pd.DataFrame], year: int
) -> None:
    start, end = _bounds(year)
    full = tables["episodes"]
    held = full[(full["DECOM"] <= end) & (full["DEC"].isna() | (full["DEC"] >= start))]
    got = read_903(folder, year)["episodes"]
    assert len(got) == len(held)
    key = ["CHILD", "DECOM"]
    want = held.assign(DECOM=_day(held["DECOM"])).set_index(key)
    got = got.set_index(key).loc[want.index]
    # known on 31 March: an episode that ended later shows open, without its reason
    later = (held["DEC"] > end).to_numpy()
    assert (later.sum() > 50 or year == YEARS[-1]) and (~later).sum() > 50  # nothing after 2025
    assert (got["DEC"].to_numpy()[later] == "").all() and (got["REC"].to_numpy()[later] == "").all()
    assert (got["DEC"].to_numpy()[~later] == _day(held["DEC"]).to_numpy()[~later]).all()
    assert (got["REC"].to_numpy()[~later] == held["REC"].fillna("").to_numpy()[~later]).all()
    for col in ("RNE", "LS", "PLACE", "PLACE_PROVIDER", "URN", "PL_POST", "HOME_POST"):
        assert (got[col].to_numpy() == want[col].fillna("").to_numpy()).all(), col
    # the derived columns: in CSV and Excel extracts, never in the DfE's XML layout
    derived = {"PL_DISTANCE", "PL_LOCATION", "PL_LA"}
    assert derived.isdisjoint(got.columns) == (layout(year).form == "xml")


def test_boundary_days_of_the_collection_year(folder: Path) -> None:
    # an episode ending on 1 April is in both years (open in the first, closed in the
    # second); one starting on 1 April is not in the year before
    returns = {y: read_903(folder, y)["episodes"] for y in YEARS}
    key = ["CHILD", "DECOM"]
    ended = started = 0
    for year in YEARS[1:]:
        before, this = returns[year - 1], returns[year]
        first_day = f"01/04/{year - 1}"
        on_first = this[this["DEC"] == first_day][key]
        both = before.merge(on_first, on=key)
        assert len(both) == len(on_first) and (both["DEC"] == "").all()
        starts = this[this["DECOM"] == first_day][key]
        assert before.merge(starts, on=key).empty
        ended, started = ended + len(on_first), started + len(starts)
    assert ended > 0 and started > 0


@pytest.mark.parametrize("year", YEARS)
def test_header_uasc_and_oc3_of_each_return(
    folder: Path, tables: dict[str, pd.DataFrame], year: int
) -> None:
    start, _ = _bounds(year)
    got = read_903(folder, year)
    oc3 = tables["oc3"][tables["oc3"]["YEAR"] == year]
    assert sorted(got["oc3"]["CHILD"]) == sorted(oc3["CHILD"])
    # a header row for every child in the return: with episodes, or a care leaver in OC3
    children = set(got["episodes"]["CHILD"]) | set(oc3["CHILD"])
    assert set(got["header"]["CHILD"]) == children and got["header"]["CHILD"].is_unique
    full_header = tables["header"].set_index("CHILD")
    known = got["header"][got["header"]["CHILD"].isin(full_header.index)]
    assert (
        known["DOB"].to_numpy() == _day(full_header.loc[known["CHILD"], "DOB"]).to_numpy()
    ).all()
    # uasc: children of the return who were unaccompanied at some time in the year
    uasc = tables["uasc"]
    want = uasc[uasc["CHILD"].isin(children) & (uasc["DUC"] >= start)]
    assert sorted(got["uasc"]["CHILD"]) == sorted(want["CHILD"])
    # SEX as the year's guidance writes it: 1/2 up to 2023-24, M/F from 2024-25
    sexes = set(got["header"]["SEX"]) | set(got["uasc"]["SEX"])
    assert sexes == ({"M", "F"} if year >= 2025 else {"1", "2"})
    # OC3 YEAR: only in the two latest CSV returns (real returns have none)
    assert ("YEAR" in got["oc3"].columns) == (year >= 2024)


def test_care_leavers_only_in_oc3_get_a_header_row(folder: Path, tables: dict) -> None:
    # left care before the data starts: no full-history header row, yet in a return's header
    got = read_903(folder, 2016)
    leavers = set(got["oc3"]["CHILD"]) - set(tables["header"]["CHILD"])
    assert len(leavers) > 5
    h = got["header"].set_index("CHILD").loc[sorted(leavers)]
    assert h["SEX"].isin(["1", "2"]).all() and (h["DOB"] != "").all()


def test_pl_la_code_as_each_return_has_it(folder: Path) -> None:
    early = read_903(folder, 2018)["episodes"]["PL_LA"]  # 2017-18: 3-digit codes
    late = read_903(folder, 2023)["episodes"]["PL_LA"]  # 2022-23: 9-character codes
    assert early.str.fullmatch(r"\d{3}|WAL|SCO").all() and (early == "650").any()
    assert late.str.fullmatch(r"E\d{8}|WAL|SCO").all() and (late == "E10000650").any()


def test_excel_return_has_real_dates(folder: Path) -> None:
    book = openpyxl.load_workbook(folder / "903_201819_episodes.xlsx", read_only=True)
    sheet = book["episodes"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    decom = next(sheet.iter_rows(min_row=2, max_row=2))[header.index("DECOM")]
    assert decom.is_date and decom.number_format == "dd/mm/yyyy"
    book.close()


def test_ssda903_xml_layout(folder: Path) -> None:
    children = _xml_children(folder / "SSDA903_2021-22.xml")
    header_tags = [e.tag for e in children[0].find("HEADER")]
    assert header_tags[:6] == ["CHILDID", "UPN", "SEX", "DOB", "ETHNIC", "UASC"]
    assert header_tags[-2:] == ["MOTHER", "MC_DOB"]
    episodes = [e for c in children for e in c.findall("EPISODE")]
    assert [e.tag for e in episodes[0]] == [
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PL",
        "PL_POST",
        "HOME_POST",
        "URN",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
    ]
    decom = pd.Series([e.findtext("DECOM") for e in episodes])
    assert decom.str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    # unaccompanied children carry UASC 1 and their DUC; care leavers IN_TOUCH, ACTIV, ACCOM
    heads = [c.find("HEADER") for c in children]
    assert any(h.findtext("UASC") == "1" and h.findtext("DUC") for h in heads)
    assert all(h.find("DUC") is None for h in heads if h.findtext("UASC") != "1")
    assert any(h.find("IN_TOUCH") is not None for h in heads)


# ----------------------------------------------------------------------------- CIN census


@pytest.mark.parametrize("year", YEARS)
def test_cin_census_holds_the_referrals_open_in_its_year(
    folder: Path, tables: dict[str, pd.DataFrame], year: int
) -> None:
    start, end = _bounds(year)
    details, got, children = read_cin(folder, year)
    assert details == {
        "Collection": "CIN",
        "Year": str(year),
        "ReferenceDate": f"{year}-03-31",
        "LEA": "650",
    }
    r = tables["referrals"]
    held = r[
        (r["CINreferralDate"] <= end)
        & (r["CINclosureDate"].isna() | (r["CINclosureDate"] >= start))
    ]
    iso = "%Y-%m-%d"
    want = held.assign(CINreferralDate=held["CINreferralDate"].dt.strftime(iso))
    key = ["LAchildID", "CINreferralDate"]
    assert len(got) == len(want)
    got = got.set_index(key).loc[want.set_index(key).index]
    # closure dates and reasons as known on the reference date
    later = (held["CINclosureDate"].isna() | (held["CINclosureDate"] > end)).to_numpy()
    assert got["CINclosureDate"].isna().to_numpy()[later].all()
    assert got["ReasonForClosure"].isna().to_numpy()[later].all()
    closed = held["CINclosureDate"].dt.strftime(iso).to_numpy()[~later]
    assert (got["CINclosureDate"].to_numpy()[~later] == closed).all()
    assert len(children) == held["LAchildID"].nunique()


def test_cin_census_child_identifiers(folder: Path, tables: dict) -> None:
    # GenderCurrent (1/2) up to 2023-24, Sex (M/F) from 2024-25; ISO dates; ages under 18
    for year, tag, values in ((2024, "GenderCurrent", {"1", "2"}), (2025, "Sex", {"M", "F"})):
        _, rows, children = read_cin(folder, year)
        ids = [c.find("ChildIdentifiers") for c in children]
        assert {i.findtext(tag) for i in ids} == values
        dob = pd.to_datetime(
            pd.Series([i.findtext("PersonBirthDate") for i in ids]), format="ISO8601"
        )
        first = pd.to_datetime(rows.groupby("LAchildID")["CINreferralDate"].min())
        child_ids = [i.findtext("LAchildID") for i in ids]
        age = (first.loc[child_ids].to_numpy() - dob.to_numpy()) / np.timedelta64(1, "D") / 365.25
        assert age.max() < 18
        # looked-after children are who the SSDA903 header says
        header = tables["header"].set_index("CHILD")
        cla = [k for k in child_ids if k in header.index]
        assert len(cla) > 20
        assert (
            dob.to_numpy()[[child_ids.index(k) for k in cla]] == header.loc[cla, "DOB"].to_numpy()
        ).all()


# ----------------------------------------------------------------------------- the same county


def test_stitched_returns_give_back_the_full_history(
    folder: Path, tables: dict[str, pd.DataFrame]
) -> None:
    # later returns win (episodes by CHILD + DECOM): the stitched episodes are the full
    # history's episodes open on or after the first return's 1 April, as they finally stood
    stitched = pd.concat(
        [read_903(folder, y)["episodes"].assign(year=y) for y in YEARS], ignore_index=True
    )
    stitched = stitched.drop_duplicates(["CHILD", "DECOM"], keep="last")
    full = tables["episodes"]
    full = full[full["DEC"].isna() | (full["DEC"] >= "2015-04-01")]
    assert len(stitched) == len(full)
    want = full.assign(DECOM=_day(full["DECOM"]), DEC=_day(full["DEC"])).set_index(
        ["CHILD", "DECOM"]
    )
    got = stitched.set_index(["CHILD", "DECOM"]).loc[want.index]
    for col in ("DEC", "REC", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "URN"):
        assert (got[col].to_numpy() == want[col].fillna("").to_numpy()).all(), col


# ----------------------------------------------------------------------------- loaded back

# Where the returns cannot give the full history's figure, and why (checked below):
# - time in care: a period that began before the first return (1 April 2015) starts, in the
#   returns, at its first episode there, so its days are a lower bound (SPEC section 4);
# - placed over 20 miles: the DfE's 903 XML has no PL_DISTANCE or PL_LOCATION (the DfE
#   derives them from postcodes), so children whose latest return is an XML one (2015-16,
#   2016-17, 2021-22) have none, up to 31 December 2021.
LOWER_BOUNDS = ("time_in_care_ceased", "time_in_care_ceased_median", "time_in_care_current")
NO_DISTANCE_UNTIL = pd.Timestamp("2021-12-31")


def _compare_with_full_history(folder: Path, tables: dict[str, pd.DataFrame]) -> sc.Dataset:
    """Load `folder` and check every indicator at 36 quarter ends against the full history,
    wherever the returns' coverage gives the history the indicator needs."""
    ds = sc.load_dataset(folder)
    coverage = ds.coverage_for(["episodes", "header", "uasc", "oc3", "referrals"])
    assert coverage is not None and coverage.gaps == ()
    assert (coverage.start, coverage.end) == (
        pd.Timestamp("2015-04-01"),
        pd.Timestamp("2025-03-31"),
    )
    full = sc.Dataset.from_frames(source="full history", **tables)
    ats = list(quarter_ends("2024-25 Q4", 36))
    got, skipped = sc.compute_many(ds, ats)
    want, _ = sc.compute_many(full, ats)
    assert not skipped
    both = want.merge(got, on=["indicator", "period_end"], suffixes=("", "_returns"))
    assert len(both) == len(want) == len(got)
    history = {i.id: i.history_months for i in sc.load_catalogue()}
    allowed = [
        coverage.unavailable_reason(at, history[ind]) is None
        for ind, at in zip(both["indicator"], both["period_end"])
    ]
    both = both[allowed]
    same = np.isclose(both["value"], both["value_returns"], equal_nan=True)
    lower = both["indicator"].isin(LOWER_BOUNDS).to_numpy()
    no_distance = (both["indicator"] == "pct_placed_over_20_miles").to_numpy() & (
        both["period_end"] <= NO_DISTANCE_UNTIL
    ).to_numpy()
    differ = both[~same & ~lower & ~no_distance]
    assert differ.empty, differ.to_string()
    # lower bounds: the same children, never more days
    b = both[lower]
    assert (b["denominator"] == b["denominator_returns"]).all()
    assert (b["value_returns"] <= b["value"] + 1e-9).all() and (~same[lower]).any()
    assert (~same[no_distance]).any()  # the XML years do lack the distances
    # ... and where they do, the children without one are left out and the note says so
    # (not counted as near: the figure is no longer diluted towards 0%)
    gap = both[no_distance & ~same]
    assert gap["note_returns"].str.contains("left out: PL_DISTANCE not recorded").all()
    assert (gap["denominator_returns"] < gap["denominator"]).all()
    return ds


def _unambiguous(folder: Path, tmp_path: Path) -> Path:
    """A copy whose 2017-18 files say so (2017-18_*.csv instead of 2017-*.csv)."""
    copy = tmp_path / "returns"
    shutil.copytree(folder, copy)
    for table in ("header", "episodes", "uasc", "oc3"):
        (copy / f"2017-{table}.csv").rename(copy / f"2017-18_{table}.csv")
    return copy


def test_loaded_returns_give_the_full_history_indicators(
    folder: Path, tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    ds = _compare_with_full_history(_unambiguous(folder, tmp_path), tables)
    _each_return_once(ds)


def _each_return_once(ds: sc.Dataset) -> None:
    """Ten SSDA903 returns and ten CIN censuses, each of its own year, and no error."""
    years = [f"{y - 1}-{y % 100:02d}" for y in YEARS]
    for kind in ("SSDA903", "CIN census"):
        mine = ds.returns.loc[ds.returns["return"] == kind, "collection_year"]
        assert list(mine) == years, kind
    assert not (ds.quality["severity"] == "error").any()


def test_loaded_returns_as_written_give_the_full_history_indicators(
    folder: Path, tables: dict[str, pd.DataFrame]
) -> None:
    # `2017-*.csv` (2017-18 by their dates) and `CIN_Census_2017.xml` (2016-17) share '2017':
    # the SSDA903 returns and the CIN censuses have their years settled apart
    _each_return_once(_compare_with_full_history(folder, tables))


def test_module_runs_as_a_program() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scorecard.sample", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "--returns DIR" in done.stdout and "--out" in done.stdout


def test_cli_writes_returns_or_the_sample(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple] = []
    monkeypatch.setattr(cli, "write_returns", lambda *a: calls.append(("returns", *a)) or [])
    monkeypatch.setattr(cli, "write_sample", lambda *a: calls.append(("sample", *a)) or [])
    cli.main(["--returns", str(tmp_path), "--seed", "5"])
    cli.main([])
    cli.main(["--out", "x", "--returns", "y"])
    assert calls == [
        ("returns", str(tmp_path), 5),
        ("sample", None, 2025),
        ("sample", "x", 2025),
        ("returns", "y", 2025),
    ]
