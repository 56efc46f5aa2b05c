"""ABI codec behaviour beyond the reference vectors: the model, errors, recursion, edge cases."""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest
import unit_abis
from sessionkit.antelope._abi import ABI, AbiAction, AbiStruct, decode, encode
from sessionkit.antelope._abi._abidef import abi_def_abi
from sessionkit.antelope._asset import Asset
from sessionkit.antelope._checksum import Checksum256
from sessionkit.antelope._keys import PublicKey
from sessionkit.antelope._name import Name
from sessionkit.antelope._permission import PermissionLevel
from sessionkit.errors import ABIError, DecodeError, EncodeError, InvalidName

ABIS = {
    "eosio.token": unit_abis.TOKEN,
    "eosio": unit_abis.SYSTEM,
    "conformance.a": unit_abis.CUSTOM,
}
TOKEN = ABI.from_json(ABIS["eosio.token"])
SYSTEM = ABI.from_json(ABIS["eosio"])
CUSTOM = ABI.from_json(ABIS["conformance.a"])
TRANSFER = {"from": "alice", "to": "bob", "quantity": "1.0000 EOS", "memo": "hi"}


def make_abi(*structs: tuple[str, str, list[tuple[str, str]]], **sections: Any) -> ABI:
    """An ABI from (name, base, [(field, type), ...]) triples plus other raw sections."""
    return ABI.from_json(
        {
            "version": "eosio::abi/1.1",
            "structs": [
                {"name": n, "base": b, "fields": [{"name": f, "type": t} for f, t in fields]}
                for n, b, fields in structs
            ],
            **sections,
        }
    )


# --- the model ---------------------------------------------------------------------------


def test_from_json_accepts_text_bytes_dicts_and_abis() -> None:
    text = json.dumps(ABIS["eosio.token"])
    assert ABI.from_json(text) == ABI.from_json(text.encode()) == TOKEN
    assert ABI.from_json(TOKEN) is TOKEN
    assert TOKEN.structs[0] == AbiStruct("account", "", TOKEN.structs[0].fields)
    assert TOKEN.actions[-1] == AbiAction(
        "transfer", "transfer", TOKEN.actions[-1].ricardian_contract
    )


def test_empty_abi_defaults_to_version_1_1() -> None:
    abi = ABI.from_json({})
    assert abi.version == "eosio::abi/1.1"
    assert abi.to_json()["structs"] == []


@pytest.mark.parametrize(
    "bad",
    [
        "{not json",
        b"[1, 2]",
        {"structs": [{"base": ""}]},
        {"structs": "nope"},
        {"version": "eosio::abi/2.0"},
        {"version": 11},
    ],
)
def test_malformed_abis_raise_abi_error(bad: Any) -> None:
    with pytest.raises(ABIError):
        ABI.from_json(bad)


def test_to_json_has_every_section_and_reads_back() -> None:
    as_json = SYSTEM.to_json()
    assert list(as_json) == [
        "version",
        "types",
        "structs",
        "actions",
        "tables",
        "ricardian_clauses",
        "error_messages",
        "abi_extensions",
        "variants",
        "action_results",
    ]
    assert ABI.from_json(as_json) == SYSTEM
    assert json.loads(json.dumps(as_json)) == as_json


def test_binary_form_round_trips_every_section() -> None:
    abi = ABI.from_json(
        {
            **ABIS["conformance.a"],
            "error_messages": [{"error_code": "18446744073709551615", "error_msg": "boom"}],
            "abi_extensions": [[7, "beef"]],
        }
    )
    assert abi.error_messages[0].error_code == 2**64 - 1
    again = ABI.from_bytes(abi.to_bytes())
    assert again == abi
    assert again.to_json()["abi_extensions"] == [[7, "beef"]]


def test_binary_form_without_the_extension_sections_reads_as_empty() -> None:
    old = make_abi(("s", "", [("a", "uint8")]))
    data = old.to_bytes()
    assert data.endswith(b"\x00\x00")  # variants and action_results, both empty
    legacy = ABI.from_bytes(data[:-2])
    assert legacy == old
    assert ABI.from_bytes(bytearray(data)) == old


