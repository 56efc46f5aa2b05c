"""Transactions: ``Action``, ``Transaction``, ``SignedTransaction`` and ``PackedTransaction``.

The binary form is written and read directly (no ABI is interpreted for the header), because
building, hashing and signing a transaction sits on every transact path. Action data stays
bytes; ``Action.from_data`` and ``action.decode_data`` convert it through a contract ABI.

- ``transaction.id`` is sha256 of the packed transaction.
- ``transaction.signing_digest(chain_id, cfd)`` is
  sha256(chain_id || packed transaction || h), where h is 32 zero bytes without context-free
  data and otherwise sha256 of the packed ``bytes[]`` (count, then each length and bytes), as
  Leap's ``transaction::sig_digest`` computes it. The reference always uses zeros.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterable, Mapping, Sequence, Set
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Self

import msgspec
from msgspec.structs import force_setattr

from sessionkit._redact import shown
from sessionkit.antelope._bytes import Bytes
from sessionkit.antelope._checksum import Checksum256
from sessionkit.antelope._hex import from_plain_hex
from sessionkit.antelope._keys import Signature
from sessionkit.antelope._name import Name
from sessionkit.antelope._permission import PermissionLevel
from sessionkit.antelope._prim_varint import encode_varuint32, read_varuint32
from sessionkit.antelope._time import TimePointSec
from sessionkit.antelope._trx_binary import (
    HEADER,
    MIN_ACTION,
    MIN_BYTES_ITEM,
    MIN_EXTENSION,
    MIN_PERMISSION_LEVEL,
    MIN_SIGNATURE,
    read_list,
    read_sized,
    transaction_end,
)
from sessionkit.antelope._wire import bad_arguments
from sessionkit.errors import DecodeError, InvalidTransaction

if TYPE_CHECKING:
    from sessionkit.antelope._abi import ABI

__all__ = [
    "Action",
    "CompressionType",
    "PackedTransaction",
    "SignedTransaction",
    "Transaction",
    "TransactionExtension",
]

_TWO_NAMES = struct.Struct("<QQ")
_UINT16 = struct.Struct("<H")
_ZERO_DIGEST = bytes(32)
#: Largest unpacked transaction accepted from zlib, far above any chain limit (zip-bomb guard).
MAX_UNPACKED_SIZE = 8 * 1024 * 1024
_EXTENSION_FIELDS = frozenset({"type", "data"})
_ACTION_FIELDS = frozenset({"account", "name", "authorization", "data"})
_TRANSACTION_FIELDS = frozenset(
    {
        "expiration",
        "ref_block_num",
        "ref_block_prefix",
        "max_net_usage_words",
        "max_cpu_usage_ms",
        "delay_sec",
        "context_free_actions",
        "actions",
        "transaction_extensions",
    }
)


class CompressionType(IntEnum):
    """How ``packed_trx`` and ``packed_context_free_data`` are stored in a packed transaction."""

    NONE = 0
    ZLIB = 1


def _new_bytes(data: bytes | bytearray | memoryview) -> Bytes:
    """``data`` as ``Bytes`` without the constructor's checks (it was just read or encoded)."""
    return bytes.__new__(Bytes, data)


def _as_bytes(value: object, what: str) -> Bytes:
    if type(value) is Bytes:
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return _new_bytes(value)
    if isinstance(value, str):
        data = from_plain_hex(value)
        if data is None:
            raise InvalidTransaction(
                f"{what} is not hex (pairs of hex digits, no spaces): {shown(value)}"
            )
        return _new_bytes(data)
    raise InvalidTransaction(f"{what} must be bytes or hex, not {type(value).__name__}")


