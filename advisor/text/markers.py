"""Enumeration markers in zh/en/es text: numbered headings and list items ("一、", "（二）", "3.", "第四步", "Step 5",
"Paso 2", "A.", "①", "首先", "second,", "tercero:", bullets, Markdown headings), with their style and number."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUM = r"[一二三四五六七八九十]{1,3}"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_ORDINALS = {
    "first": 1, "firstly": 1, "second": 2, "secondly": 2, "third": 3, "thirdly": 3, "fourth": 4, "fourthly": 4,
    "fifth": 5, "sixth": 6, "seventh": 7,
    "primero": 1, "primera": 1, "segundo": 2, "segunda": 2, "tercero": 3, "tercera": 3, "cuarto": 4, "cuarta": 4,
    "quinto": 5, "quinta": 5, "sexto": 6, "séptimo": 7,
}  # fmt: skip
_ZH_ORDINALS = {"首先": 1, "其次": 2, "再次": 3, "然后": 3, "此外": 3}
# Words that close an ordinal enumeration at any position ("finally", "por último", "最后").
_LAST = re.compile(r"^(最后|finally|lastly|por [uú]ltimo|finalmente)$", re.I)


def cn_number(text: str) -> int:
    """The value of a Chinese numeral up to 99 (一 → 1, 十二 → 12, 二十 → 20)."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


@dataclass(frozen=True)
class Marker:
    """An enumeration marker found in text: where it is, its style, its number (and the last number it covers)."""

    start: int
    end: int  # end of the marker itself (the item's text starts here)
    style: str
    number: int
    last: int  # "第二、三步" covers 2..3
    kind: str  # "numbered" (may head a section or a list item), "ordinal" or "bullet" (list items only), "markdown"
    strict: bool  # preceded by a line start or a sentence/clause end (not by a word)


