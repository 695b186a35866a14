"""Figures the data cannot support, on the scorecard: no number, the reason instead, a gap in
the trend, the data's coverage on the card, caveats and rows left out, and no card at all for a
date outside the data (SPEC section 4, issue 9).

The three children of conftest.py are looked after from 2023 and 2024; the dataset is told its
data covers 1 April 2024 to 31 March 2025 only (one collection year).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.dataset import Coverage
from scorecard.report import OutsideCoverageError, build_scorecard

ONE_YEAR = Coverage(
    pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-31"), basis="stated by the user"
)


@pytest.fixture(scope="module")
def short(three_children) -> sc.Dataset:
    ds = sc.Dataset.from_frames(**three_children())
    return dataclasses.replace(ds, coverage={"episodes": ONE_YEAR, "header": ONE_YEAR})


@pytest.fixture(scope="module")
def card(short):
    return build_scorecard(short, quarter="2024-25 Q4")


def row(card, ind_id: str) -> pd.Series:
    return card.frame.set_index("indicator").loc[ind_id]


def test_a_date_before_the_data_has_no_value_and_a_gap_in_the_trend(card):
    r = row(card, "cla_count")
    assert r["value"] == 3  # 31 March 2025: inside the coverage
    # the quarter ends before 1 April 2024 are outside it: no value, never carried back
    trend = r["trend"]
    assert np.isnan(trend[:4]).all() and trend[4:] == [3.0, 3.0, 3.0, 3.0]
    # no change on the year can be worked out (31 March 2024 is not covered)
    assert np.isnan(r["change_year"]) and r["dot_year"] is None
    h = card.history
    at = h[(h["indicator"] == "cla_count") & (h["period_end"] == pd.Timestamp("2024-03-31"))]
    assert at["note"].iloc[0].startswith("not available: needs data up to") or at["note"].iloc[
        0
    ].startswith("not available: needs data from 31/03/2024")


def test_an_indicator_needing_more_history_says_so(card):
    # 3+ placements needs the 12 months to 31 March 2025: from 1 April 2024, the first day
    r = row(card, "placement_stability_short")
    assert r["value"] == 0 and r["status"] == ""
    assert np.isnan(r["trend"][6])  # 31 December 2024 needs data from 1 January 2024
    # long-term stability needs 30 months: from 1 October 2022
    r = row(card, "placement_stability_long")
    assert np.isnan(r["value"]) and r["rag"] is None
    assert r["status"].startswith("not available: needs data from 01/10/2022")
    assert "the data starts 01/04/2024" in r["status"]
    page = card.html(charts=False)
    assert "not available: needs data from 01/10/2022" in page
    assert "Data covers 01/04/2024 to 31/03/2025 (" in page and "stated by the user)" in page


def test_coverage_lines_name_the_tables(card):
    assert len(card.coverage) == 1
    line = card.coverage[0]
    assert line.startswith("01/04/2024 to 31/03/2025 (episodes")
    assert "header" in line and line.endswith(": stated by the user)")


def test_a_quarter_outside_the_data_builds_no_card(short):
    with pytest.raises(OutsideCoverageError) as exc:
        build_scorecard(short, quarter="2030-31 Q1")
    assert "not available: needs data up to 30/06/2030; the data ends 31/03/2025" in str(exc.value)
    assert "Choose a quarter from 01/04/2024 to 31/03/2025" in str(exc.value)
    with pytest.raises(OutsideCoverageError, match="the data starts 01/04/2024"):
        build_scorecard(short, quarter="2023-24 Q4")


def test_the_engines_note_is_the_status_or_the_caveat(three_children, monkeypatch):
    """compute's `note` (contract 4): the reason a row has no value, or a caveat on a value."""
    import scorecard.engine as engine

    real = engine.compute

    def with_notes(ind, ds, at=None, by=None, **kw):
        out = real(ind, ds, at=at, by=by, **kw)
        out["note"] = pd.Series(pd.NA, index=out.index, dtype="string")
        if getattr(ind, "id", ind) == "time_in_care_current" and by is None:
            out["note"] = "lower bound for 1 of 3 children: their period of care began before"
        if getattr(ind, "id", ind) == "pct_foster_care" and by is None:
            last = out["period_end"] == out["period_end"].max()
            out.loc[last, ["numerator", "denominator", "value"]] = np.nan
            out.loc[last, "note"] = "not available: needs data from 01/04/2024"
        return out

    monkeypatch.setattr(engine, "compute", with_notes)
    card = build_scorecard(sc.Dataset.from_frames(**three_children()), quarter="2024-25 Q4")
    r = row(card, "time_in_care_current")
    assert not np.isnan(r["value"]) and r["caveat"].startswith("lower bound for 1 of 3")
    r = row(card, "pct_foster_care")
    assert np.isnan(r["value"]) and r["status"] == "not available: needs data from 01/04/2024"
    assert r["caveat"] == ""
    # in publication, a small number inside a caveat is withheld too
    pub = card.for_publication()
    assert row(pub, "time_in_care_current")["caveat"].startswith("lower bound for c of c children")


def test_compute_raising_unavailable_is_a_status(three_children, monkeypatch):
    """When every date asked for is outside the data, compute raises sc.UnavailableError
    (contract 4): the row stays on the card with the message as its status."""
    import scorecard
    import scorecard.engine as engine

    class UnavailableError(ValueError):
        pass

    monkeypatch.setattr(scorecard, "UnavailableError", UnavailableError, raising=False)
    real = engine.compute

    def raising(ind, ds, at=None, by=None, **kw):
        if getattr(ind, "id", ind) == "placement_stability_long":
            raise UnavailableError("not available: needs data from 01/10/2022; the data starts")
        return real(ind, ds, at=at, by=by, **kw)

    monkeypatch.setattr(engine, "compute", raising)
    card = build_scorecard(sc.Dataset.from_frames(**three_children()), quarter="2024-25 Q4")
    r = row(card, "placement_stability_long")
    assert r["status"] == "not available: needs data from 01/10/2022; the data starts"
    assert all(np.isnan(r["trend"]))
    assert row(card, "cla_count")["value"] == 3


def test_rows_left_out_one_line_per_indicator(three_children, monkeypatch):
    import scorecard

    ds = sc.Dataset.from_frames(**three_children())
    unusable = pd.DataFrame({"table": ["episodes"], "row": [1], "column": ["PLACE"], "rule": ["x"]})
    ds = dataclasses.replace(ds, unusable=unusable)

    def left_out(dataset, catalogue=None):
        return pd.DataFrame(
            {
                "indicator": ["pct_foster_care", "placement_stability_2plus"],
                "table": ["episodes", "episodes"],
                "column": ["PLACE", "PLACE"],
                "rule": ["not a DfE code", "not a DfE code"],
                "rows": [1, 1],
            }
        )

    monkeypatch.setattr(scorecard, "left_out", left_out, raising=False)
    card = build_scorecard(ds, quarter="2024-25 Q4")
    # only the indicators on the card (2+ placements is not)
    assert list(card.left_out["indicator"]) == ["pct_foster_care"]
    assert (
        "Children looked after in foster care: 1 episodes rows (unusable PLACE: not a DfE code)"
        in card.html(charts=False)
    )


def test_no_coverage_stated_says_so(three_children):
    card = build_scorecard(sc.Dataset.from_frames(**three_children()), quarter="2024-25 Q4")
    assert card.coverage == ()
    assert "Data coverage: not stated" in card.html(charts=False)
