"""The pandera models of the input tables and the wording of their failures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from scorecard.inputs import columns, schemas
from scorecard.tables import TABLES

STR = "str"


def _text(*values: object) -> pd.Series:
    return pd.Series(values, dtype=STR)


def _dates(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), format="%Y-%m-%d")).astype("datetime64[ns]")


def _episodes(**over: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "CHILD": _text("A", "B"),
            "DECOM": _dates("2024-04-01", "2024-05-01"),
            "RNE": _text("S", "S"),
            "LS": _text("C2", "V2"),
            "PLACE": _text("U1", "K2"),
            "DEC": _dates("2024-06-01", None),
            "REC": _text("E13", None),
            "MY_NOTE": _text("x", "y"),  # unknown extra columns are allowed
        }
    )
    for k, v in over.items():
        frame[k] = v
    return frame


def _failures(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> set[tuple[str, str]]:
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        return set(zip(fc["column"].astype(str), fc["check"].astype(str), strict=True))
    return set()


def test_every_table_has_a_model_with_its_required_columns() -> None:
    assert set(schemas.MODELS) == set(TABLES)
    for table, model in schemas.MODELS.items():
        cols = model.to_schema().columns
        for c in TABLES[table]:
            assert cols[c].required, (table, c)
        for c in columns.OPTIONAL[table]:
            assert not cols[c].required, (table, c)
        assert not cols["LA"].required


def test_good_episodes_pass_and_extra_columns_are_allowed() -> None:
    assert _failures(schemas.Episodes, _episodes()) == set()


def test_episode_rules() -> None:
    got = _failures(
        schemas.Episodes,
        _episodes(
            PLACE=_text("U1", "Q9"),  # unknown code
            DEC=_dates("2024-03-01", None),  # before DECOM 2024-04-01
            CHILD=_text("A", None),  # blank required id
        ),
    )
    checks = {check for _, check in got}
    assert "dec_not_before_decom" in checks and "not_nullable" in checks
    assert any(c == "PLACE" and k.startswith("isin(") for c, k in got)
    # REC blank while DEC is given (the first row)
    got = _failures(schemas.Episodes, _episodes(REC=_text(None, None)))
    assert {check for _, check in got} == {"rec_when_ceased"}


def test_optional_code_columns_are_checked_when_present() -> None:
    got = _failures(schemas.Episodes, _episodes(PLACE_PROVIDER=_text("PR1", "PR9")))
    assert any(c == "PLACE_PROVIDER" for c, _ in got)
    assert _failures(schemas.Episodes, _episodes(PLACE_PROVIDER=_text("PR1", None))) == set()


def test_numeric_ranges() -> None:
    ks4 = pd.DataFrame(
        {
            "CHILD": _text("A", "B", "C"),
            "ACADEMIC_YEAR": _text("2024/25", "2024/25", "2024/25"),
            "ATT8": [0.0, 90.0, 90.5],  # the bounds are allowed; 90.5 is not
            "EM94": [0.0, 1.0, np.nan],
        }
    )
    assert {c for c, _ in _failures(schemas.Ks4Cla, ks4)} == {"ATT8"}
    staff = pd.DataFrame(
        {
            "IRO_ID": _text("I1", "I2"),
            "FTE": [0.0, 0.5],
            "START": _dates("2024-01-01", "2024-01-01"),
            "END": _dates(None, "2023-01-01"),
        }
    )
    got = _failures(schemas.IroStaff, staff)
    assert ("FTE", "greater_than(0)") in got
    assert "end_not_before_start" in {k for _, k in got}


def test_population_and_districts_one_row_per_key() -> None:
    pop = pd.DataFrame({"MID_YEAR": [2023.0, 2023.0], "POP_0_17": [1.0, 2.0]})
    assert "one_row_per_mid_year" in {k for _, k in _failures(schemas.Population, pop)}
    # pooled: the same MID_YEAR in two LAs is fine
    assert _failures(schemas.Population, pop.assign(LA=_text("650", "886"))) == set()
    d = pd.DataFrame(
        {
            "POSTCODE_DISTRICT": _text("WD1", "WD1", "WD2", "WD2"),
            "DISTRICT": _text("A", "B", "C", "C"),
        }
    )
    # WD1 maps to two districts (an error); WD2 repeated with the same district is fine
    try:
        schemas.Districts.validate(d, lazy=True)
        raise AssertionError("should fail")
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        assert sorted(fc.loc[fc["column"] == "POSTCODE_DISTRICT", "index"]) == [0, 1]


def test_missing_required_column_is_reported() -> None:
    got = _failures(schemas.Episodes, _episodes().drop(columns=["REC"]))
    assert ("Episodes", "column_in_dataframe") in got


def test_describe_failure_words() -> None:
    rule, hint = schemas.describe_failure("episodes", "PLACE", "isin(['A3', 'A4'])")
    assert rule == "unknown PLACE code" and "A3" in hint
    assert schemas.describe_failure("ks4_cla", "ATT8", "in_range(0, 90)")[0] == "outside 0-90"
    assert schemas.describe_failure("ks4_cla", "EM94", "isin([0.0, 1.0])")[0] == "EM94 not 0/1"
    assert schemas.describe_failure("iro_staff", "FTE", "greater_than(0)")[0] == "not positive"
    assert schemas.describe_failure("header", "SEX", "column_in_dataframe")[0] == (
        "required column missing"
    )
    assert schemas.describe_failure("episodes", "DEC", "dec_not_before_decom")[0] == (
        "DEC before DECOM"
    )


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("DECOM", "date"),
        ("CINreferralDate", "date"),
        ("FTE", "number"),
        ("CHILD", "identifier"),
        ("LAchildID", "identifier"),
        ("PLACE", "code"),
        ("SEX", "code"),
        ("ACADEMIC_YEAR", "academic_year"),
        ("DISTRICT", "text"),
        ("SOMETHING_ELSE", "text"),
    ],
)
def test_column_kinds(column: str, kind: str) -> None:
    assert columns.column_kind(column) == kind


def _report(frame: pd.DataFrame) -> pd.DataFrame:
    from scorecard.inputs.report import Where
    from scorecard.inputs.validate import schema_issues

    where = Where.single("episodes.csv", np.arange(2, len(frame) + 2))
    return schema_issues("episodes", frame, where)


def test_dtypes_checked_once_per_column_and_still_reported() -> None:
    # dtypes as coerced: the rows are checked without pandera's per-row dtype check, and the
    # report is the one the whole model gives (an unknown PLACE on row 3)
    good = _report(_episodes(PLACE=_text("U1", "Q9")))
    assert list(zip(good["row"], good["column"], good["rule"], strict=True)) == [
        (3, "PLACE", "unknown PLACE code")
    ]
    # a column of the wrong dtype is still reported (pandera checks every dtype then)
    wrong = _report(_episodes(DECOM=_text("2024-04-01", "2024-05-01")))
    assert "wrong type" in set(wrong.loc[wrong["column"] == "DECOM", "rule"])
