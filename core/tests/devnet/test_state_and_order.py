"""The CLI state file and the feature activation order: any input gives a value, never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit.devnet._bootstrap import feature_order
from sessionkit.devnet._state import DevnetState

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
def test_any_state_file_content_loads_or_is_none(tmp_path_factory, content: bytes) -> None:
    path = tmp_path_factory.mktemp("state") / "devnet.json"
    path.write_bytes(content)
    loaded = DevnetState.load(path)
    assert loaded is None or isinstance(loaded, DevnetState)


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
