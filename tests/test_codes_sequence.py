"""Codes a faint scan lost, decided by the sequence of the whole matrix (repair/sequence.py).

The prints are those seed 53 (200 dpi bitonal, toner dropout 0.93) gave tesseract on its first
page: rows are all there, most codes are not, and the greedy row-by-row reading left 26 of the
first 27 unresolved, each waiting on the row above it."""

from __future__ import annotations

from dataclasses import replace

from extractor import repair as rp
from extractor.confidence import flag_doubtful
from extractor.model import Finding, PageContent, RawRow, Row
from extractor.rules import load_rules

ROLES = ["code", "name", "responsible", "baseline_year", "baseline_value", "expected_2021", "obtained_2021"]
VALUES = {"baseline_year": "2020", "baseline_value": "45.4%", "expected_2021": "48.6%", "obtained_2021": "44.0%"}


def _band(code: str, name: str, *, values: bool = False, source: str = "ocr") -> RawRow:
    cells = {role: "" for role in ROLES} | {"code": code, "name": name} | (VALUES if values else {})
    return RawRow(1, 0.0, 1.0, cells, source=source)


# (print as OCR read it, the code printed, whether the row is an indicator, its name)
SEED_53 = [
    ("ES", "OP.01", False, "Mejorar al acceso de la población rural"),
    ("OP.01.91 |", "IOP.01.01", True, "Porcentaje de la población rural"),
    ("02 01.92", "IOP.01.02", True, "Razón de mortalidad materna"),
    ("AN |", "LN.01.01", False, "Ampliar le, oferta de servicios"),
    ("boi TLOL", "SS.01.01.01", False, "Servicio de atención itinerante"),
    ("is9 1 1.01.01", "ISS.01.01.01.01", True, "Número de atenciones brindadas"),
    ("4 il 1.02", "SS.01.01.02", False, "Servicio de wis 6 2 fteleconsulta"),
    ("121 ,.91,02.01", "ISS.01.01.02.01", True, "Número co teraroa 0. zadas"),
    ("1S8.01.91.02.02", "ISS.01.01.02.02", True, "Porcenta lips er stos de salud"),
    ("‘TN.O1.02", "LN.01.02", False, "Adecuar culturalmente la prestación"),
    ("§5.01.02.01", "SS.01.02.01", False, "Servicio de atención del parto vertical"),
]


def _repaired(prints: list[tuple[str, str, bool, str]]) -> list[Row]:
    raws = [_band(printed, name, values=indicator) for printed, _, indicator, name in prints]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1})
    return rows


def test_codes_lost_in_a_row_are_recovered_from_the_print_and_the_hierarchy(monkeypatch) -> None:
    rows = _repaired(SEED_53)
    assert [r.code for r in rows] == [code for _, code, _, _ in SEED_53]
    inferred = [r for r in rows if any(a.startswith("code_from_context:") for a in r.assumptions)]
    assert len(inferred) >= 8, "codes the print did not give say they were inferred"
    assert all(any(rep.startswith("code_ocr:") for rep in r.repairs) for r in inferred if r.code != "")
    # without the sequence, the greedy pass leaves most of them unresolved
    monkeypatch.setattr(rp, "resolve_sequence", lambda drafts, cfg: None)
    assert sum(r.code == code for r, (_, code, _, _) in zip(_repaired(SEED_53), SEED_53, strict=True)) < 6


def test_a_print_that_contradicts_the_sequence_in_two_legible_digits_stays_unresolved() -> None:
    """'ISS.01.07.09.01' is another code than the ISS.01.01.01.01 the rows around it call for
    (three legible digits off): it is not made into that code."""
    prints = list(SEED_53)
    prints[5] = ("IS.01.07.09.01", "ISS.01.01.01.01", True, "Número de atenciones brindadas")
    rows = _repaired(prints)
    assert rows[5].code != "ISS.01.01.01.01"
    assert [r.code for r in rows[:5]] == [code for _, code, _, _ in SEED_53[:5]]


