"""Language detection for the three supported languages (zh, en, es), deterministic and offline."""

from __future__ import annotations

import re

from advisor.schemas import Language

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-záéíóúüñ]+")
_SPANISH_MARKS = re.compile(r"[áéíóúñ¿¡]")
_SPANISH_WORDS = frozenset(
    "el la los las de del que y en un una por para con como es son se su sus al lo más "
    "qué cómo cuál cuáles cuándo dónde por qué pero también mi tu hay está están ser puedo "
    "debo tiene tienen usuarios operación operaciones negocio".split()
)
_ENGLISH_WORDS = frozenset(
    "the a an of and to in is are was for on with as by that this it be or from what how "
    "which when where why do does can should i my our we you your users operations business".split()
)


def cjk_ratio(text: str) -> float:
    """Share of the non-space characters that are CJK ideographs."""
    visible = sum(1 for ch in text if not ch.isspace())
    return len(_CJK.findall(text)) / visible if visible else 0.0


def detect_language(text: str) -> Language:
    """Best guess among zh/en/es; English when nothing points elsewhere."""
    if cjk_ratio(text) >= 0.15:
        return "zh"
    lowered = text.lower()
    words = _LATIN_WORD.findall(lowered)
    spanish = sum(w in _SPANISH_WORDS for w in words) + 2 * len(_SPANISH_MARKS.findall(lowered))
    english = sum(w in _ENGLISH_WORDS for w in words)
    return "es" if spanish > english else "en"
