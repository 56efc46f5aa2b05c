"""The CLI state file and the feature activation order: any input gives a value, never a crash."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.devnet._bootstrap import feature_order
from sessionkit.devnet._state import DevnetState
from sessionkit.errors import DevnetError

STATE = DevnetState(
    url="http://127.0.0.1:40000",
    chain_id="8a34ec7df1b8cd06ff4a8abbaa7cc50300823350cadc59ab296cb00d104d2b8f",
    pid=1234,
    supervisor_pid=1233,
    directory="/tmp/sessionkit-devnet-x",
    http_port=40000,
    p2p_port=40001,
    debug_port=40002,
)


def test_state_round_trips_and_is_private(tmp_path) -> None:
    path = tmp_path / "run" / "devnet.json"
    STATE.save(path)
    assert DevnetState.load(path) == STATE
    assert path.stat().st_mode & 0o777 == 0o600
    assert not list(path.parent.glob("*.partial"))


def test_missing_state_is_none(tmp_path) -> None:
    assert DevnetState.load(tmp_path / "nothing.json") is None


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_state_file_content_loads_or_is_refused(tmp_path_factory, content: bytes) -> None:
    path = tmp_path_factory.mktemp("state") / "devnet.json"
    path.write_bytes(content)
    outcome: DevnetState | DevnetError | None
    try:
        outcome = DevnetState.load(path)
    except DevnetError as exc:
        outcome = exc
    if isinstance(outcome, DevnetError):
        assert "is damaged" in str(outcome)
        assert f"delete {path}" in str(outcome)
    else:
        assert isinstance(outcome, DevnetState)


JSON_VALUES = st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.lists(st.none())


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(asdict(STATE))), JSON_VALUES)
def test_a_field_of_the_wrong_type_is_refused(tmp_path_factory, field: str, value: object) -> None:
    good = asdict(STATE)
    if type(value) is type(good[field]):
        return
    path = tmp_path_factory.mktemp("state") / "devnet.json"
    path.write_text(json.dumps({**good, field: value}))
    with pytest.raises(DevnetError, match=f"its '{field}' is not"):
        DevnetState.load(path)


def test_missing_or_extra_fields_are_refused(tmp_path) -> None:
    path = tmp_path / "devnet.json"
    good = asdict(STATE)
    for data in ({k: v for k, v in good.items() if k != "pid"}, {**good, "extra": 1}, [1]):
        path.write_text(json.dumps(data))
        with pytest.raises(DevnetError, match="does not hold exactly the fields"):
            DevnetState.load(path)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3), st.lists(st.integers(0, 20), max_size=4)
    )
)
def test_every_feature_comes_after_its_dependencies(raw: dict[str, list[int]]) -> None:
    names = sorted(raw)
    # Acyclic by construction: a feature depends only on features earlier in `names`.
    features = [
        {
            "feature_digest": name,
            "dependencies": sorted({names[i % (n or 1)] for i in raw[name]} if n else set()),
        }
        for n, name in enumerate(names)
    ]
    order = feature_order(features)
    assert sorted(order) == names
    position = {digest: i for i, digest in enumerate(order)}
    for feature in features:
        for dependency in feature["dependencies"]:
            assert position[dependency] < position[feature["feature_digest"]]
