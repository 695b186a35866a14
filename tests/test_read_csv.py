"""Delimited text read by Arrow's CSV reader where it reads a file as pandas does
(`read._arrow_csv`), and by pandas wherever it might not."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import scorecard as sc
from scorecard.inputs import read

# (file bytes, separator, encoding): each read the same by both readers
SAME = {
    "plain": (b"A,B\n1,2\n3,4\n", ",", "utf-8"),
    "no newline at the end": (b"A,B\n1,2\n3,4", ",", "utf-8"),
    "byte order mark": (b"\xef\xbb\xbfA,B\n1,2\n", ",", "utf-8-sig"),
    "Windows line ends": (b"A,B\r\n1,2\r\n3,4\r\n", ",", "utf-8"),
    "old Mac line ends": (b"A,B\r1,2\r3,4\r", ",", "utf-8"),
    "a blank line kept as a blank row": (b"A,B\n1,2\n\n3,4\n", ",", "utf-8"),
    "empty and quoted empty fields are blank": (b'A,B\n1,\n,""\n', ",", "utf-8"),
    "words other readers take for blanks are kept": (b"A,B\nNA,NULL\nnan,N/A\n", ",", "utf-8"),
    "spaces are kept": (b"A,B\n 1 ,   \n", ",", "utf-8"),
    "quoted separator, doubled quote": (b'A,B\n"a,b","c""d"\n', ",", "utf-8"),
    "quotes inside a field": (b'A,B\ne"f"g,h\n', ",", "utf-8"),
    "a line break inside quotes": (b'A,B\n1,"x\ny"\n2,z\n', ",", "utf-8"),
    "semicolons": (b"A;B\n1,5;2\n", ";", "utf-8"),
    "tabs": (b"A\tB\n1\t2\n", "\t", "utf-8"),
    "no rows": (b"A,B\n", ",", "utf-8"),
    "text beyond ASCII": ("A,B\nZoë,Ł\n".encode(), ",", "utf-8"),
}

# what Arrow leaves to pandas, which mends or reports it
LEFT_TO_PANDAS = {
    "a line with fewer fields": (b"A,B\n1,2\n3\n", ",", "utf-8", 0),
    "a line with more fields": (b"A,B\n1,2\n3,4,5\n", ",", "utf-8", 0),
    "a separator after every line": (b"A,B\n1,2,\n3,4,\n", ",", "utf-8", 0),
    "an open quote": (b'A,B\n1,"2\n', ",", "utf-8", 0),
    "a quote that does not pair": (b'A,B\ne"f,1\n', ",", "utf-8", 0),
    "a column named twice": (b"A,A\n1,2\n", ",", "utf-8", 0),
    "a column with no name": (b"A,,C\n1,2,3\n", ",", "utf-8", 0),
    "Windows-1252 text": ("A,B\nZoë,1\n".encode("cp1252"), ",", "cp1252", 0),
    "a title row above the header": (b"Title\nA,B\n1,2\n", ",", "utf-8", 1),
}


def _names(data: bytes, encoding: str, sep: str, header: int = 0) -> list[str]:
    return data.decode(encoding).splitlines()[header].split(sep)


@pytest.mark.parametrize("case", list(SAME))
def test_arrow_reads_the_cells_pandas_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    data, sep, encoding = SAME[case]
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    monkeypatch.setattr(read, "ARROW_CSV_BYTES", 0)
    got = read._arrow_csv(path, encoding, sep, 0, _names(data, encoding, sep))
    assert got is not None, "Arrow should have read it"
    pd.testing.assert_frame_equal(got, read._csv_frame(path, encoding, sep, 0, "error"))


@pytest.mark.parametrize("case", list(LEFT_TO_PANDAS))
def test_what_arrow_may_read_otherwise_is_left_to_pandas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    data, sep, encoding, header = LEFT_TO_PANDAS[case]
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    monkeypatch.setattr(read, "ARROW_CSV_BYTES", 0)
    assert read._arrow_csv(path, encoding, sep, header, _names(data, encoding, sep, header)) is None


def test_a_small_file_is_left_to_pandas(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"A,B\n1,2\n")
    assert read._arrow_csv(path, "utf-8", ",", 0, ["A", "B"]) is None


def test_the_sample_loads_the_same_by_either_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's large CSV files go through Arrow; every table, the quality report and
    the coverage equal those of pandas' reading."""
    read_by_arrow: list[str] = []
    arrow_csv = read._arrow_csv

    def noted(path: Path, *args: object) -> pd.DataFrame | None:
        frame = arrow_csv(path, *args)  # type: ignore[arg-type]
        if frame is not None:
            read_by_arrow.append(path.name)
        return frame

    monkeypatch.setattr(read, "_arrow_csv", noted)
    by_arrow = sc.load_dataset()
    assert set(read_by_arrow) == {"episodes.csv", "header.csv", "oc3.csv"}
    monkeypatch.setattr(read, "_arrow_csv", arrow_csv)
    monkeypatch.setattr(read, "ARROW_CSV_BYTES", 1 << 62)
    by_pandas = sc.load_dataset()
    assert by_arrow.names == by_pandas.names
    for name in by_arrow.names:
        pd.testing.assert_frame_equal(by_arrow[name], by_pandas[name], check_exact=True)
    pd.testing.assert_frame_equal(by_arrow.quality, by_pandas.quality)
    assert by_arrow.coverage == by_pandas.coverage


def test_a_zip_member_is_read_by_arrow_as_a_loose_file(monkeypatch: pytest.MonkeyPatch) -> None:
    data, sep, encoding = SAME["a line break inside quotes"]
    member = read.Member("SSDA903_2018-19/episodes.csv", data)
    monkeypatch.setattr(read, "ARROW_CSV_BYTES", 0)
    got = read._arrow_csv(member, encoding, sep, 0, _names(data, encoding, sep))
    assert got is not None
    pd.testing.assert_frame_equal(got, read._csv_frame(member, encoding, sep, 0, "error"))
