"""Citation checks on a generator's output: every quote verbatim in its passage, every citation cited, links out."""

from __future__ import annotations

import re
from collections.abc import Sequence

from advisor.schemas import Answer, Chunk, Citation, Plan
from advisor.text.injection import screen, strip_links
from advisor.text.sentences import split_sentences

MARKER = re.compile(r"\[(\d+)\]")  # a citation marker: [n]
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』|《[^》]*》|“[^”]*”|\"[^\"]*\"|«[^»]*»")


def text_outside_quotes(text: str) -> str:
    """The advisor's own words: `text` without quoted evidence, quoted labels and citation markers."""
    return MARKER.sub(" ", _QUOTED.sub(" ", text))


def valid_citations(citations: Sequence[Citation], used: set[int], *versions: Sequence[Chunk]) -> list[int | None]:
    """For each citation, its new 1-based number if the text cites it (its number is in `used`) and it quotes its
    chunk verbatim in every version, else None."""
    texts = [{chunk.chunk_id: chunk.text for chunk in passages} for passages in versions]
    mapping: list[int | None] = []
    kept = 0
    for number, citation in enumerate(citations, 1):
        quote = citation.quote
        ok = (
            number in used
            and quote.strip() != ""
            and all(quote in version.get(citation.chunk_id, "") for version in texts)
        )
        kept += ok
        mapping.append(kept if ok else None)
    return mapping


def _renumber(text: str, mapping: Sequence[int | None]) -> str:
    def replace(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        new = mapping[index] if 0 <= index < len(mapping) else None
        return f"[{new}]" if new else ""

    return MARKER.sub(replace, text)


def screened(passages: Sequence[Chunk]) -> list[Chunk]:
    """The passages without sentences that address the model (orders, role blocks, links, images)."""
    return [
        chunk.model_copy(update={"text": screen(chunk.text, split_sentences(chunk.text, chunk.language))})
        for chunk in passages
    ]


def verify_answer(answer: Answer, *versions: Sequence[Chunk]) -> Answer:
    """Drop citations that the text does not cite or that are not verbatim quotes of retrieved passages, renumber
    markers, strip links.

    `versions` are the passages as stored and as shown to the generator; a quote must hold in each.
    """
    used = {int(n) for n in MARKER.findall(answer.answer)}
    mapping = valid_citations(answer.citations, used, *versions)
    kept = [c for c, new in zip(answer.citations, mapping, strict=True) if new]
    return answer.model_copy(update={"citations": kept, "answer": strip_links(_renumber(answer.answer, mapping))})


def verify_plan(plan: Plan, *versions: Sequence[Chunk]) -> Plan | None:
    """The plan with only the citations its items cite and every version of the passages verifies, or None when a
    step has none."""
    used = {n for step in plan.steps for item in step.items for n in item.citations}
    used |= {int(n) for step in plan.steps for item in step.items for n in MARKER.findall(item.text)}
    mapping = valid_citations(plan.citations, used, *versions)
    kept = [c for c, new in zip(plan.citations, mapping, strict=True) if new]
    steps = []
    for step in plan.steps:
        items = []
        for item in step.items:
            numbers = [mapping[n - 1] for n in item.citations if 0 < n <= len(mapping) and mapping[n - 1]]
            text = strip_links(_renumber(item.text, mapping))
            items.append(item.model_copy(update={"citations": numbers, "text": text}))
        if plan.answerable and not any(item.citations for item in items):
            return None
        steps.append(step.model_copy(update={"items": items}))
    return plan.model_copy(update={"citations": kept, "steps": steps})
