"""A SessionKit wallet plugin for Anchor: the Anchor Link protocol over a buoy relay.

Discovered through the `sessionkit` entry-point group as `anchor`.
"""

__all__: list[str] = []
