"""Fresh memory for the engine's large arrays without transparent huge pages.

NumPy asks Linux to back every large new array with 2 MB huge pages (`madvise`). Where the
kernel then compacts memory to find one at each first touch (`transparent_hugepage/defrag`
set to `madvise`, the usual default on a busy machine), that costs more system time than
the pages save: measured on the 2-core development machine, about 1 s of system CPU of the
1.4 s spent in the peer job's two indicators (150 LAs, 40 quarter ends). The engine turns
the advice off while it computes and puts it back as it was afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np


def _hugepage_switch() -> Callable[[bool], bool] | None:
    """NumPy's switch for the huge-page advice (returns the previous setting), if any."""
    for owner in ("_core", "core"):
        multiarray = getattr(getattr(np, owner, None), "multiarray", None)
        switch = getattr(multiarray, "_set_madvise_hugepage", None)
        if callable(switch):
            return switch
    return None


_LOCK = threading.Lock()
_INSIDE = [0, True]  # blocks open now (any thread), the setting before the first of them


@contextmanager
def without_hugepages() -> Iterator[None]:
    """Large arrays made inside the block get no huge-page advice; the previous setting
    comes back when the last block open ends (nested blocks and blocks in several threads
    at once are fine)."""
    switch = _hugepage_switch()
    if switch is None:
        yield
        return
    with _LOCK:
        if _INSIDE[0] == 0:
            _INSIDE[1] = switch(False)
        _INSIDE[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _INSIDE[0] -= 1
            if _INSIDE[0] == 0:
                switch(_INSIDE[1])
