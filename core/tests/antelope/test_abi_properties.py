"""Property tests: arbitrary bytes and JSON through every type of the eosio, eosio.token and
abi_def ABIs give a value or a ``sessionkit.errors`` exception, never anything else.

Decoding then encoding gives the same bytes, except for types that hold a ``time_point`` or
``float32``: the reference's JSON for those is lossy (milliseconds, seven decimals), so for them
the JSON is checked to be a fixed point instead.
"""

from __future__ import annotations

from typing import Any

import pytest
from conformance_vectors import load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sessionkit.antelope._abi import ABI
from sessionkit.antelope._abi._abidef import abi_def_abi
from sessionkit.errors import SessionKitError

VECTORS = load("abi.json")
ABIS = {name: ABI.from_json(VECTORS["abis"][name]) for name in ("eosio", "eosio.token")}
ABIS["abi_def"] = abi_def_abi()
LOSSY_BUILTINS = {"time_point", "float32"}
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _all_types(abi: ABI) -> list[str]:
    names = [t.new_type_name for t in abi.types] + [s.name for s in abi.structs]
    return names + [v.name for v in abi.variants]


def _uses_lossy_type(abi: ABI, type_name: str) -> bool:
    aliases = {t.new_type_name: t.type for t in abi.types}
    structs = {s.name: s for s in abi.structs}
    variants = {v.name: v.types for v in abi.variants}
    seen: set[str] = set()
    pending = [type_name]
    while pending:
        name = pending.pop().rstrip("$?").removesuffix("[]")
        if name in seen:
            continue
        seen.add(name)
        if name in aliases:
            pending.append(aliases[name])
        if name in structs:
            pending.extend(f.type for f in structs[name].fields)
            pending.append(structs[name].base or "bool")
        pending.extend(variants.get(name, ()))
    return bool(seen & LOSSY_BUILTINS)


CASES = [(abi_name, t) for abi_name, abi in ABIS.items() for t in _all_types(abi)]
SEEDS: dict[tuple[str, str], list[bytes]] = {}
for vector in VECTORS["vectors"]:
    SEEDS.setdefault((vector["abi"], vector["type"]), []).append(bytes.fromhex(vector["hex"]))
for vector in VECTORS["abi_def"]:
    SEEDS.setdefault(("abi_def", "abi_def"), []).append(bytes.fromhex(vector["hex"]))


def _varuint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    return bytes([*out, value])


def _sized(payload: bytes) -> bytes:
    return _varuint(len(payload)) + payload


def _vector_hexes(type_name: str) -> list[bytes]:
    found = [v["hex"] for v in VECTORS["vectors"] if v["abi"] is None and v["type"] == type_name]
    return [bytes.fromhex(h) for h in found]


_SYMBOLS = st.builds(
    lambda precision, code: bytes([precision]) + code.encode().ljust(7, b"\0"),
    st.integers(0, 18),
    st.text(alphabet="ABCDEZ", min_size=1, max_size=7),
)
_BUILTIN_BYTES: dict[str, st.SearchStrategy[bytes]] = {
    "bool": st.sampled_from([b"\0", b"\1"]),
    "varuint32": st.integers(0, 2**32 - 1).map(_varuint),
    "varint32": st.integers(0, 2**32 - 1).map(_varuint),
    "string": st.text(max_size=12).map(lambda text: _sized(text.encode())),
    "bytes": st.binary(max_size=12).map(_sized),
    "symbol": _SYMBOLS,
    "symbol_code": _SYMBOLS.map(lambda symbol: symbol[1:] + b"\0"),
    "asset": st.tuples(st.binary(min_size=8, max_size=8), _SYMBOLS).map(b"".join),
    "time_point": st.integers(0, 2**48).map(lambda us: us.to_bytes(8, "little")),
    "public_key": st.sampled_from(_vector_hexes("public_key")),
    "signature": st.sampled_from(_vector_hexes("signature")),
}
_SIZES = {"name": 8, "float32": 4, "float64": 8, "float128": 16, "time_point_sec": 4}
_SIZES |= {"block_timestamp_type": 4, "checksum160": 20, "checksum256": 32, "checksum512": 64}
_SIZES |= {f"{sign}int{bits}": bits // 8 for sign in ("", "u") for bits in (8, 16, 32, 64, 128)}


def _typed_bytes(abi: ABI, type_name: str) -> st.SearchStrategy[bytes]:
    """Bytes shaped like ``type_name`` (most decode), built from the ABI's definitions."""
    aliases = {t.new_type_name: t.type for t in abi.types}
    structs = {s.name: s for s in abi.structs}
    variants = {v.name: v.types for v in abi.variants}

    def fields_of(name: str) -> list[str]:
        struct = structs[name]
        return (fields_of(struct.base) if struct.base else []) + [f.type for f in struct.fields]

    def of(name: str) -> st.SearchStrategy[bytes]:
        if name.endswith("$"):
            return st.one_of(st.just(b""), of(name[:-1]))
        if name.endswith("?"):
            return st.one_of(st.just(b"\0"), of(name[:-1]).map(lambda inner: b"\1" + inner))
        if name.endswith("[]"):
            items = st.lists(of(name[:-2]), max_size=3)
            return items.map(lambda parts: _varuint(len(parts)) + b"".join(parts))
        if name in aliases:
            return of(aliases[name])
        if name in structs:
            return st.tuples(*(of(t) for t in fields_of(name))).map(b"".join)
        if name in variants:
            choices = [
                of(t).map(lambda inner, i=i: _varuint(i) + inner)
                for i, t in enumerate(variants[name])
            ]
            return st.one_of(choices)
        if name in _SIZES:
            return st.binary(min_size=_SIZES[name], max_size=_SIZES[name])
        return _BUILTIN_BYTES.get(name, st.binary(max_size=16))

    return of(type_name)


@st.composite
def _mutated(draw: st.DrawFn, source: st.SearchStrategy[bytes]) -> bytes:
    """A well-shaped encoding with a few bytes changed, cut short or extended."""
    data = bytearray(draw(source))
    for _ in range(draw(st.integers(0, 2))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut] if draw(st.booleans()) else data) + draw(st.binary(max_size=2))


