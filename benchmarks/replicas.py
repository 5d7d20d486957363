"""Search under load on two replicas in scale mode, beside one replica, in the same run.

Starts `chroma run` and a throwaway PostgreSQL server on 127.0.0.1, ingests the corpus into them, starts two
`advisor serve` replicas on them, and runs `--clients` open-loop clients on /v1/search (one request per second
each, as in `benchmarks/load.py`): first all against replica A, then half against A and half against B (a load
balancer). Prints p50/p95/p99 and status counts of both runs; exits 1 when a 5xx or a transport error appeared.

    python benchmarks/replicas.py [--clients 16] [--duration 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from load import (  # noqa: E402
    Queries,
    Sample,
    quantiles,
    run_clients,
    server_command,
    status_classes,
    stop_server,
    wait_ready,
)

from tests.conftest import free_port, running_chroma, running_postgres  # noqa: E402


async def searches(urls: list[str], clients: int, seconds: float, queries: Queries) -> list[Sample]:
    """`clients` open-loop clients spread evenly over `urls`, after a 5 s unrecorded warm-up."""
    share = [clients // len(urls) + (i < clients % len(urls)) for i in range(len(urls))]
    await asyncio.gather(*(run_clients(u, ["search"], n, 5, queries, record=False, interval=1.0)
                           for u, n in zip(urls, share, strict=True)))  # fmt: skip
    runs = await asyncio.gather(*(run_clients(u, ["search"], n, seconds, queries, record=True, interval=1.0)
                                  for u, n in zip(urls, share, strict=True)))  # fmt: skip
    return [sample for samples, _ in runs for sample in samples]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="advisor-replicas-"))
    with running_chroma(work / "chroma") as chroma_port, running_postgres() as url:
        shared = {"ADVISOR_CORPUS_DIR": str(ROOT / "corpus"), "ADVISOR_STORE__MODE": "http",
                  "ADVISOR_STORE__PORT": str(chroma_port), "ADVISOR_STATE__URL": url}  # fmt: skip
        envs = [{**os.environ, **shared, "ADVISOR_DATA_DIR": str(work / name)} for name in ("a", "b")]
        subprocess.run([str(Path(sys.executable).with_name("advisor")), "ingest"], env=envs[0], check=True,
                       capture_output=True)  # fmt: skip
        servers, urls = [], []
        try:
            for env in envs:
                port = free_port()
                servers.append(subprocess.Popen(server_command(port), env=env, stdout=subprocess.DEVNULL,
                                                stderr=subprocess.DEVNULL))  # fmt: skip
                urls.append(f"http://127.0.0.1:{port}")
            for server, server_url in zip(servers, urls, strict=True):
                wait_ready(server_url, time.perf_counter(), server)
            queries = Queries()
            rows = []
            for name, targets in (("one replica", urls[:1]), ("two replicas", urls)):
                samples = asyncio.run(searches(targets, args.clients, args.duration, queries))
                p50, p95, p99 = quantiles([s.ms for s in samples])
                classes = status_classes(samples)
                rows.append((name, len(samples), p50, p95, p99, classes["5xx"], classes["err"]))
        finally:
            for server in servers:
                stop_server(server)
    print(f"search, {args.clients} open-loop clients (1 request/s each), {args.duration:g} s, scale mode")
    print(f"  {'':<13} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'5xx':>4} {'err':>4}")
    for name, count, p50, p95, p99, errors, transport in rows:
        print(f"  {name:<13} {count:>8} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f} {errors:>4} {transport:>4}")
    return 1 if any(row[5] or row[6] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
