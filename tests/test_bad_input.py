"""Bad input: one clear line on stderr, exit code 2, no traceback, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_extract


def _text_pdf(path: Path, lines: list[str], pagesize: tuple[float, float] = (595, 842)) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=pagesize)
    y = pagesize[1] - 72
    for line in lines:
        c.drawString(72, y, line)
        y -= 14
    c.showPage()
    c.save()
    return path


def _image_only_pdf(path: Path) -> Path:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("RGB", (800, 600), "white")
    draw = ImageDraw.Draw(img)
    for x in range(50, 750, 100):
        draw.line([(x, 50), (x, 550)], fill="black", width=2)
    png = path.with_suffix(".png")
    img.save(png)
    c = canvas.Canvas(str(path), pagesize=(842, 595))
    c.drawImage(ImageReader(str(png)), 0, 0, width=842, height=595)
    c.showPage()
    c.save()
    return path


def _encrypted_pdf(path: Path, tmp: Path) -> Path:
    import pikepdf

    plain = _text_pdf(tmp / "plain.pdf", ["Objetivo prioritario", "Avance Tipo 1"])
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="owner", user="secret", R=6))
    return path


def _corrupt_pdf(path: Path, tmp: Path) -> Path:
    good = _text_pdf(tmp / "good.pdf", ["Objetivo prioritario"] * 40).read_bytes()
    path.write_bytes(good[: len(good) // 3])
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _no_pages_pdf(path: Path, tmp: Path) -> Path:
    import pikepdf

    pikepdf.new().save(path)
    return path


def _broken_page_tree_pdf(path: Path, tmp: Path) -> Path:
    import pikepdf

    _text_pdf(tmp / "two.pdf", ["Objetivo prioritario"])
    with pikepdf.open(tmp / "two.pdf") as pdf:
        pdf.pages.append(pdf.pages[0])
        pdf.Root.Pages.Kids[1] = pikepdf.Dictionary(Type=pikepdf.Name.Font)  # a page that is not one
        pdf.save(path)
    return path


def _symlink_loop(path: Path, tmp: Path) -> Path:
    other = tmp / "other.pdf"
    other.symlink_to(path)
    path.symlink_to(other)
    return path


def _dangling_symlink(path: Path, tmp: Path) -> Path:
    path.symlink_to(tmp / "gone.pdf")
    return path


def _huge_page_pdf(path: Path, tmp: Path) -> Path:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    doc.new_page(14401, 14401)
    doc.save(str(path))
    doc.close()
    return path


CASES = {
    "missing": (lambda p, t: p, "no such file"),
    "not_pdf": (lambda p, t: _write(p, b"hello, I am a text file\n"), "not a PDF"),
    "empty": (lambda p, t: _write(p, b""), "empty file"),
    "encrypted": (_encrypted_pdf, "encrypted"),
    "corrupt": (_corrupt_pdf, "corrupt"),
    "no_matrix": (lambda p, t: _text_pdf(p, ["Informe anual", "Sin tablas aqui."]), "no CEPLAN matrix"),
    "absurd_size": (lambda p, t: _text_pdf(p, ["Objetivo prioritario"], pagesize=(20000, 20000)), "not a report page"),
    "huge_page": (_huge_page_pdf, "page 1: 14401×14401 pt is not a report page"),
    "no_pages": (_no_pages_pdf, "has no pages"),
    "broken_page_tree": (_broken_page_tree_pdf, "page 2 cannot be loaded (the PDF's page tree is broken)"),
    "symlink_loop": (_symlink_loop, "symbolic link that loops"),
    "dangling_symlink": (_dangling_symlink, "symbolic link to a file that does not exist"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_and_exit_2(case: str, tmp_path: Path) -> None:
    make, expected = CASES[case]
    pdf = make(tmp_path / f"{case}.pdf", tmp_path)
    out = tmp_path / "out"
    result = run_extract(pdf, "--out", out, "--quiet")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert lines[0].startswith(f"error: {pdf}: "), "every message names the file first"
    assert "Traceback" not in result.stderr
    assert not out.exists(), "a failed run must not leave an output folder"
    assert not list(tmp_path.glob(".out*")), "nor a lock file or partial folder beside it"


def test_image_only_with_ocr_off_says_how_to_proceed(tmp_path: Path) -> None:
    pdf = _image_only_pdf(tmp_path / "scan.pdf")
    result = run_extract(pdf, "--out", tmp_path / "out", "--ocr", "never", "--quiet")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "no text layer" in line and "--ocr auto" in line
    assert len(line.splitlines()) == 1


def test_unknown_format_is_rejected(tmp_path: Path) -> None:
    result = run_extract(tmp_path / "x.pdf", "--format", "csv,docx")
    assert result.returncode == 2
    assert "docx" in result.stderr and "Traceback" not in result.stderr


def test_help_is_fast_and_lists_examples() -> None:
    import time

    start = time.perf_counter()
    result = run_extract("--help")
    elapsed = time.perf_counter() - start
    assert result.returncode == 0
    assert "--fail-on" in result.stdout and "Examples" in result.stdout
    assert elapsed < 5  # the strict 0.3 s target is measured by scripts/bench.py


def test_help_does_not_import_heavy_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from extractor import cli; "
        "heavy = [m for m in ('great_expectations', 'camelot', 'cv2', 'pandas', 'pdfplumber') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_real_narrative_report_without_matrix_is_refused_cleanly(tmp_path: Path) -> None:
    from tests.gold import real_pdf

    pdf = real_pdf("IGP_Informe_Evaluacion_Resultados_PEI_2020.pdf")
    result = run_extract(pdf, "--out", tmp_path / "out", "--quiet")
    assert result.returncode == 2
    import re

    # its OEI/AEI tables may tell the family (pei-b7) without holding its matrix: either way, one line
    assert result.stderr.strip().count("\n") == 0
    assert re.search(r"no (CEPLAN|pei-b7) matrix found", result.stderr), result.stderr
    assert not (tmp_path / "out").exists()


# ---- processes: none outlives `extract` ------------------------------------------------------------


def _session_processes(sid: int) -> list[int]:
    """Live (not zombie) processes of session `sid`: everything `extract` started, reparented or not."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            found.append(int(entry.name))
    return found


