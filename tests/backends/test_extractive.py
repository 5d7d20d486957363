"""The extractive generator on thin evidence: it still writes every stage from what there is."""

from __future__ import annotations

from advisor.backends.embeddings import FakeEmbeddings
from advisor.backends.extractive import ExtractiveGenerator
from advisor.backends.generators import AnswerRequest, Evidence, PlanRequest
from advisor.schemas import STAGES, Chunk
from advisor.services.advice import text_outside_quotes
from advisor.text.language import detect_language


def test_plan_from_a_single_passage_has_all_five_stages_tied_to_strategies() -> None:
    text = "Call every member who stopped buying within a week and ask them why they left the shop."
    chunk = Chunk(chunk_id="c1", source="notes", language="en", title="Notes", position=0, text=text)
    request = PlanRequest(goal="0" * 154, context="", language="en", evidence=Evidence([chunk]))
    plan = ExtractiveGenerator(FakeEmbeddings()).plan(request)
    assert tuple(step.stage for step in plan.steps) == STAGES
    tactics = plan.steps[-1].items
    assert all(item.supports == 1 for item in tactics)
    assert all(citation.quote in chunk.text for citation in plan.citations)


def test_a_quote_holding_quotation_marks_keeps_the_answer_in_the_askers_language() -> None:
    text = "零售业务以MAU为“北极星”的目的是破解大批量低成本获客和打造数字化经营能力两大课题,以提高经营能力为着力点。"
    chunk = Chunk(chunk_id="c1", source="notes", language="zh", title="Notes", position=0, text=text)
    request = AnswerRequest(question="Why did the bank pick MAU as its north star?", language="en",
                            evidence=Evidence([chunk]))  # fmt: skip
    answer = ExtractiveGenerator(FakeEmbeddings()).answer(request)
    assert answer.citations and detect_language(text_outside_quotes(answer.answer)) == "en"


def test_a_sentence_cut_by_a_chunk_boundary_is_quoted_with_its_continuation() -> None:
    head = "Operators also need three core ways of thinking: process thinking,"
    tail = "refined thinking and thinking at scale."
    first = Chunk(chunk_id="c1", source="notes", language="en", title="Notes", position=4, text=head)
    second = Chunk(chunk_id="c2", source="notes", language="en", title="Notes", position=5,
                   text=f"{tail} Each one is explained below with examples from real projects.")  # fmt: skip
    request = AnswerRequest(question="Which core ways of thinking?", language="en", evidence=Evidence([first, second]))
    answer = ExtractiveGenerator(FakeEmbeddings()).answer(request)
    quotes = {citation.chunk_id: citation.quote for citation in answer.citations}
    assert quotes["c1"] == head
    assert f"“{head}” [1] “{tail}” [2]" in answer.answer  # one point, both parts, each cited where it stands
    assert answer.answer.count(tail) == 1  # the continuation is not also quoted as a point of its own
