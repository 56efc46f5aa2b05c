"""Finding, loading and listing a kit's plugins.

Each `SessionKit` owns a `PluginHost`: its own pluggy manager (never a global one), the
entry points it loaded from the ``sessionkit`` group (unless ``discover=False``), the plugin
objects the app passed, and the wallets, user interfaces and storages they registered.

- ``SESSIONKIT_PLUGINS=a,b`` loads only those entry points (set and empty: none);
  ``SESSIONKIT_DISABLE_PLUGINS=x,y`` skips those.
- Each entry point loads on its own: one that fails to import or register, or implements a hook
  that does not exist (a misspelt name), is recorded in ``plugin_errors`` and logged, and the
  rest work. ``strict=True`` raises instead (the pytest plugin turns it on). A plugin the app
  passed itself always raises: the app can fix it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

from sessionkit._hookcall import call_register_hook
from sessionkit.errors import (
    ConfigurationError,
    PluginConflictError,
    PluginError,
    PluginLoadError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from importlib.metadata import EntryPoint

    import pluggy

__all__ = [
    "ALLOW_ENV",
    "DENY_ENV",
    "STRICT_ENV",
    "PluginHost",
    "PluginInfo",
    "Registration",
    "make_plugin_manager",
    "plugin_name",
]

logger = logging.getLogger("sessionkit.plugins")

#: Load only these entry points (comma-separated ids; set and empty loads none).
ALLOW_ENV = "SESSIONKIT_PLUGINS"
#: Never load these entry points (comma-separated ids).
DENY_ENV = "SESSIONKIT_DISABLE_PLUGINS"
#: ``1`` makes kits that do not say otherwise load plugins strictly (the pytest plugin sets it).
STRICT_ENV = "SESSIONKIT_STRICT_PLUGINS"

_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_REGISTER_HOOKS = {
    "wallet": "register_wallet_plugins",
    "ui": "register_user_interfaces",
    "storage": "register_session_storages",
}


class PluginInfo(msgspec.Struct, frozen=True, kw_only=True):
    """An active plugin: its id, where it came from, and the hooks it implements."""

    id: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Registration:
    """Something a plugin registered: a wallet, user interface or storage factory under an id."""

    kind: str
    id: str
    factory: Callable[..., Any]
    plugin: str
    distribution: str | None


def make_plugin_manager() -> pluggy.PluginManager:
    """A fresh pluggy manager with every SessionKit hook specification and nothing else."""
    import pluggy  # imported with the first kit, not with sessionkit: it costs milliseconds

    from sessionkit import hookspecs

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


class PluginHost:
    """A kit's plugins: loaded once when the kit is made, then read-only."""

    def __init__(
        self,
        *,
        plugins: Iterable[object] = (),
        scoped: Iterable[object] = (),
        discover: bool = True,
        strict: bool | None = None,
    ) -> None:
        self.pm = make_plugin_manager()
        self.strict = strict if strict is not None else os.environ.get(STRICT_ENV, "") == "1"
        self.errors: list[PluginLoadError] = []
        #: ids of plugin objects whose hooks run only where a login or session lists them.
        self.scoped: set[int] = set()
        self._transient: set[int] = set()
        self._borrows: dict[int, int] = {}
        self._origin: dict[str, tuple[str | None, str | None]] = {}
        #: names of the plugins loaded from entry points (the others are the app's)
        self._discovered: set[str] = set()
        if discover:
            for entry_point in _selected_entry_points():
                self._load_entry_point(entry_point)
        for plugin in plugins:
            self.add(plugin)
        for plugin in scoped:
            self.add(plugin, scoped=True)
        self.registrations: dict[str, dict[str, Registration]] = {}
        for kind in _REGISTER_HOOKS:
            self.registrations[kind] = self._collect(kind)
        for info in self.plugins():
            logger.info(
                "sessionkit plugin %s (%s %s) active: %s",
                info.id,
                info.distribution or "passed by the app",
                info.version or "",
                ", ".join(info.hooks) or "no hooks",
            )

    def add(self, plugin: object, *, scoped: bool = False) -> None:
        """Register an app-supplied plugin object (errors always raise: the app can fix them).

        A ``scoped`` plugin's hooks run only for the logins and sessions that list it; two
        scoped plugins may share an id (each session has its own instance).
        """
        if plugin is None or isinstance(plugin, str | bytes | int | float | list | tuple | dict):
            raise ConfigurationError(
                "a plugin is an object (or a module) with @hookimpl methods, not "
                f"{type(plugin).__name__}: pass plugins=[MyPlugin()]"
            )
        if self.pm.is_registered(plugin):
            return
        name = plugin_name(plugin)
        if self.pm.has_plugin(name):
            if not scoped:
                raise PluginConflictError(
                    f"two plugins are named {name!r}; give one another 'id'", plugin=name
                )
            name = f"{name}#{id(plugin):x}"
        from pluggy import PluginValidationError

        try:
            self.pm.register(plugin, name=name)
        except PluginValidationError as exc:
            raise PluginLoadError(
                f"plugin {name!r} does not fit SessionKit's hooks: {exc}", plugin=name
            ) from exc
        misfit = self._misfit(plugin)
        if misfit:
            self.pm.unregister(plugin)
            raise PluginLoadError(f"plugin {name!r} {misfit}", plugin=name)
        self._origin[name] = (None, None)
        if scoped:
            self.scoped.add(id(plugin))

    @contextlib.contextmanager
    def borrowed(self, plugins: Iterable[object]) -> Iterator[None]:
        """Register scoped plugins for the length of one operation (a login, a transact).

        Plugins that were not registered before are unregistered when the last operation
        using them ends, so per-call plugin instances do not pile up in a long-running app.
        """
        listed: list[object] = []
        try:
            for plugin in plugins:
                if not self.pm.is_registered(plugin):
                    self.add(plugin, scoped=True)  # raises for a plugin that does not fit
                    self._transient.add(id(plugin))
                self._borrows[id(plugin)] = self._borrows.get(id(plugin), 0) + 1
                listed.append(plugin)
            yield
        finally:  # also when a later plugin did not fit: release the ones taken before it
            for plugin in listed:
                key = id(plugin)
                self._borrows[key] -= 1
                if self._borrows[key] == 0:
                    del self._borrows[key]
                    if key in self._transient:
                        self._transient.discard(key)
                        self.scoped.discard(key)
                        name = self.pm.get_name(plugin)
                        self.pm.unregister(plugin)
                        self._origin.pop(name or "", None)

    def plugins(self) -> list[PluginInfo]:
        """The active plugins, in the order their hooks run (registration order)."""
        found: list[PluginInfo] = []
        for name, (distribution, version) in self._origin.items():
            plugin = self.pm.get_plugin(name)
            if plugin is None:
                continue
            hooks = tuple(sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or ()))
            found.append(
                PluginInfo(id=name, distribution=distribution, version=version, hooks=hooks)
            )
        return found

    def registered(self, kind: str) -> dict[str, Registration]:
        """What plugins registered of ``kind`` (``wallet``, ``ui``, ``storage``), by id."""
        return self.registrations[kind]

    def _load_entry_point(self, entry_point: EntryPoint) -> None:
        distribution = entry_point.dist.name if entry_point.dist is not None else None
        version = entry_point.dist.version if entry_point.dist is not None else None
        try:
            plugin = entry_point.load()
            if self.pm.is_registered(plugin):
                return
            self.pm.register(plugin, name=entry_point.name)
            misfit = self._misfit(plugin)
            if misfit:
                self.pm.unregister(plugin)
                raise LookupError(f"it {misfit}")
        except Exception as exc:
            error = PluginLoadError(
                f"plugin {entry_point.name!r} from {distribution or 'an unknown distribution'} "
                f"could not be loaded: {type(exc).__name__}: {exc}",
                plugin=entry_point.name,
                distribution=distribution,
            )
            error.__cause__ = exc
            self._fail(error)
            return
        self._origin[entry_point.name] = (distribution, version)
        self._discovered.add(entry_point.name)

    def _collect(self, kind: str) -> dict[str, Registration]:
        found: dict[str, Registration] = self.registrations.setdefault(kind, {})

        def register_for(plugin: str) -> Callable[..., None]:
            def register(factory: Callable[..., Any], *, id: str | None = None) -> None:
                found_id = id if id is not None else getattr(factory, "id", None)
                if not callable(factory):
                    raise TypeError(f"register() takes a class or factory, not {factory!r}")
                expected = _base_class(kind)
                if isinstance(factory, type) and not issubclass(factory, expected):
                    raise TypeError(
                        f"{_REGISTER_HOOKS[kind]} registers {expected.__name__} classes (or "
                        f"factories returning one); {factory.__name__} is not a subclass"
                    )
                if not isinstance(found_id, str) or _ID.fullmatch(found_id) is None:
                    raise TypeError(
                        f"{factory!r} needs an id of lowercase letters, digits, '.', '_' or '-' "
                        "(a class attribute 'id', or register(factory, id=...))"
                    )
                distribution = self._origin.get(plugin, (None, None))[0]
                if found_id in found:
                    other = found[found_id]
                    raise PluginConflictError(
                        f"{kind} id {found_id!r} is registered by plugin {plugin!r} "
                        f"({distribution or 'passed by the app'}) and by plugin {other.plugin!r} "
                        f"({other.distribution or 'passed by the app'}); uninstall or disable "
                        f"one (${DENY_ENV})",
                        plugin=plugin,
                        distribution=distribution,
                        hook=_REGISTER_HOOKS[kind],
                    )
                found[found_id] = Registration(kind, found_id, factory, plugin, distribution)

            return register

        def on_error(error: PluginError) -> None:
            failure = error
            if not isinstance(error, PluginLoadError):
                distribution = self._origin.get(error.plugin, (None, None))[0]
                failure = PluginLoadError(
                    str(error), plugin=error.plugin, distribution=distribution, hook=error.hook
                )
                failure.__cause__ = error.__cause__ or error
            assert isinstance(failure, PluginLoadError)
            if error.plugin not in self._discovered:
                raise failure  # a plugin the app passed: its mistake is the app's to fix
            self._fail(failure)
            self._drop(error.plugin)

        call_register_hook(self.pm, _REGISTER_HOOKS[kind], register_for, on_error)
        return found

    def _drop(self, name: str) -> None:
        """Unload a plugin whose registration failed, and what it registered before failing:
        a plugin listed in ``errors`` runs no hook."""
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        self._origin.pop(name, None)
        for registrations in self.registrations.values():
            for key in [key for key, found in registrations.items() if found.plugin == name]:
                del registrations[key]

    def _fail(self, error: PluginLoadError) -> None:
        if self.strict:
            raise error
        logger.warning("%s", error, exc_info=error.__cause__)
        self.errors.append(error)

    def _misfit(self, plugin: object) -> str | None:
        """What makes a registered plugin unfit to run, or None.

        pluggy checks argument names, but accepts hooks it does not know (a misspelt name would
        never run: this is ``check_pending()`` for one plugin) and silently never passes an
        argument that has a default.
        """
        known = _hook_names()
        callers = self.pm.get_hookcallers(plugin) or []
        unknown = sorted(caller.name for caller in callers if caller.name not in known)
        if unknown:
            return (
                f"implements {unknown}, which are not SessionKit hooks "
                f"(known: {sorted(known)}); check the spelling"
            )
        wrappers = sorted(
            caller.name
            for caller in callers
            for impl in caller.get_hookimpls()
            if impl.plugin is plugin and (impl.wrapper or impl.hookwrapper)
        )
        if wrappers:
            return (
                f"implements {wrappers} as hook wrappers, which SessionKit does not support "
                "(it awaits each hook; a wrapper cannot be awaited): use a plain @hookimpl, "
                "with tryfirst=True or trylast=True to run first or last"
            )
        defaulted = sorted(
            f"{caller.name}({', '.join(impl.kwargnames)})"
            for caller in callers
            for impl in caller.get_hookimpls()
            if impl.plugin is plugin and impl.kwargnames
        )
        if defaulted:
            return (
                f"gives hook arguments defaults: {', '.join(defaulted)}; a hook argument with a "
                "default is never passed (as in pluggy): remove the default"
            )
        return None


