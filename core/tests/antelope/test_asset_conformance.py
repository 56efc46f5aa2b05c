"""assets.json, one test per vector.

Decision on ``lenient`` (README: a strict port may reject such input): every entry is rejected
with ``InvalidAsset``. Each is either not what a node would store (a 7+ letter code silently
cut, a precision wrapped modulo 256, bn.js parse artefacts such as ``"1e5 EOS"`` -> 245) or an
ambiguous spelling (``".5 EOS"``, ``"5. EOS"``, an empty code). Where the bytes the reference
produced are themselves a valid asset or symbol, decoding them still gives the recorded string;
bytes with an empty symbol code are a ``DecodeError`` (codes are 1 to 7 letters everywhere).
For ``"+5 EOS"`` the reference's bytes (4294967251 units) do not even match its own string
(``"-45 EOS"``); we decode the bytes as they are.
"""

from __future__ import annotations

from typing import Any

import pytest
from conformance_vectors import ids, load
from sessionkit.antelope._asset import Asset, ExtendedAsset, Symbol, SymbolCode
from sessionkit.errors import DecodeError, InvalidAsset, SessionKitError

ASSETS = load("assets.json")
KINDS: dict[str, type[Asset] | type[Symbol] | type[SymbolCode]] = {
    "asset": Asset,
    "symbol": Symbol,
    "symbol_code": SymbolCode,
}


@pytest.mark.conformance
@pytest.mark.parametrize("vector", ASSETS["assets"], ids=ids("string"))
def test_asset(vector: dict[str, Any]) -> None:
    asset = Asset.from_string(vector["string"])
    assert asset == Asset.from_json(vector["string"])
    assert asset.units == int(vector["units"])
    assert asset.symbol.precision == vector["precision"]
    assert str(asset.symbol.code) == vector["symbol_code"]
    assert str(asset.symbol) == vector["symbol"]
    assert int(asset.symbol) == int(vector["symbol_uint64"])
    assert asset.symbol.to_abi().hex() == vector["symbol_hex"]
    assert asset.to_abi().hex() == vector["hex"]
    decoded, end = Asset.from_abi(bytes.fromhex(vector["hex"]))
    assert (decoded, end) == (asset, 16)
    assert str(decoded) == decoded.to_json() == vector["to_string"]


@pytest.mark.conformance
@pytest.mark.parametrize("vector", ASSETS["symbols"], ids=ids("string"))
def test_symbol(vector: dict[str, Any]) -> None:
    symbol = Symbol.from_string(vector["string"])
    assert (symbol.precision, str(symbol.code)) == (vector["precision"], vector["code"])
    assert int(symbol) == int(vector["uint64"])
    assert Symbol.from_int(int(vector["uint64"])) == symbol
    assert symbol.to_abi().hex() == vector["hex"]
    decoded, end = Symbol.from_abi(bytes.fromhex(vector["hex"]))
    assert (decoded, end) == (symbol, 8)
    assert decoded.to_json() == vector["to_string"]


@pytest.mark.conformance
@pytest.mark.parametrize("vector", ASSETS["symbol_codes"], ids=ids("string"))
def test_symbol_code(vector: dict[str, Any]) -> None:
    code = SymbolCode.from_string(vector["string"])
    assert int(code) == int(vector["uint64"])
    assert SymbolCode(int(vector["uint64"])) == code
    assert code.to_abi().hex() == vector["hex"]
    decoded, end = SymbolCode.from_abi(bytes.fromhex(vector["hex"]))
    assert (decoded, end) == (code, 8)
    assert decoded.to_json() == vector["to_string"]


@pytest.mark.conformance
@pytest.mark.parametrize("vector", ASSETS["extended_assets"], ids=ids("json"))
def test_extended_asset(vector: dict[str, Any]) -> None:
    extended = ExtendedAsset.from_json(vector["json"])
    assert extended.to_abi().hex() == vector["hex"]
    decoded, end = ExtendedAsset.from_abi(bytes.fromhex(vector["hex"]))
    assert (decoded, end) == (extended, 24)
    assert decoded.to_json() == vector["to_json"]


@pytest.mark.conformance
@pytest.mark.parametrize("vector", ASSETS["rejected"], ids=ids("input"))
def test_rejected(vector: dict[str, Any]) -> None:
    kind = KINDS[vector["kind"]]
    with pytest.raises(InvalidAsset):
        kind.from_string(vector["input"])
    with pytest.raises(InvalidAsset):
        kind.from_json(vector["input"])


@pytest.mark.conformance
@pytest.mark.parametrize("vector", ASSETS["lenient"], ids=ids("input"))
def test_lenient_is_rejected_strictly(vector: dict[str, Any]) -> None:
    kind = KINDS[vector["kind"]]
    with pytest.raises(InvalidAsset):
        kind.from_string(vector["input"])
    data = bytes.fromhex(vector["hex"])
    try:
        canonical = kind.from_string(vector["to_string"])
    except SessionKitError:
        with pytest.raises(DecodeError):
            kind.from_abi(data)
    else:
        decoded, end = kind.from_abi(data)
        assert (decoded.to_abi(), end) == (data, len(data))
        if canonical.to_abi() == data:
            assert decoded == canonical
