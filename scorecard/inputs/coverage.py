"""Coverage: the dates each table's data covers (SPEC section 4), so that no figure is
computed from partial history.

- Yearly returns: from the first return's 1 April to the last one's 31 March, the years
  without a return as gaps.
- A full-history extract: episodes from the start of the collection year of the earliest
  recorded cessation to the latest date (DECOM or DEC); header and uasc as the episodes they
  describe. A cessation here is a child leaving care (DEC with REC other than X1): an extract
  of the periods of care open at its start carries their earlier X1 changes back for years,
  while children who left before it starts are simply absent (any DEC when no REC says
  so). Referrals likewise from the collection year of the earliest recorded closure
  (CINclosureDate; the earliest referral when none is closed) to the latest referral or
  closure. OC3 from its YEARs: the first year's 1 April to the last year's 31 March, the
  YEARs missing in between as gaps.
- IRO allocations and staff, local tables, cover the dates the episodes cover: a caseload
  counts the allocations open on the day, and an extract's allocations for the children
  looked after before the 903 data starts are as partial as the episodes (the bundled
  county's IRO caseload climbs from 20 to 49 per FTE over the two years before it).
- The other local tables (KS4, population, districts) are not limited: each measure finds
  its own rows (an academic year, a mid-year estimate) or says it has none.
- `load_dataset(..., coverage=(start, end))` states the coverage of every table.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..dataset import Coverage
from ..periods import ReferenceDateError, names_a_period, parse_date
from .report import note
from .returns import CIN_TABLES, LOCAL_TABLES, bounds, label

RETURN_TABLES = ("header", "episodes", "uasc", "oc3", "referrals")
# local, but dated as the children looked after they allocate IROs to
IRO_TABLES = ("iro_allocations", "iro_staff")


def _gaps(years: list[int]) -> tuple[tuple[pd.Timestamp, pd.Timestamp], ...]:
    """Spans of the collection years missing between the first and the last of `years`."""
    out: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    have = set(years)
    for y in range(min(years), max(years) + 1):
        if y in have:
            continue
        first, last = bounds(y)
        if out and out[-1][1] + pd.Timedelta(days=1) == first:
            out[-1] = (out[-1][0], last)
        else:
            out.append((first, last))
    return tuple(out)


def from_returns(table: str, years: list[int]) -> Coverage:
    """The coverage of a table stitched from the returns of `years` (collection-year starts)."""
    years = sorted(set(years))
    kind = "CIN census returns" if table in CIN_TABLES else "SSDA903 returns"
    gaps = _gaps(years)
    basis = f"{kind} {label(years[0])} to {label(years[-1])}"
    if len(years) == 1:
        basis = f"{kind[:-1]} {label(years[0])}"
    if gaps:
        missing = ", ".join(label(y) for y in range(years[0], years[-1] + 1) if y not in set(years))
        basis += f" (none for {missing})"
    return Coverage(bounds(years[0])[0], bounds(years[-1])[1], gaps, basis)


def _year_start(date: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(date.year - (date.month < 4), 4, 1)


def _earliest(s: pd.Series) -> pd.Timestamp:
    """The earliest date of a datetime64[ns] column (NaT when all blank), in one pass."""
    ns = s.to_numpy(dtype="datetime64[ns]").view("int64")
    blank = np.iinfo("int64").min  # NaT
    low = np.min(ns, where=ns != blank, initial=np.iinfo("int64").max)
    return pd.NaT if low == np.iinfo("int64").max else pd.Timestamp(low)


def _latest(s: pd.Series) -> pd.Timestamp:
    """The latest date of a datetime64[ns] column (NaT, the smallest value, when all blank)."""
    ns = s.to_numpy(dtype="datetime64[ns]").view("int64")
    return pd.Timestamp(ns.max()) if len(ns) else pd.NaT


def _from_dates(
    event: str, ends: pd.Series, starts: pd.Series, everything: list[pd.Series]
) -> Coverage | None:
    """From the collection year of the earliest end (else the earliest start) to the latest
    date of `everything`; `event` says what an end is, in words a reader knows ('a child
    leaves care')."""
    latest = max((d for d in map(_latest, everything) if pd.notna(d)), default=pd.NaT)
    if pd.isna(latest):
        return None
    first_end = _earliest(ends)
    if pd.notna(first_end):
        start = _year_start(first_end)
        basis = (
            f"full-history extract, from {label(start.year)}, the first year in it when "
            f"{event} ({ends.name}), to its latest date"
        )
    else:
        start = _earliest(starts)
        basis = f"full-history extract, from its earliest {starts.name} (none has ended)"
    return Coverage(start, latest, (), basis)


def from_extract(table: str, frame: pd.DataFrame) -> Coverage | None:
    """The coverage of a full-history extract table (None: not limited, or no dates)."""
    if table == "episodes" and {"DECOM", "DEC"} <= set(frame.columns):
        left = frame["DEC"]
        if "REC" in frame.columns and (frame["DEC"].notna() & frame["REC"].ne("X1")).any():
            left = frame["DEC"].where(frame["REC"].ne("X1")).rename("DEC, REC not X1")
        event = "a child leaves care"
        return _from_dates(event, left, frame["DECOM"], [frame["DECOM"], frame["DEC"]])
    if table == "referrals" and "CINreferralDate" in frame.columns:
        ref = frame["CINreferralDate"]
        closed = frame["CINclosureDate"] if "CINclosureDate" in frame.columns else ref.iloc[:0]
        return _from_dates("a referral closes", closed, ref, [ref, closed])
    if table == "oc3" and "YEAR" in frame.columns and frame["YEAR"].notna().any():
        years = sorted({int(y) - 1 for y in frame["YEAR"].dropna().unique()})
        cov = from_returns(table, years)
        basis = f"care leavers' returns {label(years[0])} to {label(years[-1])}"
        if len(years) == 1:
            basis = f"care leavers' return {label(years[0])}"
        return Coverage(cov.start, cov.end, cov.gaps, basis)
    return None


# an in-year extract: a return whose latest date falls this long before its year's end
IN_YEAR_DAYS = 92
# events (starts, ends) in the year needed to tell: with 20 spread over it, none in its last
# 92 days happens 3 times in 1,000
IN_YEAR_EVENTS = 20
# the dates that tell how far a return reaches (an event recorded in it)
EVENT_DATES = {"episodes": ("DECOM", "DEC"), "referrals": ("CINreferralDate", "CINclosureDate")}


IN_YEAR_HINT = (
    "A return holds the whole collection year, 1 April to 31 March; figures after its latest "
    "date are unavailable. If it is complete, state the coverage (build --coverage FIRST "
    "LAST, or load_dataset(..., coverage=(first, last)))."
)


def _in_year(table: str, frame: pd.DataFrame, cov: Coverage, last: int) -> Coverage:
    """`cov` ended at the latest date of the last return's rows when that date falls more
    than `IN_YEAR_DAYS` before its 31 March: an extract taken during the year (a return
    named for 2024-25 whose latest date is 30/06/2024) covers no day after it."""
    columns = [c for c in EVENT_DATES.get(table, ()) if c in frame.columns]
    if not columns or "COLLECTION_YEAR" not in frame.columns:
        return cov
    mine = (frame["COLLECTION_YEAR"] == label(last)).to_numpy()
    first, end = bounds(last)
    dates = pd.concat([frame.loc[mine, c] for c in columns], ignore_index=True)
    dates = dates[(dates >= first) & (dates <= end)]
    # too few events in the year to tell (a small authority's quiet spring): left whole
    if len(dates) < IN_YEAR_EVENTS:
        return cov
    latest = dates.max()
    if latest >= end - pd.Timedelta(days=IN_YEAR_DAYS):
        return cov
    basis = (
        f"{cov.basis}; its latest date is {latest:%d/%m/%Y}, so it covers no later day "
        "(an extract taken during the year?)"
    )
    return Coverage(cov.start, latest, cov.gaps, basis)


def infer(
    tables: dict[str, pd.DataFrame], years: dict[str, list[int]], files: dict[str, str]
) -> tuple[dict[str, Coverage], list[pd.DataFrame]]:
    """Coverage per table: from the returns' years where the table was stitched from
    returns (`years`; the last cut at its latest date when it is an in-year extract, with
    a warning naming the table's `files`), else from the extract's own dates."""
    out: dict[str, Coverage] = {}
    notes: list[pd.DataFrame] = []
    for table, frame in tables.items():
        if table in LOCAL_TABLES:
            continue
        if years.get(table):
            whole = from_returns(table, years[table])
            out[table] = _in_year(table, frame, whole, max(years[table]))
            if out[table].end < whole.end:
                days = (whole.end - out[table].end).days
                rule = (
                    f"the {label(max(years[table]))} return's latest date is "
                    f"{out[table].end:%d/%m/%Y}, {days} days before its year ends: read as an "
                    "extract taken during the year, covering no later day"
                )
                notes.append(note("warning", files.get(table, ""), rule, IN_YEAR_HINT, table))
        else:
            found = from_extract(table, frame)
            if found is not None:
                out[table] = found
    if "episodes" in out:
        for table in ("header", "uasc"):
            if table in tables and table not in out:
                out[table] = out["episodes"]
        episodes = out["episodes"]
        for table in IRO_TABLES:
            if table in tables:
                out[table] = replace(episodes, basis="as the episodes")
    return out, notes


def _day(value: object, which: str) -> pd.Timestamp:
    """A day the coverage starts or ends on, read as `at` is ('01/04/2017' is 1 April, never
    4 January); a quarter or year label is refused: it names a last day, never a first."""
    if isinstance(value, str) and names_a_period(value):
        raise ReferenceDateError(
            f"coverage {which}: {value!r} is a quarter or year; give the day itself, e.g. "
            "coverage=('2017-04-01', '2025-03-31') or ('01/04/2017', '31/03/2025')."
        )
    return parse_date(value)


def stated(tables: list[str], start: object, end: object) -> dict[str, Coverage]:
    """The coverage the user states, for every table."""
    first, last = _day(start, "start"), _day(end, "end")
    if last < first:
        raise ValueError(f"coverage ends ({last:%d/%m/%Y}) before it starts ({first:%d/%m/%Y})")
    cov = Coverage(first, last, (), "stated by the user")
    return dict.fromkeys(tables, cov)
