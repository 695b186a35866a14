"""Row numbers of a file read whole (`RowSpan`): what the array of them would give, for every
way the loaders index it, without writing the array out; and a Parquet file's messages name
the rows of the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.inputs.rows import RowSpan, rows_increase

SPAN = RowSpan(2, 7)  # rows 2 .. 8, as a CSV's data rows under its header
ARRAY = np.arange(2, 9, dtype=np.int32)


@pytest.mark.parametrize(
    "pos",
    [
        0,
        6,
        -1,
        np.int64(3),
        slice(None, 0),
        slice(2, 5),
        slice(4, None),
        slice(None, None, 2),
        np.array([5, 0, 5]),
        np.array([-1, -7]),
        np.array([], dtype=np.int64),
        np.array([True, False, True, False, False, False, True]),
        [1, 2],
    ],
)
def test_indexed_as_the_array_of_its_rows(pos: object) -> None:
    got, want = SPAN[pos], ARRAY[pos]  # type: ignore[index]
    assert np.asarray(got).dtype == want.dtype
    assert np.array_equal(np.asarray(got), want)


@pytest.mark.parametrize("pos", [7, -8, np.array([0, 7]), np.array([True, False])])
def test_a_position_outside_the_rows_raises_as_an_array_does(pos: object) -> None:
    with pytest.raises(IndexError):
        ARRAY[pos]  # type: ignore[index]
    with pytest.raises(IndexError):
        SPAN[pos]  # type: ignore[index]


def test_written_out_where_numpy_needs_an_array() -> None:
    assert len(SPAN) == 7
    assert np.array_equal(np.asarray(SPAN), ARRAY)
    assert np.array_equal(np.concatenate([SPAN, np.array([20])]), [*ARRAY, 20])
    assert np.array_equal(SPAN == 4, ARRAY == 4)
    assert np.flatnonzero(SPAN == 4).tolist() == [2]
    assert rows_increase(SPAN) and rows_increase(ARRAY)
    assert not rows_increase(np.array([3, 2]))


def test_a_parquet_files_messages_name_its_rows(tmp_path: Path) -> None:
    """Row 1 of a Parquet file is its first row (no header row): the third row's bad date
    is named row 3, and rows left out leave the others' numbers as they were."""
    episodes = pd.DataFrame(
        {
            "CHILD": ["A", "B", "C", "D"],
            "DECOM": ["01/04/2020", "01/05/2020", "31/02/2020", "01/06/2020"],
            "RNE": ["S"] * 4,
            "LS": ["C2"] * 4,
            "PLACE": ["U1"] * 4,
            "DEC": [None] * 4,
            "REC": [None] * 4,
        }
    )
    episodes.to_parquet(tmp_path / "episodes.parquet")
    ds = sc.load_dataset(tmp_path, strict=False)
    bad = ds.quality.loc[ds.quality["column"] == "DECOM"]
    assert bad[["file", "row", "value"]].values.tolist() == [["episodes.parquet", 3, "31/02/2020"]]
