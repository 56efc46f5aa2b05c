"""The devnet's test accounts and their deterministic, published test keys.

THESE KEYS ARE PUBLIC. Every private key here is derived from a fixed label
(``sha256("sessionkit devnet test key: alice@active")``) or, for the producer, is the well-known
Antelope development key. Anyone can recompute them: they are for tests on a local devnet only
and must never hold anything of value on a real chain.

Accounts made by the bootstrap (each funded with ``10000.0000 SYS``):

- ``alice``, ``bob``, ``carol``, ``dave``: one key for ``owner`` and ``active``;
- ``team``: ``owner`` and ``active`` are a 2-of-3 multi-key authority;
- ``erin``: one key for ``owner``/``active``, plus a named permission ``erin@transfer``
  (its own key, child of ``active``) linked to ``eosio.token::transfer``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache

from sessionkit.antelope import Name, PermissionLevel, PrivateKey, PublicKey

__all__ = [
    "PRODUCER_PRIVATE_KEY",
    "PUBLISHED_KEYS_WARNING",
    "DevnetAccount",
    "extra_permissions",
    "permission_table",
    "producer_account",
    "default_accounts",
    "published_key",
]

#: The well-known Antelope development key; the devnet's genesis key and producer key.
PRODUCER_PRIVATE_KEY = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3"

#: Said wherever devnet keys are shown.
PUBLISHED_KEYS_WARNING = (
    "These are PUBLISHED TEST KEYS: anyone can recompute them. Use them on this local devnet "
    "only, never on a real chain."
)

_SINGLE_KEY_ACCOUNTS = ("alice", "bob", "carol", "dave")


@dataclass(frozen=True, slots=True)
class DevnetAccount:
    """One permission of a devnet account and the test key(s) that satisfy it.

    ``private_key`` / ``public_key`` are the first key of the permission. A multi-key permission
    (``team@active``) lists every key in ``private_keys``; ``threshold`` of them must sign.
    """

    name: Name
    private_key: PrivateKey = field(repr=False)
    public_key: PublicKey
    permission: Name = field(default_factory=lambda: Name("active"))
    threshold: int = 1
    private_keys: tuple[PrivateKey, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if not self.private_keys:
            object.__setattr__(self, "private_keys", (self.private_key,))

    @property
    def public_keys(self) -> tuple[PublicKey, ...]:
        """The public keys of the permission, in ``private_keys`` order."""
        return tuple(key.public_key for key in self.private_keys)

    @property
    def permission_level(self) -> PermissionLevel:
        """``name@permission``, as an action authorization."""
        return PermissionLevel(self.name, self.permission)

    def __str__(self) -> str:
        return f"{self.name}@{self.permission}"


@cache
def published_key(label: str) -> PrivateKey:
    """The published test key for ``label`` (e.g. ``"alice@active"``): sha256 of a fixed text."""
    seed = hashlib.sha256(f"sessionkit devnet test key: {label}".encode()).digest()
    return PrivateKey.from_bytes(seed)


def _single(name: str, permission: str = "active") -> DevnetAccount:
    key = published_key(f"{name}@{permission}")
    return DevnetAccount(Name(name), key, key.public_key, Name(permission))


def producer_account() -> DevnetAccount:
    """``eosio@active``, held by the development key (also ``eosio.token``'s key)."""
    key = PrivateKey.from_string(PRODUCER_PRIVATE_KEY)
    return DevnetAccount(Name("eosio"), key, key.public_key)


def default_accounts() -> dict[str, DevnetAccount]:
    """The ``active`` permission of every test account, keyed by account name."""
    accounts = {name: _single(name) for name in (*_SINGLE_KEY_ACCOUNTS, "erin")}
    team_keys = tuple(published_key(f"team@active#{i}") for i in (1, 2, 3))
    accounts["team"] = DevnetAccount(
        Name("team"),
        team_keys[0],
        team_keys[0].public_key,
        Name("active"),
        threshold=2,
        private_keys=team_keys,
    )
    return accounts


def extra_permissions() -> dict[str, DevnetAccount]:
    """Named permissions beyond ``owner``/``active``, keyed ``"name@permission"``."""
    return {"erin@transfer": _single("erin", "transfer")}


def permission_table(
    producer: DevnetAccount,
    accounts: dict[str, DevnetAccount],
    extras: dict[str, DevnetAccount],
) -> dict[str, DevnetAccount]:
    """Every test permission keyed ``"name@permission"``, the producer's first."""
    return {
        "eosio@active": producer,
        **{f"{name}@active": account for name, account in accounts.items()},
        **extras,
    }
