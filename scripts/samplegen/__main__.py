"""``python -m samplegen`` (with scripts/ on the path): the same as scripts/make_samples.py."""

import sys

from samplegen.cli import main

sys.exit(main())
