"""Wealdshire's headline figures read straight from its tables (independent of the engine).

A compact second reading of the SPEC section 5 definitions: it calibrates the generator
against England's published levels and sets Wealdshire's own rows in the benchmark panel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_TEMP_PLACES = ("T0", "T1", "T2", "T3", "T4")


def _placement_starts(ep: pd.DataFrame) -> np.ndarray:
    """True for episodes that start a placement under SPEC 5 (later episodes of a child)."""
    child = ep["CHILD"].to_numpy()
    temp = ep["PLACE"].isin(_TEMP_PLACES).to_numpy()
    key = (
        ep["PLACE"].fillna("") + "|" + ep["PLACE_PROVIDER"].fillna("") + "|" + ep["URN"].fillna("")
    ).to_numpy()
    prev_temp = np.r_[False, temp[:-1]] & np.r_[False, child[1:] == child[:-1]]
    last_non_temp = pd.Series(np.where(temp, None, key), dtype=object)
    last_non_temp = last_non_temp.groupby(child).ffill().groupby(child).shift(1).to_numpy()
    is_return = prev_temp & (key == last_non_temp)
    return (
        ep["RNE"].isin(["S", "P", "B"]).to_numpy()
        & ~temp
        & ~ep["PLACE"].isin(["A3", "A5"]).to_numpy()
        & ~is_return
    )


def headline(tables: dict[str, pd.DataFrame], ats: list[str] | pd.DatetimeIndex) -> pd.DataFrame:
    """Wealdshire's headline figures at each date, computed directly from the tables.

    An independent, compact reading of the SPEC section 5 definitions, used to calibrate the
    generator and to set Wealdshire's rows in the synthetic benchmark panel (single LA only).
    """
    ats = pd.DatetimeIndex(pd.to_datetime(list(ats)))
    ep = tables["episodes"]
    ep = ep[~ep["LS"].isin(["V3", "V4"])].sort_values(["CHILD", "DECOM"], kind="stable")
    ep = ep.reset_index(drop=True)
    child = ep["CHILD"].to_numpy()
    new_child = np.r_[True, child[1:] != child[:-1]]
    cont = (ep["REC"].shift(1) == "X1") & (ep["DEC"].shift(1) == ep["DECOM"])
    period = np.cumsum(new_child | ~cont.to_numpy(bool))
    ep["period"] = period
    ep["pstart"] = ep.groupby("period")["DECOM"].transform("first")
    starts = _placement_starts(ep)
    first_of_period = np.r_[True, period[1:] != period[:-1]]
    temp = ep["PLACE"].isin(_TEMP_PLACES).to_numpy()
    dob = tables["header"].drop_duplicates("CHILD").set_index("CHILD")["DOB"]
    pop = tables["population"].set_index("MID_YEAR")["POP_0_17"]
    rows = []
    for at in ats:  # a handful of reference dates
        ws = at - pd.DateOffset(years=1) + pd.Timedelta(days=1)
        on = (ep["DECOM"] <= at) & (ep["DEC"].isna() | (ep["DEC"] > at))
        cur = ep[on]
        n = len(cur)
        # 3+ placements in the window
        inwin = (ep["DECOM"] <= at) & (ep["DEC"].isna() | (ep["DEC"] > ws))
        inwin &= ep["CHILD"].isin(cur["CHILD"]).to_numpy()
        w = ep[inwin & ~temp]
        firstw = np.r_[True, w["CHILD"].to_numpy()[1:] != w["CHILD"].to_numpy()[:-1]]
        counted = firstw | starts[w.index.to_numpy()]
        moves = pd.Series(counted.astype(int)).groupby(w["CHILD"].to_numpy()).sum()
        # long-term stability
        age = (at - dob.reindex(cur["CHILD"])).dt.days.to_numpy() / 365.25
        cohort = cur[(age < 16) & (cur["pstart"] <= at - pd.DateOffset(months=30)).to_numpy()]
        pe = ep[ep["period"].isin(cohort["period"]) & (ep["DECOM"] <= at)]
        ps = pe[starts[pe.index.to_numpy()] | first_of_period[pe.index.to_numpy()]]
        last2 = ps.groupby("period").tail(2)
        lastp = last2.groupby("period").tail(1)
        prevp = last2.groupby("period").head(1).set_index("period")["DECOM"]
        tenure = np.where(
            lastp["PLACE"].isin(["A4", "A6"]),
            prevp.reindex(lastp["period"]).to_numpy(),
            lastp["DECOM"].to_numpy(),
        )
        stable = (pd.Series(tenure) <= at - pd.DateOffset(months=24)).sum()
        rows.append(
            {
                "at": at,
                "cla": n,
                "rate": n / pop.get(at.year - 1, np.nan) * 1e4,
                "pct_3plus": 100 * (moves >= 3).sum() / n,
                "long_stable": 100 * stable / max(len(cohort), 1),
                "long_cohort": len(cohort),
                "foster": 100 * cur["PLACE"].isin(["U1", "U2", "U3", "U4", "U5", "U6"]).mean(),
                # LAIT: more than 20 miles from home AND outside the LA boundary
                "over20": 100 * ((cur["PL_DISTANCE"] > 20) & (cur["PL_LOCATION"] == "OUT")).mean(),
                # children (not periods) who ceased / started in the year, as DfE counts
                "ceased": ep.loc[
                    (ep["DEC"] >= ws) & (ep["DEC"] <= at) & (ep["REC"] != "X1"), "CHILD"
                ].nunique(),
                "started": ep.loc[
                    (ep["DECOM"] >= ws) & (ep["DECOM"] <= at) & first_of_period, "CHILD"
                ].nunique(),
            }
        )
    out = pd.DataFrame(rows).set_index("at")
    return out.join(_headline_other(tables, ats, ep))


def _headline_other(
    tables: dict[str, pd.DataFrame], ats: pd.DatetimeIndex, ep: pd.DataFrame
) -> pd.DataFrame:
    """Re-referrals, care leavers, IRO caseload and KS4 at each date (see `headline`)."""
    r = tables["referrals"].drop_duplicates(["LAchildID", "CINreferralDate"])
    r = r.sort_values(["LAchildID", "CINreferralDate"], kind="stable")
    prev = r.groupby("LAchildID")["CINreferralDate"].shift(1)
    rere = (prev >= r["CINreferralDate"] - pd.DateOffset(months=12)).to_numpy()
    oc3 = tables["oc3"]
    bday_age = oc3["YEAR"].to_numpy() - 1 - oc3["DOB"].dt.year.to_numpy()
    bday_age = bday_age + (oc3["DOB"].dt.month.to_numpy() <= 3)
    alloc, staff = tables["iro_allocations"], tables["iro_staff"]
    ks4, allp = tables["ks4_cla"], tables["ks4_all"].set_index("ACADEMIC_YEAR")
    rows = []
    for at in ats:
        ws = at - pd.DateOffset(years=1) + pd.Timedelta(days=1)
        inw = ((r["CINreferralDate"] >= ws) & (r["CINreferralDate"] <= at)).to_numpy()
        o = oc3[
            (oc3["YEAR"] == at.year)
            & (bday_age >= 19)
            & (bday_age <= 21)
            & ~oc3["IN_TOUCH"].isin(["DIED", "RHOM"])
        ]
        acc = o[~o["ACCOM"].str[0].isin(["G", "H", "R"])]
        cla = (
            (alloc["CASE_TYPE"] == "CLA")
            & (alloc["START"] <= at)
            & (alloc["END"].isna() | (alloc["END"] > at))
        ).sum()
        fte = staff.loc[
            (staff["START"] <= at) & (staff["END"].isna() | (staff["END"] > at)), "FTE"
        ].sum()
        ay = f"{at.year - 1}/{at.year % 100:02d}"
        k = ks4[ks4["ACADEMIC_YEAR"] == ay]
        lo = at - pd.DateOffset(years=1)
        cont = ep[
            (ep["DECOM"] <= at) & (ep["DEC"].isna() | (ep["DEC"] > at)) & (ep["pstart"] <= lo)
        ]["CHILD"]
        k = k[k["CHILD"].isin(cont)]
        rows.append(
            {
                "at": at,
                "rereferral": 100 * rere[inw].mean(),
                "neet": 100 * o["ACTIV"].isin(["G4", "G5", "G6"]).mean(),
                "eet": 100 * o["ACTIV"].str.match(r"^[FP][1-5]$").mean(),
                "suitable": 100 * acc["ACCOM"].str.endswith("1").mean(),
                "leavers_19_21": len(o),
                "iro_caseload": cla / fte if fte else np.nan,
                "ks4_cohort": len(k),
                "att8_cla": k["ATT8"].mean(),
                "em94_cla": 100 * k["EM94"].mean(),
                "att8_all": allp["AVG_ATT8"].get(ay, np.nan),
            }
        )
    return pd.DataFrame(rows).set_index("at")
