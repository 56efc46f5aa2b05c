"""What a fresh Python process imports: the check behind "importing X stays cheap" tests."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


def modules_loaded_by(code: str, watched: Iterable[str]) -> list[str]:
    """The modules of ``watched`` that are imported once ``code`` has run in a new interpreter."""
    names = list(watched)
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {names!r} if m in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return [name for name in out.stdout.strip().split(",") if name]
