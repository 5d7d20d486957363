"""The vanilla RAG baseline: 1000/200 recursive splits of the raw files, all-MiniLM-L6-v2, Chroma search."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from advisor.backends.embeddings import SentenceTransformerEmbeddings
from advisor.services.documents import SUFFIXES, document_id

Search = Callable[[str, int], list[str]]


def build_baseline(corpus_dir: Path) -> Search:
    """An in-memory baseline index of the raw corpus; returns search(query, k) → ranked source ids."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    documents = [
        Document(page_content=piece, metadata={"source": document_id(path)})
        for path in sorted(corpus_dir.iterdir())
        if path.suffix in SUFFIXES
        for piece in splitter.split_text(path.read_text(encoding="utf-8"))
    ]
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(collection_name="baseline", embedding_function=SentenceTransformerEmbeddings(), client=client)
    store.add_documents(documents)

    def search(query: str, k: int) -> list[str]:
        return [str(doc.metadata["source"]) for doc in store.similarity_search(query, k=k)]

    return search
