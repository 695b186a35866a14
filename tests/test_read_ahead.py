"""Parquet tables read ahead while the loaders import (`scorecard.inputs.ahead`): the same
dataset and report as reading each file when its turn comes, nothing held afterwards, and
a file changed or damaged in the meantime read again by the reader, which says why."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _loader_fixtures import assert_same_dataset

import scorecard as sc
from scorecard.inputs import ahead, read


def _tables(folder: Path, children: int = 300) -> None:
    """Episodes and referrals with codes, blank cells, a stray code and pandas' own index."""
    folder.mkdir()
    n = children * 2
    episodes = pd.DataFrame(
        {
            "CHILD": np.repeat(np.arange(children).astype(str), 2),
            "DECOM": pd.to_datetime(["2023-04-01", "2023-09-01"] * children),
            "RNE": "S",
            "LS": ["C2", "V3"] * children,
            "PLACE": ["U1", None] * (children - 1) + ["ZZ", "U2"],
            "DEC": pd.to_datetime(["2023-09-01", None] * children),
            "REC": ["E11", None] * children,
            "PL_DISTANCE": np.linspace(0, 9, n),
        },
        index=pd.RangeIndex(10, 10 + n, name="row"),  # an index pandas writes as a column
    )
    episodes.to_parquet(folder / "episodes.parquet")
    referrals = pd.DataFrame(
        {
            "LAchildID": np.arange(n).astype(str),
            "CINreferralDate": pd.Timestamp("2023-05-01") + pd.to_timedelta(np.arange(n), "D"),
            "CINclosureDate": pd.to_datetime([None] * n),
            "ReferralNFA": ["0", "1"] * children,
        }
    )
    pq.write_table(pa.Table.from_pandas(referrals), folder / "referrals.parquet", row_group_size=97)


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Every table the reader asked for (file name, whether it had been read ahead), with
    reading ahead on for any size of folder."""
    monkeypatch.setattr(ahead, "WORTH_BYTES", 0)
    monkeypatch.setenv("SCORECARD_THREADS", "2")
    asked: list[tuple[str, bool]] = []
    take = ahead.take

    def spy(path: Path) -> ahead.ArrowRead | None:
        got = take(path)
        asked.append((path.name, got is not None))
        return got

    monkeypatch.setattr(ahead, "take", spy)
    return asked


def test_read_ahead_gives_the_same_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[tuple[str, bool]]
) -> None:
    folder = tmp_path / "data"
    _tables(folder)
    ahead_ = sc.load_dataset(folder)
    assert sorted(taken) == [("episodes.parquet", True), ("referrals.parquet", True)]
    assert not ahead._JOBS  # nothing held once the load has ended
    monkeypatch.setattr(ahead, "WORTH_BYTES", 1 << 60)  # a folder too small to read ahead
    taken.clear()
    assert_same_dataset(ahead_, sc.load_dataset(folder))
    assert sorted(taken) == [("episodes.parquet", False), ("referrals.parquet", False)]
    # worked by hand: one stray PLACE code, and the codes kept as codes
    q = ahead_.quality
    assert (q["rule"] == "unknown PLACE code").sum() == 1
    assert ahead_["episodes"]["PLACE"].iloc[:2].tolist()[0] == "U1"


def test_cells_as_pandas_reads_them(tmp_path: Path) -> None:
    # the columns that are not codes come as pandas' read_parquet gives them, whatever the
    # type: text, dates with blanks, a time zone, whole numbers, floats, pandas' index
    frame = pd.DataFrame(
        {
            "CHILD": ["7", None, "9"],
            "DOB": pd.to_datetime(["2010-01-02", None, "2012-03-04"]),
            "STAMP": pd.to_datetime(["2024-01-01 10:00"] * 3).tz_localize("UTC"),
            "N": [1, 2, 3],
            "X": [0.5, np.nan, 2.0],
            "SEX": ["1", "2", None],  # a code: read as the file's dictionary
        },
        index=pd.Index([5, 6, 7], name="i"),
    )
    path = tmp_path / "header.parquet"
    frame.to_parquet(path)
    got = read._read_parquet(path).frame
    expected = pd.read_parquet(path).reset_index(drop=True)
    plain = [c for c in expected.columns if c != "SEX"]
    pd.testing.assert_frame_equal(got[plain], expected[plain], check_exact=True)
    assert list(got.columns) == list(expected.columns)
    assert pa.types.is_dictionary(got["SEX"].dtype.pyarrow_dtype)
    assert got["SEX"].astype("str").tolist()[:2] == ["1", "2"]


def test_a_file_changed_since_is_read_again(tmp_path: Path, taken: list) -> None:
    folder = tmp_path / "data"
    _tables(folder)
    with ahead.reading(folder):
        ahead.take(folder / "referrals.parquet")  # the reader waits for the first file too
        # rewritten by another program while the loaders imported: 5 children, not 300
        _tables(tmp_path / "other", children=5)
        (tmp_path / "other" / "episodes.parquet").replace(folder / "episodes.parquet")
        assert ahead.take(folder / "episodes.parquet") is None
        assert read._read_parquet(folder / "episodes.parquet").frame.shape[0] == 10
    assert not ahead._JOBS


def test_a_damaged_file_is_left_to_the_reader(tmp_path: Path, taken: list) -> None:
    folder = tmp_path / "data"
    _tables(folder)
    (folder / "episodes.parquet").write_bytes(b"PAR1 not a Parquet file PAR1")
    q = sc.load_dataset(folder).quality
    said = q.loc[q["file"].astype(str).str.contains("episodes.parquet")]
    assert said["rule"].str.contains("cannot be read as Parquet").any(), said
    assert ("episodes.parquet", False) in taken and ("referrals.parquet", True) in taken
    assert not ahead._JOBS


def test_a_file_not_taken_is_let_go(tmp_path: Path, taken: list) -> None:
    folder = tmp_path / "data"
    _tables(folder)
    with ahead.reading(folder):
        with ahead.reading(folder):  # a load inside a load: nothing read twice
            assert len(ahead._JOBS) == 2
        assert ahead.take(folder / "episodes.parquet") is not None
        assert ahead.take(folder / "episodes.parquet") is None  # taken once
    assert not ahead._JOBS  # the referrals, never asked for, are let go


def test_files_are_read_side_by_side_once_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list
) -> None:
    # a reader per core (2 here): each file's codes read apart from its other columns, each
    # part once, two at once (one reader waited alone on the last file's whole reading)
    folder = tmp_path / "data"
    _tables(folder)
    both = threading.Barrier(2, timeout=20)  # broken unless two reads are under way at once
    read_part, calls = ahead._read_part, []

    def spy(path: str, part: str) -> ahead.ArrowRead:
        calls.append((Path(path).name, part))
        both.wait()
        return read_part(path, part)

    monkeypatch.setattr(ahead, "_read_part", spy)
    sc.load_dataset(folder)
    assert sorted(calls) == [
        ("episodes.parquet", "coded"),
        ("episodes.parquet", "plain"),
        ("referrals.parquet", "coded"),
        ("referrals.parquet", "plain"),
    ]
    assert sorted(taken) == [("episodes.parquet", True), ("referrals.parquet", True)]
    assert not [t for t in threading.enumerate() if t.name == "scorecard-ahead"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's nice value: Linux")
def test_readers_stand_back_from_the_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list
) -> None:
    # each reader lowers its own priority by READER_NICENESS; the loading thread (which
    # imports meanwhile, and ends last) keeps its own
    folder = tmp_path / "data"
    _tables(folder)
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    read_part, seen = ahead._read_part, []

    def spy(path: str, part: str) -> ahead.ArrowRead:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return read_part(path, part)

    monkeypatch.setattr(ahead, "_read_part", spy)
    sc.load_dataset(folder)
    assert seen and set(seen) == {min(mine + ahead.READER_NICENESS, 19)}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine
    assert sorted(taken) == [("episodes.parquet", True), ("referrals.parquet", True)]


def test_one_file_is_read_by_two_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list
) -> None:
    # a folder holding one large table: its two parts read at once, not one reader alone
    folder = tmp_path / "data"
    _tables(folder)
    (folder / "episodes.parquet").unlink()
    both = threading.Barrier(2, timeout=20)
    read_part = ahead._read_part

    def spy(path: str, part: str) -> ahead.ArrowRead:
        both.wait()  # broken (and the file left to the reader) unless both parts are read at once
        return read_part(path, part)

    monkeypatch.setattr(ahead, "_read_part", spy)
    sc.load_dataset(folder)
    assert taken == [("referrals.parquet", True)]


def test_the_largest_file_is_read_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list
) -> None:
    # the referrals, last in the folder's order, are the larger file here (as on pooled
    # data): both its parts are begun before the episodes' (none left alone at the end)
    folder = tmp_path / "data"
    _tables(folder)
    pq.write_table(
        pa.concat_tables([pq.read_table(folder / "referrals.parquet")] * 20),
        folder / "referrals.parquet",
    )
    sizes = {f.name: f.stat().st_size for f in folder.iterdir()}
    assert sizes["referrals.parquet"] > sizes["episodes.parquet"]
    both = threading.Barrier(2, timeout=20)  # the two readers' first picks, in at once
    read_part, calls = ahead._read_part, []

    def spy(path: str, part: str) -> ahead.ArrowRead:
        calls.append(Path(path).name)
        both.wait()
        return read_part(path, part)

    monkeypatch.setattr(ahead, "_read_part", spy)
    sc.load_dataset(folder)
    assert calls == ["referrals.parquet"] * 2 + ["episodes.parquet"] * 2
    assert sorted(taken) == [("episodes.parquet", True), ("referrals.parquet", True)]


def test_parts_put_together_are_the_file_read_whole(tmp_path: Path) -> None:
    # the same Arrow tables, the same chunks (a chunk per row group for the codes), the same
    # schema and pandas metadata as one `read_arrow`
    folder = tmp_path / "data"
    _tables(folder)
    for name in ("episodes.parquet", "referrals.parquet"):
        path = str(folder / name)
        whole = ahead.read_arrow(path, use_threads=False)
        assert ahead._parts(path) == ("plain", "coded")
        got = ahead._together({part: ahead._read_part(path, part) for part in ahead._parts(path)})
        assert got is not None and whole.coded is not None and got.coded is not None
        assert got.schema.equals(whole.schema, check_metadata=True) and got.few == whole.few
        assert got.plain.equals(whole.plain) and got.coded.equals(whole.coded)
        assert got.plain.schema.equals(whole.plain.schema, check_metadata=True)
        chunks = [c.num_chunks for c in got.coded.columns]
        assert chunks == [c.num_chunks for c in whole.coded.columns]
    assert ahead._parts(str(folder / "missing.parquet")) == ("whole",)  # left to `read`


def test_a_part_not_read_leaves_the_file_to_the_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list
) -> None:
    folder = tmp_path / "data"
    _tables(folder)
    read_part = ahead._read_part

    def failing(path: str, part: str) -> ahead.ArrowRead:
        if Path(path).name == "referrals.parquet" and part == "coded":
            raise OSError("the disk went away for a moment")
        return read_part(path, part)

    monkeypatch.setattr(ahead, "_read_part", failing)
    ds = sc.load_dataset(folder)
    assert sorted(taken) == [("episodes.parquet", True), ("referrals.parquet", False)]
    monkeypatch.setattr(ahead, "_read_part", read_part)
    assert_same_dataset(ds, sc.load_dataset(folder))
    assert not ahead._JOBS


def test_no_thread_when_threads_are_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list
) -> None:
    folder = tmp_path / "data"
    _tables(folder)
    monkeypatch.setenv("SCORECARD_THREADS", "1")
    sc.load_dataset(folder)
    assert sorted(taken) == [("episodes.parquet", False), ("referrals.parquet", False)]


def test_reading_ahead_imports_only_arrow() -> None:
    # what lets it start before pandas and pandera have been imported
    code = (
        "import sys, scorecard, scorecard.inputs.ahead, scorecard.inputs;"
        "print(sorted(m for m in ('pandas', 'pandera') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
