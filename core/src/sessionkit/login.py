"""What a login returns, and the login plugin base.

A login plugin is any object with ``@hookimpl`` methods named ``before_login`` or
``after_login``; `LoginPlugin` gives it an ``id``. Pass plugins to
``SessionKit(login_plugins=[...])`` (every login) or ``kit.login(login_plugins=[...])`` (that
login, instead of the kit's). Plugins installed through entry points see every login.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import msgspec

if TYPE_CHECKING:
    from sessionkit.antelope import PermissionLevel
    from sessionkit.chain import ChainDefinition
    from sessionkit.contexts import LoginContext
    from sessionkit.session import Session
    from sessionkit.wallet import WalletLoginResponse

__all__ = ["LoginPlugin", "LoginResult"]


class LoginResult(msgspec.Struct, frozen=True, kw_only=True):
    """A successful login: the new session, where and as whom, and the wallet's own answer
    (with its ``identity_proof`` when the wallet gives one)."""

    session: Session
    context: LoginContext
    response: WalletLoginResponse

    @property
    def chain(self) -> ChainDefinition:
        """The chain the session is on."""
        return self.session.chain

    @property
    def permission_level(self) -> PermissionLevel:
        """The account and permission the session signs with."""
        return self.session.permission_level


class LoginPlugin:
    """Convenience base for login plugins: an ``id``; add ``before_login``/``after_login``."""

    id: ClassVar[str] = "login-plugin"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.id!r}>"
