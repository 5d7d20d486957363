"""Request and response bodies of the HTTP API; limits are part of the contract and checked before any work."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from advisor.schemas import Language

MAX_TEXT = 4_000
MAX_K = 50
MAX_DOCUMENT = 500_000
DOCUMENT_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$"


def _readable(text: str) -> str:
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    return text


def is_readable(text: str) -> bool:
    """No NUL characters and encodable as UTF-8."""
    try:
        _readable(text)
    except ValueError:
        return False
    return True


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(_readable), AfterValidator(_not_blank)]
OptionalText = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_readable)]
DocumentId = Annotated[str, Field(pattern=DOCUMENT_ID)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchRequest(_Strict):
    query: Text
    k: int = Field(default=5, ge=1, le=MAX_K)
    language: Language | None = None
    sources: list[DocumentId] | None = Field(default=None, max_length=100)


class AskRequest(_Strict):
    question: Text
    k: int | None = Field(default=None, ge=1, le=MAX_K)
    stream: bool = False


class PlanRequest(_Strict):
    goal: Text
    context: OptionalText = ""
    stream: bool = False


class ChunkOut(BaseModel):
    chunk_id: str
    source: str
    language: Language
    title: str
    section: str = Field(default="", description="heading path: document title › heading › heading")
    section_id: str = ""
    page: int | None = Field(default=None, description="the page the passage starts on (PDF documents)")
    text: str


class SectionOut(BaseModel):
    """A section read back from its chunks: its heading path, text and enumerations."""

    section_id: str
    source: str
    language: Language
    title: str
    section: str = Field(description="heading path: document title › heading › heading")
    heading: str
    text: str = Field(description="the section's own text (subsections excluded)")
    lists: list[list[str]] = Field(description="the items of each enumeration in the section")
    chunk_ids: list[str]


class SearchResult(ChunkOut):
    score: float


class Source(ChunkOut):
    """A passage an answer or plan draws on; `score` is null for a chunk taken in beside a hit."""

    score: float | None = None


class SearchResponse(BaseModel):
    results: list[SearchResult]


class DocumentIn(_Strict):
    text: Annotated[str, Field(min_length=1, max_length=MAX_DOCUMENT), AfterValidator(_readable)]
    language: Language | None = None
    title: Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_readable)] | None = None


class DocumentSummary(BaseModel):
    id: str
    language: Language
    title: str
    chunks: int


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class DocumentWritten(BaseModel):
    id: str
    status: Literal["added", "updated", "unchanged"]
    chunks: int
    chunks_added: int
    chunks_deleted: int


class OutlineEntry(BaseModel):
    """A section of a document: its heading, its path from the top, its depth and (in PDFs) its page."""

    section_id: str
    heading: str
    path: list[str]
    level: int
    page: int | None = None


class DocumentDetail(DocumentSummary):
    format: str = Field(description="the format it was read from: text, markdown, html, pdf or docx")
    pages: int | None = Field(default=None, description="number of pages (PDF documents)")
    outline: list[OutlineEntry]


class DocumentUploaded(DocumentWritten):
    language: Language
    title: str
    format: str
    pages: int | None = None
    outline: list[OutlineEntry]


UPLOAD_FORM = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary",
                             "description": "a .txt, .md, .html, .pdf or .docx file"},
                    "id": {"type": "string", "pattern": DOCUMENT_ID,
                           "description": "document id; default: the file name without its extension"},
                    "language": {"type": "string", "enum": ["zh", "en", "es"],
                                 "description": "default: identified from the text"},
                    "title": {"type": "string", "maxLength": 300,
                              "description": "default: the title the file gives, else its first line"},
                },
            }
        }
    },
}  # fmt: skip


class DocumentDeleted(BaseModel):
    id: str
    chunks_deleted: int


class Health(BaseModel):
    status: Literal["ok", "ready"]
    chunks: int | None = None


class ProblemDetails(BaseModel):
    """RFC 9457 problem document."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


# What any route with a body may answer: unreadable body, missing key, too large, invalid, rate limit, busy, slow.
COMMON_PROBLEMS = (400, 401, 413, 422, 429, 503, 504)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for error statuses answered with `application/problem+json`."""
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}
    return {status: {"model": ProblemDetails, "content": content, "description": "Problem"} for status in statuses}
