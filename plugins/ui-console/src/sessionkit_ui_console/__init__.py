"""A SessionKit user interface for the terminal: menus, prompts, QR codes and progress.

Installed next to ``sessionkit``, it is found through the ``sessionkit`` entry-point group
(plugin ``console``) and registers the user interface id ``console``:
``SessionKit(..., ui="console")``, or pass ``ConsoleUI(...)`` to choose its options.
"""

from __future__ import annotations

from typing import Any

from sessionkit import hookimpl

from sessionkit_ui_console._qr import BORDER, qr_lines, qr_matrix
from sessionkit_ui_console._strings import NAMESPACE, STRINGS
from sessionkit_ui_console._ui import ConsoleUI

__all__ = ["BORDER", "NAMESPACE", "STRINGS", "ConsoleUI", "qr_lines", "qr_matrix"]


@hookimpl
def register_user_interfaces(register: Any) -> None:
    """Offer `ConsoleUI` (id ``console``) to every kit."""
    register(ConsoleUI)
