"""Hostile input to the antelope types (issue 7): bounded time and memory, only our errors.

Each class of the issue has its regression examples and a property: ABI decodes whose items
read no bytes or that grow exponentially, ABIs that compile slowly or hold huge type names,
Python's int() digit limit and str-vs-bytes slips, private keys echoed in error messages, and
a small packed transaction whose id needed all of its actions.
"""

from __future__ import annotations

import gc
import hashlib
import struct
import time
import tracemalloc
import zlib
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sessionkit.antelope import (
    ABI,
    Asset,
    Checksum256,
    CompressionType,
    Name,
    PackedTransaction,
    PermissionLevel,
    PrivateKey,
    PublicKey,
    Signature,
    Symbol,
    SymbolCode,
    TimePoint,
    TimePointSec,
    Transaction,
)
from sessionkit.antelope._abi._types import TypeTable
from sessionkit.errors import (
    ABIError,
    DecodeError,
    EncodeError,
    InvalidValue,
    SessionKitError,
)

#: The builtin types need no contract ABI: an empty one knows them all.
BUILTINS = ABI()
encode = BUILTINS.encode
decode = BUILTINS.decode

if TYPE_CHECKING:
    from collections.abc import Callable

# CPU seconds, generous: the bounded operations take well under 50 ms.
FAST = 1.0


def timed(call: Callable[[], object]) -> tuple[object, float]:
    """What ``call`` returned or raised (a SessionKitError), and the CPU seconds it took (the
    CPU time of this process, so that other work on a shared machine does not count)."""
    started = time.process_time()
    try:
        result: object = call()
    except SessionKitError as exc:
        result = exc
    return result, time.process_time() - started


def make_abi(*structs: tuple[str, str, list[tuple[str, str]]], **extra: Any) -> ABI:
    return ABI.from_json(
        {
            "version": "eosio::abi/1.1",
            "structs": [
                {"name": name, "base": base, "fields": [{"name": f, "type": t} for f, t in fields]}
                for name, base, fields in structs
            ],
            **extra,
        }
    )


# -- ABI decode: bounded work ----------------------------------------------------------------

EMPTY = make_abi(
    ("empty", "", []),
    ("tail", "", [("a", "uint8$")]),
    ("tails", "", [("a", "bool$"), ("b", "empty$")]),
)


def doubling(levels: int, leaf: str = "bool$") -> ABI:
    """``s<i>`` holds two copies of ``s<i-1>``: 2**levels leaves of ``leaf``."""
    structs = [("empty", "", []), ("s0", "", [("a", leaf)])]
    structs += [(f"s{i}", "", [("a", f"s{i - 1}"), ("b", f"s{i - 1}")]) for i in range(1, levels)]
    return make_abi(*structs)


