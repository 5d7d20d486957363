"""Adds the computed growth model to a plan: days to target in the metrics step, levers ranked in the strategy step."""

from __future__ import annotations

from advisor.growth.context import ContextModel, read_growth_inputs
from advisor.growth.model import IMPROVEMENT, GrowthResult, grow
from advisor.schemas import Language, Plan, PlanGrowth, PlanItem, PlanStep
from advisor.text import locale


def number(value: float) -> str:
    """A figure as people write it: whole numbers bare, others with up to two decimals."""
    rounded = round(value, 2)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.2f}".rstrip("0")


def percent(share: float) -> str:
    """A share as a percentage."""
    return f"{number(share * 100)}%"


def metrics_text(result: GrowthResult, language: Language, unit: str, assumed: list[str]) -> str:
    """The metrics-step item: inputs, the simulated target day (or the ceiling) and the article's N."""
    inputs = result.inputs
    names = "、" if language == "zh" else ", "
    assumed_text = (
        locale.GROWTH_ASSUMED[language].format(
            names=names.join(locale.GROWTH_ASSUMED_VALUES[language][a].format(unit=unit) for a in assumed)
        )
        if assumed
        else ""
    )
    text = locale.GROWTH_INPUTS[language].format(
        traffic=number(inputs.traffic), conversion=percent(inputs.conversion), repurchase=percent(inputs.repurchase),
        interval=number(inputs.interval), referral=percent(inputs.referral), size=number(inputs.order_size),
        unit=unit, assumed=assumed_text,
    )  # fmt: skip
    target = number(inputs.target)
    if not result.reachable:
        text += locale.GROWTH_NEVER[language].format(target=target, unit=unit, ceiling=number(result.ceiling or 0))
    elif result.target_day is None:
        text += locale.GROWTH_TOO_LATE[language].format(target=target, unit=unit, horizon=len(result.trajectory))
    else:
        text += locale.GROWTH_REACHED[language].format(target=target, unit=unit, day=result.target_day)
    if result.article_day is None:
        return text + locale.GROWTH_ARTICLE_NONE[language]
    return text + locale.GROWTH_ARTICLE[language].format(day=result.article_day)


def strategy_text(result: GrowthResult, language: Language) -> str:
    """The strategy-step item: every lever ranked by what a 10% improvement does to the target day."""
    parts = []
    for rank, effect in enumerate(result.levers, 1):
        day = (
            locale.GROWTH_LEVER_DAY[language].format(day=effect.target_day)
            if effect.target_day is not None
            else locale.GROWTH_LEVER_NO_DAY[language]
        )
        gain = locale.GROWTH_LEVER_GAIN[language].format(gain=f"+{percent(effect.gain)}", reference=result.gain_day)
        parts.append(f"{rank}. {locale.LEVER_NAMES[language][effect.lever]} ({day}, {gain})")
    tied = result.top_levers()
    first = locale.GROWTH_OR[language].join(locale.LEVER_NAMES[language][e.lever] for e in tied) + (
        locale.GROWTH_EQUAL[language] if len(tied) > 1 else ""
    )
    lead = locale.GROWTH_LEVERS_LEAD[language].format(step=percent(IMPROVEMENT))
    return (
        lead
        + locale.GROWTH_SEPARATOR[language].join(parts)
        + locale.GROWTH_SEPARATOR[language]
        + locale.GROWTH_FIRST[language].format(lever=first)
    )


def growth_items(language: Language, context: ContextModel, result: GrowthResult) -> dict[str, PlanItem]:
    """The items the model adds, by stage."""
    return {
        "metrics": PlanItem(text=metrics_text(result, language, context.unit, context.assumed)),
        "strategy": PlanItem(text=strategy_text(result, language)),
    }


def with_growth_model(plan: Plan) -> Plan:
    """`plan` with the growth model computed from numbers in its goal and context (unchanged when there are none).

    The lever ranking goes first in the strategy step, so tactics' `supports` numbers move up by one.
    """
    context = read_growth_inputs(plan.goal, plan.context)
    if context is None or not plan.answerable:
        return plan
    result = grow(context.inputs)
    added = growth_items(plan.language, context, result)
    steps: list[PlanStep] = []
    for step in plan.steps:
        items = step.items
        if step.stage == "tactics":
            items = [
                item.model_copy(update={"supports": item.supports + 1}) if item.supports else item for item in items
            ]
        if step.stage in added:
            items = [added[step.stage], *items]
        steps.append(step.model_copy(update={"items": items}))
    growth = PlanGrowth(unit=context.unit, assumed=context.assumed, result=result)
    return plan.model_copy(update={"steps": steps, "growth": growth})
