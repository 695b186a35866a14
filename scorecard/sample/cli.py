"""The command line: `python -m scorecard.sample [--out DIR] [--returns DIR] [--seed N]`."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from .files import write_sample
from .return_files import write_returns


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m scorecard.sample",
        description="Write the synthetic Wealdshire sample and benchmark panel, or the same "
        "county as yearly SSDA903 returns and CIN census files.",
    )
    parser.add_argument("--out", default=None, help="output folder (default: data/sample)")
    parser.add_argument(
        "--returns",
        default=None,
        metavar="DIR",
        help="write the county as ten yearly SSDA903 returns (CSV, Excel, XML) and CIN census "
        "XML files into DIR, with its IRO, KS4, population and districts tables beside; "
        "without --out, only these are written",
    )
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    args = parser.parse_args(argv)
    if args.out is not None or args.returns is None:
        _report("sample", lambda: write_sample(args.out, args.seed))
    if args.returns is not None:
        _report(f"returns in {args.returns}", lambda: write_returns(args.returns, args.seed))


def _report(what: str, write: Callable[[], list[Path]]) -> None:
    t0 = time.perf_counter()
    paths = write()
    size = sum(p.stat().st_size for p in paths)
    seconds = time.perf_counter() - t0
    print(f"Wrote the {what}: {len(paths)} files ({size / 1e6:.1f} MB) in {seconds:.1f} s")
