"""Retrieval benchmark: ingest throughput and search latency, on the real corpus and on a large synthetic index.

Prints figures with the targets beside them; asserts nothing. See benchmarks/README.md for each figure.

1. Real corpus, in a fresh temporary data dir: one full `ingest_paths()` in characters of source text per second
   (chunk counts depend on the chunk size; characters do not, so the vanilla baseline is measured the same way),
   after the lazy first-use loads (USE tokenizer and weights, jieba dictionary), which are timed apart. Where the
   time goes: the embedding calls Chroma makes during the ingest are timed in place; cleaning + chunking and the
   BM25 terms are re-run alone; "rest" is the remainder (Chroma and record-manager writes, LangChain's
   `index()`). `embed_array` is also timed alone on the same chunk texts. Then `embed_query` p50 and
   `retriever.search(q, 5)` p50/p95 over the eval queries (`evals/cases/tuning/retrieval.jsonl`, zh/en/es), each
   after one warm-up pass.
2. Synthetic index of N chunks (default 100 000), built without running the model on N texts: each distinct
   sentence of the real chunks is embedded and tokenised once; a synthetic chunk is a seeded random draw of k
   sentences of one language (k and the language mix follow the real chunks), its vector the normalised mean of
   its sentences' vectors plus small noise, its BM25 terms their concatenated term lists. Chunks are upserted
   straight into the Chroma collection and their terms saved in the record manager, so `build_services` on that
   dir opens a normal index; it is reopened after clearing Chroma's client cache (re-read from disk). The first
   search (lazy USE, HNSW and BM25 loads) is timed apart, then `search` p50/p95 after a warm-up pass.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
sys.path.insert(0, str(ROOT))

from advisor.assembly import Services, build_services  # noqa: E402
from advisor.backends.state_schema import Postings  # noqa: E402
from advisor.schemas import LANGUAGES, Chunk  # noqa: E402
from advisor.services.documents import chunk_identity, prepare, read_documents  # noqa: E402
from advisor.settings import Settings  # noqa: E402
from advisor.text.chunking import split_sentences  # noqa: E402
from advisor.text.terms import terms  # noqa: E402

QUERIES_FILE = ROOT / "evals" / "cases" / "tuning" / "retrieval.jsonl"
SEED = 20240601
BATCH = 5_000
NOISE = 0.02  # standard deviation per dimension of the noise added to a synthetic vector (before normalising)
CHUNKS_PER_DOCUMENT = 25
TARGET_SEARCH, TARGET_SEARCH_LARGE = "p95 <= 25 ms", "p95 <= 60 ms"
Row = tuple[str, str, str]  # figure, value, target


def load_queries(count: int | None) -> list[str]:
    """The eval queries, shuffled (seeded) so that any prefix mixes the languages."""
    lines = QUERIES_FILE.read_text(encoding="utf-8").splitlines()
    queries = [json.loads(line)["query"] for line in lines if line.strip()]
    random.Random(SEED).shuffle(queries)
    return queries[:count] if count else queries


def timed(function: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    """Seconds taken by `function(*args)`, and its result."""
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def latencies_ms(function: Callable[[str], Any], queries: Sequence[str]) -> np.ndarray:
    """Milliseconds per call of `function` on each query, after one untimed pass over all of them."""
    for query in queries:
        function(query)
    return np.array([timed(function, query)[0] * 1000 for query in queries])


def percentiles(values: np.ndarray) -> str:
    return f"p50 {np.percentile(values, 50):6.1f}   p95 {np.percentile(values, 95):6.1f}"


def bench_real_corpus(data_dir: Path, queries: list[str], repeat: int) -> tuple[list[Row], Services, list[Chunk]]:
    """Ingest the real corpus into `data_dir`, then time query embedding and search."""
    settings = Settings(data_dir=data_dir)
    open_s, services = timed(build_services, settings)
    # Both libraries load lazily on first use: the USE tokenizer and weights, and jieba's dictionary.
    loads_s, _ = timed(services.warm_up)
    inside_s, embed_documents = 0.0, services.embeddings.backend.embed_documents

    def timed_embed_documents(texts: list[str]) -> list[list[float]]:  # what Chroma calls during the ingest
        nonlocal inside_s
        seconds, vectors = timed(embed_documents, texts)
        inside_s += seconds
        return vectors  # type: ignore[no-any-return]

    services.embeddings.backend.embed_documents = timed_embed_documents  # type: ignore[method-assign]
    ingest_s, report = timed(services.ingest.ingest_paths)
    services.embeddings.backend.embed_documents = embed_documents  # type: ignore[method-assign]
    characters = sum(len(d.text) for d in read_documents([settings.corpus_dir]))  # source text, as written
    repeats = [ingest_s]
    for _ in range(repeat - 1):  # the same warm ingest again, after deleting every document
        for change in report.documents:
            services.ingest.delete(change.source)
        repeats.append(timed(services.ingest.ingest_paths)[0])
    prepare_s, prepared = timed(lambda: [prepare(d, settings.chunking) for d in read_documents([settings.corpus_dir])])
    chunks = [chunk for doc in prepared for chunk in doc.chunks]
    embed_s, _ = timed(services.embeddings.backend.embed_array, [chunk.text for chunk in chunks])
    terms_s, _ = timed(lambda: [terms(chunk.text, chunk.language) for chunk in chunks])
    rest_s = ingest_s - inside_s - prepare_s - terms_s
    query_ms = latencies_ms(services.embeddings.embed_query, queries)
    search_ms = latencies_ms(partial(services.retriever.search, k=5), queries)

    def share(seconds: float) -> str:
        return f"{seconds:6.2f} s  ({seconds / ingest_s:4.0%})"

    rows = [
        ("open services (empty store)", f"{open_s:6.2f} s", ""),
        ("first use: USE tokenizer + weights, ingest workers, jieba dictionary", f"{loads_s:6.2f} s", ""),
        (
            f"ingest {characters} characters ({report.added} chunks, warm), median of {repeat}",
            f"{characters / float(np.median(repeats)):6.0f} chars/s",
            "",
        ),
        (f"  best of {repeat}", f"{characters / min(repeats):6.0f} chars/s", ""),
        ("  cold, i.e. with the first-use loads", f"{characters / (ingest_s + loads_s):6.0f} chars/s", ""),
        ("  ingest wall time (warm)", f"{ingest_s:6.2f} s", ""),
        ("  embedding (embed_documents calls inside the ingest)", share(inside_s), ""),
        ("  read + clean + chunk (re-run alone)", share(prepare_s), ""),
        ("  BM25 terms (re-run alone)", share(terms_s), ""),
        ("  rest: Chroma + record-manager writes, LangChain index()", share(rest_s), ""),
        ("embed_array alone on the same chunk texts", f"{embed_s:6.2f} s  {len(chunks) / embed_s:.0f} chunks/s", ""),
        (f"query embedding, {len(queries)} queries (ms)", f"p50 {np.percentile(query_ms, 50):6.1f}", ""),
        ("search k=5 (ms)", percentiles(search_ms), TARGET_SEARCH),
    ]
    rows += bench_baseline(queries, characters / float(np.median(repeats)), search_ms)
    return rows, services, chunks


def bench_baseline(queries: list[str], characters_per_second: float, search_ms: np.ndarray) -> list[Row]:
    """The vanilla pipeline (1000/200 splits of the raw files, all-MiniLM-L6-v2, Chroma) in this process."""
    try:
        from advisor.evaluation.baseline import baseline_documents, build_baseline
    except ImportError:
        return [("vanilla baseline", "skipped: needs the 'st' extra", "")]
    build_baseline(CORPUS, baseline_documents(CORPUS)[:8])  # load the model before timing
    documents = baseline_documents(CORPUS)
    build_s, search = timed(build_baseline, CORPUS, documents)
    baseline_ms = latencies_ms(partial(search, k=5), queries)
    characters = sum(len(path.read_text(encoding="utf-8")) for path in CORPUS.glob("*.txt"))
    base_rate = characters / build_s
    return [
        (f"vanilla baseline ingest ({len(documents)} chunks of 1000 chars)", f"{base_rate:6.0f} chars/s", ""),
        ("vanilla baseline search k=5 (ms)", percentiles(baseline_ms), ""),
        ("ratio advisor / baseline: ingest chars/s", f"{characters_per_second / base_rate:6.2f}", ""),
        (
            "ratio advisor / baseline: search p95",
            f"{np.percentile(search_ms, 95) / np.percentile(baseline_ms, 95):6.2f}",
            "",
        ),
    ]


def cpu_steal() -> float:
    """Share of CPU time stolen by the host since boot (noise the figures cannot control)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    values = [int(v) for v in fields]
    return values[7] / sum(values) if len(values) > 7 and sum(values) else 0.0


