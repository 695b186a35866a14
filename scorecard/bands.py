"""RAG bands, targets and direction of travel (SPEC section 7).

RAG
    Threshold mode (``rag.mode: threshold``) uses the thresholds in force in the financial
    year of the reference date (``indicator.thresholds('2024-25')``). With polarity:
    green when the value is at or better than the green threshold, amber when at or better
    than the amber threshold, else red. Benchmark mode (``rag.mode: benchmark``) compares
    with the statistical-neighbour value: green at or better than it, amber when no more
    than ``rag.tolerance`` (in the indicator's unit) worse, else red. Neutral indicators,
    missing values, indicators without thresholds and (benchmark mode) a missing
    neighbour value get no band (None). The value is banded as it is shown: rounded to the
    indicator's `decimals` first, half up as LAIT and Excel round (`shown_decimal`; and so is
    the neighbour value it is compared with), so a figure shown as 68.0% is never red against
    "amber at or above 68". Comparisons allow for floating-point noise (1e-9 relative) on top.

Direction of travel
    Each value is compared with the same indicator (and breakdown) at the previous quarter
    end (3 months earlier) and at the same quarter end a year earlier (12 months earlier).
    An annual indicator (``frequency: annual``: an academic or collection year's figure) has
    no change on the quarter (None); its change on the year compares the year the figure
    belongs to with the year before (2024/25 with 2023/24 at 31 March or 30 June 2025).
    The words are 'improving' / 'worsening' (by polarity; 'up' / 'down' for neutral
    indicators), 'no change' when the two values are identical, 'no significant change'
    when they differ but the small-numbers rule below does not show a real change, and
    None when the earlier value (or the current one) is missing. ``change_*`` is the
    signed difference current - earlier, in the indicator's unit.

    Small-numbers rule (a change a handful of children explain is not a trend):

    * ``percent`` with numerator/denominator: two-proportion z-test with a pooled
      proportion; a change needs ``|z| >= 1.96`` (95%, two-sided) and both denominators
      at least ``MIN_DENOMINATOR`` (10; below that the normal approximation is not to be
      trusted, and 0/3 -> 3/3 is three children).
      2/10 -> 4/10 gives z = 0.98 (not significant); 200/1000 -> 260/1000 gives z = 3.19.
    * ``count``: the exact conditional test for two Poisson counts (given the total
      ``a + b``, ``a`` is Binomial(a + b, 1/2) when the underlying rates are equal);
      two-sided p < 0.05. (This alone never calls a change of 5 or fewer children:
      0 -> 5 gives p = .0625; 0 -> 6 gives p = .031.)
    * ``rate_per_10k`` with numerator (count) and denominator (population): the same
      conditional binomial test with p0 = cur_den / (cur_den + prev_den).
    * ``days`` and ``points`` means and medians with the spread of their units (an ``sd``
      column: the standard deviation of the children's or pupils' values for a mean, the
      median's standard error times sqrt(n) for a median, as the scorecard supplies):
      Welch's test on the two, ``|change| / sqrt(sd1^2/n1 + sd2^2/n2) >= 1.96`` with
      both n at least ``MIN_DENOMINATOR``. Attainment 8 of 19.4 then 21.1 points over about
      110 pupils whose points spread by 17 gives 0.7: no significant change. (A gap to all
      pupils moves with the cohort's mean: the same test on the gap.)
    * ``days``, ``ratio``, ``points`` (ratios, and means or medians with no spread to hand),
      and percents or rates without numerator/denominator: a change only when the relative
      change ``|cur - prev| / |prev|`` is above ``REL_CHANGE_MIN`` (5%) AND both
      denominators are at least ``MIN_DENOMINATOR`` (10 children); when the denominators
      are unknown the relative rule alone applies. A previous value of 0 with a
      non-zero current value counts as a relative change of 100%.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Context, Decimal

import numpy as np
import pandas as pd

from .catalogue import Catalogue, Indicator, load_catalogue
from .periods import financial_year

Z_CRIT = 1.959963984540054  # 95% two-sided
ALPHA = 0.05
REL_CHANGE_MIN = 0.05
MIN_DENOMINATOR = 10
_RTOL = 1e-9
# wide enough to round any float (up to 1e308) to its decimals; ties away from zero
_SHOWN = Context(prec=400, rounding=ROUND_HALF_UP)

RAG_VALUES = ("green", "amber", "red")
_KEY_COLUMNS = ("indicator", "period_end")
_VALUE_COLUMNS = ("numerator", "denominator", "value")
# Columns a scorecard frame may carry that are not breakdowns (never used to match rows).
_NOT_BREAKDOWNS = frozenset(
    {
        "note",  # compute's caveat on a row: it may differ from one date to the next
        "caveat",
        "status",
        "suppressed",
        "commentary",
        "rag",
        "target",
        "sn_value",
        "england",
        "region",
        "quartile_band",
        "title",
        "unit",
        "polarity",
        "decimals",
        "domain",
        "quarter",
        "change_quarter",
        "dot_quarter",
        "change_year",
        "dot_year",
        "sd",
    }
)


# --------------------------------------------------------------------------- RAG
def _at_or_better(value: np.ndarray, limit: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """value at or better than limit, allowing for floating-point noise."""
    slack = _RTOL * np.maximum(np.abs(limit), 1.0)
    with np.errstate(invalid="ignore"):
        if higher_is_better:
            return value >= limit - slack
        return value <= limit + slack


def _band(
    value: np.ndarray, green: np.ndarray, amber: np.ndarray, higher_is_better: bool
) -> np.ndarray:
    """'green'/'amber'/'red' per element; None where value or thresholds are missing."""
    value = np.asarray(value, dtype=float)
    green = np.asarray(green, dtype=float)
    amber = np.asarray(amber, dtype=float)
    out = np.where(
        _at_or_better(value, green, higher_is_better),
        "green",
        np.where(_at_or_better(value, amber, higher_is_better), "amber", "red"),
    ).astype(object)
    out[np.isnan(value) | np.isnan(green) | np.isnan(amber)] = None
    return out


def as_shown(values: np.ndarray, decimals: int) -> np.ndarray:
    """`values` rounded to `decimals` places as the card prints them (`shown_decimal`:
    67.98 to 68.0, 20.45 to 20.5, 0.125 to 0.13); NaN stays NaN."""
    values = np.asarray(values, dtype=float)
    distinct, where = np.unique(values, return_inverse=True)  # a card holds few values
    shown = np.array([shown_value(v, decimals) for v in distinct], dtype=float)
    return shown[where].reshape(values.shape)


def shown_value(value: float, decimals: int) -> float:
    """One number rounded as the card prints it (`shown_decimal`); NaN stays NaN."""
    return float(shown_decimal(value, decimals))


def shown_decimal(value: float, decimals: int) -> Decimal:
    """`value` to `decimals` places as the card prints it: half away from zero on its
    decimal value to 15 significant digits, as Excel rounds (and DfE's LAIT with it). The
    number as stored would make a neighbours' mean of 20.45 (stored 20.4499...) 20.4 beside
    LAIT's 20.5; and a mean of ten published figures often lands on the float just below
    its decimal (24.549999999999997 for 24.55), which 15 digits read as 24.55. Never -0;
    NaN stays NaN."""
    exact = Decimal(f"{float(value):.15g}")
    if not exact.is_finite():
        return exact
    shown = exact.quantize(Decimal(1).scaleb(-decimals), context=_SHOWN)
    return shown.copy_abs() if shown.is_zero() else shown


def _is_missing(x: object) -> bool:
    return x is None or (isinstance(x, float | np.floating) and math.isnan(x)) or x is pd.NA


def rag_value(
    value: float | None,
    indicator: Indicator,
    period_end: object,
    sn_value: float | None = None,
) -> str | None:
    """RAG band of one value: 'green', 'amber', 'red', or None (neutral, missing, no rule)."""
    hib = indicator.higher_is_better
    if hib is None or indicator.rag is None or _is_missing(value):
        return None
    shown = as_shown(np.array([value]), indicator.decimals)
    if indicator.rag.mode == "benchmark":
        if _is_missing(sn_value):
            return None
        sn = as_shown(np.array([sn_value]), indicator.decimals)
        amber = sn - indicator.rag.tolerance if hib else sn + indicator.rag.tolerance
        return _band(shown, sn, amber, hib)[0]
    if _is_missing(period_end) or pd.isna(pd.Timestamp(period_end)):
        return None
    th = indicator.thresholds(financial_year(pd.Timestamp(period_end)))
    if th is None:
        return None
    return _band(shown, np.array([th.green]), np.array([th.amber]), hib)[0]


def target_for(indicator: Indicator, period_end: object) -> float | None:
    """The target in force at `period_end` (its financial year's), or None."""
    if indicator.polarity == "neutral" or _is_missing(period_end):
        return None
    if pd.isna(pd.Timestamp(period_end)):
        return None
    th = indicator.thresholds(financial_year(pd.Timestamp(period_end)))
    return None if th is None else float(th.target_value)


def _lookup(catalogue: Catalogue, ind_id: str) -> Indicator | None:
    return catalogue.get(ind_id) if ind_id in catalogue else None


def rag(
    frame: pd.DataFrame,
    catalogue: Catalogue | None = None,
    sn: pd.Series | Iterable[float] | None = None,
) -> pd.Series:
    """RAG band for every row of a compute frame (`indicator, period_end, value`).

    `sn` (aligned with `frame`, or a column `sn_value` in it) supplies the statistical-
    neighbour value for benchmark-mode indicators. Indicators not in the catalogue get None.
    Values are banded as shown: rounded to the indicator's decimals first.
    Returns an object Series ('green'/'amber'/'red'/None) on the frame's index.
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    out = np.full(len(frame), None, dtype=object)
    if sn is None and "sn_value" in frame.columns:
        sn = frame["sn_value"]
    if sn is None:
        sn_arr = np.full(len(frame), np.nan)
    else:
        raw = sn.to_numpy() if isinstance(sn, pd.Series) else list(sn)
        sn_arr = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype=float)
    if len(sn_arr) != len(frame):
        raise ValueError(f"rag: `sn` has {len(sn_arr)} values for a frame of {len(frame)} rows.")
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    ends = pd.to_datetime(frame["period_end"])
    ids = frame["indicator"].astype(object).to_numpy()
    for ind_id in pd.unique(ids):
        ind = _lookup(catalogue, ind_id)
        if ind is None or ind.higher_is_better is None or ind.rag is None:
            continue
        rows = np.flatnonzero(ids == ind_id)
        hib = ind.higher_is_better
        if ind.rag.mode == "benchmark":
            green = as_shown(sn_arr[rows], ind.decimals)
            amber = green - ind.rag.tolerance if hib else green + ind.rag.tolerance
        else:
            when = ends.iloc[rows]
            fy = when.map(lambda d: financial_year(d) if pd.notna(d) else "").to_numpy()
            green = np.full(len(rows), np.nan)
            amber = np.full(len(rows), np.nan)
            for year in pd.unique(fy):  # a handful of financial years
                th = ind.thresholds(year) if year else None
                if th is not None:
                    green[fy == year] = th.green
                    amber[fy == year] = th.amber
        out[rows] = _band(as_shown(values[rows], ind.decimals), green, amber, hib)
    return pd.Series(out, index=frame.index, name="rag", dtype=object)


# --------------------------------------------------------------------------- direction
def _significant(
    cur_num: np.ndarray,
    cur_den: np.ndarray,
    prev_num: np.ndarray,
    prev_den: np.ndarray,
    cur_val: np.ndarray,
    prev_val: np.ndarray,
    unit: str,
    cur_sd: np.ndarray | None = None,
    prev_sd: np.ndarray | None = None,
) -> np.ndarray:
    """Whether each change passes the small-numbers rule for `unit` (see module docstring)."""
    n = len(cur_val)
    has_counts = ~(np.isnan(cur_num) | np.isnan(prev_num))
    has_dens = ~(np.isnan(cur_den) | np.isnan(prev_den)) & (cur_den > 0) & (prev_den > 0)
    # the relative rule (fallback for everything without a test)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(cur_val - prev_val) / np.abs(prev_val)
    rel = np.where((prev_val == 0) & (cur_val != 0), 1.0, rel)
    big_enough = np.where(
        has_dens, (cur_den >= MIN_DENOMINATOR) & (prev_den >= MIN_DENOMINATOR), True
    )
    sig = (rel > REL_CHANGE_MIN) & big_enough
    if unit == "percent":
        use = has_counts & has_dens
        with np.errstate(divide="ignore", invalid="ignore"):
            p1, p2 = cur_num / cur_den, prev_num / prev_den
            pooled = (cur_num + prev_num) / (cur_den + prev_den)
            se = np.sqrt(pooled * (1 - pooled) * (1 / cur_den + 1 / prev_den))
            z = (p1 - p2) / se
        enough = (cur_den >= MIN_DENOMINATOR) & (prev_den >= MIN_DENOMINATOR)
        ztest = np.where(se > 0, np.abs(z) >= Z_CRIT, False) & enough
        sig = np.where(use, ztest, sig)
    elif unit in ("days", "points") and cur_sd is not None and prev_sd is not None:
        use = has_dens & ~(np.isnan(cur_sd) | np.isnan(prev_sd))
        with np.errstate(divide="ignore", invalid="ignore"):
            se = np.sqrt(cur_sd**2 / cur_den + prev_sd**2 / prev_den)
            welch = np.abs(cur_val - prev_val) / se >= Z_CRIT
        welch = np.where(se > 0, welch, cur_val != prev_val) & big_enough
        sig = np.where(use, welch, sig)
    elif unit in ("count", "rate_per_10k"):
        if unit == "count":
            a = np.where(np.isnan(cur_num), cur_val, cur_num)
            b = np.where(np.isnan(prev_num), prev_val, prev_num)
            p0 = np.full(n, 0.5)
            use = ~(np.isnan(a) | np.isnan(b))
        else:
            a, b = cur_num, prev_num
            with np.errstate(divide="ignore", invalid="ignore"):
                p0 = cur_den / (cur_den + prev_den)
            use = has_counts & has_dens
        a_ = np.where(use, np.round(a), 0).astype(np.int64)
        total = np.where(use, np.round(a) + np.round(b), 0).astype(np.int64)
        p0_ = np.where(use, p0, 0.5)
        sig = np.where(use, binomial_change(a_, total, p0_) & (total > 0), sig)
    return np.asarray(sig, dtype=bool)


def binomial_change(
    a: np.ndarray, n: np.ndarray, p: np.ndarray, alpha: float = ALPHA
) -> np.ndarray:
    """Whether the exact two-sided binomial test rejects X ~ Binomial(n, p) at X = a:
    p-value min(1, 2 min(P(X <= a), P(X >= a))) below `alpha` (integer a, n >= 0).

    The tails are summed in numpy from log factorials (no scipy.stats import: it cost the
    card's first call half a second). Their rounding error is below a millionth, so a
    p-value within 1e-5 of `alpha` (where rounding could tip the answer), a p outside
    (0, 1), or too many terms to sum, is worked out by scipy's own binomial instead: the
    answer is always scipy.stats.binom's."""
    a, n, p = (np.asarray(x) for x in (a, n, p))
    a, n = a.astype("int64"), n.astype("int64")
    p = p.astype("float64")
    n_max = int(n.max()) if n.size else 0
    if n.size * (n_max + 1) > 5_000_000:
        return _binomial_p(a, n, p) < alpha
    i = np.arange(n_max + 1)
    log_fact = np.r_[0.0, np.cumsum(np.log(np.arange(1, n_max + 1)))]
    inside = i[None, :] <= n[:, None]
    q = np.where((p > 0) & (p < 1), p, 0.5)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        log_pmf = (
            log_fact[n][:, None]
            - log_fact[i][None, :]
            - log_fact[np.where(inside, n[:, None] - i[None, :], 0)]
            + i[None, :] * np.log(q)
            + (n[:, None] - i[None, :]) * np.log1p(-q)
        )
    pmf = np.where(inside, np.exp(log_pmf), 0.0)
    lower = np.where(i[None, :] <= a[:, None], pmf, 0.0).sum(axis=1)
    upper = np.where(i[None, :] >= a[:, None], pmf, 0.0).sum(axis=1)
    pval = np.minimum(1.0, 2 * np.minimum(lower, upper))
    unsure = (np.abs(pval - alpha) <= 1e-5 * alpha) | ~((p > 0) & (p < 1))
    if unsure.any():
        pval[unsure] = _binomial_p(a[unsure], n[unsure], p[unsure])
    return pval < alpha


def _binomial_p(a: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The two-sided p-value from scipy.stats.binom's tails (see binom_cdf)."""
    return np.minimum(1.0, 2 * np.minimum(binom_cdf(a, n, p), binom_sf(a - 1, n, p)))


def binom_cdf(k: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """P(X <= k) for X ~ Binomial(n, p), integer k and n >= 0, p in [0, 1]: the figures of
    `scipy.stats.binom.cdf` from the same function it calls (importing scipy.stats would
    cost half a second)."""
    cdf, _ = _binom_tails()
    k, n = np.asarray(k, dtype="float64"), np.asarray(n, dtype="float64")
    inside = np.clip(cdf(np.clip(k, 0, n), n, p), 0, 1)
    return np.where(k < 0, 0.0, np.where(k >= n, 1.0, inside))


def binom_sf(k: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """P(X > k) for X ~ Binomial(n, p), as `scipy.stats.binom.sf` (see binom_cdf)."""
    _, sf = _binom_tails()
    k, n = np.asarray(k, dtype="float64"), np.asarray(n, dtype="float64")
    inside = np.clip(sf(np.clip(k, 0, n), n, p), 0, 1)
    return np.where(k < 0, 1.0, np.where(k >= n, 0.0, inside))


def _binom_tails() -> tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]:
    """The cdf and sf that scipy.stats.binom calls, from `scipy.special._ufuncs` (a private
    module); scipy.stats.binom's own where a scipy release has moved them (slower to import,
    the same figures)."""
    try:
        from scipy.special import _ufuncs

        return _ufuncs._binom_cdf, _ufuncs._binom_sf
    except (ImportError, AttributeError):
        from scipy.stats import binom

        return binom.cdf, binom.sf


def _words(
    cur_num,
    cur_den,
    prev_num,
    prev_den,
    cur_val,
    prev_val,
    unit: str,
    polarity: str,
    cur_sd=None,
    prev_sd=None,
) -> np.ndarray:
    """Direction-of-travel words per element (object array, None when not comparable).
    `cur_sd`, `prev_sd`: the spread of a mean's or median's units (see the module
    docstring)."""
    f = [np.asarray(x, dtype=float) for x in (cur_num, cur_den, prev_num, prev_den)]
    cur_val = np.asarray(cur_val, dtype=float)
    prev_val = np.asarray(prev_val, dtype=float)
    # fill the value from the counts when the value is missing (scalar helper use)
    if unit == "percent":
        with np.errstate(divide="ignore", invalid="ignore"):
            cur_val = np.where(np.isnan(cur_val), 100 * f[0] / f[1], cur_val)
            prev_val = np.where(np.isnan(prev_val), 100 * f[2] / f[3], prev_val)
    elif unit == "rate_per_10k":
        with np.errstate(divide="ignore", invalid="ignore"):
            cur_val = np.where(np.isnan(cur_val), 10000 * f[0] / f[1], cur_val)
            prev_val = np.where(np.isnan(prev_val), 10000 * f[2] / f[3], prev_val)
    elif unit == "count":
        cur_val = np.where(np.isnan(cur_val), f[0], cur_val)
        prev_val = np.where(np.isnan(prev_val), f[2], prev_val)
    sds = [None if x is None else np.asarray(x, dtype=float) for x in (cur_sd, prev_sd)]
    sig = _significant(f[0], f[1], f[2], f[3], cur_val, prev_val, unit, *sds)
    up = cur_val > prev_val
    if polarity == "neutral":
        moved = np.where(up, "up", "down")
    else:
        better = up if polarity == "high_is_good" else ~up
        moved = np.where(better, "improving", "worsening")
    same = np.isclose(cur_val, prev_val, rtol=_RTOL, atol=0.0)
    out = np.where(same, "no change", np.where(sig, moved, "no significant change")).astype(object)
    out[np.isnan(cur_val) | np.isnan(prev_val)] = None
    return out


def compare_change(
    cur_num: float | None,
    cur_den: float | None,
    prev_num: float | None,
    prev_den: float | None,
    unit: str,
    polarity: str,
    cur_value: float | None = None,
    prev_value: float | None = None,
) -> str | None:
    """Direction of travel between two values of one indicator (see the module docstring).

    For a percent the values default to 100 * num / den, for a rate per 10,000 to
    10000 * num / den, for a count to the numerator.
    Returns 'improving' | 'worsening' | 'up' | 'down' | 'no change' |
    'no significant change', or None when either value is missing.
    """

    def num(x: object) -> float:
        return np.nan if _is_missing(x) else float(x)

    return _words(
        [num(cur_num)],
        [num(cur_den)],
        [num(prev_num)],
        [num(prev_den)],
        [num(cur_value)],
        [num(prev_value)],
        unit,
        polarity,
    )[0]


def shift_back(ends: pd.Series, months: int) -> pd.Series:
    """The date `months` earlier; a month-end date maps to the month end (30 Jun -> 31 Mar)."""
    back = ends - pd.DateOffset(months=months)
    month_end = ends.dt.is_month_end
    back = back.where(~month_end, back + pd.offsets.MonthEnd(0))
    return back.astype("datetime64[ns]")


def direction_of_travel(
    frame: pd.DataFrame,
    catalogue: Catalogue | None = None,
    by: list[str] | None = None,
) -> pd.DataFrame:
    """Change and direction of travel against the previous quarter and a year earlier.

    `frame` is a compute frame (``indicator, period_end, [by...], numerator, denominator,
    value``) holding several reference dates. `by` defaults to every other column except
    known non-breakdown columns a scorecard frame may carry (rag, target, sn_value, title,
    unit, polarity, ...).
    An optional ``sd`` column (the spread of a mean's or median's units) lets the change of
    a mean or median in days or points be tested on its spread (see the module docstring).
    Returns one row per input row: ``indicator, period_end, [by...], change_quarter,
    dot_quarter, change_year, dot_year``.
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    if by is None:
        skip = {*_KEY_COLUMNS, *_VALUE_COLUMNS, *_NOT_BREAKDOWNS}
        by = [c for c in frame.columns if c not in skip]
    keys = ["indicator", *by]
    base = frame.copy()
    for col in _VALUE_COLUMNS:
        if col not in base.columns:
            base[col] = np.nan
        base[col] = pd.to_numeric(base[col], errors="coerce").astype(float)
    base["period_end"] = pd.to_datetime(base["period_end"]).astype("datetime64[ns]")
    spread = "sd" in base.columns
    values = [*_VALUE_COLUMNS, "sd"] if spread else list(_VALUE_COLUMNS)
    if spread:
        base["sd"] = pd.to_numeric(base["sd"], errors="coerce").astype(float)
    base = base.reset_index(drop=True)
    prev = base[[*keys, "period_end", *values]].drop_duplicates([*keys, "period_end"], keep="last")
    out = base[[*keys, "period_end"]].copy()
    annual = (
        base["indicator"]
        .map(lambda i: (ind := _lookup(catalogue, i)) is not None and ind.frequency == "annual")
        .to_numpy(dtype=bool)
    )
    # the words depend on an indicator's unit and polarity only: one pass per kind
    ind_codes, ind_ids = pd.factorize(base["indicator"])
    kinds = [
        (ind.unit, ind.polarity) if (ind := _lookup(catalogue, i)) else ("ratio", "neutral")
        for i in ind_ids
    ]
    kind_of, kind_list = pd.factorize(pd.Series(kinds, dtype=object))
    row_kind = np.append(kind_of, -1)[ind_codes]  # -1: no indicator, no words
    for label, months in (("quarter", 3), ("year", 12)):
        probe = base[keys].copy()
        probe["period_end"] = shift_back(base["period_end"], months)
        earlier = probe.merge(prev, on=[*keys, "period_end"], how="left", sort=False)
        change = base["value"].to_numpy() - earlier["value"].to_numpy()
        words = np.full(len(base), None, dtype=object)
        now = [base[c].to_numpy() for c in ("numerator", "denominator", "value")]
        then = [earlier[c].to_numpy() for c in ("numerator", "denominator", "value")]
        for k, (unit, polarity) in enumerate(kind_list):
            rows = np.flatnonzero(row_kind == k)
            words[rows] = _words(
                now[0][rows],
                now[1][rows],
                then[0][rows],
                then[1][rows],
                now[2][rows],
                then[2][rows],
                unit,
                polarity,
                base["sd"].to_numpy()[rows] if spread else None,
                earlier["sd"].to_numpy()[rows] if spread else None,
            )
        if label == "quarter":  # an annual figure has no change on the quarter
            change = np.where(annual, np.nan, change)
            words[annual] = None
        out[f"change_{label}"] = change
        out[f"dot_{label}"] = pd.Series(words, dtype=object)
    out.index = frame.index
    return out
