"""Inputs and results of the growth model, with the validation that refuses impossible inputs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

HORIZON = 730  # days: the furthest the model looks for the target day (two years)
IMPROVEMENT = 0.10  # sensitivity: each lever is improved by this share, one at a time
TargetUnit = Literal["volume", "orders", "revenue"]
Lever = Literal["traffic", "conversion", "repurchase", "interval", "referral", "order_size", "order_value"]

DIFFERENCE = (
    "The article's rough formula follows only the first day's buyers, grows them by the referral rate every day and "
    "spreads repurchase evenly over the interval. The day-by-day simulation also counts the new buyers who arrive "
    "every day, lets each order bring referrals the next day, and loses the buyers who do not repurchase."
)


MAX_TARGET_ORDERS = 1e15  # target ÷ what one order adds: beyond it the arithmetic leaves the range of floats


class GrowthInputs(BaseModel):
    """The levers of the model and the daily target (rates are shares between 0 and 1)."""

    model_config = ConfigDict(extra="forbid")

    traffic: float = Field(ge=0, le=1e9, allow_inf_nan=False, description="people passing by per day")
    conversion: float = Field(ge=0, le=1, allow_inf_nan=False, description="share who make a first purchase")
    repurchase: float = Field(default=0, ge=0, le=1, allow_inf_nan=False, description="share who buy again")
    interval: float = Field(default=7, ge=1, le=365, allow_inf_nan=False, description="days between repurchases")
    referral: float = Field(default=0, ge=0, le=1, allow_inf_nan=False, description="new buyers each order brings")
    order_size: float = Field(default=1, gt=0, le=1e9, allow_inf_nan=False, description="volume per order")
    order_value: float = Field(default=0, ge=0, le=1e9, allow_inf_nan=False, description="revenue per order")
    target: float = Field(gt=0, le=1e15, allow_inf_nan=False, description="daily target, in `target_unit`")
    target_unit: TargetUnit = "volume"
    days: int | None = Field(default=None, ge=1, le=HORIZON, description="trajectory length (default: automatic)")

    @property
    def per_order(self) -> float:
        """How much one order adds to the target measure."""
        return {"volume": self.order_size, "orders": 1.0, "revenue": self.order_value}[self.target_unit]

    @model_validator(mode="after")
    def _target_possible(self) -> GrowthInputs:
        if self.target_unit == "revenue" and self.order_value == 0:
            raise ValueError("a revenue target needs an order_value above 0")
        if self.traffic * self.conversion == 0:
            raise ValueError("traffic × conversion is 0: with no first purchases no target can be reached")
        if self.target / self.per_order > MAX_TARGET_ORDERS:
            raise ValueError(f"the target is more than {MAX_TARGET_ORDERS:g} orders a day at this size of order")
        return self


class GrowthDay(BaseModel):
    """One simulated day."""

    day: int
    new: float
    referred: float
    repeat: float
    orders: float
    volume: float
    revenue: float


class LeverEffect(BaseModel):
    """What improving one lever by `IMPROVEMENT` does to the target day."""

    lever: Lever
    value: float
    improved: float
    target_day: int | None
    days_saved: int | None = Field(description="days earlier than now; None when either day is unknown")
    gain: float = Field(description="relative rise of the target measure on the reference day")


class GrowthResult(BaseModel):
    """The trajectory, the day the target is first met by simulation and by the article's formula, and the levers."""

    inputs: GrowthInputs
    target_orders: float
    reachable: bool = Field(description="False when the target is at or above the ceiling")
    target_day: int | None = Field(description="first simulated day meeting the target (None: never or too late)")
    article_day: int | None = Field(description="N of the article's rough formula (None: never or too late)")
    ceiling: float | None = Field(description="the daily target measure is always below this; None: unbounded")
    trajectory: list[GrowthDay]
    levers: list[LeverEffect] = Field(description="biggest effect first")
    difference: str = DIFFERENCE

    @property
    def gain_day(self) -> int:
        """The day lever gains are measured on: the target day, or the last day shown when there is none."""
        return self.target_day or len(self.trajectory)

    def top_levers(self) -> list[LeverEffect]:
        """The levers with the biggest effect (several when they tie)."""
        best = self.levers[0]
        return [e for e in self.levers if e.target_day == best.target_day and e.gain == best.gain]
