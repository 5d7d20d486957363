"""Deterministic retrieval metrics over the ranked sources of the retrieved chunks."""

from __future__ import annotations

import math
from collections.abc import Sequence


def hit_at(ranked: Sequence[str], expected: set[str], k: int) -> float:
    """1 when any of the first `k` chunks comes from an expected source."""
    return float(any(source in expected for source in ranked[:k]))


def recall_at(ranked: Sequence[str], expected: set[str], k: int) -> float:
    """Share of the expected sources found among the first `k` chunks."""
    return len(expected & set(ranked[:k])) / len(expected) if expected else 0.0


def mrr_at(ranked: Sequence[str], expected: set[str], k: int) -> float:
    """Reciprocal rank of the first chunk from an expected source within `k`."""
    return next((1.0 / rank for rank, source in enumerate(ranked[:k], 1) if source in expected), 0.0)


def ndcg_at(ranked: Sequence[str], expected: set[str], k: int) -> float:
    """nDCG with binary gains, each expected source counted at the rank of its first chunk."""
    seen: set[str] = set()
    dcg = 0.0
    for rank, source in enumerate(ranked[:k], 1):
        if source in expected and source not in seen:
            seen.add(source)
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(expected), k) + 1))
    return dcg / ideal if ideal else 0.0


METRICS = {
    "hit@5": lambda r, e: hit_at(r, e, 5),
    "recall@5": lambda r, e: recall_at(r, e, 5),
    "mrr@10": lambda r, e: mrr_at(r, e, 10),
    "ndcg@10": lambda r, e: ndcg_at(r, e, 10),
}


def score(ranked: Sequence[str], expected: set[str]) -> dict[str, float]:
    """All retrieval metrics for one query."""
    return {name: metric(ranked, expected) for name, metric in METRICS.items()}


def mean(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Average of each metric over the rows (empty → zeros)."""
    return {name: (sum(r[name] for r in rows) / len(rows) if rows else 0.0) for name in METRICS}
