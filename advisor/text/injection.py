"""Prompt-injection screening: sentences in the articles that address the model instead of the reader."""

from __future__ import annotations

import re

_PATTERNS = [
    # instructions to drop the rules
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|rules?|prompts?|guidelines)\b",
    r"\bignor[ae]\w*\b.{0,40}\b(instrucciones|reglas|indicaciones)\b",
    r"(忽略|无视|忘记|忽视).{0,20}(指令|规则|提示|要求|说明)",
    # role and system blocks, prompt disclosure
    r"<\s*/?\s*(system|assistant|user)\s*>",
    r"#{2,}\s*(system|sistema|系统)\b",
    r"\bsystem prompt\b|\bprompt (de|del) sistema\b|系统提示",
    # orders about what every answer must contain or how to reply
    r"\b(every|each|all|your) (answers?|responses?|repl(y|ies))\b",
    r"\b(at the end of|in) (the|your|every|each) (answer|reply|response)\b",
    r"\b(cada|todas las|tu) respuestas?\b",
    r"\b(al final de|en) (la|tu|cada) respuesta\b",
    r"(每个|每一个|所有|每条)(回答|回复|答案)",
    r"(回答|回复|答案).{0,12}(附上|加上|包含|写上|注明)",
    r"\b(reply|respond|answer|output) (only|exactly|with)\b",
    r"\bresponde\w* (solo|solamente|[uú]nicamente|con)\b",
    r"(只|仅)(回复|回答|输出)",
    r"\b(as an ai|language model|you are now|new instructions)\b",
    r"\b(eres|act[uú]a como) (un|una|el|la) (asistente|modelo)\b",
    # notes addressed to the machine that reads or condenses the page
    r"\b(for|to|dear|attention|any|every)\b.{0,10}\b(ai|llm|chatbot|gpt)s?\b.{0,12}\b(assistants?|models?|tools?|agents?)\b",
    r"\b(summari[sz]\w*|condens\w*) (tools?|software|assistants?|bots?)\b",
    r"\b(software|tools?|assistants?|bots?) (that|which) (quotes?|condenses?|summari[sz]es?)\b",
    r"\byour (summary|summaries)\b",
    r"\binstructions (it|you|they) (was|were|have been) given\b",
    r"\b(cualquier|todo|toda|querid[oa]) (asistente|herramienta|modelo|programa)\b",
    r"\b(herramientas?|programas?) de resumen\b|\btus? (resumen|res[uú]menes)\b",
    r"(致|给|各位|任何|所有).{0,4}(ai|人工智能|大模型)(助手|助理|工具|模型)|摘要(工具|软件|程序)|你的(摘要|总结)",
    # links and images, which the advisor never needs to repeat
    r"!\[[^\]]*\]\(",
    r"\[[^\]]+\]\([^)]*\)",
    r"https?://|www\.",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.I)


def looks_like_injection(sentence: str) -> bool:
    """Whether a sentence gives orders to the model, carries a role block, or holds a link or an image."""
    return _INJECTION.search(sentence) is not None


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>\"'」”»]*[^\s)\]>\"'」”».,;:!?。，]", re.I)


def screen(text: str, sentences: list[str]) -> str:
    """`text` without the given sentences that look like injections (the rest stays verbatim)."""
    for sentence in sentences:
        if looks_like_injection(sentence):
            text = text.replace(sentence, " ")
    return text


def strip_links(text: str) -> str:
    """Output text without images, link targets or bare URLs (the advisor's answers never need them)."""
    return _URL.sub("", _LINK.sub(r"\1", _IMAGE.sub("", text)))


def links_in(text: str) -> set[str]:
    """Every bare or markdown link target in `text`."""
    return set(_URL.findall(text))
