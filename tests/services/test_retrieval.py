import pytest

from advisor.assembly import Services, build_services
from advisor.services.retrieval import RetrievalError
from advisor.settings import Settings


@pytest.fixture
def indexed(fake_services: Services) -> Services:
    fake_services.ingest.ingest_paths()
    return fake_services


def test_results_carry_metadata_and_are_ranked(indexed: Services) -> None:
    hits = indexed.retriever.search("channel ROI prioritisation of tasks", 5)
    assert len(hits) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert hit.chunk.chunk_id and hit.chunk.source and hit.chunk.title
        assert hit.chunk.language in {"zh", "en", "es"}


def test_language_and_source_filters(indexed: Services) -> None:
    assert {h.chunk.language for h in indexed.retriever.search("用户留存", 8, language="es")} == {"es"}
    only = indexed.retriever.search("users", 8, sources=["operations-framework.en"])
    assert {h.chunk.source for h in only} == {"operations-framework.en"}


def test_lexical_match_in_the_query_language_is_rewarded(indexed: Services) -> None:
    hits = indexed.retriever.search("私域流量 私域用户", 5, language="zh")
    best_lexical = [h for h in hits if h.lexical == 1.0]
    assert best_lexical, "the strongest BM25 match must reach the top 5"
    assert "私域" in best_lexical[0].chunk.text


def test_lexical_index_follows_the_store_across_processes(fake_settings: Settings, indexed: Services) -> None:
    reopened = build_services(fake_settings)
    try:
        assert len(reopened.lexical) == indexed.store.count() == len(indexed.lexical)
    finally:
        reopened.close()


def test_deleting_a_document_removes_it_from_both_indexes(indexed: Services) -> None:
    removed = indexed.ingest.delete("systematic-user-operations.zh")
    assert removed > 0
    assert len(indexed.lexical) == indexed.store.count()
    assert not [
        h for h in indexed.retriever.search("私域流量", 10) if h.chunk.source == "systematic-user-operations.zh"
    ]


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_is_an_error(indexed: Services, query: str) -> None:
    with pytest.raises(RetrievalError):
        indexed.retriever.search(query)


class _Lexicon:
    """Translates every query into one Chinese term."""

    def translate(self, words: list[str], language: str, threshold: float, per_word: int,
                  common_zipf: float) -> dict[str, list[str]]:  # fmt: skip
        return {"zh": ["私域"]} if language != "zh" else {}


def test_translated_query_words_rerank_other_language_chunks(indexed: Services) -> None:
    retriever = indexed.retriever
    retriever.config = retriever.config.model_copy(update={"translated_weight": 0.1})
    retriever.vocabulary = None
    without = {h.chunk.chunk_id: h for h in retriever.search("tráfico propio de la marca", 40, language="zh")}
    retriever.vocabulary = _Lexicon()
    with_lexicon = {h.chunk.chunk_id: h for h in retriever.search("tráfico propio de la marca", 40, language="zh")}
    raised = {i for i in without.keys() & with_lexicon.keys() if with_lexicon[i].score > without[i].score + 1e-9}
    assert raised, "no chunk holding the translated term was raised"
    for chunk_id in raised:
        chunk = with_lexicon[chunk_id].chunk
        assert "私域" in f"{chunk.title} {chunk.section} {chunk.text}"
        assert with_lexicon[chunk_id].score - without[chunk_id].score <= retriever.config.translated_weight + 1e-9
    assert all(with_lexicon[i].score >= without[i].score - 1e-9 for i in without.keys() & with_lexicon.keys())
