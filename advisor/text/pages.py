"""Which page a passage of a paged document (a PDF) starts on, found by its words in the page texts."""

from __future__ import annotations

from bisect import bisect_right

from advisor.text.cleaning import line_key

_KEY_CHARS = 24


class PageLocator:
    """Pages of passages taken in reading order from the cleaned text of a document whose raw text has
    page breaks (cleaning drops and joins lines, so offsets cannot be carried over)."""

    def __init__(self, raw: str, breaks: list[int]) -> None:
        keys: list[str] = []
        self._starts: list[int] = []
        size = 0
        for start, end in zip([0, *breaks], [*breaks, len(raw)], strict=True):
            self._starts.append(size)
            key = line_key(raw[start:end])
            keys.append(key)
            size += len(key)
        self._keys = "".join(keys)
        self._cursor = 0

    def page(self, text: str) -> int:
        """The 1-based page where `text` starts (the current page when its words cannot be found)."""
        key = line_key(text)[:_KEY_CHARS]
        found = self._keys.find(key, self._cursor) if key else -1
        if found >= 0:
            self._cursor = found
        return bisect_right(self._starts, self._cursor)
