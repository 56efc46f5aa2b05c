"""Turn what an app passes to ``transact`` into a signing request for the session's chain.

Action data may be a mapping (encoded with the contract's ABI, fetched through the cache),
bytes, hex or an ``Action``. An action mapping may carry a partial ``abi`` that is merged into
the cache first, as in WharfKit. The request never broadcasts by itself: the kit does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sessionkit.errors import ConfigurationError, InvalidValue

if TYPE_CHECKING:
    from sessionkit.antelope import ABI, Action, Checksum256, Transaction
    from sessionkit.chain import ABICache
    from sessionkit.esr import SigningRequest

__all__ = ["build_request", "coerce_request"]


async def build_request(
    abi_cache: ABICache,
    chain_id: Checksum256,
    *,
    action: Action | Mapping[str, Any] | None = None,
    actions: Sequence[Action | Mapping[str, Any]] | None = None,
    transaction: Transaction | Mapping[str, Any] | None = None,
) -> SigningRequest:
    """A non-broadcasting request for exactly one of ``action``, ``actions``, ``transaction``."""
    # imported here, not with the kit: the codec, the keys and the ESR code cost most of an import
    from sessionkit.antelope import Transaction
    from sessionkit.esr import SigningRequest

    given = [x is not None for x in (action, actions, transaction)]
    if sum(given) != 1:
        raise ConfigurationError(
            "give exactly one of action=, actions=, transaction= or request= to transact"
        )
    listed_given: object = actions
    if listed_given is not None and (
        not isinstance(listed_given, Sequence)
        or isinstance(listed_given, str | bytes)
        or not listed_given
    ):
        raise InvalidValue("actions= is a non-empty list of actions; for one action use action=")
    listed: list[Action | Mapping[str, Any]] = []
    if action is not None:
        listed = [action]
    elif actions is not None:
        listed = list(actions)
    elif isinstance(transaction, Mapping):
        for key in ("actions", "context_free_actions"):
            value = transaction.get(key) or []
            if not isinstance(value, Sequence) or isinstance(value, str | bytes):
                raise InvalidValue(f"a transaction's {key!r} is a list of actions")
            listed += list(value)
    elif not isinstance(transaction, Transaction):
        raise InvalidValue(
            f"transaction= is a Transaction or its dict, not {type(transaction).__name__}"
        )
    for each in listed:
        _check_action(each)
    cleaned = [_merge_partial_abi(abi_cache, a) for a in listed]
    abis = await _abis_for(abi_cache, cleaned)
    if action is not None:
        return SigningRequest.create(
            action=cleaned[0], chain_id=chain_id, broadcast=False, abis=abis
        )
    if actions is not None:
        return SigningRequest.create(actions=cleaned, chain_id=chain_id, broadcast=False, abis=abis)
    if isinstance(transaction, Mapping):
        transaction = _without_partial_abis(transaction)
    return SigningRequest.create(
        transaction=transaction, chain_id=chain_id, broadcast=False, abis=abis
    )


def _check_action(action: object) -> None:
    """An action is an ``Action`` or a mapping with a name-string ``account`` and ``name``."""
    from sessionkit.antelope import Action

    if isinstance(action, Action):
        return
    if not isinstance(action, Mapping):
        raise InvalidValue(
            "an action is a dict {'account', 'name', 'authorization', 'data'} or an Action, "
            f"not {type(action).__name__}"
        )
    for key in ("account", "name"):
        if not isinstance(action.get(key), str):
            raise InvalidValue(f"an action's {key!r} is a name string, not {action.get(key)!r}")
    authorization = action.get("authorization", ())
    if not isinstance(authorization, Sequence) or isinstance(authorization, str | bytes):
        raise InvalidValue(
            "an action's 'authorization' is a list such as [{'actor': 'alice', "
            f"'permission': 'active'}}], not {authorization!r}"
        )


def coerce_request(request: SigningRequest | str) -> SigningRequest:
    """A private, non-broadcasting copy of a request object or an ``esr:`` URI."""
    from sessionkit.esr import SigningRequest

    if isinstance(request, str):
        copy = SigningRequest.from_uri(request)
    elif isinstance(request, SigningRequest):
        copy = request.clone()
    else:
        raise InvalidValue(
            f"request= is a SigningRequest or an 'esr:' URI, not {type(request).__name__}"
        )
    copy.set_broadcast(False)
    return copy


def _merge_partial_abi(
    abi_cache: ABICache, action: Action | Mapping[str, Any]
) -> Action | Mapping[str, Any]:
    if not isinstance(action, Mapping) or "abi" not in action:
        return action
    account = action.get("account")
    if not isinstance(account, str):
        raise InvalidValue("an action's 'account' is a name string")
    abi_cache.set_abi(account, action["abi"], merge=True)
    return {k: v for k, v in action.items() if k != "abi"}


def _without_partial_abis(transaction: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(transaction)
    for key in ("actions", "context_free_actions"):
        if key in out and isinstance(out[key], list):
            out[key] = [
                {k: v for k, v in a.items() if k != "abi"} if isinstance(a, Mapping) else a
                for a in out[key]
            ]
    return out


async def _abis_for(
    abi_cache: ABICache, actions: Sequence[Action | Mapping[str, Any]]
) -> dict[str, ABI]:
    """The ABIs of the contracts whose action data is given as a mapping."""
    accounts: list[str] = []
    for each in actions:
        if isinstance(each, Mapping) and isinstance(each.get("data"), Mapping):
            account = each.get("account")
            if not isinstance(account, str):
                raise InvalidValue("an action's 'account' is a name string")
            if account not in accounts:
                accounts.append(account)
    return {account: await abi_cache.get_abi(account) for account in accounts}
