"""The CLI as a user types it: exit codes, folders and the database, Data Docs, re-runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, run_extract
from tests.gold import read_csv


def test_fail_on_levels(tmp_path: Path) -> None:
    pdf = SAMPLES / "trata-2024.pdf"  # has errors (the report contradicts itself)
    assert run_extract(pdf, "--out", tmp_path / "a", "-q", "--no-validate").returncode == 1
    assert run_extract(pdf, "--out", tmp_path / "b", "-q", "--no-validate", "--fail-on", "never").returncode == 0
    clean = SAMPLES / "salud-2025.pdf"  # consistent: warnings only
    assert run_extract(clean, "--out", tmp_path / "c", "-q", "--no-validate").returncode == 0
    assert run_extract(clean, "--out", tmp_path / "d", "-q", "--no-validate", "--fail-on", "warning").returncode == 1


def test_default_out_is_named_after_the_pdf(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "salud-2025.pdf", tmp_path / "informe.pdf")
    result = run_extract(tmp_path / "informe.pdf", "-q", "--no-validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "informe.extracted" / "rows.csv").is_file()


def test_rerun_replaces_the_previous_result(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.txt").write_text("from an older run")
    assert run_extract(SAMPLES / "salud-2025.pdf", "--out", out, "-q", "--no-validate").returncode == 0
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv", "report.json", "rows.csv", "summary.csv"]


def test_terminal_summary_lists_worst_first(tmp_path: Path) -> None:
    result = run_extract(SAMPLES / "trata-2024.pdf", "--out", tmp_path / "o", "--no-validate")
    lines = result.stderr.splitlines()
    assert "115 rows" in lines[0]
    table = [ln for ln in lines if ln.startswith(("error", "warning"))]
    assert table and table[0].startswith("error")
    assert any("ISS.03.03.01.01" in ln and "478.7" in ln and "466.7" in ln for ln in table)


def test_folder_of_reports_and_database(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("trata-2024", "salud-2025"):
        shutil.copy(SAMPLES / f"{name}.pdf", folder / f"{name}.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 but nothing else")
    out = tmp_path / "catalogue"
    result = run_extract(folder, "--out", out, "-q", "--no-validate")
    assert result.returncode == 2  # one report could not be read; the others were extracted
    assert result.stderr.count("error:") == 1 and "broken.pdf" in result.stderr
    assert (out / "trata-2024" / "rows.csv").is_file() and (out / "salud-2025" / "rows.csv").is_file()
    con = duckdb.connect(str(out / "reports.duckdb"), read_only=True)
    try:
        reports = con.execute(
            "SELECT f.path, r.family, r.n_rows FROM reports r JOIN files f USING (report_sha256) ORDER BY f.path"
        ).fetchall()
        assert [r[2] for r in reports] == [80, 115]
        value = con.execute(
            "SELECT c.printed, c.value FROM cells c JOIN files f USING (report_sha256) "
            "WHERE f.path = 'trata-2024.pdf' AND c.code = 'ISS.03.03.01.01' AND c.column = 'progress_2024'"
        ).fetchone()
        assert value == ("478.7", 478.7)
        n_findings = con.execute("SELECT count(*) FROM findings WHERE rule = 'progress_mismatch'").fetchone()[0]
        assert n_findings == 4
    finally:
        con.close()


def test_data_docs_are_written(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    result = run_extract(SAMPLES / "salud-2025.pdf", "--out", tmp_path / "o", "-q", "--data-docs", docs)
    assert result.returncode == 0, result.stderr
    assert (docs / "index.html").is_file()


def test_catalog_option_reads_an_earlier_extraction(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert run_extract(SAMPLES / "salud-2025.pdf", "--out", first, "-q", "--no-validate").returncode == 0
    second = tmp_path / "second"
    result = run_extract(
        SAMPLES / "salud-2025.pdf", "--out", second, "-q", "--no-validate", "--catalog", first / "rows.csv"
    )
    assert result.returncode == 0, result.stderr
    assert read_csv(second / "rows.csv") == read_csv(first / "rows.csv")
    missing = run_extract(SAMPLES / "salud-2025.pdf", "--out", tmp_path / "x", "-q", "--catalog", tmp_path / "nope.csv")
    assert missing.returncode == 2 and "catalog" in missing.stderr


def test_debug_draws_each_matrix_page(tmp_path: Path) -> None:
    debug = tmp_path / "debug"
    result = run_extract(SAMPLES / "salud-2025.pdf", "--out", tmp_path / "o", "-q", "--no-validate", "--debug", debug)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in debug.iterdir()) == ["page-001.png", "page-002.png", "page-003.png"]
