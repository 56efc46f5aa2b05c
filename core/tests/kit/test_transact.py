"""Session.transact on the devnet: transfers broadcast, signed only, several actions, ESR
requests and whole transactions, the UI lifecycle and the hooks around signing, chain errors.

Every transaction goes to a real node: a transfer's success is read back as a balance change.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from sessionkit import SessionKit, hookimpl
from sessionkit.antelope import TimePointSec, Transaction
from sessionkit.errors import (
    Cancelled,
    ChainAPIError,
    ConfigurationError,
    InvalidSigningRequest,
    InvalidValue,
    PluginError,
)
from sessionkit.esr import SigningRequest
from sessionkit.storage import MemoryStorage
from sessionkit.testing.doubles import KeyWallet, RecordingUI
from sessionkit.transact import TransactPlugin, TransactResult
from sessionkit.ui import PromptArgs, PromptElement

if TYPE_CHECKING:
    from sessionkit.chain import APIClient, ChainDefinition
    from sessionkit.contexts import TransactContext
    from sessionkit.devnet import Devnet
    from sessionkit.esr import ResolvedSigningRequest
    from sessionkit.session import Session
    from sessionkit.wallet import WalletSignResponse

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]


def transfer(sender: str, to: str, quantity: str, memo: str = "") -> dict[str, Any]:
    """An eosio.token transfer with its data as a mapping (encoded with the node's ABI).

    The memo gets a unique suffix: the same transfer twice in one block is a duplicate.
    """
    memo = f"{memo} {uuid.uuid4().hex[:10]}".strip()
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": sender, "permission": "active"}],
        "data": {"from": sender, "to": to, "quantity": quantity, "memo": memo},
    }


async def balance(client: APIClient, account: str) -> Decimal:
    found = await client.get_currency_balance("eosio.token", account, "SYS")
    return Decimal(str(found[0]).split()[0]) if found else Decimal(0)


async def login(
    devnet: Devnet, chain: ChainDefinition, account: str = "alice", **options: Any
) -> tuple[SessionKit, Session, RecordingUI]:
    ui = options.pop("ui", None) or RecordingUI()
    keys = options.pop("keys", None) or devnet.accounts[account].private_key
    wallet = options.pop("wallet", None) or KeyWallet(keys)
    kit = SessionKit(
        "transacttest",
        [chain],
        ui=ui,
        wallet_plugins=[wallet],
        storage=MemoryStorage(),
        discover=False,
        **options,
    )
    result = await kit.login(permission_level=f"{account}@active")
    return kit, result.session, ui


async def test_transfer_is_broadcast_and_moves_tokens(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, ui = await login(devnet, devnet_chain)
    async with kit:
        before = await balance(client, "bob")
        result = await session.transact(action=transfer("alice", "bob", "0.0010 SYS", "kit"))
        assert await balance(client, "bob") == before + Decimal("0.0010")
    assert result.response is not None
    assert result.response.transaction_id == result.transaction_id
    assert result.signer == session.permission_level
    assert len(result.signatures) == 1
    assert result.signatures[0].recover(result.resolved.signing_digest) == (
        devnet.accounts["alice"].public_key
    )
    assert [r.code for r in result.revisions] == ["original"]
    assert result.returns == ()
    assert str(result.transaction.actions[0].name) == "transfer"
    lifecycle = [name for name, _ in ui.calls if name not in ("login", "on_login")]
    assert lifecycle == [
        "on_login_complete",
        "on_transact",
        "on_sign",
        "on_sign_complete",
        "on_broadcast",
        "on_broadcast_complete",
        "on_transact_complete",
    ]


async def test_broadcast_false_signs_without_sending(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, ui = await login(devnet, devnet_chain)
    async with kit:
        before = await balance(client, "bob")
        result = await session.transact(
            action=transfer("alice", "bob", "0.0020 SYS", "not sent"), broadcast=False
        )
        assert result.response is None
        assert "on_broadcast" not in [name for name, _ in ui.calls]
        assert await balance(client, "bob") == before
        # What was signed is a complete, valid transaction: the app may send it itself.
        from sessionkit.antelope import SignedTransaction

        sent = await client.send_transaction(
            SignedTransaction(transaction=result.transaction, signatures=list(result.signatures))
        )
        assert sent.transaction_id == result.transaction_id
        assert await balance(client, "bob") == before + Decimal("0.0020")


async def test_session_broadcast_default_can_be_turned_off(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, _ = await login(devnet, devnet_chain)
    async with kit:
        session.broadcast = False
        before = await balance(client, "bob")
        result = await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        assert result.response is None
        again = await session.transact(
            action=transfer("alice", "bob", "0.0001 SYS"), broadcast=True
        )
        assert again.response is not None
        assert await balance(client, "bob") == before + Decimal("0.0001")


async def test_several_actions_in_one_transaction(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, _ = await login(devnet, devnet_chain)
    async with kit:
        bob, carol = await balance(client, "bob"), await balance(client, "carol")
        result = await session.transact(
            actions=[
                transfer("alice", "bob", "0.0003 SYS", "one"),
                transfer("alice", "carol", "0.0004 SYS", "two"),
            ]
        )
        assert [str(a.data and a.name) for a in result.transaction.actions] == [
            "transfer",
            "transfer",
        ]
        assert await balance(client, "bob") == bob + Decimal("0.0003")
        assert await balance(client, "carol") == carol + Decimal("0.0004")
        assert result.response is not None
        traces = result.response.processed.action_traces
        assert {str(t.act.name) for t in traces} == {"transfer"}


async def test_placeholders_become_the_session_account(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, _ = await login(devnet, devnet_chain, account="bob")
    async with kit:
        action = transfer("............1", "carol", "0.0005 SYS", "placeholder")
        action["authorization"] = [{"actor": "............1", "permission": "............2"}]
        carol = await balance(client, "carol")
        result = await session.transact(action=action)
        assert str(result.transaction.actions[0].authorization[0]) == "bob@active"
        assert result.resolved.resolved_transaction["actions"][0]["data"]["from"] == "bob"
        assert await balance(client, "carol") == carol + Decimal("0.0005")


async def test_esr_request_object_and_uri(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, _ = await login(devnet, devnet_chain)
    async with kit:
        abi = await session.abi_cache.get_abi("eosio.token")
        request, other = (
            SigningRequest.create(
                action=transfer("alice", "dave", "0.0006 SYS", memo),
                chain_id=devnet.chain_id,
                abis={"eosio.token": abi},
            )
            for memo in ("esr object", "esr uri")
        )
        dave = await balance(client, "dave")
        await session.transact(request=request)
        await session.transact(request=other.encode())
        assert await balance(client, "dave") == dave + Decimal("0.0012")
        # The app's request object is not changed (the kit works on its own copy).
        assert request.broadcast is True


async def test_whole_transaction_with_its_own_header(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, _ = await login(devnet, devnet_chain)
    async with kit:
        info = await client.get_info()
        header = info.transaction_header(60).to_dict()
        abi = await session.abi_cache.get_abi("eosio.token")
        from sessionkit.antelope import Action

        action = Action.from_data(
            "eosio.token",
            "transfer",
            ["alice@active"],
            {
                "from": "alice",
                "to": "bob",
                "quantity": "0.0007 SYS",
                "memo": f"tx {uuid.uuid4().hex}",
            },
            abi,
        )
        tx = Transaction(**header, actions=(action,))
        result = await session.transact(transaction=tx)
        # A transaction carrying TAPoS is signed as given.
        assert result.transaction.to_bytes() == tx.to_bytes()
        assert result.transaction_id == tx.id


async def test_sign_transaction_returns_signatures_only(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, ui = await login(devnet, devnet_chain)
    async with kit:
        info = await client.get_info()
        abi = await session.abi_cache.get_abi("eosio.token")
        from sessionkit.antelope import Action

        tx = Transaction(
            **info.transaction_header(60).to_dict(),
            actions=(
                Action.from_data(
                    "eosio.token",
                    "transfer",
                    ["alice@active"],
                    {
                        "from": "alice",
                        "to": "bob",
                        "quantity": "0.0001 SYS",
                        "memo": f"st {uuid.uuid4().hex}",
                    },
                    abi,
                ),
            ),
        )
        calls = len(ui.calls)
        signatures = await session.sign_transaction(tx)
        assert len(signatures) == 1
        digest = tx.signing_digest(devnet.chain_id)
        assert signatures[0].recover(digest) == devnet.accounts["alice"].public_key
        assert len(ui.calls) == calls  # no UI, no hooks


async def test_chain_error_keeps_its_name_code_and_details(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, ui = await login(devnet, devnet_chain)
    async with kit:
        before = await balance(client, "alice")
        with pytest.raises(ChainAPIError) as caught:
            await session.transact(action=transfer("alice", "bob", "999999.0000 SYS"))
        error = caught.value
        assert error.name == "eosio_assert_message_exception"
        assert error.code == 3050003
        assert any("overdrawn balance" in m for m in error.detail_messages)
        # The person saw the error, and the transaction was not completed.
        assert ui.errors == [error]
        assert "on_transact_complete" not in [name for name, _ in ui.calls]
        assert await balance(client, "alice") == before


async def test_missing_authority_is_a_chain_error(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    # alice signs an action authorized by bob: the chain refuses it.
    kit, session, _ = await login(devnet, devnet_chain)
    async with kit:
        with pytest.raises(ChainAPIError) as caught:
            await session.transact(
                action=transfer("bob", "alice", "0.0001 SYS"), validate_plugin_signatures=False
            )
        assert caught.value.name == "unsatisfied_authorization"


async def test_transact_arguments_are_checked(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    kit, session, _ = await login(devnet, devnet_chain)
    async with kit:
        action = transfer("alice", "bob", "0.0001 SYS")
        with pytest.raises(ConfigurationError, match="exactly one of"):
            await session.transact()
        with pytest.raises(ConfigurationError, match="exactly one of"):
            await session.transact(action=action, actions=[action])
        with pytest.raises(ConfigurationError, match="exactly one of"):
            await session.transact(action=action, request="esr:AAAA")
        with pytest.raises(InvalidValue, match="non-empty list"):
            await session.transact(actions=[])
        with pytest.raises(InvalidValue, match="True or False"):
            await session.transact(action=action, broadcast="yes")  # type: ignore[arg-type]
        with pytest.raises(InvalidValue, match="expire_seconds"):
            await session.transact(action=action, expire_seconds=0)
        with pytest.raises(InvalidValue, match="SigningRequest or an 'esr:' URI"):
            await session.transact(request=42)  # type: ignore[arg-type]


async def test_expire_seconds_sets_the_expiration(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, _ = await login(devnet, devnet_chain, expire_seconds=300)
    async with kit:
        info = await client.get_info()
        result = await session.transact(
            action=transfer("alice", "bob", "0.0001 SYS"), broadcast=False
        )
        head = info.head_block_time.microseconds // 1_000_000
        assert 295 <= result.transaction.expiration.seconds - head <= 310
        short = await session.transact(
            action=transfer("alice", "bob", "0.0001 SYS"), broadcast=False, expire_seconds=30
        )
        assert 25 <= short.transaction.expiration.seconds - head <= 40


class Recorder(TransactPlugin):
    """Records every hook call with what it was given."""

    id = "recorder"

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    @hookimpl
    async def before_sign(self, request: SigningRequest, context: TransactContext) -> None:
        self.seen.append(("before_sign", (request, context)))

    @hookimpl
    def after_sign(self, result: TransactResult, context: TransactContext) -> None:
        self.seen.append(("after_sign", result))

    @hookimpl
    async def after_broadcast(self, result: TransactResult, context: TransactContext) -> None:
        self.seen.append(("after_broadcast", result))


async def test_hooks_run_in_order_with_what_they_need(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    recorder = Recorder()
    kit, session, _ = await login(
        devnet,
        devnet_chain,
        transact_plugins=[recorder],
        transact_plugins_options={"fee": "none", "api_key": "s3cret-key"},
    )
    async with kit:
        result = await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
    assert [name for name, _ in recorder.seen] == ["before_sign", "after_sign", "after_broadcast"]
    request, context = recorder.seen[0][1]
    assert isinstance(request, SigningRequest)
    assert str(context.permission_level) == "alice@active"
    assert context.transact_plugins_options == {"fee": "none", "api_key": "s3cret-key"}
    # A context in a log line shows where and who, never the plugins' settings.
    assert "s3cret" not in repr(context)
    assert "alice@active" in repr(context)
    assert context.chain.id == devnet.chain_id
    signed = recorder.seen[1][1]
    assert signed.response is None
    assert signed.signatures == result.signatures
    broadcast = recorder.seen[2][1]
    assert broadcast.response is not None


async def test_after_sign_hooks_skip_after_broadcast_when_not_sent(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    recorder = Recorder()
    kit, session, _ = await login(devnet, devnet_chain, transact_plugins=[recorder])
    async with kit:
        await session.transact(action=transfer("alice", "bob", "0.0001 SYS"), broadcast=False)
    assert [name for name, _ in recorder.seen] == ["before_sign", "after_sign"]


async def test_per_call_transact_plugins_replace_the_sessions(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    kit_plugin, call_plugin = Recorder(), Recorder()
    kit, session, _ = await login(devnet, devnet_chain, transact_plugins=[kit_plugin])
    async with kit:
        await session.transact(
            action=transfer("alice", "bob", "0.0001 SYS"),
            broadcast=False,
            transact_plugins=[call_plugin],
        )
        assert kit_plugin.seen == []
        assert [name for name, _ in call_plugin.seen] == ["before_sign", "after_sign"]
        await session.transact(action=transfer("alice", "bob", "0.0001 SYS"), broadcast=False)
        assert [name for name, _ in kit_plugin.seen] == ["before_sign", "after_sign"]


class FailsAfterSign(TransactPlugin):
    id = "fails-after-sign"

    @hookimpl
    def after_sign(self) -> None:
        raise RuntimeError("the fee is too high")


async def test_failing_after_sign_stops_before_broadcast(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, ui = await login(devnet, devnet_chain, transact_plugins=[FailsAfterSign()])
    async with kit:
        before = await balance(client, "bob")
        with pytest.raises(PluginError) as caught:
            await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        assert caught.value.hook == "after_sign"
        assert "fails-after-sign" in str(caught.value.plugin) or "FailsAfterSign" in str(
            caught.value
        )
        assert isinstance(caught.value.__cause__, RuntimeError)
        assert ui.errors == [caught.value]
        assert "on_broadcast" not in [name for name, _ in ui.calls]
        assert await balance(client, "bob") == before


class PromptingSigner(KeyWallet):
    """Asks the person to approve each signature through the user interface."""

    id = "prompting-signer"

    async def sign(
        self, resolved: ResolvedSigningRequest, context: TransactContext
    ) -> WalletSignResponse:
        assert context.ui is not None
        await context.ui.prompt(
            PromptArgs(title="Sign the transfer?", elements=(PromptElement(type="accept"),))
        )
        return await super().sign(resolved, context)


async def test_an_approved_signature_goes_through(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    ui = RecordingUI(prompts=["accept"])
    kit, session, _ = await login(
        devnet, devnet_chain, ui=ui, wallet=PromptingSigner(devnet.accounts["alice"].private_key)
    )
    async with kit:
        result = await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
    assert result.response is not None
    assert [p.title for p in ui.called("prompt")] == ["Sign the transfer?"]


async def test_a_declined_signature_cancels_before_broadcast(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    ui = RecordingUI(prompts=["decline"])
    kit, session, _ = await login(
        devnet, devnet_chain, ui=ui, wallet=PromptingSigner(devnet.accounts["alice"].private_key)
    )
    async with kit:
        before = await balance(client, "bob")
        with pytest.raises(Cancelled) as caught:
            await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        assert not caught.value.silent
        assert ui.errors == [caught.value]
        assert "on_broadcast" not in [name for name, _ in ui.calls]
        assert await balance(client, "bob") == before


async def test_cancelling_a_waiting_transact_closes_the_prompt(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    ui = RecordingUI(prompts=["wait"])
    kit, session, _ = await login(
        devnet, devnet_chain, ui=ui, wallet=PromptingSigner(devnet.accounts["alice"].private_key)
    )
    async with kit:
        before = await balance(client, "bob")
        with anyio.move_on_after(0.5) as scope:
            await session.transact(action=transfer("alice", "bob", "0.0001 SYS"))
        assert scope.cancelled_caught
        assert ui.open_prompts == 0
        # The UI hears of the cancellation (silently) and can clear what it showed.
        (error,) = ui.errors
        assert isinstance(error, Cancelled)
        assert error.silent
        assert "on_transact_complete" not in [name for name, _ in ui.calls]
        assert await balance(client, "bob") == before


async def test_a_request_for_another_chain_is_refused(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, ui = await login(devnet, devnet_chain)
    async with kit:
        abi = await session.abi_cache.get_abi("eosio.token")
        jungle = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
        request = SigningRequest.create(
            action=transfer("alice", "bob", "0.0001 SYS"),
            chain_id=jungle,
            abis={"eosio.token": abi},
        )
        before = await balance(client, "bob")
        with pytest.raises(InvalidSigningRequest, match=f"for chain {jungle}"):
            await session.transact(request=request)
        assert "on_sign" not in [name for name, _ in ui.calls]
        assert await balance(client, "bob") == before


async def test_a_transaction_mapping_gets_its_header_from_the_chain(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    kit, session, _ = await login(devnet, devnet_chain)
    async with kit:
        bob = await balance(client, "bob")
        result = await session.transact(
            transaction={"actions": [transfer("alice", "bob", "0.0001 SYS", "mapping")]}
        )
        assert result.transaction.ref_block_num != 0
        assert await balance(client, "bob") == bob + Decimal("0.0001")


async def test_a_partial_abi_on_an_action_is_merged_into_the_cache(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    # alice has no contract: the action brings the ABI of its own data, as in WharfKit.
    note_abi = {
        "version": "eosio::abi/1.1",
        "structs": [{"name": "note", "base": "", "fields": [{"name": "text", "type": "string"}]}],
        "actions": [{"name": "note", "type": "note", "ricardian_contract": ""}],
    }
    kit, session, _ = await login(devnet, devnet_chain)
    async with kit:
        result = await session.transact(
            action={
                "account": "alice",
                "name": "note",
                "authorization": [{"actor": "alice", "permission": "active"}],
                "data": {"text": "hello"},
                "abi": note_abi,
            },
            broadcast=False,
        )
        assert result.resolved.resolved_transaction["actions"][0]["data"] == {"text": "hello"}
        assert "alice" in session.abi_cache


async def test_a_session_built_by_hand_transacts_and_closes_its_connections(
    devnet: Devnet, devnet_chain: ChainDefinition, client: APIClient
) -> None:
    from sessionkit.session import Session

    recorder = Recorder()
    async with Session(
        chain=devnet_chain,
        permission_level="alice@active",
        wallet_plugin=KeyWallet(devnet.accounts["alice"].private_key),
        transact_plugins=[recorder],
    ) as session:
        bob = await balance(client, "bob")
        result = await session.transact(action=transfer("alice", "bob", "0.0001 SYS", "hand"))
        assert result.response is not None
        assert await balance(client, "bob") == bob + Decimal("0.0001")
        http = session.client.http_client
    assert [name for name, _ in recorder.seen] == ["before_sign", "after_sign", "after_broadcast"]
    assert http.is_closed


async def test_sign_transaction_signs_exactly_what_it_is_given(
    devnet: Devnet, devnet_chain: ChainDefinition
) -> None:
    # No header and placeholders: WharfKit signs it as it is (nothing resolved), so do we.
    kit, session, _ = await login(devnet, devnet_chain)
    async with kit:
        abi = await session.abi_cache.get_abi("eosio.token")
        from sessionkit.antelope import Action

        tx = Transaction(
            expiration=TimePointSec(0),
            ref_block_num=0,
            ref_block_prefix=0,
            actions=(
                Action.from_data(
                    "eosio.token",
                    "transfer",
                    ["............1@............2"],
                    {"from": "alice", "to": "bob", "quantity": "0.0001 SYS", "memo": "raw"},
                    abi,
                ),
            ),
        )
        (signature,) = await session.sign_transaction(tx)
        assert signature.recover(tx.signing_digest(devnet.chain_id)) == (
            devnet.accounts["alice"].public_key
        )
        (again,) = await session.sign_transaction(tx.to_json())
        assert again.recover(tx.signing_digest(devnet.chain_id)) == (
            devnet.accounts["alice"].public_key
        )
