"""Load test of the HTTP API: clients on /v1/search, /v1/ask and /v1/plan, then an overload phase.

Prints figures with the targets beside them and a PASS/FAIL line per target; exits 1 when a target is missed
(after printing everything), 2 when the server cannot be started or never becomes ready.

    .venv/bin/python benchmarks/load.py                                # start a server, the full run (~3 min)
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:8000    # against a running server
    .venv/bin/python benchmarks/load.py --routes search --overload-clients 0 --duration 20
    .venv/bin/python benchmarks/load.py --duration 3 --warmup 1 --overload-clients 8   # smoke run

Without `--url` the script starts `advisor serve` on a free port of 127.0.0.1 (same environment, so the same
`ADVISOR_DATA_DIR`, default `.data/`, which must already be indexed: `advisor ingest`), times how long the
process takes until GET /readyz answers 200 (target <= 3 s), runs the phases and stops the server.

1. Per route (`--routes`, default search, ask, then plan): `--clients` clients share one httpx.AsyncClient for
   `--warmup` s (not recorded) and then `--duration` s. By default they run open loop, like users with think
   time: each sends one request every `--interval` s (1 s) on schedule, whether or not its previous answer has
   arrived, and latency counts from the scheduled time, so queueing in the server is never hidden.
   `--interval 0` makes them closed loop (the next request as soon as an answer arrives): the saturation
   throughput. Targets on 2 cores: search p95 <= 50 ms, ask p95 <= 150 ms and plan p95 <= 300 ms (extractive
   generator), no 5xx and
   no transport errors.
2. Overload: `--overload-clients` clients, spread over the routes, for `--duration` s, without backing off on 503
   or 429 (the worst case), while a prober in its own thread sends GET /healthz every 0.25 s. Targets: only 200,
   429 and 503 appear (503s carry Retry-After), and /healthz stays under 100 ms (max).

The queries are the in-scope tuning questions (`evals/cases/tuning/*.jsonl` with `answerable` true and a kind other
than adversarial, zh/en/es) and, for /v1/plan, the tuning plan requests, shuffled with a fixed seed and taken in turn
by all clients. The load generator runs on
the same machine as the server and takes CPU from it (httpx costs roughly a millisecond per request): on 2 cores
the figures are pessimistic. Compare runs made on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "evals" / "cases"
SEED = 20240601
ROUTES = {"search": "/v1/search", "ask": "/v1/ask", "plan": "/v1/plan"}
TARGET_P95_MS = {"search": 50.0, "ask": 150.0, "plan": 300.0}
TARGET_READY_S = 3.0
TARGET_HEALTHZ_MS = 100.0
OVERLOAD_ALLOWED = {200, 429, 503}
PROBE_INTERVAL_S = 0.25
REQUEST_TIMEOUT_S = 30.0
READY_TIMEOUT_S = 180.0  # a server this script started; 30 s for one given with --url
TRANSPORT_ERROR = 0  # the status recorded when no response arrived (timeout, connection error)


@dataclass
class Sample:
    """One request: its route, status (0 for a transport error), latency, and whether Retry-After was sent."""

    route: str
    status: int
    ms: float
    retry_after: bool = False


@dataclass
class Report:
    """Lines to print and the targets missed so far."""

    failures: list[str] = field(default_factory=list)

    def check(self, name: str, passed: bool, detail: str) -> None:
        """Print one PASS/FAIL line and remember a failure."""
        print(f"  {'PASS' if passed else 'FAIL'}  {name}: {detail}", flush=True)
        if not passed:
            self.failures.append(name)


def load_queries(plans: bool = False) -> list[tuple[str, str]]:
    """(query, context) of the in-scope tuning questions, or of the plan requests, shuffled with a fixed seed."""
    queries = []
    for path in sorted((CASES / "tuning").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                in_scope = case.get("answerable") and case.get("kind") != "adversarial" and case.get("query")
                if in_scope and (case.get("kind") == "plan") == plans:
                    queries.append((case["query"], case.get("context", "")))
    random.Random(SEED).shuffle(queries)
    return queries


class Queries:
    """Questions for search and ask, plan requests for plan, each cycled in a fixed shuffled order."""

    def __init__(self) -> None:
        self.questions = load_queries()
        self.plans = load_queries(plans=True)
        self._cycles = {False: itertools.cycle(self.questions), True: itertools.cycle(self.plans)}

    def next(self, route: str) -> tuple[str, str]:
        """The next query for `route` (the clients take them in turn)."""
        return next(self._cycles[route == "plan"])


def body_for(route: str, query: tuple[str, str]) -> dict[str, object]:
    """The JSON body of one request on `route`."""
    text, context = query
    if route == "search":
        return {"query": text, "k": 5}
    return {"goal": text, "context": context} if route == "plan" else {"question": text}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(port: int) -> list[str]:
    """`advisor serve` from this interpreter's environment (`python -m advisor.cli` needs a __main__ module)."""
    script = Path(sys.executable).parent / "advisor"
    if (ROOT / "advisor" / "cli" / "__main__.py").exists() or not script.exists():
        prefix = [sys.executable, "-m", "advisor.cli"]
    else:
        prefix = [str(script)]
    return [*prefix, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]


