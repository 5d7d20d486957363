"""Extractive plans: the articles' method applied stage by stage to the asker's business.

Each stage opens with the stage's guiding question put to this business (its name, and its numbers when the
request gives them), then quotes the corpus's guidance for the stage (the section that teaches it) and what the
sources say that fits this business. Tactics are concrete actions, each tied by meaning to the strategy item it
serves.
"""

from __future__ import annotations

import re

import numpy as np

from advisor.schemas import STAGES, Language, Plan, PlanItem, PlanStep, Stage
from advisor.services.evidence import EvidenceSentence, ReadingUnit
from advisor.services.generation import PlanRequest
from advisor.services.quoting import Quoter
from advisor.services.vectors import VectorCache
from advisor.text import locale

NAME = "extractive"
_QUOTES = {"pest": 3, "business_model": 3, "metrics": 3, "strategy": 4, "tactics": 4}
_TEACHING_BONUS = 0.1  # in the stages that teach the method, the section that teaches it best comes first
_TAUGHT = ("pest", "business_model", "metrics")
_FLOOR = 0.15  # a sentence less similar than this to what the stage asks is not guidance for it
# How much the business's own goal counts beside the stage when choosing what to quote: the first stages teach
# the method, the last ones are where it meets this business.
_GOAL_WEIGHT = {"pest": 0.3, "business_model": 0.3, "metrics": 0.3, "strategy": 1.0, "tactics": 1.0}
# Concrete actions do not resemble a question about actions: for tactics the stage counts less, with no floor.
_STAGE_WEIGHT = {"pest": 1.0, "business_model": 1.0, "metrics": 1.0, "strategy": 1.0, "tactics": 0.3}
_ACTION_BONUS = 1.0  # tactics take list items of leaf sections first: the steps a source actually took


def business_name(goal: str, language: Language) -> str:
    """The business a goal is about ("an online shop for a small fruit stall"), else the goal itself (shortened)."""
    for pattern in locale.BUSINESS_PATTERNS[language]:
        match = re.search(pattern, goal, re.I)
        if match and match.group("business").strip(" ,.，。"):
            return _shorten(match.group("business").strip(" ,.，。"))
    return _shorten(goal.strip(" ,.，。?？"))


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


Candidate = tuple[ReadingUnit, EvidenceSentence, float]


def _candidates(request: PlanRequest, stage: Stage, goal_vector: np.ndarray, vectors: VectorCache,
                floor: float = _FLOOR) -> list[Candidate]:  # fmt: skip
    """Sentences of the units, best first by what the stage asks and what the business is; for tactics, list
    items first and no talk about the method ("a strategy is not a concrete action")."""
    seen: set[tuple[str, int]] = set()
    rows: list[Candidate] = []
    teaching = request.evidence.stages.get(stage, [])
    for unit in teaching + request.evidence.goal.units:
        parents = {section.parent_id for section in unit.outline.sections}
        leaf_items = {a for lst in unit.lists if lst.section_id not in parents for a, _ in lst.items}
        for sentence in unit.sentences:
            if not sentence.quotable or (unit.source, sentence.start) in seen:
                continue
            seen.add((unit.source, sentence.start))
            bonus = _TEACHING_BONUS if teaching and unit is teaching[0] and stage in _TAUGHT else 0.0
            if stage == "tactics":
                if _starts_item(sentence, leaf_items):
                    bonus += _ACTION_BONUS
                if re.search(locale.METHOD_WORDS, sentence.text, re.I):
                    continue
            rows.append((unit, sentence, bonus))
    if not rows:
        return []
    matrix = vectors.matrix([sentence.text for _, sentence, _ in rows])
    on_stage = matrix @ vectors.query(locale.STAGE_QUERIES[stage][request.language])
    on_goal = matrix @ goal_vector
    found = [
        (unit, sentence, float(_STAGE_WEIGHT[stage] * s + _GOAL_WEIGHT[stage] * g + bonus))
        for (unit, sentence, bonus), s, g in zip(rows, on_stage, on_goal, strict=True)
        if s >= floor or stage == "tactics"
    ]
    return sorted(found, key=lambda f: -f[2])


def _starts_item(sentence: EvidenceSentence, items: set[int]) -> bool:
    return any(sentence.start <= a < sentence.end or a <= sentence.start < a + 4 for a in items)


def _quotes(found: list[Candidate], quoter: Quoter, count: int) -> list[str]:
    out: list[str] = []
    for unit, sentence, _ in found:
        if len(out) >= count:
            break
        text = quoter.sentence(unit, sentence)
        if text is not None:
            out.append(text)
    return out


def write_plan(request: PlanRequest, vectors: VectorCache) -> Plan:
    """A five-stage plan from the evidence, in the request's language."""
    language = request.language
    business = business_name(request.goal, language)
    quoter = Quoter(language)
    steps: list[PlanStep] = []
    strategy_items: list[PlanItem] = []
    goal_vector = vectors.query(request.goal)  # the business, not the figures of its context
    candidates = {stage: _candidates(request, stage, goal_vector, vectors) for stage in STAGES}
    actions = {(u.source, s.start) for u, s, _ in candidates["tactics"][: _QUOTES["tactics"]]}
    candidates["strategy"] = [c for c in candidates["strategy"] if (c[0].source, c[1].start) not in actions]
    for stage in STAGES:
        quotes = _quotes(candidates[stage], quoter, _QUOTES[stage])
        if not quotes:  # nothing close to the stage: the best of what was read
            quotes = _quotes(_candidates(request, stage, goal_vector, vectors, floor=-1.0), quoter, 1)
        numbers = [int(m) for q in quotes[:1] for m in re.findall(r"\[(\d+)\]", q)]
        question = locale.STAGE_QUESTION[language][stage].format(business=business)
        items = [PlanItem(text=f"{question} [{numbers[0]}]" if numbers else question, citations=numbers[:1])]
        lead = locale.STEP_LEAD[language][stage]
        for text in quotes:
            cited = [int(m) for m in re.findall(r"\[(\d+)\]", text)]
            items.append(PlanItem(text=f"{lead} {text}", citations=cited))
        if stage == "strategy":
            strategy_items = items[1:] or items
        if stage == "tactics":
            items = [items[0], *_tied(items[1:], strategy_items, vectors)]
            items[0] = items[0].model_copy(update={"supports": 1})
        steps.append(PlanStep(stage=stage, title=locale.STAGE_TITLES[language][stage], items=items))
    complete = all(any(item.citations for item in step.items) for step in steps)
    return Plan(
        goal=request.goal,
        context=request.context,
        language=language,
        answerable=complete,
        steps=steps if complete else [],
        citations=quoter.citations,
        generator=NAME,
    )


def _tied(tactics: list[PlanItem], strategies: list[PlanItem], vectors: VectorCache) -> list[PlanItem]:
    """Each tactic tied to the strategy item closest in meaning (numbered from 1, as the step shows them)."""
    if not tactics or not strategies:
        return [t.model_copy(update={"supports": 1}) for t in tactics]
    strip = re.compile(r"\[\d+\]")
    tactic_vectors = vectors.matrix([strip.sub("", t.text) for t in tactics])
    strategy_vectors = vectors.matrix([strip.sub("", s.text) for s in strategies])
    offset = 2  # the strategy step's first item is its guiding question
    best = np.argmax(tactic_vectors @ strategy_vectors.T, axis=1)
    return [t.model_copy(update={"supports": int(b) + offset}) for t, b in zip(tactics, best, strict=True)]