def test_binary_form_rejects_trailing_and_truncated_bytes() -> None:
    data = TOKEN.to_bytes()
    with pytest.raises(DecodeError):
        ABI.from_bytes(data + b"\x00")
    with pytest.raises(DecodeError):
        ABI.from_bytes(data[:10])


def test_to_bytes_rejects_an_action_name_the_chain_cannot_hold() -> None:
    abi = ABI.from_json({"actions": [{"name": "Not.A.Name", "type": "x"}]})
    with pytest.raises(ABIError, match="actions"):
        abi.to_bytes()


def test_repr_summarises_the_abi() -> None:
    assert repr(TOKEN) == (
        "ABI('eosio::abi/1.1', 0 types, 8 structs, 6 actions, 2 tables, 0 variants)"
    )


def test_abi_is_immutable_and_hashable() -> None:
    with pytest.raises(AttributeError):
        TOKEN.version = "eosio::abi/1.2"  # type: ignore[misc]
    assert hash(ABI.from_json(ABIS["eosio.token"])) == hash(TOKEN)


def test_action_type_and_has_type() -> None:
    assert TOKEN.action_type("transfer") == "transfer"
    assert TOKEN.action_type(Name("issue")) == "issue"
    with pytest.raises(ABIError, match="nosuch"):
        TOKEN.action_type("nosuch")
    assert CUSTOM.has_type("owner_name")
    assert CUSTOM.has_type("value_variant[]?")
    assert TOKEN.has_type("uint64")
    assert not TOKEN.has_type("nosuchtype")
    assert not TOKEN.has_type("transfer[3")


def test_each_type_is_compiled_once_per_abi() -> None:
    abi = ABI.from_json(ABIS["eosio.token"])
    first = abi._compiler.coder("transfer")
    abi.encode("transfer", TRANSFER)
    assert abi._compiler.coder("transfer") is first
    assert ABI.from_json(ABIS["eosio.token"])._compiler is not abi._compiler


# --- unknown and malformed types -----------------------------------------------------------


def test_unknown_types_raise_abi_error() -> None:
    with pytest.raises(ABIError, match="nosuchtype"):
        encode("nosuchtype", 1)
    with pytest.raises(ABIError):
        decode("transfer", b"")  # structs exist only in an ABI
    with pytest.raises(ABIError):
        TOKEN.decode("nosuchtype", b"")


def test_a_failed_compile_leaves_no_half_built_types_behind() -> None:
    abi = make_abi(
        ("node", "", [("next", "node?"), ("bad", "missing")]),
        ("ok", "", [("a", "uint8")]),
    )
    for _ in range(2):
        with pytest.raises(ABIError, match="missing"):
            abi.encode("node", {"next": None, "bad": 1})
    assert not abi.has_type("node?")
    assert abi.encode("ok", {"a": 1}) == b"\x01"


def test_base_and_alias_cycles_raise_abi_error() -> None:
    based = make_abi(("a", "b", []), ("b", "a", []))
    with pytest.raises(ABIError, match="inherits"):
        based.encode("a", {})
    unknown_base = make_abi(("a", "nobase", []))
    with pytest.raises(ABIError, match="nobase"):
        unknown_base.encode("a", {})
    aliased = ABI.from_json(
        {"types": [{"new_type_name": "x", "type": "y"}, {"new_type_name": "y", "type": "x"}]}
    )
    with pytest.raises(ABIError, match="itself"):
        aliased.encode("x", 1)


