"""Small-number suppression for published scorecards (SPEC section 10).

DfE-style rules (`threshold` 5 by default):

- Small counts: a count of 1 to `threshold` children is shown as 'c', and any value computed
  from a suppressed count is withheld too. Indicators whose numerator is not a count of
  children (`publish_counts: false`: days in care) are suppressed only when their
  denominator is small. A caseload per FTE IRO (`unit: ratio`) counts children's cases over
  staff: withheld when its cases are few, never for a small number of staff. Zero is not
  suppressed.
- Complements: a percentage whose base is children and whose numerator leaves out 1 to
  `threshold` of them (78 of 79) gives that small number away by subtraction, so its
  numerator and value are withheld as a small count's are; the base stays shown. A
  complement of zero (79 of 79, 100%) is not suppressed.
- Cohort differences: the care leavers' suitable accommodation base leaves out the young
  people whose accommodation was not assessed, whom the NEET, EET and in-touch figures of the
  same ages count. Where the base falls 1 to `threshold` short of that cohort, the
  difference is a small number: the figure's base, numerator and value are withheld. In the
  district view the base is compared with the largest base among its sibling figures (one
  measure, parameters differing only in `outcome`) in the same district; on the scorecard
  rows and the trend, the figure's note gives the difference ('7 of the cohort not in this
  base'). Numbers of 1 to `threshold` in notes and caveats are shown as 'c'.
- Activity of one cohort: the care leavers' activity splits each cohort three ways, in
  education, employment or training, NEET, and not known (not in touch), and in touch is the
  first two together. A part worked out from the others (the cohort less EET and NEET; in
  touch less EET) that is 1 to `threshold` takes the smallest shown part of that sum with
  it, until no sum has a lone withheld small part.

Suppression is applied before anything is written: to the current figures, to every quarter
of the trend and to the district view.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..measures.care_leavers import NOT_ASSESSED
from ..measures.facts import LOWER_BOUND_FOUND
from .fmt import SUPPRESSED

# why a 'c' stands where a figure would, one wording per rule (the charts say it too): a small
# number counted, or left out of the base (13 of 18 leaves 5 out)
WITHHELD_SMALL = "too few children to publish (in the figure or left out of it)"
# withheld with another 'c' (complementary suppression)
WITHHELD_SECONDARY = "so that another figure cannot be worked out"

# units whose value is a share of a base of children: the rest of the base are children too
SHARE_UNITS = frozenset({"percent"})
# units whose base is staff, not children (cases per FTE IRO): a small base is no small number
STAFF_BASE_UNITS = frozenset({"ratio"})
# the parameter that tells apart figures of one measure counted on the same cohort
OUTCOME_PARAM = "outcome"
# the outcomes that split a cohort's activity (the rest: not known), and the one that is
# their sum (in touch); see `activity_secondary`
ACTIVITY_PARTS = ("eet", "neet")
ACTIVITY_WHOLE = "in_touch"
# columns of free text that may carry a number of children
TEXT_COLUMNS = ("note", "caveat")
# 'N of the cohort not in this base', as the care leavers' accommodation note words it
_LEFT_OUT = re.compile(
    r"(?<![\d/.,:])(\d[\d,]*)" + re.escape(NOT_ASSESSED.split("{n}", 1)[1].split("{", 1)[0])
)


def small(counts: pd.Series, threshold: int) -> pd.Series:
    """True where a count lies in 1..threshold (missing counts are never small)."""
    c = pd.to_numeric(counts, errors="coerce")
    return ((c >= 1) & (c <= threshold)).fillna(False).astype(bool)


def implied_count(frame: pd.DataFrame, units: pd.Series | None) -> pd.Series:
    """The count of children behind each row: for a percentage, value x denominator / 100
    (which does not rely on how a measure scales its numerator), else the numerator."""
    num = pd.to_numeric(frame["numerator"], errors="coerce")
    if units is None:
        return num
    value = pd.to_numeric(frame["value"], errors="coerce")
    den = pd.to_numeric(frame["denominator"], errors="coerce")
    pct = (np.asarray(units, dtype=object) == "percent") & value.notna().to_numpy()
    pct &= den.notna().to_numpy()
    implied = (value * den / 100.0).round()
    return num.where(~pct, implied)


def complement(frame: pd.DataFrame, units: pd.Series | None) -> pd.Series:
    """The children of each row's base not in its count (denominator - count) where the value
    is a share of a base of children (`SHARE_UNITS`); NaN elsewhere and without `units`."""
    if units is None:
        return pd.Series(np.nan, index=frame.index)
    den = pd.to_numeric(frame["denominator"], errors="coerce")
    share = np.isin(np.asarray(units, dtype=object), list(SHARE_UNITS))
    return (den - implied_count(frame, units)).where(share)


def suppression_mask(
    frame: pd.DataFrame,
    publish_counts: pd.Series,
    threshold: int,
    units: pd.Series | None = None,
    shortfall: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Which numerators, denominators and values to withhold, row by row.

    `frame` has `numerator`, `denominator`, `value`; `publish_counts` is aligned with it (True
    when the numerator is a count of children); `units` (optional, aligned) lets a percentage
    be judged by the count of children it implies and by the rest of its base (the
    complement); `shortfall` (optional, aligned) is how many of its cohort each row's base
    leaves out (`base_shortfall`).
    """
    counts = publish_counts.astype(bool).to_numpy()
    has_num = frame["numerator"].notna().to_numpy()
    num_small = small(implied_count(frame, units), threshold).to_numpy() & counts
    # 78 of 79 gives away the 1 not counted: withheld as a small count is
    num_small |= small(complement(frame, units), threshold).to_numpy() & counts
    den_small = small(frame["denominator"], threshold).to_numpy()
    if units is not None:
        den_small = den_small & ~np.isin(np.asarray(units, dtype=object), list(STAFF_BASE_UNITS))
    # a base 1..threshold short of the cohort its sibling figures show gives the gap away
    short = np.zeros(len(frame), dtype=bool)
    if shortfall is not None:
        short = small(shortfall, threshold).to_numpy() & frame["denominator"].notna().to_numpy()
    value = num_small | den_small | short
    # a numerator that is not a count (days, weighted cases) is withheld with its small
    # denominator, since the two together give the value back
    num = num_small | (den_small & ~counts)
    # a count numerator under a withheld denominator is at most the denominator: withhold it
    num = num | ((den_small | short) & counts & has_num) | (short & ~counts)
    den = den_small | short
    idx = frame.index
    return pd.Series(num, idx), pd.Series(den, idx), pd.Series(value, idx)


