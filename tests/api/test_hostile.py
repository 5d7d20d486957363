"""Hostile input: hundreds of bad requests each get a 4xx problem document, and the server keeps working."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import AppFactory

PROBLEM = "application/problem+json"
JSON = {"content-type": "application/json"}
DEPTH = 100_000
FIVE_MB = 5 * 1024 * 1024
LIMIT = 1024 * 1024
LEAKS = ("Traceback", "/work/", ".py")
WRITE = "/v1/documents/hostile-doc"

# (label, method, path, keyword arguments for `TestClient.request`)
Bad = tuple[str, str, str, dict[str, Any]]

ROUTES: dict[str, dict[str, Any]] = {
    "/v1/search": {"query": "retention", "k": 3},
    "/v1/ask": {"question": "How do I keep users?"},
    "/v1/plan": {"goal": "Launch a shop", "context": "1000 visitors a day"},
    "/v1/chat/completions": {"model": "operations-advisor", "messages": [{"role": "user", "content": "Keep users?"}]},
    WRITE: {"text": "A short note about retention.", "title": "Note"},
}
REQUIRED = {"/v1/search": ["query"], "/v1/ask": ["question"], "/v1/plan": ["goal"],
            "/v1/chat/completions": ["model", "messages"], WRITE: ["text"]}  # fmt: skip

NOT_STR: list[Any] = [123, 1.5, True, None, [], ["text"], {}, {"text": "x"}]
BAD_K: list[Any] = [10**9, -1, 0, 51, 10**100, 1.5, "five", "1000000000", "", [], {}]
BAD_BOOL: list[Any] = ["maybe", 2, -1, 1.5, None, [], {}]
BAD_LANGUAGE: list[Any] = ["fr", "ZH", "", 1, ["en"], {}]
BAD_SOURCES: list[Any] = ["get-and-keep-users.en", [1], ["../etc/passwd"], [""], ["a" * 201], ["x"] * 101, {}]
NUL, LONG, BLANK, SURROGATE = "a\u0000b", "x" * 4001, " \n\t ", "lone \ud800 surrogate"


def _user(content: Any) -> list[dict[str, Any]]:
    """A conversation of one user message with `content`."""
    return [{"role": "user", "content": content}]


BAD_MESSAGES: list[Any] = [
    None, "hi", {}, [], [{}], ["hi"], [{"role": "hacker", "content": "hi"}], _user(1), _user(None), _user(""),
    _user(BLANK), _user(LONG), _user(NUL), _user(SURROGATE), _user([{"type": "text", "text": SURROGATE}]),
    _user([{"text": "no type"}]), _user([{"type": "t" * 41, "text": "hi"}]), _user([{"type": "text", "text": LONG}]),
    _user([{"type": "image_url", "image_url": {"url": "x"}}]), [{"role": "system", "content": "Be helpful."}],
    [{"role": "assistant", "content": "Hello"}], _user("hi") * 101,
]  # fmt: skip
TEXT: list[Any] = [*NOT_STR, "", BLANK, LONG, NUL, SURROGATE]  # for required text of at most 4000 characters
FIELDS: dict[str, dict[str, list[Any]]] = {
    "/v1/search": {"query": TEXT, "k": [*BAD_K, None], "language": BAD_LANGUAGE, "sources": BAD_SOURCES},
    "/v1/ask": {"question": TEXT, "k": BAD_K, "stream": BAD_BOOL},
    "/v1/plan": {"goal": TEXT, "context": [*NOT_STR, LONG, NUL, SURROGATE], "stream": BAD_BOOL},
    "/v1/chat/completions": {"model": [*NOT_STR, "", "gpt-4o", "x" * 201, NUL], "messages": BAD_MESSAGES,
                             "stream": BAD_BOOL},
    WRITE: {"text": [*NOT_STR, "", NUL, SURROGATE, "x" * 500_001], "language": BAD_LANGUAGE,
            "title": [*NOT_STR[:3], *NOT_STR[4:], "", NUL, SURROGATE, "x" * 301]},
}  # fmt: skip
BAD_IDS = ["..%2Fetc%2Fpasswd", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "a" * 201, "-dash", ".hidden", "a%20b", "%00",
           "a%00b", "%C3%BC", "%FF", "a%2Fb", "x;rm%20-rf"]  # fmt: skip


def _method(path: str) -> str:
    """The method that writes to `path`: PUT for documents, POST for the rest."""
    return "PUT" if path.startswith("/v1/documents") else "POST"


def _raw(label: str, path: str, body: bytes, headers: dict[str, str] | None = None) -> Bad:
    """A request with `body` sent as-is (JSON content type unless `headers` say otherwise)."""
    return label, _method(path), path, {"content": body, "headers": JSON if headers is None else headers}


def _json(label: str, path: str, body: Any) -> Bad:
    """A request with `body` serialised as JSON (non-ASCII escaped, so lone surrogates survive)."""
    return _raw(label, path, json.dumps(body).encode())


def _stream(size: int) -> Iterator[bytes]:
    """`size` bytes of a JSON-looking body in 64 KiB pieces, sent without a content length."""
    yield b'{"query": "'
    for _ in range(size // 65_536):
        yield b"x" * 65_536


def malformed(path: str) -> list[Bad]:
    """Bodies that are not JSON, not an object, not UTF-8, too deep or too large."""
    text, key = json.dumps(ROUTES[path]), REQUIRED[path][0]
    bodies = {
        "truncated": text[: len(text) // 2], "trailing comma": text[:-1] + ",}",
        "single quotes": text.replace('"', "'"), "duplicate key": f'{{"{key}": "x", "{key}": 1}}',
        "bare word": "retention", "bare words": f"{{{key}: retention}}", "open brace": "{", "close brace": "}",
        "comment": "// hi\n" + text, "two objects": text + text, "missing colon": f'{{"{key}" "x"}}',
        "missing value": f'{{"{key}":}}', "unquoted key": f'{{{key}: "x"}}', "array": "[]", "null": "null",
        "true": "true", "number": "123", "string": '"retention"', "wrapped in array": f"[{text}]",
        "deep arrays": "[" * DEPTH, "deep objects": '{"a":' * DEPTH, "deep closed arrays": "[" * DEPTH + "]" * DEPTH,
        "deep field": f'{{"{key}": ' + "[" * DEPTH + "]" * DEPTH + "}",
        "deep mixed": '[{"a":' * (DEPTH // 2), "5000-digit number": f'{{"{key}": "x", "k": {"9" * 5000}}}',
    }  # fmt: skip
    bad = [_raw(f"{path} malformed: {name}", path, body.encode()) for name, body in bodies.items()]
    for name, body in {
        "raw NUL byte": f'{{"{key}": "a'.encode() + b'\x00b"}',
        "invalid UTF-8": f'{{"{key}": "'.encode() + b'\xff\xfe\xc3\x28"}',
        "latin-1 text": f'{{"{key}": "caf'.encode() + b'\xe9"}',
        "overlong UTF-8": f'{{"{key}": "'.encode() + b'\xc0\xaf"}',
        "UTF-8 truncated sequence": f'{{"{key}": "'.encode() + b'\xe4\xb8"}',
        "empty": b"",
        "limit + 1 bytes": b" " * (LIMIT + 1),
        "5 MB": json.dumps({key: "x" * FIVE_MB}).encode(),
    }.items():
        bad.append(_raw(f"{path} body: {name}", path, body))
    bad.append(_raw(f"{path} body: empty, no content type", path, b"", {}))
    bad.append((f"{path} body: 5 MB streamed", _method(path), path, {"content": _stream(FIVE_MB), "headers": JSON}))
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                         "application/xml", "application/jsonx", ""):  # fmt: skip
        headers = {"content-type": content_type} if content_type else {}
        bad.append(_raw(f"{path} content type {content_type!r}", path, text.encode(), headers))
    return bad


def wrong_fields(path: str) -> list[Bad]:
    """Valid JSON objects with wrong values, missing keys or unknown keys."""
    base = ROUTES[path]
    bad = [_json(f"{path} {field}={value!r:.40}", path, {**base, field: value})
           for field, values in FIELDS[path].items() for value in values]  # fmt: skip
    bad += [_json(f"{path} without {key}", path, {k: v for k, v in base.items() if k != key}) for key in REQUIRED[path]]
    bad.append(_json(f"{path} empty object", path, {}))
    bad.append(_json(f"{path} misspelt key", path, {f"{k}x": v for k, v in base.items()}))
    if path != "/v1/chat/completions":  # OpenAI clients send extra parameters, so chat accepts (and ignores) them
        extras = {"extra": 1, "__proto__": {"admin": True}, REQUIRED[path][0].upper(): "x"}
        bad += [_json(f"{path} extra key {k!r}", path, {**base, k: v}) for k, v in extras.items()]
    return bad


def bad_paths() -> list[Bad]:
    """Document and chunk ids that are malformed, traversing, too long or absent."""
    bad = [(f"PUT id {i:.40}", "PUT", f"/v1/documents/{i}", {"json": ROUTES[WRITE]}) for i in BAD_IDS]
    bad += [(f"DELETE id {i:.40}", "DELETE", f"/v1/documents/{i}", {}) for i in [*BAD_IDS, "no-such-document"]]
    return bad + [(f"GET chunk {i:.40}", "GET", f"/v1/chunks/{i}", {}) for i in [*BAD_IDS, "no-such-chunk"]]


def hostile_requests() -> list[Bad]:
    """Every family of bad request against every JSON route, plus bad ids in paths."""
    return [bad for path in ROUTES for bad in (*malformed(path), *wrong_fields(path))] + bad_paths()


def fingerprint(bad: Bad) -> str:
    """What makes a request distinct: method, path, headers and body."""
    _, method, path, kwargs = bad
    content = kwargs.get("content", json.dumps(kwargs.get("json")).encode())
    body = content if isinstance(content, bytes) else b"<stream>"
    return hashlib.sha256(f"{method} {path} {kwargs.get('headers')}".encode() + body).hexdigest()


def trouble(response: Any) -> str | None:
    """Why `response` is not a clean 4xx problem document, or None."""
    if not 400 <= response.status_code < 500:
        return "status is not 4xx"
    if response.headers.get("content-type") != PROBLEM:
        return f"content type {response.headers.get('content-type')!r}"
    if any(leak in response.text for leak in LEAKS):
        return "body leaks internals"
    try:
        body = response.json()
    except ValueError:
        return "body is not JSON"
    if not isinstance(body, dict) or not {"type", "title", "status", "detail"} <= body.keys():
        return "problem fields missing"
    return None if body["status"] == response.status_code else "body status differs from the response status"


def send(clients: dict[bool, TestClient], requests: list[Bad], expected: int | None = None) -> list[str]:
    """Send every request (document ones to `clients[True]`); describe each bad answer."""
    failures = []
    for label, method, path, kwargs in requests:
        response = clients[path.startswith("/v1/documents")].request(method, path, **kwargs)
        problem = trouble(response)
        if problem is None and expected is not None and response.status_code != expected:
            problem = f"expected {expected}"
        if problem:
            failures.append(
                f"[{label}] {method} {path[:80]} -> {response.status_code} ({problem}): {response.text[:300]}"
            )
    return failures


def documents(client: TestClient, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The indexed documents as the API lists them."""
    listed = client.get("/v1/documents", headers=headers)
    assert listed.status_code == 200
    return listed.json()["documents"]


