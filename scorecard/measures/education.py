"""Key stage 4 attainment of children looked after and the gap to all pupils.

SPEC section 5, `attainment_gap_att8` / `attainment_gap_em94` and the cohort's own level
(`attainment_cla_att8` / `attainment_cla_em94`).

- **Academic year**: the one whose 31 March falls in the 12-month window ending at `at`
  (31 March 2025 -> 2024/25; 30 June 2025 -> window 1 July 2024 to 30 June 2025 -> 2024/25;
  30 March 2025 -> 2023/24).
- **Cohort**: `ks4_cla` pupils of that year looked after continuously for 12 months at that
  31 March: looked after on the 31 March and their current period of care started on or
  before 31 March a year earlier (V3/V4 short breaks excluded, as in `care.episodes`).
- ATT8: numerator / denominator = sum of points / pupils, value the cohort's mean. EM94:
  numerator = pupils reaching grade 4 in English and maths, denominator = pupils, value the
  percentage (a reader can check "12 of 40 pupils"). `attainment_gap` value = the `ks4_all`
  figure (AVG_ATT8 or PCT_EM94) minus the cohort's, with the numerator and denominator still
  the cohort's, so the level the cohort reached stays visible.

Decisions: a pupil without a result for the metric (blank ATT8 / EM94) is left out of that
metric's sum and count; a pupil listed twice for one year counts once: a row without a
result for the metric does not compete with one that has it (a dual-registered pupil's
second school row), and of rows with results the last is used (`scorecard validate` warns
where they differ). On pooled data without an LA breakdown the all-pupil figure is the
PUPILS-weighted mean of the LAs' figures; an LA with pupils in the cohort but no usable
all-pupil figure for the year leaves its own gap and the pooled gap without a value, with
the reason (its pupils are never set against a figure that is not theirs). The gap of a
year with no usable all-pupil figure is not available, with the reason: no `ks4_all` row
for the year, its figure blank or suppressed ('x', read as blank when loading), or its row
left out by an error (such as two rows for one year: loading leaves out the England and
regional rows of a DfE download, and any other repeat is an error naming the rows). An
empty cohort gives a blank gap.
Breakdowns of the cohort (`sex`, `uasc`, `district`, ages) are taken on the 31 March; the gap
cannot be broken down by anything but LA, because the all-pupil figure is not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..breakdowns import CHILD_BREAKDOWNS, BreakdownError, add_breakdowns, summarise
from ..care import EPISODE_CORE, child_key, has_child_la, looked_after_at
from ..dataset import Dataset
from ..periods import DATE_DTYPE, months_before
from ..registry import measure
from .facts import with_facts

# metric: (the pupil's column, the all-pupil figure's column, the cohort's statistic). EM94
# is a pupil reaching grade 4 (1) or not (0): the numerator counts pupils, the value is the
# percentage of the cohort; ATT8 is points: the value is the cohort's mean
METRICS = {"ATT8": ("ATT8", "AVG_ATT8", "mean"), "EM94": ("EM94", "PCT_EM94", "percent")}
ALL_PUPILS = "all pupils (ks4_all)"
ONE_FIGURE = (
    "the all-pupil figure (ks4_all) is one number per academic year (and LA), not broken "
    "down by pupils' characteristics. The cohort's own attainment (attainment_cla_*) can be."
)


def _metric(metric: str) -> tuple[str, str, str]:
    key = str(metric).strip().upper()
    if key not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, not {metric!r}.")
    return METRICS[key]


def _march_31(years: np.ndarray) -> np.ndarray:
    """31 March of each calendar year (NaN: NaT), as datetime64[ns], without parsing text."""
    years = np.asarray(years, dtype="float64")
    ok = ~np.isnan(years)
    safe = np.where(ok, years, 1970).astype("int64")
    march = (safe - 1970).astype("datetime64[Y]").astype("datetime64[M]") + np.timedelta64(2, "M")
    day = march.astype("datetime64[D]") + np.timedelta64(30, "D")
    return np.where(ok, day.astype(DATE_DTYPE), np.datetime64("NaT", "ns"))


def census_march(at: pd.DatetimeIndex) -> np.ndarray:
    """The 31 March in the 12-month window ending at each date (datetime64[ns])."""
    ats = pd.DatetimeIndex(np.asarray(at, dtype=DATE_DTYPE))
    this_year = _march_31(ats.year.to_numpy())
    year = np.where(ats.to_numpy() >= this_year, ats.year, ats.year - 1)
    return _march_31(year)


def census_march_index(at: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """`census_march` as an index: the date an annual KS4 figure's data must reach (its
    history need is counted back from it, not from `at`)."""
    return pd.DatetimeIndex(census_march(at))


def academic_year_label(march: np.ndarray) -> np.ndarray:
    """'2024/25' for 31 March 2025."""
    year = pd.Series(pd.DatetimeIndex(np.asarray(march, dtype=DATE_DTYPE)).year)
    first = (year - 1).astype("str")
    second = (year % 100).astype("str").str.zfill(2)
    return (first + "/" + second).to_numpy()


def march_of(year: pd.Series) -> np.ndarray:
    """31 March of each academic year label ('2024/25' -> 31 March 2025; blank -> NaT),
    each distinct label read once (a handful over many pupils)."""
    codes, labels = pd.factorize(year, use_na_sentinel=True)
    text = pd.Series(np.asarray(labels, dtype=object), dtype="str")
    first = pd.to_numeric(text.str[:4], errors="coerce").to_numpy(dtype="float64")
    return np.append(_march_31(first + 1), np.datetime64("NaT", "ns"))[codes]


def normalise_academic_year(values: pd.Series) -> pd.Series:
    """ACADEMIC_YEAR as '2024/25' from '2024/25', '202425', '2024-25' or '2024/2025'."""
    # a handful of distinct labels over many pupils: parse each label once, then spread back
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    s = pd.Series(uniques, dtype=object).astype("string").str.strip()
    m = s.str.extract(r"^(\d{4})\s*[/-]?\s*(\d{2}|\d{4})$")
    labels = (m[0] + "/" + m[1].str[-2:]).astype("str").to_numpy(dtype=object)
    return pd.Series(np.append(labels, np.nan)[codes], index=values.index, dtype="str")


def cohort(ds: Dataset, at: pd.DatetimeIndex, metric: str) -> pd.DataFrame:
    """The CLA 12-month cohort with a result for `metric`, one row per (period_end, pupil).

    Columns: `period_end` (the reference date), `march` (the 31 March of its academic year),
    `cid`, `ep` (the episode open on that 31 March), `period_start`, `num` (ATT8, or EM94
    0/1) and `den` (1).
    """
    marches = census_march(at)
    unique_marches = pd.DatetimeIndex(np.unique(marches))
    stamp = np.asarray(unique_marches, dtype=DATE_DTYPE).view("int64").tobytes().hex()
    key = f"ks4_cohort:{_metric(metric)[0]}:{stamp}"
    looked = ds.cached(key, lambda: _cohort_at_marches(ds, unique_marches, metric))
    dates = pd.DataFrame({"period_end": np.asarray(at, dtype=DATE_DTYPE), "march": marches})
    units = dates.merge(looked, on="march", how="inner")
    units["den"] = 1.0
    cols = ["period_end", "march", "cid", "ep", "period_start", "num", "den"]
    return units[cols].sort_values(["period_end", "cid"], kind="stable").reset_index(drop=True)


def _cohort_at_marches(ds: Dataset, marches: pd.DatetimeIndex, metric: str) -> pd.DataFrame:
    """The cohort on each 31 March in `marches` (see `cohort`), before spreading over the
    reference dates; cached per metric and 31 Marches (the CLA level and the gap share it)."""
    column, _, _ = _metric(metric)
    ks4 = ds.held("ks4_cla")  # its LA is read only through the child keys
    pupils = pd.DataFrame(
        {
            "cid": child_key(ds, ks4),
            "year": normalise_academic_year(ks4["ACADEMIC_YEAR"]).to_numpy(),
            "num": pd.to_numeric(ks4[column], errors="coerce").to_numpy(dtype="float64"),
        }
    )
    # a row without a result first: it does not compete with the pupil's row that has one
    pupils = pupils.loc[(pupils["cid"] >= 0) & pupils["year"].notna() & pupils["num"].notna()]
    pupils = pupils.drop_duplicates(["cid", "year"], keep="last")
    pupils = pupils.assign(march=march_of(pupils["year"])).drop(columns="year")
    looked = looked_after_at(ds, marches).rename(columns={"period_end": "march"})
    looked = looked.merge(pupils, on=["cid", "march"], how="inner")
    # looked after continuously for 12 months: the period started by 31 March a year earlier
    year_before = np.asarray(months_before(pd.DatetimeIndex(looked["march"]), 12))
    return looked.loc[np.asarray(looked["period_start"], dtype=DATE_DTYPE) <= year_before]


RESULTS = {
    "ks4_cla": "no KS4 results for {year} in ks4_cla",
    "ks4_all": "no all-pupil KS4 results (ks4_all) for {year}",
}


def _years_held(ds: Dataset, table: str) -> list[str]:
    """The academic years `table` holds results for, in order ('2023/24', ...); cached."""

    def build() -> list[str]:
        years = normalise_academic_year(ds.held(table)["ACADEMIC_YEAR"]).dropna()
        return sorted(years.unique())  # a handful of labels over many pupils

    return ds.cached(f"ks4_years:{table}", build)


def _missing_results(*tables: str):
    """The dates whose academic year `tables` hold no results for, with why: a figure for a
    year whose results are not in the data is not available, rather than 0 of 0 pupils
    (results come out after the summer exams, so a card at 31 March meets this first). With
    `ks4_all`, also the years whose all-pupil figure cannot be used (`_unusable_figures`)."""

    def missing(ds: Dataset, at: pd.DatetimeIndex, params: dict) -> dict[pd.Timestamp, str]:
        out: dict[pd.Timestamp, str] = {}
        labels = academic_year_label(census_march(at))
        for table in tables:
            held = _years_held(ds, table)
            rows = len(ds.held(table))
            if held or not rows:
                latest = f"the latest are for {held[-1]}" if held else "it holds none"
                why = f"{latest}; a year's results come out after its summer exams"
            else:  # rows whose year could not be read, not results yet to come
                why = (
                    f"its {rows:,} rows have no usable ACADEMIC_YEAR; scorecard validate lists them"
                )
            for when, year in zip(at, labels):  # a handful of dates, not pupils
                if year not in held and when not in out:
                    out[when] = f"not available: {RESULTS[table].format(year=year)} ({why})"
        if "ks4_all" in tables:
            unusable = _unusable_figures(ds, params["metric"])
            for when, year in zip(at, labels):
                if year in unusable and when not in out:
                    out[when] = unusable[year]
        return out

    return missing


FIGURE_NAMES = {"ATT8": "Attainment 8", "EM94": "grade 4+ in English and maths"}


def _unusable_figures(ds: Dataset, metric: str) -> dict[str, str]:
    """The academic years `ks4_all` holds rows for but no usable all-pupil figure of
    `metric`, with why: every row of the year left out by an error in a cell the gap reads
    (`Dataset.unusable`: a year written twice, a figure out of range), or its figure blank
    (not published: DfE's 'x', read as blank when loading). The rows left out are said
    here, at the dates of their year, not on every date (`said_by_missing`). Cached."""
    column, figure, _ = _metric(metric)

    def build() -> dict[str, str]:
        table = ds.held("ks4_all")
        years = normalise_academic_year(table["ACADEMIC_YEAR"]).to_numpy(dtype=object)
        value = pd.to_numeric(table[figure], errors="coerce").to_numpy(dtype="float64")
        un = ds.unusable
        un = un.loc[
            un["table"].astype("str").eq("ks4_all")
            & un["column"].astype("str").isin(["ACADEMIC_YEAR", "PUPILS", figure])
        ]
        left = np.zeros(len(table), dtype=bool)
        left[un["row"].to_numpy(dtype="int64")] = True
        rows = pd.DataFrame({"year": years, "left": left, "blank": np.isnan(value)})
        rows = rows.loc[rows["year"].notna()]
        usable = (~rows["left"] & ~rows["blank"]).groupby(rows["year"]).any()
        out = {}
        name = f"no all-pupil {FIGURE_NAMES[column]} for {{year}}"
        for year in usable.index[~usable.to_numpy()]:  # a handful of years
            mine = rows.loc[rows["year"] == year]
            if mine["left"].any():
                bad = un.loc[un["row"].isin(mine.index[mine["left"].to_numpy()])]
                n = int(mine["left"].sum())
                said = "; ".join(
                    f"{c} ({r})" for c, r in dict.fromkeys(zip(bad["column"], bad["rule"]))
                )
                why = (
                    f"its {n} ks4_all row{'s' * (n != 1)} left out: unusable {said}; "
                    "scorecard validate lists them"
                )
            else:
                why = f"{figure} is blank or suppressed in ks4_all"
            out[year] = f"not available: {name.format(year=year)} ({why})"
        return out

    return ds.cached(f"ks4_all_unusable:{column}", build)


def _cohort_breakdowns(ds: Dataset, units: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return add_breakdowns(
        ds,
        units,
        by,
        age_date="march",
        entry_date="period_start",
        indicator="attainment of children looked after",
    )


def _stat(params: dict) -> str:
    return _metric(params["metric"])[2]


def _cla_reads(params: dict) -> dict[str, tuple[str, ...]]:
    """The cohort's own level reads no all-pupil figure: a ks4_all row left out is not its."""
    column, _, _ = _metric(params["metric"])
    return {"ks4_cla": ("CHILD", "ACADEMIC_YEAR", column), "episodes": EPISODE_CORE}


def _gap_reads(params: dict) -> dict[str, tuple[str, ...]]:
    _, figure, _ = _metric(params["metric"])
    return {**_cla_reads(params), "ks4_all": ("ACADEMIC_YEAR", "PUPILS", figure)}


def _pupil_facts(ds: Dataset, units: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The pupil's academic year (its 31 March), period start and result."""
    column, _, _ = _metric(metric)
    return with_facts(
        units, ACADEMIC_YEAR=academic_year_label(units["march"]), **{column: units["num"]}
    )


@measure(
    stat=_stat,
    unit="pupil looked after for 12 months at 31 March",
    reads=_cla_reads,
    anchor=census_march_index,
    missing=_missing_results("ks4_cla"),
)
def attainment_cla(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, detail: bool = False, metric: str = "ATT8"
) -> pd.DataFrame:
    """The CLA 12-month cohort's own mean ATT8, or percent achieving grade 4+ in English and
    maths. Units: the pupils of the cohort; facts: academic year, period start, result."""
    units = _cohort_breakdowns(ds, cohort(ds, at, metric), by)
    return _pupil_facts(ds, units, metric) if detail else units


def all_pupils(ds: Dataset, at: pd.DatetimeIndex, metric: str) -> pd.DataFrame:
    """The all-pupil figure of each date's academic year: `period_end`, `LA` (when
    `ks4_all` has it: a row per LA), `all_pupils` and `PUPILS` (the weight when LAs are
    pooled).

    Several rows for one year (and LA) are an error when loading (`Ks4All`), which leaves
    them out, so at most one is left.
    """
    _, column, _ = _metric(metric)
    table = ds.table("ks4_all")
    frame = pd.DataFrame(
        {
            "year": normalise_academic_year(table["ACADEMIC_YEAR"]).to_numpy(),
            "all_pupils": pd.to_numeric(table[column], errors="coerce").to_numpy("float64"),
            "PUPILS": pd.to_numeric(table["PUPILS"], errors="coerce").to_numpy("float64"),
        }
    )
    keys = ["year"]
    if "LA" in table.columns:
        frame["LA"] = table["LA"].astype("str").to_numpy()
        keys.append("LA")
    frame = frame.drop_duplicates(keys, keep="last")
    dates = pd.DataFrame(
        {
            "period_end": np.asarray(at, dtype=DATE_DTYPE),
            "year": academic_year_label(census_march(at)),
        }
    )
    out = dates.merge(frame, on="year", how="inner")
    return out[["period_end", *keys[1:], "all_pupils", "PUPILS"]]


def _with_cohort_las(figure: pd.DataFrame, pupils: pd.DataFrame) -> pd.DataFrame:
    """`figure` (per date and LA) with a row for each LA with pupils in the cohort but no
    all-pupil row, and `no_all_pupils`: 1 where such an LA's figure is missing (no row,
    blank or suppressed, or its row left out for an unusable cell), which leaves its gap,
    and the pooled gap, without a value rather than comparing pupils with a figure that
    is not theirs."""
    if "LA" not in pupils.columns:  # the children's LAs are not known: nothing to match
        return figure.assign(no_all_pupils=0)
    keys = ["period_end", "LA"]
    cohort_las = pd.DataFrame(
        {
            "period_end": np.asarray(pupils["period_end"], dtype=DATE_DTYPE),
            "LA": pupils["LA"].astype("str").to_numpy(),
            "in_cohort": True,
        }
    ).drop_duplicates(keys)
    # the LAs' rows in the table's order (the pooled mean sums in it), then those lacking one
    out = figure.merge(cohort_las, on=keys, how="left")
    absent = cohort_las.merge(figure[keys], on=keys, how="left", indicator=True)
    absent = absent.loc[absent["_merge"] == "left_only", [*keys, "in_cohort"]]
    out = pd.concat([out, absent], ignore_index=True)
    lacking = out["in_cohort"].eq(True).to_numpy() & out["all_pupils"].isna().to_numpy()
    return out.drop(columns="in_cohort").assign(no_all_pupils=lacking.astype("int64"))


def _pooled(figure: pd.DataFrame) -> pd.DataFrame:
    """The all-pupil figure of the LAs together: their PUPILS-weighted mean per date, blank
    where an LA with pupils in the cohort has none (`no_all_pupils`, summed)."""
    usable = figure["all_pupils"].notna() & figure["PUPILS"].notna()
    by_date = figure["period_end"]
    weighted = (figure["all_pupils"] * figure["PUPILS"]).where(usable).groupby(by_date)
    pupils = figure["PUPILS"].where(usable).groupby(by_date).sum(min_count=1)
    lacking = figure["no_all_pupils"].groupby(by_date).sum()
    mean = weighted.sum(min_count=1) / pupils
    return pd.DataFrame(
        {
            "period_end": np.asarray(mean.index, dtype=DATE_DTYPE),
            "all_pupils": mean.where(lacking.eq(0)).to_numpy("float64"),
            "no_all_pupils": lacking.to_numpy("float64"),
        }
    )


def _gap(units: pd.DataFrame, at: pd.DatetimeIndex, by: list[str], params: dict) -> pd.DataFrame:
    """All pupils' figure minus the cohort's (mean points or percent reaching grade 4), with
    the cohort's numerator and denominator (so the level the cohort reached stays visible)
    and `no_all_pupils` (LAs with pupils in the cohort whose all-pupil figure is missing)."""
    pupils = units.loc[units["unit"] != ALL_PUPILS]
    figure = units.loc[units["unit"] == ALL_PUPILS]
    if "LA" in figure.columns and "LA" not in by:
        figure = _pooled(figure)
    keys = ["period_end", *by]
    cla = summarise(pupils, at, by, _stat(params))
    figure = figure[[*keys, "all_pupils", "no_all_pupils"]].assign(
        period_end=np.asarray(figure["period_end"], dtype=DATE_DTYPE)
    )
    if by:
        # every LA with an all-pupil figure appears, with an empty cohort when it has none
        figure = figure.assign(**{k: figure[k].astype("str") for k in by})
        out = figure.merge(cla, on=keys, how="outer")
    else:
        out = cla.merge(figure, on=keys, how="left")
    filled = ["numerator", "denominator", "no_all_pupils"]
    out[filled] = out[filled].fillna(0.0)
    out["value"] = out["all_pupils"] - out["value"]
    return out[[*keys, *filled, "value"]].sort_values(keys).reset_index(drop=True)


NO_ALL_PUPILS = (
    "not available: the all-pupil figure (ks4_all) is missing for {n} LA{s} with pupils in "
    "the cohort (no row for the year, a blank or suppressed figure, or a row left out: "
    "scorecard validate lists those)"
)


@measure(
    stat=_stat,
    unit="pupil looked after for 12 months at 31 March (and the all-pupil figure)",
    reads=_gap_reads,
    refuses=dict.fromkeys(CHILD_BREAKDOWNS, ONE_FIGURE),
    aggregate=_gap,
    anchor=census_march_index,
    missing=_missing_results("ks4_cla", "ks4_all"),
    said_by_missing=("ks4_all",),
    caveats={"no_all_pupils": NO_ALL_PUPILS},
)
def attainment_gap(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, detail: bool = False, metric: str = "ATT8"
) -> pd.DataFrame:
    """All pupils' figure minus the mean of the CLA 12-month cohort (ATT8 points or EM94 pp).

    Units: the pupils of the cohort (their results sum to the numerator) and the all-pupil
    figure of the year (numerator and denominator 0, the figure in `all_pupils`).
    """
    per_la = False
    for name in by:
        if name != "LA" or "LA" not in ds.table("ks4_all").columns:
            raise BreakdownError(
                f"The attainment gap cannot be broken down by {name!r}: the all-pupil figure "
                "(ks4_all) is one number per academic year"
                f"{' and LA' if name == 'LA' else ''}, not broken down by pupils' "
                "characteristics. The cohort's own attainment (attainment_cla_*) can be."
            )
        per_la = True
    units = cohort(ds, at, metric)
    if per_la or ("LA" in ds.table("ks4_all").columns and has_child_la(ds)):
        # each pupil's LA: the all-pupil figure must be there for every LA of the cohort
        units = _cohort_breakdowns(ds, units, ["LA"])
        units["LA"] = units["LA"].astype("str")
    units = units.assign(unit="pupil", no_all_pupils=0)
    if detail:
        units = _pupil_facts(ds, units, metric)
    figure = all_pupils(ds, at, metric)
    if "LA" in figure.columns:
        figure = _with_cohort_las(figure, units)
    else:
        figure = figure.assign(no_all_pupils=0)
    figure = figure.assign(
        unit=ALL_PUPILS,
        num=0.0,
        den=0.0,
        cid=-1,
        march=census_march(pd.DatetimeIndex(figure["period_end"])),
    )
    if detail:
        figure = figure.assign(ACADEMIC_YEAR=academic_year_label(figure["march"]))
    return pd.concat([units, figure], ignore_index=True)
