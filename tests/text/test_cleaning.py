from advisor.services.documents import prepare, read_documents
from advisor.settings import PROJECT_ROOT, ChunkingSettings
from advisor.text.cleaning import clean_text
from tests.conftest import CORPUS

FORBIDDEN = ["175-8598-2043", "1454722008", "HOME 首页", "推荐阅读", "分享到朋友圈"]


def corpus_chunks() -> list[str]:
    return [c.text for d in read_documents([CORPUS]) for c in prepare(d, ChunkingSettings()).chunks]


def test_real_corpus_chunks_have_no_page_furniture() -> None:
    chunks = corpus_chunks()
    assert len(chunks) > 100
    for needle in FORBIDDEN:
        assert not [c for c in chunks if needle in c], needle


def test_real_corpus_chunks_are_distinct() -> None:
    chunks = corpus_chunks()
    assert len(chunks) == len(set(chunks))


def test_a_page_scraped_twice_keeps_its_text_once_and_drops_the_editors_introduction() -> None:
    raw = (CORPUS / "ops-core-capabilities.es.txt").read_text(encoding="utf-8")
    result = clean_text(raw)
    assert result.text.count("Mirando hacia atrás en los últimos tres años") == 1
    assert len(result.removed["repeated"]) > 10
    assert "Introducción del editor" not in result.text and result.removed["editor_intro"]


def test_contact_lines_and_footers_are_reported() -> None:
    raw = (
        "HOME 首页\n正文第一句。\n相关业务请拨打电话:138-0000-1234,或添加微信:12345678\n"
        "正文第二句。\n推荐阅读:\n别的文章"
    )
    result = clean_text(raw)
    assert result.text == "正文第一句。\n正文第二句。"
    assert result.removed["navigation"] == ["HOME 首页"]
    assert result.removed["footer"] == ["推荐阅读:", "别的文章"]
    assert len(result.removed["contact"]) == 1


def test_only_the_ad_sentence_of_a_long_paragraph_is_removed() -> None:
    body = "Retention is the core metric of a community product. " * 3
    raw = body + "For business, call us at 138-0000-1234. Keep users by staying in touch with them."
    result = clean_text(raw)
    assert "138-0000-1234" not in result.text
    assert "Keep users by staying in touch with them." in result.text


def test_teaser_lists_and_title_of_contents_runs_are_removed() -> None:
    raw = (
        "Primary Operations Workflow Advanced Operations Workflow Primary Status In a broad sense, operations "
        "is all manual work around a product.\n"
        "First teaser line about something...\nSecond teaser line about another...\nThird teaser line here..."
    )
    result = clean_text(raw)
    assert result.text == "In a broad sense, operations is all manual work around a product."
    assert len(result.removed["teaser"]) == 3


def test_content_that_only_looks_like_site_text_is_kept() -> None:
    advice = [
        "羽毛球馆的会员续费率提升到了60%。",
        "门店用扫码点餐之后，顾客点单时间缩短了一半。",
        "Add a clear 'contact us' button to the pricing page so that hesitant buyers can ask before they leave.",
        "流量来源:朋友圈占四成,其次是社群和门店海报。",
        "Invite readers to subscribe to your weekly newsletter at the end of every guide.",
        "Los clientes escanean el código QR de la mesa para ver la carta y pedir.",
    ]
    result = clean_text("\n".join(advice))
    for line in advice:
        assert line in result.text, (line, result.removed)


def test_no_cleaning_rule_names_a_page_of_the_corpus() -> None:
    source = "".join(
        (PROJECT_ROOT / "advisor" / "text" / name).read_text(encoding="utf-8")
        for name in ("cleaning.py", "promotion.py")
    )
    for marker in ("羽毛", "<<:", "发表文章", "丰车", "创意岭", "超运营思维", "FengChe"):
        assert marker not in source
