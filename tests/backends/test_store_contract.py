"""One contract for the index's parts (chunk store, records, lexical postings) in the embedded mode and in scale
mode; scale mode starts `chroma run` and PostgreSQL on 127.0.0.1 itself."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.assembly import Services, build_services
from advisor.schemas import SourceDocument
from advisor.services.consistency import RepairReport, load_lexical
from advisor.settings import EmbeddingSettings, Settings, StateSettings, StoreSettings
from advisor.text.terms import terms
from tests.conftest import CORPUS, running_chroma, running_postgres


class StoreContract:
    """Behaviour every `ChunkStore` backend must have, exercised through the services."""

    @pytest.fixture
    def services(self, settings: Settings) -> Iterator[Services]:
        built = build_services(settings)
        built.ingest.ingest_paths()
        yield built
        built.close()

    def test_counts_and_iterates_every_chunk(self, services: Services) -> None:
        chunks = list(services.store.iter_chunks())
        assert len(chunks) == services.store.count() > 100
        assert len({c.chunk_id for c in chunks}) == len(chunks)

    def test_nearest_returns_ids_with_cosine_similarity(self, services: Services) -> None:
        chunk = next(services.store.iter_chunks())
        vector = services.store.vectors([chunk.chunk_id])[chunk.chunk_id]
        found = services.store.nearest(vector, 3, chunk.language)
        assert found[0][0] == chunk.chunk_id
        assert found[0][1] == pytest.approx(1.0, abs=1e-3)
        assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)

    def test_nearest_searches_one_language_and_filters_by_source(self, services: Services) -> None:
        vector = services.embeddings.embed_query("用户")
        assert {c.language for c in services.store.get([i for i, _ in services.store.nearest(vector, 5, "es")])} == {
            "es"
        }
        found = services.store.get([i for i, _ in services.store.nearest(vector, 5, "en", ["operations-framework.en"])])
        assert {c.source for c in found} == {"operations-framework.en"}

    def test_get_and_similarities_by_id(self, services: Services) -> None:
        chunks = [c for c in services.store.iter_chunks() if c.language == "en"][:3]
        ids = [c.chunk_id for c in chunks]
        assert [c.chunk_id for c in services.store.get([*ids, "missing"])] == ids
        vectors = services.store.vectors([*ids, "missing"])
        assert set(vectors) == set(ids)
        vector = vectors[ids[0]]
        scored = services.store.similarities(vector, [*ids, "missing"], "en")
        assert set(scored) == set(ids)
        assert scored[ids[0]] == pytest.approx(1.0, abs=1e-3)

    def test_chunks_between_offsets_rebuild_a_section(self, services: Services) -> None:
        chunks = sorted((c for c in services.store.iter_chunks() if c.source == "get-and-keep-users.en"),
                        key=lambda c: c.position)  # fmt: skip
        middle = chunks[5]
        found = services.store.between("en", middle.source, middle.start, middle.end)
        assert middle.chunk_id in {c.chunk_id for c in found}
        assert all(c.start < middle.end and c.end > middle.start for c in found)
        assert [c.start for c in found] == sorted(c.start for c in found)
        section = services.sections.section_text(middle.section_id)
        assert section is not None and middle.text in section.text

    def test_delete_removes_chunks_in_any_language(self, services: Services) -> None:
        ids = [c.chunk_id for c in services.store.iter_chunks() if c.language != "zh"][:2]
        before = services.store.count()
        services.store.delete(ids)
        assert services.store.get(ids) == []
        assert services.store.count() == before - 2

    def test_reingest_is_idempotent(self, services: Services) -> None:
        report = services.ingest.ingest_paths([CORPUS])
        assert (report.added, report.updated, report.deleted) == (0, 0, 0)

    def test_records_and_postings_agree_with_the_store(self, services: Services) -> None:
        stored = {c.chunk_id for c in services.store.iter_chunks()}
        assert {key for keys in services.state.groups().values() for key in keys} == stored
        assert set(services.state.postings()) == stored
        assert services.ingest.repair() == RepairReport()

    def test_record_manager_contract(self, services: Services) -> None:
        records = services.state.records
        before = records.get_time()
        time.sleep(0.01)  # SQLite's clock has millisecond resolution
        records.update(["k1", "k2", "k3"], group_ids=["g1", "g1", "g2"])
        assert records.exists(["k1", "k3", "missing"]) == [True, True, False]
        assert sorted(records.list_keys(group_ids=["g1"])) == ["k1", "k2"]
        assert set(records.list_keys(after=before)) >= {"k1", "k2", "k3"}
        records.delete_keys(["k1", "k2", "k3"])
        assert records.exists(["k1", "k2", "k3"]) == [False, False, False]
        assert records.get_time() >= before

    def test_the_lexical_index_rebuilt_from_the_postings_ranks_as_the_live_one(self, services: Services) -> None:
        rebuilt, version = load_lexical(services.state)
        assert version == services.state.version() > 0
        for query, language in (("用户留存", "zh"), ("keep users coming back", "en"), ("retener usuarios", "es")):
            words = terms(query, language)
            assert rebuilt.scores(words, language) == pytest.approx(services.lexical.scores(words, language))

    def test_a_write_is_logged_for_other_servers(self, services: Services) -> None:
        version = services.state.version()
        document = SourceDocument(id="log-check", language="en", title="Log",
                                  text="Weekly reviews of retention keep a team honest about churn.")  # fmt: skip
        services.ingest.put(document)
        logged = services.state.changes(version)
        assert {c.kind for c in logged} == {"chunk", "outline"}
        assert "log-check" in {c.key for c in logged if c.kind == "outline"}


class TestEmbeddedStore(StoreContract):
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return Settings(data_dir=tmp_path, embeddings=EmbeddingSettings(backend="fake"))


@pytest.mark.server
class TestScaleMode(StoreContract):
    @pytest.fixture(scope="class")
    def servers(self, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
        with running_chroma(tmp_path_factory.mktemp("chroma-server")) as port, running_postgres() as url:
            yield port, url

    @pytest.fixture
    def settings(self, tmp_path: Path, servers: tuple[int, str], request: pytest.FixtureRequest) -> Settings:
        collection = f"t{abs(hash(request.node.name)) % 10**8}"  # a collection and a state namespace per test
        return Settings(
            data_dir=tmp_path,
            embeddings=EmbeddingSettings(backend="fake"),
            store=StoreSettings(mode="http", port=servers[0], collection=collection),
            state=StateSettings(url=servers[1]),
        )
