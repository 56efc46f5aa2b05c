"""The ABI model (msgspec Structs with the fields of ``abi_def``) and its encode/decode methods.

An ``ABI`` is immutable; its compiled coders live in a per-instance cache built on first use,
so encoding with the same ABI again costs only the encoding itself.
"""

from __future__ import annotations

import struct
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self

import msgspec

from sessionkit.errors import ABIError, DecodeError, EncodeError

from ._compile import Compiler
from ._io import brief, finish
from ._limits import WORK_FLOOR, WORK_PER_BYTE

if TYPE_CHECKING:
    from sessionkit.antelope._name import Name

    from ._types import ResolvedType

__all__ = [
    "ABI",
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
]

_VERSION_PREFIX = "eosio::abi/1."


class AbiType(msgspec.Struct, frozen=True):
    """A type alias: ``new_type_name`` means ``type``."""

    new_type_name: str
    type: str


class AbiField(msgspec.Struct, frozen=True):
    name: str
    type: str


class AbiStruct(msgspec.Struct, frozen=True):
    """A struct; the fields of ``base`` (if any) come first."""

    name: str
    base: str = ""
    fields: tuple[AbiField, ...] = ()


class AbiAction(msgspec.Struct, frozen=True):
    name: str
    type: str
    ricardian_contract: str = ""


class AbiTable(msgspec.Struct, frozen=True):
    name: str
    index_type: str = ""
    key_names: tuple[str, ...] = ()
    key_types: tuple[str, ...] = ()
    type: str = ""


class AbiClause(msgspec.Struct, frozen=True):
    """A ricardian clause."""

    id: str
    body: str = ""


class AbiErrorMessage(msgspec.Struct, frozen=True):
    error_code: int
    error_msg: str = ""


class AbiExtension(msgspec.Struct, frozen=True, array_like=True):
    """An ``abi_extensions`` entry; JSON ``[tag, "hex"]`` as nodes render a pair."""

    tag: int
    value: str = ""


class AbiVariant(msgspec.Struct, frozen=True):
    name: str
    types: tuple[str, ...] = ()


class AbiActionResult(msgspec.Struct, frozen=True):
    name: str
    result_type: str


