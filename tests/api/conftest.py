"""API fixtures: an app on fake embeddings over an indexed copy of the corpus, and a client for it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from advisor.api.app import create_app
from advisor.assembly import build_services
from advisor.settings import ApiSettings, EmbeddingSettings, GeneratorSettings, Settings

AppFactory = Callable[..., TestClient]


@pytest.fixture(scope="module")
def indexed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the corpus indexed with fake embeddings (built once per module)."""
    data_dir = tmp_path_factory.mktemp("api-data")
    services = build_services(api_settings(data_dir))
    services.ingest.ingest_paths(None)
    services.close()
    return data_dir


def api_settings(data_dir: Path, **changes: object) -> Settings:
    """Fake embeddings and the extractive generator on `data_dir`; `changes` override top-level fields (e.g. `api`)."""
    settings = Settings(data_dir=data_dir, embeddings=EmbeddingSettings(backend="fake"), generator=GeneratorSettings())
    return settings.model_copy(update=changes)


def started(app: FastAPI) -> Iterator[TestClient]:
    """A client on `app` once its services have loaded."""
    with TestClient(app, raise_server_exceptions=False) as client:
        assert app.state.runtime.wait_ready(60)
        yield client


@pytest.fixture
def make_client(indexed_dir: Path) -> Iterator[AppFactory]:
    """Start an app on the indexed corpus with changed settings; stopped after the test."""
    running: list[Iterator[TestClient]] = []

    def make(**changes: object) -> TestClient:
        clients = started(create_app(api_settings(indexed_dir, **changes)))
        running.append(clients)
        return next(clients)

    yield make
    for clients in running:
        next(clients, None)


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    """A client on the default app (no keys, no rate limit)."""
    return make_client(api=ApiSettings())


@pytest.fixture
def writable_client(indexed_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A client on a private copy of the index, for tests that add or delete documents."""
    data_dir = tmp_path / "data"
    shutil.copytree(indexed_dir, data_dir)
    yield from started(create_app(api_settings(data_dir)))
