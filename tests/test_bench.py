"""Smoke test of the benchmark script (SPEC section 11) on a tiny pooled run.

Two authorities and four quarter ends keep it to a few seconds; the full-scale figures come
from `python -m scorecard.bench` and are not asserted here (they depend on the machine).
"""

from __future__ import annotations

import json
import re

import pytest

from scorecard import bench
from scorecard.catalogue import load_catalogue


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """Stdout and stderr of `python -m scorecard.bench --las 2 --quarters 4` into a tmp folder."""
    data = tmp_path_factory.mktemp("bench") / "data"
    argv = ["--las", "2", "--quarters", "4", "--data", str(data), "--seed", "11"]
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert bench.main(argv) == 0
    meta = json.loads((data / "_bench.json").read_text())
    # the generated data are pooled over exactly the authorities asked for
    assert meta["las"] == 2 and meta["rows"]["episodes"] > 0
    return out.getvalue(), err.getvalue()


def test_every_indicator_is_timed_and_none_failed(tiny_run: tuple[str, str]) -> None:
    out, _ = tiny_run
    # one line per catalogue indicator: its id, wall seconds, CPU seconds
    timed = {m.group(1) for m in re.finditer(r"^(\S+)\s+\d+\.\d\d\s+\d+\.\d\d\s*$", out, re.M)}
    ids = {ind.id for ind in load_catalogue()}
    assert ids <= timed, f"not timed: {sorted(ids - timed)}"
    assert "FAILED" not in out


def test_summary_lines(tiny_run: tuple[str, str]) -> None:
    out, err = tiny_run
    for label in (
        "plain read (floor)",
        "load + validate",
        "all indicators",
        "total (load + compute)",
        "ratio to floor",
        "peak memory (MB)",
        "load average",
    ):
        assert re.search(rf"^{re.escape(label)}\s", out, re.M), label
    # the result rows are a positive count: 4 quarter ends x 2 LAs for at least one indicator
    rows = int(re.search(r"^result rows\s+([\d,]+)", out, re.M).group(1).replace(",", ""))
    assert rows >= 8
    assert "[1/3] generating pooled data for 2 authorities" in err
