"""Data shapes shared by the services, the CLI and the API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from advisor.growth.shapes import GrowthResult

Language = Literal["zh", "en", "es"]
LANGUAGES: tuple[Language, ...] = ("zh", "en", "es")


class SourceDocument(BaseModel):
    """One article as read from disk, before cleaning."""

    id: str
    text: str
    language: Language
    title: str
    format: str = "text"
    page_breaks: list[int] = Field(default_factory=list, description="offsets in `text` where pages 2, 3, … start")


class Chunk(BaseModel):
    """A cleaned, indexed passage of one document, inside one section of it."""

    chunk_id: str
    source: str
    language: Language
    title: str
    position: int
    text: str
    section: str = Field(default="", description="heading path: the document title, then each heading down to its own")
    section_id: str = ""
    start: int = Field(default=0, description="offset of the text in the cleaned document")
    end: int = 0
    page: int | None = Field(default=None, description="the page the chunk starts on (paged formats such as PDF)")


class OutlineSection(BaseModel):
    """One section of a document: heading path, parent and the span of its own text in the cleaned document."""

    section_id: str
    path: list[str] = Field(description="heading labels from the top, the document title excluded")
    heading: str = Field(description="the heading as written ('' for the text before the first heading)")
    level: int
    parent_id: str | None = None
    start: int
    heading_end: int
    end: int
    page: int | None = Field(default=None, description="the page the section starts on (paged formats)")


class OutlineList(BaseModel):
    """An enumeration: the section holding it, its lead (the sentence or heading introducing it) and its items."""

    section_id: str
    lead: tuple[int, int] | None = None
    items: list[tuple[int, int]]


class DocumentOutline(BaseModel):
    """A document's structure; spans are offsets in its cleaned text, which its chunks reproduce."""

    source: str
    title: str
    language: Language
    length: int
    format: str = "text"
    pages: int | None = None
    breaks: list[int] = Field(default_factory=list, description="offsets of the line breaks of the cleaned text")
    sections: list[OutlineSection]
    lists: list[OutlineList] = Field(default_factory=list)

    def path_label(self, section: OutlineSection) -> str:
        """'title › heading › heading'."""
        return " › ".join([self.title, *section.path])


class SearchHit(BaseModel):
    """A chunk returned by retrieval with its fused score and the parts it came from."""

    chunk: Chunk
    score: float
    dense: float
    lexical: float


class CleaningReport(BaseModel):
    """What cleaning removed from one document, by reason."""

    source: str
    kept_chars: int
    removed: dict[str, list[str]] = Field(default_factory=dict)

    @property
    def removed_count(self) -> int:
        return sum(len(lines) for lines in self.removed.values())


ChangeStatus = Literal["added", "updated", "unchanged", "deleted"]


class DocumentChange(BaseModel):
    """How one document's chunks changed in an ingest run."""

    source: str
    status: ChangeStatus
    chunks_added: int = 0
    chunks_deleted: int = 0
    chunks_total: int = 0


class IngestReport(BaseModel):
    """Totals and per-document changes of an ingest run."""

    added: int
    updated: int
    deleted: int
    skipped: int
    documents: list[DocumentChange]
    dry_run: bool = False
    cleaning: list[CleaningReport] = Field(default_factory=list)
    outlines: list[DocumentOutline] = Field(default_factory=list, description="each document's outline (dry runs)")


Stage = Literal["pest", "business_model", "metrics", "strategy", "tactics"]
STAGES: tuple[Stage, ...] = ("pest", "business_model", "metrics", "strategy", "tactics")


class Citation(BaseModel):
    """A quoted passage: `quote` is an exact substring of the chunk's text."""

    chunk_id: str
    source: str
    quote: str = Field(min_length=1)
    supports: list[str] = Field(
        default_factory=list, description="the sentences of the text that this quote supports (model-written text)"
    )


class UnsupportedClaim(BaseModel):
    """A sentence the model cited a passage for that says nothing close to it; its marker was removed."""

    sentence: str
    chunk_id: str


class Answer(BaseModel):
    """A grounded answer; inline markers [n] in `answer` refer to `citations[n-1]`."""

    question: str
    answer: str
    language: Language
    answerable: bool
    citations: list[Citation] = Field(default_factory=list)
    generator: str
    retrieved: list[str] = Field(default_factory=list, description="chunk ids of the passages the answer drew on")
    unsupported: list[UnsupportedClaim] = Field(
        default_factory=list, description="cited sentences no passage sentence supports (their markers removed)"
    )


class PlanItem(BaseModel):
    """One concrete point of a plan step; `supports` ties a tactic to a strategy item (1-based)."""

    text: str = Field(min_length=1)
    citations: list[int] = Field(default_factory=list, description="1-based indexes into the plan's citations")
    supports: int | None = None


class PlanStep(BaseModel):
    """One stage of the top-down method."""

    stage: Stage
    title: str
    items: list[PlanItem] = Field(min_length=1)


class PlanGrowth(BaseModel):
    """The growth model a plan computed from the numbers in its goal and context."""

    unit: str = Field(description="the unit of the target as written (jin, kg, orders, …)")
    assumed: list[str] = Field(default_factory=list, description="inputs the text did not give, set to defaults")
    result: GrowthResult


class Plan(BaseModel):
    """A plan walking PEST → business model → metrics → strategy → tactics, every step cited."""

    goal: str
    context: str = ""
    language: Language
    answerable: bool
    reason: str = ""
    steps: list[PlanStep] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    generator: str
    retrieved: list[str] = Field(default_factory=list, description="chunk ids of the passages the plan drew on")
    unsupported: list[UnsupportedClaim] = Field(
        default_factory=list, description="cited items no passage sentence supports (their markers removed)"
    )
    growth: PlanGrowth | None = None

    @model_validator(mode="after")
    def _stages_in_order(self) -> Plan:
        if self.answerable and tuple(step.stage for step in self.steps) != STAGES:
            raise ValueError(f"steps must be exactly the stages {', '.join(STAGES)} in this order")
        return self
