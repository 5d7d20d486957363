"""Shared fixtures: settings that select deterministic fakes and a temporary data directory."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.assembly import Services, build_services
from advisor.settings import PROJECT_ROOT, EmbeddingSettings, Settings

CORPUS = PROJECT_ROOT / "corpus"


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def fake_settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    """Settings with fake embeddings, a temporary data dir and a copy of the corpus."""
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy, embeddings=EmbeddingSettings(backend="fake"))


@pytest.fixture
def fake_services(fake_settings: Settings) -> Iterator[Services]:
    """Assembled services on fake embeddings."""
    services = build_services(fake_settings)
    yield services
    services.close()
