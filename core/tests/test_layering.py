"""Imports run one way (design.md): antelope <- chain <- esr <- kit <- cli, testing, devnet.

The foundation packages (antelope, chain, esr) and devnet import only the layers below them
and the layer-free base modules. The kit modules (the top-level modules of sessionkit) import
the foundation's public API, never devnet, testing or the command. The command and
sessionkit.testing use only public modules of the packages they build on. Plugins import only
the public sessionkit API, never a private module, and never each other; the core never
imports a plugin.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core" / "src" / "sessionkit"
PLUGINS = sorted((ROOT / "plugins").glob("*/src/*"))

# What each layer may import from inside sessionkit, besides itself and the layer-free base
# modules every layer shares (they import no sessionkit module but each other).
BASE = {"errors", "_lazy", "_redact"}
ALLOWED: dict[str, set[str]] = {
    "antelope": set(),
    "chain": {"antelope"},
    "esr": {"antelope", "chain"},
    "devnet": {"antelope", "chain"},
}
PACKAGES = {"antelope", "chain", "esr", "devnet", "testing"}
# The command: cli.py and its private helpers _cli_*.py.


def is_command(path: Path) -> bool:
    return path.name == "cli.py" or path.name.startswith("_cli")


def package_of(path: Path) -> list[str]:
    """The dotted package a source file belongs to, e.g. ["sessionkit", "antelope", "_abi"]."""
    parts = list(path.relative_to(path.parents[len(path.parents) - 1]).parts)
    src = max(i for i, part in enumerate(parts) if part == "src")
    return parts[src + 1 : -1]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (top-level or inside functions), relative ones resolved."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.add(node.module or "")
                continue
            package = package_of(path)
            base = package[: len(package) - node.level + 1]
            found.add(".".join([*base, *([node.module] if node.module else [])]))
    return found


def test_relative_imports_are_resolved() -> None:
    codec = CORE / "antelope" / "_abi" / "_compile.py"
    assert package_of(codec) == ["sessionkit", "antelope", "_abi"]
    assert all(not module.startswith(".") for module in imported_modules(codec))


def sessionkit_layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "sessionkit":
        return None
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_lower_layers_never_import_upper_ones(layer: str) -> None:
    allowed = ALLOWED[layer] | BASE | {layer}
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((CORE / layer).rglob("*.py"))
        for module in imported_modules(path)
        if (target := sessionkit_layer(module)) is not None and target not in allowed
    ]
    assert offenders == []


def test_base_modules_import_no_layer() -> None:
    offenders = [
        f"{name} imports {module}"
        for name in sorted(BASE)
        for module in imported_modules(CORE / f"{name}.py")
        if (target := sessionkit_layer(module)) is not None and target not in BASE
    ]
    assert offenders == []


def private_module_of_another_package(module: str, own: str | None) -> bool:
    """True for ``sessionkit.<package>._x`` (any private part) of a package other than ``own``."""
    parts = module.split(".")
    if parts[0] != "sessionkit" or len(parts) < 3 or parts[1] not in PACKAGES:
        return False
    return parts[1] != own and any(part.startswith("_") for part in parts[2:])


def kit_modules() -> list[Path]:
    return [path for path in sorted(CORE.glob("*.py")) if not is_command(path)]


def test_kit_modules_build_on_the_public_foundation_only() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in kit_modules()
        for module in imported_modules(path)
        if private_module_of_another_package(module, None)
        or sessionkit_layer(module) in {"devnet", "testing", "cli"}
        or (sessionkit_layer(module) or "").startswith("_cli")
    ]
    assert offenders == []


@pytest.mark.parametrize("part", ["command", "testing", "devnet"])
def test_command_testing_and_devnet_use_public_modules_only(part: str) -> None:
    """``sessionkit devnet`` uses the public detached API of devnet, not its private modules."""
    if part == "command":
        files, own = [path for path in sorted(CORE.glob("*.py")) if is_command(path)], None
    else:
        files, own = sorted((CORE / part).rglob("*.py")), part
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in files
        for module in imported_modules(path)
        if private_module_of_another_package(module, own)
    ]
    assert files
    assert offenders == []


def test_core_never_imports_a_plugin() -> None:
    plugin_modules = {path.name for path in PLUGINS}
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted(CORE.rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in plugin_modules
    ]
    assert offenders == []


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda path: path.name)
def test_plugins_use_only_public_api(plugin: Path) -> None:
    others = {path.name for path in PLUGINS} - {plugin.name}
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted(plugin.rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in others
        or (
            module.split(".")[0] == "sessionkit"
            and any(p.startswith("_") for p in module.split("."))
        )
    ]
    assert offenders == []


def runtime_imports(path: Path) -> set[str]:
    """The modules a file imports when it runs, at import time or inside functions (imports
    under ``if TYPE_CHECKING:`` do not count), relative ones resolved."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                package = package_of(path)
                if child.level == 0:
                    base = child.module or ""
                else:
                    parts = package[: len(package) - child.level + 1]
                    base = ".".join([*parts, *([child.module] if child.module else [])])
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def module_name(path: Path) -> str:
    parts = package_of(path)
    return ".".join(parts if path.stem == "__init__" else [*parts, path.stem])


# antelope is not listed: the ABI of ABIs (_abi/_abidef) builds an ABI, and ABI.from_bytes
# reads through it, a deferred import inside the codec that no caller sees.
@pytest.mark.parametrize("layer", ["chain", "esr", "devnet"])
def test_no_import_cycles_inside_a_package(layer: str) -> None:
    """Issue 7 broke the esr cycles (_request <-> _resolve, _identity <-> _resolve); a module's
    imports, deferred ones included, never lead back to it. The package's __init__, which
    only names what its modules export, is left out."""
    files = [p for p in sorted((CORE / layer).rglob("*.py")) if p.stem != "__init__"]
    names = {module_name(path): path for path in files}
    graph = {
        name: {module for module in runtime_imports(path) if module in names and module != name}
        for name, path in names.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                walk(target, [*trail, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert cycles == []
