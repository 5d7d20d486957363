"""LLM generators: a chat model writes Markdown with [n] markers, streamed and checked as it streams.

Answers: the text goes out as it is generated; markers are checked and renumbered on the fly
(`advisor.text.citing`), links stripped. When the text is complete, each cited sentence gets its quote
(`advisor.services.attribution`). Text in the wrong script stops the attempt early; text in the wrong language
(measured on the whole text) gets one repair round; then `GenerationError`, and the advisor falls back.

Plans (`advisor.services.chat_plan`): one request per stage, in order, each shown the passages that teach it
and constrained to a JSON schema by the server (a GBNF grammar in-process); each stage goes out as soon as its
items are checked and supported.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import closing

from advisor.backends.chat import ChatModel, Messages, Schema
from advisor.schemas import STAGES, Answer, Plan
from advisor.services.attribution import Attributor, without_repeats
from advisor.services.chat_plan import (
    STAGE_SCHEMA,
    STAGE_SHAPE,
    PlanWriter,
    WrongLanguage,
    parse_items,
    stage_passages,
    stage_task,
)
from advisor.services.generation import (
    AnswerRequest,
    Cited,
    Delta,
    Event,
    GenerationError,
    PlanRequest,
    Restart,
    drain,
)
from advisor.services.prompts import (
    ANSWER_SHAPE,
    ANSWER_TASK,
    LANGUAGE_NAMES,
    LANGUAGE_REPAIR,
    RULES,
    SUPPORT_REPAIR,
    format_passages,
    within,
    wrong_script,
)
from advisor.services.verification import text_outside_quotes
from advisor.text.citing import MarkerFilter
from advisor.text.language import detect_language


class ChatGenerator:
    """Answers and plans written by a chat model, streamed; one repair round for the language."""

    def __init__(self, name: str, model: ChatModel, attributor: Attributor, prompt_chars: int = 3_000) -> None:
        self.name = name
        self._model = model
        self._attributor = attributor
        self._prompt_chars = prompt_chars

    def _pieces(self, messages: Messages, schema: Schema | None = None) -> Generator[str, None, None]:
        """The model's text; its failures become `GenerationError`; closing this closes the upstream request."""
        try:
            stream = self._model.stream(messages, schema)
            try:
                yield from stream
            finally:
                getattr(stream, "close", lambda: None)()
        except GenerationError:
            raise
        except Exception as exc:  # an unreachable or failing model is a generation failure, not a crash
            raise GenerationError(f"{self.name}: {type(exc).__name__}: {str(exc)[:200]}") from exc

    @staticmethod
    def _messages(system: str, user: str, repair: str = "") -> Messages:
        """The request; a repair round ends it by saying what was wrong with the last reply."""
        user = f"{user}\n\n{repair}" if repair else user
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def answer(self, request: AnswerRequest) -> Answer:
        return drain(self.stream_answer(request))

    def plan(self, request: PlanRequest) -> Plan:
        return drain(self.stream_plan(request))

    def stream_answer(self, request: AnswerRequest) -> Iterator[Event | Answer]:
        language = request.language
        passages = within(request.passages, self._prompt_chars)
        system = RULES.format(language=LANGUAGE_NAMES[language]) + " " + ANSWER_SHAPE
        task = ANSWER_TASK[language].format(question=request.question)
        user = f"{format_passages(passages)}\n\n{task}"
        for attempt in range(2):
            markers = MarkerFilter(len(passages))
            text = ""
            repair = LANGUAGE_REPAIR[language] if attempt else ""
            pieces = self._pieces(self._messages(system, user, repair))
            with closing(pieces):
                for piece in pieces:
                    known = len(markers.cited)
                    shown = markers.feed(piece)
                    yield from (Cited(known + i + 1, passages[n - 1]) for i, n in enumerate(markers.cited[known:]))
                    if shown:
                        text += shown
                        yield Delta(shown)
                    if wrong_script(text, language):
                        break
            if tail := markers.finish():
                text += tail
                yield Delta(tail)
            if detect_language(text_outside_quotes(text)) == language and not wrong_script(text, language):
                cited = [passages[n - 1] for n in markers.cited]
                attributed = self._attributor.attribute(without_repeats(text), cited, language, passages)
                yield Answer(question=request.question, answer=attributed.text, language=language,
                             answerable=bool(attributed.citations), citations=attributed.citations,
                             generator=self.name, unsupported=attributed.unsupported)  # fmt: skip
                return
            if attempt == 0:
                yield Restart(f"the answer was not in {LANGUAGE_NAMES[language]}; asking again")
        raise GenerationError(f"{self.name}: the answer was not in {LANGUAGE_NAMES[language]} after one repair")

    def stream_plan(self, request: PlanRequest) -> Iterator[Event | Plan]:
        language = request.language
        writer = PlanWriter(self._attributor, language)
        system = RULES.format(language=LANGUAGE_NAMES[language]) + " " + STAGE_SHAPE
        for stage in STAGES:
            passages = stage_passages(request, stage, self._prompt_chars)
            user = f"{format_passages(passages)}\n\n{stage_task(request, stage, writer.steps)}"
            repair = ""
            for attempt in range(2):  # one repair round: for the language, or for points no passage supports
                pieces = self._pieces(self._messages(system, user, repair), STAGE_SCHEMA)
                with closing(pieces):
                    reply = "".join(pieces)
                try:
                    yield from writer.add(stage, parse_items(reply), passages)
                    break
                except WrongLanguage:
                    if attempt == 1:
                        wrong = f"the {stage} stage was not in {LANGUAGE_NAMES[language]}"
                        raise GenerationError(f"{self.name}: {wrong}") from None
                    repair = LANGUAGE_REPAIR[language]
                except GenerationError:
                    if attempt == 1:
                        raise
                    repair = SUPPORT_REPAIR[language]
        yield Plan(goal=request.goal, context=request.context, language=language, answerable=True,
                   steps=writer.steps, citations=writer.citations(), generator=self.name,
                   unsupported=writer.unsupported)  # fmt: skip
