"""Reading SSDA903 and CIN census XML returns into the tables, under their DfE column names.

SSDA903 (`CHILD` elements holding a `HEADER` with CHILDID, SEX, DOB, ..., UASC/DUC, the care
leaver's IN_TOUCH/ACTIV/ACCOM, adoption (AD1) fields and nested AREVIEW, AMISSING, OC2,
PERMANENCE and AD_PLACED elements, then `EPISODE` elements with DECOM, RNE, LS, CIN, PL, ...)
gives header, episodes, uasc, oc3 and the other SSDA903 tables; the naming stage renames
CHILDID to CHILD and PL to PLACE. The CIN census (`Message/Header/CollectionDetails` with the
year and reference date, `Source/LEA`, `Children/Child` with `ChildIdentifiers`,
`ChildCharacteristics` and one `CINdetails` per referral) gives referrals: one row per
CINdetails with the child's identifiers beside it.

Parsing is safe and streaming: defusedxml's hardened expat reader (no DTD at all, no
entity declarations, no external references, so no entity expansion), fed 1 MB at a time;
rows are gathered per table and turned into frames every 100,000 rows, so memory follows the
tables, not the file. Expat is used rather than iterparse because it gives each element's
line, which every message names (in a file written on one line, its character on that line,
and the file's label says "(one line)"); the collector's callbacks are set on expat itself, not
through SAX's layer (which builds an attributes object per element: a sixth of the time on
a census of 10 MB).

A file declared (or taken as) UTF-8 that holds bytes that are not, usually a file saved as
Windows-1252 after a hand edit, is parsed again with those bytes read as Windows-1252 (in
memory, one character a byte: lines and characters stay the file's), with a warning naming
the first. A file that is not well-formed otherwise is named with the line and character
where the parser stopped, and a hint when the cause can be told there (a bare '&').
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from xml.parsers.expat import XMLParserType
from xml.sax import SAXParseException

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from .read import File, RawTable, Unreadable
from .report import ONE_LINE, note

CHUNK_BYTES = 1 << 20
FLUSH_ROWS = 100_000

# SSDA903: nested elements that are rows of a table of their own
_903_RECORDS = {
    "EPISODE": "episodes",
    "AREVIEW": "reviews",
    "AMISSING": "missing",
    "OC2": "oc2",
    "PERMANENCE": "previous_permanence",
    "AD_PLACED": "placed_for_adoption",
}
# SSDA903 child-level fields that belong to a table other than header
_UASC_FIELDS = ("DUC",)
# the UASC flag as written: 1 (or a yes) is UASC; 0, blank or a no is not
UASC_YES = frozenset({"1", "Y", "YES", "TRUE", "T"})
UASC_NO = frozenset({"", "0", "N", "NO", "FALSE", "F"})
OC3_FIELDS = ("IN_TOUCH", "ACTIV", "ACCOM")
_AD1_FIELDS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
# tables that figures read from a child's own fields: an SSDA903 XML holds the whole
# return, so one with no such child gives the table with no rows (no UASC child that
# year), not no table, and the table's data cover its year
_CHILD_TABLES = {"uasc": ("CHILDID", "SEX", "DOB", "DUC"), "oc3": ("CHILDID", "DOB", *OC3_FIELDS)}
# CIN census: the parts of a referral not read into referrals (their repeated fields would
# overwrite the referral's own)
_CIN_SKIPPED = {
    "Assessments",
    "CINPlanDates",
    "Section47",
    "ChildProtectionPlans",
    "PreProceedingsandFGDM",
    "Disabilities",
    "Reviews",
    "FactorsIdentifiedAtAssessment",
}
_SKIP = "skip"
# the elements that open a record, by the kind of return
_KINDS = {
    "903": {"CHILD": "child", **_903_RECORDS},
    "cin": {"Child": "child", "CINdetails": "referrals", **dict.fromkeys(_CIN_SKIPPED, _SKIP)},
}


@dataclass
class _Record:
    name: str
    kind: str  # a table, 'child', 'meta' or 'skip'
    at: tuple[int, int]  # where its element starts: line and character (1-based)
    fields: dict[str, str] = field(default_factory=dict)


class _Rows:
    """Rows of one table gathered as dicts and turned into frames every FLUSH_ROWS rows."""

    def __init__(self) -> None:
        self.pending: list[dict[str, str]] = []
        self.at: list[tuple[int, int]] = []
        self.frames: list[pd.DataFrame] = []

    def add(self, row: dict[str, str], at: tuple[int, int]) -> None:
        self.pending.append(row)
        self.at.append(at)
        if len(self.pending) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            # Arrow-backed text: a fraction of the memory of Python strings
            self.frames.append(pd.DataFrame.from_records(self.pending).astype("str"))
            self.pending = []

    def frame(self) -> tuple[pd.DataFrame, np.ndarray]:
        """The rows, and where each element starts: (line, character) per row."""
        self.flush()
        frame = (
            pd.concat(self.frames, ignore_index=True) if len(self.frames) > 1 else self.frames[0]
        )
        return frame, np.asarray(self.at, dtype="int64").reshape(-1, 2)


class _Collector:
    """Expat's callbacks: leaf elements' text goes to the innermost open record; a record's
    row is stored when it closes (a child's rows when the child closes, with its
    identifiers)."""

    def __init__(self) -> None:
        self.kind: str | None = None  # '903' or 'cin', from the root element
        self.records: list[_Record] = []
        self.text: list[str] = []
        self.fresh = False  # no element has started since the last one: a leaf if it ends
        self.tables: dict[str, _Rows] = {}
        self.child_rows: list[tuple[str, dict[str, str], tuple[int, int]]] = []
        self.meta: dict[str, str] = {}
        self.children = 0
        self.odd_uasc: dict[str, int] = {}  # UASC flags neither yes nor no: value -> children
        self.kinds: dict[str, str] = {}  # elements opening a record (`_KINDS`)
        self.expat: XMLParserType | None = None  # for where elements start (set by `_Parser`)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if ":" in name:  # a namespace prefix (<ns:EPISODE>): the element's own name counts
            name = name.rpartition(":")[2]
        if self.kind is None:
            self.kind = "cin" if name == "Message" else "903"
            self.kinds = _KINDS[self.kind]
        self.fresh = True
        self.text.clear()
        kind = self.kinds.get(name)
        if kind is None and name == "Header" and self.kind == "cin" and not self.records:
            kind = "meta"  # the census's own header (a child has none)
        if kind is not None:
            expat = self.expat
            at = (expat.CurrentLineNumber, expat.CurrentColumnNumber + 1) if expat else (0, 0)
            self.records.append(_Record(name, kind, at))

    def characters(self, content: str) -> None:
        self.text.append(content)

    def end(self, name: str) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        leaf, self.fresh = self.fresh, False  # no child element between its start and end
        records = self.records
        if records:
            if records[-1].name == name:  # a record closes (an empty one too)
                self._close(records.pop())
            elif leaf:
                records[-1].fields[name] = "".join(self.text).strip()
        self.text.clear()

    def _rows(self, table: str) -> _Rows:
        if table not in self.tables:
            self.tables[table] = _Rows()
        return self.tables[table]

    def _close(self, record: _Record) -> None:
        if record.kind == _SKIP:
            return
        if record.kind == "meta":
            self.meta.update(record.fields)
        elif record.kind == "child":
            self.children += 1
            if self.kind == "903":
                self._close_903_child(record)
            else:
                self._close_cin_child(record)
        elif self.records and self.records[-1].kind == "child":
            self.child_rows.append((record.kind, record.fields, record.at))

    def _close_903_child(self, child: _Record) -> None:
        f = child.fields
        ident = {"CHILDID": f.get("CHILDID", ""), "DOB": f.get("DOB", "")}
        others = {*_UASC_FIELDS, *OC3_FIELDS, *_AD1_FIELDS}
        self._rows("header").add({k: v for k, v in f.items() if k not in others}, child.at)
        flag = f.get("UASC", "").strip().upper()
        if flag not in UASC_YES and flag not in UASC_NO:
            self.odd_uasc[flag] = self.odd_uasc.get(flag, 0) + 1
        if flag in UASC_YES or f.get("DUC", "").strip():
            uasc = {"CHILDID": ident["CHILDID"], "SEX": f.get("SEX", ""), "DOB": ident["DOB"]}
            self._rows("uasc").add({**uasc, "DUC": f.get("DUC", "")}, child.at)
        if any(f.get(k, "") for k in OC3_FIELDS):
            self._rows("oc3").add({**ident, **{k: f.get(k, "") for k in OC3_FIELDS}}, child.at)
        if f.get("DATE_INT", ""):
            self._rows("ad1").add({**ident, **{k: f.get(k, "") for k in _AD1_FIELDS}}, child.at)
        for table, row, at in self.child_rows:
            keep = {"CHILDID": ident["CHILDID"]} if table == "episodes" else ident
            self._rows(table).add({**keep, **row}, at)
        self.child_rows = []

    def _close_cin_child(self, child: _Record) -> None:
        for table, row, at in self.child_rows:
            self._rows(table).add({**child.fields, **row}, at)
        self.child_rows = []


class _Parser(DefusedExpatParser):
    """defusedxml's hardened expat reader calling the collector straight from expat."""

    def __init__(self, collector: _Collector) -> None:
        super().__init__(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.collector = collector

    def reset(self) -> None:
        super().reset()  # a new expat parser, with defusedxml's refusals set on it
        expat, collector = self._parser, self.collector
        expat.buffer_text = True  # a text in one call, not one per line
        expat.StartElementHandler = collector.start
        expat.EndElementHandler = collector.end
        expat.CharacterDataHandler = collector.characters
        collector.expat = expat


def _census_year(meta: dict[str, str]) -> tuple[int | None, pd.Timestamp | None]:
    """(collection year start, reference date) from the CIN census header."""
    year = meta.get("Year", "").strip()
    start = int(year) - 1 if year.isdigit() and len(year) == 4 else None
    ref = pd.to_datetime(meta.get("ReferenceDate", ""), errors="coerce", format="ISO8601")
    return start, (None if pd.isna(ref) else pd.Timestamp(ref))


_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BARE_AMPERSAND = re.compile(rb"&[#\w.-]*$")  # an '&', then only what a name holds
AMPERSAND_HINT = (
    "An & in a value must be written &amp; in XML (and a < as &lt;); the export wrote it "
    "bare. Correct the export, or write &amp; there, and load again."
)
NOT_UTF8_HINT = (
    "Check that accented letters read right. Save the file as UTF-8, or declare what it is "
    'in its first line: <?xml version="1.0" encoding="windows-1252"?>.'
)
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")  # Windows-1252 decodes all others


def _as_cp1252(exc: UnicodeError) -> tuple[str, int]:
    """A codec error handler: bytes that are not UTF-8 read as Windows-1252 (the five it
    leaves undefined as Latin-1, as Windows itself reads them), one character a byte."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    text = "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in bad)
    return text, exc.end


codecs.register_error("scorecard-cp1252", _as_cp1252)


def _chunks(path: File) -> Iterator[bytes]:
    """The bytes of a file (or zip member), CHUNK_BYTES at a time."""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            yield chunk


def _recoded(path: File) -> Iterator[bytes]:
    """The bytes of a file as UTF-8: the UTF-8 in it as it is, every other byte read as
    Windows-1252. A character stays one character, so lines and characters are the file's;
    the file itself is not changed."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="scorecard-cp1252")
    for chunk in _chunks(path):
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


def _around(chunks: Iterable[bytes], at: int) -> tuple[bytes, bytes, bytes]:
    """The first 200 bytes of a stream, the 64 before byte `at` and the 4 from it."""
    start, end = max(0, at - 64), at + 4
    head, kept, pos = b"", b"", 0
    for chunk in chunks:
        head += chunk[: 200 - len(head)]
        kept += chunk[max(start - pos, 0) : max(end - pos, 0)]
        pos += len(chunk)
        if pos >= end and len(head) >= 200:
            break
    return head, kept[: at - start], kept[at - start :]


def _not_utf8(head: bytes, here: bytes) -> str | None:
    """How a file whose parser stopped at the bytes `here` takes UTF-8 ('declared UTF-8',
    or declaring none) when the byte there starts no UTF-8 character; else None."""
    declared = _DECLARED.match(head)
    utf8 = declared is None or declared[1].lower().replace(b"_", b"-") in (b"utf-8", b"utf8")
    if not here or not utf8 or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        here.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start == 0:  # the byte itself starts no UTF-8 character
            return "declared UTF-8" if declared else "declares no encoding (so UTF-8)"
    return None


class _NotWellFormed(Exception):
    """Where expat stopped in a file that is not well-formed: line, character (1-based),
    its message, and the byte of the stream it stopped at (-1: not known)."""

    def __init__(self, exc: SAXParseException, at: int) -> None:
        super().__init__(exc.getMessage())
        self.line, self.character, self.at = exc.getLineNumber(), exc.getColumnNumber() + 1, at

    def unreadable(self, chunks: Iterable[bytes]) -> Unreadable:
        """The error, with a hint when a bare '&' is where the parser stopped in `chunks`."""
        before = _around(chunks, self.at)[1] if self.at >= 0 else b""
        return Unreadable(
            f"is not well-formed XML (line {self.line}, character {self.character}: {self})",
            AMPERSAND_HINT if _BARE_AMPERSAND.search(before) else "",
        )


def _parse(chunks: Iterable[bytes]) -> _Collector:
    """What a hardened, streaming parse of `chunks` collected; raises _NotWellFormed."""
    handler = _Collector()
    parser = _Parser(handler)
    try:
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
    except SAXParseException as exc:
        raise _NotWellFormed(exc, getattr(parser._parser, "ErrorByteIndex", -1)) from None
    return handler


def read_xml(path: File, label: str) -> tuple[list[RawTable], list[pd.DataFrame]]:
    """The tables of an SSDA903 or CIN census XML file, each row with its element's line; in
    a file whose elements are all on one line, with the element's character on that line
    instead, and "(one line)" after the file's label so that messages say so. A file taken
    as UTF-8 holding bytes that are not (saved as Windows-1252) is read again with those
    bytes as Windows-1252, with a warning."""
    notes: list[pd.DataFrame] = []
    chunks = _chunks
    try:
        try:
            handler = _parse(_chunks(path))
        except _NotWellFormed as exc:
            head, before, here = _around(_chunks(path), exc.at) if exc.at >= 0 else (b"",) * 3
            said = None if _BARE_AMPERSAND.search(before) else _not_utf8(head, here)
            if said is None:
                raise
            chunks = _recoded
            handler = _parse(_recoded(path))
            at = f"line {exc.line}, character {exc.character}"
            notes.append(
                note(
                    "warning",
                    label,
                    f"not UTF-8: read as Windows-1252 (the file {said}; the first byte that "
                    f"is not UTF-8 is 0x{here[0]:02X}, {at})",
                    NOT_UTF8_HINT,
                )
            )
    except _NotWellFormed as exc:
        raise exc.unreadable(chunks(path)) from None
    except DefusedXmlException as exc:
        raise Unreadable(
            f"is refused: it declares a DTD or entities, which are never read for safety ({exc})"
        ) from None
    declared, census_date, lea = (None, None, None)
    if handler.kind == "cin":
        declared, census_date = _census_year(handler.meta)
        lea = handler.meta.get("LEA", "").strip() or None
    found = {table: rows.frame() for table, rows in handler.tables.items()}
    if handler.kind == "903" and handler.children:
        for table, columns in _CHILD_TABLES.items():
            if table not in found:
                empty = pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
                found[table] = (empty, np.zeros((0, 2), dtype="int64"))
    lines = np.concatenate([at[:, 0] for _, at in found.values()]) if found else np.zeros(0)
    one_line = len(lines) > 1 and bool((lines == lines[0]).all())
    named = f"{label}{ONE_LINE}" if one_line else label
    out = [
        RawTable(
            table,
            named,
            frame,
            at[:, 1 if one_line else 0],
            declared=declared,
            census_date=census_date,
            lea=lea,
        )
        for table, (frame, at) in found.items()
    ]
    if handler.odd_uasc:
        written = ", ".join(f"{v!r} ({n:,})" for v, n in handler.odd_uasc.items())
        notes.append(
            note(
                "warning",
                label,
                f"UASC flag written {written}: read as not UASC (unless a DUC is given)",
                "The UASC flag is 1 for a child who is or was an unaccompanied asylum-seeking "
                "child, 0 otherwise.",
                "uasc",
            )
        )
    if not out:
        notes.append(
            note(
                "warning",
                label,
                "XML file holds no SSDA903 child or CIN census referral; ignored",
                "An SSDA903 return holds CHILD elements; a CIN census Children/Child elements "
                "with CINdetails.",
            )
        )
    return out, notes
