"""``SigningRequest``: an EEP-7 signing request, created from actions or decoded from a URI.

The request is held in the JSON form our ABI codec speaks for the ``signing_request`` struct
(variants as ``[type, value]``, bytes as hex), so decoding and encoding are one codec call each;
typed views (chain id, actions, info...) are computed from it when asked for. A request is
mutable like the reference's (``set_callback``, ``set_info_key``...); ``clone()`` copies it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from sessionkit.antelope import (
    ABI,
    Action,
    Checksum256,
    Name,
    PermissionLevel,
    PrivateKey,
    Signature,
    Transaction,
)
from sessionkit.errors import ABINotFoundError, InvalidSigningRequest, InvalidValue
from sessionkit.esr._abi_defs import esr_abi
from sessionkit.esr._chains import ChainName, alias_for_chain_id, chain_id_for_alias
from sessionkit.esr._placeholders import PLACEHOLDER_ACTOR, PLACEHOLDER_PERMISSION
from sessionkit.esr._uri import (
    DEFAULT_MAX_PAYLOAD_SIZE,
    decode_payload,
    encode_payload,
    inflate_payload,
)

if TYPE_CHECKING:
    from datetime import datetime

    from sessionkit.antelope import TimePointSec
    from sessionkit.chain import APIClient
    from sessionkit.esr._resolve import ABIProvider, ResolvedSigningRequest

__all__ = [
    "ChainIdLike",
    "RequestFlags",
    "RequestSignature",
    "SigningRequest",
]

#: A chain given as an alias number, a ``Checksum256`` or its hex string.
ChainIdLike = int | ChainName | Checksum256 | str

_NULL_EXPIRATION = "1970-01-01T00:00:00"
_PLACEHOLDER_AUTH = {"actor": PLACEHOLDER_ACTOR, "permission": PLACEHOLDER_PERMISSION}


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


class SigningRequest:
    """An ESR: what to sign (actions, a transaction or an identity), for which chain, and
    where the wallet should send the result.

    Build one with ``create`` / ``create_identity``, read one with ``from_uri``, turn it into
    a URI with ``encode``, and into a signable transaction with ``resolve``.
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
        if version not in (2, 3):
            raise InvalidSigningRequest(
                f"unsupported signing request version {version}: only 2 and 3 exist"
            )
        self._version = version
        self._data = data
        self._raw = _raw
        self.signature = signature
        self._check()

    # -- construction -------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        *,
        action: Action | Mapping[str, Any] | None = None,
        actions: Sequence[Action | Mapping[str, Any]] | None = None,
        transaction: Transaction | Mapping[str, Any] | None = None,
        identity: Mapping[str, Any] | None = None,
        chain_id: ChainIdLike | None = ChainName.EOS,
        chain_ids: Sequence[ChainIdLike] | None = None,
        broadcast: bool | None = None,
        callback: str | None = None,
        background: bool = False,
        info: Mapping[str, object] | None = None,
        abis: Mapping[str, ABI] | None = None,
    ) -> Self:
        """A new request with exactly one of ``action``, ``actions``, ``transaction`` or
        ``identity`` (``{"scope": ..., "permission": ...}``, both optional).

        Action ``data`` given as a mapping is encoded with ``abis[account]``; bytes or hex are
        taken as already encoded. ``chain_id=None`` makes a multi-chain request, limited to
        ``chain_ids`` if given. ``broadcast`` defaults to true except for identity requests.
        Info values: ``str`` become raw UTF-8, ``bytes`` are kept, ``bool`` is one byte, and
        value types (``Name``, ``Asset``, ``PublicKey``...) use their ABI encoding.
        Version 3 is used for multi-chain requests and identity requests with a scope.
        """
        given = [x is not None for x in (action, actions, transaction, identity)]
        if sum(given) != 1:
            raise InvalidSigningRequest(
                "give exactly one of action, actions, transaction or identity"
            )
        version = 3 if chain_id is None else 2
        abi_map = _abi_map(abis)
        req: list[Any]
        if identity is not None:
            req, version = _identity_req(identity, version)
        elif action is not None:
            req = ["action", _action_json(action, abi_map)]
        elif actions is not None:
            encoded = [_action_json(a, abi_map) for a in actions]
            req = ["action", encoded[0]] if len(encoded) == 1 else ["action[]", encoded]
        else:
            assert transaction is not None
            req = ["transaction", _transaction_json(transaction, abi_map)]

        is_identity = req[0] == "identity"
        if broadcast is None:
            broadcast = not is_identity
        flags = (RequestFlags.BROADCAST if broadcast else 0) | (
            RequestFlags.BACKGROUND if background else 0
        )
        info_pairs = [
            {"key": key, "value": _info_bytes(value).hex()} for key, value in (info or {}).items()
        ]
        if chain_id is None:
            chain_variant: list[Any] = ["chain_alias", ChainName.UNKNOWN.value]
            if chain_ids:
                info_pairs.append({"key": "chain_ids", "value": _chain_ids_bytes(chain_ids).hex()})
        else:
            if chain_ids:
                raise InvalidSigningRequest(
                    "chain_ids only applies to multi-chain requests: pass chain_id=None"
                )
            chain_variant = _chain_variant(chain_id)
        data = {
            "chain_id": chain_variant,
            "req": req,
            "flags": flags,
            "callback": callback or "",
            "info": info_pairs,
        }
        request = cls(version, data)
        request._raw = request._encode_data()
        return request

    @classmethod
    def create_identity(
        cls,
        callback: str,
        *,
        background: bool = False,
        scope: Name | str | None = None,
        account: Name | str | None = None,
        permission: Name | str | None = None,
        chain_id: ChainIdLike | None = ChainName.EOS,
        chain_ids: Sequence[ChainIdLike] | None = None,
        info: Mapping[str, object] | None = None,
    ) -> Self:
        """An identity (login) request, asking for ``account@permission`` if given (any
        account / any permission otherwise); a ``scope`` makes it version 3."""
        identity: dict[str, Any] = {"scope": scope}
        if account is not None or permission is not None:
            identity["permission"] = {
                "actor": account if account is not None else PLACEHOLDER_ACTOR,
                "permission": permission if permission is not None else PLACEHOLDER_PERMISSION,
            }
        return cls.create(
            identity=identity,
            callback=callback,
            background=background,
            chain_id=chain_id,
            chain_ids=chain_ids,
            info=info,
            broadcast=False,
        )

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
        if version not in (2, 3):
            raise InvalidSigningRequest(
                f"unsupported signing request version {version}: only 2 and 3 exist"
            )
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

    # -- reading --------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """The protocol version, 2 or 3."""
        return self._version

    @property
    def data(self) -> dict[str, Any]:
        """The request as JSON, in the reference's form (a copy)."""
        data: dict[str, Any] = _copy_json(self._data)
        req = data["req"]
        if req[0] == "identity" and req[1].get("permission") is None:
            req[1].pop("permission", None)
        return data

    @property
    def is_multi_chain(self) -> bool:
        """True when the request is valid on any chain (alias 0), maybe limited by ``chain_ids``."""
        kind, value = self._data["chain_id"]
        return bool(kind == "chain_alias" and value == ChainName.UNKNOWN)

    @property
    def chain_id(self) -> Checksum256 | None:
        """The chain the request is for, or None for a multi-chain request."""
        kind, value = self._data["chain_id"]
        if kind == "chain_id":
            return Checksum256(value)
        if value == ChainName.UNKNOWN:
            return None
        return chain_id_for_alias(value)

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
        return [_variant_chain_id(v) for v in variants]

    @property
    def is_identity(self) -> bool:
        """True for an identity (login) request."""
        return bool(self._data["req"][0] == "identity")

    @property
    def identity(self) -> Name | None:
        """The account an identity request asks for, or None (any account, or not identity)."""
        permission = self._identity_permission_level()
        if permission is None or permission["actor"] == PLACEHOLDER_ACTOR:
            return None
        return Name(permission["actor"])

    @property
    def identity_permission(self) -> Name | None:
        """The permission an identity request asks for, or None (any, or not identity)."""
        permission = self._identity_permission_level()
        if permission is None or permission["permission"] == PLACEHOLDER_PERMISSION:
            return None
        return Name(permission["permission"])

    @property
    def identity_scope(self) -> Name | None:
        """The scope of a version 3 identity request (the app asking), else None."""
        if not self.is_identity or self._version < 3:
            return None
        return Name(self._data["req"][1]["scope"])

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

    @property
    def required_abis(self) -> list[Name]:
        """Contract accounts whose ABIs are needed to resolve the request, without repeats."""
        accounts: list[Name] = []
        for action in self._raw_action_dicts():
            if _is_identity_action(action):
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
        return not _has_tapos(self._raw_transaction_json())

    @property
    def raw_actions(self) -> list[Action]:
        """The actions with their data still encoded (placeholders unresolved)."""
        return [_action_from_json(a) for a in self._raw_action_dicts()]

    @property
    def raw_transaction(self) -> Transaction:
        """The unresolved transaction (null TAPoS header unless the request carries one)."""
        return Transaction.from_json(self._raw_transaction_json())

    @property
    def signature_digest(self) -> Checksum256:
        """What a request signature signs: sha256 of version, ``"request"`` and the request data."""
        return Checksum256.hash(bytes((self._version,)) + b"request" + self.to_bytes())

    # -- writing --------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The serialized ``signing_request`` (no header byte, no request signature)."""
        if self._raw is None:
            self._raw = self._encode_data()
        return self._raw

    def encode(self, compress: bool = True, slashes: bool = True, scheme: str = "esr") -> str:
        """The request as a URI: ``esr://...`` (``esr:...`` without slashes), deflated when
        that is shorter and ``compress`` is true."""
        payload = self.to_bytes()
        if self.signature is not None:
            payload += self.signature.to_abi()
        return encode_payload(
            self._version, payload, compress=compress, slashes=slashes, scheme=scheme
        )

    def sign(self, private_key: PrivateKey, signer: Name | str) -> None:
        """Attach a request signature by ``signer`` (the app's account) with ``private_key``."""
        signature = private_key.sign_digest(self.signature_digest)
        self.signature = RequestSignature(Name(signer), signature)

    def set_signature(self, signer: Name | str, signature: Signature | str) -> None:
        """Attach an existing request signature."""
        self.signature = RequestSignature(
            Name(signer),
            signature if isinstance(signature, Signature) else Signature.from_string(signature),
        )

    def set_callback(self, url: str, background: bool = False) -> None:
        """Set the callback URL and whether it runs in the background."""
        self._data["callback"] = url
        self._set_flag(RequestFlags.BACKGROUND, background)

    def set_broadcast(self, broadcast: bool) -> None:
        """Set whether the signer should broadcast (identity requests never do)."""
        if broadcast and self.is_identity:
            raise InvalidSigningRequest("an identity request cannot be broadcast")
        self._set_flag(RequestFlags.BROADCAST, broadcast)

    def set_raw_info_key(self, key: str, value: bytes) -> None:
        """Set info ``key`` to raw bytes, replacing an existing pair in place."""
        for pair in self._data["info"]:
            if pair["key"] == key:
                pair["value"] = bytes(value).hex()
                break
        else:
            self._data["info"].append({"key": key, "value": bytes(value).hex()})
        self._raw = None

    def set_info_key(
        self, key: str, value: object, type_name: str | None = None, abi: ABI | None = None
    ) -> None:
        """Set info ``key``: encoded as ABI type ``type_name`` (of ``abi`` or the ESR ABI) if
        given, else like ``create``'s ``info`` (str -> raw UTF-8, value types -> ABI form)."""
        if type_name is None:
            raw = _info_bytes(value)
        else:
            raw = (abi or esr_abi(self._version)).encode(type_name, value)
        self.set_raw_info_key(key, raw)

    def remove_info_key(self, key: str) -> None:
        """Drop every info pair named ``key``."""
        self._data["info"] = [p for p in self._data["info"] if p["key"] != key]
        self._raw = None

    def set_chain_ids(self, chain_ids: Sequence[ChainIdLike]) -> None:
        """Limit a multi-chain request to these chains."""
        if not self.is_multi_chain:
            raise InvalidSigningRequest("chain_ids only applies to multi-chain requests")
        self.set_raw_info_key("chain_ids", _chain_ids_bytes(chain_ids))

    def append_action(
        self, action: Action | Mapping[str, Any], abis: Mapping[str, ABI] | None = None
    ) -> None:
        """Add an action after the others (an ``action`` request becomes ``action[]``)."""
        self._insert_action(action, abis, at_end=True)

    def prepend_action(
        self, action: Action | Mapping[str, Any], abis: Mapping[str, ABI] | None = None
    ) -> None:
        """Add an action before the others (an ``action`` request becomes ``action[]``)."""
        self._insert_action(action, abis, at_end=False)

    def clone(self) -> SigningRequest:
        """An independent copy."""
        return SigningRequest(self._version, _copy_json(self._data), self.signature, _raw=self._raw)

    # -- resolving ------------------------------------------------------------------------

    def resolve(
        self,
        abis: Mapping[str, ABI] | None,
        signer: PermissionLevel | str | Mapping[str, Any],
        *,
        expiration: TimePointSec | datetime | str | None = None,
        ref_block_num: int | None = None,
        ref_block_prefix: int | None = None,
        block_num: int | None = None,
        timestamp: TimePointSec | datetime | str | None = None,
        expire_seconds: int = 60,
        chain_id: ChainIdLike | None = None,
    ) -> ResolvedSigningRequest:
        """The transaction ``signer`` should sign: placeholders replaced, action data checked
        against ``abis`` (account -> ABI), TAPoS filled in when the request has none.

        TAPoS comes from ``expiration`` + ``ref_block_num`` + ``ref_block_prefix``, or from
        ``block_num`` + ``ref_block_prefix`` + ``timestamp`` (+ ``expire_seconds``). Version 3
        identity requests get ``expiration`` (or ``timestamp``/now + ``expire_seconds``).
        ``chain_id`` picks the chain of a multi-chain request.
        """
        from sessionkit.esr._resolve import resolve_request

        return resolve_request(
            self,
            abis,
            signer,
            expiration=expiration,
            ref_block_num=ref_block_num,
            ref_block_prefix=ref_block_prefix,
            block_num=block_num,
            timestamp=timestamp,
            expire_seconds=expire_seconds,
            chain_id=chain_id,
        )

    async def fetch_abis(self, provider: ABIProvider) -> dict[str, ABI]:
        """The ABIs ``resolve`` needs, from ``provider`` (e.g. ``sessionkit.chain.ABICache``)."""
        return {str(account): await provider.get_abi(account) for account in self.required_abis}

    async def resolve_from_chain(
        self,
        client: APIClient,
        signer: PermissionLevel | str | Mapping[str, Any],
        *,
        abi_provider: ABIProvider | None = None,
        expire_seconds: int = 120,
    ) -> ResolvedSigningRequest:
        """``resolve`` with ABIs from ``abi_provider`` (default: a new ``ABICache(client)``) and,
        when the request needs them, TAPoS and expiration from the chain's ``get_info``.

        The node's chain is the one resolved for; a request for another chain is refused.
        """
        from sessionkit.chain import ABICache

        abis = await self.fetch_abis(abi_provider or ABICache(client))
        if not (self.requires_tapos or self.is_identity or self.is_multi_chain):
            return self.resolve(abis, signer)
        info = await client.get_info()
        header = info.transaction_header(expire_seconds)
        return self.resolve(
            abis,
            signer,
            expiration=header.expiration,
            ref_block_num=header.ref_block_num,
            ref_block_prefix=header.ref_block_prefix,
            chain_id=info.chain_id,
        )

    # -- dunder ---------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SigningRequest):
            return NotImplemented
        return (
            self._version == other._version
            and self.to_bytes() == other.to_bytes()
            and self.signature == other.signature
        )

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.encode()

    def __repr__(self) -> str:
        return f"SigningRequest({self.encode()!r})"

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

    def _set_flag(self, flag: int, on: bool) -> None:
        flags = self._data["flags"]
        self._data["flags"] = (flags | flag) if on else (flags & ~flag)
        self._raw = None

    def _identity_permission_level(self) -> dict[str, str] | None:
        if not self.is_identity:
            return None
        permission: dict[str, str] | None = self._data["req"][1].get("permission")
        return permission

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
        permission = identity.get("permission") or _PLACEHOLDER_AUTH
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

    def _raw_transaction_json(self) -> dict[str, Any]:
        kind, value = self._data["req"]
        if kind == "transaction":
            return dict(value)
        return {
            "expiration": _NULL_EXPIRATION,
            "ref_block_num": 0,
            "ref_block_prefix": 0,
            "max_net_usage_words": 0,
            "max_cpu_usage_ms": 0,
            "delay_sec": 0,
            "context_free_actions": [],
            "actions": self._raw_action_dicts(),
            "transaction_extensions": [],
        }

    def _insert_action(
        self, action: Action | Mapping[str, Any], abis: Mapping[str, ABI] | None, *, at_end: bool
    ) -> None:
        encoded = _action_json(action, _abi_map(abis))
        kind, value = self._data["req"]
        if kind == "identity":
            raise InvalidSigningRequest("an identity request cannot carry actions")
        if kind == "transaction":
            actions = value["actions"]
        elif kind == "action":
            actions = [value]
            self._data["req"] = ["action[]", actions]
        else:
            actions = value
        if at_end:
            actions.append(encoded)
        else:
            actions.insert(0, encoded)
        self._raw = None


