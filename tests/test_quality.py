"""Every page held to tools nobody here wrote: the Nu Html Checker, axe-core, a strict CSP.

Plus what those tools do not see: keyboard focus that is always visible and reaches every
control, and internal links and anchors that all resolve.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from drivers import booted
from conftest import PAGES, ROOT, VIEWPORTS

NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA, and the earlier versions' rules they include.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Every page a reader can land on, the 404 page included.
URLS = [p.url for p in PAGES] + ["404.html"]


def need(path: Path) -> Path:
    if not path.is_file():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `make test` (it runs `npm ci` from package-lock.json)")
    return path


def built_html(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# Valid HTML -----------------------------------------------------------------------


# The checker's CSP warnings are not about the page. It reads files (it refuses to fetch
# from localhost), so for it 'self' is a file: URL; it counts the theme's JSON data block
# (<script type="application/json">), which browsers never run, as script; and it does not
# match <style> elements against their 'sha256-' hashes. The browser tests check the policy
# for real: every page loads with zero CSP violations in Chromium.
CHECKER_CSP_WARNING = re.compile(r"^(Resource|Inline script|Inline style) violates Content Security Policy")


def test_every_page_is_valid_html(site):
    """The Nu Html Checker reads every built page: zero errors; warnings are listed by pytest."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("the Nu Html Checker needs Java: run `make system-deps` (Debian: default-jre-headless)")
    pages = built_html(site)
    assert len(pages) == len(URLS), f"expected {len(URLS)} pages, built {len(pages)}"
    result = subprocess.run([java, "-jar", str(need(VNU_JAR)), "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr)["messages"]

    def where(m: dict) -> str:
        name = unquote(urlsplit(m.get("url", "")).path).removeprefix(str(site) + "/")
        return f"{name}:{m.get('lastLine', '?')}: {m.get('message')}"

    errors = [where(m) for m in messages if m["type"] in ("error", "non-document-error")]
    for m in messages:
        if m["type"] == "info" and m.get("subType") == "warning" and not CHECKER_CSP_WARNING.match(m["message"]):
            warnings.warn(f"Nu Html Checker warning: {where(m)}", stacklevel=1)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)


# Accessibility ---------------------------------------------------------------------


def run_axe(tab) -> list[str]:
    tab.add_script_tag(path=str(need(AXE_JS)))
    result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(
        " ".join(n["target"]) + " — " + n["failureSummary"].replace("\n", " ") for n in v["nodes"][:5])
        for v in result["violations"]]


