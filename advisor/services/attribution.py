"""Quotes for model-written text: each cited sentence gets the sentences of its passage that best support it.

A sentence's [n] markers name passages. Each passage sentence is compared with the cited sentence by embedding
similarity; the best one at or above the floor becomes the quote (verbatim by construction, checked again
against the stored chunk by the verification). A marker whose passage has no sentence above the floor moves to
the shown passage that has one (small models misnumber passages); when none has, the claim is unsupported: its
marker is removed and the claim is reported. An unmarked sentence that a shown passage supports gets its marker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from advisor.schemas import Chunk, Citation, Language, UnsupportedClaim
from advisor.services.vectors import VectorCache
from advisor.services.verification import MARKER
from advisor.text.quality import is_list_item, junk_reason, visible_size
from advisor.text.sentences import sentence_spans

_MARKUP = re.compile(r"^[\s#>*+\-•·\d.、)）]*|[*_`]+")
_QUOTE_SPAN = 400  # quotes of one passage for several sentences join into one span up to this many characters
_MIN_SENTENCE = 4  # passage sentences shorter than this (visible characters) are never quoted
_MIN_CLAIM = 12  # an unmarked sentence shorter than this (a heading, a label) is not given a citation


@dataclass
class _Occurrence:
    start: int
    end: int
    number: int  # the client's number: cited[number - 1]
    claim: str


@dataclass
class Attributed:
    """Model text with only supported markers (renumbered), their quotes, and what was not supported."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    unsupported: list[UnsupportedClaim] = field(default_factory=list)


def claim_text(sentence: str) -> str:
    """A sentence as a claim: without markers and Markdown decoration."""
    return _MARKUP.sub("", MARKER.sub("", sentence)).strip()


def without_repeats(text: str) -> str:
    """`text` without lines that repeat an earlier line's claim (small models loop) and without blank runs."""
    seen: set[str] = set()
    lines: list[str] = []
    for line in text.split("\n"):
        claim = claim_text(line)
        if claim and claim in seen:
            continue
        seen.add(claim)
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line)
    return "\n".join(lines).strip()


def _occurrences(text: str, language: Language) -> list[_Occurrence]:
    """Every marker in `text` with the sentence it cites for (a marker opening a sentence closes the one before)."""
    found: list[_Occurrence] = []
    previous = ""
    offset = 0
    for line in text.split("\n"):
        for start, end in sentence_spans(line, language):
            sentence = line[start:end]
            claim = claim_text(sentence) or previous
            for match in MARKER.finditer(sentence):
                leading = claim_text(sentence[: match.start()])
                opens_line = start == 0 and not line[: start + match.start()].strip()
                owner = claim if leading or opens_line or not previous else previous
                found.append(_Occurrence(offset + start + match.start(), offset + start + match.end(),
                                         int(match.group(1)), owner))  # fmt: skip
            previous = claim or previous
        offset += len(line) + 1
    return found


def _is_marker_tail(line: str, end: int) -> bool:
    """Whether a marker follows the sentence ending at `end` (the model cited it after the full stop)."""
    return MARKER.match(line[end:].lstrip()) is not None


def _quotable(sentence: str) -> bool:
    """Fit to quote as support: never promotion, a question or a list lead; a short line only when it is an item
    of a numbered list (the items are what an enumeration says)."""
    reason = junk_reason(sentence)
    return reason is None or (reason in ("heading", "fragment") and is_list_item(sentence))


