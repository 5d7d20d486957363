import pytest

from advisor.text.language import detect_language
from advisor.text.terms import fold, terms


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("如何提高用户留存", "zh"),
        ("How do I raise retention for a community product?", "en"),
        ("¿Cómo puedo aumentar la retención de usuarios?", "es"),
        ("Crea un plan para vender más fruta por internet", "es"),
        ("Plan the launch of a fruit stall's online shop", "en"),
    ],
)
def test_detects_the_three_languages(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_terms_fold_accents_and_case_and_drop_stopwords() -> None:
    assert fold("Operación") == "operacion"
    assert terms("¿Cómo mejorar la Retención?", "es") == ["mejorar", "retencion"]


def test_chinese_terms_use_word_segmentation() -> None:
    words = terms("如何提高用户留存率", "zh")
    assert "用户" in words
    assert "留存" in words
    assert "如何" not in words
