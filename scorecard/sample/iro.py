"""The IRO service: IROs in post (with turnover) and their allocations (CLA and CP cases)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..inputs.keys import reach_before
from .arrays import child_ids, choice, object_frame, prepend, rank_in_group


def _holders(rng: np.random.Generator, slot_la: np.ndarray, begin: int, last: int) -> pd.DataFrame:
    """IROs in post: each of an authority's posts (slots) held by a run of IROs in turn."""
    n_slot = len(slot_la)
    k = 25  # enough holders per post to cover the years (each tenure is at least 2 years)
    tenure = np.maximum(rng.lognormal(np.log(4.5 * 365), 0.5, (n_slot, k)), 730).astype(np.int64)
    offset = rng.integers(0, 365, n_slot)[:, None]
    starts = begin - offset + np.c_[np.zeros(n_slot, np.int64), np.cumsum(tenure, axis=1)[:, :-1]]
    ends = starts + tenure
    h = pd.DataFrame(
        {
            "slot": np.repeat(np.arange(n_slot), k),
            "la": np.repeat(slot_la, k),
            "START": starts.ravel(),
            "END": ends.ravel(),
            "FTE": choice(rng, ["1.0", "0.8", "0.6", "0.5"], [70, 15, 10, 5], n_slot * k).astype(
                float
            ),
        }
    )
    return h[h["START"] <= last].reset_index(drop=True)


def _allocate(
    rng: np.random.Generator,
    holders: pd.DataFrame,
    slots_of_la: np.ndarray,
    slot_first: np.ndarray,
    la: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split cases [start, end) (end -1 = open) across the IROs holding a random post.

    Returns (case row, holder row, piece start, piece end) for every piece."""
    n = len(la)
    slot = slot_first[la] + (rng.random(n) * slots_of_la[la]).astype(np.int64)
    big = np.int64(1 << 32)
    hkey = holders["slot"].to_numpy() * big + holders["START"].to_numpy()
    end_eff = np.where(end < 0, np.int64(1 << 31), end)
    lo = np.searchsorted(hkey, slot * big + start, side="right")  # first holder after START
    hi = np.searchsorted(hkey, slot * big + end_eff, side="left")
    pieces = np.maximum(hi - lo + 1, 1)
    row = np.repeat(np.arange(n), pieces)
    j = rank_in_group(row)
    h = lo[row] - 1 + j
    hs = holders["START"].to_numpy()[h]
    he = holders["END"].to_numpy()[h]
    ps = np.maximum(start[row], hs)
    pe = np.where(j == pieces[row] - 1, end[row], np.minimum(end_eff[row], he))
    return row, h, ps, pe


def _one_row_per_case(alloc: pd.DataFrame) -> pd.DataFrame:
    """Allocations of one child to one IRO with one case type whose spans overlap (a second
    child protection plan drawn while the first still runs) joined into one row, from the
    first START to the last END (-1: still open): an IRO service records a case once, and
    the loader warns of overlapping rows. The caseload counts such rows once either way."""
    keys = ["la", "IRO_ID", "CHILD", "CASE_TYPE"]
    a = alloc.sort_values([*keys, "START"], kind="stable")
    start = a["START"].to_numpy(dtype=np.int64)
    end = a["END"].to_numpy(dtype=np.int64)
    still = int(max(end.max(initial=0), start.max(initial=0))) + 1  # open: after every date
    end = np.where(end < 0, still, end)
    case = a.groupby(keys, sort=False).ngroup().to_numpy()
    before = reach_before(case, end)
    first = np.flatnonzero(np.isnan(before) | (before <= start))
    last_end = np.maximum.reduceat(end, first) if len(first) else end
    out = a.iloc[first].copy()
    out["END"] = np.where(last_end == still, -1, last_end)
    return out.reset_index(drop=True)


def draw_iro(
    rng: np.random.Generator,
    las: pd.DataFrame,
    scale: float,
    p: pd.DataFrame,
    r: pd.DataFrame,
    first: int,
    last: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """IRO allocations (every period of care; child protection plans) and IRO staff."""
    target = las["pop"].to_numpy() * las["cla_rate"].to_numpy() / 1e4 * scale
    slots = np.maximum(1, np.round(target / las["caseload"].to_numpy() / 0.905)).astype(np.int64)
    slot_la = np.repeat(np.arange(len(las)), slots)
    slot_first = prepend(0, np.cumsum(slots)[:-1])
    holders = _holders(rng, slot_la, int(p["start"].min()) - 400, last)
    # looked-after cases: allocated within days of entry, ended with the period of care
    s = p["start"].to_numpy()
    e = p["end"].to_numpy()
    open_ = p["open"].to_numpy()
    cs = np.where(
        open_, s + rng.integers(0, 6, len(p)), np.minimum(s + rng.integers(0, 6, len(p)), e - 1)
    )
    ce = np.where(open_, -1, e)
    # child protection plans: some referrals lead to a plan weeks later, ~8 months long
    cp = (r["ReferralNFA"].array.codes == 0) & (rng.random(len(r)) < 0.09)
    ps = r["day"].to_numpy()[cp] + rng.integers(20, 60, int(cp.sum()))
    pe = ps + 1 + rng.lognormal(np.log(220), 0.6, int(cp.sum())).astype(np.int64)
    ok = ps <= last
    ps, pe = ps[ok], pe[ok]
    pe = np.where(pe > last, -1, pe)
    la = np.r_[p["la"].to_numpy(), r["la"].to_numpy()[cp][ok]]
    child = np.r_[p["cid"].to_numpy(), r["child"].to_numpy()[cp][ok]]
    kind = np.r_[np.full(len(p), "CLA"), np.full(len(ps), "CP")]
    row, h, a_s, a_e = _allocate(rng, holders, slots, slot_first, la, np.r_[cs, ps], np.r_[ce, pe])
    h_rank = holders.groupby("la").cumcount().to_numpy()
    iro_id = np.char.add("IRO", np.char.zfill((h_rank + 1).astype(str), 4)).astype(object)
    alloc = object_frame(
        {
            "la": la[row],
            "IRO_ID": iro_id[h],
            "CHILD": child_ids(child[row]),
            "START": a_s,
            "END": a_e,
            "CASE_TYPE": kind[row],
        }
    )
    alloc = _one_row_per_case(alloc)
    alloc = alloc.sort_values(["la", "START", "CHILD"], kind="stable").reset_index(drop=True)
    staff = object_frame(
        {
            "la": holders["la"].to_numpy(),
            "IRO_ID": iro_id,
            "FTE": holders["FTE"].to_numpy(),
            "START": holders["START"].to_numpy(),
            "END": np.where(holders["END"].to_numpy() > last, -1, holders["END"].to_numpy()),
        }
    )
    return alloc, staff
