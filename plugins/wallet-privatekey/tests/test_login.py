"""Logging in on the devnet: the chain, the permission found from the key (one, several, none),
and the check that the key can sign for the permission alone (multi-signature, delegation)."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sessionkit import (
    ChainDefinition,
    HeadlessUI,
    LoginContext,
    MemoryStorage,
    SessionKit,
    UserInterfaceLoginResponse,
)
from sessionkit.antelope import PermissionLevel, PrivateKey
from sessionkit.errors import ChainAPIError, ConfigurationError, NoChoiceError, WalletError
from sessionkit.testing import RecordingUI
from sessionkit_wallet_privatekey import PrivateKeyWallet

if TYPE_CHECKING:
    from collections.abc import Callable

    from sessionkit.devnet import Devnet

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]


def transfer(sender: str, permission: str = "active", to: str = "bob") -> dict[str, Any]:
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": sender, "permission": permission}],
        "data": {"from": sender, "to": to, "quantity": "0.0010 SYS", "memo": uuid.uuid4().hex},
    }


# -- the account, found from the key ------------------------------------------------------------


async def test_login_by_key_alone_finds_the_account(
    devnet: Devnet,
    alice_key: PrivateKey,
    kit_for: Callable[..., SessionKit],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """alice's key is on alice@owner and alice@active: active is the session's permission."""
    with caplog.at_level(logging.DEBUG, logger="sessionkit_wallet_privatekey"):
        async with kit_for(PrivateKeyWallet(alice_key)) as kit:
            result = await kit.login()
            assert result.response.chain == devnet.chain_id
            assert result.response.permission_level == PermissionLevel("alice", "active")
            assert str(result.session.permission_level) == "alice@active"
            sent = await result.session.transact(action=transfer("alice"))
            assert sent.response is not None
    assert f"found alice@active for {alice_key.public_key}" in caplog.text


async def test_login_with_an_explicit_permission(
    alice_key: PrivateKey, kit_for: Callable[..., SessionKit]
) -> None:
    async with kit_for(PrivateKeyWallet(alice_key)) as kit:
        result = await kit.login(permission_level="alice@owner")
        assert str(result.session.permission_level) == "alice@owner"


async def test_login_with_a_named_permission_found_from_its_key(
    devnet: Devnet, kit_for: Callable[..., SessionKit]
) -> None:
    """erin@transfer has a key of its own, linked to eosio.token::transfer."""
    key = devnet.permissions["erin@transfer"].private_key
    async with kit_for(PrivateKeyWallet(key)) as kit:
        session = (await kit.login()).session
        assert str(session.permission_level) == "erin@transfer"
        sent = await session.transact(action=transfer("erin", "transfer"))
        assert sent.response is not None


async def test_a_key_only_on_owner_logs_in_as_owner(
    admin: Any, kit_for: Callable[..., SessionKit]
) -> None:
    owner, active = PrivateKey.generate(), PrivateKey.generate()
    name = await admin.new_account(active.public_key, owner.public_key)
    async with kit_for(PrivateKeyWallet(owner)) as kit:
        assert str((await kit.login()).session.permission_level) == f"{name}@owner"
    async with kit_for(PrivateKeyWallet(active)) as kit:
        assert str((await kit.login()).session.permission_level) == f"{name}@active"


async def test_a_key_of_two_accounts_headless_fails_naming_both(
    devnet: Devnet, admin: Any, kit_for: Callable[..., SessionKit]
) -> None:
    key = PrivateKey.generate()
    first = await admin.new_account(key.public_key)
    second = await admin.new_account(key.public_key)
    async with kit_for(PrivateKeyWallet(key), ui=HeadlessUI()) as kit:
        with pytest.raises(NoChoiceError) as caught:
            await kit.login()
        assert await kit.get_sessions() == []
    error = caught.value
    assert error.choice == "permission"
    assert error.options == sorted([f"{first}@active", f"{second}@active"])
    message = str(error)
    assert f"{first}@active" in message
    assert f"{second}@active" in message
    assert str(key.public_key) in message
    assert str(devnet.chain_id) in message
    assert "login(permission_level=...)" in message


class AccountPickerUI(RecordingUI):
    """A user interface that lists the wallet key's accounts, as a real one would, and picks."""

    def __init__(self, pick: Callable[[list[str]], str]) -> None:
        super().__init__()
        self.pick = pick
        self.offered: list[str] = []

    async def login(self, context: LoginContext) -> UserInterfaceLoginResponse:
        assert context.wallet_plugin_index is not None
        choice = context.wallet_plugins[context.wallet_plugin_index]
        assert choice.retrieve_public_key is not None
        assert context.chain is not None
        key = await choice.retrieve_public_key(context.chain.id)
        found = await context.get_client(context.chain).get_accounts_by_authorizers(keys=[key])
        self.offered = sorted(f"{a.account_name}@{a.permission_name}" for a in found.accounts)
        return UserInterfaceLoginResponse(
            wallet_plugin_index=context.wallet_plugin_index,
            permission_level=PermissionLevel.from_string(self.pick(self.offered)),
        )


