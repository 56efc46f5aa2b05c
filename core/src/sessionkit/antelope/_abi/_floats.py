"""float32 / float64 in the reference's JSON forms.

The reference renders float64 with JavaScript's ``Number#toString`` and float32 with
``toFixed(7)``, both as strings; it reads numbers or numeric strings (plus ``"NaN"``,
``"Infinity"``, ``"-Infinity"``). Like JavaScript, both drop the sign of a zero: ``-0.0``
renders as ``"0"`` and ``"0.0000000"`` (so its sign bit does not survive a JSON round trip),
while a negative float32 that rounds to zero keeps it (``"-0.0000000"``), as ``toFixed`` does.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from sessionkit.errors import EncodeError

from ._io import brief

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "+Infinity": math.inf, "-Infinity": -math.inf}
_SEVEN_PLACES = Decimal("1e-7")


def parse_float(value: object) -> float:
    """A float from a JSON number or numeric string; anything else is an ``EncodeError``."""
    if type(value) is float:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise EncodeError(f"number {brief(value)} is too large for a float") from None
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        special = _SPECIAL.get(value)
        if special is not None:
            return special
        if _NUMBER.fullmatch(value):
            number = float(value)
            if math.isinf(number):  # "1e400": write "Infinity" if infinity is meant
                raise EncodeError(f"number {brief(value)} is too large for a float")
            return number
        raise EncodeError(f"invalid number {brief(value)}: expected a decimal number string")
    raise EncodeError(f"expected a number, got {type(value).__name__}")


def js_number_string(value: float) -> str:
    """``Number#toString`` of JavaScript: shortest round-trip digits, ``"0"`` for either zero."""
    if math.isnan(value):
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # value = 0.<digits> * 10**point
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0") or "0"
    count = len(digits)
    if count <= point <= 21:
        text = digits + "0" * (point - count)
    elif 0 < point <= 21:
        text = f"{digits[:point]}.{digits[point:]}"
    elif -6 < point <= 0:
        text = "0." + "0" * -point + digits
    else:
        power = point - 1
        head = digits if count == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{head}e{'+' if power >= 0 else '-'}{abs(power)}"
    return sign + text


def js_to_fixed7(value: float) -> str:
    """``Number#toFixed(7)`` of JavaScript: the float32 JSON form of the reference."""
    if not math.isfinite(value) or abs(value) >= 1e21:
        return js_number_string(value)
    if value == 0:
        return "0.0000000"
    return format(Decimal(value).quantize(_SEVEN_PLACES, rounding=ROUND_HALF_UP), "f")
