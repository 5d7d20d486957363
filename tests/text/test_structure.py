"""Structure detection on documents written for the tests (zh/en/es) and on the real corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.services.documents import make_document, prepare, read_documents
from advisor.settings import ChunkingSettings
from advisor.text.cleaning import clean_text
from advisor.text.section_tree import label
from advisor.text.structure import parse_structure
from tests.conftest import CORPUS

FIXTURES = Path(__file__).parent / "fixtures" / "structure"
DOCUMENTS = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md"))


def _outline(path: Path) -> tuple[dict, list[tuple[str, ...]], list[tuple[tuple[str, ...], list[str]]]]:
    expected = json.loads(path.with_suffix(".outline.json").read_text(encoding="utf-8"))
    document = make_document(path.stem, path.read_text(encoding="utf-8"), expected["language"], expected["title"])
    text = clean_text(document.text, document.title).text
    structure = parse_structure(text, document.language)
    sections = [s.path for s in structure.sections if s.path]
    lists = []
    for found in structure.lists:
        path_of = structure.sections[found.section].path
        lists.append((path_of, [" ".join(text[a:b].split()) for a, b in found.items]))
    return expected, sections, lists


def _same_heading(found: str, wanted: str) -> bool:
    return label(found).rstrip("…") in label(wanted) or label(wanted) in label(found)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_headings_are_found_in_order_with_their_paths(path: Path) -> None:
    expected, sections, _ = _outline(path)
    wanted = [tuple(s) for s in expected["sections"]]
    assert len(sections) == len(wanted), f"{[s[-1] for s in sections]}"
    for found, target in zip(sections, wanted, strict=True):
        assert len(found) == len(target) and all(map(_same_heading, found, target)), (found, target)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_enumerations_are_kept_as_lists_in_their_sections(path: Path) -> None:
    expected, _, lists = _outline(path)
    for wanted in expected["lists"]:
        items = [item for item in wanted["items"]]
        match = [found for found in lists if len(found[1]) == len(items)
                 and all(_starts(f, w) for f, w in zip(found[1], items, strict=True))]  # fmt: skip
        assert match, f"list {items} not found among {[[i[:15] for i in f[1]] for f in lists]}"
        section = tuple(wanted["section"])
        assert any(len(m[0]) == len(section) and all(map(_same_heading, m[0], section)) for m in match), (
            section,
            [m[0] for m in match],
        )


def _starts(found: str, wanted: str) -> bool:
    body = found.lstrip("0123456789.、)）(（一二三四五六七八九十-*•· ").lower()
    wanted = wanted.lower().strip()
    return body.startswith(wanted) or found.lower().startswith(wanted) or wanted[:8] in found.lower()[:30]


def test_the_real_corpus_has_the_sections_its_articles_announce() -> None:
    documents = {d.id: d for d in read_documents([CORPUS])}
    prepared = prepare(documents["business-operations-system.zh"], ChunkingSettings())
    paths = [s.path for s in prepared.outline.sections]
    assert any(p[-1].startswith("第一步:你所处的行业的大环境") for p in paths if p)
    assert any(p[-1].startswith("三、如何搭建社群运营体系") for p in paths if p)
    chunk = next(c for c in prepared.chunks if "PEST打包带走" in c.text)
    assert chunk.section.startswith("业务运营体系搭建 ›") and "第一步" in chunk.section
    english = prepare(documents["get-and-keep-users.en"], ChunkingSettings())
    links = [lst for lst in english.outline.lists if len(lst.items) == 4]
    assert links, "the four core links are one list"
    text = clean_text(documents["get-and-keep-users.en"].text, documents["get-and-keep-users.en"].title).text
    assert [text[a:b].split()[1] for a, b in links[0].items] == ["Find", "Get", "Keep", "Stay"]


def test_chunks_stay_inside_sections_and_rebuild_the_text() -> None:
    document = read_documents([CORPUS])[0]
    prepared = prepare(document, ChunkingSettings())
    text = clean_text(document.text, document.title).text
    for chunk in prepared.chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        section = next(s for s in prepared.outline.sections if s.section_id == chunk.section_id)
        assert section.start <= chunk.end and chunk.start < max(section.end, chunk.end)


@pytest.mark.parametrize(
    ("language", "text", "lead"),
    [
        ("zh", "开网店卖水果的形式有很多种\n1、平台开店:上架商品\n2、朋友圈带货:熟人下单\n3、直播卖货:现场试吃\n",
         "开网店卖水果的形式有很多种"),
        ("en", "Ways to sell fruit online\n1. A marketplace shop with delivery\n2. Selling to friends in chat groups\n"
         "3. Live streams from the stall\n", "Ways to sell fruit online"),
        ("es", "Formas de vender fruta en internet\n1. Una tienda en un marketplace\n2. Venta en grupos de chat\n"
         "3. Directos desde el puesto\n", "Formas de vender fruta en internet"),
        ("en", "We sold apples at the school gate for a year.\n1. A marketplace shop with delivery\n"
         "2. Selling to friends in chat groups\n3. Live streams from the stall\n", None),
    ],
)  # fmt: skip
def test_an_unpunctuated_line_just_above_a_list_is_its_lead(language: str, text: str, lead: str | None) -> None:
    structure = parse_structure(text, language)  # type: ignore[arg-type]
    (found,) = structure.lists
    assert (text[found.lead[0] : found.lead[1]] if found.lead else None) == lead
