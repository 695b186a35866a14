"""Atomic file writes: a failed run leaves no half-written scorecard (SPEC section 10).

Each file is written to a temporary file in the same folder, flushed to disk, then moved over
the target with `os.replace` (atomic on one file system). `write_outputs` renders every
format in memory first, so an error in any renderer leaves the folder exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import write, write_many

if TYPE_CHECKING:
    from .scorecard import Scorecard

RENDERERS: dict[str, Callable[[Scorecard], bytes]] = {
    "html": lambda s: s.html().encode("utf-8"),
    "xlsx": lambda s: s.excel_bytes(),
}


# the report's names for the shared writers (`scorecard.files`)
atomic_write_many = write_many
atomic_write = write


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
