"""`extract`: commands only — parse options, call the pipeline, print.

Heavy libraries (pdf stack, Great Expectations, OCR) are imported when a command runs, so
`extract --help` stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

if TYPE_CHECKING:
    import threading

import typer

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
MAX_SHOWN = 30  # findings listed in the terminal; all of them are in findings.csv
FAIL_ON = ("error", "warning", "never")
OCR_MODES = ("auto", "never", "always")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Turn CEPLAN-style monitoring reports (PDF) into clean data and flag where a report contradicts itself.",
)


@app.command(
    epilog=(
        "Examples:\n\n"
        "  extract samples/trata-2024.pdf                 # → ./trata-2024.extracted/\n\n"
        "  extract report.pdf --out out/ --format csv,json,xlsx,parquet\n\n"
        "  extract report.pdf --fail-on warning --quiet   # pre-publication check: exit 1 on findings\n\n"
        "  extract reports/ --out catalogue/ --jobs 2     # a folder or a .txt list → reports.duckdb, changes.csv\n\n"
        "Exit codes: 0 extracted, no finding at or above --fail-on; 1 findings at or above --fail-on; "
        "2 the input could not be read."
    )
)
def extract(
    report: Annotated[Path, typer.Argument(help="A report PDF, or a folder of them.", show_default=False)],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder [default: ./<pdf stem>.extracted/].")
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="Comma-separated: csv,json,xlsx,parquet,pdf (annotated.pdf),html (report.html)."
        ),
    ] = "csv,json",
    fail_on: Annotated[
        str, typer.Option(help="Exit 1 when a finding is at least this severe: error|warning|never.")
    ] = "error",
    ocr: Annotated[
        str,
        typer.Option(help="OCR scanned pages: auto (pages without a usable text layer) | never | always."),
    ] = "auto",
    family: Annotated[
        str | None, typer.Option(help="Force a report family (a rules/ file name) instead of detecting it.")
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option(help="A rules file of your own (<family>.yaml; schema: docs/rules-schema.md)."),
    ] = None,
    catalog: Annotated[
        Path | None, typer.Option(help="rows.csv of an earlier extraction, to match damaged codes and names.")
    ] = None,
    data_docs: Annotated[
        Path | None, typer.Option(help="Write Great Expectations Data Docs (HTML) to this folder.")
    ] = None,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip the Great Expectations suites.")
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(help="Reports extracted at once (a folder or list); OCR processes for one report.", min=1, max=64),
    ] = 2,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run a folder's reports on a Dask cluster (tcp://host:port); needs the [distributed] extra."),
    ] = None,
    debug: Annotated[
        Path | None, typer.Option(help="Write each matrix page as a PNG with the grid, columns and rows drawn.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no findings table.")
    ] = False,
) -> None:
    """Extract the monitoring matrix of REPORT and check it against itself."""
    formats = _parse_formats(format)
    _check_choice("--fail-on", fail_on, FAIL_ON)
    _check_choice("--ocr", ocr, OCR_MODES)
    from extractor.pipeline import Options

    if rules is not None:
        _check_rules_file(rules)
    options = Options(
        ocr=ocr,
        family=family,
        rules_file=rules,
        catalog=catalog,
        data_docs=data_docs,
        validate=not no_validate,
        jobs=jobs,
        debug_dir=debug,
    )
    from extractor.corpus.discover import is_list_file

    if report.is_dir() or is_list_file(report):
        code = _extract_corpus(report, out, formats, fail_on, options, jobs, scheduler, quiet)
    else:
        code = _extract_one(report, out or Path(f"{report.stem}.extracted"), formats, fail_on, options, quiet)
    raise typer.Exit(code)


def _extract_one(
    path: Path,
    out: Path,
    formats: list[str],
    fail_on: str,
    options,
    quiet: bool,
) -> int:
    from extractor.export import OutputError, output_lock

    try:
        # held for the whole run: a second run into the same --out is refused at once
        with output_lock(out):
            return _extract_into(path, out, formats, fail_on, options, quiet)
    except OutputError as exc:
        _fail(str(exc))
        return EXIT_BAD_INPUT


def _extract_into(path: Path, out: Path, formats: list[str], fail_on: str, options, quiet: bool) -> int:
    from extractor.export import write_report
    from extractor.pdf import InputError
    from extractor.pipeline import run
    from extractor.rules import RulesError

    with _progress(quiet) as progress, _ends_soon_after_interrupt(path):
        options.progress = progress
        try:
            report = run(path, options)
        except (InputError, RulesError) as exc:
            _fail(str(exc))
            return EXIT_BAD_INPUT
        except KeyboardInterrupt:
            _fail(f"{path}: interrupted; nothing was written")
            raise typer.Exit(130) from None
        except MemoryError:
            _fail(f"{path}: ran out of memory reading this PDF; nothing was written")
            return EXIT_BAD_INPUT
        except Exception as exc:  # a parser bug must still end in one clear line, not a traceback
            _fail(f"{path}: cannot be read ({type(exc).__name__}: {exc})")
            return EXIT_BAD_INPUT
    try:
        written = write_report(report, out, formats)
    except InputError as exc:  # e.g. a PDF pdfium reads but cannot be annotated
        _fail(str(exc))
        return EXIT_BAD_INPUT
    except OSError as exc:  # disk full, permissions: the earlier result in --out is untouched
        _fail(f"{out}: cannot write the results ({exc.strerror or exc}); nothing was written")
        return EXIT_BAD_INPUT
    if not quiet:
        _print_summary(report, written)
    return _exit_code(report.findings, fail_on)


def _extract_corpus(
    source: Path,
    out: Path | None,
    formats: list[str],
    fail_on: str,
    options,
    jobs: int,
    scheduler: str | None,
    quiet: bool,
) -> int:
    from extractor.corpus.runner import CorpusRun, run_corpus

    out = out or Path(f"{source.stem if source.is_file() else source.resolve().name}.extracted")
    return run_corpus(CorpusRun(source, out, formats, fail_on, options, jobs, scheduler, quiet))


def _exit_code(findings, fail_on: str) -> int:
    from extractor.model import SEVERITY_RANK

    if fail_on == "never":
        return EXIT_OK
    threshold = SEVERITY_RANK[fail_on]
    return EXIT_FINDINGS if any(SEVERITY_RANK[f.severity] >= threshold for f in findings) else EXIT_OK


def _parse_formats(text: str) -> list[str]:
    from extractor.export import FORMATS

    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        _fail(f"--format: unknown format {', '.join(bad) or '(none)'}; choose from {', '.join(FORMATS)}")
        raise typer.Exit(EXIT_BAD_INPUT)
    return formats


def _check_rules_file(path: Path) -> None:
    """A bad rules file is refused before any page is read."""
    from extractor.rules import RulesError, load_rules_file

    try:
        load_rules_file(path)
    except RulesError as exc:
        _fail(str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        _fail(f"{name}: {value!r} is not one of {', '.join(choices)}")
        raise typer.Exit(EXIT_BAD_INPUT)


INTERRUPT_GRACE_S = 10.0  # Ctrl-C's clean-up (stopping worker pools) gets this long, then the process ends


class _ends_soon_after_interrupt:
    """Ctrl-C ends `extract` within INTERRUPT_GRACE_S even when a worker pool's clean-up hangs.

    concurrent.futures is not safe against KeyboardInterrupt: a Ctrl-C landing while a worker is
    being started or shut down can leave the pool's clean-up waiting for ever (seen once under
    heavy load). The handler raises KeyboardInterrupt as usual, so the clean-up and the one-line
    message normally run; a timer started with it ends the process if they have not finished.
    Nothing has been written by then: outputs are written after `run` returns.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._previous: Any = None  # the SIGINT handler to put back (a callable or a signal constant)
        self._timer: threading.Timer | None = None

    def __enter__(self) -> _ends_soon_after_interrupt:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_interrupt)
        return self

    def __exit__(self, *exc: object) -> None:
        import signal

        if self._timer is not None:
            self._timer.cancel()
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _on_interrupt(self, signum: int, frame: object) -> None:
        import threading

        if self._timer is None:
            timer = threading.Timer(INTERRUPT_GRACE_S, self._force_exit)
            timer.daemon = True
            timer.start()
            self._timer = timer
        raise KeyboardInterrupt

    def _force_exit(self) -> None:
        import os

        _fail(f"{self._path}: interrupted; nothing was written")
        sys.stderr.flush()
        os._exit(130)  # workers and their tesseract runs die with this process (lifeline.py)


