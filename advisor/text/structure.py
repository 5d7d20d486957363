"""Document structure of cleaned text in any zh/en/es document: sections with heading paths, and lists.

Sections come from Markdown headings, numbered headings ("1.", "1、", "一、", "（一）", "第一步", "Step 2",
"Paso 2", "A.") and short unterminated lines followed by body text. A run of markers with the same style and
consecutive numbers is one enumeration; it heads sections when its items are short lines followed by body text
(or, inline in a long paragraph, when its items are long), and is a list otherwise. Enumerations inside a
paragraph ("1. … 2. …", "一是…二是…", "first, … second, …") are lists. Everything is found by general rules
on the text's shape; no rule knows a particular site or document.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from dataclasses import dataclass, field

from advisor.schemas import Language
from advisor.text.markers import Marker, find_markers
from advisor.text.section_tree import ParsedList, ParsedSection, Structure, build_sections
from advisor.text.sentences import Span, is_closed, sentence_spans, strip_span, text_size

_HEADING_SIZE = 120  # latin-equivalent characters (40 CJK)
_PLAIN_HEADING_SIZE = 90
_LOOSE_HEADING_SIZE = 60  # in a text of short unpunctuated lines, headings are shorter still
_BODY_SIZE = 60
_INLINE_SECTION_SIZE = 400  # mean item size above which an inline enumeration heads sections
_LOOSE_GAP = 600  # a marker preceded by a word only continues an enumeration this close
_ORDINAL_GAP = 1_500
_GLUE_WORDS = 12
_HEADINGISH_END = re.compile(r"[。.;；,，、!！]$")
_GLUE = re.compile(r"(?<=[a-záéíóúñü)\]”])\s+(?=[A-ZÁÉÍÓÚÑ¿¡][a-záéíóúñü]*(?:[\s,;:]|$))")
_COLON_HEAD = re.compile(r"^[^.!?。！？:：]{2,60}[:：]")


@dataclass
class _Run:
    style: str
    kind: str
    items: list[Marker]
    inline: bool = False
    extents: list[Span] = field(default_factory=list)
    headings: bool = False


def _lines(text: str) -> list[Span]:
    spans, start = [], 0
    for line in text.split("\n"):
        s, e = strip_span(text, start, start + len(line))
        if e > s:
            spans.append((s, e))
        start += len(line) + 1
    return spans


class _Parser:
    def __init__(self, text: str, language: Language) -> None:
        self.text = text
        self.language = language
        self.lines = _lines(text)
        self.line_starts = {s for s, _ in self.lines}
        self.heading_starts: set[int] = set()

    def line_of(self, position: int) -> Span:
        for s, e in self.lines:
            if s <= position < e or position == e:
                return s, e
        return position, position

    def size(self, span: Span) -> float:
        return text_size(self.text[span[0] : span[1]])

    # --- enumerations -------------------------------------------------------------------------------
    def track(self, markers: list[Marker]) -> list[_Run]:
        """Group markers into enumerations: same style, consecutive numbers, nested by a restart at 1."""
        runs: list[_Run] = []
        stack: list[_Run] = []
        for marker in markers:
            if marker.kind == "markdown":
                stack.clear()
                continue
            if not self._continue(stack, marker) and marker.number == 1 and (marker.strict or marker.kind == "ordinal"):
                run = _Run(marker.style, marker.kind, [marker], inline=marker.start not in self.line_starts)
                runs.append(run)
                stack.append(run)
        return [run for run in runs if len(run.items) >= 2]

    def _continue(self, stack: list[_Run], marker: Marker) -> bool:
        for depth in range(len(stack) - 1, -1, -1):
            run = stack[depth]
            if run.style != marker.style or not self._follows(run, marker):
                continue
            gap = marker.start - run.items[-1].start
            if not marker.strict and (depth != len(stack) - 1 or gap > _LOOSE_GAP):
                return False
            if run.kind == "ordinal" and gap > _ORDINAL_GAP:
                return False
            del stack[depth + 1 :]
            run.items.append(marker)
            run.inline = run.inline or marker.start not in self.line_starts
            if marker.number == -1:  # "finally", "最后": the enumeration ends here
                stack.pop()
            return True
        return False

    def _follows(self, run: _Run, marker: Marker) -> bool:
        if run.kind == "bullet":
            between = self.text[run.items[-1].start : marker.start]
            return marker.start in self.line_starts and between.count("\n") <= 2
        if marker.number == -1:
            return run.kind == "ordinal" and len(run.items) >= 2
        return marker.number == run.items[-1].last + 1

    def measure(self, runs: list[_Run]) -> None:
        """Each item's span: up to the next item; the last one as long as its siblings, nested items included."""
        for run in reversed(runs):  # nested enumerations come later in `runs`: measure them first
            starts = [m.start for m in run.items]
            run.extents = [strip_span(self.text, a, b) for a, b in itertools.pairwise(starts)]
            run.extents.append(self._last_extent(run, runs))

    def _last_extent(self, run: _Run, runs: list[_Run]) -> Span:
        last = run.items[-1]
        extra = [self.text[a:b].count("\n") for a, b in run.extents] or [0]
        end = self.line_of(last.start)[1]
        if run.inline and statistics.median(extra) < 1:  # items within one paragraph: as many sentences
            counts = [len(sentence_spans(self.text, self.language, a, b)) for a, b in run.extents] or [1]
            sentences = sentence_spans(self.text, self.language, last.start, end)
            wanted = min(max(1, int(statistics.median(counts))), len(sentences))
            end = sentences[wanted - 1][1] if sentences else end
        else:  # items of one or more lines each: as many lines
            starts = {m.start for r in runs for m in r.items}
            for _ in range(int(statistics.median(extra))):
                following = [s for s in self.lines if s[0] > end]
                if not following or following[0][0] in starts:
                    break
                end = following[0][1]
        for other in runs:  # items nested in the last item belong to it
            if other is not run and other.extents and last.start < other.items[0].start <= end + 1:
                end = max(end, other.extents[-1][1])
        return strip_span(self.text, last.start, end)

    def head(self, run: _Run, index: int) -> Span | None:
        """The heading part of an item: its line, or inline its first words up to "?", ":" or the glued body."""
        marker, (start, end) = run.items[index], run.extents[index]
        if not run.inline:
            line = self.line_of(marker.start)
            return (line[0], min(line[1], end)) if line[0] == marker.start else None
        line_end = self.line_of(marker.start)[1]
        if line_end <= end and text_size(self.text[start:line_end]) <= _HEADING_SIZE:
            return start, line_end  # the heading is the rest of its line
        sentences = sentence_spans(self.text, self.language, marker.end, end)
        if sentences and sentences[0][1] - start <= _HEADING_SIZE and self.text[sentences[0][1] - 1] in "?？":
            return start, sentences[0][1]
        window = self.text[marker.end : min(end, marker.end + 200)]
        colon = _COLON_HEAD.match(window)
        if colon:
            return start, marker.end + colon.end()
        glue = _GLUE.search(window)
        if glue and 1 <= len(window[: glue.start()].split()) <= _GLUE_WORDS:
            return start, marker.end + glue.start()
        return None

    def classify(self, run: _Run) -> None:
        if run.kind != "numbered":
            return
        if run.inline:
            run.headings = statistics.mean(self.size(e) for e in run.extents) >= _INLINE_SECTION_SIZE
            return
        judged = range(max(1, len(run.items) - 1))
        good = 0
        for index in judged:
            head = self.head(run, index)
            if head is None:
                continue
            heading = self.text[head[0] : head[1]]
            body = self.size(run.extents[index]) - self.size(head)
            if self.size(head) <= _HEADING_SIZE and not _HEADINGISH_END.search(heading) and body >= _BODY_SIZE:
                good += 1
        run.headings = good >= math.ceil(len(judged) / 2)

    # --- headings -----------------------------------------------------------------------------------
    def plain_headings(self, taken: list[Span]) -> list[Span]:
        """Short unterminated lines followed by longer body text (or by a numbered heading).

        In a text written one short unpunctuated line per phrase, such lines are the norm, not headings:
        there a heading must be followed by a punctuated sentence or a long line.
        """
        short = [line for line in self.lines if self.size(line) <= _PLAIN_HEADING_SIZE]
        loose = len(short) > 8 and sum(not is_closed(self.text[s:e]) for s, e in short) / len(short) > 0.4
        found = []
        for index, (s, e) in enumerate(self.lines):
            if any(a <= s < b for a, b in taken) or index + 1 >= len(self.lines):
                continue
            line = self.text[s:e]
            if self.size((s, e)) > _PLAIN_HEADING_SIZE or not re.search(r"\w", line) or is_closed(line):
                continue
            if re.search(r"[,，;；。!！?？、]|[呀吗呢吧啊哦嘛]$", line):
                continue  # a heading is one phrase, not clauses or speech
            following = self.lines[index + 1]
            body = self.size(following) > self.size((s, e)) * 1.5
            if loose and self.size((s, e)) > _LOOSE_HEADING_SIZE:
                continue
            if loose:
                body = is_closed(self.text[following[0] : following[1]]) or self.size(following) >= 150
            if body or following[0] in self.heading_starts:
                found.append((s, e))
        return found


