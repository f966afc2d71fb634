"""Corpus mode, top to bottom: discover → decide what to (re)do → run the tasks → store → compare.

The main process alone writes: each report's folder (atomically, export.write_report) and then
its lines in the database (one transaction), so a kill at any moment leaves every report either
complete or absent, and the next run does only what is absent or changed.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.corpus.discover import CorpusFile, DiscoveryError, discover
from extractor.corpus.task import Job, Outcome, init_worker, run_job, task_options
from extractor.pipeline import Options

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
CHANGES_CSV = "changes.csv"
DASK_CONNECT_TIMEOUT = "10s"


@dataclass(slots=True)
class CorpusRun:
    source: Path
    out: Path
    formats: list[str]
    fail_on: str
    options: Options
    jobs: int = 2
    scheduler: str | None = None  # a Dask scheduler address: run the tasks on its workers
    quiet: bool = False


@dataclass(slots=True)
class Tally:
    files: int = 0
    reports: int = 0
    extracted: int = 0
    unchanged: int = 0
    aliases: int = 0
    failed: int = 0
    removed: int = 0
    changes: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    """What this run must do, decided from the files on disk and the database."""

    jobs: list[tuple[str, list[CorpusFile]]]  # (sha256, its paths) to extract
    kept: list[tuple[str, list[CorpusFile]]]  # already stored with these settings
    refused: list[tuple[str, list[CorpusFile], str]]  # cannot be read: (sha256, paths, reason)
    removed: list[str]  # paths in the database that are gone


def run_corpus(run: CorpusRun) -> int:
    from extractor.corpus.store import DATABASE_NAME, Store, StoreError

    say = _Messages(run.quiet)
    try:
        files = discover(run.source)
    except DiscoveryError as exc:
        say.fail(str(exc))
        return EXIT_BAD_INPUT
    executor = _Executor(run)  # local workers start importing Great Expectations while we hash
    try:
        hashes = _hash_files(files)
        run.out.mkdir(parents=True, exist_ok=True)
        with Store(run.out / DATABASE_NAME) as store:  # its file lock keeps a second corpus run out
            _clean_leftovers(run.out)
            tally = _run(run, files, hashes, store, executor, say)
            code = _exit_code(store, run.fail_on)
    except (StoreError, _SchedulerError) as exc:
        say.fail(str(exc))
        return EXIT_BAD_INPUT
    except OSError as exc:  # the output folder cannot be written
        say.fail(f"{run.out}: cannot write the results ({exc.strerror or exc})")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        say.fail(f"{run.source}: interrupted; finished reports are stored, the next run completes the rest")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug must end in one line too; what is stored stays consistent
        say.fail(f"{run.source}: the run stopped ({type(exc).__name__}: {exc}); finished reports are stored")
        return EXIT_BAD_INPUT
    finally:
        executor.close()
    say.summary(run, tally)
    return code


def _run(run: CorpusRun, files: list[CorpusFile], hashes: dict[str, str | Exception], store: Any,
         executor: _Executor, say: _Messages) -> Tally:
    settings = settings_fingerprint(run)
    plan = make_plan(files, hashes, store, settings, run.out)
    tally = Tally(files=len(files), removed=len(plan.removed))
    _remove_outputs(run.out, plan.removed, store)
    store.forget_files(plan.removed)
    for sha, paths, reason in plan.refused:
        _record_failure(run, store, sha, paths, reason, settings, tally, say)
    for sha, paths in plan.kept:
        store.add_aliases(sha, [(f.rel, f.out) for f in paths], settings)
        tally.unchanged += 1
    pages = {sha: _page_count(paths[0].path) for sha, paths in plan.jobs}
    by_sha = dict(plan.jobs)
    with say.progress(len(plan.jobs), sum(pages.values())) as advance:
        for outcome in executor.map(_jobs(run, plan.jobs)):
            paths = by_sha[outcome.sha256]
            if outcome.report is None:
                _record_failure(run, store, outcome.sha256, paths, outcome.error, settings, tally, say)
            else:
                _record_report(run, store, outcome, paths, settings)
                tally.extracted += 1
            advance(pages[outcome.sha256])
    store.drop_unreferenced_reports()
    tally.changes = _write_changes(store, run.out, run.options.rules_file)
    store.export_parquet(run.out)
    tally.reports = store.query("SELECT count(*) FROM reports")[0][0]
    tally.aliases = sum(len(p) - 1 for _, p in plan.kept + plan.jobs)
    return tally


def make_plan(
    files: list[CorpusFile], hashes: dict[str, str | Exception], store: Any, settings: str, out: Path
) -> Plan:
    """Extract what is new, changed, or stored with other settings; keep the rest."""
    known = store.files()
    stored = store.report_settings()
    current = {f.rel for f in files}
    removed = sorted(rel for rel in known if rel not in current)
    by_sha: dict[str, list[CorpusFile]] = defaultdict(list)
    refused = []
    for f in files:
        digest = hashes[f.rel]
        if isinstance(digest, Exception):
            refused.append(("", [f], str(digest)))
        else:
            by_sha[digest].append(f)
    jobs, kept = [], []
    for sha, paths in by_sha.items():
        if stored.get(sha) == settings and all((out / p.out / "rows.csv").is_file() for p in paths):
            kept.append((sha, paths))
        elif _failed_before(sha, paths, known, settings):
            refused.append((sha, paths, known[paths[0].rel].reason))
        else:
            jobs.append((sha, paths))
    return Plan(jobs, kept, refused, removed)


def _failed_before(sha: str, paths: list[CorpusFile], known: dict[str, Any], settings: str) -> bool:
    records = [known.get(p.rel) for p in paths]
    return any(r is not None and r.sha256 == sha and r.status == "failed" and r.settings == settings for r in records)


def settings_fingerprint(run: CorpusRun) -> str:
    """What decides a report's results: a stored report made with other settings is redone."""
    from importlib.metadata import PackageNotFoundError, version

    from extractor.pdf import sha256_of

    try:
        package = version("ceplan-extractor")
    except PackageNotFoundError:
        package = "unknown"
    o = run.options
    catalog = sha256_of(o.catalog) if o.catalog and o.catalog.is_file() else None
    rules = sha256_of(o.rules_file) if o.rules_file and o.rules_file.is_file() else None
    return json.dumps(
        {"version": package, "ocr": o.ocr, "family": o.family, "rules": rules, "validate": o.validate,
         "catalog": catalog, "formats": sorted(run.formats), "data_docs": bool(o.data_docs),
         "debug": bool(o.debug_dir)},
        sort_keys=True,
    )