def still_serving(client: TestClient, headers: dict[str, str] | None = None) -> list[str]:
    """What no longer works: liveness, or a valid search finding passages."""
    broken = []
    if (health := client.get("/healthz")).status_code != 200:
        broken.append(f"GET /healthz -> {health.status_code}: {health.text[:300]}")
    found = client.post("/v1/search", json={"query": "how to keep users", "k": 3}, headers=headers)
    if found.status_code != 200 or len(found.json().get("results", [])) != 3:
        broken.append(f"POST /v1/search (valid) -> {found.status_code}: {found.text[:300]}")
    return broken


def test_hostile_requests_get_problem_documents_and_the_server_keeps_serving(
    client: TestClient, writable_client: TestClient
) -> None:
    """At least 200 distinct bad requests; every answer is a 4xx problem document."""
    requests = hostile_requests()
    assert len({fingerprint(bad) for bad in requests}) >= 200, len(requests)
    shared_before, written_before = documents(client), documents(writable_client)
    failures = send({False: client, True: writable_client}, requests)
    failures += still_serving(client) + still_serving(writable_client)
    assert not failures, f"{len(failures)} failures after {len(requests)} bad requests:\n" + "\n".join(failures)
    assert documents(client) == shared_before and documents(writable_client) == written_before


def test_wrong_keys_get_401_on_every_route(make_client: AppFactory) -> None:
    """With keys configured, a missing or wrong key gets 401 and a non-admin key 403 on writes."""
    keyed = make_client(api_keys=["k1"], admin_keys=["a1"])
    before = documents(keyed, {"x-api-key": "k1"})
    routes = [(_method(p), p, {"json": body}) for p, body in ROUTES.items()]
    routes += [("GET", "/v1/documents", {}), ("GET", "/v1/models", {}), ("GET", "/v1/chunks/some-chunk", {}),
               ("DELETE", "/v1/documents/get-and-keep-users.en", {})]  # fmt: skip
    wrong = ["Bearer k2", "Bearer K1", "Bearer ", "Basic k1", "k1", "Bearer a1x"]
    keys = [{}, {"x-api-key": "wrong"}, {"x-api-key": ""}, *({"authorization": value} for value in wrong)]
    requests = [(f"key {h}", m, p, {**kw, "headers": h}) for m, p, kw in routes for h in keys]
    failures = send({False: keyed, True: keyed}, requests, expected=401)
    writes = [(f"non-admin key on {m}", m, p, {**kw, "headers": {"x-api-key": "k1"}}) for m, p, kw in routes
              if p.startswith("/v1/documents/")]  # fmt: skip
    failures += send({False: keyed, True: keyed}, writes, expected=403)
    assert len(requests) + len(writes) >= 50
    failures += still_serving(keyed, {"x-api-key": "k1"})
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
    assert documents(keyed, {"x-api-key": "k1"}) == before
