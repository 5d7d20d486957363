"""The extractive generator: no LLM, deterministic, every point a verbatim quote of a retrieved passage."""

from __future__ import annotations

import re

import numpy as np
from langchain_core.embeddings import Embeddings

from advisor.backends.generators import AnswerRequest, Evidence, PlanRequest
from advisor.schemas import STAGES, Answer, Chunk, Citation, Language, Plan, PlanItem, PlanStep, Stage
from advisor.text.chunking import split_sentences, text_size
from advisor.text.phrases import (
    ANSWER_INTRO,
    METRICS_LEAD,
    METRICS_MODEL,
    STAGE_DESCRIPTIONS,
    STAGE_TITLES,
    STEP_LEAD,
)

NAME = "extractive"
_MIN_SIZE = 36  # latin-equivalent characters: shorter fragments are headings or asides
_RANK_WEIGHT = 0.15  # how much a passage's retrieval rank adds to its sentences' similarity
_QUESTION = re.compile(r"[?？]\s*[”」\")]*$")
_ANSWER_POINTS = 4
_ITEMS_PER_STAGE = 3


_TERMINATED = re.compile(r"[.!?;:。！？；：…][\"”’」』）)\]]*$")


def _units(passages: list[Chunk]) -> list[tuple[int, list[tuple[Chunk, str]]]]:
    """Sentences of the passages as (passage rank, parts); a sentence cut by a chunk boundary keeps both parts."""
    by_position = {(chunk.source, chunk.position): chunk for chunk in passages}
    rank = {chunk.chunk_id: index for index, chunk in enumerate(passages)}
    sentences = {chunk.chunk_id: split_sentences(chunk.text, chunk.language) for chunk in passages}
    units: list[tuple[int, list[tuple[Chunk, str]]]] = []
    for chunk in sorted(passages, key=lambda c: (c.source, c.position)):
        own = sentences[chunk.chunk_id]
        previous = by_position.get((chunk.source, chunk.position - 1))
        if own and previous and _continues(sentences[previous.chunk_id]):
            own = own[1:]  # the head of this chunk finishes the previous chunk's last sentence
        following = by_position.get((chunk.source, chunk.position + 1))
        for index, sentence in enumerate(own):
            parts = [(chunk, sentence)]
            if index == len(own) - 1 and following and _continues(own) and sentences[following.chunk_id]:
                parts.append((following, sentences[following.chunk_id][0]))
            best = min(rank[part.chunk_id] for part, _ in parts)
            units.append((best, parts))
    return sorted(units, key=lambda unit: unit[0])


def _continues(sentences: list[str]) -> bool:
    return bool(sentences) and not _TERMINATED.search(sentences[-1])


class _Quotes:
    """Sentences of the passages, their embeddings, and the citations made from them."""

    def __init__(self, evidence: Evidence, embeddings: Embeddings) -> None:
        self.sentences: list[list[tuple[Chunk, str]]] = []
        rank_bonus: list[float] = []
        count = max(1, len(evidence.passages))
        for rank, parts in _units(evidence.passages):
            text = " ".join(sentence for _, sentence in parts)
            if text_size(text, 3.0) >= _MIN_SIZE and not _QUESTION.search(text):
                self.sentences.append(parts)
                rank_bonus.append(_RANK_WEIGHT * (1 - rank / count))
        self.bonus = np.asarray(rank_bonus, dtype=np.float32)
        texts = [" ".join(sentence for _, sentence in parts) for parts in self.sentences]
        self.vectors = np.asarray(embeddings.embed_documents(texts), dtype=np.float32) if texts else np.zeros((0, 1))
        self._embeddings = embeddings
        self.citations: list[Citation] = []

    def chunks(self, index: int) -> list[Chunk]:
        """The chunks sentence `index` is quoted from."""
        return [chunk for chunk, _ in self.sentences[index]]

    def rank(self, query: str, exclude: set[int]) -> list[int]:
        """Sentence indexes by similarity to `query`, best first."""
        if not self.sentences:
            return []
        scores = self.vectors @ np.asarray(self._embeddings.embed_query(query), dtype=np.float32) + self.bonus
        return [int(i) for i in np.argsort(-scores) if int(i) not in exclude]

    def quote(self, index: int, language: Language) -> tuple[str, list[int]]:
        """Sentence `index` in quotation marks with its citation markers, and the 1-based citation numbers."""
        pieces, numbers = [], []
        for chunk, sentence in self.sentences[index]:
            citation = Citation(chunk_id=chunk.chunk_id, source=chunk.source, quote=sentence)
            if citation not in self.citations:
                self.citations.append(citation)
            number = self.citations.index(citation) + 1
            numbers.append(number)
            pieces.append(f"{_quoted(sentence, language)} [{number}]")
        return " ".join(pieces), numbers


