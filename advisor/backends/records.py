"""SQLite record manager for LangChain's indexing API, plus the stored lexical terms of each chunk.

LangChain 1.x ships only an in-memory record manager; this one persists the same records (key, group,
time) in SQLite from the standard library, so re-ingesting unchanged documents writes nothing across
processes. The same file keeps each chunk's BM25 terms so the lexical index opens without re-tokenising.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from langchain_core.indexing import RecordManager

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    namespace TEXT NOT NULL, key TEXT NOT NULL, group_id TEXT, updated_at REAL NOT NULL,
    PRIMARY KEY (namespace, key));
CREATE INDEX IF NOT EXISTS records_group ON records (namespace, group_id);
CREATE INDEX IF NOT EXISTS records_time ON records (namespace, updated_at);
CREATE TABLE IF NOT EXISTS chunk_terms (
    namespace TEXT NOT NULL, chunk_id TEXT NOT NULL, terms TEXT NOT NULL,
    PRIMARY KEY (namespace, chunk_id));
CREATE TABLE IF NOT EXISTS outlines (
    namespace TEXT NOT NULL, source TEXT NOT NULL, outline TEXT NOT NULL, line_keys TEXT NOT NULL,
    PRIMARY KEY (namespace, source));
"""


class SQLiteRecordManager(RecordManager):
    """Persistent `RecordManager` in one SQLite file (safe for threads of one process)."""

    def __init__(self, namespace: str, path: Path | str) -> None:
        super().__init__(namespace)
        self._path = str(path)
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()
        self._last_time = 0.0
        self.create_schema()

    def _write_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """Run one statement over many rows in a single transaction (one commit, not one per row)."""
        if not rows:
            return
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                self._conn.executemany(sql, rows)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def create_schema(self) -> None:
        with self._lock:
            self._conn.executescript(_SCHEMA)

    async def acreate_schema(self) -> None:
        self.create_schema()

    def get_time(self) -> float:
        # Strictly increasing, so records written in one run are always newer than the run's start.
        with self._lock:
            self._last_time = max(time.time(), self._last_time + 1e-6)
            return self._last_time

    async def aget_time(self) -> float:
        return self.get_time()

    def update(
        self,
        keys: Sequence[str],
        *,
        group_ids: Sequence[str | None] | None = None,
        time_at_least: float | None = None,
    ) -> None:
        if group_ids is None:
            group_ids = [None] * len(keys)
        if len(keys) != len(group_ids):
            raise ValueError("keys and group_ids must have the same length")
        now = self.get_time()
        if time_at_least is not None and now < time_at_least:
            raise ValueError(f"time sync issue: {now} < {time_at_least}")
        rows = [(self.namespace, key, group, now) for key, group in zip(keys, group_ids, strict=True)]
        self._write_many(
            "INSERT INTO records (namespace, key, group_id, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (namespace, key) DO UPDATE SET "
            "group_id=COALESCE(excluded.group_id, records.group_id), updated_at=excluded.updated_at",
            rows,
        )

    async def aupdate(
        self,
        keys: Sequence[str],
        *,
        group_ids: Sequence[str | None] | None = None,
        time_at_least: float | None = None,
    ) -> None:
        self.update(keys, group_ids=group_ids, time_at_least=time_at_least)

    def exists(self, keys: Sequence[str]) -> list[bool]:
        found: set[str] = set()
        with self._lock:
            for start in range(0, len(keys), 500):
                batch = list(keys[start : start + 500])
                marks = ",".join("?" * len(batch))
                found.update(
                    row[0]
                    for row in self._conn.execute(
                        f"SELECT key FROM records WHERE namespace=? AND key IN ({marks})", [self.namespace, *batch]
                    )
                )
        return [key in found for key in keys]

    async def aexists(self, keys: Sequence[str]) -> list[bool]:
        return self.exists(keys)

    def list_keys(
        self,
        *,
        before: float | None = None,
        after: float | None = None,
        group_ids: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[str]:
        query = "SELECT key FROM records WHERE namespace=?"
        params: list[object] = [self.namespace]
        if before is not None:
            query += " AND updated_at < ?"
            params.append(before)
        if after is not None:
            query += " AND updated_at > ?"
            params.append(after)
        if group_ids is not None:
            query += f" AND group_id IN ({','.join('?' * len(group_ids))})"
            params.extend(group_ids)
        query += " ORDER BY updated_at, key"
        if limit is not None:
            query += " LIMIT ?"
            params.append(limit)
        with self._lock:
            return [row[0] for row in self._conn.execute(query, params)]

    async def alist_keys(
        self,
        *,
        before: float | None = None,
        after: float | None = None,
        group_ids: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[str]:
        return self.list_keys(before=before, after=after, group_ids=group_ids, limit=limit)

    def delete_keys(self, keys: Sequence[str]) -> None:
        self._write_many("DELETE FROM records WHERE namespace=? AND key=?", [(self.namespace, key) for key in keys])

    async def adelete_keys(self, keys: Sequence[str]) -> None:
        self.delete_keys(keys)

    def groups(self) -> dict[str, list[str]]:
        """Every group (document id) with its keys (chunk ids)."""
        out: dict[str, list[str]] = {}
        with self._lock:
            rows = self._conn.execute(
                "SELECT group_id, key FROM records WHERE namespace=? ORDER BY group_id, key", [self.namespace]
            ).fetchall()
        for group, key in rows:
            out.setdefault(group or "", []).append(key)
        return out

    def save_terms(self, items: Iterable[tuple[str, list[str]]]) -> None:
        """Store the lexical terms of chunks (replacing earlier ones)."""
        rows = [(self.namespace, chunk_id, "\x1f".join(terms)) for chunk_id, terms in items]
        self._write_many("INSERT OR REPLACE INTO chunk_terms (namespace, chunk_id, terms) VALUES (?, ?, ?)", rows)

    def load_terms(self) -> dict[str, list[str]]:
        """Stored lexical terms by chunk id."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT chunk_id, terms FROM chunk_terms WHERE namespace=?", [self.namespace]
            ).fetchall()
        return {chunk_id: terms.split("\x1f") if terms else [] for chunk_id, terms in rows}

    def delete_terms(self, chunk_ids: Iterable[str]) -> None:
        """Forget the lexical terms of deleted chunks."""
        self._write_many(
            "DELETE FROM chunk_terms WHERE namespace=? AND chunk_id=?", [(self.namespace, c) for c in chunk_ids]
        )

    def save_outline(self, source: str, outline: str, line_keys: Iterable[str]) -> None:
        """Store a document's outline (JSON) and the keys of its page's lines (for boilerplate detection)."""
        row = (self.namespace, source, outline, "\x1f".join(sorted(line_keys)))
        self._write_many("INSERT OR REPLACE INTO outlines (namespace, source, outline, line_keys) VALUES (?, ?, ?, ?)",
                         [row])  # fmt: skip

    def load_outlines(self) -> dict[str, str]:
        """Stored outlines (JSON) by document id."""
        with self._lock:
            rows = self._conn.execute("SELECT source, outline FROM outlines WHERE namespace=?", [self.namespace])
            return dict(rows.fetchall())

    def line_keys(self, exclude: Iterable[str] = ()) -> set[str]:
        """Line keys of every stored document except those in `exclude`."""
        skipped = set(exclude)
        with self._lock:
            rows = self._conn.execute("SELECT source, line_keys FROM outlines WHERE namespace=?", [self.namespace])
            found = rows.fetchall()
        return {key for source, keys in found if source not in skipped for key in keys.split("\x1f") if key}

    def delete_outline(self, source: str) -> None:
        """Forget a deleted document's outline."""
        self._write_many("DELETE FROM outlines WHERE namespace=? AND source=?", [(self.namespace, source)])

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()
