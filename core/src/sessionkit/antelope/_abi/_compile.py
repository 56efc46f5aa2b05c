"""Compile ABI type names into encoder/decoder closures, once per type and ABI.

A type name is resolved like the reference does: suffixes first (``$`` binary extension,
``?`` optional, ``[]`` array, plus ``[N]`` fixed arrays), then an alias from ``types``, a
struct, a variant, and finally a builtin. Recursive types compile to a small indirection
that looks the finished coder up at call time.

A binary extension field (``T$``) that is None or missing is left out of the encoding, and
with it every later field; when the data ends before it, it decodes as None. (So an absent
``T?$`` and a present-but-null one both read back as None and encode as absent.)
"""

from __future__ import annotations

import re
import struct
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from sessionkit.antelope._prim_varint import encode_varuint32, read_varuint32
from sessionkit.errors import ABIError, DecodeError, EncodeError

from ._builtins import builtin_coder
from ._io import Coder, located

if TYPE_CHECKING:
    from ._model import ABI, AbiStruct

__all__ = ["Compiler"]

_FIXED_ARRAY = re.compile(r"(.+)\[([0-9]{1,6})\]")
_TRUNCATED = "unexpected end of data"


class _Field(NamedTuple):
    name: str
    coder: Coder
    nullable: bool
    extension: bool


class Compiler:
    """The compiled coders of one ABI; ``coder(type_name)`` compiles on first use."""

    def __init__(self, abi: ABI) -> None:
        self._aliases = _first_wins((t.new_type_name, t.type) for t in abi.types)
        self._structs = _first_wins((s.name, s) for s in abi.structs)
        self._variants = _first_wins((v.name, v.types) for v in abi.variants)
        self._coders: dict[str, Coder] = {}
        self._building: list[str] = []
        self._acyclic_aliases: set[str] = set()
        self._lock = threading.RLock()

    def coder(self, type_name: str) -> Coder:
        """The coder of ``type_name``; ``ABIError`` if it (or a type it uses) is unknown."""
        try:
            return self._coders[type_name]
        except (KeyError, TypeError):
            if not isinstance(type_name, str):
                raise ABIError(f"a type name is a string, not {type(type_name).__name__}") from None
        with self._lock:
            known = set(self._coders)
            try:
                return self._compile(type_name)
            except RecursionError:
                self._forget_since(known)
                raise ABIError(f"type {type_name[:80]!r} is nested too deeply") from None
            except BaseException:
                self._forget_since(known)
                raise

    def _forget_since(self, known: set[str]) -> None:
        """Drop the coders of a compile that failed: they may point at unfinished types."""
        for name in set(self._coders) - known:
            del self._coders[name]
        self._building.clear()

    def _compile(self, type_name: str) -> Coder:
        coder = self._coders.get(type_name)
        if coder is not None:
            return coder
        if type_name in self._building:
            return self._deferred(type_name)
        self._building.append(type_name)
        try:
            coder = self._build(type_name)
        finally:
            self._building.pop()
        self._coders[type_name] = coder
        return coder

    def _is_nullable(self, type_name: str) -> bool:
        """Whether ``None`` is a valid value (an optional, possibly behind aliases)."""
        seen = set()
        while type_name in self._aliases and type_name not in seen:
            seen.add(type_name)
            type_name = self._aliases[type_name]
        return type_name.endswith(("?", "$"))

    def _build(self, type_name: str) -> Coder:
        if type_name.endswith("$"):
            return _extension(self._compile(type_name[:-1]))
        if type_name.endswith("?"):
            return _optional(self._compile(type_name[:-1]))
        if type_name.endswith("[]"):
            return _array(self._compile(type_name[:-2]))
        fixed = _FIXED_ARRAY.fullmatch(type_name)
        if fixed is not None:
            return _fixed_array(self._compile(fixed[1]), int(fixed[2]))
        target = self._aliases.get(type_name)
        if target is not None:
            self._check_alias_chain(type_name)
            return self._compile(target)
        struct_def = self._structs.get(type_name)
        if struct_def is not None:
            return self._struct(struct_def)
        variant_types = self._variants.get(type_name)
        if variant_types is not None:
            return _variant(type_name, variant_types, [self._compile(t) for t in variant_types])
        builtin = builtin_coder(type_name)
        if builtin is not None:
            return builtin
        raise ABIError(f"unknown ABI type {type_name[:100]!r}")

    def _check_alias_chain(self, type_name: str) -> None:
        """Reject an alias that leads back to itself through aliases only."""
        seen = {type_name}
        target = self._aliases[type_name]
        while target in self._aliases and target not in self._acyclic_aliases:
            if target in seen:
                raise ABIError(f"type alias {type_name!r} refers to itself through {target!r}")
            seen.add(target)
            target = self._aliases[target]
        self._acyclic_aliases.update(seen)

    def _deferred(self, type_name: str) -> Coder:
        coders = self._coders

        def encode(value: Any, out: bytearray) -> None:
            coders[type_name].encode(value, out)

        def decode(data: bytes, pos: int) -> tuple[Any, int]:
            return coders[type_name].decode(data, pos)

        return Coder(encode, decode)

    def _struct_fields(self, struct_def: AbiStruct) -> list[tuple[str, str]]:
        chain = [struct_def]
        while chain[-1].base:
            base = self._structs.get(chain[-1].base)
            if base is None:
                raise ABIError(f"struct {chain[-1].name!r} has unknown base {chain[-1].base!r}")
            if any(base is seen for seen in chain):
                raise ABIError(f"struct {struct_def.name!r} inherits from itself")
            chain.append(base)
        return [(f.name, f.type) for s in reversed(chain) for f in s.fields]

    def _struct(self, struct_def: AbiStruct) -> Coder:
        fields = [
            _Field(
                name, self._compile(type_name), self._is_nullable(type_name), type_name[-1:] == "$"
            )
            for name, type_name in self._struct_fields(struct_def)
        ]
        split = next((i for i, f in enumerate(fields) if f.extension), len(fields))
        return _struct(struct_def.name, fields[:split], fields[split:])


