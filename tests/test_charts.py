"""Charts: each builds from a tidy frame, carries small data, and saves as PNG, SVG and
self-contained HTML without a browser."""

from __future__ import annotations

import re

import altair as alt
import numpy as np
import pandas as pd
import pytest

from scorecard import charts
from scorecard.benchmark import compare
from scorecard.periods import AGE_BANDS, published_year_label, quarter_ends

IND = "placement_stability_short"  # percent, low is good; default 10/12, 2025-26: 9.5/11.5


def _trend_frame() -> pd.DataFrame:
    ends = quarter_ends("2025-26 Q2", 8)  # Dec 2023 ... Sep 2025
    num = np.array([39, 40, 45, 49, 30, 32, 46, 48], dtype=float)
    return pd.DataFrame(
        {
            "indicator": IND,
            "period_end": ends,
            "numerator": num,
            "denominator": 400.0,
            "value": 100 * num / 400,
        }
    )


def _age_frame() -> pd.DataFrame:
    rows = []
    # the bands are listed out of order on purpose: the chart must put them in DfE order
    for d in pd.to_datetime(["2024-03-31", "2025-03-31"]):
        for k, band in enumerate(reversed(AGE_BANDS)):
            rows.append(
                {
                    "indicator": "time_in_care_ceased",
                    "period_end": d,
                    "age_at_entry_band": band,
                    "numerator": 400.0 * (k + 1),
                    "denominator": 2.0,
                    "value": 200.0 * (k + 1),
                }
            )
    return pd.DataFrame(rows)


def _district_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": IND,
            "period_end": pd.Timestamp("2025-03-31"),
            "district": ["Northgate", "Southby", "Eastmere"],
            "numerator": [5.0, 8.0, 13.0],
            "denominator": [100.0, 72.0, 100.0],
            # 5.0 green (<= 10), 11.1 amber (<= 12), 13.0 red: 2024-25 thresholds 10 / 12
            "value": [5.0, 800 / 72, 13.0],
        }
    )


def _panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    n = 20
    codes = [f"{800 + i:03d}" for i in range(n)]
    codes[0] = "650"
    panel = pd.DataFrame(
        {
            "indicator": IND,
            "year": 2024,
            "la_code": codes,
            "new_la_code": [f"E10000{c}" for c in codes],
            "la_name": [f"Authority {i}" for i in range(n)],
            "region": "South East",
            "value": np.arange(1.0, n + 1.0),  # 1, 2, ..., 20; ours (650) is 1.0
            "status": pd.NA,
            "level": "Local authority",
        }
    )
    panel.loc[0, "la_name"] = "Wealdshire"
    # an England row and a suppressed LA must not be charted
    panel.loc[len(panel)] = [
        IND,
        2024,
        "970",
        "E92000001",
        "England",
        pd.NA,
        9.0,
        pd.NA,
        "National",
    ]
    panel.loc[len(panel)] = [IND, 2024, "899", "E1", "Tiny", "X", np.nan, "c", "Local authority"]
    neighbours = pd.DataFrame(
        {"la_code": "650", "neighbour_code": codes[1:4], "rank": [1, 2, 3], "closeness": 0.9}
    )
    return panel, neighbours


def _datasets(chart: alt.TopLevelMixin) -> dict[str, list[dict]]:
    return chart.to_dict()["datasets"]


def _all_charts() -> dict[str, alt.TopLevelMixin]:
    panel, sn = _panel()
    return {
        "trend": charts.trend(_trend_frame(), IND),
        "by_age": charts.by_age(_age_frame(), "time_in_care_ceased", by="age_at_entry_band"),
        "by_district": charts.by_district(_district_frame(), IND),
        "benchmark": charts.benchmark(panel, IND, "650", 2024, sn),
    }


def test_theme_is_registered_and_active():
    assert alt.theme.active == charts.THEME_NAME
    config = alt.theme.get()()["config"]
    assert "Liberation Sans" in config["font"]  # bundled with vl-convert: PNGs keep their text
    assert config["range"]["category"] == charts.PALETTE
    # the theme reaches every chart's spec, so saved files carry it
    assert charts.trend(_trend_frame(), IND).to_dict()["config"]["font"] == charts.FONT


@pytest.mark.parametrize("name", ["trend", "by_age", "by_district", "benchmark"])
def test_chart_saves_as_png_svg_and_inline_html(name, tmp_path):
    chart = _all_charts()[name]
    png = charts.save(chart, tmp_path / f"{name}.png")
    svg = charts.save(chart, tmp_path / f"{name}.svg")
    html = charts.save(chart, tmp_path / f"{name}.html")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000  # a blank canvas is a few kB; text and marks make it larger
    text = svg.read_text()
    assert "<text" in text  # titles and axis labels are drawn as text
    page = html.read_text()
    assert "https://cdn" not in page  # vega, vega-lite and vega-embed are inlined
    assert "vegaEmbed" in page or "vega-embed" in page
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_save_rejects_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.html"):
        charts.save(_all_charts()["trend"], tmp_path / "chart.jpg")


