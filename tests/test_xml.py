"""SSDA903 and CIN census XML: the tables under DfE names, the element's line in every
message, safe parsing (no DTD, no entities) and streaming."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import scorecard as sc
from scorecard.inputs import xml as xml_reader

T = pd.Timestamp

SSDA903 = """<?xml version="1.0" encoding="utf-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>1001</CHILDID>
      <SEX>1</SEX>
      <DOB>01/05/2010</DOB>
      <ETHNIC>WBRI</ETHNIC>
      <UPN>A123456789012</UPN>
      <UASC>1</UASC>
      <DUC>01/05/2028</DUC>
      <AREVIEW>
        <REVIEW>01/07/2017</REVIEW>
        <REVIEW_CODE>PN1</REVIEW_CODE>
      </AREVIEW>
      <MOTHER />
    </HEADER>
    <EPISODE>
      <DECOM>01/04/2017</DECOM>
      <RNE>S</RNE>
      <LS>C2</LS>
      <CIN>N1</CIN>
      <PL>U4</PL>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER>
      <DEC>01/10/2017</DEC>
      <REC>X1</REC>
    </EPISODE>
    <EPISODE>
      <DECOM>01/10/2017</DECOM>
      <RNE>P</RNE>
      <LS>C2</LS>
      <PL>Q9</PL>
      <DEC />
      <REC />
    </EPISODE>
  </CHILD>
  <CHILD>
    <HEADER>
      <CHILDID>2001</CHILDID>
      <SEX>2</SEX>
      <DOB>10/10/1999</DOB>
      <IN_TOUCH>YES</IN_TOUCH>
      <ACTIV>F2</ACTIV>
      <ACCOM>B1</ACCOM>
    </HEADER>
  </CHILD>
</EXPSSDA903>
"""

CIN = """<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2024</Year>
      <ReferenceDate>2024-03-31</ReferenceDate>
    </CollectionDetails>
    <Source><LEA>886</LEA></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>R1</LAchildID>
        <PersonBirthDate>2015-03-27</PersonBirthDate>
        <Sex>M</Sex>
      </ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2023-06-01</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N4</PrimaryNeedCode>
        <CINclosureDate>2023-09-01</CINclosureDate>
        <ReasonForClosure>RC1</ReasonForClosure>
        <Section47>
          <DateOfInitialCPC>2023-07-01</DateOfInitialCPC>
        </Section47>
        <ReferralNFA>false</ReferralNFA>
      </CINdetails>
      <CINdetails>
        <CINreferralDate>2024-05-01</CINreferralDate>
        <ReferralNFA>0</ReferralNFA>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>R2</LAchildID></ChildIdentifiers>
      <CINdetails><CINreferralDate>not a date</CINreferralDate></CINdetails>
    </Child>
  </Children>
