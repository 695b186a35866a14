"""Validating: each coerced table against its pandera model, lazily, so that every failing
cell of every file is found at once; failures become report rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .report import Where, at, concat, empty, issues
from .schemas import FRAME_CHECKS, MODELS, describe_failure


def schema_issues(table: str, frame: pd.DataFrame, where: Where) -> pd.DataFrame:
    """Run the pandera model of `table` (a loaded table: RangeIndex) lazily; failures as
    issue rows, each failing cell marked by its position (`pos`)."""
    try:
        # a shallow copy validated in place: pandera would otherwise deep-copy every column
        # (no coercion is configured, so nothing is written; copy-on-write keeps `frame` safe)
        MODELS[table].validate(frame.copy(deep=False), lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        return _failures_to_issues(table, frame, exc.failure_cases, where)
    return empty()


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
        values = frame[column].iloc[pos] if column in frame.columns else None
        parts.append(at("error", table, where, pos, column, values, rule, hint))
    return concat(parts)
