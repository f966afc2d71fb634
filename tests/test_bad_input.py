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


CASES = {
    "missing": (lambda p, t: p, "no such file"),
    "not_pdf": (lambda p, t: _write(p, b"hello, I am a text file\n"), "not a PDF"),
    "empty": (lambda p, t: _write(p, b""), "empty file"),
    "encrypted": (_encrypted_pdf, "encrypted"),
    "corrupt": (_corrupt_pdf, "corrupt"),
    "no_matrix": (lambda p, t: _text_pdf(p, ["Informe anual", "Sin tablas aqui."]), "no CEPLAN matrix"),
    "absurd_size": (lambda p, t: _text_pdf(p, ["Objetivo prioritario"], pagesize=(20000, 20000)), "not a report page"),
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
    assert "Traceback" not in result.stderr
    assert not out.exists(), "a failed run must not leave an output folder"


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
    assert result.stderr.strip().count("\n") == 0 and "no CEPLAN matrix found" in result.stderr
    assert not (tmp_path / "out").exists()
