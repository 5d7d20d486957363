"""Retrieval quality in scale mode (a Chroma server and PostgreSQL) beside the embedded mode, on the same cases.

Starts `chroma run` and a throwaway PostgreSQL server (Debian's binaries) on 127.0.0.1, ingests the corpus in
both modes and runs `advisor eval` on the held-out cases in each; prints the retrieval metrics side by side.

    python benchmarks/scale_parity.py [--cases evals/cases/heldout]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import running_chroma, running_postgres  # noqa: E402

METRICS = ("hit@5", "recall@5", "mrr@10", "ndcg@10", "concept_coverage", "abstention")
ADVISOR = str(Path(sys.executable).with_name("advisor"))


def evaluate(env: dict[str, str], cases: Path, report: Path) -> dict[str, float]:
    """Ingest, then the eval's overall figures for the extractive generator."""
    subprocess.run([ADVISOR, "ingest"], env=env, check=True, capture_output=True)
    subprocess.run([ADVISOR, "eval", "--cases", str(cases), "--no-baseline", "--no-gate", "--report", str(report)],
                   env=env, check=True, capture_output=True)  # fmt: skip
    rows = json.loads(report.read_text())["slices"]
    overall = next(row for row in rows if row["name"] == "overall")["systems"]["extractive"]
    return {metric: overall.get(metric) for metric in METRICS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "evals" / "cases" / "heldout")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="advisor-parity-"))
    base = {**os.environ, "ADVISOR_CORPUS_DIR": str(ROOT / "corpus")}
    embedded = evaluate({**base, "ADVISOR_DATA_DIR": str(work / "embedded")}, args.cases, work / "embedded.json")
    with running_chroma(work / "chroma") as port, running_postgres() as url:
        scale_env = {**base, "ADVISOR_DATA_DIR": str(work / "scale"), "ADVISOR_STORE__MODE": "http",
                     "ADVISOR_STORE__PORT": str(port), "ADVISOR_STATE__URL": url}  # fmt: skip
        scale = evaluate(scale_env, args.cases, work / "scale.json")
    print(f"{'metric':<18} {'embedded':>9} {'scale':>9} {'diff':>8}")
    for metric in METRICS:
        a, b = embedded[metric], scale[metric]
        if a is None or b is None:
            continue
        print(f"{metric:<18} {a:>9.3f} {b:>9.3f} {b - a:>+8.3f}")


if __name__ == "__main__":
    main()