# -- helpers ---------------------------------------------------------------------------------


def _abi_map(abis: Mapping[str, ABI] | None) -> dict[str, ABI]:
    return {str(k): v for k, v in (abis or {}).items()}


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    return value


def _is_identity_action(action: Mapping[str, Any]) -> bool:
    return action["account"] in ("", 0) and action["name"] == "identity"


def _has_tapos(tx: Mapping[str, Any]) -> bool:
    return not (
        str(tx["expiration"]) == _NULL_EXPIRATION
        and tx["ref_block_num"] == 0
        and tx["ref_block_prefix"] == 0
    )


def _permission_json(value: object) -> dict[str, str]:
    if isinstance(value, str):
        level = PermissionLevel.from_string(value)
    else:
        level = PermissionLevel.from_json(value)
    return {"actor": str(level.actor), "permission": str(level.permission)}


def _hex_data(data: object) -> str:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data).hex()
    if isinstance(data, str):
        try:
            return bytes.fromhex(data).hex()
        except ValueError:
            raise InvalidSigningRequest(f"action data {data[:20]!r}... is not hex") from None
    raise InvalidSigningRequest(
        f"action data must be a mapping, bytes or hex, not {type(data).__name__}"
    )


def _action_json(action: Action | Mapping[str, Any], abis: Mapping[str, ABI]) -> dict[str, Any]:
    """An action in the codec's JSON form, its data encoded with ``abis`` when it is a mapping."""
    if isinstance(action, Action):
        return {
            "account": str(action.account),
            "name": str(action.name),
            "authorization": [_permission_json(p) for p in action.authorization],
            "data": bytes(action.data).hex(),
        }
    try:
        account = str(Name(action["account"]))
        name = str(Name(action["name"]))
        authorization = [_permission_json(p) for p in action.get("authorization", ())]
        data = action.get("data", b"")
    except KeyError as exc:
        raise InvalidSigningRequest(f"an action needs {exc.args[0]!r}") from None
    if isinstance(data, Mapping):
        abi = abis.get(account)
        if abi is None:
            raise ABINotFoundError(
                f"action {account}::{name} has unencoded data but no ABI was given for "
                f"{account}: pass abis={{{account!r}: abi}}"
            )
        encoded = abi.encode(abi.action_type(name), data).hex()
    else:
        encoded = _hex_data(data)
    return {"account": account, "name": name, "authorization": authorization, "data": encoded}