def _binary(data: object) -> bytes:
    """The bytes to decode; anything else is a ``DecodeError`` rather than a ``TypeError``."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    kind = type(data).__name__
    raise DecodeError(f"expected bytes to decode, not {kind} (for hex text use bytes.fromhex)")


def _misbuilt(field: str, expected: str, value: object, factory: str) -> InvalidTransaction:
    """The error of a constructor given another type than a field's: constructors take the
    annotated types (docs/dev/value-types.md) and the factories parse loose values."""
    return InvalidTransaction(
        f"{field} takes {expected}, not {type(value).__name__} {shown(value)}; {factory}"
    )


def _exact_bytes(value: object, field: str, factory: str) -> Bytes:
    """A ``Bytes`` field's value: ``Bytes``, or plain ``bytes`` (the same bytes, nothing to
    parse); hex text and other types are refused."""
    if type(value) is Bytes:
        return value
    if type(value) is bytes:
        return _new_bytes(value)
    raise _misbuilt(field, "Bytes (or bytes)", value, factory)


def _items_of(value: object, kind: type, field: str, factory: str) -> list[Any]:
    """The items of a list or tuple field, each exactly ``kind``; anything else is refused."""
    if isinstance(value, list | tuple) and type(value) in (list, tuple):
        items: list[Any] = list(value)
        if all(type(item) is kind for item in items):
            return items
    raise _misbuilt(field, f"a list or tuple of {kind.__name__}", value, factory)


_ACTION_FACTORY = (
    "parse JSON-like values with Action.from_json({...}), or encode a data mapping with "
    "Action.from_data(account, name, authorization, data, abi)"
)
_EXTENSION_FACTORY = "parse JSON-like values with TransactionExtension.from_json({...})"
_TRANSACTION_FACTORY = (
    "parse JSON-like values with Transaction.from_json({...}) (and times with "
    "TimePointSec.from_string)"
)
_SIGNED_FACTORY = "parse JSON-like values with SignedTransaction.from_json({...})"
_PACKED_FACTORY = "parse a push body with PackedTransaction.from_json({...})"


def _check_int(value: object, what: str, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise InvalidTransaction(f"{what} must be an integer from 0 to {high}, not {shown(value)}")
    return value


def _expect_fields(
    value: object, required: Set[str], allowed: Set[str], what: str
) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidTransaction(f"{what} must be an object, not {type(value).__name__}")
    keys = set(value)
    missing, unknown = required - keys, keys - allowed
    if missing or unknown:
        problems = [f"missing {sorted(missing)}"] if missing else []
        problems += [f"unknown [{', '.join(sorted(map(shown, unknown)))}]"] if unknown else []
        raise InvalidTransaction(
            f"{what} has {' and '.join(problems)} fields; expected {sorted(allowed)}"
        )
    return dict(value)


def _action_type(abi: ABI, name: Name) -> str:
    """The type of action ``name`` in ``abi``; something that is not an ABI is our error."""
    try:
        return abi.action_type(name)
    except AttributeError:
        if hasattr(abi, "action_type"):
            raise
        kind = type(abi).__name__
        raise InvalidTransaction(f"abi must be an ABI (ABI.from_json), not {kind}") from None


def _list_items(value: object, message: str) -> Iterable[Any]:
    """``value`` if it is a list-like iterable (a string, bytes or mapping is not one)."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidTransaction(message)
    return value


def _authorization(value: object) -> list[PermissionLevel]:
    """Permission levels given to a factory (``PermissionLevel``, ``"actor@permission"`` or
    ``{"actor", "permission"}``)."""
    levels = _list_items(value, "authorization must be a list of permission levels")
    return [PermissionLevel.from_json(level) for level in levels]


def _read_bytes_item(data: bytes | memoryview, pos: int) -> tuple[Bytes, int]:
    item, pos = read_sized(data, pos, "bytes in a bytes[] list")
    return _new_bytes(item), pos


def _pack_bytes_list(items: Sequence[bytes]) -> bytes:
    parts = [encode_varuint32(len(items))]
    for item in items:
        parts.append(encode_varuint32(len(item)))
        parts.append(item)
    return b"".join(parts)


def _read_bytes_list(data: bytes | memoryview, pos: int) -> tuple[list[Bytes], int]:
    return read_list(data, pos, _read_bytes_item, MIN_BYTES_ITEM, "context-free data items")


