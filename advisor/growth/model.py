"""Growth model of a small shop: first purchases, referrals and repurchases, day by day, up to a daily target.

Day-by-day simulation (days t = 1, 2, …; nothing is sold before day 1):

    new(t)      = traffic × conversion                    first purchases from passing traffic
    referred(t) = referral × orders(t − 1)                every order brings `referral` new buyers the next day
    repeat(t)   = repurchase × orders(t − interval)       a buyer orders again after `interval` days with
                                                          probability `repurchase`, and is otherwise lost
    orders(t)   = new(t) + referred(t) + repeat(t)
    volume(t)   = orders(t) × order_size                  revenue(t) = orders(t) × order_value

A fractional interval splits repeat orders between the two whole days around it (2.5: half after 2 days, half
after 3). Orders never fall from one day to the next. When referral + repurchase < 1 they approach the ceiling
traffic × conversion / (1 − referral − repurchase) without reaching it; otherwise they grow without bound.

The article's rough formula follows a single day's first buyers:

    traffic × conversion × (1 + referral)^N × repurchase / interval ≥ target orders

It compounds referral on the whole customer base every day and spreads repurchase evenly over the interval, and it
leaves out the new buyers who arrive every day, so it usually gives a later day than the simulation.

Inputs are read as the decimals written (0.05 is exactly 1/20, not the nearest binary float). The ceiling and the
article's N are computed in exact fractions; the simulation runs in 50-digit decimal arithmetic, whose rounding is
far below any reported figure and, being monotone, keeps more traffic or conversion from ever delaying the target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from fractions import Fraction
from typing import get_args

from advisor.growth.shapes import (
    DIFFERENCE,
    HORIZON,
    IMPROVEMENT,
    GrowthDay,
    GrowthInputs,
    GrowthResult,
    Lever,
    LeverEffect,
    TargetUnit,
)


@dataclass(frozen=True)
class _Exact:
    """The inputs as exact fractions."""

    traffic: Fraction
    conversion: Fraction
    repurchase: Fraction
    interval: Fraction
    referral: Fraction
    order_size: Fraction
    order_value: Fraction
    target_orders: Fraction

    @property
    def first_buyers(self) -> Fraction:
        return self.traffic * self.conversion

    @property
    def ceiling_orders(self) -> Fraction | None:
        loss = 1 - self.referral - self.repurchase
        return self.first_buyers / loss if loss > 0 else None


_LEVERS: tuple[Lever, ...] = get_args(Lever)


def _fraction(value: float) -> Fraction:
    return Fraction(repr(value))  # the decimal as written, not the binary float


def _exact(inputs: GrowthInputs) -> _Exact:
    levers = {name: _fraction(getattr(inputs, name)) for name in _LEVERS}
    return _Exact(**levers, target_orders=_fraction(inputs.target) / _fraction(inputs.per_order))


_DIGITS = Context(prec=50)
_ZERO = Decimal(0)


def _decimal(value: Fraction) -> Decimal:
    with localcontext(_DIGITS):
        return Decimal(value.numerator) / Decimal(value.denominator)


class _Simulation:
    """Orders day by day; `new`, `referred` and `repeat` hold each day's parts (index 0 is day 1)."""

    def __init__(self, model: _Exact) -> None:
        self.model = model
        whole = math.floor(model.interval)
        lags = [(whole, 1 - (model.interval - whole)), (whole + 1, model.interval - whole)]
        self._lags = [(lag, _decimal(model.repurchase * weight)) for lag, weight in lags if weight]
        self._first = _decimal(model.first_buyers)
        self._referral = _decimal(model.referral)
        self._target = _decimal(model.target_orders)
        self.new: list[Decimal] = []
        self.referred: list[Decimal] = []
        self.repeat: list[Decimal] = []
        self.orders: list[Decimal] = []

    def _before(self, lag: int) -> Decimal:
        index = len(self.orders) - lag
        return self.orders[index] if index >= 0 else _ZERO

    def step(self) -> Decimal:
        with localcontext(_DIGITS):
            repeat = sum((share * self._before(lag) for lag, share in self._lags), _ZERO)
            parts = (self._first, self._referral * self._before(1), repeat)
            for series, part in zip((self.new, self.referred, self.repeat), parts, strict=True):
                series.append(part)
            self.orders.append(parts[0] + parts[1] + parts[2])
        return self.orders[-1]

    def run_to(self, days: int) -> None:
        while len(self.orders) < days:
            self.step()

    def first_day(self, limit: int = HORIZON) -> int | None:
        """First day orders reach the target, simulating as far as needed (None when never or after `limit`)."""
        ceiling = self.model.ceiling_orders
        if ceiling is not None and self.model.target_orders >= ceiling:
            return None
        for day, orders in enumerate(self.orders, 1):
            if orders >= self._target:
                return day
        while len(self.orders) < limit:
            if self.step() >= self._target:
                return len(self.orders)
        return None


