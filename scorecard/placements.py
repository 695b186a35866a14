"""The placement sequence: which episodes start a new placement, and since when a child has
lived in the current one (SPEC section 5, placement stability).

One row per row of `care.episode_index(ds)` (same positions), cached per dataset and per set of
same-carer reasons. Every flag is computed with array operations over all episodes at once.

- `temporary`: PLACE T0-T4.
- `starts_placement`: RNE S, P or B (plus L, T or U when they are not treated as same-carer
  moves), PLACE not temporary, PLACE not A3/A5 (placed for adoption with the current foster
  carer), and not a return to the placement held just before a run of temporary placements
  (same PLACE, PLACE_PROVIDER and URN as the last non-temporary episode before the run, blank
  equal to blank, a withdrawn PLACE equal to its one replacement (H5, K3), within the same
  period of care).
- `tenure_start`: DECOM of the latest placement-starting episode up to this one in the
  period of care; when that one is a placement for adoption with new carers (A4/A6), the
  start of the placement before it (DfE counts the two together; after two adoptive moves,
  the first adoptive placement), and when no episode of the period before it started a
  placement (the period began with a temporary or A3/A5 placement, or with a same-carer
  episode), the period's start. Before any placement-starting episode of the period, the
  period's start.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from . import codes as code_lists
from .care import POSITION, TEMPORARY_PLACES, code_in, episode_codes, episode_index
from .compact import codes_of, is_held, taken
from .dataset import Dataset
from .periods import DATE_DTYPE

SAME_CARER_REASONS: tuple[str, ...] = ("L", "T", "U")
# RNE codes that can open a new placement; those listed as same-carer reasons never do
PLACEMENT_REASONS: tuple[str, ...] = ("S", "P", "B", "L", "T", "U")
ADOPTION_WITH_FOSTER_CARER: tuple[str, ...] = ("A3", "A5")
ADOPTION_WITH_NEW_CARERS: tuple[str, ...] = ("A4", "A6")
# what identifies "the same placement" when a child comes back from a temporary one
PLACEMENT_IDENTITY: tuple[str, ...] = ("PLACE", "PLACE_PROVIDER", "URN")
# the episode columns the placement sequence reads (beside care.EPISODE_CORE)
PLACEMENT_COLUMNS: tuple[str, ...] = ("RNE", *PLACEMENT_IDENTITY)


def normalise_reasons(reasons: Iterable[str] | None) -> tuple[str, ...]:
    """Same-carer RNE codes as a sorted tuple of upper-case codes (the cache key)."""
    if reasons is None:
        return ()
    if isinstance(reasons, str):
        reasons = [reasons]
    return tuple(sorted({str(r).strip().upper() for r in reasons}))


def _last_before(valid: np.ndarray, group: np.ndarray) -> np.ndarray:
    """For each row, the position of the last row strictly before it in the same group where
    `valid` holds (-1 when none). Rows of a group are contiguous."""
    upto = _last_valid(valid)  # last valid at or before each row
    before = np.empty_like(upto)
    before[:1] = -1
    before[1:] = upto[:-1]
    return _within(before, group)


def _last_upto(valid: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Like `_last_before`, but the row itself counts."""
    return _within(_last_valid(valid), group)


def _last_valid(valid: np.ndarray) -> np.ndarray:
    """The position of the last row at or before each row where `valid` holds (-1 when
    none), as int32 (positions of episodes: half the fresh memory of int64)."""
    pos = np.where(valid, np.arange(len(valid), dtype=POSITION), -1)
    return np.maximum.accumulate(pos) if len(pos) else pos


def _within(found: np.ndarray, group: np.ndarray) -> np.ndarray:
    """`found` (positions, -1 none) where it lies in the row's own group, else -1 (one
    gather over all rows: cheaper than picking the rows with a mask three times)."""
    same = group[np.maximum(found, 0)] == group
    same &= found >= 0
    return np.where(same, found, -1)


