"""Shared fixtures: settings that select deterministic fakes and a temporary data directory."""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from advisor.assembly import Services, build_services
from advisor.settings import PROJECT_ROOT, EmbeddingSettings, Settings

CORPUS = PROJECT_ROOT / "corpus"


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def fake_settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    """Settings with fake embeddings, a temporary data dir and a copy of the corpus."""
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy, embeddings=EmbeddingSettings(backend="fake"))


@pytest.fixture
def fake_services(fake_settings: Settings) -> Iterator[Services]:
    """Assembled services on fake embeddings."""
    services = build_services(fake_settings)
    yield services
    services.close()


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, timeout: float = 90) -> None:
    """Wait until `url` answers 200 (fails the test after `timeout` s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer 200 within {timeout:.0f} s")


def within(seconds: float, condition: Callable[[], bool]) -> float:
    """How long `condition` took to hold, polled every 20 ms (fails the test after `seconds`)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            pytest.fail(f"not seen within {seconds} s")
        time.sleep(0.02)
    return time.monotonic() - started


@contextmanager
def running_server(
    command: list[str], ready_url: str, timeout: float, env: dict[str, str] | None = None
) -> Iterator[None]:
    """Start a server process, wait until `ready_url` answers 200, stop it afterwards."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        wait_ready(ready_url, timeout)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def running_chroma(path: Path) -> Iterator[int]:
    """A `chroma run` server on 127.0.0.1 storing under `path`; yields its port."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    command = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=60):
        yield port


@contextmanager
def running_redis() -> Iterator[str]:
    """A throwaway `redis-server` on 127.0.0.1 (no persistence); yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def running_postgres() -> Iterator[str]:
    """A throwaway PostgreSQL server (Debian's binaries) on 127.0.0.1, its data in a new temporary directory;
    yields a SQLAlchemy URL. As root, the server runs as the `postgres` user (initdb refuses root)."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not binaries:
        pytest.skip("PostgreSQL is not installed (.ci/run installs it)")
    bin_dir = binaries[-1].parent
    path = Path(tempfile.mkdtemp(prefix="advisor-pg-"))  # not under a root-only directory: the server must reach it
    as_root = os.geteuid() == 0
    if as_root:
        shutil.chown(path, "postgres", "postgres")

    def run(*command: str) -> None:
        line = " ".join(shlex.quote(part) for part in command)
        argv = ["su", "postgres", "-s", "/bin/sh", "-c", line] if as_root else ["/bin/sh", "-c", line]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        if done.returncode:
            pytest.fail(f"{command[0]} failed: {done.stderr.strip()[-400:]}")

    data = path / "data"
    port = free_port()
    run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "advisor", "--no-sync")
    options = f"-p {port} -k {path} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(path / "log"), "-w", "start")
    try:
        yield f"postgresql+psycopg://advisor@127.0.0.1:{port}/postgres"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(path, ignore_errors=True)