class Action(msgspec.Struct, frozen=True):
    """One call of a contract action; ``data`` is its ABI-encoded argument struct."""

    account: Name
    name: Name
    authorization: list[PermissionLevel]
    data: Bytes

    def __post_init__(self) -> None:
        if type(self.account) is not Name:
            raise _misbuilt("Action.account", "a Name", self.account, _ACTION_FACTORY)
        if type(self.name) is not Name:
            raise _misbuilt("Action.name", "a Name", self.name, _ACTION_FACTORY)
        authorization = self.authorization
        if type(authorization) is not list or not all(
            type(level) is PermissionLevel for level in authorization
        ):
            levels = _items_of(
                authorization, PermissionLevel, "Action.authorization", _ACTION_FACTORY
            )
            force_setattr(self, "authorization", levels)
        if type(self.data) is not Bytes:
            force_setattr(self, "data", _exact_bytes(self.data, "Action.data", _ACTION_FACTORY))

    @classmethod
    def from_data(
        cls,
        account: Name | str,
        name: Name | str,
        authorization: Iterable[PermissionLevel | str | Mapping[str, str]],
        data: Mapping[str, Any],
        abi: ABI,
    ) -> Self:
        """Encode ``data`` with the action's type in ``abi`` (raises ``ABIError`` if unknown).

        The names and permission levels may be given as text (``"alice@active"``) here.
        """
        name = Name.from_json(name)
        type_name = _action_type(abi, name)
        encoded = abi.encode(type_name, data)
        return cls(
            Name.from_json(account), name, _authorization(authorization), _new_bytes(encoded)
        )

    def decode_data(self, abi: ABI) -> dict[str, Any]:
        """The action's data as JSON-like values, decoded with ``abi``."""
        type_name = _action_type(abi, self.name)
        value: dict[str, Any] = abi.decode(type_name, self.data)
        return value

    @classmethod
    def from_json(cls, value: object) -> Self:
        """From the reference JSON (``data`` as hex)."""
        if isinstance(value, cls):
            return value
        fields = _expect_fields(value, _ACTION_FIELDS, _ACTION_FIELDS, "an action")
        if isinstance(fields["data"], Mapping):
            raise InvalidTransaction(
                "action data must be hex here; encode a data object with Action.from_data"
            )
        return cls(
            Name.from_json(fields["account"]),
            Name.from_json(fields["name"]),
            _authorization(fields["authorization"]),
            _as_bytes(fields["data"], "action data"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account._text,
            "name": self.name._text,
            "authorization": [level.to_json() for level in self.authorization],
            "data": self.data.hex(),
        }

    def to_abi(self) -> bytes:
        authorization = self.authorization
        parts = [
            _TWO_NAMES.pack(self.account._value, self.name._value),
            encode_varuint32(len(authorization)),
        ]
        parts.extend(
            _TWO_NAMES.pack(level._actor._value, level._permission._value)
            for level in authorization
        )
        parts.append(encode_varuint32(len(self.data)))
        parts.append(self.data)
        return b"".join(parts)

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        account, pos = Name.from_abi(data, pos)
        name, pos = Name.from_abi(data, pos)
        authorization, pos = read_list(
            data, pos, PermissionLevel.from_abi, MIN_PERMISSION_LEVEL, "authorizations"
        )
        action_data, end = read_sized(data, pos, "action data")
        return cls(account, name, authorization, _new_bytes(action_data)), end


class TransactionExtension(msgspec.Struct, frozen=True):
    """A ``(type, data)`` extension of a transaction header (uint16 type, opaque bytes)."""

    type: int
    data: Bytes

    def __post_init__(self) -> None:
        if (
            isinstance(self.type, bool)
            or type(self.type) is not int
            or not 0 <= self.type <= 0xFFFF
        ):
            raise _misbuilt(
                "TransactionExtension.type", "an int from 0 to 65535", self.type, _EXTENSION_FACTORY
            )
        if type(self.data) is not Bytes:
            data = _exact_bytes(self.data, "TransactionExtension.data", _EXTENSION_FACTORY)
            force_setattr(self, "data", data)

    @classmethod
    def from_json(cls, value: object) -> Self:
        if isinstance(value, cls):
            return value
        if isinstance(value, Sequence) and not isinstance(value, str | bytes) and len(value) == 2:
            kind, data = value
        else:
            fields = _expect_fields(value, _EXTENSION_FIELDS, _EXTENSION_FIELDS, "an extension")
            kind, data = fields["type"], fields["data"]
        _check_int(kind, "a transaction extension type", 0xFFFF)
        return cls(kind, _as_bytes(data, "transaction extension data"))

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "data": self.data.hex()}


