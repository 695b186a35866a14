"""Loading data folders: formats, encodings, table detection, coercion and the error report."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from _loader_fixtures import (
    TABLE_ROWS,
    csv_text,
    digests,
    drop_column,
    set_cell,
    write_csv_folder,
)

import scorecard as sc
from scorecard.dataset import QUALITY_COLUMNS
from scorecard.inputs import (
    DataValidationError,
    bundled_sample_path,
    check_dataset,
    dataset_from_frames,
    load_dataset,
)

STR = pd.StringDtype(na_value=np.nan)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_csv_folder(tmp_path / "good")


def _errors(exc: pytest.ExceptionInfo[DataValidationError]) -> pd.DataFrame:
    return exc.value.errors.reset_index(drop=True)


# ----------------------------------------------------------------------------- good files
def test_good_csv_folder_loads_with_the_dtype_contract(good: Path) -> None:
    ds = load_dataset(good)
    assert set(ds.names) == set(TABLE_ROWS)
    assert ds.quality.empty, ds.quality.to_string()  # the fixture is clean
    ep = ds["episodes"]
    assert ep["CHILD"].dtype == STR and ep["PLACE"].dtype == STR
    assert ep["DECOM"].dtype == "datetime64[ns]" and ep["DEC"].dtype == "datetime64[ns]"
    # dd/mm/YYYY and ISO both read; blank DEC is NaT; blank REC is NaN
    assert ep["DECOM"].tolist()[2] == pd.Timestamp("2024-06-15")
    assert ds["header"]["DOB"].tolist() == [pd.Timestamp("2010-05-01"), pd.Timestamp("2012-07-15")]
    assert pd.isna(ep["DEC"].iloc[1]) and pd.isna(ep["REC"].iloc[1])
    # codes upper-cased (postcodes too); the unknown extra column is kept
    assert ep["HOME_POST"].tolist()[0] == "WD1 1AA"
    assert ep["CASE_NOTE"].tolist()[0] == "first" and pd.isna(ep["CASE_NOTE"].iloc[1])
    # numbers are float64; ACADEMIC_YEAR 202425 becomes 2024/25; SEX stays a code string
    assert ds["iro_staff"]["FTE"].dtype == "float64" and ds["iro_staff"]["FTE"].item() == 0.8
    assert ds["ks4_cla"]["ACADEMIC_YEAR"].tolist() == ["2024/25", "2024/25"]
    assert ds["header"]["SEX"].tolist() == ["1", "F"]
    assert ds["population"]["MID_YEAR"].dtype == "float64"
    assert ds.files["episodes"] == "episodes.csv"
    assert list(ds.quality.columns) == QUALITY_COLUMNS


def test_cp1252_and_utf8_bom_csv(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "enc")
    # 'Côte' in cp1252 is not valid UTF-8: the loader must fall back to cp1252
    text = csv_text("districts", [["WD1", "Côte Weald"], ["WD2", "Brookvale"]])
    (folder / "districts.csv").write_bytes(text.encode("cp1252"))
    # a BOM before the first header must not hide the CHILD column
    (folder / "header.csv").write_bytes(csv_text("header").encode("utf-8-sig"))
    ds = load_dataset(folder)
    assert ds["districts"]["DISTRICT"].tolist()[0] == "Côte Weald"
    assert ds["header"]["CHILD"].tolist() == ["1001", "1002"]


def test_parquet_in_contract_dtypes_round_trips(good: Path, tmp_path: Path) -> None:
    ds = load_dataset(good)
    out = tmp_path / "pq"
    out.mkdir()
    for name in ds:
        ds[name].to_parquet(out / f"{name}.parquet", index=False)
    again = load_dataset(out)
    for name in ds:
        pd.testing.assert_frame_equal(again[name], ds[name], check_dtype=True)


@pytest.mark.parametrize(
    "index",
    [
        pd.RangeIndex(100, 103),  # `df.iloc[100:]` written out: pandas keeps the range
        pd.RangeIndex(0, 3, name="row"),  # a named index
        pd.Index([7, 3, 9]),  # after a sort or a filter
    ],
)
def test_parquet_with_pandas_own_index_read_by_position(tmp_path: Path, index: pd.Index) -> None:
    # worked by hand: the second child's SEX is 'Z', an error on record 2 (the file's rows,
    # whatever index pandas wrote beside them)
    pd.DataFrame(
        {
            "CHILD": ["1", "2", "3"],
            "SEX": ["1", "Z", "2"],
            "DOB": pd.to_datetime(["2010-01-01"] * 3),
        },
        index=index,
    ).to_parquet(tmp_path / "header.parquet")
    ds = load_dataset(tmp_path)
    assert ds["header"]["CHILD"].tolist() == ["1", "2", "3"]
    assert ds["header"].index.equals(pd.RangeIndex(3))
    bad = ds.quality.loc[ds.quality["severity"] == "error"]
    assert bad[["row", "column", "value"]].values.tolist() == [[2, "SEX", "Z"]]


def test_parquet_numeric_ids_become_strings(tmp_path: Path) -> None:
    # an id column saved as float (1234.0) or int must come back as '1234'
    pd.DataFrame(
        {
            "CHILD": [1234.0, np.nan, 77.0],
            "SEX": [1, 2, 1],
            "DOB": pd.to_datetime(["2010-01-01"] * 3),
        }
    ).to_parquet(tmp_path / "header.parquet")
    ds = load_dataset(tmp_path, validate=False)
    h = ds["header"]
    assert (
        h["CHILD"].iloc[0] == "1234" and h["CHILD"].iloc[2] == "77" and pd.isna(h["CHILD"].iloc[1])
    )
    assert h["SEX"].tolist() == ["1", "2", "1"] and h["SEX"].dtype == STR
    # without validate=False the blank CHILD stops loading, on record 2 of the Parquet file
    with pytest.raises(DataValidationError) as exc:
        load_dataset(tmp_path, strict=True)
    assert _errors(exc)[["file", "row", "column"]].values.tolist() == [
        ["header.parquet", 2, "CHILD"]
    ]


@pytest.mark.parametrize(
    ("sex", "child", "expected_sex", "expected_child"),
    [
        # clean typed text: kept as it is (the fast path that skips the rewrite)
        (["M", "F", None], ["A1", "B2", "C3"], ["M", "F", np.nan], ["A1", "B2", "C3"]),
        # one code in lower case: the whole column is upper-cased
        (["M", "f", "U"], ["A1", "B2", "C3"], ["M", "F", "U"], ["A1", "B2", "C3"]),
        # padding (a tab, a space) is stripped; a blank cell becomes NaN
        (["M", "F\t", "U"], [" A1", "B2", ""], ["M", "F", "U"], ["A1", "B2", np.nan]),
        # an Excel-style '1234.0' id loses its '.0'; 'X.5' is not a number and stays
        (["M", "F", "U"], ["1234.0", "X.5", "C3"], ["M", "F", "U"], ["1234", "X.5", "C3"]),
    ],
)
def test_parquet_text_columns_clean_or_not(
    tmp_path: Path,
    sex: list[object],
    child: list[object],
    expected_sex: list[object],
    expected_child: list[object],
) -> None:
    # typed Parquet text comes back as Arrow `str`; only columns needing a fix are rewritten
    pd.DataFrame(
        {
            "CHILD": pd.Series(child, dtype=STR),
            "SEX": pd.Series(sex, dtype=STR),
            "DOB": pd.to_datetime(["2010-01-01"] * 3),
        }
    ).to_parquet(tmp_path / "header.parquet")
    h = load_dataset(tmp_path, validate=False)["header"]
    pd.testing.assert_series_equal(
        h["SEX"], pd.Series(expected_sex, dtype=STR, name="SEX"), check_exact=True
    )
    pd.testing.assert_series_equal(
        h["CHILD"], pd.Series(expected_child, dtype=STR, name="CHILD"), check_exact=True
    )


def _write_xlsx(path: Path, titles: list[str], header: list[str], rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for t in titles:
        sheet.append([t])
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    book.save(path)


def test_xlsx_with_title_rows_excel_types_and_row_numbers(good: Path) -> None:
    (good / "episodes.csv").unlink()
    rows = [
        # Excel gives ids as numbers and dates as datetimes
        [1001, dt.datetime(2023, 4, 1), "S", "C2", "U4", dt.datetime(2023, 10, 1), "X1"],
        [1001, "01/10/2023", "p", "c2", " u6 ", None, None],
        [1002.0, dt.datetime(2024, 6, 15, 0, 0), "S", "V2", "K2", "2024-12-20", "E13"],
    ]
    cols = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"]
    _write_xlsx(
        good / "Episodes.xlsx", ["Wealdshire SSDA903 episodes", "Extract 31/03/2025"], cols, rows
    )
    ds = load_dataset(good)
    ep = ds["episodes"]
    assert ep["CHILD"].tolist() == ["1001", "1001", "1002"]
    assert (
        ep["DECOM"].tolist() == pd.to_datetime(["2023-04-01", "2023-10-01", "2024-06-15"]).tolist()
    )
    assert ep["PLACE"].tolist() == ["U4", "U6", "K2"] and ep["RNE"].tolist()[1] == "P"
    assert ds.files["episodes"] == "Episodes.xlsx"
    # a bad code on the 2nd data row: titles on rows 1-2, header row 3, so spreadsheet row 5
    rows[1][4] = "Q9"
    _write_xlsx(good / "Episodes.xlsx", ["Wealdshire SSDA903 episodes", "Extract"], cols, rows)
    with pytest.raises(DataValidationError) as exc:
        load_dataset(good, strict=True)
    err = _errors(exc)
    assert err[["file", "row", "column", "value"]].values.tolist() == [
        ["Episodes.xlsx", 5, "PLACE", "Q9"]
    ]
    assert "Episodes.xlsx, row 5, column PLACE, value 'Q9': unknown PLACE code" in str(exc.value)


def test_unknown_stem_recognised_by_headers_and_other_files_noted(good: Path) -> None:
    (good / "episodes.csv").rename(good / "SSDA903 extract 2025.csv")
    (good / "README.txt").write_text("notes")
    (good / "lookup.csv").write_text("A,B\n1,2\n")
    # CHILD, SEX, DOB, DUC: uasc (header does not know DUC), which uasc.csv already provides
    (good / "kids.csv").write_text("CHILD,SEX,DOB,DUC\n9,1,01/01/2010,\n")
    # headers that fit two tables equally well
    (good / "both.csv").write_text("CHILD,SEX,DOB,DUC,ETHNIC\n9,1,01/01/2010,,WBRI\n")
    (good / "extracts").mkdir()
    (good / "extracts" / "episodes.csv").write_text("not, a, table\n")
    (good / "benchmarks").mkdir()  # benchmark data (the sample's): not tables, no note
    (good / "benchmarks" / "lait.csv").write_text("not, a, table\n")
    ds = load_dataset(good)
    assert ds.files["episodes"] == "SSDA903 extract 2025.csv" and len(ds["episodes"]) == 3
    q = ds.quality.groupby("file")["rule"].agg(list)
    # the year in the name: the dates span 2023-24 and 2024-25, so not one return
    assert q["SSDA903 extract 2025.csv"] == [
        "read as table episodes (recognised by its headers)",
        "the name says 2025, but the dates span several collection years; read as a "
        "full-history extract",
    ]
    assert "COLLECTION_YEAR" not in ds["episodes"].columns and ds.returns.empty
    assert q["README.txt"] == ["not a table file; ignored"]
    assert q["lookup.csv"] == ["file matches no table; ignored"]
    assert q["kids.csv"] == ["looks like table uasc, which another file already provides; ignored"]
    assert q["both.csv"] == ["headers fit several tables (header, uasc); ignored"]
    # subfolders are not read (their files are not looked at), and said so
    assert "benchmarks/" not in q
    assert q["extracts/"] == [
        "subfolder not read (1 table file in it): only year subfolders (2019-20/) are"
    ]


def test_column_headers_any_case_and_stem_any_case(good: Path) -> None:
    (good / "referrals.csv").unlink()
    (good / "REFERRALS.CSV").write_text("lachildid, cinreferraldate ,Extra\nR9,01/04/2024,x\n")
    ds = load_dataset(good)
    assert list(ds["referrals"].columns) == ["LAchildID", "CINreferralDate", "Extra"]


# ------------------------------------------------------------------------------ bad files
# (table, 0-based data row, column, bad value, expected rule); CSV line = row + 2
BAD_CELLS = [
    ("episodes", 0, "DECOM", "31/02/2024", "not a date"),
    ("episodes", 2, "DEC", "01/01/2024", "DEC before DECOM"),  # DECOM is 15/06/2024
    ("episodes", 1, "CHILD", "", "blank in a required column"),
    ("referrals", 1, "LAchildID", "", "blank in a required column"),
    ("episodes", 2, "PLACE", "Q9", "unknown PLACE code"),
    ("episodes", 0, "LS", "X9", "unknown LS code"),
    ("oc3", 0, "ACCOM", "B3", "unknown ACCOM code"),
    ("header", 0, "SEX", "7", "unknown SEX code"),
    ("iro_staff", 0, "FTE", "0", "not positive"),
    ("iro_staff", 0, "FTE", "full", "not a number"),
    ("ks4_cla", 1, "ATT8", "95", "outside 0-90"),
    ("ks4_cla", 0, "EM94", "2", "EM94 not 0/1"),
    ("ks4_cla", 0, "ACADEMIC_YEAR", "2024/26", "not an academic year"),
    ("episodes", 0, "REC", "", "REC blank but DEC given"),
    ("iro_allocations", 0, "END", "01/01/2020", "END before START"),
]


@pytest.mark.parametrize(("table", "row", "column", "value", "rule"), BAD_CELLS)
def test_each_kind_of_bad_cell_is_named(
    good: Path, table: str, row: int, column: str, value: str, rule: str
) -> None:
    for other in TABLE_ROWS:  # only the table under test: keeps the test fast
        if other != table:
            (good / f"{other}.csv").unlink()
    set_cell(good, table, row, column, value)
    with pytest.raises(DataValidationError) as exc:
        load_dataset(good, strict=True)
    err = _errors(exc)
    assert len(err) == 1, err.to_string()
    got = err.iloc[0]
    assert (got["file"], got["row"], got["column"], got["rule"]) == (
        f"{table}.csv",
        row + 2,
        column,
        rule,
    )
    assert got["value"] == value and got["hint"]
    message = str(exc.value)
    assert f"{table}.csv, row {row + 2}, column {column}" in message and rule in message
    assert isinstance(exc.value, ValueError)


def test_missing_required_column(good: Path) -> None:
    drop_column(good, "episodes", "REC")
    with pytest.raises(DataValidationError) as exc:
        load_dataset(good, strict=True)
    got = _errors(exc).iloc[0]
    assert (got["file"], got["column"], got["rule"]) == (
        "episodes.csv",
        "REC",
        "required column missing",
    )
    assert pd.isna(got["row"])
    assert "episodes.csv, column REC: required column missing" in str(exc.value)


def test_every_problem_of_every_file_in_one_error(good: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(good, broken)
    seen = set()
    for table, row, column, value, _ in BAD_CELLS:
        if (table, row, column) in seen or value == "full":
            continue  # one corruption per cell (FTE 'full' would overwrite FTE '0')
        seen.add((table, row, column))
        set_cell(broken, table, row, column, value)
    drop_column(broken, "population", "POP_0_17")
    before = digests(broken)
    with pytest.raises(DataValidationError) as exc:
        load_dataset(broken, strict=True)
    err = _errors(exc)
    # every corrupted cell once, plus the missing column
    assert len(err) == len(seen) + 1, err.to_string()
    assert set(zip(err["column"], err["file"], strict=True)) >= {
        ("POP_0_17", "population.csv"),
        ("DECOM", "episodes.csv"),
        ("FTE", "iro_staff.csv"),
        ("EM94", "ks4_cla.csv"),
        ("LAchildID", "referrals.csv"),
        ("END", "iro_allocations.csv"),
    }
    message = str(exc.value)
    assert message.startswith(f"{len(seen) + 1} problems in 8 files")
    assert message.count("\n") >= len(seen) + 1
    # the same report, without raising, for `scorecard validate`
    report = check_dataset(broken)
    assert (report["severity"] == "error").sum() == len(seen) + 1
    assert digests(broken) == before  # nothing written to the inputs


def test_input_files_never_modified(good: Path) -> None:
    _write_xlsx(good / "uasc.xlsx", ["title"], ["CHILD", "DUC"], [["1002", None]])
    (good / "uasc.csv").unlink()
    pd.read_csv(good / "population.csv").to_parquet(good / "population.parquet")
    (good / "population.csv").unlink()
    before = digests(good)
    load_dataset(good)
    check_dataset(good)
    assert digests(good) == before


def test_two_files_for_one_table_is_an_error(good: Path) -> None:
    shutil.copy(good / "uasc.csv", good / "UASC.csv")
    with pytest.raises(DataValidationError, match="several files for table uasc"):
        load_dataset(good, strict=True)


def test_check_dataset_reports_warnings_and_missing_folder(good: Path, tmp_path: Path) -> None:
    set_cell(good, "episodes", 2, "PLACE", "H5")  # H5 in an episode starting 15/06/2024
    report = check_dataset(good)
    assert report["severity"].tolist() == ["warning"]
    assert (
        report["rule"].item()
        == "PLACE code not valid in any collection year the episode is open in"
    )
    missing = check_dataset(tmp_path / "nowhere")
    assert missing["severity"].tolist() == ["error"] and "No data folder" in missing["rule"].item()
    with pytest.raises(FileNotFoundError):
        load_dataset(tmp_path / "nowhere")


def test_warnings_do_not_stop_loading(good: Path) -> None:
    set_cell(good, "episodes", 2, "PLACE", "H5")
    ds = load_dataset(good)
    q = ds.quality
    assert q[["severity", "file", "row", "column", "value"]].values.tolist() == [
        ["warning", "episodes.csv", 4, "PLACE", "H5"]
    ]
    assert "valid up to 2023-24 only, not in 2024-25" in q["hint"].item()


# ---------------------------------------------------------------------- in-memory frames
def test_dataset_from_frames_blank_values_and_date_forms() -> None:
    ds = dataset_from_frames(
        {
            "episodes": pd.DataFrame(
                {
                    "CHILD": ["A", "B"],
                    "DECOM": ["01/04/2024", "2024-05-02"],
                    "RNE": ["S", "s"],
                    "LS": ["C2", "C2"],
                    "PLACE": ["U1", "U6"],
                    "DEC": ["", None],
                    "REC": [None, ""],
                }
            ),
            "iro_staff": pd.DataFrame(
                {"IRO_ID": [7], "FTE": [1], "START": [pd.Timestamp("2024-01-01")], "END": [None]}
            ),
        }
    )
    ep = ds["episodes"]
    assert ep["DECOM"].tolist() == pd.to_datetime(["2024-04-01", "2024-05-02"]).tolist()
    assert ep["DEC"].isna().all() and ep["REC"].isna().all() and ep["RNE"].tolist() == ["S", "S"]
    assert ds["iro_staff"]["IRO_ID"].tolist() == ["7"] and ds["iro_staff"]["FTE"].dtype == "float64"
    assert ds.files == {"episodes": "<memory:episodes>", "iro_staff": "<memory:iro_staff>"}


def test_dataset_from_frames_errors_name_memory_table_and_index() -> None:
    frame = pd.DataFrame(
        {"CHILD": ["A", "B"], "SEX": ["1", "9"], "DOB": ["01/01/2010", "01/01/2011"]},
        index=[10, 11],
    )
    with pytest.raises(DataValidationError) as exc:
        sc.Dataset.from_frames(header=frame)
    got = _errors(exc).iloc[0]
    assert (got["file"], got["row"], got["column"], got["value"]) == (
        "<memory:header>",
        11,
        "SEX",
        "9",
    )
    ds = dataset_from_frames({"header": frame}, validate=False)
    assert ds["header"]["SEX"].tolist() == ["1", "9"]
    with pytest.raises(KeyError, match="Unknown table"):
        dataset_from_frames({"episode": frame})


# --------------------------------------------------------------------------- the sample
def test_bundled_sample_loads_when_present() -> None:
    path = bundled_sample_path()
    if not path.is_dir() or not any(p.suffix in (".csv", ".parquet") for p in path.iterdir()):
        pytest.skip(f"no bundled sample at {path} yet (generated by python -m scorecard.sample)")
    ds = load_dataset()
    assert {"header", "episodes"} <= set(ds.names)
    assert not (ds.quality["severity"] == "error").any()
    assert ds.source == str(path)


def test_csv_title_rows_and_blank_lines_keep_file_line_numbers(good: Path) -> None:
    # line 1 title, line 2 blank, line 3 header, line 4 data, line 5 blank, line 6 bad code
    (good / "uasc.csv").write_text(
        "Wealdshire UASC extract\n\nCHILD,DUC,SEX\n1002,,1\n\n1003,01/01/2026,7\n"
    )
    with pytest.raises(DataValidationError) as exc:
        load_dataset(good, strict=True)
    err = _errors(exc)
    assert err[["file", "row", "column", "value"]].values.tolist() == [["uasc.csv", 6, "SEX", "7"]]


def test_repeated_column_is_a_warning_and_a_row_where_it_differs_an_error(good: Path) -> None:
    # CHILD and child are one column; its copies agree on row 2 and differ on row 3
    (good / "header.csv").write_text(
        "CHILD,SEX,DOB,child\n1001,1,01/05/2010,1001\n1002,F,01/01/2011,1003\n"
    )
    ds = load_dataset(good)
    assert ds["header"]["CHILD"].tolist()[0] == "1001"
    assert ds.unusable.values.tolist() == [
        ["header", 1, "CHILD", "column appears 2 times and its copies differ in this row"]
    ]
    got = ds.quality.loc[ds.quality["file"] == "header.csv"]
    assert got[["severity", "row", "value", "rule"]].values.tolist() == [
        ["error", 3, "1002 | 1003", "column appears 2 times and its copies differ in this row"],
        [
            "warning",
            None,
            "",
            "column appears 2 times; each row takes the value its filled copies agree on",
        ],
    ]


def test_error_survives_pickling(good: Path) -> None:
    import pickle

    set_cell(good, "episodes", 2, "PLACE", "Q9")
    with pytest.raises(DataValidationError) as exc:
        load_dataset(good, strict=True)
    again = pickle.loads(pickle.dumps(exc.value))
    assert str(again) == str(exc.value) and again.report.equals(exc.value.report)


def test_xlsx_header_found_below_titles_even_with_a_column_missing(good: Path) -> None:
    (good / "uasc.csv").unlink()
    # no DUC column: the header row is still row 3 (it names CHILD), so the error is about
    # the missing column, not about every column
    _write_xlsx(good / "uasc.xlsx", ["UASC", "as at 31/03/2025"], ["CHILD", "SEX"], [["1002", "1"]])
    with pytest.raises(DataValidationError) as exc:
        load_dataset(good, strict=True)
    err = _errors(exc)
    assert err[["file", "column", "rule"]].values.tolist() == [
        ["uasc.xlsx", "DUC", "required column missing"]
    ]
