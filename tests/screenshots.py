"""Screenshots of every page as a reader sees it: phone and desktop, light and dark.

    make screenshots            # writes .cache/screenshots/<page>-<viewport>-<scheme>.png
    .venv/bin/python tests/screenshots.py OUT --webkit [--small] [--full] [--open]
                                # WebKit (iPhone's engine) on a phone, 390 px (--small: 320 px):
                                # OUT/<page>-webkit-<size>-<scheme>.png
    .venv/bin/python tests/screenshots.py OUT --check-link [--webkit]
                                # the event check sent as a link and a red flag's send row, on a
                                # phone, light and dark: OUT/check-link-<state>-<engine>-<scheme>.png
    .venv/bin/python tests/screenshots.py OUT --search [--webkit]
                                # a phone's first screen, then search opened by the first tap and
                                # 名刺 committed as a Japanese keyboard does, light and dark:
                                # OUT/search-<state>-<engine>-<scheme>.png

Not a test: a way to look. Builds the site, serves it on 127.0.0.1, drives Chromium (or
WebKitGTK, through tests/drivers.py). --full: the whole page; --open: red flags open.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from drivers import booted
from conftest import CHROMIUM, CHROMIUM_FLAGS, PAGES, ROOT, VIEWPORTS, build, serve

OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => d.open = true)"


def pages() -> list[tuple[str, str]]:
    """(url, name) of every page and of the 404 page."""
    return [(p.url, p.src.removesuffix(".md").replace("/", "-")) for p in PAGES] + [("404.html", "404")]


def chromium(base: str, out: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for viewport, options in VIEWPORTS.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(locale="ja-JP", color_scheme=scheme, **options)
                tab = context.new_page()
                for url, name in pages():
                    tab.goto(base + url, wait_until="networkidle")
                    booted(tab)
                    if "--open" in sys.argv:
                        tab.evaluate(OPEN_DETAILS)
                    path = out / f"{name}-{viewport}-{scheme}.png"
                    tab.screenshot(path=str(path), full_page="--full" in sys.argv)
                    print(path)
                context.close()
        browser.close()


def webkit(base: str, statuses: dict[str, int], out: Path) -> None:
    from drivers import WebKitSession, WebKitTab

    size = "small-phone" if "--small" in sys.argv else "phone"
    for scheme in ("light", "dark"):
        session = WebKitSession(base, statuses, dark=scheme == "dark")  # MiniBrowser --dark-mode
        try:
            tab = WebKitTab(session, size)
            for url, name in pages():
                tab.open(url)
                tab.settle()
                if "--open" in sys.argv:
                    tab.js(OPEN_DETAILS)
                path = out / f"{name}-webkit-{size}-{scheme}.png"
                tab.screenshot(path, full_page="--full" in sys.argv)
                print(path)
        finally:
            session.close()


# The sender's three ticks (tests/test_check_link.py) and the link they make.
CHECK_LINK_TICKS = ("会費が無料か", "回転ずしのように", "後日Zoomで話したい")
CHECK_LINK = "check/#ticked=rf-free-event.rf-forced-cards.rf-zoom-later"
IN_VIEW = "s => document.querySelector(s).scrollIntoView({block: 'center'})"


def check_link(new_tab, out: Path, name: str) -> None:
    """Three states of issue 24: the check about to be sent (its buttons), the same check as the
    friend opens it on their phone (the top of the page), and a red flag open with its send row.
    `new_tab()`: a tab with nothing stored, as the friend's phone."""
    tab = new_tab()
    tab.open("check/")
    for text in CHECK_LINK_TICKS:
        tab.click(".ik-check .task-list-control", text)
    tab.js(IN_VIEW, ".ik-check__actions")
    for state, path, selector in [("sent", None, None), ("received", CHECK_LINK, None),
                                  ("flag", "events/second/#rf-joining-fee", "#rf-joining-fee")]:
        if path:
            tab.close()
            tab = new_tab()
            tab.open(path)
            tab.settle()
        if selector:
            tab.wait_for("s => document.querySelector(s)", "#rf-joining-fee .ik-flag-send")
            tab.js(IN_VIEW, selector)
        target = out / f"check-link-{state}-{name}.png"
        tab.screenshot(target)
        print(target)
    tab.close()


# No transition or animation running (the search box slides in).
STILL = "() => document.getAnimations().every(a => a.playState !== 'running')"


def search_opened(new_tab, out: Path, name: str) -> None:
    """Issue 22: the first screen as a phone shows it (Material's script not run), then the search
    box opened by the first tap, with what a Japanese keyboard committed and its results."""
    tab = new_tab()
    tab.open("events/second/")
    tab.booted()
    for state in ("first-screen", "opened", "results"):
        if state == "opened":
            tab.tap("label.md-header__button[for=__search]")
            tab.wait_for("() => document.activeElement === document.querySelector('.md-search__input')")
        elif state == "results":
            tab.commit_text(".md-search__input", "名刺")
            tab.wait_for("() => document.querySelectorAll('.md-search-result__item').length > 0", timeout=15)
        tab.wait_for(STILL, what="the search box's transitions to end")
        target = out / f"search-{state}-{name}.png"
        tab.screenshot(target)
        print(target)
    tab.close()


def each_engine(base: str, statuses: dict[str, int], out: Path, shots) -> None:
    from drivers import ChromiumTab, WebKitSession, WebKitTab

    for scheme in ("light", "dark"):
        if "--webkit" in sys.argv:
            session = WebKitSession(base, statuses, dark=scheme == "dark")  # MiniBrowser --dark-mode
            try:
                shots(lambda: WebKitTab(session, "phone"), out, f"webkit-{scheme}")
            finally:
                session.close()
            continue
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            shots(lambda: ChromiumTab(browser, base, "phone", color_scheme=scheme), out, f"chromium-{scheme}")  # noqa: B023
            browser.close()


def check_link_states(base: str, statuses: dict[str, int], out: Path) -> None:
    each_engine(base, statuses, out, check_link)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        result = build(ROOT, Path(tmp))
        if result.returncode:
            print(result.stderr, file=sys.stderr)
            return 1
        statuses: dict[str, int] = {}
        with serve(Path(tmp), statuses=statuses) as base:
            if "--check-link" in sys.argv:
                check_link_states(base, statuses, out)
            elif "--search" in sys.argv:
                each_engine(base, statuses, out, search_opened)
            elif "--webkit" in sys.argv:
                webkit(base, statuses, out)
            else:
                chromium(base, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else ROOT / ".cache" / "screenshots"))
