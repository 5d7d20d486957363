"""Each reader on documents written by the tests: sections, pages, lists and tables, and what is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.readers import DocxLoader, FileLimits, MarkdownLoader, PdfLoader, PlainTextLoader, as_markdown, loader_for
from advisor.readers.pdf import reflow
from advisor.readers.registry import sniff
from advisor.services.documents import DocumentError, make_document, prepare, read_file
from advisor.settings import ChunkingSettings
from tests.readers import content
from tests.readers.makers import DOCX_BOILERPLATE, PDF_BOILERPLATE, write_docx, write_pdf, write_samples


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_samples(tmp_path_factory.mktemp("samples"))


def _sections(documents: list) -> list[str]:
    return [d.metadata["section"] for d in documents]


def test_pdf_outline_gives_sections_and_pages(samples: dict[str, Path]) -> None:
    documents = list(PdfLoader(samples["pdf"]).lazy_load())
    assert {d.metadata["page"] for d in documents} == {1, 2, 3}
    by_section = {d.metadata["section"]: d for d in documents}
    assert list(by_section) == [part.heading for part in content.ZH_PARTS]
    assert by_section["第二章 新成员留存"].metadata["page"] == 2
    text = "".join(d.page_content for d in documents)
    assert content.ZH_PARTS[2].paragraphs[1] in text
    for phrase in PDF_BOILERPLATE:
        assert phrase not in text
    assert not any(line.strip().isdigit() for d in documents for line in d.page_content.splitlines())


def test_pdf_without_outline_keeps_pages_and_the_text_shows_its_headings(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "guide.pdf", content.ES_TITLE, content.ES_PARTS, outline=False)
    document = read_file(path, FileLimits())
    assert document.format == "pdf" and document.language == "es" and len(document.page_breaks) == 2
    chunks = prepare(document, ChunkingSettings()).chunks
    found = {c.section.split(" › ")[-1]: c.page for c in chunks}
    assert found == {part.heading: page for page, part in enumerate(content.ES_PARTS, 1)}


def test_wrapped_pdf_lines_are_joined_into_one_paragraph(tmp_path: Path) -> None:
    long = "Retention grows when every new member finds one useful conversation in the first week, " * 5
    long += "and the host follows up in person."
    path = write_pdf(tmp_path / "long.pdf", "Long", [content.Part("Welcome", [long, "A short closing line."])])
    text = "\n".join(d.page_content for d in PdfLoader(path).lazy_load())
    assert long in text.replace("\n", " ")
    assert any(long in line for line in text.splitlines())
    assert reflow(["short", "lines stay apart"]) == ["short", "lines stay apart"]


def test_docx_headings_lists_and_tables(samples: dict[str, Path]) -> None:
    documents = list(DocxLoader(samples["docx"]).lazy_load())
    assert _sections(documents) == [part.heading for part in content.EN_PARTS]
    assert documents[0].metadata["title"] == content.EN_TITLE
    first = documents[0].page_content.splitlines()
    assert "1. Send a welcome email within ten minutes of sign-up." in first
    assert "3. Offer a live onboarding call to teams of five or more." in first
    assert "Sign-up to checklist; 60%" in documents[1].page_content
    assert all(DOCX_BOILERPLATE[0] not in d.page_content for d in documents)


def test_docx_nested_headings_make_a_path(tmp_path: Path) -> None:
    parts = [content.Part("Growth", ["Growth comes from three loops that feed each other every month."]),
             content.Part("Referral loop", ["Each customer invites one more on average."], level=2),
             content.Part("Pricing", ["Prices are reviewed each quarter against the market."])]  # fmt: skip
    documents = list(DocxLoader(write_docx(tmp_path / "n.docx", "Nested", parts, numbered=False)).lazy_load())
    assert [d.metadata["headings"] for d in documents] == [["Growth"], ["Growth", "Referral loop"], ["Pricing"]]


def test_markdown_headings_are_sections_but_not_inside_code(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# Guide\n\nIntro.\n\n## Setup\n\n```\n# not a heading\n```\n\nDone.\n\nUsage\n-----\n\nRun it.\n")
    documents = list(MarkdownLoader(path).lazy_load())
    assert [d.metadata["headings"] for d in documents] == [["Guide"], ["Guide", "Setup"], ["Guide", "Usage"]]
    assert "# not a heading" in documents[1].page_content


def test_plain_text_is_read_as_written(samples: dict[str, Path]) -> None:
    (document,) = PlainTextLoader(samples["text"]).lazy_load()
    assert document.page_content == content.TXT_TEXT and document.metadata["section"] == ""
    assert read_file(samples["text"], FileLimits()).text.strip() == content.TXT_TEXT.strip()


def test_as_markdown_writes_headings_once_and_marks_page_starts(samples: dict[str, Path]) -> None:
    text, breaks, title = as_markdown(PdfLoader(samples["pdf"]).lazy_load())
    assert title == content.ZH_TITLE
    assert text.count("# 第一章 社群拉新") == 1 and len(breaks) == 2
    assert text[breaks[0] :].startswith("# 第二章 新成员留存")


def test_the_type_comes_from_the_extension_and_must_match_the_content(samples: dict[str, Path]) -> None:
    assert sniff(samples["pdf"].read_bytes()[:8192]) == "pdf"
    assert sniff(samples["docx"].read_bytes()[:8192]) == "zip"
    assert sniff(samples["html"].read_bytes()[:8192]) == "html"
    assert sniff(samples["text"].read_bytes()[:8192]) == "text"
    assert isinstance(loader_for(samples["pdf"], content_type="application/pdf"), PdfLoader)
    with pytest.raises(ValueError, match="does not match the extension"):
        loader_for(samples["pdf"], content_type="text/html")
    with pytest.raises(ValueError, match="unsupported content type"):
        loader_for(samples["pdf"], content_type="image/png")


def test_limits_are_checked_before_parsing(samples: dict[str, Path]) -> None:
    with pytest.raises(DocumentError, match="over the limit") as error:
        read_file(samples["pdf"], FileLimits(max_pages=2))
    assert error.value.status == 413
    with pytest.raises(DocumentError, match="over the limit"):
        read_file(samples["docx"], FileLimits(max_file_bytes=1_024))


def test_the_language_is_identified_and_other_languages_are_refused() -> None:
    french = "La fidélisation des clients repose sur une relation de confiance construite dans la durée. " * 4
    with pytest.raises(DocumentError, match="'fr'"):
        make_document("fr-doc", french)
    assert make_document("fr-doc", french, language="es").language == "es"
    assert make_document("zh-doc", "社群运营的关键是让新成员尽快获得价值。").language == "zh"
    assert make_document("es-doc", "La retención depende del valor que recibe cada usuario.").language == "es"


@pytest.mark.parametrize(("module", "fmt"), [("trafilatura", "html"), ("pypdf", "pdf"), ("docx", "docx")])
def test_a_missing_extra_names_its_install_command(
    samples: dict[str, Path], monkeypatch: pytest.MonkeyPatch, module: str, fmt: str
) -> None:
    monkeypatch.setitem(__import__("sys").modules, module, None)  # importing it now fails, as without the extra
    with pytest.raises(DocumentError, match=r"pip install 'operations-advisor\[formats\]'") as error:
        read_file(samples[fmt], FileLimits())
    assert error.value.status == 415
    assert read_file(samples["markdown"], FileLimits()).format == "markdown"  # text and Markdown need no extra
