"""Writing the sample: CSV as councils' extracts look (dd/mm/YYYY dates), big tables Parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .benchmarks import write_benchmarks
from .county import generate

# the big tables are Parquet; the rest are CSV, as councils' extracts are
PARQUET_TABLES = ("referrals", "iro_allocations")
_WHOLE_NUMBERS = ("EM94", "PUPILS", "POP_0_17", "YEAR", "MID_YEAR")


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as dd/mm/YYYY, whole numbers without '.0', blanks as empty cells."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%d/%m/%Y").fillna("")
        elif col in _WHOLE_NUMBERS:
            out[col] = s.round().astype("Int64").astype("str").fillna("")
    return out


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Deterministic Parquet: no index, fixed compression, dates as milliseconds."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata(None)  # no pandas/pyarrow version in the bytes
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=9,
        coerce_timestamps="ms",
        allow_truncated_timestamps=True,
        store_schema=False,
    )


def write_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write tables into `out_dir` (CSV, the big ones Parquet); returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        if name in PARQUET_TABLES:
            path = out / f"{name}.parquet"
            _write_parquet(frame, path)
        else:
            path = out / f"{name}.csv"
            csv_ready(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths


def write_sample(out_dir: str | Path | None = None, seed: int = 2025) -> list[Path]:
    """Generate Wealdshire and write the sample (and `benchmarks/`) into `out_dir`.

    Default `out_dir`: the repository's `data/sample/`. Same seed, byte-identical files.
    """
    default = Path(__file__).resolve().parents[2] / "data" / "sample"
    out = Path(out_dir) if out_dir is not None else default
    tables = generate(seed)
    paths = write_tables(tables, out)
    paths += write_benchmarks(out / "benchmarks", seed, tables)
    return paths
