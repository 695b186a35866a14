"""Local-authority identifiers: 3-digit code, 9-character code, name and region.

DfE files identify an LA by its 3-digit "old" code (Kent 886), ONS files by the
9-character code (E10000016), and some lists only by name, spelled differently from file
to file ('St. Helens' / 'St Helens', '&' / 'and', 'Bristol, City of'). `LaLookup` builds one
table from whatever is to hand (old_la_codes.csv, an EES file, la_code_list.xlsx, a loaded
benchmarks frame) and resolves any of the three forms to the 3-digit code.

Name matching (`normalise_name`): case-insensitive, '&' read as 'and', punctuation
dropped, words sorted (so 'London (Inner)' matches 'Inner London'); when that finds nothing,
the words 'city', 'of', 'the', 'county', 'borough', 'council', 'upon' are dropped as well
('Bedford Borough' ~ 'Bedford'). A name shared by a retired authority and its successor
(old Dorset 835, Dorset 838) resolves to the current one.

`LaLookup.bundled()` is the package's own list of English local authorities
(`scorecard/reference/local_authorities.csv`, its README says how it was made), so codes
and names resolve without any file. `resolve_la` is the one place an authority given by a
user (a code, a 9-character code or a name) is checked: an authority that is not in the
bundled list nor in the files given raises `UnknownLAError` naming the close matches.
"""

from __future__ import annotations

import difflib
import functools
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ENGLAND_CODE = "970"
# LAIT's codes for England's regions, and their 9-character ONS codes.
REGION_CODES: dict[str, tuple[str, str]] = {
    "North East": ("980", "E12000001"),
    "North West": ("981", "E12000002"),
    "Yorkshire and The Humber": ("982", "E12000003"),
    "East Midlands": ("983", "E12000004"),
    "West Midlands": ("984", "E12000005"),
    "East of England": ("985", "E12000006"),
    "London": ("986", "E12000007"),
    "Inner London": ("987", "E13000001"),
    "Outer London": ("988", "E13000002"),
    "South East": ("989", "E12000008"),
    "South West": ("990", "E12000009"),
}
ENGLAND_NEW_CODE = "E92000001"
# Authorities replaced by local-government reorganisation: Dorset (pre-2019), Poole,
# Bournemouth, Northamptonshire (2021), Cumbria (2023) (the `abolished` column of the
# bundled list).
RETIRED_CODES = frozenset({"835", "836", "837", "928", "909"})
NOT_LA_CODES = frozenset({ENGLAND_CODE, *(c for c, _ in REGION_CODES.values())})


class UnknownLAError(KeyError):
    """An authority that no lookup knows; `suggestions` are close matches ('886 Kent')."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = list(suggestions or [])

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


_WEAK_WORDS = {"city", "of", "the", "county", "borough", "council", "upon", "pre", "lg"}


def normalise_name(name: object, weak: bool = False) -> str:
    """A matching key for an LA or region name (see the module docstring)."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    text = str(name).casefold().replace("&", " and ")
    text = re.sub(r"[^0-9a-z]+", " ", text)
    words = [w for w in text.split() if not (weak and w in _WEAK_WORDS)]
    return " ".join(sorted(words))


def region_code(name: object) -> str | None:
    """LAIT's 3-digit code (980-990) of a region name, England 970; None if not a region."""
    key = normalise_name(name)
    if key == normalise_name("England"):
        return ENGLAND_CODE
    for region, (code, _) in REGION_CODES.items():
        if key == normalise_name(region):
            return code
    return None


def str_from_codes(codes: np.ndarray, labels: list, index: pd.Index) -> pd.Series:
    """A pandas `str` Series taking `labels[code]` per row (code -1 or a None label: NaN).

    Built with pyarrow `take`, ~10x faster than going through Python objects on 600k rows."""
    codes = np.asarray(codes)
    table = pa.array([None if lab is None else str(lab) for lab in labels], pa.large_string())
    taken = pc.take(table, pa.array(np.where(codes < 0, 0, codes), mask=codes < 0))
    return pd.Series(pd.array(taken, dtype="str"), index=index)


def map_str(values: pd.Series, func) -> pd.Series:
    """`func` applied to each distinct value of `values`, as a pandas `str` Series."""
    codes, uniques = pd.factorize(values)
    labels = [func(u) for u in uniques] or [None]
    return str_from_codes(codes, labels, values.index)


def _code_text(value: object) -> str | None:
    text = re.sub(r"\.0+$", "", str(value).strip())
    return text if text.isdigit() else None


