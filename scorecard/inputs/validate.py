"""Validating: each coerced table against its pandera model, lazily, so that every failing
cell of every file is found at once; failures become report rows.

A big table's columns of codes read as codes into their distinct values (`keys.Distinct`)
are validated once per distinct value: their rules (a code list, blanks, the type) look at
one value at a time, so a value fails on every row that holds it. The same pandera columns
run on a frame of those values; the other columns and the table-wide rules on every row.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines.pandas_engine import Engine

from ..compact import as_text, text_frame
from .keys import BIG, Distinct
from .report import Where, at, concat, empty, issues
from .rows import rows_increase
from .schemas import FRAME_CHECKS, MODELS, describe_failure

FEW_VALUES = 1_000  # columns with more distinct values are validated row by row
# pandera's built-in checks that decide each value alone
PER_VALUE_CHECKS = frozenset(
    {
        "isin",
        "notin",
        "in_range",
        "greater_than",
        "greater_than_or_equal_to",
        "less_than",
        "less_than_or_equal_to",
        "equal_to",
        "not_equal_to",
        "str_matches",
        "str_contains",
        "str_startswith",
        "str_endswith",
        "str_length",
    }
)


def schema_issues(
    table: str,
    frame: pd.DataFrame,
    where: Where,
    distinct: Mapping[str, Distinct] | None = None,
) -> pd.DataFrame:
    """Run the pandera model of `table` (a loaded table: RangeIndex) lazily; failures as
    issue rows, each failing cell marked by its position (`pos`). `distinct`: columns known
    as codes into their distinct values (checked once per value when the table is big)."""
    schema, untyped = _schemas(table)
    by_value = _by_value(schema, frame, where, distinct or {})
    # codes held compact are written out for pandera's row-by-row checks (a categorical is
    # not `str`); those checked once per value stay compact (the table-wide checks ask only
    # whether they are blank)
    rows = text_frame(frame, [c for c in frame.columns if c not in by_value])
    if _dtypes_hold(schema.remove_columns(by_value) if by_value else schema, rows):
        schema = untyped  # else pandera checks them (and says which rows fail)
    found = _failures(schema.remove_columns(by_value) if by_value else schema, rows)
    if by_value:
        assert distinct is not None
        only = pa.DataFrameSchema({c: schema.columns[c] for c in by_value}, name=schema.name)
        values, spread = _values_frame({c: distinct[c] for c in by_value})
        failed = _failures(only, values)
        if failed is not None:
            found = pd.concat([f for f in (found, spread(failed)) if f is not None])
    if found is None:
        return empty()
    return _failures_to_issues(table, frame, found.reset_index(drop=True), where)


@cache
def _schemas(table: str) -> tuple[pa.DataFrameSchema, pa.DataFrameSchema]:
    """The model of `table` as a schema, and the same with no column's dtype: for tables
    whose dtypes hold (`_dtypes_hold`), as pandera checks a `str` dtype row by row, building
    a flag for every row and a message."""
    schema = MODELS[table].to_schema()
    untyped = copy.copy(schema)  # shallow: the checks are shared, the columns are new
    untyped.columns = {}
    for name, column in schema.columns.items():
        untyped.columns[name] = copy.copy(column)
        untyped.columns[name].dtype = None
    return schema, untyped


def _dtypes_hold(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> bool:
    """True when every column of `schema` that `frame` has is of the schema's dtype exactly
    (a dtype is the column's, not its rows': nothing to check row by row)."""
    try:
        return all(
            Engine.dtype(frame[name].dtype) == column.dtype
            for name, column in schema.columns.items()
            if name in frame.columns and column.dtype is not None
        )
    except TypeError:  # a dtype pandera does not know
        return False


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame | None:
    """pandera's failure cases of `frame` (None when it passes)."""
    try:
        # a shallow copy validated in place: pandera would otherwise deep-copy every column
        # (no coercion is configured, so nothing is written; copy-on-write keeps `frame` safe)
        schema.validate(frame.copy(deep=False), lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases
    return None


def _by_value(
    schema: pa.DataFrameSchema, frame: pd.DataFrame, where: Where, distinct: Mapping[str, Distinct]
) -> list[str]:
    """The columns to validate once per distinct value: known as codes into at most
    FEW_VALUES values, every rule of theirs deciding each value alone, in a table with more
    than BIG rows from one file whose rows each have a row number of their own (so that the
    report's order does not depend on the order pandera lists failures in)."""
    if len(frame) <= BIG or not distinct or len(where.names) != 1:
        return []
    columns = [
        name
        for name, column in schema.columns.items()
        if name in distinct
        and len(distinct[name].values) <= FEW_VALUES
        and name in frame.columns
        and not column.unique
        and all(check.name in PER_VALUE_CHECKS for check in column.checks)
    ]
    if columns and not rows_increase(where.rows):
        return []
    return columns


def _values_frame(columns: Mapping[str, Distinct]):  # type: ignore[no-untyped-def]
    """A frame with each column's distinct values (and a blank, where the column has one),
    repeated to the longest; and the function that turns failure cases on it into failure
    cases on the table's rows."""
    held = {}
    for name, d in columns.items():
        values = d.values
        if d.codes.min(initial=0) < 0:  # a blank row: the values frame has a blank too
            values = pd.concat([values, pd.Series([None], dtype=values.dtype)])
        held[name] = values.reset_index(drop=True)
    length = max(len(v) for v in held.values())
    frame = pd.DataFrame(
        {n: v.iloc[np.arange(length) % len(v)].reset_index(drop=True) for n, v in held.items()}
    )

    def spread(failed: pd.DataFrame) -> pd.DataFrame:
        """Failure cases of the values frame as failure cases of every row holding the
        value (a check that failed as a whole keeps its row)."""
        parts = []
        at_row = pd.to_numeric(failed["index"], errors="coerce")
        for (column, check), grp in failed.groupby(["column", "check"], sort=False):
            rows = at_row.loc[grp.index].dropna().astype("int64").to_numpy()
            if len(rows) == 0:
                parts.append(grp)
                continue
            d = columns[column]
            held_at = np.unique(rows % len(held[column]))  # the failing values' positions
            failing = np.zeros(len(d.values) + 1, dtype=bool)  # the last: a blank row
            failing[np.minimum(held_at, len(d.values))] = True
            pos = np.flatnonzero(failing[d.codes])  # code -1 reads the last entry
            # failure_case is not needed: the issues read each value from the table
            parts.append(
                pd.DataFrame({"column": column, "check": check, "failure_case": None, "index": pos})
            )
        return pd.concat(parts, ignore_index=True)

    return frame, spread


def _failures_to_issues(
    table: str, frame: pd.DataFrame, fc: pd.DataFrame, where: Where
) -> pd.DataFrame:
    """pandera failure cases -> one issue per failing cell (value read from `frame`)."""
    parts = []
    file = ", ".join(where.names)
    fc = fc.assign(check=fc["check"].astype(str), column=fc["column"].astype(str))
    missing = fc["check"] == "column_in_dataframe"
    for name in fc.loc[missing, "failure_case"].astype(str):
        rule, hint = describe_failure(table, name, "column_in_dataframe")
        parts.append(issues("error", table, file, [None], name, None, rule, hint))
    fc = fc.loc[~missing]
    framewide = fc["check"].isin(list(FRAME_CHECKS))
    groups = [
        (FRAME_CHECKS[check][0], check, grp)
        for check, grp in fc.loc[framewide].groupby("check", sort=False)
    ] + [
        (column, check, grp)
        for (column, check), grp in fc.loc[~framewide].groupby(["column", "check"], sort=False)
    ]
    for column, check, grp in groups:
        rule, hint = describe_failure(table, column, check)
        idx = pd.to_numeric(grp["index"], errors="coerce").dropna().astype("int64").unique()
        if len(idx) == 0:  # a check that failed as a whole (no row): report the column
            parts.append(issues("error", table, file, [None], column, None, rule, hint))
            continue
        pos = np.sort(idx)
        values = as_text(frame[column].iloc[pos]) if column in frame.columns else None
        parts.append(at("error", table, where, pos, column, values, rule, hint))
    return concat(parts)
