"""Yearly returns: the collection year of each, read from its dates and checked against its
name, and the returns stitched into one history.

A 903 return holds the episodes open in one collection year (1 April to 31 March), a CIN
census the referrals open in its year; a year in a file's name that could mean either end
(`2017`) is settled by the dates, and a name that disagrees with the dates is reported.
Stitching (latest return wins): episodes keyed by CHILD + DECOM, header, uasc, AD1 and
previous permanence by CHILD, referrals by LAchildID + CINreferralDate, reviews, missing,
placed-for-adoption, social-worker and DoLo rows by child and start date; OC3 and OC2 rows
belong to their return's year (OC3's YEAR is its return's). Each row keeps the return it came
from in `COLLECTION_YEAR` ('2019-20'). Conflicts between returns (a changed DOB, an episode
open in one return and missing from the next) and missing years are reported. An open
episode whose start date the next return corrected is that one episode
(`_corrected_starts`), and so is an episode one return writes twice, its start date
corrected and the original beside it (`_written_twice`); one open before a year with no
return and absent after it ended in that year (`_close_in_gaps`), else it would count as
open for ever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from ..compact import text_frame
from ..dataset import COLLECTION_YEAR, EarlierCopies, returns_frame
from ..tables import TABLES
from .keys import Distinct, combine, id_codes
from .read import RawTable
from .report import Where, at, issues, note

FIT = 0.9  # share of a return's dated rows that must fit a collection year to call it that

# stitching keys: rows of a later return replace the rows with the same key before it
KEYS: dict[str, tuple[str, ...]] = {
    "episodes": ("CHILD", "DECOM"),
    "header": ("CHILD",),
    "uasc": ("CHILD",),
    "oc3": ("CHILD", "YEAR"),
    "referrals": ("LAchildID", "CINreferralDate"),
    "reviews": ("CHILD", "REVIEW"),
    "missing": ("CHILD", "MIS_START"),
    "placed_for_adoption": ("CHILD", "DATE_PLACED"),
    "previous_permanence": ("CHILD",),
    "ad1": ("CHILD",),
    "sw_episodes": ("CHILD", "SW_DECOM"),
    "dolo": ("CHILD", "DOLO_START"),
    "oc2": ("CHILD", COLLECTION_YEAR),
}
CIN_TABLES = ("referrals",)
# the council's own tables, in no DfE return: never a yearly return, whatever year their file
# (ONS_mid-2024_population.csv) or folder is named with
LOCAL_TABLES = ("iro_allocations", "iro_staff", "ks4_cla", "ks4_all", "population", "districts")
SSDA903, CIN_CENSUS = "SSDA903", "CIN census"


def return_of(table: str) -> str:
    """The return a table comes in: the CIN census (referrals) or the SSDA903 (the rest).
    Their collection years are settled apart: `2017-episodes.csv` and `CIN_Census_2017.xml`
    share a year in their names but may be returns of different years."""
    return CIN_CENSUS if table in CIN_TABLES else SSDA903


DATED = ("episodes", "referrals", "missing", "oc3")  # tables whose dates tell their year


def label(start: int) -> str:
    """'2019-20' for the collection year starting 1 April 2019."""
    return f"{start}-{(start + 1) % 100:02d}"


def bounds(start: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the collection year starting in April `start`."""
    return pd.Timestamp(start, 4, 1), pd.Timestamp(start + 1, 3, 31)


def _col(frame: pd.DataFrame, name: str) -> pd.Series | None:
    return frame[name] if name in frame.columns else None


def fits(table: str, frame: pd.DataFrame, start: int) -> np.ndarray | None:
    """Rows consistent with being in the return of collection year `start`, or None when the
    table's rows carry no date that tells (header, uasc ...). Rows without the date are
    counted as fitting."""
    first, last = bounds(start)

    def open_in_year(begin: str, end: str) -> np.ndarray | None:
        b, e = _col(frame, begin), _col(frame, end)
        if b is None:
            return None
        ok = ~(b > last)
        if e is not None:
            ok &= ~(e < first)
        return ok.to_numpy(dtype=bool)

    if table == "episodes":
        return open_in_year("DECOM", "DEC")
    if table == "referrals":
        return open_in_year("CINreferralDate", "CINclosureDate")
    if table == "missing":
        return open_in_year("MIS_START", "MIS_END")
    if table == "oc3" and "DOB" in frame.columns:
        dob = frame["DOB"]  # a 17th to 21st birthday falls in the year
        earliest = first - pd.DateOffset(years=21)
        latest = last - pd.DateOffset(years=17)
        return (~(dob < earliest) & ~(dob > latest)).to_numpy(dtype=bool)
    return None


def _date_years(table: str, frame: pd.DataFrame) -> set[int]:
    """Collection years (start) that the table's dates touch: the candidates."""
    cols = {"episodes": ("DECOM", "DEC"), "referrals": ("CINreferralDate", "CINclosureDate")}
    cols |= {"missing": ("MIS_START", "MIS_END")}
    if table == "oc3" and "DOB" in frame.columns:
        born = frame["DOB"].dropna()
        if born.empty:
            return set()
        low, high = int(born.dt.year.min()) + 16, int(born.dt.year.max()) + 21
        return set(range(low, high + 1))
    years: set[int] = set()
    for c in cols.get(table, ()):
        if c in frame.columns:
            d = frame[c].dropna()
            years |= set((d.dt.year - (d.dt.month < 4)).astype(int).unique().tolist())
    return years


@dataclass
class Part:
    """A coerced table of one file (or sheet), with its report rows (`pos` in the part)."""

    raw: RawTable
    frame: pd.DataFrame
    issues: list[pd.DataFrame]
    distinct: dict[str, Distinct] = field(default_factory=dict)  # columns read as codes
    year: int | None = None  # its return's collection year (start), once settled


