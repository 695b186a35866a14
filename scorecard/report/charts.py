"""The scorecard's trend charts: each indicator's history with its target, RAG bands and
the published comparators, drawn once as SVG for the HTML page (and as PNG by the CLI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from .scorecard import Scorecard


def trend_frames(sc: Scorecard) -> dict[str, pd.DataFrame]:
    """Each indicator's history as numbers (withheld points missing), for those with at least
    one value; with the flag of the withheld points and the notes (lower bounds), so that the
    chart can say why a point is missing or marked."""
    history = sc.history
    if history.empty:
        return {}
    history["value"] = pd.to_numeric(history["value"], errors="coerce")
    for col in ("numerator", "denominator"):
        history[col] = pd.to_numeric(history[col], errors="coerce")
    keep = ["indicator", "period_end", "numerator", "denominator", "value"]
    keep += [c for c in ("suppressed", "note") if c in history.columns]
    out = {}
    for ind_id in sc.frame["indicator"]:
        part = history.loc[history["indicator"] == ind_id, keep]
        if part["value"].notna().any():
            out[str(ind_id)] = part
    return out


def trend_chart(sc: Scorecard, ind_id: str, frame: pd.DataFrame):
    """One indicator's trend chart (an Altair chart), our line named after the authority."""
    from .. import charts

    comp = None
    if sc.published is not None and len(sc.published):
        comp = sc.published.loc[sc.published["indicator"] == ind_id]
    return charts.trend(frame, ind_id, sc.catalogue, comparators=comp, authority=sc.la_name or None)


def trend_svgs(sc: Scorecard) -> dict[str, str]:
    """{indicator id: SVG text} for every indicator with a value at some trend date."""
    from .. import charts

    return {
        ind_id: charts.render(trend_chart(sc, ind_id, frame), "svg").decode("utf-8")
        for ind_id, frame in trend_frames(sc).items()
    }
