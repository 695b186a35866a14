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
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
# Bournemouth, Northamptonshire (2021), Cumbria (2023).
RETIRED_CODES = frozenset({"835", "836", "837", "928", "909"})

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
        self._by_new = dict(zip(df["new_la_code"].str.upper(), df["la_code"], strict=False))
        self._by_name = self._name_index(weak=False)
        self._by_weak = self._name_index(weak=True)

    def _name_index(self, weak: bool) -> dict[str, str]:
        keys = self.frame["la_name"].map(lambda n: normalise_name(n, weak))
        index: dict[str, str] = {}
        current = ~self.frame["la_code"].isin(RETIRED_CODES)
        # retired first so that a current authority of the same name wins
        for is_current in (False, True):
            rows = self.frame[current == is_current]
            for key, code in zip(keys[current == is_current], rows["la_code"], strict=True):
                if key:
                    index[key] = code
        return index

    def __len__(self) -> int:
        return len(self.frame)

    # ---------------------------------------------------------------- building
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
            raw = pd.read_parquet(path)
        else:
            raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
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
            keep = df[level].astype("str").str.casefold() == "local authority"
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
        """3-digit code of `la` given as '886', 886, 886.0, 'E10000016' or a name."""
        if isinstance(la, int | np.integer) or (isinstance(la, float) and la.is_integer()):
            return str(int(la))
        text = str(la).strip()
        if re.fullmatch(r"\d{3}(\.0+)?", text):
            return text.split(".")[0]
        if re.fullmatch(r"[A-Za-z]\d{8}", text):
            found = self._by_new.get(text.upper())
            if found is None:
                raise KeyError(
                    f"LA code {text!r} is not in the lookup; pass `la_lookup=` "
                    "(e.g. old_la_codes.csv or an EES file) or use the 3-digit code."
                )
            return found
        found = self.code_for_name(text)
        if found is None:
            raise KeyError(
                f"No local authority called {text!r} in the lookup ({len(self)} LAs); "
                "check the spelling or use the 3-digit code (Kent is 886)."
            )
        return found

    def code_for_name(self, name: object) -> str | None:
        """3-digit code for a name, or None when nothing (or a region) matches."""
        key = normalise_name(name)
        if key in self._by_name:
            return self._by_name[key]
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
        return codes.map(mapping).astype("str")


def standard_new_codes(codes: pd.Series) -> pd.Series:
    """9-character codes for England (970) and the regions (980-990); NaN otherwise."""
    mapping = {ENGLAND_CODE: ENGLAND_NEW_CODE, **dict(REGION_CODES.values())}
    return map_str(codes, mapping.get)
