"""Reconciliation end to end on rendered PDFs: the real contradictions are found, nothing else.

trata-2024 carries the real report's contradictions; salud-2025 is internally consistent, and
a copy with one deliberately wrong figure per core rule must have each of them caught.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import samplegen

from extractor.model import Report
from extractor.pipeline import Options, run
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def trata() -> Report:
    return run(SAMPLES / "trata-2024.pdf", Options())


def _has(report: Report, rule: str, code: str = "", **fields: str) -> bool:
    return any(
        f.rule == rule and f.code == code and all(getattr(f, k) == v for k, v in fields.items())
        for f in report.findings
    )


@pytest.mark.parametrize(
    ("code", "printed", "recomputed"),
    [
        ("ISS.03.03.01.01", "478.7", "466.7"),
        ("ISS.02.01.01.01", "172.0", "171.4"),
        ("ISS.03.03.03.01", "82.9", "82.4"),
        ("ISS.03.03.08.01", "66.5", "66.2"),
    ],
)
def test_progress_mismatches_are_found(trata: Report, code: str, printed: str, recomputed: str) -> None:
    assert _has(trata, "progress_mismatch", code, printed=printed, recomputed=recomputed, severity="error")


def test_no_other_progress_mismatch(trata: Report) -> None:
    flagged = {f.code for f in trata.findings if f.rule == "progress_mismatch"}
    assert flagged == {"ISS.03.03.01.01", "ISS.02.01.01.01", "ISS.03.03.03.01", "ISS.03.03.08.01"}


def test_objective_index_and_summary_all_recompute(trata: Report) -> None:
    rules = {f.rule for f in trata.findings}
    assert not rules & {"op_progress_mismatch", "index_mismatch", "summary_count_mismatch"}
    assert not [f for f in trata.findings if f.rule == "expectation_failed" and f.severity == "error"]


def test_narrative_contradictions_are_found(trata: Report) -> None:
    narrative = [f for f in trata.findings if f.rule == "narrative_mismatch" and f.severity == "error"]
    op03 = [f for f in narrative if f.code == "OP.03"]
    assert op03 and all(f.recomputed == "50.0" and f.printed.startswith("33.3") for f in op03)
    counts = {(f.field, f.printed, f.recomputed) for f in narrative if not f.code}
    assert counts >= {
        ("Indicadores de objetivos prioritarios.high_95", "2", "3"),
        ("Indicadores de objetivos prioritarios.low_0_75", "3", "2"),
        ("Indicadores de servicios.high_95", "35", "34"),
        ("Indicadores de servicios.low_0_75", "6", "7"),
    }
    s02 = [f for f in narrative if f.code == "ISS.01.01.02.01"]
    assert s02 and s02[0].printed == "100%" and s02[0].recomputed == "111.1"
    assert all(f.page > 0 for f in narrative), "narrative findings point at their page"


def test_implausible_values_are_warned(trata: Report) -> None:
    assert _has(trata, "implausible_value", "ISS.02.04.03.01", field="obtained_2023", printed="3000%")
    assert _has(trata, "implausible_value", "ISS.02.05.02.01", field="obtained_2023", printed="1400%")


def test_every_finding_points_at_a_page(trata: Report) -> None:
    assert all(f.page >= 1 for f in trata.findings if f.severity != "info" and f.code)


# ---- the consistent sample, clean and with injected errors ----------------------------------------


@pytest.fixture(scope="module")
def salud_clean() -> Report:
    return run(SAMPLES / "salud-2025.pdf", Options())


def test_consistent_sample_has_no_error(salud_clean: Report) -> None:
    errors = [f for f in salud_clean.findings if f.severity == "error"]
    assert errors == [], [(f.rule, f.code, f.message) for f in errors]


def _bump(printed: str, delta: float) -> str:
    """The same printed format, a different number."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return f"{float(printed) + delta:.{decimals}f}"


