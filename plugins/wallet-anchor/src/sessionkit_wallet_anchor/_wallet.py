"""`AnchorWallet`: log in and sign with the Anchor app, through the Anchor Link protocol.

Login shows an identity request as a QR code (and a same-device link); Anchor answers on a
fresh relay channel with a signed proof and its own channel. Later transactions are sealed to
that channel (Anchor pops up), with a "sign manually" path; a session without a channel shows
each transaction as a QR code instead. Every wait has a deadline and is cancellable, and every
answer is checked against what was asked before it is used (reference 8.12 lists where the
reference does not).
"""

from __future__ import annotations

import logging
import math
import os
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
from sessionkit.antelope import PermissionLevel, PrivateKey, PublicKey
from sessionkit.errors import (
    ConfigurationError,
    InvalidValue,
    SessionKitError,
    WaitTimeout,
    WalletError,
    WalletResponseError,
)
from sessionkit.esr import ResolvedSigningRequest, extract_signatures, seal
from sessionkit.ui import PromptArgs, PromptElement
from sessionkit.wallet import (
    Logo,
    WalletLoginResponse,
    WalletPlugin,
    WalletPluginConfig,
    WalletPluginMetadata,
    WalletSignResponse,
)

from sessionkit_wallet_anchor import buoy
from sessionkit_wallet_anchor._protocol import (
    USER_AGENT,
    LinkChannel,
    check_login_answer,
    echoed_request,
    identity_request,
    parse_answer,
    rejection,
    same_device_copy,
    transact_request_info,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    import httpx
    from sessionkit.contexts import LoginContext, LogoutContext, TransactContext
    from sessionkit.esr import SigningRequest
    from sessionkit.ui import UserInterface

__all__ = ["AnchorWallet"]

logger = logging.getLogger("sessionkit_wallet_anchor")

#: The environment variable naming the relay when ``buoy_url`` is not given.
BUOY_URL_ENV_VAR = "SESSIONKIT_ANCHOR_BUOY_URL"
#: How long a login waits for Anchor by default (seconds).
DEFAULT_LOGIN_TIMEOUT = 300.0

_LOGO = (
    "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64'>"
    "<circle cx='32' cy='32' r='30' fill='%233650A2'/><path d='M32 14 18 50h7l3-8h8l3 8h7z"
    "M30 36l2-7 2 7z' fill='white'/></svg>"
)

_EN = {
    "login": {
        "title": "Connect with Anchor",
        "body": "Scan with Anchor on your mobile device or click the button below to open on "
        "this device.",
        "link": "Launch Anchor",
        "await": "Waiting for response from Anchor",
    },
    "transact": {
        "title": "Complete using Anchor",
        "body": "Please open your Anchor Wallet on “{{channelName}}” to review and approve this "
        "transaction.",
        "label": "Waiting for response from Anchor",
        "link": "Sign manually or with another device",
        "await": "Waiting for response from Anchor",
        "sign_manually": {
            "title": "Sign manually",
            "body": "Scan the QR-code with Anchor on another device or use the button to open "
            "it here.",
            "link": {"title": "Open Anchor"},
        },
    },
    "error": {
        "expired": "The request expired, please try again.",
        "invalid_response": "Invalid response from Anchor.",
        "not_completed": "The request was not completed.",
        "cancelled": "The request was cancelled from Anchor.",
    },
}


class AnchorWallet(WalletPlugin):
    """The Anchor wallet (desktop or phone) over a buoy relay (``buoy_url``; default: the
    ``SESSIONKIT_ANCHOR_BUOY_URL`` environment variable, else the public relay).

    ``login_timeout``: seconds a login waits for Anchor (default 5 minutes); a transaction
    waits until it expires. ``verify_identity=True`` also checks the login proof against the
    chain (the key is one of the account's, the proof is not expired) before the login
    succeeds. ``store_request_key=True`` stores the channel's request private key with the
    session, as WharfKit does, so a session restored in another process still reaches Anchor
    through its channel; without it, such a session shows each transaction as a QR code.
    ``user_agent`` is what the login request tells Anchor about this app.
    """

    id: ClassVar[str] = "anchor"
    config = WalletPluginConfig(requires_chain_select=False, requires_permission_select=False)
    metadata = WalletPluginMetadata(
        name="Anchor",
        description="Sign in and approve transactions with the Anchor wallet app.",
        logo=Logo(light=_LOGO, dark=_LOGO),
        homepage="https://greymass.com/anchor",
        download="https://greymass.com/anchor/download",
    )
    translations: ClassVar[dict[str, dict[str, Any]]] = {"en": _EN}

    def __init__(
        self,
        *,
        buoy_url: str | None = None,
        login_timeout: float = DEFAULT_LOGIN_TIMEOUT,
        verify_identity: bool = False,
        store_request_key: bool = False,
        user_agent: str = USER_AGENT,
        max_message_size: int = buoy.DEFAULT_MAX_MESSAGE_SIZE,
    ) -> None:
        super().__init__()
        if buoy_url is None:
            buoy_url = os.environ.get(BUOY_URL_ENV_VAR) or buoy.DEFAULT_BUOY_URL
        buoy.channel_url(buoy_url)  # refuses a malformed URL now rather than at login
        if isinstance(login_timeout, bool) or not (
            isinstance(login_timeout, int | float) and 0 < login_timeout < math.inf
        ):
            raise ConfigurationError("login_timeout is a positive number of seconds")
        for name, flag in (
            ("verify_identity", verify_identity),
            ("store_request_key", store_request_key),
        ):
            if not isinstance(flag, bool):
                raise ConfigurationError(f"{name} must be True or False, not {flag!r}")
        if not isinstance(user_agent, str):
            raise ConfigurationError("user_agent is a string")
        if isinstance(max_message_size, bool) or not isinstance(max_message_size, int):
            raise ConfigurationError("max_message_size is a number of bytes")
        self.buoy_url = buoy_url.rstrip("/")
        self.login_timeout = float(login_timeout)
        self.verify_identity = verify_identity
        self.store_request_key = store_request_key
        self.user_agent = user_agent
        self.max_message_size = max_message_size
        self._request_key: PrivateKey | None = None

    def __repr__(self) -> str:
        name = self.data.get("channelName")
        linked = f"channel {name!r}" if isinstance(name, str) else "no channel"
        return f"<AnchorWallet id={self.id!r} buoy_url={self.buoy_url!r} {linked}>"

    @property
    def channel(self) -> LinkChannel | None:
        """The wallet's channel this session sends requests to (None: QR codes instead)."""
        return LinkChannel.from_data(self.data)

    # -- login -------------------------------------------------------------------------------

    async def login(self, context: LoginContext) -> WalletLoginResponse:
        """Show the identity request, wait for Anchor's answer, check it, keep its channel."""
        chains = [context.chain] if context.chain is not None else list(context.chains)
        chain_ids = [chain.id for chain in chains]
        key = PrivateKey.generate()
        callback = buoy.channel_url(self.buoy_url)
        request = identity_request(
            app_name=context.app_name,
            request_key=key.public_key,
            chain_ids=chain_ids,
            callback=callback,
            user_agent=self.user_agent,
        )
        same_device = same_device_copy(request)
        text = _translator(context.ui)
        end = datetime.now(UTC) + timedelta(seconds=self.login_timeout)
        prompt = PromptArgs(
            title=text("login.title"),
            body=text("login.body"),
            elements=(
                PromptElement(type="qr", data=request.encode(slashes=False)),
                PromptElement(
                    type="link",
                    label=text("login.link"),
                    data={
                        "href": same_device.encode(slashes=False),
                        "label": text("login.link"),
                        "variant": "primary",
                    },
                ),
                PromptElement(
                    type="countdown", data={"label": text("login.await"), "end": _iso(end)}
                ),
            ),
        )
        raw = await self._exchange(
            context.ui,
            context.http_client,
            callback,
            _Prompts(prompt),
            seconds=self.login_timeout,
            expired="Anchor did not answer the login in time",
        )
        proof, channel = check_login_answer(
            parse_answer(raw), sent=(request, same_device), chain_ids=chain_ids
        )
        if self.verify_identity:
            chain = next(c for c in chains if c.id == proof.chain_id)
            await proof.verify(context.get_client(chain))
        # Only a login that passed every check replaces this session's channel.
        self._request_key = key
        self.data = {} if channel is None else {"requestKey": str(key.public_key)}
        if channel is not None:
            self.data.update(channel.to_data())
        logger.info(
            "Anchor logged in %s on chain %s (%s)",
            proof.signer,
            proof.chain_id,
            "with a channel" if channel else "without a channel",
        )
        return WalletLoginResponse(
            chain=proof.chain_id, permission_level=proof.signer, identity_proof=proof
        )

    # -- signing -----------------------------------------------------------------------------

    async def sign(
        self, resolved: ResolvedSigningRequest, context: TransactContext
    ) -> WalletSignResponse:
        """Send the transaction to Anchor (sealed to its channel, or as a QR code), wait until
        it answers or the transaction expires, check the answer, return its signatures."""
        ui = context.ui
        if ui is None:
            raise ConfigurationError(
                "Anchor needs a user interface to sign (it shows a countdown and a QR code): "
                "give the kit ui=..."
            )
        if resolved.chain_id != context.chain.id:
            raise WalletError(
                f"the transaction is for chain {resolved.chain_id}, this session is on "
                f"{context.chain.id}"
            )
        text = _translator(ui)
        expiration = resolved.transaction.expiration
        end = expiration.to_datetime()
        seconds = (end - datetime.now(UTC)).total_seconds()
        if seconds <= 0:
            raise WaitTimeout(text("error.expired"), seconds=0)
        request = await context.create_request(transaction=resolved.transaction)
        transact_request_info(request, expiration)
        callback = buoy.channel_url(self.buoy_url)
        request.set_callback(callback, background=True)
        same_device = same_device_copy(request)
        channel = self.channel
        countdown = PromptElement(
            type="countdown", data={"label": text("transact.label"), "end": _iso(end)}
        )
        manual = PromptArgs(
            title=text("transact.sign_manually.title"),
            body=text("transact.sign_manually.body"),
            elements=(
                PromptElement(type="qr", data=request.encode(slashes=False)),
                PromptElement(
                    type="link",
                    label=text("transact.sign_manually.link.title"),
                    data={
                        "href": same_device.encode(slashes=False),
                        "label": text("transact.sign_manually.link.title"),
                        "variant": "primary",
                    },
                ),
                countdown,
            ),
        )
        deliver: Callable[[], Awaitable[None]] | None = None
        if channel is not None and self._request_key is not None:
            key = self._request_key
            uri = (same_device if channel.same_device else request).encode(slashes=False)
            sealed = seal(uri, key, channel.key).to_abi()
            target = channel.url

            async def deliver() -> None:
                where = await buoy.send(
                    context.http_client, target, sealed, max_size=self.max_message_size
                )
                logger.debug("sealed request for Anchor %s", where)

            clicked = anyio.Event()
            elements = [countdown]
            if channel.launch_url:
                elements.append(
                    PromptElement(
                        type="link",
                        label=text("transact.sign_manually.link.title"),
                        data={"href": channel.launch_url, "label": "Open Anchor"},
                    )
                )
            elements.append(
                PromptElement(
                    type="button",
                    label=text("transact.link"),
                    data={"label": text("transact.link"), "on_click": clicked.set},
                )
            )
            prompts = _Prompts(
                PromptArgs(
                    title=text("transact.title"),
                    body=text("transact.body", channelName=channel.name),
                    elements=tuple(elements),
                ),
                manual=manual,
                clicked=clicked,
            )
        else:
            prompts = _Prompts(manual)
        raw = await self._exchange(
            ui,
            context.http_client,
            callback,
            prompts,
            seconds=seconds,
            expired=text("error.expired"),
            deliver=deliver,
        )
        return await _signed(parse_answer(raw), resolved, request, context, text)

    # -- persistence -------------------------------------------------------------------------

    def serialize(self) -> dict[str, Any]:
        """``{"id": "anchor", "data": ...}`` in WharfKit's form; ``privateKey`` only with
        ``store_request_key=True`` (or for a session restored with one)."""
        serialized = super().serialize()
        if self.store_request_key and self._request_key is not None and self._has_channel():
            serialized["data"]["privateKey"] = self._request_key.to_string()
        return serialized

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take back a stored session (ours or WharfKit's); a ``privateKey`` is kept in memory
        and stored again the same way."""
        values = dict(data)
        private = values.pop("privateKey", None)
        LinkChannel.from_data(values)  # bad channel data is refused now, not at transact
        key = None
        if private is not None:
            try:
                key = PrivateKey.from_string(private)
            except (InvalidValue, TypeError):
                raise ConfigurationError(
                    "the stored Anchor session's privateKey is not a private key; log in again"
                ) from None
            stored = values.get("requestKey")
            if stored is not None and _public(stored) != key.public_key:
                raise ConfigurationError(
                    "the stored Anchor session's privateKey does not match its requestKey"
                )
            self.store_request_key = True
        self._request_key = key
        self.data = values

    async def logout(self, context: LogoutContext) -> None:
        """Forget the channel and its key."""
        self._request_key = None
        self.data = {}

    # -- the exchange ------------------------------------------------------------------------

    def _has_channel(self) -> bool:
        return any(k in self.data for k in ("signerKey", "channelUrl", "channelName"))

    async def _exchange(
        self,
        ui: UserInterface,
        http: httpx.AsyncClient,
        callback: str,
        prompts: _Prompts,
        *,
        seconds: float,
        expired: str,
        deliver: Callable[[], Awaitable[None]] | None = None,
    ) -> bytes:
        """Listen on ``callback`` while the prompts show; deliver once listening. Returns the
        first message; the prompts and the socket are closed whatever happens."""
        failures: list[BaseException] = []
        answers: list[bytes] = []
        ready = anyio.Event()
        async with anyio.create_task_group() as tg:

            async def listen() -> None:
                try:
                    answers.append(
                        await buoy.receive(
                            http,
                            callback,
                            timeout=seconds,
                            max_size=self.max_message_size,
                            ready=ready,
                        )
                    )
                except WaitTimeout:
                    failures.append(WaitTimeout(expired, seconds=seconds))
                except Exception as exc:
                    failures.append(exc)
                tg.cancel_scope.cancel()

            async def show() -> None:
                try:
                    await prompts.show(ui)
                except Exception as exc:
                    failures.append(exc)
                    tg.cancel_scope.cancel()

            tg.start_soon(listen)
            tg.start_soon(show)
            if deliver is not None:
                await ready.wait()
                try:
                    await deliver()
                except Exception as exc:
                    failures.append(exc)
                    tg.cancel_scope.cancel()
        if failures:
            raise failures[0]
        return answers[0]


class _Prompts:
    """The prompt shown while waiting and, when the person asks, the "sign manually" one.

    A prompt the person answers (closes) does not end the wait; a declined one (`Cancelled`)
    does.
    """

    def __init__(
        self,
        first: PromptArgs,
        *,
        manual: PromptArgs | None = None,
        clicked: anyio.Event | None = None,
    ) -> None:
        self.first = first
        self.manual = manual
        self.clicked = clicked

    async def show(self, ui: UserInterface) -> None:
        manual, clicked = self.manual, self.clicked
        if manual is None or clicked is None:
            await ui.prompt(self.first)
            await anyio.sleep_forever()
            return
        failure: list[BaseException] = []
        async with anyio.create_task_group() as tg:

            async def first() -> None:
                try:
                    await ui.prompt(self.first)
                except Exception as exc:
                    failure.append(exc)
                    tg.cancel_scope.cancel()

            tg.start_soon(first)
            await clicked.wait()
            tg.cancel_scope.cancel()
        if failure:
            raise failure[0]
        await ui.prompt(manual)
        await anyio.sleep_forever()


async def _signed(
    payload: dict[str, Any],
    resolved: ResolvedSigningRequest,
    request: SigningRequest,
    context: TransactContext,
    text: Callable[..., str],
) -> WalletSignResponse:
    """Check a transact answer against what was asked; the signatures, and the transaction the
    wallet signed when it changed it."""
    refused = rejection(payload)
    if refused is not None:
        raise refused
    if not payload.get("tx"):
        raise WalletResponseError(text("error.not_completed"))
    try:
        signatures = extract_signatures(payload)
    except InvalidValue as exc:
        raise WalletResponseError(f"{text('error.invalid_response')} {exc}") from None
    if not signatures:
        raise WalletResponseError(text("error.not_completed"))
    echoed = echoed_request(payload)
    if echoed.callback != request.callback:
        raise WalletResponseError(
            "Anchor answered another request than the one sent (its callback differs)"
        )
    if payload.get("cid") != str(context.chain.id):
        raise WalletResponseError(
            f"Anchor signed for chain {str(payload.get('cid'))[:64]}, this session is on "
            f"{context.chain.id}"
        )
    try:
        signer = PermissionLevel(str(payload["sa"]), str(payload["sp"]))
        rebuilt = await ResolvedSigningRequest.afrom_payload(payload, context.abi_cache)
    except SessionKitError as exc:
        raise WalletResponseError(f"{text('error.invalid_response')} {exc}") from None
    if signer != context.permission_level:
        raise WalletResponseError(
            f"Anchor signed as {signer}, this session is {context.permission_level}"
        )
    digest = rebuilt.signing_digest
    for signature in signatures:
        try:
            signature.recover(digest)
        except SessionKitError as exc:
            raise WalletResponseError(
                f"a signature from Anchor does not recover over the transaction: {exc}"
            ) from None
    changed = rebuilt.transaction.to_bytes() != resolved.transaction.to_bytes()
    return WalletSignResponse(signatures=signatures, resolved=rebuilt if changed else None)


def _translator(ui: UserInterface | None) -> Callable[..., str]:
    def text(key: str, **values: Any) -> str:
        default = _lookup(key)
        if ui is None:
            return default.replace("{{channelName}}", str(values.get("channelName", "")))
        return ui.translate(key, default=default, namespace=AnchorWallet.id, **values)

    return text


def _lookup(key: str) -> str:
    node: Any = _EN
    for part in key.split("."):
        node = node[part]
    return str(node)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _public(value: object) -> PublicKey:
    try:
        return PublicKey.from_json(value)
    except InvalidValue:
        raise ConfigurationError(
            "the stored Anchor session's requestKey is not a public key; log in again"
        ) from None
