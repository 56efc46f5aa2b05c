"""Chain times, all UTC: ``TimePoint`` (microseconds since 1970), ``TimePointSec`` (seconds
since 1970) and ``BlockTimestamp`` (half-second slots since 2000-01-01).

The JSON forms are the reference's: ``"2024-01-27T08:00:44.000"`` (time_point, milliseconds
shown), ``"2024-01-27T08:00:44"`` (time_point_sec) and ``"2024-01-27T08:00:44.500"``
(block_timestamp_type). Strings are read like the reference reads them: a time_point keeps
milliseconds, a time_point_sec rounds to the nearest second and a block timestamp to the nearest
slot. A trailing ``Z`` is accepted; other offsets are not. Values must fit the binary type and
lie within years 1 to 9999.
"""

from __future__ import annotations

import re
import struct
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import ClassVar, Self

from sessionkit._redact import shown
from sessionkit.antelope._wire import bad_arguments
from sessionkit.errors import DecodeError, InvalidTime

__all__ = ["TimePoint", "TimePointSec", "BlockTimestamp"]

_EPOCH = datetime(1970, 1, 1)  # naive UTC: isoformat() then prints the chain form
_ISO = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?Z?"
)
_INT64 = struct.Struct("<q")
_UINT32 = struct.Struct("<I")
_MIN_US = (datetime.min - _EPOCH) // timedelta(microseconds=1)
_MAX_US = (datetime.max - _EPOCH) // timedelta(microseconds=1)
_SLOT_EPOCH_MS = 946_684_800_000
_US = timedelta(microseconds=1)


def _parse_us(text: object) -> int:
    """Microseconds since 1970 of an ISO 8601 UTC string (fraction kept to the microsecond)."""
    if isinstance(text, str):
        return _parse_string_us(text)
    raise InvalidTime(f"{shown(text)} is not a time: write YYYY-MM-DDTHH:MM:SS[.fff] in UTC")


@lru_cache(maxsize=1024)  # a node's answer repeats its block time in every trace
def _parse_string_us(text: str) -> int:
    match = _ISO.fullmatch(text)
    if match is None:
        raise InvalidTime(f"{shown(text)} is not a time: write YYYY-MM-DDTHH:MM:SS[.fff] in UTC")
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError as error:
        raise InvalidTime(f"{shown(text)} is not a valid date and time: {error}") from None
    micros = int((fraction or "").ljust(6, "0")[:6])
    return (moment - _EPOCH) // _US + micros


def _to_utc_naive(moment: datetime) -> datetime:
    if not isinstance(moment, datetime):
        raise InvalidTime(f"expected a datetime, not {type(moment).__name__}")
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        except (OverflowError, ValueError) as error:
            raise InvalidTime(f"{moment} cannot be converted to UTC: {error}") from None
    return moment


class _ChainTime:
    """Shared behaviour: an integer count of the type's unit stored in a fixed binary width.

    Subclasses set the class attributes and say which moment a count is (``_naive``); the
    datetime and string forms follow from that.
    """

    __slots__ = ("_count",)

    _count: int
    _low: ClassVar[int]
    _high: ClassVar[int]
    _binary: ClassVar[struct.Struct]
    _label: ClassVar[str]
    _timespec: ClassVar[str]

    def __init__(self, count: int) -> None:
        if isinstance(count, bool) or not isinstance(count, int):
            raise InvalidTime(f"a {self._label} is an integer count, not {shown(count)}")
        if not self._low <= count <= self._high:
            raise InvalidTime(f"{shown(count)} is out of range for a {self._label}")
        self._count = count

    @classmethod
    def _make(cls, count: int) -> Self:
        value = object.__new__(cls)
        value._count = count
        return value

    @classmethod
    def from_string(cls, text: str) -> Self:
        raise NotImplementedError

    @classmethod
    def from_json(cls, value: object) -> Self:
        """From the reference JSON string, or an integer count of the type's own unit."""
        if isinstance(value, cls):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        if not isinstance(value, str):
            raise InvalidTime(
                f"a {cls._label} in JSON is a string or an integer, not {shown(value)}"
            )
        return cls.from_string(value)

    def to_json(self) -> str:
        return str(self)

    def to_abi(self) -> bytes:
        return self._binary.pack(self._count)

    @classmethod
    def from_abi(cls, data: bytes | memoryview, pos: int = 0) -> tuple[Self, int]:
        size = cls._binary.size
        try:
            if pos < 0 or len(data) - pos < size:
                raise DecodeError(f"truncated {cls._label}: {size} bytes are needed")
            (count,) = cls._binary.unpack_from(data, pos)
        except (TypeError, ArithmeticError):
            raise bad_arguments(data, pos, cls._label) from None
        if not cls._low <= count <= cls._high:
            raise DecodeError(f"{cls._label} {count} is outside years 1 to 9999")
        return cls._make(count), pos + size

    def _naive(self) -> datetime:
        """The moment as a naive UTC datetime."""
        raise NotImplementedError

    def to_datetime(self) -> datetime:
        """The moment as an aware UTC datetime."""
        return self._naive().replace(tzinfo=UTC)

    def __str__(self) -> str:
        return self._naive().isoformat(timespec=self._timespec)

    def __int__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        return f"{type(self).__name__}.from_string({str(self)!r})"

    def __hash__(self) -> int:
        return hash((type(self), self._count))

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return self._count == other._count
        return NotImplemented

    def __lt__(self, other: Self) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._count < other._count

    def __le__(self, other: Self) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._count <= other._count

    def __gt__(self, other: Self) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._count > other._count

    def __ge__(self, other: Self) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._count >= other._count


