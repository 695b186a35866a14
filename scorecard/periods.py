"""Time conventions (SPEC section 4): reference dates, financial quarters, windows, ages.

Everything here is vectorised: functions take and return pandas/numpy arrays so that
measures never loop over children.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

DATE_DTYPE = "datetime64[ns]"

AGE_BANDS: tuple[str, ...] = ("under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over")
_AGE_BAND_EDGES = np.array([1, 5, 10, 16])

_QUARTER_RE = re.compile(r"^\s*(\d{4})[-/](\d{2}|\d{4})\s*Q([1-4])\s*$", re.IGNORECASE)
_QUARTER_RE_ALT = re.compile(r"^\s*Q([1-4])\s+(\d{4})[-/](\d{2}|\d{4})\s*$", re.IGNORECASE)

_DASHED_DAY_FIRST = re.compile(r"^\d{1,2}-\d{1,2}-\d{2,4}$")  # '31-03-2025', '03-04-25'
_YEAR_RE = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*$")  # '2024-25', '2024/2025'

AT_FORMS_HINT = (
    "`at` accepts a date, a datetime, a pandas Timestamp or Period (its last day), an ISO "
    "string ('2025-03-31'), a dd/mm/YYYY string ('31/03/2025') or '31 March 2025', a financial "
    "quarter label ('2024-25 Q4') or year ('2024-25': its 31 March), or a list of any of these."
)


class ReferenceDateError(ValueError):
    """A reference date (`at`) that cannot be understood."""


def quarter_end(label: str) -> pd.Timestamp:
    """End date of a financial-quarter label: '2024-25 Q1' is 30 June 2024, Q4 is 31 March 2025."""
    m = _QUARTER_RE.match(label)
    if m:
        start_year, end_part, q = int(m.group(1)), m.group(2), int(m.group(3))
    else:
        m = _QUARTER_RE_ALT.match(label)
        if not m:
            raise ReferenceDateError(f"{label!r} is not a financial quarter label. {AT_FORMS_HINT}")
        q, start_year, end_part = int(m.group(1)), int(m.group(2)), m.group(3)
    end_year = _end_year(start_year, end_part)
    if end_year != start_year + 1:
        raise ReferenceDateError(
            f"{label!r}: a financial year runs over two consecutive years, e.g. '2024-25'."
        )
    month_end = {
        1: (start_year, 6, 30),
        2: (start_year, 9, 30),
        3: (start_year, 12, 31),
        4: (start_year + 1, 3, 31),
    }[q]
    return pd.Timestamp(*month_end)


def quarter_label(date: pd.Timestamp | dt.date | str) -> str:
    """Financial quarter containing `date`, as a label such as '2024-25 Q4'."""
    ts = pd.Timestamp(date)
    fy_start = ts.year if ts.month >= 4 else ts.year - 1
    q = (ts.month - 4) % 12 // 3 + 1
    return f"{fy_start}-{(fy_start + 1) % 100:02d} Q{q}"


def financial_year(date: pd.Timestamp | dt.date | str) -> str:
    """Financial year containing `date`, as '2024-25'."""
    ts = pd.Timestamp(date)
    fy_start = ts.year if ts.month >= 4 else ts.year - 1
    return f"{fy_start}-{(fy_start + 1) % 100:02d}"


def parse_date(value: object) -> pd.Timestamp:
    """One reference date from any accepted form (see AT_FORMS_HINT). Text is read only in
    forms that cannot be taken two ways: never 03/04/2025 as 4 March."""
    if value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value)):
        raise ReferenceDateError(f"A blank date (NaT) is no reference date. {AT_FORMS_HINT}")
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).normalize() if value.tz else value.normalize()
    if isinstance(value, pd.Period):
        return value.end_time.normalize()
    if isinstance(value, dt.datetime | dt.date | np.datetime64):
        return parse_date(pd.Timestamp(value))
    if isinstance(value, str):
        text = value.strip()
        if "Q" in text.upper():
            return quarter_end(text)
        year = _YEAR_RE.match(text)
        if year:
            return _year_end(text, int(year.group(1)), year.group(2))
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"):
            try:
                return pd.Timestamp(dt.datetime.strptime(text, fmt))
            except ValueError:
                continue
        try:  # ISO 8601 with a time ('2025-03-31T00:00'): the day
            return parse_date(dt.datetime.fromisoformat(text))
        except ValueError:
            pass
        if _DASHED_DAY_FIRST.match(text):
            raise ReferenceDateError(
                f"{value!r} is day-first with dashes, which could be read either way round; "
                "write '31/03/2025' (day first, slashes) or '2025-03-31' (year first)."
            )
        raise ReferenceDateError(f"Cannot read {value!r} as a reference date. {AT_FORMS_HINT}")
    raise ReferenceDateError(
        f"Cannot use a {type(value).__name__} ({value!r}) as a reference date. {AT_FORMS_HINT}"
    )


def _end_year(start: int, end_part: str) -> int:
    """The year a financial year label's second part names: '25' in '2024-25' is 2025."""
    return int(end_part) if len(end_part) == 4 else (start // 100) * 100 + int(end_part)


def published_year_end(value: object) -> int | None:
    """The calendar year a published figure's year ends in, in the forms DfE files write it
    (LAIT's 2024, EES's '202324', '2023-24', '2023/2024'): 2024; None when not one of them."""
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})", text)
    if m:
        end = m.group(2)
        return int(end) if len(end) == 4 else int(m.group(1)[:2] + end)
    m = re.fullmatch(r"(\d{4})(\d{2})", text)
    if m:
        return int(m.group(1)[:2] + m.group(2))
    m = re.fullmatch(r"(\d{4})(\.0)?", text)
    return int(m.group(1)) if m else None


