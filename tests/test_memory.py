"""The engine's fresh memory without huge-page advice (scorecard.memory)."""

from __future__ import annotations

import threading

import pytest

from scorecard.memory import _hugepage_switch, without_hugepages


def test_advice_off_inside_and_as_before_after() -> None:
    switch = _hugepage_switch()
    if switch is None:
        pytest.skip("this NumPy has no switch for its huge-page advice")
    original = switch(True)
    for setting in (True, False):
        switch(setting)
        with without_hugepages():
            assert switch(False) is False  # off inside the block
            with without_hugepages():  # nested
                pass
            assert switch(False) is False
        assert switch(setting) is setting  # back as it was
    switch(original)


def test_advice_back_only_when_the_last_thread_leaves() -> None:
    switch = _hugepage_switch()
    if switch is None:
        pytest.skip("this NumPy has no switch for its huge-page advice")
    original = switch(True)
    first_in, second_in, first_out = (threading.Event() for _ in range(3))
    seen: list[bool] = []

    def first() -> None:
        with without_hugepages():
            first_in.set()
            second_in.wait()
        first_out.set()

    def second() -> None:
        first_in.wait()
        with without_hugepages():
            second_in.set()
            first_out.wait()  # the first thread has left its block; this one has not
            seen.append(switch(False))  # still off (reading it sets it off again)

    workers = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert seen == [False]
    assert switch(original) is True  # back as it was once both had left
