"""`KeyReader`: any bytes a terminal or pipe sends become key names, never an exception."""

from __future__ import annotations

import os

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit_ui_console._keys import InputClosed, KeyReader


def keys_of(data: bytes) -> list[str]:
    """Every key ``data`` makes, read from a pipe until it closes."""
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    reader = KeyReader(read)
    found: list[str] = []

    async def read_all() -> None:
        while True:
            try:
                found.append(await reader.key())
            except InputClosed:
                return

    try:
        anyio.run(read_all)
    finally:
        os.close(read)
    return found


def test_named_keys() -> None:
    assert keys_of(b"1\r\n\x1b[A\x1bOB\x1b[3~\x03\x04\x7f\x08\tq") == [
        "1", "enter", "up", "down", "delete", "ctrl-c", "ctrl-d", "backspace", "backspace",
        "tab", "q",
    ]  # fmt: skip
    assert keys_of(b"\x1b") == ["escape"]
    assert keys_of(b"\x1b[99;5X") == ["unknown"]
    assert keys_of("é€".encode()) == ["é", "€"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_become_keys(data: bytes) -> None:
    keys = keys_of(data)
    assert all(isinstance(key, str) and key for key in keys)
    assert len(keys) <= len(data)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), max_size=30))
def test_typed_text_comes_back_as_typed(text: str) -> None:
    assert "".join(keys_of(text.encode())) == text


@pytest.mark.parametrize("split", [1, 2, 3])
def test_a_character_split_across_reads_is_one_key(split: int) -> None:
    read, write = os.pipe()
    data = "€".encode()
    reader = KeyReader(read)

    async def typed() -> str:
        os.write(write, data[:split])
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(anyio.to_thread.run_sync, os.write, write, data[split:])
            key = await reader.key()
        return key

    try:
        assert anyio.run(typed) == "€"
    finally:
        os.close(read)
        os.close(write)