def _read_extension(data: bytes | memoryview, pos: int) -> tuple[TransactionExtension, int]:
    if len(data) - pos < 2:
        raise DecodeError("truncated transaction extension")
    (kind,) = _UINT16.unpack_from(data, pos)
    extension_data, pos = read_sized(data, pos + 2, "transaction extension data")
    return TransactionExtension(kind, _new_bytes(extension_data)), pos


def _actions(value: object, what: str) -> tuple[Action, ...]:
    actions = _list_items(value, f"{what} must be a list of actions")
    return tuple(Action.from_json(action) for action in actions)


class Transaction(msgspec.Struct, frozen=True):
    """A transaction: TAPoS header, resource limits, context-free actions, actions, extensions.

    The constructor takes its annotated types (lists are taken for tuples);
    ``Transaction.from_json`` reads the reference JSON, and ``TimePointSec.from_string`` /
    ``TimePointSec(seconds)`` make an expiration.
    """

    expiration: TimePointSec
    ref_block_num: int
    ref_block_prefix: int
    max_net_usage_words: int = 0
    max_cpu_usage_ms: int = 0
    delay_sec: int = 0
    context_free_actions: tuple[Action, ...] = ()
    actions: tuple[Action, ...] = ()
    transaction_extensions: tuple[TransactionExtension, ...] = ()

    def __post_init__(self) -> None:
        if type(self.expiration) is not TimePointSec:
            raise _misbuilt(
                "Transaction.expiration", "a TimePointSec", self.expiration, _TRANSACTION_FACTORY
            )
        _check_int(self.ref_block_num, "ref_block_num", 0xFFFF)
        _check_int(self.ref_block_prefix, "ref_block_prefix", 0xFFFFFFFF)
        _check_int(self.max_net_usage_words, "max_net_usage_words", 0xFFFFFFFF)
        _check_int(self.max_cpu_usage_ms, "max_cpu_usage_ms", 0xFF)
        _check_int(self.delay_sec, "delay_sec", 0xFFFFFFFF)
        for field, kind in (
            ("context_free_actions", Action),
            ("actions", Action),
            ("transaction_extensions", TransactionExtension),
        ):
            items = getattr(self, field)
            if type(items) is not tuple or not all(type(item) is kind for item in items):
                listed = _items_of(items, kind, f"Transaction.{field}", _TRANSACTION_FACTORY)
                force_setattr(self, field, tuple(listed))

    def to_bytes(self) -> bytes:
        """The packed transaction (what is hashed for the id and signed)."""
        parts = [
            HEADER.pack(self.expiration._count, self.ref_block_num, self.ref_block_prefix),
            encode_varuint32(self.max_net_usage_words),
            bytes((self.max_cpu_usage_ms,)),
            encode_varuint32(self.delay_sec),
            encode_varuint32(len(self.context_free_actions)),
        ]
        parts.extend(action.to_abi() for action in self.context_free_actions)
        parts.append(encode_varuint32(len(self.actions)))
        parts.extend(action.to_abi() for action in self.actions)
        parts.append(encode_varuint32(len(self.transaction_extensions)))
        for extension in self.transaction_extensions:
            parts.append(_UINT16.pack(extension.type))
            parts.append(encode_varuint32(len(extension.data)))
            parts.append(extension.data)
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        """Decode a whole packed transaction (trailing bytes are a ``DecodeError``)."""
        transaction, end = cls.from_abi(data)
        if end != len(data):
            raise DecodeError(f"{len(data) - end} trailing bytes after the transaction")
        return transaction

    @classmethod
    def from_abi(cls, data: bytes | bytearray | memoryview, pos: int = 0) -> tuple[Self, int]:
        """Decode one transaction at ``pos``; return it and the position after it."""
        data = _binary(data)
        if type(pos) is not int:
            raise bad_arguments(data, pos, "transaction")
        if pos < 0 or len(data) - pos < HEADER.size + 1:
            raise DecodeError("truncated transaction header")
        expiration, ref_block_num, ref_block_prefix = HEADER.unpack_from(data, pos)
        pos += HEADER.size
        max_net_usage_words, pos = read_varuint32(data, pos)
        if pos >= len(data):
            raise DecodeError("truncated transaction header")
        max_cpu_usage_ms = data[pos]
        delay_sec, pos = read_varuint32(data, pos + 1)
        context_free_actions, pos = read_list(
            data, pos, Action.from_abi, MIN_ACTION, "context-free actions"
        )
        actions, pos = read_list(data, pos, Action.from_abi, MIN_ACTION, "actions")
        extensions, pos = read_list(
            data, pos, _read_extension, MIN_EXTENSION, "transaction extensions"
        )
        transaction = cls(
            TimePointSec._make(expiration),
            ref_block_num,
            ref_block_prefix,
            max_net_usage_words,
            max_cpu_usage_ms,
            delay_sec,
            tuple(context_free_actions),
            tuple(actions),
            tuple(extensions),
        )
        return transaction, pos

    @property
    def id(self) -> Checksum256:
        """The transaction id: sha256 of the packed transaction."""
        return Checksum256.hash(self.to_bytes())

    def signing_digest(
        self,
        chain_id: Checksum256 | str | bytes,
        context_free_data: Sequence[bytes] = (),
    ) -> Checksum256:
        """What signatures sign on chain ``chain_id`` (see the module docstring)."""
        chain = chain_id.data if isinstance(chain_id, Checksum256) else Checksum256(chain_id).data
        if context_free_data:
            items = _bytes_list(context_free_data)
            cfd_digest = hashlib.sha256(_pack_bytes_list(items)).digest()
        else:
            cfd_digest = _ZERO_DIGEST
        return Checksum256.hash(chain + self.to_bytes() + cfd_digest)

    @classmethod
    def from_json(cls, value: object) -> Self:
        """From the reference JSON (action data as hex); unknown fields are an error."""
        if isinstance(value, cls):
            return value
        fields = _expect_fields(
            value,
            {"expiration", "ref_block_num", "ref_block_prefix"},
            _TRANSACTION_FIELDS,
            "a transaction",
        )
        fields["expiration"] = TimePointSec.from_json(fields["expiration"])
        for field in ("context_free_actions", "actions"):
            fields[field] = _actions(fields.get(field, ()), field)
        extensions = _list_items(
            fields.get("transaction_extensions", ()), "transaction_extensions must be a list"
        )
        fields["transaction_extensions"] = tuple(map(TransactionExtension.from_json, extensions))
        return cls(**fields)

    def to_json(self) -> dict[str, Any]:
        return {
            "expiration": str(self.expiration),
            "ref_block_num": self.ref_block_num,
            "ref_block_prefix": self.ref_block_prefix,
            "max_net_usage_words": self.max_net_usage_words,
            "max_cpu_usage_ms": self.max_cpu_usage_ms,
            "delay_sec": self.delay_sec,
            "context_free_actions": [action.to_json() for action in self.context_free_actions],
            "actions": [action.to_json() for action in self.actions],
            "transaction_extensions": [e.to_json() for e in self.transaction_extensions],
        }


