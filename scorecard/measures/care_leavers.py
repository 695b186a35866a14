"""Care leavers (OC3): activity and accommodation around their birthdays (SPEC section 5,
`care_leavers_*`).

The cohort at `at` is the `oc3` rows whose birthday at one of `ages` (17th/18th, or
19th/20th/21st; a 29 February birthday falls on 28 February in common years) falls both in
the row's collection year YEAR (1 April YEAR-1 to 31 March YEAR) and in the 12-month window
ending at `at`. Rows with IN_TOUCH `DIED` or `RHOM` are excluded. Young people the LA is not
in touch with stay in the denominator (their ACTIV/ACCOM is 0).

- neet: ACTIV in G4, G5, G6.
- eet: ACTIV in F1-F5 or P1-P5.
- suitable_accommodation: ACCOM ending in 1; rows whose ACCOM letter is G, H or R (gone
  abroad, deported, residence not known) also leave the denominator, and the figure's note
  says how many (so its base never seems to disagree with the other care-leaver figures').
- in_touch: IN_TOUCH = YES.

A 12-month span holds at most one birthday of a given child, so each row has at most one
birthday at `ages` in its collection year; that birthday is the row's event date, assigned
to the reference windows with `care.events_in_windows` (all dates at once).

Decisions: the same child twice in one collection year (LA, CHILD, YEAR) counts once, the
last row in file order; rows without DOB or YEAR cannot be placed and are left out.

Breakdowns: `care_leaver_age` is the age at the birthday that put the young person in the
cohort (17, 18 / 19, 20, 21, as DfE publishes them); `age_band` is refused (every care
leaver is 16 and over on that birthday, so the bands say nothing). `uasc` is UASC while
looked after (a `uasc` row at all: the status ends by 18, before the birthdays counted here,
so status on the birthday would show nobody). `sex`, `district` and header columns break
down through `breakdowns.add_breakdowns` (the unit's date is the birthday).

Frequency (a decision): the figure at a quarter end is a rolling year of birthdays, each row
counted in its own collection year, so at 31 March it is DfE's collection-year figure and at
other quarter ends it joins two collection years' rows. It stays quarterly: with stitched
annual returns the coverage ends on the last 31 March, so a rolling year past it is
unavailable (never half a year), and a local extract updated through the year gives the
panel a real rolling figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ..breakdowns import (
    NOT_PERIODS,
    PRIVATE_COLUMNS,
    BreakdownError,
    add_breakdowns,
    figure_from_arrays,
)
from ..care import child_key, events_in_windows, ever_uasc
from ..compact import per_value, sorted_categorical, taken
from ..dataset import Dataset
from ..periods import DATE_DTYPE, birthday_in_year
from ..registry import measure
from .facts import with_facts

OUTCOMES = ("neet", "eet", "suitable_accommodation", "in_touch")
EXCLUDED_IN_TOUCH = ("DIED", "RHOM")
NEET_ACTIV = ("G4", "G5", "G6")
EET_ACTIV = tuple(f"{letter}{n}" for letter in "FP" for n in range(1, 6))
ACCOM_NOT_ASSESSED = ("G", "H", "R")  # gone abroad, deported, residence not known
IN_TOUCH_YES = "YES"
INDICATOR = "care leaver indicators"


def _flags(frame: pd.DataFrame, col: str, test: Callable[[pd.Series], np.ndarray]) -> np.ndarray:
    """`test` of column `col`'s codes, trimmed and upper-cased, per row; a column held
    compact is tested on its distinct values only (`compact.per_value`)."""
    return per_value(frame[col], lambda v: test(v.astype("string").str.strip().str.upper()))


def _collection_year(dates: np.ndarray) -> np.ndarray:
    """Collection year end (YEAR) each date falls in: 1 April YEAR-1 to 31 March YEAR."""
    idx = pd.DatetimeIndex(dates)
    return np.asarray(idx.year + (idx.month >= 4), dtype="float64")


def care_leaver_cohort(ds: Dataset, ages: Sequence[int]) -> pd.DataFrame:
    """OC3 rows whose birthday at one of `ages` falls in their collection year (cached).

    Columns: `row` (position in `oc3`), `cid`, `birthday`, `age`. DIED/RHOM rows excluded;
    one row per (LA, CHILD, YEAR).
    """
    ages = tuple(sorted({int(a) for a in ages}))

    def build() -> pd.DataFrame:
        oc3 = ds.held("oc3").reset_index(drop=True)
        year = pd.to_numeric(oc3["YEAR"], errors="coerce").to_numpy(dtype="float64")
        birthday = np.full(len(oc3), np.datetime64("NaT"), dtype=DATE_DTYPE)
        age = np.full(len(oc3), np.nan)
        for a in ages:  # a handful of ages, not a loop over children
            b = np.asarray(birthday_in_year(oc3["DOB"], a, year), dtype=DATE_DTYPE)
            hit = ~np.isnat(b) & (_collection_year(b) == year)
            birthday = np.where(hit, b, birthday)
            age = np.where(hit, a, age)
        excluded = _flags(oc3, "IN_TOUCH", lambda c: c.isin(EXCLUDED_IN_TOUCH).to_numpy(dtype=bool))
        keep = ~np.isnat(birthday) & ~excluded
        # the table itself (not a re-indexed copy): its child keys are worked out once
        cid = child_key(ds, ds.held("oc3"))
        cohort = pd.DataFrame({"row": np.arange(len(oc3)), "cid": cid, "year": year})
        cohort["birthday"] = birthday
        cohort["age"] = age
        cohort = cohort.loc[keep]
        # the same child twice in one collection year counts once (cid is per LA and CHILD)
        cohort = cohort.drop_duplicates(["cid", "year"], keep="last")
        return cohort.drop(columns="year").reset_index(drop=True)

    return ds.cached(f"care_leaver_cohort:{ages}", build)


def outcome_flags(oc3: pd.DataFrame, outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """(numerator, denominator) 0/1 flags per `oc3` row (as held or written out) for
    `outcome`."""
    ones = np.ones(len(oc3))
    if outcome == "neet":
        return _flags(oc3, "ACTIV", lambda c: c.isin(NEET_ACTIV).to_numpy(dtype="float64")), ones
    if outcome == "eet":
        return _flags(oc3, "ACTIV", lambda c: c.isin(EET_ACTIV).to_numpy(dtype="float64")), ones
    if outcome == "suitable_accommodation":
        suitable = _flags(
            oc3, "ACCOM", lambda c: c.str.endswith("1").fillna(False).to_numpy(dtype="float64")
        )
        assessed = ~_flags(
            oc3, "ACCOM", lambda c: c.str[:1].isin(ACCOM_NOT_ASSESSED).to_numpy(dtype=bool)
        )
        return suitable * assessed, assessed.astype("float64")
    if outcome == "in_touch":
        in_touch = _flags(
            oc3, "IN_TOUCH", lambda c: (c == IN_TOUCH_YES).fillna(False).to_numpy(dtype="float64")
        )
        return in_touch, ones
    raise ValueError(
        f"care_leaver_outcome: unknown outcome {outcome!r}; choose one of {', '.join(OUTCOMES)} "
        "(the `outcome` parameter in indicators.yaml)."
    )


def _reads(params: dict) -> dict[str, tuple[str, ...]]:
    column = {
        "neet": "ACTIV",
        "eet": "ACTIV",
        "suitable_accommodation": "ACCOM",
        "in_touch": "IN_TOUCH",
    }.get(str(params["outcome"]), "ACTIV")
    return {"oc3": tuple(dict.fromkeys(("CHILD", "DOB", "YEAR", "IN_TOUCH", column)))}


NOT_ASSESSED = (
    "{n} of the cohort not in this base: accommodation not assessed (gone abroad, deported or "
    "residence not known), as DfE counts it"
)

AGE_BANDS_SAY_NOTHING = (
    "every care leaver is 16 and over on the birthday that puts them in the cohort, so the "
    "age bands say nothing; break down by care_leaver_age (17, 18 / 19, 20, 21) instead."
)


def _la_codes(ds: Dataset) -> pd.Categorical:
    """The LA of each OC3 row, categorical over the LAs present, sorted (cached)."""
    return ds.cached("care_leaver_la", lambda: sorted_categorical(ds.held("oc3")["LA"]))


def _fast(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    ages: list[int] = (19, 20, 21),
    outcome: str = "neet",
) -> pd.DataFrame:
    """The figure in total or by LA straight from the cohort's rows, without a unit frame:
    each unit's group numbered as `breakdowns.summarise` numbers the units of
    `care_leaver_outcome`, its flags summed by the same `GroupSums`, so the figures are the
    same to the last bit."""
    params = {"ages": ages, "outcome": outcome}
    oc3 = ds.held("oc3")
    if outcome not in OUTCOMES or (by and "LA" not in oc3.columns):
        return care_leaver_outcome.from_units(ds, at, by, params)
    cohort = care_leaver_cohort(ds, ages)
    num, den = ds.cached(f"care_leaver_flags:{outcome}", lambda: outcome_flags(oc3, outcome))
    pos, ks = events_in_windows(cohort["birthday"], at)
    if not len(pos):
        return care_leaver_outcome.from_units(ds, at, by, params)  # an empty figure
    rows = cohort["row"].to_numpy()[pos]
    la, las = None, None
    if by:
        oc3_la = _la_codes(ds)
        la, las = oc3_la.codes[rows], oc3_la.categories
    flags = {"not_assessed": den[rows] == 0} if outcome == "suitable_accommodation" else {}
    return figure_from_arrays(at, ks, num[rows], den[rows], "percent", la=la, las=las, flags=flags)


@measure(
    stat="percent",
    unit="care leaver",
    reads=_reads,
    refuses={"age_band": AGE_BANDS_SAY_NOTHING, "age_at_entry_band": NOT_PERIODS},
    offers=("care_leaver_age",),
    caveats={"not_assessed": NOT_ASSESSED},
    fast=_fast,
    fast_by=("LA",),
)
def care_leaver_outcome(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    detail: bool = False,
    ages: list[int] = (19, 20, 21),
    outcome: str = "neet",
) -> pd.DataFrame:
    """Percent of the OC3 cohort (birthday at `ages` in YEAR and in the window) with `outcome`:
    neet, eet, suitable_accommodation or in_touch. Units: the care leavers of the cohort;
    facts: the birthday that put them in it, their age then, YEAR, IN_TOUCH, ACTIV, ACCOM."""
    if outcome not in OUTCOMES:
        outcome_flags(ds.held("oc3").iloc[:0], outcome)  # raises the explanatory error
    if "district" in by and "episodes" not in ds.tables:
        raise BreakdownError(
            "Care leaver indicators are broken down by district through the young person's "
            "latest episode HOME_POST: the dataset has no `episodes` table."
        )
    oc3 = ds.held("oc3").reset_index(drop=True)  # code columns read as codes
    cohort = care_leaver_cohort(ds, ages)
    # flags per OC3 row, cached: the seven indicators share four outcomes
    num, den = ds.cached(f"care_leaver_flags:{outcome}", lambda: outcome_flags(oc3, outcome))
    pos, ks = events_in_windows(cohort["birthday"], at)
    picked = cohort.iloc[pos]
    rows = picked["row"].to_numpy()
    units = pd.DataFrame(
        {
            "period_end": np.asarray(at, dtype=DATE_DTYPE)[ks],
            "cid": picked["cid"].to_numpy(),
            "birthday": picked["birthday"].to_numpy(),
            "num": num[rows],
            "den": den[rows],
        }
    )
    if outcome == "suitable_accommodation":
        # in the cohort but not in the base (accommodation not assessed): said beside the
        # figure, so that its base never seems to disagree with the other care-leaver figures'
        units["not_assessed"] = (den[rows] == 0).astype("int64")
    rest = []
    for name in by:
        if name == "care_leaver_age":
            units[name] = pd.Categorical(
                picked["age"].astype("int64").astype("str").to_numpy(),
                categories=[str(a) for a in sorted({int(a) for a in ages})],
            )
        elif name == "uasc":
            flag = ever_uasc(ds, units["cid"].to_numpy())
            units["uasc"] = np.where(flag, "UASC", "Not UASC")
        elif name == "LA" and "LA" in oc3.columns:
            # categorical (cheap on pooled data); `summarise` returns the labels as strings
            la = _la_codes(ds)
            units["LA"] = pd.Categorical.from_codes(la.codes[rows], categories=la.categories)
        elif name in oc3.columns and name not in PRIVATE_COLUMNS and name not in units.columns:
            values = pd.Series(taken(oc3[name], rows)).astype("string")
            units[name] = values.fillna("Unknown").to_numpy()
        else:
            rest.append(name)
    units = add_breakdowns(ds, units, rest, age_date="birthday", indicator=INDICATOR)
    if detail:
        # only the rows shown are written out
        facts = {c: taken(oc3[c], rows).to_numpy() for c in ("YEAR", "IN_TOUCH", "ACTIV", "ACCOM")}
        units = with_facts(units, age=picked["age"].to_numpy(), **facts)
    return units
