"""Eval reports (JSON and Markdown) and the thresholds that gate CI."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from advisor.evaluation.suite import LOWER_IS_BETTER, SuiteReport
from advisor.settings import PROJECT_ROOT

THRESHOLDS = PROJECT_ROOT / "evals" / "thresholds.toml"
METRIC_ORDER = [
    "hit@5",
    "recall@5",
    "mrr@10",
    "ndcg@10",
    "citation_validity",
    "citation_precision",
    "numbers_faithfulness",
    "concept_coverage",
    "stage_concepts",
    "junk_quote_rate",
    "answer_length",
    "answer_length_p95",
    "language_match",
    "language_share",
    "abstention",
    "false_refusal",
    "five_stages",
    "stages_cited",
    "tactics_tied",
    "attack_success",
    "fallback",
]


class Threshold(BaseModel):
    """One gate: `metric` on `slice` for `system` ('default': the configured generator; '*': every generator)."""

    system: str = "default"
    slice: str = "overall"
    metric: str
    min: float | None = None
    max: float | None = None
    open: str | None = Field(default=None, description="a target not met yet: why, and what measures its ceiling")

    @model_validator(mode="after")
    def _has_bound(self) -> Threshold:
        if (self.min is None) == (self.max is None):
            raise ValueError(f"{self.metric}: give exactly one of min or max")
        return self


class Thresholds(BaseModel):
    """The gates of `evals/thresholds.toml`."""

    check: list[Threshold] = Field(default_factory=list)


class Verdict(BaseModel):
    """A gate applied to one system: the measured value and whether it passed."""

    system: str
    slice: str
    metric: str
    bound: str
    value: float | None
    passed: bool
    open: str | None = None

    @property
    def blocking(self) -> bool:
        """A missed gate fails the run unless its target is recorded as open."""
        return not self.passed and self.open is None


def load_thresholds(path: Path = THRESHOLDS) -> Thresholds:
    """Gates from a TOML file of `[[check]]` tables."""
    return Thresholds.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))


def verdicts(report: SuiteReport, thresholds: Thresholds, default_system: str, complete: bool = True) -> list[Verdict]:
    """Every gate against the report; a gate on a system that was not run is skipped.

    On a `complete` run (every case) a metric nobody measured fails its gate; on a partial run
    (`--cases`, `--sample`) such a gate is skipped, since the cases that measure it were left out.
    """
    results = []
    generators = [s for s in report.systems if s != "baseline"]
    for gate in thresholds.check:
        names = {"default": [default_system], "*": generators}.get(gate.system, [gate.system])
        for system in (n for n in names if n in report.systems):
            value = report.value(system, gate.slice, gate.metric)
            if value is None and not complete:
                continue
            if gate.min is not None:
                bound, passed = f"≥ {gate.min:g}", value is not None and value >= gate.min
            elif gate.max is not None:
                bound, passed = f"≤ {gate.max:g}", value is not None and value <= gate.max
            results.append(
                Verdict(
                    system=system,
                    slice=gate.slice,
                    metric=gate.metric,
                    bound=bound,
                    value=value,
                    passed=passed,
                    open=gate.open,
                )
            )
    return results


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _ordered(metrics: set[str]) -> list[str]:
    return [m for m in METRIC_ORDER if m in metrics] + sorted(metrics - set(METRIC_ORDER))


def to_markdown(report: SuiteReport, gates: list[Verdict], title: str = "Eval report") -> str:
    """The report as Markdown: overall side by side, then every slice per system, then the gates."""
    overall = next(r for r in report.slices if r.name == "overall")
    lines = [f"# {title}", "", f"{overall.cases} cases; systems: {', '.join(report.systems)}.", ""]
    lines += [
        "## Overall",
        "",
        "| metric | " + " | ".join(report.systems) + " |",
        "|---" * (len(report.systems) + 1) + "|",
    ]
    for metric in _ordered({m for values in overall.systems.values() for m in values}):
        arrow = " (↓)" if metric in LOWER_IS_BETTER else ""
        cells = [_cell(overall.systems[s].get(metric)) for s in report.systems]
        lines.append(f"| {metric}{arrow} | " + " | ".join(cells) + " |")
    for system in report.systems:
        metrics = _ordered({m for row in report.slices for m in row.systems.get(system, {})})
        lines += ["", f"## {system}: by slice", "", "| slice | n | " + " | ".join(metrics) + " |"]
        lines.append("|---" * (len(metrics) + 2) + "|")
        for row in report.slices:
            cells = [_cell(row.systems.get(system, {}).get(m)) for m in metrics]
            lines.append(f"| {row.name} | {row.cases} | " + " | ".join(cells) + " |")
    if gates:
        lines += ["", "## Thresholds", "", "| system | slice | metric | bound | value | |", "|---" * 6 + "|"]
        for gate in gates:
            mark = "pass" if gate.passed else "**FAIL**" if gate.open is None else f"**open**: {gate.open}"
            lines.append(
                f"| {gate.system} | {gate.slice} | {gate.metric} | {gate.bound} | {_cell(gate.value)} | {mark} |"
            )
    return "\n".join(lines) + "\n"
