"""`WebUI` passes the kit's user-interface contract, with a person clicking in chromium."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sessionkit.testing.contracts import UserInterfaceContract
from sessionkit_ui_web import WebUI

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import PageDriver


class TestWebUIContract(UserInterfaceContract):
    @pytest.fixture
    def ui(self, driver: PageDriver) -> Iterator[WebUI]:
        ui = WebUI(opener=driver.opener, close_grace=3.0)
        yield ui
        # Every call ended its page: no token is valid and no socket is left listening.
        assert ui.hub is None
        assert ui.url is None
        assert ui._listener is None

    @pytest.fixture
    def ui_driver(self, ui: WebUI, driver: PageDriver) -> PageDriver:
        return driver
