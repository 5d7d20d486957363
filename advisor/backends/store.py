"""Chunk store: a Chroma collection (embedded directory or `chroma run` server) behind a small protocol."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

from advisor.schemas import LANGUAGES, Chunk, Language
from advisor.settings import Settings

_PAGE = 5_000
_COSINE = {"hnsw:space": "cosine"}


class ChunkStore(Protocol):
    """What the services need from a vector store: one searchable space per language.

    `vector_store(language)` is the LangChain store the indexing API writes a document through; the
    other methods read or delete across languages. Similarities are cosine similarities in [-1, 1].
    """

    def vector_store(self, language: Language) -> VectorStore:
        """The LangChain vector store holding the chunks of one language."""
        ...

    def nearest(
        self, vector: Sequence[float], n: int, language: Language, sources: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """Ids and similarities of the `n` chunks of `language` nearest to `vector` (optionally only from `sources`)."""
        ...

    def similarities(self, vector: Sequence[float], chunk_ids: Sequence[str], language: Language) -> dict[str, float]:
        """Similarity of `vector` to each of the given chunks of `language`."""
        ...

    def get(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids, in that order (missing ids are skipped)."""
        ...

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored vectors of the given chunks (missing ids are skipped)."""
        ...

    def between(self, language: Language, source: str, start: int, end: int) -> list[Chunk]:
        """The chunks of one document whose text overlaps the offsets [start, end), in reading order."""
        ...

    def delete(self, chunk_ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        ...

    def iter_chunks(self) -> Iterator[Chunk]:
        """Every stored chunk, in pages."""
        ...

    def restore_vectors(self, language: Language, vectors_for: Callable[[list[Chunk]], list[list[float]]]) -> int:
        """Write again the vector of every stored chunk of `language`, from `vectors_for` (its text and metadata
        unchanged); returns how many."""
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
        section=str(metadata.get("section", "")),
        section_id=str(metadata.get("section_id", "")),
        start=int(metadata.get("start", 0)),
        end=int(metadata.get("end", 0)),
        page=int(metadata["page"]) if metadata.get("page") is not None else None,
    )


class ChromaChunkStore:
    """`ChunkStore` with one Chroma collection (cosine HNSW) per language.

    Separate collections keep per-language search an unfiltered HNSW query: a metadata-filtered query
    on one shared collection grows with the whole index (about 70 ms at 20k chunks on 2 cores).
    """

    def __init__(self, client: Any, name: str, embeddings: Embeddings) -> None:
        self._client = client
        self._name = name
        self._embeddings = embeddings
        self._collections: dict[str, Any] = {
            language: client.get_or_create_collection(f"{name}-{language}", metadata=_COSINE) for language in LANGUAGES
        }
        self._stores: dict[str, VectorStore] = {}

    def vector_store(self, language: Language) -> VectorStore:
        # The LangChain wrapper only serves document writes: built on first use, its import stays off start-up.
        if language not in self._stores:
            from langchain_chroma import Chroma

            self._stores[language] = Chroma(
                collection_name=f"{self._name}-{language}",
                embedding_function=self._embeddings,
                client=self._client,
                collection_metadata=_COSINE,
            )
        return self._stores[language]

    def nearest(
        self, vector: Sequence[float], n: int, language: Language, sources: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        where = {"source": {"$in": list(sources)}} if sources else None
        result = self._collections[language].query(
            query_embeddings=[list(vector)], n_results=n, where=where, include=["distances"]
        )
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def similarities(self, vector: Sequence[float], chunk_ids: Sequence[str], language: Language) -> dict[str, float]:
        if not chunk_ids:
            return {}
        result = self._collections[language].get(ids=list(chunk_ids), include=["embeddings"])
        if not result["ids"]:
            return {}
        matrix = np.asarray(result["embeddings"], dtype=np.float32)
        query = np.asarray(vector, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
        scores = matrix @ query / np.where(norms == 0, 1.0, norms)
        return dict(zip(result["ids"], (float(s) for s in scores), strict=True))

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        for collection in self._collections.values():
            missing = [i for i in chunk_ids if i not in found]
            if not missing:
                break
            result = collection.get(ids=missing, include=["embeddings"])
            found.update(zip(result["ids"], (list(map(float, e)) for e in result["embeddings"]), strict=True))
        return found

    def get(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        found: dict[str, Chunk] = {}
        for collection in self._collections.values():
            if not chunk_ids:
                break
            result = collection.get(ids=list(chunk_ids), include=["documents", "metadatas"])
            for i, doc, meta in zip(result["ids"], result["documents"], result["metadatas"], strict=True):
                found[i] = chunk_from_record(i, doc, dict(meta))
        return [found[i] for i in chunk_ids if i in found]

    def between(self, language: Language, source: str, start: int, end: int) -> list[Chunk]:
        where = {"$and": [{"source": source}, {"start": {"$lt": end}}, {"end": {"$gt": start}}]}
        result = self._collections[language].get(where=where, include=["documents", "metadatas"])
        found = [
            chunk_from_record(i, doc, dict(meta))
            for i, doc, meta in zip(result["ids"], result["documents"], result["metadatas"], strict=True)
        ]
        return sorted(found, key=lambda c: (c.start, c.position))

    def delete(self, chunk_ids: Sequence[str]) -> None:
        if chunk_ids:
            for collection in self._collections.values():
                collection.delete(ids=list(chunk_ids))

    def iter_chunks(self) -> Iterator[Chunk]:
        for collection in self._collections.values():
            offset = 0
            while True:
                page = collection.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
                for i, doc, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=True):
                    yield chunk_from_record(i, doc, dict(meta))
                if len(page["ids"]) < _PAGE:
                    break
                offset += _PAGE

    def restore_vectors(self, language: Language, vectors_for: Callable[[list[Chunk]], list[list[float]]]) -> int:
        collection = self._collections[language]
        ids = collection.get(include=[])["ids"]
        for start in range(0, len(ids), _PAGE):
            page = collection.get(ids=ids[start : start + _PAGE], include=["documents", "metadatas"])
            chunks = [
                chunk_from_record(i, doc, dict(meta))
                for i, doc, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=True)
            ]
            vectors = vectors_for(chunks)
            documents, metadatas = page["documents"], page["metadatas"]
            collection.upsert(ids=page["ids"], embeddings=vectors, documents=documents, metadatas=metadatas)
        return len(ids)

    def count(self) -> int:
        return sum(int(collection.count()) for collection in self._collections.values())


def build_store(settings: Settings, embeddings: Embeddings) -> ChunkStore:
    """The Chroma store chosen by `settings.store.mode`: embedded (persistent directory) or http."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.store.mode == "http":
        client: Any = chromadb.HttpClient(host=settings.store.host, port=settings.store.port, settings=chroma_settings)
    else:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    return ChromaChunkStore(client, settings.collection_name, embeddings)
