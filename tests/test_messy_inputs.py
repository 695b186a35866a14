"""Files as councils' systems export them: NULL words for blanks, far-future end dates, exact
copies of rows, a line with an unquoted comma, semicolons, header-only files, subfolders,
hidden sheets, old .xls workbooks and the scorecard's own outputs in the data folder. Each
small file here is built by hand, with the messages and values it must give."""

from __future__ import annotations

import csv
import datetime as dt
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _loader_fixtures import EP, HEADER, write

import scorecard as sc
from scorecard.inputs import coerce
from scorecard.inputs.coerce import NULL_TOKENS


def rules(ds: sc.Dataset, severity: str | None = None) -> list[list[object]]:
    """[file, row, column, rule] of the report (of one severity)."""
    q = ds.quality
    if severity:
        q = q.loc[q["severity"] == severity]
    return q[["file", "row", "column", "rule"]].values.tolist()


# ------------------------------------------------------------------ 1. NULL words as blanks


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["AB1234567", "CD1234567", "NA", "EF1234567", "GH1234567"], True),  # in block 2
        (["AB1234567", "CD1234567", None, "EF1234567", None], False),  # blanks: no cell
        ([None, None, None, None, "-"], True),  # the last block, after blank ones
        ([None, None, None], False),
    ],
)
def test_a_short_cell_is_found_in_any_block(
    monkeypatch: pytest.MonkeyPatch, cells: list[str | None], expected: bool
) -> None:
    """The NULL-word screen reads cell lengths a block of rows at a time (two here), in one
    chunk or several: a short cell in any block is found, a blank is no cell."""
    monkeypatch.setattr(coerce, "_TEXT_BLOCK", 2)
    one = pa.chunked_array([pa.array(cells, pa.large_string())])
    several = pa.chunked_array(
        [pa.array(cells[:3], pa.large_string()), pa.array(cells[3:], pa.large_string())]
    )
    assert coerce._has_short_cell(one, 4) is expected
    assert coerce._has_short_cell(several, 4) is expected


@pytest.mark.parametrize(
    ("cells", "upper", "expected"),
    [
        (["AB1 2CD", "EF3 4GH", None, None, "IJ5 6KL"], True, True),  # blanks: a block alone
        (["AB1 2CD", "EF3 4GH", None, None, "ij5 6kl"], True, False),  # lower case, last block
        (["AB1 2CD", "EF3 4GH", None, None, "ij5 6kl"], False, True),  # kept as written
        (["AB1 2CD", "EF3 4GH", "MN7 8OP ", "QR9 1ST"], False, False),  # a space to strip
    ],
)
def test_a_text_column_is_clean_only_if_every_block_is(
    monkeypatch: pytest.MonkeyPatch, cells: list[str | None], upper: bool, expected: bool
) -> None:
    """Parquet text kept as read (no rewrite) only when no cell in any block would change:
    stripped, and upper-cased for codes and postcodes (blocks of two here)."""
    monkeypatch.setattr(coerce, "_TEXT_BLOCK", 2)
    s = pd.Series(pd.array(cells, dtype=pd.StringDtype("pyarrow", na_value=float("nan"))))
    assert coerce._already_clean(s, numeric_ids=False, upper=upper) is expected


# (cells, upper, numeric_ids, expected): each a case the byte check must read as the
# kernels do; "\x1c" is a space to Arrow's strip though not to the eye, "\xa0" a non-ASCII one
CLEAN_CASES = [
    (["AB1 2CD", "EF3 4GH", "IJ5 6KL"], True, False, True),
    ([" AB1 2CD", "EF3 4GH", "IJ5 6KL"], True, False, False),  # a space first
    (["AB1 2CD", "EF3 4GH", "IJ5 6KL\t"], True, False, False),  # a tab last, last block
    (["AB1 2CD", "\x1cEF3 4GH", "IJ5 6KL"], False, False, False),
    (["AB1 2CD", "EF3 4GH\xa0", "IJ5 6KL"], False, False, False),  # non-ASCII space last
    (["AB1 2CD", "EF3 4GÉ", "IJ5 6KL"], True, False, True),  # upper already
    (["AB1 2CD", "EF3 4Gé", "IJ5 6KL"], True, False, False),  # non-ASCII lower case
    (["AB1 2CD", "Ef3 4GH", "IJ5 6KL"], True, False, False),  # lower case inside
    (["AB1 2CD", "Ef3 4GH", "IJ5 6KL"], False, False, True),  # kept as written
    (["AB1 2CD", "{F3 4GH", "IJ5 6KL"], True, False, True),  # above 'Z', not a letter
    (["AB1 2CD", "EF3 4GH", "12.0 X"], False, True, False),  # a '.' in an identifier
    (["AB1 2CD", "EF3 4GH", "12.0 X"], False, False, True),
    (["AB1 2CD", "", "IJ5 6KL"], True, False, False),  # a blank cell
    (["AB1 2CD", None, None, "EF3 4GH"], True, False, True),  # blanks: a block alone
    (["AB1 2CD", None, None, "EF3 4GH "], True, False, False),
    (["AB 1", "CD 2", None, "e f"], False, False, True),
]


@pytest.mark.parametrize("large", [True, False])
@pytest.mark.parametrize(("cells", "upper", "numeric_ids", "expected"), CLEAN_CASES)
def test_a_text_column_is_read_clean_from_its_bytes_as_the_kernels_read_it(
    monkeypatch: pytest.MonkeyPatch,
    cells: list[str | None],
    upper: bool,
    numeric_ids: bool,
    expected: bool,
    large: bool,
) -> None:
    """Postcodes (spaces inside) are found clean from their bytes: a cell's first and last
    byte, every byte for lower case and '.'. The answer is the kernels' (strip, upper-case,
    compare) on each block (two cells here: slices of a chunk, so offsets not at 0), in
    `large_string` and in `string`, with Arrow's own spaces (the kernel is asked which)."""
    monkeypatch.setattr(coerce, "_TEXT_BLOCK", 2)
    arr = pa.array(cells, pa.large_string() if large else pa.string())
    by_bytes = [coerce._clean_by_bytes(p, upper, numeric_ids) for p in coerce._blocks(arr)]
    by_kernels = [coerce._clean_by_kernels(p, upper, numeric_ids) for p in coerce._blocks(arr)]
    assert [k if b is None else b for b, k in zip(by_bytes, by_kernels)] == by_kernels
    assert all(by_kernels) is expected
    s = pd.Series(pd.array(cells, dtype=pd.StringDtype("pyarrow", na_value=float("nan"))))
    assert coerce._already_clean(s, numeric_ids=numeric_ids, upper=upper) is expected


def test_a_cell_ending_beyond_ascii_is_left_to_the_kernels() -> None:
    """The bytes cannot say whether a non-ASCII first or last character is stripped, nor,
    upper-casing, whether a non-ASCII letter changes: the block goes to the kernels."""
    assert coerce._clean_by_bytes(pa.array(["AB\xa0", "CD"]), False, False) is None
    assert coerce._clean_by_bytes(pa.array(["AÉ B", "CD"]), True, False) is None
    assert coerce._clean_by_bytes(pa.array(["AÉ B", "CD"]), False, False) is True
    assert list(coerce._ascii_spaces()) == [9, 10, 11, 12, 13, 28, 29, 30, 31, 32]


def test_no_code_list_holds_a_null_word() -> None:
    folder = Path(sc.__file__).parent / "codes"
    for path in folder.glob("*.csv"):
        with path.open(newline="") as fh:
            found = {row[0] for row in csv.reader(fh)}
        assert not found & set(NULL_TOKENS), path.name


def test_null_words_are_blank_with_one_note_per_column(tmp_path: Path) -> None:
    write(
        tmp_path,
        "episodes.csv",
        EP + ",PL_DISTANCE,URN",
        [
            "A,01/04/2024,S,C2,U1,NULL,,NULL,None",
            "B,01/05/2024,S,C2,U1,n/a,-,12.5,1",
            "C,01/06/2024,S,C2,U1,#N/A,,-,2",
            "D,01/06/2024,S,C2,U1,01/07/2024,E13,N/A,3",
            "E,01/06/2024,S,C2,U1,NA,,1,4",  # 'NA' is not a NULL word: not a date
        ],
    )
    ds = sc.load_dataset(tmp_path)
    ep = ds["episodes"]
    assert ep["DEC"].isna().tolist() == [True, True, True, False, True]
    assert ep["REC"].isna().tolist() == [True, True, True, False, True]
    assert ep["PL_DISTANCE"].tolist()[1] == 12.5 and ep["PL_DISTANCE"].isna().sum() == 3
    assert ep["URN"].isna().tolist() == [True, False, False, False, False]
    assert rules(ds, "note") == [
        ["episodes.csv", None, "DEC", "3 cells written 'NULL' (1), 'n/a' (1), '#N/A' (1) read as blank"],
        ["episodes.csv", None, "PL_DISTANCE", "3 cells written 'NULL' (1), '-' (1), 'N/A' (1) read as blank"],
        ["episodes.csv", None, "REC", "1 cell written '-' read as blank"],
        ["episodes.csv", None, "URN", "1 cell written 'None' read as blank"],
    ]  # fmt: skip
    assert rules(ds, "error") == [["episodes.csv", 6, "DEC", "not a date"]]