def wait_ready(url: str, started: float, process: subprocess.Popen[bytes] | None) -> tuple[float | None, float, int]:
    """Seconds from `started` until /healthz and then /readyz answer 200, and the chunks /readyz reports."""
    listening: float | None = None
    with httpx.Client(base_url=url, timeout=5.0) as client:
        limit = READY_TIMEOUT_S if process is not None else 30.0
        while time.perf_counter() - started < limit:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the server exited with code {process.returncode} before it was ready")
            try:
                if listening is None and client.get("/healthz").status_code == 200:
                    listening = time.perf_counter() - started
                response = client.get("/readyz")
                if response.status_code == 200:
                    return listening, time.perf_counter() - started, int(response.json().get("chunks") or 0)
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise RuntimeError(f"{url}/readyz did not answer 200 within {limit:g} s")


async def client_loop(
    http: httpx.AsyncClient, route: str, queries: Queries, deadline: float, samples: list[Sample] | None
) -> None:
    """Send one request after another on `route` until `deadline`; record them in `samples` unless None."""
    while time.perf_counter() < deadline:
        await timed_request(http, route, queries.next(route), time.perf_counter(), samples)


async def timed_request(
    http: httpx.AsyncClient, route: str, query: tuple[str, str], scheduled: float, samples: list[Sample] | None
) -> None:
    """One request; its latency counts from when it was scheduled, so a slow server cannot hide queueing."""
    try:
        response = await http.post(ROUTES[route], json=body_for(route, query))
        status, retry_after = response.status_code, "retry-after" in response.headers
    except httpx.TransportError:
        status, retry_after = TRANSPORT_ERROR, False
    if samples is not None:
        samples.append(Sample(route, status, (time.perf_counter() - scheduled) * 1000, retry_after))


async def paced_client(
    http: httpx.AsyncClient,
    route: str,
    queries: Queries,
    start: float,
    deadline: float,
    interval: float,
    samples: list[Sample] | None,
) -> None:
    """Open loop: one request every `interval` s on schedule, whether or not earlier answers have arrived."""
    pending = []
    due = start + random.uniform(0, interval)  # clients spread over the interval
    while due < deadline:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        pending.append(asyncio.create_task(timed_request(http, route, queries.next(route), due, samples)))
        due += interval
    await asyncio.gather(*pending)


async def run_clients(
    url: str,
    routes: list[str],
    clients: int,
    seconds: float,
    queries: Queries,
    record: bool,
    interval: float = 0.0,
) -> tuple[list[Sample], float]:
    """`clients` clients (client i on routes[i % len(routes)]) for `seconds`; samples and wall time.

    `interval` > 0: open-loop clients each sending one request per `interval` s; 0: closed-loop clients.
    """
    samples: list[Sample] = []
    limits = httpx.Limits(max_connections=clients * 4, max_keepalive_connections=clients * 4)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=REQUEST_TIMEOUT_S) as http:
        start = time.perf_counter()
        deadline = start + seconds
        target = samples if record else None
        if interval > 0:
            loops = [paced_client(http, routes[i % len(routes)], queries, start, deadline, interval, target)
                     for i in range(clients)]  # fmt: skip
        else:
            loops = [client_loop(http, routes[i % len(routes)], queries, deadline, target) for i in range(clients)]
        await asyncio.gather(*loops)
        return samples, time.perf_counter() - start


def probe_healthz(url: str, stop: threading.Event, latencies: list[float], statuses: Counter[int]) -> None:
    """GET /healthz every PROBE_INTERVAL_S until `stop` is set, on its own connection and thread."""
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT_S) as client:
        while not stop.is_set():
            start = time.perf_counter()
            try:
                statuses[client.get("/healthz").status_code] += 1
            except httpx.TransportError:
                statuses[TRANSPORT_ERROR] += 1
            elapsed = time.perf_counter() - start
            latencies.append(elapsed * 1000)
            stop.wait(max(0.0, PROBE_INTERVAL_S - elapsed))


def quantiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 of `values` (NaN when empty)."""
    if not values:
        return float("nan"), float("nan"), float("nan")
    p50, p95, p99 = np.percentile(np.array(values), [50, 95, 99])
    return float(p50), float(p95), float(p99)


def status_classes(samples: list[Sample]) -> Counter[str]:
    """Requests by status class: 2xx, 3xx, 4xx, 5xx, and `err` for transport errors."""
    return Counter("err" if s.status == TRANSPORT_ERROR else f"{s.status // 100}xx" for s in samples)


def histogram(statuses: Counter[int]) -> str:
    """`200: n  503: m ...`, transport errors shown as `error`."""
    return "  ".join(f"{'error' if code == TRANSPORT_ERROR else code}: {n}" for code, n in sorted(statuses.items()))


def print_table(rows: list[tuple[str, ...]]) -> None:
    """Rows of cells, columns padded to their widest cell, the first left-aligned and the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in pairs]
        print("  " + "  ".join(cells), flush=True)


async def phase_routes(
    url: str,
    routes: list[str],
    clients: int,
    duration: float,
    warmup: float,
    queries: Queries,
    report: Report,
    interval: float,
) -> None:
    """Phase 1: each route alone under `clients` clients; latency table and checks."""
    pacing = f"open-loop, one request per {interval:g} s each" if interval > 0 else "closed-loop, no pause"
    print(f"\nphase 1: {clients} clients per route ({pacing}), {warmup:g} s warm-up + {duration:g} s", flush=True)
    header = ("route", "clients", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "2xx", "4xx", "5xx", "err")
    rows: list[tuple[str, ...]] = [header]
    results: dict[str, list[Sample]] = {}
    for route in routes:
        print(f"  {route}: running ...", file=sys.stderr, flush=True)
        if warmup > 0:
            await run_clients(url, [route], clients, warmup, queries, record=False, interval=interval)
        samples, wall = await run_clients(url, [route], clients, duration, queries, record=True, interval=interval)
        results[route] = samples
        p50, p95, p99 = quantiles([s.ms for s in samples])
        classes = status_classes(samples)
        rows.append((ROUTES[route], str(clients), str(len(samples)), f"{len(samples) / wall:.1f}",
                     f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}",
                     *(str(classes[c]) for c in ("2xx", "4xx", "5xx", "err"))))  # fmt: skip
    print_table(rows)
    for route, samples in results.items():
        p95 = quantiles([s.ms for s in samples])[1]
        classes = status_classes(samples)
        target = TARGET_P95_MS[route]
        report.check(f"{route} p95 <= {target:g} ms", bool(samples) and p95 <= target, f"p95 {p95:.1f} ms")
        statuses = Counter(s.status for s in samples)
        report.check(
            f"{route}: no 5xx, no transport errors",
            classes["5xx"] == 0 and classes["err"] == 0,
            histogram(statuses) or "no requests",
        )


async def phase_overload(
    url: str, routes: list[str], clients: int, duration: float, queries: Queries, report: Report
) -> None:
    """Phase 2: `clients` clients over the routes without back-off, and /healthz probed from its own thread."""
    print(f"\nphase 2 (overload): {clients} clients over {', '.join(routes)} for {duration:g} s, "
          f"/healthz every {PROBE_INTERVAL_S:g} s", flush=True)  # fmt: skip
    print("  overload: running ...", file=sys.stderr, flush=True)
    stop, probe_statuses = threading.Event(), Counter[int]()
    probe_ms: list[float] = []
    prober = threading.Thread(target=probe_healthz, args=(url, stop, probe_ms, probe_statuses), daemon=True)
    prober.start()
    try:
        samples, wall = await run_clients(url, routes, clients, duration, queries, record=True)
    finally:
        stop.set()
        prober.join()
    header = ("route", "clients", "requests", "req/s", "p50 ms (200)", "p95 ms (200)", "statuses")
    rows: list[tuple[str, ...]] = [header]
    for route in routes:
        mine = [s for s in samples if s.route == route]
        p50, p95, _ = quantiles([s.ms for s in mine if s.status == 200])
        route_clients = len(range(routes.index(route), clients, len(routes)))
        rows.append((ROUTES[route], str(route_clients), str(len(mine)), f"{len(mine) / wall:.1f}",
                     f"{p50:.1f}", f"{p95:.1f}", histogram(Counter(s.status for s in mine))))  # fmt: skip
    print_table(rows)
    statuses = Counter(s.status for s in samples)
    unexpected = {code: n for code, n in statuses.items() if code not in OVERLOAD_ALLOWED}
    report.check("only 200/429/503", bool(samples) and not unexpected, histogram(statuses) or "no requests")
    rejected = [s for s in samples if s.status in (429, 503)]
    bare = sum(1 for s in rejected if not s.retry_after)
    report.check("429/503 carry Retry-After", bare == 0, f"{len(rejected) - bare} of {len(rejected)}")
    p50, _, p99 = quantiles(probe_ms)
    worst = max(probe_ms, default=float("nan"))
    report.check(
        f"/healthz max < {TARGET_HEALTHZ_MS:g} ms",
        bool(probe_ms) and worst < TARGET_HEALTHZ_MS and set(probe_statuses) == {200},
        f"{len(probe_ms)} probes, p50 {p50:.1f}  p99 {p99:.1f}  max {worst:.1f} ms; {histogram(probe_statuses)}",
    )


