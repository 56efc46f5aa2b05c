"""`PrivateKeyWallet` passes the kit's wallet contract on the devnet: with a K1 key, with an R1
key on an account made for it, and storing its key the reference's way."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sessionkit.testing import WalletPluginContract
from sessionkit_wallet_privatekey import PrivateKeyWallet

if TYPE_CHECKING:
    from sessionkit.antelope import PrivateKey
    from sessionkit.devnet import Devnet


class TestPrivateKeyWalletK1(WalletPluginContract):
    """alice's K1 key, given as ``PVT_K1_`` text."""

    @pytest.fixture
    def wallet(self, devnet: Devnet) -> PrivateKeyWallet:
        return PrivateKeyWallet(devnet.accounts["alice"].private_key.to_string())


class TestPrivateKeyWalletStoringTheKey(WalletPluginContract):
    """alice's key as WIF, stored with the session (``store_private_key=True``)."""

    @pytest.fixture
    def wallet(self, devnet: Devnet) -> PrivateKeyWallet:
        key = devnet.accounts["alice"].private_key
        return PrivateKeyWallet(key.to_wif(), store_private_key=True)


class TestPrivateKeyWalletR1(WalletPluginContract):
    """An R1 key (``PVT_R1_``) on an account whose only key it is."""

    @pytest.fixture
    def wallet(self, r1_account: tuple[str, PrivateKey]) -> PrivateKeyWallet:
        return PrivateKeyWallet(r1_account[1].to_string())

    @pytest.fixture
    def wallet_account(self, r1_account: tuple[str, PrivateKey]) -> str:
        return f"{r1_account[0]}@active"
