import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.text.chunking import chunk_text, split_sentences, text_size


def test_chinese_splits_on_full_stops_and_line_breaks() -> None:
    text = "第一句。第二句！第三句？第四句；第五句\n第六句"
    assert split_sentences(text, "zh") == ["第一句。", "第二句！", "第三句？", "第四句；", "第五句", "第六句"]


def test_latin_splits_on_sentence_ends() -> None:
    text = "First one. Second one? ¿Tercera frase? Yes! e.g. lower case keeps going."
    assert split_sentences(text, "es") == [
        "First one.",
        "Second one?",
        "¿Tercera frase?",
        "Yes! e.g. lower case keeps going.",
    ]


def test_chunks_never_cut_a_sentence_and_respect_size() -> None:
    sentences = [f"Sentence number {i} talks about retention and growth." for i in range(40)]
    chunks = chunk_text(" ".join(sentences), "en", size=200, overlap=60)
    assert all(text_size(c, 3) <= 200 for c in chunks)
    for chunk in chunks:
        assert all(s in sentences for s in split_sentences(chunk, "en"))


def test_consecutive_chunks_overlap_by_whole_sentences() -> None:
    sentences = [f"Sentence {i} is here." for i in range(30)]
    chunks = chunk_text(" ".join(sentences), "en", size=100, overlap=30)
    for previous, current in itertools.pairwise(chunks):
        assert split_sentences(current, "en")[0] in split_sentences(previous, "en")


def test_cjk_characters_weigh_more() -> None:
    assert text_size("运营", 3.0) == 6
    assert text_size("ops", 3.0) == 3


def test_an_overlong_sentence_is_cut_at_clauses() -> None:
    sentence = "，".join(["这是一个很长的分句"] * 30) + "。"
    chunks = chunk_text(sentence, "zh", size=90, overlap=0)
    assert len(chunks) > 1
    assert all(text_size(c, 3) <= 90 for c in chunks)
    assert "".join(chunks) == sentence


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abcdefgh 运营增长", min_size=1, max_size=40), min_size=1, max_size=30))
def test_every_sentence_lands_in_some_chunk(words: list[str]) -> None:
    text = " ".join(w.strip() + "." for w in words if w.strip())
    chunks = chunk_text(text, "en", size=80, overlap=20)
    joined = " ".join(chunks)
    for sentence in split_sentences(text, "en"):
        if text_size(sentence, 3) <= 80:
            assert sentence in joined
