#!/usr/bin/env python3
"""Render the sample reports into samples/ (the `make samples` entry point).

The generator is the package scripts/samplegen/ (its docstring says what it makes); this file
only runs its command line:

    .venv/bin/python scripts/make_samples.py              # born-digital samples (seconds)
    .venv/bin/python scripts/make_samples.py --scanned    # degraded variants (minutes; ocrmypdf)
"""

import sys

from samplegen.cli import main  # scripts/, this file's folder, is first on sys.path

if __name__ == "__main__":
    sys.exit(main())
