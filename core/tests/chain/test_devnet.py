"""The chain client against a real Leap node (the devnet): every endpoint, real transfers,
the node's own errors, a stopped node and failover."""

from __future__ import annotations

import secrets
import socket
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import pytest
from devnet_helpers import sign, transfer_action, unsigned_transaction
from sessionkit.antelope import (
    ABI,
    Asset,
    PackedTransaction,
    PrivateKey,
    SignedTransaction,
)
from sessionkit.chain import (
    ABICache,
    APIClient,
    GetInfoResponse,
)
from sessionkit.chain._tapos import ref_block_num, ref_block_prefix
from sessionkit.errors import (
    ABINotFoundError,
    ChainAPIError,
    ChainConnectionError,
)

if TYPE_CHECKING:
    from sessionkit.devnet import Devnet, DevnetAccount

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]


def dead_url() -> str:
    """A loopback URL where nothing listens (the port was just free)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def transfer(
    client: APIClient,
    devnet: Devnet,
    abi: ABI,
    sender: DevnetAccount,
    to: str,
    quantity: str,
    memo: str | None = None,
    *,
    key: PrivateKey | None = None,
    expire_seconds: int = 60,
) -> SignedTransaction:
    """A token transfer built and signed by our own code (not yet sent).

    The memo is random unless given, so that no two tests (nor one test on both event loops,
    in the same second) build the same transaction, which the node would refuse as a duplicate.
    """
    memo = secrets.token_hex(4) if memo is None else memo
    action = transfer_action(abi, sender.permission_level, to, quantity, memo)
    transaction = await unsigned_transaction(client, [action], expire_seconds=expire_seconds)
    return sign(transaction, devnet.chain_id, [key or sender.private_key])


async def balance(client: APIClient, account: str) -> Asset:
    balances = await client.get_currency_balance("eosio.token", account, "SYS")
    return balances[0]


# -- reads ----------------------------------------------------------------------------------


async def test_get_info(client: APIClient, devnet: Devnet) -> None:
    info = await client.get_info()
    assert isinstance(info, GetInfoResponse)
    assert info.chain_id == devnet.chain_id
    assert info.head_block_num >= info.last_irreversible_block_num
    assert info.server_version_string


async def test_get_block_and_block_info(client: APIClient) -> None:
    info = await client.get_info()
    number = info.last_irreversible_block_num
    block = await client.get_block(number)
    same = await client.get_block(block.id)
    header = await client.get_block_info(number)
    assert block.block_num == same.block_num == header.block_num == number
    assert block.id == header.id == info.last_irreversible_block_id
    assert block.ref_block_prefix == ref_block_prefix(block.id)
    assert header.ref_block_num == ref_block_num(block.id)
    assert block.previous == (await client.get_block_info(number - 1)).id


async def test_unknown_block_is_a_chain_error(client: APIClient) -> None:
    with pytest.raises(ChainAPIError) as caught:
        await client.get_block_info(10**9)
    assert caught.value.name == "unknown_block_exception"


async def test_get_account(client: APIClient, devnet: Devnet) -> None:
    alice = devnet.accounts["alice"]
    account = await client.get_account("alice")
    assert account.account_name == "alice"
    active = account.permission("active")
    assert active.parent == "owner"
    assert [k.key for k in active.required_auth.keys] == [alice.public_key]
    assert account.ram_quota == -1  # no system contract on the devnet


async def test_get_account_with_several_keys(client: APIClient, devnet: Devnet) -> None:
    team = devnet.accounts["team"]
    auth = (await client.get_account("team")).permission("active").required_auth
    assert auth.threshold == team.threshold
    assert {k.key for k in auth.keys} == set(team.public_keys)


async def test_unknown_account_is_a_chain_error(client: APIClient) -> None:
    with pytest.raises(ChainAPIError) as caught:
        await client.get_account("nosuchacct")
    assert caught.value.status == 400
    assert caught.value.name == "account_query_exception"


async def test_get_accounts_by_authorizers(client: APIClient, devnet: Devnet) -> None:
    alice = devnet.accounts["alice"]
    with anyio.fail_after(10):  # the node indexes authorizers as blocks are applied
        while not (  # noqa: ASYNC110 - polling a remote node
            found := await client.get_accounts_by_authorizers(keys=[alice.public_key])
        ).accounts:
            await anyio.sleep(0.25)
    pairs = {(str(a.account_name), str(a.permission_name)) for a in found.accounts}
    assert pairs == {("alice", "active"), ("alice", "owner")}
    assert all(a.authorizing_key == alice.public_key for a in found.accounts)


async def test_get_abi_and_get_raw_abi_agree(client: APIClient) -> None:
    decoded = await client.get_abi("eosio.token")
    raw = await client.get_raw_abi("eosio.token")
    assert decoded.abi is not None
    assert decoded.abi.action_type("transfer") == "transfer"
    assert ABI.from_bytes(raw.abi).to_json() == decoded.abi.to_json()
    assert raw.account_name == "eosio.token"


async def test_account_without_contract_has_no_abi(client: APIClient) -> None:
    assert (await client.get_abi("alice")).abi is None
    assert (await client.get_raw_abi("alice")).abi == b""


async def test_get_table_rows(client: APIClient) -> None:
    accounts = await client.get_table_rows("eosio.token", "accounts", "bob")
    assert [Asset.from_string(r["balance"]).symbol for r in accounts.rows] == [
        (await balance(client, "bob")).symbol
    ]
    stat = await client.get_table_rows("eosio.token", "stat", "SYS", limit=1)
    assert stat.rows[0]["issuer"] == "eosio"
    assert stat.more is False


async def test_get_currency_balance(client: APIClient, devnet: Devnet) -> None:
    balances = await client.get_currency_balance("eosio.token", "carol")
    assert len(balances) == 1
    assert balances[0].symbol == devnet.token_symbol
    assert await client.get_currency_balance("eosio.token", "carol", "NOPE") == []


async def test_get_required_keys(client: APIClient, devnet: Devnet, token_abi: ABI) -> None:
    alice, bob = devnet.accounts["alice"], devnet.accounts["bob"]
    signed = await transfer(client, devnet, token_abi, alice, "bob", "0.0001 SYS")
    keys = await client.get_required_keys(signed.transaction, [bob.public_key, alice.public_key])
    assert keys == [alice.public_key]


# -- transactions ---------------------------------------------------------------------------


async def test_transfer_changes_balances(client: APIClient, devnet: Devnet, token_abi: ABI) -> None:
    before_from, before_to = await balance(client, "alice"), await balance(client, "bob")
    signed = await transfer(
        client, devnet, token_abi, devnet.accounts["alice"], "bob", "1.2345 SYS"
    )
    result = await client.send_transaction(signed)
    assert result.transaction_id == signed.id
    assert result.processed.receipt is not None
    assert result.processed.receipt.status == "executed"
    assert result.processed.action_traces[0].act.name == "transfer"
    moved = Decimal("1.2345")
    assert (await balance(client, "alice")).amount == before_from.amount - moved
    assert (await balance(client, "bob")).amount == before_to.amount + moved
    status = await client.get_transaction_status(signed.id)
    assert status.state in {"LOCALLY_APPLIED", "IN_BLOCK", "IRREVERSIBLE"}
    assert status.expiration == signed.transaction.expiration


async def test_block_with_a_transaction(client: APIClient, devnet: Devnet, token_abi: ABI) -> None:
    signed = await transfer(
        client, devnet, token_abi, devnet.accounts["bob"], "carol", "0.0100 SYS"
    )
    included = (await client.send_transaction(signed)).processed.block_num
    with anyio.fail_after(10):
        while (await client.get_info()).head_block_num <= included:  # noqa: ASYNC110 - remote node
            await anyio.sleep(0.1)
    block = await client.get_block(included)
    receipt = next(t for t in block.transactions if t.transaction_id == signed.id)
    assert receipt.status == "executed"
    packed = receipt.packed()
    assert packed is not None
    assert packed.unpack().id == signed.id


async def test_push_transaction_and_send_transaction2(
    client: APIClient, devnet: Devnet, token_abi: ABI
) -> None:
    carol = devnet.accounts["carol"]
    first = await transfer(
        client, devnet, token_abi, carol, "dave", "0.0001 SYS", f"push {secrets.token_hex(4)}"
    )
    pushed = await client.push_transaction(PackedTransaction.from_signed(first))
    assert pushed.transaction_id == first.id
    second = await transfer(
        client, devnet, token_abi, carol, "dave", "0.0001 SYS", f"send2 {secrets.token_hex(4)}"
    )
    sent = await client.send_transaction2(second)
    assert sent.transaction_id == second.id
    assert sent.processed.error is None


async def test_send_transaction2_returns_failure_traces(
    client: APIClient, devnet: Devnet, token_abi: ABI
) -> None:
    dave = devnet.accounts["dave"]
    signed = await transfer(client, devnet, token_abi, dave, "alice", "999999999.0000 SYS")
    result = await client.send_transaction2(signed, return_failure_trace=True)
    assert result.processed.error is not None
    assert "overdrawn balance" in str(result.processed.error)


async def test_compute_transaction_changes_nothing(
    client: APIClient, devnet: Devnet, token_abi: ABI
) -> None:
    before = await balance(client, "erin")
    signed = await transfer(client, devnet, token_abi, devnet.accounts["erin"], "bob", "5.0000 SYS")
    result = await client.compute_transaction(signed)
    assert result.processed.action_traces[0].receiver == "eosio.token"
    assert await balance(client, "erin") == before


async def test_send_read_only_transaction_refuses_writes(
    client: APIClient, devnet: Devnet, token_abi: ABI
) -> None:
    signed = await transfer(client, devnet, token_abi, devnet.accounts["erin"], "bob", "1.0000 SYS")
    before = await balance(client, "erin")
    result = await client.send_read_only_transaction(signed)
    assert result.processed.error is not None
    assert await balance(client, "erin") == before


async def test_wrong_key_is_unsatisfied_authorization(
    client: APIClient, devnet: Devnet, token_abi: ABI
) -> None:
    alice, bob = devnet.accounts["alice"], devnet.accounts["bob"]
    signed = await transfer(
        client, devnet, token_abi, alice, "bob", "0.0001 SYS", key=bob.private_key
    )
    with pytest.raises(ChainAPIError) as caught:
        await client.send_transaction(signed)
    assert caught.value.name == "unsatisfied_authorization"
    assert caught.value.status == 500


async def test_duplicate_is_tx_duplicate(client: APIClient, devnet: Devnet, token_abi: ABI) -> None:
    signed = await transfer(
        client, devnet, token_abi, devnet.accounts["bob"], "alice", "0.0001 SYS"
    )
    await client.send_transaction(signed)
    with pytest.raises(ChainAPIError) as caught:
        await client.send_transaction(signed)
    assert caught.value.name == "tx_duplicate"
    assert caught.value.status == 409


async def test_expired_is_expired_tx_exception(
    client: APIClient, devnet: Devnet, token_abi: ABI
) -> None:
    bob = devnet.accounts["bob"]
    signed = await transfer(
        client, devnet, token_abi, bob, "alice", "0.0001 SYS", expire_seconds=-60
    )
    with pytest.raises(ChainAPIError) as caught:
        await client.send_transaction(signed)
    assert caught.value.name == "expired_tx_exception"


async def test_overdraw_exposes_overdrawn_balance(
    client: APIClient, devnet: Devnet, token_abi: ABI
) -> None:
    dave = devnet.accounts["dave"]
    signed = await transfer(client, devnet, token_abi, dave, "alice", "999999999.0000 SYS")
    with pytest.raises(ChainAPIError) as caught:
        await client.send_transaction(signed)
    error = caught.value
    assert str(error) == "assertion failure with message: overdrawn balance"
    assert error.name == "eosio_assert_message_exception"
    assert error.code == 3050003


# -- the ABI cache on a real node -------------------------------------------------------------


class CountingTransport(httpx.AsyncBaseTransport):
    """The real network, counting requests per path."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_abi_cache_fetches_once_for_concurrent_callers(devnet: Devnet) -> None:
    counting = CountingTransport()
    async with APIClient(devnet.url, transport=counting) as client:
        cache = ABICache(client)
        results: list[Any] = []

        async def get() -> None:
            results.append(await cache.get_abi("eosio.token"))

        async with anyio.create_task_group() as tasks:
            for _ in range(10):
                tasks.start_soon(get)
        await cache.get_abi("eosio.token")
    assert counting.paths == ["/v1/chain/get_raw_abi"]
    assert all(r is results[0] for r in results)
    assert results[0].action_type("transfer") == "transfer"