def test_type_names_must_be_strings_and_not_absurdly_deep() -> None:
    with pytest.raises(ABIError, match="string"):
        TOKEN.encode(["transfer"], {})  # type: ignore[arg-type]
    assert not TOKEN.has_type(5)  # type: ignore[arg-type]
    with pytest.raises(ABIError, match="at most 1024"):
        encode("uint8" + "[]" * 50_000, [])
    chain = [{"new_type_name": f"t{i}", "type": f"t{i + 1}"} for i in range(50_000)]
    deep_alias = ABI.from_json({"types": [*chain, {"new_type_name": "t50000", "type": "uint8"}]})
    # A long alias chain resolves without recursion, in time linear in its length.
    assert deep_alias.encode("t0", 1) == b"\x01"
    assert encode("uint8" + "[]" * 20, []) == b"\x00"


# --- recursion -------------------------------------------------------------------------------

LINKED = make_abi(("node", "", [("value", "uint8"), ("next", "node?")]))


def test_recursive_types_encode_and_decode() -> None:
    value = {"value": 1, "next": {"value": 2, "next": None}}
    data = LINKED.encode("node", value)
    assert data == bytes([1, 1, 2, 0])
    assert LINKED.decode("node", data) == value


def test_deep_nesting_is_an_error_not_a_recursion_error() -> None:
    with pytest.raises(DecodeError, match="nest more than 64 levels"):
        LINKED.decode("node", b"\x01\x01" * 100_000 + b"\x01\x00")
    deep: dict[str, Any] = {"value": 1, "next": None}
    for _ in range(100_000):
        deep = {"value": 1, "next": deep}
    with pytest.raises(EncodeError, match="nest more than 64 levels"):
        LINKED.encode("node", deep)
    cyclic: dict[str, Any] = {"value": 1}
    cyclic["next"] = cyclic
    with pytest.raises(EncodeError):
        LINKED.encode("node", cyclic)


def test_a_struct_containing_itself_fails_cleanly() -> None:
    endless = make_abi(("s", "", [("s", "s")]))
    with pytest.raises(DecodeError):
        endless.decode("s", b"")
    with pytest.raises(EncodeError, match="missing"):
        endless.encode("s", {"s": {}})


# --- integers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_name", "low", "high"),
    [
        ("int8", -(2**7), 2**7 - 1),
        ("uint16", 0, 2**16 - 1),
        ("int32", -(2**31), 2**31 - 1),
        ("uint64", 0, 2**64 - 1),
        ("int128", -(2**127), 2**127 - 1),
        ("varint32", -(2**31), 2**31 - 1),
        ("varuint32", 0, 2**32 - 1),
    ],
)
def test_integer_ranges(type_name: str, low: int, high: int) -> None:
    for value in (low, high):
        assert int(decode(type_name, encode(type_name, value))) == value
        assert int(decode(type_name, encode(type_name, str(value)))) == value
    for outside in (low - 1, high + 1):
        with pytest.raises(EncodeError, match="flows"):
            encode(type_name, outside)


@pytest.mark.parametrize(
    "bad", [True, None, 1.5, "1.0", " 1", "0x10", "1e3", [1], "9" * 60, "\u0663", "1_000"]
)
def test_integers_reject_non_integers(bad: object) -> None:
    with pytest.raises(EncodeError):
        encode("uint64", bad)


def test_integral_floats_are_integers() -> None:
    assert encode("uint32", 7.0) == encode("uint32", 7)


def test_wide_integers_are_json_numbers_up_to_32_bits_of_magnitude() -> None:
    assert decode("uint64", encode("uint64", 2**32 - 1)) == 2**32 - 1
    assert decode("uint64", encode("uint64", 2**32)) == str(2**32)
    assert decode("int64", encode("int64", -(2**32) + 1)) == -(2**32) + 1
    assert decode("int128", encode("int128", -(2**32))) == str(-(2**32))
    assert decode("uint32", encode("uint32", 2**32 - 1)) == 2**32 - 1


@pytest.mark.parametrize("hex_data", ["8000", "ffffffff1f", "8080808080", "80"])
def test_varuint32_must_be_minimal_and_in_range(hex_data: str) -> None:
    with pytest.raises(DecodeError):
        decode("varuint32", bytes.fromhex(hex_data))


# --- other builtins ----------------------------------------------------------------------------


