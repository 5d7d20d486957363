"""Streamed model text made safe as it arrives: [n] markers checked the moment they are complete and renumbered
in order of first use; links, images and bare URLs stripped. Nothing is held back but a marker (or a URL's
first letters) in progress."""

from __future__ import annotations

import re

_OPEN, _CLOSE = "[【", "]】"
_MARKER = re.compile(r"[\[【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]】]")
_MARKER_START = re.compile(r"[\[【]\s*(?:\d{1,3}(?:\s*[,，、]\s*(?:\d{1,3})?)*)?\s*$")
_URL_STARTS = ("https://", "http://", "www.")
_URL_END = re.compile(r"[\s)）\]」>\"'，。；！？]")


class MarkerFilter:
    """Feeds on model text pieces; returns what may go to the client, with markers renumbered.

    `passages` is how many passages the model was shown: a marker outside 1..passages is dropped. `cited` lists
    the model's passage numbers in the order the client's numbers give them ([1] is `cited[0]`).
    """

    def __init__(self, passages: int) -> None:
        self.passages = passages
        self.cited: list[int] = []
        self._pending = ""
        self._skip: str | None = None  # "url", "target" (a link's "(…)"), "image"
        self._open_link = False  # a "[" of link text was dropped; its "]" goes too
        self._last = " "  # the last character before the text being fed

    def client_number(self, passage: int) -> int:
        """The client's number for a model's passage number (assigned on first use)."""
        if passage not in self.cited:
            self.cited.append(passage)
        return self.cited.index(passage) + 1

    def feed(self, piece: str) -> str:
        """The part of everything fed so far that is now safe to show, not shown before."""
        text, self._pending = self._pending + piece, ""
        out: list[str] = []
        i = 0
        while i < len(text):
            if self._skip is not None:
                i = self._skipping(text, i)
                continue
            char = text[i]
            if char in _OPEN:
                match = _MARKER.match(text, i)
                if match is not None:
                    out.append(self._renumbered(match.group(1)))
                    i = match.end()
                    continue
                if _MARKER_START.match(text, i):  # a marker may be coming: wait for the rest
                    self._pending = text[i:]
                    break
                self._open_link = True  # link text: keep the words, drop the bracket
                i += 1
                continue
            if char == "!" and text.startswith("[", i + 1):
                self._skip, i = "image", i + 2
                continue
            if char == "!" and i + 1 == len(text):
                self._pending = "!"
                break
            if char in _CLOSE and self._open_link:
                self._open_link = False
                if text.startswith("(", i + 1):
                    self._skip = "target"
                    i += 2
                    continue
                if i + 1 == len(text):
                    self._pending = ""
                    self._skip = "maybe-target"
                i += 1
                continue
            before = text[i - 1] if i > 0 else self._last
            if not before.isalnum() and char in "hHwW":
                rest = text[i:].lower()
                if rest.startswith(_URL_STARTS):
                    self._skip = "url"
                    continue
                if any(start.startswith(rest) for start in _URL_STARTS):  # "htt…" at the end: wait
                    self._pending = text[i:]
                    break
            out.append(char)
            i += 1
        shown = "".join(out)
        self._last = shown[-1] if shown else self._last
        return shown

    def finish(self) -> str:
        """What is left at the end of the stream (an unfinished marker is dropped)."""
        pending, self._pending = self._pending, ""
        if pending and pending[0] in _OPEN:
            return ""
        return "" if self._skip is not None and self._skip != "maybe-target" else pending

    def _renumbered(self, numbers: str) -> str:
        valid = [int(n) for n in re.split(r"\s*[,，、]\s*", numbers) if 1 <= int(n) <= self.passages]
        return "".join(f"[{self.client_number(n)}]" for n in dict.fromkeys(valid))

    def _skipping(self, text: str, i: int) -> int:
        """Index after the skipped part of `text` from `i` (the skip may go on into the next piece)."""
        if self._skip == "maybe-target":  # a link's "]" ended the last piece: is a "(" next?
            self._skip = "target" if text[i] == "(" else None
            return i + 1 if self._skip else i
        if self._skip == "url":
            boundary = _URL_END.search(text, i)
            if boundary is None:
                return len(text)
            self._skip = None
            return boundary.start()
        closing = ")" if self._skip == "target" else "]"
        end = text.find(closing, i)
        if end < 0:
            return len(text)
        if self._skip == "image":  # "![alt]" then its "(target)"
            self._skip = "maybe-target"
        else:
            self._skip = None
        return end + 1