@dataclass
class Evidence:
    """How well each candidate year fits a group's dated rows."""

    fit: dict[int, int] = field(default_factory=dict)
    rows: int = 0

    def add(self, part: Part, candidates: set[int]) -> None:
        for year in candidates:
            ok = fits(part.raw.table, part.frame, year)
            if ok is not None:
                self.fit[year] = self.fit.get(year, 0) + int(ok.sum())
        if part.raw.table in DATED:
            self.rows += len(part.frame)

    def share(self, year: int) -> float:
        return self.fit.get(year, 0) / self.rows if self.rows else 0.0

    def tied(self, years: tuple[int, ...]) -> bool:
        """True when `years` all fit best, equally."""
        top = max(self.fit.values(), default=0)
        return all(self.fit.get(y, -1) == top for y in years)

    def best(self, prefer: tuple[int, ...]) -> int | None:
        if not self.fit or not self.rows:
            return None
        top = max(self.fit.values())
        tied = sorted(y for y, n in self.fit.items() if n == top)
        named = [y for y in tied if y in prefer]
        return (named or tied)[0]


def _dated_candidates(parts: list[Part]) -> set[int]:
    out: set[int] = set()
    for p in parts:
        out |= _date_years(p.raw.table, p.frame)
    return out


def settle_years(parts: list[Part]) -> tuple[dict[str, str], list[pd.DataFrame]]:
    """Give every part in a return its collection year (`Part.year`); describe the returns.

    Returns (group -> how its year was found) and notes. Per return (a year in the names, or
    a year subfolder): a CIN census header's year wins;
    else the year its dated rows fit best (ties go to the name's reading); a name that the
    dates contradict (they fit another year, and not the name's) is reported and the dates
    win. A return with no dated rows takes its name's year; a bare `2017` is then read the
    way the other returns of the folder are named (by their start or their end year), else as
    the year ending in March 2017; so is one whose dates fit both readings (every episode
    still open)."""
    notes: list[pd.DataFrame] = []
    how: dict[str, str] = {}
    for kind in (SSDA903, CIN_CENSUS):
        mine = [p for p in parts if return_of(p.raw.table) == kind]
        found, said = _settle(mine, kind, len({p.raw.group for p in parts if p.raw.group}))
        how.update(found)
        notes += said
    return how, notes


def how_key(part: Part) -> str:
    """The key of `settle_years`' answer for a part's return: its kind and name year."""
    return f"{return_of(part.raw.table)} {part.raw.group}"


def _settle(
    parts: list[Part], kind: str, n_groups: int
) -> tuple[dict[str, str], list[pd.DataFrame]]:
    """`settle_years` for the parts of one kind of return (SSDA903 or CIN census)."""
    groups: dict[str, list[Part]] = {}
    for p in parts:
        if p.raw.group is not None:
            groups.setdefault(p.raw.group, []).append(p)
    how: dict[str, str] = {}
    notes: list[pd.DataFrame] = []
    convention: list[str] = []  # for ambiguous names settled by dates: 'start' or 'end'
    pending: list[str] = []  # a bare year and no dated rows
    ties: list[str] = []  # a bare year whose dated rows fit both readings
    for group, members in groups.items():
        names = members[0].raw.years
        declared = {p.raw.declared for p in members if p.raw.declared is not None}
        files = ", ".join(dict.fromkeys(p.raw.file for p in members))
        evidence = Evidence()
        candidates = _dated_candidates(members) | set(names) | declared
        for p in members:
            evidence.add(p, candidates)
        best = evidence.best(names)
        named_best = max(names, key=evidence.share) if names else None
        if declared and _stale_header(min(declared), named_best, evidence):
            # a header left from last year's census: its name and its referrals agree
            year, how[f"{kind} {group}"] = named_best, "name and dates"  # type: ignore[assignment]
            notes.append(_stale(files, min(declared), year))
        elif declared:
            year, how[f"{kind} {group}"] = min(declared), "census header"
            if names and year not in names:
                notes.append(_disagree(files, group, names, year, "its census header says"))
        elif best is not None and n_groups == 1 and evidence.share(best) < FIT:
            # one file (or set) with a year in its name holding several years: an extract
            notes.append(
                note(
                    "note",
                    files,
                    f"the name says {group}, but the dates span several collection years; "
                    "read as a full-history extract",
                    "",
                )
            )
            continue
        elif best is not None and len(names) == 2 and evidence.tied(names):
            ties.append(group)  # the dates fit both readings of a bare year: as the others
            continue
        elif best is not None:
            year = best
            if named_best is not None and best not in names:
                if evidence.share(best) >= FIT and evidence.share(named_best) < FIT:
                    notes.append(_disagree(files, group, names, best, "its dates are those of"))
                else:
                    year = named_best
            how[f"{kind} {group}"] = "name and dates" if year in names else "dates"
            if len(names) == 2 and year in names:
                convention.append("start" if year == names[1] else "end")
        elif len(names) == 1:
            year, how[f"{kind} {group}"] = names[0], "name"
        else:
            pending.append(group)
            continue
        for p in members:
            p.year = year
    # returns with a bare year and no dates: read like the others, else by the year's end
    reading = max(set(convention), key=convention.count) if convention else "end"
    taken: dict[int, set[str]] = {}  # year -> the tables its returns already hold
    for p in parts:
        if p.year is not None:
            taken.setdefault(p.year, set()).add(p.raw.table)

    def reading_of(names: tuple[int, ...], tables: set[str]) -> int:
        # a year whose return already holds these tables is another return's; one that
        # holds others (SSDA903_2025_uasc.csv beside a 2024-25 return's episodes) is free
        free = [y for y in names if not taken.get(y, set()) & tables]
        if len(free) == 1:
            return free[0]
        return names[1] if reading == "start" else names[0]

    def take(year: int, tables: set[str]) -> None:
        taken.setdefault(year, set()).update(tables)

    for group in ties:
        names = groups[group][0].raw.years
        tables = {p.raw.table for p in groups[group]}
        year = reading_of(names, tables)
        take(year, tables)
        how[f"{kind} {group}"] = "name and dates"
        for p in groups[group]:
            p.year = year
    for group in pending:
        names = groups[group][0].raw.years
        tables = {p.raw.table for p in groups[group]}
        year = reading_of(names, tables)
        take(year, tables)
        how[f"{kind} {group}"] = "name"
        files = ", ".join(dict.fromkeys(p.raw.file for p in groups[group]))
        notes.append(
            note(
                "warning",
                files,
                f"the year {group} in the name could be {label(names[0])} or "
                f"{label(names[1])}; read as {label(year)}",
                f"These files hold no dates that tell; name them {label(year)} (or the "
                "right year) to be sure.",
            )
        )
        for p in groups[group]:
            p.year = year
    return how, notes


