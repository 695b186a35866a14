"""The PNG worker (`scorecard.pngs`): the same bytes as drawing here, whether the worker
draws them, never starts, or dies; a chart that cannot be drawn is named, not lost."""

from __future__ import annotations

import sys
import threading

import altair as alt
import pandas as pd
import pytest

from scorecard import charts, pngs

LINE = alt.Chart(pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})).mark_line().encode(x="x", y="y")
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    '<rect width="40" height="20" fill="#1f77b4"/></svg>'
)
NOT_A_CHART = {"mark": "nonsense", "data": {"values": []}}  # vl-convert raises ValueError


def _ask(drawer: pngs.Drawer) -> None:
    job = charts.png_job(LINE)
    assert job is not None
    drawer.spec("line", *job)
    drawer.svg("box", SVG)


def _here() -> dict[str, bytes]:
    with pngs.Drawer(worker=False) as drawer:
        _ask(drawer)
        drawn, failed = drawer.results()
    assert failed == {}
    return drawn


@pytest.mark.parametrize(
    "command",
    [
        None,  # the worker draws them
        ["/no/such/python"],  # it never starts
        [sys.executable, "-c", "pass"],  # it ends at once, drawing nothing
        [sys.executable, "-c", "import sys; sys.stdout.write('x'); sys.stdout.flush()"],
        [sys.executable, "-c", "print('a notice'); from scorecard.pngs import _main; _main()"],
    ],
    ids=["worker", "no-worker", "worker-ends", "worker-writes-garbage", "worker-prints-first"],
)
def test_the_pngs_are_the_same_however_they_are_drawn(command: list[str] | None) -> None:
    expected = _here()
    assert list(expected) == ["line", "box"]
    assert all(png.startswith(b"\x89PNG") for png in expected.values())
    with pngs.Drawer(worker=True, command=command) as drawer:
        _ask(drawer)
        drawn, failed = drawer.results()
    assert (drawn, failed) == (expected, {})
    assert not [t for t in threading.enumerate() if t.name.startswith("scorecard-pngs")]


@pytest.mark.parametrize("worker", [True, False])
def test_a_chart_that_cannot_be_drawn_is_named_and_the_others_kept(worker: bool) -> None:
    with pngs.Drawer(worker=worker) as drawer:
        drawer.spec("broken", NOT_A_CHART, "6.4")
        drawer.svg("box", SVG)
        drawn, failed = drawer.results(catch=(ValueError,))
    assert list(drawn) == ["box"]
    assert list(failed) == ["broken"]
    assert "Vega-Lite to PNG conversion failed" in str(failed["broken"])


def test_an_error_not_caught_is_raised() -> None:
    with pngs.Drawer(worker=False) as drawer:
        drawer.spec("broken", NOT_A_CHART, "6.4")
        with pytest.raises(ValueError, match="conversion failed"):
            drawer.results()
