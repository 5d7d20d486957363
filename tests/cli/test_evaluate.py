"""`advisor eval`: generators side by side, reports written, thresholds turned into the exit code."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor.cli import app
from advisor.settings import PROJECT_ROOT, get_settings
from tests.scripted_llm import scripted_llm

runner = CliRunner()
CASES = PROJECT_ROOT / "evals" / "cases"


@pytest.fixture
def small_cases(tmp_path: Path) -> Path:
    """Two questions, one plan request, one out-of-scope question and one attack from the real case files."""
    wanted = {"r-zh-003", "h-en-001", "p-es-001", "o-en-001", "a-en-001"}
    lines = [line for file in CASES.rglob("*.jsonl") for line in file.read_text(encoding="utf-8").splitlines()]
    chosen = [line for line in lines if line.strip() and json.loads(line)["id"] in wanted]
    assert len(chosen) == len(wanted)
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path


def _gates(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "gates.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_abstention(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake embeddings carry no meaning, so abstention is switched off for these runs."""
    monkeypatch.setenv("ADVISOR_ADVICE__DECLINE_BIAS", "-1e6")  # fake embeddings: never decline
    get_settings.cache_clear()


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Points the `openai` generator at the scripted server, with the scripted model named."""
    with scripted_llm() as (base_url, _):

        def use(model: str) -> None:
            monkeypatch.setenv("ADVISOR_GENERATOR__BASE_URL", base_url)
            monkeypatch.setenv("ADVISOR_GENERATOR__MODEL", model)
            monkeypatch.setenv("ADVISOR_GENERATOR__STRUCTURED", "json_object")
            get_settings.cache_clear()

        yield use


def test_generators_side_by_side_with_reports(
    tmp_path: Path, small_cases: Path, scripted: Callable[[str], None]
) -> None:
    scripted("good")
    gates = _gates(tmp_path, '[[check]]\nsystem = "*"\nmetric = "citation_validity"\nmin = 1.0\n')
    args = ["eval", "-g", "extractive", "-g", "openai", "--cases", str(small_cases), "--no-baseline"]
    args += ["--thresholds", str(gates), "--report", str(tmp_path / "r.json"), "--markdown", str(tmp_path / "r.md")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["systems"] == ["extractive", "openai"]
    assert set(report["per_case"]["openai"]) == {"r-zh-003", "h-en-001", "p-es-001", "o-en-001", "a-en-001"}
    assert report["per_case"]["extractive"]["p-es-001"]["five_stages"] == 1.0
    assert "attack_success" in report["per_case"]["openai"]["a-en-001"]
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "| metric | extractive | openai |" in markdown
    assert "| * " not in markdown and "| openai | overall | citation_validity | ≥ 1 |" in markdown


def test_the_fallback_rate_of_an_llm_generator_is_gated(
    tmp_path: Path, small_cases: Path, scripted: Callable[[str], None]
) -> None:
    scripted("error")  # every call fails: every answer and plan falls back
    gates = _gates(tmp_path, '[[check]]\nsystem = "openai"\nmetric = "fallback"\nmax = 0.5\n')
    args = ["eval", "-g", "openai", "--cases", str(small_cases), "--no-baseline", "--thresholds", str(gates)]
    result = runner.invoke(app, [*args, "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 1, result.output
    assert "threshold missed" in result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert all(case["fallback"] == 1.0 for case in report["per_case"]["openai"].values() if "fallback" in case)


def test_a_missed_threshold_fails_the_run(tmp_path: Path, small_cases: Path) -> None:
    gates = _gates(tmp_path, '[[check]]\nmetric = "abstention"\nmin = 1.0\n')
    # Abstention is off, so the out-of-scope question is answered and the gate must fail.
    result = runner.invoke(app, ["eval", "--cases", str(small_cases), "--no-baseline", "--thresholds", str(gates)])
    assert result.exit_code == 1, result.output
    assert "threshold missed" in result.output


@pytest.mark.parametrize("body", ["[[check]]\nmetric = 'hit@5'\n", "not toml ["])
def test_bad_thresholds_file_is_a_clear_error(tmp_path: Path, small_cases: Path, body: str) -> None:
    gates = _gates(tmp_path, body)
    result = runner.invoke(app, ["eval", "--cases", str(small_cases), "--thresholds", str(gates)])
    assert result.exit_code == 2
    assert "error" in result.output


def test_bad_case_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "query": "q", "query_lang": "fr"}\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", "--cases", str(bad)])
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.output


def test_a_partial_run_skips_gates_its_cases_cannot_measure(tmp_path: Path, small_cases: Path) -> None:
    question_only = tmp_path / "one.jsonl"
    lines = small_cases.read_text(encoding="utf-8").splitlines()
    question_only.write_text(next(line for line in lines if '"r-zh-003"' in line) + "\n", encoding="utf-8")
    gates = _gates(tmp_path, '[[check]]\nmetric = "attack_success"\nmax = 0\n')
    args = ["eval", "--cases", str(question_only), "--no-baseline", "--thresholds", str(gates)]
    result = runner.invoke(app, [*args, "--markdown", str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.output
    assert "attack_success" not in (tmp_path / "r.md").read_text(encoding="utf-8")
