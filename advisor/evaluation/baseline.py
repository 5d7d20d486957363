"""The vanilla RAG baseline: 1000/200 recursive splits of the raw files, all-MiniLM-L6-v2, Chroma search."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.backends.embeddings import SentenceTransformerEmbeddings
from advisor.services.documents import document_id

Search = Callable[[str, int], list[str]]
_EMBEDDINGS: Any = None  # the model is loaded once per process


def baseline_documents(corpus_dir: Path) -> list[Any]:
    """The raw files split 1000/200 by LangChain's RecursiveCharacterTextSplitter, as LangChain documents."""
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    return [
        Document(page_content=piece, metadata={"source": document_id(path)})
        for path in sorted(corpus_dir.iterdir())
        if path.suffix in (".txt", ".md")
        for piece in splitter.split_text(path.read_text(encoding="utf-8"))
    ]


def build_baseline(corpus_dir: Path, documents: list[Any] | None = None) -> Search:
    """An in-memory baseline index of the raw corpus; returns search(query, k) → ranked source ids."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    global _EMBEDDINGS
    if _EMBEDDINGS is None:
        _EMBEDDINGS = SentenceTransformerEmbeddings()
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(collection_name=f"baseline-{uuid.uuid4().hex[:8]}", embedding_function=_EMBEDDINGS, client=client)
    store.add_documents(documents if documents is not None else baseline_documents(corpus_dir))

    def search(query: str, k: int) -> list[str]:
        return [str(doc.metadata["source"]) for doc in store.similarity_search(query, k=k)]

    return search
