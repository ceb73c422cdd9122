"""Shared fixtures: the site built once (strict), its pages parsed, and real browsers.

- `tab`: a Chromium page (Playwright) on the `viewport` given, for the Chromium-only tests
  (axe, print, CSP injection...).
- `reader`: a tab of the reader's flows, the same test in every engine: Chromium at phone and
  desktop size and WebKit at phone size (tests/drivers.py adapts the two drivers).

Browser tests never skip: without Chromium or WebKit they fail and say how to install it.
"""

from __future__ import annotations

import contextlib
import functools
import http.cookies
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from drivers import (HARNESS, HARNESS_PATH, ChromiumTab, MissingBrowser, WebKitSession, WebKitTab,
                     watch)

ROOT = Path(__file__).resolve().parents[1]
# The tests build for a GitHub Pages project site, so they also prove the site works under a
# sub-path. Set before anything reads mkdocs.yml (site_url: !ENV SITE_URL).
# 60 characters, a realistic long address (a GitHub user name and a repository name of some
# length): the first-flight budget of tests/test_first_paint.py holds with it.
TEST_SITE_URL = "https://example-user-name.github.io/igyoshu-kouryukai-guide/"
os.environ["SITE_URL"] = TEST_SITE_URL
DOCS = ROOT / "docs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


def pytest_configure(config: pytest.Config) -> None:
    # Selenium's own WebKitGTK class passes its driver's address the deprecated way (selenium
    # 4.x); nothing in these tests can change that.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:setting remote_server_addr in RemoteConnection:DeprecationWarning:selenium.webdriver.remote.webdriver")


def build(project: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of the project at `project`, as `make build` runs it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict",
         "--config-file", str(project / "mkdocs.yml"), "--site-dir", str(site_dir)],
        capture_output=True, text=True, env=env, cwd=project, timeout=300,
    )