def test_chart_data_stays_small():
    for name, chart in _all_charts().items():
        rows = sum(len(v) for v in _datasets(chart).values())
        assert 0 < rows <= charts.MAX_ROWS, name


def test_too_many_rows_are_refused():
    big = pd.concat([_trend_frame()] * 700, ignore_index=True)  # 5,600 rows
    with pytest.raises(ValueError, match="aggregate first"):
        charts.trend(big, IND)


def test_trend_bands_and_target_follow_the_year():
    chart = charts.trend(_trend_frame(), IND)
    data = _datasets(chart)
    rects = next(pd.DataFrame(v) for v in data.values() if "band" in v[0])
    rects["x0"] = pd.to_datetime(rects["x0"])
    # 2023-24 and 2024-25 share the default thresholds (green <= 10, amber <= 12): one run;
    # 2025-26 thresholds are 9.5 / 11.5: a second run -> 2 runs x 3 bands
    assert len(rects) == 6
    late = rects.loc[rects["x0"] > pd.Timestamp("2025-04-01")].set_index("band")
    assert late.loc["Green", "y1"] == 9.5
    assert (late.loc["Amber", "y0"], late.loc["Amber", "y1"]) == (9.5, 11.5)
    early = rects.loc[rects["x0"] < pd.Timestamp("2025-01-01")].set_index("band")
    assert (early.loc["Amber", "y0"], early.loc["Amber", "y1"]) == (10.0, 12.0)
    assert early.loc["Green", "y0"] == 0.0  # low is good: green runs from the bottom
    target = next(pd.DataFrame(v) for v in data.values() if "target" in v[0])
    assert sorted(target["target"].unique()) == [9.5, 10.0]
    # the x axis uses timestamps, never Periods
    assert all(
        isinstance(r["period_end"], str)
        for r in next(v for v in data.values() if "quarter" in v[0])
    )


def test_trend_without_thresholds_has_no_bands():
    frame = _trend_frame().assign(indicator="cla_count")  # neutral: no bands, no target
    data = _datasets(charts.trend(frame, "cla_count"))
    assert not any("band" in v[0] or "target" in v[0] for v in data.values())


def test_trend_with_breakdown_draws_one_line_per_category_and_one_legend():
    a = _trend_frame().assign(uasc="UASC")
    b = _trend_frame().assign(uasc="Not UASC")
    chart = charts.trend(pd.concat([a, b]), IND)
    encodings = [layer.get("encoding", {}) for layer in chart.to_dict()["layer"]]
    # one layer (line with points) carries the category colour: one legend, not two
    assert sum(e.get("color", {}).get("field") == "uasc" for e in encodings) == 1
    svg = charts.render(chart, "svg").decode()
    assert svg.count(">UASC status<") == 1


def _line_paths(svg: str, layer: str) -> list[str]:
    """The d= of the line marks of one layer of a rendered chart."""
    group = re.search(rf'<g class="mark-line role-mark {layer}"[^>]*>(.*?)</g>', svg)
    assert group, layer
    return re.findall(r' d="([^"]+)"', group.group(1))


def test_trend_leaves_a_gap_where_there_is_no_value():
    frame = _trend_frame()
    # Jun and Sep 2024 are outside the data: no value (never carried forward)
    frame.loc[[2, 3], ["numerator", "denominator", "value"]] = np.nan
    chart = charts.trend(frame, IND)
    svg = charts.render(chart, "svg").decode()
    layers = re.findall(r'class="mark-line role-mark (layer_\d+_marks)"', svg)
    (path,) = _line_paths(svg, layers[-1])  # our values are the last line layer
    assert path.count("M") == 2  # two pieces: the line is broken, not drawn through the gap
    assert "A gap: no figure the data can support." in " ".join(
        chart.to_dict()["title"]["subtitle"]
    )


def test_trend_draws_published_comparators_and_labels_with_units():
    comp = pd.DataFrame(
        {
            "period_end": pd.to_datetime(["2024-03-31", "2025-03-31"] * 2),
            "series": ["England"] * 2 + ["Statistical neighbours"] * 2,
            "value": [10.0, 10.2, 11.0, 11.1],
        }
    )
    chart = charts.trend(_trend_frame(), IND, comparators=comp)
    data = _datasets(chart)
    drawn = next(pd.DataFrame(v) for v in data.values() if "series" in v[0])
    assert sorted(drawn["series"].unique()) == ["England", "Statistical neighbours"]
    # as the page writes them: England with the decimals it was published with ('England
    # 10%'), the neighbours' average worked out here at the indicator's ('SN 11.0%')
    assert list(drawn["label"]) == ["10%", "10.2%", "11.0%", "11.1%"]
    ours = next(pd.DataFrame(v) for v in data.values() if "quarter" in v[0])
    assert ours["label"].iloc[-1] == "12.0%"  # 48 of 400, with its unit
    svg = charts.render(chart, "svg").decode()
    assert ">12.0%<" in svg and ">Published<" in svg


