"""The text of a report: claims about the matrix, each written in one of several phrasings.

Every figure the text states is recorded as a `Claim` (what it is about, the field, the text as
printed, where it sits). An injector may change a claim's printed figure before the text is
written (`overrides`), so the truth knows exactly which sentence contradicts the matrix.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from variety.figures import BAND_WORDS, SUMMARY_GROUPS, mean_capped
from variety.numbers import NUMBER_WORDS
from variety.policy import Policy


@dataclass(slots=True)
class Block:
    kind: str  # heading | paragraph | table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class Claim:
    id: str  # stable name: the same claim printed twice shares it ("band:ISS:high_95")
    kind: str
    subject: str  # a matrix code, a summary group, or a level for row counts
    field: str
    printed: str  # the figure as the text prints it
    place: str = "text"  # text | table


@dataclass(slots=True)
class Narrative:
    blocks: list[Block]
    claims: list[Claim]


Overrides = dict[str, str]  # claim id → figure printed instead of the true one


class Writer:
    """Writes the narrative of one policy; `rng` chooses phrasings, `overrides` falsify figures."""

    def __init__(self, policy: Policy, rng: random.Random, overrides: Overrides | None = None) -> None:
        self.policy = policy
        self.rng = rng
        self.overrides = overrides or {}
        self.claims: list[Claim] = []
        self.words = rng.random() < 0.5  # small counts as words ("dos indicadores")
        self.por_ciento = rng.random() < 0.3  # "45 por ciento" instead of "45%"

    # ---- figures ------------------------------------------------------------------------------

    def figure(self, claim_id: str, kind: str, subject: str, field_: str, true: str, place: str = "text") -> str:
        printed = self.overrides.get(claim_id, true)
        self.claims.append(Claim(claim_id, kind, subject, field_, printed, place))
        return printed

    def pct(self, text: str) -> str:
        return f"{text} por ciento" if self.por_ciento else f"{text}%"

    def count(self, n_text: str, one: str, many: str) -> str:
        """'3 indicadores tienen', 'un indicador tiene', 'dos indicadores tienen'."""
        n = int(n_text)
        noun = one if n == 1 else many
        if self.words and n in NUMBER_WORDS and n > 0:
            word = NUMBER_WORDS[n]
            return f"{word} {noun}"
        return f"{n_text} {noun}"

    def progress_text(self, printed: str, round_whole: bool = False) -> str:
        """A matrix progress figure as the text quotes it (sometimes rounded to a whole number)."""
        value = self.policy.numbers.parse(printed)
        if value is None:
            return printed
        if round_whole:
            return self.policy.numbers.fixed(value, 0)
        return printed.rstrip("%")

    # ---- the report ---------------------------------------------------------------------------

    def write(self) -> Narrative:
        p = self.policy
        blocks = [Block("heading", p.title), Block("heading", "I. Resumen del reporte de cumplimiento")]
        blocks.append(Block("paragraph", self.structure_sentence()))
        sections: list[Callable[[], list[Block]]] = [self.band_paragraphs, self.objective_section,
                                                     self.indicator_section, self.service_section]
        for section in sections:
            blocks += section()
        return Narrative(blocks, self.claims)

    def structure_sentence(self) -> str:
        """How many objectives, guidelines and services (and maybe indicators) the policy has,
        in one of several phrasings; small counts may be words ("tres objetivos prioritarios")."""
        op = self.row_count("OP", "objetivo prioritario", "objetivos prioritarios")
        ln = self.row_count("LN", "lineamiento", "lineamientos")
        ss = self.row_count("SS", "servicio", "servicios")
        name = self.policy.policy_name
        if self.rng.random() < 0.5:
            text = f"La {name} cuenta con {op}, {ln} y {ss}."
        else:
            text = f"La {name} cuenta con {op} y {ln} que se operativizan mediante {ss}."
        if self.rng.random() < 0.5:
            iop = self.row_count("IOP", "indicador de objetivo prioritario", "indicadores de objetivos prioritarios")
            again = self.row_count("SS", "servicio", "servicios")
            iss = self.row_count("ISS", "indicador", "indicadores")
            text += f" Para su seguimiento, cuenta con {iop}; además, se tienen {again} y {iss}."
        return text

    def row_count(self, level: str, one: str, many: str) -> str:
        """The number of rows of a level, as a claim, with its noun."""
        n = str(len(self.policy.level(level)))
        return self.count(self.figure(f"count:{level}", "row_count", level, "count", n), one, many)

    def band_paragraphs(self) -> list[Block]:
        blocks = []
        summary = {s["group"]: s for s in self.policy.summary}
        for level in ("IOP", "ISS"):
            group = SUMMARY_GROUPS[level]
            counts = summary[group]
            if counts["total"] == "0":
                continue
            blocks.append(Block("paragraph", self.band_sentence(level, group, counts)))
        if self.rng.random() < 0.5:
            blocks.append(self.band_table(summary))
        return blocks

    def band_figures(self, level: str, group: str, counts: dict[str, str], place: str) -> dict[str, str]:
        return {col: self.figure(f"band:{level}:{col}", "band_count", group, col, counts[col], place)
                for col in ("total", "high_95", "mid_75_95", "low_0_75", "nd")}

    def band_sentence(self, level: str, group: str, counts: dict[str, str]) -> str:
        f = self.band_figures(level, group, counts, "text")
        noun = group.lower() if self.rng.random() < 0.6 else group.lower().replace(" de ", " de los ", 1)
        ranges = {
            "high_95": self.rng.choice([f"(igual o mayor al {self.pct('95')})",
                                        f"(mayor o igual a {self.pct('95')})"]),
            "mid_75_95": self.rng.choice([f"(entre el {self.pct('75')} y {self.pct('95')})",
                                          f"(de {self.pct('75')} a menos de {self.pct('95')})"]),
            "low_0_75": self.rng.choice([f"(menor al {self.pct('75')})", f"(por debajo del {self.pct('75')})"]),
        }
        order = ["high_95", "mid_75_95", "low_0_75"]
        if self.rng.random() < 0.3:
            order.reverse()
        style = self.rng.choice(["words", "words", "ranges"])
        verb = self.rng.choice([("tiene", "tienen"), ("presenta", "presentan"), ("registra", "registran")])
        parts = []
        for col in order:
            who = self.count(f[col], f"indicador {verb[0]}", f"indicadores {verb[1]}")
            if style == "words":
                parts.append(f"{who} un avance {BAND_WORDS[col]} {ranges[col]}")
            else:
                parts.append(f"{who} un avance {ranges[col][1:-1]}")
        body = f"{', '.join(parts[:-1])} y {parts[-1]}"
        if f["nd"] != "0":
            missing = self.count(f["nd"], "indicador no cuenta", "indicadores no cuentan")
            body += f"; además, {missing} con información (ND)"
        total = f["total"]
        if self.rng.random() < 0.6:
            lead = self.rng.choice(["Asimismo, de los", "De los", "Respecto a los"])
            return f"{lead} {total} {noun}, {body}."
        return f"En cuanto a los {noun}, {body}, de un total de {total} indicadores."

    def band_table(self, summary: dict[str, dict[str, str]]) -> Block:
        rows = [["", "[0-75%>", "[75-95%>", "≥ 95%", "ND", "Total"]]
        for level in ("IOP", "ISS"):
            group = SUMMARY_GROUPS[level]
            f = self.band_figures(level, group, summary[group], "table")
            rows.append([group, f["low_0_75"], f["mid_75_95"], f["high_95"], f["nd"], f["total"]])
        return Block("table", rows=rows)

    def objective_section(self) -> list[Block]:
        p = self.policy
        year = p.report_year
        blocks = [Block("heading", "II. Cumplimiento de los objetivos prioritarios")]
        table_rows: list[list[str]] = []
        previous_year = year - 1 if year - 1 in p.years else None
        for o, op in enumerate(p.level("OP"), start=1):
            printed = op.get(f"progress_{year}", "")
            if p.numbers.parse(printed) is None:
                continue
            now = self.figure(f"op:{op['code']}:{year}", "op_progress", op["code"], f"progress_{year}",
                              self.progress_text(printed))
            before = self.previous_op(op, previous_year)
            phrasing = self.rng.randrange(3)
            if phrasing == 0:
                text = f"El objetivo prioritario {o} presenta un avance de {self.pct(now)} en el año {year}"
            elif phrasing == 1:
                text = f"En relación al OP{o}: se tiene el ponderado de {self.pct(now)} en el año {year}"
            else:
                text = f"El {op['code']} alcanzó un avance tipo 1 de {self.pct(now)} en el año {year}"
            if before is not None:
                text += f", respecto al {self.pct(before)} del año {previous_year}"
            blocks.append(Block("paragraph", text + "."))
            if before is not None:
                table_rows.append([op["code"], self.pct(before), self.pct(now)])
        if table_rows and self.rng.random() < 0.5:
            header = ["Objetivo Prioritario", f"Avance tipo 1 {previous_year}", f"Avance tipo 1 {year}"]
            blocks.append(Block("table", rows=[header, *table_rows]))
            # the table repeats the sentences' figures: the same claims, printed a second time
            for row in table_rows:
                self.claims.append(Claim(f"op:{row[0]}:{year}", "op_progress", row[0], f"progress_{year}",
                                         row[2].removesuffix("%"), "table"))
        return blocks

    def previous_op(self, op: dict[str, str], year: int | None) -> str | None:
        """The objective's figure for the year before, which the matrix may not print."""
        if year is None:
            return None
        p = self.policy
        if f"progress_{year}" in op:
            printed = op[f"progress_{year}"]
            true = self.progress_text(printed) if p.numbers.parse(printed) is not None else None
        else:
            value = mean_capped(p.progress(r, year) for r in p.children(op["code"], "IOP"))
            true = p.numbers.fixed(value, self.rng.choice([0, 1, 2])) if value is not None else None
        if true is None:
            return None
        return self.figure(f"op:{op['code']}:{year}", "op_progress", op["code"], f"progress_{year}", true)

    def indicator_section(self) -> list[Block]:
        p = self.policy
        year = p.report_year
        blocks = []
        for row in p.level("IOP"):
            printed = row.get(f"progress_{year}", "")
            if p.numbers.parse(printed) is None or self.rng.random() < 0.4:
                continue
            o, i = (int(x) for x in row["code"].split(".")[1:])
            value = self.figure(f"iop:{row['code']}", "indicator_progress", row["code"], f"progress_{year}",
                                self.progress_text(printed))
            if self.rng.random() < 0.5:
                text = (f"En relación al indicador {o}.{i}, a cargo de {row['responsible']}, tiene un avance de "
                        f"{self.pct(value)}.")
            else:
                text = (f"El indicador {o}.{i} ({row['responsible']}) registra un avance de {self.pct(value)} "
                        f"en el año {year}.")
            blocks.append(Block("paragraph", text))
        return blocks

    def service_section(self) -> list[Block]:
        p = self.policy
        year = p.report_year
        blocks = [Block("heading", "III. Nivel de implementación de los servicios")]
        for ss in p.level("SS"):
            indicators = p.children(ss["code"], "ISS")
            if len(indicators) != 1 or self.rng.random() < 0.5:
                continue
            row = indicators[0]
            printed = row.get(f"progress_{year}", "")
            if p.numbers.parse(printed) is None:
                continue
            n = int(ss["service_no"])
            whole = self.rng.random() < 0.2
            value = self.figure(f"svc:{n}", "service_progress", row["code"], f"progress_{year}",
                                self.progress_text(printed, round_whole=whole))
            phrasing = self.rng.randrange(3)
            if phrasing == 0:
                text = f"El servicio {n} a cargo de {row['responsible']} tiene un avance de {self.pct(value)}."
            elif phrasing == 1:
                text = (f"El servicio {n}, a cargo de {row['responsible']}, alcanzó un {self.pct(value)} de avance "
                        f"en el año {year}.")
            else:
                blocks.append(Block("paragraph", f"S.{n:02d}. {ss['name']}"))
                text = (f"{row['responsible']} informa sobre el indicador del servicio. Este servicio tiene un "
                        f"cumplimiento del {self.pct(value)}.")
            blocks.append(Block("paragraph", text))
        return blocks


def write_narrative(policy: Policy, seed: int, overrides: Overrides | None = None) -> Narrative:
    return Writer(policy, random.Random(seed), overrides).write()


def claims_by_id(claims: Sequence[Claim]) -> dict[str, list[Claim]]:
    out: dict[str, list[Claim]] = {}
    for c in claims:
        out.setdefault(c.id, []).append(c)
    return out
