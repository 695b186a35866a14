"""The Dataset contract between loading and the engine: coverage and leaving rows out."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from scorecard import Dataset
from scorecard.dataset import Coverage

T = pd.Timestamp


def test_coverage_of_several_tables_is_what_all_of_them_cover():
    returns = Coverage(
        T("2017-04-01"), T("2022-03-31"), ((T("2019-04-01"), T("2020-03-31")),), "903"
    )
    census = Coverage(T("2016-04-01"), T("2021-03-31"), (), "CIN")
    ds = Dataset({}, coverage={"episodes": returns, "referrals": census})
    both = ds.coverage_for(["episodes", "referrals", "population"])
    assert (both.start, both.end) == (T("2017-04-01"), T("2021-03-31"))
    assert both.gaps == ((T("2019-04-01"), T("2020-03-31")),)
    assert both.basis == "903; CIN"
    assert ds.coverage_for(["episodes"]) is returns
    assert ds.coverage_for(["population"]) is None


def test_without_leaves_rows_out_of_a_copy_with_its_own_cache():
    frame = pd.DataFrame({"CHILD": ["a", "b", "c"]})
    ds = Dataset({"header": frame})
    assert ds.cached("n", lambda: 3) == 3
    fewer = ds.without({"header": [1]})
    assert list(fewer["header"]["CHILD"]) == ["a", "c"]
    assert list(ds["header"]["CHILD"]) == ["a", "b", "c"]
    assert fewer.cached("n", lambda: 2) == 2  # not the parent's cache


def test_a_figure_is_unavailable_when_its_history_or_date_lies_outside_the_coverage():
    one_return = Coverage(T("2017-04-01"), T("2018-03-31"), (), "SSDA903 return 2017-18")
    # 12-month window ending 31 March 2018 starts 1 April 2017: exactly the return
    assert one_return.unavailable_reason(T("2018-03-31"), 12) is None
    # one day later the window starts 2 April 2017 ... and the date is past the end
    assert one_return.unavailable_reason(T("2018-04-01"), 12) == (
        "not available: needs data up to 01/04/2018; the data ends 31/03/2018"
    )
    # the day before the end: the window starts 31 March 2017, a day before the data
    assert one_return.unavailable_reason(T("2018-03-30"), 12) == (
        "not available: needs data from 31/03/2017; the data starts 01/04/2017"
    )
    # long-term stability (30 months) at 31 March 2018
    assert one_return.unavailable_reason(T("2018-03-31"), 30) == (
        "not available: needs data from 01/10/2015; the data starts 01/04/2017"
    )
    # a count at a date needs only the date
    assert one_return.unavailable_reason(T("2017-04-01"), 0) is None
    assert one_return.unavailable_reason(T("2017-03-31"), 0) == (
        "not available: needs data from 31/03/2017; the data starts 01/04/2017"
    )


def test_a_missing_return_makes_the_windows_that_touch_it_unavailable():
    gap = (T("2019-04-01"), T("2020-03-31"))
    stitched = Coverage(T("2017-04-01"), T("2022-03-31"), (gap,), "returns")
    assert stitched.unavailable_reason(T("2019-03-31"), 12) is None
    assert stitched.unavailable_reason(T("2019-04-01"), 0) == (
        "not available: needs data from 01/04/2019 to 01/04/2019; "
        "the data has none from 01/04/2019 to 31/03/2020"
    )
    assert stitched.unavailable_reason(T("2021-03-31"), 12) is None  # starts 1 April 2020
    assert stitched.unavailable_reason(T("2021-03-30"), 12) is not None


def test_a_building_block_asked_for_by_several_threads_is_built_once():
    ds = Dataset({})
    started, release = threading.Event(), threading.Event()
    builds: list[int] = []

    def build() -> int:
        builds.append(1)
        started.set()
        release.wait(5)  # the other threads ask while this one is building
        return 42

    def ask() -> int:
        return ds.cached("block", build)

    first = threading.Thread(target=ask)
    first.start()
    started.wait(5)
    got: list[int] = []
    others = [threading.Thread(target=lambda: got.append(ask())) for _ in range(3)]
    for t in others:
        t.start()
    release.set()
    for t in [first, *others]:
        t.join()
    assert got == [42, 42, 42] and len(builds) == 1
    assert ds.cached("block", lambda: 0) == 42


def test_a_build_that_fails_can_be_tried_again():
    ds = Dataset({})

    def broken() -> int:
        raise ValueError("not yet")

    with pytest.raises(ValueError, match="not yet"):
        ds.cached("block", broken)
    assert ds.cached("block", lambda: 7) == 7
