"""PDF reader (pypdf): text per page with wrapped lines joined, running headers, footers and page numbers
dropped, the outline (bookmarks) as sections where present, and the page number in each `Document`."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any

from langchain_core.documents import Document

from advisor.extras import MissingExtraError
from advisor.readers.base import UnreadableFile, check_size, nest, section_document
from advisor.readers.markdown import _FileLoader

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|(?:page|p\.|página|pág\.)\s*\d+(?:\s*(?:of|de|/)\s*\d+)?"
    r"|\d+\s*/\s*\d+|第\s*\d+\s*页(?:\s*[/／共]\s*\d+\s*页?)?)$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?。！？:：;；]$")
_WRAPPED = 0.8  # a line at least this share of the page's longest line was wrapped, not ended


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _key(line: str) -> str:
    return re.sub(r"\W+", "", line.casefold())


def _join(left: str, right: str) -> str:
    if left.endswith("-") and right[:1].islower():
        return left[:-1] + right
    cjk = _width(left[-1:]) == 2 or _width(right[:1]) == 2
    return left + ("" if cjk else " ") + right


def reflow(lines: list[str]) -> list[str]:
    """Join the lines a paragraph was wrapped into: a line nearly as wide as the page's widest continues."""
    widest = max((_width(line) for line in lines), default=0)
    out: list[str] = []
    joining = False
    for line in lines:
        if joining and out:
            out[-1] = _join(out[-1], line)
        else:
            out.append(line)
        joining = _width(line) >= _WRAPPED * widest and widest >= 40 and not _SENTENCE_END.search(line)
    return out


def _outline(reader: Any) -> list[tuple[int, int, str]]:
    """(page index, level, title) of every bookmark, in reading order."""
    marks: list[tuple[int, int, str]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:  # a bookmark without a page in this file
                continue
            if page is not None and page >= 0 and str(item.title).strip():
                marks.append((page, level, str(item.title).strip()))

    try:
        walk(reader.outline, 1)
    except Exception:  # a damaged outline: read the file without sections from it
        return []
    return sorted(marks, key=lambda mark: mark[0])


class PdfLoader(_FileLoader):
    """A PDF as `Document`s per page and section, with `page`, `section` and `headings` metadata."""

    format = "pdf"

    def _open(self) -> Any:
        try:
            import pypdf
        except ImportError as exc:
            raise MissingExtraError("reading PDF", "formats") from exc
        name = self.file_path.name
        check_size(self.file_path, self.limits)
        with self.file_path.open("rb") as file:
            if not file.read(1024).lstrip().startswith(b"%PDF-"):
                raise UnreadableFile(f"{name}: not a PDF file")
            file.seek(max(0, self.file_path.stat().st_size - 2048))
            if b"%%EOF" not in file.read():
                raise UnreadableFile(f"{name}: the PDF is truncated or damaged (it has no end-of-file marker)")
        try:
            reader = pypdf.PdfReader(str(self.file_path))
            if reader.is_encrypted:
                raise UnreadableFile(f"{name}: the PDF is encrypted; remove its password and try again")
            pages = len(reader.pages)
        except UnreadableFile:
            raise
        except Exception as exc:  # pypdf raises many kinds on a damaged file
            raise UnreadableFile(f"{name}: damaged PDF file ({type(exc).__name__})") from exc
        if pages > self.limits.max_pages:
            raise UnreadableFile(f"{name}: {pages} pages is over the limit of {self.limits.max_pages} pages", 413)
        return reader

    def lazy_load(self) -> Iterator[Document]:
        reader = self._open()
        try:
            texts = [page.extract_text() or "" for page in reader.pages]
        except Exception as exc:
            raise UnreadableFile(f"{self.file_path.name}: damaged PDF file ({type(exc).__name__})") from exc
        pages = [[line.strip() for line in text.splitlines() if line.strip()] for text in texts]
        if not any(pages):
            raise UnreadableFile(f"{self.file_path.name}: no extractable text; run OCR first")
        running = Counter(key for lines in pages for key in {_key(line) for line in lines})
        repeated = {key for key, count in running.items() if len(pages) >= 3 and count >= max(3, len(pages) // 2)}
        metadata = reader.metadata
        title = str(metadata.title).strip() if metadata is not None and metadata.title else None
        marks = _outline(reader)
        path: list[tuple[int, str]] = []
        emitted = True  # whether the current section has yielded a document (its heading is then written)
        for index, lines in enumerate(pages):
            lines = [line for line in lines if not _PAGE_NUMBER.match(line) and _key(line) not in repeated]
            for _, level, heading in [mark for mark in marks if mark[0] == index]:
                at = next((i for i, line in enumerate(lines) if _key(line) == _key(heading)), 0)
                body = lines[:at]
                lines = lines[at + 1 :] if lines and _key(lines[at]) == _key(heading) else lines[at:]
                if body or not emitted:
                    yield self._document(body, path, title, index)
                path, emitted = nest(path, level, heading), False
            if lines or not emitted:
                yield self._document(lines, path, title, index)
                emitted = True

    def _document(self, lines: list[str], path: list[tuple[int, str]], title: str | None, index: int) -> Document:
        text = "\n".join(reflow(lines))
        return section_document(text, self.file_path, self.format, title, [h for _, h in path], page=index + 1)
