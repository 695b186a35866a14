"""Where the CPU time goes: a small sampling profiler for the benchmark's `--profile`.

Every few milliseconds of CPU time the interpreter is interrupted and the CPU seconds spent
since the last interruption are charged to the innermost function of this package on the
stack, so a function's share includes the pandas, numpy and pyarrow work it asks for. That is
the question an engineer asks ("which step of ours costs what"), which a per-function
profiler such as cProfile answers only after walking its call graph, and at a higher cost.
Unix only (it uses `SIGPROF`); elsewhere `Sampler` records nothing and says so.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

PACKAGE = Path(__file__).resolve().parent
NOT_CHARGED = {"bench.py", "timing.py"}  # the benchmark's own frames: charged to what they call


@dataclass(frozen=True)
class Spent:
    """CPU seconds charged to one function, with the first sentence of its docstring."""

    where: str
    seconds: float
    what: str


class Sampler:
    """Context manager: `with Sampler() as s: ...` then `s.top(4)`; with `enabled=False`
    it records nothing (so a caller need not branch)."""

    def __init__(self, interval: float = 0.005, enabled: bool = True) -> None:
        self.interval = interval
        self.seconds: Counter[tuple[str, str]] = Counter()
        self.docs: dict[tuple[str, str], str] = {}
        self.available = enabled and hasattr(signal, "setitimer") and hasattr(signal, "SIGPROF")
        self._last = 0.0
        self._previous: object = None

    def __enter__(self) -> Sampler:
        if self.available:
            self._previous = signal.signal(signal.SIGPROF, self._tick)
            self._last = time.process_time()
            signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.available:
            signal.setitimer(signal.ITIMER_PROF, 0, 0)
            signal.signal(signal.SIGPROF, self._previous)  # type: ignore[arg-type]

    def _tick(self, signum: int, frame: FrameType | None) -> None:
        now = time.process_time()
        spent, self._last = now - self._last, now
        key = self._charge_to(frame)
        self.seconds[key] += spent

    def _charge_to(self, frame: FrameType | None) -> tuple[str, str]:
        """The innermost frame of this package (not the benchmark's own), as (file, function)."""
        while frame is not None:
            key = package_function(frame)
            if key is not None:
                if key not in self.docs:
                    self.docs[key] = _first_sentence(frame, key[1])
                return key
            frame = frame.f_back
        return ("", "outside the project (interpreter, imports, the benchmark itself)")

    def top(self, n: int, min_share: float = 0.05) -> list[Spent]:
        """The `n` functions charged the most CPU time, each at least `min_share` of it all."""
        total = sum(self.seconds.values())
        rows = []
        for (file, func), secs in self.seconds.most_common(n):
            if total and secs / total < min_share:
                break
            where = f"{file}:{func}" if file else func
            rows.append(Spent(where, secs, self.docs.get((file, func), "")))
        return rows


def package_function(frame: FrameType, root: Path = PACKAGE) -> tuple[str, str] | None:
    """(file relative to `root`, function) of a frame running code of the package at `root`
    (not the benchmark's own), else None. A comprehension or lambda is named by the function
    it is written in."""
    path = Path(frame.f_code.co_filename)
    if not path.is_relative_to(root) or path.name in NOT_CHARGED:
        return None
    return path.relative_to(root).as_posix(), frame.f_code.co_qualname.split(".<locals>.<")[0]


def _first_sentence(frame: FrameType, qualname: str) -> str:
    """The first sentence of the running function's docstring, found from its module."""
    obj: object = frame.f_globals
    for part in qualname.split("."):
        if part == "<locals>":
            return ""
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
        if obj is None:
            return ""
    doc = (getattr(obj, "__doc__", None) or "").strip()
    first = " ".join(doc.split("\n\n")[0].split()).split(". ")[0].rstrip(".")
    return first if len(first) <= 100 else first[:97].rstrip() + "..."
