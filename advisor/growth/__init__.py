"""Metric models a plan's metrics stage can compute: the growth of daily orders towards a target."""

from advisor.growth.model import GrowthInputs, GrowthResult, grow

__all__ = ["GrowthInputs", "GrowthResult", "grow"]
