from pathlib import Path

import pytest

from advisor.assembly import Services, build_services
from advisor.services.documents import DocumentError, make_document
from advisor.settings import Settings


def test_second_ingest_of_unchanged_corpus_writes_nothing(fake_services: Services) -> None:
    first = fake_services.ingest.ingest_paths()
    assert first.added > 100
    second = fake_services.ingest.ingest_paths()
    assert (second.added, second.updated, second.deleted) == (0, 0, 0)
    assert second.skipped == first.added
    assert {d.status for d in second.documents} == {"unchanged"}


def test_unchanged_corpus_is_not_rewritten_by_a_new_process(fake_settings: Settings) -> None:
    first = build_services(fake_settings)
    first.ingest.ingest_paths()
    first.close()
    again = build_services(fake_settings)
    report = again.ingest.ingest_paths()
    again.close()
    assert (report.added, report.updated, report.deleted) == (0, 0, 0)


def test_editing_one_file_reindexes_only_that_document(fake_services: Services, corpus_copy: Path) -> None:
    fake_services.ingest.ingest_paths()
    before = fake_services.state.groups()
    edited = corpus_copy / "operations-framework.en.txt"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("This article", "A brand new sentence about churn. This article", 1), "utf-8")

    report = fake_services.ingest.ingest_paths()

    changed = {d.source: d.status for d in report.documents if d.status != "unchanged"}
    assert changed == {"operations-framework.en": "updated"}
    after = fake_services.state.groups()
    for source in before:
        if source != "operations-framework.en":
            assert after[source] == before[source]
    assert report.added >= 1
    assert report.deleted >= 1
    assert fake_services.store.count() == sum(len(keys) for keys in after.values())
    hits = fake_services.retriever.search("A brand new sentence about churn.", 3)
    assert hits[0].chunk.source == "operations-framework.en"


def test_prune_removes_documents_no_longer_present(fake_services: Services, corpus_copy: Path) -> None:
    fake_services.ingest.ingest_paths()
    (corpus_copy / "get-and-keep-users.en.txt").unlink()
    kept = fake_services.ingest.ingest_paths()
    assert "get-and-keep-users.en" in fake_services.state.groups()
    assert kept.deleted == 0
    pruned = fake_services.ingest.ingest_paths(prune=True)
    assert "get-and-keep-users.en" not in fake_services.state.groups()
    assert pruned.deleted > 0
    assert not [
        h for h in fake_services.retriever.search("keep users", 20) if h.chunk.source == "get-and-keep-users.en"
    ]


def test_dry_run_reports_cleaning_and_writes_nothing(fake_services: Services) -> None:
    report = fake_services.ingest.ingest_paths(dry_run=True)
    assert report.dry_run
    assert report.added > 100
    assert fake_services.store.count() == 0
    removed = {c.source: c.removed for c in report.cleaning}
    assert "contact" in removed["business-operations-system.zh"]
    assert "repeated" in removed["ops-core-capabilities.es"]


def test_extra_files_and_folders_are_accepted_with_detected_language(fake_services: Services, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "notes.md").write_text("# Notas\nLa retención de usuarios depende del valor que reciben.", "utf-8")
    report = fake_services.ingest.ingest_paths([extra])
    assert [d.source for d in report.documents] == ["notes"]
    hit = fake_services.retriever.search("retención de usuarios", 1, sources=["notes"])[0]
    assert hit.chunk.language == "es"


@pytest.mark.parametrize(
    ("doc_id", "text", "language"),
    [("", "text", None), ("x", "   ", None), ("x", "a\x00b", None), ("x", "text", "fr")],
)
def test_bad_documents_are_rejected(doc_id: str, text: str, language: str | None) -> None:
    with pytest.raises(DocumentError):
        make_document(doc_id, text, language)


def test_bad_paths_are_rejected_and_nothing_is_lost(fake_services: Services, tmp_path: Path) -> None:
    fake_services.ingest.ingest_paths()
    count = fake_services.store.count()
    (tmp_path / "data.csv").write_text("a,b", "utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00bad")
    for bad in [tmp_path / "missing.txt", tmp_path / "data.csv", tmp_path / "binary.txt"]:
        with pytest.raises(DocumentError):
            fake_services.ingest.ingest_paths([bad])
    assert fake_services.store.count() == count