def _signatures(value: object) -> list[Signature]:
    signatures = _list_items(value, "signatures must be a list of signatures")
    return [Signature.from_json(signature) for signature in signatures]


def _bytes_list(value: object) -> list[Bytes]:
    items = _list_items(value, "context_free_data must be a list of bytes or hex strings")
    return [_as_bytes(item, "context-free data") for item in items]


class SignedTransaction:
    """A transaction with its signatures and context-free data.

    Its JSON form is the reference's flat one (the transaction's fields plus ``signatures`` and
    ``context_free_data``), so it is a plain immutable class rather than a msgspec Struct (which
    msgspec would write nested): ``sessionkit.antelope.enc_hook`` / ``dec_hook`` convert it.
    """

    __slots__ = ("context_free_data", "signatures", "transaction")

    transaction: Transaction
    signatures: list[Signature]
    context_free_data: list[Bytes]

    def __init__(
        self,
        transaction: Transaction,
        signatures: Sequence[Signature] = (),
        context_free_data: Sequence[bytes] = (),
    ) -> None:
        if not isinstance(transaction, Transaction):
            raise InvalidTransaction(
                f"SignedTransaction(transaction, ...) takes a Transaction, not "
                f"{type(transaction).__name__}; read the reference JSON with "
                "SignedTransaction.from_json({...})"
            )
        checked_signatures = _items_of(
            signatures, Signature, "SignedTransaction.signatures", _SIGNED_FACTORY
        )
        if type(context_free_data) not in (list, tuple):
            raise _misbuilt(
                "SignedTransaction.context_free_data",
                "a list or tuple of Bytes (or bytes)",
                context_free_data,
                _SIGNED_FACTORY,
            )
        checked_cfd = [
            _exact_bytes(item, "SignedTransaction.context_free_data", _SIGNED_FACTORY)
            for item in context_free_data
        ]
        set_field = object.__setattr__
        set_field(self, "transaction", transaction)
        set_field(self, "signatures", checked_signatures)
        set_field(self, "context_free_data", checked_cfd)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"SignedTransaction is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"SignedTransaction is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, SignedTransaction)
        return (
            self.transaction == other.transaction
            and self.signatures == other.signatures
            and self.context_free_data == other.context_free_data
        )

    __hash__ = None  # type: ignore[assignment]  # the lists inside are mutable, as before

    def __repr__(self) -> str:
        return (
            f"SignedTransaction(transaction={self.transaction!r}, "
            f"signatures={self.signatures!r}, context_free_data={self.context_free_data!r})"
        )

    @property
    def id(self) -> Checksum256:
        return self.transaction.id

    def signing_digest(self, chain_id: Checksum256 | str | bytes) -> Checksum256:
        """The digest the signatures sign, including this transaction's context-free data."""
        return self.transaction.signing_digest(chain_id, self.context_free_data)

    def to_bytes(self) -> bytes:
        """Transaction fields, then ``signature[]``, then ``bytes[]`` context-free data."""
        parts = [self.transaction.to_bytes(), encode_varuint32(len(self.signatures))]
        parts.extend(signature.to_abi() for signature in self.signatures)
        parts.append(_pack_bytes_list(self.context_free_data))
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Self:
        data = _binary(data)
        transaction, pos = Transaction.from_abi(data)
        signatures, pos = read_list(data, pos, Signature.from_abi, MIN_SIGNATURE, "signatures")
        context_free_data, pos = _read_bytes_list(data, pos)
        if pos != len(data):
            raise DecodeError(f"{len(data) - pos} trailing bytes after the signed transaction")
        return cls(transaction, signatures, context_free_data)

    @classmethod
    def from_json(cls, value: object) -> Self:
        """From the reference JSON: the transaction fields plus ``signatures`` and
        ``context_free_data`` (hex strings)."""
        if isinstance(value, cls):
            return value
        fields = _expect_fields(
            value,
            {"expiration", "ref_block_num", "ref_block_prefix"},
            _TRANSACTION_FIELDS | {"signatures", "context_free_data"},
            "a signed transaction",
        )
        signatures = _signatures(fields.pop("signatures", []))
        context_free_data = _bytes_list(fields.pop("context_free_data", []))
        return cls(Transaction.from_json(fields), signatures, context_free_data)

    def to_json(self) -> dict[str, Any]:
        value = self.transaction.to_json()
        value["signatures"] = [str(signature) for signature in self.signatures]
        value["context_free_data"] = [item.hex() for item in self.context_free_data]
        return value


