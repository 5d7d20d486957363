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
_GUIDANCE = {"pest": 2, "business_model": 2, "metrics": 2, "strategy": 3, "tactics": 3}
_APPLIED = 1
_FLOOR = 0.15
_ACTION_BONUS = 0.25  # tactics prefer list items: the steps a source actually took
_ABOUT_METHOD = 0.2  # and not sentences about the method itself ("a strategy is not a concrete action")


def business_name(goal: str, language: Language) -> str:
    """The business a goal is about ("an online shop for a small fruit stall"), else the goal itself (shortened)."""
    for pattern in locale.BUSINESS_PATTERNS[language]:
        match = re.search(pattern, goal, re.I)
        if match and match.group("business").strip(" ,.，。"):
            return _shorten(match.group("business").strip(" ,.，。"))
    return _shorten(goal.strip(" ,.，。?？"))


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _candidates(units: list[ReadingUnit], stage: Stage) -> list[tuple[ReadingUnit, EvidenceSentence, float]]:
    """Sentences of the units, best first; for tactics, list items first and talk about the method last."""
    found = []
    for unit in units:
        items = {a for lst in unit.lists for a, _ in lst.items}
        for sentence in unit.sentences:
            if not sentence.quotable or sentence.score < _FLOOR:
                continue
            score = sentence.score
            if stage == "tactics":
                if any(sentence.start <= a < sentence.end or a <= sentence.start < a + 4 for a in items):
                    score += _ACTION_BONUS
                if re.search(locale.METHOD_WORDS, sentence.text, re.I):
                    score -= _ABOUT_METHOD
            found.append((unit, sentence, score))
    return sorted(found, key=lambda f: -f[2])


def _quotes(found: list[tuple[ReadingUnit, EvidenceSentence, float]], quoter: Quoter, count: int) -> list[str]:
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
    goal_units = request.evidence.goal.units
    strategy_items: list[PlanItem] = []
    for stage in STAGES:
        teaching = _candidates(request.evidence.stages.get(stage, []), stage)
        applied = _candidates(goal_units, stage)
        guidance = _quotes(teaching, quoter, _GUIDANCE[stage])
        fitting = _quotes(applied, quoter, _APPLIED)
        quotes = guidance + fitting
        if not quotes:
            quotes = _quotes(_candidates(goal_units + request.evidence.stages.get(stage, []), "pest"), quoter, 1)
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
