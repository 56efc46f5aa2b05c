"""A SessionKit wallet plugin that signs with a private key the app holds.

``PrivateKeyWallet(key)`` logs in on a chain as the account its key controls and signs
transactions for it: for bots, backends, scripts and tests. Installed next to ``sessionkit``,
it is found through the ``sessionkit`` entry-point group as ``privatekey`` and registers the
wallet id ``wallet-plugin-privatekey`` (WharfKit's, so stored sessions move between the kits).
"""

from __future__ import annotations

from typing import Any

from sessionkit import hookimpl

from sessionkit_wallet_privatekey._keysource import DEFAULT_ENV_VAR, DEFAULT_KEY_FILE_ENV_VAR
from sessionkit_wallet_privatekey._wallet import PrivateKeyWallet

__all__ = ["DEFAULT_ENV_VAR", "DEFAULT_KEY_FILE_ENV_VAR", "PrivateKeyWallet"]


@hookimpl
def register_wallet_plugins(register: Any) -> None:
    """Offer `PrivateKeyWallet` (made with its key from the environment) to every kit."""
    register(PrivateKeyWallet)