def parse_structure(text: str, language: Language) -> Structure:
    """The outline of a cleaned text: sections in reading order (a preamble first when text precedes every
    heading), lists with their items, and sentence spans that never cross an item or heading boundary."""
    parser = _Parser(text, language)
    markers = find_markers(text)
    runs = parser.track(markers)
    parser.measure(runs)
    for run in runs:
        parser.classify(run)

    # (start, heading span, key); keys place a heading in the hierarchy
    events: list[tuple[int, Span, tuple[str, int]]] = []
    for marker in markers:
        if marker.kind == "markdown" and marker.start in parser.line_starts:
            events.append((marker.start, parser.line_of(marker.start), ("md", marker.number)))
    heading_runs = [run for run in runs if run.headings]
    for run_id, run in enumerate(heading_runs):
        for index, marker in enumerate(run.items):
            head = parser.head(run, index)
            if head is None:
                first = sentence_spans(text, language, marker.end, run.extents[index][1])
                head = (marker.start, first[0][1] if first else run.extents[index][1])
            events.append((marker.start, head, ("run", run_id)))
    parser.heading_starts = {start for start, _, _ in events}
    list_spans = [extent for run in runs if not run.headings for extent in run.extents]
    for span in parser.plain_headings(list_spans + [head for _, head, _ in events]):
        events.append((span[0], span, ("plain", 0)))
    events.sort()

    sections = build_sections(text, events)
    lists = _lists(parser, runs, sections)
    cuts = {m.start for run in runs for m in run.items}
    cuts |= {s.heading[1] for s in sections if s.heading}
    return Structure(sections, lists, sentence_spans(text, language, cuts=cuts))


def _lists(parser: _Parser, runs: list[_Run], sections: list[ParsedSection]) -> list[ParsedList]:
    outline = Structure(sections, [], [])
    lists = []
    text = parser.text
    for run in runs:
        if run.headings:
            continue
        first = run.items[0].start
        section_index = outline.section_at(first)
        section = sections[section_index]
        lead: Span | None = None
        before = [s for s in sentence_spans(text, parser.language, section.start, first) if s[1] <= first]
        if before and text[before[-1][1] - 1] in ":：":
            lead = before[-1]
        elif before and "\n" in text[before[-1][1] : first] and not is_closed(text[before[-1][0] : before[-1][1]]):
            lead = before[-1]  # an unpunctuated line just above the list ("互联网卖水果的形式有很多种")
        elif section.heading and not text[section.heading[1] : first].strip():
            lead = section.heading
        lists.append(ParsedList(section_index, lead, list(run.extents)))
    return lists
