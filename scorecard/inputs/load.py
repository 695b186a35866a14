"""The pipeline: files to a Dataset (SPEC section 3), one stage after another.

find (which file holds which table and year) -> read (CSV, Parquet, XLSX, XML) -> name and
coerce the columns -> settle each return's collection year -> check each table can be used
(its required columns) -> stitch the returns -> validate (pandera models) -> check quality ->
remove exact copies of rows (but referrals') -> infer coverage. Every stage adds to one report.

Lenient by default: a cell that fails a rule is an error in `Dataset.quality` and listed in
`Dataset.unusable` (its position in the final, stitched table; the value is left blank where
it cannot be read), so that an indicator needing it leaves that row out; a table that cannot
be used at all (a required column missing, an unreadable file) is left out with an error.
`strict=True` keeps all-or-nothing: one `DataValidationError` with every problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import threads
from ..compact import Tables, is_held, text_frame
from ..dataset import Dataset, EarlierCopies
from ..memory import arrow_pool
from ..tables import TABLES
from . import ahead
from . import coverage as cover
from .child_ids import align_leading_zeros, align_written_forms
from .coerce import YEAR_HINT, coerce
from .columns import required
from .find import collect, names_a_version, old_copy_word
from .flat import header_from_episodes
from .header_fields import tables_from_header
from .keys import BIG, Distinct
from .quality import (
    CHECKS,
    LONGEST_CHECKS,
    Context,
    dataset_checks,
    exact_copies,
    handed_on,
    repeated_episodes,
    shared_ahead,
)
from .read import HEADER_SEARCH_ROWS, RawTable
from .report import (
    DataValidationError,
    Where,
    concat,
    finalise,
    issues,
    note,
    unusable_cells,
)
from .returns import (
    FIT,
    KEYS,
    Part,
    bounds,
    describe,
    fits,
    label,
    missing_latest,
    missing_years,
    returned_years,
    row_key,
    settle_years,
    single_year,
    stitch,
    xml_years,
)
from .schemas import FRAME_CHECKS
from .validate import schema_issues
from .words import read_padded_codes, read_words
from .xml import UASC_NO


def _fill_oc3_year(part: Part, data_year: int | None) -> list[pd.DataFrame]:
    """OC3 rows take YEAR (the collection year's end) from their return, else from the
    data's collection year. In a return, rows of other years beside its own are left out
    (each year's come from its return); a YEAR every row writes otherwise is replaced."""
    year = part.year if part.year is not None else data_year
    frame = part.frame
    if year is None:
        return []
    end = float(year + 1)
    if "YEAR" not in frame.columns:
        part.frame = frame.assign(YEAR=end)
        return []
    if part.year is None:  # the data's year only fills blanks
        part.frame = frame.assign(YEAR=frame["YEAR"].fillna(end))
        return []
    differs = frame["YEAR"].notna() & (frame["YEAR"] != end)
    if not differs.any():
        part.frame = frame.assign(YEAR=frame["YEAR"].fillna(end))
        return []
    pos = np.flatnonzero(differs.to_numpy())
    rows, values = part.raw.rows[pos], frame["YEAR"].iloc[pos]
    if (frame["YEAR"] == end).any():
        # the return's own rows and rows of other years (a file that keeps every year's):
        # each year's rows come from its own return, so the others are left out
        others = ", ".join(f"{y:.0f}" for y in sorted(values.unique()))
        rule = (
            f"a row of another year (YEAR {others}) in the {year + 1:.0f} return; left out: "
            "each year's rows come from its own return"
        )
        _keep_rows(part, ~differs.to_numpy())
        part.frame = part.frame.assign(YEAR=part.frame["YEAR"].fillna(end))
    else:  # every YEAR another: written another way (the year's start), read as the return's
        rule = f"YEAR differs from the return's collection year (read as {year + 1:.0f})"
        part.frame = frame.assign(YEAR=end)
    return [issues("warning", "oc3", part.raw.file, rows, "YEAR", values, rule, YEAR_HINT)]


def _one_authority(parts: list[Part]) -> list[pd.DataFrame]:
    """An authority code (LA) in some files of children only (an extract that adds it),
    naming one authority: every such file's rows are that authority's. Else a child's rows
    without it never match their rows with it (a child counted again each year, a pupil's
    KS4 result matched to no one). Several authorities (pooled data) are left as they are.
    One note."""
    # the tables of children (returns, KS4, IRO allocations): their rows are matched by child
    returns = [p for p in parts if {"CHILD", "LAchildID"} & set(p.frame.columns)]
    having = [p for p in returns if "LA" in p.frame.columns]
    lacking = [p for p in returns if "LA" not in p.frame.columns or p.frame["LA"].isna().any()]
    if not having or not lacking:  # the usual cases: no LA, or an LA on every row
        return []
    named = pd.concat([pd.Series(p.frame["LA"].dropna().unique()) for p in having])
    named = named.astype("string").str.strip().loc[lambda c: c != ""].unique()
    if len(named) != 1:
        return []
    for p in lacking:
        la = p.frame["LA"].astype("string") if "LA" in p.frame.columns else None
        filled = pd.Series(named[0], index=p.frame.index, dtype="str")
        if la is not None:
            filled = la.fillna(named[0]).astype("str")
        p.frame = p.frame.assign(LA=filled)
        p.distinct.pop("LA", None)  # its codes were of the old column
    rule = (
        f"LA given in some files only, naming one authority ({named[0]}): the rows without it "
        "read as that authority's"
    )
    hint = "Nothing to do: an LA column is needed only where one folder pools authorities."
    return [issues("note", "", "", [None], "LA", None, rule, hint)]


def _uasc_flags(part: Part) -> list[pd.DataFrame]:
    """A uasc table listing every child with the UASC flag the SSDA903 XML carries (1 or
    0): the rows it says are not UASC, with no DUC, are left out (each was read as a child
    UASC still), as the XML reader leaves them; one note. A blank flag keeps its row."""
    frame = part.frame
    if part.raw.table != "uasc" or "UASC" not in frame.columns or not len(frame):
        return []
    flag = frame["UASC"].astype("string").str.strip().str.upper()
    duc = frame["DUC"].isna() if "DUC" in frame.columns else pd.Series(True, index=frame.index)
    out = (flag.isin(list(UASC_NO - {""})) & duc).to_numpy(dtype=bool)
    if not out.any():
        return []
    shown = ", ".join(sorted(flag[out].unique()))
    n = int(out.sum())
    _keep_rows(part, ~out)
    rule = (
        f"{n:,} row{'s' * (n != 1)} whose UASC flag says not UASC ({shown}), with no DUC, left "
        "out: the file lists children who are not UASC"
    )
    hint = "A uasc table lists the children who are or were UASC; nothing to do."
    return [issues("note", "uasc", part.raw.file, [None], "UASC", None, rule, hint)]


# the levels of a DfE download above an authority's (its `geographic_level` column)
ABOVE_AUTHORITY = ("national", "regional", "region", "country")


def _other_areas(part: Part) -> list[pd.DataFrame]:
    """A ks4_all saved from a DfE download keeps England's (and the regions') rows beside
    the authority's, told apart by its `geographic_level` column: those rows are left out,
    with one note (else two rows a year, which the Ks4All model refuses). Other levels and
    blank ones stay."""
    frame = part.frame
    if part.raw.table != "ks4_all" or not len(frame):
        return []
    level = [
        c
        for c in frame.columns
        if re.sub(r"[\s-]+", "_", str(c).strip().lower()) == "geographic_level"
    ]
    if not level:
        return []
    text = frame[level[0]].astype("string").str.strip()
    out = text.str.lower().isin(ABOVE_AUTHORITY).fillna(False).to_numpy(dtype=bool)
    if not out.any():
        return []
    shown = ", ".join(f"'{v}'" for v in sorted(text[out].unique()))
    n = int(out.sum())
    _keep_rows(part, ~out)
    rule = (
        f"{n:,} row{'s' * (n != 1)} of areas above the authority ({level[0]} {shown}) left "
        "out: the all-pupil figure is the authority's own"
    )
    hint = "A DfE download keeps England's and the regions' rows; nothing to do."
    return [issues("note", "ks4_all", part.raw.file, [None], level[0], None, rule, hint)]


SNAPSHOT_RULE = (
    "DEC on the return's last day ({last:%d/%m/%Y}), with REC blank or X1 and no next "
    "episode, in a return with no open episode: read as open"
)


def _snapshot_ends(part: Part) -> list[pd.DataFrame]:
    """A return whose export wrote its end date into DEC of every open episode: no DEC is
    blank (a council always has children in care on 31 March), and episodes end on its last
    day with REC blank, or X1 with no episode of the child begun that day. Read as open, as
    they were: else no child is looked after at the year end. One warning per row."""
    frame = part.frame
    if part.raw.table != "episodes" or part.year is None or not len(frame):
        return []
    if not {"CHILD", "DECOM", "DEC", "REC"} <= set(frame.columns) or frame["DEC"].isna().any():
        return []
    last = bounds(part.year)[1]
    rec = frame["REC"].astype("string").str.strip().str.upper()
    on_last = (frame["DEC"] == last).to_numpy(dtype=bool)
    begun_then = frame["CHILD"].loc[(frame["DECOM"] == last).to_numpy(dtype=bool)]
    # a next episode begun that day: another row of the child's (this one began before)
    follows = (frame["CHILD"].isin(begun_then) & (frame["DECOM"] < last)).to_numpy(dtype=bool)
    x1 = rec.eq("X1").fillna(False).to_numpy(dtype=bool)
    read_open = on_last & (rec.isna().to_numpy() | (x1 & ~follows))
    if not read_open.any():
        return []
    part.frame = frame.assign(DEC=frame["DEC"].mask(read_open), REC=frame["REC"].mask(read_open))
    if "REC" in part.distinct:
        part.distinct["REC"] = Distinct.of(part.frame["REC"])
    rows = part.raw.rows[read_open]
    hint = (
        "An episode still open on 31 March has DEC and REC blank; correct the export, which "
        "wrote its end date into DEC."
    )
    rule = SNAPSHOT_RULE.format(last=last)
    return [issues("warning", "episodes", part.raw.file, rows, "DEC", None, rule, hint)]


def _new_positions(keep: np.ndarray) -> np.ndarray:
    """Each row's position once only the rows `keep` marks are left (-1: left out)."""
    new_pos = np.full(len(keep), -1, dtype="int64")
    new_pos[keep] = np.arange(int(keep.sum()))
    return new_pos


def _follow_rows(found: pd.DataFrame, new_pos: np.ndarray, mine: np.ndarray) -> pd.DataFrame:
    """The problems `found` with the positions `mine` marks moved to `new_pos`; those on rows
    left out go with them."""
    if not mine.any():
        return found
    moved = found["pos"].to_numpy(dtype="float64").copy()
    moved[mine] = new_pos[moved[mine].astype("int64")]
    found = found.assign(pos=np.where(moved >= 0, moved, np.nan))
    return found.loc[~(mine & (moved < 0))].reset_index(drop=True)


def _keep_rows(part: Part, keep: np.ndarray) -> None:
    """`part` with only the rows `keep` marks: its cells, rows, codes, and the positions of
    its problems (those on rows left out go with them)."""
    new_pos = _new_positions(keep)
    part.issues = [
        _follow_rows(f, new_pos, f["pos"].notna().to_numpy()) if "pos" in f.columns else f
        for f in part.issues
    ]
    part.frame = part.frame.loc[keep].reset_index(drop=True)
    part.raw = replace(part.raw, rows=part.raw.rows[keep])
    part.distinct = {c: Distinct(d.codes[keep], d.values) for c, d in part.distinct.items()}


def _usable(part: Part) -> pd.DataFrame | None:
    """An error when a part lacks a column its table cannot be used without."""
    table = part.raw.table
    missing = [c for c in required(table) if c not in part.frame.columns]
    if not missing:
        return None
    shown = ", ".join(str(c) for c in part.frame.columns[:12])
    shown += " ..." if len(part.frame.columns) > 12 else ""
    found = f" The headers found are: {shown}." if shown else ""
    if "Unnamed" in shown:  # no row of the first ones looked like this table's header
        found += (
            f" The header row is looked for among the first {HEADER_SEARCH_ROWS} rows; delete "
            "the rows above it."
        )
    hints = [
        f"Add a column headed {c} to the {table} file (DfE name, any case).{found}" for c in missing
    ]
    if table == "oc3" and missing == ["YEAR"]:
        hints = [
            "Give YEAR (the collection year's end, 2025 for 2024-25), or name the file with its "
            "collection year (oc3_2024-25.csv); the folder's data spans several years."
        ]
    return concat(
        issues("error", table, part.raw.file, [None], c, None, "required column missing", h)
        for c, h in zip(missing, hints, strict=True)
    )


def _data_year(parts: list[Part]) -> int | None:
    """The collection year of a folder without yearly returns, when its episodes (or
    referrals) hold a single return's dates."""
    for table in ("episodes", "referrals"):
        for p in parts:
            if p.raw.table == table and p.year is None:
                return single_year(p)
    return None


def _place_unnamed(parts: list[Part]) -> list[pd.DataFrame]:
    """A part without a year in its name, beside returns of the same table: its year from
    its dates when they fit one collection year; else it is left out with an error."""
    found = []
    named = {p.raw.table for p in parts if p.year is not None}
    for p in parts:
        if p.year is not None or p.raw.table not in named:
            continue
        taken = {q.year for q in parts if q.raw.table == p.raw.table and q.year is not None}
        p.year = single_year(p, taken)
        if p.year is None:
            found.append(
                note(
                    "error",
                    p.raw.file,
                    f"no collection year in the name, while other {p.raw.table} files are "
                    "yearly returns; left out",
                    "Name it with its collection year (e.g. episodes_2019-20.csv) or put it in "
                    "a year subfolder.",
                    p.raw.table,
                )
            )
            p.frame, p.distinct = p.frame.iloc[:0], {}
            p.raw = RawTable(p.raw.table, p.raw.file, p.frame, p.raw.rows[:0])
    return found


def _prepare(raws: list[RawTable]) -> tuple[list[Part], pd.DataFrame, list[pd.DataFrame]]:
    """Coerce every table read, settle the returns' years, read uasc and oc3 from a header
    carrying their fields (`header_fields`), fill OC3's YEAR and check each part can be
    used: (usable parts, the returns, report rows)."""
    found: list[pd.DataFrame] = []
    # the tables side by side (a table's columns are too: one table's slowest column left a
    # core idle); each takes the cells as read out of its `raw`
    big = sum(len(raw.frame) for raw in raws) > BIG
    parts = threads.each(lambda raw: Part(raw, *coerce(raw)), raws, worth=big)
    # the Arrow pool keeps what it freed (the dictionaries read); give it back before the
    # checks, once all tables are built (returning it sooner only made Arrow ask again)
    pa.default_memory_pool().release_unused()
    how, year_notes = settle_years(parts)
    found += year_notes
    found += _place_unnamed(parts)
    found += tables_from_header(parts)
    returns = describe([p for p in parts if len(p.frame) or p.raw.group], how)
    needs_year = any(
        p.raw.table == "oc3"
        and p.year is None
        and ("YEAR" not in p.frame.columns or p.frame["YEAR"].isna().any())
        for p in parts
    )
    data_year = _data_year(parts) if needs_year else None
    usable = []
    for p in parts:
        if p.raw.table == "oc3":
            found += _fill_oc3_year(p, data_year)
        found += _uasc_flags(p)
        found += _other_areas(p)
        found += _snapshot_ends(p)
        problem = _usable(p)
        if problem is None:
            usable.append(p)
        else:  # left out: its cell problems are reported, no cell of it is used
            found.append(problem)
            found += [i.drop(columns="pos", errors="ignore") for i in p.issues]
    return usable, returns, found


def _rows(part: Part) -> str:
    n = len(part.frame)
    return f"{n:,} row{'' if n == 1 else 's'}"


def _one_per_year(table: str, members: list[Part], found: list[pd.DataFrame]) -> list[Part]:
    """Two returns of one year for a table: one is used, and an error names both, their rows,
    the one left out and why (`_preferred`). A file whose name marks an older or draft copy
    beside the return (`header_last.csv`, the DfE validator's copy of the previous year's
    file) is left out with a warning: which file is the return is not in doubt. Two files of
    one year that share no row's key (a return split in halves, Q1-Q2 and Q3-Q4) are read
    together, said in a note."""
    seen: dict[int, Part] = {}
    halves: list[Part] = []
    for p in members:
        if p.year is None:
            continue
        if p.year in seen and _one_an_old_copy(seen[p.year], p):
            first = seen[p.year]
            used, left = (p, first) if old_copy_word(first.raw.file) else (first, p)
            word = old_copy_word(left.raw.file)
            found.append(
                note(
                    "warning",
                    f"{first.raw.file}, {p.raw.file}",
                    f"an older or draft copy beside the {table} return for {label(p.year)}: "
                    f"{left.raw.file} ({_rows(left)}) is left out, its name marking it "
                    f"('{word}'); {used.raw.file} ({_rows(used)}) is used",
                    "Nothing to do if it is an older copy; if it is the return to use, rename "
                    "it without that word and move the other away.",
                    table,
                )
            )
            seen[p.year] = used
            continue
        if p.year in seen and _apart(table, seen[p.year], p):
            old, new = seen[p.year].raw.file, p.raw.file
            found.append(
                note(
                    "note",
                    f"{old}, {new}",
                    f"two {table} files for {label(p.year)} share no row: {old} "
                    f"({_rows(seen[p.year])}) and {new} ({_rows(p)}) are read together as "
                    "the year's return",
                    "Nothing to do if the year's return was written in parts.",
                    table,
                )
            )
            halves.append(seen[p.year])
        elif p.year in seen:
            first = seen[p.year]
            used, left, why = _preferred(table, first, p)
            found.append(
                note(
                    "error",
                    f"{first.raw.file}, {p.raw.file}",
                    f"two {table} returns for {label(p.year)}: {first.raw.file} "
                    f"({_rows(first)}) and {p.raw.file} ({_rows(p)}); {used.raw.file} is used "
                    f"({why}), {left.raw.file} is left out",
                    "Keep one file per table and collection year: remove or move the other.",
                    table,
                )
            )
            seen[p.year] = used
            continue
        seen[p.year] = p
    kept = [p for p in members if p.year is None or seen[p.year] is p or p in halves]
    for p in kept:
        if p.year is not None and (word := old_copy_word(p.raw.file)):
            found.append(
                note(
                    "warning",
                    p.raw.file,
                    f"the {table} return for {label(p.year)} is a file whose name marks an older "
                    f"or draft copy ('{word}'): used, as no other file gives that year",
                    "If it is the return to use, rename it without that word; if not, add the "
                    "year's return.",
                    table,
                )
            )
    return kept


def _one_an_old_copy(a: Part, b: Part) -> bool:
    """True when the name of one of two files marks an older or draft copy, and the other's
    does not (`find.old_copy_word`)."""
    return (old_copy_word(a.raw.file) is None) != (old_copy_word(b.raw.file) is None)


def _preferred(table: str, first: Part, later: Part) -> tuple[Part, Part, str]:
    """Of two returns of one year (`later` the later by name: files and sheets are read in
    name order), neither or both named as an older or draft copy (`_one_an_old_copy`), (the
    one used, the one left out, why): one whose name says it is the version to use ('FINAL',
    'resubmitted'); then one whose dated rows fit the year when most of the other's do not
    (another year's file); else the later by name."""
    if names_a_version(first.raw.file) != names_a_version(later.raw.file):
        used, left = (first, later) if names_a_version(first.raw.file) else (later, first)
        return used, left, "its name says it is the version to use"
    shares = [_fit_share(table, p) for p in (first, later)]
    if None not in shares:
        for i, j in ((0, 1), (1, 0)):
            if shares[i] >= FIT and shares[j] < MOSTLY:
                used, left = (first, later)[i], (first, later)[j]
                return used, left, f"its dates fit {label(used.year)}, most of the other's do not"
    return later, first, "the later by name"


MOSTLY = 0.5  # a return whose dated rows fit its year less than this is mostly another year's


def _fit_share(table: str, part: Part) -> float | None:
    """The share of a part's rows whose dates fit its collection year (None: no dated rows)."""
    fit = fits(table, part.frame, part.year) if part.year is not None else None
    return None if fit is None or not len(fit) else float(fit.mean())


def _apart(table: str, a: Part, b: Part) -> bool:
    """True when two parts of a table with a row key (episodes: CHILD and DECOM) share no
    key: parts of one return, not two versions of it."""
    cols = [c for c in ("LA", *KEYS.get(table, ())) if c in a.frame.columns]
    if not KEYS.get(table) or set(cols) != {c for c in cols if c in b.frame.columns}:
        return False
    both = pd.concat([text_frame(a.frame)[cols], text_frame(b.frame)[cols]], ignore_index=True)
    key = row_key(both, table)
    if key is None:
        return False
    return not np.isin(key[len(a.frame) :], key[: len(a.frame)]).any()


def _stitch_tables(parts: list[Part], found: list[pd.DataFrame]):
    """Each table stitched from its parts; the parts' cell problems moved to the positions
    their rows took: (tables, where their rows came from, the years of their returns, the
    columns known as codes into their distinct values, the rows later returns replaced)."""
    by_table: dict[str, list[Part]] = {}
    for p in parts:
        by_table.setdefault(p.raw.table, []).append(p)
    tables: dict[str, pd.DataFrame] = {}
    where: dict[str, Where] = {}
    years: dict[str, list[int]] = {}
    distinct: dict[str, dict[str, Distinct]] = {}
    earlier: dict[str, EarlierCopies] = {}
    closed: dict[str, np.ndarray] = {}
    found += missing_latest(by_table)
    xml = xml_years(by_table)
    for table, members in by_table.items():
        members = _one_per_year(table, members, found)
        stitched, conflicts = stitch(table, members)
        if stitched.earlier is not None:
            earlier[table] = stitched.earlier
        if len(stitched.closed):
            closed[table] = stitched.closed
        found += conflicts
        years[table] = returned_years(table, members, xml)
        found += missing_years(table, years[table])
        ordered = sorted(members, key=lambda p: (p.year is None, p.year or 0))
        for p, moved in zip(ordered, stitched.moved, strict=True):
            for problem in p.issues:
                if moved is not None and "pos" in problem.columns:  # -1: replaced later
                    at_pos = moved[problem["pos"].astype("int64")]
                    problem = problem.assign(pos=np.where(at_pos >= 0, at_pos, np.nan))
                found.append(problem)
        tables[table], where[table] = stitched.frame, stitched.where
        distinct[table] = stitched.distinct
    return tables, where, years, distinct, earlier, closed


COPIES_HINT = (
    "These rows repeat an earlier row in every column and are counted once; remove the "
    "copies from the file."
)


def _error_rows(table: str, found: list[pd.DataFrame]) -> np.ndarray:
    """Positions in the stitched `table` of the rows `found` has errors on."""
    pos = [
        f.loc[(f["table"] == table) & (f["severity"] == "error"), "pos"].dropna()
        for f in found
        if "pos" in f.columns
    ]
    pos = [p for p in pos if len(p)]
    return np.concatenate(pos).astype("int64") if pos else np.zeros(0, "int64")


def _drop_copies(
    tables: dict[str, pd.DataFrame],
    where: dict[str, Where],
    distinct: dict[str, dict[str, Distinct]],
    found: list[pd.DataFrame],
    ctx: Context,
    read: int,
) -> None:
    """Rows that repeat an earlier row exactly (after stitching) removed before any figure is
    computed, with a warning per file; the report's positions follow the rows, and what was
    reported on a copy goes with it (the checks pass over copies: the first copy says it
    all). A row with a cell that could not be read stays (two different unreadable values
    both read as blank): `found[:read]` are the messages of reading and coercing. `ctx`: the
    checks' context over these tables (the copies the duplicate check found are reused).
    Returns each changed table's new position of every row (-1: removed)."""
    moved: dict[str, np.ndarray] = {}
    for table, copies in exact_copies(ctx).items():
        if not copies.any():
            continue
        copies = copies.copy()
        copies[_error_rows(table, found[:read])] = False
        if not copies.any():
            continue  # every copy has an unreadable cell: the quality check warns
        w = where[table]
        gone = np.flatnonzero(copies)
        files = pd.Series(w.file(gone), index=gone, dtype=object)
        for file, at_pos in files.groupby(files, sort=False).groups.items():
            n, first = len(at_pos), w.row(np.asarray(at_pos[:1]))[0]
            what = "copy" if n == 1 else "copies"
            rule = f"{n:,} exact {what} of rows removed; first at row {first}"
            found.append(issues("warning", table, str(file), [None], "", None, rule, COPIES_HINT))
        keep = ~copies
        new_pos = _new_positions(keep)
        for i, f in enumerate(found):  # the report's positions follow the rows
            if "pos" in f.columns:
                mine = (f["table"] == table).to_numpy() & f["pos"].notna().to_numpy()
                found[i] = _follow_rows(f, new_pos, mine)
        tables[table] = tables[table].loc[keep].reset_index(drop=True)
        where[table] = w.take(np.flatnonzero(keep))
        distinct[table] = {
            c: Distinct(d.codes[keep], d.values) for c, d in distinct.get(table, {}).items()
        }
        moved[table] = new_pos
    return moved


def _earlier_used(
    earlier: dict[str, EarlierCopies],
    moved: Mapping[str, np.ndarray],
    unusable: pd.DataFrame,
    validate: bool,
) -> dict[str, EarlierCopies]:
    """The earlier returns' copies of the rows with an unusable cell (positions after exact
    copies were removed), usable where they pass their table's model too: a figure before
    the later return may use them (`EarlierCopies`)."""
    out = {}
    for table, copies in earlier.items():
        if table in moved:
            rows = moved[table][copies.rows]
            copies = replace(copies, rows=rows).take(rows >= 0)
        bad = unusable.loc[unusable["table"] == table, "row"].to_numpy(dtype="int64")
        copies = copies.take(np.isin(copies.rows, bad))
        if validate and table in TABLES and len(copies.rows):
            found = schema_issues(table, copies.frame, Where.single(table, copies.rows))
            if "pos" in found.columns:  # (no failure: an empty report)
                failed = found.loc[found["severity"] == "error", "pos"].dropna()
                failing = np.isin(np.arange(len(copies.rows)), failed.astype("int64"))
                copies = replace(copies, usable=copies.usable & ~failing)
        if len(copies.rows):
            out[table] = copies
    return out


def _validate(
    tables: dict[str, pd.DataFrame],
    where: dict[str, Where],
    distinct: dict[str, dict[str, Distinct]],
    ctx: Context,
) -> list[pd.DataFrame]:
    """Each table's pandera model and the dataset's quality checks, as independent steps in
    threads, the longest checks started first (the report's order is the steps', not the
    threads')."""

    def models() -> list[pd.DataFrame]:  # pandera's runs kept in one thread
        return [
            schema_issues(table, frame, where[table], distinct[table])
            for table, frame in tables.items()
            if table in TABLES
        ]

    steps = [models, *dataset_checks(tables, where, distinct, ctx)]
    big = sum(len(frame) for frame in tables.values()) > BIG
    first = [1 + CHECKS.index(check) for check in LONGEST_CHECKS] + [0]
    start = first + [i for i in range(len(steps)) if i not in first]
    done = threads.each(lambda step: step(), steps, worth=big, start=start)
    return [*done[0], concat([part for parts in done[1:] for part in parts])]


def _spare_ends(found: list[pd.DataFrame], closed: dict[str, np.ndarray]) -> list[pd.DataFrame]:
    """The checks' findings, less 'REC blank but DEC given' on the episodes read as ended in
    a year with no return (`returns._close_in_gaps`): that DEC is ours, and no REC is known."""
    if "episodes" not in closed:
        return found
    rule = FRAME_CHECKS["rec_when_ceased"][1]
    return [
        f.loc[~(f["table"].eq("episodes") & f["rule"].eq(rule) & f["pos"].isin(closed["episodes"]))]
        if "pos" in f.columns and len(f)
        else f
        for f in found
    ]


def _run(
    raws: list[RawTable],
    notes: list[pd.DataFrame],
    *,
    validate: bool,
    coverage: tuple[object, object] | None,
    infer_coverage: bool,
    source: str = "the tables given",
) -> tuple[Dataset, pd.DataFrame]:
    """Every stage after reading: (dataset, full report). `source`: the data folder, named
    where nothing in it could be loaded."""
    parts, returns, found = _prepare(raws)
    found += header_from_episodes(parts)
    found = [*notes, *found, *align_leading_zeros(parts), *align_written_forms(parts)]
    found += read_words(parts)
    found += read_padded_codes(parts)
    found += _one_authority(parts)
    tables, where, years, distinct, earlier, closed = _stitch_tables(parts, found)
    # the cells already found unusable (read blank): the checks draw nothing from them
    ctx = Context(tables, where, distinct, unusable_cells(concat(found)))
    shared = shared_ahead(ctx) if validate else (lambda: None)
    repeated = repeated_episodes(ctx)
    if repeated:
        found += repeated
        ctx.also_unusable(unusable_cells(concat(repeated)))
    read = len(found)
    files = {t: ", ".join(w.names) for t, w in where.items()}
    inferred = _coverage_beside_checks(tables, years, files, coverage, infer_coverage)
    if validate:
        found += _spare_ends(_validate(tables, where, distinct, ctx), closed)
    shared()
    moved = _drop_copies(tables, where, distinct, found, ctx, read)
    if not tables and (raws or notes):
        found.append(
            note(
                "error",
                source,
                "no table could be loaded",
                "Check the messages above; a data folder holds one file per table "
                "(episodes.csv, header.csv ...) or yearly returns.",
            )
        )
    authority, said = _authority(raws)
    found += said
    covered: dict = {}
    if coverage is not None:
        covered = cover.stated(list(tables), *coverage)
    elif infer_coverage:
        covered, in_year = inferred() if inferred else cover.infer(tables, years, files)
        found += in_year
    raw_report = concat(found)
    unusable = unusable_cells(raw_report)
    unusable = unusable.loc[unusable["table"].isin(list(tables))].reset_index(drop=True)
    earlier = _earlier_used(earlier, moved, unusable, validate)
    report = finalise(raw_report)
    # the columns coerce held compact stay so: written out when a table is asked for
    held = {t: [c for c in distinct.get(t, {}) if is_held(tables[t][c])] for t in tables}
    ds = Dataset(
        Tables(tables, held),
        report,
        files,
        coverage=covered,
        unusable=unusable,
        returns=returns,
        authority=authority,
        earlier=earlier,
        # the checks' referral codes, for the engine, while their rows are the table's
        _cache=handed_on(ctx) if "referrals" not in moved else {},
    )
    return ds, report


COVERAGE_BESIDE_ROWS = 1_000_000  # rows from which an extract's coverage is worth a thread


def _coverage_beside_checks(
    tables: dict[str, pd.DataFrame],
    years: dict[str, list[int]],
    files: dict[str, str],
    coverage: tuple[object, object] | None,
    infer_coverage: bool,
) -> Callable[[], tuple[dict, list[pd.DataFrame]]] | None:
    """A large extract's coverage inferred in a thread beside the checks (on the pooled
    folder it ran alone after them, one core idle): from its earliest and latest dates,
    which the exact copies removed after the checks do not change. Yearly returns (their
    in-year test counts rows) and smaller tables (the sample: a thread more beside the
    checks' made its load slower) are inferred after the checks, as before; None then."""
    if coverage is not None or not infer_coverage or any(years.values()):
        return None
    if sum(len(frame) for frame in tables.values()) < COVERAGE_BESIDE_ROWS:
        return None
    return threads.ahead_of_need(
        lambda: cover.infer(dict(tables), years, files), "scorecard-coverage"
    )


def _authority(raws: list[RawTable]) -> tuple[str | None, list[pd.DataFrame]]:
    """The authority the CIN census returns name (`Source/LEA`), when they agree; files that
    name different authorities are said (one folder should hold one council's returns)."""
    named: dict[str, str] = {}
    for raw in raws:
        if raw.lea:
            named.setdefault(raw.lea, raw.file)
    if len(named) == 1:
        return next(iter(named)), []
    if not named:
        return None, []
    listed = ", ".join(f"{lea} ({file})" for lea, file in named.items())
    return None, [
        note(
            "warning",
            next(iter(named.values())),
            f"CIN census files name different authorities: {listed}",
            "A data folder holds one council's returns; the card is titled only with --la.",
        )
    ]


def _memory_raws(tables: Mapping[str, pd.DataFrame]) -> list[RawTable]:
    raws = []
    for name, frame in tables.items():
        if name not in TABLES:
            raise KeyError(f"Unknown table {name!r}; tables are: {', '.join(TABLES)}.")
        index = frame.index
        labels = index.to_numpy() if pd.api.types.is_integer_dtype(index) else np.arange(len(frame))
        raws.append(RawTable(name, f"<memory:{name}>", frame.reset_index(drop=True), labels))
    return raws


def _finish(ds: Dataset, report: pd.DataFrame, source: str | None, strict: bool) -> Dataset:
    if strict and (report["severity"] == "error").any():
        raise DataValidationError(report, source)
    return replace(ds, source=source)


def dataset_from_frames(
    tables: Mapping[str, pd.DataFrame],
    source: str | None = None,
    *,
    validate: bool = True,
    strict: bool = True,
    coverage: tuple[object, object] | None = None,
) -> Dataset:
    """A Dataset from in-memory frames, coerced and validated like files (`<memory:table>`).

    Blank values may be None, NaN or ''; dates may be strings ('01/04/2024', '2024-04-01')
    or datetimes. Strict by default (frames are built by code: an error is a bug to see);
    `strict=False` loads leniently like a folder. Coverage is not inferred (frames are
    usually partial on purpose); `coverage=(start, end)` states it.
    """
    ds, report = _run(
        _memory_raws(tables), [], validate=validate, coverage=coverage, infer_coverage=False
    )
    return _finish(ds, report, source, strict and validate)


def bundled_sample_path() -> Path:
    """Folder of the bundled synthetic sample: the package's `_sample` (installed wheel),
    else the repository's `data/sample/`."""
    try:
        packaged = resources.files("scorecard").joinpath("_sample")
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "data" / "sample"


def _folder(path: str | Path | None) -> Path:
    folder = Path(path) if path is not None else bundled_sample_path()
    if not folder.exists():
        raise FileNotFoundError(f"No data folder at {folder}.")
    if not folder.is_dir():
        raise NotADirectoryError(
            f"{folder} is a file; give the folder that holds one file per table."
        )
    return folder


def load_folder(
    path: str | Path | None = None,
    *,
    strict: bool = False,
    validate: bool = True,
    coverage: tuple[object, object] | None = None,
) -> Dataset:
    """`scorecard.load_dataset` (`scorecard.inputs.load_dataset` says what it does), once
    the loaders are imported; its Parquet tables are read ahead (`ahead`) when that has not
    begun already."""
    folder = _folder(path)
    with arrow_pool(), ahead.reading(folder):
        raws, notes = collect(folder)
        ds, report = _run(
            raws,
            notes,
            validate=validate,
            coverage=coverage,
            infer_coverage=True,
            source=str(folder),
        )
    return _finish(ds, report, str(folder), strict)


def check_dataset(path: str | Path | None = None) -> pd.DataFrame:
    """The full report (errors, warnings, notes) of a data folder, without raising."""
    return check(path)[1]


def check(path: str | Path | None = None) -> tuple[Dataset | None, pd.DataFrame]:
    """The dataset (None when the folder cannot be read) and its full report."""
    try:
        folder = _folder(path)
    except OSError as exc:
        return None, finalise(note("error", str(path), str(exc), "Check the folder path."))
    with arrow_pool(), ahead.reading(folder):
        raws, notes = collect(folder)
        ds, report = _run(
            raws, notes, validate=True, coverage=None, infer_coverage=True, source=str(folder)
        )
    return _finish(ds, report, str(folder), False), report


__all__ = ["check", "check_dataset", "dataset_from_frames", "load_folder"]