async def test_a_key_of_two_accounts_the_ui_chooses(
    admin: Any, kit_for: Callable[..., SessionKit]
) -> None:
    key = PrivateKey.generate()
    first = await admin.new_account(key.public_key)
    second = await admin.new_account(key.public_key, funds="1.0000 SYS")
    ui = AccountPickerUI(lambda offered: f"{second}@active")
    async with kit_for(PrivateKeyWallet(key), ui=ui) as kit:
        session = (await kit.login()).session
        assert str(session.permission_level) == f"{second}@active"
        assert await session.transact(action=transfer(second))
    assert ui.offered == sorted(f"{n}@{p}" for n in (first, second) for p in ("active", "owner"))


async def test_a_key_of_no_account_names_the_key_and_the_chain(
    devnet: Devnet, kit_for: Callable[..., SessionKit]
) -> None:
    key = PrivateKey.generate()
    async with kit_for(PrivateKeyWallet(key)) as kit:
        with pytest.raises(WalletError) as caught:
            await kit.login()
        assert await kit.get_sessions() == []
    message = str(caught.value)
    assert f"no account on chain {devnet.chain_id} has the key {key.public_key}" in message


# -- the key must sign alone ----------------------------------------------------------------------


async def test_one_key_of_a_multisig_is_refused(
    devnet: Devnet, kit_for: Callable[..., SessionKit]
) -> None:
    """team@active needs 2 of its 3 keys: one key cannot hold a session for it."""
    team = devnet.accounts["team"]
    key = team.private_keys[0]
    async with kit_for(PrivateKeyWallet(key)) as kit:
        with pytest.raises(WalletError) as caught:
            await kit.login(permission_level="team@active")
        assert await kit.get_sessions() == []
    message = str(caught.value)
    assert f"the key {key.public_key} cannot sign for team@active alone" in message
    assert "weight 1 of the 2 needed" in message
    assert str(devnet.chain_id) in message


async def test_one_key_of_a_multisig_is_not_found_either(
    devnet: Devnet, kit_for: Callable[..., SessionKit]
) -> None:
    key = devnet.accounts["team"].private_keys[1]
    async with kit_for(PrivateKeyWallet(key)) as kit:
        with pytest.raises(WalletError) as caught:
            await kit.login()
    message = str(caught.value)
    assert "cannot sign alone for any account" in message
    assert "team@active (weight 1 of 2)" in message
    assert "team@owner (weight 1 of 2)" in message


async def test_a_key_heavy_enough_on_a_multisig_logs_in(
    admin: Any, kit_for: Callable[..., SessionKit]
) -> None:
    heavy, light = PrivateKey.generate(), PrivateKey.generate()
    auth = admin.authority([(heavy.public_key, 2), (light.public_key, 1)], threshold=2)
    name = await admin.new_account(auth, funds="1.0000 SYS")
    async with kit_for(PrivateKeyWallet(heavy)) as kit:
        session = (await kit.login()).session
        assert str(session.permission_level) == f"{name}@active"
        assert await session.transact(action=transfer(name))
    async with kit_for(PrivateKeyWallet(light)) as kit:
        with pytest.raises(WalletError, match="weight 1 of the 2 needed"):
            await kit.login(permission_level=f"{name}@active")


