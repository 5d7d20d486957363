"""One contract for every chunk store; the http variant starts `chroma run` on 127.0.0.1 itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.assembly import Services, build_services
from advisor.settings import EmbeddingSettings, Settings, StoreSettings
from tests.conftest import CORPUS, running_chroma


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


class TestEmbeddedStore(StoreContract):
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return Settings(data_dir=tmp_path, embeddings=EmbeddingSettings(backend="fake"))


@pytest.mark.server
class TestHttpStore(StoreContract):
    @pytest.fixture(scope="class")
    def chroma_server(self, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
        with running_chroma(tmp_path_factory.mktemp("chroma-server")) as port:
            yield port

    @pytest.fixture
    def settings(self, tmp_path: Path, chroma_server: int, request: pytest.FixtureRequest) -> Settings:
        collection = f"t{abs(hash(request.node.name)) % 10**8}"
        return Settings(
            data_dir=tmp_path,
            embeddings=EmbeddingSettings(backend="fake"),
            store=StoreSettings(mode="http", port=chroma_server, collection=collection),
        )