def article_day(model: _Exact, limit: int = HORIZON) -> int | None:
    """Smallest N with traffic × conversion × (1 + referral)^N × repurchase / interval ≥ target orders."""
    daily = model.first_buyers * model.repurchase / model.interval
    if daily == 0:
        return None
    if daily >= model.target_orders:
        return 0
    if model.referral == 0:
        return None
    growth = 1 + model.referral
    daily_rate = math.log1p(float(model.referral))
    if daily_rate <= 0:  # a referral rate too small for floating point: no day within any horizon
        return None
    ratio = model.target_orders / daily
    days = (math.log(ratio.numerator) - math.log(ratio.denominator)) / daily_rate
    if not days <= limit + 1:  # also catches infinity
        return None
    estimate = math.ceil(days)
    n = max(0, estimate - 1)  # the float estimate is checked exactly, one step either way
    while n > 0 and daily * growth ** (n - 1) >= model.target_orders:
        n -= 1
    while daily * growth**n < model.target_orders:
        n += 1
    return n if n <= limit else None


def _improved(inputs: GrowthInputs, lever: Lever, step: float) -> float:
    value: float = getattr(inputs, lever)
    if lever == "interval":
        return max(1.0, value / (1 + step))
    if lever in ("conversion", "repurchase", "referral"):
        return min(1.0, value * (1 + step))
    return min(1e9, value * (1 + step))


def _levers_for(inputs: GrowthInputs) -> tuple[Lever, ...]:
    unit_lever: dict[TargetUnit, tuple[Lever, ...]] = {
        "volume": ("order_size",),
        "revenue": ("order_value",),
        "orders": (),
    }
    return ("traffic", "conversion", "repurchase", "interval", "referral", *unit_lever[inputs.target_unit])


def _lever_effects(inputs: GrowthInputs, target_day: int | None, reference: int, base: Decimal) -> list[LeverEffect]:
    effects = []
    for lever in _levers_for(inputs):
        improved = _improved(inputs, lever, IMPROVEMENT)
        changed = inputs.model_copy(update={lever: improved})
        model = _exact(changed)
        simulation = _Simulation(model)
        simulation.run_to(reference)
        day = simulation.first_day()
        saved = target_day - day if target_day is not None and day is not None else None
        measure = simulation.orders[reference - 1] * _decimal(_fraction(changed.per_order))
        gain = float(measure / base - 1) if base else 0.0
        effects.append(
            LeverEffect(
                lever=lever,
                value=getattr(inputs, lever),
                improved=improved,
                target_day=day,
                days_saved=saved,
                gain=round(gain, 6),
            )
        )
    return sorted(effects, key=lambda e: (e.target_day is not None, -(e.target_day or 0), e.gain), reverse=True)


def _trajectory_days(inputs: GrowthInputs, target_day: int | None, formula_day: int | None) -> int:
    if inputs.days:
        return inputs.days
    marks = [day for day in (target_day, formula_day) if day is not None]
    return min(HORIZON, max([30, *(day + 7 for day in marks)]))


def grow(inputs: GrowthInputs) -> GrowthResult:
    """Simulate `inputs`, find the target day by simulation and by the article's formula, and rank the levers."""
    model = _exact(inputs)
    simulation = _Simulation(model)
    target_day = simulation.first_day()
    formula_day = article_day(model)
    days = _trajectory_days(inputs, target_day, formula_day)
    simulation.run_to(days)
    size, value = _decimal(model.order_size), _decimal(model.order_value)
    trajectory = [
        GrowthDay(
            day=day,
            new=float(new),
            referred=float(referred),
            repeat=float(repeat),
            orders=float(orders),
            volume=float(orders * size),
            revenue=float(orders * value),
        )
        for day, new, referred, repeat, orders in zip(
            range(1, days + 1), simulation.new, simulation.referred, simulation.repeat, simulation.orders, strict=False
        )
    ]
    per_order = _fraction(inputs.per_order)
    reference = target_day or days  # the day lever gains are measured on (`GrowthResult.gain_day`)
    simulation.run_to(reference)
    ceiling = model.ceiling_orders
    return GrowthResult(
        inputs=inputs,
        target_orders=float(model.target_orders),
        reachable=ceiling is None or model.target_orders < ceiling,
        target_day=target_day,
        article_day=formula_day,
        ceiling=float(ceiling * per_order) if ceiling is not None else None,
        trajectory=trajectory,
        levers=_lever_effects(inputs, target_day, reference, simulation.orders[reference - 1] * _decimal(per_order)),
    )


__all__ = [
    "DIFFERENCE",
    "HORIZON",
    "IMPROVEMENT",
    "GrowthDay",
    "GrowthInputs",
    "GrowthResult",
    "Lever",
    "LeverEffect",
    "TargetUnit",
    "grow",
]
