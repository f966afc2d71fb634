"""annotated.pdf: the report's own PDF with one annotation per finding and bookmarks to them.

Nothing of the original changes but the pages' /Annots and the document outline: findings are
added as annotations, which any viewer can show or hide and print.

- errors and warnings: a /Square around the cell, red or amber;
- notes (`info`: repairs, assumptions): a pale /Highlight over the cell, a light mark;
- each annotation's /Contents holds the rule, the printed and recomputed values and the
  arithmetic (the viewer's pop-up note), its /NM is `finding-<index in report.json>`;
- the outline gets a "Findings" entry with one bookmark per finding, worst first.

Every annotation carries its own appearance stream, so viewers that do not draw missing
appearances (or draw them differently) show the same marks. pdfium can add annotations but
cannot write an outline; pikepdf (qpdf) does both and saves the file whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from extractor.audit.locate import Mark, PageGeometry
from extractor.model import CellBox, Finding

COLORS = {"error": (0.85, 0.1, 0.1), "warning": (0.96, 0.6, 0.0), "info": (0.55, 0.75, 1.0)}
LABELS = {"error": "Errors", "warning": "Warnings", "info": "Repairs and notes"}
PAD = 1.5  # points around a cell, so the mark does not hide the cell's own rules
STROKE = 1.6
AUTHOR = "ceplan-extractor"


def write_annotated(source: Path, marks: Sequence[Mark], sizes: Sequence[PageGeometry], dest: Path) -> None:
    import pikepdf

    with pikepdf.open(source) as pdf:
        for mark in marks:
            page = pdf.pages[mark.box.page - 1]
            rect = _user_rect(mark.box, sizes[mark.box.page - 1], _page_box(page))
            annot = pdf.make_indirect(_annotation(pdf, mark, rect))
            annot.P = page.obj
            if "/Annots" not in page.obj:
                page.obj.Annots = pikepdf.Array()
            page.obj.Annots.append(annot)
        _add_outline(pdf, marks, sizes)
        pdf.save(dest, fix_metadata_version=False, deterministic_id=True)


def contents(finding: Finding) -> str:
    """The pop-up text: what is wrong, with the arithmetic."""
    lines = [f"{finding.severity.upper()} · {finding.rule}"]
    where = " · ".join(x for x in (finding.code, finding.field) if x)
    if where:
        lines.append(where)
    if finding.printed or finding.recomputed:
        lines.append(f"printed: {finding.printed or '—'}   recomputed: {finding.recomputed or '—'}")
    lines.append(finding.message)
    return "\n".join(lines)


def bookmark_title(mark: Mark) -> str:
    f = mark.finding
    what = f"{f.code or f.field} {f.rule}".strip()
    values = f": printed {f.printed}, recomputed {f.recomputed}" if f.printed and f.recomputed else ""
    return f"p.{mark.box.page} {what}{values}"


# ---- geometry -----------------------------------------------------------------------------------


def _page_box(page) -> tuple[float, float, float, float]:
    """The visible page (crop box, else media box) as (x0, y0, x1, y1) in user space."""
    box = page.obj.get("/CropBox") or page.mediabox
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _user_rect(
    box: CellBox, size: PageGeometry, page_box: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """A stored-frame box (top-left origin) as a PDF rectangle, padded, kept inside the page."""
    x0, y0 = box.x0 - PAD, size.height - box.bottom - PAD
    x1, y1 = box.x1 + PAD, size.height - box.top + PAD
    px0, py0, px1, py1 = page_box
    x0, x1 = max(px0, min(x0, px1 - 1)), min(px1, max(x1, px0 + 1))
    y0, y1 = max(py0, min(y0, py1 - 1)), min(py1, max(y1, py0 + 1))
    return x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)


# ---- annotations ----------------------------------------------------------------------------------


def _annotation(pdf, mark: Mark, rect: tuple[float, float, float, float]):
    import pikepdf

    f = mark.finding
    color = COLORS[f.severity]
    common = {
        "/Type": pikepdf.Name.Annot,
        "/Rect": pikepdf.Array(rect),
        "/C": pikepdf.Array(color),
        "/Contents": pikepdf.String(contents(f)),
        "/T": pikepdf.String(AUTHOR),
        "/Subj": pikepdf.String(f.rule),
        "/NM": pikepdf.String(f"finding-{mark.index}"),
        "/F": 4,  # print
    }
    if f.severity == "info":
        x0, y0, x1, y1 = rect
        annot = pikepdf.Dictionary(
            common
            | {
                "/Subtype": pikepdf.Name.Highlight,
                "/QuadPoints": pikepdf.Array([x0, y1, x1, y1, x0, y0, x1, y0]),
                "/CA": 0.6,
            }
        )
        annot.AP = pikepdf.Dictionary(N=_appearance(pdf, rect, color, highlight=True))
        return annot
    annot = pikepdf.Dictionary(
        common
        | {
            "/Subtype": pikepdf.Name.Square,
            "/Border": pikepdf.Array([0, 0, STROKE]),
            "/BS": pikepdf.Dictionary(W=STROKE, S=pikepdf.Name.S),
        }
    )
    annot.AP = pikepdf.Dictionary(N=_appearance(pdf, rect, color, highlight=False))
    return annot


def _appearance(pdf, rect: tuple[float, float, float, float], color: tuple[float, float, float], *, highlight: bool):
    """A form XObject drawing the mark in the annotation's own coordinates."""
    import pikepdf

    x0, y0, x1, y1 = rect
    w, h = x1 - x0, y1 - y0
    rgb = " ".join(f"{c:.3f}" for c in color)
    if highlight:
        gs = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, ca=0.45, BM=pikepdf.Name.Multiply)
        ops = f"/GS0 gs {rgb} rg 0 0 {w:.2f} {h:.2f} re f"
    else:
        gs = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, ca=0.12, CA=1.0)
        inset = STROKE / 2
        ops = (
            f"/GS0 gs {rgb} rg {rgb} RG {STROKE} w "
            f"{inset:.2f} {inset:.2f} {w - STROKE:.2f} {h - STROKE:.2f} re b"
        )
    stream = pikepdf.Stream(pdf, ops.encode())
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Form
    stream.BBox = pikepdf.Array([0, 0, w, h])
    stream.Resources = pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(GS0=gs))
    return stream


# ---- bookmarks ------------------------------------------------------------------------------------


def _add_outline(pdf, marks: Sequence[Mark], sizes: Sequence[PageGeometry]) -> None:
    """A "Findings" bookmark, with one group per severity and one bookmark per finding."""
    import pikepdf

    if not marks:
        return
    with pdf.open_outline() as outline:
        root = pikepdf.OutlineItem(f"Findings ({len(marks)})", 0)
        for severity in ("error", "warning", "info"):
            group = [m for m in marks if m.finding.severity == severity]
            if not group:
                continue
            head = pikepdf.OutlineItem(f"{LABELS[severity]} ({len(group)})", group[0].box.page - 1)
            for mark in group:
                size = sizes[mark.box.page - 1]
                top = size.height - mark.context.top + 24  # a little above the row
                head.children.append(
                    pikepdf.OutlineItem(bookmark_title(mark), mark.box.page - 1, "XYZ", left=0, top=top)
                )
            root.children.append(head)
        outline.root.append(root)