def _stale_header(declared: int, named: int | None, evidence: Evidence) -> bool:
    """True when a census header's year is neither the name's nor that of the dated rows,
    which fit the name's year: a header copied from an earlier census."""
    return (
        named is not None
        and named != declared
        and evidence.share(named) >= FIT
        and evidence.share(declared) < FIT
    )


def _stale(files: str, declared: int, year: int) -> pd.DataFrame:
    return note(
        "warning",
        files,
        f"the census header says {label(declared)}, but the name and the referral dates are "
        f"{label(year)}'s; read as {label(year)}",
        "The header's ReferenceDate (or Year) looks left from an earlier census; correct it "
        "where the file is made.",
    )


def _disagree(files: str, group: str, names: tuple[int, ...], year: int, said: str):
    named = " or ".join(label(y) for y in names)
    return note(
        "warning",
        files,
        f"the name says {group} ({named}) but {said} {label(year)}; read as {label(year)}",
        "Check the file names: a return's name should carry its collection year.",
    )


def describe(parts: list[Part], how: dict[str, str]) -> pd.DataFrame:
    """One row per return: collection_year, return (SSDA903 or CIN census), start, end,
    name_year, year_from, tables, rows, files."""
    rows = []
    by_year: dict[tuple[int, str], list[Part]] = {}
    for p in parts:
        if p.year is not None:
            by_year.setdefault((p.year, return_of(p.raw.table)), []).append(p)
    for year, kind in sorted(by_year, key=lambda k: (k[0], k[1] != SSDA903)):
        members = by_year[year, kind]
        first, last = bounds(year)
        rows.append(
            {
                "collection_year": label(year),
                "return": kind,
                "start": first,
                "end": last,
                "name_year": ", ".join(dict.fromkeys(str(p.raw.group) for p in members)),
                "year_from": ", ".join(
                    dict.fromkeys(how.get(how_key(p), "dates") for p in members)
                ),
                "tables": ", ".join(dict.fromkeys(p.raw.table for p in members)),
                "rows": sum(len(p.frame) for p in members),
                "files": ", ".join(dict.fromkeys(p.raw.file for p in members)),
            }
        )
    return returns_frame(rows)


def single_year(part: Part, taken: set[int] | frozenset[int] = frozenset()) -> int | None:
    """The collection year a part without a year in its name belongs to, when (nearly) all
    its dated rows fit one year not `taken` by another return (a single return); None for a
    full-history extract."""
    evidence = Evidence()
    evidence.add(part, _date_years(part.raw.table, part.frame) - set(taken))
    best = evidence.best(())
    if best is None or evidence.share(best) < FIT:
        return None
    return best


# ---------------------------------------------------------------------------- stitching
@dataclass
class Stitched:
    """A table stitched from its parts: the frame, where each row came from, and for each
    part the position its rows took (-1: replaced by a later return; None: its own)."""

    frame: pd.DataFrame
    where: Where
    moved: list[np.ndarray | None]
    distinct: dict[str, Distinct] = field(default_factory=dict)  # a single extract's
    earlier: EarlierCopies | None = None  # the rows later returns replaced (see stitch)
    # rows read as ended in a year with no return (`_ended_in_gaps`): their end date is ours
    closed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="int64"))


def row_key(frame: pd.DataFrame, table: str) -> np.ndarray | None:
    cols = [c for c in ("LA", *KEYS.get(table, ())) if c in frame.columns]
    if not set(KEYS.get(table, ("?",))) <= set(cols):
        return None
    codes = [id_codes(frame[c]) for c in cols]
    blank = np.logical_or.reduce([c < 0 for c in codes])
    key = combine(*codes)
    # a row with a blank key part is never replaced: give it a key of its own
    return np.where(blank, -1 - np.arange(len(frame)), key)


