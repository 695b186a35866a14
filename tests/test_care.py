"""Building blocks: periods of care, looked after at many dates, window expansion, UASC, keys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard import care
from scorecard.care import (
    child_key,
    episodes,
    events_in_windows,
    expand,
    factorize,
    identifier_numbers,
    looked_after_at,
    periods,
    uasc_at,
)
from scorecard.periods import parse_at, quarter_ends

COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"]


def eps(rows: list[tuple], extra: dict | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLS)
    for k, v in (extra or {}).items():
        frame[k] = v
    return frame


def test_periods_of_care_chain_on_x1() -> None:
    ds = sc.Dataset.from_frames(
        episodes=eps(
            [
                # child A: two X1-joined episodes = one period 01/04/2020 - 01/06/2021 (E11)
                ("A", "01/04/2020", "S", "C2", "U1", "01/01/2021", "X1"),
                ("A", "01/01/2021", "P", "C2", "A4", "01/06/2021", "E11"),
                # child B: leaves and returns: two periods
                ("B", "01/04/2020", "S", "C2", "U1", "01/05/2020", "E13"),
                ("B", "01/09/2020", "S", "C2", "U2", None, None),
                # child C: X1 but the next episode starts later: a gap breaks the chain
                ("C", "01/04/2020", "S", "C2", "U1", "01/05/2020", "X1"),
                ("C", "05/05/2020", "P", "C2", "U2", None, None),
                # child D: V3 respite only: excluded everywhere
                ("D", "01/04/2020", "S", "V3", "U1", None, None),
            ]
        )
    )
    p = periods(ds)
    e = episodes(ds)
    assert "D" not in set(e["CHILD"])
    starts = sorted(zip(e["CHILD"], e["period_start"].dt.strftime("%Y-%m-%d")))
    assert starts == [
        ("A", "2020-04-01"),
        ("A", "2020-04-01"),
        ("B", "2020-04-01"),
        ("B", "2020-09-01"),
        ("C", "2020-04-01"),
        ("C", "2020-05-05"),
    ]
    assert len(p) == 5
    a = p.loc[p["cid"] == child_key(ds, pd.DataFrame({"CHILD": ["A"]}))[0]].iloc[0]
    assert a["end"] == pd.Timestamp("2021-06-01") and a["last_rec"] == "E11"
    # open periods have no end
    assert p["end"].isna().sum() == 2


def test_looked_after_at_many_dates() -> None:
    ds = sc.Dataset.from_frames(
        episodes=eps(
            [
                (
                    "A",
                    "01/04/2024",
                    "S",
                    "C2",
                    "U1",
                    "31/03/2025",
                    "E11",
                ),  # DEC = at: not looked after at at
                ("B", "31/03/2025", "S", "C2", "U1", None, None),  # DECOM = at: looked after
                ("C", "01/01/2024", "S", "V4", "U1", None, None),  # short breaks: never
                ("E", "01/04/2023", "S", "C2", "U1", "01/04/2025", "E13"),
            ]
        )
    )
    out = looked_after_at(ds, parse_at(["2024-12-31", "2025-03-31"]))
    kids = episodes(ds)[["cid", "CHILD"]].drop_duplicates().set_index("cid")["CHILD"]
    got = {(d.strftime("%Y-%m-%d"), kids[c]) for d, c in zip(out["period_end"], out["cid"])}
    assert got == {
        ("2024-12-31", "A"),
        ("2024-12-31", "E"),
        ("2025-03-31", "B"),
        ("2025-03-31", "E"),
    }


def test_overlapping_episodes_count_once() -> None:
    ds = sc.Dataset.from_frames(
        episodes=eps(
            [
                ("A", "01/04/2024", "S", "C2", "U1", None, None),
                ("A", "01/06/2024", "P", "C2", "U2", None, None),  # overlaps the first
            ]
        )
    )
    out = looked_after_at(ds, parse_at("2025-03-31"))
    assert len(out) == 1
    assert episodes(ds).loc[out["ep"].iloc[0], "PLACE"] == "U2"  # the later-starting one


def test_expand_matches_brute_force() -> None:
    rng = np.random.default_rng(1)
    base = np.datetime64("2020-01-01")
    start = base + rng.integers(0, 2000, 300).astype("timedelta64[D]")
    end = start + rng.integers(0, 900, 300).astype("timedelta64[D]")
    end = np.where(rng.random(300) < 0.2, np.datetime64("NaT"), end).astype("datetime64[D]")
    ats = parse_at(pd.date_range("2020-03-31", periods=20, freq="QE-MAR"))
    from scorecard.periods import window_start

    ws = window_start(ats)
    rows, ks = expand(start, end, ats, ws)
    got = list(zip(rows.tolist(), ks.tolist()))
    assert got == sorted(got) and rows.dtype == ks.dtype == np.int64  # in row order, then k
    s = pd.to_datetime(start)
    e = pd.to_datetime(end)
    want = {
        (i, k)
        for i in range(300)
        for k in range(len(ats))
        if s[i] <= ats[k] and (pd.isna(e[i]) or e[i] > ws[k])
    }
    assert set(got) == want and len(got) == len(want)
    narrow = expand(start, end, ats, ws, dtype=np.int32)  # for a caller that only indexes
    assert narrow[0].dtype == narrow[1].dtype == np.int32
    assert list(zip(narrow[0].tolist(), narrow[1].tolist())) == got


def test_events_in_windows_inclusive_ends() -> None:
    ats = parse_at(["2024-03-31", "2025-03-31"])
    when = pd.to_datetime(
        ["2024-04-01", "2025-03-31", "2024-03-31", "2023-04-01", None, "2023-03-31"]
    )
    rows, ks = events_in_windows(when, ats)
    got = sorted(zip(rows.tolist(), ks.tolist()))
    # 2024-04-01 and 2025-03-31 fall in the 2025 window; 2024-03-31 and 2023-04-01 in 2024's;
    # blank and 2023-03-31 in none
    assert got == [(0, 1), (1, 1), (2, 0), (3, 0)]


def test_uasc_at() -> None:
    ds = sc.Dataset.from_frames(
        episodes=eps([(c, "01/01/2024", "S", "C2", "U1", None, None) for c in "ABC"]),
        uasc=pd.DataFrame({"CHILD": ["A", "B"], "DUC": ["31/03/2025", None]}),
    )
    cid = child_key(ds, pd.DataFrame({"CHILD": ["A", "A", "B", "C"]}))
    on = pd.to_datetime(["2025-03-30", "2025-03-31", "2030-01-01", "2025-03-31"])
    # A is UASC until DUC (DUC > on), not on DUC itself; B open-ended; C never
    assert uasc_at(ds, cid, on).tolist() == [True, False, True, False]


def test_pooled_keys_distinguish_las() -> None:
    ds = sc.Dataset.from_frames(
        episodes=eps(
            [("1", "01/01/2024", "S", "C2", "U1", None, None)] * 2,
            extra={"LA": ["886", "855"]},
        )
    )
    assert ds.pooled
    assert episodes(ds)["cid"].nunique() == 2
    assert len(looked_after_at(ds, parse_at("2025-03-31"))) == 2


def test_only_short_breaks_leave_no_episodes() -> None:
    ds = sc.Dataset.from_frames(episodes=eps([("A", "01/04/2024", "S", "V3", "U1", None, None)]))
    e = episodes(ds)
    assert e.empty and {"period_id", "seq", "period_start", "period_end"} <= set(e.columns)
    assert e["period_start"].dtype == "datetime64[ns]"
    assert periods(ds).empty
    assert looked_after_at(ds, parse_at("2025-03-31")).empty
    count = sc.compute("cla_count", ds, at="2025-03-31")
    assert count["value"].tolist() == [0.0]


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """True when two code arrays group the rows alike (equal where equal, blank alike)."""
    pairs = pd.DataFrame({"a": a, "b": b}).drop_duplicates()
    return pairs["a"].is_unique and pairs["b"].is_unique and ((a < 0) == (b < 0)).all()


def test_factorize_equals_pandas_for_arrow_text() -> None:
    s = pd.Series(["b", None, "a", "b", None, "c"] * 3, dtype="str")
    codes, uniques = factorize(s)
    want, want_uniques = pd.factorize(s, use_na_sentinel=True)
    assert codes.tolist() == want.tolist()
    assert uniques.tolist() == list(want_uniques)


def test_identifier_numbers_keep_identifiers_apart() -> None:
    """Many digit identifiers are read as numbers, but '7' and '007', '0' and '-0', a
    blank and any number stay apart; text ids are factorized. Big enough (> 100,000 rows)
    for the numeric route."""
    n = 120_000
    base = [str(i) for i in range(1, n + 1)]
    plain = pd.Series(base, dtype="str")
    codes, width = identifier_numbers(plain)
    assert codes.min() == 0 and width == n and len(np.unique(codes)) == n
    for odd in ("007", "-0", "x1", None):
        values = [*base[:-2], odd, "7" if odd != "-0" else "0"]
        s = pd.Series(values, dtype="str")
        codes, width = identifier_numbers(s)
        assert codes.max() < width
        assert _same_partition(codes, pd.factorize(s, use_na_sentinel=True)[0]), odd


def test_identifier_numbers_from_codes_handed_on() -> None:
    """Codes loading's checks made (`coded`) give what reading the identifiers gives: digits
    as their numbers from 0, and a column with no identifier at all every row blank (-1),
    width 0 (no range to shift by; unguarded, the blank rows' -1 wrapped to garbage)."""
    n = 120_000
    digits = pd.Series([str(i) for i in range(5, n + 5)], dtype="str")
    coded = np.arange(5, n + 5, dtype="int64")
    codes, width = identifier_numbers(digits, coded)
    assert width == n and codes.tolist() == list(range(n))
    blank = pd.Series([None] * n, dtype="str")
    codes, width = identifier_numbers(blank, np.full(n, -1, dtype="int64"))
    assert width == 0 and (codes == -1).all()
    assert identifier_numbers(blank)[1] == 0  # as read from the column itself


@pytest.mark.parametrize("with_blank", [False, True])
def test_identifier_numbers_spread_wide_give_the_codes_of_the_text(with_blank: bool) -> None:
    """Digit identifiers far apart (the sample's run from 1,000,188 to 5,116,229 over
    155,135 referrals) are factorized as numbers: the same codes, in order of first
    appearance, -1 blank, as factorizing the text gives."""
    n = 120_000
    rng = np.random.default_rng(3)
    numbers = rng.choice(np.arange(10**6, 10**9, 997), size=n)  # repeats and wide gaps
    text = [str(v) for v in numbers]
    coded = numbers.astype("int64")
    if with_blank:
        text[5] = text[77] = None  # type: ignore[call-overload]
        coded[[5, 77]] = -1
    s = pd.Series(text, dtype="str")
    codes, width = identifier_numbers(s, coded.copy())
    want, uniques = pd.factorize(s, use_na_sentinel=True)
    assert width == len(uniques) and codes.tolist() == want.tolist()
    codes, width = identifier_numbers(s)  # read from the text itself: the same
    assert width == len(uniques) and codes.tolist() == want.tolist()


def test_episode_order_is_by_child_then_dates_blank_last() -> None:
    """The packed sort key orders episodes as sorting by (child, DECOM, DEC) does, stably,
    blank dates last: checked against a lexsort on random episodes with blanks, dates
    before 1970, ties, a column with no date at all and a time of day (the lexsort way)."""
    rng = np.random.default_rng(11)
    for trial in range(400):
        n = int(rng.integers(0, 30))
        cid = rng.integers(0, 6, n).astype(np.int32)
        decom = np.datetime64("1965-01-01", "ns") + rng.integers(-400, 30_000, n).astype(
            "timedelta64[D]"
        )
        dec = decom + rng.integers(0, 900, n).astype("timedelta64[D]")
        decom = np.where(rng.random(n) < 0.15, np.datetime64("NaT"), decom)
        dec = np.where(rng.random(n) < 0.3, np.datetime64("NaT"), dec)
        decom, dec = decom.astype("datetime64[ns]"), dec.astype("datetime64[ns]")
        if trial % 10 == 0 and n:
            dec[0] = np.datetime64("2020-01-01T10:00", "ns")
        if trial % 7 == 0:
            decom[:] = np.datetime64("NaT")
        want = np.lexsort((care._sortable(dec), care._sortable(decom), cid))
        assert care._episode_order(cid, decom, dec).tolist() == want.tolist(), trial


def test_looked_after_at_fewer_dates_from_the_set_built() -> None:
    """Dates already built for a larger set give the same rows as built on their own."""
    at = parse_at(quarter_ends("2024-25 Q4", 8))
    warm = sc.load_dataset()
    looked_after_at(warm, at)
    for some in (at[3:], at[::3], at[5:6]):
        got = looked_after_at(warm, some)
        want = looked_after_at(sc.load_dataset(), some)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got["k"].max() == len(some) - 1


def test_episode_codes_cleaned_and_narrow() -> None:
    """Codes in `episode_index` order: 'u1 ' and 'U1' share a code, a blank REC (open) is
    -1, V3 respite has no row, and the codes, kept for the dataset's life, are one byte
    each."""
    from scorecard.care import code_in, episode_codes, episode_index

    ds = sc.Dataset.from_frames(
        episodes=eps(
            [
                ("A", "01/04/2020", "S", "C2", "u1 ", "01/01/2021", "E11"),
                ("B", "01/04/2020", "S", "C2", "U3", None, None),
                ("C", "01/04/2020", "S", "V3", "U2", None, None),
                ("D", "01/05/2020", "S", "C2", "U1", None, None),
            ]
        )
    )
    codes, labels = episode_codes(ds, "PLACE")
    assert codes.dtype == np.int8
    children = ds.held("episodes")["CHILD"].to_numpy()[episode_index(ds)["row"].to_numpy()]
    assert list(children) == ["A", "B", "D"]
    assert [labels[c] for c in codes] == ["U1", "U3", "U1"]
    assert list(code_in(ds, "PLACE", ["U1"])) == [True, False, True]
    rec, rec_labels = episode_codes(ds, "REC")
    assert rec.dtype == np.int8 and list(rec) == [0, -1, -1] and list(rec_labels) == ["E11"]


def test_building_blocks_kept_for_the_dataset_hold_positions_in_four_bytes() -> None:
    """`episode_index`, `looked_after_at` (built, and taken from a larger set of dates) and
    the ceasings hold their positions, child keys, periods and date positions as int32, with
    the same values as before: A's two episodes are one period, B's second a new one."""
    from scorecard.care import POSITION, episode_index
    from scorecard.measures.time_in_care import ceasings, leavers

    ds = sc.Dataset.from_frames(
        episodes=eps(
            [
                ("A", "01/04/2020", "S", "C2", "U1", "01/06/2020", "X1"),
                ("A", "01/06/2020", "P", "C2", "U3", None, None),
                ("B", "01/04/2020", "S", "C2", "U1", "01/07/2020", "E11"),
                ("B", "01/09/2020", "S", "C2", "U1", None, None),
            ]
        )
    )
    e = episode_index(ds)
    assert np.int32 == POSITION
    for col in ("row", "cid", "period_id", "seq"):
        assert e[col].dtype == POSITION, col
    assert list(e["period_id"]) == [0, 0, 1, 2] and list(e["seq"]) == [0, 1, 0, 1]
    ats = quarter_ends("2020-21 Q4", 4)  # 30/06/2020 ... 31/03/2021
    la = looked_after_at(ds, ats)
    some = looked_after_at(ds, ats[[1, 3]])  # taken from the rows built for four dates
    for frame in (la, some):
        for col in ("k", "cid", "ep", "period_id"):
            assert frame[col].dtype == POSITION, col
    # at 30/06/2020 A's second episode and B's first; then A's second and B's second
    assert list(la["k"]) == [0, 0, 1, 1, 2, 2, 3, 3] and list(la["ep"]) == [1, 2] + [1, 3] * 3
    assert list(some["k"]) == [0, 0, 1, 1] and list(some["period_id"]) == [0, 2, 0, 2]
    assert ceasings(ds)["ep"].dtype == POSITION and leavers(ds, ats)["k"].dtype == POSITION
    # B's E11 on 01/07/2020, in the windows ending 30/09/2020, 31/12/2020 and 31/03/2021
    assert list(leavers(ds, ats)["ep"]) == [2, 2, 2] and list(leavers(ds, ats)["k"]) == [1, 2, 3]
