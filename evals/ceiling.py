"""How much concept coverage an answer of at most 900 visible characters can reach, and where it is lost.

    .venv/bin/python evals/ceiling.py [--cases evals/cases/heldout] [--chars 900]

For each answerable question (not plans), on the indexed corpus (`advisor ingest` first):

- **any passage**: the best selection of whole sentences of the corpus, within the character budget, picked by an
  oracle that knows the expected concepts (greedy by new concepts per character). No retrieval limits it.
- **read**: the same oracle, but only over the sentences of the sections the advisor read for the question.
- **answer**: what the advisor's answer covers (evidence only, as the eval grades it).

The gap between the first two is retrieval (the right section was not read); between the last two, selection.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from advisor.assembly import build_services
from advisor.evaluation.cases import CASES_DIR, EvalCase, load_cases
from advisor.evaluation.grading import concept_coverage, evidence_text, fold
from advisor.settings import get_settings
from advisor.text.quality import visible_size
from advisor.text.sentences import sentence_spans


def _oracle(sentences: Sequence[str], concepts: list[list[str]], budget: int) -> float:
    """Greedy best coverage of `concepts` by whole sentences within `budget` visible characters."""
    folded = [fold(s) for s in sentences]
    left = [i for i, phrasings in enumerate(concepts)]
    used, chosen = 0, []
    while left:
        best, gain_best = None, 0.0
        for index, text in enumerate(folded):
            size = visible_size(sentences[index])
            if index in chosen or used + size > budget or size == 0:
                continue
            gain = sum(any(fold(p) in text for p in concepts[c]) for c in left) / size
            if gain > gain_best:
                best, gain_best = index, gain
        if best is None:
            break
        chosen.append(best)
        used += visible_size(sentences[best])
        left = [c for c in left if not any(fold(p) in folded[best] for p in concepts[c])]
    return concept_coverage(" ".join(sentences[i] for i in chosen), concepts) or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=Path, default=CASES_DIR / "heldout")
    parser.add_argument("--chars", type=int, default=900)
    args = parser.parse_args()
    services = build_services(get_settings())
    corpus = []
    for outline in services.sections.outlines():
        read = services.sections.read(outline.source, 0, outline.length)
        if read is not None:
            corpus += [read.text[a:b] for a, b in sentence_spans(read.text, outline.language)]
    rows: list[tuple[EvalCase, float, float, float]] = []
    for case in load_cases([args.cases]):
        if not case.answerable or case.is_plan or case.kind == "adversarial" or not case.expected_concepts:
            continue
        state = services.advisor.prepare_ask(case.query)
        read = [s.text for unit in state.gathered.units for s in unit.sentences]
        answer = services.advisor.write_answer(state)
        rows.append(
            (
                case,
                _oracle(corpus, case.expected_concepts, args.chars),
                _oracle(read, case.expected_concepts, args.chars),
                concept_coverage(evidence_text(answer), case.expected_concepts) or 0.0,
            )
        )
    print(f"{len(rows)} answerable questions of {args.cases}, answers of at most {args.chars} visible characters")
    print("| slice | n | any passage | read sections | answer |")
    print("|---|---|---|---|---|")
    for name, members in [("overall", rows)] + [
        (f"query {lang}", [r for r in rows if r[0].query_lang == lang]) for lang in ("zh", "en", "es")
    ]:
        if members:
            means = [sum(r[i] for r in members) / len(members) for i in (1, 2, 3)]
            print(f"| {name} | {len(members)} | " + " | ".join(f"{m:.3f}" for m in means) + " |")
    services.close()


if __name__ == "__main__":
    main()
