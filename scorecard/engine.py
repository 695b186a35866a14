"""`compute`: an indicator of the catalogue over a dataset, at reference dates, by breakdown."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .breakdowns import BreakdownError, normalise_by
from .catalogue import Catalogue, Indicator, load_catalogue
from .dataset import Dataset, MissingTableError
from .periods import DATE_DTYPE, parse_at
from .registry import registry

RESULT_COLUMNS = ["indicator", "period_end", "numerator", "denominator", "value"]

_default_catalogue: Catalogue | None = None


def default_catalogue() -> Catalogue:
    """The bundled catalogue, loaded once."""
    global _default_catalogue
    if _default_catalogue is None:
        _default_catalogue = load_catalogue()
    return _default_catalogue


def resolve_indicator(indicator: str | Indicator, catalogue: Catalogue | None = None) -> Indicator:
    """An Indicator from an id (looked up in `catalogue`, default the bundled one) or itself."""
    if isinstance(indicator, Indicator):
        return indicator
    return (catalogue or default_catalogue()).get(indicator)


def missing_tables(ind: Indicator, ds: Dataset) -> list[str]:
    """Tables `ind` needs that `ds` lacks."""
    return [t for t in ind.tables if t not in ds.tables]


def compute(
    indicator: str | Indicator,
    dataset: Dataset | None = None,
    at: object = None,
    by: str | Sequence[str] | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """Compute one indicator at one or more reference dates, optionally by breakdown.

    Returns a tidy frame: `indicator`, `period_end` (datetime64), the breakdown column(s),
    `numerator`, `denominator`, `value`, one row per date and breakdown value.
    `at` takes a date, an ISO or dd/mm/YYYY string, a quarter label ('2024-25 Q4'), or a list.
    With no dataset, the bundled sample is used.
    """
    ind = resolve_indicator(indicator, catalogue)
    if dataset is None:
        from .inputs import load_dataset

        dataset = load_dataset()
    ats = parse_at(at)
    by_list = normalise_by(by)
    _check_breakdowns(ind, by_list, dataset)
    need = missing_tables(ind, dataset)
    if need:
        raise MissingTableError(
            f"{ind.id} needs the table(s) {', '.join(need)}, which the dataset does not have "
            f"(it has: {', '.join(dataset.names) or 'none'})."
        )
    measure = registry[ind.measure]
    frame = measure(dataset, ats, by_list, ind.params)
    return _tidy(frame, ind.id, by_list)


def _check_breakdowns(ind: Indicator, by: list[str], ds: Dataset) -> None:
    for name in by:
        if name == "LA" and ds.pooled:
            continue
        if name not in ind.breakdowns:
            allowed = ", ".join(ind.breakdowns) if ind.breakdowns else "nothing"
            extra = " (and LA on pooled data)" if ind.breakdowns else ""
            raise BreakdownError(
                f"{ind.id} cannot be broken down by {name!r}; it can be broken down by "
                f"{allowed}{extra}. Add the breakdown to its `breakdowns:` in indicators.yaml "
                "if the measure supports it."
            )


def _tidy(frame: pd.DataFrame, indicator_id: str, by: list[str]) -> pd.DataFrame:
    out = frame.copy()
    out.insert(0, "indicator", indicator_id)
    out["period_end"] = np.asarray(out["period_end"], dtype=DATE_DTYPE)
    for col in ("numerator", "denominator", "value"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    cols = ["indicator", "period_end", *by, "numerator", "denominator", "value"]
    out = out[cols].sort_values(["period_end", *by], kind="stable").reset_index(drop=True)
    out["indicator"] = out["indicator"].astype("string")
    return out


def compute_many(
    dataset: Dataset,
    at: object,
    indicators: Iterable[str | Indicator] | None = None,
    by: str | Sequence[str] | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Compute several indicators (default: the whole catalogue).

    Returns the stacked results and, for each indicator that could not be computed (a missing
    table, an impossible breakdown), the reason. One unavailable indicator never stops the rest.
    """
    cat = catalogue or default_catalogue()
    items = [resolve_indicator(i, cat) for i in (indicators if indicators is not None else cat)]
    frames: list[pd.DataFrame] = []
    problems: dict[str, str] = {}
    for ind in items:
        try:
            frames.append(compute(ind, dataset, at=at, by=by, catalogue=cat))
        except (MissingTableError, BreakdownError) as exc:
            problems[ind.id] = str(exc)
    if frames:
        return pd.concat(frames, ignore_index=True), problems
    cols = ["indicator", "period_end", *normalise_by(by), "numerator", "denominator", "value"]
    return pd.DataFrame(columns=cols), problems
