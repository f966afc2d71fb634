"""Mutation fuzzing of `extract`: hostile and unlucky variants of the sample PDFs.

A seeded random mutator, not hypothesis or atheris:
- every run of `extract` is a fresh process of a few seconds (exit code, stderr, files written
  and the memory of the whole process tree are what we check, as a user meets them); atheris
  runs its target in-process under libFuzzer, where a pdfium hang or an out-of-memory kills the
  fuzzer instead of being measured, and its coverage guidance sees only Python while the parser
  is native pdfium; hypothesis expects many cheap examples and would mostly shrink;
- the interesting mutations are structural (a page tree that loops, a MediaBox of 10⁹ pt, a
  flate bomb, encryption), written with pikepdf, which random bytes rarely reach;
- a variant is named by (mutator, seed) and rebuilt exactly from it, with no new dependency.

Checked for every variant (`check`): exit 0, 1 or 2; no traceback; on exit 2 one stderr line
and nothing written (no --out, nothing beside it); peak memory of the process tree under the
budget; finished before the time limit.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from extractor.raster import MEMORY_BUDGET_MB
from tests.memwatch import Measured, run_measured

REPO = Path(__file__).resolve().parent.parent
SEEDS = (REPO / "samples" / "salud-2025.pdf", REPO / "samples" / "trata-2024.pdf")
RUN_TIMEOUT_S = 120  # a variant still running after this is a hang
BOMB_BYTES = 256 * 2**20  # what a flate bomb inflates to; its file is ~0.25 MB

Mutator = Callable[[bytes, random.Random, Path], bytes]


# ---- byte-level mutations ---------------------------------------------------------------------


def truncate(data: bytes, rng: random.Random, tmp: Path) -> bytes:
    return data[: rng.randint(len(data) // 20, len(data) - 1)]


def flip_bytes(data: bytes, rng: random.Random, tmp: Path) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 64)):
        at = rng.randrange(len(out))
        out[at] ^= rng.randint(1, 255)
    return bytes(out)


def broken_xref(data: bytes, rng: random.Random, tmp: Path) -> bytes:
    """Offsets that point elsewhere: the xref table's entries, or startxref itself."""
    table = re.search(rb"\nxref\r?\n(.*?)trailer", data, re.S)
    if table and rng.random() < 0.6:
        entries = bytearray(table.group(1))
        for match in rng.sample(list(re.finditer(rb"\d{10}", entries)), k=3):
            entries[match.start() : match.end()] = b"%010d" % rng.randrange(len(data) * 2)
        return data[: table.start(1)] + bytes(entries) + data[table.end(1) :]
    return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % rng.randrange(len(data) * 2), data)


def splice(data: bytes, rng: random.Random, tmp: Path) -> bytes:
    """A block of the file repeated or dropped, as a broken download or copy makes it."""
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randint(1, 4096))
    return data[:a] + data[a:b] * rng.randint(0, 3) + data[b:]


# ---- structural mutations (pikepdf) -------------------------------------------------------------


def _structural(change: Callable[[object, random.Random], None]) -> Mutator:
    def mutate(data: bytes, rng: random.Random, tmp: Path) -> bytes:
        import pikepdf

        source, target = tmp / "in.pdf", tmp / "out.pdf"
        source.write_bytes(data)
        with pikepdf.open(source) as pdf:
            change(pdf, rng)
            pdf.save(target, normalize_content=False, deterministic_id=True)
        return target.read_bytes()

    mutate.__name__ = change.__name__.lstrip("_")
    return mutate


def _page_tree(pdf, rng: random.Random) -> None:
    import pikepdf

    pages = pdf.Root.Pages
    kids = pages.Kids
    choice = rng.randrange(6)
    if choice == 0:  # the tree contains itself
        kids.append(pages)
    elif choice == 1:
        pages.Count = rng.choice([0, -1, 10**9, len(kids) * 7])
    elif choice == 2:
        kids[rng.randrange(len(kids))] = rng.choice([pikepdf.Dictionary(Type=pikepdf.Name.Font), 7, None])
    elif choice == 3:
        del pages["/Kids"]
    elif choice == 4:  # a page whose parent is a page
        page = kids[rng.randrange(len(kids))]
        page.Parent = kids[0]
        page.Type = pikepdf.Name.Pages
    else:
        pdf.Root.Pages = pikepdf.Array([1, 2])


def _huge_box(pdf, rng: random.Random) -> None:
    import pikepdf

    box = rng.choice(
        [[0, 0, 14400, 14400], [0, 0, 1e9, 1e9], [0, 0, 0, 0], [0, 0, -595, 842], [0, 0, 14400, 2], [5, 5, 5, 9e9]]
    )
    page = pdf.pages[rng.randrange(len(pdf.pages))]
    page.obj.MediaBox = pikepdf.Array(box)
    if rng.random() < 0.3:
        page.obj.Rotate = rng.choice([45, 91, -270, 10**6])
    if rng.random() < 0.3:
        page.obj.UserUnit = rng.choice([75000, 0.0001])


def encrypt(data: bytes, rng: random.Random, tmp: Path) -> bytes:
    """Encrypted with a user password (must be refused) or only an owner password (readable)."""
    import pikepdf

    source, target = tmp / "in.pdf", tmp / "out.pdf"
    source.write_bytes(data)
    user = rng.choice(["", "secret"])
    with pikepdf.open(source) as pdf:
        pdf.save(target, encryption=pikepdf.Encryption(owner="owner", user=user, R=rng.choice([4, 6])))
    return target.read_bytes()


