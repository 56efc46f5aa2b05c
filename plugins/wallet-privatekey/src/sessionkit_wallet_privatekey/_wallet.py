"""`PrivateKeyWallet`: a wallet plugin that signs with a private key the app holds.

For bots, backends, scripts and tests. The key is held as a `sessionkit.antelope.PrivateKey`,
whose ``repr`` hides the secret; a stored session keeps only the public key unless the app
opts in with ``store_private_key=True`` (then it is stored as WharfKit's plugin stores it).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from sessionkit.antelope import PrivateKey, PublicKey
from sessionkit.errors import (
    ConfigurationError,
    InvalidKey,
    InvalidValue,
    NoChoiceError,
    WalletError,
)
from sessionkit.wallet import (
    WalletLoginResponse,
    WalletPlugin,
    WalletPluginConfig,
    WalletPluginMetadata,
    WalletSignResponse,
)

from sessionkit_wallet_privatekey._accounts import find_permission, key_weight
from sessionkit_wallet_privatekey._keysource import (
    DEFAULT_ENV_VAR,
    DEFAULT_KEY_FILE_ENV_VAR,
    load_key,
)

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Mapping

    from sessionkit.antelope import Checksum256
    from sessionkit.chain import ChainDefinition
    from sessionkit.contexts import LoginContext, TransactContext
    from sessionkit.esr import ResolvedSigningRequest

__all__ = ["PrivateKeyWallet"]

_Key = TypeVar("_Key", PrivateKey, PublicKey)

logger = logging.getLogger("sessionkit_wallet_privatekey")

_NAME = "Private Key Signer"


class PrivateKeyWallet(WalletPlugin):
    """Signs with one private key (``PVT_K1_...``, ``PVT_R1_...``, WIF, or a ``PrivateKey``).

    The key comes from ``private_key``, else the file ``key_file``, else the environment
    variable ``env_var`` (``SESSIONKIT_PRIVATE_KEY``), else the file named by
    ``key_file_env_var`` (``SESSIONKIT_PRIVATE_KEY_FILE``); pass None to turn a variable off.
    With none of them the wallet can still restore a session stored with its private key;
    anything else that needs the key raises `sessionkit.errors.ConfigurationError` saying how
    to give one.

    A stored session holds ``{"publicKey": "PUB_K1_..."}``, so restoring it needs the key again.
    ``store_private_key=True`` stores ``{"privateKey": "PVT_K1_..."}`` instead, as WharfKit's
    plugin does: anyone who can read the storage can then use the key. ``data`` never holds the
    private key; ``serialize()`` adds it.
    """

    id: ClassVar[str] = "wallet-plugin-privatekey"
    config = WalletPluginConfig(requires_chain_select=True, requires_permission_select=True)

    def __init__(
        self,
        private_key: PrivateKey | str | None = None,
        *,
        env_var: str | None = DEFAULT_ENV_VAR,
        key_file_env_var: str | None = DEFAULT_KEY_FILE_ENV_VAR,
        key_file: str | os.PathLike[str] | None = None,
        store_private_key: bool = False,
    ) -> None:
        super().__init__()
        if not isinstance(store_private_key, bool):
            raise ConfigurationError(
                f"store_private_key must be True or False, not {store_private_key!r}"
            )
        self.store_private_key = store_private_key
        self._env_var = env_var
        self._key_file_env_var = key_file_env_var
        loaded = load_key(
            private_key, key_file=key_file, env_var=env_var, key_file_env_var=key_file_env_var
        )
        self._key: PrivateKey | None = None
        self._origin = "no key"
        if loaded is not None:
            self._use(*loaded)
        else:
            self._use_none()

    # -- what it is -------------------------------------------------------------------------

    @property
    def public_key(self) -> PublicKey | None:
        """The public key of the held private key (None while the wallet has none)."""
        return None if self._key is None else self._key.public_key

    def __repr__(self) -> str:
        public = self.public_key
        held = f"public_key={str(public)!r} from {self._origin}" if public else "no key"
        return f"<PrivateKeyWallet id={self.id!r} {held}>"

    async def retrieve_public_key(self, chain_id: Checksum256) -> PublicKey | None:
        """The key's public key: its accounts are the ones this wallet can log in with."""
        return self.public_key

    # -- login and signing ----------------------------------------------------------------

    async def login(self, context: LoginContext) -> WalletLoginResponse:
        """Log in on the chosen (or only) chain as the chosen permission, or as the one
        permission the key can sign for alone; refused when the key cannot sign for it alone."""
        key = self._require_key("log in").public_key
        chain = _chain(context)
        client = context.get_client(chain)
        served = (await client.get_info()).chain_id
        if served != chain.id:
            raise WalletError(
                f"the node at {chain.url} serves chain {served}, not {chain.id}: check the "
                "chain definition's id and URL"
            )
        level = context.permission_level
        if level is None:
            level = await find_permission(client, key, chain)
            logger.debug("found %s for %s on chain %s", level, key, chain.id)
        weight, threshold = await key_weight(client, level, key)
        if weight < threshold:
            raise WalletError(
                f"the key {key} cannot sign for {level} alone on chain {chain.id}: it brings "
                f"weight {weight} of the {threshold} needed; log in with a permission this key "
                "satisfies by itself"
            )
        logger.debug("logged in as %s with %s on chain %s", level, key, chain.id)
        return WalletLoginResponse(chain=chain.id, permission_level=level)

    async def sign(
        self, resolved: ResolvedSigningRequest, context: TransactContext
    ) -> WalletSignResponse:
        """Sign the transaction's digest for the session's chain; the transaction is kept."""
        key = self._require_key("sign")
        if resolved.chain_id != context.chain.id:
            raise WalletError(
                f"the transaction was resolved for chain {resolved.chain_id} but this session "
                f"is on chain {context.chain.id}: the wallet signs only for its session's chain"
            )
        return WalletSignResponse(signatures=[key.sign_digest(resolved.signing_digest)])

    # -- persistence ----------------------------------------------------------------------

    def serialize(self) -> dict[str, Any]:
        """``{"id": ..., "data": {"publicKey": ...}}``, or ``{"privateKey": ...}`` when the
        private key is stored (``store_private_key=True``, or a session stored that way)."""
        if self._key is not None and self.store_private_key:
            return {"id": self.id, "data": {"privateKey": self._key.to_string()}}
        return super().serialize()

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take back a stored session's data.

        ``privateKey`` (WharfKit's form): that key is used from now on, and stored again the
        same way. ``publicKey``: the configured key must be that key's private key.
        """
        private, public = data.get("privateKey"), data.get("publicKey")
        stored_public = (
            None if public is None else _stored_key("publicKey", public, PublicKey.from_string)
        )
        if private is not None:
            key = _stored_key("privateKey", private, PrivateKey.from_string)
            self._adopt_stored_key(key, stored_public)
        elif stored_public is not None:
            self._check_stored_public(stored_public)
        else:
            self._require_key("restore a session stored without a key")

    # -- helpers ------------------------------------------------------------------------------

    def _use(self, key: PrivateKey, origin: str) -> None:
        self._key = key
        self._origin = origin
        public = str(key.public_key)
        self.data = {"publicKey": public}
        self.metadata = WalletPluginMetadata(
            name=_NAME,
            description=(
                f"Signs transactions with the private key of {public}, held by this app: "
                "for bots, backends, scripts and tests."
            ),
            public_key=public,
        )

    def _use_none(self) -> None:
        self.data = {}
        self.metadata = WalletPluginMetadata(
            name=_NAME,
            description=(
                "Signs transactions with a private key held by this app: for bots, backends, "
                "scripts and tests."
            ),
        )

    def _adopt_stored_key(self, key: PrivateKey, stored_public: PublicKey | None) -> None:
        if stored_public is not None and stored_public != key.public_key:
            raise InvalidValue(
                "the stored session's walletPlugin.data has a privateKey and a publicKey "
                "that do not belong together"
            )
        if self._key is not None and self._key != key:
            logger.debug(
                "the stored session's key (%s) replaces the configured one (%s)",
                key.public_key,
                self._key.public_key,
            )
        self.store_private_key = True
        self._use(key, "the stored session")

    def _check_stored_public(self, stored: PublicKey) -> None:
        if self._key is None:
            raise ConfigurationError(
                f"the stored session was logged in with the key {stored} and holds only its "
                f"public key: to restore it, {self._how_to_give()}"
            )
        if self._key.public_key != stored:
            raise ConfigurationError(
                f"the stored session was logged in with the key {stored}, but this wallet "
                f"holds the key {self._key.public_key} (from {self._origin}); "
                f"{self._how_to_give()}, as the private key of {stored}"
            )

    def _require_key(self, action: str) -> PrivateKey:
        if self._key is None:
            raise ConfigurationError(
                f"PrivateKeyWallet has no private key to {action}: {self._how_to_give()}"
            )
        return self._key

    def _how_to_give(self) -> str:
        ways = ["PrivateKeyWallet(private_key=...)", "PrivateKeyWallet(key_file=...)"]
        if self._env_var:
            ways.append(f"the environment variable ${self._env_var}")
        if self._key_file_env_var:
            ways.append(f"a key file named by ${self._key_file_env_var}")
        return "give the key through " + ", ".join(ways[:-1]) + " or " + ways[-1]


def _chain(context: LoginContext) -> ChainDefinition:
    if context.chain is not None:
        return context.chain
    if len(context.chains) == 1:
        return context.chains[0]
    options = [str(chain.id) for chain in context.chains]
    raise NoChoiceError(
        f"PrivateKeyWallet needs a chain and several are possible: pass login(chain=...) with "
        f"one of {options}",
        choice="chain",
        options=options,
    )


def _stored_key(field: str, value: object, parse: Callable[[str], _Key]) -> _Key:
    """``walletPlugin.data[field]`` of a stored session, parsed (messages never repeat it)."""
    where = f"the stored session's walletPlugin.data.{field}"
    if not isinstance(value, str):
        raise InvalidKey(f"{where} is not a key written as text")
    try:
        return parse(value)
    except InvalidKey as exc:
        raise InvalidKey(f"{where} is not a valid key: {exc}") from None
