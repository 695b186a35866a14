"""The DfE XML layouts of a yearly return: the SSDA903 return and the CIN census.

SSDA903: root `EXPSSDA903`, one `CHILD` per child holding a `HEADER` (CHILDID, UPN, SEX, DOB,
ETHNIC, UASC with DUC when unaccompanied, IN_TOUCH/ACTIV/ACCOM for a care leaver's OC3 year,
MOTHER, MC_DOB) and its `EPISODE`s (DECOM, RNE, LS, CIN, PL, PL_POST, HOME_POST, URN,
PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE); dates dd/mm/YYYY, blanks as empty elements.
The derived PL_DISTANCE, PL_LOCATION and PL_LA are not in it: councils send postcodes and the
DfE derives them.

CIN census: `Message/Header` (CollectionDetails: Collection, Year, ReferenceDate; Source:
SourceLevel, LEA, SoftwareCode, Release, SerialNo, DateTime) and `Message/Children/Child`
holding `ChildIdentifiers` (LAchildID, UPN or UPNunknown, PersonBirthDate, GenderCurrent
1/2 up to 2023-24 or Sex M/F from 2024-25), `ChildCharacteristics` and one `CINdetails` per
referral (CINreferralDate, ReferralSource, PrimaryNeedCode, CINclosureDate and
ReasonForClosure once closed, ReferralNFA); dates YYYY-MM-DD.

Streamed with the standard library's XMLGenerator, which escapes every value: the rows are
prepared as whole columns of strings, then written in one pass (a line per child).
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

import numpy as np
import pandas as pd

from .returns import YearlyReturn

CIN_SEX_FROM = 2025  # the 2024-25 census replaced GenderCurrent (1/2) with Sex (M/F/U)
LA_CODE = "650"  # Wealdshire

_HEADER_903 = ("CHILDID", "UPN", "SEX", "DOB", "ETHNIC", "UASC", "DUC")
_OC3_903 = ("IN_TOUCH", "ACTIV", "ACCOM")
_EPISODE_903 = {  # element: column
    "DECOM": "DECOM",
    "RNE": "RNE",
    "LS": "LS",
    "CIN": "CIN",
    "PL": "PLACE",
    "PL_POST": "PL_POST",
    "HOME_POST": "HOME_POST",
    "URN": "URN",
    "PLACE_PROVIDER": "PLACE_PROVIDER",
    "DEC": "DEC",
    "REC": "REC",
    "REASON_PLACE_CHANGE": "REASON_PLACE_CHANGE",
}
_CIN_DETAILS = (
    "CINreferralDate",
    "ReferralSource",
    "PrimaryNeedCode",
    "CINclosureDate",
    "ReasonForClosure",
    "ReferralNFA",
)


def _text(values: pd.Series, date_format: str | None = None) -> np.ndarray:
    """A column as strings, blanks as ''."""
    if date_format is not None:
        return values.dt.strftime(date_format).fillna("").to_numpy(dtype=object)
    return values.astype("str").fillna("").to_numpy(dtype=object)


class _Stream:
    """Elements written as they come, into memory and then to `path` (UTF-8) at `finish`;
    `leaves` writes a blank value as an empty element."""

    _NO_ATTRIBUTES = AttributesImpl({})

    def __init__(self, path: Path) -> None:
        self._path = path
        self._text = io.StringIO()  # in-memory text: cheaper writes than an encoding file
        self._xml = XMLGenerator(self._text, encoding="UTF-8", short_empty_elements=True)
        self._xml.startDocument()

    def open(self, tag: str) -> None:
        self._xml.startElement(tag, self._NO_ATTRIBUTES)

    def close(self, tag: str) -> None:
        self._xml.endElement(tag)

    def leaves(self, tags: tuple[str, ...], texts: np.ndarray | tuple[str, ...]) -> None:
        start, characters, end = self._xml.startElement, self._xml.characters, self._xml.endElement
        attributes = self._NO_ATTRIBUTES
        for tag, text in zip(tags, texts):
            start(tag, attributes)
            if text:
                characters(text)
            end(tag)

    def newline(self) -> None:
        self._xml.ignorableWhitespace("\n")

    def finish(self) -> None:
        self._xml.endDocument()
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._path.write_bytes(self._text.getvalue().encode("utf-8"))


def write_ssda903_xml(ret: YearlyReturn, path: Path) -> Path:
    """The return's SSDA903 XML: a CHILD per header row, in CHILD order."""
    t = ret.ssda903
    h = t["header"].sort_values("CHILD", kind="stable").reset_index(drop=True)
    duc = t["uasc"].drop_duplicates("CHILD").set_index("CHILD")["DUC"].reindex(h["CHILD"])
    oc3 = t["oc3"].drop_duplicates("CHILD").set_index("CHILD").reindex(h["CHILD"])
    is_uasc = duc.notna().to_numpy()
    head = np.column_stack(
        [
            _text(h["CHILD"]),
            _text(h["UPN"]),
            _text(h["SEX"]),
            _text(h["DOB"], "%d/%m/%Y"),
            _text(h["ETHNIC"]),
            np.where(is_uasc, "1", ""),
            _text(duc, "%d/%m/%Y"),
        ]
    )
    leaver = oc3["IN_TOUCH"].notna().to_numpy()
    care_leaver = np.column_stack([_text(oc3[c]) for c in _OC3_903])
    ep = t["episodes"].sort_values(["CHILD", "DECOM"], kind="stable")
    dates = {"DECOM", "DEC"}
    rows = np.column_stack(
        [_text(ep[c], "%d/%m/%Y" if c in dates else None) for c in _EPISODE_903.values()]
    )
    lo = np.searchsorted(ep["CHILD"].to_numpy(), h["CHILD"].to_numpy(), side="left")
    hi = np.searchsorted(ep["CHILD"].to_numpy(), h["CHILD"].to_numpy(), side="right")
    episode_tags = tuple(_EPISODE_903)
    out = _Stream(path)
    out.open("EXPSSDA903")
    for i in range(len(h)):  # one pass over the rows being written (elements, not logic)
        out.newline()
        out.open("CHILD")
        out.open("HEADER")
        out.leaves(_HEADER_903 if is_uasc[i] else _HEADER_903[:-1], head[i])
        if leaver[i]:
            out.leaves(_OC3_903, care_leaver[i])
        out.leaves(("MOTHER", "MC_DOB"), ("", ""))
        out.close("HEADER")
        for row in rows[lo[i] : hi[i]]:
            out.open("EPISODE")
            out.leaves(episode_tags, row)
            out.close("EPISODE")
        out.close("CHILD")
    out.newline()
    out.close("EXPSSDA903")
    out.finish()
    return path


