"""Real browser: `proclens dashboard` on the sample store, driven by Debian's headless chromium.

Visits every page in English and Chinese, applies a filter through the sidebar, checks there is
no Streamlit exception box and that the expected figures show, and saves screenshots under
tests/out/ (gitignored).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analytics.filters import Filter
from analytics.stats import log_stats
from dashboards.frame import PAGES
from dashboards.i18n import fmt_duration, fmt_int, t
from proclens.store import EventStore
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
OUT = ROOT / "tests" / "out"
LOG = "sepsis_cases"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium missing: make browser"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"proclens dashboard exited with {server.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("proclens dashboard did not start listening")


@pytest.fixture(scope="module")
def base_url(sample_db: Path) -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "proclens.cli", "dashboard", "--db", str(sample_db)]
    server = subprocess.Popen([*command, "--port", str(port)], cwd=ROOT)
    try:
        _wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield tab
        browser.close()


def settle(tab: Any) -> None:
    """Wait until Streamlit has drawn the page and finished running the script."""
    tab.wait_for_selector("h1", timeout=60_000)
    main = tab.locator('[data-testid="stMain"]')
    before = ""
    for _ in range(120):  # until the page has stopped changing for a second and is not running
        tab.wait_for_timeout(1000)
        now = main.inner_text()
        running = tab.locator('[data-testid="stStatusWidget"]').count() > 0
        if now == before and not running:
            return
        before = now
    raise AssertionError("the page did not settle within two minutes")


def assert_no_exception(tab: Any) -> None:
    assert tab.locator('[data-testid="stException"]').count() == 0
    assert tab.locator('[data-testid="stAlertContentError"]').count() == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_in_both_languages(page: Any, base_url: str, sample_db: Path, lang: str) -> None:
    OUT.mkdir(exist_ok=True)
    with EventStore.open(sample_db, read_only=True) as store:
        stats = log_stats(store, LOG)
    for stem, _ in PAGES:
        path = "" if stem == "overview" else stem  # the default page lives at "/"
        page.goto(f"{base_url}/{path}?log={LOG}&lang={lang}")
        settle(page)
        assert_no_exception(page)
        assert t(f"page.{stem}", lang) in page.locator("h1").first.inner_text()
        if stem == "overview":
            for value in (
                fmt_int(stats["cases"], lang),
                fmt_int(stats["events"], lang),
                fmt_duration(stats["case_duration_s"]["median"], lang),
            ):
                page.get_by_text(value, exact=True).first.wait_for(timeout=30_000)
        page.screenshot(path=str(OUT / f"{stem}-{lang}.png"), full_page=True)


def _choose(page: Any, sidebar: Any, label: str, choice: str) -> None:
    """Pick `choice` in the sidebar select box `label` as a user does: type into the box's own
    input, click the option, and check that the box shows it.

    Streamlit's select box is a combo box whose input holds the current choice ("from"); typing
    after a click that did not select that text searched for "fromwith activity", matched
    nothing, and the pick was silently lost. So the input is emptied first, and a pick that does
    not take (the script was still re-running) is made again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    field = sidebar.get_by_role("combobox", name=label, exact=True)
    for _ in range(4):
        try:
            field.click(timeout=30_000)
            field.fill("")
            field.press_sequentially(choice)
            # a re-run that redraws the sidebar closes the list under the typing: try again
            page.get_by_role("option", name=choice, exact=True).click(timeout=15_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
        settle(page)
        if field.input_value() == choice:
            return
    raise AssertionError(f"the select box {label!r} did not take {choice!r}")


def test_apply_a_filter_in_the_sidebar(page: Any, base_url: str, sample_db: Path) -> None:
    with EventStore.open(sample_db, read_only=True) as store:
        stats_with = log_stats(store, LOG, Filter(with_activity=("Admission IC",)))
    sidebar = page.locator('[data-testid="stSidebar"]')
    page.goto(f"{base_url}/?log={LOG}&lang=en")
    settle(page)
    sidebar.get_by_text("Add filter").click()
    _choose(page, sidebar, "Filter on", "with activity")
    _choose(page, sidebar, "Value", "Admission IC")
    sidebar.get_by_role("button", name="Apply").click()
    settle(page)
    assert_no_exception(page)
    assert sidebar.get_by_role("button", name="✕ with activity: Admission IC").count() == 1
    assert "f=with%3AAdmission" in page.url
    page.get_by_text(fmt_int(stats_with["cases"], "en"), exact=True).first.wait_for(timeout=30_000)
    page.screenshot(path=str(OUT / "filter-en.png"), full_page=True)
