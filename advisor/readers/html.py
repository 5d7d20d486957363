"""HTML reader: the page's main content by trafilatura (navigation, ads, comments, share widgets and related
links dropped), its headings kept as sections."""

from __future__ import annotations

from collections.abc import Iterator

from langchain_core.documents import Document

from advisor.readers.base import FileLoader, UnreadableFile, import_reader
from advisor.readers.markdown import markdown_documents


class HtmlLoader(FileLoader):
    """An HTML page's article as one `Document` per section, with `section` and `headings` metadata."""

    format = "html"

    def lazy_load(self) -> Iterator[Document]:
        trafilatura = import_reader("trafilatura", "reading HTML")
        page = self.read_bytes()
        text = trafilatura.extract(
            page,
            output_format="markdown",
            include_formatting=True,
            include_tables=True,
            include_comments=False,
            include_links=False,
            include_images=False,
            favor_precision=True,  # without it, a page with no article falls back to its whole text (menus)
        )
        if not text or not text.strip():
            raise UnreadableFile(f"{self.file_path.name}: no article text found in the page")
        metadata = trafilatura.extract_metadata(page)
        title = metadata.title if metadata is not None and metadata.title else None
        yield from markdown_documents(text, self.file_path, self.format, title)
