"""`scorecard children`: the children (referrals, IRO cases ...) behind one figure, as an
Excel workbook or CSV for internal use.

The list holds child identifiers, so it is marked OFFICIAL-SENSITIVE in the workbook's
header, footer and properties (and on the first line of a CSV), starts with a line saying
what the figure is and how the rows make it, and is written atomically. It is never part of
`build` or of anything published.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

import pandas as pd

from .common import EXIT_OK, DataError, data_arguments, data_folder, note, option_date

MARKING = "OFFICIAL-SENSITIVE"
HANDLING = (
    f"{MARKING}: personal data about children, for internal use only. Do not publish it or "
    "send it outside the service; delete it when the work is done."
)
FORMATS = (".xlsx", ".csv")


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser(
        "children",
        help="list the children (or referrals, IRO cases) behind one figure",
        description="Write the units behind one indicator's figure (the children with 3 or "
        "more placements, the care leavers counted NEET, the IRO cases of a caseload ...) to "
        f"an Excel workbook or CSV marked {MARKING}, for internal use. Each row's numerator "
        "and denominator are its contributions: they add up to the figure.",
    )
    c.add_argument(
        "--indicator",
        required=True,
        metavar="ID",
        help="indicator id, e.g. placement_stability_short (`scorecard indicators` lists them)",
    )
    c.add_argument(
        "--quarter",
        required=True,
        metavar="QUARTER",
        help="financial quarter ('2024-25 Q4') or a date ('2025-03-31')",
    )
    c.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="the list to write: a .xlsx workbook or a .csv file",
    )
    data_arguments(c)
    c.add_argument(
        "--coverage",
        nargs=2,
        metavar=("START", "END"),
        help="the dates the data covers, e.g. 01/04/2017 31/03/2025 (default: as the data "
        "shows it: its returns' collection years, or a full history's extent)",
    )
    c.add_argument("--catalogue", type=Path, help="a catalogue file (default: the bundled one)")
    c.add_argument(
        "--by", metavar="NAME", help="add a breakdown column (e.g. age_band, district, uasc)"
    )
    c.add_argument(
        "--numerator-only",
        action="store_true",
        help="only the units in the numerator (e.g. the children with 3 or more placements)",
    )
    c.add_argument("--quiet", action="store_true", help="no summary line")
    c.set_defaults(func=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..breakdowns import BreakdownError
    from ..catalogue import load_catalogue
    from ..engine import UnavailableError, compute, units
    from ..inputs import load_dataset
    from ..periods import ReferenceDateError

    args.data = data_folder(args, parser)

    suffix = args.out.suffix.lower()
    if suffix not in FORMATS:
        parser.error(f"--out must end in .xlsx or .csv, not {args.out.name!r}")
    cat = load_catalogue(args.catalogue)
    if args.indicator not in cat:
        try:
            cat.get(args.indicator)
        except KeyError as exc:
            parser.error(str(exc.args[0]))
    ind = cat.get(args.indicator)
    try:
        at = option_date("--quarter", args.quarter)
        coverage = (
            tuple(option_date("--coverage", d, labels=False) for d in args.coverage)
            if args.coverage
            else None
        )
    except ReferenceDateError as exc:
        parser.error(str(exc))
    try:
        ds = load_dataset(args.data, coverage=coverage)
    except ValueError as exc:  # a coverage that ends before it starts
        parser.error(str(exc))
    try:
        figure = compute(ind, ds, at=at, catalogue=cat)  # the total, for the definitions line
        rows = units(ind, ds, at=at, by=args.by, catalogue=cat)
    except (UnavailableError, BreakdownError) as exc:
        raise DataError(str(exc)) from None
    stat = _stat(ind)
    if args.numerator_only:
        if stat in ("median", "mean"):
            # a mean's numerator is a sum over its whole cohort (a pupil's Attainment 8 of 0
            # counts): leaving out the zeros would list fewer than the figure's base
            parser.error(
                f"{ind.id} is a {stat}: it has no numerator to list (every unit counts towards "
                "it); drop --numerator-only"
            )
        rows = rows.loc[rows["numerator"].fillna(0) > 0].reset_index(drop=True)
    header = definition_line(ind, figure, at, numerator_only=args.numerator_only)
    data = workbook(rows, ind, header) if suffix == ".xlsx" else csv_bytes(rows, header)
    from ..files import PRIVATE
    from ..report.atomic import atomic_write

    atomic_write(args.out, data, PRIVATE)  # children's identifiers: the user's eyes only
    if not args.quiet:
        note(f"Wrote {len(rows):,} row(s) for {ind.id} at {at:%d/%m/%Y} to {args.out}. {HANDLING}")
    return EXIT_OK


def _stat(ind: Any) -> str:
    from ..registry import registry

    return registry[ind.measure].stat_for(ind.params)


def definition_line(ind: Any, figure: pd.DataFrame, at: pd.Timestamp, numerator_only: bool) -> str:
    """What the figure is, its numbers and how the rows make it, in one line."""
    total = figure.loc[figure["period_end"] == at]
    parts = [f"{ind.title} ({ind.id}) at {at:%d/%m/%Y}: {ind.description.strip()}"]
    if len(total) == 1:
        row = total.iloc[0]
        nums = [
            f"{name} {_number(row[name], ind.decimals if name == 'value' else 2)}"
            for name in ("numerator", "denominator", "value")
            if pd.notna(row[name])
        ]
        parts.append("Figure: " + ", ".join(nums) + ".")
        if pd.notna(row["note"]):
            parts.append(f"Note: {row['note']}.")
    parts.append(
        "Each row is one unit behind the figure; its numerator and denominator are its "
        "contributions, and they add up to the figure's"
        + (
            " (a median's value is the median of the rows' values)."
            if _stat(ind) == "median"
            else "."
        )
    )
    if numerator_only:
        parts.append("Only the units in the numerator are listed.")
    return " ".join(parts)


def _number(value: float, decimals: int = 2) -> str:
    """A whole number as one; otherwise with `decimals` places (the value as the card shows
    it: 9.7, not 9.73)."""
    from ..report.fmt import format_number

    return format_number(value, 0 if float(value).is_integer() else decimals)


def _whole_numbers_as_integers(rows: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding whole numbers only (YEAR, ages) as integers: 2025, not 2025.0."""
    out = rows.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_float_dtype(values) and values.notna().any():
            known = values.dropna()
            if (known == known.round()).all() and known.abs().max() < 2**53:
                out[col] = values.astype("Int64")
    return out


