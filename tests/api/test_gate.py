"""The work gate, the rate limiter and the read/write lock, on their own."""

from __future__ import annotations

import asyncio
import sys
import threading
import time

import pytest

from advisor.api.gate import Overloaded, RateLimiter, WorkGate, WorkTimeout
from advisor.api.runtime import ReadWriteLock
from advisor.extras import MissingExtraError
from tests.conftest import running_redis


def test_gate_refuses_work_beyond_workers_plus_queue() -> None:
    gate = WorkGate(workers=1, queue=1)
    release = threading.Event()

    async def scenario() -> list[str]:
        first = asyncio.ensure_future(gate.run(release.wait, timeout=5))
        second = asyncio.ensure_future(gate.run(lambda: "queued", timeout=5))
        await asyncio.sleep(0.05)
        with pytest.raises(Overloaded):
            await gate.run(lambda: "third", timeout=5)
        release.set()
        return [str(await first), await second]

    assert asyncio.run(scenario()) == ["True", "queued"]
    assert gate.busy == 0
    gate.close()


def test_gate_times_out_and_frees_the_slot_when_the_work_ends() -> None:
    gate = WorkGate(workers=1, queue=0)

    async def scenario() -> str:
        with pytest.raises(WorkTimeout):
            await gate.run(lambda: time.sleep(0.3), timeout=0.05)
        with pytest.raises(Overloaded):  # the slow work still runs on the only worker
            await gate.run(lambda: "early", timeout=1)
        await asyncio.sleep(0.4)
        return await gate.run(lambda: "after", timeout=1)

    assert asyncio.run(scenario()) == "after"
    gate.close()


def test_rate_limiter_allows_per_minute_then_asks_to_wait_per_client() -> None:
    limiter = RateLimiter(per_minute=3)
    assert [limiter.retry_after("a") for _ in range(3)] == [0, 0, 0]
    assert 55 <= limiter.retry_after("a") <= 60  # the first of the three leaves the window in a minute
    assert limiter.retry_after("b") == 0
    assert RateLimiter(per_minute=0).retry_after("a") == 0


def test_a_rate_storage_without_its_client_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # as if the `scale` extra were not installed
    with pytest.raises(MissingExtraError, match=r"operations-advisor\[scale\]"):
        RateLimiter(per_minute=3, storage="redis://127.0.0.1:6379")


def test_writer_waits_for_readers_and_new_readers_wait_for_a_waiting_writer() -> None:
    lock = ReadWriteLock()
    order: list[str] = []
    reading = threading.Event()
    finish_reading = threading.Event()

    def reader(name: str, hold: threading.Event | None) -> None:
        with lock.reading():
            order.append(name)
            reading.set()
            if hold:
                hold.wait(5)

    def writer() -> None:
        with lock.writing():
            order.append("write")

    first = threading.Thread(target=reader, args=("read-1", finish_reading))
    first.start()
    reading.wait(5)
    write = threading.Thread(target=writer)
    write.start()
    time.sleep(0.05)
    late = threading.Thread(target=reader, args=("read-2", None))
    late.start()
    time.sleep(0.05)
    assert order == ["read-1"]
    finish_reading.set()
    for thread in (first, write, late):
        thread.join(5)
    assert order == ["read-1", "write", "read-2"]


@pytest.mark.server
def test_replicas_sharing_a_redis_storage_enforce_one_limit() -> None:
    with running_redis() as url:
        replicas = [RateLimiter(per_minute=4, storage=url) for _ in range(2)]
        assert [replicas[n % 2].retry_after("key-1") for n in range(4)] == [0, 0, 0, 0]
        assert replicas[0].retry_after("key-1") > 0 and replicas[1].retry_after("key-1") > 0
        assert replicas[1].retry_after("key-2") == 0
