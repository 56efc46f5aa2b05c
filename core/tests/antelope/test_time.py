"""TimePoint, TimePointSec and BlockTimestamp: reference JSON forms, ranges, datetimes, and
property tests for the string parser and the binary decoders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sessionkit.antelope._time import BlockTimestamp, TimePoint, TimePointSec
from sessionkit.errors import DecodeError, InvalidTime

KINDS = (TimePoint, TimePointSec, BlockTimestamp)


def test_reference_string_forms() -> None:
    assert str(TimePoint(1577836800123456)) == "2020-01-01T00:00:00.123"
    assert str(TimePointSec(0xFFFFFFFF)) == "2106-02-07T06:28:15"
    assert str(BlockTimestamp(1234)) == "2000-01-01T00:10:17.000"
    assert str(BlockTimestamp(1)) == "2000-01-01T00:00:00.500"
    assert str(TimePoint(-1)) == "1969-12-31T23:59:59.999"


def test_reference_reading_of_fractions() -> None:
    # abi.json quirks: milliseconds survive in a time_point; time_point_sec rounds half up.
    assert TimePoint.from_string("2021-01-01T00:00:00.123456").microseconds == 1609459200123000
    assert TimePointSec.from_string("2021-01-01T00:00:00.500").seconds == 1609459201
    assert TimePointSec.from_string("2021-01-01T00:00:00.499").seconds == 1609459200
    assert BlockTimestamp.from_string("2000-01-01T00:00:00.250").slot == 1
    assert TimePointSec.from_string("2021-01-01T00:00:00Z") == TimePointSec(1609459200)


@pytest.mark.parametrize(
    "text",
    [
        "not a date",
        "1700000000",
        "2021-02-30T00:00:00",
        "2021-01-01 00:00:00",
        "2021-01-01T00:00:00+01:00",
        "2021-01-01T24:00:00",
        "\uff12\uff10\uff12\uff11-01-01T00:00:00",
    ],
)
def test_bad_strings_raise_invalid_time(text: str) -> None:
    for kind in KINDS:
        with pytest.raises(InvalidTime):
            kind.from_json(text)


def test_ranges_are_enforced() -> None:
    with pytest.raises(InvalidTime):
        TimePointSec(-1)
    with pytest.raises(InvalidTime):
        TimePointSec.from_string("2106-02-07T06:28:16")
    with pytest.raises(InvalidTime):
        BlockTimestamp(2**32)
    with pytest.raises(InvalidTime):
        TimePoint(2**62)
    with pytest.raises(InvalidTime):
        TimePoint.from_json(True)
    with pytest.raises(DecodeError):
        TimePoint.from_abi(bytes.fromhex("ffffffffffffff7f"))


def test_datetimes_are_utc() -> None:
    moment = datetime(2024, 1, 27, 8, 0, 44, 250000, tzinfo=UTC)
    plus_two = moment.astimezone(timezone(timedelta(hours=2)))
    assert TimePoint.from_datetime(plus_two).to_datetime() == moment
    assert TimePointSec.from_datetime(moment).to_datetime() == moment.replace(microsecond=0)
    assert str(BlockTimestamp.from_datetime(moment)) == "2024-01-27T08:00:44.000"
    naive = datetime(2024, 1, 27, 8, 0, 44)
    assert TimePointSec.from_datetime(naive) == TimePointSec.from_string("2024-01-27T08:00:44")


def test_value_semantics() -> None:
    early, late = TimePointSec(1), TimePointSec(2)
    assert early < late
    assert early != late
    assert early == TimePointSec.from_json(1)
    assert TimePointSec(1) != TimePoint(1)
    assert {TimePointSec(1), TimePointSec(1)} == {early}
    assert repr(early) == "TimePointSec.from_string('1970-01-01T00:00:01')"


@given(st.integers(min_value=-(2**40), max_value=2**48))
def test_time_point_json_keeps_milliseconds(micros: int) -> None:
    value = TimePoint(micros)
    again = TimePoint.from_json(value.to_json())
    assert again.microseconds == micros - micros % 1000
    assert TimePoint.from_abi(value.to_abi()) == (value, 8)


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_uint32_times_round_trip(count: int) -> None:
    for kind in (TimePointSec, BlockTimestamp):
        value = kind(count)
        assert kind.from_json(value.to_json()) == value
        assert kind.from_abi(value.to_abi()) == (value, 4)


@given(st.text(alphabet="0123456789-:T.Z ", max_size=26))
def test_parser_gives_value_or_invalid_time(text: str) -> None:
    for kind in KINDS:
        try:
            value = kind.from_string(text)
        except InvalidTime:
            continue
        assert kind.from_string(str(value)) == value


@given(st.binary(max_size=10))
def test_decoders_give_value_or_decode_error(data: bytes) -> None:
    for kind in KINDS:
        try:
            value, end = kind.from_abi(data)
        except DecodeError:
            continue
        assert value.to_abi() == data[:end]
