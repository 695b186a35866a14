"""The command line: `python -m scorecard.sample [--out DIR] [--seed N]`."""

from __future__ import annotations

import argparse
import time

from .files import write_sample


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m scorecard.sample",
        description="Write the synthetic Wealdshire sample and benchmark panel.",
    )
    parser.add_argument("--out", default=None, help="output folder (default: data/sample)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    paths = write_sample(args.out, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"Wrote {len(paths)} files ({size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
