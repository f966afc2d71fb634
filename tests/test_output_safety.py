"""Writing results: one writer per --out, no leftovers of killed runs, the umask, safe spreadsheets."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from extractor.export import OutputError, output_lock, write_report
from extractor.model import Finding, Report, Row, SourceInfo
from tests.conftest import REPO, run_extract

FORMULA = '=HYPERLINK("http://example.com/x","clic")'


def _report(name: str = FORMULA) -> Report:
    columns = ["code", "level", "parent", "name", "page", "repairs"]
    row = Row("OP.01", "OP", "", {"name": name}, 3)
    finding = Finding("implausible_value", "warning", "@SUM(1+1)*cmd|' /C calc'!A0", code="OP.01", page=3)
    return Report(SourceInfo("x.pdf", "0" * 64, 3), "policy-matrix", {}, [], [], columns, [row], [], [], [finding])


def test_xlsx_holds_no_formula_cells_and_csv_keeps_the_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = write_report(_report(), tmp_path / "out", ["csv", "xlsx"])
    workbook = load_workbook(out / "report.xlsx")
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert FORMULA in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)
    with zipfile.ZipFile(out / "report.xlsx") as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)
    with (out / "rows.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.DictReader(fh))["name"] == FORMULA  # CONTRACT.md: CSV keeps the printed text


def test_xlsx_marks_characters_xml_cannot_hold(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = write_report(_report("Meta\x01 anual"), tmp_path / "out", ["csv", "xlsx"])
    names = [c.value for c in load_workbook(out / "report.xlsx")["rows"]["D"]]
    assert names[1] == "Meta\ufffd anual"


def test_a_second_writer_into_a_busy_out_is_refused_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with output_lock(out):  # a live run holds the folder (flock: another process sees it busy)
        result = run_extract(REPO / "samples" / "salud-2025.pdf", "--out", out, "-q", "--no-validate")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "is writing to this folder" in result.stderr
    assert f"pid {os.getpid()}" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_the_lock_is_taken_once_and_released(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with output_lock(out), pytest.raises(OutputError, match="is writing to this folder"), output_lock(out):
        pass
    with output_lock(out):
        pass
    assert not list(tmp_path.iterdir()), "no lock file stays behind"


def test_leftovers_of_killed_runs_are_removed_but_not_others(tmp_path: Path) -> None:
    out = tmp_path / "out"
    leftover = tmp_path / ".out.k1ll3d_x.partial"
    (leftover / "rows.csv").parent.mkdir()
    (leftover / "rows.csv").write_text("half")
    other = tmp_path / ".out.v2.abcdefgh.partial"  # a partial folder of --out "out.v2"
    other.mkdir()
    result = run_extract(REPO / "samples" / "salud-2025.pdf", "--out", out, "-q", "--no-validate")
    assert result.returncode in (0, 1), result.stderr
    assert not leftover.exists()
    assert other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.v2.abcdefgh.partial", "out"]


def test_a_live_runs_partial_folder_is_not_touched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with output_lock(out):
        live = tmp_path / ".out.l1ve0000.partial"
        live.mkdir()
        run_extract(REPO / "samples" / "salud-2025.pdf", "--out", out, "-q", "--no-validate")
        assert live.exists()


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_output_folder_follows_the_umask(tmp_path: Path, umask: int) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "extractor", str(REPO / "samples" / "salud-2025.pdf"), "--out", str(out), "-q"],
        capture_output=True,
        text=True,
        cwd=REPO,
        preexec_fn=lambda: os.umask(umask),
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert result.returncode in (0, 1), result.stderr
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
    assert (out / "rows.csv").stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_rerun_replaces_the_result_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for _ in range(2):
        result = run_extract(REPO / "samples" / "salud-2025.pdf", "--out", out, "-q", "--no-validate")
        assert result.returncode in (0, 1), result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert (out / "rows.csv").stat().st_size > 0


@pytest.mark.parametrize("where", ["cwd", "foreign", "file"])
def test_a_folder_that_is_not_an_earlier_result_is_never_replaced(tmp_path: Path, where: str) -> None:
    """--out . or --out ~/Documents would be swapped away whole with everything in it."""
    out = tmp_path / "work"
    if where == "file":
        out.write_text("notes")
    else:
        out.mkdir()
        (out / "thesis.docx").write_text("years of work")
    target, cwd = (".", out) if where == "cwd" else (out, None)
    result = run_extract(REPO / "samples" / "salud-2025.pdf", "--out", target, "-q", "--no-validate", cwd=cwd)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    if where == "file":
        assert out.read_text() == "notes"
    else:
        assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]
