"""SessionKit for Python: log in with an Antelope wallet and sign transactions.

The public surface is re-exported here; everything in a module whose name starts with an
underscore is private. Modules load on first use, so ``import sessionkit`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sessionkit import errors
from sessionkit._lazy import lazy_exports

if TYPE_CHECKING:
    from sessionkit.chain import ChainDefinition
    from sessionkit.contexts import (
        LoginContext,
        LogoutContext,
        TransactContext,
        UIRequirements,
        WalletChoice,
    )
    from sessionkit.hookspecs import hookimpl
    from sessionkit.kit import SessionKit
    from sessionkit.login import LoginPlugin, LoginResult
    from sessionkit.plugins import PluginInfo
    from sessionkit.session import Session, decode_session
    from sessionkit.storage import FileStorage, MemoryStorage, SessionStorage
    from sessionkit.transact import (
        ActionReturn,
        BeforeSignResult,
        Revision,
        TransactPlugin,
        TransactResult,
    )
    from sessionkit.ui import (
        HeadlessUI,
        PromptArgs,
        PromptElement,
        PromptResponse,
        UserInterface,
        UserInterfaceLoginResponse,
    )
    from sessionkit.wallet import (
        Logo,
        WalletLoginResponse,
        WalletPlugin,
        WalletPluginConfig,
        WalletPluginMetadata,
        WalletSignResponse,
    )

_EXPORTS: dict[str, str] = {
    "SessionKit": "kit",
    "Session": "session",
    "decode_session": "session",
    "ChainDefinition": "chain",
    "LoginResult": "login",
    "LoginPlugin": "login",
    "TransactResult": "transact",
    "TransactPlugin": "transact",
    "BeforeSignResult": "transact",
    "Revision": "transact",
    "ActionReturn": "transact",
    "LoginContext": "contexts",
    "LogoutContext": "contexts",
    "TransactContext": "contexts",
    "UIRequirements": "contexts",
    "WalletChoice": "contexts",
    "WalletPlugin": "wallet",
    "WalletPluginConfig": "wallet",
    "WalletPluginMetadata": "wallet",
    "WalletLoginResponse": "wallet",
    "WalletSignResponse": "wallet",
    "Logo": "wallet",
    "UserInterface": "ui",
    "HeadlessUI": "ui",
    "PromptArgs": "ui",
    "PromptElement": "ui",
    "PromptResponse": "ui",
    "UserInterfaceLoginResponse": "ui",
    "SessionStorage": "storage",
    "FileStorage": "storage",
    "MemoryStorage": "storage",
    "PluginInfo": "plugins",
    "hookimpl": "hookspecs",
}

__all__ = [
    "__version__",
    "errors",
    # the kit
    "SessionKit",
    "Session",
    "decode_session",
    "ChainDefinition",
    "LoginResult",
    "TransactResult",
    "Revision",
    "ActionReturn",
    # plugins
    "hookimpl",
    "PluginInfo",
    "WalletPlugin",
    "WalletPluginConfig",
    "WalletPluginMetadata",
    "WalletLoginResponse",
    "WalletSignResponse",
    "Logo",
    "UserInterface",
    "HeadlessUI",
    "PromptArgs",
    "PromptElement",
    "PromptResponse",
    "UserInterfaceLoginResponse",
    "LoginPlugin",
    "TransactPlugin",
    "BeforeSignResult",
    "LoginContext",
    "LogoutContext",
    "TransactContext",
    "UIRequirements",
    "WalletChoice",
    # storage
    "SessionStorage",
    "FileStorage",
    "MemoryStorage",
]

_lazy_getattr, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)


def __getattr__(name: str) -> object:
    # importlib.metadata costs ~25 ms to import: read the version only when someone asks.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("sessionkit")
        except PackageNotFoundError:  # pragma: no cover - a source tree without metadata
            value = "0.0.0"
        globals()["__version__"] = value
        return value
    return _lazy_getattr(name)
