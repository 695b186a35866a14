"""Independent Reviewing Officer caseloads (SPEC section 5, `iro_caseload`, `iro_caseload_weighted`).

numerator = looked-after children's cases (CASE_TYPE CLA; a blank CASE_TYPE or no CASE_TYPE
column means CLA) allocated at `at`, plus `cp_weight` x child protection cases (CASE_TYPE CP)
allocated at `at`; denominator = total FTE of IROs in post at `at`; value = numerator /
denominator (NaN when no FTE is in post). A row is active at `at` when START <= at and (END
blank or END > at): an allocation or post starting on `at` counts, one ending on `at` does not.

Decisions (documented here because they change numbers):
- Duplicated allocation rows (the same child to the same IRO with the same case type, over
  overlapping spans) count once per (LA, IRO_ID, CHILD, CASE_TYPE) at a date. The same child
  allocated to two different IROs on one date counts for each: both carry the case.
- Rows without a CHILD cannot be matched as duplicates: each counts.
- Case types other than CLA and CP (after trimming and upper-casing) are not counted (the
  loader rejects them, so this only guards frames built by hand).
- An IRO with several staff rows in post on one date (overlapping spans) counts once, with the
  FTE of the row that started latest; a blank FTE counts 0.
- Allocations count whether or not their IRO is in `iro_staff` (the cases are still carried).

Breakdown: LA on pooled data only; caseloads are not about individual children's attributes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..breakdowns import BreakdownError
from ..care import expand
from ..dataset import Dataset
from ..periods import DATE_DTYPE
from ..registry import measure

INDICATOR = "iro_caseload"
CLA = "CLA"
CP = "CP"


def _check_by(ds: Dataset, by: list[str]) -> bool:
    """True when the result is broken down by LA; BreakdownError for anything else."""
    for name in by:
        if name != "LA":
            raise BreakdownError(
                f"{INDICATOR} cannot be broken down by {name!r}: a caseload is a number of cases "
                "per FTE IRO, not a property of individual children. It can be broken down by "
                "LA on pooled data only."
            )
        tables = (ds.table("iro_allocations"), ds.table("iro_staff"))
        if not all("LA" in t.columns for t in tables):
            raise BreakdownError(
                f"{INDICATOR} cannot be broken down by LA: the IRO tables have no LA column "
                "(only pooled data can be broken down by LA)."
            )
    return bool(by)


def _la(frame: pd.DataFrame) -> pd.Series:
    if "LA" in frame.columns:
        return frame["LA"].astype("string").reset_index(drop=True)
    return pd.Series(pd.NA, index=pd.RangeIndex(len(frame)), dtype="string")


def case_types(allocations: pd.DataFrame) -> np.ndarray:
    """CASE_TYPE of each allocation row, trimmed and upper-cased; blank or no column = CLA."""
    if "CASE_TYPE" not in allocations.columns:
        return np.full(len(allocations), CLA, dtype=object)
    kind = allocations["CASE_TYPE"].astype("string").str.strip().str.upper()
    return kind.mask(kind == "", pd.NA).fillna(CLA).to_numpy(dtype=object)


def case_weights(kind: np.ndarray, cp_weight: float) -> np.ndarray:
    """Weight of each case type: 1 for CLA, `cp_weight` for CP, 0 for anything else."""
    return np.select([kind == CLA, kind == CP], [1.0, float(cp_weight)], 0.0)


def _per_la(
    ks: np.ndarray, la: pd.Series, rows: np.ndarray, values: np.ndarray, name: str
) -> pd.Series:
    """Sum of `values` per (reference position k, LA label) over expanded `rows`."""
    codes, labels = pd.factorize(la, use_na_sentinel=False)
    frame = pd.DataFrame({"k": ks, "la": codes[rows], name: values})
    sums = frame.groupby(["k", "la"], sort=True)[name].sum()
    k = sums.index.get_level_values("k")
    la_labels = pd.Index(labels, dtype="string")[sums.index.get_level_values("la")]
    return pd.Series(
        sums.to_numpy(),
        index=pd.MultiIndex.from_arrays([k, la_labels], names=["k", "LA"]),
        name=name,
    )


def _cases(ds: Dataset, at: pd.DatetimeIndex, cp_weight: float) -> pd.Series:
    """Weighted cases per (reference position k, LA)."""
    alloc = ds.table("iro_allocations").reset_index(drop=True)
    kind = case_types(alloc)
    weight = case_weights(kind, cp_weight)
    child_codes, _ = pd.factorize(alloc["CHILD"].astype("string"))
    # a blank CHILD is never a duplicate of another row: give it a code of its own
    child_codes = np.where(child_codes < 0, -2 - np.arange(len(alloc)), child_codes)
    la = _la(alloc)
    ident = pd.DataFrame(
        {"LA": la, "iro": alloc["IRO_ID"].astype("string"), "child": child_codes, "kind": kind}
    )
    # one integer per (LA, IRO_ID, CHILD, CASE_TYPE), so de-duplicating dates works on integers
    case = ident.groupby(list(ident.columns), dropna=False, sort=False).ngroup().to_numpy()
    rows, ks = expand(alloc["START"], alloc["END"], at)
    _, first = np.unique(ks * (int(case.max(initial=0)) + 1) + case[rows], return_index=True)
    rows, ks = rows[first], ks[first]
    return _per_la(ks, la, rows, weight[rows], "numerator")


def _fte(ds: Dataset, at: pd.DatetimeIndex) -> pd.Series:
    """FTE in post per (reference position k, LA); one row per IRO (the latest-starting)."""
    staff = ds.table("iro_staff").reset_index(drop=True)
    la = _la(staff)
    start = np.asarray(staff["START"], dtype=DATE_DTYPE)
    fte = pd.to_numeric(staff["FTE"], errors="coerce").fillna(0.0).to_numpy(dtype="float64")
    rows, ks = expand(staff["START"], staff["END"], at)
    post = pd.DataFrame(
        {
            "k": ks,
            "LA": la.to_numpy()[rows],
            "iro": staff["IRO_ID"].astype("string").to_numpy()[rows],
            "start": start[rows],
            "row": rows,
        }
    )
    post = post.sort_values(["k", "LA", "iro", "start"], kind="stable")
    post = post.drop_duplicates(["k", "LA", "iro"], keep="last")
    rows = post["row"].to_numpy()
    return _per_la(post["k"].to_numpy(), la, rows, fte[rows], "denominator")


@measure()
def iro_caseload(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, cp_weight: float = 0.0
) -> pd.DataFrame:
    """(CLA cases + cp_weight x CP cases) active at `at` per FTE IRO in post at `at`."""
    by_la = _check_by(ds, by)
    cases = _cases(ds, at, cp_weight)
    fte = _fte(ds, at)
    if by_la:
        both = [_la(ds.table("iro_allocations")), _la(ds.table("iro_staff"))]
        las = pd.Index(pd.concat(both, ignore_index=True).dropna().unique()).sort_values()
        grid = pd.MultiIndex.from_product([range(len(at)), las], names=["k", "LA"])
        frame = pd.concat([cases, fte], axis=1).reindex(grid).fillna(0.0).reset_index()
    else:
        frame = (
            pd.concat([cases.groupby(level="k").sum(), fte.groupby(level="k").sum()], axis=1)
            .reindex(pd.RangeIndex(len(at), name="k"))
            .fillna(0.0)
            .reset_index()
        )
    out = pd.DataFrame({"period_end": np.asarray(at, dtype=DATE_DTYPE)[frame["k"].to_numpy()]})
    if by_la:
        out["LA"] = frame["LA"].astype("string").to_numpy()
    num = frame["numerator"].to_numpy(dtype="float64")
    den = frame["denominator"].to_numpy(dtype="float64")
    out["numerator"] = num
    out["denominator"] = den
    with np.errstate(divide="ignore", invalid="ignore"):
        out["value"] = np.where(den > 0, num / den, np.nan)
    return out
