"""`import scorecard` is light: every public name is imported on first use."""

from __future__ import annotations

import subprocess
import sys

import scorecard


def test_import_loads_no_heavy_library() -> None:
    code = (
        "import sys, scorecard\n"
        "heavy = ['pandas', 'numpy', 'pyarrow', 'pandera', 'altair', 'xlsxwriter', 'yaml']\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in scorecard.__all__:
        assert getattr(scorecard, name) is not None, name
    assert set(scorecard.__all__) <= set(dir(scorecard))
    from scorecard import DataValidationError, load_dataset  # the usual spelling works

    assert issubclass(DataValidationError, Exception) and callable(load_dataset)
    assert scorecard.charts.__name__ == "scorecard.charts"


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        scorecard.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("should raise")
