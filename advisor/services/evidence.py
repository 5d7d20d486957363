"""Evidence for a request: the sections that answer it, read whole (bounded), with their sentences scored.

Search ranks chunks. The advisor reads sections: hits are grouped by the section they fall in; a hit that
carries a heading brings the section that heading introduces, and a hit in an introduction that names a later
section ("three parts: … Tres habilidades básicas …") brings that section. Each reading unit is bounded in
characters around its best-matching sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from advisor.schemas import Chunk, DocumentOutline, Language, OutlineList, OutlineSection, SearchHit
from advisor.services.retrieval import Retriever
from advisor.services.sections import SectionIndex, SectionText
from advisor.services.vectors import VectorCache
from advisor.services.vocabulary import Vocabulary, zipf
from advisor.settings import AdviceSettings
from advisor.text import locale
from advisor.text.language import detect_language
from advisor.text.quality import junk_reason
from advisor.text.sentences import sentence_spans, text_size
from advisor.text.terms import fold, terms

UNIT_BUDGET = 1_500  # latin-equivalent characters of one reading unit
_SMALL_SECTION = 150  # a section with less text of its own is read with what is below it
_HEADING_MATCH = 0.5
_INTRO_DISCOUNT = 0.95
_SENTENCE_WEIGHT = 0.6
GENERIC_PENALTY = 0.3


@dataclass
class EvidenceSentence:
    """A sentence of a reading unit: document offsets, text, score against the request, whether it is a heading."""

    start: int
    end: int
    text: str
    score: float
    heading: bool = False
    quotable: bool = True  # not a heading, question, fragment, promotion or injection


@dataclass
class ReadingUnit:
    """One section (or a section with what is below it) read as evidence."""

    outline: DocumentOutline
    section: OutlineSection
    read: SectionText
    sentences: list[EvidenceSentence]
    lists: list[OutlineList]
    children: list[OutlineSection]
    hit_score: float
    score: float = 0.0

    @property
    def language(self) -> Language:
        return self.outline.language

    @property
    def source(self) -> str:
        return self.outline.source

    @property
    def heading(self) -> str:
        """The section's heading label ('' for the text before the first heading)."""
        return self.section.path[-1] if self.section.path else ""

    @property
    def top(self) -> float:
        """The best similarity among the sentences that may be quoted."""
        return max((s.score for s in self.sentences if s.quotable), default=-1.0)

    def chunks(self) -> list[Chunk]:
        """The chunks that hold the unit's sentences, in reading order."""
        first = min((s.start for s in self.sentences), default=self.read.start)
        last = max((s.end for s in self.sentences), default=self.read.end)
        return [c for c in self.read.chunks if c.start < last and c.end > first]


@dataclass
class Gathered:
    """What one request read: the search hits and the reading units, best first."""

    hits: list[SearchHit]
    units: list[ReadingUnit]
    query_vector: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.float32))

    def passages(self, limit: int | None = None) -> list[Chunk]:
        """The chunks of the units (best unit first), each once: what a generator is shown and may cite."""
        seen: dict[str, Chunk] = {}
        for unit in self.units[:limit]:
            for chunk in unit.chunks():
                seen.setdefault(chunk.chunk_id, chunk)
        return list(seen.values())


@lru_cache(maxsize=8_192)
def _spans(text: str, language: Language, cuts: tuple[int, ...]) -> list[tuple[int, int]]:
    return sentence_spans(text, language, cuts=cuts)


def _bigrams(text: str) -> set[str]:
    folded = re.sub(r"[\W\d_]+", "", text.casefold())
    return {folded[i : i + 2] for i in range(len(folded) - 1)}


def _resembles(a: str, b: str) -> bool:
    first, second = _bigrams(a), _bigrams(b)
    return bool(first and second) and len(first & second) / min(len(first), len(second)) >= _HEADING_MATCH


