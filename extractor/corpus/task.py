"""The per-report task: one PDF in, one `Report` (or the one-line reason it failed) out.

The same function runs in a local worker process and on a Dask worker, so both give identical
results. A worker validates in its own process and keeps Great Expectations imported between
reports: its 2-3 s import is paid once per worker, not once per report.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from extractor.model import Report
from extractor.pipeline import Options


@dataclass(frozen=True, slots=True)
class Job:
    sha256: str
    path: str  # where this process reads the PDF
    display: str  # how the user named the file: in messages and in report.source.path
    options: Options
    data: bytes | None = None  # the PDF itself, for a worker that may not see the path (Dask)


@dataclass(slots=True)
class Outcome:
    sha256: str
    report: Report | None
    error: str  # one line for the user when `report` is None
    seconds: float


def run_job(job: Job) -> Outcome:
    """Extract one report; every failure becomes the one line the single-file mode would print."""
    started = time.perf_counter()
    if job.data is None:
        return _run(job, Path(job.path), started)
    with tempfile.TemporaryDirectory(prefix="ceplan-") as tmp:
        local = Path(tmp) / Path(job.display).name
        local.write_bytes(job.data)
        outcome = _run(job, local, started)
        if outcome.error:
            outcome.error = outcome.error.replace(str(local), job.display)
        return outcome


def _run(job: Job, path: Path, started: float) -> Outcome:
    from extractor.pdf import InputError
    from extractor.pipeline import ValidationWorker, run
    from extractor.rules import RulesError

    try:
        # ValidationWorker(enabled=False) validates in this process: the worker is the process
        report = run(path, job.options, ValidationWorker(enabled=False))
    except (InputError, RulesError) as exc:
        return Outcome(job.sha256, None, str(exc).replace(str(path), job.display), time.perf_counter() - started)
    except MemoryError:
        return Outcome(job.sha256, None, f"{job.display}: ran out of memory", time.perf_counter() - started)
    except Exception as exc:  # a parser bug must cost one report, not the corpus
        reason = f"{job.display}: cannot be read ({type(exc).__name__}: {exc})".replace(str(path), job.display)
        return Outcome(job.sha256, None, reason.splitlines()[0], time.perf_counter() - started)
    report.source.path = job.display
    return Outcome(job.sha256, report, "", time.perf_counter() - started)


def task_options(options: Options) -> Options:
    """Options for a worker: no live progress callback, OCR in the worker itself.

    Reports run in parallel already, and a Dask worker may not start processes of its own.
    """
    return replace(options, progress=None, jobs=1)


def init_worker(validate: bool) -> None:
    """Process-pool initializer: die with the parent, import Great Expectations once."""
    _die_with_parent()
    if validate:
        import great_expectations  # noqa: F401

        import extractor.validate  # noqa: F401


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the process that started it dies (kill -9, OOM killer)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before the request took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass  # not Linux: the pool's own shutdown still ends the workers on a normal exit
