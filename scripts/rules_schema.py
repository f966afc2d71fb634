"""Write docs/rules-schema.md from the rules-file schema (extractor/schema.py).

    python scripts/rules_schema.py          # rewrite the document
    python scripts/rules_schema.py --check  # exit 1 when the document is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from extractor import schema

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules-schema.md"

INTRO = """# The rules-file schema

Generated from `extractor/schema.py` by `python scripts/rules_schema.py`; do not edit by hand.

A report family is one YAML file, `extractor/families/rules/<family>.yaml` (shipped; `rules/` at
the top of the repository links to it) or any file passed with `extract --rules FILE`. Its Great
Expectations suites sit in `expectations/` beside the `rules/` folder. Every file is checked when
it is loaded: an unknown key, a wrong type, a pattern that does not compile or a column role that
no output column names stops `extract` with exit code 2 and one line naming the file and the key,
e.g. `rules/policy-matrix.yaml: hedaer: unknown key (did you mean 'header'?)`.
"""


def type_name(annotation: Any) -> str:
    """A short, readable name for a field's type."""
    if annotation is schema.Regex:
        return "regex"
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
        return getattr(annotation, "__name__", str(annotation)).replace("NoneType", "null")
    if str(origin) == "typing.Annotated" or annotation.__class__.__name__ == "_AnnotatedAlias":
        return "regex" if args and args[0] is str else type_name(args[0])
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is tuple:
        return "(" + ", ".join(type_name(a) for a in args) + ")"
    if origin is dict:
        return f"map {type_name(args[0])} → {type_name(args[1])}"
    if str(origin) == "typing.Literal":
        return " \\| ".join(repr(a) for a in args)
    return " or ".join(type_name(a) for a in args)


def default_of(field: Any) -> str:
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        value = field.default_factory()
        return "`" + (repr(value) if not isinstance(value, BaseModel) else "{}") + "`"
    if field.default is PydanticUndefined:
        return ""
    return "`null`" if field.default is None else f"`{field.default!r}`"


def models() -> list[type[BaseModel]]:
    """Every section model reachable from the two file models, in first-seen order."""
    seen: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.append(model)
        for field in model.model_fields.values():
            for inner in _models_in(field.annotation):
                visit(inner)

    visit(schema.FamilyRules)
    visit(schema.OcrConfusions)
    return seen


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def render() -> str:
    parts = [INTRO]
    for model in models():
        doc = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
        parts.append(f"\n## {model.__name__}\n")
        if doc and model is not schema.Section:
            parts.append(f"{doc}\n")
        parts.append("\n| key | type | default | meaning |\n|---|---|---|---|")
        for name, field in model.model_fields.items():
            key = field.alias or name
            meaning = (field.description or "").replace("|", "\\|")
            parts.append(f"| `{key}` | {type_name(field.annotation)} | {default_of(field)} | {meaning} |")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
        if current != text:
            print(f"{DOC} is out of date: run python scripts/rules_schema.py", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
