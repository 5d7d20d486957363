"""The tables of the index's state database and the records read from them (see `advisor.backends.state`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text

SEPARATOR = "\x1f"
metadata = MetaData()
terms = Table(
    "advisor_terms", metadata,
    Column("namespace", String, primary_key=True), Column("chunk_id", String, primary_key=True),
    Column("language", String, nullable=False), Column("source", String, nullable=False),
    Column("terms", Text, nullable=False),
)  # fmt: skip
outlines = Table(
    "advisor_outlines", metadata,
    Column("namespace", String, primary_key=True), Column("source", String, primary_key=True),
    Column("outline", Text, nullable=False), Column("line_keys", Text, nullable=False),
)  # fmt: skip
intents = Table(
    "advisor_intents", metadata,
    Column("namespace", String, primary_key=True), Column("source", String, primary_key=True),
    Column("old_ids", Text, nullable=False), Column("new_ids", Text, nullable=False),
    Column("outline", Text, nullable=True), Column("line_keys", Text, nullable=False),
)  # fmt: skip
changes = Table(
    "advisor_changes", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("namespace", String, nullable=False, index=True),
    Column("kind", String, nullable=False),  # "chunk" or "outline"
    Column("key", String, nullable=False),  # a chunk id or a document id
)  # fmt: skip

ChangeKind = Literal["chunk", "outline"]


@dataclass(frozen=True)
class Postings:
    """One chunk's lexical entry."""

    chunk_id: str
    language: str
    source: str
    terms: list[str]


@dataclass(frozen=True)
class Intent:
    """A document write in progress: its chunks before and after, and the outline it will store (None for a
    delete). A write killed midway leaves it behind for the repair to finish or undo."""

    source: str
    old_ids: list[str]
    new_ids: list[str]
    outline: str | None
    line_keys: list[str]


@dataclass(frozen=True)
class Change:
    """A change-log entry: the chunk or outline under `key` was written or removed."""

    seq: int
    kind: ChangeKind
    key: str
