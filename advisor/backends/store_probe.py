"""Run as a child process: load one collection of an embedded Chroma directory and search it; exit 0 when that
works (a crash or a non-zero exit means its vector segment is broken)."""

from __future__ import annotations

import sys
from typing import Any


def probe(path: str, name: str) -> None:
    """Count the collection, read one stored vector and search with it."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=path, settings=ChromaSettings(anonymized_telemetry=False))
    if name not in {collection.name for collection in client.list_collections()}:
        return
    collection: Any = client.get_collection(name)
    count = collection.count()
    vectors = collection.get(limit=1, include=["embeddings"])["embeddings"]
    if count and len(vectors):
        collection.query(query_embeddings=[[float(x) for x in vectors[0]]], n_results=min(count, 10))


if __name__ == "__main__":
    probe(sys.argv[1], sys.argv[2])