class ABI(msgspec.Struct, frozen=True, dict=True):
    """A contract ABI (``abi_def``): read from JSON or binary, then encode and decode its types."""

    version: str = "eosio::abi/1.1"
    types: tuple[AbiType, ...] = ()
    structs: tuple[AbiStruct, ...] = ()
    actions: tuple[AbiAction, ...] = ()
    tables: tuple[AbiTable, ...] = ()
    ricardian_clauses: tuple[AbiClause, ...] = ()
    error_messages: tuple[AbiErrorMessage, ...] = ()
    abi_extensions: tuple[AbiExtension, ...] = ()
    variants: tuple[AbiVariant, ...] = ()
    action_results: tuple[AbiActionResult, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.version, str) or not self.version.startswith(_VERSION_PREFIX):
            raise ABIError(
                f"unsupported ABI version {brief(self.version, 60)}: expected eosio::abi/1.x"
            )

    def __repr__(self) -> str:
        sizes = ", ".join(
            f"{len(getattr(self, section))} {section}"
            for section in ("types", "structs", "actions", "tables", "variants")
        )
        return f"ABI({self.version!r}, {sizes})"

    @classmethod
    def from_json(cls, value: dict[str, Any] | str | bytes | bytearray | memoryview | ABI) -> Self:
        """An ABI from its JSON text (``str`` or UTF-8 bytes) or parsed JSON (``get_abi``'s
        ``abi`` field); ``ABIError`` for anything else."""
        if isinstance(value, cls):
            return value
        try:
            if isinstance(value, str | bytes | bytearray | memoryview):
                return msgspec.json.decode(value, type=cls, strict=False)
            return msgspec.convert(value, cls, strict=False)
        except msgspec.ValidationError as exc:
            raise ABIError(f"not a valid ABI: {exc}") from None
        except msgspec.DecodeError as exc:
            raise ABIError(f"ABI JSON does not parse: {exc}") from None
        except (UnicodeDecodeError, UnicodeEncodeError) as exc:
            raise ABIError(f"ABI JSON is not valid unicode text: {exc.reason}") from None

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        """An ABI from its binary ``abi_def`` form (``get_raw_abi``, ``setabi``)."""
        from ._abidef import abi_def_from_json, decode_abi_def

        return cls.from_json(abi_def_from_json(decode_abi_def(data)))

    def to_json(self) -> dict[str, Any]:
        """The JSON form, every section included."""
        result: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(self))
        return result

    def to_bytes(self) -> bytes:
        """The binary ``abi_def`` form."""
        from ._abidef import encode_abi_def

        return encode_abi_def(self.to_json())

    @cached_property
    def _compiler(self) -> Compiler:
        return Compiler(self)

    def encode(self, type_name: str, value: object) -> bytes:
        """The binary form of ``value`` (JSON-like, or our value types) as ``type_name``.

        ``EncodeError`` also when the value nests more than ``MAX_NESTING`` (64) levels, or holds
        far more values that occupy no bytes than the bytes it writes (see docs/antelope.md,
        "Limits on untrusted input").
        """
        encode = self._compiler.coder(type_name).encode
        out = bytearray()
        try:
            encode(value, out, [0, WORK_FLOOR], 1)  # a fresh Work (spent, limit), top level
        except EncodeError as exc:
            finish(exc, type_name)
            raise
        except RecursionError:
            raise EncodeError(f"{type_name}: value is nested too deeply") from None
        return bytes(out)

    def decode(self, type_name: str, data: bytes | bytearray | memoryview) -> Any:
        """The JSON form of ``data``, which must hold exactly one ``type_name`` value."""
        if type(data) is not bytes:
            data = _as_bytes(data, type_name)
        value, pos = self.decode_partial(type_name, data)
        if pos != len(data):
            extra = len(data) - pos
            raise DecodeError(f"{type_name}: {extra} unexpected bytes after the value")
        return value

    def decode_partial(
        self, type_name: str, data: bytes | bytearray | memoryview, pos: int = 0
    ) -> tuple[Any, int]:
        """Decode one ``type_name`` value at ``pos``; return it and the position after it.

        ``DecodeError`` also when the value nests more than ``MAX_NESTING`` (64) levels or holds
        more values that occupy no bytes than the length of the data allows (see
        docs/antelope.md, "Limits on untrusted input"), so hostile data fails in milliseconds.
        """
        decode = self._compiler.coder(type_name).decode
        if type(data) is not bytes:
            data = _as_bytes(data, type_name)
        if not isinstance(pos, int) or not 0 <= pos <= len(data):
            raise DecodeError(f"{type_name}: position {pos} is outside the data")
        try:
            work = [0, max(WORK_FLOOR, WORK_PER_BYTE * (len(data) - pos))]  # spent, limit
            return decode(data, pos, work, 1)
        except DecodeError as exc:
            finish(exc, type_name)
            raise
        except struct.error:
            raise DecodeError(f"{type_name}: unexpected end of data") from None
        except RecursionError:
            raise DecodeError(f"{type_name}: data is nested too deeply") from None

    def resolve_type(self, type_name: str) -> ResolvedType:
        """How the codec reads ``type_name``: the struct, variant or builtin it stands for once
        aliases are followed, the wrappers around it, and a struct's fields (bases first) or a
        variant's alternatives. For code that walks values by their ABI type the way the codec
        does; ``ABIError`` if the name does not resolve."""
        return self._compiler.resolve(type_name)

    def action_type(self, action_name: str | Name) -> str:
        """The struct type of an action's data; ``ABIError`` if the ABI has no such action."""
        name = str(action_name)
        found = self._action_types.get(name)
        if found is None:
            raise ABIError(f"the ABI has no action {name!r}")
        return found

    @cached_property
    def _action_types(self) -> dict[str, str]:
        types: dict[str, str] = {}
        for action in self.actions:
            types.setdefault(action.name, action.type)
        return types

    def has_type(self, type_name: str) -> bool:
        """Whether ``type_name`` (with any ``[]``/``?``/``$`` suffixes) can be encoded."""
        try:
            self._compiler.coder(type_name)
        except ABIError:
            return False
        return True


def _as_bytes(data: object, type_name: str) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    raise DecodeError(f"{type_name}: expected bytes to decode, got {type(data).__name__}")
