"""PEI "Anexo B-7" printouts of other years and application versions (issue 9).

Generated variants (scripts/b7gen, printed by chromium) are extracted with family detection and
compared cell by cell with their truth; the reading pieces they need — detection without a
title, glued text cut back into cells — are tested on their own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import robustness_b7
from b7gen import ISSUE_LOOKS, browser, make_variant

from extractor.glued import char_edges, glued_cuts, split_glued_words
from extractor.model import Column, Word
from extractor.rules import detect_family, load_rules
from tests.gold import real_pdf

# One seed per look that matters (the name lists them: period, shape, title, VALOR ACTUAL, UE/UO
# position, integers, glue, how a truncated 100 prints, header wording):
VARIANT_SEEDS = [
    5,  # 7 years, one table per OEI/AEI, no title, no VALOR ACTUAL
    9,  # 6 years, one long table, UE/UO after INDICADOR, glued text layer, abbreviated labels
    13,  # 5 years, integers without decimals, UE/UO first, no title
    17,  # 7 years, glued, no title, 100.00, abbreviated labels
    19,  # 3 years, one long table, glued, accented labels, header neither painted nor ruled
    24,  # 6 years, one long table without repeated header, integers
    3,  # 4 years, one table per OEI/AEI, integers, header neither painted nor ruled
]


# ---- generated printouts, end to end -------------------------------------------------------------


@pytest.mark.parametrize("seed", VARIANT_SEEDS)
def test_a_generated_b7_variant_reads_back(seed: int, tmp_path: Path) -> None:
    if browser() is None:
        pytest.skip("no chromium to print the variant (scripts/setup.sh installs it)")
    score = robustness_b7.run_seed(seed, tmp_path)
    assert not score.failure, score.failure
    assert score.family == "pei-b7"
    shown = "\n".join(score.problems)
    assert score.codes == 1.0, shown
    assert score.cells >= robustness_b7.CELLS_NEEDED, f"{score.name}: {score.cells:.2%} cells right\n{shown}"


@pytest.mark.parametrize("look", sorted(ISSUE_LOOKS))
def test_the_printouts_the_issue_describes_read_back(look: str, tmp_path: Path) -> None:
    """The 2020 printout (painted or plain header) and the older 2017-2019 layout, as drawn."""
    if browser() is None:
        pytest.skip("no chromium to print the variant (scripts/setup.sh installs it)")
    score = robustness_b7.run_seed(1, tmp_path, look)
    assert not score.failure, score.failure
    shown = "\n".join(score.problems)
    assert score.family == "pei-b7" and score.codes == 1.0, shown
    assert score.cells >= robustness_b7.CELLS_NEEDED, f"{score.name}: {score.cells:.2%} cells right\n{shown}"
    if look == "2017-2019":  # as the issue saw it: the executing unit's text glued to ND
        text = _page_text(next(tmp_path.glob("*.pdf")))
        assert re.search(r"ND000084-", text)


def test_the_variants_cover_the_looks_of_the_issue() -> None:
    looks = [make_variant(seed).look for seed in VARIANT_SEEDS]
    assert {len(look.years) for look in looks} >= {3, 5, 6, 7}
    for flag in ("title", "current_group", "units_first", "integers", "glued", "long_table", "plain_header"):
        assert {getattr(look, flag) for look in looks} == {True, False}, flag
    assert {look.labels for look in looks} == {"application", "accented", "abbreviated"}
    assert {look.truncated for look in looks} == {"100", "100.00"}


def test_scoring_notices_a_wrong_cell() -> None:
    truth = [{"code": "IND.01.OEI.01", "level": "IND", "expected_2020": "32.00", "obtained_2020": "ND"}]
    score = robustness_b7.Score("x", 0)
    robustness_b7.score_rows(score, truth, [{**truth[0], "obtained_2020": "35.00"}])
    assert score.codes == 1.0 and score.right == 3 and score.total == 4


# ---- family detection from the table -------------------------------------------------------------


def _page_text(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(min(2, len(doc))))
    finally:
        doc.close()


def test_a_printout_without_its_title_is_told_by_its_labels_and_codes() -> None:
    text = _page_text(real_pdf("IGP_PEI_AnexoB7_seguimiento_2021.pdf"))
    untitled = re.sub(r"(?i)anexo\s+b-?7|plan\s+estrat[ée]gico\s+institucional", "", text)
    assert detect_family(untitled) == "pei-b7"
    # the labels without a single code of the grammar are not enough
    assert detect_family(re.sub(r"(?:IND|OEI|AEI)\.\d{2}", "", untitled)) is None


def test_policy_samples_are_still_policy_reports(samples_dir: Path) -> None:
    for name in ("trata-2024.pdf", "salud-2025.pdf"):
        assert detect_family(_page_text(samples_dir / name)) == "policy-matrix"


# ---- glued text ------------------------------------------------------------------------------------


def _word(text: str, cut_after: list[int], shift: float = 0.3) -> tuple[Word, list[float]]:
    """A 5-pt-per-glyph word and the boundaries printed right after the given characters."""
    word = Word(text, 100.0, 100.0 + 5 * len(text), 0.0, 8.0)
    edges = char_edges(word)
    return word, [edges[i] + shift for i in cut_after]


@pytest.mark.parametrize(
    ("text", "cut_after", "pieces"),
    [
        ("ND000084-INSTITUTO", [2], ["ND", "000084-INSTITUTO"]),
        ("Cantidad2014", [8], ["Cantidad", "2014"]),
        ("12.002015", [5], ["12.00", "2015"]),
        ("94.44100.00100.00", [5, 11], ["94.44", "100.00", "100.00"]),
        ("84.62000084-INSTITUTO", [5], ["84.62", "000084-INSTITUTO"]),
        ("IND.01.OEI.01porcentaje", [13], ["IND.01.OEI.01", "porcentaje"]),
        ("100100.00", [3], ["100", "100.00"]),
    ],
)
def test_glued_cells_are_cut_where_the_text_allows(text: str, cut_after: list[int], pieces: list[str]) -> None:
    word, bounds = _word(text, cut_after)
    cuts = glued_cuts(word, bounds)
    assert [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)] == pieces


@pytest.mark.parametrize(
    ("text", "cut_after"),
    [
        ("000084-INSTITUTO", [1]),  # a text cell overhanging its column by a glyph
        ("38.00", [4]),  # one value overhanging its header cell
        ("IND.01.AEI.02.03", [15]),  # one code
        ("INSTITUTO", [4]),  # letters only: nothing says where a cell would end
    ],
)
def test_words_that_only_overhang_are_not_cut(text: str, cut_after: list[int]) -> None:
    word, bounds = _word(text, cut_after)
    parse = load_rules("pei-b7").parse_code
    assert glued_cuts(word, bounds, lambda t: parse(t) is not None) == []


def test_a_sentence_glued_to_the_next_cells_figures_is_cut_after_its_point() -> None:
    word, bounds = _word("incrementado.000084-INSTITUTO", [13])
    assert glued_cuts(word, bounds) == [13]
    # the point inside a code is no sentence's end: a code straddling an edge there stays whole
    parse = load_rules("pei-b7").parse_code
    code, bounds = _word("IND.01.AEI.03.01porcentaje", [11])
    assert glued_cuts(code, bounds, lambda t: parse(t) is not None) == []


def test_a_one_digit_value_is_cut_off_only_where_its_glyph_ends_on_the_columns_edge() -> None:
    # "2" right-aligned in its cell, then three progress values right-aligned in theirs
    word, bounds = _word("2100.00100.00100.00", [1, 7, 13], shift=0.1)
    assert glued_cuts(word, bounds) == [1, 7, 13]
    # a glyph a third of its width past the edge overhangs: not a cell of its own
    word, bounds = _word("2100.00100.00100.00", [1, 7, 13], shift=1.7)
    assert 1 not in glued_cuts(word, bounds)
    # a zero glued to a value is no one value ("0100.00"): its glyph ends on the edge, it is cut
    word, bounds = _word("0100.00", [1], shift=0.1)
    assert glued_cuts(word, bounds) == [1]


def test_cut_words_land_in_their_columns() -> None:
    word, (bound,) = _word("ND000084-INSTITUTO", [2])
    columns = [Column("progress_2025", 80.0, bound - 0.5), Column("executing_unit", bound + 0.5, 220.0)]
    left, right = split_glued_words([word], columns)
    assert (left.text, right.text) == ("ND", "000084-INSTITUTO")
    assert left.x1 <= bound + 1 <= right.x0 + 2


# ---- header labels -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "label"),
    [
        ("PARÁM. DE MEDICIÓN", "PARAMETRO DE MEDICION"),
        ("U.O. RESPONSABLE", "UNIDAD ORGANICA RESPONSABLE"),
        ("CÓDIGO", "COD."),
        ("UE", "UNIDAD EJECUTORA"),
        ("LOGRO ESP.", "LOGRO ESPERADO"),
        ("UNIDAD ORGANICA\nRESPONSABLE", "UNIDAD ORGÁNICA RESPONSABLE"),
    ],
)
def test_header_labels_match_abbreviated_accented_or_split(printed: str, label: str) -> None:
    from extractor.labels import LABEL_MATCH_MIN, label_score

    assert label_score(printed, [label]) >= LABEL_MATCH_MIN


@pytest.mark.parametrize(
    ("printed", "label"),
    [("VALOR", "VALOR ACTUAL"), ("Año", "AVANCE"), ("IN", "INDICADOR"), ("2020", "AVANCE (%)")],
)
def test_header_labels_do_not_match_what_they_only_resemble(printed: str, label: str) -> None:
    from extractor.labels import LABEL_MATCH_MIN, label_score

    assert label_score(printed, [label]) < LABEL_MATCH_MIN


def _right_aligned(text: str, right: float, top: float) -> Word:
    return Word(text, right - 5 * len(text), right, top, top + 8.0)


def test_a_one_digit_value_glued_to_a_year_is_cut_where_the_other_rows_were() -> None:
    """`22019`: a baseline value `2` glued to the year `2019`. Its one glyph sits wholly in its
    column, so the header's boundary alone cannot cut it; the rows above, cut there, can."""
    year_right = 200.0
    meet = year_right - 20.0  # values right-aligned in both columns: cells meet 4 digits left of the year's end
    columns = [Column("baseline_value", 150.0, meet + 1.2), Column("current_year", meet + 1.2, year_right)]
    rows = [_right_aligned(t, year_right, 10.0 * k) for k, t in enumerate(["172019", "432019", "22019"])]
    pieces = [w.text for w in split_glued_words(rows, columns)]
    assert pieces == ["17", "2019", "43", "2019", "2", "2019"]
    # nothing confirms where the cells meet: a lone word is left as printed
    assert [w.text for w in split_glued_words(rows[2:], columns)] == ["22019"]


