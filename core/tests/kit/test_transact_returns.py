"""Action return values, decoded through the contract's ABI, from a contract on the devnet.

The devnet ships no contract that returns a value, so this module deploys one: a WebAssembly
module assembled here byte by byte, whose ``apply`` calls ``set_action_return_value`` with an
ABI-encoded string. Its ABI declares the result type for ``hello``, none for ``plain``, and a
wrong one (``checksum256``) for ``wrongtype``, so the three outcomes of decoding are seen.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
from devnet_helpers import sign, unsigned_transaction
from sessionkit import SessionKit
from sessionkit.antelope import ABI, Action
from sessionkit.errors import AccountNotFound
from sessionkit.storage import MemoryStorage
from sessionkit.testing.doubles import KeyWallet, RecordingUI

if TYPE_CHECKING:
    from sessionkit.chain import APIClient, ChainDefinition
    from sessionkit.devnet import Devnet

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]

CONTRACT = "retvals"
RETURNED = "hello from sessionkit"


def _leb(value: int, *, signed: bool = False) -> bytes:
    """LEB128, as WebAssembly writes sizes (unsigned) and i32 constants (signed)."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        done = (value == 0 and not byte & 0x40) if signed else value == 0
        if signed and value == -1 and byte & 0x40:
            done = True
        out.append(byte if done else byte | 0x80)
        if done:
            return bytes(out)


def _vec(items: list[bytes]) -> bytes:
    return _leb(len(items)) + b"".join(items)


def _name(text: str) -> bytes:
    return _leb(len(text)) + text.encode()


def _section(section_id: int, content: bytes) -> bytes:
    return bytes([section_id]) + _leb(len(content)) + content


def return_value_wasm(value: bytes) -> bytes:
    """A contract whose every action returns ``value`` (already ABI-encoded)."""
    i64, i32, func = 0x7E, 0x7F, 0x60
    types = _vec([bytes([func, 3, i64, i64, i64, 0]), bytes([func, 2, i32, i32, 0])])
    imports = _vec([_name("env") + _name("set_action_return_value") + bytes([0x00, 1])])
    functions = _vec([bytes([0])])
    memory = _vec([bytes([0x00, 1])])
    exports = _vec([_name("apply") + bytes([0x00, 1]), _name("memory") + bytes([0x02, 0])])
    body = (
        bytes([0])  # no locals
        + bytes([0x41]) + _leb(0, signed=True)  # i32.const 0 (where the value is)
        + bytes([0x41]) + _leb(len(value), signed=True)  # i32.const len
        + bytes([0x10, 0])  # call set_action_return_value
        + bytes([0x0B])
    )  # fmt: skip
    code = _vec([_leb(len(body)) + body])
    data = _vec([bytes([0x00, 0x41, 0x00, 0x0B]) + _leb(len(value)) + value])
    return (
        b"\x00asm\x01\x00\x00\x00"
        + _section(1, types)
        + _section(2, imports)
        + _section(3, functions)
        + _section(5, memory)
        + _section(7, exports)
        + _section(10, code)
        + _section(11, data)
    )


CONTRACT_ABI: dict[str, Any] = {
    "version": "eosio::abi/1.2",
    "structs": [
        {"name": "hello", "base": "", "fields": [{"name": "memo", "type": "string"}]},
        {"name": "plain", "base": "", "fields": [{"name": "memo", "type": "string"}]},
        {"name": "wrongtype", "base": "", "fields": [{"name": "memo", "type": "string"}]},
    ],
    "actions": [
        {"name": "hello", "type": "hello", "ricardian_contract": ""},
        {"name": "plain", "type": "plain", "ricardian_contract": ""},
        {"name": "wrongtype", "type": "wrongtype", "ricardian_contract": ""},
    ],
    "action_results": [
        {"name": "hello", "result_type": "string"},
        {"name": "wrongtype", "result_type": "checksum256"},
    ],
}