@pytest.mark.parametrize(
    ("abi", "type_name"),
    [
        (BUILTINS, "bool$[999999][999999]"),
        (BUILTINS, "uint64$[999999][999999]"),
        (BUILTINS, "bool[0][999999][999999]"),
        (EMPTY, "empty[999999][999999]"),
        (EMPTY, "empty[999999]"),
        (EMPTY, "tail[999999][999999]"),
        (EMPTY, "tails[65535][65535][65535]"),
        (EMPTY, "empty$[999999][999999]"),
        (doubling(60), "s59"),
        (doubling(60, "empty"), "s59"),
        (doubling(60), "s59[999999]"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
@pytest.mark.parametrize("data", [b"", b"\x00" * 8, b"\x01" * 64])
def test_decodes_whose_items_read_no_bytes_stop_within_milliseconds(
    abi: ABI, type_name: str, data: bytes
) -> None:
    if type_name == "s59":
        abi.decode("s0", b"")  # compile first: the decode alone is what must be fast
    found, seconds = timed(lambda: abi.decode(type_name, data))
    assert isinstance(found, DecodeError), found
    assert seconds < FAST
    assert "values that occupy no bytes" in str(found) or "remaining data" in str(found)


def test_a_legitimate_decode_of_empty_values_still_works() -> None:
    assert decode("bool$[3]", b"") == [None, None, None]
    assert EMPTY.decode("empty[2]", b"") == [{}, {}]
    assert EMPTY.decode("tail[]", b"\x01\x05") == [{"a": 5}]
    assert EMPTY.decode("tails", b"") == {"a": None, "b": None}
    leaf = {"a": None}
    assert doubling(3).decode("s2", b"") == {
        "a": {"a": leaf, "b": leaf},
        "b": {"a": leaf, "b": leaf},
    }


def test_the_budget_grows_with_the_input() -> None:
    """A long input may hold more values that occupy no bytes (16 per byte, at least 4096)."""
    abi = make_abi(("empty", "", []), ("padded", "", [("pad", "bytes"), ("e", "empty[6000]")]))
    assert len(EMPTY.decode("empty[2000]", b"")) == 2000  # 2 values each: the item, its struct
    assert isinstance(timed(lambda: EMPTY.decode("empty[3000]", b""))[0], DecodeError)
    short, long = b"\x10" + bytes(16), b"\xe8\x07" + bytes(1000)
    assert isinstance(timed(lambda: abi.decode("padded", short))[0], DecodeError)
    assert len(abi.decode("padded", long)["e"]) == 6000
    # An array cannot claim more items than bytes are left, whatever its items.
    assert isinstance(timed(lambda: EMPTY.decode("empty[]", b"\x02"))[0], DecodeError)


def test_encoding_an_exponential_value_stops_too() -> None:
    value: dict[str, Any] = {}
    for _ in range(59):
        value = {"a": value, "b": value}
    abi = doubling(60)
    found, seconds = timed(lambda: abi.encode("s59", value))
    assert isinstance(found, EncodeError)
    assert seconds < FAST * 3


TYPE_POOL = ["bool", "uint8", "empty", "tail", "string", "varuint32"]


@st.composite
def hostile_abis(draw: st.DrawFn) -> tuple[ABI, str]:
    """A few structs built from builtins and the previous structs, under every wrapper."""
    wrappers = st.lists(st.sampled_from(["[]", "?", "$", "[0]", "[1]", "[7]", "[65535]"]))
    pool = list(TYPE_POOL)
    structs = [("empty", "", []), ("tail", "", [("t", "bool$")])]
    for i in range(draw(st.integers(1, 6))):
        fields = [
            (f"f{j}", draw(st.sampled_from(pool)) + "".join(draw(wrappers.map(lambda w: w[:3]))))
            for j in range(draw(st.integers(0, 3)))
        ]
        if draw(st.booleans()):
            fields.append(("x", draw(st.sampled_from(pool)) + "$"))
        structs.append((f"s{i}", "", fields))
        pool.append(f"s{i}")
    root = draw(st.sampled_from(pool)) + "".join(draw(wrappers.map(lambda w: w[:3])))
    return make_abi(*structs), root


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_abis(), st.binary(max_size=64))
@example((doubling(40), "s39"), b"")
def test_any_decode_is_a_value_or_an_error_within_milliseconds(
    abi_and_type: tuple[ABI, str], data: bytes
) -> None:
    abi, type_name = abi_and_type
    try:
        abi.resolve_type(type_name)
        abi.decode("empty", b"")
    except ABIError:
        return
    found, seconds = timed(lambda: abi.decode(type_name, data))
    assert seconds < FAST, (type_name, seconds)
    assert not isinstance(found, SessionKitError) or isinstance(found, DecodeError | ABIError)


# -- ABI compile: linear, and cheap for huge names ------------------------------------------


def base_chain(length: int) -> ABI:
    structs = [("b0", "", [("f0", "uint8")])]
    structs += [(f"b{i}", f"b{i - 1}", [(f"f{i}", "uint8")]) for i in range(1, length)]
    return make_abi(*structs)


def test_a_chain_of_800_structs_with_bases_compiles_at_once() -> None:
    found, seconds = timed(lambda: base_chain(800).decode("b799", bytes(800)))
    assert isinstance(found, ABIError)
    assert "more than 64 levels of base structs" in str(found)
    assert seconds < FAST
    assert base_chain(60).decode("b59", bytes(60)) == {f"f{i}": 0 for i in range(60)}


def ring(count: int) -> ABI:
    """A ring of ``count`` structs: each holds two of the previous (a DAG, exponential if walked
    as a tree) and one of the next, so the first use compiles every struct."""
    structs = [("d0", "", [("x", "uint8")])]
    structs += [
        (f"d{i}", "", [("a", f"d{i - 1}?"), ("b", f"d{i - 1}?"), ("n", f"d{(i + 1) % count}?")])
        for i in range(1, count)
    ]
    return make_abi(*structs)


def compile_seconds(count: int) -> float:
    """CPU seconds to compile a ring of ``count`` structs, best of five, with the garbage
    collector off (its full passes grow with the heap, not with our work)."""
    best = float("inf")
    for _ in range(5):
        abi = ring(count)
        gc.collect()
        gc.disable()
        try:
            started = time.process_time()
            found = abi.decode(f"d{count - 1}", b"\x00\x00\x00")
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
        assert found == {"a": None, "b": None, "n": None}
    return best


def test_compiling_is_linear_in_the_size_of_the_abi() -> None:
    small, large = compile_seconds(200), compile_seconds(1600)
    assert small < FAST
    assert large / small < 32, (small, large)  # 8 times the structs: 8x linear, 64x quadratic


def test_compiling_looks_each_type_up_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same claim without a clock: the type lookups grow as the ABI does."""
    lookups = 0
    resolve = TypeTable.resolve

    def counting(self: TypeTable, type_name: str) -> Any:
        nonlocal lookups
        lookups += 1
        return resolve(self, type_name)

    monkeypatch.setattr(TypeTable, "resolve", counting)
    counts = []
    for count in (400, 3200):
        lookups = 0
        assert ring(count).decode(f"d{count - 1}", b"\x00\x00\x00") is not None
        counts.append(lookups)
    assert counts[1] <= 8 * counts[0] + 64, counts
    assert counts[1] <= 16 * 3200, counts


@pytest.mark.parametrize(
    "json_abi",
    [
        {"types": [{"new_type_name": "x", "type": "a" * 1_000_000}]},
        {"types": [{"new_type_name": "x", "type": "uint8" + "[]" * 500_000}]},
        {"structs": [{"name": "s", "base": "", "fields": [{"name": "f", "type": "b" * 10**6}]}]},
        {"structs": [{"name": "s", "base": "c" * 1_000_000, "fields": []}]},
    ],
    ids=["alias", "wrappers", "field", "base"],
)
def test_a_1_mb_type_name_costs_little(json_abi: dict[str, Any]) -> None:
    name = "x" if "types" in json_abi else "s"
    tracemalloc.start()
    try:
        found, seconds = timed(lambda: ABI.from_json(json_abi).decode(name, b""))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(found, ABIError)
    assert "at most 1024" in str(found) or "unknown base 'cccc" in str(found)
    assert len(str(found)) < 300
    assert seconds < FAST
    assert peak < 32 * 1024 * 1024


def test_a_1_mb_type_name_given_directly_costs_little() -> None:
    for type_name in ("uint8" + "[]" * 500_000, "z" * 1_000_000, "?" * 1_000_000):
        found, seconds = timed(lambda t=type_name: decode(t, b""))  # type: ignore[misc]
        assert isinstance(found, ABIError)
        assert seconds < FAST


# -- int() limits and str / bytes slips ---------------------------------------------------------

DIGITS = "9" * 5000
KEY = PrivateKey.from_string("PVT_K1_2Uew3LyC8KRRXrnqiN4RmMP2nqR1tVY5gAjXMJkdtFVTthdRtJ")
WIF = KEY.to_wif()

SLIPS: list[tuple[str, Callable[[], object]]] = [
    ("asset-digits", lambda: Asset.from_string(DIGITS + ".0000 EOS")),
    ("asset-decimals", lambda: Asset.from_string("1." + DIGITS + " EOS")),
    ("asset-int", lambda: Asset(10**5000, Symbol.from_string("4,EOS"))),
    ("asset-json", lambda: Asset.from_json(DIGITS + " EOS")),
    ("asset-bytes", lambda: Asset.from_string(b"1.0000 EOS")),  # type: ignore[arg-type]
    ("symbol-precision", lambda: Symbol.from_string(DIGITS + ",EOS")),
    ("symbol-code-int", lambda: SymbolCode(10**5000)),
    ("uint64-str", lambda: encode("uint64", DIGITS)),
    ("int64-int", lambda: encode("int64", 10**5000)),
    ("varuint32-str", lambda: encode("varuint32", DIGITS)),
    ("varint32-str", lambda: encode("varint32", "-" + DIGITS)),
    ("uint128-str", lambda: encode("uint128", DIGITS)),
    ("int128-bytes", lambda: encode("int128", b"12")),
    ("uint8-bytes", lambda: encode("uint8", b"\x01")),
    ("float64-digits", lambda: encode("float64", DIGITS)),
    ("float64-bytes", lambda: encode("float64", b"1.5")),
    ("name-from-int-big", lambda: Name.from_int(10**5000)),
    ("name-from-int-str", lambda: Name.from_int("12")),  # type: ignore[arg-type]
    ("name-bytes", lambda: Name(b"alice")),  # type: ignore[arg-type]
    ("timepoint-big", lambda: TimePoint(10**5000)),
    ("timepoint-digits", lambda: TimePoint.from_string(DIGITS)),
    ("timepoint-json", lambda: TimePoint.from_json(DIGITS)),
    ("timepoint-bytes", lambda: TimePoint.from_string(b"2020-01-01T00:00:00")),  # type: ignore[arg-type]
    ("timepointsec-digits", lambda: TimePointSec.from_string("2020-01-01T00:00:0" + DIGITS)),
    ("timepointsec-big", lambda: TimePointSec(10**5000)),
    ("abi-bytes-utf8", lambda: ABI.from_json(b'{"version": "\xff"}')),
    ("abi-bytes-digits", lambda: ABI.from_json(b'{"version": ' + DIGITS.encode() + b"}")),
    ("abi-bytes-deep", lambda: ABI.from_json(b"[" * 100_000)),
    ("abi-int", lambda: ABI.from_json(5)),  # type: ignore[arg-type]
    ("sign-message-str", lambda: KEY.sign_message("hello")),  # type: ignore[arg-type]
    ("sign-digest-str", lambda: KEY.sign_digest("ab" * 32)),  # type: ignore[arg-type]
    ("hash-str", lambda: Checksum256.hash("hello")),  # type: ignore[arg-type]
    ("shared-secret-private", lambda: KEY.shared_secret(WIF)),
    ("shared-secret-bytes", lambda: KEY.shared_secret(b"\x02" * 33)),  # type: ignore[arg-type]
    ("shared-secret-garbage", lambda: KEY.shared_secret("EOS" + DIGITS)),
    ("public-key-digits", lambda: PublicKey.from_string("PUB_K1_" + DIGITS)),
    ("signature-digits", lambda: Signature.from_string("SIG_K1_" + DIGITS)),
    ("private-key-bytes", lambda: PrivateKey.from_string(WIF.encode())),  # type: ignore[arg-type]
    ("checksum-digits", lambda: Checksum256.from_string(DIGITS)),
    ("permission-bytes", lambda: PermissionLevel.from_string(b"alice@active")),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("call", [c[1] for c in SLIPS], ids=[c[0] for c in SLIPS])
def test_int_limits_and_str_bytes_slips_are_invalid_values(call: Callable[[], object]) -> None:
    with pytest.raises(InvalidValue) as caught:
        call()
    message = str(caught.value)
    assert len(message) < 600
    assert DIGITS[:200] not in message


def test_the_right_types_still_work() -> None:
    assert KEY.shared_secret(KEY.public_key) == KEY.shared_secret(str(KEY.public_key))
    assert KEY.sign_message(b"hello").recover(Checksum256.hash(b"hello")) == KEY.public_key
    assert ABI.from_json(b'{"version": "eosio::abi/1.1"}').version == "eosio::abi/1.1"
    assert Name.from_int(2**64 - 1) == Name.from_int(0xFFFFFFFFFFFFFFFF)
    assert encode("uint128", str(2**128 - 1)) == b"\xff" * 16


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        [
            "int8",
            "uint16",
            "int32",
            "uint64",
            "int128",
            "varuint32",
            "varint32",
            "float32",
            "float64",
            "name",
            "asset",
            "symbol",
            "time_point",
            "time_point_sec",
            "checksum256",
            "public_key",
            "signature",
            "block_timestamp_type",
            "symbol_code",
            "bytes",
            "string",
        ]
    ),
    st.integers(min_value=-(10**5000), max_value=10**5000)
    | st.text(alphabet="0123456789-.e ", max_size=5000)
    | st.binary(max_size=40)
    | st.floats(allow_nan=True)
    | st.booleans()
    | st.none()
    | st.lists(st.integers(), max_size=3),
)
@example("uint64", DIGITS)
@example("asset", DIGITS + " EOS")
@example("time_point", DIGITS)
def test_any_value_encodes_or_raises_an_encode_error(type_name: str, value: object) -> None:
    try:
        data: bytes | EncodeError = encode(type_name, value)
    except EncodeError as exc:
        data = exc
    assert isinstance(data, bytes) or len(str(data)) < 600


# -- private keys stay out of error messages -------------------------------------------------

PARSERS: list[Callable[[str], object]] = [
    Name.from_string,
    Asset.from_string,
    Symbol.from_string,
    SymbolCode.from_string,
    Checksum256.from_string,
    PermissionLevel.from_string,
    PublicKey.from_string,
    Signature.from_string,
    TimePoint.from_string,
    lambda text: encode("name", text),
    lambda text: encode("asset", text),
    lambda text: encode("checksum256", text),
    lambda text: encode("public_key", text),
    lambda text: encode("uint64", text),
]


def key_spellings(key: PrivateKey) -> list[str]:
    wif = key.to_wif()
    pvt = key.to_string()
    return [wif, pvt, f"{wif} EOS", f"1.0000 {wif}", f"{wif}@active", f"alice@{pvt}", wif[:-1]]


@pytest.mark.parametrize("parse", PARSERS)
@settings(max_examples=25, deadline=None)
@given(st.binary(min_size=32, max_size=32).filter(lambda b: int.from_bytes(b, "big") > 0))
def test_a_private_key_never_reaches_an_error_message(
    parse: Callable[[str], object], secret: bytes
) -> None:
    try:
        key = PrivateKey.from_bytes(secret)
    except InvalidValue:
        return
    secret_parts = (key.to_wif()[10:40], key.to_string()[10:40])
    for text in key_spellings(key):
        try:
            parse(text)
        except SessionKitError as exc:
            shown = f"{exc} {exc!r} {exc.args}"
            assert not any(part in shown for part in secret_parts), shown
        else:
            pytest.fail(f"{text[:4]}... parsed as a value")


# -- the id of a packed transaction ---------------------------------------------------------


def many_actions(count: int) -> bytes:
    """A packed transaction of ``count`` actions with no authorization and no data."""
    header = struct.pack("<IHI", 1_700_000_000, 1, 2) + b"\x00\x00\x00" + b"\x00"
    action = encode("name", "eosio.token") + encode("name", "open") + b"\x00\x00"
    return header + varuint(count) + action * count + b"\x00"


def varuint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def test_the_layout_of_many_actions_is_a_transaction() -> None:
    transaction = Transaction.from_bytes(many_actions(3))
    assert len(transaction.actions) == 3
    assert transaction.actions[0].account == "eosio.token"


def test_the_id_of_an_8_kb_packed_transaction_is_cheap() -> None:
    inflated = many_actions(180_000)  # 3.2 MB of 180,000 actions
    packed_trx = zlib.compress(inflated, 9)
    assert len(packed_trx) < 8_200
    packed = PackedTransaction([], CompressionType.ZLIB, b"", packed_trx)
    found, seconds = timed(lambda: packed.id)  # unpack() takes seconds and hundreds of MB
    assert found == Checksum256(hashlib.sha256(inflated).digest())
    assert seconds < FAST
    tracemalloc.start()
    try:
        assert packed.id == found
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024  # the inflated bytes, and no action objects


@pytest.mark.parametrize(
    "packed_trx",
    [many_actions(10)[:-1], many_actions(10) + b"\x00", b"", b"\xff" * 20, many_actions(10)[:30]],
    ids=["short", "trailing", "empty", "garbage", "cut"],
)
def test_the_id_of_bytes_that_are_not_one_transaction_is_a_decode_error(
    packed_trx: bytes,
) -> None:
    packed = PackedTransaction([], CompressionType.NONE, b"", packed_trx)
    with pytest.raises(DecodeError):
        packed.id  # noqa: B018


def test_a_zlib_bomb_in_packed_trx_is_refused() -> None:
    bomb = zlib.compress(bytes(64 << 20), 9)
    packed = PackedTransaction([], CompressionType.ZLIB, b"", bomb)
    found, seconds = timed(lambda: packed.id)
    assert isinstance(found, DecodeError)
    assert seconds < FAST
