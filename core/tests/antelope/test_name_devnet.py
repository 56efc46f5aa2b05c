"""A real Leap node (the devnet) refuses exactly the names our strict parser refuses.

Samples include the three ``names.json`` entries with trailing dots, which the reference
silently normalises: the node rejects them as input ("Unable to parse valid input").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sessionkit.antelope._name import name_to_uint64
from sessionkit.errors import ChainAPIError, InvalidName

if TYPE_CHECKING:
    from sessionkit.chain import APIClient

pytestmark = [pytest.mark.anyio, pytest.mark.devnet]

SAMPLES = [
    "alice",
    "eosio.token",
    "zzzzzzzzzzzzj",
    "nosuchacct",
    "eosio.",
    "a..",
    ".....",
    "Alice",
    "aaaaaaaaaaaak",
    "aaaaaaaaaaaaaa",
    "a-b",
]


def strictly_valid(text: str) -> bool:
    try:
        name_to_uint64(text)
    except InvalidName:
        return False
    return True


@pytest.mark.parametrize("text", SAMPLES)
async def test_node_and_strict_parser_agree(client: APIClient, text: str) -> None:
    try:
        await client.call("/v1/chain/get_account", {"account_name": text})
    except ChainAPIError as error:
        node_refused_input = error.name == "invalid_http_request"
    else:
        node_refused_input = False
    assert node_refused_input == (not strictly_valid(text))
