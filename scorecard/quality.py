"""Data-quality report: the issue rows and the checks that warn without stopping loading.

A report is a frame with `QUALITY_COLUMNS` (severity, table, file, row, column, value, rule,
hint); severity is `error` (stops loading), `warning` (kept in `Dataset.quality`; the
figures may be affected) or `info` (a note, e.g. an ignored file).

`dataset_warnings` runs the checks below on coerced tables, vectorised over rows:
- a code valid only in another collection year than the row's date (PLACE H5 in an episode
  starting after 1 April 2024; SEX 1/2 against M/F/U by the child's latest episode);
- overlapping episodes of one child, gaps in X1 chains, REC given while DEC is blank;
- duplicated rows; referrals repeated on (LAchildID, CINreferralDate); a child twice in
  header; repeated KS4 results;
- episodes of children without a header row; blank ACTIV/ACCOM in oc3; referrals closed
  before they started; IRO FTE above 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import codes
from .dataset import QUALITY_COLUMNS, TABLES

SEVERITIES = ("error", "warning", "info")
SHORT_BREAK_LS = ("V3", "V4")


# ------------------------------------------------------------------------ issue frames
def empty() -> pd.DataFrame:
    """An empty report."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in QUALITY_COLUMNS})


def display(values: object) -> pd.Series:
    """Values as the analyst would type them: dates dd/mm/YYYY, 1234.0 as 1234, blank ''."""
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    s = s.reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%d/%m/%Y").fillna("").astype(object)
    if pd.api.types.is_float_dtype(s):
        whole = s.notna() & (s == s.round())
        out = s.astype(str).astype(object)
        out[whole] = s[whole].astype("int64").astype(str)
        return out.where(s.notna(), "")
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_string_dtype(s):
        return s.astype(object).where(s.notna(), "").astype(str).astype(object)

    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            return ""
        if isinstance(v, pd.Timestamp):
            return v.strftime("%d/%m/%Y")
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return s.map(one).astype(object)


def issues(
    severity: str,
    table: str,
    file: str,
    rows: Sequence[object] | np.ndarray,
    column: str,
    values: object,
    rule: str | pd.Series,
    hint: str | pd.Series,
) -> pd.DataFrame:
    """Issue rows, one per entry of `rows` (values None: blank value)."""
    n = len(rows)
    vals = pd.Series([""] * n, dtype=object) if values is None else display(values)

    def col(v: object) -> object:
        return v.to_numpy(dtype=object) if isinstance(v, pd.Series) else v

    frame = pd.DataFrame(
        {
            "severity": severity,
            "table": table,
            "file": file,
            "row": pd.Series(np.asarray(rows, dtype=object), dtype=object),
            "column": column,
            "value": vals.to_numpy(dtype=object),
            "rule": col(rule),
            "hint": col(hint),
        },
        index=pd.RangeIndex(n),
    )
    return frame.astype(object)


def concat(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Issue frames stacked (empty report when none)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty()
    return pd.concat(parts, ignore_index=True)


def finalise(report: pd.DataFrame) -> pd.DataFrame:
    """One error per cell (the first found wins), sorted: errors first, then by table, file,
    row and column."""
    if report.empty:
        return empty()
    report = report.reset_index(drop=True)
    is_error = report["severity"] == "error"
    has_row = report["row"].notna()
    cell = report.loc[is_error & has_row, ["table", "file", "row", "column"]].astype(str)
    dup = cell.duplicated()
    report = report.drop(index=dup.index[dup.to_numpy()])
    table_order = {t: i for i, t in enumerate(TABLES)}
    keys = pd.DataFrame(
        {
            "sev": report["severity"].map({s: i for i, s in enumerate(SEVERITIES)}),
            "table": report["table"].map(table_order).fillna(len(table_order)),
            "file": report["file"].astype(str),
            "row": pd.to_numeric(report["row"], errors="coerce").fillna(-1),
            "column": report["column"].astype(str),
        },
        index=report.index,
    )
    order = keys.sort_values(list(keys.columns), kind="stable").index
    out = report.loc[order].reset_index(drop=True)
    return out[QUALITY_COLUMNS].astype(object)


# ------------------------------------------------------------------------------ checks
class _Ctx:
    """Tables with their files and row numbers, for building warnings."""

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        files: Mapping[str, str],
        rows: Mapping[str, np.ndarray],
    ) -> None:
        self.tables, self.files, self.rows = tables, files, rows

    def has(self, table: str, *cols: str) -> bool:
        return table in self.tables and all(c in self.tables[table].columns for c in cols)

    def warn(
        self,
        table: str,
        mask: np.ndarray | pd.Series,
        column: str,
        rule: str | pd.Series,
        hint: str | pd.Series,
        values: pd.Series | None = None,
    ) -> pd.DataFrame:
        """Warnings for the rows of `table` where `mask` is true."""
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            return empty()
        frame = self.tables[table]
        pos = np.flatnonzero(m)
        vals = frame[column].iloc[pos] if values is None else values.iloc[pos]
        # Series rule/hint are indexed by the table's row labels (only the flagged rows needed)
        labels = frame.index[pos]
        rule = rule.reindex(labels) if isinstance(rule, pd.Series) else rule
        hint = hint.reindex(labels) if isinstance(hint, pd.Series) else hint
        return issues(
            "warning", table, self.files[table], self.rows[table][pos], column, vals, rule, hint
        )


