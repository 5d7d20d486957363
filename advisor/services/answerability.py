"""Whether the evidence addresses what a question asks about: signals combined, not one similarity threshold.

- **Residual.** How much of the question's meaning the retrieved passages cannot express: the length of the
  question's embedding minus its least-squares projection onto the vectors of the top passages. A question
  about something the corpus never discusses keeps a large residual however many passages it draws.
- **Unknown terms.** The question's words that the corpus does not know in any of its languages (neither
  verbatim nor as a cross-lingual neighbour, see `Vocabulary`): their share of the question's content words,
  and the largest weight of one, i.e. how much of the question hangs on it (one minus the similarity of the
  question to itself with the word taken out).
- **Absent terms.** The share of the question's topic words (rarer than `topic_zipf`) that the text of the
  evidence does not contain verbatim. Its fitted weight is negative: with the other signals fixed, evidence in
  another language (where every word is absent) is no sign that a question is out of scope, while a
  near-domain question tends to draw same-language passages that share its everyday words.
- **Uncovered terms.** The share of the question's content words that are topic words (rarer than `topic_zipf`)
  found in the evidence neither verbatim nor as one of their translations into the evidence's languages (the
  corpus's own cross-lingual lexicon, see `Vocabulary.translate`): what the passages read do not speak of, in any
  language. Unlike absent terms it does not count a same-topic passage in another language as missing.
- **Best section.** How well the best sentence of the evidence matches the question (its score, see `EvidenceReader`).
- **Margin.** How much better that sentence matches the question than a generic operations question.

The verdict is a logistic combination of these, fitted on the tuning cases (`evals/calibrate.py`). When the
evidence is strong but some of the question's rare words are absent from it, the answer says what is missing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from advisor.backends.store import ChunkStore
from advisor.schemas import Language, SearchHit
from advisor.services.evidence import ReadingUnit
from advisor.services.vectors import VectorCache
from advisor.services.vocabulary import Vocabulary, zipf
from advisor.settings import AdviceSettings
from advisor.text import locale
from advisor.text.terms import fold, terms

_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Signals:
    """What the verdict rests on."""

    residual: float = 1.0
    unknown_weight: float = 0.0
    unknown_share: float = 0.0
    absent_share: float = 0.0
    uncovered_share: float = 0.0
    top: float = 0.0
    margin: float = 0.0
    unknown: dict[str, float] = field(default_factory=dict)  # word the corpus does not know -> its weight

    def score(self, config: AdviceSettings) -> float:
        """The fitted log-odds that the question is out of scope (above 0: decline)."""
        weights = config.decline_weights
        values = (self.residual, self.unknown_weight, self.unknown_share, self.absent_share, self.uncovered_share,
                  self.top, self.margin)  # fmt: skip
        return config.decline_bias + sum(w * v for w, v in zip(weights, values, strict=False))


@dataclass
class Verdict:
    """The answerability decision, its signals, and the question's rare words the evidence has and lacks."""

    answerable: bool
    signals: Signals = field(default_factory=Signals)
    missing: list[str] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return self.answerable and bool(self.missing)

    @property
    def top(self) -> float:
        return self.signals.top


def _without(question: str, word: str, language: Language) -> str:
    if language == "zh" or _CJK.search(word):
        return question.replace(word, " ")
    pattern = re.compile(rf"\b{re.escape(word)}\w*", re.I)
    if pattern.search(question):
        return pattern.sub(" ", question)
    return pattern.sub(" ", fold(question))


