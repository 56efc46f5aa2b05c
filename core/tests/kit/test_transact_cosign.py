"""Transact plugins and wallets that change or co-sign a transaction, on the devnet.

- a co-signing plugin whose signature the chain needs (``team@active``: 2 of 3 keys);
- a plugin appending an action: adopted, or refused under ``allow_modify=False``;
- a wallet that modifies the transaction: adopted, or refused under ``allow_modify=False``;
- bad signatures from a plugin or the wallet: refused before anything is broadcast.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sessionkit import SessionKit, hookimpl
from sessionkit.antelope import Checksum256, PrivateKey
from sessionkit.errors import (
    ChainAPIError,
    InvalidPluginSignature,
    ModificationNotAllowed,
    PluginError,
)
from sessionkit.esr import SigningRequest
from sessionkit.storage import MemoryStorage
from sessionkit.testing.doubles import KeyWallet, RecordingUI
from sessionkit.transact import BeforeSignResult, TransactPlugin
from sessionkit.wallet import WalletSignResponse

if TYPE_CHECKING:
    from sessionkit.chain import APIClient, ChainDefinition
    from sessionkit.contexts import TransactContext
    from sessionkit.devnet import Devnet
    from sessionkit.esr import ResolvedSigningRequest
    from sessionkit.session import Session

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]


def transfer(sender: str, to: str, quantity: str, memo: str = "") -> dict[str, Any]:
    """A transfer with a unique memo (the same transfer twice in a block is a duplicate)."""
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": sender, "permission": "active"}],
        "data": {
            "from": sender,
            "to": to,
            "quantity": quantity,
            "memo": f"{memo} {uuid.uuid4().hex[:10]}".strip(),
        },
    }


async def balance(client: APIClient, account: str) -> Decimal:
    found = await client.get_currency_balance("eosio.token", account, "SYS")
    return Decimal(str(found[0]).split()[0]) if found else Decimal(0)


async def login(
    chain: ChainDefinition,
    wallet: KeyWallet,
    level: str,
    **options: Any,
) -> tuple[SessionKit, Session, RecordingUI]:
    ui = RecordingUI()
    kit = SessionKit(
        "cosigntest",
        [chain],
        ui=ui,
        wallet_plugins=[wallet],
        storage=MemoryStorage(),
        discover=False,
        **options,
    )
    result = await kit.login(permission_level=level)
    return kit, result.session, ui


class CoSigner(TransactPlugin):
    """A resource-provider-like plugin: fixes the transaction (TAPoS included) and co-signs it."""

    id = "cosigner"

    def __init__(self, key: PrivateKey, *, chain_id: Checksum256 | None = None) -> None:
        self.key = key
        self.chain_id = chain_id  # sign for another chain: a signature the chain cannot use

    @hookimpl
    async def before_sign(
        self, request: SigningRequest, context: TransactContext
    ) -> BeforeSignResult:
        resolved = await context.resolve(request)
        fixed = SigningRequest.create(
            transaction=resolved.transaction, chain_id=context.chain.id, broadcast=False
        )
        digest = (
            resolved.signing_digest
            if self.chain_id is None
            else resolved.transaction.signing_digest(self.chain_id)
        )
        return BeforeSignResult(request=fixed, signatures=(self.key.sign_digest(digest),))


class FeeAppender(TransactPlugin):
    """Appends a fee transfer to eosio to every transaction (a modification)."""

    id = "fee-appender"

    @hookimpl
    async def before_sign(
        self, request: SigningRequest, context: TransactContext
    ) -> BeforeSignResult:
        abi = await context.abi_cache.get_abi("eosio.token")
        payer = str(context.account_name)
        request.append_action(transfer(payer, "eosio", "0.0001 SYS", "fee"), {"eosio.token": abi})
        return BeforeSignResult(request=request)


class Echo(TransactPlugin):
    """Answers with the request unchanged: a revision that modified nothing."""

    id = "echo"

    @hookimpl
    def before_sign(self, request: SigningRequest) -> BeforeSignResult:
        return BeforeSignResult(request=request)


class WrongAnswer(TransactPlugin):
    id = "wrong-answer"

    @hookimpl
    def before_sign(self) -> dict[str, Any]:
        return {"request": None}


async def test_cosigning_plugin_supplies_the_second_key(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    team = devnet.accounts["team"]
    first, second = team.private_keys[0], team.private_keys[1]
    kit, session, _ = await login(
        devnet_chain, KeyWallet(first), "team@active", transact_plugins=[CoSigner(second)]
    )
    async with kit:
        before = await balance(client, "bob")
        result = await session.transact(action=transfer("team", "bob", "0.0100 SYS", "2 of 3"))
        assert await balance(client, "bob") == before + Decimal("0.0100")
    digest = result.resolved.signing_digest
    assert [s.recover(digest) for s in result.signatures] == [
        second.public_key,
        first.public_key,
    ]
    codes = [(r.code, r.modified, r.allow_modify) for r in result.revisions]
    assert codes == [("original", False, True), ("cosigner", True, True)]
    assert result.revisions[1].signatures == (str(result.signatures[0]),)
    assert result.revisions[1].request.startswith("esr:")


async def test_without_the_cosigner_the_signatures_cannot_authorize(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    team = devnet.accounts["team"]
    kit, session, ui = await login(devnet_chain, KeyWallet(team.private_keys[0]), "team@active")
    async with kit:
        before = await balance(client, "bob")
        with pytest.raises(InvalidPluginSignature, match="a signature is missing") as caught:
            await session.transact(action=transfer("team", "bob", "0.0100 SYS"))
        assert isinstance(caught.value.__cause__, ChainAPIError)
        assert ui.errors == [caught.value]
        # Without the kit's check, the chain says the same in its own words.
        with pytest.raises(ChainAPIError) as chain_error:
            await session.transact(
                action=transfer("team", "bob", "0.0100 SYS"), validate_plugin_signatures=False
            )
        assert chain_error.value.name == "unsatisfied_authorization"
        assert await balance(client, "bob") == before


async def test_cosigner_is_refused_when_modification_is_not_allowed(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    team = devnet.accounts["team"]
    kit, session, ui = await login(
        devnet_chain,
        KeyWallet(team.private_keys[0]),
        "team@active",
        transact_plugins=[CoSigner(team.private_keys[1])],
        allow_modify=False,
    )
    async with kit:
        before = await balance(client, "bob")
        with pytest.raises(ModificationNotAllowed, match="'cosigner' modified the transaction"):
            await session.transact(action=transfer("team", "bob", "0.0100 SYS"))
        assert ui.errors[-1].__class__ is ModificationNotAllowed
        assert "on_sign" not in [name for name, _ in ui.calls]
        assert await balance(client, "bob") == before


async def test_no_modification_after_a_cosignature(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    team = devnet.accounts["team"]
    kit, session, _ = await login(
        devnet_chain,
        KeyWallet(team.private_keys[0]),
        "team@active",
        transact_plugins=[CoSigner(team.private_keys[1]), FeeAppender()],
    )
    async with kit:
        with pytest.raises(ModificationNotAllowed, match=r"'fee-appender'.*co-signed"):
            await session.transact(action=transfer("team", "bob", "0.0001 SYS"))


async def test_appending_plugin_is_adopted_when_allowed(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    alice = devnet.accounts["alice"]
    kit, session, _ = await login(
        devnet_chain, KeyWallet(alice.private_key), "alice@active", transact_plugins=[FeeAppender()]
    )
    async with kit:
        eosio = await balance(client, "eosio")
        result = await session.transact(action=transfer("alice", "bob", "0.0002 SYS"))
        assert await balance(client, "eosio") == eosio + Decimal("0.0001")
    receivers = [a["data"]["to"] for a in result.resolved.resolved_transaction["actions"]]
    assert receivers == ["bob", "eosio"]
    assert [(r.code, r.modified) for r in result.revisions] == [
        ("original", False),
        ("fee-appender", True),
    ]
    assert SigningRequest.from_uri(result.revisions[1].request) == result.request
    original = result.revisions[0]
    assert original.request == original.signing_request.encode()
    assert (
        SigningRequest.from_uri(original.request).raw_actions
        == original.signing_request.raw_actions
    )
    assert len(original.signing_request.raw_actions) == 1  # as asked, before the fee was added


async def test_appending_plugin_is_refused_when_not_allowed(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    alice = devnet.accounts["alice"]
    kit, session, ui = await login(
        devnet_chain, KeyWallet(alice.private_key), "alice@active", transact_plugins=[FeeAppender()]
    )
    async with kit:
        bob = await balance(client, "bob")
        with pytest.raises(ModificationNotAllowed, match="allow_modify=False"):
            await session.transact(
                action=transfer("alice", "bob", "0.0002 SYS"), allow_modify=False
            )
        assert await balance(client, "bob") == bob
        assert isinstance(ui.errors[-1], ModificationNotAllowed)


async def test_unchanged_answer_is_a_revision_without_modification(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    alice = devnet.accounts["alice"]
    kit, session, _ = await login(
        devnet_chain,
        KeyWallet(alice.private_key),
        "alice@active",
        transact_plugins=[Echo()],
        allow_modify=False,
    )
    async with kit:
        result = await session.transact(
            action=transfer("alice", "bob", "0.0001 SYS"), broadcast=False
        )
    assert [(r.code, r.modified, r.allow_modify) for r in result.revisions] == [
        ("original", False, False),
        ("echo", False, False),
    ]


async def test_wrong_hook_answer_is_a_plugin_error(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    alice = devnet.accounts["alice"]
    kit, session, _ = await login(
        devnet_chain, KeyWallet(alice.private_key), "alice@active", transact_plugins=[WrongAnswer()]
    )
    async with kit:
        with pytest.raises(PluginError, match="BeforeSignResult, not dict") as caught:
            await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
    assert caught.value.hook == "before_sign"


async def test_plugin_signature_for_another_chain_is_refused_before_broadcast(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    team = devnet.accounts["team"]
    other_chain = Checksum256("ab" * 32)
    kit, session, ui = await login(
        devnet_chain,
        KeyWallet(team.private_keys[0]),
        "team@active",
        transact_plugins=[CoSigner(team.private_keys[1], chain_id=other_chain)],
    )
    async with kit:
        before = await balance(client, "bob")
        with pytest.raises(InvalidPluginSignature, match="plugin 'cosigner'"):
            await session.transact(action=transfer("team", "bob", "0.0001 SYS"))
        assert "on_broadcast" not in [name for name, _ in ui.calls]
        assert await balance(client, "bob") == before


async def test_plugin_signature_with_an_unrelated_key_is_refused(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    # alice's transfer needs only alice's key: a co-signature by carol's key is not needed,
    # and the chain would refuse the transaction for the irrelevant signature.
    alice, carol = devnet.accounts["alice"], devnet.accounts["carol"]
    kit, session, ui = await login(
        devnet_chain,
        KeyWallet(alice.private_key),
        "alice@active",
        transact_plugins=[CoSigner(carol.private_key)],
    )
    async with kit:
        before = await balance(client, "bob")
        with pytest.raises(InvalidPluginSignature, match=str(carol.public_key)):
            await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        assert "on_broadcast" not in [name for name, _ in ui.calls]
        assert await balance(client, "bob") == before


class ForeignSigner(KeyWallet):
    """A wallet that signs for the wrong chain: its signature recovers to some other key."""

    id = "foreign-signer"

    async def sign(
        self, resolved: ResolvedSigningRequest, context: TransactContext
    ) -> WalletSignResponse:
        digest = resolved.transaction.signing_digest(Checksum256("cd" * 32))
        return WalletSignResponse(signatures=[k.sign_digest(digest) for k in self._keys])


class Silent(KeyWallet):
    """A wallet that answers without any signature."""

    id = "silent"

    async def sign(
        self, resolved: ResolvedSigningRequest, context: TransactContext
    ) -> WalletSignResponse:
        return WalletSignResponse(signatures=[])


async def test_wallet_signature_for_another_chain_is_refused_before_broadcast(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    alice = devnet.accounts["alice"]
    kit, session, ui = await login(devnet_chain, ForeignSigner(alice.private_key), "alice@active")
    async with kit:
        before = await balance(client, "bob")
        with pytest.raises(InvalidPluginSignature, match="wallet 'foreign-signer'"):
            await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        assert "on_broadcast" not in [name for name, _ in ui.calls]
        assert await balance(client, "bob") == before


async def test_wallet_without_signatures_is_refused(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    alice = devnet.accounts["alice"]
    kit, session, _ = await login(devnet_chain, Silent(alice.private_key), "alice@active")
    async with kit:
        with pytest.raises(InvalidPluginSignature, match="no signature"):
            await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))


async def test_a_confirmed_key_is_not_asked_about_again(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    paths: list[str] = []

    async def record(request: httpx.Request) -> None:
        paths.append(request.url.path)

    alice = devnet.accounts["alice"]
    async with httpx.AsyncClient(event_hooks={"request": [record]}) as http:
        kit, session, _ = await login(
            devnet_chain, KeyWallet(alice.private_key), "alice@active", http_client=http
        )
        async with kit:
            await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
            await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
            restored = await kit.restore()
            assert restored is not None
            await restored.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        # The kit's connections were the app's: they stay open after the kit closes.
        assert not http.is_closed
    assert paths.count("/v1/chain/get_required_keys") == 1
    assert paths.count("/v1/chain/send_transaction") == 3


class ModifyingWallet(KeyWallet):
    """A wallet that adds a memo-only transfer to eosio before signing (as a fee payer might)."""

    id = "modifying-wallet"

    async def sign(
        self, resolved: ResolvedSigningRequest, context: TransactContext
    ) -> WalletSignResponse:
        actions = [*resolved.resolved_transaction["actions"]]
        payer = str(context.account_name)
        actions.append(transfer(payer, "eosio", "0.0001 SYS", "wallet fee"))
        request = await context.create_request(actions=actions)
        changed = await context.resolve(request)
        digest = changed.signing_digest
        return WalletSignResponse(
            signatures=[k.sign_digest(digest) for k in self._keys], resolved=changed
        )


async def test_wallet_modification_is_adopted_when_allowed(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    alice = devnet.accounts["alice"]
    kit, session, _ = await login(devnet_chain, ModifyingWallet(alice.private_key), "alice@active")
    async with kit:
        eosio = await balance(client, "eosio")
        result = await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        assert await balance(client, "eosio") == eosio + Decimal("0.0001")
    assert len(result.transaction.actions) == 2
    assert result.response is not None
    assert result.response.transaction_id == result.transaction_id
    assert [(r.code, r.modified) for r in result.revisions] == [
        ("original", False),
        ("modifying-wallet", True),
    ]


async def test_wallet_modification_is_refused_when_not_allowed(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    alice = devnet.accounts["alice"]
    kit, session, ui = await login(
        devnet_chain, ModifyingWallet(alice.private_key), "alice@active", allow_modify=False
    )
    async with kit:
        eosio = await balance(client, "eosio")
        with pytest.raises(ModificationNotAllowed, match="wallet modified the transaction"):
            await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        assert "on_broadcast" not in [name for name, _ in ui.calls]
        assert isinstance(ui.errors[-1], ModificationNotAllowed)
        assert await balance(client, "eosio") == eosio
        # Allowed for one call, it goes through.
        result = await session.transact(
            action=transfer("alice", "bob", "0.0001 SYS"), allow_modify=True
        )
        assert len(result.transaction.actions) == 2


class FeeNote(TransactPlugin):
    """Marks the request with a fee note (an info pair), as a resource provider does."""

    id = "fee-note"

    def __init__(self, note: str) -> None:
        self.note = note

    @hookimpl
    def before_sign(self, request: SigningRequest) -> BeforeSignResult:
        request.set_info_key("txfee", self.note)
        return BeforeSignResult(request=request)


class Rebuilder(TransactPlugin):
    """Replaces the request with a new one built from the same actions (no info pairs)."""

    id = "rebuilder"

    @hookimpl
    async def before_sign(
        self, request: SigningRequest, context: TransactContext
    ) -> BeforeSignResult:
        resolved = await context.resolve(request)
        actions = resolved.resolved_transaction["actions"]
        return BeforeSignResult(request=await context.create_request(actions=actions))


async def test_info_pairs_survive_a_rebuilt_request_and_the_latest_hook_wins(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    alice = devnet.accounts["alice"]
    plugins = [FeeNote("0.0001 SYS"), Rebuilder(), FeeNote("0.0002 SYS")]
    kit, session, _ = await login(
        devnet_chain, KeyWallet(alice.private_key), "alice@active", transact_plugins=plugins
    )
    async with kit:
        result = await session.transact(
            action=transfer("alice", "bob", "0.0001 SYS"), broadcast=False
        )
        rebuilt = await session.transact(
            action=transfer("alice", "bob", "0.0001 SYS"),
            broadcast=False,
            transact_plugins=plugins[:2],
        )
    assert rebuilt.request.get_raw_info_key("txfee") == b"0.0001 SYS"
    # The rebuilt request kept the first note; the last hook's note replaced it (WharfKit
    # would keep the earlier value and warn).
    assert result.request.get_raw_info_key("txfee") == b"0.0002 SYS"
    notes = [SigningRequest.from_uri(r.request).get_raw_info_key("txfee") for r in result.revisions]
    # Each revision is the request as its hook returned it (as in WharfKit's revisions).
    assert notes == [None, b"0.0001 SYS", None, b"0.0002 SYS"]
    assert result.request.broadcast is False
