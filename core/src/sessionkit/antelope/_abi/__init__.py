"""The ABI codec: JSON-like values <-> Antelope binary, driven by a contract ABI.

``ABI.from_json`` / ``ABI.from_bytes`` read an ABI; ``abi.encode`` / ``abi.decode`` convert its
types. The module-level ``encode`` / ``decode`` know the builtin types only when ``abi`` is None.
``abi.resolve_type`` gives the codec's reading of a type name (a ``ResolvedType``) to code that
walks decoded values, which should stop at ``MAX_NESTING`` levels as the codec does.
"""

from __future__ import annotations

from typing import Any

from ._limits import MAX_NESTING
from ._model import (
    ABI,
    AbiAction,
    AbiActionResult,
    AbiClause,
    AbiErrorMessage,
    AbiExtension,
    AbiField,
    AbiStruct,
    AbiTable,
    AbiType,
    AbiVariant,
)
from ._types import ResolvedType

__all__ = [
    "ABI",
    "MAX_NESTING",
    "AbiAction",
    "AbiActionResult",
    "AbiClause",
    "AbiErrorMessage",
    "AbiExtension",
    "AbiField",
    "AbiStruct",
    "AbiTable",
    "AbiType",
    "AbiVariant",
    "ResolvedType",
    "encode",
    "decode",
]

_BUILTINS_ONLY = ABI()


def encode(type_name: str, value: object, abi: ABI | None = None) -> bytes:
    """The binary form of ``value`` as ``type_name`` (builtin types only when ``abi`` is None)."""
    return (_BUILTINS_ONLY if abi is None else abi).encode(type_name, value)


def decode(type_name: str, data: bytes | bytearray | memoryview, abi: ABI | None = None) -> Any:
    """The JSON form of ``data`` as ``type_name``; the whole input must be one value."""
    return (_BUILTINS_ONLY if abi is None else abi).decode(type_name, data)
