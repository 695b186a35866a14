"""The engine's fresh memory without huge-page advice (scorecard.memory)."""

from __future__ import annotations

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
