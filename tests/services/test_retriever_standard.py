"""The hybrid retriever passes LangChain's standard retriever tests (`langchain-tests`)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from langchain_core.retrievers import BaseRetriever
from langchain_tests.integration_tests import RetrieversIntegrationTests

from advisor.assembly import Services, build_services
from advisor.services.retrieval import Retriever
from advisor.settings import EmbeddingSettings, Settings
from tests.conftest import CORPUS


@cache
def _indexed() -> Services:
    data = Path(tempfile.mkdtemp(prefix="advisor-retriever-"))
    services = build_services(Settings(data_dir=data, corpus_dir=CORPUS, embeddings=EmbeddingSettings(backend="fake")))
    services.ingest.ingest_paths()
    atexit.register(shutil.rmtree, data, ignore_errors=True)
    atexit.register(services.close)
    return services


class TestHybridRetriever(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[BaseRetriever]:
        return Retriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        services = _indexed()
        return {"store": services.store, "embeddings": services.embeddings, "lexical": services.lexical}

    @property
    def retriever_query_example(self) -> str:
        return "How do I keep users coming back?"


def test_documents_carry_the_chunk_metadata_and_section() -> None:
    services = _indexed()
    documents = services.retriever.invoke("运营体系", k=3)
    assert len(documents) == 3
    for document in documents:
        assert {"chunk_id", "source", "language", "title", "position", "section", "section_id", "score"} <= set(
            document.metadata
        )
        assert document.metadata["section"].startswith(document.metadata["title"])