def test_a_code_another_row_prints_cleanly_is_not_inferred_for_a_lost_one() -> None:
    """The sequence would give the lost third row IOP.01.02, but a later row prints IOP.01.02
    cleanly: a code is unique, so the lost row stays in doubt rather than copy it."""
    prints = [*SEED_53[:3], ("IOP.01.02", "IOP.01.02", True, "Tasa de cobertura"), *SEED_53[3:]]
    rows = _repaired(prints)
    assert rows[2].code != "IOP.01.02" and rows[3].code == "IOP.01.02"


def test_a_text_layer_is_left_to_the_greedy_pass() -> None:
    """A text layer's codes are what the author typed: no sequence overrules or fills them."""
    raws = [_band(printed, name, values=indicator, source="text") for printed, _, indicator, name in SEED_53]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"))
    assert not any(a.startswith("code_from_context:") for r in rows for a in r.assumptions)
    assert rows[0].code == "ES"


def test_the_sequence_passes_a_row_the_layout_lost() -> None:
    """A band the layout lost (SS.01.01.02 here) leaves a gap: the row below still takes the code
    its print and content give, past it."""
    prints = [p for p in SEED_53 if p[1] != "SS.01.01.02"]
    rows = _repaired(prints)
    assert rows[6].code == "ISS.01.01.02.01"


def test_a_count_off_by_rows_whose_code_was_inferred_at_its_level_is_a_warning() -> None:
    """Seed 34: once every code was read, a band of the summary table under the matrix
    ("Servicios en rojo", no code printed) counted as a 27th service, its code given by the rows
    above; the text's 26 services stayed an error resting on that inferred code."""
    count = Finding("narrative_mismatch", "error", "The text counts 26 SS rows", "", "SS.count", "26", "27", 9)
    inferred = Row("SS.04.02.04", "SS", "LN.04.02", {"name": "Servicios en rojo"}, page=2,
                   assumptions=["code_from_context:SS.04.02.04 (printed ''; the rows above)"])
    read = Row("SS.04.02.03", "SS", "LN.04.02", {"name": "Servicio de reportes"}, page=2)
    pages = [PageContent(2, 842.0, 595.0, [], source="ocr")]
    (flagged,) = flag_doubtful([count], pages, [read, inferred])
    assert flagged.severity == "warning" and "SS.04.02.04" in flagged.message
    assert flag_doubtful([count], pages, [read, replace(inferred, assumptions=[])]) == [count]
    other = replace(count, field="ISS.count", message="The text counts 26 ISS rows")
    assert flag_doubtful([other], pages, [read, inferred]) == [other], "an inferred SS says nothing of ISS"


CLEAN = [
    ("OP.01", False, "Mejorar el acceso de la población rural"),
    ("IOP.01.01", True, "Porcentaje de la población rural"),
    ("LN.01.01", False, "Ampliar la oferta de servicios"),
    ("SS.01.01.01", False, "Servicio de atención itinerante"),
    ("ISS.01.01.01.01", True, "Número de atenciones brindadas"),
    ("SS.01.01.02", False, "Servicio de teleconsulta"),
    ("ISS.01.01.02.01", True, "Número de teleconsultas"),
]


def _clean_repaired(prints: list[str], source: str = "ocr", table: list[tuple[str, bool, str]] = CLEAN) -> list[Row]:
    raws = [_band(p, name, values=ind, source=source) for p, (_, ind, name) in zip(prints, table, strict=True)]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1} if source == "ocr" else set())
    return rows


