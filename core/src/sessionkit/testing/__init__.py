"""Testing helpers for apps and plugin authors: contract suites and the devnet fixture.

The pytest plugin (entry point ``pytest11``) lives in ``sessionkit.testing.pytest_plugin``.
"""

__all__: list[str] = []