</Message>
"""


def test_ssda903_xml_gives_the_tables_under_dfe_names(tmp_path: Path) -> None:
    (tmp_path / "SSDA903_2017-18.xml").write_text(SSDA903)
    ds = sc.load_dataset(tmp_path)
    assert set(ds.names) == {"header", "episodes", "uasc", "oc3", "reviews"}
    ep = ds["episodes"]
    # PL is PLACE, CHILDID is CHILD; the return's year on every row
    assert ep[["CHILD", "DECOM", "PLACE", "PLACE_PROVIDER", "COLLECTION_YEAR"]].values.tolist()[
        0
    ] == ["1001", T("2017-04-01"), "U4", "PR1", "2017-18"]
    h = ds["header"].set_index("CHILD")
    assert h.loc["1001", "DOB"] == T("2010-05-01") and h.loc["2001", "SEX"] == "2"
    assert ds["uasc"][["CHILD", "DUC"]].values.tolist() == [["1001", T("2028-05-01")]]
    oc3 = ds["oc3"]  # 18 on 10/10/2017: in 2017-18; YEAR from the return
    assert oc3[["CHILD", "IN_TOUCH", "ACTIV", "ACCOM", "YEAR"]].values.tolist() == [
        ["2001", "YES", "F2", "B1", 2018.0]
    ]
    assert ds["reviews"][["CHILD", "REVIEW", "REVIEW_CODE"]].values.tolist() == [
        ["1001", T("2017-07-01"), "PN1"]
    ]
    # the bad PLACE is named by file and the line of its EPISODE element (line 28)
    err = ds.quality.loc[ds.quality["severity"] == "error"]
    assert err[["file", "row", "column", "value"]].values.tolist() == [
        ["SSDA903_2017-18.xml", 28, "PLACE", "Q9"]
    ]
    report_line = sc.inputs.format_issue(err.iloc[0])
    assert report_line.startswith("  SSDA903_2017-18.xml, line 28, column PLACE, value 'Q9'")


def _903_uasc_flags(flags: list[str]) -> str:
    children = "".join(
        f"<CHILD><HEADER><CHILDID>{i}</CHILDID><SEX>1</SEX><DOB>01/05/2010</DOB>"
        f"<UASC>{flag}</UASC></HEADER></CHILD>"
        for i, flag in enumerate(flags, start=1)
    )
    return f"<EXPSSDA903>{children}</EXPSSDA903>"


def test_a_uasc_flag_written_as_a_word_is_read_as_it_says(tmp_path: Path) -> None:
    # N, No and false are not UASC (every one was); Y, yes and 1 are; '2' is neither: said
    flags = ["N", "No", "false", "0", "", "Y", "yes", "1", "2"]
    (tmp_path / "SSDA903_2017-18.xml").write_text(_903_uasc_flags(flags))
    ds = sc.load_dataset(tmp_path)
    assert ds["uasc"]["CHILD"].tolist() == ["6", "7", "8"]
    said = ds.quality.loc[ds.quality["table"] == "uasc"]
    assert said[["severity", "file", "rule"]].values.tolist() == [
        [
            "warning",
            "SSDA903_2017-18.xml",
            "UASC flag written '2' (1): read as not UASC (unless a DUC is given)",
        ]
    ]


@pytest.mark.parametrize("which", ["903", "cin"])
def test_a_namespace_prefix_on_every_element_is_read_as_without(tmp_path: Path, which) -> None:
    # an export writing <ns:EPISODE> under xmlns:ns="..." was ignored as holding no child
    import re

    text, name = (SSDA903, "SSDA903_2017-18.xml") if which == "903" else (CIN, "CIN_2024.xml")
    plain, prefixed = tmp_path / "plain", tmp_path / "prefixed"
    plain.mkdir(), prefixed.mkdir()
    (plain / name).write_text(text)
    body = re.sub(r"<(/?)([A-Za-z_][\w]*)", r"<\1ns:\2", text.split("?>", 1)[-1])
    body = body.replace("<ns:EXPSSDA903>", '<ns:EXPSSDA903 xmlns:ns="urn:dfe">', 1).replace(
        "<ns:Message>", '<ns:Message xmlns:ns="urn:dfe">', 1
    )
    (prefixed / name).write_text(body)
    a, b = sc.load_dataset(plain), sc.load_dataset(prefixed)
    assert a.names == b.names and len(a.names) > 0
    for table in a.names:
        pd.testing.assert_frame_equal(a[table], b[table])


def test_cin_census_xml_gives_referrals_with_the_census_year(tmp_path: Path) -> None:
    (tmp_path / "census.xml").write_text(CIN)
    ds = sc.load_dataset(tmp_path)
    ref = ds["referrals"]
    assert ref[["LAchildID", "CINreferralDate", "ReferralSource", "CINclosureDate"]].astype(
        object
    ).where(
        ref[["LAchildID", "CINreferralDate", "ReferralSource", "CINclosureDate"]].notna(), None
    ).values.tolist() == [
        ["R1", T("2023-06-01"), "1A", T("2023-09-01")],
        ["R1", T("2024-05-01"), None, None],
        ["R2", None, None, None],
    ]
    # the child's identifiers beside each referral; Section47's DateOfInitialCPC not mixed in
    assert ref["PersonBirthDate"].tolist()[:2] == ["2015-03-27", "2015-03-27"]
    assert "DateOfInitialCPC" not in ref.columns
    # the census header's Year 2024 is the 2023-24 collection year, though the name has none
    assert ds.returns[["collection_year", "year_from"]].values.tolist() == [
        ["2023-24", "census header"]
    ]
    assert ds.coverage["referrals"].basis == "CIN census return 2023-24"
    q = ds.quality
    late = q.loc[q["rule"].str.startswith("referral after the census")]
    assert late[["row", "value", "severity"]].values.tolist() == [[28, "01/05/2024", "warning"]]
    bad = q.loc[q["severity"] == "error"]
    assert bad[["row", "column", "value", "rule"]].values.tolist() == [
        [35, "CINreferralDate", "not a date", "not a date"]
    ]
    assert ds.unusable[["table", "row", "column"]].values.tolist() == [
        ["referrals", 2, "CINreferralDate"]
    ]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><EXPSSDA903>&a;</EXPSSDA903>',
            "declares a DTD or entities",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>',
            "declares a DTD or entities",
        ),
        ("<EXPSSDA903>\n<CHILD>\n</EXPSSDA903>", "not well-formed XML (line 3"),
    ],
)
def test_unsafe_or_broken_xml_is_refused_by_name(tmp_path: Path, text: str, says: str) -> None:
    (tmp_path / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\nA,01/04/2024,S,C2,U1,,\n"
    )
    (tmp_path / "evil.xml").write_text(text)
    ds = sc.load_dataset(tmp_path)
    err = ds.quality.loc[ds.quality["file"] == "evil.xml"]
    assert err["severity"].tolist() == ["error"] and says in err["rule"].item()
    assert len(ds["episodes"]) == 1  # the rest still loads


@pytest.mark.parametrize("declared", ['<?xml version="1.0" encoding="utf-8"?>', ""])
def test_windows_1252_bytes_in_utf8_xml_are_read_as_such_with_one_warning(
    tmp_path: Path, declared: str
) -> None:
    # a name hand-edited in and saved as Windows-1252: 'ë' is the byte 0xEB, on line 9 after
    # the 17 characters '      <SURNAME>Zo'; a second one (0xE9, 'é') on the same child
    text = SSDA903.replace('<?xml version="1.0" encoding="utf-8"?>', declared).replace(
        "<UPN>", "<SURNAME>Zoë</SURNAME><FORENAME>Renée</FORENAME><UPN>", 1
    )
    path = tmp_path / "SSDA903_2017-18.xml"
    path.write_bytes(text.encode("cp1252"))
    tables, notes = xml_reader.read_xml(path, "SSDA903_2017-18.xml")
    assert path.read_bytes() == text.encode("cp1252")  # read in memory: the file is as it was
    # every table, row and line as the same file saved as UTF-8 gives them
    (tmp_path / "utf8.xml").write_text(text, encoding="utf-8")
    want, none = xml_reader.read_xml(tmp_path / "utf8.xml", "utf8.xml")
    assert none == [] and [t.table for t in tables] == [t.table for t in want]
    for got, same in zip(tables, want, strict=True):
        pd.testing.assert_frame_equal(got.frame, same.frame)
        assert got.rows.tolist() == same.rows.tolist()
    header = tables[0]
    assert header.frame[["SURNAME", "FORENAME"]].iloc[0].tolist() == ["Zoë", "Renée"]
    assert header.rows.tolist() == [3, 37]
    said = "declared UTF-8" if declared else "declares no encoding (so UTF-8)"
    assert pd.concat(notes)[["severity", "file", "row", "rule"]].values.tolist() == [
        [
            "warning",
            "SSDA903_2017-18.xml",
            None,
            f"not UTF-8: read as Windows-1252 (the file {said}; the first byte that is not "
            f"UTF-8 is 0xEB, line 9, character 18)",  # line 1 left empty when not declared
        ]
    ]


def test_the_five_bytes_windows_1252_leaves_undefined_are_read_as_latin_1(
    tmp_path: Path,
) -> None:
    # 0x81 and 0x9D decode to nothing in Windows-1252: the control characters of the number
    text = SSDA903.encode("utf-8").replace(b"<UPN>", b"<SURNAME>Z\x81o\x9d</SURNAME><UPN>", 1)
    (tmp_path / "a.xml").write_bytes(text)
    tables, notes = xml_reader.read_xml(tmp_path / "a.xml", "a.xml")
    assert tables[0].frame["SURNAME"].iloc[0] == "Z\x81o\x9d" and len(notes) == 1


def test_utf8_letters_beside_a_windows_1252_byte_stay_utf8(tmp_path: Path, monkeypatch) -> None:
    # 'ë' as Windows-1252 (0xEB), 'é' as UTF-8 (0xC3 0xA9) in one file (two files joined),
    # read 5 bytes at a time so that the UTF-8 'é' is cut between two pieces
    monkeypatch.setattr(xml_reader, "CHUNK_BYTES", 5)
    name = b"<SURNAME>Zo\xeb</SURNAME><FORENAME>Ren\xc3\xa9e</FORENAME><UPN>"
    (tmp_path / "a.xml").write_bytes(SSDA903.encode("utf-8").replace(b"<UPN>", name, 1))
    tables, notes = xml_reader.read_xml(tmp_path / "a.xml", "a.xml")
    assert tables[0].frame[["SURNAME", "FORENAME"]].iloc[0].tolist() == ["Zoë", "Renée"]
    assert tables[0].rows.tolist() == [3, 37] and len(notes) == 1


def test_a_bare_ampersand_after_a_windows_1252_byte_is_still_an_error(tmp_path: Path) -> None:
    # read again as Windows-1252, the file still stops at '& ' (the space: character 21 of
    # line 9, '      <SURNAME>Zoë &' before it): not well-formed, refused as before
    text = SSDA903.replace("<UPN>", "<SURNAME>Zoë & Co</SURNAME><UPN>", 1)
    (tmp_path / "SSDA903_2017-18.xml").write_bytes(text.encode("cp1252"))
    (tmp_path / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\nA,01/04/2024,S,C2,U1,,\n"
    )
    q = sc.load_dataset(tmp_path).quality
    err = q.loc[q["file"] == "SSDA903_2017-18.xml"]
    assert err[["severity", "rule"]].values.tolist() == [
        ["error", "file is not well-formed XML (line 9, character 21: not well-formed (invalid token))"]
    ]  # fmt: skip
    assert err["hint"].item().startswith("An & in a value must be written &amp; in XML")


def test_xml_is_read_in_chunks_with_rows_flushed(tmp_path: Path, monkeypatch) -> None:
    # small chunks and flushes exercise the streaming path on a tiny file
    monkeypatch.setattr(xml_reader, "CHUNK_BYTES", 64)
    monkeypatch.setattr(xml_reader, "FLUSH_ROWS", 1)
    children = "".join(
        f"<CHILD><HEADER><CHILDID>{i}</CHILDID><SEX>1</SEX><DOB>01/01/2010</DOB></HEADER>"
        f"<EPISODE><DECOM>01/04/2017</DECOM><RNE>S</RNE><LS>C2</LS><PL>U1</PL><DEC/><REC/>"
        "</EPISODE></CHILD>\n"
        for i in range(50)
    )
    path = tmp_path / "big.xml"
    path.write_text(f"<EXPSSDA903>\n{children}</EXPSSDA903>\n")
    tables, notes = xml_reader.read_xml(path, "big.xml")
    got = {t.table: t for t in tables}
    assert len(got["episodes"].frame) == 50 and got["episodes"].rows.tolist() == list(range(2, 52))
    assert got["header"].frame["CHILDID"].tolist() == [str(i) for i in range(50)]
    assert notes == []


def test_errors_on_one_line_are_kept_apart_and_located_by_character(tmp_path: Path) -> None:
    # a whole return on one line (as some tools write it): each bad element is its own
    # error, at the character where its element starts (an editor's go-to takes it)
    one_line = SSDA903.replace("\n", "").replace("<PL>U4</PL>", "<PL>Q8</PL>")
    (tmp_path / "SSDA903_2017-18.xml").write_text(one_line)
    ds = sc.load_dataset(tmp_path)
    err = ds.quality.loc[ds.quality["severity"] == "error"]
    bad = [one_line.index("<PL>Q8"), one_line.index("<PL>Q9")]
    starts = [one_line.rindex("<EPISODE>", 0, i) + 1 for i in bad]  # 1-based
    assert err[["file", "row", "column", "value"]].values.tolist() == [
        ["SSDA903_2017-18.xml (one line)", starts[0], "PLACE", "Q8"],
        ["SSDA903_2017-18.xml (one line)", starts[1], "PLACE", "Q9"],
    ]
    assert ds.unusable["row"].tolist() == [0, 1]
    line = sc.inputs.format_issue(err.iloc[0])
    assert line.startswith(f"  SSDA903_2017-18.xml (one line), character {starts[0]}, column PLACE")
    grouped = sc.inputs.report.grouped_lines(err.assign(value=""))
    assert f"(2 times; characters {starts[0]}, {starts[1]})" in grouped[0]
    # a file with line breaks keeps its lines, and its label
    (tmp_path / "SSDA903_2017-18.xml").write_text(SSDA903)
    again = sc.load_dataset(tmp_path).quality
    assert again.loc[again["severity"] == "error", "file"].tolist() == ["SSDA903_2017-18.xml"]


def test_broken_xml_on_one_line_names_the_character(tmp_path: Path) -> None:
    (tmp_path / "evil.xml").write_text("<EXPSSDA903><CHILD><HEADER></CHILD></EXPSSDA903>")
    (tmp_path / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,PLACE,DEC,REC\nA,01/04/2024,S,C2,U1,,\n"
    )
    rule = sc.load_dataset(tmp_path).quality.set_index("file").loc["evil.xml", "rule"]
    assert "not well-formed XML (line 1, character 30: mismatched tag)" in rule  # </CHILD>


def test_the_authority_a_cin_census_names_titles_the_card(tmp_path: Path) -> None:
    """A CIN census names its authority (Source/LEA 886): the card built without `la` is
    Kent's, not 'Local authority'. Returns naming two authorities are said, and name none;
    a code the list of English authorities does not know is left out."""
    from scorecard.report import build_scorecard

    (tmp_path / "CIN_Census_2024.xml").write_text(CIN)
    ds = sc.load_dataset(tmp_path)
    assert ds.authority == "886"
    card = build_scorecard(ds, quarter="2023-24 Q4")
    assert (card.la_code, card.la_name) == ("886", "Kent")
    (tmp_path / "CIN_Census_2023.xml").write_text(
        CIN.replace("<LEA>886</LEA>", "<LEA>887</LEA>").replace("<Year>2024", "<Year>2023")
    )
    two = sc.load_dataset(tmp_path)
    assert two.authority is None
    said = two.quality.loc[two.quality["rule"].str.startswith("CIN census files name different")]
    assert "886 (CIN_Census_2024.xml)" in said["rule"].item()
    assert "887 (CIN_Census_2023.xml)" in said["rule"].item()
    unknown = tmp_path / "unknown"
    unknown.mkdir()
    (unknown / "CIN_Census_2024.xml").write_text(CIN.replace("<LEA>886", "<LEA>650"))
    card = build_scorecard(sc.load_dataset(unknown), quarter="2023-24 Q4")
    assert card.la_name == "Local authority"