def stitch(table: str, parts: list[Part]) -> tuple[Stitched, list[pd.DataFrame]]:
    """One table from its parts (one per return, in year order; or a single extract)."""
    parts = sorted(parts, key=lambda p: (p.year is None, p.year or 0))
    names = tuple(p.raw.file for p in parts)
    if len(parts) == 1 and parts[0].year is None:
        p = parts[0]
        where = Where.single(p.raw.file, p.raw.rows)
        return Stitched(p.frame, where, [None], p.distinct), []
    frames = []
    for p in parts:
        f = text_frame(p.frame)  # codes held compact are written out: returns' codes differ
        if p.year is not None:
            f = f.assign(**{COLLECTION_YEAR: label(p.year)})
        frames.append(f)
    whole = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    sizes = [len(f) for f in frames]
    source = np.repeat(np.arange(len(parts)), sizes)
    rows = np.concatenate([p.raw.rows for p in parts]) if parts else np.zeros(0, "int64")
    keep = np.ones(len(whole), dtype=bool)
    key = row_key(whole, table) if len(parts) > 1 else None
    twice, found_twice = _written_twice(table, parts, whole, source, rows, key)
    corrected: list[tuple[int, np.ndarray]] = []
    if key is not None and table in OPEN_ENDS:
        key, corrected = _corrected_starts(table, parts, whole, source, key, twice)
    if key is not None:
        latest = pd.Series(source).groupby(key).transform("max").to_numpy()
        keep = source == latest
    keep &= ~twice
    where = Where(names, source[keep], rows[keep])
    new_pos = np.full(len(whole), -1, dtype="int64")
    new_pos[keep] = np.arange(int(keep.sum()))
    bounds_ = np.cumsum([0, *sizes])
    moved = [new_pos[bounds_[i] : bounds_[i + 1]] for i in range(len(parts))]
    frame = whole.loc[keep].reset_index(drop=True)
    found = found_twice + _conflicts(table, parts, whole, source, key, new_pos, frame, where)
    for year, mask in corrected:
        pos = new_pos[mask]
        pos = pos[pos >= 0]
        start, (_, what, kind) = KEYS[table][-1], OPEN_ENDS[table]
        found.append(
            at(
                "warning",
                table,
                where,
                pos,
                start,
                frame[start].iloc[pos],
                f"{START_WORDS[table]} differs from the {what} open in the {label(year)} "
                f"{kind}: read as that {what}, its {START_WORDS[table]} corrected (this date "
                "is used)",
                f"The {label(year)} {kind} holds this child's open {what} with another "
                f"{START_WORDS[table]}, and this {kind} no other {what} of theirs begun before "
                "its year: check which date is right.",
            )
        )
    closed = np.zeros(0, dtype="int64")
    if key is not None and table in OPEN_ENDS and OPEN_ENDS[table][0] in whole.columns:
        frame, closed, said = _close_in_gaps(
            table, parts, whole, source, key, keep, new_pos, frame, where
        )
        found += said
    earlier = _earlier_copies(parts, whole, key, source, keep, new_pos) if key is not None else None
    return Stitched(frame, where, moved, earlier=earlier, closed=closed), found


def _close_in_gaps(
    table: str,
    parts: list[Part],
    whole: pd.DataFrame,
    source: np.ndarray,
    key: np.ndarray,
    keep: np.ndarray,
    new_pos: np.ndarray,
    frame: pd.DataFrame,
    where: Where,
) -> tuple[pd.DataFrame, np.ndarray, list[pd.DataFrame]]:
    """Rows open at the end of a year before a year with no return, and absent from the
    next return there is, ended in the gap: had one been open then, that return would hold
    it. An episode the child's next one continues (begun in the gap, its RNE not S) ended
    that day with X1, as SSDA903 requires; else the day is not known, and the row is read
    as ended by the gap's last day. Figures that need the gap's years are not available;
    after it, the row is no longer counted for ever. (frame with those ends, their
    positions, a warning per year and kind of end)."""
    end_column, what, kind = OPEN_ENDS[table]
    start = KEYS[table][-1]
    years = np.array([p.year if p.year is not None else -1 for p in parts])[source]
    present = sorted({int(y) for y in years if y >= 0})
    if all(b == a + 1 for a, b in pairwise(present)):  # the usual case: no year missing
        return frame, np.zeros(0, dtype="int64"), []
    begun = whole[start].to_numpy(dtype="datetime64[ns]")
    open_ = whole[end_column].isna().to_numpy() & ~np.isnat(begun)
    child = combine(*[id_codes(whole[c]) for c in ("LA", KEYS[table][0]) if c in whole.columns])
    ends = frame[end_column].to_numpy(dtype="datetime64[ns]", copy=True)
    x1 = np.zeros(len(frame), dtype=bool)
    closed, found = [], []
    for year, nxt in pairwise(present):
        if nxt == year + 1:
            continue
        gone = keep & (years == year) & open_ & ~np.isin(key, key[years > year])
        gone &= ~_undated_next(table, whole, years == nxt)
        if not gone.any():
            continue
        last = bounds(nxt - 1)[1]
        rows = np.flatnonzero(gone)
        day, goes_on = _next_in_gap(table, whole, years == nxt, child, begun, rows, bounds(nxt)[0])
        pos = new_pos[rows]
        follows = ~np.isnat(day)  # it ended by the child's next episode, at the latest
        ends[pos] = np.where(follows, day, np.datetime64(last, "ns"))
        x1[pos] = goes_on
        gap = label(year + 1) if nxt == year + 2 else f"{label(year + 1)} to {label(nxt - 1)}"
        missing = f"{what} open at the end of {label(year)} is missing from the {label(nxt)} {kind}"
        hint = (
            f"Had it been open on {bounds(nxt)[0]:%d/%m/%Y}, the {label(nxt)} {kind} would hold "
            f"it; figures that need {gap}, with no {kind}, are not available. Add the missing "
            f"{kind}."
        )
        after = f"{missing}, the next after {gap} (none): read as ended"
        for said, rule in (
            (~follows, f"{after} by {last:%d/%m/%Y}"),
            (follows & ~goes_on, f"{after} by the day the child's next episode starts"),
            (
                goes_on,
                f"{after} with X1 the day the child's next episode starts (its RNE continues "
                "the period of care)",
            ),
        ):
            if said.any():
                found.append(at("warning", table, where, pos[said], end_column, None, rule, hint))
        closed.append(pos)
    if not closed:
        return frame, np.zeros(0, dtype="int64"), []
    out = {end_column: pd.Series(ends, index=frame.index).astype(frame[end_column].dtype)}
    if x1.any():
        out["REC"] = frame["REC"].mask(x1, "X1")
    return frame.assign(**out), np.concatenate(closed), found


