"""A page's header completed from the other pages of the same matrix (extractor/matrix_columns.py)."""

from __future__ import annotations

from extractor.geometry import Box
from extractor.layout import TableHeader
from extractor.matrix_columns import agree_years, complete_headers, describe_roles, fit_columns
from extractor.model import Column

# a policy matrix header: fixed columns, then one year group (x in points)
FULL = [
    ("code", 14, 63), ("name", 63, 321), ("responsible", 321, 375), ("direction", 375, 421),
    ("expected_2021", 421, 445), ("expected_2022", 445, 469), ("progress_2022", 469, 495),
]


def header(roles: list[tuple[str, float, float]], *, shift: float = 0.0, scale: float = 1.0,
           cells: list[tuple[float, float]] = (), drop: set[str] = frozenset()) -> TableHeader:
    """A header as found on a page: the sheet shifted and scaled on the glass, some labels lost
    (`drop`), while the page's header cells (`cells`, same frame as `roles`) are still there."""
    cols = [Column(r, x0 * scale + shift, x1 * scale + shift) for r, x0, x1 in roles if r not in drop]
    years: dict[str, list[int]] = {}
    for c in cols:
        stem, _, year = c.role.rpartition("_")
        if year.isdigit():
            years.setdefault(stem + "_{year}", []).append(int(year))
    boxes = [Box(x0 * scale + shift, x1 * scale + shift, 100, 140) for x0, x1 in cells]
    box = Box(min(c.x0 for c in cols), max(c.x1 for c in cols), 100, 140)
    return TableHeader(box, cols, years, cells=boxes)


def test_a_group_misread_on_one_page_is_taken_from_another_page_placed_by_the_shared_columns() -> None:
    donor = header(FULL)
    # this sheet lay 6 pt to the right and 1% larger; its "Logros esperados" label was misread
    cells = [(x0, x1) for _, x0, x1 in FULL]
    damaged = header(FULL, shift=6, scale=1.01, cells=cells, drop={"expected_2021", "expected_2022"})
    completed = complete_headers([[donor], [damaged]], [1, 2])[1][0]
    got = {c.role: (round(c.x0, 2), round(c.x1, 2)) for c in completed.columns}
    assert got["expected_2021"] == (round(421 * 1.01 + 6, 2), round(445 * 1.01 + 6, 2))  # its own cell
    assert got["expected_2022"] == (round(445 * 1.01 + 6, 2), round(469 * 1.01 + 6, 2))
    assert completed.years["expected_{year}"] == [2021, 2022]
    assert completed.assumptions == ["header_columns_from_page:1:expected_2021-2022"]
    assert [c.role for c in completed.columns] == [r for r, _, _ in FULL]
    assert complete_headers([[donor], [damaged]], [1, 2])[0][0] is donor  # nothing to take


def test_each_page_takes_what_it_lost_from_the_pages_that_read_it() -> None:
    cells = [(x0, x1) for _, x0, x1 in FULL]
    no_name = header(FULL, cells=cells, drop={"name"})
    no_years = header(FULL, cells=cells, drop={"expected_2021", "expected_2022"})
    first, second = (h[0] for h in complete_headers([[no_name], [no_years]], [1, 2]))
    assert [c.role for c in first.columns] == [c.role for c in second.columns] == [r for r, _, _ in FULL]
    assert first.assumptions == ["header_columns_from_page:2:name"]


def test_a_lender_completes_the_headers_and_reads_no_page_of_its_own() -> None:
    """s176: page 2's grid gave the one header, its "Logros esperados" years garbled, and was
    placed on pages 1 and 3; page 1's mended cells read those years, and lend them."""
    cells = [(x0, x1) for _, x0, x1 in FULL]
    poor = header(FULL, cells=cells, drop={"expected_2021", "expected_2022"})
    mended = header(FULL, shift=1.0, drop={"progress_2022"})
    placed = complete_headers([[poor], [poor]], [2, 3], lenders=[(1, mended)])
    assert len(placed) == 2 and all(len(h) == 1 for h in placed)
    roles = [c.role for c in placed[1][0].columns]
    assert roles == [r for r, _, _ in FULL]
    assert placed[0][0].assumptions == ["header_columns_from_page:1:expected_2021-2022"]
    assert complete_headers([[poor], [poor]], [2, 3])[0][0] is poor  # no lender, nothing to take


def test_another_tables_header_lends_nothing() -> None:
    other = header([("code", 30, 90), ("name", 90, 250), ("responsible", 250, 300), ("direction", 300, 380),
                    ("expected_2021", 380, 430)])
    damaged = header(FULL, cells=[(x0, x1) for _, x0, x1 in FULL], drop={"expected_2021"})
    assert fit_columns(other.columns, damaged.columns) is None
    assert complete_headers([[other], [damaged]], [1, 2])[1][0] is damaged


def test_a_column_beyond_this_pages_table_is_not_borrowed() -> None:
    # the donor's table is wider: a column past this table's right edge is not this table's
    donor = header(FULL)
    narrow = header(FULL[:-1], cells=[(x0, x1) for _, x0, x1 in FULL[:-1]])
    assert complete_headers([[donor], [narrow]], [1, 2])[1][0] is narrow