def cohort_outcomes(ids: pd.Series, catalogue: Any) -> pd.Series:
    """For each indicator id, its `outcome` parameter (the care leavers' figures); None for
    other indicators."""
    names = ids.astype(str)
    found = {i: catalogue.get(i).params.get(OUTCOME_PARAM) for i in pd.unique(names)}
    return pd.Series([found[i] for i in names], index=ids.index, dtype=object)


def activity_secondary(
    frame: pd.DataFrame,
    groups: pd.Series,
    outcomes: pd.Series,
    keys: Sequence[str],
    withheld: np.ndarray,
    threshold: int,
) -> np.ndarray:
    """`withheld` (numerators withheld, aligned with `frame`) with more numerators withheld
    where the parts of a cohort's activity would give a small one away by subtraction.

    In each cohort (`groups`) at each `keys`: cohort = EET + NEET + not known, and in touch =
    EET + NEET where the figures say so. Not known is never shown. A sum with one part
    unknown gives that part; one of 1..threshold takes the smallest shown part of the sum
    with it (zero included); a larger one is then known and may give another part away.
    (A loop over cohorts, dates and districts: a few dozen, not children.)"""
    out = np.asarray(withheld, dtype=bool).copy()
    num = pd.to_numeric(frame["numerator"], errors="coerce").to_numpy()
    den = pd.to_numeric(frame["denominator"], errors="coerce").to_numpy()
    kinds = outcomes.to_numpy(dtype=object)
    care = groups.notna().to_numpy() & np.isin(kinds, [*ACTIVITY_PARTS, ACTIVITY_WHOLE])
    if not care.any():
        return out
    blocks = frame.loc[care].groupby([groups[care], *(frame.loc[care, k] for k in keys)])
    for rows in blocks.indices.values():
        at = {kinds[i]: i for i in np.flatnonzero(care)[rows]}
        if not all(p in at for p in ACTIVITY_PARTS) or np.isnan(den[at["eet"]]):
            continue
        cells = {k: num[i] for k, i in at.items()}
        cells["not known"] = den[at["eet"]] - cells["eet"] - cells["neet"]
        sums = [("eet", "neet", "not known")]  # ... = the cohort
        if ACTIVITY_WHOLE in at and cells[ACTIVITY_WHOLE] == cells["eet"] + cells["neet"]:
            sums.append(("eet", "neet", ACTIVITY_WHOLE))  # in touch less one part: the other
        known = {k for k, i in at.items() if not out[i]}
        changed = True
        while changed:  # each pass withholds a shown part or learns one: it ends
            changed = False
            for parts in sums:
                unknown = [p for p in parts if p not in known]
                if len(unknown) != 1:
                    continue
                if not 1 <= cells[unknown[0]] <= threshold:
                    known.add(unknown[0])  # a reader can work it out; it is not small
                    changed = True
                    continue
                shown = [p for p in parts if p in known and p in at and not out[at[p]]]
                if shown:
                    pick = min(shown, key=lambda p: cells[p])
                    out[at[pick]] = True
                    known.discard(pick)
                    changed = True
    return out


