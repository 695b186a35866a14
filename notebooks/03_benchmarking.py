# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Benchmarking against other authorities
#
# Where does the authority sit among all English local authorities and its statistical
# neighbours? Each indicator's latest published figure for the authority, its quartile band
# (as LAIT computes it), rank (1 = best), the neighbours' average, England, and the gap to
# the best authority and the best neighbour ("compare to the best, not the average"). The
# best authority is named among those looking after at least `min_size` children, so that
# a figure resting on a handful of children is not held up as the one to match.
#
# This notebook uses the bundled **synthetic** national panel (LAIT layout) and neighbour
# list. For real figures, point `benchmarks` at a LAIT extract (`bds_long_0.parquet`), at
# explore-education-statistics CSVs of either vintage, or a list of them, and `neighbours`
# at the DfE statistical-neighbour workbook.

# %% tags=["parameters"]
la = "650"  # the authority: code (886), 9-character code or name (Kent); 650 = Wealdshire
year = None  # year the published period ends - 2025 means 2024-25; None: each indicator's latest
benchmarks = None  # a file, a folder or a list of them; None means the bundled synthetic panel
neighbours = None  # statistical-neighbour list; None means the bundled synthetic list
sn_stat = "mean"  # "mean" - LAIT or "median" - DfE dashboard
min_size = 100  # children looked after an authority needs to be named best; 0: any (LAIT)
catalogue = None  # your own indicators.yaml; None means the bundled catalogue
indicator = "placement_stability_short"  # the indicator to chart

# %%
# ruff: noqa: E402  (notebook cells: imports after parameters, bare expressions display)
import altair as alt
import pandas as pd

import scorecard as sc
from scorecard import charts
from scorecard.benchmark import benchmark_name
from scorecard.inputs import bundled_sample_path
from scorecard.report import comparison_summary
from scorecard.report.builder import sample_benchmark_paths

alt.renderers.enable("svg")  # self-contained charts; "jupyter" for tooltips
pd.set_option("display.max_columns", 30, "display.width", 200)

cat = sc.load_catalogue(catalogue) if catalogue else sc.load_catalogue()
if benchmarks is None and neighbours is None:
    benchmarks, neighbours = sample_benchmark_paths(bundled_sample_path())
panel = sc.benchmark_panel(benchmarks, catalogue=cat)
sn = sc.load_neighbours(neighbours, benchmarks=panel) if neighbours is not None else None
code, name = sc.resolve_la(la, panel)  # a number (papermill -p la 886) or a name
print(
    f"{name} (LA {code}): {panel['indicator'].nunique()} indicators, "
    f"years {panel['year'].min()}-{panel['year'].max()}"
)

# %%
if sn is not None:
    mine = sn.loc[sn["la_code"] == code].sort_values("rank")
    names = panel.drop_duplicates("la_code").set_index("la_code")["la_name"]
    display(mine.assign(neighbour=mine["neighbour_code"].map(names)))  # noqa: F821

# %% [markdown]
# ## The comparison table
#
# `year` is each indicator's own year (its latest with a figure for the authority, unless
# a year was given); `la_value` is the authority's published figure for that year.

# %%
present = set(pd.unique(panel["indicator"]))
wanted = [n for n in map(benchmark_name, cat) if n in present]
table = sc.compare(
    panel,
    code,
    year,
    sn,
    indicators=wanted or None,
    sn_stat=sn_stat,
    catalogue=cat,
    min_size=min_size or None,
)
comparison_summary(table)

# %% [markdown]
# ## Where the authority sits
#
# All authorities sorted best to worst; ours and our neighbours highlighted; dashed lines
# at the quartiles.

# %%
chart_year = table.set_index("catalogue_id").loc[indicator, "year"]
charts.benchmark(panel, indicator, code, int(chart_year), sn, cat)
