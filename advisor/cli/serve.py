"""`advisor serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import Annotated

import typer

from advisor.api.runtime import Runtime
from advisor.backends.lock import DataDirLocked
from advisor.cli.common import errors, fail
from advisor.settings import get_settings

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind; without API keys keep the default")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Serve the HTTP API (REST, Server-Sent Events, OpenAI-compatible chat completions)."""
    settings = get_settings()
    runtime = Runtime(settings)
    try:  # takes the data directory, or fails at once naming the process that has it
        runtime.start()  # models and index load in the background while the web stack is imported
    except DataDirLocked as exc:
        raise fail(str(exc)) from exc
    if not (settings.api_keys or settings.admin_keys):
        where = "only this machine can reach it" if host in LOOPBACK else "ANYONE who can reach this host may use it"
        errors.print(f"no API keys configured (ADVISOR_API_KEYS): the API is open; {where}.", highlight=False)
    import uvicorn

    from advisor.api.app import create_app

    # Worker threads hold the GIL for Python-heavy work; a shorter switch interval keeps the event loop, and so
    # /healthz and the 503s of a full queue, responsive under load.
    sys.setswitchinterval(0.001)
    for stop in (signal.SIGTERM, signal.SIGINT):  # uvicorn re-raises the signal it stopped on once it is done
        signal.signal(stop, _stopped)
    uvicorn.run(create_app(settings, runtime), host=host, port=port, log_level=log_level, access_log=False,
                timeout_graceful_shutdown=settings.api.shutdown_grace)  # fmt: skip


def _stopped(signum: int, frame: FrameType | None) -> None:
    """A stop asked for by a signal, after a graceful shutdown, is a clean exit."""
    raise SystemExit(0)