def _first_wins(items: Any) -> dict[str, Any]:
    """A lookup where the first definition of a name counts (as in the reference)."""
    table: dict[str, Any] = {}
    for key, value in items:
        table.setdefault(key, value)
    return table


def _struct(name: str, head: list[_Field], tail: list[_Field]) -> Coder:
    """Fields in order; ``tail`` starts at the first binary extension and may end early."""
    head_fields = [(f.name, f.coder.encode, f.nullable) for f in head]
    head_decoders = [(f.name, f.coder.decode) for f in head]
    known = frozenset(f.name for f in (*head, *tail))

    def encode(value: Any, out: bytearray) -> None:
        if type(value) is not dict and not isinstance(value, Mapping):
            value = _as_mapping(value, name)
        if not known.issuperset(value):
            raise _unknown_fields(name, value, known)
        get = value.get
        for field_name, field_encode, nullable in head_fields:
            item = get(field_name)
            if item is None and not nullable:
                raise located(EncodeError("missing field (or null)"), "." + field_name)
            try:
                field_encode(item, out)
            except EncodeError as exc:
                located(exc, "." + field_name)
                raise
        if tail:
            _encode_tail(tail, get, out)

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        result: dict[str, Any] = {}
        for field_name, field_decode in head_decoders:
            try:
                result[field_name], pos = field_decode(data, pos)
            except DecodeError as exc:
                located(exc, "." + field_name)
                raise
            except struct.error:
                raise located(DecodeError(_TRUNCATED), "." + field_name) from None
        if tail:
            pos = _decode_tail(tail, data, pos, result)
        return result, pos

    return Coder(encode, decode)


def _unknown_fields(
    struct_name: str, value: Mapping[str, Any], known: frozenset[str]
) -> EncodeError:
    """Refuse keys the struct does not have: a misspelt optional field would be lost silently."""
    unknown = ", ".join(repr(key) for key in value if key not in known)
    fields = ", ".join(sorted(known)) or "none"
    return EncodeError(f"struct {struct_name!r} has no field {unknown} (its fields: {fields})")


def _as_mapping(value: Any, struct_name: str) -> Mapping[str, Any]:
    """A value type's JSON object (``PermissionLevel`` for ``permission_level``...)."""
    to_json = getattr(value, "to_json", None)
    as_json = to_json() if callable(to_json) and not isinstance(value, type) else None
    if not isinstance(as_json, Mapping):
        kind = type(value).__name__
        raise EncodeError(f"expected an object for struct {struct_name!r}, got {kind}")
    return as_json


def _encode_tail(tail: list[_Field], get: Any, out: bytearray) -> None:
    """Encode fields from the first binary extension on; absent extensions end the struct."""
    absent = None
    for field in tail:
        item = get(field.name)
        if item is None and field.extension:
            absent = absent or field.name
            continue
        if absent is not None:
            message = f"binary extension {absent!r} is absent, so later fields must be too"
            raise located(EncodeError(message), "." + field.name)
        if item is None and not field.nullable:
            raise located(EncodeError("missing field (or null)"), "." + field.name)
        try:
            field.coder.encode(item, out)
        except EncodeError as exc:
            located(exc, "." + field.name)
            raise


