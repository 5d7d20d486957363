"""File readers: each format (text, Markdown, HTML, PDF, DOCX) is a LangChain `BaseLoader` whose `Document`s
carry `section`, `headings` and, for PDFs, `page` metadata."""

from advisor.readers.base import FileLimits, UnreadableFile, as_markdown
from advisor.readers.docx import DocxLoader
from advisor.readers.html import HtmlLoader
from advisor.readers.markdown import MarkdownLoader, PlainTextLoader
from advisor.readers.pdf import PdfLoader
from advisor.readers.registry import SUFFIXES, loader_for

__all__ = [
    "SUFFIXES",
    "DocxLoader",
    "FileLimits",
    "HtmlLoader",
    "MarkdownLoader",
    "PdfLoader",
    "PlainTextLoader",
    "UnreadableFile",
    "as_markdown",
    "loader_for",
]
