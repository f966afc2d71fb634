"""The sample PDFs in samples/ and their expected outputs stay in sync with the generator.

The generator is the package scripts/samplegen/ (on the test path through pyproject's
`pythonpath`); other tests use it to render a report with injected errors:

    import samplegen
    data = samplegen.make_salud_data()
    data.rows[3]["progress_2025"] = "999.9"
    result = samplegen.render_report(data, tmp_path / "bad.pdf")   # result.row_pages: page per row
"""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
import samplegen as ms
import yaml
from samplegen.datafiles import SpecError
from samplegen.paths import DATA as SPECS
from samplegen.policies import load_policy

from tests.gold import TRATA

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
GOLD = TRATA
NAMES = list(ms.BUILDERS)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def page_words(pdf_path: Path) -> dict[int, list[dict]]:
    with pdfplumber.open(pdf_path) as pdf:
        return {i: p.extract_words() for i, p in enumerate(pdf.pages, start=1)}


def page_texts(pdf_path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [page.get_textpage().get_text_bounded() for page in pdf]
    finally:
        pdf.close()


# ----- trata-2024 is the gold reference, cell for cell ----------------------------------------


def test_trata_rows_are_the_gold_cells() -> None:
    data = ms.load_trata()
    assert data.rows == read_csv(GOLD / "matrix.csv")
    assert data.summary == read_csv(GOLD / "summary.csv")
    expected = read_csv(SAMPLES / "trata-2024" / "expected" / "rows.csv")
    gold = read_csv(GOLD / "matrix.csv")
    assert [{k: v for k, v in r.items() if k not in ("page", "repairs")} for r in expected] == gold
    assert {r["repairs"] for r in expected} == {""}


def test_trata_narrative_keeps_the_claims() -> None:
    text = " ".join(page_texts(SAMPLES / "trata-2024.pdf"))
    text = re.sub(r"\s+", " ", text)
    for claim in (
        "de los 44 indicadores de servicios, 35 indicadores tienen un avance alto",
        "Este servicio tiene un cumplimiento de 100%",
        "presenta un 50% de avance tipo 1",
        "OP.01 78.00% 67.30%",
        "El servicio 27 a cargo de la DIRCTPTIM - PNP, tiene un avance de 17%.",
        "2.1 80% 85% 85% 38.9% 38.7% 70.7% 83.2",
    ):
        assert claim in text, claim


# ----- every sample: committed files == what the generator makes now --------------------------


@pytest.mark.parametrize("name", NAMES)
def test_regenerating_matches_the_committed_files(name: str, tmp_path: Path) -> None:
    data = ms.BUILDERS[name]()
    result = ms.render_report(data, tmp_path / f"{name}.pdf")
    folder = SAMPLES / name / "expected"
    assert ms.expected_rows(data, result) == read_csv(folder / "rows.csv")
    assert data.summary == read_csv(folder / "summary.csv")
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert ms.expected_metadata(data, result) == metadata
    assert page_texts(tmp_path / f"{name}.pdf") == page_texts(SAMPLES / f"{name}.pdf")
    assert len(result.splits) >= min(3, result.matrix_pages - 1)


def ymid(word: dict) -> float:
    return (word["top"] + word["bottom"]) / 2


def row_line(row: dict[str, str], on_page: list[dict]) -> list[dict]:
    """Words printed on the line of the row's code (or, for the index row, of its name)."""
    anchor_text = row["code"] or row["name"].split()[0]
    anchors = [w for w in on_page if w["text"] == anchor_text and w["x0"] < 80]
    assert anchors, f"{anchor_text} not on its page"
    return [w for w in on_page if abs(ymid(w) - ymid(anchors[0])) < 0.6]


@pytest.mark.parametrize("name", NAMES)
def test_each_row_is_printed_on_its_page(name: str) -> None:
    """Codes on the page rows.csv names; values on the same printed line as their code."""
    rows = read_csv(SAMPLES / name / "expected" / "rows.csv")
    words = page_words(SAMPLES / f"{name}.pdf")
    value_cols = [c for c in rows[0] if c.startswith(("baseline_", "expected_", "obtained_",
                                                      "progress_"))]
    for row in rows:
        on_page = words[int(row["page"])]
        line = {w["text"] for w in row_line(row, on_page)}
        for col in value_cols:
            if row[col]:
                assert row[col] in line, f"{row['code']} {col}={row[col]!r} not beside its code"
        for col in ("responsible", "indicator_type", "direction", "aggregation"):
            page_tokens = {w["text"] for w in on_page}
            assert set(row[col].split()) <= page_tokens, f"{row['code']} {col}"


def test_text_layer_has_exact_characters() -> None:
    words = {w["text"] for ws in page_words(SAMPLES / "trata-2024.pdf").values() for w in ws}
    assert {"ISS.03.05.01.01", "≥", "Línea", "Código", "Tráfico", "advoicecentes"} <= words
    salud = {w["text"] for ws in page_words(SAMPLES / "salud-2025.pdf").values() for w in ws}
    assert {"Índice", "descendente", "acumulado"} <= salud
    assert any(re.fullmatch(r"\d{1,3}(?:,\d{3})+", w) for w in salud)  # thousands separators


@pytest.mark.parametrize("name", NAMES)
def test_progress_cells_carry_their_semaphore_colour(name: str) -> None:
    data = ms.BUILDERS[name]()
    col = f"progress_{data.progress_years[-1]}"
    colours = {"low": ms.RED, "mid": ms.YELLOW, "high": ms.GREEN, "nd": ms.GREY}
    x0 = ms.build_geometry(data, ms.MatrixStyle()).column(col).x0
    rows = read_csv(SAMPLES / name / "expected" / "rows.csv")
    words = page_words(SAMPLES / f"{name}.pdf")
    with pdfplumber.open(SAMPLES / f"{name}.pdf") as pdf:
        for row in rows:
            if not row[col]:
                continue
            page = pdf.pages[int(row["page"]) - 1]
            cell = [w for w in row_line(row, words[int(row["page"])]) if w["x0"] > x0]
            assert [w["text"] for w in cell] == [row[col]], row["code"]
            word = cell[0]
            fills = [r for r in page.rects if r["fill"] and r["x0"] <= word["x0"] <= r["x1"]
                     and r["top"] <= word["top"] <= r["bottom"]]
            assert [tuple(f["non_stroking_color"]) for f in fills] == [colours[ms.band(row[col])]]


# ----- salud-2025 is consistent by the CEPLAN methodology --------------------------------------


def number(text: str) -> float | None:
    try:
        return float(text.rstrip("%").replace(",", ""))
    except ValueError:
        return None


def recompute(row: dict[str, str], years: list[int], year: int) -> float | None:
    """Independent of the generator: obtained/expected (ascending) or expected/obtained."""
    e, o = number(row[f"expected_{year}"]), number(row[f"obtained_{year}"])
    if e is None or o is None:
        return None
    if row["aggregation"] == "acumulado":
        pairs = [(number(row[f"expected_{y}"]), number(row[f"obtained_{y}"])) for y in years]
        pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
        e, o = sum(a for a, _ in pairs), sum(b for _, b in pairs)
    return e / o * 100 if row["direction"] == "descendente" else o / e * 100


def close(printed: str, value: float) -> bool:
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed) - value) <= 0.5 * 10**-decimals + 1e-9