_QUOTE_MARKS = {"zh": (("「", "」"), ("『", "』"), ("“", "”")), "other": (("“", "”"), ("«", "»"), ("「", "」"))}


def _quoted(sentence: str, language: Language) -> str:
    """The sentence in quotation marks it does not itself contain, so the quote's end is unambiguous."""
    marks = _QUOTE_MARKS["zh" if language == "zh" else "other"]
    opening, closing = next((pair for pair in marks if pair[1] not in sentence), marks[0])
    return f"{opening}{sentence}{closing}"


class ExtractiveGenerator:
    """Selects the evidence sentences closest to the request and composes them with fixed wording."""

    name = NAME

    def __init__(self, embeddings: Embeddings) -> None:
        self._embeddings = embeddings

    def answer(self, request: AnswerRequest) -> Answer:
        quotes = _Quotes(request.evidence, self._embeddings)
        lines = [ANSWER_INTRO[request.language]]
        for index in quotes.rank(request.question, set())[:_ANSWER_POINTS]:
            lines.append(f"- {quotes.quote(index, request.language)[0]}")
        return Answer(
            question=request.question,
            answer="\n".join(lines),
            language=request.language,
            answerable=bool(quotes.citations),
            citations=quotes.citations,
            generator=NAME,
        )

    def plan(self, request: PlanRequest) -> Plan:
        quotes = _Quotes(request.evidence, self._embeddings)
        language = request.language
        used: set[int] = set()
        steps: list[PlanStep] = []
        for stage in STAGES:
            query = f"{request.goal} {request.context} {STAGE_DESCRIPTIONS[stage]}"
            wanted = {
                i
                for i in range(len(quotes.sentences))
                if any(stage in request.evidence.stages.get(c.chunk_id, []) for c in quotes.chunks(i))
            }
            ranked = quotes.rank(query, used) or quotes.rank(query, set())  # short evidence: sentences may repeat
            picks = [i for i in ranked if i in wanted][:_ITEMS_PER_STAGE] or ranked[:_ITEMS_PER_STAGE]
            used.update(picks)
            strategy = next((step for step in steps if step.stage == "strategy"), None)
            strategies = len(strategy.items) if stage == "tactics" and strategy else 0
            items = [
                self._item(stage, language, quotes, index, min(n, strategies) if strategies else None)
                for n, index in enumerate(picks, 1)
            ]
            if stage == "metrics" and picks:
                model = f"{METRICS_LEAD[language]} {METRICS_MODEL[language]}"
                items.insert(0, PlanItem(text=model, citations=quotes.quote(picks[0], language)[1]))
            if items:
                steps.append(PlanStep(stage=stage, title=STAGE_TITLES[language][stage], items=items))
        return Plan(
            goal=request.goal,
            context=request.context,
            language=language,
            answerable=len(steps) == len(STAGES),
            steps=steps if len(steps) == len(STAGES) else [],
            citations=quotes.citations,
            generator=NAME,
        )

    @staticmethod
    def _item(stage: Stage, language: Language, quotes: _Quotes, index: int, supports: int | None) -> PlanItem:
        quoted, numbers = quotes.quote(index, language)
        return PlanItem(text=f"{STEP_LEAD[language][stage]} {quoted}", citations=numbers, supports=supports)
