"""A ruled header whose anchor label a scan lost, found by the body's codes (extractor/codeheader.py),
and the years a fattened bold print misread in it (matrix_columns.agree_years)."""

from __future__ import annotations

from extractor.codeheader import (
    CODE_COLUMN_HEADER,
    PIECED_HEADER,
    headers_over_codes,
    lent_over_codes,
    pieced_headers,
)
from extractor.geometry import Box, Edge
from extractor.layout import TableHeader, find_headers
from extractor.matrix_columns import agree_years
from extractor.model import Column, PageContent, Word
from extractor.rules import load_rules

COLUMNS = [14, 63, 321, 375, 421, 461, 504, 552, 672, 802, 828]  # code … aggregation, then the 4 groups
SUBS = {504: [528], 552: [576, 600, 624, 648], 672: [698, 724, 750, 776]}  # sub-cell rules under the groups
BODY_TOPS = [150, 168, 186, 204, 222]
CODES = ["OP.01", "10P.01.01", "LN.01.01", "§5.01.01.01", "155.01.01.01.01"]  # as a fattened scan reads them


def word(text: str, x0: float, top: float) -> Word:
    return Word(text, x0, x0 + 4.5 * len(text), top, top + 7)


def grid(ruled_header: bool) -> list[Edge]:
    """The table's rules: the header's (when the scan kept them) and the body's, 5 rows."""
    top = 106 if ruled_header else 142
    edges = [Edge.along("v", x, top, 240) for x in COLUMNS]
    edges += [Edge.along("v", x, 131 if ruled_header else 142, 240) for xs in SUBS.values() for x in xs]
    edges += [Edge.along("h", y, 14, 828) for y in [142, *(t + 16 for t in BODY_TOPS)]]
    if ruled_header:
        edges += [Edge.along("h", 106, 14, 828), Edge.along("h", 131, 504, 828)]
    return edges


def body() -> list[Word]:
    words = []
    for code, top in zip(CODES, BODY_TOPS, strict=True):
        words += [word(code, 16, top), word("Porcentaje", 70, top), word("MINSA", 323, top), word("2020", 506, top)]
    return words


def header_words(code_label: str) -> list[Word]:
    """The header as the scan read it: the anchor as `code_label`, the name and the baseline's
    labels garbled, the obtained values' label not read at all, "2025" read "2028" twice."""
    words = [word(code_label, 24, 120), word("EA", 70, 120), word("preinenvo", 85, 120), word("/", 130, 120),
             word("Linspailento", 135, 120), word("Responsable", 323, 112), word("de", 323, 121),
             word("indicador", 323, 130), word("Tipo", 377, 112), word("de", 377, 121), word("indicador", 377, 130),
             word("Sentido", 423, 112), word("esperado", 423, 121), word("Tipo", 463, 112), word("de", 463, 121),
             word("agregación", 463, 130), word("Unen", 508, 115), word("base", 530, 115), word("Año", 508, 133),
             word("valor", 530, 133), word("Logros", 580, 115), word("esperados", 610, 115),
             word("Avance", 804, 110), word("Tipo", 804, 118), word("1", 820, 118)]
    years = {552: [2021, 2022, 2023, 2024, 2028], 672: [2021, 2022, 2023, 2024, 2025], 802: [2028]}
    for x0, printed in years.items():
        words += [word(str(y), x0 + 3 + 24 * k, 133) for k, y in enumerate(printed)]
    return words


def page(number: int, code_label: str | None) -> PageContent:
    """A page of the matrix; `code_label` None: the header blacked out (no rules, no words there)."""
    words = body() + (header_words(code_label) if code_label is not None else [])
    return PageContent(number, 842, 595, words, grid(ruled_header=code_label is not None), source="ocr")


def test_a_header_whose_code_label_was_misread_is_found_over_the_body_codes() -> None:
    rules = load_rules("policy-matrix")
    assert find_headers(page(3, "Clip"), rules) == []  # no cell reads "Código"
    found = headers_over_codes(page(3, "Clip"), rules)
    assert len(found) == 1
    columns = {c.role: (c.x0, c.x1) for c in found[0].columns}
    assert columns["code"] == (14, 63) and columns["responsible"] == (321, 375)
    assert columns["name"] == (63, 321)  # the one role missing between code and responsible
    assert columns["baseline_year"] == (504, 528) and columns["baseline_value"] == (528, 552)  # "Año", "valor" under it
    assert [r for r in columns if r.startswith("obtained_")] == [f"obtained_{y}" for y in range(2021, 2026)]
    assert CODE_COLUMN_HEADER in found[0].assumptions


def test_a_readable_code_label_leaves_the_search_to_the_labels() -> None:
    rules = load_rules("policy-matrix")
    assert headers_over_codes(page(3, "Código"), rules) == []


def test_a_row_without_enough_labels_is_no_header_however_many_codes_stand_under_it() -> None:
    rules = load_rules("policy-matrix")
    bare = page(3, "Clip")
    few = [w for w in bare.words if w.top > 140 or w.text in ("Clip", "Responsable", "de", "indicador")]
    assert headers_over_codes(PageContent(3, 842, 595, few, bare.edges, source="ocr"), rules) == []


