"""Enumerations in the evidence (lists, and sections with several child sections) and the one a question asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.schemas import Language
from advisor.services.evidence import EvidenceSentence, ReadingUnit
from advisor.text import locale

MATCH_FLOOR = 0.15  # an enumeration matching the question less than this is not offered as the answer
LIST_SPREAD = 0.12  # nor one that matches clearly worse than the best sentence of its unit (unless counted)


@dataclass
class Enumeration:
    lead: EvidenceSentence | None
    items: list[tuple[int, int, str]]  # (start, end, label) per item; label is a child section's heading
    score: float


def item_sentence(unit: ReadingUnit, start: int, end: int) -> EvidenceSentence | None:
    return next((s for s in unit.sentences if start <= s.start < end and not s.heading), None)


def enumerations(unit: ReadingUnit) -> list[Enumeration]:
    """The unit's lists, and its child sections when there are several, with how well each matches."""
    found = []
    for listed in unit.lists:
        lead = next((s for s in unit.sentences if listed.lead and s.start <= listed.lead[0] < s.end), None)
        if lead is None:  # the sentence just before the list, in the same paragraph, introduces it
            before = [s for s in unit.sentences if s.end <= listed.items[0][0]]
            if before and not before[-1].heading and "\n" not in unit.read.slice(before[-1].end, listed.items[0][0]):
                lead = before[-1]
        firsts = [item_sentence(unit, a, b) for a, b in listed.items]
        scores = sorted((s.score for s in firsts if s), reverse=True)[:2]
        options = ([lead.score] if lead else []) + ([sum(scores) / len(scores)] if scores else [])
        score = max(options, default=-1.0)
        found.append(Enumeration(lead, [(a, b, "") for a, b in listed.items], score))
    if len(unit.children) >= 2:
        items = []
        for child in unit.children:
            end = next((s.start for s in unit.outline.sections if s.start > child.start), unit.read.end)
            items.append((child.heading_end, end, child.path[-1] if child.path else ""))
        firsts = [item_sentence(unit, a, b) for a, b, _ in items]
        heads = [s.score for s in unit.sentences if s.heading]
        score = max([*heads, max((s.score for s in firsts if s), default=-1.0)])
        found.append(Enumeration(None, items, score))
    return found


def requested_count(question: str, language: Language) -> int | None:
    """How many items a question asks for ("哪四个环节", "the three layers", "tres capacidades"), if it says."""
    numbers = locale.NUMBER_WORDS[language]
    if language == "zh":
        found = re.search(
            r"([两二三四五六七八九十]|\d{1,2})\s*(?:个|种|点|步|层|大|项|条|类|方面|部分|环节|阶段|要素|原则|能力|思维)",
            question,
        )
        return (int(found.group(1)) if found.group(1).isdigit() else numbers.get(found.group(1))) if found else None
    words = re.findall(r"[\wáéíóúñ]+", question.lower())
    for index, word in enumerate(words):
        value = int(word) if word.isdigit() and len(word) <= 2 else numbers.get(word)
        if value and any(w.endswith("s") for w in words[index + 1 : index + 4]):
            return value
    return None


def best_enumeration(
    units: list[ReadingUnit], question: str, language: Language
) -> tuple[ReadingUnit, Enumeration] | None:
    """For a question that asks for a list: the enumeration of the evidence that fits it best (the requested
    number of items first, then how well it matches), with its unit. Unless the question gives the count, a list
    that matches clearly worse than the best sentence of its unit is not offered."""
    count = requested_count(question, language)
    if count is None and not re.search(locale.ASKS_FOR_LIST[language], question, re.I):
        return None
    options = [
        (unit, e)
        for unit in units
        for e in enumerations(unit)
        if len(e.items) >= 2
        and (e.score >= MATCH_FLOOR or (len(e.items) == count and e.score > 0))
        and (count is not None or e.score >= unit.top - LIST_SPREAD)
    ]
    if not options:
        return None
    return max(options, key=lambda o: (count is not None and len(o[1].items) == count, o[1].score + 0.1 * o[0].score))
