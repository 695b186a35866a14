"""The county's history cut into yearly returns, as councils hold them: what each return knew.

A SSDA903 return for collection year Y (1 April Y-1 to 31 March Y; Y = 2025 is 2024-25) holds
the episodes open at any time in the year (DECOM on or before 31 March and DEC blank or on or
after 1 April) as they stood on 31 March: an episode that ended later shows as open (DEC and REC
blank). It holds a header row for every child in it (children with episodes, and care leavers
whose OC3 row is in it), the uasc rows of children who were unaccompanied at some time in the
year, and the OC3 rows of young people whose 17th to 21st birthday fell in the year.

A CIN census for Y holds the referrals open at any time in the year, with closure dates and
reasons as known on its reference date (31 March), and who each child is (date of birth, sex,
ethnicity, UPN). SEX is written as each year's guidance has it (1/2 up to 2023-24, M/F from
2024-25).

The full-history tables do not say everything a return does (care leavers who left before the
data starts have no header row; children in need who were never looked after have no date of
birth), so those attributes are drawn here from a stream of their own: the same seed gives the
same returns, and the full-history sample is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import codes as code_lists
from .arrays import choice
from .children import ETHNIC, upns

RETURNS_STREAM = 907  # the returns' own draws: seed sequence [seed, 907]
_MALE_P = 0.56  # share of boys among looked-after children (DfE), for leavers' SEX


@dataclass(frozen=True)
class YearlyReturn:
    """What a council's returns for one collection year hold.

    `year` is the collection year's end (2025 = 2024-25); `ssda903` maps header, episodes,
    uasc and oc3 to their rows (oc3 with its YEAR); `cin` has one row per referral (CIN
    details) with the child's identifiers beside it.
    """

    year: int
    ssda903: dict[str, pd.DataFrame]
    cin: pd.DataFrame

    @property
    def end(self) -> pd.Timestamp:
        """The reference date: 31 March of the collection year's end."""
        return pd.Timestamp(f"{self.year}-03-31")


def yearly_returns(tables: dict[str, pd.DataFrame], seed: int, years: range) -> list[YearlyReturn]:
    """The returns of collection years `years` (their ends, e.g. range(2016, 2026)) cut from
    the full-history `tables` of one authority (as `generate` makes them)."""
    if "LA" in tables["episodes"].columns:
        raise ValueError("yearly returns are written for one authority; got pooled tables")
    rng = np.random.default_rng([seed, RETURNS_STREAM])
    header = with_leavers(rng, tables["header"], tables["oc3"])
    children = cin_children(rng, header, tables["referrals"])
    referrals = tables["referrals"].merge(children, on="LAchildID", how="left", validate="m:1")
    # children as integer positions in the header, once: the yearly cuts compare integers
    ids = pd.Index(header["CHILD"])
    position = {
        name: ids.get_indexer(tables[name]["CHILD"]) for name in ("episodes", "uasc", "oc3")
    }
    return [_cut(tables, header, referrals, position, year) for year in years]


def with_leavers(rng: np.random.Generator, header: pd.DataFrame, oc3: pd.DataFrame) -> pd.DataFrame:
    """The header with a row for each care leaver who is only in OC3 (left care before the
    data starts): DOB from OC3; SEX, ETHNIC and UPN drawn."""
    leavers = oc3.drop_duplicates("CHILD")
    leavers = leavers[~leavers["CHILD"].isin(header["CHILD"])].sort_values("CHILD")
    n = len(leavers)
    extra = pd.DataFrame(
        {
            "CHILD": leavers["CHILD"].to_numpy(),
            "SEX": np.where(rng.random(n) < _MALE_P, "1", "2"),
            "DOB": leavers["DOB"].to_numpy(),
            "ETHNIC": choice(rng, *ETHNIC, n),
            "UPN": upns(rng, np.zeros(n, dtype=np.int64), np.array(["650"])),
        }
    )
    out = pd.concat([header, extra.astype(header.dtypes.to_dict())], ignore_index=True)
    return out.sort_values("CHILD", kind="stable").reset_index(drop=True)