@pytest.fixture
async def contract(devnet: Devnet, client: APIClient) -> str:
    """The return-value contract, deployed once per devnet (later calls find it there)."""
    try:
        await client.get_account(CONTRACT)
    except AccountNotFound:
        pass
    else:
        return CONTRACT
    bios = await client.get_abi("eosio")
    assert bios.abi is not None
    system = ABI.from_json(bios.abi)
    producer = devnet.producer_key
    authority = {
        "threshold": 1,
        "keys": [{"key": producer.public_key, "weight": 1}],
        "accounts": [],
        "waits": [],
    }

    def system_action(name: str, actor: str, data: dict[str, Any]) -> Action:
        return Action.from_data("eosio", name, [f"{actor}@active"], data, system)

    create = system_action(
        "newaccount",
        "eosio",
        {"creator": "eosio", "name": CONTRACT, "owner": authority, "active": authority},
    )
    tx = await unsigned_transaction(client, [create])
    await client.send_transaction(sign(tx, devnet.chain_id, [producer]))
    value = bytes([len(RETURNED)]) + RETURNED.encode()  # an ABI string: varuint32 length, UTF-8
    deploy = [
        system_action(
            "setcode",
            CONTRACT,
            {"account": CONTRACT, "vmtype": 0, "vmversion": 0, "code": return_value_wasm(value)},
        ),
        system_action(
            "setabi", CONTRACT, {"account": CONTRACT, "abi": ABI.from_json(CONTRACT_ABI).to_bytes()}
        ),
    ]
    tx = await unsigned_transaction(client, deploy)
    await client.send_transaction(sign(tx, devnet.chain_id, [producer]))
    return CONTRACT


def call(name: str) -> dict[str, Any]:
    return {
        "account": CONTRACT,
        "name": name,
        "authorization": [{"actor": "alice", "permission": "active"}],
        "data": {"memo": uuid.uuid4().hex},
    }


async def test_return_values_are_decoded_with_the_contract_abi(
    devnet: Devnet, devnet_chain: ChainDefinition, contract: str
) -> None:
    kit = SessionKit(
        "returns",
        [devnet_chain],
        ui=RecordingUI(),
        wallet_plugins=[KeyWallet(devnet.accounts["alice"].private_key)],
        storage=MemoryStorage(),
        discover=False,
    )
    async with kit:
        session = (await kit.login(permission_level="alice@active")).session
        result = await session.transact(actions=[call("hello"), call("plain"), call("wrongtype")])
    assert result.response is not None
    hello, plain, wrong = result.returns
    encoded = (bytes([len(RETURNED)]) + RETURNED.encode()).hex()

    assert (hello.contract, hello.action, hello.hex) == (contract, "hello", encoded)
    assert hello.data == RETURNED
    assert (hello.return_type.name, hello.return_type.result_type) == ("hello", "string")
    assert hello.error is None
    # The node decodes it with the same ABI: both agree.
    traces = {str(t.act.name): t for t in result.response.processed.action_traces}
    assert traces["hello"].return_value_data == RETURNED

    # No result type in the ABI: the raw bytes stay, data is None, and the reason is given.
    assert (plain.hex, plain.data, plain.return_type.result_type) == (encoded, None, "")
    assert plain.error is not None
    assert "declares no result type" in plain.error

    # A result type that does not fit the bytes: a decode error, reported, not raised.
    assert (wrong.data, wrong.return_type.result_type) == (None, "checksum256")
    assert wrong.error is not None
    assert "could not decode" in wrong.error


async def test_no_returns_without_broadcast(
    devnet: Devnet, devnet_chain: ChainDefinition, contract: str
) -> None:
    kit = SessionKit(
        "returns",
        [devnet_chain],
        wallet_plugins=[KeyWallet(devnet.accounts["alice"].private_key)],
        storage=MemoryStorage(),
        discover=False,
    )
    async with kit:
        session = (await kit.login(permission_level="alice@active")).session
        result = await session.transact(action=call("hello"), broadcast=False)
    assert result.returns == ()
    assert result.response is None
