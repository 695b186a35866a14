"""PNG files drawn in a second process while this one goes on.

vl-convert keeps Python's lock while it rasterises, so threads cannot share the dozens of
PNGs a build writes with the rest of the work (the page's SVG charts, the workbook). A
`Drawer` hands them to one worker process (`python -m scorecard.pngs`, which imports only
vl-convert) and collects the bytes at the end; anything the worker could not draw (it did
not start, it died, a chart failed) is drawn here, the same way, so the files are the same
whether or not the worker helped.

The worker reads jobs from its standard input and writes PNGs to its standard output, each
a length-prefixed message; two threads here write the jobs and read the results, so that
neither pipe can fill and stop both processes.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import struct
import subprocess
import sys
import threading
from typing import IO, Any

_JOB = struct.Struct("<I")  # a job: its JSON's length, then the JSON
_RESULT = struct.Struct("<IBI")  # a result: job number, 0 drawn / 1 failed, length; then bytes
_LARGEST = 1 << 28  # bytes: no chart's PNG comes near (a longer message is not ours)


def draw(job: dict[str, Any]) -> bytes:
    """One job as PNG bytes: {'svg': text} or {'spec': Vega-Lite dict, 'version': '6.4'},
    at `scale`."""
    import vl_convert as vlc

    if "svg" in job:
        return vlc.svg_to_png(job["svg"], scale=job["scale"])
    return vlc.vegalite_to_png(job["spec"], vl_version=job["version"], scale=job["scale"])


def _read_exactly(stream: IO[bytes], n: int) -> bytes | None:
    data = stream.read(n)
    return data if len(data) == n else None


def serve(jobs: IO[bytes], results: IO[bytes]) -> None:
    """The worker: draw each job read from `jobs` until they end, writing each result."""
    while (head := _read_exactly(jobs, _JOB.size)) is not None:
        body = _read_exactly(jobs, _JOB.unpack(head)[0])
        if body is None:
            return
        job = json.loads(body)
        try:
            png, failed = draw(job), 0
        except Exception as exc:  # drawn again by the parent, which reports it
            png, failed = str(exc).encode("utf-8", "replace"), 1
        results.write(_RESULT.pack(job["id"], failed, len(png)) + png)
        results.flush()


class Drawer:
    """PNGs asked for by key, drawn by a worker process when `worker` is true; `results()`
    waits for them all. Use it as a context manager so the worker always ends."""

    def __init__(self, worker: bool = True, command: list[str] | None = None) -> None:
        self._jobs: dict[int, tuple[str, dict[str, Any]]] = {}
        self._done: dict[int, bytes] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._queue: queue.Queue[bytes | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        if worker:
            self._start(command or [sys.executable, "-m", "scorecard.pngs"])

    def _start(self, command: list[str]) -> None:
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:  # no worker: everything is drawn here
            return
        self._threads = [
            threading.Thread(target=self._write, daemon=True, name="scorecard-pngs-write"),
            threading.Thread(target=self._read, daemon=True, name="scorecard-pngs-read"),
        ]
        for t in self._threads:
            t.start()

    def _write(self) -> None:
        assert self._process is not None and self._process.stdin is not None
        stdin = self._process.stdin
        with contextlib.suppress(OSError):  # the worker gone: what it did not draw is drawn here
            while (message := self._queue.get()) is not None:
                stdin.write(message)
                stdin.flush()
        with contextlib.suppress(OSError):
            stdin.close()

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        process, stdout = self._process, self._process.stdout
        try:
            while (head := _read_exactly(stdout, _RESULT.size)) is not None:
                number, failed, size = _RESULT.unpack(head)
                if number not in self._jobs or size > _LARGEST:  # not a result of ours
                    return
                png = _read_exactly(stdout, size)
                if png is None:
                    return
                if not failed:
                    self._done[number] = png
        finally:  # ended or gone astray: a worker left writing would block on its pipe
            with contextlib.suppress(OSError):
                process.kill()

    def _add(self, key: str, job: dict[str, Any]) -> None:
        number = len(self._jobs)
        self._jobs[number] = (key, job)
        if self._process is not None:
            body = json.dumps({**job, "id": number}).encode("utf-8")
            self._queue.put(_JOB.pack(len(body)) + body)

    def svg(self, key: str, svg: str, scale: float = 2.0) -> None:
        """Draw SVG text as PNG."""
        self._add(key, {"svg": svg, "scale": scale})

    def spec(self, key: str, spec: dict[str, Any], version: str, scale: float = 2.0) -> None:
        """Draw a Vega-Lite spec (JSON-ready, as `chart.to_dict()` gives it) as PNG."""
        self._add(key, {"spec": spec, "version": version, "scale": scale})

    def results(
        self, catch: tuple[type[Exception], ...] = ()
    ) -> tuple[dict[str, bytes], dict[str, Exception]]:
        """Every PNG asked for, by key, in the order asked: the worker's, and the ones it
        did not draw drawn here; and the keys whose drawing here raised one of `catch`
        (any other error is raised)."""
        self.close()
        drawn: dict[str, bytes] = {}
        failed: dict[str, Exception] = {}
        for n, (key, job) in self._jobs.items():
            try:
                drawn[key] = self._done[n] if n in self._done else draw(job)
            except catch as exc:
                failed[key] = exc
        return drawn, failed

    def close(self) -> None:
        """No more jobs: let the worker finish what it has and end."""
        if self._process is None:
            return
        self._queue.put(None)
        for t in self._threads:
            t.join()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process = None

    def __enter__(self) -> Drawer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None and exc[0] is not None:
            self._process.kill()  # an error here: the worker's PNGs are not wanted
        self.close()


def _main() -> None:
    """The worker's entry: results go to a copy of standard output, and standard output
    itself to standard error, so nothing else printed (vl-convert's renderer, a library's
    notice) can break a message."""
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, results)


if __name__ == "__main__":
    _main()
