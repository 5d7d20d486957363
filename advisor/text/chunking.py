"""Language-aware sentence splitting and packing of sentences into overlapping chunks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from advisor.schemas import Language

_ZH_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”」』）)]*|\n|$)")
_LATIN_SENTENCE = re.compile(r"(?<=[.!?;])[\"”’)\]]*\s+(?=[\"“¿¡(\[]?[A-ZÁÉÍÓÚÑ0-9])|\n+")
_ZH_CLOSED = re.compile(r"[。！？；!?;”」』）)]$")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def split_sentences(text: str, language: Language) -> list[str]:
    """Sentences of `text`: Chinese on 。！？； and line breaks, Spanish/English on sentence ends."""
    pieces: Iterable[str]
    if language == "zh":
        pieces = (match.group(0) for match in _ZH_SENTENCE.finditer(text))
    else:
        pieces = _LATIN_SENTENCE.split(text)
    return [piece.strip() for piece in pieces if piece and piece.strip()]


def text_size(text: str, cjk_weight: float) -> float:
    """Length in latin-equivalent characters: a CJK character carries about `cjk_weight` latin ones."""
    cjk = len(_CJK_CHAR.findall(text))
    return (len(text) - cjk) + cjk * cjk_weight


def _join(sentences: list[str], language: Language) -> str:
    if language != "zh":
        return " ".join(sentences)
    text = sentences[0] if sentences else ""
    for sentence in sentences[1:]:
        text += ("" if _ZH_CLOSED.search(text) else "\n") + sentence
    return text


def _split_long(sentence: str, size: int, cjk_weight: float) -> Iterator[str]:
    """Cut a sentence longer than a chunk at clause marks or spaces, else hard."""
    piece = ""
    for part in re.split(r"(?<=[,，、:：])|(?<= )", sentence):
        if piece and text_size(piece + part, cjk_weight) > size:
            yield piece.strip()
            piece = ""
        while text_size(part, cjk_weight) > size:
            cut = max(1, int(len(part) * size / text_size(part, cjk_weight)))
            yield part[:cut].strip()
            part = part[cut:]
        piece += part
    if piece.strip():
        yield piece.strip()


def chunk_text(text: str, language: Language, size: int, overlap: int, cjk_weight: float = 3.0) -> list[str]:
    """Pack whole sentences into chunks of at most `size`; each chunk repeats up to `overlap` of the previous."""
    units: list[str] = []
    for sentence in split_sentences(text, language):
        if text_size(sentence, cjk_weight) > size:
            units.extend(_split_long(sentence, size, cjk_weight))
        else:
            units.append(sentence)

    chunks: list[str] = []
    current: list[str] = []
    for unit in units:
        if current and text_size(_join([*current, unit], language), cjk_weight) > size:
            chunks.append(_join(current, language))
            carried: list[str] = []
            for previous in reversed(current):
                candidate = [previous, *carried]
                fits_overlap = text_size(_join(candidate, language), cjk_weight) <= overlap
                if not fits_overlap or text_size(_join([*candidate, unit], language), cjk_weight) > size:
                    break
                carried = candidate
            current = carried
        current.append(unit)
    if current:
        chunks.append(_join(current, language))
    return chunks
