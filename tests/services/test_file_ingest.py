"""Files of every format through the indexing code: what is indexed, sections and pages, idempotence, edits,
and hostile files that must leave the index exactly as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor.assembly import Services
from advisor.services.documents import DocumentError
from tests.readers import content
from tests.readers.makers import (
    DOCX_BOILERPLATE,
    HTML_BOILERPLATE,
    HTML_PAGE,
    PDF_BOILERPLATE,
    write_docx,
    write_hostile,
    write_pdf,
    write_samples,
)

# A sentence of each format's article, and the heading of the section holding it.
ARTICLE = {
    "text": ("Keep the rules short: one link per customer", ""),
    "markdown": ("Reserva una hora cada lunes para decidir los cinco temas", "Planificar la semana"),
    "html": ("收银台是加好友转化率最高的位置", "第一步 把到店顾客加为好友"),
    "pdf": ("群主应在新成员入群二十四小时内私聊欢迎", "第二章 新成员留存"),
    "docx": ("Track each step from sign-up to first value", "Measuring the funnel"),
}
BOILERPLATE = {"html": HTML_BOILERPLATE, "pdf": PDF_BOILERPLATE, "docx": DOCX_BOILERPLATE}


def _snapshot(services: Services) -> tuple[list[str], int, dict[str, list[str]]]:
    chunks = sorted(chunk.chunk_id for chunk in services.store.iter_chunks())
    return chunks, services.store.count(), {k: sorted(v) for k, v in services.state.groups().items()}


@pytest.fixture
def indexed(fake_services: Services, tmp_path: Path) -> tuple[Services, dict[str, Path]]:
    samples = write_samples(tmp_path / "docs")
    report = fake_services.ingest.ingest_paths([tmp_path / "docs"])
    assert sorted(d.status for d in report.documents) == ["added"] * 5
    return fake_services, samples


@pytest.mark.parametrize("fmt", list(ARTICLE))
def test_each_format_is_indexed_with_its_sections_and_without_its_boilerplate(
    indexed: tuple[Services, dict[str, Path]], fmt: str
) -> None:
    services, samples = indexed
    source = samples[fmt].stem
    chunks = [c for c in services.store.iter_chunks() if c.source == source]
    sentence, heading = ARTICLE[fmt]
    holding = [c for c in chunks if sentence in c.text]
    assert holding, f"{sentence!r} is not indexed"
    assert all(c.section.endswith(heading) for c in holding)
    for phrase in BOILERPLATE.get(fmt, []):
        assert not any(phrase in c.text for c in chunks), f"boilerplate {phrase!r} was indexed"
    hits = services.retriever.search(sentence, 5)
    assert any(sentence in hit.chunk.text for hit in hits)
    if fmt == "pdf":
        assert {c.page for c in chunks} == {1, 2, 3} and holding[0].page == 2
    else:
        assert all(c.page is None for c in chunks)


def test_reingesting_the_same_files_writes_nothing(indexed: tuple[Services, dict[str, Path]]) -> None:
    services, samples = indexed
    before, version = _snapshot(services), services.state.version()
    report = services.ingest.ingest_paths([next(iter(samples.values())).parent])
    assert {d.status for d in report.documents} == {"unchanged"}
    assert _snapshot(services) == before and services.state.version() == version


def _edit(fmt: str, path: Path) -> None:
    if fmt == "pdf":
        parts = [
            *content.ZH_PARTS[:2],
            content.Part("第三章 活跃度维护", ["每周五的案例复盘改为每月一次的线下见面会。"]),
        ]
        write_pdf(path, content.ZH_TITLE, parts, chinese=True, running_header=PDF_BOILERPLATE[0])
    elif fmt == "docx":
        parts = [*content.EN_PARTS[:2], content.Part("Winning back quiet users", ["Quiet users get a call."])]
        write_docx(path, content.EN_TITLE, parts)
    elif fmt == "html":
        path.write_text(HTML_PAGE.replace("三十天内消费过的顾客每周只推送一次", "三十天内消费过的顾客每两周推送一次"))
    else:
        path.write_text(path.read_text(encoding="utf-8") + "\nA closing paragraph added in the second edition.\n")


@pytest.mark.parametrize("fmt", list(ARTICLE))
def test_a_changed_file_replaces_only_its_own_chunks(indexed: tuple[Services, dict[str, Path]], fmt: str) -> None:
    services, samples = indexed
    before = services.state.groups()
    _edit(fmt, samples[fmt])
    report = services.ingest.ingest_paths([samples[fmt].parent])
    changed = {d.source: d.status for d in report.documents if d.status != "unchanged"}
    assert changed == {samples[fmt].stem: "updated"}
    after = services.state.groups()
    for source, keys in before.items():
        if source != samples[fmt].stem:
            assert sorted(after[source]) == sorted(keys)
    assert set(after[samples[fmt].stem]) != set(before[samples[fmt].stem])


def test_hostile_files_leave_the_index_unchanged(indexed: tuple[Services, dict[str, Path]], tmp_path: Path) -> None:
    services, samples = indexed
    hostile = write_hostile(tmp_path / "hostile", samples)
    before = _snapshot(services)
    for name, (path, status, phrase) in hostile.items():
        alone = tmp_path / "one" / name
        alone.mkdir(parents=True)
        shutil.copy(path, alone / path.name)
        for target in (alone / path.name, alone):
            if target == alone and status == 415:
                continue  # a folder skips files of other types
            with pytest.raises(DocumentError) as error:
                services.ingest.ingest_paths([target])
            assert error.value.status == status and phrase in str(error.value), name
        assert _snapshot(services) == before, name
