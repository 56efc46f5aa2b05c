"""The Anchor Link protocol's messages: the requests we send and the checks of the answers.

Everything a wallet or a relay sends back is hostile until checked: every reader here raises a
`sessionkit.errors` exception (`WalletRejected` for a refusal, `WalletResponseError` for an
answer that is not what was asked), never another one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlsplit

from sessionkit.antelope import Checksum256, Name, PublicKey, TimePointSec
from sessionkit.errors import (
    ConfigurationError,
    IdentityProofError,
    InvalidValue,
    SessionKitError,
    WalletRejected,
    WalletResponseError,
)
from sessionkit.esr import IdentityProof, SigningRequest

__all__ = [
    "LinkChannel",
    "USER_AGENT",
    "check_login_answer",
    "identity_request",
    "parse_answer",
    "rejection",
    "same_device_copy",
    "transact_request_info",
]

logger = logging.getLogger("sessionkit_wallet_anchor")

try:
    _VERSION = version("sessionkit-wallet-anchor")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    _VERSION = "0"

#: What the ``link`` info of our identity requests says we are (``link_create.user_agent``).
USER_AGENT = f"sessionkit-wallet-anchor {_VERSION}"

_REJECTED = "The request was cancelled from Anchor."
_MAX_TEXT = 512


@dataclass(frozen=True, slots=True)
class LinkChannel:
    """The wallet's own channel, from a login answer: where later requests are sealed to."""

    url: str
    key: PublicKey
    name: str
    same_device: bool | None = None
    launch_url: str | None = None
    trigger_url: str | None = None

    def to_data(self) -> dict[str, Any]:
        """The reference's wallet data keys (``signerKey``, ``channelUrl``, ``channelName``...)."""
        data: dict[str, Any] = {
            "signerKey": str(self.key),
            "channelUrl": self.url,
            "channelName": self.name,
        }
        for key, value in (
            ("sameDevice", self.same_device),
            ("launchUrl", self.launch_url),
            ("triggerUrl", self.trigger_url),
        ):
            if value is not None:
                data[key] = value
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> LinkChannel | None:
        """The channel stored in wallet ``data``, None when there is none; bad values raise
        `sessionkit.errors.ConfigurationError` naming the key."""
        if not any(k in data for k in ("signerKey", "channelUrl", "channelName")):
            return None
        try:
            return cls(
                url=_channel_url(data.get("channelUrl")),
                key=PublicKey.from_json(data.get("signerKey")),
                name=_text(data.get("channelName"), "channelName"),
                same_device=_optional(data.get("sameDevice"), bool, "sameDevice"),
                launch_url=_optional(data.get("launchUrl"), str, "launchUrl"),
                trigger_url=_optional(data.get("triggerUrl"), str, "triggerUrl"),
            )
        except (InvalidValue, WalletResponseError) as exc:
            raise ConfigurationError(
                f"the stored Anchor session has a bad channel ({exc}); log in again"
            ) from None


def identity_request(
    *,
    app_name: str,
    request_key: PublicKey,
    chain_ids: Sequence[Checksum256],
    callback: str,
    user_agent: str = USER_AGENT,
) -> SigningRequest:
    """The login request of reference 8.3, byte for byte: version 3 identity for scope
    ``app_name``, info ``link`` (``link_create``) and ``scope``, flags background only;
    multi-chain (alias 0 + ``chain_ids``) when more than one chain is given."""
    try:
        scope = Name(app_name)
    except InvalidValue:
        raise ConfigurationError(
            f"Anchor needs the app name to be an Antelope name (up to 12 of a-z, 1-5 and '.'), "
            f"not {app_name!r}: it is the scope of the login proof"
        ) from None
    if not chain_ids:
        raise ConfigurationError("an Anchor login needs at least one chain")
    link = SigningRequest.protocol_abi(3).encode(
        "link_create",
        {"session_name": str(scope), "request_key": str(request_key), "user_agent": user_agent},
    )
    multi = len(chain_ids) > 1
    request = SigningRequest.create_identity(
        callback,
        background=True,
        scope=scope,
        chain_id=None if multi else chain_ids[0],
        chain_ids=list(chain_ids) if multi else None,
        info={"link": link, "scope": str(scope)},
    )
    return request


def same_device_copy(request: SigningRequest) -> SigningRequest:
    """``request`` with info ``same_device`` = true: for a wallet on this very device."""
    copy = request.clone()
    copy.set_raw_info_key("same_device", b"\x01")
    return copy


def transact_request_info(request: SigningRequest, expiration: TimePointSec) -> None:
    """Add the ``link`` info (``link_info``: the request's expiration) of reference 8.7."""
    request.set_raw_info_key("link", expiration.to_abi())


