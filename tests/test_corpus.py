"""Corpus mode: a folder of reports → one folder per report, OUT/reports.duckdb, changes.csv.

The corpus: the two samples, the real B-7 printouts (CEPLAN_REAL_DIR or ../shared/real, when
present) and a 3-year series of one policy rendered with known changes (scripts/make_series.py).
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import make_series  # scripts/ is on pytest's path, like samplegen
import pytest

from tests.conftest import REPO, SAMPLES, run_extract
from tests.gold import real_dir

duckdb = pytest.importorskip("duckdb")

REAL_PRINTOUTS = sorted(real_dir().glob("IGP_PEI_AnexoB7_*.pdf")) if real_dir().is_dir() else []
TABLES = ("files", "reports", "rows", "cells", "summary", "findings", "changes")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple[str, str, str, int, int]]]:
    folder = tmp_path_factory.mktemp("corpus") / "reports"
    (folder / "samples").mkdir(parents=True)
    for name in ("trata-2024", "salud-2025"):
        shutil.copy(SAMPLES / f"{name}.pdf", folder / "samples" / f"{name}.pdf")
    if REAL_PRINTOUTS:
        (folder / "real").mkdir()
        for pdf in REAL_PRINTOUTS:
            shutil.copy(pdf, folder / "real" / pdf.name)
    known = make_series.render_series(folder / "series" / "educacion")
    return folder, {(k.rule, k.code, k.field, k.from_year, k.to_year) for k in known}


@pytest.fixture(scope="module")
def extracted(corpus: tuple[Path, set], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder, _ = corpus
    out = tmp_path_factory.mktemp("out") / "catalogue"
    result = run_extract(folder, "--out", out, "--no-validate", "--jobs", "2", "-q")
    assert result.returncode in (0, 1), result.stderr
    return out


def snapshot(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in TABLES}
    finally:
        con.close()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_database_counts_equal_the_per_report_files(corpus: tuple[Path, set], extracted: Path) -> None:
    folder, _ = corpus
    pdfs = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.pdf"))
    con = duckdb.connect(str(extracted / "reports.duckdb"), read_only=True)
    try:
        files = con.execute("SELECT path, report_sha256, out_dir, status FROM files ORDER BY path").fetchall()
        assert [f[0] for f in files] == pdfs and {f[3] for f in files} == {"ok"}
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == len(pdfs)
        for _, sha, out_dir, _ in files:
            report = extracted / out_dir
            for table, csv_name in (("rows", "rows.csv"), ("findings", "findings.csv")):
                n = con.execute(f"SELECT count(*) FROM {table} WHERE report_sha256 = ?", [sha]).fetchone()[0]
                assert n == len(read_csv(report / csv_name)), (out_dir, table)
            n_summary = con.execute(
                "SELECT count(DISTINCT line) FROM summary WHERE report_sha256 = ?", [sha]
            ).fetchone()[0]
            assert n_summary == len(read_csv(report / "summary.csv"))
            printed = {(r["code"], c): v for r in read_csv(report / "rows.csv") for c, v in r.items()}
            cells = con.execute(
                'SELECT code, "column", printed FROM cells WHERE report_sha256 = ? AND code <> \'\'', [sha]
            ).fetchall()
            assert all(printed[(code, column)] == value for code, column, value in cells)
        changes = con.execute("SELECT count(*) FROM changes").fetchone()[0]
    finally:
        con.close()
    assert changes == len(read_csv(extracted / "changes.csv"))
    for table in TABLES:
        assert (extracted / f"{table}.parquet").is_file()


def test_known_changes_are_found_and_no_others(corpus: tuple[Path, set], extracted: Path) -> None:
    _, known = corpus
    changes = read_csv(extracted / "changes.csv")
    found = {(c["rule"], c["code"], c["field"], int(c["from_year"]), int(c["to_year"])) for c in changes}
    assert found == known
    for change in changes:  # each change names both reports and, where the row exists in both, both pages
        assert change["from_path"].startswith("series/") and change["to_path"].startswith("series/")
        assert change["from_sha256"] != change["to_sha256"]
        if change["rule"] not in ("indicator_added", "indicator_dropped"):
            assert change["from_page"] and change["to_page"] and change["from_value"] and change["to_value"]


def test_a_second_run_adds_nothing(corpus: tuple[Path, set], extracted: Path) -> None:
    folder, _ = corpus
    before = snapshot(extracted / "reports.duckdb")
    stamps = {p: p.stat().st_mtime_ns for p in extracted.rglob("rows.csv")}
    result = run_extract(folder, "--out", extracted, "--no-validate", "--jobs", "2")
    assert result.returncode in (0, 1), result.stderr
    assert "(0 extracted" in result.stderr and f"{len(stamps)} unchanged" in result.stderr
    assert snapshot(extracted / "reports.duckdb") == before
    assert {p: p.stat().st_mtime_ns for p in extracted.rglob("rows.csv")} == stamps


def test_a_killed_run_restarted_ends_like_an_uninterrupted_one(
    corpus: tuple[Path, set], extracted: Path, tmp_path: Path
) -> None:
    folder, _ = corpus
    out = tmp_path / "catalogue"
    args = [sys.executable, "-m", "extractor", str(folder), "--out", str(out), "--no-validate", "--jobs", "1", "-q"]
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(list(out.rglob("rows.csv"))) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    was_running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert was_running, "the run ended before it could be killed"
    result = run_extract(folder, "--out", out, "--no-validate", "--jobs", "2", "-q")
    assert result.returncode in (0, 1), result.stderr
    assert snapshot(out / "reports.duckdb") == snapshot(extracted / "reports.duckdb")
    assert not [p for p in out.rglob(".*") if p.name.endswith(".partial")]


def test_folder_mode_tells_the_truth_about_replaced_removed_and_duplicate_files(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SAMPLES / "salud-2025.pdf", folder / "salud.pdf")
    shutil.copy(SAMPLES / "salud-2025.pdf", folder / "sub" / "copia de salud.pdf")
    shutil.copy(SAMPLES / "trata-2024.pdf", folder / "trata.pdf")
    first = run_extract(folder, "--out", out, "--no-validate")
    assert first.returncode == 1, first.stderr  # trata contradicts itself
    assert "3 files, 2 reports" in first.stderr and "2 extracted" in first.stderr
    assert "1 duplicate file kept as aliases" in first.stderr
    assert (out / "sub" / "copia de salud" / "rows.csv").is_file()

    (folder / "trata.pdf").write_bytes(b"%PDF-1.7 replaced by a broken file")
    (folder / "sub" / "copia de salud.pdf").unlink()
    second = run_extract(folder, "--out", out, "--no-validate")
    assert second.returncode == 2
    assert second.stderr.count("error:") == 1 and "trata.pdf" in second.stderr
    assert "2 files, 1 reports" in second.stderr and "1 failed" in second.stderr and "1 removed" in second.stderr
    assert not (out / "trata").exists() and not (out / "sub" / "copia de salud").exists()
    con = duckdb.connect(str(out / "reports.duckdb"), read_only=True)
    try:
        files = con.execute("SELECT path, status FROM files ORDER BY path").fetchall()
        assert files == [("salud.pdf", "ok"), ("trata.pdf", "failed")]
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
        assert con.execute("SELECT count(DISTINCT report_sha256) FROM rows").fetchone()[0] == 1
    finally:
        con.close()


def test_a_list_file_names_the_reports(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    shutil.copy(SAMPLES / "salud-2025.pdf", tmp_path / "docs" / "salud.pdf")
    listing = tmp_path / "reports.txt"  # relative paths are read from the list's folder
    listing.write_text(f"# the policy reports\ndocs/salud.pdf\n\n{tmp_path / 'missing.pdf'}\n")
    result = run_extract(listing, "--out", tmp_path / "out", "--no-validate", "-q")
    assert result.returncode == 2 and result.stderr.count("error:") == 1
    assert "missing.pdf: no such file" in result.stderr
    assert (tmp_path / "out" / "docs" / "salud" / "rows.csv").is_file()


def test_dask_local_cluster_equals_local_mode(corpus: tuple[Path, set], extracted: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    from extractor.corpus.runner import CorpusRun, run_corpus
    from extractor.pipeline import Options

    folder, _ = corpus
    out = tmp_path / "catalogue"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        run = CorpusRun(folder, out, ["csv", "json"], "error", Options(validate=False), scheduler=address, quiet=True)
        assert run_corpus(run) in (0, 1)
    assert snapshot(out / "reports.duckdb") == snapshot(extracted / "reports.duckdb")
    for rows in extracted.rglob("rows.csv"):
        assert (out / rows.relative_to(extracted)).read_bytes() == rows.read_bytes()


def test_real_printouts_get_their_plan_and_year(extracted: Path) -> None:
    if not REAL_PRINTOUTS:
        pytest.skip(f"the real B-7 printouts are not in {real_dir()} (set CEPLAN_REAL_DIR)")
    con = duckdb.connect(str(extracted / "reports.duckdb"), read_only=True)
    try:
        lines = con.execute(
            "SELECT f.path, r.group_key, r.report_year FROM reports r JOIN files f USING (report_sha256) "
            "WHERE f.path LIKE 'real/%' ORDER BY f.path"
        ).fetchall()
    finally:
        con.close()
    igp = "pei-b7|112 - instituto geofisico del peru"
    assert lines == [
        ("real/IGP_PEI_AnexoB7_PEI2017-2019_year2019.pdf", f"{igp}|2017 - 2019", 2019),
        ("real/IGP_PEI_AnexoB7_seguimiento_2021.pdf", f"{igp}|2020 - 2025", 2021),
    ]  # two PEIs: two series of one printout each, so nothing to compare


def _children(pid: int) -> list[int]:
    """Worker processes forked by `pid` (they share its command line)."""
    parent_cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if proc.name.isdigit() and int(stat[1]) == pid and (proc / "cmdline").read_bytes() == parent_cmd:
                found.append(int(proc.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker processes")
def test_a_killed_worker_costs_no_report(corpus: tuple[Path, set], tmp_path: Path) -> None:
    folder, _ = corpus
    out = tmp_path / "catalogue"
    args = [sys.executable, "-m", "extractor", str(folder / "series"), "--out", str(out), "--no-validate", "-q"]
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        workers = _children(proc.pid)
        time.sleep(0.02)
    assert workers, "no worker process was seen"
    os.kill(workers[0], signal.SIGKILL)  # as the OOM killer would
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode in (0, 1), stderr
    assert len(list(out.rglob("rows.csv"))) == 3
    con = duckdb.connect(str(out / "reports.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 3
    finally:
        con.close()
