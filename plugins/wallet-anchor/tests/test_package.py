"""The distribution is installed and its entry point loads this package."""

from importlib.metadata import entry_points

import pytest
import sessionkit_wallet_anchor


def test_entry_point_loads_this_package() -> None:
    (entry_point,) = entry_points(group="sessionkit", name="anchor")
    assert entry_point.load() is sessionkit_wallet_anchor
    assert entry_point.dist is not None
    assert entry_point.dist.name == "sessionkit-wallet-anchor"


def test_the_relay_comes_from_the_environment_unless_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sessionkit.errors import ConfigurationError
    from sessionkit_wallet_anchor import BUOY_URL_ENV_VAR, DEFAULT_BUOY_URL, AnchorWallet

    monkeypatch.delenv(BUOY_URL_ENV_VAR, raising=False)
    assert AnchorWallet().buoy_url == DEFAULT_BUOY_URL
    monkeypatch.setenv(BUOY_URL_ENV_VAR, "http://127.0.0.1:7000/")
    assert AnchorWallet().buoy_url == "http://127.0.0.1:7000"
    assert AnchorWallet(buoy_url="https://relay.example").buoy_url == "https://relay.example"
    monkeypatch.setenv(BUOY_URL_ENV_VAR, "not a url")
    with pytest.raises(ConfigurationError):
        AnchorWallet()
    for options in ({"login_timeout": 0}, {"verify_identity": "yes"}, {"max_message_size": 1.5}):
        with pytest.raises(ConfigurationError):
            AnchorWallet(buoy_url=DEFAULT_BUOY_URL, **options)  # type: ignore[arg-type]


def test_the_kit_finds_it_and_it_says_what_it_is() -> None:
    from sessionkit import SessionKit
    from sessionkit_wallet_anchor import AnchorWallet

    kit = SessionKit("app", [{"id": "ab" * 32, "url": "http://127.0.0.1:9"}], discover=True)
    (anchor,) = [w for w in kit.wallet_plugins if w.id == "anchor"]
    assert isinstance(anchor, AnchorWallet)
    assert anchor.config.requires_chain_select is False
    assert anchor.metadata.name == "Anchor"
    assert "PVT" not in repr(anchor)
