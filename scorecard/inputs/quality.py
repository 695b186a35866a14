"""Data-quality checks: the warnings that do not stop loading.

`dataset_warnings` runs the checks below on coerced tables, vectorised over rows (`dataset_checks`
gives each as a step of its own, to run side by side):
- a code valid only in another collection year than the row's date (PLACE H5 in an episode
  starting after 1 April 2024; SEX 1/2 against M/F/U by the child's latest episode);
- overlapping episodes of one child, gaps in X1 chains, REC given while DEC is blank;
  overlapping IRO allocations of one child to one IRO, and rows of one IRO in post, and
  IRO rows ending the day before the next starts (END written as the last day in post);
- duplicated rows (the load stage then removes exact copies, `exact_copies`); referrals
  repeated on (LAchildID, CINreferralDate); a child twice in header; repeated KS4 results;
- codes valid in no year in the columns no indicator uses yet (the other 903 tables, CIN
  referral details);
- episodes of children without a header row; blank ACTIV/ACCOM in oc3; referrals closed
  before they started or dated in the future (an error); IRO FTE above 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import partial
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import codes, threads
from ..compact import as_text
from ..dataset import REFERRAL_CHILD_CODES
from ..identifiers import digits_as_numbers
from ..periods import DAY_NS, months_before
from ..postcodes import district_lookup, district_of_parts, postcode_parts
from .columns import known_columns, required
from .keys import (
    BIG,
    Distinct,
    any_order,
    combine,
    has_repeats,
    id_codes,
    largest_by_key,
    look_up,
    reach_before,
    repeats,
    repeats_in_order,
    same_as_before,
    screen_key,
    sort_order,
)
from .report import Where, at, concat, empty, note
from .returns import COLLECTION_YEAR

SHORT_BREAK_LS = ("V3", "V4")
T = TypeVar("T")

# ------------------------------------------------------------------------------ checks
CHILD_TABLES = ("header", "episodes", "uasc", "oc3", "ks4_cla", "iro_allocations")


_NAT = np.datetime64("NaT", "ns").view("int64")  # a blank date's nanoseconds


class _Ctx:
    """Tables with where their rows came from, for building warnings; memoises child keys,
    duplicate flags and columns' distinct values so that each is computed once."""

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        where: Mapping[str, Where],
        distinct: Mapping[str, Mapping[str, Distinct]] | None = None,
        unusable: pd.DataFrame | None = None,
    ) -> None:
        self.tables, self.where = tables, where
        self._memo: dict[str, object] = {}
        self._distinct = {t: dict(cols) for t, cols in (distinct or {}).items()}
        self._unusable = unusable

    def once(self, key: str, build: Callable[[], T]) -> T:
        """`build()` worked out once and kept under `key` (checks running side by side in
        threads may ask for it at once)."""
        return threads.once(self._memo, key, build)

    def made(self, key: str) -> object | None:
        """What `once` built under `key` (None when nothing was)."""
        return self._memo.get(key)

    def has(self, table: str, *cols: str) -> bool:
        return table in self.tables and all(c in self.tables[table].columns for c in cols)

    def distinct(self, table: str, column: str) -> Distinct:
        """The column as codes into its distinct values (given by coerce, else found)."""
        known = self._distinct.setdefault(table, {})
        if column not in known:
            found = self.once(
                f"distinct:{table}:{column}", lambda: Distinct.of(self.tables[table][column])
            )
            known.setdefault(column, found)
        return known[column]

    def knows(self, table: str, column: str) -> bool:
        """True when the column is already known as codes (read from Parquet dictionaries)."""
        return column in self._distinct.get(table, {})

    def known_codes(self, table: str, column: str) -> np.ndarray:
        return self._distinct[table][column].codes

    def isin(self, table: str, column: str, values: object) -> np.ndarray:
        """Rows whose value is one of `values` (blank: False), decided per distinct value."""
        d = self.distinct(table, column)
        return d.spread(d.values.isin(list(values)).to_numpy(dtype=bool), False)

    def la_codes(self, tables: list[str]) -> list[np.ndarray]:
        """Integer LA code per row of each of `tables`, in one code space (the smallest
        integer type); -1 when blank."""
        parts = [self.distinct(t, "LA") for t in tables]
        if len(parts) == 1:
            return [parts[0].codes]
        every = pd.concat([d.values for d in parts], ignore_index=True)
        shared, uniques = pd.factorize(every)
        shared = shared.astype(np.min_scalar_type(-len(uniques) - 1))
        bounds = np.cumsum([0] + [len(d.values) for d in parts])
        return [
            np.append(shared[bounds[i] : bounds[i + 1]], -1).astype(shared.dtype)[d.codes]
            for i, d in enumerate(parts)
        ]

    def child_codes(self, table: str) -> np.ndarray:
        """Integer child key per row (LA and CHILD when every child table has LA), comparable
        across tables; -1 where CHILD is blank."""

        def build() -> dict[str, np.ndarray]:
            present = [t for t in CHILD_TABLES if self.has(t, "CHILD")]
            frames = [self.tables[t] for t in present]
            # the tables side by side (most are under a block of `digits_as_numbers`, which
            # reads a column's blocks side by side, so one table at a time kept one core)
            numbers = threads.each(
                lambda f: digits_as_numbers(f["CHILD"]),
                frames,
                worth=sum(len(f) for f in frames) > BIG,
            )
            if all(n is not None for n in numbers):  # no strings to stack and hash
                ids: list[np.ndarray] = numbers  # type: ignore[assignment]
            else:
                every = id_codes(pd.concat([f["CHILD"] for f in frames], ignore_index=True))
                ids = np.split(every, np.cumsum([len(f) for f in frames])[:-1])
            if frames and all("LA" in f.columns for f in frames):
                ids = _with_la(self.la_codes(present), ids)
            return dict(zip(present, ids, strict=True))

        return self.once("child_codes", build)[table]

    def duplicated(self, table: str) -> np.ndarray:
        """Rows repeating an earlier row exactly (first copy not flagged). A row with an
        unusable cell is none: its cell was read blank, and may differ as written."""
        return self.once(
            f"dup:{table}", lambda: _duplicated_rows(self, table) & ~self.unreadable(table)
        )

    def also_unusable(self, cells: pd.DataFrame) -> None:
        """More cells found unusable (`report.unusable_cells`), before the checks run."""
        self._unusable = cells if self._unusable is None else pd.concat([self._unusable, cells])

    def unreadable(self, table: str, *columns: str) -> np.ndarray:
        """Rows of `table` with a cell that failed a rule on loading (in `columns`, or in
        any column): read blank, so a check must not take it for a blank the file wrote."""
        out = np.zeros(len(self.tables[table]), dtype=bool)
        bad = self._unusable
        if bad is not None and len(bad):
            hit = bad["table"] == table
            if columns:
                hit &= bad["column"].isin(columns)
            out[bad.loc[hit, "row"].to_numpy(dtype="int64")] = True
        return out

    def warn(
        self,
        table: str,
        mask: np.ndarray | pd.Series,
        column: str,
        rule: str | pd.Series,
        hint: str | pd.Series,
        values: pd.Series | None = None,
        severity: str = "warning",
    ) -> pd.DataFrame:
        """Warnings (or `severity`) for the rows of `table` where `mask` is true."""
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            return empty()
        frame = self.tables[table]
        pos = np.flatnonzero(m)
        vals = as_text(frame[column].iloc[pos]) if values is None else values.iloc[pos]
        # Series rule/hint are indexed by row position (only the flagged rows are needed)
        rule = rule.reindex(pos) if isinstance(rule, pd.Series) else rule
        hint = hint.reindex(pos) if isinstance(hint, pd.Series) else hint
        return at(severity, table, self.where[table], pos, column, vals, rule, hint)


