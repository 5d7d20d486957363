"""BM25 over an inverted index, one index per language, kept in step with the chunk store.

Scores equal `rank_bm25.BM25Okapi` (k1=1.5, b=0.75, epsilon=0.25) but a query costs time in the
postings of its terms, not a Python loop over every chunk per term as in rank-bm25.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from advisor.schemas import Language

K1, B, EPSILON = 1.5, 0.75, 0.25


class Bm25Index:
    """BM25 over one set of documents (term lists), updated incrementally, compiled lazily."""

    def __init__(self) -> None:
        self._docs: dict[str, Counter[str]] = {}
        self._lengths: dict[str, int] = {}
        self._dirty = True
        self._ids: list[str] = []
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._idf: dict[str, float] = {}
        self._norm = np.zeros(0, dtype=np.float32)

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, doc_id: str, terms: list[str]) -> None:
        """Index (or re-index) one document."""
        self._docs[doc_id] = Counter(terms)
        self._lengths[doc_id] = len(terms)
        self._dirty = True

    def vocabulary(self) -> set[str]:
        """Every term of the indexed documents."""
        return {term for counts in self._docs.values() for term in counts}

    def remove(self, doc_id: str) -> None:
        """Forget one document (no-op when absent)."""
        if self._docs.pop(doc_id, None) is not None:
            del self._lengths[doc_id]
            self._dirty = True

    def _compile(self) -> None:
        self._ids = list(self._docs)
        n = len(self._ids)
        lengths = np.fromiter((self._lengths[i] for i in self._ids), dtype=np.float32, count=n)
        average = float(lengths.mean()) if n else 0.0
        self._norm = K1 * (1 - B + B * lengths / average) if average else np.full(n, K1, dtype=np.float32)
        docs_of: dict[str, list[int]] = {}
        tfs_of: dict[str, list[int]] = {}
        for index, doc_id in enumerate(self._ids):
            for term, tf in self._docs[doc_id].items():
                docs_of.setdefault(term, []).append(index)
                tfs_of.setdefault(term, []).append(tf)
        self._postings = {
            t: (np.asarray(docs_of[t], dtype=np.int64), np.asarray(tfs_of[t], dtype=np.float32)) for t in docs_of
        }
        idf = {t: math.log(n - len(d) + 0.5) - math.log(len(d) + 0.5) for t, d in docs_of.items()}
        floor = EPSILON * (sum(idf.values()) / len(idf)) if idf else 0.0
        self._idf = {t: (v if v >= 0 else floor) for t, v in idf.items()}
        self._dirty = False

    def _totals(self, query_terms: Iterable[str]) -> np.ndarray:
        if self._dirty:
            self._compile()
        total = np.zeros(len(self._ids), dtype=np.float64)
        for term in query_terms:
            posting = self._postings.get(term)
            if posting is not None:
                docs, tf = posting
                total[docs] += self._idf[term] * tf * (K1 + 1) / (tf + self._norm[docs])
        return total

    def scores(self, query_terms: Iterable[str]) -> dict[str, float]:
        """BM25 score of every document sharing a term with the query."""
        total = self._totals(query_terms)
        return {self._ids[i]: float(total[i]) for i in np.flatnonzero(total)}

    def top(self, query_terms: Iterable[str], n: int) -> list[tuple[str, float]]:
        """The `n` best-scoring documents sharing a term with the query, best first."""
        total = self._totals(query_terms)
        hit = np.flatnonzero(total)
        if len(hit) > n:
            hit = hit[np.argpartition(-total[hit], n - 1)[:n]]
        ranked = sorted(hit, key=lambda i: (-total[i], self._ids[i]))
        return [(self._ids[i], float(total[i])) for i in ranked]


class LexicalIndex:
    """One `Bm25Index` per language, safe to share between threads."""

    def __init__(self) -> None:
        self._by_language: dict[str, Bm25Index] = {}
        self._language_of: dict[str, str] = {}
        self._source_of: dict[str, str] = {}
        self._lock = threading.Lock()
        self.version = 0  # changes with every add or remove

    def __len__(self) -> int:
        return len(self._language_of)

    def add(self, chunk_id: str, language: Language, source: str, terms: list[str]) -> None:
        """Index one chunk's terms under its language."""
        with self._lock:
            self.version += 1
            self._remove(chunk_id)
            self._by_language.setdefault(language, Bm25Index()).add(chunk_id, terms)
            self._language_of[chunk_id] = language
            self._source_of[chunk_id] = source

    def remove(self, chunk_ids: Iterable[str]) -> None:
        """Forget chunks."""
        with self._lock:
            self.version += 1
            for chunk_id in chunk_ids:
                self._remove(chunk_id)

    def _remove(self, chunk_id: str) -> None:
        language = self._language_of.pop(chunk_id, None)
        self._source_of.pop(chunk_id, None)
        if language is not None:
            self._by_language[language].remove(chunk_id)

    def vocabulary(self) -> dict[Language, set[str]]:
        """Every indexed term, by language."""
        with self._lock:
            return {language: index.vocabulary() for language, index in self._by_language.items()}  # type: ignore[misc]

    def contains(self, chunk_id: str) -> bool:
        """Whether the chunk is indexed."""
        return chunk_id in self._language_of

    def source_of(self, chunk_id: str) -> str | None:
        """The document a chunk belongs to."""
        return self._source_of.get(chunk_id)

    def scores(self, query_terms: list[str], language: Language) -> dict[str, float]:
        """BM25 scores among the chunks of `language`."""
        with self._lock:
            index = self._by_language.get(language)
            return index.scores(query_terms) if index is not None else {}

    def top(
        self, query_terms: list[str], language: Language, n: int, sources: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """The `n` best BM25 matches among the chunks of `language` (optionally only from `sources`), best first."""
        with self._lock:
            index = self._by_language.get(language)
            if index is None:
                return []
            if not sources:
                return index.top(query_terms, n)
            allowed = set(sources)
            ranked = sorted(index.scores(query_terms).items(), key=lambda item: (-item[1], item[0]))
            return [(i, score) for i, score in ranked if self._source_of.get(i) in allowed][:n]
