"""Scale mode: two servers (replicas) on one Chroma server and one PostgreSQL database see the same index."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.assembly import Services, build_services
from advisor.schemas import SourceDocument
from advisor.settings import EmbeddingSettings, Settings, StateSettings, StoreSettings
from advisor.text.terms import terms
from tests.conftest import running_chroma, running_postgres, within

pytestmark = pytest.mark.server
QUERY = terms("栗子蛋糕的复购活动", "zh")
DOCUMENT = SourceDocument(
    id="chestnut-cake", language="zh", title="栗子蛋糕",
    text="栗子蛋糕的复购活动要按季节安排。每到秋天,门店给老顾客发栗子蛋糕的复购券,两周内有效。",
)  # fmt: skip


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, Services]]:
    """Two assembled replicas, each with its own data directory, sharing a Chroma server and a database."""
    with running_chroma(tmp_path_factory.mktemp("chroma")) as port, running_postgres() as url:
        built = []
        for name in ("a", "b"):
            settings = Settings(data_dir=tmp_path_factory.mktemp(name), corpus_dir=tmp_path_factory.mktemp("corpus"),
                                embeddings=EmbeddingSettings(backend="fake"),
                                store=StoreSettings(mode="http", port=port, collection="shared"),
                                state=StateSettings(url=url))  # fmt: skip
            built.append(build_services(settings))
        try:
            yield built[0], built[1]
        finally:
            for services in built:
                services.close()


def test_a_write_through_one_replica_reaches_the_others_lexical_search_within_a_second(
    replicas: tuple[Services, Services],
) -> None:
    first, second = replicas
    assert first.ingest.put(DOCUMENT).status == "added"
    within(1.0, lambda: bool(second.lexical.scores(QUERY, "zh")))
    assert second.lexical.scores(QUERY, "zh") == pytest.approx(first.lexical.scores(QUERY, "zh"))  # same BM25
    assert second.sections.outline("chestnut-cake") is not None
    assert first.ingest.delete("chestnut-cake") > 0
    within(1.0, lambda: not second.lexical.scores(QUERY, "zh"))
    assert second.sections.outline("chestnut-cake") is None


def test_writes_of_one_document_from_two_replicas_at_once_are_serialised(replicas: tuple[Services, Services]) -> None:
    first, second = replicas
    versions = [DOCUMENT.model_copy(update={"text": DOCUMENT.text + f"第{n}版。"}) for n in range(2)]
    errors: list[BaseException] = []

    def write(services: Services, document: SourceDocument) -> None:
        try:
            for _ in range(3):
                services.ingest.put(document)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=pair) for pair in zip((first, second), versions, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    recorded = set(first.state.records.list_keys(group_ids=["chestnut-cake"]))
    stored = {c.chunk_id for c in first.store.iter_chunks() if c.source == "chestnut-cake"}
    assert recorded == stored and stored  # one version's chunks, no leftovers of the other
    assert set(first.state.postings(recorded)) == recorded
    expected = [{c.chunk_id for c in first.ingest.prepare([version])[0].chunks} for version in versions]
    assert stored in expected
    within(1.0, lambda: second.lexical.scores(QUERY, "zh").keys() == first.lexical.scores(QUERY, "zh").keys())


def test_the_embedded_default_keeps_its_state_in_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, embeddings=EmbeddingSettings(backend="fake"))
    assert settings.state_url == f"sqlite:///{tmp_path / 'state-advisor-fake.sqlite'}"