def test_annual_trend_shows_one_point_a_year():
    ends = quarter_ends("2024-25 Q4", 12)  # 3 years of quarter ends
    frame = pd.DataFrame(
        {
            "indicator": "attainment_cla_att8",
            "period_end": ends,
            "numerator": 2000.0,
            "denominator": 100.0,
            "value": np.arange(12, dtype=float) + 15,
        }
    )
    chart = charts.trend(frame, "attainment_cla_att8")
    rows = pd.DataFrame(next(v for v in _datasets(chart).values() if "quarter" in v[0]))
    # 31 March 2023, 2024 and 2025 only, labelled as academic years
    assert list(rows["quarter"]) == ["2022/23", "2023/24", "2024/25"]
    assert list(rows["value"]) == [18.0, 22.0, 26.0]
    assert chart.to_dict()["layer"][-2]["encoding"]["x"]["title"] == "Academic year"


def test_by_district_shows_the_base_under_each_bar():
    svg = charts.render(charts.by_district(_district_frame(), IND), "svg").decode()
    for base in ("5 / 100", "8 / 72", "13 / 100"):
        assert f">{base}<" in svg
    assert ">11.1%<" in svg  # bar labels carry the unit


@pytest.mark.parametrize(
    ("draw", "frame", "named"),
    [
        (charts.trend, _trend_frame, {"indicator": IND}),
        (charts.by_district, _district_frame, {"indicator": IND}),
        (
            lambda f, **kw: charts.by_age(f, by="age_at_entry_band", **kw),
            _age_frame,
            {"indicator": "time_in_care_ceased"},
        ),
    ],
)
def test_a_frame_of_one_indicator_draws_without_naming_it(draw, frame, named):
    assert draw(frame()).to_json() == draw(frame(), **named).to_json()


def test_a_frame_of_several_indicators_asks_which_to_draw():
    both = pd.concat([_trend_frame(), _trend_frame().assign(indicator="cla_count")])
    with pytest.raises(ValueError, match=r"holds 2 indicators \(placement_stability_short, cla"):
        charts.trend(both)
    with pytest.raises(ValueError, match="no indicator column"):
        charts.trend(_trend_frame().drop(columns="indicator"))


def test_trend_names_missing_indicator():
    with pytest.raises(ValueError, match="No rows for 'placement_stability_long'"):
        charts.trend(_trend_frame(), "placement_stability_long")


def test_by_age_orders_dfe_bands():
    spec = charts.by_age(_age_frame(), "time_in_care_ceased", by="age_at_entry_band").to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["sort"] == list(AGE_BANDS)
    assert x["title"] == "Age at entry to care"


def test_by_age_needs_the_breakdown_column():
    with pytest.raises(ValueError, match="by='age_band'"):
        charts.by_age(_age_frame(), "time_in_care_ceased", by="age_band")


def test_by_district_sorts_best_first_and_colours_by_rag():
    chart = charts.by_district(_district_frame(), IND)
    spec = chart.to_dict()
    bars = pd.DataFrame(next(v for v in _datasets(chart).values() if "district" in v[0]))
    # low is good: smallest value at the top
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Northgate", "Southby", "Eastmere"]
    assert list(bars["band"]) == ["Green", "Amber", "Red"]
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["Red", "Amber", "Green"]
    assert colour["range"] == ["#d73027", "#fdae61", "#1a9850"]


def test_benchmark_highlights_ours_and_neighbours_with_lait_quartiles():
    panel, sn = _panel()
    chart = charts.benchmark(panel, IND, "650", 2024, sn)
    data = _datasets(chart)
    bars = pd.DataFrame(next(v for v in data.values() if "group" in v[0]))
    # the England row and the suppressed LA are dropped: 20 authorities remain
    assert len(bars) == 20
    assert bars.loc[bars["la_code"] == "650", "group"].item() == "Wealdshire"
    assert (bars["group"] == "Statistical neighbour").sum() == 3
    # low is good: best (lowest) first
    assert bars["value"].is_monotonic_increasing
    lines = pd.DataFrame(next(v for v in data.values() if "label" in v[0] and "group" not in v[0]))
    # R type 7 over 1..20: q1 = 1 + 0.25 x 19 = 5.75, median 10.5, q3 = 15.25
    assert list(lines["value"]) == [5.75, 10.5, 15.25]
    # the same lines as the comparators table of scorecard.benchmark.compare
    cmp = compare(panel, "650", 2024, None, indicators=[IND]).iloc[0]
    assert list(lines["value"]) == [cmp["q1"], cmp["median"], cmp["q3"]]


