"""PDF reader (pypdf): lines rebuilt from the text's positions (a table row or a list number and its item stay on
one line), wrapped lines joined (also across a page break), contents-page lines, running headers, footers and
page numbers dropped, the outline (bookmarks) as sections where present, and the page in each `Document`."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from langchain_core.documents import Document

from advisor.readers.base import FileLoader, UnreadableFile, check_size, import_reader, nest, section_document
from advisor.text.cleaning import line_key

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|(?:page|p\.|página|pág\.)\s*\d+(?:\s*(?:of|de|/)\s*\d+)?"
    r"|\d+\s*/\s*\d+|第\s*\d+\s*页(?:\s*[/／共]\s*\d+\s*页?)?)$",
    re.IGNORECASE,
)
_LEADERS = re.compile(r"(?:\s*[.·…_]){4,}\s*\d{1,4}$")  # a contents line: "2 Acquisition ........ 3"
_PARAGRAPH_END = re.compile(r"[.!?。！？]$")
_LIST_START = re.compile(r"^(?:\d{1,3}[.)、]|[-•*·▪●◦]|[一二三四五六七八九十]+、|\([a-z0-9]\))\s*")
_BULLET = re.compile(r"^[\x00-\x1f\x7f\ue000-\uf8ff•●▪◦·]\s*")
_WRAPPED = 0.8  # a line at least this share of the page's widest line was wrapped, not ended
_MARGIN = 0.08  # the top and bottom share of a page where running headers, footers and page numbers sit
_COLUMN_GAP = 1.5  # a gap this many font sizes wide between two pieces of one baseline separates table cells


@dataclass
class _Line:
    text: str
    x: float
    y: float
    end: float  # estimated x where the text ends
    size: float
    margin: bool = False


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shape(line: str) -> str:
    """A line's identity for repeat detection across pages: its words, with numbers blanked ("Page # of #")."""
    return re.sub(r"\d+", "#", line_key(line))


def _join(left: str, right: str) -> str:
    if left.endswith("-") and right[:1].islower():
        return left[:-1] + right
    cjk = _width(left[-1:]) == 2 or _width(right[:1]) == 2
    return left + ("" if cjk else " ") + right


def _page_lines(page: Any) -> list[_Line]:
    """The page's lines in content order; pieces drawn one after another on one baseline become one line."""
    lines: list[_Line] = []
    box = page.mediabox
    bottom, height = float(box.bottom), float(box.height) or 1.0

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, font_size: float) -> None:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs(font_size * (tm[3] or 1) * (cm[3] or 1)) or 10.0
        for index, part in enumerate(text.split("\n")):
            if not part.strip():
                continue
            last = lines[-1] if lines else None
            if index == 0 and last and abs(last.y - y) < 0.4 * max(size, last.size) and x > last.x:
                glue = "; " if x - last.end > _COLUMN_GAP * size else " "
                last.text = last.text.rstrip() + ("" if _width(last.text[-1:] + part[:1]) == 4 else glue) + part.strip()
                last.end = max(last.end, x + _width(part) * 0.5 * size)
                continue
            if index:
                y -= size * 1.2
            margin = not (_MARGIN * height < y - bottom < (1 - _MARGIN) * height)
            lines.append(_Line(part.strip(), x, y, x + _width(part) * 0.5 * size, size, margin))

    page.extract_text(visitor_text=visit)
    return lines


def _clean(line: str) -> str:
    line = _BULLET.sub("- ", line) if _BULLET.match(line) else line
    return "".join(ch for ch in line if unicodedata.category(ch) != "Cc").strip()


def _wrapped(line: str, widest: int, following: str | None) -> bool:
    """Whether `line` continues on the next line: it is nearly as wide as the widest line, it ends no sentence,
    and what follows does not start a list item."""
    return (
        widest >= 40
        and _width(line) >= _WRAPPED * widest
        and not _PARAGRAPH_END.search(line)
        and not (following is not None and _LIST_START.match(following))
    )


def reflow(lines: list[str], widest: int | None = None) -> list[str]:
    """Join the lines a paragraph was wrapped into."""
    widest = widest if widest is not None else max((_width(line) for line in lines), default=0)
    out: list[str] = []
    for index, line in enumerate(lines):
        if index and out and _wrapped(lines[index - 1], widest, line):
            out[-1] = _join(out[-1], line)
        else:
            out.append(line)
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


def _body(pages: list[list[_Line]]) -> list[list[str]]:
    """Each page's text lines: margin lines that are page numbers or repeat on many pages (digits aside) and
    contents lines dropped."""
    shapes = Counter(shape for lines in pages for shape in {_shape(line.text) for line in lines if line.margin})
    repeated = {shape for shape, count in shapes.items() if len(pages) >= 3 and count >= max(3, len(pages) // 2)}
    kept = []
    for lines in pages:
        texts = []
        for line in lines:
            text = _clean(line.text)
            if not text or _LEADERS.search(text):
                continue
            if line.margin and (_PAGE_NUMBER.match(text) or _shape(text) in repeated):
                continue
            texts.append(text)
        kept.append(texts)
    return kept


class PdfLoader(FileLoader):
    """A PDF as `Document`s per page and section, with `page`, `section` and `headings` metadata."""

    format = "pdf"

    def _open(self) -> Any:
        pypdf = import_reader("pypdf", "reading PDF")
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
            pages = _body([_page_lines(page) for page in reader.pages])
        except Exception as exc:
            raise UnreadableFile(f"{self.file_path.name}: damaged PDF file ({type(exc).__name__})") from exc
        if not any(pages):
            raise UnreadableFile(f"{self.file_path.name}: no extractable text; run OCR first")
        metadata = reader.metadata
        title = str(metadata.title).strip() if metadata is not None and metadata.title else None
        marks = _outline(reader)
        widest = max((_width(line) for lines in pages for line in lines), default=0)
        self._carry_over(pages, marks, widest)
        path: list[tuple[int, str]] = []
        emitted = True  # whether the current section has yielded a document (its heading is then written)
        for index, lines in enumerate(pages):
            for _, level, heading in [mark for mark in marks if mark[0] == index]:
                at = next((i for i, line in enumerate(lines) if line_key(line) == line_key(heading)), 0)
                body = lines[:at]
                lines = lines[at + 1 :] if lines and line_key(lines[at]) == line_key(heading) else lines[at:]
                if body or not emitted:
                    yield self._document(body, path, title, index, widest)
                path, emitted = nest(path, level, heading), False
            if lines or not emitted:
                yield self._document(lines, path, title, index, widest)
                emitted = True

    @staticmethod
    def _carry_over(pages: list[list[str]], marks: list[tuple[int, int, str]], widest: int) -> None:
        """Move the end of a paragraph that continues over a page break onto the page where it starts."""
        headings = {(page, line_key(heading)) for page, _, heading in marks}
        for index in range(len(pages) - 1):
            here, there = pages[index], pages[index + 1]
            if there and (index + 1, line_key(there[0])) in headings:
                continue
            while here and there and _wrapped(here[-1], widest, there[0]):
                here.append(there.pop(0))
                if not _wrapped(here[-1], widest, there[0] if there else None):
                    break

    def _document(
        self, lines: list[str], path: list[tuple[int, str]], title: str | None, index: int, widest: int
    ) -> Document:
        text = "\n".join(reflow(lines, widest))
        return section_document(text, self.file_path, self.format, title, [h for _, h in path], page=index + 1)
