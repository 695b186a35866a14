"""Helpers for the facts a measure shows beside each unit (`sc.units`): dates as text,
several rows of one unit joined into one cell, the lower-bound flag of a period of care.

Only `units(..., detail=True)` builds the text facts; `compute` never pays for them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..care import code_in, episode_index
from ..dataset import Dataset

# the caveat on figures built from days in care (`note` of compute, a fact on each unit)
LOWER_BOUND = (
    "lower bound for {n} of {den} children: their period of care began before the data "
    "starts{since}"
)
# that caveat found where it stands in a note that may hold others ('3 rows left out: ...;
# lower bound for 5 of 111 ...'): its groups n, den and why ('their period of care ...')
LOWER_BOUND_FOUND = re.compile(
    re.escape(LOWER_BOUND.split("{n}")[0]) + r"(?P<n>\S+) of (?P<den>\S+) children: (?P<why>[^;]*)"
)


def says_lower_bound(note: object) -> bool:
    """True for a note saying a figure's days are lower bounds (`LOWER_BOUND`)."""
    return isinstance(note, str) and LOWER_BOUND_FOUND.search(note) is not None


def lower_bound_reason(note: object) -> str:
    """Why a figure's days are a lower bound, in the note's words ('their period of care
    began before the data starts (01/04/2015)'); '' for a note that does not say so."""
    found = LOWER_BOUND_FOUND.search(note) if isinstance(note, str) else None
    return found["why"] if found else ""


def lower_bound_share(note: object) -> float:
    """The share of a figure's children whose days are lower bounds, from its note (0 when
    it says none; 1 when its numbers are withheld)."""
    found = LOWER_BOUND_FOUND.search(note) if isinstance(note, str) else None
    if found is None:
        return 0.0
    n, den = (found[g].replace(",", "") for g in ("n", "den"))
    if not (n.isdigit() and den.isdigit()) or not int(den):  # withheld ('c of 111')
        return 1.0
    return int(n) / int(den)


def join_per_key(keys: np.ndarray, texts: np.ndarray, sep: str = "; ") -> pd.Series:
    """`texts` joined with `sep` per key, in their order; `keys` must be sorted (grouped).
    Returns a Series indexed by the distinct keys (object dtype)."""
    keys = np.asarray(keys)
    if not keys.size:
        return pd.Series([], dtype=object)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    with_sep = np.asarray(texts, dtype=object) + sep
    joined = pd.Series(np.add.reduceat(with_sep, starts), index=keys[starts], dtype=object)
    return joined.str.slice(0, -len(sep)) if sep else joined


def period_lower_bound(ds: Dataset, period_id: np.ndarray) -> np.ndarray:
    """1 where the period of care began before the data: its first episode in the data is
    not RNE S (started to be looked after), so its start is not the real one (SPEC section
    4); 0 otherwise. Cached per dataset."""

    def build() -> np.ndarray:
        pid = episode_index(ds)["period_id"].to_numpy()
        first = np.flatnonzero(np.r_[True, pid[1:] != pid[:-1]]) if len(pid) else pid
        started = code_in(ds, "RNE", ["S"])[first]
        return (~started).astype("int64") if len(first) else np.zeros(0, dtype="int64")

    flags = ds.cached("period_lower_bound", build)
    return flags[np.asarray(period_id, dtype="int64")] if len(flags) else np.zeros(0, "int64")


def date_text(values: pd.Series | np.ndarray) -> np.ndarray:
    """Dates as dd/mm/YYYY text ('' when blank)."""
    return (
        pd.Series(np.asarray(values, dtype="datetime64[ns]"))
        .dt.strftime("%d/%m/%Y")
        .fillna("")
        .to_numpy(dtype=object)
    )


def with_facts(units: pd.DataFrame, **facts: object) -> pd.DataFrame:
    """`units` with the facts added as columns, never replacing a column already there (a
    breakdown of the same name keeps its labels)."""
    return units.assign(**{k: v for k, v in facts.items() if k not in units.columns})
