"""Naming the columns: the DfE names of every table's columns, how each is coerced, and the
names councils use for them.

`TABLES` (in `scorecard.dataset`) lists each table's required columns; `OPTIONAL` its
optional ones (every table may also carry `LA`, pooled data). `column_kind` says how the
coerce stage reads a column; `canonical` maps a header as written (any case, padded) to its
DfE name.
"""

from __future__ import annotations

from ..dataset import TABLES

DATE_COLUMNS = frozenset(
    {"DOB", "MC_DOB", "DECOM", "DEC", "DUC", "CINreferralDate", "CINclosureDate", "START", "END"}
)
NUMERIC_COLUMNS = frozenset(
    {
        "FTE",
        "ATT8",
        "EM94",
        "PUPILS",
        "AVG_ATT8",
        "PCT_EM94",
        "POP_0_17",
        "MID_YEAR",
        "YEAR",
        "PL_DISTANCE",
    }
)
IDENTIFIER_COLUMNS = frozenset({"CHILD", "LAchildID", "IRO_ID", "UPN", "URN", "LA"})
# codes are stripped and upper-cased (postcodes too, so outward codes match the lookup)
CODE_COLUMNS = frozenset(
    {
        "SEX",
        "ETHNIC",
        "MOTHER",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "REASON_PLACE_CHANGE",
        "REC",
        "IN_TOUCH",
        "ACTIV",
        "ACCOM",
        "CASE_TYPE",
        "ReferralSource",
        "PrimaryNeedCode",
        "ReasonForClosure",
        "ReferralNFA",
        "HOME_POST",
        "PL_POST",
        "POSTCODE_DISTRICT",
    }
)
ACADEMIC_YEAR_COLUMNS = frozenset({"ACADEMIC_YEAR"})
TEXT_COLUMNS = frozenset({"DISTRICT"})

# Optional columns per table (SPEC section 3); every table may also carry `LA`.
OPTIONAL: dict[str, tuple[str, ...]] = {
    "header": ("ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
        "CIN",
        "PLACE_PROVIDER",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
        "PL_DISTANCE",
    ),
    "uasc": ("SEX", "DOB"),
    "oc3": (),
    "referrals": (
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "ReferralNFA",
    ),
    "iro_allocations": ("CASE_TYPE",),
    "iro_staff": (),
    "ks4_cla": (),
    "ks4_all": (),
    "population": (),
    "districts": (),
}


def known_columns(table: str) -> tuple[str, ...]:
    """Required, then optional columns of `table`, then `LA`."""
    return (*TABLES[table], *OPTIONAL.get(table, ()), "LA")


def column_kind(column: str) -> str:
    """date | number | identifier | code | academic_year | text (unknown columns: text)."""
    for kind, cols in (
        ("date", DATE_COLUMNS),
        ("number", NUMERIC_COLUMNS),
        ("identifier", IDENTIFIER_COLUMNS),
        ("code", CODE_COLUMNS),
        ("academic_year", ACADEMIC_YEAR_COLUMNS),
    ):
        if column in cols:
            return kind
    return "text"


def clean_name(name: object) -> str:
    """A header as written, without a byte-order mark or padding."""
    return str(name).replace("\ufeff", "").strip()


_CANONICAL = {c.upper(): c for t in TABLES for c in known_columns(t)}


def canonical(name: object) -> str:
    """The DfE name of a header written in any case ('lachildid' -> 'LAchildID'); unknown
    headers are returned cleaned."""
    text = clean_name(name)
    return _CANONICAL.get(text.upper(), text)


def tables_from_headers(columns: list[str]) -> list[str]:
    """Tables whose required columns are all present, most specific only."""
    have = {c.upper() for c in columns}
    hits = [t for t, req in TABLES.items() if all(c.upper() in have for c in req)]
    # drop a candidate whose required columns are a strict subset of another candidate's
    return [t for t in hits if not any(set(TABLES[t]) < set(TABLES[o]) for o in hits if o != t)]
