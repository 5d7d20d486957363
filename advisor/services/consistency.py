"""The index's parts kept in agreement: the lexical index loaded from the stored postings, a repair after a
write that was killed midway, and a follower that applies other servers' writes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from pydantic import BaseModel

from advisor.backends.embeddings import PrimedEmbeddings
from advisor.backends.state import IndexState
from advisor.backends.state_schema import Intent, Postings
from advisor.backends.store import ChunkStore
from advisor.schemas import Chunk, DocumentOutline, Language
from advisor.services.documents import contextual_text
from advisor.services.lexical import LexicalIndex
from advisor.services.sections import SectionIndex
from advisor.text.terms import terms

log = logging.getLogger("advisor.state")


class RepairReport(BaseModel):
    """What a repair changed (all zero when the index was consistent)."""

    finished: int = 0  # document writes that had written all their chunks: completed
    undone: int = 0  # document writes that had not: their new chunks removed, the old version kept
    orphan_vectors: int = 0  # vectors without a record, deleted
    lost_records: int = 0  # records without a vector, forgotten
    stale_postings: int = 0  # lexical entries without a record, deleted
    missing_postings: int = 0  # records without lexical entries, tokenised again


def load_lexical(state: IndexState) -> tuple[LexicalIndex, int]:
    """The lexical index of every recorded chunk, from the stored postings, and the change-log version it
    reflects (read first: changes logged while loading are applied again, harmlessly)."""
    version = state.version()
    lexical = LexicalIndex()
    recorded = {key for keys in state.groups().values() for key in keys}
    for entry in state.postings().values():
        if entry.chunk_id in recorded:
            lexical.add(entry.chunk_id, _language(entry.language), entry.source, entry.terms)
    return lexical, version


def repair(state: IndexState, store: ChunkStore, lexical: LexicalIndex, sections: SectionIndex) -> RepairReport:
    """Make the store, the records, the lexical postings and the outlines agree (see `RepairReport`). The caller
    holds the index against every writer."""
    report = RepairReport()
    for intent in state.intents():
        _settle(intent, (state, store, lexical, sections), report)
    recorded = {key for keys in state.groups().values() for key in keys}
    stored = {chunk.chunk_id: chunk for chunk in store.iter_chunks()}
    orphans = [chunk_id for chunk_id in stored if chunk_id not in recorded]
    if orphans:
        store.delete(orphans)
        report.orphan_vectors = len(orphans)
    lost = [key for key in recorded if key not in stored]
    if lost:
        state.records.delete_keys(lost)
        report.lost_records = len(lost)
    kept = recorded - set(lost)
    postings = state.postings()
    stale = [chunk_id for chunk_id in postings if chunk_id not in kept]
    state.delete_postings(stale)
    lexical.remove(stale)
    report.stale_postings = len(stale)
    missing = []
    for chunk_id in kept - set(postings):
        chunk = stored[chunk_id]
        missing.append(Postings(chunk_id, chunk.language, chunk.source, terms(contextual_text(chunk), chunk.language)))
    state.save_postings(missing)
    for entry in missing:
        lexical.add(entry.chunk_id, _language(entry.language), entry.source, entry.terms)
    report.missing_postings = len(missing)
    if report != RepairReport():
        log.warning("index repaired: %s", report.model_dump())
    return report


def restore_vectors(store: ChunkStore, embeddings: PrimedEmbeddings, languages: Sequence[Language],
                    header_weight: float) -> int:  # fmt: skip
    """Embed the stored chunks of `languages` again, as an ingest embeds them, and write their vectors back
    (after their vector segments were found broken and cleared); returns how many."""

    def vectors_for(chunks: list[Chunk]) -> list[list[float]]:
        texts = [chunk.text for chunk in chunks]
        embeddings.prime(texts, {chunk.text: contextual_text(chunk) for chunk in chunks}, header_weight)
        try:
            return embeddings.embed_documents(texts)
        finally:
            embeddings.forget()

    restored = sum(store.restore_vectors(language, vectors_for) for language in languages)
    log.warning("vectors restored after an unclean stop: %d chunks of %s", restored, ", ".join(languages) or "-")
    return restored


def _settle(intent: Intent, parts: tuple[IndexState, ChunkStore, LexicalIndex, SectionIndex],
            report: RepairReport) -> None:  # fmt: skip
    """Finish a document write whose new chunks are all in (a delete always finishes), else undo it."""
    state, store, lexical, sections = parts
    recorded = set(state.records.list_keys(group_ids=[intent.source]))
    new = set(intent.new_ids)
    complete = new <= recorded & {chunk.chunk_id for chunk in store.get(sorted(new))}
    # Finished: drop what the write replaced. Undone: drop what it added; the old version is still whole, since
    # the indexing API removes replaced chunks only after every new one is in.
    drop = sorted(recorded - new if complete else (new | recorded) - set(intent.old_ids))
    store.delete(drop)
    state.records.delete_keys(drop)
    state.delete_postings(drop)
    lexical.remove(drop)
    if complete and intent.outline is None:
        state.delete_outline(intent.source)
        sections.remove(intent.source)
    elif complete and intent.outline is not None:
        state.save_outline(intent.source, intent.outline, intent.line_keys)
        sections.put(DocumentOutline.model_validate_json(intent.outline))
    report.finished += complete
    report.undone += not complete
    state.end(intent.source)


class StateFollower:
    """Applies the changes other servers log to this server's lexical index and outlines: polled every
    `interval` seconds in a background thread, so another server's write shows within about that time."""

    def __init__(self, state: IndexState, lexical: LexicalIndex, sections: SectionIndex, version: int,
                 interval: float = 0.25) -> None:  # fmt: skip
        self._state = state
        self._lexical = lexical
        self._sections = sections
        self.version = version
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start following in a daemon thread."""
        self._thread = threading.Thread(target=self._run, name="advisor-state-follower", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.catch_up()
            except Exception:  # a database hiccup: try again at the next tick
                log.exception("could not read the index's change log")

    def catch_up(self) -> int:
        """Apply the changes logged since the last call; returns how many there were."""
        changes = self._state.changes(self.version)
        if not changes:
            return 0
        chunk_ids = list(dict.fromkeys(c.key for c in changes if c.kind == "chunk"))
        sources = list(dict.fromkeys(c.key for c in changes if c.kind == "outline"))
        postings = self._state.postings(chunk_ids)
        # Only what differs is applied (a chunk id names fixed content): this server's own writes, logged too,
        # change nothing, and searches running meanwhile never miss a chunk.
        gone = [chunk_id for chunk_id in chunk_ids if chunk_id not in postings and self._lexical.contains(chunk_id)]
        if gone:
            self._lexical.remove(gone)
        for entry in postings.values():
            if not self._lexical.contains(entry.chunk_id):
                self._lexical.add(entry.chunk_id, _language(entry.language), entry.source, entry.terms)
        outlines = self._state.outlines(sources)
        for source in sources:
            current = self._sections.outline(source)
            if source in outlines:
                outline = DocumentOutline.model_validate_json(outlines[source])
                if outline != current:
                    self._sections.put(outline)
            elif current is not None:
                self._sections.remove(source)
        self.version = changes[-1].seq
        return len(changes)

    def stop(self) -> None:
        """Stop following."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _language(code: str) -> Language:
    return code  # type: ignore[return-value]  # stored from a Chunk's language
