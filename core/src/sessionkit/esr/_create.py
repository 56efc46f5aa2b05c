"""Creating signing requests: ``SigningRequest.create`` and ``create_identity``.

What the caller passes (actions, a transaction or an identity; a chain, or None for any chain;
flags, callback and info) becomes the request's data in the codec's JSON form, encoded once so
the new request already knows its bytes.

The chain has no default: the reference falls back to the EOS mainnet, so a request meant for a
testnet silently asked wallets to sign for mainnet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self

from sessionkit.errors import InvalidSigningRequest
from sessionkit.esr._chains import ChainName
from sessionkit.esr._model import RequestFlags, RequestModel
from sessionkit.esr._parts import (
    ChainIdLike,
    abi_map,
    action_json,
    action_list,
    chain_ids_bytes,
    chain_variant,
    identity_req,
    info_bytes,
    must_be,
    transaction_json,
    utf8,
)
from sessionkit.esr._placeholders import PLACEHOLDER_ACTOR, PLACEHOLDER_PERMISSION

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sessionkit.antelope import ABI, Action, Name, Transaction

__all__ = ["RequestFactory"]


class _Required:
    """The default of ``chain_id``: shown as ``<required>``; leaving it out is an error."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<required>"


# Typed Any so the signature shows what a caller passes, not this marker.
_CHAIN_REQUIRED: Any = _Required()


def _check_chain_given(chain_id: object, method: str) -> None:
    if chain_id is _CHAIN_REQUIRED:
        raise InvalidSigningRequest(
            f"SigningRequest.{method} needs chain_id=, the chain the request is for: e.g. "
            "chain_id=Chains.Jungle4.id (from sessionkit.chain), chain_id=ChainName.EOS or a "
            "chain id in hex; chain_id=None makes a request valid on any chain"
        )


class RequestFactory(RequestModel):
    """The constructors of ``SigningRequest`` that build a new request from its parts."""

    __slots__ = ()

    @classmethod
    def create(
        cls,
        *,
        action: Action | Mapping[str, Any] | None = None,
        actions: Sequence[Action | Mapping[str, Any]] | None = None,
        transaction: Transaction | Mapping[str, Any] | None = None,
        identity: Mapping[str, Any] | None = None,
        chain_id: ChainIdLike | None = _CHAIN_REQUIRED,
        chain_ids: Sequence[ChainIdLike] | None = None,
        broadcast: bool | None = None,
        callback: str | None = None,
        background: bool = False,
        info: Mapping[str, object] | None = None,
        abis: Mapping[str, ABI] | None = None,
    ) -> Self:
        """A new request with exactly one of ``action``, ``actions``, ``transaction`` or
        ``identity`` (``{"scope": ..., "permission": ...}``, both optional).

        ``chain_id`` is required: an alias (``ChainName.EOS``), a chain id (``Checksum256`` or
        hex, e.g. ``Chains.Jungle4.id``), or None for a multi-chain request, limited to
        ``chain_ids`` if given. Action ``data`` given as a mapping is encoded with
        ``abis[account]``; bytes or hex are taken as already encoded. ``broadcast`` defaults to
        true except for identity requests.
        Info values: ``str`` become raw UTF-8, ``bytes`` are kept, ``bool`` is one byte, and
        value types (``Name``, ``Asset``, ``PublicKey``...) use their ABI encoding.
        Version 3 is used for multi-chain requests and identity requests with a scope.
        """
        _check_chain_given(chain_id, "create")
        given = [x is not None for x in (action, actions, transaction, identity)]
        if sum(given) != 1:
            raise InvalidSigningRequest(
                "give exactly one of action, actions, transaction or identity"
            )
        version = 3 if chain_id is None else 2
        abi_by_account = abi_map(abis)
        req: list[Any]
        if identity is not None:
            req, version = identity_req(identity, version)
        elif action is not None:
            req = ["action", action_json(action, abi_by_account)]
        elif actions is not None:
            encoded = [action_json(a, abi_by_account) for a in action_list(actions, "actions")]
            req = ["action", encoded[0]] if len(encoded) == 1 else ["action[]", encoded]
        else:
            assert transaction is not None
            req = ["transaction", transaction_json(transaction, abi_by_account)]

        is_identity = req[0] == "identity"
        if broadcast is None:
            broadcast = not is_identity
        must_be(broadcast, bool, "broadcast")
        must_be(background, bool, "background")
        if callback is not None:
            must_be(callback, str, "a callback URL")
            utf8(callback, "the callback URL")
        if info is not None and not isinstance(info, Mapping):
            raise InvalidSigningRequest(
                f"info maps keys to values, e.g. {{'note': 'hello'}}, not {type(info).__name__}"
            )
        for key in info or {}:
            must_be(key, str, "an info key")
            utf8(key, "an info key")
        flags = (RequestFlags.BROADCAST if broadcast else 0) | (
            RequestFlags.BACKGROUND if background else 0
        )
        info_pairs = (
            [{"key": key, "value": info_bytes(value).hex()} for key, value in info.items()]
            if info
            else []
        )
        if chain_id is None:
            chain: list[Any] = ["chain_alias", ChainName.UNKNOWN.value]
            if chain_ids:
                info_pairs.append({"key": "chain_ids", "value": chain_ids_bytes(chain_ids).hex()})
        else:
            if chain_ids:
                raise InvalidSigningRequest(
                    "chain_ids only applies to multi-chain requests: pass chain_id=None"
                )
            chain = chain_variant(chain_id)
        data = {
            "chain_id": chain,
            "req": req,
            "flags": flags,
            "callback": callback or "",
            "info": info_pairs,
        }
        request = cls(version, data)
        # no encoding here: every part was checked above, and the bytes are made when first needed
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
        chain_id: ChainIdLike | None = _CHAIN_REQUIRED,
        chain_ids: Sequence[ChainIdLike] | None = None,
        info: Mapping[str, object] | None = None,
    ) -> Self:
        """An identity (login) request, asking for ``account@permission`` if given (any
        account / any permission otherwise); a ``scope`` makes it version 3.

        ``chain_id`` is required as for ``create``; ``chain_id=None`` is a login on any chain
        (limited to ``chain_ids`` if given), as WharfKit asks when the app supports several.
        """
        _check_chain_given(chain_id, "create_identity")
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
