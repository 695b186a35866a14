"""Work spread over threads: results in the order of the pieces, one thread when asked."""

from __future__ import annotations

import threading
import time

import pytest

from scorecard import threads


def test_results_come_back_in_the_order_of_the_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORECARD_THREADS", "3")

    def slow_first(x: int) -> tuple[int, str]:
        time.sleep(0.05 if x == 0 else 0)  # the first piece finishes last
        return x * x, threading.current_thread().name

    done = threads.each(slow_first, range(6))
    assert [square for square, _ in done] == [0, 1, 4, 9, 16, 25]
    assert all(name.startswith("scorecard") for _, name in done)


@pytest.mark.parametrize(
    ("setting", "worth", "expected"),
    [("1", True, 1), ("4", False, 1), ("4", True, 4), (None, True, None)],
)
def test_one_thread_when_told_or_not_worth_it(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, worth: bool, expected: int | None
) -> None:
    if setting is None:
        monkeypatch.delenv("SCORECARD_THREADS", raising=False)
    else:
        monkeypatch.setenv("SCORECARD_THREADS", setting)
    names = threads.each(lambda _: threading.current_thread().name, range(8), worth=worth)
    used = set(names)
    if expected == 1:
        assert used == {threading.current_thread().name}
    elif expected is None:  # as many as the cores, at most 4
        assert 1 <= threads.workers() <= 4
    else:
        assert threads.workers() == expected and all(n.startswith("scorecard") for n in used)


def test_an_error_in_a_piece_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORECARD_THREADS", "2")

    def fails_on_three(x: int) -> int:
        if x == 3:
            raise ValueError("piece 3")
        return x

    with pytest.raises(ValueError, match="piece 3"):
        threads.each(fails_on_three, range(5))


@pytest.mark.parametrize("setting", ["two", "0", "-1", "1.5"])
def test_a_setting_that_is_not_a_number_of_threads_says_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    monkeypatch.setenv("SCORECARD_THREADS", setting)
    with pytest.raises(ValueError, match="whole number of threads"):
        threads.workers()


@pytest.mark.parametrize("setting", ["1", "2"])
def test_pieces_start_in_the_order_asked_and_come_back_in_theirs(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    """`start` orders the pieces' start (one thread shows it exactly); the results keep the
    pieces' order; a `start` that is not each position once says so."""
    monkeypatch.setenv("SCORECARD_THREADS", setting)
    started: list[int] = []
    lock = threading.Lock()

    def note(x: int) -> int:
        with lock:
            started.append(x)
        return 10 * x

    assert threads.each(note, range(5), start=[3, 0, 4, 1, 2]) == [0, 10, 20, 30, 40]
    if setting == "1":
        assert started == [3, 0, 4, 1, 2]
    else:  # two threads take the first two, then the next as each is free
        assert started[:2] in ([3, 0], [0, 3]) and sorted(started) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="each of the 3 positions once"):
        threads.each(note, range(3), start=[0, 0, 1])


def test_a_block_worked_out_beside_is_kept_and_a_failure_left_to_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCORECARD_THREADS", "2")
    store: dict[str, object] = {}
    names: list[str] = []

    def build() -> int:
        names.append(threading.current_thread().name)
        return 42

    wait = threads.beside(lambda: threads.once(store, "k", build), "scorecard-test")
    wait()
    assert threads.once(store, "k", build) == 42 and names == ["scorecard-test"]

    def fails() -> int:
        raise ValueError("bad cell")

    threads.beside(lambda: threads.once(store, "f", fails), "scorecard-test")()  # not raised
    assert "f" not in store
    with pytest.raises(ValueError, match="bad cell"):  # the caller meets it
        threads.once(store, "f", fails)
    # one thread: nothing started, the caller builds it
    monkeypatch.setenv("SCORECARD_THREADS", "1")
    threads.beside(lambda: threads.once(store, "one", build), "scorecard-test")()
    assert "one" not in store


@pytest.mark.parametrize("setting", ["2", "1"])
def test_a_result_worked_out_ahead_of_need(monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    """`ahead_of_need` starts the work in a thread of its own (none with one thread: it runs
    when asked), gives its result when asked, and raises its failure there."""
    monkeypatch.setenv("SCORECARD_THREADS", setting)
    where: list[str] = []

    def work() -> int:
        where.append(threading.current_thread().name)
        return 42

    result = threads.ahead_of_need(work, "scorecard-test")
    assert result() == 42 and result() == 42
    assert where[0] == ("scorecard-test" if setting == "2" else "MainThread")

    def broken() -> int:
        raise ValueError("no dates")

    failing = threads.ahead_of_need(broken, "scorecard-test")
    with pytest.raises(ValueError, match="no dates"):
        failing()
