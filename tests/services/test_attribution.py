"""Quotes attributed to model-written text: the supporting sentence of the cited passage, verbatim, or a report."""

from __future__ import annotations

from advisor.backends.embeddings import FakeEmbeddings
from advisor.schemas import Chunk
from advisor.services.attribution import Attributor, without_repeats
from advisor.services.vectors import VectorCache


def _chunk(chunk_id: str, text: str, language: str = "en") -> Chunk:
    return Chunk(chunk_id=chunk_id, source=f"doc-{chunk_id}", language=language, title="t", position=0, text=text)  # type: ignore[arg-type]


FUNNEL = _chunk(
    "a",
    "Traffic always comes first for a new shop. Conversion turns visitors into buyers. "
    "Repeat buyers keep the shop alive.",
)
MEMBERS = _chunk("b", "Members earn points for every order. Levels unlock discounts for loyal members.")
CHINESE = _chunk("c", "建立会员成长体系，利用会员等级进行分层运营。社群需要持续输出对成员有价值的内容。", "zh")
ATTRIBUTOR = Attributor(VectorCache(FakeEmbeddings(256)), floor=0.8)


def test_each_cited_sentence_gets_its_supporting_sentence_verbatim() -> None:
    text = "- Conversion turns visitors into buyers [1]\n- Levels unlock discounts for loyal members [2]"
    result = ATTRIBUTOR.attribute(text, [FUNNEL, MEMBERS], "en")
    assert result.text == text
    assert [c.quote for c in result.citations] == [
        "Conversion turns visitors into buyers.",
        "Levels unlock discounts for loyal members.",
    ]
    assert result.citations[0].supports == ["Conversion turns visitors into buyers"]
    assert not result.unsupported


def test_a_misnumbered_marker_moves_to_the_passage_that_supports_it() -> None:
    text = "- Members earn points for every order [1]"
    result = ATTRIBUTOR.attribute(text, [FUNNEL], "en", shown=[FUNNEL, MEMBERS])
    assert result.text == text
    assert [c.chunk_id for c in result.citations] == ["b"]


def test_an_unsupported_claim_loses_its_marker_and_is_reported() -> None:
    text = "- Repeat buyers keep the shop alive [1]\n- Notarised llama permits halve tax filings [1]"
    result = ATTRIBUTOR.attribute(text, [FUNNEL], "en", shown=[FUNNEL, MEMBERS])
    assert result.text == "- Repeat buyers keep the shop alive [1]\n- Notarised llama permits halve tax filings"
    assert [u.sentence for u in result.unsupported] == ["Notarised llama permits halve tax filings"]
    assert result.citations[0].supports == ["Repeat buyers keep the shop alive"]


def test_an_unmarked_supported_sentence_gets_a_marker_and_a_line_opening_marker_cites_its_own_line() -> None:
    text = (
        "[1] 建立会员成长体系，利用会员等级进行分层运营。\n[2] 社群需要持续输出对成员有价值的内容。\n"
        "- Traffic always comes first for a new shop."
    )
    result = ATTRIBUTOR.attribute(text, [CHINESE, CHINESE], "zh", shown=[CHINESE, FUNNEL])
    assert result.text.splitlines() == [
        "[1] 建立会员成长体系，利用会员等级进行分层运营。",
        "[1] 社群需要持续输出对成员有价值的内容。",
        "- Traffic always comes first for a new shop. [2]",
    ]
    assert (
        result.citations[0].quote == "建立会员成长体系，利用会员等级进行分层运营。社群需要持续输出对成员有价值的内容。"
    )
    assert result.citations[1].chunk_id == "a"


def test_repeated_lines_are_dropped() -> None:
    assert without_repeats("- A point [1]\n\n- A point [2]\n\n\n- Another [1]") == "- A point [1]\n\n- Another [1]"


def test_a_sentence_unfit_to_quote_is_never_the_supporting_quote() -> None:
    chunk = _chunk("q", "怎样提高社群用户的留存率呢？社群需要持续输出对成员有价值的内容。", "zh")
    span = ATTRIBUTOR.supports(["怎样提高社群用户的留存率呢？"], chunk)[0]
    assert span is None or chunk.text[span[0] : span[1]] == "社群需要持续输出对成员有价值的内容。"


def test_a_numbered_list_item_may_support_a_claim_though_it_is_short() -> None:
    chunk = _chunk("l", "有四种模式可以选择，各有利弊。\n1、传统电商:淘宝天猫拼多多\n2、微商:朋友圈带货", "zh")
    span = ATTRIBUTOR.supports(["1、传统电商:淘宝天猫拼多多"], chunk)[0]
    assert span is not None and chunk.text[span[0] : span[1]].strip() == "1、传统电商:淘宝天猫拼多多"