def cin_children(
    rng: np.random.Generator, header: pd.DataFrame, referrals: pd.DataFrame
) -> pd.DataFrame:
    """Who each referred child is: LAchildID, DOB, SEX, ETHNIC, UPN. Looked-after children as
    their header says; children in need who were never looked after drawn, aged under 18 at
    every referral of theirs."""
    dates = referrals.groupby("LAchildID")["CINreferralDate"].agg(["min", "max"])
    known = header.set_index("CHILD").reindex(dates.index)
    new = known["DOB"].isna().to_numpy()
    n = int(new.sum())
    first, last = dates["min"][new], dates["max"][new]
    lo = (last - pd.Timedelta(days=int(17.9 * 365.25))).to_numpy()  # under 18 at the last
    hi = first.to_numpy()
    span = np.maximum((hi - lo) / np.timedelta64(1, "D"), 0)
    dob = (lo + (rng.random(n) * span).astype("timedelta64[D]")).astype("datetime64[ns]")
    drawn = pd.DataFrame(
        {
            "SEX": np.where(rng.random(n) < 0.52, "1", "2"),
            "DOB": dob,
            "ETHNIC": choice(rng, *ETHNIC, n),
            "UPN": upns(rng, np.zeros(n, dtype=np.int64), np.array(["650"])),
        },
        index=dates.index[new],
    )
    cols = ["SEX", "DOB", "ETHNIC", "UPN"]
    out = pd.concat([known.loc[~new, cols], drawn.astype(known[cols].dtypes.to_dict())])
    out = out.sort_index().rename_axis("LAchildID").reset_index()
    return out


def _cut(
    tables: dict[str, pd.DataFrame],
    header: pd.DataFrame,
    referrals: pd.DataFrame,
    position: dict[str, np.ndarray],
    year: int,
) -> YearlyReturn:
    """One collection year's 903 return and CIN census, as known on its 31 March."""
    start, end = pd.Timestamp(f"{year - 1}-04-01"), pd.Timestamp(f"{year}-03-31")
    ep = tables["episodes"]
    held = ((ep["DECOM"] <= end) & (ep["DEC"].isna() | (ep["DEC"] >= start))).to_numpy()
    oc3 = tables["oc3"]
    this_year = (oc3["YEAR"] == year).to_numpy()
    in_return = np.union1d(position["episodes"][held], position["oc3"][this_year])
    uasc = tables["uasc"]
    ever_uasc = np.isin(position["uasc"], in_return) & (uasc["DUC"] >= start).to_numpy()
    r = referrals
    open_in_year = (r["CINreferralDate"] <= end) & (
        r["CINclosureDate"].isna() | (r["CINclosureDate"] >= start)
    )
    cin = _as_known(
        r[open_in_year.to_numpy()], "CINclosureDate", ["CINclosureDate", "ReasonForClosure"], end
    )
    tables_903 = {
        "header": header.iloc[in_return].reset_index(drop=True),
        "episodes": _as_known(ep[held], "DEC", ["DEC", "REC"], end),
        "uasc": uasc.loc[ever_uasc, ["CHILD", "SEX", "DOB", "DUC"]].reset_index(drop=True),
        "oc3": oc3[this_year].reset_index(drop=True),
    }
    # SEX as that year's guidance writes it (1/2 up to 2023-24, M/F from 2024-25)
    for frame in (tables_903["header"], tables_903["uasc"], cin):
        frame["SEX"] = code_lists.recode("SEX", frame["SEX"], year=year)
    return YearlyReturn(year=year, ssda903=tables_903, cin=cin)


def _as_known(
    rows: pd.DataFrame, ended: str, unknown: list[str], end: pd.Timestamp
) -> pd.DataFrame:
    """`rows` as they stood on `end`: where `ended` is later, the `unknown` columns are blank."""
    out = rows.reset_index(drop=True).copy()
    later = (out[ended] > end).to_numpy()
    for col in unknown:
        out.loc[later, col] = pd.NaT if col == ended else pd.NA
    return out