def _same_placement(ds: Dataset, col: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where episodes `a` and `b` (positions in `care.episode_index`) have the same
    `col`, stripped and upper-cased, blank equal to blank (a table without the column: all
    blank); a PLACE code the DfE withdrew equals its one replacement (H5 and K3: an H5
    placement continues as K3 from 2024-25). Only the episodes compared are read."""
    table = ds.held("episodes")
    if col not in table.columns:
        return np.ones(len(a), dtype=bool)
    rows = episode_index(ds)["row"].to_numpy()
    column = table[col]
    if is_held(column):  # each distinct code read once (PLACE: 78 ms to 5 ms, pooled data)
        codes = codes_of(column)
        values = pd.Series(column.cat.categories)  # distinct, never blank; a blank's code -1
        keys = np.append(_placement_keys(values, col), -1)
        return keys[codes[rows[a]]] == keys[codes[rows[b]]]
    keys = _placement_keys(pd.Series(taken(column, np.r_[rows[a], rows[b]])), col)
    return keys[: len(a)] == keys[len(a) :]


def _placement_keys(values: pd.Series, col: str) -> np.ndarray:
    """One integer per value, equal where the values are the same placement: stripped and
    upper-cased, a withdrawn PLACE code as its replacement (H5 then K3 is one placement),
    a blank equal to a blank and to nothing else."""
    values = values.astype("string").str.strip().str.upper()
    if col == "PLACE":  # written as the latest year writes it
        values = code_lists.recode("PLACE", values, year=code_lists.LAST_YEAR)
    keys, _ = pd.factorize(values.fillna("\x00"))
    return keys


def placement_sequence(
    ds: Dataset, same_carer_reasons: Iterable[str] | None = SAME_CARER_REASONS
) -> pd.DataFrame:
    """Per-episode placement flags, aligned with `care.episode_index(ds)` (cached).

    Columns: `cid`, `period_id`, `DECOM`, `DEC`, `PLACE`, `temporary`, `starts_placement`,
    `tenure_start`. RNE codes in `same_carer_reasons` never start a placement.
    """
    reasons = normalise_reasons(same_carer_reasons)

    def build() -> pd.DataFrame:
        e = episode_index(ds)
        place, places = episode_codes(ds, "PLACE")
        period = e["period_id"].to_numpy()
        temporary = code_in(ds, "PLACE", TEMPORARY_PLACES)

        # a return from temporary placements: the episode just before is temporary and the
        # last non-temporary episode before the run (same period) is the same placement
        prev_temp = _last_before(np.ones(len(e), dtype=bool), period)
        after_temp = (prev_temp >= 0) & temporary[np.where(prev_temp >= 0, prev_temp, 0)]
        before_run = _last_before(~temporary, period)
        returning = after_temp & (before_run >= 0)
        back = np.flatnonzero(returning)  # few: only episodes right after a temporary run
        same = np.ones(len(back), dtype=bool)
        for col in PLACEMENT_IDENTITY:
            same &= _same_placement(ds, col, back, before_run[back])
        returning[back] = same

        opening = [r for r in PLACEMENT_REASONS if r not in reasons]
        starts = (
            code_in(ds, "RNE", opening)
            & ~temporary
            & ~code_in(ds, "PLACE", ADOPTION_WITH_FOSTER_CARER)
            & ~returning
        )

        # tenure: the DECOM of the latest placement start, except an adoption with new
        # carers, which runs from the start of the placement before it (the start before
        # it in the period, whatever its PLACE), else from the period's start (the period
        # began with a temporary, A3/A5 or same-carer episode)
        decom = np.asarray(e["DECOM"], dtype=DATE_DTYPE)
        latest = _last_upto(starts, period)
        before = _last_before(starts, period)
        anchor = np.where(latest >= 0, latest, 0)
        adoption_new = code_in(ds, "PLACE", ADOPTION_WITH_NEW_CARERS)
        anchor = np.where((latest >= 0) & adoption_new[anchor], before[anchor], latest)
        tenure = np.where(
            anchor >= 0,
            decom[np.where(anchor >= 0, anchor, 0)],
            np.asarray(e["period_start"], dtype=DATE_DTYPE),
        )
        return pd.DataFrame(
            {
                "cid": e["cid"].to_numpy(),
                "period_id": period,
                "DECOM": decom,
                "DEC": np.asarray(e["DEC"], dtype=DATE_DTYPE),
                "PLACE": pd.Categorical.from_codes(place, categories=places),
                "temporary": temporary,
                "starts_placement": starts,
                "tenure_start": tenure.astype(DATE_DTYPE),
            },
            copy=False,
        )

    return ds.cached(f"placement_sequence:{','.join(reasons)}", build)
