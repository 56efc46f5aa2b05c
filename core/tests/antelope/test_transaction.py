"""Transaction construction and validation, zlib limits, and property tests for the decoders."""

from __future__ import annotations

import re
import zlib
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sessionkit.antelope._bytes import Bytes
from sessionkit.antelope._name import Name
from sessionkit.antelope._permission import PermissionLevel
from sessionkit.antelope._time import TimePointSec
from sessionkit.antelope._transaction import (
    MAX_UNPACKED_SIZE,
    Action,
    CompressionType,
    PackedTransaction,
    SignedTransaction,
    Transaction,
    TransactionExtension,
)
from sessionkit.errors import DecodeError, InvalidName, InvalidTransaction

if TYPE_CHECKING:
    from collections.abc import Callable

uint64s = st.integers(min_value=0, max_value=2**64 - 1)
uint32s = st.integers(min_value=0, max_value=2**32 - 1)
levels = st.builds(PermissionLevel, st.builds(Name, uint64s), st.builds(Name, uint64s))
actions = st.builds(
    Action,
    st.builds(Name, uint64s),
    st.builds(Name, uint64s),
    st.lists(levels, max_size=3),
    st.binary(max_size=40),
)
transactions = st.builds(
    Transaction,
    st.builds(TimePointSec, uint32s),
    st.integers(min_value=0, max_value=0xFFFF),
    uint32s,
    uint32s,
    st.integers(min_value=0, max_value=0xFF),
    uint32s,
    st.lists(actions, max_size=2),
    st.lists(actions, max_size=3),
    st.lists(
        st.builds(
            TransactionExtension, st.integers(min_value=0, max_value=0xFFFF), st.binary(max_size=9)
        ),
        max_size=2,
    ),
)

TRANSFER = Action(
    Name("eosio.token"),
    Name("transfer"),
    [PermissionLevel("alice", "active")],
    bytes.fromhex("0000000000855c340000000000000e3d102700000000000004454f530000000000"),
)


def header(**overrides: object) -> Transaction:
    fields: dict[str, object] = {
        "expiration": TimePointSec.from_string("2024-01-27T08:00:44"),
        "ref_block_num": 1,
        "ref_block_prefix": 2,
        "actions": [TRANSFER],
    }
    fields.update(overrides)
    return Transaction(**fields)  # type: ignore[arg-type]


def test_constructors_take_their_annotated_types() -> None:
    action = Action(
        Name("eosio.token"), Name("transfer"), [PermissionLevel("alice", "active")], b"\x00\xff"
    )
    assert type(action.data) is Bytes
    assert action.data == b"\x00\xff"
    assert action.to_json()["data"] == "00ff"
    transaction = header(actions=[action])
    assert transaction.actions == (action,)


@pytest.mark.parametrize(
    ("build", "field", "factory"),
    [
        (
            lambda: Action("eosio.token", Name("transfer"), [], b""),
            "Action.account",
            "Action.from_json",
        ),  # type: ignore[arg-type]
        (
            lambda: Action(Name("a"), Name("b"), ["alice@active"], b""),
            "Action.authorization",
            "Action.from_data",
        ),  # type: ignore[list-item]
        (lambda: Action(Name("a"), Name("b"), [], "00ff"), "Action.data", "Action.from_json"),  # type: ignore[arg-type]
        (
            lambda: header(expiration=1706342444),
            "Transaction.expiration",
            "TimePointSec.from_string",
        ),
        (
            lambda: header(expiration="2024-01-27T08:00:44"),
            "Transaction.expiration",
            "Transaction.from_json",
        ),
        (
            lambda: header(actions=[TRANSFER.to_json()]),
            "Transaction.actions",
            "Transaction.from_json",
        ),
        (
            lambda: TransactionExtension(1, "00"),
            "TransactionExtension.data",
            "TransactionExtension.from_json",
        ),  # type: ignore[arg-type]
        (
            lambda: SignedTransaction(header(), ["SIG_K1_x"]),
            "SignedTransaction.signatures",
            "SignedTransaction.from_json",
        ),  # type: ignore[list-item]
        (
            lambda: SignedTransaction(header(), [], ["00"]),
            "SignedTransaction.context_free_data",
            "SignedTransaction.from_json",
        ),  # type: ignore[list-item]
        (
            lambda: PackedTransaction([], CompressionType.NONE, b"", "00"),
            "PackedTransaction.packed_trx",
            "PackedTransaction.from_json",
        ),  # type: ignore[arg-type]
    ],
)
def test_loose_input_to_a_constructor_names_the_factory(
    build: Callable[[], object], field: str, factory: str
) -> None:
    with pytest.raises(InvalidTransaction, match=re.escape(field)) as caught:
        build()
    assert factory in str(caught.value)


def test_the_factories_parse_loose_input() -> None:
    action = Action.from_json(
        {
            "account": "eosio.token",
            "name": "transfer",
            "authorization": ["alice@active"],
            "data": "00ff",
        }
    )
    assert action == Action(
        Name("eosio.token"), Name("transfer"), [PermissionLevel("alice", "active")], Bytes("00ff")
    )
    assert Transaction.from_json({**header().to_json(), "expiration": 1706342444}) == header()


