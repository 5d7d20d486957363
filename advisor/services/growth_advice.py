"""Adds the computed growth model to a plan: days to target in the metrics step, levers ranked in the strategy step."""

from __future__ import annotations

from advisor.growth.context import ContextModel, read_growth_inputs
from advisor.growth.model import IMPROVEMENT, GrowthResult, Lever, grow
from advisor.schemas import Language, Plan, PlanGrowth, PlanItem, PlanStep

LEVER_NAMES: dict[Language, dict[Lever, str]] = {
    "zh": {"traffic": "自然流量", "conversion": "首单转化率", "repurchase": "复购率", "interval": "复购间隔",
           "referral": "转介绍率", "order_size": "每单数量", "order_value": "客单价"},
    "en": {"traffic": "traffic", "conversion": "first-purchase conversion", "repurchase": "repurchase rate",
           "interval": "repurchase interval", "referral": "referral rate", "order_size": "order size",
           "order_value": "order value"},
    "es": {"traffic": "tráfico", "conversion": "conversión a primera compra", "repurchase": "tasa de recompra",
           "interval": "intervalo de recompra", "referral": "tasa de referidos", "order_size": "tamaño del pedido",
           "order_value": "valor del pedido"},
}  # fmt: skip

_INPUTS = {
    "zh": "增长模型(按你给的数字计算:每天 {traffic} 人,首单转化 {conversion},复购 {repurchase}、每 {interval} 天一次,"
    "转介绍 {referral},每单 {size} {unit}{assumed}):",
    "en": "Growth model computed from your numbers ({traffic} people a day, {conversion} first-purchase conversion, "
    "{repurchase} repurchase every {interval} days, {referral} referral, {size} {unit} per order{assumed}): ",
    "es": "Modelo de crecimiento calculado con tus cifras ({traffic} personas al día, conversión {conversion}, "
    "recompra {repurchase} cada {interval} días, referidos {referral}, {size} {unit} por pedido{assumed}): ",
}
_ASSUMED = {
    "zh": ";未给出的按 {names} 计",
    "en": "; not given, so assumed: {names}",
    "es": "; no indicados, se suponen: {names}",
}
_ASSUMED_VALUES: dict[Language, dict[str, str]] = {
    "zh": {"repurchase": "无复购", "referral": "无转介绍", "interval": "每 7 天复购", "order_size": "每单 1 {unit}"},
    "en": {"repurchase": "no repurchase", "referral": "no referral", "interval": "a 7-day interval",
           "order_size": "1 {unit} per order"},
    "es": {"repurchase": "sin recompra", "referral": "sin referidos", "interval": "un intervalo de 7 días",
           "order_size": "1 {unit} por pedido"},
}  # fmt: skip
_REACHED = {
    "zh": "逐日模拟在第 {day} 天达到每天 {target} {unit};",
    "en": "the day-by-day simulation reaches {target} {unit} a day on day {day}; ",
    "es": "la simulación día a día llega a {target} {unit} al día el día {day}; ",
}
_TOO_LATE = {
    "zh": "逐日模拟在 {horizon} 天内达不到每天 {target} {unit};",
    "en": "the day-by-day simulation does not reach {target} {unit} a day within {horizon} days; ",
    "es": "la simulación día a día no llega a {target} {unit} al día en {horizon} días; ",
}
_NEVER = {
    "zh": "每天 {target} {unit} 达不到:上限是每天 {ceiling} {unit};",
    "en": "{target} {unit} a day is not reachable: the ceiling is {ceiling} {unit} a day; ",
    "es": "{target} {unit} al día no es alcanzable: el techo es {ceiling} {unit} al día; ",
}
_ARTICLE = {
    "zh": "文章的粗略公式得出 N = {day} 天。差别在于:粗略公式只跟踪第一天的买家并按转介绍率逐日复利,"
    "模拟还计入每天新来的买家和流失的买家。",
    "en": "the article's rough formula gives N = {day} days. The difference: the formula follows only the first day's "
    "buyers and compounds referral daily, while the simulation adds new buyers every day and loses those who do not "
    "come back.",
    "es": "la fórmula aproximada del artículo da N = {day} días. La diferencia: la fórmula sigue solo a los "
    "compradores del primer día y capitaliza los referidos cada día, y la simulación suma compradores nuevos cada "
    "día y pierde a los que no vuelven.",
}
_ARTICLE_NONE = {
    "zh": "文章的粗略公式在这些数字下得不出天数。",
    "en": "the article's rough formula gives no day count with these numbers.",
    "es": "la fórmula aproximada del artículo no da un número de días con estas cifras.",
}
_LEVERS_LEAD = {
    "zh": "按增长模型的敏感度排序的杠杆(每项单独提升 {step}):",
    "en": "Levers ranked by the growth model's sensitivity (each improved by {step} on its own): ",
    "es": "Palancas ordenadas por la sensibilidad del modelo de crecimiento "
    "(cada una mejorada un {step} por separado): ",
}
_LEVER_DAY = {"zh": "第 {day} 天达标", "en": "target on day {day}", "es": "objetivo el día {day}"}
_LEVER_NO_DAY = {"zh": "仍未达标", "en": "target still not met", "es": "objetivo aún no alcanzado"}
_LEVER_GAIN = {"zh": "第 {reference} 天 {gain}", "en": "{gain} on day {reference}", "es": "{gain} el día {reference}"}
_FIRST = {"zh": "优先抓{lever}。", "en": "Start with {lever}.", "es": "Empieza por {lever}."}
_EQUAL = {"zh": "(效果相同)", "en": " (equal effect)", "es": " (mismo efecto)"}
_OR = {"zh": "或", "en": " or ", "es": " o "}
_SEPARATOR = {"zh": ";", "en": "; ", "es": "; "}


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
        _ASSUMED[language].format(names=names.join(_ASSUMED_VALUES[language][a].format(unit=unit) for a in assumed))
        if assumed
        else ""
    )
    text = _INPUTS[language].format(
        traffic=number(inputs.traffic), conversion=percent(inputs.conversion), repurchase=percent(inputs.repurchase),
        interval=number(inputs.interval), referral=percent(inputs.referral), size=number(inputs.order_size),
        unit=unit, assumed=assumed_text,
    )  # fmt: skip
    target = number(inputs.target)
    if not result.reachable:
        text += _NEVER[language].format(target=target, unit=unit, ceiling=number(result.ceiling or 0))
    elif result.target_day is None:
        text += _TOO_LATE[language].format(target=target, unit=unit, horizon=len(result.trajectory))
    else:
        text += _REACHED[language].format(target=target, unit=unit, day=result.target_day)
    if result.article_day is None:
        return text + _ARTICLE_NONE[language]
    return text + _ARTICLE[language].format(day=result.article_day)


def strategy_text(result: GrowthResult, language: Language) -> str:
    """The strategy-step item: every lever ranked by what a 10% improvement does to the target day."""
    parts = []
    for rank, effect in enumerate(result.levers, 1):
        day = (
            _LEVER_DAY[language].format(day=effect.target_day)
            if effect.target_day is not None
            else _LEVER_NO_DAY[language]
        )
        gain = _LEVER_GAIN[language].format(gain=f"+{percent(effect.gain)}", reference=result.gain_day)
        parts.append(f"{rank}. {LEVER_NAMES[language][effect.lever]} ({day}, {gain})")
    tied = result.top_levers()
    first = _OR[language].join(LEVER_NAMES[language][e.lever] for e in tied) + (
        _EQUAL[language] if len(tied) > 1 else ""
    )
    lead = _LEVERS_LEAD[language].format(step=percent(IMPROVEMENT))
    return lead + _SEPARATOR[language].join(parts) + _SEPARATOR[language] + _FIRST[language].format(lever=first)


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