async def test_another_accounts_key_is_refused(
    devnet: Devnet, alice_key: PrivateKey, kit_for: Callable[..., SessionKit]
) -> None:
    async with kit_for(PrivateKeyWallet(alice_key)) as kit:
        with pytest.raises(WalletError, match="cannot sign for bob@active alone") as caught:
            await kit.login(permission_level="bob@active")
    assert "weight 0 of the 1 needed" in str(caught.value)


async def test_a_delegated_permission_counts(
    alice_key: PrivateKey, admin: Any, kit_for: Callable[..., SessionKit]
) -> None:
    """An account whose active is alice@active: alice's key signs for it, on chain too."""
    delegating = await admin.new_account(
        admin.authority(accounts=[("alice@active", 1)]), funds="1.0000 SYS"
    )
    async with kit_for(PrivateKeyWallet(alice_key)) as kit:
        session = (await kit.login(permission_level=f"{delegating}@active")).session
        sent = await session.transact(action=transfer(delegating))
        assert sent.response is not None
    other = PrivateKey.generate()
    half = await admin.new_account(
        admin.authority([other.public_key], accounts=[("alice@active", 1)], threshold=2)
    )
    async with kit_for(PrivateKeyWallet(alice_key)) as kit:
        with pytest.raises(WalletError, match="weight 1 of the 2 needed"):
            await kit.login(permission_level=f"{half}@active")


async def test_delegation_depth_is_the_chains(
    alice_key: PrivateKey, admin: Any, kit_for: Callable[..., SessionKit]
) -> None:
    """Accounts delegating to alice@active through 5 levels work; through 6 the chain refuses
    the signature (max_authority_depth), and so does the login."""
    levels, previous = [], "alice@active"
    for _ in range(6):
        name = await admin.new_account(
            admin.authority(accounts=[(previous, 1)]), funds="1.0000 SYS"
        )
        levels.append(name)
        previous = f"{name}@active"
    deep_enough, too_deep = levels[4], levels[5]
    async with kit_for(PrivateKeyWallet(alice_key)) as kit:
        session = (await kit.login(permission_level=f"{deep_enough}@active")).session
        assert (await session.transact(action=transfer(deep_enough))).response is not None
        with pytest.raises(WalletError, match="weight 0 of the 1 needed"):
            await kit.login(permission_level=f"{too_deep}@active")
    data = transfer(too_deep)["data"]
    with pytest.raises(ChainAPIError, match="not authorized"):
        await admin.push([("eosio.token", "transfer", f"{too_deep}@active", data)], alice_key)


async def test_a_delegation_to_a_deleted_permission_counts_for_nothing(
    alice_key: PrivateKey, admin: Any, kit_for: Callable[..., SessionKit]
) -> None:
    """The chain lets a permission named in another account's authority be deleted; that entry
    then satisfies nothing, and the rest of the authority still decides (the chain agrees)."""
    key = PrivateKey.generate()
    gone = await admin.new_account(key.public_key, name=admin.new_name("aaa"))
    update = {"account": gone, "permission": "gone", "parent": "active"}
    update["auth"] = admin.authority([key.public_key])
    await admin.push([("eosio", "updateauth", f"{gone}@active", update)], key)
    # Listed before alice@active, so it is looked at first.
    delegating = await admin.new_account(
        admin.authority(accounts=[(f"{gone}@gone", 1), ("alice@active", 1)]), funds="1.0000 SYS"
    )
    deletion = {"account": gone, "permission": "gone"}
    await admin.push([("eosio", "deleteauth", f"{gone}@active", deletion)], key)
    async with kit_for(PrivateKeyWallet(alice_key)) as kit:
        session = (await kit.login(permission_level=f"{delegating}@active")).session
        assert (await session.transact(action=transfer(delegating))).response is not None
    async with kit_for(PrivateKeyWallet(key)) as kit:
        with pytest.raises(WalletError, match="weight 0 of the 1 needed"):
            await kit.login(permission_level=f"{delegating}@active")


async def test_an_unknown_account_or_permission_is_a_wallet_error(
    alice_key: PrivateKey, kit_for: Callable[..., SessionKit]
) -> None:
    async with kit_for(PrivateKeyWallet(alice_key)) as kit:
        with pytest.raises(WalletError, match="the account nosuchacct cannot be read"):
            await kit.login(permission_level="nosuchacct@active")
        with pytest.raises(WalletError) as caught:
            await kit.login(permission_level="alice@nosuchperm")
    message = str(caught.value)
    assert "the account alice has no permission nosuchperm" in message
    assert "active" in message
    assert "owner" in message


