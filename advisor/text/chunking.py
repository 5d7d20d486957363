"""Packing sentences into overlapping chunks that stay inside one section; each chunk is a span of the text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from advisor.schemas import Language
from advisor.text.section_tree import Structure
from advisor.text.sentences import Span, split_sentences, strip_span, text_size
from advisor.text.structure import parse_structure

__all__ = ["chunk_spans", "chunk_text", "split_sentences", "text_size"]

_CLAUSE_END = re.compile(r"(?<=[,，、:：])|(?<= )")


def _split_long(text: str, span: Span, size: int, cjk_weight: float) -> Iterator[Span]:
    """Cut a sentence longer than a chunk at clause marks or spaces, else hard."""
    start, end = span
    cuts = [m.start() for m in _CLAUSE_END.finditer(text, start, end)] + [end]
    piece = start
    previous = start
    for cut in cuts:
        if cut > piece and text_size(text[piece:cut], cjk_weight) > size and previous > piece:
            yield strip_span(text, piece, previous)
            piece = previous
        while text_size(text[piece:cut], cjk_weight) > size:
            hard = piece + max(1, int((cut - piece) * size / text_size(text[piece:cut], cjk_weight)))
            yield strip_span(text, piece, hard)
            piece = hard
        previous = cut
    if piece < end:
        yield strip_span(text, piece, end)


def _pack(text: str, units: list[Span], size: int, overlap: int, cjk_weight: float) -> list[Span]:
    """Whole units packed into spans of at most `size`; each span repeats up to `overlap` of the previous one."""
    chunks: list[Span] = []
    current: list[Span] = []

    def measure(parts: list[Span]) -> float:
        return text_size(text[parts[0][0] : parts[-1][1]], cjk_weight)

    for unit in units:
        if current and measure([*current, unit]) > size:
            chunks.append((current[0][0], current[-1][1]))
            carried: list[Span] = []
            for previous in reversed(current):
                candidate = [previous, *carried]
                if measure(candidate) > overlap or measure([*candidate, unit]) > size:
                    break
                carried = candidate
            current = carried
        current.append(unit)
    if current:
        chunks.append((current[0][0], current[-1][1]))
    return chunks


def chunk_spans(
    text: str, outline: Structure, size: int, overlap: int, cjk_weight: float = 3.0
) -> list[tuple[Span, int]]:
    """Chunks as (span, section index). A chunk never crosses into another section, except that the heading
    of a section with no text of its own opens the first chunk of the section that follows it."""
    units: list[Span] = []
    for span in outline.sentences:
        if text_size(text[span[0] : span[1]], cjk_weight) > size:
            units.extend(s for s in _split_long(text, span, size, cjk_weight) if s[1] > s[0])
        else:
            units.append(span)
    headings = {section.heading[0] for section in outline.sections if section.heading}
    groups: list[tuple[int, list[Span]]] = []
    pending: list[Span] = []
    for unit in units:
        section = outline.section_at(unit[0])
        if unit[0] in headings and pending and all(u[0] in headings for u in pending):
            pending.append(unit)  # a chain of headings without text: they open the next section's chunk
            continue
        if unit[0] in headings:
            if pending:
                groups.append((outline.section_at(pending[-1][0]), pending))
            pending = [unit]
            continue
        if pending and outline.section_at(pending[-1][0]) != section:
            if all(u[0] in headings for u in pending):
                pending.append(unit)
                continue
            groups.append((outline.section_at(pending[-1][0]), pending))
            pending = []
        pending.append(unit)
    if pending:
        groups.append((outline.section_at(pending[-1][0]), pending))
    return [(span, section) for section, group in groups for span in _pack(text, group, size, overlap, cjk_weight)]


def chunk_text(text: str, language: Language, size: int, overlap: int, cjk_weight: float = 3.0) -> list[str]:
    """The chunk texts of `text` (structure detected, chunks inside sections)."""
    outline = parse_structure(text, language)
    return [text[s:e] for (s, e), _ in chunk_spans(text, outline, size, overlap, cjk_weight)]
