"""The distribution is installed and advertises its entry point."""

from importlib.metadata import entry_points

import sessionkit_ui_console


def test_entry_point_names_this_module() -> None:
    eps = {ep.name: ep.value for ep in entry_points(group="sessionkit")}
    assert eps["console"] == "sessionkit_ui_console"
    assert sessionkit_ui_console.__name__ == "sessionkit_ui_console"
