"""Checks on the arguments of the binary entry points, so that a wrong argument is one of our
errors rather than a ``TypeError``: ``need`` (or ``bad_arguments`` on the hottest paths) for every
public ``from_abi(data, pos)``, ``message_bytes`` for what is hashed or signed."""

from __future__ import annotations

from typing import Final

from sessionkit._redact import shown
from sessionkit.errors import DecodeError, InvalidValue

__all__ = ["bad_arguments", "message_bytes", "need"]

_BUFFERS: Final = (bytes, bytearray, memoryview)  # a tuple: a union is rebuilt at every call


def need(data: object, pos: object, size: int, what: str) -> None:
    """Raise ``DecodeError`` unless ``data`` is bytes-like and holds ``size`` bytes at ``pos``."""
    if type(pos) is not int or not isinstance(data, _BUFFERS):
        raise bad_arguments(data, pos, what)
    if pos < 0 or len(data) - pos < size:
        raise DecodeError(f"truncated {what}: {size} bytes are needed")


def bad_arguments(data: object, pos: object, what: str) -> DecodeError:
    """The error for ``from_abi`` given something other than bytes, or a position that is not
    an int. The hottest decoders check nothing up front (a check costs as much as the decode)
    and raise this from ``except (TypeError, ArithmeticError)`` instead."""
    if not isinstance(data, _BUFFERS):
        return DecodeError(
            f"{what}: expected bytes to decode, not {type(data).__name__} "
            "(for hex text use bytes.fromhex)"
        )
    return DecodeError(f"{what}: the position must be an int, not {shown(pos)}")


def message_bytes(message: object, what: str) -> bytes | bytearray | memoryview:
    """``message`` if it is bytes, for ``what`` (a method that hashes it).

    Text is refused rather than guessed: the reference reads a string as hex where Python code
    would expect UTF-8, and a digest or signature over the wrong bytes goes unnoticed.
    """
    if isinstance(message, _BUFFERS):
        return message
    if isinstance(message, str):
        raise InvalidValue(
            f"{what} takes bytes, not str: pass text.encode() for UTF-8 text, "
            "or bytes.fromhex(text) for hex"
        )
    raise InvalidValue(f"{what} takes bytes, not {type(message).__name__}")
