"""What the server holds while it runs: the services (once loaded), the work gate, limits and metrics."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from advisor.api.gate import RateLimiter, WorkGate
from advisor.api.telemetry import Telemetry
from advisor.assembly import Services, build_services
from advisor.backends.lock import DataDirLock
from advisor.settings import Settings

log = logging.getLogger("advisor.api")


class Runtime:
    """Loads the services in the background so liveness answers at once and readiness follows."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.gate = WorkGate(settings.api.workers, settings.api.queue)
        self.rate_limiter = RateLimiter(settings.api.rate_per_minute, settings.api.rate_storage)
        self.telemetry = Telemetry(self.index_size)
        self.lock = DataDirLock(settings, "advisor serve")
        self.index_access = ReadWriteLock()
        self.services: Services | None = None
        self.failure: str | None = None
        self.started = time.monotonic()
        self._loader: threading.Thread | None = None

    def start(self) -> None:
        """Take the data directory (raises when another writer has it) and start loading the services; once."""
        if self._loader is not None:
            return
        self.lock.acquire()
        self._loader = threading.Thread(target=self._load, name="advisor-load", daemon=True)
        self._loader.start()

    def _load(self) -> None:
        try:
            services = build_services(self.settings)
            services.warm_up()
            self.services = services
            log.info("ready in %.1f s with %d chunks", time.monotonic() - self.started, services.store.count())
        except Exception as exc:  # reported by /readyz; the process stays up for diagnosis
            self.failure = f"{type(exc).__name__}: {exc}"
            log.exception("the services could not start")

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until loading has finished (tests, the Docker build); True when the services are up."""
        if self._loader is not None:
            self._loader.join(timeout)
        return self.services is not None

    def index_size(self) -> float:
        """Chunks in the index (0 until loaded)."""
        return float(self.services.store.count()) if self.services else 0.0

    def close(self) -> None:
        """Stop work, release the services and the data directory. A document write still embedding fails at
        once (its worker processes stop); one already writing the index finishes first."""
        self.wait_ready()
        self.gate.close()
        if self.services is not None:
            self.services.embeddings.close()
            with self.index_access.writing():
                self.services.close()
        self.lock.release()


class ReadWriteLock:
    """Many readers or one writer: searches run together, a document write runs alone (and goes first)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                self._condition.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._condition:
            self._writers_waiting += 1
            self._condition.wait_for(lambda: not self._writing and self._readers == 0)
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._condition:
                self._writing = False
                self._condition.notify_all()
