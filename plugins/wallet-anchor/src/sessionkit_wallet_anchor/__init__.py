"""A SessionKit wallet plugin for Anchor: the Anchor Link protocol over a buoy relay.

``AnchorWallet`` (id ``anchor``, WharfKit's) logs a person in with the Anchor app on a phone or
desktop by a QR code or a same-device link, then sends each transaction to Anchor over the
wallet's own relay channel. Discovered through the ``sessionkit`` entry-point group as
``anchor``. ``sessionkit_wallet_anchor.buoy`` is the relay client; offline testing tools
(a local relay and a simulated Anchor) are in ``sessionkit_wallet_anchor.testing``.
"""

from __future__ import annotations

from typing import Any

from sessionkit import hookimpl

from sessionkit_wallet_anchor._protocol import USER_AGENT, LinkChannel
from sessionkit_wallet_anchor._wallet import BUOY_URL_ENV_VAR, DEFAULT_LOGIN_TIMEOUT, AnchorWallet
from sessionkit_wallet_anchor.buoy import (
    DEFAULT_BUOY_URL,
    DEFAULT_MAX_MESSAGE_SIZE,
    RelayMessageTooLarge,
    RelayProtocolError,
    RelayRequestCancelled,
    RelayUndelivered,
)

__all__ = [
    "AnchorWallet",
    "LinkChannel",
    "BUOY_URL_ENV_VAR",
    "DEFAULT_BUOY_URL",
    "DEFAULT_LOGIN_TIMEOUT",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "USER_AGENT",
    "RelayMessageTooLarge",
    "RelayProtocolError",
    "RelayRequestCancelled",
    "RelayUndelivered",
]


@hookimpl
def register_wallet_plugins(register: Any) -> None:
    """Offer `AnchorWallet` (default options; the relay from ``SESSIONKIT_ANCHOR_BUOY_URL`` or
    the public one) to every kit."""
    register(AnchorWallet)
