"""Current placement shares (SPEC section 5): % in foster care, placed in-house, in residential
care and placed more than 20 miles from home, all from the episode open at the date."""

from __future__ import annotations

import pandas as pd
import pytest

import scorecard as sc
from scorecard.measures.population import current_placement_share
from scorecard.periods import parse_at

AT = "31/03/2025"
COLS = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC", "PLACE_PROVIDER", "PL_DISTANCE"]

ROWS = [
    # looked after at 31/03/2025:
    ("A", "01/01/2023", "S", "C2", "U4", None, None, "PR1", "3.5"),  # foster, in-house, near
    ("B", "01/01/2023", "S", "C2", "U6", None, None, "PR4", "25"),  # foster, agency, far
    ("C", "01/01/2023", "S", "C2", "K2", None, None, "PR3", "20"),  # residential, exactly 20
    ("D", "01/01/2023", "S", "C2", "T0", None, None, "PR1", None),  # temporary, no distance
    # E moved from foster care to a children's home on 01/01/2025
    ("E", "01/01/2023", "S", "C2", "U4", "01/01/2025", "X1", "PR1", "2"),
    ("E", "01/01/2025", "P", "C2", "K2", None, None, "PR3", "40"),
    # not looked after at 31/03/2025: left on 01/03/2025
    ("F", "01/01/2023", "S", "C2", "U4", "01/03/2025", "E13", "PR1", "1"),
    # short break: never counted
    ("G", "01/03/2025", "S", "V3", "U4", None, None, "PR1", "1"),
]
HEADER = pd.DataFrame(
    {
        "CHILD": list("ABCDEFG"),
        "SEX": ["1", "2", "1", "2", "1", "2", "1"],
        "DOB": ["01/01/2010"] * 7,
    }
)


def dataset(rows: list[tuple] = ROWS, cols: list[str] = COLS) -> sc.Dataset:
    return sc.Dataset.from_frames(episodes=pd.DataFrame(rows, columns=cols), header=HEADER)


def share(ds: sc.Dataset, at: str | list[str] = AT, by: list[str] | None = None, **params):
    return current_placement_share(ds, parse_at(at), by or [], **params)


def nums(frame: pd.DataFrame) -> list[list[float]]:
    return frame[["numerator", "denominator"]].to_numpy().tolist()


def test_foster_care_share_uses_the_current_episode() -> None:
    # looked after: A, B, C, D, E (F left, G is a short break); foster U1-U6: A, B -> 2 of 5
    out = share(dataset(), codes=["U1", "U2", "U3", "U4", "U5", "U6"])
    assert nums(out) == [[2.0, 5.0]]
    assert out["value"].iloc[0] == pytest.approx(40.0)
    # on 31/12/2024 E was still in U4 and F in care too: A, B, E, F of A-F = 4 of 6
    earlier = share(dataset(), at="31/12/2024", codes=["U4", "U6"])
    assert nums(earlier) == [[4.0, 6.0]]


def test_codes_are_matched_whatever_their_case() -> None:
    out = share(dataset(), codes=["k2", " r1 "])
    assert nums(out) == [[2.0, 5.0]]  # C and E in K2


def test_in_house_share_on_place_provider() -> None:
    # PR1 at 31/03/2025: A and D of 5
    out = share(dataset(), column="PLACE_PROVIDER", codes=["PR1"])
    assert nums(out) == [[2.0, 5.0]]


def test_distance_share_leaves_blank_distances_out() -> None:
    # distances: A 3.5, B 25, C 20 (not more than 20), D blank (left out), E 40 -> 2 of 4
    out = share(dataset(), column="PL_DISTANCE", greater_than=20.0)
    assert nums(out) == [[2.0, 4.0]]
    assert out["value"].iloc[0] == pytest.approx(50.0)


def test_missing_column_is_named_and_the_scorecard_carries_on() -> None:
    rows = [r[:-1] for r in ROWS]
    ds = dataset(rows, COLS[:-1])
    with pytest.raises(sc.MissingTableError, match="PL_DISTANCE"):
        share(ds, column="PL_DISTANCE", greater_than=20.0)
    frame, problems = sc.compute_many(
        ds, AT, indicators=["pct_foster_care", "pct_placed_over_20_miles"]
    )
    assert "PL_DISTANCE" in problems["pct_placed_over_20_miles"]
    assert list(frame["indicator"]) == ["pct_foster_care"]


def test_no_codes_and_no_threshold_is_an_error() -> None:
    with pytest.raises(ValueError, match="codes"):
        share(dataset(), column="PLACE")