def _next_in_gap(
    table: str,
    whole: pd.DataFrame,
    nxt: np.ndarray,
    child: np.ndarray,
    begun: np.ndarray,
    rows: np.ndarray,
    first_day: pd.Timestamp,
) -> tuple[np.ndarray, np.ndarray]:
    """For each of `rows` (episodes that ended in a gap), the start of the child's next
    episode in the return after it (begun after the row and before `first_day`), and
    whether that episode continues the period of care (RNE given and not S)."""
    day = np.full(len(rows), np.datetime64("NaT", "ns"))
    if table != "episodes" or "RNE" not in whole.columns:
        return day, np.zeros(len(rows), dtype=bool)
    later = np.flatnonzero(nxt & (begun < np.datetime64(first_day, "ns")))
    rne = whole["RNE"].astype("string").str.strip().str.upper().to_numpy(na_value="")
    pairs = pd.DataFrame({"c": child[rows], "i": np.arange(len(rows)), "from": begun[rows]}).merge(
        pd.DataFrame({"c": child[later], "day": begun[later], "rne": rne[later]}), on="c"
    )
    pairs = pairs.loc[pairs["day"] > pairs["from"]].sort_values(["i", "day"])
    first = pairs.drop_duplicates("i")
    goes_on = np.zeros(len(rows), dtype=bool)
    i = first["i"].to_numpy()
    day[i] = first["day"].to_numpy(dtype="datetime64[ns]")
    goes_on[i] = (first["rne"] != "").to_numpy() & (first["rne"] != "S").to_numpy()
    return day, goes_on


def _earlier_copies(
    parts: list[Part],
    whole: pd.DataFrame,
    key: np.ndarray,
    source: np.ndarray,
    keep: np.ndarray,
    new_pos: np.ndarray,
) -> EarlierCopies | None:
    """For each stitched row that replaced a row of an earlier return, that row (the latest
    replaced), standing for it until the first day of the replacing return; not usable
    where it has a cell that failed on reading."""
    if keep.all():
        return None
    bad = _read_errors(parts, len(whole))
    gone = np.flatnonzero(~keep)
    order = gone[np.lexsort((source[gone], key[gone]))]
    latest = order[np.r_[key[order][1:] != key[order][:-1], True]]
    kept = np.flatnonzero(keep)
    years = np.array([np.nan if p.year is None else p.year for p in parts])[source[kept]]
    pairs = pd.DataFrame({"k": key[kept], "row": new_pos[kept], "year": years}).merge(
        pd.DataFrame({"k": key[latest], "copy": latest}), on="k"
    )
    # one stitched row per copy: a key written twice in the latest return stands once
    pairs = pairs.loc[pairs["year"].notna()].drop_duplicates("copy", keep="last")
    if pairs.empty:
        return None
    until = pd.to_datetime(pairs["year"].astype("int64").astype(str) + "-04-01")
    copy = pairs["copy"].to_numpy()
    return EarlierCopies(
        whole.iloc[copy].reset_index(drop=True),
        pairs["row"].to_numpy(dtype="int64"),
        until.to_numpy(dtype="datetime64[ns]"),
        ~bad[copy],
    )


def _read_errors(parts: list[Part], n: int) -> np.ndarray:
    """The rows of the parts stacked (`n` in all) with a cell that failed on reading."""
    starts = np.cumsum([0, *(len(p.frame) for p in parts)])
    bad = np.zeros(n, dtype=bool)
    for i, p in enumerate(parts):
        for f in p.issues:
            if "pos" in f.columns:
                pos = f.loc[(f["severity"] == "error") & f["pos"].notna(), "pos"]
                bad[starts[i] + pos.to_numpy(dtype="int64")] = True
    return bad


TWICE_DAYS = 31  # at most this many days between the DECOMs of one episode written twice
TWICE_RULE = (
    "episode written twice in its return, with another DECOM and every other cell the same, "
    "the two overlapping: one episode, this row left out"
)


def _written_twice(
    table: str,
    parts: list[Part],
    whole: pd.DataFrame,
    source: np.ndarray,
    rows: np.ndarray,
    key: np.ndarray | None,
) -> tuple[np.ndarray, list[pd.DataFrame]]:
    """Episodes one return writes twice, the start date corrected and the original kept
    beside it (an export of both): exactly two rows of a child in one return that agree on
    every cell but DECOM, their DECOMs at most `TWICE_DAYS` apart, the later begun before
    their shared DEC (or both open). They overlap, so both cannot be true, and a start date
    corrected by days or weeks (keyed a few days off, moved to the day the placement
    began) is the likely reason; further apart (a year mistyped), or with a third such
    row, or a cell that failed on reading, which one is meant is less clear, and the
    overlap stays a warning for the analyst. Kept: the row the next return holds (its
    word is the later, as when it corrects a start date, `_corrected_starts`), else the one
    the previous return holds, else the later DECOM (the correction). Both kept, the episode
    overlapped itself and could start a second period of care. (rows left out, a warning per
    pair naming both rows)."""
    out = np.zeros(len(whole), dtype=bool)
    if table != "episodes" or not {"CHILD", "DECOM"} <= set(whole.columns):
        return out, []
    years = np.array([p.year if p.year is not None else -1 for p in parts])[source]
    decom = whole["DECOM"].to_numpy(dtype="datetime64[ns]")
    child = id_codes(whole["CHILD"])
    dec = whole["DEC"] if "DEC" in whole.columns else pd.Series(pd.NaT, index=whole.index)
    use = (years >= 0) & (child >= 0) & ~np.isnat(decom) & ~_read_errors(parts, len(whole))
    # a cheap screen first: a child's rows of one return sharing their DEC
    screen = combine(years, child, id_codes(dec))
    cand = np.flatnonzero(use)
    cand = cand[pd.Series(screen[cand]).duplicated(keep=False).to_numpy()]
    if not len(cand):
        return out, []
    same = [id_codes(whole[c].iloc[cand]) for c in whole.columns if c != "DECOM"]
    sig = pd.Series(combine(years[cand], *same))
    pair = (sig.groupby(sig).transform("size") == 2).to_numpy()
    cand, sig = cand[pair], sig.to_numpy()[pair]
    order = np.lexsort((decom[cand], sig))
    a, b = cand[order][0::2], cand[order][1::2]  # each pair: the earlier DECOM, the later
    apart = (decom[b] - decom[a]) // np.timedelta64(1, "D")
    end = dec.to_numpy(dtype="datetime64[ns]")[a]
    hit = (apart > 0) & (apart <= TWICE_DAYS) & (np.isnat(end) | (end > decom[b]))
    a, b = a[hit], b[hit]
    if not len(a):
        return out, []

    def held(r: np.ndarray, step: int) -> np.ndarray:
        """Rows `r` whose key the return `step` years on holds."""
        if key is None:
            return np.zeros(len(r), dtype=bool)
        both = combine(np.r_[key, key[r]], np.r_[years, years[r] + step])
        return np.isin(both[len(key) :], both[: len(key)])

    next_a, next_b, prev_a, prev_b = held(a, 1), held(b, 1), held(a, -1), held(b, -1)
    by_next, by_prev = next_a != next_b, (next_a == next_b) & (prev_a != prev_b)
    keep_a = (by_next & next_a) | (by_prev & prev_a)
    kept, left = np.where(keep_a, a, b), np.where(keep_a, b, a)
    out[left] = True
    step = np.where(by_next, 1, -1)
    why = pd.Series(years[a] + step).map(label) + " return holds it"
    why = ("the " + why).where(by_next | by_prev, "the later DECOM").to_numpy(dtype=object)
    names = np.asarray([p.raw.file for p in parts], dtype=object)
    hint = (
        "Row "
        + pd.Series(rows[kept]).astype(str)
        + " of "
        + names[source[kept]]
        + " has the same episode from "
        + pd.Series(decom[kept]).dt.strftime("%d/%m/%Y")
        + ", kept ("
        + why
        + "): a corrected start date exported beside the original? Remove the wrong row "
        "from the return."
    )
    said = issues(
        "warning",
        table,
        names[source[left]],
        rows[left],
        "DECOM",
        whole["DECOM"].iloc[left],
        TWICE_RULE,
        hint,
    )
    return out, [said]


