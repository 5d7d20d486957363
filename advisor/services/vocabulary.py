"""The corpus's vocabulary in every language, and whether it knows a word, verbatim or as a translation.

A word is known when it is a term of the index (in any language), or when its embedding is a cross-lingual
nearest neighbour of a term's: cross-domain similarity local scaling (CSLS, Conneau et al. 2018) discounts words
that are close to everything, so "trademark" is not taken for a translation of 品牌 (brand) while "weddings"
is for "bodas".
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache

import numpy as np

from advisor.schemas import LANGUAGES, Language
from advisor.services.lexical import LexicalIndex
from advisor.services.vectors import VectorCache
from advisor.text.terms import fold

_NEIGHBOURS = 10
_TRANSLATIONS_KEPT = 50_000  # words whose translations are remembered


@lru_cache(maxsize=65_536)
def zipf(term: str, language: Language) -> float:
    """How common a word is in general language (Zipf scale: 0 unknown, ~3 rare, ~6 very common)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(term, language))


def lemma(word: str, language: Language) -> str:
    """The dictionary form of a Spanish or English word, folded ("renewals" → "renewal", "operativos" → "operativo")."""
    import simplemma

    return fold(simplemma.lemmatize(word, lang=language))


class Vocabulary:
    """Index terms with their embeddings and CSLS neighbourhood radii, rebuilt when the index changes."""

    def __init__(self, lexical: LexicalIndex, vectors: VectorCache) -> None:
        self._lexical = lexical
        self._vectors = vectors
        self._lock = threading.Lock()
        self._version = -1
        self._words: list[str] = []
        self._languages = np.zeros(0, dtype="<U2")
        self._matrix = np.zeros((0, 1), dtype=np.float32)
        self._radius: dict[Language, np.ndarray] = {}
        self._folded: set[str] = set()
        self._lemmas: set[str] = set()
        self._rows: dict[Language, slice] = {}
        self._translations: dict[tuple[str, Language, float, int], dict[Language, list[str]]] = {}

    def _current(self) -> None:
        with self._lock:
            if self._version == self._lexical.version:
                return
            version = self._lexical.version
            by_language = self._lexical.vocabulary()
            words = [(w, lang) for lang in LANGUAGES for w in sorted(by_language.get(lang, ()))]
            self._words = [w for w, _ in words]
            self._languages = np.asarray([lang for _, lang in words])
            self._matrix = self._vectors.matrix(self._words) if words else np.zeros((0, 1), dtype=np.float32)
            counts = [int((self._languages == lang).sum()) for lang in LANGUAGES]
            ends = np.cumsum(counts).tolist()
            self._rows = {lang: slice(end - n, end) for lang, n, end in zip(LANGUAGES, counts, ends, strict=True)}
            self._translations = {}
            self._folded = {fold(w) for w in self._words}
            self._lemmas = {lemma(w, lang) for w, lang in words if lang != "zh"}
            self._radius = {}
            for language in LANGUAGES:
                mask = self._languages == language
                if mask.sum() > _NEIGHBOURS:
                    radius = np.empty(len(self._words), dtype=np.float32)
                    for start in range(0, len(self._words), 2_048):
                        block = self._matrix[start : start + 2_048] @ self._matrix[mask].T
                        block = np.sort(block, axis=1)[:, -(_NEIGHBOURS + 1) : -1]
                        radius[start : start + 2_048] = block.mean(axis=1)
                    self._radius[language] = radius
            self._version = version

    def warm_up(self) -> None:
        """Embed the vocabulary now rather than on the first question."""
        self._current()

    def translate(self, words: list[str], language: Language, threshold: float, per_word: int,
                  common_zipf: float) -> dict[Language, list[str]]:  # fmt: skip
        """Index terms of the other languages that translate `words` (CSLS ≥ `threshold`, at most `per_word`
        each); words as common as `common_zipf` in general language are not translated."""
        found: dict[Language, list[str]] = {}
        for translated in self._per_word(words, language, threshold, per_word, common_zipf).values():
            for target, terms in translated.items():
                found.setdefault(target, []).extend(terms)
        return found

    def forms(self, words: list[str], language: Language, threshold: float, per_word: int) -> list[list[str]]:
        """Each word with its translations into the other languages' index terms (see `translate`), folded."""
        translated = self._per_word(words, language, threshold, per_word, math.inf)
        return [
            [fold(word), *(fold(term) for terms in translated.get(word, {}).values() for term in terms)]
            for word in words
        ]

    def _per_word(self, words: list[str], language: Language, threshold: float, per_word: int,
                  common_zipf: float) -> dict[str, dict[Language, list[str]]]:  # fmt: skip
        """The translations of each content word, computed once per word and settings (all missing in one go)."""
        self._current()
        content = [w for w in dict.fromkeys(words) if len(w) > 1 and zipf(w, language) < common_zipf]
        if language not in self._radius:
            return {}
        settings = (language, threshold, per_word)
        with self._lock:
            missing = [w for w in content if (w, *settings) not in self._translations]
        fresh = self._translate(missing, language, threshold, per_word) if missing else {}
        with self._lock:
            if len(self._translations) > _TRANSLATIONS_KEPT:
                self._translations.clear()
            self._translations.update({(w, *settings): fresh[w] for w in missing})
            return {w: fresh[w] if w in fresh else self._translations.get((w, *settings), {}) for w in content}

    def _translate(self, words: list[str], language: Language, threshold: float,
                   per_word: int) -> dict[str, dict[Language, list[str]]]:  # fmt: skip
        similarity = self._matrix @ self._vectors.matrix(words).T  # one row per index term, one column per word
        found: dict[str, dict[Language, list[str]]] = {word: {} for word in words}
        for target, rows in self._rows.items():  # each language's terms are one run of rows
            if target == language or rows.stop - rows.start <= max(_NEIGHBOURS, per_word):
                continue
            block = similarity[rows]
            own_radius = np.partition(block, -_NEIGHBOURS, axis=0)[-_NEIGHBOURS:].mean(axis=0)
            csls = 2 * block - own_radius - self._radius[language][rows][:, None]
            best = np.argpartition(-csls, per_word, axis=0)[:per_word]
            for column, word in enumerate(words):
                scores = csls[:, column]
                ranked = best[:, column][np.argsort(-scores[best[:, column]])]
                found[word][target] = [self._words[rows.start + r] for r in ranked if scores[r] >= threshold]
        return found

    def knows(self, word: str, language: Language, threshold: float) -> bool:
        """Whether the corpus has `word`, verbatim or as a cross-lingual neighbour (CSLS ≥ `threshold`)."""
        self._current()
        if fold(word) in self._folded or (language != "zh" and lemma(word, language) in self._lemmas):
            return True
        if not self._words or language not in self._radius:
            return False
        vector = self._vectors.matrix([word])[0]
        similarity = self._matrix @ vector
        for target in LANGUAGES:
            mask = self._languages == target
            if mask.sum() <= _NEIGHBOURS:
                continue
            own_radius = float(np.sort(similarity[mask])[-_NEIGHBOURS:].mean())
            csls = 2 * similarity[mask] - own_radius - self._radius[language][mask]
            if float(csls.max()) >= threshold:
                return True
        return False
