"""What may be quoted as evidence: sentences that say something, not leads, headings, questions or fragments."""

from __future__ import annotations

import pytest

from advisor.text.quality import junk_reason


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Finally, to define a task well we need to master three rules:", "lead"),
        ("研究社的运营工作可以分为以下两大部分:", "lead"),
        ("Para fidelizar a los socios del gimnasio hay tres palancas:", "lead"),
        ("How do you keep members coming back every week?", "question"),
        ("¿Cómo se mide la retención de una comunidad?", "question"),
        ("Weekly review", "heading"),
        ("提升复购率。", "fragment"),
        ("Scan the QR code to follow our account and get the template.", "promotion"),
    ],
)
def test_sentences_that_say_nothing_alone_are_not_quoted(sentence: str, reason: str) -> None:
    assert junk_reason(sentence) == reason


@pytest.mark.parametrize(
    "sentence",
    [
        "Send new members a short welcome message with the group rules on their first day.",
        "新人入群时发一份简短的群规,并在第一周内安排一次破冰活动。",
        "Mide la retención por cohortes semanales y compara cada cohorte con la anterior.",
        "The ratio is 3:1 for repeat orders against first orders in the second month.",
    ],
)
def test_advice_is_quotable(sentence: str) -> None:
    assert junk_reason(sentence) is None
