"""Retrieval eval: the advisor's hybrid search and the vanilla baseline on the same cases, by slice."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from pydantic import BaseModel

from advisor.evaluation.cases import EvalCase, is_cross_lingual
from advisor.evaluation.metrics import mean, score
from advisor.schemas import LANGUAGES
from advisor.services.retrieval import Retriever

Search = Callable[[str, int], list[str]]
DEPTH = 10


class SliceScores(BaseModel):
    """Mean metrics of one slice of the cases, per system."""

    name: str
    cases: int
    systems: dict[str, dict[str, float]]


def advisor_search(retriever: Retriever) -> Search:
    """The advisor's retrieval as a ranked list of sources."""
    return lambda query, k: [hit.chunk.source for hit in retriever.search(query, k)]


def evaluate(
    cases: list[EvalCase],
    systems: dict[str, Search],
    languages: Mapping[str, str],
    progress: Callable[[], None] | None = None,
) -> list[SliceScores]:
    """Metrics of every system overall, per query language and on the cross-lingual slice."""
    cases = [c for c in cases if c.expected_sources]
    per_case: dict[str, dict[str, dict[str, float]]] = {name: {} for name in systems}
    for case in cases:
        for name, search in systems.items():
            per_case[name][case.id] = score(search(case.query, DEPTH), set(case.expected_sources))
        if progress:
            progress()

    def slice_of(name: str, members: Iterable[EvalCase]) -> SliceScores:
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
