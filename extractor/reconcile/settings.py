"""The `reconcile:` section of a family's rules file, read once into typed settings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from extractor.model import Severity
from extractor.reconcile.narrative import ServiceSubject
from extractor.rules import Rules, SummaryColumn, normalize_label

ASCENDING, DESCENDING, NEUTRAL = "ascending", "descending", "neutral"


@dataclass(frozen=True, slots=True)
class Settings:
    indicator_levels: frozenset[str]
    objective_level: str
    index_levels: frozenset[str]
    index_names: tuple[re.Pattern[str], ...]
    service_column: str
    service_subject: ServiceSubject  # how the text names a numbered unit ("S.02")
    level_words: Mapping[str, str]  # level → how messages name one of its rows ("service")
    numbered_level: str  # the level `codes.numbering` numbers (SS)
    below_target: str  # the text's phrase for units that missed their target, quoted in messages
    direction_label: str  # the printed direction column's header
    direction_inferred_by: str  # who reads a direction from targets, named in messages
    all_progress_years: bool
    cap_printed: float | None
    cap_when_averaging: float | None
    objective_rollup: bool
    summary_counts: bool
    infer_direction: bool
    infer_over_series: bool  # one direction per indicator, from its targets' last change
    mixed_targets: Severity | None  # agrees only under a direction inferred from mixed targets
    not_recomputable_number: Severity | None  # a figure printed where no progress can be computed
    not_recomputable_other: Severity | None  # ND or nothing printed there
    flat_targets_direction: str | None
    directions: Mapping[str, str]  # normalised label → ascending/descending/neutral
    cumulative: frozenset[str]
    summary_columns: tuple[SummaryColumn, ...]  # what each count of the summary table counts
    summary_levels: Mapping[str, str]  # normalised group name → level
    percent_names: tuple[re.Pattern[str], ...]
    percent_max: float | None
    jump_ratio: float | None
    falling_targets: bool

    @property
    def count_columns(self) -> list[str]:
        return [c.name for c in self.summary_columns]

    @property
    def unit_word(self) -> str:
        """How messages name one numbered unit (a service): its level's word, else the level."""
        return self.level_words.get(self.numbered_level, self.numbered_level or "unit")

    @property
    def count_labels(self) -> dict[str, str]:
        """How messages name a count column: its printed header."""
        return {c.name: c.label for c in self.summary_columns}

    @classmethod
    def from_rules(cls, rules: Rules) -> Settings:
        codes = rules.raw.get("codes", {})
        section = rules.section("reconcile")
        implausible = section.get("implausible") or {}
        not_recomputable = section.get("not_recomputable") or {}
        wording = section.get("wording") or {}
        directions = {
            normalize_label(label): canonical
            for canonical, labels in (section.get("directions") or {}).items()
            for label in labels
        }
        flat = section.get("flat_targets_direction")
        named = codes.get("named_rows", [])
        return cls(
            indicator_levels=frozenset(codes.get("indicator_levels", [])),
            objective_level=codes.get("objective_level", ""),
            index_levels=frozenset(n["level"] for n in named),
            index_names=tuple(re.compile(n["name_pattern"], re.I) for n in named),
            service_column=(codes.get("numbering") or {}).get("column", ""),
            service_subject=ServiceSubject.from_section(rules.section("narrative")),
            level_words=dict(wording.get("levels") or {}),
            numbered_level=((codes.get("numbering") or {}).get("levels") or [""])[0],
            below_target=wording.get("below_target", "below target"),
            direction_label=((rules.header.get("columns") or {}).get("direction") or ["direction"])[0],
            direction_inferred_by=wording.get("direction_inferred_by", ""),
            all_progress_years=section.get("progress_years", "last") == "all",
            cap_printed=section.get("cap_printed"),
            cap_when_averaging=section.get("cap_when_averaging"),
            objective_rollup=bool(section.get("objective_rollup", False)),
            summary_counts=bool(section.get("summary_counts", False)),
            infer_direction=bool(section.get("infer_direction_from_targets", False)),
            infer_over_series=section.get("infer_direction_over", "year") == "series",
            mixed_targets=section.get("mixed_targets"),
            not_recomputable_number=not_recomputable.get("number", "info"),
            not_recomputable_other=not_recomputable.get("other", "info"),
            flat_targets_direction=directions.get(normalize_label(flat), flat) if flat else None,
            directions=directions,
            cumulative=frozenset(normalize_label(c) for c in section.get("cumulative", [])),
            summary_columns=tuple(rules.summary_columns),
            summary_levels={
                normalize_label(g): lvl for g, lvl in (section.get("summary_levels") or {}).items()
            },
            percent_names=tuple(re.compile(p) for p in implausible.get("percent_names", [])),
            percent_max=implausible.get("percent_max"),
            jump_ratio=implausible.get("jump_ratio"),
            falling_targets=bool(implausible.get("falling_targets", False)),
        )
