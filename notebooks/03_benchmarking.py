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
# neighbours? Quartile band (as LAIT computes it), rank (1 = best), the neighbours'
# average, England, and the gap to the best authority and the best neighbour ("compare to
# the best, not the average").
#
# This notebook uses the bundled **synthetic** national panel (LAIT layout) and neighbour
# list. For real figures, point `benchmarks` at a LAIT extract and `neighbours` at the DfE
# statistical-neighbour workbook.

# %% tags=["parameters"]
la = "650"  # Wealdshire; the fictional sample county
year = None  # year the published period ends - 2025 means 2024-25; None means the latest
benchmarks = None  # LAIT long extract; None means the bundled synthetic panel
neighbours = None  # statistical-neighbour list; None means the bundled synthetic list
sn_stat = "mean"  # "mean" - LAIT or "median" - DfE dashboard
indicator = "placement_stability_short"  # the indicator to chart

# %%
# ruff: noqa: E402  (notebook cells: imports after parameters, bare expressions display)
import altair as alt
import pandas as pd

import scorecard as sc
from scorecard import charts
from scorecard.inputs import bundled_sample_path
from scorecard.report import comparison_summary
from scorecard.report.builder import sample_benchmark_paths

alt.renderers.enable("svg")  # self-contained charts; "jupyter" for tooltips
pd.set_option("display.max_columns", 30, "display.width", 200)

if benchmarks is None and neighbours is None:
    benchmarks, neighbours = sample_benchmark_paths(bundled_sample_path())
panel = sc.load_benchmarks(benchmarks)
sn = sc.load_neighbours(neighbours)
print(
    f"{panel['indicator'].nunique()} indicators, years {panel['year'].min()}-{panel['year'].max()}"
)

# %%
if year is None:
    year = int(panel.loc[panel["la_code"] == la, "year"].max())
mine = sn.loc[sn["la_code"] == la].sort_values("rank")
names = panel.drop_duplicates("la_code").set_index("la_code")["la_name"]
mine.assign(neighbour=mine["neighbour_code"].map(names))

# %% [markdown]
# ## The comparison table

# %%
table = sc.compare(panel, la, year, sn, sn_stat=sn_stat)
comparison_summary(table)

# %% [markdown]
# ## Where the authority sits
#
# All authorities sorted best to worst; ours and our neighbours highlighted; dashed lines
# at the quartiles.

# %%
charts.benchmark(panel, indicator, la, year, sn)
