"""Where the memory peak is: a watcher for the benchmark's `--peak`.

A thread reads the process's resident memory every few milliseconds and, each time it is
higher than any reading before, notes what every other thread is doing in the project (its
innermost functions of this package). At the end the highest reading is the peak, and the
notes taken then say which steps held it: the question behind "peak memory no higher than
the peers'", which the peak alone does not answer. Linux only (it reads `/proc/self/statm`);
elsewhere `PeakWatch` records nothing and says so.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from .timing import PACKAGE, package_function

STATM = Path("/proc/self/statm")
SHOWN = 3  # project functions named per thread, the innermost last


@dataclass(frozen=True)
class Peak:
    """The highest resident memory seen, when (seconds since the watch began) and what each
    thread busy in the project was doing then ('breakdowns.py:summarise > ... ')."""

    mb: float
    seconds: float
    threads: tuple[str, ...]

    def line(self) -> str:
        doing = " | ".join(self.threads) or "none in the project's code"
        return f"{self.mb:,.0f} MB at {self.seconds:.2f} s, the threads in: {doing}"


class PeakWatch:
    """Context manager: `with PeakWatch() as w: ...` then `w.peak`; with `enabled=False` (or
    off Linux) it records nothing and `peak` is None. `root`: the package whose functions
    name what a thread is doing (this one)."""

    def __init__(self, interval: float = 0.01, enabled: bool = True, root: Path = PACKAGE):
        self.interval = interval
        self.root = root
        self.available = enabled and STATM.exists()
        self.peak: Peak | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20 if self.available else 0.0

    def __enter__(self) -> PeakWatch:
        if self.available:
            self._start = time.perf_counter()
            self._thread = threading.Thread(target=self._watch, name="scorecard-peak", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()

    def _resident_mb(self) -> float:
        return int(STATM.read_text().split()[1]) * self._page_mb

    def _watch(self) -> None:
        highest = 0.0
        while True:
            now = self._resident_mb()
            if now > highest:
                highest = now
                self.peak = Peak(now, time.perf_counter() - self._start, self._doing())
            if self._stop.wait(self.interval):
                return

    def _doing(self) -> tuple[str, ...]:
        """What each other thread is doing in the project, as its innermost functions."""
        me = threading.get_ident()
        found = []
        for ident, frame in sys._current_frames().items():
            if ident != me:
                named = self._named(frame)
                if named:
                    found.append(named)
        return tuple(found)

    def _named(self, frame: FrameType | None) -> str:
        """The thread's innermost `SHOWN` functions of the package, outermost first."""
        names: list[str] = []
        while frame is not None and len(names) < SHOWN:
            found = package_function(frame, self.root)
            if found is not None:
                names.append(":".join(found))
            frame = frame.f_back
        return " > ".join(reversed(names))
