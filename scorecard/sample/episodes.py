"""SSDA903 episodes of the periods of care, and the short-break (V3/V4) children's episodes.

Each period is cut into episodes at its events: placement moves, legal-status changes,
same-carer changes of placement type, temporary placements (most followed by a return to the
placement before), placements for adoption. Placement attributes (PLACE, PLACE_PROVIDER, URN,
distance, postcode) are drawn once per placement and carried by its later episodes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .arrays import choice, day_number, no_leap_day, object_frame, object_series, postcodes
from .authorities import OUTWARD, OUTWARD_W
from .periods_of_care import AGE_BANDS_Y

# the SSDA903 episode columns in the return's order, then those the DfE derives from postcodes
EPISODE_COLUMNS = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)
DERIVED_COLUMNS = ("PL_DISTANCE", "PL_LOCATION", "PL_LA")

_START, _MOVE, _LEGAL, _SAME_CARER, _TEMP, _ADOPT, _RETURN = range(7)

_PLACE_BY_GROUP: list[tuple[list[str], list[float]]] = [
    (["U6", "U3", "U5", "U4", "P1", "R3", "U2", "U1"], [50, 12, 8, 5, 10, 6, 2, 3]),
    (["U6", "U4", "U3", "U1", "P1", "K2", "U5"], [48, 12, 15, 6, 14, 2, 3]),
    (["U6", "U4", "U3", "U1", "P1", "K2", "S1"], [45, 15, 14, 7, 12, 5, 2]),
    (
        ["U6", "U4", "U3", "U1", "K2", "P1", "K1", "S1", "R1", "R2", "Z1"],
        [41, 18, 8, 5, 13, 6, 1, 2, 1, 2, 2],
    ),
    (
        ["U6", "U4", "U3", "K2", "H5", "P1", "P2", "K1", "R5", "Z1"],
        [33, 13, 5, 13, 21, 6, 2, 1, 2, 2],
    ),
    (["U6", "U4", "H5", "K2"], [48, 7, 40, 5]),  # unaccompanied asylum-seeking children
]
_PROVIDER: dict[str, tuple[list[str], list[float]]] = {
    **{c: (["PR1", "PR4"], [95, 5]) for c in ("U1", "U2", "U3")},
    **{c: (["PR1", "PR4", "PR5"], [55, 40, 5]) for c in ("U4", "U5", "U6")},
    "K2": (["PR4", "PR1", "PR5"], [78, 17, 5]),
    "K1": (["PR2", "PR1"], [80, 20]),
    **{c: (["PR4", "PR5", "PR1"], [70, 20, 10]) for c in ("H5", "K3")},
    "P2": (["PR1", "PR4"], [50, 50]),
    "P1": (["PR0"], [1]),
    "R1": (["PR4"], [1]),
    "R2": (["PR3"], [1]),
    "R3": (["PR3", "PR4"], [60, 40]),
    "R5": (["PR3"], [1]),
    "S1": (["PR5", "PR4", "PR2"], [40, 40, 20]),
    "Z1": (["PR4", "PR5"], [60, 40]),
    **{c: (["PR1", "PR2", "PR5"], [50, 30, 20]) for c in ("A4", "A6")},
}
_OUT_OF_AREA = {"PR0": 0.03, "PR1": 0.06, "PR2": 0.55, "PR3": 0.2, "PR4": 0.33, "PR5": 0.3}
_MEDIAN_MILES = {"PR0": 2.0, "PR1": 4.0, "PR2": 9.0, "PR3": 7.0, "PR4": 8.0, "PR5": 8.0}
_REGISTERED = ("K1", "K2", "K3", "R1", "S1")
# SSDA903 writes URN as XXXXXXX for a placement with no Ofsted unique reference number
NO_URN = "XXXXXXX"
_SAME_CARER_PLACE = {"U6": "U4", "U3": "U1", "U5": "U4", "U2": "U1"}
_REASONS = (
    ["CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "CLOSE", "STAND", "ALLEG", "APPRR", "OTHER"],
    [45, 12, 10, 6, 5, 4, 2, 2, 1, 13],
)
_CIN = (["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"], [62, 7, 4, 12, 3, 3, 1, 3, 5])


def _events(
    rng: np.random.Generator, p: pd.DataFrame, las: pd.DataFrame, last: int
) -> pd.DataFrame:
    """Episode boundaries of every period: starts, moves, legal changes, same-carer changes,
    temporary placements (with their ends) and placements for adoption, sorted."""
    n = len(p)
    pid = np.arange(n)
    s = p["start"].to_numpy()
    e = p["end"].to_numpy()
    dur = (e - s).astype(float)
    dur_y = dur / 365.25
    adopt = p["adopt"].to_numpy()
    uasc = p["uasc"].to_numpy()
    rate = las["move_rate"].to_numpy()[p["la"].to_numpy()]
    frailty = rng.gamma(0.6, 1 / 0.6, n)
    # placement moves: frequent early in a period, rarer later (u ** 2 crowds them to the start)
    k = rng.poisson(frailty * rate * (0.58 + 0.38 * dur_y**0.8))
    mp = np.repeat(pid, k)
    mt = s[mp] + (dur[mp] * rng.random(len(mp)) ** 2.6).astype(np.int64)
    # placement for adoption some months before the adoption order; no moves after it
    ta = np.maximum(s + 30, e - rng.integers(120, 330, n))
    mt_ok = ~adopt[mp] | (mt < ta[mp])
    mp, mt = mp[mt_ok], mt[mt_ok]
    ap = pid[adopt]
    # legal status: interim care order -> full care order; police/EPO -> C1/V2; some s20 -> C1
    ls0 = np.where(
        uasc,
        "V2",
        choice(rng, ["C1", "V2", "L2", "L1", "J1", "E1"], [44, 45, 5, 3, 1.5, 1.5], n),
    )
    lg_t = np.where(np.isin(ls0, ["L1", "L2"]), s + rng.integers(1, 9, n), -1)
    lg_to = np.where(rng.random(n) < 0.6, "C1", "V2").astype(object)
    c1 = (ls0 == "C1") & (dur > 150)
    lg_t = np.where(c1, s + rng.integers(60, 330, n), lg_t)
    lg_to = np.where(c1, "C2", lg_to)
    v2 = (ls0 == "V2") & ~uasc & (dur > 365) & (rng.random(n) < 0.15)
    lg_t = np.where(v2, s + rng.integers(90, 540, n), lg_t)
    lg_to = np.where(v2, "C1", lg_to)
    lp = pid[lg_t >= 0]
    # placement order before placement for adoption
    po_t = ta - rng.integers(30, 200, n)
    po = adopt & (ls0 != "E1") & (po_t > s)
    # same carer, new placement type (e.g. becomes long-term fostering)
    sc = (dur > 540) & ~adopt & (rng.random(n) < 0.30)
    sc_t = s + (dur * rng.uniform(0.25, 0.8, n)).astype(np.int64)
    # temporary placements, most followed by a return to the same placement
    kt = np.minimum(rng.poisson(0.12 * dur_y), 3)
    tp = np.repeat(pid, kt)
    tt = s[tp] + 1 + (dur[tp] * rng.random(len(tp))).astype(np.int64)
    ev = object_frame(
        {
            "pid": np.r_[pid, mp, lp, pid[po], pid[sc], tp, ap],
            "t": np.r_[s, mt, lg_t[lp], po_t[po], sc_t[sc], tt, ta[ap]],
            "kind": np.r_[
                np.full(n, _START),
                np.full(len(mp), _MOVE),
                np.full(len(lp), _LEGAL),
                np.full(po.sum(), _LEGAL),
                np.full(sc.sum(), _SAME_CARER),
                np.full(len(tp), _TEMP),
                np.full(len(ap), _ADOPT),
            ],
            "new_ls": np.r_[
                ls0,
                np.full(len(mp), None),
                lg_to[lp],
                np.full(po.sum(), "E1"),
                np.full(sc.sum(), None),
                np.full(len(tp), None),
                np.full(len(ap), None),
            ],
        }
    )
    ev = ev[(ev["kind"] == _START) | ((ev["t"] > s[ev["pid"]]) & (ev["t"] < e[ev["pid"]]))]
    ev = ev[ev["t"] <= last]
    ev = ev.sort_values(["pid", "t", "kind"], kind="stable")
    ev = ev[~ev.duplicated(["pid", "t"])].reset_index(drop=True)
    # a temporary placement lasts 1-14 days and must end before the next event
    pid_a, t_a = ev["pid"].to_numpy(), ev["t"].to_numpy()
    nxt = np.r_[np.where(pid_a[1:] == pid_a[:-1], t_a[1:], e[pid_a[:-1]]), e[pid_a[-1]]]
    length = rng.integers(1, 15, len(ev))
    temp = ev["kind"].to_numpy() == _TEMP
    ok = ~temp | (t_a + length < nxt)
    ev["length"] = length
    ev = ev[ok].reset_index(drop=True)
    temp = ev["kind"].to_numpy() == _TEMP
    back = ev.loc[temp, ["pid", "t", "length"]].copy()
    back["t"] = back["t"] + back["length"]
    back = back[back["t"] <= last]
    back["kind"] = np.where(rng.random(len(back)) < 0.8, _RETURN, _MOVE)
    back["new_ls"] = None
    ev = pd.concat([ev.drop(columns="length"), back.drop(columns="length")], ignore_index=True)
    ev = ev.sort_values(["pid", "t", "kind"], kind="stable").reset_index(drop=True)
    return ev


def _place_attributes(
    rng: np.random.Generator,
    group: np.ndarray,
    day: np.ndarray,
    dist_share: np.ndarray,
    adopt_place: np.ndarray,
) -> dict[str, np.ndarray]:
    """PLACE, PLACE_PROVIDER, URN, PL_DISTANCE and PL_POST for new placements."""
    n = len(group)
    place = np.empty(n, dtype=object)
    for g, (codes, w) in enumerate(_PLACE_BY_GROUP):  # six age/UASC groups, not children
        sel = group == g
        place[sel] = choice(rng, codes, w, int(sel.sum()))
    place[adopt_place] = np.where(rng.random(int(adopt_place.sum())) < 0.8, "A6", "A4")
    new_codes = day >= day_number("2024-04-01")  # 2024-25: H5 and P2 dropped, K3 added
    place = np.where(new_codes & np.isin(place, ["H5", "P2"]), "K3", place)
    provider = np.empty(n, dtype=object)
    for code, (prs, w) in _PROVIDER.items():  # a loop over ~25 codes
        sel = place == code
        provider[sel] = choice(rng, prs, w, int(sel.sum()))
    registered = np.isin(place, _REGISTERED)
    urn = np.where(
        registered,
        np.char.add("SC", rng.integers(100000, 1000000, n).astype(str)),
        NO_URN,
    ).astype(object)
    p_out = np.vectorize(_OUT_OF_AREA.get, otypes=[float])(provider) * dist_share / 0.16
    out = rng.random(n) < np.clip(p_out, 0, 0.95)
    med = np.vectorize(_MEDIAN_MILES.get, otypes=[float])(provider)
    miles = np.where(
        out,
        20.1 + rng.lognormal(np.log(14), 0.8, n),
        np.minimum(rng.lognormal(np.log(med), 0.7, n), 19.9),
    )
    outward = np.where(
        out,
        np.char.add("QX", rng.integers(1, 60, n).astype(str)),
        OUTWARD[rng.choice(len(OUTWARD), n, p=OUTWARD_W / OUTWARD_W.sum())],
    )
    return {
        "PLACE": place,
        "PLACE_PROVIDER": provider,
        "URN": urn,
        "PL_DISTANCE": np.round(miles, 1),
        "PL_POST": postcodes(rng, outward).astype(object),
    }


def draw_episodes(
    rng: np.random.Generator, p: pd.DataFrame, las: pd.DataFrame, last: int
) -> pd.DataFrame:
    """SSDA903 episodes (one row per episode) for the periods `p`, day numbers for dates;
    `placement` numbers the placement each episode belongs to."""
    ev = _events(rng, p, las, last)
    pid = ev["pid"].to_numpy()
    kind = ev["kind"].to_numpy()
    t = ev["t"].to_numpy()
    n = len(ev)
    dob = p["dob"].to_numpy()[pid]
    uasc = p["uasc"].to_numpy()[pid]
    age = (t - dob) / 365.25
    group = np.where(uasc, 5, np.clip(np.searchsorted(AGE_BANDS_Y, age, side="right") - 1, 0, 4))
    adopt_current = (kind == _ADOPT) & (rng.random(n) < 0.3)  # A3/A5 with current carer
    new_place = np.isin(kind, [_START, _MOVE]) | ((kind == _ADOPT) & ~adopt_current)
    pidx = np.cumsum(new_place) - 1
    starts = np.flatnonzero(new_place)
    attrs = _place_attributes(
        rng,
        group[starts],
        t[starts],
        las["dist_share"].to_numpy()[p["la"].to_numpy()[pid[starts]]],
        kind[starts] == _ADOPT,
    )
    out = {k: v[pidx] for k, v in attrs.items()}
    # legal status carried forward within the period; some moves change it too (RNE B)
    rne = np.full(n, "P", dtype=object)
    rne[kind == _START] = "S"
    rne[kind == _LEGAL] = "L"
    new_ls = ev["new_ls"].to_numpy(dtype=object).copy()
    b = (kind == _MOVE) & (rng.random(n) < 0.08)
    rne[b] = "B"
    new_ls[b] = "C2"
    adopt_b = (kind == _ADOPT) & ~adopt_current & (rng.random(n) < 0.3)
    rne[adopt_b] = "B"
    new_ls[adopt_b] = "E1"
    out["LS"] = pd.Series(new_ls).ffill().to_numpy(dtype=object)
    # same carer: placement type changes (U6 -> U4 ...), or placed for adoption with them
    cur = out["PLACE"]
    flip = (kind == _SAME_CARER) & np.isin(cur, list(_SAME_CARER_PLACE))
    override = np.full(n, None, dtype=object)
    override[new_place] = "__base__"
    override[flip] = np.vectorize(_SAME_CARER_PLACE.get, otypes=[object])(cur[flip])
    override[adopt_current] = np.where(out["LS"][adopt_current] == "E1", "A5", "A3")
    override = pd.Series(override).ffill().to_numpy(dtype=object)
    has = override != "__base__"
    out["PLACE"] = np.where(has, override, cur)
    rne[flip | adopt_current] = "T"
    u = flip & (rng.random(n) < 0.15)
    rne[u] = "U"
    out["LS"] = np.where(u & (out["LS"] == "C1"), "C2", out["LS"])
    # temporary placements: their own PLACE; the return restores the placement (same PLACE,
    # provider and URN), as the DfE counting rule expects
    temp = kind == _TEMP
    nt = int(temp.sum())
    tplace = choice(rng, ["T0", "T1", "T2", "T3", "T4"], [25, 10, 15, 30, 20], nt)
    out["PLACE"][temp] = tplace
    out["PLACE_PROVIDER"][temp] = np.where(tplace == "T1", "PR3", "PR1")
    out["URN"][temp] = NO_URN
    out["PL_DISTANCE"][temp] = np.round(rng.lognormal(np.log(5), 0.6, nt), 1)
    out["PL_POST"][temp] = postcodes(rng, OUTWARD[rng.integers(0, len(OUTWARD), nt)])
    # a same-carer event on a placement with no type to change is not an episode; nor is a
    # new episode within an H5/P2 placement from 2024-25 on (those codes were withdrawn)
    drop = (kind == _SAME_CARER) & ~flip
    drop |= ~new_place & np.isin(cur, ["H5", "P2"]) & (t >= day_number("2024-04-01"))
    # which placement each episode belongs to (a temporary placement is one of its own)
    placement = np.where(temp, -1 - np.arange(n), pidx)
    # episode ends: the next DECOM in the period, or the period's end
    frame = object_frame({"pid": pid, "placement": placement, "DECOM": t, "RNE": rne, **out})
    frame = frame[~drop].reset_index(drop=True)
    pid_k = frame["pid"].to_numpy()
    last_k = np.r_[pid_k[1:] != pid_k[:-1], True]
    dec = np.r_[frame["DECOM"].to_numpy()[1:], 0]
    end_k = p["end"].to_numpy()[pid_k]
    open_k = p["open"].to_numpy()[pid_k]
    frame["DEC"] = np.where(last_k, np.where(open_k, -1, end_k), dec)
    rec = np.where(last_k, np.where(open_k, None, p["rec"].to_numpy()[pid_k]), "X1")
    frame["REC"] = object_series(rec, frame.index)
    rne_k = frame["RNE"].to_numpy()
    is_move = np.isin(rne_k, ["P", "B", "T", "U"]) & (frame["DECOM"] >= day_number("2016-04-01"))
    reason = choice(rng, *_REASONS, len(frame))
    reason = np.where(np.isin(rne_k, ["T", "U"]), "PLACE", reason)
    frame["REASON_PLACE_CHANGE"] = object_series(np.where(is_move, reason, None), frame.index)
    cin = choice(rng, *_CIN, len(p))
    cin[p["uasc"].to_numpy()] = "N9"
    frame["CIN"] = object_series(cin[pid_k], frame.index)
    return frame


# chance that a placement is outside the LA boundary, by provider: (20 miles or less, more);
# a county is big enough for some own carers 20+ miles from home, and near placements cross
# the boundary into a bordering authority (most often other authorities' own provision, PR2)
_OUTSIDE_P = {
    "PR0": (0.05, 0.85),
    "PR1": (0.04, 0.75),
    "PR2": (0.65, 0.97),
    "PR3": (0.15, 0.90),
    "PR4": (0.12, 0.92),
    "PR5": (0.12, 0.92),
}
_OTHER_NATIONS = (["WAL", "SCO"], [2, 1])  # SSDA903's PL_LA for Wales and Scotland
_OTHER_NATIONS_P = 0.03  # share of far placements outside England


def locate_placements(
    rng: np.random.Generator,
    placement: np.ndarray,
    la: np.ndarray,
    provider: np.ndarray,
    miles: np.ndarray,
    codes: np.ndarray,
    borders: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """PL_LOCATION (IN/OUT of the LA boundary) and PL_LA (the authority the placement is in,
    from `codes`) of each episode, drawn once per placement (`placement` labels them).

    `la` is the episode's own authority (a row of `codes` and `borders`). Consistent with
    PL_DISTANCE and the provider: most placements over 20 miles are outside, some near ones
    are too, across the boundary in a bordering authority; a few far ones are in Wales or
    Scotland.
    """
    _, first, inverse = np.unique(placement, return_index=True, return_inverse=True)
    n = len(first)
    home = la[first]
    far = miles[first] > 20
    prov = pd.Series(provider[first])
    p_near = prov.map({k: v[0] for k, v in _OUTSIDE_P.items()}).to_numpy(float)
    p_far = prov.map({k: v[1] for k, v in _OUTSIDE_P.items()}).to_numpy(float)
    out = rng.random(n) < np.where(far, p_far, p_near)
    border = borders[home, rng.integers(0, borders.shape[1], n)]
    elsewhere = rng.integers(0, len(codes) - 1, n)
    elsewhere += elsewhere >= home  # any authority but its own
    nation = rng.random(n) < _OTHER_NATIONS_P
    other_nation = choice(rng, *_OTHER_NATIONS, n)
    away = np.where(nation, other_nation, codes[elsewhere])
    pl_la = np.where(out, np.where(far, away, codes[border]), codes[home]).astype(object)
    location = np.where(out, "OUT", "IN").astype(object)
    return location[inverse], pl_la[inverse]


def draw_short_breaks(
    rng: np.random.Generator, las: pd.DataFrame, scale: float, first: int, last: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Disabled children on agreed series of short breaks (LS V3; a few V4 agreements).

    Returns (children: la, dob, sex) and (episodes, day numbers, `child` indexing children).
    """
    n_per = rng.poisson(las["pop"].to_numpy() * 3e-4 * scale)
    la = np.repeat(np.arange(len(las)), n_per)
    n = len(la)
    begin = first - 365 + (rng.random(n) * (last - first + 365)).astype(np.int64)
    dob = no_leap_day(begin - (rng.uniform(5, 15, n) * 365.25).astype(np.int64))
    stop = np.minimum(begin + (rng.uniform(1, 5, n) * 365.25).astype(np.int64), last)
    k = rng.poisson(6 * np.maximum(stop - begin, 0) / 365.25)
    ci = np.repeat(np.arange(n), k)
    day = begin[ci] + (rng.random(len(ci)) * (stop - begin)[ci]).astype(np.int64)
    nights = rng.integers(1, 4, len(ci))
    ep = pd.DataFrame({"child": ci, "DECOM": day, "DEC": day + nights, "LS": "V3"})
    ep = ep.sort_values(["child", "DECOM"], kind="stable")
    ep = ep[~ep.duplicated(["child", "DECOM"])]
    # breaks closer together than their length are one break (no overlapping episodes)
    prev_dec = ep.groupby("child")["DEC"].shift(1)
    ep = ep[~(prev_dec >= ep["DECOM"])]
    ep = ep[(ep["DECOM"] >= first) & (ep["DEC"] <= last)]
    v4 = rng.random(n) < 0.1  # a few recorded as one agreement episode a year (V4)
    ep.loc[v4[ep["child"].to_numpy()], "LS"] = "V4"
    ep["RNE"] = "S"
    ep["REC"] = "E13"
    ep["PLACE"] = np.where(rng.random(len(ep)) < 0.6, "K2", "U4")
    ep["PLACE_PROVIDER"] = "PR1"
    ep["URN"] = np.where(
        ep["PLACE"] == "K2", "SC" + (300000 + ep["child"] % 50).astype(str), NO_URN
    )
    ep["PL_DISTANCE"] = np.round(rng.lognormal(np.log(5), 0.6, len(ep)), 1)
    ep["CIN"] = "N5"
    kids = pd.DataFrame({"la": la, "dob": dob, "sex": np.where(rng.random(n) < 0.65, "1", "2")})
    return kids, ep.reset_index(drop=True)
