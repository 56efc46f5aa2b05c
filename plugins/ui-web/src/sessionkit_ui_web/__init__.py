"""A SessionKit user interface in the browser: the reference WebRenderer's steps for Python apps.

`WebUI` (id ``web``) shows the login choices (wallet, chain, account) and the wallets' prompts
(QR code, link, buttons, countdown, accept/decline) on a local page, served on loopback behind a
one-time secret token, or mounted into your own ASGI app. Discovered through the ``sessionkit``
entry-point group as ``web``, so ``SessionKit(..., ui="web")`` works once it is installed.
"""

from __future__ import annotations

from typing import Any

from sessionkit import hookimpl

from sessionkit_ui_web._app import CONTENT_SECURITY_POLICY
from sessionkit_ui_web._ui import TEXTS, WebUI

__all__ = ["CONTENT_SECURITY_POLICY", "TEXTS", "WebUI"]


@hookimpl
def register_user_interfaces(register: Any) -> None:
    """Offer `WebUI` to every kit as ``ui="web"``."""
    register(WebUI)