class AnswerabilityJudge:
    """Decides from the evidence whether (and how fully) a question can be answered."""

    def __init__(self, vectors: VectorCache, vocabulary: Vocabulary, store: ChunkStore,
                 config: AdviceSettings) -> None:  # fmt: skip
        self._vectors = vectors
        self._vocabulary = vocabulary
        self._store = store
        self.config = config

    def words(self, question: str, language: Language) -> list[str]:
        """The question's content words."""
        return [t for t in dict.fromkeys(terms(question, language)) if len(t) > 1]

    def signals(self, question: str, language: Language, hits: list[SearchHit], units: list[ReadingUnit],
                vector: np.ndarray) -> Signals:  # fmt: skip
        """The signals for a question on its hits and reading units (best first)."""
        config = self.config
        signals = Signals()
        top_hits = [hit.chunk.chunk_id for hit in hits[: config.residual_passages]]
        stored = self._vectors.stored(top_hits, self._store.vectors)
        if stored:
            basis = np.asarray([stored[i] for i in top_hits if i in stored], dtype=np.float32).T
            weights, *_ = np.linalg.lstsq(basis, vector, rcond=None)
            signals.residual = float(np.linalg.norm(vector - basis @ weights))
        words = self.words(question, language)
        for word in words:
            if zipf(word, language) >= config.topic_zipf or self._vocabulary.knows(
                word, language, config.translation_csls
            ):
                continue
            ablated = self._vectors.query(_without(question, word, language))
            signals.unknown[word] = 1.0 - float(ablated @ vector)
            signals.unknown_weight = max(signals.unknown_weight, signals.unknown[word])
        signals.unknown_share = len(signals.unknown) / len(words) if words else 0.0
        judged = units[: config.judged_units]
        evidence = fold(" ".join(unit.read.text for unit in judged))
        absent = [w for w in words if zipf(w, language) < config.topic_zipf and fold(w) not in evidence]
        signals.absent_share = len(absent) / len(words) if words else 0.0
        uncovered = self.uncovered(absent, language, " ".join(unit.read.text for unit in units))
        signals.uncovered_share = len(uncovered) / len(words) if words else 0.0
        signals.top = max((unit.top for unit in judged), default=0.0)
        texts = [s.text for unit in judged[:1] for s in unit.sentences if not s.heading]
        if texts:
            matrix = self._vectors.matrix(texts)
            reference = self._vectors.matrix([locale.GENERIC_QUESTION[language]])[0]
            signals.margin = float(np.max(matrix @ vector) - np.max(matrix @ reference))
        return signals

    def uncovered(self, words: list[str], language: Language, text: str) -> list[str]:
        """The words that `text` contains neither verbatim nor as one of their translations."""
        folded = fold(text)
        threshold, per_word = self.config.translation_csls, self.config.translations_per_word
        forms = self._vocabulary.forms(words, language, threshold, per_word)
        return [word for word, own in zip(words, forms, strict=True) if not any(form in folded for form in own)]

    def judge(self, question: str, language: Language, hits: list[SearchHit], units: list[ReadingUnit],
              vector: np.ndarray) -> Verdict:  # fmt: skip
        """The verdict for a question on its evidence."""
        if not units:
            return Verdict(False)
        signals = self.signals(question, language, hits, units, vector)
        answerable = signals.score(self.config) < 0
        if not signals.unknown:
            return Verdict(answerable, signals)
        evidence = fold(" ".join(unit.read.text for unit in units[: self.config.judged_units]))
        words = self.words(question, language)
        specific = [surface(w, question) for w in words if zipf(w, language) < self.config.specific_zipf]
        missing = [surface(w, question) for w, weight in signals.unknown.items()
                   if weight >= self.config.partial_weight and fold(w) not in evidence]  # fmt: skip
        covered = [w for w in specific if w not in missing and fold(w) in evidence]
        return Verdict(answerable, signals, missing, covered)

    def judge_goal(self, goal: str, language: Language, hits: list[SearchHit], units: list[ReadingUnit],
                   vector: np.ndarray) -> Verdict:  # fmt: skip
        """Plans: the method applies to any business, so only a goal the evidence cannot express at all (a
        birthday party, a diet) is declined; the business's own words are expected to be new to the corpus, and
        a goal that names a business or its operations is given more room."""
        if not units:
            return Verdict(False)
        signals = self.signals(goal, language, hits, units, vector)
        business = re.search(locale.OPERATIONS_WORDS[language], goal, re.I) is not None
        limit = self.config.plan_residual_business if business else self.config.plan_residual
        return Verdict(signals.residual < limit, signals)


def surface(term: str, question: str) -> str:
    """The question's own spelling of a folded term ("pequena" → "pequeña")."""
    for word in re.findall(r"[\w'-]+", question):
        if fold(word) == term or fold(word).startswith(term):
            return word if fold(word) == term else word[: len(term)]
    return term


def sigmoid(value: float) -> float:
    """The probability for log-odds `value`."""
    return 1.0 / (1.0 + math.exp(-value))
