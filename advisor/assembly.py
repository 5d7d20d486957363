"""Builds the services from settings: the one place the API, the CLI and the eval runner get them from."""

from __future__ import annotations

from dataclasses import dataclass

from advisor.backends.embeddings import PrimedEmbeddings, build_embeddings
from advisor.backends.extractive import ExtractiveGenerator
from advisor.backends.generators import build_generator
from advisor.backends.records import SQLiteRecordManager
from advisor.backends.store import ChunkStore, build_store
from advisor.services.advice import AdvisorService
from advisor.services.ingest import IngestService
from advisor.services.lexical import LexicalIndex
from advisor.services.retrieval import Retriever
from advisor.settings import Settings
from advisor.text.terms import load_dictionary, terms


@dataclass
class Services:
    """The assembled application."""

    settings: Settings
    embeddings: PrimedEmbeddings
    store: ChunkStore
    records: SQLiteRecordManager
    lexical: LexicalIndex
    ingest: IngestService
    retriever: Retriever
    advisor: AdvisorService

    def advisor_for(self, generator: str) -> AdvisorService:
        """An advisor on the same retrieval that writes with another generator backend."""
        generator_settings = self.settings.generator.model_copy(update={"backend": generator})
        settings = self.settings.model_copy(update={"generator": generator_settings})
        return build_advisor(settings, self.retriever, self.embeddings)

    def warm_up(self) -> None:
        """Load models and dictionaries now, so the first request does not pay for them."""
        self.embeddings.warm_up()
        load_dictionary(self.settings.data_dir / "cache")
        terms("预热", "zh")

    def close(self) -> None:
        """Release files, connections and worker processes."""
        self.records.close()
        self.embeddings.close()


def load_lexical(store: ChunkStore, records: SQLiteRecordManager) -> LexicalIndex:
    """The lexical index of everything in the store, from stored terms (tokenising only what is missing)."""
    lexical = LexicalIndex()
    stored = records.load_terms()
    missing = []
    for chunk in store.iter_chunks():
        chunk_terms = stored.get(chunk.chunk_id)
        if chunk_terms is None:
            chunk_terms = terms(chunk.text, chunk.language)
            missing.append((chunk.chunk_id, chunk_terms))
        lexical.add(chunk.chunk_id, chunk.language, chunk.source, chunk_terms)
    records.save_terms(missing)
    return lexical


def build_advisor(settings: Settings, retriever: Retriever, embeddings: PrimedEmbeddings) -> AdvisorService:
    """The advice service on `retriever` with the generator `settings` choose, falling back to extractive."""
    return AdvisorService(
        retriever, build_generator(settings, embeddings), ExtractiveGenerator(embeddings), settings.advice
    )


def build_services(settings: Settings) -> Services:
    """Embeddings, store, record manager and lexical index wired into the ingest and retrieval services."""
    embeddings = PrimedEmbeddings(build_embeddings(settings))
    store = build_store(settings, embeddings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    records = SQLiteRecordManager(settings.collection_name, settings.records_path)
    lexical = load_lexical(store, records)
    retriever = Retriever(store, embeddings, lexical, settings.retrieval)
    return Services(
        settings=settings,
        embeddings=embeddings,
        store=store,
        records=records,
        lexical=lexical,
        ingest=IngestService(settings, store, records, lexical, embeddings),
        retriever=retriever,
        advisor=build_advisor(settings, retriever, embeddings),
    )
