"""Pandera models of the input tables (SPEC section 3) and the words used to report failures.

One `DataFrameModel` per table. The models run on frames that the coerce stage has already
brought to the dtype contract (identifiers and codes `str`, dates `datetime64[ns]`, numbers
`float64`), so they check content: required columns, blanks, code lists, ranges and
cross-column rules. Unknown extra columns are allowed (`strict = False`).

`describe_failure` turns a pandera check name into the rule and one-line hint shown to the
analyst.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .. import codes

# which code list checks which column
CODE_LIST_OF_COLUMN: dict[str, str] = {
    "LS": "LS",
    "RNE": "RNE",
    "PLACE": "PLACE",
    "PLACE_PROVIDER": "PLACE_PROVIDER",
    "REC": "REC",
    "REASON_PLACE_CHANGE": "REASON_PLACE_CHANGE",
    "IN_TOUCH": "IN_TOUCH",
    "ACTIV": "ACTIV",
    "ACCOM": "ACCOM",
    "SEX": "SEX",
    "PL_LOCATION": "PL_LOCATION",
}
CASE_TYPES = ("CLA", "CP")
MAX_DISTANCE = 999.9  # miles: the most PL_DISTANCE can be (DfE rule 164)


def _codes(column: str) -> list[str]:
    return sorted(codes.valid_codes(CODE_LIST_OF_COLUMN[column]))


def _absent(df: pd.DataFrame, *cols: str) -> bool:
    return any(c not in df.columns for c in cols)


def _ends_before_start(df: pd.DataFrame, start: str, end: str) -> pd.Series:
    """True where the row is fine: end blank or end >= start (missing columns: all fine)."""
    if _absent(df, start, end):
        return pd.Series(True, index=df.index)
    return ~(df[end] < df[start])


# ---------------------------------------------------------------------------- the models
class _Table(pa.DataFrameModel):
    """Every table may carry `LA` (pooled regional or national data)."""

    LA: Series[str] | None = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False


class Header(_Table):
    CHILD: Series[str] = pa.Field()
    SEX: Series[str] = pa.Field(isin=_codes("SEX"))
    DOB: Series[pd.Timestamp] = pa.Field()
    ETHNIC: Series[str] | None = pa.Field(nullable=True)
    UPN: Series[str] | None = pa.Field(nullable=True)
    MOTHER: Series[str] | None = pa.Field(nullable=True)
    MC_DOB: Series[pd.Timestamp] | None = pa.Field(nullable=True)


class Episodes(_Table):
    CHILD: Series[str] = pa.Field()
    DECOM: Series[pd.Timestamp] = pa.Field()
    RNE: Series[str] = pa.Field(isin=_codes("RNE"))
    LS: Series[str] = pa.Field(isin=_codes("LS"))
    PLACE: Series[str] = pa.Field(isin=_codes("PLACE"))
    DEC: Series[pd.Timestamp] = pa.Field(nullable=True)
    REC: Series[str] = pa.Field(nullable=True, isin=_codes("REC"))
    CIN: Series[str] | None = pa.Field(nullable=True)
    PLACE_PROVIDER: Series[str] | None = pa.Field(nullable=True, isin=_codes("PLACE_PROVIDER"))
    REASON_PLACE_CHANGE: Series[str] | None = pa.Field(
        nullable=True, isin=_codes("REASON_PLACE_CHANGE")
    )
    HOME_POST: Series[str] | None = pa.Field(nullable=True)
    PL_POST: Series[str] | None = pa.Field(nullable=True)
    URN: Series[str] | None = pa.Field(nullable=True)
    # miles from home to placement, from the postcodes: 0.0 to 999.9 (DfE rule 164)
    PL_DISTANCE: Series[float] | None = pa.Field(nullable=True, ge=0, le=MAX_DISTANCE)
    PL_LOCATION: Series[str] | None = pa.Field(nullable=True, isin=_codes("PL_LOCATION"))
    PL_LA: Series[str] | None = pa.Field(nullable=True)

    @pa.dataframe_check
    def dec_not_before_decom(cls, df: pd.DataFrame) -> pd.Series:
        return _ends_before_start(df, "DECOM", "DEC")

    @pa.dataframe_check
    def rec_when_ceased(cls, df: pd.DataFrame) -> pd.Series:
        if _absent(df, "DEC", "REC"):
            return pd.Series(True, index=df.index)
        return ~(df["DEC"].notna() & df["REC"].isna())


class Uasc(_Table):
    CHILD: Series[str] = pa.Field()
    DUC: Series[pd.Timestamp] = pa.Field(nullable=True)
    SEX: Series[str] | None = pa.Field(nullable=True, isin=_codes("SEX"))
    DOB: Series[pd.Timestamp] | None = pa.Field(nullable=True)


class Oc3(_Table):
    CHILD: Series[str] = pa.Field()
    DOB: Series[pd.Timestamp] = pa.Field()
    IN_TOUCH: Series[str] = pa.Field(isin=_codes("IN_TOUCH"))
    ACTIV: Series[str] = pa.Field(nullable=True, isin=_codes("ACTIV"))
    ACCOM: Series[str] = pa.Field(nullable=True, isin=_codes("ACCOM"))
    YEAR: Series[float] = pa.Field(in_range={"min_value": 2000, "max_value": 2100})

    @pa.check("YEAR", name="whole_year")
    def _whole_year(cls, s: pd.Series) -> pd.Series:
        return s == s.round()


class Referrals(_Table):
    LAchildID: Series[str] = pa.Field()
    CINreferralDate: Series[pd.Timestamp] = pa.Field()
    ReferralSource: Series[str] | None = pa.Field(nullable=True)
    PrimaryNeedCode: Series[str] | None = pa.Field(nullable=True)
    CINclosureDate: Series[pd.Timestamp] | None = pa.Field(nullable=True)
    ReasonForClosure: Series[str] | None = pa.Field(nullable=True)
    ReferralNFA: Series[str] | None = pa.Field(nullable=True)


class IroAllocations(_Table):
    IRO_ID: Series[str] = pa.Field()
    CHILD: Series[str] = pa.Field()
    START: Series[pd.Timestamp] = pa.Field()
    END: Series[pd.Timestamp] = pa.Field(nullable=True)
    CASE_TYPE: Series[str] | None = pa.Field(nullable=True, isin=list(CASE_TYPES))

    @pa.dataframe_check
    def end_not_before_start(cls, df: pd.DataFrame) -> pd.Series:
        return _ends_before_start(df, "START", "END")


class IroStaff(_Table):
    IRO_ID: Series[str] = pa.Field()
    FTE: Series[float] = pa.Field(gt=0)
    START: Series[pd.Timestamp] = pa.Field()
    END: Series[pd.Timestamp] = pa.Field(nullable=True)

    @pa.dataframe_check
    def end_not_before_start(cls, df: pd.DataFrame) -> pd.Series:
        return _ends_before_start(df, "START", "END")


class Ks4Cla(_Table):
    CHILD: Series[str] = pa.Field()
    ACADEMIC_YEAR: Series[str] = pa.Field()
    ATT8: Series[float] = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 90})
    EM94: Series[float] = pa.Field(nullable=True, isin=[0.0, 1.0])


class Ks4All(_Table):
    ACADEMIC_YEAR: Series[str] = pa.Field()
    PUPILS: Series[float] = pa.Field(ge=0)
    AVG_ATT8: Series[float] = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 90})
    PCT_EM94: Series[float] = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 100})

    @pa.check("AVG_ATT8", "PCT_EM94", name="all_pupil_figure_not_0")
    def _not_zero(cls, s: pd.Series) -> pd.Series:
        """No authority's all-pupil figure is 0 (England's EM94 is 60-75%): a 0 is a blank
        written as 0, and taken as written it gives a gap equal to minus the cohort's own
        level (`describe_failure`). Blanks are not checked."""
        return s != 0

    @pa.dataframe_check
    def one_row_per_academic_year(cls, df: pd.DataFrame) -> pd.Series:
        """False on every row of a year (per LA when pooled) written twice with different
        figures: which is the authority's cannot be known, so none is used (the gap of that
        year says so). Exact copies pass: loading keeps one. The England and regional rows
        of a DfE download are left out before this (`load._other_areas`)."""
        keys = [c for c in ("LA", "ACADEMIC_YEAR") if c in df.columns]
        if "ACADEMIC_YEAR" not in keys:
            return pd.Series(True, index=df.index)
        figures = [c for c in ("PUPILS", "AVG_ATT8", "PCT_EM94") if c in df.columns]
        distinct = df.drop_duplicates([*keys, *figures])
        clash = distinct.loc[distinct.duplicated(keys, keep=False), keys].drop_duplicates()
        if clash.empty:
            return pd.Series(True, index=df.index)
        flagged = df[keys].merge(clash.assign(_bad=True), how="left", on=keys)["_bad"]
        return pd.Series(flagged.isna().to_numpy(), index=df.index)


class Population(_Table):
    MID_YEAR: Series[float] = pa.Field(in_range={"min_value": 1990, "max_value": 2100})
    POP_0_17: Series[float] = pa.Field(gt=0)

    @pa.dataframe_check
    def one_row_per_mid_year(cls, df: pd.DataFrame) -> pd.Series:
        keys = [c for c in ("LA", "MID_YEAR") if c in df.columns]
        if "MID_YEAR" not in keys:
            return pd.Series(True, index=df.index)
        return ~df.duplicated(keys, keep=False)


class Districts(_Table):
    POSTCODE_DISTRICT: Series[str] = pa.Field()
    DISTRICT: Series[str] = pa.Field()

    @pa.dataframe_check
    def one_district_per_postcode_district(cls, df: pd.DataFrame) -> pd.Series:
        keys = [c for c in ("LA", "POSTCODE_DISTRICT") if c in df.columns]
        if _absent(df, "POSTCODE_DISTRICT", "DISTRICT"):
            return pd.Series(True, index=df.index)
        distinct = df.drop_duplicates([*keys, "DISTRICT"])
        clash = distinct.duplicated(keys, keep=False)
        bad = distinct.loc[clash, keys].drop_duplicates()
        if bad.empty:
            return pd.Series(True, index=df.index)
        flagged = df[keys].merge(bad.assign(_bad=True), how="left", on=keys)["_bad"]
        return pd.Series(flagged.isna().to_numpy(), index=df.index)


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "header": Header,
    "episodes": Episodes,
    "uasc": Uasc,
    "oc3": Oc3,
    "referrals": Referrals,
    "iro_allocations": IroAllocations,
    "iro_staff": IroStaff,
    "ks4_cla": Ks4Cla,
    "ks4_all": Ks4All,
    "population": Population,
    "districts": Districts,
}

# ------------------------------------------------------------------------ failure wording
# dataframe-level checks: (column reported, rule, hint)
FRAME_CHECKS: dict[str, tuple[str, str, str]] = {
    "dec_not_before_decom": (
        "DEC",
        "DEC before DECOM",
        "An episode cannot end before it starts: check DEC and DECOM (dd/mm/YYYY).",
    ),
    "rec_when_ceased": (
        "REC",
        "REC blank but DEC given",
        "An episode that ended needs its reason in REC (X1 when a new episode follows).",
    ),
    "end_not_before_start": (
        "END",
        "END before START",
        "END must be on or after START; leave END blank while still open.",
    ),
    "one_row_per_academic_year": (
        "ACADEMIC_YEAR",
        "ACADEMIC_YEAR repeated with different figures",
        "Give one ks4_all row per academic year (per LA when pooled): your authority's own "
        "figures, not England's or the region's; that year's gap is not available until then.",
    ),
    "one_row_per_mid_year": (
        "MID_YEAR",
        "MID_YEAR repeated",
        "Give one population row per mid-year estimate (per LA when pooled).",
    ),
    "one_district_per_postcode_district": (
        "POSTCODE_DISTRICT",
        "postcode district mapped to two districts",
        "Each postcode district (outward code) must map to exactly one DISTRICT.",
    ),
}


def _short_list(values: list[str], limit: int = 14) -> str:
    shown = ", ".join(values[:limit])
    more = len(values) - limit
    return shown + (f" (and {more} more)" if more > 0 else "")


def describe_failure(table: str, column: str, check: str) -> tuple[str, str]:
    """(rule, hint) for a pandera check that failed on `table.column`."""
    if check == "column_in_dataframe":
        return (
            "required column missing",
            f"Add a column headed {column} to the {table} file (DfE name, any case).",
        )
    if check == "not_nullable":
        return (
            "blank in a required column",
            f"Fill in {column}: every {table} row needs it.",
        )
    if check.startswith("isin("):
        if column in CODE_LIST_OF_COLUMN:
            valid = _codes(column)
            return (
                f"unknown {CODE_LIST_OF_COLUMN[column]} code",
                f"Not a DfE {column} code in any collection year; use one of: "
                f"{_short_list(valid)}.",
            )
        if column == "CASE_TYPE":
            return ("unknown CASE_TYPE", "CASE_TYPE is CLA or CP (blank means CLA).")
        if column == "EM94":
            return ("EM94 not 0/1", "EM94 is 1 for grade 4+ in English and maths, else 0.")
        return ("value not allowed", f"Check the allowed values of {column}.")
    if column == "PL_DISTANCE" and check.startswith("less_than_or_equal_to("):
        return (
            f"over {MAX_DISTANCE} miles",
            f"PL_DISTANCE is the miles from home to placement, {MAX_DISTANCE} at most (DfE "
            "rule 164); a thousands separator ('1,234') or a distance in another unit gives "
            "a larger number.",
        )
    if check.startswith("greater_than(0)"):
        return ("not positive", f"{column} must be greater than 0.")
    if check.startswith("greater_than_or_equal_to(0)"):
        return ("negative", f"{column} cannot be negative.")
    if column == "YEAR" and (check.startswith("in_range(") or check == "whole_year"):
        return (
            "not a collection year",
            "YEAR is the collection year's end (2025 for 2024-25); 2024-25 and 202425 are "
            "read too.",
        )
    if check == "all_pupil_figure_not_0":
        return (
            "0: not an authority's all-pupil figure",
            f"No authority's all-pupil {column} is 0: a blank, or a figure not published, "
            "written as 0? Leave the cell blank (or write DfE's x) where there is no figure; "
            "that year's gap is not available until the figure is there.",
        )
    if check.startswith("in_range("):
        low, high = check[len("in_range(") : -1].split(", ")
        return (f"outside {low}-{high}", f"{column} must be between {low} and {high}.")
    if check == "whole_year":
        return ("not a whole year", f"{column} is a year such as 2025.")
    if check.startswith("dtype("):
        return ("wrong type", f"{column} has values of the wrong type.")
    if check in FRAME_CHECKS:
        return FRAME_CHECKS[check][1:]
    return (check, "")
