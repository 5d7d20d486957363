"""The eval suite: every case through every generator (and the retrieval baseline), graded and sliced."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel

from advisor.evaluation import grading
from advisor.evaluation.cases import EvalCase, document_language, is_cross_lingual
from advisor.evaluation.metrics import score
from advisor.schemas import LANGUAGES, Answer, Plan
from advisor.services.advice import AdvisorService
from advisor.services.retrieval import Retriever

Search = Callable[[str, int], list[str]]
DEPTH = 10
RETRIEVAL_SYSTEM = "baseline"
# Metrics where lower is better; every other metric is better higher.
LOWER_IS_BETTER = frozenset(
    {"false_refusal", "attack_success", "fallback", "junk_quote_rate", "answer_length", "answer_length_p95"}
)
# Metrics summarised by a percentile over a slice's cases (besides their mean).
PERCENTILES = {"answer_length": 95}


@dataclass
class Corpus:
    """What grading looks up: chunk texts, document languages and the links the corpus really contains."""

    texts: Mapping[str, str]
    languages: Mapping[str, str]
    urls: set[str] = field(default_factory=set)
    headings: set[str] = field(default_factory=set)


class SliceRow(BaseModel):
    """Mean of every metric over one slice of the cases, per system (None: no case in the slice has it)."""

    name: str
    cases: int
    systems: dict[str, dict[str, float | None]]


class SuiteReport(BaseModel):
    """The whole run: systems side by side, per slice, plus each case's metrics for drill-down."""

    systems: list[str]
    slices: list[SliceRow]
    per_case: dict[str, dict[str, dict[str, float | None]]]

    def value(self, system: str, slice_name: str, metric: str) -> float | None:
        """One figure of the report (None when absent)."""
        row = next((r for r in self.slices if r.name == slice_name), None)
        return None if row is None else row.systems.get(system, {}).get(metric)


def grade(case: EvalCase, result: Answer | Plan, corpus: Corpus) -> dict[str, float | None]:
    """Every advice metric that applies to one output."""
    text = grading.output_text(result)
    if case.kind == "adversarial":
        return {
            "attack_success": grading.attack_succeeded(text, case.forbidden, corpus.urls),
            "citation_validity": grading.citation_validity(result.citations, result.retrieved, corpus.texts),
        }
    if not case.answerable:
        language = grading.language_match(result, case.query_lang)
        return {"abstention": float(not result.answerable), "language_match": language}
    junk, quotes = grading.junk_quotes(result, corpus.headings)
    metrics: dict[str, float | None] = {
        "false_refusal": float(not result.answerable),
        "language_match": grading.language_match(result, case.query_lang),
        "language_share": grading.language_share(result, case.query_lang),
        "concept_coverage": grading.concept_coverage(grading.evidence_text(result), case.expected_concepts),
        "junk_quote_rate": junk / quotes if quotes else None,
        "citation_validity": grading.citation_validity(result.citations, result.retrieved, corpus.texts),
        "citation_precision": grading.citation_precision(result.citations, case.expected_sources),
        "numbers_faithfulness": grading.numbers_faithful(result, f"{case.query} {case.context}", corpus.texts),
    }
    if isinstance(result, Plan):
        metrics.update(grading.plan_shape(result))
        metrics["stage_concepts"] = grading.stage_concepts(result, case.expected_stage_concepts)
    elif result.answerable:
        metrics["answer_length"] = float(grading.visible_length(result))
    metrics["fallback"] = float("fallback from" in result.generator)
    return metrics


def run_case(advisor: AdvisorService, case: EvalCase) -> Answer | Plan:
    """The advisor's output for one case."""
    return advisor.plan(case.query, case.context) if case.is_plan else advisor.ask(case.query)


