"""Loaders for published benchmark data (SPEC section 8).

`load_benchmarks(path)` reads either layout into one long frame::

    indicator, year, year_label, la_code, new_la_code, la_name, region, level, value, status

* LAIT long extract (Parquet or CSV; ``Short Desc, [Data item], Years, LA and Regions,
  Values, LA Number, Region``): ``indicator`` is the LAIT ``Short Desc`` (Measure_short).
* explore-education-statistics tidy CSV (``time_period, time_identifier, geographic_level,
  ..., old_la_code, new_la_code, la_name, <filters...>, <values...>``, in any order, either
  vintage): each value column becomes its own series and ``indicator`` is built as
  ``value_column[filter=value; filter=value]`` with the filters in file order, e.g.
  ``children_percent[cla_group=CLA on 31 March; placement_stability=With 3 or more
  placements during the year]`` (a one-value filter such as c1's ``category`` is listed
  too: ``rereferral_percent[category=Referrals and Re-referrals]``; a file without filters
  gives the bare value column name). A column is a value column when every published cell
  in it is a number; every other non-geography column is a filter. The filter columns and
  ``measure`` (the value column) are kept as columns too, so `ees_series` can select with
  the catalogue's ``benchmark.ees`` mapping. Older vintages are harmonised to the current
  names (``number/percentage`` -> ``children_count/children_percent`` or
  ``care_leaver_count/care_leaver_percent``; ``age/activity`` ->
  ``care_leaver_age/breakdown``; ``population_count`` -> ``population_type``) and labels
  ('Aged 19 to 21' -> '19 to 21 years', '... at 31 March ...' -> '... on 31 March ...').

``year`` is the calendar year in which the period ends (nullable Int64): '2024-25',
'2024-25 (OT)', '202425' and '2025' are 2025; '2014-16' and '2013/14-15/16' are 2016;
'2025 (Rev)' is 2025; anything else ('0') is missing. ``year_label`` keeps the raw label.

Suppression symbols (``c k x z u low .. - :`` and blank) become NaN with the symbol kept in
``status`` ('' when a number was published). ``la_code`` is the 3-digit code as a string
('886'); England is '970' and the regions '980'-'990' (LAIT's codes, used for EES files
too); ``level`` is 'National', 'Regional' or 'Local authority' ('Other' for any other LAIT
area number; EES rows at other geographic levels are dropped). ``new_la_code`` comes from
the file, else from `la_lookup=` (anything `LaLookup.from_any` accepts), else from the
bundled list of English LAs, and is filled for England and the regions. Retired authorities (Cumbria 909, Northamptonshire 928, old
Dorset/Poole/Bournemouth) stay as rows, missing in the years they do not apply.

`load_neighbours(path)` reads the DfE statistical-neighbour lists into
``la_code, neighbour_code, rank, closeness``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .la_lookup import (
    ENGLAND_CODE,
    LaLookup,
    la_code_str,
    region_code,
    standard_new_codes,
    str_from_codes,
)

SUPPRESSION = ("c", "k", "x", "z", "u", "low", "..", "-", ":", "")
OUTPUT_COLUMNS = [
    "indicator",
    "year",
    "year_label",
    "la_code",
    "new_la_code",
    "la_name",
    "region",
    "level",
    "value",
    "status",
]
LAIT_COLUMNS = ("Short Desc", "Years", "LA and Regions", "Values", "LA Number", "Region")

EES_STANDARD = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "la_code",
    "lad_code",
    "lad_name",
    "pcon_code",
    "pcon_name",
)
# Older vintages' column names -> current names (the care-leaver ones apply when the file
# has care-leaver filters).
_EES_RENAME = {
    "age": "care_leaver_age",
    "activity": "breakdown",
    "population_count": "population_type",
}
_EES_LABELS = {
    "Aged 17 to 18": "17 to 18 years",
    "Aged 19 to 21": "19 to 21 years",
    "Living with the same carer for at least 2 years, or are placed for adoption and their "
    "adoptive placement together with their previous placement, last for at least 2 years": (
        "Living with the same carer for at least 2 years"
    ),
    "Children looked after continuously for at least 2.5 years at 31 March aged under 16 "
    "years": "Children looked after continuously for at least 2.5 years on 31 March aged "
    "under 16 years",
    "Children looked after at 31 March each year": "Children looked after on 31 March each year",
}


class BenchmarkFileError(ValueError):
    """A benchmark or neighbour file that cannot be read as documented."""


class BenchmarkMappingWarning(UserWarning):
    """A file named as a catalogue EES mapping says, without the series it maps."""


# --------------------------------------------------------------------------- helpers
def year_from_label(label: object) -> int | None:
    """Calendar year in which a period label ends (see the module docstring)."""
    if label is None or (isinstance(label, float) and np.isnan(label)):
        return None
    text = re.sub(r"\s*\(.*?\)\s*", "", str(label)).strip()
    if re.fullmatch(r"\d{6}", text):  # 202425
        start, end2 = int(text[:4]), int(text[4:])
        end = start // 100 * 100 + end2
        return end + 100 if end < start else end
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return year if year > 1900 else None
    parts = re.findall(r"\d+", text)
    if len(parts) >= 2 and len(parts[0]) == 4 and re.fullmatch(r"[\d/\- ]+", text):
        start, last = int(parts[0]), parts[-1]
        if len(last) == 4:
            return int(last)
        end = start // 100 * 100 + int(last)
        return end + 100 if end < start else end
    return None


def _years(labels: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(labels)
    table = pd.array([*(year_from_label(u) for u in uniques), None], dtype="Int64")
    return pd.Series(table[codes], index=labels.index, dtype="Int64")


_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


def parse_values(values: pd.Series, where: str, column: str) -> tuple[pd.Series, pd.Series]:
    """Published values -> (float values, status). Unknown non-numbers are an error.

    Vectorised with pyarrow compute (trim, drop thousands commas, match a number, cast)."""
    arr = pa.array(values.astype("str"), type=pa.string(), from_pandas=True)
    text = pc.utf8_trim_whitespace(arr)
    plain = pc.replace_substring(text, ",", "")
    is_num = pc.fill_null(pc.match_substring_regex(plain, _NUMBER), False)
    numbers = pc.cast(pc.if_else(is_num, plain, pa.scalar(None, pa.string())), pa.float64())
    value = pd.Series(numbers.to_numpy(zero_copy_only=False), index=values.index, dtype=float)
    lowered = pc.utf8_lower(pc.fill_null(text, ""))
    blank = pc.is_in(lowered, pa.array(["na", "nan", "none", ""]))
    symbol = pc.or_(pc.is_in(lowered, pa.array(list(SUPPRESSION))), blank)
    bad = np.asarray(pc.and_(pc.invert(is_num), pc.invert(symbol)))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise BenchmarkFileError(
            f"{where}: row {row + 2}, column {column!r}: value {text[row].as_py()!r} is "
            f"neither a number nor a suppression symbol ({', '.join(s for s in SUPPRESSION if s)})."
            " Fix the cell or report a new symbol."
        )
    status = pc.if_else(pc.or_(is_num, blank), "", text)
    return value, pd.Series(pd.array(status, dtype="str"), index=values.index)


def _clean(values: pd.Series) -> pd.Series:
    """Stripped text as pandas `str`."""
    return values.astype("str").str.strip()


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    if path.suffix.lower() in (".xlsx", ".xls"):
        return pd.read_excel(path, dtype=str)
    return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)


# --------------------------------------------------------------------------- benchmarks
def load_benchmarks(path: str | Path | pd.DataFrame, la_lookup: object = None) -> pd.DataFrame:
    """A LAIT extract or an EES tidy CSV as a long benchmarks frame (module docstring)."""
    if isinstance(path, pd.DataFrame):
        raw, where = path, "<frame>"
    else:
        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"Benchmark file not found: {p}")
        raw, where = _read_table(p), str(p)
    raw = raw.rename(columns=lambda c: str(c).strip())
    if set(LAIT_COLUMNS) <= set(raw.columns):
        out = _from_lait(raw, where)
    elif {"time_period", "geographic_level"} <= set(raw.columns):
        out = _from_ees(raw, where)
    else:
        raise BenchmarkFileError(
            f"{where}: not a LAIT extract (needs {', '.join(LAIT_COLUMNS)}) nor an "
            f"explore-education-statistics file (needs time_period, geographic_level); "
            f"columns found: {list(raw.columns)[:12]}"
        )
    missing = out["new_la_code"].isna()
    if missing.any():
        lookup = LaLookup.bundled()
        if la_lookup is not None:
            lookup = LaLookup.from_any(la_lookup).plus(lookup)
        # every row's code looked up (per distinct code), kept where the file has none
        filled = pa.array(lookup.new_codes(out["la_code"]), type=pa.large_string())
        filled = pc.if_else(pc.equal(filled, "nan"), pa.scalar(None, pa.large_string()), filled)
        given = pa.array(out["new_la_code"], type=pa.large_string(), from_pandas=True)
        codes = pd.array(pc.coalesce(given, filled), dtype="str")
        out["new_la_code"] = pd.Series(codes, index=out.index)
    return out


def _from_lait(raw: pd.DataFrame, where: str) -> pd.DataFrame:
    code = la_code_str(raw["LA Number"])
    if code.isna().any():
        first = int(code.isna().to_numpy().nonzero()[0][0])
        raise BenchmarkFileError(
            f"{where}: row {first + 2}, column 'LA Number': value "
            f"{raw['LA Number'].iloc[first]!r} is not an LA number."
        )
    codes, distinct = pd.factorize(code)  # a few hundred codes on 641k rows
    num = np.array([int(c) for c in distinct], dtype=int)[codes]
    level_code = np.select([num < 970, num == 970, (num >= 980) & (num <= 990)], [0, 1, 2], 3)
    levels = ["Local authority", "National", "Regional", "Other"]
    level = str_from_codes(level_code, levels, raw.index)
    value, status = parse_values(raw["Values"], where, "Values")
    years = _clean(raw["Years"])
    region = _clean(raw["Region"])
    region = region.where((num < 970) & ~region.isin(["NA", "", "nan"]))
    out = pd.DataFrame(
        {
            "indicator": _clean(raw["Short Desc"]),
            "year": _years(years),
            "year_label": years,
            "la_code": code,
            "new_la_code": standard_new_codes(code),
            "la_name": _clean(raw["LA and Regions"]),
            "region": region,
            "level": level,
            "value": value,
            "status": status,
        }
    )
    if "new_la_code" in raw.columns:
        out["new_la_code"] = raw["new_la_code"].where(
            raw["new_la_code"].notna(), out["new_la_code"]
        )
    return out.reset_index(drop=True)


def _harmonise_ees(raw: pd.DataFrame) -> pd.DataFrame:
    df = raw.copy()
    cols = set(df.columns)
    care_leaver = bool({"age", "activity", "care_leaver_age"} & cols)
    rename = {k: v for k, v in _EES_RENAME.items() if k in cols and v not in cols}
    if care_leaver:
        rename.update({"number": "care_leaver_count", "percentage": "care_leaver_percent"})
    else:
        rename.update({"number": "children_count", "percentage": "children_percent"})
    rename = {k: v for k, v in rename.items() if k in cols and v not in cols}
    return df.rename(columns=rename)


def _is_value_column(col: pd.Series) -> bool:
    """All published (non-symbol) distinct values are numbers."""
    uniq = pd.Series(pd.unique(col.dropna()), dtype="str").str.strip()
    lowered = uniq.str.casefold()
    numbers = pd.to_numeric(uniq.str.replace(",", "", regex=False), errors="coerce")
    published = ~(lowered.isin(SUPPRESSION) | lowered.isin(["nan", "na"]))
    return bool(published.any() and numbers[published].notna().all())


def _from_ees(raw: pd.DataFrame, where: str) -> pd.DataFrame:
    df = _harmonise_ees(raw)
    df = df.astype({c: "str" for c in df.columns})
    for c in df.columns:
        df[c] = df[c].str.strip().replace({"nan": ""})
    others = [c for c in df.columns if c not in EES_STANDARD]
    value_cols = [c for c in others if _is_value_column(df[c])]
    filters = [c for c in others if c not in value_cols]
    for c in filters:
        df[c] = df[c].replace(_EES_LABELS)
    if not value_cols:
        raise BenchmarkFileError(f"{where}: no numeric value columns found among {others}.")
    level = df["geographic_level"]
    known = level.isin(["National", "Regional", "Local authority"])
    df = df[known].reset_index(drop=True)
    level = df["geographic_level"]
    code = pd.Series(np.nan, index=df.index, dtype="str")
    if "old_la_code" in df.columns:
        code = la_code_str(df["old_la_code"].replace({"": np.nan}))
    region_names = df.get("region_name", pd.Series("", index=df.index))
    reg_codes = region_names.map({n: region_code(n) for n in pd.unique(region_names)})
    code = code.where(level != "National", ENGLAND_CODE)
    code = code.where(level != "Regional", reg_codes)
    name = df.get("la_name", pd.Series("", index=df.index))
    name = name.where(level == "Local authority", region_names)
    name = name.where(level != "National", df.get("country_name", "England"))
    new_code = df.get("new_la_code", pd.Series("", index=df.index)).replace({"": np.nan})
    new_code = new_code.where(level != "Regional", df.get("region_code", new_code))
    new_code = new_code.where(level != "National", df.get("country_code", new_code))
    new_code = new_code.where(new_code.notna(), standard_new_codes(code))
    # one tag per distinct combination of filter values: 'col=value; col=value'
    if filters:
        codes, combos = pd.MultiIndex.from_frame(df[filters].fillna("")).factorize()
        tags = np.array(
            [
                "; ".join(f"{c}={v}" for c, v in zip(filters, combo, strict=True))
                for combo in combos
            ],
            dtype=object,
        )
        tag = tags[codes]
    else:
        tag = np.full(len(df), "", dtype=object)
    common = pd.DataFrame(
        {
            "year": _years(df["time_period"]),
            "year_label": df["time_period"],
            "la_code": code,
            "new_la_code": new_code.replace({"": np.nan}),
            "la_name": name.replace({"": np.nan}),
            "region": region_names.where(level == "Local authority").replace({"": np.nan}),
            "level": level,
        }
    )
    parts = []
    for vc in value_cols:
        value, status = parse_values(df[vc], where, vc)
        part = common.copy()
        label = np.array([vc if t == "" else f"{vc}[{t}]" for t in pd.unique(tag)], dtype=object)
        part.insert(0, "indicator", pd.Series(label[pd.factorize(tag)[0]], dtype="str"))
        part["value"] = value
        part["status"] = status
        part["measure"] = vc
        for c in filters:
            part[c] = df[c]
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["indicator"] = out["indicator"].astype("str")
    return out


def _matches(series: pd.Series, wanted: str) -> pd.Series:
    """Rows whose label equals `wanted`, ignoring case and spacing (distinct values only)."""

    def norm(x: object) -> str:
        return " ".join(str(x).casefold().split())

    codes, uniq = pd.factorize(series)
    target = norm(_EES_LABELS.get(wanted, wanted))
    hit = np.array([norm(u) == target for u in uniq] + [False])
    return pd.Series(hit[codes], index=series.index)


def ees_series(
    frame_or_path: pd.DataFrame | str | Path,
    filter: dict[str, str] | None = None,
    value_column: str | None = None,
    indicator: str | None = None,
    la_lookup: object = None,
) -> pd.DataFrame:
    """One published series from an EES file: rows whose filters match (case and spacing
    insensitive) and whose value column is `value_column`; `indicator` renames it (e.g. to
    the LAIT name). Errors list the available filter values."""
    df = (
        frame_or_path
        if isinstance(frame_or_path, pd.DataFrame) and "measure" in frame_or_path.columns
        else load_benchmarks(frame_or_path, la_lookup=la_lookup)
    )
    keep = pd.Series(True, index=df.index)
    if value_column is not None:
        if value_column not in set(pd.unique(df["measure"])):
            raise KeyError(
                f"EES value column {value_column!r} not found; available: "
                f"{sorted(df['measure'].unique())}"
            )
        keep &= df["measure"] == value_column
    for col, wanted in (filter or {}).items():
        if col not in df.columns:
            raise KeyError(
                f"EES filter column {col!r} not in the file; filters present: "
                f"{[c for c in df.columns if c not in [*OUTPUT_COLUMNS, 'measure']]}"
            )
        hit = _matches(df[col], wanted)
        if not (hit & keep).any():
            raise KeyError(
                f"EES filter {col}={wanted!r} matches no rows; values present: "
                f"{sorted(df.loc[keep, col].dropna().unique())[:20]}"
            )
        keep &= hit
    out = df[keep].copy()
    if indicator is not None:
        out["indicator"] = indicator
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- neighbours
_SN_COL = re.compile(r"^SN_?(\d+)$", re.IGNORECASE)
_CODE_HEADERS = {"la num", "la number", "old_la_code", "la_code", "la code"}


# a statistical-neighbour list's file name (matched on the stem): sn_may_2025, sn_model_wide,
# stat_neighbours_by_name_2025, New_Statistical_Neighbour_Groupings_April_2021
SN_FILE = re.compile(r"neighbour|(^|[_-])sn([_-]|$)", re.IGNORECASE)


def _neighbour_file_in(folder: Path) -> Path:
    """The one file in `folder` named like a DfE statistical-neighbour list; an error that
    lists them when there are several (a list is per year: which one is the user's call)."""
    found = sorted(
        f
        for f in folder.iterdir()
        if f.is_file() and f.suffix.lower() in (".csv", ".xlsx", ".xls") and SN_FILE.search(f.stem)
    )
    if len(found) == 1:
        return found[0]
    if not found:
        raise BenchmarkFileError(
            f"A statistical-neighbour list is one file, and {folder} is a folder with no file "
            "named like one. Give the DfE's list itself, such as sn_may_2025.xlsx, "
            "sn_model_2025_wide.csv or stat_neighbours_by_name_2025.csv."
        )
    names = ", ".join(f.name for f in found)
    raise BenchmarkFileError(
        f"A statistical-neighbour list is one file, and {folder} is a folder holding "
        f"{len(found)} of them: {names}. Give the one for the year you compare (the DfE "
        "publishes a new list every few years; sn_may_2025.xlsx is the 2025 one)."
    )


def load_neighbours(
    path: str | Path | pd.DataFrame,
    la_lookup: object = None,
    benchmarks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A DfE statistical-neighbour list as ``la_code, neighbour_code, rank, closeness``.

    Reads the DfE workbook (sn_may_2025.xlsx: header row found by its 'LA num' / 'SN1'
    cells), the wide CSVs (sn_model_2025_wide.csv, New_Statistical_Neighbour_Groupings_
    April_2021.csv with its trailing empty column and 'Old SNs:' footer; LAs listed with no
    neighbours or '-' simply have none) and the by-name transposed CSV (one column per LA,
    ten rows of neighbour names), whose names resolve through the bundled list of English
    LAs (with `la_lookup=` or a `benchmarks` frame consulted first, for other names). A
    folder holding one file named like a DfE neighbour list is read through that file.
    """
    if isinstance(path, pd.DataFrame):
        raw, where = path, "<frame>"
        raw = pd.concat([raw.columns.to_frame().T, raw], ignore_index=True).astype("str")
    else:
        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"Statistical neighbour file not found: {p}")
        if p.is_dir():
            p = _neighbour_file_in(p)
        where = str(p)
        if p.suffix.lower() in (".xlsx", ".xls"):
            with pd.ExcelFile(p) as book:
                names = book.sheet_names
                sheet = "LA SN Groups" if "LA SN Groups" in names else names[0]
                raw = pd.read_excel(book, sheet_name=sheet, header=None, dtype=str)
        else:
            raw = pd.read_csv(
                p, header=None, dtype=str, encoding="utf-8-sig", keep_default_na=False
            )
    raw = raw.fillna("").astype("str").apply(lambda c: c.str.strip())
    header_row = _find_header(raw)
    if header_row is None:
        out = _by_name(raw, where, la_lookup, benchmarks)
    else:
        out = _wide(raw, header_row, where)
    out = out.drop_duplicates(["la_code", "rank"]).sort_values(["la_code", "rank"])
    return out.reset_index(drop=True)


def _find_header(raw: pd.DataFrame) -> int | None:
    for i in range(min(len(raw), 20)):
        cells = raw.iloc[i].str.casefold()
        if cells.isin(_CODE_HEADERS).any() and raw.iloc[i].str.match(_SN_COL).any():
            return i
    return None


def _wide(raw: pd.DataFrame, header_row: int, where: str) -> pd.DataFrame:
    header = raw.iloc[header_row].tolist()
    body = raw.iloc[header_row + 1 :].reset_index(drop=True)
    code_pos = next(i for i, h in enumerate(header) if h.casefold() in _CODE_HEADERS)
    codes = la_code_str(body.iloc[:, code_pos].replace({"": np.nan}))
    parts = []
    for pos, h in enumerate(header):
        m = _SN_COL.match(h)
        if not m:
            continue
        closeness = (
            body.iloc[:, pos + 1]
            if pos + 1 < len(header) and not _SN_COL.match(header[pos + 1])
            else pd.Series("", index=body.index)
        )
        parts.append(
            pd.DataFrame(
                {
                    "la_code": codes,
                    "neighbour_code": body.iloc[:, pos].replace({"": np.nan}),
                    "rank": int(m.group(1)),
                    "closeness": closeness.replace({"": np.nan, "-": np.nan}),
                }
            )
        )
    if not parts:
        raise BenchmarkFileError(f"{where}: no SN1..SN10 columns in the header row.")
    out = pd.concat(parts, ignore_index=True)
    out["neighbour_code"] = la_code_str(out["neighbour_code"])  # all columns at once
    out = out.dropna(subset=["la_code", "neighbour_code"])
    out["rank"] = out["rank"].astype(int)
    out["closeness"] = out["closeness"].astype("str")
    return out


def _by_name(
    raw: pd.DataFrame, where: str, la_lookup: object, benchmarks: pd.DataFrame | None
) -> pd.DataFrame:
    sources = [s for s in (la_lookup, benchmarks) if s is not None]
    lookup = LaLookup.bundled()
    if sources:
        lookup = LaLookup.from_any(sources).plus(lookup)
    names = raw.iloc[0]
    body = raw.iloc[1:].reset_index(drop=True)
    body = body[(body != "").any(axis=1)]
    long = body.melt(var_name="col", value_name="neighbour_name")
    long["rank"] = long.groupby("col").cumcount() + 1
    long["la_name"] = long["col"].map(names)
    long = long[(long["neighbour_name"] != "") & (long["neighbour_name"] != "-")]
    la_code = lookup.codes_for_names(long["la_name"])
    nb_code = lookup.codes_for_names(long["neighbour_name"])
    unknown = sorted(
        set(long.loc[la_code.isna(), "la_name"]) | set(long.loc[nb_code.isna(), "neighbour_name"])
    )
    if unknown:
        close = {u: lookup.suggest(u, n=2) for u in unknown[:10]}
        hints = "; ".join(f"{u!r}: {', '.join(c) or 'no close match'}" for u, c in close.items())
        raise BenchmarkFileError(
            f"{where}: {len(unknown)} LA name(s) in this by-name neighbour list are not "
            f"English local authorities known to the package ({hints}). Correct the names "
            "in the file (or use the DfE workbook, which lists LA numbers)."
        )
    return pd.DataFrame(
        {
            "la_code": la_code.astype("str"),
            "neighbour_code": nb_code.astype("str"),
            "rank": long["rank"].astype(int),
            "closeness": pd.Series(np.nan, index=long.index, dtype="str"),
        }
    )


def benchmark_panel(
    sources: object,
    catalogue: object = None,
    la_lookup: object = None,
) -> pd.DataFrame:
    """One benchmarks frame from every source given, each a path or a loaded frame:

    * a LAIT long extract (Parquet or CSV): its series as they are (LAIT ``Short Desc``);
    * an explore-education-statistics CSV of either vintage: the series the catalogue's
      ``benchmark.ees`` maps (matched on the file's content: value column and filter
      values; a renamed file still works), named by the indicator's LAIT name (else its
      id) so that `compare` treats them as LAIT's; the file's other series stay under their
      EES names (``children_percent[cla_group=...]``);
    * a folder: the catalogue's EES files found in it by name, then any LAIT long extract
      in it (its series the EES files do not hold: foster care, distance ...).

    When several sources hold the same indicator, LA and year, the first source given wins
    (list the newest release first). Errors name the file; a file named as a mapping says
    but lacking its series gives a `BenchmarkMappingWarning` and loads the rest.
    """
    from .catalogue import load_catalogue

    cat = load_catalogue() if catalogue is None else catalogue
    items = sources if isinstance(sources, list | tuple) else [sources]
    if not items:
        raise BenchmarkFileError("no benchmark sources given.")
    parts = []
    for n, item in enumerate(items):
        if isinstance(item, pd.DataFrame) and "value" in item.columns:
            frames = [item]  # already loaded
        elif not isinstance(item, pd.DataFrame) and Path(str(item)).is_dir():
            folder = Path(str(item))
            lait = _lait_files(folder)
            ees = _folder_series(folder, cat, la_lookup, required=not lait)
            # within a folder its EES files come first, then its LAIT extracts
            parts.extend((n, f) for f in ees)
            parts.extend((n + 0.5, load_benchmarks(f, la_lookup=la_lookup)) for f in lait)
            continue
        else:
            frame = load_benchmarks(item, la_lookup=la_lookup)
            name = None if isinstance(item, pd.DataFrame) else Path(str(item)).name
            frames = [frame, *_mapped_series(frame, cat, name)]
        parts.extend((n, frame) for frame in frames)
    parts = [(n, f[[c for c in OUTPUT_COLUMNS if c in f.columns]]) for n, f in parts]
    if len(parts) == 1:  # one LAIT extract: no copy of its 641k rows
        return _empty_cohorts(parts[0][1].reset_index(drop=True), cat)
    out = pd.concat([f.assign(_n=n) for n, f in parts], ignore_index=True)
    if len({n for n, _ in parts}) > 1:  # the first source holding an indicator-LA-year wins
        key = ["indicator", "la_code", "year"]
        first = out.groupby(key, dropna=False, sort=False)["_n"].transform("min")
        out = out[out["_n"] == first]
    return _empty_cohorts(out.drop(columns="_n").reset_index(drop=True), cat)


def _empty_cohorts(panel: pd.DataFrame, catalogue) -> pd.DataFrame:
    """`panel` with the figures of empty cohorts blanked (status 'z', not applicable, as EES
    writes them): LAIT writes 0 where an authority had no child looked after (Isles of
    Scilly, 2016-2019) for every figure about children looked after, and 0% NEET beside 0%
    EET where it had no care leaver of those ages; ranked, each 0 was a best or worst
    figure. Rates per 10,000 and counts stay: 0 is their true value."""
    if "level" not in panel.columns or "status" not in panel.columns:
        return panel
    la = panel["level"].eq("Local authority").to_numpy()
    value = panel["value"].to_numpy(dtype="float64", na_value=np.nan)
    keys = panel["la_code"].astype(str) + "|" + panel["year"].astype(str)
    blank = np.zeros(len(panel), dtype=bool)
    names = {i.id: i.benchmark.lait for i in catalogue if i.benchmark and i.benchmark.lait}
    size = names.get("cla_count")
    if size is not None:
        none = set(keys[la & panel["indicator"].eq(size).to_numpy() & (value == 0)])
        about = {
            names[i.id]
            for i in catalogue
            if i.id in names and "episodes" in i.tables and i.unit not in ("count", "rate_per_10k")
        }
        blank |= la & panel["indicator"].isin(about).to_numpy() & keys.isin(none).to_numpy()
    cohorts: dict[str, dict[str, str]] = {}  # care leavers' figures of one age range
    for i in catalogue:
        if i.id in names and i.cohort is not None:
            cohorts.setdefault(i.cohort, {})[str(i.params["outcome"])] = names[i.id]
    for parts in cohorts.values():
        if not {"neet", "eet"} <= set(parts):
            continue
        zero = [
            set(keys[la & panel["indicator"].eq(parts[o]).to_numpy() & (value == 0)])
            for o in ("neet", "eet")
        ]
        empty = zero[0] & zero[1]
        if empty:
            group = panel["indicator"].isin(list(parts.values())).to_numpy()
            blank |= la & group & keys.isin(empty).to_numpy()
    if not blank.any():
        return panel
    out = panel.copy()
    out.loc[blank, "value"] = np.nan
    out.loc[blank, "status"] = "z"
    return out


def _mapped_series(frame: pd.DataFrame, catalogue, file_name: str | None) -> list[pd.DataFrame]:
    """The catalogue's EES series found in a loaded EES frame, renamed to their LAIT name
    (else the indicator id). A file named as the mapping says must hold its series."""
    if "measure" not in frame.columns:
        return []  # not an EES file
    measures = set(pd.unique(frame["measure"]))
    out = []
    for ind in catalogue:
        ees = ind.benchmark.ees if ind.benchmark is not None else None
        if ees is None:
            continue
        named = file_name is not None and file_name == ees.file
        fits = ees.value_column in measures and set(ees.filter) <= set(frame.columns)
        if not (fits or named):
            continue
        try:
            out.append(
                ees_series(frame, ees.filter, ees.value_column, ind.benchmark.lait or ind.id)
            )
        except KeyError as exc:
            if named:  # said, not silently dropped; the file's other series still load
                warnings.warn(
                    f"{file_name}: no figures for {ind.id!r}: the catalogue's benchmark.ees "
                    f"mapping does not fit this file ({str(exc).strip(chr(34))}). Check the "
                    "file is DfE's, or correct the mapping in the catalogue.",
                    BenchmarkMappingWarning,
                    stacklevel=3,
                )
    return out


def _lait_files(folder: Path) -> list[Path]:
    """The LAIT long extracts in `folder` (Parquet or CSV whose header is LAIT's), by name."""
    found = []
    for path in sorted(folder.iterdir()):
        suffix = path.suffix.lower()
        if path.name.startswith((".", "~$")) or suffix not in (".parquet", ".csv"):
            continue
        try:
            if suffix == ".parquet":
                names = pq.read_schema(path).names
            else:
                with path.open(encoding="utf-8-sig", errors="replace") as fh:
                    names = [c.strip().strip('"') for c in fh.readline().split(",")]
        except (OSError, pa.ArrowInvalid):
            continue  # not a table this loader reads; the EES search names what it wants
        if set(LAIT_COLUMNS) <= set(names):
            found.append(path)
    return found


def _folder_series(
    folder: Path, catalogue, la_lookup: object, required: bool = True
) -> list[pd.DataFrame]:
    """The catalogue's EES series from the files of one folder (each file read once); none
    is an error when `required` (the folder holds no LAIT extract either)."""
    files = dict.fromkeys(
        ind.benchmark.ees.file
        for ind in catalogue
        if ind.benchmark is not None and ind.benchmark.ees is not None
    )
    out = []
    for name in files:
        path = folder / name
        if path.exists():
            out.extend(_mapped_series(load_benchmarks(path, la_lookup=la_lookup), catalogue, name))
    if not out and required:
        raise FileNotFoundError(
            f"{folder}: none of the catalogue's EES files ({', '.join(files)}) and no LAIT long "
            "extract (bds_long_0.parquet) is in this folder."
        )
    return out


def catalogue_benchmarks(
    folders: str | Path | list[str | Path],
    catalogue: object = None,
    la_lookup: object = None,
) -> pd.DataFrame:
    """A benchmarks frame built from EES files with the catalogue's ``benchmark.ees`` maps:
    `benchmark_panel` of folders (e.g. the current release and an older vintage; the first
    folder wins where both hold an LA-year)."""
    dirs = folders if isinstance(folders, list) else [folders]
    return benchmark_panel([Path(d) for d in dirs], catalogue=catalogue, la_lookup=la_lookup)
