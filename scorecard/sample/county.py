"""The county's tables: `generate` assembles every SPEC section 3 table from the drawn parts.

Each part (periods of care, episodes, short breaks, header, referrals, IRO, care leavers,
KS4) draws from its own seeded stream, so the tables are the same for the same seed whatever
is added later; `finish` turns day numbers into dates, codes into strings and, for pooled data,
the authority index into an `LA` code column.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import codes as code_lists
from ..inputs.columns import COLLECTION_YEAR_COLUMNS, DATE_COLUMNS, NUMERIC_COLUMNS
from .arrays import (
    LAST_DAY,
    add_years,
    child_ids,
    choice,
    day_number,
    object_frame,
    object_series,
    postcodes,
    to_dates,
)
from .authorities import DISTRICTS, OUTWARD, OUTWARD_W, authorities, bordering
from .children import ETHNIC, ETHNIC_UASC, upns
from .episodes import (
    DERIVED_COLUMNS,
    EPISODE_COLUMNS,
    draw_episodes,
    draw_short_breaks,
    locate_placements,
)
from .iro import draw_iro
from .outcomes import draw_ks4, draw_oc3
from .periods_of_care import draw_periods
from .referrals import draw_referrals


def _dates(days: np.ndarray) -> pd.Series:
    return pd.Series(to_dates(np.asarray(days, dtype=np.int64)))


def generate(
    seed: int = 2025, *, n_las: int = 1, children_scale: float = 1.0, years: int = 10
) -> dict[str, pd.DataFrame]:
    """All SPEC section 3 tables, in memory, for Wealdshire or a pool of authorities.

    `n_las=1`: Wealdshire alone (no LA column). `n_las>1`: Wealdshire and the first
    `n_las - 1` fictional authorities of the benchmark panel, each table with an `LA` column
    (3-digit code) and child ids unique within an LA. `children_scale` multiplies every
    authority's size; `years` is the number of financial years ending 31 March 2025.
    Dates are datetime64[ns], numeric columns float64, codes and ids strings.
    """
    if not 1 <= n_las <= 150:
        raise ValueError(f"n_las must be between 1 and 150, got {n_las}")
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years}")
    everyone = authorities(seed)  # PL_LA may be any of them
    las = everyone.iloc[:n_las].reset_index(drop=True)
    last = day_number(LAST_DAY)
    first_year, last_year = 2025 - years + 1, 2025
    first = day_number(f"{first_year - 1}-04-01")
    ss = np.random.SeedSequence([seed, 903])
    rngs = [np.random.default_rng(s) for s in ss.spawn(9)]
    codes = las["LA"].to_numpy().astype(str)

    p_all = draw_periods(rngs[0], las, children_scale, first, last)
    # child ids: looked-after children numbered per LA in order of first entry
    firsts = p_all.drop_duplicates("child")
    firsts = firsts.sort_values(["la", "start", "child"], kind="stable")
    rank = firsts.groupby("la").cumcount().to_numpy()
    id_of = pd.Series(1_000_000 + rank, index=firsts["child"].to_numpy())
    p_all["cid"] = id_of.reindex(p_all["child"].to_numpy()).to_numpy()
    n_cla = firsts.groupby("la").size().reindex(range(n_las), fill_value=0).to_numpy()
    # the extract holds the periods of care open on or after its first day; care leavers who
    # left in the four years before appear in OC3 only
    p = p_all[p_all["end"] >= first].reset_index(drop=True)
    ep = draw_episodes(rngs[1], p, las, last)
    kids = p.drop_duplicates("child").set_index("child")
    kids = kids.loc[firsts["child"][firsts["child"].isin(kids.index)]]
    sb_kids, sb_ep = draw_short_breaks(rngs[2], las, children_scale, first, last)
    sb_rank = sb_kids.groupby("la").cumcount().to_numpy()
    sb_kids["cid"] = 1_000_000 + n_cla[sb_kids["la"].to_numpy()] + sb_rank

    rng = rngs[3]
    # header: looked-after children, then short-break children
    k_uasc = kids["uasc"].to_numpy()
    n_k = len(kids)
    sex = np.where(rng.random(n_k) < np.where(k_uasc, 0.92, 0.56), "1", "2")
    ethnic = np.where(k_uasc, choice(rng, *ETHNIC_UASC, n_k), choice(rng, *ETHNIC, n_k))
    n_sb = len(sb_kids)
    header = object_frame(
        {
            "la": np.r_[kids["la"].to_numpy(), sb_kids["la"].to_numpy()],
            "CHILD": child_ids(np.r_[kids["cid"].to_numpy(), sb_kids["cid"].to_numpy()]),
            "SEX": np.r_[sex, sb_kids["sex"].to_numpy()],
            "DOB": np.r_[kids["dob"].to_numpy(), sb_kids["dob"].to_numpy()],
            "ETHNIC": np.r_[ethnic, choice(rng, *ETHNIC, n_sb)],
        }
    )
    header["UPN"] = object_series(upns(rng, header["la"].to_numpy(), codes), header.index)
    unknown_upn = np.r_[k_uasc & (rng.random(n_k) < 0.5), np.zeros(n_sb, bool)]
    header.loc[unknown_upn, "UPN"] = "UN2"
    home_outward = OUTWARD[rng.choice(len(OUTWARD), len(header), p=OUTWARD_W / OUTWARD_W.sum())]
    home = header[["la", "CHILD"]].assign(
        HOME_POST=object_series(postcodes(rng, home_outward), header.index)
    )

    # episodes
    e = ep.assign(
        la=p["la"].to_numpy()[ep["pid"].to_numpy()],
        CHILD=child_ids(p["cid"].to_numpy()[ep["pid"].to_numpy()]),
    )
    sb = sb_ep.assign(
        la=sb_kids["la"].to_numpy()[sb_ep["child"].to_numpy()],
        CHILD=child_ids(sb_kids["cid"].to_numpy()[sb_ep["child"].to_numpy()]),
    )
    sb["PL_POST"] = object_series(
        postcodes(rng, OUTWARD[rng.integers(0, len(OUTWARD), len(sb))]), sb.index
    )
    sb["REASON_PLACE_CHANGE"] = object_series(np.full(len(sb), None), sb.index)
    # inside or outside the LA boundary, and which authority (a stream of its own, drawn last)
    codes9 = everyone["new_code"].to_numpy(dtype=object)
    borders = bordering(everyone)
    for frame, placement in ((e, e["placement"]), (sb, np.arange(len(sb)))):
        location, pl_la = locate_placements(
            rngs[8],
            np.asarray(placement),
            frame["la"].to_numpy(),
            frame["PLACE_PROVIDER"].to_numpy(),
            frame["PL_DISTANCE"].to_numpy(),
            codes9,
            borders,
        )
        frame["PL_LOCATION"] = object_series(location, frame.index)
        frame["PL_LA"] = object_series(pl_la, frame.index)
    cols = ["la", *EPISODE_COLUMNS, *DERIVED_COLUMNS]
    episodes = pd.concat([e, sb], ignore_index=True).merge(home, on=["la", "CHILD"], how="left")
    episodes = episodes[cols]
    episodes = episodes.sort_values(["la", "CHILD", "DECOM"], kind="stable")

    # UASC
    uk = kids[k_uasc]
    uasc = object_frame(
        {
            "la": uk["la"].to_numpy(),
            "CHILD": child_ids(uk["cid"].to_numpy()),
            "DUC": add_years(uk["dob"].to_numpy(), 18),
            "SEX": sex[k_uasc],
            "DOB": uk["dob"].to_numpy(),
        }
    )

    # referrals (CIN census) and IRO service
    r = draw_referrals(
        rngs[4],
        las,
        children_scale,
        first,
        last,
        p["la"].to_numpy(),
        p["cid"].to_numpy(),
        p["start"].to_numpy(),
    )
    referrals = object_frame(
        {
            "la": r["la"].to_numpy(),
            "LAchildID": child_ids(r["child"].to_numpy()),
            "CINreferralDate": r["day"].to_numpy(),
            "ReferralSource": r["ReferralSource"].array,
            "PrimaryNeedCode": r["PrimaryNeedCode"].array,
            "CINclosureDate": r["close"].to_numpy(),
            "ReasonForClosure": r["ReasonForClosure"].array,
            "ReferralNFA": r["ReferralNFA"].array,
        }
    )
    iro_alloc, iro_staff = draw_iro(rngs[5], las, children_scale, p, r, first, last)
    oc3 = draw_oc3(rngs[6], p_all, las, first, last)
    oc3 = object_frame(
        {
            "la": oc3["la"].to_numpy(),
            "CHILD": child_ids(oc3["child"].map(id_of)),
            "DOB": oc3["dob"].to_numpy(),
            "IN_TOUCH": oc3["IN_TOUCH"].to_numpy(),
            "ACTIV": oc3["ACTIV"].to_numpy(),
            "ACCOM": oc3["ACCOM"].to_numpy(),
            "YEAR": oc3["YEAR"].to_numpy(),
        }
    )
    ks4c, ks4a = draw_ks4(rngs[7], p, las, first_year, last_year)
    ks4c["CHILD"] = child_ids(ks4c["child"].map(id_of).to_numpy())
    ks4c = ks4c[["la", "CHILD", "ACADEMIC_YEAR", "ATT8", "EM94"]]
    mid = np.arange(first_year - 2, last_year)
    la_m = np.repeat(np.arange(n_las), len(mid))
    mids = np.tile(mid, n_las)
    population = pd.DataFrame(
        {
            "la": la_m,
            "MID_YEAR": mids,
            "POP_0_17": np.round(
                las["pop"].to_numpy()[la_m] * (1 - 0.004 * (last_year - 1 - mids))
            ),
        }
    )
    districts = pd.DataFrame(
        [(f"WD{i}", name) for name, nums in DISTRICTS.items() for i in nums],
        columns=["POSTCODE_DISTRICT", "DISTRICT"],
    )
    districts = pd.concat([districts.assign(la=i) for i in range(n_las)], ignore_index=True)

    tables = {
        "header": header,
        "episodes": episodes,
        "uasc": uasc,
        "oc3": oc3,
        "referrals": referrals,
        "iro_allocations": iro_alloc,
        "iro_staff": iro_staff,
        "ks4_cla": ks4c,
        "ks4_all": ks4a,
        "population": population,
        "districts": districts,
    }
    return _as_written((name, _finish(frame, codes, n_las)) for name, frame in tables.items())


def _as_written(tables: Iterable[tuple[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Codes as the DfE has them in each row's collection year (`codes.recode`): REC E43/E44
    before 2018-19, ACTIV F3/P3 before 2021-22, SEX M/F when the child's latest episode is in
    2024-25 or later. The CIN census added referral source 5D (early help) and closure reason
    RC9 (referred to early help) in 2022-23: earlier rows carry the codes used before them,
    5B (other internal department) and RC8 (no further action). An episode's category of need
    is N1-N8 (N9, "not in need", is the CIN census's): the draws of N9 become N8 (absent
    parenting, as for most unaccompanied children)."""
    out = dict(tables)
    year = code_lists.collection_year_start
    ep, oc3, ref = out["episodes"], out["oc3"], out["referrals"]
    ep["REC"] = code_lists.recode("REC", ep["REC"], start_years=year(ep["DEC"]))
    ep["CIN"] = ep["CIN"].mask(ep["CIN"] == "N9", "N8")
    before = year(ref["CINreferralDate"]) < 2022
    ref["ReferralSource"] = ref["ReferralSource"].mask(
        before & (ref["ReferralSource"] == "5D"), "5B"
    )
    closed_before = year(ref["CINclosureDate"]) < 2022
    ref["ReasonForClosure"] = ref["ReasonForClosure"].mask(
        closed_before & (ref["ReasonForClosure"] == "RC9"), "RC8"
    )
    oc3["ACTIV"] = code_lists.recode("ACTIV", oc3["ACTIV"], start_years=oc3["YEAR"] - 1)
    keys = [k for k in ("LA", "CHILD") if k in ep.columns]
    latest = ep["DEC"].fillna(ep["DECOM"]).groupby([ep[k] for k in keys]).max()
    for name in ("header", "uasc"):
        t = out[name]
        when = latest.reindex(pd.MultiIndex.from_frame(t[keys]) if len(keys) > 1 else t["CHILD"])
        start = year(pd.Series(when.to_numpy())).to_numpy()
        t["SEX"] = code_lists.recode("SEX", t["SEX"], start_years=start)
    return out


