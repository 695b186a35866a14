"""The Dataset contract between loading and the engine: coverage and leaving rows out."""

from __future__ import annotations

import pandas as pd

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
