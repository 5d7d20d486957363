"""Which reader reads a file: by its extension, checked against its content (and an upload's content type)."""

from __future__ import annotations

import re
from pathlib import Path

from advisor.readers.base import FileLimits, FileLoader, UnreadableFile
from advisor.readers.docx import DocxLoader
from advisor.readers.html import HtmlLoader
from advisor.readers.markdown import MarkdownLoader, PlainTextLoader
from advisor.readers.pdf import PdfLoader

LOADERS: dict[str, type[FileLoader]] = {
    ".txt": PlainTextLoader,
    ".md": MarkdownLoader,
    ".markdown": MarkdownLoader,
    ".html": HtmlLoader,
    ".htm": HtmlLoader,
    ".pdf": PdfLoader,
    ".docx": DocxLoader,
}
SUFFIXES = tuple(LOADERS)
CONTENT_TYPES: dict[str, tuple[str, ...]] = {
    "text/plain": (".txt", ".md", ".markdown"),
    "text/markdown": (".md", ".markdown", ".txt"),
    "text/x-markdown": (".md", ".markdown", ".txt"),
    "text/html": (".html", ".htm"),
    "application/xhtml+xml": (".html", ".htm"),
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
}
_UNTYPED = {"", "application/octet-stream"}
_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|main|div|p|h[1-6])[\s>]", re.IGNORECASE)


def sniff(head: bytes) -> str:
    """What the first bytes of a file are: "pdf", "zip", "html", "text" or "binary"."""
    if head.lstrip().startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if b"\x00" in head:
        return "binary"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not merely a character cut at the end of the sample
            return "binary"
    return "html" if _HTML.search(head[:4096]) else "text"


_EXPECTED = {".pdf": {"pdf"}, ".docx": {"zip"}, ".html": {"html", "text"}, ".htm": {"html", "text"}}
_NAMES = {"pdf": "a PDF file", "zip": "a ZIP archive", "html": "an HTML page", "text": "text", "binary": "binary data"}


def loader_for(path: Path, limits: FileLimits | None = None, content_type: str | None = None) -> FileLoader:
    """The reader for `path`; `UnreadableFile` (415 or 422) when its type is unsupported or its content is
    not what its extension or content type says."""
    suffix = path.suffix.lower()
    if suffix not in LOADERS:
        supported = ", ".join(SUFFIXES)
        raise UnreadableFile(f"{path.name}: unsupported file type {suffix or '(none)'}; supported: {supported}", 415)
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared not in _UNTYPED:
        if declared not in CONTENT_TYPES:
            raise UnreadableFile(f"{path.name}: unsupported content type {declared}", 415)
        if suffix not in CONTENT_TYPES[declared]:
            raise UnreadableFile(f"{path.name}: the content type {declared} does not match the extension {suffix}")
    with path.open("rb") as file:
        found = sniff(file.read(8192))
    if found not in _EXPECTED.get(suffix, {"text", "html"}):
        raise UnreadableFile(
            f"{path.name}: its content is {_NAMES[found]}, which does not match its extension {suffix}"
        )
    return LOADERS[suffix](path, limits)