def _command(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _reads_ocr(pid: int) -> bool:
    """A tesseract run, or an OCR worker of the pool (tesseract's library reads in it)."""
    command = _command(pid)
    return command.startswith("tesseract ") or "multiprocessing.spawn" in command


def test_killing_the_main_process_leaves_no_process_behind(tmp_path: Path, samples_dir: Path) -> None:
    """kill -9 of `extract` while OCR workers, tesseract and the Great Expectations worker run."""
    import os
    import signal
    import subprocess
    import sys
    import time

    pdf = samples_dir / "scanned" / "salud-2025-image.pdf"
    proc = subprocess.Popen(
        [sys.executable, "-m", "extractor", str(pdf), "--out", str(tmp_path / "out"), "--quiet", "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its session id finds every process it started, orphaned or not
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            children = [p for p in _session_processes(proc.pid) if p != proc.pid]
            if any(_reads_ocr(p) for p in children):
                break
            time.sleep(0.05)
        assert proc.poll() is None, "extract ended before OCR ran"
        assert any(_reads_ocr(p) for p in children), "no OCR worker or tesseract run seen"
        os.kill(proc.pid, signal.SIGKILL)
        # a caller reading stderr must not hang on a survivor holding it open
        proc.communicate(timeout=30)
        deadline = time.monotonic() + 10
        while _session_processes(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = {p: _command(p) for p in _session_processes(proc.pid)}
        assert not survivors, survivors
    finally:
        for pid in _session_processes(proc.pid):
            os.kill(pid, signal.SIGKILL)


def test_ctrl_c_during_ocr_stops_everything_in_one_line(tmp_path: Path, samples_dir: Path) -> None:
    """The terminal sends SIGINT to the whole group: no worker traceback, no wait for queued pages."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    pdf = samples_dir / "scanned" / "salud-2025-image.pdf"
    proc = subprocess.Popen(
        [sys.executable, "-m", "extractor", str(pdf), "--out", str(out), "--quiet", "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if any(_reads_ocr(p) for p in _session_processes(proc.pid)):
                break
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 130, stderr
        assert stderr.strip().splitlines() == [f"error: {pdf}: interrupted; nothing was written"], stderr
        assert not out.exists() and not list(tmp_path.iterdir())
    finally:
        for pid in _session_processes(proc.pid):
            os.kill(pid, signal.SIGKILL)


def test_ctrl_c_ends_the_process_even_when_clean_up_hangs(tmp_path: Path) -> None:
    """A clean-up that never returns (a worker pool's shutdown raced by Ctrl-C) does not hold
    `extract` for ever: the process ends with 130 and the one line after the grace period."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import time\n"
        "from pathlib import Path\n"
        "import extractor.cli as cli\n"
        "cli.INTERRUPT_GRACE_S = 0.5\n"
        "with cli._ends_soon_after_interrupt(Path('report.pdf')):\n"
        "    try:\n"
        "        print('ready', flush=True)\n"
        "        time.sleep(60)\n"
        "    finally:\n"
        "        time.sleep(60)  # the clean-up that hangs\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        started = time.monotonic()
        os.kill(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 130, stderr
        assert stderr.strip().splitlines() == ["error: report.pdf: interrupted; nothing was written"], stderr
        assert time.monotonic() - started < 20
    finally:
        if proc.poll() is None:
            proc.kill()


def _blocked_signals() -> int:
    import os

    with open(f"/proc/{os.getpid()}/status") as status:
        return next(int(line.split()[1], 16) for line in status if line.startswith("SigBlk"))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the signal mask from /proc")
def test_a_worker_starts_with_ctrl_c_blocked_and_the_caller_gets_it_back() -> None:
    """A Ctrl-C that reaches a worker while its interpreter starts, before it can ignore SIGINT,
    killed it with a traceback on the caller's stderr: workers start with SIGINT blocked."""
    import multiprocessing
    import signal

    from extractor.lifeline import process_pool

    with process_pool(1, multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(_blocked_signals).result(timeout=60) & (1 << (signal.SIGINT - 1))
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())
