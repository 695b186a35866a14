"""The tables of a dataset and their required columns (SPEC section 3): the contract the
loaders and the engine share. Plain data with no imports, so that anything may read it
before pandas is imported (`inputs.ahead` starts reading files first)."""

from __future__ import annotations

TABLES: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"),
    "uasc": ("CHILD", "DUC"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM", "YEAR"),
    "referrals": ("LAchildID", "CINreferralDate"),
    "iro_allocations": ("IRO_ID", "CHILD", "START", "END"),
    "iro_staff": ("IRO_ID", "FTE", "START", "END"),
    "ks4_cla": ("CHILD", "ACADEMIC_YEAR", "ATT8", "EM94"),
    "ks4_all": ("ACADEMIC_YEAR", "PUPILS", "AVG_ATT8", "PCT_EM94"),
    "population": ("MID_YEAR", "POP_0_17"),
    "districts": ("POSTCODE_DISTRICT", "DISTRICT"),
}
