"""The README's examples get alice's devnet key as text (``PVT_K1_...``).

The root conftest sets ``SESSIONKIT_PRIVATE_KEY`` to ``str(key)``, which is the key's redacted
form (``PrivateKey(K1, ..., secret hidden)``): no wallet can sign with that. Until it writes
``key.to_string()``, this override puts the real (published, devnet-only) key text back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sessionkit.devnet import Devnet


@pytest.fixture
def doc_environment(
    doc_environment: None, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The root fixture's environment, with the private key written as key text."""
    import os

    if "DEVNET_URL" in os.environ:
        devnet: Devnet = request.getfixturevalue("devnet")
        key = devnet.accounts["alice"].private_key
        monkeypatch.setenv("SESSIONKIT_PRIVATE_KEY", key.to_string())
