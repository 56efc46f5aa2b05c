"""A SessionKit wallet plugin that signs with private keys held by the app.

Discovered through the `sessionkit` entry-point group as `privatekey`.
"""

__all__: list[str] = []
