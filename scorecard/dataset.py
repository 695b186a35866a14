"""The Dataset: a set of validated input tables (SPEC section 3) plus a data-quality report."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, cast

import numpy as np
import pandas as pd

from .compact import Tables
from .periods import window_start
from .threads import once

QUALITY_COLUMNS = ["severity", "table", "file", "row", "column", "value", "rule", "hint"]
# the column a stitched table's rows carry: the collection year of the return each came from
COLLECTION_YEAR = "COLLECTION_YEAR"
# cells that failed a rule (lenient loading): `row` is the position in the loaded table
UNUSABLE_COLUMNS = ["table", "row", "column", "rule"]
# what loading's checks work out that the engine would work out again (`Dataset.handed`):
# the referrals' child codes, `inputs.keys.id_codes` of LAchildID (millions on pooled data)
REFERRAL_CHILD_CODES = "referral_child_codes"
# the yearly returns a dataset was stitched from: collection_year '2019-20', its first and
# last day, the year as its files' names wrote it, how the year was found ('name and dates',
# 'dates', 'census header', 'name'), its tables, rows read and files
RETURNS_COLUMNS = [
    "collection_year",
    "return",
    "start",
    "end",
    "name_year",
    "year_from",
    "tables",
    "rows",
    "files",
]


class MissingTableError(KeyError):
    """An indicator needs a table that the dataset does not have."""

    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return str(self.args[0]) if self.args else ""


def empty_quality() -> pd.DataFrame:
    """An empty data-quality report with the standard columns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in QUALITY_COLUMNS})


def empty_unusable() -> pd.DataFrame:
    """No unusable cells."""
    return pd.DataFrame(
        {
            "table": pd.Series(dtype="object"),
            "row": pd.Series(dtype="int64"),
            "column": pd.Series(dtype="object"),
            "rule": pd.Series(dtype="object"),
        }
    )