def parse_answer(raw: bytes) -> dict[str, Any]:
    """A wallet's callback: a JSON object, else `WalletResponseError`."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WalletResponseError(
            f"the wallet's answer ({len(raw)} bytes) is not JSON: the relay or the wallet is "
            "not speaking the Anchor Link protocol"
        ) from None
    if not isinstance(value, dict):
        raise WalletResponseError(
            f"the wallet's answer is a JSON {type(value).__name__}, not an object"
        )
    return value


def rejection(payload: Mapping[str, Any]) -> WalletRejected | None:
    """The refusal a payload carries (``rejected``, or no ``sa``/``sp``/``cid``), if any."""
    reason = payload.get("rejected")
    if reason is None and all(payload.get(k) for k in ("sa", "sp", "cid")):
        return None
    text = reason[:_MAX_TEXT] if isinstance(reason, str) else None
    message = _REJECTED if text is None else f"{_REJECTED} ({text})"
    return WalletRejected(message, reason=text)


def check_login_answer(
    payload: Mapping[str, Any],
    *,
    sent: Sequence[SigningRequest],
    chain_ids: Sequence[Checksum256],
) -> tuple[IdentityProof, LinkChannel | None]:
    """Check a login answer against what was asked; return its proof and the wallet channel.

    A refusal raises `WalletRejected`. The chain must be one asked for, the echoed ``req`` one
    of the requests ``sent``, the signature must recover over the identity digest, and the
    ``link_*`` fields, when given, must be a channel URL and a public key.
    """
    refused = rejection(payload)
    if refused is not None:
        raise refused
    if not isinstance(payload.get("sig"), str) or not payload["sig"]:
        raise WalletResponseError("the wallet's login answer has no signature ('sig')")
    chain = _chain(payload.get("cid"))
    if chain not in chain_ids:
        asked = ", ".join(str(c) for c in chain_ids)
        raise WalletResponseError(
            f"the wallet answered for chain {chain}, but the login asked for {asked}"
        )
    echoed = _echoed_request(payload)
    if not any(_same_request(echoed, request) for request in sent):
        raise WalletResponseError(
            "the wallet's answer is for another login request than the one this app sent "
            "(its 'req' differs): refused, it may be replayed from elsewhere"
        )
    try:
        proof = IdentityProof.from_payload(payload)
        proof.recover()
    except (InvalidValue, IdentityProofError) as exc:
        raise WalletResponseError(f"the wallet's login proof does not hold: {exc}") from exc
    if proof.chain_id != chain:
        raise WalletResponseError("the wallet's login proof is for another chain than its cid")
    return proof, link_channel(payload)


def link_channel(payload: Mapping[str, Any]) -> LinkChannel | None:
    """The wallet channel a login answer offers (``link_ch``, ``link_key``, ``link_name`` and
    maybe ``link_meta``), None when it offers none."""
    url, key, name = (payload.get(k) for k in ("link_ch", "link_key", "link_name"))
    if not (url and key and name):
        return None
    try:
        public = PublicKey.from_json(key)
    except InvalidValue:
        raise WalletResponseError("the wallet's link_key is not a public key") from None
    meta = _link_meta(payload.get("link_meta"))
    return LinkChannel(
        url=_channel_url(url),
        key=public,
        name=_text(name, "link_name"),
        same_device=_meta_value(meta, ("sameDevice", "same_device"), bool),
        launch_url=_meta_value(meta, ("launchUrl", "launch_url"), str),
        trigger_url=_meta_value(meta, ("triggerUrl", "trigger_url"), str),
    )


def echoed_request(payload: Mapping[str, Any]) -> SigningRequest:
    """The request a callback echoes in ``req``; `WalletResponseError` when it does not decode."""
    return _echoed_request(payload)


def _echoed_request(payload: Mapping[str, Any]) -> SigningRequest:
    text = payload.get("req")
    if not isinstance(text, str) or not text:
        raise WalletResponseError("the wallet's answer does not echo its request ('req')")
    try:
        return SigningRequest.from_uri(text)
    except SessionKitError as exc:
        raise WalletResponseError(f"the request the wallet echoes does not decode: {exc}") from None


def _same_request(a: SigningRequest, b: SigningRequest) -> bool:
    return a.version == b.version and a.to_bytes() == b.to_bytes()


def _chain(value: object) -> Checksum256:
    try:
        return Checksum256.from_json(value)
    except InvalidValue:
        raise WalletResponseError("the wallet's answer has no valid chain id ('cid')") from None


def _channel_url(value: object) -> str:
    if not isinstance(value, str) or len(value) > _MAX_TEXT:
        raise WalletResponseError("the wallet's channel (link_ch) is not a URL")
    parts = urlsplit(value)
    channel = parts.path.rsplit("/", 1)[-1]
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.netloc or len(channel) < 10:
        raise WalletResponseError(
            "the wallet's channel (link_ch) is not a relay channel URL such as "
            "https://cb.anchor.link/<id>"
        )
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or len(value) > _MAX_TEXT:
        raise WalletResponseError(f"the wallet's {what} is not a short text")
    return value


def _optional(value: object, kind: type, what: str) -> Any:
    if value is None or isinstance(value, kind):
        return value
    raise WalletResponseError(f"{what} is not a {kind.__name__}")


def _link_meta(value: object) -> Mapping[str, Any]:
    """``link_meta`` (a JSON string) parsed; anything malformed is ignored, as the reference
    does, and logged without its content."""
    if value is None:
        return {}
    meta: object = value
    if isinstance(value, str):
        if len(value) > _MAX_TEXT * 8:
            logger.warning("ignoring the wallet's link_meta: it is too long")
            return {}
        try:
            meta = json.loads(value)
        except (ValueError, RecursionError):
            logger.warning("ignoring the wallet's link_meta: it is not JSON")
            return {}
    if not isinstance(meta, Mapping):
        logger.warning("ignoring the wallet's link_meta: it is not a JSON object")
        return {}
    return meta


def _meta_value(meta: Mapping[str, Any], keys: tuple[str, str], kind: type) -> Any:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, str) and len(value) > _MAX_TEXT:
            continue
        if isinstance(value, kind):
            return value
    return None
