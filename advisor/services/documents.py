"""Reading source documents from files and folders, and turning them into clean chunks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from langchain_core.documents import Document

from advisor.extras import MissingExtraError
from advisor.readers import SUFFIXES, FileLimits, UnreadableFile, as_markdown, loader_for
from advisor.schemas import LANGUAGES, Chunk, DocumentOutline, Language, OutlineList, OutlineSection, SourceDocument
from advisor.settings import ChunkingSettings, DocumentSettings
from advisor.text.chunking import chunk_spans
from advisor.text.cleaning import CleanResult, clean_text, line_keys, shared_keys
from advisor.text.language import detect_language, foreign_language
from advisor.text.pages import PageLocator
from advisor.text.section_tree import Structure
from advisor.text.structure import parse_structure

MANIFEST = "manifest.json"


class DocumentError(ValueError):
    """A document or path that cannot be ingested; `status` is the HTTP status that fits the cause."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def document_id(path: Path) -> str:
    """A document's id: its file name without a readable extension (`.txt`, `.md`, `.pdf`, …)."""
    return path.name[: -len(path.suffix)] if path.suffix.lower() in SUFFIXES else path.name


def file_limits(settings: DocumentSettings) -> FileLimits:
    """The readers' limits from the settings."""
    return FileLimits(**settings.model_dump())


