#!/usr/bin/env python3
"""Check that near-domain cases really are unanswerable from the corpus.

Loads the near_domain cases of evals/cases/heldout/near-domain.jsonl and every
near_domain / out_of_scope case in evals/cases/**/*.jsonl that carries
"absent_terms", folds text (NFKC, accents stripped, casefold) and checks that
no phrasing of any absent_terms concept occurs in any corpus/*.txt file.

Prints one line per case (OK, or FOUND with the term and the file) and exits
with status 1 when any term is found. Standard library only.

Usage: python evals/check_near_domain.py [repo_root]
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", text).casefold()


def load_cases(root: Path) -> list[tuple[str, dict]]:
    cases_dir = root / "evals" / "cases"
    heldout = cases_dir / "heldout" / "near-domain.jsonl"
    files = [heldout] if heldout.exists() else []
    files += sorted(p for p in cases_dir.rglob("*.jsonl") if p != heldout)
    seen: set[str] = set()
    out: list[tuple[str, dict]] = []
    for path in files:
        is_heldout_nd = path == heldout
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                case = json.loads(line)
                kind = case.get("kind")
                if is_heldout_nd:
                    if kind != "near_domain":
                        continue
                elif kind not in ("near_domain", "out_of_scope") or "absent_terms" not in case:
                    continue
                key = f"{path}:{case.get('id')}"
                if key in seen:
                    continue
                seen.add(key)
                out.append((f"{path.relative_to(root)}:{lineno}", case))
    return out


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else Path(__file__).resolve().parent.parent
    corpus = {p.name: fold(p.read_text(encoding="utf-8")) for p in sorted((root / "corpus").glob("*.txt"))}
    if not corpus:
        print(f"no corpus files under {root / 'corpus'}", file=sys.stderr)
        return 2
    cases = load_cases(root)
    failed = 0
    for where, case in cases:
        cid = case.get("id", where)
        terms = case.get("absent_terms") or []
        if not terms:
            print(f"FOUND {cid}: no absent_terms ({where})")
            failed += 1
            continue
        hits = []
        for concept in terms:
            for phrasing in concept:
                folded = fold(phrasing)
                if not folded.strip():
                    continue
                for name, text in corpus.items():
                    if folded in text:
                        hits.append((phrasing, name))
        if hits:
            failed += 1
            detail = "; ".join(f"{term!r} in {name}" for term, name in hits)
            print(f"FOUND {cid}: {detail}")
        else:
            n = sum(len(c) for c in terms)
            print(f"OK    {cid} ({len(terms)} concepts, {n} phrasings)")
    print(f"{len(cases)} cases checked, {failed} with terms found in the corpus")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
