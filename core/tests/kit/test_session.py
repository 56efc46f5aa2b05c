"""A Session's identity and its serialized forms: WharfKit's dict, JSON, and the URL encoding.

The ``url`` form is checked against bytes built here by hand from the struct the reference
defines (``url_encoded_session``: checksum256, name, name, string, optional string), with an
independent implementation of the name encoding, so a mistake in the kit's ABI codec shows.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sessionkit import SessionKit
from sessionkit.antelope import ABI, PermissionLevel
from sessionkit.chain import ChainDefinition
from sessionkit.errors import ConfigurationError, InvalidValue
from sessionkit.session import Session, decode_session
from sessionkit.storage import MemoryStorage
from sessionkit.testing.doubles import KeyWallet

pytestmark = pytest.mark.anyio

JUNGLE = "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
CHAIN = ChainDefinition(id=JUNGLE, url="https://jungle.example")
KEY = "PVT_K1_TSsXo6cQgnnyFRHBWUcpPYSqUwRpHrvPHLhzdgzEa5bPG8J6j"  # published devnet test key


def name_value(name: str) -> int:
    """An Antelope name as its uint64 (written out here, independent of the kit's codec)."""

    def symbol(char: str) -> int:
        if "a" <= char <= "z":
            return ord(char) - ord("a") + 6
        if "1" <= char <= "5":
            return ord(char) - ord("1") + 1
        return 0

    value = 0
    for index in range(13):
        code = symbol(name[index]) if index < len(name) else 0
        if index < 12:
            value |= (code & 0x1F) << (64 - 5 * (index + 1))
        else:
            value |= code & 0x0F
    return value


def varuint32(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def abi_string(text: str) -> bytes:
    raw = text.encode("utf-8")
    return varuint32(len(raw)) + raw


def expected_url_bytes(
    chain: str, actor: str, permission: str, wallet: dict[str, Any], data: Any
) -> bytes:
    stringify = json.dumps(wallet, separators=(",", ":"), ensure_ascii=False)
    out = bytes.fromhex(chain)
    out += name_value(actor).to_bytes(8, "little") + name_value(permission).to_bytes(8, "little")
    out += abi_string(stringify)
    if data is None:
        return out + b"\x00"
    return out + b"\x01" + abi_string(json.dumps(data, separators=(",", ":"), ensure_ascii=False))


class DataWallet(KeyWallet):
    id = "data-wallet"


def make_session(data: dict[str, Any] | None = None, wallet_data: Any = None) -> Session:
    wallet = DataWallet(KEY)
    if wallet_data is not None:
        wallet.data = wallet_data
    return Session(chain=CHAIN, permission_level="alice.bob@owner", wallet_plugin=wallet, data=data)


def test_name_encoding_of_the_test_matches_known_values() -> None:
    # Known values: "eosio" is 0x5530ea0000000000, "eosio.token" 0x5530ea033482a600.
    assert name_value("eosio") == 0x5530EA0000000000
    assert name_value("eosio.token") == 0x5530EA033482A600


def test_serialize_is_wharfkits_dict_in_its_key_order() -> None:
    plain = make_session()
    assert list(plain.serialize()) == ["chain", "actor", "permission", "walletPlugin"]
    assert plain.serialize() == {
        "chain": JUNGLE,
        "actor": "alice.bob",
        "permission": "owner",
        "walletPlugin": {"id": "data-wallet", "data": {}},
    }
    with_data = make_session({"theme": "dark"}, {"channel": "x"})
    assert list(with_data.serialize()) == ["chain", "actor", "permission", "walletPlugin", "data"]
    assert with_data.serialize()["walletPlugin"] == {"id": "data-wallet", "data": {"channel": "x"}}
    assert with_data.encode() == with_data.serialize()
    assert with_data.encode("serialized") == with_data.serialize()


@pytest.mark.parametrize(
    ("data", "wallet_data"),
    [
        (None, None),
        ({"theme": "dark", "n": 1}, {"channel": "https://cb.anchor.link/x"}),
        ({"greeting": "Grüße, 世界"}, {"blob": "z" * 300}),  # multi-byte UTF-8, 2-byte length
    ],
)
def test_url_encoding_is_the_reference_struct(data: Any, wallet_data: Any) -> None:
    session = make_session(data, wallet_data)
    expected = expected_url_bytes(
        JUNGLE, "alice.bob", "owner", {"id": "data-wallet", "data": wallet_data or {}}, data
    )
    assert session.encode("encoded") == expected
    assert session.encode("url") == expected.hex()
    assert decode_session(expected.hex()) == session.serialize()


def test_json_encoding_is_json_stringify() -> None:
    session = make_session({"greeting": "Grüße"})
    text = session.encode("json")
    assert text == json.dumps(session.serialize(), separators=(",", ":"), ensure_ascii=False)
    assert decode_session(text, "json") == session.serialize()


def test_url_with_no_data_flag_and_empty_string_data() -> None:
    # What the TypeScript kit writes for a session without data: the optional flag is 0.
    stripped = expected_url_bytes(JUNGLE, "alice", "active", {"id": "w", "data": {}}, None)
    assert "data" not in decode_session(stripped.hex())
    # An empty object as data is no data.
    empty = expected_url_bytes(JUNGLE, "alice", "active", {"id": "w", "data": {}}, {})
    assert "data" not in decode_session(empty.hex())


@pytest.mark.parametrize(
    ("text", "encoding", "message"),
    [
        ("zz", "url", "hex"),
        ("00" * 10, "url", "not an encoded session"),
        ("0" * 70_000, "url", "at most 64 KiB"),
        ("{", "json", "not a session in JSON"),
        ("[]", "json", "is an object"),
        ('{"chain": "' + JUNGLE + '", "actor": "a", "permission": "b"}', "json", "walletPlugin"),
        ('{"chain": "' + JUNGLE + '", "actor": "A", "permission": "b"}', "json", "invalid field"),
        ("{}", "xml", "unknown session encoding"),
    ],
)
def test_decode_session_refuses_what_is_not_a_session(
    text: str, encoding: Any, message: str
) -> None:
    with pytest.raises(InvalidValue, match=message):
        decode_session(text, encoding)


def test_url_with_non_json_wallet_plugin_is_refused() -> None:
    abi = ABI.from_json(
        {
            "version": "eosio::abi/1.1",
            "structs": [
                {
                    "name": "s",
                    "base": "",
                    "fields": [
                        {"name": "chain", "type": "checksum256"},
                        {"name": "actor", "type": "name"},
                        {"name": "permission", "type": "name"},
                        {"name": "walletPlugin", "type": "string"},
                        {"name": "data", "type": "string?"},
                    ],
                }
            ],
        }
    )
    for plugin, data, message in [
        ("not json", None, "not an encoded session"),
        ('{"id": 3}', None, "walletPlugin"),
        ('{"id": "w", "data": NaN}', None, "NaN is not JSON"),
        ('{"id": "w"}', "[1, 2]", "'data' of the encoded session is an object"),
        ('{"id": "w", "data": [1]}', None, "walletPlugin.data"),
    ]:
        raw = abi.encode(
            "s",
            {
                "chain": JUNGLE,
                "actor": "alice",
                "permission": "active",
                "walletPlugin": plugin,
                "data": data,
            },
        )
        with pytest.raises(InvalidValue, match=message):
            decode_session(raw.hex())


def test_session_needs_an_account() -> None:
    with pytest.raises(ConfigurationError, match="permission_level"):
        Session(chain=CHAIN, wallet_plugin=DataWallet(KEY))
    with pytest.raises(ConfigurationError, match="permission_level"):
        Session(chain=CHAIN, wallet_plugin=DataWallet(KEY), actor="alice")
    by_parts = Session(chain=CHAIN, wallet_plugin=DataWallet(KEY), actor="bob", permission="x")
    by_mapping = Session(
        chain={"id": JUNGLE, "url": "https://j.example"},
        wallet_plugin=DataWallet(KEY),
        permission_level={"actor": "bob", "permission": "x"},
    )
    assert by_parts.permission_level == by_mapping.permission_level == PermissionLevel("bob", "x")
    assert by_parts.matches(JUNGLE, "bob", "x")
    assert not by_parts.matches(JUNGLE, "bob", "active")
    assert str(by_parts.chain_id) == JUNGLE


def test_options_are_checked() -> None:
    for option, value in [
        ("allow_modify", "yes"),
        ("broadcast", None),
        ("expire_seconds", 7200),
        ("expire_seconds", True),
        ("validate_plugin_signatures", 0),
    ]:
        with pytest.raises(InvalidValue, match=option):
            Session(
                chain=CHAIN,
                wallet_plugin=DataWallet(KEY),
                permission_level="a@b",
                **{option: value},
            )


def test_data_that_json_cannot_hold_is_refused_when_encoded() -> None:
    session = make_session({"when": {1, 2}})
    with pytest.raises(InvalidValue, match="must be JSON"):
        session.encode("json")
    with pytest.raises(InvalidValue, match="must be JSON"):
        session.encode("url")
    session.data = {"ratio": float("nan")}
    with pytest.raises(InvalidValue, match="must be JSON"):
        session.encode("json")
    with pytest.raises(InvalidValue, match="unknown session encoding"):
        session.encode("xml")  # type: ignore[call-overload]


def test_repr_names_the_account_but_never_the_wallets_secrets() -> None:
    session = make_session(wallet_data={"privateKey": KEY})
    text = repr(session)
    assert "alice.bob@owner" in text
    assert "data-wallet" in text
    assert KEY not in text
    assert KEY[8:20] not in repr(session.wallet_plugin)


async def test_abis_given_to_a_session_are_in_its_cache() -> None:
    token = {
        "version": "eosio::abi/1.1",
        "structs": [{"name": "hi", "base": "", "fields": [{"name": "who", "type": "name"}]}],
        "actions": [{"name": "hi", "type": "hi", "ricardian_contract": ""}],
    }
    as_mapping = Session(
        chain=CHAIN, wallet_plugin=DataWallet(KEY), permission_level="a@b", abis={"hello": token}
    )
    as_list = Session(
        chain=CHAIN,
        wallet_plugin=DataWallet(KEY),
        permission_level="a@b",
        abis=[{"account": "hello", "abi": token}],
    )
    async with as_mapping, as_list:
        for session in (as_mapping, as_list):
            abi = await session.abi_cache.get_abi("hello")
            assert [str(a.name) for a in abi.actions] == ["hi"]


@pytest.mark.parametrize(
    ("abis", "message"),
    [
        ([{"abi": {}}], "abis= is"),
        ("eosio.token", "abis= is"),
        ({"hello": 42}, "not int"),
        ({3: {}}, "is a name"),
        ({"hello": {"version": "eosio::abi/1.1", "structs": 7}}, "not a valid ABI"),
    ],
)
def test_wrong_abis_fail_where_they_are_given(abis: Any, message: str) -> None:
    # Checked at once, by the session and by the kit, rather than at the first transaction.
    with pytest.raises(InvalidValue, match=message):
        Session(chain=CHAIN, wallet_plugin=DataWallet(KEY), permission_level="a@b", abis=abis)
    with pytest.raises(InvalidValue, match=message):
        SessionKit("abis", [CHAIN], abis=abis, discover=False, storage=MemoryStorage())
