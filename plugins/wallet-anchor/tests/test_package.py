"""The distribution is installed and advertises its entry point."""

from importlib.metadata import entry_points

import sessionkit_wallet_anchor


def test_entry_point_names_this_module() -> None:
    eps = {ep.name: ep.value for ep in entry_points(group="sessionkit")}
    assert eps["anchor"] == "sessionkit_wallet_anchor"
    assert sessionkit_wallet_anchor.__name__ == "sessionkit_wallet_anchor"
