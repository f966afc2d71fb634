"""tesseract runs: many images read in one process, each on its own.

Each tesseract start loads its language model: ~0.14 s of CPU, as much as reading a mosaic of
a dozen cells, and a page used to start it 15–23 times (a mosaic at a time, then every cell
read alone). Here one run reads a list of images: tesseract treats each as a page of its own
(the same words, boxes and confidences as one run per image), so a page's readings of one kind
cost one start. Images go as uncompressed PGM files: PNG's deflate (what pytesseract writes)
cost more CPU than tesseract's reading of a small tile.

Where tesseract's library can be loaded (it comes with the command: Debian's tesseract-ocr
depends on libtesseract5), the runs happen in this process instead: one model per language,
loaded once per process and kept, its options set before each reading (`_Library`). A start of
the command cost ~0.12 s of CPU, and a matrix page takes ~10 runs of different kinds, each
waiting on the one before (re-reads of what the last run read doubtfully); the library call
reads the same pixels with the same engine and settings, word for word what the command reads.
Without the library (another system), the command runs as before.

Confidences are truncated to whole numbers, as pytesseract gave them.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import math
import os
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np
import pytesseract

from extractor.lifeline import set_parent_death_signal

DEFAULT_PSM = 3  # the command's page segmentation mode when no --psm is given
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
    library = _library()
    if library is not None:
        return [library.read(image, lang=lang, options=tuple(options)) for image in images]
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
    library = _library()
    if library is not None:
        return library.orientation_report(image)
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
    return _tsv_words(tsv.splitlines()[1:], count)  # the first line names the columns


def _tsv_words(lines: Iterable[str], count: int) -> list[list[TsvWord]]:
    """The words of TSV lines (no header) grouped by page, pages numbered from 1 to `count`."""
    pages: list[list[TsvWord]] = [[] for _ in range(count)]
    for line in lines:
        fields = line.split("\t")
        if len(fields) < TSV_COLUMNS or not fields[1].isdigit():
            continue
        page, conf, text = int(fields[1]), float(fields[10]), fields[11].strip()
        if conf < 0 or not text or not 1 <= page <= count:
            continue  # page/block/line rows of the TSV, and empty words
        left, top, width, height = (int(v) for v in fields[6:10])
        pages[page - 1].append(TsvWord(text, left, top, width, height, float(math.trunc(conf))))
    return pages


class _Library:
    """tesseract's C API in this process: one handle per language and set of options, each
    loading its model once (`read_images`, module docstring)."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self._lib = lib
        self._handles: dict[str, int] = {}
        self._options: dict[str, tuple[str, ...]] = {}  # what each handle is set to now
        self._defaults: dict[tuple[str, str], str] = {}  # a variable's value before we set it
        self._pixels = np.zeros((0, 0), np.uint8)
        lib.TessBaseAPICreate.restype = ctypes.c_void_p
        lib.TessBaseAPIInit3.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPISetVariable.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPIGetStringVariable.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.TessBaseAPIGetStringVariable.restype = ctypes.c_char_p
        for kind in ("Int", "Bool", "Double"):
            getattr(lib, f"TessBaseAPIGet{kind}Variable").argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        lib.TessBaseAPISetPageSegMode.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPISetImage.argtypes = [ctypes.c_void_p, ctypes.c_void_p] + [ctypes.c_int] * 4
        lib.TessBaseAPIRecognize.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.TessBaseAPIGetTsvText.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPIGetTsvText.restype = ctypes.c_void_p
        lib.TessDeleteText.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIDetectOrientationScript.argtypes = [ctypes.c_void_p] + [ctypes.c_void_p] * 4
        lib.TessBaseAPIEnd.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIDelete.argtypes = [ctypes.c_void_p]
        # models shared by two handles and never released print a "LEAK!" warning at exit
        atexit.register(self.close)

    def close(self) -> None:
        """Release every handle and its model."""
        for handle in self._handles.values():
            self._lib.TessBaseAPIEnd(handle)
            self._lib.TessBaseAPIDelete(handle)
        self._handles.clear()
        self._options.clear()

    def read(self, image: np.ndarray, *, lang: str, options: tuple[str, ...]) -> list[TsvWord]:
        """The words of one grayscale image, as a run of the command with `options` reads them."""
        handle = self._handle(lang, options)
        self._set_image(handle, image)
        if self._lib.TessBaseAPIRecognize(handle, None) != 0:
            raise pytesseract.TesseractError(1, f"tesseract could not read a {image.shape[1]}×{image.shape[0]} image")
        text = self._lib.TessBaseAPIGetTsvText(handle, 0)
        try:
            tsv = ctypes.string_at(text).decode("utf-8", "replace") if text else ""
        finally:
            self._lib.TessDeleteText(text)
        return _tsv_words(tsv.splitlines(), 1)[0]

    def orientation_report(self, image: np.ndarray) -> str | None:
        """The report `tesseract IMAGE stdout -l osd --psm 0` prints, or None where it fails."""
        handle = self._handle("osd", ("--psm", "0"))
        self._set_image(handle, image)
        degrees, confidence = ctypes.c_int(), ctypes.c_float()
        script, script_confidence = ctypes.c_char_p(), ctypes.c_float()
        found = self._lib.TessBaseAPIDetectOrientationScript(
            handle, ctypes.byref(degrees), ctypes.byref(confidence), ctypes.byref(script),
            ctypes.byref(script_confidence))
        if not found:
            return None
        # the command's wording (baseapi.cpp GetOsdText): Rotate turns the page upright, clockwise
        rotate = (360 - degrees.value) % 360
        name = (script.value or b"").decode("utf-8", "replace")
        return (f"Page number: 0\nOrientation in degrees: {degrees.value}\nRotate: {rotate}\n"
                f"Orientation confidence: {confidence.value:.2f}\nScript: {name}\n"
                f"Script confidence: {script_confidence.value:.2f}\n")

    def _set_image(self, handle: int, image: np.ndarray) -> None:
        pixels = np.ascontiguousarray(image, dtype=np.uint8)
        height, width = pixels.shape
        self._lib.TessBaseAPISetImage(handle, pixels.ctypes.data, width, height, 1, width)
        self._pixels = pixels  # tesseract reads the caller's buffer until the next image

    def _handle(self, lang: str, options: tuple[str, ...]) -> int:
        """The language's handle, set to `options`: one model per language, whatever the options
        (a model costs ~0.06 s of CPU to load; one per set of options loaded the same model again)."""
        if lang not in self._handles:
            handle = self._lib.TessBaseAPICreate()
            if self._lib.TessBaseAPIInit3(handle, None, lang.encode()) != 0:
                self._lib.TessBaseAPIDelete(handle)
                raise pytesseract.TesseractError(1, f"tesseract cannot load language {lang!r}")
            # what the command printed to its own stderr ("Estimating resolution as 158") would
            # reach the user's terminal from this process
            self._lib.TessBaseAPISetVariable(handle, b"debug_file", os.devnull.encode())
            self._handles[lang] = handle
            self._options[lang] = ()
        handle = self._handles[lang]
        if self._options[lang] != options:
            self._apply(lang, handle, options)
        return handle

    def _apply(self, lang: str, handle: int, options: tuple[str, ...]) -> None:
        """Set the handle to `options`: what the last options set and these do not goes back to
        tesseract's default, so a reading never inherits the one before's whitelist."""
        wanted = dict(_settings(options))
        wanted.setdefault("--psm", str(DEFAULT_PSM))
        for name, _ in _settings(self._options[lang]):
            if name != "--psm" and name not in wanted:
                wanted[name] = self._defaults[(lang, name)]
        for name, value in wanted.items():
            if name == "--psm":
                self._lib.TessBaseAPISetPageSegMode(handle, int(value))
                continue
            if (lang, name) not in self._defaults:
                self._defaults[(lang, name)] = self._value_of(handle, name)
            if not self._lib.TessBaseAPISetVariable(handle, name.encode(), value.encode()):
                raise pytesseract.TesseractError(1, f"tesseract has no setting {name!r}")
        self._options[lang] = options

    def _value_of(self, handle: int, name: str) -> str:
        """A variable's current value as text, whatever its kind (string, number or flag)."""
        key = name.encode()
        text = self._lib.TessBaseAPIGetStringVariable(handle, key)
        if text is not None:
            return text.decode()
        number, flag, real = ctypes.c_int(), ctypes.c_int(), ctypes.c_double()
        if self._lib.TessBaseAPIGetIntVariable(handle, key, ctypes.byref(number)):
            return str(number.value)
        if self._lib.TessBaseAPIGetBoolVariable(handle, key, ctypes.byref(flag)):
            return str(flag.value)
        if self._lib.TessBaseAPIGetDoubleVariable(handle, key, ctypes.byref(real)):
            return repr(real.value)
        raise pytesseract.TesseractError(1, f"tesseract has no setting {name!r}")


def _settings(options: Sequence[str]) -> list[tuple[str, str]]:
    """The command-line options as (name, value): ("--psm", "6") or a `-c name=value` setting."""
    pairs = []
    for flag, value in zip(options[::2], options[1::2], strict=True):
        if flag == "-c":
            name, _, setting = value.partition("=")
            pairs.append((name, setting))
        elif flag == "--psm":
            pairs.append((flag, value))
        else:
            raise ValueError(f"no library equivalent for tesseract option {flag}")
    return pairs


@cache
def _library() -> _Library | None:
    """tesseract's library, or None (then the command runs): not found, or it lacks the C API."""
    name = ctypes.util.find_library("tesseract")
    if name is None:
        return None
    try:
        return _Library(ctypes.CDLL(name))
    except (OSError, AttributeError):
        return None
