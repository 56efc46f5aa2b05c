"""Token amounts: ``SymbolCode`` ("EOS"), ``Symbol`` ("4,EOS"), ``Asset`` ("1.0000 EOS") and
``ExtendedAsset`` (an asset plus its token contract).

Amounts are integers of the smallest unit (``units``); nothing here ever uses a float. Parsing
is strict: a symbol code is 1 to 7 letters A-Z, a precision 0 to 18, units fit an int64, and the
string form is exactly ``[-]digits[.digits] CODE`` (the reference's lenient forms such as
``".5 EOS"`` or ``"1.0000 TOOLONGSYM"`` are rejected). Decoding applies the same rules.
"""

from __future__ import annotations

import re
import struct
from decimal import Decimal, localcontext
from functools import lru_cache
from typing import Self

from sessionkit._redact import shown
from sessionkit.antelope._name import Name
from sessionkit.antelope._wire import bad_arguments
from sessionkit.errors import DecodeError, InvalidAsset

__all__ = ["SymbolCode", "Symbol", "Asset", "ExtendedAsset"]

MAX_PRECISION = 18
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_INT64_DIGITS = len(str(_INT64_MAX))
_UINT64_MAX = 2**64 - 1
_UINT64 = struct.Struct("<Q")
_ASSET = struct.Struct("<qQ")
_CODE = re.compile(r"[A-Z]{1,7}")
_SYMBOL = re.compile(r"([0-9]{1,2}),([A-Z]{1,7})")
_AMOUNT = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))? ([A-Z]{1,7})")


def _code_text(value: int) -> str | None:
    """The letters of a packed symbol code, or None if it is not 1-7 letters then zeros."""
    raw = value.to_bytes(8, "little").rstrip(b"\0")
    if not 1 <= len(raw) <= 7 or not raw.isalpha() or not raw.isupper():
        return None
    return raw.decode("ascii")


@lru_cache(maxsize=1024)
def _code_value(text: str) -> int:
    if _CODE.fullmatch(text) is None:
        raise InvalidAsset(f"{shown(text)} is not a symbol code: use 1 to 7 uppercase letters A-Z")
    return int.from_bytes(text.encode("ascii"), "little")


