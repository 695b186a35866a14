"""Loading at scale: the fast paths (Parquet codes read as the file's dictionaries and checked
once per distinct value; keys packed and sorted instead of hashed) give exactly what reading
and checking every cell gives."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _loader_fixtures import assert_same_dataset

import scorecard as sc
from scorecard.identifiers import digits_as_numbers
from scorecard.inputs import ahead, coerce, dataset_from_frames, keys, quality, read
from scorecard.inputs.coerce import _has_time_of_day

# one child's episodes, repeated for many children; codes written the ways councils write them
PLACE = [" u1", "U1", "U2 ", "zz", None, "", "H5", "U1"]  # H5: withdrawn from 2024-25
DECOM = ["2023-04-01", "2023-06-01", "2023-09-01", "2023-12-01", "2024-02-01", "2024-03-01"]
DECOM += ["2024-05-01", "2024-07-01"]
DEC = [*DECOM[1:], None]
REC = ["X1"] * 7 + [None]
LS = ["C2", "c2", "C2 ", "V3", "C2", "C2", "C2", "C2"]


def _episodes(children: int) -> pd.DataFrame:
    n = len(PLACE)
    frame = pd.DataFrame(
        {
            "LA": np.repeat([" 886", "887"], n * children // 2),
            "CHILD": np.repeat(np.arange(children).astype(str), n),
            "DECOM": pd.to_datetime(DECOM * children),
            "RNE": "S",
            "LS": LS * children,
            "PLACE": PLACE * children,
            "DEC": pd.to_datetime(DEC * children),
            "REC": REC * children,
        }
    )
    return frame


def _write(folder: Path, frame: pd.DataFrame, rows_per_group: int) -> None:
    folder.mkdir()
    # several row groups: each has a dictionary of its own, in its own order
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, folder / "episodes.parquet", row_group_size=rows_per_group)


@pytest.mark.parametrize("children", [4, keys.BIG // 8 + 10])
def test_codes_read_as_dictionaries_match_reading_every_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: int
) -> None:
    # the small case uses the general paths for keys; the large one the sorted ones
    folder = tmp_path / "data"
    _write(folder, _episodes(children), rows_per_group=12)
    raw = read._read_parquet(folder / "episodes.parquet").frame
    assert pa.types.is_dictionary(raw["PLACE"].dtype.pyarrow_dtype)
    assert raw["CHILD"].dtype == "str"  # identifiers stay as they are
    fast = sc.load_dataset(folder)
    monkeypatch.setattr(ahead, "few_valued", lambda schema: [])  # every cell as pandas reads it
    assert_same_dataset(fast, sc.load_dataset(folder))

    # worked by hand, per child: PLACE ' u1' and 'U2 ' are cleaned; 'zz' is unknown; None and
    # '' are blank; H5 on an episode open only in 2024-25 is out of its years
    ep = fast["episodes"]
    assert ep["PLACE"].iloc[:8].tolist()[:4] == ["U1", "U1", "U2", "ZZ"]
    assert ep["PLACE"].iloc[4:6].isna().all() and ep["LA"].iloc[0] == "886"
    q = fast.quality
    per_child = {
        "unknown PLACE code": 1,
        "blank in a required column": 2,
        "PLACE code not valid in any collection year the episode is open in": 1,
    }
    for rule, count in per_child.items():
        assert (q["rule"] == rule).sum() == count * children, rule
    assert set(q.loc[q["rule"] == "unknown PLACE code", "value"]) == {"ZZ"}


def test_dictionary_codes_are_remapped_per_row_group_with_blanks() -> None:
    """Codes of an Arrow dictionary column in three row groups: the first's dictionary in
    the order its values are met (its indices are the codes as they are), the second's in
    another order (looked up), the third sharing the first's; a blank in each, where its
    index would otherwise stand for a value. Worked by hand: A 0, B 1, C 2, blank -1."""
    first = pa.array(["A", "B"])
    chunks = [
        pa.DictionaryArray.from_arrays(pa.array([0, 1, None], pa.int32()), first),
        pa.DictionaryArray.from_arrays(
            pa.array([None, 0, 2, 1], pa.int32()), pa.array(["B", "C", "A"])
        ),
        pa.DictionaryArray.from_arrays(pa.array([1, None, 0], pa.int32()), first),
    ]
    s = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array(chunks)))
    codes, values = coerce._coded(s)
    assert values.tolist() == ["A", "B", "C"]
    assert codes.tolist() == [0, 1, -1, -1, 1, 0, 2, 1, -1, 0]


def test_a_referral_repeated_among_many_is_found(tmp_path: Path) -> None:
    # 60,000 referrals of distinct (child, date); the 2nd and the 59,000th repeat earlier ones
    n = 60_000
    ids = np.arange(n).astype(str)
    dates = pd.Timestamp("2020-04-01") + pd.to_timedelta(np.arange(n) % 900, unit="D")
    dates_ = dates.to_numpy().copy()
    ids[1], dates_[1] = ids[0], dates_[0]
    ids[58_999], dates_[58_999] = ids[100], dates_[100]
    folder = tmp_path / "data"
    folder.mkdir()
    pd.DataFrame({"LAchildID": ids, "CINreferralDate": dates_}).to_parquet(
        folder / "referrals.parquet", index=False
    )
    q = sc.load_dataset(folder).quality
    repeated = q.loc[q["rule"] == "referral repeated for the same child and date"]
    assert repeated["row"].tolist() == [2, 59_000]  # 1-based records of the later copies


def test_repeats_by_sorting_match_pandas() -> None:
    rng = np.random.default_rng(5)
    for high in (10, 10_000, 2**60):
        key = rng.integers(0, high, keys.BIG * 2)
        for keep in ("first", "last", False):
            expected = pd.Series(key).duplicated(keep=keep).to_numpy()
            assert (keys.repeats(key, keep=keep) == expected).all()


def test_sort_order_is_lexsort() -> None:
    rng = np.random.default_rng(6)
    small = [rng.integers(-3, 4, 5_000).astype(np.int8), rng.integers(0, 9, 5_000)]
    assert (keys.sort_order(*small) == np.lexsort(small[::-1])).all()
    # ranges too wide to pack into one integer: np.lexsort itself
    wide = [rng.integers(0, 2**40, 5_000), rng.integers(0, 2**40, 5_000)]
    assert (keys.sort_order(*wide) == np.lexsort(wide[::-1])).all()
    assert keys.sort_order(np.zeros(0, dtype="int64")).tolist() == []


def test_packed_keys_near_the_int64_limits() -> None:
    # parts close to either end of int64 with narrow ranges pack without overflowing
    top = np.array([2**62 + 1, 2**62, 2**62 + 1, 2**62 + 1])
    bottom = np.array([-(2**63), -(2**63) + 2, -(2**63), -(2**63)])
    small = np.array([1, 1, 1, 2], dtype=np.int8)
    key = keys.combine(top, bottom, small)
    assert key[0] == key[2] and len(set(key.tolist())) == 3
    assert keys.sort_order(top, bottom, small).tolist() == [1, 0, 2, 3]


def test_largest_by_key_and_look_up() -> None:
    key = np.array([7, 3, 7, 3, 9])
    when = pd.to_datetime(["2020-01-05", "2021-02-01", None, "2019-01-01", None]).to_numpy()
    found, latest = keys.largest_by_key(key, when)
    assert found.tolist() == [3, 7, 9]
    assert pd.Series(latest).dt.strftime("%Y-%m-%d").fillna("").tolist() == [
        "2021-02-01",
        "2020-01-05",
        "",  # only blank dates: blank, as pandas' max gives
    ]
    got = keys.look_up(found, latest, np.array([9, 7, 4, -1]), np.datetime64("NaT", "ns"))
    assert pd.isna(got[0]) and str(got[1])[:10] == "2020-01-05" and pd.isna(got[2:]).all()


def test_digit_identifiers_read_as_numbers_only_when_unambiguous() -> None:
    def numbers(values: list[str | None]) -> list[int] | None:
        found = digits_as_numbers(pd.Series(values, dtype="str"))
        return None if found is None else found.tolist()

    assert numbers(["12", "0", None, "345"]) == [12, 0, -1, 345]
    assert numbers(["012", "12"]) is None  # '012' and '12' are two children
    assert numbers(["١٢", "12"]) is None  # digits, but not ASCII ones
    assert numbers(["1" * 19]) is None  # beyond int64's safe digits
    assert numbers(["12a"]) is None and numbers([None, None]) is None
    # what a number parser would read, but is not an identifier of digits alone
    for odd in ("0x1F", "-5", "+5", " 5", "5.0", "1e3", "00"):
        assert numbers([odd, "31"]) is None, odd
    assert numbers(["9" * 18]) == [10**18 - 1]  # the longest read as a number


@pytest.mark.parametrize("threads", ["1", "2"])
def test_digit_identifiers_read_block_by_block(
    monkeypatch: pytest.MonkeyPatch, threads: str
) -> None:
    # blocks of 4 rows: the first read alone, the others side by side in threads
    monkeypatch.setattr("scorecard.identifiers._BLOCK", 4)
    monkeypatch.setenv("SCORECARD_THREADS", threads)
    values = [str(i) for i in range(1, 15)] + [None]
    found = digits_as_numbers(pd.Series(values, dtype="str"))
    assert found is not None and found.tolist() == [*range(1, 15), -1]
    for bad in ("007", "x", "-3"):  # in the third block: the whole column is not digits
        odd = [*values[:9], bad, *values[10:]]
        assert digits_as_numbers(pd.Series(odd, dtype="str")) is None, bad


def test_distinct_values_merged_after_cleaning() -> None:
    # categories ' A', 'A' and '' clean to 'A', 'A' and blank: codes are remapped
    codes = np.array([0, 1, 2, -1, 1], dtype=np.int8)
    d = keys.Distinct.merged(codes, pd.Series(["A", "A", None], dtype="str"))
    assert d.values.tolist() == ["A"] and d.codes.tolist() == [0, 0, -1, -1, 0]
    assert d.dense(pd.RangeIndex(5)).tolist()[:2] == ["A", "A"]
    assert d.dense(pd.RangeIndex(5)).isna().tolist() == [False, False, True, True, False]
    assert d.spread(np.array([True]), False).tolist() == [True, True, False, False, True]


def test_time_of_day_found_in_any_block() -> None:
    days = pd.to_datetime(["1969-12-31", "2024-04-01", None]).to_numpy().astype("datetime64[ns]")
    assert not _has_time_of_day(days)
    before_1970 = pd.to_datetime(["1969-12-31 23:00"]).to_numpy().astype("datetime64[ns]")
    assert _has_time_of_day(before_1970)
    late = np.repeat(days[1], 10).copy()
    late[-1] += np.timedelta64(1, "s")
    assert _has_time_of_day(late, step=4) and not _has_time_of_day(late[:-1], step=4)


@pytest.mark.parametrize("label_repeats", [1, 2])
def test_categorical_codes_in_memory_validated_like_text(label_repeats: int) -> None:
    # a categorical column of codes (codes into categories) over many rows: the report is the
    # one of the same cells as text, whether each row has its own label (checked once per
    # distinct value) or two rows share each label (checked row by row: the report's order
    # would otherwise depend on pandera's)
    n = keys.BIG + 100
    frame = pd.DataFrame(
        {
            "CHILD": np.arange(n).astype(str),
            "SEX": np.resize(["M", "f ", "9", None], n),
            "DOB": pd.Timestamp("2010-05-01"),
        },
        index=np.arange(n) // label_repeats,
    )
    coded = _from_frames(frame.assign(SEX=frame["SEX"].astype("category")))
    assert_same_dataset(_from_frames(frame), coded)
    q = coded.quality
    # worked by hand: every 4th SEX is '9' (unknown) and every 4th blank
    assert (q["rule"] == "unknown SEX code").sum() == n // 4
    assert (q["rule"] == "blank in a required column").sum() == n // 4
    assert coded["header"]["SEX"].iloc[:2].tolist() == ["M", "F"]


def _from_frames(header: pd.DataFrame) -> sc.Dataset:
    return dataset_from_frames({"header": header}, strict=False)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # worked by hand: (LA, child, day) rows
        (([0, 0, 0, 1], [1, 2, 2, 0], [5, 3, 3, 1]), True),  # rows 1 and 2 equal
        (([0, 0, 0, 1], [1, 2, 2, 0], [5, 3, 4, 1]), False),  # in order, none equal
        (([0, 0, 1, 1], [2, 1, 0, 0], [1, 1, 1, 1]), None),  # child 2 before child 1
        (([0, 1, 1], [9, 0, 0], [9, 7, 8]), False),  # a later LA may start lower
        (([-1, -1, 0], [-1, -1, 3], [4, 4, 2]), True),  # blank codes compare as codes
        (([3], [1], [2]), False),
    ],
)
def test_repeats_in_order_without_a_key(parts: tuple[list[int], ...], expected: object) -> None:
    arrays = [np.array(p, dtype=t) for p, t in zip(parts, ("int8", "int64", "int32"), strict=True)]
    assert keys.repeats_in_order(*arrays) is expected
    if expected is not None:  # in order: the answer the sorted key gives
        assert keys.has_repeats(keys.combine(*arrays)) is expected


def test_same_as_before_on_the_leading_parts() -> None:
    """Worked by hand, (LA, child, day) rows in order: the same child as the row before
    (over=2), the same row (all parts); out of order on the day within a child: None."""
    la, child, day = np.array([0, 0, 0, 1]), np.array([4, 4, 5, 4]), np.array([1, 3, 2, 0])
    assert keys.same_as_before(la, child, day, over=2).tolist() == [True, False, False]
    assert keys.same_as_before(la, child, day).tolist() == [False, False, False]
    assert keys.same_as_before(la, child, np.array([3, 1, 2, 0]), over=2) is None
    assert keys.same_as_before(np.array([7]), np.array([1]), over=1).tolist() == []


def test_repeats_in_order_agrees_with_the_key_on_random_rows() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        parts = [rng.integers(-1, 4, 30), rng.integers(-1, 6, 30), rng.integers(0, 3, 30)]
        order = np.lexsort(parts[::-1])  # the first part most significant
        ordered = [p[order] for p in parts]
        expected = keys.has_repeats(keys.combine(*parts))
        assert keys.repeats_in_order(*ordered) is expected
        same = keys.same_as_before(*ordered, over=2)
        assert same is not None
        want = (ordered[0][1:] == ordered[0][:-1]) & (ordered[1][1:] == ordered[1][:-1])
        assert same.tolist() == want.tolist()
        if len(np.unique(keys.combine(*parts))) > 1:  # shuffled out of order: None
            assert keys.repeats_in_order(*[p[order[::-1]] for p in parts]) is None


def test_repeat_found_by_sorting_in_place_and_screen_keys() -> None:
    key = np.array([5, 3, 9, 3])
    assert keys.has_repeats(key) and key.tolist() == [3, 3, 5, 9]  # sorted in place
    assert not keys.has_repeats(np.array([2, 1, 3]))
    # a pre-screen key: the third part's range would overflow int64, so it is left out;
    # equal rows still share a key, and rows differing only in that part share one too
    a = np.array([1, 1, 2, 1])
    b = np.array([0, 0, 0, 0])
    wide = np.array([0, 2**62, 0, 5])
    screen = keys.screen_key(a, b, wide)
    assert screen[0] == screen[1] == screen[3] != screen[2]


def test_loading_uses_jemalloc_and_gives_the_pool_back(monkeypatch: pytest.MonkeyPatch) -> None:
    from scorecard.inputs import load

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    before = pa.default_memory_pool().backend_name
    seen = []
    real = load.collect

    def collect(folder):  # type: ignore[no-untyped-def]
        seen.append(pa.default_memory_pool().backend_name)
        return real(folder)

    monkeypatch.setattr(load, "collect", collect)
    ds = sc.load_dataset()
    assert len(ds.tables["episodes"]) > 0
    try:
        pa.jemalloc_memory_pool()
        assert seen == ["jemalloc"]
    except NotImplementedError:  # a pyarrow without jemalloc: the default pool is kept
        assert seen == [before]
    assert pa.default_memory_pool().backend_name == before
    # a pool the user chose is kept
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    seen.clear()
    sc.load_dataset()
    assert seen == [before]


def test_mid_sized_columns_read_per_distinct_value_like_row_by_row() -> None:
    # 2,000 rows of a few distinct values: read once per value, spread back to the rows
    years = pd.Series(["2024/25", "202425", "2024-2025", "24/26", None] * 400, dtype="str")
    dates = pd.Series(["01/04/2024", "2024-04-01", "31/02/2024", None] * 500, dtype="str")
    assert len(years) >= coerce.FEW_ROWS and coerce._distinct_values(years) is not None
    got_years, bad_years = coerce._as_academic_year(years)
    assert got_years.tolist()[:3] == ["2024/25"] * 3 and got_years.iloc[3:5].isna().all()
    assert np.flatnonzero(bad_years)[:2].tolist() == [3, 8]  # '24/26' is no academic year
    got_dates, bad_dates, _ = coerce._date_column(dates)
    assert got_dates.iloc[:2].tolist() == [pd.Timestamp("2024-04-01")] * 2
    assert np.flatnonzero(bad_dates)[:2].tolist() == [2, 6]  # 31 February
    # the same as row by row (the first rows alone fall below FEW_ROWS)
    few_years, few_bad = coerce._as_academic_year(years.iloc[:10])
    pd.testing.assert_series_equal(few_years, got_years.iloc[:10])
    assert (few_bad == bad_years.iloc[:10]).all()


def test_loads_in_threads_give_the_pool_back_once_all_end() -> None:
    from concurrent.futures import ThreadPoolExecutor

    before = pa.default_memory_pool().backend_name
    with ThreadPoolExecutor(2) as run:
        frames = list(run.map(lambda _: sc.load_dataset().tables["header"], range(2)))
    pd.testing.assert_frame_equal(frames[0], frames[1])
    assert pa.default_memory_pool().backend_name == before


def test_loading_in_threads_equals_loading_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # columns coerced side by side and the checks run side by side give the tables, the
    # report (in its order) and the unusable cells of one thread, on dirty data big enough
    # to be spread (more than keys.BIG rows)
    children = keys.BIG // 8 + 10
    folder = tmp_path / "data"
    _write(folder, _episodes(children), rows_per_group=4_096)
    pd.DataFrame(
        {"LAchildID": ["1", "1", "2", " 3"] * 20_000, "CINreferralDate": ["2020-01-01"] * 80_000}
    ).to_parquet(folder / "referrals.parquet", index=False)
    monkeypatch.setenv("SCORECARD_THREADS", "1")
    alone = sc.load_dataset(folder)
    monkeypatch.setenv("SCORECARD_THREADS", "2")
    spread = sc.load_dataset(folder)
    assert_same_dataset(alone, spread)
    assert (alone.quality["rule"] == "referral repeated for the same child and date").sum() > 0
    assert len(alone.unusable) > 0


def test_the_referrals_child_codes_are_worked_out_beside_the_first_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the codes every referral check waits for are started in a thread of their own before
    # the repeated-episode step, worked out once, and the thread has ended with the load
    folder = tmp_path / "data"
    _write(folder, _episodes(100), rows_per_group=4_096)
    pd.DataFrame(
        {"LAchildID": [str(i) for i in range(keys.BIG + 1)], "CINreferralDate": "2020-01-01"}
    ).to_parquet(folder / "referrals.parquet", index=False)
    monkeypatch.setenv("SCORECARD_THREADS", "2")
    built, id_codes = [], quality.id_codes

    def spy(values: pd.Series) -> np.ndarray:
        if values.name == "LAchildID":
            built.append(threading.current_thread().name)
        return id_codes(values)

    monkeypatch.setattr(quality, "id_codes", spy)
    sc.load_dataset(folder)
    assert built == ["scorecard-checks"]
    assert not [t for t in threading.enumerate() if t.name == "scorecard-checks"]
