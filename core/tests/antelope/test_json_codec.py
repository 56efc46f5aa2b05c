"""The one JSON codec of the Antelope types (``sessionkit.antelope.enc_hook`` / ``dec_hook``).

For every type, msgspec with the hooks writes exactly ``to_json()`` (the reference form) and
reads it back to an equal value; the reference vectors come out as recorded; a private key is
never written; hostile JSON fails with msgspec's ValidationError whose cause is the documented
``sessionkit.errors`` exception, or with that exception itself through ``T.from_json``.
"""

from __future__ import annotations

import contextlib
from functools import cache
from typing import Any

import msgspec
import pytest
from conformance_vectors import load
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.antelope import (
    ABI,
    Action,
    Asset,
    BlockTimestamp,
    Bytes,
    Checksum160,
    Checksum256,
    Checksum512,
    CompressionType,
    ExtendedAsset,
    Float128,
    Name,
    PackedTransaction,
    PermissionLevel,
    PrivateKey,
    SignedTransaction,
    Symbol,
    SymbolCode,
    TimePoint,
    TimePointSec,
    Transaction,
    dec_hook,
    enc_hook,
)
from sessionkit.antelope._transaction import TransactionExtension
from sessionkit.errors import (
    InvalidAsset,
    InvalidChecksum,
    InvalidName,
    InvalidTime,
    InvalidTransaction,
    InvalidValue,
)

KEYS = [PrivateKey.from_bytes(bytes([n]) * 32) for n in (1, 2, 3)]
SIGNATURES = [key.sign_digest(Checksum256.hash(bytes([n]))) for n, key in enumerate(KEYS)]

names = st.from_regex(r"[a-z1-5]{1,12}", fullmatch=True).map(Name)
symbols = st.builds(Symbol, st.integers(0, 18), st.from_regex(r"[A-Z]{1,7}", fullmatch=True))
assets = st.builds(Asset, st.integers(-(2**62), 2**62), symbols)
levels = st.builds(PermissionLevel, names, names)
raw = st.binary(max_size=40).map(Bytes)
actions = st.builds(Action, names, names, st.lists(levels, max_size=3), raw)
extensions = st.builds(TransactionExtension, st.integers(0, 0xFFFF), raw)
transactions = st.builds(
    Transaction,
    expiration=st.integers(0, 2**32 - 1).map(TimePointSec),
    ref_block_num=st.integers(0, 0xFFFF),
    ref_block_prefix=st.integers(0, 2**32 - 1),
    max_net_usage_words=st.integers(0, 2**32 - 1),
    max_cpu_usage_ms=st.integers(0, 0xFF),
    delay_sec=st.integers(0, 2**32 - 1),
    context_free_actions=st.lists(actions, max_size=2).map(tuple),
    actions=st.lists(actions, max_size=3).map(tuple),
    transaction_extensions=st.lists(extensions, max_size=2).map(tuple),
)
signed_transactions = st.builds(
    SignedTransaction,
    transactions,
    st.lists(st.sampled_from(SIGNATURES), max_size=3),
    st.lists(raw, max_size=3),
)
packed_transactions = st.builds(
    PackedTransaction.from_signed, signed_transactions, st.sampled_from(CompressionType)
)
scalars = st.one_of(
    names,
    st.from_regex(r"[A-Z]{1,7}", fullmatch=True).map(SymbolCode),
    symbols,
    assets,
    st.builds(ExtendedAsset, assets, names),
    # the reference JSON of a time_point has milliseconds, so whole milliseconds round-trip
    st.integers(0, TimePoint._high // 1000).map(lambda ms: TimePoint(ms * 1000)),
    st.integers(0, 2**32 - 1).map(TimePointSec),
    st.integers(0, 2**32 - 1).map(BlockTimestamp),
    st.binary(min_size=20, max_size=20).map(Checksum160),
    st.binary(min_size=32, max_size=32).map(Checksum256),
    st.binary(min_size=64, max_size=64).map(Checksum512),
    levels,
    raw,
    st.binary(min_size=16, max_size=16).map(Float128),
    st.sampled_from([key.public_key for key in KEYS]),
    st.sampled_from(SIGNATURES),
)
values = st.one_of(
    scalars, actions, extensions, transactions, signed_transactions, packed_transactions
)


def encoded(value: object) -> bytes:
    return msgspec.json.encode(value, enc_hook=enc_hook)


def json_of(value: Any) -> Any:
    return value.to_json()


@given(values)
@settings(max_examples=300, deadline=None)
def test_encoding_with_the_hook_is_to_json(value: Any) -> None:
    assert encoded(value) == msgspec.json.encode(json_of(value))


@given(values)
@settings(max_examples=300, deadline=None)
def test_decoding_with_the_hook_reads_back_an_equal_value(value: Any) -> None:
    decoded = msgspec.json.decode(encoded(value), type=type(value), dec_hook=dec_hook)
    assert type(decoded) is type(value)
    assert decoded == value
    assert type(value).from_json(json_of(value)) == value


@given(st.lists(transactions, max_size=3))
@settings(max_examples=50, deadline=None)
def test_containers_of_antelope_types_encode_and_decode(items: list[Transaction]) -> None:
    body = {"transactions": items, "signer": Name("alice")}
    expected = {"transactions": [t.to_json() for t in items], "signer": "alice"}
    assert msgspec.json.decode(encoded(body)) == expected
    back = msgspec.json.decode(encoded(items), type=list[Transaction], dec_hook=dec_hook)
    assert back == items


VECTORS = load("transactions.json")["vectors"]


@cache
def abis() -> dict[str, Any]:
    abi_json: dict[str, Any] = load("abi.json")["abis"]
    return abi_json


@pytest.mark.conformance
@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: str(vector["id"])[:12])
def test_reference_transactions_encode_as_recorded(vector: dict[str, Any]) -> None:
    transaction = msgspec.json.decode(
        msgspec.json.encode(vector["transaction"]), type=Transaction, dec_hook=dec_hook
    )
    assert transaction == Transaction.from_json(vector["transaction"])
    assert msgspec.json.decode(encoded(transaction)) == vector["transaction"]
    packed = PackedTransaction.from_json(vector["packed_transaction"])
    assert msgspec.json.decode(encoded(packed)) == vector["packed_transaction"]
    assert msgspec.convert(vector["packed_transaction"], PackedTransaction, dec_hook=dec_hook) == (
        packed
    )
    signed = packed.unpack()
    flat = {
        **vector["transaction"],
        "signatures": vector["signatures"],
        "context_free_data": vector["context_free_data"],
    }
    assert msgspec.json.decode(encoded(signed)) == flat
    assert msgspec.json.decode(encoded(flat), type=SignedTransaction, dec_hook=dec_hook) == signed


