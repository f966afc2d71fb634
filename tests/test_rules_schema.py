"""The rules-file schema: shipped families load, and a bad file is refused in one line naming file and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from extractor.rules import RULES_DIR, RulesError, available_families, load_ocr_confusions, load_rules_file
from tests.conftest import REPO, SAMPLES, run_extract


@pytest.mark.parametrize("family", available_families())
def test_every_shipped_family_passes_the_schema(family: str) -> None:
    rules = load_rules_file(RULES_DIR / f"{family}.yaml")
    assert rules.spec is not None and rules.spec.family == family
    assert rules.levels, "a family without a code grammar reads no rows"


def test_the_shared_ocr_confusions_pass_the_schema() -> None:
    assert load_ocr_confusions().code_prefix_readings


def _broken_copy(tmp_path: Path, edit) -> Path:
    raw = yaml.safe_load((RULES_DIR / "policy-matrix.yaml").read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "rules" / "policy-matrix.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _rename(section: dict, old: str, new: str) -> None:
    section[new] = section.pop(old)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda r: _rename(r, "header", "hedaer"), "hedaer: unknown key (did you mean 'header'?)"),
        (lambda r: _rename(r["header"], "anchor", "ancor"), "header.ancor: unknown key (did you mean 'anchor'?)"),
        (lambda r: r["codes"]["levels"][0].update(pattern="^(OP"), "codes.levels[0].pattern: pattern does not compile"),
        (lambda r: r["reconcile"].update(cap_when_averaging="cien"), "reconcile.cap_when_averaging: Input should be"),
        (lambda r: r["reconcile"].update(progress_years="some"), "reconcile.progress_years: Input should be"),
        (lambda r: _rename(r["header"]["columns"], "direction", "direcion"), "header.columns.direcion: column role"),
        (lambda r: r.pop("codes"), "codes: required key missing"),
        (lambda r: r.update(family="other"), "family: must be 'policy-matrix'"),
    ],
    ids=["typo-top", "typo-nested", "regex", "type", "choice", "role", "missing", "family"],
)
def test_a_bad_rules_file_is_refused_naming_the_file_and_key(tmp_path: Path, edit, expected: str) -> None:
    path = _broken_copy(tmp_path, edit)
    with pytest.raises(RulesError) as exc:
        load_rules_file(path)
    message = str(exc.value)
    assert message.startswith(f"{path}: "), message
    assert expected in message
    assert "\n" not in message


def test_a_typo_stops_extract_with_exit_2_and_one_line(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, lambda r: _rename(r, "header", "hedaer"))
    result = run_extract(SAMPLES / "salud-2025.pdf", "--rules", path, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: {path}: hedaer: unknown key (did you mean 'header'?)"]
    assert not (tmp_path / "out").exists()


def test_a_new_family_is_a_new_rules_file(tmp_path: Path) -> None:
    """A copy of a shipped family under another name extracts the same rows (the stages know no family)."""
    path = _broken_copy(tmp_path, lambda r: None).rename(tmp_path / "rules" / "my-policy.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("family: policy-matrix", "family: my-policy"))
    out = tmp_path / "out"
    result = run_extract(SAMPLES / "salud-2025.pdf", "--rules", path, "--out", out, "--no-validate", "-q")
    assert result.returncode in (0, 1), result.stderr
    expected = (SAMPLES / "salud-2025" / "expected" / "rows.csv").read_text(encoding="utf-8")
    assert (out / "rows.csv").read_text(encoding="utf-8") == expected


def test_the_schema_document_is_generated_from_the_schema() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "rules_schema.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
