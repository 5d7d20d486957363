"""Retrieval eval: the advisor's hybrid search and the vanilla baseline on the same cases, by slice."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from pydantic import BaseModel

from advisor.evaluation.metrics import mean, score
from advisor.schemas import LANGUAGES, Language
from advisor.services.retrieval import Retriever

Search = Callable[[str, int], list[str]]
DEPTH = 10


class RetrievalCase(BaseModel):
    """One question with the documents that answer it."""

    id: str
    query: str
    query_lang: Language
    expected_sources: list[str]


class SliceScores(BaseModel):
    """Mean metrics of one slice of the cases, per system."""

    name: str
    cases: int
    systems: dict[str, dict[str, float]]


def load_cases(path: Path) -> list[RetrievalCase]:
    """Cases from a JSONL file (blank lines skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [RetrievalCase.model_validate(json.loads(line)) for line in lines if line.strip()]


def is_cross_lingual(case: RetrievalCase, languages: Mapping[str, str]) -> bool:
    """Whether no expected source is in the question's language."""
    return all(languages.get(source) != case.query_lang for source in case.expected_sources)


def advisor_search(retriever: Retriever) -> Search:
    """The advisor's retrieval as a ranked list of sources."""
    return lambda query, k: [hit.chunk.source for hit in retriever.search(query, k)]


def evaluate(
    cases: list[RetrievalCase],
    systems: dict[str, Search],
    languages: Mapping[str, str],
    progress: Callable[[], None] | None = None,
) -> list[SliceScores]:
    """Metrics of every system overall, per query language and on the cross-lingual slice."""
    per_case: dict[str, dict[str, dict[str, float]]] = {name: {} for name in systems}
    for case in cases:
        for name, search in systems.items():
            per_case[name][case.id] = score(search(case.query, DEPTH), set(case.expected_sources))
        if progress:
            progress()

    def slice_of(name: str, members: Iterable[RetrievalCase]) -> SliceScores:
        ids = [c.id for c in members]
        return SliceScores(
            name=name,
            cases=len(ids),
            systems={system: mean([per_case[system][i] for i in ids]) for system in systems},
        )

    slices = [slice_of("overall", cases)]
    slices += [slice_of(f"query {lang}", [c for c in cases if c.query_lang == lang]) for lang in LANGUAGES]
    slices.append(slice_of("cross-lingual", [c for c in cases if is_cross_lingual(c, languages)]))
    slices.append(slice_of("same-language", [c for c in cases if not is_cross_lingual(c, languages)]))
    return slices
