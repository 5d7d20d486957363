"""A driver for the web page in tests: open it with a key and a language, fill forms, wait for results."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.web.conftest import SCREENSHOTS

# Records which of the sources and the answer text appeared first while an answer streams.
WATCH_ORDER = """
window.__order = [];
const note = (name) => { if (!window.__order.includes(name)) window.__order.push(name); };
new MutationObserver(() => { if (document.querySelector('#ask-source-list li')) note('sources'); })
  .observe(document.getElementById('ask-source-list'), {childList: true});
new MutationObserver(() => { if (document.getElementById('ask-text').textContent.trim()) note('text'); })
  .observe(document.getElementById('ask-text'), {childList: true, subtree: true, characterData: true});
"""


class Page:
    def __init__(self, driver: Any, url: str) -> None:
        self.driver, self.url = driver, url

    def open(self, key: str | None = None, language: str = "en") -> Page:
        self.driver.get(self.url)
        self.driver.execute_script("sessionStorage.clear(); localStorage.clear();")
        if key:
            self.driver.execute_script("sessionStorage.setItem('advisor-api-key', arguments[0]);", key)
        self.driver.execute_script("localStorage.setItem('advisor-ui-language', arguments[0]);", language)
        self.driver.get(self.url)
        self.wait(lambda: self.driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
        self.language = language
        self.strings = self.driver.execute_async_script(
            "const done = arguments[0]; import('/assets/i18n.js').then((m) => done(m.STRINGS));"
        )
        return self

    def t(self, key: str, **values: object) -> str:
        """The page's own text for `key` in the language it is shown in."""
        text = str(self.strings[self.language][key])
        for name, value in values.items():
            text = text.replace(f"{{{name}}}", str(value))
        return text

    def wait(self, condition: Any, seconds: float = 180) -> Any:
        return WebDriverWait(self.driver, seconds, poll_frequency=0.05).until(lambda _: condition())

    def find(self, selector: str) -> Any:
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector: str) -> list[Any]:
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text(self, selector: str) -> str:
        return str(self.driver.execute_script("return document.querySelector(arguments[0]).textContent;", selector))

    def tab(self, name: str) -> None:
        self.find(f"#tab-{name}").click()

    def fill(self, selector: str, value: str) -> None:
        field = self.find(selector)
        field.clear()
        field.send_keys(value)

    def choose(self, selector: str, value: str) -> None:
        Select(self.find(selector)).select_by_value(value)

    def ask(self, question: str) -> None:
        self.driver.execute_script(WATCH_ORDER)
        self.fill("#question", question)
        self.find("#ask-form button[type=submit]").click()
        self.wait(lambda: self.text("#ask-status") == self.t("done") or self.find("#notice").is_displayed())

    def notice(self) -> str:
        return self.text("#notice") if self.find("#notice").is_displayed() else ""

    def screenshot(self, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        time.sleep(0.2)
        self.driver.save_screenshot(str(path))
        return path

    def console(self) -> list[str]:
        return [entry["message"] for entry in self.driver.get_log("browser")]
