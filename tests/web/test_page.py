"""The web page in real headless Chromium against `advisor serve`: ask, citations, declines, plans with the growth
chart, the growth form's errors, documents with admin and reader keys, hostile passages, error messages, keyboard,
contrast, a 375 px screen, load time, asset size and the Content-Security-Policy."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.web.conftest import ADMIN, READER, UPLOAD_LIMIT
from tests.web.page import Page

pytestmark = pytest.mark.browser

QUESTIONS = {
    "zh": "运营工作可以拆成哪四个核心环节?",
    "en": "How do I improve retention for a community product?",
    "es": "¿Qué capacidades básicas necesita un operador de Internet?",
}
HOSTILE = """Escaping notes for the web team

When a passage quotes markup such as <script>window.__pwned = 1</script> the page must show it as plain text.

An image tag like <img src="x" onerror="window.__pwned = 2"> must never become a running handler on the page.
"""
UNIQUE = """# Moonberry tea club onboarding

The moonberry tea club sends every new member a tasting card with three sample sachets in the first week.

## Second month

In the second month the moonberry club invites members to a video tasting session with the head blender.
"""


@pytest.fixture
def page(browser: Any, served: str) -> Page:
    return Page(browser, served)


def _api(served: str, method: str, path: str, key: str = READER, **kwargs: Any) -> Any:
    response = httpx.request(method, served + path, headers={"Authorization": f"Bearer {key}"}, timeout=120, **kwargs)
    response.raise_for_status()
    return response.json()


@pytest.mark.parametrize("language", ["zh", "en", "es"])
def test_ask_streams_sources_first_then_the_answer_the_api_gives(page: Page, served: str, language: str) -> None:
    page.open(READER, language)
    page.ask(QUESTIONS[language])
    assert page.notice() == ""
    order = page.driver.execute_script("return window.__order;")
    assert order == ["sources", "text"], order
    assert page.all("#ask-source-list li") and not page.find("#ask-declined").is_displayed()
    answer = _api(served, "POST", "/v1/ask", json={"question": QUESTIONS[language]})
    assert " ".join(page.text("#ask-text").split()) == " ".join(answer["answer"].split())
    assert page.find("html").get_attribute("lang") == language and page.text("#ask-answer-title") == page.t("answer")
    page.screenshot(f"ask-{language}-desktop")


def test_a_citation_opens_its_passage_with_the_quote_highlighted(page: Page, served: str) -> None:
    page.open(READER, "en")
    page.ask(QUESTIONS["en"])
    answer = _api(served, "POST", "/v1/ask", json={"question": QUESTIONS["en"]})
    first = page.all("#ask-text button.citation")[0]
    number = int(first.text.strip("[]"))
    cited = answer["citations"][number - 1]
    first.click()
    page.wait(lambda: page.find("#passage").is_displayed())
    chunk = _api(served, "GET", f"/v1/chunks/{cited['chunk_id']}")
    assert page.text("#passage-text mark") == cited["quote"]
    assert page.text("#passage-text") == chunk["text"]
    assert chunk["section"] in page.text("#passage-meta") and "English" in page.text("#passage-meta")
    page.screenshot("citation-passage")
    page.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.wait(lambda: not page.find("#passage").is_displayed())
    assert page.driver.switch_to.active_element == first  # focus returns to the citation


def test_an_out_of_scope_question_is_shown_as_declined(page: Page) -> None:
    page.open(READER, "en")
    page.ask("How do I register a trademark for my shop name in China?")
    assert page.find("#ask-declined").is_displayed()
    assert page.text("#ask-declined") == page.t("declined")


def test_a_plan_shows_five_stages_in_order_and_the_growth_chart(page: Page) -> None:
    page.open(READER, "zh")
    page.tab("plan")
    goal = "为学校门口的水果摊制定线上化运营方案,每天路过300人,转化率5%,复购率30%,转介绍率10%,目标每天卖20斤"
    page.fill("#goal", goal)
    page.find("#plan-form button[type=submit]").click()
    page.wait(lambda: page.text("#plan-status") == page.t("done") or page.notice())
    assert page.notice() == ""
    stages = [item.get_attribute("data-stage") for item in page.all("#plan-steps > li")]
    assert stages == ["pest", "business_model", "metrics", "strategy", "tactics"]
    assert all(step.find_elements(By.CSS_SELECTOR, "button.citation") for step in page.all("#plan-steps > li"))
    assert page.find("#plan-growth").is_displayed()
    for series in ("trajectory", "target", "article"):
        assert page.all(f"#plan-growth svg [data-series={series}]"), series
    assert len(page.all("#plan-growth tbody tr")) >= 3  # the levers
    page.screenshot("plan-zh-desktop")


def test_invalid_growth_input_is_shown_beside_its_field(page: Page) -> None:
    page.open(READER, "es")
    page.tab("growth")
    page.fill("#growth-conversion", "1.5")
    page.find("#growth-form button[type=submit]").click()
    page.wait(lambda: page.find("#growth-conversion-error").is_displayed())
    assert "1" in page.text("#growth-conversion-error")
    assert page.find("#growth-conversion").get_attribute("aria-invalid") == "true"
    assert page.driver.switch_to.active_element == page.find("#growth-conversion")
    assert not page.find("#growth-traffic-error").is_displayed()
    page.fill("#growth-conversion", "0.05")
    page.fill("#growth-traffic", "0")  # no first purchases: an error of the whole form, not of one field
    page.find("#growth-form button[type=submit]").click()
    page.wait(lambda: page.find("#growth-form-error").is_displayed())
    assert "traffic" in page.text("#growth-form-error")
    assert page.find("#growth-conversion").get_attribute("aria-invalid") is None
    page.fill("#growth-traffic", "200")
    page.find("#growth-form button[type=submit]").click()
    page.wait(lambda: page.all("#growth-output svg [data-series=trajectory]"))
    page.screenshot("growth-es-desktop")


def test_an_admin_uploads_a_document_and_a_question_finds_it(page: Page, tmp_path: Path) -> None:
    document = tmp_path / "moonberry-club.md"
    document.write_text(UNIQUE, encoding="utf-8")
    page.open(ADMIN, "en")
    page.tab("documents")
    page.find("#upload-file").send_keys(str(document))
    page.find("#upload-form button[type=submit]").click()
    page.wait(lambda: page.find("#upload-outcome").is_displayed() or page.notice())
    assert page.notice() == ""
    assert page.find("#upload-summary").get_attribute("data-status") == "added"
    assert "Second month" in page.text("#upload-outline")
    page.wait(lambda: page.all("#docs-table tr[data-id='moonberry-club']"))
    page.screenshot("documents-desktop")
    page.tab("ask")
    page.ask("What does the moonberry tea club send new members in the first week?")
    assert "Moonberry tea club onboarding" in page.text("#ask-source-list")
    assert "tasting card" in page.text("#ask-text")


def test_a_reader_key_cannot_upload(page: Page, served: str, tmp_path: Path) -> None:
    document = tmp_path / "reader-upload.txt"
    document.write_text("Readers may not add documents to the shared index of the advisor.\n" * 3)
    before = _api(served, "GET", "/v1/documents")
    page.open(READER, "en")
    page.tab("documents")
    page.find("#upload-file").send_keys(str(document))
    page.find("#upload-form button[type=submit]").click()
    page.wait(lambda: page.notice())
    assert page.notice() == page.t("e403")
    assert _api(served, "GET", "/v1/documents") == before


def test_a_passage_holding_markup_is_shown_as_text_and_runs_nothing(page: Page, served: str) -> None:
    _api(served, "PUT", "/v1/documents/escaping-notes", key=ADMIN, json={"text": HOSTILE, "language": "en"})
    page.open(READER, "en")
    page.ask("How must the page show a passage that quotes script markup or an image tag?")
    sources = page.text("#ask-source-list")
    assert "<script>window.__pwned = 1</script>" in sources
    read = next(item for item in page.all("#ask-source-list li") if "<script>" in item.text)
    read.find_element(By.CSS_SELECTOR, "button.read").click()
    page.wait(lambda: page.find("#passage").is_displayed())
    assert "<script>window.__pwned = 1</script>" in page.text("#passage-text")
    assert page.driver.execute_script(
        "return [window.__pwned, document.querySelectorAll('main script, main img').length];"
    ) == [None, 0]
    page.find("#passage-close").click()


def test_without_a_key_the_page_asks_for_one(page: Page) -> None:
    page.open(None, "en")
    page.wait(lambda: page.find("#key-form").is_displayed())
    assert page.driver.switch_to.active_element == page.find("#key-input")
    page.ask(QUESTIONS["en"])
    assert page.notice() == page.t("e401") and page.find("#key-form").is_displayed()
    page.fill("#key-input", READER)
    page.find("#key-form button[type=submit]").click()
    assert not page.find("#key-form").is_displayed()
    assert page.driver.execute_script("return sessionStorage.getItem('advisor-api-key');") == READER
    assert page.driver.execute_script("return localStorage.getItem('advisor-api-key');") is None


def test_too_large_and_unreadable_uploads_are_explained(page: Page, tmp_path: Path) -> None:
    page.open(ADMIN, "en")
    page.tab("documents")
    big = tmp_path / "big.txt"
    big.write_text("A line of a very long handbook about store operations.\n" * (UPLOAD_LIMIT // 40))
    page.find("#upload-file").send_keys(str(big))
    page.find("#upload-form button[type=submit]").click()
    page.wait(lambda: page.notice())
    assert page.notice().startswith(page.t("e413", detail="")) and str(UPLOAD_LIMIT) in page.notice()
    fake = tmp_path / "scan.pdf"
    fake.write_text("not a pdf at all")
    page.find("#upload-file").send_keys(str(fake))
    page.find("#upload-form button[type=submit]").click()
    page.wait(lambda: "scan.pdf" in page.notice())
    assert page.notice().startswith(page.t("e422", detail=""))


# What a fake `fetch` answers, to see how the page shows statuses a test cannot cause on demand.
FAKE_FETCH = """
const [status, retry] = arguments;
window.fetch = async () => {
  if (status === 0) throw new TypeError('Failed to fetch');
  const body = JSON.stringify({type: 'about:blank', title: 'x', status, detail: 'server detail'});
  const headers = {'Content-Type': 'application/problem+json'};
  if (retry) headers['Retry-After'] = retry;
  return new Response(body, {status, headers});
};
"""


@pytest.mark.parametrize(("status", "retry", "key", "values"), [
    (429, "7", "e429", {"seconds": 7}), (503, "3", "e503", {"seconds": 3}), (0, None, "offline", {}),
    (500, None, "e500", {}), (504, None, "e504", {}),
])  # fmt: skip
def test_error_statuses_and_a_lost_connection_are_clear_messages(
    page: Page, status: int, retry: str | None, key: str, values: dict[str, object]
) -> None:
    page.open(READER, "es")
    page.driver.execute_script(FAKE_FETCH, status, retry)
    page.ask(QUESTIONS["es"])
    assert page.notice() == page.t(key, **values)
    assert "Traceback" not in page.driver.page_source and page.find("#ask-form").is_displayed()


def test_keyboard_alone_reaches_every_control_in_a_sensible_order(page: Page) -> None:
    page.open(READER, "en")
    body = page.find("body")
    body.send_keys(Keys.TAB)
    order = []
    for _ in range(6):
        order.append(page.driver.switch_to.active_element.get_attribute("id") or "skip")
        page.driver.switch_to.active_element.send_keys(Keys.TAB)
    assert order == ["skip", "ui-language", "key-button", "tab-ask", "question", "ask-submit"], order
    page.find("#tab-ask").send_keys(Keys.ARROW_RIGHT)
    assert page.driver.switch_to.active_element == page.find("#tab-plan") and page.find("#panel-plan").is_displayed()
    page.find("#tab-plan").send_keys(Keys.END)
    assert page.find("#panel-documents").is_displayed()
    unlabelled = page.driver.execute_script("""
      return [...document.querySelectorAll('input, select, textarea, button')].filter((el) => {
        if (el.closest('[hidden]')) return false;
        const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : '';
        return !(label || el.getAttribute('aria-label') || el.textContent.trim());
      }).map((el) => el.id || el.outerHTML.slice(0, 60));""")
    assert unlabelled == []


CONTRAST = """
const luminance = (rgb) => { const [r, g, b] = rgb.map((v) => { v /= 255;
  return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const parse = (color) => (color.match(/[\\d.]+/g) || []).map(Number);
const background = (el) => { for (let node = el; node; node = node.parentElement) {
  const c = parse(getComputedStyle(node).backgroundColor);
  if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c; }
  return [255, 255, 255]; };
return [...document.querySelectorAll(arguments[0])].filter((el) => el.offsetParent && el.textContent.trim())
  .map((el) => { const a = luminance(parse(getComputedStyle(el).color).slice(0, 3));
    const b = luminance(background(el).slice(0, 3));
    return [el.id || el.className || el.tagName, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]; });
"""


def test_text_meets_wcag_aa_contrast(page: Page) -> None:
    page.open(READER, "en")
    page.ask("How do I register a trademark for my shop name in China?")  # shows the declined box too
    elements = "h1, h2, label, button, p, li, th, td, .meta, .declined, [role=tab], .status"
    ratios = page.driver.execute_script(CONTRAST, elements)
    assert ratios and not [(name, round(ratio, 2)) for name, ratio in ratios if ratio < 4.5]


def test_works_at_375_px_wide(page: Page) -> None:
    page.driver.set_window_size(375, 812)
    try:
        page.open(READER, "zh")
        page.ask(QUESTIONS["zh"])
        width = page.driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth];")
        assert width[0] <= width[1], width
        page.screenshot("ask-zh-375px")
        page.tab("plan")
        assert page.find("#goal").is_displayed() and page.find("#goal").size["width"] <= 375
    finally:
        page.driver.set_window_size(1280, 1000)


def test_the_page_loads_fast_with_small_assets_and_a_strict_policy(page: Page, served: str) -> None:
    page.open(READER, "en")
    timing = page.driver.execute_script("""
      const nav = performance.getEntriesByType('navigation')[0];
      const own = performance.getEntriesByType('resource').filter((r) => r.name.includes('/assets/'));
      return [nav.loadEventEnd, nav.decodedBodySize + own.reduce((sum, r) => sum + r.decodedBodySize, 0),
              own.map((r) => r.name)];""")
    load_ms, size, assets = timing
    assert load_ms < 1_000, load_ms
    assert 0 < size < 300_000 and len(assets) >= 4, timing
    response = httpx.get(served + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text)  # no inline script
    assert httpx.get(served + "/assets/app.js").headers["content-security-policy"] == policy
    assert httpx.get(served + "/assets/nothing.js").status_code == 404
    assert not [m for m in page.console() if "Content Security Policy" in m]
    paths = json.loads(httpx.get(served + "/openapi.json").text)["paths"]
    assert "/" not in paths and not [p for p in paths if p.startswith("/assets")]
