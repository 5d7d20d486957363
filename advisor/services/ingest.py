"""Idempotent indexing of documents into the chunk store through LangChain's indexing API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from langchain_core.documents import Document

from advisor.backends.embeddings import PrimedEmbeddings
from advisor.backends.records import SQLiteRecordManager
from advisor.backends.store import ChunkStore
from advisor.schemas import ChangeStatus, DocumentChange, IngestReport, SourceDocument
from advisor.services.documents import DocumentError, PreparedDocument, contextual_text, prepare_all, read_documents
from advisor.services.lexical import LexicalIndex
from advisor.services.sections import SectionIndex
from advisor.settings import Settings
from advisor.text.cleaning import line_keys
from advisor.text.terms import terms

Progress = Callable[[int], None]


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
        records: SQLiteRecordManager,
        lexical: LexicalIndex,
        embeddings: PrimedEmbeddings,
        sections: SectionIndex,
    ):
        self._settings = settings
        self._store = store
        self._records = records
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
        documents = read_documents(paths or [self._settings.corpus_dir])
        return self.ingest(documents, prune=prune, dry_run=dry_run, progress=progress)

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
        """Index `documents`; with `prune`, delete every stored document not among them."""
        return self._ingest_prepared(self.prepare(documents), prune=prune, dry_run=dry_run, progress=progress)

    def prepare(self, documents: Sequence[SourceDocument]) -> list[PreparedDocument]:
        """Clean, outline and chunk documents; lines that other documents (given or stored) share are dropped."""
        stored = self._records.line_keys(exclude=[doc.id for doc in documents])
        return prepare_all(documents, self._settings.chunking, stored)

    def _ingest_prepared(
        self, prepared: Sequence[PreparedDocument], *, prune: bool, dry_run: bool, progress: Progress | None
    ) -> IngestReport:
        existing = self._records.groups()
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
        known = self._records.exists([c.chunk_id for c in chunks])
        new_chunks = [c for c, seen in zip(chunks, known, strict=True) if not seen]
        # Embed every new chunk in one batch while this thread tokenises them for BM25.
        with ThreadPoolExecutor(max_workers=1) as background:
            contextual = {c.text: contextual_text(c) for c in new_chunks}
            embedding = background.submit(
                self._embeddings.prime, [c.text for c in new_chunks], contextual, self._settings.chunking.header_weight
            )
            new_terms = {c.chunk_id: terms(contextual[c.text], c.language) for c in new_chunks}
            embedding.result()
        # Unchanged documents are not written at all (not even their records' timestamps).
        unchanged = {c.source for c in changes if c.status == "unchanged"}
        for doc in prepared:
            if doc.source.id in unchanged:
                totals["num_skipped"] += len(doc.chunks)
                if progress:
                    progress(len(doc.chunks))
        try:
            self._index([doc for doc in prepared if doc.source.id not in unchanged], existing, totals, progress)
        finally:
            self._embeddings.forget()
        if prune:
            totals["num_deleted"] += sum(self.delete(c.source) for c in changes if c.status == "deleted")
        self._sync_lexical(prepared, existing, new_terms)
        self._save_outlines(prepared, unchanged)
        return IngestReport(
            added=totals["num_added"],
            updated=totals["num_updated"],
            deleted=totals["num_deleted"],
            skipped=totals["num_skipped"],
            documents=changes,
            cleaning=cleaning,
        )

    def _index(
        self,
        prepared: Sequence[PreparedDocument],
        existing: dict[str, list[str]],
        totals: dict[str, int],
        progress: Progress | None,
    ) -> None:
        for doc in prepared:
            self._forget_if_language_changed(doc, existing)
            # One call per document with the whole document in one batch: incremental cleanup then
            # removes exactly this document's stale chunks and never touches chunks of a later batch.
            from langchain_core.indexing import index  # imported on the first write, not at start-up

            result = index(
                doc.langchain_documents(),
                self._records,
                self._store.vector_store(doc.source.language),
                cleanup="incremental",
                source_id_key="source",
                key_encoder=_chunk_key,
                batch_size=max(1, len(doc.chunks)),
            )
            for key in totals:
                totals[key] += int(result[key])  # type: ignore[literal-required]
            if progress:
                progress(len(doc.chunks))

    def _forget_if_language_changed(self, doc: PreparedDocument, existing: dict[str, list[str]]) -> None:
        """A document re-ingested in another language lives in another collection: drop its old chunks first."""
        old = existing.get(doc.source.id, [])
        stored = self._store.get(old[:1])
        if stored and stored[0].language != doc.source.language:
            self.delete(doc.source.id)
            existing[doc.source.id] = []

    def _save_outlines(self, prepared: Sequence[PreparedDocument], unchanged: set[str]) -> None:
        for doc in prepared:
            if doc.source.id in unchanged and self._sections.outline(doc.source.id) == doc.outline:
                continue
            self._records.save_outline(doc.source.id, doc.outline.model_dump_json(), line_keys(doc.source.text))
            self._sections.put(doc.outline)

    def delete(self, source: str) -> int:
        """Remove one document's chunks and outline; returns how many chunks were deleted."""
        keys = self._records.groups().get(source, [])
        if keys:
            self._store.delete(keys)
            self._records.delete_keys(keys)
            self._records.delete_terms(keys)
            self._lexical.remove(keys)
        self._records.delete_outline(source)
        self._sections.remove(source)
        return len(keys)

    def _sync_lexical(
        self, prepared: Sequence[PreparedDocument], existing: dict[str, list[str]], new_terms: dict[str, list[str]]
    ) -> None:
        current = self._records.groups()
        gone = {key for keys in existing.values() for key in keys} - {key for keys in current.values() for key in keys}
        self._lexical.remove(gone)
        self._records.delete_terms(gone)
        fresh = []
        for doc in prepared:
            for chunk in doc.chunks:
                if not self._lexical.contains(chunk.chunk_id):
                    chunk_terms = new_terms.get(chunk.chunk_id) or terms(contextual_text(chunk), chunk.language)
                    self._lexical.add(chunk.chunk_id, chunk.language, chunk.source, chunk_terms)
                    fresh.append((chunk.chunk_id, chunk_terms))
        self._records.save_terms(fresh)
