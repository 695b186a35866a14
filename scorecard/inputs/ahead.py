"""Parquet tables read ahead. Loading first imports pandas, pandera and the loaders: most of
a second in one thread, with the machine's other cores idle. Meanwhile threads (a reader
per core) read the folder's Parquet tables into Arrow as `read` would (Arrow's reading lets
go of Python's lock; a file's columns of codes and its other columns by different readers),
and `read` takes each one ready instead of reading it again.

Imports nothing but Arrow and the column names, so that it can start before the rest. Only
a file named as a table (`episodes.parquet`) directly in the folder, and only when the
tables are large enough for a thread to pay, is read ahead; a file changed since is read
again, and one Arrow cannot read is left to `read`, which says why. What is not taken by the
end of the load is let go."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .. import threads
from ..memory import arrow_pool
from .columns import ALL_TABLES, FEW_VALUED_COLUMNS, canonical

WORTH_BYTES = 8 << 20  # Parquet bytes in the folder below which no thread is started


@dataclass(frozen=True)
class ArrowRead:
    """A Parquet file as Arrow tables: its columns of codes and the LA (`few`) as the file's
    dictionaries in `coded`, the others in `plain` (with the index pandas wrote, if any)."""

    schema: pa.Schema
    few: list[str]
    plain: pa.Table
    coded: pa.Table | None


def few_valued(schema: pa.Schema) -> list[str]:
    """The text columns of a Parquet file that hold codes or the LA (not its index)."""
    index = (schema.pandas_metadata or {}).get("index_columns", [])
    names = [
        f.name
        for f in schema
        if f.type in (pa.string(), pa.large_string())
        and canonical(f.name) in FEW_VALUED_COLUMNS
        and f.name not in index
    ]
    return names if len(set(schema.names)) == len(schema.names) else []


def read_arrow(source: str | Path | pa.BufferReader, use_threads: bool = True) -> ArrowRead:
    """A Parquet file read as `ArrowRead` (the cells pandas' `read_parquet` reads, but the
    columns of codes kept as dictionaries). Read through `ParquetFile`, not `read_table`,
    whose dataset layer imports pandas: here before pandas is wanted. `use_threads`: Arrow
    decodes the columns in its own threads (not when a reader per core reads the files)."""
    file = pq.ParquetFile(source)  # its footer read once for the schema and the plain read
    few = few_valued(file.schema_arrow)
    return ArrowRead(
        file.schema_arrow,
        few,
        _plain(file, few, use_threads),
        _coded(source, few, use_threads) if few else None,
    )


def _plain(file: pq.ParquetFile, few: list[str], use_threads: bool) -> pa.Table:
    """The columns of `file` that are not codes, as pandas reads them (its index too)."""
    columns = [n for n in file.schema_arrow.names if n not in few] if few else None
    return file.read(columns=columns, use_pandas_metadata=True, use_threads=use_threads)


def _coded(source: str | Path | pa.BufferReader, few: list[str], use_threads: bool) -> pa.Table:
    """The columns `few` of a Parquet file as the file's dictionaries."""
    return pq.ParquetFile(source, read_dictionary=few).read(columns=few, use_threads=use_threads)


def _read_part(path: str, part: str) -> ArrowRead:
    """One `part` of file `path` read as `read_arrow` reads it, in this thread: "plain" (its
    columns of codes empty), "coded" (its other columns empty) or "whole" (both)."""
    if part == "whole":
        return read_arrow(path, use_threads=False)
    file = pq.ParquetFile(path)
    few = few_valued(file.schema_arrow)
    if part == "plain":
        return ArrowRead(file.schema_arrow, few, _plain(file, few, False), None)
    return ArrowRead(file.schema_arrow, few, pa.table({}), _coded(path, few, False))


def _parts(path: str) -> tuple[str, ...]:
    """What readers read of file `path` side by side: its columns of codes apart from its
    other columns (each about half the time of the referrals), or the file whole (no codes,
    or a footer Arrow cannot read, left to `read`). With whole files, the last large one
    was read in one thread while the other cores waited."""
    try:
        return ("plain", "coded") if few_valued(pq.read_schema(path)) else ("whole",)
    except Exception:  # pyarrow raises several types for a damaged file
        return ("whole",)


