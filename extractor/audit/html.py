"""report.html: one self-contained page an auditor opens offline, reads on a laptop and prints.

It shows the metadata, the summary counts printed beside recomputed, the findings (sortable and
filterable), each finding with a crop of its page and its arithmetic, the matrix with flagged
cells, and the repairs. Styles and scripts are inline, crops are data: URIs: nothing is fetched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from importlib import resources
from pathlib import Path
from string import Template

from extractor.audit.crops import crop_images
from extractor.audit.locate import Mark
from extractor.model import Finding, Report, Row

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "errors", "warning": "warnings", "info": "notes (repairs, assumptions)"}
PLACEMENT_TEXT = {
    "cell": "marked on its cell",
    "row": "marked on its row",
    "text": "marked on the figure in the text",
    "page": "not placed on the page (marked in the page margin)",
}
SUMMARY_RULE = "summary_count_mismatch"
TITLE_KEYS = ("policy", "title", "plan", "entity", "name")


def write_html(report: Report, marks: Sequence[Mark], dest: Path) -> None:
    crops = crop_images(Path(report.source.path), marks, report.source.page_rotations)
    dest.write_text(render(report, marks, crops), encoding="utf-8")


def render(report: Report, marks: Sequence[Mark], crops: Mapping[int, str]) -> str:
    template = Template(resources.files("extractor.audit").joinpath("report.html").read_text("utf-8"))
    script = resources.files("extractor.audit").joinpath("report.js").read_text("utf-8")
    by_index = {m.index: m for m in marks}
    sections = [
        metadata_section(report),
        summary_section(report),
        findings_section(report.findings),
        details_section(report.findings, by_index, crops),
        matrix_section(report),
        repairs_section(report.rows),
    ]
    return template.substitute(
        lang="es" if report.family else "en",
        title=escape(document_title(report)),
        source_name=escape(Path(report.source.path).name),
        family=escape(report.family),
        pages=report.source.pages,
        counts=counts_badges(report.findings),
        sections="\n".join(sections),
        script=script,
    )


def document_title(report: Report) -> str:
    for key in TITLE_KEYS:
        for name, value in report.metadata.items():
            if key in name.lower() and value:
                return value
    return Path(report.source.path).stem


def counts_badges(findings: Sequence[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    return "".join(
        f'<span class="count {s}">{counts.get(s, 0)} {SEVERITY_LABELS[s]}</span>' for s in SEVERITIES
    )


# ---- summary counts -------------------------------------------------------------------------------


def summary_section(report: Report) -> str:
    """Printed counts beside the recomputed ones (a count without a mismatch finding agrees)."""
    if not report.summary:
        return '<section id="summary"><h2>Summary counts</h2><p class="muted">No summary table printed.</p></section>'
    recomputed = {f.field: f.recomputed for f in report.findings if f.rule == SUMMARY_RULE}
    columns = report.summary_columns or list(dict.fromkeys(c for line in report.summary for c in line.counts))
    head = "".join(f"<th>{escape(c)} printed</th><th>{escape(c)} recomputed</th>" for c in columns)
    body = []
    for line in report.summary:
        cells = []
        for column in columns:
            printed = line.get(column)
            again = recomputed.get(f"{line.group}.{column}", printed)
            style = ' class="num differs"' if again != printed else ' class="num"'
            cells.append(f'<td class="num">{escape(printed)}</td><td{style}>{escape(again)}</td>')
        body.append(f"<tr><th>{escape(line.group)}</th>{''.join(cells)}<td class=\"num\">{line.page or ''}</td></tr>")
    return (
        '<section id="summary"><h2>Summary counts: printed and recomputed</h2>'
        '<p class="muted">Recomputed from the rows\' printed progress; a highlighted count differs.</p>'
        f'<div class="scroll"><table><thead><tr><th>group</th>{head}<th>page</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div></section>"
    )


# ---- findings -------------------------------------------------------------------------------------


def _options(values: Iterable[str], label: str) -> str:
    opts = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)
    return f'<option value="">all {label}</option>{opts}'


def _data(index: int, f: Finding) -> str:
    return (
        f'data-finding="{index}" data-severity="{f.severity}" data-rule="{escape(f.rule)}" '
        f'data-page="{f.page or ""}"'
    )


def findings_section(findings: Sequence[Finding]) -> str:
    rules = sorted({f.rule for f in findings})
    pages = sorted({f.page for f in findings if f.page})
    filters = (
        '<div class="filters">'
        f'<label>severity<select id="filter-severity">{_options(SEVERITIES, "severities")}</select></label>'
        f'<label>rule<select id="filter-rule">{_options(rules, "rules")}</select></label>'
        f'<label>page<select id="filter-page">{_options(map(str, pages), "pages")}</select></label>'
        '<label>text<input id="filter-text" type="search" placeholder="code, value, words…"></label>'
        '<span id="filter-count" class="muted"></span></div>'
    )
    head = "".join(
        f"<th>{h}</th>" for h in ("#", "severity", "rule", "page", "code", "field", "printed", "recomputed", "why")
    )
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    rows = []
    for i, f in enumerate(findings):
        rows.append(
            f"<tr {_data(i, f)}>"
            f'<td class="num"><a href="#f-{i}">{i + 1}</a></td>'
            f'<td data-sort="{rank[f.severity]}"><span class="sev {f.severity}">{f.severity}</span></td>'
            f"<td>{escape(f.rule)}</td><td class=\"num\">{f.page or ''}</td>"
            f'<td class="mono">{escape(f.code)}</td><td class="mono">{escape(f.field)}</td>'
            f'<td class="num">{escape(f.printed)}</td><td class="num">{escape(f.recomputed)}</td>'
            f"<td>{escape(f.message)}</td></tr>"
        )
    return (
        f'<section id="findings"><h2>Findings ({len(findings)})</h2>{filters}'
        '<div class="scroll"><table class="sortable findings">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def details_section(findings: Sequence[Finding], marks: Mapping[int, Mark], crops: Mapping[int, str]) -> str:
    cards = []
    for i, f in enumerate(findings):
        mark = marks.get(i)
        where = f"page {f.page}" if f.page else "no page"
        if mark is not None:
            where += f", {PLACEMENT_TEXT[mark.placement]}"
            if mark.box.page != f.page:
                where += f" on page {mark.box.page}"
        values = ""
        if f.printed or f.recomputed:
            values = (
                f"<p>printed <strong class=\"mono\">{escape(f.printed or '—')}</strong> · recomputed "
                f"<strong class=\"mono\">{escape(f.recomputed or '—')}</strong></p>"
            )
        image = ""
        if i in crops:
            alt = f"Page {mark.box.page if mark else f.page} around {f.code or f.field or f.rule}"
            image = f'<img src="{crops[i]}" alt="{escape(alt)}" loading="lazy">'
        subject = " · ".join(escape(x) for x in (f.code, f.field) if x)
        cards.append(
            f'<article id="f-{i}" class="finding {f.severity}" {_data(i, f)}>'
            f'<h3><span class="sev {f.severity}">{f.severity}</span> {escape(f.rule)} '
            f'<span class="mono">{subject}</span></h3>'
            f'<p class="muted">#{i + 1} · {where}</p>{values}'
            f'<p class="arith">{escape(f.message)}</p>{image}</article>'
        )
    return (
        '<section id="details"><h2>Each finding on its page</h2>'
        '<p class="muted">The crop shows the row (or the line of text) around the finding; '
        "its cell is outlined. The filters above apply here too.</p>"
        f"{''.join(cards)}</section>"
    )


# ---- the matrix and its repairs -------------------------------------------------------------------


def flagged_cells(findings: Sequence[Finding]) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(code, field) → the worst severity flagged on that cell and the findings' messages."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    out: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for f in findings:
        if not f.code:
            continue
        key = (f.code, f.field or "code")
        severity, notes = out.get(key, (f.severity, []))
        worst = severity if rank[severity] <= rank[f.severity] else f.severity
        out[key] = (worst, [*notes, f"{f.severity} {f.rule}: {f.message}"])
    return out


def matrix_section(report: Report) -> str:
    flags = flagged_cells(report.findings)
    columns = report.columns
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for row in report.rows:
        cells = []
        for column in columns:
            text = _row_value(row, column)
            flag = flags.get((row.code, column))
            if flag:
                severity, notes = flag
                title = escape("\n".join(notes))
                cells.append(f'<td class="flag-{severity}" title="{title}">{escape(text)}</td>')
            else:
                cells.append(f"<td>{escape(text)}</td>")
        body.append(f'<tr id="row-{escape(row.code)}">{"".join(cells)}</tr>')
    return (
        f'<section id="matrix"><h2>Matrix ({len(report.rows)} rows)</h2>'
        '<p class="muted">Cells as printed. Flagged cells are coloured by their worst finding '
        "(hover for the findings).</p>"
        f'<div class="scroll"><table class="matrix sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div></section>"
    )


def _row_value(row: Row, column: str) -> str:
    own = {"code": row.code, "level": row.level, "parent": row.parent, "page": str(row.page),
           "repairs": "; ".join(row.repairs)}
    return own[column] if column in own else row.fields.get(column, "")


def repairs_section(rows: Sequence[Row]) -> str:
    touched = [r for r in rows if r.repairs or r.assumptions]
    if not touched:
        return '<section id="repairs"><h2>Repairs</h2><p class="muted">Nothing was repaired.</p></section>'
    body = "".join(
        f'<tr><td class="mono"><a href="#row-{escape(r.code)}">{escape(r.code)}</a></td>'
        f'<td class="num">{r.page}</td><td class="mono">{"<br>".join(escape(x) for x in r.repairs)}</td>'
        f'<td class="mono">{"<br>".join(escape(x) for x in r.assumptions)}</td></tr>'
        for r in touched
    )
    return (
        f'<section id="repairs"><h2>Repairs and assumptions ({len(touched)} rows)</h2>'
        '<div class="scroll"><table class="sortable"><thead><tr><th>code</th><th>page</th>'
        f"<th>repairs (kind: before → after)</th><th>assumptions</th></tr></thead><tbody>{body}</tbody>"
        "</table></div></section>"
    )


def metadata_section(report: Report) -> str:
    source = report.source
    items = [
        ("file", Path(source.path).name),
        ("sha256", source.sha256),
        ("pages", str(source.pages)),
        ("family", report.family),
        ("years", ", ".join(map(str, report.years))),
        ("pages read by OCR", ", ".join(map(str, source.ocr_pages)) or "none"),
        *((k, v) for k, v in report.metadata.items()),
    ]
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in items)
    return f'<section id="metadata"><h2>Metadata</h2><dl class="meta">{body}</dl></section>'
