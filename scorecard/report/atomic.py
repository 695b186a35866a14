"""Atomic file writes: a failed run leaves no half-written scorecard (SPEC section 10).

Each file is written to a temporary file in the same folder, flushed to disk, then moved over
the target with `os.replace` (atomic on one file system). `write_outputs` renders every
format in memory first, so an error in any renderer leaves the folder exactly as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import stage

if TYPE_CHECKING:
    from .scorecard import Scorecard

RENDERERS: dict[str, Callable[[Scorecard], bytes]] = {
    "html": lambda s: s.html().encode("utf-8"),
    "xlsx": lambda s: s.excel_bytes(),
}


def atomic_write_many(files: dict[Path, bytes], mode: int | None = None) -> list[Path]:
    """Stage every file as a temporary file first, then move them all into place. `mode`:
    the files' permissions (default: as a new file under the user's umask; `PRIVATE` for a
    list of children).

    A failure while staging removes the temporary files and leaves the targets untouched.
    """
    staged: dict[Path, Path] = {}
    try:
        for target, data in files.items():
            staged[target] = stage(target, data, mode)
        for target, tmp in staged.items():
            os.replace(tmp, target)
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
    return list(files)


def atomic_write(path: str | Path, data: bytes, mode: int | None = None) -> Path:
    """Write `data` to `path` via a temporary file in the same folder and `os.replace`."""
    target = Path(path)
    atomic_write_many({target: data}, mode)
    return target


def output_name(scorecard: Scorecard, fmt: str) -> str:
    """A file name such as `scorecard_2024-25_Q4.html` (or `..._publication.xlsx`)."""
    label = scorecard.quarter.replace(" ", "_").replace("/", "-")
    mode = "_publication" if scorecard.publish else ""
    return f"scorecard_{label}{mode}.{fmt}"


def write_outputs(
    scorecard: Scorecard,
    out_dir: str | Path,
    formats: Sequence[str] = ("html", "xlsx"),
    stem: str | None = None,
) -> list[Path]:
    """Render every format to bytes, then write them all atomically into `out_dir`.

    Nothing is written unless every rendering succeeded. Returns the paths written.
    """
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown:
        raise ValueError(f"Unknown output format(s) {unknown}; choose from {sorted(RENDERERS)}.")
    rendered = {fmt: RENDERERS[fmt](scorecard) for fmt in formats}
    folder = Path(out_dir)
    files = {
        folder / (f"{stem}.{fmt}" if stem else output_name(scorecard, fmt)): data
        for fmt, data in rendered.items()
    }
    return atomic_write_many(files)