def test_floats() -> None:
    # JavaScript drops the sign of a zero (``String(-0) == "0"``); so does the reference's JSON.
    assert decode("float64", encode("float64", "-0")) == "0"
    assert encode("float64", "-0") == struct.pack("<d", -0.0)
    assert decode("float64", encode("float64", "NaN")) == "NaN"
    assert decode("float64", encode("float64", "1e-7")) == "1e-7"
    assert decode("float32", encode("float32", 2)) == "2.0000000"
    assert decode("float32", encode("float32", "-0")) == "0.0000000"
    assert decode("float32", encode("float32", -1e-9)) == "-0.0000000"
    payload_nan = struct.unpack("<d", struct.pack("<Q", 0x7FF8_0000_0000_0001))[0]
    assert encode("float64", payload_nan) == encode("float64", "NaN")
    with pytest.raises(DecodeError, match="payload"):
        decode("float64", struct.pack("<Q", 0x7FF0_0000_0000_0001))
    for bad in ("1.5abc", "", "inf", "\u0663", "1_0", True, None, [1.0]):
        with pytest.raises(EncodeError):
            encode("float64", bad)
    with pytest.raises(EncodeError, match="range"):
        encode("float32", 1e39)


def test_bool_string_and_bytes() -> None:
    with pytest.raises(DecodeError):
        decode("bool", b"\x02")
    assert decode("string", encode("string", "héllo 🚀")) == "héllo 🚀"
    with pytest.raises(EncodeError):
        encode("string", "\ud800")
    with pytest.raises(EncodeError):
        encode("string", b"bytes")
    assert encode("bytes", b"\x01\x02") == encode("bytes", "0102") == b"\x02\x01\x02"
    assert encode("bytes", bytearray(b"\x01")) == encode("bytes", memoryview(b"\x01"))
    for bad in ("0", "zz", "01 02", 5):
        with pytest.raises(EncodeError):
            encode("bytes", bad)


def test_value_types_are_accepted_on_encode() -> None:
    key = "PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63"
    assert encode("name", Name("eosio")) == encode("name", "eosio")
    assert encode("asset", Asset.from_string("1.0000 EOS")) == encode("asset", "1.0000 EOS")
    assert encode("public_key", PublicKey.from_string(key)) == encode("public_key", key)
    digest = Checksum256.hash(b"x")
    assert encode("checksum256", digest) == bytes(digest)
    assert TOKEN.encode("transfer", {**TRANSFER, "from": Name("alice")}) == TOKEN.encode(
        "transfer", TRANSFER
    )


def test_value_types_with_a_json_object_fill_structs() -> None:
    level = PermissionLevel("alice", "active")
    as_json = SYSTEM.encode("permission_level", level.to_json())
    assert SYSTEM.encode("permission_level", level) == as_json
    weight = {"permission": level, "weight": 1}
    assert SYSTEM.encode("permission_level_weight", weight)[:16] == as_json
    with pytest.raises(EncodeError, match="expected an object"):
        SYSTEM.encode("permission_level", Name("alice"))
    with pytest.raises(EncodeError, match="expected an object"):
        SYSTEM.encode("permission_level", PermissionLevel)


def test_a_value_whose_to_json_fails_is_an_encode_error() -> None:
    """The value's own code may raise anything: it is reported as that value's problem."""

    class Broken:
        def to_json(self) -> Any:
            raise RuntimeError("no JSON today")

    with pytest.raises(EncodeError, match=r"Broken whose to_json\(\) failed.*no JSON today"):
        SYSTEM.encode("permission_level", Broken())
    with pytest.raises(EncodeError, match=r"permission_level_weight\.permission"):
        SYSTEM.encode("permission_level_weight", {"permission": Broken(), "weight": 1})


def test_primitive_errors_become_encode_errors_with_a_path() -> None:
    with pytest.raises(EncodeError, match=r"transfer\.to: .*Antelope name") as caught:
        TOKEN.encode("transfer", {**TRANSFER, "to": "Bob"})
    assert isinstance(caught.value.__cause__, InvalidName)
    with pytest.raises(EncodeError, match=r"transfer\.quantity"):
        TOKEN.encode("transfer", {**TRANSFER, "quantity": "1 eos"})


