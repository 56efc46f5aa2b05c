"""names.json, one test per vector.

Decisions on the reference's lenient behaviour (README: a strict port may reject such input):
- Strict parsing (``Name.from_string``, ``Name.from_json``, ``name_to_uint64``) accepts exactly
  what a node accepts: the text must be the canonical rendering of its value. So the three
  ``string_to_uint64`` entries with trailing dots (``"eosio."``, ``"a.."``, ``"....."``,
  ``normalized: true``) and every ``invalid_strings`` entry raise ``InvalidName``; Leap's
  ``name::set`` rejects them too ("Name not properly normalized").
- ``Name.lenient`` reproduces the reference's normalisation bit for bit, so decoding code that
  needs it can have it; these tests check it against every recorded value.
- ``non_string_inputs`` raise ``InvalidName`` as in the reference (``Name(123)`` is still the
  documented way to build a name from its uint64).
"""

from __future__ import annotations

from typing import Any

import pytest
from conformance_vectors import ids, load
from sessionkit.antelope._name import Name, name_to_uint64, uint64_to_name
from sessionkit.errors import InvalidName

NAMES = load("names.json")


@pytest.mark.conformance
@pytest.mark.parametrize("vector", NAMES["string_to_uint64"], ids=ids("string"))
def test_string_to_uint64(vector: dict[str, Any]) -> None:
    value = int(vector["uint64"])
    if vector["normalized"]:
        with pytest.raises(InvalidName):
            Name.from_string(vector["string"])
    else:
        name = Name.from_string(vector["string"])
        assert int(name) == value == name_to_uint64(vector["string"])
        assert name.to_abi().hex() == vector["hex"]
        assert name == vector["string"]
    assert int(Name.lenient(vector["string"])) == value
    assert str(Name.from_int(value)) == vector["to_string"]


@pytest.mark.conformance
@pytest.mark.parametrize("vector", NAMES["uint64_to_string"], ids=ids("uint64"))
def test_uint64_to_string(vector: dict[str, Any]) -> None:
    value = int(vector["uint64"])
    assert uint64_to_name(value) == vector["string"]
    decoded, end = Name.from_abi(bytes.fromhex(vector["hex"]))
    assert (str(decoded), int(decoded), end) == (vector["string"], value, 8)
    assert decoded.to_json() == vector["string"]
    if vector["string_roundtrips"]:
        assert name_to_uint64(vector["string"]) == value


@pytest.mark.conformance
@pytest.mark.parametrize("vector", NAMES["invalid_strings"], ids=ids("string"))
def test_invalid_strings_are_rejected_strictly_and_reproduced_leniently(
    vector: dict[str, Any],
) -> None:
    with pytest.raises(InvalidName):
        Name.from_string(vector["string"])
    with pytest.raises(InvalidName):
        Name.from_json(vector["string"])
    lenient = Name.lenient(vector["string"])
    assert int(lenient) == int(vector["uint64"])
    assert lenient.to_abi().hex() == vector["hex"]
    assert str(lenient) == vector["to_string"]


@pytest.mark.conformance
@pytest.mark.parametrize("vector", NAMES["non_string_inputs"], ids=ids("input"))
def test_non_string_inputs_raise(vector: dict[str, Any]) -> None:
    with pytest.raises(InvalidName):
        Name.from_json(vector["input"])
    with pytest.raises(InvalidName):
        name_to_uint64(vector["input"])
    with pytest.raises(InvalidName):
        Name.lenient(vector["input"])