# -- the chain ------------------------------------------------------------------------------------


async def test_the_only_chain_is_used_and_a_chosen_one_is_honoured(
    devnet: Devnet, chain: ChainDefinition, alice_key: PrivateKey, kit_for: Callable[..., Any]
) -> None:
    elsewhere = ChainDefinition("ef" * 32, "http://127.0.0.1:9", name="elsewhere")
    async with kit_for(PrivateKeyWallet(alice_key), chains=[elsewhere, chain]) as kit:
        result = await kit.login(chain=devnet.chain_id)
        assert result.session.chain.id == devnet.chain_id


async def test_several_chains_and_none_chosen_is_no_choice(
    chain: ChainDefinition, alice_key: PrivateKey
) -> None:
    """The wallet itself refuses to guess (the headless UI would already have refused)."""
    elsewhere = ChainDefinition("ef" * 32, "http://127.0.0.1:9", name="elsewhere")
    async with httpx.AsyncClient() as http:
        context = LoginContext(
            app_name="t",
            chains=(chain, elsewhere),
            ui=HeadlessUI(),
            http_client=http,
            wallet_plugins=(),
        )
        with pytest.raises(NoChoiceError) as caught:
            await PrivateKeyWallet(alice_key).login(context)
    assert caught.value.choice == "chain"
    assert caught.value.options == [str(chain.id), str(elsewhere.id)]


async def test_a_node_of_another_chain_is_refused_naming_both_ids(
    devnet: Devnet, alice_key: PrivateKey, kit_for: Callable[..., SessionKit]
) -> None:
    impostor = ChainDefinition("ab" * 32, devnet.url, name="not the devnet")
    async with kit_for(PrivateKeyWallet(alice_key), chains=[impostor]) as kit:
        with pytest.raises(WalletError) as caught:
            await kit.login(permission_level="alice@active")
    message = str(caught.value)
    assert f"serves chain {devnet.chain_id}, not {impostor.id}" in message


async def test_no_key_fails_before_asking_the_chain(kit_for: Callable[..., SessionKit]) -> None:
    async with kit_for(PrivateKeyWallet(env_var=None, key_file_env_var=None)) as kit:
        with pytest.raises(ConfigurationError, match="no private key to log in"):
            await kit.login()


class NoAccountQueries(httpx.AsyncBaseTransport):
    """The devnet as a node run without ``enable-account-queries``: that call fails as Leap's
    does, everything else reaches the real node."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/chain/get_accounts_by_authorizers":
            self.refused += 1
            return httpx.Response(500, json=LEAP_ACCOUNT_QUERIES_DISABLED)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


LEAP_ACCOUNT_QUERIES_DISABLED = {
    "code": 500,
    "message": "Internal Service Error",
    "error": {
        "code": 3100006,
        "name": "plugin_config_exception",
        "what": "Incorrect plugin configuration",
        "details": [
            {
                "message": "Account Queries being accessed when not enabled",
                "file": "chain_plugin.cpp",
                "line_number": 2140,
                "method": "get_accounts_by_authorizers",
            }
        ],
    },
}


async def test_a_node_without_account_queries_asks_for_the_permission(
    chain: ChainDefinition, alice_key: PrivateKey
) -> None:
    transport = NoAccountQueries()
    async with (
        httpx.AsyncClient(transport=transport) as http,
        SessionKit(
            "no-queries",
            [chain],
            wallet_plugins=[PrivateKeyWallet(alice_key)],
            storage=MemoryStorage(),
            http_client=http,
            discover=False,
        ) as kit,
    ):
        with pytest.raises(WalletError) as caught:
            await kit.login()
        assert transport.refused >= 1
        # With the permission given, nothing needs the query.
        session = (await kit.login(permission_level="alice@active")).session
        assert (await session.transact(action=transfer("alice"))).response is not None
    message = str(caught.value)
    assert f"cannot list the accounts of the key {alice_key.public_key}" in message
    assert chain.url in message
    assert "Account Queries being accessed when not enabled" in message
    assert "pass login(permission_level=...)" in message
