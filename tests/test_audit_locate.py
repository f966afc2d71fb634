"""Placing findings: figures in text, OCR words, the margin when nothing else is known."""

from __future__ import annotations

from pathlib import Path

from extractor.audit.locate import _standalone_hits, locate
from extractor.model import CellBox, Finding, Report, SourceInfo

TRATA = Path(__file__).resolve().parent.parent / "samples" / "trata-2024.pdf"


def report_with(findings: list[Finding], ocr_words: dict[int, list[tuple[str, CellBox]]] | None = None) -> Report:
    source = SourceInfo(str(TRATA), "", 20)
    report = Report(source, "policy-matrix", {}, [2024], [2024], ["code"], [], [], [], findings)
    report.ocr_words = ocr_words or {}
    return report


def test_a_figure_is_not_found_inside_a_longer_number() -> None:
    text = "ponderado de 33.30% y luego 33.3% en 133.3%"
    assert list(_standalone_hits(text, "33.3%")) == [text.index("33.3% en")]
    assert list(_standalone_hits("4.5 y 4.50 y 4,5", "4.5")) == [0]


def test_a_finding_nothing_locates_is_marked_in_its_page_margin() -> None:
    finding = Finding("narrative_unattributed", "info", "The text states 987654%", printed="987654%", page=2)
    (mark,) = locate(report_with([finding]), TRATA)
    assert mark.placement == "page" and mark.box.page == 2
    assert 0 < mark.box.x0 < mark.box.x1 < 100 and 0 < mark.box.top < mark.box.bottom < 100


def test_a_claim_on_a_scan_is_placed_on_the_ocr_word_its_quote_surrounds() -> None:
    def word(text: str, x: float, y: float) -> tuple[str, CellBox]:
        return text, CellBox(3, x, y, x + 10 * len(text), y + 8)

    words = [word("de", 10, 10), word("los", 40, 10), word("6", 80, 10), word("sectores", 100, 10),
             word("de", 10, 30), word("los", 40, 30), word("6", 80, 30), word("indicadores", 100, 30),
             word("prioritarios", 220, 30)]
    finding = Finding(
        "narrative_mismatch", "error", 'The text counts 6: "de los 6 indicadores prioritarios"', printed="6", page=3
    )
    (mark,) = locate(report_with([finding], {3: words}), TRATA)
    assert mark.placement == "text"
    assert (mark.box.x0, mark.box.top) == (80, 30)
