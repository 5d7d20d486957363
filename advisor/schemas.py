"""Data shapes shared by the services, the CLI and the API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Language = Literal["zh", "en", "es"]
LANGUAGES: tuple[Language, ...] = ("zh", "en", "es")


class SourceDocument(BaseModel):
    """One article as read from disk, before cleaning."""

    id: str
    text: str
    language: Language
    title: str


class Chunk(BaseModel):
    """A cleaned, indexed passage of one document."""

    chunk_id: str
    source: str
    language: Language
    title: str
    position: int
    text: str


class SearchHit(BaseModel):
    """A chunk returned by retrieval with its fused score and the parts it came from."""

    chunk: Chunk
    score: float
    dense: float
    lexical: float


class CleaningReport(BaseModel):
    """What cleaning removed from one document, by reason."""

    source: str
    kept_chars: int
    removed: dict[str, list[str]] = Field(default_factory=dict)

    @property
    def removed_count(self) -> int:
        return sum(len(lines) for lines in self.removed.values())


ChangeStatus = Literal["added", "updated", "unchanged", "deleted"]


class DocumentChange(BaseModel):
    """How one document's chunks changed in an ingest run."""

    source: str
    status: ChangeStatus
    chunks_added: int = 0
    chunks_deleted: int = 0
    chunks_total: int = 0


class IngestReport(BaseModel):
    """Totals and per-document changes of an ingest run."""

    added: int
    updated: int
    deleted: int
    skipped: int
    documents: list[DocumentChange]
    dry_run: bool = False
    cleaning: list[CleaningReport] = Field(default_factory=list)
