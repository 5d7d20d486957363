"""A process that died holding the data directory can leave a vector segment that crashes or fails whatever loads
it next: the next writer finds it, clears it and puts every vector back, so nothing stored is lost."""

from __future__ import annotations

import os
import random
import sqlite3
import struct
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from advisor.assembly import build_services
from advisor.schemas import SourceDocument
from advisor.settings import EmbeddingSettings, Settings
from tests.conftest import CORPUS

pytestmark = pytest.mark.server
ADVISOR = str(Path(sys.executable).with_name("advisor"))


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, corpus_dir=CORPUS, embeddings=EmbeddingSettings(backend="fake"))


def _run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ADVISOR_DATA_DIR": str(settings.data_dir), "ADVISOR_CORPUS_DIR": str(CORPUS),
                   "ADVISOR_EMBEDDINGS__BACKEND": "fake"}  # fmt: skip
    return subprocess.run([ADVISOR, *args], env=environment, capture_output=True, text=True, timeout=300, check=False)


def _vector_segment(settings: Settings, language: str) -> Path:
    query = (
        "SELECT segments.id FROM segments JOIN collections ON segments.collection = collections.id "
        "WHERE segments.scope = 'VECTOR' AND collections.name = ?"
    )
    with closing(sqlite3.connect(settings.chroma_dir / "chroma.sqlite3")) as connection:
        (segment,) = connection.execute(query, [f"{settings.collection_name}-{language}"]).fetchone()
    return settings.chroma_dir / segment


def _enter_point_out_of_range(segment: Path) -> None:
    """The header names an entry node past the stored ones, as a header written before its data is: SIGSEGV."""
    header = bytearray((segment / "header.bin").read_bytes())
    header[52:56] = struct.pack("<i", 10**8)
    (segment / "header.bin").write_bytes(header)


def _id_map_cut_short(segment: Path) -> None:
    """The id map written halfway: every read of the collection raises."""
    pickled = segment / "index_metadata.pickle"
    pickled.write_bytes(pickled.read_bytes()[: pickled.stat().st_size // 2])


def _loads(settings: Settings, language: str) -> int:
    probe = [sys.executable, "-m", "advisor.backends.store_probe", str(settings.chroma_dir),
             f"{settings.collection_name}-{language}"]  # fmt: skip
    return subprocess.run(probe, capture_output=True, timeout=300, check=False).returncode


@pytest.mark.parametrize("damage", [_enter_point_out_of_range, _id_map_cut_short])
def test_a_segment_left_broken_by_a_dead_writer_is_rebuilt_by_the_next(
    tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    settings = _settings(tmp_path / "data")
    assert _run(settings, "ingest", "--prune").returncode == 0
    text = "\n\n".join(f"第{n}节:每周复盘第{n}组留存数据,再看转化。" * 3 for n in range(2000))
    document = SourceDocument(id="weekly-review", language="zh", title="复盘", text=text)
    with closing(build_services(settings)) as services:
        # Enough writes that Chroma has written the collection's HNSW files (it does every 1,000 changes).
        services.ingest.put(document)
        services.ingest.delete(document.id)
        services.ingest.put(document)
        ids = sorted(chunk.chunk_id for chunk in services.store.iter_chunks())
        vectors = services.store.vectors(ids)
        found = services.retriever.search("每周复盘留存数据", k=5)
    segment = _vector_segment(settings, "zh")
    assert (segment / "index_metadata.pickle").exists()

    damage(segment)
    (settings.data_dir / "writer.owner").write_text("advisor serve pid 999999")  # its holder died
    assert _loads(settings, "zh") != 0, "the damage does not break the segment: this test would prove nothing"
    assert _loads(settings, "en") == 0

    ingest = _run(settings, "ingest")
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    assert "vectors restored" in ingest.stderr
    assert _loads(settings, "zh") == 0
    with closing(build_services(settings)) as services:
        assert sorted(chunk.chunk_id for chunk in services.store.iter_chunks()) == ids
        assert services.store.count() == len(ids)
        restored = services.store.vectors(ids)
        assert restored.keys() == vectors.keys()
        assert all(max(abs(a - b) for a, b in zip(restored[i], vectors[i], strict=True)) < 1e-5 for i in ids)
        # The rebuilt graph finds every vector (a sample) by itself.
        zh = [chunk.chunk_id for chunk in services.store.get(ids) if chunk.language == "zh"]
        for chunk_id in random.Random(7).sample(zh, 60):
            assert chunk_id in [i for i, _ in services.store.nearest(vectors[chunk_id], 3, "zh")]
        assert services.retriever.search("每周复盘留存数据", k=1)[0].chunk.source == found[0].chunk.source
    assert not (settings.data_dir / "writer.died").exists()
    assert not (settings.data_dir / "vectors-to-restore.json").exists()


def test_a_clean_stop_leaves_nothing_to_check(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "data")
    assert _run(settings, "ingest", "--prune").returncode == 0
    again = _run(settings, "ingest")
    assert again.returncode == 0
    assert "vectors restored" not in again.stderr
    assert not (settings.data_dir / "writer.died").exists()
