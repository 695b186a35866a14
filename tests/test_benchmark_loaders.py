"""Benchmark loaders: LAIT long extract, EES tidy CSVs, statistical-neighbour lists, LA
lookup (SPEC section 8). Small hand-built files first, then the real DfE files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.benchmark_loaders import (
    BenchmarkFileError,
    BenchmarkMappingWarning,
    ees_series,
    load_benchmarks,
    load_neighbours,
    year_from_label,
)
from scorecard.la_lookup import LaLookup, normalise_name

DFE = Path(__file__).resolve().parents[2] / "shared" / "data" / "dfe"


def dfe(name: str) -> Path:
    path = DFE / name
    if not path.exists():
        pytest.skip(f"real DfE file {name} not available in {DFE}")
    return path


# ---------------------------------------------------------------- years and names
@pytest.mark.parametrize(
    ("label", "year"),
    [
        ("2024-25", 2025),
        ("2024-25 (OT)", 2025),
        ("202425", 2025),
        ("2025", 2025),
        ("2014-16", 2016),
        ("2013/14-15/16", 2016),
        ("2015/16", 2016),
        ("2025 (Rev)", 2025),
        ("1999-00", 2000),
        ("0", None),
        ("", None),
    ],
)
def test_year_from_label(label, year):
    assert year_from_label(label) == year


def test_normalised_names_match_the_variants():
    assert normalise_name("St. Helens") == normalise_name("St Helens")
    assert normalise_name("Brighton & Hove") == normalise_name("brighton and hove")
    assert normalise_name("London (Inner)") == normalise_name("Inner London")
    assert normalise_name("Kent") != normalise_name("Kensington")


# ---------------------------------------------------------------- LAIT layout
LAIT_CSV = """Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region
ReReferral,Re-referrals (%),2024-25,Kent,21.6,886.0,South East
ReReferral,,2024-25,Medway,c,887.0,South East
ReReferral,,2024-25,Cumbria,-,909.0,North West
ReReferral,,2024-25,Camden,4.798E-2,202.0,Inner London
ReReferral,,2024-25,England,22.6,970.0,NA
ReReferral,,2024-25,London (Inner),19.1,987.0,NA
ReReferral,,2023-24 (OT),Kent,,886.0,South East
ReReferral,,2014-16,Kent,low,886.0,South East
"""


def test_lait_csv(tmp_path):
    path = tmp_path / "lait.csv"
    path.write_text(LAIT_CSV)
    got = load_benchmarks(path)
    assert list(got.columns[:10]) == [
        "indicator",
        "year",
        "year_label",
        "la_code",
        "new_la_code",
        "la_name",
        "region",
        "level",
        "value",
        "status",
    ]
    assert list(got["la_code"]) == ["886", "887", "909", "202", "970", "987", "886", "886"]
    assert list(got["year"]) == [2025] * 6 + [2024, 2016]
    assert got["year_label"].iloc[6] == "2023-24 (OT)"
    assert got["value"].iloc[0] == 21.6
    assert got["value"].iloc[3] == pytest.approx(0.04798)
    # suppressed and blank: NaN, symbol kept ('' for a blank cell: nothing published)
    assert np.isnan(got["value"].iloc[[1, 2, 6, 7]]).all()
    assert list(got["status"]) == ["", "c", "-", "", "", "", "", "low"]
    assert list(got["level"][:6]) == [
        "Local authority",
        "Local authority",
        "Local authority",
        "Local authority",
        "National",
        "Regional",
    ]
    # England and regions: no region of their own; standard 9-character codes
    assert got["region"].isna().tolist()[4:6] == [True, True]
    assert got.loc[4, "new_la_code"] == "E92000001"
    assert got.loc[5, "new_la_code"] == "E13000001"
    assert got["la_code"].dtype == "str"


def test_lait_new_codes_from_a_lookup(tmp_path):
    path = tmp_path / "lait.csv"
    path.write_text(LAIT_CSV)
    lookup = pd.DataFrame(
        {
            "la_name": ["Kent", "Medway", "Cumbria"],
            "old_la_code": ["886", "887", "909"],
            "new_la_code": ["E10000016", "E06000035", "E10000006"],
        }
    )
    lookup.loc[0, "new_la_code"] = "E99999999"  # the lookup given wins over the bundled list
    got = load_benchmarks(path, la_lookup=lookup)
    assert list(got["new_la_code"][:3]) == ["E99999999", "E06000035", "E10000006"]
    assert got.loc[3, "new_la_code"] == "E09000007"  # Camden: from the bundled list
    # no lookup given: the bundled list of English LAs (retired Cumbria included)
    plain = load_benchmarks(path)
    assert list(plain["new_la_code"][:4]) == ["E10000016", "E06000035", "E10000006", "E09000007"]


def test_lait_unknown_symbol_names_row_column_and_value(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(LAIT_CSV.replace("21.6", "21.6%"))
    with pytest.raises(BenchmarkFileError, match=r"row 2, column 'Values'.*'21.6%'"):
        load_benchmarks(path)


def test_unknown_layout_is_explained(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(BenchmarkFileError, match="not a LAIT extract"):
        load_benchmarks(path)


# ---------------------------------------------------------------- EES layout
EES_NEW = """time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,la_name,new_la_code,care_leaver_age,breakdown,care_leaver_count,care_leaver_percent
2025,Reporting year,National,E92000001,England,,,,,,19 to 21 years,Total not in education,100,40
2025,Reporting year,Regional,E92000001,England,E12000008,South East,,,,19 to 21 years,Total not in education,20,36
2025,Reporting year,Local authority,E92000001,England,E12000008,South East,886,Kent,E10000016,19 to 21 years,Total not in education,c,c
2025,Reporting year,Local authority,E92000001,England,E12000002,North West,909,Cumbria,E10000006,19 to 21 years,Total not in education,z,z
"""
# the older vintage: age/activity and number/percentage, new_la_code before la_name
EES_OLD = """time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,age,activity,number,percentage
2023,Reporting year,Local authority,E92000001,England,E12000008,South East,886,E10000016,Kent,Aged 19 to 21,Total not in education,300,38
"""


def test_ees_both_vintages_harmonised(tmp_path):
    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    new.write_text(EES_NEW)
    old.write_text(EES_OLD)
    a, b = load_benchmarks(new), load_benchmarks(old)
    expected = (
        "care_leaver_percent[care_leaver_age=19 to 21 years; breakdown=Total not in education]"
    )
    assert expected in set(a["indicator"]) and expected in set(b["indicator"])
    pct = a[a["measure"] == "care_leaver_percent"].reset_index(drop=True)
    assert list(pct["la_code"]) == ["970", "989", "886", "909"]
    assert list(pct["level"]) == ["National", "Regional", "Local authority", "Local authority"]
    assert list(pct["new_la_code"]) == ["E92000001", "E12000008", "E10000016", "E10000006"]
    assert list(pct["la_name"]) == ["England", "South East", "Kent", "Cumbria"]
    assert list(pct["status"]) == ["", "", "c", "z"]
    assert pct["value"].iloc[0] == 40 and np.isnan(pct["value"].iloc[2])
    assert list(pct["year"]) == [2025] * 4
    kent_old = b[(b["measure"] == "care_leaver_percent")].iloc[0]
    assert (kent_old["la_code"], kent_old["new_la_code"], kent_old["value"]) == (
        "886",
        "E10000016",
        38,
    )
    # the catalogue-style selection works on either vintage
    both = pd.concat(
        [
            ees_series(
                p,
                {"care_leaver_age": "19 to 21 years", "breakdown": "total NOT in education"},
                "care_leaver_percent",
                indicator="CareLeaversNEET",
            )
            for p in (new, old)
        ]
    )
    kent = both[both["la_code"] == "886"].sort_values("year")
    assert list(kent["year"]) == [2023, 2025]
    assert list(kent["indicator"].unique()) == ["CareLeaversNEET"]


def test_ees_academic_year_time_period(tmp_path):
    path = tmp_path / "ks4.csv"
    path.write_text(
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
        "region_name,old_la_code,la_name,new_la_code,social_care_group,avg_att8\n"
        "202425,Academic year,Local authority,E92000001,England,E12000008,South East,886,Kent,"
        "E10000016,CLA 12 months at 31 March,19.5\n"
    )
    got = load_benchmarks(path)
    assert got.loc[0, "year"] == 2025 and got.loc[0, "year_label"] == "202425"


def test_ees_series_errors_list_what_is_there(tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(EES_NEW)
    with pytest.raises(KeyError, match="19 to 21 years"):
        ees_series(path, {"care_leaver_age": "19 to 21"}, "care_leaver_percent")
    with pytest.raises(KeyError, match="care_leaver_count"):
        ees_series(path, {}, "children_percent")


# ---------------------------------------------------------------- neighbours
WIDE_2021 = """\ufeffLA num,LA Name,LA number,GOInd,GOReg,SN1,SNP,SN2,SNP,SN3,SNP,
886,Kent,886,6,South East,881,Very Close,845,Close,866,Close,
942,Cumberland,942,5,North West,,,,,,,
,,,,,,,,,,,
,Old SNs:,,,,,,,,,,
909,Cumbria,909,5,North West,925,Extremely Close,926,Very Close,830,Very Close,
"""


def test_wide_csv_with_trailing_column_footer_and_empty_rows(tmp_path):
    path = tmp_path / "sn.csv"
    path.write_text(WIDE_2021)
    got = load_neighbours(path)
    assert list(got.columns) == ["la_code", "neighbour_code", "rank", "closeness"]
    kent = got[got["la_code"] == "886"]
    assert list(kent["neighbour_code"]) == ["881", "845", "866"]
    assert list(kent["rank"]) == [1, 2, 3]
    assert list(kent["closeness"]) == ["Very Close", "Close", "Close"]
    assert "942" not in set(got["la_code"])  # Cumberland: no neighbours listed
    assert list(got.loc[got["la_code"] == "909", "neighbour_code"]) == ["925", "926", "830"]


def test_xlsx_header_found_on_row_3(tmp_path):
    rows = [
        ["A", "B", "C", "D", "E", 3, 4, 5, 6],
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        ["LA num", "LA Name", "LA number", "GOInd", "GOReg", "SN1", "SNP", "SN2", "SNP"],
        [886, "Kent", 886, 6, "South East", 881, "Close ", 845, "Close"],
        [943, "Westmorland and Furness", 943, 5, "North West", "-", "-", "-", "-"],
    ]
    path = tmp_path / "sn.xlsx"
    pd.DataFrame(rows).to_excel(path, sheet_name="LA SN Groups", header=False, index=False)
    got = load_neighbours(path)
    assert got.to_dict("list") == {
        "la_code": ["886", "886"],
        "neighbour_code": ["881", "845"],
        "rank": [1, 2],
        "closeness": ["Close", "Close"],
    }


def test_sn_model_2025_layout(tmp_path):
    path = tmp_path / "sn.csv"
    path.write_text(
        "old_la_code,la_name,region_ind,region_name,SN_1,SN_1P,SN_2,SN_2P\n"
        "886,Kent,6,South East,881,Close ,845,Somewhat close\n"
    )
    got = load_neighbours(path)
    assert list(got["neighbour_code"]) == ["881", "845"]
    assert list(got["closeness"]) == ["Close", "Somewhat close"]


def test_a_folder_with_one_neighbour_list_reads_it_and_with_several_names_them(tmp_path):
    (tmp_path / "bds_long_0.csv").write_text("not a neighbour list")
    (tmp_path / "sn_model_2025_wide.csv").write_text(
        "old_la_code,la_name,region_ind,region_name,SN_1,SN_1P\n886,Kent,6,South East,881,Close\n"
    )
    assert list(load_neighbours(tmp_path)["neighbour_code"]) == ["881"]
    (tmp_path / "New_Statistical_Neighbour_Groupings_April_2021.csv").write_text(WIDE_2021)
    with pytest.raises(BenchmarkFileError) as err:
        load_neighbours(tmp_path)
    said = str(err.value)
    assert "holding 2 of them" in said and "sn_model_2025_wide.csv" in said
    assert "New_Statistical_Neighbour_Groupings_April_2021.csv" in said and "bds_long" not in said
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BenchmarkFileError, match="no file named like one"):
        load_neighbours(empty)


def test_by_name_list_resolves_through_the_bundled_list_or_a_lookup(tmp_path):
    path = tmp_path / "by_name.csv"
    path.write_text("Kent,St Helens\nEssex,Wigan\nMedway,Knowsley\n,\n")
    # English LA names resolve through the bundled list ...
    bundled = load_neighbours(path)
    assert list(bundled.loc[bundled["la_code"] == "886", "neighbour_code"]) == ["881", "887"]
    # ... a name no list knows is named, with close matches, and no `la_lookup=` hint (the
    # command line has none)
    typo = tmp_path / "typo.csv"
    typo.write_text("Kent,St Helens\nEssex,Wigan\nMedwey,Knowsley\n,\n")
    with pytest.raises(BenchmarkFileError, match="'Medwey': 887 Medway") as err:
        load_neighbours(typo)
    assert "la_lookup" not in str(err.value)
    lookup = pd.DataFrame(
        {
            "la_name": ["Kent", "Essex", "Medway", "St. Helens", "Wigan", "Knowsley"],
            "old_la_code": ["886", "881", "887", "342", "359", "340"],
            "new_la_code": [
                "E10000016",
                "E10000012",
                "E06000035",
                "E08000013",
                "E08000010",
                "E08000011",
            ],
        }
    )
    got = load_neighbours(path, la_lookup=lookup)
    assert list(got.loc[got["la_code"] == "886", "neighbour_code"]) == ["881", "887"]
    assert list(got.loc[got["la_code"] == "342", "neighbour_code"]) == ["359", "340"]
    # a lookup given is read first: its names and codes win
    other = lookup.assign(old_la_code=lookup["old_la_code"].replace({"340": "999"}))
    got = load_neighbours(path, la_lookup=other)
    assert list(got.loc[got["la_code"] == "342", "neighbour_code"]) == ["359", "999"]


def test_la_lookup_resolves_every_form():
    lookup = LaLookup.from_frame(
        pd.DataFrame(
            {
                "la_name": ["Dorset", "Dorset", "Kent", "Bristol, City of"],
                "old_la_code": ["835", "838", "886", "801"],
                "new_la_code": ["E10000009", "E06000059", "E10000016", "E06000023"],
            }
        )
    )
    assert lookup.code("886") == lookup.code(886) == lookup.code(886.0) == "886"
    assert lookup.code("E10000016") == "886"
    assert lookup.code("kent") == "886"
    assert lookup.code("Dorset") == "838"  # the current authority wins over the retired one
    assert lookup.code("City of Bristol") == "801"
    assert lookup.new_code("886") == "E10000016"
    assert lookup.new_code("970") == "E92000001"
    assert lookup.name("838") == "Dorset"
    with pytest.raises(KeyError, match="Kensington"):
        lookup.code("Kensington")


# ---------------------------------------------------------------- the real files
@pytest.fixture(scope="module")
def lait():
    return load_benchmarks(dfe("bds_long_0.parquet"))


def test_real_lait_extract(lait):
    assert len(lait) == 641_070
    assert lait["indicator"].nunique() == 434
    assert lait["la_code"].nunique() == 170
    codes = pd.to_numeric(lait["la_code"])
    assert (codes[lait["level"] == "Local authority"] < 970).all()
    assert set(lait.loc[lait["level"] == "Regional", "la_code"]) == {
        str(c) for c in range(980, 991)
    }
    assert set(lait["status"].unique()) <= {"", "-"}
    kent = lait[(lait["la_code"] == "886") & (lait["indicator"] == "ReReferral")]
    assert kent.set_index("year").loc[2025, "value"] == 21.6
    # Cumbria (909) is kept, missing in 2025 on the children's social care indicators (it
    # ceased in 2023; a few cohort-based education measures still carry a value)
    csc = ["ReReferral", "LACStable_2016on", "LAC_LongStable%", "CareLeaversNEET", "LAC"]
    cumbria = lait[(lait["la_code"] == "909") & (lait["year"] == 2025)]
    assert len(cumbria) > 0
    assert cumbria.loc[cumbria["indicator"].isin(csc), "value"].isna().all()
    assert cumbria["indicator"].isin(csc).sum() == 5
    assert sc.load_benchmarks is load_benchmarks


def test_real_ees_files_load_with_codes():
    for name in [
        "la_cla_placement_stability.csv",
        "la_care_leavers_activity.csv",
        "cla_number_and_rate_per_10k_children.csv",
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "vintage_2024/la_cla_placement_stability.csv",
        "vintage_2024/la_care_leavers_activity.csv",
        "vintage_2024/cla_number_and_rate_per_10k_children.csv",
    ]:
        got = load_benchmarks(dfe(name))
        kent = got[got["la_code"] == "886"]
        assert (kent["new_la_code"] == "E10000016").all(), name
        assert set(got["level"]) == {"National", "Regional", "Local authority"}, name
        assert got["year"].notna().all(), name
        assert set(got["status"]) <= {"", "c", "k", "x", "z", "u", "low"}, name
        assert got.loc[got["status"] != "", "value"].isna().all(), name


def test_real_ees_catalogue_filters_select_one_series_per_la_year():
    cat = sc.load_catalogue()
    loaded: dict[str, pd.DataFrame] = {}
    for ind in cat:
        if ind.benchmark is None or ind.benchmark.ees is None:
            continue
        ees = ind.benchmark.ees
        if ees.file not in loaded:
            loaded[ees.file] = load_benchmarks(dfe(ees.file))
        got = ees_series(loaded[ees.file], ees.filter, ees.value_column)
        assert len(got) > 0, ind.id
        assert not got.duplicated(["la_code", "year"]).any(), ind.id


def test_real_neighbour_lists_agree():
    xlsx = load_neighbours(dfe("sn_may_2025.xlsx"))
    wide = load_neighbours(dfe("sn_model_2025_wide.csv"))
    by_name = load_neighbours(
        dfe("stat_neighbours_by_name_2025.csv"), la_lookup=dfe("old_la_codes.csv")
    )
    kent = ["881", "845", "878", "303", "935", "926", "891", "938", "822", "933"]
    for got in (xlsx, wide, by_name):
        assert list(got.loc[got["la_code"] == "886", "neighbour_code"]) == kent
    # the workbook adds 5 pre-LGR rows; for the 153 current LAs all three agree
    assert wide["la_code"].nunique() == 153
    assert xlsx["la_code"].nunique() == 158
    key = ["la_code", "rank", "neighbour_code"]
    current = xlsx[xlsx["la_code"].isin(wide["la_code"])]
    assert current[key].reset_index(drop=True).equals(wide[key].reset_index(drop=True))
    assert by_name[key].reset_index(drop=True).equals(wide[key].reset_index(drop=True))
    assert set(wide["closeness"].unique()) >= {"Very close", "Close", "Somewhat close"}


def test_real_2021_lists_agree_and_cumberland_has_none():
    csv = load_neighbours(dfe("New_Statistical_Neighbour_Groupings_April_2021.csv"))
    xlsx = load_neighbours(dfe("sn_april_2021.xlsx"))
    assert list(csv.loc[csv["la_code"] == "886", "neighbour_code"]) == [
        "881",
        "845",
        "866",
        "885",
        "888",
        "941",
        "891",
        "937",
        "935",
        "860",
    ]
    assert not {"942", "943"} & set(csv["la_code"]) | set(xlsx["la_code"]) & {"942", "943"}
    key = ["la_code", "rank", "neighbour_code"]
    assert csv[key].reset_index(drop=True).equals(xlsx[key].reset_index(drop=True))


def test_real_by_name_list_resolves_from_the_benchmarks_alone(lait):
    got = load_neighbours(dfe("stat_neighbours_by_name_2025.csv"), benchmarks=lait)
    assert got["la_code"].nunique() == 153 and len(got) == 1530


# ---------------------------------------------------------------- several sources at once
NEET = "Total not in education, employment or training"
EES_CL = f"""time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,la_name,new_la_code,care_leaver_age,breakdown,care_leaver_count,care_leaver_percent
2025,Reporting year,National,E92000001,England,,,,,,19 to 21 years,"{NEET}",100,40
2025,Reporting year,Local authority,E92000001,England,E12000008,South East,886,Kent,E10000016,19 to 21 years,"{NEET}",480,41
2025,Reporting year,Local authority,E92000001,England,E12000008,South East,886,Kent,E10000016,17 to 18 years,"{NEET}",200,35
"""
EES_CL_OLD = f"""time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,age,activity,number,percentage
2025,Reporting year,Local authority,E92000001,England,E12000008,South East,886,E10000016,Kent,Aged 19 to 21,"{NEET}",470,39
2023,Reporting year,Local authority,E92000001,England,E12000008,South East,886,E10000016,Kent,Aged 19 to 21,"{NEET}",300,38
"""


def test_panel_maps_ees_files_through_the_catalogue_whatever_their_name(tmp_path):
    from scorecard.benchmark_loaders import benchmark_panel

    renamed = tmp_path / "downloaded (1).csv"  # not the catalogue's file name: content decides
    renamed.write_text(EES_CL)
    panel = benchmark_panel(renamed)
    kent = panel[panel["la_code"] == "886"].set_index("indicator")["value"]
    # named by the catalogue: the LAIT name where it has one, else the indicator id
    assert kent["CareLeaversNEET"] == 41 and kent["care_leavers_neet_17_18"] == 35
    # the file's own series stay too
    assert f"care_leaver_percent[care_leaver_age=19 to 21 years; breakdown={NEET}]" in kent


def test_panel_of_several_files_first_source_wins(tmp_path):
    from scorecard.benchmark_loaders import benchmark_panel

    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    new.write_text(EES_CL)
    old.write_text(EES_CL_OLD)
    lait = tmp_path / "lait.csv"
    lait.write_text(LAIT_CSV)
    panel = benchmark_panel([new, old, lait])
    neet = panel[(panel["indicator"] == "CareLeaversNEET") & (panel["la_code"] == "886")]
    # 2025 from the first file (41, not the older vintage's 39); 2023 only in the second
    assert neet.set_index("year")["value"].to_dict() == {2025: 41, 2023: 38}
    assert set(panel.loc[panel["indicator"] == "ReReferral", "la_code"]) >= {"886", "970"}
    # the order decides: older vintage first, its 2025 figure wins
    flipped = benchmark_panel([old, new])
    kent = flipped[(flipped["indicator"] == "CareLeaversNEET") & (flipped["la_code"] == "886")]
    assert kent.set_index("year")["value"].to_dict() == {2025: 39, 2023: 38}


def test_a_folder_reads_its_ees_files_then_its_lait_extract(tmp_path):
    """The README's `--benchmarks FOLDER` on DfE's data folder read only the EES files: the
    LAIT extract beside them (foster care, distance, re-referrals) was ignored. Now it is
    read too, the folder's EES files first where both hold a figure; a folder with only a
    LAIT extract (the sample's benchmarks) is a panel, not 'none of the EES files'."""
    from scorecard.benchmark_loaders import benchmark_panel

    both = tmp_path / "dfe"
    both.mkdir()
    (both / "la_care_leavers_activity.csv").write_text(EES_CL)
    lait_neet = "CareLeaversNEET,,2024-25,Kent,99,886.0,South East\n"
    (both / "bds_long.csv").write_text(LAIT_CSV + lait_neet)
    (both / "notes.csv").write_text("a,b\n1,2\n")  # not a table either loader reads
    with pytest.warns(BenchmarkMappingWarning, match="care_leavers_eet"):  # NEET rows only
        panel = benchmark_panel(both)
    kent = panel[panel["la_code"] == "886"]
    neet = kent[kent["indicator"] == "CareLeaversNEET"]
    assert neet.set_index("year")["value"].to_dict() == {2025: 41}  # EES first, not 99
    rerefer = kent[(kent["indicator"] == "ReReferral") & kent["value"].notna()]
    assert rerefer["value"].tolist() == [21.6]  # from the LAIT extract
    assert not panel.duplicated(["indicator", "la_code", "year"]).any()
    only = tmp_path / "lait_only"
    only.mkdir()
    (only / "bds_long.csv").write_text(LAIT_CSV)
    assert set(benchmark_panel(only)["indicator"]) == {"ReReferral"}
    empty = tmp_path / "nothing"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="no LAIT long extract"):
        benchmark_panel(empty)


