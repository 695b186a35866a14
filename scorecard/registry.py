"""The registry of measure functions, named from indicators.yaml (`measure: placement_moves`).

A measure is a plain function ``f(ds, at, by, **params) -> DataFrame`` where `ds` is a
Dataset, `at` a sorted DatetimeIndex of reference dates and `by` a list of breakdown names
(empty for none). It returns one row per reference date and breakdown value with the columns
`period_end`, the `by` columns, `numerator`, `denominator`, `value`. Its keyword parameters
and their defaults are the parameters the catalogue may set; the catalogue is checked against
them when it loads, so a typo in YAML is an error, not a silent default.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

MeasureFunc = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class Measure:
    """A registered measure: its function, parameter defaults and what it can be broken down by."""

    name: str
    func: MeasureFunc
    defaults: dict[str, Any]
    doc: str

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

    def __call__(
        self, ds: Any, at: pd.DatetimeIndex, by: list[str], params: dict[str, Any]
    ) -> pd.DataFrame:
        return self.func(ds, at, by, **{**self.defaults, **params})


registry: dict[str, Measure] = {}


def measure(name: str | None = None) -> Callable[[MeasureFunc], MeasureFunc]:
    """Register a measure function under `name` (default: the function's name)."""

    def register(func: MeasureFunc) -> MeasureFunc:
        key = name or func.__name__
        sig = inspect.signature(func)
        defaults = {
            p.name: (list(p.default) if isinstance(p.default, tuple) else p.default)
            for p in sig.parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        }
        if key in registry:
            raise ValueError(f"measure {key!r} registered twice")
        registry[key] = Measure(key, func, defaults, inspect.getdoc(func) or "")
        return func

    return register