def _byte_inputs(abi_name: str, type_name: str) -> st.SearchStrategy[bytes]:
    shaped = _typed_bytes(ABIS[abi_name], type_name)
    seeds = SEEDS.get((abi_name, type_name))
    sources = [shaped, shaped, _mutated(shaped), st.binary(max_size=64)]
    if seeds:
        sources.append(_mutated(st.sampled_from(seeds)))
    return st.one_of(sources)


def _check_decode(abi: ABI, type_name: str, data: bytes) -> None:
    try:
        value = abi.decode(type_name, data)
    except SessionKitError:
        return
    again = abi.encode(type_name, value)
    if _uses_lossy_type(abi, type_name):
        # Float JSON forms round (a tiny negative float32 reads "-0.0000000", which writes -0.0,
        # which reads "0.0000000", as in JavaScript): the second round trip is exact.
        assert len(again) == len(data)
        settled = abi.decode(type_name, again)
        assert abi.decode(type_name, abi.encode(type_name, settled)) == settled
    else:
        assert again == data


@pytest.mark.parametrize(("abi_name", "type_name"), CASES)
@SETTINGS
@given(data=st.data())
def test_random_bytes_decode_to_a_value_or_a_typed_error(
    abi_name: str, type_name: str, data: st.DataObject
) -> None:
    _check_decode(ABIS[abi_name], type_name, data.draw(_byte_inputs(abi_name, type_name)))


@SETTINGS
@given(
    data=st.one_of(
        _byte_inputs("abi_def", "abi_def"), _mutated(st.sampled_from(SEEDS[("abi_def", "abi_def")]))
    )
)
def test_abi_from_random_bytes(data: bytes) -> None:
    try:
        abi = ABI.from_bytes(data)
    except SessionKitError:
        return
    assert ABI.from_bytes(abi.to_bytes()) == abi


_JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**130), max_value=2**130),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["alice", "1.0000 EOS", "4,EOS", "EOS", "2020-01-01T00:00:00", "00ff", "-0"]),
)


def _json_values(field_names: list[str]) -> st.SearchStrategy[Any]:
    keys = st.sampled_from(field_names) if field_names else st.text(max_size=5)
    return st.recursive(
        _JSON_LEAVES,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(keys, inner, max_size=8),
            st.tuples(st.sampled_from(["uint8", "string", "name[]", "asset"]), inner),
        ),
        max_leaves=12,
    )


CUSTOM = ABI.from_json(VECTORS["abis"]["conformance.a"])
ENCODE_CASES = [("conformance.a", t) for t in _all_types(CUSTOM)] + [
    ("eosio.token", "transfer"),
    ("eosio", "newaccount"),
    ("eosio", "regproducer2"),
]
FIELD_NAMES = sorted(
    {f.name for abi in (CUSTOM, *ABIS.values()) for s in abi.structs for f in s.fields}
)


@pytest.mark.parametrize(("abi_name", "type_name"), ENCODE_CASES)
@SETTINGS
@given(value=_json_values(FIELD_NAMES))
def test_arbitrary_json_encodes_or_raises_a_typed_error(
    abi_name: str, type_name: str, value: Any
) -> None:
    abi = CUSTOM if abi_name == "conformance.a" else ABIS[abi_name]
    try:
        data = abi.encode(type_name, value)
    except SessionKitError:
        return
    decoded = abi.decode(type_name, data)
    assert abi.decode(type_name, abi.encode(type_name, decoded)) == decoded


BUILTINS = [
    "bool", "int8", "uint16", "int64", "uint128", "varint32", "varuint32", "float32", "float64",
    "float128", "time_point", "time_point_sec", "block_timestamp_type", "name", "bytes", "string",
    "checksum256", "public_key", "signature", "symbol", "symbol_code", "asset", "extended_asset",
]  # fmt: skip


@pytest.mark.parametrize("type_name", BUILTINS)
@SETTINGS
@given(data=st.binary(max_size=80), value=_JSON_LEAVES)
def test_builtins_with_arbitrary_input(type_name: str, data: bytes, value: Any) -> None:
    _check_decode(CUSTOM, type_name, data)
    _check_decode(CUSTOM, type_name + "[]", data)
    try:
        encoded = CUSTOM.encode(type_name, value)
    except SessionKitError:
        return
    decoded = CUSTOM.decode(type_name, encoded)
    # A float JSON form may round once (a tiny negative float32: "-0.0000000", then "0.0000000").
    settled = CUSTOM.decode(type_name, CUSTOM.encode(type_name, decoded))
    assert CUSTOM.decode(type_name, CUSTOM.encode(type_name, settled)) == settled
    if not type_name.startswith("float"):
        assert settled == decoded