def test_salud_is_consistent() -> None:
    rows = read_csv(SAMPLES / "salud-2025" / "expected" / "rows.csv")
    years, col = [2021, 2022, 2023, 2024, 2025], "progress_2025"
    progress: dict[str, float | None] = {}
    for row in rows:
        if row["level"] in ("IOP", "ISS"):
            value = recompute(row, years, 2025)
            progress[row["code"]] = value
            if value is None:
                assert row[col] == "ND", row["code"]
            else:
                assert close(row[col], value), (row["code"], row[col], value)
    op_values = []
    for op in (r for r in rows if r["level"] == "OP"):
        values = [min(v, 100) for c, v in progress.items()
                  if c.startswith("IOP." + op["code"][3:]) and v is not None]
        op_values.append(sum(values) / len(values))
        assert close(op[col], op_values[-1]), op["code"]
    index = next(r for r in rows if r["level"] == "INDEX")
    assert close(index[col], sum(op_values) / len(op_values))
    assert {r["direction"] for r in rows if r["direction"]} == {"ascendente", "descendente"}
    assert {r["aggregation"] for r in rows if r["aggregation"]} == {"acumulado", "no acumulado"}
    assert any("," in r["obtained_2025"] for r in rows)  # thousands separators
    assert any(r[col] == "ND" for r in rows) and any((number(r[col]) or 0) > 100 for r in rows)
    summary = read_csv(SAMPLES / "salud-2025" / "expected" / "summary.csv")
    assert summary == ms.compute_summary(rows, col)


