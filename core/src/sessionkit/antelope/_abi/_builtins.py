"""Coders of the builtin ABI types (``bool``, integers, floats, ``string``, ``name``, ``asset``...).

Each builtin is built on first use, so importing the codec does not import the key or time
modules. Values the reference renders specially keep its JSON form: 64/128-bit integers are
numbers below 2**32 and strings above, floats are strings, ``float128`` is ``"0x..."`` hex.
"""

from __future__ import annotations

import math
import re
import struct
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from sessionkit.antelope._hex import from_plain_hex
from sessionkit.antelope._prim_varint import encode_varuint32, read_varuint32
from sessionkit.errors import DecodeError, EncodeError, InvalidValue

from ._floats import js_number_string, js_to_fixed7, parse_float
from ._io import Coder, brief, read_exact

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._limits import Work

__all__ = ["BUILTIN_NAMES", "builtin_coder"]

_INTEGER_TEXT = re.compile(r"-?[0-9]+")
_MAX_INTEGER_DIGITS = 40  # 2**128 has 39 digits: longer text overflows every integer type
_JSON_NUMBER_LIMIT = 0xFFFF_FFFF


def _to_int(value: object, type_name: str) -> int:
    """An integer from a JSON number or decimal string; fractions and other types are errors.

    Digit strings too long for any integer type are out of range before ``int()`` reads them,
    so Python's 4,300-digit conversion limit is never reached.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        if not _INTEGER_TEXT.fullmatch(value):
            raise EncodeError(f"invalid {type_name} {brief(value)}: expected a decimal integer")
        digits = value.lstrip("-").lstrip("0") or "0"
        if len(digits) > _MAX_INTEGER_DIGITS:
            raise EncodeError(
                f"number {brief(value)} ({len(digits)} digits) is out of range for {type_name}"
            )
        return -int(digits) if value[0] == "-" else int(digits)
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise EncodeError(f"invalid {type_name} {value!r}: not a whole number")
    raise EncodeError(f"expected an integer for {type_name}, got {type(value).__name__}")


def _out_of_range(value: int, low: int, type_name: str) -> EncodeError:
    direction = "underflows" if value < low else "overflows"
    return EncodeError(f"number {brief(value)} {direction} {type_name}")


def _fixed_int(type_name: str, size: int, signed: bool) -> Coder:
    bits = size * 8
    low = -(1 << (bits - 1)) if signed else 0
    high = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
    wide = size > 4
    if size <= 8:
        code = {1: "b", 2: "h", 4: "i", 8: "q"}[size]
        packer = struct.Struct("<" + (code if signed else code.upper()))
        pack, unpack_from = packer.pack, packer.unpack_from

        def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
            if type(value) is not int:
                value = _to_int(value, type_name)
            if not low <= value <= high:
                raise _out_of_range(value, low, type_name)
            out += pack(value)

        def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
            (value,) = unpack_from(data, pos)
            if wide and not -_JSON_NUMBER_LIMIT <= value <= _JSON_NUMBER_LIMIT:
                return str(value), pos + size
            return value, pos + size

        return Coder(encode, decode)

    def encode_wide(value: Any, out: bytearray, work: Work, depth: int) -> None:
        if type(value) is not int:
            value = _to_int(value, type_name)
        if not low <= value <= high:
            raise _out_of_range(value, low, type_name)
        out += value.to_bytes(size, "little", signed=signed)

    def decode_wide(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        value = int.from_bytes(read_exact(data, pos, size), "little", signed=signed)
        if -_JSON_NUMBER_LIMIT <= value <= _JSON_NUMBER_LIMIT:
            return value, pos + size
        return str(value), pos + size

    return Coder(encode_wide, decode_wide)


def _varuint32() -> Coder:
    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        if type(value) is not int:
            value = _to_int(value, "varuint32")
        if not 0 <= value <= 0xFFFF_FFFF:
            raise _out_of_range(value, 0, "varuint32")
        out += encode_varuint32(value)

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        return read_varuint32(data, pos)

    return Coder(encode, decode)


def _varint32() -> Coder:
    low, high = -(1 << 31), (1 << 31) - 1

    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        if type(value) is not int:
            value = _to_int(value, "varint32")
        if not low <= value <= high:
            raise _out_of_range(value, low, "varint32")
        out += encode_varuint32(((value << 1) ^ (value >> 31)) & 0xFFFF_FFFF)

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        zigzag, pos = read_varuint32(data, pos)
        return (zigzag >> 1) ^ -(zigzag & 1), pos

    return Coder(encode, decode)


def _bool() -> Coder:
    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        if value is True:
            out.append(1)
        elif value is False:
            out.append(0)
        else:
            raise EncodeError(f"expected true or false for bool, got {brief(value)}")

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        byte = read_exact(data, pos, 1)[0]
        if byte > 1:
            raise DecodeError(f"invalid bool byte {byte}: only 0 and 1 are booleans")
        return byte == 1, pos + 1

    return Coder(encode, decode)


def _float(size: int) -> Coder:
    packer = struct.Struct("<f" if size == 4 else "<d")
    pack, unpack_from = packer.pack, packer.unpack_from
    canonical_nan = pack(float("nan"))
    render = js_to_fixed7 if size == 4 else js_number_string
    type_name = "float32" if size == 4 else "float64"

    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        number = parse_float(value)
        if math.isnan(number):
            out += canonical_nan
            return
        try:
            out += pack(number)
        except OverflowError:
            raise EncodeError(f"{brief(value)} is out of range for {type_name}") from None

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        (number,) = unpack_from(data, pos)
        if math.isnan(number) and data[pos : pos + size] != canonical_nan:
            raise DecodeError(f"{type_name} NaN with a payload has no JSON form")
        return render(number), pos + size

    return Coder(encode, decode)


def _hex_to_bytes(value: str, what: str) -> bytes:
    raw = from_plain_hex(value)
    if raw is None:
        raise EncodeError(
            f"invalid {what}: {brief(value)} is not plain hex (pairs of hex digits, no spaces)"
        )
    return raw


def _raw_bytes(value: Any, what: str) -> bytes:
    """Raw bytes from a hex string, a bytes-like object or a value type convertible to bytes."""
    if isinstance(value, str):
        return _hex_to_bytes(value, what)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if hasattr(type(value), "__bytes__"):
        return bytes(value)
    raise EncodeError(f"expected hex or bytes for {what}, got {type(value).__name__}")


def _bytes() -> Coder:
    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        raw = _raw_bytes(value, "bytes")
        if len(raw) > 0xFFFF_FFFF:
            raise EncodeError("bytes longer than 2**32 - 1")
        out += encode_varuint32(len(raw))
        out += raw

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        size, pos = read_varuint32(data, pos)
        return read_exact(data, pos, size).hex(), pos + size

    return Coder(encode, decode)


def _string() -> Coder:
    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        if type(value) is not str:
            if not isinstance(value, str):
                raise EncodeError(f"expected a string, got {type(value).__name__}")
            value = str(value)
        try:
            raw = value.encode()
        except UnicodeEncodeError:
            raise EncodeError("string is not valid unicode (lone surrogate)") from None
        out += encode_varuint32(len(raw))
        out += raw

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        size, pos = read_varuint32(data, pos)
        try:
            return read_exact(data, pos, size).decode(), pos + size
        except UnicodeDecodeError:
            raise DecodeError("string is not valid UTF-8") from None

    return Coder(encode, decode)


def _name() -> Coder:
    from sessionkit.antelope._name import Name, name_to_uint64, uint64_to_name

    pack, unpack_from = struct.Struct("<Q").pack, struct.Struct("<Q").unpack_from

    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        try:
            if type(value) is str:
                out += pack(name_to_uint64(value))
            else:
                out += Name.from_json(value).to_abi()
        except InvalidValue as exc:
            raise EncodeError(str(exc)) from exc

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        (value,) = unpack_from(data, pos)
        return uint64_to_name(value), pos + 8

    return Coder(encode, decode)


def _value_type(module: str, class_name: str) -> Coder:
    """A coder through a value type's ``from_json``/``to_abi`` and ``from_abi``/``to_json``."""
    cls: Any = getattr(import_module(f"sessionkit.antelope.{module}"), class_name)
    from_json, from_abi = cls.from_json, cls.from_abi

    def encode(value: Any, out: bytearray, work: Work, depth: int) -> None:
        try:
            out += from_json(value).to_abi()
        except EncodeError:
            raise
        except InvalidValue as exc:
            raise EncodeError(str(exc)) from exc

    def decode(data: bytes, pos: int, work: Work, depth: int) -> tuple[Any, int]:
        try:
            value, pos = from_abi(data, pos)
        except DecodeError:
            raise
        except InvalidValue as exc:
            raise DecodeError(str(exc)) from exc
        return value.to_json(), pos

    return Coder(encode, decode)


