"""What a dataset holds in memory (`scorecard.footprint`): its tables by kind of column and
its cached building blocks, each data buffer counted once. Sizes worked out by hand from
the buffers' layout (8 bytes a value for int64 and datetime64[ns]; an Arrow string column:
8-byte offsets, one more than the rows, then the characters)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scorecard import footprint
from scorecard.compact import held_as_codes
from scorecard.dataset import Dataset

MB = 1e6


def _frame(n: int) -> pd.DataFrame:
    codes = np.arange(n, dtype=np.int8) % 3
    return pd.DataFrame(
        {
            "CHILD": pd.Series([f"C{i:03d}" for i in range(n)], dtype="str"),  # 4 characters
            "DECOM": pd.date_range("2024-04-01", periods=n, freq="D").astype("datetime64[ns]"),
            "PL_DISTANCE": np.arange(n, dtype="float64"),
            "PLACE": held_as_codes(codes, pd.Series(["U1", "U4", "K2"], dtype="str"), None),
        }
    )


@pytest.mark.parametrize(
    ("column", "kind"),
    [("CHILD", "text"), ("DECOM", "dates"), ("PL_DISTANCE", "numbers"), ("PLACE", "codes")],
)
def test_each_column_has_its_kind(column: str, kind: str) -> None:
    assert footprint.column_kind(_frame(5)[column]) == kind


def test_flags_are_numbers_and_a_users_categorical_is_codes() -> None:
    assert footprint.column_kind(pd.Series([True, False])) == "numbers"
    assert footprint.column_kind(pd.Series(["a", "b"], dtype="category")) == "codes"


def test_tables_by_kind_of_column() -> None:
    n = 1000
    ds = Dataset({"episodes": _frame(n)})
    got = footprint.tables_mb(ds)
    assert list(got) == list(footprint.KINDS)
    assert got["dates"] == pytest.approx(8 * n / MB)
    assert got["numbers"] == pytest.approx(8 * n / MB)
    # offsets (n + 1 of 8 bytes) and 4 characters a row; no blank, so no validity bitmap
    assert got["text"] == pytest.approx((8 * (n + 1) + 4 * n) / MB)
    # one byte a code, and the three distinct values as a small string column
    assert got["codes"] == pytest.approx((n + 8 * 4 + 2 * 3) / MB)


def test_a_buffer_shared_by_two_building_blocks_is_counted_once() -> None:
    ds = Dataset({"episodes": _frame(10)})
    days = np.arange(1000, dtype="int64")
    ds.cached("looked_after_at:built", lambda: {"a": days})
    # a view of the same array in another block, and the same block for other dates
    ds.cached("looked_after_at:2025", lambda: days[::2])
    ds.cached("episode_index", lambda: (days[10:], np.zeros(500, dtype="int32")))
    got = footprint.building_blocks_mb(ds)
    assert got == {"looked_after_at": pytest.approx(8000 / MB), "episode_index": 2000 / MB}


def test_largest_blocks_first_and_nothing_built_is_empty() -> None:
    ds = Dataset({"episodes": _frame(10)})
    assert footprint.building_blocks_mb(ds) == {}
    ds.cached("small", lambda: np.zeros(10))
    ds.cached("large", lambda: pd.DataFrame({"x": np.zeros(100), "y": np.ones(100)}))
    assert list(footprint.building_blocks_mb(ds)) == ["large", "small"]
    assert footprint.building_blocks_mb(ds)["large"] == pytest.approx(1600 / MB)


def test_the_sample_as_pandas_counts_it(sample_dataset: Dataset) -> None:
    """Dates and numbers as pandas' own `memory_usage` counts them; text at least that (an
    Arrow column sliced from a larger one holds the whole of its buffers)."""
    got = footprint.tables_mb(sample_dataset)
    pandas: dict[str, int] = dict.fromkeys(footprint.KINDS, 0)
    for frame in map(sample_dataset.held, sample_dataset.tables):
        for c in frame.columns:
            pandas[footprint.column_kind(frame[c])] += frame[c].memory_usage(index=False, deep=True)
    assert got["dates"] == pytest.approx(pandas["dates"] / MB) and got["dates"] > 0
    assert got["numbers"] == pytest.approx(pandas["numbers"] / MB) and got["numbers"] > 0
    assert got["text"] >= pandas["text"] / MB * (1 - 1e-9) > 0
    assert got["codes"] > 0


def test_a_block_viewing_a_held_column_is_the_tables() -> None:
    """A building block that is a view of a table's buffer (the referrals' LA codes read from
    the held column) is counted with the tables, not again as a block."""
    ds = Dataset({"episodes": _frame(10)})
    codes = ds.held("episodes")["PLACE"].array.codes
    ds.cached("codes:PLACE", lambda: (codes, pd.Index(["U1", "U4", "K2"])))
    ds.cached("own", lambda: np.zeros(10, dtype="int64"))
    got = footprint.building_blocks_mb(ds)
    assert got["own"] == pytest.approx(80 / MB)
    assert got["codes"] == pytest.approx((8 * 4 + 2 * 3) / MB)  # its uniques only
