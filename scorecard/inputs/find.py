"""Finding the files: which files of a data folder hold which tables and which collection
year each belongs to, and notes on the files that are not read.

A folder holds one file per table (`episodes.csv`, `header.xlsx` ...), or yearly returns:
files whose names carry a year (`2017-episodes.csv`, `SSDA903_2020_episodes.csv`,
`episodes_2019-20.csv`, `903_201819_header.xlsx`), one subfolder per year (`2019-20/`,
`2020/`; or inside a folder of them, `Returns/2019-20/`), workbooks holding several tables
as sheets, and SSDA903 or CIN census XML files.
A file's table comes from its name (or its sheet's), else from its column headers. A .txt
or .tsv file is read as delimited text when its header names a table's columns; otherwise it
is taken for notes and passed over with a note.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import pandas as pd

from .columns import ALL_TABLES, canonical, known_columns, tables_from_headers
from .read import (
    LOOSE_TEXT_SUFFIXES,
    OLD_EXCEL_SUFFIXES,
    PARQUET_SUFFIXES,
    TEXT_SUFFIXES,
    UNZIP_HINT,
    XLSX_SUFFIXES,
    File,
    RawTable,
    Reordered,
    Sheet,
    Unreadable,
    footer_rows,
    read_sheets,
    repeated_headers,
    totals_rows,
    zip_member,
)
from .report import issues, note
from .returns import LOCAL_TABLES
from .returns import label as year_label
from .xml import read_xml

XML_SUFFIXES = (".xml",)
TABLE_SUFFIXES = (
    *TEXT_SUFFIXES,
    *PARQUET_SUFFIXES,
    *XLSX_SUFFIXES,
    *OLD_EXCEL_SUFFIXES,
    *XML_SUFFIXES,
)

# 2019-20, 2019_20, 201920, 2019-2020: one collection year; 2017 alone: either end
_SPAN = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-_/. ]?\s*((?:19|20)?\d\d)(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_NOISE = {"ssda903", "903", "cin", "census", "return", "returns", "extract", "data", "file"}
# words that name the version of a year's return to use ('2024-25 (resubmitted)', 'FINAL v2')
_FINAL = re.compile(r"final|resubmitted|resubmission|submitted|submission|amended|corrected|v\d+")
# words that mark a copy of a return not to use when another is there: the DfE validator's copy
# of the previous year's file kept beside this year's (header_last.csv), a draft, a backup,
# Windows' 'episodes - Copy.csv', a test extract
OLD_COPY_WORDS = frozenset(
    {"last", "prev", "previous", "old", "older", "draft", "backup", "bak", "copy", "superseded"}
    | {"test", "obsolete"}
)
# table names holding such a word: no mark of a copy ('previous_permanence.csv')
_TABLES_OF_OLD_WORDS = re.compile(
    "|".join(
        r"[^a-z0-9]*".join(t.split("_")) for t in ALL_TABLES if OLD_COPY_WORDS & set(t.split("_"))
    )
)
_TABLE_NAMES = {t: t for t in ALL_TABLES} | {t.replace("_", ""): t for t in ALL_TABLES}
# what `scorecard build` writes (scorecard_2024-25_Q4.xlsx / .html), and its workbook's sheets
_OUTPUT_NAME = re.compile(r"^scorecard_.*\.(xlsx|html?)$", re.IGNORECASE)
_OUTPUT_SHEETS = {"scorecard", "definitions"}
OUTPUT_NOTE = "a scorecard written by this tool, not data; not read"


def _output_note(label: str) -> pd.DataFrame:
    """The note on a scorecard this tool wrote into the data folder (by name or sheets)."""
    return note("note", label, OUTPUT_NOTE, "Write outputs outside the data folder.")


ZIP_SUFFIXES = (".zip",)
# subfolders with a known use that are not tables: benchmark data (the sample's LAIT panel)
KNOWN_SUBFOLDERS = frozenset({"benchmarks"})


@dataclass(frozen=True)
class Source:
    """A file to read: its path, the label messages use, and what its name says."""

    path: Path
    label: str
    table: str | None  # the table its name gives (None: decide by content)
    group: str | None  # the return it belongs to: its year as written (None: no year)
    years: tuple[int, ...]  # collection years (start) that year allows
    member: str | None = None  # its path inside the zip archive `path` (None: a file)

    def file(self) -> File:
        """What the readers read: the file, or its member read out of the zip archive."""
        return self.path if self.member is None else zip_member(self.path, self.member)

    @property
    def name(self) -> PurePosixPath:
        """Its name (a member's inside the archive): what its suffix and stem say."""
        return PurePosixPath(self.member) if self.member is not None else PurePosixPath(self.path)


def name_year(text: str) -> tuple[str | None, tuple[int, ...]]:
    """The year a file or folder name carries, as ('2019-20', (2019,)) for an explicit
    collection year, ('2017', (2016, 2017)) for a year that could be either end of one, or
    (None, ()) when the name holds no year."""
    for m in _SPAN.finditer(text):
        start, end = int(m.group(1)), m.group(2)
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if end_year == start + 1:
            return f"{start}-{end_year % 100:02d}", (start,)
    m = _YEAR.search(text)
    if m:
        year = int(m.group(1))
        return m.group(1), (year - 1, year)
    return None, ()


def year_folder(name: str) -> tuple[str | None, tuple[int, ...]]:
    """The collection year whose return a subfolder holds, as `name_year` gives it: the one
    year its name carries, whatever other words it has ('2019-20', 'SSDA903 2023-24
    submitted to DfE', '2024-25 (resubmitted)', 'CIN census 2020', '2018_19 sent
    15.07.2019': a date within the year's two calendar years is no other year). (None, ())
    when it carries no year or several ('2019-20 to 2021-22'), or when a word marks it an
    older copy ('superseded 2024-25', '2023 old': `old_copy_word`)."""
    if old_copy_word(name):
        return None, ()
    spans = set()
    for m in _SPAN.finditer(name):
        start, end = int(m.group(1)), m.group(2)
        if (int(end) if len(end) == 4 else (start // 100) * 100 + int(end)) == start + 1:
            spans.add(start)
    bare = {int(y) for y in _YEAR.findall(_SPAN.sub(" ", name))}
    if len(spans) > 1 or (not spans and len(bare) > 1):
        return None, ()
    if spans and not bare <= {min(spans), min(spans) + 1}:
        return None, ()
    return name_year(name)


def names_a_version(name: str) -> bool:
    """True when a file's path names the version of a return to use ('2024-25
    (resubmitted)/episodes.csv', 'SSDA903 2024-25 episodes FINAL.csv')."""
    return any(_FINAL.fullmatch(t) for t in re.split(r"[^a-z0-9]+", name.lower()) if t)


def old_copy_word(name: str) -> str | None:
    """The word of a file's (or folder's) name that marks it an older or draft copy
    ('header_last.csv', 'SSDA903_2025_episodes_draft.csv', 'episodes - Copy.csv',
    'episodesOLD.csv'), or None. Words, not letters inside one: 'latest', 'Oldham' and the
    table previous_permanence mark nothing."""
    # a word ends where letters meet digits or a capital follows a small letter
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", name)
    text = _TABLES_OF_OLD_WORDS.sub(" ", spaced.lower())
    return next((w for w in re.split(r"[^a-z0-9]+", text) if w in OLD_COPY_WORDS), None)


def name_table(stem: str) -> str | None:
    """The table a file or sheet name gives ('SSDA903_2020_episodes' -> 'episodes',
    '2017-previous_permanence' -> 'previous_permanence'), None when it names none or several."""
    text = _SPAN.sub(" ", stem.lower())
    text = _YEAR.sub(" ", text)
    tokens = [t for t in re.split(r"[^a-z0-9]+", text) if t and t not in _NOISE]
    found: dict[str, int] = {}  # table -> the most name words it takes
    for i in range(len(tokens)):
        for j in range(i + 1, len(tokens) + 1):
            for joined in ("_".join(tokens[i:j]), "".join(tokens[i:j])):
                if joined in _TABLE_NAMES:
                    table = _TABLE_NAMES[joined]
                    found[table] = max(found.get(table, 0), j - i)
    # 'sw_episodes' names sw_episodes, not episodes: a match inside a longer one does not count
    longest = max(found.values(), default=0)
    best = [t for t, n in found.items() if n == longest]
    if len(best) == 1 and all(n < longest for t, n in found.items() if t != best[0]):
        others = [t for t in found if t != best[0]]
        if all(t in best[0] for t in others):
            return best[0]
    return None


def _source(path: Path, label: str, folder_year: tuple[str | None, tuple[int, ...]]) -> Source:
    group, years = folder_year if folder_year[0] else name_year(path.stem)
    return Source(path, label, name_table(path.stem), group, years)


def _not_a_table(label: str) -> pd.DataFrame:
    """The note on a file that is not a table (by its type, or a .txt/.tsv by its content)."""
    return note(
        "note",
        label,
        "not a table file; ignored",
        "Tables are .csv (or tab-separated .tsv, .txt), .parquet, .xlsx or .xml files.",
    )


def _names_columns(columns: list[object], table: str | None) -> bool:
    """True when a text file's header names a column of `table` (of any table when None):
    a .txt or .tsv file is read as a table only then, else it is taken for notes."""
    if table is None:
        return bool(tables_from_headers([str(c) for c in columns]))
    return bool({canonical(str(c)) for c in columns} & set(known_columns(table)))


def _not_read(path: Path, label: str, in_year: bool = False) -> pd.DataFrame:
    """A note on a subfolder that is not read, with how many table files it holds and why
    (its name marks an older copy of a year's return or of a folder of year folders, or
    carries no single year)."""
    held = sum(
        1
        for p in path.rglob("*")
        if p.suffix.lower() in TABLE_SUFFIXES
        and p.suffix.lower() != ".txt"  # notes as often as tables
        and not p.name.startswith((".", "~$"))
        and not _OUTPUT_NAME.match(p.name)
    )
    files = f"{held} table file{'s' if held != 1 else ''}" if held else "no table file"
    word = old_copy_word(path.name)
    years_in = any(p.is_dir() and year_folder(p.name)[0] for p in path.iterdir())
    if word and (in_year or name_year(path.name)[0] or years_in):
        return note(
            "warning" if held else "note",
            label,
            f"subfolder not read ({files} in it): its name marks an older copy ('{word}')",
            "If it holds the return to use, rename it without that word (e.g. 2019-20/).",
        )
    return note(
        "warning" if held else "note",
        label,
        f"subfolder not read ({files} in it): only year subfolders (2019-20/) are",
        "Put the table files in the data folder itself, or in one subfolder per collection "
        "year named with its year (one year only).",
    )


def _not_a_table_file(name: str, label: str) -> pd.DataFrame | None:
    """The note on a file that its name says is not read as a table (a scorecard this tool
    wrote, another type); None for a table file (a file named .xls is one: it is read by its
    content, an old Excel workbook an error then)."""
    if _OUTPUT_NAME.match(name):
        return _output_note(label)
    if PurePosixPath(name).suffix.lower() not in TABLE_SUFFIXES:
        return _not_a_table(label)
    return None


def _zipped(
    path: Path, label: str, folder_year: tuple[str | None, tuple[int, ...]]
) -> tuple[list[Source], list[pd.DataFrame]]:
    """The table files inside a zip archive (a return sent or downloaded zipped), read as if
    they were in a subfolder named like it: each member's year is its own name's (or its
    folder's in the archive), else the archive's, else the folder's the archive is in.
    Folders, hidden members (`__MACOSX/`, `._x`) and other files are passed over as loose
    ones are; an archive that cannot be read or needs a password is an error."""
    try:
        with zipfile.ZipFile(path) as z:
            members = sorted(z.infolist(), key=lambda m: m.filename.lower())
    except (OSError, zipfile.BadZipFile) as exc:
        why = f"zip archive cannot be read ({exc}); not read"
        return [], [note("error", label, why, UNZIP_HINT)]
    archive_year = name_year(path.stem)
    if not archive_year[0]:
        archive_year = folder_year
    found: list[Source] = []
    notes: list[pd.DataFrame] = []
    for m in members:
        inside = PurePosixPath(m.filename)
        if m.is_dir() or any(p.startswith((".", "~$", "__MACOSX")) for p in inside.parts):
            continue
        if m.flag_bits & 0x1:  # encrypted
            rule = "zip archive is protected by a password; not read"
            return [], [note("error", label, rule, UNZIP_HINT)]
        member_label = f"{label}/{m.filename}"
        said = _not_a_table_file(inside.name, member_label)
        if said is not None:
            notes.append(said)
            continue
        own = name_year(str(inside.with_suffix("")))
        group, years = own if own[0] else archive_year
        found.append(Source(path, member_label, name_table(inside.stem), group, years, m.filename))
    return found, notes


def _part_of_year(name: str, folder_year: tuple[str | None, tuple[int, ...]]) -> bool:
    """A folder inside a year's folder that carries no year of its own and no mark of an
    older copy ('903/', 'CIN/', 'SSDA903 return/'): a part of that year's return, read as it."""
    return folder_year[0] is not None and not name_year(name)[0] and not old_copy_word(name)


def _year_subfolders(path: Path) -> list[str]:
    """The year subfolders (`2022-23/`) of a folder that carries no year and no mark of an
    older copy in its name (`Returns/`, `SSDA903 returns/`): a folder of the years'
    returns when there is one; [] for any other folder."""
    if year_folder(path.name)[0] or old_copy_word(path.name):
        return []
    if path.name.lower() in KNOWN_SUBFOLDERS:
        return []
    return [
        f"{p.name}/"
        for p in sorted(path.iterdir(), key=lambda p: p.name.lower())
        if p.is_dir() and not p.name.startswith((".", "~$")) and year_folder(p.name)[0]
    ]


def _read_years(label: str, years: list[str]) -> pd.DataFrame:
    """The note on a folder of year folders read as if its year folders were in the data
    folder itself."""
    return note(
        "note",
        label,
        f"a folder of year folders: its year subfolders ({', '.join(years)}) are read as the "
        "years' returns, as if they were in the data folder",
        "Nothing to do. A year given both there and in the data folder is an error naming both.",
    )


def _not_in_years(label: str) -> pd.DataFrame:
    """The warning on a file kept beside the year folders of a folder of year folders."""
    return note(
        "warning",
        label,
        "file not read: of a folder of year folders, only the year subfolders and files named "
        "with a year are read",
        "Put the file in its year's folder, or in the data folder itself if it is no return.",
    )


def sources(folder: Path) -> tuple[list[Source], list[pd.DataFrame]]:
    """The table files of `folder`, of its year subfolders (`2019-20/`) and inside its zip
    archives (`_zipped`), with notes on the files and the other subfolders that are not read
    (`_not_a_table_file`); `benchmarks/` (benchmark data) is passed over without a note.

    A folder of `folder` that carries no year and no mark of an older copy but holds year
    subfolders (`Returns/2022-23/SSDA903/`: `_year_subfolders`) is a folder of the years'
    returns: its year subfolders, and its files named with a year, are read as if they were
    in `folder` (said in a note); its files without a year are not (a second copy of a
    table of `folder` would be taken for the years' history), said in a warning. Only one
    such level is descended: a deeper nesting (`Data/Returns/2022-23/`) is more often an
    archive of copies than the returns to use, and its years would come without the user
    seeing where. Two copies of one year, one in `folder` and one below `Returns/`, are two
    returns of that year: the load stage uses one and names both in an error."""
    notes: list[pd.DataFrame] = []
    found: list[Source] = []

    def visit(
        directory: Path,
        prefix: str,
        folder_year: tuple[str | None, tuple[int, ...]],
        top: bool = False,
        of_years: bool = False,
    ):
        """`top`: year subfolders are read here (the data folder, a folder of year folders);
        `of_years`: a folder of year folders (its files without a year are not read)."""
        for path in sorted(directory.iterdir(), key=lambda p: p.name.lower()):
            if path.name.startswith((".", "~$")):
                continue
            label = prefix + path.name
            if path.is_dir():
                year = year_folder(path.name)
                if top and year[0]:
                    visit(path, f"{label}/", year)
                elif _part_of_year(path.name, folder_year):
                    visit(path, f"{label}/", folder_year)  # 2023-24/903/, 2023-24/CIN census/
                elif not prefix and (years := _year_subfolders(path)):
                    notes.append(_read_years(label + "/", years))
                    visit(path, f"{label}/", folder_year, top=True, of_years=True)
                elif prefix or path.name.lower() not in KNOWN_SUBFOLDERS:
                    notes.append(_not_read(path, label + "/", folder_year[0] is not None))
                continue
            is_zip = path.suffix.lower() in ZIP_SUFFIXES
            said = None if is_zip else _not_a_table_file(path.name, label)
            if of_years and said is None and not name_year(path.stem)[0]:
                notes.append(_not_in_years(label))
                continue
            if is_zip:
                zipped, said = _zipped(path, label, folder_year)
                found.extend(zipped)
                notes.extend(said)
                continue
            if said is not None:
                notes.append(said)
                continue
            found.append(_source(path, label, folder_year))

    visit(folder, "", (None, ()), top=True)
    return found, notes


def _by_headers(
    label: str, columns: list[str], sheet: bool
) -> tuple[str | None, pd.DataFrame | None]:
    """The table a file's (or sheet's) headers fit, or None with the note saying why."""
    hits = tables_from_headers(columns)
    what = "sheet" if sheet else "file"
    if not hits:
        if sheet:
            return None, note("note", label, "sheet matches no table; skipped", "")
        return None, note(
            "note",
            label,
            "file matches no table; ignored",
            "Name it after its table (e.g. episodes.csv) or give it the DfE column headers "
            "of one table.",
        )
    if len(hits) > 1:
        return None, note(
            "warning",
            label,
            f"headers fit several tables ({', '.join(hits)}); ignored",
            f"Rename the {what} to the table it holds, e.g. {hits[0]}.",
        )
    return hits[0], None


def _recognised(raw: RawTable) -> pd.DataFrame:
    """The note on a file read by its headers; the name it could have keeps the year of a
    yearly return's name (CIN_Census_2025.csv: referrals_2025.csv, not referrals.csv,
    which would no longer be that year's return)."""
    what = "sheet" if raw.file.endswith(")") and " (sheet " in raw.file else "file"
    name = PurePosixPath(raw.file)
    year = name_year(name.stem)[0] if what == "file" else None
    better = f"{raw.table}_{year}{name.suffix} (keeping its year)" if year else raw.table
    return note(
        "note",
        raw.file,
        f"read as table {raw.table} (recognised by its headers)",
        f"Rename the {what} {better} to make this explicit.",
        raw.table,
    )


# rows of a table that are not data, left out with a warning: (finder, rule, hint, and
# which of its rows are certainly no data, left out with a note instead, or None)
ROWS_LEFT_OUT = (
    (
        repeated_headers,
        "the header repeated; the row is left out",
        "Files joined one after another each bring their header; keep the first.",
        None,
    ),
    (
        footer_rows,
        "a totals or notes row under the table; the row is left out",
        "Export the table's rows only, without totals or notes under them.",
        totals_rows,
    ),
)
# a recognised totals row: no figure is in doubt, so no caveat on the card
TOTALS_LEFT_OUT = (
    "a totals row under the table; the row is left out",
    "Nothing to fix: a total is not data (export the table's rows only to leave this note out).",
)


def _rows_left_out(sheet: Sheet, table: str, label: str) -> tuple[Sheet, list[pd.DataFrame]]:
    """The sheet without the rows that are not data (`ROWS_LEFT_OUT`), and what to say about
    them: a warning, or a note for a recognised totals row."""
    said = []
    for leave_out, rule, hint, sure in ROWS_LEFT_OUT:
        before = sheet
        sheet, rows = leave_out(sheet)
        if not len(rows):
            continue
        certain = set(sure(before, rows).tolist()) if sure is not None else set()
        if certain:
            said.append(issues("note", table, label, sorted(certain), "", None, *TOTALS_LEFT_OUT))
        rest = [r for r in rows.tolist() if r not in certain]
        if rest:
            said.append(issues("warning", table, label, rest, "", None, rule, hint))
    return sheet, said


def read_source(src: Source) -> tuple[list[tuple[RawTable, bool]], list[pd.DataFrame]]:
    """The tables of one file, each with whether its name gave its table, and notes."""
    notes: list[pd.DataFrame] = []
    out: list[tuple[RawTable, bool]] = []
    meta = {"group": src.group, "years": src.years}
    loose = src.name.suffix.lower() in LOOSE_TEXT_SUFFIXES
    try:
        file = src.file()
        if src.name.suffix.lower() in XML_SUFFIXES:
            tables, xml_notes = read_xml(file, src.label)
            out = []
            for t in tables:
                # a census declares its year: a return even when its name carries none
                if src.group is None and t.declared is not None:
                    year = {"group": year_label(t.declared), "years": (t.declared,)}
                    out.append((replace(t, **year), True))
                else:
                    out.append((replace(t, **meta), True))
            return out, xml_notes
        sheets = read_sheets(file, src.table)
    except Unreadable as exc:
        if loose:
            return [], [_not_a_table(src.label)]
        return [], [note("error", src.label, f"file {exc}", exc.hint, src.table or "")]
    except OSError as exc:  # gone, a link to nowhere, not allowed to read it
        why = exc.strerror or str(exc)
        hint = "Check that the file is there and can be read (a link to a file since moved?)."
        return [], [
            note("error", src.label, f"file cannot be opened ({why})", hint, src.table or "")
        ]
    if loose and not _names_columns(list(sheets[0].frame.columns), src.table):
        return [], [_not_a_table(src.label)]
    if len(sheets) > 1 and {str(s.name).lower() for s in sheets} >= _OUTPUT_SHEETS:
        return [], [_output_note(src.label)]
    if sheets and sheets[0].read_as:
        notes.append(
            note(
                "note",
                src.label,
                f"file named .xls is {sheets[0].read_as}, not an old Excel workbook; read as such",
                "Nothing is lost. Save it as .xlsx or CSV (UTF-8) to make this explicit.",
                src.table or "",
            )
        )
    for sheet in sheets:
        if sheet.name is None:
            label, table, named = src.label, src.table, src.table is not None
        else:
            label = f"{src.label} (sheet {sheet.name})"
            table = name_table(sheet.name)
            named = table is not None
        if sheet.hidden:
            notes.append(note("note", label, "hidden sheet; not read", "Unhide it to load it."))
            continue
        if table is None:
            table, said = _by_headers(
                label, [str(c) for c in sheet.frame.columns], bool(sheet.name)
            )
            if table is None:
                notes.append(said)
                continue
        sheet, said = _rows_left_out(sheet, table, label)
        notes += said
        notes += _sheet_notes(sheet, table, label)
        # a local table (population, districts ...) is no return: a year in its name is not
        # a collection year (ONS_mid-2024_population.csv)
        year = {"group": None, "years": ()} if table in LOCAL_TABLES else meta
        raw = RawTable(
            table, label, sheet.frame, sheet.rows, decimal_comma=sheet.decimal_comma, **year
        )
        out.append((raw, named))
    return out, notes


def _reordered(r: Reordered, table: str, label: str) -> pd.DataFrame:
    """The warning on a row repeating the header in another column order: the rows read by
    it, and the columns it lacks, adds or leaves without a name."""
    if r.rows is None:
        under = "no row under it"
    elif r.rows[0] == r.rows[1]:
        under = f"row {r.rows[0]} under it"
    else:
        under = f"rows {r.rows[0]} to {r.rows[1]} under it"
    rule = f"the header repeated with its columns in another order; {under} read by it"
    if r.missing:
        rule += f"; {', '.join(r.missing)} not in it: blank in those rows"
    if r.added:
        rule += f"; {', '.join(r.added)} only in it: added, blank in the other rows"
    for cell, values in r.lost:
        if values:
            rule += f"; {values:,} value{'s' * (values > 1)} under its blank cell {cell} left out"
    hint = (
        "Files with their columns in different orders were joined one after another; export "
        "them with the same columns in the same order, or check the columns named here."
    )
    return issues("warning", table, label, [r.row], "", None, rule, hint)


def _sheet_notes(sheet: Sheet, table: str, label: str) -> list[pd.DataFrame]:
    """An error per CSV line left out for its extra fields, a note on the lines read without
    their empty extra fields; a warning per header repeated in another column order and for
    a table with a header and no rows."""
    found = []
    if sheet.bad_lines:
        lines = [line for line, _, _ in sheet.bad_lines]
        rule = [
            f"line has {saw} fields where the header has {expected}; the line is left out"
            for _, expected, saw in sheet.bad_lines
        ]
        hint = (
            'A value holding a comma must be in double quotes ("WD28, 5ZS"); correct the '
            "line and load again."
        )
        found.append(issues("error", table, label, lines, "", None, pd.Series(rule), hint))
    found += [_reordered(r, table, label) for r in sheet.reordered]
    if sheet.empty_extras:
        n, first = len(sheet.empty_extras), sheet.empty_extras[0]
        found.append(
            note(
                "note",
                label,
                f"{n:,} line{'s' * (n > 1)} end{'s' * (n == 1)} with empty fields the header "
                f"has not (the first: line {first}); read without them",
                "Nothing is lost; those lines have a separator too many after their last value.",
                table,
            )
        )
    if sheet.trailing_separator:
        found.append(
            note(
                "note",
                label,
                "every data line ends with a separator the header has not; the empty last "
                "field is left out",
                "Nothing is lost; the export writes one separator too many on each line.",
                table,
            )
        )
    if len(sheet.frame) == 0 and len(sheet.frame.columns):
        found.append(
            note(
                "warning",
                label,
                "no rows: only a header",
                "The table is taken as empty; check the export wrote its rows.",
                table,
            )
        )
    return found


def collect(folder: Path) -> tuple[list[RawTable], list[pd.DataFrame]]:
    """Every table of `folder` as read, one per table and return, with the notes."""
    found, notes = sources(folder)
    read: list[tuple[RawTable, bool]] = []
    for src in found:
        tables, more = read_source(src)
        read += tables
        notes += more
    by_key: dict[tuple[str, str | None], list[tuple[RawTable, bool]]] = {}
    for raw, named in read:
        by_key.setdefault((raw.table, raw.group), []).append((raw, named))
    kept: list[RawTable] = []
    for (table, group), entries in by_key.items():
        named = [raw for raw, by_name in entries if by_name]
        guessed = [raw for raw, by_name in entries if not by_name]
        if group is not None and len(named) > 1:
            kept += named  # returns of one year: the load stage keeps the last, and says so
            continue
        if len(named) > 1 or (not named and len(guessed) > 1):
            clash = named if len(named) > 1 else guessed
            names = ", ".join(r.file for r in clash)
            notes.append(
                note(
                    "error",
                    names,
                    f"several files for table {table}",
                    "Keep one file per table (per collection year) in the folder.",
                    table,
                )
            )
            continue
        for raw in guessed if named else guessed[1:]:
            notes.append(
                note(
                    "warning",
                    raw.file,
                    f"looks like table {table}, which another file already provides; ignored",
                    "Keep one file per table in the folder.",
                    table,
                )
            )
        kept.append(named[0] if named else guessed[0])
        if not named:
            notes.append(_recognised(guessed[0]))
    return kept, notes
