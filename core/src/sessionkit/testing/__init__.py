"""Testing helpers for apps and plugin authors: contract suites, test doubles, the devnet.

- Contract suites (mixin test classes to subclass): `WalletPluginContract`,
  `UserInterfaceContract`, `LoginPluginContract`, `TransactPluginContract`,
  `SessionStorageContract`.
- Test doubles: `RecordingUI` (a scripted user interface) and `KeyWallet` (keys in memory).
- The pytest plugin (``sessionkit.testing.pytest_plugin``, loaded automatically) provides the
  ``devnet`` fixture and turns strict plugin loading on.

Names load on first use, so the pytest plugin's import of this package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sessionkit._lazy import lazy_exports

if TYPE_CHECKING:
    from sessionkit.testing.contracts import (
        LoginPluginContract,
        SessionStorageContract,
        TransactPluginContract,
        UserInterfaceContract,
        WalletPluginContract,
    )
    from sessionkit.testing.contracts.ui import RecordingUIDriver, UIDriver
    from sessionkit.testing.doubles import KeyWallet, RecordingUI

_EXPORTS: dict[str, str] = {
    "WalletPluginContract": "contracts",
    "UserInterfaceContract": "contracts",
    "LoginPluginContract": "contracts",
    "TransactPluginContract": "contracts",
    "SessionStorageContract": "contracts",
    "UIDriver": "contracts.ui",
    "RecordingUIDriver": "contracts.ui",
    "KeyWallet": "doubles",
    "RecordingUI": "doubles",
}

__all__ = [
    "WalletPluginContract",
    "UserInterfaceContract",
    "LoginPluginContract",
    "TransactPluginContract",
    "SessionStorageContract",
    "UIDriver",
    "RecordingUIDriver",
    "KeyWallet",
    "RecordingUI",
]


def _rewrite_asserts() -> None:
    # Contract classes assert in plain `assert`s: let pytest explain them when it is running.
    import sys

    if "pytest" in sys.modules:
        import pytest

        pytest.register_assert_rewrite("sessionkit.testing.contracts")


_rewrite_asserts()
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)
