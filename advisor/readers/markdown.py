"""Plain text and Markdown readers; Markdown headings (ATX and setext, not `#` lines in code) become sections."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from langchain_core.documents import Document
from markdown_it import MarkdownIt

from advisor.readers.base import FileLoader, decode_text, nest, section_document

_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def table_row(cells: Iterable[str]) -> str:
    """A table row as one line of text, its cells separated by semicolons."""
    return "; ".join(cell.strip() for cell in cells if cell.strip())


def _plain_tables(body: str) -> str:
    """Pipe-table rows as `cell; cell` lines, their rule lines dropped."""
    lines = []
    for line in body.split("\n"):
        if _TABLE_RULE.match(line) and "-" in line and "|" in line:
            continue
        lines.append(table_row(line.strip().strip("|").split("|")) if _TABLE_ROW.match(line) else line)
    return "\n".join(lines)


def markdown_sections(text: str) -> Iterator[tuple[list[str], str]]:
    """(heading path, body) for the text before the first heading and for each heading, in order."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    lines = text.splitlines()
    path: list[tuple[int, str]] = []
    start = 0
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None:
            continue
        body = _plain_tables("\n".join(lines[start : token.map[0]]).strip("\n"))
        if path or body.strip():
            yield [h for _, h in path], body
        path = nest(path, int(token.tag[1:]), tokens[index + 1].content.strip())
        start = token.map[1]
    body = _plain_tables("\n".join(lines[start:]).strip("\n"))
    if path or body.strip():
        yield [h for _, h in path], body


class PlainTextLoader(FileLoader):
    """A UTF-8 text file as one `Document` (its structure is found later, from the text's shape)."""

    format = "text"

    def lazy_load(self) -> Iterator[Document]:
        text = decode_text(self.read_bytes(), self.file_path.name)
        yield section_document(text, self.file_path, self.format, None, [])


class MarkdownLoader(FileLoader):
    """A Markdown file as one `Document` per section, with `section` (heading path) and `headings` metadata."""

    format = "markdown"

    def lazy_load(self) -> Iterator[Document]:
        text = decode_text(self.read_bytes(), self.file_path.name)
        yield from markdown_documents(text, self.file_path, self.format, None)


def markdown_documents(text: str, source: Path, fmt: str, title: str | None) -> Iterator[Document]:
    """Section documents of a Markdown text; the title is the given one, else the first top-level heading."""
    sections = list(markdown_sections(text))
    if title is None:
        title = next((path[0] for path, _ in sections if len(path) == 1), None)
    for headings, body in sections:
        yield section_document(body, source, fmt, title, headings)