def test_breakdowns_sum_to_the_total() -> None:
    ds = dataset()
    total = share(ds, codes=["U4", "U6"])
    by_sex = share(ds, by=["sex"], codes=["U4", "U6"])
    # males A, C, E: foster A -> 1 of 3; females B, D: foster B -> 1 of 2
    assert dict(
        zip(by_sex["sex"], map(list, by_sex[["numerator", "denominator"]].to_numpy()), strict=True)
    ) == {
        "Male": [1.0, 3.0],
        "Female": [1.0, 2.0],
    }
    assert by_sex["numerator"].sum() == total["numerator"].iloc[0]
    # an episode column: by PLACE every child falls in its own placement type
    by_place = share(ds, by=["PLACE"], codes=["U4", "U6"])
    assert dict(zip(by_place["PLACE"], by_place["denominator"], strict=True)) == {
        "K2": 2.0,
        "T0": 1.0,
        "U4": 1.0,
        "U6": 1.0,
    }


def test_catalogue_indicators_and_many_dates() -> None:
    ds = dataset()
    ats = ["31/12/2024", "31/03/2025"]
    foster = sc.compute("pct_foster_care", ds, at=ats)
    # 31/12/2024: A, B, E (U4), F (U4) of A-F = 4/6; 31/03/2025: 2/5
    assert foster["value"].tolist() == pytest.approx([400 / 6, 40.0])
    resi = sc.compute("pct_residential", ds, at=ats)
    # 31/12/2024: C only = 1/6; 31/03/2025: C and E = 2/5
    assert resi["value"].tolist() == pytest.approx([100 / 6, 40.0])
    house = sc.compute("pct_placed_in_house", ds, at=ats)
    # 31/12/2024: A, D, E, F = 4/6; 31/03/2025: A, D = 2/5
    assert house["value"].tolist() == pytest.approx([400 / 6, 40.0])
    far = sc.compute("pct_placed_over_20_miles", ds, at=ats, by="age_band")
    # the children looked after whose PL_DISTANCE is recorded (D's is blank: left out):
    # 31/12/2024: distances A 3.5, B 25, C 20, E 2, F 1 -> B of 5; 31/03/2025: B 25, E 40
    # of A, B, C, E = 2 of 4. No PL_LOCATION: counted on distance alone, and the note says so
    assert far[["numerator", "denominator"]].to_numpy().tolist() == [[1.0, 5.0], [2.0, 4.0]]
    assert set(far["age_band"].astype(str)) == {"10 to 15"}
    assert far["note"].str.contains("counted on distance alone").all()
    assert far["note"].str.contains("1 child looked after left out").all()


def test_uasc_and_district_breakdowns() -> None:
    rows = [
        (*r, pc)
        for r, pc in zip(
            ROWS,
            [
                "ME14 1AA",
                "ME15 2BB",
                "TN1 1CC",
                "ME14 3DD",
                "TN1 4EE",
                "TN1 4EE",
                "ME14 1AA",
                "ME14 1AA",
            ],
            strict=True,
        )
    ]
    ds = sc.Dataset.from_frames(
        episodes=pd.DataFrame(rows, columns=[*COLS, "HOME_POST"]),
        header=HEADER,
        # B is UASC until 2026; C stopped being UASC on 01/01/2025
        uasc=pd.DataFrame({"CHILD": ["B", "C"], "DUC": ["01/01/2026", "01/01/2025"]}),
        districts=pd.DataFrame(
            {"POSTCODE_DISTRICT": ["ME14", "ME15", "TN1"], "DISTRICT": ["North", "North", "South"]}
        ),
    )
    codes = ["U4", "U6"]
    by_uasc = share(ds, by=["uasc"], codes=codes)
    # looked after A-E; UASC at 31/03/2025: B only (foster) -> 1 of 1; others A (foster) of 4
    assert dict(
        zip(
            by_uasc["uasc"],
            map(list, by_uasc[["numerator", "denominator"]].to_numpy()),
            strict=True,
        )
    ) == {
        "Not UASC": [1.0, 4.0],
        "UASC": [1.0, 1.0],
    }
    by_district = share(ds, by=["district"], codes=codes)
    # North: A (ME14), B (ME15), D (ME14) -> foster A, B = 2 of 3; South: C, E (TN1) -> 0 of 2
    assert dict(
        zip(
            by_district["district"],
            map(list, by_district[["numerator", "denominator"]].to_numpy()),
            strict=True,
        )
    ) == {
        "North": [2.0, 3.0],
        "South": [0.0, 2.0],
    }


