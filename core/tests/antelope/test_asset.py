"""Asset arithmetic and validation beyond the vectors, and property tests for the parsers and
decoders of SymbolCode, Symbol, Asset and ExtendedAsset."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sessionkit.antelope._asset import Asset, ExtendedAsset, Symbol, SymbolCode
from sessionkit.antelope._name import Name
from sessionkit.errors import DecodeError, InvalidAsset, InvalidName

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
codes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=7)
symbols = st.builds(Symbol, st.integers(min_value=0, max_value=18), codes)
units = st.integers(min_value=INT64_MIN, max_value=INT64_MAX)
assets = st.builds(Asset, units, symbols)
asset_like = st.text(alphabet="0123456789.- ,EOSXeo+", max_size=24)

EOS = Symbol(4, "EOS")


def test_exact_arithmetic() -> None:
    one = Asset.from_string("1.0000 EOS")
    tenth = Asset.from_string("0.1000 EOS")
    assert str(one + tenth) == "1.1000 EOS"
    assert str(tenth - one) == "-0.9000 EOS"
    assert str(-one) == "-1.0000 EOS"
    assert tenth < one <= one < one + tenth
    assert one.amount == Decimal("1.0000")
    assert Asset.from_amount("0.1", EOS) == tenth
    assert Asset.from_amount(Decimal("12.3456"), "4,EOS").units == 123456


def test_mixing_symbols_raises() -> None:
    eos = Asset.from_string("1.0000 EOS")
    wax = Asset.from_string("1.00000000 WAX")
    other_precision = Asset.from_string("1.000 EOS")
    for other in (wax, other_precision):
        with pytest.raises(InvalidAsset, match="symbols differ"):
            eos + other
        with pytest.raises(InvalidAsset):
            assert eos < other
    assert eos != other_precision


def test_overflow_raises() -> None:
    top = Asset(INT64_MAX, EOS)
    with pytest.raises(InvalidAsset):
        top + Asset(1, EOS)
    with pytest.raises(InvalidAsset):
        -Asset(INT64_MIN, EOS)
    with pytest.raises(InvalidAsset):
        Asset(INT64_MAX + 1, EOS)


@pytest.mark.parametrize("amount", ["0.00001", "x", "NaN", "Infinity"])
def test_from_amount_refuses_what_does_not_fit(amount: str) -> None:
    with pytest.raises(InvalidAsset):
        Asset.from_amount(amount, EOS)


@pytest.mark.parametrize(
    ("factory", "argument"),
    [
        (lambda value: Asset(value, EOS), 1.5),
        (lambda value: Asset(value, EOS), True),
        (lambda value: Symbol(value, "EOS"), 19),
        (lambda value: Symbol(value, "EOS"), -1),
        (SymbolCode, 0),
        (SymbolCode, 2**64),
        (SymbolCode, 1.0),
        (Asset.from_json, 10000),
        (Symbol.from_json, 4),
        (SymbolCode.from_json, None),
    ],
)
def test_bad_arguments_raise_invalid_asset(factory: object, argument: object) -> None:
    with pytest.raises(InvalidAsset):
        factory(argument)  # type: ignore[operator]


def test_extended_asset_json_shape() -> None:
    extended = ExtendedAsset("1.0000 EOS", "eosio.token")
    assert extended.to_json() == {"quantity": "1.0000 EOS", "contract": "eosio.token"}
    assert extended.contract == Name("eosio.token")
    assert ExtendedAsset.from_json(extended) is extended
    with pytest.raises(InvalidAsset):
        ExtendedAsset.from_json({"quantity": "1.0000 EOS"})
    with pytest.raises(InvalidName):
        ExtendedAsset.from_json({"quantity": "1.0000 EOS", "contract": "Token"})


def test_values_are_hashable_and_have_useful_reprs() -> None:
    asset = Asset.from_string("1.0000 EOS")
    assert {asset, Asset(10000, EOS)} == {asset}
    assert repr(asset) == "Asset.from_string('1.0000 EOS')"
    assert repr(EOS) == "Symbol(4, 'EOS')"
    assert repr(EOS.code) == "SymbolCode('EOS')"


@given(asset_like)
def test_asset_parser_gives_value_or_invalid_asset(text: str) -> None:
    try:
        asset = Asset.from_string(text)
    except InvalidAsset:
        return
    assert Asset.from_string(str(asset)) == asset


@given(assets)
def test_asset_string_and_binary_round_trip(asset: Asset) -> None:
    assert Asset.from_string(str(asset)) == asset
    assert Asset.from_abi(asset.to_abi()) == (asset, 16)


@given(st.binary(min_size=0, max_size=20))
def test_asset_decoder_gives_value_or_decode_error(data: bytes) -> None:
    try:
        asset, end = Asset.from_abi(data)
    except DecodeError:
        return
    assert asset.to_abi() == data[:end]
    assert Asset.from_string(asset.to_json()) == asset


@given(st.binary(min_size=8, max_size=8))
def test_symbol_decoders_give_value_or_decode_error(data: bytes) -> None:
    for kind in (Symbol, SymbolCode):
        try:
            value, end = kind.from_abi(data)
        except DecodeError:
            continue
        assert end == 8
        assert value.to_abi() == data
        assert kind.from_string(str(value)) == value


@given(st.text(max_size=12))
def test_symbol_parsers_give_value_or_invalid_asset(text: str) -> None:
    for kind in (Symbol, SymbolCode):
        try:
            value = kind.from_string(text)
        except InvalidAsset:
            continue
        assert str(value) == text


@given(st.binary(max_size=30))
def test_extended_asset_decoder(data: bytes) -> None:
    try:
        extended, end = ExtendedAsset.from_abi(data)
    except DecodeError:
        return
    assert extended.to_abi() == data[:end]
    assert ExtendedAsset.from_json(extended.to_json()) == extended


@pytest.mark.parametrize("bad", [None, ["EOS"], {"code": "EOS"}, 4])
def test_parsers_reject_non_strings(bad: object) -> None:
    for parse in (SymbolCode.from_string, Symbol.from_string, Asset.from_string):
        with pytest.raises(InvalidAsset):
            parse(bad)  # type: ignore[arg-type]


def test_sum_of_assets_needs_no_start_value() -> None:
    held = [Asset.from_string("1.0000 EOS"), Asset.from_string("2.5000 EOS")]
    assert sum(held) == Asset.from_string("3.5000 EOS")
    with pytest.raises(TypeError):
        _ = 1 + held[0]  # only zero is neutral; any other number has no unit


def test_sum_of_different_symbols_is_refused() -> None:
    with pytest.raises(InvalidAsset):
        sum([Asset.from_string("1.0000 EOS"), Asset.from_string("1.0000 WAX")])