def _fail(message: str) -> None:
    # one line, whatever a library put in its message
    typer.echo("error: " + " ".join(message.split()), err=True)


class _progress:
    """A per-stage progress bar on stderr, only when stderr is a terminal and not --quiet."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self._bar = None
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        )
        self._bar.start()
        return self.update

    def update(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(f"{stage:>5} pages", total=total)
        self._bar.update(self._tasks[stage], completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()


def _print_summary(report, written: Path) -> None:
    """One line of totals, then a compact table of what needs attention, worst first."""
    from rich.console import Console

    console = Console(stderr=True)
    counts = {s: sum(f.severity == s for f in report.findings) for s in ("error", "warning", "info")}
    console.print(
        f"[bold]{report.source.path}[/]: {len(report.rows)} rows ({report.family}) → {written}/\n"
        f"[red]{counts['error']} errors[/], [yellow]{counts['warning']} warnings[/], "
        f"{counts['info']} notes (repairs, assumptions) — details in findings.csv"
    )
    shown = [f for f in report.findings if f.severity != "info"][:MAX_SHOWN]
    if not shown:
        return
    from rich.markup import escape

    widths = (7, 4, 16, 19, 9, 10)
    head = ("", "page", "code", "rule", "printed", "recomputed")
    console.print("[bold]" + " ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " why[/]")
    room = max(console.width - sum(widths) - len(widths) - 1, 20)
    style = {"error": "red", "warning": "yellow"}
    for f in shown:
        cells = (f.severity, str(f.page or ""), f.code or f.field, f.rule, f.printed, f.recomputed)
        text = " ".join(_fit(c, w) for c, w in zip(cells, widths, strict=True))
        why = f.message.removeprefix(f"{f.code} ") if f.code else f.message  # the code has its own column
        line = f"[{style[f.severity]}]{escape(text[:7])}[/]{escape(text[7:])} {escape(_fit(why, room))}"
        console.print(line, soft_wrap=True)
    rest = sum(f.severity != "info" for f in report.findings) - len(shown)
    if rest > 0:
        console.print(f"… and {rest} more in findings.csv")


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def main() -> None:  # pragma: no cover - console entry point
    app()
