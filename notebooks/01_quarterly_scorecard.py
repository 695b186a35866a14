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
# # Quarterly Corporate Parenting Panel scorecard
#
# Builds the panel scorecard for one quarter: every indicator with its value, target,
# Red/Amber/Green band, direction of travel, the last 8 quarters, and comparators
# (statistical neighbours, England, quartile band). It then writes the committee-ready HTML
# page and Excel workbook.
#
# Run it for another quarter by changing `quarter` below, or with papermill:
#
# ```
# papermill 01_quarterly_scorecard.ipynb out.ipynb -p quarter "2024-25 Q3" -p la 886
# ```
#
# (Pair this script with a notebook in JupyterLab: right-click, *Open With > Notebook*.)

# %% tags=["parameters"]
quarter = "2024-25 Q4"  # a financial quarter label; or a date such as "2025-03-31"
data = None  # folder of tables; None means the bundled synthetic sample - Wealdshire; LA 650
benchmarks = None  # LAIT extract; None with the sample means its synthetic national panel
neighbours = None  # statistical-neighbour list
la = None  # 3-digit LA code for the comparators, e.g. "886"; None with the sample means 650
catalogue = None  # your own indicators.yaml; None means the bundled catalogue
out_dir = None  # where to write the HTML and Excel; None means a new temporary folder
publish = False  # True: small-number suppression for publication - counts 1-5 shown as 'c'

# %%
# ruff: noqa: E402, B018  (notebook cells: imports after parameters, bare expressions display)
import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import display

import scorecard as sc
from scorecard.report import write_outputs

# charts are drawn as SVG inside the notebook: self-contained, no CDN, text kept.
# For tooltips while exploring, use alt.renderers.enable("jupyter") instead.
alt.renderers.enable("svg")
pd.set_option("display.max_columns", 30, "display.width", 200)
# papermill passes `-p la 886` as a number: an LA code is text ("886", never 886.0)
la = None if la is None else str(la).strip()

# %% [markdown]
# ## Load and check the data
#
# Loading validates every table; a problem stops here with a full report (file, row,
# column, value, rule). Warnings and notes are kept on the dataset.

# %%
ds = sc.load_dataset(data)
print(f"Loaded {len(ds.tables)} tables from {ds.source}")
quality = ds.quality
if len(quality):
    display(quality.groupby("severity").size().rename("issues").to_frame())

# %% [markdown]
# ## Build the scorecard

# %%
card = sc.build_scorecard(
    ds,
    quarter=quarter,
    benchmarks=benchmarks,
    neighbours=neighbours,
    la=la,
    catalogue=catalogue,
    publish=publish,
)
card

# %% [markdown]
# The same figures as a tidy frame, for checking or for other reports:

# %%
columns = [
    c
    for c in (
        "indicator",
        "title",
        "value",
        "target",
        "rag",
        "dot_quarter",
        "dot_year",
        "sn_value",
        "england",
        "published_value",
        "benchmark_year",
        "quartile_band",
        "value_quartile_band",
        "status",
        "caveat",
    )
    if c in card.frame.columns
]
card.frame[columns].round(2)

# %% [markdown]
# Indicators with no value, and why (a missing table, or a date the data does not cover):

# %%
frame = card.frame
print("\n".join(f"{t}: {s}" for t, s in zip(frame["title"], frame["status"]) if s) or "none")

# %% [markdown]
# ## Trends of the red indicators
#
# Each chart shows the last 8 quarters with the target (dashed) and the RAG bands in
# force each year (shaded).

# %%
from scorecard.report.charts import trend_chart, trend_frames

frames = trend_frames(card)  # each indicator's history, with its published comparators below
red = frame.loc[frame["rag"].astype("string").str.lower() == "red", "indicator"].tolist()
shown = [i for i in red if i in frames][:3] or list(frames)[:2]
for ind_id in shown:
    display(trend_chart(card, ind_id, frames[ind_id]))

# %% [markdown]
# ## Write the HTML page and the Excel workbook
#
# Both are rendered in memory first and then written atomically: a failure leaves no
# half-written scorecard.

# %%
folder = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="scorecard_"))
written = write_outputs(card, folder)
for path in written:
    print(f"{path}  ({path.stat().st_size:,} bytes)")