# the tables' column types are the loaders' (MID_YEAR: a whole number, written as one)
_INT_COLUMNS = COLLECTION_YEAR_COLUMNS | {"MID_YEAR"}
_FLOAT_COLUMNS = NUMERIC_COLUMNS - _INT_COLUMNS


def _finish(frame: pd.DataFrame, codes: np.ndarray, n_las: int) -> pd.DataFrame:
    """Day numbers to dates, codes to strings, the `la` index to an `LA` code column."""
    out = {}
    if n_las > 1:
        out["LA"] = pd.Series(codes[frame["la"].to_numpy()], dtype="str")
    for col in frame.columns:
        if col == "la":
            continue
        v = frame[col].array if isinstance(frame[col].dtype, pd.CategoricalDtype) else None
        v = v if v is not None else frame[col].to_numpy()
        if col in DATE_COLUMNS:
            out[col] = _dates(v)
        elif col in _FLOAT_COLUMNS:
            out[col] = pd.Series(v.astype(float))
        elif col in _INT_COLUMNS:
            out[col] = pd.Series(v.astype(np.int64))
        else:
            out[col] = _to_str(v)
    return pd.DataFrame(out)


def _to_str(values: np.ndarray | pd.Categorical) -> pd.Series:
    """Strings (ids from integers, codes from objects) as pandas `str`, through Arrow."""
    import pyarrow as pa

    if isinstance(values, pd.Categorical):
        cats = pa.array(np.asarray(values.categories, dtype=object), type=pa.large_string())
        codes = pa.array(values.codes.astype(np.int32), mask=values.codes < 0)
        arr = pa.DictionaryArray.from_arrays(codes, cats).cast(pa.large_string())
    elif np.issubdtype(values.dtype, np.integer):
        arr = pa.array(values).cast(pa.large_string())
    else:
        arr = pa.array(np.asarray(values, dtype=object), type=pa.large_string(), from_pandas=True)
    return pd.Series(pd.array(arr, dtype="str"))
