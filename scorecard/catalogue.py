"""The indicator catalogue: indicators.yaml to validated objects (SPEC section 6).

The YAML is read with the safe loader (libyaml's when installed) and validated with
pydantic; nothing in it is ever executed. Every problem in the file is reported at once,
naming the indicator and the key: each key's own checks, the checks across keys, and the
checks against the measure (its parameters, codes in the DfE code lists, breakdowns it can
carry) all run in one round.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

Unit = Literal["percent", "count", "days", "rate_per_10k", "ratio", "points"]
Polarity = Literal["high_is_good", "low_is_good", "neutral"]
Domain = Literal[
    "placement stability",
    "time in care",
    "referrals",
    "IRO",
    "care leavers",
    "education",
    "population",
    "placements",
]
Breakdown = str  # age_band, age_at_entry_band, sex, uasc, district, LA, or a child-level column


class CatalogueError(ValueError):
    """indicators.yaml is not valid; the message lists every problem."""


class Thresholds(BaseModel):
    """RAG thresholds for one year: green when at or better than `green`, amber when at or
    better than `amber`, else red. `target` defaults to the green threshold."""

    model_config = ConfigDict(extra="forbid")
    green: float
    amber: float
    target: float | None = None

    @property
    def target_value(self) -> float:
        return self.green if self.target is None else self.target


class Rag(BaseModel):
    """How an indicator is banded. `mode: threshold` uses the thresholds (per financial year
    in `by_year`, else `default`); `mode: benchmark` is green at or better than the
    statistical-neighbour average and amber within `tolerance` (in the indicator's unit)."""

    model_config = ConfigDict(extra="forbid")
    mode: Literal["threshold", "benchmark"] = "threshold"
    default: Thresholds | None = None
    by_year: dict[str, Thresholds] = Field(default_factory=dict)
    tolerance: float = 0.0

    def for_year(self, financial_year: str) -> Thresholds | None:
        """Thresholds in force in `financial_year` ('2024-25'): that year's, else the latest
        earlier year's, else the default."""
        if financial_year in self.by_year:
            return self.by_year[financial_year]
        earlier = sorted(y for y in self.by_year if y <= financial_year)
        if earlier:
            return self.by_year[earlier[-1]]
        return self.default


class EesSource(BaseModel):
    """Where the published figure sits in an explore-education-statistics file."""

    model_config = ConfigDict(extra="forbid")
    file: str
    filter: dict[str, str] = Field(default_factory=dict)
    value_column: str


class BenchmarkMap(BaseModel):
    """The published comparators for an indicator."""

    model_config = ConfigDict(extra="forbid")
    lait: str | None = None
    ees: EesSource | None = None
    scale: float = 1.0  # multiply the published value by this to get our unit
    # why our figure and the published one may differ, when their definitions cannot match
    # (the card shows it beside the comparators)
    caveat: str | None = None


class Indicator(BaseModel):
    """One indicator of the catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    domain: Domain
    description: str
    unit: Unit
    polarity: Polarity
    decimals: int = Field(ge=0, le=4)
    # months of data the figure needs up to the reference date (the window ending there; 0:
    # the date itself); a date whose history the data does not cover gives no number
    history_months: int = Field(ge=0, le=120)
    # annual: a figure of the academic or collection year, compared year on year only
    frequency: Literal["quarterly", "annual"] = "quarterly"
    measure: str
    params: dict[str, Any] = Field(default_factory=dict)
    tables: list[str]
    breakdowns: list[Breakdown] = Field(default_factory=list)
    rag: Rag | None = None
    benchmark: BenchmarkMap | None = None
    on_scorecard: bool = True
    publish_counts: bool = True  # False: the value is not a count of children (no suppression)

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Indicator:
        if (info.context or {}).get("checked_apart"):
            return self  # parse_catalogue runs the same checks on the raw data, all at once
        problems = cross_field_problems(self.model_dump())
        if problems:
            raise ValueError("; ".join(f"{key}: {msg}" for key, msg in problems))
        return self

    @property
    def academic_year(self) -> bool:
        """True for a figure of an academic year (KS4 results): its years are written
        2024/25, as schools write them, where a financial or collection year is 2024-25."""
        return self.frequency == "annual" and any(t.startswith("ks4") for t in self.tables)

    @property
    def cohort(self) -> str | None:
        """A label shared by the figures counted on one cohort: one measure, the same
        parameters but `outcome` (the care leavers' NEET, EET, in-touch and accommodation
        figures of one age range); None for an indicator without an outcome."""
        if "outcome" not in self.params:
            return None
        rest = sorted((k, repr(v)) for k, v in self.params.items() if k != "outcome")
        return f"{self.measure}:{rest}"

    @property
    def higher_is_better(self) -> bool | None:
        return {"high_is_good": True, "low_is_good": False}.get(self.polarity)

    def thresholds(self, financial_year: str) -> Thresholds | None:
        return self.rag.for_year(financial_year) if self.rag else None


def cross_field_problems(raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems that involve several keys of one indicator (tables known, RAG thresholds
    against polarity), as (key, message) pairs; tolerant of keys that are missing or of the
    wrong type (their own errors are reported apart), so every problem comes in one round."""
    from .tables import TABLES

    problems: list[tuple[str, str]] = []
    tables = raw.get("tables")
    if isinstance(tables, list):
        unknown = [t for t in tables if t not in TABLES]
        if unknown:
            problems.append(("tables", f"unknown tables {unknown}; known: {sorted(TABLES)}"))
    rag = raw.get("rag")
    if not isinstance(rag, Mapping):
        return problems
    polarity = raw.get("polarity")
    by_year = rag.get("by_year") if isinstance(rag.get("by_year"), Mapping) else {}
    years = [("default", rag.get("default")), *by_year.items()]
    if polarity == "neutral" and (rag.get("default") or by_year):
        problems.append(("rag", "a neutral indicator cannot have RAG thresholds"))
    for year, th in years:
        if not isinstance(th, Mapping):
            continue
        green, amber = th.get("green"), th.get("amber")
        if not all(isinstance(v, int | float) for v in (green, amber)):
            continue
        if polarity == "low_is_good" and green > amber:
            problems.append(
                (
                    "rag",
                    f"rag {year}: for low_is_good the green threshold ({green}) must be at or "
                    f"below the amber threshold ({amber})",
                )
            )
        if polarity == "high_is_good" and green < amber:
            problems.append(
                (
                    "rag",
                    f"rag {year}: for high_is_good the green threshold ({green}) must be at or "
                    f"above the amber threshold ({amber})",
                )
            )
    mode = rag.get("mode", "threshold")
    if mode == "threshold" and not rag.get("default") and not by_year:
        problems.append(("rag", "rag mode 'threshold' needs `default` or `by_year` thresholds"))
    bad_years = [y for y in by_year if not _is_fy(str(y))]
    if bad_years:
        problems.append(("rag", f"rag by_year keys must look like '2024-25', got {bad_years}"))
    return problems


def measure_problems(raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems between an indicator and its measure, as (key, message) pairs: an unknown
    measure, parameters it does not take, codes in no DfE code list, breakdowns that make no
    sense for it or that nothing can carry. Tolerant of bad types, like
    `cross_field_problems`."""
    from .measures import registry

    name = raw.get("measure")
    if not isinstance(name, str):
        return []
    if name not in registry:
        close = difflib.get_close_matches(name, list(registry), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        return [("measure", f"unknown measure {name!r}{hint}")]
    measure = registry[name]
    params = raw.get("params") if isinstance(raw.get("params"), Mapping) else {}
    problems = [(f"params.{k}", msg) for k, msg in measure.check_params(dict(params))]
    problems += _code_problems(measure, params)
    problems += _breakdown_problems(measure, raw)
    return problems


def _code_problems(measure: Any, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Codes in `params` checked against the DfE code lists of the collection years an
    indicator applies to: every year the lists know, up to the latest. A code in no year's
    list is an error; so is a withdrawn code whose replacements are not listed beside it
    (REC E43/E44, replaced by E45-E48 from 2018-19: the figure would count none of them
    since). A code added later (K3, Z11) or withdrawn without a successor (P2) is fine."""
    from . import codes

    merged = {**measure.defaults, **params}
    span = f"{codes.year_label(codes.FIRST_YEAR)} to {codes.year_label(codes.LAST_YEAR)}"
    problems: list[tuple[str, str]] = []
    for param, list_of in measure.codes.items():
        values = params.get(param)
        if not isinstance(values, list):
            continue
        try:
            list_name = list_of(merged)
        except (KeyError, TypeError):
            continue
        if list_name is None:
            continue
        table = codes.code_list(list_name).set_index("code")
        listed = {str(c).strip().upper() for c in values}
        for code in values:
            key = str(code).strip().upper()
            if key not in table.index:
                close = difflib.get_close_matches(key, sorted(table.index), n=3, cutoff=0.5)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                message = f"{list_name} code {code!r} is in no DfE {list_name} list ({span}){hint}"
                problems.append((f"params.{param}", message))
                continue
            last, after = int(table.at[key, "last"]), table.at[key, "replaced_by"]
            if last < codes.LAST_YEAR and after and not listed & set(after):
                problems.append(
                    (
                        f"params.{param}",
                        f"{list_name} code {code!r} was withdrawn after "
                        f"{codes.year_label(last)}; DfE replaced it with {', '.join(after)}, "
                        f"so from {codes.year_label(last + 1)} the figure would count none of "
                        "them: list them too",
                    )
                )
    return problems


def _breakdown_problems(measure: Any, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Breakdowns the measure refuses, that identify a child, or that are neither standard,
    the measure's own nor a column the indicator's tables can carry."""
    from .breakdowns import PRIVATE_COLUMNS, STANDARD_BREAKDOWNS
    from .inputs.columns import known_columns
    from .tables import TABLES

    names = raw.get("breakdowns")
    tables = raw.get("tables")
    if not isinstance(names, list):
        return []
    tables = [t for t in tables if t in TABLES] if isinstance(tables, list) else []
    carried = {c for t in tables for c in known_columns(t)}
    if {"episodes", "oc3", "ks4_cla"} & set(tables):  # units are children: header columns too
        carried |= set(known_columns("header"))
    problems: list[tuple[str, str]] = []
    for name in names:
        if name in measure.refuses:
            problems.append(
                ("breakdowns", f"{name!r} makes no sense here: {measure.refuses[name]}")
            )
        elif name in PRIVATE_COLUMNS:
            problems.append(("breakdowns", f"{name!r} identifies a child and is never a breakdown"))
        elif name not in (*STANDARD_BREAKDOWNS, *measure.offers) and name not in carried:
            offered = ", ".join([*STANDARD_BREAKDOWNS, *measure.offers])
            problems.append(
                (
                    "breakdowns",
                    f"unknown breakdown {name!r}: not a standard one ({offered}) nor a column "
                    f"its tables ({', '.join(tables) or 'none'}) can carry",
                )
            )
    return problems


def _is_fy(text: str) -> bool:
    parts = text.split("-")
    return (
        len(parts) == 2
        and len(parts[0]) == 4
        and len(parts[1]) == 2
        and parts[0].isdigit()
        and parts[1].isdigit()
        and (int(parts[0]) + 1) % 100 == int(parts[1])
    )


class Catalogue:
    """The indicators of a catalogue, in file order: list, filter by domain, look up by id."""

    def __init__(self, indicators: list[Indicator], source: str | None = None) -> None:
        self._items = {i.id: i for i in indicators}
        self.source = source

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __getitem__(self, key: str) -> Indicator:
        return self.get(key)

    @property
    def ids(self) -> list[str]:
        return list(self._items)

    @property
    def domains(self) -> list[str]:
        return list(dict.fromkeys(i.domain for i in self))

    def get(self, key: str) -> Indicator:
        """The indicator `key`; an unknown id lists the close matches."""
        try:
            return self._items[key]
        except KeyError:
            close = difflib.get_close_matches(key, self.ids, n=5, cutoff=0.5)
            close = close or [i for i in self.ids if str(key).lower() in i.lower()][:5]
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise KeyError(
                f"No indicator {key!r} in the catalogue ({self.source or 'memory'}).{hint} "
                "`scorecard indicators` lists them all; for your own indicators.yaml, load it "
                "(cat = sc.load_catalogue('my.yaml')) and pass catalogue=cat."
            ) from None

    def by_domain(self, domain: str) -> list[Indicator]:
        return [i for i in self if i.domain == domain]

    def filter(self, *, domain: str | None = None, on_scorecard: bool | None = None) -> Catalogue:
        """A new catalogue holding the indicators that match."""
        items = [
            i
            for i in self
            if (domain is None or i.domain == domain)
            and (on_scorecard is None or i.on_scorecard == on_scorecard)
        ]
        return Catalogue(items, self.source)

    def to_frame(self):
        """The catalogue as a table (id, title, domain, unit, polarity, measure, tables ...)."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "id": i.id,
                    "title": i.title,
                    "domain": i.domain,
                    "unit": i.unit,
                    "polarity": i.polarity,
                    "measure": i.measure,
                    "tables": ", ".join(i.tables),
                    "breakdowns": ", ".join(i.breakdowns),
                    "lait": i.benchmark.lait if i.benchmark else None,
                }
                for i in self
            ]
        )

    def __repr__(self) -> str:
        return f"Catalogue({len(self)} indicators from {self.source or 'memory'})"


