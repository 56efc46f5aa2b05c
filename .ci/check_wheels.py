"""Check what twine does not: every wheel ships py.typed, a readme, a licence and sane pins."""

from __future__ import annotations

import sys
import zipfile
from email.parser import Parser
from pathlib import Path


def problems(wheel: Path) -> list[str]:
    """What is wrong with one wheel's contents and metadata (empty when nothing is)."""
    found: list[str] = []
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
    if not any(n.endswith("/py.typed") for n in names):
        found.append("no py.typed: type checkers would ignore the package's annotations")
    if not metadata.get_payload().strip():
        found.append("no long description: the README is not in the metadata")
    if not (metadata.get("License-Expression") or metadata.get("License")):
        found.append("no licence in the metadata")
    for requirement in metadata.get_all("Requires-Dist") or []:
        if "==" in requirement:
            found.append(f"exact pin {requirement!r}: libraries pin ranges, not versions")
    return found


def main(paths: list[str]) -> int:
    """Print every problem of every wheel; exit 1 if there is one."""
    failed = 0
    for path in map(Path, paths):
        found = problems(path)
        for problem in found:
            print(f"{path.name}: {problem}")
        if found:
            failed = 1
        else:
            print(f"{path.name}: ok")
    return failed


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