class TimePoint(_ChainTime):
    """Microseconds since 1970-01-01T00:00:00 UTC (ABI ``time_point``, an int64)."""

    __slots__ = ()
    _low = _MIN_US
    _high = _MAX_US
    _binary = _INT64
    _label = "time_point"
    _timespec = "milliseconds"

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Parse ISO 8601 UTC; like the reference, digits past the milliseconds are dropped."""
        micros = _parse_us(text)
        return cls._make(micros - micros % 1000)

    @classmethod
    def from_datetime(cls, moment: datetime) -> Self:
        """Exact to the microsecond; a naive datetime is taken as UTC."""
        return cls((_to_utc_naive(moment) - _EPOCH) // _US)

    def _naive(self) -> datetime:
        return _EPOCH + timedelta(microseconds=self._count)

    @property
    def microseconds(self) -> int:
        return self._count


class TimePointSec(_ChainTime):
    """Seconds since 1970-01-01T00:00:00 UTC (ABI ``time_point_sec``, a uint32)."""

    __slots__ = ()
    _low = 0
    _high = 0xFFFFFFFF
    _binary = _UINT32
    _label = "time_point_sec"
    _timespec = "seconds"

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Parse ISO 8601 UTC; a fraction rounds to the nearest second (half up)."""
        micros = _parse_us(text)
        return cls((micros + 500_000) // 1_000_000)

    @classmethod
    def from_datetime(cls, moment: datetime) -> Self:
        """Whole seconds (a fraction is dropped); a naive datetime is taken as UTC."""
        return cls((_to_utc_naive(moment) - _EPOCH) // timedelta(seconds=1))

    def _naive(self) -> datetime:
        return _EPOCH + timedelta(seconds=self._count)

    @property
    def seconds(self) -> int:
        return self._count


class BlockTimestamp(_ChainTime):
    """Half-second slots since 2000-01-01T00:00:00 UTC (ABI ``block_timestamp_type``)."""

    __slots__ = ()
    _low = 0
    _high = 0xFFFFFFFF
    _binary = _UINT32
    _label = "block_timestamp_type"
    _timespec = "milliseconds"

    @classmethod
    def from_string(cls, text: str) -> Self:
        """Parse ISO 8601 UTC, rounding to the nearest slot (half up) like the reference."""
        millis = _parse_us(text) // 1000 - _SLOT_EPOCH_MS
        return cls((millis + 250) // 500)

    @classmethod
    def from_datetime(cls, moment: datetime) -> Self:
        """The slot containing ``moment``; a naive datetime is taken as UTC."""
        millis = (_to_utc_naive(moment) - _EPOCH) // timedelta(milliseconds=1)
        return cls((millis - _SLOT_EPOCH_MS) // 500)

    def _naive(self) -> datetime:
        return _EPOCH + timedelta(milliseconds=_SLOT_EPOCH_MS + self._count * 500)

    @property
    def slot(self) -> int:
        return self._count
