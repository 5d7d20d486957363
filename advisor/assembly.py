"""Builds the services from settings: the one place the API, the CLI and the eval runner get them from."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from advisor.backends.chat import build_chat
from advisor.backends.embeddings import PrimedEmbeddings, build_embeddings
from advisor.backends.state import IndexState
from advisor.backends.store import ChunkStore, build_store
from advisor.backends.store_check import check_store, checked
from advisor.services.advice import AdvisorService
from advisor.services.answerability import AnswerabilityJudge
from advisor.services.attribution import Attributor
from advisor.services.chat import ChatGenerator
from advisor.services.consistency import StateFollower, load_lexical, repair, restore_vectors
from advisor.services.evidence import EvidenceReader
from advisor.services.extractive import ExtractiveGenerator
from advisor.services.generation import Generator
from advisor.services.ingest import IngestService
from advisor.services.lexical import LexicalIndex
from advisor.services.retrieval import Retriever
from advisor.services.sections import SectionIndex
from advisor.services.vectors import VectorCache
from advisor.services.vocabulary import Vocabulary
from advisor.settings import Settings
from advisor.text.terms import load_dictionary, terms


class _Parts(Protocol):
    """What the advice service is built from."""

    store: ChunkStore
    retriever: Retriever
    sections: SectionIndex
    vectors: VectorCache
    vocabulary: Vocabulary


@dataclass
class Services:
    """The assembled application."""

    settings: Settings
    embeddings: PrimedEmbeddings
    store: ChunkStore
    state: IndexState
    lexical: LexicalIndex
    sections: SectionIndex
    ingest: IngestService
    retriever: Retriever
    vectors: VectorCache
    vocabulary: Vocabulary
    follower: StateFollower | None = None
    advisor: AdvisorService = field(init=False)

    def __post_init__(self) -> None:
        self.advisor = build_advisor(self.settings, self)

    def advisor_for(self, generator: str) -> AdvisorService:
        """An advisor on the same retrieval that writes with another generator backend."""
        generator_settings = self.settings.generator.model_copy(update={"backend": generator})
        settings = self.settings.model_copy(update={"generator": generator_settings})
        return build_advisor(settings, self)

    def warm_up(self) -> None:
        """Load models and dictionaries now, so the first request does not pay for them."""
        self.embeddings.warm_up()
        # Jieba's dictionary and the vocabulary's embeddings (answerability) load after readiness, not before it;
        # a request that needs them first waits for them.
        threading.Thread(target=self._warm_up_later, name="advisor-warm-up", daemon=True).start()

    def _warm_up_later(self) -> None:
        load_dictionary(self.settings.data_dir / "cache")
        terms("预热", "zh")
        self.vocabulary.warm_up()

    def close(self) -> None:
        """Release files, connections and worker processes."""
        if self.follower is not None:
            self.follower.stop()
        self.state.close()
        self.embeddings.close()


def build_generator(settings: Settings, vectors: VectorCache) -> Generator:
    """The generator `settings.generator.backend` chooses: extractive, or a chat model (openai, llamacpp)."""
    config = settings.generator
    if config.backend == "extractive":
        return ExtractiveGenerator(vectors)
    attributor = Attributor(vectors, config.support_floor)
    return ChatGenerator(config.backend, build_chat(config), attributor, config.prompt_chars)


def build_advisor(settings: Settings, services: _Parts) -> AdvisorService:
    """The advice service with the generator `settings` choose, falling back to extractive."""
    reader = EvidenceReader(services.retriever, services.sections, services.vectors, services.vocabulary,
                            settings.advice)  # fmt: skip
    judge = AnswerabilityJudge(services.vectors, services.vocabulary, services.store, settings.advice)
    generator = build_generator(settings, services.vectors)
    return AdvisorService(reader, judge, generator, ExtractiveGenerator(services.vectors), settings.advice)


def build_services(settings: Settings) -> Services:
    """Embeddings, store, record manager and lexical index wired into the ingest and retrieval services."""
    embeddings = PrimedEmbeddings(build_embeddings(settings))
    cleared = check_store(settings)  # before the store is opened: a broken segment can crash the process
    store = build_store(settings, embeddings)
    if cleared:
        restore_vectors(store, embeddings, cleared, settings.chunking.header_weight)
    if cleared is not None:
        checked(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    state = IndexState(settings.state_url, settings.collection_name)
    imported = state.import_legacy(settings.legacy_records_path)
    sections = SectionIndex(store, state)
    if imported:  # an older data directory: its lexical entries are rebuilt from the store
        repair(state, store, LexicalIndex(), sections)
    lexical, version = load_lexical(state)
    follower = None
    if state.shared:  # other servers write too: apply their changes as they are logged
        follower = StateFollower(state, lexical, sections, version)
        follower.start()
    vectors = VectorCache(embeddings)
    vocabulary = Vocabulary(lexical, vectors)
    retriever = Retriever(
        store=store, embeddings=embeddings, lexical=lexical, vocabulary=vocabulary, config=settings.retrieval,
        k=settings.retrieval.k,
    )  # fmt: skip
    return Services(
        settings=settings,
        embeddings=embeddings,
        store=store,
        state=state,
        lexical=lexical,
        sections=sections,
        ingest=IngestService(settings, store, state, lexical, embeddings, sections),
        follower=follower,
        retriever=retriever,
        vectors=vectors,
        vocabulary=vocabulary,
    )