def la_code_str(values: pd.Series) -> pd.Series:
    """3-digit codes as strings ('886') from numbers (886.0) or text (' 886 ').

    Works on the distinct values only, so a 641k-row extract costs ~170 conversions."""
    return map_str(values, _code_text)


class LaLookup:
    """Table of LAs: ``la_code`` (3-digit str), ``new_la_code``, ``la_name``, ``region``."""

    COLUMNS = ("la_code", "new_la_code", "la_name", "region")

    def __init__(self, frame: pd.DataFrame) -> None:
        df = frame.reindex(columns=list(self.COLUMNS)).copy()
        for col in self.COLUMNS:
            df[col] = df[col].astype("str").str.strip().replace({"": np.nan, "z": np.nan})
        df["la_code"] = la_code_str(df["la_code"])
        df = df.dropna(subset=["la_code"])
        # one row per code: first non-missing of each attribute
        df = df.groupby("la_code", sort=True, as_index=False).first()
        self.frame = df.reset_index(drop=True)
        self._codes = frozenset(df["la_code"]) - NOT_LA_CODES
        self._by_new = dict(zip(df["new_la_code"].str.upper(), df["la_code"], strict=False))
        if "former_new_la_codes" in frame.columns:
            former = frame[["la_code", "former_new_la_codes"]].dropna()
            for code, olds in zip(former["la_code"].astype("str"), former["former_new_la_codes"]):
                for old in str(olds).split():
                    self._by_new.setdefault(old.upper(), code)
        self._by_name = self._name_index(weak=False)
        self._by_weak = self._name_index(weak=True)

    def _name_index(self, weak: bool) -> dict[str, str]:
        # one row per authority (a few hundred): plain lists are quicker than frames here
        names, codes = self.frame["la_name"].tolist(), self.frame["la_code"].tolist()
        keys = [normalise_name(n, weak) for n in names]
        retired = [code in RETIRED_CODES for code in codes]
        index: dict[str, str] = {}
        # retired first so that a current authority of the same name wins
        for want_retired in (True, False):
            for key, code, old in zip(keys, codes, retired, strict=True):
                if key and old == want_retired:
                    index[key] = code
        if not weak:  # LAIT's names of the retired ones: 'Dorset (Pre LG)'
            for name, code, old in zip(names, codes, retired, strict=True):
                if old and isinstance(name, str):
                    index.setdefault(normalise_name(f"{name} (Pre LG)"), code)
        return index

    def __len__(self) -> int:
        return len(self._codes)

    # ---------------------------------------------------------------- building
    @classmethod
    def bundled(cls) -> LaLookup:
        """The package's list of English local authorities (reference/README.md)."""
        return _bundled()

    def plus(self, *others: object) -> LaLookup:
        """This lookup with the authorities of `others` (anything `from_any` takes) added;
        for a code in several, the first that has a value wins (this one first)."""
        parts = [self, *(LaLookup.from_any(o) for o in others if o is not None)]
        combined = LaLookup(pd.concat([p.frame for p in parts], ignore_index=True))
        by_new: dict[str, str] = {}
        for part in reversed(parts):  # earlier parts win
            by_new.update(part._by_new)
        combined._by_new = by_new
        return combined

    @classmethod
    def from_any(cls, source: object) -> LaLookup:
        """Build from a LaLookup, a frame or a file (see `from_frame` for the layouts)."""
        if isinstance(source, LaLookup):
            return source
        if isinstance(source, pd.DataFrame):
            return cls.from_frame(source)
        if isinstance(source, list | tuple):
            frames = [cls.from_any(s).frame for s in source]
            return cls(pd.concat(frames, ignore_index=True))
        path = Path(str(source))
        if path.suffix.lower() in (".xlsx", ".xls"):
            raw = pd.read_excel(path, dtype=str)
        elif path.suffix.lower() == ".parquet":
            names = pq.read_schema(path).names
            raw = pd.read_parquet(path, columns=[c for c in names if _is_la_column(c)])
        else:
            raw = pd.read_csv(
                path,
                dtype=str,
                encoding="utf-8-sig",
                keep_default_na=False,
                usecols=_is_la_column,
            )
        try:
            return cls.from_frame(raw)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> LaLookup:
        """From a frame in any of these layouts:

        - benchmarks (load_benchmarks): la_code, new_la_code, la_name, region;
        - old_la_codes.csv: la_name, old_la_code, new_la_code;
        - EES files: old_la_code, new_la_code, la_name, region_name (LA rows);
        - la_code_list.xlsx: LA Number, LA Name, Region;
        - LAIT long extract: LA Number, LA and Regions, Region.
        """
        cols = {c.strip().casefold(): c for c in df.columns}

        def pick(*names: str) -> pd.Series | None:
            for n in names:
                if n.casefold() in cols:
                    return df[cols[n.casefold()]]
            return None

        code = pick("la_code", "old_la_code", "LA Number", "LA num", "LA number")
        if code is None:
            raise ValueError(
                "cannot build an LA lookup: no 3-digit code column "
                "(la_code, old_la_code or LA Number)."
            )
        level = cols.get("geographic_level", cols.get("level"))
        if level is not None:
            positions, distinct = pd.factorize(df[level])  # a handful of levels
            wanted = [str(v).casefold() == "local authority" for v in distinct]
            keep = pd.Series(np.array([*wanted, False])[positions], index=df.index)
        else:
            keep = pd.Series(True, index=df.index)
        out = pd.DataFrame(
            {
                "la_code": code,
                "new_la_code": pick("new_la_code"),
                "la_name": pick("la_name", "LA Name", "LA and Regions"),
                "region": pick("region", "region_name", "Region", "GOReg"),
            },
            index=df.index,
        )[keep]
        if (out["la_name"].notna()).any():
            out = out.drop_duplicates()
        return cls(out)

    # ---------------------------------------------------------------- resolving
    def code(self, la: object) -> str:
        """3-digit code of `la` given as '886', 886, 886.0, 'E10000016' or a name (a number
        is taken as a code without checking it: `resolve` checks)."""
        if isinstance(la, int | np.integer) or (isinstance(la, float) and la.is_integer()):
            return str(int(la))
        text = str(la).strip()
        if re.fullmatch(r"\d+(\.0+)?", text):
            return text.split(".")[0]
        if re.fullmatch(r"[A-Za-z]\d{8}", text):
            found = self._by_new.get(text.upper())
            if found is None:
                raise self._unknown(f"No local authority has the 9-character code {text!r}", text)
            return found
        found = self.code_for_name(text)
        if found is None:
            if region_code(text) is not None:
                raise UnknownLAError(
                    f"{text!r} is {_not_la(region_code(text))}, not a local authority; give "
                    "an LA's 3-digit code or name (Kent is 886)."
                )
            raise self._unknown(f"No local authority called {text!r}", text)
        return found

    def resolve(self, la: object) -> str:
        """The 3-digit code of `la` (as `code`), checked: it must be an authority of this
        lookup, not England or a region. Raises `UnknownLAError` naming close matches."""
        code = self.code(la)
        if code in NOT_LA_CODES:
            raise UnknownLAError(
                f"{str(la).strip()!r} is {_not_la(code)}, not a local authority; give an LA's "
                "3-digit code or name (Kent is 886)."
            )
        if code not in self._codes:
            raise self._unknown(f"No local authority has the code {code!r}", code)
        return code

    def _unknown(self, what: str, text: str) -> UnknownLAError:
        close = self.suggest(text)
        hint = f" Close matches: {', '.join(close)}." if close else ""
        return UnknownLAError(
            f"{what} ({len(self)} authorities known).{hint} Give the 3-digit code, the "
            "9-character code or the name (Kent: 886, E10000016, Kent).",
            close,
        )

    def suggest(self, text: str, n: int = 5) -> list[str]:
        """Up to `n` authorities close to `text`, as '886 Kent': codes sharing its first
        digits (or nearly equal), else names that nearly match."""
        text = str(text).strip()
        codes = list(self.frame["la_code"])
        if re.fullmatch(r"\d+(\.0+)?", text):
            digits = text.split(".")[0]
            found = [c for c in codes if c.startswith(digits)] if len(digits) < 3 else []
            n = max(n, 10) if found else n  # '88': all of 880-889
            found = found or difflib.get_close_matches(digits, codes, n=n, cutoff=0.6)
        elif re.fullmatch(r"[A-Za-z]\d{8}", text):
            news = {str(k): v for k, v in self._by_new.items()}
            close = difflib.get_close_matches(text.upper(), list(news), n=n, cutoff=0.8)
            found = [news[c] for c in close]
        else:
            keys = {normalise_name(nm): c for nm, c in zip(self.frame["la_name"], codes)}
            keys.update(self._by_weak)
            close = difflib.get_close_matches(normalise_name(text), list(keys), n=n, cutoff=0.6)
            found = list(dict.fromkeys(keys[k] for k in close))
        names = dict(zip(self.frame["la_code"], self.frame["la_name"]))
        return [f"{c} {names.get(c) or ''}".strip() for c in found[:n]]

    def code_for_name(self, name: object) -> str | None:
        """3-digit code for a name, or None when nothing (or a region) matches."""
        key = normalise_name(name)
        if key in self._by_name:
            return self._by_name[key]
        if region_code(name) is not None:
            return None  # 'London' is a region, not the City of London without its 'City of'
        return self._by_weak.get(normalise_name(name, weak=True))

    def codes_for_names(self, names: pd.Series) -> pd.Series:
        """Vectorised over unique names: 3-digit code per name (NaN when unknown)."""
        uniq = pd.unique(names.dropna())
        mapping = {n: self.code_for_name(n) for n in uniq}
        return names.map(mapping)

    def new_code(self, code: object) -> str | None:
        """9-character code of a 3-digit code (None when unknown)."""
        code = self.code(code)
        if code == ENGLAND_CODE:
            return ENGLAND_NEW_CODE
        for _, (c, new) in REGION_CODES.items():
            if c == code:
                return new
        hit = self.frame.loc[self.frame["la_code"] == code, "new_la_code"]
        return None if hit.empty or pd.isna(hit.iloc[0]) else str(hit.iloc[0])

    def name(self, code: object) -> str | None:
        """Name of a 3-digit code (None when unknown)."""
        code = self.code(code)
        hit = self.frame.loc[self.frame["la_code"] == code, "la_name"]
        return None if hit.empty or pd.isna(hit.iloc[0]) else str(hit.iloc[0])

    def new_codes(self, codes: pd.Series) -> pd.Series:
        """Vectorised: 9-character codes for 3-digit codes (England and regions included)."""
        mapping = dict(zip(self.frame["la_code"], self.frame["new_la_code"], strict=True))
        mapping[ENGLAND_CODE] = ENGLAND_NEW_CODE
        mapping.update({c: new for c, new in REGION_CODES.values()})
        # each distinct code once (a LAIT extract has a few hundred on 641k rows)
        positions, distinct = pd.factorize(codes)
        found = pd.Series(distinct, dtype=object).map(mapping).astype("str").array
        return pd.Series(found.take(positions, allow_fill=True), index=codes.index)