def test_a_column_past_the_last_header_cell_is_borrowed_where_the_header_rules_run() -> None:
    from extractor.geometry import Edge
    from extractor.model import PageContent

    # the border right of the last header cell was lost (dropout, a cut sheet): the page's header
    # cells end at 469, but the rules over and under the header still run to the table's edge, 495
    donor = header(FULL)
    damaged = header(FULL[:-1], cells=[(x0, x1) for _, x0, x1 in FULL[:-1]])
    rules = [Edge.along("h", y, 14, 495) for y in (100, 140)]
    page = PageContent(2, 842, 595, [], rules)
    completed = complete_headers([[donor], [damaged]], [1, 2], [PageContent(1, 842, 595, [], []), page])[1][0]
    assert [c.role for c in completed.columns] == [r for r, _, _ in FULL]
    assert completed.assumptions == ["header_columns_from_page:1:progress_2022"]
    short = PageContent(2, 842, 595, [], [Edge.along("h", y, 14, 469) for y in (100, 140)])
    assert complete_headers([[donor], [damaged]], [1, 2], [page, short])[1][0] is damaged


def test_roles_are_described_in_a_few_words() -> None:
    roles = ["name", "expected_2021", "expected_2022", "expected_2023", "obtained_2021", "progress_2025"]
    assert describe_roles(roles) == "name,expected_2021-2023,obtained_2021,progress_2025"


# ---- years misread in a header ------------------------------------------------------------------

YEARS = [("code", 14, 63), ("name", 63, 321), ("responsible", 321, 375),
         ("obtained_2021", 375, 400), ("obtained_2022", 400, 425), ("obtained_2023", 425, 450),
         ("progress_2023", 450, 480)]


def misread(roles: list[tuple[str, float, float]], wrong: dict[str, str]) -> TableHeader:
    return header([(wrong.get(r, r), x0, x1) for r, x0, x1 in roles])


def test_a_year_repeated_in_its_group_is_read_from_the_run() -> None:
    page = misread(YEARS, {"obtained_2021": "obtained_2022"})  # "2021" read as "2022"
    fixed = agree_years([[page]], [1])[0][0]
    assert [c.role for c in fixed.columns] == [r for r, _, _ in YEARS]
    assert fixed.years["obtained_{year}"] == [2021, 2022, 2023]
    assert fixed.assumptions == ["header_year:obtained_2022->obtained_2021 (years of the group run on)"]


def test_years_in_order_that_skip_one_are_left_as_printed() -> None:
    page = misread(YEARS, {"obtained_2023": "obtained_2024", "progress_2023": "progress_2024"})
    assert agree_years([[page]], [1])[0][0] is page


def test_a_year_only_one_page_reads_goes_by_the_other_pages_and_the_years_its_groups_print() -> None:
    good, bad = header(YEARS), misread(YEARS, {"progress_2023": "progress_2028"})  # "2023" read as "2028"
    fixed = agree_years([[good], [bad]], [1, 2])
    assert fixed[0][0] is good  # a tie: 2023 is the year its other group prints
    assert [c.role for c in fixed[1][0].columns] == [r for r, _, _ in YEARS]
    assert fixed[1][0].assumptions == ["header_year:progress_2028->progress_2023 (the other pages' headers)"]


def test_a_few_columns_a_misread_year_put_one_over_do_not_keep_the_rest_from_lending() -> None:
    """s197: page 2 read its obtained years "2022 2022 · 2024 2025" over 2021–2025 and lost its
    "name" label; the two misplaced columns pulled a least-squares fit over all boundaries off, and
    page 1 lent nothing. The fit follows the shift most boundaries agree on."""
    wide = [("code", 14, 63), ("name", 63, 321), ("responsible", 321, 375), ("direction", 375, 421),
            ("baseline_year", 421, 445), ("baseline_value", 445, 469),
            *((f"obtained_{2021 + k}", 469 + 26 * k, 495 + 26 * k) for k in range(5)), ("progress_2025", 599, 625)]
    donor = header(wide)
    # obtained_2021 read as 2022 and the one after it as 2023: both one column off
    damaged_roles = [(r, x0, x1) for r, x0, x1 in wide if r not in ("name", "obtained_2021", "obtained_2022",
                                                                     "obtained_2023")]
    damaged_roles += [("obtained_2022", 469, 495), ("obtained_2023", 495, 521)]
    damaged = header(sorted(damaged_roles, key=lambda c: c[1]), cells=[(x0, x1) for _, x0, x1 in wide])
    assert fit_columns(donor.columns, damaged.columns) is not None
    completed = complete_headers([[donor], [damaged]], [1, 2])[1][0]
    assert "name" in [c.role for c in completed.columns]


def test_a_column_a_stray_rule_cut_on_one_page_takes_the_width_the_other_pages_print() -> None:
    # salud s313: a toner streak through the shaded header left two fill borders in the code
    # cell; its column read 33-63 pt, the codes printed from 16 pt, every row's code lost
    cut = header([(r, 33 if r == "code" else x0, x1) for r, x0, x1 in FULL])
    completed = complete_headers([[header(FULL)], [cut]], [1, 2])[1][0]
    assert (completed.column("code").x0, completed.column("code").x1) == (14, 63)
    assert completed.assumptions == ["header_columns_widened_from_page:1:code"]
    # a column the page prints where the donor's wider one would lie is not overrun
    split = header([("code", 14, 40), ("name", 40, 321), *FULL[2:]])
    wide = header([("code", 14, 63), ("name", 63, 321), *FULL[2:]])
    assert complete_headers([[wide], [split]], [1, 2])[1][0].column("code").x1 == 40
