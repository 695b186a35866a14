"""Coercing: every known column to the dtype contract (identifiers and codes `str`, dates
`datetime64[ns]`, numbers `float64`, ACADEMIC_YEAR '2024/25'), vectorised, with each cell that
cannot be read reported (and left blank).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import threads
from ..compact import codes_of
from ..periods import DATE_DTYPE, DAY_NS
from ..tables import TABLES
from .columns import END_DATE_COLUMNS, canonical, column_kind
from .keys import BIG, Distinct
from .read import RawTable
from .repeated import merge_repeated
from .report import issues

DATE_HINT = (
    "Write dates as dd/mm/YYYY (e.g. 01/04/2024) or YYYY-MM-DD, with the year in full "
    "(a two-digit year is read only where its century is certain); a time after the date "
    "(13:45, 12:00:00 AM) is left out."
)
MONTH_FIRST_HINT = (
    "Dates are read day first (UK); in this column some can only be month first (a second "
    "number over 12) and none only day first, so every date in it is read month first. "
    "Check a few; export dates as dd/mm/YYYY or YYYY-MM-DD to be sure."
)
YEAR_HINT = (
    "Write YEAR as the collection year's end (2025 for 2024-25), or as 2024-25 or 202425; "
    "leave the column out of a yearly return and the return's year is used."
)

# a time after a date, with a UTC mark or an offset (2024-04-01T00:00:00Z), or on a 12-hour
# clock (28/07/2003 12:00:00 AM, as .NET, SSRS and Access export dates): the date as written
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[AaPp]\.?[Mm]\.?)?"
_TIME_SUFFIX = rf"[T ]{_CLOCK}(?:Z|[+-]\d{{2}}(?::?\d{{2}})?)?$"
_EARLIEST, _LATEST = pd.Timestamp("1900-01-01"), pd.Timestamp("2100-12-31")
_SQL_ZERO_DATE = pd.Timestamp("1900-01-01")  # what SQL Server writes for a date left empty

# what SQL and Excel exports write for an empty cell; read as blank in every column (no DfE
# code is one of them; 'NA' is left alone: it could be a value)
NULL_TOKENS = ("NULL", "null", "Null", "N/A", "n/a", "#N/A", "None", "NONE", "none", "-")
_NULL_TOKENS_PA = pa.array(NULL_TOKENS)
_LONGEST_TOKEN = max(len(t) for t in NULL_TOKENS)
NULL_HINT = (
    "Blank means unknown (an end date: still open); export empty cells as blank, not as a "
    "word or '-'."
)
# a far-future end date (31/12/9999, 9999-12-31): the placeholder some systems write for open
_FAR_FUTURE = (
    r"^(?:(?P<iso>\d{4})-\d{1,2}-\d{1,2}|\d{1,2}[-/. ]\d{1,2}[-/. ](?P<dmy>\d{4}))"
    rf"(?:[T ]{_CLOCK})?$"
)
FAR_FUTURE_HINT = (
    "Leave the end date blank while it is open; a date after 2100, 01/01/1900, or a word "
    "such as 'Open' or 'Ongoing', is taken as a placeholder for 'still open'."
)
# 1,234 and 1,234,567.5: a comma between groups of three digits only
_THOUSANDS = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$"
FRACTION_COLUMNS = ("FTE",)  # numbers whose whole is 1: '80%' is 0.8
_DECIMAL_COMMA = r"[+-]?\d*,\d+"  # 2,5 and ,5: a decimal comma and no thousands


def _blank_to_nan(text: pd.Series) -> pd.Series:
    text = text.str.strip()
    blank = text == ""
    return text.where(~blank) if blank.any() else text


def _as_text(s: pd.Series, numeric_ids: bool = True) -> pd.Series:
    """`str` dtype, stripped, NaN when blank; 1234.0 (a number read by Excel) -> '1234'."""
    if pd.api.types.is_bool_dtype(s):
        s = s.astype(object)
    if pd.api.types.is_float_dtype(s):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(vals) & (np.round(vals) == vals) & (np.abs(vals) < 1e15)
        out = s.astype("str")
        if whole.any():
            out[whole] = vals[whole].astype(np.int64).astype(str)
        return out.where(s.notna())
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        return s.astype("str").where(s.notna())
    if s.dtype == object:
        others = s.map(lambda v: not isinstance(v, str) and v is not None and v == v)
        if others.any():
            s = s.copy()
            s[others] = _scalars_as_text(s[others])
    out = _blank_to_nan(s.astype("str"))
    if numeric_ids and out.str.contains(".", regex=False).any():
        out = out.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    return out


def _scalars_as_text(s: pd.Series) -> pd.Series:
    """Text of the non-string cells of an object column (Excel numbers, dates)."""
    typed = pd.Series(list(s), index=s.index)
    if typed.dtype != object and not pd.api.types.is_bool_dtype(typed):
        return _as_text(typed)
    return s.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))


def _date_column(s: pd.Series) -> tuple[pd.Series, pd.Series, str | None]:
    """(datetime64[ns] series, mask of values that are not dates, the value that showed the
    text written month first (None: read day first)); see `read_dates` for the forms read
    from text and `month_first` for when a column is read month first."""
    if isinstance(s.dtype, pd.ArrowDtype) and pd.api.types.is_datetime64_any_dtype(s):
        s = pd.Series(pd.to_datetime(s.astype(object)), index=s.index)  # Arrow date32/timestamp
    if pd.api.types.is_datetime64_any_dtype(s):
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
        out = s.astype(DATE_DTYPE)
        if _has_time_of_day(out.to_numpy()):
            out = out.dt.normalize()  # Excel or Parquet datetimes with a time of day
        return out, pd.Series(False, index=s.index), None
    if s.dtype == object:
        stamps = s.map(lambda v: isinstance(v, dt.date | pd.Timestamp | np.datetime64))
        if stamps.any():
            s = s.copy()
            s[stamps] = pd.to_datetime(s[stamps]).dt.strftime("%Y-%m-%d")
    found = _distinct_values(s)
    if found is not None:  # a few thousand distinct dates over millions of rows: read each once
        codes, distinct = found
        dates, bad, shown = _date_column(distinct)
        flags = np.append(bad.to_numpy(dtype=bool), False)[codes]
        return _spread(dates, codes, s.index), pd.Series(flags, index=s.index), shown
    text = _as_text(s, numeric_ids=False)
    dates = read_dates(text)
    bad = text.notna() & (dates.isna() | (dates < _EARLIEST) | (dates > _LATEST))
    shown = month_first(text) if bad.any() else None  # a clean column is not looked at again
    if shown is not None:
        dates = read_dates(text, month_first=True)
        bad = text.notna() & (dates.isna() | (dates < _EARLIEST) | (dates > _LATEST))
    return dates.where(~bad).astype(DATE_DTYPE), bad, shown


def _has_time_of_day(values: np.ndarray, step: int = 1 << 18) -> bool:
    """True when some datetime64[ns] value is not midnight (blank values are not looked at);
    a block at a time, so that no temporary is as long as the column."""
    ns = values.view("int64")
    blank = np.iinfo("int64").min  # NaT
    whole = np.empty(min(step, len(ns)), dtype="int64")
    for start in range(0, len(ns), step):
        part = ns[start : start + step]
        days = whole[: len(part)]
        np.floor_divide(part, DAY_NS, out=days)  # a division by a constant: cheaper than %
        days *= DAY_NS
        off = days != part
        if off.any() and (off & (part != blank)).any():
            return True
    return False


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = r"^(\d{1,2})[-/. ]([A-Za-z]{3,9}|\d{1,2})[-/. ](\d{4}|\d{2})$"
# year first is always year, month, day: 2024/05/14, 2024.05.14, 2024-5-14
_YEAR_MONTH_DAY = r"^((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})$"
# an all-number date (10/20/1997, 1-5-98 13:00): the two numbers before the year
_NUMERIC_DATE = r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](?:\d{4}|\d{2})(?:[T ]\d{1,2}:\d{2}(?::[\d.]+)?)?$"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (its 1900 leap-year bug included)
SERIAL_FIRST = 29221  # serial numbers are read from 01/01/1980 on
TWO_DIGIT_FIRST = 1980  # two-digit years 80-99 are 1980-1999
TWO_DIGIT_AHEAD = 20  # ... and 00 up to this many years after the current year are 2000s


def two_digit_year(yy: pd.Series, today: dt.date | None = None) -> pd.Series:
    """The full year of two-digit years, only where the century is certain: one of 19yy and
    20yy alone lies between 1980 and 20 years after the current year (in 2026: 80-99 are
    1980-1999, 00-46 are 2000-2046, 47-79 are refused: NaN). Dates in these returns (births
    of care leavers, episodes, referrals, a UASC status ending at 18) fall in that span."""
    last = (today or dt.date.today()).year + TWO_DIGIT_AHEAD
    old, new = yy + 1900, yy + 2000
    old_ok = (old >= TWO_DIGIT_FIRST) & (old <= last)
    new_ok = (new >= TWO_DIGIT_FIRST) & (new <= last)
    return old.where(old_ok & ~new_ok, new.where(new_ok & ~old_ok))


def month_first(text: pd.Series) -> str | None:
    """The first value showing that a column of text dates is written month first (US order,
    10/20/1997), or None. A column is read month first only when the evidence is one-sided:
    among its all-number dates (10/20/1997, 1-5-98), some have a second number that can only
    be a day (13 to 31) and none has a first number over 12. Then its dates with both numbers
    up to 12 (05/04/1997) are month first too: read day first, they would be silently wrong.
    A column with both kinds (20/10/1997 and 10/20/1997) stays day first, the impossible
    dates reported. Looks at each distinct value once."""
    distinct = pd.Series(text.dropna().unique(), dtype=object)
    parts = distinct.str.extract(_NUMERIC_DATE)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    if (first > 12).any():
        return None
    shows = ((second > 12) & (second <= 31) & (first >= 1)).to_numpy(dtype=bool)
    return str(distinct[shows].iloc[0]) if shows.any() else None


def read_dates(text: pd.Series, month_first: bool = False) -> pd.Series:
    """Dates as councils write them: ISO (2024-04-01, with or without a time), dd/mm/YYYY and
    d/m/YYYY, dd-mm-YYYY, dd.mm.YYYY, dd-Mon-YYYY and dd Month YYYY, YYYYMMDD, Excel serial
    numbers from 01/01/1980 (29221) on (45383 = 01/04/2024), year first with slashes or dots
    (2024/04/01, as some case-management systems export), and two-digit years where the
    century is certain (`two_digit_year`). Day before month (UK); `month_first` (a column
    `month_first` found written 10/20/1997) reads the all-number forms month first. NaT where
    none fits. The two usual forms are tried first, the one the first date is written in
    first."""
    if text.str.contains(":", regex=False).any():
        text = text.str.replace(_TIME_SUFFIX, "", regex=True)
    filled = text.dropna()
    first = filled.iloc[0] if len(filled) else ""
    usual = ["%Y-%m-%d", "%m/%d/%Y" if month_first else "%d/%m/%Y"]
    if not (len(first) >= 5 and first[:4].isdigit() and first[4] == "-"):
        usual.reverse()
    out = pd.to_datetime(text, format=usual[0], errors="coerce")
    need = out.isna() & text.notna()
    if not need.any():
        return out
    out = out.copy()
    out[need] = pd.to_datetime(text[need], format=usual[1], errors="coerce")
    need = out.isna() & text.notna()
    if not need.any():
        return out
    rest = text[need]
    parts = rest.str.extract(_DAY_MONTH_YEAR)
    matched = parts[0].notna()
    if matched.any():
        p = parts.loc[matched]
        month = pd.to_numeric(p[1], errors="coerce")
        named = month.isna()
        if named.any():
            month = month.where(~named, p[1].str.lower().map(_MONTHS))
        day = pd.to_numeric(p[0])
        if month_first:  # 10-20-1997: the numbers swap; 20-Oct-1997 stays day first
            day, month = day.where(named, month), month.where(named, day)
        year = pd.to_numeric(p[2], errors="coerce")
        short = p[2].str.len() == 2
        if short.any():
            year = year.where(~short, two_digit_year(year))
        ymd = pd.DataFrame({"year": year, "month": month, "day": day})
        out[p.index] = pd.to_datetime(ymd, errors="coerce")
    left = rest.loc[~matched]
    year_first = left.str.extract(_YEAR_MONTH_DAY)
    found = year_first[0].notna()
    if found.any():
        ymd = year_first.loc[found].astype("int64").set_axis(["year", "month", "day"], axis=1)
        out[ymd.index] = pd.to_datetime(ymd, errors="coerce")
        left = left.loc[~found]
    compact = left.str.fullmatch(r"(19|20)\d{6}")
    if compact.any():
        out[left.index[compact]] = pd.to_datetime(left[compact], format="%Y%m%d", errors="coerce")
    serial = left.str.fullmatch(r"\d{5}(\.\d+)?") & ~compact
    if serial.any():
        days = np.floor(pd.to_numeric(left[serial])).astype("int64")
        days = days.where(days >= SERIAL_FIRST)  # '2024' is a year, not 16/07/1905
        out[left.index[serial]] = EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    return out


def _as_number(s: pd.Series, fraction: bool = False) -> tuple[pd.Series, pd.Series]:
    """(float64 series, mask of values that are not numbers). `fraction`: a column whose
    whole is 1 (FTE), where '80%' is 0.8; elsewhere a '%' is dropped (PCT_EM94 '45%': 45)."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype("float64"), pd.Series(False, index=s.index)
    found = _distinct_values(s)
    if found is not None:  # distances, FTEs ...: each distinct text read once
        codes, distinct = found
        numbers, bad = _as_number(distinct, fraction)
        spread = np.append(numbers.to_numpy(dtype="float64"), np.nan)[codes]
        flags = np.append(bad.to_numpy(dtype=bool), False)[codes]
        return pd.Series(spread, index=s.index), pd.Series(flags, index=s.index)
    text = _as_text(s, numeric_ids=False)
    cleaned, percent = text, None
    if text.str.contains(r"[,%\s]", regex=True).any():
        # '1,234' is a thousand; '0,8' (a decimal comma) is not a number
        grouped = text.str.match(_THOUSANDS, na=False)
        cleaned = text.where(grouped | ~text.str.contains(",", regex=False, na=False), "x")
        cleaned = cleaned.str.replace(r"[,\s]", "", regex=True)
        percent = cleaned.str.endswith("%", na=False)
        cleaned = cleaned.str.removesuffix("%")
    out = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    if fraction and percent is not None and percent.any():
        out = out.where(~percent, out / 100)
    return out, text.notna() & out.isna()