def sentence_parts(services: Services, chunks: list[Chunk]) -> dict[str, Any]:
    """Distinct sentences of the real chunks with their real vectors and terms, grouped by language."""
    sentences: dict[tuple[str, str], str] = {}  # (language, sentence) -> title of its document
    sizes: dict[str, list[int]] = {}
    for chunk in chunks:
        chunk_sentences = split_sentences(chunk.text, chunk.language)
        sizes.setdefault(chunk.language, []).append(len(chunk_sentences))
        for sentence in chunk_sentences:
            sentences.setdefault((chunk.language, sentence), chunk.title)
    keys = list(sentences)
    return {
        "languages": [language for language, _ in keys],
        "texts": [text for _, text in keys],
        "titles": list(sentences.values()),
        "vectors": services.embeddings.backend.embed_array([text for _, text in keys]),
        "terms": [terms(text, language) for language, text in keys],
        "sizes": sizes,
        "language_share": Counter(chunk.language for chunk in chunks),
    }


def synthetic_batches(parts: dict[str, Any], count: int) -> Any:
    """Batches of synthetic chunks: (ids, vectors, texts, metadatas, term lists)."""
    rng = np.random.default_rng(SEED)
    languages = sorted(parts["language_share"])
    weights = np.array([parts["language_share"][language] for language in languages], dtype=float)
    pools = {lang: np.flatnonzero(np.array(parts["languages"]) == lang) for lang in languages}
    vectors: np.ndarray = parts["vectors"]
    chosen_languages = rng.choice(languages, size=count, p=weights / weights.sum())
    for start in range(0, count, BATCH):
        ids, texts, metadatas, term_lists = [], [], [], []
        batch_vectors = np.empty((min(BATCH, count - start), vectors.shape[1]), dtype=np.float32)
        for row, number in enumerate(range(start, start + len(batch_vectors))):
            language = str(chosen_languages[number])
            size = int(rng.choice(parts["sizes"][language]))
            picks = rng.choice(pools[language], size=max(1, min(size, len(pools[language]))), replace=False)
            text = ("" if language == "zh" else " ").join(parts["texts"][i] for i in picks)
            vector = vectors[picks].mean(axis=0) + rng.normal(0.0, NOISE, vectors.shape[1])
            batch_vectors[row] = vector / np.linalg.norm(vector)
            source = f"synthetic-{language}-{number // CHUNKS_PER_DOCUMENT:05d}"
            title, position = parts["titles"][picks[0]], number % CHUNKS_PER_DOCUMENT
            chunk_id = chunk_identity(source, language, title, position, text)
            ids.append(chunk_id)
            texts.append(text)
            metadatas.append({"source": source, "language": language, "title": title, "position": position,
                              "chunk_id": chunk_id})  # fmt: skip
            term_lists.append([term for i in picks for term in parts["terms"][i]])
        yield ids, batch_vectors, texts, metadatas, term_lists


