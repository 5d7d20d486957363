"""Sections as reading units: each indexed document's outline, and any section's text read back from its chunks.

There is one index: the chunks. A section's text is rebuilt from the chunks that cover its span (chunks are
exact spans of the cleaned document, and the outline keeps where its line breaks are), so no second copy of the
corpus is stored. This is LangChain's parent/child retrieval with the parent kept as an outline, not a document.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from advisor.backends.state import IndexState
from advisor.backends.store import ChunkStore
from advisor.schemas import Chunk, DocumentOutline, OutlineList, OutlineSection

_CACHE = 4_096


@dataclass(frozen=True)
class SectionText:
    """The text of a span of one document, rebuilt from the chunks that cover it."""

    outline: DocumentOutline
    start: int
    end: int
    text: str
    chunks: tuple[Chunk, ...] = field(default=())

    def slice(self, start: int, end: int) -> str:
        """The text at document offsets [start, end)."""
        return self.text[max(0, start - self.start) : max(0, end - self.start)]

    def quotable(self, start: int, end: int) -> list[tuple[Chunk, str]]:
        """The span as verbatim pieces of chunks: one piece when a chunk holds it whole, else one per chunk."""
        whole = [c for c in self.chunks if c.start <= start and end <= c.end]
        if whole:
            chunk = whole[0]
            return [(chunk, chunk.text[start - chunk.start : end - chunk.start])]
        pieces = []
        cursor = start
        for chunk in self.chunks:
            if chunk.end <= cursor or chunk.start >= end:
                continue
            a, b = max(cursor, chunk.start), min(end, chunk.end)
            piece = chunk.text[a - chunk.start : b - chunk.start].strip()
            if piece:
                pieces.append((chunk, piece))
            cursor = b
        return pieces


def _rebuild(outline: DocumentOutline, chunks: list[Chunk], start: int, end: int) -> str:
    breaks = set(outline.breaks)
    chars: list[str] = []
    cursor = start
    for chunk in chunks:
        if chunk.end <= cursor:
            continue
        if chunk.start > cursor:
            chars.extend("\n" if offset in breaks else " " for offset in range(cursor, min(chunk.start, end)))
            cursor = chunk.start
        if cursor >= end:
            break
        chars.append(chunk.text[cursor - chunk.start : min(chunk.end, end) - chunk.start])
        cursor = min(chunk.end, end)
    return "".join(chars)


class SectionIndex:
    """The outlines of the indexed documents; sections read back by id."""

    def __init__(self, store: ChunkStore, state: IndexState) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._outlines: dict[str, DocumentOutline] = {}
        self._sections: dict[str, tuple[DocumentOutline, int]] = {}
        self._texts: OrderedDict[tuple[str, int, int], SectionText] = OrderedDict()
        self.version = 0  # changes whenever an outline is stored or removed
        for text in state.outlines().values():
            self._add(DocumentOutline.model_validate_json(text))

    def _add(self, outline: DocumentOutline) -> None:
        self._outlines[outline.source] = outline
        for index, section in enumerate(outline.sections):
            self._sections[section.section_id] = (outline, index)

    def put(self, outline: DocumentOutline) -> None:
        """Store (or replace) a document's outline."""
        with self._lock:
            self._forget(outline.source)
            self._add(outline)
            self.version += 1

    def remove(self, source: str) -> None:
        """Forget a deleted document."""
        with self._lock:
            self._forget(source)
            self.version += 1

    def _forget(self, source: str) -> None:
        old = self._outlines.pop(source, None)
        if old is not None:
            for section in old.sections:
                self._sections.pop(section.section_id, None)
        self._texts = OrderedDict((k, v) for k, v in self._texts.items() if k[0] != source)

    def outline(self, source: str) -> DocumentOutline | None:
        """A document's outline."""
        return self._outlines.get(source)

    def outlines(self) -> list[DocumentOutline]:
        """Every stored outline."""
        return list(self._outlines.values())

    def find(self, section_id: str) -> tuple[DocumentOutline, OutlineSection] | None:
        """The outline and entry of a section."""
        found = self._sections.get(section_id)
        return (found[0], found[0].sections[found[1]]) if found else None

    def children(self, section_id: str) -> list[OutlineSection]:
        """The sections directly below one section."""
        found = self.find(section_id)
        if found is None:
            return []
        return [s for s in found[0].sections if s.parent_id == section_id]

    def subtree_end(self, section_id: str) -> int:
        """Where a section's subtree (the section and everything below it) ends."""
        found = self._sections.get(section_id)
        if found is None:
            return 0
        outline, index = found
        level = outline.sections[index].level
        end = outline.sections[index].end
        for later in outline.sections[index + 1 :]:
            if later.level <= level:
                break
            end = later.end
        return end

    def lists_in(self, outline: DocumentOutline, start: int, end: int) -> list[OutlineList]:
        """The enumerations whose first item lies in [start, end)."""
        return [found for found in outline.lists if start <= found.items[0][0] < end]

    def read(self, source: str, start: int, end: int) -> SectionText | None:
        """The text of a document span, rebuilt from its chunks (cached)."""
        outline = self._outlines.get(source)
        if outline is None or end <= start:
            return None
        key = (source, start, end)
        with self._lock:
            cached = self._texts.get(key)
            if cached is not None:
                self._texts.move_to_end(key)
                return cached
        chunks = self._store.between(outline.language, source, start, end)
        found = SectionText(outline, start, end, _rebuild(outline, chunks, start, end), tuple(chunks))
        with self._lock:
            self._texts[key] = found
            while len(self._texts) > _CACHE:
                self._texts.popitem(last=False)
        return found

    def section_text(self, section_id: str, subtree: bool = False) -> SectionText | None:
        """A section's own text, or with `subtree` the text of everything below it too."""
        found = self.find(section_id)
        if found is None:
            return None
        outline, section = found
        return self.read(outline.source, section.start, self.subtree_end(section_id) if subtree else section.end)

    def item_texts(self, section_id: str) -> list[list[str]]:
        """The items of each enumeration in a section, as text."""
        found = self.find(section_id)
        read = self.section_text(section_id)
        if found is None or read is None:
            return []
        return [[read.slice(a, b) for a, b in lst.items] for lst in self.lists_in(found[0], read.start, read.end)]
