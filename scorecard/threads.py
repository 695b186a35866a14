"""Work spread over the machine's cores in threads, for steps whose pieces are independent
and spend their time in NumPy, pandas or Arrow code that lets go of Python's lock (sorting,
taking, reading Parquet). Results come back in the order of the pieces, so nothing
downstream depends on which thread finished first."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# the values being built now by `once`, one lock each
_BUILDING: dict[tuple[int, str], threading.Lock] = {}
_BUILDING_LOCK = threading.Lock()


def workers() -> int:
    """Threads to use: the cores this process may run on (at most 4), or the number in
    SCORECARD_THREADS (1 turns threads off)."""
    stated = os.environ.get("SCORECARD_THREADS", "").strip()
    if stated:
        if not stated.isdigit() or int(stated) < 1:
            raise ValueError(
                f"SCORECARD_THREADS is {stated!r}; set it to a whole number of threads such as 2 "
                "(1 turns threads off), or unset it to use the machine's cores."
            )
        return int(stated)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def each(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    worth: bool = True,
    start: Sequence[int] | None = None,
) -> list[R]:
    """`[fn(x) for x in items]`, in threads when there are several items and cores and the
    caller says the work is `worth` it (on small tables starting threads costs more than
    it saves). `start`: the positions of the items in the order to start them (the longest
    first, so that no thread idles at the end); the results still come back in the items'
    order."""
    items = list(items)
    order = list(range(len(items))) if start is None else list(start)
    if sorted(order) != list(range(len(items))):
        raise ValueError(f"start must list each of the {len(items)} positions once: {order}")
    n = min(workers(), len(items)) if worth else 1
    if n <= 1:
        done = {i: fn(items[i]) for i in order}
    else:
        with ThreadPoolExecutor(max_workers=n, thread_name_prefix="scorecard") as pool:
            done = dict(zip(order, pool.map(fn, [items[i] for i in order]), strict=True))
    return [done[i] for i in range(len(items))]


def beside(fn: Callable[[], object], name: str) -> Callable[[], None]:
    """Start `fn()` in a thread of its own (when threads are on): a building block, kept by
    `once`, that the caller asks for later, worked out meanwhile beside what the caller does
    first. Returns what waits for the thread to end. A failure is not raised there: the
    caller asking for the block works it out again and meets it where it belongs."""
    if workers() < 2:
        return lambda: None
    result = ahead_of_need(fn, name)

    def join() -> None:
        try:
            result()
        except Exception:  # asked for again by the caller, which says why
            return

    return join


def ahead_of_need(fn: Callable[[], T], name: str) -> Callable[[], T]:
    """Start `fn()` in a thread of its own (when threads are on), beside what the caller
    does next; returns what waits for it and gives its result, or raises its failure there,
    where the caller would have met it. Without threads, `fn()` runs when asked."""
    if workers() < 2:
        return fn
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["done"] = fn()
        except BaseException as exc:  # raised where the result is asked for
            box["failed"] = exc

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        if "failed" in box:
            raise box["failed"]
        return box["done"]

    return result


def once(store: MutableMapping[str, Any], key: str, build: Callable[[], T]) -> T:
    """`store[key]`, built with `build()` when missing: once, even when threads ask for one
    key at once (the first builds it, the others wait for it). A build that fails leaves
    nothing behind, so the key can be built again."""
    if key in store:
        return store[key]
    slot = (id(store), key)
    with _BUILDING_LOCK:
        lock = _BUILDING.setdefault(slot, threading.Lock())
    try:
        with lock:
            if key not in store:
                store[key] = build()
    finally:
        with _BUILDING_LOCK:
            _BUILDING.pop(slot, None)
    return store[key]
