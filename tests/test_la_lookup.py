"""The bundled list of English local authorities and the one resolver every entry point uses
(`resolve_la`): codes, 9-character codes and names in, close matches out for a mistake."""

from __future__ import annotations

import glob

import pandas as pd
import pytest

from scorecard.la_lookup import LaLookup, UnknownLAError, resolve_la


def test_bundled_list_covers_the_english_authorities():
    las = LaLookup.bundled().frame
    assert len(las) == 158  # 153 current + 5 replaced since 2019
    assert las["la_code"].is_unique and las["new_la_code"].is_unique
    assert las["new_la_code"].str.match(r"^E(06|08|09|10)\d{6}$").all()
    assert set(las["region"]) == {
        "North East",
        "North West",
        "Yorkshire and The Humber",
        "East Midlands",
        "West Midlands",
        "East of England",
        "Inner London",
        "Outer London",
        "South East",
        "South West",
    }
    kent = las.set_index("la_code").loc["886"]
    assert (kent["new_la_code"], kent["la_name"], kent["region"]) == (
        "E10000016",
        "Kent",
        "South East",
    )


@pytest.mark.parametrize(
    ("given", "code", "name"),
    [
        ("886", "886", "Kent"),
        (886, "886", "Kent"),
        (886.0, "886", "Kent"),
        (" 886 ", "886", "Kent"),
        ("E10000016", "886", "Kent"),
        ("e10000016", "886", "Kent"),
        ("Kent", "886", "Kent"),
        ("KENT", "886", "Kent"),
        ("St Helens", "342", "St. Helens"),
        ("Durham", "840", "County Durham"),  # LAIT's spelling
        ("Bedford Borough", "822", "Bedford"),
        ("City of Bristol", "801", "Bristol, City of"),
        ("Dorset", "838", "Dorset"),  # the current authority, not the one abolished in 2019
        ("835", "835", "Dorset"),  # ... which still resolves by its code (earlier years)
        ("E10000023", "815", "North Yorkshire"),  # its code before it became unitary
        ("Cumbria", "909", "Cumbria"),
    ],
)
def test_resolve_every_form(given, code, name):
    assert resolve_la(given) == (code, name)


@pytest.mark.parametrize(
    ("given", "message", "close"),
    [
        ("88", "code '88'", ["880 Torbay", "886 Kent", "889 Blackburn with Darwen"]),
        ("999", "code '999'", []),
        ("Kentt", "called 'Kentt'", ["886 Kent"]),
        ("Lester", "called 'Lester'", ["856 Leicester"]),
        ("E10000099", "9-character code 'E10000099'", []),
        ("Wealdshire", "called 'Wealdshire'", []),  # the sample's county: not a real LA
    ],
)
def test_unknown_authorities_name_close_matches(given, message, close):
    with pytest.raises(UnknownLAError, match=message) as err:
        resolve_la(given)
    assert isinstance(err.value, KeyError)  # callers that caught KeyError still do
    for c in close:
        assert c in err.value.suggestions and c in str(err.value)
    assert "Kent: 886, E10000016, Kent" in str(err.value)  # how to write it
    assert not str(err.value).startswith(("'", '"'))  # no KeyError quoting


@pytest.mark.parametrize(
    "given", ["970", "England", "South East", "980", "Inner London", "London", "london"]
)
def test_england_and_regions_are_not_authorities(given):
    # 'London' went to the City of London, its 'City of' dropped as a weak word
    with pytest.raises(UnknownLAError, match="not a local authority"):
        resolve_la(given)
    assert resolve_la("City of London")[0] == "201"


def test_sources_come_first_and_add_their_authorities(tmp_path):
    # a benchmark file of the fictional sample: its authorities resolve by code and name
    lait = tmp_path / "lait.csv"
    lait.write_text(
        "Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
        "LAC,x,2025,Wealdshire,50,650,South East\n"
        "LAC,x,2025,Kent,53,886,South East\n"
    )
    assert resolve_la("650", lait) == ("650", "Wealdshire")
    assert resolve_la("wealdshire", lait) == ("650", "Wealdshire")
    assert resolve_la("Essex", lait) == ("881", "Essex")  # the bundled list still answers
    frame = pd.DataFrame({"la_code": ["886"], "la_name": ["Kent County Council"]})
    assert resolve_la(886, frame) == ("886", "Kent County Council")  # the source's name wins


@pytest.mark.dfe
def test_bundled_list_rederived_from_the_dfe_files(dfe_dir):
    """reference/README.md: for each code, the 9-character code, name and region of its
    latest EES row; earlier 9-character codes kept; regions as LAIT lists them."""
    frames = []
    for f in sorted(
        glob.glob(str(dfe_dir / "*.csv")) + glob.glob(str(dfe_dir / "vintage_2024/*.csv"))
    ):
        cols = pd.read_csv(f, dtype=str, nrows=0, encoding="utf-8-sig").columns
        if "geographic_level" in cols:
            use = ["time_period", "geographic_level", "old_la_code", "new_la_code", "la_name"]
            e = pd.read_csv(f, dtype=str, encoding="utf-8-sig", usecols=[*use, "region_name"])
            frames.append(e[e["geographic_level"] == "Local authority"])
    ees = pd.concat(frames)
    ees["year"] = ees["time_period"].str[:4].astype(int)
    latest = ees.sort_values("year").drop_duplicates("old_la_code", keep="last")
    latest = latest.set_index("old_la_code").sort_index()
    ours = LaLookup.bundled().frame.set_index("la_code").sort_index()
    assert list(ours.index) == list(latest.index)
    assert (ours["la_name"] == latest["la_name"]).all()
    assert (ours["region"] == latest["region_name"]).all()
    current = latest["new_la_code"] != "z"
    assert (ours.loc[current, "new_la_code"] == latest.loc[current, "new_la_code"]).all()
    # retired authorities: dfeR's codes
    old = pd.read_csv(dfe_dir / "old_la_codes.csv", dtype=str).set_index("old_la_code")
    for code in latest.index[~current]:
        assert ours.loc[code, "new_la_code"] == old.loc[code, "new_la_code"], code
    # every 9-character code an authority ever had in these files resolves to it
    for code, new in ees[["old_la_code", "new_la_code"]].drop_duplicates().itertuples(index=False):
        if new != "z":
            assert resolve_la(new)[0] == code, new
    # LAIT's list: the same codes and regions; its spellings resolve too
    lait = pd.read_excel(dfe_dir / "la_code_list.xlsx", dtype=str)
    lait = lait[pd.to_numeric(lait["LA Number"]) < 970].set_index("LA Number").sort_index()
    assert list(lait.index) == list(ours.index)
    assert (lait["Region"] == ours["region"]).all()
    for code, name in lait["LA Name"].items():
        assert resolve_la(name)[0] == code, name  # 'Dorset (Pre LG)' is 835