def cohort_groups(ids: pd.Series, catalogue: Any) -> pd.Series:
    """For each indicator id, a label shared by the figures counted on one cohort (one
    measure, the same parameters but `outcome`: the care leavers' NEET, EET, in-touch and
    suitable accommodation figures of one age range); None for other indicators."""

    names = ids.astype(str)
    labels = {i: catalogue.get(i).cohort for i in pd.unique(names)}
    return pd.Series([labels[i] for i in names], index=ids.index, dtype=object)


def base_shortfall(
    frame: pd.DataFrame,
    groups: pd.Series | None = None,
    keys: Sequence[str] = (),
) -> pd.Series:
    """How many of its cohort each row's base leaves out (0 where none or unknown): the
    largest denominator among the rows of its cohort group (`cohort_groups`, aligned) with
    the same `keys` (date, district) less its own, and at least the number its note or caveat
    gives ('7 of the cohort not in this base')."""
    out = pd.Series(0.0, index=frame.index)
    den = pd.to_numeric(frame["denominator"], errors="coerce")
    if groups is not None and groups.notna().any():
        parts = [groups.to_numpy(), *(frame[k].to_numpy() for k in keys)]
        cohort = den.groupby(parts, dropna=True).transform("max")
        gap = (cohort - den).where(groups.notna().to_numpy())
        out = np.fmax(out, gap.fillna(0.0))
    for col in TEXT_COLUMNS:
        if col in frame:
            said = frame[col].map(_left_out).astype("float64")
            out = np.fmax(out, said.fillna(0.0))
    return pd.Series(np.asarray(out, dtype="float64"), index=frame.index)


def _left_out(text: object) -> float:
    """The N of 'N of the cohort not in this base' in a note (NaN when it has none)."""
    if not isinstance(text, str):
        return np.nan
    found = _LEFT_OUT.search(text)
    return float(found.group(1).replace(",", "")) if found else np.nan


