"""A PNG of a growth trajectory: daily orders by kind, the target line, and the target days."""

from __future__ import annotations

from pathlib import Path

from advisor.extras import MissingExtraError
from advisor.growth.shapes import GrowthResult


def write_plot(result: GrowthResult, path: Path, unit: str = "") -> None:
    """Draw `result` as a stacked area of new, referred and repeat volume with the target as a line."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingExtraError("plotting (matplotlib)", "plot") from exc
    inputs = result.inputs
    per_order = inputs.per_order
    days = [d.day for d in result.trajectory]
    parts = [[getattr(d, part) * per_order for d in result.trajectory] for part in ("new", "referred", "repeat")]
    measure = unit or inputs.target_unit
    figure, axes = plt.subplots(figsize=(9, 5), dpi=110)
    try:
        axes.stackplot(days, *parts, labels=["new buyers", "referred buyers", "repeat buyers"], alpha=0.8)
        axes.axhline(inputs.target, color="black", linestyle="--", label=f"target {inputs.target:g} {measure}/day")
        if result.ceiling is not None:
            axes.axhline(result.ceiling, color="grey", linestyle=":", label=f"ceiling {result.ceiling:.4g}")
        if result.target_day is not None:
            axes.axvline(result.target_day, color="tab:red", label=f"simulation: day {result.target_day}")
        if inputs.repurchase and inputs.referral:  # the article's rough curve: day 1's buyers, compounded
            daily = inputs.traffic * inputs.conversion * inputs.repurchase / inputs.interval * per_order
            curve = [daily * (1 + inputs.referral) ** day for day in days]
            axes.plot(days, curve, color="tab:purple", linewidth=1, label="article's rough formula")
        if result.article_day is not None and result.article_day <= days[-1]:
            axes.axvline(result.article_day, color="tab:purple", linestyle="-.",
                         label=f"article's formula: N = {result.article_day}")  # fmt: skip
        axes.set_xlabel("day")
        axes.set_ylabel(f"{measure} per day")
        axes.set_title("Growth towards the daily target")
        axes.set_xlim(1, days[-1])
        axes.set_ylim(0, max(inputs.target, max(map(sum, zip(*parts, strict=True)))) * 1.15)
        axes.legend(loc="upper left", fontsize="small")
        axes.grid(alpha=0.3)
        figure.tight_layout()
        figure.savefig(path, format="png")
    finally:
        plt.close(figure)
