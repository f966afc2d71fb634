"""In-process fuzzing of the stages after the reading: the words of a page garbled as a scan
misreads them (tests/fuzzing.py fuzzes the PDF file; this, the text OCR hands on)."""

from __future__ import annotations

import contextlib
import dataclasses
import random
from pathlib import Path

import pytest

from extractor.model import PageContent

REPO = Path(__file__).resolve().parent.parent
GARBLE = "0123456789.,%-+ NDSIOPL:;|/§'\"()"  # what a scan's misreads are made of


def _garbled(text: str, rng: random.Random) -> str:
    """`text` with one glyph added, lost or changed, or replaced whole (empty, too)."""
    roll = rng.random()
    at = rng.randint(0, len(text))
    if roll < 0.3:
        return text[:at] + rng.choice(GARBLE) + text[at:]
    if roll < 0.5:
        return text[:at] + text[at + 1 :]
    if roll < 0.7:
        return text[:at] + rng.choice(GARBLE) + text[at + 1 :]
    return "".join(rng.choice(GARBLE) for _ in range(rng.randint(0, 12)))


def _garble_pages(pages: list[PageContent], rng: random.Random, rate: float, source: str) -> list[PageContent]:
    """The pages with a share `rate` of their words garbled, as read from `source` ("ocr": the
    repairs and readings of scanned pages run on them too)."""
    out = []
    for page in pages:
        words = [dataclasses.replace(w, text=_garbled(w.text, rng)) if rng.random() < rate else w for w in page.words]
        out.append(dataclasses.replace(page, words=words, text=" ".join(w.text for w in words), source=source))
    return out


@pytest.mark.parametrize("sample", ["salud-2025", "trata-2024"])
def test_words_garbled_as_a_scan_misreads_them_never_crash_the_stages_after_reading(
    sample: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every stage after the reading takes whatever text a page gives it: glyphs added, lost or
    changed, words of separators ("279.306.1333") or of nothing at all. A report it cannot make
    sense of is an InputError (exit 2), never another exception (a traceback)."""
    from extractor import pipeline
    from extractor.pdf import InputError

    pdf = REPO / "samples" / f"{sample}.pdf"
    pages, info = pipeline.read_pages(pdf, pipeline.Options(ocr="never"))
    rng = random.Random(sample)
    for rate, source in [(0.02, "text"), (0.1, "ocr"), (0.3, "text"), (0.3, "ocr"), (0.05, "ocr")]:
        garbled = _garble_pages(pages, rng, rate, source)
        monkeypatch.setattr(pipeline, "read_pages", lambda _path, _options, pages=garbled: (pages, info))
        with contextlib.suppress(InputError):
            pipeline.run(pdf, pipeline.Options(ocr="never", validate=False, jobs=1))


def test_a_word_with_no_text_has_its_start_as_its_one_edge() -> None:
    from extractor.glued import char_edges
    from extractor.model import Word

    assert char_edges(Word("", 10.0, 10.0, 0.0, 5.0)) == [10.0]
    assert char_edges(Word("ab", 10.0, 20.0, 0.0, 5.0)) == [10.0, 15.0, 20.0]
