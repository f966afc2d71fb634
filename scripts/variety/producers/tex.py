"""Producer: a LaTeX document (longtable) typeset by pdfTeX.

pdfTeX writes no space characters (words stand apart by glue alone), draws accented letters of
its OT1 Computer Modern fonts as a letter and an accent glyph placed over it, sets ">" from the
math fonts, repeats the header rows of a `longtable` on every page (`\\endhead`) or not, merges
group labels with `\\multicolumn`, and shades cells with colortbl. Hyphenation is off and every
column is at least as wide as its longest word, so what is printed is exactly the truth.

Needs `pdflatex` with longtable, colortbl, geometry, fancyhdr and microtype: Debian's
texlive-latex-base and texlive-latex-recommended (no recommends, ~150 MB).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from variety.document import SEMAPHORE, Document, Layout, unmerged

TIMEOUT = 180
SANS = {"Liberation Sans", "DejaVu Sans", "Carlito", "Nimbus Sans", "Liberation Sans Narrow", "DejaVu Sans Condensed",
        "URW Gothic"}  # fmt: skip
CM_WIDER = 1.12  # Computer Modern against the metrics measured (DejaVu / Liberation), with room to spare
HEADER_FILL = "CFD9EA"
OBJECTIVE_FILL = "E3E3E3"
SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
            "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", ">": r"\textgreater{}",
            "<": r"\textless{}", "≥": r"\ensuremath{\geq}", "≤": r"\ensuremath{\leq}", "|": r"\textbar{}"}  # fmt: skip


def available() -> bool:
    return shutil.which("pdflatex") is not None


def escape(text: str) -> str:
    return "".join(SPECIALS.get(ch, ch) for ch in text)


def render(doc: Document, layout: Layout, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="variety-tex-") as tmp:
        source = Path(tmp) / "report.tex"
        source.write_text(latex(doc, layout), encoding="utf-8")
        for _ in range(2):  # longtable settles its column widths on the second run
            subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", source.name], cwd=tmp,
                           capture_output=True, timeout=TIMEOUT, check=False)  # fmt: skip
        produced = source.with_suffix(".pdf")
        if not produced.exists():
            log = source.with_suffix(".log")
            tail = log.read_text(encoding="utf-8", errors="replace")[-800:] if log.exists() else ""
            raise RuntimeError(f"pdflatex wrote no PDF for {out.name}: {tail}")
        shutil.move(produced, out)


def preamble(layout: Layout, furniture: str) -> str:
    w, h = layout.page_size
    sans = layout.font in SANS
    rng = random.Random(f"tex:{layout!r}")
    spacing = round(layout.letter_spacing * 1000)
    lines = [
        r"\documentclass{article}",
        r"\usepackage[utf8]{inputenc}",
        rf"\usepackage[paperwidth={w:.1f}pt,paperheight={h:.1f}pt,margin={layout.margin}pt,"
        rf"headheight={3.6 * (layout.size + 2):.1f}pt,headsep=6pt,includehead]{{geometry}}",
        r"\usepackage{longtable,array}",
        r"\usepackage[table]{xcolor}",
        r"\usepackage{fancyhdr}",
        rf"\usepackage[letterspace={spacing}]{{microtype}}" if spacing else "",
        r"\renewcommand{\familydefault}{\sfdefault}" if sans else "",
        r"\hyphenpenalty=10000 \exhyphenpenalty=10000 \tolerance=9999 \emergencystretch=3em",
        r"\setlength{\parindent}{0pt}",
        rf"\setlength{{\tabcolsep}}{{{layout.padding + 1:.1f}pt}}",
        rf"\renewcommand{{\arraystretch}}{{{rng.choice([1.0, 1.15, 1.3])}}}",
        r"\pagestyle{fancy}\fancyhf{}\renewcommand{\headrulewidth}{0pt}",
        rf"\fancyhead[L]{{{furniture}}}" if layout.furniture_every_page else "",
        r"\fancypagestyle{first}{\fancyhf{}\renewcommand{\headrulewidth}{0pt}" + rf"\fancyhead[L]{{{furniture}}}}}",
    ]
    for name, color in [("head", HEADER_FILL), ("obj", OBJECTIVE_FILL)] + [
            (key.replace("_", ""), value.lstrip("#").upper()) for key, value in SEMAPHORE.items()]:
        lines.append(rf"\definecolor{{{name}}}{{HTML}}{{{color}}}")
    return "\n".join(line for line in lines if line)


def sized(layout: Layout, size: float, body: str) -> str:
    spaced = r"\lsstyle " if layout.letter_spacing else ""
    return rf"{{\fontsize{{{size:.1f}}}{{{size * 1.2:.1f}}}\selectfont {spaced}{body}}}"


def furniture_block(doc: Document, layout: Layout) -> str:
    rows = r" \\ ".join(rf"\textbf{{{escape(label)}}} & {escape(value)}" for label, value in doc.furniture)
    return sized(layout, layout.size + 1, rf"\begin{{tabular}}[t]{{@{{}}ll@{{}}}}{rows}\end{{tabular}}")


def summary_block(doc: Document, layout: Layout) -> str:
    colours = [key.replace("_", "") for key in SEMAPHORE]
    lines = []
    for r, line in enumerate(doc.summary):
        cells = []
        for c, text in enumerate(line):
            cell = escape(text)
            if r == 0 and 1 <= c <= 4:
                cell = rf"\cellcolor{{{colours[c - 1]}}}\textbf{{{cell}}}"
            cells.append(cell)
        lines.append(" & ".join(cells) + r" \\ \hline")
    spec = ("|c|" if layout.summary_labels == "center" else "|l|") + "c|" * (len(doc.summary[0]) - 1)
    body = rf"\begin{{tabular}}[t]{{{spec}}}\hline " + "\n".join(lines) + r"\end{tabular}"
    return sized(layout, layout.size + 0.5, body)


def column_widths(doc: Document, layout: Layout) -> list[float]:
    """Text widths of the columns (pt, padding excluded): each at least its longest word."""
    from variety.producers.writer import widest_word

    usable = layout.page_size[0] - 2 * layout.margin
    pad = 2 * (layout.padding + 1) + 0.8
    printed = doc.header if layout.merged_header else unmerged(doc.header)
    need = [widest_word(doc, c, layout, printed) * CM_WIDER for c in range(doc.n_columns)]
    weights = [0.0 if r == "name" else 1.6 if r in ("responsible", "indicator_type") else
               1.4 if r in ("code", "direction", "aggregation") else 1.0 for r in doc.roles]  # fmt: skip
    room = usable - pad * doc.n_columns
    name_col = doc.roles.index("name")
    name = max(room * layout.name_share, need[name_col])
    total = sum(weights)
    widths = [max((room - name) * w / total, n) for w, n in zip(weights, need, strict=True)]
    widths[name_col] = name
    over = sum(widths) - room
    if over > 0:
        widths[name_col] = max(need[name_col], name - over)
    return widths


def fitted(doc: Document, layout: Layout) -> Layout:
    from dataclasses import replace

    usable = layout.page_size[0] - 2 * layout.margin
    pad = 2 * (layout.padding + 1) + 0.8
    while layout.size > 4.0 and sum(column_widths(doc, layout)) + pad * doc.n_columns > usable:
        layout = replace(layout, size=layout.size - 0.5, header_size=layout.header_size - 0.5)
    return layout


def header_rows(doc: Document, layout: Layout) -> str:
    cells = doc.header if layout.merged_header else unmerged(doc.header)
    top, bottom, rules = [], [], []
    font = rf"\fontsize{{{layout.header_size:.1f}}}{{{layout.header_size * 1.2:.1f}}}\selectfont"
    for c in sorted((c for c in cells if c.row == 0), key=lambda c: c.col):
        label = rf"{font}\textbf{{{escape(c.text)}}}"
        if c.colspan > 1:
            top.append(rf"\multicolumn{{{c.colspan}}}{{|c|}}{{\cellcolor{{head}}{label}}}")
        else:
            top.append(rf"\cellcolor{{head}}{label}")
        if c.rowspan == 1:
            rules.append(rf"\cline{{{c.col + 1}-{c.col + c.colspan}}}")
    subs = {c.col: c for c in cells if c.row == 1}
    for col in range(doc.n_columns):
        sub = subs.get(col)
        bottom.append(rf"\cellcolor{{head}}{font}\textbf{{{escape(sub.text)}}}" if sub else r"\cellcolor{head}")
    return " & ".join(top) + r" \\ " + "".join(rules) + "\n" + " & ".join(bottom) + r" \\ \hline"


def body_rows(doc: Document) -> str:
    colours = {key: key.replace("_", "") for key in SEMAPHORE}
    out = []
    for cells, level, band in zip(doc.body, doc.levels, doc.bands, strict=True):
        parts = []
        for role, text in zip(doc.roles, cells, strict=True):
            cell = escape(text)
            if level in ("OP", "INDEX"):
                cell = rf"\textbf{{{cell}}}" if cell else ""
            if role.startswith("progress_") and text and band:
                cell = rf"\cellcolor{{{colours[band]}}}{cell}"
            parts.append(cell)
        prefix = r"\rowcolor{obj}" if level == "OP" else ""
        out.append(prefix + " & ".join(parts) + r" \\ \hline")
    return "\n".join(out)


def matrix(doc: Document, layout: Layout) -> str:
    align = r"\centering" if layout.values_align == "center" else r"\raggedleft"
    spec = "|" + "".join(
        rf">{{\raggedright\arraybackslash}}p{{{w:.1f}pt}}|" if role in ("code", "name", "responsible") else
        rf">{{{align}\arraybackslash}}p{{{w:.1f}pt}}|"
        for role, w in zip(doc.roles, column_widths(doc, layout), strict=True))  # fmt: skip
    head = header_rows(doc, layout)
    repeat = (head + r"\endhead") if layout.header_repeats else r"\endhead"
    body = body_rows(doc) if layout.shade_objectives else body_rows(doc).replace(r"\rowcolor{obj}", "")
    table = (rf"\begin{{longtable}}{{{spec}}}\hline" + "\n" + head + r"\endfirsthead" + "\n" + repeat + "\n"
             + body + "\n" + r"\end{longtable}")  # fmt: skip
    return sized(layout, layout.size, table)


def narrative(doc: Document, layout: Layout) -> str:
    out = [r"\newpage"]
    size = layout.text_size
    for block in doc.narrative:
        if block.kind == "heading":
            out.append(rf"\par\medskip{{\fontsize{{{size + 1.5:.1f}}}{{{size * 1.5:.1f}}}\selectfont\textbf{{"
                       rf"{escape(block.text)}}}}}\par\smallskip")  # fmt: skip
        elif block.kind == "paragraph":
            font = rf"\fontsize{{{size:.1f}}}{{{size * 1.3:.1f}}}\selectfont"
            out.append(rf"{{{font} {escape(block.text)}\par}}\smallskip")
        else:
            rows = r" \\ \hline ".join(" & ".join(escape(c) for c in row) for row in block.rows)
            spec = "|" + "l|" * len(block.rows[0])
            out.append(rf"{{\fontsize{{{size:.1f}}}{{{size * 1.2:.1f}}}\selectfont\begin{{tabular}}{{{spec}}}\hline "
                       rf"{rows} \\ \hline\end{{tabular}}\par}}\medskip")  # fmt: skip
    return "\n".join(out)


def latex(doc: Document, layout: Layout) -> str:
    layout = fitted(doc, layout)
    beside = layout.summary_position == "beside"
    furniture = "" if beside else furniture_block(doc, layout)
    parts = [preamble(layout, furniture), r"\begin{document}", r"\thispagestyle{first}"]
    if beside:
        parts.append(r"\noindent\begin{minipage}[t]{0.45\linewidth}" + furniture_block(doc, layout)
                     + r"\end{minipage}\hfill\begin{minipage}[t]{0.5\linewidth}\raggedleft"
                     + summary_block(doc, layout) + r"\end{minipage}\par\medskip")  # fmt: skip
    elif layout.summary_position == "above":
        parts.append(r"\noindent" + summary_block(doc, layout) + r"\par\medskip")
    parts.append(r"\noindent" + matrix(doc, layout))
    if layout.summary_position == "below":
        parts.append(r"\par\medskip\noindent" + summary_block(doc, layout))
    parts += [narrative(doc, layout), r"\end{document}"]
    return "\n".join(parts)