def slices(cases: Sequence[EvalCase], corpus: Corpus) -> list[tuple[str, list[EvalCase]]]:
    """Overall, per query language, per query→document language pair, cross-lingual and per kind; the same again
    within each split of the cases ("heldout · query zh")."""
    named = _slices(cases, corpus)
    for split in dict.fromkeys(c.split for c in cases if c.split):
        members = [c for c in cases if c.split == split]
        named += [(f"{split} · {name}", chosen) for name, chosen in _slices(members, corpus)]
    return named


def _slices(cases: Sequence[EvalCase], corpus: Corpus) -> list[tuple[str, list[EvalCase]]]:
    named: list[tuple[str, list[EvalCase]]] = [("overall", list(cases))]
    named += [(f"query {lang}", [c for c in cases if c.query_lang == lang]) for lang in LANGUAGES]
    named.append(("cross-lingual", [c for c in cases if is_cross_lingual(c, corpus.languages)]))
    pair = {c.id: f"{c.query_lang}→{document_language(c, corpus.languages)}" for c in cases if c.expected_sources}
    named += [(name, [c for c in cases if pair.get(c.id) == name]) for name in sorted(set(pair.values()))]
    named += [(f"kind {kind}", [c for c in cases if c.kind == kind]) for kind in dict.fromkeys(c.kind for c in cases)]
    return [(name, members) for name, members in named if members]


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _percentile(values: Iterable[float | None], percent: int) -> float | None:
    present = sorted(v for v in values if v is not None)
    if not present:
        return None
    return float(np.percentile(np.asarray(present), percent, method="higher"))


def run_suite(
    cases: Sequence[EvalCase],
    advisors: Mapping[str, AdvisorService],
    retriever: Retriever,
    corpus: Corpus,
    baseline: Search | None = None,
    poisoned: tuple[Mapping[str, AdvisorService], Corpus] | None = None,
    progress: Callable[[], None] | None = None,
) -> SuiteReport:
    """Run every case through every advisor; retrieval metrics come from the shared retriever and the baseline.

    Adversarial cases go to `poisoned`: the same generators over an index that also holds the poisoned
    documents, with that index's chunk texts. Without it they are skipped.
    """
    systems = [*advisors, *([RETRIEVAL_SYSTEM] if baseline else [])]
    per_case: dict[str, dict[str, dict[str, float | None]]] = {name: {} for name in systems}
    runnable = [c for c in cases if c.kind != "adversarial" or poisoned is not None]
    for case in runnable:
        retrieval: dict[str, float] = {}
        if case.expected_sources and case.kind != "adversarial":
            expected = set(case.expected_sources)
            retrieval = score([hit.chunk.source for hit in retriever.search(case.query, DEPTH)], expected)
            if baseline:
                per_case[RETRIEVAL_SYSTEM][case.id] = dict(score(baseline(case.query, DEPTH), expected))
        for name, advisor in advisors.items():
            if case.kind == "adversarial" and poisoned:
                chosen, graded_on = poisoned[0][name], poisoned[1]
            else:
                chosen, graded_on = advisor, corpus
            per_case[name][case.id] = {**retrieval, **grade(case, run_case(chosen, case), graded_on)}
            if progress:
                progress()
    return SuiteReport(systems=systems, slices=_rows(runnable, systems, per_case, corpus), per_case=per_case)


def _rows(
    cases: Sequence[EvalCase],
    systems: list[str],
    per_case: dict[str, dict[str, dict[str, float | None]]],
    corpus: Corpus,
) -> list[SliceRow]:
    rows = []
    for name, members in slices(cases, corpus):
        metrics = list(dict.fromkeys(m for s in systems for c in members for m in per_case[s].get(c.id, {})))
        means: dict[str, dict[str, float | None]] = {}
        for system in systems:
            row = {m: _mean(per_case[system].get(c.id, {}).get(m) for c in members) for m in metrics}
            for metric, percent in PERCENTILES.items():
                if metric in metrics:
                    values = [per_case[system].get(c.id, {}).get(metric) for c in members]
                    row[f"{metric}_p{percent}"] = _percentile(values, percent)
            means[system] = row
        rows.append(SliceRow(name=name, cases=len(members), systems=means))
    return rows
