"""CLI tests read settings from the environment: fake embeddings, a temporary data dir, a corpus copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.settings import get_settings


@pytest.fixture(autouse=True)
def fake_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, corpus_copy: Path) -> None:
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ADVISOR_CORPUS_DIR", str(corpus_copy))
    monkeypatch.setenv("ADVISOR_EMBEDDINGS__BACKEND", "fake")
    get_settings.cache_clear()