def _with_la(la: list[np.ndarray], ids: list[np.ndarray]) -> list[np.ndarray]:
    """Per table, one key for (LA, child id) packed the same way in every table, in place on
    the ids' arrays; -1 where either is blank."""
    lows = [(int(a.min()), int(a.max())) for a in la if len(a)]
    id_lows = [(int(a.min()), int(a.max())) for a in ids if len(a)]
    if not lows:
        return ids
    la_lo, la_hi = min(lo for lo, _ in lows), max(hi for _, hi in lows)
    id_lo, id_hi = min(lo for lo, _ in id_lows), max(hi for _, hi in id_lows)
    width = id_hi - id_lo + 1
    if (la_hi - la_lo + 1) * width >= 2**62:  # too wide to pack: combine renumbers
        bounds = np.cumsum([len(a) for a in ids])[:-1]
        la_all, id_all = np.concatenate(la), np.concatenate(ids)
        key = np.where((id_all < 0) | (la_all < 0), -1, combine(la_all, id_all))
        return np.split(key, bounds)
    out = []
    for la_part, key in zip(la, ids, strict=True):
        blank = (key < 0) | (la_part < 0)
        key = key.astype("int64", copy=False)
        key -= id_lo
        place = la_part.astype("int64")
        place -= la_lo
        place *= width
        key += place
        key[blank] = -1
        out.append(key)
    return out


