"""Real Chromium against the built site on 127.0.0.1, on a phone and a desktop viewport."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import PAGES

pytestmark = pytest.mark.browser


def open_page(tab, server: str, url: str) -> None:
    response = tab.goto(server + url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"


def test_every_page_loads_without_errors_or_requests_to_other_origins(tab, server):
    own = urlsplit(server).netloc
    for p in PAGES:
        open_page(tab, server, p.url)
        tab.wait_for_load_state("networkidle")
        assert tab.locator("article h1").first.is_visible(), f"{p.src}: heading not visible"
    foreign = [u for u in tab.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
               and urlsplit(u).netloc != own]
    assert not foreign, f"requests to other origins: {foreign}"
    assert not tab.problems, "\n".join(tab.problems)


def test_not_found_page_leads_back_home(tab, server):
    response = tab.goto(server + "404.html")
    assert response.ok
    assert "見つかりません" in tab.locator("article h1").inner_text()
    assert tab.get_by_role("link", name="トップページ").count() == 1


def first_red_flag(tab, server: str):
    open_page(tab, server, "events/first/")
    flag = tab.locator("details.red-flag").first
    assert flag.evaluate("d => d.open") is False, "a red flag must start closed"
    body = flag.locator("p").first
    assert not body.is_visible(), "a closed red flag must hide its body"
    return flag, body


def test_red_flag_opens_and_closes_by_click(tab, server):
    flag, body = first_red_flag(tab, server)
    summary = flag.locator("summary")
    summary.click()
    assert flag.evaluate("d => d.open") is True and body.is_visible()
    summary.click()
    assert flag.evaluate("d => d.open") is False and not body.is_visible()


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_red_flag_opens_and_closes_by_keyboard(tab, server, key):
    flag, body = first_red_flag(tab, server)
    summary = flag.locator("summary")
    summary.focus()
    assert summary.evaluate("s => s === document.activeElement"), "the summary must take keyboard focus"
    tab.keyboard.press(key)
    assert flag.evaluate("d => d.open") is True and body.is_visible(), f"{key} should open the red flag"
    tab.keyboard.press(key)
    assert flag.evaluate("d => d.open") is False, f"{key} should close the red flag again"


def test_red_flag_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        tab = context.new_page()
        tab.goto(server + "events/second/")
        flag = tab.locator("details.red-flag").first
        flag.locator("summary").click()
        assert flag.evaluate("d => d.open") is True
    finally:
        context.close()


# Search: tests/test_search.py (the query set in the real search box, IME input, landing).
