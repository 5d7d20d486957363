"""Arrays of a JSON object that is still being streamed, each handed over as soon as it is complete."""

from __future__ import annotations

import json
from typing import Any


class ObjectArrays:
    """Feeds on the text of one JSON object; returns each top-level `"key": [...]` member once it is closed.

    Raises `ValueError` when a closed array is not valid JSON.
    """

    def __init__(self) -> None:
        self._text = ""
        self._at = 0
        self._depth = 0
        self._in_string = False
        self._escaped = False
        self._string_start = 0
        self._last_key: str | None = None
        self._array_start: int | None = None
        self._array_key: str | None = None

    def feed(self, piece: str) -> list[tuple[str | None, Any]]:
        """The members completed by `piece`, in order."""
        self._text += piece
        done: list[tuple[str | None, Any]] = []
        text = self._text
        while self._at < len(text):
            char = text[self._at]
            if self._in_string:
                if self._escaped:
                    self._escaped = False
                elif char == "\\":
                    self._escaped = True
                elif char == '"':
                    self._in_string = False
                    if self._depth == 1:
                        self._last_key = json.loads(text[self._string_start : self._at + 1])
            elif char == '"':
                self._in_string, self._string_start = True, self._at
            elif char in "[{":
                if self._depth == 1 and char == "[":
                    self._array_start, self._array_key = self._at, self._last_key
                self._depth += 1
            elif char in "]}":
                self._depth -= 1
                if self._depth == 1 and char == "]" and self._array_start is not None:
                    done.append((self._array_key, json.loads(text[self._array_start : self._at + 1])))
                    self._array_start = None
            self._at += 1
        return done
