"""Importing the kit loads neither the codec, the keys, the ESR code, pluggy nor HTTP (issue 8:
``from sessionkit import SessionKit`` under 150 ms); each loads when first needed."""

from fresh_interpreter import modules_loaded_by

HEAVY = (
    "httpx",
    "cryptography",
    "coincurve",
    "pluggy",
    "importlib.metadata",
    "sessionkit.esr._model",
    "sessionkit.antelope._keys",
    "sessionkit.antelope._abi._model",
    "anyio.to_thread",
    "rich",
    "click",
)


def test_importing_the_kit_loads_nothing_heavy() -> None:
    assert modules_loaded_by("from sessionkit import SessionKit, Session", HEAVY) == []


def test_a_kit_loads_pluggy_but_not_the_codec_or_http() -> None:
    chain = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906"
    code = (
        "from sessionkit import SessionKit, MemoryStorage\n"
        f"SessionKit('app', [{{'id': '{chain}', 'url': 'https://example.invalid'}}],"
        " storage=MemoryStorage(), discover=False)"
    )
    loaded = modules_loaded_by(code, HEAVY)
    assert "pluggy" in loaded
    assert "sessionkit.antelope._abi._model" not in loaded
