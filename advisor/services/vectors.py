"""Embeddings of evidence sentences and question terms, cached across requests (they repeat: the corpus is fixed)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

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
        """The query embedding of `text` (not cached: questions rarely repeat exactly)."""
        return np.asarray(self._embeddings.embed_query(text), dtype=np.float32)
