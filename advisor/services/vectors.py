"""Embeddings of evidence sentences and question terms, cached across requests (they repeat: the corpus is fixed)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

_CAPACITY = 50_000


class VectorCache:
    """Unit vectors by text, least recently used dropped first; missing texts are embedded in one batch."""

    def __init__(self, embeddings: Embeddings, capacity: int = _CAPACITY) -> None:
        self._embeddings = embeddings
        self._capacity = capacity
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in order."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            fresh = np.asarray(self._embeddings.embed_documents(missing), dtype=np.float32)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[text] = vector
                while len(self._vectors) > self._capacity:
                    self._vectors.popitem(last=False)
                found = {t: self._vectors.get(t) for t in texts}
            lookup = {**dict(zip(missing, fresh, strict=True)), **{t: v for t, v in found.items() if v is not None}}
        else:
            with self._lock:
                lookup = {}
                for text in texts:
                    self._vectors.move_to_end(text)
                    lookup[text] = self._vectors[text]
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([lookup[t] for t in texts])

    def query(self, text: str) -> np.ndarray:
        """The query embedding of `text` (cached too: popular questions come back)."""
        key = f"\x00query\x00{text}"
        with self._lock:
            cached = self._vectors.get(key)
            if cached is not None:
                self._vectors.move_to_end(key)
                return cached
        vector = np.asarray(self._embeddings.embed_query(text), dtype=np.float32)
        with self._lock:
            self._vectors[key] = vector
            while len(self._vectors) > self._capacity:
                self._vectors.popitem(last=False)
        return vector

    def stored(
        self, chunk_ids: list[str], fetch: Callable[[list[str]], dict[str, list[float]]]
    ) -> dict[str, np.ndarray]:
        """The stored vectors of some chunks (a chunk id names its content, so they are cached by id)."""
        keys = {chunk_id: f"\x00chunk\x00{chunk_id}" for chunk_id in chunk_ids}
        with self._lock:
            found = {i: self._vectors[k] for i, k in keys.items() if k in self._vectors}
        missing = [i for i in chunk_ids if i not in found]
        if missing:
            fresh = {i: np.asarray(v, dtype=np.float32) for i, v in fetch(missing).items()}
            with self._lock:
                for chunk_id, vector in fresh.items():
                    self._vectors[keys[chunk_id]] = vector
            found.update(fresh)
        return found