# tables whose rows stay open until an end date, and must reappear in the next year's return
# while open: (end date, what a row is, what a return is called)
OPEN_ENDS = {
    "episodes": ("DEC", "episode", "return"),
    "referrals": ("CINclosureDate", "referral", "census"),
}
START_WORDS = {"episodes": "start date", "referrals": "referral date"}  # KEYS' last column


def _corrected_starts(
    table: str,
    parts: list[Part],
    whole: pd.DataFrame,
    source: np.ndarray,
    key: np.ndarray,
    left_out: np.ndarray,
) -> tuple[np.ndarray, list[tuple[int, np.ndarray]]]:
    """Keys with a start date corrected between returns made one: a child's only row open
    at the end of a year and missing from the next return, and their only row in the next
    return open at its start and missing from the first, are one episode (or referral)
    whose start date was corrected. The later row replaces the earlier, as any corrected
    cell does, so the episode is neither open for ever nor counted twice. Also (year, rows
    of the next return so read), for the warning. Rows `left_out` (`_written_twice`) are
    none of them."""
    end_column, start = OPEN_ENDS[table][0], KEYS[table][-1]
    if end_column not in whole.columns:
        return key, []
    key = key.copy()
    years = np.array([p.year if p.year is not None else -1 for p in parts])[source]
    child = combine(*[id_codes(whole[c]) for c in ("LA", KEYS[table][0]) if c in whole.columns])
    begun = whole[start].to_numpy(dtype="datetime64[ns]")
    ended = whole[end_column].to_numpy(dtype="datetime64[ns]")
    out = []
    for year in sorted({int(y) for y in years if y >= 0}):
        mine, nxt = years == year, years == year + 1
        if not nxt.any():
            continue
        first_day = np.datetime64(f"{year + 1}-04-01")
        gone = mine & ~np.isnat(begun) & np.isnat(ended) & ~np.isin(key, key[nxt])
        gone &= ~_undated_next(table, whole, nxt) & ~left_out
        carried = nxt & (begun < first_day) & ~(ended < first_day) & ~np.isin(key, key[mine])
        carried &= ~left_out
        if not (gone.any() and carried.any()):
            continue
        pairs = _one_each(child, gone, "old").merge(_one_each(child, carried, "new"), on="c")
        if pairs.empty:
            continue
        # every earlier return's copy of the episode follows its corrected key
        old, new = key[pairs["old"].to_numpy()], key[pairs["new"].to_numpy()]
        copies = (years <= year) & np.isin(key, old)
        key[copies] = pd.Series(new, index=old).loc[key[copies]].to_numpy()
        mask = np.zeros(len(whole), dtype=bool)
        mask[pairs["new"].to_numpy()] = True
        out.append((year, mask))
    return key, out


def _one_each(child: np.ndarray, mask: np.ndarray, name: str) -> pd.DataFrame:
    """The rows under `mask` whose child has no other row there: (child `c`, row `name`);
    with two, which one continues which cannot be told."""
    rows = np.flatnonzero(mask)
    single = ~pd.Series(child[rows]).duplicated(keep=False).to_numpy()
    return pd.DataFrame({"c": child[rows][single], name: rows[single]})


def _undated_next(table: str, whole: pd.DataFrame, next_year: np.ndarray) -> np.ndarray:
    """Rows of children with a row in the next return whose start date is blank (or no date,
    read blank): which open row it continues cannot be told, so none is called missing."""
    child, start = KEYS[table][0], KEYS[table][-1]
    undated = next_year & whole[start].isna().to_numpy()
    if not undated.any():
        return np.zeros(len(whole), dtype=bool)
    key = combine(*[id_codes(whole[c]) for c in ("LA", child) if c in whole.columns])
    return pd.Series(key, copy=False).isin(key[undated]).to_numpy()


MOST_GONE_FLOOR = 20  # open rows missing from the next return before 'most' is said


