"""Idempotent indexing of documents into the chunk store through LangChain's indexing API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from langchain_core.documents import Document

from advisor.backends.embeddings import PrimedEmbeddings
from advisor.backends.state import IndexState
from advisor.backends.state_schema import Intent, Postings
from advisor.backends.store import ChunkStore
from advisor.schemas import ChangeStatus, Chunk, DocumentChange, IngestReport, SourceDocument
from advisor.services.consistency import RepairReport, repair
from advisor.services.documents import (
    DocumentError,
    PreparedDocument,
    contextual_text,
    file_limits,
    prepare_all,
    read_documents,
)
from advisor.services.lexical import LexicalIndex
from advisor.services.sections import SectionIndex
from advisor.settings import Settings
from advisor.text.cleaning import line_keys
from advisor.text.terms import terms

Progress = Callable[[int], None]


def _terms_of(chunk: Chunk) -> list[str]:
    return terms(contextual_text(chunk), chunk.language)


def _chunk_key(document: Document) -> str:
    return str(document.metadata["chunk_id"])


def _changes(prepared: Sequence[PreparedDocument], existing: dict[str, list[str]], prune: bool) -> list[DocumentChange]:
    changes = []
    for doc in prepared:
        new = {c.chunk_id for c in doc.chunks}
        old = set(existing.get(doc.source.id, []))
        status: ChangeStatus = "added" if not old else "unchanged" if old == new else "updated"
        changes.append(
            DocumentChange(
                source=doc.source.id,
                status=status,
                chunks_added=len(new - old),
                chunks_deleted=len(old - new),
                chunks_total=len(new),
            )
        )
    if prune:
        seen = {doc.source.id for doc in prepared}
        changes.extend(
            DocumentChange(source=source, status="deleted", chunks_deleted=len(keys))
            for source, keys in existing.items()
            if source not in seen
        )
    return changes


class IngestService:
    """Cleans, chunks and indexes documents; re-ingesting unchanged documents writes nothing."""

    def __init__(
        self,
        settings: Settings,
        store: ChunkStore,
        state: IndexState,
        lexical: LexicalIndex,
        embeddings: PrimedEmbeddings,
        sections: SectionIndex,
    ):
        self._settings = settings
        self._store = store
        self._state = state
        self._lexical = lexical
        self._embeddings = embeddings
        self._sections = sections

    def ingest_paths(
        self,
        paths: Sequence[Path] | None = None,
        *,
        prune: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Ingest files/folders (default: the corpus folder)."""
        return self.ingest(self.read(paths), prune=prune, dry_run=dry_run, progress=progress)

    def read(self, paths: Sequence[Path] | None = None) -> list[SourceDocument]:
        """The documents in files/folders of the supported formats (default: the corpus folder)."""
        return read_documents(paths or [self._settings.corpus_dir], file_limits(self._settings.documents))

    def put(self, document: SourceDocument) -> DocumentChange:
        """Add or replace one document; one with nothing left after cleaning is refused, not indexed empty."""
        prepared = self.prepare([document])[0]
        if not prepared.chunks:
            raise DocumentError(f"{document.id}: nothing indexable is left after cleaning")
        return self._ingest_prepared([prepared], prune=False, dry_run=False, progress=None).documents[0]

    def ingest(
        self,
        documents: Sequence[SourceDocument],
        *,
        prune: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Index `documents`; with `prune`, delete every stored document not among them. A write that an
        earlier process left unfinished is finished or undone first."""
        if not dry_run:
            self.repair()
        return self._ingest_prepared(self.prepare(documents), prune=prune, dry_run=dry_run, progress=progress)

    def prepare(self, documents: Sequence[SourceDocument]) -> list[PreparedDocument]:
        """Clean, outline and chunk documents; lines that other documents (given or stored) share are dropped."""
        stored = self._state.line_keys(exclude=[doc.id for doc in documents])
        return prepare_all(documents, self._settings.chunking, stored)

    def _ingest_prepared(
        self, prepared: Sequence[PreparedDocument], *, prune: bool, dry_run: bool, progress: Progress | None
    ) -> IngestReport:
        existing = self._state.groups()
        changes = _changes(prepared, existing, prune)
        cleaning = [p.cleaned.report(p.source.id) for p in prepared]
        if dry_run:
            return IngestReport(
                added=sum(c.chunks_added for c in changes),
                updated=0,
                deleted=sum(c.chunks_deleted for c in changes),
                skipped=sum(c.chunks_total - c.chunks_added for c in changes),
                documents=changes,
                dry_run=True,
                cleaning=cleaning,
                outlines=[p.outline for p in prepared],
            )

        totals = {"num_added": 0, "num_updated": 0, "num_deleted": 0, "num_skipped": 0}
        chunks = [c for doc in prepared for c in doc.chunks]
        known = self._state.records.exists([c.chunk_id for c in chunks])
        new_chunks = [c for c, seen in zip(chunks, known, strict=True) if not seen]
        # Embed every new chunk in one batch while this thread tokenises them for BM25.
        with ThreadPoolExecutor(max_workers=1) as background:
            contextual = {c.text: contextual_text(c) for c in new_chunks}
            embedding = background.submit(
                self._embeddings.prime, [c.text for c in new_chunks], contextual, self._settings.chunking.header_weight
            )
            new_terms = {c.chunk_id: terms(contextual[c.text], c.language) for c in new_chunks}
            embedding.result()
        unchanged = {c.source for c in changes if c.status == "unchanged"}
        try:
            for doc in prepared:
                if doc.source.id in unchanged and self._sections.outline(doc.source.id) == doc.outline:
                    totals["num_skipped"] += len(doc.chunks)  # not written at all, not even its records' times
                else:
                    with self._state.document_lock(doc.source.id):
                        self._write(doc, totals, new_terms)
                if progress:
                    progress(len(doc.chunks))
        finally:
            self._embeddings.forget()
        if prune:
            totals["num_deleted"] += sum(self.delete(c.source) for c in changes if c.status == "deleted")
        return IngestReport(
            added=totals["num_added"],
            updated=totals["num_updated"],
            deleted=totals["num_deleted"],
            skipped=totals["num_skipped"],
            documents=changes,
            cleaning=cleaning,
        )

    def _write(self, doc: PreparedDocument, totals: dict[str, int], new_terms: dict[str, list[str]]) -> None:
        """Index one document's chunks, then its lexical entries, then its outline. Each step can be repeated:
        a write stopped between them is completed or undone by the next ingest (`repair`)."""
        from langchain_core.indexing import index  # imported on the first write, not at start-up

        old = self._state.records.list_keys(group_ids=[doc.source.id])
        stored = self._store.get(old[:1])
        if stored and stored[0].language != doc.source.language:
            # Re-ingested in another language: its chunks live in another collection, so drop the old ones first.
            self._delete(doc.source.id)
            old = []
        outline = doc.outline.model_dump_json()
        keys = line_keys(doc.source.text)
        self._state.begin(Intent(doc.source.id, old, [c.chunk_id for c in doc.chunks], outline, sorted(keys)))
        # The whole document in one batch: incremental cleanup then removes exactly its stale chunks.
        result = index(
            doc.langchain_documents(),
            self._state.records,
            self._store.vector_store(doc.source.language),
            cleanup="incremental",
            source_id_key="source",
            key_encoder=_chunk_key,
            batch_size=max(1, len(doc.chunks)),
        )
        for key in totals:
            totals[key] += int(result[key])  # type: ignore[literal-required]
        current = {c.chunk_id for c in doc.chunks}
        gone = set(old) - current
        self._lexical.remove(gone)
        self._state.delete_postings(gone)
        # Which postings exist is read from the state, not this server's index: another server may have
        # replaced them since this one last caught up.
        have = self._state.postings(current)
        fresh = [
            Postings(
                c.chunk_id, c.language, c.source, new_terms.get(c.chunk_id) or terms(contextual_text(c), c.language)
            )
            for c in doc.chunks
            if c.chunk_id not in have
        ]
        self._state.save_postings(fresh)
        for entry in [*have.values(), *fresh]:
            if not self._lexical.contains(entry.chunk_id):
                self._lexical.add(entry.chunk_id, doc.source.language, entry.source, entry.terms)
        self._state.save_outline(doc.source.id, outline, keys)
        self._sections.put(doc.outline)
        self._state.end(doc.source.id)

    def delete(self, source: str) -> int:
        """Remove one document's chunks and outline; returns how many chunks were deleted."""
        with self._state.document_lock(source):
            return self._delete(source)

    def _delete(self, source: str) -> int:
        keys = self._state.records.list_keys(group_ids=[source])
        self._state.begin(Intent(source, keys, [], None, []))
        if keys:
            self._store.delete(keys)
            self._state.records.delete_keys(keys)
            self._state.delete_postings(keys)
            self._lexical.remove(keys)
        self._state.delete_outline(source)
        self._sections.remove(source)
        self._state.end(source)
        return len(keys)

    def repair(self) -> RepairReport:
        """Make the store, the records and the lexical postings agree again after a write that was killed:
        vectors without a record are deleted, records without vectors forgotten (their documents are indexed
        again by the next ingest of them), postings follow the records."""
        with self._state.index_lock():
            return repair(self._state, self._store, self._lexical, self._sections)