class Attributor:
    """Finds, for each cited sentence, the passage sentences that support it."""

    def __init__(self, vectors: VectorCache, floor: float) -> None:
        self._vectors = vectors
        self._floor = floor

    def attribute(self, text: str, cited: Sequence[Chunk], language: Language,
                  shown: Sequence[Chunk] = ()) -> Attributed:  # fmt: skip
        """`text`'s markers [n] refer to `cited[n - 1]`; the result's markers refer to its citations.

        A marker whose passage does not support its sentence moves to the passage of `shown` that does (small
        models misnumber passages); when none does, the claim is unsupported.
        """
        text, cited = self._marked(text, list(cited), language, shown)
        occurrences = [o for o in _occurrences(text, language) if 1 <= o.number <= len(cited) and o.claim]
        found: dict[tuple[str, str], tuple[Chunk, tuple[int, int, float]] | None] = {}
        for occurrence in occurrences:
            chunk = cited[occurrence.number - 1]
            key = (occurrence.claim, chunk.chunk_id)
            if key not in found:
                best = self.supports([occurrence.claim], chunk)[0]
                found[key] = (chunk, best) if best is not None else self.elsewhere(occurrence.claim, shown)
        numbers: dict[str, int] = {}  # chunk id -> new number, in order of first supported use
        claims: dict[str, list[tuple[str, tuple[int, int, float]]]] = {}
        chunks: dict[str, Chunk] = {}
        unsupported: list[UnsupportedClaim] = []
        replacement: dict[int, str] = {}  # marker start -> its new text
        for occurrence in occurrences:
            support = found[(occurrence.claim, cited[occurrence.number - 1].chunk_id)]
            if support is None:
                report = UnsupportedClaim(sentence=occurrence.claim, chunk_id=cited[occurrence.number - 1].chunk_id)
                if report not in unsupported:
                    unsupported.append(report)
                continue
            chunk, span = support
            chunks[chunk.chunk_id] = chunk
            numbers.setdefault(chunk.chunk_id, len(numbers) + 1)
            supported = claims.setdefault(chunk.chunk_id, [])
            if all(c != occurrence.claim for c, _ in supported):
                supported.append((occurrence.claim, span))
            replacement[occurrence.start] = f"[{numbers[chunk.chunk_id]}]"
        citations = [self.citation(chunks[chunk_id], claims[chunk_id]) for chunk_id in numbers]
        pieces: list[str] = []
        last = 0
        for match in MARKER.finditer(text):
            new = replacement.get(match.start(), "")
            between = text[last : match.start()]
            repeated = not between.strip() and new in pieces[-1:]  # "[1][1]" after renumbering
            pieces += [between, "" if repeated else new]
            last = match.end()
        pieces.append(text[last:])
        rewritten = re.sub(r"[ \t]+([。．.,，;；!！?？])", r"\1", "".join(pieces))
        rewritten = "\n".join(line.rstrip() for line in rewritten.split("\n"))
        return Attributed(rewritten, citations, unsupported)

    def _marked(self, text: str, cited: list[Chunk], language: Language,
                shown: Sequence[Chunk]) -> tuple[str, list[Chunk]]:  # fmt: skip
        """`text` with a marker after each unmarked sentence that a shown passage supports, and the passages cited."""
        if not shown:
            return text, cited
        lines = []
        for line in text.split("\n"):
            spans = sentence_spans(line, language)
            for start, end in reversed(spans):
                sentence = line[start:end]
                claim = claim_text(sentence)
                if MARKER.search(sentence) or visible_size(claim) < _MIN_CLAIM or _is_marker_tail(line, end):
                    continue
                support = self.elsewhere(claim, shown)
                if support is None:
                    continue
                if support[0] not in cited:
                    cited.append(support[0])
                line = f"{line[:end]} [{cited.index(support[0]) + 1}]{line[end:]}"
            lines.append(line)
        return "\n".join(lines), cited

    def elsewhere(self, claim: str, shown: Sequence[Chunk]) -> tuple[Chunk, tuple[int, int, float]] | None:
        """The passage of `shown` whose sentence supports `claim` best, if one reaches the floor."""
        best: tuple[Chunk, tuple[int, int, float]] | None = None
        for chunk in shown:
            span = self.supports([claim], chunk)[0]
            if span is not None and (best is None or span[2] > best[1][2]):
                best = (chunk, span)
        return best

    def supports(self, claims: list[str], chunk: Chunk) -> list[tuple[int, int, float] | None]:
        """For each claim, the span and similarity of the passage sentence that supports it best (None below the
        floor)."""
        spans = [  # the sentences fit to quote
            (start, end)
            for start, end in sentence_spans(chunk.text, chunk.language)
            if visible_size(chunk.text[start:end]) >= _MIN_SENTENCE and _quotable(chunk.text[start:end])
        ]
        if not spans:
            return [None] * len(claims)
        similarity = self._vectors.matrix(claims) @ self._vectors.matrix([chunk.text[s:e] for s, e in spans]).T
        found: list[tuple[int, int, float] | None] = []
        for row in similarity:
            index = int(np.argmax(row))
            found.append((*spans[index], float(row[index])) if row[index] >= self._floor else None)
        return found

    def closest(self, claim: str, candidates: list[str]) -> int:
        """The index of the candidate most similar to `claim` (candidates must not be empty)."""
        return int(np.argmax(self._vectors.matrix(candidates) @ self._vectors.matrix([claim])[0]))

    @staticmethod
    def citation(chunk: Chunk, claims: list[tuple[str, tuple[int, int, float]]]) -> Citation:
        start = min(span[0] for _, span in claims)
        end = max(span[1] for _, span in claims)
        if end - start > _QUOTE_SPAN:  # supports far apart: the best one alone
            start, end, _ = max((span for _, span in claims), key=lambda span: span[2])
        return Citation(chunk_id=chunk.chunk_id, source=chunk.source, quote=chunk.text[start:end],
                        supports=[claim for claim, _ in claims])  # fmt: skip
