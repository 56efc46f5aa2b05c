"""What a public key may sign for on a chain: finding its account, and checking its weight.

The reference wallet takes any ``account@permission`` on trust; this one asks the chain, so a
key that cannot sign for the permission alone is refused at login, not at the first transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sessionkit.antelope import PermissionLevel
from sessionkit.errors import ChainAPIError, MalformedResponseError, NoChoiceError, WalletError

if TYPE_CHECKING:
    from sessionkit.antelope import PublicKey
    from sessionkit.chain import APIClient, ChainDefinition

__all__ = ["MAX_AUTHORITY_DEPTH", "find_permission", "key_weight"]

#: How deep account authorities nest (the chain's default ``max_authority_depth``).
MAX_AUTHORITY_DEPTH = 6


async def find_permission(
    client: APIClient, key: PublicKey, chain: ChainDefinition
) -> PermissionLevel:
    """The one permission ``key`` can sign for alone on ``chain``.

    ``owner`` counts only when the key has no other permission of that account (sessions use
    ``active``). Several candidates: `NoChoiceError` naming them; none: `WalletError`.
    """
    try:
        found = await client.get_accounts_by_authorizers(keys=[key])
    except (ChainAPIError, MalformedResponseError) as exc:
        # Many public nodes run without account queries (enable-account-queries = false).
        raise WalletError(
            f"the API of chain {chain.id} ({', '.join(chain.urls)}) cannot list the accounts "
            f"of the key {key} ({exc}): pass "
            "login(permission_level=...), or use a node with account queries enabled"
        ) from exc
    direct = [entry for entry in found.accounts if entry.authorizing_key == key]
    alone = [
        PermissionLevel(entry.account_name, entry.permission_name)
        for entry in direct
        if entry.weight >= entry.threshold
    ]
    candidates = [
        level
        for level in alone
        if level.permission != "owner"
        or not any(o.actor == level.actor and o.permission != "owner" for o in alone)
    ]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        names = sorted(str(level) for level in candidates)
        raise NoChoiceError(
            f"the key {key} can sign for {', '.join(names)} on chain {chain.id} and nobody can "
            "choose: pass login(permission_level=...) with one of them",
            choice="permission",
            options=names,
        )
    too_light = sorted(
        f"{entry.account_name}@{entry.permission_name} (weight {entry.weight} of {entry.threshold})"
        for entry in direct
    )
    if too_light:
        raise WalletError(
            f"the key {key} cannot sign alone for any account on chain {chain.id}: it is on "
            f"{', '.join(too_light)}; use a key that meets a permission's threshold"
        )
    raise WalletError(
        f"no account on chain {chain.id} has the key {key}: check the key and the chain, or "
        "pass login(permission_level=...) for an account that delegates to it"
    )


async def key_weight(
    client: APIClient, level: PermissionLevel, key: PublicKey, depth: int = MAX_AUTHORITY_DEPTH
) -> tuple[int, int]:
    """``(weight, threshold)`` that ``key`` alone brings to ``level``'s authority.

    A key counts with its weight; an account permission in the authority counts with its
    weight when ``key`` alone satisfies it (followed ``depth`` levels deep). Waits never count:
    a session signs now.
    """
    try:
        account = await client.get_account(level.actor)
    except ChainAPIError as exc:
        raise WalletError(
            f"the account {level.actor} cannot be read on this chain ({exc}): check the name "
            "and the chain"
        ) from exc
    try:
        authority = account.permission(level.permission).required_auth
    except KeyError:
        held = ", ".join(str(p.perm_name) for p in account.permissions)
        raise WalletError(
            f"the account {level.actor} has no permission {level.permission} (it has {held})"
        ) from None
    weight = sum(entry.weight for entry in authority.keys if entry.key == key)
    for entry in authority.accounts:
        if weight >= authority.threshold or depth <= 1:
            break
        try:
            inner, threshold = await key_weight(client, entry.permission, key, depth - 1)
        except WalletError:
            # A permission named in an authority may since have been deleted (the chain
            # allows it): it satisfies nothing, as for the chain, and the rest still counts.
            continue
        if inner >= threshold:
            weight += entry.weight
    return weight, authority.threshold
