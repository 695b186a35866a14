"""Files to a validated Dataset (SPEC section 3).

MINIMAL BOOTSTRAP VERSION: type coercion only. The full loader (pandera validation, error
reports, XLSX title rows, table detection by headers, data-quality checks) replaces this.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .dataset import Dataset, empty_quality

DATE_COLUMNS = {"DOB", "DECOM", "DEC", "DUC", "MC_DOB", "CINreferralDate", "CINclosureDate",
                "START", "END"}
NUMERIC_COLUMNS = {"FTE", "ATT8", "EM94", "PUPILS", "AVG_ATT8", "PCT_EM94", "POP_0_17",
                   "MID_YEAR", "YEAR", "PL_DISTANCE"}


def _coerce(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if col in DATE_COLUMNS:
            s = out[col]
            if not pd.api.types.is_datetime64_any_dtype(s):
                s = s.astype("string").str.strip()
                iso = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
                uk = pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")
                s = iso.fillna(uk)
            out[col] = s.astype("datetime64[ns]")
        elif col in NUMERIC_COLUMNS:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
        else:
            out[col] = out[col].astype("str").where(out[col].notna())
            out[col] = out[col].astype("str")
    return out


def dataset_from_frames(tables: Mapping[str, pd.DataFrame], source: str | None = None) -> Dataset:
    """A Dataset from in-memory frames, coerced like files are."""
    return Dataset({k: _coerce(v) for k, v in tables.items()}, empty_quality(), {}, source)


def bundled_sample_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "sample"


def load_dataset(path: str | Path | None = None) -> Dataset:
    """Read a directory of tables; no argument: the bundled sample."""
    p = Path(path) if path is not None else bundled_sample_path()
    frames = {}
    for f in sorted(p.iterdir()):
        if f.suffix == ".csv":
            frames[f.stem] = pd.read_csv(f, dtype=str, keep_default_na=False, na_values=[""])
        elif f.suffix == ".parquet":
            frames[f.stem] = pd.read_parquet(f)
    return dataset_from_frames(frames, source=str(p))