@pytest.fixture(scope="module")
def salud_injected(tmp_path_factory) -> tuple[Report, dict[str, str]]:
    """salud-2025 re-rendered with one wrong figure per core rule."""
    data = copy.deepcopy(samplegen.make_salud_data())
    progress = f"progress_{data.progress_years[-1]}"
    rows = data.rows
    # a service indicator whose progress is high: +3 points keeps it in the same summary band
    iss = next(r for r in rows if r["level"] == "ISS" and re.fullmatch(r"\d{3}\.\d", r[progress] or "")
               and float(r[progress]) >= 100)
    iss[progress] = _bump(iss[progress], 3.0)
    op = next(r for r in rows if r["level"] == "OP" and r["code"] == "OP.02")
    op[progress] = _bump(op[progress], 4.0)
    index = next(r for r in rows if r["level"] == "INDEX")
    index[progress] = _bump(index[progress], 2.0)
    group = data.summary[2]
    group["mid_75_95"] = str(int(group["mid_75_95"]) + 1)
    group["total"] = str(int(group["total"]) + 1)
    narrative_claim = _inject_narrative_count(data)
    service_claim = _inject_service_claim(data)
    pdf = tmp_path_factory.mktemp("salud-injected") / "salud-injected.pdf"
    samplegen.render_report(data, pdf)
    report = run(pdf, Options())
    return report, {"iss": iss["code"], "op": op["code"], "narrative": narrative_claim, "service": service_claim}


def _inject_narrative_count(data) -> str:
    """Raise the stated count of high service indicators by one in the narrative text."""
    for block in data.narrative:
        m = re.search(r"de los (\d+) indicadores de servicios, (\d+) indicadores tienen un avance alto", block.text)
        if m:
            wrong = str(int(m.group(2)) + 1)
            block.text = block.text[: m.start(2)] + wrong + block.text[m.end(2):]
            return wrong
    raise AssertionError("the generator's narrative has no service count sentence")


def _inject_service_claim(data) -> str:
    """Change the first "Este servicio tiene un cumplimiento del NN%" to a wrong figure."""
    for block in data.narrative:
        m = re.search(r"cumplimiento del (\d+)%", block.text)
        if m:
            wrong = f"{int(m.group(1)) + 7}%"
            block.text = block.text[: m.start(1)] + wrong[:-1] + block.text[m.end(1) :]
            return wrong
    raise AssertionError("the generator's narrative has no service claim")


def test_consistent_sample_attributes_every_narrative_figure(salud_clean: Report) -> None:
    assert not [f for f in salud_clean.findings if f.rule.startswith("narrative")]


def test_injected_service_claim_is_caught(salud_injected) -> None:
    report, injected = salud_injected
    found = [f for f in report.findings if f.rule == "narrative_mismatch" and f.printed == injected["service"]]
    assert found and found[0].code.startswith("ISS.") and found[0].severity == "error"


def test_injected_progress_error_is_caught(salud_injected) -> None:
    report, injected = salud_injected
    assert _has(report, "progress_mismatch", injected["iss"], severity="error")


def test_injected_objective_error_is_caught(salud_injected) -> None:
    report, injected = salud_injected
    assert _has(report, "op_progress_mismatch", injected["op"], severity="error")


def test_injected_index_error_is_caught(salud_injected) -> None:
    report, _ = salud_injected
    assert any(f.rule == "index_mismatch" and f.severity == "error" for f in report.findings)


def test_injected_summary_error_is_caught(salud_injected) -> None:
    report, _ = salud_injected
    found = [f for f in report.findings if f.rule == "summary_count_mismatch"]
    assert any("mid_75_95" in f.field or "75-95" in f.message for f in found), [f.message for f in found]


def test_injected_narrative_error_is_caught(salud_injected) -> None:
    report, injected = salud_injected
    found = [f for f in report.findings if f.rule == "narrative_mismatch" and f.field.endswith("high_95")]
    assert found and found[0].printed == injected["narrative"]


def test_injected_errors_exit_1_through_the_cli(salud_injected, tmp_path: Path) -> None:
    report, _ = salud_injected
    from extractor.cli import _exit_code

    assert _exit_code(report.findings, "error") == 1
    assert _exit_code(report.findings, "never") == 0