def _manifest(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("documents", [])
    except (json.JSONDecodeError, AttributeError) as exc:
        raise DocumentError(f"{path}: not a valid manifest ({exc})") from exc
    return {str(entry["id"]): entry for entry in entries if isinstance(entry, dict) and "id" in entry}


def make_document(
    doc_id: str,
    text: str,
    language: str | None = None,
    title: str | None = None,
    fmt: str = "text",
    page_breaks: list[int] | None = None,
) -> SourceDocument:
    """A validated `SourceDocument`; language identified and title taken from the first line when not given."""
    if not doc_id.strip():
        raise DocumentError("document id is empty")
    if "\x00" in text:
        raise DocumentError(f"{doc_id}: text contains NUL bytes")
    if not text.strip():
        raise DocumentError(f"{doc_id}: document is empty")
    if language is not None and language not in LANGUAGES:
        raise DocumentError(f"{doc_id}: language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    if not language and (foreign := foreign_language(text[:5000])):
        raise DocumentError(
            f"{doc_id}: the text is in {foreign!r}; only {', '.join(LANGUAGES)} are supported "
            "(give the language explicitly if this is wrong)"
        )
    lang = cast(Language, language) if language else detect_language(text[:5000])
    first_line = next((line.strip().lstrip("#").strip() for line in text.splitlines() if line.strip()), doc_id)
    return SourceDocument(id=doc_id, text=text, language=lang, title=title or first_line[:120] or doc_id,
                          format=fmt, page_breaks=page_breaks or [])  # fmt: skip


def read_file(
    path: Path,
    limits: FileLimits,
    doc_id: str | None = None,
    language: str | None = None,
    title: str | None = None,
    content_type: str | None = None,
) -> SourceDocument:
    """One file of any supported format as a `SourceDocument`; `DocumentError` when it cannot be read."""
    try:
        loader = loader_for(path, limits, content_type)
        text, breaks, found_title = as_markdown(loader.lazy_load())
    except UnreadableFile as exc:
        raise DocumentError(str(exc), exc.status) from exc
    except MissingExtraError as exc:
        raise DocumentError(f"{path.name}: {exc}", 415) from exc
    return make_document(doc_id or document_id(path), text, language, title or found_title, loader.format, breaks)


def read_documents(paths: Iterable[Path], limits: FileLimits | None = None) -> list[SourceDocument]:
    """Documents from files of the supported formats and from folders (recursively, other files skipped);
    a folder's manifest.json gives titles and languages."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            raise DocumentError(f"{path}: no such file or directory")
    documents: dict[str, SourceDocument] = {}
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    for file in files:
        meta = manifests.setdefault(file.parent, _manifest(file.parent)).get(document_id(file), {})
        doc = read_file(file, limits or FileLimits(), None, meta.get("language"), meta.get("title"))
        if doc.id in documents:
            raise DocumentError(f"{file}: two files share the document id {doc.id!r}")
        documents[doc.id] = doc
    return list(documents.values())


@dataclass
class PreparedDocument:
    """A document after cleaning, structure detection and chunking."""

    source: SourceDocument
    cleaned: CleanResult
    outline: DocumentOutline
    chunks: list[Chunk]

    def langchain_documents(self) -> list[Document]:
        """The chunks as LangChain documents, with metadata and `id` = chunk_id."""
        return [Document(id=c.chunk_id, page_content=c.text, metadata=chunk_metadata(c)) for c in self.chunks]

    def contextual_texts(self) -> dict[str, str]:
        """Chunk text → the text to embed and index for BM25: title and section path in front of the chunk."""
        return {c.text: contextual_text(c) for c in self.chunks}


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """What the store keeps beside a chunk's text (no empty values: the page only for paged formats)."""
    return chunk.model_dump(exclude={"text"}, exclude_none=True)


def contextual_text(chunk: Chunk) -> str:
    """The chunk with its document title and section path in front (what is embedded and indexed)."""
    return f"{chunk.section or chunk.title}\n{chunk.text}"


def _identity(*parts: object) -> str:
    payload = json.dumps(parts, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def chunk_identity(
    source: str, language: str, title: str, position: int, text: str, section_id: str = "", page: int | None = None
) -> str:
    """Stable chunk id: a hash of everything stored for the chunk (the page only where there are pages)."""
    if page is None:
        return _identity(source, language, title, position, text, section_id)
    return _identity(source, language, title, position, text, section_id, page)


def _outline(document: SourceDocument, text: str, structure: Structure) -> DocumentOutline:
    ids: list[str] = []
    seen: dict[tuple[str, ...], int] = {}
    for section in structure.sections:
        occurrence = seen[section.path] = seen.get(section.path, -1) + 1
        ids.append(_identity(document.id, *section.path, occurrence)[:16])
    sections = [
        OutlineSection(
            section_id=ids[index],
            path=list(section.path),
            heading=text[section.heading[0] : section.heading[1]] if section.heading else "",
            level=section.level,
            parent_id=ids[section.parent] if section.parent is not None else None,
            start=section.start,
            heading_end=section.heading[1] if section.heading else section.start,
            end=section.end,
        )
        for index, section in enumerate(structure.sections)
    ]
    lists = [
        OutlineList(section_id=ids[found.section], lead=found.lead, items=found.items) for found in structure.lists
    ]
    breaks = [index for index, char in enumerate(text) if char == "\n"]
    pages = len(document.page_breaks) + 1 if document.format == "pdf" else None
    return DocumentOutline(source=document.id, title=document.title, language=document.language, length=len(text),
                           format=document.format, pages=pages, breaks=breaks, sections=sections,
                           lists=lists)  # fmt: skip


def prepare(document: SourceDocument, chunking: ChunkingSettings, shared: Collection[str] = ()) -> PreparedDocument:
    """Clean, outline and chunk one document; `shared` holds the keys of lines other documents carry."""
    cleaned = clean_text(document.text, document.title, shared)
    structure = parse_structure(cleaned.text, document.language)
    outline = _outline(document, cleaned.text, structure)
    spans = chunk_spans(cleaned.text, structure, chunking.size, chunking.overlap, chunking.cjk_weight)
    pages = PageLocator(document.text, document.page_breaks) if document.format == "pdf" else None
    chunks = []
    for position, ((start, end), index) in enumerate(spans):
        section = outline.sections[index]
        text = cleaned.text[start:end]
        page = pages.page(text) if pages else None
        if section.page is None:
            section.page = page
        chunks.append(
            Chunk(
                chunk_id=chunk_identity(
                    document.id, document.language, document.title, position, text, section.section_id, page
                ),
                source=document.id,
                language=document.language,
                title=document.title,
                position=position,
                text=text,
                section=outline.path_label(section),
                section_id=section.section_id,
                start=start,
                end=end,
                page=page,
            )
        )
    return PreparedDocument(document, cleaned, outline, chunks)


def prepare_all(documents: Sequence[SourceDocument], chunking: ChunkingSettings,
                stored_keys: Collection[str] = ()) -> list[PreparedDocument]:  # fmt: skip
    """Prepare a batch; lines that two documents of the batch share, or that stored documents carry, are dropped."""
    keys = {doc.id: line_keys(doc.text) for doc in documents}
    shared = shared_keys(list(keys.values())) | (set(stored_keys) & set().union(*keys.values()) if keys else set())
    return [prepare(doc, chunking, shared) for doc in documents]
