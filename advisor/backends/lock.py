"""Writers' locks: one writer per data directory (the embedded Chroma store is not safe for concurrent
writers), and PostgreSQL advisory locks between the servers of one shared index."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from advisor.settings import Settings


class DataDirLocked(RuntimeError):
    """Another advisor process holds the data directory."""


class DataDirLock:
    """An exclusive, non-blocking lock on the data directory, held while a server or an ingest runs.

    Only the embedded store needs it; with the Chroma server (`store.mode=http`) it is a no-op.
    """

    def __init__(self, settings: Settings, holder: str) -> None:
        self.path = settings.data_dir / "writer.lock"
        self._holder = holder
        self._needed = settings.store.mode == "embedded"
        self._lock = FileLock(self.path, timeout=0, is_singleton=False)

    def acquire(self) -> DataDirLock:
        """Take the lock now or raise `DataDirLocked` naming the process that has it."""
        if not self._needed:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout:
            raise DataDirLocked(
                f"{self.path.parent} is in use by another advisor process ({_owner(self.path)}); stop it, or "
                "send documents to the running server with PUT /v1/documents/{id}"
            ) from None
        if _info(self.path).exists():  # the last holder died holding it: a write of its may be cut short
            _died(self.path).touch()
        _info(self.path).write_text(f"{self._holder} pid {os.getpid()}", encoding="utf-8")
        return self

    def release(self) -> None:
        """Let another process write."""
        if self._lock.is_locked:
            _info(self.path).unlink(missing_ok=True)
            self._lock.release()

    def __enter__(self) -> DataDirLock:
        return self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()


def unclean_stop(settings: Settings) -> bool:
    """Whether this process holds the data directory and its last holder died holding it (until `cleaned_up`)."""
    lock = settings.data_dir / "writer.lock"
    return _died(lock).exists() and _owner(lock).endswith(f" pid {os.getpid()}")


def cleaned_up(settings: Settings) -> None:
    """What the dead holder left is repaired."""
    _died(settings.data_dir / "writer.lock").unlink(missing_ok=True)


def _died(path: Path) -> Path:
    return path.with_suffix(".died")


def _info(path: Path) -> Path:
    return path.with_suffix(".owner")


def _owner(path: Path) -> str:
    try:
        return _info(path).read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"


@contextmanager
def advisory_locks(engine: Any, names: list[tuple[str, bool]]) -> Iterator[None]:
    """Hold PostgreSQL session advisory locks, `(name, shared)`, in order on one connection of `engine`
    (released in reverse order, or by the server when the connection dies); no-op when `engine` is None."""
    if engine is None:
        yield
        return
    from sqlalchemy import text

    keys = [(int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True),
             "_shared" if shared else "") for name, shared in names]  # fmt: skip
    with engine.connect() as connection:
        for key, mode in keys:
            connection.execute(text(f"SELECT pg_advisory_lock{mode}(:key)"), {"key": key})
        connection.commit()
        try:
            yield
        finally:
            for key, mode in reversed(keys):
                connection.execute(text(f"SELECT pg_advisory_unlock{mode}(:key)"), {"key": key})
            connection.commit()
