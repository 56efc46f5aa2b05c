"""Turn what an app passes to ``transact`` into a signing request for the session's chain.

Action data may be a mapping (encoded with the contract's ABI, fetched through the cache),
bytes, hex or an ``Action``. An action mapping may carry a partial ``abi`` that is merged into
the cache first, as in WharfKit. The request never broadcasts by itself: the kit does.

Resolving a request decodes every action's data again, to check it against the ABI and to find
the placeholder names it replaces. For actions the kit has just encoded from mappings with no
value that could be a placeholder, both answers are known, so ``prepare_request`` keeps the
encoded actions and ``resolve_prepared`` builds the transaction from them directly (the decoded
form is made only if somebody reads it). Anything else resolves the general way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeGuard

# The packages only: their modules (the codec, the keys, the ESR code: most of an import's
# cost) load when first used, not with the kit.
from sessionkit import antelope, esr
from sessionkit.errors import ConfigurationError, InvalidValue

if TYPE_CHECKING:
    from sessionkit.antelope import ABI, Action, Checksum256, PermissionLevel, Transaction
    from sessionkit.chain import ABICache, TransactionHeader
    from sessionkit.esr import ResolvedSigningRequest, SigningRequest

__all__ = ["PreparedRequest", "build_request", "coerce_request", "prepare_request"]

#: A name that starts with twelve dots has a uint64 value under 16: the placeholders are 1 and 2.
_PLACEHOLDER_PREFIX = "." * 12
#: Values that are never encoded as a name, nor hold one.
_NEVER_NAMES = (int, float, bool, bytes)
#: Action data nested deeper than this is not searched for placeholders: it resolves in full.
_MAX_SEARCH_DEPTH = 32


class PreparedRequest(NamedTuple):
    """A request built for ``transact``, and the actions it resolves to when the kit encoded
    every one of them itself and none can hold a placeholder (else None)."""

    request: SigningRequest
    actions: tuple[Action, ...] | None
    abis: dict[str, ABI]


async def build_request(
    abi_cache: ABICache,
    chain_id: Checksum256,
    *,
    action: Action | Mapping[str, Any] | None = None,
    actions: Sequence[Action | Mapping[str, Any]] | None = None,
    transaction: Transaction | Mapping[str, Any] | None = None,
) -> SigningRequest:
    """A non-broadcasting request for exactly one of ``action``, ``actions``, ``transaction``."""
    prepared = await prepare_request(
        abi_cache, chain_id, action=action, actions=actions, transaction=transaction
    )
    return prepared.request


def resolve_prepared(
    prepared: PreparedRequest,
    signer: PermissionLevel,
    header: TransactionHeader,
    chain_id: Checksum256,
) -> ResolvedSigningRequest:
    """What ``prepared.request.resolve`` gives for ``signer`` with the TAPoS of ``header``,
    made from the actions ``prepared`` holds (``prepared.actions`` must not be None)."""
    assert prepared.actions is not None
    transaction = antelope.Transaction(**header.to_dict(), actions=prepared.actions)
    return esr.ResolvedSigningRequest(
        prepared.request, signer, transaction, None, chain_id, abis=prepared.abis
    )


async def prepare_request(
    abi_cache: ABICache,
    chain_id: Checksum256,
    *,
    action: Action | Mapping[str, Any] | None = None,
    actions: Sequence[Action | Mapping[str, Any]] | None = None,
    transaction: Transaction | Mapping[str, Any] | None = None,
) -> PreparedRequest:
    """``build_request``, keeping the encoded actions when they can resolve without decoding."""
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
    elif not isinstance(transaction, antelope.Transaction):
        raise InvalidValue(
            f"transaction= is a Transaction or its dict, not {type(transaction).__name__}"
        )
    for each in listed:
        _check_action(each)
    cleaned = [_merge_partial_abi(abi_cache, a) for a in listed]
    abis = await _abis_for(abi_cache, cleaned)
    encoded = None if transaction is not None else _encoded_actions(cleaned, abis)
    if encoded is not None:
        request = esr.SigningRequest.create(
            actions=list(encoded), chain_id=chain_id, broadcast=False
        )
        return PreparedRequest(request, encoded, abis)
    if action is not None:
        request = esr.SigningRequest.create(
            action=cleaned[0], chain_id=chain_id, broadcast=False, abis=abis
        )
    elif actions is not None:
        request = esr.SigningRequest.create(
            actions=cleaned, chain_id=chain_id, broadcast=False, abis=abis
        )
    else:
        if isinstance(transaction, Mapping):
            transaction = _without_partial_abis(transaction)
        request = esr.SigningRequest.create(
            transaction=transaction, chain_id=chain_id, broadcast=False, abis=abis
        )
    return PreparedRequest(request, None, abis)


def _encoded_actions(
    actions: Sequence[Action | Mapping[str, Any]], abis: Mapping[str, ABI]
) -> tuple[Action, ...] | None:
    """The actions encoded, if each is a mapping whose data is a mapping (data given encoded
    is checked against its ABI when resolved) and no value can be a placeholder; else None."""
    encoded = []
    for action in actions:
        if not _is_mapping(action):
            return None
        data = action.get("data")
        if not _is_mapping(data) or _may_hold_placeholder(data, 0):
            return None
        one = antelope.Action.from_data(
            action["account"],
            action["name"],
            action.get("authorization", ()),
            data,
            abis[action["account"]],
        )
        if _names_placeholder(one):
            return None
        encoded.append(one)
    return tuple(encoded)


def _is_mapping(value: object) -> TypeGuard[Mapping[str, Any]]:
    """``isinstance(value, Mapping)``, quicker for the dicts apps pass."""
    return type(value) is dict or isinstance(value, Mapping)


def _may_hold_placeholder(value: object, depth: int) -> bool:
    """Whether ``value`` may hold a placeholder name; True for anything not searched.

    The codec encodes a name from a ``str`` or a ``Name`` (whose ``to_json()`` is its text),
    inside dicts, lists, tuples or objects whose ``to_json()`` gives one of those.
    """
    if isinstance(value, str):
        return value.startswith(_PLACEHOLDER_PREFIX)
    if value is None or type(value) in _NEVER_NAMES:
        return False
    if depth > _MAX_SEARCH_DEPTH:
        return True
    items: Iterable[object]
    if isinstance(value, dict) and type(value) is dict:
        items = value.values()
    elif isinstance(value, list | tuple) and type(value) in (list, tuple):
        items = value
    else:
        try:
            to_json = getattr(value, "to_json", None)
            if not callable(to_json) or isinstance(value, type | Mapping):
                return True
            items = (to_json(),)
        except Exception:  # resolving the general way reports what is wrong with it
            return True
    for item in items:
        if isinstance(item, str):
            if item.startswith(_PLACEHOLDER_PREFIX):
                return True
        elif _may_hold_placeholder(item, depth + 1):
            return True
    return False


def _names_placeholder(action: Action) -> bool:
    """Whether an authorization names a placeholder (the signer's account or permission)."""
    for level in action.authorization:
        if str(level.actor).startswith(_PLACEHOLDER_PREFIX) or str(level.permission).startswith(
            _PLACEHOLDER_PREFIX
        ):
            return True
    return False


def _check_action(action: object) -> None:
    """An action is an ``Action`` or a mapping with a name-string ``account`` and ``name``."""
    if isinstance(action, antelope.Action):
        return
    if not _is_mapping(action):
        raise InvalidValue(
            "an action is a dict {'account', 'name', 'authorization', 'data'} or an Action, "
            f"not {type(action).__name__}"
        )
    for key in ("account", "name"):
        if not isinstance(action.get(key), str):
            raise InvalidValue(f"an action's {key!r} is a name string, not {action.get(key)!r}")
    authorization = action.get("authorization", ())
    if type(authorization) is not list and (
        not isinstance(authorization, Sequence) or isinstance(authorization, str | bytes)
    ):
        raise InvalidValue(
            "an action's 'authorization' is a list such as [{'actor': 'alice', "
            f"'permission': 'active'}}], not {authorization!r}"
        )


def coerce_request(request: SigningRequest | str) -> SigningRequest:
    """A private, non-broadcasting copy of a request object or an ``esr:`` URI."""
    if isinstance(request, str):
        copy = esr.SigningRequest.from_uri(request)
    elif isinstance(request, esr.SigningRequest):
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
    if not _is_mapping(action) or "abi" not in action:
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
        if _is_mapping(each) and _is_mapping(each.get("data")):
            account = each.get("account")
            if not isinstance(account, str):
                raise InvalidValue("an action's 'account' is a name string")
            if account not in accounts:
                accounts.append(account)
    found = {}
    for account in accounts:  # most are cached: no coroutine for those
        found[account] = abi_cache.cached(account) or await abi_cache.get_abi(account)
    return found
