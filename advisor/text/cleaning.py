"""Turns a scraped page into article text: drops site chrome, promotion, teaser lists and repeats.

Every rule describes a kind of page furniture (navigation, metadata, widgets, footers, calls to action, company
blurbs, …) in general terms; none names a site. Lines that several documents share are boilerplate too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field

from advisor.schemas import CleaningReport
from advisor.text import promotion
from advisor.text.furniture import (
    BREADCRUMB,
    BYLINE,
    FOOTER_START,
    GLUED,
    LABELLED_LINKS,
    MENU_BUTTON,
    MENU_WORDS,
    NAV_LINE,
    PAGE_META,
    SEARCH_BOX,
    SEGMENT_START,
    SENTENCE_SPLIT,
    SEPARATORS,
    SOCIAL,
    TEASER,
    TITLE_RUN,
    WIDGET,
)

_HEADER_ZONE = 8  # the first lines of a page, where a run of capitalised menu words is a menu
_TEASER_RUN = 3  # consecutive teaser-shaped lines that make a teaser list
_SHORT_LINE = 100
_HEADER_LINE = 40  # lines above the article's title that are this short are the site's header
_HEADER_LINES = 30
_MIN_REPEAT_CHARS = 12
_MIN_SHARED_CHARS = 8
_BYLINE_CHARS = 16  # a short unpunctuated line right above the footer: the author or column name
_INTRO_COMPANIONS = 4


@dataclass
class CleanResult:
    """Cleaned text with a record of what was removed."""

    text: str
    removed: dict[str, list[str]] = field(default_factory=dict)

    def report(self, source: str) -> CleaningReport:
        return CleaningReport(source=source, kept_chars=len(self.text), removed=self.removed)


def normalise(text: str) -> str:
    """NFC, no control characters, plain spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        " " if unicodedata.category(ch) in ("Zs", "Cf") and ch not in "\u200d" else ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )
    return text.replace("\t", " ")


def line_key(line: str) -> str:
    """A line's identity for repeat detection: case-folded word characters only."""
    return re.sub(r"\W+", "", line.casefold())


def raw_lines(raw: str) -> list[str]:
    """The page's lines, normalised and with glued headings split, spacing as written."""
    return [line.strip() for line in GLUED.sub("\n", normalise(raw)).split("\n")]


def page_lines(raw: str) -> list[str]:
    """The page's lines as cleaning sees them (spaces collapsed)."""
    return [re.sub(r" {2,}", " ", line) for line in raw_lines(raw)]


def shared_keys(line_sets: Collection[set[str]]) -> set[str]:
    """Keys of lines that occur in more than one of the given documents (site boilerplate)."""
    seen: dict[str, int] = {}
    for keys in line_sets:
        for key in keys:
            seen[key] = seen.get(key, 0) + 1
    return {key for key, count in seen.items() if count > 1}


def line_keys(raw: str) -> set[str]:
    """The repeat-detection keys of a page's lines."""
    return {key for line in page_lines(raw) if len(key := line_key(line)) >= _MIN_SHARED_CHARS}


def _menu(raw: str) -> bool:
    """Three or more short items between separators: a menu, breadcrumb or share bar."""
    parts = [p.strip() for p in SEPARATORS.split(raw.strip()) if p.strip()]
    short = [p for p in parts[:-1] if len(p) <= 24 and not re.search(r"[.!?。！？；;]\s*$", p) and len(p.split()) <= 4]
    last = parts[-1] if parts else ""
    ending = len(last) <= 80 and not re.search(r"[.!?。！？；;]\s*$", last)  # a breadcrumb ends with the page's title
    return len(parts) >= 3 and len(short) == len(parts) - 1 and ending


def _line_reason(line: str, raw: str = "") -> str | None:
    """Reason to drop a whole short line, or None."""
    if NAV_LINE.match(line) or _menu(raw or line) or LABELLED_LINKS.match(line) or SEARCH_BOX.match(line):
        return "navigation"
    if (len(line) < 60 and PAGE_META.search(line)) or (len(line) < 120 and BYLINE.match(line)):
        return "page_metadata"
    if (len(line) < 40 and WIDGET.match(line)) or (len(line) < 80 and SOCIAL.match(line)):
        return "widget"
    if promotion.ABOUT_INLINE.match(line):
        return "about_company"
    if not re.search(r"\w", line):
        return "punctuation_only"
    return None


def _teaser_lines(lines: list[str]) -> set[int]:
    """Indexes of lines in runs (blank lines aside) of at least `_TEASER_RUN` truncated teaser links."""
    marked: set[int] = set()
    run: list[int] = []
    for index, line in enumerate([*lines, "end"]):
        if not line:
            continue
        if TEASER.match(line):
            run.append(index)
            continue
        if len(run) >= _TEASER_RUN:
            marked.update(run)
        run = []
    return marked


def _header_end(lines: list[str], title: str) -> int:
    """Index of the title line when only short lines (site name, menu, slogan) stand above it, else 0."""
    key = line_key(title)
    for index, line in enumerate(lines[:_HEADER_LINES]):
        if key and line_key(line) == key:
            return index if all(len(above) <= _HEADER_LINE for above in lines[:index]) else 0
    return 0


