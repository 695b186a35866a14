"""Placement stability (SPEC section 5): placements in the year and long-term stability.

Unless a test says otherwise the reference date is 31/03/2025, so the window runs from
ws = 01/04/2024 to 31/03/2025, `at - 30 months` = 30/09/2022, `at - 24 months` = 31/03/2023.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard import placements as sequence_module
from scorecard.care import children, looked_after_at
from scorecard.compact import is_held
from scorecard.inputs import coerce
from scorecard.measures import placements as placements_module
from scorecard.measures.placements import (
    long_term_stability,
    placement_moves,
    placements_held,
    placements_in_window,
)
from scorecard.periods import parse_at, quarter_ends
from scorecard.placements import placement_sequence

AT = "31/03/2025"
COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC", "PLACE_PROVIDER", "URN"]


def ep(
    child: str,
    decom: str,
    rne: str,
    place: str,
    dec: str | None = None,
    rec: str | None = None,
    *,
    ls: str = "C2",
    provider: str | None = "PR1",
    urn: str | None = None,
) -> tuple:
    return (child, decom, rne, ls, place, dec, rec, provider, urn)


def make(rows: list[tuple], dobs: dict[str, str] | None = None) -> sc.Dataset:
    frames = {"episodes": pd.DataFrame(rows, columns=COLS)}
    if dobs is not None:
        frames["header"] = pd.DataFrame(
            {"CHILD": list(dobs), "SEX": ["1"] * len(dobs), "DOB": list(dobs.values())}
        )
    return sc.Dataset.from_frames(**frames)


def counts(rows: list[tuple], at: str = AT, **kw) -> dict[str, int]:
    """Placements in the window per child (children with no episode in it are absent)."""
    ds = make(rows)
    out = placements_in_window(ds, parse_at(at), **kw)
    names = children(ds)["CHILD"].to_numpy()
    return dict(zip(names[out["cid"].to_numpy()], out["placements"].tolist(), strict=True))


def tenure(rows: list[tuple], **kw) -> list[str]:
    ds = make(rows)
    seq = placement_sequence(ds, **kw)
    return seq["tenure_start"].dt.strftime("%d/%m/%Y").tolist()


# ------------------------------------------------------------------ counting placements


def test_placement_held_on_first_day_and_placements_started_in_window() -> None:
    rows = [
        # A: one placement since 2023, still open: the placement held on ws counts 1
        ep("A", "01/01/2023", "S", "U4"),
        # B: held on ws (U4), then two moves in the window: 1 + 1 + 1 = 3
        ep("B", "01/01/2023", "S", "U4", "01/06/2024", "X1"),
        ep("B", "01/06/2024", "P", "U6", "01/10/2024", "X1"),
        ep("B", "01/10/2024", "P", "K2"),
        # C: starts to be looked after on ws itself: 1
        ep("C", "01/04/2024", "S", "U4"),
        # D: one move before the window and one in it: U6 held on ws + K2 = 2
        ep("D", "01/01/2023", "S", "U4", "01/01/2024", "X1"),
        ep("D", "01/01/2024", "P", "U6", "01/02/2025", "X1"),
        ep("D", "01/02/2025", "P", "K2"),
    ]
    assert counts(rows) == {"A": 1, "B": 3, "C": 1, "D": 2}


def test_return_to_the_same_placement_after_a_temporary_one_is_not_a_new_placement() -> None:
    rows = [
        # A: U4 (PR1, URN X) -> T3 holiday cover -> back to the same U4: 1 placement
        ep("A", "01/01/2023", "S", "U4", "01/06/2024", "X1", urn="X"),
        ep("A", "01/06/2024", "P", "T3", "15/06/2024", "X1", urn="Y"),
        ep("A", "15/06/2024", "P", "U4", None, None, urn="X"),
        # B: two temporary episodes in a run, then back: still 1
        ep("B", "01/01/2023", "S", "U6", "01/06/2024", "X1"),
        ep("B", "01/06/2024", "P", "T1", "03/06/2024", "X1"),
        ep("B", "03/06/2024", "P", "T4", "08/06/2024", "X1"),
        ep("B", "08/06/2024", "P", "U6"),
        # C: blank URN before and after equals blank: a return, 1
        ep("C", "01/01/2023", "S", "U6", "01/06/2024", "X1", urn=None),
        ep("C", "01/06/2024", "P", "T0", "03/06/2024", "X1"),
        ep("C", "03/06/2024", "P", "U6", None, None, urn=None),
    ]
    assert counts(rows) == {"A": 1, "B": 1, "C": 1}


def test_temporary_placement_followed_by_a_different_placement_counts() -> None:
    rows = [
        # A: U4 -> T0 -> U6: a different PLACE, so 2
        ep("A", "01/01/2023", "S", "U4", "01/06/2024", "X1"),
        ep("A", "01/06/2024", "P", "T0", "03/06/2024", "X1"),
        ep("A", "03/06/2024", "P", "U6"),
        # B: same PLACE but another provider (PR1 -> PR4): 2
        ep("B", "01/01/2023", "S", "U4", "01/06/2024", "X1", provider="PR1"),
        ep("B", "01/06/2024", "P", "T0", "03/06/2024", "X1"),
        ep("B", "03/06/2024", "P", "U4", provider="PR4"),
        # C: same PLACE and provider, another home (URN SC1 -> SC2): 2
        ep("C", "01/01/2023", "S", "K2", "01/06/2024", "X1", urn="SC1"),
        ep("C", "01/06/2024", "P", "T0", "03/06/2024", "X1"),
        ep("C", "03/06/2024", "P", "K2", urn="SC2"),
        # D: blank URN before, a URN after: not blank-equal, 2
        ep("D", "01/01/2023", "S", "K2", "01/06/2024", "X1", urn=None),
        ep("D", "01/06/2024", "P", "T0", "03/06/2024", "X1"),
        ep("D", "03/06/2024", "P", "K2", urn="SC2"),
    ]
    assert counts(rows) == {"A": 2, "B": 2, "C": 2, "D": 2}


H5_THEN_K3 = [
    # A: H5 held on the window's first day (1), T1 (0), back to the same home as K3 (0)
    ep("A", "01/01/2023", "S", "H5", "01/03/2024", "X1", urn="SC1"),
    ep("A", "01/03/2024", "P", "T1", "15/04/2024", "X1"),
    ep("A", "15/04/2024", "P", "K3", urn="SC1"),
    # B: the same, but another home (URN SC2): a new placement, 2
    ep("B", "01/01/2023", "S", "H5", "01/03/2024", "X1", urn="SC1"),
    ep("B", "01/03/2024", "P", "T1", "15/04/2024", "X1"),
    ep("B", "15/04/2024", "P", "K3", urn="SC2"),
]


def test_return_to_a_placement_whose_code_the_dfe_replaced_is_not_a_new_placement() -> None:
    # H5 was withdrawn after 2023-24 and an H5 placement continues as K3 (codes/place.csv
    # replaced_by): back from a temporary placement to the same provider and home, now
    # written K3, is the same placement. Window 01/10/2023 to 30/09/2024.
    rows = H5_THEN_K3
    assert counts(rows, at="30/09/2024") == {"A": 1, "B": 2}
    # the placement's tenure runs on from the H5 start for A, from the K3 start for B
    assert tenure(rows)[2] == "01/01/2023"
    assert tenure(rows)[5] == "15/04/2024"


@pytest.mark.parametrize("held", [False, True])
def test_return_to_the_same_placement_read_from_codes_held_compact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: bool
) -> None:
    """PLACE and PLACE_PROVIDER held compact (a big Parquet file's codes: each distinct code
    compared once) give the same placements as written out: H5 then K3 is one placement, a
    blank provider equals a blank one and not a given one. Window 01/10/2023 to 30/09/2024."""
    rows = [
        *H5_THEN_K3,
        # C: no provider either side: the same placement, 1
        ep("C", "01/01/2023", "S", "U4", "01/03/2024", "X1", provider=None, urn="SC3"),
        ep("C", "01/03/2024", "P", "T1", "15/04/2024", "X1", provider=None),
        ep("C", "15/04/2024", "P", "U4", provider=None, urn="SC3"),
        # D: a provider before, none after: 2
        ep("D", "01/01/2023", "S", "U4", "01/03/2024", "X1", urn="SC4"),
        ep("D", "01/03/2024", "P", "T1", "15/04/2024", "X1"),
        ep("D", "15/04/2024", "P", "U4", provider=None, urn="SC4"),
    ]
    pd.DataFrame(rows, columns=COLS).to_parquet(tmp_path / "episodes.parquet", index=False)
    monkeypatch.setattr(coerce, "COMPACT_ROWS", 0 if held else 10**9)
    ds = sc.load_dataset(tmp_path, strict=False)
    assert is_held(ds.held("episodes")["PLACE"]) is held
    assert is_held(ds.held("episodes")["PLACE_PROVIDER"]) is held
    out = placements_in_window(ds, parse_at("30/09/2024"))
    names = children(ds)["CHILD"].to_numpy()
    got = dict(zip(names[out["cid"].to_numpy()], out["placements"].tolist(), strict=True))
    assert got == {"A": 1, "B": 2, "C": 1, "D": 2}


def test_last_valid_row_before_or_up_to_each_row_within_its_group() -> None:
    """Worked by hand: rows 0-2 one period, 3-5 the next; valid at rows 0, 2 and 4."""
    valid = np.array([True, False, True, False, True, False])
    group = np.array([7, 7, 7, 8, 8, 8], dtype=np.int32)
    before = sequence_module._last_before(valid, group)
    upto = sequence_module._last_upto(valid, group)
    assert before.tolist() == [-1, 0, 0, -1, -1, 4]  # row 3: row 2 is another period's
    assert upto.tolist() == [0, 0, 2, -1, 4, 4]
    assert before.dtype == upto.dtype == np.int32  # episode positions, half of int64
    empty = np.zeros(0, dtype=bool)
    assert sequence_module._last_before(empty, np.zeros(0, dtype=np.int32)).tolist() == []


def test_temporary_first_episode_in_window_is_not_counted() -> None:
    rows = [
        # A: starts in T1 (hospital) on 15/03/2024, overlapping ws; the U4 after it is the
        # first non-temporary episode (1), the U6 a new placement (2). Counting T1 would be 3.
        ep("A", "15/03/2024", "S", "T1", "10/04/2024", "X1"),
        ep("A", "10/04/2024", "P", "U4", "01/09/2024", "X1"),
        ep("A", "01/09/2024", "P", "U6"),
        # B: U4 ended before the window, T0 spans ws, back to the same U4: the return is the
        # first non-temporary episode of the window, so it counts 1 (the placement held).
        ep("B", "01/01/2023", "S", "U4", "20/03/2024", "X1"),
        ep("B", "20/03/2024", "P", "T0", "10/04/2024", "X1"),
        ep("B", "10/04/2024", "P", "U4"),
    ]
    assert counts(rows) == {"A": 2, "B": 1}


def test_same_carer_moves_are_not_new_placements_unless_the_parameter_says_so() -> None:
    rows = [
        # U4 then L (legal status only), T (placement change, same carer) and U (both, same
        # carer): 1 placement; with no same-carer reasons every change counts: 4
        ep("A", "01/01/2023", "S", "U4", "01/05/2024", "X1"),
        ep("A", "01/05/2024", "L", "U4", "01/07/2024", "X1"),
        ep("A", "01/07/2024", "T", "U5", "01/09/2024", "X1"),
        ep("A", "01/09/2024", "U", "U4"),
    ]
    assert counts(rows) == {"A": 1}
    assert counts(rows, same_carer_reasons=[]) == {"A": 4}
    # only L treated as same carer: U4, T-U5, U-U4 = 3
    assert counts(rows, same_carer_reasons=["L"]) == {"A": 3}


def test_adoption_with_current_foster_carer_is_not_a_new_placement() -> None:
    rows = [
        # A: foster U4, then placed for adoption with the same carers (A3): 1
        ep("A", "01/01/2023", "S", "U4", "01/09/2024", "X1"),
        ep("A", "01/09/2024", "P", "A3"),
        # B: the same with a placement order (A5): 1
        ep("B", "01/01/2023", "S", "U6", "01/09/2024", "X1"),
        ep("B", "01/09/2024", "B", "A5"),
    ]
    assert counts(rows) == {"A": 1, "B": 1}


def test_adoption_with_new_carers_is_a_new_placement() -> None:
    rows = [
        # U6 held on ws, U4 in the window, then A4 (new adopters): 3; B the same with A6
        ep("A", "01/01/2023", "S", "U6", "01/06/2024", "X1"),
        ep("A", "01/06/2024", "P", "U4", "01/12/2024", "X1"),
        ep("A", "01/12/2024", "P", "A4"),
        ep("B", "01/01/2023", "S", "U6", "01/06/2024", "X1"),
        ep("B", "01/06/2024", "P", "U4", "01/12/2024", "X1"),
        ep("B", "01/12/2024", "B", "A6"),
    ]
    assert counts(rows) == {"A": 3, "B": 3}


def test_short_break_episodes_are_ignored() -> None:
    rows = [
        # A: one foster placement plus three V3/V4 respite episodes in the window: 1
        ep("A", "01/01/2023", "S", "U4"),
        ep("A", "01/05/2024", "S", "R1", "03/05/2024", "E13", ls="V3"),
        ep("A", "01/07/2024", "S", "K2", "03/07/2024", "E13", ls="V4"),
        ep("A", "01/09/2024", "P", "U6", "03/09/2024", "E13", ls="V3"),
        # B: only short breaks: no placements at all, not even counted as a child
        ep("B", "01/05/2024", "S", "R1", "03/05/2024", "E13", ls="V3"),
    ]
    assert counts(rows) == {"A": 1}


def test_leaving_care_and_returning_starts_a_new_placement() -> None:
    rows = [
        # A: leaves on 01/07/2024 (E13) and comes back on 01/10/2024 to the same carer: the
        # new period's first episode (RNE S) is a new placement: 2
        ep("A", "01/01/2023", "S", "U4", "01/07/2024", "E13"),
        ep("A", "01/10/2024", "S", "U4"),
        # B: U4 -> T0, leaves from the temporary placement, returns to the same U4: not a
        # return from a temporary placement (another period of care), so 2
        ep("B", "01/01/2023", "S", "U4", "01/06/2024", "X1"),
        ep("B", "01/06/2024", "P", "T0", "05/06/2024", "E13"),
        ep("B", "10/06/2024", "S", "U4"),
    ]
    assert counts(rows) == {"A": 2, "B": 2}


def test_episode_ending_on_the_first_day_of_the_window_does_not_overlap_it() -> None:
    # U6 ends on ws (DEC = 01/04/2024): DEC > ws fails, so it is not in the window;
    # U4 from ws and U5 later: 2. Ending a day later, U6 overlaps: 3.
    on_ws = [
        ep("A", "01/01/2024", "S", "U6", "01/04/2024", "X1"),
        ep("A", "01/04/2024", "P", "U4", "01/09/2024", "X1"),
        ep("A", "01/09/2024", "P", "U5"),
    ]
    day_after = [
        ep("A", "01/01/2024", "S", "U6", "02/04/2024", "X1"),
        ep("A", "02/04/2024", "P", "U4", "01/09/2024", "X1"),
        ep("A", "01/09/2024", "P", "U5"),
    ]
    assert counts(on_ws) == {"A": 2}
    assert counts(day_after) == {"A": 3}


def test_episode_starting_after_the_reference_date_is_not_counted() -> None:
    rows = [
        ep("A", "01/01/2023", "S", "U4", "01/06/2024", "X1"),
        ep("A", "01/06/2024", "P", "U6", "31/03/2025", "X1"),
        ep("A", "31/03/2025", "P", "K2", "01/04/2025", "X1"),  # starts on at: counts
        ep("A", "01/04/2025", "P", "U4"),  # the day after at: not in the window
    ]
    assert counts(rows) == {"A": 3}


# ------------------------------------------------------------------ the measure


def three_moves(child: str, left: str | None = None) -> list[tuple]:
    """U4 held on ws, U6 and K2 in the window: 3 placements. `left` ends the K2."""
    return [
        ep(child, "01/01/2023", "S", "U4", "01/06/2024", "X1"),
        ep(child, "01/06/2024", "P", "U6", "01/10/2024", "X1"),
        ep(child, "01/10/2024", "P", "K2", left, "E13" if left else None),
    ]


MEASURE_ROWS = [
    *three_moves("X"),  # 3 placements, looked after at `at`
    *three_moves("Y", left="01/03/2025"),  # 3 placements but left before `at`
    ep("Z", "01/01/2023", "S", "U4"),  # 1 placement
    # W: 2 placements (U4 held on ws, U6 in window)
    ep("W", "01/01/2023", "S", "U4", "01/06/2024", "X1"),
    ep("W", "01/06/2024", "P", "U6"),
]


def test_children_not_looked_after_at_the_date_are_excluded() -> None:
    # denominator X, Z, W = 3 (Y ceased on 01/03/2025); numerator X = 1 -> 33.3%
    out = placement_moves(make(MEASURE_ROWS), parse_at(AT), [])
    assert out[["numerator", "denominator"]].to_numpy().tolist() == [[1.0, 3.0]]
    assert out["value"].iloc[0] == pytest.approx(100 / 3)


def test_min_placements_parameter() -> None:
    ds = make(MEASURE_ROWS)
    # 2 or more: X (3) and W (2) of X, Z, W -> 2/3
    two = placement_moves(ds, parse_at(AT), [], min_placements=2)
    assert two["numerator"].iloc[0] == 2 and two["denominator"].iloc[0] == 3
    three = placement_moves(ds, parse_at(AT), [], min_placements=3)
    assert three["numerator"].iloc[0] == 1


def test_compute_through_the_catalogue() -> None:
    ds = make(MEASURE_ROWS, dobs={c: "01/01/2015" for c in "XYZW"})
    short = sc.compute("placement_stability_short", ds, at="2024-25 Q4")
    assert short["value"].iloc[0] == pytest.approx(100 / 3)
    two = sc.compute("placement_stability_2plus", ds, at="2024-25 Q4")
    assert two["value"].iloc[0] == pytest.approx(200 / 3)


def test_several_dates_at_once_equal_one_at_a_time() -> None:
    ds = make(MEASURE_ROWS)
    ats = ["30/06/2024", "30/09/2024", "31/12/2024", "31/03/2025"]
    together = placement_moves(ds, parse_at(ats), [], min_placements=2)
    apart = pd.concat(
        [placement_moves(ds, parse_at(a), [], min_placements=2) for a in ats],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(together, apart)
    # at 30/06/2024 (ws 01/07/2023): X, Y have U4 + U6 = 2; W 2; Z 1 -> 3 of 4
    assert together["numerator"].tolist()[0] == 3
    assert together["denominator"].tolist()[0] == 4


# ------------------------------------------------------------------ tenure and long-term


def test_tenure_continues_through_temporary_same_carer_and_a3_episodes() -> None:
    rows = [
        ep("A", "01/01/2022", "S", "U4", "01/03/2023", "X1"),
        ep("A", "01/03/2023", "P", "T3", "10/03/2023", "X1"),  # temporary
        ep("A", "10/03/2023", "P", "U4", "01/05/2023", "X1"),  # return
        ep("A", "01/05/2023", "L", "U4", "01/06/2023", "X1"),  # legal status only
        ep("A", "01/06/2023", "P", "A3", "01/07/2023", "X1"),  # adoption, same carer
        ep("A", "01/07/2023", "P", "U6"),  # a new placement
    ]
    assert tenure(rows) == ["01/01/2022"] * 5 + ["01/07/2023"]


def test_tenure_of_adoption_with_new_carers_runs_from_the_placement_before() -> None:
    rows = [
        ep("A", "01/01/2021", "S", "U6", "01/01/2022", "X1"),
        ep("A", "01/01/2022", "P", "U4", "01/06/2024", "X1"),
        ep("A", "01/06/2024", "P", "A4", "01/08/2024", "X1"),  # from the U4: 01/01/2022
        ep("A", "01/08/2024", "L", "A6"),  # not a start: tenure continues
        # B: a period that starts in an A6 has nothing before it: its own DECOM
        ep("B", "01/01/2021", "S", "A6"),
        # C: U4 -> A4 -> A6 (two adoptive moves, each to new carers): the A4 runs from the
        # U4 (01/01/2021); the A6 from the placement before it, the A4 (01/06/2024), not from
        # the U4 two placements back
        ep("C", "01/01/2021", "S", "U4", "01/06/2024", "X1"),
        ep("C", "01/06/2024", "P", "A4", "01/08/2024", "X1"),
        ep("C", "01/08/2024", "P", "A6"),
    ]
    assert tenure(rows) == [
        "01/01/2021",
        "01/01/2022",
        "01/01/2022",
        "01/01/2022",
        "01/01/2021",
        "01/01/2021",
        "01/01/2021",
        "01/06/2024",
    ]


def test_tenure_restarts_with_a_new_period_of_care() -> None:
    rows = [
        ep("A", "01/01/2021", "S", "U4", "01/01/2023", "E13"),
        ep("A", "01/02/2023", "S", "U4"),
        # B: a period that starts with a temporary placement: the period start until the
        # first placement-starting episode
        ep("B", "01/01/2021", "S", "T1", "10/01/2021", "X1"),
        ep("B", "10/01/2021", "L", "T1", "20/01/2021", "X1"),
        ep("B", "20/01/2021", "P", "U4"),
    ]
    assert tenure(rows) == ["01/01/2021", "01/02/2023", "01/01/2021", "01/01/2021", "20/01/2021"]


def long_term(rows, dobs, at=AT, by=(), **kw) -> pd.DataFrame:
    return long_term_stability(make(rows, dobs), parse_at(at), list(by), **kw)


def settled(child: str, since: str = "01/01/2020") -> tuple:
    return ep(child, since, "S", "U4")


def test_long_term_age_boundary_at_16th_birthday() -> None:
    # A is 16 on 31/03/2025 itself: out. B turns 16 the next day: in (and settled since 2020)
    out = long_term([settled("A"), settled("B")], {"A": "31/03/2009", "B": "01/04/2009"}, at=AT)
    assert out[["numerator", "denominator"]].to_numpy().tolist() == [[1.0, 1.0]]


def test_long_term_29_february_birthdays() -> None:
    rows = [settled("A")]
    dob = {"A": "29/02/2012"}
    # 2028 is a leap year: 16 on 29/02/2028, still 15 on 28/02/2028
    assert long_term(rows, dob, at="28/02/2028")["denominator"].iloc[0] == 1
    assert long_term(rows, dob, at="29/02/2028")["denominator"].iloc[0] == 0
    # in a common year the birthday falls on 28 February: 13 on 28/02/2025 (max_age 13 drops
    # her), still 12 on 27/02/2025 (kept)
    assert long_term(rows, dob, at="28/02/2025", max_age=13)["denominator"].iloc[0] == 0
    assert long_term(rows, dob, at="27/02/2025", max_age=13)["denominator"].iloc[0] == 1


def test_long_term_care_start_exactly_30_months_before() -> None:
    rows = [
        settled("A", "30/09/2022"),  # exactly at - 30 months: in; and tenure 30 months: num
        settled("B", "01/10/2022"),  # a day later: out of the cohort
    ]
    out = long_term(rows, {"A": "01/01/2015", "B": "01/01/2015"})
    assert out[["numerator", "denominator"]].to_numpy().tolist() == [[1.0, 1.0]]


def test_long_term_tenure_start_exactly_24_months_before() -> None:
    rows = [
        # A: in care since 2020, current placement since exactly 31/03/2023: stable
        ep("A", "01/01/2020", "S", "U6", "31/03/2023", "X1"),
        ep("A", "31/03/2023", "P", "U4"),
        # B: current placement since 01/04/2023, a day short: not stable
        ep("B", "01/01/2020", "S", "U6", "01/04/2023", "X1"),
        ep("B", "01/04/2023", "P", "U4"),
        # C: moved to new adopters in 2024, but with the U4 before since 2022: stable
        ep("C", "01/01/2020", "S", "U6", "01/01/2022", "X1"),
        ep("C", "01/01/2022", "P", "U4", "01/06/2024", "X1"),
        ep("C", "01/06/2024", "P", "A4"),
        # D: the same with a move to another foster carer instead: not stable
        ep("D", "01/01/2020", "S", "U6", "01/01/2022", "X1"),
        ep("D", "01/01/2022", "P", "U4", "01/06/2024", "X1"),
        ep("D", "01/06/2024", "P", "U6"),
        # E: no header row, so no date of birth: left out
        settled("E"),
    ]
    dobs = {c: "01/01/2015" for c in "ABCD"}
    out = long_term(rows, dobs)
    # cohort A, B, C, D; stable A and C: 2 of 4
    assert out[["numerator", "denominator", "value"]].to_numpy().tolist() == [[2.0, 4.0, 50.0]]


def test_long_term_by_age_band_sums_to_the_total() -> None:
    rows = [settled(c) for c in "ABCDE"] + [
        ep("F", "01/01/2020", "S", "U6", "01/06/2024", "X1"),
        ep("F", "01/06/2024", "P", "U4"),
    ]
    dobs = {
        "A": "01/01/2015",  # 10 to 15
        "B": "01/06/2012",  # 10 to 15
        "C": "01/01/2018",  # 5 to 9
        "D": "01/01/2021",  # 1 to 4 (in care from birth... period starts 2020: still counted)
        "E": "01/01/2008",  # 17: out
        "F": "01/01/2016",  # 9, 5 to 9, not stable
    }
    total = long_term(rows, dobs)
    by_band = long_term(rows, dobs, by=["age_band"])
    assert total[["numerator", "denominator"]].to_numpy().tolist() == [[4.0, 5.0]]
    assert by_band["numerator"].sum() == 4 and by_band["denominator"].sum() == 5
    assert dict(zip(by_band["age_band"].astype(str), by_band["denominator"], strict=True)) == {
        "1 to 4": 1.0,
        "5 to 9": 2.0,
        "10 to 15": 2.0,
    }


# ------------------------------------------------------------------ against a plain reference


def random_episodes(n_children: int, seed: int) -> pd.DataFrame:
    """Random but valid histories: 1-3 periods of 1-6 episodes, with temporary placements,
    adoptions, same-carer moves, providers, URNs and short breaks."""
    rng = np.random.default_rng(seed)
    places = ["U4", "U6", "K2", "T0", "T3", "A3", "A4", "A6", "U1"]
    rows: list[tuple] = []
    for c in range(n_children):
        day = pd.Timestamp("2019-01-01") + pd.Timedelta(days=int(rng.integers(0, 1500)))
        for _period in range(int(rng.integers(1, 4))):
            n_eps = int(rng.integers(1, 7))
            for i in range(n_eps):
                length = pd.Timedelta(days=int(rng.integers(1, 300)))
                last = i == n_eps - 1
                open_end = last and rng.random() < 0.4
                dec = None if open_end else (day + length)
                place = str(rng.choice(places))
                provider, urn = rng.choice(["PR1", "PR4", None]), rng.choice(["SC1", None])
                if i >= 2 and rows[-1][4].startswith("T") and rng.random() < 0.5:
                    # back to the placement before the temporary one (or to one like it)
                    place, provider, urn = rows[-2][4], rows[-2][7], rows[-2][8]
                rows.append(
                    (
                        f"C{c}",
                        day.strftime("%d/%m/%Y"),
                        "S" if i == 0 else str(rng.choice(["P", "B", "L", "T", "U"])),
                        "C2",
                        place,
                        None if dec is None else dec.strftime("%d/%m/%Y"),
                        ("E13" if last else "X1") if dec is not None else None,
                        provider,
                        urn,
                    )
                )
                if dec is None:
                    break
                day = dec
            if rows[-1][5] is None:
                break
            day = day + pd.Timedelta(days=int(rng.integers(1, 200)))
        if rng.random() < 0.2:
            rows.append((f"C{c}", "01/06/2024", "S", "V3", "R1", "03/06/2024", "E13", None, None))
    return pd.DataFrame(rows, columns=COLS)


TEMP = {"T0", "T1", "T2", "T3", "T4"}


def _same_placement(a: dict, b: dict) -> bool:
    return all(
        (pd.isna(a[k]) and pd.isna(b[k])) or a[k] == b[k]
        for k in ("PLACE", "PLACE_PROVIDER", "URN")
    )


def _ref_starts(r: list[dict], period: list[int], opening: set[str]) -> list[bool]:
    starts = []
    for i, e in enumerate(r):
        s = e["RNE"] in opening and e["PLACE"] not in TEMP and e["PLACE"] not in {"A3", "A5"}
        if s and i > 0 and period[i - 1] == period[i] and r[i - 1]["PLACE"] in TEMP:
            j = i - 1
            while j >= 0 and period[j] == period[i] and r[j]["PLACE"] in TEMP:
                j -= 1
            if j >= 0 and period[j] == period[i] and _same_placement(r[j], e):
                s = False
        starts.append(s)
    return starts


def _ref_tenure(j: int, r: list[dict], period: list[int], starts: list[bool]) -> pd.Timestamp:
    prev = [k for k in range(j) if starts[k] and period[k] == period[j]]
    if r[j]["PLACE"] in {"A4", "A6"}:
        # from the start of the placement before it; none in the period: the period's start
        if prev:
            return r[prev[-1]]["DECOM"]
        return r[period.index(period[j])]["DECOM"]
    return r[j]["DECOM"]


def reference(frame: pd.DataFrame, dobs: pd.Series, at: pd.Timestamp, same_carer=("L", "T", "U")):
    """SPEC section 5 read literally, one child at a time: (placements per child looked after
    at `at`, long-term cohort membership, long-term stable)."""
    opening = {"S", "P", "B", "L", "T", "U"} - set(same_carer)
    ws = at - pd.DateOffset(months=12) + pd.Timedelta(days=1)
    f = frame.loc[~frame["LS"].isin(["V3", "V4"])].copy()
    for col in ("DECOM", "DEC"):
        f[col] = pd.to_datetime(f[col], format="%d/%m/%Y")
    f = f.sort_values(["CHILD", "DECOM"])
    result = {}
    for child, g in f.groupby("CHILD"):
        r = g.to_dict("records")
        period = [0]
        for i in range(1, len(r)):
            joined = r[i - 1]["REC"] == "X1" and r[i - 1]["DEC"] == r[i]["DECOM"]
            period.append(period[-1] + (0 if joined else 1))
        starts = _ref_starts(r, period, opening)
        now = [
            i for i, e in enumerate(r) if e["DECOM"] <= at and (pd.isna(e["DEC"]) or e["DEC"] > at)
        ]
        if not now:
            continue
        i = now[-1]
        n, seen = 0, False
        for k, e in enumerate(r):
            if e["DECOM"] <= at and (pd.isna(e["DEC"]) or e["DEC"] > ws):
                if not seen and e["PLACE"] not in TEMP:
                    n, seen = n + 1, True
                elif seen and starts[k]:
                    n += 1
        p_start = r[period.index(period[i])]["DECOM"]
        ks = [k for k in range(i + 1) if starts[k] and period[k] == period[i]]
        ten = _ref_tenure(ks[-1], r, period, starts) if ks else p_start
        dob = pd.to_datetime(dobs[child], format="%d/%m/%Y")
        age = at.year - dob.year - ((at.month, at.day) < (dob.month, dob.day))
        cohort = age < 16 and p_start <= at - pd.DateOffset(months=30)
        stable = ten <= at - pd.DateOffset(months=24)
        result[child] = (n, cohort, cohort and stable)
    return result


@pytest.mark.parametrize("seed", [1, 2])
def test_matches_a_plain_reading_of_the_spec_on_random_histories(seed: int) -> None:
    frame = random_episodes(150, seed)
    rng = np.random.default_rng(seed + 100)
    kids = sorted(frame["CHILD"].unique())
    dobs = pd.Series(
        [
            (pd.Timestamp("2006-01-01") + pd.Timedelta(days=int(d))).strftime("%d/%m/%Y")
            for d in rng.integers(0, 5000, len(kids))
        ],
        index=kids,
    )
    header = pd.DataFrame({"CHILD": kids, "SEX": "1", "DOB": dobs.to_numpy()})
    ds = sc.Dataset.from_frames(episodes=frame, header=header)
    ats = quarter_ends("2024-25 Q4", 8)
    short = placement_moves(ds, ats, [], min_placements=3)
    long = long_term_stability(ds, ats, [])
    names = children(ds)["CHILD"].to_numpy()
    for k, at in enumerate(ats):
        ref = reference(frame, dobs, at)
        # every child's count, not only the share with 3 or more
        got = placements_in_window(ds, ats[[k]])
        got = dict(zip(names[got["cid"].to_numpy()], got["placements"].tolist(), strict=True))
        assert {c: got.get(c, 0) for c in ref} == {c: n for c, (n, _, _) in ref.items()}
        assert short["denominator"].iloc[k] == len(ref)
        assert short["numerator"].iloc[k] == sum(n >= 3 for n, _, _ in ref.values())
        assert long["denominator"].iloc[k] == sum(c for _, c, _ in ref.values())
        assert long["numerator"].iloc[k] == sum(s for _, _, s in ref.values())
    # and the test data is rich enough to mean something
    assert short["numerator"].sum() > 0 and long["numerator"].sum() > 0


def test_eight_quarter_ends_at_once_equal_each_separately() -> None:
    frame = random_episodes(200, 7)
    kids = sorted(frame["CHILD"].unique())
    header = pd.DataFrame({"CHILD": kids, "SEX": "2", "DOB": "15/06/2012"})
    ds = sc.Dataset.from_frames(episodes=frame, header=header)
    ats = quarter_ends("2024-25 Q4", 8)
    for func in (placement_moves, long_term_stability):
        for by in ([], ["age_band"], ["PLACE"]):
            together = func(ds, ats, by)
            apart = pd.concat([func(ds, ats[[k]], by) for k in range(len(ats))], ignore_index=True)
            pd.testing.assert_frame_equal(together, apart, check_dtype=False)
            assert together["denominator"].sum() > 0


def test_counts_worked_out_in_blocks_side_by_side_equal_one_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # millions of units are counted a block at a time in threads: blocks of 7 units, two
    # threads, give every child at every date the count of one block
    ds = sc.Dataset.from_frames(episodes=random_episodes(200, 7))
    ats = quarter_ends("2024-25 Q4", 8)
    reasons = ["L", "T", "U"]
    whole = placements_module._placements_held(ds, ats, reasons)
    monkeypatch.setattr(placements_module, "_UNITS", 7)
    monkeypatch.setenv("SCORECARD_THREADS", "2")
    blocks = placements_module._placements_held(ds, ats, reasons)
    assert len(whole) > 7 * 20 and (whole >= 3).any()
    np.testing.assert_array_equal(blocks, whole)


def test_the_sequence_worked_out_beside_the_children_looked_after_gives_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # on large data the placement sequence is worked out in a thread of its own while the
    # children looked after are found: the same figures as in one thread
    ats = quarter_ends("2024-25 Q4", 8)
    monkeypatch.setenv("SCORECARD_THREADS", "1")
    alone = placement_moves(sc.Dataset.from_frames(episodes=random_episodes(200, 7)), ats, [])
    monkeypatch.setenv("SCORECARD_THREADS", "2")
    monkeypatch.setattr(placements_module, "SEQUENCE_BESIDE", 0)
    asked, sequence = [], placements_module.placement_sequence

    def spy(*args: object) -> pd.DataFrame:
        asked.append(threading.current_thread().name)
        return sequence(*args)

    monkeypatch.setattr(placements_module, "placement_sequence", spy)
    beside = placement_moves(sc.Dataset.from_frames(episodes=random_episodes(200, 7)), ats, [])
    assert "scorecard-placements" in asked
    pd.testing.assert_frame_equal(beside, alone)
    assert alone["numerator"].sum() > 0


def test_a_date_before_any_care_gives_an_empty_row_not_an_error() -> None:
    # nobody is looked after on 31/03/2000: 0 of 0, value blank, for both measures
    ds = make(MEASURE_ROWS, dobs={c: "01/01/2015" for c in "XYZW"})
    for func in (placement_moves, long_term_stability):
        out = func(ds, parse_at("31/03/2000"), [])
        assert nums_and_blank(out) == (0.0, 0.0, True)


def nums_and_blank(out: pd.DataFrame) -> tuple[float, float, bool]:
    row = out.iloc[0]
    return row["numerator"], row["denominator"], bool(np.isnan(row["value"]))


def test_counts_from_runs_equal_counts_from_pairs_with_overlapping_episodes() -> None:
    # window 01/04/2024 - 31/03/2025, looked after on 31/03/2025
    rows = [
        # A, no overlap: U4 held on ws (1), a move to U6 (1), a temporary T0 (0), back to
        # U6 with the same provider (0), a move to K2 (1): 3
        ep("A", "01/01/2023", "S", "U4", "01/06/2024", "X1"),
        ep("A", "01/06/2024", "P", "U6", "01/08/2024", "X1"),
        ep("A", "01/08/2024", "P", "T0", "15/08/2024", "X1"),
        ep("A", "15/08/2024", "P", "U6", "01/12/2024", "X1"),
        ep("A", "01/12/2024", "P", "K2"),
        # B, an episode ended before the window (not counted), then a temporary one
        # first in the window (0) and a move to U4 (1): 1
        ep("B", "01/01/2022", "S", "U1", "01/03/2024", "E13"),
        ep("B", "01/05/2024", "S", "T3", "01/06/2024", "X1"),
        ep("B", "01/06/2024", "P", "U4"),
        # C, overlapping (a data error): U4 open since 2023 and a K2 from 01/10/2024
        # that ended on 01/12/2024 inside it: U4 (1) and K2 (1): 2
        ep("C", "01/01/2023", "S", "U4"),
        ep("C", "01/10/2024", "P", "K2", "01/12/2024", "X1"),
    ]
    ds = make(rows)
    at = parse_at(AT)
    names = children(ds)["CHILD"].to_numpy()
    held = placements_held(ds, at, ["L", "T", "U"])
    got = dict(zip(names[looked_after_at(ds, at)["cid"].to_numpy()], held.tolist(), strict=True))
    assert got == {"A": 3, "B": 1, "C": 2}
    assert got == counts(rows)  # the same as counted over (episode, window) pairs
    # held in four bytes for the dataset's life; the units' fact is int64 as before
    assert held.dtype == np.int32
    facts = sc.units("placement_stability_short", ds, at=AT)
    assert facts["placements"].dtype == np.int64 and sorted(facts["placements"]) == [1, 2, 3]


def test_only_temporary_episodes_in_the_window_count_nothing() -> None:
    # A is in a temporary placement for the whole window: 0 placements, not an error
    rows = [ep("A", "01/01/2024", "S", "T0")]
    assert counts(rows) == {"A": 0}
    out = placement_moves(make(rows), parse_at(AT), [], min_placements=1)
    assert nums_and_blank(out) == (0.0, 1.0, False)


# ------------------------------------------------------------------ adoption with new carers


def test_adoption_after_a3_from_the_period_start_the_public_data_case() -> None:
    # found on public data (issue 9): [S, A3, 09/04/2015 to 02/04/2017, X1] then
    # [P, A4, from 02/04/2017, open]. The A3 placement (with the current foster carer) starts
    # no placement, so the A4 has no placement before it in the period: its tenure runs from
    # the period's start, 09/04/2015, not 02/04/2017
    rows = [
        ep("A", "09/04/2015", "S", "A3", "02/04/2017", "X1"),
        ep("A", "02/04/2017", "P", "A4"),
    ]
    assert tenure(rows) == ["09/04/2015", "09/04/2015"]
    # at 31/03/2018: in care since 09/04/2015 (<= 30/09/2015), tenure <= 31/03/2016: stable
    out = long_term(rows, {"A": "01/01/2014"}, at="31/03/2018")
    assert out[["numerator", "denominator"]].to_numpy().tolist() == [[1.0, 1.0]]


def test_adoption_after_a_temporary_start_or_a_same_carer_episode_from_the_period_start():
    rows = [
        # B: the period began in a temporary placement (T1), then A6: from the period start
        ep("B", "01/01/2021", "S", "T1", "01/02/2021", "X1"),
        ep("B", "01/02/2021", "B", "A6"),
        # C: began with an A5 (placement order, current foster carer), then A4
        ep("C", "01/03/2021", "S", "A5", "01/06/2021", "X1"),
        ep("C", "01/06/2021", "P", "A4"),
        # D: the data's first episode of the period is a same-carer change (RNE T), then A4
        ep("D", "01/04/2021", "T", "U4", "01/07/2021", "X1"),
        ep("D", "01/07/2021", "P", "A4"),
        # E: a placement (U4) before the adoption: the A4 runs from the U4, as before
        ep("E", "01/01/2020", "S", "T0", "01/03/2020", "X1"),
        ep("E", "01/03/2020", "P", "U4", "01/05/2021", "X1"),
        ep("E", "01/05/2021", "P", "A4"),
    ]
    assert tenure(rows) == [
        "01/01/2021",
        "01/01/2021",
        "01/03/2021",
        "01/03/2021",
        "01/04/2021",
        "01/04/2021",
        "01/01/2020",
        "01/03/2020",
        "01/03/2020",
    ]


def test_back_in_care_in_a_temporary_placement_then_the_old_placement_is_a_new_one() -> None:
    # A leaves care from U4 (PR1, URN SC1) on 01/07/2024, comes back on 01/08/2024 to a
    # temporary placement and on 10/08/2024 to the same PLACE, provider and URN as in the old
    # period. A return from a temporary placement is judged within one period of care, so the
    # U4 of the new period is a new placement: 2 placements in the year, and the tenure runs
    # from 10/08/2024 (not from the old period's U4, nor the new period's start)
    rows = [
        ep("A", "01/01/2023", "S", "U4", "01/07/2024", "E13", urn="SC1"),
        ep("A", "01/08/2024", "S", "T0", "10/08/2024", "X1", urn=None),
        ep("A", "10/08/2024", "P", "U4", urn="SC1"),
    ]
    assert counts(rows) == {"A": 2}
    assert tenure(rows) == ["01/01/2023", "01/08/2024", "10/08/2024"]


def test_episode_ends_and_run_starts_widen_int32_child_keys() -> None:
    """The run search keys children as ``child x width + day``: 300,000 children over
    10,000 days pass 2**31, which int32 child keys multiplied in int32 would wrap around
    (to negative keys, found before every episode)."""
    child = np.array([299_999, 299_999, 300_000], dtype=np.int32)
    dec_day = np.array([10, 20, 5], dtype="int64")
    width = 10_000
    ends = placements_module._episode_ends(child, dec_day, width)
    assert ends.dtype == np.int64
    assert list(ends) == [2_999_990_010, 2_999_990_020, 3_000_000_005]
    # the first episode of child 300,000 ending after its window starts on day 3; of child
    # 299,999 after day 15: its second
    cid = np.array([300_000, 299_999], dtype=np.int32)
    starts = placements_module._run_starts(ends, cid, width, np.array([3, 15]))
    assert list(starts) == [2, 1]
