"""Metric models: the arithmetic behind a plan's metrics stage."""

from __future__ import annotations

from fastapi import APIRouter

from advisor.api.deps import Caller, RuntimeDep
from advisor.api.models import COMMON_PROBLEMS, problem_responses
from advisor.api.work import compute
from advisor.growth.model import GrowthInputs, GrowthResult, grow

router = APIRouter(prefix="/v1/model", tags=["models"], responses=problem_responses(*COMMON_PROBLEMS))


@router.post("/growth")
async def growth(body: GrowthInputs, runtime: RuntimeDep, _: Caller) -> GrowthResult:
    """Days until daily sales reach `target`: a day-by-day simulation beside the article's rough formula.

    Returns the trajectory (new, referred and repeat buyers, orders, volume, revenue per day), the first day the
    target is met (`target_day`; `reachable` false with the `ceiling` when it never is), the article's N, and each
    lever's effect when improved by 10%, biggest first. Rates outside [0, 1], negative traffic, intervals under one
    day and targets no input can reach (no first purchases; a revenue target without an order value) get 422.
    """
    return await compute(runtime, lambda: grow(body))
