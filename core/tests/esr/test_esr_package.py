"""The public surface of ``sessionkit.esr``: every exported name resolves, lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sessionkit.esr as esr


@pytest.mark.parametrize("name", esr.__all__)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(esr, name) is not None
    assert name in dir(esr)


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        esr.nope  # noqa: B018


def test_importing_the_package_loads_no_module_behind_it() -> None:
    code = (
        "import sys, sessionkit.esr; "
        "print(sorted(m for m in sys.modules if m.startswith('sessionkit.esr.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