# ------------------------------------------------------------------ LAIT's LACDistance


def distance_dataset() -> sc.Dataset:
    cols = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC", "PL_DISTANCE"]
    cols += ["PL_LOCATION", "PL_LA"]
    rows = [
        ("A", "01/01/2023", "S", "C2", "U4", None, None, "3.5", "IN", "E10000016"),
        ("B", "01/01/2023", "S", "C2", "U6", None, None, "25", "OUT", "E06000035"),
        ("C", "01/01/2023", "S", "C2", "K2", None, None, "20", "OUT", "E06000035"),  # not > 20
        ("D", "01/01/2023", "S", "C2", "U4", None, None, None, "OUT", "E06000035"),  # no distance
        ("E", "01/01/2023", "S", "C2", "U4", None, None, "40", "IN", "E10000016"),  # far, inside
        ("H", "01/01/2023", "S", "C2", "K2", None, None, "30", None, "WAL"),  # Wales: outside
        ("I", "01/01/2023", "S", "C2", "K2", None, None, "50", None, "E10000016"),
        ("J", "01/01/2023", "S", "C2", "K2", None, None, "60", None, None),
    ]
    header = pd.DataFrame({"CHILD": list("ABCDEHIJ"), "SEX": "1", "DOB": "01/01/2010"})
    return sc.Dataset.from_frames(episodes=pd.DataFrame(rows, columns=cols), header=header)


def test_placed_over_20_miles_and_outside_the_boundary_over_children_with_a_distance():
    ds = distance_dataset()
    got = sc.compute("pct_placed_over_20_miles", ds, at=AT)
    # denominator: the 7 looked after with a distance (D has none: left out, and said);
    # numerator: B (25, OUT), H (30, Wales), and I, J (50, 60 miles, boundary not known:
    # counted on distance alone and flagged). A near, C exactly 20, E far but inside: not
    # counted
    assert nums(got) == [[4.0, 7.0]]
    assert got["note"].item() == (
        "2 of 7 children counted on distance alone: no PL_LOCATION (or PL_LA) says whether "
        "their placement is outside the LA boundary, which LAIT's figure also requires; "
        "1 child looked after left out: PL_DISTANCE not recorded"
    )
    u = sc.units("pct_placed_over_20_miles", ds, at=AT).set_index("CHILD")
    assert u["boundary"].to_dict() == {
        "A": "inside",
        "B": "outside",
        "C": "outside",
        "D": "outside",
        "E": "inside",
        "H": "outside",
        "I": "not known",
        "J": "not known",
    }
    assert u["distance_only"].to_dict() == dict.fromkeys("ABCDEH", False) | {"I": True, "J": True}


def test_own_la_code_decides_pl_la_where_pl_location_is_blank():
    registry = sc.engine.registry
    ds = distance_dataset()
    run = registry["placed_far_from_home"]
    inside = run(ds, parse_at(AT), [], {"own_la": "E10000016"})
    # I's PL_LA is the authority's own: inside, not counted; J has nothing: distance alone;
    # D (no distance) is left out either way
    assert nums(inside) == [[3.0, 7.0]] and inside["distance_only"].item() == 1
    other = run(ds, parse_at(AT), [], {"own_la": "E10000999"})
    assert nums(other) == [[4.0, 7.0]] and other["distance_only"].item() == 1


def test_placed_far_needs_pl_distance():
    rows = [r[:-1] for r in ROWS]
    ds = sc.Dataset.from_frames(episodes=pd.DataFrame(rows, columns=COLS[:-1]), header=HEADER)
    with pytest.raises(sc.MissingTableError, match="PL_DISTANCE"):
        sc.compute("pct_placed_over_20_miles", ds, at=AT)