def bundled_catalogue_path() -> Path:
    """Path of the indicators.yaml shipped with the package (or the repo root's, in a checkout)."""
    packaged = resources.files("scorecard").joinpath("indicators.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "indicators.yaml"


def parse_catalogue(data: Any, source: str = "<memory>") -> Catalogue:
    """Validate parsed YAML (a mapping with an `indicators` list) into a Catalogue.

    Every problem of the file comes in one report: each indicator's keys (pydantic), the
    checks across its keys and those against its measure run whether or not the others
    failed, so fixing one problem never reveals the next."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise CatalogueError(f"{source}: expected a top-level `indicators:` list.")
    extra = set(data) - {"indicators", "version", "defaults"}
    if extra:
        problems.append(f"top level: unknown keys {sorted(extra)}")
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for n, raw in enumerate(data["indicators"], start=1):
        if not isinstance(raw, dict):
            problems.append(f"indicator #{n}: expected a mapping of keys, got {raw!r}")
            continue
        name = raw.get("id", f"#{n}")
        found = [*cross_field_problems(raw), *measure_problems(raw)]
        problems.extend(f"indicator {name!r}, key {key!r}: {msg}" for key, msg in found)
        if raw.get("id") in seen:
            problems.append(f"indicator {name!r}: id used more than once")
        seen.add(raw.get("id"))
        try:
            ind = Indicator.model_validate(raw, context={"checked_apart": True})
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "(indicator)"
                problems.append(f"indicator {name!r}, key {loc!r}: {err['msg']}")
            continue
        if not found:
            indicators.append(ind)
    if problems:
        listing = "\n  - ".join(problems)
        raise CatalogueError(
            f"{source}: {len(problems)} problem(s) in the catalogue:\n  - {listing}"
        )
    return Catalogue(indicators, source)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue; no argument: the bundled indicators.yaml."""
    p = Path(path) if path is not None else bundled_catalogue_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogueError(f"Catalogue file not found: {p}") from None
    try:
        # libyaml's safe loader when present: the same safe subset, ten times faster
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{p}: not valid YAML: {exc}") from None
    return parse_catalogue(data, source=str(p))