def _decode_tail(tail: list[_Field], data: bytes, pos: int, result: dict[str, Any]) -> int:
    """Decode fields from the first binary extension on; missing extensions decode as None."""
    for field in tail:
        if field.extension and pos == len(data):
            result[field.name] = None
            continue
        try:
            result[field.name], pos = field.coder.decode(data, pos)
        except DecodeError as exc:
            located(exc, "." + field.name)
            raise
        except struct.error:
            raise located(DecodeError(_TRUNCATED), "." + field.name) from None
    return pos


def _optional(inner: Coder) -> Coder:
    inner_encode, inner_decode = inner

    def encode(value: Any, out: bytearray) -> None:
        if value is None:
            out.append(0)
        else:
            out.append(1)
            inner_encode(value, out)

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        if pos >= len(data):
            raise DecodeError(f"{_TRUNCATED}: an optional's presence byte is missing")
        flag = data[pos]
        if flag == 0:
            return None, pos + 1
        if flag != 1:
            raise DecodeError(f"invalid optional presence byte {flag}: expected 0 or 1")
        return inner_decode(data, pos + 1)

    return Coder(encode, decode)


def _extension(inner: Coder) -> Coder:
    """A binary extension outside a struct: None writes nothing, the end of data reads None."""
    inner_encode, inner_decode = inner

    def encode(value: Any, out: bytearray) -> None:
        if value is not None:
            inner_encode(value, out)

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        if pos == len(data):
            return None, pos
        return inner_decode(data, pos)

    return Coder(encode, decode)


def _check_array(value: Any) -> list[Any] | tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise EncodeError(f"expected an array, got {type(value).__name__}")
    return value


def _encode_items(items: list[Any] | tuple[Any, ...], encode: Any, out: bytearray) -> None:
    for index, item in enumerate(items):
        try:
            encode(item, out)
        except EncodeError as exc:
            located(exc, f"[{index}]")
            raise


def _decode_items(count: int, decode: Any, data: bytes, pos: int) -> tuple[list[Any], int]:
    items = []
    for index in range(count):
        try:
            item, pos = decode(data, pos)
        except DecodeError as exc:
            located(exc, f"[{index}]")
            raise
        except struct.error:
            raise located(DecodeError(_TRUNCATED), f"[{index}]") from None
        items.append(item)
    return items, pos


def _array(inner: Coder) -> Coder:
    """``T[]``: a varuint32 count, then the items.

    A count larger than the bytes left is rejected before reading, so garbage cannot make the
    decoder loop for billions of items (an array of empty structs is the only casualty).
    """
    inner_encode, inner_decode = inner

    def encode(value: Any, out: bytearray) -> None:
        items = _check_array(value)
        out += encode_varuint32(len(items))
        _encode_items(items, inner_encode, out)

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        count, pos = read_varuint32(data, pos)
        if count > len(data) - pos:
            raise DecodeError(f"array of {count} items is longer than the remaining data")
        return _decode_items(count, inner_decode, data, pos)

    return Coder(encode, decode)


def _fixed_array(inner: Coder, size: int) -> Coder:
    """``T[N]``: exactly N items and no length prefix."""
    inner_encode, inner_decode = inner

    def encode(value: Any, out: bytearray) -> None:
        items = _check_array(value)
        if len(items) != size:
            raise EncodeError(f"expected exactly {size} items, got {len(items)}")
        _encode_items(items, inner_encode, out)

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        return _decode_items(size, inner_decode, data, pos)

    return Coder(encode, decode)


def _variant(name: str, types: tuple[str, ...], coders: list[Coder]) -> Coder:
    """``["type_name", value]`` in JSON; a varuint32 index then the value in binary."""
    index_of = {t: i for i, t in reversed(list(enumerate(types)))}
    choices = ", ".join(types)

    def encode(value: Any, out: bytearray) -> None:
        if not (isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], str)):
            raise EncodeError(f'expected ["type", value] for variant {name!r} (one of {choices})')
        index = index_of.get(value[0])
        if index is None:
            raise EncodeError(f"unknown type {value[0]!r} for variant {name!r}: expected {choices}")
        out += encode_varuint32(index)
        try:
            coders[index].encode(value[1], out)
        except EncodeError as exc:
            located(exc, f"<{value[0]}>")
            raise

    def decode(data: bytes, pos: int) -> tuple[Any, int]:
        index, pos = read_varuint32(data, pos)
        if index >= len(types):
            raise DecodeError(f"variant {name!r} has no type at index {index}")
        try:
            value, pos = coders[index].decode(data, pos)
        except DecodeError as exc:
            located(exc, f"<{types[index]}>")
            raise
        except struct.error:
            raise located(DecodeError(_TRUNCATED), f"<{types[index]}>") from None
        return [types[index], value], pos

    return Coder(encode, decode)
