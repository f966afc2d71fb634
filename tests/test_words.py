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


def _glyphs(spec: list[tuple[str, float, float]], size: float = 10.0, y: float = 50.0) -> list[_Glyph]:
    return [_Glyph(ch, x0, x1, y - 0.8 * size, y + 0.2 * size, size, y) for ch, x0, x1 in spec]


def test_an_accent_drawn_over_its_letter_is_one_letter() -> None:
    """TeX's OT1 fonts print "Número" as N, an acute, u, …: the acute stands over the u (as
    measured in a pdflatex file); "Línea" puts a wider acute over a dotless i."""
    numero = _glyphs([("N", 148.7, 155.8), ("´", 155.8, 160.8), ("u", 155.8, 160.9), ("m", 160.9, 168.8),
                      ("e", 168.8, 173.2), ("r", 173.2, 176.7), ("o", 176.7, 181.7)])
    linea = _glyphs([("L", 200.0, 205.7), ("´", 205.0, 210.0), ("ı", 205.7, 208.5), ("n", 208.5, 214.1),
                     ("e", 214.1, 218.5), ("a", 218.5, 223.5)])
    ano = _glyphs([("A", 240.0, 247.5), ("˜", 247.6, 252.6), ("n", 247.5, 253.1), ("o", 253.1, 258.1)])
    assert read([numero, linea, ano]) == ["Número", "Línea", "Año"]


def test_an_accent_on_its_own_stays() -> None:
    caret = _glyphs([("x", 10.0, 15.0), ("^", 15.5, 20.5), ("2", 21.0, 26.0)])
    assert read([caret]) == ["x^2"]


def test_an_accent_raised_over_a_capital_finds_its_letter_out_of_order() -> None:
    """pdfTeX sets the acute of "Única" in a raised box that the text order puts after the line."""
    line1 = _glyphs([("C", 100.0, 106.0), ("e", 106.0, 110.0), ("n", 110.0, 115.0), ("t", 115.0, 118.0),
                     ("r", 118.0, 121.0), ("a", 121.0, 125.0), ("l", 125.0, 127.0)], y=347.2)
    line2 = _glyphs([("U", 131.0, 136.4), ("n", 136.2, 140.3), ("i", 140.1, 142.2), ("c", 142.1, 145.3),
                     ("a", 145.2, 148.9)], y=347.2)
    accent = _glyphs([("´", 131.9, 135.5)], y=345.7)
    assert read([line1, line2, accent]) == ["Central", "Única"]
