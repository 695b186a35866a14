"""Naming the columns: the DfE names of every table's columns, how each is coerced, and the
names councils use for them.

`TABLES` (in `scorecard.tables`) lists each table's required columns; `OPTIONAL` its
optional ones (every table may also carry `LA`, pooled data). `OTHER_TABLES` are the other
SSDA903 tables (OC2, AD1, missing, reviews, ...): recognised and kept, lightly validated, used
by no indicator yet. `column_kind` says how the coerce stage reads a column; `canonical` maps
a header as written (any case, padded, or a name councils use such as PL or CHILDID) to its
DfE name.
"""

from __future__ import annotations

import re

from ..tables import TABLES

# the other SSDA903 tables, with their columns as in the DfE guidance (first: required)
OTHER_TABLES: dict[str, tuple[str, ...]] = {
    "oc2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "ad1": (
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "placed_for_adoption": (
        "CHILD",
        "DOB",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ),
    "previous_permanence": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "sw_episodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "dolo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}
# the columns that tell a file of each table by its headers (OC3 without YEAR too)
RECOGNISED_BY: dict[str, tuple[str, ...]] = {
    **TABLES,
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "oc2": ("CHILD", "CONVICTED", "HEALTH_CHECK"),
    "ad1": ("CHILD", "DATE_INT", "DATE_MATCH"),
    "missing": ("CHILD", "MISSING", "MIS_START"),
    "reviews": ("CHILD", "REVIEW", "REVIEW_CODE"),
    "placed_for_adoption": ("CHILD", "DATE_PLACED"),
    "previous_permanence": ("CHILD", "PREV_PERM"),
    "sw_episodes": ("CHILD", "SW_ID", "SW_DECOM"),
    "dolo": ("CHILD", "DOLO_START"),
}
# every table a folder may hold: the SPEC tables, then the other SSDA903 tables
ALL_TABLES: tuple[str, ...] = (*TABLES, *OTHER_TABLES)
# names councils and the DfE's XML use for a column
ALIASES: dict[str, str] = {"PL": "PLACE", "CHILDID": "CHILD"}
# the SSDA903 guide's names of its fields, as case-management reports (Mosaic, Liquidlogic)
# head their exports of them: one DfE column each, never a guess between two
ALIASES |= {
    "CHILD ID": "CHILD",
    "DATE OF BIRTH": "DOB",
    "DATE EPISODE COMMENCED": "DECOM",
    "EPISODE START DATE": "DECOM",
    "DATE EPISODE CEASED": "DEC",
    "EPISODE END DATE": "DEC",
    "REASON FOR NEW EPISODE": "RNE",
    "LEGAL STATUS": "LS",
    "CATEGORY OF NEED": "CIN",
    "PLACEMENT TYPE": "PLACE",
    "PLACEMENT PROVIDER": "PLACE_PROVIDER",
    "REASON EPISODE CEASED": "REC",
    "REASON FOR PLACEMENT CHANGE": "REASON_PLACE_CHANGE",
    "HOME POSTCODE": "HOME_POST",
    "PLACEMENT POSTCODE": "PL_POST",
    "PLACEMENT DISTANCE": "PL_DISTANCE",
    "PLACEMENT LOCATION": "PL_LOCATION",
    "DATE UASC CEASED": "DUC",
}