def _not_la(code: object) -> str:
    return "England as a whole" if code == ENGLAND_CODE else "a region"


_LA_COLUMNS = {
    "la_code",
    "old_la_code",
    "la number",
    "la num",
    "new_la_code",
    "la_name",
    "la name",
    "la and regions",
    "region",
    "region_name",
    "goreg",
    "geographic_level",
    "level",
}


def _is_la_column(name: object) -> bool:
    """A column `from_frame` reads (files are read for these columns only)."""
    return str(name).strip().casefold() in _LA_COLUMNS


@functools.cache
def _bundled() -> LaLookup:
    path = resources.files("scorecard").joinpath("reference", "local_authorities.csv")
    with path.open("rb") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    return LaLookup(frame)


def resolve_la(la: object, *sources: object) -> tuple[str, str | None]:
    """(3-digit code, name) of the authority `la` ('886', 886, 'E10000016', 'Kent'), looked
    up in `sources` (benchmark frames or files, LA lists: anything `LaLookup.from_any`
    takes) and then in the bundled list of English LAs. Raises `UnknownLAError` (a
    KeyError) naming close matches when no source knows it."""
    given = [s for s in sources if s is not None]
    lookup = LaLookup.from_any(given[0] if len(given) == 1 else given) if given else None
    lookup = LaLookup.bundled() if lookup is None else lookup.plus(LaLookup.bundled())
    code = lookup.resolve(la)
    return code, lookup.name(code)


def benchmark_lookup_code(la: object, benchmarks: pd.DataFrame) -> str:
    """The 3-digit code of `la` (a code, a 9-character code or a name) among the
    authorities of a benchmarks frame, then the bundled list (`resolve_la`)."""
    text = str(la).strip()
    if re.fullmatch(r"\d{3}", text):
        return text  # a code already: no lookup built
    return resolve_la(text, benchmarks)[0]


def standard_new_codes(codes: pd.Series) -> pd.Series:
    """9-character codes for England (970) and the regions (980-990); NaN otherwise."""
    mapping = {ENGLAND_CODE: ENGLAND_NEW_CODE, **dict(REGION_CODES.values())}
    return map_str(codes, mapping.get)
