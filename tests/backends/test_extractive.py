"""The extractive generator on thin evidence: it still writes every stage from what there is."""

from __future__ import annotations

from advisor.backends.embeddings import FakeEmbeddings
from advisor.backends.extractive import ExtractiveGenerator
from advisor.backends.generators import Evidence, PlanRequest
from advisor.schemas import STAGES, Chunk


def test_plan_from_a_single_passage_has_all_five_stages_tied_to_strategies() -> None:
    text = "Call every member who stopped buying within a week and ask them why they left the shop."
    chunk = Chunk(chunk_id="c1", source="notes", language="en", title="Notes", position=0, text=text)
    request = PlanRequest(goal="0" * 154, context="", language="en", evidence=Evidence([chunk]))
    plan = ExtractiveGenerator(FakeEmbeddings()).plan(request)
    assert tuple(step.stage for step in plan.steps) == STAGES
    tactics = plan.steps[-1].items
    assert all(item.supports == 1 for item in tactics)
    assert all(citation.quote in chunk.text for citation in plan.citations)