def plugin_name(plugin: object) -> str:
    """The id a plugin object is registered under: its ``id``, its module name, or its class."""
    given = getattr(plugin, "id", None)
    if isinstance(given, str) and given:
        return given
    module_name = getattr(plugin, "__name__", None)
    if isinstance(module_name, str):
        return module_name
    return f"{type(plugin).__name__}-{id(plugin):x}"


def _base_class(kind: str) -> type:
    """The class what a ``register_*`` hook registers must be (or be made by its factory)."""
    if kind == "wallet":
        from sessionkit.wallet import WalletPlugin

        return WalletPlugin
    if kind == "ui":
        from sessionkit.ui import UserInterface

        return UserInterface
    from sessionkit.storage import SessionStorage

    return SessionStorage


def _hook_names() -> set[str]:
    from sessionkit import hookspecs

    return {name for name in hookspecs.__all__ if name not in ("PROJECT", "hookimpl", "hookspec")}


def _env_ids(name: str) -> set[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def _selected_entry_points() -> list[EntryPoint]:
    from importlib.metadata import entry_points  # costs tens of ms: only when discovering

    from sessionkit import hookspecs

    allowed = _env_ids(ALLOW_ENV)
    denied = _env_ids(DENY_ENV) or set()
    chosen = []
    for entry_point in sorted(entry_points(group=hookspecs.PROJECT), key=lambda e: e.name):
        if allowed is not None and entry_point.name not in allowed:
            continue
        if entry_point.name in denied:
            continue
        chosen.append(entry_point)
    return chosen
