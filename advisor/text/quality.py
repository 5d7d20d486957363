"""Whether a sentence is fit to quote as evidence: not promotion, a question, a heading, a list lead or a fragment."""

from __future__ import annotations

import re
from functools import lru_cache

from advisor.text import promotion
from advisor.text.injection import looks_like_injection
from advisor.text.sentences import is_closed

FRAGMENT_CJK = 12  # a quote with fewer CJK characters than this (and no latin run long enough) is a fragment
FRAGMENT_LATIN = 25
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MARKER_PREFIX = re.compile(
    r"^\s*(?:\d{1,2}[.、)）]|[（(][\d一二三四五六七八九十]+[)）]|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十\d]+[步章节点条])\s*"
)
_QUESTION = re.compile(r"[?？][\s\"”’」』)）]*$")
_LEAD = re.compile(r"[:：][\s\"”’」』)）]*$")
_LINK = re.compile(r"https?://|www\.", re.I)


def visible_size(text: str) -> int:
    """Characters a reader sees, whitespace aside."""
    return sum(1 for ch in text if not ch.isspace())


def is_fragment(text: str) -> bool:
    """Too short to say anything on its own: under 12 CJK characters or 25 latin ones."""
    body = _MARKER_PREFIX.sub("", text).strip()
    cjk = len(_CJK.findall(body))
    latin = len(re.findall(r"[A-Za-zÀ-ÿ0-9]", body))
    return cjk < FRAGMENT_CJK and latin < FRAGMENT_LATIN and cjk * 2 + latin < FRAGMENT_LATIN


def is_list_item(text: str) -> bool:
    """A numbered item of an enumeration ("1、…", "（二）…", "第三步…"): short, and still substance."""
    return bool(_MARKER_PREFIX.match(text))


def is_question(text: str) -> bool:
    """A sentence that asks rather than tells."""
    return bool(_QUESTION.search(text.strip()))


def is_list_lead(text: str) -> bool:
    """A sentence that announces what follows ("…three rules:") and says nothing without it."""
    return bool(_LEAD.search(text.strip()))


def looks_like_heading(text: str) -> bool:
    """One short line with no sentence punctuation at all: a title, a heading or a label."""
    stripped = text.strip()
    return (
        "\n" not in stripped
        and not is_closed(stripped)
        and not re.search(r"[,，;；。.!！]", stripped)
        and (len(stripped) <= 60)
    )


def junk_reason(text: str, headings: set[str] | frozenset[str] = frozenset()) -> str | None:
    """Why `text` must not be quoted as evidence, or None when it may be."""
    stripped = text.strip()
    if stripped in headings:
        return "heading"
    return _junk_reason(stripped)


@lru_cache(maxsize=65_536)
def _junk_reason(stripped: str) -> str | None:
    if promotion.promotion_reason(stripped) or promotion.is_vendor_pitch(stripped) or _LINK.search(stripped):
        return "promotion"
    if looks_like_injection(stripped):
        return "injection"
    if is_question(stripped):
        return "question"
    if looks_like_heading(stripped):
        return "heading"
    if is_list_lead(stripped):
        return "lead"
    if is_fragment(stripped):
        return "fragment"
    return None
