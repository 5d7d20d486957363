"""Which enumeration of the evidence answers a question, and how the extractive generator lists or quotes it."""

from __future__ import annotations

import itertools
import re

from advisor.schemas import Chunk, DocumentOutline, OutlineList, OutlineSection
from advisor.services.enumerations import best_enumeration, enumerations
from advisor.services.evidence import EvidenceSentence, ReadingUnit
from advisor.services.extractive import ExtractiveGenerator
from advisor.services.quoting import Quoter
from advisor.services.sections import SectionText
from advisor.services.vectors import VectorCache


def _unit(parts: list[tuple[str, float]], separator: str = "\n", per_chunk: int = 100) -> ReadingUnit:
    """A one-section unit made of `parts` (sentence, score), joined by `separator`; the parts that start with a
    number are the items of its one list; `per_chunk` sentences to a chunk."""
    spans, text = [], ""
    for sentence, _ in parts:
        text += separator if text else ""
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence
    sentences = [EvidenceSentence(a, b, text[a:b], score) for (a, b), (_, score) in zip(spans, parts, strict=True)]
    items = [(s.start, s.end) for s in sentences if re.match(r"\d[.)]", s.text)]
    section = OutlineSection(section_id="s1", path=["Guide"], heading="", level=1, start=0, heading_end=0,
                             end=len(text))  # fmt: skip
    lists = [OutlineList(section_id="s1", items=items)] if items else []
    outline = DocumentOutline(source="guide.en", title="Guide", language="en", length=len(text), sections=[section],
                              lists=lists)  # fmt: skip
    bounds = [spans[i][0] for i in range(0, len(spans), per_chunk)] + [len(text)]
    chunks = tuple(
        Chunk(chunk_id=f"c{i}", source="guide.en", language="en", title="Guide", position=i, text=text[a:b],
              start=a, end=b)
        for i, (a, b) in enumerate(itertools.pairwise(bounds))
    )  # fmt: skip
    read = SectionText(outline, 0, len(text), text, chunks)
    return ReadingUnit(outline, section, read, sentences, lists, [], hit_score=1.0)


def _generator() -> ExtractiveGenerator:
    return ExtractiveGenerator(VectorCache.__new__(VectorCache))  # the parts under test embed nothing


REASONS = [
    ("Paying shoppers to buy a fund is a bad idea for three reasons.", 0.1),
    ("1. The returns of a fund float, so promising extra yield breaks the rules of the market.", 0.2),
    ("2. Subsidised funds compete with the deposit products that the company sells first.", 0.2),
    ("3. Funds complement deposits, and shoppers should be guided to hold both of them.", 0.1),
]


def test_the_sentence_just_before_a_list_in_its_paragraph_introduces_it() -> None:
    parts = [(REASONS[0][0], 0.6), *REASONS[1:]]
    (listed,) = enumerations(_unit(parts, separator=" "))
    assert listed.lead is not None and listed.lead.text.startswith("Paying")
    assert listed.score == 0.6  # the list matches as well as what introduces it
    (apart,) = enumerations(_unit(parts, separator="\n"))  # a paragraph of its own does not introduce the list
    assert apart.lead is None and apart.score == 0.2


def test_a_list_that_matches_much_worse_than_the_best_sentence_is_not_offered_unless_counted() -> None:
    best = ("Our shop has three chronic problems: low spend, few new buyers and rare visits.", 0.7)
    unit = _unit([best, *REASONS], separator=" ")
    assert best_enumeration([unit], "Which are the hardest of these problems to fix?", "en") is None
    counted = best_enumeration([unit], "What are the three reasons given?", "en")
    assert counted is not None and len(counted[1].items) == 3
    introduced = _unit([best, (REASONS[0][0], 0.65), *REASONS[1:]], separator=" ")
    assert best_enumeration([introduced], "Which are the hardest of these problems to fix?", "en") is not None


def test_short_items_are_quoted_as_one_block_even_across_chunks() -> None:
    parts = [("Formats to sell fruit online", 0.5), ("1. Marketplace shop", 0.1), ("2. Social selling", 0.1),
             ("3. Live streams", 0.1), ("4. Cart plus app", 0.1)]  # fmt: skip
    unit = _unit(parts, per_chunk=2)
    (listed,) = enumerations(unit)
    quoter = Quoter("en")
    lines = _generator()._list_lines(unit, listed, quoter)
    assert len(lines) == 1 and all(text[3:] in lines[0] for text, _ in parts[1:]), lines
    assert len(quoter.citations) == 3  # one verbatim piece per chunk the block runs over
    assert all(c.quote in unit.read.text for c in quoter.citations)


def test_a_point_that_stands_alone_is_continued_by_the_sentence_after_it() -> None:
    parts = [
        ("Owning retention alone is a real position in the product chain that others cannot bypass.", 0.5),
        ("That position is your value as an operator, and it grows as you cover the whole chain.", 0.05),
        ("Many people never get there and stay junior operators for their whole career.", 0.1),
    ]
    points = _generator()._points(_unit(parts), Quoter("en"))
    assert len(points) == 2 and "cannot bypass" in points[0] and "your value as an operator" in points[1]
