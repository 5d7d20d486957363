"""Fit the answerability verdict on the tuning cases (never on the held-out ones) and print the settings.

    .venv/bin/python evals/calibrate.py [--max-false-refusal 0.03]

For every tuning question (answerable questions and figures; near-domain and out-of-scope questions), computes
the signals of `advisor.services.answerability` on the indexed corpus (run `advisor ingest` first), fits a
logistic regression (Newton's method, numpy only) and moves the bias so that at most `--max-false-refusal` of the
answerable tuning questions would be declined. Prints the cross-validated abstention at that rate, the fitted
`ADVICE__DECLINE_WEIGHTS` / `__DECLINE_BIAS`, and the goal residuals of the plan cases.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from advisor.assembly import build_services
from advisor.evaluation.cases import CASES_DIR, load_cases
from advisor.settings import get_settings
from advisor.text.language import detect_language

FEATURES = ("residual", "unknown_weight", "unknown_share", "absent_share", "uncovered_share", "top", "margin")


def _fit(x: np.ndarray, y: np.ndarray, ridge: float = 1.0, steps: int = 50) -> np.ndarray:
    """Logistic regression with an L2 penalty (bias unpenalised) by Newton's method; returns [bias, weights…]."""
    design = np.hstack([np.ones((len(x), 1)), x])
    weights = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * ridge
    penalty[0, 0] = 0
    balance = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-design @ weights))
        gradient = design.T @ (balance * (p - y)) + penalty @ weights
        hessian = design.T @ (design * (balance * p * (1 - p))[:, None]) + penalty
        weights -= np.linalg.solve(hessian, gradient)
    return weights


def _bias_for(weights: np.ndarray, x: np.ndarray, y: np.ndarray, max_false: float) -> float:
    """The bias that declines as much as possible while declining at most `max_false` of the answerable cases."""
    scores = x @ weights[1:]
    answerable = np.sort(scores[y == 0])[::-1]
    allowed = int(np.floor(max_false * len(answerable)))
    return float(-(answerable[allowed] + 1e-6)) if allowed < len(answerable) else float(weights[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-false-refusal", type=float, default=0.03)
    parser.add_argument("--cases", type=Path, default=CASES_DIR / "tuning")
    parser.add_argument("--ridge", type=float, default=0.01)
    parser.add_argument(
        "--use",
        default="residual,unknown_share,absent_share,uncovered_share,top",
        help="signals to combine (of: " + ", ".join(FEATURES) + ")",
    )
    args = parser.parse_args()
    services = build_services(get_settings())
    advisor = services.advisor
    rows, labels, plans = [], [], []
    for case in load_cases([args.cases]):
        if case.kind == "adversarial":
            continue
        if case.is_plan:
            state = advisor.prepare_plan(case.query, case.context)
            plans.append((case.id, case.answerable, state.verdict.signals.residual))
            continue
        state = advisor.prepare_ask(case.query)
        signals = advisor.judge.signals(case.query, detect_language(case.query), state.hits,
                                        state.gathered.units, state.gathered.query_vector)  # fmt: skip
        rows.append([getattr(signals, name) if name in args.use.split(",") else 0.0 for name in FEATURES])
        labels.append(0 if case.answerable else 1)
    x, y = np.asarray(rows), np.asarray(labels, dtype=float)
    rng = np.random.default_rng(0)
    folds = rng.permutation(len(y)) % 10
    caught = []
    for fold in range(10):
        train, test = folds != fold, folds == fold
        weights = _fit(x[train], y[train], args.ridge)
        bias = _bias_for(weights, x[train], y[train], args.max_false_refusal)
        decline = x[test] @ weights[1:] + bias > 0
        caught.append((decline & (y[test] == 1)).sum())
    weights = _fit(x, y, args.ridge)
    bias = _bias_for(weights, x, y, args.max_false_refusal)
    decline = x @ weights[1:] + bias > 0
    print(f"{int(y.sum())} declinable and {int((y == 0).sum())} answerable tuning questions")
    print(f"10-fold abstention at ≤{args.max_false_refusal:.0%} false refusals: {sum(caught) / y.sum():.3f}")
    print(f"in-sample: abstention {(decline & (y == 1)).sum() / y.sum():.3f}, "
          f"false refusals {(decline & (y == 0)).sum() / (y == 0).sum():.3f}")  # fmt: skip
    print(json.dumps({"decline_weights": [round(w, 3) for w in weights[1:]], "decline_bias": round(bias, 3)}))
    for case_id, answerable, residual in plans:
        print(f"plan {case_id}: answerable={answerable} goal residual {residual:.3f}")
    services.close()


if __name__ == "__main__":
    main()
