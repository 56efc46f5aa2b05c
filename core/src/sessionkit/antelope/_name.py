"""Antelope names: account, action, permission and table names packed into a uint64.

A name is up to 12 characters of ``.12345abcdefghijklmnopqrstuvwxyz`` (5 bits each) plus an
optional 13th character of ``.12345abcdefghij`` (4 bits). Strict parsing accepts exactly what a
node accepts: the text must be the canonical rendering of its value, so ``"Eosio"``,
``"eosio."`` or ``"aaaaaaaaaaaak"`` are errors. ``Name.lenient`` reproduces the reference's
silent normalisation for the rare case where that is wanted.
"""

from __future__ import annotations

import re
import struct
from functools import lru_cache
from typing import Self

from sessionkit._redact import shown
from sessionkit.antelope._wire import bad_arguments
from sessionkit.errors import DecodeError, InvalidName

__all__ = ["Name", "name_to_uint64", "uint64_to_name"]

_CHARS = ".12345abcdefghijklmnopqrstuvwxyz"
_INDEX = {char: index for index, char in enumerate(_CHARS)}
_STRICT = re.compile(r"[.1-5a-z]{0,12}[.1-5a-j]?")
_UINT64 = struct.Struct("<Q")
_MAX = 0xFFFF_FFFF_FFFF_FFFF
_RULE = (
    "use at most 12 of a-z, 1-5 and '.', plus an optional 13th of a-j, 1-5 and '.', "
    "not ending in '.'"
)


def _pack(text: str) -> int:
    value = 0
    shift = 59
    for char in text[:12]:
        value |= _INDEX.get(char, 0) << shift
        shift -= 5
    if len(text) > 12:
        value |= _INDEX.get(text[12], 0) & 0x0F
    return value


@lru_cache(maxsize=16384)
@lru_cache(maxsize=4096)  # names repeat (accounts, actions, permissions); bad ones raise, uncached
def _strict_value(text: str) -> int:
    if _STRICT.fullmatch(text) is None or text.endswith("."):
        raise InvalidName(f"{shown(text)} is not an Antelope name: {_RULE}")
    return _pack(text)


@lru_cache(maxsize=16384)
def _render(value: int) -> str:
    chars = [_CHARS[value & 0x0F]]
    value >>= 4
    for _ in range(12):
        chars.append(_CHARS[value & 0x1F])
        value >>= 5
    return "".join(reversed(chars)).rstrip(".")


def name_to_uint64(text: str) -> int:
    """The uint64 of a chain-valid name; raises ``InvalidName`` for anything else."""
    if not isinstance(text, str):
        raise InvalidName(f"a name must be a string, not {type(text).__name__}")
    return _strict_value(text)


def uint64_to_name(value: int) -> str:
    """The reference rendering of a uint64 as a name (trailing dots dropped)."""
    if type(value) is not int or not 0 <= value <= _MAX:
        raise InvalidName(f"a name value must be an integer in [0, 2**64), not {shown(value)}")
    return _render(value)


class Name:
    """An Antelope name: compares equal to its string form, orders by its uint64 value."""

    __slots__ = ("_text", "_value")

    _text: str
    _value: int

    def __init__(self, value: str | int | Name) -> None:
        if isinstance(value, Name):
            self._value, self._text = value._value, value._text
        elif isinstance(value, str):
            self._value, self._text = name_to_uint64(value), value
        elif isinstance(value, int) and not isinstance(value, bool):
            self._text, self._value = uint64_to_name(value), value
        else:
            raise InvalidName(f"a name is a string or a uint64, not {type(value).__name__}")

    @classmethod
    def _make(cls, value: int, text: str) -> Self:
        name = object.__new__(cls)
        name._value = value
        name._text = text
        return name

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Parse a chain-valid name strictly (raises ``InvalidName``)."""
        return cls._make(name_to_uint64(text), text)

    @classmethod
    def from_int(cls, value: int) -> Self:
        """The name whose uint64 value is ``value``."""
        return cls._make(value, uint64_to_name(value))

    @classmethod
    def lenient(cls, text: str) -> Self:
        """Normalise like the reference: unknown characters become ``.``, characters after the
        13th are ignored and the 13th keeps its low 4 bits. Only strings are accepted."""
        if not isinstance(text, str):
            raise InvalidName(f"a name must be a string, not {type(text).__name__}")
        value = _pack(text)
        return cls._make(value, _render(value))

    @classmethod
    def from_json(cls, value: object) -> Self:
        """A name from its JSON form (a string), or a ``Name`` returned as is."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise InvalidName(f"a name in JSON is a string, not {type(value).__name__}")
        return cls._make(_strict_value(value), value)

    def to_json(self) -> str:
        return self._text

    def to_abi(self) -> bytes:
        return _UINT64.pack(self._value)

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        """Decode the 8-byte little-endian name at ``pos``."""
        try:
            if pos < 0 or len(data) - pos < 8:
                raise DecodeError("truncated name: 8 bytes are needed")
            (value,) = _UINT64.unpack_from(data, pos)
        except (TypeError, ArithmeticError):
            raise bad_arguments(data, pos, "name") from None
        return cls._make(value, _render(value)), pos + 8

    @property
    def value(self) -> int:
        """The uint64 value."""
        return self._value

    def __int__(self) -> int:
        return self._value

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Name({self._text!r})"

    def __hash__(self) -> int:
        return hash(self._text)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Name):
            return self._value == other._value
        if isinstance(other, str):
            return self._text == other
        return NotImplemented

    def __lt__(self, other: Name) -> bool:
        if not isinstance(other, Name):
            return NotImplemented
        return self._value < other._value

    def __le__(self, other: Name) -> bool:
        if not isinstance(other, Name):
            return NotImplemented
        return self._value <= other._value

    def __gt__(self, other: Name) -> bool:
        if not isinstance(other, Name):
            return NotImplemented
        return self._value > other._value

    def __ge__(self, other: Name) -> bool:
        if not isinstance(other, Name):
            return NotImplemented
        return self._value >= other._value