def _hash_files(files: list[CorpusFile]) -> dict[str, str | Exception]:
    from extractor.pdf import InputError, check_readable_file, sha256_of

    hashes: dict[str, str | Exception] = {}
    for f in files:
        try:
            check_readable_file(f.path)
            hashes[f.rel] = sha256_of(f.path)
        except InputError as exc:
            hashes[f.rel] = exc
        except OSError as exc:
            hashes[f.rel] = InputError(f"{f.path}: cannot be read ({exc.strerror or exc})")
    return hashes


def _page_count(path: Path) -> int:
    """Pages, for the progress bar only; a file pdfium cannot open counts as one."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except Exception:
        return 1
    try:
        return max(len(doc), 1)
    finally:
        doc.close()


def _jobs(run: CorpusRun, planned: list[tuple[str, list[CorpusFile]]]) -> list[Job]:
    """One task per distinct PDF, read from its first path; the biggest first (they finish last)."""
    options = task_options(run.options)
    jobs = []
    for sha, paths in planned:
        first = paths[0]
        job_options = options
        if run.options.data_docs or run.options.debug_dir:
            from dataclasses import replace

            job_options = replace(
                options,
                data_docs=run.options.data_docs / first.out if run.options.data_docs else None,
                debug_dir=run.options.debug_dir / first.out if run.options.debug_dir else None,
            )
        data = first.path.read_bytes() if run.scheduler else None
        jobs.append(Job(sha, str(first.path), str(first.path), job_options, data))
    return sorted(jobs, key=lambda j: -os.path.getsize(j.path))


def _record_report(run: CorpusRun, store: Any, outcome: Outcome, paths: list[CorpusFile], settings: str) -> None:
    from extractor.corpus.changes import family_rules, identify
    from extractor.export import write_report

    report = outcome.report
    assert report is not None
    for f in paths:  # a duplicate keeps its own folder: each path's results are where expected
        write_report(report, run.out / f.out, run.formats)
    identity = identify(report, family_rules(report.family, run.options.rules_file))
    store.save_report(report, [(f.rel, f.out) for f in paths], settings, identity)


def _record_failure(run: CorpusRun, store: Any, sha: str, paths: list[CorpusFile], reason: str, settings: str,
                    tally: Tally, say: _Messages) -> None:
    """A file that cannot be read loses any earlier results, in the folders and in the database."""
    for f in paths:
        _remove_dir(run.out, f.out)
    store.save_failure(sha, [(f.rel, "") for f in paths], reason, settings)
    tally.failed += len(paths)
    tally.failures.append(reason)
    say.fail(reason)


def _remove_outputs(out: Path, removed: Sequence[str], store: Any) -> None:
    known = store.files()
    for rel in removed:
        if known[rel].out_dir:
            _remove_dir(out, known[rel].out_dir)


def _remove_dir(out: Path, relative: str) -> None:
    """Remove a report folder, never anything outside --out."""
    if not relative:
        return
    target = (out / relative).resolve()
    if target != out.resolve() and out.resolve() in target.parents and target.is_dir():
        shutil.rmtree(target, ignore_errors=True)


def _clean_leftovers(out: Path) -> None:
    """Half-written report folders of a killed run (export writes `.name.*.partial`, then swaps)."""
    for parent, dirs, _ in os.walk(out):
        for name in list(dirs):
            if name.startswith(".") and (name.endswith(".partial") or ".old-" in name):
                shutil.rmtree(Path(parent) / name, ignore_errors=True)
                dirs.remove(name)


def _write_changes(store: Any, out: Path, rules_file: Path | None) -> int:
    from extractor.corpus.changes import CHANGE_COLUMNS, find_changes, load_snapshots

    changes = find_changes(load_snapshots(store), rules_file)
    store.replace_changes(changes)
    tmp = out / f".{CHANGES_CSV}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CHANGE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in c.items()} for c in changes)
    os.replace(tmp, out / CHANGES_CSV)
    return len(changes)


def _exit_code(store: Any, fail_on: str) -> int:
    """The worst of the reports': 2 if a file could not be read, else 1 on findings at --fail-on."""
    if store.query("SELECT count(*) FROM files WHERE status = 'failed'")[0][0]:
        return EXIT_BAD_INPUT
    if fail_on == "never":
        return EXIT_OK
    column = "n_errors" if fail_on == "error" else "n_errors + n_warnings"
    worst = store.query(f"SELECT coalesce(max({column}), 0) FROM reports")[0][0]
    return EXIT_FINDINGS if worst else EXIT_OK


