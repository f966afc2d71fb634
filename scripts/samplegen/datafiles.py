"""Reading the YAML specs under data/: a typo in a key is an error, never a silent default."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import yaml


class SpecError(ValueError):
    """A data file that does not say what the generator needs; the message names the file."""


def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise SpecError(f"{path}: expected a mapping at the top level")
    return data


def check_keys(entry: Mapping[str, Any], required: Collection[str], optional: Collection[str],
               where: str) -> None:
    """Raise when ``entry`` misses a required key or has one the generator does not know."""
    if not isinstance(entry, Mapping):
        raise SpecError(f"{where}: expected a mapping, got {entry!r}")
    missing = [k for k in required if k not in entry]
    unknown = [k for k in entry if k not in required and k not in optional]
    if missing or unknown:
        raise SpecError(f"{where}: missing keys {missing}, unknown keys {unknown}")