class SymbolCode:
    """A token's symbol code such as ``EOS``: 1 to 7 letters A-Z packed into a uint64."""

    __slots__ = ("_text", "_value")

    _text: str
    _value: int

    def __init__(self, value: str | int | SymbolCode) -> None:
        if isinstance(value, SymbolCode):
            self._value, self._text = value._value, value._text
        elif isinstance(value, str):
            self._value, self._text = _code_value(value), value
        elif isinstance(value, int) and not isinstance(value, bool):
            self._value, self._text = value, self._text_of(value)
        else:
            raise InvalidAsset(f"a symbol code is a string or a uint64, not {type(value).__name__}")

    @staticmethod
    def _text_of(value: int) -> str:
        text = _code_text(value) if 0 <= value < 2**56 else None
        if text is None:
            raise InvalidAsset(f"{shown(value)} is not a packed symbol code of 1 to 7 letters A-Z")
        return text

    @classmethod
    def _make(cls, value: int, text: str) -> Self:
        code = object.__new__(cls)
        code._value = value
        code._text = text
        return code

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Parse ``"EOS"``: 1 to 7 uppercase letters."""
        if not isinstance(text, str):
            raise InvalidAsset(f"a symbol code is a string like 'EOS', not {shown(text)}")
        return cls._make(_code_value(text), text)

    @classmethod
    def from_json(cls, value: object) -> Self:
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise InvalidAsset(f"a symbol code in JSON is a string, not {type(value).__name__}")
        return cls.from_string(value)

    def to_json(self) -> str:
        return self._text

    def to_abi(self) -> bytes:
        return _UINT64.pack(self._value)

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        try:
            if pos < 0 or len(data) - pos < 8:
                raise DecodeError("truncated symbol_code: 8 bytes are needed")
            (value,) = _UINT64.unpack_from(data, pos)
        except (TypeError, ArithmeticError):
            raise bad_arguments(data, pos, "symbol_code") from None
        text = _code_text(value)
        if text is None:
            raise DecodeError("invalid symbol_code: expected 1 to 7 letters A-Z then zero bytes")
        return cls._make(value, text), pos + 8

    @property
    def value(self) -> int:
        return self._value

    def __int__(self) -> int:
        return self._value

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"SymbolCode({self._text!r})"

    def __hash__(self) -> int:
        return hash(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SymbolCode):
            return self._value == other._value
        return NotImplemented


class Symbol:
    """A precision (0 to 18 decimals) and a symbol code, written ``"4,EOS"``."""

    __slots__ = ("_code", "_precision", "_value")

    _code: SymbolCode
    _precision: int
    _value: int

    def __init__(self, precision: int, code: SymbolCode | str) -> None:
        if isinstance(precision, bool) or not isinstance(precision, int):
            raise InvalidAsset(f"a symbol precision is an integer, not {shown(precision)}")
        if not 0 <= precision <= MAX_PRECISION:
            raise InvalidAsset(f"symbol precision {shown(precision)} is out of range: use 0 to 18")
        self._precision = precision
        self._code = code if isinstance(code, SymbolCode) else SymbolCode(code)
        self._value = precision | self._code._value << 8

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Parse ``"4,EOS"``."""
        match = _SYMBOL.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidAsset(
                f"{shown(text)} is not a symbol: write precision,CODE such as '4,EOS'"
            )
        return cls(int(match[1]), SymbolCode.from_string(match[2]))

    @classmethod
    def from_int(cls, value: int) -> Self:
        """The symbol packed in a uint64 (precision in the low byte)."""
        if type(value) is not int or not 0 <= value <= _UINT64_MAX:
            raise InvalidAsset(f"a packed symbol is an integer in [0, 2**64), not {shown(value)}")
        return cls(value & 0xFF, SymbolCode(value >> 8))

    @classmethod
    def from_json(cls, value: object) -> Self:
        if isinstance(value, cls):
            return value
        if not isinstance(value, str):
            raise InvalidAsset(f"a symbol in JSON is a string like '4,EOS', not {shown(value)}")
        return cls.from_string(value)

    def to_json(self) -> str:
        return str(self)

    def to_abi(self) -> bytes:
        return _UINT64.pack(self._value)

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Symbol, int]:
        try:
            if pos < 0 or len(data) - pos < 8:
                raise DecodeError("truncated symbol: 8 bytes are needed")
            (value,) = _UINT64.unpack_from(data, pos)
        except (TypeError, ArithmeticError):
            raise bad_arguments(data, pos, "symbol") from None
        return _symbol_from_packed(value), pos + 8

    @property
    def precision(self) -> int:
        return self._precision

    @property
    def code(self) -> SymbolCode:
        return self._code

    def __int__(self) -> int:
        return self._value

    def __str__(self) -> str:
        return f"{self._precision},{self._code._text}"

    def __repr__(self) -> str:
        return f"Symbol({self._precision}, {self._code._text!r})"

    def __hash__(self) -> int:
        return hash(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Symbol):
            return self._value == other._value
        return NotImplemented


@lru_cache(maxsize=1024)
def _symbol_from_packed(value: int) -> Symbol:
    precision = value & 0xFF
    text = _code_text(value >> 8)
    if precision > MAX_PRECISION or text is None:
        raise DecodeError("invalid symbol: precision above 18 or a code that is not 1-7 letters")
    return Symbol(precision, SymbolCode._make(value >> 8, text))


