"""Gates: a missed gate fails the run; a target recorded as open is reported with its reason and does not."""

from __future__ import annotations

from advisor.evaluation.report import Thresholds, to_markdown, verdicts
from advisor.evaluation.suite import SliceRow, SuiteReport

REPORT = SuiteReport(
    systems=["extractive"],
    slices=[SliceRow(name="overall", cases=3, systems={"extractive": {"hit@5": 0.9, "junk_quote_rate": 0.0}})],
    per_case={},
)


def _gates(**extra: object) -> Thresholds:
    return Thresholds.model_validate(
        {"check": [{"metric": "hit@5", "min": 0.95, **extra}, {"metric": "junk_quote_rate", "max": 0.0}]}
    )


def test_a_missed_gate_blocks() -> None:
    missed, held = verdicts(REPORT, _gates(), "extractive")
    assert (missed.passed, missed.blocking) == (False, True)
    assert (held.passed, held.blocking) == (True, False)
    assert "**FAIL**" in to_markdown(REPORT, [missed, held])


def test_an_open_target_is_reported_with_its_reason_and_does_not_block() -> None:
    missed, _ = verdicts(REPORT, _gates(open="ceiling 0.91, evals/ceiling.py"), "extractive")
    assert (missed.passed, missed.blocking) == (False, False)
    assert "**open**: ceiling 0.91, evals/ceiling.py" in to_markdown(REPORT, [missed])


def test_a_metric_nobody_measured_blocks_on_a_complete_run() -> None:
    gates = Thresholds.model_validate({"check": [{"metric": "attack_success", "max": 0.0}]})
    [verdict] = verdicts(REPORT, gates, "extractive")
    assert verdict.blocking
