"""How the codec reads a type name: wrappers, aliases, structs with their bases, variants.

A name is read like the reference does: its wrappers first, from the outside in (``$`` binary
extension, ``?`` optional, ``[]`` array, ``[N]`` fixed array), then an alias from ``types``
(whose target may add wrappers of its own), a struct, a variant, and finally a builtin. The
first definition of a name counts. Every answer is memoized and computed without recursion,
so reading a whole ABI costs time and memory in proportion to its size.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeVar

from sessionkit.errors import ABIError

from ._builtins import BUILTIN_NAMES
from ._io import brief
from ._limits import MAX_NESTING, MAX_TYPE_NAME_LENGTH

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ._model import ABI, AbiField, AbiStruct

__all__ = ["ResolvedType", "TypeTable"]

_FIXED_SIZE = re.compile(r"[0-9]{1,6}")

Kind = Literal["builtin", "struct", "variant"]
_T = TypeVar("_T")


class ResolvedType(NamedTuple):
    """A type name as the codec reads it.

    ``name`` is the struct, variant or builtin it stands for once aliases are followed, and
    ``wrappers`` what surrounds it, innermost first (``"bool[]?"`` is ``("[]", "?")``). A
    struct's ``fields`` come with its bases' fields first; a variant's ``types`` are its
    alternatives in index order.
    """

    kind: Kind
    name: str
    wrappers: tuple[str, ...] = ()
    fields: tuple[AbiField, ...] = ()
    types: tuple[str, ...] = ()


class TypeTable:
    """The named types of one ABI, and the resolution of any type name against them."""

    def __init__(self, abi: ABI) -> None:
        self._aliases = _first_wins((t.new_type_name, t.type) for t in abi.types)
        self._structs = _first_wins((s.name, s) for s in abi.structs)
        self._variants = _first_wins((v.name, v.types) for v in abi.variants)
        self._expanded: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._bad_aliases: dict[str, str] = {}
        self._fields: dict[str, tuple[AbiField, ...]] = {}
        self._resolved: dict[str, ResolvedType | str] = {}

    def resolve(self, type_name: str) -> ResolvedType:
        """How ``type_name`` reads; ``ABIError`` if it names nothing or breaks a limit."""
        _check_name(type_name)
        found = self._resolved.get(type_name)
        if found is None:
            try:
                found = self._resolve(type_name)
            except ABIError as exc:
                found = str(exc)
            self._resolved[type_name] = found
        if isinstance(found, str):
            raise ABIError(found)
        return found

    def _resolve(self, type_name: str) -> ResolvedType:
        base, wrappers = _split(type_name)
        if base in self._aliases:
            base, inner = self._expand(base)
            wrappers = inner + wrappers
            if len(wrappers) > MAX_NESTING:
                raise _too_deep(type_name)
        struct_def = self._structs.get(base)
        if struct_def is not None:
            return ResolvedType("struct", base, wrappers, fields=self._struct_fields(struct_def))
        variant_types = self._variants.get(base)
        if variant_types is not None:
            return ResolvedType("variant", base, wrappers, types=variant_types)
        if base in BUILTIN_NAMES:
            return ResolvedType("builtin", base, wrappers)
        raise ABIError(f"unknown ABI type {base[:100]!r}")

    def _expand(self, alias: str) -> tuple[str, tuple[str, ...]]:
        """What ``alias`` stands for: a non-alias name and the wrappers the aliases added.

        The chain of aliases is walked once and every alias on it memoized, with its error if
        the chain loops, leads to a bad name or gathers too many wrappers.
        """
        chain: list[str] = []
        on_chain: set[str] = set()
        added: list[tuple[str, ...]] = []
        name = alias
        try:
            while name in self._aliases and name not in self._expanded:
                error = self._bad_aliases.get(name)
                if error is not None:
                    raise ABIError(error)
                if name in on_chain:
                    raise ABIError(
                        f"type alias {brief(name, 80)} refers to itself through other aliases"
                    )
                chain.append(name)
                on_chain.add(name)
                name, wrappers = _split(self._aliases[name])
                added.append(wrappers)
            base, inner = self._expanded.get(name, (name, ()))
            for index in range(len(chain) - 1, -1, -1):
                inner += added[index]
                if len(inner) > MAX_NESTING:
                    raise _too_deep(chain[index])
                self._expanded[chain[index]] = (base, inner)
        except ABIError as exc:
            bad = (n for n in chain if n not in self._expanded)
            self._bad_aliases.update(dict.fromkeys(bad, str(exc)))
            raise
        return base, inner

    def _struct_fields(self, struct_def: AbiStruct) -> tuple[AbiField, ...]:
        """The fields of a struct, its bases' first (at most ``MAX_NESTING`` bases deep)."""
        found = self._fields.get(struct_def.name)
        if found is not None:
            return found
        chain = [struct_def]
        names = {struct_def.name}
        while chain[-1].base:
            base = self._structs.get(chain[-1].base)
            if base is None:
                raise ABIError(
                    f"struct {brief(chain[-1].name, 80)} has unknown base "
                    f"{brief(chain[-1].base, 80)}"
                )
            if base.name in names:
                raise ABIError(f"struct {brief(struct_def.name, 80)} inherits from itself")
            if len(chain) > MAX_NESTING:
                raise ABIError(
                    f"struct {brief(struct_def.name, 80)} has more than {MAX_NESTING} levels of "
                    "base structs"
                )
            chain.append(base)
            names.add(base.name)
        fields = tuple(f for s in reversed(chain) for f in s.fields)
        self._fields[struct_def.name] = fields
        return fields


def _check_name(type_name: str) -> None:
    if not isinstance(type_name, str):
        raise ABIError(f"a type name is a string, not {type(type_name).__name__}")
    if len(type_name) > MAX_TYPE_NAME_LENGTH:
        raise ABIError(
            f"type name {type_name[:40]!r}... is {len(type_name)} characters long; "
            f"at most {MAX_TYPE_NAME_LENGTH} are accepted"
        )


def _split(type_name: str) -> tuple[str, tuple[str, ...]]:
    """The name inside the wrappers of ``type_name``, and the wrappers, innermost first."""
    _check_name(type_name)
    outside_in: list[str] = []
    name = type_name
    while True:
        if name.endswith(("$", "?")):
            wrapper = name[-1]
        elif name.endswith("[]"):
            wrapper = "[]"
        elif name.endswith("]") and (open_at := name.rfind("[")) > 0:
            if not _FIXED_SIZE.fullmatch(name, open_at + 1, len(name) - 1):
                break
            wrapper = name[open_at:]
        else:
            break
        if len(outside_in) == MAX_NESTING:
            raise _too_deep(type_name)
        outside_in.append(wrapper)
        name = name[: -len(wrapper)]
    return name, tuple(reversed(outside_in))


def _too_deep(type_name: str) -> ABIError:
    return ABIError(
        f"type {type_name[:80]!r} is nested too deeply: more than {MAX_NESTING} wrappers "
        "([], [N], ?, $) once its aliases are followed"
    )


def _first_wins(items: Iterable[tuple[str, _T]]) -> dict[str, _T]:
    """A lookup where the first definition of a name counts (as in the reference)."""
    table: dict[str, _T] = {}
    for key, value in items:
        table.setdefault(key, value)
    return table