# --- structs, optionals, arrays, variants, extensions --------------------------------------


def test_struct_errors_name_the_path() -> None:
    value = {"id": 1, "label": "x", "owner": "alice", "tags": ["ok", "NOT OK"], "balance": "1 A"}
    with pytest.raises(EncodeError, match=r"derived\.tags\[1\]: "):
        CUSTOM.encode("derived", value)
    with pytest.raises(EncodeError, match=r"transfer\.memo: missing"):
        TOKEN.encode("transfer", {**TRANSFER, "memo": None})
    with pytest.raises(EncodeError, match="expected an object"):
        TOKEN.encode("transfer", [1, 2])
    with pytest.raises(DecodeError, match=r"transfer\.quantity"):
        TOKEN.decode("transfer", TOKEN.encode("transfer", TRANSFER)[:20])


def test_unknown_struct_keys_are_refused_and_mappings_accepted() -> None:
    """Decision: strict. The reference ignores unknown keys, so a misspelt optional or
    binary-extension field would vanish from the encoding without a word."""
    from types import MappingProxyType

    data = TOKEN.encode("transfer", TRANSFER)
    with pytest.raises(EncodeError, match="no field 'extra'"):
        TOKEN.encode("transfer", {**TRANSFER, "extra": 1})
    assert TOKEN.encode("transfer", MappingProxyType(TRANSFER)) == data


def test_a_misspelt_binary_extension_is_not_dropped() -> None:
    abi = ABI.from_json(
        {
            "version": "eosio::abi/1.1",
            "structs": [
                {
                    "name": "s",
                    "base": "",
                    "fields": [{"name": "a", "type": "uint8"}, {"name": "b", "type": "uint8$"}],
                }
            ],
        }
    )
    assert abi.encode("s", {"a": 1}) == b"\x01"
    assert abi.encode("s", {"a": 1, "b": 2}) == b"\x01\x02"
    with pytest.raises(EncodeError, match="no field 'bb'"):
        abi.encode("s", {"a": 1, "bb": 2})


def test_optional_presence_byte_must_be_0_or_1() -> None:
    assert decode("uint8?", b"\x01\x05") == 5
    with pytest.raises(DecodeError, match="presence"):
        decode("uint8?", b"\x02\x05")
    with pytest.raises(DecodeError):
        decode("uint8?", b"")


def test_arrays() -> None:
    assert encode("uint8[]", (1, 2)) == b"\x02\x01\x02"
    with pytest.raises(EncodeError, match="array"):
        encode("uint8[]", "12")
    with pytest.raises(DecodeError, match="longer than"):
        decode("uint8[]", bytes.fromhex("ffffffff0f"))
    with pytest.raises(DecodeError, match=r"\[1\]"):
        decode("uint16[]", bytes.fromhex("02010002"))


def test_fixed_arrays_have_no_length_prefix() -> None:
    assert encode("uint16[2]", [1, 2]) == bytes.fromhex("01000200")
    assert decode("uint16[2]", bytes.fromhex("01000200")) == [1, 2]
    with pytest.raises(EncodeError, match="exactly 2"):
        encode("uint16[2]", [1])


def test_variants() -> None:
    assert CUSTOM.encode("value_variant", ("uint8", 1)) == b"\x00\x01"
    with pytest.raises(EncodeError, match="one of"):
        CUSTOM.encode("value_variant", {"uint8": 1})
    with pytest.raises(EncodeError, match="int64"):
        CUSTOM.encode("value_variant", ["int64", 1])
    with pytest.raises(EncodeError, match=r"<uint8>"):
        CUSTOM.encode("value_variant", ["uint8", 300])
    with pytest.raises(DecodeError, match="index 6"):
        CUSTOM.decode("value_variant", b"\x06")


