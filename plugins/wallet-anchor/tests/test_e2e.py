"""Anchor end to end on the devnet: a real local relay, a simulated Anchor, the real kit.

Every misbehaviour of the wallet or the relay must give its typed error within its timeout and
leave no socket on the relay, no task and no prompt behind.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
import uuid
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import pytest
from sessionkit import MemoryStorage, SessionKit
from sessionkit.chain import APIClient, ChainDefinition
from sessionkit.errors import (
    Cancelled,
    IdentityProofError,
    InvalidPluginSignature,
    ModificationNotAllowed,
    RelayError,
    WaitTimeout,
    WalletRejected,
    WalletResponseError,
)
from sessionkit.esr import SigningRequest
from sessionkit.testing import RecordingUI
from sessionkit_wallet_anchor import AnchorWallet, RelayMessageTooLarge, buoy
from sessionkit_wallet_anchor.testing import AnchorUser, LocalRelay, SimulatedAnchor

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from sessionkit import Session
    from sessionkit.ui import PromptArgs

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]


@pytest.fixture(scope="module")
def relay() -> Iterator[LocalRelay]:
    """A relay in its own thread (so the task counts below are the test's own)."""
    with LocalRelay() as running:
        yield running


@pytest.fixture
async def anchor(devnet: Any, relay: LocalRelay) -> AsyncIterator[SimulatedAnchor]:
    async with SimulatedAnchor(
        relay_url=relay.url,
        node_url=devnet.url,
        key=devnet.accounts["alice"].private_key,
        cosigner=("bob@active", devnet.accounts["bob"].private_key),
    ) as simulated:
        yield simulated


def _chain(devnet: Any) -> ChainDefinition:
    return ChainDefinition(devnet.chain_id, devnet.url, name="devnet")


def _kit(devnet: Any, relay: LocalRelay, ui: Any, **wallet_options: Any) -> SessionKit:
    wallet_options.setdefault("login_timeout", 20)
    return SessionKit(
        "anchortest",
        [_chain(devnet)],
        ui=ui,
        wallet_plugins=[AnchorWallet(buoy_url=relay.url, **wallet_options)],
        storage=MemoryStorage(),
        discover=False,
    )


def _transfer(memo: str, quantity: str = "0.0001 SYS") -> dict[str, Any]:
    """A transfer from alice to bob; the memo gets a unique suffix, since the same transfer
    sent twice in one block (the asyncio and the trio run) is a duplicate."""
    memo = f"{memo} {uuid.uuid4().hex[:10]}"
    return {
        "account": "eosio.token",
        "name": "transfer",
        "authorization": [{"actor": "alice", "permission": "active"}],
        "data": {"from": "alice", "to": "bob", "quantity": quantity, "memo": memo},
    }


async def _balance(devnet: Any, account: str) -> int:
    async with APIClient(devnet.url) as client:
        return (await client.get_currency_balance("eosio.token", account, "SYS"))[0].units


async def _nothing_left(relay: LocalRelay, anchor: SimulatedAnchor, ui: RecordingUI) -> None:
    """Only the simulated Anchor's own channel stays open on the relay; no prompt is shown."""
    # The simulated Anchor reconnects after each request it handled: wait for it.
    await relay.wait_for_listeners(1, anchor.channel)
    await relay.wait_for_listeners(1)
    assert ui.open_prompts == 0


async def _login(kit: SessionKit, devnet: Any) -> Session:
    return (await kit.login(chain=devnet.chain_id)).session


# -- login ---------------------------------------------------------------------------------------


async def test_login_shows_the_request_and_keeps_the_wallets_channel(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ui = anchor.user()
    async with _kit(devnet, relay, ui) as kit:
        result = await kit.login(chain=devnet.chain_id)
    (prompt,) = ui.called("prompt")
    kinds = [e.type for e in prompt.elements]
    assert kinds == ["qr", "link", "countdown"]
    assert prompt.title == "Connect with Anchor"
    qr, link, countdown = prompt.elements
    assert qr.data.startswith("esr:")
    assert not qr.data.startswith("esr://")
    sent = SigningRequest.from_uri(qr.data)
    same_device = SigningRequest.from_uri(link.data["href"])
    assert sent.is_identity
    assert sent.callback.startswith(relay.url + "/")
    assert same_device.get_raw_info_key("same_device") == b"\x01"
    assert countdown.data["end"].endswith("Z")
    proof = result.response.identity_proof
    assert proof is not None
    assert str(proof.signer) == "alice@active"
    assert proof.chain_id == devnet.chain_id
    assert str(proof.recover()) == str(devnet.accounts["alice"].public_key)
    wallet = result.session.wallet_plugin
    assert isinstance(wallet, AnchorWallet)
    assert wallet.data["channelUrl"] == anchor.channel
    assert wallet.data["channelName"] == "Simulated Anchor"
    serialized = json.dumps(result.session.serialize())
    assert "PVT_" not in serialized
    assert "PVT_" not in repr(wallet)
    assert "PVT_" not in caplog.text
    assert ui.open_prompts == 0
    await relay.wait_for_listeners(0, sent.callback)


async def test_login_over_several_chains_asks_with_a_multi_chain_request(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    ui = anchor.user()
    other = ChainDefinition("ab" * 32, devnet.url, name="elsewhere")
    async with SessionKit(
        "anchortest",
        [other, _chain(devnet)],
        ui=ui,
        wallet_plugins=[AnchorWallet(buoy_url=relay.url, login_timeout=20)],
        storage=MemoryStorage(),
        discover=False,
    ) as kit:
        result = await kit.login()
    assert result.session.chain.id == devnet.chain_id
    (request,) = anchor.requests
    assert request.is_multi_chain
    assert request.chain_ids == [other.id, devnet.chain_id]


async def test_verify_identity_accepts_a_true_proof_and_refuses_a_foreign_key(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    ui = anchor.user()
    async with _kit(devnet, relay, ui, verify_identity=True) as kit:
        assert (await _login(kit, devnet)).actor == "alice"
        anchor.behaviour = "bad_signature"
        with anyio.fail_after(20), pytest.raises(IdentityProofError) as refused:
            await _login(kit, devnet)
        assert refused.value.reason == "wrong_key"
        assert await kit.get_sessions() != []
    await _nothing_left(relay, anchor, ui)


@pytest.mark.parametrize(
    ("behaviour", "error", "words"),
    [
        ("reject", WalletRejected, "cancelled from Anchor"),
        ("wrong_chain", WalletResponseError, "asked for"),
        ("other_request", WalletResponseError, "another login request"),
        ("garbled_signature", WalletResponseError, "proof does not hold"),
    ],
)
async def test_a_misbehaving_wallet_fails_the_login_with_a_typed_error(
    devnet: Any,
    relay: LocalRelay,
    anchor: SimulatedAnchor,
    behaviour: Any,
    error: type[Exception],
    words: str,
) -> None:
    anchor.behaviour = behaviour
    ui = anchor.user()
    before = len(anyio.get_running_tasks())
    async with _kit(devnet, relay, ui) as kit:
        with anyio.fail_after(20), pytest.raises(error, match=words):
            await _login(kit, devnet)
        assert await kit.get_sessions() == []
    await _nothing_left(relay, anchor, ui)
    assert len(anyio.get_running_tasks()) <= before


async def test_a_silent_wallet_times_the_login_out(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    anchor.behaviour = "silent"
    ui = anchor.user()
    async with _kit(devnet, relay, ui, login_timeout=1) as kit:
        with anyio.fail_after(5), pytest.raises(WaitTimeout) as timed_out:
            await _login(kit, devnet)
    assert timed_out.value.seconds == 1
    await _nothing_left(relay, anchor, ui)


async def test_declining_or_cancelling_the_login_closes_everything(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    ui = RecordingUI(wallet="anchor", prompts=["decline"])
    async with _kit(devnet, relay, ui) as kit:
        with anyio.fail_after(5), pytest.raises(Cancelled):
            await _login(kit, devnet)
        await _nothing_left(relay, anchor, ui)
        waiting = RecordingUI(wallet="anchor", prompts=["wait"])
        async with _kit(devnet, relay, waiting) as quiet:
            before = len(anyio.get_running_tasks())
            with anyio.move_on_after(0.5) as scope:
                await _login(quiet, devnet)
            assert scope.cancelled_caught
            await _nothing_left(relay, anchor, waiting)
            assert len(anyio.get_running_tasks()) <= before


async def test_a_failing_relay_fails_the_login_with_a_typed_error(
    devnet: Any, anchor: SimulatedAnchor
) -> None:
    async with LocalRelay() as broken:
        broken.faults.reject_status = 404
        ui = anchor.user()
        async with _kit(devnet, broken, ui) as kit:
            with anyio.fail_after(10), pytest.raises(RelayError) as failed:
                await _login(kit, devnet)
    assert failed.value.status == 404
    assert ui.open_prompts == 0


# -- transact ------------------------------------------------------------------------------------


async def test_a_transfer_goes_over_the_sealed_channel_and_changes_balances(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    ui = anchor.user()
    async with _kit(devnet, relay, ui) as kit:
        session = await _login(kit, devnet)
        before = await _balance(devnet, "bob")
        result = await session.transact(action=_transfer("over the channel"))
    assert result.response is not None
    assert await _balance(devnet, "bob") == before + 1
    sealed = anchor.requests[-1]
    # Reference 8.12: version 2, background only, one info key "link" = the expiration.
    assert sealed.version == 2
    assert sealed.flags == 2
    assert list(sealed.raw_info) == ["link"]
    assert sealed.get_raw_info_key("link") == result.transaction.expiration.to_abi()
    prompt = ui.called("prompt")[-1]
    assert prompt.title == "Complete using Anchor"
    assert "Simulated Anchor" in (prompt.body or "")
    assert [e.type for e in prompt.elements] == ["countdown", "button"]
    await _nothing_left(relay, anchor, ui)


async def test_sign_manually_shows_the_request_as_a_qr_code(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    async def press_sign_manually(args: PromptArgs) -> None:
        (button,) = [e for e in args.elements if e.type == "button"]
        anchor.behaviour = "sign"
        button.data["on_click"]()
        await anyio.sleep_forever()

    ui = anchor.user()
    async with _kit(devnet, relay, ui) as kit:
        session = await _login(kit, devnet)
        anchor.behaviour = "silent"  # the sealed request is ignored: the person scans instead
        ui.script = [press_sign_manually]
        result = await session.transact(action=_transfer("signed manually"), broadcast=False)
    assert result.signatures
    first, manual = ui.called("prompt")[-2:]
    assert first.title == "Complete using Anchor"
    assert manual.title == "Sign manually"
    assert [e.type for e in manual.elements] == ["qr", "link", "countdown"]
    await _nothing_left(relay, anchor, ui)


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        ("reject", WalletRejected),
        ("wrong_chain", WalletResponseError),
        ("other_request", WalletResponseError),
        ("garbled_signature", WalletResponseError),
        ("bad_signature", InvalidPluginSignature),
    ],
)
async def test_a_misbehaving_wallet_fails_the_transaction_with_a_typed_error(
    devnet: Any,
    relay: LocalRelay,
    anchor: SimulatedAnchor,
    behaviour: Any,
    error: type[Exception],
) -> None:
    ui = anchor.user()
    async with _kit(devnet, relay, ui) as kit:
        session = await _login(kit, devnet)
        anchor.behaviour = behaviour
        before = len(anyio.get_running_tasks())
        with anyio.fail_after(20), pytest.raises(error):
            await session.transact(action=_transfer(f"misbehaving: {behaviour}"))
    await _nothing_left(relay, anchor, ui)
    assert len(anyio.get_running_tasks()) <= before


async def test_a_silent_wallet_lets_the_transaction_expire(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    ui = anchor.user()
    async with _kit(devnet, relay, ui) as kit:
        session = await _login(kit, devnet)
        anchor.behaviour = "silent"
        with anyio.fail_after(10), pytest.raises(WaitTimeout, match="expired"):
            await session.transact(action=_transfer("nobody answers"), expire_seconds=2)
    await _nothing_left(relay, anchor, ui)


async def test_a_cosigned_change_is_adopted_only_when_allowed(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    ui = anchor.user()
    async with _kit(devnet, relay, ui) as kit:
        session = await _login(kit, devnet)
        anchor.behaviour = "cosign"
        with anyio.fail_after(20), pytest.raises(ModificationNotAllowed):
            await session.transact(action=_transfer("not allowed"), allow_modify=False)
        result = await session.transact(action=_transfer("cosigned"))
    assert result.response is not None
    actions = result.transaction.actions
    assert [str(a.authorization[0].actor) for a in actions] == ["bob", "alice"]
    assert len(result.signatures) == 2
    assert result.revisions[-1].code == "anchor"
    assert result.revisions[-1].modified


async def test_a_failing_relay_and_a_cancelled_transaction_leave_nothing_open(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    ui = anchor.user()
    async with _kit(devnet, relay, ui) as kit:
        session = await _login(kit, devnet)
        relay.faults.post_status = 503
        try:
            with anyio.fail_after(10), pytest.raises(RelayError) as failed:
                await session.transact(action=_transfer("relay down"))
        finally:
            relay.faults.post_status = None
        assert failed.value.status == 503
        await _nothing_left(relay, anchor, ui)
        anchor.behaviour = "silent"
        before = len(anyio.get_running_tasks())
        with anyio.move_on_after(0.5) as scope:
            await session.transact(action=_transfer("cancelled"))
        assert scope.cancelled_caught
    await _nothing_left(relay, anchor, ui)
    assert len(anyio.get_running_tasks()) <= before


# -- persistence ---------------------------------------------------------------------------------

RESTORE_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import anyio
    from sessionkit import MemoryStorage, SessionKit
    from sessionkit.chain import ChainDefinition
    from sessionkit.testing import RecordingUI
    from sessionkit_wallet_anchor import AnchorWallet

    async def main():
        given = json.loads(sys.stdin.read())
        ui = RecordingUI()  # shows the prompt and waits: Anchor answers over its channel
        async with SessionKit(
            "anchortest",
            [ChainDefinition(given["chain"], given["url"])],
            ui=ui,
            wallet_plugins=[AnchorWallet(buoy_url=given["relay"])],
            storage=MemoryStorage(),
            discover=False,
        ) as kit:
            session = await kit.restore(given["session"])
            with anyio.fail_after(30):
                result = await session.transact(action=given["action"])
            titles = [args.title for args in ui.called("prompt")]
            print(json.dumps({"tx": str(result.transaction_id), "prompts": titles}))

    anyio.run(main)
    """
)


def _restore_elsewhere(devnet: Any, relay: LocalRelay, session: dict[str, Any]) -> dict[str, Any]:
    given = {
        "chain": str(devnet.chain_id),
        "url": devnet.url,
        "relay": relay.url,
        "session": session,
        "action": _transfer("from another process"),
    }
    done = subprocess.run(
        [sys.executable, "-c", RESTORE_SCRIPT],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


async def test_a_session_restored_in_another_process_transacts_over_its_channel(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    ui = anchor.user()
    async with _kit(devnet, relay, ui, store_request_key=True) as kit:
        session = await _login(kit, devnet)
    serialized = session.serialize()
    data = serialized["walletPlugin"]["data"]
    assert set(data) == {"requestKey", "privateKey", "signerKey", "channelUrl", "channelName"}
    assert data["privateKey"].startswith("PVT_K1_")
    before = await _balance(devnet, "bob")
    asked = len(anchor.requests)
    answer = await anyio.to_thread.run_sync(_restore_elsewhere, devnet, relay, serialized)
    assert answer["prompts"] == ["Complete using Anchor"]
    assert len(anchor.requests) == asked + 1
    assert not anchor.requests[-1].is_identity
    assert await _balance(devnet, "bob") == before + 1


async def test_a_session_stored_by_wharfkit_restores_and_transacts(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    """The walletPlugin data as WharfKit writes it, built by hand from a fresh channel."""
    ui = anchor.user()
    async with _kit(devnet, relay, ui, store_request_key=True) as kit:
        logged_in = await _login(kit, devnet)
        data = logged_in.serialize()["walletPlugin"]["data"]
        wharfkit = {
            "chain": str(devnet.chain_id),
            "actor": "alice",
            "permission": "active",
            "walletPlugin": {
                "id": "anchor",
                "data": {
                    "requestKey": data["requestKey"],
                    "privateKey": data["privateKey"],
                    "signerKey": data["signerKey"],
                    "channelUrl": data["channelUrl"],
                    "channelName": data["channelName"],
                    "sameDevice": False,
                },
            },
        }
    async with _kit(devnet, relay, ui) as fresh:
        restored = await fresh.restore(wharfkit)
        assert restored is not None
        result = await restored.transact(action=_transfer("wharfkit session"), broadcast=False)
        assert result.signatures
        assert restored.serialize()["walletPlugin"] == wharfkit["walletPlugin"]
        prompt = ui.called("prompt")[-1]
        assert prompt.title == "Complete using Anchor"


async def test_a_restored_session_without_its_key_falls_back_to_a_qr_code(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor
) -> None:
    ui = anchor.user()
    async with _kit(devnet, relay, ui) as kit:
        serialized = (await _login(kit, devnet)).serialize()
        assert "privateKey" not in serialized["walletPlugin"]["data"]
        restored = await kit.restore(serialized)
        assert restored is not None
        result = await restored.transact(action=_transfer("by qr"), broadcast=False)
    assert result.signatures
    prompt = ui.called("prompt")[-1]
    assert prompt.title == "Sign manually"
    assert prompt.elements[0].type == "qr"


async def test_stored_data_that_is_not_an_anchor_channel_is_refused(
    devnet: Any, relay: LocalRelay
) -> None:
    from sessionkit.errors import ConfigurationError

    wallet = AnchorWallet(buoy_url=relay.url)
    for bad in (
        {"channelUrl": "https://cb.anchor.link/short", "signerKey": "x", "channelName": "n"},
        {"privateKey": "PVT_K1_nonsense"},
        {
            "requestKey": str(AnchorUser.__name__),
            "privateKey": str(devnet.accounts["bob"].private_key),
        },
    ):
        with pytest.raises(ConfigurationError) as refused:
            wallet.restore(bad)
        assert "PVT_" not in str(refused.value)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"not json at all", WalletResponseError),
        (b"[1, 2, 3]", WalletResponseError),
        (b'{"sa": "alice", "sp": "active", "cid": "00"}', WalletResponseError),
        (b"x" * 5000, RelayMessageTooLarge),
    ],
)
async def test_garbage_on_the_callback_channel_is_a_typed_error(
    devnet: Any, relay: LocalRelay, anchor: SimulatedAnchor, answer: bytes, error: type[Exception]
) -> None:
    async def forge(args: PromptArgs) -> None:
        (qr,) = [e for e in args.elements if e.type == "qr"]
        async with httpx.AsyncClient() as http:
            await buoy.send(http, SigningRequest.from_uri(qr.data).callback, answer)
        await anyio.sleep_forever()

    ui = AnchorUser(anchor, prompts=[forge])
    async with _kit(devnet, relay, ui, max_message_size=1000) as kit:
        with anyio.fail_after(10), pytest.raises(error):
            await _login(kit, devnet)
    await _nothing_left(relay, anchor, ui)


async def test_a_same_device_anchor_gets_the_same_device_request(
    devnet: Any, relay: LocalRelay
) -> None:
    async with SimulatedAnchor(
        relay_url=relay.url,
        node_url=devnet.url,
        key=devnet.accounts["alice"].private_key,
        link_meta=json.dumps({"sameDevice": True, "launchUrl": "anchor://link"}),
    ) as anchor:
        ui = anchor.user()
        async with _kit(devnet, relay, ui) as kit:
            session = await _login(kit, devnet)
            wallet = session.wallet_plugin
            assert isinstance(wallet, AnchorWallet)
            assert wallet.data["sameDevice"] is True
            assert wallet.data["launchUrl"] == "anchor://link"
            result = await session.transact(action=_transfer("same device"), broadcast=False)
        assert result.signatures
        assert anchor.requests[-1].get_raw_info_key("same_device") == b"\x01"
        prompt = ui.called("prompt")[-1]
        links = [e.data["href"] for e in prompt.elements if e.type == "link"]
        assert links == ["anchor://link"]
