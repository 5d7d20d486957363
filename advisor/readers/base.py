"""What every reader shares: its errors, its limits, and the `Document`s it yields."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.document_loaders import BaseLoader
from langchain_core.documents import Document

from advisor.extras import MissingExtraError

SECTION_SEPARATOR = " › "


class UnreadableFile(ValueError):
    """A file that cannot be read as a document; `status` is the HTTP status that fits the cause."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FileLimits:
    """Bounds checked before a file is parsed."""

    max_file_bytes: int = 20_971_520
    max_pages: int = 500
    max_unpacked_bytes: int = 104_857_600
    max_unpack_ratio: float = 100.0


def import_reader(module: str, feature: str) -> Any:
    """A reader's library, or `MissingExtraError` naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(feature, "formats") from exc


def check_size(path: Path, limits: FileLimits) -> int:
    """The file's size, or `UnreadableFile` (413) when it is over the limit."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise UnreadableFile(f"{path.name}: {size} bytes is over the limit of {limits.max_file_bytes} bytes", 413)
    return size


class FileLoader(BaseLoader):
    """A loader of one file: its path, the limits it is read within, and its format's name."""

    format = ""

    def __init__(self, file_path: str | Path, limits: FileLimits | None = None) -> None:
        self.file_path = Path(file_path)
        self.limits = limits or FileLimits()

    def read_bytes(self) -> bytes:
        check_size(self.file_path, self.limits)
        return self.file_path.read_bytes()


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is dropped), or `UnreadableFile`."""
    if b"\x00" in data:
        raise UnreadableFile(f"{name}: binary content, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{name}: not UTF-8 text") from exc


def section_document(
    text: str, source: Path, fmt: str, title: str | None, headings: Sequence[str], page: int | None = None
) -> Document:
    """One stretch of a file's text under one heading path (and on one page, for paged formats)."""
    metadata: dict[str, object] = {
        "source": str(source),
        "format": fmt,
        "section": SECTION_SEPARATOR.join(headings),
        "headings": list(headings),
    }
    if title:
        metadata["title"] = title
    if page is not None:
        metadata["page"] = page
    return Document(page_content=text, metadata=metadata)


def nest(path: Sequence[tuple[int, str]], level: int, heading: str) -> list[tuple[int, str]]:
    """The heading path after a heading of `level` (1 = top): deeper or equal headings are closed."""
    return [*[entry for entry in path if entry[0] < level], (level, heading)]


def as_markdown(documents: Iterable[Document]) -> tuple[str, list[int], str | None]:
    """A reader's documents as one Markdown text, with the offsets where pages 2, 3, … start and the title the
    reader found. Headings become `#` lines numbered by their depth in the heading path (the nesting that was
    read, whatever level the file gave its top heading)."""
    parts: list[str] = []
    breaks: list[int] = []
    size = 0
    shown: list[str] = []
    page = 1
    title: str | None = None
    for document in documents:
        title = title or document.metadata.get("title")
        new_page = document.metadata.get("page")
        if isinstance(new_page, int) and new_page > page:
            breaks.extend([size] * (new_page - page))
            page = new_page
        headings = [str(h) for h in document.metadata.get("headings", [])]
        common = next((i for i, (a, b) in enumerate(zip(shown, headings, strict=False)) if a != b), None)
        common = min(len(shown), len(headings)) if common is None else common
        block = ["#" * min(depth + 1, 6) + " " + _one_line(headings[depth]) for depth in range(common, len(headings))]
        if document.page_content.strip():
            block.append(document.page_content.strip("\n"))
        shown = headings
        if block:
            piece = "\n\n".join(block) + "\n\n"
            parts.append(piece)
            size += len(piece)
    return "".join(parts).rstrip("\n") + "\n", breaks, title


def _one_line(heading: str) -> str:
    return re.sub(r"\s+", " ", heading).strip()