def _tooltip_value(chart: alt.TopLevelMixin, title: str = "Value") -> str:
    """The data field of the first tooltip entry titled `title`."""
    for layer in chart.to_dict()["layer"]:
        for tip in layer.get("encoding", {}).get("tooltip", []):
            if isinstance(tip, dict) and tip.get("title") == title:
                return tip["field"]
    raise AssertionError(f"no tooltip titled {title!r}")


def test_tooltips_and_labels_give_the_value_as_the_card_shows_it():
    """d3's ',.1f' formats the number stored: 20.45 (20.4499...) read 20.4 in a tooltip beside
    the card's 20.5, and a quartile of 15.25 read 15.2 (a tie, to even). A chart is given the
    value as shown, rounded half up on its decimal value."""
    frame = _district_frame()
    frame.loc[0, "value"] = 20.45
    chart = charts.by_district(frame, IND)
    bars = pd.DataFrame(next(v for v in _datasets(chart).values() if "district" in v[0]))
    at = bars["district"] == "Northgate"
    assert bars.loc[at, _tooltip_value(chart)].item() == 20.5
    assert bars.loc[at, "label"].item() == "20.5%"
    ages = _age_frame().assign(indicator=IND)
    ages["value"] = 20.45
    chart = charts.by_age(ages, IND, by="age_at_entry_band")
    rows = pd.DataFrame(next(v for v in _datasets(chart).values() if "label" in v[0]))
    assert set(rows[_tooltip_value(chart)]) == {20.5} and set(rows["label"]) == {"20.5%"}
    panel, sn = _panel()
    panel.loc[panel["la_code"] == "650", "value"] = 0.45  # ours: shown 0.5
    chart = charts.benchmark(panel, IND, "650", 2024, sn)
    data = _datasets(chart)
    lines = pd.DataFrame(next(v for v in data.values() if "label" in v[0] and "group" not in v[0]))
    assert list(lines["label"]) == ["Q1 5.8", "Median 10.5", "Q3 15.3"]
    ours = next(v for v in data.values() if len(v) == 1 and "group" in v[0])[0]
    field = next(
        layer["encoding"]["text"]["field"]
        for layer in chart.to_dict()["layer"]
        if layer["mark"]["type"] == "text" and "field" in layer["encoding"]["x"]
    )
    assert ours[_tooltip_value(chart)] == 0.5 and ours[field] == "0.5%"
    # a figure LAIT publishes whole is labelled whole, as the page writes it ('Ours: 12%'),
    # and so are whole quartiles
    panel.loc[panel["la_code"] == "650", "value"] = 12.0
    panel.loc[panel["value"].notna() & (panel["la_code"] != "650"), "value"] = 8.0
    data = _datasets(charts.benchmark(panel, IND, "650", 2024, sn))
    lines = pd.DataFrame(next(v for v in data.values() if "label" in v[0] and "group" not in v[0]))
    assert list(lines["label"]) == ["Q1 8", "Median 8", "Q3 8"]
    ours = next(v for v in data.values() if len(v) == 1 and "group" in v[0])[0]
    assert ours["published"] == "12%"


def test_benchmark_takes_the_authority_and_year_as_the_card_writes_them():
    """By name, as compare and build take it (it said 'LA Wealdshire is not in the rows'),
    and the year as the card labels it ('2024-25'; it was refused)."""
    panel, sn = _panel()
    by_code = _datasets(charts.benchmark(panel, IND, "650", 2024, sn))
    by_name = _datasets(charts.benchmark(panel, IND, "Wealdshire", "2023-24", sn))
    assert list(by_name.values()) == list(by_code.values())


def test_benchmark_unknown_year_lists_the_years():
    panel, sn = _panel()
    with pytest.raises(ValueError, match="years: 2024"):
        charts.benchmark(panel, IND, "650", 2019, sn)


def test_a_count_is_not_charted_beside_other_authorities_counts():
    """As compare and the card: a count (children looked after) is not set beside other
    authorities' counts; the chart drew every LA's number of children with quartile lines."""
    panel, sn = _panel()
    with pytest.raises(ValueError, match=r"cla_count is a count.*cla_rate_per_10k"):
        charts.benchmark(panel, "cla_count", "650", 2024, sn)


