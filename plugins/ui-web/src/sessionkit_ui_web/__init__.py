"""A SessionKit user interface in the browser.

Discovered through the `sessionkit` entry-point group as `web`.
"""

__all__: list[str] = []
