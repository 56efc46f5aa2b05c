"""The contract suites, exercised: the kit's own test doubles and small login and transact
plugins pass them, and a subclass cannot quietly weaken a contract.

(Storage backends pass `SessionStorageContract` in test_storage.py.)
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING, Any

import pytest
from sessionkit import BeforeSignResult, LoginPlugin, TransactPlugin, hookimpl
from sessionkit.errors import WalletRejected
from sessionkit.testing import (
    KeyWallet,
    LoginPluginContract,
    RecordingUI,
    RecordingUIDriver,
    SessionStorageContract,
    TransactPluginContract,
    UserInterfaceContract,
    WalletPluginContract,
)
from sessionkit.testing.contracts import Contract

if TYPE_CHECKING:
    from pathlib import Path

    from sessionkit.contexts import LoginContext, TransactContext
    from sessionkit.devnet import Devnet
    from sessionkit.esr import SigningRequest


# -- the test doubles pass the contracts they stand in for -----------------------------------------


class TestKeyWalletContract(WalletPluginContract):
    @pytest.fixture
    def wallet(self, devnet: Devnet) -> KeyWallet:
        return KeyWallet(devnet.accounts["alice"].private_key)


class TestRecordingUIContract(UserInterfaceContract):
    @pytest.fixture
    def ui(self) -> RecordingUI:
        return RecordingUI()

    @pytest.fixture
    def ui_driver(self, ui: RecordingUI) -> RecordingUIDriver:
        return RecordingUIDriver(ui)


# -- small plugins of each kind pass theirs --------------------------------------------------------


class AccountAllowList(LoginPlugin):
    """A login plugin: only the listed accounts may log in."""

    id = "account-allow-list"

    def __init__(self, accounts: set[str]) -> None:
        self.accounts = accounts
        self.seen: list[str] = []

    @hookimpl
    def before_login(self, context: LoginContext) -> None:
        level = context.permission_level
        if level is None or str(level.actor) not in self.accounts:
            raise WalletRejected(f"{level} may not log in to this app", reason="not allowed")

    @hookimpl
    async def after_login(self, context: LoginContext, session: Any) -> None:
        self.seen.append(str(session.permission_level))


class TestAccountAllowListLoginContract(LoginPluginContract):
    @pytest.fixture
    def login_plugin(self, devnet: Devnet) -> AccountAllowList:
        return AccountAllowList({"alice"})


class Auditor(TransactPlugin):
    """A transact plugin that only watches: it records every signed and broadcast transaction."""

    id = "auditor"

    def __init__(self) -> None:
        self.signed: list[str] = []
        self.broadcast: list[str] = []

    @hookimpl
    def after_sign(self, result: Any) -> None:
        self.signed.append(str(result.transaction_id))

    @hookimpl
    async def after_broadcast(self, result: Any) -> None:
        self.broadcast.append(str(result.transaction_id))


class TestAuditorTransactContract(TransactPluginContract):
    @pytest.fixture
    def transact_plugin(self, devnet: Devnet) -> Auditor:
        return Auditor()


class Tipper(TransactPlugin):
    """A transact plugin that modifies: it appends a tip to bob to every transaction."""

    id = "tipper"

    @hookimpl
    async def before_sign(
        self, request: SigningRequest, context: TransactContext
    ) -> BeforeSignResult:
        abi = await context.abi_cache.get_abi("eosio.token")
        account = str(context.account_name)
        tip = {
            "account": "eosio.token",
            "name": "transfer",
            "authorization": [{"actor": account, "permission": str(context.permission_name)}],
            "data": {"from": account, "to": "bob", "quantity": "0.0001 SYS", "memo": "tip"},
        }
        request.append_action(tip, {"eosio.token": abi})
        return BeforeSignResult(request=request)


class TestTipperTransactContract(TransactPluginContract):
    @pytest.fixture
    def transact_plugin(self, devnet: Devnet) -> Tipper:
        return Tipper()


# -- the guard against weakening -------------------------------------------------------------------


class _Memory(SessionStorageContract):
    """Not collected (no Test prefix): subclassed below to try weakening the contract."""


def _problems(cls: type[Contract]) -> str:
    with pytest.raises(AssertionError) as caught:
        cls().test_contract_not_weakened()
    return str(caught.value)


def test_overriding_a_contract_test_without_xfail_is_caught() -> None:
    class Weakened(_Memory):
        async def test_keys_are_independent(self, storage: Any) -> None:
            pass

    assert "test_keys_are_independent is overridden without xfail" in _problems(Weakened)


def test_removing_a_contract_test_is_caught() -> None:
    class Removed(_Memory):
        test_read_of_a_missing_key_is_none = None  # type: ignore[assignment]

    assert "test_read_of_a_missing_key_is_none was removed" in _problems(Removed)


@pytest.mark.parametrize(
    "mark",
    [
        pytest.mark.xfail(reason="explained"),  # not strict
        pytest.mark.xfail(strict=True),  # no reason
        pytest.mark.skip(reason="skipping is weakening"),
    ],
)
def test_only_a_strict_explained_xfail_may_override(mark: pytest.MarkDecorator) -> None:
    class Marked(_Memory):
        @mark
        async def test_keys_are_independent(self, storage: Any) -> None:
            pass

    assert "overridden without xfail" in _problems(Marked)


def test_a_strict_explained_xfail_is_allowed() -> None:
    class Explained(_Memory):
        @pytest.mark.xfail(reason="keys share one slot in this backend", strict=True)
        async def test_keys_are_independent(self, storage: Any) -> None:
            pass

    Explained().test_contract_not_weakened()


def test_every_contract_is_exported_and_has_the_guard() -> None:
    import sessionkit.testing as testing

    contracts = [
        WalletPluginContract,
        UserInterfaceContract,
        LoginPluginContract,
        TransactPluginContract,
        SessionStorageContract,
    ]
    for contract in contracts:
        assert getattr(testing, contract.__name__) is contract
        assert issubclass(contract, Contract)
        assert [name for name in vars(contract) if name.startswith("test_")], contract


def test_a_forgotten_fixture_says_what_to_write(tmp_path: Path) -> None:
    """Run a plugin author's test file, with its own pytest, as they would."""
    (tmp_path / "test_mine.py").write_text(
        textwrap.dedent(
            """
            from sessionkit.testing import SessionStorageContract

            class TestMine(SessionStorageContract):
                pass
            """
        )
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "missing_key and asyncio",
            str(tmp_path / "test_mine.py"),
        ],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "override the 'storage' fixture in your test class" in run.stdout
    assert "def storage(self, devnet):" in run.stdout
    assert "1 error" in run.stdout


def test_the_guard_itself_cannot_be_replaced() -> None:
    with pytest.raises(TypeError, match="replaces test_contract_not_weakened"):

        class Sneaky(_Memory):
            def test_contract_not_weakened(self) -> None:
                pass


def test_the_key_wallet_keeps_its_keys_out_of_reprs_and_storage() -> None:
    from sessionkit.antelope import PrivateKey

    key = PrivateKey.generate()
    wallet = KeyWallet(key, permission_level="alice@active")
    assert str(key) not in repr(wallet)
    assert repr(wallet) == "<KeyWallet 1 key(s) for alice@active>"
    assert str(key) not in str(wallet.serialize())
    assert wallet.public_keys == (key.public_key,)
