import pytest
from rank_bm25 import BM25Okapi

from advisor.services.lexical import Bm25Index, LexicalIndex

DOCS = {
    "a": ["user", "retention", "community", "product", "retention"],
    "b": ["paid", "ads", "channel", "cost", "conversion"],
    "c": ["referral", "programme", "user", "growth"],
    "d": ["membership", "renewal", "insurance", "agent"],
    "e": ["channel", "roi", "priority", "conversion", "loan"],
}


@pytest.mark.parametrize(
    "query", [["retention"], ["user", "growth"], ["conversion", "channel", "zzz"], ["user", "user"]]
)
def test_scores_equal_rank_bm25(query: list[str]) -> None:
    index = Bm25Index()
    for doc_id, words in DOCS.items():
        index.add(doc_id, words)
    reference = BM25Okapi(list(DOCS.values())).get_scores(query)
    ours = index.scores(query)
    for doc_id, expected in zip(DOCS, reference, strict=True):
        assert ours.get(doc_id, 0.0) == pytest.approx(expected, abs=1e-6)


def test_removal_keeps_scores_in_step() -> None:
    index = Bm25Index()
    for doc_id, words in DOCS.items():
        index.add(doc_id, words)
    index.remove("a")
    remaining = {k: v for k, v in DOCS.items() if k != "a"}
    reference = BM25Okapi(list(remaining.values())).get_scores(["user"])
    assert index.scores(["user"]) == pytest.approx({k: s for k, s in zip(remaining, reference, strict=True) if s != 0})


def test_languages_are_indexed_separately() -> None:
    lexical = LexicalIndex()
    lexical.add("zh-1", "zh", "doc-zh", ["用户", "留存"])
    lexical.add("en-1", "en", "doc-en", ["user", "retention"])
    assert set(lexical.scores(["用户"], "zh")) == {"zh-1"}
    assert lexical.scores(["用户"], "en") == {}
    lexical.remove(["zh-1"])
    assert lexical.scores(["用户"], "zh") == {}
    assert lexical.source_of("en-1") == "doc-en"


def test_top_is_the_best_n_of_the_full_scores() -> None:
    index = Bm25Index()
    for doc_id, words in DOCS.items():
        index.add(doc_id, words)
    query = ["user", "conversion", "channel", "retention"]
    full = sorted(index.scores(query).items(), key=lambda item: (-item[1], item[0]))
    assert index.top(query, 2) == full[:2]
    assert index.top(query, 50) == full


def test_top_can_be_limited_to_sources() -> None:
    lexical = LexicalIndex()
    lexical.add("a1", "en", "doc-a", ["retention", "users"])
    lexical.add("b1", "en", "doc-b", ["retention"])
    lexical.add("c1", "en", "doc-c", ["growth", "referral"])
    assert [i for i, _ in lexical.top(["retention"], "en", 5)] == ["b1", "a1"]
    assert [i for i, _ in lexical.top(["retention"], "en", 5, ["doc-a"])] == ["a1"]
