"""Language identification with py3langid (its model ships in the package): offline and deterministic."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, cast

from advisor.schemas import LANGUAGES, Language

_LETTERS = re.compile(r"[^\W\d_]")
_CONFIDENT = 0.95  # a document is refused as another language only above this probability
_CONFIDENT_CHARS = 200


@cache
def _identifier(restricted: bool) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if restricted:
        identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> Language:
    """The most likely of zh/en/es; English for text without letters."""
    if not _LETTERS.search(text):
        return "en"
    return cast(Language, _identifier(True).classify(text)[0])


def foreign_language(text: str) -> str | None:
    """The language a long text is confidently written in when that is none of zh/en/es, else None."""
    if len(text) < _CONFIDENT_CHARS:
        return None
    language, probability = _identifier(False).classify(text)
    return None if language in LANGUAGES or probability < _CONFIDENT else str(language)
