"""One browser tab, whichever engine drives it, so that each reader's flow is written once
and runs in Chromium and in WebKit (the engine of every iPhone browser, LINE's included).

    Chromium  Debian's chromium, driven by Playwright (as the Chromium-only tests are).
    WebKit    Debian's WebKitGTK: WebKitWebDriver and its MiniBrowser, driven by Selenium
              over WebDriver, on an Xvfb display started here (MiniBrowser has no headless mode).

A test asks for the `reader` fixture (tests/conftest.py) and gets a `Tab`; everything an
engine does differently lives in this file, not in the tests:

- Phone width. WebKitGTK's window cannot be made narrower than about 450 px, so WebKit opens
  each page inside a same-origin iframe of the phone's width (tests/harness/frame.html, served
  by the test server, never part of the site). Media queries inside the frame see its width.
- What went wrong. Playwright reports console errors, exceptions, failed requests and CSP
  violations; WebKitGTK's WebDriver has no console log and no BiDi. So the test server puts
  tests/harness/probe.js first into every page it serves to WebKit, and the probe records
  the same four things (and every URL fetched) in sessionStorage, which the frame shares with
  the test.
- The clipboard. Chromium reads it with navigator.clipboard.readText(); WebKit refuses that to
  scripts, so the test pastes (Ctrl+V, a real key press) into a textarea beside the frame.
- JavaScript off. Chromium: a context with JavaScript disabled. WebKit: the frame is sandboxed
  without allow-scripts, which runs no script of the page at all.
- Tap. A touch tap on a phone-sized tab (touch pointer actions in WebDriver), a mouse click
  on a desktop one.
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

HARNESS = Path(__file__).resolve().parent / "harness"
HARNESS_PATH = "/__tests__/"  # where the test server serves tests/harness/ (outside the site)

# CSS px. The phone is an iPhone 12-15's viewport; the small phone an iPhone SE (1st gen).
SIZES = {"phone": (390, 844), "small-phone": (320, 568), "desktop": (1280, 800)}
CLIPBOARD_TROUBLE = ("refused", "missing")  # tests/harness/clipboard-<how>.js

# The element a flow means: the `index`-th match of a CSS selector whose text contains `text`.
FIND = """(selector, text, index) => [...document.querySelectorAll(selector)]
  .filter(el => text === null || el.textContent.includes(text))[index] || null"""
# Shown to the reader: rendered, not visibility:hidden, with a box. checkVisibility() also knows
# the content of a closed <details>, which WebKit still lays out (hidden like content-visibility).
VISIBLE = """el => !!el && el.checkVisibility({visibilityProperty: true}) && el.getClientRects().length > 0"""

# As in the Makefile's system-deps: Debian and Ubuntu put it in /usr/lib/<multiarch>/webkit2gtk-4.1/,
# others in /usr/libexec/webkit2gtk-4.x/ or webkitgtk-6.0/.
MINIBROWSER_GLOBS = ("/usr/lib*/*/*webkit*gtk-*/MiniBrowser", "/usr/lib*/*webkit*gtk-*/MiniBrowser")
INSTALL_WEBKIT = ("run `make system-deps` (Debian/Ubuntu: apt-get install webkit2gtk-driver xvfb), "
                  "or set WEBKIT_DRIVER=/path/to/WebKitWebDriver and MINIBROWSER=/path/to/MiniBrowser")


class Tab:
    """What a reader's flow can do in a browser tab. Selectors are CSS; `text` narrows them to
    the elements whose text contains it; `index` picks among what is left."""

    engine: str

    def __init__(self, base: str, size: str):
        self.base = base  # the site's URL on the test server, ending in "/"
        self.size = size
        self.width, self.height = SIZES[size]
        self.touch = self.width < 600

    def __repr__(self) -> str:
        return f"{self.engine} {self.width}px"

    @property
    def where(self) -> str:
        """For messages: the engine, the width and the page."""
        return f"[{self!r} {urlsplit(self.url).path}]"

    def booted(self) -> None:
        """Wait until the page's scripts have run. first_paint.js (overrides/hooks) runs them after
        the first paint and the shared stylesheet, which is as often as not after `load`; it
        marks <html data-ik-ready> when all have run. Without JavaScript there is nothing to wait for."""
        if self.javascript:
            self.wait_for(SCRIPTS_RAN, what="the page's scripts to run (first_paint.js)")

    # Implemented per engine -------------------------------------------------------------------
    def open(self, path: str) -> None:
        """Go to a page of the site (relative to its root, or absolute on the test server) and
        wait until it has loaded."""
        raise NotImplementedError

    def follow(self, selector: str, text: str | None = None, index: int = 0) -> None:
        """Click a link that leads to another page, and wait until that page has loaded."""
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        raise NotImplementedError

    def js(self, function: str, *args):
        """The result of a JavaScript function (source text) called with `args` in the page."""
        raise NotImplementedError

    def click(self, selector: str, text: str | None = None, index: int = 0) -> None:
        """A real mouse click (scrolls the element into view first)."""
        raise NotImplementedError

    def tap(self, selector: str, text: str | None = None, index: int = 0) -> None:
        """A finger's tap on a phone-sized tab, a mouse click on a desktop one."""
        raise NotImplementedError

    def press(self, key: str) -> None:
        """A real key press to the focused element: "Enter", "Space", "End" or "Control+c"."""
        raise NotImplementedError

    def type_keys(self, selector: str, text: str) -> None:
        """Type text into a text box key by key, through the engine's own keyboard input."""
        raise NotImplementedError

    def watch_search(self) -> None:
        """From the next `open`, pages log what Material's search worker is asked and when its
        answer is on screen (tests/harness/search-log.js: window.__searchLog)."""
        raise NotImplementedError

    def commit_text(self, selector: str, text: str) -> None:
        """Put text into a text box the way a phone's Japanese keyboard commits a tapped
        candidate: one `input` event and no key event (no extra key is pressed to help)."""
        raise NotImplementedError

    def clipboard(self) -> str:
        """What the system clipboard holds now."""
        raise NotImplementedError

    def disable_javascript(self) -> None:
        """From the next `open`, pages run no script."""
        raise NotImplementedError

    def trouble_with_clipboard(self, how: str) -> None:
        """From the next `open`, the Clipboard API refuses to write ("refused", as in some
        in-app browsers) or is not there ("missing"): tests/harness/clipboard-<how>.js."""
        raise NotImplementedError

    def without_material(self) -> None:
        """From the next `open`, Material's script does not run, as if the reader had not yet
        reached for anything that starts it: Chromium gets its bundle (assets/javascripts/
        bundle.*.js) empty; WebKit gets pages that leave it out of the scripts they load. The
        site's own scripts run as ever."""
        raise NotImplementedError

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, failed requests and CSP violations so far."""
        raise NotImplementedError

    def requests(self) -> list[str]:
        """Every URL the pages asked for so far."""
        raise NotImplementedError

    def settle(self) -> None:
        """Wait until the page has stopped fetching (search's index and worker come in after load)."""
        raise NotImplementedError

    def resize(self, size: str) -> None:
        """The same page at another size (SIZES), as a phone turned or another phone."""
        raise NotImplementedError

    def screenshot(self, path: Path, full_page: bool = False) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # Built on the above -----------------------------------------------------------------------
    def focus(self, selector: str, text: str | None = None, index: int = 0) -> None:
        self.js(f"(s, t, i) => ({FIND})(s, t, i).focus()", selector, text, index)

    def count(self, selector: str) -> int:
        return self.js("s => document.querySelectorAll(s).length", selector)

    def visible(self, selector: str, text: str | None = None, index: int = 0) -> bool:
        return self.js(f"(s, t, i) => ({VISIBLE})(({FIND})(s, t, i))", selector, text, index)

    def text(self, selector: str, text: str | None = None, index: int = 0) -> str:
        """The element's text as shown (innerText), or "" when there is no such element."""
        return self.js(f"(s, t, i) => {{ const el = ({FIND})(s, t, i); return el ? el.innerText : '' }}",
                       selector, text, index)

    def attribute(self, selector: str, name: str, index: int = 0) -> str | None:
        return self.js("(s, n, i) => { const el = document.querySelectorAll(s)[i]; return el ? el.getAttribute(n) : null }",
                       selector, name, index)

    def wait_for(self, function: str, *args, timeout: float = 10.0, what: str = "") -> object:
        """Poll a JavaScript function until it returns something truthy; fail after `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(function, *args)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.where} waited {timeout:g} s for {what or function}")
            time.sleep(0.05)


# Chromium ---------------------------------------------------------------------------------------

# first_paint.js (overrides/hooks) marks <html> when the page's scripts have run; a page
# without it (the tests' own harness pages) has nothing to wait for.
SCRIPTS_RAN = ("() => document.documentElement.hasAttribute('data-ik-ready')"
               " || !document.querySelector('script[data-scripts]')")


def booted(page, timeout_ms: int = 10_000) -> None:
    """Wait until a Playwright page's scripts have run (Tab.booted says why)."""
    page.wait_for_function(SCRIPTS_RAN, timeout=timeout_ms)

CHROMIUM_KEYS = {"Space": "Space", "Enter": "Enter", "End": "End", "Control+c": "Control+c"}
# Material's script (Tab.without_material); the test server knows it too (tests/conftest.py).
MATERIAL_BUNDLE = "**/assets/javascripts/bundle.*.js"


def watch(page) -> None:
    """Record on `page` what goes wrong (page.problems) and what it asks for (page.requests)."""
    page.problems = []  # console errors, uncaught exceptions, failed requests, CSP violations
    page.requests = []  # every URL the page asked for
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"exception: {e}"))
    page.on("requestfailed", lambda r: page.problems.append(f"request failed: {r.url} {r.failure}"))
    page.on("request", lambda r: page.requests.append(r.url))
    page.expose_function("__reportCspViolation", lambda v: page.problems.append(f"CSP violation: {v}"))
    page.add_init_script("""
document.addEventListener("securitypolicyviolation", e =>
  window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
""")


