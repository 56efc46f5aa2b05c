"""Replace the ESR placeholder names in decoded action data, guided by the ABI types.

``............1`` stands for the signer's account and ``............2`` for its permission.
Only values whose ABI type is ``name`` are replaced: a memo string that happens to read
``............1`` stays as it is, as in the reference.

Each ``(ABI, type)`` is compiled once into a small function; types that cannot hold a name
compile to ``None`` so their values are skipped without being walked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sessionkit.antelope import ABI

__all__ = ["PLACEHOLDER_ACTOR", "PLACEHOLDER_PERMISSION", "resolve_placeholders"]

#: Resolves to the signer's account name (``uint64`` 1).
PLACEHOLDER_ACTOR = "............1"
#: Resolves to the signer's permission name (``uint64`` 2).
PLACEHOLDER_PERMISSION = "............2"

_Signer = tuple[str, str]
_Resolver = Callable[[Any, _Signer], Any]

_MAX_CACHED_ABIS = 256


def resolve_placeholders(abi: ABI, type_name: str, value: Any, signer: _Signer) -> Any:
    """``value`` (decoded as ``type_name`` of ``abi``) with placeholder names replaced.

    ``signer`` is ``(actor, permission)``. The input is not modified; parts without a
    placeholder are shared with it.
    """
    resolver = _compiler_for(abi).compile(type_name)
    return value if resolver is None else resolver(value, signer)


def _resolve_name(value: Any, signer: _Signer) -> Any:
    if value == PLACEHOLDER_ACTOR:
        return signer[0]
    if value == PLACEHOLDER_PERMISSION:
        return signer[1]
    return value


class _Compiler:
    """Compiles resolvers for the types of one ABI, caching them by type name."""

    def __init__(self, abi: ABI) -> None:
        self._aliases = {t.new_type_name: t.type for t in abi.types}
        self._structs = {s.name: s for s in abi.structs}
        self._variants = {v.name: list(v.types) for v in abi.variants}
        self._cache: dict[str, _Resolver | None] = {}
        self._in_progress: set[str] = set()

    def compile(self, type_name: str) -> _Resolver | None:
        if type_name in self._cache:
            return self._cache[type_name]
        if type_name in self._in_progress:
            # A recursive type: look the finished resolver up when it runs.
            return lambda value, signer: self._run_late(type_name, value, signer)
        self._in_progress.add(type_name)
        try:
            resolver = self._build(type_name)
        finally:
            self._in_progress.discard(type_name)
        self._cache[type_name] = resolver
        return resolver

    def _run_late(self, type_name: str, value: Any, signer: _Signer) -> Any:
        resolver = self._cache.get(type_name)
        return value if resolver is None else resolver(value, signer)

    def _build(self, type_name: str) -> _Resolver | None:
        if type_name.endswith(("$", "?")):
            return _optional(self.compile(type_name[:-1]))
        if type_name.endswith("]"):
            return _array(self.compile(type_name[: type_name.rindex("[")]))
        if type_name in self._aliases:
            return self.compile(self._aliases[type_name])
        if type_name in self._structs:
            return self._build_struct(type_name)
        if type_name in self._variants:
            return self._build_variant(type_name)
        if type_name == "name":
            return _resolve_name
        return None

    def _build_struct(self, type_name: str) -> _Resolver | None:
        fields: list[tuple[str, _Resolver]] = []
        seen: set[str] = set()
        struct = self._structs.get(type_name)
        while struct is not None and struct.name not in seen:
            seen.add(struct.name)
            fields[:0] = [
                (f.name, r) for f in struct.fields if (r := self.compile(f.type)) is not None
            ]
            struct = self._structs.get(struct.base) if struct.base else None
        return _struct(fields) if fields else None

    def _build_variant(self, type_name: str) -> _Resolver | None:
        options = {name: r for name in self._variants[type_name] if (r := self.compile(name))}
        return _variant(options) if options else None


def _optional(inner: _Resolver | None) -> _Resolver | None:
    if inner is None:
        return None

    def resolve(value: Any, signer: _Signer) -> Any:
        return None if value is None else inner(value, signer)

    return resolve


def _array(inner: _Resolver | None) -> _Resolver | None:
    if inner is None:
        return None

    def resolve(value: Any, signer: _Signer) -> Any:
        return [inner(item, signer) for item in value]

    return resolve


def _struct(fields: list[tuple[str, _Resolver]]) -> _Resolver:
    def resolve(value: Any, signer: _Signer) -> Any:
        out = dict(value)
        for name, inner in fields:
            if name in out:
                out[name] = inner(out[name], signer)
        return out

    return resolve


def _variant(options: dict[str, _Resolver]) -> _Resolver:
    def resolve(value: Any, signer: _Signer) -> Any:
        inner = options.get(value[0])
        return value if inner is None else [value[0], inner(value[1], signer)]

    return resolve


_compilers: dict[int, tuple[ABI, _Compiler]] = {}


def _compiler_for(abi: ABI) -> _Compiler:
    """The compiler of ``abi``, cached with the ABI itself (so its id stays unique)."""
    entry = _compilers.get(id(abi))
    if entry is not None and entry[0] is abi:
        return entry[1]
    compiler = _Compiler(abi)
    if len(_compilers) >= _MAX_CACHED_ABIS:
        del _compilers[next(iter(_compilers))]
    _compilers[id(abi)] = (abi, compiler)
    return compiler
