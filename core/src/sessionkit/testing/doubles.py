"""Test doubles for apps and plugin authors: a scripted user interface and an in-memory wallet.

`RecordingUI` answers login choices and prompts from a script and records every call, so a test
can assert what the person was shown. `KeyWallet` logs in as a given account and signs with
private keys held in memory. Both pass the kit's contract suites, and neither touches a network
except through the chain client the kit hands them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import anyio

from sessionkit.antelope import Checksum256, PermissionLevel, PrivateKey, PublicKey
from sessionkit.errors import (
    Cancelled,
    ConfigurationError,
    NoChoiceError,
    WalletRejected,
    WalletResponseError,
)
from sessionkit.ui import PromptArgs, PromptResponse, UserInterface, UserInterfaceLoginResponse
from sessionkit.wallet import (
    WalletLoginResponse,
    WalletPlugin,
    WalletPluginConfig,
    WalletPluginMetadata,
    WalletSignResponse,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sessionkit.contexts import LoginContext, TransactContext
    from sessionkit.esr import ResolvedSigningRequest

__all__ = ["KeyWallet", "RecordingUI"]

#: What a scripted prompt does: accept it, decline it, cancel silently, or wait forever.
PromptAction = str


class RecordingUI(UserInterface):
    """A user interface that follows a script and remembers what it was asked.

    ``wallet`` (an id), ``chain`` (an id) and ``permission`` (``"alice@active"``) answer the
    login choices; a missing answer raises `NoChoiceError`. ``prompts`` says what each prompt
    does in turn: ``"accept"``, ``"decline"`` (raises `Cancelled`), ``"cancel"`` (a silent
    `Cancelled`), ``"wait"`` (never answers: the caller must cancel or time out), or a callable
    receiving the `PromptArgs` (sync or async) whose return value is the answer. Once the
    script is used up, prompts wait like a person who is away. ``calls`` lists
    ``(method, argument)`` in order.
    """

    id: ClassVar[str] = "recording"

    def __init__(
        self,
        *,
        wallet: str | None = None,
        chain: str | None = None,
        permission: str | None = None,
        prompts: Sequence[PromptAction | Callable[[PromptArgs], Any]] = (),
    ) -> None:
        super().__init__()
        self.wallet = wallet
        self.chain = chain
        self.permission = permission
        self.script: list[PromptAction | Callable[[PromptArgs], Any]] = list(prompts)
        self.calls: list[tuple[str, Any]] = []
        self.errors: list[BaseException] = []
        self.statuses: list[str] = []
        self.open_prompts = 0

    def called(self, method: str) -> list[Any]:
        """The arguments of every call of ``method``, in order."""
        return [argument for name, argument in self.calls if name == method]

    async def login(self, context: LoginContext) -> UserInterfaceLoginResponse:
        self.calls.append(("login", context))
        needs = context.ui_requirements
        index = context.wallet_plugin_index
        if needs.requires_wallet_select and index is None:
            if self.wallet is None:
                raise NoChoiceError(
                    "RecordingUI has no wallet to choose",
                    choice="wallet",
                    options=[w.id for w in context.wallet_plugins],
                )
            index = next((w.index for w in context.wallet_plugins if w.id == self.wallet), None)
            if index is None:
                raise ConfigurationError(f"RecordingUI: no wallet {self.wallet!r} to choose")
        chain_id = None
        if context.chain is None and self.chain is not None:
            chain_id = Checksum256.from_json(self.chain)
        level = None
        if context.permission_level is None and self.permission is not None:
            level = PermissionLevel.from_string(self.permission)
        return UserInterfaceLoginResponse(
            wallet_plugin_index=index, chain_id=chain_id, permission_level=level
        )

    async def prompt(self, args: PromptArgs) -> PromptResponse:
        self.calls.append(("prompt", args))
        self.open_prompts += 1
        try:
            step = self.script.pop(0) if self.script else "wait"
            if callable(step):
                answer = step(args)
                if hasattr(answer, "__await__"):
                    answer = await answer
                return answer if isinstance(answer, PromptResponse) else PromptResponse()
            if step == "decline":
                raise Cancelled("declined in RecordingUI")
            if step == "cancel":
                raise Cancelled("closed in RecordingUI", silent=True)
            if step == "wait":
                await anyio.sleep_forever()
            return PromptResponse(accepted=True)
        finally:
            self.open_prompts -= 1

    async def on_error(self, error: BaseException) -> None:
        self.calls.append(("on_error", error))
        self.errors.append(error)

    def status(self, message: str) -> None:
        self.calls.append(("status", message))
        self.statuses.append(message)

    async def on_login(self) -> None:
        self.calls.append(("on_login", None))

    async def on_login_complete(self) -> None:
        self.calls.append(("on_login_complete", None))

    async def on_transact(self) -> None:
        self.calls.append(("on_transact", None))

    async def on_transact_complete(self) -> None:
        self.calls.append(("on_transact_complete", None))

    async def on_sign(self) -> None:
        self.calls.append(("on_sign", None))

    async def on_sign_complete(self) -> None:
        self.calls.append(("on_sign_complete", None))

    async def on_broadcast(self) -> None:
        self.calls.append(("on_broadcast", None))

    async def on_broadcast_complete(self) -> None:
        self.calls.append(("on_broadcast_complete", None))


class KeyWallet(WalletPlugin):
    """A wallet holding private keys in memory, for tests: no discovery, no persistence of keys.

    It logs in as ``permission_level`` (or what the user interface chose) on the chosen chain
    and signs with every key it holds that the transaction needs... which, for a test wallet,
    means every key: give it the keys of the permission you log in with. ``reject=True`` makes
    it decline every request like a person pressing "Cancel" in a wallet.
    """

    id: ClassVar[str] = "key-wallet"

    def __init__(
        self,
        keys: PrivateKey | str | Sequence[PrivateKey | str],
        *,
        permission_level: PermissionLevel | str | None = None,
        reject: bool = False,
    ) -> None:
        super().__init__()
        listed = [keys] if isinstance(keys, PrivateKey | str) else list(keys)
        self._keys = tuple(
            k if isinstance(k, PrivateKey) else PrivateKey.from_string(k) for k in listed
        )
        if not self._keys:
            raise ConfigurationError("KeyWallet needs at least one private key")
        self._level = (
            None if permission_level is None else PermissionLevel.from_json(permission_level)
        )
        self.reject = reject
        self.config = WalletPluginConfig(
            requires_chain_select=True, requires_permission_select=True
        )
        self.metadata = WalletPluginMetadata(
            name="Key wallet (tests)",
            description="Signs with private keys held in memory; for tests only.",
            public_key=str(self._keys[0].public_key),
        )

    def __repr__(self) -> str:
        return f"<KeyWallet {len(self._keys)} key(s) for {self._level or 'any account'}>"

    @property
    def public_keys(self) -> tuple[PublicKey, ...]:
        """The public keys of the held private keys."""
        return tuple(key.public_key for key in self._keys)

    async def login(self, context: LoginContext) -> WalletLoginResponse:
        if self.reject:
            raise WalletRejected("the test wallet declined the login", reason="rejected")
        chain = context.chain if context.chain is not None else context.chains[0]
        info = await context.get_client(chain).get_info()
        if info.chain_id != chain.id:
            raise WalletResponseError(
                f"the node at {chain.url} serves chain {info.chain_id}, not {chain.id}"
            )
        level = context.permission_level or self._level
        if level is None:
            raise NoChoiceError(
                "KeyWallet needs permission_level= or a permission chosen at login",
                choice="permission",
            )
        return WalletLoginResponse(chain=chain.id, permission_level=level)

    async def sign(
        self, resolved: ResolvedSigningRequest, context: TransactContext
    ) -> WalletSignResponse:
        if self.reject:
            raise WalletRejected("the test wallet declined to sign", reason="rejected")
        digest = resolved.signing_digest
        return WalletSignResponse(signatures=[key.sign_digest(digest) for key in self._keys])
