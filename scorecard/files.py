"""Files written whole or not at all: each to a temporary file beside its target, flushed to
disk, then moved over it with `os.replace` (atomic on one file system), so a reader never
sees half a file and a failed run leaves the old one. Used by the report, the charts and
the command line."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE = 0o600  # the user alone: lists of children


def new_file_mode() -> int:
    """The permissions a new file gets under the user's umask (0o644 under the usual 022,
    0o600 under 077): a temporary file is made 0o600 whatever the umask."""
    mask = os.umask(0o077)
    os.umask(mask)
    return 0o666 & ~mask


def stage(target: Path, data: bytes, mode: int | None = None) -> Path:
    """Write `data` to a new temporary file beside `target` with `mode` (default: as a new
    file under the user's umask); return its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, new_file_mode() if mode is None else mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_many(files: dict[Path, bytes], mode: int | None = None) -> list[Path]:
    """Stage every file as a temporary file first, then move them all into place. `mode`:
    the files' permissions (default: as a new file under the user's umask; `PRIVATE` for a
    list of children). A failure while staging removes the temporary files and leaves the
    targets untouched."""
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


def write(path: str | Path, data: bytes, mode: int | None = None) -> Path:
    """Write `data` to `path` whole or not at all (`write_many` of one file)."""
    target = Path(path)
    write_many({target: data}, mode)
    return target