def build_synthetic(data_dir: Path, parts: dict[str, Any], count: int) -> dict[str, float]:
    """Write `count` synthetic chunks into a new index at `data_dir`; returns seconds per step."""
    services = build_services(Settings(data_dir=data_dir))
    collections = {language: services.store.vector_store(language)._collection for language in LANGUAGES}  # type: ignore[attr-defined]
    steps = ("generate", "chroma upsert", "lexical add", "records save_terms")
    seconds, mark = dict.fromkeys(steps, 0.0), time.perf_counter()

    def lap(step: str) -> None:
        nonlocal mark
        seconds[step] += time.perf_counter() - mark
        mark = time.perf_counter()

    for ids, vectors, texts, metadatas, term_lists in synthetic_batches(parts, count):
        lap("generate")
        for language, collection in collections.items():  # one collection per language, as ingest writes them
            rows = [i for i, metadata in enumerate(metadatas) if metadata["language"] == language]
            if rows:
                collection.upsert(
                    ids=[ids[i] for i in rows],
                    embeddings=vectors[rows],
                    documents=[texts[i] for i in rows],
                    metadatas=[metadatas[i] for i in rows],
                )
        lap("chroma upsert")
        for chunk_id, metadata, chunk_terms in zip(ids, metadatas, term_lists, strict=True):
            services.lexical.add(chunk_id, metadata["language"], metadata["source"], chunk_terms)
        lap("lexical add")
        services.state.records.update(ids, group_ids=[str(m["source"]) for m in metadatas])
        services.state.save_postings(
            [
                Postings(i, str(m["language"]), str(m["source"]), t)
                for i, m, t in zip(ids, metadatas, term_lists, strict=True)
            ]
        )
        lap("records and postings")
        print(f"  wrote {len(services.lexical)} / {count} synthetic chunks", file=sys.stderr, flush=True)
    services.close()
    return seconds


