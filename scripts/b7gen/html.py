"""A B-7 variant as the CEPLAN application's web page, printed to PDF by a browser.

The real printouts are the application's HTML report printed by Chrome; Debian's chromium
(headless `--print-to-pdf`) does the same here, so glyph positions, wrapping, page breaks and
the text layer are a browser's, not ours. The look decides the shape: a table per OEI/AEI under
a coloured bar, or one long table with OEI/AEI rows; where the UE/UO columns sit; VALOR ACTUAL;
cells without padding, which makes the text layer glue neighbouring cells ("ND000084-…").
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

from b7gen.data import Look, Variant

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 120
OEI_BAR, AEI_BAR, HEAD = "#c00020", "#2e6290", "#9dc3e6"
NOTE = "NOTA : El porcentaje de avance de los indicadores ha sido truncado en 100 %"


def browser() -> str | None:
    return next((b for b in BROWSERS if shutil.which(b)), None)


def render(variant: Variant, out: Path) -> None:
    """Print the variant's page to `out` with a headless browser."""
    exe = browser()
    if exe is None:
        raise RuntimeError("no chromium found (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="b7gen-") as tmp:
        page = Path(tmp) / "Indicador.html"
        page.write_text(html_page(variant), encoding="utf-8")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()]
        subprocess.run(cmd, check=True, capture_output=True, timeout=TIMEOUT)
    if not out.is_file():
        raise RuntimeError(f"chromium wrote no PDF for {out.name}")


def css(look: Look) -> str:
    w, h = look.page
    # no horizontal padding: neighbouring cells' glyphs touch and the text layer glues them
    pad = "1.5pt 0" if look.glued else "1pt 2pt"
    values_align = "right" if look.glued else "center"
    texts_align = "left"
    return f"""
@page {{ size: {w:.1f}pt {h:.1f}pt; margin: 28pt 24pt; }}
body {{ font-family: 'DejaVu Sans', sans-serif; font-size: {look.font_size}pt;
        -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.title {{ text-align: center; font-weight: bold; margin: 4pt 0 10pt 0; }}
.meta td {{ padding: 1pt 12pt 1pt 0; font-weight: bold; }}
.meta td + td {{ font-weight: normal; }}
table.m {{ border-collapse: collapse; width: 100%; margin: 0; }}
table.m th {{ {"border: none" if look.plain_header else f"background: {HEAD}; border: 1pt solid #fff"};
            padding: 1pt; font-weight: bold; text-align: center; }}
table.m td {{ padding: {pad}; vertical-align: middle; }}
table.m td.v {{ text-align: {values_align}; white-space: nowrap; }}
table.m td.t {{ text-align: {texts_align}; }}
table.m td.u {{ text-align: {texts_align}; {"white-space: nowrap;" if look.units_unwrapped else ""} }}
table.m td.c {{ text-align: {"right" if look.glued else "center"}; white-space: nowrap; }}
table.m tr {{ break-inside: avoid; }}
table.bar {{ border-collapse: separate; border-spacing: {"0" if look.glued else "1.2pt 0"}; width: 100%;
             color: #fff; margin-top: 6pt; }}
table.bar td {{ padding: {"1pt 0" if look.glued else "1pt 2pt"}; }}
table.bar td.c {{ text-align: {"right" if look.glued else "left"}; }}
tr.bar td {{ color: #fff; padding: 1pt 2pt; }}
.note {{ margin-top: 8pt; }}
"""


def html_page(variant: Variant) -> str:
    look = variant.look
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>PEI Indicadores</title>",
             f"<style>{css(look)}</style></head><body>"]
    if look.title:
        parts.append("<div class='title'>Anexo B-7<br>SEGUIMIENTO DEL PLAN ESTRATÉGICO INSTITUCIONAL (PEI)</div>")
    meta = variant.metadata
    labels = [("Periodo PEI :", meta["periodo"]), ("Nivel de Gobierno :", meta["nivel_de_gobierno"]),
              ("Sector :", meta["sector"]), ("Pliego :", meta["pliego"])]
    parts.append("<table class='meta'>" + "".join(
        f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in labels) + "</table><br>")
    parts.append(long_table(variant) if look.long_table else block_tables(variant))
    parts.append(f"<div class='note'>{escape(NOTE)}</div></body></html>")
    return "".join(parts)


# ---- columns ---------------------------------------------------------------------------------


def column_roles(look: Look) -> list[str]:
    years = look.years
    units = ["executing_unit", "responsible_unit"]
    roles = ["code", "name", *(units if look.units_first else []), "measure", "baseline_year", "baseline_value"]
    roles += ["current_year", "current_value"] if look.current_group else []
    roles += [f"{g}_{y}" for g in ("expected", "obtained", "progress") for y in years]
    return roles + ([] if look.units_first else units)


