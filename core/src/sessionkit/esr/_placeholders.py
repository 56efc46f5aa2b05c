"""Replace the ESR placeholder names in decoded action data, guided by the ABI types.

``............1`` stands for the signer's account and ``............2`` for its permission.
Only values whose ABI type is ``name`` are replaced: a memo string that happens to read
``............1`` stays as it is, as in the reference.

Types are read by the codec itself (``ABI.resolve_type``), so the walk and the decoder agree on
every alias, struct and variant, and the walk stops at the decoder's nesting limit. Each type
gets a small resolver on first use (None for types that are no ``name``: their values are
shared, not walked); a struct looks up its fields' resolvers on its first call, so building
never recurses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sessionkit.antelope._abi import MAX_NESTING
from sessionkit.errors import DecodeError

if TYPE_CHECKING:
    from sessionkit.antelope import ABI, AbiField

__all__ = ["PLACEHOLDER_ACTOR", "PLACEHOLDER_PERMISSION", "resolve_placeholders"]

#: Resolves to the signer's account name (``uint64`` 1).
PLACEHOLDER_ACTOR = "............1"
#: Resolves to the signer's permission name (``uint64`` 2).
PLACEHOLDER_PERMISSION = "............2"

_Signer = tuple[str, str]
_Resolver = Callable[[Any, _Signer, int], Any]

_MAX_CACHED_ABIS = 256


def resolve_placeholders(abi: ABI, type_name: str, value: Any, signer: _Signer) -> Any:
    """``value`` (decoded as ``type_name`` of ``abi``) with placeholder names replaced.

    ``signer`` is ``(actor, permission)``. The input is not modified; values of builtin types
    other than ``name`` are shared with it. ``DecodeError`` if the value nests deeper than the
    decoder allows.
    """
    resolver = _resolvers_for(abi).get(type_name)
    return value if resolver is None else resolver(value, signer, 1)


class _Resolvers:
    """The resolvers of one ABI's types, by type name."""

    def __init__(self, abi: ABI) -> None:
        self._resolve_type = abi.resolve_type
        self._built: dict[str, _Resolver | None] = {}

    def get(self, type_name: str) -> _Resolver | None:
        if type_name in self._built:
            return self._built[type_name]
        resolved = self._resolve_type(type_name)
        resolver: _Resolver | None
        if resolved.kind == "builtin":
            resolver = _name if resolved.name == "name" else None
        elif resolved.wrappers:
            resolver = self.get(resolved.name)
        elif resolved.kind == "struct":
            resolver = self._struct(resolved.fields)
        else:
            resolver = self._variant(resolved.types)
        for wrapper in resolved.wrappers:
            if resolver is not None:
                resolver = _optional(resolver) if wrapper in ("?", "$") else _array(resolver)
        self._built[type_name] = resolver
        return resolver

    def _struct(self, fields: tuple[AbiField, ...]) -> _Resolver:
        plan: list[tuple[str, _Resolver]] | None = None

        def resolve(value: Any, signer: _Signer, depth: int) -> Any:
            nonlocal plan
            if plan is None:
                plan = [(f.name, r) for f in fields if (r := self.get(f.type)) is not None]
            _check_depth(depth)
            out = dict(value)
            for name, inner in plan:
                if name in out:
                    out[name] = inner(out[name], signer, depth + 1)
            return out

        return resolve

    def _variant(self, types: tuple[str, ...]) -> _Resolver:
        def resolve(value: Any, signer: _Signer, depth: int) -> Any:
            _check_depth(depth)
            choice, inner = value
            if choice not in types:
                return value
            resolver = self.get(choice)
            return value if resolver is None else [choice, resolver(inner, signer, depth + 1)]

        return resolve


def _name(value: Any, signer: _Signer, depth: int) -> Any:
    if value == PLACEHOLDER_ACTOR:
        return signer[0]
    if value == PLACEHOLDER_PERMISSION:
        return signer[1]
    return value


def _optional(inner: _Resolver) -> _Resolver:
    def resolve(value: Any, signer: _Signer, depth: int) -> Any:
        if value is None:
            return None
        _check_depth(depth)
        return inner(value, signer, depth + 1)

    return resolve


def _array(inner: _Resolver) -> _Resolver:
    def resolve(value: Any, signer: _Signer, depth: int) -> Any:
        _check_depth(depth)
        return [inner(item, signer, depth + 1) for item in value]

    return resolve


def _check_depth(depth: int) -> None:
    if depth > MAX_NESTING:
        raise DecodeError(f"values nest more than {MAX_NESTING} levels deep")


_cache: dict[int, tuple[ABI, _Resolvers]] = {}


def _resolvers_for(abi: ABI) -> _Resolvers:
    """The resolvers of ``abi``, cached with the ABI itself (so its id stays unique)."""
    entry = _cache.get(id(abi))
    if entry is not None and entry[0] is abi:
        return entry[1]
    resolvers = _Resolvers(abi)
    if len(_cache) >= _MAX_CACHED_ABIS:
        del _cache[next(iter(_cache))]
    _cache[id(abi)] = (abi, resolvers)
    return resolvers
