"""The public async API follows docs/dev/naming.md: async methods under plain names (no
``_async`` / ``async_``), async twins of a blocking method on the same class named ``a`` +
its name, and the blocking facade ``sessionkit.sync`` keeping the async kit's names."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

import sessionkit
from sessionkit import kit, session, sync


@cache
def public_objects() -> tuple[tuple[str, object], ...]:
    """(qualified name, object) of every class and function a public ``__all__`` exports."""
    found: dict[int, tuple[str, object]] = {}
    names = ["sessionkit"] + [
        info.name
        for info in pkgutil.walk_packages(sessionkit.__path__, "sessionkit.")
        if not any(part.startswith("_") for part in info.name.split("."))
    ]
    for name in names:
        module = importlib.import_module(name)
        for member in module.__all__:
            value = getattr(module, member)
            if inspect.isclass(value) or inspect.isfunction(value):
                found.setdefault(id(value), (f"{name}.{member}", value))
    return tuple(found.values())


def callables_of(value: object) -> dict[str, object]:
    """The public functions of a class (with its bases), or the function itself."""
    if not inspect.isclass(value):
        return {getattr(value, "__name__", ""): value}
    members: dict[str, object] = {}
    for klass in reversed(value.__mro__):
        if klass.__module__.startswith("sessionkit"):
            for name, attribute in vars(klass).items():
                function = (
                    attribute.__func__
                    if isinstance(attribute, classmethod | staticmethod)
                    else attribute
                )
                if inspect.isfunction(function) and not name.startswith("_"):
                    members[name] = function
    return members


def is_async(function: object) -> bool:
    return inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)


def test_the_public_api_has_async_methods_to_check() -> None:
    async_names = {
        f"{where}.{name}"
        for where, value in public_objects()
        for name, function in callables_of(value).items()
        if is_async(function)
    }
    assert "sessionkit.SessionKit.login" in async_names
    assert "sessionkit.devnet.Devnet.astart" in async_names


def test_no_async_suffix_or_prefix() -> None:
    wrong = [
        f"{where}.{name}"
        for where, value in public_objects()
        for name in callables_of(value)
        if name.endswith("_async") or name.startswith("async_") or name.endswith("_sync")
    ]
    assert not wrong, f"rename per docs/dev/naming.md: {wrong}"


def test_async_twins_are_the_blocking_name_with_an_a_prefix() -> None:
    wrong = []
    for where, value in public_objects():
        members = callables_of(value)
        for name, function in members.items():
            twin = members.get("a" + name)
            if twin is not None and not (is_async(twin) and not is_async(function)):
                wrong.append(f"{where}.a{name} should be the async twin of blocking {name}")
            blocking = members.get(name[1:]) if name.startswith("a") else None
            if is_async(function) and blocking is not None and is_async(blocking):
                wrong.append(f"{where}.{name[1:]} and .{name} are both async")
    assert not wrong, wrong


def test_the_blocking_facade_keeps_the_async_names() -> None:
    for facade, original in ((sync.SessionKit, kit.SessionKit), (sync.Session, session.Session)):
        async_names = {
            name for name, function in callables_of(original).items() if is_async(function)
        }
        blocking = callables_of(facade)
        for name, function in blocking.items():
            assert not is_async(function), f"sessionkit.sync.{facade.__name__}.{name} is async"
        renamed = {name for name in blocking if name not in vars(original) and name != "close"}
        assert not renamed, f"the facade renames {sorted(renamed)}"
        # every async method not written out in the facade is reached through __getattr__
        assert all(name in blocking for name in async_names) or "__getattr__" in vars(facade)
