"""Load the reference conformance vectors for parametrized tests.

The folder comes from ``SESSIONKIT_CONFORMANCE_DIR`` (default: ``../shared/conformance`` relative
to the repository root), so any vector set with the same schema runs through the same tests.
A missing folder is an error, never a silent skip.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]


def conformance_dir() -> Path:
    configured = os.environ.get("SESSIONKIT_CONFORMANCE_DIR")
    path = Path(configured) if configured else REPO_ROOT.parent / "shared" / "conformance"
    if not path.is_dir():
        raise RuntimeError(
            f"conformance vectors not found at {path}; set SESSIONKIT_CONFORMANCE_DIR "
            "to the folder holding names.json, abi.json, ..."
        )
    return path


@cache
def load(filename: str) -> dict[str, Any]:
    """The parsed JSON of one vector file, e.g. ``load("names.json")``."""
    data: dict[str, Any] = json.loads((conformance_dir() / filename).read_text(encoding="utf-8"))
    return data


def ids(key: str) -> Any:
    """An ``ids=`` callable naming each vector by one of its fields (shortened)."""

    def name(vector: dict[str, Any]) -> str:
        text = str(vector.get(key, ""))
        return text if len(text) <= 40 else text[:37] + "..."

    return name
