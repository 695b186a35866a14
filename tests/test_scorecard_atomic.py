"""Atomic writes: a failed run leaves the output folder exactly as it was (SPEC section 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_scorecard_html import fixed_card

from scorecard.report import write_outputs


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden temporary files included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An output folder holding last quarter's files."""
    (tmp_path / "scorecard_2024-25_Q4.html").write_text("last quarter's page")
    (tmp_path / "scorecard_2024-25_Q4.xlsx").write_bytes(b"last quarter's workbook")
    (tmp_path / "notes.txt").write_text("keep me")
    return tmp_path


def test_write_outputs_writes_both_files(folder):
    paths = write_outputs(fixed_card(), folder)
    assert [p.name for p in paths] == ["scorecard_2024-25_Q4.html", "scorecard_2024-25_Q4.xlsx"]
    assert paths[0].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert paths[1].read_bytes()[:2] == b"PK"  # a zip: the xlsx
    assert sorted(p.name for p in folder.iterdir()) == [
        "notes.txt",
        "scorecard_2024-25_Q4.html",
        "scorecard_2024-25_Q4.xlsx",
    ]


def test_failing_renderer_leaves_folder_unchanged(folder, monkeypatch):
    before = snapshot(folder)

    def broken(_card):
        raise RuntimeError("disk full while drawing the workbook")

    # the HTML renders fine first; the workbook fails: neither file may change
    monkeypatch.setattr("scorecard.report.excel.render_excel", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_outputs(fixed_card(), folder)
    assert snapshot(folder) == before


def test_failure_while_staging_the_second_file_leaves_folder_unchanged(folder, monkeypatch):
    before = snapshot(folder)
    from scorecard import files

    real = files.stage
    calls = []

    def stage_then_fail(target, data, mode=None):
        calls.append(target)
        if len(calls) == 2:
            raise OSError("no space left on device")
        return real(target, data, mode)

    monkeypatch.setattr(files, "stage", stage_then_fail)
    with pytest.raises(OSError, match="no space"):
        write_outputs(fixed_card(), folder)
    assert len(calls) == 2
    assert snapshot(folder) == before  # the first staged temporary file was removed too


def test_to_html_failure_keeps_the_old_file(folder, monkeypatch):
    before = snapshot(folder)

    def broken(card, full_page=True, charts=True):
        raise ValueError("bad template")

    monkeypatch.setattr("scorecard.report.html.render_html", broken)
    with pytest.raises(ValueError):
        fixed_card().to_html(folder / "scorecard_2024-25_Q4.html")
    assert snapshot(folder) == before


def test_unknown_format_is_refused_before_writing(folder):
    before = snapshot(folder)
    with pytest.raises(ValueError, match="pdf"):
        write_outputs(fixed_card(), folder, formats=("html", "pdf"))
    assert snapshot(folder) == before


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o027, 0o640)])
def test_outputs_get_the_permissions_of_a_new_file_under_the_umask(folder, umask, mode):
    """A scorecard is written as any new file of the user's would be (it was always
    rw-r--r--, even under umask 077)."""
    import os

    old = os.umask(umask)
    try:
        written = write_outputs(fixed_card(), folder)
    finally:
        os.umask(old)
    assert [p.stat().st_mode & 0o777 for p in written] == [mode, mode]