def apply_suppression(
    frame: pd.DataFrame,
    publish_counts: pd.Series,
    threshold: int,
    extra_columns: tuple[str, ...] = (),
    units: pd.Series | None = None,
    groups: pd.Series | None = None,
    keys: Sequence[str] = (),
    outcomes: pd.Series | None = None,
) -> pd.DataFrame:
    """A copy of `frame` with withheld cells replaced by 'c', a `suppressed` flag column, and
    `secondary`: withheld only so that another figure cannot be worked out.

    `extra_columns` (e.g. changes) are withheld wherever the value is. `groups` (aligned,
    `cohort_groups`) and `keys` (the columns that tell one date or breakdown value from
    another) let a base be compared with its cohort; so does a `note` or `caveat` column,
    whose numbers of 1..threshold are shown as 'c'. With `outcomes` too (`cohort_outcomes`)
    the parts of a cohort's activity are kept from giving each other away
    (`activity_secondary`).
    """
    if threshold < 1:
        out = frame.copy()
        out["suppressed"] = out["secondary"] = False
        return out
    shortfall = base_shortfall(frame, groups, keys)
    num, den, val = suppression_mask(frame, publish_counts, threshold, units, shortfall)
    own = val.to_numpy()
    if groups is not None and outcomes is not None:
        more = activity_secondary(frame, groups, outcomes, keys, num.to_numpy(), threshold)
        num, val = pd.Series(more, num.index), val | pd.Series(more, val.index)
    out = frame.copy()
    for col, mask in (("numerator", num), ("denominator", den), ("value", val)):
        out[col] = _withhold(out[col], mask)
    for col in extra_columns:
        if col in out:
            out[col] = _withhold(out[col], val)
    for col in TEXT_COLUMNS:
        if col in out:
            said = out[col].map(lambda t: suppress_text(t, threshold))
            out[col] = said.astype(out[col].dtype)
    out["suppressed"] = val.to_numpy()
    out["secondary"] = out["suppressed"].to_numpy() & ~own
    return out


def withheld_status(secondary: np.ndarray, threshold: int) -> np.ndarray:
    """Why each withheld figure is withheld, in the words of the charts' 'c'."""
    small = f"withheld: small numbers (1 to {threshold}) in the figure, its base or left out of it"
    return np.where(secondary, f"withheld {WITHHELD_SECONDARY}", small)


_VALUE_COLS = ("numerator", "denominator", "value")


def _withhold(series: pd.Series, mask: pd.Series) -> pd.Series:
    """`series` as objects with 'c' where `mask` (NaN stays NaN where not masked)."""
    values = series.astype(object).to_numpy(copy=True)
    values[np.asarray(mask, dtype=bool)] = SUPPRESSED
    return pd.Series(values, index=series.index, dtype=object, name=series.name)


# not inside a code or word ('oc3', '3rd'), a date or a decimal
_WHOLE_NUMBER = re.compile(r"(?<![\w/.,:])\d[\d,]*(?![\d/.,:]*\d)(?![A-Za-z_])")


def suppress_text(text: object, threshold: int) -> object:
    """A caveat or note with every whole number of 1..threshold written as 'c' ('lower bound
    for 3 of 760 children' -> 'lower bound for c of 760 children'); dates, decimals and
    digits of a code ('oc3') are left alone. Anything that is not text is returned as it is."""
    if not isinstance(text, str) or threshold < 1:
        return text

    def swap(m: re.Match[str]) -> str:
        n = int(m.group(0).replace(",", ""))
        return SUPPRESSED if 1 <= n <= threshold else m.group(0)

    return _WHOLE_NUMBER.sub(swap, text)


def suppress_left_out(
    frame: pd.DataFrame | None, threshold: int, texts: bool = False
) -> pd.DataFrame | None:
    """Counts of rows left out (or warned), 1..threshold shown as 'c' (they may be a handful
    of children); with `texts`, the rules' own small numbers too ('3 episodes rows have no
    CHILD')."""
    if frame is None or threshold < 1:
        return frame
    out = frame.copy()
    rows = pd.to_numeric(out["rows"], errors="coerce")
    out["rows"] = _withhold(out["rows"], small(rows, threshold))
    if texts:
        out["rule"] = out["rule"].map(lambda t: suppress_text(t, threshold))
    return out


