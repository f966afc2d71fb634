"""annotated.pdf and report.html on the real 2024 report (and a scan of it, slow).

The marks are checked against the PDF itself, not against our own boxes: the text layer under
every error and warning mark must hold the value the finding says is printed there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.audit_helpers import chromium_run, read_annotations, text_under
from tests.conftest import run_extract

SUBTYPE_SQUARE, SUBTYPE_HIGHLIGHT = 5, 9  # pdfium's FPDF_ANNOT_SQUARE, FPDF_ANNOT_HIGHLIGHT
RED, AMBER = (0.85, 0.1, 0.1), (0.96, 0.6, 0.0)


@pytest.fixture(scope="module")
def trata(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("audit") / "trata"
    done = run_extract(samples_dir / "trata-2024.pdf", "--out", out, "--format", "json,pdf,html", "--quiet")
    assert done.returncode == 1, done.stderr  # the report contradicts itself
    return out


def findings_of(out: Path) -> list[dict]:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))["findings"]


def marks_by_finding(out: Path) -> dict[int, object]:
    marks = {}
    for annot in read_annotations(out / "annotated.pdf"):
        m = re.fullmatch(r"finding-(\d+)", annot.name)
        assert m, f"an annotation not written for a finding: {annot.name!r}"
        assert int(m.group(1)) not in marks, "two annotations for one finding"
        marks[int(m.group(1))] = annot
    return marks


def inside(rect: tuple[float, ...], box: tuple[float, ...]) -> bool:
    return box[0] <= rect[0] < rect[2] <= box[2] and box[1] <= rect[1] < rect[3] <= box[3]


def check_one_mark_per_finding(out: Path) -> dict[int, object]:
    findings = findings_of(out)
    marks = marks_by_finding(out)
    with_page = {i for i, f in enumerate(findings) if f["page"]}
    assert set(marks) == with_page
    for i, annot in marks.items():
        finding = findings[i]
        assert annot.page == finding["page"], (finding, annot)
        assert inside(annot.rect, annot.page_box), (finding, annot)
        expected = {"error": (SUBTYPE_SQUARE, RED), "warning": (SUBTYPE_SQUARE, AMBER)}
        subtype, color = expected.get(finding["severity"], (SUBTYPE_HIGHLIGHT, None))
        assert annot.subtype == subtype, finding
        if color:
            assert annot.color == color, finding
        assert finding["rule"] in annot.contents and finding["message"] in annot.contents
    return marks


def test_annotated_pdf_has_one_mark_per_finding_on_its_page(trata: Path) -> None:
    marks = check_one_mark_per_finding(trata)
    severities = [findings_of(trata)[i]["severity"] for i in marks]
    # trata-2024 prints 10 contradictions (OP.03's 33.3% is one claim in three places: one finding)
    assert severities.count("error") >= 10 and severities.count("warning") >= 13


def test_every_error_and_warning_mark_covers_the_printed_value(trata: Path) -> None:
    findings = findings_of(trata)
    checked = 0
    for i, annot in marks_by_finding(trata).items():
        finding = findings[i]
        if finding["severity"] == "info" or not finding["printed"]:
            continue
        under = " ".join(text_under(trata / "annotated.pdf", annot.page, annot.rect).split())
        assert finding["printed"] in under, (finding["rule"], finding["code"], finding["field"], under)
        assert len(under) <= len(finding["printed"]) + 12, f"the mark covers more than the cell: {under!r}"
        checked += 1
    expected = sum(1 for f in findings if f["severity"] != "info" and f["printed"] and f["page"])
    assert checked == expected and checked >= 23  # trata-2024: its 10 errors and 13 warnings


def test_annotated_pdf_keeps_the_pages_and_adds_bookmarks(trata: Path, samples_dir: Path) -> None:
    import pypdfium2 as pdfium

    original = pdfium.PdfDocument(str(samples_dir / "trata-2024.pdf"))
    annotated = pdfium.PdfDocument(str(trata / "annotated.pdf"))
    try:
        assert len(annotated) == len(original)
        for i in range(len(original)):
            assert annotated[i].get_textpage().get_text_range() == original[i].get_textpage().get_text_range()
        toc = list(annotated.get_toc())
        leaves = [b for b in toc if b.level == 2]
        assert toc[0].get_title().startswith("Findings")
        assert len(leaves) == sum(1 for f in findings_of(trata) if f["page"])
        assert all(b.get_dest() is not None for b in leaves)
    finally:
        annotated.close()
        original.close()


def test_report_json_boxes_frame_the_printed_cells(trata: Path) -> None:
    """Every printed progress value lies inside its cell's box (the PDF's own text layer)."""
    rows = json.loads((trata / "report.json").read_text(encoding="utf-8"))["rows"]
    checked = 0
    for row in rows:
        for column, value in row.items():
            if not column.startswith("progress_") or not value["raw"]:
                continue
            height = 595.2755737304688  # trata's landscape A4
            under = ""
            for box in row["boxes"][column]:  # one per page the row is printed on
                rect = (box["x0"], height - box["bottom"], box["x1"], height - box["top"])
                under += "".join(text_under(trata / "annotated.pdf", box["page"], rect).split())
            assert under == value["raw"].replace(" ", ""), (row["code"], column, under)
            checked += 1
    assert checked >= 40


def as_stored(annot, rotations: dict[str, int]) -> tuple[float, ...]:
    """Where a born-digital mark lies on the scan's page as stored: turned with the page's content."""
    turn = rotations.get(str(annot.page), 0)
    assert turn in (0, 180), "the sample turns pages upside down only"
    if turn == 0:
        return annot.rect
    x0, y0, x1, y1 = annot.rect
    px0, py0, px1, py1 = annot.page_box
    return (px0 + px1 - x1, py0 + py1 - y1, px0 + px1 - x0, py0 + py1 - y0)


def html_is_self_contained(html: str) -> None:
    for attr, target in re.findall(r"\b(src|href)\s*=\s*\"([^\"]*)\"", html):
        assert target.startswith(("#", "data:")), f"report.html refers outside itself: {attr}={target[:60]}"
    assert "@import" not in html and "url(http" not in html


def check_html_in_chromium(out: Path, profile: Path) -> str:
    html = out / "report.html"
    html_is_self_contained(html.read_text(encoding="utf-8"))
    dom = chromium_run(html, profile / "dom", "--dump-dom").stdout
    findings = findings_of(out)
    for i, f in enumerate(findings):
        card = re.search(rf'<article id="f-{i}" class="finding {f["severity"]}"[^>]*>(.*?)</article>', dom, re.S)
        assert card, f"report.html does not list finding {i}: {f['rule']} {f['code']}"
        if f["severity"] == "error":
            text = card.group(1)
            for key in ("rule", "code", "printed", "recomputed"):
                assert _html_text(f[key]) in text, (key, f)
            if f["page"]:
                assert '<img src="data:image/png;base64,' in text, f"no crop for error finding {i}"
    assert dom.count("<tr data-finding=") == len(findings)
    assert f"{len(findings)} shown" in dom  # the page's script ran (filters applied)
    shot = profile / "report.png"
    chromium_run(html, profile / "shot", f"--screenshot={shot}", "--window-size=1366,900")
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1366, 900)
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 50  # styled, not blank
    return dom


def _html_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_report_html_lists_every_finding_offline_in_chromium(trata: Path, tmp_path: Path) -> None:
    dom = check_html_in_chromium(trata, tmp_path)
    assert 'class="flag-error"' in dom  # the matrix shows its flagged cells
    assert "ISS.02.01.01.01" in dom and "Summary counts" in dom


@pytest.mark.slow
def test_a_scan_read_upside_down_gets_its_marks_where_the_born_digital_report_has_them(
    trata: Path, samples_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The image-only scan (pages upside down, skewed, cropped): marks on the stored page."""
    out = tmp_path_factory.mktemp("audit-scan") / "scan"
    done = run_extract(
        samples_dir / "scanned" / "trata-2024-image.pdf", "--out", out, "--format", "json,pdf,html", "--quiet",
        timeout=3600,  # OCR of 20 pages: ~1 min on an idle machine, much longer on a shared one
    )
    assert done.returncode in (0, 1), done.stderr
    marks = check_one_mark_per_finding(out)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["source"]["page_rotations"], "the sample has pages read upside down"
    def key(f: dict) -> tuple[str, ...]:
        return (f["rule"], f["code"], f["field"], str(f["page"]), f["printed"])

    digital = {key(f): i for i, f in enumerate(findings_of(trata))}
    digital_marks = marks_by_finding(trata)
    compared = 0
    for i, annot in marks.items():
        f = report["findings"][i]
        twin = digital.get(key(f))
        if twin is None or f["severity"] == "info":
            continue
        a, b = annot.rect, as_stored(digital_marks[twin], report["source"]["page_rotations"])
        # the scan is cropped up to ~7 mm and turned up to 1°: a few points off, never a page away
        assert abs((a[0] + a[2]) - (b[0] + b[2])) / 2 < 30 and abs((a[1] + a[3]) - (b[1] + b[3])) / 2 < 30, f
        compared += 1
    assert compared >= 10
    check_html_in_chromium(out, tmp_path_factory.mktemp("chromium-scan"))
