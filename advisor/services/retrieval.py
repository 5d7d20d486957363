"""Hybrid retrieval: dense search fused with BM25, where the lexical signal only counts inside a language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from advisor.backends.store import ChunkStore
from advisor.schemas import LANGUAGES, Chunk, Language, SearchHit
from advisor.services.lexical import LexicalIndex
from advisor.settings import RetrievalSettings
from advisor.text.language import detect_language
from advisor.text.terms import terms

_MIN_SPREAD = 0.02


class RetrievalError(ValueError):
    """A search request that cannot be served."""


def _where(languages: Sequence[str] | None, sources: Sequence[str] | None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if languages:
        clauses.append({"language": {"$in": list(languages)}})
    if sources:
        clauses.append({"source": {"$in": list(sources)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class Retriever:
    """Finds the chunks that answer a question, in any language.

    fused = cos + s * z + w * L. A multilingual encoder scores same-language pairs higher than equally
    relevant cross-language pairs, so dense candidates are fetched per language and `z` standardises each
    similarity against the top results of its own language. L is the chunk's BM25 score divided by the
    best one when the chunk is in the query's language, and a fixed credit otherwise: lexical matching
    cannot cross languages, so other-language chunks are neither rewarded nor punished by it.
    """

    def __init__(self, store: ChunkStore, embeddings: Embeddings, lexical: LexicalIndex, config: RetrievalSettings):
        self._store = store
        self._embeddings = embeddings
        self._lexical = lexical
        self.config = config

    def search(
        self,
        query: str,
        k: int | None = None,
        *,
        language: Language | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[SearchHit]:
        """The `k` best chunks for `query`, optionally only in one language or from some sources."""
        if not query or not query.strip():
            raise RetrievalError("query is empty")
        if language is not None and language not in LANGUAGES:
            raise RetrievalError(f"language must be one of {', '.join(LANGUAGES)}")
        k = k or self.config.k
        query_language = detect_language(query)
        vector = self._embeddings.embed_query(query)
        n = max(self.config.candidates, k)
        dense: dict[str, tuple[Chunk, float]] = {}
        standing: dict[str, float] = {}
        for chunk_language in [language] if language else LANGUAGES:
            found = self._store.query(vector, n, _where([chunk_language], sources))
            dense.update((chunk.chunk_id, (chunk, similarity)) for chunk, similarity in found)
            standing.update(_standardise(found, self.config.standing_depth))

        lexical: dict[str, float] = {}
        if self.config.lexical_weight > 0 and language in (None, query_language):
            raw = self._lexical.scores(terms(query, query_language), query_language)
            if sources:
                raw = {i: s for i, s in raw.items() if self._lexical.source_of(i) in sources}
            best = sorted(raw.items(), key=lambda item: -item[1])[:n]
            if best and best[0][1] > 0:
                lexical = {i: s / best[0][1] for i, s in best}
        missing = [i for i in lexical if i not in dense]
        if missing:
            extra = self._store.similarities(vector, missing)
            dense.update((c.chunk_id, (c, extra[c.chunk_id])) for c in self._store.get(missing))

        config = self.config
        hits = []
        for chunk_id, (chunk, similarity) in dense.items():
            lexical_part = (
                lexical.get(chunk_id, 0.0) if chunk.language == query_language else config.cross_lingual_credit
            )
            fused = (
                similarity + config.standing_weight * standing.get(chunk_id, 0.0) + config.lexical_weight * lexical_part
            )
            hits.append(SearchHit(chunk=chunk, score=fused, dense=similarity, lexical=lexical.get(chunk_id, 0.0)))
        hits.sort(key=lambda hit: (-hit.score, hit.chunk.chunk_id))
        return hits[:k]


def _standardise(found: list[tuple[Chunk, float]], depth: int) -> dict[str, float]:
    """z-score of each similarity against the top `depth` of its own language's results."""
    if not found:
        return {}
    top = np.array(sorted((s for _, s in found), reverse=True)[:depth])
    spread = max(float(top.std()), _MIN_SPREAD)
    return {chunk.chunk_id: (similarity - float(top.mean())) / spread for chunk, similarity in found}
