"""A SessionKit user interface for the terminal: prompts, QR codes and progress.

Discovered through the `sessionkit` entry-point group as `console`.
"""

__all__: list[str] = []
