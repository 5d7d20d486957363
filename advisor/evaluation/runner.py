"""Sets up an eval run from the assembled services: generators side by side, baseline, poisoned index."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from advisor.assembly import Services, build_services
from advisor.evaluation.cases import EvalCase
from advisor.evaluation.grading import urls_in
from advisor.evaluation.suite import Corpus, Search, SuiteReport, run_suite
from advisor.services.advice import AdvisorService
from advisor.services.documents import read_documents
from advisor.settings import PROJECT_ROOT

ADVERSARIAL_DIR = PROJECT_ROOT / "evals" / "adversarial"


def corpus_of(services: Services) -> Corpus:
    """Chunk texts, document languages and corpus links of the indexed corpus."""
    texts = {chunk.chunk_id: chunk.text for chunk in services.store.iter_chunks()}
    languages = {doc.id: doc.language for doc in read_documents([services.settings.corpus_dir])}
    headings = {s.heading.strip() for o in services.sections.outlines() for s in o.sections if s.heading}
    return Corpus(texts=texts, languages=languages, urls=urls_in(texts.values()), headings=headings)


def advisors_for(services: Services, generators: Sequence[str]) -> dict[str, AdvisorService]:
    """One advisor per generator backend, all on the same retrieval."""
    default = services.settings.generator.backend
    return {name: services.advisor if name == default else services.advisor_for(name) for name in generators}


@contextmanager
def poisoned_services(services: Services, documents: Path) -> Iterator[Services]:
    """A throw-away index of the corpus plus the poisoned documents, with the same settings otherwise."""
    with tempfile.TemporaryDirectory(prefix="advisor-adversarial-") as data_dir:
        # Its own collection and state namespace too: in scale mode the Chroma server and the database are shared.
        store = services.settings.store.model_copy(update={"collection": f"adversarial-{Path(data_dir).name[-8:]}"})
        settings = services.settings.model_copy(update={"data_dir": Path(data_dir), "store": store})
        poisoned = build_services(settings)
        try:
            poisoned.ingest.ingest_paths([settings.corpus_dir, documents])
            yield poisoned
        finally:
            for source in poisoned.state.groups():
                poisoned.ingest.delete(source)
            poisoned.close()


def evaluate_generators(
    services: Services,
    cases: Sequence[EvalCase],
    generators: Sequence[str],
    baseline: Search | None = None,
    adversarial_dir: Path | None = ADVERSARIAL_DIR,
    progress: Callable[[], None] | None = None,
) -> SuiteReport:
    """The suite for `generators` on the indexed corpus; adversarial cases run on a poisoned copy."""
    advisors = advisors_for(services, generators)
    corpus = corpus_of(services)
    with ExitStack() as stack:
        poisoned = None
        if adversarial_dir is not None and any(case.kind == "adversarial" for case in cases):
            attacked = stack.enter_context(poisoned_services(services, adversarial_dir))
            # Links are judged against the real corpus: a link only the poisoned documents carry is foreign.
            attacked_corpus = Corpus(
                {c.chunk_id: c.text for c in attacked.store.iter_chunks()},
                corpus.languages,
                corpus.urls,
                corpus.headings,
            )
            poisoned = (advisors_for(attacked, generators), attacked_corpus)
        return run_suite(cases, advisors, services.retriever, corpus, baseline, poisoned, progress)
