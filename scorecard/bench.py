"""Benchmark: the whole catalogue on pooled national-scale data (SPEC section 11).

    python -m scorecard.bench                 # 150 authorities, 40 quarter ends, by LA
    python -m scorecard.bench --las 20 --quarters 8
    python -m scorecard.bench --sample        # the bundled sample, 8 quarter ends, and the
                                              # whole catalogue's units at the last one
    python -m scorecard.bench --peers DIR     # side by side with the peer programs in DIR
    python -m scorecard.bench --peers DIR --rounds 6   # each program six times, in turn
    python -m scorecard.bench --peers DIR --peak       # and where our memory peak is

Steps: generate pooled synthetic data with the seeded sample generator (once; kept in
`--data`, default `bench_data/`), time one plain read of its Parquet files (the floor), then
in a fresh process load and validate the dataset and compute every indicator at every
quarter end, broken down by LA, printing seconds per indicator, the total and peak memory.
Each timed phase runs in its own process so that its peak memory is its own; the project's
modules are compiled to bytecode first, as an installed package has them.

`--peers DIR` runs each `peer_*.py` program found in DIR (a program an analyst or data
engineer could write instead: pandas, DuckDB, Polars) on the same data, each in a fresh
process, beside the project doing the same job end to end: load and validate the episodes
and referrals tables and compute `placement_stability_short` and `re_referral_rate` by LA at
the 40 quarter ends. It prints one table: wall seconds, peak memory and the ratio to the
fastest, with each program's own breakdown; under it the floor, a fresh process that only
reads the two tables into pandas frames (what any program handing them back as pandas pays
before validating or computing). Peers that need a library the interpreter lacks are listed
as not run; `--peer-python` names another interpreter for them.

`--peak` also prints where the project's memory peaks: what each thread was doing in the
project when the resident memory was highest (read every 10 ms: `scorecard.peak`).

`--rounds N` runs the floor and the catalogue (with `--peers`, every program) N times in
turn and prints each one's median run and the ratios round by round: on a shared or virtual
machine the speed of fresh memory drifts from one run to the next (0.4 to 8 GB/s on the
development machine), so one run of each can put either program first.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .peak import PeakWatch
from .timing import Sampler

if TYPE_CHECKING:
    from .catalogue import Indicator


def _peak_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(out: Path, las: int, seed: int) -> None:
    """Write pooled synthetic tables for `las` authorities as Parquet into `out`."""
    from .sample import generate as generate_tables

    out.mkdir(parents=True, exist_ok=True)
    tables = generate_tables(seed, n_las=las)
    for name, frame in tables.items():
        frame.to_parquet(out / f"{name}.parquet", index=False)
    sizes = {name: len(frame) for name, frame in tables.items()}
    (out / "_bench.json").write_text(json.dumps({"las": las, "seed": seed, "rows": sizes}))


def plain_read(data: Path, repeat: int = 1) -> dict[str, float]:
    """Read every Parquet file with pandas, nothing else: the floor for any computation.
    The frames are all held until the last is read, as a program computing with them would.

    The median of `repeat` reads in this process (later reads are warmer than the first)."""
    import pandas as pd

    walls, cpus, rows = [], [], 0
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        frames = [pd.read_parquet(f) for f in sorted(data.glob("*.parquet"))]
        walls.append(time.perf_counter() - t0)
        rows = sum(len(frame) for frame in frames)
        del frames
        cpus.append(time.process_time() - c0)
    return {
        "seconds": statistics.median(walls),
        "cpu_seconds": statistics.median(cpus),
        "min_seconds": min(walls),
        "max_seconds": max(walls),
        "rows": rows,
        "peak_mb": _peak_mb(),
    }


def units_at_one_date(ds: object, at: object) -> dict[str, float]:
    """The whole catalogue's units (`sc.units`) at one date, after the figures (so the
    shared building blocks are warm, as when an analyst asks who is behind a figure)."""
    import scorecard as sc

    t0, c0 = time.perf_counter(), time.process_time()
    rows = 0
    for ind in sc.load_catalogue():
        try:
            rows += len(sc.units(ind, ds, at=at))
        except (sc.MissingTableError, sc.UnavailableError):
            continue
    return {
        "units_seconds": time.perf_counter() - t0,
        "units_cpu_seconds": time.process_time() - c0,
        "units_rows": rows,
    }


PROFILE_LINES = 4  # functions shown per step


def scorecard_after_loading() -> dict[str, float]:
    """The sample's whole scorecard (8 quarters of trend, no charts) built on a dataset
    loaded afresh, so no figure is already cached: what `scorecard build` pays after loading
    (the first card of the process: the report code's imports included)."""
    import scorecard as sc

    ds = sc.load_dataset()
    t0, c0 = time.perf_counter(), time.process_time()
    sc.build_scorecard(ds)
    return {"card_seconds": time.perf_counter() - t0, "card_cpu_seconds": time.process_time() - c0}


def _import_engine_and_loaders() -> None:
    """Import the loaders and the engine before the clocks start (`import scorecard` itself
    imports them on first use), so that the steps time the work, as the floor does; the
    peers' side-by-side table times whole processes, imports included."""
    import scorecard.engine
    import scorecard.inputs.load  # noqa: F401  (the package alone imports the loaders lazily)


def _sampled(profile: dict[str, list[list[object]]] | None) -> Sampler:
    """A sampler that runs only when a profile is asked for."""
    return Sampler(enabled=profile is not None)


def _record(profile: dict[str, list[list[object]]] | None, step: str, sampler: Sampler) -> None:
    if profile is not None:
        profile[step] = [[s.where, s.seconds, s.what] for s in sampler.top(PROFILE_LINES)]


@dataclass
class Computed:
    """One indicator computed for the benchmark: result rows, what failed, its own wall
    seconds and the CPU seconds of its thread."""

    rows: int
    problem: str | None
    seconds: float
    cpu_seconds: float


def _indicators(
    inds: list[str | Indicator],
    ds: object,
    ats: object,
    by: str | None,
    where: dict[str, list[list[object]]] | None,
) -> tuple[dict[str, Computed], bool]:
    """Each indicator computed and timed (by id), and whether they ran side by side in
    threads: as `compute_many` computes them on large data; one after another when a profile
    is asked for (the sampler sees the main thread only)."""
    import scorecard as sc
    from scorecard import threads
    from scorecard.engine import is_large, resolve_indicator, side_by_side

    def one(ind: Indicator) -> Computed:
        t, c = time.perf_counter(), time.thread_time()
        with _sampled(where) as sampler:
            try:
                rows, problem = len(sc.compute(ind, ds, at=ats, by=by)), None
            except Exception as exc:  # report, never hide: the figure is printed as failed
                rows, problem = 0, f"{type(exc).__name__}: {exc}"
        _record(where, ind.id, sampler)
        return Computed(rows, problem, time.perf_counter() - t, time.thread_time() - c)

    threaded = where is None and is_large(ds) and threads.workers() > 1  # type: ignore[arg-type]
    items = [resolve_indicator(i) for i in inds]
    done = side_by_side(one, items, worth=threaded)
    return dict(zip([i.id for i in items], done, strict=True)), threaded


def run_catalogue(
    data: Path | None,
    quarters: int,
    by: str | None,
    profile: bool = False,
    peak: bool = False,
) -> dict[str, object]:
    """Load (with validation) and compute every indicator at `quarters` quarter ends; on the
    bundled sample (no `data`) also the whole catalogue's units at the last one. With
    `profile`, each step's CPU time is sampled and its top functions returned; with `peak`,
    what the threads were doing when the resident memory was highest (`scorecard.peak`)."""
    import scorecard as sc
    from scorecard import footprint
    from scorecard.periods import quarter_ends

    _import_engine_and_loaders()
    where: dict[str, list[list[object]]] | None = {} if profile else None
    with PeakWatch(enabled=peak) as watch:
        t0, c0 = time.perf_counter(), time.process_time()
        with _sampled(where) as sampler:
            ds = sc.load_dataset(data)
        _record(where, "load + validate", sampler)
        load_s, load_cpu = time.perf_counter() - t0, time.process_time() - c0
        ats = quarter_ends("2024-25 Q4", quarters)
        inds = list(sc.load_catalogue())
        t, c = time.perf_counter(), time.process_time()
        done, side_by_side = _indicators(inds, ds, ats, by, where)
        compute_s, compute_cpu = time.perf_counter() - t, time.process_time() - c
        total_s, total_cpu = time.perf_counter() - t0, time.process_time() - c0
        if data is None:
            units = {**units_at_one_date(ds, ats[-1]), **scorecard_after_loading()}
        else:
            units = {}
    held = {"tables": footprint.tables_mb(ds), "building_blocks": footprint.building_blocks_mb(ds)}
    return {
        **units,
        "load_seconds": load_s,
        "load_cpu_seconds": load_cpu,
        "indicator_seconds": {i: d.seconds for i, d in done.items()},
        "indicator_cpu_seconds": {i: d.cpu_seconds for i, d in done.items()},
        "side_by_side": side_by_side,
        "compute_seconds": compute_s,
        "compute_cpu_seconds": compute_cpu,
        "total_seconds": total_s,
        "total_cpu_seconds": total_cpu,
        "result_rows": sum(d.rows for d in done.values()),
        "problems": {i: d.problem for i, d in done.items() if d.problem},
        "peak_mb": _peak_mb(),
        "held_mb": held,
        "peak_where": _peak_line(watch),
        "profile": where,
    }


PEER_INDICATORS = ("placement_stability_short", "re_referral_rate")
PEER_TABLES = ("episodes", "referrals")


def run_peer_job(
    data: Path, quarters: int, profile: bool = False, peak: bool = False
) -> dict[str, object]:
    """The peers' job done by the project: load and validate the episodes and referrals
    (a folder holding only those two tables, as the peers read), then the two indicators by
    LA at `quarters` quarter ends. With `peak`, what the threads were doing when the
    resident memory was highest (`scorecard.peak`)."""
    import scorecard as sc

    where: dict[str, list[list[object]]] | None = {} if profile else None
    with PeakWatch(enabled=peak) as watch:
        t0 = time.perf_counter()
        with _sampled(where) as sampler:
            ds = sc.load_dataset(data)  # importing the loaders too, as a user's first call does
        _record(where, "imports + load + validate", sampler)
        load_s = time.perf_counter() - t0
        ats = sc.quarter_ends("2024-25 Q4", quarters)
        out: dict[str, object] = {"load_seconds": load_s}
        t = time.perf_counter()
        done, side_by_side = _indicators(list(PEER_INDICATORS), ds, ats, "LA", where)
        out["indicators_seconds"] = time.perf_counter() - t
        out["total_seconds"] = time.perf_counter() - t0
    out["side_by_side"] = side_by_side
    for ind, d in done.items():
        if d.problem:
            raise RuntimeError(f"{ind}: {d.problem}")
        out[f"{ind}_seconds"] = d.seconds
    out["peak_where"] = _peak_line(watch)
    out["profile"] = where
    return out


def _peak_line(watch: PeakWatch) -> str | None:
    """Where the watched job's memory peaked, as one line (None when not watched)."""
    if watch.peak is None:
        return None
    return watch.peak.line()


@dataclass
class Finished:
    """A program run in a fresh process: its output, wall seconds, peak memory, and its CPU
    seconds in its own code and libraries (user) and in the kernel on its behalf (system),
    with the page faults that make most of the kernel's share on large data."""

    stdout: str
    stderr: str
    returncode: int
    seconds: float
    peak_mb: float
    user_seconds: float = 0.0
    system_seconds: float = 0.0
    page_faults: int = 0

    def figures(self) -> dict[str, float]:
        """The figures of a row of the peers' table."""
        return {
            "seconds": self.seconds,
            "peak_mb": self.peak_mb,
            "user_seconds": self.user_seconds,
            "system_seconds": self.system_seconds,
            "page_faults": self.page_faults,
        }


def _timed(cmd: list[str]) -> Finished:
    """Run `cmd`, measuring wall seconds and the peak resident memory of that process alone
    (`os.wait4` reports the child's own resource use; Linux counts a child as at least this
    process's size when it was started, about 130 MB here: far below the figures compared)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(
            out.read(),
            err.read(),
            proc.returncode,
            seconds,
            usage.ru_maxrss / 1024,
            usage.ru_utime,
            usage.ru_stime,
            usage.ru_minflt + usage.ru_majflt,
        )


def peer_input(data: Path) -> Path:
    """A folder beside the pooled data holding only the peers' two tables (links)."""
    folder = data / "peer_input"
    folder.mkdir(exist_ok=True)
    for table in PEER_TABLES:
        link = folder / f"{table}.parquet"
        if not link.exists():
            link.symlink_to((data / f"{table}.parquet").resolve())
    return folder


def warm_up(data: Path, peer_python: str | None = None) -> None:
    """One untimed read of `data` in a fresh process, and with `peer_python` an import of the
    peers' libraries, so that no timed run pays for bringing files back into memory (a
    machine that pages out what has not been used for a while makes the first run after a
    pause up to twice as slow)."""
    _timed([sys.executable, "-m", "scorecard.bench", "--phase", "read", "--data", str(data)])
    if peer_python is not None:
        libraries = ("pandas", "pyarrow.parquet", "duckdb", "polars")
        load = f"for m in {libraries}:\n try: __import__(m)\n except ImportError: pass"
        _timed([peer_python, "-c", load])


def run_peers(
    peers: Path,
    data: Path,
    python: str,
    quarters: int,
    profile: bool = False,
    rounds: int = 1,
    peak: bool = False,
) -> list[dict[str, object]]:
    """Each peer program in `peers` and the project, one fresh process each, on `data`, and
    the floor: a fresh process that reads the two tables into pandas frames and does nothing
    else. With `rounds` above 1 every program runs once a round, in an order turned by one
    each round, and each row is its run of median time with its times of every round
    (`round_seconds`), so that two programs compare round by round; with one round the floor
    is the median of three runs. With `profile` the project's run is sampled too (so its
    time is not the one to quote)."""
    folder = str(peer_input(data))
    warm_up(Path(folder), python)
    job = [sys.executable, "-m", "scorecard.bench", "--phase", "peer-job", "--data", folder]
    job += ["--quarters", str(quarters), *(["--profile"] if profile else [])]
    job += ["--peak"] if peak else []
    read = [sys.executable, "-m", "scorecard.bench", "--phase", "read", "--data", folder]
    programs: dict[str, list[str]] = {"scorecard": job, "floor": read}
    for program in sorted(peers.glob("peer_*.py")):
        programs[program.stem.removeprefix("peer_")] = [python, str(program), str(data)]
    names = list(programs)
    runs: dict[str, list[dict[str, object]]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            # the floor varies most from run to run: with one round, the median of three
            times = 3 if name == "floor" and rounds == 1 else 1
            runs[name] += [_row(name, _timed(programs[name])) for _ in range(times)]
    rows = []
    for name in names:
        done = [row for row in runs[name] if "seconds" in row]
        if len(done) < len(runs[name]):  # a failure in any round: the program's row says why
            rows.append(next(row for row in runs[name] if "error" in row))
            continue
        row = sorted(done, key=lambda row: float(row["seconds"]))[(len(done) - 1) // 2]
        if rounds > 1:
            row["round_seconds"] = [float(run["seconds"]) for run in runs[name]]
        rows.append(row)
    return rows


def _row(name: str, done: Finished) -> dict[str, object]:
    """A row of the peers' table from one run of program `name`: its figures and what it
    reports, or why it did not run."""
    if done.returncode != 0:
        missing = re.search(r"No module named '([^']+)'", done.stderr)
        why = f"needs {missing.group(1)} (pip install {missing.group(1)}, or --peer-python)"
        return {"program": name, "error": why if missing else _last_line(done.stderr)}
    if name == "floor":
        return {"program": name, **done.figures()}
    if name != "scorecard":
        return {"program": name, **done.figures(), "detail": _last_line(done.stdout)}
    got = json.loads(done.stdout.strip().splitlines()[-1])
    each = "  ".join(f"{i} {got[f'{i}_seconds']:.2f}s" for i in PEER_INDICATORS)
    detail = f"imports+load+validate {got['load_seconds']:.2f}s  " + (
        f"both indicators side by side {got['indicators_seconds']:.2f}s ({each})"
        if got.get("side_by_side")
        else each
    )
    return {
        "program": name,
        **done.figures(),
        "detail": detail,
        "profile": got.get("profile"),
        "peak_where": got.get("peak_where"),
    }


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def print_peers(rows: list[dict[str, object]]) -> None:
    """The side-by-side table: wall seconds end to end, ratio to the fastest, peak memory,
    CPU seconds in the program (user) and in the kernel (system) with the page faults; then
    the floor, what any program that hands the two tables back as pandas frames pays before
    it validates or computes anything."""
    floor = next((r for r in rows if r["program"] == "floor"), None)
    rows = [r for r in rows if r is not floor]
    ran = [r for r in rows if "seconds" in r]
    fastest = min((float(r["seconds"]) for r in ran), default=0.0)
    width = max(len(str(r["program"])) for r in rows)
    print(
        f"{'program':<{width}}  {'wall s':>7}  {'vs fastest':>10}  {'peak MB':>8}  "
        f"{'user s':>6}  {'sys s':>5}  {'faults':>7}  what it reports"
    )
    for r in sorted(ran, key=lambda r: float(r["seconds"])):
        ratio = float(r["seconds"]) / fastest if fastest else float("nan")
        print(
            f"{r['program']:<{width}}  {float(r['seconds']):7.2f}  {ratio:9.2f}x  "
            f"{float(r['peak_mb']):8,.0f}  {_cpu(r)}  {r['detail']}"
        )
    for r in rows:
        if "error" in r:
            print(f"{r['program']:<{width}}  not run: {r['error']}")
    if floor is not None:
        runs = len(floor.get("round_seconds", [])) or 3
        print(
            f"floor: a fresh process reading the two tables into pandas frames, nothing else "
            f"(median of {runs}): {float(floor['seconds']):.2f} s, "
            f"peak {float(floor['peak_mb']):,.0f} MB"
        )
    ours = next((r for r in ran if r["program"] == "scorecard"), None)
    if ours is not None and ours.get("peak_where"):
        print(f"scorecard's peak (resident memory read every 10 ms): {ours['peak_where']}")
    paired = round_ratios(rows)
    if paired:
        rounds = len(next(iter(paired.values())))
        each = "  ".join(
            f"{name} {statistics.median(r):.2f} ({min(r):.2f}-{max(r):.2f})"
            for name, r in paired.items()
        )
        print(
            f"round by round ({rounds} rounds, each program once a round, the order turned "
            f"each round; the rows above are each program's median run): scorecard's time "
            f"over each peer's, median (range): {each}"
        )
    print(
        f"(each a fresh process, end to end incl. interpreter start; load average {_load_average()};"
        " sys s: CPU time in the kernel for the program, most of it handing over fresh memory;"
        " faults: pages handed over, 4 KB each, or 2 MB as huge pages)"
    )


def held_line(held: dict[str, dict[str, float]], blocks: int = 4) -> str:
    """What the dataset held after the indicators (`scorecard.footprint`): its tables by
    kind of column and its largest cached building blocks, in MB."""

    def mb(x: float) -> str:
        return f"{x:,.0f}" if x >= 10 else f"{x:.1f}"

    tables, cached = held["tables"], held["building_blocks"]
    kinds = ", ".join(f"{kind} {mb(x)}" for kind, x in tables.items() if x)
    largest = ", ".join(f"{name} {mb(x)}" for name, x in list(cached.items())[:blocks])
    more = len(cached) - blocks
    return (
        f"held at the end (MB, data buffers only): the tables {mb(sum(tables.values()))} "
        f"({kinds}; text is identifiers, postcodes and other strings, codes are held as "
        f"categories), the cached building blocks {mb(sum(cached.values()))} "
        f"({largest}{f' and {more} more' if more > 0 else ''})"
    )


def round_ratios(rows: list[dict[str, object]]) -> dict[str, list[float]]:
    """Per peer, the project's time over the peer's in each round (runs with `rounds` above
    1); empty after one round."""
    ours = next((r for r in rows if r["program"] == "scorecard"), {})
    mine = cast("list[float]", ours.get("round_seconds", []))
    out = {}
    for row in rows:
        theirs = cast("list[float]", row.get("round_seconds", []))
        if row["program"] not in ("scorecard", "floor") and mine and len(theirs) == len(mine):
            out[str(row["program"])] = [a / b for a, b in zip(mine, theirs, strict=True) if b]
    return out


def _cpu(row: dict[str, object]) -> str:
    """User and system CPU seconds and page faults (thousands) of a row, in fixed columns."""
    faults = f"{float(row['page_faults']) / 1000:,.0f}k"
    return f"{float(row['user_seconds']):6.2f}  {float(row['system_seconds']):5.2f}  {faults:>7}"


def print_profile(profile: dict[str, list[list[object]]] | None, min_seconds: float = 0.2) -> None:
    """Where the CPU time goes: for each step of at least `min_seconds`, the project functions
    charged the most (with the library work they ask for) and what each does."""
    if not profile:
        return
    print()
    print(
        "Where the time goes (CPU seconds sampled every 5 ms, charged to the innermost project "
        "function on the stack, library calls included; steps under "
        f"{min_seconds:.1f} s left out):"
    )
    for step, top in profile.items():
        total = sum(float(s) for _, s, _ in top)
        if total < min_seconds:
            continue
        print(f"  {step}")
        for where, seconds, what in top:
            print(f"    {float(seconds):6.2f} s  {where}" + (f": {what}" if what else ""))


def compile_package() -> None:
    """The project's modules compiled to bytecode beforehand, as an installed package has
    them (pip compiles on install): in a source tree, or where PYTHONDONTWRITEBYTECODE is
    set, each timed fresh process would otherwise compile them again (0.1-0.3 s a run). A
    package folder that cannot be written is left as it is."""
    import compileall

    compileall.compile_dir(Path(__file__).parent, quiet=2)


def _child(args: list[str]) -> dict[str, object]:
    """Run one phase in a fresh interpreter and return its JSON result."""
    proc = subprocess.run(
        [sys.executable, "-m", "scorecard.bench", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scorecard.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--las", type=int, default=150, help="authorities to pool (default 150)")
    parser.add_argument("--quarters", type=int, default=40, help="quarter ends up to 2024-25 Q4")
    parser.add_argument("--data", type=Path, default=Path("bench_data"), help="pooled data folder")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--regenerate", action="store_true", help="generate the data again")
    parser.add_argument("--sample", action="store_true", help="time the bundled sample instead")
    parser.add_argument(
        "--peers", type=Path, metavar="DIR", help="run the peer_*.py programs in DIR"
    )
    parser.add_argument(
        "--peer-python",
        default=sys.executable,
        metavar="PYTHON",
        help="interpreter for the peers (they need pandas, duckdb, polars; default: this one)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print where the CPU time goes: the project's functions that take the most "
        "in each step, with what they do (the profiled run works in one thread)",
    )
    parser.add_argument(
        "--peak",
        action="store_true",
        help="also print where the memory peak is: what each thread was doing in the "
        "project when the resident memory was highest (read every 10 ms; Linux)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        metavar="N",
        help="run the floor and the catalogue (with --peers: every program) N times in turn "
        "and compare them round by round: on a shared or virtual machine one run of each can "
        "put either first (default 1)",
    )
    parser.add_argument(
        "--phase", choices=["read", "compute", "generate", "peer-job"], help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds must be 1 or more, not {args.rounds}")
    if args.rounds > 1 and args.sample:
        parser.error("--rounds compares the pooled data's runs (and --peers); not --sample")
    if args.profile and args.phase:
        # the sampler sees the main thread only: a profiled run works in one thread
        os.environ["SCORECARD_THREADS"] = "1"

    if args.phase == "generate":
        generate(args.data, args.las, args.seed)
        print(json.dumps({"ok": True}))
        return 0
    if args.phase == "read":
        print(json.dumps(plain_read(args.data)))
        return 0
    if args.phase == "peer-job":
        print(json.dumps(run_peer_job(args.data, args.quarters, args.profile, args.peak)))
        return 0
    if args.phase == "compute":
        data = None if args.sample else args.data
        by = None if args.sample else "LA"
        print(json.dumps(run_catalogue(data, args.quarters, by, args.profile, args.peak)))
        return 0

    compile_package()
    child_flags = ["--profile"] if args.profile else []
    child_flags += ["--peak"] if args.peak else []
    if args.sample:
        quarters = args.quarters if args.quarters != 40 else 8
        print(f"Bundled sample, whole catalogue at {quarters} quarter ends", file=sys.stderr)
        result = _child(
            ["--phase", "compute", "--sample", "--quarters", str(quarters), *child_flags]
        )
        _print_result(result, floor=None)
        print_profile(result.get("profile"))
        return 0

    meta = args.data / "_bench.json"
    if args.regenerate or not meta.exists() or json.loads(meta.read_text())["las"] != args.las:
        print(
            f"[1/3] generating pooled data for {args.las} authorities into {args.data} ...",
            file=sys.stderr,
        )
        t = time.perf_counter()
        _child(
            [
                "--phase",
                "generate",
                "--data",
                str(args.data),
                "--las",
                str(args.las),
                "--seed",
                str(args.seed),
            ]
        )
        print(f"      generated in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    rows = json.loads(meta.read_text())["rows"]
    print("      rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()), file=sys.stderr)
    if args.peers is not None:
        print(
            f"[2/2] the peers in {args.peers} and the project, each end to end on the same "
            "data ...",
            file=sys.stderr,
        )
        rows = run_peers(
            args.peers,
            args.data,
            args.peer_python,
            args.quarters,
            args.profile,
            args.rounds,
            args.peak,
        )
        print_peers(rows)
        print_profile(next((r.get("profile") for r in rows if r["program"] == "scorecard"), None))
        return 0
    print("[2/3] plain read of the Parquet files (the floor) ...", file=sys.stderr)
    # like for like: the load below reads once in a fresh process, so the floor is a first
    # read in a fresh process; the median of three such runs (single runs vary a lot)
    warm_up(args.data)
    read = ["--phase", "read", "--data", str(args.data)]
    compute = ["--phase", "compute", "--data", str(args.data), "--quarters", str(args.quarters)]
    if args.rounds == 1:
        reads = [_child(read) for _ in range(3)]
        print(
            f"[3/3] load + validate + every indicator at {args.quarters} quarter ends by LA ...",
            file=sys.stderr,
        )
        results = [_child([*compute, *child_flags])]
    else:
        print(
            f"[3/3] {args.rounds} rounds of the floor, then load + validate + every indicator "
            f"at {args.quarters} quarter ends by LA ...",
            file=sys.stderr,
        )
        reads, results = [], []
        for _ in range(args.rounds):
            reads.append(_child(read))
            results.append(_child([*compute, *child_flags]))
    floor = sorted(reads, key=lambda r: r["seconds"])[(len(reads) - 1) // 2]
    floor["runs"] = len(reads)
    floor["min_seconds"] = min(r["seconds"] for r in reads)
    floor["max_seconds"] = max(r["seconds"] for r in reads)
    result = sorted(results, key=lambda r: r["total_seconds"])[(len(results) - 1) // 2]
    if args.rounds > 1:
        result["round_ratios"] = [
            c["total_seconds"] / f["seconds"] for f, c in zip(reads, results, strict=True)
        ]
    _print_result(result, floor)
    print_profile(result.get("profile"))
    return 0


def _load_average() -> str:
    """The 1-minute load average and core count: the machine may be shared while we time."""
    try:
        import os

        return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        return "unknown"


def _print_result(result: dict, floor: dict | None) -> None:
    """The table: wall-clock and CPU seconds per step, total, ratio to the floor, memory."""
    timings: dict[str, float] = result["indicator_seconds"]
    cpu: dict[str, float] = result.get("indicator_cpu_seconds", {})
    width = max(len(k) for k in [*timings, "total (load + compute)"])

    def line(name: str, wall: float, cpu_s: float | None, note: str = "") -> None:
        cpu_txt = f"{cpu_s:7.2f}" if cpu_s is not None else " " * 7
        print(f"{name:<{width}}  {wall:7.2f}  {cpu_txt}{note}")

    print(f"{'step':<{width}}  {'wall s':>7}  {'CPU s':>7}")
    if floor is not None:
        line(
            "plain read (floor)",
            floor["seconds"],
            floor.get("cpu_seconds"),
            f"   (median of {floor.get('runs', 3)} fresh runs: "
            f"{floor.get('min_seconds', floor['seconds']):.2f}-"
            f"{floor.get('max_seconds', floor['seconds']):.2f} s; {floor['rows']:,} rows, "
            f"peak {floor['peak_mb']:,.0f} MB)",
        )
    line("load + validate", result["load_seconds"], result.get("load_cpu_seconds"))
    for name, secs in timings.items():
        line(name, secs, cpu.get(name), "  FAILED" if name in result["problems"] else "")
    line(
        "all indicators",
        result["compute_seconds"],
        result.get("compute_cpu_seconds"),
        "   (side by side in threads: each line above is that indicator's own time, "
        "overlapping the others')"
        if result.get("side_by_side")
        else "",
    )
    if "units_seconds" in result:
        line(
            "units, whole catalogue, 1 date",
            result["units_seconds"],
            result.get("units_cpu_seconds"),
            f"   ({result['units_rows']:,} unit rows)",
        )
    if "card_seconds" in result:
        line(
            "scorecard after loading",
            result["card_seconds"],
            result.get("card_cpu_seconds"),
            "   (8 quarters of trend, no charts, on a fresh load)",
        )
    line("total (load + compute)", result["total_seconds"], result.get("total_cpu_seconds"))
    if floor is not None and floor["seconds"] > 0:
        wall_ratio = result["total_seconds"] / floor["seconds"]
        cpu_ratio = ""
        if floor.get("cpu_seconds") and "total_cpu_seconds" in result:
            cpu_ratio = f"  {result['total_cpu_seconds'] / floor['cpu_seconds']:6.1f}x"
        print(f"{'ratio to floor':<{width}}  {wall_ratio:6.1f}x{cpu_ratio}")
    if result.get("round_ratios"):
        ratios = result["round_ratios"]
        print(
            f"{'round by round':<{width}}  {statistics.median(ratios):6.1f}x   (the catalogue "
            f"over the floor run just before it, median of {len(ratios)} rounds: "
            f"{min(ratios):.1f}-{max(ratios):.1f}; the lines above are the median runs)"
        )
    print(f"{'peak memory (MB)':<{width}}  {result['peak_mb']:7,.0f}")
    if result.get("peak_where"):
        print(f"its peak (resident memory read every 10 ms): {result['peak_where']}")
    if "held_mb" in result:
        print(held_line(result["held_mb"]))
    print(f"{'result rows':<{width}}  {result['result_rows']:7,}")
    print(f"{'load average':<{width}}  {_load_average()}")
    for name, msg in result["problems"].items():
        print(f"FAILED {name}: {msg}")


if __name__ == "__main__":
    raise SystemExit(main())
