"""Raw byte values: ``Bytes`` (ABI ``bytes``, JSON hex) and ``Float128`` (16 opaque bytes,
JSON ``"0x..."``; Python has no quadruple float, so the bits are kept as they are)."""

from __future__ import annotations

from typing import Self

from sessionkit._redact import shown
from sessionkit.antelope._hex import from_plain_hex
from sessionkit.antelope._prim_varint import encode_varuint32, read_varuint32
from sessionkit.antelope._wire import need
from sessionkit.errors import DecodeError, InvalidValue

__all__ = ["Bytes", "Float128"]

_MAX_LENGTH = 0xFFFFFFFF


def _from_hex(text: str, what: str) -> bytes:
    data = from_plain_hex(text)
    if data is None:
        raise InvalidValue(
            f"{what} {shown(text)} is not plain hex (pairs of hex digits, no spaces)"
        )
    return data


class Bytes(bytes):
    """A byte string that is written as lowercase hex in JSON and in ``str()``; the ABI form is
    length-prefixed.

    It is ``bytes`` (every bytes operation works and ``Bytes(b"ab") == b"ab"``), so it is the
    type of every raw-bytes field of a transaction: msgspec hands it to ``enc_hook`` rather
    than writing base64, which gives those fields the reference's hex JSON form.
    """

    __slots__ = ()

    def __new__(cls, value: bytes | bytearray | memoryview | str) -> Self:
        """Raw bytes as they are, or text as plain hex (``"00ff"``)."""
        data: bytes | bytearray | memoryview
        if isinstance(value, str):
            data = _from_hex(value, "bytes")
        elif isinstance(value, bytes | bytearray | memoryview):
            data = value
        else:
            raise InvalidValue(f"Bytes takes bytes or a hex string, not {type(value).__name__}")
        if len(data) > _MAX_LENGTH:
            raise InvalidValue("Bytes longer than 2**32 - 1 cannot be encoded")
        return bytes.__new__(cls, data)

    @classmethod
    def from_string(cls, text: str) -> Self:
        """From plain hex text (pairs of hex digits, any case)."""
        if not isinstance(text, str):
            raise InvalidValue(f"Bytes.from_string takes hex text, not {type(text).__name__}")
        return cls(text)

    @classmethod
    def from_json(cls, value: object) -> Self:
        """From the JSON form, a hex string (a ``Bytes`` is returned as is)."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise InvalidValue(f"bytes in JSON are a hex string, not {shown(value)}")
        return cls(value)

    def to_json(self) -> str:
        """The JSON form: lowercase hex."""
        return self.hex()

    def to_abi(self) -> bytes:
        """The ABI form: a varuint32 length, then the bytes."""
        return encode_varuint32(len(self)) + self

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        """Decode length-prefixed bytes at ``pos``; return them and the position after them."""
        need(data, pos, 1, "bytes")
        length, pos = read_varuint32(data, pos)
        end = pos + length
        if end > len(data):
            raise DecodeError(f"truncated bytes: {length} bytes announced, {len(data) - pos} left")
        return bytes.__new__(cls, data[pos:end]), end

    @property
    def data(self) -> bytes:
        """The bytes as a plain ``bytes`` object."""
        return bytes(self)

    def __str__(self) -> str:
        return self.hex()

    def __repr__(self) -> str:
        return f"Bytes({self.hex()!r})"


class Float128:
    """The 16 little-endian bytes of an IEEE quadruple float, kept opaque."""

    __slots__ = ("_data",)

    _data: bytes

    def __init__(self, value: bytes | bytearray | memoryview | str | Float128) -> None:
        if isinstance(value, Float128):
            self._data = value._data
            return
        if isinstance(value, str):
            data = _from_hex(value.removeprefix("0x"), "float128")
        elif isinstance(value, bytes | bytearray | memoryview):
            data = bytes(value)
        else:
            raise InvalidValue(f"a float128 is 16 bytes or their hex, not {type(value).__name__}")
        if len(data) != 16:
            raise InvalidValue(f"a float128 is 16 bytes (32 hex digits), got {len(data)} bytes")
        self._data = data

    @classmethod
    def from_string(cls, text: str) -> Self:
        """From 32 hex digits, with or without the ``0x`` prefix."""
        return cls(text)

    @classmethod
    def from_json(cls, value: object) -> Self:
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise InvalidValue(f"a float128 in JSON is a hex string, not {shown(value)}")
        return cls(value)

    def to_json(self) -> str:
        return "0x" + self._data.hex()

    def to_abi(self) -> bytes:
        return self._data

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        need(data, pos, 16, "float128")
        end = pos + 16
        value = object.__new__(cls)
        value._data = bytes(data[pos:end])
        return value, end

    @property
    def data(self) -> bytes:
        return self._data

    def __bytes__(self) -> bytes:
        return self._data

    def __str__(self) -> str:
        return "0x" + self._data.hex()

    def __repr__(self) -> str:
        return f"Float128({str(self)!r})"

    def __hash__(self) -> int:
        return hash(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Float128):
            return self._data == other._data
        return NotImplemented
