"""The signing request model: its data in the codec's JSON form, its wire forms, and
read-only views of it.

``RequestModel`` holds what a request is (version, data, optional request signature), reads and
writes it as bytes and ``esr:`` URIs, and answers questions about it (chain, actions, info,
flags...), computing typed values from the JSON when asked. ``SigningRequest`` adds creating,
editing and resolving.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from sessionkit.antelope import ABI, Action, Checksum256, Name, Signature, Transaction
from sessionkit.errors import InvalidSigningRequest, InvalidValue
from sessionkit.esr._abi_defs import esr_abi
from sessionkit.esr._chains import ChainName, chain_id_for_alias
from sessionkit.esr._parts import (
    PLACEHOLDER_AUTH,
    copy_json,
    has_tapos,
    is_identity_action,
    null_transaction,
    variant_chain_id,
)
from sessionkit.esr._placeholders import PLACEHOLDER_ACTOR, PLACEHOLDER_PERMISSION
from sessionkit.esr._uri import (
    DEFAULT_MAX_PAYLOAD_SIZE,
    decode_payload,
    encode_payload,
    inflate_payload,
)

__all__ = [
    "RequestFlags",
    "RequestModel",
    "RequestSignature",
    "check_version",
    "unresolved_transaction",
]


def check_version(version: int) -> None:
    """Refuse a protocol version other than 2 and 3."""
    if version not in (2, 3):
        raise InvalidSigningRequest(
            f"unsupported signing request version {version}: only 2 and 3 exist"
        )


class RequestFlags:
    """Bits of the request ``flags`` byte."""

    BROADCAST = 1
    BACKGROUND = 2


@dataclass(frozen=True, slots=True)
class RequestSignature:
    """The optional signature of a request by the app that made it (``request_signature``)."""

    signer: Name
    signature: Signature

    @classmethod
    def from_json(cls, value: object) -> Self:
        """From ``{"signer": name, "signature": "SIG_..."}``."""
        if not isinstance(value, Mapping) or set(value) != {"signer", "signature"}:
            raise InvalidSigningRequest("a request signature is {signer, signature}")
        return cls(Name.from_json(value["signer"]), Signature.from_json(value["signature"]))

    def to_abi(self) -> bytes:
        """The serialized ``request_signature`` struct."""
        return self.signer.to_abi() + self.signature.to_abi()

    def to_json(self) -> dict[str, str]:
        """``{"signer": ..., "signature": ...}``."""
        return {"signer": str(self.signer), "signature": str(self.signature)}


class RequestModel:
    """A request's version, data and request signature, with read-only views of them.

    ``_raw`` caches the serialized data; whatever changes ``_data`` sets it to None.
    """

    __slots__ = ("_data", "_raw", "_version", "signature")

    def __init__(
        self,
        version: int,
        data: dict[str, Any],
        signature: RequestSignature | None = None,
        *,
        _raw: bytes | None = None,
    ) -> None:
        """Wrap request ``data`` in the codec's JSON form; prefer ``create`` and ``from_*``."""
        check_version(version)
        self._version = version
        self._data = data
        self._raw = _raw
        self.signature = signature
        self._check()

    @property
    def version(self) -> int:
        """The protocol version, 2 or 3."""
        return self._version

    @property
    def data(self) -> dict[str, Any]:
        """The request as JSON, in the reference's form (a copy)."""
        data: dict[str, Any] = copy_json(self._data)
        req = data["req"]
        if req[0] == "identity" and req[1].get("permission") is None:
            req[1].pop("permission", None)
        return data

    # -- binary and URI forms -------------------------------------------------------------

    @classmethod
    def from_uri(cls, uri: str, *, max_size: int = DEFAULT_MAX_PAYLOAD_SIZE) -> Self:
        """Decode an ``esr:`` / ``esr://`` / ``web+esr:`` URI; raises ``InvalidSigningRequest``.

        A compressed request may inflate to at most ``max_size`` bytes.
        """
        version, payload = decode_payload(uri, max_size=max_size)
        return cls._from_payload(version, payload)

    @classmethod
    def from_bytes(cls, data: bytes, *, max_size: int = DEFAULT_MAX_PAYLOAD_SIZE) -> Self:
        """Decode the binary form (header byte + payload) that a URI carries in base64."""
        if not data:
            raise InvalidSigningRequest("an empty byte string is not a signing request")
        payload = bytes(data[1:])
        if data[0] & 0x80:
            payload = inflate_payload(payload, max_size)
        return cls._from_payload(data[0] & 0x7F, payload)

    @classmethod
    def _from_payload(cls, version: int, payload: bytes) -> Self:
        check_version(version)
        try:
            data, pos = esr_abi(version).decode_partial("signing_request", payload)
            signature = None
            if pos < len(payload):
                signature = _decode_request_signature(payload, pos)
        except InvalidValue as exc:
            if isinstance(exc, InvalidSigningRequest):
                raise
            raise InvalidSigningRequest(f"signing request data does not decode: {exc}") from exc
        return cls(version, data, signature, _raw=payload[:pos])

    def encode(self, compress: bool = True, slashes: bool = True, scheme: str = "esr") -> str:
        """The request as a URI: ``esr://...`` (``esr:...`` without slashes), deflated when
        that is shorter and ``compress`` is true."""
        payload = self.to_bytes()
        if self.signature is not None:
            payload += self.signature.to_abi()
        return encode_payload(
            self._version, payload, compress=compress, slashes=slashes, scheme=scheme
        )

    # -- chains ---------------------------------------------------------------------------

    @property
    def is_multi_chain(self) -> bool:
        """True when the request is valid on any chain (alias 0), maybe limited by ``chain_ids``."""
        kind, value = self._data["chain_id"]
        return bool(kind == "chain_alias" and value == ChainName.UNKNOWN)

    @property
    def chain_id(self) -> Checksum256 | None:
        """The chain the request is for, or None for a multi-chain request."""
        if self.is_multi_chain:
            return None
        return variant_chain_id(self._data["chain_id"])

    @property
    def chain_ids(self) -> list[Checksum256] | None:
        """The chains a multi-chain request is limited to; None when any chain (or single-chain)."""
        if not self.is_multi_chain:
            return None
        raw = self.get_raw_info_key("chain_ids")
        if raw is None:
            return None
        try:
            variants = esr_abi(self._version).decode("variant_id[]", raw)
        except InvalidValue as exc:
            raise InvalidSigningRequest(f"info key chain_ids does not decode: {exc}") from exc
        return [variant_chain_id(v) for v in variants]

    # -- identity -------------------------------------------------------------------------

    @property
    def is_identity(self) -> bool:
        """True for an identity (login) request."""
        return bool(self._data["req"][0] == "identity")

    @property
    def identity(self) -> Name | None:
        """The account an identity request asks for, or None (any account, or not identity)."""
        return self._identity_name("actor", PLACEHOLDER_ACTOR)

    @property
    def identity_permission(self) -> Name | None:
        """The permission an identity request asks for, or None (any, or not identity)."""
        return self._identity_name("permission", PLACEHOLDER_PERMISSION)

    @property
    def identity_scope(self) -> Name | None:
        """The scope of a version 3 identity request (the app asking), else None."""
        if not self.is_identity or self._version < 3:
            return None
        return Name(self._data["req"][1]["scope"])

    # -- flags and callback ---------------------------------------------------------------

    @property
    def flags(self) -> int:
        """The raw flags byte (see ``RequestFlags``)."""
        return int(self._data["flags"])

    @property
    def broadcast(self) -> bool:
        """The broadcast flag as set in the request."""
        return bool(self.flags & RequestFlags.BROADCAST)

    @property
    def background(self) -> bool:
        """Whether the callback should be sent in the background (POST) rather than opened."""
        return bool(self.flags & RequestFlags.BACKGROUND)

    @property
    def should_broadcast(self) -> bool:
        """Whether the signer should broadcast the transaction (never for identity requests)."""
        return not self.is_identity and self.broadcast

    @property
    def callback(self) -> str:
        """The callback URL template, ``""`` when there is none."""
        return str(self._data["callback"])

    # -- info pairs -----------------------------------------------------------------------

    @property
    def raw_info(self) -> dict[str, bytes]:
        """The info pairs as raw bytes (the last pair wins for a repeated key)."""
        return {pair["key"]: bytes.fromhex(pair["value"]) for pair in self._data["info"]}

    def get_raw_info_key(self, key: str) -> bytes | None:
        """The raw bytes of the first info pair named ``key``, or None."""
        for pair in self._data["info"]:
            if pair["key"] == key:
                return bytes.fromhex(pair["value"])
        return None

    def get_info_key(self, key: str, type_name: str | None = None, abi: ABI | None = None) -> Any:
        """An info value: UTF-8 text without ``type_name``, else decoded as that ABI type (from
        ``abi``, or the ESR ABI, which also knows ``link_create`` and ``link_info``).
        None if absent."""
        raw = self.get_raw_info_key(key)
        if raw is None:
            return None
        if type_name is None:
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidSigningRequest(f"info key {key!r} is not UTF-8 text") from None
        return (abi or esr_abi(self._version)).decode(type_name, raw)

    # -- what to sign ---------------------------------------------------------------------

    @property
    def required_abis(self) -> list[Name]:
        """Contract accounts whose ABIs are needed to resolve the request, without repeats."""
        accounts: list[Name] = []
        for action in self._raw_action_dicts():
            if is_identity_action(action):
                continue
            account = Name(action["account"])
            if account not in accounts:
                accounts.append(account)
        return accounts

    @property
    def requires_tapos(self) -> bool:
        """Whether resolving needs TAPoS values (the request does not carry them)."""
        if self.is_identity:
            return False
        return not has_tapos(unresolved_transaction(self))

    @property
    def raw_actions(self) -> list[Action]:
        """The actions with their data still encoded (placeholders unresolved)."""
        return [Action.from_json(a) for a in self._raw_action_dicts()]

    @property
    def raw_transaction(self) -> Transaction:
        """The unresolved transaction (null TAPoS header unless the request carries one)."""
        return Transaction.from_json(unresolved_transaction(self))

    # -- bytes ----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The serialized ``signing_request`` (no header byte, no request signature)."""
        if self._raw is None:
            self._raw = self._encode_data()
        return self._raw

    @property
    def signature_digest(self) -> Checksum256:
        """What a request signature signs: sha256 of version, ``"request"`` and the request data."""
        return Checksum256.hash(bytes((self._version,)) + b"request" + self.to_bytes())

    # -- internals ------------------------------------------------------------------------

    def _check(self) -> None:
        data = self._data
        try:
            kind, value = data["chain_id"]
            is_identity = data["req"][0] == "identity"
            broadcast = data["flags"] & RequestFlags.BROADCAST
            _ = data["callback"], data["info"]
        except (KeyError, TypeError, ValueError, IndexError):
            raise InvalidSigningRequest(
                "request data must be a signing_request in JSON form: "
                "chain_id, req, flags, callback, info"
            ) from None
        if kind == "chain_alias" and value != ChainName.UNKNOWN:
            chain_id_for_alias(value)
        if is_identity and broadcast:
            raise InvalidSigningRequest("invalid request: an identity request cannot be broadcast")

    def _encode_data(self) -> bytes:
        return esr_abi(self._version).encode("signing_request", self._data)

    def _identity_name(self, field: str, placeholder: str) -> Name | None:
        """``field`` of the permission an identity request asks for; None for the placeholder
        (any), an identity request without a permission, or another kind of request."""
        if not self.is_identity:
            return None
        permission = self._data["req"][1].get("permission")
        if permission is None or permission[field] == placeholder:
            return None
        return Name(permission[field])

    def _raw_action_dicts(self) -> list[dict[str, Any]]:
        kind, value = self._data["req"]
        if kind == "action":
            return [value]
        if kind == "action[]":
            return list(value)
        if kind == "transaction":
            return list(value["actions"])
        return [self._identity_action()]

    def _identity_action(self) -> dict[str, Any]:
        identity = self._data["req"][1]
        permission = identity.get("permission") or PLACEHOLDER_AUTH
        if self._version == 2:
            value: dict[str, Any] = {"permission": permission}
        else:
            value = {"scope": identity["scope"], "permission": permission}
        data = esr_abi(self._version).encode("identity", value)
        return {
            "account": "",
            "name": "identity",
            "authorization": [permission],
            "data": data.hex(),
        }


def unresolved_transaction(request: RequestModel) -> dict[str, Any]:
    """The transaction ``request`` asks for, in JSON form: placeholders and a null TAPoS header
    left as they are (a shallow copy)."""
    kind, value = request._data["req"]
    if kind == "transaction":
        return dict(value)
    return null_transaction({"actions": request._raw_action_dicts()})


def _decode_request_signature(payload: bytes, pos: int) -> RequestSignature:
    signer, pos = Name.from_abi(payload, pos)
    signature, pos = Signature.from_abi(payload, pos)
    if pos != len(payload):
        raise InvalidSigningRequest(
            f"{len(payload) - pos} unexpected bytes after the request signature"
        )
    return RequestSignature(signer, signature)
