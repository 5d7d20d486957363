"""Every route on the fake generator and fake embeddings: shapes, streaming, documents, errors, metrics."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from advisor.schemas import STAGES, Answer, Plan
from advisor.settings import AdviceSettings
from tests.api.conftest import AppFactory

PROBLEM = "application/problem+json"


def _events(body: str) -> list[tuple[str, dict]]:
    """(event, data) pairs of a Server-Sent Events body."""
    events = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_search_returns_ranked_chunks_with_metadata(client: TestClient) -> None:
    response = client.post("/v1/search", json={"query": "如何提高用户留存", "k": 4})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 4
    assert {"chunk_id", "source", "language", "title", "section", "section_id", "text", "score"} <= results[0].keys()
    assert all(r["section"].startswith(r["title"]) for r in results)
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_a_section_is_read_back_by_id_with_its_lists(client: TestClient) -> None:
    hits = client.post("/v1/search", json={"query": "following four core links", "k": 10}).json()["results"]
    hit = next(r for r in hits if r["source"] == "get-and-keep-users.en")
    assert client.get(f"/v1/chunks/{hit['chunk_id']}").json()["section_id"] == hit["section_id"]
    section = client.get(f"/v1/sections/{hit['section_id']}").json()
    assert section["source"] == "get-and-keep-users.en" and hit["text"] in section["text"]
    assert any(len(items) == 4 and items[0].startswith("1. Find where the user is") for items in section["lists"])
    assert hit["chunk_id"] in section["chunk_ids"]
    missing = client.get("/v1/sections/no-such-section")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM


def test_search_filters_by_language_and_source(client: TestClient) -> None:
    by_language = client.post("/v1/search", json={"query": "retention", "language": "es"}).json()["results"]
    assert by_language and {r["language"] for r in by_language} == {"es"}
    source = "get-and-keep-users.en"
    by_source = client.post("/v1/search", json={"query": "retention", "sources": [source]}).json()["results"]
    assert by_source and {r["source"] for r in by_source} == {source}


def test_chunk_lookup_returns_the_cited_passage(client: TestClient) -> None:
    answer = Answer.model_validate(client.post("/v1/ask", json={"question": "How do I keep users?"}).json())
    citation = answer.citations[0]
    chunk = client.get(f"/v1/chunks/{citation.chunk_id}").json()
    assert chunk["source"] == citation.source
    assert citation.quote in chunk["text"]
    missing = client.get("/v1/chunks/no-such-chunk")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM


def test_ask_answers_with_verified_citations(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": "¿Cómo retener a los usuarios?", "k": 5})
    answer = Answer.model_validate(response.json())
    assert answer.answerable and answer.language == "es"
    assert answer.citations and set(c.chunk_id for c in answer.citations) <= set(answer.retrieved)


def test_ask_stream_sends_sources_first_then_text_then_the_answer(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": "How do I keep users?", "stream": True})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "sources" and kinds[-1] == "done" and "delta" in kinds
    first, final = events[0][1], Answer.model_validate(events[-1][1])
    assert first["answerable"] is True and first["sources"]
    assert "".join(data["text"] for kind, data in events if kind == "delta") == final.answer
    assert {c.chunk_id for c in final.citations} <= {s["chunk_id"] for s in first["sources"]}


def test_plan_has_five_stages_and_streams(client: TestClient) -> None:
    goal = {"goal": "Plan the launch of a fruit stall's online shop", "context": "1000 visitors a day"}
    plan = Plan.model_validate(client.post("/v1/plan", json=goal).json())
    assert tuple(step.stage for step in plan.steps) == STAGES
    events = _events(client.post("/v1/plan", json={**goal, "stream": True}).text)
    assert events[0][0] == "sources" and events[-1][0] == "done"
    assert Plan.model_validate(events[-1][1]).steps


def test_weak_evidence_is_declined_in_the_stream_too(make_client: AppFactory) -> None:
    client = make_client(advice=AdviceSettings(decline_bias=1e6))  # a judge that declines every question
    events = _events(client.post("/v1/ask", json={"question": "明天天气怎么样?", "stream": True}).text)
    assert events[0][1]["answerable"] is False
    assert Answer.model_validate(events[-1][1]).answerable is False


def test_documents_put_is_idempotent_and_delete_removes_chunks(writable_client: TestClient) -> None:
    client = writable_client
    text = "Retention playbook\n\n" + "Call every member who stopped buying within a week and ask why they left. " * 6
    created = client.put("/v1/documents/retention-playbook", json={"text": text, "language": "en"})
    assert created.status_code == 200 and created.json()["status"] == "added" and created.json()["chunks"] > 0
    again = client.put("/v1/documents/retention-playbook", json={"text": text, "language": "en"}).json()
    assert again["status"] == "unchanged" and again["chunks_added"] == 0
    listed = {d["id"]: d for d in client.get("/v1/documents").json()["documents"]}
    assert listed["retention-playbook"]["title"] == "Retention playbook"
    found = client.post("/v1/search", json={"query": "members who stopped buying", "sources": ["retention-playbook"]})
    assert found.json()["results"]
    deleted = client.delete("/v1/documents/retention-playbook").json()
    assert deleted["chunks_deleted"] == created.json()["chunks"]
    assert "retention-playbook" not in {d["id"] for d in client.get("/v1/documents").json()["documents"]}
    assert client.delete("/v1/documents/retention-playbook").status_code == 404


def test_a_document_with_nothing_left_after_cleaning_is_refused_and_the_old_one_kept(
    writable_client: TestClient,
) -> None:
    before = {d["id"]: d["chunks"] for d in writable_client.get("/v1/documents").json()["documents"]}
    response = writable_client.put("/v1/documents/get-and-keep-users.en", json={"text": "Only a title line"})
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    after = {d["id"]: d["chunks"] for d in writable_client.get("/v1/documents").json()["documents"]}
    assert after == before


def test_openai_compatible_completion_carries_sources(client: TestClient) -> None:
    models = [m["id"] for m in client.get("/v1/models").json()["data"]]
    assert models == ["operations-advisor", "operations-advisor-plan"]
    body = {"model": "operations-advisor", "messages": [{"role": "user", "content": "How do I keep users?"}]}
    completion = client.post("/v1/chat/completions", json=body).json()
    assert completion["object"] == "chat.completion"
    assert completion["choices"][0]["message"]["content"]
    assert completion["sources"] and completion["citations"]
    unknown = client.post("/v1/chat/completions", json={**body, "model": "gpt-4"})
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM


def test_openai_compatible_stream_ends_with_done(client: TestClient) -> None:
    body = {"model": "operations-advisor-plan", "stream": True,
            "messages": [{"role": "user", "content": "Plan the launch of a fruit stall's online shop"}]}  # fmt: skip
    lines = [line[6:] for line in client.post("/v1/chat/completions", json=body).text.splitlines() if line]
    assert lines[-1] == "[DONE]"
    chunks = [json.loads(line) for line in lines[:-1]]
    assert chunks[0]["sources"] and chunks[-1]["choices"][0]["finish_reason"] == "stop"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text.count("## ") == len(STAGES)


def test_health_readiness_and_metrics(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "chunks": None}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["chunks"] > 0
    client.post("/v1/search", json={"query": "retention"})
    metrics = client.get("/metrics").text
    assert 'advisor_requests_total{method="POST",route="/v1/search",status="200"}' in metrics
    assert "advisor_retrieval_seconds_count" in metrics
    assert f"advisor_index_chunks {float(ready['chunks'])}" in metrics


def test_unknown_route_and_invalid_body_are_problem_documents(client: TestClient) -> None:
    for response in (
        client.get("/no-such-route"),
        client.post("/v1/search", json={"query": "x" * 4001}),
        client.post("/v1/search", json={"query": "retention", "k": 51}),
        client.post("/v1/ask", json={"question": "   "}),
    ):
        assert 400 <= response.status_code < 500
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert {"type", "title", "status", "detail"} <= problem.keys() and problem["status"] == response.status_code


def test_stream_sources_include_the_chunks_beside_each_hit(client: TestClient) -> None:
    sources = _events(client.post("/v1/ask", json={"question": "How do I keep users?", "stream": True}).text)[0][1]
    scored = [s for s in sources["sources"] if s["score"] is not None]
    beside = [s for s in sources["sources"] if s["score"] is None]
    assert scored and beside  # hits with their scores, and the neighbouring chunks the answer may quote


FRUIT_STALL = {"traffic": 1000, "conversion": 0.05, "repurchase": 0.5, "interval": 3, "referral": 0.1,
               "order_size": 2, "order_value": 10, "target": 200}  # fmt: skip


def test_growth_model_returns_both_day_counts_and_ranked_levers(client: TestClient) -> None:
    response = client.post("/v1/model/growth", json=FRUIT_STALL)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["target_day"], body["article_day"], body["reachable"]) == (8, 27, True)
    assert body["trajectory"][0] == {"day": 1, "new": 50.0, "referred": 0.0, "repeat": 0.0, "orders": 50.0,
                                     "volume": 100.0, "revenue": 500.0}  # fmt: skip
    assert [lever["lever"] for lever in body["levers"]][:3] == ["traffic", "conversion", "order_size"]
    unreachable = client.post("/v1/model/growth", json={**FRUIT_STALL, "target": 300}).json()
    assert (unreachable["reachable"], unreachable["target_day"], unreachable["ceiling"]) == (False, None, 250.0)


def test_growth_model_refuses_impossible_inputs_as_problem_documents(client: TestClient) -> None:
    for changes, field in [
        ({"conversion": 1.2}, "conversion"),
        ({"traffic": -5}, "traffic"),
        ({"interval": 0}, "interval"),
        ({"target": -1}, "target"),
        ({"traffic": 0}, "no target can be reached"),
        ({"target_unit": "revenue", "order_value": 0}, "order_value above 0"),
        ({"referal": 0.1}, "referal"),
    ]:
        response = client.post("/v1/model/growth", json={**FRUIT_STALL, **changes})
        assert response.status_code == 422, changes
        assert response.headers["content-type"] == PROBLEM
        assert field in response.text
