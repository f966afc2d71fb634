"""Repair stage: printed row bands → logical matrix rows, codes parsed against the grammar.

A printed matrix breaks in a few recurring ways. Each is fixed by a small function and listed
on the row it touched (`Row.repairs`, as `kind:before->after`) and as an `info` finding:

- glued words (`glued_split`; cut by layout, glued.py, recorded here): a word the text layer (or
  OCR) read across cells, cut into one piece per cell (`62023` → `6|2023`).
- strays (`stray`, `ocr_value`; cells.py): border marks, markup, punctuation runs, values read
  through OCR marks, cells a level never prints. On pages read by OCR (`ocr_pages`) a value that
  is none is read by its column's grammar (`repair.value_grammar`): specks glued to its ends cut
  ("§57.4%"), a not-available mark one letter off ("NOD"), a separator the row's other figures
  print the other way ("12.601" among "9,814"), a thousands separator lost where the document
  groups its numbers ("1084"), a year later than every year reported ("2026"); a text layer's
  cells are left as typed.
- rows (`split_row`, `spill`; bands.py): bands without a code are joined to the row they belong
  to, a duplicated band of one row is merged into it, and the tail of a name printed at the start
  of the next row's name goes back where it belongs (`repair.head_words` tell where a name starts).
- codes (`code_prefix`, `code_ocr`; codes.py): a clipped or misread prefix ("5.03.05.01.01"), an
  indicator printed with its service's prefix ("SS.02.07.01.01"), a code cell left empty.
  Candidates come from the grammar (`codes.levels`) and the OCR readings of `rules/_ocr.yaml`,
  and are scored on what the row holds, on the hierarchy and on the sequence of siblings, with
  the weights of `repair.confidence`. Readings of the print the scores cannot part are parted by
  the hierarchy when only one fits it (no sibling missing before it, parent above, not taken):
  assumption `code_by_hierarchy`. A code still without a clear winner is restored from its
  context (context.py) when every sequence of grammar codes that can stand between the codes read
  above and below, agreeing with each row's content and surviving prefix, gives it the same code:
  assumption `code_from_context`. On a scan, rows still without a code (and OCR readings the
  greedy pass took whose parent no row holds, or that the print did not give exactly) are then
  decided over the whole matrix at once (sequence.py: the best path of codes in document order,
  scored by print and content; a row takes its code only when every path within `margin` agrees),
  assumption `code_from_context` and a `code_ocr` repair. Otherwise it stays as printed, with an
  `unrepaired_code` warning.
- service numbers (numbering.py): the rank of a service's code among the document's services, so a
  lost row shifts no number after it.
- words (`wrap_join`, `ocr_letter`; words.py): a word broken by wrapping or misread by OCR,
  changed only into a word the document itself (or the vocabulary of the rules) knows (off a page
  image also a digit read for a letter, "5ervicio", and specks beside function words, "de-la"); a name
  cut at a page break completed from the catalog or the document's own phrases.
- labels (`ocr_label`; labels.py): a label cell of an OCR'd row ("Cobartura", "o acumulado",
  "MRE.") read as the label its column prints over and over that it is clearly a misreading of.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from extractor.model import Finding, RawRow, Row
from extractor.repair.bands import group_rows, note_split_rows
from extractor.repair.cells import clean_row, drop_level_strays, mend_separators, not_available_spellings
from extractor.repair.codes import provisional_code, resolve_codes
from extractor.repair.config import RepairConfig
from extractor.repair.context import restore_from_context
from extractor.repair.labels import read_labels
from extractor.repair.numbering import number_rows
from extractor.repair.output import field_columns, findings_of, to_row
from extractor.repair.records import Content, Draft
from extractor.repair.sequence import resolve_sequence
from extractor.repair.words import Lexicon, complete_cut_names, fix_words, join_gaps, names_end_bare
from extractor.rules import Rules

__all__ = ["Content", "RepairConfig", "provisional_code", "repair"]


def repair(
    raw_rows: list[RawRow],
    rules: Rules,
    catalog: list[Row] | None = None,
    *,
    document_text: Iterable[str] = (),
    ocr_pages: Collection[int] = (),
) -> tuple[list[Row], list[Finding]]:
    """Printed row bands (document order) → logical rows and info findings for every repair.

    `catalog` (rows of a previous extraction of the same policy) helps match codes and names;
    `document_text` (e.g. the narrative) widens the vocabulary words are checked against;
    `ocr_pages` are the pages read by OCR, whose cells alone get the repairs of OCR damage
    (a text layer's "(1,213" is what the author typed).
    """
    cfg = RepairConfig.from_rules(rules)
    catalog = catalog or []
    findings: list[Finding] = []
    not_available = not_available_spellings(raw_rows, cfg)
    cleaned = [clean_row(raw, cfg, ocr=raw.page in ocr_pages, not_available=not_available) for raw in raw_rows]
    drafts = group_rows(cleaned, cfg, findings)
    note_split_rows(drafts)
    resolve_codes(drafts, cfg, catalog)
    restore_from_context(drafts, cfg)
    resolve_sequence(drafts, cfg)
    drop_level_strays(drafts, cfg)
    mend_separators(drafts, cfg, ocr_pages)
    complete_cut_names(drafts, cfg, catalog)
    lexicon = Lexicon.build(
        [_row_text(d, cfg) for d in drafts]
        + [" ".join(r.fields.values()) for r in catalog]
        + list(document_text),
        cfg,
    )
    read_labels(drafts, cfg, ocr_pages, known=lexicon.known, words=lambda text: join_gaps(text, lexicon))
    stopless = names_end_bare(d.name for d in drafts)
    for draft in drafts:
        fix_words(draft, cfg, lexicon, stopless_names=stopless)
    number_rows(drafts, cfg)
    columns = field_columns(raw_rows, cfg)
    rows = [to_row(d, columns) for d in drafts]
    findings += [f for d in drafts for f in findings_of(d)]
    return rows, findings


def _row_text(draft: Draft, cfg: RepairConfig) -> str:
    return " ".join(draft.cells.get(role, "") for role in cfg.text_columns)