def test_withheld_values_are_labelled_c_not_drawn():
    frame = _district_frame()
    # publication: Northgate's value rests on 1-5 children and was withheld
    frame.loc[0, ["numerator", "value"]] = np.nan
    frame["suppressed"] = [True, False, False]
    chart = charts.by_district(frame, IND)
    bars = pd.DataFrame(next(v for v in _datasets(chart).values() if "district" in v[0]))
    labels = dict(zip(bars["district"], bars["label"]))
    assert labels == {"Southby": "11.1%", "Eastmere": "13.0%", "Northgate": "c"}
    ages = _age_frame()
    ages.loc[0, "value"] = np.nan  # no value (not withheld): shown as n/a
    data = _datasets(charts.by_age(ages, "time_in_care_ceased", by="age_at_entry_band"))
    age_rows = pd.DataFrame(next(v for v in data.values() if "label" in v[0]))
    assert "n/a" in set(age_rows["label"]) and "c" not in set(age_rows["label"])


def test_trend_tooltip_gives_number_and_base_as_the_card_writes_them():
    # a weighted caseload: 2,212.5 weighted cases over 29.45 FTE, which a whole-number
    # format showed as 2,213 / 29 beside the card's '2,212.5 weighted cases / 29.5 FTE'
    ends = quarter_ends("2024-25 Q4", 2)
    caseload = pd.DataFrame(
        {
            "indicator": "iro_caseload_weighted",
            "period_end": ends,
            "numerator": [2212.5, 2250.0],
            "denominator": [29.45, 30.0],
            "value": [2212.5 / 29.45, 75.0],
        }
    )
    rows = next(v for v in _datasets(charts.trend(caseload)).values() if "base" in v[0])
    assert [r["base"] for r in rows] == [
        "2,212.5 weighted cases / 29.5 FTE",
        "2,250 weighted cases / 30.0 FTE",
    ]
    # days: the cohort, never the sum of days the card hides; a withheld point: nothing
    days = pd.DataFrame(
        {
            "indicator": "time_in_care_ceased",
            "period_end": ends,
            "numerator": [1803.75 * 4, np.nan],
            "denominator": [4.0, np.nan],
            "value": [1803.75, np.nan],
            "suppressed": [False, True],
        }
    )
    rows = next(v for v in _datasets(charts.trend(days)).values() if "base" in v[0])
    assert [r["base"] for r in rows] == ["n = 4", ""]
    fields = {t["field"] for t in _tooltip_fields(charts.trend(days))}
    assert "base" in fields and not fields & {"numerator", "denominator"}


def _tooltip_fields(chart: alt.TopLevelMixin) -> list[dict]:
    spec = chart.to_dict()
    found = []
    for layer in spec.get("layer", []):
        tips = layer.get("encoding", {}).get("tooltip", [])
        found += tips if isinstance(tips, list) else [tips]
    return found


def test_period_dates_become_timestamps():
    frame = _trend_frame()
    frame["period_end"] = frame["period_end"].dt.to_period("Q-MAR")  # 2025Q4 etc.
    chart = charts.trend(frame, IND)
    rows = next(v for v in _datasets(chart).values() if "quarter" in v[0])
    # the quarter ending 31 December 2023 comes back as that day, not a Period string
    assert rows[0]["period_end"].startswith("2023-12-31")
    assert rows[0]["quarter"] == "2023-24 Q3"


# ------------------------------------------------- the charts say what the card says

FAR = "pct_placed_over_20_miles"  # rag: {mode: benchmark, tolerance: 2.0}: target SN average


def _far_frame() -> pd.DataFrame:
    return _trend_frame().assign(indicator=FAR)


def _far_comparators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_end": pd.to_datetime(["2024-03-31", "2025-03-31"] * 2),
            "series": ["England"] * 2 + ["Statistical neighbours"] * 2,
            "value": [18.0, 18.0, 18.6, 18.5],
        }
    )


def _subtitle(chart: alt.TopLevelMixin) -> str:
    sub = chart.to_dict()["title"]["subtitle"]
    return sub if isinstance(sub, str) else " ".join(sub)


def _colour_scales(chart: alt.TopLevelMixin) -> dict[str, dict]:
    """{legend title: colour encoding} of the chart's layers."""
    out = {}
    for layer in chart.to_dict()["layer"]:
        colour = layer.get("encoding", {}).get("color")
        if colour and "field" in colour:
            legend = colour.get("legend") or {}
            out[colour.get("title") or legend.get("title") or colour["field"]] = colour
    return out


