"""OCR of pages without a text layer: a synthetic scanned table and the real scanned IGP report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from extractor import ocr
from extractor.geometry import Box
from extractor.model import PageContent, Word
from extractor.ocr.grid import table_cells
from extractor.ocr.read import OcrWord, prefer_digit_words, split_by_width
from tests.gold import real_pdf

SCAN = "IGP_Evaluacion_PEI_2017_SCANNED_alternating-rot180.pdf"  # a real scan, found by real_pdf
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DPI = 200
PAGE = (595.0, 420.0)  # A5 landscape: room for a small matrix
SIZE = 6.5  # the print size of CEPLAN matrices

HEADER = ["Código", "Nombre", "Línea base", "Logro 2024", "Valor 2024", "Avance 2024"]
WIDTHS = [78.0, 150.0, 50.0, 50.0, 50.0, 50.0]
ROWS = [
    ["OP.03", "Reducir la violencia contra las mujeres", "ND", "12.50%", "6.39%", "51.12%"],
    ["IOP.03.01", "Porcentaje de mujeres víctimas", "1,795", "1,300", "1,412", "108.62%"],
    ["LN.03.05", "Fortalecer la atención integral", "", "", "", ""],
    ["SS.02.07.01", "Servicio de asistencia técnica a gobiernos locales", "ND", "40", "38", "95%"],
    ["ISS.03.05.01.01", "Porcentaje de entidades asistidas", "0.0003%", "6.39%", "ND", "ND"],
    ["ISS.03.05.01.02", "Número de personas atendidas", "1,795", "2,000", "1,795", "89.75%"],
    ["SS.02.07.02", "Servicio de prevención", "ND", "100", "120", "120%"],
    ["ISS.02.07.02.01", "Tasa de cobertura del servicio", "3.10%", "5.00%", "4.10%", "82%"],
]


@dataclass(frozen=True)
class Cell:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    column: int


# --------------------------------------------------------------------------- fixture


def _wrap(text: str, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and pdfmetrics.stringWidth(candidate, "DejaVu", SIZE) > width - 4:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def draw_table(path: Path) -> list[Cell]:
    """A ruled CEPLAN-like matrix in 6.5 pt DejaVu; returns every cell, PDF points top-left."""
    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    pdf = canvas.Canvas(str(path), pagesize=PAGE)
    pdf.setFont("DejaVu", SIZE)
    pdf.setLineWidth(0.6)
    xs = [30.0]
    for width in WIDTHS:
        xs.append(xs[-1] + width)
    height = PAGE[1]
    lead = SIZE * 1.25
    top = 60.0
    cells = []
    for row in [HEADER, *ROWS]:
        wrapped = [_wrap(text, xs[i + 1] - xs[i]) for i, text in enumerate(row)]
        row_height = max(len(lines) for lines in wrapped) * lead + 6
        for i, lines in enumerate(wrapped):
            first = top + (row_height - len(lines) * lead) / 2 + 0.8 * lead
            for k, line in enumerate(lines):
                baseline = height - (first + k * lead)
                if i >= 2:  # values right-aligned close to the rule, as the CEPLAN app prints
                    pdf.drawRightString(xs[i + 1] - 2, baseline, line)
                else:
                    pdf.drawString(xs[i] + 2, baseline, line)
            cells.append(Cell(" ".join(lines), xs[i], xs[i + 1], top, top + row_height, i))
        pdf.line(xs[0], height - top, xs[-1], height - top)
        top += row_height
    pdf.line(xs[0], height - top, xs[-1], height - top)
    for x in xs:
        pdf.line(x, height - 60.0, x, height - top)
    pdf.save()
    return cells


def scan(vector_pdf: Path, out: Path, *, turn: int = 0) -> Path:
    """An image-only copy of a one-page PDF, rasterised at DPI in grey, its content turned
    `turn` degrees anticlockwise (the page takes the turned image's shape, as a scanner's would)."""
    pdf = pdfium.PdfDocument(str(vector_pdf))
    try:
        image = pdf[0].render(scale=DPI / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    image = image.rotate(turn, expand=True) if turn else image
    size = (image.width * 72 / DPI, image.height * 72 / DPI)
    page = canvas.Canvas(str(out), pagesize=size)
    page.drawImage(ImageReader(image.convert("L")), 0, 0, width=size[0], height=size[1])
    page.save()
    return out


def page_size(path: Path) -> tuple[float, float]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[0].get_size()
    finally:
        pdf.close()


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def cell_texts(cells: list[Cell], words: list[Word]) -> list[str]:
    """Each cell's words (assigned by their centre), in reading order."""
    texts = []
    for cell in cells:
        inside = [w for w in words if cell.x0 <= w.xmid < cell.x1 and cell.top <= w.ymid < cell.bottom]
        texts.append(ocr.page_text(inside).replace("\n", " "))
    return texts


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Cell], Path]:
    folder = tmp_path_factory.mktemp("ocr")
    cells = draw_table(folder / "table.pdf")
    return cells, folder / "table.pdf"


@pytest.fixture(scope="module")
def upright(table: tuple[list[Cell], Path]) -> PageContent:
    _, vector = table
    return ocr.ocr_page(scan(vector, vector.with_name("scan.pdf")), 0, *PAGE, dpi=DPI)


# --------------------------------------------------------------------------- fast checks


def test_find_grid_recovers_the_rules(table: tuple[list[Cell], Path]) -> None:
    cells, vector = table
    image = ocr.render_page(scan(vector, vector.with_name("grid.pdf")), 0, DPI)
    edges = ocr.find_grid(image, dpi=DPI)
    rules = sorted({c.x0 for c in cells} | {c.x1 for c in cells})
    found = sorted(e.x0 for e in edges if e.orientation == "v")
    assert len(found) == len(rules)
    assert max(abs(a - b) for a, b in zip(found, rules, strict=True)) < 1.0
    rows = sorted({c.top for c in cells} | {c.bottom for c in cells})
    assert len([e for e in edges if e.orientation == "h"]) == len(rows)
    assert len(table_cells(edges)) == len(cells)


