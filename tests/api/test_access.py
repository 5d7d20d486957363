"""API keys, admin keys, rate limits and timeouts, through the app."""

from __future__ import annotations

from advisor.settings import ApiSettings
from tests.api.conftest import AppFactory

DOC = {"text": "Retention notes\n\n" + "Call every member who stopped buying and ask why they left. " * 5}


def test_without_keys_everything_is_open(make_client: AppFactory) -> None:
    client = make_client()
    assert client.post("/v1/search", json={"query": "retention"}).status_code == 200


def test_keys_are_required_when_configured(make_client: AppFactory) -> None:
    client = make_client(api_keys=["reader-key"], admin_keys=["admin-key"])
    search = {"query": "retention"}
    missing = client.post("/v1/search", json=search)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert client.post("/v1/search", json=search, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/v1/search", json=search, headers={"Authorization": "Bearer reader-key"}).status_code == 200
    assert client.post("/v1/search", json=search, headers={"X-API-Key": "admin-key"}).status_code == 200
    assert client.get("/healthz").status_code == 200  # probes need no key


def test_document_writes_need_an_admin_key(make_client: AppFactory) -> None:
    client = make_client(api_keys=["reader-key"], admin_keys=["admin-key"])
    reader = client.put("/v1/documents/notes", json=DOC, headers={"Authorization": "Bearer reader-key"})
    assert reader.status_code == 403
    assert client.delete("/v1/documents/notes").status_code == 401


def test_document_writes_are_off_when_only_reader_keys_exist(make_client: AppFactory) -> None:
    only_readers = make_client(api_keys=["reader-key"])
    refused = only_readers.delete("/v1/documents/notes", headers={"Authorization": "Bearer reader-key"})
    assert refused.status_code == 403 and "no admin keys" in refused.json()["detail"]


def test_rate_limit_answers_429_with_retry_after_per_key(make_client: AppFactory) -> None:
    client = make_client(api_keys=["a", "b"], api=ApiSettings(rate_per_minute=2))
    statuses = [
        client.post("/v1/search", json={"query": "retention"}, headers={"X-API-Key": "a"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    limited = client.post("/v1/search", json={"query": "retention"}, headers={"X-API-Key": "a"})
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.headers["content-type"] == "application/problem+json"
    assert client.post("/v1/search", json={"query": "retention"}, headers={"X-API-Key": "b"}).status_code == 200


def test_slow_work_answers_504(make_client: AppFactory) -> None:
    client = make_client(api=ApiSettings(retrieval_timeout=1e-6, generation_timeout=1e-6))
    for response in (
        client.post("/v1/search", json={"query": "retention"}),
        client.post("/v1/ask", json={"question": "How do I keep users?"}),
    ):
        assert response.status_code == 504
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/healthz").status_code == 200
