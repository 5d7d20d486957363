"""Command line: `advisor ingest`, `search`, `ask`, `plan`, `model`, `eval` and `serve`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.panel import Panel
from rich.table import Table

from advisor.cli.common import console, open_services, progress_bar, writer_lock
from advisor.cli.evaluate import eval_app
from advisor.cli.model import model_app
from advisor.cli.serve import serve
from advisor.schemas import Answer, Citation, DocumentOutline, IngestReport, Language, Plan
from advisor.services.advice import AdviceError, AdvisorService
from advisor.services.documents import DocumentError
from advisor.services.generation import Delta, Event, Restart
from advisor.services.rendering import item_lines
from advisor.services.retrieval import RetrievalError

app = typer.Typer(help="Operations Advisor: cited, cross-lingual advice from expert articles.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(model_app, name="model")
app.command()(serve)


def _print_outline(outline: DocumentOutline) -> None:
    """A document's sections, indented by level, with the enumerations each holds."""
    console.print(f"[bold]{outline.source}[/bold] outline: {outline.title}", highlight=False, markup=True)
    items: dict[str, list[int]] = {}
    for found in outline.lists:
        items.setdefault(found.section_id, []).append(len(found.items))
    for section in outline.sections:
        heading = section.path[-1] if section.path else "(before the first heading)"
        lists = items.get(section.section_id)
        suffix = f"  [lists: {', '.join(f'{n} items' for n in lists)}]" if lists else ""
        suffix += f"  (p. {section.page})" if section.page is not None else ""
        console.print(f"{'  ' * (section.level + 1)}{heading}{suffix}", highlight=False, markup=False)


def _print_ingest(report: IngestReport) -> None:
    for outline in report.outlines:
        _print_outline(outline)
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
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Show each document's outline, what cleaning removed and the changes; write nothing"
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Clean, chunk and index documents (idempotent: unchanged documents are not rewritten)."""
    with writer_lock(dry_run), open_services(DocumentError) as app_services:
        documents = app_services.ingest.read(paths)
        with progress_bar() as bar:
            task = bar.add_task("indexing", total=None if dry_run else len(documents))
            report = app_services.ingest.ingest(
                documents, prune=prune, dry_run=dry_run, progress=lambda _: bar.advance(task)
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
        page = f", p. {hit.chunk.page}" if hit.chunk.page is not None else ""
        console.print(f"   § {hit.chunk.section}{page}", style="dim", highlight=False, markup=False)
        console.print(f"   {snippet[:240]}{'…' if len(snippet) > 240 else ''}", highlight=False, markup=False)


def _sources_table(citations: list[Citation]) -> Table:
    table = Table("#", "source", "chunk_id", "quote", title="sources", show_lines=False)
    for number, citation in enumerate(citations, 1):
        quote = citation.quote if len(citation.quote) <= 120 else citation.quote[:119] + "…"
        table.add_row(str(number), citation.source, citation.chunk_id[:12], quote)
    return table


Advice = TypeVar("Advice", Answer, Plan)


def _advice(events_of: Callable[[AdvisorService], Iterator[Event | Advice]], as_json: bool) -> Advice | None:
    """The advisor's result for rendering, or None once it is printed: as JSON with `--json`, else as it is written
    when the generator streams (a model's text appears token by token)."""
    with open_services(AdviceError, RetrievalError) as app_services:
        advisor = app_services.advisor
        live = advisor.streams and not as_json
        for event in events_of(advisor):
            if isinstance(event, Answer | Plan):
                result = event
            elif live and isinstance(event, Delta):
                console.print(event.text, end="", markup=False, highlight=False, soft_wrap=True)
            elif live and isinstance(event, Restart):
                console.print(f"\n[dim]({event.reason})[/dim]", highlight=False)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return None
    if live:
        console.print()
        if result.citations:
            console.print(_sources_table(result.citations))
        console.print(f"[dim]generator: {result.generator}[/dim]", highlight=False)
        return None
    return result


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="An operations question in Chinese, English or Spanish")],
    k: Annotated[int | None, typer.Option("-k", min=1, max=50, help="How many search hits to read from")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON")] = False,
) -> None:
    """Answer QUESTION from the articles, citing the passages used (or decline when they do not cover it)."""
    answer = _advice(lambda advisor: advisor.stream_answer(advisor.prepare_ask(question, k)), as_json)
    if answer is None:
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
    result = _advice(lambda advisor: advisor.stream_plan(advisor.prepare_plan(goal, context)), as_json)
    if result is None:
        return
    if not result.answerable:
        console.print(Panel(result.reason, title=f"plan · {result.generator}", border_style="yellow"), markup=False)
        return
    for number, step in enumerate(result.steps, 1):
        body = "\n".join(f"• {line}" for line in item_lines(step, result.language))
        console.print(Panel(body, title=f"{number}. {step.title}", title_align="left"), markup=False)
    console.print(_sources_table(result.citations))
    console.print(f"[dim]generator: {result.generator}[/dim]")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
