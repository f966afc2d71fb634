"""Independent PDF producers: each prints a `Document` with a `Layout` its own way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from variety.document import Document, Layout
from variety.producers import html, office, rl, tex, writer

Renderer = Callable[[Document, Layout, Path], None]

PRODUCERS: dict[str, tuple[Callable[[], bool], Renderer]] = {
    "html": (html.available, html.render),
    "calc": (office.available, office.render_calc),
    "reportlab": (rl.available, rl.render),
    "docx": (writer.available, writer.render),
    "tex": (tex.available, tex.render),
}


def render(producer: str, doc: Document, layout: Layout, out: Path) -> None:
    available, renderer = PRODUCERS[producer]
    if not available():
        raise RuntimeError(f"producer {producer} is not installed on this machine")
    renderer(doc, layout, out)
