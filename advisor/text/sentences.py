"""Sentence spans by language: Chinese on 。！？； and line breaks, Spanish and English on sentence ends.

Spans are (start, end) offsets into the text, so a sentence can always be quoted verbatim. An enumeration
marker ("links: 1. Find where…") never ends a sentence, and callers can force breaks (list items, headings).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from advisor.schemas import Language

Span = tuple[int, int]

_ZH_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”」』）)\"']*|\n|$)")
_LATIN_BREAK = re.compile(r"(?<=[.!?;])[\"”’)\]]*\s+(?=[\"“¿¡(\[]?[A-ZÁÉÍÓÚÑ0-9])|\n+")
# A sentence end that is really an enumeration marker or an abbreviation: "links: 1.", "etc.", "e.g.", "Sr.".
_NOT_AN_END = re.compile(
    r"(?:(?:^|[\s:;(])(?:\d{1,2}|[A-Ha-h]|[IVX]{1,4})\.|\b(?:e\.g|i\.e|vs|approx|aprox|Sr|Sra|Dr|Dra|Mr|Mrs|Ms|No|p\.ej)\.)"
    r"[\"”’)\]]*$",
    re.I,
)
_CLOSED = re.compile(r"[。！？；!?;.…:：][”」』）)\"'\]]*$")


def strip_span(text: str, start: int, end: int) -> Span:
    """The span without surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _zh_spans(text: str, start: int, end: int) -> list[Span]:
    spans = []
    for match in _ZH_SENTENCE.finditer(text, start, end):
        s, e = strip_span(text, match.start(), min(match.end(), end))
        if e > s:
            spans.append((s, e))
    return spans


def _latin_spans(text: str, start: int, end: int) -> list[Span]:
    spans = []
    head = start
    for match in _LATIN_BREAK.finditer(text, start, end):
        if "\n" not in match.group(0) and _NOT_AN_END.search(text[max(head, match.start() - 12) : match.start()]):
            continue
        s, e = strip_span(text, head, match.start())
        if e > s:
            spans.append((s, e))
        head = match.end()
    s, e = strip_span(text, head, end)
    if e > s:
        spans.append((s, e))
    return spans


def sentence_spans(text: str, language: Language, start: int = 0, end: int | None = None,
                   cuts: Iterable[int] = ()) -> list[Span]:  # fmt: skip
    """Sentences of `text[start:end]` as spans; every position in `cuts` starts a new sentence."""
    end = len(text) if end is None else end
    spans = _zh_spans(text, start, end) if language == "zh" else _latin_spans(text, start, end)
    inside = sorted(c for c in set(cuts) if start < c < end)
    if not inside:
        return spans
    out = []
    for s, e in spans:
        pieces = [s, *(c for c in inside if s < c < e), e]
        for a, b in itertools.pairwise(pieces):
            a, b = strip_span(text, a, b)
            if b > a:
                out.append((a, b))
    return out


def split_sentences(text: str, language: Language) -> list[str]:
    """The sentences of `text` as strings."""
    return [text[s:e] for s, e in sentence_spans(text, language)]


def is_closed(sentence: str) -> bool:
    """Whether a sentence ends with terminal punctuation (else it runs on, or it is a heading or label)."""
    return bool(_CLOSED.search(sentence.strip()))


_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def text_size(text: str, cjk_weight: float = 3.0) -> float:
    """Length in latin-equivalent characters: a CJK character carries about `cjk_weight` latin ones."""
    cjk = len(_CJK_CHAR.findall(text))
    return (len(text) - cjk) + cjk * cjk_weight