def published_year_label(value: object, academic: bool = False) -> str:
    """A published year as the card writes it: '2024-25' for 2025, '202425' or '2024/25';
    an academic year (`academic`: KS4 results) as schools write it, '2024/25'."""
    end = published_year_end(value)
    if not end:
        return str(value)
    return f"{end - 1}{'/' if academic else '-'}{end % 100:02d}"


def names_a_period(text: str) -> bool:
    """True for a financial quarter or year label ('2024-25 Q1', 'Q1 2024-25', '2024-25'):
    text naming a period, whose date is its last day."""
    return any(r.match(text) for r in (_QUARTER_RE, _QUARTER_RE_ALT, _YEAR_RE))


def _year_end(text: str, start: int, end_part: str) -> pd.Timestamp:
    """31 March of a financial year label ('2024-25', '2024/2025'); refused when it runs over
    other than two consecutive years, or could be a month ('2011-12': December 2011?)."""
    end = _end_year(start, end_part)
    if end != start + 1:
        raise ReferenceDateError(
            f"{text!r}: a financial year runs over two consecutive years ('2024-25'); for a "
            "day, write the date ('2025-03-31')."
        )
    if len(end_part) == 2 and 1 <= int(end_part) <= 12:
        raise ReferenceDateError(
            f"{text!r} could be the financial year {start}-{end_part} or a month; write "
            f"'{start}-{end_part} Q4' for the year's 31 March, or the date itself."
        )
    return pd.Timestamp(end, 3, 31)


def parse_at(at: object) -> pd.DatetimeIndex:
    """Reference dates from `at` (one or many), sorted, unique, as datetime64[ns]."""
    if at is None:
        raise ReferenceDateError(f"No reference date given. {AT_FORMS_HINT}")
    if isinstance(at, pd.DatetimeIndex) and at.tz is None and len(at) and not at.hasnans:
        # dates already (the engine passes its own on): each one's day, as parse_date reads
        # a Timestamp, without a Timestamp per date
        days = np.unique(at.normalize().astype(DATE_DTYPE).asi8)
        return pd.DatetimeIndex(days.view(DATE_DTYPE))
    items: Iterable[object]
    if isinstance(at, str | dt.date | dt.datetime | pd.Timestamp | np.datetime64):
        items = [at]
    elif isinstance(at, Iterable):
        items = list(at)
        if not items:
            raise ReferenceDateError(f"An empty list of reference dates. {AT_FORMS_HINT}")
    else:
        items = [at]
    dates = pd.DatetimeIndex([parse_date(x) for x in items]).astype(DATE_DTYPE)
    return dates.unique().sort_values()


def months_before(dates: pd.DatetimeIndex | pd.Series | pd.Timestamp, n: int):
    """The same calendar day `n` months earlier, clipped to month end (31 May - 3 = 28/29 Feb)."""
    return dates - pd.DateOffset(months=n)


def window_start(at: pd.DatetimeIndex | pd.Series | pd.Timestamp, months: int = 12):
    """First day of the `months`-month window ending at `at` (both ends inclusive)."""
    return months_before(at, months) + pd.Timedelta(days=1)


