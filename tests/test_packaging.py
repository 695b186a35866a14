"""The distribution: its own name on the package index (`scorecard` there is an unrelated
2016 package), the import name and console script `scorecard`, and a wheel that installs in
a clean virtual environment and runs the README quick start's build."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DISTRIBUTION = "cla-scorecard"


def test_distribution_name_and_entry_points():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["name"] == DISTRIBUTION  # `pip install scorecard` is someone else's
    assert project["scripts"] == {"scorecard": "scorecard.cli:main"}


def quick_start_build() -> list[str]:
    """The arguments of `scorecard build` in the README's quick start."""
    text = (REPO / "README.md").read_text()
    block = text.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    line = next(line for line in block.splitlines() if "scorecard build" in line)
    command = line.split("&&")[-1]
    words = shlex.split(command)
    assert Path(words[0]).name == "scorecard" and words[1] == "build", command
    return words[1:]


@pytest.mark.slow
def test_wheel_installs_in_a_clean_venv_and_runs_the_quick_start(tmp_path):
    dist = tmp_path / "dist"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        check=True,
        env=env,
        timeout=600,
    )
    wheels = list(dist.glob("*.whl"))
    assert len(wheels) == 1 and wheels[0].name.startswith("cla_scorecard-"), wheels
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheels[0])],
        check=True,
        env=env,
        timeout=1500,
    )
    # the installed package, not this checkout: run from an empty folder
    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import importlib.metadata as m, scorecard as sc; "
            f"print(sc.__file__, m.version({DISTRIBUTION!r}), sc.resolve_la('Kent'))",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    assert "site-packages" in where and str(REPO) not in where
    assert "('886', 'Kent')" in where  # the bundled list of LAs is in the wheel
    args = quick_start_build()
    run = subprocess.run(
        [str(bin_dir / "scorecard"), *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    out = work / args[args.index("--out") + 1]
    quarter = re.sub(r"\s+", "_", args[args.index("--quarter") + 1])
    names = {p.name for p in out.iterdir()}
    assert {f"scorecard_{quarter}.html", f"scorecard_{quarter}.xlsx", "charts"} <= names
    assert any((out / "charts").glob("trend_*.png"))
    assert "Wealdshire" in (out / f"scorecard_{quarter}.html").read_text()
