"""`advisor model growth`: the growth model as a table, JSON or a PNG plot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from advisor.cli.common import console, fail
from advisor.extras import MissingExtraError
from advisor.growth.model import DIFFERENCE, IMPROVEMENT, GrowthInputs, GrowthResult, TargetUnit, grow
from advisor.growth.plot import write_plot
from advisor.services.growth_advice import number, percent
from advisor.text.locale import LEVER_NAMES

model_app = typer.Typer(help="Metric models: compute the numbers a plan's metrics stage promises.")

Rate = Annotated[str, typer.Option(help="A share: 0.05 or 5%")]


def _share(name: str, text: str) -> float:
    """`text` as a share: '5%' → 0.05, '0.05' → 0.05."""
    stripped = text.strip()
    try:
        value = float(stripped.rstrip("%")) / (100 if stripped.endswith("%") else 1)
    except ValueError:
        raise fail(f"--{name}: {text!r} is not a number (write 0.05 or 5%)") from None
    if not 0 <= value <= 1:
        raise fail(f"--{name} must be between 0 and 1 (write 0.05 or 5%), got {text}")
    return value


def _validation_message(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{field.replace('_', '-')}: {message}" if field else message


def _summary(result: GrowthResult, unit: str) -> None:
    inputs = result.inputs
    target = f"{number(inputs.target)} {unit}/day"
    if not result.reachable:
        console.print(
            f"[bold red]not reachable[/bold red]: {target} is at or above the ceiling {number(result.ceiling or 0)}"
        )
    elif result.target_day is None:
        console.print(f"[yellow]{target} is not reached within {len(result.trajectory)} days[/yellow]")
    else:
        console.print(f"[bold green]day {result.target_day}[/bold green]: the simulation first meets {target}")
    article = f"N = {result.article_day}" if result.article_day is not None else "no day count"
    console.print(f"article's rough formula: {article}", highlight=False)
    console.print(f"[dim]{DIFFERENCE}[/dim]")


def _levers_table(result: GrowthResult) -> Table:
    table = Table("rank", "lever", "now", f"+{percent(IMPROVEMENT)}", "target day", "days saved",
                  f"gain on day {result.gain_day}", title="levers, biggest effect first")  # fmt: skip
    for rank, effect in enumerate(result.levers, 1):
        table.add_row(
            str(rank), LEVER_NAMES["en"][effect.lever], f"{effect.value:g}", f"{effect.improved:.4g}",
            str(effect.target_day) if effect.target_day is not None else "-",
            str(effect.days_saved) if effect.days_saved is not None else "-", f"+{percent(effect.gain)}",
        )  # fmt: skip
    return table


def _trajectory_table(result: GrowthResult, unit: str) -> Table:
    table = Table("day", "new", "referred", "repeat", "orders", unit or "volume", "revenue", title="trajectory")
    for day in result.trajectory:
        style = "bold green" if day.day == result.target_day else None
        table.add_row(str(day.day), *(number(getattr(day, part)) for part in
                      ("new", "referred", "repeat", "orders", "volume", "revenue")), style=style)  # fmt: skip
    return table


@model_app.command()
def growth(
    traffic: Annotated[float, typer.Option(help="People passing by per day")],
    conversion: Rate,
    target: Annotated[float, typer.Option(help="Daily target, in --target-unit")],
    repurchase: Rate = "0",
    interval: Annotated[float, typer.Option(help="Days between repurchases")] = 7,
    referral: Rate = "0",
    order_size: Annotated[float, typer.Option(help="Volume per order (e.g. 2 jin)")] = 1,
    order_value: Annotated[float, typer.Option(help="Revenue per order")] = 0,
    target_unit: Annotated[TargetUnit, typer.Option(help="What the target counts")] = "volume",
    unit: Annotated[str, typer.Option(help="Name of the volume unit, for display (jin, kg, …)")] = "",
    days: Annotated[int | None, typer.Option(help="Trajectory length in days (default: automatic)")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write the trajectory as a PNG here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Days until daily sales reach a target, by day-by-day simulation and by the article's rough formula."""
    try:
        inputs = GrowthInputs(
            traffic=traffic, conversion=_share("conversion", conversion), repurchase=_share("repurchase", repurchase),
            interval=interval, referral=_share("referral", referral), order_size=order_size, order_value=order_value,
            target=target, target_unit=target_unit, days=days,
        )  # fmt: skip
    except ValidationError as exc:
        raise fail(_validation_message(exc)) from None
    result = grow(inputs)
    if plot is not None:
        try:
            write_plot(result, plot, unit)
        except (MissingExtraError, OSError) as exc:
            raise fail(str(exc)) from exc
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    console.print(_trajectory_table(result, unit))
    console.print(_levers_table(result))
    _summary(result, unit or target_unit)
    if plot is not None:
        console.print(f"plot written to {plot}", highlight=False)
