"""Turns a scraped page into article text: drops site chrome, contact/ad lines, teaser lists and repeats."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from advisor.schemas import CleaningReport

# A line that ends the article: everything after it is page furniture (related links, widgets, site rules).
_FOOTER_START = re.compile(
    r"^\s*(推荐阅读|相关阅读|相关文章|延伸阅读|猜你喜欢|分享到朋友圈|<<:|>>:|"
    r"related (reading|articles|posts)|you may also like|lecturas? relacionadas?|art[ií]culos relacionados)",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d[- ]?\d{4}[- ]?\d{4}|\d{3,4}-\d{7,8}|400-?\d{3}-?\d{4})(?!\d)")
_MESSENGER_ID = re.compile(r"(微信|QQ|WeChat|VX|weixin)\s*[:：号]?\s*[A-Za-z0-9_-]*\d{5,}", re.IGNORECASE)
_AD_PHRASES = re.compile(
    r"(相关业务请拨打|请拨打电话|添加微信|联系我们的客服|客服进行咨询|小编|推广合作|联系“|联系\"|"
    r"以上就是关于.{0,40}的(回答|介绍|内容)|扫码|扫一扫|商务合作|免费咨询|call us|contact us|llámenos|contáctenos)",
    re.IGNORECASE,
)
_NAV_LINE = re.compile(r"^[A-Z]{2,12}\s+[\u4e00-\u9fff]{2,8}$")  # "HOME 首页", "CONTACT 联系我们"
_PAGE_META = re.compile(
    r"(发布时间|稿源|阅读\s*[:：]\s*\d|浏览\s*[:：]|来源\s*[:：]|作者\s*[:：]|本文目录|^\d{4}-\d{2}-\d{2}(\s+\d{1,2}:\d{2}(:\d{2})?)?$)"
)
_WIDGET = re.compile(
    r"^(收藏|评分|综合评分[:：]?|我的评分|立即兑换|复制链接|我知道了|考虑一下|点赞|分享|举报|"
    r"恭喜你.*|下一次认真读哦|成功推荐给其他人|很遗憾.*不足|确认要消耗.*|.*羽毛.*|发表文章\s*\d+|"
    r"source:\s*\|?|\|)$",
    re.IGNORECASE,
)
_TEASER = re.compile(r"^.{10,80}(\.\.\.|…)$")
_TEASER_RUN = 3  # consecutive teaser-shaped lines that make a teaser list
_SHORT_LINE = 100
_BREADCRUMB = re.compile(r"^[^.!?。！？]{2,80}( - [^.!?。！？]{2,80}){2,}$")
# A leading run of Title-Case words glued before the first sentence: a scraped table of contents.
_TITLE_RUN = re.compile(r"^((?:[A-Z][\w’'-]*\s+){6,}?)(?=[A-Z][a-z]*\s+[a-z])")
# "copiarIntroducción", "FrameworkBelow": a heading or menu glued to the next sentence.
_GLUED = re.compile(r"(?<=[a-záéíóúñ]{4})(?=[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{3,})")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?。！？;；])\s+|(?<=[。！？；])")
_MIN_REPEAT_CHARS = 12
_BYLINE_CHARS = 16  # a short unpunctuated line right above the footer: the author or column name


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


def _line_reason(line: str) -> str | None:
    """Reason to drop a whole short line, or None."""
    if _NAV_LINE.match(line):
        return "navigation"
    if len(line) < 60 and _PAGE_META.search(line):
        return "page_metadata"
    if len(line) < 40 and _WIDGET.match(line):
        return "widget"
    if not re.search(r"\w", line):
        return "punctuation_only"
    return None


def _is_ad(sentence: str) -> bool:
    return bool(_PHONE.search(sentence) or _MESSENGER_ID.search(sentence) or _AD_PHRASES.search(sentence))


def _dedupe_key(sentence: str) -> str:
    return re.sub(r"\W+", "", sentence.lower())


def _teaser_lines(lines: list[str]) -> set[int]:
    """Indexes of lines in runs (blank lines aside) of at least `_TEASER_RUN` truncated teaser links."""
    marked: set[int] = set()
    run: list[int] = []
    for index, line in enumerate([*lines, "end"]):
        if not line:
            continue
        if _TEASER.match(line):
            run.append(index)
            continue
        if len(run) >= _TEASER_RUN:
            marked.update(run)
        run = []
    return marked


def clean_text(raw: str, title: str = "") -> CleanResult:
    """Clean one scraped page; `title` lines are dropped from the body (the title is kept as metadata)."""
    result = CleanResult(text="")
    drop = result.removed.setdefault
    text = _GLUED.sub("\n", normalise(raw))
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    teasers = _teaser_lines(lines)

    kept: list[str] = []
    navigation: list[str] = []
    seen: set[str] = set()
    title_key = _dedupe_key(title)
    for index, line in enumerate(lines):
        if not line:
            continue
        if _FOOTER_START.match(line):
            while kept and len(kept[-1]) <= _BYLINE_CHARS and not re.search(r"[.!?。！？,，:：]", kept[-1]):
                drop("byline", []).append(kept.pop())
            drop("footer", []).extend(filter(None, lines[index:]))
            break
        reason = "teaser" if index in teasers else "navigation" if _BREADCRUMB.match(line) else None
        if len(line) < _SHORT_LINE and reason is None:
            if title_key and _dedupe_key(line) == title_key:
                reason = "title"
            elif any(line in nav for nav in navigation):
                reason = "navigation"
            else:
                reason = _line_reason(line)
        if reason:
            drop(reason, []).append(line)
            if reason == "navigation":
                navigation.append(line)
            continue
        if not kept:
            toc = _TITLE_RUN.match(line)
            if toc:
                drop("table_of_contents", []).append(toc.group(1).strip())
                line = line[toc.end() :]
        fresh = []
        for sentence in (s.strip() for s in _SENTENCE_SPLIT.split(line)):
            key = _dedupe_key(sentence)
            if not key:
                continue
            if _is_ad(sentence):
                drop("contact_or_ad", []).append(sentence)
            elif len(sentence) < 40 and _WIDGET.match(sentence):
                drop("widget", []).append(sentence)
            elif len(key) >= _MIN_REPEAT_CHARS and key in seen:
                drop("repeated", []).append(sentence)
            else:
                seen.add(key)
                fresh.append(sentence)
        if fresh:
            joiner = "" if all(_is_cjk_sentence(s) for s in fresh) else " "
            kept.append(joiner.join(fresh))
    result.text = "\n".join(kept)
    return result


def _is_cjk_sentence(sentence: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", sentence)) and not re.search(r"[A-Za-z]{4,}\s+[A-Za-z]{4,}", sentence)
