"""Each public module's ``__all__`` is its public surface (after httpx's
``test_exported_members``): every name in it exists, everything public defined there is in it,
package top levels show nothing else, and every SessionKit type a public signature names is
exported by some public module, so users never need a private import to type their code.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
import types
from functools import cache
from typing import Any

import msgspec
import pytest
import sessionkit


@cache
def public_modules() -> tuple[str, ...]:
    """``sessionkit`` and every submodule without an underscore-prefixed part in its name."""
    names = ["sessionkit"]
    for info in pkgutil.walk_packages(sessionkit.__path__, "sessionkit."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return tuple(names)


PACKAGES = [
    "sessionkit",
    "sessionkit.antelope",
    "sessionkit.chain",
    "sessionkit.esr",
    "sessionkit.devnet",
    "sessionkit.testing",
    "sessionkit.testing.contracts",
]
#: Names that are generic or internal: no package top level may show them.
BANNED = {
    "encode",
    "decode",
    "expiration",
    "ref_block_num",
    "esr_abi",
    "BROADCAST_PATHS",
    "Any",
    "annotations",
    "TYPE_CHECKING",
    "lazy_exports",
}
#: SessionKit types a public signature may name without exporting them, and why.
INTERNAL_ARGUMENTS = {
    # Session(chain_link=...) is how the kit shares one HTTP client between its sessions;
    # apps never build the link themselves.
    "sessionkit._chainlink.ChainLink",
}


def module(name: str) -> types.ModuleType:
    return importlib.import_module(name)


def test_the_public_modules_are_found() -> None:
    found = set(public_modules())
    assert {*PACKAGES, "sessionkit.errors", "sessionkit.kit", "sessionkit.sync"} <= found


@pytest.mark.parametrize("name", public_modules())
def test_every_name_in_all_exists_once(name: str) -> None:
    mod = module(name)
    exported = mod.__all__
    assert len(exported) == len(set(exported)), f"{name}.__all__ lists a name twice"
    for member in exported:
        assert hasattr(mod, member), f"{name}.__all__ lists {member!r}, which does not exist"


@pytest.mark.parametrize("name", public_modules())
def test_everything_public_defined_in_a_module_is_in_its_all(name: str) -> None:
    mod = module(name)
    missing = [
        member
        for member, value in vars(mod).items()
        if not member.startswith("_")
        and getattr(value, "__module__", None) == name
        and (inspect.isclass(value) or inspect.isfunction(value))
        and member not in mod.__all__
        and not (name == "sessionkit.testing.pytest_plugin" and member.startswith("pytest_"))
    ]
    assert not missing, f"{name} defines public {missing} but leaves them out of __all__"


@pytest.mark.parametrize("name", PACKAGES)
def test_a_package_shows_exactly_its_all(name: str) -> None:
    mod = module(name)
    for member in mod.__all__:
        getattr(mod, member)  # load the lazy names
    submodules = {
        member for member, value in vars(mod).items() if isinstance(value, types.ModuleType)
    }
    listed = {m for m in dir(mod) if not m.startswith(("_", "@"))} - submodules
    public = {m for m in mod.__all__ if not m.startswith("_")} - submodules
    assert listed == public, f"dir({name}) differs from its __all__"
    held = {m for m in vars(mod) if not m.startswith(("_", "@"))} - submodules
    # a lazy package's own imports stay in its globals, hidden from dir(): only these
    assert held - set(mod.__all__) <= BANNED, f"{name} holds {sorted(held - set(mod.__all__))}"
    assert not BANNED & set(mod.__all__), f"{name}.__all__ has {sorted(BANNED & set(mod.__all__))}"


def test_dir_of_sessionkit_has_no_typing_helpers() -> None:
    assert not {"Any", "annotations", "TYPE_CHECKING"} & set(dir(sessionkit))


def exported_objects() -> dict[int, str]:
    """id of each object in a public ``__all__`` -> where it is exported."""
    found: dict[int, str] = {}
    for name in public_modules():
        mod = module(name)
        for member in mod.__all__:
            found.setdefault(id(getattr(mod, member)), f"{name}.{member}")
    return found


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@cache
def known_names() -> dict[str, Any]:
    """Every class or alias any loaded SessionKit module holds, by name: annotations under
    ``from __future__ import annotations`` are text, often naming TYPE_CHECKING-only imports."""
    for name in public_modules():
        module(name)
    names: dict[str, Any] = {}
    for mod_name, mod in sorted(sys.modules.items()):
        if mod_name.startswith("sessionkit"):
            for member, value in vars(mod).items():
                if inspect.isclass(value):
                    names.setdefault(member, value)
    return names


def annotations_of(value: object) -> list[tuple[str, str]]:
    """(where, annotation text) of the public signatures and fields of ``value``."""
    found: list[tuple[str, str]] = []

    def add(where: str, function: object) -> None:
        for argument, text in getattr(function, "__annotations__", {}).items():
            if not argument.startswith("_"):
                found.append((f"{where}({argument})", str(text)))

    where = getattr(value, "__qualname__", repr(value))
    if inspect.isclass(value):
        for field, text in getattr(value, "__annotations__", {}).items():
            if not field.startswith("_"):
                found.append((f"{where}.{field}", str(text)))
        for member, attribute in vars(value).items():
            if member.startswith("_") and member not in ("__init__", "__new__", "__call__"):
                continue
            target = attribute
            if isinstance(attribute, classmethod | staticmethod):
                target = attribute.__func__
            elif isinstance(attribute, property):
                target = attribute.fget
            add(f"{where}.{member}", target)
    elif callable(value):
        add(where, value)
    return found


def test_types_in_public_signatures_are_exported() -> None:
    exported = exported_objects()
    names = known_names()
    missing: dict[str, set[str]] = {}
    for name in public_modules():
        mod = module(name)
        for member in mod.__all__:
            value = getattr(mod, member)
            if not getattr(value, "__module__", "").startswith("sessionkit"):
                continue
            for where, text in annotations_of(value):
                for identifier in _IDENTIFIER.findall(text):
                    kind = names.get(identifier)
                    if kind is None or id(kind) in exported:
                        continue
                    if not kind.__module__.startswith("sessionkit"):
                        continue
                    qualified = f"{kind.__module__}.{kind.__qualname__}"
                    if qualified not in INTERNAL_ARGUMENTS:
                        missing.setdefault(qualified, set()).add(where)
    assert not missing, "\n".join(f"{k} <- {sorted(v)[:3]}" for k, v in sorted(missing.items()))


def test_the_abi_definition_structs_and_transaction_parts_are_exported() -> None:
    from sessionkit import antelope

    abi = antelope.ABI.from_json(
        {"structs": [{"name": "s", "base": "", "fields": [{"name": "a", "type": "bool"}]}]}
    )
    assert type(abi.structs[0]) is antelope.AbiStruct
    assert type(abi.structs[0].fields[0]) is antelope.AbiField
    for field in msgspec.structs.fields(antelope.ABI):
        assert field.name == "version" or field.type.__args__[0].__name__ in antelope.__all__
    assert antelope.TransactionExtension.__module__ == "sessionkit.antelope._transaction"
    assert "TransactionExtension" in antelope.__all__