DATE_COLUMNS = frozenset(
    {
        "DOB",
        "MC_DOB",
        "DECOM",
        "DEC",
        "DUC",
        "CINreferralDate",
        "CINclosureDate",
        "START",
        "END",
        "DATE_INT",
        "DATE_MATCH",
        "MIS_START",
        "MIS_END",
        "REVIEW",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "DATE_PERM",
        "SW_DECOM",
        "SW_DEC",
        "DOLO_START",
        "DOLO_END",
    }
)
# dates that end something (blank: still open); a far-future placeholder there means open
END_DATE_COLUMNS = frozenset(
    {
        "DEC",
        "END",
        "CINclosureDate",
        "MIS_END",
        "DATE_PLACED_CEASED",
        "SW_DEC",
        "DOLO_END",
    }
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
        "PL_DISTANCE",
    }
)
# the collection year of a care leaver's OC3 row: its end (2025 = 2024-25)
COLLECTION_YEAR_COLUMNS = frozenset({"YEAR"})
IDENTIFIER_COLUMNS = frozenset({"CHILD", "LAchildID", "IRO_ID", "UPN", "URN", "LA", "PL_LA"})
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
        "PL_LOCATION",
        "SDQ_REASON",
        "SEX_ADOPTR",
        "LS_ADOPTR",
        "REASON_PLACED_CEASED",
        "PREV_PERM",
        "MISSING",
        "REVIEW_CODE",
        "SW_REASON",
    }
)
# postcodes are written like codes but are not from a short list: the pooled data of 150 LAs
# has 227,000 placement postcodes in 1.4 M episodes
POSTCODE_COLUMNS = frozenset({"HOME_POST", "PL_POST", "POSTCODE_DISTRICT"})
# columns whose values come from a short list (the codes, the LA): read from Parquet as its
# dictionaries, so that coercing and checking them looks at each distinct value once. Not
# the postcodes: Parquet writers give up their dictionaries part way through a column that
# has so many values, and reading it as one then hashes every cell (PL_POST: 4 times the
# plain read; loading the peers' two tables took 0.6 s less CPU without the postcodes here)
FEW_VALUED_COLUMNS = (CODE_COLUMNS - POSTCODE_COLUMNS) | {"LA", "PL_LA"}
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
        "PL_LOCATION",
        "PL_LA",
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


def required(table: str) -> tuple[str, ...]:
    """The columns a table cannot be used without (the other SSDA903 tables: CHILD)."""
    return TABLES.get(table, ("CHILD",))


def known_columns(table: str) -> tuple[str, ...]:
    """Required, then optional columns of `table`, then `LA`."""
    if table in OTHER_TABLES:
        return (*OTHER_TABLES[table], "LA")
    return (*TABLES[table], *OPTIONAL.get(table, ()), "LA")


def column_kind(column: str) -> str:
    """date | number | identifier | code | academic_year | collection_year | text (unknown
    columns: text)."""
    for kind, cols in (
        ("date", DATE_COLUMNS),
        ("number", NUMERIC_COLUMNS),
        ("identifier", IDENTIFIER_COLUMNS),
        ("code", CODE_COLUMNS),
        ("academic_year", ACADEMIC_YEAR_COLUMNS),
        ("collection_year", COLLECTION_YEAR_COLUMNS),
    ):
        if column in cols:
            return kind
    return "text"


def clean_name(name: object) -> str:
    """A header as written, without a byte-order mark or padding."""
    return str(name).replace("\ufeff", "").strip()


_CANONICAL = {c.upper(): c for t in ALL_TABLES for c in known_columns(t)}
_CANONICAL.update(ALIASES)


def _squashed(text: str) -> str:
    """A header without case, spaces, underscores or hyphens ('Place provider', 'PLACE-
    PROVIDER' and 'PLACE_PROVIDER' alike)."""
    return re.sub(r"[\s_\-]+", "", text.upper())


_BY_SQUASHED: dict[str, set[str]] = {}
for _key, _name in _CANONICAL.items():
    _BY_SQUASHED.setdefault(_squashed(_key), set()).add(_name)
# only where one DfE name is meant
_SQUASHED = {k: next(iter(v)) for k, v in _BY_SQUASHED.items() if len(v) == 1}


def canonical(name: object) -> str:
    """The DfE name of a header written in any case ('lachildid' -> 'LAchildID', 'PL' ->
    'PLACE'), or with spaces or hyphens for its underscores or between its words ('PLACE
    PROVIDER', 'Referral Source'); unknown headers are returned cleaned."""
    text = clean_name(name)
    found = _CANONICAL.get(text.upper())
    return found if found is not None else _SQUASHED.get(_squashed(text), text)


def tables_from_headers(columns: list[str]) -> list[str]:
    """Tables whose identifying columns are all present, most specific only: a candidate
    whose identifying columns are a strict subset of another's is dropped, then the ones that
    know the most of the file's columns are kept (CHILD, SEX, DOB, DUC is uasc: header does
    not know DUC)."""
    have = {canonical(c) for c in columns}
    hits = [t for t, req in RECOGNISED_BY.items() if set(req) <= have]
    hits = [
        t
        for t in hits
        if not any(set(RECOGNISED_BY[t]) < set(RECOGNISED_BY[o]) for o in hits if o != t)
    ]
    if len(hits) > 1:
        known = {t: len(have & set(known_columns(t))) for t in hits}
        best = max(known.values())
        hits = [t for t in hits if known[t] == best]
    return hits
