"""tesseract runs: many images read in one process, each on its own.

Each tesseract start loads its language model: ~0.14 s of CPU, as much as reading a mosaic of
a dozen cells, and a page used to start it 15–23 times (a mosaic at a time, then every cell
read alone). Here one run reads a list of images: tesseract treats each as a page of its own
(the same words, boxes and confidences as one run per image), so a page's readings of one kind
cost one start. Images go as uncompressed PGM files: PNG's deflate (what pytesseract writes)
cost more CPU than tesseract's reading of a small tile.

Confidences are truncated to whole numbers, as pytesseract gave them.
"""

from __future__ import annotations

import math
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np
import pytesseract

from extractor.lifeline import set_parent_death_signal

TSV_COLUMNS = 12  # level page_num block_num par_num line_num word_num left top width height conf text


class TsvWord(NamedTuple):
    """One word of tesseract's TSV: its text, pixel box and confidence (0-100)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float


def read_images(images: Iterable[np.ndarray], *, lang: str, options: Sequence[str] = ()) -> list[list[TsvWord]]:
    """The words tesseract reads in each image, each image read on its own, in one tesseract run.

    `options` are tesseract's command-line options (`--psm 6`, `-c name=value`); they hold for
    every image of the run.
    """
    with tempfile.TemporaryDirectory(prefix="ceplan-ocr-") as folder:
        # written as they come: one image in memory at a time
        names = [_written(folder, number, image) for number, image in enumerate(images)]
        if not names:
            return []
        listing = Path(folder) / "images.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        tsv = _run([str(listing), "stdout", "-l", lang, *options, "-c", "tessedit_create_tsv=1"])
    return _words_by_image(tsv, len(names))


def orientation_report(image: np.ndarray) -> str | None:
    """tesseract's orientation and script detection of the image (`-l osd --psm 0`, the report
    pytesseract's `image_to_osd` gives); None when it gives up ("Too few characters")."""
    with tempfile.TemporaryDirectory(prefix="ceplan-ocr-") as folder:
        try:
            return _run([_written(folder, 0, image), "stdout", "-l", "osd", "--psm", "0"])
        except pytesseract.TesseractError:
            return None


def _written(folder: str, number: int, image: np.ndarray) -> str:
    """The image saved as `folder`/`number`.pgm, for tesseract to read."""
    name = str(Path(folder) / f"{number}.pgm")
    if not cv2.imwrite(name, image):
        raise pytesseract.TesseractError(1, f"cannot write the image for tesseract to {name}")
    return name


def _run(arguments: list[str]) -> str:
    """tesseract's standard output; it dies with this process (lifeline.py)."""
    command = [pytesseract.pytesseract.tesseract_cmd, *arguments]
    try:
        done = subprocess.run(command, capture_output=True, preexec_fn=set_parent_death_signal, check=False)
    except OSError as error:
        raise pytesseract.TesseractNotFoundError() from error
    if done.returncode != 0:
        raise pytesseract.TesseractError(done.returncode, done.stderr.decode("utf-8", "replace").strip())
    return done.stdout.decode("utf-8", "replace")


def _words_by_image(tsv: str, count: int) -> list[list[TsvWord]]:
    """The TSV's words grouped by page (one page per image, numbered from 1)."""
    pages: list[list[TsvWord]] = [[] for _ in range(count)]
    for line in tsv.splitlines()[1:]:  # the first line names the columns
        fields = line.split("\t")
        if len(fields) < TSV_COLUMNS or not fields[1].isdigit():
            continue
        page, conf, text = int(fields[1]), float(fields[10]), fields[11].strip()
        if conf < 0 or not text or not 1 <= page <= count:
            continue  # page/block/line rows of the TSV, and empty words
        left, top, width, height = (int(v) for v in fields[6:10])
        pages[page - 1].append(TsvWord(text, left, top, width, height, float(math.trunc(conf))))
    return pages