class Asset:
    """An exact token amount: ``units`` of the smallest unit of ``symbol``.

    ``Asset.from_string("1.0000 EOS")`` has 10000 units of ``4,EOS``. Assets of the same symbol
    add, subtract and compare; mixing symbols raises ``InvalidAsset``.
    """

    __slots__ = ("_symbol", "_units")

    _symbol: Symbol
    _units: int

    def __init__(self, units: int, symbol: Symbol | str) -> None:
        if isinstance(units, bool) or not isinstance(units, int):
            raise InvalidAsset(
                f"asset units are an integer of the smallest unit, not {shown(units)}"
            )
        self._units = _checked_units(units)
        self._symbol = symbol if isinstance(symbol, Symbol) else Symbol.from_string(symbol)

    @classmethod
    def _make(cls, units: int, symbol: Symbol) -> Self:
        asset = object.__new__(cls)
        asset._units = units
        asset._symbol = symbol
        return asset

    @classmethod
    def from_string(cls, text: str) -> Asset:
        """Parse ``"1.0000 EOS"``: the number of decimals sets the precision."""
        if not isinstance(text, str):
            raise InvalidAsset(f"an asset is a string like '1.0000 EOS', not {shown(text)}")
        return _parse_asset(text)

    @classmethod
    def from_amount(cls, amount: Decimal | int | str, symbol: Symbol | str) -> Self:
        """The asset of ``amount`` whole tokens; raises if it has more decimals than allowed."""
        symbol = symbol if isinstance(symbol, Symbol) else Symbol.from_string(symbol)
        return cls._make(_checked_units(_units_of(amount, symbol)), symbol)

    @classmethod
    def from_json(cls, value: object) -> Asset:
        if isinstance(value, Asset):
            return value
        if not isinstance(value, str):
            raise InvalidAsset(
                f"an asset in JSON is a string like '1.0000 EOS', not {shown(value)}"
            )
        return _parse_asset(value)

    def to_json(self) -> str:
        return str(self)

    def to_abi(self) -> bytes:
        return _ASSET.pack(self._units, self._symbol._value)

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        try:
            if pos < 0 or len(data) - pos < 16:
                raise DecodeError("truncated asset: 16 bytes are needed")
            units, packed = _ASSET.unpack_from(data, pos)
        except (TypeError, ArithmeticError):
            raise bad_arguments(data, pos, "asset") from None
        return cls._make(units, _symbol_from_packed(packed)), pos + 16

    @property
    def units(self) -> int:
        """The amount in the smallest unit (10000 for ``1.0000 EOS``)."""
        return self._units

    @property
    def symbol(self) -> Symbol:
        return self._symbol

    @property
    def amount(self) -> Decimal:
        """The exact amount in whole tokens (``Decimal("1.0000")`` for ``1.0000 EOS``)."""
        return Decimal(self._units).scaleb(-self._symbol._precision)

    def __str__(self) -> str:
        return _format(self._units, self._symbol._precision, self._symbol._code._text)

    def __repr__(self) -> str:
        return f"Asset.from_string({str(self)!r})"

    def __hash__(self) -> int:
        return hash((self._units, self._symbol._value))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Asset):
            return self._units == other._units and self._symbol == other._symbol
        return NotImplemented

    def _same_symbol(self, other: Asset, operation: str) -> None:
        if self._symbol != other._symbol:
            raise InvalidAsset(f"cannot {operation} {self} and {other}: the symbols differ")

    def __add__(self, other: Asset) -> Asset:
        if not isinstance(other, Asset):
            return NotImplemented
        self._same_symbol(other, "add")
        return Asset._make(_checked_units(self._units + other._units), self._symbol)

    def __radd__(self, other: object) -> Asset:
        """``0 + asset`` is the asset, so that ``sum(assets)`` works without a start value."""
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Asset) -> Asset:
        if not isinstance(other, Asset):
            return NotImplemented
        self._same_symbol(other, "subtract")
        return Asset._make(_checked_units(self._units - other._units), self._symbol)

    def __neg__(self) -> Asset:
        return Asset._make(_checked_units(-self._units), self._symbol)

    def __lt__(self, other: Asset) -> bool:
        if not isinstance(other, Asset):
            return NotImplemented
        self._same_symbol(other, "compare")
        return self._units < other._units

    def __le__(self, other: Asset) -> bool:
        if not isinstance(other, Asset):
            return NotImplemented
        self._same_symbol(other, "compare")
        return self._units <= other._units

    def __gt__(self, other: Asset) -> bool:
        if not isinstance(other, Asset):
            return NotImplemented
        self._same_symbol(other, "compare")
        return self._units > other._units

    def __ge__(self, other: Asset) -> bool:
        if not isinstance(other, Asset):
            return NotImplemented
        self._same_symbol(other, "compare")
        return self._units >= other._units


def _checked_units(units: int) -> int:
    if not _INT64_MIN <= units <= _INT64_MAX:
        raise InvalidAsset(f"asset units {shown(units)} do not fit in an int64")
    return units


