"""`advisor serve` stopped by a signal: running work ends, embedding workers go with it, the exit is clean."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from advisor.assembly import build_services
from advisor.settings import Settings
from tests.conftest import free_port, wait_ready

pytestmark = pytest.mark.server
GRACE = 2
Served = tuple[subprocess.Popen[bytes], str, list[int], dict[str, str]]
ADVISOR = str(Path(sys.executable).with_name("advisor"))


# Enough chunks that the document is embedded by the forked worker pool (started after the server's own
# signal handlers, so the workers would inherit them).
def _document(sections: int) -> str:
    return "\n\n".join(
        "".join(f"第{n}节第{i}条:运营需要看第{i}组数据,也要看第{n}批用户,每周复盘留存和转化。" for i in range(4))
        for n in range(sections)
    )


def _children(pid: int) -> list[int]:
    listed = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(child) for child in listed.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return state not in ("Z", "X")  # a zombie has exited


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A server (real embeddings, two workers) that has just embedded a large document; yields the process, its
    URL, its worker processes and its environment."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path / "data"), "ADVISOR_CORPUS_DIR": str(corpus),
           "ADVISOR_EMBEDDINGS__WORKERS": "2", "ADVISOR_API__SHUTDOWN_GRACE": str(GRACE),
           "ADVISOR_API__MAX_BODY_BYTES": "20000000"}  # fmt: skip
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([ADVISOR, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_ready(f"{url}/readyz")
        body = {"text": _document(100), "language": "zh", "title": "复盘"}
        assert httpx.put(f"{url}/v1/documents/review", json=body, timeout=120).status_code in (200, 201)
        workers = _children(process.pid)
        assert len(workers) == 2, "the document was not embedded by the worker pool"
        yield process, url, workers, env
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)


def _stopped_cleanly(served: Served, stop: signal.Signals = signal.SIGTERM) -> None:
    """Send `stop`; the server exits 0 within the grace period plus 2 s, leaves no worker behind and frees the
    data directory (an `advisor ingest` runs)."""
    process, url, workers, env = served
    process.send_signal(stop)
    started = time.monotonic()
    assert process.wait(timeout=GRACE + 30) == 0
    assert time.monotonic() - started <= GRACE + 2
    assert not [pid for pid in workers if _alive(pid)]
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{url}/healthz", timeout=2)
    assert subprocess.run([ADVISOR, "ingest"], env=env, capture_output=True, timeout=120).returncode == 0


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_an_idle_server_and_its_workers_with_exit_0(served: Served, stop: signal.Signals) -> None:
    _stopped_cleanly(served, stop)


def test_sigterm_under_load_ends_the_server_with_exit_0_within_the_grace_period(served: Served) -> None:
    _, url, _, _ = served
    stop = threading.Event()
    answered: list[int] = []

    def load() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not stop.is_set():
                try:
                    answered.append(client.post("/v1/search", json={"query": "每周复盘留存"}).status_code)
                    answered.append(client.post("/v1/ask", json={"question": "怎样复盘留存数据?"}).status_code)
                except httpx.HTTPError:
                    return

    clients = [threading.Thread(target=load, daemon=True) for _ in range(4)]
    for client in clients:
        client.start()
    time.sleep(1.5)
    try:
        _stopped_cleanly(served)
    finally:
        stop.set()
    assert answered and set(answered) <= {200, 503}  # served, or refused while stopping; never a 5xx crash


def test_workers_do_not_outlive_a_killed_server(served: Served) -> None:
    process, _, workers, _ = served
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while [pid for pid in workers if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if _alive(pid)]


def test_a_write_still_embedding_at_sigterm_is_cancelled_within_the_grace_period(served: Served) -> None:
    process, url, workers, env = served
    data_dir = Path(env["ADVISOR_DATA_DIR"])
    body = {"text": _document(3000), "language": "zh", "title": "大文档"}  # about 20 s of embedding
    writing = threading.Thread(target=lambda: _put_quietly(f"{url}/v1/documents/large", body), daemon=True)
    writing.start()
    time.sleep(3)
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    assert process.wait(timeout=30) == 0
    assert time.monotonic() - started <= GRACE + 2
    assert not [pid for pid in workers if _alive(pid)]
    # Nothing of the cancelled write was stored; the first document is intact.
    services = build_services(Settings(data_dir=data_dir, corpus_dir=data_dir.parent / "corpus"))
    try:
        sources = {chunk.source for chunk in services.store.iter_chunks()}
        assert sources == {"review"}
        assert set(services.state.records.list_keys()) == {chunk.chunk_id for chunk in services.store.iter_chunks()}
    finally:
        services.close()


def _put_quietly(url: str, body: dict[str, str]) -> None:
    with contextlib.suppress(httpx.HTTPError):
        httpx.put(url, json=body, timeout=60)
