"""Two `advisor serve` replicas on one Chroma server and one PostgreSQL database: one index, whichever answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from advisor.assembly import build_services
from advisor.schemas import SourceDocument
from advisor.settings import EmbeddingSettings, Settings, StateSettings, StoreSettings
from tests.conftest import CORPUS, free_port, running_chroma, running_postgres, running_server, within

pytestmark = pytest.mark.server
ADVISOR = str(Path(sys.executable).with_name("advisor"))
TUNING = Path(__file__).resolve().parents[2] / "evals" / "cases" / "tuning" / "retrieval.jsonl"
DOCUMENT = {"language": "zh", "title": "栗子蛋糕",
            "text": "栗子蛋糕的复购活动要按季节安排。每到秋天,门店给老顾客发栗子蛋糕的复购券,两周内有效。"}  # fmt: skip
QUERY = {"query": "栗子蛋糕复购券", "k": 5}


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Settings]]:
    """Replicas A and B (fake embeddings, the corpus indexed through A); yields their URLs and the shared
    settings (for looking inside the index)."""
    with running_chroma(tmp_path_factory.mktemp("chroma")) as chroma_port, running_postgres() as url:
        shared = {"ADVISOR_CORPUS_DIR": str(CORPUS), "ADVISOR_EMBEDDINGS__BACKEND": "fake",
                  "ADVISOR_STORE__MODE": "http", "ADVISOR_STORE__PORT": str(chroma_port),
                  "ADVISOR_STATE__URL": url}  # fmt: skip
        environments = [{**os.environ, **shared, "ADVISOR_DATA_DIR": str(tmp_path_factory.mktemp(name))}
                        for name in ("a", "b")]  # fmt: skip
        subprocess.run([ADVISOR, "ingest"], env=environments[0], check=True, capture_output=True)
        ports = [free_port(), free_port()]
        with (
            running_server([ADVISOR, "serve", "--port", str(ports[0])], f"http://127.0.0.1:{ports[0]}/readyz", 60,
                           env=environments[0]),
            running_server([ADVISOR, "serve", "--port", str(ports[1])], f"http://127.0.0.1:{ports[1]}/readyz", 60,
                           env=environments[1]),
        ):  # fmt: skip
            settings = Settings(data_dir=tmp_path_factory.mktemp("inspect"), corpus_dir=CORPUS,
                                embeddings=EmbeddingSettings(backend="fake"),
                                store=StoreSettings(mode="http", port=chroma_port),
                                state=StateSettings(url=url))  # fmt: skip
            yield f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}", settings


def _search(url: str, body: dict[str, Any]) -> list[tuple[str, float]]:
    response = httpx.post(f"{url}/v1/search", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return [(hit["chunk_id"], round(hit["score"], 9)) for hit in response.json()["results"]]


def _sources(url: str, body: dict[str, Any]) -> set[str]:
    return {hit["source"] for hit in httpx.post(f"{url}/v1/search", json=body, timeout=30).json()["results"]}


def test_a_put_through_a_is_ranked_the_same_by_b_within_a_second_and_a_delete_through_b_reaches_a(
    replicas: tuple[str, str, Settings],
) -> None:
    a, b, _ = replicas
    assert httpx.put(f"{a}/v1/documents/chestnut-cake", json=DOCUMENT, timeout=30).status_code in (200, 201)
    ranked = _search(a, QUERY)
    assert "chestnut-cake" in _sources(a, QUERY)
    # The fused score includes BM25: B ranks the new chunks as A does once its lexical index has them.
    within(1.0, lambda: _search(b, QUERY) == ranked)
    assert httpx.delete(f"{b}/v1/documents/chestnut-cake", timeout=30).status_code in (200, 204)
    within(1.0, lambda: "chestnut-cake" not in _sources(a, QUERY))
    assert "chestnut-cake" not in {d["id"] for d in httpx.get(f"{a}/v1/documents", timeout=30).json()["documents"]}


def test_twenty_queries_rank_identically_on_both_replicas(replicas: tuple[str, str, Settings]) -> None:
    a, b, _ = replicas
    queries = [json.loads(line)["query"] for line in TUNING.read_text(encoding="utf-8").splitlines()[:20]]
    assert len(queries) == 20
    for query in queries:
        body = {"query": query, "k": 10}
        assert _search(a, body) == _search(b, body), query


def test_concurrent_puts_of_one_id_through_both_end_with_exactly_one_version(
    replicas: tuple[str, str, Settings],
) -> None:
    a, b, settings = replicas
    versions = [{**DOCUMENT, "text": DOCUMENT["text"] + f"第{n}版的复购券只限门店使用。"} for n in range(2)]
    statuses: list[int] = []

    def put(url: str, body: dict[str, str]) -> None:
        for _ in range(3):
            statuses.append(httpx.put(f"{url}/v1/documents/rival", json=body, timeout=60).status_code)

    threads = [threading.Thread(target=put, args=pair) for pair in zip((a, b), versions, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) <= {200, 201}
    services = build_services(settings)
    try:
        stored = {c.chunk_id for c in services.store.iter_chunks() if c.source == "rival"}
        assert set(services.state.records.list_keys(group_ids=["rival"])) == stored
        assert set(services.state.postings(stored)) == stored
        expected = [
            {c.chunk_id for c in services.ingest.prepare([SourceDocument(id="rival", **body)])[0].chunks}
            for body in versions
        ]
        assert stored in expected  # one version whole, nothing of the other
    finally:
        services.close()
    within(1.0, lambda: _search(a, {"query": "复购券只限门店使用"}) == _search(b, {"query": "复购券只限门店使用"}))
