"""The index's state beside its vectors, in one SQL database: SQLite in the data directory by default, PostgreSQL
when several servers share one index (`ADVISOR_STATE__URL`).

- **Records**: LangChain's `SQLRecordManager` (langchain-classic), with which the indexing API skips unchanged
  chunks and cleans up replaced ones.
- **Lexical postings**: each chunk's BM25 terms with its language and source, so that every server builds the
  same BM25 statistics from the same rows.
- **Outlines**: each document's outline and the keys of its page's lines.
- **A change log**: every write appends (sequence number, chunk or outline, key). A server applies the entries
  it has not seen, so another server's writes reach its lexical index and outlines.

Writes of one document are serialised across servers by a PostgreSQL advisory lock (SQLite has one writer: the
data-directory lock).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
)

from advisor.backends.lock import advisory_locks
from advisor.backends.state_schema import (
    SEPARATOR,
    Change,
    ChangeKind,
    Intent,
    Postings,
    changes,
    intents,
    metadata,
    outlines,
    terms,
)
from advisor.extras import MissingExtraError


class IndexState:
    """Records, lexical postings, outlines and the change log of one index (a namespace) in one database."""

    def __init__(self, url: str, namespace: str) -> None:
        try:
            from langchain_classic.indexes import SQLRecordManager
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise MissingExtraError("the record manager", "default") from exc
        self.namespace = namespace
        self.shared = not url.startswith("sqlite")
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = _engine(url)
        self.records = SQLRecordManager(namespace, engine=self.engine)
        self.records.create_schema()
        metadata.create_all(self.engine)

    # --- records ---------------------------------------------------------------------------------------------
    def groups(self, sources: Iterable[str] | None = None) -> dict[str, list[str]]:
        """Every document id (or those of `sources`) with its chunk ids."""
        table = _record_table()
        query = select(table.c.group_id, table.c.key).where(table.c.namespace == self.namespace)
        if sources is not None:
            query = query.where(table.c.group_id.in_(list(sources)))
        out: dict[str, list[str]] = {}
        with self.engine.connect() as connection:
            for group, key in connection.execute(query.order_by(table.c.group_id, table.c.key)):
                out.setdefault(group or "", []).append(key)
        return out

    # --- lexical postings ------------------------------------------------------------------------------------
    def save_postings(self, items: Sequence[Postings]) -> None:
        """Store (or replace) chunks' lexical entries and log them."""
        if not items:
            return
        ids = [item.chunk_id for item in items]
        rows = [{"namespace": self.namespace, "chunk_id": i.chunk_id, "language": i.language, "source": i.source,
                 "terms": SEPARATOR.join(i.terms)} for i in items]  # fmt: skip
        with self.engine.begin() as connection:
            self._remove(connection, terms.c.chunk_id, ids)
            connection.execute(insert(terms), rows)
            self._log(connection, "chunk", ids)

    def delete_postings(self, chunk_ids: Iterable[str]) -> None:
        """Forget deleted chunks' lexical entries and log it."""
        ids = list(chunk_ids)
        if not ids:
            return
        with self.engine.begin() as connection:
            self._remove(connection, terms.c.chunk_id, ids)
            self._log(connection, "chunk", ids)

    def postings(self, chunk_ids: Iterable[str] | None = None) -> dict[str, Postings]:
        """Stored lexical entries by chunk id (all, or those of `chunk_ids`)."""
        # In chunk-id order: every server (and either database) builds its BM25 index in the same order, so sums
        # of floats, and with them rankings, come out the same everywhere.
        query = select(terms).where(terms.c.namespace == self.namespace).order_by(terms.c.chunk_id)
        found: dict[str, Postings] = {}
        with self.engine.connect() as connection:
            batches = [None] if chunk_ids is None else _batches(list(chunk_ids))
            for batch in batches:
                chosen = query if batch is None else query.where(terms.c.chunk_id.in_(batch))
                for row in connection.execute(chosen):
                    words = row.terms.split(SEPARATOR) if row.terms else []
                    found[row.chunk_id] = Postings(row.chunk_id, row.language, row.source, words)
        return found

    # --- outlines --------------------------------------------------------------------------------------------
    def save_outline(self, source: str, outline: str, line_keys: Iterable[str]) -> None:
        """Store a document's outline (JSON) and its page's line keys (for boilerplate detection)."""
        row = {"namespace": self.namespace, "source": source, "outline": outline,
               "line_keys": SEPARATOR.join(sorted(line_keys))}  # fmt: skip
        with self.engine.begin() as connection:
            self._remove(connection, outlines.c.source, [source])
            connection.execute(insert(outlines), [row])
            self._log(connection, "outline", [source])

    def delete_outline(self, source: str) -> None:
        """Forget a deleted document's outline."""
        with self.engine.begin() as connection:
            self._remove(connection, outlines.c.source, [source])
            self._log(connection, "outline", [source])

    def outlines(self, sources: Iterable[str] | None = None) -> dict[str, str]:
        """Stored outlines (JSON) by document id (all, or those of `sources`)."""
        query = select(outlines.c.source, outlines.c.outline).where(outlines.c.namespace == self.namespace)
        if sources is not None:
            query = query.where(outlines.c.source.in_(list(sources)))
        with self.engine.connect() as connection:
            return {source: outline for source, outline in connection.execute(query)}

    def line_keys(self, exclude: Iterable[str] = ()) -> set[str]:
        """Line keys of every stored document except those in `exclude`."""
        skipped = set(exclude)
        query = select(outlines.c.source, outlines.c.line_keys).where(outlines.c.namespace == self.namespace)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return {key for source, keys in rows if source not in skipped for key in keys.split(SEPARATOR) if key}

    # --- writes in progress -----------------------------------------------------------------------------------
    def begin(self, intent: Intent) -> None:
        """Note a document write before it starts."""
        row = {"namespace": self.namespace, "source": intent.source, "old_ids": SEPARATOR.join(intent.old_ids),
               "new_ids": SEPARATOR.join(intent.new_ids), "outline": intent.outline,
               "line_keys": SEPARATOR.join(sorted(intent.line_keys))}  # fmt: skip
        with self.engine.begin() as connection:
            self._remove(connection, intents.c.source, [intent.source])
            connection.execute(insert(intents), [row])

    def end(self, source: str) -> None:
        """Forget a finished document write."""
        with self.engine.begin() as connection:
            self._remove(connection, intents.c.source, [source])

    def intents(self) -> list[Intent]:
        """Document writes that were started and never finished."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(intents).where(intents.c.namespace == self.namespace)).all()
        return [Intent(row.source, _split(row.old_ids), _split(row.new_ids), row.outline, _split(row.line_keys))
                for row in rows]  # fmt: skip

    def _remove(self, connection: Any, key: Any, values: list[str]) -> None:
        """Delete this namespace's rows of `key`'s table whose `key` is one of `values`."""
        for batch in _batches(values):
            connection.execute(delete(key.table).where(key.table.c.namespace == self.namespace, key.in_(batch)))

    # --- change log ------------------------------------------------------------------------------------------
    def _log(self, connection: Any, kind: ChangeKind, keys: Sequence[str]) -> None:
        connection.execute(insert(changes), [{"namespace": self.namespace, "kind": kind, "key": k} for k in keys])

    def version(self) -> int:
        """The last change's sequence number (0 before any)."""
        query = select(func.max(changes.c.seq)).where(changes.c.namespace == self.namespace)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def changes(self, after: int) -> list[Change]:
        """The changes logged after sequence number `after`, in order."""
        rows = select(changes.c.seq, changes.c.kind, changes.c.key)
        query = rows.where(changes.c.namespace == self.namespace, changes.c.seq > after).order_by(changes.c.seq)
        with self.engine.connect() as connection:
            return [Change(seq, kind, key) for seq, kind, key in connection.execute(query)]

    # --- writers ---------------------------------------------------------------------------------------------
    @contextmanager
    def document_lock(self, source: str) -> Iterator[None]:
        """Hold the write lock of one document across servers: PostgreSQL advisory locks, the index's shared and
        the document's exclusive one (released also when a server dies). SQLite has a single writer already."""
        locks = [(f"{self.namespace}\0", True), (f"{self.namespace}\0{source}", False)]
        with advisory_locks(self.engine if self.shared else None, locks):
            yield

    @contextmanager
    def index_lock(self) -> Iterator[None]:
        """Hold the whole index against every writer on every server (for a repair)."""
        with advisory_locks(self.engine if self.shared else None, [(f"{self.namespace}\0", False)]):
            yield

    def import_legacy(self, path: Path) -> bool:
        """Take over the records and outlines of an older data directory's SQLite file, once, when this state is
        empty (lexical entries are rebuilt from the store); True when something was imported."""
        if not path.is_file() or self.groups():
            return False
        with sqlite3.connect(path) as legacy:
            records = legacy.execute("SELECT key, group_id FROM records WHERE namespace=?", [self.namespace]).fetchall()
            outlines = legacy.execute("SELECT source, outline, line_keys FROM outlines WHERE namespace=?",
                                      [self.namespace]).fetchall()  # fmt: skip
        if records:
            self.records.update([key for key, _ in records], group_ids=[group for _, group in records])
        for source, outline, keys in outlines:
            self.save_outline(source, outline, keys.split(SEPARATOR))
        path.rename(path.with_name(path.name + ".imported"))
        return bool(records or outlines)

    def close(self) -> None:
        """Close the database connections."""
        self.engine.dispose()


def _record_table() -> Any:
    from langchain_classic.indexes._sql_record_manager import UpsertionRecord

    return UpsertionRecord.__table__


def _split(joined: str) -> list[str]:
    return joined.split(SEPARATOR) if joined else []


def _batches(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)] or [[]]


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        try:
            return create_engine(url, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise MissingExtraError(f"state database {url.split(':')[0]!r}", "scale") from exc
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _wal(connection: Any, _: Any) -> None:  # readers never wait for the writer
        connection.execute("PRAGMA journal_mode=WAL")

    return engine
