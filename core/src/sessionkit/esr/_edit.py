"""Editing a signing request in place, as the reference allows: callback, flags, info pairs,
chains, actions and the request signature.

Every change to the data drops the cached bytes, so ``to_bytes`` and ``encode`` see it, and the
request signature, which signed the old bytes. The reference (signing-request 3.x) keeps the
signature, so an edited request goes out with one that no longer verifies; sign again after
editing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sessionkit.antelope import Name, PrivateKey, Signature
from sessionkit.errors import InvalidSigningRequest
from sessionkit.esr._abi_defs import esr_abi
from sessionkit.esr._model import RequestFlags, RequestModel, RequestSignature
from sessionkit.esr._parts import (
    abi_map,
    action_json,
    chain_ids_bytes,
    info_bytes,
    must_be,
    utf8,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sessionkit.antelope import ABI, Action
    from sessionkit.esr._parts import ChainIdLike

__all__ = ["RequestEditor"]


class RequestEditor(RequestModel):
    """The methods of ``SigningRequest`` that change it; each change drops the request
    signature (see the module documentation)."""

    __slots__ = ()

    def sign(self, private_key: PrivateKey | str, signer: Name | str) -> None:
        """Attach a request signature by ``signer`` (the app's account) with ``private_key``
        (a ``PrivateKey``, or its string: ``PVT_K1_...``, ``PVT_R1_...`` or WIF)."""
        if not isinstance(private_key, PrivateKey):
            private_key = PrivateKey.from_string(private_key)
        signature = private_key.sign_digest(self.signature_digest)
        self.signature = RequestSignature(Name(signer), signature)

    def set_signature(self, signer: Name | str, signature: Signature | str) -> None:
        """Attach an existing request signature."""
        self.signature = RequestSignature(Name(signer), Signature.from_json(signature))

    def set_callback(self, url: str, background: bool = False) -> None:
        """Set the callback URL and whether it runs in the background."""
        must_be(url, str, "a callback URL")
        utf8(url, "the callback URL")
        must_be(background, bool, "background")
        self._data["callback"] = url
        self._set_flag(RequestFlags.BACKGROUND, background)

    def set_broadcast(self, broadcast: bool) -> None:
        """Set whether the signer should broadcast (identity requests never do)."""
        must_be(broadcast, bool, "broadcast")
        if broadcast and self.is_identity:
            raise InvalidSigningRequest("an identity request cannot be broadcast")
        self._set_flag(RequestFlags.BROADCAST, broadcast)

    def set_raw_info_key(self, key: str, value: bytes) -> None:
        """Set info ``key`` to raw bytes, replacing an existing pair in place."""
        must_be(key, str, "an info key")
        utf8(key, "an info key")
        must_be(value, (bytes, bytearray, memoryview), f"the raw value of info key {key!r}")
        for pair in self._data["info"]:
            if pair["key"] == key:
                pair["value"] = bytes(value).hex()
                break
        else:
            self._data["info"].append({"key": key, "value": bytes(value).hex()})
        self._changed()

    def set_info_key(
        self, key: str, value: object, type_name: str | None = None, abi: ABI | None = None
    ) -> None:
        """Set info ``key``: encoded as ABI type ``type_name`` (of ``abi`` or the ESR ABI) if
        given, else like ``create``'s ``info`` (str -> raw UTF-8, value types -> ABI form)."""
        if type_name is None:
            raw = info_bytes(value)
        else:
            raw = (abi or esr_abi(self._version)).encode(type_name, value)
        self.set_raw_info_key(key, raw)

    def remove_info_key(self, key: str) -> None:
        """Drop every info pair named ``key``."""
        self._data["info"] = [p for p in self._data["info"] if p["key"] != key]
        self._changed()

    def set_chain_ids(self, chain_ids: Sequence[ChainIdLike]) -> None:
        """Limit a multi-chain request to these chains."""
        if not self.is_multi_chain:
            raise InvalidSigningRequest("chain_ids only applies to multi-chain requests")
        self.set_raw_info_key("chain_ids", chain_ids_bytes(chain_ids))

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

    def _set_flag(self, flag: int, on: bool) -> None:
        flags = self._data["flags"]
        self._data["flags"] = (flags | flag) if on else (flags & ~flag)
        self._changed()

    def _changed(self) -> None:
        self._raw = None
        self.signature = None

    def _insert_action(
        self, action: Action | Mapping[str, Any], abis: Mapping[str, ABI] | None, *, at_end: bool
    ) -> None:
        encoded = action_json(action, abi_map(abis))
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
        self._changed()
