"""Where the generator reads its data and writes the samples."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DATA = PACKAGE / "data"  # report specs: one YAML file per sample
REPO = PACKAGE.parent.parent
SAMPLES = REPO / "samples"