def _flate_bomb(pdf, rng: random.Random) -> None:
    """A content stream or an image that inflates to `BOMB_BYTES`."""
    import pikepdf

    page = pdf.pages[rng.randrange(len(pdf.pages))]
    if rng.random() < 0.5:  # one to three content streams, each inflating to 256 MB or 1 GB
        inflated = _deflated(b" ", BOMB_BYTES * rng.choice([1, 4]))
        for _ in range(rng.randint(1, 3)):
            stream = pikepdf.Stream(pdf, b"")
            stream.write(inflated, filter=pikepdf.Name.FlateDecode)
            page.contents_add(stream, prepend=rng.random() < 0.5)
        return
    side = int((BOMB_BYTES * rng.choice([1, 16])) ** 0.5)  # up to 4 GB of pixels declared
    image = pikepdf.Stream(pdf, b"")
    image.write(_deflated(b"\x00", min(side * side, BOMB_BYTES)), filter=pikepdf.Name.FlateDecode)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width = image.Height = side
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 8
    page.add_resource(image, pikepdf.Name.XObject, pikepdf.Name.Bomb)
    page.contents_add(pikepdf.Stream(pdf, b"q 500 0 0 500 0 0 cm /Bomb Do Q"))


def _drop_objects(pdf, rng: random.Random) -> None:
    import pikepdf

    objects = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary | pikepdf.Stream)]
    for obj in rng.sample(objects, k=min(len(objects), rng.randint(1, 8))):
        for key in list(obj.keys())[: rng.randint(1, 3)]:
            del obj[key]


def _many_pages(pdf, rng: random.Random) -> None:
    """The first page repeated until the file has thousands of pages (a page-count bomb)."""
    first = pdf.pages[0]
    for _ in range(rng.choice([150, 600])):
        pdf.pages.append(first)


def _deflated(unit: bytes, size: int) -> bytes:
    compressor = zlib.compressobj(9)
    block = unit * (1 << 20)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + compressor.flush()


MUTATORS: dict[str, Mutator] = {
    "truncate": truncate,
    "flip_bytes": flip_bytes,
    "broken_xref": broken_xref,
    "splice": splice,
    "page_tree": _structural(_page_tree),
    "huge_box": _structural(_huge_box),
    "encrypt": encrypt,
    "flate_bomb": _structural(_flate_bomb),
    "drop_objects": _structural(_drop_objects),
    "many_pages": _structural(_many_pages),
}


# ---- running and checking -------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    mutator: str
    seed: int
    source: str
    returncode: int | None = None
    peak_mb: float = 0.0
    wall_s: float = 0.0
    problems: list[str] = field(default_factory=list)
    stderr: str = ""


def make_variant(mutator: str, seed: int, source: Path, tmp: Path) -> Path:
    """The variant (mutator, seed) of `source`, written to `tmp`; rebuilt identically every time."""
    rng = random.Random(f"{mutator}:{seed}:{source.name}")
    work = tmp / "mutate"
    work.mkdir(parents=True, exist_ok=True)
    try:
        data = MUTATORS[mutator](source.read_bytes(), rng, work)
    except Exception as exc:  # pikepdf refusing to write a mutation: fall back to bytes
        data = flip_bytes(source.read_bytes(), rng, work) + f"%{type(exc).__name__}".encode()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    path = tmp / f"{mutator}-{seed}-{source.stem}.pdf"
    path.write_bytes(data)
    return path


def run_variant(
    mutator: str, seed: int, source: Path, tmp: Path, *, extra: tuple[str, ...] = (), timeout: float = RUN_TIMEOUT_S
) -> Outcome:
    pdf = make_variant(mutator, seed, source, tmp)
    place = tmp / f"run-{mutator}-{seed}"
    place.mkdir()
    out = place / "out"
    measured = run_measured(
        [sys.executable, "-m", "extractor", str(pdf), "--out", str(out), "--quiet", *extra],
        timeout=timeout,
        cwd=REPO,
    )
    outcome = Outcome(mutator, seed, source.name, measured.returncode, measured.peak_mb, measured.wall_s)
    outcome.stderr = measured.stderr
    outcome.problems = check(measured, place, out)
    pdf.unlink()
    shutil.rmtree(place, ignore_errors=True)
    return outcome


def check(measured: Measured, place: Path, out: Path) -> list[str]:
    """What is wrong with one run, in words; empty when the run behaved."""
    problems = []
    if measured.timed_out:
        problems.append(f"still running after {RUN_TIMEOUT_S} s")
    elif measured.returncode not in (0, 1, 2):
        problems.append(f"exit {measured.returncode}")
    if "Traceback" in measured.stderr:
        problems.append("traceback on stderr")
    if measured.returncode == 2:
        lines = measured.stderr.strip().splitlines()
        if len(lines) != 1:
            problems.append(f"{len(lines)} stderr lines on exit 2")
        left = sorted(p.name for p in place.iterdir())
        if left:
            problems.append(f"exit 2 but written: {left}")
    if measured.returncode in (0, 1) and not (out / "rows.csv").is_file():
        problems.append("exit 0/1 without rows.csv")
    if measured.peak_mb >= MEMORY_BUDGET_MB:
        problems.append(f"peak memory {measured.peak_mb:.0f} MB ≥ {MEMORY_BUDGET_MB} MB")
    return problems
