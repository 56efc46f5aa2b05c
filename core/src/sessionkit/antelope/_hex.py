"""Strict hex input, shared by every value that accepts bytes as hex text."""

from __future__ import annotations


def from_plain_hex(text: str) -> bytes | None:
    """The bytes ``text`` spells as pairs of hex digits (any case); None for anything else.

    ``bytes.fromhex`` alone also accepts whitespace between the pairs, which no JSON form has.
    """
    try:
        data = bytes.fromhex(text)
    except ValueError:
        return None
    return data if len(text) == 2 * len(data) else None
