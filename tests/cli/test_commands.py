"""The command line, driven in-process with settings from the environment (fake embeddings)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from advisor.backends.lock import DataDirLock
from advisor.cli import app
from advisor.schemas import STAGES, Plan
from advisor.settings import get_settings

runner = CliRunner()


def test_ingest_twice_reports_nothing_to_do() -> None:
    first = runner.invoke(app, ["ingest"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["ingest"])
    assert "0 added / 0 updated / 0 deleted" in second.output


def test_dry_run_prints_what_cleaning_removed() -> None:
    result = runner.invoke(app, ["ingest", "--dry-run"])
    assert result.exit_code == 0
    assert "business-operations-system.zh outline: 业务运营体系搭建" in result.output
    assert "第一步:你所处的行业的大环境是什么样的?" in result.output
    assert "four core links" not in result.output and "[lists: 4 items]" in result.output
    assert "contact" in result.output
    assert "175-8598-2043" in result.output
    assert "would write:" in result.output


def test_search_json_lists_ranked_chunks() -> None:
    runner.invoke(app, ["ingest"])
    result = runner.invoke(app, ["search", "如何提高用户留存", "-k", "3", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]
    assert len(rows) == 3
    assert {"chunk_id", "source", "language", "score", "text"} <= set(rows[0])


def test_search_before_ingest_says_so() -> None:
    result = runner.invoke(app, ["search", "retention"])
    assert result.exit_code == 2
    assert "advisor ingest" in result.output


@pytest.mark.parametrize(
    "args",
    [["ingest", "/no/such/path"], ["search", "   "], ["search", "x", "-k", "0"], ["search", "x", "--language", "fr"]],
)
def test_bad_input_exits_non_zero_with_a_message(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    assert result.output.strip()


def test_plan_json_validates_against_the_plan_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_ADVICE__DECLINE_BIAS", "-1e6")  # fake embeddings: never decline
    get_settings.cache_clear()
    runner.invoke(app, ["ingest"])
    result = runner.invoke(app, ["plan", "Crea un plan para vender más fruta por internet", "--json"])
    assert result.exit_code == 0, result.output
    plan = Plan.model_validate_json(result.output)
    assert [step.stage for step in plan.steps] == list(STAGES)
    assert plan.steps[0].title == "Entorno del sector (PEST)"


def test_ask_prints_the_answer_and_its_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_ADVICE__DECLINE_BIAS", "-100")  # the fake model's similarities are not calibrated
    get_settings.cache_clear()
    runner.invoke(app, ["ingest"])
    result = runner.invoke(app, ["ask", "How do I keep users?"])
    assert result.exit_code == 0, result.output
    assert "the article" in result.output.lower() and "[1]" in result.output
    assert "sources" in result.output


@pytest.mark.parametrize("args", [["ask", "  "], ["plan", ""], ["ask", "x", "-k", "99"]])
def test_ask_and_plan_reject_bad_input(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code != 0


def test_ingest_and_serve_stop_at_once_when_another_process_holds_the_data_dir() -> None:
    with DataDirLock(get_settings(), "advisor serve"):
        for command in (["ingest"], ["serve", "--port", "1"]):
            result = runner.invoke(app, command)
            assert result.exit_code == 2
            assert "is in use by another advisor process (advisor serve pid" in result.stderr
    assert runner.invoke(app, ["ingest", "--json"]).exit_code == 0  # released: ingest goes through
