"""Command line: `advisor ingest`, `advisor search`, `advisor eval retrieval`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from advisor.assembly import Services, build_services
from advisor.backends.embeddings import MissingExtraError
from advisor.schemas import Citation, IngestReport, Language
from advisor.services.advice import AdviceError
from advisor.services.documents import DocumentError, read_documents
from advisor.services.retrieval import RetrievalError
from advisor.settings import PROJECT_ROOT, get_settings

app = typer.Typer(help="Operations Advisor: cited, cross-lingual advice from expert articles.", no_args_is_help=True)
eval_app = typer.Typer(help="Evaluate the advisor on the eval cases.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
console = Console()
errors = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    """Print a one-line error and return the exit to raise."""
    errors.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def services() -> Services:
    """The assembled services, or a clean exit when a backend cannot start."""
    try:
        return build_services(get_settings())
    except MissingExtraError as exc:
        raise fail(str(exc)) from exc


@contextmanager
def open_services(*expected: type[Exception]) -> Iterator[Services]:
    """The services for one command; `expected` errors become a one-line message and exit code 2."""
    app_services = services()
    try:
        yield app_services
    except expected as exc:
        raise fail(str(exc)) from exc
    finally:
        app_services.close()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )


def _print_ingest(report: IngestReport) -> None:
    if report.dry_run:
        for cleaning in report.cleaning:
            console.print(f"[bold]{cleaning.source}[/bold]: kept {cleaning.kept_chars} characters, removed:")
            for reason, lines in cleaning.removed.items():
                console.print(f"  {reason} ({len(lines)})")
                for line in lines:
                    console.print(f"    - {line[:100]}", highlight=False, markup=False)
    table = Table("document", "status", "chunks", "added", "deleted")
    for change in report.documents:
        table.add_row(
            change.source, change.status, str(change.chunks_total), str(change.chunks_added), str(change.chunks_deleted)
        )
    console.print(table)
    prefix = "would write: " if report.dry_run else ""
    console.print(
        f"{prefix}{report.added} added / {report.updated} updated / {report.deleted} deleted"
        f" / {report.skipped} unchanged"
    )


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files (.txt/.md) or folders; default: corpus/")] = None,
    prune: Annotated[bool, typer.Option(help="Delete stored documents not among PATHS")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show cleaning and changes, write nothing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Clean, chunk and index documents (idempotent: unchanged documents are not rewritten)."""
    with open_services(DocumentError) as app_services:
        total = sum(1 for _ in read_documents(paths or [app_services.settings.corpus_dir]))
        with _progress() as bar:
            task = bar.add_task("indexing", total=None if dry_run else total)
            report = app_services.ingest.ingest_paths(
                paths, prune=prune, dry_run=dry_run, progress=lambda _: bar.advance(task)
            )
    if as_json:
        console.print_json(report.model_dump_json())
    else:
        _print_ingest(report)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="A question in Chinese, English or Spanish")],
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="How many chunks")] = 5,
    language: Annotated[Language | None, typer.Option(help="Only chunks in this language")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Only chunks from this document (repeatable)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON")] = False,
) -> None:
    """Print the chunks that best answer QUERY, with source, language, chunk id and score."""
    with open_services(RetrievalError) as app_services:
        hits = app_services.retriever.search(query, k, language=language, sources=source)
        if not hits and app_services.store.count() == 0:
            raise RetrievalError("the index is empty: run `advisor ingest` first")
    if as_json:
        rows = [{**hit.chunk.model_dump(), "score": round(hit.score, 4)} for hit in hits]
        typer.echo(json.dumps({"query": query, "results": rows}, ensure_ascii=False, indent=2))
        return
    for rank, hit in enumerate(hits, 1):
        snippet = hit.chunk.text.replace("\n", " ")
        console.print(
            f"[bold]{rank}.[/bold] {hit.score:.3f}  [cyan]{hit.chunk.source}[/cyan]  {hit.chunk.language}  "
            f"[dim]{hit.chunk.chunk_id}[/dim]",
            highlight=False,
        )
        console.print(f"   {snippet[:240]}{'…' if len(snippet) > 240 else ''}", highlight=False, markup=False)


def _sources_table(citations: list[Citation]) -> Table:
    table = Table("#", "source", "chunk_id", "quote", title="sources", show_lines=False)
    for number, citation in enumerate(citations, 1):
        quote = citation.quote if len(citation.quote) <= 120 else citation.quote[:119] + "…"
        table.add_row(str(number), citation.source, citation.chunk_id[:12], quote)
    return table


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="An operations question in Chinese, English or Spanish")],
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="How many passages to draw on")] = 6,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON")] = False,
) -> None:
    """Answer QUESTION from the articles, citing the passages used (or decline when they do not cover it)."""
    with open_services(AdviceError, RetrievalError) as app_services:
        answer = app_services.advisor.ask(question, k)
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    console.print(
        Panel(
            answer.answer, title=f"answer · {answer.generator}", border_style="green" if answer.answerable else "yellow"
        ),
        markup=False,
    )
    if answer.citations:
        console.print(_sources_table(answer.citations))


@app.command()
def plan(
    goal: Annotated[str, typer.Argument(help="What the plan is for, in Chinese, English or Spanish")],
    context: Annotated[str, typer.Option(help="Industry, product, current numbers, goal")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the Plan as JSON")] = False,
) -> None:
    """A step-by-step plan: PEST → business model → metrics → strategy → tactics, every step cited."""
    with open_services(AdviceError, RetrievalError) as app_services:
        result = app_services.advisor.plan(goal, context)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    if not result.answerable:
        console.print(Panel(result.reason, title=f"plan · {result.generator}", border_style="yellow"), markup=False)
        return
    for number, step in enumerate(result.steps, 1):
        body = "\n".join(f"• {item.text}" for item in step.items)
        console.print(Panel(body, title=f"{number}. {step.title}", title_align="left"), markup=False)
    console.print(_sources_table(result.citations))
    console.print(f"[dim]generator: {result.generator}[/dim]")


@eval_app.command("retrieval")
def eval_retrieval(
    cases: Annotated[Path, typer.Option(help="JSONL cases")] = PROJECT_ROOT / "evals" / "cases" / "retrieval.jsonl",
    baseline: Annotated[bool, typer.Option(help="Also run the vanilla baseline (needs the 'st' extra)")] = True,
    report: Annotated[Path | None, typer.Option(help="Write the scores as JSON here")] = None,
) -> None:
    """hit@5, recall@5, MRR@10 and nDCG@10 of the advisor and the vanilla baseline, side by side."""
    from advisor.evaluation.retrieval import advisor_search, evaluate, load_cases

    try:
        loaded = load_cases(cases)
    except (OSError, ValueError) as exc:
        raise fail(f"{cases}: {exc}") from exc
    with open_services(MissingExtraError) as app_services:
        app_services.ingest.ingest_paths()
        systems: dict[str, Any] = {"advisor": advisor_search(app_services.retriever)}
        if baseline:
            from advisor.evaluation.baseline import build_baseline

            systems["baseline"] = build_baseline(app_services.settings.corpus_dir)
        languages = {d.id: d.language for d in read_documents([app_services.settings.corpus_dir])}
        with _progress() as bar:
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


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
