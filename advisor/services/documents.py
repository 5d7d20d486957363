"""Reading source documents from files and folders, and turning them into clean chunks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from langchain_core.documents import Document

from advisor.schemas import LANGUAGES, Chunk, Language, SourceDocument
from advisor.settings import ChunkingSettings
from advisor.text.chunking import chunk_text
from advisor.text.cleaning import CleanResult, clean_text
from advisor.text.language import detect_language

SUFFIXES = (".txt", ".md")
MANIFEST = "manifest.json"


class DocumentError(ValueError):
    """A document or path that cannot be ingested."""


def document_id(path: Path) -> str:
    """A document's id: its file name without `.txt`/`.md`."""
    return path.name[: -len(path.suffix)] if path.suffix in SUFFIXES else path.name


def _manifest(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("documents", [])
    except (json.JSONDecodeError, AttributeError) as exc:
        raise DocumentError(f"{path}: not a valid manifest ({exc})") from exc
    return {str(entry["id"]): entry for entry in entries if isinstance(entry, dict) and "id" in entry}


def make_document(doc_id: str, text: str, language: str | None = None, title: str | None = None) -> SourceDocument:
    """A validated `SourceDocument`; language detected and title taken from the first line when not given."""
    if not doc_id.strip():
        raise DocumentError("document id is empty")
    if "\x00" in text:
        raise DocumentError(f"{doc_id}: text contains NUL bytes")
    if not text.strip():
        raise DocumentError(f"{doc_id}: document is empty")
    if language is not None and language not in LANGUAGES:
        raise DocumentError(f"{doc_id}: language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    lang = cast(Language, language) if language else detect_language(text[:5000])
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), doc_id)
    return SourceDocument(id=doc_id, text=text, language=lang, title=title or first_line[:120])


def read_documents(paths: Iterable[Path]) -> list[SourceDocument]:
    """Documents from `.txt`/`.md` files and folders (recursively); a folder's manifest.json gives titles."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES))
        elif path.is_file() and path.suffix in SUFFIXES:
            files.append(path)
        elif path.exists():
            raise DocumentError(f"{path}: only .txt and .md files can be ingested")
        else:
            raise DocumentError(f"{path}: no such file or directory")
    documents: dict[str, SourceDocument] = {}
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    for file in files:
        meta = manifests.setdefault(file.parent, _manifest(file.parent)).get(document_id(file), {})
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{file}: not UTF-8 text") from exc
        doc = make_document(document_id(file), text, meta.get("language"), meta.get("title"))
        if doc.id in documents:
            raise DocumentError(f"{file}: two files share the document id {doc.id!r}")
        documents[doc.id] = doc
    return list(documents.values())


@dataclass
class PreparedDocument:
    """A document after cleaning and chunking."""

    source: SourceDocument
    cleaned: CleanResult
    chunks: list[Chunk]

    def langchain_documents(self) -> list[Document]:
        """The chunks as LangChain documents, with metadata and `id` = chunk_id."""
        return [
            Document(
                id=c.chunk_id,
                page_content=c.text,
                metadata={
                    "source": c.source,
                    "language": c.language,
                    "title": c.title,
                    "position": c.position,
                    "chunk_id": c.chunk_id,
                },
            )
            for c in self.chunks
        ]


def chunk_identity(source: str, language: str, title: str, position: int, text: str) -> str:
    """Stable chunk id: a hash of everything stored for the chunk."""
    payload = json.dumps([source, language, title, position, text], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def prepare(document: SourceDocument, chunking: ChunkingSettings) -> PreparedDocument:
    """Clean and chunk one document."""
    cleaned = clean_text(document.text, document.title)
    texts = chunk_text(cleaned.text, document.language, chunking.size, chunking.overlap, chunking.cjk_weight)
    chunks = [
        Chunk(
            chunk_id=chunk_identity(document.id, document.language, document.title, position, text),
            source=document.id,
            language=document.language,
            title=document.title,
            position=position,
            text=text,
        )
        for position, text in enumerate(texts)
    ]
    return PreparedDocument(document, cleaned, chunks)
