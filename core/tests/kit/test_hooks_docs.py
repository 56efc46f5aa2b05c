"""docs/plugins.md is the hook reference: every hook of `sessionkit.hookspecs` has its section,
with the arguments of its specification, and no section describes a hook that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

from sessionkit import hookspecs
from sessionkit.plugins import make_plugin_manager

REFERENCE = Path(__file__).resolve().parents[3] / "docs" / "plugins.md"
SECTION = re.compile(r"^### `(\w+)\(([^)]*)\)`$", re.MULTILINE)


def specified() -> dict[str, tuple[str, ...]]:
    pm = make_plugin_manager()
    hooks = set(hookspecs.__all__) - {"PROJECT", "hookimpl", "hookspec"}
    found = {}
    for name in hooks:
        spec = getattr(pm.hook, name).spec
        assert spec is not None, name
        found[name] = tuple(spec.argnames)
    return found


def documented() -> dict[str, tuple[str, ...]]:
    text = REFERENCE.read_text(encoding="utf-8")
    return {
        name: tuple(a.strip() for a in args.split(",") if a.strip())
        for name, args in SECTION.findall(text)
    }


def test_every_hook_is_documented_with_its_arguments() -> None:
    missing = sorted(set(specified()) - set(documented()))
    assert missing == [], f"add a '### `hook(args)`' section to {REFERENCE} for: {missing}"
    assert {name: documented()[name] for name in specified()} == specified()


def test_no_section_documents_a_hook_that_does_not_exist() -> None:
    assert sorted(set(documented()) - set(specified())) == []


def test_every_specification_has_a_docstring_saying_sync_or_async() -> None:
    for name in specified():
        doc = getattr(hookspecs, name).__doc__ or ""
        assert doc.strip(), f"hookspecs.{name} has no docstring"
        assert re.search(r"async|synchronously", doc), f"hookspecs.{name}: say sync or async"


def test_the_reference_documents_the_environment_variables() -> None:
    from sessionkit.plugins import ALLOW_ENV, DENY_ENV, STRICT_ENV

    text = REFERENCE.read_text(encoding="utf-8")
    for name in (ALLOW_ENV, DENY_ENV, STRICT_ENV):
        assert name in text