def _action_from_json(action: Mapping[str, Any]) -> Action:
    return Action(
        account=Name(action["account"]),
        name=Name(action["name"]),
        authorization=[
            PermissionLevel(p["actor"], p["permission"]) for p in action["authorization"]
        ],
        data=bytes.fromhex(action["data"]),
    )


def _transaction_json(
    transaction: Transaction | Mapping[str, Any], abis: Mapping[str, ABI]
) -> dict[str, Any]:
    """A (partial) transaction in JSON form with defaults filled in and its actions encoded."""
    if isinstance(transaction, Transaction):
        tx_json: dict[str, Any] = transaction.to_json()
        return tx_json
    tx = {
        "expiration": _NULL_EXPIRATION,
        "ref_block_num": 0,
        "ref_block_prefix": 0,
        "max_net_usage_words": 0,
        "max_cpu_usage_ms": 0,
        "delay_sec": 0,
        "context_free_actions": [],
        "actions": [],
        "transaction_extensions": [],
        **transaction,
    }
    tx["actions"] = [_action_json(a, abis) for a in tx["actions"]]
    tx["context_free_actions"] = [_action_json(a, abis) for a in tx["context_free_actions"]]
    canonical: dict[str, Any] = Transaction.from_json(tx).to_json()
    return canonical


