"""Independent Reviewing Officer caseloads (SPEC section 5, `iro_caseload`, `iro_caseload_weighted`).

numerator = looked-after children's cases (CASE_TYPE CLA; a blank CASE_TYPE or no CASE_TYPE
column means CLA) allocated at `at`, plus `cp_weight` x child protection cases (CASE_TYPE CP)
allocated at `at`; denominator = total FTE of IROs in post at `at`; value = numerator /
denominator. A date with no FTE in post has no figure, with the reason ("not available: no
IRO in post (iro_staff) on 31/03/2025"), as a date outside the data has. A row is active at `at` when START <= at and (END
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

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..breakdowns import (
    CHILD_BREAKDOWNS,
    BreakdownError,
    GroupSums,
    figure_from_sums,
    sums_behind_zeros,
    sums_exactly,
)
from ..care import date_ranges, expand, factorize, identifier_numbers
from ..compact import codes_of, is_held, taken
from ..dataset import Dataset
from ..periods import DATE_DTYPE
from ..registry import measure
from .facts import with_facts

INDICATOR = "iro_caseload"
CLA = "CLA"
CP = "CP"


NOT_CHILDREN = (
    "a caseload is a number of cases per FTE IRO, not a property of individual children. It "
    "can be broken down by LA on pooled data only."
)


def _check_by(ds: Dataset, by: list[str]) -> bool:
    """True when the result is broken down by LA; BreakdownError for anything else."""
    for name in by:
        if name != "LA":
            raise BreakdownError(f"{INDICATOR} cannot be broken down by {name!r}: {NOT_CHILDREN}")
        tables = (ds.held("iro_allocations"), ds.held("iro_staff"))
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
    codes, labels = _case_type_codes(allocations)
    return labels[codes]


def _case_type_codes(allocations: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """CASE_TYPE of each allocation row as codes into its labels (trimmed, upper-cased;
    blank or no column = CLA), cleaning only the distinct values."""
    if "CASE_TYPE" not in allocations.columns:
        return np.zeros(len(allocations), dtype="int64"), np.array([CLA], dtype=object)
    raw, uniques = factorize(allocations["CASE_TYPE"])  # held: read from its codes
    kind = pd.Series(np.append(np.asarray(uniques, dtype=object), None), dtype=object)
    kind = kind.astype("string").str.strip().str.upper()
    labels = kind.mask(kind == "", pd.NA).fillna(CLA).to_numpy(dtype=object)
    return np.asarray(raw, dtype="int64"), labels  # a blank (-1) is the last label


def case_weights(kind: np.ndarray, cp_weight: float) -> np.ndarray:
    """Weight of each case type: 1 for CLA, `cp_weight` for CP, 0 for anything else."""
    return np.select([kind == CLA, kind == CP], [1.0, float(cp_weight)], 0.0)


def _la_codes(ds: Dataset, table: str) -> tuple[np.ndarray, pd.Index]:
    """LA of each row of `table` as codes in order of first appearance (a blank LA is a code
    of its own) and their labels; cached per dataset."""

    def build() -> tuple[np.ndarray, pd.Index]:
        frame = ds.held(table)
        if "LA" in frame.columns and is_held(frame["LA"]):  # factorize the small codes
            codes, present = pd.factorize(codes_of(frame["LA"]), use_na_sentinel=False)
            labels = pd.Categorical.from_codes(present, dtype=frame["LA"].dtype)
            return codes, pd.Index(labels.astype("string"), dtype="string")
        codes, labels = pd.factorize(_la(frame), use_na_sentinel=False)
        return codes, pd.Index(labels, dtype="string")

    return ds.cached(f"iro_la_codes:{table}", build)


def _factorize_int(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense codes of integer `values` in order of first appearance, and how many."""
    codes, uniques = pd.factorize(values)
    return codes.astype("int64"), len(uniques)