@pytest.mark.conformance
@pytest.mark.parametrize("name", ["eosio.token", "eosio", "conformance.a"])
def test_reference_abis_encode_as_their_to_json(name: str) -> None:
    abi = ABI.from_json(abis()[name])
    assert encoded(abi) == msgspec.json.encode(abi.to_json())
    assert msgspec.json.decode(encoded(abi), type=ABI, dec_hook=dec_hook) == abi


def test_a_private_key_is_never_written() -> None:
    key = KEYS[0]
    secret = key.to_string()
    for value in (key, [key], {"key": key}, {"nested": [{"key": key}]}):
        with pytest.raises(NotImplementedError, match="never written") as caught:
            encoded(value)
        assert secret not in str(caught.value)
        assert key.to_wif() not in str(caught.value)
    with pytest.raises(NotImplementedError, match="PrivateKey") as read:
        msgspec.json.decode(encoded(secret), type=PrivateKey, dec_hook=dec_hook)
    assert secret not in str(read.value)


def test_other_types_are_refused_as_msgspec_expects() -> None:
    with pytest.raises(NotImplementedError, match="object"):
        encoded(object())
    with pytest.raises(NotImplementedError):
        dec_hook(complex, "1j")


ACTION = {"account": "eosio.token", "name": "transfer", "authorization": [], "data": "00"}


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("account", "Eosio", InvalidName),
        ("account", "a" * 14, InvalidName),
        ("name", 5, InvalidName),
        ("authorization", [{"actor": "alice", "permission": "BAD"}], InvalidName),
        ("data", "0g", InvalidValue),
        ("data", 7, InvalidValue),
    ],
)
def test_hostile_action_fields_name_their_path_and_error(
    field: str, value: object, error: type[InvalidValue]
) -> None:
    hostile = {**ACTION, field: value}
    with pytest.raises(msgspec.ValidationError, match=rf"\$\.{field}") as caught:
        msgspec.json.decode(msgspec.json.encode(hostile), type=Action, dec_hook=dec_hook)
    assert isinstance(caught.value.__cause__, error)
    with pytest.raises(error):
        Action.from_json(hostile)


@pytest.mark.parametrize(
    ("kind", "value", "error"),
    [
        (Name, "x" * 10_000, InvalidName),
        (Asset, "1.0 " + "A" * 5_000, InvalidAsset),
        (Asset, "9" * 5_000 + " EOS", InvalidAsset),
        (TimePointSec, "2024-13-01T00:00:00", InvalidTime),
        (TimePoint, "9" * 5_000, InvalidTime),
        (Checksum256, "zz" * 32, InvalidChecksum),
        (Checksum256, 5, InvalidChecksum),
    ],
)
def test_hostile_scalars_raise_their_own_errors(
    kind: type, value: object, error: type[InvalidValue]
) -> None:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.json.decode(msgspec.json.encode([value]), type=list[kind], dec_hook=dec_hook)  # type: ignore[valid-type]
    assert isinstance(caught.value.__cause__, error)
    assert len(str(caught.value)) < 1_000


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=30,
)
transaction_like = st.fixed_dictionaries(
    {},
    optional={
        field: json_values
        for field in (
            "expiration",
            "ref_block_num",
            "ref_block_prefix",
            "context_free_actions",
            "actions",
            "transaction_extensions",
            "signatures",
            "context_free_data",
        )
    },
)


@given(st.one_of(json_values, transaction_like))
@settings(max_examples=300, deadline=None)
def test_arbitrary_json_gives_only_documented_errors(value: Any) -> None:
    data = msgspec.json.encode(value)
    for kind in (Transaction, SignedTransaction, PackedTransaction, Action):
        try:
            msgspec.json.decode(data, type=kind, dec_hook=dec_hook)
        except msgspec.ValidationError as exc:
            cause = exc.__cause__
            assert cause is None or isinstance(cause, InvalidValue), repr(cause)
        with contextlib.suppress(InvalidTransaction, InvalidValue):
            kind.from_json(value)
