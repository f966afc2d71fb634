"""The stages in order, readable top to bottom.

PDF → PageContent → RawRow (extraction) → Row (repair) → findings (validate, reconcile) → Report.
Heavy stages (OCR, Great Expectations) import their libraries only when they run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extractor.model import ROW_KEYS, SEVERITY_RANK, CellBox, Extraction, Finding, PageContent, Report, Row, SourceInfo
from extractor.pdf import (
    InputError,
    has_text_layer,
    looks_scanned,
    open_pdf,
    read_page,
    source_info,
)
from extractor.rows import read_matrix
from extractor.rules import (
    ALL,
    Rules,
    available_families,
    detect_family,
    load_ocr_confusions,
    load_rules,
    load_rules_file,
)
from extractor.values import FIGURE_COLUMNS, document_decimal_separator

Progress = Callable[[str, int, int], None]  # (stage, done, total)
DETECT_PAGES = 4  # the family is told from the text of the first pages that have text


@dataclass(slots=True)
class Options:
    ocr: str = "auto"  # auto | never | always
    family: str | None = None
    rules_file: Path | None = None  # a rules file of the user's own (a family we do not ship)
    catalog: Path | None = None
    data_docs: Path | None = None
    debug_dir: Path | None = None  # draw each matrix page with its grid, columns and rows
    validate: bool = True
    jobs: int = 2
    progress: Progress | None = None


def run(path: Path, options: Options | None = None, validation: ValidationWorker | None = None) -> Report:
    """Extract, repair, validate and reconcile one report.

    Pass a `ValidationWorker` to share one Great Expectations process between many reports.
    """
    options = options or Options()
    if validation is None:
        with ValidationWorker(enabled=options.validate) as worker:
            return _run(path, options, worker)
    return _run(path, options, validation)


def _run(path: Path, options: Options, validation: ValidationWorker) -> Report:
    pages, source = read_pages(path, options)
    rules = load_rules_file(options.rules_file) if options.rules_file else choose_rules(pages, options.family, path)
    extraction = read_matrix(pages, rules, source)
    if options.debug_dir:
        from extractor.debug import draw_pages

        draw_pages(path, pages, extraction.raw_rows, rules, options.debug_dir)
    if not extraction.raw_rows:
        raise InputError(f"{path}: no {rules.family} matrix found (no table header with the expected labels)")
    rows, repair_findings = repair_rows(extraction, rules, options)
    report = build_report(extraction, rows, rules)
    report.ocr_words = ocr_words(pages)
    findings = repair_findings
    if options.validate:
        findings += validation.validate(report, rules, options.data_docs)
    findings += reconcile_report(report, rules)
    if source_read_by_ocr(pages):
        from extractor.confidence import flag_doubtful

        confusions = load_ocr_confusions().digit_confusions
        total = next((c.name for c in rules.summary_columns if c.counts == ALL), "")
        findings = flag_doubtful(findings, pages, rows, rules.spec.narrative.number_words, confusions,
                                 report.summary, total)
    report.findings = sort_findings(findings)
    return report


def read_pages(path: Path, options: Options) -> tuple[list[PageContent], SourceInfo]:
    """Every page's words and rules: the text layer, or OCR where the page is a scan."""
    with open_pdf(path) as doc:
        total = len(doc)
        source = source_info(path, total)
        pages = []
        for i in range(total):
            pages.append(read_page(doc, i))
            _report_progress(options, "read", i + 1, total)
    to_ocr = [p.number for p in pages if needs_ocr(p, options.ocr)]
    if to_ocr and options.ocr == "never":
        if not any(has_text_layer(p) for p in pages):
            raise InputError(
                f"{path}: the PDF has no text layer (image-only scan); rerun with --ocr auto to read it with OCR"
            )
        to_ocr = []
    if to_ocr:
        pages = _ocr_into(path, pages, to_ocr, options)
        source.ocr_pages = to_ocr
        source.page_rotations = {p.number: p.rotation for p in pages if p.rotation}
    return pages, source


def source_read_by_ocr(pages: list[PageContent]) -> bool:
    return any(p.source == "ocr" for p in pages)


def needs_ocr(page: PageContent, mode: str) -> bool:
    if mode == "always":
        return True
    return not has_text_layer(page) or looks_scanned(page)


def _ocr_into(
    path: Path, pages: list[PageContent], numbers: list[int], options: Options
) -> list[PageContent]:
    from extractor.ocr import ocr_pages

    def progress(done: int, total: int) -> None:
        _report_progress(options, "ocr", done, total)

    read = ocr_pages(path, [n - 1 for n in numbers], jobs=options.jobs, progress=progress)
    by_number = {p.number: p for p in read}
    return [by_number.get(p.number, p) for p in pages]