def chromium_context(browser, size: str, **options):
    """A fresh Chromium context (own storage, own clipboard) of a given size, in Japanese."""
    width, height = SIZES[size]
    mobile = width < 600
    return browser.new_context(locale="ja-JP", viewport={"width": width, "height": height},
                               is_mobile=mobile, has_touch=mobile, **options)


class ChromiumTab(Tab):
    engine = "chromium"

    def __init__(self, browser, base: str, size: str, color_scheme: str = "light"):
        super().__init__(base, size)
        self.browser = browser
        self.color_scheme = color_scheme
        self.init_scripts: list[Path] = []
        self.javascript = True
        self.material = True
        self.context = self.page = None
        self._new_context()

    def _new_context(self) -> None:
        old = self.page
        if self.context is not None:
            self.context.close()
        self.context = chromium_context(self.browser, self.size, java_script_enabled=self.javascript,
                                        color_scheme=self.color_scheme)
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(self.base))
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
        self.page = self.context.new_page()
        watch(self.page)
        if old is not None:  # keep what the closed context saw
            self.page.problems[:0], self.page.requests[:0] = old.problems, old.requests
        for script in self.init_scripts:
            self.page.add_init_script(path=str(script))
        if not self.material:
            self.context.route(MATERIAL_BUNDLE, lambda route: route.fulfill(body="", content_type="text/javascript"))

    # Leaving a page aborts what it still fetches (search's files come in after load), which
    # Playwright reports as a failed request: each navigation waits for the page to settle first.
    def open(self, path: str) -> None:
        if self.page.url != "about:blank":
            self.settle()
        response = self.page.goto(urljoin(self.base, path), wait_until="load")
        assert response is not None and response.ok, f"{self.where}: HTTP {response and response.status}"
        self.booted()

    def follow(self, selector: str, text: str | None = None, index: int = 0) -> None:
        self.settle()
        with self.page.expect_navigation(wait_until="load"):
            self._element(selector, text, index).click()
        self.booted()

    def reload(self) -> None:
        self.settle()
        self.page.reload(wait_until="load")
        self.booted()

    @property
    def url(self) -> str:
        return self.page.url

    def js(self, function: str, *args):
        return self.page.evaluate(f"args => ({function})(...args)", list(args))

    def _element(self, selector: str, text: str | None, index: int):
        handle = self.page.evaluate_handle(f"([s, t, i]) => ({FIND})(s, t, i)", [selector, text, index]).as_element()
        assert handle is not None, f"{self.where}: no {selector}" + (f" with 「{text}」" if text else "")
        return handle

    def click(self, selector: str, text: str | None = None, index: int = 0) -> None:
        self._element(selector, text, index).click()

    def tap(self, selector: str, text: str | None = None, index: int = 0) -> None:
        element = self._element(selector, text, index)
        element.tap() if self.touch else element.click()

    def press(self, key: str) -> None:
        self.page.keyboard.press(CHROMIUM_KEYS[key])

    def type_keys(self, selector: str, text: str) -> None:
        self._element(selector, None, 0).focus()
        self.page.keyboard.type(text)

    def watch_search(self) -> None:
        self.init_scripts.append(HARNESS / "search-log.js")
        self.page.add_init_script(path=str(self.init_scripts[-1]))

    def commit_text(self, selector: str, text: str) -> None:
        self._element(selector, None, 0).focus()
        self.page.keyboard.insert_text(text)  # Input.insertText: an input event, no key

    def clipboard(self) -> str:
        # clipboard-missing.js hides the API from the page and keeps it for this one call.
        return self.js("() => (window.__testClipboard || navigator.clipboard).readText()")

    def disable_javascript(self) -> None:
        self.javascript = False
        self._new_context()

    def without_material(self) -> None:
        self.material = False
        self.context.route(MATERIAL_BUNDLE, lambda route: route.fulfill(body="", content_type="text/javascript"))

    def trouble_with_clipboard(self, how: str) -> None:
        assert how in CLIPBOARD_TROUBLE, how
        self.init_scripts.append(HARNESS / f"clipboard-{how}.js")
        self.page.add_init_script(path=str(self.init_scripts[-1]))

    def problems(self) -> list[str]:
        return list(self.page.problems)

    def requests(self) -> list[str]:
        return list(self.page.requests)

    def settle(self) -> None:
        self.page.wait_for_load_state("networkidle")

    def resize(self, size: str) -> None:
        self.size, (self.width, self.height) = size, SIZES[size]
        self.page.set_viewport_size({"width": self.width, "height": self.height})

    def screenshot(self, path: Path, full_page: bool = False) -> None:
        self.page.screenshot(path=str(path), full_page=full_page)

    def close(self) -> None:
        self.context.close()