def _most_gone(table: str, files: str, year: int, gone: int, open_: int) -> pd.DataFrame:
    """An error on the table when most rows open at a year's end are missing from the next
    return: not a few dropped, but the children under other identifiers (a new system) or
    another authority's file; each would count as open for ever beside its new number."""
    _, what, kind = OPEN_ENDS[table]
    return note(
        "error",
        files,
        f"most {what}s open at the end of {label(year)} are missing from the {label(year + 1)} "
        f"{kind} ({gone:,} of {open_:,}): the children renumbered by a new system, or "
        "another authority's file? They count as open, and again under their new numbers",
        "Check the identifiers of the two returns; if a new system renumbered the children, "
        "give every return the same identifier for a child.",
        table,
    )


def _conflicts(
    table: str,
    parts: list[Part],
    whole: pd.DataFrame,
    source: np.ndarray,
    key: np.ndarray | None,
    new_pos: np.ndarray,
    frame: pd.DataFrame,
    where: Where,
) -> list[pd.DataFrame]:
    """Changed DOBs, episodes open in one return and missing from the next, rows outside
    their return's year (an episode begun after it: an error, `_begun_after_year`), referrals after
    their census date."""
    found: list[pd.DataFrame] = []
    years = np.array([p.year if p.year is not None else -1 for p in parts])
    if key is not None and table == "header" and "DOB" in whole.columns:
        # a blank DOB (or one no date, read blank) differs from none: it is said where read
        dob = id_codes(whole["DOB"]).astype("float64")
        dob[whole["DOB"].isna().to_numpy()] = np.nan
        pair = pd.DataFrame({"k": key, "d": dob})
        changed = pair.groupby("k")["d"].transform("nunique").to_numpy() > 1
        final = changed & (new_pos >= 0)
        if final.any():
            found.append(
                at(
                    "warning",
                    "header",
                    where,
                    new_pos[final],
                    "DOB",
                    frame["DOB"].iloc[new_pos[final]],
                    "DOB differs between returns (the latest return's is used)",
                    "Another return gives this child a different date of birth; check which "
                    "is right and correct the other return.",
                )
            )
    end_column, what, kind = OPEN_ENDS.get(table, ("", "", ""))
    if key is not None and end_column in whole.columns:
        is_open = whole[end_column].isna().to_numpy()
        year_of = years[source]  # a return written in parts: its parts go together
        for year in sorted({int(y) for y in years if y >= 0}):
            if year + 1 not in years:
                continue
            mine = (year_of == year) & is_open
            later = pd.Series(key[year_of == year + 1])
            gone = mine & ~pd.Series(key, copy=False).isin(later).to_numpy()
            gone &= ~_undated_next(table, whole, year_of == year + 1)
            # report on the row that stands for the episode in the stitched table
            latest = pd.Series(new_pos).groupby(key).transform("max").to_numpy()
            pos = latest[gone]
            pos = pos[pos >= 0]
            if len(pos):
                found.append(
                    at(
                        "warning",
                        table,
                        where,
                        pos,
                        end_column,
                        None,
                        f"{what} open at the end of {label(year)} is missing from the "
                        f"{label(year + 1)} {kind}",
                        f"An open {what} must appear in the next year's {kind}, closed or "
                        "still open, with the same start date (a corrected one is matched "
                        f"only when it is the child's one {what} there begun before its "
                        "year); until corrected it counts as open.",
                    )
                )
            if len(pos) >= MOST_GONE_FLOOR and len(pos) > mine.sum() / 2:
                files = ", ".join(p.raw.file for p in parts if p.year in (year, year + 1))
                found.append(_most_gone(table, files, year, len(pos), int(mine.sum())))

    def flag(
        i: int, mask: np.ndarray, column: str, rule: str, hint: str | pd.Series, level="warning"
    ) -> None:
        """Warnings (or `level`) on the stitched rows that part i's rows under `mask` became
        (a Series `hint` is indexed by the part's rows)."""
        mine = np.flatnonzero(source == i)[mask]
        pos = new_pos[mine]
        if isinstance(hint, pd.Series):
            hint = hint.iloc[np.flatnonzero(mask)[pos >= 0]].to_numpy(dtype=object)
        pos = pos[pos >= 0]
        if len(pos):
            values = frame[column].iloc[pos] if column in frame.columns else None
            found.append(at(level, table, where, pos, column, values, rule, hint))

    for i, p in enumerate(parts):
        if p.year is None:
            continue
        ok = fits(table, p.frame, p.year)
        late = _begun_after_year(p) if table == "episodes" else None
        if late is not None:
            hint = _after_year_hint(whole, source, parts, i, late)
            rule = f"DECOM after the last day of its return's collection year {label(p.year)}"
            flag(i, late, "DECOM", rule, hint, "error")
            if ok is not None:
                ok = ok | late  # said as an error, not again as outside the year
        after = _after_census(table, p)
        if after is not None and ok is not None:
            ok = ok | after  # said below, not again as outside the year
        if ok is not None and not ok.all():
            column = {"episodes": "DECOM", "referrals": "CINreferralDate"}.get(
                table, "DOB" if table == "oc3" else frame.columns[0]
            )
            flag(
                i,
                ~ok,
                column,
                f"row outside its return's collection year {label(p.year)}",
                "A yearly return holds what is open (OC3: the birthdays) in its year; "
                "check the dates or the return the row is in.",
            )
        if after is not None:
            flag(
                i,
                after,
                "CINreferralDate",
                f"referral after the census reference date ({p.raw.census_date:%d/%m/%Y})",
                "A census holds referrals up to its reference date; check the date.",
            )
    return found


def _after_census(table: str, part: Part) -> np.ndarray | None:
    """The referrals of a census dated after its reference date (None: not a census, or
    one whose header is left from an earlier census, said once for the file, not for each
    referral)."""
    stale = part.raw.declared is not None and part.raw.declared != part.year
    if table != "referrals" or part.raw.census_date is None or stale:
        return None
    return (part.frame["CINreferralDate"] > part.raw.census_date).to_numpy(dtype=bool)


