"""Testing without a phone: a local buoy relay and a simulated Anchor wallet.

- `LocalRelay`: a buoy-compatible relay on loopback (``async with`` in your event loop, ``with``
  in a thread of its own, or ``python -m sessionkit_wallet_anchor.testing relay``), with
  `RelayFaults` to make it misbehave.
- `SimulatedAnchor`: the Anchor app on the other side of the relay, signing with a key you give
  it; `AnchorUser` is a user interface that "scans" every QR code the wallet shows with it.
"""

from __future__ import annotations

from sessionkit_wallet_anchor.testing._anchor import AnchorUser, Behaviour, SimulatedAnchor
from sessionkit_wallet_anchor.testing._relay import LocalRelay, RelayFaults

__all__ = ["AnchorUser", "Behaviour", "LocalRelay", "RelayFaults", "SimulatedAnchor"]
