"""trata-2024: the real report, rendered from its gold reference and its seed text dump."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from samplegen.datafiles import check_keys, load_yaml
from samplegen.model import ReportData
from samplegen.paths import DATA, REPO
from samplegen.seed import parse_seed

TRATA_SPEC = DATA / "trata-2024.yaml"


@dataclass(frozen=True, slots=True)
class GoldSource:
    """Where a real report's sample comes from (see data/trata-2024.yaml)."""

    reference: Path  # folder with matrix.csv, summary.csv, metadata.json
    seed: Path  # the text dump the gold was read from
    note_headings: dict[str, str]


def load_source(path: Path = TRATA_SPEC) -> GoldSource:
    spec = load_yaml(path)
    check_keys(spec, ("reference", "seed"), ("note_headings",), str(path))
    return GoldSource(REPO / spec["reference"], REPO / spec["seed"], dict(spec.get("note_headings") or {}))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_trata(reference: Path | None = None, seed: Path | None = None) -> ReportData:
    """The trata-2024 report: gold matrix cells, printed summary, and the dump's narrative."""
    source = load_source()
    reference = reference or source.reference
    rows = read_csv(reference / "matrix.csv")
    meta = json.loads((reference / "metadata.json").read_text(encoding="utf-8"))
    columns = list(rows[0].keys())
    years = [int(c.split("_")[1]) for c in columns if c.startswith("expected_")]
    progress_years = [int(c.split("_")[1]) for c in columns if c.startswith("progress_")]
    lines = (seed or source.seed).read_text(encoding="utf-8").splitlines()
    notes, narrative = parse_seed(lines, source.note_headings)
    return ReportData(
        name="trata-2024",
        title=meta["title"],
        sector=meta["sector"],
        conductor_ministry=meta["conductor_ministry"],
        tipo=meta["tipo"],
        years=years,
        progress_years=progress_years,
        rows=rows,
        summary=read_csv(reference / "summary.csv"),
        notes=notes,
        narrative=narrative,
    )