def _compression(value: object) -> CompressionType:
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return CompressionType(value)
    raise InvalidTransaction(f"compression must be 0 (none) or 1 (zlib), not {shown(value)}")


def _inflate(data: bytes, what: str) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_UNPACKED_SIZE)
    except zlib.error as error:
        raise DecodeError(f"{what} is not valid zlib data: {error}") from None
    if inflater.unconsumed_tail:
        raise DecodeError(f"{what} inflates to more than {MAX_UNPACKED_SIZE} bytes")
    if not inflater.eof or inflater.unused_data:
        raise DecodeError(f"{what} is truncated or has bytes after the zlib stream")
    return out


class PackedTransaction(msgspec.Struct, frozen=True):
    """The form a node accepts on ``/v1/chain/send_transaction`` (``to_json()`` is the body)."""

    signatures: list[Signature]
    compression: CompressionType
    packed_context_free_data: Bytes
    packed_trx: Bytes

    def __post_init__(self) -> None:
        if type(self.compression) is not CompressionType:
            compression = self.compression
            if type(compression) is not int or compression not in (0, 1):
                raise _misbuilt(
                    "PackedTransaction.compression",
                    "a CompressionType",
                    compression,
                    _PACKED_FACTORY,
                )
            force_setattr(self, "compression", CompressionType(compression))
        if type(self.signatures) is not list or not all(
            type(s) is Signature for s in self.signatures
        ):
            signatures = _items_of(
                self.signatures, Signature, "PackedTransaction.signatures", _PACKED_FACTORY
            )
            force_setattr(self, "signatures", signatures)
        for field in ("packed_context_free_data", "packed_trx"):
            value = getattr(self, field)
            if type(value) is not Bytes:
                checked = _exact_bytes(value, f"PackedTransaction.{field}", _PACKED_FACTORY)
                force_setattr(self, field, checked)

    @classmethod
    def from_signed(
        cls,
        signed: SignedTransaction,
        compression: CompressionType = CompressionType.NONE,
    ) -> Self:
        """Pack ``signed``; with ZLIB both parts are deflated with a zlib header, as nodes
        expect for ``compression: 1``."""
        if not isinstance(signed, SignedTransaction):
            raise InvalidTransaction(
                f"from_signed packs a SignedTransaction, not {type(signed).__name__}"
            )
        compression = _compression(compression)
        packed_trx = signed.transaction.to_bytes()
        packed_cfd = _pack_bytes_list(signed.context_free_data)
        if compression == CompressionType.ZLIB:
            packed_trx = zlib.compress(packed_trx)
            packed_cfd = zlib.compress(packed_cfd)
        return cls(
            list(signed.signatures), compression, _new_bytes(packed_cfd), _new_bytes(packed_trx)
        )

    def unpack(self) -> SignedTransaction:
        """The signed transaction inside (inflating zlib data, at most 8 MiB)."""
        packed_cfd: bytes = self.packed_context_free_data
        if self.compression == CompressionType.ZLIB and packed_cfd:
            packed_cfd = _inflate(packed_cfd, "packed_context_free_data")
        transaction = Transaction.from_bytes(self._transaction_bytes())
        context_free_data: list[Bytes] = []
        if packed_cfd:
            context_free_data, end = _read_bytes_list(packed_cfd, 0)
            if end != len(packed_cfd):
                raise DecodeError("trailing bytes after packed_context_free_data")
        return SignedTransaction(transaction, list(self.signatures), context_free_data)

    def _transaction_bytes(self) -> bytes:
        """``packed_trx``, inflated if it is compressed."""
        if self.compression == CompressionType.ZLIB:
            return _inflate(self.packed_trx, "packed_trx")
        return self.packed_trx

    @property
    def id(self) -> Checksum256:
        """The id of the transaction inside: sha256 of its packed bytes.

        The bytes are checked to be one whole transaction, as ``unpack`` checks them, but no
        action is built, so the id of a hostile transaction of hundreds of thousands of
        actions costs milliseconds rather than seconds and hundreds of MB.
        """
        packed_trx = self._transaction_bytes()
        end = transaction_end(packed_trx)
        if end != len(packed_trx):
            raise DecodeError(f"{len(packed_trx) - end} trailing bytes after the transaction")
        return Checksum256.hash(packed_trx)

    @classmethod
    def from_json(cls, value: object) -> Self:
        """From the push body ``{signatures, compression, packed_context_free_data,
        packed_trx}``."""
        if isinstance(value, cls):
            return value
        fields = _expect_fields(
            value,
            {"signatures", "packed_trx"},
            {"signatures", "compression", "packed_context_free_data", "packed_trx"},
            "a packed transaction",
        )
        compression = fields.get("compression", 0)
        if compression in ("none", "zlib"):
            compression = CompressionType[compression.upper()]
        return cls(
            _signatures(fields["signatures"]),
            _compression(compression),
            _as_bytes(fields.get("packed_context_free_data", ""), "packed_context_free_data"),
            _as_bytes(fields["packed_trx"], "packed_trx"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "signatures": [str(signature) for signature in self.signatures],
            "compression": int(self.compression),
            "packed_context_free_data": self.packed_context_free_data.hex(),
            "packed_trx": self.packed_trx.hex(),
        }
