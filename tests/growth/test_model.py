"""The growth model: the article's worked example, the simulation by hand, validation, levers and monotonicity."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from advisor.growth.model import GrowthInputs, GrowthResult, grow

# The business-operations article: 1000 passers-by a day, 5% first purchases, 50% repurchase every 3 days,
# 10% referral, 2 jin (10 yuan) per order, target 200 jin a day.
FRUIT_STALL = GrowthInputs(
    traffic=1000, conversion=0.05, repurchase=0.5, interval=3, referral=0.1, order_size=2, order_value=10, target=200
)


def test_the_articles_formula_gives_n_27_for_its_fruit_stall() -> None:
    assert grow(FRUIT_STALL).article_day == 27


def test_the_simulation_follows_the_documented_recurrence() -> None:
    result = grow(FRUIT_STALL)
    orders = [day.orders for day in result.trajectory]
    # orders(t) = 50 + 0.1 × orders(t−1) + 0.5 × orders(t−3), nothing before day 1
    assert orders[:4] == pytest.approx([50, 55, 55.5, 80.55])
    for t in range(3, len(orders)):
        assert orders[t] == pytest.approx(50 + 0.1 * orders[t - 1] + 0.5 * orders[t - 3])
    assert result.trajectory[6].volume < 200 <= result.trajectory[7].volume
    assert result.target_day == 8
    assert result.ceiling == pytest.approx(250)  # 2 jin × 50 / (1 − 0.1 − 0.5)
    assert result.trajectory[0].revenue == pytest.approx(500)


def test_a_target_at_the_ceiling_is_not_reachable_and_just_below_it_is() -> None:
    at_ceiling = grow(FRUIT_STALL.model_copy(update={"target": 250}))
    assert not at_ceiling.reachable and at_ceiling.target_day is None and at_ceiling.ceiling == pytest.approx(250)
    below = grow(FRUIT_STALL.model_copy(update={"target": 249}))
    assert below.reachable and below.target_day is not None and below.target_day > 8


def test_without_repurchase_or_referral_only_first_purchases_count() -> None:
    result = grow(GrowthInputs(traffic=800, conversion=0.03, target=150))
    assert not result.reachable
    assert result.ceiling == pytest.approx(24)
    assert result.article_day is None  # the formula has no repurchase to work with
    assert {day.orders for day in result.trajectory} == {24}


def test_a_fractional_interval_splits_repeat_orders_between_neighbouring_days() -> None:
    result = grow(GrowthInputs(traffic=100, conversion=0.1, repurchase=0.5, interval=2.5, target=1000))
    repeat = [day.repeat for day in result.trajectory[:5]]
    # 50% come back, half of them after 2 days and half after 3: day 3 gets 0.25 × day 1, day 4 0.25 × (day 1 + day 2)
    assert repeat == pytest.approx([0, 0, 2.5, 5, 0.25 * (10 + 12.5)])


def test_unbounded_growth_has_no_ceiling() -> None:
    result = grow(GrowthInputs(traffic=100, conversion=0.1, repurchase=0.6, interval=2, referral=0.5, target=10**6))
    assert result.ceiling is None and result.reachable and result.target_day is not None


def test_levers_are_ranked_by_their_effect_on_the_target_day() -> None:
    result = grow(FRUIT_STALL)
    assert [e.lever for e in result.levers][:3] == ["traffic", "conversion", "order_size"]
    assert {e.lever for e in result.top_levers()} == {"traffic", "conversion", "order_size"}
    assert all(e.days_saved == 1 for e in result.levers)
    gains = [e.gain for e in result.levers]
    assert gains == sorted(gains, reverse=True)
    assert result.levers[0].gain == pytest.approx(0.1)
    # with referral and repurchase close to their limit, they move the day most
    steep = grow(GrowthInputs(traffic=100, conversion=0.1, repurchase=0.6, interval=2, referral=0.3, target=90))
    assert steep.levers[0].lever in ("repurchase", "referral")


def test_an_unreachable_target_ranks_levers_by_the_gain_they_bring() -> None:
    result = grow(GrowthInputs(traffic=1000, conversion=0.05, repurchase=0.2, interval=7, target=100))
    assert not result.reachable
    assert result.levers[0].gain > 0 and all(e.target_day is None for e in result.levers)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"conversion": 1.5}, "conversion"),
        ({"repurchase": -0.1}, "repurchase"),
        ({"referral": 2}, "referral"),
        ({"traffic": -1}, "traffic"),
        ({"interval": 0.5}, "interval"),
        ({"target": 0}, "target"),
        ({"target": float("inf")}, "target"),
        ({"traffic": 0}, ""),
        ({"target_unit": "revenue", "order_value": 0}, ""),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_inputs_are_refused_with_the_field_named(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        GrowthInputs.model_validate({**FRUIT_STALL.model_dump(), **changes})
    assert raised.value.errors()[0]["loc"] == ((field,) if field else ())


shares = st.floats(min_value=0, max_value=1, allow_nan=False)
positive_shares = st.floats(min_value=0.001, max_value=1, allow_nan=False)
inputs = st.builds(
    GrowthInputs,
    traffic=st.floats(min_value=1, max_value=10_000, allow_nan=False),
    conversion=positive_shares,
    repurchase=st.floats(min_value=0, max_value=0.9, allow_nan=False),
    interval=st.floats(min_value=1, max_value=30, allow_nan=False),
    referral=st.floats(min_value=0, max_value=0.5, allow_nan=False),
    order_size=st.floats(min_value=0.1, max_value=10, allow_nan=False),
    target=st.floats(min_value=1, max_value=5_000, allow_nan=False),
    days=st.just(40),
)


def _later_or_equal(after: GrowthResult, before: GrowthResult) -> bool:
    """`after` meets the target no later than `before` (None = never / beyond the horizon)."""
    if before.target_day is None:
        return True
    return after.target_day is not None and after.target_day <= before.target_day


def _article_no_later(after: GrowthResult, before: GrowthResult) -> bool:
    if before.article_day is None:
        return True
    return after.article_day is not None and after.article_day <= before.article_day


@settings(max_examples=60, deadline=None)
@given(base=inputs, factor=st.floats(min_value=1, max_value=3, allow_nan=False))
def test_more_traffic_never_delays_the_target(base: GrowthInputs, factor: float) -> None:
    before = grow(base)
    after = grow(base.model_copy(update={"traffic": base.traffic * factor}))
    assert _later_or_equal(after, before)
    assert _article_no_later(after, before)


@settings(max_examples=60, deadline=None)
@given(base=inputs, higher=shares)
def test_higher_conversion_never_delays_the_target(base: GrowthInputs, higher: float) -> None:
    raised = max(base.conversion, higher)
    before = grow(base)
    after = grow(base.model_copy(update={"conversion": raised}))
    assert _later_or_equal(after, before)
    assert _article_no_later(after, before)


@settings(max_examples=60, deadline=None)
@given(base=inputs)
def test_orders_never_fall_and_stay_below_the_ceiling(base: GrowthInputs) -> None:
    result = grow(base)
    volumes = [day.volume for day in result.trajectory]
    assert volumes == sorted(volumes)
    if result.ceiling is not None:
        assert all(v <= result.ceiling * (1 + 1e-12) for v in volumes)
    if result.ceiling is None or not math.isclose(base.target, result.ceiling):  # the float ceiling is rounded
        assert result.reachable == (result.ceiling is None or base.target < result.ceiling)
    if result.target_day is not None and result.target_day <= len(volumes):
        assert volumes[result.target_day - 1] >= base.target * (1 - 1e-12)
        assert result.target_day == 1 or volumes[result.target_day - 2] < base.target * (1 + 1e-12)


def test_a_target_out_of_proportion_to_the_order_size_is_refused() -> None:
    import pytest
    from pydantic import ValidationError

    from advisor.growth.shapes import GrowthInputs

    with pytest.raises(ValidationError, match="orders a day"):
        GrowthInputs(traffic=60, conversion=0.2, target=4.9e14, order_size=2.2e-311)