@pytest.mark.browser
@pytest.mark.parametrize("flags", ["closed", "open"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_every_page_passes_axe_at_wcag_22_aa(browser, server, viewport_name, scheme, flags):
    # axe is injected as a script, which the page's own CSP would rightly refuse.
    context = browser.new_context(locale="ja-JP", color_scheme=scheme, bypass_csp=True, **VIEWPORTS[viewport_name])
    try:
        tab = context.new_page()
        found = {}
        for url in URLS:
            tab.goto(server + url, wait_until="load")
            booted(tab)
            expected = "slate" if scheme == "dark" else "default"
            assert tab.evaluate("document.body.dataset.mdColorScheme") == expected, f"{url}: palette not {scheme}"
            if flags == "open":
                opened = tab.evaluate("[...document.querySelectorAll('details')].map(d => d.open = true).length")
                if url in ("background/", "events/first/", "events/second/"):
                    assert opened > 0, f"{url} should have red flags to open"
                # Every checklist box ticked: the verdict then shows its counts and the list of
                # signs with their links (docs/javascripts/checklist.js).
                ticked = tab.evaluate("[...document.querySelectorAll('.ik-check input[type=checkbox]')]"
                                      ".map(box => box.click()).length")
                if url in ("fit/", "check/"):
                    assert ticked > 0 and tab.locator(".ik-check__counts").first.is_visible(), f"{url}: no verdict"
            violations = run_axe(tab)
            if violations:
                found[url] = violations
        assert not found, "axe-core violations:\n" + "\n".join(
            f"{url}:\n  " + "\n  ".join(v) for url, v in found.items())
    finally:
        context.close()


FOCUS_INDICATOR = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {name: "body"};
  const shown = (node, pseudo) => {
    if (!node) return null;
    const cs = getComputedStyle(node, pseudo);
    const box = node.getBoundingClientRect();
    const size = pseudo ? [parseFloat(cs.width), parseFloat(cs.height)] : [box.width, box.height];
    if (!(size[0] >= 1 && size[1] >= 1) || cs.visibility === "hidden") return null;
    const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0;
    return outline || cs.boxShadow !== "none" ? box : null;
  };
  // The focused element, or what the theme draws for it: its label, or the sibling that
  // stands in for a visually hidden input (palette toggle, task-list box).
  const candidates = [[el, null], [el.labels && el.labels[0], null], [el.nextElementSibling, null],
                      [el.nextElementSibling, "::before"]];
  const box = candidates.map(([node, pseudo]) => shown(node, pseudo)).find(Boolean);
  const visible = Boolean(box);
  const inView = visible && box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
  return {
    name: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")} ` +
          `«${(el.getAttribute("aria-label") || el.textContent || el.parentElement.textContent).trim().slice(0, 24)}»`,
    visible, inView,
    kind: el.matches("input[name^=__palette]") ? "palette" : el.matches(".md-search__input") ? "search" :
          el.matches("details.red-flag > summary") ? "red-flag" : el.matches(".task-list-control input") ? "checkbox" :
          el.matches(".ik-check__button") ? "button" : "",
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize(("url", "controls"), [
    ("events/first/", {"palette", "search", "red-flag"}),
    ("fit/", {"palette", "search", "checkbox", "button"}),
    ("check/", {"palette", "search", "checkbox", "button"}),
])
def test_keyboard_focus_is_always_visible_and_reaches_every_control(browser, server, url, controls):
    context = browser.new_context(locale="ja-JP", **VIEWPORTS["desktop"])
    try:
        tab = context.new_page()
        tab.goto(server + url, wait_until="load")
        booted(tab)
        reached, invisible, seen = set(), [], []
        for _ in range(300):
            tab.keyboard.press("Tab")
            focus = tab.evaluate(FOCUS_INDICATOR)
            if focus["name"] == "body" or (seen and focus["name"] == seen[0]):
                break  # round the whole page once
            seen.append(focus["name"])
            if not (focus["visible"] and focus["inView"]):
                invisible.append(focus["name"])
            reached.add(focus["kind"])
        else:
            pytest.fail(f"{url}: Tab never came back round after 300 presses: {seen[-5:]}")
        assert len(seen) > 10, f"{url}: only {len(seen)} tab stops: {seen}"
        assert not invisible, f"{url}: keyboard focus is not visible on: {invisible}"
        assert controls <= reached, f"{url}: Tab never reached {controls - reached}"
    finally:
        context.close()


# Content Security Policy -----------------------------------------------------------


def policy_of(html: BeautifulSoup) -> dict[str, list[str]]:
    meta = html.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None, "no <meta http-equiv=Content-Security-Policy>"
    return {d.split()[0]: d.split()[1:] for d in meta["content"].split(";") if d.strip()}


def hashes_of(texts: list[str]) -> set[str]:
    return {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in texts}


def test_every_page_carries_a_strict_policy_that_hashes_its_own_inline_scripts(site):
    pages = built_html(site)
    assert len(pages) == len(URLS)
    for path in pages:
        name = path.relative_to(site)
        html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        policy = policy_of(html)
        head = html.head.find_all(["meta", "script", "link", "style"])
        assert head[1].get("http-equiv") == "Content-Security-Policy", f"{name}: the CSP must precede every script"
        for directive, sources in policy.items():
            assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(sources), f"{name}: {directive} {sources}"
            foreign = [s for s in sources if re.match(r"(https?:|wss?:|//|\*\.)", s) or "." in s.strip("'")]
            assert not foreign, f"{name}: {directive} allows other origins {foreign}"
        assert policy["default-src"] == ["'none'"] and policy["object-src"] == ["'none'"]
        inline = [s.string or "" for s in html.find_all("script")
                  if not s.has_attr("src") and s.get("type", "text/javascript") == "text/javascript"]
        assert inline, f"{name}: expected the theme's inline scripts"
        assert set(policy["script-src"]) == {"'self'"} | hashes_of(inline), f"{name}: script-src ≠ its inline scripts"
        styles = [s.string or "" for s in html.find_all("style")]
        assert set(policy["style-src"]) == {"'self'"} | hashes_of(styles), f"{name}: style-src ≠ its inline styles"
        assert not html.find_all(style=True), f"{name}: style attributes would be blocked by the CSP"


@pytest.mark.browser
def test_the_site_works_under_its_policy(tab, server):
    """Search, palette toggle and red flags all run with the CSP on, with no violation."""
    tab.goto(server + "events/first/", wait_until="load")
    booted(tab)
    flag = tab.locator("details.red-flag").first
    flag.locator("summary").click()
    assert flag.evaluate("d => d.open")
    scheme = tab.evaluate("document.body.dataset.mdColorScheme")
    tab.locator("form[data-md-component=palette] label:visible").first.click()
    tab.wait_for_function(f"document.body.dataset.mdColorScheme !== {scheme!r}")
    toggle = tab.locator("label.md-header__button[for=__search]")
    box = tab.locator("input.md-search__input")
    (toggle if toggle.is_visible() else box).click()
    box.focus()
    tab.keyboard.insert_text("名刺")  # as a phone's keyboard commits it: no key event
    tab.wait_for_selector("li.md-search-result__item", timeout=10_000)
    assert not tab.problems, "\n".join(tab.problems)


@pytest.mark.browser
def test_a_script_injected_into_a_page_is_blocked(tab, server):
    target = server + "events/second/"

    def inject(route):
        response = route.fetch()
        body = response.text().replace("</body>", "<script>window.__injected = true</script></body>")
        route.fulfill(response=response, body=body)

    tab.route(target, inject)
    tab.goto(target, wait_until="load")
    assert "window.__injected" in tab.content(), "the test failed to inject its script"
    assert tab.evaluate("window.__injected") is None, "an injected inline script ran: the CSP does not hold"
    assert any(p.startswith("CSP violation: script-src") for p in tab.problems), tab.problems


# Links -------------------------------------------------------------------------------


def test_every_internal_link_and_anchor_resolves_and_external_links_are_safe(site, server):
    base = urlsplit(server)
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids[path] = {el["id"] for el in html.find_all(id=True)} | {a["name"] for a in html.find_all("a", attrs={"name": True})}
        return ids[path]

    broken, unsafe, checked = [], [], 0
    for path in built_html(site):
        rel = path.relative_to(site).as_posix()
        page_url = urljoin(server, rel.removesuffix("index.html"))
        html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for a in html.find_all("a", href=True):
            href = a["href"]
            if href.startswith(("mailto:", "tel:")):
                continue
            url = urlsplit(urljoin(page_url, href))
            if url.netloc != base.netloc:
                if url.scheme != "https":
                    unsafe.append(f"{rel}: {href} is not https://")
                if a.get("target") == "_blank" and "noopener" not in a.get("rel", []):
                    unsafe.append(f"{rel}: {href} opens a new tab without rel=noopener")
                continue
            checked += 1
            local = unquote(url.path).removeprefix(base.path)
            target = site / local
            if target.is_dir() or local == "":
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{rel}: {href} → no such page")
            elif url.fragment and unquote(url.fragment) not in ids_of(target):
                broken.append(f"{rel}: {href} → no #{unquote(url.fragment)} on that page")
    assert checked > 50, f"only {checked} internal links found: is the site built?"
    assert not broken, "broken internal links:\n" + "\n".join(broken)
    assert not unsafe, "unsafe external links:\n" + "\n".join(unsafe)
