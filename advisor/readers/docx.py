"""DOCX reader (python-docx): heading styles become sections; lists and tables are kept as text lines."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator

from langchain_core.documents import Document

from advisor.readers.base import (
    FileLimits,
    FileLoader,
    UnreadableFile,
    check_size,
    import_reader,
    nest,
    section_document,
)
from advisor.readers.markdown import table_row

_HEADING_STYLE = re.compile(r"^(?:Heading|标题|Título)\s*(\d)$", re.IGNORECASE)


def check_archive(loader: FileLoader, limits: FileLimits) -> None:
    """Refuse what is not a DOCX, and an archive whose decompressed size is out of proportion (a zip bomb)."""
    name = loader.file_path.name
    size = check_size(loader.file_path, limits)
    if not zipfile.is_zipfile(loader.file_path):
        raise UnreadableFile(f"{name}: not a DOCX file (not a complete ZIP archive; truncated or damaged?)")
    try:
        with zipfile.ZipFile(loader.file_path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"{name}: damaged DOCX file ({exc})") from exc
    if "word/document.xml" not in {info.filename for info in infos}:
        raise UnreadableFile(f"{name}: not a DOCX file (a ZIP archive without word/document.xml)")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.max_unpacked_bytes or unpacked > limits.max_unpack_ratio * max(size, 1):
        raise UnreadableFile(
            f"{name}: its decompressed size ({unpacked} bytes from {size}) is out of proportion; "
            f"the limits are {limits.max_unpacked_bytes} bytes and {limits.max_unpack_ratio:g} times the file",
            413,
        )


class DocxLoader(FileLoader):
    """A Word document as one `Document` per section, with `section` and `headings` metadata."""

    format = "docx"

    def lazy_load(self) -> Iterator[Document]:
        docx = import_reader("docx", "reading DOCX")
        table_type = import_reader("docx.table", "reading DOCX").Table
        check_archive(self, self.limits)
        try:
            document = docx.Document(str(self.file_path))
        except Exception as exc:  # python-docx raises many kinds on a damaged package
            raise UnreadableFile(f"{self.file_path.name}: damaged DOCX file ({type(exc).__name__})") from exc
        title = document.core_properties.title or None
        path: list[tuple[int, str]] = []
        lines: list[str] = []
        numbers: dict[int, int] = {}

        def flush() -> Iterator[Document]:
            if lines or path:
                yield section_document("\n".join(lines), self.file_path, self.format, title, [h for _, h in path])
            lines.clear()

        for block in document.iter_inner_content():
            if isinstance(block, table_type):
                numbers.clear()
                lines.extend(table_row(cell.text for cell in row.cells) for row in block.rows)
                continue
            text = block.text.strip()
            style = block.style.name if block.style is not None else ""
            heading = _HEADING_STYLE.match(style)
            if not text:
                continue
            if style == "Title":
                title = title or text
            elif heading:
                yield from flush()
                path = nest(path, int(heading.group(1)), text)
                numbers.clear()
            else:
                lines.append(_list_prefix(block, style, numbers) + text)
        yield from flush()


def _list_prefix(paragraph: object, style: str, numbers: dict[int, int]) -> str:
    """ "1. " / "- " for a list paragraph (by its style or its numbering), else ""."""
    properties = getattr(getattr(paragraph, "_p", None), "pPr", None)
    numbered = properties is not None and properties.numPr is not None
    if "Number" in style:
        level = int(re.sub(r"\D", "", style) or 1)
        numbers[level] = numbers.get(level, 0) + 1
        for deeper in [key for key in numbers if key > level]:
            del numbers[deeper]
        return "   " * (level - 1) + f"{numbers[level]}. "
    if "Bullet" in style or "List" in style or numbered:
        return "- "
    numbers.clear()
    return ""
