"""Writes killed with SIGKILL at any point: the next ingest leaves exactly the index a clean run would."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from chromadb.api.models.Collection import Collection
from langchain_classic.indexes import SQLRecordManager

from advisor.assembly import build_services
from advisor.backends.state import IndexState
from advisor.schemas import SourceDocument
from advisor.settings import EmbeddingSettings, Settings
from tests.conftest import CORPUS, free_port, wait_ready

pytestmark = pytest.mark.server
ADVISOR = str(Path(sys.executable).with_name("advisor"))


def _settings(data_dir: Path, corpus: Path) -> Settings:
    return Settings(data_dir=data_dir, corpus_dir=corpus, embeddings=EmbeddingSettings(backend="fake"))


def _environment(settings: Settings) -> dict[str, str]:
    return {**os.environ, "ADVISOR_DATA_DIR": str(settings.data_dir), "ADVISOR_CORPUS_DIR": str(settings.corpus_dir),
            "ADVISOR_EMBEDDINGS__BACKEND": "fake", "ADVISOR_API__MAX_BODY_BYTES": "8000000"}  # fmt: skip


def _ingest(settings: Settings, *args: str) -> None:
    subprocess.run([ADVISOR, "ingest", *args], env=_environment(settings), check=True,
                   capture_output=True, timeout=300)  # fmt: skip


def _index(settings: Settings) -> tuple[set[str], set[str], int]:
    """The consistent index's chunk ids, outlined documents and vector count; fails on any disagreement between
    its parts."""
    services = build_services(settings)
    try:
        stored = list(services.store.iter_chunks())
        ids = [chunk.chunk_id for chunk in stored]
        assert len(ids) == len(set(ids)), "a chunk is stored twice"
        assert len({(c.source, c.position) for c in stored}) == len(stored), "two versions of a document are stored"
        assert {key for keys in services.state.groups().values() for key in keys} == set(ids), "records ≠ store"
        assert set(services.state.postings()) == set(ids), "lexical entries ≠ store"
        assert all(services.lexical.contains(chunk_id) for chunk_id in ids)
        assert not services.state.intents()
        sources = {chunk.source for chunk in stored}
        assert set(services.state.outlines()) == sources, "outlines ≠ documents"
        return set(ids), sources, services.store.count()
    finally:
        services.close()


def _edit(corpus: Path) -> None:
    """A change that makes an ingest add, update and delete documents."""
    files = sorted(corpus.iterdir())
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\n\n补充:每周复盘一次数据。\n", encoding="utf-8")
    files[1].unlink()
    (corpus / "new-notes.en.md").write_text("# Notes\n\nReview retention every week with the team.\n" * 3)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], set[str], int]:
    """The index a clean ingest of the corpus gives."""
    settings = _settings(tmp_path_factory.mktemp("reference"), CORPUS)
    _ingest(settings, "--prune")
    return _index(settings)


class Crash(BaseException):
    """A process dying at this point (no handler of the advisor's catches it)."""


WRITES = [
    (Collection, "upsert"), (Collection, "add"), (Collection, "delete"), (Collection, "update"),
    (SQLRecordManager, "update"), (SQLRecordManager, "delete_keys"),
    (IndexState, "save_postings"), (IndexState, "delete_postings"), (IndexState, "save_outline"),
    (IndexState, "delete_outline"), (IndexState, "begin"), (IndexState, "end"),
]  # fmt: skip


def _crash_before_write(monkeypatch: pytest.MonkeyPatch, number: int) -> list[str]:
    """Make the `number`-th write of any kind (vectors, records, postings, outlines, intents) crash before it
    happens; returns the log of writes made."""
    made: list[str] = []
    for owner, name in WRITES:
        original = getattr(owner, name)

        def counted(self: object, *args: object, _original: Any = original, _name: str = name, **kwargs: object) -> Any:
            if len(made) + 1 == number:
                raise Crash(_name)
            made.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(owner, name, counted)
    return made


def test_an_ingest_stopped_before_any_of_its_writes_is_repaired_by_the_next(
    tmp_path: Path, reference: tuple[set[str], set[str], int]
) -> None:
    """Every point between two writes of an ingest that adds, updates and deletes documents, one at a time."""
    number = 1
    while True:
        corpus = tmp_path / f"corpus-{number}"
        shutil.copytree(CORPUS, corpus)
        settings = _settings(tmp_path / f"data-{number}", corpus)
        with closing(build_services(settings)) as services:
            services.ingest.ingest_paths(prune=True)
        _edit(corpus)
        with pytest.MonkeyPatch.context() as monkeypatch:
            made = _crash_before_write(monkeypatch, number)
            services = build_services(settings)
            try:
                services.ingest.ingest_paths(prune=True)
                finished = True
            except Crash:
                finished = False
            services.close()
        shutil.rmtree(corpus)
        shutil.copytree(CORPUS, corpus)  # the next ingest is of the original corpus: what the stopped one began must go
        with closing(build_services(settings)) as services:
            services.ingest.ingest_paths(prune=True)
        assert _index(settings) == reference, f"after a stop before write {number} ({made[-3:]} done)"
        if finished:
            break
        number += 1
    # Each kind of write was a stopping point: vectors, records, postings, outlines, intents.
    assert {"upsert", "delete", "update", "delete_keys", "save_postings", "delete_postings", "save_outline",
            "delete_outline", "begin", "end"} <= set(made), made  # fmt: skip


# Real SIGKILLs at seeded random moments: an ingest of the edited corpus takes about 2.5 s here (start-up first),
# a PUT of the large document about 3 s.
SEED = 20261201
INGEST_KILLS = 12
SERVER_KILLS = 10


def test_ingests_killed_at_random_moments_are_repaired_by_the_next(
    tmp_path: Path, reference: tuple[set[str], set[str], int]
) -> None:
    moments = random.Random(SEED).sample([round(0.8 + 0.05 * n, 2) for n in range(50)], INGEST_KILLS)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = _settings(tmp_path / "data", corpus)
    _ingest(settings, "--prune")
    for delay in moments:
        _edit(corpus)  # the killed ingest adds, updates and deletes documents
        process = subprocess.Popen([ADVISOR, "ingest", "--prune"], env=_environment(settings),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(delay)
        process.kill()
        process.wait(10)
        shutil.rmtree(corpus)
        shutil.copytree(CORPUS, corpus)  # the next ingest is of the original corpus: what the killed one began goes
        _ingest(settings, "--prune")
        assert _index(settings) == reference, f"seed {SEED}, killed after {delay} s"


def test_servers_killed_during_a_document_write_are_repaired_by_the_next_ingest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moments = random.Random(SEED + 1).sample([round(0.1 * n, 2) for n in range(1, 40)], SERVER_KILLS)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = _settings(tmp_path / "data", corpus)
    _ingest(settings, "--prune")
    before = _index(settings)
    text = "\n\n".join(f"第{n}节:每周复盘第{n}组留存数据,再看转化。" * 3 for n in range(2000))
    document = SourceDocument(id="weekly-review", language="zh", title="复盘", text=text)
    with closing(build_services(settings)) as services:
        whole = {chunk.chunk_id for chunk in services.ingest.prepare([document])[0].chunks}
    outcomes = []
    for delay in moments:
        port = free_port()
        server = subprocess.Popen([ADVISOR, "serve", "--port", str(port)], env=_environment(settings),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(f"{url}/readyz")
            body = document.model_dump(include={"text", "language", "title"})
            threading.Thread(target=_put_quietly, args=(f"{url}/v1/documents/weekly-review", body), daemon=True).start()
            time.sleep(delay)
        finally:
            server.send_signal(signal.SIGKILL)
            server.wait(10)
        _ingest(settings)  # without --prune: the document is not in the corpus
        ids, _, count = _index(settings)
        assert count == len(ids)
        assert ids - before[0] in (set(), whole), f"seed {SEED + 1}, killed after {delay} s: part of the document"
        assert before[0] <= ids, f"seed {SEED + 1}, killed after {delay} s: something stored was lost"
        outcomes.append("whole" if ids - before[0] else "absent")
        with closing(build_services(settings)) as services:
            services.ingest.delete("weekly-review")  # the next kill starts from the same index
    assert len(outcomes) == SERVER_KILLS
    with capsys.disabled():
        print(
            f"\nserver kills (seed {SEED + 1}): "
            + ", ".join(f"{d} s {o}" for d, o in zip(moments, outcomes, strict=True))
        )


def _put_quietly(url: str, body: dict[str, str]) -> None:
    with contextlib.suppress(httpx.HTTPError):
        httpx.put(url, json=body, timeout=30)