def test_a_value_overhanging_where_other_rows_were_cut_is_not_cut_elsewhere() -> None:
    columns = [Column("baseline_value", 150.0, 181.2), Column("current_year", 181.2, 200.0)]
    rows = [_right_aligned("172019", 200.0, 0.0), _right_aligned("432019", 200.0, 10.0)]
    overhang = Word("12.50", 178.0, 200.0, 20.0, 28.0)  # its cut points are nowhere near x=180
    assert [w.text for w in split_glued_words([*rows, overhang], columns)][-1] == "12.50"


def test_a_lone_value_glued_to_a_year_is_cut_where_both_columns_grammars_take_the_pieces() -> None:
    """`62023` in a table of one row: nothing else shows where its cells meet, but the year
    column takes no `62023`, and the baseline value `6` and the year `2023` are each a cell of
    the column they stand in."""
    fits = load_rules("pei-b7").cell_fits
    columns = [Column("baseline_value", 150.0, 181.2), Column("current_year", 181.2, 200.0)]
    lone = _right_aligned("62023", 200.0, 0.0)
    assert [w.text for w in split_glued_words([lone], columns, fits=fits)] == ["6", "2023"]
    assert [w.text for w in split_glued_words([lone], columns)] == ["62023"]  # no grammar: as printed
    # a year its column takes is left whole; so is a value whose pieces no column's grammar takes
    year = Word("2023", 179.5, 200.0, 10.0, 18.0)
    value = Word("12.50", 178.0, 200.0, 20.0, 28.0)
    assert [w.text for w in split_glued_words([year, value], columns, fits=fits)] == ["2023", "12.50"]


