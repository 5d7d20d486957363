"""Hybrid retrieval: dense search fused with BM25, where the lexical signal only counts inside a language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from advisor.backends.store import ChunkStore
from advisor.schemas import LANGUAGES, Language, SearchHit
from advisor.services.documents import chunk_metadata
from advisor.services.lexical import LexicalIndex
from advisor.settings import RetrievalSettings
from advisor.text.language import detect_language
from advisor.text.terms import terms

_MIN_SPREAD = 0.02


class RetrievalError(ValueError):
    """A search request that cannot be served."""


class Retriever(BaseRetriever):
    """Finds the chunks that answer a question, in any language; a LangChain retriever (`invoke(query, k=…)`).

    fused = cos + s * z + w * L + t * T. A multilingual encoder scores same-language pairs higher than equally
    relevant cross-language pairs, so dense candidates are fetched per language and `z` standardises each
    similarity against the top results of its own language. L is the chunk's BM25 score divided by the
    best one when the chunk is in the query's language, and a fixed credit otherwise: lexical matching
    cannot cross languages, so other-language chunks are neither rewarded nor punished by it. T carries
    lexical evidence across: for a chunk in another language, the BM25 score (divided by the best) of the
    query's words translated into that language by the corpus's own cross-lingual lexicon (`Vocabulary`).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Any = Field(description="the ChunkStore")
    embeddings: Embeddings
    lexical: LexicalIndex
    vocabulary: Any = Field(default=None, description="the Vocabulary that translates query words (optional)")
    config: RetrievalSettings = Field(default_factory=RetrievalSettings)
    k: int = Field(default=5, ge=1, le=1_000, description="how many chunks `invoke` returns")

    @property
    def _store(self) -> ChunkStore:
        return cast(ChunkStore, self.store)

    @property
    def _embeddings(self) -> Embeddings:
        return self.embeddings

    @property
    def _lexical(self) -> LexicalIndex:
        return self.lexical

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None, **kwargs: Any
    ) -> list[Document]:
        return [
            Document(
                id=hit.chunk.chunk_id,
                page_content=hit.chunk.text,
                metadata={**chunk_metadata(hit.chunk), "score": hit.score},
            )
            for hit in self.search(query, k or self.k, **kwargs)
        ]

    def search(
        self,
        query: str,
        k: int | None = None,
        *,
        language: Language | None = None,
        sources: Sequence[str] | None = None,
        vector: Sequence[float] | None = None,
    ) -> list[SearchHit]:
        """The `k` best chunks for `query`, optionally only in one language or from some sources."""
        if not query or not query.strip():
            raise RetrievalError("query is empty")
        if language is not None and language not in LANGUAGES:
            raise RetrievalError(f"language must be one of {', '.join(LANGUAGES)}")
        k = k or self.config.k
        query_language = detect_language(query)
        vector = list(vector) if vector is not None else self._embeddings.embed_query(query)
        n = max(self.config.candidates, k)
        config = self.config
        # chunk id -> (language, dense similarity, standardised similarity)
        candidates: dict[str, tuple[Language, float, float]] = {}
        for chunk_language in [language] if language else LANGUAGES:
            found = self._store.nearest(vector, n, chunk_language, sources)
            for chunk_id, (similarity, standing) in _standardise(found, config.standing_depth).items():
                candidates[chunk_id] = (chunk_language, similarity, standing)

        query_terms = terms(query, query_language)
        lexical: dict[str, float] = {}
        if config.lexical_weight > 0 and language in (None, query_language):
            best = self._lexical.top(query_terms, query_language, n, sources)
            if best and best[0][1] > 0:
                lexical = {i: max(s, 0.0) / best[0][1] for i, s in best}
        missing = [i for i in lexical if i not in candidates]
        for chunk_id, similarity in self._store.similarities(vector, missing, query_language).items():
            candidates[chunk_id] = (query_language, similarity, 0.0)
        # Translated matches only rerank the candidates: as candidates of their own they crowd out same-language
        # answers (measured on the tuning cases).
        translated = self._translated(query_terms, query_language, language, n, sources)

        def fused(chunk_id: str) -> float:
            chunk_language, similarity, standing = candidates[chunk_id]
            if chunk_language == query_language:
                lexical_part = config.lexical_weight * lexical.get(chunk_id, 0.0)
            else:
                carried = config.translated_weight * translated.get(chunk_id, 0.0)
                lexical_part = config.lexical_weight * config.cross_lingual_credit + carried
            return similarity + config.standing_weight * standing + lexical_part

        scores = {chunk_id: fused(chunk_id) for chunk_id in candidates}
        top = sorted(scores, key=lambda chunk_id: (-scores[chunk_id], chunk_id))[:k]
        chunks = {c.chunk_id: c for c in self._store.get(top)}
        return [
            SearchHit(chunk=chunks[i], score=scores[i], dense=candidates[i][1], lexical=lexical.get(i, 0.0))
            for i in top
            if i in chunks
        ]

    def _translated(self, query_terms: list[str], query_language: Language, language: Language | None, n: int,
                    sources: Sequence[str] | None) -> dict[str, float]:  # fmt: skip
        """Chunk id -> BM25 of the query's words translated into its language, divided by the best, for the chunks
        of the other languages."""
        config = self.config
        if self.vocabulary is None or config.translated_weight <= 0:
            return {}
        words = self.vocabulary.translate(
            query_terms, query_language, config.translation_csls, config.translations_per_word,
            config.common_zipf,
        )  # fmt: skip
        found: dict[str, float] = {}
        for other, translations in words.items():
            if language not in (None, other) or not translations:
                continue
            best = self._lexical.top(translations, other, 3 * n, sources)
            if best and best[0][1] > 0:
                found.update({i: max(s, 0.0) / best[0][1] for i, s in best})
        return found


def _standardise(found: list[tuple[str, float]], depth: int) -> dict[str, tuple[float, float]]:
    """Each similarity with its z-score against the top `depth` of its own language's results."""
    if not found:
        return {}
    top = np.array(sorted((s for _, s in found), reverse=True)[:depth])
    mean, spread = float(top.mean()), max(float(top.std()), _MIN_SPREAD)
    return {chunk_id: (similarity, (similarity - mean) / spread) for chunk_id, similarity in found}