def returns_frame(rows: list[dict[str, object]] | None = None) -> pd.DataFrame:
    """The returns a dataset was stitched from (no rows: a full-history extract)."""
    frame = pd.DataFrame(rows or [], columns=RETURNS_COLUMNS)
    for c in ("start", "end"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    frame["rows"] = frame["rows"].astype("int64")
    return frame


@dataclass(frozen=True)
class EarlierCopies:
    """Rows of a table stitched from yearly returns as an earlier return had them, kept for
    the rows whose latest copy has an unusable cell: `rows` is the position in the table each
    stands for, `until` the first day of the return that replaced it, `usable` whether the
    copy passed its own rules. A figure at a date before that day may use a usable copy
    instead of leaving the row out: the earlier return told the row as it stood until then.
    (A row with no copy here was in no earlier return: it began in its return's year.)"""

    frame: pd.DataFrame
    rows: np.ndarray  # int64 positions in the stitched table
    until: np.ndarray  # datetime64[ns]
    usable: np.ndarray  # bool

    def take(self, mask: np.ndarray) -> EarlierCopies:
        keep = np.asarray(mask, dtype=bool)
        frame = self.frame.loc[keep].reset_index(drop=True)
        return EarlierCopies(frame, self.rows[keep], self.until[keep], self.usable[keep])


@dataclass(frozen=True)
class Coverage:
    """The dates a table's data covers, both ends inclusive (SPEC section 4, coverage).

    `gaps` are spans inside (start, end) that the data does not cover (a missing yearly
    return); `basis` says how the coverage was found, in words an analyst can check
    ('SSDA903 returns 2017-18 to 2021-22', 'full-history extract: earliest cessation in
    2015-16', 'stated by the user').
    """

    start: pd.Timestamp
    end: pd.Timestamp
    gaps: tuple[tuple[pd.Timestamp, pd.Timestamp], ...] = ()
    basis: str = ""

    def unavailable_reason(
        self, at: pd.Timestamp, history_months: int, first: pd.Timestamp | None = None
    ) -> str | None:
        """Why a figure at `at` that needs `history_months` months of data up to `at` (the
        window ending at `at`; 0: the date itself), or data from `first` when its measure
        says exactly which day (`Measure.needs_from`), cannot be given; None when it can."""
        at = pd.Timestamp(at)
        if first is None:
            first = at if history_months == 0 else window_start(at, history_months)
        first = pd.Timestamp(first)
        if first < self.start:
            return (
                f"not available: needs data from {first:%d/%m/%Y}; "
                f"the data starts {self.start:%d/%m/%Y}"
            )
        if at > self.end:
            return (
                f"not available: needs data up to {at:%d/%m/%Y}; the data ends {self.end:%d/%m/%Y}"
            )
        for gap_start, gap_end in self.gaps:
            if gap_start <= at and gap_end >= first:
                return (
                    f"not available: needs data from {first:%d/%m/%Y} to {at:%d/%m/%Y}; "
                    f"the data has none from {gap_start:%d/%m/%Y} to {gap_end:%d/%m/%Y}"
                )
        return None

    def intersect(self, other: Coverage) -> Coverage:
        """The dates both cover (their gaps together)."""
        return Coverage(
            max(self.start, other.start),
            min(self.end, other.end),
            tuple(sorted({*self.gaps, *other.gaps})),
            "; ".join(dict.fromkeys(b for b in (self.basis, other.basis) if b)),
        )


@dataclass(frozen=True, eq=False)
class Dataset:
    """Validated input tables keyed by table name (`episodes`, `header`, ...).

    `quality` lists problems that do not stop computation (warnings: overlapping episodes,
    codes from another collection year, duplicated rows ...). `files` maps each table to the
    file it came from. `coverage` maps a table to the dates its data covers (a table without
    an entry is not limited). `unusable` lists cells that failed a rule (table, row position,
    column, rule): an indicator that needs such a cell leaves its row out (`without`).
    `returns` describes the yearly returns the tables were stitched from (`RETURNS_COLUMNS`;
    no rows for a full-history extract); a stitched table's rows carry `COLLECTION_YEAR`.
    `authority` is the authority its CIN census returns name (their `Source/LEA`, '886'),
    when they agree; None otherwise. `earlier` holds, per stitched table, the earlier
    returns' copies of rows whose latest copy has an unusable cell (`EarlierCopies`).
    Building blocks derived from the tables are cached on the dataset, so every measure
    reuses them. A loaded table's columns of codes may be held compact and written out to
    `str` the first time the table is asked for (`scorecard.compact`); the engine reads them
    as held (`held`).
    """

    tables: Mapping[str, pd.DataFrame]
    quality: pd.DataFrame = field(default_factory=empty_quality)
    files: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None
    coverage: Mapping[str, Coverage] = field(default_factory=dict)
    unusable: pd.DataFrame = field(default_factory=empty_unusable)
    returns: pd.DataFrame = field(default_factory=returns_frame)
    authority: str | None = None
    earlier: Mapping[str, EarlierCopies] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.tables, Tables):  # frames given as they are: none held compact
            object.__setattr__(self, "tables", Tables(self.tables))

    def __contains__(self, name: object) -> bool:
        return name in self.tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.table(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    @property
    def names(self) -> list[str]:
        """Names of the tables present."""
        return sorted(self.tables)

    @property
    def pooled(self) -> bool:
        """True when tables carry an `LA` column (pooled regional or national data)."""
        return any("LA" in self.held(t).columns for t in self.tables)

    def table(self, name: str) -> pd.DataFrame:
        """The table `name`, or a MissingTableError that says what is there."""
        if name not in self.tables:
            raise self._missing(name)
        return self.tables[name]

    def held(self, name: str) -> pd.DataFrame:
        """The table `name` as the dataset holds it, for the engine: its columns of codes may
        be categoricals (`scorecard.compact`), which the engine reads as codes without
        writing out millions of strings; same rows, columns and values as `table`."""
        if name not in self.tables:
            raise self._missing(name)
        return self._held.held(name)

    def is_table(self, name: str, frame: pd.DataFrame) -> bool:
        """True when `frame` is the table `name` itself, as held or as written out (without
        writing it out to ask)."""
        return self._held.holds(name, frame)

    @property
    def _held(self) -> Tables:
        return cast(Tables, self.tables)  # made one by __post_init__

    def _missing(self, name: str) -> MissingTableError:
        have = ", ".join(self.names) or "no tables"
        return MissingTableError(
            f"The dataset has no {name!r} table (it has: {have}). "
            f"Add a file named {name}.csv (or .parquet/.xlsx) to the data folder."
        )

    def coverage_for(self, tables: Iterable[str]) -> Coverage | None:
        """The dates all of `tables` cover (None when none of them is limited)."""
        found = [self.coverage[t] for t in tables if t in self.coverage]
        if not found:
            return None
        out = found[0]
        for more in found[1:]:
            out = out.intersect(more)
        return out

    def without(self, rows: Mapping[str, np.ndarray]) -> Dataset:
        """A dataset with the given row positions left out of those tables (its own cache of
        building blocks; the same quality report and coverage). Positions are those of the
        tables as loaded, as in `unusable`."""
        tables = {name: self.held(name) for name in self.tables}
        for name, drop in rows.items():
            frame = tables[name]
            keep = np.ones(len(frame), dtype=bool)
            keep[np.asarray(drop, dtype="int64")] = False
            tables[name] = frame.loc[keep].reset_index(drop=True)
        return replace(self, tables=self._held.with_frames(tables), earlier={}, _cache={})

    def with_rows(self, rows: Mapping[str, pd.DataFrame]) -> Dataset:
        """A dataset with the given rows added at the end of those tables (its own cache of
        building blocks; the same quality report and coverage). For the tables stitched from
        yearly returns (`earlier`), which hold no column compact."""
        tables = {name: self.held(name) for name in self.tables}
        for name, more in rows.items():
            tables[name] = pd.concat([tables[name], more[tables[name].columns]], ignore_index=True)
        return replace(self, tables=self._held.with_frames(tables), earlier={}, _cache={})

    def handed(self, key: str) -> Any:
        """A building block loading worked out for its checks and left for the engine's
        first use of it (`REFERRAL_CHILD_CODES`); None when it left none. Held no longer
        once handed: the engine may change it in place."""
        return self._cache.pop(key, None)

    def cached(self, key: str, build: Any) -> Any:
        """Return the cached building block `key`, computing it with `build()` once (threads
        asking for one key at once: the first builds it, the others wait for it)."""
        return once(self._cache, key, build)

    def building_blocks(self) -> Mapping[str, Any]:
        """The building blocks cached so far, by key (read-only: for reports of what the
        dataset holds, `scorecard.footprint`)."""
        return MappingProxyType(self._cache)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}: {len(self.held(k)):,} rows" for k in sorted(self.tables))
        return f"Dataset({self.source or 'in memory'}; {sizes}; {len(self.quality)} quality notes)"

    @classmethod
    def from_frames(cls, source: str | None = None, **tables: pd.DataFrame) -> Dataset:
        """Build a dataset from in-memory frames (used by tests and other reports).

        Frames go through the same coercion and validation as files do.
        """
        from .inputs import dataset_from_frames

        return dataset_from_frames(tables, source=source)