def _stamp(path: Path) -> tuple[int, int]:
    """What says a file has not changed: its size and modification time."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns


@dataclass(eq=False)
class _Job:
    """A file being read ahead, in `parts` (`_parts`) that readers take in turn: `value`
    once `ready` (None when it could not be read, or the load ended first); taken once, and
    then no longer held here."""

    path: str
    stamp: tuple[int, int]
    parts: tuple[str, ...] = ("whole",)
    ready: threading.Event = field(default_factory=threading.Event)
    value: ArrowRead | None = None
    begun: int = 0  # parts handed to a reader
    read: dict[str, ArrowRead | None] = field(default_factory=dict)  # the parts read


_JOBS: dict[str, _Job] = {}  # files being read ahead, by resolved path
_LOCK = threading.Lock()


def _tables_in(path: str | Path | None) -> list[Path]:
    """The Parquet files named as tables directly in folder `path`, when together they are
    worth a thread (and threads are not turned off: `SCORECARD_THREADS=1`)."""
    if path is None or not os.path.isdir(path) or threads.workers() < 2:
        return []
    try:
        files = sorted(
            (
                f
                for f in Path(path).iterdir()
                if f.suffix.lower() == ".parquet" and f.stem.lower() in ALL_TABLES and f.is_file()
            ),
            key=lambda f: f.name.lower(),  # the order the folder is read in
        )
        return files if sum(f.stat().st_size for f in files) >= WORTH_BYTES else []
    except OSError:
        return []


def _read_each(jobs: list[_Job], stop: threading.Event) -> None:
    """Read the parts of the files of `jobs` until `stop`, the next part not yet begun each
    time (in the order of `jobs`), from the pool loading uses (buffers keep the pool they
    came from); the reader that reads a file's last part puts the file together. Several of
    these run side by side (`reading`), each decoding its part in its own thread (Arrow's
    threads as well would take the cores the imports running meanwhile need: the peers' job
    0.95 times the time), behind the imports in priority (`_behind_the_imports`)."""
    _behind_the_imports()
    with arrow_pool():
        while not stop.is_set():
            with _LOCK:
                job = next((j for j in jobs if j.begun < len(j.parts)), None)
                if job is None:
                    return
                part = job.parts[job.begun]
                job.begun += 1
            try:
                got: ArrowRead | None = _read_part(job.path, part)
            except Exception:  # left to `read`, which reads it again and says why
                got = None
            with _LOCK:
                job.read[part] = got
                if len(job.read) < len(job.parts):
                    continue
            job.value = _together(job.read)
            job.read = {}
            job.ready.set()


READER_NICENESS = 10  # how far the readers stand back from the imports (nice steps)


def _behind_the_imports() -> None:
    """Lower this reader thread's priority: the imports running meanwhile in the loading
    thread ended last, three threads sharing two cores; now they keep a core of their own
    and the readers take what is left, and every core once the imports are done (the
    peers' job 0.97 times the time, sixteen pairs, the same peak; the reading now ends
    last). Linux only, where the nice value belongs to the thread (on other systems the
    thread's id could name another process); where the system refuses, the reader runs as
    it is. A thread can lower its own priority, not raise it: these readers end with the
    load."""
    if not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        nice = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, nice + READER_NICENESS)
    except OSError:
        return


def _together(read: dict[str, ArrowRead | None]) -> ArrowRead | None:
    """A file's parts read apart (`_read_part`) as `read_arrow` reads it whole; None when
    one could not be read."""
    if "whole" in read or None in read.values():
        return read.get("whole")
    plain, coded = read["plain"], read["coded"]
    assert plain is not None and coded is not None
    return ArrowRead(plain.schema, plain.few, plain.plain, coded.coded)


@contextmanager
def reading(path: str | Path | None) -> Iterator[None]:
    """Inside the block, the Parquet tables of folder `path` are read in threads, one per
    core (a file's reading has steps in one thread that another file's can fill), the
    largest file first: in the folder's order, the referrals (the largest) were read last,
    one part still being read when every other was done (loading the pooled folder after
    the imports: 0.93 times the time, twelve pairs). At the block's end what was not taken
    is let go, and the threads have ended."""
    found: list[_Job] = []
    for f in _tables_in(path):
        try:
            name = str(f.resolve())
            found.append(_Job(name, _stamp(f), _parts(name)))
        except OSError:
            continue
    jobs: list[_Job] = []
    with _LOCK:  # a file being read ahead already (a load inside a load) is left to it
        for job in found:
            if job.path not in _JOBS:
                jobs.append(job)
                _JOBS[job.path] = job
    if not jobs:
        yield
        return
    stop = threading.Event()
    largest_first = sorted(jobs, key=lambda job: job.stamp[0], reverse=True)
    readers = [
        threading.Thread(
            target=_read_each, args=(largest_first, stop), name="scorecard-ahead", daemon=True
        )
        for _ in range(min(threads.workers(), sum(len(job.parts) for job in jobs)))
    ]
    for reader in readers:
        reader.start()
    try:
        yield
    finally:
        stop.set()
        with _LOCK:
            for job in jobs:
                if _JOBS.get(job.path) is job:
                    del _JOBS[job.path]
        for reader in readers:
            reader.join()
        for job in jobs:
            job.ready.set()  # a job never begun (stopped first) is not waited for
            job.value = None


def take(path: Path) -> ArrowRead | None:
    """File `path` as read ahead (waiting for it if it is being read), once; None when it
    was not read ahead, has changed since, or could not be read."""
    try:
        name = str(path.resolve())
    except OSError:
        return None
    with _LOCK:
        job = _JOBS.pop(name, None)
    if job is None:
        return None
    job.ready.wait()
    got, job.value = job.value, None
    try:
        return got if _stamp(path) == job.stamp else None
    except OSError:
        return None
