"""The registry of measures, named from indicators.yaml (`measure: placement_moves`).

A measure is declared by its *unit builder*, a plain function
``f(ds, at, by, *, detail=False, **params) -> DataFrame`` where `ds` is a Dataset, `at` a
sorted DatetimeIndex of reference dates and `by` a list of breakdown names. It returns one
row per unit behind the figure (a child at a date, a referral in a window, an IRO case or
post) with `period_end`, the `by` columns, the unit's contributions `num` and `den`, the
child key `cid` where the unit is a child, and with ``detail=True`` the facts the definition
used for that unit. Its keyword parameters and their defaults are the parameters the
catalogue may set; the catalogue is checked against them when it loads, so a typo in YAML is
an error, not a silent default.

Beside the builder, `@measure(...)` declares what the engine needs to know about it: the
statistic that turns units into `numerator`, `denominator`, `value` (or a custom
aggregation), what one unit is in words, the columns it reads per table (rows whose needed
cells are unusable are left out), the code lists its code parameters come from, the
breakdowns that make no sense for it and why, the flags on units that qualify the figure
(caveats), and for annual figures the date their data must reach and the years whose results
the data does not hold (`missing`). Calling a Measure
aggregates its units, so `compute` and `units` share one code path.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .breakdowns import BreakdownError, Stat, summarise

UnitsFunc = Callable[..., pd.DataFrame]
Aggregate = Callable[[pd.DataFrame, pd.DatetimeIndex, list[str], dict[str, Any]], pd.DataFrame]
Params = dict[str, Any]
# per date, what to say about the figure built on `used` (the data as given: `source`)
Notes = Callable[[Any, Any, pd.DatetimeIndex], Mapping[pd.Timestamp, str]]
# per date, the rows left out (per table) that cannot matter to its figure: not said there
Spares = Callable[
    [Any, Mapping[str, Any], pd.DatetimeIndex], Mapping[pd.Timestamp, Mapping[str, Any]]
]


def _as_function(value: Any) -> Callable[[Params], Any]:
    """A declaration that may depend on the parameters, as a function of them."""
    return value if callable(value) else (lambda _params, _v=value: _v)


@dataclass(frozen=True)
class Measure:
    """A registered measure: its unit builder, parameter defaults and declarations."""

    name: str
    build: UnitsFunc
    defaults: dict[str, Any]
    doc: str
    stat: Callable[[Params], Stat]
    unit: str
    reads: Callable[[Params], Mapping[str, tuple[str, ...]]]
    codes: Mapping[str, Callable[[Params], str | None]] = field(default_factory=dict)
    refuses: Mapping[str, str] = field(default_factory=dict)
    offers: tuple[str, ...] = ()
    aggregate: Aggregate | None = None
    fast: Callable[..., pd.DataFrame] | None = None
    fast_by: tuple[str, ...] | None = None
    anchor: Callable[[pd.DatetimeIndex], pd.DatetimeIndex] | None = None
    missing: Callable[[Any, pd.DatetimeIndex, Params], Mapping[pd.Timestamp, str]] | None = None
    caveats: Mapping[str, str] = field(default_factory=dict)
    scale: float = 1.0
    needs_from: Callable[[pd.DatetimeIndex, Params], pd.DatetimeIndex] | None = None
    notes: Notes | None = None
    spares: Spares | None = None
    said_by_missing: tuple[str, ...] = ()

    def params(self, params: Mapping[str, Any] | None = None, **kw: Any) -> Params:
        """The defaults overridden by catalogue `params` and keyword arguments."""
        return {**self.defaults, **(params or {}), **kw}

    def stat_for(self, params: Mapping[str, Any] | None = None) -> Stat:
        """The statistic of this measure with these parameters (e.g. mean or median days)."""
        return self.stat(self.params(params))

    def check_params(self, params: dict[str, Any]) -> list[tuple[str, str]]:
        """Problems with catalogue `params` for this measure, as (key, message) pairs."""
        problems: list[tuple[str, str]] = []
        for key, value in params.items():
            if key not in self.defaults:
                allowed = ", ".join(sorted(self.defaults)) or "none"
                problems.append(
                    (key, f"measure {self.name!r} has no parameter {key!r} (allowed: {allowed})")
                )
                continue
            default = self.defaults[key]
            if default is None:
                continue
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, int | float):
                ok = isinstance(value, int | float) and not isinstance(value, bool)
            elif isinstance(default, list | tuple):
                ok = isinstance(value, list)
            else:
                ok = isinstance(value, type(default))
            if not ok:
                problems.append(
                    (key, f"expected {type(default).__name__} like {default!r}, got {value!r}")
                )
        return problems

    def check_by(self, by: list[str], who: str | None = None) -> None:
        """BreakdownError for a breakdown that makes no sense for this measure, with why."""
        for name in by:
            if name in self.refuses:
                raise BreakdownError(
                    f"{who or self.name} cannot be broken down by {name!r}: {self.refuses[name]}"
                )

    def is_fast(self, by: list[str]) -> bool:
        """Whether the figure broken down by `by` comes from the measure's fast path (no
        unit frame): it has one, serving every breakdown or those in `fast_by`."""
        return self.fast is not None and (self.fast_by is None or set(by) <= set(self.fast_by))

    def units(
        self,
        ds: Any,
        at: pd.DatetimeIndex,
        by: list[str],
        params: Mapping[str, Any] | None = None,
        /,
        *,
        detail: bool = False,
        **kw: Any,
    ) -> pd.DataFrame:
        """The units behind the figure (see the module docstring)."""
        self.check_by(by)
        return self.build(ds, at, by, detail=detail, **self.params(params, **kw))

    def __call__(
        self,
        ds: Any,
        at: pd.DatetimeIndex,
        by: list[str],
        params: Mapping[str, Any] | None = None,
        /,
        **kw: Any,
    ) -> pd.DataFrame:
        """The figure: `period_end`, the `by` columns, `numerator`, `denominator`, `value` and
        the counts of flagged units (caveats), aggregated from the units."""
        p = self.params(params, **kw)
        self.check_by(by)
        if self.is_fast(by):
            return self.fast(ds, at, by, **p)
        return self.from_units(ds, at, by, p)

    def from_units(
        self, ds: Any, at: pd.DatetimeIndex, by: list[str], params: Params
    ) -> pd.DataFrame:
        """The figure built from the units, never the fast path (which gives the same, and
        turns to this where its arrays cannot serve)."""
        units = self.build(ds, at, by, detail=False, **params)
        if self.aggregate is not None:
            return self.aggregate(units, at, by, params)
        return self.summarise(units, at, by, params)

    def summarise(
        self, units: pd.DataFrame, at: pd.DatetimeIndex, by: list[str], params: Params
    ) -> pd.DataFrame:
        """The figure from units already built (measures without their own aggregation):
        what `__call__` returns for them, so units built once can serve several views."""
        stat = self.stat(params)
        return summarise(units, at, by, stat, scale=self.scale, flags=tuple(self.caveats))


registry: dict[str, Measure] = {}


def measure(
    name: str | None = None,
    *,
    stat: Stat | Callable[[Params], Stat],
    unit: str,
    reads: Mapping[str, tuple[str, ...]] | Callable[[Params], Mapping[str, tuple[str, ...]]],
    codes: Mapping[str, str | Callable[[Params], str | None] | None] | None = None,
    refuses: Mapping[str, str] | None = None,
    offers: tuple[str, ...] = (),
    aggregate: Aggregate | None = None,
    fast: Callable[..., pd.DataFrame] | None = None,
    fast_by: tuple[str, ...] | None = None,
    anchor: Callable[[pd.DatetimeIndex], pd.DatetimeIndex] | None = None,
    missing: Callable[[Any, pd.DatetimeIndex, Params], Mapping[pd.Timestamp, str]] | None = None,
    caveats: Mapping[str, str] | None = None,
    scale: float = 1.0,
    needs_from: Callable[[pd.DatetimeIndex, Params], pd.DatetimeIndex] | None = None,
    notes: Notes | None = None,
    spares: Spares | None = None,
    said_by_missing: tuple[str, ...] = (),
) -> Callable[[UnitsFunc], Measure]:
    """Register a unit builder under `name` (default: the function's name) with its
    declarations; the module-level name becomes the Measure (calling it aggregates).
    `needs_from(at, params)`: the first day of data each date's figure needs, in place of
    the catalogue's `history_months` counted back from the date, which can be a day off
    for a window each of whose days looks back again (see `re_referrals`). `notes(source,
    used, at)`: what to say at each date about a figure built on `used` (the rate's
    population estimate older than the date calls for); `spares(source, rows, at)`: the rows
    left out that cannot matter at each date, so that its note does not name them.
    `missing(ds, at, params)`: the dates whose year's results the data does not hold, with
    why. `caveats`: a 0/1 column of the units (or of the custom aggregation's result) and
    the note said where it counts any, a template of `{n}` (the count), `{den}` (the
    denominator), `{children}` (child or children), `{s}` (the plural's s) and `{since}`
    (the date the data starts). `said_by_missing`: tables whose rows left out (an unusable
    cell) `missing` gives as the reason at the dates they matter (a year's all-pupil KS4
    row), so the engine's note on rows left out, put on every date, leaves them out.
    `fast(ds, at, by, **params)`: the figure without a unit frame, the same to the last bit
    as the units summarised; `fast_by`: the breakdowns it serves (None: all), others are
    summarised from the units."""

    def register(func: UnitsFunc) -> Measure:
        key = name or func.__name__
        sig = inspect.signature(func)
        defaults = {
            p.name: (list(p.default) if isinstance(p.default, tuple) else p.default)
            for p in sig.parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "detail"
        }
        if key in registry:
            raise ValueError(f"measure {key!r} registered twice")
        found = Measure(
            name=key,
            build=func,
            defaults=defaults,
            doc=inspect.getdoc(func) or "",
            stat=_as_function(stat),
            unit=unit,
            reads=_as_function(reads),
            codes={k: _as_function(v) for k, v in (codes or {}).items()},
            refuses=dict(refuses or {}),
            offers=tuple(offers),
            aggregate=aggregate,
            fast=fast,
            fast_by=fast_by,
            anchor=anchor,
            missing=missing,
            caveats=dict(caveats or {}),
            scale=scale,
            needs_from=needs_from,
            notes=notes,
            spares=spares,
            said_by_missing=tuple(said_by_missing),
        )
        # the builder's docstring on the Measure itself (help(), profiles name what it does)
        object.__setattr__(found, "__doc__", found.doc or Measure.__doc__)
        registry[key] = found
        return found

    return register
