"""Backpressure for CPU-bound work and per-key rate limits."""

from __future__ import annotations

import asyncio
import math
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from advisor.extras import MissingExtraError

T = TypeVar("T")


class Overloaded(RuntimeError):
    """Every worker is busy and the waiting line is full."""


class WorkTimeout(TimeoutError):
    """The work did not finish within its time limit."""


_END = object()


class WorkGate:
    """Runs blocking work on a fixed pool sized to the cores, with a bounded waiting line.

    A request that would wait behind `queue` others is refused at once (`Overloaded`), so load never
    piles up. A timed-out request stops waiting; its work finishes on the worker and frees it then.
    """

    def __init__(self, workers: int = 0, queue: int = 32) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.queue = queue
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="advisor-work")
        self._slots = threading.BoundedSemaphore(self.workers + queue)
        self._running = 0

    @property
    def busy(self) -> int:
        """Requests running or waiting right now."""
        return self._running

    async def run(self, work: Callable[[], T], timeout: float) -> T:
        """The result of `work()` run on a worker, or `Overloaded` / `WorkTimeout`."""
        if not self._slots.acquire(blocking=False):
            raise Overloaded("the server is busy")
        self._running += 1
        try:
            future = asyncio.get_running_loop().run_in_executor(self._executor, work)
        except BaseException:
            self._release()
            raise
        future.add_done_callback(lambda _: self._release())
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            raise WorkTimeout(f"not finished within {timeout:g} s") from None

    async def stream(self, produce: Callable[[], Iterator[T]], timeout: float) -> AsyncIterator[T]:
        """The items of `produce()` iterated on a worker, as they come, or `Overloaded` / `WorkTimeout`.

        Leaving early (the client went away) stops the iteration at its next item and closes the iterator, which
        closes its upstream work; the worker is then free.
        """
        if not self._slots.acquire(blocking=False):
            raise Overloaded("the server is busy")
        self._running += 1
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[Any, BaseException | None]] = asyncio.Queue()
        stop = threading.Event()

        def put(item: Any, error: BaseException | None = None) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, (item, error))
            except RuntimeError:  # the event loop is gone (shutdown): nobody is listening
                stop.set()

        def work() -> None:
            try:
                iterator = produce()
                try:
                    for item in iterator:
                        if stop.is_set():
                            break
                        put(item)
                finally:
                    getattr(iterator, "close", lambda: None)()
            except BaseException as exc:
                put(_END, exc)
                return
            put(_END)

        try:
            future = loop.run_in_executor(self._executor, work)
        except BaseException:
            self._release()
            raise
        future.add_done_callback(lambda _: self._release())
        deadline = loop.time() + timeout
        try:
            while True:
                try:
                    item, error = await asyncio.wait_for(queue.get(), max(0.0, deadline - loop.time()))
                except TimeoutError:
                    raise WorkTimeout(f"not finished within {timeout:g} s") from None
                if item is _END:
                    if error is not None:
                        raise error
                    return
                yield item
        finally:
            stop.set()

    def _release(self) -> None:
        self._running -= 1
        self._slots.release()

    def close(self) -> None:
        """Stop accepting work; running work finishes."""
        self._executor.shutdown(wait=False, cancel_futures=True)


class RateLimiter:
    """`per_minute` requests per client in any 60 s (a moving window, the `limits` library). The counts live in
    `storage`: this process's memory by default, or a shared server (`redis://host:6379`) so that replicas
    enforce one limit together."""

    def __init__(self, per_minute: int, storage: str = "memory://") -> None:
        from limits import RateLimitItemPerMinute
        from limits.errors import ConfigurationError
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        self.per_minute = per_minute
        self._item = RateLimitItemPerMinute(per_minute) if per_minute > 0 else None
        try:
            self._limiter = MovingWindowRateLimiter(storage_from_string(storage))
        except ConfigurationError as exc:  # a storage whose client library is not installed
            raise MissingExtraError(f"rate-limit storage {storage.split(':')[0]!r}", "scale") from exc

    def retry_after(self, client: str) -> int:
        """0 when `client` may go ahead (and counts the request), else whole seconds until it may."""
        if self._item is None:
            return 0
        if self._limiter.hit(self._item, "advisor", client):
            return 0
        reset = self._limiter.get_window_stats(self._item, "advisor", client).reset_time
        return max(1, math.ceil(reset - time.time()))