def test_letter_balance_tells_upright_print_from_upside_down(table: tuple[list[Cell], Path]) -> None:
    from extractor.ocr.rotation import SURE_LETTER_BALANCE, letter_balance

    _, vector = table
    image = ocr.render_page(scan(vector, vector.with_name("balance.pdf")), 0, DPI)
    assert letter_balance(image, DPI) >= SURE_LETTER_BALANCE
    assert letter_balance(ocr.turn(image, 180), DPI) <= -SURE_LETTER_BALANCE
    assert letter_balance(np.full((400, 300), 255, np.uint8), DPI) == 0.0, "no print: no evidence"


@pytest.mark.parametrize("quarters", [0, 1, 2, 3])
def test_the_letters_shape_tells_the_rotation_without_tesseract(
    table: tuple[list[Cell], Path], monkeypatch: pytest.MonkeyPatch, quarters: int
) -> None:
    from extractor.ocr import rotation

    _, vector = table
    image = ocr.turn(ocr.render_page(scan(vector, vector.with_name("letters.pdf")), 0, DPI), 90 * quarters)
    monkeypatch.setattr(rotation, "orientation_report", lambda image: pytest.fail("OSD ran"))
    assert rotation.detect_rotation(image, prior=0, dpi=DPI) == (360 - 90 * quarters) % 360
    assert rotation.rotation_by_letters(np.full((400, 300), 255, np.uint8), DPI) is None, "no print: no evidence"


@pytest.mark.parametrize("quarters", [1, 3])
def test_a_quarter_turned_page_whose_way_up_is_unclear_is_read_along_its_lines(
    table: tuple[list[Cell], Path], monkeypatch: pytest.MonkeyPatch, quarters: int
) -> None:
    """salud s198 (150 dpi bitonal): the letters showed the lines lie across the page but not
    which way up, and OSD was unsure; the page was read as it lay, and its matrix lost. Which way
    up is then voted on along the lines, never across them; and the letters measured the other
    way up may tell (s198: -0.17 one way, 0.26 the other)."""
    from extractor.ocr import rotation

    _, vector = table
    image = ocr.turn(ocr.render_page(scan(vector, vector.with_name("unclear.pdf")), 0, DPI), 90 * quarters)
    along = 90 if quarters % 2 else 0
    voted: list[int] = []
    monkeypatch.setattr(rotation, "_balance", lambda level, dpi: 0.0)  # too small to tell either way
    monkeypatch.setattr(rotation, "orientation_report", lambda image: "Rotate: 0\nOrientation confidence: 0.7\n")
    monkeypatch.setattr(rotation, "_rotation_by_confidence", lambda image, prior, dpi: voted.append(prior) or prior)
    rotation.detect_rotation(image, prior=0, dpi=DPI)
    # OSD sure of a turn across the lines is no guess to take either
    monkeypatch.setattr(rotation, "orientation_report", lambda image: "Rotate: 0\nOrientation confidence: 9.0\n")
    rotation.detect_rotation(image, prior=0, dpi=DPI)
    assert voted == [along, along]
    answers = iter([-0.17, 0.26])  # unsure as it first lies level, sure the other way up
    monkeypatch.setattr(rotation, "_balance", lambda level, dpi: next(answers))
    assert rotation.detect_rotation(image, prior=0, dpi=DPI) == (along + 180) % 360


