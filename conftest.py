"""Runs every ```python example of the READMEs and docs/*.md as a test (sybil).

A fence written ```python runs; ```python notest is shown but not run (say why next to it).
The examples of one document share a namespace, a working directory and a ``SESSIONKIT_HOME``
of their own. Examples that talk to a chain read ``DEVNET_URL`` and ``DEVNET_CHAIN_ID`` (and
``SESSIONKIT_PRIVATE_KEY``, alice's published devnet key): a document that mentions
``DEVNET_URL`` gets them from the test session's devnet, so each example is the code a reader
runs against ``uv run sessionkit devnet start``; a document showing a test that takes the
``devnet`` fixture (``(devnet``) also finds that fixture's value under the name ``devnet``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser


@pytest.fixture(scope="session")
def _document_dirs() -> dict[Path, Path]:
    return {}


@pytest.fixture
def doc_environment(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    _document_dirs: dict[Path, Path],
) -> None:
    """The environment one document's examples run in (see the module docstring)."""
    document = Path(request.node.example.path)
    directory = _document_dirs.get(document)
    if directory is None:
        directory = _document_dirs[document] = tmp_path_factory.mktemp(document.stem)
    monkeypatch.setenv("SESSIONKIT_HOME", str(directory))
    monkeypatch.chdir(directory)
    text = document.read_text(encoding="utf-8")
    if "DEVNET_URL" in text or "(devnet" in text:
        devnet = request.getfixturevalue("devnet")
        request.node.example.namespace.setdefault("devnet", devnet)
        monkeypatch.setenv("DEVNET_URL", devnet.url)
        monkeypatch.setenv("DEVNET_CHAIN_ID", str(devnet.chain_id))
        monkeypatch.setenv(
            "SESSIONKIT_PRIVATE_KEY", devnet.accounts["alice"].private_key.to_string()
        )


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser()],
    patterns=["README.md", "*.md"],
    fixtures=["doc_environment"],
).pytest()
