"""After an advisor process died holding the data directory: find the embedded store's vector segments that a
write cut short and clear them, so Chroma rebuilds them instead of crashing the next process that loads them.

Chroma rewrites a collection's HNSW files in place while it writes; a process killed midway leaves files that
make the loader raise, or crash the process with SIGSEGV. Each collection is therefore loaded in a child process
first. A segment that fails is removed: Chroma starts it again from its write-ahead log, and the services put
back the vectors of the chunks the log no longer holds (`restore_vectors`), from the stored text.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from advisor.backends.lock import cleaned_up, unclean_stop
from advisor.schemas import LANGUAGES, Language
from advisor.settings import Settings

_PROBE_SECONDS = 300


def check_store(settings: Settings) -> list[Language] | None:
    """None when the store needs no check; else the languages whose vectors must be restored: segments found
    broken now, and any that a check stopped midway had cleared. Call it before the store is opened."""
    if settings.store.mode != "embedded" or not unclean_stop(settings):
        return None
    pending_file = _pending(settings)
    pending = set(json.loads(pending_file.read_text(encoding="utf-8"))) if pending_file.exists() else set()
    names = {language: f"{settings.collection_name}-{language}" for language in LANGUAGES}
    broken = {language for language in LANGUAGES if not _loads(settings.chroma_dir, names[language])}
    if broken:
        # Recorded before the segments go, so a check that is itself stopped still restores them next time.
        pending_file.write_text(json.dumps(sorted(pending | broken)), encoding="utf-8")
        _clear_vector_segments(settings.chroma_dir, [names[language] for language in sorted(broken)])
    return [language for language in LANGUAGES if language in pending | broken]


def checked(settings: Settings) -> None:
    """The check is done and every vector is back."""
    _pending(settings).unlink(missing_ok=True)
    cleaned_up(settings)


def _pending(settings: Settings) -> Path:
    return settings.data_dir / "vectors-to-restore.json"


def _loads(chroma_dir: Path, name: str) -> bool:
    """Whether a child process can load the collection's vectors and search them (a missing one loads)."""
    if not (chroma_dir / "chroma.sqlite3").exists():
        return True
    probe = [sys.executable, "-m", "advisor.backends.store_probe", str(chroma_dir), name]
    try:
        return subprocess.run(probe, capture_output=True, timeout=_PROBE_SECONDS, check=False).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def _clear_vector_segments(chroma_dir: Path, names: list[str]) -> None:
    """Remove the HNSW files of the named collections; their records and write-ahead log stay."""
    query = (
        "SELECT segments.id FROM segments JOIN collections ON segments.collection = collections.id "
        f"WHERE segments.scope = 'VECTOR' AND collections.name IN ({', '.join('?' * len(names))})"
    )
    with closing(sqlite3.connect(f"file:{chroma_dir / 'chroma.sqlite3'}?mode=ro", uri=True)) as connection:
        segments = [row[0] for row in connection.execute(query, names)]
    for segment in segments:
        shutil.rmtree(chroma_dir / segment, ignore_errors=True)