def failed_build(project: Path) -> str:
    """The output of a build of `project` that must fail (the test fails if it passes)."""
    result = build(project, project / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build should have failed, but passed:\n{output}"
    return output


def project_copy(tmp_path: Path) -> Path:
    """The real project (mkdocs.yml, docs/, overrides/) in a temporary directory, to change
    one thing and build it."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", copy / "docs")
    shutil.copytree(ROOT / "overrides", copy / "overrides", ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@dataclass(frozen=True)
class Page:
    """One Markdown page of docs/ and where its HTML lands in the built site."""

    src: str  # e.g. "events/first.md"

    @property
    def url(self) -> str:
        """Site-relative URL, as MkDocs writes it with directory URLs."""
        stem = self.src.removesuffix(".md")
        if stem == "index":
            return ""
        return stem.removesuffix("/index") + "/"

    @property
    def html_path(self) -> str:
        return self.url + "index.html"

    @property
    def markdown(self) -> str:
        return (DOCS / self.src).read_text(encoding="utf-8")

    @functools.cached_property
    def front_matter(self) -> dict:
        import yaml

        text = self.markdown
        assert text.startswith("---\n"), f"docs/{self.src}: starts without front matter"
        return yaml.safe_load(text.split("---\n", 2)[1])


@functools.cache
def mkdocs_config():
    """mkdocs.yml as MkDocs reads it (with SITE_URL applied, as in the build)."""
    from mkdocs.config import load_config

    return load_config(str(ROOT / "mkdocs.yml"))


PAGES = [Page(p.relative_to(DOCS).as_posix()) for p in sorted(DOCS.rglob("*.md"))]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built once per test session with --strict."""
    out = tmp_path_factory.mktemp("site")
    result = build(ROOT, out)
    assert result.returncode == 0, f"`mkdocs build --strict` failed:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture(scope="session")
def soup(site: Path):
    """Parsed HTML of a built page, by its site-relative path (cached)."""

    @functools.cache
    def parse(html_path: str) -> BeautifulSoup:
        path = site / html_path
        assert path.is_file(), f"{html_path} was not built"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    return parse


CSP_META = re.compile(rb'<meta http-equiv="Content-Security-Policy"[^>]*>|<head>')
# Material's script as the page names it (overrides/hooks/first_paint.js: data-material, which
# docs/javascripts/material.js also reads on a phone).
MATERIAL_BUNDLE = re.compile(rb'(data-material=")([^"]*assets/javascripts/bundle\.[^"]*\.js)(")')


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: the site under `prefix` (site_url's path), 404.html for what is missing.

    Besides the site, test-only files from tests/harness/ under /__tests__/ (outside the
    site's path). With `probe`, every page gets tests/harness/probe.js as its first script
    (see tests/drivers.py), and tests/harness/clipboard-<how>.js when the request carries the
    cookie ik-test-clipboard=<how>, tests/harness/search-log.js with ik-test-search-log; with
    ik-test-no-material, the page does not load Material's bundle (Tab.without_material).
    `statuses` keeps the last HTTP status of each path.
    """

    prefix = "/"
    probe = False
    statuses: dict[str, int] | None = None

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(HARNESS_PATH):
            return str(HARNESS / Path(path).name)
        if not (path + "/").startswith(self.prefix):
            return str(Path(self.directory) / "does-not-exist")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_response(self, code: int, message: str | None = None) -> None:
        if self.statuses is not None:
            self.statuses[urlsplit(self.path).path] = code
        super().send_response(code, message)

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if self.probe and path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        if not (self.probe and path.suffix == ".html" and path.is_file() and path.name != "frame.html"):
            return super().do_GET()
        self.send_page(200, path.read_bytes())

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        self.send_page(404, page.read_bytes())

    def send_page(self, code: int, body: bytes) -> None:
        if self.probe:
            body = self.with_probe(body)
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def with_probe(self, body: bytes) -> bytes:
        scripts = ["probe.js"]
        cookie = http.cookies.SimpleCookie(self.headers.get("Cookie", ""))
        if "ik-test-clipboard" in cookie:
            scripts.append(f"clipboard-{Path(cookie['ik-test-clipboard'].value).name}.js")
        if "ik-test-search-log" in cookie:
            scripts.append("search-log.js")
        if "ik-test-no-material" in cookie:
            # Not the bundle: WebKit takes it from its memory cache, whatever the headers say.
            body = MATERIAL_BUNDLE.sub(lambda m: m[1] + m[3], body)
        tags = "".join(f'<script src="{HARNESS_PATH}{name}"></script>' for name in scripts).encode()
        place = CSP_META.search(body)
        assert place, "a page without <head>"
        return body[:place.end()] + tags + body[place.end():]


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)  # a browser that left a page early is no error


@contextlib.contextmanager
def serve(site: Path, *, statuses: dict[str, int] | None = None, probe: bool = False):
    """Serve a built site on 127.0.0.1 under site_url's path, as GitHub Pages would; yield its URL.
    `probe` and `statuses`: for WebKit (see QuietHandler)."""
    prefix = urlsplit(mkdocs_config().site_url).path or "/"
    host = type("Host", (QuietHandler,), {"prefix": prefix, "probe": probe, "statuses": statuses})
    handler = functools.partial(host, directory=str(site))
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}{prefix}"
    finally:
        httpd.shutdown()


@pytest.fixture(scope="session")
def server(site: Path):
    """The built site served on 127.0.0.1 under its sub-path, as a static host would."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Missing Chromium is a failure, not a skip."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make chromium` (Debian: apt-get install chromium) "
                    "or set CHROMIUM=/path/to/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def tab(browser, viewport):
    """A fresh browser tab on the given viewport, in Japanese, that records what goes wrong:
    console errors, uncaught exceptions, failed requests and CSP violations."""
    context = browser.new_context(locale="ja-JP", **VIEWPORTS[viewport])
    page = context.new_page()
    watch(page)
    yield page
    context.close()


# The reader's flows, in both engines ------------------------------------------------------------

# engine-size, as the `reader` fixture takes them (sizes: tests/drivers.py SIZES).
READERS = ["chromium-phone", "chromium-desktop", "webkit-phone"]
PHONES = ["chromium-phone", "webkit-phone"]
# For a flow that only a phone has (the phone's width, a finger's tap).
ON_PHONES = pytest.mark.parametrize("reader", PHONES, indirect=True)


@pytest.fixture(scope="session")
def webkit(site: Path):
    """One WebKitGTK MiniBrowser for the whole session, with the site served to it by a host
    that adds the test probe to each page. Missing WebKit is a failure, not a skip."""
    statuses: dict[str, int] = {}
    with serve(site, statuses=statuses, probe=True) as url:
        try:
            session = WebKitSession(url, statuses)
        except MissingBrowser as error:
            pytest.fail(str(error))
        yield session
        session.close()


@pytest.fixture(params=READERS)
def reader(request, server):
    """A fresh tab (no storage, nothing recorded yet) in the engine and size of the parameter."""
    engine, size = request.param.split("-", 1)
    if engine == "webkit":
        tab = WebKitTab(request.getfixturevalue("webkit"), size)
    else:
        tab = ChromiumTab(request.getfixturevalue("browser"), server, size)
    yield tab
    tab.close()
