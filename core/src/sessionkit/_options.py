"""Checks of the options the kit and sessions take, shared by both."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sessionkit.errors import InvalidValue

if TYPE_CHECKING:
    from sessionkit.ui import UserInterface

__all__ = ["add_plugin_translations", "flag", "listed", "mapping", "seconds"]


def add_plugin_translations(ui: UserInterface, plugin: object) -> None:
    """Give ``ui`` a plugin's ``translations``, namespaced under the plugin's ``id``."""
    translations = getattr(plugin, "translations", None)
    if type(translations) is dict and not translations:  # most plugins have none
        return
    plugin_id = getattr(plugin, "id", None)
    if isinstance(translations, Mapping) and translations and isinstance(plugin_id, str):
        ui.add_translations({lang: {plugin_id: strings} for lang, strings in translations.items()})


def flag(value: object, name: str) -> bool:
    """``value`` if it is a bool; an `InvalidValue` naming the option otherwise."""
    if not isinstance(value, bool):
        raise InvalidValue(f"{name} must be True or False, not {value!r}")
    return value


def seconds(value: object) -> int:
    """An expiry in whole seconds from 1 to 3600 (the chain refuses more than an hour)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3600:
        raise InvalidValue(
            f"expire_seconds must be a whole number of seconds from 1 to 3600, not {value!r}"
        )
    return value


def listed(value: object, name: str) -> tuple[Any, ...]:
    """``value`` (a list, tuple or other iterable of items) as a tuple; an `InvalidValue`
    naming the option for a single item, a string or a mapping given in its place."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidValue(f"{name} is a list, e.g. {name}=[...], not {type(value).__name__}")
    return tuple(value)


def mapping(value: object, name: str) -> dict[str, Any]:
    """``value`` (a mapping, or None for none) as a dict; an `InvalidValue` otherwise."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidValue(f"{name} is a mapping, e.g. {name}={{...}}, not {type(value).__name__}")
    return dict(value)
