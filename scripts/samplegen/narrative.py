"""The narrative and call-outs of a synthetic policy, written from its own figures.

The sentences follow the real reports' wording, so the extractor's narrative checks read them
the same way; every number in them is taken from the matrix and summary, never typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from samplegen.model import SUMMARY_COLUMNS, SUMMARY_GROUPS, Block, Note, NoteGroup, ReportData
from samplegen.policies import IMPLEMENTATION_LEVELS, PolicyForm
from samplegen.printed import band, fmt_fixed, round_half_up
from samplegen.tables import form_table, op_table

NUMBER_WORDS = {1: "un", 2: "dos", 3: "tres", 4: "cuatro", 5: "cinco", 6: "seis"}


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def services(data: ReportData) -> dict[int, dict[str, Any]]:
    """Service number → its SS row and its indicator rows."""
    out: dict[int, dict[str, Any]] = {}
    for row in data.rows:
        if row["level"] == "SS":
            out[int(row["service_no"])] = {"row": row, "indicators": []}
        elif row["level"] == "ISS":
            out[int(row["service_no"])]["indicators"].append(row)
    return out


def callout_notes(data: ReportData) -> list[NoteGroup]:
    """Call-outs for single-indicator services below 75%, as the trata report prints them."""
    col = f"progress_{data.progress_years[-1]}"
    notes = [Note(f"El servicio {n:02d} a cargo de {s['indicators'][0]['responsible']}, tiene un "
                  f"avance de {s['indicators'][0][col]}%. No ha cumplido con la meta del año "
                  f"{data.progress_years[-1]}.", f"S {n:02d}")
             for n, s in services(data).items()
             if len(s["indicators"]) == 1 and band(s["indicators"][0][col]) == "low"]
    return [NoteGroup("Servicios en rojo:", notes)] if notes else []


def count_sentence(total: int, counts: dict[str, str], noun: str, colon: bool) -> str:
    high, mid, low = int(counts["high_95"]), int(counts["mid_75_95"]), int(counts["low_0_75"])
    parts = [
        f"{plural(high, 'indicador tiene', 'indicadores tienen')} un avance alto (igual mayor al 95%)",
        f"{plural(mid, 'indicador tiene', 'indicadores tienen')} un avance intermedio (entre el 75% - 95%)",
        f"{plural(low, 'indicador tiene', 'indicadores tienen')} un avance bajo (entre el 0% - 75%)",
    ]  # fmt: skip
    sep = ":" if colon else ","
    text = f"de los {total} {noun}{sep} {parts[0]}, {parts[1]} y {parts[2]}."
    nd = int(counts["nd"])
    if nd:
        text += (f" Adicionalmente, {plural(nd, 'indicador no cuenta', 'indicadores no cuentan')}"
                 " con información para el año de análisis (ND).")
    return text


def policy_narrative(data: ReportData, op_values: dict[str, tuple[float | None, float | None]],
                     index_value: float, form: PolicyForm) -> list[Block]:
    """The narrative pages: overview and counts, one section per objective, the best services."""
    return [
        Block("title", data.title),
        Block("heading", "1. Políticas nacionales aprobadas en el marco del Decreto Supremo Nº "
                         "029-2018-PCM"),
        policy_form_table(form, data.progress_years[-1]),
        *overview_blocks(data, op_values, index_value),
        Block("heading", "I. Cumplimiento de los objetivos prioritarios de la política nacional"),
        *objective_blocks(data),
        Block("heading", "II. Situación de las principales actividades que contribuyen "
                         "al cumplimiento del objetivo de la política nacional y uso "
                         "de recursos."),
        *service_blocks(data),
    ]


def policy_form_table(form: PolicyForm, year: int) -> Block:
    levels = [box for level in IMPLEMENTATION_LEVELS
              for box in (level, "X" if level == form.implementation_level else "")]
    return form_table("Reporte de cumplimiento de políticas nacionales", [
        ("Política nacional", [form.policy]),
        ("Ministerio rector o conductor", [form.ministry]),
        ("Problema público", [form.problem]),
        ("Dispositivo legal", [form.legal_instrument]),
        ("Resumen del reporte de cumplimiento", [form.summary.format(year=year)]),
    ], levels)


def overview_blocks(data: ReportData, op_values: dict[str, tuple[float | None, float | None]],
                    index_value: float) -> list[Block]:
    """Objectives, counts of guidelines, services and indicators per band, index, progress table."""
    year = data.progress_years[-1]
    rows = data.rows
    summary = {s["group"]: s for s in data.summary}
    objectives = [r for r in rows if r["level"] == "OP"]
    n_ln = sum(r["level"] == "LN" for r in rows)
    svc_map = services(data)
    n_iss = sum(r["level"] == "ISS" for r in rows)
    n_iop = sum(r["level"] == "IOP" for r in rows)
    doubles = [n for n, s in svc_map.items() if len(s["indicators"]) > 1]
    entities = sorted({r["responsible"] for r in rows if r["level"] == "ISS"})
    ops_word = NUMBER_WORDS.get(len(objectives), str(len(objectives)))
    return [
        Block("paragraph", f"La Política Nacional cuenta con {ops_word} Objetivos Prioritarios:"),
        *[Block("bullet", f"✓ Objetivo Prioritario {i}: {r['name']}.")
          for i, r in enumerate(objectives, start=1)],
        Block("paragraph", f"Para lograr alcanzar las metas establecidas, la Política Nacional "
                           f"cuenta con {n_ln} lineamientos que se operativizan mediante "
                           f"{len(svc_map)} servicios que están siendo provistos por "
                           f"{len(entities)} entidades."),
        Block("paragraph", "Como resultado de dicho proceso de sistematización de la información "
                           "de los indicadores que tiene la Política, se determinó que, " +
              count_sentence(n_iop, summary[SUMMARY_GROUPS[1]],
                             "indicadores de objetivos prioritarios", colon=True)),
        Block("paragraph", "Asimismo, " + count_sentence(n_iss, summary[SUMMARY_GROUPS[2]],
                                                         "indicadores de servicios", colon=False)),
        Block("paragraph", f"El Índice de gestión de la política nacional alcanza "
                           f"{fmt_fixed(index_value, 1)} en el año {year}."),
        Block("heading", "Nivel de avance de los Objetivos Prioritarios"),
        Block("paragraph", f"1. Consistencia del avance tipo1 {year}, comparado con el avance "
                           f"tipo 1 del año {year - 1}."),
        Block("table", rows=[["Objetivo Prioritario", f"Avance tipo 1 {year - 1}",
                              f"Avance tipo 1 {year}"]] +
              [[code, f"{fmt_fixed(prev, 2)}%" if prev is not None else "ND",
                f"{fmt_fixed(now, 2)}%" if now is not None else "ND"]
               for code, (prev, now) in op_values.items()],
              header_rows=1, widths=[2.0, 1.4, 1.4]),
        Block("heading", "Nivel de implementación de los servicios y actividades operativas"),
        Block("paragraph", f"En relación con los servicios de la Política Nacional, se tienen "
                           f"{len(svc_map)} servicios y {n_iss} indicadores, debido a que "
                           f"{NUMBER_WORDS.get(len(doubles), str(len(doubles)))} servicios "
                           f"({join_es([str(n) for n in doubles])}) tienen 2 indicadores cada uno."),
        Block("table", rows=[["", "[0-75%>", "[75-95%>", "≥ 95%", "ND", "Total"],
                             [SUMMARY_GROUPS[2], *(summary[SUMMARY_GROUPS[2]][k] for k in
                                                   SUMMARY_COLUMNS[1:])]],
              header_rows=1, widths=[2.6, 1, 1, 1, 1, 1]),
    ]


def objective_blocks(data: ReportData) -> list[Block]:
    """Per objective: its progress sentence and its small table of indicator figures."""
    year = data.progress_years[-1]
    col = f"progress_{year}"
    blocks = []
    for o, op in enumerate((r for r in data.rows if r["level"] == "OP"), start=1):
        indicators = [r for r in data.rows if r["level"] == "IOP" and r["parent"] == op["code"]]
        blocks.append(Block("paragraph", (
            f"En relación al objetivo prioritario {o:02d}; \"{op['name'].lower()}\", presenta un "
            f"{op[col]}% de avance tipo 1 en el año {year} (cuenta con "
            f"{plural(len(indicators), 'indicador', 'indicadores')}).")))
        blocks.append(objective_table(op, indicators, data.years[-3:], year))
    return blocks


def service_blocks(data: ReportData) -> list[Block]:
    """Per objective, its single-indicator services with high progress, each with its claim."""
    year = data.progress_years[-1]
    col = f"progress_{year}"
    svc_map = services(data)
    blocks = []
    for o, op in enumerate((r for r in data.rows if r["level"] == "OP"), start=1):
        best = [(n, s) for n, s in svc_map.items()
                if s["row"]["code"].startswith(f"SS.{o:02d}.") and len(s["indicators"]) == 1
                and band(s["indicators"][0][col]) == "high"]
        if not best:
            continue
        blocks.append(Block("paragraph", (
            f"En relación al objetivo prioritario {o:02d}, \"{op['name']}\", se presentan los "
            f"servicios implementados que registran mayor avance: "
            f"{', '.join(f'{n:02d}' for n, _ in best)}.")))
        for n, s in best:
            indicator = s["indicators"][0]
            percent = round_half_up(float(indicator[col]))
            blocks.append(Block("service", f"S.{n:02d}. {s['row']['name']}."))
            blocks.append(Block("paragraph", (
                f"{indicator['responsible']} informa que, durante el {year}, el indicador "
                f"\"{indicator['name']}\" registró un valor obtenido de {indicator[f'obtained_{year}']} "
                f"respecto a {indicator[f'expected_{year}']} esperado. Este servicio tiene un "
                f"cumplimiento del {percent}%.")))
    return blocks


def join_es(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} y {items[-1]}"


def objective_table(op: dict[str, str], indicators: Sequence[dict[str, str]],
                    years: Sequence[int], year: int) -> Block:
    o = int(op["code"].split(".")[1])
    body = [[f"{op['code']}.", *[""] * (2 * len(years)), op[f"progress_{year}"]]]
    for i, r in enumerate(indicators, start=1):
        body.append([f"{o}.{i}", *(r[f"expected_{y}"] for y in years),
                     *(r[f"obtained_{y}"] for y in years), r[f"progress_{year}"]])
    return op_table([str(y) for y in years], [str(year)], body)
