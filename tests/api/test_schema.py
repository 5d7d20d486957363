"""Schemathesis over the app's OpenAPI schema: no 5xx, and every response conforms to what the schema declares.

The app runs in-process on fake embeddings over a private copy of the indexed corpus, so the fuzzed document
writes (`PUT`/`DELETE /v1/documents/{doc_id}`) are exercised without touching the shared index.

Requests go through the app's own `TestClient` (`started()`), which owns the lifespan: schemathesis 4.32's
`from_fixture` loader reads `Node._nodeid`, which pytest 9 removed, and its ASGI transport would run the lifespan
itself (restarting the services per test item). The schema is loaded when the module is imported (from an app
that is never started: the document depends only on the routes) and checked against the running app's.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from advisor.api.app import create_app
from advisor.api.routes.openai_compat import MODELS
from tests.api.conftest import api_settings, started

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

OPENAPI = create_app(api_settings(Path("never-started"))).openapi()
schema = schemathesis.openapi.from_dict(OPENAPI)


@schema.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    """Chat requests also name the advisor's models (the schema allows any string), so not all of them are 404s."""
    operation = context.operation
    if operation is None or operation.path != "/v1/chat/completions" or not isinstance(body, dict):
        return st.just(body)
    if not isinstance(body.get("model"), str):  # a body without a string `model` (a negative case) stays as drawn
        return st.just(body)
    return st.sampled_from([*({**body, "model": model} for model in MODELS), body])


@pytest.fixture(scope="module")
def fuzzed_client(indexed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A started app on a private copy of the index, serving the schema being fuzzed."""
    data_dir = tmp_path_factory.mktemp("schema") / "data"
    shutil.copytree(indexed_dir, data_dir)
    for client in started(create_app(api_settings(data_dir))):
        assert client.get("/openapi.json").json() == OPENAPI
        yield client


def send(client: TestClient, case: schemathesis.Case) -> httpx.Response:
    """`case` sent through the `TestClient` (httpx) from the keyword arguments schemathesis gives `requests`."""
    kwargs = case.as_transport_kwargs()
    if isinstance(kwargs.get("data"), bytes | str):
        kwargs["content"] = kwargs.pop("data")
    if not kwargs.get("cookies"):
        kwargs.pop("cookies", None)  # per-request cookies are deprecated in httpx; the API declares none
    if kwargs.get("files"):  # form fields drawn as numbers are sent as their text, as `requests` would
        kwargs["files"] = [(name, (part[0], part[1] if isinstance(part[1], bytes | str) else str(part[1]), *part[2:]))
                           for name, part in kwargs["files"]]  # fmt: skip
    request = client.build_request(**kwargs)
    request.read()  # a multipart body (the upload route) is a stream; schemathesis reads it back when checking
    return client.send(request)


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
@schema.parametrize()
def test_api_conforms_to_its_schema(case: schemathesis.Case, fuzzed_client: TestClient) -> None:
    """Generated requests (valid and invalid) get no 5xx, and declared statuses, media types, headers and bodies."""
    case.validate_response(send(fuzzed_client, case), checks=CHECKS)