def _about_block(lines: list[str], index: int) -> int:
    """How many lines from `index` form an "about the company" block (its heading and self-description)."""
    if not promotion.ABOUT_HEADING.match(lines[index]):
        return 0
    size = 1
    for line in lines[index + 1 : index + 4]:
        if not line:
            size += 1
            continue
        if not promotion.COMPANY.search(line) or len(line) < 40:
            break
        size += 1
    return size if size > 1 and any(lines[index + 1 : index + size]) else 0


class _Cleaner:
    def __init__(self, title: str, shared: Collection[str]) -> None:
        self.result = CleanResult(text="")
        self.title_key = line_key(title)
        self.shared = shared
        self.kept: list[str] = []
        self.navigation: list[str] = []
        self.seen: set[str] = set()

    def drop(self, reason: str, text: str) -> None:
        self.result.removed.setdefault(reason, []).append(text)

    def line_reason(self, line: str, raw: str, index: int, teasers: set[int]) -> str | None:
        if index in teasers:
            return "teaser"
        if index < _HEADER_ZONE and MENU_WORDS.match(line):
            return "navigation"
        if BREADCRUMB.match(line):
            return "navigation"
        key = line_key(line)
        if len(key) >= _MIN_SHARED_CHARS and key in self.shared:
            return "boilerplate"
        if len(line) >= _SHORT_LINE:
            return "vendor_pitch" if promotion.is_vendor_pitch(line) else None
        if self.title_key and key == self.title_key:
            return "title"
        if len(line) <= 24 and any(line in nav for nav in self.navigation):
            return "navigation"
        return _line_reason(line, raw)

    def sentences(self, line: str) -> list[str]:
        fresh: list[str] = []
        companions = 0
        pieces = [s.strip() for part in SEGMENT_START.split(line) for s in SENTENCE_SPLIT.split(part)]
        for number, raw in enumerate(pieces):
            if number and FOOTER_START.match(raw):
                for rest in pieces[number:]:
                    self.drop("footer", rest)
                break
            following = pieces[number + 1] if number + 1 < len(pieces) else ""
            if _is_question(raw) and following and promotion.promotion_reason(following):
                self.drop("call_to_action", raw)  # "Want more tips like these?" leading into an ad
                continue
            if len(raw) < 120 and (BYLINE.match(raw) or _line_reason(raw) in ("navigation", "page_metadata")):
                self.drop("page_metadata", raw)
                continue
            sentence = promotion.without_promotional_asides(raw)
            if sentence != raw:
                self.drop("call_to_action", raw.replace(sentence, "").strip() or raw)
            key = line_key(sentence)
            if not key:
                continue
            reason = promotion.promotion_reason(sentence)
            if reason is None and companions and promotion.EDITOR_COMPANION.search(sentence):
                reason = "editor_intro"
            companions = _INTRO_COMPANIONS if reason == "editor_intro" else max(0, companions - 1)
            if reason is None and len(sentence) < 40 and WIDGET.match(sentence):
                reason = "widget"
            if reason is None and len(key) >= _MIN_REPEAT_CHARS and key in self.seen:
                reason = "repeated"
            if reason:
                self.drop(reason, sentence)
                continue
            self.seen.add(key)
            fresh.append(sentence)
        return fresh


def clean_text(raw: str, title: str = "", shared: Collection[str] = ()) -> CleanResult:
    """Clean one scraped page; `title` lines are dropped from the body (the title is kept as metadata) and lines
    whose key is in `shared` (lines other documents also carry) are dropped as boilerplate."""
    cleaner = _Cleaner(title, shared)
    raws = raw_lines(raw)
    lines = page_lines(raw)
    teasers = _teaser_lines(lines)
    skip_until = _header_end(lines, title)
    for line in filter(None, lines[:skip_until]):
        cleaner.drop("page_header", line)
    for index in range(skip_until, len(lines)):
        line = lines[index]
        if index < skip_until or not line:
            continue
        if FOOTER_START.match(line):
            while (
                cleaner.kept
                and len(cleaner.kept[-1]) <= _BYLINE_CHARS
                and not re.search(r"[.!?。！？,，:：]", cleaner.kept[-1])
            ):
                cleaner.drop("byline", cleaner.kept.pop())
            for rest in filter(None, lines[index:]):
                cleaner.drop("footer", rest)
            break
        block = _about_block(lines, index)
        if block:
            for part in filter(None, lines[index : index + block]):
                cleaner.drop("about_company", part)
            skip_until = index + block
            continue
        reason = cleaner.line_reason(line, raws[index], index, teasers)
        if reason:
            cleaner.drop(reason, line)
            if reason == "navigation":
                cleaner.navigation.append(line)
            continue
        if not cleaner.kept:
            toc = TITLE_RUN.match(line)
            if toc:
                cleaner.drop("table_of_contents", toc.group(1).strip())
                line = line[toc.end() :]
            button = MENU_BUTTON.match(line)
            if button:  # a menu's last button glued to the page's first words
                cleaner.drop("navigation", button.group(0).strip())
                line = line[button.end() :]
        fresh = cleaner.sentences(line)
        if fresh:
            joiner = "" if all(_is_cjk_sentence(s) for s in fresh) else " "
            cleaner.kept.append(joiner.join(fresh))
    cleaner.result.text = "\n".join(cleaner.kept)
    return cleaner.result


def _is_question(sentence: str) -> bool:
    return bool(re.search(r"[?？]$", sentence.strip())) and len(sentence) < 120


def _is_cjk_sentence(sentence: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", sentence)) and not re.search(r"[A-Za-z]{4,}\s+[A-Za-z]{4,}", sentence)