def _child_keys(frame: pd.DataFrame, col: str = "CHILD") -> list[str]:
    return ["LA", col] if "LA" in frame.columns else [col]


def _year_label(start: pd.Series) -> pd.Series:
    s = start.astype("Int64").astype(str)
    end = ((start + 1) % 100).astype("Int64").astype(str).str.zfill(2)
    return s + "-" + end


def _out_of_year(
    ctx: _Ctx, table: str, column: str, list_name: str, start_year: pd.Series, what: str
) -> pd.DataFrame:
    """Codes valid in some collection year, but not in the year of the row's date."""
    frame = ctx.tables[table]
    if not codes.versioned(list_name):
        return empty()
    first, last = codes.year_bounds(list_name)
    code = frame[column]
    lo = code.map(first).astype("float64")
    hi = code.map(last).astype("float64")
    year = start_year.clip(codes.FIRST_YEAR, codes.LAST_YEAR)
    bad = ((year < lo) | (year > hi)).fillna(False).to_numpy(dtype=bool)
    if not bad.any():
        return empty()
    code, lo, hi, start_year = code[bad], lo[bad], hi[bad], start_year[bad]
    valid_in = _year_label(lo) + " to " + _year_label(hi)
    valid_in = valid_in.where(hi < codes.LAST_YEAR, "from " + _year_label(lo))
    valid_in = valid_in.where(lo > codes.FIRST_YEAR, "up to " + _year_label(hi))
    rule = f"{list_name} code not valid in the collection year of " + what
    hint = (
        code.astype(str)
        + " is valid "
        + valid_in.astype(str)
        + " only, not in "
        + _year_label(start_year).astype(str)
        + "; DfE changed the list, recode it for that year."
    )
    return ctx.warn(table, bad, column, rule, hint)


def code_year_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """PLACE H5 after April 2024, Z1 after April 2025, SEX 1/2 vs M/F/U ... (by row date)."""
    out = []
    if ctx.has("episodes", "DECOM"):
        ep = ctx.tables["episodes"]
        start = codes.collection_year_start(ep["DECOM"])
        for col in ("LS", "RNE", "PLACE", "PLACE_PROVIDER", "REASON_PLACE_CHANGE"):
            if col in ep.columns:
                out.append(_out_of_year(ctx, "episodes", col, col, start, "DECOM"))
        if "REC" in ep.columns and "DEC" in ep.columns:
            out.append(
                _out_of_year(
                    ctx, "episodes", "REC", "REC", codes.collection_year_start(ep["DEC"]), "DEC"
                )
            )
    if ctx.has("oc3", "YEAR"):
        oc3 = ctx.tables["oc3"]
        for col in ("IN_TOUCH", "ACTIV", "ACCOM"):
            if col in oc3.columns:
                out.append(_out_of_year(ctx, "oc3", col, col, oc3["YEAR"] - 1, "YEAR"))
    if ctx.has("episodes", "CHILD", "DECOM"):
        ep = ctx.tables["episodes"]
        keys = _child_keys(ep)
        latest = ep.assign(_d=ep[["DECOM", "DEC"]].max(axis=1) if "DEC" in ep else ep["DECOM"])
        latest = latest.groupby(keys, sort=False)["_d"].max().rename("_latest").reset_index()
        for table in ("header", "uasc"):
            if ctx.has(table, "CHILD", "SEX") and all(k in ctx.tables[table] for k in keys):
                frame = ctx.tables[table]
                when = frame[keys].merge(latest, how="left", on=keys)["_latest"]
                when.index = frame.index
                start = codes.collection_year_start(when)
                out.append(
                    _out_of_year(ctx, table, "SEX", "SEX", start, "the child's latest episode")
                )
    return out


