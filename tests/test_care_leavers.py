"""care_leavers_* (SPEC section 5): OC3 cohorts around birthdays, hand-worked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard.breakdowns import BreakdownError
from scorecard.measures.care_leavers import care_leaver_cohort, care_leaver_outcome
from scorecard.periods import parse_at

OLDER = [19, 20, 21]
YOUNGER = [17, 18]
AT = parse_at("2025-03-31")  # window 01/04/2024-31/03/2025 = collection year 2025 exactly

OC3 = pd.DataFrame(
    [
        # CHILD, DOB, IN_TOUCH, ACTIV, ACCOM, YEAR
        ("a", "01/04/2005", "YES", "G4", "B1", "2025"),  # 19th on 01/04/2024 = ws: in
        ("b", "31/03/2006", "NO", "0", "0", "2025"),  # 19th on 31/03/2025 = at; not in touch: in
        ("c", "15/06/2004", "YES", "F1", "G1", "2025"),  # 20th 15/06/2024; gone abroad
        ("d", "10/10/2003", "DIED", "0", "0", "2025"),  # died: excluded
        ("e", "10/10/2004", "RHOM", "G5", "B2", "2025"),  # returned home: excluded
        ("f", "20/05/2005", "YES", "G5", "B2", "2024"),  # 19th 20/05/2024 is in the window but
        #                                                 not in collection year 2024: excluded
        ("g", "01/01/2004", "YES", "P5", "H1", "2025"),  # 21st 01/01/2025; deported
        ("i", "01/07/2005", "YES", "G6", "U2", "2025"),  # 19th 01/07/2024
        ("j", "15/08/2006", "YES", "F3", "C1", "2025"),  # 18th 15/08/2024: younger cohort
        ("k", "01/02/2008", "NO", "0", "0", "2025"),  # 17th 01/02/2025: younger cohort
        ("l", "01/02/2003", "YES", "G5", "S2", "2024"),  # 21st 01/02/2024, collection year 2024
    ],
    columns=["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM", "YEAR"],
)
# 19-21 cohort at 31/03/2025: a, b, c, g, i (5). d, e excluded; f wrong collection year;
# j, k other ages; l's birthday is before the window.


def dataset(oc3: pd.DataFrame = OC3, **more: pd.DataFrame) -> sc.Dataset:
    return sc.Dataset.from_frames(oc3=oc3, **more)


def values(out: pd.DataFrame) -> list[tuple[float, float]]:
    return list(zip(out["numerator"].tolist(), out["denominator"].tolist()))


def test_cohort_rows_and_birthdays() -> None:
    cohort = care_leaver_cohort(dataset(), OLDER)
    children = OC3["CHILD"].to_numpy()[cohort["row"].to_numpy()]
    # every row whose 19th-21st birthday is in its own collection year, DIED/RHOM removed:
    # a, b, c, g, i (2025) and l (2024); not d, e (excluded), f (wrong year), j, k (ages)
    assert sorted(children) == ["a", "b", "c", "g", "i", "l"]
    got = dict(zip(children, cohort["birthday"]))
    assert got["a"] == pd.Timestamp("2024-04-01") and got["l"] == pd.Timestamp("2024-02-01")


def test_neet_19_21_with_not_in_touch_in_the_denominator() -> None:
    out = care_leaver_outcome(dataset(), AT, [], ages=OLDER, outcome="neet")
    # NEET: a (G4), i (G6) of a, b, c, g, i -> 2 of 5; b (not in touch, ACTIV 0) stays in
    assert values(out) == [(2, 5)]
    assert out["value"].tolist() == [40.0]


def test_eet_19_21() -> None:
    out = care_leaver_outcome(dataset(), AT, [], ages=OLDER, outcome="eet")
    # EET: c (F1), g (P5) -> 2 of 5
    assert values(out) == [(2, 5)]


def test_in_touch_19_21() -> None:
    out = care_leaver_outcome(dataset(), AT, [], ages=OLDER, outcome="in_touch")
    # YES: a, c, g, i -> 4 of 5 (b is NO)
    assert values(out) == [(4, 5)] and out["value"].tolist() == [80.0]


def test_suitable_accommodation_drops_gone_abroad_deported_unknown_from_denominator_only() -> None:
    out = care_leaver_outcome(dataset(), AT, [], ages=OLDER, outcome="suitable_accommodation")
    # c (G1) and g (H1) leave the denominator although their code ends in 1: a B1, b 0, i U2
    # remain -> suitable: a -> 1 of 3
    assert values(out) == [(1, 3)]
    assert out["value"].iloc[0] == pytest.approx(100 / 3)
    # ... but they stay in the other indicators' denominators (5 above)


def test_the_care_leavers_left_out_of_the_accommodation_base_are_said_beside_it() -> None:
    # the 19-21 cohort is a, b, c, g, i (5): NEET's base is 5; accommodation's is 3, and the
    # note says why the two bases differ (c gone abroad, g deported)
    suitable = sc.compute("care_leavers_suitable_accom_19_21", dataset(), at="2024-25 Q4")
    assert suitable[["numerator", "denominator"]].values.tolist() == [[1, 3]]
    assert suitable["note"].iloc[0].startswith("2 of the cohort not in this base: accommodation")
    neet = sc.compute("care_leavers_neet_19_21", dataset(), at="2024-25 Q4")
    assert neet["denominator"].tolist() == [5] and neet["note"].isna().all()
    units = sc.units("care_leavers_suitable_accom_19_21", dataset(), at="2024-25 Q4")
    flagged = units.loc[units["not_assessed"] == 1, "CHILD"]
    assert sorted(flagged) == ["c", "g"]


def test_residence_not_known_leaves_accommodation_denominator() -> None:
    oc3 = pd.DataFrame(
        [
            ("m", "01/05/2005", "YES", "F1", "R1", "2025"),
            ("n", "01/06/2005", "YES", "F1", "Z1", "2025"),
        ],
        columns=OC3.columns,
    )
    out = care_leaver_outcome(dataset(oc3), AT, [], ages=OLDER, outcome="suitable_accommodation")
    # m (R1) is out of the denominator; n (Z1, staying put, suitable) -> 1 of 1
    assert values(out) == [(1, 1)]


POOLED_OC3 = pd.concat(
    [OC3.assign(LA="650"), OC3.iloc[:4].assign(LA="886"), OC3.iloc[7:9].assign(LA="")],
    ignore_index=True,
)


@pytest.mark.parametrize("outcome", ["neet", "eet", "suitable_accommodation", "in_touch"])
@pytest.mark.parametrize("ages", [OLDER, YOUNGER])
@pytest.mark.parametrize("by", [[], ["LA"]])
def test_figure_straight_from_the_cohort_equals_its_units_summarised(
    by: list[str], ages: list[int], outcome: str
) -> None:
    """The figure in total and by LA is computed without a unit frame; it equals the units
    summarised to the last bit, the care leavers left out of the accommodation base
    included, with rows whose LA is blank and dates where an LA has no care leaver."""
    ds = dataset(POOLED_OC3)
    at = parse_at(["2024-03-31", "2024-09-30", "2025-03-31", "2025-06-30"])
    params = {"ages": ages, "outcome": outcome}
    units = care_leaver_outcome.units(ds, at, by, params)
    flags = ("not_assessed",)
    want = sc.breakdowns.summarise(units, at, by, "percent", flags=flags)
    got = care_leaver_outcome(ds, at, by, params)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    if by and outcome == "neet" and ages == OLDER:
        # 886 at 31/03/2025: a (G4), b of its rows a-d (c left; d died) -> 1 of 3 (c, 20th
        # 15/06/2024, is in the cohort: a, b, c)
        row = got[(got["LA"] == "886") & (got["period_end"] == "2025-03-31")]
        assert values(row) == [(1, 3)]


def test_figure_with_no_care_leaver_in_any_window() -> None:
    """No birthday in any window: the figure is the empty one `summarise` gives."""
    ds = dataset(POOLED_OC3)
    at = parse_at(["2030-03-31"])
    for by in ([], ["LA"]):
        units = care_leaver_outcome.units(ds, at, by, {})
        want = sc.breakdowns.summarise(units, at, by, "percent", flags=("not_assessed",))
        pd.testing.assert_frame_equal(care_leaver_outcome(ds, at, by, {}), want)


def test_younger_cohort_17_18() -> None:
    ds = dataset()
    # 17-18 at 31/03/2025: j (18th 15/08/2024), k (17th 01/02/2025); f's 18th (20/05/2023) is
    # outside the window
    assert values(care_leaver_outcome(ds, AT, [], ages=YOUNGER, outcome="neet")) == [(0, 2)]
    assert values(care_leaver_outcome(ds, AT, [], ages=YOUNGER, outcome="eet")) == [(1, 2)]
    # j C1 suitable, k 0 (not in touch) -> 1 of 2
    out = care_leaver_outcome(ds, AT, [], ages=YOUNGER, outcome="suitable_accommodation")
    assert values(out) == [(1, 2)]


def test_birthday_on_window_start_and_on_at() -> None:
    # a's 19th is 01/04/2024 = ws and b's 31/03/2025 = at: both in (see the cohort of 5).
    # A day later both move: at 01/04/2025 (window 02/04/2024-01/04/2025) a drops out, and
    # b is still in; at 30/03/2025 (window 31/03/2024-30/03/2025) b drops out, a is in.
    ats = parse_at(["2025-03-30", "2025-04-01"])
    ds = dataset(OC3.loc[OC3["CHILD"].isin(["a", "b"])])
    out = care_leaver_outcome(ds, ats, [], ages=OLDER, outcome="neet")
    # 30/03/2025: a only (NEET) -> 1 of 1; 01/04/2025: b only (not NEET) -> 0 of 1
    assert values(out) == [(1, 1), (0, 1)]


def test_29_february_birthday_falls_on_28_february() -> None:
    oc3 = pd.DataFrame(
        [("p", "29/02/2004", "YES", "G4", "B1", "2025")], columns=OC3.columns
    )  # 21st birthday in 2025 (a common year) is 28/02/2025
    ats = parse_at(["2025-02-27", "2025-02-28"])
    out = care_leaver_outcome(dataset(oc3), ats, [], ages=OLDER, outcome="neet")
    # 27/02/2025: window 28/02/2024-27/02/2025 misses 28/02/2025 -> 0 of 0 (blank value);
    # 28/02/2025: birthday = at -> 1 of 1
    assert values(out) == [(0, 0), (1, 1)]
    assert np.isnan(out["value"].iloc[0]) and out["value"].iloc[1] == 100.0
    # a 20th birthday on 29/02/2024 (leap) stays on the 29th
    oc3 = pd.DataFrame([("q", "29/02/2004", "YES", "G4", "B1", "2024")], columns=OC3.columns)
    out = care_leaver_outcome(
        dataset(oc3), parse_at(["2024-02-28", "2024-02-29"]), [], ages=OLDER, outcome="neet"
    )
    assert values(out) == [(0, 0), (1, 1)]


def test_many_dates_at_once_equal_each_date_alone() -> None:
    ats = parse_at(["2024-12-31", "2025-03-31", "2025-06-30"])
    ds = dataset()
    together = care_leaver_outcome(ds, ats, [], ages=OLDER, outcome="neet")
    alone = pd.concat(
        [
            care_leaver_outcome(ds, pd.DatetimeIndex([a]), [], ages=OLDER, outcome="neet")
            for a in ats
        ],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(together, alone)
    # 31/12/2024 (window 01/01/2024-31/12/2024): l (01/02/2024, YEAR 2024), a, c, i -> NEET l,
    # a, i = 3 of 4. 30/06/2025 (window 01/07/2024-30/06/2025): b, g, i -> NEET i = 1 of 3.
    assert values(together) == [(3, 4), (2, 5), (1, 3)]


def test_same_child_twice_in_one_collection_year_counts_once() -> None:
    oc3 = pd.DataFrame(
        [
            ("r", "01/05/2005", "YES", "G4", "B1", "2025"),
            ("r", "01/05/2005", "YES", "F1", "B1", "2025"),  # a corrected row: the last wins
        ],
        columns=OC3.columns,
    )
    out = care_leaver_outcome(dataset(oc3), AT, [], ages=OLDER, outcome="neet")
    assert values(out) == [(0, 1)]


def test_breakdowns_sex_age_band_uasc() -> None:
    header = pd.DataFrame(
        {"CHILD": ["a", "i"], "SEX": ["1", "2"], "DOB": ["01/04/2005", "01/07/2005"]}
    )
    uasc = pd.DataFrame({"CHILD": ["c"], "DUC": [None]})
    ds = dataset(header=header, uasc=uasc)
    out = care_leaver_outcome(ds, AT, ["sex"], ages=OLDER, outcome="neet")
    # a Male NEET; i Female NEET; b, c, g have no header row -> Unknown, none NEET
    assert out["sex"].tolist() == ["Female", "Male", "Unknown"]
    assert values(out) == [(1, 1), (1, 1), (0, 3)]
    # every care leaver is 16 and over on the birthday that puts them in the cohort: age
    # bands say nothing and are refused; the age at that birthday is the breakdown
    with pytest.raises(BreakdownError, match="care_leaver_age"):
        care_leaver_outcome(ds, AT, ["age_band"], ages=OLDER, outcome="neet")
    with pytest.raises(BreakdownError, match="16 and over"):
        sc.compute("care_leavers_neet_19_21", ds, at=AT, by="age_band")
    out = care_leaver_outcome(ds, AT, ["care_leaver_age"], ages=OLDER, outcome="neet")
    # from the OC3 DOB, even without a header row: 19 a (NEET), b, i (NEET); 20 c; 21 g
    assert out["care_leaver_age"].astype(str).tolist() == ["19", "20", "21"]
    assert values(out) == [(2, 3), (0, 1), (0, 1)]
    out = care_leaver_outcome(ds, AT, ["uasc"], ages=OLDER, outcome="eet")
    # c is UASC (open uasc row) and EET; of the others g is EET -> 1 of 4
    assert out["uasc"].tolist() == ["Not UASC", "UASC"]
    assert values(out) == [(1, 4), (1, 1)]
    # UASC while looked after: a status that ended at 18 (before the birthday counted) still
    # counts; on the birthday itself nobody would be UASC (SPEC section 5)
    ended = pd.DataFrame({"CHILD": ["c", "g"], "DUC": [None, "01/05/2020"]})
    out = care_leaver_outcome(
        dataset(header=header, uasc=ended), AT, ["uasc"], ages=OLDER, outcome="eet"
    )
    assert values(out) == [(0, 3), (2, 2)]


def test_district_breakdown_and_its_absence() -> None:
    episodes = pd.DataFrame(
        [
            ("a", "01/01/2020", "S", "C2", "U1", "01/04/2023", "E8", "ME14 1AA"),
            ("i", "01/01/2020", "S", "C2", "U1", "01/07/2023", "E8", "CT1 2BB"),
        ],
        columns=["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC", "HOME_POST"],
    )
    districts = pd.DataFrame(
        {"POSTCODE_DISTRICT": ["ME14", "CT1"], "DISTRICT": ["Maidstone", "Canterbury"]}
    )
    ds = dataset(episodes=episodes, districts=districts)
    out = care_leaver_outcome(ds, AT, ["district"], ages=OLDER, outcome="neet")
    # a -> Maidstone (NEET), i -> Canterbury (NEET), b, c, g have no episode -> Unknown
    assert out["district"].tolist() == ["Canterbury", "Maidstone", "Unknown"]
    assert values(out) == [(1, 1), (1, 1), (0, 3)]
    with pytest.raises(BreakdownError, match="episodes"):
        care_leaver_outcome(dataset(), AT, ["district"], ages=OLDER, outcome="neet")


def test_through_the_catalogue_and_bad_requests() -> None:
    out = sc.compute("care_leavers_suitable_accom_19_21", dataset(), at="2024-25 Q4")
    assert out["value"].iloc[0] == pytest.approx(100 / 3)
    out = sc.compute("care_leavers_eet_17_18", dataset(), at="2024-25 Q4")
    assert out["value"].tolist() == [50.0]
    with pytest.raises(BreakdownError, match="CHILD"):
        care_leaver_outcome(dataset(), AT, ["CHILD"])
    with pytest.raises(ValueError, match="outcome"):
        care_leaver_outcome(dataset(), AT, [], outcome="housed")