def test_a_clean_looking_code_that_leaps_ten_numbers_by_one_misread_digit_is_the_code_the_sequence_calls_for() -> None:
    """Seed 135 read the first indicator of SS.01.01.01 as 'ISS.01.01.01.91': a numbering gap is an
    item or two removed, never ninety, and one digit makes it ISS.01.01.01.01."""
    prints = [code for code, _, _ in CLEAN]
    prints[4] = "ISS.01.01.01.91"
    rows = _clean_repaired(prints)
    assert rows[4].code == "ISS.01.01.01.01"
    assert any(a.startswith("code_from_context:") for a in rows[4].assumptions)
    # a gap of one (an item removed from the policy) is the author's numbering, and stays
    prints[4] = "ISS.01.01.01.02"
    assert _clean_repaired(prints)[4].code == "ISS.01.01.01.02"
    # and a text layer's leap is what the author typed
    prints[4] = "ISS.01.01.01.91"
    assert _clean_repaired(prints, source="text")[4].code == "ISS.01.01.01.91"


def test_a_leap_misread_on_a_service_is_no_anchor_for_its_indicators() -> None:
    """Seed 102 read SS.02.02.01 as 'SS.02.62.01' and its indicator's print followed it: both are
    the sequence's to decide, and the rows after them keep their printed codes."""
    prints = [code for code, _, _ in CLEAN]
    prints[3], prints[4] = "SS.01.61.01", "ISS.01.61.01.01"
    rows = _clean_repaired(prints)
    assert [r.code for r in rows] == [code for code, _, _ in CLEAN]
    assert not any(a.startswith("code_from_context:") for r in rows[5:] for a in r.assumptions)


PARENT_AFTER = [  # trata seed 157: OP.02's own row lost, OP.03 read "OP.02" after OP.02's rows
    ("OP.01", False, "Ampliar la vigilancia preventiva"),
    ("IOP.01.01", True, "Porcentaje de casos"),
    ("IOP.02.01", True, "Porcentaje de víctimas atendidas"),
    ("LN.02.01", False, "Fortalecer los mecanismos de denuncia"),
    ("OP.03", False, "Fortalecer la atención y la reintegración"),
    ("IOP.03.01", True, "Porcentaje de NNA afectadas"),
]


def test_a_parent_read_after_rows_it_heads_is_the_code_the_sequence_calls_for() -> None:
    """A parent comes before its rows: "OP.02" read after IOP.02.01 and LN.02.01 is OP.03 with one
    digit misread, however clean it looks, and the row says its code was inferred."""
    prints = [code for code, _, _ in PARENT_AFTER]
    prints[4] = "OP.02"
    rows = _clean_repaired(prints, table=PARENT_AFTER)
    assert [r.code for r in rows] == [code for code, _, _ in PARENT_AFTER]
    assert any(a.startswith("code_from_context:") for a in rows[4].assumptions)
    # a text layer's order is the author's
    assert _clean_repaired(prints, source="text", table=PARENT_AFTER)[4].code == "OP.02"


def test_an_indicator_whose_broken_head_word_reads_as_an_infinitive_takes_the_sequence_code() -> None:
    """s102: "Tier po promedio …" ("Tiempo" broken; "Tier" ends like an infinitive, as objectives
    start) on a row that fills its values, print "1SS,02,01.03,01" one digit off: the values say
    indicator, the sequence ISS.01.01.03.01 (ISS.02.01.03.01 is printed further down)."""
    prints = [
        ("OP.01", "OP.01", False, "Mejorar el acceso de la población rural"),
        ("LN.01.01", "LN.01.01", False, "Ampliar la oferta de servicios"),
        ("SS.01.01.01", "SS.01.01.01", False, "Servicio de atención itinerante"),
        ("ISS.01.01.01.01", "ISS.01.01.01.01", True, "Número de atenciones brindadas"),
        ("SS.01.01.02", "SS.01.01.02", False, "Servicio de telemedicina"),
        ("ISS.01.01.02.01", "ISS.01.01.02.01", True, "Número de teleconsultas"),
        ("§5.01.01.03", "SS.01.01.03", False, "Servicio de traslado de emergencia"),
        ("1SS,02,01.03,01", "ISS.01.01.03.01", True, "Tier po promedio de traslado"),
        ("LN.01.02", "LN.01.02", False, "Adecuar culturalmente la prestación"),
    ]
    rows = _repaired(prints)
    assert [r.code for r in rows] == [code for _, code, _, _ in prints]
    assert any(a.startswith("code_from_context:") for a in rows[7].assumptions), "the code says it was inferred"


