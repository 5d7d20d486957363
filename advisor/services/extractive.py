"""The extractive generator: no LLM, deterministic, every point a verbatim quote of the sections that answer.

An answer opens with the section that best answers the question and keeps its shape: an enumeration is listed
item by item (each item's lead sentence quoted), other text gives its two to four best sentences in reading
order. At most two supporting points from other sections follow. Every quote is checked for junk and repeats,
and the answer stays within `ANSWER_CHARS` visible characters.
"""

from __future__ import annotations

import re

from advisor.schemas import Answer, Language, Plan
from advisor.services.enumerations import LIST_SPREAD, Enumeration, best_enumeration, enumerations, item_sentence
from advisor.services.evidence import EvidenceSentence, ReadingUnit
from advisor.services.extractive_plan import write_plan
from advisor.services.generation import AnswerRequest, PlanRequest
from advisor.services.quoting import Quoter, quoted, source_label
from advisor.services.vectors import VectorCache
from advisor.text import locale
from advisor.text.quality import visible_size

NAME = "extractive"
ANSWER_CHARS = 900
MAIN_CHARS = 560  # the main section's share of the answer; supporting points fill the rest
POINT_FLOOR = 0.15  # a sentence less similar than this to the question is not quoted
POINT_SPREAD = 0.5  # points are the sentences within this of the best one
SUPPORT_SPREAD = 0.15  # a supporting point must be this close to the main section's best sentence
_MIN_POINTS, _MAX_POINTS, _SUPPORTS, _SUPPORT_SENTENCES = 2, 8, 2, 2