# The header's wording: as the application prints it, with its accents, or abbreviated.
LABELS = {
    "application": {"code": "COD.", "name": "INDICADOR", "measure": "PARAMETRO DE MEDICION", "base": "LINEA BASE",
                    "current": "VALOR ACTUAL", "expected": "LOGRO ESPERADO", "obtained": "VALOR OBTENIDO",
                    "progress": "AVANCE (%)", "ue": "UE", "uo": "UNIDAD ORGANICA RESPONSABLE", "year": "Año",
                    "value": "Valor"},
    "accented": {"code": "CÓDIGO", "name": "INDICADOR", "measure": "PARÁMETRO DE MEDICIÓN", "base": "LÍNEA DE BASE",
                 "current": "VALOR ACTUAL", "expected": "LOGRO ESPERADO", "obtained": "VALOR OBTENIDO",
                 "progress": "AVANCE (%)", "ue": "UNIDAD EJECUTORA", "uo": "UNIDAD ORGÁNICA RESPONSABLE",
                 "year": "AÑO", "value": "VALOR"},
    "abbreviated": {"code": "CÓD.", "name": "INDICADOR", "measure": "PARÁM. DE MEDICIÓN", "base": "LÍNEA BASE",
                    "current": "VALOR ACTUAL", "expected": "LOGRO ESP.", "obtained": "VALOR OBT.",
                    "progress": "AVANCE %", "ue": "U.E.", "uo": "U.O. RESPONSABLE", "year": "Año", "value": "Valor"},
}  # fmt: skip


def header_rows(look: Look) -> str:
    n, t = len(look.years), {k: escape(v) for k, v in LABELS[look.labels].items()}
    units = f"<th rowspan='2'>{t['ue']}</th><th rowspan='2'>{t['uo']}</th>"
    top = f"<th rowspan='2'>{t['code']}</th><th rowspan='2'>{t['name']}</th>" + (units if look.units_first else "")
    top += f"<th rowspan='2'>{t['measure']}</th><th colspan='2'>{t['base']}</th>"
    top += f"<th colspan='2'>{t['current']}</th>" if look.current_group else ""
    top += "".join(f"<th colspan='{n}'>{t[g]}</th>" for g in ("expected", "obtained", "progress"))
    top += "" if look.units_first else units
    sub = f"<th>{t['year']}</th><th>{t['value']}</th>" * (2 if look.current_group else 1)
    sub += "".join(f"<th>{y}</th>" for y in look.years) * 3
    return f"<tr>{top}</tr><tr>{sub}</tr>"


def body_row(row: dict[str, str], look: Look) -> str:
    cells = []
    for role in column_roles(look):
        text = escape(row.get(role, ""))
        kind = "c" if role == "code" else "t" if role == "name" else "u" if role.endswith("_unit") else "v"
        cells.append(f"<td class='{kind}'>{text}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def heading_text(row: dict[str, str]) -> str:
    return f"{escape(row['name'])} (Prioridad:{row['priority']})"


def colgroup(look: Look) -> str:
    widths = {"code": 8, "name": 14, "measure": 6, "executing_unit": 8, "responsible_unit": 8}
    return "<colgroup>" + "".join(
        f"<col style='width:{widths[r]}%'>" if r in widths and not look.glued else "<col>" for r in column_roles(look)
    ) + "</colgroup>"


# ---- the two shapes ----------------------------------------------------------------------------


def block_tables(variant: Variant) -> str:
    """A bar per OEI/AEI, each followed by its own table (header and indicator rows)."""
    look, out, body = variant.look, [], []
    code_style = "white-space:nowrap" + ("" if look.glued else ";width:8%")

    def close() -> None:
        if body:
            out.append(f"<table class='m'>{colgroup(look)}{header_rows(look)}{''.join(body)}</table>")
            body.clear()

    for row in variant.rows:
        if row["level"] == "IND":
            body.append(body_row(row, look))
            continue
        close()
        color = OEI_BAR if row["level"] == "OEI" else AEI_BAR
        hidden = f"<span style='color:{color}'>{row['parent']}</span> " if row["parent"] and look.hidden_parent else ""
        # each cell of the bar is painted on its own, as the application's page does
        out.append(f"<table class='bar'><tr><td class='c' style='{code_style};background:{color}'>"
                   f"{hidden}{row['code']}</td><td style='background:{color}'>{heading_text(row)}</td></tr></table>")
    close()
    return "".join(out)


def long_table(variant: Variant) -> str:
    """One table: the header once (or repeated on every page), OEI/AEI as coloured rows."""
    look = variant.look
    span = len(column_roles(look)) - 1
    head = f"<thead>{header_rows(look)}</thead><tbody>" if look.repeat_header else f"<tbody>{header_rows(look)}"
    rows = []
    for row in variant.rows:
        if row["level"] == "IND":
            rows.append(body_row(row, look))
            continue
        color = OEI_BAR if row["level"] == "OEI" else AEI_BAR
        rows.append(f"<tr class='bar'><td class='c' style='background:{color}'>{row['code']}</td>"
                    f"<td colspan='{span}' style='background:{color}'>{heading_text(row)}</td></tr>")
    return f"<table class='m'>{colgroup(look)}{head}{''.join(rows)}</tbody></table>"


# ---- the truth's pages -----------------------------------------------------------------------


def code_pages(pdf: Path, codes: list[str]) -> dict[str, int]:
    """The page each code is first printed on, read from the PDF's own text (as the gold is)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    squashed = ["".join(text.split()) for text in texts]
    pages = {}
    for code in codes:
        pattern = re.compile(rf"(?<![.\d]){re.escape(code)}(?![.\d])")
        page = next((i + 1 for i, text in enumerate(texts) if pattern.search(text)), 0)
        # a code the browser wrapped, or glued to the cell before it
        loose = re.compile(rf"{re.escape(code)}(?![.\d])")
        pages[code] = page or next((i + 1 for i, text in enumerate(squashed) if loose.search(text)), 0)
    return pages
