"""Browser fixtures: `advisor serve` on the corpus indexed with the default embeddings (reader and admin keys),
and headless Debian Chromium driven by Selenium. Screenshots go to `ADVISOR_SCREENSHOTS` (default
`artifacts/screenshots/`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from advisor.settings import PROJECT_ROOT
from tests.conftest import CORPUS, free_port, running_server

ADVISOR = str(Path(sys.executable).with_name("advisor"))
READER, ADMIN = "reader-key-web", "admin-key-web"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENSHOTS = Path(os.environ.get("ADVISOR_SCREENSHOTS", PROJECT_ROOT / "artifacts" / "screenshots"))
UPLOAD_LIMIT = 300_000


def _unavailable(reason: str) -> None:
    if os.environ.get("ADVISOR_REQUIRE_BROWSER"):  # .ci/run installs the browser: missing there is a failure
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The advisor serving the indexed corpus on a free port; yields its base URL."""
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path_factory.mktemp("web") / "data"),
           "ADVISOR_CORPUS_DIR": str(CORPUS), "ADVISOR_API_KEYS": READER, "ADVISOR_ADMIN_KEYS": ADMIN,
           "ADVISOR_DOCUMENTS__MAX_FILE_BYTES": str(UPLOAD_LIMIT)}  # fmt: skip
    env.pop("ADVISOR_EMBEDDINGS__BACKEND", None)
    subprocess.run([ADVISOR, "ingest"], env=env, check=True, capture_output=True, timeout=900)
    port = free_port()
    with running_server([ADVISOR, "serve", "--port", str(port)], f"http://127.0.0.1:{port}/readyz", 120, env=env):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's chromium and chromium-driver) under Selenium, a fresh one for each test: a
    renderer that stalls on a loaded machine cannot carry over into the next test."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed (it is in the dev extra)")
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        _unavailable("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--disable-gpu",
        "--disable-renderer-backgrounding",
        "--disable-background-timer-throttling",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