# ---- word building across baselines -------------------------------------------------------------------


def _code_beside_a_wrapped_name(path: Path, offset_em: float) -> None:
    """A code printed right against a two-line name, its baseline `offset_em` below the name's
    first line (a cell centred vertically beside a wrapped one), drawn first as a table row is."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    size, code = 7.0, "IND.01.OEI.01"
    right = 30 + stringWidth(code, "Helvetica", size)
    pdf = canvas.Canvas(str(path), pagesize=(400, 200))
    pdf.setFont("Helvetica", size)
    pdf.drawString(30, 100 - offset_em * size, code)
    pdf.drawString(right, 100, "porcentaje de cumplimiento")
    pdf.drawString(right, 100 - 1.2 * size, "de las acciones")
    pdf.save()


@pytest.mark.parametrize("offset_em", [0.2, 0.3, 0.6])
def test_a_code_off_the_name_s_baseline_is_not_glued_to_it(tmp_path: Path, offset_em: float) -> None:
    from extractor.pdf import open_pdf, read_page

    _code_beside_a_wrapped_name(tmp_path / "row.pdf", offset_em)
    with open_pdf(tmp_path / "row.pdf") as doc:
        words = [w.text for w in read_page(doc, 0).words]
    assert words[:2] == ["IND.01.OEI.01", "porcentaje"], words


# ---- headers printed as text alone -----------------------------------------------------------------


def _stacked(*lines: tuple[str, float, float, float]) -> list[list[Word]]:
    """Header lines from (text, x0, x1, top) words, one word a line."""
    return [[Word(text, x0, x1, top, top + 7.0)] for text, x0, x1, top in lines]


def test_a_header_label_wrapped_over_lines_is_read_whole() -> None:
    from extractor.textheader import band_cells

    band = _stacked(("UNIDAD", 100, 130, 0), ("COD.", 10, 30, 8), ("ORGANICA", 98, 134, 8),
                    ("RESPONSABLE", 95, 140, 16))  # fmt: skip
    texts = {c.text for c in band_cells(band, load_rules("pei-b7").header)}
    assert texts == {"COD.", "UNIDAD ORGANICA RESPONSABLE"}
    # another family's label that is only a piece of a printed one ("Responsable") is no label
    texts = {c.text for c in band_cells(band, load_rules("policy-matrix").header)}
    assert texts == {"COD."}