# WebKit -----------------------------------------------------------------------------------------


class MissingBrowser(RuntimeError):
    pass


def webkit_programs() -> dict[str, str]:
    """WebKitWebDriver, MiniBrowser and Xvfb, found on this machine, or MissingBrowser saying
    how to install them."""
    found = {
        "WebKitWebDriver": os.environ.get("WEBKIT_DRIVER") or shutil.which("WebKitWebDriver"),
        "MiniBrowser": os.environ.get("MINIBROWSER") or next(
            (path for pattern in MINIBROWSER_GLOBS for path in sorted(glob.glob(pattern))), None),
        "Xvfb": shutil.which("Xvfb"),
    }
    missing = [name for name, path in found.items() if not (path and Path(path).is_file())]
    if missing:
        raise MissingBrowser(f"WebKit tests need {', '.join(missing)}: {INSTALL_WEBKIT}")
    return found


class WebKitSession:
    """One MiniBrowser on its own Xvfb display, driven over WebDriver; many tabs reuse it
    (a session takes seconds to start, a page a fraction of one)."""

    WINDOW = (480, 1800)  # wide enough for the frame and the paste box, tall enough for a phone

    def __init__(self, base: str, statuses: dict[str, int], *, dark: bool = False):
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        programs = webkit_programs()
        self.base = base
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
        self.statuses = statuses  # request path -> last HTTP status, kept by the test server
        self.xvfb, display = start_xvfb(programs["Xvfb"])
        try:
            options = Options()
            options.binary_location = programs["MiniBrowser"]
            options.add_argument("--automation")
            if dark:
                options.add_argument("--dark-mode")
            env = {**os.environ, "DISPLAY": display, "GDK_BACKEND": "x11"}
            env.pop("WAYLAND_DISPLAY", None)
            if os.geteuid() == 0:
                # WebKit's bubblewrap sandbox cannot start as root; only this process tree sees it.
                env["WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS"] = "1"
            self.driver = webdriver.WebKitGTK(options=options, service=Service(programs["WebKitWebDriver"], env=env))
            self.driver.set_window_rect(x=0, y=0, width=self.WINDOW[0], height=self.WINDOW[1])
            self.driver.set_page_load_timeout(30)
            self.driver.set_script_timeout(30)
        except BaseException:
            self.xvfb.terminate()
            raise

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            self.xvfb.terminate()
            self.xvfb.wait(timeout=10)


