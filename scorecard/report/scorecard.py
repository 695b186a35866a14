"""The `Scorecard` object: an immutable quarterly scorecard with HTML and Excel renderings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..bands import shown_value
from ..catalogue import Catalogue, Indicator
from ..measures.facts import says_lower_bound

# the comparator columns of the scorecard frame (contract 5), in this order; filled by
# `builder.benchmark_rows` from `scorecard.benchmark.compare`, rendered by html and excel.
# published_value, quartile_band and rank: the LA's own published figure for benchmark_year;
# value_quartile_band and value_rank: where the row's current value would stand in that
# year's national distribution; the gaps are from the current value.
COMPARATOR_COLUMNS = [
    "sn_value",
    "sn_count",
    "england",
    "region",
    "published_value",
    "benchmark_year",
    "quartile_band",
    "rank",
    "n_las",
    "value_quartile_band",
    "value_rank",
    "best_value",
    "best_la",
    "gap_to_best",
    "best_neighbour_value",
    "best_neighbour",
    "gap_to_best_neighbour",
]
# the comparator columns worked out from this row's own value: withheld with it
VALUE_COMPARATORS = ("value_quartile_band", "value_rank", "gap_to_best", "gap_to_best_neighbour")
# the comparator columns holding text (the others are numbers)
COMPARATOR_TEXT = (
    "benchmark_year",
    "quartile_band",
    "value_quartile_band",
    "best_la",
    "best_neighbour",
)

FRAME_COLUMNS = [
    "domain",
    "indicator",
    "title",
    "unit",
    "polarity",
    "value",
    "numerator",
    "denominator",
    "target",
    "rag",
    "dot_quarter",
    "dot_year",
    "change_quarter",
    "change_year",
    "trend",
    *COMPARATOR_COLUMNS,
    "commentary",
    "status",
    "caveat",
    "suppressed",
]


_META = (
    "quarter",
    "period_end",
    "quarter_ends",
    "la_code",
    "la_name",
    "catalogue",
    "publish",
    "suppress_threshold",
    "benchmark_note",
    "generated",
    "by_age",
    "coverage",
    "left_out",
    "warned",
    "districts",
    "published",
)


class Scorecard:
    """A quarterly panel scorecard (immutable).

    `frame`: one row per on-scorecard indicator (see FRAME_COLUMNS), grouped by domain.
    `history`: the indicator values at every trend date (`indicator, period_end, numerator,
    denominator, value, suppressed`). `by_age`: average time in care of children who left
    care by age at entry, this year and last (`period_end, age_at_entry, numerator,
    denominator, value, note`: the note says when days are lower bounds), or None. `coverage`: lines saying which dates the data covers.
    `left_out`: rows each indicator left out because a cell it needs is unusable
    (`indicator, table, column, rule, rows`), or None. `warned`: the data's warnings each
    indicator meets (same columns; `rows` 0 for a warning on a whole file), or None.
    `districts`: the district view
    (`indicator, district, numerator, denominator, value, rag, suppressed`), or None.
    `published`: the published comparators over the years for the trend charts
    (`indicator, period_end, series, value`), or None. Methods never change the object:
    `with_commentary` returns a new scorecard. In publication mode (`publish=True`) withheld
    cells hold 'c'.
    """

    quarter: str
    period_end: pd.Timestamp
    quarter_ends: tuple[pd.Timestamp, ...]
    la_code: str | None
    la_name: str
    catalogue: Catalogue
    publish: bool
    suppress_threshold: int
    benchmark_note: str
    generated: pd.Timestamp
    by_age: pd.DataFrame | None
    coverage: tuple[str, ...]
    left_out: pd.DataFrame | None
    warned: pd.DataFrame | None
    districts: pd.DataFrame | None
    published: pd.DataFrame | None

    def __init__(
        self,
        frame: pd.DataFrame,
        history: pd.DataFrame,
        *,
        quarter: str,
        period_end: pd.Timestamp,
        quarter_ends: tuple[pd.Timestamp, ...],
        la_code: str | None,
        la_name: str,
        catalogue: Catalogue,
        publish: bool = False,
        suppress_threshold: int = 5,
        benchmark_note: str = "",
        generated: pd.Timestamp | None = None,
        by_age: pd.DataFrame | None = None,
        coverage: tuple[str, ...] = (),
        left_out: pd.DataFrame | None = None,
        warned: pd.DataFrame | None = None,
        districts: pd.DataFrame | None = None,
        published: pd.DataFrame | None = None,
    ) -> None:
        missing = [c for c in FRAME_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"Scorecard frame lacks the column(s) {missing}")
        values = {
            "_frame": frame.copy(),
            "_history": history.copy(),
            "quarter": quarter,
            "period_end": pd.Timestamp(period_end),
            "quarter_ends": tuple(pd.Timestamp(t) for t in quarter_ends),
            "la_code": la_code,
            "la_name": la_name,
            "catalogue": catalogue,
            "publish": bool(publish),
            "suppress_threshold": int(suppress_threshold),
            "benchmark_note": benchmark_note,
            "generated": generated if generated is not None else pd.Timestamp.now().floor("s"),
            "by_age": by_age.copy() if by_age is not None else None,
            "coverage": tuple(coverage),
            "left_out": left_out.copy() if left_out is not None else None,
            "warned": warned.copy() if warned is not None else None,
            "districts": districts.copy() if districts is not None else None,
            "published": published.copy() if published is not None else None,
            "_charts": {},
        }
        for k, v in values.items():
            object.__setattr__(self, k, v)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("A Scorecard is immutable; use its with_... methods.")

    # ----------------------------------------------------------------- data
    @property
    def frame(self) -> pd.DataFrame:
        """The scorecard as a tidy frame (a copy: changing it does not change the scorecard)."""
        return self._frame.copy()

    @property
    def history(self) -> pd.DataFrame:
        """Values at each trend date, long (a copy)."""
        return self._history.copy()

    def indicator(self, indicator_id: str) -> Indicator:
        return self.catalogue.get(indicator_id)

    def trend_lower_bounds(self, indicator_id: str) -> list[bool]:
        """Which points of an indicator's trend (its `trend`, oldest first) are lower bounds
        (days counted from the data's start for some children: the history's note says so),
        so that every output marks them '≥' as the card's value is."""
        f = self._frame
        trend = f.loc[f["indicator"] == indicator_id, "trend"]
        n = len(trend.iloc[0]) if len(trend) else 0
        h = self._history
        if not n or "note" not in h.columns:
            return [False] * n
        rows = h.loc[h["indicator"] == indicator_id].drop_duplicates("period_end")
        notes = rows.set_index("period_end")["note"].sort_index()
        if self.catalogue.get(indicator_id).frequency == "annual":
            dates = list(notes.index[-n:])  # its history holds one date a year
        else:
            dates = list(pd.DatetimeIndex(self.quarter_ends).astype(notes.index.dtype))
        flags = [says_lower_bound(note) for note in notes.reindex(dates)]
        return [False] * (n - len(flags)) + flags[-n:]

    @property
    def counts(self) -> dict[str, int]:
        """How many indicators are red, amber, green, unbanded, and withheld (publication)."""
        rag = self._frame["rag"]
        withheld = self._frame["suppressed"].astype(bool)
        return {
            "red": int((rag == "red").sum()),
            "amber": int((rag == "amber").sum()),
            "green": int((rag == "green").sum()),
            "none": int((rag.isna() & ~withheld).sum()),
            "withheld": int(withheld.sum()),
        }

    @property
    def versus_england(self) -> dict[str, int]:
        """How many banded indicators are better, worse or level with England's latest
        published figure (compared as shown, at the indicator's decimals)."""
        out = {"better": 0, "worse": 0, "level": 0}
        for _, r in self._frame.iterrows():
            sign = {"high_is_good": 1, "low_is_good": -1}.get(str(r["polarity"]))
            value, england = r["value"], r["england"]
            if sign is None or isinstance(value, str) or pd.isna(value) or pd.isna(england):
                continue
            dec = self.catalogue.get(r["indicator"]).decimals
            diff = (shown_value(value, dec) - shown_value(england, dec)) * sign
            out["better" if diff > 0 else "worse" if diff < 0 else "level"] += 1
        return out

    # ----------------------------------------------------------------- fluent changes
    def _replace(self, **changes: object) -> Scorecard:
        kwargs = {name: getattr(self, name) for name in _META}
        frame = changes.pop("frame", self._frame)
        keep_charts = "history" not in changes and "published" not in changes
        history = changes.pop("history", self._history)
        kwargs.update(changes)
        card = Scorecard(frame, history, **kwargs)  # type: ignore[arg-type]
        if keep_charts:  # the same history: the charts drawn already still hold
            card._charts.update(self._charts)
        return card

    def with_commentary(self, notes: Mapping[str, object] | str | Path) -> Scorecard:
        """A new scorecard with commentary text for some indicators: {id: text}, or a file as
        `scorecard build --commentary` takes it (an earlier build's workbook with its
        Commentary column filled in, a CSV or a YAML file). A blank text (None, NaN, '')
        leaves the indicator's commentary as it was."""
        if isinstance(notes, str | Path):
            from .commentary import read_commentary

            notes = read_commentary(notes, self.catalogue)
        if not isinstance(notes, Mapping):
            raise TypeError(
                f"with_commentary takes {{indicator id: text}} or a file's path, not "
                f"{type(notes).__name__}; for a frame: dict(zip(df['indicator'], "
                "df['commentary']))."
            )
        notes = {k: v for k, v in notes.items() if isinstance(v, str) and v.strip()}
        unknown = sorted(set(notes) - set(self._frame["indicator"]))
        if unknown:
            raise KeyError(
                f"Commentary for indicator(s) not on this scorecard: {', '.join(unknown)}. "
                f"On it: {', '.join(self._frame['indicator'])}."
            )
        frame = self._frame.copy()
        frame["commentary"] = [
            str(notes.get(i, old)) for i, old in zip(frame["indicator"], frame["commentary"])
        ]
        return self._replace(frame=frame)

    def for_publication(self, suppress_threshold: int = 5) -> Scorecard:
        """The publication version of this (internal) scorecard, without recomputing:
        counts of 1..suppress_threshold and the figures built on them become 'c'."""
        from .builder import suppress
        from .privacy import (
            suppress_by_age,
            suppress_districts,
            suppress_left_out,
            suppress_text,
        )

        if self.publish:
            raise ValueError("This scorecard is already a publication version.")
        items = [self.catalogue.get(i) for i in self._frame["indicator"]]
        ends = pd.DatetimeIndex(self.quarter_ends)
        frame = self._frame.drop(columns="suppressed")
        history = self._history.drop(columns="suppressed", errors="ignore")
        frame, history = suppress(frame, history, items, suppress_threshold, ends)
        frame["caveat"] = frame["caveat"].map(lambda t: suppress_text(t, suppress_threshold))
        return self._replace(
            frame=frame[FRAME_COLUMNS],
            history=history,
            publish=True,
            suppress_threshold=suppress_threshold,
            by_age=suppress_by_age(self.by_age, suppress_threshold),
            left_out=suppress_left_out(self.left_out, suppress_threshold),
            warned=suppress_left_out(self.warned, suppress_threshold, texts=True),
            districts=suppress_districts(self.districts, self.catalogue, suppress_threshold),
        )

    def with_la_name(self, name: str) -> Scorecard:
        """A new scorecard titled with another authority name."""
        return self._replace(la_name=name)

    # ----------------------------------------------------------------- renderings
    def trend_charts(self) -> dict[str, str]:
        """Each indicator's trend chart as SVG text (drawn once, then kept): the values of
        `history` with target, RAG bands and the published comparators; indicators with no
        value at any date have none."""
        if not self._charts:
            from .charts import trend_svgs

            self._charts.update(trend_svgs(self))
        return dict(self._charts)

    def html(self, full_page: bool = True, charts: bool = True) -> str:
        """The scorecard as HTML text (a whole self-contained page, or the card alone for a
        notebook); `charts=False` leaves out the trend charts (faster)."""
        from .html import render_html

        return render_html(self, full_page=full_page, charts=charts)

    def excel_bytes(self) -> bytes:
        """The Excel workbook as bytes."""
        from .excel import render_excel

        return render_excel(self)

    def to_html(self, path: str | Path) -> Path:
        """Write the self-contained HTML page to `path` (.html or .htm; atomically)."""
        from .atomic import atomic_write

        return atomic_write(_named(path, (".html", ".htm")), self.html().encode("utf-8"))

    def to_excel(self, path: str | Path) -> Path:
        """Write the Excel workbook to `path` (.xlsx; atomically)."""
        from .atomic import atomic_write

        return atomic_write(_named(path, (".xlsx",)), self.excel_bytes())

    def _repr_html_(self) -> str:
        return self.html(full_page=False)

    def __repr__(self) -> str:
        c = self.counts
        mode = "publication" if self.publish else "internal"
        return (
            f"Scorecard({self.la_name}, {self.quarter}: {len(self._frame)} indicators; "
            f"{c['red']} red, {c['amber']} amber, {c['green']} green; {mode})"
        )


def _named(path: str | Path, suffixes: tuple[str, ...]) -> Path:
    """`path` when it names a file of one of `suffixes`: an HTML page saved as x.xlsx, or a
    workbook as x.csv, would not open; a folder would fail on a temporary file's name."""
    p = Path(path)
    if p.is_dir():
        raise IsADirectoryError(
            f"{p} is a folder: give a file name such as {p / ('scorecard' + suffixes[0])}"
        )
    if p.suffix.lower() not in suffixes:
        raise ValueError(
            f"{p.name}: this writes a {suffixes[0]} file; name it {p.stem}{suffixes[0]}"
        )
    return p
