"""Contract suites: mixin test classes a plugin's tests subclass, overriding one fixture.

    from sessionkit.testing import WalletPluginContract

    class TestMyWallet(WalletPluginContract):
        @pytest.fixture
        def wallet(self, devnet):
            return MyWallet(...)

Each contract documents the fixtures it needs; a required fixture that is not overridden fails
with a message saying what to write. A subclass may not delete or weaken a contract test: one
it overrides must carry ``@pytest.mark.xfail(reason=..., strict=True)``.
"""

from sessionkit.testing.contracts._base import Contract
from sessionkit.testing.contracts.login import LoginPluginContract
from sessionkit.testing.contracts.storage import SessionStorageContract
from sessionkit.testing.contracts.transact import TransactPluginContract
from sessionkit.testing.contracts.ui import UserInterfaceContract
from sessionkit.testing.contracts.wallet import WalletPluginContract

__all__ = [
    "Contract",
    "LoginPluginContract",
    "SessionStorageContract",
    "TransactPluginContract",
    "UserInterfaceContract",
    "WalletPluginContract",
]
