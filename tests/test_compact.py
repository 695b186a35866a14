"""Code columns held compact (`scorecard.compact`): a loaded dataset holds a big table's
columns of codes as categoricals and writes them out to `str` when a table is asked for; the
analyst's tables, the quality report and every figure are those of `str` columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard import compact
from scorecard.care import factorize
from scorecard.inputs import coerce

VALUES = pd.Series([f"C{i}" for i in range(30)], dtype="str")


def _codes(n: int, sort: bool, seed: int = 1) -> np.ndarray:
    codes = np.random.default_rng(seed).integers(-1, len(VALUES), n).astype(np.int8)
    return np.sort(codes) if sort else codes


@pytest.mark.parametrize("n", [1, 10, 5_000])
@pytest.mark.parametrize("sort", [False, True])
def test_factorized_and_taken_as_written_out(n: int, sort: bool) -> None:
    codes = _codes(n, sort)
    held = compact.held_as_codes(codes, VALUES, pd.RangeIndex(n))
    text = compact.as_text(held)
    pd.testing.assert_series_equal(text, compact.written_out(codes, VALUES, pd.RangeIndex(n)))
    assert text.dtype == "str" and compact.is_held(held) and not compact.is_held(text)
    want, want_uniques = factorize(text)
    got, got_uniques = factorize(held)
    assert got.dtype == want.dtype and np.array_equal(got, want)
    pd.testing.assert_index_equal(got_uniques, want_uniques, exact=True)
    at = np.random.default_rng(2).integers(-1, n, 50)
    want_taken = text.array.take(at, allow_fill=True)
    pd.testing.assert_extension_array_equal(compact.taken(held, at), want_taken)


def test_a_categorical_given_is_not_held() -> None:
    frame = pd.DataFrame({"PLACE": pd.Categorical(["U1", "U2", None])})
    ds = sc.Dataset({"episodes": frame})
    assert ds.table("episodes") is frame and ds.held("episodes") is frame
    assert not compact.is_held(frame["PLACE"])


@pytest.fixture(scope="module")
def parquet_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's episodes, header and referrals as Parquet (codes read as dictionaries)."""
    folder = tmp_path_factory.mktemp("parquet")
    ds = sc.load_dataset()
    for name in ("episodes", "header", "referrals"):
        ds.table(name).to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def _plain_and_held(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[sc.Dataset, sc.Dataset]:
    """`folder` loaded twice: no column held compact, then every code column held."""
    monkeypatch.setattr(coerce, "COMPACT_ROWS", 10**9)
    plain = sc.load_dataset(folder)
    monkeypatch.setattr(coerce, "COMPACT_ROWS", 0)
    return plain, sc.load_dataset(folder)


def test_held_tables_give_the_same_tables_report_and_figures(
    parquet_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, held = _plain_and_held(parquet_folder, monkeypatch)
    assert not any(compact.is_held(plain.held("episodes")[c]) for c in ("PLACE", "LS"))
    assert all(compact.is_held(held.held("episodes")[c]) for c in ("PLACE", "LS", "REC"))
    for ind in ("placement_stability_short", "re_referral_rate", "cla_count"):
        want = sc.compute(ind, plain, at=["2024-03-31", "2025-03-31"])
        pd.testing.assert_frame_equal(sc.compute(ind, held, at=["2024-03-31", "2025-03-31"]), want)
    pd.testing.assert_frame_equal(held.quality, plain.quality)
    assert list(held) == list(plain)
    for name in plain.names:
        pd.testing.assert_frame_equal(held.tables[name], plain.tables[name], check_exact=True)
    assert held.tables["episodes"] is held.table("episodes")  # written out once, then kept
    assert held.is_table("episodes", held.held("episodes"))
    assert held.is_table("episodes", held.table("episodes"))


def test_without_keeps_the_columns_held(
    parquet_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(coerce, "COMPACT_ROWS", 0)
    ds = sc.load_dataset(parquet_folder)
    fewer = ds.without({"episodes": np.array([0, 5])})
    assert compact.is_held(fewer.held("episodes")["PLACE"])
    want = ds.table("episodes").drop(index=[0, 5]).reset_index(drop=True)
    pd.testing.assert_frame_equal(fewer.table("episodes"), want)


HEADER_OC3_IRO = ("header", "uasc", "oc3", "iro_allocations", "iro_staff", "ks4_cla")


@pytest.fixture(scope="module")
def pooled_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's child-level and IRO tables as Parquet, pooled: an LA per child (and per
    IRO) from the last digit of its identifier."""
    folder = tmp_path_factory.mktemp("pooled")
    ds = sc.load_dataset()
    for name in ("episodes", *HEADER_OC3_IRO):
        frame = ds.table(name)
        ids = frame["IRO_ID" if name == "iro_staff" else "CHILD"].astype("string")
        la = "E0900000" + ids.str[-1].where(ids.str[-1].str.isdigit(), "0")
        frame.assign(LA=la.astype("str")).to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def test_held_header_oc3_and_iro_give_the_same_figures_and_units(
    pooled_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, held = _plain_and_held(pooled_folder, monkeypatch)
    for name, column in [("header", "SEX"), ("oc3", "ACTIV"), ("iro_allocations", "LA")]:
        assert compact.is_held(held.held(name)[column])
        assert not compact.is_held(plain.held(name)[column])
    at = ["2023-03-31", "2024-03-31", "2025-03-31"]
    cases = {
        "iro_caseload_weighted": [None, "LA"],
        "care_leavers_suitable_accom_17_18": [None, "LA", "sex", "uasc"],
        "care_leavers_in_touch_19_21": [None, "LA"],
        "time_in_care_current": [None, "LA", "sex"],
        "placement_stability_long": ["sex"],
        "uasc_count": ["LA"],
        "attainment_cla_att8": ["LA"],
    }
    for ind, breakdowns in cases.items():
        for by in breakdowns:
            want = sc.compute(ind, plain, at=at, by=by)
            pd.testing.assert_frame_equal(sc.compute(ind, held, at=at, by=by), want)
        want = sc.units(ind, plain, at="2024-25 Q4")
        pd.testing.assert_frame_equal(sc.units(ind, held, at="2024-25 Q4"), want)
    assert not held._held._text  # the measures wrote no table out
    for name in HEADER_OC3_IRO:
        pd.testing.assert_frame_equal(held.tables[name], plain.tables[name], check_exact=True)


def test_per_value_and_sorted_categorical_as_written_out() -> None:
    values = pd.Series(["b", " g4", "A", "G4", "c1"], dtype="str")
    codes = np.random.default_rng(3).integers(-1, len(values), 200).astype(np.int8)
    held = compact.held_as_codes(codes, values, pd.RangeIndex(len(codes)))
    text = compact.as_text(held)

    def test(v: pd.Series) -> np.ndarray:
        return v.astype("string").str.strip().str.upper().isin(["G4"]).to_numpy(dtype=bool)

    assert np.array_equal(compact.per_value(held, test), test(text))
    got, want = compact.sorted_categorical(held), pd.Categorical(text.astype("string"))
    pd.testing.assert_index_equal(got.categories, want.categories, exact=True)
    assert np.array_equal(got.codes, want.codes)


def test_codes_of_is_the_held_codes_without_a_copy() -> None:
    codes = np.array([2, 0, -1, 2, 1], dtype=np.int8)
    held = compact.held_as_codes(codes, VALUES[:3], pd.RangeIndex(5))
    got = compact.codes_of(held)
    assert np.array_equal(got, held.cat.codes.to_numpy()) and got.dtype == np.int8
    assert np.shares_memory(got, compact.codes_of(held))  # a view each time, never a copy
    assert not got.flags.writeable  # the table's own codes: not ours to change


@pytest.mark.parametrize(
    ("codes", "own"),
    [
        ([0, 0, 1, -1, 2, 1, 0], True),  # every value, first met in the order held
        ([-1, 0, 1, 1, 2], True),  # a blank first changes nothing
        ([1, 0, 2, 0], False),  # first met out of order: renumbered
        ([0, 2, 2, 0], False),  # a value held but absent: renumbered
    ],
)
def test_factorized_as_held_is_factorize_without_a_copy(codes: list[int], own: bool) -> None:
    array = np.array(codes, dtype=np.int8)
    held = compact.held_as_codes(array, VALUES[:3], pd.RangeIndex(len(array)))
    want, want_uniques = factorize(compact.as_text(held))
    got = compact.factorized_as_held(held)
    assert (got is not None) == own
    if got is not None:
        assert np.array_equal(got[0], want) and np.shares_memory(got[0], compact.codes_of(held))
        pd.testing.assert_index_equal(got[1], want_uniques, exact=True)
    assert compact.factorized_as_held(compact.as_text(held)) is None  # not held


def test_pooled_referrals_la_codes_are_the_held_ones(
    parquet_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-referrals' LA codes (child keys, LA breakdown) read the held LA column itself:
    no second column of codes kept beside it; the same figures as from the text."""
    from scorecard.measures import referrals

    folder = parquet_folder.parent / "pooled_referrals"
    folder.mkdir(exist_ok=True)
    frame = pd.read_parquet(parquet_folder / "referrals.parquet")
    la = np.where(frame["LAchildID"].str[-1].isin(list("01234")), "E09000001", "E09000002")
    frame.assign(LA=pd.Series(la, dtype="str")).to_parquet(folder / "referrals.parquet")
    plain, held = _plain_and_held(folder, monkeypatch)
    codes = referrals._factorized(held, "LA")[0]
    assert np.shares_memory(codes, compact.codes_of(held.held("referrals")["LA"]))
    at = ["2023-03-31", "2025-03-31"]
    want = sc.compute("re_referral_rate", plain, at=at, by="LA")
    pd.testing.assert_frame_equal(sc.compute("re_referral_rate", held, at=at, by="LA"), want)
    assert set(want["LA"]) == {"E09000001", "E09000002"}
