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

    real, real_each = engine.compute, engine.compute_each

    def noted(ind, out: pd.DataFrame, by) -> pd.DataFrame:
        out["note"] = pd.Series(pd.NA, index=out.index, dtype="string")
        if getattr(ind, "id", ind) == "time_in_care_current" and by is None:
            out["note"] = "lower bound for 1 of 3 children: their period of care began before"
        if getattr(ind, "id", ind) == "pct_foster_care" and by is None:
            last = out["period_end"] == out["period_end"].max()
            out.loc[last, ["numerator", "denominator", "value"]] = np.nan
            out.loc[last, "note"] = "not available: needs data from 01/04/2024"
        return out

    def with_notes(ind, ds, at=None, by=None, **kw):
        return noted(ind, real(ind, ds, at=at, by=by, **kw), by)

    def each_with_notes(ind, ds, views, **kw):  # the trend shares its build with the spread
        outs = real_each(ind, ds, views, **kw)
        return [noted(ind, outs[0], views[0][1]), *outs[1:]]

    monkeypatch.setattr(engine, "compute", with_notes)
    monkeypatch.setattr(engine, "compute_each", each_with_notes)
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
    (contract 4): the row stays on the card with the reason as its status (without the
    indicator's id the message starts with: the row names it)."""
    import scorecard.engine as engine

    real = engine.compute

    def raising(ind, ds, at=None, by=None, **kw):
        if getattr(ind, "id", ind) == "placement_stability_long":
            raise sc.UnavailableError(
                "placement_stability_long: not available: needs data from 01/10/2022"
            )
        return real(ind, ds, at=at, by=by, **kw)

    monkeypatch.setattr(engine, "compute", raising)
    card = build_scorecard(sc.Dataset.from_frames(**three_children()), quarter="2024-25 Q4")
    r = row(card, "placement_stability_long")
    assert r["status"] == "not available: needs data from 01/10/2022"
    assert all(np.isnan(r["trend"]))
    assert row(card, "cla_count")["value"] == 3


def test_rows_left_out_one_line_per_indicator(three_children, tmp_path):
    """WS100002's PLACE is not a DfE code: loaded leniently, the cell is unusable, the
    indicators that need PLACE leave its episode out (sc.left_out) and the card says so, one
    line per indicator, with the caveat under the value. The quarter is one the folder's
    data covers (its latest date is 15/01/2024)."""
    tables = three_children()
    tables["episodes"].loc[1, "PLACE"] = "ZZ"
    for name, frame in tables.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    ds = sc.load_dataset(tmp_path)
    card = build_scorecard(ds, quarter="2023-24 Q3")
    left = card.left_out
    assert set(left["indicator"]) >= {"pct_foster_care", "placement_stability_short"}
    assert set(left["column"]) == {"PLACE"} and set(left["rows"]) == {1}
    assert "placement_stability_2plus" not in set(left["indicator"])  # not on the card
    # foster care at 31/12/2023: WS100001 (U1) only, WS100002 left out -> 1 of 1
    r = row(card, "pct_foster_care")
    assert (r["numerator"], r["denominator"]) == (1, 1)
    assert r["caveat"] == "1 episodes row left out: unusable PLACE"
    page = card.html(charts=False)
    assert (
        "Children looked after in foster care: 1 episodes rows (unusable PLACE: unknown PLACE "
        "code)" in page
    )


def test_a_figure_most_of_whose_rows_are_left_out_is_not_shown(three_children, tmp_path):
    """Every PLACE unusable (a column of another system's codes): foster care from the rows
    left, none, was shown 0% and banded; now the row has no value and says why, and its trend
    has no point. Figures that do not read PLACE keep their values."""
    tables = three_children()
    tables["episodes"]["PLACE"] = "ZZ"
    for name, frame in tables.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    ds = sc.load_dataset(tmp_path)
    card = build_scorecard(ds, quarter="2023-24 Q3")
    n = len(tables["episodes"])
    r = row(card, "pct_foster_care")
    assert np.isnan(r["value"]) and r["rag"] is None
    assert r["status"] == (
        f"not available: {n} of the {n} episodes rows have an unusable PLACE (unknown PLACE "
        "code); scorecard validate lists them"
    )
    assert "pct_foster_care" not in set(card.history["indicator"])
    assert not np.isnan(row(card, "cla_count")["value"])


def test_the_api_gives_no_figure_where_the_card_gives_none(three_children, tmp_path):
    """Every PLACE unusable: `sc.compute` returned 0.0 (0 of 0 in foster care) where the card
    said 'not available'. Now it raises UnavailableError with the card's reason, compute_many
    lists it among the unavailable, and a figure that does not read PLACE is computed."""
    tables = three_children()
    tables["episodes"]["PLACE"] = "ZZ"
    for name, frame in tables.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    ds = sc.load_dataset(tmp_path)
    why = (
        "not available: 3 of the 3 episodes rows have an unusable PLACE (unknown PLACE code); "
        "scorecard validate lists them"
    )
    with pytest.raises(sc.UnavailableError) as exc:
        sc.compute("pct_foster_care", ds, at="2023-12-31")
    assert str(exc.value) == f"pct_foster_care: {why}"
    results, problems = sc.compute_many(ds, at="2023-12-31")
    assert problems["pct_foster_care"] == f"pct_foster_care: {why}"
    assert "pct_foster_care" not in set(results["indicator"])
    # looked after at 31/12/2023: WS100001 and WS100002 (WS100003 from 15/01/2024)
    assert sc.compute("cla_count", ds, at="2023-12-31")["value"].item() == 2
    # one row of three unusable is left out and said, as before: WS100002 alone is left,
    # in foster care (U1)
    tables["episodes"]["PLACE"] = ["ZZ", "U1", "U4"]
    tables["episodes"].to_csv(tmp_path / "episodes.csv", index=False)
    out = sc.compute("pct_foster_care", sc.load_dataset(tmp_path), at="2023-12-31")
    assert (out["numerator"].item(), out["denominator"].item()) == (1, 1)
    assert out["note"].item() == "1 episodes row left out: unusable PLACE"


def test_a_return_most_of_whose_rows_are_left_out_gives_no_figure_from_its_year(tmp_path):
    """The 2024-25 return's PLACE is no code in 3 of its 5 rows (another system's codes):
    3 of the 8 episodes rows over the two returns, under half, so foster care after
    01/04/2024 was built from the few rows left. Now every date from 01/04/2024 is
    unavailable with the return's share; 31/03/2024 keeps its figure, and children looked
    after (which do not read PLACE) keep theirs."""
    head = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n"
    (tmp_path / "episodes_2023-24.csv").write_text(
        head
        + "A,01/05/2023,S,C2,U1,,\nB,01/06/2023,S,C2,K2,,\nC,01/07/2023,S,C2,U4,,\n"
        + "F,01/05/2023,S,C2,U1,01/06/2023,E13\nG,01/05/2023,S,C2,U1,01/06/2023,E13\n"
        + "H,01/05/2023,S,C2,U1,01/06/2023,E13\n"
    )
    (tmp_path / "episodes_2024-25.csv").write_text(
        head
        + "A,01/05/2023,S,C2,ZZ,,\nD,01/05/2024,S,C2,ZY,,\nE,01/08/2024,S,C2,ZX,,\n"
        + "B,01/06/2023,S,C2,K2,01/07/2024,E13\nC,01/07/2023,S,C2,U4,01/07/2024,E13\n"
    )
    ds = sc.load_dataset(tmp_path)
    why = (
        "not available: 3 of the 5 episodes rows of the 2024-25 return have an unusable "
        "PLACE (unknown PLACE code); scorecard validate lists them"
    )
    out = sc.compute("pct_foster_care", ds, at=["2024-03-31", "2024-09-30"])
    # 31/03/2024: A as the 2023-24 return had it (U1: its 2024-25 row is unusable, but
    # that return starts on 01/04/2024), B (K2) and C (U4): 2 of 3; D and E, in no
    # earlier return, began in 2024-25: no row that matters then is left out
    assert (out["numerator"].iloc[0], out["denominator"].iloc[0]) == (2, 3)
    assert pd.isna(out["note"].iloc[0])
    assert np.isnan(out["value"].iloc[1]) and out["note"].iloc[1] == why
    with pytest.raises(sc.UnavailableError, match="of the 2024-25 return"):
        sc.compute("pct_foster_care", ds, at="2025-03-31")
    # A, D and E are looked after at 31/03/2025
    assert sc.compute("cla_count", ds, at="2025-03-31")["value"].item() == 3


def test_no_coverage_stated_says_so(three_children):
    card = build_scorecard(sc.Dataset.from_frames(**three_children()), quarter="2024-25 Q4")
    assert card.coverage == ()
    assert "Data coverage: not stated" in card.html(charts=False)


def test_time_in_care_lower_bound_reaches_the_card(three_children):
    """WS100001's first episode in the data is a placement change (RNE P), so its period of
    care began before the data: its days in care are a lower bound, and the card says so
    under the value (the engine's note, end to end)."""
    tables = three_children()
    tables["episodes"].loc[0, "RNE"] = "P"
    ds = dataclasses.replace(
        sc.Dataset.from_frames(**tables), coverage={"episodes": ONE_YEAR, "header": ONE_YEAR}
    )
    card = build_scorecard(ds, quarter="2024-25 Q4")
    r = row(card, "time_in_care_current")
    assert not np.isnan(r["value"]) and r["status"] == ""
    assert r["caveat"] == (
        "lower bound for 1 of 3 children: their period of care began before the data starts "
        "(01/04/2024)"
    )
    assert "lower bound for 1 of 3 children" in card.html(charts=False)
    assert "lower bound for c of c children" in card.for_publication().html(charts=False)


def test_a_caseload_with_cases_and_no_iro_in_post_says_so(three_children):
    """An HR list whose rows end on 31/03/2025 (END written as the last day in post): no IRO
    is in post on 31 March, since END is the first day no longer in post. The card said
    'no value: no children in the group at this date' beside 3 cases; now it names the staff.
    """
    tables = three_children()
    alloc = pd.DataFrame(
        {
            "IRO_ID": ["I1"] * 3,
            "CHILD": tables["header"]["CHILD"],
            "START": ["01/04/2024"] * 3,
            "END": [None] * 3,
        }
    )
    staff = pd.DataFrame(
        {"IRO_ID": ["I1"], "FTE": [1.0], "START": ["01/04/2024"], "END": ["31/03/2025"]}
    )
    ds = sc.Dataset.from_frames(**tables, iro_allocations=alloc, iro_staff=staff)
    card = build_scorecard(ds, quarter="2024-25 Q4")
    why = (
        "not available: no IRO in post (iro_staff) on 31/03/2025 (1 iro_staff row ends that "
        "day, and END is read as the first day no longer in post)"
    )
    for ind in ("iro_caseload", "iro_caseload_weighted"):
        r = row(card, ind)
        assert np.isnan(r["value"]) and r["status"] == why and r["rag"] is None
        # 31/12/2024: 3 cases over 1.0 FTE
        assert r["trend"][-2] == 3.0
    assert why in card.html(charts=False)


def test_a_rate_on_an_older_population_estimate_says_so_beside_it(three_children):
    """A 2024-25 Q4 card built before ONS publishes mid-2024: the rate uses mid-2023, as
    before, but now says so beside the figure (DfE's rate uses mid-2024)."""
    years = ["2020", "2021", "2022", "2023"]
    population = pd.DataFrame({"MID_YEAR": years, "POP_0_17": ["10000"] * 4})
    ds = sc.Dataset.from_frames(**three_children(), population=population)
    card = build_scorecard(ds, quarter="2024-25 Q4")
    r = row(card, "cla_rate_per_10k")
    # 3 children over 10,000 x 10,000 = 3.0
    assert r["value"] == pytest.approx(3.0) and r["status"] == ""
    said = "uses the mid-2023 population estimate: the table has no mid-2024"
    assert r["caveat"] == said
    assert said in card.html(charts=False)


@pytest.mark.parametrize(
    ("indicator", "said"),
    [
        ("re_referral_rate", "no value at this date: no referral"),
        ("pct_leavers_adopted", "no value at this date: no child who ceased to be looked after"),
        (
            "placement_stability_long",
            "no value at this date: no child looked after for 2.5 years, under 16",
        ),
    ],
)
def test_a_figure_with_nothing_to_count_names_what_it_counts(three_children, indicator, said):
    """Nothing to divide by on 31/03/2025: one referral, on 01/05/2023, so none in the year
    to it; none of the three children has left, nor been looked after for 2.5 years. The
    card said 'no children in the group' whatever the figure counted (referrals too)."""
    referrals = pd.DataFrame({"LAchildID": ["WS100001"], "CINreferralDate": ["01/05/2023"]})
    ds = sc.Dataset.from_frames(**three_children(), referrals=referrals)
    card = build_scorecard(ds, quarter="2024-25 Q4")
    r = row(card, indicator)
    assert np.isnan(r["value"]) and r["denominator"] == 0
    assert r["status"] == said and r["rag"] is None
    assert said in card.html(charts=False)