class EvidenceReader:
    """Turns a request into reading units: retrieval, section grouping, bounded reading, sentence scoring.

    A sentence's score is its similarity to the request, less `GENERIC_PENALTY` times its similarity to a generic
    operations question, plus `config.sentence_lexical_weight` times the share of the request's topic words it
    contains, verbatim or as one of their translations by the corpus's lexicon (`Vocabulary.translate`).
    """

    def __init__(self, retriever: Retriever, sections: SectionIndex, vectors: VectorCache,
                 vocabulary: Vocabulary | None = None, config: AdviceSettings | None = None) -> None:  # fmt: skip
        self._retriever = retriever
        self.sections = sections
        self.vectors = vectors
        self._vocabulary = vocabulary
        self._config = config or AdviceSettings()

    def gather(self, query: str, k: int, language: Language | None = None) -> Gathered:
        """The hits for `query` and the units they lead to, scored against `query`, best first."""
        vector = self.vectors.query(query)
        hits = self._retriever.search(query, k, language=language, vector=vector.tolist())
        query_language = detect_language(query)
        reference = self.vectors.matrix([locale.GENERIC_QUESTION[query_language]])[0]
        units = self.units_for(hits, vector, reference, self.topic_words(query, query_language))
        return Gathered(hits, units, vector)

    def topic_words(self, query: str, language: Language) -> list[list[str]]:
        """The query's topic words (rarer than `topic_zipf`), each with its translations, folded."""
        config = self._config
        if config.sentence_lexical_weight <= 0:
            return []
        words = [
            w for w in dict.fromkeys(terms(query, language)) if len(w) > 1 and zipf(w, language) < config.topic_zipf
        ]
        if self._vocabulary is None:
            return [[fold(word)] for word in words]
        threshold, per_word = config.sentence_translation_csls, config.translations_per_word
        return self._vocabulary.forms(words, language, threshold, per_word)

    def units_for(self, hits: list[SearchHit], vector: np.ndarray, reference: np.ndarray | None = None,
                  topic: list[list[str]] | None = None) -> list[ReadingUnit]:  # fmt: skip
        """Reading units for some hits, scored against a query vector (and its topic words), best first."""
        wanted: dict[tuple[str, bool], float] = {}  # (section id, with what is below it) -> best hit score

        def want(section: OutlineSection, subtree: bool, score: float) -> None:
            key = (section.section_id, subtree)
            wanted[key] = max(wanted.get(key, -1.0), score)

        for hit in hits:
            found = self.sections.find(hit.chunk.section_id)
            if found is None:
                continue
            outline, section = found
            small = _own_size(outline, section) < _SMALL_SECTION
            want(section, small and bool(self.sections.children(section.section_id)), hit.score)
            for other in outline.sections:  # headings inside the hit introduce their sections
                if other is not section and hit.chunk.start <= other.start < hit.chunk.end:
                    want(other, True, hit.score)
            if self.sections.children(section.section_id) or section.heading == "":
                for other in outline.sections:  # an introduction that names a later section
                    if other.start > section.start and other.heading and _resembles(other.heading, hit.chunk.text):
                        want(other, True, hit.score * _INTRO_DISCOUNT)
        units = [
            u
            for (sid, subtree), score in wanted.items()
            if (u := self._read(sid, subtree, score, vector, reference, topic or []))
        ]
        units = _without_nested(units)
        for unit in units:
            unit.score = unit.hit_score + _SENTENCE_WEIGHT * unit.top
        return sorted(units, key=lambda u: -u.score)

    def subsections(self, unit: ReadingUnit, vector: np.ndarray) -> list[ReadingUnit]:
        """The sections directly below a unit's section, each read whole, scored against `vector`."""
        found = []
        for child in self.sections.children(unit.section.section_id):
            read = self._read(child.section_id, True, unit.hit_score * _INTRO_DISCOUNT, vector, None, [])
            if read is not None:
                read.score = read.hit_score + _SENTENCE_WEIGHT * read.top
                found.append(read)
        return found

    def _read(self, section_id: str, subtree: bool, hit_score: float, vector: np.ndarray,
              reference: np.ndarray | None, topic: list[list[str]]) -> ReadingUnit | None:  # fmt: skip
        found = self.sections.find(section_id)
        read = self.sections.section_text(section_id, subtree)
        if found is None or read is None or not read.text.strip():
            return None
        outline, section = found
        inside = [s for s in outline.sections if read.start <= s.start < read.end]
        cuts = {item[0] for lst in outline.lists for item in lst.items if read.start <= item[0] < read.end}
        cuts |= {s.heading_end for s in inside}
        spans = _spans(read.text, outline.language, tuple(sorted(c - read.start for c in cuts)))
        headings = {(s.start, s.heading_end) for s in inside if s.heading}
        texts = [read.text[a:b] for a, b in spans]
        matrix = self.vectors.matrix(texts) if texts else np.zeros((0, len(vector)), dtype=np.float32)
        scores = matrix @ vector
        if reference is not None:  # what matches any operations question as well is not specific evidence
            scores = scores - GENERIC_PENALTY * (matrix @ reference)
        sentences = []
        for (a, b), text, score in zip(spans, texts, scores, strict=True):
            heading = any(h0 <= a + read.start and b + read.start <= h1 for h0, h1 in headings)
            quotable = not heading and junk_reason(text) is None
            sentences.append(EvidenceSentence(a + read.start, b + read.start, text, float(score), heading, quotable))
        window = _window(sentences, UNIT_BUDGET)  # where to read is chosen by meaning alone
        if topic:  # the question's own words, in any language, then mark the sentences about what it asks
            weight = self._config.sentence_lexical_weight
            for sentence in sentences:
                folded = fold(sentence.text)
                sentence.score += weight * sum(any(form in folded for form in word) for word in topic) / len(topic)
        if not any(s.quotable for s in window):
            return None
        first, last = window[0].start, window[-1].end
        for lst in self.sections.lists_in(outline, read.start, read.end):  # a list the window touches, whole
            start, end = (lst.lead or lst.items[0])[0], lst.items[-1][1]
            if start < last and end > first and end - start <= 2 * UNIT_BUDGET:
                first, last = min(first, start), max(last, end)
        sentences = [s for s in sentences if s.end > first and s.start < last]
        lists = [lst for lst in self.sections.lists_in(outline, read.start, read.end)
                 if lst.items[0][0] < last and lst.items[-1][1] > first]  # fmt: skip
        children = [s for s in inside if s.parent_id == section_id and first <= s.start < last]
        return ReadingUnit(outline, section, read, sentences, lists, children, hit_score)