def _identity_req(identity: Mapping[str, Any], version: int) -> tuple[list[Any], int]:
    scope = identity.get("scope")
    permission = identity.get("permission")
    perm_json = None if permission is None else _permission_json(permission)
    if scope:
        version = 3
    if version == 2:
        return ["identity", {"permission": perm_json}], version
    return ["identity", {"scope": str(Name(scope or 0)), "permission": perm_json}], version


def _chain_variant(chain_id: ChainIdLike) -> list[Any]:
    if isinstance(chain_id, int):
        chain_id_for_alias(chain_id)
        return ["chain_alias", int(chain_id)]
    checksum = chain_id if isinstance(chain_id, Checksum256) else Checksum256(chain_id)
    alias = alias_for_chain_id(checksum)
    if alias != ChainName.UNKNOWN:
        return ["chain_alias", alias]
    return ["chain_id", str(checksum)]


def _chain_ids_bytes(chain_ids: Sequence[ChainIdLike]) -> bytes:
    variants = [_chain_variant(c) for c in chain_ids]
    return esr_abi(3).encode("variant_id[]", variants)


def _variant_chain_id(variant: Sequence[Any]) -> Checksum256:
    kind, value = variant
    if kind == "chain_id":
        return Checksum256(value)
    return chain_id_for_alias(value)


def _info_bytes(value: object) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, bool):
        return b"\x01" if value else b"\x00"
    to_abi = getattr(value, "to_abi", None)
    if callable(to_abi):
        raw = to_abi()
        if isinstance(raw, bytes):
            return raw
    raise InvalidSigningRequest(
        f"cannot tell how to encode an info value of type {type(value).__name__}: "
        "use set_info_key(key, value, type_name)"
    )


def _decode_request_signature(payload: bytes, pos: int) -> RequestSignature:
    signer, pos = Name.from_abi(payload, pos)
    signature, pos = Signature.from_abi(payload, pos)
    if pos != len(payload):
        raise InvalidSigningRequest(
            f"{len(payload) - pos} unexpected bytes after the request signature"
        )
    return RequestSignature(signer, signature)