def bench_synthetic(data_dir: Path, parts: dict[str, Any], count: int, queries: list[str]) -> list[Row]:
    """Build the synthetic index, reopen it from disk and time search on it."""
    from chromadb.api.shared_system_client import SharedSystemClient

    build_s = build_synthetic(data_dir, parts, count)
    SharedSystemClient.clear_system_cache()  # the next client re-reads the collection from disk
    gc.collect()
    open_s, services = timed(build_services, Settings(data_dir=data_dir))
    search = partial(services.retriever.search, k=5)
    first_ms = timed(search, queries[0])[0] * 1000
    search_ms = latencies_ms(search, queries)
    stored = services.store.count()
    disk_mb = sum(f.stat().st_size for f in data_dir.rglob("*") if f.is_file()) / 1e6
    services.close()
    return [
        (f"synthetic index: {stored} chunks, {len(parts['texts'])} real sentences", "", ""),
        ("  build", f"{sum(build_s.values()):6.1f} s  {count / sum(build_s.values()):.0f} chunks/s", ""),
        *((f"    {step}", f"{step_s:6.1f} s", "") for step, step_s in build_s.items()),
        ("  size on disk", f"{disk_mb:6.0f} MB", ""),
        ("  open services (Chroma, lexical index from SQLite)", f"{open_s:6.2f} s", ""),
        ("  first search (USE first use, BM25 compile)", f"{first_ms:6.0f} ms", ""),
        ("  search k=5 (ms)", percentiles(search_ms), TARGET_SEARCH_LARGE),
    ]


def print_table(title: str, rows: list[Row]) -> None:
    width = max(len(figure) for figure, _, _ in rows) + 2
    print(f"\n{title}", flush=True)
    for figure, value, target in rows:
        print(f"  {figure:<{width}}{value:<36}{target}".rstrip(), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=100_000, metavar="N", help="chunks in the synthetic index")
    parser.add_argument("--queries", type=int, default=0, metavar="Q", help="use only Q queries (default: all)")
    parser.add_argument("--skip-synthetic", action="store_true", help="only benchmark the real corpus")
    parser.add_argument("--repeat", type=int, default=3, metavar="R", help="warm ingests of the real corpus")
    args = parser.parse_args()
    queries = load_queries(args.queries)
    settings = Settings()
    print(
        f"machine: {os.cpu_count()} cores | embeddings: {settings.embeddings.backend} "
        f"({settings.embeddings.threads} threads, {settings.embeddings.workers} ingest workers) | "
        f"{len(queries)} queries (zh/en/es) | host CPU steal since boot {cpu_steal():.1%}"
    )
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as temporary:
        print("real corpus: ingesting and searching ...", file=sys.stderr, flush=True)
        rows, services, chunks = bench_real_corpus(Path(temporary) / "real", queries, max(1, args.repeat))
        print_table("real corpus", rows)
        if args.skip_synthetic:
            return
        print(f"synthetic: building {args.synthetic} chunks ...", file=sys.stderr, flush=True)
        parts = sentence_parts(services, chunks)
        services.close()
        del services
        rows = bench_synthetic(Path(temporary) / "synthetic", parts, args.synthetic, queries)
        print_table(f"synthetic index (N = {args.synthetic})", rows)


if __name__ == "__main__":
    main()
