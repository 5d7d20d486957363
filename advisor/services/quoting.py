"""Quotes for extractive answers and plans: verbatim spans of evidence, never junk, never repeated, with markers."""

from __future__ import annotations

import re
import unicodedata

from advisor.schemas import Citation, Language
from advisor.services.evidence import EvidenceSentence, ReadingUnit
from advisor.text import locale
from advisor.text.quality import junk_reason
from advisor.text.sentences import text_size

CLIP = 220  # latin-equivalent characters: a longer sentence is quoted up to a clause boundary
_CLAUSE = re.compile(r"[,，;；:：、]|(?<=\w) (?=\w)")
_MARKER = re.compile(
    r"^\s*(?:\d{1,2}[.、)）]|[（(][\d一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|"
    r"第[一二三四五六七八九十\d]{1,3}(?:[、,，至到-][一二三四五六七八九十\d]{1,3})?[步章节点条部分层]{1,2}[:：,，、]?|"
    r"[A-Ha-h][.、)]|[-*•·]|(?:step|paso|part|parte)\s+\d{1,2}[.:：]?)\s*",
    re.I,
)
_LABEL_CHARS = 36


def fold(text: str) -> str:
    """Text for comparing quotes: NFKC, case-folded, word characters only."""
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", text).casefold())


def quoted(text: str, language: Language) -> str:
    """`text` in quotation marks it does not itself contain, so the quote's end is unambiguous."""
    marks = locale.QUOTE_MARKS[language]
    opening, closing = next((pair for pair in marks if pair[1] not in text), marks[0])
    return f"{opening}{text}{closing}"


def source_label(unit: ReadingUnit, language: Language) -> str:
    """Where a point comes from, in the asker's language: the document title, then the section heading."""
    opening, closing = locale.TITLE_MARKS[language]
    title = f"{opening}{_short(unit.outline.title)}{closing}"
    heading = _MARKER.sub("", unit.heading).strip() or unit.heading
    if not heading:
        return locale.SOURCE_TITLE_ONLY[language].format(title=title)
    return locale.SOURCE_LABEL[language].format(title=title, section=quoted(_short(heading), language))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1].rstrip() + "…"


def without_marker(unit: ReadingUnit, start: int, end: int) -> int:
    """`start` moved past an enumeration marker at the beginning of the span."""
    match = _MARKER.match(unit.read.slice(start, end))
    return start + match.end() if match and match.end() < end - start else start


class Quoter:
    """Builds the citations of one answer or plan; refuses junk and repeats."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.citations: list[Citation] = []
        self._quoted: list[str] = []

    def fits(self, unit: ReadingUnit, start: int, end: int) -> bool:
        """Whether the span may be quoted: not junk, not already quoted (nor inside a quote)."""
        text = unit.read.slice(without_marker(unit, start, end), end).strip()
        key = fold(text)
        if not key or any(key in earlier or earlier in key for earlier in self._quoted):
            return False
        return junk_reason(text) is None

    def sentence(self, unit: ReadingUnit, sentence: EvidenceSentence) -> str | None:
        """A sentence of a unit, quoted and cited (None when it may not be quoted)."""
        return self.span(unit, sentence.start, sentence.end)

    def span(self, unit: ReadingUnit, start: int, end: int, clip: float = CLIP, block: bool = False) -> str | None:
        """A span of a unit quoted (clipped at a clause boundary when long), or None. A `block` (short list items
        quoted together) keeps its markers and may run over several chunks, each piece cited."""
        if sentence_is_heading(unit, start, end) or not self.fits(unit, start, end):
            return None
        start = start if block else without_marker(unit, start, end)
        holder = next((c for c in unit.read.chunks if c.start <= start < c.end), None)
        cut = not block and holder is not None and end > holder.end  # a sentence longer than a chunk: its first part
        if cut and holder is not None:
            end = holder.end
        end, clipped = _clip(unit, start, end, clip)
        clipped = clipped or cut
        self._quoted.append(fold(unit.read.slice(start, end)))
        parts = []
        for chunk, piece in unit.read.quotable(start, end):
            citation = Citation(chunk_id=chunk.chunk_id, source=chunk.source, quote=piece)
            if citation not in self.citations:
                self.citations.append(citation)
            parts.append(f"{quoted(piece, self.language)} [{self.citations.index(citation) + 1}]")
        if not parts:
            return None
        return " ".join(parts) + ("…" if clipped else "")


def sentence_is_heading(unit: ReadingUnit, start: int, end: int) -> bool:
    """Whether a span is a heading of the unit's document on its own."""
    return any(s.start <= start and end <= s.heading_end for s in unit.outline.sections if s.heading)


def _clip(unit: ReadingUnit, start: int, end: int, limit: float) -> tuple[int, bool]:
    text = unit.read.slice(start, end)
    if text_size(text) <= limit:
        return end, False
    best = None
    for match in _CLAUSE.finditer(text):
        if text_size(text[: match.start()]) > limit:
            break
        if text_size(text[: match.start()]) >= limit * 0.5:
            best = match.start()
    if best is None:
        return end, False
    cut = start + best
    return cut, True
