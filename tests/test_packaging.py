"""The package as a wheel installs it: the family rules and suites travel inside it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO, SAMPLES


def test_a_wheel_carries_the_families_and_extracts_a_sample(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), REPO],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("ceplan_extractor-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "extractor/families/rules/policy-matrix.yaml" in names
    assert "extractor/families/expectations/policy-matrix.rows.json" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    out = tmp_path / "out"
    # run from an empty folder with the wheel's files first on the path: no repository beside them
    code = (
        f"import sys; sys.path.insert(0, {str(site)!r}); import extractor; "
        f"assert extractor.__file__.startswith({str(site)!r}), extractor.__file__; "
        "from extractor.cli import app; sys.argv[0] = 'extract'; app()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(SAMPLES / "salud-2025.pdf"), "--out", str(out), "--no-validate", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 1), result.stderr
    expected = (SAMPLES / "salud-2025" / "expected" / "rows.csv").read_text(encoding="utf-8")
    assert (out / "rows.csv").read_text(encoding="utf-8") == expected
