"""Words from glyph geometry: letter spacing measured per font size from the page's own gaps."""

from __future__ import annotations

import random

from extractor.pdf import Spacing, _Glyph, letter_spacing, words_from_runs

ADVANCE_EM = 0.5  # every test glyph is half an em wide
SPACE_EM = 0.25  # a word space of the font, before letter spacing


def line(words: list[str], size: float, tracking: float, noise: float, y: float, seed: int = 0,
         space: float = SPACE_EM, kerned: float = 1.0) -> list[_Glyph]:
    """One printed line without space characters (as chromium writes it): glyphs placed apart by
    the tracking, a share `kerned` of the letter pairs off by up to `noise` em (kerning, or the
    error of boxes drawn around glyph outlines); words further apart by a space."""
    rng = random.Random(seed)
    glyphs, x = [], 10.0
    for w, word in enumerate(words):
        if w:
            x += (space + tracking) * size
        for i, ch in enumerate(word):
            if i:
                x += (tracking + (rng.uniform(-noise, noise) if rng.random() < kerned else 0.0)) * size
            glyphs.append(_Glyph(ch, x, x + ADVANCE_EM * size, y - 0.8 * size, y + 0.2 * size, size, y))
            x += ADVANCE_EM * size
    return glyphs


TEXT = ["Porcentaje", "de", "entidades", "del", "SINAGERD", "con", "informes", "transferidos"]


def read(runs: list[list[_Glyph]]) -> list[str]:
    return [w.text for w in words_from_runs(runs)]


def test_outline_gaps_are_not_taken_for_tracking() -> None:
    """A real PEI printout's gaps: median +0.03 em from glyph outlines, spread as wide (letters
    -0.03 to +0.09 em), and word spaces as narrow as 0.12 em. Subtracting the median would glue
    its words."""
    runs = [line(TEXT, 10.5, 0.03, 0.06, 20 + 14 * k, seed=k, space=0.09) for k in range(6)]
    assert letter_spacing(runs).page == 0.0
    assert read(runs) == TEXT * 6


def test_a_tracked_page_keeps_its_words_whole() -> None:
    """0.05 em of letter spacing plus kerning (a fifth of the pairs, up to 0.08 em) puts gaps
    inside words past the word gap."""
    runs = [line(TEXT, 7.0, 0.05, 0.08, 20 + 10 * k, seed=k, kerned=0.2) for k in range(6)]
    spacing = letter_spacing(runs)
    assert abs(spacing.page - 0.05) < 0.01
    assert read(runs) == TEXT * 6
    untracked = [w.text for w in words_from_runs(runs, Spacing({}))]
    assert untracked != TEXT * 6, "the test must need the measured spacing"


def test_wide_tracking_is_measured_too() -> None:
    runs = [line(TEXT, 6.0, 0.12, 0.01, 20 + 9 * k, seed=k) for k in range(4)]
    assert abs(letter_spacing(runs).page - 0.12) < 0.01
    assert read(runs) == TEXT * 4


def test_each_font_size_has_its_own_spacing() -> None:
    """Tracked cell text (6 pt) and an untracked page header (9 pt) on one page."""
    cells = [line(TEXT, 6.0, 0.12, 0.01, 100 + 9 * k, seed=k) for k in range(4)]
    header = [line(["Sector:", "37:", "VIVIENDA", "CONSTRUCCION", "Y", "SANEAMIENTO"], 9.0, 0.0, 0.02, 20 + 12 * k,
                   seed=k) for k in range(3)]
    spacing = letter_spacing(cells + header)
    assert abs(spacing.by_size[6.0] - 0.12) < 0.01 and spacing.by_size[9.0] == 0.0
    assert read(header + cells) == ["Sector:", "37:", "VIVIENDA", "CONSTRUCCION", "Y", "SANEAMIENTO"] * 3 + TEXT * 4


def test_negative_tracking_is_not_subtracted() -> None:
    """Condensed text: subtracting its spacing would bring the word limit down into kerning."""
    runs = [line(TEXT, 8.0, -0.05, 0.0, 20 + 11 * k, seed=k) for k in range(4)]
    assert letter_spacing(runs).page == 0.0
    assert read(runs) == TEXT * 4


def test_text_clipped_away_is_not_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A cell's text cut off by its clip path (a repeated header row printed lower than its
    text) is not on the page; a line whose descenders alone cross the clip is."""
    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    from extractor.pdf import read_page

    path = tmp_path / "clipped.pdf"
    c = canvas.Canvas(str(path), pagesize=(300, 200))
    c.saveState()
    clip = c.beginPath()
    clip.rect(20, 100, 200, 40)  # y from 100 to 140
    c.clipPath(clip, stroke=0, fill=0)
    c.setFont("Helvetica", 10)
    c.drawString(25, 125, "OBJETIVO PRIORITARIO /")  # inside
    c.drawString(25, 101, "Objetivo alcanzado")  # baseline just above the clip: descenders cut
    c.drawString(25, 95, "LINEAMIENTO /")  # cut through the middle: its top 2 pt show
    c.restoreState()
    c.drawString(25, 60, "Sector: 37")
    c.save()
    with pdfium.PdfDocument(str(path)) as doc:
        words = [w.text for w in read_page(doc, 0).words]
    assert words == ["OBJETIVO", "PRIORITARIO", "/", "Objetivo", "alcanzado", "Sector:", "37"]
