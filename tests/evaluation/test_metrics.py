import pytest

from advisor.evaluation.metrics import hit_at, mrr_at, ndcg_at, recall_at


def test_metrics_on_a_known_ranking() -> None:
    ranked = ["x", "a", "x", "b", "a"]
    expected = {"a", "b"}
    assert hit_at(ranked, expected, 1) == 0.0
    assert hit_at(ranked, expected, 2) == 1.0
    assert recall_at(ranked, expected, 3) == 0.5
    assert mrr_at(ranked, expected, 10) == 0.5
    ideal = 1 + 1 / 1.5849625007211563
    assert ndcg_at(ranked, expected, 10) == pytest.approx((1 / 1.5849625007211563 + 1 / 2.321928094887362) / ideal)


def test_no_relevant_result_scores_zero() -> None:
    assert (hit_at(["x"], {"a"}, 5), mrr_at(["x"], {"a"}, 10), ndcg_at(["x"], {"a"}, 10)) == (0.0, 0.0, 0.0)
