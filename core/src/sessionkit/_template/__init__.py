"""A new third-party plugin from a template: package, entry point, contract tests, README, CI.

``sessionkit new-plugin NAME --kind wallet`` (or ``python -m sessionkit._template``) writes a
distribution ``sessionkit-<kind>-<name>`` whose tests subclass the contract suite of its kind,
so a new author starts from a plugin that passes and changes it step by step.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

from sessionkit.errors import ConfigurationError

__all__ = ["KINDS", "PluginKind", "PluginNames", "plugin_names", "render_plugin"]

PluginKind = Literal["wallet", "ui", "transact", "login", "storage"]
KINDS: tuple[PluginKind, ...] = get_args(PluginKind)

_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_CLASS_SUFFIX = {
    "wallet": "Wallet",
    "ui": "UI",
    "transact": "TransactPlugin",
    "login": "LoginPlugin",
    "storage": "Storage",
}
#: Template file -> where it goes in the new package (``{module}`` is the import name).
_COMMON = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "conftest.py.tmpl": "tests/conftest.py",
    "workflow.yml.tmpl": ".github/workflows/test.yml",
    "py.typed": "src/{module}/py.typed",
}


class PluginNames:
    """The names a plugin called ``name`` of kind ``kind`` goes by."""

    def __init__(self, name: str, kind: PluginKind) -> None:
        self.name = name
        self.kind = kind
        self.distribution = f"sessionkit-{kind}-{name}"
        self.module = self.distribution.replace("-", "_")
        self.plugin_id = name
        camel = "".join(part.capitalize() for part in name.split("-"))
        self.class_name = camel + _CLASS_SUFFIX[kind]
        self.env_prefix = self.module.upper()

    def substitutions(self) -> dict[str, str]:
        """The ``@@KEY@@`` placeholders of the template files and their values."""
        return {
            "NAME": self.name,
            "KIND": self.kind,
            "DIST": self.distribution,
            "MODULE": self.module,
            "ID": self.plugin_id,
            "CLASS": self.class_name,
            "ENV": self.env_prefix,
        }


def plugin_names(name: str, kind: str) -> PluginNames:
    """Check ``name`` and ``kind`` and derive the plugin's names from them."""
    if kind not in KINDS:
        raise ConfigurationError(f"unknown plugin kind {kind!r}: choose one of {', '.join(KINDS)}")
    if not isinstance(name, str) or not _NAME.fullmatch(name) or len(name) > 40:
        raise ConfigurationError(
            f"plugin name {name!r} is not usable: use lowercase letters, digits and single "
            "hyphens, starting with a letter, at most 40 characters (e.g. 'my-wallet')"
        )
    return PluginNames(name, kind)


def render_plugin(name: str, kind: str, destination: str | Path) -> Path:
    """Write the new plugin package into ``destination`` (created; must not hold files yet).

    Returns the package directory. Raises `ConfigurationError` for a bad name or kind, or a
    destination that already has files in it (nothing is overwritten).
    """
    names = plugin_names(name, kind)
    target = Path(destination)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigurationError(
            f"{target} already exists and is not an empty directory: choose a new path "
            "(the template never overwrites files)"
        )
    files = dict(_COMMON)
    files[f"{kind}_plugin.py.tmpl"] = "src/{module}/__init__.py"
    files[f"{kind}_test.py.tmpl"] = "tests/test_contract.py"
    source = resources.files(__name__).joinpath("files")
    values = names.substitutions()
    for template, relative in files.items():
        text = source.joinpath(template).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(f"@@{key}@@", value)
        path = target / relative.format(module=names.module)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target
