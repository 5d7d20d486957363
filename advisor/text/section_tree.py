"""The section tree of a cleaned text: sections with their heading paths and parents, the lists they hold, and
how heading events found by `structure` nest into paths."""

from __future__ import annotations

from dataclasses import dataclass

from advisor.text.sentences import Span

_LABEL_CHARS = 80


@dataclass
class ParsedSection:
    """A section: its heading path (the document title excluded), the heading's span and its own text's span."""

    path: tuple[str, ...]
    heading: Span | None
    start: int
    end: int
    level: int
    parent: int | None


@dataclass
class ParsedList:
    """An enumeration: the section holding it, the sentence or heading that introduces it, its items' spans."""

    section: int
    lead: Span | None
    items: list[Span]


@dataclass
class Structure:
    """The structure of one cleaned text."""

    sections: list[ParsedSection]
    lists: list[ParsedList]
    sentences: list[Span]

    def section_at(self, position: int) -> int:
        """Index of the section whose own text holds `position`."""
        for index in range(len(self.sections) - 1, -1, -1):
            if self.sections[index].start <= position:
                return index
        return 0


def label(text: str) -> str:
    """A heading as shown in a path: one line, at most `_LABEL_CHARS` characters."""
    text = " ".join(text.split()).lstrip("#").strip()
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1].rstrip() + "…"


def build_sections(text: str, events: list[tuple[int, Span, tuple[str, int]]]) -> list[ParsedSection]:
    """Sections from heading events (start, heading span, key): a preamble first when text precedes every
    heading; Markdown levels nest by number, runs of one enumeration by identity, plain headings as siblings."""
    sections: list[ParsedSection] = []
    first = events[0][0] if events else len(text)
    if not events or text[:first].strip():
        sections.append(ParsedSection((), None, 0, first, 0, None))
    stack: list[tuple[tuple[str, int], str, int]] = []  # (key, label, section index)
    for number, (start, head, key) in enumerate(events):
        kind, value = key
        if kind == "md":
            while stack and (stack[-1][0][0] != "md" or stack[-1][0][1] >= value):
                stack.pop()
        elif kind == "plain":  # a sibling of the last unnumbered heading, else one level down
            plain = [i for i, entry in enumerate(stack) if entry[0][0] == "plain"]
            if plain:
                del stack[plain[-1] :]
        else:
            keys = [entry[0] for entry in stack]
            if key in keys:
                del stack[keys.index(key) :]
        parent = stack[-1][2] if stack else (0 if sections and sections[0].heading is None else None)
        stack.append((key, label(text[head[0] : head[1]]), len(sections)))
        end = events[number + 1][0] if number + 1 < len(events) else len(text)
        path = tuple(entry[1] for entry in stack)
        sections.append(ParsedSection(path, head, start, end, len(stack), parent))
    return sections
