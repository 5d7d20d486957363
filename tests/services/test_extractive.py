"""Extractive answers built from sections, on documents written for the tests (fake embeddings)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.assembly import Services, build_services
from advisor.evaluation.grading import junk_quotes, visible_length
from advisor.schemas import SearchHit
from advisor.services.advice import text_outside_quotes
from advisor.settings import AdviceSettings, EmbeddingSettings, Settings
from advisor.text.language import detect_language

FIXTURES = Path(__file__).parents[1] / "text" / "fixtures" / "structure"
DOCUMENTS = ["winback-campaign.en.txt", "membership-renewal.zh.txt", "subscription-retention-scraped.es.txt",
             "referral-campaign-steps.zh.txt"]  # fmt: skip


@pytest.fixture(scope="module")
def advisor_on_fixtures(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    corpus = tmp_path_factory.mktemp("corpus")
    for name in DOCUMENTS:
        shutil.copy(FIXTURES / name, corpus / name)
    # The fake model's similarities are not what answerability was calibrated on: always answer here.
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        corpus_dir=corpus,
        embeddings=EmbeddingSettings(backend="fake"),
        advice=AdviceSettings(decline_bias=-100),
    )
    services = build_services(settings)
    services.ingest.ingest_paths()
    yield services
    services.close()


def test_a_question_for_a_list_gets_the_list_item_by_item_in_order(advisor_on_fixtures: Services) -> None:
    answer = advisor_on_fixtures.advisor.ask("Into which four segments should lapsed customers be grouped?")
    first, *rest = answer.answer.splitlines()
    assert "4 points" in first and "Segment by the reason they left" in first
    body = "\n".join(rest)
    items = ["Cancelled because of price", "Had problems with deliveries", "Found the recipes repetitive",
             "Gave no reason at all"]  # fmt: skip
    positions = [body.index(item) for item in items]
    assert positions == sorted(positions)
    assert all(any(item in c.quote for c in answer.citations) for item in items)


def test_answers_quote_verbatim_and_never_junk(advisor_on_fixtures: Services) -> None:
    chunks = {c.chunk_id: c.text for c in advisor_on_fixtures.store.iter_chunks()}
    headings = {s.heading for o in advisor_on_fixtures.sections.outlines() for s in o.sections if s.heading}
    questions = [
        "How should the win-back offer be chosen?",
        "会员续费提醒的节奏怎么安排?",
        "¿Cómo se mide la retención de una suscripción?",
        "How do I measure a reactivation campaign?",
    ]
    for question in questions:
        answer = advisor_on_fixtures.advisor.ask(question)
        assert answer.answerable and answer.citations
        assert all(c.quote in chunks[c.chunk_id] for c in answer.citations)
        assert junk_quotes(answer, headings)[0] == 0, answer.answer
        assert visible_length(answer) <= 900
        own = text_outside_quotes(answer.answer)
        assert detect_language(own) == detect_language(question), own


def test_where_each_point_comes_from_is_said_in_the_askers_language(advisor_on_fixtures: Services) -> None:
    answer = advisor_on_fixtures.advisor.ask("¿Qué cuatro segmentos de clientes perdidos se definen?")
    first = answer.answer.splitlines()[0]
    assert first.startswith("El artículo «Win Back Lapsed Subscribers") and "«Segment by the reason they left»" in first


def test_a_hit_on_a_heading_brings_the_section_it_introduces(advisor_on_fixtures: Services) -> None:
    reader = advisor_on_fixtures.advisor._reader
    gathered = reader.gather("Step 4: Choose the offer carefully", 3)
    unit = next(u for u in gathered.units if "Choose the offer carefully" in u.heading)
    assert any("free dessert" in s.text for s in unit.sentences)
    assert unit.lists and len(unit.lists[0].items) == 4


def test_sentences_that_hold_the_questions_rare_words_score_higher(advisor_on_fixtures: Services) -> None:
    reader = advisor_on_fixtures.advisor._reader
    question = "Which dessert does the win-back offer give?"
    topic = reader.topic_words(question, "en")
    assert ["dessert"] in topic, topic
    chunk = next(c for c in advisor_on_fixtures.store.iter_chunks() if "dessert" in c.text)
    hits = [SearchHit(chunk=chunk, score=1.0, dense=1.0, lexical=1.0)]
    vector = reader.vectors.query(question)
    reference = reader.vectors.query("How do I run operations?")
    scored = {s.start: s for u in reader.units_for(hits, vector, reference, topic) for s in u.sentences}
    plain = {s.start: s.score for u in reader.units_for(hits, vector, reference) for s in u.sentences}
    assert scored.keys() == plain.keys()
    raised = [s for start, s in scored.items() if s.score > plain[start] + 1e-6]
    assert raised and all("dessert" in s.text for s in raised), [s.text for s in raised]
    assert all(s.score == pytest.approx(plain[start] + 0.1, abs=1e-5) for start, s in scored.items() if s in raised)