def test_salud_narrative_agrees_with_the_matrix() -> None:
    rows = read_csv(SAMPLES / "salud-2025" / "expected" / "rows.csv")
    summary = {s["group"]: s for s in read_csv(SAMPLES / "salud-2025" / "expected" /
                                                "summary.csv")}
    text = re.sub(r"\s+", " ", " ".join(page_texts(SAMPLES / "salud-2025.pdf")))
    m = re.search(r"de los (\d+) indicadores de servicios, (\d+) indicadores tienen un avance "
                  r"alto.*?(\d+) indicadores? tienen? un avance intermedio.*?(\d+) indicadores? "
                  r"tienen? un avance bajo", text)
    assert m, "service counts sentence"
    iss = summary["Indicadores de servicios"]
    assert m.groups() == (iss["total"], iss["high_95"], iss["mid_75_95"], iss["low_0_75"])
    by_service = {}
    for r in rows:
        if r["level"] == "ISS":
            by_service.setdefault(int(r["service_no"]), []).append(r)
    claims = re.findall(r"S\.(\d{2})\. .*?Este servicio tiene un cumplimiento del (\d+)%", text)
    assert claims
    for service, percent in claims:
        (indicator,) = by_service[int(service)]
        assert abs(float(indicator["progress_2025"]) - int(percent)) <= 0.5
    for op in (r for r in rows if r["level"] == "OP"):
        assert f"presenta un {op['progress_2025']}% de avance tipo 1 en el año 2025" in text


# ----- the API renders whatever it is given -----------------------------------------------------


def test_injected_figure_is_printed(tmp_path: Path) -> None:
    data = ms.make_salud_data()
    target = next(i for i, r in enumerate(data.rows) if r["level"] == "ISS")
    data.rows[target]["progress_2025"] = "999.9"
    result = ms.render_report(data, tmp_path / "bad.pdf")
    words = page_words(tmp_path / "bad.pdf")[result.row_pages[target]]
    assert "999.9" in {w["text"] for w in words}


# ----- the policy specs are data, and a typo in them is an error --------------------------------


def test_a_policy_spec_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    spec = yaml.safe_load((SPECS / "salud-2025.yaml").read_text(encoding="utf-8"))
    indicator = spec["objectives"][0]["guidelines"][0]["services"][0]["indicators"][0]
    indicator["agregation"] = indicator.pop("aggregation", "acumulado")
    path = tmp_path / "typo.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecError, match=r"objective 1, guideline 1, service 1, indicator 1: .*'agregation'"):
        load_policy(path)


def test_a_policy_spec_renders_the_tree_it_describes() -> None:
    spec = load_policy(SPECS / "salud-2025.yaml")
    data = ms.make_policy_data(spec)
    levels = [r["level"] for r in data.rows]
    n_indicators = sum(len(s.indicators) for o in spec.objectives for g in o.guidelines for s in g.services)
    assert levels.count("OP") == len(spec.objectives)
    assert levels.count("LN") == sum(len(o.guidelines) for o in spec.objectives)
    assert levels.count("ISS") == n_indicators and levels[-1] == "INDEX"
    assert data.years == list(spec.years) and data.title == spec.title


# ----- degraded variants (made by `make_samples.py --scanned`) ---------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_scanned_variants(name: str) -> None:
    image, ocr = SAMPLES / "scanned" / f"{name}-image.pdf", SAMPLES / "scanned" / f"{name}-ocr.pdf"
    # the scanned variants are committed; a missing one is a broken checkout, not a skip
    assert image.exists() and ocr.exists(), "missing: run scripts/make_samples.py --scanned"
    n_pages = len(page_texts(SAMPLES / f"{name}.pdf"))
    image_text = page_texts(image)
    assert len(image_text) == n_pages and not "".join(image_text).strip()
    ocr_text = page_texts(ocr)
    # page 1 may be cropped ("ector:"), so look at text away from the left edge
    assert len(ocr_text) == n_pages and "MULTISECTORIAL" in ocr_text[0]
