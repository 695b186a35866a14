"""Tables as councils have them: several tables in one workbook, OC3 without YEAR, a UASC
table with SEX and DOB, column aliases, and the other SSDA903 tables kept."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

import scorecard as sc
from scorecard.inputs import load_dataset

T = pd.Timestamp


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r in rows:
            sheet.append(r)
    book.save(path)


def test_one_workbook_holding_several_tables(tmp_path: Path) -> None:
    _workbook(
        tmp_path / "Wealdshire 903 2023-24.xlsx",
        {
            "Notes": [["Extract made 01/05/2024"], ["Ask the data team"]],
            "Header": [["CHILD", "SEX", "DOB"], ["A", "1", "01/05/2010"], ["B", "2", "x"]],
            "Episodes": [
                ["CHILD", "DECOM", "RNE", "LS", "PL", "DEC", "REC"],
                ["A", "01/06/2023", "S", "C2", "U1", None, None],
                ["B", "01/07/2023", "S", "C2", "Q9", None, None],
            ],
            "Sheet3": [["CHILD", "DUC", "SEX", "DOB"], ["B", None, "2", "02/02/2008"]],
        },
    )
    ds = load_dataset(tmp_path)
    assert set(ds.names) == {"header", "episodes", "uasc"}
    assert ds["episodes"]["PLACE"].tolist() == ["U1", "Q9"]  # PL is PLACE
    assert ds["episodes"]["COLLECTION_YEAR"].tolist() == ["2023-24", "2023-24"]
    q = ds.quality
    notes = q.loc[q["severity"] == "note", ["file", "rule"]].values.tolist()
    assert sorted(notes) == [
        ["Wealdshire 903 2023-24.xlsx (sheet Notes)", "sheet matches no table; skipped"],
        [
            "Wealdshire 903 2023-24.xlsx (sheet Sheet3)",
            "read as table uasc (recognised by its headers)",
        ],
    ]
    err = q.loc[q["severity"] == "error", ["file", "row", "column", "value"]]
    assert err.values.tolist() == [
        ["Wealdshire 903 2023-24.xlsx (sheet Header)", 3, "DOB", "x"],
        ["Wealdshire 903 2023-24.xlsx (sheet Episodes)", 3, "PLACE", "Q9"],
    ]


def test_headers_written_as_the_903_guide_names_its_fields(tmp_path: Path) -> None:
    # a case-management report heads its 903 export with the guide's names of the fields:
    # the file was refused ('no CHILD, DECOM ...'); each name is one DfE column, and an
    # unnamed file is recognised as the episodes by them
    (tmp_path / "export.csv").write_text(
        "Child ID,Episode Start Date,Reason for New Episode,Legal Status,Placement Type,"
        "Placement Provider,Episode End Date,Reason Episode Ceased,Home Postcode\n"
        "A,01/06/2023,S,C2,U1,PR1,02/09/2023,E13,WS1 2AB\n"
    )
    ds = load_dataset(tmp_path)
    ep = ds["episodes"]
    assert list(ep.columns) == [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "HOME_POST",
    ]
    assert ep[["CHILD", "DECOM", "DEC", "REC"]].values.tolist() == [
        ["A", T("2023-06-01"), T("2023-09-02"), "E13"]
    ]
    assert (ds.quality["severity"] == "error").sum() == 0


FLAT = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC,SEX,DOB,ETHNIC"


def test_a_flat_episodes_file_with_the_childs_details_gives_the_header(tmp_path: Path) -> None:
    # one flat extract, no header file: A has two episodes; B's DOB differs between its
    # rows (the last is used, warned); C's DOB on its row is no date (an error, now on the
    # header row taken from it); the header was missing: sex and age unknown for all
    (tmp_path / "cla_episodes.csv").write_text(
        f"{FLAT}\n"
        "A,01/04/2023,S,C2,U1,01/06/2023,X1,1,01/01/2010,WBRI\n"
        "A,01/06/2023,P,C2,U4,,,1,01/01/2010,WBRI\n"
        "B,01/05/2023,S,C2,U1,01/07/2023,E13,2,02/02/2011,\n"
        "B,01/09/2023,S,C2,U1,,,2,03/02/2011,\n"
        "C,01/10/2023,S,C2,U1,,,1,31/02/2012,\n"
    )
    ds = load_dataset(tmp_path)
    h = ds["header"]
    assert h[["CHILD", "SEX", "DOB"]].astype(object).values.tolist() == [
        ["A", "1", T("2010-01-01")],
        ["B", "2", T("2011-02-03")],
        ["C", "1", pd.NaT],
    ]
    assert h["ETHNIC"].fillna("").tolist() == ["WBRI", "", ""]
    q = ds.quality
    assert q[["severity", "table", "row", "column", "rule"]].values.tolist() == [
        ["error", "header", 6, "DOB", "not a date"],
        [
            "warning",
            "header",
            5,
            "CHILD",
            "SEX or DOB differs between the child's episodes rows (the last row's is used)",
        ],
        [
            "note",
            "header",
            None,
            "",
            "header read from the episodes file's SEX, DOB, ETHNIC (no header file): "
            "3 children, each from their last row",
        ],
    ]
    assert ds.unusable[["table", "row", "column"]].values.tolist() == [["header", 2, "DOB"]]
    # the figures see the header: A and C male, B female
    got = sc.compute("cla_count", ds, at="2023-10-01", by="sex")
    assert got[["sex", "value"]].values.tolist() == [["Female", 1], ["Male", 2]]


def test_a_flat_return_beside_returns_with_header_files(tmp_path: Path) -> None:
    # 2017-18 has its header file; the 2018-19 return is one flat file: its header is read
    # from it, for 2018-19 (before: no header for 2018-19, header data ending 31/03/2018)
    (tmp_path / "2017-header.csv").write_text("CHILD,SEX,DOB\nA,1,01/01/2010\n")
    (tmp_path / "2017-episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\nA,01/05/2017,S,C2,U1,,\n"
    )
    (tmp_path / "2018-episodes.csv").write_text(
        f"{FLAT}\nA,01/05/2017,S,C2,U1,,,1,01/01/2010,\nB,01/06/2018,S,C2,U1,,,2,01/01/2012,\n"
    )
    ds = load_dataset(tmp_path)
    h = ds["header"]
    assert h[["CHILD", "COLLECTION_YEAR"]].values.tolist() == [["A", "2018-19"], ["B", "2018-19"]]
    assert ds.coverage["header"].end == T("2019-03-31")
    assert (ds.quality["severity"] != "note").sum() == 0


def test_a_flat_extract_beside_yearly_header_files_takes_those(tmp_path: Path) -> None:
    # the yearly header file is the header: the extract's own SEX and DOB make no second,
    # yearless header (stitched last, it would have replaced the return's rows)
    (tmp_path / "2017-header.csv").write_text("CHILD,SEX,DOB\nA,1,01/01/2010\n")
    (tmp_path / "episodes.csv").write_text(f"{FLAT}\nA,01/05/2017,S,C2,U1,,,2,02/02/2011,\n")
    ds = load_dataset(tmp_path)
    assert ds["header"][["CHILD", "SEX"]].values.tolist() == [["A", "1"]]
    assert not ds.quality["rule"].str.startswith("header read from").any()


def test_oc3_without_year_takes_the_data_collection_year(tmp_path: Path) -> None:
    # a single 2017-18 return as the DfE validator writes it: no YEAR in oc3
    (tmp_path / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\nA,01/05/2017,S,C2,U1,01/03/2018,E13\n"
        "B,01/06/2016,S,C2,U1,,\n"
    )
    (tmp_path / "oc3.csv").write_text("CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nZ,15/07/2000,YES,F1,B1\n")
    ds = load_dataset(tmp_path)
    assert ds["oc3"]["YEAR"].tolist() == [2018.0]
    assert ds.coverage["oc3"].basis == "care leavers' return 2017-18"
    # a full history cannot tell the year: the table is left out with a hint about years
    (tmp_path / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\nA,01/05/2015,S,C2,U1,01/03/2016,E13\n"
        "B,01/06/2019,S,C2,U1,,\n"
    )
    ds = load_dataset(tmp_path)
    assert "oc3" not in ds.names
    err = ds.quality.loc[ds.quality["severity"] == "error"]
    assert err[["file", "column", "rule"]].values.tolist() == [
        ["oc3.csv", "YEAR", "required column missing"]
    ]
    assert "collection year" in err["hint"].item()


def test_oc3_year_written_as_a_collection_year(tmp_path: Path) -> None:
    (tmp_path / "oc3.csv").write_text(
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM,YEAR\nZ,15/07/2000,YES,F1,B1,2017-18\n"
        "Y,15/07/2000,YES,F1,B1,201718\nX,15/07/2000,YES,F1,B1,2018\nW,15/07/2000,YES,F1,B1,18\n"
    )
    ds = load_dataset(tmp_path)
    assert ds["oc3"]["YEAR"].tolist()[:3] == [2018.0, 2018.0, 2018.0]
    bad = ds.quality.loc[ds.quality["severity"] == "error"]
    assert bad[["row", "column", "value", "rule"]].values.tolist() == [
        [5, "YEAR", "18", "not a collection year"]
    ]
    assert "2025 for 2024-25" in bad["hint"].item()


def test_the_other_ssda903_tables_are_kept_not_unknown(tmp_path: Path) -> None:
    files = {
        "oc2.csv": "CHILD,DOB,SDQ_SCORE,CONVICTED,HEALTH_CHECK\nA,01/01/2010,12,0,1\n",
        "ad1.csv": "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE\nA,01/01/2010,01/02/2020,01/03/2020,1\n",
        "missing.csv": "CHILD,DOB,MISSING,MIS_START,MIS_END\nA,01/01/2010,M,01/02/2020,02/02/2020\n",
        "reviews.csv": "CHILD,DOB,REVIEW,REVIEW_CODE\nA,01/01/2010,01/02/2020,PN1\n"
        "A,01/01/2010,01/03/2020,pn9\n",
        "placed_for_adoption.csv": "CHILD,DOB,DATE_PLACED\nA,01/01/2010,01/02/2020\n",
        "previous_permanence.csv": "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\nA,01/01/2010,Z1,,\n",
        "sw_episodes.csv": "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nA,01/01/2010,S1,01/02/2020,,\n",
        "DoLo.csv": "CHILD,DOB,DOLO_START,DOLO_END\nA,01/01/2010,01/01/2025,not a date\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    ds = load_dataset(tmp_path)
    assert set(ds.names) == {
        "oc2",
        "ad1",
        "missing",
        "reviews",
        "placed_for_adoption",
        "previous_permanence",
        "sw_episodes",
        "dolo",
    }
    assert ds["missing"]["MIS_START"].tolist() == [T("2020-02-01")]
    # lightly validated: an unreadable date or an unknown code is a warning, not an error
    q = ds.quality
    assert q[["severity", "file", "row", "column", "value"]].values.tolist() == [
        ["warning", "DoLo.csv", 2, "DOLO_END", "not a date"],
        ["warning", "reviews.csv", 3, "REVIEW_CODE", "PN9"],
    ]
    assert ds.unusable.empty


def test_a_uasc_table_with_sex_and_dob_is_recognised(tmp_path: Path) -> None:
    (tmp_path / "unaccompanied.csv").write_text("CHILD,SEX,DOB,DUC\nA,1,01/01/2008,01/01/2026\n")
    ds = load_dataset(tmp_path)
    assert ds.names == ["uasc"] and ds["uasc"]["DUC"].tolist() == [T("2026-01-01")]


def test_a_year_out_of_range_is_worded_in_years(tmp_path: Path) -> None:
    (tmp_path / "oc3.csv").write_text(
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM,YEAR\nZ,15/07/2000,YES,F1,B1,1825\n"
    )
    bad = load_dataset(tmp_path).quality
    assert bad[["row", "column", "rule"]].values.tolist() == [[2, "YEAR", "not a collection year"]]
    assert "2025 for 2024-25" in bad["hint"].item()