@pytest.mark.parametrize("account", ["alice", "nosuchacct"])
async def test_abi_cache_without_abi(client: APIClient, account: str) -> None:
    cache = ABICache(client)
    with pytest.raises(ABINotFoundError, match=f"ABI for {account} could not be loaded"):
        await cache.get_abi(account)
    assert account not in cache


# -- a node that is not there -----------------------------------------------------------------


async def test_dead_port_is_a_connection_error() -> None:
    async with APIClient(dead_url(), timeout=5.0) as client:
        with pytest.raises(ChainConnectionError):
            await client.get_info()


async def test_reads_and_unsent_broadcasts_fail_over_from_a_dead_port(
    devnet: Devnet, token_abi: ABI
) -> None:
    async with APIClient([dead_url(), devnet.url], timeout=5.0) as client:
        assert (await client.get_info()).chain_id == devnet.chain_id
    async with APIClient([dead_url(), devnet.url], timeout=5.0) as client:
        signed = await transfer(
            client, devnet, token_abi, devnet.accounts["carol"], "bob", "0.0002 SYS"
        )
    async with APIClient([dead_url(), devnet.url], timeout=5.0) as client:
        result = await client.send_transaction(signed)
    assert result.transaction_id == signed.id


@pytest.mark.slow
async def test_a_stopped_node_fails_over_to_a_running_one(devnet: Devnet) -> None:
    from sessionkit.devnet import Devnet

    second = Devnet(progress=None)
    await second.astart()
    second_url = second.url
    try:
        async with APIClient([second_url, devnet.url], timeout=5.0) as both:
            assert (await both.get_info()).chain_id == second.chain_id
            async with APIClient(second.url, timeout=5.0) as only:
                await only.get_info()
                await second.astop()
                with pytest.raises(ChainConnectionError):
                    await only.get_info()
            info = await both.get_info()
            assert info.head_block_num > 0
            assert both.urls == (second_url, devnet.url)
    finally:
        await second.astop()


@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_reads_and_cache_under_trio(devnet: Devnet) -> None:
    async with APIClient(devnet.url) as client:
        assert (await client.get_info()).chain_id == devnet.chain_id
        abi = await ABICache(client).get_abi("eosio.token")
        assert abi.action_type("transfer") == "transfer"