def _value(style: str, raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    if style.startswith("roman"):
        return _ROMAN.get(raw.lower(), 0)
    if len(raw) == 1 and raw.isalpha() and raw.isascii():
        return ord(raw.lower()) - ord("a") + 1
    if raw in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳" and raw:
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(raw) + 1
    return cn_number(raw)


# (style, pattern with groups n and optional m, kind). Patterns are anchored at the marker's start.
_NUMBERED: list[tuple[str, re.Pattern[str], str]] = [
    ("md", re.compile(r"(?P<n>#{1,6})[ \t]+(?=\S)"), "markdown"),
    ("cn、", re.compile(rf"(?P<n>{_CN_NUM})[、．]\s*(?=\S)"), "numbered"),
    ("(cn)", re.compile(rf"[（(](?P<n>{_CN_NUM})[)）]\s*(?=\S)"), "numbered"),
    (
        "第n",
        re.compile(
            rf"第(?P<n>{_CN_NUM}|\d{{1,2}})(?:[、,，至到-](?P<m>{_CN_NUM}|\d{{1,2}}))?"
            r"(?P<unit>步|章|节|部分|阶段|层|讲|课|篇)[\s:：、,，.．]*(?=\S)"
        ),
        "numbered",
    ),
    ("n、", re.compile(r"(?P<n>\d{1,2})、\s*(?=\S)"), "numbered"),
    ("n.", re.compile(r"(?P<n>\d{1,2})[.．](?!\d)\s*(?=[^\s\d.．])"), "numbered"),
    ("n)", re.compile(r"(?P<n>\d{1,2})[)）]\s*(?=\S)"), "numbered"),
    ("(n)", re.compile(r"[（(](?P<n>\d{1,2})[)）]\s*(?=\S)"), "numbered"),
    ("circled", re.compile(r"(?P<n>[①-⑳])\s*(?=\S)"), "numbered"),
    (
        "step",
        re.compile(
            r"(?P<unit>step|paso|part|parte|chapter|cap[ií]tulo|section|secci[oó]n|phase|fase|stage|etapa)"
            r"\s+(?P<n>\d{1,2}|[IVX]{1,4})\b[.:：)\-–—]?\s*(?=\S)",
            re.I,
        ),
        "numbered",
    ),
    ("roman.", re.compile(r"(?P<n>(?:IX|IV|V?I{1,3}|V|X))[.、)]\s+(?=\S)"), "numbered"),
    ("A.", re.compile(r"(?P<n>[A-Ha-h])[.、)．]\s*(?=[^\s.])"), "numbered"),
    ("bullet", re.compile(r"(?P<n>[-*•·▪●◆■])\s+(?=\S)"), "bullet"),
    ("一是", re.compile(rf"(?P<n>{_CN_NUM})是"), "ordinal"),
    ("第n个", re.compile(rf"第(?P<n>{_CN_NUM})(?:个|点|条|项)?(?:[,，、:：]|就是|是)"), "ordinal"),
    ("首先", re.compile(r"(?P<n>首先|其次|再次|然后|此外|最后)[,，:：]?"), "ordinal"),
    (
        "first",
        re.compile(
            r"(?:the |in the |en |el |la )?(?P<n>first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth(?:ly)?|fifth|"
            r"sixth|seventh|finally|lastly|primer(?:o|a)?|segund[oa]|tercer(?:o|a)?|cuart[oa]|quint[oa]|"
            r"sext[oa]|séptim[oa]|por [uú]ltimo|finalmente)\b(?: lugar| of all)?(?P<tail>[^,:;.!?]{0,40}?)"
            r"[,:：]\s*(?=\S)",
            re.I,
        ),
        "ordinal",
    ),
]
_STRICT_BEFORE = re.compile(r"(^|[\n.!?;:。！？；：)）」”\"'])[ \t]*$")
_CLAUSE_BEFORE = re.compile(r"(^|[\n.!?;:,。！？；：，、)）」”\"'])[ \t]*$")
_SPANISH_ORDINAL = re.compile(r"^primer$", re.I)


def _number(style: str, match: re.Match[str]) -> tuple[int, int] | None:
    raw = match.group("n")
    if style in ("md", "bullet"):
        return (len(raw), len(raw)) if style == "md" else (1, 1)
    if style == "first":
        word = raw.lower()
        if _LAST.match(word):
            return -1, -1
        word = "primero" if _SPANISH_ORDINAL.match(word) else word
        value = _ORDINALS.get(word, 0)
        return (value, value) if value else None
    if style == "首先":
        if raw == "最后":
            return -1, -1
        value = _ZH_ORDINALS[raw]
        return value, value
    roman = style in ("roman.", "step") and re.fullmatch(r"[IVXivx]+", raw) is not None
    value = _value("roman" if roman else style, raw)
    if value <= 0:
        return None
    last = _value(style, match.group("m")) if "m" in match.groupdict() and match.group("m") else value
    return value, max(value, last)


# Marker styles that continue each other ("首先…其次…第三…", "first… second… finally…").
_FAMILY = {"首先": "zh-ordinal", "第n个": "zh-ordinal"}


def style_key(style: str, match: re.Match[str]) -> str:
    """Styles that differ by their unit word ("第一步" and "第一章") are different styles."""
    unit = match.groupdict().get("unit")
    family = _FAMILY.get(style, style)
    return f"{family}:{unit.lower()}" if unit else family


def marker_at(text: str, position: int) -> Marker | None:
    """The marker starting exactly at `position`, if any (the first style that matches)."""
    strict = bool(_STRICT_BEFORE.search(text[max(0, position - 3) : position]))
    clause = bool(_CLAUSE_BEFORE.search(text[max(0, position - 3) : position]))
    for style, pattern, kind in _NUMBERED:
        match = pattern.match(text, position)
        if match is None:
            continue
        if kind in ("markdown", "bullet") and not _at_line_start(text, position):
            continue
        if style == "A." and not (strict and _at_line_start(text, position)):
            continue  # a lone letter mid-text ("plan B.") is too often not a marker
        if kind == "ordinal" and not clause:
            continue
        numbers = _number(style, match)
        if numbers is None:
            continue
        return Marker(position, match.end(), style_key(style, match), numbers[0], numbers[1], kind, strict)
    return None


def _at_line_start(text: str, position: int) -> bool:
    return position == 0 or text[position - 1] == "\n" or text[max(0, position - 4) : position].strip() == ""


_CANDIDATE = re.compile(
    r"(?:(?<=^)|(?<=[\s.!?;:,。！？；：，、)）」”\"']))"
    r"(?=#|\d{1,2}[.．、)）]|[（(][\d一二三四五六七八九十]|[一二三四五六七八九十]{1,3}[、．是]|第|[①-⑳]|[-*•·▪●◆■]\s|"
    r"首先|其次|再次|然后|此外|最后|[A-Ha-h][.、)．]|(?:IX|IV|V?I{1,3}|V|X)[.、)]\s|"
    r"(?i:step|paso|part|parte|chapter|cap[ií]tulo|section|secci[oó]n|phase|fase|stage|etapa)\s|"
    r"(?i:(?:the |in the |en |el |la )?(?:first|second|third|fourth|fifth|sixth|seventh|finally|lastly|primer|segund|"
    r"tercer|cuart|quint|sext|séptim|por [uú]ltimo|finalmente)))",
    re.M,
)


def find_markers(text: str) -> list[Marker]:
    """Every marker candidate in `text`, in order (whether it really enumerates is decided by the caller)."""
    found: list[Marker] = []
    for match in _CANDIDATE.finditer(text):
        marker = marker_at(text, match.start())
        if marker is not None and (not found or marker.start >= found[-1].end):
            found.append(marker)
    return found
