"""Eval cases: questions, plan requests, out-of-scope and adversarial prompts with what a good output holds."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from advisor.schemas import Language, Stage
from advisor.settings import PROJECT_ROOT

CASES_DIR = PROJECT_ROOT / "evals" / "cases"
Kind = Literal["question", "figure", "plan", "out_of_scope", "near_domain", "adversarial"]
SPLITS = ("tuning", "heldout")


class EvalCase(BaseModel):
    """One eval case; `expected_concepts` lists concepts, each as accepted phrasings in any language."""

    id: str = Field(min_length=1)
    query: str = Field(min_length=1)
    query_lang: Language
    kind: Kind = "question"
    task: Literal["ask", "plan"] | None = Field(default=None, description="defaults to plan for plan cases, else ask")
    context: str = ""
    expected_sources: list[str] = Field(default_factory=list)
    expected_concepts: list[list[str]] = Field(default_factory=list)
    expected_stages: list[Stage] = Field(default_factory=list)
    answerable: bool = True
    forbidden: list[str] = Field(default_factory=list, description="strings an adversarial case must never output")
    expected_stage_concepts: dict[Stage, list[list[str]]] = Field(
        default_factory=dict, description="per stage, the concepts a useful plan for this business contains there"
    )
    absent_terms: list[list[str]] = Field(default_factory=list, description="what a near-domain case is about")
    split: str = Field(default="", description="'tuning' or 'heldout' (the folder the case comes from)")

    @property
    def is_plan(self) -> bool:
        """Whether the case asks for a plan rather than an answer."""
        return (self.task or ("plan" if self.kind == "plan" else "ask")) == "plan"


def _case_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.jsonl")) if path.is_dir() else [path])
    return files


def load_cases(paths: Iterable[Path] = (CASES_DIR,)) -> list[EvalCase]:
    """Cases from JSONL files or folders of them; a bad line or a repeated id raises `ValueError`."""
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for file in _case_files(paths):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if file.parent.name in SPLITS:
                    data.setdefault("split", file.parent.name)
                case = EvalCase.model_validate(data)
            except (ValueError, ValidationError) as exc:
                raise ValueError(f"{file.name}:{number}: {str(exc).splitlines()[0]}") from exc
            if case.id in seen:
                raise ValueError(f"{file.name}:{number}: repeated case id {case.id}")
            seen.add(case.id)
            cases.append(case)
    if not cases:
        raise ValueError("no eval cases found")
    return cases


def document_language(case: EvalCase, languages: Mapping[str, str]) -> str:
    """Language of the documents that answer the case ('mixed' when they differ, '-' when none do)."""
    found = {languages.get(source, "?") for source in case.expected_sources}
    return found.pop() if len(found) == 1 else ("mixed" if found else "-")


def is_cross_lingual(case: EvalCase, languages: Mapping[str, str]) -> bool:
    """Whether no expected source is in the question's language."""
    return bool(case.expected_sources) and all(languages.get(s) != case.query_lang for s in case.expected_sources)


def sample(cases: list[EvalCase], size: int) -> list[EvalCase]:
    """A deterministic subset of about `size` cases spread evenly over every (kind, language) group."""
    if size >= len(cases):
        return cases
    groups: dict[tuple[str, str], list[EvalCase]] = {}
    for case in cases:
        groups.setdefault((case.kind, case.query_lang), []).append(case)
    chosen: list[EvalCase] = []
    depth = 0
    while len(chosen) < size:
        for members in groups.values():
            if depth < len(members) and len(chosen) < size:
                chosen.append(members[depth])
        depth += 1
    position = {case.id: n for n, case in enumerate(cases)}
    return sorted(chosen, key=lambda case: position[case.id])