def quarter_ends(last: object, n: int) -> pd.DatetimeIndex:
    """The `n` financial quarter ends up to and including the quarter end `last`."""
    end = parse_date(last)
    ends = [end - pd.DateOffset(months=3 * k) for k in range(n - 1, -1, -1)]
    # month-end clipping: quarter ends are always the last day of their month
    return pd.DatetimeIndex([e + pd.offsets.MonthEnd(0) for e in ends]).astype(DATE_DTYPE)


DAY_NS = 86_400_000_000_000
_CALENDAR_SPAN = 200_000  # days: beyond this range of dates, convert each date itself


def _calendar(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month x 100 + day and whether the year is a leap year, of datetime64[ns]
    dates (garbage where NaT), in numpy. Millions of dates span a few thousand days: each
    day of that span is converted once and the dates look theirs up."""
    ns = dates.view("int64")
    ok = ~np.isnat(dates)
    day = ns // DAY_NS  # floored, as datetime64[D] is
    lo = int(np.min(day, where=ok, initial=np.iinfo("int64").max))
    hi = int(np.max(day, where=ok, initial=np.iinfo("int64").min))
    if lo > hi or hi - lo > _CALENDAR_SPAN or hi - lo > len(dates):
        return _calendar_of(dates)
    span = (np.arange(lo, hi + 1, dtype="int64") * DAY_NS).view(DATE_DTYPE)
    year, md, leap = _calendar_of(span)
    day -= lo
    np.clip(day, 0, hi - lo, out=day)
    return year[day], md[day], leap[day]


def _calendar_of(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`_calendar` converting every date."""
    year_start = dates.astype("datetime64[Y]")
    month_start = dates.astype("datetime64[M]")
    month = (month_start - year_start.astype("datetime64[M]")).astype("int64") + 1
    day = (dates.astype("datetime64[D]") - month_start.astype("datetime64[D]")).astype("int64") + 1
    year = year_start.astype("int64") + 1970
    return year, month * 100 + day, _is_leap(year)


def _is_leap(year: np.ndarray) -> np.ndarray:
    """Whether each (proleptic Gregorian) year is a leap year."""
    return ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)


def age_in_years(dob: pd.Series | np.ndarray, on: pd.Series | np.ndarray) -> np.ndarray:
    """Completed years from `dob` to `on`, elementwise. A 29 February birthday falls on
    28 February in other years. Missing dates give NaN."""
    dob = np.asarray(dob, dtype=DATE_DTYPE)
    on = np.asarray(on, dtype=DATE_DTYPE)
    missing = np.isnat(dob) | np.isnat(on)
    b_year, b_md, _ = _calendar(dob)
    o_year, o_md, leap = _calendar(on)
    b_md = np.where((b_md == 229) & ~leap, 228, b_md)
    out = ((o_year - b_year) - (o_md < b_md)).astype("float64")
    out[missing] = np.nan
    return out


def age_band(age: Sequence[float] | np.ndarray | pd.Series) -> pd.Categorical:
    """DfE age bands from ages in completed years."""
    a = np.asarray(age, dtype="float64")
    codes = np.searchsorted(_AGE_BAND_EDGES, a, side="right")
    codes = np.where(np.isnan(a), -1, codes)
    return pd.Categorical.from_codes(codes, categories=list(AGE_BANDS), ordered=True)


def birthday_in_year(dob: pd.Series, age: int, year_end: pd.Series | int) -> pd.Series:
    """Date of the `age`th birthday (29 Feb falls on 28 Feb in common years); blank DOB:
    NaT. Worked out on the calendar fields with integer arithmetic, not by parsing dates."""
    dob = pd.to_datetime(dob)
    values = np.asarray(dob, dtype=DATE_DTYPE)
    year, md, _ = _calendar(values)
    month, day = md // 100, md % 100
    target = year + int(age)
    day = np.where((month == 2) & (day == 29) & ~_is_leap(target), 28, day)
    out = (_days_from_civil(target, month, day) * DAY_NS).view(DATE_DTYPE)
    out = np.where(np.isnat(values), np.datetime64("NaT"), out).astype(DATE_DTYPE)
    return pd.Series(out, index=dob.index)


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian (year, month, day), elementwise (the
    civil-calendar formula: years counted from March, in 400-year eras)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468