def _own_size(outline: DocumentOutline, section: OutlineSection) -> float:
    """Roughly how much text a section has after its heading, in latin-equivalent characters."""
    return max(0, section.end - section.heading_end) * (3 if outline.language == "zh" else 1)


def _window(sentences: list[EvidenceSentence], budget: float) -> list[EvidenceSentence]:
    """The sentences around the best one, within `budget`, in reading order."""
    if sum(text_size(s.text) for s in sentences) <= budget:
        return sentences
    candidates = [i for i, s in enumerate(sentences) if s.quotable] or list(range(len(sentences)))
    best = max(candidates, key=lambda i: sentences[i].score)
    low = high = best
    used = text_size(sentences[best].text)
    while True:
        options = [i for i in (low - 1, high + 1) if 0 <= i < len(sentences)]
        if not options:
            break
        pick = max(options, key=lambda i: sentences[i].score)
        size = text_size(sentences[pick].text)
        if used + size > budget:
            break
        used += size
        low, high = min(low, pick), max(high, pick)
    return sentences[low : high + 1]


def _without_nested(units: list[ReadingUnit]) -> list[ReadingUnit]:
    """Drop a unit whose text lies inside another unit of the same document (the container keeps the best score)."""
    kept: list[ReadingUnit] = []
    for unit in sorted(units, key=lambda u: -(u.read.end - u.read.start)):
        container = next((k for k in kept if k.source == unit.source and k.read.start <= unit.read.start
                          and unit.read.end <= k.read.end), None)  # fmt: skip
        if container is None:
            kept.append(unit)
        else:
            container.hit_score = max(container.hit_score, unit.hit_score)
    return kept
