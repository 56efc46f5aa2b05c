"""Throwaway Redis servers for tests and examples: one server, or a three-master Redis Cluster.

``RedisServer()`` starts ``redis-server`` on a free loopback port in a temporary directory
(append-only file and RDB snapshots on, so a restart keeps the data) and ``stop()`` removes
it all; ``RedisClusterServers()`` starts three such servers with ``--cluster-enabled`` and
joins them with ``redis-cli --cluster create``. Both are context managers. The pytest fixtures
``redis_server`` and ``redis_cluster`` (session scope) share one of each per test run; import
them into a ``conftest.py``. ``redis-server`` and ``redis-cli`` must be on ``PATH`` (Debian:
``apt-get install redis-server``); without them the fixtures skip, except under CI where they
fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from sessionkit.errors import StorageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from types import TracebackType

__all__ = [
    "RedisClusterServers",
    "RedisServer",
    "RedisUnavailable",
    "free_port",
    "redis_cluster",
    "redis_server",
]

_HOST = "127.0.0.1"


class RedisUnavailable(StorageError):
    """``redis-server`` or ``redis-cli`` is not installed, or a server did not come up."""


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((_HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _executable(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RedisUnavailable(
            f"{name} is not on PATH: install Redis (Debian/Ubuntu: apt-get install redis-server, "
            "macOS: brew install redis)"
        )
    return found


def _answers(
    port: int, password: str | None, username: str | None, tls: ssl.SSLContext | None = None
) -> bool:
    """True when the server on ``port`` answers PING (after AUTH, when a password is set)."""
    try:
        with contextlib.ExitStack() as stack:
            conn = stack.enter_context(socket.create_connection((_HOST, port), timeout=0.5))
            if tls is not None:
                conn = stack.enter_context(tls.wrap_socket(conn, server_hostname=_HOST))
            if password is not None:
                words = ["AUTH", *([username] if username else []), password]
                conn.sendall(_command(words))
                if not conn.recv(256).startswith(b"+OK"):
                    return False
            conn.sendall(_command(["PING"]))
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _write_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA) and its key, as PEM files."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sessionkit test Redis")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(_HOST))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "tls.crt", directory / "tls.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return cert_file, key_file


def _command(words: Sequence[str]) -> bytes:
    parts = [f"*{len(words)}\r\n".encode()]
    for word in words:
        data = word.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def _terminate(
    process: subprocess.Popen[bytes], timeout: float = 10.0, *, remove: Path | None = None
) -> None:
    """SIGTERM (the server writes its files and exits), SIGKILL past ``timeout``; then delete
    ``remove``, the server's directory, when given."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if remove is not None:
        shutil.rmtree(remove, ignore_errors=True)


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, from the main thread: have the kernel SIGTERM the server when this process
    dies, even by SIGKILL (a test run killed on a timeout leaves no server behind). Not from
    other threads: the signal follows the thread that started the server, not the process."""
    if sys.platform != "linux" or threading.current_thread() is not threading.main_thread():
        return None
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return None
    pr_set_pdeathsig = 1

    def set_death_signal() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)

    return set_death_signal


class RedisServer:
    """A ``redis-server`` process on a free loopback port, its files in a temporary directory.

    ``password`` (and ``username``, an ACL user with every permission) require AUTH;
    ``extra_args`` are more ``redis-server`` options (``["--cluster-enabled", "yes"]``).
    ``tls=True`` serves TLS only, with a self-signed certificate for 127.0.0.1 (``ca_file``;
    `ssl_context` trusts it) and ``url`` is ``rediss://``. ``restart()`` stops and starts the
    server on the same port and files; ``kill()`` is ``kill -9``. Data survives a
    ``stop()``/``start()`` (AOF with ``appendfsync always``).
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        directory: str | os.PathLike[str] | None = None,
        password: str | None = None,
        username: str | None = None,
        extra_args: Sequence[str] = (),
        tls: bool = False,
    ) -> None:
        self.port = port if port is not None else free_port()
        self.tls = tls
        self.ca_file: Path | None = None
        self.password = password
        self.username = username
        self.extra_args = tuple(extra_args)
        self._given_directory = directory is not None
        self.directory = Path(directory) if directory is not None else None
        self.process: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"RedisServer(port={self.port}, {state})"

    @property
    def host(self) -> str:
        """The loopback address the server listens on."""
        return _HOST

    @property
    def url(self) -> str:
        """``redis://host:port/0`` (``rediss://`` with TLS; no credentials: pass them apart)."""
        scheme = "rediss" if self.tls else "redis"
        return f"{scheme}://{_HOST}:{self.port}/0"

    def ssl_context(self) -> ssl.SSLContext:
        """A client TLS context that trusts this server's certificate."""
        if self.ca_file is None:
            raise RedisUnavailable("start the server with tls=True first")
        return ssl.create_default_context(cafile=str(self.ca_file))

    @property
    def running(self) -> bool:
        """True while the server process is alive."""
        return self.process is not None and self.process.poll() is None

    def arguments(self) -> list[str]:
        """The ``redis-server`` command line."""
        assert self.directory is not None
        args = [
            _executable("redis-server"),
            "--bind",
            _HOST,
            "--port",
            "0" if self.tls else str(self.port),
            "--dir",
            str(self.directory),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "3600 1",
            "--daemonize",
            "no",
            "--logfile",
            "redis.log",
            "--protected-mode",
            "yes",
        ]
        if self.password is not None:
            if self.username:
                args += ["--user", self.username, "on", f">{self.password}", "~*", "&*", "+@all"]
                args += ["--user", "default", "off"]
            else:
                args += ["--requirepass", self.password]
        if self.tls:
            cert_file, key_file = _write_certificate(self.directory)
            self.ca_file = cert_file
            args += ["--tls-port", str(self.port), "--tls-cert-file", str(cert_file)]
            args += ["--tls-key-file", str(key_file), "--tls-ca-cert-file", str(cert_file)]
            args += ["--tls-auth-clients", "no"]
        return args + list(self.extra_args)

    def start(self, timeout: float = 15.0) -> Self:
        """Start the server and wait until it answers PING."""
        if self.running:
            return self
        created = self.directory is None
        if self.directory is None:
            self.directory = Path(tempfile.mkdtemp(prefix="sessionkit-redis-"))
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            self.process = subprocess.Popen(
                self.arguments(),
                cwd=self.directory,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=_die_with_parent(),  # noqa: PLW1509 - only prctl, see there
            )
            # Never outlive this interpreter, even when nobody calls stop() or cleanup().
            if self._finalizer is not None:
                self._finalizer.detach()
            own = None if self._given_directory else self.directory
            self._finalizer = weakref.finalize(self, _terminate, self.process, remove=own)
            deadline = time.monotonic() + timeout
            tls = self.ssl_context() if self.tls else None
            while not _answers(self.port, self.password, self.username, tls):
                if self.process.poll() is not None:
                    raise RedisUnavailable(f"redis-server on port {self.port} exited: {self.log()}")
                if time.monotonic() > deadline:
                    raise RedisUnavailable(
                        f"redis-server on port {self.port} did not answer within {timeout} s"
                    )
                time.sleep(0.02)
        except BaseException:
            self.kill()
            if created:
                shutil.rmtree(self.directory, ignore_errors=True)
                self.directory = None
            raise
        return self

    def log(self) -> str:
        """The last lines of the server's log file."""
        if self.directory is None:
            return ""
        try:
            lines = (self.directory / "redis.log").read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-20:])

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server gracefully (SIGTERM: it writes its files); kill it past ``timeout``."""
        process, self.process = self.process, None
        if process is not None:
            _terminate(process, timeout)

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def restart(self, timeout: float = 15.0) -> None:
        """Stop and start again on the same port with the same files."""
        self.stop()
        self.start(timeout)

    def cleanup(self) -> None:
        """Stop the server and delete its directory (unless the caller gave it)."""
        self.stop()
        if self.directory is not None and not self._given_directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()


class RedisClusterServers:
    """Three ``redis-server`` masters joined into a Redis Cluster (no replicas), for tests.

    ``url`` names one node: a cluster client finds the others from it. ``nodes`` are the
    `RedisServer` objects, so a test can stop or kill one.
    """

    def __init__(self, masters: int = 3, *, password: str | None = None) -> None:
        if masters < 3:
            raise ValueError("a Redis Cluster needs at least 3 masters")
        self.password = password
        self._root: Path | None = None
        self.nodes: list[RedisServer] = []
        self._masters = masters

    def __repr__(self) -> str:
        return f"RedisClusterServers(ports={[n.port for n in self.nodes]})"

    @property
    def url(self) -> str:
        """The URL of the first node."""
        return self.nodes[0].url

    def start(self, timeout: float = 30.0) -> Self:
        """Start the nodes, create the cluster and wait until every node says it is ok."""
        if self.nodes:
            return self
        cli = _executable("redis-cli")
        self._root = Path(tempfile.mkdtemp(prefix="sessionkit-redis-cluster-"))
        # Made before the nodes' own finalizers, so it runs after them at exit.
        weakref.finalize(self, shutil.rmtree, self._root, ignore_errors=True)
        try:
            for index in range(self._masters):
                bus = free_port()
                node = RedisServer(
                    directory=self._root / f"node{index}",
                    password=self.password,
                    extra_args=[
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--cluster-node-timeout",
                        "3000",
                        "--cluster-port",
                        str(bus),
                        *(["--masterauth", self.password] if self.password else []),
                    ],
                )
                self.nodes.append(node)
                node.start()
            auth = ["-a", self.password, "--no-auth-warning"] if self.password else []
            created = subprocess.run(
                [
                    cli,
                    *auth,
                    "--cluster",
                    "create",
                    *(f"{_HOST}:{node.port}" for node in self.nodes),
                    "--cluster-replicas",
                    "0",
                    "--cluster-yes",
                ],
                capture_output=True,
                timeout=timeout,
                check=False,
            )
            if created.returncode != 0:
                raise RedisUnavailable(
                    "redis-cli --cluster create failed: "
                    + (created.stdout + created.stderr).decode(errors="replace")[-2000:]
                )
            deadline = time.monotonic() + timeout
            while not all(self._node_ok(cli, auth, node) for node in self.nodes):
                if time.monotonic() > deadline:
                    raise RedisUnavailable(f"the cluster did not become ok within {timeout} s")
                time.sleep(0.1)
        except BaseException:
            self.cleanup()
            raise
        return self

    @staticmethod
    def _node_ok(cli: str, auth: list[str], node: RedisServer) -> bool:
        info = subprocess.run(
            [cli, *auth, "-h", _HOST, "-p", str(node.port), "cluster", "info"],
            capture_output=True,
            timeout=10,
            check=False,
        ).stdout.decode(errors="replace")
        return "cluster_state:ok" in info and "cluster_slots_assigned:16384" in info

    def stop(self) -> None:
        """Stop every node (their files stay until `cleanup`)."""
        for node in self.nodes:
            node.stop()

    def cleanup(self) -> None:
        """Stop every node and delete the cluster's directory."""
        for node in self.nodes:
            node.stop()
        self.nodes = []
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on")