def episode_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """Overlaps, gaps in X1 chains and REC without DEC (V3/V4 short breaks left out)."""
    if not ctx.has("episodes", "CHILD", "DECOM", "DEC", "REC"):
        return []
    ep = ctx.tables["episodes"]
    out = []
    rec_no_dec = ep["REC"].notna() & ep["DEC"].isna()
    out.append(
        ctx.warn(
            "episodes",
            rec_no_dec,
            "REC",
            "REC given but DEC blank",
            "An open episode has no reason for ending; blank REC or fill in DEC.",
        )
    )
    keys = _child_keys(ep)
    cols = [*keys, "DECOM", "DEC", "REC"]
    use = ep.loc[ep["CHILD"].notna() & ep["DECOM"].notna(), cols]
    if "LS" in ep.columns:
        use = use.loc[~ep.loc[use.index, "LS"].isin(SHORT_BREAK_LS)]
    use = use.loc[~ep.loc[use.index].duplicated()]
    use = use.sort_values([*keys, "DECOM", "DEC"], kind="stable", na_position="last")
    same_child = pd.Series(True, index=use.index)
    for k in keys:
        same_child &= use[k].eq(use[k].shift(-1))
    next_decom = use["DECOM"].shift(-1)
    # this episode is still running when the next one of the same child starts
    running = use["DEC"].isna() | (next_decom < use["DEC"])
    overlap_prev = (same_child & running).shift(1, fill_value=False).astype(bool)
    overlap = pd.Series(False, index=ep.index)
    overlap[use.index[overlap_prev.to_numpy()]] = True
    prev_dec = use["DEC"].shift(1)[overlap_prev]
    hint = (
        "Starts before the child's previous episode ends (DEC "
        + prev_dec.dt.strftime("%d/%m/%Y").fillna("still open").astype(str)
        + "); episodes of a child must not overlap."
    )
    out.append(
        ctx.warn("episodes", overlap, "DECOM", "overlaps the child's previous episode", hint)
    )
    x1 = use["REC"].eq("X1") & use["DEC"].notna()
    gap = x1 & ~(same_child & next_decom.eq(use["DEC"]))
    gap_rows = pd.Series(False, index=ep.index)
    gap_rows[use.index[gap.to_numpy()]] = True
    nxt = next_decom.where(same_child)[gap].dt.strftime("%d/%m/%Y").fillna("none")
    gap_hint = (
        "REC X1 says a new episode starts on DEC, but the next episode starts: "
        + nxt.astype(str)
        + "; the period of care is split here."
    )
    out.append(ctx.warn("episodes", gap_rows, "REC", "gap in a chain of X1 episodes", gap_hint))
    if ctx.has("header", "CHILD") and all(k in ctx.tables["header"] for k in keys):
        known = pd.MultiIndex.from_frame(ctx.tables["header"][keys].astype(str))
        mine = pd.MultiIndex.from_frame(ep[keys].astype(str))
        orphan = ~mine.isin(known) & ep["CHILD"].notna().to_numpy()
        first = ~ep[keys].duplicated().to_numpy()
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


def duplicate_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """Repeated rows, repeated referrals, children twice in header, repeated KS4 results."""
    out = []
    for table, frame in ctx.tables.items():
        if table == "referrals" or frame.empty:
            continue
        dup = frame.duplicated(keep="first")
        out.append(
            ctx.warn(
                table,
                dup,
                TABLES[table][0] if TABLES[table][0] in frame else frame.columns[0],
                "duplicated row",
                "This row repeats an earlier row exactly; remove the copy.",
            )
        )
    if ctx.has("referrals", "LAchildID", "CINreferralDate"):
        ref = ctx.tables["referrals"]
        dup = ref.duplicated([*_child_keys(ref, "LAchildID"), "CINreferralDate"], keep="first")
        out.append(
            ctx.warn(
                "referrals",
                dup & ref["LAchildID"].notna(),
                "CINreferralDate",
                "referral repeated for the same child and date",
                "Counted once; remove the repeated row.",
            )
        )
    for table, col, what in (
        ("header", None, "child appears more than once in header (the last row is used)"),
        ("ks4_cla", "ACADEMIC_YEAR", "child has two KS4 results for the same academic year"),
    ):
        if not ctx.has(table, "CHILD") or (col and col not in ctx.tables[table]):
            continue
        frame = ctx.tables[table]
        keys = _child_keys(frame) + ([col] if col else [])
        again = frame.duplicated(keys, keep="first") & ~frame.duplicated(keep="first")
        out.append(
            ctx.warn(
                table,
                again & frame["CHILD"].notna(),
                "CHILD",
                what,
                "Keep one row per child; check which one is right.",
            )
        )
    return out


def other_warnings(ctx: _Ctx) -> list[pd.DataFrame]:
    """Blank care-leaver codes, closures before referrals, FTE above 1."""
    out = []
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
    if ctx.has("iro_staff", "FTE"):
        big = ctx.tables["iro_staff"]["FTE"] > 1
        out.append(
            ctx.warn(
                "iro_staff",
                big,
                "FTE",
                "FTE above 1",
                "FTE is the share of a full-time post (1 = full time).",
            )
        )
    return out


def dataset_warnings(
    tables: Mapping[str, pd.DataFrame],
    files: Mapping[str, str],
    rows: Mapping[str, np.ndarray],
) -> pd.DataFrame:
    """Every warning of the checks above for coerced tables."""
    ctx = _Ctx(tables, files, rows)
    parts: list[pd.DataFrame] = []
    for check in (code_year_warnings, episode_warnings, duplicate_warnings, other_warnings):
        parts += check(ctx)
    return concat(parts)


__all__ = [
    "SEVERITIES",
    "concat",
    "dataset_warnings",
    "display",
    "empty",
    "finalise",
    "issues",
]
