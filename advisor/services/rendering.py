"""Plain-text renderings of plans, shared by the CLI and the HTTP API."""

from __future__ import annotations

from advisor.schemas import Answer, Language, Plan, PlanStep
from advisor.text.locale import SERVES


def item_lines(step: PlanStep, language: Language) -> list[str]:
    """One line per item; a tactic says which strategy it serves."""
    return [f"{item.text}{_serves(item.supports, language)}" for item in step.items]


def plan_text(plan: Plan) -> str:
    """The plan as Markdown: a heading per stage and a bullet per item (or the reason it was declined)."""
    if not plan.answerable:
        return plan.reason
    return "\n\n".join(step_text(number, step, plan.language) for number, step in enumerate(plan.steps, 1))


def step_text(number: int, step: PlanStep, language: Language) -> str:
    """One stage as Markdown: its numbered heading and a bullet per item."""
    lines = "\n".join(f"- {line}" for line in item_lines(step, language))
    return f"## {number}. {step.title}\n{lines}"


def _serves(strategy: int | None, language: Language) -> str:
    return f" {SERVES[language].format(n=strategy)}" if strategy else ""


def result_text(result: Answer | Plan) -> str:
    """The text a reader sees: the answer, or the plan rendered as Markdown."""
    return result.answer if isinstance(result, Answer) else plan_text(result)