def ocr_words(pages: list[PageContent]) -> dict[int, list[tuple[str, CellBox]]]:
    """The words of pages read by OCR, in reading order, boxed on the stored page."""
    from extractor.frames import to_stored_frame

    return {
        p.number: [(w.text, to_stored_frame(p, w.x0, w.top, w.x1, w.bottom)) for w in p.words]
        for p in pages
        if p.source == "ocr"
    }


def choose_rules(pages: list[PageContent], family: str | None, path: Path) -> Rules:
    if family:
        return load_rules(family)
    detected = detect_family("\n".join(_detection_text(p) for p in pages[:DETECT_PAGES]))
    if detected is None and len(pages) > DETECT_PAGES:
        detected = detect_family("\n".join(_detection_text(p) for p in pages))
    if detected is None:
        known = ", ".join(available_families())
        raise InputError(
            f"{path}: no CEPLAN matrix found (the text matches none of the report families: {known}); try --family"
        )
    return load_rules(detected)


def _detection_text(page: PageContent) -> str:
    """The page's text layer and its words as we cut them: pdfium's text spaces out tracked
    letters ("M U LT I S E C T O R I A L"), the words do not."""
    return f"{page.text}\n{' '.join(w.text for w in page.words)}"


def repair_rows(extraction: Extraction, rules: Rules, options: Options) -> tuple[list[Row], list[Finding]]:
    from extractor.repair import repair

    catalog = load_catalog(options.catalog) if options.catalog else None
    # the narrative's words widen the vocabulary that wrapped and misread words are checked against
    narrative = [text for _, text in extraction.narrative]
    ocr_pages = extraction.source.ocr_pages
    return repair(extraction.raw_rows, rules, catalog, document_text=narrative, ocr_pages=ocr_pages)


def load_catalog(path: Path) -> list[Row]:
    """Rows of an earlier extraction (its rows.csv) to match codes and names against."""
    import csv

    if not path.is_file():
        raise InputError(f"{path}: catalog file not found")
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    return [
        Row(
            r.get("code", ""),
            r.get("level", ""),
            r.get("parent", ""),
            {k: v for k, v in r.items() if k not in ROW_KEYS},
            int(r.get("page") or 0),
        )
        for r in records
    ]


def build_report(extraction: Extraction, rows: list[Row], rules: Rules) -> Report:
    columns = rules.output_columns(extraction.years, extraction.progress_years)
    metadata = dict(extraction.metadata)
    metadata["matrix_pages"] = ",".join(str(n) for n in extraction.matrix_pages)
    # how the document writes decimals, for figures that read either way ("1.081")
    value_cells = (v for row in rows for k, v in row.fields.items() if k.startswith(FIGURE_COLUMNS))
    decimal = document_decimal_separator(value_cells)
    if decimal:
        metadata["decimal_separator"] = decimal
    return Report(
        source=extraction.source,
        family=rules.family,
        metadata=metadata,
        years=extraction.years,
        progress_years=extraction.progress_years,
        columns=columns,
        rows=rows,
        summary=extraction.summary,
        narrative=extraction.narrative,
        summary_columns=[c.name for c in rules.summary_columns],
    )


class ValidationWorker:
    """Great Expectations in a worker process that starts importing it at once.

    GE takes 2-3 s to import; in a second process that happens while this one reads and
    repairs the pages (2 cores), instead of after them. Without a worker (disabled, or no
    process could be started) validation runs in this process.
    """

    def __init__(self, enabled: bool) -> None:
        self._pool = None
        if enabled:
            try:
                import multiprocessing
                import os
                from concurrent.futures import ProcessPoolExecutor

                from extractor.lifeline import die_with_parent

                ctx = multiprocessing.get_context("fork")
                # a main process killed outright (OOM killer) must not leave the worker behind
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=ctx, initializer=die_with_parent, initargs=(os.getpid(),)
                )
                self._pool.submit(_import_validation)
            except (OSError, ValueError):
                self._pool = None

    def __enter__(self) -> ValidationWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            # The pool's manager thread is joined here, not left running: on Python 3.11 it can
            # race the interpreter's exit hook and print a "Bad file descriptor" traceback (seen
            # after a long OCR run that ends in "no matrix found"). A worker still importing GE
            # is stopped rather than waited for.
            from extractor.lifeline import stop_pool

            stop_pool(self._pool)

    def validate(self, report: Report, rules: Rules, data_docs: Path | None) -> list[Finding]:
        from extractor.validate import validate

        if self._pool is None:
            return validate(report, rules, data_docs)
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._pool.submit(validate, report, rules, data_docs).result()
        except BrokenProcessPool:  # a worker killed by the OS must not lose the findings
            return validate(report, rules, data_docs)


def _import_validation() -> None:
    import great_expectations  # noqa: F401


def reconcile_report(report: Report, rules: Rules) -> list[Finding]:
    from extractor.reconcile import reconcile

    return reconcile(report, rules)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Worst first, then in page order."""
    return sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.page, f.code, f.rule))


def _report_progress(options: Options, stage: str, done: int, total: int) -> None:
    if options.progress:
        options.progress(stage, done, total)