def test_lait_zeros_of_empty_cohorts_are_not_applicable(tmp_path):
    """LAIT writes 0 for the figures of an authority with no child looked after (Isles of
    Scilly 2016-2019) and 0% NEET beside 0% EET for no care leavers; ranked, each was a best
    or worst figure (Scilly 'rank 1 of 152' on NEET). They are blanked as EES writes them
    ('z'); a rate per 10,000 and a count of 0 stay, and a 0% NEET beside 50% EET is real."""
    from scorecard.benchmark_loaders import benchmark_panel

    rows = [
        ("LACnum", "420", 0),
        ("LAC", "420", 0),
        ("LACStable_2016on", "420", 0),
        ("CareLeaversNEET", "420", 0),
        ("CareLeaverEET", "420", 0),
        ("LACnum", "886", 2000),
        ("LACStable_2016on", "886", 0),
        ("CareLeaversNEET", "886", 0),
        ("CareLeaverEET", "886", 50),
    ]
    path = tmp_path / "lait.csv"
    path.write_text(
        "Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
        + "".join(f"{i},,2016-17,LA {c},{v},{c},South West\n" for i, c, v in rows)
    )
    panel = benchmark_panel(path).set_index(["indicator", "la_code"])
    for ind in ("LACStable_2016on", "CareLeaversNEET", "CareLeaverEET"):
        assert (
            np.isnan(panel.loc[(ind, "420"), "value"]) and panel.loc[(ind, "420"), "status"] == "z"
        )
    assert panel.loc[("LAC", "420"), "value"] == 0 and panel.loc[("LACnum", "420"), "value"] == 0
    for ind in ("LACStable_2016on", "CareLeaversNEET"):  # a real 0 of a real cohort
        assert panel.loc[(ind, "886"), "value"] == 0