def suppress_districts(
    frame: pd.DataFrame | None, catalogue: Any, threshold: int
) -> pd.DataFrame | None:
    """The district view with the same rules as the scorecard rows: small counts and
    complements, bases short of their cohort by a small number (against the sibling figures
    of the same district), the values built on them and their RAG band withheld.
    `secondary` is true where a value was withheld only so that another cannot be worked
    out (the charts say why a 'c' is there)."""
    if frame is None or not len(frame):
        return frame
    ids = frame["indicator"].astype(str)
    counts = ids.map(lambda i: catalogue.get(i).publish_counts)
    units = ids.map(lambda i: catalogue.get(i).unit)

    def withheld(outcomes: pd.Series | None) -> pd.DataFrame:
        return apply_suppression(
            frame.drop(columns=["suppressed", "secondary"], errors="ignore"),
            counts,
            threshold,
            units=units,
            groups=cohort_groups(ids, catalogue),
            keys=("district",),
            outcomes=outcomes,
        )

    # without the activity parts' outcomes: what is withheld for its own small numbers
    own = withheld(None)["suppressed"].to_numpy()
    outcomes = cohort_outcomes(ids, catalogue)
    out = withheld(outcomes)
    while True:  # each pass withholds more, or ends
        before = int(out["suppressed"].sum())
        out = _cohort_links(_no_lone_withheld(out, frame, threshold), ids, catalogue, outcomes)
        if int(out["suppressed"].sum()) == before:
            break
    out["rag"] = out["rag"].astype(object).where(~out["suppressed"], None)
    out["secondary"] = out["suppressed"].to_numpy() & ~own
    return out


def _cohort_links(
    out: pd.DataFrame, ids: pd.Series, catalogue: Any, outcomes: pd.Series
) -> pd.DataFrame:
    """The care leavers' figures of one cohort by district, withheld together where a few
    withheld cells would not keep a small number from being worked out:

    - a district's cohort withheld (the base of its activity parts) takes the suitable-
      accommodation base with it: a base of 16 shown beside a withheld cohort gives the
      cohort, 16, as a base 1-5 short of it would be withheld;
    - the activity parts (EET, NEET, in touch) are tied three ways, in touch = EET + NEET in
      each district and each part adding up to the card's figure across them: with one part
      withheld in one district, the others' shown parts give it back (the card's EET less the
      shown districts' is the withheld pair's; in touch less NEET is one of them). Where any
      district's part is withheld, every district's parts of that cohort are."""
    out = out.copy()
    groups = cohort_groups(ids, catalogue).to_numpy(dtype=object)
    cohort = pd.notna(groups)
    kinds = outcomes.to_numpy(dtype=object)
    activity = cohort & np.isin(kinds, [*ACTIVITY_PARTS, ACTIVITY_WHOLE])
    base_c = out["denominator"].eq(SUPPRESSED).to_numpy() & activity
    district = out["district"].to_numpy(dtype=object)
    linked = {(g, d) for g, d in zip(groups[base_c], district[base_c], strict=True)}
    same_base = np.array(
        [(g, d) in linked for g, d in zip(groups, district, strict=True)], dtype=bool
    )
    parts_c = out["numerator"].eq(SUPPRESSED).to_numpy() & activity
    same_parts = activity & np.isin(groups, list(set(groups[parts_c])))
    for rows, cols in ((same_base, _VALUE_COLS), (same_parts, ("numerator", "value"))):
        for col in cols:
            out[col] = out[col].astype(object).where(~rows, SUPPRESSED)
        out.loc[rows, "suppressed"] = True
    return out


