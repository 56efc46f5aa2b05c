"""Wrong input to the chain entry points: an InvalidValue subclass that says what to give."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.chain import (
    ABICache,
    APIClient,
    ChainDefinition,
    block_num_from_id,
)
from sessionkit.chain._tapos import expiration, ref_block_num, ref_block_prefix
from sessionkit.errors import ABIError, InvalidChecksum, InvalidTime, InvalidValue

if TYPE_CHECKING:
    from collections.abc import Callable

CHAIN_ID = "8a34ec7df1b8cd06ff4a8abbaa7cc50300823350cadc59ab296cb00d104d2b8f"
HEAD = "2026-11-29T08:00:00.500"

CASES: list[tuple[str, Callable[[], object], type[InvalidValue], str]] = [
    ("client-none", lambda: APIClient(None), InvalidValue, "URL such as"),  # type: ignore[arg-type]
    ("client-int", lambda: APIClient(123), InvalidValue, "URL such as"),  # type: ignore[arg-type]
    ("client-none-in-list", lambda: APIClient([None]), InvalidValue, "is a string"),  # type: ignore[list-item]
    ("timeout-str", lambda: APIClient("http://x", timeout="x"), InvalidValue, "timeout is"),  # type: ignore[arg-type]
    ("timeout-bool", lambda: APIClient("http://x", timeout=True), InvalidValue, "timeout is"),
    ("timeout-zero", lambda: APIClient("http://x", timeout=0), InvalidValue, "positive"),
    ("timeout-nan", lambda: APIClient("http://x", timeout=float("nan")), InvalidValue, "positive"),
    ("urls-str", lambda: ChainDefinition(CHAIN_ID, urls="http://x"), InvalidValue, r"urls=\["),
    ("url-ftp", lambda: ChainDefinition(CHAIN_ID, url="ftp://x"), InvalidValue, "http"),
    ("urls-ftp", lambda: ChainDefinition(CHAIN_ID, urls=["ftp://x"]), InvalidValue, "http"),
    ("urls-no-host", lambda: ChainDefinition(CHAIN_ID, urls=["http://"]), InvalidValue, "http"),
    ("ref-num-float", lambda: ref_block_num(1.5), InvalidValue, "block number"),  # type: ignore[arg-type]
    ("ref-num-none", lambda: ref_block_num(None), InvalidValue, "block number"),  # type: ignore[arg-type]
    ("ref-num-bool", lambda: ref_block_num(True), InvalidValue, "not a bool"),
    ("ref-num-negative", lambda: ref_block_num(-1), InvalidValue, "block number"),
    ("ref-prefix-int", lambda: ref_block_prefix(123), InvalidChecksum, "block id"),  # type: ignore[arg-type]
    ("num-from-none", lambda: block_num_from_id(None), InvalidChecksum, "block id"),  # type: ignore[arg-type]
    ("expiration-none", lambda: expiration(None, 1), InvalidTime, "head_block_time"),  # type: ignore[arg-type]
    ("expiration-str", lambda: expiration(HEAD, "x"), InvalidValue, "expire_seconds"),  # type: ignore[arg-type]
    ("expiration-bool", lambda: expiration(HEAD, True), InvalidValue, "expire_seconds"),
    ("set-abi-int", lambda: ABICache(None).set_abi("alice", 123), ABIError, "set_abi takes"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(
    ("call", "error", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_wrong_input_raises_a_sessionkit_error(
    call: Callable[[], object], error: type[InvalidValue], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_good_input_still_works() -> None:
    assert APIClient("http://x", timeout=httpx.Timeout(1.0)).urls == ("http://x",)
    assert APIClient(["http://x", "https://y/"], timeout=2).urls == ("http://x", "https://y")
    assert ChainDefinition(CHAIN_ID, urls=("https://a", "http://b:8888")).url == "https://a"
    assert ref_block_num(0x12345) == 0x2345
    assert expiration(datetime(2026, 1, 1, tzinfo=UTC), 0) == expiration("2026-01-01T00:00:00", 0)


@pytest.mark.anyio
@pytest.mark.parametrize("block", [True, False, 0, -1, 2**32, 1.5])
async def test_get_block_refuses_what_is_not_a_block_number_or_id(block: Any) -> None:
    async with APIClient("http://127.0.0.1:9") as client:
        with pytest.raises(InvalidValue, match="block"):
            await client.get_block(block)
        if not isinstance(block, float):
            with pytest.raises(InvalidValue, match="block number"):
                await client.get_block_info(block)


ANYTHING = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)


@settings(max_examples=200, deadline=None)
@given(ANYTHING | st.binary(max_size=40) | st.lists(ANYTHING, max_size=3))
def test_tapos_helpers_give_a_value_or_invalid_value(value: Any) -> None:
    for helper in (ref_block_num, ref_block_prefix, block_num_from_id):
        with contextlib.suppress(InvalidValue):
            assert isinstance(helper(value), int)
    with contextlib.suppress(InvalidValue):
        expiration(HEAD, value)
    with contextlib.suppress(InvalidValue):
        expiration(value, 60)


@settings(max_examples=150, deadline=None)
@given(ANYTHING | st.lists(ANYTHING, max_size=3))
def test_clients_and_definitions_accept_or_raise_invalid_value(value: Any) -> None:
    for make in (
        lambda: APIClient(value),
        lambda: APIClient("http://x", timeout=value),
        lambda: ChainDefinition(CHAIN_ID, urls=value),
        lambda: ChainDefinition(CHAIN_ID, url=value),
    ):
        with contextlib.suppress(InvalidValue):
            make()