def test_letters_leaning_one_way_up_veto_an_unsure_osd_guess_against_them(
    table: tuple[list[Cell], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """trata s234 (150 dpi bitonal): an upright page's letters measured +0.18 as it lay and
    -0.16 turned, short of sure; tesseract's OSD said 180 at 2.6 (enough on its own) at 1×, and 0
    at 5.3 at 2×. The page was read upside down and its matrix lost. A guess against the way the
    letters lean is no guess to take: the next one is; with none left, the vote decides."""
    from extractor.ocr import rotation

    _, vector = table
    image = ocr.render_page(scan(vector, vector.with_name("lean.pdf")), 0, DPI)
    reports = iter(["Rotate: 180\nOrientation confidence: 2.6\n", "Rotate: 0\nOrientation confidence: 5.3\n"])

    def balances(*values: float) -> None:
        answers = iter(values)
        monkeypatch.setattr(rotation, "_balance", lambda level, dpi: next(answers))

    balances(0.18, -0.16)
    monkeypatch.setattr(rotation, "orientation_report", lambda image: next(reports))
    assert rotation.detect_rotation(image, prior=0, dpi=DPI) == 0
    voted: list[int] = []
    balances(0.18, -0.16)
    monkeypatch.setattr(rotation, "orientation_report", lambda image: "Rotate: 180\nOrientation confidence: 4.0\n")
    monkeypatch.setattr(rotation, "_rotation_by_confidence", lambda image, prior, dpi: voted.append(prior) or prior)
    assert rotation.detect_rotation(image, prior=0, dpi=DPI) == 0 and voted == [0]
    # letters that lean no way leave OSD's guess standing
    balances(0.05, 0.02)
    assert rotation.detect_rotation(image, prior=0, dpi=DPI) == 180


def test_a_clear_letter_balance_spares_the_confidence_vote(
    table: tuple[list[Cell], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractor.ocr import rotation

    _, vector = table
    image = ocr.render_page(scan(vector, vector.with_name("vote.pdf")), 0, DPI)
    votes: list[int] = []

    def vote(images: list[np.ndarray], **kwargs: object) -> list[list[OcrWord]]:
        votes.append(len(images))
        return [[OcrWord("upright", 0, 9, 0, 3, 90.0)], [OcrWord("flipped", 0, 9, 0, 3, 20.0)]]

    monkeypatch.setattr(rotation, "tesseract_each", vote)
    assert rotation._rotation_by_confidence(image, prior=180, dpi=DPI) == 0, "the letters overrule /Rotate"
    assert rotation._rotation_by_confidence(ocr.turn(image, 180), prior=0, dpi=DPI) == 180
    assert votes == []
    # big type only (no letter-sized marks): the letters say nothing, the vote decides
    blocks = np.full((600, 400), 255, np.uint8)
    blocks[100:300, 50:350] = 0
    assert rotation._rotation_by_confidence(blocks, prior=0, dpi=DPI) == 0
    assert votes == [2]


def test_title_letters_are_not_rules() -> None:
    # The strokes of a big thin title are as tall and thin as a row's rule; an underline touches
    # them. Only the underline (long on its own) is a rule.
    pil = Image.new("L", (1400, 400), 255)
    draw = ImageDraw.Draw(pil)
    font = ImageFont.truetype(str(FONT.with_name("DejaVuSans-ExtraLight.ttf")), 150)
    draw.text((20, 100), "EVALUACIÓN TIE", font=font, fill=0)
    draw.line((20, 262, 1300, 262), fill=0, width=3)
    edges = ocr.find_grid(np.array(pil), dpi=DPI)
    assert [e.orientation for e in edges] == ["h"]


def test_words_are_split_at_a_rule_when_piece_is_unreadable() -> None:
    word = OcrWord("1,795ND", 0, 70, 0, 10, 90)
    pieces = [Box(0, 50, 0, 10), Box(50, 70, 0, 10)]
    assert [w.text for w in split_by_width(word, pieces)] == ["1,795", "ND"]


def test_digit_words_replace_the_spanish_reading_of_their_place() -> None:
    spanish = [OcrWord("155.03.05", 0, 40, 0, 10, 60), OcrWord("Número", 50, 80, 0, 10, 95)]
    english = [
        OcrWord("ISS.03.05", 0, 40, 0, 10, 90),
        OcrWord("Numero", 50, 80, 0, 10, 90),
    ]
    merged = prefer_digit_words(spanish, english)
    assert [w.text for w in merged] == ["ISS.03.05", "Número"]


def test_lines_are_not_swallowed_by_a_tall_blob() -> None:
    words = [
        Word("uno", 10, 30, 0, 10),
        Word("dos", 40, 60, 0, 10),
        Word("STAMP", 100, 150, -5, 30),  # a stamp or logo read as one tall word
        Word("tres", 10, 30, 15, 25),
    ]
    assert ocr.page_text(words).splitlines()[-1] == "tres"
    assert "uno dos" in ocr.page_text(words)


# --------------------------------------------------------------------------- OCR (slow)


@pytest.mark.slow
def test_ocr_page_reads_the_scanned_table(table: tuple[list[Cell], Path], upright: PageContent) -> None:
    cells, _ = table
    assert (upright.source, upright.rotation, upright.number) == ("ocr", 0, 1)
    assert sum(e.orientation == "v" for e in upright.edges) == len(WIDTHS) + 1
    texts = cell_texts(cells, upright.words)
    right = [normalise(t) == normalise(c.text) for t, c in zip(texts, cells, strict=True)]
    wrong = [(c.text, t) for t, c, ok in zip(texts, cells, right, strict=True) if not ok]
    assert sum(right) >= 0.9 * len(cells), wrong
    codes = [ok for ok, c in zip(right, cells, strict=True) if c.column == 0 and c.text != "Código"]
    assert sum(codes) >= 0.75 * len(codes), wrong
    assert "ISS.03.05.01.01" in upright.text


@pytest.mark.slow
@pytest.mark.parametrize("turn", [180, 90])
def test_turned_scan_reads_the_same(table: tuple[list[Cell], Path], upright: PageContent, turn: int) -> None:
    cells, vector = table
    turned_pdf = scan(vector, vector.with_name(f"scan_{turn}.pdf"), turn=turn)
    turned = ocr.ocr_page(turned_pdf, 0, *page_size(turned_pdf), dpi=DPI)
    assert turned.rotation == turn
    assert (turned.width, turned.height) == pytest.approx(PAGE, abs=0.5)
    first, second = cell_texts(cells, upright.words), cell_texts(cells, turned.words)
    same = sum(normalise(a) == normalise(b) for a, b in zip(first, second, strict=True))
    assert same >= 0.9 * len(cells)


@pytest.mark.slow
def test_detect_rotation_on_the_real_scan() -> None:
    # Every second page of this scan is stored upside down (its /Rotate hides that in viewers).
    scan = real_pdf(SCAN)
    rotations = [ocr.detect_rotation(ocr.render_page(scan, i, DPI)) for i in range(12)]
    assert rotations == [0, 180] * 6


@pytest.mark.slow
def test_letter_balance_never_contradicts_the_real_scan() -> None:
    from extractor.ocr.rotation import SURE_LETTER_BALANCE, letter_balance

    scan = real_pdf(SCAN)
    sure = 0
    for index, upright in enumerate([0, 180] * 6):
        image = ocr.render_page(scan, index, DPI)
        right = letter_balance(ocr.turn(image, upright), DPI)
        wrong = letter_balance(ocr.turn(image, upright + 180), DPI)
        assert right > -SURE_LETTER_BALANCE and wrong < SURE_LETTER_BALANCE, index
        sure += right >= SURE_LETTER_BALANCE and wrong <= -SURE_LETTER_BALANCE
    assert sure >= 10, "the title page may leave it unsure, the text pages do not"


@pytest.mark.slow
def test_ocr_pages_reads_the_real_scan_upright() -> None:
    scan = real_pdf(SCAN)
    calls: list[tuple[int, int]] = []
    pages = ocr.ocr_pages(scan, list(range(12)), jobs=2, progress=lambda d, t: calls.append((d, t)))
    assert [p.number for p in pages] == list(range(1, 13))
    assert [p.rotation for p in pages] == [0, 180] * 6
    assert calls[-1] == (12, 12) and len(calls) == 13
    for page in pages:
        assert isinstance(page, PageContent) and page.source == "ocr"
        words = set(re.findall(r"\w+", page.text.casefold()))
        assert {"de", "la"} <= words or page.number == 1, (page.number, page.text[:300])
    everything = " ".join(p.text for p in pages)
    assert "Plan" in everything and "Estratégico" in everything
    assert "ESTRATÉGICO INSTITUCIONAL" in pages[0].text


# --------------------------------------------------------------------------- doubtful readings


def _ocr_page(words: list) -> PageContent:
    from extractor.model import PageContent

    return PageContent(3, 842.0, 595.0, words, source="ocr")


def test_an_error_resting_on_a_low_confidence_reading_is_a_warning_that_says_so() -> None:
    from extractor.confidence import LOW_CONFIDENCE_NOTE, flag_doubtful
    from extractor.model import Finding

    line = [Word("ISS.01.01", 14, 60, 200, 206, 91.0), Word("45.4%", 500, 520, 200, 206, 93.0),
            Word("58.7%", 600, 620, 200, 206, 41.0), Word("112.9", 800, 820, 200, 206, 88.0)]
    other = [Word("61.7%", 600, 620, 230, 236, 95.0), Word("99.0", 800, 820, 230, 236, 95.0)]
    doubtful = Finding("progress_mismatch", "error", "112.9 vs 96.8", "ISS.01.01", "progress_2025", "112.9",
                       "96.8", page=3)
    sure = Finding("progress_mismatch", "error", "99.0 vs 98.0", "ISS.01.02", "progress_2025", "99.0", "98.0", page=3)
    text_layer = PageContent(3, 842.0, 595.0, line + other, source="text")
    assert flag_doubtful([doubtful], [text_layer]) == [doubtful], "a text layer's figures are not in doubt"
    flagged, kept = flag_doubtful([doubtful, sure], [_ocr_page(line + other)])
    assert flagged.severity == "warning" and LOW_CONFIDENCE_NOTE in flagged.message
    assert "'58.7%', 41%" in flagged.message, "the doubtful reading is named"
    assert kept == sure, "a finding read with confidence stays an error"


# --------------------------------------------------------------------------- figures misread by specks


def _figure_image(text: str, specks: list[tuple[int, int]]) -> np.ndarray:
    """`text` printed at ~7 pt (200 dpi) on white, with 2-px dots at `specks` (x, y)."""
    image = Image.new("L", (160, 40), 255)
    ImageDraw.Draw(image).text((30, 12), text, fill=0, font=ImageFont.truetype(str(FONT), 18))
    pixels = np.array(image)
    for x, y in specks:
        pixels[y : y + 2, x : x + 2] = 0
    return pixels


def test_specks_beside_a_figure_are_painted_out_but_its_point_and_sign_stay() -> None:
    from extractor.ocr.read import _paint_specks

    clean = _figure_image("-57.4%", [])
    specked = _figure_image("-57.4%", [(22, 22), (120, 6), (60, 36)])  # left, above-right, below
    _paint_specks(specked, Box(0, 160, 0, 40))
    assert np.array_equal(specked, clean), "the dots go; the minus sign and the decimal point stay"


@pytest.mark.parametrize(
    ("printed", "speck"),
    # first read "*57.4%" and "-57.4%"; a printed minus is read again (it is signed) and stays
    [("57.4%", (24, 21)), ("57.4%", (26, 22)), ("-57.4%", (14, 21))],
)
def test_a_figure_read_with_a_speck_is_read_again_without_it(printed: str, speck: tuple[int, int]) -> None:
    from extractor.ocr.read import ocr_boxes

    words = ocr_boxes(_figure_image(printed, [speck]), [Box(0, 160, 0, 40)], upscale=2.0, lang="spa")[0]
    assert [w.text for w in words] == [printed]


def test_a_figure_read_twice_keeps_the_doubt_of_its_first_reading() -> None:
    from extractor.ocr import read

    image = _figure_image("57.4%", [(24, 21)])
    first = read._read_boxes(image, [Box(0, 160, 0, 40)], upscale=2.0, lang=read.DIGITS_LANG, psm=read.PSM_CELL)[0]
    words = read.ocr_boxes(image, [Box(0, 160, 0, 40)], upscale=2.0, lang="spa")[0]
    assert first[0].text != "57.4%" and words[0].text == "57.4%"
    assert words[0].conf <= first[0].conf


def test_a_second_reading_wins_only_when_it_keeps_the_first_ones_digits() -> None:
    """From seed 1: "O71" re-read "97.1" (a glyph was the 9); "100.0”" re-read "109.0" and "“47"
    re-read "7" change or lose a digit, so the first reading stands for the repair stage."""
    from extractor.ocr.read import _keeps_digits

    assert _keeps_digits("O71", "97.1") and _keeps_digits("§57.4%", "57.4%")
    assert not _keeps_digits("100.0”", "109.0") and not _keeps_digits("“47", "7")


# --------------------------------------------------------------------------- a second reading of doubtful figures


def test_two_readings_that_agree_digit_by_digit_make_a_figure_surer() -> None:
    from extractor.ocr.read import compare_readings

    first, second = OcrWord("1,084", 0, 9, 0, 3, 52.0), OcrWord("1084", 0, 9, 0, 3, 61.0)
    agreed = compare_readings(first, second)
    assert agreed.text == "1,084" and agreed.conf > 61.0 and not agreed.other


def test_two_readings_that_disagree_keep_the_first_in_doubt_with_the_other_beside_it() -> None:
    from extractor.ocr.read import DOUBTFUL_CONF, compare_readings

    kept = compare_readings(OcrWord("1,034", 0, 9, 0, 3, 64.0), OcrWord("1,084", 0, 9, 0, 3, 90.0))
    assert (kept.text, kept.other) == ("1,034", "1,084") and kept.conf < DOUBTFUL_CONF
    # trata-2024-image: a clipped code "03" read "103" by the digit-only reading, surer of it
    assert compare_readings(OcrWord("03", 0, 9, 0, 3, 40.0), OcrWord("103", 0, 9, 0, 3, 90.0)).text == "03"
    # a reading that is a value beats one that is none, however sure tesseract was of it
    kept = compare_readings(OcrWord("51.2%", 0, 9, 0, 3, 40.0), OcrWord("5l.2%", 0, 9, 0, 3, 95.0))
    assert (kept.text, kept.other) == ("51.2%", "5l.2%")


def test_of_two_readings_of_different_length_the_one_that_fits_the_width_of_the_print_stands() -> None:
    """salud s171 (200 dpi): "6.3%" and "4.9%" read over the width of five glyphs, the digit-only
    reading "36.3%", "34.9%"; a glyph read twice ("711%" over three glyphs' width) goes the same
    way. Readings of one length, or no pitch to measure by, leave the first standing."""
    from extractor.ocr.read import compare_readings, figure_pitch

    sure = [[OcrWord(t, 0, 10 * len(t), 0, 3, 95.0)] for t in ("28.5%", "31.1%", "33.7%", "38.9%", "27.6%")]
    pitch = figure_pitch(sure)
    assert pitch == 10
    dropped = compare_readings(OcrWord("6.3%", 0, 50, 0, 3, 45.0), OcrWord("36.3%", 0, 48, 0, 3, 80.0), pitch)
    assert (dropped.text, dropped.other) == ("36.3%", "6.3%")
    doubled = compare_readings(OcrWord("711%", 0, 31, 0, 3, 58.0), OcrWord("71%", 0, 30, 0, 3, 80.0), pitch)
    assert doubled.text == "71%"
    same = compare_readings(OcrWord("79.5%", 0, 50, 0, 3, 45.0), OcrWord("19.5%", 0, 50, 0, 3, 90.0), pitch)
    assert same.text == "79.5%"
    assert compare_readings(OcrWord("6.3%", 0, 50, 0, 3, 45.0), OcrWord("36.3%", 0, 48, 0, 3, 80.0)).text == "6.3%"
    assert figure_pitch(sure[:3]) is None, "too few sure figures to measure by"


def test_a_finding_on_a_figure_read_two_ways_names_both_readings() -> None:
    from extractor.confidence import flag_doubtful
    from extractor.model import Finding

    line = [Word("1,084", 500, 520, 200, 206, 64.0, "1,034"), Word("112.9", 800, 820, 200, 206, 95.0)]
    finding = Finding("progress_mismatch", "error", "…", "ISS.01.01", "progress_2025", "112.9", "96.8", page=3)
    flagged = flag_doubtful([finding], [_ocr_page(line)])[0]
    assert flagged.severity == "warning" and "'1,084' (read again as '1,034'), 64%" in flagged.message


def test_a_doubtful_figure_is_read_again_and_a_sure_one_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.ocr import read

    image = _figure_image("51.2%", [])
    calls: list[int] = []
    real = read._read_boxes

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(args[1]))
        return real(*args, **kwargs)

    monkeypatch.setattr(read, "_read_boxes", counted)
    words = [[OcrWord("1.2%", 30, 90, 12, 30, 41.0)], [OcrWord("51.2%", 30, 90, 12, 30, 96.0)]]
    read.second_opinion(image, [Box(0, 160, 0, 40), Box(0, 160, 0, 40)], words, upscale=2.0)
    assert calls == [1], "one call, for the doubtful cell only"
    for code in ("10P.01.02", "P.03", "0P.03"):  # trata's clipped "OP.03" was read "103"
        assert not read._doubtful_figure([OcrWord(code, 0, 9, 0, 3, 12.0)]), "a code is no figure"
    assert read._doubtful_figure([OcrWord("202C", 0, 9, 0, 3, 90.0)])
    assert words[0][0].other or words[0][0].conf > 41.0, "the second reading agrees or casts its doubt"
    assert words[1][0].conf == 96.0


def test_the_not_available_marks_a_figure_may_print_come_from_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second reading of a doubtful figure takes the marks `_ocr.yaml` lists, not a fixed "ND":
    with "S/D" listed, its letters are read and a cell reading "S/D" keeps that mark."""
    from extractor.ocr import read
    from extractor.rules import load_ocr_confusions

    shared = load_ocr_confusions()
    marks = shared.value_marks.model_copy(update={"not_available": ["S/D"]})
    monkeypatch.setattr(read, "load_ocr_confusions", lambda: shared.model_copy(update={"value_marks": marks}))
    asked: list[str] = []

    def fake(image, boxes, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(kwargs.get("chars", ""))
        return [[OcrWord("S/D", 30, 90, 12, 30, 80.0)] for _ in boxes]

    monkeypatch.setattr(read, "_read_boxes", fake)
    words = [[OcrWord("5/0", 30, 90, 12, 30, 30.0)]]
    read.second_opinion(np.full((40, 160), 255, np.uint8), [Box(0, 160, 0, 40)], words, upscale=2.0)
    assert asked and {"S", "/", "D"} <= set(asked[0]) and "N" not in asked[0]
    assert "S/D" in (words[0][0].text, words[0][0].other), "the listed mark is kept as a reading"


# --------------------------------------------------------------------------- tesseract runs (engine.py)


def test_images_read_in_one_tesseract_run_read_as_each_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page's mosaics, or its cells read alone, go to one tesseract run: each image is still
    read on its own (a page of the run), with the words, boxes and confidences it has alone."""
    from extractor.ocr import engine, read

    monkeypatch.setattr(engine, "_library", lambda: None)  # the command, as without the library
    images = [_figure_image("57.4%", []), _figure_image("1,084", []), np.full((40, 160), 255, np.uint8)]
    alone = [read.tesseract(image, psm=read.PSM_CELL, lang=read.DIGITS_LANG) for image in images]
    runs: list[list[str]] = []
    real = engine._run

    def counted(arguments: list[str]) -> str:
        runs.append(arguments)
        return real(arguments)

    monkeypatch.setattr(engine, "_run", counted)
    together = read.tesseract_each(images, psm=read.PSM_CELL, lang=read.DIGITS_LANG)
    assert len(runs) == 1
    assert [[w.text for w in words] for words in together] == [["57.4%"], ["1,084"], []]
    assert together == alone
    assert read.tesseract_each([], psm=read.PSM_CELL) == [] and len(runs) == 1, "nothing to read: no run"


def test_the_library_reads_word_for_word_what_the_command_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process (engine._Library) tesseract gives the words, boxes and confidences of the
    command's run, whatever the options, and the command's orientation report."""
    from extractor.ocr import engine, read

    if engine._library() is None:
        pytest.skip("no tesseract library here: the command is all there is")
    import cv2

    table = _shadowed_table(200, 0.0)  # a ruled table of codes: layout analysis and OSD have lines to read
    images = [_figure_image("57.4%", [(22, 22)]), _figure_image("1,084", []), table, np.full((40, 160), 255, np.uint8)]
    kinds = [
        {"psm": read.PSM_CELL, "lang": read.LANG},
        {"psm": read.PSM_CELL, "lang": read.DIGITS_LANG},
        {"psm": read.PSM_CELL, "lang": read.DIGITS_LANG, "chars": read.figure_chars()},
        {"psm": read.PSM_PAGE, "lang": read.LANG},
    ]
    in_process = [read.tesseract_each(images, **kind) for kind in kinds]
    # one handle per language, its options set before each reading: none inherits the last one's
    # whitelist or page mode, in whatever order they come
    assert [read.tesseract_each(images, **kind) for kind in reversed(kinds)][::-1] == in_process
    assert set(engine._library()._handles) <= {read.LANG, read.DIGITS_LANG, "osd"}
    turned = cv2.rotate(table, cv2.ROTATE_90_CLOCKWISE)
    reports = [engine.orientation_report(image) for image in (table, turned)]
    monkeypatch.setattr(engine, "_library", lambda: None)
    assert in_process == [read.tesseract_each(images, **kind) for kind in kinds]
    assert any(w.text == "57.4%" for w in in_process[1][0]), "the figure is read at all"
    assert reports == [engine.orientation_report(image) for image in (table, turned)]


def test_the_digit_model_reads_a_names_digit_lines_and_a_figure_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name's letters are the Spanish reading's: the English one gets only the bands of its
    lines that hold digits (the cost of a reading goes with the letters read), in the name's place
    among the tiles; a code or a figure is read whole."""
    from extractor.ocr import read

    def line(y: float, *texts: str) -> list[OcrWord]:
        return [OcrWord(t, 10 + 60 * k, 60 + 60 * k, y, y + 12, 90) for k, t in enumerate(texts)]

    name_box, code_box = Box(0, 300, 0, 80), Box(300, 400, 0, 80)
    name = line(5, "Niñas", "y", "niños") + line(25, "de", "6", "a", "35", "meses") + line(45, "con", "anemia")
    code = line(5, "1SS.03.05.01.01")
    sent: list[list[Box]] = []
    monkeypatch.setattr(read, "_read_boxes", lambda image, boxes, **kw: sent.append(list(boxes)) or [[] for _ in boxes])
    read._digit_readings(np.full((80, 400), 255, np.uint8), [name_box, code_box], [name, code], upscale=2.0,
                         psm=read.PSM_CELL)
    pad = read.TILE_PAD_PX / 2
    assert sent == [[Box(0, 300, 25 - pad, 37 + pad), code_box]]
    # lines with digits that touch are one band; none, no band
    two = line(5, "2023", "y") + line(18, "2024", "meses")
    assert read._digit_lines(name_box, two) == [Box(0, 300, 5 - pad, 30 + pad)]
    assert read._digit_lines(name_box, line(5, "sin", "cifras")) == []


def test_cells_whose_readings_disagree_are_read_alone_in_one_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.ocr import read

    image = np.hstack([_figure_image("57.4%", []), _figure_image("1,084", [])])
    boxes = [Box(0, 160, 0, 40), Box(160, 320, 0, 40)]
    calls: list[tuple[int, bool]] = []
    real = read._read_boxes

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((len(args[1]), kwargs.get("alone", False)))
        return real(*args, **kwargs)

    monkeypatch.setattr(read, "_read_boxes", counted)
    # the mosaics' second reading disagrees on both numbers: both boxes go back, together
    monkeypatch.setattr(read, "_numbers", lambda words: [id(words)])
    words = read.ocr_boxes(image, boxes, upscale=2.0, lang="spa")
    assert (2, True) in calls and (1, True) not in calls
    assert [[w.text for w in found] for found in words] == [["57.4%"], ["1,084"]]


def test_faint_print_is_read_and_paper_noise_is_not() -> None:
    """s174 (150 dpi, toner dropout 0.94): figures printed grey 150-200 on paper 240 were under
    the fixed ink threshold and their cells read empty, beside cells of dark print in one mosaic.
    A faint cell is read as print and darkened for tesseract; JPEG-like noise on paper is no print."""
    from extractor.ocr import read

    dark = _figure_image("57.4%", [])
    faint = (240 - (255 - _figure_image("22.5%", [])) * 0.3).astype(np.uint8)  # print at grey 163
    assert int((faint < 160).sum()) == 0, "all of it over the fixed threshold"
    rng = np.random.default_rng(7)
    noise = np.clip(240 + rng.normal(0, 6, dark.shape), 0, 255).astype(np.uint8)
    image = np.hstack([dark, faint, noise])
    boxes = [Box(0, 160, 0, 40), Box(160, 320, 0, 40), Box(320, 480, 0, 40)]
    words = read.ocr_boxes(image, boxes, upscale=2.0, lang="spa")
    assert [[w.text for w in found] for found in words] == [["57.4%"], ["22.5%"], []]
    assert read._on_white(dark[:, 20:100]).min() == dark[:, 20:100].min(), "dark print is read as it is"


def _shadowed_table(dpi: int, strength: float) -> np.ndarray:
    """A ruled table whose first column lies in a binding shadow: the paper darkens towards the
    left edge as exp(-x / reach), down by 170 × strength grey levels at the edge (as a book's
    spine casts it), with text in every cell."""
    width, height = 1600, 900
    pil = Image.new("L", (width, height), 235)
    draw = ImageDraw.Draw(pil)
    font = ImageFont.truetype(str(FONT), 28)
    columns, rows = [56, 300, 700, 1100, 1500], list(range(100, 861, 76))
    for x in columns:
        draw.line((x, rows[0], x, rows[-1]), fill=20, width=3)
    for y in rows:
        draw.line((columns[0], y, columns[-1], y), fill=20, width=3)
    for top in rows[:-1]:
        for left in columns[:-1]:
            draw.text((left + 12, top + 20), "SS.01.02", font=font, fill=20)
    if strength <= 0:
        return np.array(pil, np.uint8)
    reach = 25 / 25.4 * dpi * strength
    dark = 170 * strength * np.exp(-np.arange(width, dtype=np.float32) / (reach / 3))
    return np.clip(np.array(pil, np.float32) - dark[None, :], 0, 255).astype(np.uint8)


def test_a_rule_in_a_binding_shadow_is_found_after_the_light_is_evened() -> None:
    # The paper a few millimetres into a steep binding shadow is 60-80 grey levels darker than
    # half a window further in. Taken for as bright as that, it stayed dark after the division:
    # the shadow and the first column's rule became one wide blob, no rule, and the code column
    # was read as loose page text (salud-2025-scan58: 78% of the codes lost).
    dpi = 292
    image = ocr.flatten_light(_shadowed_table(dpi, 0.93), dpi)
    paper = image[130:160, 62:70]  # inside the first column, left of its text, right of the rule
    assert float(np.median(paper)) > 200
    verticals = [e for e in ocr.find_grid(image, dpi=dpi) if e.orientation == "v"]
    first = min(verticals, key=lambda e: e.x0)
    assert abs(first.x0 - 56 * 72 / dpi) < 1.5
    assert first.bottom - first.top > 0.9 * (860 - 100) * 72 / dpi


def test_a_tiles_paper_level_is_numpys_percentile_bit_for_bit() -> None:
    from extractor.ocr.read import TILE_PAPER_PERCENTILE, grey_percentile, paper_level

    rng = np.random.default_rng(8)
    tiles = [rng.integers(0, 256, (h, w), dtype=np.uint8) for h, w in rng.integers(1, 40, (300, 2))]
    tiles += [rng.choice(np.array([40, 251, 254, 255], np.uint8), (h, w)) for h, w in rng.integers(1, 40, (300, 2))]
    for tile in tiles:
        assert paper_level(tile) == float(np.percentile(tile, TILE_PAPER_PERCENTILE)), tile.shape
        assert grey_percentile(tile, 1) == float(np.percentile(tile, 1)), tile.shape


@pytest.mark.parametrize("quarters", [0, 3])  # upright, and lying on its side: turned back a quarter
def test_orienting_a_page_hands_on_the_skew_and_level_page_it_measured(
    table: tuple[list[Cell], Path], quarters: int
) -> None:
    from extractor.ocr import rotation

    _, vector = table
    upright = ocr.render_page(scan(vector, vector.with_name("orient.pdf")), 0, DPI)
    found = rotation.orient(ocr.turn(upright, 90 * quarters), dpi=DPI)
    assert found.rotation == (360 - 90 * quarters) % 360
    turned = ocr.turn(ocr.turn(upright, 90 * quarters), found.rotation)
    assert found.skew == ocr.estimate_skew(turned, DPI)
    assert np.array_equal(found.level, ocr.deskew(turned, found.skew))


def test_connected_marks_are_opencvs_in_16_bits_and_a_page_of_too_many_marks_still_labels() -> None:
    import cv2

    from extractor.ocr.image import connected_marks

    rng = np.random.default_rng(3)
    mask = (rng.random((300, 400)) < 0.3).astype(np.uint8)
    count, labels, stats, centroids = connected_marks(mask)
    expected = cv2.connectedComponentsWithStats(mask, connectivity=8)
    assert count == expected[0] and np.array_equal(stats, expected[2]) and np.array_equal(centroids, expected[3])
    assert np.array_equal(labels, expected[1])
    dots = np.zeros((600, 600), np.uint8)
    dots[::2, ::2] = 1  # 90000 marks: past 16 bits
    assert connected_marks(dots)[0] == 90_001  # and the background


def _levelled_hairline_table(angle: float, rows: list[int], columns: list[int]) -> np.ndarray:
    """A table ruled in 1-px hairlines, scanned `angle`° askew and bitonal (fax-like threshold),
    then levelled by the deskew as ocr_page does it."""
    width, height = 1600, 700
    pil = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(pil)
    turn, cx, cy = np.radians(angle), width / 2, height / 2

    def askew(x: float, y: float) -> tuple[float, float]:
        x, y = x - cx, y - cy
        return (cx + x * np.cos(turn) - y * np.sin(turn), cy + x * np.sin(turn) + y * np.cos(turn))

    for y in rows:
        draw.line([askew(columns[0], y), askew(columns[-1], y)], fill=0, width=1)
    for x in columns:
        draw.line([askew(x, rows[0]), askew(x, rows[-1])], fill=0, width=1)
    bitonal = np.where(np.array(pil) < 200, 0, 255).astype(np.uint8)
    return ocr.deskew(bitonal, ocr.estimate_skew(bitonal))


@pytest.mark.parametrize("angle", [1.31, 1.9])
def test_a_hairline_levelled_into_dashes_over_two_pixel_rows_is_one_rule(angle: float) -> None:
    # A bitonal hairline scanned askew and levelled comes out as dashes alternating between two
    # pixel rows, none as long as a rule: rules were lost and two table rows shared one band
    # (salud-2025-scan131 page 1: ISS.01.02.01.01 lost, its name joined to the service above).
    rows, columns = list(range(100, 601, 50)), [100, 300, 1400]
    image = _levelled_hairline_table(angle, rows, columns)
    found = sorted((e for e in ocr.find_grid(image, dpi=DPI) if e.orientation == "h"), key=lambda e: e.top)
    scale = 72 / DPI
    assert len(found) == len(rows)
    for edge, y in zip(found, rows, strict=True):
        assert abs(edge.top - y * scale) < 1.5
        assert edge.x1 - edge.x0 > 0.95 * (columns[-1] - columns[0]) * scale


def test_a_whole_rule_keeps_its_pixels_with_dashes_beside_it() -> None:
    # the two-row reading adds only what a row's runs miss: a whole rule, with a letter's stroke
    # touching it from above, is exactly the run it was
    from extractor.ocr.grid import line_masks

    whole = np.zeros((40, 400), bool)
    whole[20, 10:390] = True  # a whole 1-px rule
    whole[19, 100:104] = True  # a letter's foot on it
    stepping = whole.copy()
    stepping[30, 10:60] = stepping[31, 50:110] = stepping[30, 100:160] = True  # a rule stepping between two rows
    alone, _ = line_masks(whole, DPI)
    horizontal, _ = line_masks(stepping, DPI)
    assert (horizontal[:25] == alone[:25]).all() and alone[20].sum() > 350 and not alone[19].any()
    assert (horizontal[30] | horizontal[31])[12:158].all()
    assert not horizontal[30, 62:98].any()  # only ink: the rule keeps its two rows' pixels


def test_the_skew_of_a_page_is_its_print_not_a_shadow_band_along_the_scan_edge() -> None:
    """Trata seed 167: a binding shadow burnt black in a band across the top of the scan lies
    level with the scanner; its rows of solid ink outweighed the page's rules and text, sloping
    1.27°, and the page was read as level."""
    dpi = 200
    page = np.full((1200, 1700), 255, np.uint8)
    for y in range(200, 1150, 80):  # a table's hairline row rules, a line of thin letters in each row
        page[y : y + 1, 100:1600] = 0
        for x in range(120, 1580, 18):
            page[y + 14 : y + 24, x : x + 2] = 0
    sloped = ocr.deskew(page, -1.2)  # sloping 1.2° down to the right
    assert abs(ocr.estimate_skew(sloped, dpi) - 1.2) <= 0.1
    sloped[:20] = 0  # the shadow band, level with the scanner
    assert abs(ocr.estimate_skew(sloped, dpi) - 1.2) <= 0.1


def test_print_the_page_pass_left_unread_is_found_but_not_specks_or_a_broken_rule() -> None:
    """s106: a table whose rules a dropout took loses its cells to the page pass, which dropped
    lone figures of the progress column; they are found as runs of ink one line tall."""
    from extractor.ocr.read import unread_print

    image = Image.new("L", (400, 120), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 18)
    for x, y, text in [(20, 10, "117.8"), (200, 10, "97.1"), (20, 60, "80.8"), (200, 60, "Avance")]:
        draw.text((x, y), text, fill=0, font=font)
    pixels = np.array(image)
    pixels[100:102, 10:390:12] = 0  # a broken rule: dashes 1 px long, 11 apart
    pixels[[40, 90], [300, 150]] = 0  # specks
    ink = pixels < 160
    read = [OcrWord("117.8", 18, 70, 12, 30, 90.0), OcrWord("Avance", 198, 275, 62, 80, 95.0)]
    boxes = unread_print(ink, read, 200)
    assert sorted((round(b.x0 / 10), round(b.top / 10)) for b in boxes) == [(2, 6), (20, 1)]
    # a line the page pass read word by word is read: each word covers a little of the run
    line = Image.new("L", (400, 40), 255)
    ImageDraw.Draw(line).text((10, 10), "Servicio de salud rural", fill=0, font=font)
    words = [OcrWord(t, x0, x1, 12, 30, 90.0) for t, x0, x1 in [("Servicio", 10, 80), ("de", 88, 106),
                                                                  ("salud", 113, 160), ("rural", 167, 205)]]
    assert unread_print(np.array(line) < 160, words, 200) == []


def _dithered_label(text: str, density: float, seed: int = 7) -> tuple[np.ndarray, Box]:
    """A bold header label on a shaded fill that a bitonal scan thresholded into dots."""
    bold = ImageFont.truetype(str(FONT.with_name("DejaVuSans-Bold.ttf")), 17)
    image = Image.new("L", (420, 60), 255)
    ImageDraw.Draw(image).text((14, 18), text, font=bold, fill=0)
    pixels = np.array(image)
    dots = np.random.default_rng(seed).random(pixels.shape) < density
    pixels[dots] = 0
    return pixels, Box(2, 418, 2, 58)


def test_a_shaded_cell_a_bitonal_scan_made_dots_of_is_read_through_them() -> None:
    # trata s236: tesseract read a dithered header's labels as random letters ("RRE aa EE SEA")
    from extractor.labels import LABEL_MATCH_MIN, label_score
    from extractor.ocr.image import dithered
    from extractor.ocr.read import ocr_boxes, through_dither

    pixels, box = _dithered_label("Valores obtenidos", 0.3)
    clean, clean_box = _dithered_label("Valores obtenidos", 0.0)
    page = np.vstack([pixels, clean])
    below = Box(clean_box.x0, clean_box.x1, clean_box.top + 60, clean_box.bottom + 60)
    assert dithered(page, [box, below], DPI) == [0]
    raw = " ".join(w.text for w in ocr_boxes(page, [box], upscale=1.0, lang="spa")[0])
    read = through_dither(page, [box, below], DPI, upscale=1.0, lang="spa")
    text = " ".join(w.text for w in ocr_boxes(read, [box], upscale=1.0, lang="spa")[0])
    label = ["Valores obtenidos"]  # as the header finder matches it
    assert label_score(text, label) >= LABEL_MATCH_MIN > label_score(raw, label), (raw, text)
    assert np.array_equal(read[60:], page[60:])  # a clean cell is left as it was
