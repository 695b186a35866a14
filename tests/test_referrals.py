"""re_referral_rate (SPEC section 5): re-referrals within 12 months, hand-worked cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.breakdowns import BreakdownError
from scorecard.engine import warned
from scorecard.inputs import dataset_from_frames
from scorecard.measures.referrals import re_referrals, referral_history
from scorecard.periods import parse_at, quarter_ends

AT = parse_at("2025-03-31")  # window 01/04/2024 - 31/03/2025


def referrals(rows: list[tuple], **extra: list) -> sc.Dataset:
    """A dataset with a `referrals` table from (LAchildID, CINreferralDate) pairs."""
    frame = pd.DataFrame(rows, columns=["LAchildID", "CINreferralDate"])
    for name, values in extra.items():
        frame[name] = values
    return sc.Dataset.from_frames(referrals=frame)


def one(out: pd.DataFrame) -> tuple[float, float, float]:
    assert len(out) == 1
    row = out.iloc[0]
    return row["numerator"], row["denominator"], row["value"]


def test_exactly_twelve_months_counts_twelve_months_and_a_day_does_not() -> None:
    ds = referrals(
        [
            ("A", "15/06/2023"),  # before the window: history only
            (
                "A",
                "15/06/2024",
            ),  # 15/06/2024 - 12 months = 15/06/2023: earlier one is >= -> re-referral
            ("B", "14/06/2023"),
            ("B", "15/06/2024"),  # earlier one is 12 months + 1 day before -> not a re-referral
        ]
    )
    # denominator: the two June 2024 referrals; numerator: A's only -> 1 of 2 = 50%
    assert one(re_referrals(ds, AT, [])) == (1, 2, 50.0)


def test_same_day_duplicates_are_one_referral() -> None:
    ds = referrals(
        [
            ("C", "10/10/2024"),
            ("C", "10/10/2024"),  # same child, same day: de-duplicated, not a re-referral
            ("D", "01/11/2024"),
        ]
    )
    # two distinct referrals, neither with an earlier one -> 0 of 2
    assert one(re_referrals(ds, AT, [])) == (0, 2, 0.0)


def test_window_ends_are_inclusive_and_history_before_window_counts() -> None:
    ds = referrals(
        [
            ("D", "31/03/2024"),  # day before ws: not in the denominator, but history for D
            ("D", "01/04/2024"),  # on ws: in; earlier referral 1 day before -> re-referral
            ("E", "31/03/2025"),  # on at: in; no earlier referral
            ("F", "01/04/2025"),  # day after at: out
        ]
    )
    # denominator: D 01/04/2024 and E 31/03/2025 = 2; numerator: D = 1 -> 50%
    assert one(re_referrals(ds, AT, [])) == (1, 2, 50.0)


def test_month_end_clipping_31_may_against_february() -> None:
    # months=3: 31/05 - 3 months is the last day of February (29/02 in 2024, 28/02 in 2025)
    ds = referrals(
        [
            ("F", "28/02/2025"),
            ("F", "31/05/2025"),  # earliest allowed 28/02/2025 -> re-referral
            ("G", "27/02/2025"),
            ("G", "31/05/2025"),  # earlier one a day too early -> not
            ("H", "29/02/2024"),
            ("H", "31/05/2024"),  # earliest allowed 29/02/2024 (leap year) -> re-referral
            ("I", "28/02/2024"),
            ("I", "31/05/2024"),  # 28/02/2024 is before 29/02/2024 -> not
        ]
    )
    at = parse_at(["2024-06-30", "2025-06-30"])
    out = re_referrals(ds, at, [], months=3)
    # at 30/06/2024 (window 01/07/2023-30/06/2024): H 29/02, H 31/05, I 28/02, I 31/05 = 4
    # referrals, of which H 31/05 is a re-referral -> 1 of 4 = 25%
    # at 30/06/2025 (window 01/07/2024-30/06/2025): F x2, G x2 = 4, F 31/05 re-referral -> 25%
    assert out["numerator"].tolist() == [1, 1]
    assert out["denominator"].tolist() == [4, 4]
    assert out["value"].tolist() == [25.0, 25.0]


def test_twelve_months_before_29_february_is_28_february() -> None:
    ds = referrals(
        [
            ("J", "28/02/2023"),
            ("J", "29/02/2024"),  # 29/02/2024 - 12 months = 28/02/2023 (clipped) -> re-referral
            ("K", "27/02/2023"),
            ("K", "29/02/2024"),  # one day too early -> not
        ]
    )
    out = re_referrals(ds, parse_at("2024-03-31"), [])
    assert one(out) == (1, 2, 50.0)


def test_child_with_three_referrals() -> None:
    ds = referrals([("L", "15/04/2024"), ("L", "20/04/2024"), ("L", "01/03/2025")])
    # all three in the window; 20/04 follows 15/04 and 01/03/2025 follows 20/04/2024 within
    # 12 months -> 2 of 3
    num, den, value = one(re_referrals(ds, AT, []))
    assert (num, den) == (2, 3)
    assert value == pytest.approx(200 / 3)


def test_only_the_previous_referral_matters_and_it_is_the_latest() -> None:
    # M: 01/01/2023, 01/03/2024, 01/06/2025. At 30/06/2025 (window 01/07/2024-30/06/2025) only
    # 01/06/2025 is in; its previous referral 01/03/2024 is 15 months earlier -> not counted
    # (01/01/2023 is older still). At 31/03/2024: 01/03/2024 is in, previous 01/01/2023 is
    # 14 months earlier -> not counted either.
    ds = referrals([("M", "01/01/2023"), ("M", "01/03/2024"), ("M", "01/06/2025")])
    out = re_referrals(ds, parse_at(["2024-03-31", "2025-06-30"]), [])
    assert out["numerator"].tolist() == [0, 0]
    assert out["denominator"].tolist() == [1, 1]


def test_many_dates_at_once_equal_each_date_alone() -> None:
    rng = np.random.default_rng(7)
    n = 400
    days = rng.integers(0, 1200, n)
    dates = pd.Timestamp("2022-01-01") + pd.to_timedelta(days, unit="D")
    rows = [(f"C{c}", d.strftime("%d/%m/%Y")) for c, d in zip(rng.integers(0, 60, n), dates)]
    ds = referrals(rows, ReferralSource=list(rng.choice(["1A", "2B", None], n)))
    ats = quarter_ends("2024-25 Q4", 8)
    together = re_referrals(ds, ats, ["ReferralSource"])
    alone = pd.concat(
        [re_referrals(ds, pd.DatetimeIndex([a]), ["ReferralSource"]) for a in ats],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(together, alone)
    assert together["denominator"].sum() > 0 and together["numerator"].sum() > 0


def unvalidated(ids: list[str | None], dates: list[str | None]) -> sc.Dataset:
    """A dataset built past the loader (which rejects blanks), as other code could build one."""
    frame = pd.DataFrame(
        {
            "LAchildID": pd.Series(ids, dtype="str"),
            "CINreferralDate": pd.to_datetime(pd.Series(dates), format="%d/%m/%Y").astype(
                "datetime64[ns]"
            ),
        }
    )
    return sc.Dataset({"referrals": frame})


def test_blank_child_ids_are_referrals_but_never_re_referrals() -> None:
    ds = unvalidated([None, None, "N"], ["01/05/2024", "01/05/2024", "01/06/2024"])
    # the two blank-id rows cannot be linked or de-duplicated: 3 referrals, 0 re-referrals
    assert one(re_referrals(ds, AT, [])) == (0, 3, 0.0)
    # a blank referral date cannot be placed in a window: dropped
    ds = unvalidated(["N", "N"], [None, "01/06/2024"])
    assert one(re_referrals(ds, AT, [])) == (0, 1, 0.0)
    assert len(referral_history(ds)) == 1


def test_breakdown_by_referral_source_with_blank_as_unknown() -> None:
    ds = referrals(
        [("P", "01/05/2024"), ("P", "01/07/2024"), ("Q", "01/08/2024"), ("R", "01/09/2024")],
        ReferralSource=["1A", "2B", "2B", None],
    )
    out = re_referrals(ds, AT, ["ReferralSource"])
    # 1A: P 01/05 (first) -> 0 of 1; 2B: P 01/07 (re-referral) and Q -> 1 of 2; blank -> Unknown 0 of 1
    assert out["ReferralSource"].tolist() == ["1A", "2B", "Unknown"]
    assert out["numerator"].tolist() == [0, 1, 0]
    assert out["denominator"].tolist() == [1, 2, 1]


def test_pooled_ids_are_per_la_and_break_down_by_la() -> None:
    frame = pd.DataFrame(
        {
            "LA": ["650", "650", "886"],
            "LAchildID": ["S", "S", "S"],
            "CINreferralDate": ["01/05/2024", "01/06/2024", "01/06/2024"],
        }
    )
    ds = sc.Dataset.from_frames(referrals=frame)
    # LA 650: S twice, second a re-referral -> 1 of 2; LA 886's S is another child -> 0 of 1
    out = re_referrals(ds, AT, ["LA"])
    assert out["LA"].tolist() == ["650", "886"]
    assert out["numerator"].tolist() == [1, 0]
    assert out["denominator"].tolist() == [2, 1]
    assert one(re_referrals(ds, AT, [])) == (1, 3, pytest.approx(100 / 3))


@pytest.mark.parametrize(
    "name", ["age_band", "sex", "uasc", "district", "LA", "LAchildID", "ETHNIC"]
)
def test_impossible_breakdowns_raise(name: str) -> None:
    ds = referrals([("A", "01/05/2024")], ReferralSource=["1A"])
    with pytest.raises(BreakdownError, match=name):
        re_referrals(ds, AT, [name])


def test_compute_through_the_catalogue() -> None:
    ds = referrals([("A", "15/06/2023"), ("A", "15/06/2024"), ("B", "01/01/2025")])
    out = sc.compute("re_referral_rate", ds, at="2024-25 Q4")
    # A 15/06/2024 re-referral, B not -> 1 of 2
    cols = ["indicator", "period_end", "numerator", "denominator", "value", "note"]
    assert out.columns.tolist() == cols
    assert out["value"].tolist() == [50.0]
    assert out["period_end"].tolist() == [pd.Timestamp("2025-03-31")]


def test_date_columns_and_empty_windows() -> None:
    ds = referrals([("A", "01/05/2010")], CINclosureDate=["01/06/2010"])
    # a date is not a category to break down by
    with pytest.raises(BreakdownError, match="CINclosureDate"):
        re_referrals(ds, AT, ["CINclosureDate"])
    # no referral in the window: 0 of 0, blank value (not an error)
    out = re_referrals(ds, AT, [])
    assert one(out)[:2] == (0, 0) and np.isnan(out["value"].iloc[0])


def test_more_breakdown_cells_than_a_narrow_code_holds() -> None:
    # 20 sources x 20 needs = 400 cells, beyond the int8 codes each column is kept in: one
    # child per cell referred on 01/06/2024, re-referred when (source + need) % 3 == 0 (an
    # earlier referral on 01/01/2024, inside 12 months). The needs are no codes (M00 ...):
    # N01 ... would be read as the codes N1 ...
    rows, sources, needs = [], [], []
    for s in range(20):
        for n in range(20):
            dates = ["01/01/2024", "01/06/2024"] if (s + n) % 3 == 0 else ["01/06/2024"]
            for day in dates:
                rows.append((f"S{s}N{n}", day))
                sources.append(f"S{s:02d}")
                needs.append(f"M{n:02d}")
    ds = referrals(rows, ReferralSource=sources, PrimaryNeedCode=needs)
    by = ["ReferralSource", "PrimaryNeedCode"]
    out = sc.compute("re_referral_rate", ds, at="2024-25 Q4", by=by).set_index(by)
    assert len(out) == 400
    for s in range(20):
        for n in range(20):
            row = out.loc[(f"S{s:02d}", f"M{n:02d}")]
            assert row["denominator"] == 1
            assert row["numerator"] == (1 if (s + n) % 3 == 0 else 0)


def test_child_keys_beyond_int32_give_the_same_history(monkeypatch: pytest.MonkeyPatch) -> None:
    """The history keeps each child's key as int32 where it fits; child keys beyond int32
    (pooled data with a great many children) take the int64 path and the same figures.
    Shown by shifting every child's key (never a blank's 0) by 3 * 2**31: equal keys stay
    equal and in order (and kept as int32 they would wrap below 0, a blank's mark)."""
    from scorecard.measures import referrals as module

    rows = [
        ("S", "01/05/2024"),
        ("S", "01/06/2024"),
        ("S", "01/06/2024"),
        ("T", "01/05/2024"),
        ("T", "01/07/2024"),
        ("T", "01/03/2025"),
    ]
    las = ["650", "650", "886", "886", "650", "886"]
    # all six in the window; 650 S: the second a re-referral; 886 S alone; 886 T again on
    # 01/03/2025, after 01/05/2024 (on or after 01/03/2024): a re-referral; 650 T alone
    want = (2, 6, pytest.approx(100 / 3))

    def figures() -> tuple[float, float, float]:
        return one(re_referrals(referrals(rows, LA=las), AT, []))

    assert figures() == want
    real = module._child_sort_key

    def shifted(ds, ref, rows):
        key = real(ds, ref, rows)
        key[key > 0] += 3 * 2**31
        return key

    monkeypatch.setattr(module, "_child_sort_key", shifted)
    assert figures() == want


def test_a_referral_recorded_twice_while_open_counts_and_is_warned_beside_the_figure() -> None:
    """A's referral recorded twice, 3 days apart, both open (audit 7 r22): under SPEC's
    definition the second is a new referral and a re-referral (1 of 3), which stays; what
    changes is that the rows are warned and the warning reaches the figure's caveat."""
    ds = referrals(
        [("A", "01/05/2024"), ("A", "04/05/2024"), ("B", "01/06/2024")],
        CINclosureDate=[None, None, "01/07/2024"],
    )
    assert one(sc.compute("re_referral_rate", ds, at=AT)) == (1, 3, pytest.approx(100 / 3))
    found = warned(ds)
    got = found.loc[found["indicator"] == "re_referral_rate"]
    assert got[["table", "column", "rule", "rows"]].values.tolist() == [
        [
            "referrals",
            "CINreferralDate",
            "referral begins while the child's earlier referral is still open",
            1,
        ]
    ]


@pytest.mark.parametrize("written", ["digits", "letters"])
def test_the_checks_child_codes_are_handed_to_the_engine_with_the_same_figure(
    written: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading's checks code the LAchildIDs of a large referrals table; the engine takes
    those codes (once, so that they are not held after) instead of reading the identifiers
    again, with the figure worked out by hand. 60,000 children, two referrals each: the
    even ones on 01/05/2024 and 01/06/2024 (the second a re-referral), the odd ones on
    01/05/2022 (history, 25 months before) and 01/06/2024 (not one). In the window: 90,000
    referrals, 30,000 re-referrals: 33.3%."""
    from scorecard import care

    n = 60_000
    ids = [str(10_000_000 + i) if written == "digits" else f"C{i:07d}" for i in range(n)]
    first = ["01/05/2024" if i % 2 == 0 else "01/05/2022" for i in range(n)]
    frame = pd.DataFrame({"LAchildID": ids * 2, "CINreferralDate": first + ["01/06/2024"] * n})
    want = (30_000, 90_000, pytest.approx(100 / 3))
    checked = sc.Dataset.from_frames(referrals=frame)
    own = dataset_from_frames({"referrals": frame}, validate=False)  # no checks: none handed

    def not_read_again(values: pd.Series) -> None:
        raise AssertionError("the identifiers were read again")

    with monkeypatch.context() as patched:
        patched.setattr(care, "digits_as_numbers", not_read_again)
        assert one(re_referrals(checked, AT, [])) == want
    assert checked.handed("referral_child_codes") is None  # taken once, held no longer
    assert one(re_referrals(own, AT, [])) == want


_IN_ORDER = [
    ("A", "01/05/2024", "1A"),
    ("A", "01/07/2024", "2B"),  # within 12 months of A's first: a re-referral
    ("B", "01/06/2024", "2B"),
    ("C", "01/08/2024", "1A"),
]


@pytest.mark.parametrize(
    ("rows", "history_rows"),
    [
        (_IN_ORDER, None),  # a census child by child: the table's rows as they are
        (_IN_ORDER[:1] + _IN_ORDER, [0, 2, 3, 4]),  # A's first twice: the second left out
        # listed backwards: by child in order of first appearance (C, B, A), then by day
        (_IN_ORDER[::-1], [0, 1, 3, 2]),
        ([*_IN_ORDER, ("D", None, "1A")], [0, 1, 2, 3]),  # a blank date: in no window
    ],
    ids=["in order", "same-day repeat", "out of order", "blank date"],
)
def test_history_rows_held_only_when_not_the_tables_own(
    rows: list[tuple], history_rows: list[int] | None
) -> None:
    """The referral history holds its rows' positions only when they are not the table's
    rows in order; the figure by ReferralSource, from the units and from the fast path,
    is the same for all four: 1A 0 of 2, 2B 1 of 2."""
    from scorecard.measures import referrals as module

    ids, dates, sources = zip(*rows, strict=True)
    frame = unvalidated(list(ids), list(dates)).table("referrals")
    ds = sc.Dataset({"referrals": frame.assign(ReferralSource=pd.Series(sources, dtype="str"))})
    held = module._history(ds, 12).row
    assert (held is None) == (history_rows is None)
    expected = list(range(len(rows))) if history_rows is None else history_rows
    assert referral_history(ds)["row"].tolist() == expected
    assert held is None or held.tolist() == expected
    for out in (re_referrals(ds, AT, ["ReferralSource"]), module._fast(ds, AT, ["ReferralSource"])):
        assert out["ReferralSource"].tolist() == ["1A", "2B"]
        assert out["numerator"].tolist() == [0, 1] and out["denominator"].tolist() == [2, 2]