FEW_ROWS = 1_000  # below this, reading each row is as cheap as finding the distinct values
# columns of codes (and the LA) read as codes are held compact (`scorecard.compact`) in
# tables of more rows than this, when they have at most this many distinct values (as many
# as the checks look at once per value: `validate.FEW_VALUES`)
COMPACT_ROWS = BIG
COMPACT_VALUES = 1_000


def _distinct_values(s: pd.Series) -> tuple[np.ndarray, pd.Series] | None:
    """(codes, distinct values) of a typed column with many repeats (LA, codes, years), so
    that cell-by-cell rules run once per distinct value; None when that would not pay off or
    an object column could merge values that read differently (1 and True)."""
    if s.dtype == object or len(s) < FEW_ROWS:
        return None
    if pd.Series(s.array[:10_000]).nunique(dropna=False) > 5_000:
        return None  # mostly distinct (child ids): not worth factorizing every row
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) * 4 > len(s):
        return None
    return codes, pd.Series(uniques, dtype=s.dtype)


def _spread(values: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-distinct-value results back onto every row (code -1, a blank cell, gives blank)."""
    return pd.Series(values.array.take(codes, allow_fill=True), index=index)


_ARROW_STR = pd.StringDtype("pyarrow", na_value=np.nan)


_TEXT_BLOCK = 1 << 18  # cells of a text column checked at once


def _blocks(arr: pa.ChunkedArray | pa.Array) -> Iterator[pa.Array]:
    """The cells of a text column a block at a time (slices: no copy). A check over millions
    of cells at once made arrays as long as the column (their lengths: 50 MB for 6 million
    referrals; postcodes trimmed and upper-cased: 84 MB for 1.4 million episodes), fresh
    memory that this machine is slow to hand over; a block's are reused by the next."""
    for chunk in arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]:
        for lo in range(0, len(chunk), _TEXT_BLOCK):
            yield chunk.slice(lo, _TEXT_BLOCK)


