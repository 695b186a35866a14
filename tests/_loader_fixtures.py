"""A small, clean dataset (every table of SPEC section 3) to write in several file formats.

Hand-built so that it raises no error and no warning: tests corrupt copies of it one cell at
a time. Row numbers in a CSV: the header is line 1, so TABLE_ROWS[t][i] is on line i + 2.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from scorecard.dataset import Dataset

TABLE_ROWS: dict[str, tuple[list[str], list[list[str]]]] = {
    "header": (
        ["CHILD", "SEX", "DOB"],
        [["1001", "1", "01/05/2010"], ["1002", "F", "2012-07-15"]],  # 1002: episode in 2024-25
    ),
    "episodes": (
        [
            "CHILD",
            "DECOM",
            "RNE",
            "LS",
            "PLACE",
            "DEC",
            "REC",
            "PLACE_PROVIDER",
            "HOME_POST",
            "CASE_NOTE",
        ],
        [
            ["1001", "01/04/2023", "S", "C2", "U4", "01/10/2023", "X1", "PR1", "wd1 1aa", "first"],
            ["1001", "01/10/2023", "P", "C2", "U6", "", "", "PR4", "WD1 1AA", ""],
            ["1002", "15/06/2024", "S", "V2", "K2", "20/12/2024", "E13", "PR4", "WD2 3BB", ""],
        ],
    ),
    "uasc": (["CHILD", "DUC"], [["1002", ""]]),
    "oc3": (
        ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM", "YEAR"],
        [
            ["2001", "10/10/2005", "YES", "F2", "B1", "2025"],
            ["2002", "01/01/2006", "NO", "0", "0", "2025"],
        ],
    ),
    "referrals": (
        ["LAchildID", "CINreferralDate", "ReferralSource"],
        [["R1", "01/04/2024", "1A"], ["R1", "01/12/2024", "2B"], ["R2", "2024-06-30", ""]],
    ),
    "iro_allocations": (
        ["IRO_ID", "CHILD", "START", "END", "CASE_TYPE"],
        [["I1", "1001", "01/04/2023", "", "CLA"], ["I1", "CP9", "01/01/2025", "", "CP"]],
    ),
    "iro_staff": (["IRO_ID", "FTE", "START", "END"], [["I1", "0.8", "01/01/2020", ""]]),
    "ks4_cla": (
        ["CHILD", "ACADEMIC_YEAR", "ATT8", "EM94"],
        [["1001", "2024/25", "35.5", "1"], ["1003", "202425", "12", "0"]],
    ),
    "ks4_all": (
        ["ACADEMIC_YEAR", "PUPILS", "AVG_ATT8", "PCT_EM94"],
        [["2024/25", "15000", "45.9", "64.2"]],
    ),
    "population": (["MID_YEAR", "POP_0_17"], [["2023", "300000"], ["2024", "302500"]]),
    "districts": (
        ["POSTCODE_DISTRICT", "DISTRICT"],
        [["WD1", "Ashdown"], ["WD2", "Brookvale"]],
    ),
}


def frame(table: str) -> pd.DataFrame:
    """The raw (all text) frame of `table`."""
    cols, rows = TABLE_ROWS[table]
    return pd.DataFrame([list(r) for r in rows], columns=cols)


def csv_text(table: str, rows: list[list[str]] | None = None) -> str:
    cols, base = TABLE_ROWS[table]
    lines = [",".join(cols)] + [",".join(r) for r in (rows if rows is not None else base)]
    return "\n".join(lines) + "\n"


def write_csv_folder(folder: Path, encoding: str = "utf-8") -> Path:
    """Every table as `<table>.csv` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLE_ROWS:
        (folder / f"{table}.csv").write_bytes(csv_text(table).encode(encoding))
    return folder


def set_cell(folder: Path, table: str, row: int, column: str, value: str) -> None:
    """Overwrite one cell of `<table>.csv` (row = 0-based data row; file line row + 2)."""
    cols, base = TABLE_ROWS[table]
    rows = [list(r) for r in base]
    path = folder / f"{table}.csv"
    current = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = current.values.tolist()
    cols = list(current.columns)
    rows[row][cols.index(column)] = value
    path.write_text("\n".join([",".join(cols)] + [",".join(r) for r in rows]) + "\n")


def drop_column(folder: Path, table: str, column: str) -> None:
    path = folder / f"{table}.csv"
    current = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=[column])
    current.to_csv(path, index=False)


def digests(folder: Path) -> dict[str, tuple[str, int]]:
    """sha256 and mtime of every file under `folder` (to prove loading changes nothing)."""
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


EP = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC"
HEADER = "CHILD,SEX,DOB"


def write(folder: Path, name: str, header: str, rows: list[str]) -> Path:
    """A CSV file of `rows` under `header` at folder/name (folders made as needed)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def assert_same_dataset(a: Dataset, b: Dataset) -> None:
    """Two loads of one folder gave the same tables, report and unusable cells, exactly."""
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)
    pd.testing.assert_frame_equal(a.quality, b.quality, check_exact=True)
    pd.testing.assert_frame_equal(a.unusable, b.unusable, check_exact=True)
