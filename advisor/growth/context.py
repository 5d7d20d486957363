"""Reads growth-model inputs from a plan's goal and context, written in Chinese, English or Spanish.

Text is split into clauses at commas, semicolons and line breaks; a clause names one lever with a keyword and
carries its number ("conversion 5%", "首单转化约3%", "5%转化", "recompra del 50% cada 3 días").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from advisor.growth.model import GrowthInputs, TargetUnit

_CLAUSE = re.compile(r"[,;，;、。\n]|\band\b|\by\b|和|以及")
_NUMBER = r"(\d+(?:\.\d+)?)\s*(万|千|k\b)?"
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_THOUSANDS = re.compile(r"\b([1-9]\d{0,2})[.,](\d{3})(?![\d%％.,])")  # 1,000 and 1.000 (es) → 1000
_SCALE = {"万": 10_000, "千": 1_000, "k": 1_000}

_KEYWORDS = {
    "referral": r"referr|refer a|word of mouth|转介绍|推荐|老带新|referid|recomendaci",
    "repurchase": r"repurchas|repeat|buy again|come back|复购|回购|再次购买|recompra|vuelv|repit",
    "conversion": r"conver|转化|首单|成交率|购买率|conversi",
    "traffic": r"traffic|passers|passer-by|visitors|footfall|people|人流|客流|流量|路过|人/天|人每天|tráfico|trafico|"
    r"personas|visitas|transeúntes|peatones",
}
_DAILY = r"(?:/\s*(?:day|天|日|día|dia)|a day|per day|daily|each day|every day|每天|每日|一天|/天|al día|por día|diari)"
_EVERY = re.compile(
    r"every\s+(\d+(?:\.\d+)?)\s*days?|(\d+(?:\.\d+)?)\s*days?\s*(?:interval|cycle|apart)|"
    r"每\s*(\d+(?:\.\d+)?)\s*天|(\d+(?:\.\d+)?)\s*天\s*(?:/\s*次|一次)|cada\s+(\d+(?:\.\d+)?)\s*d[ií]as",
    re.IGNORECASE,
)
_VOLUME_UNIT = (
    r"(?:jin|斤|公斤|kg|kilos?|kilogramos?|lbs?|pounds?|libras?|units?|pieces?|件|个|份|boxes|cajas|箱|杯|cups?)"
)
_MONEY_UNIT = r"(?:元|块|yuan|rmb|dollars?|usd|eur|euros?|pesos?|\$|€|¥)"
_ORDER_UNIT = r"(?:orders?|单|笔|pedidos?|ventas)"
_PER_ORDER = (
    r"(?:per order|an order|each order|a purchase|per purchase|per customer|/\s*(?:人|单|order|pedido)|每单|每人|"
    r"一单|客单价|por pedido|por compra|por cliente|cada pedido)"
)
_ORDER_SIZE = re.compile(rf"{_NUMBER}\s*{_VOLUME_UNIT}\s*(?:\)|）)?\s*{_PER_ORDER}|{_PER_ORDER}\s*(?:约|为|of|de)?\s*"
                         rf"{_NUMBER}\s*{_VOLUME_UNIT}", re.IGNORECASE)  # fmt: skip
_ORDER_VALUE = re.compile(
    rf"{_NUMBER}\s*{_MONEY_UNIT}\s*(?:\(|（)?[^,;，;]*?{_PER_ORDER}|{_PER_ORDER}\s*(?:约|为|of|de)?\s*"
    rf"{_MONEY_UNIT}?\s*{_NUMBER}\s*{_MONEY_UNIT}|(?:ticket medio|average order value|aov)\s*(?:de|of)?\s*"
    rf"{_MONEY_UNIT}?\s*{_NUMBER}",
    re.IGNORECASE,
)
_TARGET = re.compile(rf"{_NUMBER}\s*(?P<unit>{_VOLUME_UNIT}|{_MONEY_UNIT}|{_ORDER_UNIT})", re.IGNORECASE)


@dataclass
class ContextModel:
    """Inputs read from the text, and the ones assumed because the text does not give them."""

    inputs: GrowthInputs
    unit: str
    assumed: list[str] = field(default_factory=list)


def _value(number: str, scale: str | None) -> float:
    return float(number) * _SCALE.get((scale or "").lower(), 1)


def _first_number(clause: str) -> float | None:
    match = re.search(_NUMBER, clause)
    return _value(match.group(1), match.group(2)) if match else None


def _rate(clause: str) -> float | None:
    match = _PERCENT.search(clause)
    return float(match.group(1)) / 100 if match else None


def _interval(clause: str) -> float | None:
    match = _EVERY.search(clause)
    return float(next(group for group in match.groups() if group)) if match else None


def _groups(match: re.Match[str]) -> tuple[str, str | None]:
    numbers = [(match.group(i), match.group(i + 1)) for i in range(1, (match.lastindex or 0) + 1, 2)]
    return next((n, s) for n, s in numbers if n)


def _target(clause: str) -> tuple[float, TargetUnit, str] | None:
    if not re.search(_DAILY, clause, re.IGNORECASE) or re.search(_PER_ORDER, clause, re.IGNORECASE):
        return None
    match = _TARGET.search(_PERCENT.sub(" ", clause))
    if not match:
        return None
    unit = match.group("unit")
    kind: TargetUnit = (
        "revenue" if re.fullmatch(_MONEY_UNIT, unit, re.IGNORECASE)
        else "orders" if re.fullmatch(_ORDER_UNIT, unit, re.IGNORECASE)
        else "volume"
    )  # fmt: skip
    return _value(match.group(1), match.group(2)), kind, unit


def _lever(clause: str) -> str | None:
    lowered = clause.lower()
    found = [(match.start(), name) for name, pattern in _KEYWORDS.items() if (match := re.search(pattern, lowered))]
    return min(found)[1] if found else None


def read_growth_inputs(goal: str, context: str) -> ContextModel | None:
    """The growth model a plan request describes, or None when it lacks traffic, conversion or a daily target."""
    values: dict[str, float] = {}
    target: tuple[float, TargetUnit, str] | None = None
    text = _THOUSANDS.sub(r"\1\2", f"{goal}\n{context}")
    for clause in _CLAUSE.split(text):
        lever = _lever(clause)
        if lever == "traffic" and re.search(_DAILY, clause, re.IGNORECASE) and not _PERCENT.search(clause):
            number = _first_number(clause)
            if number is not None:
                values.setdefault("traffic", number)
            continue
        if lever in ("conversion", "repurchase", "referral") and (rate := _rate(clause)) is not None:
            values.setdefault(lever, rate)
        if (interval := _interval(clause)) is not None:
            values.setdefault("interval", interval)
        if match := _ORDER_SIZE.search(clause):
            values.setdefault("order_size", _value(*_groups(match)))
        if match := _ORDER_VALUE.search(clause):
            values.setdefault("order_value", _value(*_groups(match)))
        elif target is None and lever is None:
            target = _target(clause)
    if target is None or "traffic" not in values or "conversion" not in values:
        return None
    amount, unit_kind, unit = target
    assumed = [name for name in ("repurchase", "referral") if name not in values]
    if values.get("repurchase") and "interval" not in values:
        assumed.append("interval")
    if unit_kind == "volume" and "order_size" not in values:
        assumed.append("order_size")
    try:
        inputs = GrowthInputs(**values, target=amount, target_unit=unit_kind)  # type: ignore[arg-type]
    except ValidationError:
        return None
    return ContextModel(inputs=inputs, unit=unit, assumed=assumed)
