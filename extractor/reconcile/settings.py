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
        spec = rules.spec
        codes, section = spec.codes, spec.reconcile
        implausible, wording = section.implausible, section.wording
        directions = {
            normalize_label(label): canonical
            for canonical, labels in section.directions.model_dump().items()
            for label in labels
        }
        flat = section.flat_targets_direction
        numbering = codes.numbering
        return cls(
            indicator_levels=frozenset(codes.indicator_levels),
            objective_level=codes.objective_level,
            index_levels=frozenset(n.level for n in codes.named_rows),
            index_names=tuple(re.compile(n.name_pattern, re.I) for n in codes.named_rows),
            service_column=numbering.column if numbering else "",
            service_subject=ServiceSubject.from_section(rules.section("narrative")),
            level_words=dict(wording.levels),
            numbered_level=numbering.levels[0] if numbering and numbering.levels else "",
            below_target=wording.below_target or "below target",
            direction_label=(spec.header.columns.get("direction") or ["direction"])[0],
            direction_inferred_by=wording.direction_inferred_by,
            all_progress_years=section.progress_years == "all",
            cap_printed=section.cap_printed,
            cap_when_averaging=section.cap_when_averaging,
            objective_rollup=section.objective_rollup,
            summary_counts=section.summary_counts,
            infer_direction=section.infer_direction_from_targets,
            infer_over_series=section.infer_direction_over == "series",
            mixed_targets=section.mixed_targets,
            not_recomputable_number=section.not_recomputable.number,
            not_recomputable_other=section.not_recomputable.other,
            flat_targets_direction=directions.get(normalize_label(flat), flat) if flat else None,
            directions=directions,
            cumulative=frozenset(normalize_label(c) for c in section.cumulative),
            summary_columns=tuple(rules.summary_columns),
            summary_levels={normalize_label(g): lvl for g, lvl in section.summary_levels.items()},
            percent_names=tuple(re.compile(p) for p in implausible.percent_names),
            percent_max=implausible.percent_max,
            jump_ratio=implausible.jump_ratio,
            falling_targets=implausible.falling_targets,
        )