class ExtractiveGenerator:
    """Composes answers and plans from the evidence's own sentences, with fixed wording in the asker's language."""

    name = NAME

    def __init__(self, vectors: VectorCache) -> None:
        self._vectors = vectors

    def answer(self, request: AnswerRequest) -> Answer:
        language = request.language
        quoter = Quoter(language)
        units = list(request.evidence.units)
        lines: list[str] = []
        main = units[0] if units else None
        listed = best_enumeration(units, request.question, language)
        if listed is not None:  # the question asks for a list and the evidence has one: it leads
            units = [listed[0], *(u for u in units if u is not listed[0])]
        for unit in units:  # the best unit that yields quotable points
            forced = listed[1] if listed is not None and unit is listed[0] else None
            lines = self._main(unit, request.question, quoter, forced)
            if lines:
                main = unit
                break
        if main is not None and lines:
            best = main.top
            others = [u for u in units if u is not main and u.section.section_id != main.section.section_id]
            supports = [line for unit in others if (line := self._support(unit, best, quoter))][:_SUPPORTS]
            if supports and lines:
                lines.append(locale.SEE_ALSO[language])
                for line in supports:
                    if visible_size("\n".join([*lines, line])) > ANSWER_CHARS:
                        break
                    lines.append(line)
            if lines and lines[-1] == locale.SEE_ALSO[language]:
                lines.pop()
        return Answer(
            question=request.question,
            answer="\n".join(lines),
            language=language,
            answerable=bool(quoter.citations),
            citations=quoter.citations,
            generator=NAME,
        )

    def _main(self, unit: ReadingUnit, question: str, quoter: Quoter, listing: Enumeration | None = None) -> list[str]:
        language = quoter.language
        source = source_label(unit, language)
        listing = listing or self._enumeration(unit, question, language)
        if listing is not None:
            lines = self._list_lines(unit, listing, quoter)
            if len(lines) >= 2 or (lines and len(listing.items) >= 2 and "\n" in lines[0]):
                return [locale.LEAD_LIST[language].format(source=source, n=len(listing.items)), *lines]
        points = self._points(unit, quoter)
        return [locale.LEAD_POINTS[language].format(source=source), *points] if points else []

    @staticmethod
    def _enumeration(unit: ReadingUnit, question: str, language: Language) -> Enumeration | None:
        options = [e for e in enumerations(unit) if len(e.items) >= 2]
        if not options:
            return None
        best = max(options, key=lambda e: e.score)
        asks = re.search(locale.ASKS_FOR_LIST[language], question, re.I) is not None
        leads = best.lead is not None and best.lead.score >= unit.top - 1e-6
        return best if leads or (asks and best.score >= unit.top - LIST_SPREAD) else None

    def _list_lines(self, unit: ReadingUnit, listing: Enumeration, quoter: Quoter) -> list[str]:
        lines: list[str] = []
        pending: list[tuple[int, int, int]] = []  # short items quoted together as one block: (start, end, number)
        for number, (start, end, label) in enumerate(listing.items, 1):
            first = item_sentence(unit, start, end)
            prefix = f"{number}. " + (f"{quoted(label.strip(), quoter.language)}: " if label else "")
            if first is None:
                continue
            text = quoter.span(unit, first.start, first.end)
            if text is None and not label:
                pending.append((first.start, first.end, number))
                continue
            if pending:
                lines.extend(self._block(unit, pending, quoter))
                pending = []
            if text is None and label:
                later = [s for s in unit.sentences if start <= s.start < end and s is not first and not s.heading]
                text = next((q for s in later if (q := quoter.sentence(unit, s))), None)
            if text is not None:
                lines.append(prefix + text)
            elif label:
                lines.append(prefix.rstrip(": "))
        if pending:
            lines.extend(self._block(unit, pending, quoter))
        while len(lines) > 2 and visible_size("\n".join(lines)) > ANSWER_CHARS - 120:
            lines.pop()
        return lines

    @staticmethod
    def _block(unit: ReadingUnit, items: list[tuple[int, int, int]], quoter: Quoter) -> list[str]:
        """Short items quoted as one passage with their own numbering (each alone would be a fragment)."""
        text = quoter.span(unit, items[0][0], items[-1][1], clip=400, block=True)
        return [text] if text is not None else []

    def _points(self, unit: ReadingUnit, quoter: Quoter) -> list[str]:
        """The section's best sentences (two to eight, within the main share of the answer) in reading order."""
        best = unit.top
        ranked = sorted((s for s in unit.sentences if s.quotable and s.score >= POINT_FLOOR),
                        key=lambda s: -s.score)  # fmt: skip
        chosen: list[EvidenceSentence] = []
        used = 0
        for sentence in ranked:
            if len(chosen) >= _MAX_POINTS or (len(chosen) >= _MIN_POINTS and sentence.score < best - POINT_SPREAD):
                break
            size = visible_size(sentence.text)
            if chosen and used + size > MAIN_CHARS:
                continue
            if quoter.fits(unit, sentence.start, sentence.end):
                chosen.append(sentence)
                used += size
        if len(chosen) == 1:  # one sentence clears the floor: the one after it continues the point
            after = [s for s in unit.sentences if s.start >= chosen[0].end and s.quotable and not s.heading][:1]
            chosen += [s for s in after if quoter.fits(unit, s.start, s.end)]
        lines = []
        for sentence in sorted(chosen, key=lambda s: s.start):
            text = quoter.sentence(unit, sentence)
            if text is not None:
                lines.append(f"- {text}")
        return lines

    @staticmethod
    def _support(unit: ReadingUnit, best: float, quoter: Quoter) -> str | None:
        """A supporting point: the unit's one or two best sentences, in reading order, if they match well enough."""
        chosen: list[EvidenceSentence] = []
        for sentence in sorted((s for s in unit.sentences if s.quotable), key=lambda s: -s.score):
            if len(chosen) >= _SUPPORT_SENTENCES or sentence.score < max(POINT_FLOOR, best - SUPPORT_SPREAD):
                break
            if quoter.fits(unit, sentence.start, sentence.end):
                chosen.append(sentence)
        quotes = [q for s in sorted(chosen, key=lambda s: s.start) if (q := quoter.sentence(unit, s))]
        if not quotes:
            return None
        source = locale.ALSO_FROM[quoter.language].format(source=source_label(unit, quoter.language))
        return f"- {source} {' '.join(quotes)}"

    def plan(self, request: PlanRequest) -> Plan:
        return write_plan(request, self._vectors)
