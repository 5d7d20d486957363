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


class _Quotes:
    """Sentences of the passages, their embeddings, and the citations made from them."""

    def __init__(self, evidence: Evidence, embeddings: Embeddings) -> None:
        self.sentences: list[tuple[Chunk, str]] = []
        rank_bonus: list[float] = []
        for rank, chunk in enumerate(evidence.passages):
            for sentence in split_sentences(chunk.text, chunk.language):
                if text_size(sentence, 3.0) >= _MIN_SIZE and not _QUESTION.search(sentence):
                    self.sentences.append((chunk, sentence))
                    rank_bonus.append(_RANK_WEIGHT * (1 - rank / max(1, len(evidence.passages))))
        self.bonus = np.asarray(rank_bonus, dtype=np.float32)
        texts = [sentence for _, sentence in self.sentences]
        self.vectors = np.asarray(embeddings.embed_documents(texts), dtype=np.float32) if texts else np.zeros((0, 1))
        self._embeddings = embeddings
        self.citations: list[Citation] = []

    def rank(self, query: str, exclude: set[int]) -> list[int]:
        """Sentence indexes by similarity to `query`, best first."""
        if not self.sentences:
            return []
        scores = self.vectors @ np.asarray(self._embeddings.embed_query(query), dtype=np.float32) + self.bonus
        return [int(i) for i in np.argsort(-scores) if int(i) not in exclude]

    def cite(self, index: int) -> int:
        """1-based citation number of sentence `index` (added on first use)."""
        chunk, sentence = self.sentences[index]
        citation = Citation(chunk_id=chunk.chunk_id, source=chunk.source, quote=sentence)
        if citation not in self.citations:
            self.citations.append(citation)
        return self.citations.index(citation) + 1


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
            number = quotes.cite(index)
            lines.append(f"- {_quoted(quotes.sentences[index][1], request.language)} [{number}]")
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
                i for i, (c, _) in enumerate(quotes.sentences) if stage in request.evidence.stages.get(c.chunk_id, [])
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
                items.insert(0, PlanItem(text=model, citations=[quotes.cite(picks[0])]))
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
        number = quotes.cite(index)
        text = f"{STEP_LEAD[language][stage]} {_quoted(quotes.sentences[index][1], language)} [{number}]"
        return PlanItem(text=text, citations=[number], supports=supports)