def _already_clean(s: pd.Series, numeric_ids: bool, upper: bool) -> bool:
    """True when `_as_text` (and upper-casing) would return `s` unchanged: an Arrow-backed
    `str` column (typed Parquet) with no blank cell, nothing to strip, nothing to upper-case
    and, for identifiers, no '.' that could be an Excel '1234.0'. Checked a block of cells
    at a time, from their bytes where those tell it, else with the pyarrow kernels pandas'
    `.str.strip()` / `.str.upper()` use, so clean columns skip the rewrite (the usual case
    for Parquet written by a tool)."""
    if s.dtype != _ARROW_STR or not isinstance(s.array, pd.arrays.ArrowStringArray):
        return False
    arr = s.array._pa_array
    if arr.null_count == len(arr):
        return False  # nothing to gain; keep the general path
    if not upper and pc.all(pc.ascii_is_alnum(arr)).as_py():
        return True  # letters and digits only (no blank, space or '.'): one cheap pass
    for piece in _blocks(arr):  # (a block of blanks alone has no cell that differs)
        told = _clean_by_bytes(piece, upper, numeric_ids)
        if not (_clean_by_kernels(piece, upper, numeric_ids) if told is None else told):
            return False
    return True


def _clean_by_kernels(piece: pa.Array, upper: bool, numeric_ids: bool) -> bool:
    """`_already_clean` of a block of cells, asked of the kernels pandas uses: no blank cell,
    no '.' in an identifier, none changed by stripping (and upper-casing)."""
    if pc.any(pc.equal(piece, "")).as_py():
        return False
    if numeric_ids and pc.any(pc.match_substring(piece, ".")).as_py():
        return False
    clean = pc.utf8_trim_whitespace(piece)
    if upper:
        clean = pc.utf8_upper(clean)
    return pc.all(pc.equal(clean, piece)).as_py() is not False


@functools.cache
def _ascii_spaces() -> np.ndarray:
    """The ASCII bytes pandas' `.str.strip()` (Arrow's `utf8_trim_whitespace`) strips,
    asked of the kernel itself, so that the byte check below agrees with it."""
    chars = pa.array([chr(b) for b in range(128)], pa.large_string())
    return np.flatnonzero(pc.equal(pc.utf8_trim_whitespace(chars), "").to_numpy(False))


def _has_space(edge: np.ndarray) -> bool:
    """Whether any of the (ASCII) bytes `edge` is one `_ascii_spaces` names: each at or
    below the highest of them is looked up (a postcode's letters and digits are above)."""
    spaces = _ascii_spaces()
    low = edge[edge <= spaces[-1]]
    return bool(len(low)) and bool(np.isin(low, spaces).any())