def write_cin_census_xml(ret: YearlyReturn, path: Path, la: str = LA_CODE) -> Path:
    """The return's CIN census XML: a Child per referred child, its referrals in date order."""
    r = ret.cin.sort_values(["LAchildID", "CINreferralDate"], kind="stable").reset_index(drop=True)
    first = np.r_[True, r["LAchildID"].to_numpy()[1:] != r["LAchildID"].to_numpy()[:-1]]
    last = np.r_[first[1:], True]
    sex_tag = "Sex" if ret.year >= CIN_SEX_FROM else "GenderCurrent"  # coded for the year
    upn_tag = np.where(r["UPN"].fillna("").str.fullmatch(r"UN\d+"), "UPNunknown", "UPN")
    who = np.column_stack(
        [_text(r["LAchildID"]), _text(r["UPN"]), _text(r["DOB"], "%Y-%m-%d"), _text(r["SEX"])]
    )
    ethnic = _text(r["ETHNIC"])
    dates = {"CINreferralDate", "CINclosureDate"}
    details = np.column_stack(
        [_text(r[c], "%Y-%m-%d" if c in dates else None) for c in _CIN_DETAILS]
    )
    closed = details[:, _CIN_DETAILS.index("CINclosureDate")] != ""
    # a referral still open on the reference date has no closure elements
    known = [
        j for j, c in enumerate(_CIN_DETAILS) if c not in ("CINclosureDate", "ReasonForClosure")
    ]
    still_open = tuple(_CIN_DETAILS[j] for j in known)
    out = _Stream(path)
    out.open("Message")
    out.open("Header")
    out.open("CollectionDetails")
    out.leaves(
        ("Collection", "Year", "ReferenceDate"),
        ("CIN", str(ret.year), ret.end.strftime("%Y-%m-%d")),
    )
    out.close("CollectionDetails")
    out.open("Source")
    out.leaves(
        ("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"),
        ("L", la, "Local Authority", "scorecard sample", "001", f"{ret.year}-05-02T09:00:00"),
    )
    out.close("Source")
    out.close("Header")
    out.open("Children")
    for i in range(len(r)):  # one pass over the rows being written (elements, not logic)
        if first[i]:
            out.newline()
            out.open("Child")
            out.open("ChildIdentifiers")
            out.leaves(("LAchildID", upn_tag[i], "PersonBirthDate", sex_tag), who[i])
            out.close("ChildIdentifiers")
            out.open("ChildCharacteristics")
            out.leaves(("Ethnicity",), (ethnic[i],))
            out.open("Disabilities")
            out.leaves(("Disability",), ("NONE",))
            out.close("Disabilities")
            out.close("ChildCharacteristics")
        out.open("CINdetails")
        if closed[i]:
            out.leaves(_CIN_DETAILS, details[i])
        else:
            out.leaves(still_open, details[i][known])
        out.close("CINdetails")
        if last[i]:
            out.close("Child")
    out.newline()
    out.close("Children")
    out.close("Message")
    out.finish()
    return path