CHILD_BEFORE = [  # salud seed 182: IOP.01.02 read "IOP.02.02" under IOP.01.01, OP.02 further down
    ("OP.01", False, "Mejorar el acceso de la población rural"),
    ("IOP.01.01", True, "Porcentaje de la población rural"),
    ("IOP.01.02", True, "Razón de mortalidad materna"),
    ("LN.01.01", False, "Ampliar la oferta de servicios"),
    ("OP.02", False, "Reducir la anemia"),
    ("IOP.02.01", True, "Prevalencia de anemia"),
    ("IOP.02.02", True, "Prevalencia de desnutrición crónica"),
]


def test_a_row_read_before_its_parent_is_the_code_the_sequence_calls_for() -> None:
    """A child comes after its parent: "IOP.02.02" read under IOP.01.01, before OP.02, is IOP.01.02
    with one digit misread; the real IOP.02.02 below keeps its code (before, the misread took it,
    and the validation's "a row must follow its parent" was an error)."""
    prints = [code for code, _, _ in CHILD_BEFORE]
    prints[2] = "IOP.02.02"
    rows = _clean_repaired(prints, table=CHILD_BEFORE)
    assert [r.code for r in rows] == [code for code, _, _ in CHILD_BEFORE]
    assert any(a.startswith("code_from_context:") for a in rows[2].assumptions)
    assert _clean_repaired(prints, source="text", table=CHILD_BEFORE)[2].code == "IOP.02.02"


CHILD_AHEAD = [  # salud s198: SS.04.01.01 read "SS.04.02.01" under LN.04.01; LN.04.02 printed below
    ("OP.04", False, "Mejorar la gobernanza"),
    ("IOP.04.01", True, "Porcentaje de gobiernos regionales"),
    ("LN.04.01", False, "Fortalecer los espacios de articulación"),
    ("SS.04.01.01", False, "Servicio de asistencia técnica"),
    ("ISS.04.01.01.01", True, "Porcentaje de gobiernos con asistencia"),
    ("SS.04.01.02", False, "Servicio de vigilancia comunitaria"),
    ("ISS.04.01.02.01", True, "Número de comités comunales"),
    ("LN.04.02", False, "Mejorar los sistemas de información"),
    ("SS.04.02.01", False, "Servicio de historia clínica electrónica"),
    ("ISS.04.02.01.01", True, "Porcentaje de establecimientos que registran"),
    ("SS.04.02.02", False, "Servicio de notificación oportuna"),
]


def test_a_child_read_before_its_parent_that_heads_rows_further_down_is_the_sequences() -> None:
    """The row of SS.04.01.01 read a clean "SS.04.02.01" under LN.04.01: past a lost row that
    could follow, but LN.04.02 is printed further down, over rows of its own; the early child is
    the misread, and the sequence decides it (before, it took SS.04.02.01 and shifted the rows of
    LN.04.02 one code each); where the row under it names its parent, that decides it already
    (`code_by_hierarchy`: the code printed twice, the sibling one digit away named below)."""
    prints = [code for code, _, _ in CHILD_AHEAD]

    def assumptions_of_the_early_child(indicator_print: str) -> list[str]:
        prints[3], prints[4] = "SS.04.02.01", indicator_print
        rows = _clean_repaired(prints, table=CHILD_AHEAD)
        assert [r.code for r in rows] == [code for code, _, _ in CHILD_AHEAD]
        return rows[3].assumptions

    # its indicator's print damaged, as in s198, still names its parent
    assert "code_by_hierarchy:SS.04.01.01 over SS.04.02.01" in assumptions_of_the_early_child("1SS.04.01.01,01")
    # the row under it names no other parent: the sequence decides
    assert any(a.startswith("code_from_context:") for a in assumptions_of_the_early_child("ISS.04.02.01,0"))
    assert _clean_repaired(prints, source="text", table=CHILD_AHEAD)[3].code == "SS.04.02.01"
