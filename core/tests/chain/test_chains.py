"""Known chains and chain definitions."""

from __future__ import annotations

from typing import Any

import pytest
from conformance_vectors import load
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.chain import APIClient, ChainDefinition, Chains, Explorer
from sessionkit.errors import InvalidChecksum, InvalidValue

# ESR alias names -> our Chains attribute. ESR's "JUNGLE" (alias 3) is the retired Jungle 2
# testnet, not Jungle 4; WORBLI, BOS, MEETONE, INSIGHTS and BEOS are not in the table.
ALIAS_TO_CHAIN = {
    "EOS": "EOS",
    "TELOS": "Telos",
    "KYLIN": "Kylin",
    "WAX": "WAX",
    "PROTON": "Proton",
    "FIO": "FIO",
}


def esr_aliases() -> list[dict[str, Any]]:
    return [
        {"alias": number, **entry} for number, entry in load("esr.json")["chain_aliases"].items()
    ]


@pytest.mark.conformance
@pytest.mark.parametrize("alias", esr_aliases(), ids=lambda a: f"{a['alias']}-{a['name']}")
def test_chain_ids_agree_with_the_esr_alias_table(alias: dict[str, Any]) -> None:
    attribute = ALIAS_TO_CHAIN.get(alias["name"])
    known = Chains.by_id(alias["chain_id"])
    if attribute is None:
        assert known is None or alias["name"] == "JUNGLE"
        assert str(Chains.Jungle4.id) != alias["chain_id"] or alias["name"] != "JUNGLE"
    else:
        assert str(getattr(Chains, attribute).id) == alias["chain_id"]
        assert known is getattr(Chains, attribute)


def test_well_known_chains_are_distinct_and_complete() -> None:
    chains = Chains.all()
    assert len({c.id for c in chains}) == len(chains)
    for attribute in ("EOS", "Jungle4", "Kylin", "Telos", "TelosTestnet", "WAX", "WAXTestnet"):
        assert getattr(Chains, attribute) in chains
    for attribute in ("Proton", "FIO", "UX"):
        assert getattr(Chains, attribute) in chains
    assert all(c.url.startswith("https://") and c.name for c in chains)
    assert str(Chains.Jungle4.id) == (
        "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d"
    )


def test_system_tokens() -> None:
    assert Chains.WAX.system_token is not None
    assert str(Chains.WAX.system_token.symbol) == "8,WAX"
    assert Chains.EOS.system_token is not None
    assert str(Chains.EOS.system_token.contract) == "eosio.token"


def test_definition_from_and_to_wharfkit_json() -> None:
    data = {
        "id": "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d",
        "url": "https://jungle4.greymass.com",
        "name": "Jungle",
        "explorer": {"prefix": "https://x/tx/", "suffix": "?j"},
        "logo": {"light": "https://x/l.png", "dark": "https://x/d.png"},
    }
    chain = ChainDefinition.from_json(data)
    assert chain.url == data["url"]
    assert chain.explorer == Explorer("https://x/tx/", "?j")
    assert chain.explorer.url("ab") == "https://x/tx/ab?j"
    assert chain.logo == "https://x/l.png"
    again = ChainDefinition.from_json(chain.to_json())
    assert again == chain
    assert hash(again) == hash(chain)


def test_several_urls() -> None:
    chain = ChainDefinition("aa" * 32, urls=["http://a", "http://b"])
    assert chain.url == "http://a"
    assert chain.to_json()["urls"] == ["http://a", "http://b"]
    assert ChainDefinition.from_json(chain.to_json()).urls == ("http://a", "http://b")
    assert chain.with_urls("http://c").urls == ("http://c",)


@pytest.mark.anyio
async def test_client_uses_every_url() -> None:
    client = Chains.Jungle4.with_urls("http://a:1", "http://b:2").client(timeout=1.0)
    async with client:
        assert isinstance(client, APIClient)
        assert client.urls == ("http://a:1", "http://b:2")


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        (("aa" * 32,), {}, InvalidValue),
        (("aa" * 32, "http://a"), {"urls": ["http://b"]}, InvalidValue),
        (("aa" * 32,), {"urls": []}, InvalidValue),
        (("abc", "http://a"), {}, InvalidChecksum),
    ],
)
def test_bad_definitions_are_rejected(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        ChainDefinition(*args, **kwargs)


@pytest.mark.parametrize("value", [None, "x", {"url": "http://a"}, []])
def test_from_json_rejects_non_definitions(value: object) -> None:
    with pytest.raises(InvalidValue):
        ChainDefinition.from_json(value)


def test_definitions_are_immutable() -> None:
    with pytest.raises(AttributeError):
        Chains.EOS.urls = ("http://evil",)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del Chains.EOS.name
    assert Chains.EOS.explorer is not None
    with pytest.raises(AttributeError):
        Chains.EOS.explorer.prefix = "x"  # type: ignore[misc]
    assert Chains.EOS.url == "https://eos.greymass.com"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=70),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=10,
)
definition_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.just("73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d")
        | json_values,
        "url": st.just("https://a") | json_values,
        "urls": st.lists(st.just("https://b") | json_values, max_size=2) | json_values,
        "name": json_values,
        "logo": json_values,
        "explorer": st.fixed_dictionaries({"prefix": json_values}) | json_values,
        "systemToken": st.fixed_dictionaries(
            {
                "contract": st.just("eosio.token") | json_values,
                "symbol": st.just("4,EOS") | json_values,
            }
        )
        | json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(definition_like | json_values)
def test_from_json_gives_a_definition_or_invalid_value(value: object) -> None:
    try:
        chain = ChainDefinition.from_json(value)
    except InvalidValue:
        return
    assert ChainDefinition.from_json(chain.to_json()) == chain