def _case_numbers(ds: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """For each allocation row: its CASE_TYPE (codes into labels) and its case, one number
    per (LA, IRO_ID, CHILD, CASE_TYPE) numbered in order of first appearance; and the number
    of cases (cached)."""

    def build() -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        alloc = ds.held("iro_allocations").reset_index(drop=True)
        kind, labels = _case_type_codes(alloc)
        n = len(alloc)
        # equal numbers for equal identifiers (digits read as numbers: no hashing of text)
        child, width = identifier_numbers(alloc["CHILD"])
        # a blank CHILD is never a duplicate of another row: give it a code of its own
        child = np.where(child < 0, width + np.arange(n), child).astype("int64")
        type_code = pd.factorize(labels, use_na_sentinel=False)[0][kind]
        parts = [
            _la_codes(ds, "iro_allocations")[0],
            pd.factorize(alloc["IRO_ID"], use_na_sentinel=False)[0],
            child,
            type_code,
        ]
        sizes = [int(np.max(p, initial=0)) + 1 for p in parts]
        if float(np.prod(sizes, dtype="float64")) < 2.0**62:
            key = np.zeros(n, dtype="int64")
            for part, size in zip(parts, sizes):
                key = key * size + np.asarray(part, dtype="int64")
            case, size = _factorize_int(key)
        else:  # combine one column at a time, re-numbering densely so nothing overflows
            case, size = _factorize_int(np.asarray(parts[0], dtype="int64"))
            for part in parts[1:]:
                part = np.asarray(part, dtype="int64")
                case, size = _factorize_int(case * (int(part.max(initial=0)) + 1) + part)
        return kind, labels, case, size

    return ds.cached("iro_case_numbers", build)


def _active_cases(ds: Dataset, at: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """(row, k): one allocation row per case active at each reference position k, sorted by
    (k, case); cached per dataset and dates (both caseload indicators share it)."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        alloc = ds.held("iro_allocations")
        _, _, case, n_case = _case_numbers(ds)
        rows, ks = expand(alloc["START"], alloc["END"], at)
        key = ks * max(n_case, 1) + case[rows]
        if key.size and int(key.max()) < 400_000_000:  # a bitmap: sorted distinct keys
            seen = np.zeros(int(key.max()) + 1, dtype=bool)
            seen[key] = True
            distinct = np.flatnonzero(seen)
        else:
            distinct = np.unique(key)
        # the first row of each case stands for it (same LA and case type by construction)
        first = np.full(max(n_case, 1), -1, dtype="int64")
        first[case[::-1]] = np.arange(len(case) - 1, -1, -1, dtype="int64")
        k = distinct // max(n_case, 1)
        distinct -= k * max(n_case, 1)  # the case (a remainder is far dearer than this)
        return first[distinct], k.astype("int64")

    stamp = np.asarray(at, dtype=DATE_DTYPE).view("int64").tobytes().hex()
    return ds.cached(f"iro_active_cases:{stamp}", build)


def _posts(ds: Dataset, at: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """(row, k): one `iro_staff` row per IRO in post at each reference position k (the
    latest-starting when an IRO has overlapping rows). Cached per dataset and dates (both
    caseload indicators share it)."""
    stamp = np.asarray(at, dtype=DATE_DTYPE).view("int64").tobytes().hex()
    return ds.cached(f"iro_posts:{stamp}", lambda: _posts_in_post(ds, at))


def _posts_in_post(ds: Dataset, at: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    staff = ds.held("iro_staff").reset_index(drop=True)
    start = np.asarray(staff["START"], dtype=DATE_DTYPE)
    rows, ks = expand(staff["START"], staff["END"], at)
    post = pd.DataFrame(
        {
            "k": ks,
            "LA": _la(staff).to_numpy()[rows],
            "iro": staff["IRO_ID"].astype("string").to_numpy()[rows],
            "start": start[rows],
            "row": rows,
        }
    )
    post = post.sort_values(["k", "LA", "iro", "start"], kind="stable")
    post = post.drop_duplicates(["k", "LA", "iro"], keep="last")
    return post["row"].to_numpy(), post["k"].to_numpy()


STAFF_READS = ("IRO_ID", "FTE", "START", "END")


def _fte(ds: Dataset) -> np.ndarray:
    """The FTE of each `iro_staff` row (a blank counts 0)."""
    fte = ds.held("iro_staff")["FTE"]
    return pd.to_numeric(fte, errors="coerce").fillna(0.0).to_numpy(dtype="float64")


def _no_iro_in_post(
    ds: Dataset, at: pd.DatetimeIndex, params: Mapping[str, Any]
) -> dict[pd.Timestamp, str]:
    """The dates no IRO is in post at (no usable `iro_staff` row active, FTE above 0), with
    why: the caseload's denominator is 0 FTE, so it has no value, and the reason is the
    staff, not the children (the cases may be 1,784). Where staff rows end on the date
    itself, the reason says that END is read as the first day no longer in post (an HR
    list's END of 31/03 written as the last day in post); rows in post then but left out for
    an unusable cell are counted."""
    if not len(at):
        return {}
    staff = ds.held("iro_staff").reset_index(drop=True)
    fte = _fte(ds)
    rows, ks = expand(staff["START"], staff["END"], at)
    un = ds.unusable
    bad = un.loc[(un["table"] == "iro_staff") & un["column"].isin(STAFF_READS), "row"]
    left_out = np.isin(rows, bad.to_numpy(dtype="int64"))
    in_post = np.bincount(ks[~left_out & (fte[rows] > 0)], minlength=len(at))
    unusable = np.bincount(ks[left_out], minlength=len(at))
    ends = np.asarray(staff["END"], dtype=DATE_DTYPE)
    out: dict[pd.Timestamp, str] = {}
    for k in np.flatnonzero(in_post == 0):  # a handful of dates, not IROs
        when = pd.Timestamp(at[k])
        said = []
        if ending := int((ends == when.to_datetime64()).sum()):
            said.append(
                f"{ending:,} iro_staff row{'s' * (ending != 1)} end{'s' * (ending == 1)} that "
                "day, and END is read as the first day no longer in post"
            )
        if n := int(unusable[k]):
            said.append(
                f"{n:,} iro_staff row{'s' * (n != 1)} in post then left out for an unusable "
                "cell; scorecard validate lists them"
            )
        why = f"not available: no IRO in post (iro_staff) on {when:%d/%m/%Y}"
        out[when] = f"{why} ({'; '.join(said)})" if said else why
    return out


def _la_categories(ds: Dataset) -> pd.Index:
    """The LA labels of both IRO tables, sorted (a blank LA reads 'Unknown')."""
    both = [_la_codes(ds, t)[1].to_series() for t in ("iro_allocations", "iro_staff")]
    labels = pd.concat(both, ignore_index=True).astype("string").fillna("Unknown")
    return pd.Index(labels.unique(), dtype="str").sort_values()


def _la_positions(ds: Dataset, table: str, rows: np.ndarray) -> np.ndarray:
    """The LA of the rows of `table` as positions in `_la_categories` (a blank: 'Unknown')."""
    codes, labels = _la_codes(ds, table)
    las = _la_categories(ds)
    position = las.get_indexer(pd.Series(labels, dtype="string").fillna("Unknown").astype("str"))
    return position[codes[rows]]


def _with_la(ds: Dataset, table: str, units: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The LA of each unit, categorical over both tables' LAs (cheap on pooled data)."""
    la = pd.Categorical.from_codes(_la_positions(ds, table, rows), categories=_la_categories(ds))
    return units.assign(LA=la)


def _fast(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, cp_weight: float = 0.0
) -> pd.DataFrame:
    """The figure straight from the allocations' and posts' rows, without a unit frame: the
    units' groups numbered as `breakdowns.summarise` numbers them (cases, then posts, as
    `iro_caseload` lists them) and summed to the same bits. The cases are counted from
    each allocation's range of dates (`_cases_per_group`), not one row per case and date
    (4.3 million on the pooled benchmark data); where that cannot give the same bits, from
    the active cases."""
    by_la = _check_by(ds, by)
    las = _la_categories(ds)
    slots = len(las) + 1 if by_la else 1  # summarise keeps a last slot for a blank
    post_rows, post_ks = _posts(ds, at)
    post_number = post_ks.astype("int64") * slots
    if by_la:
        post_number += _la_positions(ds, "iro_staff", post_rows)
    cases = _cases_per_group(ds, at, by_la, slots, cp_weight)
    # the units' column lists the cases before the posts: pandas sums it compensated in
    # row order when a case's group comes after a post's (checked on the dates alone)
    if cases is None or not len(post_ks) or cases[2] <= int(post_ks[0]):
        return _fast_from_cases(ds, at, by_la, las, cp_weight, post_rows, post_number)
    count, numerator, _ = cases
    fte = _fte(ds)
    total = len(at) * slots
    count += np.bincount(post_number, minlength=total)
    denominator = sums_behind_zeros(fte[post_rows], post_number, total)
    present = np.flatnonzero(count) if by_la else np.arange(total)
    return figure_from_sums(
        at,
        present,
        numerator[present],
        denominator[present],
        "ratio",
        las=las if by_la else None,
    )


def _cases_per_group(
    ds: Dataset, at: pd.DatetimeIndex, by_la: bool, slots: int, cp_weight: float
) -> tuple[np.ndarray, np.ndarray, int] | None:
    """Per group (date position x `slots` + the LA's position), the cases active then and
    the sum of their weights, dense, with the last date position any case is active at;
    None when no case is active or the weights might not sum exactly in any order.

    A case of one allocation row is active over that row's range of dates: +1 where the
    range opens and -1 where it closes, summed along the dates. The few cases of several
    rows (one child allocated twice) are expanded and counted once per date, as
    `_active_cases` counts them."""
    kind, labels, case, n_case = _case_numbers(ds)
    weight = case_weights(labels, cp_weight)
    if not sums_exactly(weight, len(case)):
        return None
    alloc = ds.held("iro_allocations")
    i0, i1 = date_ranges(alloc["START"], alloc["END"], at)
    live = i1 > i0
    if not live.any():
        return None
    rows = np.arange(len(case))
    la = _la_positions(ds, "iro_allocations", rows) if by_la else np.zeros(len(case), "int64")
    w = weight[kind]
    several = np.bincount(case, minlength=n_case)[case] > 1
    one = np.flatnonzero(live & ~several)
    n = len(at)
    opens, closes = i0[one] * slots + la[one], i1[one] * slots + la[one]
    cells = (n + 1) * slots  # a range may close after the last date
    count = np.bincount(opens, minlength=cells) - np.bincount(closes, minlength=cells)
    weights = np.bincount(opens, weights=w[one], minlength=cells)
    weights -= np.bincount(closes, weights=w[one], minlength=cells)
    count = count.reshape(n + 1, slots).cumsum(axis=0)[:n].ravel()
    weights = weights.reshape(n + 1, slots).cumsum(axis=0)[:n].ravel()
    many = np.flatnonzero(live & several)
    if len(many):  # each case once per date, with its LA and weight (the same on its rows)
        r, k = expand(alloc["START"].to_numpy()[many], alloc["END"].to_numpy()[many], at)
        key = np.unique(k * n_case + case[many][r])
        k = key // n_case
        which = key - k * n_case
        case_la, case_w = np.zeros(n_case, dtype="int64"), np.zeros(n_case)
        case_la[case[many]], case_w[case[many]] = la[many], w[many]
        cell = k * slots + case_la[which]
        count += np.bincount(cell, minlength=n * slots)
        weights += np.bincount(cell, weights=case_w[which], minlength=n * slots)
    return count, weights, int(i1[live].max()) - 1


def _fast_from_cases(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by_la: bool,
    las: pd.Index,
    cp_weight: float,
    post_rows: np.ndarray,
    post_number: np.ndarray,
) -> pd.DataFrame:
    """`_fast` from the active cases themselves, one per case and date: each kind of
    unit's contributions summed by the same `GroupSums` as the units."""
    kind, labels, _, _ = _case_numbers(ds)
    case_rows, case_ks = _active_cases(ds, at)
    fte = _fte(ds)
    slots = len(las) + 1 if by_la else 1
    n_cases = len(case_rows)
    number = case_ks.astype("int64") * slots
    if by_la:
        number += _la_positions(ds, "iro_allocations", case_rows)
    number = np.concatenate([number, post_number])
    summer = GroupSums(number, len(at) * slots, every_group=not by_la)
    # each kind of unit carries 0 in the other's column: only its own values are summed
    numerator = summer.sums_in(case_weights(labels, cp_weight)[kind[case_rows]])
    denominator = summer.sums_in(fte[post_rows], first=n_cases)
    return figure_from_sums(
        at, summer.present, numerator, denominator, "ratio", las=las if by_la else None
    )


def _iro_facts(frame: pd.DataFrame, rows: np.ndarray, columns: tuple[str, ...]) -> dict:
    """The `columns` of `frame` there are, at `rows` (only those rows written out)."""
    return {col: taken(frame[col], rows).to_numpy() for col in columns if col in frame.columns}


@measure(
    stat="ratio",
    unit="IRO case (and IRO post)",
    reads={
        "iro_allocations": ("IRO_ID", "CHILD", "START", "END", "CASE_TYPE"),
        "iro_staff": STAFF_READS,
    },
    refuses=dict.fromkeys(CHILD_BREAKDOWNS, NOT_CHILDREN),
    fast=_fast,
    missing=_no_iro_in_post,
)
def iro_caseload(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    detail: bool = False,
    cp_weight: float = 0.0,
) -> pd.DataFrame:
    """(CLA cases + cp_weight x CP cases) active at `at` per FTE IRO in post at `at`.

    Units: each case active at `at` (numerator 1 for CLA, `cp_weight` for CP; denominator 0)
    and each IRO in post (numerator 0; denominator the FTE); facts: IRO_ID, CHILD, CASE_TYPE,
    START, END, FTE.
    """
    by_la = _check_by(ds, by)
    ats = np.asarray(at, dtype=DATE_DTYPE)
    kind, labels, _, _ = _case_numbers(ds)
    weight = case_weights(labels, cp_weight)[kind]
    case_rows, case_ks = _active_cases(ds, at)
    cases = pd.DataFrame(
        {"period_end": ats[case_ks], "num": weight[case_rows], "den": 0.0}, copy=False
    )
    if detail:  # which kind of unit each row is: only `units` shows it
        cases.insert(1, "unit", "IRO case")
    if by_la:
        cases = _with_la(ds, "iro_allocations", cases, case_rows)
    staff = ds.held("iro_staff").reset_index(drop=True)
    fte = _fte(ds)
    post_rows, post_ks = _posts(ds, at)
    posts = pd.DataFrame({"period_end": ats[post_ks], "num": 0.0, "den": fte[post_rows]})
    if detail:
        posts.insert(1, "unit", "IRO post")
    if by_la:
        posts = _with_la(ds, "iro_staff", posts, post_rows)
    if detail:
        alloc = ds.held("iro_allocations").reset_index(drop=True)
        cases = with_facts(
            cases,
            CASE_TYPE=labels[kind[case_rows]],
            **_iro_facts(alloc, case_rows, ("LA", "IRO_ID", "CHILD", "START", "END")),
        )
        posts = with_facts(
            posts,
            FTE=fte[post_rows],
            **_iro_facts(staff, post_rows, ("LA", "IRO_ID", "START", "END")),
        )
    return pd.concat([cases, posts], ignore_index=True)
