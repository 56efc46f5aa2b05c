"""`SimulatedAnchor`: the Anchor app on the other side of a relay, built on SessionKit's own
signing-request, sealed-message and signing code; `AnchorUser`, a person who scans with it.

A login request reaches it the way a person scanning the QR code would bring it
(``await anchor.scan(uri)``, or `AnchorUser`, which scans every QR code the wallet shows). It
resolves the request for its account on its chain, signs with its key and POSTs the answer to
the request's callback, adding ``link_ch``/``link_key``/``link_name`` (and ``link_meta``) of its
own channel. It listens on that channel, opens the sealed requests that arrive, signs them and
answers the same way.

``behaviour`` says how it answers, and can change between requests:

- ``"sign"``: as Anchor does;
- ``"reject"``: ``{"rejected": "Request cancelled from within Anchor."}``;
- ``"silent"``: never answers;
- ``"wrong_chain"``: claims another chain in ``cid``;
- ``"other_request"``: answers with (and signs) another request than the one it got;
- ``"bad_signature"``: signs with a key of no account;
- ``"garbled_signature"``: sends a signature from which no key recovers;
- ``"cosign"``: like a resource provider, prepends an action by ``cosigner`` and co-signs the
  changed transaction (give ``cosigner=(permission, key)``).
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, get_args

import anyio
import anyio.abc
import httpx
from sessionkit.antelope import Checksum256, PermissionLevel, PrivateKey, Signature
from sessionkit.chain import ABICache, APIClient
from sessionkit.errors import SessionKitError
from sessionkit.esr import SealedMessage, SigningRequest, unseal_text
from sessionkit.testing import RecordingUI

from sessionkit_wallet_anchor import buoy

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import TracebackType

    from sessionkit.esr import ResolvedSigningRequest
    from sessionkit.ui import PromptArgs, PromptResponse

__all__ = ["AnchorUser", "Behaviour", "SimulatedAnchor"]

logger = logging.getLogger("sessionkit_wallet_anchor.testing.anchor")

Behaviour = Literal[
    "sign",
    "reject",
    "silent",
    "wrong_chain",
    "other_request",
    "bad_signature",
    "garbled_signature",
    "cosign",
]

_REJECTED = "Request cancelled from within Anchor."
#: A chain id nobody asks for (EOS mainnet), for ``wrong_chain``.
_OTHER_CHAIN = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906"


class SimulatedAnchor:
    """Anchor for ``account`` (``"alice@active"``) with ``key`` on the chain at ``node_url``,
    reachable through the relay at ``relay_url``. Use it as ``async with``."""

    behaviours: ClassVar[tuple[str, ...]] = get_args(Behaviour)

    def __init__(
        self,
        *,
        relay_url: str,
        node_url: str,
        key: PrivateKey | str,
        account: PermissionLevel | str = "alice@active",
        name: str = "Simulated Anchor",
        link_meta: Mapping[str, Any] | str | None = None,
        cosigner: tuple[PermissionLevel | str, PrivateKey | str] | None = None,
        behaviour: Behaviour = "sign",
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self.relay_url = relay_url.rstrip("/")
        self.node_url = node_url
        self._key = key if isinstance(key, PrivateKey) else PrivateKey.from_string(key)
        self.account = PermissionLevel.from_json(account)
        self.name = name
        self.link_meta = link_meta
        self._cosigner = None
        if cosigner is not None:
            level, cosign_key = cosigner
            self._cosigner = (
                PermissionLevel.from_json(level),
                cosign_key
                if isinstance(cosign_key, PrivateKey)
                else PrivateKey.from_string(cosign_key),
            )
        self.behaviour: Behaviour = behaviour
        self._given_http = http_client
        self._http: httpx.AsyncClient | None = None
        self._client: APIClient | None = None
        self._chain_id: Checksum256 | None = None
        self._channel_key = PrivateKey.generate()
        #: The wallet's own channel (``link_ch`` of its login answers).
        self.channel = buoy.channel_url(self.relay_url)
        #: Every request it was given, in order.
        self.requests: list[SigningRequest] = []
        #: Every answer it sent, in order.
        self.answers: list[dict[str, Any]] = []
        #: Problems with what reached its channel (never raised into the listener).
        self.errors: list[BaseException] = []
        self._task_group: anyio.abc.TaskGroup | None = None
        self._listening = anyio.Event()

    def __repr__(self) -> str:
        return f"<SimulatedAnchor {self.account} behaviour={self.behaviour!r}>"

    async def __aenter__(self) -> Self:
        self._http = self._given_http or httpx.AsyncClient(timeout=10.0)
        self._client = APIClient(self.node_url)
        self._chain_id = (await self._client.get_info()).chain_id
        self._task_group = anyio.create_task_group()
        await self._task_group.__aenter__()
        self._task_group.start_soon(self._listen)
        with anyio.fail_after(10):
            await self._listening.wait()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._task_group is not None:
                self._task_group.cancel_scope.cancel()
                await self._task_group.__aexit__(None, None, None)
        finally:
            self._task_group = None
            if self._client is not None:
                await self._client.aclose()
            if self._http is not None and self._given_http is None:
                await self._http.aclose()
            self._http = None

    @property
    def chain_id(self) -> Checksum256:
        """The chain it signs for (its node's)."""
        if self._chain_id is None:
            raise RuntimeError("use the SimulatedAnchor as 'async with' first")
        return self._chain_id

    def user(self, **choices: Any) -> AnchorUser:
        """A user interface whose prompts this Anchor answers (see `AnchorUser`)."""
        return AnchorUser(self, **choices)

    # -- the person's side -------------------------------------------------------------------

    async def scan(self, uri: str) -> dict[str, Any] | None:
        """Take a request as from a scanned QR code (or an opened link); return the answer
        sent, None when it stays silent."""
        return await self._answer(SigningRequest.from_uri(uri))

    # -- the wallet channel --------------------------------------------------------------------

    async def _listen(self) -> None:
        http = self._require_http()
        while True:
            try:
                raw = await buoy.receive(http, self.channel, ready=self._listening)
            except SessionKitError as exc:
                self.errors.append(exc)
                await anyio.sleep(0.2)
                continue
            try:
                uri = unseal_text(SealedMessage.from_bytes(raw), self._channel_key)
                await self._answer(SigningRequest.from_uri(uri))
            except SessionKitError as exc:
                logger.warning("the simulated Anchor could not handle a request: %s", exc)
                self.errors.append(exc)

    # -- answering -----------------------------------------------------------------------------

    async def _answer(self, request: SigningRequest) -> dict[str, Any] | None:
        self.requests.append(request)
        behaviour = self.behaviour
        if behaviour == "silent":
            return None
        if behaviour == "reject" or not self._serves(request):
            return await self._post(request.callback, {"rejected": _REJECTED})
        signed = request
        if behaviour == "other_request":
            signed = request.clone()
            signed.set_callback(buoy.channel_url(self.relay_url), background=True)
        resolved = await self._resolve(signed)
        if behaviour == "cosign":
            resolved = await self._cosigned(signed, resolved)
        signatures = self._signatures(resolved)
        callback = resolved.get_callback(signatures)
        assert callback is not None
        payload: dict[str, Any] = dict(callback.payload)
        if behaviour == "wrong_chain":
            payload["cid"] = _OTHER_CHAIN
        if request.is_identity:
            payload["link_ch"] = self.channel
            payload["link_key"] = str(self._channel_key.public_key)
            payload["link_name"] = self.name
            if self.link_meta is not None:
                meta = self.link_meta
                payload["link_meta"] = meta if isinstance(meta, str) else json.dumps(dict(meta))
        return await self._post(request.callback, payload)

    def _serves(self, request: SigningRequest) -> bool:
        if request.is_multi_chain:
            allowed = request.chain_ids
            return allowed is None or self.chain_id in allowed
        return request.chain_id == self.chain_id

    async def _resolve(self, request: SigningRequest) -> ResolvedSigningRequest:
        if request.is_identity:
            return request.resolve(None, self.account, chain_id=self.chain_id)
        client = self._require_client()
        return await request.resolve_from_chain(client, self.account, abi_provider=ABICache(client))

    async def _cosigned(
        self, request: SigningRequest, resolved: ResolvedSigningRequest
    ) -> ResolvedSigningRequest:
        if self._cosigner is None:
            raise RuntimeError("behaviour 'cosign' needs SimulatedAnchor(cosigner=(level, key))")
        level, _ = self._cosigner
        client = self._require_client()
        token = await ABICache(client).get_abi("eosio.token")
        changed = request.clone()
        changed.prepend_action(
            {
                "account": "eosio.token",
                "name": "transfer",
                "authorization": [level.to_json()],
                "data": {
                    "from": str(level.actor),
                    "to": str(self.account.actor),
                    "quantity": "0.0001 SYS",
                    "memo": "resources provided by the cosigner",
                },
            },
            {"eosio.token": token},
        )
        tx = resolved.transaction
        return changed.resolve(
            {"eosio.token": token},
            self.account,
            expiration=tx.expiration,
            ref_block_num=tx.ref_block_num,
            ref_block_prefix=tx.ref_block_prefix,
            chain_id=self.chain_id,
        )

    def _signatures(self, resolved: ResolvedSigningRequest) -> list[Signature]:
        digest = resolved.signing_digest
        behaviour = self.behaviour
        if behaviour == "bad_signature":
            return [PrivateKey.generate().sign_digest(digest)]
        if behaviour == "garbled_signature":
            raw = self._key.sign_digest(digest).to_abi()
            return [Signature.from_abi(raw[:2] + bytes(len(raw) - 2))[0]]
        signatures = [self._key.sign_digest(digest)]
        if behaviour == "cosign" and self._cosigner is not None:
            signatures.append(self._cosigner[1].sign_digest(digest))
        return signatures

    async def _post(self, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.answers.append(payload)
        await buoy.send(self._require_http(), url, json.dumps(payload))
        return payload

    def _require_http(self) -> httpx.AsyncClient:
        if self._http is None:
            raise RuntimeError("use the SimulatedAnchor as 'async with' first")
        return self._http

    def _require_client(self) -> APIClient:
        if self._client is None:
            raise RuntimeError("use the SimulatedAnchor as 'async with' first")
        return self._client


class AnchorUser(RecordingUI):
    """A `RecordingUI` for a person holding `SimulatedAnchor`: every prompt with a QR code is
    scanned with it, then left open until the wallet closes it (as a person waits).

    Scripted ``prompts=`` steps run first, as in `RecordingUI`; login choices (``wallet``,
    ``chain``, ``permission``) are answered as there.
    """

    def __init__(self, anchor: SimulatedAnchor, **choices: Any) -> None:
        choices.setdefault("wallet", "anchor")
        super().__init__(**choices)
        self.anchor = anchor

    async def prompt(self, args: PromptArgs) -> PromptResponse:
        if self.script:
            return await super().prompt(args)
        self.calls.append(("prompt", args))
        self.open_prompts += 1
        try:
            uri = next((e.data for e in args.elements if e.type == "qr"), None)
            if isinstance(uri, str):
                with contextlib.suppress(SessionKitError):
                    await self.anchor.scan(uri)
            await anyio.sleep_forever()
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            self.open_prompts -= 1
