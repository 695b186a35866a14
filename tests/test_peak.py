"""Where the memory peak is (`scorecard.peak`, the benchmark's `--peak`): the highest
resident memory, and what each thread was doing in the code watched when it was reached."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from scorecard.peak import STATM, PeakWatch

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.skipif(not STATM.exists(), reason="reads /proc/self/statm (Linux)")


def _hold(mb: int, seconds: float) -> int:
    """Hold `mb` MB of written memory for `seconds`, then let it go."""
    block = np.ones(mb << 17)  # 8-byte floats, every page written
    time.sleep(seconds)
    return int(block[-1])


def _wait(event: threading.Event) -> None:
    event.wait(5)


def test_the_peak_names_the_function_holding_it_and_each_thread() -> None:
    # 300 MB held for a moment by this thread while another waits: the peak is at least
    # 250 MB above the start, and both threads are named by their functions here
    release = threading.Event()
    other = threading.Thread(target=_wait, args=(release,))
    other.start()
    try:
        with PeakWatch(root=HERE) as watch:
            start = watch._resident_mb()
            time.sleep(0.05)
            _hold(300, 0.3)
            time.sleep(0.05)
    finally:
        release.set()
        other.join()
    peak = watch.peak
    assert peak is not None and peak.mb >= start + 250
    assert 0.0 < peak.seconds < 5.0
    here = "test_peak.py:test_the_peak_names_the_function_holding_it_and_each_thread"
    assert f"{here} > test_peak.py:_hold" in peak.threads
    assert "test_peak.py:_wait" in peak.threads
    assert peak.line().startswith(f"{peak.mb:,.0f} MB at {peak.seconds:.2f} s, the threads in: ")


def test_a_watch_turned_off_records_nothing_and_starts_no_thread() -> None:
    with PeakWatch(enabled=False) as watch:
        assert not [t for t in threading.enumerate() if t.name == "scorecard-peak"]
        _hold(10, 0.02)
    assert watch.peak is None


def test_the_watcher_ends_with_the_block() -> None:
    with PeakWatch(root=HERE) as watch:
        assert [t for t in threading.enumerate() if t.name == "scorecard-peak"]
    assert not [t for t in threading.enumerate() if t.name == "scorecard-peak"]
    assert watch.peak is not None and watch.peak.mb > 0