def start_xvfb(xvfb: str) -> tuple[subprocess.Popen, str]:
    """An Xvfb server on a free display number; returns it and its DISPLAY."""
    read, write = os.pipe()
    try:
        process = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1280x2048x24", "-nolisten", "tcp"],
                                   pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        number = b""
        while not number.endswith(b"\n"):
            chunk = os.read(read, 16)
            if not chunk:
                raise MissingBrowser(f"Xvfb ({xvfb}) exited without opening a display")
            number += chunk
    finally:
        os.close(read)
    return process, f":{number.decode().strip()}"


class WebKitTab(Tab):
    engine = "webkit"

    def __init__(self, session: WebKitSession, size: str):
        super().__init__(session.base, size)
        self.session = session
        self.driver = session.driver
        self.javascript = True
        self.opened = False
        # A fresh tab: the blank frame page, then no storage, cookies or records left by the last test.
        self.driver.switch_to.default_content()
        self.driver.get(f"{self.session.origin}{HARNESS_PATH}frame.html")
        self.driver.execute_script(
            "localStorage.clear(); sessionStorage.clear();"
            "for (const c of document.cookie.split(';')) document.cookie = c.split('=')[0].trim() + '=; path=/; max-age=0'")

    # The frame ------------------------------------------------------------------------------
    def _frame_loads(self) -> int:
        self.driver.switch_to.default_content()
        return self.driver.execute_script("return window.frameLoads")

    def _enter_frame(self, loads_before: int) -> None:
        """Wait in the frame page until the frame has loaded again, then work inside it."""
        from selenium.webdriver.common.by import By

        deadline = time.monotonic() + 30
        while self._frame_loads() <= loads_before:
            assert time.monotonic() < deadline, f"{self.where}: the page did not finish loading in 30 s"
            time.sleep(0.05)
        self.driver.switch_to.frame(self.driver.find_element(By.ID, "page"))

    def open(self, path: str) -> None:
        url = urljoin(self.base, path)
        query = f"w={self.width}&h={self.height}&src={quote(url, safe='')}" + ("" if self.javascript else "&nojs=1")
        self.driver.switch_to.default_content()
        self.driver.get(f"{self.session.origin}{HARNESS_PATH}frame.html?{query}")
        self._enter_frame(0)
        self.opened = True
        status = self.session.statuses.get(urlsplit(url).path)
        assert status in (200, 304), f"{self.where}: HTTP {status}"
        self.booted()

    def follow(self, selector: str, text: str | None = None, index: int = 0) -> None:
        element = self._in_view(selector, text, index)
        loads = self._frame_loads()
        self.driver.switch_to.frame(self._frame_element())
        element.click()
        self._enter_frame(loads)
        self.booted()

    def reload(self) -> None:
        loads = self._frame_loads()
        self.driver.switch_to.frame(self._frame_element())
        self.driver.execute_script("location.reload()")
        self._enter_frame(loads)
        self.booted()

    def _frame_element(self):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.ID, "page")

    @property
    def url(self) -> str:
        if not self.opened:
            return self.base
        return self.driver.execute_script("return location.href")

    # In the page ----------------------------------------------------------------------------
    def js(self, function: str, *args):
        # WebDriver awaits a returned promise, as Playwright's evaluate() does.
        return self.driver.execute_script(f"return ({function})(...arguments)", *args)

    def _element(self, selector: str, text: str | None, index: int):
        element = self.js(f"(s, t, i) => ({FIND})(s, t, i)", selector, text, index)
        assert element is not None, f"{self.where}: no {selector}" + (f" with 「{text}」" if text else "")
        return element

    def _in_view(self, selector: str, text: str | None, index: int):
        """The element, scrolled to the middle of the frame: WebDriver scrolls it only just into
        view, where Material's sticky header can cover it (Playwright scrolls until it is free)."""
        element = self._element(selector, text, index)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        return element

    def click(self, selector: str, text: str | None = None, index: int = 0) -> None:
        self._in_view(selector, text, index).click()

    def tap(self, selector: str, text: str | None = None, index: int = 0) -> None:
        from selenium.webdriver.common.actions import interaction
        from selenium.webdriver.common.actions.action_builder import ActionBuilder
        from selenium.webdriver.common.actions.pointer_input import PointerInput

        element = self._in_view(selector, text, index)
        if not self.touch:
            element.click()
            return
        actions = ActionBuilder(self.driver, mouse=PointerInput(interaction.POINTER_TOUCH, "finger"))
        actions.pointer_action.move_to(element).pointer_down().pointer_up()
        actions.perform()

    def press(self, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        chain = ActionChains(self.driver)
        if key == "Control+c":
            chain.key_down(Keys.CONTROL).send_keys("c").key_up(Keys.CONTROL)
        else:
            chain.send_keys({"Enter": Keys.ENTER, "Space": Keys.SPACE, "End": Keys.END}[key])
        chain.perform()

    def type_keys(self, selector: str, text: str) -> None:
        self._element(selector, None, 0).send_keys(text)

    def watch_search(self) -> None:
        # The test server adds tests/harness/search-log.js to pages requested with this cookie.
        self.driver.switch_to.default_content()
        self.driver.execute_script("document.cookie = 'ik-test-search-log=1; path=/'")
        if self.opened:
            self.driver.switch_to.frame(self._frame_element())

    def commit_text(self, selector: str, text: str) -> None:
        # WebDriver's send_keys sends a key per character; an editing command inserts the text
        # as the keyboard's commit does: beforeinput and input (insertText), no keydown.
        inserted = self.js("""(s, t) => { const box = document.querySelector(s); box.focus();
            return document.execCommand("insertText", false, t); }""", selector, text)
        assert inserted, f"{self.where}: WebKit refused to insert text into {selector}"

    def clipboard(self) -> str:
        """Paste with Ctrl+V into the textarea beside the frame and read it."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        self.driver.switch_to.default_content()
        try:
            box = self.driver.find_element(By.ID, "paste")
            self.driver.execute_script("arguments[0].value = ''; arguments[0].focus()", box)
            ActionChains(self.driver).key_down(Keys.CONTROL).send_keys("v").key_up(Keys.CONTROL).perform()
            return box.get_property("value")
        finally:
            if self.opened:
                self.driver.switch_to.frame(self._frame_element())

    def disable_javascript(self) -> None:
        self.javascript = False

    def without_material(self) -> None:
        # The test server leaves Material's bundle out of the pages it sends with this cookie.
        self.driver.switch_to.default_content()
        self.driver.execute_script("document.cookie = 'ik-test-no-material=1; path=/'")
        if self.opened:
            self.driver.switch_to.frame(self._frame_element())

    def trouble_with_clipboard(self, how: str) -> None:
        assert how in CLIPBOARD_TROUBLE, how
        # The test server adds tests/harness/clipboard-<how>.js to pages requested with this cookie.
        self.driver.switch_to.default_content()
        self.driver.execute_script(f"document.cookie = 'ik-test-clipboard={how}; path=/'")
        if self.opened:
            self.driver.switch_to.frame(self._frame_element())

    def _records(self, key: str) -> list[str]:
        return self.driver.execute_script(f"return JSON.parse(sessionStorage.getItem('{key}') || '[]')")

    def problems(self) -> list[str]:
        return self._records("ik-test:problems")

    def resize(self, size: str) -> None:
        self.size, (self.width, self.height) = size, SIZES[size]
        frame = self._frame_element_outside()
        self.driver.execute_script("arguments[0].width = arguments[1]; arguments[0].height = arguments[2]",
                                   frame, self.width, self.height)
        self.driver.switch_to.frame(frame)

    def settle(self) -> None:
        """No network events in WebDriver: wait until the page's resource list stops growing."""
        count, stable_since = -1, time.monotonic()
        deadline = stable_since + 10
        while time.monotonic() < deadline:
            now = self.js("() => document.readyState === 'complete' ? performance.getEntriesByType('resource').length : -1")
            if now != count:
                count, stable_since = now, time.monotonic()
            elif count >= 0 and time.monotonic() - stable_since > 0.3:
                return
            time.sleep(0.05)

    def requests(self) -> list[str]:
        return self._records("ik-test:requests")

    def screenshot(self, path: Path, full_page: bool = False) -> None:
        """The frame as the reader sees it, cut from a screenshot of the window (WebKitGTK's
        screenshot of the frame element alone comes out black). `full_page`: the frame made as
        tall as the page, taken in slices (a window taller than the screen renders black)."""
        from PIL import Image

        height = self.height
        if full_page:
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
        frame = self._frame_element_outside()
        self.driver.execute_script("arguments[0].height = arguments[1]", frame, height)
        window = self.driver.execute_script("return innerHeight")
        sheet = Image.new("RGB", (self.width, height), "white")
        for top in range(0, height, window):
            self.driver.execute_script("scrollTo(0, arguments[0])", top)
            scrolled = self.driver.execute_script("return scrollY")
            shot = Image.open(io.BytesIO(self.driver.get_screenshot_as_png()))
            part = shot.crop((0, top - scrolled, self.width, min(top - scrolled + window, height - scrolled)))
            sheet.paste(part, (0, top))
        sheet.save(path)
        self.driver.execute_script("scrollTo(0, 0); arguments[0].height = arguments[1]", frame, self.height)
        self.driver.switch_to.frame(frame)

    def _frame_element_outside(self):
        self.driver.switch_to.default_content()
        return self._frame_element()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.driver.switch_to.default_content()