def suppress_by_age(frame: pd.DataFrame | None, threshold: int) -> pd.DataFrame | None:
    """Time in care by age at entry: a band of 1..threshold children withheld with its days
    and mean, and, as its bands add up to the card's figure of that date (children and
    days), a band withheld alone takes the next smallest with it (`secondary`: withheld only
    so that another cannot be worked out)."""
    if frame is None or not len(frame):
        return frame
    frame = frame.drop(columns=["suppressed", "secondary"], errors="ignore")
    out = apply_suppression(frame, pd.Series(False, index=frame.index), threshold)
    own = out["suppressed"].to_numpy()
    out = _no_lone_withheld(
        out, frame, threshold, by="period_end", rules=(("denominator", _VALUE_COLS),)
    )
    out["secondary"] = out["suppressed"].to_numpy() & ~own
    if "note" in out:
        out["note"] = _lower_bounds_withheld(out)
    return out


def _lower_bounds_withheld(out: pd.DataFrame) -> pd.Series:
    """The by-age notes ('lower bound for 9 of 94 children: ...') with their numbers as 'c'
    wherever they could give a withheld one back: a withheld band's note (its 'of 8' is the
    band), and every band's count in a year where one is withheld (the counts add up to the
    card's caveat, 13 - 9 gives the 'c')."""
    notes = out["note"].astype(object)
    found = notes.map(lambda t: LOWER_BOUND_FOUND.search(t) if isinstance(t, str) else None)
    bound = found.notna()
    counts = found.map(lambda m: m["n"] if m is not None else None)
    hidden = bound & (out["suppressed"].astype(bool) | counts.eq(SUPPRESSED))
    years = set(out.loc[hidden, "period_end"])
    whole_year = bound & out["period_end"].isin(years)

    def withhold(note: str, m: re.Match[str], band_too: bool) -> str:
        den = SUPPRESSED if band_too else m["den"]
        start, end = m.span("n")[0], m.span("den")[1]
        return f"{note[:start]}{SUPPRESSED} of {den}{note[end:]}"

    band_too = out["suppressed"].astype(bool)
    return pd.Series(
        [
            withhold(n, m, bool(b)) if w else n
            for n, m, w, b in zip(notes, found, whole_year, band_too, strict=True)
        ],
        index=out.index,
        dtype=object,
    )


def _no_lone_withheld(
    out: pd.DataFrame,
    shown: pd.DataFrame,
    threshold: int,
    by: str = "indicator",
    rules: Sequence[tuple[str, Sequence[str]]] = (
        ("numerator", ("numerator", "value")),
        ("denominator", _VALUE_COLS),
    ),
) -> pd.DataFrame:
    """Where one district alone has an indicator's number (or base) withheld, the next
    smallest is withheld too: the districts add up to the authority's figure on the card,
    so a lone 'c' is that figure less the others. So too where the withheld cells' sum can
    be split only one way among cells of 1..threshold (two withheld cells adding to 10 are
    5 and 5; two adding to 2 are 1 and 1). `shown`: the figures before suppression; `by`:
    the column whose rows add up to one figure; `rules`: the column looked at, and the
    columns withheld with it. (One pass per figure: a handful, not children.)"""
    out = out.copy()
    for col, hide in rules:
        for rows in out.groupby(by, sort=False).indices.values():
            withheld = out[col].iloc[rows].eq(SUPPRESSED).to_numpy()
            size = pd.to_numeric(shown[col].iloc[rows], errors="coerce").to_numpy()
            k, total = int(withheld.sum()), np.nansum(size[withheld])
            # all of 1..threshold, adding up to k or k x threshold: each is 1, or each the most
            all_small = bool(((size[withheld] >= 1) & (size[withheld] <= threshold)).all())
            if not (k == 1 or (k > 1 and all_small and total in (k, k * threshold))):
                continue
            open_ = ~withheld & (size > 0)
            if not open_.any():
                continue
            pick = out.index[rows[np.flatnonzero(open_)[np.argmin(size[open_])]]]
            for c in hide:
                out.loc[pick, c] = SUPPRESSED
            out.loc[pick, "suppressed"] = True
    return out