@pytest.mark.parametrize("with_comparators", [True, False])
def test_benchmark_mode_trend_names_the_neighbours_average_as_target(with_comparators):
    comp = _far_comparators() if with_comparators else None
    chart = charts.trend(_far_frame(), FAR, comparators=comp)
    sub = _subtitle(chart)
    # as the card's 'target SN average': never 'No target is set'
    assert "No target" not in sub
    assert "Target: the statistical neighbours' average" in sub
    assert "amber up to 2.0 pts worse" in sub  # the catalogue's tolerance, in the unit
    if with_comparators:
        # the neighbours' line is labelled as the target, in the data and in the legend
        published = _colour_scales(chart)["Published"]["scale"]["domain"]
        assert published == ["England", "Statistical neighbours (target)"]
        drawn = next(pd.DataFrame(v) for v in _datasets(chart).values() if "label" in v[0])
        assert "Statistical neighbours (target)" in set(drawn["series"])
        assert "is the target" in sub
        svg = charts.render(chart, "svg").decode()
        assert ">Statistical neighbours (target)<" in svg
    else:
        assert "No published average to draw" in sub
    # only there: a threshold indicator keeps its own target, a neutral one has none
    other = charts.trend(_trend_frame(), IND, comparators=comp)
    assert "Dashed line: target." in _subtitle(other)
    assert "neighbours' average" not in _subtitle(other)
    if with_comparators:
        domain = _colour_scales(other)["Published"]["scale"]["domain"]
        assert domain == ["England", "Statistical neighbours"]
    neutral = charts.trend(_trend_frame().assign(indicator="cla_count"), "cla_count")
    assert "No target is set for this indicator." in _subtitle(neutral)


@pytest.mark.parametrize(("authority", "shown"), [("Wealdshire", "Wealdshire"), (None, None)])
def test_trend_legend_names_our_own_line(authority, shown):
    shown = shown or charts.OURS
    chart = charts.trend(_trend_frame(), IND, comparators=_far_comparators(), authority=authority)
    scales = _colour_scales(chart)
    ours = scales[charts.OURS_TITLE]
    assert ours["scale"]["domain"] == [shown]
    assert ours["scale"]["range"] == [charts.LINE_COLOUR]
    # its own mark in the legend (a line through a dot), not a dot like England's
    assert ours["legend"]["symbolType"] == charts.LINE_DOT_SYMBOL
    assert scales["Published"]["legend"]["symbolType"] == "stroke"
    assert scales["RAG band"]["scale"]["domain"] == ["Red", "Amber", "Green"]
    # our points are drawn opaque in our colour (the default 0.7 opacity greys them)
    points = [layer for layer in chart.to_dict()["layer"] if layer["mark"]["type"] == "point"]
    assert points and all(p["mark"]["opacity"] == 1 for p in points)
    assert all(p["mark"]["color"] == charts.LINE_COLOUR for p in points)
    svg = charts.render(chart, "svg").decode()
    assert f">{shown}<" in svg and f">{charts.OURS_TITLE}<" in svg


def test_card_trend_chart_is_named_after_the_authority():
    from types import SimpleNamespace

    from scorecard.catalogue import load_catalogue
    from scorecard.report.charts import trend_chart

    card = SimpleNamespace(la_name="Wealdshire", published=None, catalogue=load_catalogue())
    chart = trend_chart(card, IND, _trend_frame())  # type: ignore[arg-type]
    assert _colour_scales(chart)[charts.OURS_TITLE]["scale"]["domain"] == ["Wealdshire"]


@pytest.mark.parametrize("year", [2024, "2024", "2023-24", "202324"])
def test_benchmark_year_is_written_as_the_card_writes_it(year):
    panel, sn = _panel()
    panel["year"] = year
    sub = _subtitle(charts.benchmark(panel, IND, "650", year, sn))
    assert sub.startswith(f"Published {published_year_label(year)}, all local authorities")
    assert sub.startswith("Published 2023-24,")
    assert not re.search(r"\b2024\b", sub)


def test_sample_card_and_its_charts_agree(sample_scorecard):
    from scorecard.report.charts import trend_chart, trend_frames

    card = sample_scorecard
    frames = trend_frames(card)
    row = card.frame.set_index("indicator").loc[FAR]
    assert row["rag"] == "green"  # the card: 'Green, target SN average'
    chart = trend_chart(card, FAR, frames[FAR])
    assert "Target: the statistical neighbours' average" in _subtitle(chart)
    scales = _colour_scales(chart)
    assert scales[charts.OURS_TITLE]["scale"]["domain"] == [card.la_name]
    assert "Statistical neighbours (target)" in scales["Published"]["scale"]["domain"]
    # no benchmark-mode indicator's chart says it has no target
    for ind_id, frame in frames.items():
        ind = card.catalogue.get(ind_id)
        if ind.rag is not None and ind.rag.mode == "benchmark":
            assert "No target" not in _subtitle(trend_chart(card, ind_id, frame)), ind_id