def _units_of(amount: object, symbol: Symbol) -> int:
    """The exact units of ``amount`` whole tokens of ``symbol``; its size is checked before any
    big number is built, so ``"1e999999999"`` is refused at once."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int | float | str):
        raise InvalidAsset(
            f"an amount is a Decimal, an int or a decimal string, not {shown(amount)}"
        )
    try:
        value = Decimal(amount)
    except ArithmeticError:
        raise InvalidAsset(f"{shown(amount)} is not a decimal amount") from None
    if not value.is_finite():
        raise InvalidAsset(f"{shown(amount)} is not a finite amount")
    if value and value.adjusted() >= _INT64_DIGITS:
        raise InvalidAsset(f"{shown(amount)} is too large: its units do not fit in an int64")
    with localcontext(prec=2 * _INT64_DIGITS + MAX_PRECISION):
        quantized = value.quantize(Decimal(1).scaleb(-symbol.precision))
        if quantized != value:
            raise InvalidAsset(
                f"{shown(amount)} has more than {symbol.precision} decimals for {symbol}"
            )
        return int(quantized.scaleb(symbol.precision))


def _format(units: int, precision: int, code: str) -> str:
    if precision == 0:
        return f"{units} {code}"
    digits = str(abs(units)).rjust(precision + 1, "0")
    sign = "-" if units < 0 else ""
    return f"{sign}{digits[:-precision]}.{digits[-precision:]} {code}"


@lru_cache(maxsize=4096)
def _parse_asset(text: str) -> Asset:
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise InvalidAsset(
            f"{shown(text)} is not an asset: write [-]digits[.decimals] CODE such as '1.0000 EOS'"
        )
    sign, whole, decimals, code = match.groups()
    decimals = decimals or ""
    if len(decimals) > MAX_PRECISION:
        raise InvalidAsset(f"{shown(text)} has more than {MAX_PRECISION} decimals")
    digits = whole + decimals
    if len(digits) > _INT64_DIGITS:  # before int(), which refuses more than 4,300 digits
        digits = digits.lstrip("0") or "0"
        if len(digits) > _INT64_DIGITS:
            raise InvalidAsset(f"{shown(text)} is too large: its units do not fit in an int64")
    units = int(digits)
    symbol = Symbol(len(decimals), SymbolCode.from_string(code))
    return Asset._make(_checked_units(-units if sign else units), symbol)


class ExtendedAsset:
    """An asset together with the account of the token contract that issues it."""

    __slots__ = ("_contract", "_quantity")

    _contract: Name
    _quantity: Asset

    def __init__(self, quantity: Asset | str, contract: Name | str) -> None:
        self._quantity = Asset.from_json(quantity)
        self._contract = Name.from_json(contract)

    @classmethod
    def from_json(cls, value: object) -> Self:
        """From ``{"quantity": "1.0000 EOS", "contract": "eosio.token"}``."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict) or set(value) != {"quantity", "contract"}:
            raise InvalidAsset(
                f"an extended asset is {{'quantity': ..., 'contract': ...}}, not {shown(value)}"
            )
        return cls(value["quantity"], value["contract"])

    def to_json(self) -> dict[str, str]:
        return {"quantity": str(self._quantity), "contract": str(self._contract)}

    def to_abi(self) -> bytes:
        return self._quantity.to_abi() + self._contract.to_abi()

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        quantity, pos = Asset.from_abi(data, pos)
        contract, pos = Name.from_abi(data, pos)
        extended = object.__new__(cls)
        extended._quantity = quantity
        extended._contract = contract
        return extended, pos

    @property
    def quantity(self) -> Asset:
        return self._quantity

    @property
    def contract(self) -> Name:
        return self._contract

    def __str__(self) -> str:
        return f"{self._quantity}@{self._contract}"

    def __repr__(self) -> str:
        return f"ExtendedAsset({str(self._quantity)!r}, {str(self._contract)!r})"

    def __hash__(self) -> int:
        return hash((self._quantity, self._contract))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ExtendedAsset):
            return self._quantity == other._quantity and self._contract == other._contract
        return NotImplemented