_FACTORIES: dict[str, Callable[[], Coder]] = {
    "bool": _bool,
    "int8": lambda: _fixed_int("int8", 1, True),
    "uint8": lambda: _fixed_int("uint8", 1, False),
    "int16": lambda: _fixed_int("int16", 2, True),
    "uint16": lambda: _fixed_int("uint16", 2, False),
    "int32": lambda: _fixed_int("int32", 4, True),
    "uint32": lambda: _fixed_int("uint32", 4, False),
    "int64": lambda: _fixed_int("int64", 8, True),
    "uint64": lambda: _fixed_int("uint64", 8, False),
    "int128": lambda: _fixed_int("int128", 16, True),
    "uint128": lambda: _fixed_int("uint128", 16, False),
    "varint32": _varint32,
    "varuint32": _varuint32,
    "float32": lambda: _float(4),
    "float64": lambda: _float(8),
    "float128": lambda: _value_type("_bytes", "Float128"),
    "bytes": _bytes,
    "string": _string,
    "checksum160": lambda: _value_type("_checksum", "Checksum160"),
    "checksum256": lambda: _value_type("_checksum", "Checksum256"),
    "checksum512": lambda: _value_type("_checksum", "Checksum512"),
    "name": _name,
    "time_point": lambda: _value_type("_time", "TimePoint"),
    "time_point_sec": lambda: _value_type("_time", "TimePointSec"),
    "block_timestamp_type": lambda: _value_type("_time", "BlockTimestamp"),
    "symbol": lambda: _value_type("_asset", "Symbol"),
    "symbol_code": lambda: _value_type("_asset", "SymbolCode"),
    "asset": lambda: _value_type("_asset", "Asset"),
    "extended_asset": lambda: _value_type("_asset", "ExtendedAsset"),
    "public_key": lambda: _value_type("_keys", "PublicKey"),
    "signature": lambda: _value_type("_keys", "Signature"),
}

BUILTIN_NAMES = frozenset(_FACTORIES)


@cache
def builtin_coder(type_name: str) -> Coder | None:
    """The coder of a builtin type, or None when ``type_name`` is not a builtin."""
    factory = _FACTORIES.get(type_name)
    return factory() if factory is not None else None