def test_a_ks4_benchmark_is_labelled_with_its_academic_year():
    # Attainment 8's published figures are of the academic year 2024/25 (LAIT's 2025), as
    # its card row compares '2024/25 on 2023/24'
    panel, sn = _panel()
    ks4 = "attainment_cla_att8"
    panel["indicator"], panel["year"] = ks4, 2025
    sub = _subtitle(charts.benchmark(panel, ks4, "650", 2025, sn))
    assert sub.startswith("Published 2024/25, all local authorities")


# ------------------------------------------ publication: why a figure is missing or marked


def test_trend_says_a_withheld_point_was_withheld_not_missing():
    """A point withheld for publication is a gap for a reason other than 'no figure': the
    subtitle says which kind of gap the chart has, both when it has both."""
    frame = _trend_frame()
    frame["suppressed"] = False
    frame.loc[[2, 3], ["numerator", "value"]] = np.nan
    frame.loc[[2, 3], "suppressed"] = True
    sub = _subtitle(charts.trend(frame, IND))
    assert f"A gap: {charts.GAP_WITHHELD}." in sub
    assert charts.GAP_NO_FIGURE not in sub
    frame.loc[5, ["numerator", "denominator", "value"]] = np.nan  # outside the data, say
    sub = _subtitle(charts.trend(frame, IND))
    assert f"A gap: {charts.GAP_WITHHELD}, or {charts.GAP_NO_FIGURE}." in sub


