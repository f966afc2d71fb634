"""Which PDFs make the corpus, and where each one's output goes.

A corpus is a folder read recursively, or a list file (one path a line). Every PDF gets an
identity that does not depend on where the corpus sits on disk: its path relative to the
corpus root (`rel`). Its results go to OUT/<relative folder>/<stem>/.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

LIST_SUFFIXES = (".txt", ".lst", ".list")


class DiscoveryError(Exception):
    """The corpus cannot be listed; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class CorpusFile:
    path: Path  # where to read it, as the user named it
    rel: str  # POSIX path relative to the corpus root: the file's key in the database
    out: str  # POSIX folder relative to --out that receives its results


def is_list_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in LIST_SUFFIXES


def discover(source: Path) -> list[CorpusFile]:
    """Every PDF of a folder (recursively) or of a list file, in a stable order."""
    if source.is_dir():
        root, paths = source, _walk(source)
    elif is_list_file(source):
        paths = _read_list(source)
        root = _common_root(paths)
    else:
        raise DiscoveryError(f"{source}: neither a folder nor a list file ({', '.join(LIST_SUFFIXES)})")
    if not paths:
        raise DiscoveryError(f"{source}: no PDF files found")
    rels = [_relative(p, root) for p in paths]
    outs = output_folders(rels)
    files = [CorpusFile(p, r, outs[r]) for p, r in zip(paths, rels, strict=True)]
    return sorted(files, key=lambda f: f.rel)


def _walk(folder: Path) -> list[Path]:
    """PDFs under `folder`; hidden folders (ours: `.x.partial`, a VCS) are not descended into."""
    found = []
    for parent, dirs, names in os.walk(folder):  # symlinked folders are not followed: no loops
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(parent) / n for n in sorted(names) if n.lower().endswith(".pdf") and not n.startswith(".")]
    return found


def _read_list(list_file: Path) -> list[Path]:
    """Paths of a list file; relative ones are read from the list file's folder."""
    try:
        text = list_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DiscoveryError(f"{list_file}: cannot read the list ({exc})") from None
    paths = []
    for line in text.splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            path = Path(entry)
            paths.append(path if path.is_absolute() else list_file.parent / path)
    return list(dict.fromkeys(paths))  # a path listed twice is one file


def _common_root(paths: list[Path]) -> Path:
    if not paths:
        return Path(".")
    return Path(os.path.commonpath([os.path.abspath(p.parent) for p in paths]))


def _relative(path: Path, root: Path) -> str:
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return PurePosixPath(*Path(rel).parts).as_posix()


def output_folders(rels: list[str]) -> dict[str, str]:
    """OUT-relative folder of each report: <folder>/<stem>, or <folder>/<file name> on a clash.

    A clash is two files with one stem (`a.pdf`, `a.PDF`) or a report folder that would hold
    another report's folder (`x.pdf` beside a folder `x/`); writing one would replace the other.
    """
    by_stem = {r: (PurePosixPath(r).parent / PurePosixPath(r).stem).as_posix() for r in rels}
    counts = Counter(by_stem.values())
    folders = {PurePosixPath(r).parent.as_posix() for r in rels}
    ancestors = {a.as_posix() for f in folders for a in (PurePosixPath(f), *PurePosixPath(f).parents)}
    return {r: r if counts[out] > 1 or out in ancestors else out for r, out in by_stem.items()}
