"""What every command shares: consoles, one-line failures, the services for one command, progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from advisor.assembly import Services, build_services
from advisor.backends.chat import ModelUnavailable
from advisor.backends.lock import DataDirLock, DataDirLocked
from advisor.extras import MissingExtraError
from advisor.settings import get_settings

console = Console()
errors = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    """Print a one-line error and return the exit to raise."""
    errors.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def services() -> Services:
    """The assembled services, or a clean exit when a backend cannot start."""
    try:
        return build_services(get_settings())
    except (MissingExtraError, ModelUnavailable) as exc:
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


@contextmanager
def writer_lock(skip: bool = False) -> Iterator[None]:
    """Hold the data directory for writing, or exit at once when a server or another ingest has it."""
    if skip:
        yield
        return
    try:
        lock = DataDirLock(get_settings(), "advisor ingest").acquire()
    except DataDirLocked as exc:
        raise fail(str(exc)) from exc
    try:
        yield
    finally:
        lock.release()


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )
