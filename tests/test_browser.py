"""The reader's flows in real browsers against the built site on 127.0.0.1: each written once
against tests/drivers.py's Tab, run in Chromium (phone and desktop) and in WebKit (phone),
the engine of LINE's in-app browser and of every other browser on an iPhone."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import ON_PHONES, PAGES

pytestmark = pytest.mark.browser


def test_every_page_loads_without_errors_or_requests_to_other_origins(reader):
    own = urlsplit(reader.base).netloc
    for url in [p.url for p in PAGES] + ["404.html"]:
        reader.open(url)
        reader.settle()
        assert reader.visible("article h1"), f"{reader.where}: heading not visible"
    foreign = [u for u in reader.requests() if urlsplit(u).scheme in ("http", "https", "ws", "wss")
               and urlsplit(u).netloc != own]
    assert not foreign, f"{reader!r}: requests to other origins: {foreign}"
    assert not reader.problems(), f"{reader!r}:\n" + "\n".join(reader.problems())


@ON_PHONES
def test_a_phone_gets_the_phone_layout_at_the_phone_width(reader):
    """WebKit's phone is a frame of the phone's width in a wider window: its media queries must
    see the frame, or every WebKit flow would be a desktop flow."""
    reader.open("events/compare/")
    width, narrow, drawer = reader.js("""() => [innerWidth, matchMedia("(max-width: 44.984375em)").matches,
        getComputedStyle(document.querySelector("label.md-header__button[for=__drawer]")).display !== "none"]""")
    assert width == reader.width, f"{reader.where}: the page is {width} px wide, not {reader.width}"
    assert narrow and drawer, f"{reader.where}: the phone's media queries do not apply (menu button shown: {drawer})"
    assert reader.js("w => matchMedia(`(width: ${w}px)`).matches", reader.width)


def test_not_found_page_leads_back_home(reader):
    reader.open("404.html")
    assert "見つかりません" in reader.text("article h1")
    assert reader.js("""() => [...document.querySelectorAll("article a")]
        .filter(a => a.textContent.includes("トップページ")).length""") == 1
    reader.follow("article a", "トップページ")
    assert urlsplit(reader.url).path == urlsplit(reader.base).path, f"{reader.where}: the link should lead to the landing page"


# Red flags ----------------------------------------------------------------------------------

FLAG = "details.red-flag"
IS_OPEN = "s => document.querySelector(s).open"


def first_red_flag(reader) -> None:
    reader.open("events/first/")
    assert reader.js(IS_OPEN, FLAG) is False, f"{reader.where}: a red flag must start closed"
    assert not reader.visible(f"{FLAG} p"), f"{reader.where}: a closed red flag must hide its body"


def test_red_flag_opens_and_closes_by_tap(reader):
    """A finger on a phone, the mouse on a desktop."""
    first_red_flag(reader)
    reader.tap(f"{FLAG} > summary")
    assert reader.js(IS_OPEN, FLAG) is True and reader.visible(f"{FLAG} p"), f"{reader.where}: a tap should open it"
    reader.tap(f"{FLAG} > summary")
    assert reader.js(IS_OPEN, FLAG) is False and not reader.visible(f"{FLAG} p"), f"{reader.where}: a tap should close it"


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_red_flag_opens_and_closes_by_keyboard(reader, key):
    first_red_flag(reader)
    reader.focus(f"{FLAG} > summary")
    assert reader.js("s => document.querySelector(s) === document.activeElement", f"{FLAG} > summary"), \
        f"{reader.where}: the summary must take keyboard focus"
    reader.press(key)
    assert reader.js(IS_OPEN, FLAG) is True and reader.visible(f"{FLAG} p"), f"{reader.where}: {key} should open the red flag"
    reader.press(key)
    assert reader.js(IS_OPEN, FLAG) is False, f"{reader.where}: {key} should close the red flag again"


def test_a_link_to_a_red_flag_opens_that_flag(reader):
    """From 危ないサイン一覧 (another page), and as an address with the #rf- anchor."""
    flag = "details.red-flag#rf-free-event"
    in_view = """s => { const box = document.querySelector(s).getBoundingClientRect();
                        return box.top >= 0 && box.top < innerHeight }"""
    reader.open("red-flags/")
    reader.follow("article a[href$='#rf-free-event']")
    assert urlsplit(reader.url).fragment == "rf-free-event", f"{reader.where}: landed on {reader.url}"
    assert reader.js(IS_OPEN, flag) and reader.visible(f"{flag} p"), f"{reader.where}: the linked red flag must open"
    assert reader.js(in_view, flag), f"{reader.where}: the linked red flag must be on screen"
    assert reader.js("() => document.querySelectorAll('details.red-flag[open]').length") == 1, \
        f"{reader.where}: only the linked red flag opens"

    reader.open("events/second/#rf-referral-quota")
    assert reader.js(IS_OPEN, "details.red-flag#rf-referral-quota"), f"{reader.where}: an address with #rf- must open that flag"
    assert not reader.problems(), f"{reader!r}:\n" + "\n".join(reader.problems())


@ON_PHONES
def test_red_flag_works_without_javascript(reader):
    reader.disable_javascript()
    reader.open("events/second/")
    assert reader.js("() => typeof window.__md_get") == "undefined", f"{reader.where}: scripts ran"
    reader.tap(f"{FLAG} > summary")
    assert reader.js(IS_OPEN, FLAG) is True and reader.visible(f"{FLAG} p")


# Search: tests/test_search.py (the query set in the real search box, IME input, landing).


def test_the_tab_reports_what_goes_wrong_in_a_page(reader):
    """The check on every page above could never fail if the tab missed problems: a test-only
    page (tests/harness/trouble.html) has one of each."""
    reader.open("/__tests__/trouble.html")
    reader.wait_for("() => true")  # let the page's timer throw
    reader.settle()
    problems = "\n".join(reader.problems())
    assert reader.js("() => window.inlineRan") is None, f"{reader.where}: the CSP did not block the inline script"
    kinds = {  # each as either engine words it
        "the blocked inline script": ("CSP violation: script-src",),
        "the console error": ("console: trouble.js: a console error",),
        "the exception": ("exception: Error: trouble.js: an uncaught exception", "exception: trouble.js: an uncaught exception"),
        "the missing image": ("request failed: http", "console: Failed to load resource"),
    }
    for kind, words in kinds.items():
        assert any(w in problems for w in words), f"{reader.where}: the tab did not report {kind}; it reported:\n{problems}"
