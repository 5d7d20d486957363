"""Reading growth-model inputs from plan requests in Chinese, English and Spanish."""

from __future__ import annotations

import pytest

from advisor.growth.context import read_growth_inputs

ARTICLE_EXAMPLE = {
    "traffic": 1000, "conversion": 0.05, "repurchase": 0.5, "interval": 3, "referral": 0.1, "order_size": 2,
    "target": 200,
}  # fmt: skip


@pytest.mark.parametrize(
    ("goal", "context", "expected_unit"),
    [
        (
            "Plan to sell 200 jin of apples a day at a school gate",
            "traffic 1000/day, conversion 5%, repurchase 50% every 3 days, referral 10%, 2 jin per order",
            "jin",
        ),
        (
            "帮学校门口的水果摊做增长方案,目标每天卖出200斤",
            "自然流量为 1000 人/天,5%转化首次购买,50%的复购,3 天/次的购买频率,10%的转介绍,10 元(2斤)/人的平均客单价",
            "斤",
        ),
        (
            "Plan para vender 200 kg de fruta al día en mi puesto",
            "tráfico de 1.000 personas al día, conversión del 5%, recompra del 50% cada 3 días, referidos 10%, "
            "2 kg por pedido",
            "kg",
        ),
    ],
)
def test_the_articles_numbers_are_read_in_every_language(goal: str, context: str, expected_unit: str) -> None:
    model = read_growth_inputs(goal, context)
    assert model is not None
    assert model.inputs.model_dump(include=set(ARTICLE_EXAMPLE)) == pytest.approx(ARTICLE_EXAMPLE)
    assert model.unit == expected_unit
    assert model.assumed == []


def test_missing_levers_are_assumed_and_listed() -> None:
    model = read_growth_inputs(
        "为学校门口的水果摊制定线上化运营方案", "水果推车,路过人流约800人/天,首单转化约3%,目标一天卖出150斤"
    )
    assert model is not None
    assert (model.inputs.traffic, model.inputs.conversion, model.inputs.target) == (800, 0.03, 150)
    assert model.assumed == ["repurchase", "referral", "order_size"]


def test_order_and_revenue_targets_and_order_value() -> None:
    orders = read_growth_inputs(
        "Plan for my SaaS tool", "3,000 visitors per day, 2% conversion, target 100 orders a day"
    )
    assert orders is not None and orders.inputs.target_unit == "orders" and orders.inputs.traffic == 3000
    revenue = read_growth_inputs(
        "Grow my café to 5000 yuan a day", "footfall 2000 a day, conversion 10%, average order value 25 yuan"
    )
    assert revenue is not None
    assert (revenue.inputs.target_unit, revenue.inputs.target, revenue.inputs.order_value) == ("revenue", 5000, 25)


@pytest.mark.parametrize(
    ("goal", "context"),
    [
        ("Plan for my SaaS tool", ""),
        ("Plan to sell 200 jin a day", "conversion 5%"),  # no traffic
        ("Plan to sell more", "traffic 1000/day, conversion 5%"),  # no target
        ("Plan to sell 200 jin a day", "traffic 1000/day, conversion 150%"),  # not a valid share
    ],
)
def test_requests_without_a_complete_model_give_none(goal: str, context: str) -> None:
    assert read_growth_inputs(goal, context) is None
