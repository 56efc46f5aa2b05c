"""The detached devnet's state file and the feature activation order: any input gives a value or
a DevnetError, never a crash."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.devnet._bootstrap import feature_order
from sessionkit.devnet._state import DamagedState, DevnetState, loose_directory
from sessionkit.errors import DevnetError

if TYPE_CHECKING:
    from pathlib import Path

DIRECTORY = "/tmp/sessionkit-devnet-x"
CHAIN_ID = "8a34ec7df1b8cd06ff4a8abbaa7cc50300823350cadc59ab296cb00d104d2b8f"
STATE = DevnetState(
    phase="running",
    owner_pid=1200,
    owner_started=987654,
    directory=DIRECTORY,
    http_port=40000,
    p2p_port=40001,
    debug_port=40002,
    supervisor_pid=1233,
    pid=1234,
    chain_id=CHAIN_ID,
)
GOOD: dict[str, object] = msgspec.to_builtins(STATE)


def test_state_round_trips_and_is_private(tmp_path) -> None:
    path = tmp_path / "run" / "devnet.json"
    STATE.save(path)
    assert DevnetState.load(path) == STATE
    assert STATE.url == "http://127.0.0.1:40000"
    assert path.stat().st_mode & 0o777 == 0o600
    assert not list(path.parent.glob("*.partial"))


def test_missing_state_is_none(tmp_path) -> None:
    assert DevnetState.load(tmp_path / "nothing.json") is None


def test_each_step_of_a_start_is_a_valid_state(tmp_path) -> None:
    """State first, then launch: the file names what may run at every step."""
    path = tmp_path / "devnet.json"
    steps = [
        DevnetState(phase="starting", owner_pid=1200, owner_started=1),
        DevnetState(
            phase="starting",
            owner_pid=1200,
            owner_started=1,
            directory=DIRECTORY,
            http_port=40000,
            p2p_port=40001,
            debug_port=40002,
        ),
        msgspec.structs.replace(STATE, phase="starting", chain_id=None),
        STATE,
    ]
    for step in steps:
        step.save(path)
        assert DevnetState.load(path) == step
    assert steps[0].url is None


def damaged(path: Path, data: object) -> str:
    """The message of loading ``data`` (JSON) as a state file, which must be refused."""
    path.write_text(json.dumps(data))
    with pytest.raises(DevnetError, match="is damaged") as caught:
        DevnetState.load(path)
    assert isinstance(caught.value, DamagedState)
    assert f"delete {path}" in str(caught.value)
    return caught.value.why


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"pid": None}, "pids are only partly set"),
        ({"http_port": None}, "directory and ports are only partly set"),
        ({"directory": None, "http_port": None, "p2p_port": None, "debug_port": None}, "skips"),
        ({"supervisor_pid": None, "pid": None}, "skips"),
        ({"phase": "starting"}, "phase and its chain id disagree"),
        ({"chain_id": None}, "phase and its chain id disagree"),
        ({"directory": DIRECTORY + "\0x"}, "NUL"),
        ({"directory": "relative/sessionkit-devnet-x"}, "absolute"),
        ({"directory": "/home/me"}, "absolute"),
        ({"pid": 0}, "pid"),
        ({"pid": 2**40}, "pid"),
        ({"http_port": 70000}, "http_port"),
        ({"chain_id": "ab"}, "chain_id"),
        ({"phase": "stopped"}, "phase"),
        ({"extra": 1}, "extra"),
    ],
)
def test_inconsistent_states_are_damaged(tmp_path, changes: dict[str, object], why: str) -> None:
    assert why in damaged(tmp_path / "devnet.json", {**GOOD, **changes})


def test_missing_fields_and_other_json_are_damaged(tmp_path) -> None:
    path = tmp_path / "devnet.json"
    assert "owner_pid" in damaged(path, {k: v for k, v in GOOD.items() if k != "owner_pid"})
    assert "does not describe a devnet" in damaged(path, [1])
    path.write_bytes(b"{not json")
    with pytest.raises(DamagedState, match="not JSON"):
        DevnetState.load(path)
    path.write_bytes(b" " * (65 * 1024))
    with pytest.raises(DamagedState, match="larger than 64 KiB"):
        DevnetState.load(path)


def test_a_nul_in_the_directory_is_damaged_not_a_traceback(tmp_path) -> None:
    """Issue 7: a NUL in the state's directory was a bare ValueError from the file system."""
    path = tmp_path / "devnet.json"
    path.write_text(json.dumps({**GOOD, "directory": "/tmp/sessionkit-devnet-\u0000"}))
    with pytest.raises(DamagedState, match="NUL"):
        DevnetState.load(path)
    assert loose_directory(path) is None


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
    loose_directory(path)  # never raises


JSON_VALUES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=5)
    | st.lists(st.none())
    | st.dictionaries(st.text(max_size=2), st.none(), max_size=1)
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(GOOD)), JSON_VALUES)
def test_a_field_of_the_wrong_type_is_refused(tmp_path_factory, field: str, value: object) -> None:
    if type(value) is type(GOOD[field]) or value is None:
        return
    path = tmp_path_factory.mktemp("state") / "devnet.json"
    assert field in damaged(path, {**GOOD, field: value})


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
