"""`advisor eval`: the whole suite with generators side by side, and `advisor eval retrieval`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from advisor.backends.chat import ModelUnavailable
from advisor.cli.common import console, fail, open_services, progress_bar
from advisor.evaluation.cases import CASES_DIR, EvalCase, load_cases, sample
from advisor.evaluation.report import THRESHOLDS, load_thresholds, to_markdown, verdicts
from advisor.evaluation.suite import LOWER_IS_BETTER, SuiteReport
from advisor.extras import MissingExtraError
from advisor.services.documents import read_documents

eval_app = typer.Typer(help="Evaluate the advisor on the eval cases.")
Generator = Annotated[list[str] | None, typer.Option("--generator", "-g", help="Generator backend (repeatable)")]


def _cases(paths: list[Path], size: int | None) -> list[EvalCase]:
    try:
        loaded = load_cases(paths)
    except (OSError, ValueError) as exc:
        raise fail(f"eval cases: {exc}") from exc
    return sample(loaded, size) if size else loaded


def _baseline(enabled: bool, corpus_dir: Path) -> Any:
    if not enabled:
        return None
    from advisor.evaluation.baseline import build_baseline

    return build_baseline(corpus_dir)


def _print_overall(report: SuiteReport) -> None:
    overall = next(row for row in report.slices if row.name == "overall")
    table = Table("metric", *report.systems, title=f"eval · {overall.cases} cases")
    metrics = dict.fromkeys(m for values in overall.systems.values() for m in values)
    for metric in metrics:
        values = [overall.systems[s].get(metric) for s in report.systems]
        label = f"{metric} (↓)" if metric in LOWER_IS_BETTER else metric
        table.add_row(label, *("–" if v is None else f"{v:.3f}" for v in values))
    console.print(table)


@eval_app.callback(invoke_without_command=True)
def evaluate(
    ctx: typer.Context,
    generator: Generator = None,
    cases: Annotated[list[Path] | None, typer.Option(help="Case files or folders (default: evals/cases)")] = None,
    size: Annotated[int | None, typer.Option("--sample", min=1, help="Run an even sample of this many cases")] = None,
    baseline: Annotated[bool, typer.Option(help="Also score the vanilla retrieval baseline")] = True,
    report: Annotated[Path | None, typer.Option(help="Write the full report as JSON here")] = None,
    markdown: Annotated[Path | None, typer.Option(help="Write the report as Markdown here")] = None,
    thresholds: Annotated[Path, typer.Option(help="Gates; the exit code is 1 when one is missed")] = THRESHOLDS,
    gate: Annotated[bool, typer.Option(help="Apply the thresholds")] = True,
) -> None:
    """Retrieval, citations, answers, plans and attacks for each generator side by side, gated by thresholds."""
    if ctx.invoked_subcommand is not None:
        return
    chosen = _cases(cases or [CASES_DIR], size)
    try:
        gates = load_thresholds(thresholds) if gate else None
    except (OSError, ValueError) as exc:
        raise fail(f"{thresholds}: {exc}") from exc
    with open_services(MissingExtraError, ModelUnavailable) as app_services:
        from advisor.evaluation.runner import evaluate_generators

        app_services.ingest.ingest_paths()
        names = list(dict.fromkeys(generator or [app_services.settings.generator.backend]))
        search = _baseline(baseline, app_services.settings.corpus_dir)
        with progress_bar() as bar:
            task = bar.add_task("evaluating", total=len(chosen) * len(names))
            result = evaluate_generators(app_services, chosen, names, search, progress=lambda: bar.advance(task))
        default = app_services.settings.generator.backend
    checked = verdicts(result, gates, default, complete=not cases and size is None) if gates else []
    _print_overall(result)
    for verdict in checked:
        if verdict.blocking:
            console.print(f"[red]threshold missed:[/red] {verdict.system} {verdict.slice} {verdict.metric} "
                          f"{verdict.value} (needs {verdict.bound})", highlight=False)  # fmt: skip
        elif not verdict.passed:
            console.print(f"[yellow]open target not met:[/yellow] {verdict.system} {verdict.slice} {verdict.metric} "
                          f"{verdict.value} (target {verdict.bound}; {verdict.open})", highlight=False)  # fmt: skip
        elif verdict.open:
            console.print(f"[green]open target now met:[/green] {verdict.slice} {verdict.metric}; make it a gate")
    if report:
        report.write_text(result.model_dump_json(indent=2), encoding="utf-8")
    if markdown:
        markdown.write_text(to_markdown(result, checked), encoding="utf-8")
    if any(v.blocking for v in checked):
        raise typer.Exit(code=1)


@eval_app.command("retrieval")
def eval_retrieval(
    cases: Annotated[Path, typer.Option(help="JSONL cases")] = CASES_DIR / "tuning" / "retrieval.jsonl",
    baseline: Annotated[bool, typer.Option(help="Also run the vanilla baseline (needs the 'st' extra)")] = True,
    report: Annotated[Path | None, typer.Option(help="Write the scores as JSON here")] = None,
) -> None:
    """hit@5, recall@5, MRR@10 and nDCG@10 of the advisor and the vanilla baseline, side by side."""
    from advisor.evaluation.retrieval import advisor_search, evaluate

    loaded = _cases([cases], None)
    with open_services(MissingExtraError) as app_services:
        app_services.ingest.ingest_paths()
        systems: dict[str, Any] = {"advisor": advisor_search(app_services.retriever)}
        if search := _baseline(baseline, app_services.settings.corpus_dir):
            systems["baseline"] = search
        languages = {d.id: d.language for d in read_documents([app_services.settings.corpus_dir])}
        with progress_bar() as bar:
            task = bar.add_task("evaluating", total=len(loaded))
            slices = evaluate(loaded, systems, languages, progress=lambda: bar.advance(task))
    metrics = list(next(iter(slices[0].systems.values())))
    names = list(systems)
    table = Table("slice", "n", *metrics, title=f"retrieval eval ({'/'.join(names)})")
    for row in slices:
        cells = ["/".join(f"{row.systems[s][m]:.3f}" for s in names) for m in metrics]
        table.add_row(row.name, str(row.cases), *cells)
    console.print(table)
    if report:
        report.write_text(json.dumps([s.model_dump() for s in slices], indent=2), encoding="utf-8")
