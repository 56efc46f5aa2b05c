"""Fixed-size digests: ``Checksum160`` (ripemd160), ``Checksum256`` (sha256, transaction ids,
chain ids) and ``Checksum512`` (sha512). ``str()`` is lowercase hex, ``bytes()`` the raw bytes."""

from __future__ import annotations

import hashlib
from typing import ClassVar, Self

from sessionkit._redact import shown
from sessionkit.antelope._base58 import ripemd160
from sessionkit.antelope._hex import from_plain_hex
from sessionkit.antelope._wire import message_bytes, need
from sessionkit.errors import InvalidChecksum

__all__ = ["Checksum160", "Checksum256", "Checksum512"]


class _Checksum:
    """``size`` raw bytes, built from those bytes or from their hex."""

    __slots__ = ("_data",)

    _data: bytes
    size: ClassVar[int]

    def __init__(self, value: bytes | bytearray | memoryview | str | Self) -> None:
        if isinstance(value, type(self)):
            self._data = value._data
            return
        if isinstance(value, str):
            data = from_plain_hex(value)
            if data is None:
                raise InvalidChecksum(
                    f"{shown(value)} is not plain hex (pairs of hex digits, no spaces)"
                )
        elif isinstance(value, bytes | bytearray | memoryview):
            data = bytes(value)
        else:
            raise InvalidChecksum(
                f"a {type(self).__name__} is bytes or hex, not {type(value).__name__}"
            )
        if len(data) != self.size:
            raise InvalidChecksum(
                f"a {type(self).__name__} is {self.size} bytes ({2 * self.size} hex digits), "
                f"got {len(data)} bytes"
            )
        self._data = data

    @classmethod
    def _make(cls, data: bytes) -> Self:
        checksum = object.__new__(cls)
        checksum._data = data
        return checksum

    @classmethod
    def from_string(cls, text: str) -> Self:
        return cls(text)

    @classmethod
    def from_json(cls, value: object) -> Self:
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise InvalidChecksum(f"a checksum in JSON is a hex string, not {shown(value)}")
        return cls(value)

    def to_json(self) -> str:
        return self._data.hex()

    def to_abi(self) -> bytes:
        return self._data

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        need(data, pos, cls.size, cls.__name__)
        end = pos + cls.size
        return cls._make(bytes(data[pos:end])), end

    @property
    def data(self) -> bytes:
        return self._data

    def hex(self) -> str:
        return self._data.hex()

    def __bytes__(self) -> bytes:
        return self._data

    def __str__(self) -> str:
        return self._data.hex()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data.hex()!r})"

    def __hash__(self) -> int:
        return hash(self._data)

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return self._data == other._data
        return NotImplemented


class Checksum160(_Checksum):
    """20 bytes (ripemd160)."""

    __slots__ = ()
    size = 20

    @classmethod
    def hash(cls, data: bytes) -> Self:
        """ripemd160 of ``data`` (OpenSSL's, else pycryptodome's: see ``_base58.ripemd160``)."""
        return cls._make(ripemd160(bytes(message_bytes(data, "hash()"))))


class Checksum256(_Checksum):
    """32 bytes (sha256): transaction ids, chain ids, signing digests."""

    __slots__ = ()
    size = 32

    @classmethod
    def hash(cls, data: bytes) -> Self:
        """sha256 of ``data``."""
        return cls._make(hashlib.sha256(message_bytes(data, "hash()")).digest())


class Checksum512(_Checksum):
    """64 bytes (sha512)."""

    __slots__ = ()
    size = 64

    @classmethod
    def hash(cls, data: bytes) -> Self:
        """sha512 of ``data``."""
        return cls._make(hashlib.sha512(message_bytes(data, "hash()")).digest())
