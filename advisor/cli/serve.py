"""`advisor serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from advisor.backends.lock import DataDirLock, DataDirLocked
from advisor.cli.common import errors, fail
from advisor.settings import get_settings

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind; without API keys keep the default")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Serve the HTTP API (REST, Server-Sent Events, OpenAI-compatible chat completions)."""
    try:
        import uvicorn

        from advisor.api.app import create_app
    except ImportError as exc:
        raise fail(
            f"the HTTP server needs the 'api' extra: pip install 'operations-advisor[api]' ({exc.name})"
        ) from exc

    settings = get_settings()
    try:  # fail at once, with the owner's name, rather than inside the server's start-up
        DataDirLock(settings, "advisor serve").acquire().release()
    except DataDirLocked as exc:
        raise fail(str(exc)) from exc
    if not (settings.api_keys or settings.admin_keys):
        where = "only this machine can reach it" if host in LOOPBACK else "ANYONE who can reach this host may use it"
        errors.print(f"no API keys configured (ADVISOR_API_KEYS): the API is open; {where}.", highlight=False)
    # Worker threads hold the GIL for Python-heavy work; a shorter switch interval keeps the event loop, and so
    # /healthz and the 503s of a full queue, responsive under load.
    sys.setswitchinterval(0.001)
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, access_log=False)
