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
# # Indicator explorer
#
# Pick an indicator and see its trend against target, and how it splits by age, by
# UASC status and by district. `scorecard indicators` (or `sc.load_catalogue().to_frame()`)
# lists the ids.

# %% tags=["parameters"]
indicator = "time_in_care_ceased"  # any catalogue id
quarter = "2024-25 Q4"  # the latest quarter to show
quarters = 8  # how many quarters of trend
data = None  # folder of tables; None means the bundled synthetic sample

# %%
# ruff: noqa: E402  (notebook cells: imports after parameters, bare expressions display)
import altair as alt
from IPython.display import display

import scorecard as sc
from scorecard import charts
from scorecard.breakdowns import BreakdownError
from scorecard.periods import quarter_ends

alt.renderers.enable("svg")  # self-contained charts; "jupyter" for tooltips

ds = sc.load_dataset(data)
cat = sc.load_catalogue()
ind = cat.get(indicator)
ends = quarter_ends(quarter, quarters)
print(f"{ind.title} ({ind.id}): {ind.description}")
print(
    f"Unit: {ind.unit}; polarity: {ind.polarity}; breakdowns: {', '.join(ind.breakdowns) or 'none'}"
)


def breakdown(by, at=ends[-1]):
    """The indicator by `by`, or None (with the reason) when it cannot be broken down so."""
    try:
        return sc.compute(ind.id, ds, at=at, by=by)
    except BreakdownError as exc:
        print(exc)
        return None


# %% [markdown]
# ## Trend against target

# %%
trend = sc.compute(ind.id, ds, at=ends)
display(trend)
charts.trend(trend, ind.id)

# %% [markdown]
# ## By age
#
# Age at entry to care when the indicator allows it (the panel asked for time in care by
# age at entry), else age at the reference date; this year against last year.

# %%
by = "age_at_entry_band" if "age_at_entry_band" in ind.breakdowns else "age_band"
ages = breakdown(by, at=[ends[-5], ends[-1]])
if ages is not None:
    display(charts.by_age(ages, ind.id, by=by))

# %% [markdown]
# ## With and without unaccompanied asylum-seeking children

# %%
uasc = breakdown("uasc", at=ends)
if uasc is not None:
    display(uasc.pivot(index="period_end", columns="uasc", values="value"))
    display(charts.trend(uasc, ind.id, title=f"{ind.title}, by UASC status"))

# %% [markdown]
# ## By district

# %%
districts = breakdown("district")
if districts is not None:
    display(charts.by_district(districts, ind.id))

# %% [markdown]
# ## Who is in this number
#
# The units behind the latest figure (`sc.units`): the children (or care leavers, pupils,
# referrals, IRO cases) it counts, each with its contribution to the numerator and
# denominator and the facts the definition used for it. **For internal use only**: the list
# names children. `scorecard children --indicator ID --quarter "2024-25 Q4" --out list.xlsx`
# writes it to a workbook marked OFFICIAL-SENSITIVE.

# %%
try:
    who = sc.units(ind.id, ds, at=ends[-1])
except sc.UnavailableError as exc:
    who = None
    print(exc)
if who is not None:
    figure = sc.compute(ind.id, ds, at=ends[-1])
    print(
        f"{len(who):,} rows (each a {who['unit'].iloc[0] if len(who) else 'unit'}) "
        f"at {ends[-1]:%d/%m/%Y}: "
        f"numerator {who['numerator'].sum(min_count=1):,.0f} "
        f"(the figure's: {figure['numerator'].iloc[0]:,.0f}), "
        f"denominator {who['denominator'].sum(min_count=1):,.0f} "
        f"(the figure's: {figure['denominator'].iloc[0]:,.0f})"
    )
    in_numerator = who[who["numerator"].fillna(0) > 0]
    display(in_numerator.head(10) if len(in_numerator) else who.head(10))