@contextlib.contextmanager
def _or_skip() -> Iterator[None]:
    import pytest

    try:
        yield
    except RedisUnavailable as exc:
        if _in_ci():
            pytest.fail(f"Redis must run under CI but cannot: {exc}", pytrace=False)
        pytest.skip(f"Redis unavailable: {exc}")


def _fixture_redis_server() -> Iterator[RedisServer]:
    """A running `RedisServer` shared by the test session; removed at the end."""
    server = RedisServer()
    with _or_skip():
        server.start()
    try:
        yield server
    finally:
        server.cleanup()


def _fixture_redis_cluster() -> Iterator[RedisClusterServers]:
    """A running three-master `RedisClusterServers` shared by the test session."""
    cluster = RedisClusterServers()
    with _or_skip():
        cluster.start()
    try:
        yield cluster
    finally:
        cluster.cleanup()


def _make_fixtures() -> tuple[object, object]:
    try:
        import pytest
    except ImportError:  # pragma: no cover - the module also serves examples without pytest
        return _fixture_redis_server, _fixture_redis_cluster
    return (
        pytest.fixture(scope="session", name="redis_server")(_fixture_redis_server),
        pytest.fixture(scope="session", name="redis_cluster")(_fixture_redis_cluster),
    )


redis_server, redis_cluster = _make_fixtures()
