"""Chunk store: a Chroma collection (embedded directory or `chroma run` server) behind a small protocol."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol, cast

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

from advisor.schemas import Chunk
from advisor.settings import Settings

_PAGE = 5_000


class ChunkStore(Protocol):
    """What the services need from a vector store.

    `vector_store` is the LangChain store the indexing API writes through; the other methods read.
    Similarities are cosine similarities in [-1, 1].
    """

    @property
    def vector_store(self) -> VectorStore: ...

    def query(self, vector: Sequence[float], n: int, where: dict[str, Any] | None = None) -> list[tuple[Chunk, float]]:
        """The `n` nearest chunks to `vector` (optionally filtered) with their similarity."""
        ...

    def similarities(self, vector: Sequence[float], chunk_ids: Sequence[str]) -> dict[str, float]:
        """Similarity of `vector` to each of the given chunks."""
        ...

    def get(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids (missing ids are skipped)."""
        ...

    def iter_chunks(self) -> Iterator[Chunk]:
        """Every stored chunk, in pages."""
        ...

    def count(self) -> int:
        """Number of stored chunks."""
        ...


def chunk_from_record(chunk_id: str, text: str, metadata: dict[str, Any]) -> Chunk:
    """A `Chunk` from a stored text and its metadata."""
    return Chunk(
        chunk_id=chunk_id,
        source=str(metadata["source"]),
        language=metadata["language"],
        title=str(metadata.get("title", "")),
        position=int(metadata.get("position", 0)),
        text=text,
    )


class ChromaChunkStore:
    """`ChunkStore` on a Chroma collection with cosine distance."""

    def __init__(self, chroma: Any) -> None:
        self._chroma = chroma
        self._collection = chroma._collection

    @property
    def vector_store(self) -> VectorStore:
        return cast(VectorStore, self._chroma)

    def query(self, vector: Sequence[float], n: int, where: dict[str, Any] | None = None) -> list[tuple[Chunk, float]]:
        result = self._collection.query(
            query_embeddings=[list(vector)], n_results=n, where=where, include=["documents", "metadatas", "distances"]
        )
        rows = zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        )
        return [(chunk_from_record(i, doc, dict(meta)), 1.0 - float(dist)) for i, doc, meta, dist in rows]

    def similarities(self, vector: Sequence[float], chunk_ids: Sequence[str]) -> dict[str, float]:
        if not chunk_ids:
            return {}
        result = self._collection.get(ids=list(chunk_ids), include=["embeddings"])
        matrix = np.asarray(result["embeddings"], dtype=np.float32)
        query = np.asarray(vector, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
        scores = matrix @ query / np.where(norms == 0, 1.0, norms)
        return dict(zip(result["ids"], (float(s) for s in scores), strict=True))

    def get(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        if not chunk_ids:
            return []
        result = self._collection.get(ids=list(chunk_ids), include=["documents", "metadatas"])
        found = {
            i: chunk_from_record(i, doc, dict(meta))
            for i, doc, meta in zip(result["ids"], result["documents"], result["metadatas"], strict=True)
        }
        return [found[i] for i in chunk_ids if i in found]

    def iter_chunks(self) -> Iterator[Chunk]:
        offset = 0
        while True:
            page = self._collection.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            for i, doc, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=True):
                yield chunk_from_record(i, doc, dict(meta))
            if len(page["ids"]) < _PAGE:
                return
            offset += _PAGE

    def count(self) -> int:
        return int(self._collection.count())


def build_store(settings: Settings, embeddings: Embeddings) -> ChunkStore:
    """The Chroma store chosen by `settings.store.mode`: embedded (persistent directory) or http."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.store.mode == "http":
        client: Any = chromadb.HttpClient(host=settings.store.host, port=settings.store.port, settings=chroma_settings)
    else:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    chroma = Chroma(
        collection_name=settings.collection_name,
        embedding_function=embeddings,
        client=client,
        collection_metadata={"hnsw:space": "cosine"},
    )
    return ChromaChunkStore(chroma)