def _clean_by_bytes(piece: pa.Array, upper: bool, numeric_ids: bool) -> bool | None:
    """`_clean_by_kernels`' answer read from the block's bytes where they tell it: a blank
    cell (no bytes), a cell's first and last bytes (an ASCII space there is stripped) and,
    with `upper`, every byte (an ASCII 'a'-'z' is upper-cased), with `numeric_ids` every
    byte too (a '.'). None where they cannot: a cell beginning or ending in a character
    beyond ASCII, or with `upper` any such byte. Postcodes hold spaces, so they miss the
    one-pass letters-and-digits test; asking the kernels took ~0.1 s for each of the 1.4
    million episodes' two postcode columns. False may also mean unsure (a byte of a blank
    cell's slot): the caller then rewrites the column, as when the kernels say False."""
    if not (pa.types.is_large_string(piece.type) or pa.types.is_string(piece.type)):
        return None
    _, offsets_buf, data_buf = piece.buffers()
    if offsets_buf is None or data_buf is None or len(piece) == 0:
        return None
    wide = np.int64 if pa.types.is_large_string(piece.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=wide)[piece.offset : piece.offset + len(piece) + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    if piece.null_count:
        valid = piece.is_valid().to_numpy(zero_copy_only=False)
        starts, ends = starts[valid], ends[valid]
        if not len(starts):
            return True  # blanks alone: no cell that differs
    if (ends <= starts).any():
        return False  # a blank cell: `_already_clean` says so (and rewrites)
    first, last = data[starts], data[ends - 1]
    if max(int(first.max()), int(last.max())) >= 128:
        return None
    if _has_space(first) or _has_space(last):
        return False
    body = data[offsets[0] : offsets[-1]]
    if upper:
        top = int(body.max())  # 'a'-'z' are 97-122: none below 'a' (postcodes: 'Z' and under)
        if top >= 128:
            return None
        if top >= ord("a") and ((body - np.uint8(ord("a"))) < 26).any():
            return False
    return not (numeric_ids and (body == ord(".")).any())


def _coded(s: pd.Series) -> tuple[np.ndarray, pd.Series] | None:
    """(codes, distinct values) of a column held as codes into values: a pandas categorical,
    or an Arrow dictionary column (Parquet's columns of codes are read so), whose chunks each
    have a dictionary (a row group's chunks share one); None for any other column."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return codes_of(s), pd.Series(s.cat.categories)
    if not (isinstance(s.dtype, pd.ArrowDtype) and pa.types.is_dictionary(s.dtype.pyarrow_dtype)):
        return None
    chunks = s.array._pa_array.chunks
    dictionaries: dict[tuple[int, ...], int] = {}  # each distinct dictionary once
    which = [dictionaries.setdefault(_identity(c.dictionary), len(dictionaries)) for c in chunks]
    firsts = {k: c.dictionary for k, c in zip(which, chunks, strict=True)}
    every = pa.chunked_array(
        [firsts[k] for k in range(len(firsts))], s.dtype.pyarrow_dtype.value_type
    )
    first, values = pd.factorize(pd.Series(pd.arrays.ArrowExtensionArray(every)))
    codes = np.empty(len(s), dtype=np.min_scalar_type(-len(values) - 1))
    bounds = np.cumsum([0] + [len(firsts[k]) for k in range(len(firsts))])
    remaps = [np.append(first[a:b], -1).astype(codes.dtype) for a, b in itertools.pairwise(bounds)]
    # a dictionary in the order its values are first met (the first row group's) is its
    # own remap: its indices are the codes, copied without a lookup (a tenth of the time)
    same = [bool((r[:-1] == np.arange(len(r) - 1)).all()) for r in remaps]
    start = 0
    for c, k in zip(chunks, which, strict=True):  # indices -> positions in `values`
        indices = pc.fill_null(c.indices, -1) if c.null_count else c.indices  # null: blank
        part = codes[start : start + len(c)]
        if same[k]:
            part[:] = indices.to_numpy(zero_copy_only=False)
        else:  # -1 (blank) wraps to the remap's last entry, -1
            np.take(remaps[k], indices.to_numpy(zero_copy_only=False), out=part, mode="wrap")
        start += len(c)
    return codes, pd.Series(values)


def _identity(array: pa.Array) -> tuple[int, ...]:
    """Where an Arrow array's data lives (equal for slices of one dictionary)."""
    return (array.offset, len(array), *(b.address if b else 0 for b in array.buffers()))


def _coded_as_text(
    s: pd.Series, numeric_ids: bool, upper: bool, compact: bool = False
) -> tuple[pd.Series, Distinct, dict[str, int]] | None:
    """A column of text held as codes (`_coded`): `_as_text` of each distinct value, spread to
    the rows (`compact`: held as codes, when they are few; see `scorecard.compact`), the
    column as codes into its distinct values (for the checks), and the cells written as a
    NULL token (read as blank) counted by token."""
    found = _coded(s)
    if found is None or not pd.api.types.is_string_dtype(found[1]):
        return None  # numbers, dates ...: the general path reads them
    codes, values = found
    values = values.reset_index(drop=True)
    text = _as_text(values, numeric_ids)
    nulls: dict[str, int] = {}
    token = values.isin(NULL_TOKENS).to_numpy(dtype=bool)
    if token.any():  # counted over the rows only when a token is there
        per_value = np.bincount(codes[codes >= 0].astype(np.int64), minlength=len(values))
        nulls = {str(values[i]): int(per_value[i]) for i in np.flatnonzero(token) if per_value[i]}
        text = text.where(~token)
    if upper:
        text = text.str.upper()
    # unchanged text stays distinct and never blank: nothing to merge (a blank is a change;
    # Arrow-backed text compares a blank as unknown, counted here as unequal)
    unchanged = bool((text == values).fillna(False).all())
    distinct = Distinct(codes, text) if unchanged else Distinct.merged(codes, text)
    if compact and len(distinct.values) <= COMPACT_VALUES:
        return distinct.held(s.index), distinct, nulls
    return distinct.dense(s.index), distinct, nulls


def _null_tokens(s: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """`s` with the cells written as a NULL token ('NULL', 'N/A', '-' ...) blank, and how many
    there were of each token. Text columns only; Arrow-backed text (CSV, Parquet) is screened
    with Arrow kernels: no token when no cell is as short as the longest token."""
    array = s.array
    if isinstance(array, pd.arrays.ArrowStringArray) or (
        isinstance(s.dtype, pd.ArrowDtype) and pa.types.is_string(s.dtype.pyarrow_dtype)
    ):
        arr = array._pa_array
        if arr.null_count == len(arr):
            return s, {}
        if not _has_short_cell(arr, _LONGEST_TOKEN):
            return s, {}
        hit = pc.is_in(arr, value_set=_NULL_TOKENS_PA)
        if not pc.any(hit).as_py():
            return s, {}
        mask = hit.to_numpy(zero_copy_only=False)
    elif s.dtype == object:
        mask = s.isin(NULL_TOKENS).to_numpy(dtype=bool)
        if not mask.any():
            return s, {}
    else:
        return s, {}
    counts = s[mask].astype(str).value_counts()
    return s.where(~mask), {str(k): int(v) for k, v in counts.items()}


def _has_short_cell(arr: pa.ChunkedArray | pa.Array, most: int) -> bool:
    """True when some non-blank cell of `arr` is at most `most` bytes long (`_blocks`)."""
    for piece in _blocks(arr):
        shortest = pc.min(pc.binary_length(piece)).as_py()
        if shortest is not None and shortest <= most:
            return True
    return False


EXCEL_TEXT_HINT = "Nothing to do: the text inside the quotes is read, leading zeros kept."
_EXCEL_TEXT = r'^="(.*)"$'  # ="001234": a formula giving text, so Excel keeps the zeros


def _excel_text(s: pd.Series) -> tuple[pd.Series, int]:
    """`s` with cells written ="..." read as the text inside, and how many there were; a
    column with no cell starting '=' is passed in one scan."""
    array = s.array
    if isinstance(array, pd.arrays.ArrowStringArray):
        if not pc.any(pc.starts_with(array._pa_array, "=")).as_py():
            return s, 0
    elif s.dtype == object:
        if not s.map(lambda v: isinstance(v, str) and v.startswith("=")).any():
            return s, 0
    else:
        return s, 0
    text = s.astype("str")
    inside = text.str.extract(_EXCEL_TEXT, expand=False)
    wrapped = inside.notna() & s.notna()
    n = int(wrapped.sum())
    return (s.where(~wrapped, inside) if n else s), n


FORMULA_RULE = "a formula with no value saved in the file"
FORMULA_HINT = (
    "The file holds the formula, not its value: a workbook written by a program that does "
    "not calculate formulas, or saved with calculation off. Open it in Excel and save it, or "
    "paste the values in place of the formulas."
)


def _formulas(raw: RawTable, col: str, s: pd.Series) -> tuple[pd.Series, list[pd.DataFrame]]:
    """`s` with cells that hold a formula Excel never calculated ('=DATE(2024,4,1)': read as
    its text, ="..." aside) blanked, and an error naming each: a cell whose value is not in
    the file, not one left blank."""
    if s.dtype != object:  # only a workbook's uncalculated cells are written '=...' as text
        return s, []
    formula = s.map(lambda v: isinstance(v, str) and v.startswith("=")).to_numpy(dtype=bool)
    if not formula.any():
        return s, []
    pos = np.flatnonzero(formula)
    severity = "error" if raw.table in TABLES else "warning"
    found = issues(
        severity,
        raw.table,
        raw.file,
        raw.rows[pos],
        col,
        s.iloc[pos],
        FORMULA_RULE,
        FORMULA_HINT,
        pos=pos,
    )
    return s.where(~formula), [found]


# a code followed by its description, as case-management reports export them:
# 'U4 - Foster placement with other foster carer', 'C2 - Full care order', 'E13: Left care'
_DESCRIBED = "^\\s*([A-Za-z0-9]{1,6})(?:\\s+[-–:]\\s*|\\s*[-–:]\\s+)\\S"
DESCRIBED_HINT = "Nothing to do: the code before the description is read."


def _without_descriptions(s: pd.Series) -> tuple[pd.Series, tuple[int, str, str] | None]:
    """A code column with each cell written as a code and its description ('U4 - Foster
    placement ...') read as the code, and (how many, an example as written, its code); a
    column with none is passed in one scan."""
    array = getattr(s.array, "_pa_array", None)
    if array is not None and (
        pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
    ):
        if not pc.any(pc.match_substring_regex(array, _DESCRIBED)).as_py():
            return s, None
    elif s.dtype == object:
        if not s.map(lambda v: isinstance(v, str) and re.match(_DESCRIBED, v) is not None).any():
            return s, None
    else:
        return s, None
    code = s.astype("str").str.extract(_DESCRIBED, expand=False)
    described = code.notna() & s.notna()
    first = int(np.flatnonzero(described.to_numpy())[0])
    example = (str(s.iloc[first]), str(code.iloc[first]))
    return s.where(~described, code), (int(described.sum()), *example)


def _described_note(raw: RawTable, col: str, n: int, written: str, code: str) -> pd.DataFrame:
    """One note for a column's codes written with their descriptions."""
    shown = written if len(written) <= 40 else written[:37] + "..."
    rule = f"{n:,} {'cell' if n == 1 else 'cells'} written as a code and its description ({shown!r}) read as the code ({code!r})"
    return issues("note", raw.table, raw.file, [None], col, None, rule, DESCRIBED_HINT)


def _null_note(raw: RawTable, col: str, nulls: dict[str, int]) -> pd.DataFrame:
    """One note for a column's cells written as NULL tokens: how many, and as what."""
    total = sum(nulls.values())
    ranked = sorted(nulls.items(), key=lambda kv: -kv[1])
    if len(ranked) == 1:
        written = repr(ranked[0][0])
    else:
        written = ", ".join(f"{k!r} ({v:,})" for k, v in ranked)
    cells = "cell" if total == 1 else "cells"
    return _column_warning(
        raw, col, f"{total:,} {cells} written {written} read as blank", NULL_HINT, "note"
    )


def _column_warning(
    raw: RawTable, col: str, rule: str, hint: str, severity: str = "warning"
) -> pd.DataFrame:
    """One warning (or note) about a whole column of a file (no row: it says how many). A
    placeholder read for what it stands for (NULL as blank, 31/12/9999 as open) is a note:
    nothing in the figures is in doubt, so the card marks none of them; a reading that could
    be wrong (a column read month first) is a warning."""
    return issues(severity, raw.table, raw.file, [None], col, None, rule, hint)


def _far_future(s: pd.Series, bad: pd.Series) -> pd.Series | None:
    """The cells among `bad` (not read as dates) that are far-future dates (year after 2100:
    31/12/9999), as their text; None when there are none. Looks at each distinct value once."""
    pos = np.flatnonzero(bad.to_numpy(dtype=bool))
    text = _as_text(s.iloc[pos], numeric_ids=False)
    distinct = pd.Series(text.dropna().unique(), dtype=object)
    parts = distinct.str.extract(_FAR_FUTURE)
    year = pd.to_numeric(parts["iso"].fillna(parts["dmy"]), errors="coerce")
    far = distinct[(year > _LATEST.year).to_numpy()]
    if far.empty:
        return None
    return text[text.isin(far.tolist())]


# words a case-management system writes for an end date not reached (compared in lower case)
OPEN_WORDS = frozenset({"open", "ongoing", "on-going", "current", "not ended", "still open"})
FAR_FUTURE_SAID = "a far-future placeholder"
OPEN_SAID = "a word for not ended"


def _open_words(s: pd.Series, bad: pd.Series) -> pd.Series | None:
    """The cells among `bad` (not read as dates) written as a word for an end not reached
    ('Open', 'Ongoing', 'Current', 'Not ended'), as their text; None when there are none."""
    text = _as_text(s.iloc[np.flatnonzero(bad.to_numpy(dtype=bool))], numeric_ids=False)
    words = text.str.strip().str.lower().isin(OPEN_WORDS)
    return text[words] if words.any() else None


def _still_open_note(
    raw: RawTable, col: str, far: pd.Series, said: str = FAR_FUTURE_SAID
) -> pd.DataFrame:
    """One note for an end-date column's placeholders for 'still open' read as blank."""
    counts = far.value_counts()
    written = ", ".join(repr(str(v)) for v in counts.index[:3])
    written += " ..." if len(counts) > 3 else ""
    n = len(far)
    cells = "end date" if n == 1 else "end dates"
    rule = f"{n:,} {cells} written {written} ({said}) read as blank: still open"
    return _column_warning(raw, col, rule, FAR_FUTURE_HINT, "note")


DECIMAL_COMMA_HINT = (
    "Excel writes ';' between fields where the comma is the decimal mark, so its commas are "
    "read as decimal points; save as CSV (comma delimited) with a decimal point to be sure."
)


COMMA_IN_CSV_HINT = (
    "A decimal comma? Write a decimal point (0.8, not 0,8); in a file separated by ';' "
    "decimal commas are read."
)


def _decimal_commas(s: pd.Series) -> tuple[pd.Series, int]:
    """A number column of a ';'-separated CSV with its decimal commas as points ('2,5' ->
    '2.5'), and how many there were."""
    if not (s.dtype == object or pd.api.types.is_string_dtype(s)):
        return s, 0
    text = s.str.strip()
    comma = text.str.fullmatch(_DECIMAL_COMMA, na=False)
    n = int(comma.sum())
    if not n:
        return s, 0
    return s.where(~comma, text.str.replace(",", ".", regex=False)), n


def _decimal_comma_note(raw: RawTable, col: str, n: int) -> pd.DataFrame:
    """One note for a column of a ';'-separated CSV whose decimal commas were read."""
    cells = "number" if n == 1 else "numbers"
    rule = f"{n:,} {cells} with a decimal comma read as decimals (a ';'-separated file)"
    return issues("note", raw.table, raw.file, [None], col, None, rule, DECIMAL_COMMA_HINT)


def _month_first_note(raw: RawTable, col: str, shown: str) -> pd.DataFrame:
    """One warning for a date column read month first (`month_first`): the value that showed
    it and the date it was read as."""
    day = read_dates(pd.Series([shown], dtype="str"), month_first=True).iloc[0]
    read_as = f"{day.day} {day:%B %Y}" if pd.notna(day) else "month first"
    # the rule names no date (a DOB would reach the scorecard's list of warnings): the
    # example is the report's value, and its reading the hint's start
    rule = "dates written month first; read month first"
    hint = f"{shown} is read as {read_as}. {MONTH_FIRST_HINT}"
    return issues("warning", raw.table, raw.file, [None], col, pd.Series([shown]), rule, hint)


def _number_hints(values: pd.Series, hint: str) -> pd.Series:
    """The hint per unreadable number: a decimal comma ('0,8') gets its own (one text for
    all, so a column of them is not told once per value)."""
    text = _as_text(values.reset_index(drop=True), numeric_ids=False).fillna("")
    comma = text.str.fullmatch(_DECIMAL_COMMA)
    out = pd.Series(hint, index=text.index, dtype=object)
    out[comma] = COMMA_IN_CSV_HINT
    return out


def _date_hints(values: pd.Series, hint: str) -> pd.Series:
    """The hint per unreadable date: a day the month does not have ('31/04/2024',
    '29/02/2025') is told so, not how to write a date it is already written as."""
    text = _as_text(values.reset_index(drop=True), numeric_ids=False).fillna("")
    out = pd.Series(hint, index=text.index, dtype=object)
    parts = text.str.strip().str.extract(_DAY_MONTH_YEAR)
    numbers = parts[parts[2].str.len() == 4].apply(pd.to_numeric, errors="coerce").dropna()
    numbers = numbers[(numbers[1] >= 1) & (numbers[1] <= 12) & (numbers[0] >= 1)]
    if numbers.empty:
        return out
    first = pd.to_datetime(
        pd.DataFrame({"year": numbers[2], "month": numbers[1], "day": 1}), errors="coerce"
    )
    days = first.dt.days_in_month
    over = numbers[0] > days
    for i in numbers.index[over.to_numpy()]:
        month = f"{first[i]:%B %Y}"
        out[i] = (
            f"There is no day {int(numbers.at[i, 0])} in {month}, which has {int(days[i])} "
            "days; check the date where the file is made."
        )
    return out


def _as_text_each(s: pd.Series, numeric_ids: bool = True, upper: bool = False) -> pd.Series:
    """`_as_text` (then upper-cased for codes), worked out once per distinct value."""
    if _already_clean(s, numeric_ids, upper):
        return pd.Series(s.array, index=s.index)
    found = _distinct_values(s)
    if found is None:
        text = _as_text(s, numeric_ids)
        return text.str.upper() if upper else text
    codes, distinct = found
    text = _as_text(distinct, numeric_ids)
    return _spread(text.str.upper() if upper else text, codes, s.index)


# an academic year with two-digit years: 24/25, 24-25 (the start's century by the rule for
# two-digit years in dates, `two_digit_year`: 24/25 is 2024/25, 99/00 1999/00)
_TWO_DIGIT_ACADEMIC_YEAR = r"^(\d{2})\s*[-/]\s*(\d{2})$"


def _as_academic_year(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """('2024/25' strings, mask of unreadable values); accepts 2024/25, 202425, 2024-2025,
    and 24/25 or 24-25 (the century as `two_digit_year` has it; said by
    `_two_digit_years_note`)."""
    found = _distinct_values(s)
    if found is not None:  # a handful of years over many pupils: read each once
        codes, distinct = found
        years, bad = _as_academic_year(distinct)
        flags = np.append(bad.to_numpy(dtype=bool), False)[codes]
        return _spread(years, codes, s.index), pd.Series(flags, index=s.index)
    text = _as_text(s)
    parts = text.str.extract(r"^(\d{4})\s*[-/]?\s*(\d{2}|\d{4})$")
    short = text.str.extract(_TWO_DIGIT_ACADEMIC_YEAR)
    century = two_digit_year(pd.to_numeric(short[0], errors="coerce"))
    start = pd.to_numeric(parts[0], errors="coerce").fillna(century)
    end = pd.to_numeric(parts[1].fillna(short[1]), errors="coerce") % 100
    ok = ((start + 1) % 100 == end).fillna(False).astype(bool)
    out = pd.Series(np.nan, index=s.index, dtype="str")
    if ok.any():
        out[ok] = (
            start[ok].astype("int64").astype(str)
            + "/"
            + end[ok].astype("int64").astype(str).str.zfill(2)
        )
    return out, text.notna() & ~ok


def _two_digit_years_note(
    raw: RawTable, col: str, s: pd.Series, bad: pd.Series
) -> list[pd.DataFrame]:
    """One note per file and column whose academic years are written with two-digit years
    (24/25): read with the century the rule for two-digit years in dates gives (where it is
    certain), so the user can check the reading."""
    read = s.loc[~bad.to_numpy(dtype=bool)].dropna()
    if not len(read) or not _is_text(read):
        return []
    distinct = pd.Series(read.unique(), dtype="string").str.strip()
    short = distinct.loc[distinct.str.fullmatch(_TWO_DIGIT_ACADEMIC_YEAR).fillna(False)]
    if short.empty:
        return []
    shown = short.iloc[0]
    year = _as_academic_year(pd.Series([shown], dtype="str"))[0].iloc[0]
    n = int(read.astype("string").str.strip().isin(short.tolist()).sum())
    rule = f"{n:,} academic years written with two-digit years ('{shown}') read as {year}"
    hint = "Nothing to do; 2024/25 is the form written in full."
    return [_column_warning(raw, col, rule, hint, "note")]


def _as_collection_year(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(the collection year's end as float64: 2025 for '2025', '2024-25', '202425' or
    '2024/2025'; mask of unreadable values)."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        years = s.astype("float64")
        return years, s.notna() & (years != years.round())
    found = _distinct_values(s)
    if found is not None:
        codes, distinct = found
        years, bad = _as_collection_year(distinct)
        flags = np.append(bad.to_numpy(dtype=bool), False)[codes]
        spread = pd.Series(np.append(years.to_numpy(), np.nan)[codes], index=s.index)
        return spread, pd.Series(flags, index=s.index)
    text = _as_text(s)
    parts = text.str.extract(r"^(\d{4})(?:\s*[-/]?\s*(\d{2}|\d{4}))?$")
    start = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    end = (start // 100) * 100 + second.where(second < 100, second % 100)
    end = end.where(end >= start, end + 100)  # 1999-00
    spans = second.notna()
    year = start.where(~spans, end.where(end == start + 1))
    return year.astype("float64"), text.notna() & year.isna()


# an identifier Excel turned into a number and shows in scientific notation: 1.00E+06
_SCIENTIFIC = r"[1-9](?:\.\d+)?[eE]\+\d{2,}"


def _scientific(ids: pd.Series) -> pd.Series:
    """True where an identifier is written as Excel writes a long number it has lost digits
    of (1.00E+06, 1E+06): the child it names cannot be known. Arrow-backed text with no '+'
    anywhere in its characters is passed at once (millions of identifiers)."""
    arr = ids.array
    if isinstance(arr, pd.arrays.ArrowStringArray) and not any(
        chunk.buffers()[2] is not None
        and (np.frombuffer(chunk.buffers()[2], dtype=np.uint8) == ord("+")).any()
        for chunk in arr._pa_array.chunks
    ):
        return pd.Series(False, index=ids.index)
    maybe = ids.str.contains("+", regex=False, na=False)
    if not maybe.any():
        return maybe
    return maybe & ids.str.fullmatch(_SCIENTIFIC, na=False)


_COERCE_RULES = {
    "identifier": (
        "identifier in scientific notation",
        "Excel has turned this identifier into a number and dropped its digits (1.00E+06): "
        "format the column as Text where the file is made and export it again.",
    ),
    "date": ("not a date", DATE_HINT),
    "number": ("not a number", "Write a plain number (e.g. 0.8); leave blank if unknown."),
    "academic_year": ("not an academic year", "Write the academic year as 2024/25 (or 202425)."),
    "collection_year": ("not a collection year", YEAR_HINT),
}


# what a number column holds, where 'a plain number (e.g. 0.8)' would mislead
NUMBER_HINTS = {
    "MID_YEAR": "Write the year of the mid-year population estimate, e.g. 2024 (mid-2024).",
    "EM94": "Write 1 for a pupil with grade 4 or above in English and maths, 0 otherwise.",
    "ATT8": "Write the pupil's Attainment 8 score, a number from 0 to 90 (e.g. 35.5).",
    "POP_0_17": "Write the number of children aged 0 to 17, e.g. 268700.",
    "PUPILS": "Write the number of pupils at the end of key stage 4 in the year, e.g. 14187.",
    "AVG_ATT8": (
        "Write the all-pupil average Attainment 8 score, a number from 0 to 90 (e.g. 46.2); "
        "DfE's marks for a figure not published (x, c, z) are read as blank."
    ),
    "PCT_EM94": (
        "Write the percentage of all pupils with grade 4 or above in English and maths, 0 to "
        "100 (e.g. 64.6); DfE's marks for a figure not published (x, c, z) are read as blank."
    ),
}
# ------------------------------------------------------------- the all-pupil KS4 figures
# DfE's marks in its published tables for a figure it does not give: x (not available or
# suppressed), c (confidential), z (not applicable), low, and the older ':' and 'SUPP'
SUPPRESSION_MARKS = ("x", "c", "z", "low", ":", "supp", "suppressed")
ALL_PUPIL_FIGURES = ("AVG_ATT8", "PCT_EM94")  # ks4_all's columns DfE may suppress
SUPPRESSED_HINT = (
    "DfE writes this mark where it does not publish a figure: that year's gap to all pupils "
    "is not available (the reason is on the figure). Write the figure if you have it."
)
FRACTION_HINT = (
    "PCT_EM94 is the percentage of all pupils with grade 4+ in English and maths, 0 to 100; "
    "a whole authority's rate of 1% or less is not possible, so this is read as a fraction "
    "(a cell formatted as % exported as 0.64 for 64%). Write the percentage to be sure."
)


def _suppressed(raw: RawTable, col: str, s: pd.Series) -> tuple[pd.Series, list[pd.DataFrame]]:
    """ks4_all's AVG_ATT8 / PCT_EM94 with DfE's suppression marks ('x') blank, and a note
    naming each such row: a figure not published, not a mistyped number (no error; the
    figure of that year says it is not available). ks4_all is a row per year: no need to
    look at distinct values."""
    if raw.table != "ks4_all" or col not in ALL_PUPIL_FIGURES or not _is_text(s):
        return s, []
    text = s.astype("string").str.strip().str.lower()
    hit = text.isin(SUPPRESSION_MARKS).fillna(False).to_numpy(dtype=bool)
    if not hit.any():
        return s, []
    pos = np.flatnonzero(hit)
    rule = "a suppression mark: the figure is not published; read as blank"
    found = issues(
        "note", raw.table, raw.file, raw.rows[pos], col, s.iloc[pos], rule, SUPPRESSED_HINT
    )
    return s.where(~hit), [found]


def _is_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s)


def _percent_from_fraction(
    raw: RawTable, col: str, out: pd.Series, s: pd.Series
) -> tuple[pd.Series, list[pd.DataFrame]]:
    """ks4_all's PCT_EM94 of more than 0 and at most 1 read as a fraction (x100), with a
    warning naming each row and value.

    Why not take it as written, or refuse it: the figure is a whole authority's share of
    all its pupils reaching grade 4 in English and maths (in England 60-75%); 1% or less is
    not a rate any authority has, while 0.64 is exactly what a cell formatted as % exports
    for 64%. Taken as written it made the gap to the cohort about -20 points (banded green);
    refused, every year of a file so exported would lose its gap, though what it means is
    certain. So it is read x100, and a warning (not a note: the card marks the figure) names
    each such row, the value as written and its reading, in a column of fractions and in one
    of percentages with only the newest row added by hand from a % cell alike."""
    if raw.table != "ks4_all" or col != "PCT_EM94":
        return out, []
    fraction = ((out > 0) & (out <= 1)).to_numpy(dtype=bool)
    if not fraction.any():
        return out, []
    pos = np.flatnonzero(fraction)
    rule = "a percentage of 1 or less: read as a fraction (x100)"
    found = issues(
        "warning", raw.table, raw.file, raw.rows[pos], col, s.iloc[pos], rule, FRACTION_HINT
    )
    return out.where(~fraction, (out * 100).round(10)), [found]


# the ONS names its mid-year estimates 'mid-2024'; the year is what MID_YEAR holds
_MID_YEAR_LABEL = r"^\s*[Mm]id[- ]?(?:[Yy]ear)?\s*[- ]?\s*(\d{4})\s*$"


def _coerce_column(
    raw: RawTable, col: str, s: pd.Series
) -> tuple[pd.Series, list[pd.DataFrame], Distinct | None]:
    """One column coerced: (values, its cells that cannot be read as issues and the notes on
    what was read as blank, its codes into its distinct values when it was read as codes)."""
    kind = column_kind(col)
    found: list[pd.DataFrame] = []
    if not str(raw.file).lower().endswith(".parquet"):  # a file Excel may have written
        s, wrapped = _excel_text(s)
        if wrapped:
            rule = f'{wrapped:,} cells written ="..." (Excel\'s way to keep text) read as the text'
            found.append(
                issues("note", raw.table, raw.file, [None], col, None, rule, EXCEL_TEXT_HINT)
            )
        if kind != "text":  # free text may start with '='
            s, formulas = _formulas(raw, col, s)
            found += formulas
        if kind == "code":
            s, described = _without_descriptions(s)
            if described:
                found.append(_described_note(raw, col, *described))
    if kind in ("code", "identifier", "text"):
        compact = (kind == "code" or col == "LA") and len(s) > COMPACT_ROWS
        read = _coded_as_text(s, kind != "text", kind == "code", compact)
        if read is not None:
            if read[2]:
                found.append(_null_note(raw, col, read[2]))
            return read[0], found, read[1]
    s, nulls = _null_tokens(s)
    if nulls:
        found.append(_null_note(raw, col, nulls))
    bad = None
    if kind == "date":
        out, bad, shown = _date_column(s)
        if shown is not None:
            found.append(_month_first_note(raw, col, shown))
        if col in END_DATE_COLUMNS and bad.any():
            for placeholders, said in ((_far_future, FAR_FUTURE_SAID), (_open_words, OPEN_SAID)):
                still_open = placeholders(s, bad)
                if still_open is not None:
                    bad = bad.copy()
                    bad.iloc[s.index.get_indexer(still_open.index)] = False
                    found.append(_still_open_note(raw, col, still_open, said))
        if col in END_DATE_COLUMNS:
            zero = (out == _SQL_ZERO_DATE).to_numpy()
            if zero.any():
                out = out.where(~zero)
                rule = (
                    f"{int(zero.sum()):,} end dates of 01/01/1900 (SQL Server's date for none) "
                    "read as blank: still open"
                )
                found.append(_column_warning(raw, col, rule, FAR_FUTURE_HINT, "note"))
    elif kind == "number":
        if raw.decimal_comma:
            s, commas = _decimal_commas(s)
            if commas:
                found.append(_decimal_comma_note(raw, col, commas))
        if col == "MID_YEAR" and not pd.api.types.is_numeric_dtype(s):
            year = s.astype("str").str.extract(_MID_YEAR_LABEL, expand=False)
            s = s.where(year.isna(), year)
        s, suppressed = _suppressed(raw, col, s)
        found += suppressed
        out, bad = _as_number(s, fraction=col in FRACTION_COLUMNS)
        out, fractions = _percent_from_fraction(raw, col, out, s)
        found += fractions
    elif kind == "academic_year":
        out, bad = _as_academic_year(s)
        found += _two_digit_years_note(raw, col, s, bad)
    elif kind == "collection_year":
        out, bad = _as_collection_year(s)
    elif kind == "code":
        out = _as_text_each(s, upper=True)
    elif kind == "identifier":
        out = _as_text_each(s)
        if not str(raw.file).lower().endswith(".parquet"):  # a file Excel may have saved
            bad = _scientific(out)
            out = out.where(~bad) if bad.any() else out
    elif s.dtype == object or pd.api.types.is_string_dtype(s):
        out = _as_text_each(s, numeric_ids=False)
    else:
        out = s  # unknown typed column (e.g. from Parquet): kept as it is
    if bad is None or not bad.any():
        return out, found, None
    rule, hint = _COERCE_RULES[kind]
    hint = NUMBER_HINTS.get(col, hint) if kind == "number" else hint
    pos = np.flatnonzero(bad.to_numpy())
    values = s.iloc[pos]
    found.append(
        issues(
            "error" if raw.table in TABLES else "warning",
            raw.table,
            raw.file,
            raw.rows[pos],
            col,
            _as_text(values, numeric_ids=False),
            rule,
            _number_hints(values, hint)
            if kind == "number"
            else _date_hints(values, hint)
            if kind == "date"
            else hint,
            pos=pos,
        )
    )
    return out, found, None


def coerce(raw: RawTable) -> tuple[pd.DataFrame, list[pd.DataFrame], dict[str, Distinct]]:
    """Columns renamed to their DfE names and coerced; problems as issue frames whose `pos`
    is the row's position in `raw` (a cell that cannot be read is left blank); and the text
    columns read as codes, as codes into their distinct values (for the checks). The other
    SSDA903 tables, lightly validated, get warnings rather than errors. Takes the cells out
    of `raw` (its frame is left empty)."""
    frame = raw.frame
    renames = {c: canonical(c) for c in frame.columns}
    frame = frame.rename(columns=renames)
    frame, found = merge_repeated(raw, frame)
    # the cells as read are let go column by column as each is coerced (raw.frame is left
    # empty): the largest tables are never held twice
    index, columns = frame.index, {col: frame[col] for col in frame.columns}
    raw.frame = frame = pd.DataFrame()
    out: dict[str, pd.Series] = {}
    distinct: dict[str, Distinct] = {}
    names = list(columns)
    done = threads.each(
        lambda col: _coerce_column(raw, col, columns.pop(col)), names, worth=len(index) > BIG
    )
    for col, (values, problems, codes) in zip(names, done, strict=True):
        out[col] = values
        found += problems
        if codes is not None:
            distinct[col] = codes
    # copy=False: each column keeps its own array (no copying dates into one block)
    return pd.DataFrame(out, index=index, copy=False), found, distinct
