"""Generic cleaning on pages written for the tests: promotion mixed with real content, in zh, en and es."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.services.documents import make_document, prepare_all
from advisor.settings import ChunkingSettings

FIXTURES = Path(__file__).parent / "fixtures" / "cleaning"
PAGES = sorted(FIXTURES.glob("*.txt"))


def _site(path: Path) -> list[Path]:
    """The pages of the same site (`name-1`, `name-2`, …), or the page alone."""
    stem = path.name.split(".")[0]
    if stem[-2:-1] == "-" and stem[-1].isdigit():
        return sorted(FIXTURES.glob(f"{stem[:-2]}-*.txt"))
    return [path]


def _cleaned(path: Path) -> tuple[str, str]:
    """The page's title (kept as the document's title, not in the body) and its cleaned text."""
    pages = _site(path)
    documents = [
        make_document(p.name.split(".")[0], p.read_text(encoding="utf-8"), p.name.split(".")[1]) for p in pages
    ]
    prepared = prepare_all(documents, ChunkingSettings())
    page = next(d for d in prepared if d.source.id == path.name.split(".")[0])
    return page.source.title, page.cleaned.text


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_promotion_and_site_text_go_and_content_stays(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expect.json").read_text(encoding="utf-8"))
    title, text = _cleaned(path)
    cleaned = " ".join(text.split())
    kept_missing = [k for k in expected["keep"] if " ".join(k.split()) not in cleaned and k.strip() != title.strip()]
    removed_present = [r for r in expected["remove"] if " ".join(r.split()) in cleaned]
    assert not kept_missing, f"content removed: {kept_missing}"
    assert not removed_present, f"promotion or site text kept: {removed_present}"
