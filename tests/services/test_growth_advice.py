"""Plans compute the growth model when their request carries numbers."""

from __future__ import annotations

import pytest

from advisor.evaluation.grading import numbers_faithful, own_text
from advisor.schemas import STAGES, Language, Plan, PlanItem, PlanStep
from advisor.services.growth_advice import with_growth_model
from advisor.text.language import detect_language

APPLES = "Plan to sell 200 jin of apples a day at a school gate"
NUMBERS = "traffic 1000/day, conversion 5%, repurchase 50% every 3 days, referral 10%, 2 jin per order"


def _plan(goal: str, context: str, language: Language = "en") -> Plan:
    steps = [
        PlanStep(stage=stage, title=stage, items=[PlanItem(text=f"{stage} point", citations=[1]),
                                                  PlanItem(text=f"{stage} second point", citations=[1])])
        for stage in STAGES
    ]  # fmt: skip
    steps[-1] = steps[-1].model_copy(
        update={"items": [PlanItem(text="tactic", citations=[1], supports=2), PlanItem(text="other", citations=[1])]}
    )
    return Plan(goal=goal, context=context, language=language, answerable=True, steps=steps, generator="test")


def test_metrics_state_the_day_count_and_strategy_ranks_the_levers() -> None:
    plan = with_growth_model(_plan(APPLES, NUMBERS))
    steps = {step.stage: step for step in plan.steps}
    metrics, strategy = steps["metrics"].items[0].text, steps["strategy"].items[0].text
    assert "on day 8" in metrics and "N = 27 days" in metrics and "200 jin a day" in metrics
    assert strategy.startswith("Levers ranked by the growth model's sensitivity")
    assert "1. traffic" in strategy and "Start with traffic or first-purchase conversion or order size" in strategy
    assert plan.growth is not None and plan.growth.result.target_day == 8 and plan.growth.result.article_day == 27
    # the ranking went first in the strategy step, so the tactic still serves the same strategy item
    assert steps["tactics"].items[0].supports == 3
    assert steps["strategy"].items[2].text == "strategy second point"


@pytest.mark.parametrize(
    ("goal", "context", "language", "day_phrase"),
    [
        ("帮学校门口的水果摊做增长方案,目标每天卖出200斤",
         "自然流量 1000 人/天,首单转化 5%,复购 50% 每3天,转介绍 10%,每单2斤", "zh", "第 8 天"),
        ("Plan para vender 200 kg de fruta al día", "tráfico 1000 personas al día, conversión del 5%, recompra del 50% "
         "cada 3 días, referidos 10%, 2 kg por pedido", "es", "el día 8"),
    ],
)  # fmt: skip
def test_model_items_are_written_in_the_plans_language(
    goal: str, context: str, language: Language, day_phrase: str
) -> None:
    plan = with_growth_model(_plan(goal, context, language))
    added = [step.items[0].text for step in plan.steps if step.stage in ("metrics", "strategy")]
    assert day_phrase in added[0] and "27" in added[0]
    for text in added:
        assert detect_language(text) == language
    assert detect_language(own_text(plan)) == language


def test_the_computed_figures_count_as_grounded_and_altered_ones_do_not() -> None:
    plan = with_growth_model(_plan(APPLES, NUMBERS))
    assert numbers_faithful(plan, f"{APPLES} {NUMBERS}", {}) == 1.0
    metrics = next(step for step in plan.steps if step.stage == "metrics")
    altered_item = metrics.items[0].model_copy(update={"text": metrics.items[0].text.replace("day 8", "day 9")})
    altered_steps = [
        step.model_copy(update={"items": [altered_item, *step.items[1:]]}) if step.stage == "metrics" else step
        for step in plan.steps
    ]
    assert numbers_faithful(plan.model_copy(update={"steps": altered_steps}), f"{APPLES} {NUMBERS}", {}) == 0.0


def test_plans_without_numbers_or_refused_are_unchanged() -> None:
    plain = _plan("Plan the launch of a community app", "")
    assert with_growth_model(plain) == plain
    refused = Plan(goal=APPLES, context=NUMBERS, language="en", answerable=False, generator="test")
    assert with_growth_model(refused) == refused
