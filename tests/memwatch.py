"""Run a command and sample the resident memory of its whole process tree.

`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` reports the largest single descendant, not the
sum of processes alive at the same time (the main process, the Great Expectations worker, OCR
workers, tesseract); the memory budget is about the sum, so it is sampled from /proc. Each
process counts its proportional set size (PSS: a page shared by n processes counts 1/n in
each), so a forked worker and the short-lived fork before each tesseract exec are not counted
twice; the plain resident size (RSS) stands in where the kernel gives no PSS.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_S = 0.05


@dataclass(frozen=True, slots=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float  # the largest sum over the tree seen at one sample (PSS, MiB)
    wall_s: float
    timed_out: bool


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it, from the kernel's per-thread children lists."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in _tasks(current):
            try:
                text = Path(f"/proc/{current}/task/{task}/children").read_text()
            except OSError:
                continue
            todo.extend(int(child) for child in text.split())
    return found


def _tasks(pid: int) -> list[str]:
    try:
        return os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []


def process_bytes(pid: int) -> int:
    """The process's PSS (see above), or its RSS; 0 once it is gone."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            continue
    return 0


def tree_bytes(pid: int) -> int:
    return sum(process_bytes(p) for p in descendants(pid))


def run_measured(
    args: list[str], *, timeout: float, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Measured:
    """Run `args` to the end (killed after `timeout` s) and report its tree's peak memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=cwd,
        start_new_session=True,  # a timed-out run is killed with everything it started
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_bytes(proc.pid))
            stop.wait(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timed_out = False
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, 9)
        stdout, stderr = proc.communicate()
    finally:
        stop.set()
        sampler.join()
    return Measured(proc.returncode, stdout, stderr, peak / 2**20, time.perf_counter() - start, timed_out)