async def run_phases(url: str, args: argparse.Namespace, routes: list[str], report: Report) -> None:
    """Phase 1, then phase 2 unless `--overload-clients 0`."""
    cycle = Queries()
    if not cycle.questions or not cycle.plans:
        raise RuntimeError(f"no in-scope questions or plan requests in {CASES / 'tuning'}")
    print(f"queries: {len(cycle.questions)} in-scope tuning questions and {len(cycle.plans)} plan requests "
          "(zh/en/es), each cycled in a fixed shuffled order", flush=True)  # fmt: skip
    if args.clients > 0 and args.duration > 0:
        await phase_routes(url, routes, args.clients, args.duration, args.warmup, cycle, report, args.interval)
    if args.overload_clients > 0 and args.duration > 0:
        await phase_overload(url, routes, args.overload_clients, args.duration, cycle, report)


def start_server(log: IO[bytes]) -> tuple[subprocess.Popen[bytes], str, float]:
    """`advisor serve` on a free port, its output going to `log`; the process, its URL and its start time."""
    port = free_port()
    command = server_command(port)
    print(f"server: {' '.join(command)}", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}", started


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server and wait for it (kill it after 15 s)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def log_tail(log: IO[bytes], lines: int = 30) -> str:
    """The last `lines` lines the server wrote."""
    log.flush()
    log.seek(0)
    return "\n".join(log.read().decode("utf-8", "replace").splitlines()[-lines:])


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", help="a running server (default: start `advisor serve` on a free port)")
    parser.add_argument("--clients", type=int, default=16, help="clients per route in phase 1")
    parser.add_argument(
        "--interval", type=float, default=1.0, help="phase 1: seconds between a client's requests (0: closed loop)"
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured per phase")
    parser.add_argument("--routes", default="search,ask,plan", help="comma-separated, from: search, ask, plan")
    parser.add_argument("--overload-clients", type=int, default=64, help="clients in phase 2 (0: skip it)")
    parser.add_argument("--warmup", type=float, default=5.0, help="unrecorded seconds before each route of phase 1")
    args = parser.parse_args()
    args.route_list = [route.strip() for route in args.routes.split(",") if route.strip()]
    unknown = sorted(set(args.route_list) - set(ROUTES))
    if unknown or not args.route_list:
        parser.error(f"--routes: unknown or empty {unknown}; choose from {', '.join(ROUTES)}")
    return args


def main() -> int:
    """Run the load test; 0 when every target is met, 1 when one is missed, 2 when the server is unusable."""
    args = parse_args()
    report = Report()
    data_dir = os.environ.get("ADVISOR_DATA_DIR", str(ROOT / ".data"))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} | data dir: {data_dir}", flush=True)
    process: subprocess.Popen[bytes] | None = None
    show_log = False
    with tempfile.TemporaryFile(prefix="advisor-load-") as log:
        try:
            if args.url:
                url, started = args.url.rstrip("/"), time.perf_counter()
            else:
                process, url, started = start_server(log)
            try:
                listening, ready, chunks = wait_ready(url, started, process)
            except RuntimeError as exc:
                print(f"server not ready: {exc}", flush=True)
                show_log = True
                return 2
            if process is not None:
                print(f"server: listening after {listening or float('nan'):.2f} s, ready after {ready:.2f} s "
                      f"({chunks} chunks) at {url}", flush=True)  # fmt: skip
                report.check(f"ready <= {TARGET_READY_S:g} s", ready <= TARGET_READY_S, f"{ready:.2f} s")
            else:
                print(f"server: {url} ready ({chunks} chunks)", flush=True)
            asyncio.run(run_phases(url, args, args.route_list, report))
        finally:
            if process is not None:
                stop_server(process)
                if show_log or process.returncode not in (0, -15):
                    print(f"server exited with code {process.returncode}; its last lines:\n{log_tail(log)}", flush=True)
    print(f"\n{'FAIL: ' + ', '.join(report.failures) if report.failures else 'PASS: every target met'}", flush=True)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
