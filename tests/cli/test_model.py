"""`advisor model growth` and the growth model inside `advisor plan`."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor.cli import app
from advisor.settings import get_settings

runner = CliRunner()
FRUIT_STALL = ["model", "growth", "--traffic", "1000", "--conversion", "5%", "--repurchase", "0.5", "--interval", "3",
               "--referral", "10%", "--order-size", "2", "--order-value", "10", "--target", "200"]  # fmt: skip


def test_growth_prints_the_simulated_day_and_the_articles_n() -> None:
    result = runner.invoke(app, [*FRUIT_STALL, "--unit", "jin"])
    assert result.exit_code == 0, result.output
    assert "day 8: the simulation first meets 200 jin/day" in result.output
    assert "article's rough formula: N = 27" in result.output
    assert "levers, biggest effect first" in result.output


def test_growth_json_is_the_model_result() -> None:
    result = runner.invoke(app, [*FRUIT_STALL, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["target_day"], data["article_day"], data["ceiling"]) == (8, 27, 250.0)
    assert data["levers"][0]["lever"] == "traffic"


def test_plot_writes_a_png_of_the_trajectory(tmp_path: Path) -> None:
    path = tmp_path / "growth.png"
    result = runner.invoke(app, [*FRUIT_STALL, "--plot", str(path)])
    assert result.exit_code == 0, result.output
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert (width, height) == (990, 550)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (["--conversion", "5"], "--conversion must be between 0 and 1"),
        (["--conversion", "lots"], "is not a number"),
        (["--traffic", "-1"], "traffic: Input should be greater than or equal to 0"),
        (["--interval", "0.5"], "interval: Input should be greater than or equal to 1"),
        (["--target", "0"], "target: Input should be greater than 0"),
        (["--traffic", "0"], "no target can be reached"),
        (["--order-value", "0", "--target-unit", "revenue"], "a revenue target needs an order_value above 0"),
    ],
)
def test_bad_inputs_exit_non_zero_with_one_line(changes: list[str], message: str) -> None:
    result = runner.invoke(app, [*FRUIT_STALL, *changes])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert len(result.output.strip().splitlines()) <= 2


def test_plan_shows_the_day_count_and_top_lever_in_metrics_and_strategy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_ADVICE__DECLINE_BIAS", "-1e6")  # fake embeddings: never decline
    get_settings.cache_clear()
    runner.invoke(app, ["ingest"])
    result = runner.invoke(
        app,
        ["plan", "Plan to sell 200 jin of apples a day at a school gate", "--context",
         "traffic 1000/day, conversion 5%, repurchase 50% every 3 days, referral 10%, 2 jin per order"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(line.strip("│ ") for line in result.output.splitlines())
    metrics, strategy = text.split("3. Metrics")[1].split("4. Strategy")
    assert "reaches 200 jin a day on day 8" in metrics and "N = 27 days" in metrics
    assert "1. traffic" in strategy.split("5. Tactics")[0] and "Start with traffic" in strategy


def test_error_messages_keep_square_brackets() -> None:
    result = runner.invoke(app, [*FRUIT_STALL, "--conversion", "[plot]"])
    assert result.exit_code == 2
    assert "'[plot]' is not a number" in result.output