def test_published_card_trend_says_its_gaps_are_withheld(sample_scorecard):
    """The sample's publication card withholds quarters of suitable accommodation (17-18 and
    19-21): their trend charts say withheld, not 'no figure the data can support'."""
    from scorecard.report.charts import trend_chart, trend_frames

    card = sample_scorecard.for_publication()
    frames = trend_frames(card)
    for ind_id in ("care_leavers_suitable_accom_17_18", "care_leavers_suitable_accom_19_21"):
        assert card.history.query("indicator == @ind_id")["suppressed"].any(), ind_id
        sub = _subtitle(trend_chart(card, ind_id, frames[ind_id]))
        assert f"A gap: {charts.GAP_WITHHELD}." in sub, ind_id
        assert charts.GAP_NO_FIGURE not in sub, ind_id


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """A publication frame's 'c' as missing numbers, as the charts are handed them."""
    out = frame.copy()
    for col in ("numerator", "denominator", "value"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    return out


def test_by_district_says_a_value_withheld_with_another_was_not_small():
    """A district withheld so that another's 'c' cannot be worked out (complementary
    suppression) is not said to have too few children; a chart with both says both."""
    from scorecard.catalogue import load_catalogue
    from scorecard.report.privacy import suppress_districts

    frame = _district_frame().assign(rag="green")
    frame.loc[0, "numerator"], frame.loc[0, "value"] = 3.0, 3.0  # 3 of 100: small
    # Northgate alone withheld: the county less the others gives it, so Southby goes too
    shown = suppress_districts(frame.drop(columns="period_end"), load_catalogue(), 5)
    assert shown["suppressed"].tolist() == [True, True, False]
    assert shown["secondary"].tolist() == [False, True, False]
    chart = charts.by_district(_numbers(shown).assign(period_end=frame["period_end"]), IND)
    sub = _subtitle(chart)
    assert f"c: withheld, {charts.WITHHELD_SMALL}, or {charts.WITHHELD_SECONDARY}." in sub
    # withheld only for another figure's sake: never 'too few children'
    only = _numbers(shown).assign(period_end=frame["period_end"], suppressed=[False, True, False])
    sub = _subtitle(charts.by_district(only, IND))
    assert f"c: withheld {charts.WITHHELD_SECONDARY}." in sub
    assert charts.WITHHELD_SMALL not in sub


def test_published_card_district_chart_gives_the_true_reason(sample_scorecard):
    """On the sample's publication card, Bramleigh's EET 17-18 is withheld so that the
    cohort's NEET part cannot be worked out; long-term stability withholds Dunmere (13 of
    18 leaves 5 out) and Hollins Vale (24 of 28) for their own small numbers."""
    card = sample_scorecard.for_publication()
    view = card.districts.assign(period_end=card.period_end)

    def subtitle(ind_id: str) -> str:
        part = _numbers(view.loc[view["indicator"] == ind_id])
        return _subtitle(charts.by_district(part, ind_id, card.catalogue))

    assert charts.WITHHELD_SECONDARY in subtitle("care_leavers_eet_17_18")
    long = subtitle("placement_stability_long")
    assert f"c: withheld, {charts.WITHHELD_SMALL}." in long
    assert charts.WITHHELD_SECONDARY not in long


def _bound_note(n: int, den: int) -> str:
    from scorecard.measures.facts import LOWER_BOUND

    return LOWER_BOUND.format(n=n, den=den, since=" (01/04/2015)")


def test_by_age_marks_lower_bounds_as_the_table_does():
    """Days that are lower bounds read '≥ 464 days' on the chart as in the page's by-age
    table, and the chart carries the table's footnote saying why."""
    from scorecard.report.html import lower_bounds_text

    frame = _age_frame()
    frame["note"] = None
    last = frame["period_end"] == frame["period_end"].max()
    first_band = last & (frame["age_at_entry_band"] == AGE_BANDS[0])
    frame.loc[first_band, "value"] = 463.846154
    frame.loc[first_band, "note"] = _bound_note(9, 39)
    chart = charts.by_age(frame, "time_in_care_ceased", by="age_at_entry_band")
    rows = pd.DataFrame(next(v for v in _datasets(chart).values() if "label" in v[0]))
    labels = rows.set_index(["date", "age_at_entry_band"])["label"]
    assert labels[("31 Mar 2025", AGE_BANDS[0])] == "≥ 464 days"
    assert not labels.drop(("31 Mar 2025", AGE_BANDS[0])).str.startswith("≥").any()
    table = frame.rename(columns={"age_at_entry_band": "age_at_entry"})
    assert lower_bounds_text(table) in _subtitle(chart)
    assert "lower bound for 9 of 39 children" in _subtitle(chart)


def test_by_age_says_why_a_year_has_no_bars():
    """A year the data cannot support is drawn 'n/a' with the reason the table gives."""
    frame = _age_frame()
    first = frame["period_end"] == frame["period_end"].min()
    frame.loc[first, ["numerator", "denominator", "value"]] = np.nan
    why = "not available: needs data from 01/04/2023; the data starts 01/04/2024"
    frame["note"] = np.where(first, why, None)
    # a band withheld in publication (its 'c' read as a blank) keeps its caveat: no reason
    withheld = ~first & (frame["age_at_entry_band"] == AGE_BANDS[0])
    frame.loc[withheld, ["denominator", "value"]] = np.nan
    frame.loc[withheld, "note"] = _bound_note(1, 2)
    chart = charts.by_age(frame, "time_in_care_ceased", by="age_at_entry_band")
    assert f"Year to March 2024: {why}." in _subtitle(chart)
    assert "Year to March 2025: lower bound" not in _subtitle(chart)


def test_a_trend_whose_bases_leave_children_out_says_so():
    """20 miles from home on yearly returns: points leave out the children whose distance
    no return recorded (1,054 at one point, 413 at another), so the bases differ."""
    ind = "pct_placed_over_20_miles"
    frame = _trend_frame().assign(indicator=ind, note=None)
    assert charts.LEAVES_OUT not in _subtitle(charts.trend(frame, ind))
    frame.loc[frame.index[2], "note"] = (
        "1,054 children looked after left out: PL_DISTANCE not recorded"
    )
    assert charts.LEAVES_OUT in _subtitle(charts.trend(frame, ind))


def test_trend_marks_lower_bounds():
    """A trend of days whose points are lower bounds says so, and its label reads '≥'."""
    ind = "time_in_care_current"
    frame = _trend_frame().assign(indicator=ind, value=np.linspace(480, 620, 8), note=None)
    frame.loc[frame.index[-3:], "note"] = _bound_note(634, 1529)
    chart = charts.trend(frame, ind)
    sub = _subtitle(chart)
    assert "≥: the points of 2024-25 Q4 to 2025-26 Q2 are lower bounds." in sub
    assert "their period of care began before the data starts (01/04/2015)" in sub
    rows = pd.DataFrame(next(v for v in _datasets(chart).values() if "quarter" in v[0]))
    assert rows["label"].iloc[-1] == "≥ 620 days"
    assert not rows["label"].iloc[:5].str.startswith("≥").any()
    plain = charts.trend(frame.assign(note=None), ind)
    assert "≥" not in _subtitle(plain)


def test_card_trend_frames_hand_the_chart_its_lower_bounds():
    """The card's trend charts get the history's notes, so a lower bound is marked there too."""
    from types import SimpleNamespace

    from scorecard.catalogue import load_catalogue
    from scorecard.report.charts import trend_chart, trend_frames

    ind = "time_in_care_current"
    history = _trend_frame().assign(indicator=ind, value=600.0, note=_bound_note(634, 1529))
    card = SimpleNamespace(
        history=history,
        frame=pd.DataFrame({"indicator": [ind]}),
        la_name="Wealdshire",
        published=None,
        catalogue=load_catalogue(),
    )
    chart = trend_chart(card, ind, trend_frames(card)[ind])  # type: ignore[arg-type]
    assert "≥: every point is a lower bound." in _subtitle(chart)