def csv_bytes(rows: pd.DataFrame, header: str) -> bytes:
    """The list as CSV after two marked lines (read it with `pd.read_csv(path, skiprows=2)`);
    dates as dd/mm/YYYY like the DfE files."""
    out = io.StringIO()
    out.write(f"# {HANDLING}\n# {header}\n")
    _whole_numbers_as_integers(rows).to_csv(out, index=False, date_format="%d/%m/%Y")
    return out.getvalue().encode("utf-8")


def workbook(rows: pd.DataFrame, ind: Any, header: str) -> bytes:
    """The list as an Excel workbook marked OFFICIAL-SENSITIVE in its header, footer and
    properties, with the handling line and the definitions line above the table."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    book.set_properties(
        {
            "title": f"{ind.title}: the units behind the figure",
            "subject": f"{ind.id} ({MARKING})",
            "category": MARKING,
            "keywords": f"{MARKING}, personal data, internal use only",
            "comments": HANDLING,
            "author": "scorecard",
        }
    )
    book.set_custom_property("Classification", MARKING)
    sheet = book.add_worksheet("Units")
    sheet.set_header(f'&C&"Calibri,Bold"{MARKING}')
    sheet.set_footer(f"&L{MARKING}&C{ind.id}&RPage &P of &N")
    bold = book.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    head = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    width = max(len(rows.columns), 1)
    sheet.merge_range(0, 0, 0, width - 1, HANDLING, bold)
    sheet.merge_range(1, 0, 1, width - 1, header, wrap)
    sheet.set_row(1, 15 * max(2, len(header) // 120 + 1))
    first = 3
    for col, name in enumerate(rows.columns):
        sheet.write(first, col, name, head)
        values = rows[name]
        is_date = pd.api.types.is_datetime64_any_dtype(values)
        sheet.set_column(col, col, 12 if is_date else max(10, min(40, len(str(name)) + 2)))
        cells = _cells(values)
        sheet.write_column(first + 1, col, cells, date if is_date else None)
    sheet.freeze_panes(first + 1, 0)
    if len(rows):
        sheet.autofilter(first, 0, first + len(rows), width - 1)
    book.close()
    return buffer.getvalue()


def _cells(values: pd.Series) -> list[Any]:
    """A column as Excel cell values: dates as datetimes, blanks as None (left empty),
    numbers as floats, flags as booleans, the rest as text."""
    blank = values.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values):
        items = list(pd.Series(values).dt.to_pydatetime())
    elif pd.api.types.is_bool_dtype(values):
        items = values.astype(bool).tolist()
    elif pd.api.types.is_numeric_dtype(values):
        items = values.astype("float64").tolist()
    else:
        items = values.astype("string").fillna("").tolist()
    return [None if b else v for v, b in zip(items, blank)]
