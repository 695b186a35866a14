"""Fresh memory for the engine's large arrays without transparent huge pages.

NumPy asks Linux to back every large new array with 2 MB huge pages (`madvise`). On the
2-core development machine that cost more system time than the pages save: about 1 s of
system CPU of the 1.4 s spent in the peer job's two indicators (150 LAs, 40 quarter ends).
It was put down to the kernel compacting memory for each huge page; `/proc/vmstat` later
showed no compaction stall there, so the likelier cost is each first touch zeroing a whole
2 MB of memory that the virtual machine's host must first back again. The engine turns
the advice off while it computes and puts it back as it was afterwards. Loading, and
writing out the code columns a dataset holds compact, allocate Arrow memory from jemalloc
(`arrow_pool`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pyarrow as pa


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


_POOL_LOCK = threading.Lock()
_POOL_USERS: list[pa.MemoryPool] = []  # the pool before the first of the loads now running


@contextmanager
def arrow_pool() -> Iterator[None]:
    """Arrow's jemalloc pool while loading (and writing out), where pyarrow has it and the
    user has not chosen a pool (ARROW_DEFAULT_MEMORY_POOL): loading builds and lets go of
    hundreds of MB of Arrow buffers, and jemalloc gives them back and reuses them with a lower
    peak than the default mimalloc (the peers' two tables: 1.24 -> 1.15 GB, fewer page faults
    in system time). The
    previous default pool is restored when the last load running (threads) ends; buffers
    remember the pool they came from. Writing out the columns held compact (`compact.Tables`)
    uses it too: the referrals' 320 MB of `str` codes took 0.3 s instead of 0.9 s, most of
    it the kernel handing mimalloc fresh pages."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        yield
        return
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        yield
        return
    with _POOL_LOCK:
        _POOL_USERS.append(pa.default_memory_pool())
        pa.set_memory_pool(pool)
    try:
        yield
    finally:
        with _POOL_LOCK:
            first = _POOL_USERS[0]
            _POOL_USERS.pop()
            if not _POOL_USERS:
                pa.set_memory_pool(first)