def test_null_words_in_a_workbook_and_in_parquet_codes(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(EP.split(","))
    ws.append(["A", "01/04/2024", "S", "C2", "U1", "NULL", None])
    ws.append(["B", "01/04/2024", "S", "C2", "U1", "NULL", "NULL"])
    book.save(tmp_path / "episodes.xlsx")
    # Parquet: PLACE is read as its dictionary, the NULL word found among its values
    table = pa.table(
        {
            "CHILD": ["A", "B", "C"],
            "SEX": pa.array(["1", "NULL", "2"]),
            "DOB": ["01/01/2010", "01/01/2011", "01/01/2012"],
        }
    )
    pq.write_table(table, tmp_path / "header.parquet")
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["DEC"].isna().all() and ds["episodes"]["REC"].isna().all()
    assert ds["header"]["SEX"].isna().tolist() == [False, True, False]
    assert [r for r in rules(ds, "note") if r[3].endswith("read as blank")] == [
        ["header.parquet", None, "SEX", "1 cell written 'NULL' read as blank"],
        ["episodes.xlsx", None, "DEC", "2 cells written 'NULL' read as blank"],
        ["episodes.xlsx", None, "REC", "1 cell written 'NULL' read as blank"],
    ]


# ------------------------------------------------------------------ 2. far-future end dates


def test_a_far_future_end_date_is_open_with_one_note(tmp_path: Path) -> None:
    write(
        tmp_path,
        "episodes.csv",
        EP,
        [
            "A,01/04/2024,S,C2,U1,31/12/9999,",
            "B,01/04/2024,S,C2,U1,31/12/9999,",
            "C,01/04/2024,S,C2,U1,9999-12-31,",
            "D,01/04/2024,S,C2,U1,31/12/2099,E13",  # a date (not after 2100): kept
            "E,31/12/9999,S,C2,U1,,",  # not an end date: an error
        ],
    )
    write(tmp_path, "iro_staff.csv", "IRO_ID,FTE,START,END", ["I1,1,01/01/2020,01/01/2101"])
    ds = sc.load_dataset(tmp_path)
    ep = ds["episodes"]
    assert ep["DEC"].tolist()[:3] == [pd.NaT] * 3
    assert ep["DEC"].iloc[3] == pd.Timestamp("2099-12-31")
    assert ds["iro_staff"]["END"].isna().all()
    assert rules(ds, "note") == [
        ["episodes.csv", None, "DEC", "3 end dates written '31/12/9999', '9999-12-31' (a far-future placeholder) read as blank: still open"],
        ["iro_staff.csv", None, "END", "1 end date written '01/01/2101' (a far-future placeholder) read as blank: still open"],
    ]  # fmt: skip
    assert rules(ds, "error") == [["episodes.csv", 6, "DECOM", "not a date"]]


def test_an_end_date_written_as_a_word_for_open_is_open_with_one_note(
    tmp_path: Path,
) -> None:
    """Case-management extracts write 'Open' or 'Ongoing' where an episode has not ended:
    every such episode was unusable (children looked after 0 on the card); now they are open,
    said once per column. Another word is still not a date, and a start date is never read
    so."""
    write(
        tmp_path,
        "episodes.csv",
        EP,
        [
            "A,01/04/2024,S,C2,U1,Open,",
            "B,01/04/2024,S,C2,U1,ONGOING,",
            "C,01/04/2024,S,C2,U1, not ended ,",
            "D,01/04/2024,S,C2,U1,Current,",
            "E,01/04/2024,S,C2,U1,Closed,E13",  # not a word for open: an error
            "F,Open,S,C2,U1,,",  # not an end date: an error
        ],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["DEC"].isna().all()
    assert rules(ds, "note") == [
        ["episodes.csv", None, "DEC", "4 end dates written 'Open', 'ONGOING', 'not ended' ... (a word for not ended) read as blank: still open"],
    ]  # fmt: skip
    # E's REC is not 'given but DEC blank': its DEC is no date, not blank
    assert rules(ds, "warning") == []
    assert rules(ds, "error") == [
        ["episodes.csv", 6, "DEC", "not a date"],
        ["episodes.csv", 7, "DECOM", "not a date"],
    ]
    # A to D are looked after on 01/04/2024 (the data ends then); E and F are left out
    assert sc.compute("cla_count", ds, at="2024-04-01")["value"].item() == 4


def test_sex_written_as_words_is_the_code_of_its_year(tmp_path: Path) -> None:
    """Case-management exports write SEX as 'Male' or 'Female': every cell was an unknown
    code, the child's sex unknown in every breakdown. Now each is the code of its return's
    year (1/2 up to 2023-24, M/F/U from 2024-25), said once per file."""
    write(tmp_path, "2023-header.csv", HEADER, ["A,Male,01/01/2010", "B,female,01/01/2011"])
    write(
        tmp_path,
        "2024-header.csv",
        HEADER,
        ["A,MALE,01/01/2010", "B, Female ,01/01/2011", "C,Not known,01/01/2012"],
    )
    eps = ["A,01/05/2023,S,C2,U1,,", "B,01/06/2023,S,C2,U1,,"]
    write(tmp_path, "2023-episodes.csv", EP, eps)
    write(tmp_path, "2024-episodes.csv", EP, [*eps, "C,01/07/2024,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds.returns["collection_year"].tolist() == ["2023-24", "2024-25"]
    assert ds["header"]["SEX"].tolist() == ["M", "F", "U"]
    assert rules(ds, "note") == [
        ["2023-header.csv", None, "SEX", "2 SEX cells written as words read as codes: 'MALE' as '1', 'FEMALE' as '2'"],
        ["2024-header.csv", None, "SEX", "3 SEX cells written as words read as codes: 'MALE' as 'M', 'FEMALE' as 'F', 'NOT KNOWN' as 'U'"],
    ]  # fmt: skip
    assert rules(ds, "error") == [] and rules(ds, "warning") == []
    by_sex = sc.compute("cla_count", ds, at="2024-03-31", by="sex")
    assert by_sex[["sex", "value"]].values.tolist() == [["Female", 1], ["Male", 1]]
    # a file of no one year (an extract) writes today's codes
    extract = tmp_path / "extract"
    write(extract, "header.csv", HEADER, ["A,Female,01/01/2010"])
    assert sc.load_dataset(extract)["header"]["SEX"].tolist() == ["F"]


def test_case_type_written_as_words_is_the_code(tmp_path: Path) -> None:
    """An IRO extract writing CASE_TYPE 'LAC' (the older name of CLA) or 'Child Protection'
    had every row unusable and no caseload; now they are CLA and CP, said once."""
    write(tmp_path, "iro_staff.csv", "IRO_ID,FTE,START,END", ["I1,1,01/04/2020,"])
    write(
        tmp_path,
        "iro_allocations.csv",
        "IRO_ID,CHILD,START,END,CASE_TYPE",
        ["I1,A,01/04/2024,,LAC", "I1,B,01/04/2024,,Child Protection", "I1,C,01/04/2024,,CP"],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["iro_allocations"]["CASE_TYPE"].tolist() == ["CLA", "CP", "CP"]
    assert rules(ds, "note") == [
        ["iro_allocations.csv", None, "CASE_TYPE", "2 CASE_TYPE cells written as words read as codes: 'LAC' as 'CLA', 'CHILD PROTECTION' as 'CP'"],
    ]  # fmt: skip
    assert rules(ds, "error") == []


def test_referral_nfa_written_yes_or_no_is_the_code(tmp_path: Path) -> None:
    """A census export writing ReferralNFA Y/N or Yes/No had a warning on every referral
    (20,855 in a county's ten years); now they are 1 and 0, said once per file. true/false
    and 1/0 were read already; X is still no code."""
    nfa = ["Y", "N", "Yes", "no", "true", "1", "0", "X"]
    rows = [f"C{i},0{i + 1}/05/2024,{v}" for i, v in enumerate(nfa)]
    write(tmp_path, "referrals.csv", "LAchildID,CINreferralDate,ReferralNFA", rows)
    ds = sc.load_dataset(tmp_path)
    got = ds["referrals"]["ReferralNFA"].astype("string").tolist()
    assert got == ["1", "0", "1", "0", "TRUE", "1", "0", "X"]
    assert rules(ds, "note") == [
        ["referrals.csv", None, "ReferralNFA", "4 ReferralNFA cells written as words read as codes: 'Y' as '1', 'N' as '0'"],
    ]  # fmt: skip
    warned = rules(ds, "warning")
    assert [w[:3] for w in warned] == [["referrals.csv", 9, "ReferralNFA"]]


def test_zero_padded_codes_are_the_codes_of_their_list(tmp_path: Path) -> None:
    """A case system writing PrimaryNeedCode N01 and ReasonForClosure RC01 had an unknown
    code on every referral, and the breakdown by need split N01 from N1 (audit 7 r21: 18
    groups). Now a padded code whose unpadded form is a code of the list is that code, said
    once per file and column; N010 is not padded N10 (no such code) and stays unknown. Any
    list of letters and digits: PLACE U04 is U4."""
    rows = [
        "A,01/05/2024,N01,15/07/2024,RC01",
        "A,01/08/2024,N1,,",
        "B,01/06/2024,N1,01/09/2024,RC09",
        "C,01/07/2024,N010,,",
        "D,01/07/2024,N00,,",
    ]
    cols = "LAchildID,CINreferralDate,PrimaryNeedCode,CINclosureDate,ReasonForClosure"
    write(tmp_path, "referrals.csv", cols, rows)
    write(tmp_path, "episodes.csv", EP, ["E,01/05/2024,S,C2,U04,,"])
    write(tmp_path, "header.csv", HEADER, ["E,M,01/01/2010"])
    ds = sc.load_dataset(tmp_path, coverage=("2023-04-01", "2025-03-31"))
    need = ds["referrals"]["PrimaryNeedCode"].astype("string").tolist()
    assert need == ["N1", "N1", "N1", "N010", "N0"]
    closure = ds["referrals"]["ReasonForClosure"].astype("string").tolist()
    assert closure == ["RC1", pd.NA, "RC9", pd.NA, pd.NA]
    assert ds["episodes"]["PLACE"].astype("string").tolist() == ["U4"]
    assert rules(ds, "note") == [
        ["episodes.csv", None, "PLACE", "1 PLACE cell written with zeros before the number read as codes: 'U04' as 'U4'"],
        ["referrals.csv", None, "PrimaryNeedCode", "2 PrimaryNeedCode cells written with zeros before the number read as codes: 'N00' as 'N0', 'N01' as 'N1'"],
        ["referrals.csv", None, "ReasonForClosure", "2 ReasonForClosure cells written with zeros before the number read as codes: 'RC01' as 'RC1', 'RC09' as 'RC9'"],
    ]  # fmt: skip
    warned = rules(ds, "warning")
    assert [w[1:4] for w in warned] == [[5, "PrimaryNeedCode", "unknown PrimaryNeedCode code"]]
    # by need: N1 holds A's two referrals and B's (A's second a re-referral): 1 of 3
    by_need = sc.compute("re_referral_rate", ds, at="2025-03-31", by="PrimaryNeedCode")
    got = by_need[["PrimaryNeedCode", "numerator", "denominator"]].values.tolist()
    assert got == [["N0", 0, 1], ["N010", 0, 1], ["N1", 1, 3]]


def test_zero_padded_codes_in_any_case_or_padding(tmp_path: Path) -> None:
    # lower case and spaces around ('  n01 '): still a padded N1, whichever step cleans the
    # cell first
    rows = ["A,01/05/2024,  n01 ,,", "B,01/06/2024,n1,,"]
    cols = "LAchildID,CINreferralDate,PrimaryNeedCode,CINclosureDate,ReasonForClosure"
    write(tmp_path, "referrals.csv", cols, rows)
    ds = sc.load_dataset(tmp_path, coverage=("2023-04-01", "2025-03-31"))
    assert ds["referrals"]["PrimaryNeedCode"].astype("string").tolist() == ["N1", "N1"]
    assert rules(ds, "note")[0][3].startswith("1 PrimaryNeedCode cell written with zeros")


def test_codes_written_with_their_descriptions_are_the_codes(tmp_path: Path) -> None:
    """Case-management reports export 'U4 - Foster placement ...': every such cell was an
    unknown code (the card showed 136 children looked after of 1,789). The code before the
    description is read, said once per column; a cell of another shape is still checked."""
    write(
        tmp_path,
        "episodes.csv",
        EP,
        [
            "A,01/04/2024,S,C2 - Full care order,U4 - Foster placement with other foster carer,,",
            "B,01/04/2024,S,C2,U1,,",
            "C,01/04/2024,S,C2,ZZ - Not a placement,,",
            "D,01/04/2024,S,V2: Section 20,K2 – Children's home,,",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    ep = ds["episodes"]
    assert ep["LS"].tolist() == ["C2", "C2", "C2", "V2"]
    assert ep["PLACE"].tolist() == ["U4", "U1", "ZZ", "K2"]
    assert rules(ds, "note") == [
        ["episodes.csv", None, "LS", "2 cells written as a code and its description ('C2 - Full care order') read as the code ('C2')"],
        ["episodes.csv", None, "PLACE", "3 cells written as a code and its description ('U4 - Foster placement with other fost...') read as the code ('U4')"],
    ]  # fmt: skip
    assert rules(ds, "error") == [["episodes.csv", 4, "PLACE", "unknown PLACE code"]]


def test_a_day_the_month_has_not_is_told_so(tmp_path: Path) -> None:
    # '31/04/2024' is written as dd/mm/YYYY: the hint says April has 30 days, not how to
    # write a date; a date of another shape keeps the general hint
    write(
        tmp_path,
        "episodes.csv",
        EP,
        ["A,31/04/2024,S,C2,U1,,", "B,01/04/2024,S,C2,U1,29/02/2025,E13", "C,soon,S,C2,U1,,"],
    )
    q = sc.load_dataset(tmp_path).quality
    errors = q.loc[q["severity"] == "error", ["row", "column", "value", "rule", "hint"]]
    assert errors.values.tolist()[:2] == [
        [2, "DECOM", "31/04/2024", "not a date", "There is no day 31 in April 2024, which has 30 days; check the date where the file is made."],
        [3, "DEC", "29/02/2025", "not a date", "There is no day 29 in February 2025, which has 28 days; check the date where the file is made."],
    ]  # fmt: skip
    assert errors.values.tolist()[2][:4] == [4, "DECOM", "soon", "not a date"]
    assert errors.values.tolist()[2][4].startswith("Write dates as dd/mm/YYYY")


def test_mid_year_labels_are_years_and_number_columns_say_what_they_hold(
    tmp_path: Path,
) -> None:
    # the ONS labels its estimates 'mid-2024'; '2025-26' is no mid-year, and the hint says
    # what MID_YEAR holds (not 'a plain number, e.g. 0.8'); EM94 'Y' is told 1 or 0
    write(tmp_path, "episodes.csv", EP, ["A,01/04/2024,S,C2,U1,,"])
    write(
        tmp_path,
        "population.csv",
        "MID_YEAR,POP_0_17",
        ["mid-2023,1000", "Mid-year 2024,1100", "2025-26,1200"],
    )
    write(tmp_path, "ks4_cla.csv", "CHILD,ACADEMIC_YEAR,ATT8,EM94", ["A,2024/25,35.5,Y"])
    ds = sc.load_dataset(tmp_path)
    assert ds["population"]["MID_YEAR"].tolist()[:2] == [2023, 2024]
    errors = ds.quality.loc[ds.quality["severity"] == "error", ["column", "value", "hint"]]
    assert errors.values.tolist() == [
        ["EM94", "Y", "Write 1 for a pupil with grade 4 or above in English and maths, 0 otherwise."],
        ["MID_YEAR", "2025-26", "Write the year of the mid-year population estimate, e.g. 2024 (mid-2024)."],
    ]  # fmt: skip


def test_uasc_rows_of_one_child_that_disagree_are_said(tmp_path: Path) -> None:
    # A: a row with DUC blank and one dated; the blank one makes A UASC still, said on the
    # dated row. B has one row: nothing to say.
    write(tmp_path, "episodes.csv", EP, ["A,01/04/2023,S,C2,U1,,", "B,01/04/2023,S,C2,U1,,"])
    write(tmp_path, "uasc.csv", "CHILD,DUC", ["A,", "A,01/10/2024", "B,01/06/2024"])
    ds = sc.load_dataset(tmp_path)
    assert rules(ds, "warning") == [
        ["uasc.csv", 3, "DUC", "the child has another uasc row with DUC blank, which is used: UASC still"]
    ]  # fmt: skip


def test_a_uasc_file_of_every_child_with_a_uasc_flag_keeps_the_flagged(tmp_path: Path) -> None:
    # the uasc file lists every child with a UASC flag, as the SSDA903 XML carries it: A
    # (1) and C (0 but a DUC: was UASC) are UASC; B (0) and D (No) are not, and were
    # counted as UASC still (DUC blank). E's flag is blank: listed in a uasc file, kept
    episodes = [f"{c},01/04/2023,S,C2,U1,," for c in "ABCDE"]
    write(tmp_path, "episodes.csv", EP, [*episodes, "F,01/04/2023,S,C2,U1,31/03/2024,E13"])
    write(
        tmp_path,
        "uasc.csv",
        "CHILD,SEX,DOB,DUC,UASC",
        [
            "A,M,01/01/2008,,1",
            "B,M,01/01/2008,,0",
            "C,F,01/01/2007,01/02/2024,0",
            "D,F,01/01/2009,,No",
            "E,M,01/01/2008,,",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["uasc"]["CHILD"].tolist() == ["A", "C", "E"]
    assert rules(ds, "note") == [
        [
            "uasc.csv",
            None,
            "UASC",
            "2 rows whose UASC flag says not UASC (0, NO), with no DUC, left out: the file "
            "lists children who are not UASC",
        ]
    ]
    got = sc.compute("uasc_count", ds, at="2024-03-31")
    assert got["value"].item() == 2  # A and E (C ceased on 01/02/2024)


def test_a_header_carrying_the_uasc_flag_gives_the_uasc_table_as_the_xml_does(
    tmp_path: Path,
) -> None:
    # the XML flattened to one header file: UASC flag and DUC beside SEX and DOB, no uasc
    # file. A (1) and C (Y, DUC 01/02/2024) are UASC; B (0) is not; D's flag '2' is neither:
    # not UASC, warned about on its row; E (0) has a DUC that is no date: a DUC given (as
    # the XML takes it), its error said once, on the uasc table
    episodes = [f"{c},01/04/2023,S,C2,U1,," for c in "ABCDE"]
    write(tmp_path, "episodes.csv", EP, [*episodes, "F,01/04/2023,S,C2,U1,31/03/2024,E13"])
    write(
        tmp_path,
        "header.csv",
        "CHILD,SEX,DOB,UASC,DUC",
        [
            "A,1,01/01/2010,1,",
            "B,2,01/01/2009,0,",
            "C,1,01/01/2008,Y,01/02/2024",
            "D,2,01/01/2011,2,",
            "E,1,01/01/2009,0,31/02/2024",
            "F,1,01/01/2009,0,",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["uasc"]["CHILD"].tolist() == ["A", "C", "E"]
    assert "DUC" not in ds["header"].columns
    q = ds.quality
    assert q[["severity", "table", "file", "row", "column", "value"]].values.tolist() == [
        ["error", "uasc", "header.csv", 6, "DUC", "31/02/2024"],
        ["warning", "header", "header.csv", 5, "UASC", "2"],
        ["note", "uasc", "header.csv", None, "", ""],
    ]
    assert q["rule"].tolist()[1:] == [
        "UASC flag neither yes (1) nor no (0): read as not UASC (unless a DUC is given)",
        "uasc read from the header's UASC, DUC columns (no uasc file): 3 children",
    ]
    # at 31/03/2024: A (DUC blank) is UASC; C ceased on 01/02/2024; E's row is left out
    got = sc.compute("uasc_count", ds, at="2024-03-31")
    assert got["value"].item() == 1


def test_a_yearly_header_with_the_uasc_flag_and_no_uasc_file_gives_that_year(
    tmp_path: Path,
) -> None:
    # 2023-24 has its uasc file; 2024-25's header carries the flag (no DUC column) and the
    # return no uasc file: that year's uasc rows come from the flag (F flagged), not "no
    # uasc in the 2024-25 return"
    write(tmp_path, "episodes_2023-24.csv", EP, ["A,01/04/2023,S,C2,U1,,"])
    write(tmp_path, "header_2023-24.csv", HEADER, ["A,1,01/01/2010"])
    write(tmp_path, "uasc_2023-24.csv", "CHILD,DUC", ["A,"])
    write(
        tmp_path, "episodes_2024-25.csv", EP, ["A,01/04/2023,S,C2,U1,,", "F,01/05/2024,S,C2,U1,,"]
    )
    write(
        tmp_path, "header_2024-25.csv", HEADER + ",UASC", ["A,M,01/01/2010,1", "F,F,01/01/2011,0"]
    )
    ds = sc.load_dataset(tmp_path)
    assert sorted(ds["uasc"]["CHILD"]) == ["A"]
    assert rules(ds, "warning") == []
    assert rules(ds, "note") == [
        ["header_2024-25.csv", None, "", "uasc read from the header's UASC column (no uasc file for 2024-25): 1 child, each UASC still (no DUC column)"]
    ]  # fmt: skip
    got = sc.compute("uasc_count", ds, at="2025-03-31")
    assert got["value"].item() == 1


def test_a_header_whose_uasc_flag_disagrees_with_the_uasc_file_is_warned_about(
    tmp_path: Path,
) -> None:
    # the return has a uasc file (A, B) and a header flag (A, C): the file is used; B (file,
    # flagged 0) and C (flagged 1, not in the file) are warned about on their header rows
    write(tmp_path, "episodes.csv", EP, [f"{c},01/04/2023,S,C2,U1,," for c in "ABC"])
    write(
        tmp_path,
        "header.csv",
        HEADER + ",UASC",
        ["A,1,01/01/2010,1", "B,1,01/01/2010,0", "C,2,01/01/2010,1"],
    )
    write(tmp_path, "uasc.csv", "CHILD,DUC", ["A,", "B,"])
    ds = sc.load_dataset(tmp_path)
    assert ds["uasc"]["CHILD"].tolist() == ["A", "B"]
    rule = "the header's UASC column disagrees with the uasc file (uasc.csv), which is used"
    assert rules(ds, "warning") == [
        ["header.csv", 3, "UASC", rule],
        ["header.csv", 4, "UASC", rule],
    ]
    assert rules(ds, "note") == []


def test_a_header_whose_care_leavers_fields_disagree_with_the_oc3_file_is_warned_about(
    tmp_path: Path,
) -> None:
    # the oc3 file is used; M's ACTIV in the header (G4) differs from the file's (G6): said
    # on M's header row; L agrees; A has none and is in no file: nothing to say
    write(tmp_path, "episodes.csv", EP, ["A,01/04/2023,S,C2,U1,,"])
    write(
        tmp_path,
        "header.csv",
        HEADER + ",IN_TOUCH,ACTIV,ACCOM",
        ["A,1,01/01/2010,,,", "L,1,01/04/2005,YES,G4,B1", "M,2,01/04/2005,YES,G4,B1"],
    )
    write(
        tmp_path,
        "oc3.csv",
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM,YEAR",
        ["L,01/04/2005,YES,G4,B1,2024", "M,01/04/2005,YES,G6,B1,2024"],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["oc3"]["ACTIV"].astype("string").tolist() == ["G4", "G6"]
    rule = (
        "the header's IN_TOUCH, ACTIV, ACCOM columns disagree with the oc3 file (oc3.csv), "
        "which is used"
    )
    said = ds.quality.loc[ds.quality["rule"] == rule, ["file", "row", "column", "value"]]
    assert said.values.tolist() == [["header.csv", 4, "ACTIV", "G4"]]


def test_a_header_carrying_the_care_leavers_fields_gives_the_years_oc3(tmp_path: Path) -> None:
    # 2024-25's header carries IN_TOUCH, ACTIV, ACCOM (blank for children in care), no oc3
    # file: the year's oc3 is its care leavers, A (in touch) and B (not): 19th birthdays on
    # 01/04/2024 and 31/03/2025, so 1 of 2 in touch; C has none (no oc3 row)
    write(tmp_path, "episodes_2023-24.csv", EP, ["C,01/04/2023,S,C2,U1,,"])
    write(tmp_path, "header_2023-24.csv", HEADER, ["C,1,01/01/2012"])
    write(tmp_path, "oc3_2023-24.csv", "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM", ["D,01/01/2005,YES,G4,B1"])
    write(tmp_path, "episodes_2024-25.csv", EP, ["C,01/04/2023,S,C2,U1,,"])
    write(
        tmp_path,
        "header_2024-25.csv",
        HEADER + ",IN_TOUCH,ACTIV,ACCOM",
        ["A,M,01/04/2005,YES,F2,B1", "B,F,31/03/2006,NO,0,0", "C,M,01/01/2012,,,"],
    )
    ds = sc.load_dataset(tmp_path)
    oc3 = ds["oc3"]
    assert oc3[["CHILD", "IN_TOUCH", "YEAR"]].values.tolist() == [
        ["D", "YES", 2024.0],
        ["A", "YES", 2025.0],
        ["B", "NO", 2025.0],
    ]
    assert not {"IN_TOUCH", "ACTIV", "ACCOM"} & set(ds["header"].columns)
    assert rules(ds, "warning") == []
    assert rules(ds, "note") == [
        ["header_2024-25.csv", None, "", "oc3 read from the header's IN_TOUCH, ACTIV, ACCOM columns (no oc3 file for 2024-25): 2 children"]
    ]  # fmt: skip
    got = sc.compute("care_leavers_in_touch_19_21", ds, at="2024-25 Q4")
    assert got[["numerator", "denominator"]].values.tolist() == [[1, 2]]


def test_a_return_that_closes_every_open_episode_on_its_last_day_is_read_open(
    tmp_path: Path,
) -> None:
    # the 2024-25 export writes its end date into DEC of every open episode (no DEC blank
    # anywhere): A with REC X1 and no next episode, B with REC blank, D's first with X1 and
    # D's next, begun that day, with REC blank; E's, begun that day, with X1. Read as open: children looked after at
    # 31/03/2025 were 0 (B's row an error, A's an X1 gap). C truly left on 01/09/2024
    write(tmp_path, "episodes_2023-24.csv", EP, ["A,01/05/2023,S,C2,U1,,"])
    write(
        tmp_path,
        "episodes_2024-25.csv",
        EP,
        [
            "A,01/05/2023,S,C2,U1,31/03/2025,X1",
            "B,01/06/2024,S,C2,U1,31/03/2025,",
            "C,01/07/2024,S,C2,U1,01/09/2024,E13",
            "D,01/08/2024,S,C2,U1,31/03/2025,X1",
            "D,31/03/2025,P,C2,U4,31/03/2025,",
            "E,31/03/2025,S,C2,U1,31/03/2025,X1",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    ep = ds["episodes"][["CHILD", "DEC", "REC"]]
    assert ep.astype(object).where(ep.notna(), None).values.tolist() == [
        ["A", None, None],
        ["B", None, None],
        ["C", pd.Timestamp("2024-09-01"), "E13"],
        ["D", pd.Timestamp("2025-03-31"), "X1"],
        ["D", None, None],
        ["E", None, None],
    ]
    assert rules(ds) == [
        [
            "episodes_2024-25.csv",
            row,
            "DEC",
            "DEC on the return's last day (31/03/2025), with REC blank or X1 and no next "
            "episode, in a return with no open episode: read as open",
        ]
        for row in (2, 3, 6, 7)
    ]
    assert sc.compute("cla_count", ds, at="2025-03-31")["value"].item() == 4


# ------------------------------------------------------------------ 3. exact copies of rows


def test_sql_servers_date_for_none_is_an_open_end_with_one_note(tmp_path: Path) -> None:
    # SQL Server writes 1900-01-01 for an empty date: an open episode, not one that ended
    # before it began (every open episode was an error, and no child looked after)
    write(
        tmp_path,
        "episodes.csv",
        EP,
        [
            "A,01/04/2024,S,C2,U1,1900-01-01 00:00:00.000,",
            "B,01/04/2024,S,C2,U1,01/01/1900,",
            "C,01/04/2024,S,C2,U1,30/04/2024,E11",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["DEC"].isna().tolist() == [True, True, False]
    assert rules(ds) == [
        [
            "episodes.csv",
            None,
            "DEC",
            "2 end dates of 01/01/1900 (SQL Server's date for none) read as blank: still open",
        ]
    ]
    # A and B still looked after at the data's last day; C left on it
    assert sc.compute("cla_count", ds, at="2024-04-30")["value"].item() == 2


def test_exact_copies_are_removed_before_the_figures(tmp_path: Path) -> None:
    rows = ["A,01/04/2024,S,C2,U1,,", "B,01/04/2024,S,C2,U1,,", "C,01/05/2024,S,C2,Q9,,"]
    # line 5 copies line 2, lines 6-7 copy line 3; line 8 is A again with another PLACE
    write(
        tmp_path, "episodes.csv", EP, [*rows, rows[0], rows[1], rows[1], "A,01/04/2024,S,C2,U4,,"]
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A", "B", "C", "A"]
    # the unusable cells and the rows after the copies keep their place; A's row 8 is A's
    # episode again with another PLACE: both of A's rows are errors, not an overlap
    assert rules(ds, "warning") == [
        ["episodes.csv", None, "", "3 exact copies of rows removed; first at row 5"],
    ]
    again = "episode written again later in the file with other values (this row is left out)"
    other = "episode written twice with another PLACE (which is right is not known)"
    assert ds.unusable.values.tolist() == [
        ["episodes", 0, "DECOM", again],
        ["episodes", 2, "PLACE", "unknown PLACE code"],
        ["episodes", 3, "PLACE", other],
    ]
    assert rules(ds, "error") == [
        ["episodes.csv", 2, "DECOM", again],
        ["episodes.csv", 4, "PLACE", "unknown PLACE code"],
        ["episodes.csv", 8, "PLACE", other],
    ]


def test_copies_with_unreadable_cells_are_kept(tmp_path: Path) -> None:
    # 'x' and 'y' both leave DEC blank: the rows are not copies in the file
    write(tmp_path, "episodes.csv", EP, ["A,01/04/2024,S,C2,U1,x,", "A,01/04/2024,S,C2,U1,y,"])
    ds = sc.load_dataset(tmp_path)
    assert len(ds["episodes"]) == 2
    assert [r[1:] for r in rules(ds, "error")] == [
        [2, "DEC", "not a date"],
        [3, "DEC", "not a date"],
    ]


def test_copies_in_a_yearly_return_and_latest_wins(tmp_path: Path) -> None:
    write(
        tmp_path, "episodes_2017-18.csv", EP, ["A,10/05/2017,S,C2,U1,,", "B,01/06/2017,S,C2,U1,,"]
    )
    write(
        tmp_path,
        "episodes_2018-19.csv",
        EP,
        [
            "A,10/05/2017,S,C2,U1,01/09/2018,X1",
            "A,10/05/2017,S,C2,U1,01/09/2018,X1",  # a copy (line 3)
            "A,01/09/2018,P,C2,U4,,",
            "B,01/06/2017,S,C2,Q9,30/06/2018,E13",  # line 5
        ],
    )
    ds = sc.load_dataset(tmp_path)
    ep = ds["episodes"]
    assert ep[["CHILD", "PLACE", "COLLECTION_YEAR"]].values.tolist() == [
        ["A", "U1", "2018-19"],
        ["A", "U4", "2018-19"],
        ["B", "Q9", "2018-19"],
    ]
    assert rules(ds, "warning") == [
        ["episodes_2018-19.csv", None, "", "1 exact copy of rows removed; first at row 3"]
    ]
    assert ds.unusable.values.tolist() == [["episodes", 2, "PLACE", "unknown PLACE code"]]
    assert rules(ds, "error") == [["episodes_2018-19.csv", 5, "PLACE", "unknown PLACE code"]]


# ------------------------------------------------------------------ 4. a malformed CSV line


def test_a_line_with_an_extra_field_is_left_out_and_the_rest_kept(tmp_path: Path) -> None:
    write(
        tmp_path,
        "episodes.csv",
        EP + ",PL_POST",
        [
            "A,01/04/2024,S,C2,U1,,,WD1 1AA",
            "B,01/04/2024,S,C2,U1,,,WD28, 5ZS",  # line 3: an unquoted comma
            "C,01/04/2024,S,C2,Q9,,,WD1 1AA",  # line 4: rows after it keep their numbers
        ],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A", "C"]
    assert rules(ds, "error") == [
        ["episodes.csv", 3, "", "line has 9 fields where the header has 8; the line is left out"],
        ["episodes.csv", 4, "PLACE", "unknown PLACE code"],
    ]


def test_lines_with_empty_fields_after_the_last_column_are_read_without_them(
    tmp_path: Path,
) -> None:
    """A separator too many on some lines only (a hand-edited export): B's and C's lines
    were left out as errors; their extra fields are empty, so nothing is lost by reading them
    without. D's extra field holds a value: which column it belongs to is a guess, and the
    line is still left out. E keeps its line number."""
    write(
        tmp_path,
        "episodes.csv",
        EP,
        [
            "A,01/04/2024,S,C2,U1,,",
            "B,01/04/2024,S,C2,U1,,,",  # line 3
            "C,01/05/2024,S,C2,U1,,, ,",  # line 4: a blank is empty too
            "D,01/04/2024,S,C2,U1,,,x",  # line 5
            "E,01/06/2024,S,C2,Q9,,",  # line 6
        ],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A", "B", "C", "E"]
    assert ds["episodes"]["DECOM"].dt.strftime("%d/%m/%Y").tolist()[1:3] == [
        "01/04/2024",
        "01/05/2024",
    ]
    assert ds["episodes"]["DEC"].isna().all() and ds["episodes"]["REC"].isna().all()
    assert rules(ds, "error") == [
        ["episodes.csv", 5, "", "line has 8 fields where the header has 7; the line is left out"],
        ["episodes.csv", 6, "PLACE", "unknown PLACE code"],
    ]
    assert rules(ds, "note") == [
        [
            "episodes.csv",
            None,
            "",
            "2 lines end with empty fields the header has not (the first: line 3); read "
            "without them",
        ]
    ]


# ------------------------------------------------------------------ 5-7. what a folder holds


def test_a_header_without_rows_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "episodes.csv", EP, ["A,01/04/2024,S,C2,U1,,"])
    (tmp_path / "uasc.csv").write_text("CHILD,DUC\n")
    ds = sc.load_dataset(tmp_path)
    assert rules(ds, "warning") == [["uasc.csv", None, "", "no rows: only a header"]]
    assert len(ds["uasc"]) == 0


@pytest.mark.parametrize("content", ["", "\n\n", "\ufeff"])
def test_an_empty_csv_is_an_error_that_says_so(tmp_path: Path, content: str) -> None:
    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010"])
    (tmp_path / "uasc.csv").write_text(content, encoding="utf-8")
    ds = sc.load_dataset(tmp_path)
    assert ds.names == ["header"]
    q = ds.quality
    assert q[["severity", "file", "rule", "hint"]].values.tolist() == [
        [
            "error",
            "uasc.csv",
            "file is empty (no header, no rows)",
            "Export the table again with its header row, or take the file out of the folder.",
        ]
    ]


def test_totals_and_notes_rows_under_a_table_are_left_out_and_said(tmp_path: Path) -> None:
    # a total on line 4 and a source note on line 6 (a blank line between): not children
    write(
        tmp_path,
        "episodes.csv",
        EP,
        [
            "A,01/04/2024,S,C2,U1,,",
            "B,01/04/2024,S,C2,U1,,",
            "Total,2,,,,,",
            "",
            "Source: LCS extract 1 April 2025,,,,,,",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A", "B"]
    rule = "a totals or notes row under the table; the row is left out"
    assert rules(ds, "warning") == [["episodes.csv", 6, "", rule]]
    # the total (a word of a total, then numbers only) is certainly no data: a note
    total = "a totals row under the table; the row is left out"
    assert rules(ds, "note") == [["episodes.csv", 4, "", total]]


def test_a_row_of_a_child_is_never_taken_for_a_total(tmp_path: Path) -> None:
    # the last row's identifier is a word a total starts with, but its row is filled in
    write(tmp_path, "episodes.csv", EP, ["A,01/04/2024,S,C2,U1,,", "Total,01/04/2024,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A", "Total"]
    assert rules(ds) == []


@pytest.mark.parametrize(
    "footer",
    [
        "Produced by Liquidlogic 01/04/2025 09:14,,",  # a case system's report footer
        "2 rows selected.",  # an SQL*Plus spool, the line without separators
        "Report run 01/04/2025,,",
        ",End of report,",  # the lone words under another column
        "Page 1 of 1",
    ],
)
def test_a_report_footer_line_under_a_table_is_left_out_and_said(
    tmp_path: Path, footer: str
) -> None:
    # two children on lines 2-3, a blank line 4, the footer on line 5: not a child
    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010", "B,2,01/01/2011", "", footer])
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["CHILD"].tolist() == ["A", "B"]
    rule = "a totals or notes row under the table; the row is left out"
    assert rules(ds) == [["header.csv", 5, "", rule]]


def test_a_run_of_footer_lines_is_left_out_row_by_row(tmp_path: Path) -> None:
    # a total on line 4, then (a blank line between) two footer lines on 6 and 7
    rows = ["A,01/04/2024,S,C2,U1,,", "B,01/04/2024,S,C2,U1,,", "Total,2,,,,,", ""]
    write(tmp_path, "episodes.csv", EP, [*rows, "End of report", "Page 1 of 1,,,,,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A", "B"]
    rule = "a totals or notes row under the table; the row is left out"
    assert rules(ds, "warning") == [["episodes.csv", n, "", rule] for n in (6, 7)]
    total = "a totals row under the table; the row is left out"
    assert rules(ds, "note") == [["episodes.csv", 4, "", total]]


def test_a_totals_row_under_an_iro_table_is_a_note_not_a_warning(tmp_path: Path) -> None:
    # a report writer's 'Total' line under the allocations (the count of rows) and an HR
    # workbook's 'Total FTE in post' under a title row: neither is data, and leaving them out
    # leaves no figure in doubt, so no warning (the card put 'data warnings' beside both
    # caseloads). A 'Total' row with a word in another cell stays a warning: not certain
    alloc = "IRO_ID,CHILD,START,END,CASE_TYPE"
    write(tmp_path, "iro_allocations.csv", alloc, ["I1,A,01/04/2024,,CLA", "Total,1,,,"])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["IRO service establishment - produced 02/05/2025"])
    ws.append([])
    ws.append(["IRO_ID", "FTE", "START", "END"])
    ws.append(["I1", 1.0, dt.datetime(2024, 4, 1), None])
    ws.append([])
    ws.append(["Total FTE in post", 1.0, None, None])
    wb.save(tmp_path / "iro_staff.xlsx")
    write(tmp_path, "population.csv", "MID_YEAR,POP_0_17", ["2024,1000", "Total,see notes"])
    ds = sc.load_dataset(tmp_path)
    assert ds["iro_allocations"]["CHILD"].tolist() == ["A"]
    assert ds["iro_staff"]["IRO_ID"].tolist() == ["I1"]
    total = "a totals row under the table; the row is left out"
    assert rules(ds, "note") == [
        ["iro_allocations.csv", 3, "", total],
        ["iro_staff.xlsx", 6, "", total],
    ]
    rule = "a totals or notes row under the table; the row is left out"
    assert rules(ds, "warning") == [["population.csv", 3, "", rule]]
    # so the caseloads meet no data warning (the card's 'data warnings on its ... data')
    warned = sc.warned(ds)
    assert not warned["indicator"].astype(str).str.startswith("iro_caseload").any()


def test_a_last_row_of_a_lone_identifier_or_two_cells_is_data(tmp_path: Path) -> None:
    # line 3 holds only a child's identifier (no space); line 3 of the other file two cells
    # of words: both are rows of children, with the errors of their blank cells
    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010", "C99,,"])
    write(tmp_path, "uasc.csv", "CHILD,DUC", ["A,", "Produced by Liquidlogic,01/04/2025"])
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["CHILD"].tolist() == ["A", "C99"]
    assert ds["uasc"]["CHILD"].tolist() == ["A", "Produced by Liquidlogic"]
    found = [r[:3] for r in rules(ds, "error")]
    assert found == [["header.csv", 3, "DOB"], ["header.csv", 3, "SEX"]]


def test_a_separator_after_the_last_value_of_every_line_is_left_out(tmp_path: Path) -> None:
    # the header has 7 names, each data line 8 fields (the last empty): pandas took CHILD
    # for an index and every column moved one place (0 children looked after)
    write(tmp_path, "episodes.csv", EP, ["A,01/04/2024,S,C2,U1,,,", "B,01/04/2024,S,C2,Q9,,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"][["CHILD", "PLACE"]].values.tolist() == [["A", "U1"], ["B", "Q9"]]
    assert rules(ds) == [
        ["episodes.csv", 3, "PLACE", "unknown PLACE code"],  # the row is the file's line
        [
            "episodes.csv",
            None,
            "",
            "every data line ends with a separator the header has not; the empty last field "
            "is left out",
        ],
    ]


def test_a_value_under_no_header_on_every_line_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010"])
    write(tmp_path, "episodes.csv", EP, ["A,01/04/2024,S,C2,U1,,,x", "B,01/04/2024,S,C2,U1,,,y"])
    ds = sc.load_dataset(tmp_path)
    assert ds.names == ["header"]
    assert rules(ds, "error") == [
        [
            "episodes.csv",
            None,
            "",
            "file has one field more on every data line than its header (7 names): a value "
            "under no header",
        ]
    ]


def test_a_link_to_a_file_that_is_gone_is_an_error_and_the_rest_loads(tmp_path: Path) -> None:
    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010"])
    (tmp_path / "episodes.csv").symlink_to(tmp_path / "moved" / "episodes.csv")
    ds = sc.load_dataset(tmp_path)
    assert ds.names == ["header"]
    q = ds.quality
    assert q[["severity", "file", "rule"]].values.tolist() == [
        ["error", "episodes.csv", "file cannot be opened (No such file or directory)"]
    ]


def test_a_zipped_return_is_read_as_the_year_its_name_gives(tmp_path: Path) -> None:
    """SSDA903_2018-19.zip holds 2018-19's episodes (and a header workbook) between two loose
    returns: its members are read as if in a folder named like it, never extracted; a Mac's
    `__MACOSX/` copy, a folder entry and a PDF in it are passed over as loose files are."""
    import hashlib
    import io
    import zipfile

    write(
        tmp_path, "episodes_2017-18.csv", EP, ["A,10/05/2017,S,C2,U1,,", "B,01/06/2017,S,C2,U1,,"]
    )
    write(tmp_path, "episodes_2019-20.csv", EP, ["A,01/09/2018,P,C2,U4,01/05/2019,E13"])
    book = io.BytesIO()
    pd.DataFrame({"CHILD": ["A", "B"], "SEX": ["1", "2"], "DOB": ["01/01/2010"] * 2}).to_excel(
        book, index=False
    )
    archive = tmp_path / "SSDA903_2018-19.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "episodes.csv",
            f"{EP}\nA,10/05/2017,S,C2,U1,01/09/2018,X1\nA,01/09/2018,P,C2,U4,,\n"
            "B,01/06/2017,S,C2,Q9,30/06/2018,E13\n",
        )
        z.writestr("header.xlsx", book.getvalue())
        z.writestr("__MACOSX/._episodes.csv", b"\x00\x05\x16\x07")
        z.writestr("notes/", b"")
        z.writestr("notes/readme.pdf", b"%PDF-1.4")
    before = hashlib.sha256(archive.read_bytes()).hexdigest()
    ds = sc.load_dataset(tmp_path)
    assert ds.returns["collection_year"].tolist() == ["2017-18", "2018-19", "2019-20"]
    assert ds.files["header"] == "SSDA903_2018-19.zip/header.xlsx"
    # A closed in 2019-20, B closed in 2018-19 (its PLACE unusable): none open at 31/03/2020
    assert ds["episodes"]["DEC"].notna().all()
    assert ds.quality[["severity", "file", "row", "column", "rule"]].values.tolist() == [
        ["error", "SSDA903_2018-19.zip/episodes.csv", 4, "PLACE", "unknown PLACE code"],
        [
            "warning",
            "",
            None,
            "",
            "no header in the 2019-20 SSDA903 return (the returns to 2018-19 have one)",
        ],
        ["note", "SSDA903_2018-19.zip/notes/readme.pdf", None, "", "not a table file; ignored"],
    ]
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == before


def _encrypted(path: Path) -> None:
    """Mark every member of a zip archive as encrypted (flag bit 0 of its central directory
    entry): Python writes no encrypted archive, and reads the flag from there."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        data[at + 8] |= 0x1
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_a_zip_that_cannot_be_read_is_an_error_asking_to_unzip_it(tmp_path: Path) -> None:
    import zipfile

    write(tmp_path, "episodes_2017-18.csv", EP, ["A,10/05/2017,S,C2,U1,,"])
    (tmp_path / "SSDA903_2018-19.zip").write_bytes(b"PK\x03\x04 cut short")
    with zipfile.ZipFile(tmp_path / "SSDA903_2019-20.zip", "w") as z:
        z.writestr("episodes.csv", f"{EP}\nA,10/05/2017,S,C2,U1,,\n")
    _encrypted(tmp_path / "SSDA903_2019-20.zip")
    damaged = tmp_path / "SSDA903_2020-21.zip"  # a byte of its (stored) member changed
    with zipfile.ZipFile(damaged, "w") as z:
        z.writestr("episodes.csv", f"{EP}\nA,10/05/2017,S,C2,U1,,\n")
    damaged.write_bytes(damaged.read_bytes().replace(b"A,10/05/2017", b"B,10/05/2017"))
    ds = sc.load_dataset(tmp_path)
    assert ds.returns["collection_year"].tolist() == ["2017-18"]
    hint = "Unzip it and put the files in the data folder (or a subfolder named with the year)."
    errors = ds.quality.loc[ds.quality["severity"] == "error", ["file", "rule", "hint"]]
    assert errors.values.tolist() == [
        [
            "SSDA903_2020-21.zip/episodes.csv",
            "file cannot be read from its zip archive (Bad CRC-32 for file 'episodes.csv')",
            hint,
        ],
        [
            "SSDA903_2018-19.zip",
            "zip archive cannot be read (File is not a zip file); not read",
            hint,
        ],
        ["SSDA903_2019-20.zip", "zip archive is protected by a password; not read", hint],
    ]


def test_a_zip_member_named_xls_and_a_windows_1252_xml_member_are_read_as_loose_ones(
    tmp_path: Path,
) -> None:
    """A zip holding tab-separated text named header.xls, an old Excel workbook named
    uasc.xls and a CIN census declared UTF-8 with one Windows-1252 byte ('ë', 0xEB): each
    member is read by its content, from memory, as the same file loose would be."""
    import zipfile

    census = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2024</Year></CollectionDetails>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>Zoë</LAchildID></ChildIdentifiers>
      <CINdetails><CINreferralDate>2023-06-01</CINreferralDate></CINdetails>
    </Child>
  </Children>
</Message>
"""
    with zipfile.ZipFile(tmp_path / "archive.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("header.xls", "CHILD\tSEX\tDOB\r\nA\t1\t01/01/2010\r\nB\t\t01/01/2011\r\n")
        z.writestr("census.xml", census.encode("cp1252"))
        z.writestr("uasc.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["CHILD"].tolist() == ["A", "B"]
    assert ds["referrals"]["LAchildID"].tolist() == ["Zoë"]
    assert ds.files == {
        "referrals": "archive.zip/census.xml",
        "header": "archive.zip/header.xls",
    }
    # the 'ë' on line 8 after '      <ChildIdentifiers><LAchildID>Zo' (37 characters)
    assert ds.quality[["severity", "file", "row", "rule"]].values.tolist() == [
        ["error", "archive.zip/header.xls", 3, "blank in a required column"],
        [
            "error",
            "archive.zip/uasc.xls",
            None,
            "file is an old Excel .xls workbook, which cannot be read; not read",
        ],
        [
            "warning",
            "archive.zip/census.xml",
            None,
            "not UTF-8: read as Windows-1252 (the file declared UTF-8; the first byte that is "
            "not UTF-8 is 0xEB, line 8, character 38)",
        ],
        ["note", "archive.zip/header.xls", None, XLS_NOTE.format("delimited text")],
    ]


def test_subfolders_that_are_not_years_are_named(tmp_path: Path) -> None:
    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010"])
    write(tmp_path / "903" / "current", "episodes.csv", EP, ["A,01/04/2024,S,C2,U1,,"])
    (tmp_path / "old").mkdir()
    ds = sc.load_dataset(tmp_path)
    assert "episodes" not in ds.names
    q = ds.quality
    said = q.loc[q["file"].isin(["903/", "old/"]), ["severity", "file", "rule"]]
    assert said.values.tolist() == [
        [
            "warning",
            "903/",
            "subfolder not read (1 table file in it): only year subfolders (2019-20/) are",
        ],
        ["note", "old/", "subfolder not read (no table file in it): only year subfolders (2019-20/) are"],
    ]  # fmt: skip


def test_a_year_folder_holding_a_folder_per_return_is_read_as_the_year(tmp_path: Path) -> None:
    # 2024-25/903/ and 2024-25/CIN census/ hold the year's returns: read as 2024-25 (they
    # were passed over, and the year lost); 2024-25/old/ and 2024-25/2023-24/ are not
    write(tmp_path / "2024-25" / "903", "episodes.csv", EP, ["A,01/04/2024,S,C2,U1,,"])
    write(
        tmp_path / "2024-25" / "CIN census",
        "referrals.csv",
        "LAchildID,CINreferralDate",
        ["A,01/05/2024"],
    )
    write(tmp_path / "2024-25" / "old", "episodes.csv", EP, ["A,01/04/2024,S,C2,U1,,"])
    write(tmp_path / "2024-25" / "2023-24", "episodes.csv", EP, ["B,01/04/2023,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds.files["episodes"] == "2024-25/903/episodes.csv"
    assert ds.files["referrals"] == "2024-25/CIN census/referrals.csv"
    assert ds["episodes"]["COLLECTION_YEAR"].tolist() == ["2024-25"]
    q = ds.quality
    assert q.loc[q["file"].str.endswith("/"), ["file", "rule"]].values.tolist() == [
        ["2024-25/2023-24/", "subfolder not read (1 table file in it): only year subfolders (2019-20/) are"],
        ["2024-25/old/", "subfolder not read (1 table file in it): its name marks an older copy ('old')"],
    ]  # fmt: skip


def test_a_folder_of_year_folders_is_read_as_if_its_years_were_at_the_top(tmp_path: Path) -> None:
    # Returns/2023-24/903/ and Returns/2024-25/ hold two years' returns: read as those years
    # (Returns/ was passed over, and both years lost). Left out, each with a warning: a copy
    # marked old inside it, a file without a year beside its year folders, a folder of year
    # folders marked old, and one nested a level deeper (Data/Returns/2021-22/)
    write(tmp_path, "header.csv", HEADER, ["A,M,01/01/2010", "B,F,01/01/2011"])
    write(
        tmp_path / "Returns" / "2023-24" / "903",
        "episodes.csv",
        EP,
        ["A,01/04/2023,S,C2,U1,01/09/2023,E13"],
    )
    write(tmp_path / "Returns" / "2024-25", "episodes.csv", EP, ["B,01/05/2024,S,C2,U1,,"])
    write(tmp_path / "Returns" / "2022-23 old", "episodes.csv", EP, ["Z,01/05/2022,S,C2,U1,,"])
    write(tmp_path / "Returns", "extract.csv", EP, ["Y,01/05/2022,S,C2,U1,,"])
    write(tmp_path / "old Returns" / "2022-23", "episodes.csv", EP, ["X,01/05/2022,S,C2,U1,,"])
    write(tmp_path / "Data" / "Returns" / "2021-22", "episodes.csv", EP, ["W,01/05/2021,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds.files["episodes"] == "Returns/2023-24/903/episodes.csv, Returns/2024-25/episodes.csv"
    assert ds["episodes"][["CHILD", "COLLECTION_YEAR"]].values.tolist() == [
        ["A", "2023-24"],
        ["B", "2024-25"],
    ]
    assert ds.quality[["severity", "file", "rule"]].values.tolist() == [
        ["warning", "Data/", "subfolder not read (1 table file in it): only year subfolders (2019-20/) are"],
        ["warning", "Returns/2022-23 old/", "subfolder not read (1 table file in it): its name marks an older copy ('old')"],
        ["warning", "Returns/extract.csv", "file not read: of a folder of year folders, only the year subfolders and files named with a year are read"],
        ["warning", "old Returns/", "subfolder not read (1 table file in it): its name marks an older copy ('old')"],
        ["note", "Returns/", "a folder of year folders: its year subfolders (2023-24/, 2024-25/) are read as the years' returns, as if they were in the data folder"],
    ]  # fmt: skip


def test_a_year_both_at_the_top_and_in_a_folder_of_year_folders_is_not_doubled(
    tmp_path: Path,
) -> None:
    # the 2024-25 return copied into Returns/2024-25/SSDA903/ and kept in 2024-25/: one is
    # used (two rows, not four), an error names both
    write(tmp_path, "header.csv", HEADER, ["A,M,01/01/2010", "B,F,01/01/2011"])
    rows = ["A,01/04/2024,S,C2,U1,,", "B,01/05/2024,S,C2,U1,,"]
    write(tmp_path / "2024-25", "episodes.csv", EP, rows)
    write(tmp_path / "Returns" / "2024-25" / "SSDA903", "episodes.csv", EP, rows)
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A", "B"]
    assert ds.files["episodes"] == "Returns/2024-25/SSDA903/episodes.csv"
    assert rules(ds, "error") == [
        [
            "2024-25/episodes.csv, Returns/2024-25/SSDA903/episodes.csv",
            None,
            "",
            "two episodes returns for 2024-25: 2024-25/episodes.csv (2 rows) and "
            "Returns/2024-25/SSDA903/episodes.csv (2 rows); Returns/2024-25/SSDA903/episodes.csv "
            "is used (the later by name), 2024-25/episodes.csv is left out",
        ]
    ]


def test_the_scorecards_own_outputs_are_not_read(tmp_path: Path) -> None:
    import xlsxwriter

    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010"])
    for name in ("scorecard_2024-25_Q4.xlsx", "my copy.xlsx"):
        book = xlsxwriter.Workbook(str(tmp_path / name))
        for sheet in ("Scorecard", "Districts", "Definitions"):
            ws = book.add_worksheet(sheet)
            ws.write_row(0, 0, ["POSTCODE_DISTRICT", "DISTRICT", "value"])
            ws.write_row(1, 0, ["WD1", "Ashcombe", 3])
        book.get_worksheet_by_name("Scorecard").add_sparkline("D2", {"range": "Scorecard!A2:C2"})
        book.close()
    (tmp_path / "scorecard_2024-25_Q4.html").write_text("<html></html>")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl's sparkline warning must not leak
        ds = sc.load_dataset(tmp_path)
    assert ds.names == ["header"]
    assert rules(ds) == [
        ["my copy.xlsx", None, "", "a scorecard written by this tool, not data; not read"],
        ["scorecard_2024-25_Q4.html", None, "", "a scorecard written by this tool, not data; not read"],
        ["scorecard_2024-25_Q4.xlsx", None, "", "a scorecard written by this tool, not data; not read"],
    ]  # fmt: skip


# ------------------------------------------------------------------ 8. decimal commas


def test_a_decimal_comma_is_not_a_thousands_separator(tmp_path: Path) -> None:
    write(
        tmp_path,
        "iro_staff.csv",
        "IRO_ID,FTE,START,END",
        ['I1,"0,8",01/01/2020,', 'I2,"1,000",01/01/2020,', "I3,0.5,01/01/2020,"],
    )
    write(tmp_path, "population.csv", "MID_YEAR,POP_0_17", ['2024,"12,345"', '2023,"1,234,567"'])
    ds = sc.load_dataset(tmp_path)
    assert ds["iro_staff"]["FTE"].tolist()[1:] == [1000.0, 0.5]
    assert ds["iro_staff"]["FTE"].isna().tolist()[0]
    assert ds["population"]["POP_0_17"].tolist() == [12345.0, 1234567.0]
    err = ds.quality.loc[ds.quality["severity"] == "error"]
    assert err[["file", "row", "column", "value", "rule"]].values.tolist() == [
        ["iro_staff.csv", 2, "FTE", "0,8", "not a number"],
        ["iro_staff.csv", 3, "FTE", "1000", "FTE above 1"],  # read, but no share of a post
    ]
    assert err["hint"].iloc[0] == coerce.COMMA_IN_CSV_HINT


def test_fte_written_as_a_percentage_is_a_fraction_of_one(tmp_path: Path) -> None:
    # '100%' was read as 100 FTE (a caseload of 0.6, banded green); a KS4 percentage keeps
    # its own scale ('45%' is 45)
    write(
        tmp_path,
        "iro_staff.csv",
        "IRO_ID,FTE,START,END",
        ["I1,100%,01/01/2020,", "I2,80%,01/01/2020,", "I3,0.5,01/01/2020,"],
    )
    write(
        tmp_path, "ks4_all.csv", "ACADEMIC_YEAR,PUPILS,AVG_ATT8,PCT_EM94", ["2023/24,100,45.5,45%"]
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["iro_staff"]["FTE"].tolist() == [1.0, 0.8, 0.5]
    assert ds["ks4_all"]["PCT_EM94"].tolist() == [45.0]
    assert rules(ds) == []


def test_a_semicolon_file_is_read_with_decimal_commas(tmp_path: Path) -> None:
    # Excel writes ';' between fields where the comma is the decimal mark: 2,5 is 2.5 there
    # (in a comma-separated file it is refused, above); '1.5' is still a decimal point
    write(
        tmp_path,
        "episodes.csv",
        "CHILD;DECOM;RNE;LS;PLACE;DEC;REC;PL_DISTANCE",
        [
            "A;01/04/2024;S;C2;U1;;;2,5",
            "B;01/04/2024;S;C2;U1;;;,5",
            "C;01/04/2024;S;C2;U1;;;1.5",
            "D;01/04/2024;S;C2;U1;;;",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["PL_DISTANCE"].tolist()[:3] == [2.5, 0.5, 1.5]
    assert ds.quality[["severity", "column", "rule"]].values.tolist() == [
        [
            "note",
            "PL_DISTANCE",
            "2 numbers with a decimal comma read as decimals (a ';'-separated file)",
        ]
    ]


def test_a_distance_over_999_9_miles_is_an_error(tmp_path: Path) -> None:
    # DfE rule 164: PL_DISTANCE is 0.0 to 999.9; '1,234' (a thousands separator where a
    # decimal comma was meant) reads as 1,234 miles and is refused, 999.9 is not
    write(
        tmp_path,
        "episodes.csv",
        EP + ",PL_DISTANCE",
        ['A,01/04/2024,S,C2,U1,,,"1,234"', "B,01/04/2024,S,C2,U1,,,999.9"],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["PL_DISTANCE"].tolist()[1] == 999.9
    q = ds.quality
    assert q[["severity", "row", "column", "value", "rule"]].values.tolist() == [
        ["error", 2, "PL_DISTANCE", "1234", "over 999.9 miles"]
    ]
    assert ds.unusable.values.tolist() == [["episodes", 0, "PL_DISTANCE", "over 999.9 miles"]]


# ------------------------------------------------------------------ 9. semicolons, headers


def test_semicolon_separated_csv(tmp_path: Path) -> None:
    write(tmp_path, "header.csv", "CHILD;SEX;DOB", ["A;1;01/01/2010", "B;2;02/02/2011"])
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["CHILD"].tolist() == ["A", "B"]
    assert rules(ds) == []


def test_a_header_below_35_title_rows_is_found(tmp_path: Path) -> None:
    # a report writer's parameters, one a row: the header was looked for in 30 rows only
    book = openpyxl.Workbook()
    for i in range(35):
        book.active.append([f"Report line {i}"])
    book.active.append(EP.split(","))
    book.active.append(["A", "01/04/2024", "S", "C2", "U1", None, None])
    book.save(tmp_path / "episodes.xlsx")
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A"]
    assert rules(ds) == []


def test_a_header_not_found_says_where_it_was_looked_for(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for i in range(60):
        book.active.append([f"Report line {i}", None])
    book.active.append(EP.split(","))
    book.save(tmp_path / "episodes.xlsx")
    ds = sc.load_dataset(tmp_path)
    hints = ds.quality.loc[ds.quality["rule"] == "required column missing", "hint"]
    assert hints.str.contains(
        "The header row is looked for among the first 50 rows; delete the rows above it."
    ).all()
    assert len(hints) == len(EP.split(","))


def test_semicolons_in_a_title_row_do_not_make_the_separator(tmp_path: Path) -> None:
    # a report's parameters above a comma-separated table: ';' was taken as the separator
    # and the episodes were lost ('required column missing')
    path = tmp_path / "episodes.csv"
    path.write_text(
        "Parameters: LS in C1;C2;J1;J2;V2;V3;V4; PLACE in all;;\n"
        + EP
        + "\nA,01/04/2024,S,C2,U1,,\nB,02/04/2024,S,C2,U1,,\n"
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["CHILD"].tolist() == ["A", "B"]
    assert rules(ds) == []


def test_headers_with_spaces_for_underscores_are_the_dfe_columns(tmp_path: Path) -> None:
    """'PLACE PROVIDER', 'Home-Post' and 'Referral Source' are PLACE_PROVIDER, HOME_POST and
    ReferralSource: they were kept as unknown columns, and the figures that need them
    raised 'no PLACE_PROVIDER column' after a clean validation."""
    write(
        tmp_path,
        "episodes.csv",
        EP + ",PLACE PROVIDER,Home-Post",
        ["A,01/04/2024,S,C2,U1,,,PR1,AB1 2CD"],
    )
    write(
        tmp_path,
        "referrals.csv",
        "LA Child ID,CIN referral date,Referral Source",
        ["A,01/05/2024,1A"],
    )
    ds = sc.load_dataset(tmp_path)
    assert {"PLACE_PROVIDER", "HOME_POST"} <= set(ds["episodes"].columns)
    assert {"LAchildID", "CINreferralDate", "ReferralSource"} <= set(ds["referrals"].columns)
    got = sc.compute("pct_placed_in_house", ds, at="2024-04-01")
    assert got[["numerator", "denominator"]].values.tolist() == [[1.0, 1.0]]


def test_the_cin_census_csv_with_a_row_per_module_is_read_with_notes(tmp_path: Path) -> None:
    """The DfE CIN census CSV writes a row per module: R1's referral is repeated on its two
    assessment rows and its plan row. That gave a warning 'referral repeated ... remove the
    repeated row' per repeat (audit 7 r19: 12,334, and a caveat on re_referral_rate) and
    the advice to rename CIN_Census_2025.csv 'referrals', which would lose its year. Now one
    note says the layout, and the name advised keeps the year."""
    cols = (
        "LAchildID,CINreferralDate,ReferralSource,PrimaryNeedCode,CINclosureDate,"
        "ReasonForClosure,ReferralNFA,AssessmentActualStartDate,CINPlanStartDate"
    )
    rows = [
        "R1,01/05/2024,1A,N1,,,0,03/05/2024,",
        "R1,01/05/2024,1A,N1,,,0,23/05/2024,",
        "R1,01/05/2024,1A,N1,,,0,,10/06/2024",
        "R2,01/06/2024,2B,N4,01/09/2024,RC8,0,,",
    ]
    write(tmp_path, "CIN_Census_2025.csv", cols, rows)
    ds = sc.load_dataset(tmp_path)
    assert ds.returns["collection_year"].tolist() == ["2024-25"]
    assert rules(ds, "warning") == [] and rules(ds, "error") == []
    notes = ds.quality.loc[ds.quality["severity"] == "note", ["file", "rule", "hint"]]
    assert notes.values.tolist() == [
        [
            "CIN_Census_2025.csv",
            "read as table referrals (recognised by its headers)",
            "Rename the file referrals_2025.csv (keeping its year) to make this explicit.",
        ],
        [
            "CIN_Census_2025.csv",
            "one row per module: 2 referrals on 4 rows",
            "The CIN census CSV layout writes a row for each assessment, plan or review, "
            "repeating its referral; each referral is counted once. Nothing to do.",
        ],
    ]
    # a name with no year: the table's name, as before
    other = tmp_path / "other"
    write(other, "cin export.csv", cols, rows)
    hint = sc.load_dataset(other).quality["hint"].tolist()
    assert "Rename the file referrals to make this explicit." in hint


def test_a_missing_column_is_named_with_the_headers_found(tmp_path: Path) -> None:
    write(tmp_path, "header.csv", "CHILD,SEX,BIRTH", ["A,1,01/01/2010"])
    ds = sc.load_dataset(tmp_path)
    err = ds.quality.loc[ds.quality["file"] == "header.csv"]
    assert err[["column", "rule", "hint"]].values.tolist() == [
        [
            "DOB",
            "required column missing",
            "Add a column headed DOB to the header file (DfE name, any case). "
            "The headers found are: CHILD, SEX, BIRTH.",
        ]
    ]


# ------------------------------------------------------------------ 10-11. workbooks


def test_a_hidden_sheet_is_not_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "header"
    ws.append(HEADER.split(","))
    ws.append(["A", "1", "01/01/2010"])
    old = book.create_sheet("episodes (old)")
    old.append(EP.split(","))
    old.append(["A", "01/04/2024", "S", "C2", "ZZ", None, None])
    old.sheet_state = "hidden"
    book.save(tmp_path / "903 data.xlsx")
    ds = sc.load_dataset(tmp_path)
    assert ds.names == ["header"]
    assert rules(ds) == [
        ["903 data.xlsx", None, "", "read as table header (recognised by its headers)"],
        ["903 data.xlsx (sheet episodes (old))", None, "", "hidden sheet; not read"],
    ]


def test_a_workbook_named_csv_is_told_so(tmp_path: Path) -> None:
    # it was 'not a text file (it holds binary data)': it is an XLSX with another name
    book = openpyxl.Workbook()
    book.active.append(["CHILD", "DUC"])
    book.active.append(["A", None])
    book.save(tmp_path / "uasc.csv")
    write(tmp_path, "episodes.csv", EP, ["A,01/04/2024,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds.names == ["episodes"]
    err = ds.quality.loc[ds.quality["severity"] == "error"]
    assert err[["file", "rule", "hint"]].values.tolist() == [
        [
            "uasc.csv",
            "file is an Excel workbook (XLSX) named .csv",
            "Rename it uasc.xlsx, or save it from Excel as CSV (UTF-8).",
        ]
    ]


def test_an_xls_file_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010"])
    (tmp_path / "uasc.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    ds = sc.load_dataset(tmp_path)
    err = ds.quality.loc[ds.quality["severity"] == "error"]
    assert err[["table", "file", "rule", "hint"]].values.tolist() == [
        [
            "uasc",
            "uasc.xls",
            "file is an old Excel .xls workbook, which cannot be read; not read",
            "Open it in Excel and save as .xlsx or CSV (UTF-8).",
        ]
    ]
    with pytest.raises(sc.DataValidationError):
        sc.load_dataset(tmp_path, strict=True)


XLS_NOTE = "file named .xls is {}, not an old Excel workbook; read as such"


@pytest.mark.parametrize("sep", ["\t", ","])
def test_text_named_xls_is_read_as_text_with_a_note(tmp_path: Path, sep: str) -> None:
    # what 'Export to Excel' buttons write: delimited text named .xls; line 3's SEX is blank
    lines = ["CHILD", "SEX", "DOB"], ["A", "1", "01/01/2010"], ["B", "", "01/01/2011"]
    text = "".join(sep.join(line) + "\r\n" for line in lines)
    (tmp_path / "header.xls").write_text(text, encoding="utf-8", newline="")
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["CHILD"].tolist() == ["A", "B"]
    assert rules(ds) == [
        ["header.xls", 3, "SEX", "blank in a required column"],
        ["header.xls", None, "", XLS_NOTE.format("delimited text")],
    ]
    assert (tmp_path / "header.xls").read_bytes() == text.encode("utf-8")  # never changed


def test_an_html_table_named_xls_is_read_by_excel_rows(tmp_path: Path) -> None:
    # a title spanning the columns on row 1, the header on row 2, children on rows 3 and 4
    # (row 4's SEX a non-breaking space: blank); entities are the characters they stand for
    page = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
        "<style>td {mso-number-format: '@'}</style></head><body><table>\n"
        '<tr><td colspan="3">Children looked after &amp; UASC</td></tr>\n'
        "<tr><th>CHILD</th><th>SEX</th><th>DOB</th></tr>\n"
        "<tr><td>A</td><td>1</td><td>01/01/2010</td></tr>\n"
        "<tr><td>B</td><td>&nbsp;</td><td>01/01/2011</td>\n"  # no </tr>: HTML allows it
        "</table></body></html>"
    )
    (tmp_path / "header.xls").write_text(page, encoding="utf-8")
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["CHILD"].tolist() == ["A", "B"]
    assert ds["header"]["SEX"].isna().tolist() == [False, True]
    assert rules(ds) == [
        ["header.xls", 4, "SEX", "blank in a required column"],
        ["header.xls", None, "", XLS_NOTE.format("an HTML table")],
    ]


def test_an_html_page_named_xls_without_a_table_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010"])
    (tmp_path / "uasc.xls").write_text("<!DOCTYPE html><html><body>No data</body></html>")
    ds = sc.load_dataset(tmp_path)
    q = ds.quality
    assert q[["severity", "file", "rule", "hint"]].values.tolist() == [
        [
            "error",
            "uasc.xls",
            "file is an HTML page named .xls with no table rows; not read",
            "Open it in Excel and save as .xlsx or CSV (UTF-8).",
        ]
    ]


def test_a_workbook_named_xls_is_read_as_xlsx_with_a_note(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["CHILD", "DUC"])
    book.active.append(["A", None])
    book.save(tmp_path / "uasc.xls")
    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010"])
    ds = sc.load_dataset(tmp_path)
    assert ds["uasc"]["CHILD"].tolist() == ["A"]
    assert rules(ds) == [["uasc.xls", None, "", XLS_NOTE.format("an Excel workbook (XLSX)")]]


# ------------------------------------------------------------------ child ids and Excel's zeros


def test_ids_that_differ_only_by_leading_zeros_are_the_same_child(tmp_path: Path) -> None:
    # header kept as text ('0012'), episodes saved from Excel as numbers (12): the same
    # children; K0012 is not digits and stays as written
    write(tmp_path, "header.csv", HEADER, ["0012,1,01/01/2015", "0013,2,01/01/2016"])
    write(tmp_path, "uasc.csv", "CHILD,SEX,DOB,DUC", ["0013,2,01/01/2016,"])
    write(
        tmp_path,
        "episodes.csv",
        EP,
        ["12,01/04/2024,S,C2,U1,,", "13,01/04/2024,S,C2,U1,,", "K0012,01/04/2024,S,C2,U1,,"],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds.tables["header"]["CHILD"].tolist() == ["12", "13"]
    assert ds.tables["episodes"]["CHILD"].tolist() == ["12", "13", "K0012"]
    # the episodes, one file of three, are the one Excel saved: the warning names it, and
    # the two padded files, read without their zeros, have a note each (every padded file
    # was warned about, never the one that lost its zeros)
    zeros = [[s, *r] for s, r in zip(ds.quality["severity"], rules(ds)) if "leading zeros" in r[3]]
    assert zeros == [
        [
            "warning",
            "episodes.csv",
            None,
            "CHILD",
            "CHILD identifiers written without the leading zeros the other files write: every "
            "file's are read without them, to match the same children",
        ],
        [
            "note",
            "header.csv",
            None,
            "CHILD",
            "2 CHILD identifiers written with leading zeros read without them, "
            "as other files write the same children",
        ],
        [
            "note",
            "uasc.csv",
            None,
            "CHILD",
            "1 CHILD identifiers written with leading zeros read without them, "
            "as other files write the same children",
        ],
    ]
    said = ds.quality.loc[ds.quality["rule"].str.contains("with leading zeros", na=False)]
    assert said["value"].tolist() == ["0012", "0013"]  # the example: in validate, not the rule
    assert said["hint"].iloc[0].startswith("'0012' is read as '12'. Excel drops leading zeros")
    # only K0012 has no header row now
    orphans = [r for r in rules(ds) if r[3] == "child has episodes but no header row"]
    assert orphans == [["episodes.csv", 4, "CHILD", "child has episodes but no header row"]]
    at = "2024-04-01"  # the data's last day
    assert sc.compute("uasc_count", ds, at=at)["value"].item() == 1
    assert sc.compute("cla_count", ds, at=at, by="sex").set_index("sex")["value"].to_dict() == {
        "Female": 1.0,
        "Male": 1.0,
        "Unknown": 1.0,
    }


def test_ids_padded_in_one_years_return_are_one_child_with_one_history(tmp_path: Path) -> None:
    # the 2017-18 return keeps CHILD as text ('007'), the 2018-19 one comes from Excel (7):
    # the episode open in 2017-18 is the one the next return closes, not a second child
    write(tmp_path, "episodes_2017-18.csv", EP, ["007,10/05/2017,S,C2,U1,,"])
    write(tmp_path, "episodes_2018-19.csv", EP, ["7,10/05/2017,S,C2,U1,01/09/2018,E13"])
    ds = sc.load_dataset(tmp_path)
    ep = ds["episodes"]
    assert ep[["CHILD", "DEC"]].values.tolist() == [["7", pd.Timestamp("2018-09-01")]]
    assert sc.compute("cla_count", ds, at="2019-03-31")["value"].item() == 0
    assert [r for r in rules(ds) if r[2] == "CHILD"] == [
        [
            "episodes_2017-18.csv",
            None,
            "CHILD",
            "1 CHILD identifiers written with leading zeros read without them, "
            "as other files write the same children",
        ]
    ]
    assert not [r for r in rules(ds) if "missing from" in r[3]]


@pytest.mark.parametrize(
    ("later", "written"),
    [
        (["1000-277", "1000-278", "1000-999"], "'1000-277'"),  # dashes after a system change
        (["c1000277", "c1000278", "c1000999"], "'c1000277'"),  # another case
        (["'1000277", "'1000278", "'1000999"], '"\'1000277"'),  # Excel's text marker
    ],
)
def test_a_return_writing_every_id_in_another_form_is_matched_to_the_others(
    tmp_path: Path, later: list[str], written: str
) -> None:
    """The 2018-19 return writes every CHILD in another form: its two children open since
    2017-18 were counted again as new ones (children looked after doubled) and 'missing from
    the 2018-19 return'. Now read as the 2017-18 return writes them, said once per file;
    the third, new in 2018-19, is written in the compared form (upper case, no marks)."""
    upper = later[0].startswith("c")
    first = ["C1000277", "C1000278"] if upper else ["1000277", "1000278"]
    write(
        tmp_path,
        "episodes_2017-18.csv",
        EP,
        [f"{first[0]},10/05/2017,S,C2,U1,,", f"{first[1]},10/06/2017,S,C2,U1,,"],
    )
    write(
        tmp_path,
        "episodes_2018-19.csv",
        EP,
        [
            f"{later[0]},10/05/2017,S,C2,U1,01/09/2018,E13",
            f"{later[1]},10/06/2017,S,C2,U1,,",
            f"{later[2]},01/10/2018,S,C2,U1,,",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    new = "C1000999" if upper else "1000999"
    assert sorted(set(ds["episodes"]["CHILD"])) == [*first, new]
    # at 31/03/2019: the second child (open since 2017) and the new one; the first left
    assert sc.compute("cla_count", ds, at="2019-03-31")["value"].item() == 2
    assert not [r for r in rules(ds) if "missing from" in r[3]]
    child = [r for r in rules(ds) if r[2] == "CHILD"]
    assert child == [
        [
            "episodes_2018-19.csv",
            None,
            "CHILD",
            "3 CHILD identifiers written in another form than the other returns read as they "
            "write them: case, spaces, dashes, dots and quote marks ignored",
        ]
    ]
    # the example is the report's value and its reading the hint's start, never the rule
    # (which reaches the scorecard's list of warnings)
    said = ds.quality.loc[ds.quality["rule"].str.contains("another form", na=False)]
    assert said["value"].tolist() == [later[0]]
    assert said["hint"].item().startswith(f"{written} is read as '{first[0]}'. This return")


def test_returns_of_other_children_are_not_matched_by_form(tmp_path: Path) -> None:
    # two returns that share no child even once forms are ignored: left as written
    write(tmp_path, "episodes_2017-18.csv", EP, ["A-1,10/05/2017,S,C2,U1,,"])
    write(tmp_path, "episodes_2018-19.csv", EP, ["b-2,10/05/2018,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert sorted(ds["episodes"]["CHILD"]) == ["A-1", "b-2"]
    assert not [r for r in rules(ds) if "another form" in r[3]]


def test_cin_ids_padded_in_one_census_are_the_same_children(tmp_path: Path) -> None:
    # LAchildID '0042' in one census file and 42 in the next: one child, so the second
    # referral is a re-referral within 12 months
    head = "LAchildID,CINreferralDate"
    write(tmp_path, "referrals_2023-24.csv", head, ["0042,01/06/2023"])
    write(tmp_path, "referrals_2024-25.csv", head, ["42,01/05/2024"])
    ds = sc.load_dataset(tmp_path)
    assert ds["referrals"]["LAchildID"].tolist() == ["42", "42"]
    got = sc.compute("re_referral_rate", ds, at="2025-03-31")
    assert got[["numerator", "denominator"]].values.tolist() == [[1.0, 1.0]]


def test_ids_excel_wrote_in_scientific_notation_are_errors(tmp_path: Path) -> None:
    # Excel shows a long number as 1.00E+06 and saves it so: the digits are gone, and the
    # rows named a child nobody else names (2 children looked after instead of 3, silently)
    write(tmp_path, "header.csv", HEADER, ["1000277,1,01/01/2015", "1000278,2,01/01/2016"])
    write(
        tmp_path,
        "episodes.csv",
        EP,
        ["1.00E+06,01/04/2024,S,C2,U1,,", "1E+06,01/04/2024,S,C2,U1,,", "E12,01/04/2024,S,C2,U1,,"],
    )
    ds = sc.load_dataset(tmp_path)
    found = [r for r in rules(ds) if r[3] == "identifier in scientific notation"]
    assert found == [
        ["episodes.csv", 2, "CHILD", "identifier in scientific notation"],
        ["episodes.csv", 3, "CHILD", "identifier in scientific notation"],
    ]
    errors = ds.quality.loc[ds.quality["rule"] == "identifier in scientific notation"]
    assert set(errors["severity"]) == {"error"}
    assert list(errors["value"]) == ["1.00E+06", "1E+06"]
    assert "format the column as Text" in errors["hint"].iloc[0]
    assert ds.tables["episodes"]["CHILD"].tolist()[2] == "E12"  # letters: an identifier


def test_cells_excel_wrote_as_text_formulas_are_the_text_inside(tmp_path: Path) -> None:
    # ="0012" keeps the zeros in Excel; the header's children matched no episode
    (tmp_path / "header.csv").write_text(HEADER + '\n="0012",M,01/01/2015\n="0013",F,01/01/2016\n')
    write(tmp_path, "episodes.csv", EP, ["0012,01/04/2024,S,C2,U1,,", "0013,01/04/2024,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["CHILD"].tolist() == ["0012", "0013"]
    assert rules(ds) == [
        [
            "header.csv",
            None,
            "CHILD",
            '2 cells written ="..." (Excel\'s way to keep text) read as the text',
        ]
    ]


def test_formulas_excel_never_calculated_are_named_not_called_blank(tmp_path: Path) -> None:
    """A workbook written by a program keeps its formulas with no value saved: read for
    values, such a cell looked blank ("blank in a required column. Fill in DECOM"). Now each
    is an error naming the formula, a ="..." one is read as its text (as in a CSV), and a
    formula whose saved value is empty text (Excel's =IF(...,"",...)) stays a blank."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(EP.split(","))
    ws.append(["A", "01/04/2024", "S", "C2", "U1", None, None])
    ws.append(["B", "=DATE(2024,4,1)", "S", "C2", "U1", None, None])
    ws.append(['="0012"', "01/06/2024", "S", "C2", "=A2", None, None])
    book.save(tmp_path / "episodes.xlsx")
    ds = sc.load_dataset(tmp_path)
    assert rules(ds, "error") == [
        ["episodes.xlsx", 3, "DECOM", "a formula with no value saved in the file"],
        ["episodes.xlsx", 4, "PLACE", "a formula with no value saved in the file"],
    ]
    errors = ds.quality.loc[ds.quality["severity"] == "error"]
    assert errors["value"].tolist() == ["=DATE(2024,4,1)", "=A2"]
    assert errors["hint"].iloc[0].startswith("The file holds the formula, not its value")
    assert ds["episodes"]["CHILD"].tolist() == ["A", "B", "0012"]
    assert ds.unusable[["row", "column"]].values.tolist() == [[1, "DECOM"], [2, "PLACE"]]


def test_a_formula_whose_saved_value_is_empty_text_is_a_blank(tmp_path: Path) -> None:
    # as Excel saves =IF(A2="","",A2) giving "": the value is in the file, and it is empty
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(EP.split(","))
    ws.append(["A", "01/04/2024", "S", "C2", "U1", "=DEC_FORMULA", None])
    book.save(tmp_path / "episodes.xlsx")
    _with_saved_value(
        tmp_path / "episodes.xlsx",
        b"<f>DEC_FORMULA</f><v />",
        b'<f>IF(1,"","")</f><v></v>',
        b't="str"',
    )
    ds = sc.load_dataset(tmp_path)
    assert rules(ds, "error") == []
    assert ds["episodes"]["DEC"].isna().all()


def _with_saved_value(path: Path, old: bytes, new: bytes, attribute: bytes) -> None:
    """Rewrite the workbook's first sheet as Excel would save a formula cell: `old` (the
    formula as openpyxl wrote it) becomes `new`, the cell marked with `attribute`."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert old in sheet
    cell = re.compile(rb"<c ([^>]*)>" + re.escape(old))
    parts["xl/worksheets/sheet1.xml"] = cell.sub(
        lambda m: b"<c " + m.group(1) + b" " + attribute + b">" + new, sheet
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_childs_identifier_printed_on_its_first_row_only_is_named(tmp_path: Path) -> None:
    # a report writer suppressed repeated values: CHILD only on each child's first episode
    rows = []
    for day, child in enumerate("ABCDEF", start=10):
        rows += [f"{child},01/04/2023,S,C2,U1,{day}/06/2023,X1", f",{day}/06/2023,P,C2,U4,,"]
    write(tmp_path, "episodes.csv", EP, rows)
    ds = sc.load_dataset(tmp_path)
    said = [r for r in rules(ds, "warning") if r[2] == ""]
    assert said == [
        [
            "episodes.csv",
            None,
            "",
            "6 episodes rows have no CHILD, in runs under rows that have one (a report that "
            "prints each child's identifier on its first row only)",
        ]
    ]
    assert rules(ds, "error")[0][2:] == ["CHILD", "blank in a required column"]


@pytest.mark.parametrize("sectors", [False, True])
def test_home_districts_the_lookup_lacks_are_said(tmp_path: Path, sectors: bool) -> None:
    # WD18 is not in the lookup, written by outward code or by sector (as a GIS team exports
    # it: WD17 1 is A's sector): those children's district is 'Unknown' on every figure by
    # district; A's is Ashcombe either way (by sector, it was 'Unknown' too)
    write(
        tmp_path,
        "episodes.csv",
        EP + ",HOME_POST",
        [
            "A,01/04/2024,S,C2,U1,,,WD17 1AA",
            "B,01/04/2024,S,C2,U1,,,wd181bb",
            "C,01/04/2024,S,C2,U1,,,WD18 2CC",
            "D,01/04/2024,S,C2,U1,,,",
        ],
    )
    lookup = ["WD17 1,Ashcombe"] if sectors else ["WD17,Ashcombe", "wd19 ,Brook"]
    write(tmp_path, "districts.csv", "POSTCODE_DISTRICT,DISTRICT", lookup)
    ds = sc.load_dataset(tmp_path)
    said = ds.quality.loc[ds.quality["table"] == "districts"]
    assert said["rule"].tolist() == [
        "2 episodes rows have a HOME_POST whose district is not in the districts lookup "
        "(1: WD18); by district they are 'Unknown'"
    ]
    assert "or the postcode sector (WD17 1)" in said["hint"].item()
    got = sc.compute("cla_count", ds, at="2024-04-01", by="district")
    assert dict(zip(got["district"], got["value"], strict=True)) == {
        "Ashcombe": 1,
        "Unknown": 3,
    }


def test_a_district_the_lookup_gives_two_districts_is_unknown_with_a_note(tmp_path: Path) -> None:
    # WD1 was split by a boundary review and is listed for Ashcombe and Bramleigh: its rows
    # are errors, 'left out', and A (WD1) is 'Unknown' with the note on the figure by
    # district. Before, the first row was used: A was in Ashcombe, no note (and a file
    # sorted by DISTRICT would have put A in Bramleigh). The figure with no breakdown reads
    # no district: no note
    write(
        tmp_path,
        "episodes.csv",
        EP + ",HOME_POST",
        ["A,01/04/2024,S,C2,U1,,,WD1 1AA", "B,01/04/2024,S,C2,U1,,,WD2 1BB"],
    )
    lookup = ["WD2,Bramleigh", "WD1,Ashcombe", "WD3,Ashcombe", "WD4,Ashcombe", "wd1,Bramleigh"]
    write(tmp_path, "districts.csv", "POSTCODE_DISTRICT,DISTRICT", lookup)
    ds = sc.load_dataset(tmp_path)
    assert rules(ds, "error") == [
        ["districts.csv", row, "POSTCODE_DISTRICT", "postcode district mapped to two districts"]
        for row in (3, 6)
    ]
    got = sc.compute("cla_count", ds, at="2024-04-01", by="district")
    assert got[["district", "value"]].values.tolist() == [["Bramleigh", 1], ["Unknown", 1]]
    assert set(got["note"]) == {"2 districts rows left out: unusable POSTCODE_DISTRICT"}
    assert sc.compute("cla_count", ds, at="2024-04-01")["note"].isna().all()


def test_ks4_results_that_name_no_child_of_the_episodes_are_said(tmp_path: Path) -> None:
    # a KS4 extract keyed by UPN: no pupil matches a child looked after, so the attainment
    # figures say only 'no children in the group'; now the data says why
    write(tmp_path, "episodes.csv", EP, ["A,01/04/2023,S,C2,U1,,"])
    write(
        tmp_path,
        "ks4_cla.csv",
        "CHILD,ACADEMIC_YEAR,ATT8,EM94",
        ["X123456789012,2023/24,30.5,1", "X123456789013,2023/24,22.0,0"],
    )
    ds = sc.load_dataset(tmp_path)
    assert rules(ds) == [
        [
            "ks4_cla.csv",
            None,
            "",
            "none of the 2 ks4_cla rows names a child of the episodes (CHILD): no pupil can "
            "be in the looked-after cohort",
        ]
    ]


def test_ids_padded_the_same_way_everywhere_are_left_as_written(tmp_path: Path) -> None:
    write(tmp_path, "header.csv", HEADER, ["0012,M,01/01/2015"])
    write(tmp_path, "episodes.csv", EP, ["0012,01/04/2024,S,C2,U1,,"])
    ds = sc.load_dataset(tmp_path)
    assert ds.tables["episodes"]["CHILD"].tolist() == ["0012"]
    assert ds.tables["header"]["CHILD"].tolist() == ["0012"]
    assert ds.quality.empty


def test_a_header_repeated_inside_a_file_is_left_out_and_said(tmp_path: Path) -> None:
    # two exports joined one after another: the second brings its header on line 4
    write(
        tmp_path,
        "episodes.csv",
        EP,
        ["A,01/04/2024,S,C2,U1,,", "B,01/04/2024,S,C2,U1,,", EP.lower(), "C,01/04/2024,S,C2,U1,,"],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds.tables["episodes"]["CHILD"].tolist() == ["A", "B", "C"]
    assert rules(ds) == [["episodes.csv", 4, "", "the header repeated; the row is left out"]]


def test_a_header_repeated_in_another_order_reads_the_rows_under_it(tmp_path: Path) -> None:
    # two exports joined, the second with DEC and REC moved forward (line 3), then a third in
    # the first order (line 6): B and C are read by the header above them (they were errors,
    # 'DEC' read as DECOM ...), D by the first one again
    write(
        tmp_path,
        "episodes.csv",
        EP,
        [
            "A,01/04/2024,S,C2,U1,01/06/2024,E13",
            "CHILD,DEC,REC,DECOM,RNE,LS,PLACE",
            "B,01/07/2024,E13,01/05/2024,S,C2,U1",
            "C,,,02/05/2024,S,C2,U1",
            "CHILD,DECOM,RNE,LS,PLACE,DEC,REC",
            "D,03/05/2024,S,C2,U1,,",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    ep = ds["episodes"]
    cells = ep[["CHILD", "DECOM", "PLACE", "DEC", "REC"]].astype("str").fillna("")
    assert cells.values.tolist() == [
        ["A", "2024-04-01", "U1", "2024-06-01", "E13"],
        ["B", "2024-05-01", "U1", "2024-07-01", "E13"],
        ["C", "2024-05-02", "U1", "", ""],
        ["D", "2024-05-03", "U1", "", ""],
    ]
    assert ds.tables["episodes"].shape[1] == 7
    assert rules(ds) == [
        [
            "episodes.csv",
            3,
            "",
            "the header repeated with its columns in another order; rows 4 to 5 under it "
            "read by it",
        ],
        ["episodes.csv", 6, "", "the header repeated; the row is left out"],
    ]


def test_a_header_repeated_in_another_order_with_other_columns_says_what_it_changes(
    tmp_path: Path,
) -> None:
    # CSV: the second export has URN where the first has PL_DISTANCE: URN is added (blank
    # for A), PL_DISTANCE blank for B; neither column's values are lost
    write(
        tmp_path,
        "episodes.csv",
        EP + ",PL_DISTANCE",
        [
            "A,01/04/2024,S,C2,U1,,,12.5",
            "URN,CHILD,DECOM,RNE,LS,PLACE,DEC,REC",
            "SC123456,B,01/05/2024,S,C2,U1,,",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    ep = ds["episodes"]
    assert ep["CHILD"].tolist() == ["A", "B"]
    assert ep["PL_DISTANCE"].tolist()[0] == 12.5 and pd.isna(ep["PL_DISTANCE"].tolist()[1])
    assert ep["URN"].isna().tolist() == [True, False] and ep["URN"].tolist()[1] == "SC123456"
    assert ep["PLACE"].tolist() == ["U1", "U1"]
    assert rules(ds, "warning") == [
        [
            "episodes.csv",
            3,
            "",
            "the header repeated with its columns in another order; row 4 under it read by "
            "it; PL_DISTANCE not in it: blank in those rows; URN only in it: added, blank in "
            "the other rows",
        ]
    ]


def test_a_header_repeated_in_another_order_in_a_workbook(tmp_path: Path) -> None:
    # a sheet: the repeated header has URN and a cell with no name past the first header's
    # last column; URN is read, the value under the blank cell is left out and said
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(EP.split(","))
    ws.append(["A", "01/04/2024", "S", "C2", "U1", "01/06/2024", "E13"])
    ws.append(["CHILD", "DEC", "REC", "DECOM", "RNE", "LS", "PLACE", "URN", None])
    ws.append(["B", None, None, "01/05/2024", "S", "C2", "U1", "SC123456", "x"])
    book.save(tmp_path / "episodes.xlsx")
    ds = sc.load_dataset(tmp_path)
    ep = ds["episodes"]
    assert list(ep.columns[:8]) == [*EP.split(","), "URN"]
    assert not any(c.startswith("Unnamed") for c in ep.columns)
    cells = ep[["CHILD", "DECOM", "LS", "REC", "URN"]].astype("str").fillna("")
    assert cells.values.tolist() == [
        ["A", "2024-04-01", "C2", "E13", ""],
        ["B", "2024-05-01", "C2", "", "SC123456"],
    ]
    assert rules(ds) == [
        [
            "episodes.xlsx",
            3,
            "",
            "the header repeated with its columns in another order; row 4 under it read by "
            "it; URN only in it: added, blank in the other rows; 1 value under its blank "
            "cell 9 left out",
        ]
    ]


# ------------------------------------------------------------------ a column written twice


def _episodes_dec_twice(first: list[str | None], second: list[str | None]) -> list[list[object]]:
    """Three episodes whose header writes DEC twice, with the two copies' cells (REC E11
    where either is filled)."""
    starts = ["01/04/2024", "02/04/2024", "03/04/2024"]
    return [
        [child, start, "S", "C2", "U1", a, "E11" if a or b else None, b]
        for child, start, a, b in zip("ABC", starts, first, second, strict=True)
    ]


def _write_dec_twice(folder: Path, fmt: str, rows: list[list[object]]) -> str:
    names = [*EP.split(","), "DEC"]  # CHILD, DECOM, RNE, LS, PLACE, DEC, REC, DEC
    if fmt == "csv":
        cells = [",".join("" if v is None else str(v) for v in r) for r in rows]
        write(folder, "episodes.csv", ",".join(names), cells)
        return "episodes.csv"
    book = openpyxl.Workbook()
    book.active.append(names)
    for r in rows:
        book.active.append(r)
    book.save(folder / "episodes.xlsx")
    return "episodes.xlsx"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_blank_copy_of_a_column_is_ignored_and_the_filled_one_used(
    tmp_path: Path, fmt: str
) -> None:
    # the end dates are in the second DEC; the first is blank throughout (pandas would
    # rename the second 'DEC.1' and a workbook's first copy was used: every child open)
    rows = _episodes_dec_twice([None] * 3, ["30/04/2024", None, "31/05/2024"])
    name = _write_dec_twice(tmp_path, fmt, rows)
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["DEC"].tolist() == [
        pd.Timestamp("2024-04-30"),
        pd.NaT,
        pd.Timestamp("2024-05-31"),
    ]
    assert rules(ds) == [
        [name, None, "DEC", "column appears 2 times; one copy is blank throughout and ignored"]
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_copies_of_a_column_that_differ_in_a_row_are_an_error_there(
    tmp_path: Path, fmt: str
) -> None:
    # A: both copies agree; B: only the first is filled; C: the copies differ
    rows = _episodes_dec_twice(
        ["30/04/2024", "15/04/2024", "31/05/2024"], ["30/04/2024", None, "30/06/2024"]
    )
    name = _write_dec_twice(tmp_path, fmt, rows)
    ds = sc.load_dataset(tmp_path)
    assert ds["episodes"]["DEC"].tolist() == [
        pd.Timestamp("2024-04-30"),
        pd.Timestamp("2024-04-15"),
        pd.NaT,
    ]
    on_dec = [r for r in rules(ds) if r[2] == "DEC"]  # (C's REC is said to lack a DEC)
    assert on_dec == [
        [name, 4, "DEC", "column appears 2 times and its copies differ in this row"],
        [
            name,
            None,
            "DEC",
            "column appears 2 times; each row takes the value its filled copies agree on",
        ],
    ]
    q = ds.quality
    assert q.loc[q["severity"] == "error", "value"].tolist() == ["31/05/2024 | 30/06/2024"]
    assert ds.unusable.values.tolist() == [
        ["episodes", 2, "DEC", "column appears 2 times and its copies differ in this row"]
    ]


# ------------------------------------------------------------------ dates written month first


def test_a_column_written_month_first_is_read_month_first_with_one_warning(
    tmp_path: Path,
) -> None:
    # 10/20 and 12/31 can only be month first, no first number is over 12: 05/04 is 4 May
    write(tmp_path, "header.csv", HEADER, ["A,1,10/20/2010", "B,2,05/04/2011", "C,1,12/31/2012"])
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["DOB"].dt.strftime("%Y-%m-%d").tolist() == [
        "2010-10-20",
        "2011-05-04",
        "2012-12-31",
    ]
    assert rules(ds) == [
        ["header.csv", None, "DOB", "dates written month first; read month first"]
    ]  # fmt: skip
    assert ds.quality["severity"].tolist() == ["warning"]
    # the date that showed it is the report's value and its reading the hint's start, not
    # in the rule (a DOB would reach the scorecard's list of warnings)
    assert ds.quality["value"].tolist() == ["10/20/2010"]
    assert ds.quality["hint"].item().startswith("10/20/2010 is read as 20 October 2010. Dates")


def test_a_column_with_both_orders_stays_day_first(tmp_path: Path) -> None:
    # 20/10 can only be day first: 10/20 is not a date, 05/04 is 5 April
    write(tmp_path, "header.csv", HEADER, ["A,1,10/20/2010", "B,2,05/04/2011", "C,1,20/10/2012"])
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["DOB"].dt.strftime("%Y-%m-%d").fillna("").tolist() == [
        "",
        "2011-04-05",
        "2012-10-20",
    ]
    assert rules(ds) == [["header.csv", 2, "DOB", "not a date"]]


def test_month_first_is_found_among_the_distinct_values_of_a_long_column(
    tmp_path: Path,
) -> None:
    # 1,500 rows of three dates (read once each): one warning, no row reported
    dates = ["03/04/2011", "03/14/2011", "12/01/2010"] * 500
    write(tmp_path, "header.csv", HEADER, [f"C{i},1,{d}" for i, d in enumerate(dates)])
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["DOB"].dt.strftime("%Y-%m-%d").tolist()[:3] == [
        "2011-03-04",
        "2011-03-14",
        "2010-12-01",
    ]
    assert rules(ds) == [
        ["header.csv", None, "DOB", "dates written month first; read month first"]
    ]  # fmt: skip


# ------------------------------------------------------------------ .txt and .tsv tables


def test_tab_separated_txt_and_tsv_files_are_tables(tmp_path: Path) -> None:
    (tmp_path / "header.txt").write_text("CHILD\tSEX\tDOB\nA\t1\t01/05/2010\nB\t2\t15/07/2012\n")
    (tmp_path / "uasc.tsv").write_text("CHILD\tDUC\nB\t14/07/2030\n")
    (tmp_path / "lookup.tsv").write_text("POSTCODE_DISTRICT\tDISTRICT\nWD1\tAshdown\n")  # headers
    (tmp_path / "readme.txt").write_text("Export notes\nRun on 01/04/2025, all tables.\n")
    (tmp_path / "episodes_notes.txt").write_text("Notes on the episodes export.\n")
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["DOB"].dt.strftime("%Y-%m-%d").tolist() == ["2010-05-01", "2012-07-15"]
    assert ds["uasc"]["DUC"].dt.strftime("%Y-%m-%d").tolist() == ["2030-07-14"]
    assert ds["districts"]["DISTRICT"].tolist() == ["Ashdown"]
    assert sorted(rules(ds)) == [
        ["episodes_notes.txt", None, "", "not a table file; ignored"],
        ["lookup.tsv", None, "", "read as table districts (recognised by its headers)"],
        ["readme.txt", None, "", "not a table file; ignored"],
    ]


# ------------------------------------------------------------------ XML that is not well-formed


def _xml_child(folder: Path, inside: str) -> None:
    """ssda903.xml holding one child's header (cp1252 bytes), beside a header.csv."""
    write(folder, "header.csv", HEADER, ["B1,1,01/05/2010"])
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<EXPSSDA903>\n'
        f"<CHILD><HEADER><CHILDID>A1</CHILDID>{inside}</HEADER></CHILD>\n</EXPSSDA903>\n"
    )
    (folder / "ssda903.xml").write_bytes(text.encode("cp1252"))


def test_xml_declared_utf8_holding_a_windows_1252_byte_is_read_with_a_warning(
    tmp_path: Path,
) -> None:
    # 'ë' saved as cp1252 (0xEB) is character 77 of line 3 (76 ASCII characters before it);
    # it was an error, and the return was not read
    _xml_child(tmp_path, "<SEX>1</SEX><DOB>01/05/2010</DOB><!-- Zoë -->")
    (tmp_path / "header.csv").unlink()  # the XML's header is the one, the year's return
    (tmp_path / "ssda903.xml").rename(tmp_path / "SSDA903_2024-25.xml")
    ds = sc.load_dataset(tmp_path)
    assert ds["header"]["CHILD"].tolist() == ["A1"]
    q = ds.quality
    assert q[["severity", "file", "row", "rule"]].values.tolist() == [
        ["warning", "SSDA903_2024-25.xml", None, "not UTF-8: read as Windows-1252 (the file declared UTF-8; the first byte that is not UTF-8 is 0xEB, line 3, character 77)"]
    ]  # fmt: skip
    assert q["hint"].tolist() == [
        "Check that accented letters read right. Save the file as UTF-8, or declare what it "
        'is in its first line: <?xml version="1.0" encoding="windows-1252"?>.'
    ]


def test_xml_with_a_bare_ampersand_says_so(tmp_path: Path) -> None:
    # expat stops after '& ': the space is character 50 of line 3
    _xml_child(tmp_path, "<UPN>Flat 3 & 4</UPN>")
    q = sc.load_dataset(tmp_path).quality
    assert q[["severity", "file", "rule"]].values.tolist() == [
        ["error", "ssda903.xml", "file is not well-formed XML (line 3, character 50: not well-formed (invalid token))"]
    ]  # fmt: skip
    assert q["hint"].str.startswith("An & in a value must be written &amp; in XML").tolist() == [
        True
    ]


def test_xml_not_well_formed_for_another_reason_has_no_guessed_hint(tmp_path: Path) -> None:
    _xml_child(tmp_path, "<SEX>1</DOB>")
    q = sc.load_dataset(tmp_path).quality
    assert q["rule"].tolist() == [
        "file is not well-formed XML (line 3, character 45: mismatched tag)"
    ]
    assert q["hint"].tolist() == [""]


# ------------------------------------------------------------------ local tables named with a year


def test_local_tables_named_with_a_year_are_not_returns(tmp_path: Path) -> None:
    # the years in these names are a mid-year estimate and a lookup's date, not returns
    write(tmp_path, "SSDA903_2024-25_episodes.csv", EP, ["A,01/05/2024,S,C2,U1,,"])
    write(tmp_path, "ONS_mid-2024_population.csv", "MID_YEAR,POP_0_17", ["2024,302500"])
    write(tmp_path, "districts_lookup_2023.csv", "POSTCODE_DISTRICT,DISTRICT", ["WD1,Ashdown"])
    ds = sc.load_dataset(tmp_path)
    assert ds.quality.empty
    assert ds.returns[["collection_year", "return", "tables"]].values.tolist() == [
        ["2024-25", "SSDA903", "episodes"]
    ]
    assert ds["population"].columns.tolist() == ["MID_YEAR", "POP_0_17"]
    assert ds["population"]["POP_0_17"].tolist() == [302500.0]
    assert ds["districts"].columns.tolist() == ["POSTCODE_DISTRICT", "DISTRICT"]


@pytest.mark.parametrize("arrow", [False, True])
def test_a_null_token_among_codes_is_a_blank_not_a_distinct_value(arrow: bool) -> None:
    """A column of codes is checked once per distinct value, never blank: a cell written
    'NULL' is read as blank (code -1), also where the codes come as an Arrow dictionary
    (Parquet), whose text compares a blank as unknown rather than unequal."""
    cells = ["U1", "NULL", "U2", "U1"]
    s = pd.Series(pd.Categorical(cells))
    if arrow:
        s = pd.Series(
            pd.arrays.ArrowExtensionArray(pa.chunked_array([pa.array(cells).dictionary_encode()]))
        )
    found = coerce._coded_as_text(s, numeric_ids=True, upper=True)
    assert found is not None
    column, distinct, nulls = found
    assert nulls == {"NULL": 1}
    assert column.isna().tolist() == [False, True, False, False]
    assert distinct.values.tolist() == ["U1", "U2"]
    assert distinct.codes.tolist() == [0, -1, 1, 0]


def test_an_excel_xml_spreadsheet_named_xls_is_an_error(tmp_path: Path) -> None:
    # Excel 2003's XML spreadsheet, named .xls: markup, not a table this tool reads
    write(tmp_path, "header.csv", HEADER, ["A,1,01/01/2010"])
    (tmp_path / "uasc.xls").write_text(
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        "</Workbook>\n"
    )
    ds = sc.load_dataset(tmp_path)
    assert rules(ds, "error") == [
        [
            "uasc.xls",
            None,
            "",
            "file is XML or another markup named .xls (an Excel 2003 XML spreadsheet?), which "
            "cannot be read; not read",
        ]
    ]


# ------------------------------------------------------------------ KS4 tables as councils keep them

KS4_ALL = "ACADEMIC_YEAR,PUPILS,AVG_ATT8,PCT_EM94"
FRACTION_RULE = "a percentage of 1 or less: read as a fraction (x100)"


@pytest.mark.parametrize(
    ("rows", "warned"),
    [
        # every row exported from a % cell: 0.451 for 45.1%
        (["2023/24,100,45.5,0.451", "2024/25,100,46.2,0.640"], [2, 3]),
        # only the newest row, added by hand from a % cell; 45.1 stays
        (["2023/24,100,45.5,45.1", "2024/25,100,46.2,0.640"], [3]),
    ],
)
def test_pct_em94_written_as_a_fraction_is_read_x100_with_a_warning(
    tmp_path: Path, rows: list[str], warned: list[int]
) -> None:
    # 0.640 was taken as 0.64% (the gap to the cohort about -20 points, banded green, with no
    # message): a whole authority's rate of 1% or less is not possible
    write(tmp_path, "ks4_all.csv", KS4_ALL, rows)
    ds = sc.load_dataset(tmp_path)
    assert ds["ks4_all"]["PCT_EM94"].tolist() == [45.1, 64.0]
    q = ds.quality
    assert q[["severity", "file", "row", "column", "rule"]].values.tolist() == [
        ["warning", "ks4_all.csv", row, "PCT_EM94", FRACTION_RULE] for row in warned
    ]
    assert q["value"].tolist()[-1] == "0.640"


@pytest.mark.parametrize("level", ["geographic_level", "Geographic level"])
def test_dfe_download_rows_of_england_are_left_out_of_ks4_all(tmp_path: Path, level: str) -> None:
    # a DfE download keeps England's row under the authority's for each year: the gap was
    # taken against England's (the last row), with no message
    write(
        tmp_path,
        "ks4_all.csv",
        f"{level},la_name," + KS4_ALL,
        [
            "Local authority,Wealdshire,2023/24,1000,45.5,60.1",
            "National,England,2023/24,600000,46.1,65.1",
            "Local authority,Wealdshire,2024/25,1000,46.2,64.6",
            "National,England,2024/25,600000,46.1,65.1",
        ],
    )
    ds = sc.load_dataset(tmp_path)
    assert ds["ks4_all"][["AVG_ATT8", "PCT_EM94"]].values.tolist() == [[45.5, 60.1], [46.2, 64.6]]
    assert rules(ds) == [
        [
            "ks4_all.csv",
            None,
            level,
            f"2 rows of areas above the authority ({level} 'National') left out: the "
            "all-pupil figure is the authority's own",
        ]
    ]
    assert ds.quality["severity"].tolist() == ["note"]


def test_two_ks4_all_rows_for_one_year_are_an_error_naming_both(tmp_path: Path) -> None:
    # no level to tell them apart: which is the authority's is not known (the last was
    # taken); an exact copy is only a copy
    write(
        tmp_path,
        "ks4_all.csv",
        KS4_ALL,
        ["2023/24,1000,45.5,60.1", "2023/24,1000,45.5,60.1", "2024/25,1000,46.2,64.6",
         "2024/25,600000,46.1,65.1"],
    )  # fmt: skip
    ds = sc.load_dataset(tmp_path)
    assert rules(ds, "error") == [
        ["ks4_all.csv", row, "ACADEMIC_YEAR", "ACADEMIC_YEAR repeated with different figures"]
        for row in (4, 5)
    ]
    assert rules(ds, "warning")[0][3] == "1 exact copy of rows removed; first at row 3"


def test_a_suppressed_all_pupil_figure_is_not_published_not_an_error(tmp_path: Path) -> None:
    # DfE's 'x': was an error, 'Write a plain number (e.g. 0.8)'; now blank with a note per
    # row. A word that is no mark stays an error, with a hint that fits the column
    write(
        tmp_path,
        "ks4_all.csv",
        KS4_ALL,
        ["2022/23,1000,x,60.1", "2023/24,1000,45.5,c", "2024/25,many,abc,64.6"],
    )
    ds = sc.load_dataset(tmp_path)
    figures = ds["ks4_all"][["AVG_ATT8", "PCT_EM94"]]
    assert figures.isna().values.tolist() == [[True, False], [False, True], [True, False]]
    rule = "a suppression mark: the figure is not published; read as blank"
    assert rules(ds, "note") == [
        ["ks4_all.csv", 2, "AVG_ATT8", rule],
        ["ks4_all.csv", 3, "PCT_EM94", rule],
    ]
    errors = ds.quality.loc[ds.quality["severity"] == "error", ["row", "column", "hint"]]
    assert errors.values.tolist() == [
        [4, "AVG_ATT8", coerce.NUMBER_HINTS["AVG_ATT8"]],
        [4, "PUPILS", coerce.NUMBER_HINTS["PUPILS"]],
    ]
    assert "e.g. 46.2" in coerce.NUMBER_HINTS["AVG_ATT8"]


def test_academic_years_with_two_digit_years_are_read_with_one_note(tmp_path: Path) -> None:
    # '24/25' was refused (every pupil's row an error); 2024-25 and 2024/2025 were read
    write(tmp_path, "episodes.csv", EP, ["A,01/04/2020,S,C2,U1,,"])
    write(
        tmp_path,
        "ks4_cla.csv",
        "CHILD,ACADEMIC_YEAR,ATT8,EM94",
        ["A,24/25,35.5,1", "B,24-25,30,0", "C,2024-25,30,0", "D,2024/2025,30,0", "E,24/26,30,0"],
    )
    ds = sc.load_dataset(tmp_path)
    years = ds["ks4_cla"]["ACADEMIC_YEAR"]
    assert years.tolist()[:4] == ["2024/25"] * 4 and pd.isna(years.iloc[4])
    assert rules(ds, "note") == [
        [
            "ks4_cla.csv",
            None,
            "ACADEMIC_YEAR",
            "2 academic years written with two-digit years ('24/25') read as 2024/25",
        ]
    ]
    assert rules(ds, "error") == [["ks4_cla.csv", 6, "ACADEMIC_YEAR", "not an academic year"]]
