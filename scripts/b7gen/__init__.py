"""B-7 variants: the PEI "Anexo B-7" printout as the CEPLAN application printed it over the years.

A seed draws the content (a PEI tree from the real printouts' gold rows, figures computed the
application's way) and the look (period of 3–7 years, VALOR ACTUAL or not, UE/UO columns at the
end or after INDICADOR, title or none, integers without decimals, `100` or `100.00`, glued text
layer, one long table or one per OEI/AEI); chromium prints it; the truth is the rows as printed.

    from b7gen import make_variant, render_variant
    variant = make_variant(7)
    truth = render_variant(variant, tmp / "b7.pdf")   # rows (with page), columns
"""

from __future__ import annotations

from pathlib import Path

from b7gen.data import ISSUE_LOOKS, Look, Pools, Variant, draw_look, load_pools, make_variant
from b7gen.html import browser, code_pages, render


def render_variant(variant: Variant, out: Path) -> list[dict[str, str]]:
    """Print the variant to `out`; its truth rows, every column filled (page included)."""
    render(variant, out)
    pages = code_pages(out, [r["code"] for r in variant.rows])
    columns = variant.columns()
    return [{**{c: row.get(c, "") for c in columns}, "page": str(pages[row["code"]])} for row in variant.rows]


__all__ = [
    "ISSUE_LOOKS", "Look", "Pools", "Variant", "browser", "draw_look", "load_pools", "make_variant", "render_variant",
]  # fmt: skip
