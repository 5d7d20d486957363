"""The acceptance bar of retrieval on the real models, measured on the checked-in eval cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.assembly import build_services
from advisor.evaluation.baseline import build_baseline
from advisor.evaluation.cases import load_cases
from advisor.evaluation.retrieval import advisor_search, evaluate
from advisor.services.documents import read_documents
from advisor.settings import PROJECT_ROOT, Settings
from tests.conftest import CORPUS

CASES = PROJECT_ROOT / "evals" / "cases" / "tuning"


@pytest.mark.slow
@pytest.mark.parametrize("case_file", ["retrieval.jsonl", "retrieval-heldout.jsonl"])
def test_hybrid_retrieval_meets_targets_and_beats_the_baseline(tmp_path: Path, case_file: str) -> None:
    services = build_services(Settings(data_dir=tmp_path))
    try:
        services.ingest.ingest_paths([CORPUS])
        languages = {d.id: d.language for d in read_documents([CORPUS])}
        systems = {"advisor": advisor_search(services.retriever), "baseline": build_baseline(CORPUS)}
        slices = {s.name: s.systems for s in evaluate(load_cases([CASES / case_file]), systems, languages)}
    finally:
        services.close()
    overall, cross = slices["overall"], slices["cross-lingual"]
    assert overall["advisor"]["hit@5"] >= 0.90
    assert cross["advisor"]["hit@5"] >= 0.85
    assert overall["advisor"]["hit@5"] > overall["baseline"]["hit@5"]
    assert cross["advisor"]["hit@5"] > cross["baseline"]["hit@5"]
    assert overall["advisor"]["mrr@10"] > overall["baseline"]["mrr@10"]
