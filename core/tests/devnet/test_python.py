"""Finding an interpreter that can host the node, and saying clearly when there is none."""

from __future__ import annotations

import sys

import pytest
from sessionkit.devnet import _python
from sessionkit.devnet._python import PYTHON_ENV_VAR, check_platform, find_python, probe
from sessionkit.devnet._venv import ensure_environment
from sessionkit.errors import DevnetUnavailable


def test_probe_rejects_what_is_not_a_python(tmp_path) -> None:
    assert probe(str(tmp_path / "missing")) is None
    assert probe("/bin/true") is None


def test_probe_accepts_only_311_or_310_with_libpython() -> None:
    found = probe(sys.executable)
    if found is None:
        assert sys.version_info[:2] not in ((3, 11), (3, 10)) or not _shared()
        return
    assert found.version in ((3, 11), (3, 10))
    assert ".so" in found.libpython
    assert found.tag == f"py{found.version[0]}.{found.version[1]}"


def _shared() -> bool:
    import sysconfig

    return bool(sysconfig.get_config_var("Py_ENABLE_SHARED"))


def test_named_interpreter_that_cannot_host_the_node_is_explained(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(PYTHON_ENV_VAR, str(tmp_path / "python3.11"))
    with pytest.raises(DevnetUnavailable) as caught:
        find_python()
    message = str(caught.value)
    assert PYTHON_ENV_VAR in message
    assert "--enable-shared" in message


def test_no_candidate_at_all_lists_what_was_tried(monkeypatch) -> None:
    monkeypatch.delenv(PYTHON_ENV_VAR, raising=False)
    monkeypatch.setattr(_python, "_candidates", lambda: ["/opt/none/python3.11"])
    with pytest.raises(DevnetUnavailable, match=r"tried: /opt/none/python3\.11"):
        find_python()


@pytest.mark.parametrize(("platform_name", "machine"), [("linux", "aarch64"), ("darwin", "x86_64")])
def test_other_platforms_are_unavailable(monkeypatch, tmp_path, platform_name, machine) -> None:
    monkeypatch.setattr(_python.sys, "platform", platform_name)
    monkeypatch.setattr(_python.platform, "machine", lambda: machine)
    with pytest.raises(DevnetUnavailable, match="x86_64 Linux"):
        check_platform()
    with pytest.raises(DevnetUnavailable):
        ensure_environment(tmp_path / "root", progress=None)
    assert not (tmp_path / "root").exists()