def _begun_after_year(part: Part) -> np.ndarray | None:
    """The rows of an episodes return begun (DECOM) after its collection year's last day:
    impossible in that return (it was written by then), so an error on the cell. None when
    there are none. Not a DECOM before the year's first day (an episode begun earlier and
    still open), nor a row of a return with no year (a single extract), nor a DEC after the
    year: an extract run after 31 March shows April's ends of episodes open on it, which
    were open at the year's end (a warning, the row kept)."""
    if part.year is None or "DECOM" not in part.frame.columns:
        return None
    late = (part.frame["DECOM"] > bounds(part.year)[1]).to_numpy(dtype=bool)
    return late if late.any() else None


def _after_year_hint(
    whole: pd.DataFrame,
    source: np.ndarray,
    parts: list[Part],
    i: int,
    late: np.ndarray,
) -> pd.Series:
    """The hint for part i's rows `late` marks (indexed by the part's rows): when an earlier
    return holds one of the child's DECOMs on the same day and month in another year, that
    date (the latest return's), the year likely mistyped."""
    column = "DECOM"
    year = parts[i].year
    last = bounds(year)[1]
    hint = pd.Series("", index=pd.RangeIndex(len(late)), dtype=object)
    base = (
        f"A return holds its year's episodes as they stood on its last day ({last:%d/%m/%Y}): "
        f"a {column} after it cannot be in the {label(year)} return. "
    )
    rest = (
        "Correct the date (an episode begun after it belongs to the next return); until then "
        "the row is left out of the figures that read DECOM."
    )
    hint[:] = base + rest
    years = np.array([p.year if p.year is not None else -1 for p in parts])[source]
    child = combine(*[id_codes(whole[c]) for c in ("LA", "CHILD") if c in whole.columns])
    rows = np.flatnonzero(source == i)[late]
    before = np.flatnonzero((years >= 0) & (years < year) & whole[column].notna().to_numpy())
    if not len(before):
        return hint
    dates = whole[column]
    pairs = pd.DataFrame(
        {"c": child[rows], "at": np.flatnonzero(late), "d": dates.iloc[rows].to_numpy()}
    ).merge(
        pd.DataFrame({"c": child[before], "e": dates.iloc[before].to_numpy(), "y": years[before]}),
        on="c",
    )
    same = (
        (pairs["d"].dt.month == pairs["e"].dt.month)
        & (pairs["d"].dt.day == pairs["e"].dt.day)
        & (pairs["d"].dt.year != pairs["e"].dt.year)
    )
    pairs = pairs.loc[same].sort_values(["y", "e"]).drop_duplicates("at", keep="last")
    if len(pairs):
        typo = (
            base
            + "The "
            + pairs["y"].map(label)
            + f" return gives this child the {column} "
            + pairs["e"].dt.strftime("%d/%m/%Y")
            + ": the same day and month, the year mistyped? "
            + rest
        )
        hint.iloc[pairs["at"].to_numpy()] = typo.to_numpy(dtype=object)
    return hint


def xml_years(by_table: dict[str, list[Part]]) -> dict[str, set[int]]:
    """The collection years, per return (SSDA903, CIN census), given as an XML file: one
    file holds the whole return, so a table it lacks had no rows that year (the 2021-22
    SSDA903 XML with no missing episode), and is not missing."""
    out: dict[str, set[int]] = {}
    for table, parts in by_table.items():
        for p in parts:
            if p.year is not None and str(p.raw.file).lower().split(" (")[0].endswith(".xml"):
                out.setdefault(return_of(table), set()).add(p.year)
    return out


def returned_years(table: str, parts: list[Part], xml: dict[str, set[int]]) -> list[int]:
    """The collection years a table's data cover: those of its parts, and those whose
    return is an XML file (`xml_years`)."""
    own = {p.year for p in parts if p.year is not None}
    return sorted(own | xml.get(return_of(table), set())) if own else []


def missing_years(table: str, years: list[int]) -> list[pd.DataFrame]:
    """A warning per collection year missing between a table's first and last return."""
    if len(years) < 2:
        return []
    gaps = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    return [
        note(
            "warning",
            "",
            f"no {table} return for {label(y)} (between {label(years[0])} and {label(years[-1])})",
            "Figures that need that year are not available; add the missing return.",
            table,
        )
        for y in gaps
    ]


def missing_latest(by_table: dict[str, list[Part]]) -> list[pd.DataFrame]:
    """A warning per table whose returns stop before its return's latest year (the 2024-25
    SSDA903 return without its uasc file): the table's data end a year early, and figures
    that need it have none after, which the analyst should hear before the card says so.
    Only the tables indicators read; an XML return lacks no table (`xml_years`)."""
    xml = xml_years(by_table)
    last = {
        t: max(years) for t, parts in by_table.items() if (years := returned_years(t, parts, xml))
    }
    latest: dict[str, int] = {}
    for t, year in last.items():
        latest[return_of(t)] = max(latest.get(return_of(t), year), year)
    said = [
        note(
            "warning",
            "",
            f"no {table} in the {label(latest[return_of(table)])} {return_of(table)} return "
            f"(the returns to {label(year)} have one)",
            f"Figures that need {table} have none after 31/03/{year + 1}. Add the file to the "
            "return; if the return truly has no such rows, add the file with its header row "
            "alone, named for the year.",
            table,
        )
        for table, year in sorted(last.items())
        if year < latest[return_of(table)] and table in TABLES
    ]
    # one return a year behind the other (the CIN census of the latest year not added)
    newest = max(latest.values(), default=None)
    ahead = [k for k, y in latest.items() if y == newest]
    for kind, year in sorted(latest.items()):
        if newest is not None and year < newest:
            table = "referrals" if kind == CIN_CENSUS else "episodes"
            said.append(
                note(
                    "warning",
                    "",
                    f"no {kind} return for {label(newest)} (the {kind} returns go to "
                    f"{label(year)}, the {ahead[0]} returns to {label(newest)})",
                    f"Figures from the {kind} have none after 31/03/{year + 1}; add the "
                    f"{label(newest)} return.",
                    table,
                )
            )
    return said
