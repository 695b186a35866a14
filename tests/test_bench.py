"""Smoke test of the benchmark script (SPEC section 11) on a tiny pooled run.

Two authorities and four quarter ends keep it to a few seconds; the full-scale figures come
from `python -m scorecard.bench` and are not asserted here (they depend on the machine).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scorecard as sc
from scorecard import bench, care, engine
from scorecard.catalogue import load_catalogue
from scorecard.periods import quarter_ends
from scorecard.timing import Sampler


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Path]:
    """Stdout and stderr of `python -m scorecard.bench --las 2 --quarters 4` into a tmp
    folder, and that data folder."""
    data = tmp_path_factory.mktemp("bench") / "data"
    argv = ["--las", "2", "--quarters", "4", "--data", str(data), "--seed", "11", "--profile"]
    argv += ["--peak"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert bench.main(argv) == 0
    meta = json.loads((data / "_bench.json").read_text())
    # the generated data are pooled over exactly the authorities asked for
    assert meta["las"] == 2 and meta["rows"]["episodes"] > 0
    return out.getvalue(), err.getvalue(), data


def test_every_indicator_is_timed_and_none_failed(tiny_run: tuple[str, str, Path]) -> None:
    out, _, _ = tiny_run
    # one line per catalogue indicator: its id, wall seconds, CPU seconds
    timed = {m.group(1) for m in re.finditer(r"^(\S+)\s+\d+\.\d\d\s+\d+\.\d\d\s*$", out, re.M)}
    ids = {ind.id for ind in load_catalogue()}
    assert ids <= timed, f"not timed: {sorted(ids - timed)}"
    assert "FAILED" not in out


def test_summary_lines(tiny_run: tuple[str, str, Path]) -> None:
    out, err, _ = tiny_run
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
    assert "Where the time goes (CPU seconds sampled" in out
    # what the dataset held after the indicators: its tables by kind, its building blocks
    held = re.search(
        r"^held at the end \(MB, data buffers only\): the tables ([\d,]+) \((.*)", out, re.M
    )
    assert held and "text" in held.group(2) and "dates" in held.group(2)
    assert re.search(r"the cached building blocks [\d.,]+ \(\w+ [\d.,]+, .* more\)$", held.group(2))
    # `--peak`: where the resident memory was highest, with what the project was doing then
    # (a function of the package, its file named relative to it)
    peak = re.search(
        r"^its peak \(resident memory read every 10 ms\): ([\d,]+) MB at (\d+\.\d\d) s, "
        r"the threads in: (.*)$",
        out,
        re.M,
    )
    assert peak and int(peak.group(1).replace(",", "")) > 50
    assert re.search(r"\w+(/\w+)?\.py:[\w.]+", peak.group(3))


def test_the_sampler_charges_time_to_the_project_function_that_spends_it() -> None:
    """CPU time spent in pandas on behalf of `quarter_ends` is charged to `quarter_ends`,
    with the first sentence of its docstring; a disabled sampler records nothing."""
    with Sampler() as on:
        start = time.process_time()
        while time.process_time() - start < 0.3:
            quarter_ends("2024-25 Q4", 40)
    top = on.top(1)
    assert top and top[0].where == "periods.py:quarter_ends"
    assert top[0].seconds > 0.15  # most of the 0.3 s: the loop itself is a small share
    assert (
        top[0].what == "The `n` financial quarter ends up to and including the quarter end `last`"
    )
    with Sampler(enabled=False) as off:
        quarter_ends("2024-25 Q4", 40)
    assert off.top(5) == []


# --- the fast paths the benchmark relies on give what the plain definitions give ----------


def test_pooled_child_keys_sort_like_la_and_child() -> None:
    """Pooled keys are positions of 'LA<sep>CHILD' in sorted order, found on integer pairs.

    Keys: (65, A), (65, B), (650, A), (7, A). The separator sorts before every digit, so
    '65<sep>…' comes before '650<sep>…': positions 0, 1, 2, 3 in that order. A blank LA or
    an LA without that child gives -1.
    """

    header = pd.DataFrame(
        {
            "LA": ["650", "65", "7", "65"],
            "CHILD": ["A", "B", "A", "A"],
            "SEX": ["1", "2", "1", "2"],
            "DOB": ["01/01/2012"] * 4,
        }
    )
    ds = sc.Dataset.from_frames(header=header)
    assert list(care.child_categories(ds)) == ["65\x1fA", "65\x1fB", "650\x1fA", "7\x1fA"]
    probe = pd.DataFrame(
        {"LA": ["65", "650", "7", "65", None, "9"], "CHILD": ["A", "A", "A", "B", "A", "A"]}
    )
    assert care.child_key(ds, probe).tolist() == [0, 2, 3, 1, -1, -1]


def test_fast_building_blocks_match_plain_pandas(tiny_run: tuple[str, str, Path]) -> None:
    """On the tiny pooled data: child keys, episodes with periods of care and the children
    looked after equal straightforward pandas versions (string keys, groupby, drop_duplicates)."""

    ds = sc.load_dataset(tiny_run[2])
    cats = care.child_categories(ds)
    for name in ("header", "episodes", "oc3", "iro_allocations"):
        frame = ds.table(name)
        plain = cats.get_indexer(frame["LA"].astype("string") + "\x1f" + frame["CHILD"])
        assert np.array_equal(care.child_key(ds, frame), plain), name

    e = ds.table("episodes")
    e = e.loc[~e["LS"].isin(care.SHORT_BREAK_LS)].copy()
    e["cid"] = care.child_key(ds, e)
    e = e.sort_values(["cid", "DECOM", "DEC"], kind="stable", na_position="last")
    e = e.reset_index(drop=True)
    first = np.r_[True, e["cid"].to_numpy()[1:] != e["cid"].to_numpy()[:-1]]
    cont = (e["REC"].shift(1) == "X1") & (e["DEC"].shift(1) == e["DECOM"])
    e["period_id"] = np.cumsum(first | ~cont.fillna(False).to_numpy(dtype=bool)) - 1
    e["seq"] = e.groupby("cid").cumcount()
    grp = e.groupby("period_id", sort=False)
    e["period_start"] = grp["DECOM"].transform("first")
    still_open = grp["DEC"].transform(lambda s: pd.isna(s.iloc[-1])).to_numpy(dtype=bool)
    e["period_end"] = grp["DEC"].transform("last").where(~still_open)
    # the engine keeps its keys and positions in four bytes (care.POSITION)
    e = e.astype({c: care.POSITION for c in ("cid", "period_id", "seq")})
    pd.testing.assert_frame_equal(care.episodes(ds), e)

    ats = quarter_ends("2024-25 Q4", 4)
    got = care.looked_after_at(ds, ats)
    rows, ks = care.expand(e["DECOM"], e["DEC"], ats)
    plain = pd.DataFrame(
        {
            "period_end": np.asarray(ats)[ks],
            "cid": e["cid"].to_numpy()[rows],
            "ep": rows.astype(care.POSITION),
            "period_id": e["period_id"].to_numpy()[rows],
            "period_start": e["period_start"].to_numpy()[rows],
        }
    ).drop_duplicates(["period_end", "cid"], keep="last")
    plain = plain.sort_values(["period_end", "cid"], kind="stable").reset_index(drop=True)
    # `k` (the date's position in ats) is the engine's bookkeeping beside the plain columns
    assert (np.asarray(ats)[got["k"].to_numpy()] == got["period_end"].to_numpy()).all()
    pd.testing.assert_frame_equal(got.drop(columns="k"), plain)


def test_the_sample_run_times_units_and_the_card_apart_from_the_total() -> None:
    """`--sample` also times the whole catalogue's units and the card on a fresh load; the
    total stays load + indicators."""
    result = bench.run_catalogue(None, 2, None)
    assert result["problems"] == {}
    assert result["units_rows"] > 0 and result["card_seconds"] > 0
    assert result["total_seconds"] == pytest.approx(
        result["load_seconds"] + result["compute_seconds"], abs=0.5
    )
    assert (
        result["total_seconds"]
        < result["load_seconds"] + result["compute_seconds"] + (result["card_seconds"])
    )


def test_peers_run_beside_the_project_above_the_floor(
    tiny_run: tuple[str, str, Path], tmp_path: Path
) -> None:
    """`--peers DIR`: each peer_*.py in DIR and the project in a fresh process on the same
    data, in one table with the ratio to the fastest; a peer lacking a library is listed as
    not run, saying which; under the table, the floor (reading the two tables, median of 3)."""
    (tmp_path / "peer_quick.py").write_text(
        "import sys\nprint('read 0.00s  done on', sys.argv[1])\n"
    )
    (tmp_path / "peer_needs.py").write_text("import no_such_library_here\n")
    argv = ["--las", "2", "--quarters", "4", "--data", str(tiny_run[2]), "--peers", str(tmp_path)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert bench.main([*argv, "--peak"]) == 0
    text = out.getvalue()
    # `--peak`: where the project's own run peaked, and in which of its functions
    assert re.search(
        r"^scorecard's peak \(resident memory read every 10 ms\): [\d,]+ MB at \d+\.\d\d s, "
        r"the threads in: .*\.py:",
        text,
        re.M,
    )
    # program, wall s, ratio to the fastest, peak MB, user s, system s, page faults (k)
    line = (
        r"^(\w+)\s+(\d+\.\d\d)\s+(\d+\.\d\d)x\s+([\d,]+)\s+(\d+\.\d\d)\s+(\d+\.\d\d)\s+([\d,]+)k\s"
    )
    table = {m.group(1): m for m in re.finditer(line, text, re.M)}
    assert set(table) == {"scorecard", "quick"}
    # the project's own run loads pandas and the data: CPU in it, fresh pages from the kernel
    assert float(table["scorecard"].group(5)) > 0.2
    assert int(table["scorecard"].group(7).replace(",", "")) > 10
    # the fastest has 1.00x; each peer is given the data folder
    assert min(float(m.group(3)) for m in table.values()) == 1.0
    assert re.search(rf"done on {re.escape(str(tiny_run[2]))}$", text, re.M)
    assert "imports+load+validate" in text and "re_referral_rate" in text
    assert re.search(r"^needs\s+not run: needs no_such_library_here ", text, re.M)
    floor = re.search(r"^floor: .*\(median of 3\): (\d+\.\d\d) s, peak ([\d,]+) MB$", text, re.M)
    assert floor and float(floor.group(1)) > 0 and int(floor.group(2).replace(",", "")) > 0


def test_peers_in_rounds_compare_round_by_round(
    tiny_run: tuple[str, str, Path], tmp_path: Path
) -> None:
    """`--rounds 3`: every program three times in turn; each row is its median run, the
    floor the median of its three, and scorecard's time over each peer's round by round."""
    (tmp_path / "peer_quick.py").write_text("print('read 0.00s')\n")
    argv = ["--las", "2", "--quarters", "4", "--data", str(tiny_run[2]), "--peers", str(tmp_path)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert bench.main([*argv, "--rounds", "3"]) == 0
    text = out.getvalue()
    assert re.search(r"^floor: .*\(median of 3\): \d+\.\d\d s", text, re.M)
    paired = re.search(
        r"^round by round \(3 rounds, .*: quick (\d+\.\d\d) \((\d+\.\d\d)-", text, re.M
    )
    # the project loads pandas and the data: slower than a program that prints a line
    assert paired and float(paired.group(2)) > 1.0


def test_round_ratios_pair_each_round() -> None:
    rows: list[dict[str, object]] = [
        {"program": "scorecard", "seconds": 4.0, "round_seconds": [4.0, 3.0, 6.0]},
        {"program": "floor", "seconds": 2.0, "round_seconds": [2.0, 2.0, 2.0]},
        {"program": "polars", "seconds": 4.0, "round_seconds": [5.0, 3.0, 4.0]},
        {"program": "duckdb", "error": "needs duckdb"},
    ]
    assert bench.round_ratios(rows) == {"polars": [0.8, 1.0, 1.5]}
    assert (
        bench.round_ratios([{k: v for k, v in r.items() if k != "round_seconds"} for r in rows])
        == {}
    )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--rounds", "0"], "must be 1 or more, not 0"),
        (["--sample", "--rounds", "2"], "not --sample"),
    ],
)
def test_rounds_refused_where_they_mean_nothing(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        bench.main(argv)
    assert stop.value.code == 2 and said in capsys.readouterr().err


def test_the_catalogue_in_rounds_against_the_floor(tiny_run: tuple[str, str, Path]) -> None:
    """`--rounds 2` without peers: the floor and the catalogue twice in turn, the ratio of
    each round and their median under the table."""
    argv = ["--las", "2", "--quarters", "4", "--data", str(tiny_run[2]), "--rounds", "2"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert bench.main(argv) == 0
    text = out.getvalue()
    assert re.search(r"^plain read \(floor\).*\(median of 2 fresh runs: ", text, re.M)
    ratio = re.search(
        r"^round by round\s+(\d+\.\d)x\s+\(the catalogue over the floor run just before it, median of 2 rounds: (\d+\.\d)-(\d+\.\d)",
        text,
        re.M,
    )
    assert ratio and float(ratio.group(2)) <= float(ratio.group(1)) <= float(ratio.group(3))


def test_the_package_is_compiled_before_timing() -> None:
    """Fresh processes then load the project's bytecode, as from an installed package,
    instead of compiling every module again (PYTHONDONTWRITEBYTECODE, a source tree)."""
    bench.compile_package()
    for module in (bench, care, engine):
        assert Path(importlib.util.cache_from_source(module.__file__)).exists(), module
