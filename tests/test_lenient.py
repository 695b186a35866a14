"""Errors that don't stop the numbers: lenient loading by default (bad cells listed in
`unusable`, unusable tables left out), strict all-or-nothing, unreadable files named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _loader_fixtures import set_cell, write_csv_folder

import scorecard as sc
from scorecard.inputs import DataValidationError, load_dataset


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_csv_folder(tmp_path / "good")


def test_a_bad_cell_is_an_error_and_its_row_unusable_while_the_rest_loads(good: Path) -> None:
    set_cell(good, "episodes", 0, "DECOM", "31/02/2024")  # cannot be read: left blank
    set_cell(good, "episodes", 2, "PLACE", "Q9")  # read, but not a code: kept, unusable
    ds = load_dataset(good)
    ep = ds["episodes"]
    assert len(ep) == 3 and pd.isna(ep["DECOM"].iloc[0]) and ep["PLACE"].iloc[2] == "Q9"
    assert ds.unusable.values.tolist() == [
        ["episodes", 0, "DECOM", "not a date"],
        ["episodes", 2, "PLACE", "unknown PLACE code"],
    ]
    err = ds.quality.loc[ds.quality["severity"] == "error"]
    assert err[["file", "row", "column", "value"]].values.tolist() == [
        ["episodes.csv", 2, "DECOM", "31/02/2024"],
        ["episodes.csv", 4, "PLACE", "Q9"],
    ]
    assert set(ds.names) == {
        "header",
        "episodes",
        "uasc",
        "oc3",
        "referrals",
        "iro_allocations",
        "iro_staff",
        "ks4_cla",
        "ks4_all",
        "population",
        "districts",
    }
    # strict: all or nothing, every problem in one error
    with pytest.raises(DataValidationError) as exc:
        load_dataset(good, strict=True)
    assert len(exc.value.errors) == 2


def test_a_table_missing_a_required_column_is_left_out(good: Path) -> None:
    frame = pd.read_csv(good / "episodes.csv", dtype=str).drop(columns=["DECOM"])
    frame.to_csv(good / "episodes.csv", index=False)
    ds = load_dataset(good)
    assert "episodes" not in ds.names and "header" in ds.names
    err = ds.quality.loc[ds.quality["severity"] == "error"]
    assert err[["file", "column", "rule"]].values.tolist() == [
        ["episodes.csv", "DECOM", "required column missing"]
    ]
    with pytest.raises(sc.MissingTableError, match=r"needs the table\(s\) episodes"):
        sc.compute("cla_count", ds, at="2024-03-31")
    # validate=False reads without checks, but never hands on a table it cannot use
    loose = load_dataset(good, validate=False)
    assert "episodes" not in loose.names


def test_validate_false_never_ends_in_a_key_error(tmp_path: Path) -> None:
    # yearly returns whose key columns are missing or misnamed
    (tmp_path / "episodes_2019-20.csv").write_text("CHILD,START\nA,01/04/2019\n")
    (tmp_path / "episodes_2020-21.csv").write_text("CHILD,DECOM\nA,01/04/2020\n")
    (tmp_path / "oc3.csv").write_text("CHILD,DOB\nZ,01/01/2000\n")
    ds = load_dataset(tmp_path, validate=False)
    assert ds.names == []
    assert set(ds.quality.loc[ds.quality["severity"] == "error", "column"]) >= {"DECOM", "REC"}


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("episodes.csv", b"PK\x03\x04\x00\x00binary", "is not a text file"),
        ("episodes.xlsx", b"this is not a workbook", "cannot be read as XLSX"),
        ("episodes.parquet", b"nor a parquet file", "cannot be read as Parquet"),
    ],
)
def test_an_unreadable_file_is_named_never_a_traceback(
    good: Path, name: str, content: bytes, says: str
) -> None:
    (good / "episodes.csv").unlink()
    (good / name).write_bytes(content)
    ds = load_dataset(good)
    err = ds.quality.loc[ds.quality["file"] == name]
    assert err["severity"].tolist() == ["error"] and says in err["rule"].item()
    assert "episodes" not in ds.names and "header" in ds.names


def test_utf16_tab_separated_csv_is_read(good: Path) -> None:
    text = "CHILD\tSEX\tDOB\r\n1001\t1\t01/05/2010\r\n"
    (good / "header.csv").write_bytes(text.encode("utf-16"))
    assert load_dataset(good)["header"]["DOB"].tolist() == [pd.Timestamp("2010-05-01")]


def test_a_folder_where_nothing_loads_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "README.txt").write_text("nothing here")
    (tmp_path / "lookup.csv").write_text("A,B\n1,2\n")
    ds = load_dataset(tmp_path)
    assert ds.names == []
    errors = ds.quality.loc[ds.quality["severity"] == "error"]
    assert errors[["file", "rule"]].values.tolist() == [[str(tmp_path), "no table could be loaded"]]
    with pytest.raises(DataValidationError, match="no table could be loaded"):
        load_dataset(tmp_path, strict=True)


def test_a_referral_in_the_future_is_an_error(good: Path) -> None:
    set_cell(good, "referrals", 0, "CINreferralDate", "01/01/2099")
    ds = load_dataset(good)
    err = ds.quality.loc[ds.quality["severity"] == "error"]
    assert err[["row", "column", "rule"]].values.tolist() == [
        [2, "CINreferralDate", "referral date in the future"]
    ]
    assert ds.unusable.values.tolist() == [
        ["referrals", 0, "CINreferralDate", "referral date in the future"]
    ]


def test_in_memory_frames_stay_strict_unless_asked(good: Path) -> None:
    frame = pd.DataFrame({"CHILD": ["A"], "SEX": ["9"], "DOB": ["01/01/2010"]})
    with pytest.raises(DataValidationError):
        sc.Dataset.from_frames(header=frame)
    ds = sc.inputs.dataset_from_frames({"header": frame}, strict=False)
    assert ds.unusable.values.tolist() == [["header", 0, "SEX", "unknown SEX code"]]