def is_datetime(s: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(s)


def _duplicated_rows(ctx: _Ctx, table: str) -> np.ndarray:
    frame = ctx.tables[table]
    if len(frame) <= BIG:
        return frame.duplicated(keep="first").to_numpy()
    # pre-screen on integer codes that are cheap to get (dates, numbers, the child key and
    # the columns already known as codes: equal rows have equal codes), then compare whole
    # rows only among the candidates
    cheap = [id_codes(frame[c]) for c in frame.columns if is_datetime(frame[c])]
    if ctx.has(table, "CHILD") and table in CHILD_TABLES:
        cheap.append(ctx.child_codes(table))
    cheap += [ctx.known_codes(table, c) for c in frame.columns if ctx.knows(table, c)]
    cheap += [id_codes(frame[c]) for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    if not cheap:
        return frame.duplicated(keep="first").to_numpy()
    candidate = repeats(screen_key(*cheap), keep=False)
    out = np.zeros(len(frame), dtype=bool)
    if candidate.any():
        pos = np.flatnonzero(candidate)
        out[pos] = frame.iloc[pos].duplicated(keep="first").to_numpy()
    return out


def _year_label(start: pd.Series) -> pd.Series:
    s = start.astype("Int64").astype(str)
    end = ((start + 1) % 100).astype("Int64").astype(str).str.zfill(2)
    return s + "-" + end


def _code_bounds(list_name: str, code: Distinct) -> tuple[np.ndarray, np.ndarray]:
    """First and last valid start year of each distinct code (NaN when not a code of the
    list)."""
    first, last = codes.year_bounds(list_name)
    values = pd.Index(code.values)
    lo = values.map(first).to_numpy(dtype="float64", na_value=np.nan)
    hi = values.map(last).to_numpy(dtype="float64", na_value=np.nan)
    return lo, hi


def _out_of_year(
    ctx: _Ctx,
    table: str,
    column: str,
    list_name: str,
    start_year: Callable[[np.ndarray], object],
    what: str,
    end_year: Callable[[np.ndarray], object] | None = None,
) -> pd.DataFrame:
    """Codes valid in some collection year, but not in the year of the row's date (or, with
    `end_year`, in none of the years from `start_year` to `end_year`: an episode open across
    several years may carry the code of any of them, as the DfE asks returns to recode a
    placement that is still open when a code is withdrawn).

    `start_year` (and `end_year`) give the collection-year start years of the rows at the
    positions they are given: only the rows holding a code that is not valid in every year
    are looked at."""
    frame = ctx.tables[table]
    if not codes.versioned(list_name):
        return empty()
    code = ctx.distinct(table, column)
    lo_of, hi_of = _code_bounds(list_name, code)
    limited = ~np.isnan(lo_of) & ~((lo_of <= codes.FIRST_YEAR) & (hi_of >= codes.LAST_YEAR))
    if not limited.any():
        return empty()  # every code present is valid in every year
    rows = np.flatnonzero(code.spread(limited, False))
    lo, hi = lo_of[code.codes[rows]], hi_of[code.codes[rows]]

    def clipped(years: Callable[[np.ndarray], object]) -> np.ndarray:
        found = np.asarray(years(rows), dtype="float64")
        return np.clip(found, codes.FIRST_YEAR, codes.LAST_YEAR)

    year = clipped(start_year)
    last = year if end_year is None else np.fmax(clipped(end_year), year)
    bad_rows = (last < lo) | (year > hi)
    if not bad_rows.any():
        return empty()
    pos = rows[bad_rows]
    bad = np.zeros(len(frame), dtype=bool)
    bad[pos] = True
    year, last, lo, hi = year[bad_rows], last[bad_rows], lo[bad_rows], hi[bad_rows]
    code = as_text(frame[column].iloc[pos]).reset_index(drop=True)
    lo_s, hi_s = pd.Series(lo), pd.Series(hi)
    valid_in = _year_label(lo_s) + " to " + _year_label(hi_s)
    valid_in = valid_in.where(hi_s < codes.LAST_YEAR, "from " + _year_label(lo_s))
    valid_in = valid_in.where(lo_s > codes.FIRST_YEAR, "up to " + _year_label(hi_s))
    first_s, last_s = pd.Series(year), pd.Series(last)
    span = _year_label(first_s).where(
        first_s == last_s, _year_label(first_s) + " to " + _year_label(last_s)
    )
    rule = f"{list_name} code not valid in {what}"
    hint = (
        code.astype(str)
        + " is valid "
        + valid_in.astype(str)
        + " only, not in "
        + span.astype(str)
        + "; DfE changed the list, recode it for that year."
    )
    hint.index = pos
    return ctx.warn(table, bad, column, rule, hint)


def _years_of(dates: pd.Series) -> Callable[[np.ndarray], pd.Series]:
    """The collection-year start years of `dates` at the rows asked for."""
    return lambda rows: codes.collection_year_start(dates.iloc[rows])


def _end_year(ctx: _Ctx, table: str, start: str, end: str, rows: np.ndarray) -> pd.Series:
    """Collection year (start) each row at `rows` (an episode, a referral) is last open in:
    its `end` date's, or for one still open the year of the latest date in the table."""
    frame = ctx.tables[table]
    ends = frame[end] if end in frame.columns else pd.Series(pd.NaT, index=frame.index)
    return codes.collection_year_start(ends.iloc[rows].fillna(_latest_date(ctx, table, start, end)))


def _latest_date(ctx: _Ctx, table: str, start: str = "DECOM", end: str = "DEC") -> pd.Timestamp:
    """The latest date in a table's `start` and `end` columns (the day an extract was taken,
    at the earliest; NaT when both are blank), worked out once per table: each column of
    codes checked by year asks for it (on 6 million referrals 0.04 s a time by pandas' max)."""

    def build() -> pd.Timestamp:
        frame = ctx.tables[table]
        latest = _NAT  # the lowest int64: any date is later
        for col in (start, end) if end in frame.columns else (start,):
            ns = frame[col].to_numpy(dtype="datetime64[ns]").view("int64")
            latest = max(latest, int(ns.max(initial=_NAT)))
        return pd.NaT if latest == _NAT else pd.Timestamp(np.datetime64(latest, "ns"))

    return ctx.once(f"latest_date:{table}:{start}:{end}", build)


def code_year_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """PLACE H5 after April 2024, Z1 after April 2025, SEX 1/2 vs M/F/U ... (by row date).

    An episode's legal status, reason for starting, placement and provider may carry the code
    of any collection year the episode is open in; its reason for ending (REC) and for the
    placement change that ended it (REASON_PLACE_CHANGE) that of its DEC's year. A referral's
    source, that of any census year it is open in (DfE's 2022-23 census takes 5D for a
    referral of any date). A child's SEX, that of any year from their latest episode to the
    year the row was written in: its return's, or for an extract the year of its latest date
    (an extract taken today writes today's codes for every child)."""
    out = []
    if ctx.has("episodes", "DECOM"):
        ep = ctx.tables["episodes"]
        for col in ("LS", "RNE", "PLACE", "PLACE_PROVIDER"):
            if col in ep.columns:
                out.append(
                    _out_of_year(
                        ctx,
                        "episodes",
                        col,
                        col,
                        _years_of(ep["DECOM"]),
                        "any collection year the episode is open in",
                        end_year=lambda rows: _end_year(ctx, "episodes", "DECOM", "DEC", rows),
                    )
                )
        if "DEC" in ep.columns:
            for col in ("REC", "REASON_PLACE_CHANGE"):
                if col in ep.columns:
                    out.append(
                        _out_of_year(
                            ctx,
                            "episodes",
                            col,
                            col,
                            _years_of(ep["DEC"]),
                            "the collection year of DEC",
                        )
                    )
    if ctx.has("referrals", "CINreferralDate"):
        ref = ctx.tables["referrals"]
        if "ReferralSource" in ref.columns:
            out.append(
                _out_of_year(
                    ctx,
                    "referrals",
                    "ReferralSource",
                    codes.COLUMNS["ReferralSource"],
                    _years_of(ref["CINreferralDate"]),
                    "any census year the referral is open in",
                    end_year=lambda rows: _end_year(
                        ctx, "referrals", "CINreferralDate", "CINclosureDate", rows
                    ),
                )
            )
        if "ReasonForClosure" in ref.columns and "CINclosureDate" in ref.columns:
            out.append(
                _out_of_year(
                    ctx,
                    "referrals",
                    "ReasonForClosure",
                    codes.COLUMNS["ReasonForClosure"],
                    _years_of(ref["CINclosureDate"]),
                    "the collection year of CINclosureDate",
                )
            )
    if ctx.has("oc3", "YEAR"):
        oc3 = ctx.tables["oc3"]
        for col in ("IN_TOUCH", "ACTIV", "ACCOM"):
            if col in oc3.columns:
                out.append(
                    _out_of_year(
                        ctx,
                        "oc3",
                        col,
                        col,
                        lambda rows: oc3["YEAR"].iloc[rows] - 1,
                        "the collection year of YEAR",
                    )
                )
    if ctx.has("episodes", "CHILD", "DECOM"):
        for table in ("header", "uasc"):
            if ctx.has(table, "CHILD", "SEX"):
                out.append(
                    _out_of_year(
                        ctx,
                        table,
                        "SEX",
                        "SEX",
                        lambda rows, t=table: _latest_episode_year(ctx, t).iloc[rows],
                        "any collection year from the child's latest episode to the data's",
                        end_year=lambda rows, t=table: _written_year(ctx, t).iloc[rows],
                    )
                )
    return out


def _latest_episode_year(ctx: _Ctx, table: str) -> pd.Series:
    """Collection year (start) each row of `table` (header or uasc) is written in: the year of
    the return it came from when stitched from yearly returns (a care leaver's header row in
    the 2024-25 return is written with 2024-25's codes, whatever year their last episode
    was), else the year of the child's latest episode date."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        ep = ctx.tables["episodes"]
        when = ep["DECOM"].to_numpy(dtype="datetime64[ns]")
        if "DEC" in ep.columns:  # DEC when later (a blank DECOM stays blank)
            dec = ep["DEC"].to_numpy(dtype="datetime64[ns]")
            when = np.where(dec > when, dec, when)
        key = ctx.child_codes("episodes")
        known = key >= 0
        return largest_by_key(key[known], when[known])

    keys, latest = ctx.once("latest_episode", build)  # header and uasc share it
    found = look_up(keys, latest, ctx.child_codes(table), np.datetime64("NaT", "ns"))
    return _return_year_or(ctx.tables[table], codes.collection_year_start(pd.Series(found)))


def _return_year_or(frame: pd.DataFrame, years: pd.Series) -> pd.Series:
    """The collection year (start) of the return each row came from when stitched from
    yearly returns (`COLLECTION_YEAR`), else `years` (positions as `frame`'s rows)."""
    if COLLECTION_YEAR not in frame.columns:
        return years
    written = pd.to_numeric(frame[COLLECTION_YEAR].astype("string").str[:4], errors="coerce")
    return pd.Series(written.to_numpy(dtype="float64")).fillna(years)


def _written_year(ctx: _Ctx, table: str) -> pd.Series:
    """Collection year (start) each row of `table` (header or uasc) was written in: the year
    of the return it came from when stitched from yearly returns, else the year of the
    latest date in the episodes (the day the extract was taken, at the earliest)."""
    frame = ctx.tables[table]
    year = codes.collection_year_start(pd.Series([_latest_date(ctx, "episodes")])).iloc[0]
    return _return_year_or(frame, pd.Series(year, index=range(len(frame)), dtype="float64"))


def episode_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """Overlaps, gaps in X1 chains and REC without DEC (V3/V4 short breaks left out)."""
    if not ctx.has("episodes", "CHILD", "DECOM", "DEC", "REC"):
        return []
    ep = ctx.tables["episodes"]
    out = []
    dec_unread = ctx.unreadable("episodes", "DEC")
    rec_no_dec = ep["REC"].notna() & ep["DEC"].isna() & ~dec_unread
    out.append(
        ctx.warn(
            "episodes",
            rec_no_dec,
            "REC",
            "REC given but DEC blank",
            "An open episode has no reason for ending; blank REC or fill in DEC.",
        )
    )
    key = ctx.child_codes("episodes")
    decom_all = ep["DECOM"].to_numpy(dtype="datetime64[ns]")
    dec_all = ep["DEC"].to_numpy(dtype="datetime64[ns]")
    use = (key >= 0) & ~np.isnat(decom_all) & ~ctx.duplicated("episodes")
    decom_unread = ctx.unreadable("episodes", "DECOM")
    use &= ~decom_unread  # (a row left out, such as a repeated one)
    if "LS" in ep.columns:
        use &= ~ctx.isin("episodes", "LS", SHORT_BREAK_LS)
    idx = np.flatnonzero(use)
    # by child, DECOM, then DEC (blank DEC, still open, last); whole days, as coerced
    decom_day = decom_all[idx].view("int64") // DAY_NS
    dec_day = dec_all[idx].view("int64") // DAY_NS
    open_ = np.isnat(dec_all[idx])
    if len(idx):
        dec_day[open_] = np.max(dec_day, where=~open_, initial=decom_day.min()) + 1
    s = idx[sort_order(key[idx], decom_day, dec_day)]
    k, decom, dec = key[s], decom_all[s], dec_all[s]
    is_x1 = ctx.isin("episodes", "REC", ("X1",))[s]
    same_next = np.r_[k[1:] == k[:-1], False]
    next_decom = np.r_[decom[1:], np.datetime64("NaT", "ns")]
    # this episode is still running when the next one of the same child starts (an end
    # date that is no date, read blank, cannot say)
    running = (np.isnat(dec) & ~dec_unread[s]) | (next_decom < dec)
    overlap_next = same_next & running
    later = s[np.flatnonzero(overlap_next) + 1]
    prev_dec = pd.Series(dec[overlap_next])
    hint = (
        "Starts before the child's previous episode ends (DEC "
        + prev_dec.dt.strftime("%d/%m/%Y").fillna("still open").astype(str)
        + "); episodes of a child must not overlap."
    )
    hint.index = later
    mask = np.zeros(len(ep), dtype=bool)
    mask[later] = True
    out.append(ctx.warn("episodes", mask, "DECOM", "overlaps the child's previous episode", hint))
    gap = is_x1 & ~np.isnat(dec) & ~(same_next & (next_decom == dec))
    # (the next episode may be one whose DECOM is no date, read blank and left out here)
    if decom_unread.any():
        gap &= ~pd.Series(k, copy=False).isin(key[decom_unread]).to_numpy()
    nxt = pd.Series(np.where(same_next, next_decom, np.datetime64("NaT", "ns"))[gap])
    gap_hint = (
        "REC X1 says a new episode starts on DEC, but the next episode starts: "
        + nxt.dt.strftime("%d/%m/%Y").fillna("none").astype(str)
        + "; the period of care is split here."
    )
    gap_hint.index = s[gap]
    mask = np.zeros(len(ep), dtype=bool)
    mask[s[gap]] = True
    out.append(ctx.warn("episodes", mask, "REC", "gap in a chain of X1 episodes", gap_hint))
    if ctx.has("header", "CHILD"):
        # pandas' hash lookup: same flags as np.isin, far cheaper on millions of keys
        known = pd.Series(key, copy=False).isin(ctx.child_codes("header")).to_numpy()
        orphan = (key >= 0) & ~known
        first = ~pd.Series(key, copy=False).duplicated().to_numpy()
        out.append(
            ctx.warn(
                "episodes",
                orphan & first,
                "CHILD",
                "child has episodes but no header row",
                "Add the child to header (SEX, DOB); without it age and sex breakdowns "
                "show the child as unknown.",
            )
        )
    return out


# the rows the IRO caseload counts once (measures.iro): an allocation of a child to an IRO
# (with its case type) or an IRO's post, while an earlier one of the same is still active
IRO_OVERLAPS = (
    (
        "iro_allocations",
        ("IRO_ID", "CHILD", "CASE_TYPE"),
        "overlaps an earlier allocation of the same child to the same IRO",
        "The caseload counts the child once for this IRO; give the earlier allocation an END "
        "or remove the repeat.",
    ),
    (
        "iro_staff",
        ("IRO_ID",),
        "overlaps the IRO's earlier row in post",
        "The caseload takes the FTE of the row that started latest; give the earlier row an "
        "END when the post changed.",
    ),
)


def _iro_spans(
    ctx: _Ctx, table: str, names: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The dated rows of an IRO table whose `names` (and LA) are known, sorted by those, then
    START, then END: (row positions, key, START day, END day, END blank). A blank END (still
    active) is a day after every date."""
    frame = ctx.tables[table]
    parts = {
        c: ctx.child_codes(table) if c == "CHILD" else ctx.distinct(table, c).codes
        for c in ("LA", *names)
        if c in frame.columns
    }
    # renumbered 0..n so that it packs with the two dates into one key to sort
    key = pd.factorize(combine(*[p.astype("int64") for p in parts.values()]))[0]
    start = frame["START"].to_numpy(dtype="datetime64[ns]")
    end = frame["END"].to_numpy(dtype="datetime64[ns]")
    # a row without its IRO or child is no allocation to match (a blank CASE_TYPE is CLA)
    known = np.all([parts[c] >= 0 for c in names if c != "CASE_TYPE"], axis=0)
    idx = np.flatnonzero(known & ~np.isnat(start) & ~ctx.duplicated(table))
    start_day = start[idx].view("int64") // DAY_NS
    end_day = end[idx].view("int64") // DAY_NS
    open_end = np.isnat(end[idx])
    if len(idx):  # still active: after every date
        end_day[open_end] = max(end_day.max(initial=0), start_day.max()) + 1
    perm = any_order(key[idx], start_day, end_day)  # by key, then START, then END
    return idx[perm], key[idx][perm], start_day[perm], end_day[perm], open_end[perm]


def iro_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """IRO rows that overlap an earlier row of the same allocation or post (START on or after
    it and before its END, or it has none): the caseload counts them once, so the extract
    should not hold them (as episodes of a child must not overlap). Then the rows that end
    the day before the next one starts (`iro_gap_warnings`)."""
    out = []
    for table, names, rule, hint in IRO_OVERLAPS:
        if not ctx.has(table, "IRO_ID", "START", "END"):
            continue
        s, key, start_day, end_day, _ = _iro_spans(ctx, table, names)
        overlap = reach_before(key, end_day) > start_day  # NaN: a first row
        mask = np.zeros(len(ctx.tables[table]), dtype=bool)
        mask[s[overlap]] = True
        out.append(ctx.warn(table, mask, "START", rule, hint))
    return out + iro_gap_warnings(ctx)


# rows whose END is the day before the next row of the same post (or the child's next
# allocation) starts: END written as the last day in post (an HR list's 31/03 of each
# financial year), where the caseload reads it as the first day no longer in post (SPEC)
IRO_DAY_GAPS = (
    (
        "iro_allocations",
        ("CHILD", "CASE_TYPE"),
        "END the day before the child's next allocation starts: END is read as the first day "
        "no longer allocated, so no IRO case that day",
        "If END is the last day of the allocation, write the next day (the next allocation's "
        "START).",
    ),
    (
        "iro_staff",
        ("IRO_ID",),
        "END the day before the IRO's next row starts: END is read as the first day no longer "
        "in post, so not in post that day",
        "If END is the last day in post, write the next day (01/04 for 31/03: the next row's "
        "START), or give the post one row; when every row ends on 31/03, no IRO is in post "
        "on 31 March and the caseload has no value then.",
    ),
)


def iro_gap_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """A warning on each IRO row whose END is the day before the next row of the same post
    (of the same child and case type, for allocations) starts, no other row covering that
    day: a one-day gap at each hand-over is END written as the last day in post, which the
    caseload reads as the first day no longer in post (SPEC: active when END > at). The rule
    is kept; the rows are named so that END can be put right."""
    out = []
    for table, names, rule, hint in IRO_DAY_GAPS:
        if not ctx.has(table, *names[:1], "START", "END"):
            continue
        s, key, start_day, end_day, open_end = _iro_spans(ctx, table, names)
        # the earlier rows of the key reach exactly to the day before this one starts
        gap = reach_before(key, end_day) == start_day - 1
        # the rows that end there: (key, END) among the (key, START - 1) of the gaps
        both = combine(np.concatenate([key, key]), np.concatenate([end_day, start_day - 1]))
        ends = np.isin(both[: len(s)], both[len(s) :][gap]) & ~open_end
        mask = np.zeros(len(ctx.tables[table]), dtype=bool)
        mask[s[ends]] = True
        out.append(ctx.warn(table, mask, "END", rule, hint))
    return out


OLDEST_IN_CARE = 25  # years: nobody is looked after at 25, so a DOB before that is wrong


def dob_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """Dates of birth that cannot be right beside the child's episodes: after the child's
    care began (their first DECOM: a DOB in the future, or typed wrongly), or more than
    about OLDEST_IN_CARE years before it (01/01/1900, a placeholder). Ages and age bands of
    the child would be wrong, so the row is named."""
    if not (ctx.has("header", "CHILD", "DOB") and ctx.has("episodes", "CHILD", "DECOM")):
        return []
    ep_key = ctx.child_codes("episodes")
    decom = ctx.tables["episodes"]["DECOM"].to_numpy(dtype="datetime64[ns]")
    use = (ep_key >= 0) & ~np.isnat(decom)
    first = pd.Series(decom[use]).groupby(ep_key[use]).min()
    header = ctx.tables["header"]
    key = ctx.child_codes("header")
    began = first.reindex(key).to_numpy(dtype="datetime64[ns]")
    dob = header["DOB"].to_numpy(dtype="datetime64[ns]")
    known = ~np.isnat(began) & ~np.isnat(dob)
    years = np.timedelta64(round(OLDEST_IN_CARE * 365.25), "D")  # near enough for this check
    with np.errstate(invalid="ignore"):
        after = known & (dob > began)
        too_old = known & (dob < began - years)
    flagged = np.flatnonzero(after | too_old)  # few: the hint is written for them only
    hint = pd.Series(
        "The child's first episode starts "
        + pd.Series(began[flagged]).dt.strftime("%d/%m/%Y").astype(str)
        + "; ages and age bands of this child are wrong until DOB is corrected.",
    )
    hint.index = flagged
    return [
        ctx.warn("header", after, "DOB", "DOB after the child's care began", hint),
        ctx.warn(
            "header",
            too_old,
            "DOB",
            f"DOB more than {OLDEST_IN_CARE} years before the child's care began",
            hint,
        ),
    ]


def handed_on(ctx: _Ctx) -> dict[str, np.ndarray]:
    """What the checks worked out that the engine would work out again, for the dataset to
    hand on (`Dataset.handed`): the referrals' child codes, when made."""
    made = ctx.made("referral_children")
    return {} if made is None else {REFERRAL_CHILD_CODES: made}


def _referral_children(ctx: _Ctx) -> np.ndarray:
    """LAchildID as integer codes (-1 blank), worked out once for the referral checks."""
    return ctx.once("referral_children", lambda: id_codes(ctx.tables["referrals"]["LAchildID"]))


def _referral_key(ctx: _Ctx) -> np.ndarray:
    """One int64 key per referral for (LA, LAchildID, CINreferralDate), packed in that
    order: a census listing each child's referrals together and by date is then already
    in key order, which makes the sort in `has_repeats` cheap on millions of rows."""
    return combine(*_referral_key_parts(ctx))


def _referral_key_parts(ctx: _Ctx) -> list[np.ndarray]:
    """The integer codes `_referral_key` packs: the LA (pooled data), LAchildID, the day."""
    ref = ctx.tables["referrals"]
    la = ctx.la_codes(["referrals"]) if "LA" in ref.columns else []
    return [*la, _referral_children(ctx), id_codes(ref["CINreferralDate"])]


def duplicate_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """Repeated rows (referrals: see `repeated_record_warnings`)."""
    out = []
    for table, frame in ctx.tables.items():
        if table == "referrals" or frame.empty:
            continue
        first = required(table)[0]
        column = first if first in frame.columns else frame.columns[0]
        out.append(
            ctx.warn(
                table,
                ctx.duplicated(table),
                column,
                "duplicated row",
                "This row repeats an earlier row exactly; remove the copy.",
            )
        )
    return out


def _repeated_referrals(ctx: _Ctx) -> list[pd.DataFrame]:
    """Referrals repeated for the same child and date: a warning, except the rows of the CIN
    census CSV layout, one row per module (each assessment, plan or review row repeats its
    referral): a row that agrees with the first row of its child and date on every
    referral column and differs in another column is that layout, said in one note per
    file. A row that differs in a referral column, or repeats a row exactly, is warned."""
    if not ctx.has("referrals", "LAchildID", "CINreferralDate"):
        return []
    found = repeats_in_order(*_referral_key_parts(ctx))  # None: out of order, so sort a key
    if found is False or (found is None and not has_repeats(_referral_key(ctx))):
        return []  # (has_repeats sorts its key: it is built again to find the rows)
    ref = ctx.tables["referrals"]
    key = _referral_key(ctx)
    # (a blank date is no date: its error says so, it repeats nothing)
    dup = repeats(key) & ref["LAchildID"].notna().to_numpy()
    dup &= ref["CINreferralDate"].notna().to_numpy()
    module = dup & _module_rows(ctx, key)
    out = [
        ctx.warn(
            "referrals",
            dup & ~module,
            "CINreferralDate",
            "referral repeated for the same child and date",
            "Counted once; remove the repeated row.",
        )
    ]
    if module.any():
        where = ctx.where["referrals"]
        rows = np.bincount(where.source, minlength=len(where.names))
        referrals = np.bincount(where.source[~dup], minlength=len(where.names))
        for i in np.unique(where.source[module]):  # a file at a time
            rule = f"one row per module: {referrals[i]:,} referrals on {rows[i]:,} rows"
            out.append(note("note", where.names[i], rule, MODULE_ROWS_HINT, "referrals"))
    return out


MODULE_ROWS_HINT = (
    "The CIN census CSV layout writes a row for each assessment, plan or review, repeating "
    "its referral; each referral is counted once. Nothing to do."
)


def _module_rows(ctx: _Ctx, key: np.ndarray) -> np.ndarray:
    """Rows that agree with the first row of their child and date (`key`) on every referral
    column (with none of those cells unusable) and are no exact copy of an earlier row: they
    differ in another column only (an assessment's or a plan's)."""
    ref = ctx.tables["referrals"]
    own = [c for c in known_columns("referrals") if c in ref.columns]
    out = np.zeros(len(ref), dtype=bool)
    if not [c for c in ref.columns if c not in own and c != COLLECTION_YEAR]:
        return out  # no other column to differ in
    rows = np.flatnonzero(repeats(key, keep=False))
    same = combine(*[id_codes(ref[c].iloc[rows]) for c in own])
    first = pd.Series(same).groupby(key[rows]).transform("first").to_numpy()
    out[rows] = same == first
    return out & ~ctx.duplicated("referrals") & ~ctx.unreadable("referrals", *own)


def repeated_record_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """Repeated referrals, children twice in header, repeated KS4 results."""
    out = _repeated_referrals(ctx)
    if ctx.has("header", "CHILD"):
        key = ctx.child_codes("header")
        again = (
            pd.Series(key, copy=False).duplicated().to_numpy()
            & (key >= 0)
            & ~ctx.duplicated("header")
        )
        out.append(
            ctx.warn(
                "header",
                again,
                "CHILD",
                "child appears more than once in header (the last row is used)",
                "Keep one row per child; check which one is right.",
            )
        )
    if ctx.has("ks4_cla", "CHILD", "ACADEMIC_YEAR"):
        out += _repeated_ks4_results(ctx)
    return out


def _repeated_ks4_results(ctx: _Ctx) -> list[pd.DataFrame]:
    """A pupil listed again for one academic year (not an exact copy): a warning where the
    rows give different results, saying which is used; a note where they do not (a row
    without a result, as a dual-registered pupil's second school row, or the same result):
    the pupil counts once with the result, nothing is in doubt."""
    frame = ctx.tables["ks4_cla"]
    pair = pd.DataFrame({"k": ctx.child_codes("ks4_cla"), "y": frame["ACADEMIC_YEAR"]})
    again = pair.duplicated().to_numpy() & (pair["k"] >= 0).to_numpy()
    again &= ~ctx.duplicated("ks4_cla")
    if not again.any():
        return []
    differ = np.zeros(len(frame), dtype=bool)
    keys = [pair["k"], pair["y"]]
    for column in ("ATT8", "EM94"):  # blanks are no result: they differ from none
        if column in frame.columns:
            given = frame[column].groupby(keys, dropna=False).transform("nunique")
            differ |= given.to_numpy() > 1
    return [
        ctx.warn(
            "ks4_cla",
            again & differ,
            "CHILD",
            "child has different KS4 results for the same academic year (the last row "
            "giving each result is used)",
            "Keep one row per child and year; check which result is right. The pupil counts once.",
        ),
        ctx.warn(
            "ks4_cla",
            again & ~differ,
            "CHILD",
            "child listed again for the same academic year without a different result "
            "(counted once, with the result)",
            "A second row with the result blank or the same (a dual-registered pupil's other "
            "school); nothing to do.",
            severity="note",
        ),
    ]


# the columns of tables no indicator uses yet (the other 903 tables, CIN details): an unknown
# code there is a warning, not an error that makes the cell unusable
LIGHT_CODE_COLUMNS = {
    "header": ("ETHNIC", "MOTHER"),
    "episodes": ("CIN",),
    "oc2": ("SDQ_REASON",),
    "ad1": ("SEX_ADOPTR", "LS_ADOPTR"),
    "placed_for_adoption": ("REASON_PLACED_CEASED",),
    "previous_permanence": ("PREV_PERM",),
    "missing": ("MISSING",),
    "reviews": ("REVIEW_CODE",),
    "sw_episodes": ("SW_REASON",),
    "referrals": ("ReferralSource", "PrimaryNeedCode", "ReasonForClosure", "ReferralNFA"),
}


def light_code_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """Codes of the lightly validated columns that are valid in no collection year."""
    out = []
    for table, columns in LIGHT_CODE_COLUMNS.items():
        for col in columns:
            if not ctx.has(table, col):
                continue
            valid = codes.valid_codes(codes.COLUMNS[col])
            values = ctx.distinct(table, col)
            unknown = ~values.values.isin(list(valid)).to_numpy(dtype=bool)
            if not unknown.any():
                continue  # every value is a code: no row to look at
            out.append(
                ctx.warn(
                    table,
                    values.spread(unknown, False),
                    col,
                    f"unknown {col} code",
                    f"Not a DfE {col} code in any collection year (see scorecard.codes).",
                )
            )
    return out


DISTRICTS_SHOWN = 8  # outward codes named in the warning


def district_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """Home postcodes whose district the `districts` lookup lacks (neither their sector nor
    their outward code): their children fall in 'Unknown' on every figure by district."""
    if not (ctx.has("districts", "POSTCODE_DISTRICT") and ctx.has("episodes", "HOME_POST")):
        return []
    keys = ctx.tables["districts"]["POSTCODE_DISTRICT"]
    # each key mapped to itself: a postcode whose sector or outward code is a key at all (a
    # key given two districts is an error on its rows, said apart)
    known = district_lookup(keys, keys)
    homes = pa.array(ctx.tables["episodes"]["HOME_POST"].astype("string").array)
    postcodes = pd.Series(pc.drop_null(pc.unique(homes)).to_pandas(types_mapper=pd.ArrowDtype))
    outward, sector = postcode_parts(postcodes)  # each postcode once
    lacking = district_of_parts(outward, sector, known).isna().to_numpy(dtype=bool)
    if not lacking.any():
        return []
    gone = pa.array(postcodes[lacking].array)
    rows = int(pc.sum(pc.is_in(homes, value_set=gone)).as_py() or 0)
    counts = outward[lacking].value_counts()  # the districts most postcodes fall in first
    names = sorted(counts.index, key=lambda name: (-counts[name], name))
    shown = ", ".join(names[:DISTRICTS_SHOWN]) + (" ..." if len(names) > DISTRICTS_SHOWN else "")
    hint = (
        "Add them to the districts lookup: POSTCODE_DISTRICT is the outward code (WD17) or "
        "the postcode sector (WD17 1)."
    )
    rule = (
        f"{rows:,} episodes rows have a HOME_POST whose district is not in the districts "
        f"lookup ({len(names):,}: {shown}); by district they are 'Unknown'"
    )
    return [note("warning", ", ".join(ctx.where["districts"].names), rule, hint, "districts")]


def other_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """Blank care-leaver codes, closures before referrals, referrals in the future (an
    error), episodes whose CHILD is printed on a child's first row only, home districts the
    lookup lacks, KS4 results that name no child, FTE above 1 (an error), a child's uasc
    rows that disagree on whether UASC status ended."""
    out = []
    if ctx.has("uasc", "CHILD", "DUC"):
        out.append(_uasc_disagreements(ctx))
    for col in ("ACTIV", "ACCOM"):
        if ctx.has("oc3", col):
            blank = ctx.tables["oc3"][col].isna()
            out.append(
                ctx.warn(
                    "oc3",
                    blank,
                    col,
                    f"{col} blank",
                    f"Record {col} (0 when the authority is not in touch); a blank "
                    "row counts as neither in nor out of the measure's numerator.",
                )
            )
    if ctx.has("referrals", "CINreferralDate", "CINclosureDate"):
        ref = ctx.tables["referrals"]
        early = ref["CINclosureDate"] < ref["CINreferralDate"]
        out.append(
            ctx.warn(
                "referrals",
                early,
                "CINclosureDate",
                "closure before referral",
                "CINclosureDate must be on or after CINreferralDate.",
            )
        )
    if ctx.has("referrals", "CINreferralDate"):
        ref = ctx.tables["referrals"]
        today = pd.Timestamp(dt.date.today())
        out.append(
            ctx.warn(
                "referrals",
                ref["CINreferralDate"] > today,
                "CINreferralDate",
                "referral date in the future",
                f"A referral cannot be dated after today ({today:%d/%m/%Y}); correct the date.",
                severity="error",
            )
        )
    if ctx.has("episodes", "CHILD", "DECOM"):
        ep = ctx.tables["episodes"]
        blank = (ep["CHILD"].isna() & ep["DECOM"].notna()).to_numpy()
        # a report that prints a child's identifier on the first of their rows only: the
        # blank rows come in runs under a filled one
        if blank.sum() >= 5 and not blank[0] and (blank[1:] & ~blank[:-1]).sum() >= 5:
            out.append(
                note(
                    "warning",
                    ", ".join(ctx.where["episodes"].names),
                    f"{int(blank.sum()):,} episodes rows have no CHILD, in runs under rows "
                    "that have one (a report that prints each child's identifier on its first "
                    "row only)",
                    "Export the table with CHILD on every row (in a report writer, do not "
                    "suppress repeated values); until then these episodes are left out.",
                    "episodes",
                )
            )
    out += district_warnings(ctx)
    if ctx.has("ks4_cla", "CHILD") and ctx.has("episodes", "CHILD"):
        pupils = ctx.tables["ks4_cla"]["CHILD"]
        children = pc.unique(pa.array(ctx.tables["episodes"]["CHILD"].astype("string").array))
        named = pc.is_in(pa.array(pupils.astype("string").array), value_set=children)
        if pupils.notna().any() and not pc.any(named).as_py():
            out.append(
                note(
                    "warning",
                    ", ".join(ctx.where["ks4_cla"].names),
                    f"none of the {len(pupils):,} ks4_cla rows names a child of the episodes "
                    "(CHILD): no pupil can be in the looked-after cohort",
                    "KS4 results are matched to children looked after by CHILD; an extract "
                    "keyed by UPN or another number matches none. Give each row the child's "
                    "CHILD as the 903 return has it.",
                    "ks4_cla",
                )
            )
    if ctx.has("iro_staff", "FTE"):
        big = ctx.tables["iro_staff"]["FTE"] > 1
        out.append(
            ctx.warn(
                "iro_staff",
                big,
                "FTE",
                "FTE above 1",
                "FTE is the share of one IRO's full-time post (1 = full time, 0.8 or 80% = four "
                "days); a number above 1 (80 for 80%, hours a week) cannot be used.",
                severity="error",
            )
        )
    return out


RE_REFERRAL_MONTHS = 12  # the catalogue's re_referral_rate window, named in the hint


def referral_overlap_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """Referrals that begin while an earlier referral of the same child is still open (no
    CINclosureDate, or one after the new CINreferralDate): often one referral recorded twice.
    The re-referral definition counts the later one as a new referral and, within 12 months
    of the child's previous one, a re-referral, so the rows are named. Same-day repeats are
    `_repeated_referrals`' (neither said here nor reaching over later rows); rows with an
    unusable date are left out (their blank is not the file's).

    Millions of referrals: a child's referrals overlap only if two in a row do (by day), so
    the running reach of the earlier ones is worked out for those children alone; and a
    census lists each child's referrals together and in order, which is checked and then
    not sorted again (`_by_child_and_day`)."""
    if not ctx.has("referrals", "LAchildID", "CINreferralDate", "CINclosureDate"):
        return []
    ref = ctx.tables["referrals"]
    la = ctx.la_codes(["referrals"])[0] if "LA" in ref.columns else None
    ids = _referral_children(ctx)
    # the dates as their own int64 nanoseconds (no copy; NaT the lowest); days only for the
    # few compared. Millions of rows: no array is made that the usual case does not need
    start = ref["CINreferralDate"].to_numpy(dtype="datetime64[ns]").view("int64")
    given = ref["CINclosureDate"].to_numpy(dtype="datetime64[ns]").view("int64")
    use = (ids >= 0) & (start != _NAT)
    use &= ~ctx.unreadable("referrals", "CINreferralDate", "CINclosureDate")
    rows = None  # the positions of the rows kept, in the order kept (None: all, in order)
    child = None  # one key per child (the LA first), made only when the usual case fails
    # a census in order by LA, child and day: each row's child against the row before's,
    # read from the codes side by side (a key of the two was a fresh 50 MB array)
    child_parts = [ids] if la is None else [la, ids]
    same = same_as_before(*child_parts, start, over=len(child_parts)) if use.all() else None
    if same is None:
        # the LA first: a census of several authorities in their order is in key order
        child = combine(la, ids) if la is not None else ids
        if not use.all():
            rows = np.flatnonzero(use)
            child, start, given = child[rows], start[rows], given[rows]
        perm = _by_child_and_day(child, start)
        if perm is not None:
            rows = perm if rows is None else rows[perm]
            child, start, given = child[perm], start[perm], given[perm]
        same = child[1:] == child[:-1]
    again = np.r_[False, same & (start[1:] == start[:-1])]
    if again.any():  # same-day repeats: one of each stands
        if child is None:
            child = combine(la, ids) if la is not None else ids
        stand = np.flatnonzero(~again)
        rows = stand if rows is None else rows[stand]
        child, start, given = child[stand], start[stand], given[stand]
        same = child[1:] == child[:-1]
    # a referral with no CINclosureDate (NaT) is open after every day
    pair = np.r_[False, same & ((given[:-1] == _NAT) | (given[:-1] > start[1:]))]
    if not pair.any():
        return []  # the usual case: no two of a child's referrals in a row overlap
    if child is None:
        child = combine(la, ids) if la is not None else ids
    # the children with an overlap, each whole: their rows alone, in days
    mine = np.flatnonzero(np.isin(child, child[pair]))
    s = mine if rows is None else rows[mine]
    still_open = max(int(given.max(initial=0)), int(start.max(initial=0))) // DAY_NS + 1
    child, start, given = child[mine], start[mine] // DAY_NS, given[mine]
    end = np.where(given == _NAT, still_open, given // DAY_NS)
    reach = reach_before(child, end)  # NaN on a child's first referral
    with np.errstate(invalid="ignore"):
        overlap = reach > start
    if not overlap.any():
        return []
    at_ = np.flatnonzero(overlap)
    previous = start[at_ - 1]  # the child's previous referral (same child: it overlaps)
    day = pd.DatetimeIndex(start[at_].astype("datetime64[D]"))
    within = previous >= months_before(day, RE_REFERRAL_MONTHS).to_numpy().astype(
        "datetime64[D]"
    ).view("int64")
    closes = pd.Series(reach[at_].astype("int64").astype("datetime64[D]")).dt.strftime("%d/%m/%Y")
    earlier = ("An earlier referral of the child closes on " + closes + ", after this date").where(
        reach[at_] != still_open, "An earlier referral of the child has no CINclosureDate"
    )
    counted = np.where(
        within,
        "; the re-referral definition counts this row as a new referral and a re-referral "
        f"(the child's previous referral is within {RE_REFERRAL_MONTHS} months)",
        "; it counts as a new referral",
    )
    hint = (
        earlier
        + counted
        + ". If it is the same referral recorded twice, merge the rows (keep the first); "
        "else close the earlier referral on or before this date."
    )
    hint.index = s[at_]
    mask = np.zeros(len(ref), dtype=bool)
    mask[s[at_]] = True
    rule = "referral begins while the child's earlier referral is still open"
    return [ctx.warn("referrals", mask, "CINreferralDate", rule, hint)]


def _by_child_and_day(child: np.ndarray, day: np.ndarray) -> np.ndarray | None:
    """Positions that order rows by child, then day, rows of one child and day in file order
    (the first of same-day repeats is the one that stands, as `repeats` has it); None when
    they are in such an order already: each child's rows together (no child begins two
    runs) and by day within them."""
    if not len(child) or ((child[1:] >= child[:-1]).all() and _by_day_within(child, day)):
        return None  # in key order (a census of one authority sorted by child)
    run = np.r_[True, child[1:] != child[:-1]]
    if _by_day_within(child, day) and not has_repeats(child[run]):  # (sorted in place)
        return None  # each child's rows together (an XML census, child by child)
    return sort_order(child, day)


def _by_day_within(child: np.ndarray, day: np.ndarray) -> bool:
    """True when each row's day is no earlier than the row before's of the same child."""
    return not ((child[1:] == child[:-1]) & (day[1:] < day[:-1])).any()


def _uasc_disagreements(ctx: _Ctx) -> pd.DataFrame:
    """A warning on the dated uasc rows of a child who also has a row with DUC blank: the
    blank one makes the child UASC still, whatever the other says."""
    key = ctx.child_codes("uasc")
    blank = ctx.tables["uasc"]["DUC"].isna().to_numpy()
    both = np.intersect1d(key[(key >= 0) & blank], key[(key >= 0) & ~blank])
    return ctx.warn(
        "uasc",
        np.isin(key, both) & ~blank,
        "DUC",
        "the child has another uasc row with DUC blank, which is used: UASC still",
        "Keep one uasc row per child: DUC blank while the child is UASC, the date it ended "
        "once it has.",
    )


CHECKS = (
    code_year_warnings,
    episode_warnings,
    iro_warnings,
    dob_warnings,
    duplicate_warnings,
    repeated_record_warnings,
    light_code_warnings,
    other_warnings,
    referral_overlap_warnings,
)
# the checks to start first when they run side by side: they scan the largest tables
# (timed on the pooled benchmark data: started first, loading took 0.9-0.95 times as long).
# The IRO and episodes' checks first: each ran alone at the end when started later (the
# IRO allocations' spans 0.5 s, the episodes' copies and child keys 0.25 s on the pooled
# data): the peers' job 0.94 times the time, the catalogue's loading 0.95. The other
# warnings third: their home districts (a million distinct postcodes) ran alone at the end
# of the pooled folder's loading for 0.3 s; started earlier, loading took 0.96 times as long
LONGEST_CHECKS = (
    iro_warnings,
    episode_warnings,
    other_warnings,
    referral_overlap_warnings,
    repeated_record_warnings,
    code_year_warnings,
)


def shared_ahead(ctx: _Ctx) -> Callable[[], None]:
    """Start working out in a thread what the longest checks share and all wait for first
    (the referrals' child codes: millions of identifiers), so that it overlaps the steps
    before the checks (`repeated_episodes`, in one thread). Returns what waits for the
    thread; call it after the checks."""
    if not ctx.has("referrals", "LAchildID") or len(ctx.tables["referrals"]) <= BIG:
        return lambda: None
    return threads.beside(lambda: _referral_children(ctx), "scorecard-checks")


def repeated_episodes(ctx: _Ctx) -> list[pd.DataFrame]:
    """An episode (CHILD and DECOM) written twice in one return with different cells (an
    edited placement exported twice): which row is right is not known, so these are errors
    on cells, left out of the figures that read them: the earlier rows on DECOM (left out of
    every figure: the episode is counted once), the last row on each column that differs.
    Exact copies are left to the copies step, which counts them once."""
    if not ctx.has("episodes", "CHILD", "DECOM") or not len(ctx.tables["episodes"]):
        return []
    ep = ctx.tables["episodes"]
    # the child key the checks share (with LA), and the day: cheap on millions of rows
    key = combine(ctx.child_codes("episodes"), id_codes(ep["DECOM"]))
    if not has_repeats(key.copy()):  # (it sorts what it is given)
        return []
    rows = np.flatnonzero(~ctx.duplicated("episodes"))  # exact copies: the copies step's
    idx = rows[pd.Series(key[rows]).duplicated(keep=False).to_numpy()]
    if not len(idx):
        return []
    groups = key[idx]
    cols = [c for c in ep.columns if c not in ("LA", "CHILD", "DECOM", COLLECTION_YEAR)]
    differ = {
        c: pd.Series(id_codes(ep[c].iloc[idx])).groupby(groups).transform("nunique").to_numpy() > 1
        for c in cols
    }
    some = np.logical_or.reduce(list(differ.values())) if differ else np.zeros(len(idx), bool)
    last = ~pd.Series(groups, copy=False).duplicated(keep="last").to_numpy()
    w = ctx.where["episodes"]
    found = []
    earlier = idx[some & ~last]
    if len(earlier):
        found.append(
            at(
                "error",
                "episodes",
                w,
                earlier,
                "DECOM",
                as_text(ep["DECOM"].iloc[earlier]),
                "episode written again later in the file with other values (this row is left out)",
                "The same CHILD and DECOM is written twice with different cells; keep the "
                "right row and remove the other.",
            )
        )
    for c, d in differ.items():
        rows = idx[d & last]
        if len(rows):
            found.append(
                at(
                    "error",
                    "episodes",
                    w,
                    rows,
                    c,
                    as_text(ep[c].iloc[rows]),
                    f"episode written twice with another {c} (which is right is not known)",
                    f"Keep one row per CHILD and DECOM; until then the episode is left out of "
                    f"the figures that read {c}.",
                )
            )
    return found


# what the checks share (memoised keys and flags): the load stage builds it once and hands
# it to `exact_copies` and `dataset_checks` over the same tables
Context = _Ctx


def exact_copies(ctx: _Ctx) -> dict[str, np.ndarray]:
    """Per table, the rows that repeat an earlier row in every column (the first copy is not
    flagged), found as the duplicate check finds them (pre-screened on cheap keys; tables
    side by side in threads when large). Not referrals: the referral measures count a child
    and date once, and `repeated_record_warnings` lists each repeat."""
    names = [t for t, frame in ctx.tables.items() if len(frame) > 1 and t != "referrals"]
    big = sum(len(ctx.tables[t]) for t in names) > BIG
    done = threads.each(ctx.duplicated, names, worth=big)
    return dict(zip(names, done, strict=True))


def dataset_checks(
    tables: Mapping[str, pd.DataFrame],
    where: Mapping[str, Where],
    distinct: Mapping[str, Mapping[str, Distinct]] | None = None,
    ctx: _Ctx | None = None,
) -> list[Callable[[], list[pd.DataFrame]]]:
    """The checks above as independent steps over one shared context (each may run in its
    own thread; what they share is memoised, and the same whoever computes it first).
    `ctx`: a context already built over these very tables (its memos reused)."""
    ctx = ctx or _Ctx(tables, where, distinct)
    return [partial(check, ctx) for check in CHECKS]


def dataset_warnings(
    tables: Mapping[str, pd.DataFrame],
    where: Mapping[str, Where],
    distinct: Mapping[str, Mapping[str, Distinct]] | None = None,
) -> pd.DataFrame:
    """Every warning of the checks above for coerced tables (a referral dated in the future
    is an error: its date cannot be right). `distinct`: columns already known as codes into
    their distinct values (read from Parquet dictionaries)."""
    return concat([part for step in dataset_checks(tables, where, distinct) for part in step()])
