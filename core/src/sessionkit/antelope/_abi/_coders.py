"""The encoder/decoder closures of ABI types: structs, variants and the wrappers around types.

Struct and variant coders are created empty and filled in place once the coders of their members
exist, so types that use each other (or themselves) call each other directly. Every coder takes
the nesting level of its value (the top one is 1: a container refuses to go past
``MAX_NESTING``) and the call's ``Work`` list, which what can occupy no bytes (a struct or
``T[N]`` whose values can, struct tails of binary extensions) charges with the values it
produces (``_limits``), so no data or value makes a call run away.

A binary extension field (``T$``) that is None or missing is left out of the encoding, and
with it every later field; when the data ends before it, it decodes as None. (So an absent
``T?$`` and a present-but-null one both read back as None and encode as absent.)
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from sessionkit.antelope._prim_varint import encode_varuint32, read_varuint32
from sessionkit.errors import DecodeError, EncodeError

from ._io import Coder, brief, located
from ._limits import LIMIT, MAX_NESTING, SPENT, WORK_PER_BYTE, too_deep, too_much

if TYPE_CHECKING:
    from ._io import Decoder, Encoder
    from ._limits import Work

__all__ = ["Field", "struct_coder", "variant_coder", "wrap"]

_TRUNCATED = "unexpected end of data"


class Field(NamedTuple):
    """A struct field, compiled: ``nullable`` if None is a value, ``extension`` if ``T$``."""

    name: str
    coder: Coder
    nullable: bool
    extension: bool


def wrap(wrapper: str, inner: Coder, inner_can_be_empty: bool) -> Coder:
    """The coder of ``inner`` inside one wrapper: ``$``, ``?``, ``[]`` or ``[N]``.

    ``inner_can_be_empty``: whether a value of the inner type can occupy no bytes; a ``T[N]``
    whose items can (or ``T[0]``) is charged for its items, since no bytes bound them.
    """
    if wrapper == "$":
        return _extension(inner)
    if wrapper == "?":
        return _optional(inner)
    if wrapper == "[]":
        return _array(inner)
    size = int(wrapper[1:-1])
    return _fixed_array(inner, size, max(size, 1) if inner_can_be_empty or size == 0 else 0)


def struct_coder(name: str, charge: int) -> tuple[Coder, Callable[[list[Field]], None]]:
    """A struct's coder, and the function that gives it its fields once they are compiled.

    ``charge``: values to count per value of the struct (its fields up to the first binary
    extension, at least one), or 0 when every value of it occupies bytes, which bound the work
    already. Fields are kept in order; ``tail`` starts
    at the first binary extension and may end early.
    """
    head_fields: list[tuple[str, Encoder, bool]] = []
    head_decoders: list[tuple[str, Decoder]] = []
    tail: list[Field] = []
    known: set[str] = set()

    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        if type(value) is not dict and not isinstance(value, Mapping):
            value = _as_mapping(value, name)
        if not known.issuperset(value):
            raise _unknown_fields(name, value, known)
        if depth > MAX_NESTING:
            raise too_deep(EncodeError)
        depth += 1
        get = value.get
        for field_name, field_encode, nullable in head_fields:
            item = get(field_name)
            if item is None and not nullable:
                raise located(EncodeError("missing field (or null)"), "." + field_name)
            try:
                field_encode(item, out, work, depth)
            except EncodeError as exc:
                located(exc, "." + field_name)
                raise
        if tail:
            _encode_tail(tail, get, out, work, depth)
        if charge:
            _spend(work, charge, out)

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        if depth > MAX_NESTING:
            raise too_deep(DecodeError)
        depth += 1
        if charge:
            work[SPENT] += charge
            if work[SPENT] > work[LIMIT]:
                raise too_much(work, DecodeError)
        result: dict[str, Any] = {}
        for field_name, field_decode in head_decoders:
            try:
                result[field_name], pos = field_decode(data, pos, work, depth)
            except DecodeError as exc:
                located(exc, "." + field_name)
                raise
            except struct.error:
                raise located(DecodeError(_TRUNCATED), "." + field_name) from None
        if tail:
            pos = _decode_tail(tail, data, pos, result, work, depth=depth)
        return result, pos

    def fill(fields: list[Field]) -> None:
        split = next((i for i, f in enumerate(fields) if f.extension), len(fields))
        head_fields[:] = [(f.name, f.coder.encode, f.nullable) for f in fields[:split]]
        head_decoders[:] = [(f.name, f.coder.decode) for f in fields[:split]]
        tail[:] = fields[split:]
        known.update(f.name for f in fields)

    return Coder(encode, decode), fill


def _spend(work: Work, values: int, out: bytearray) -> None:
    """Charge an encode for ``values`` it wrote; refuse once it passes its budget."""
    work[SPENT] += values
    if work[SPENT] > work[LIMIT] and work[SPENT] > WORK_PER_BYTE * len(out):
        raise too_much(work, EncodeError, len(out))


def _unknown_fields(struct_name: str, value: Mapping[Any, Any], known: set[str]) -> EncodeError:
    """Refuse keys the struct does not have: a misspelt optional field would be lost silently."""
    unknown = ", ".join(brief(key) for key in value if key not in known)
    fields = ", ".join(sorted(known)) or "none"
    return EncodeError(f"struct {struct_name!r} has no field {unknown} (its fields: {fields})")


def _as_mapping(value: Any, struct_name: str) -> Mapping[str, Any]:
    """A value type's JSON object (``PermissionLevel`` for ``permission_level``...)."""
    kind = type(value).__name__
    try:
        to_json = getattr(value, "to_json", None)
        as_json = to_json() if callable(to_json) and not isinstance(value, type) else None
    except Exception as exc:  # the value's own code: report it as this value's problem
        raise EncodeError(
            f"expected an object for struct {struct_name!r}, got {kind} whose to_json() "
            f"failed: {type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(as_json, Mapping):
        raise EncodeError(f"expected an object for struct {struct_name!r}, got {kind}")
    return as_json


def _encode_tail(tail: list[Field], get: Any, out: bytearray, work: Work, depth: int) -> None:
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
            field.coder.encode(item, out, work, depth)
        except EncodeError as exc:
            located(exc, "." + field.name)
            raise
    _spend(work, len(tail), out)


def _decode_tail(
    tail: list[Field], data: bytes, pos: int, result: dict[str, Any], work: Work, *, depth: int
) -> int:
    """Decode fields from the first binary extension on; missing extensions decode as None."""
    work[SPENT] += len(tail)
    if work[SPENT] > work[LIMIT]:
        raise too_much(work, DecodeError)
    for field in tail:
        if field.extension and pos == len(data):
            result[field.name] = None
            continue
        try:
            result[field.name], pos = field.coder.decode(data, pos, work, depth)
        except DecodeError as exc:
            located(exc, "." + field.name)
            raise
        except struct.error:
            raise located(DecodeError(_TRUNCATED), "." + field.name) from None
    return pos


def _optional(inner: Coder) -> Coder:
    inner_encode, inner_decode = inner

    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        if value is None:
            out.append(0)
            return
        if depth > MAX_NESTING:
            raise too_deep(EncodeError)
        out.append(1)
        inner_encode(value, out, work, depth + 1)

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        if pos >= len(data):
            raise DecodeError(f"{_TRUNCATED}: an optional's presence byte is missing")
        flag = data[pos]
        if flag == 0:
            return None, pos + 1
        if flag != 1:
            raise DecodeError(f"invalid optional presence byte {flag}: expected 0 or 1")
        if depth > MAX_NESTING:
            raise too_deep(DecodeError)
        return inner_decode(data, pos + 1, work, depth + 1)

    return Coder(encode, decode)


def _extension(inner: Coder) -> Coder:
    """A binary extension outside a struct: None writes nothing, the end of data reads None."""
    inner_encode, inner_decode = inner

    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        if value is None:
            return
        if depth > MAX_NESTING:
            raise too_deep(EncodeError)
        inner_encode(value, out, work, depth + 1)

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        if pos == len(data):
            return None, pos
        if depth > MAX_NESTING:
            raise too_deep(DecodeError)
        return inner_decode(data, pos, work, depth + 1)

    return Coder(encode, decode)


def _check_array(value: Any) -> list[Any] | tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise EncodeError(f"expected an array, got {type(value).__name__}")
    return value


def _encode_items(
    items: list[Any] | tuple[Any, ...], encode: Encoder, out: bytearray, work: Work, depth: int
) -> None:
    if depth > MAX_NESTING:
        raise too_deep(EncodeError)
    depth += 1
    for index, item in enumerate(items):
        try:
            encode(item, out, work, depth)
        except EncodeError as exc:
            located(exc, f"[{index}]")
            raise


def _decode_items(
    count: int, decode: Decoder, data: bytes, pos: int, work: Work, *, depth: int
) -> tuple[list[Any], int]:
    if depth > MAX_NESTING:
        raise too_deep(DecodeError)
    depth += 1
    items = []
    for index in range(count):
        try:
            item, pos = decode(data, pos, work, depth)
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
    decoder loop for billions of items (an array of empty structs is the only casualty), and
    the items need no other charge.
    """
    inner_encode, inner_decode = inner

    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        items = _check_array(value)
        if len(items) > 0xFFFF_FFFF:
            raise EncodeError(f"an array holds at most 2**32 - 1 items, not {len(items)}")
        out += encode_varuint32(len(items))
        _encode_items(items, inner_encode, out, work, depth)

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        count, pos = read_varuint32(data, pos)
        if count > len(data) - pos:
            raise DecodeError(f"array of {count} items is longer than the remaining data")
        return _decode_items(count, inner_decode, data, pos, work, depth=depth)

    return Coder(encode, decode)


def _fixed_array(inner: Coder, size: int, charge: int) -> Coder:
    """``T[N]``: exactly N items and no length prefix; ``charge`` values per decode when the
    items can occupy no bytes (otherwise the data ends before a huge N is read)."""
    inner_encode, inner_decode = inner

    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        items = _check_array(value)
        if len(items) != size:
            raise EncodeError(f"expected exactly {size} items, got {len(items)}")
        _encode_items(items, inner_encode, out, work, depth)

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        if charge:
            work[SPENT] += charge
            if work[SPENT] > work[LIMIT]:
                raise too_much(work, DecodeError)
        return _decode_items(size, inner_decode, data, pos, work, depth=depth)

    return Coder(encode, decode)


def variant_coder(name: str) -> tuple[Coder, Callable[[tuple[str, ...], list[Coder]], None]]:
    """A variant's coder, and the function that gives it its alternatives once compiled.

    ``["type_name", value]`` in JSON; a varuint32 index then the value in binary.
    """
    types: list[str] = []
    coders: list[Coder] = []
    index_of: dict[str, int] = {}

    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        if not (isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], str)):
            choices = ", ".join(types)
            raise EncodeError(f'expected ["type", value] for variant {name!r} (one of {choices})')
        index = index_of.get(value[0])
        if index is None:
            choices = ", ".join(types)
            raise EncodeError(
                f"unknown type {value[0]!r:.60} for variant {name!r}: expected {choices}"
            )
        if depth > MAX_NESTING:
            raise too_deep(EncodeError)
        out += encode_varuint32(index)
        try:
            coders[index].encode(value[1], out, work, depth + 1)
        except EncodeError as exc:
            located(exc, f"<{value[0]}>")
            raise

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        index, pos = read_varuint32(data, pos)
        if index >= len(types):
            raise DecodeError(f"variant {name!r} has no type at index {index}")
        if depth > MAX_NESTING:
            raise too_deep(DecodeError)
        try:
            value, pos = coders[index].decode(data, pos, work, depth + 1)
        except DecodeError as exc:
            located(exc, f"<{types[index]}>")
            raise
        except struct.error:
            raise located(DecodeError(_TRUNCATED), f"<{types[index]}>") from None
        return [types[index], value], pos

    def fill(variant_types: tuple[str, ...], variant_coders: list[Coder]) -> None:
        types[:] = variant_types
        coders[:] = variant_coders
        index_of.update({t: i for i, t in reversed(list(enumerate(variant_types)))})

    return Coder(encode, decode), fill
