"""Write extractor/families/rules/_words-spa.txt.gz: the word list of tesseract's Spanish model.

`_ocr.yaml` `word_list` names it: an OCR'd word it does not list may be read back to the listed
word it looks like (repair/words.py `look_alike_word`). The list is the model's word dawg
(tessdata_fast `spa`, Apache-2.0), unpacked by tesseract's own tools (`combine_tessdata -u`,
`dawg2wordlist`, in Debian's tesseract-ocr), kept to words of letters only, lower case, sorted,
one a line, gzip'd without a time stamp (the same model gives the same bytes).

    python scripts/word_list.py [--model /usr/share/tesseract-ocr/5/tessdata/spa.traineddata]
"""

from __future__ import annotations

import argparse
import glob
import gzip
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "extractor" / "families" / "rules" / "_words-spa.txt.gz"


def model_words(model: Path) -> list[str]:
    """The words of a traineddata's LSTM word dawg: letters only, lower case, sorted."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = str(Path(folder) / "spa.")
        subprocess.run(["combine_tessdata", "-u", str(model), prefix], check=True, capture_output=True)
        listed = Path(folder) / "words.txt"
        subprocess.run(["dawg2wordlist", prefix + "lstm-unicharset", prefix + "lstm-word-dawg", str(listed)],
                       check=True, capture_output=True)
        words = listed.read_text(encoding="utf-8").split()
    return sorted({w.lower() for w in words if w.isalpha()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    found = sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata/spa.traineddata"))
    parser.add_argument("--model", type=Path, default=Path(found[-1]) if found else None)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if args.model is None or not args.model.is_file():
        print("no spa.traineddata found: give --model", file=sys.stderr)
        return 2
    words = model_words(args.model)
    args.out.write_bytes(gzip.compress(("\n".join(words) + "\n").encode("utf-8"), 9, mtime=0))
    print(f"{args.out}: {len(words)} words from {args.model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