def test_a_page_whose_header_was_blacked_out_gets_the_header_found_over_the_codes() -> None:
    rules = load_rules("policy-matrix")
    pages = [page(1, None), page(2, "Clip")]
    found = lent_over_codes(pages, [[], headers_over_codes(pages[1], rules)], rules)
    assert len(found[0]) == 1 and "header_from_page:2" in found[0][0].assumptions
    assert found[0][0].column("code") is not None
    no_codes = PageContent(1, 842, 595, [word("Texto", 16, 150)], grid(ruled_header=False), source="ocr")
    assert lent_over_codes([no_codes, pages[1]], [[], headers_over_codes(pages[1], rules)], rules)[0] == []


def test_a_year_jumping_past_its_group_run_and_a_lone_year_no_group_prints_are_read_as_the_run_goes_on() -> None:
    expected = [Column(f"expected_{y}", 552 + 24 * k, 576 + 24 * k, str(y))
                for k, y in enumerate([2021, 2022, 2023, 2024, 2028])]
    progress = [Column("progress_2028", 802, 828, "2028")]
    header = TableHeader(Box(14, 828, 106, 142), [Column("code", 14, 63), *expected, *progress],
                         {"expected_{year}": [2021, 2022, 2023, 2024, 2028], "progress_{year}": [2028]})
    fixed = agree_years([[header]], [1])[0][0]
    assert [c.role for c in fixed.columns][-2:] == ["expected_2025", "progress_2025"]
    skipped = [Column(f"expected_{y}", 552 + 24 * k, 576 + 24 * k) for k, y in enumerate([2019, 2020, 2021, 2023])]
    kept = TableHeader(Box(14, 828, 106, 142), skipped, {"expected_{year}": [2019, 2020, 2021, 2023]})
    assert [c.role for c in agree_years([[kept]], [1])[0][0].columns][-1] == "expected_2023"  # one skipped year


def test_a_header_no_page_reads_whole_is_pieced_from_what_each_page_read() -> None:
    # trata s236: a bitonal scan's shaded header, blacked out over its left half on one sheet and
    # over its right half on the other; neither reads the share of the labels a header needs
    rules = load_rules("policy-matrix")
    left = [w for w in header_words("Código") if w.x0 < 421]
    right = [w for w in header_words("Clip") if w.x0 >= 504 or w.text == "Clip"]
    pages = [PageContent(n, 842, 595, body() + words, grid(ruled_header=True), source="ocr")
             for n, words in ((1, left), (2, right))]
    assert all(find_headers(p, rules, mend=True) == [] and headers_over_codes(p, rules) == [] for p in pages)
    pieced = pieced_headers(pages, rules)
    for headers in pieced:
        assert len(headers) == 1 and PIECED_HEADER in headers[0].assumptions
        columns = {c.role: (c.x0, c.x1) for c in headers[0].columns}
        assert columns["code"] == (14, 63) and columns["responsible"] == (321, 375)
        assert columns["baseline_year"] == (504, 528) and columns["expected_2021"] == (552, 576)
        assert [r for r in columns if r.startswith("obtained_")] == [f"obtained_{y}" for y in range(2021, 2026)]
    assert "header_columns_from_page:2" in " ".join(pieced[0][0].assumptions)
    # a piece alone, with no other page to complete it, is no header
    assert pieced_headers(pages[:1], rules) == [[]]


def test_a_code_column_found_over_the_codes_ends_at_the_body_rule_right_of_them() -> None:
    # trata s236: the rule between the code and name labels lost in a blacked-out header, a stray
    # rule in the black at 94 pt: the code column took the first words of every name
    rules = load_rules("policy-matrix")
    bare = page(3, "Clip")
    edges = [e for e in bare.edges if not (e.orientation == "v" and e.x0 == 63 and e.top < 142)]
    edges += [Edge.along("v", 63, 142, 240), Edge.along("v", 94, 106, 142)]
    found = headers_over_codes(PageContent(3, 842, 595, bare.words, edges, source="ocr"), rules)
    assert len(found) == 1
    assert (found[0].column("code").x0, found[0].column("code").x1) == (14, 63)


def test_a_header_whose_rule_over_the_body_a_scan_broke_under_its_groups_ends_over_the_first_row() -> None:
    # trata s402: the rule under the groups' year cells lost, their cells reached the next rule,
    # and the header took in OP.01's row: every row under it missing its parent
    rules = load_rules("policy-matrix")
    words = body() + header_words("Código")
    edges = [e for e in grid(ruled_header=True) if not (e.orientation == "h" and e.pos == 142)]
    edges.append(Edge.along("h", 142, 14, 504))
    (header,) = find_headers(PageContent(1, 842, 595, words, edges, source="ocr"), rules)
    assert header.box.bottom == 142
    assert (header.column("expected_2021").x0, header.column("progress_2028").x0) == (552, 802)
    (whole,) = find_headers(PageContent(1, 842, 595, words, grid(ruled_header=True), source="ocr"), rules)
    assert whole.box.bottom == 142