@pytest.mark.parametrize(
    "overrides",
    [
        {"ref_block_num": 0x10000},
        {"ref_block_prefix": -1},
        {"max_cpu_usage_ms": 256},
        {"delay_sec": 2**32},
        {"max_net_usage_words": True},
        {"actions": "not a list"},
        {"transaction_extensions": [{"type": 70000, "data": ""}]},
        {"transaction_extensions": [TransactionExtension(1, Bytes(b""))] * 1 + ["x"]},
    ],
)
def test_bad_header_fields_raise(overrides: dict[str, object]) -> None:
    with pytest.raises(InvalidTransaction):
        header(**overrides)


def test_bad_action_fields_raise() -> None:
    json = {"account": "Alice", "name": "transfer", "authorization": [], "data": ""}
    with pytest.raises(InvalidName):
        Action.from_json(json)
    with pytest.raises(InvalidTransaction):
        Action.from_json({**json, "account": "alice", "authorization": "alice@active"})
    with pytest.raises(InvalidTransaction):
        Action.from_json({**json, "account": "alice", "data": "xyz"})


def test_from_json_is_strict_about_shape() -> None:
    good = header().to_json()
    assert Transaction.from_json(good) == header()
    with pytest.raises(InvalidTransaction, match="unknown"):
        Transaction.from_json({**good, "expiraton": "x"})
    with pytest.raises(InvalidTransaction, match="missing"):
        Transaction.from_json({"expiration": good["expiration"]})
    with pytest.raises(InvalidTransaction, match=r"Action\.from_data"):
        Action.from_json({**TRANSFER.to_json(), "data": {"from": "alice"}})
    with pytest.raises(InvalidTransaction):
        PackedTransaction.from_json({"signatures": [], "compression": 2, "packed_trx": ""})


def test_decoding_rejects_trailing_and_truncated_bytes() -> None:
    packed = header().to_bytes()
    with pytest.raises(DecodeError, match="trailing"):
        Transaction.from_bytes(packed + b"\x00")
    for cut in (0, 5, 11, len(packed) - 1):
        with pytest.raises(DecodeError):
            Transaction.from_bytes(packed[:cut])


def test_context_free_data_changes_the_digest() -> None:
    chain = bytes(32)
    transaction = header()
    plain = transaction.signing_digest(chain)
    with_data = transaction.signing_digest(chain, [b"\x01"])
    assert plain != with_data
    assert SignedTransaction(transaction, [], [b"\x01"]).signing_digest(chain) == with_data


def test_zlib_guards() -> None:
    signed = SignedTransaction(header())
    bomb = zlib.compress(b"\x00" * (MAX_UNPACKED_SIZE + 1))
    for packed_trx in (bomb, b"not zlib", zlib.compress(header().to_bytes())[:-3]):
        packed = PackedTransaction([], CompressionType.ZLIB, b"", packed_trx)
        with pytest.raises(DecodeError):
            packed.unpack()
    deflated = PackedTransaction.from_signed(signed, CompressionType.ZLIB)
    assert deflated.unpack() == signed


@given(transactions)
def test_binary_and_json_round_trip(transaction: Transaction) -> None:
    packed = transaction.to_bytes()
    assert Transaction.from_bytes(packed) == transaction
    assert Transaction.from_json(transaction.to_json()) == transaction
    signed = SignedTransaction(transaction, [], [b"cfd"])
    assert SignedTransaction.from_bytes(signed.to_bytes()) == signed
    for compression in CompressionType:
        assert PackedTransaction.from_signed(signed, compression).unpack() == signed


@given(st.binary(max_size=120))
def test_transaction_decoder_gives_value_or_decode_error(data: bytes) -> None:
    try:
        transaction = Transaction.from_bytes(data)
    except DecodeError:
        return
    assert transaction.to_bytes() == data


@given(st.binary(max_size=200))
def test_signed_decoder_gives_value_or_decode_error(data: bytes) -> None:
    prefix = header().to_bytes()
    try:
        signed = SignedTransaction.from_bytes(prefix + data)
    except DecodeError:
        return
    assert signed.to_bytes() == prefix + data


@given(st.binary(max_size=60), st.binary(max_size=20))
def test_packed_unpack_gives_value_or_decode_error(trx: bytes, cfd: bytes) -> None:
    for compression in CompressionType:
        try:
            signed = PackedTransaction([], compression, cfd, trx).unpack()
        except DecodeError:
            continue
        inflated = zlib.decompress(trx) if compression == CompressionType.ZLIB else trx
        assert signed.transaction.to_bytes() == inflated


@pytest.mark.parametrize("data", ["00", None, 5, ["00"]])
def test_decoding_something_that_is_not_bytes_is_a_decode_error(data: object) -> None:
    with pytest.raises(DecodeError, match="expected bytes"):
        Transaction.from_bytes(data)  # type: ignore[arg-type]
    with pytest.raises(DecodeError, match="expected bytes"):
        SignedTransaction.from_bytes(data)  # type: ignore[arg-type]


def test_context_free_data_must_be_bytes_or_hex() -> None:
    transaction = Transaction(TimePointSec(0), 0, 0)
    chain = "00" * 32
    assert transaction.signing_digest(chain, ["abcd"]) == transaction.signing_digest(
        chain, [b"\xab\xcd"]
    )
    with pytest.raises(InvalidTransaction):
        transaction.signing_digest(chain, [5])  # type: ignore[list-item]
