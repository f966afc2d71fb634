"""Processes that `extract` starts die with the process that started them.

When the main process is killed outright (the OOM killer, `kill -9`), nothing in it runs again:
its worker processes would live on with parent 1, holding the caller's stderr open, so a caller
reading it hangs. Two mechanisms cover it, on Linux:

- the kernel's parent-death signal (`prctl(PR_SET_PDEATHSIG)`), set in each worker and in each
  tesseract run: SIGKILL as soon as the parent goes;
- a watchdog thread in each worker that polls its parent id, for what the signal misses (the
  parent gone before the worker set it, or a kernel without it).

A worker killed this way takes its tesseract runs with it (their own parent-death signal).

Ctrl-C is the main process's to handle: workers ignore SIGINT (the terminal sends it to the
whole process group) and are started with it blocked, so one that Ctrl-C catches while its
interpreter starts, before it could ignore it, does not die printing a traceback; and
`process_pool` stops its workers and drops queued work when the block it guards fails or is
interrupted, instead of waiting for every queued page (a Ctrl-C during OCR hung for minutes).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.context import BaseContext

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCHDOG_S = 0.5  # how often a worker looks for its parent


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send `sig` to this process when its parent thread exits."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux: the watchdog alone stands guard
        return False


@contextmanager
def process_pool(workers: int, context: BaseContext) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers die with this process, stopped at once if the block fails."""
    pool = _Pool(workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


class _Pool(ProcessPoolExecutor):
    """Workers start (on a submit, as they are needed) with SIGINT blocked: an exec'd child keeps
    the mask, and the parent gets a Ctrl-C that came meanwhile as soon as the submit is done."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return super().submit(fn, *args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers and drop queued work (a worker busy for minutes is not waited for)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def die_with_parent(parent_pid: int) -> None:
    """Worker initializer: end this process when `parent_pid` is gone, however it went."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_parent_death_signal()
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        _die()
    threading.Thread(target=_watch, args=(parent_pid,), name="lifeline", daemon=True).start()
    tesseract_dies_with_caller()


def _watch(parent_pid: int) -> None:
    while True:
        threading.Event().wait(WATCHDOG_S)
        if os.getppid() != parent_pid:  # reparented: the parent is dead
            _die()


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def tesseract_dies_with_caller() -> None:
    """Give every tesseract run that pytesseract starts from this process a parent-death signal.

    pytesseract builds its `subprocess.Popen` arguments in one module function; wrapping it is
    the only way to reach the child between fork and exec. (glibc resets its allocator locks in
    the child, so the ctypes call there is safe even with threads running.)
    """
    try:
        from pytesseract import pytesseract as tesseract_module
    except ImportError:
        return
    original = tesseract_module.subprocess_args
    if getattr(original, "dies_with_caller", False):
        return

    def subprocess_args(include_stdout: bool = True) -> dict:
        kwargs = original(include_stdout)
        kwargs["preexec_fn"] = set_parent_death_signal
        return kwargs

    subprocess_args.dies_with_caller = True  # type: ignore[attr-defined]
    tesseract_module.subprocess_args = subprocess_args