def test_binary_extensions_may_be_absent_only_at_the_end() -> None:
    full = {"a": 1, "b": "x", "c": {"x": 1, "y": 2}, "d": "4,EOS"}
    data = CUSTOM.encode("extensions", full)
    assert CUSTOM.decode("extensions", data) == full
    assert CUSTOM.encode("extensions", {"a": 1, "b": "x"}) == CUSTOM.encode(
        "extensions", {"a": 1, "b": "x", "c": None, "d": None}
    )
    with pytest.raises(EncodeError, match="'b' is absent"):
        CUSTOM.encode("extensions", {"a": 1, "c": {"x": 1, "y": 2}})
    with pytest.raises(EncodeError, match="missing"):
        CUSTOM.encode("extensions", {"b": "x"})


def test_every_truncation_point_of_binary_extensions() -> None:
    full = {"a": 1, "b": "xy", "c": {"x": 1, "y": 2}, "d": "4,EOS"}
    data = CUSTOM.encode("extensions", full)
    boundaries = {4: "a", 7: "b", 15: "c", 23: "d"}  # end offset of each field
    present: dict[str, Any] = {}
    for end in range(len(data) + 1):
        if end in boundaries:
            present[boundaries[end]] = full[boundaries[end]]
            expected = {key: present.get(key) for key in full}
            assert CUSTOM.decode("extensions", data[:end]) == expected
            assert CUSTOM.encode("extensions", expected) == data[:end]
        else:
            with pytest.raises(DecodeError):
                CUSTOM.decode("extensions", data[:end])


def test_an_extension_outside_a_struct() -> None:
    assert encode("uint8$", None) == b""
    assert decode("uint8$", b"") is None
    assert decode("uint8$", b"\x07") == 7


def test_decode_accepts_any_bytes_like_and_rejects_trailing_bytes() -> None:
    data = TOKEN.encode("transfer", TRANSFER)
    assert TOKEN.decode("transfer", bytearray(data)) == TRANSFER
    assert TOKEN.decode("transfer", memoryview(data)) == TRANSFER
    with pytest.raises(DecodeError, match="1 unexpected bytes"):
        TOKEN.decode("transfer", data + b"\x00")
    for not_bytes in ("00", 5, None):
        with pytest.raises(DecodeError, match="expected bytes"):
            TOKEN.decode("transfer", not_bytes)  # type: ignore[arg-type]
    with pytest.raises(DecodeError, match="expected bytes"):
        ABI.from_bytes("0e656f73")  # type: ignore[arg-type]


def test_decode_partial_reads_from_a_position() -> None:
    data = b"\xff" + encode("string", "ab") + b"\x09"
    assert decode_partial_string(data) == ("ab", 4)
    with pytest.raises(DecodeError, match="outside"):
        TOKEN.decode_partial("string", data, 99)
    with pytest.raises(DecodeError, match="outside"):
        TOKEN.decode_partial("string", data, "1")  # type: ignore[arg-type]


def decode_partial_string(data: bytes) -> tuple[Any, int]:
    return TOKEN.decode_partial("string", data, 1)


def test_module_functions_use_the_given_abi() -> None:
    data = encode("transfer", TRANSFER, TOKEN)
    assert data == TOKEN.encode("transfer", TRANSFER)
    assert decode("transfer", data, TOKEN) == TRANSFER


def test_abi_def_is_described_by_an_abi() -> None:
    data = TOKEN.to_bytes()
    decoded = abi_def_abi().decode("abi_def", data)
    assert decoded["version"] == "eosio::abi/1.1"
    assert [s["name"] for s in decoded["structs"]] == [s.name for s in TOKEN.structs]


@pytest.mark.parametrize("text", ["1e400", "-1e400", "9" * 400])
def test_a_number_string_too_large_for_float64_is_refused(text: str) -> None:
    with pytest.raises(EncodeError, match="too large"):
        encode("float64", text)
    assert decode("float64", encode("float64", "-Infinity")) == "-Infinity"