def test_panel_errors_name_the_file(tmp_path):
    from scorecard.benchmark_loaders import benchmark_panel

    # a file with the catalogue's name whose labels do not fit the mapping
    path = tmp_path / "la_care_leavers_activity.csv"
    path.write_text(EES_CL.replace("19 to 21 years", "19 to 25 years"))
    with pytest.warns(BenchmarkMappingWarning) as caught:
        panel = benchmark_panel(path)
    said = " ".join(str(w.message) for w in caught)
    assert "la_care_leavers_activity.csv: no figures for 'care_leavers_neet_19_21'" in said
    assert "care_leaver_age='19 to 21 years' matches no rows" in said and "19 to 25" in said
    assert set(panel["indicator"]) >= {"care_leavers_neet_17_18"}  # the rest still loads
    with pytest.raises(FileNotFoundError, match=r"not found: .*missing\.csv"):
        benchmark_panel(tmp_path / "missing.csv")
    good, empty = tmp_path / "good", tmp_path / "empty"
    good.mkdir()
    empty.mkdir()
    (good / "la_care_leavers_activity.csv").write_text(EES_CL)
    # a folder: the catalogue's files found in it (this one has NEET rows only)
    with pytest.warns(BenchmarkMappingWarning) as caught:
        assert len(benchmark_panel(good))
    assert any("care_leavers_eet_19_21" in str(w.message) for w in caught)
    with (
        pytest.raises(FileNotFoundError, match="empty: none of the catalogue's EES files"),
        pytest.warns(BenchmarkMappingWarning),
    ):
        benchmark_panel([good, empty])
