"""Children looked after (count, UASC, rate per 10,000), starters, leavers and leavers' share.

Every expected number is worked out by hand in the comments, from SPEC sections 4 and 5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.breakdowns import BreakdownError
from scorecard.inputs import dataset_from_frames
from scorecard.measures.population import PopulationWarning
from scorecard.periods import parse_at
from scorecard.registry import registry

COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"]


def eps(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLS)


def header(dobs: dict[str, str], sex: dict[str, str] | None = None) -> pd.DataFrame:
    sex = sex or {}
    return pd.DataFrame(
        {"CHILD": list(dobs), "SEX": [sex.get(c, "1") for c in dobs], "DOB": list(dobs.values())}
    )


def value(df: pd.DataFrame, **where: object) -> pd.Series:
    """The single row of `df` matching `where`."""
    mask = np.ones(len(df), dtype=bool)
    for k, v in where.items():
        mask &= (df[k] == v).to_numpy()
    assert mask.sum() == 1, (where, df)
    return df.loc[mask].iloc[0]


# ---------------------------------------------------------------- looked after at `at`

LOOKED_AFTER = eps(
    [
        ("A", "01/04/2024", "S", "C2", "U1", None, None),  # open: looked after
        ("B", "01/01/2025", "S", "C2", "U1", "31/03/2025", "E4A"),  # DEC = at: not looked after
        ("C", "31/03/2025", "S", "C2", "U1", None, None),  # DECOM = at: looked after
        ("D", "01/04/2025", "S", "C2", "U1", None, None),  # starts after at: not yet
        ("E", "01/01/2024", "S", "V3", "U1", None, None),  # short breaks: never counted
        # F: X1 chain, one child (counted once)
        ("F", "01/01/2024", "S", "C2", "U1", "01/06/2024", "X1"),
        ("F", "01/06/2024", "P", "C2", "U2", None, None),
        ("G", "01/01/2025", "S", "C2", "U1", None, None),  # UASC, DUC blank: UASC
        ("H", "01/01/2025", "S", "C2", "U1", None, None),  # UASC, DUC = at: not UASC at at
        ("I", "01/01/2025", "S", "C2", "U1", None, None),  # UASC, DUC after at: UASC
        ("J", "01/01/2025", "S", "C2", "U1", None, None),  # UASC until before at: not UASC
    ]
)
UASC = pd.DataFrame(
    {
        "CHILD": ["G", "H", "I", "J", "B"],
        "DUC": [None, "31/03/2025", "01/04/2025", "01/02/2025", None],
    }
)


def looked_after_ds() -> sc.Dataset:
    dobs = {c: "01/06/2010" for c in "ABCDEFGHIJ"}
    dobs["C"] = "31/03/2009"  # 16th birthday on at: '16 and over' at at
    return sc.Dataset.from_frames(
        episodes=LOOKED_AFTER,
        header=header(dobs, {"A": "2", "C": "2"}),
        uasc=UASC,
    )


def test_cla_count_and_uasc_split() -> None:
    ds = looked_after_ds()
    # looked after at 31/03/2025: A, C, F, G, H, I, J = 7 (B left on at, D not yet, E is V3)
    cla = sc.compute("cla_count", ds, at="2025-03-31")
    assert cla["value"].item() == 7 and cla["numerator"].item() == 7
    assert np.isnan(cla["denominator"].item())
    # UASC at at: G (DUC blank) and I (DUC 01/04/2025 > at); H (DUC = at) and J (DUC before)
    # are not; B is UASC but not looked after
    assert sc.compute("uasc_count", ds, at="2025-03-31")["value"].item() == 2
    run = registry["looked_after"]
    assert run(ds, parse_at("2025-03-31"), [], {"uasc": "exclude"})["value"].item() == 5  # 7 - 2
    with pytest.raises(ValueError, match="include, exclude, only"):
        run(ds, parse_at("2025-03-31"), [], {"uasc": "some"})


def test_a_uasc_row_whose_duc_is_no_date_is_left_out_and_said() -> None:
    """G's DUC '31/02/2025' is no date: loaded leniently, the cell is unusable. It was read
    as blank (UASC for ever) and counted with no word; now the UASC figures leave G's uasc row
    out and say so: UASC at 31/03/2025 is I alone. The children looked after do not read the
    uasc table and stay 7."""
    uasc = UASC.copy()
    uasc.loc[0, "DUC"] = "31/02/2025"
    ds = dataset_from_frames(
        {
            "episodes": LOOKED_AFTER,
            "header": header(dict.fromkeys("ABCDEFGHIJ", "01/06/2010")),
            "uasc": uasc,
        },
        strict=False,
    )
    assert ds.unusable[["table", "column"]].values.tolist() == [["uasc", "DUC"]]
    out = sc.compute("uasc_count", ds, at="2025-03-31")
    assert out["value"].item() == 1 and out["note"].item() == "1 uasc row left out: unusable DUC"
    cla = sc.compute("cla_count", ds, at="2025-03-31")
    assert cla["value"].item() == 7 and pd.isna(cla["note"].item())
    assert set(sc.left_out(ds)["indicator"]) == {"uasc_count", "cla_rate_per_10k_excl_uasc"}


def test_cla_count_breakdowns() -> None:
    ds = looked_after_ds()
    by_sex = sc.compute("cla_count", ds, at="2025-03-31", by="sex")
    # female: A and C; male: F, G, H, I, J
    assert value(by_sex, sex="Female")["value"] == 2
    assert value(by_sex, sex="Male")["value"] == 5
    by_age = sc.compute("cla_count", ds, at="2025-03-31", by="age_band")
    # C is 16 on at (born 31/03/2009); the others (born 01/06/2010) are 14
    assert value(by_age, age_band="16 and over")["value"] == 1
    assert value(by_age, age_band="10 to 15")["value"] == 6
    by_uasc = sc.compute("cla_count", ds, at="2025-03-31", by="uasc")
    assert value(by_uasc, uasc="UASC")["value"] == 2
    assert value(by_uasc, uasc="Not UASC")["value"] == 5


def test_cla_count_on_an_earlier_date() -> None:
    ds = looked_after_ds()
    # at 31/12/2024: A (from 01/04/2024), F (X1 chain from 01/01/2024) only; B, G-J start
    # 01/01/2025
    out = sc.compute("cla_count", ds, at=["2024-12-31", "2025-03-31"])
    assert out["value"].tolist() == [2, 7]


# ---------------------------------------------------------------- rate per 10,000

RATE_EPISODES = eps(
    [
        ("A", "01/01/2020", "S", "C2", "U1", None, None),
        ("B", "01/01/2020", "S", "C2", "U1", None, None),
    ]
)


def rate_ds(pop: dict[int, int], uasc: pd.DataFrame | None = None) -> sc.Dataset:
    frames = {
        "episodes": RATE_EPISODES,
        "population": pd.DataFrame(
            {"MID_YEAR": [str(y) for y in pop], "POP_0_17": [str(v) for v in pop.values()]}
        ),
    }
    if uasc is not None:
        frames["uasc"] = uasc
    return sc.Dataset.from_frames(**frames)


def test_rate_population_year_on_30_june_and_1_july() -> None:
    ds = rate_ds({2022: 8_000, 2023: 10_000, 2024: 20_000})
    out = sc.compute(
        "cla_rate_per_10k", ds, at=["01/07/2022", "30/06/2024", "01/07/2024", "31/03/2025"]
    )
    # 2 children looked after at every date.
    # 01/07/2022: 30/06/2022 < at -> mid-2022 (8,000): 2 / 8,000 x 10,000 = 2.5
    # 30/06/2024: 30/06/2024 is not strictly before -> mid-2023 (10,000): 2.0
    # 01/07/2024: mid-2024 (20,000): 1.0;  31/03/2025: mid-2024 as DfE does: 1.0
    assert out["denominator"].tolist() == [8_000, 10_000, 20_000, 20_000]
    assert out["numerator"].tolist() == [2, 2, 2, 2]
    assert out["value"].tolist() == [2.5, 2.0, 1.0, 1.0]


def test_rate_uses_latest_earlier_estimate_when_a_year_is_missing() -> None:
    ds = rate_ds({2022: 8_000, 2024: 20_000})
    # 31/03/2024 would use mid-2023, absent: the latest row early enough is mid-2022
    out = sc.compute("cla_rate_per_10k", ds, at="31/03/2024")
    assert out["denominator"].item() == 8_000 and out["value"].item() == 2.5


def test_rate_says_when_it_uses_an_older_estimate_than_the_date_calls_for() -> None:
    # a Q4 card built in April-June: ONS has not published mid-2024 yet
    ds = rate_ds({2022: 8_000, 2023: 10_000})
    out = sc.compute("cla_rate_per_10k", ds, at=["31/03/2024", "31/03/2025"])
    # 31/03/2024 calls for mid-2023 and has it: 2 / 10,000 x 10,000 = 2.0, nothing to say;
    # 31/03/2025 calls for mid-2024: the latest held, mid-2023, is used (2.0), and said
    assert out["value"].tolist() == [2.0, 2.0]
    assert pd.isna(out["note"].iloc[0])
    assert out["note"].iloc[1] == "uses the mid-2023 population estimate: the table has no mid-2024"


def test_a_revised_estimate_appended_says_which_estimate_the_rate_used() -> None:
    # the revised mid-2024 estimate appended under the original: MID_YEAR repeated, both
    # rows left out (two errors); the rate at 31/03/2025 falls back to mid-2023 and says
    # why, and the rates that read mid-2023 or mid-2022 do not carry the left-out note
    frames = {
        "episodes": RATE_EPISODES,
        "population": pd.DataFrame(
            {
                "MID_YEAR": ["2022", "2023", "2024", "2024"],
                "POP_0_17": ["8000", "10000", "20000", "21150"],
            }
        ),
    }
    ds = dataset_from_frames(frames, strict=False)
    assert ds.unusable["row"].tolist() == [2, 3]
    out = sc.compute("cla_rate_per_10k", ds, at=["01/07/2022", "31/03/2024", "31/03/2025"])
    # 01/07/2022: mid-2022 (8,000): 2.5; 31/03/2024: mid-2023: 2.0; 31/03/2025: mid-2023: 2.0
    assert out["value"].tolist() == [2.5, 2.0, 2.0]
    assert out["note"].isna().tolist()[:2] == [True, True]
    assert out["note"].iloc[2] == (
        "uses the mid-2023 population estimate: its mid-2024 rows are left out (unusable "
        "MID_YEAR; scorecard validate lists them); 2 population rows left out: unusable MID_YEAR"
    )


def test_rate_blank_with_a_warning_when_no_population_early_enough() -> None:
    ds = rate_ds({2023: 10_000})
    # 30/06/2023 needs mid-2022 or earlier: none -> blank, and the warning names the date
    with pytest.warns(PopulationWarning, match="30/06/2023"):
        out = sc.compute("cla_rate_per_10k", ds, at=["30/06/2023", "01/07/2023"])
    assert np.isnan(out["value"].iloc[0]) and np.isnan(out["denominator"].iloc[0])
    assert out["numerator"].iloc[0] == 2
    assert out["value"].iloc[1] == 2.0  # 2 / 10,000 x 10,000
    assert out["note"].iloc[0] == (
        "not available: the population table has no estimate for mid-2022 or earlier"
    )


def test_rate_excluding_uasc() -> None:
    uasc = pd.DataFrame({"CHILD": ["B"], "DUC": [None]})
    ds = rate_ds({2024: 20_000}, uasc)
    # B is UASC (DUC blank): 1 child left, 1 / 20,000 x 10,000 = 0.5
    out = sc.compute("cla_rate_per_10k_excl_uasc", ds, at="2025-03-31")
    assert out["numerator"].item() == 1 and out["value"].item() == 0.5
    assert sc.compute("cla_rate_per_10k", ds, at="2025-03-31")["value"].item() == 1.0


def test_rate_cannot_be_broken_down_by_child_attributes() -> None:
    ds = rate_ds({2024: 20_000})
    with pytest.raises(BreakdownError, match="sex"):
        sc.compute("cla_rate_per_10k", ds, at="2025-03-31", by="sex")
    # the measure itself says why, whatever the catalogue allows
    run = registry["looked_after_rate"]
    with pytest.raises(BreakdownError, match=r"population estimate .* is not broken down"):
        run(ds, parse_at("2025-03-31"), ["age_band"], {})
    with pytest.raises(BreakdownError, match="LA"):
        run(ds, parse_at("2025-03-31"), ["LA"], {})


def test_rate_pooled_by_la_and_in_total() -> None:
    episodes = pd.concat(
        [
            RATE_EPISODES.assign(LA="650"),  # 2 children in LA 650
            eps([("A", "01/01/2020", "S", "C2", "U1", None, None)]).assign(LA="886"),
        ],
        ignore_index=True,
    )
    population = pd.DataFrame(
        {
            "LA": ["650", "650", "886"],
            "MID_YEAR": ["2023", "2024", "2024"],
            "POP_0_17": ["10000", "20000", "30000"],
        }
    )
    ds = sc.Dataset.from_frames(episodes=episodes, population=population)
    by_la = sc.compute("cla_rate_per_10k", ds, at="2025-03-31", by="LA")
    # 650: 2 / 20,000 x 10,000 = 1.0; 886: 1 / 30,000 x 10,000 = 0.333...
    assert value(by_la, LA="650")["value"] == 1.0
    assert value(by_la, LA="886")["value"] == pytest.approx(1 / 3)
    total = sc.compute("cla_rate_per_10k", ds, at="2025-03-31")
    # all: 3 children over 50,000 = 0.6
    assert total["numerator"].item() == 3 and total["denominator"].item() == 50_000
    assert total["value"].item() == pytest.approx(0.6)


POOLED_EPISODES = eps(
    [
        ("A", "01/01/2020", "S", "C2", "U1", None, None),
        ("B", "01/01/2020", "S", "C2", "U1", None, None),
        ("C", "01/06/2024", "S", "C2", "U1", "01/01/2025", "E11"),
        ("D", "01/01/2023", "S", "C2", "U1", None, None),
        ("E", "01/01/2023", "S", "C2", "U1", None, None),
    ]
).assign(LA=["650", "650", "886", "921", "921"])


@pytest.mark.parametrize("uasc", ["include", "exclude", "only"])
@pytest.mark.parametrize("by", [[], ["LA"]])
@pytest.mark.parametrize("pop_886", ["30000", "30000.3"])
def test_rate_straight_from_children_equals_its_units_summarised(
    by: list[str], uasc: str, pop_886: str
) -> None:
    """The rate is computed without a unit frame; it equals the units summarised, to the
    last bit: with an LA that has an estimate but no child looked after (999), one whose
    estimate is missing in a year (921 has no mid-2023: its rate and the total are blank
    there), UASC children left out or counted alone, and an estimate with a fraction, which
    is summed as pandas sums it."""
    population = pd.DataFrame(
        {
            "LA": ["650", "650", "886", "886", "921", "999", "999"],
            "MID_YEAR": ["2023", "2024", "2023", "2024", "2024", "2023", "2024"],
            "POP_0_17": ["10000", "20000", pop_886, pop_886, "40000", "5000", "5000"],
        }
    )
    uasc_rows = pd.DataFrame(
        {"LA": ["650", "921"], "CHILD": ["B", "D"], "DUC": [None, "01/01/2025"]}
    )
    ds = sc.Dataset.from_frames(episodes=POOLED_EPISODES, population=population, uasc=uasc_rows)
    at = parse_at(["31/03/2024", "30/09/2024", "31/03/2025"])
    run = registry["looked_after_rate"]
    with pytest.warns(PopulationWarning, match="921"):
        units = run.units(ds, at, by, {"uasc": uasc})
    want = sc.breakdowns.summarise(units, at, by, "ratio", scale=10_000.0)
    with pytest.warns(PopulationWarning, match="921"):
        got = run(ds, at, by, {"uasc": uasc})
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    if by and uasc == "exclude":
        # 31/03/2024 (mid-2023): 650 has A (B is UASC): 1 / 10,000 x 10,000 = 1.0; 921 has
        # E (D is UASC until 01/01/2025) and no mid-2023: blank; 999: 0 / 5,000 = 0.0
        first = got[got["period_end"] == "2024-03-31"].set_index("LA")
        assert first.loc["650", "value"] == 1.0 and first.loc["999", "value"] == 0.0
        assert np.isnan(first.loc["921", "value"]) and first.loc["921", "numerator"] == 1
        # 30/09/2024 (mid-2024): 921's E over 40,000: 0.25
        assert value(got, period_end=pd.Timestamp("2024-09-30"), LA="921")["value"] == 0.25
    if not by and uasc == "include":
        # 31/03/2025 (mid-2024): A, B, D, E over 20,000 + 886's + 40,000 + 5,000
        last = got.iloc[-1]
        assert last["numerator"] == 4
        assert last["denominator"] == 65_000 + float(pop_886)


# ---------------------------------------------------------------- starters and leavers

FLOWS = eps(
    [
        ("A", "01/04/2024", "S", "C2", "U1", "01/04/2024", "E11"),  # starts and ceases on ws
        ("B", "01/01/2024", "S", "C2", "U1", "31/03/2024", "E13"),  # start/end before ws
        ("C", "31/03/2025", "S", "C2", "U1", "31/03/2025", "E12"),  # starts and ceases on at
        ("D", "01/04/2025", "S", "C2", "U1", "01/05/2025", "E11"),  # at + 1: outside
        # E: X1 chain started before the window; the X1 end is not a ceasing, the X1
        # continuation is not a start
        ("E", "01/01/2024", "S", "C2", "U1", "01/06/2024", "X1"),
        ("E", "01/06/2024", "P", "C2", "U2", None, None),
        # F: leaves and returns within the window: two periods, counted once each way
        ("F", "01/05/2024", "S", "C2", "U1", "01/06/2024", "E11"),
        ("F", "01/09/2024", "S", "C2", "U1", "01/12/2024", "E4A"),
        ("G", "01/06/2024", "S", "V3", "U1", "01/07/2024", "E13"),  # V3: never counted
        # H: period started before the window (X1 chain) and ceased in it
        ("H", "01/01/2023", "S", "C2", "U1", "01/01/2024", "X1"),
        ("H", "01/01/2024", "P", "C2", "U2", "01/10/2024", "E13"),
    ]
)


def flows_ds() -> sc.Dataset:
    dobs = {
        "A": "01/06/2008",  # 15 on leaving (01/04/2024), 16 at at
        "B": "01/01/2010",
        "C": "01/01/2010",
        "D": "01/01/2010",
        "E": "01/01/2010",
        "F": "01/08/2019",  # 4 at first start (01/05/2024), 5 at second (01/09/2024)
        "G": "01/01/2010",
        "H": "01/01/2010",
    }
    uasc = pd.DataFrame({"CHILD": ["F"], "DUC": ["01/10/2024"]})
    return sc.Dataset.from_frames(episodes=FLOWS, header=header(dobs), uasc=uasc)


def test_started_in_window() -> None:
    ds = flows_ds()
    # window 01/04/2024-31/03/2025: A (on ws), C (on at), F (twice, counted once) = 3;
    # not B (before ws), D (after at), E (X1 continuation), G (V3), H (started 2023)
    out = sc.compute("cla_started", ds, at="2025-03-31")
    assert out["value"].item() == 3 and np.isnan(out["denominator"].item())
    # DfE: ages on starting, the first occasion: F was 4 on 01/05/2024 ('1 to 4')
    by_age = sc.compute("cla_started", ds, at="2025-03-31", by="age_band")
    assert value(by_age, age_band="1 to 4")["value"] == 1
    assert value(by_age, age_band="10 to 15")["value"] == 2  # A (15) and C (15)
    assert "5 to 9" not in set(by_age["age_band"])
    # UASC on starting: F (DUC 01/10/2024 after 01/05/2024)
    by_uasc = sc.compute("cla_started", ds, at="2025-03-31", by="uasc")
    assert value(by_uasc, uasc="UASC")["value"] == 1


def test_ceased_in_window() -> None:
    ds = flows_ds()
    # A (DEC on ws), C (DEC on at), F (ceased twice: once), H (after an X1 chain) = 4;
    # not B (before ws), D (DEC after at), E (X1 end only), G (V3)
    out = sc.compute("cla_ceased", ds, at="2025-03-31")
    assert out["value"].item() == 4
    # ages at leaving: A is 15 on 01/04/2024 (16 at at); F is 5 on 01/12/2024
    by_age = sc.compute("cla_ceased", ds, at="2025-03-31", by="age_band")
    assert value(by_age, age_band="10 to 15")["value"] == 3  # A, C, H
    assert value(by_age, age_band="5 to 9")["value"] == 1  # F
    # age at entry of the period that ended: F's second period began at 5
    by_entry = sc.compute("cla_ceased", ds, at="2025-03-31", by="age_at_entry_band")
    assert value(by_entry, age_at_entry_band="5 to 9")["value"] == 1
    # UASC at any time in the period that ended (SPEC 5): F's second period began
    # 01/09/2024, before DUC 01/10/2024, so F counts as UASC though not UASC on leaving
    by_uasc = sc.compute("cla_ceased", ds, at="2025-03-31", by="uasc")
    assert by_uasc[["uasc", "value"]].to_numpy().tolist() == [["Not UASC", 3], ["UASC", 1]]


def test_ceased_window_moves_with_at() -> None:
    ds = flows_ds()
    # at 30/06/2024 (window 01/07/2023-30/06/2024): B (31/03/2024), A (01/04/2024),
    # F (01/06/2024) = 3; at 31/03/2024: B only (A's DEC 01/04/2024 is at + 1)
    out = sc.compute("cla_ceased", ds, at=["31/03/2024", "30/06/2024", "31/03/2025"])
    assert out["value"].tolist() == [1, 3, 4]


def test_leavers_share_adopted_uses_last_ceasing() -> None:
    ds = flows_ds()
    # leavers: A (E11), C (E12), F (last ceasing E4A, not the earlier E11), H (E13):
    # adopted 2 of 4 = 50%
    out = sc.compute("pct_leavers_adopted", ds, at="2025-03-31")
    assert out["numerator"].item() == 2 and out["denominator"].item() == 4
    assert out["value"].item() == 50.0
    # at 30/06/2024: B (E13), A (E11), F (E11 on 01/06/2024) -> 2 of 3
    early = sc.compute("pct_leavers_adopted", ds, at="30/06/2024")
    assert early["value"].item() == pytest.approx(200 / 3)
    # another code list through the measure's parameter: E13 -> H only, 1 of 4
    run = registry["leavers_share"]
    other = run(ds, parse_at("2025-03-31"), [], {"codes": ["e13"]})
    assert other["value"].item() == 25.0


def test_rate_duplicate_population_year_uses_last_row_and_warns() -> None:
    # the loader rejects this; a dataset built without validation must still not mislead
    ds = dataset_from_frames(
        {
            "episodes": RATE_EPISODES,
            "population": pd.DataFrame(
                {"MID_YEAR": ["2024", "2024"], "POP_0_17": ["5000", "20000"]}
            ),
        },
        validate=False,
    )
    # two rows for mid-2024: the last (20,000) is used: 2 / 20,000 x 10,000 = 1.0
    with pytest.warns(PopulationWarning, match="more than one row for MID_YEAR"):
        out = sc.compute("cla_rate_per_10k", ds, at="2025-03-31")
    assert out["denominator"].item() == 20_000 and out["value"].item() == 1.0
