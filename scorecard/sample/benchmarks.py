"""A synthetic national benchmark panel (LAIT long layout) and statistical-neighbour list.

About 150 fictional authorities, England and region rows, 2016-2025; Wealdshire's own rows
are its computed headline figures, so the panel agrees with what the engine computes for it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .arrays import choice
from .authorities import authorities
from .headline import headline

# Per LAIT measure: Data item text (LAIT fills it in the first year only), first year, decimals,
# centre of the LA distribution per year (2016-2025, roughly the published spread; England's
# own row is recomputed from the synthetic authorities), spread between authorities, and how
# the value relates to the authority's steering draws.
_LAIT: dict[str, dict] = {
    "LAC": {
        "item": "Children Looked after rate per 10,000",
        "first": 2016,
        "dp": 0,
        "centre": [66, 69, 71, 76, 79, 79, 79, 79, 77, 74],
    },
    "LACnum": {"item": "Number of Looked after Children", "first": 2016, "dp": 0},
    "LACnum_Start": {
        "item": "Number of Children who started to be looked after during the year ending 31 March",
        "first": 2016,
        "dp": 0,
    },
    "LACceased": {
        "item": "Number of children who ceased to be looked after during the year",
        "first": 2016,
        "dp": 0,
    },
    "LAC_Foster_Placements": {
        "item": None,
        "first": 2020,
        "dp": 0,
        "centre": [72, 72, 72, 72, 71.2, 70.3, 69.5, 67.6, 67.6, 67.5],
    },
    "LACStable_2016on": {
        "item": "Placement 1 - % 3 or more places",
        "first": 2016,
        "dp": 0,
        "centre": [10.2, 10.5, 10.6, 10.6, 10.8, 9.0, 9.9, 10.5, 10.8, 10.2],
    },
    "LAC_LongStable%": {
        "item": None,
        "first": 2018,
        "dp": 0,
        "centre": [68, 68, 68.1, 68.1, 67.8, 69.4, 69.8, 67.9, 67.4, 68.2],
    },
    "ReReferral": {
        "item": "Percentage of referrals, within 12 months of a previous referral",
        "first": 2016,
        "dp": 1,
        "long_repr": True,
        "centre": [19.6, 19.6, 19.7, 20.5, 21.2, 21.0, 19.6, 20.8, 20.7, 20.1],
    },
    "CareLeaversNEET": {
        "item": None,
        "first": 2017,
        "dp": 0,
        "centre": [40, 40.4, 39.5, 39.8, 39.1, 41.4, 38.1, 37.8, 39.8, 39.8],
    },
    "CareLeaverEET": {
        "item": "Care Leavers at 19- Education, Employment or Training",
        "first": 2016,
        "dp": 0,
        "centre": [50.7, 50.3, 52.0, 52.6, 53.5, 52.7, 56.0, 56.4, 54.7, 54.9],
    },
    "CareLeaverAcc": {
        "item": "Care Leavers at 19- Suitable accommodation",
        "first": 2016,
        "dp": 0,
        "centre": [84.2, 85.3, 85.1, 86.6, 87.1, 88.7, 88.8, 89.0, 89.4, 89.8],
    },
    "LACDistance": {
        "item": "Children looked after at 31 March placed more than 20 miles from "
        "their home and outside LA boundary",
        "first": 2016,
        "dp": 0,
        "centre": [15.6, 15.6, 16.4, 16.2, 16.7, 17.5, 17.1, 17.0, 17.8, 18.0],
    },
    "LAC_KS4_AVG_Attain8": {
        "item": None,
        "first": 2017,
        "dp": 1,
        "long_repr": True,
        "centre": [19.8, 19.8, 19.1, 19.4, 21.9, 23.7, 20.9, 19.8, 19.7, 17.8],
    },
    "LAC_EngMaths9-4": {
        "item": None,
        "first": 2017,
        "dp": 1,
        "long_repr": True,
        "centre": [20.7, 20.7, 22.4, 22.1, 27.8, 30.9, 25.2, 23.3, 23.1, 21.2],
    },
    "AVG_Attain8_Score": {
        "item": "Average Attainment 8 score per pupil",
        "first": 2016,
        "dp": 1,
        "centre": [50.0, 46.4, 46.7, 46.7, 50.1, 50.9, 48.9, 46.5, 46.2, 46.3],
    },
}
_HEADLINE_OF = {  # LAIT measure -> column of `headline` for Wealdshire's own rows
    "LAC": "rate",
    "LACnum": "cla",
    "LACnum_Start": "started",
    "LACceased": "ceased",
    "LAC_Foster_Placements": "foster",
    "LACStable_2016on": "pct_3plus",
    "LAC_LongStable%": "long_stable",
    "ReReferral": "rereferral",
    "CareLeaversNEET": "neet",
    "CareLeaverEET": "eet",
    "CareLeaverAcc": "suitable",
    "LACDistance": "over20",
    "LAC_KS4_AVG_Attain8": "att8_cla",
    "LAC_EngMaths9-4": "em94_cla",
    "AVG_Attain8_Score": "att8_all",
}
_COUNTS_AND_RATES = ("LAC", "LACnum", "LACnum_Start", "LACceased")
_REGION_ROWS = [  # LAIT area rows: number, name, which LA regions they cover
    (970, "England", None),
    (980, "North East", ["North East"]),
    (981, "North West", ["North West"]),
    (982, "Yorkshire and the Humber", ["Yorkshire and The Humber"]),
    (983, "East Midlands", ["East Midlands"]),
    (984, "West Midlands", ["West Midlands"]),
    (985, "East of England", ["East of England"]),
    (986, "London", ["Inner London", "Outer London"]),
    (987, "London (Inner)", ["Inner London"]),
    (988, "London (Outer)", ["Outer London"]),
    (989, "South East", ["South East"]),
    (990, "South West", ["South West"]),
]
LAIT_COLUMNS = [
    "Short Desc",
    "Data item",
    "Years",
    "LA and Regions",
    "Values",
    "LA Number",
    "Region",
]


def _panel_values(rng: np.random.Generator, las: pd.DataFrame, years: np.ndarray) -> dict:
    """Synthetic LA x year values per LAIT measure (float arrays, NaN = not applicable)."""
    n, ny = len(las), len(years)
    yi = years - 2016

    def centre(m: str) -> np.ndarray:
        return np.asarray(_LAIT[m]["centre"], dtype=float)[yi][None, :]

    def noise(sd: float) -> np.ndarray:
        return rng.normal(0, sd, (n, ny))

    col = {
        c: las[c].to_numpy(dtype=float)[:, None]
        for c in (
            "cla_rate",
            "pop",
            "move_rate",
            "reref",
            "neet_shift",
            "acc_shift",
            "att8_shift",
            "att8_all",
            "dist_share",
        )
    }
    trend = centre("LAC") / 74.0
    v: dict[str, np.ndarray] = {}
    v["LAC"] = col["cla_rate"] * trend * np.exp(noise(0.04))
    v["LACnum"] = v["LAC"] * col["pop"] / 1e4
    v["LACnum_Start"] = v["LACnum"] * 0.4 * np.exp(noise(0.1))
    v["LACceased"] = v["LACnum"] * 0.39 * np.exp(noise(0.1))
    v["LAC_Foster_Placements"] = centre("LAC_Foster_Placements") + noise(5.5)
    v["LACStable_2016on"] = centre("LACStable_2016on") * col["move_rate"] ** 0.9 + noise(1.3)
    v["LAC_LongStable%"] = centre("LAC_LongStable%") - 14 * (col["move_rate"] - 1) + noise(3.5)
    v["ReReferral"] = col["reref"] + centre("ReReferral") - 20.3 + noise(1.8)
    v["CareLeaversNEET"] = centre("CareLeaversNEET") + col["neet_shift"] + noise(3.5)
    v["CareLeaverEET"] = centre("CareLeaverEET") - 0.9 * col["neet_shift"] + noise(3.5)
    v["CareLeaverAcc"] = centre("CareLeaverAcc") + col["acc_shift"] + noise(2.5)
    v["LACDistance"] = col["dist_share"] * 100 * centre("LACDistance") / 17.0 + noise(1.5)
    v["LAC_KS4_AVG_Attain8"] = centre("LAC_KS4_AVG_Attain8") + col["att8_shift"] + noise(2.5)
    v["LAC_EngMaths9-4"] = centre("LAC_EngMaths9-4") + 1.5 * col["att8_shift"] + noise(4.0)
    v["AVG_Attain8_Score"] = col["att8_all"] + centre("AVG_Attain8_Score") - 46.3 + noise(0.4)
    for m, a in v.items():
        lo, hi = (0, None) if m in _COUNTS_AND_RATES else (0, 100)
        a = np.clip(a, lo, hi)
        a[:, years < _LAIT[m]["first"]] = np.nan
        v[m] = a
    return v


def _format_values(rng: np.random.Generator, m: str, vals: np.ndarray) -> np.ndarray:
    """Values as LAIT strings: rounded, '-' when missing; some 1-dp values written with 17
    significant digits ('16.600000000000001'), as the real extract has them."""
    dp = _LAIT[m]["dp"]
    r = np.round(vals, dp)
    out = np.array([f"{x:.{dp}f}" if dp else f"{x:.0f}" for x in np.nan_to_num(r)], dtype=object)
    if _LAIT[m].get("long_repr"):
        long = rng.random(len(r)) < 0.3
        out[long] = [f"{x:.17g}" for x in r[long]]
        out = np.array(
            [
                s.rstrip("0").rstrip(".") if "e" not in s and "." in s and len(s) < 8 else s
                for s in out
            ],
            dtype=object,
        )
    out[np.isnan(r)] = "-"
    return out


def benchmark_panel(
    seed: int, tables: dict[str, pd.DataFrame] | None = None, n: int = 150
) -> pd.DataFrame:
    """Synthetic LAIT long extract: ~150 fictional LAs, region rows and England, 2016-2025.

    With `tables` (Wealdshire's generated tables), Wealdshire's own rows are its computed
    figures at each 31 March, so the panel agrees with what the engine computes for it.
    """
    rng = np.random.default_rng([seed, 8])
    las = authorities(seed, n)
    years = np.arange(2016, 2026)
    vals = _panel_values(rng, las, years)
    if tables is not None:
        head = headline(tables, [f"{y}-03-31" for y in years])
        for m, c in _HEADLINE_OF.items():
            own = head[c].to_numpy(dtype=float)
            vals[m][0] = np.where(years < _LAIT[m]["first"], np.nan, own)
    # areas created by reorganisation have '-' before they existed (as in LAIT)
    new_las = rng.choice(np.arange(1, n), size=3, replace=False)
    for i, y in zip(new_las, (2020, 2021, 2023)):
        for m in vals:
            vals[m][i, years < y] = np.nan
    weights = {m: vals["LACnum"] for m in vals}
    weights["LAC"] = np.repeat(las["pop"].to_numpy(float)[:, None], len(years), 1)
    weights["AVG_Attain8_Score"] = weights["LAC"]
    region_of = las["lait_region"].to_numpy()
    frames = []
    for m, a in vals.items():  # a loop over 13 measures
        rows_v, rows_n, rows_code, rows_reg = (
            [a],
            [las["name"].to_numpy()],
            [las["LA"].to_numpy(int)],
            [region_of],
        )
        for code, name, regs in _REGION_ROWS:
            sel = np.ones(n, bool) if regs is None else np.isin(region_of, regs)
            x = np.where(np.isnan(a[sel]), 0, a[sel])
            w = np.where(np.isnan(a[sel]), 0, weights[m][sel])
            agg = (
                x.sum(0)
                if m in ("LACnum", "LACnum_Start", "LACceased")
                else (x * w).sum(0) / np.maximum(w.sum(0), 1e-9)
            )
            agg = np.where(w.sum(0) > 0, agg, np.nan)
            rows_v.append(agg[None, :])
            rows_n.append(np.array([name]))
            rows_code.append(np.array([code]))
            rows_reg.append(np.array(["NA"]))
        allv = np.vstack(rows_v)
        names, codes_, regs_ = (np.concatenate(x) for x in (rows_n, rows_code, rows_reg))
        k = len(names)
        flat = allv.T.ravel()  # year-major, as LAIT orders its rows
        values = _format_values(rng, m, flat)
        # a few suppressed or unavailable cells among the LAs
        is_la = np.tile((codes_ < 900) & (codes_ != 650), len(years))  # Wealdshire: as computed
        sup = is_la & (values != "-") & (rng.random(len(values)) < 0.025)
        values[sup] = choice(rng, ["-", "c", "x"], [60, 25, 15], int(sup.sum()))
        if m == "LAC_EngMaths9-4":  # small cohorts: about half of LAs suppressed
            values[is_la & (rng.random(len(values)) < 0.45)] = "-"
        item = np.where(np.repeat(years, k) == 2016, _LAIT[m]["item"] or "", "")
        frames.append(
            pd.DataFrame(
                {
                    "Short Desc": m,
                    "Data item": item,
                    "Years": np.repeat(years.astype(str), k),
                    "LA and Regions": np.tile(names, len(years)),
                    "Values": values,
                    "LA Number": np.tile(codes_, len(years)),
                    "Region": np.tile(regs_, len(years)),
                }
            )
        )
    panel = pd.concat(frames, ignore_index=True)
    order = {m: i for i, m in enumerate(_LAIT)}
    panel = panel.assign(_m=panel["Short Desc"].map(order), _area=panel["LA Number"] >= 900)
    panel = panel.sort_values(
        ["_m", "Years", "_area", "LA and Regions", "LA Number"], kind="stable"
    )
    first_year = panel["Short Desc"].map({m: d["first"] for m, d in _LAIT.items()})
    return panel[panel["Years"].astype(int) >= first_year].reset_index(drop=True)[LAIT_COLUMNS]


_REGION_IND = {
    "East Midlands": 1,
    "East of England": 2,
    "London": 3,
    "North East": 4,
    "North West": 5,
    "South East": 6,
    "South West": 7,
    "West Midlands": 8,
    "Yorkshire and The Humber": 9,
}


def neighbours(seed: int, n: int = 150) -> pd.DataFrame:
    """Synthetic statistical neighbours (10 per LA) in the DfE 2025 wide layout."""
    las = authorities(seed, n)
    feats = np.column_stack(
        [
            np.log(las["pop"].to_numpy(float)),
            (las["type"] == "SC").to_numpy(float),
            las["cla_rate"].to_numpy(float) / 30,
            las["att8_all"].to_numpy(float) / 4,
            las["reref"].to_numpy(float) / 5,
        ]
    )
    feats = (feats - feats.mean(0)) / feats.std(0)
    d = np.sqrt(((feats[:, None, :] - feats[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    order = np.argsort(d, axis=1, kind="stable")[:, :10]
    dist = np.take_along_axis(d, order, axis=1)
    cuts = np.quantile(dist, [0.1, 0.45, 0.8, 0.97])
    labels = np.array(["Extremely close", "Very close", "Close ", "Somewhat close", "Not close"])
    lab = labels[np.searchsorted(cuts, dist)]
    codes = las["LA"].to_numpy(int)
    out = pd.DataFrame(
        {
            "old_la_code": codes,
            "la_name": las["name"].to_numpy(),
            "region_ind": las["region"].map(_REGION_IND).to_numpy(),
            "region_name": las["region"].to_numpy(),
        }
    )
    for j in range(10):  # ten neighbour columns
        out[f"SN_{j + 1}"] = codes[order[:, j]]
        out[f"SN_{j + 1}P"] = lab[:, j]
    return out.sort_values("la_name", kind="stable").reset_index(drop=True)


_BENCH_README = """# Synthetic benchmark data (NOT real statistics)

Everything in this folder is invented by `python -m scorecard.sample` (seed {seed}). The
authorities (codes 601-760, names such as {example}) do not exist; Wealdshire (650,
E10000650, South East) is the fictional county of the bundled sample.

- `lait_long.csv`: a national panel in the layout of DfE's LAIT long extract (`Short Desc,
  Data item, Years, LA and Regions, Values, LA Number, Region`), {n_las} authorities plus
  England (970) and region rows (980-990), years 2016-2025, for the LAIT measures the
  catalogue maps. Values are strings as in LAIT; `-`, `c` and `x` mark missing or suppressed
  cells; the Data item text appears in the first year only, as LAIT has it. Spreads are
  roughly those of the published figures; no real row is copied. Wealdshire's rows are
  computed from the sample itself (years ending 31 March).
- `sn_model_wide.csv`: ten synthetic statistical neighbours per authority, in the layout of
  DfE's 2025 model (`old_la_code,la_name,region_ind,region_name,SN_1,SN_1P,...`), with a
  UTF-8 BOM and the closeness labels as DfE writes them (including `Close ` with a space).

Use it to try the benchmarking features; never present it as a comparison with real
councils.
"""


def write_benchmarks(
    out_dir: str | Path, seed: int = 2025, tables: dict[str, pd.DataFrame] | None = None
) -> list[Path]:
    """Write the synthetic LAIT panel, neighbour list and README into `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    panel = benchmark_panel(seed, tables)
    sn = neighbours(seed)
    p1, p2, p3 = out / "lait_long.csv", out / "sn_model_wide.csv", out / "README.md"
    panel.to_csv(p1, index=False, encoding="utf-8", lineterminator="\n")
    sn.to_csv(p2, index=False, encoding="utf-8-sig", lineterminator="\n")
    p3.write_text(
        _BENCH_README.format(seed=seed, n_las=len(sn), example=", ".join(sn["la_name"].iloc[:2])),
        encoding="utf-8",
    )
    return [p1, p2, p3]
