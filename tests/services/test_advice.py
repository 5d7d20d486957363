"""The advisor chain on the real corpus and model: languages, verified citations, abstention, plans."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from advisor.assembly import Services, build_services
from advisor.evaluation.cases import load_cases
from advisor.evaluation.grading import junk_quotes, visible_length
from advisor.schemas import STAGES, Answer, Chunk, Citation, Plan
from advisor.services.advice import text_outside_quotes
from advisor.services.verification import verify_answer
from advisor.settings import PROJECT_ROOT, Settings
from advisor.text.language import detect_language
from advisor.text.locale import METHOD_WORDS, STAGE_TITLES
from tests.conftest import CORPUS

CASES = load_cases([PROJECT_ROOT / "evals" / "cases" / "tuning"])
IN_SCOPE = [c for c in CASES if c.answerable and c.kind in ("question", "figure")]
DECLINE = [c for c in CASES if not c.answerable and not c.is_plan]


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = build_services(Settings(data_dir=tmp_path_factory.mktemp("advice")))
    services.ingest.ingest_paths([CORPUS])
    yield services
    services.close()


def _assert_citations_verbatim(citations: list[Citation], chunks: dict[str, Chunk]) -> None:
    for citation in citations:
        assert citation.quote in chunks[citation.chunk_id].text
        assert citation.source == chunks[citation.chunk_id].source


@pytest.mark.slow
def test_in_scope_questions_are_answered_in_their_language_with_verbatim_quotes_and_no_junk(real: Services) -> None:
    chunks = {c.chunk_id: c for c in real.store.iter_chunks()}
    headings = {s.heading for o in real.sections.outlines() for s in o.sections if s.heading}
    refused = []
    for case in IN_SCOPE:
        answer = real.advisor.ask(case.query)
        if not answer.answerable:
            refused.append(case.id)
            continue
        assert answer.language == case.query_lang
        assert detect_language(text_outside_quotes(answer.answer)) == case.query_lang, answer.answer
        assert answer.citations
        _assert_citations_verbatim(answer.citations, chunks)
        assert junk_quotes(answer, headings)[0] == 0, answer.answer
        assert visible_length(answer) <= 900
    assert len(refused) <= 0.05 * len(IN_SCOPE), refused  # calibrated for at most 2% on these cases


@pytest.mark.slow
def test_near_domain_and_trivia_questions_are_mostly_declined_in_their_language(real: Services) -> None:
    answered = []
    for case in DECLINE:
        answer = real.advisor.ask(case.query)
        if answer.answerable:
            answered.append(case.id)
            continue
        assert answer.citations == []
        assert detect_language(answer.answer) == case.query_lang
    # A regression guard near the calibration's in-sample abstention (0.855 on these cases; evals/calibrate.py).
    # The held-out target (0.90) is an open gate of evals/thresholds.toml, measured by `advisor eval`.
    assert len(answered) <= 0.25 * len(DECLINE), answered


@pytest.mark.slow
@pytest.mark.parametrize(
    "goal",
    [
        "Crea un plan para vender más fruta por internet",
        "Plan the launch of a fruit stall's online shop",
        "为一个社区App制定提升用户留存的运营方案",
        "Plan de crecimiento para una agencia de seguros",
        "Grow the paying users of a SaaS tool",
    ],
)
def test_plans_walk_the_five_stages_in_order_with_citations(real: Services, goal: str) -> None:
    plan = real.advisor.plan(goal)
    assert plan.answerable
    assert tuple(step.stage for step in plan.steps) == STAGES
    assert [step.title for step in plan.steps] == [STAGE_TITLES[plan.language][s] for s in STAGES]
    chunks = {c.chunk_id: c for c in real.store.iter_chunks()}
    _assert_citations_verbatim(plan.citations, chunks)
    for step in plan.steps:
        assert step.items and any(item.citations for item in step.items)
        assert all(1 <= n <= len(plan.citations) for item in step.items for n in item.citations)
    strategies = len(plan.steps[3].items)
    assert all(item.supports is not None and 1 <= item.supports <= strategies for item in plan.steps[4].items)
    Plan.model_validate_json(plan.model_dump_json())


@pytest.mark.slow
def test_plan_goals_outside_operations_are_declined_and_business_goals_are_not(real: Services) -> None:
    plans = [c for c in CASES if c.is_plan]
    declined = [c.id for c in plans if c.answerable and not real.advisor.plan(c.query, c.context).answerable]
    answered = [c.id for c in plans if not c.answerable and real.advisor.plan(c.query, c.context).answerable]
    assert (declined, answered) == ([], [])


@pytest.mark.slow
def test_tactics_are_actions_not_talk_about_the_method(real: Services) -> None:
    plan = real.advisor.plan("Plan the launch of an online shop for a small fruit stall")
    quotes = {n: c.quote for n, c in enumerate(plan.citations, 1)}
    tactics = [quotes[n] for item in plan.steps[4].items[1:] for n in item.citations]
    assert tactics and not any(re.search(METHOD_WORDS, quote, re.I) for quote in tactics)


def _verified(text: str, chunk_text: str, quotes: list[tuple[str, str]]) -> Answer:
    """`text` with citations (chunk id, quote) verified against one chunk "c1" holding `chunk_text`."""
    chunk = Chunk(chunk_id="c1", source="doc", language="en", title="t", position=0, text=chunk_text)
    citations = [Citation(chunk_id=chunk_id, source="doc", quote=quote) for chunk_id, quote in quotes]
    answer = Answer(question="q", language="en", answerable=True, generator="test", answer=text, citations=citations)
    return verify_answer(answer, [chunk])


def test_verification_drops_invented_quotes_and_renumbers_markers() -> None:
    quotes = [("c1", "Made up."), ("c1", "Keep users close."), ("other", "Keep users close.")]
    verified = _verified("First [1]. Second [2]. Third [3].", "Keep users close.", quotes)
    assert verified.answer == "First . Second [1]. Third ."
    assert [c.quote for c in verified.citations] == ["Keep users close."]


def test_citations_the_text_never_cites_are_dropped() -> None:
    quotes = [("c1", "Call."), ("c1", "Keep users close.")]
    verified = _verified("Only this one [2].", "Keep users close. Call.", quotes)
    assert verified.answer == "Only this one [1]."
    assert [c.quote for c in verified.citations] == ["Keep users close."]


def test_plans_must_list_the_stages_in_order() -> None:
    with pytest.raises(ValueError, match="stages"):
        Plan(goal="g", language="en", answerable=True, generator="test", steps=[])


def test_empty_questions_are_rejected(fake_services: Services) -> None:
    from advisor.services.advice import AdviceError

    with pytest.raises(AdviceError):
        fake_services.advisor.ask("  ")
    with pytest.raises(AdviceError):
        fake_services.advisor.plan("")