def unrecorded_dataset() -> sc.Dataset:
    """Three children whose distances were not recorded until their latest episodes (as in
    stitched yearly returns where some returns carry no PL_DISTANCE)."""
    cols = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC", "PL_DISTANCE"]
    cols += ["PL_LOCATION", "HOME_POST"]
    rows = [
        # A: no distance, then from 01/02/2025 25 miles away, outside the boundary
        ("A", "01/01/2023", "S", "C2", "U4", "01/02/2025", "X1", None, None, "ME14 1AA"),
        ("A", "01/02/2025", "P", "C2", "U6", None, None, "25", "OUT", "ME14 1AA"),
        # B: no distance, then from 01/03/2025 5 miles away, inside
        ("B", "01/06/2024", "S", "C2", "U4", "01/03/2025", "X1", None, None, "TN1 4EE"),
        ("B", "01/03/2025", "P", "C2", "U4", None, None, "5", "IN", "TN1 4EE"),
        # C: never a distance (its location is recorded: not enough)
        ("C", "01/01/2024", "S", "C2", "K2", None, None, None, "OUT", "TN1 1CC"),
    ]
    return sc.Dataset.from_frames(
        episodes=pd.DataFrame(rows, columns=cols),
        header=pd.DataFrame({"CHILD": list("ABC"), "SEX": ["1", "2", "1"], "DOB": "01/01/2010"}),
        districts=pd.DataFrame(
            {"POSTCODE_DISTRICT": ["ME14", "TN1"], "DISTRICT": ["North", "South"]}
        ),
    )


FAR = "pct_placed_over_20_miles"


def test_a_child_without_a_distance_is_left_out_not_counted_near():
    # 31/03/2025: A 25 miles OUT (far), B 5 miles (near), C no distance -> 1 of A, B = 50%,
    # C left out and said (before: 1 of 3, C counted as not far)
    got = sc.compute(FAR, unrecorded_dataset(), at=AT)
    assert nums(got) == [[1.0, 2.0]]
    assert got["value"].item() == pytest.approx(50.0)
    assert got["note"].item() == "1 child looked after left out: PL_DISTANCE not recorded"


def test_no_distance_recorded_at_a_date_gives_no_value_and_says_why():
    # 31/12/2024: A, B, C looked after, none with a distance -> 0 of 0: no value (not 0%);
    # 31/03/2025: 1 of 2 as above
    got = sc.compute(FAR, unrecorded_dataset(), at=["31/12/2024", AT])
    assert nums(got) == [[0.0, 0.0], [1.0, 2.0]]
    assert got["value"].isna().tolist() == [True, False]
    assert got["note"].tolist() == [
        "3 children looked after left out: PL_DISTANCE not recorded",
        "1 child looked after left out: PL_DISTANCE not recorded",
    ]


def test_children_left_out_show_in_units_with_nothing_counted():
    ds = unrecorded_dataset()
    ats = ["31/12/2024", AT]
    u = sc.units(FAR, ds, at=ats)
    # every child looked after is listed; those without a distance count 0 of 0 and are flagged
    last = u[u["period_end"] == pd.Timestamp("2025-03-31")].set_index("CHILD")
    assert last[["numerator", "denominator"]].to_numpy().tolist() == [[1, 1], [0, 1], [0, 0]]
    assert last["distance_not_recorded"].to_dict() == {"A": False, "B": False, "C": True}
    assert u["distance_not_recorded"].sum() == 3 + 1
    # the units add up to compute's figures at each date
    got = sc.compute(FAR, ds, at=ats)
    sums = u.groupby("period_end")[["numerator", "denominator"]].sum()
    assert sums.to_numpy().tolist() == nums(got)
    # each child's own value (the spread behind a direction of travel) leaves them out too
    values = sc.engine.unit_values(FAR, ds, at=ats)
    assert values["value"].tolist() == [100.0, 0.0]


def test_breakdowns_leave_out_the_same_children():
    ds = unrecorded_dataset()
    got = sc.compute(FAR, ds, at=["31/12/2024", AT], by="district")
    # North: A; South: B, C. 31/12/2024: nobody has a distance -> 0 of 0 in both, North 1
    # left out, South 2; 31/03/2025: North A far = 1 of 1; South B near, C left out = 0 of 1
    assert nums(got) == [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
    assert got["value"].isna().tolist() == [True, True, False, False]
    assert got["note"].tolist() == [
        "1 child looked after left out: PL_DISTANCE not recorded",
        "2 children looked after left out: PL_DISTANCE not recorded",
        pd.NA,
        "1 child looked after left out: PL_DISTANCE not recorded",
    ]
    total = sc.compute(FAR, ds, at=["31/12/2024", AT])
    sums = got.groupby("period_end")[["numerator", "denominator"]].sum()
    assert sums.to_numpy().tolist() == nums(total)
    # the scorecard's one build for its trend and district view gives the same frames
    views = [(["31/12/2024", AT], None), (["31/12/2024", AT], "district")]
    each = sc.engine.compute_each(FAR, ds, views)
    pd.testing.assert_frame_equal(each[0], total)
    pd.testing.assert_frame_equal(each[1], got)