# ---- where the tasks run ----------------------------------------------------------------------


class _Executor:
    """N local worker processes (Great Expectations imported once in each), or a Dask cluster."""

    def __init__(self, run: CorpusRun) -> None:
        self.run = run
        self._pool: Any = None
        if run.scheduler is None:
            self._start()

    def _start(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork: workers start at once, before this process holds threads or pdfium documents
        ctx = multiprocessing.get_context("fork")
        self._pool = ProcessPoolExecutor(
            max_workers=self.run.jobs, mp_context=ctx, initializer=init_worker, initargs=(self.run.options.validate,)
        )
        self._pool.submit(int)  # launches the workers now

    def map(self, jobs: list[Job]) -> Iterator[Outcome]:
        if not jobs:
            return iter(())
        if self._pool is None:
            return _dask_map(self.run.scheduler or "", jobs)
        return self._local_map(jobs)

    def _local_map(self, jobs: list[Job]) -> Iterator[Outcome]:
        """Outcomes as they finish. A worker killed (OOM killer, a crash in a native library) breaks
        the pool and every task in it: the pool is restarted and those tasks run once more, so
        one bad file costs its own report, not the others'."""
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        pending, retried = list(jobs), set()
        while pending:
            futures = self._submit_all(pending)
            pending = []
            for future in as_completed(futures):
                job = futures[future]
                try:
                    yield future.result()
                except BrokenProcessPool:
                    if job.sha256 in retried:
                        reason = f"{job.display}: the worker process died on it twice (killed, or out of memory)"
                        yield Outcome(job.sha256, None, reason, 0.0)
                    else:
                        retried.add(job.sha256)
                        pending.append(job)
            if pending:
                self.close()
                self._start()

    def _submit_all(self, jobs: list[Job]) -> dict[Future[Outcome], Job]:
        """Submit every job; a pool that broke before they are in (a worker killed while it
        started) is restarted once."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            return {self._pool.submit(run_job, job): job for job in jobs}
        except BrokenProcessPool:
            self.close()
            self._start()
            return {self._pool.submit(run_job, job): job for job in jobs}

    def close(self) -> None:
        if self._pool is not None:
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)


def _dask_map(address: str, jobs: list[Job]) -> Iterator[Outcome]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise _SchedulerError(
            "--scheduler needs dask.distributed: pip install 'ceplan-extractor[distributed]'"
        ) from None
    try:
        client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise _SchedulerError(f"--scheduler {address}: cannot connect ({exc})") from None
    try:
        futures = {client.submit(run_job, job, key=f"ceplan-{job.sha256}", pure=False): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # a lost worker costs its report, not the corpus
                yield Outcome(job.sha256, None, f"{job.display}: the Dask task failed ({type(exc).__name__})", 0.0)
    finally:
        client.close()


class _SchedulerError(Exception):
    pass


# ---- what the user sees -------------------------------------------------------------------------


class _Messages:
    """Failure lines always; the progress bar and the summary unless --quiet (bar only on a terminal)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self._console: Any = None

    def fail(self, message: str) -> None:
        line = f"error: {message}"
        if self._console is not None:
            self._console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=sys.stderr, flush=True)

    def progress(self, reports: int, pages: int) -> _Bar:
        return _Bar(self, reports, pages, enabled=not self.quiet and sys.stderr.isatty() and reports > 0)

    def summary(self, run: CorpusRun, t: Tally) -> None:
        if self.quiet:
            return
        parts = [f"{t.extracted} extracted", f"{t.unchanged} unchanged", f"{t.failed} failed"]
        if t.removed:
            parts.append(f"{t.removed} removed")
        if t.aliases:
            parts.append(f"{t.aliases} duplicate file{'s' if t.aliases != 1 else ''} kept as aliases")
        print(
            f"{t.files} files, {t.reports} reports → {run.out}/ ({', '.join(parts)}); "
            f"{t.changes} changes between reports in {CHANGES_CSV}; database {run.out / 'reports.duckdb'}",
            file=sys.stderr,
        )


class _Bar:
    """One bar over the corpus: reports done, pages done, time left."""

    def __init__(self, messages: _Messages, reports: int, pages: int, enabled: bool) -> None:
        self.messages, self.reports, self.pages, self.enabled = messages, reports, pages, enabled
        self._bar: Any = None
        self._task: Any = None
        self._done = 0

    def __enter__(self) -> Callable[[int], None]:
        if self.enabled:
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("{task.fields[reports]}"),
                BarColumn(),
                TextColumn("{task.completed:.0f}/{task.total:.0f} pages"),
                TimeRemainingColumn(),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("", total=self.pages, reports=self._label())
            self.messages._console = self._bar.console
        return self.advance

    def advance(self, pages: int) -> None:
        self._done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=pages, reports=self._label())

    def _label(self) -> str:
        return f"reports {self._done}/{self.reports}"

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self.messages._console = None
