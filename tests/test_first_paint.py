"""The first screen comes in the first round trip (overrides/hooks/inline_css.py).

Every page's HTML, gzipped as a host sends it, fits the first TCP flight (14,600 bytes) with
the CSS of a phone's first screen inline. The rest of the CSS is one stylesheet of the site,
shared by every page, which first_paint.js brings (no inline event handlers) once a phone's
first screen is painted, before the page's scripts. In real Chromium on a phone
(390x844), light and dark, on every page:

- with that stylesheet refused, the first screen looks as on the finished page: nothing is
  unstyled, nothing is missing, nothing moves;
- with it held back, the page paints anyway, in the device's palette, having fetched nothing
  else first, and when it arrives nothing moves (no layout shift at all).

Wider screens (tablets, desktops) wait for the stylesheet, as every page did before.
The screenshots taken while it is held back are kept in .cache/first-paint/ to look at.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import PAGES, ROOT, TEST_SITE_URL, VIEWPORTS
from drivers import booted

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
from inline_css import FIRST_PAINT_SCRIPT, critical_css, prune  # noqa: E402 - the hook is not a package

# Ten TCP segments of 1,460 bytes: what a server sends before it waits for the first ACK.
FIRST_FLIGHT = 14_600
# zlib's default, what hosts and CDNs typically use for on-the-fly gzip (as bench/serve.py).
GZIP_LEVEL = 6
SHARED = re.compile(r"assets/stylesheets/site\.(?P<hash>[0-9a-f]{8})\.min\.css")
SHARED_ROUTE = re.compile(r".*/assets/stylesheets/site\.[0-9a-f]{8}\.min\.css$")
URLS = [p.url for p in PAGES] + ["404.html"]
SHOTS = ROOT / ".cache" / "first-paint"
# A pixel differs when a channel differs by more than this (anti-aliasing stays below it) ...
PIXEL_TOLERANCE = 32
# ... and a screen may differ in this share of its pixels at most (a glyph's edge, not a flash).
SCREEN_TOLERANCE = 0.001


def built_pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == len(URLS), f"expected {len(URLS)} pages, built {len(pages)}"
    return pages


def html_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# The HTML ---------------------------------------------------------------------------------


def test_every_page_fits_the_first_flight(site):
    sizes = {p.relative_to(site).as_posix(): len(gzip.compress(p.read_bytes(), GZIP_LEVEL)) for p in built_pages(site)}
    over = {page: size for page, size in sizes.items() if size > FIRST_FLIGHT}
    assert not over, (
        f"pages over {FIRST_FLIGHT:,} bytes gzipped, the first round trip: {over}. Shorten the page, or "
        "split it; what the first screen needs is in overrides/hooks/inline_css.py. All sizes: " + str(sizes))


def test_no_element_carries_an_inline_event_handler(site):
    found = [f"{path.relative_to(site)}: <{el.name} {name}=…>"
             for path in built_pages(site) for el in html_of(path).find_all(True)
             for name in el.attrs if name.lower().startswith("on")]
    assert not found, "inline event handlers (the CSP blocks them):\n" + "\n".join(found)


def test_each_page_inlines_its_critical_css_and_links_one_shared_stylesheet(site):
    targets = set()
    for path in built_pages(site):
        name = path.relative_to(site).as_posix()
        html = html_of(path)
        styles = html.find_all("style")
        assert len(styles) == 1 and styles[0].parent.name == "head", f"{name}: one <style> in <head>, the critical CSS"
        links = html.find_all("link", rel="stylesheet")
        assert len(links) == 1 and links[0].parent.name == "noscript" and links[0].parent.parent.name == "head", (
            f"{name}: the only stylesheet <link> is for readers without JavaScript, in <head>: {links}")
        loader = styles[0].find_next_sibling()
        assert loader.name == "script" and loader.string == FIRST_PAINT_SCRIPT, (
            f"{name}: right after the critical CSS comes first_paint.js, which brings the stylesheet")
        assert loader.find_next_sibling() is links[0].parent, f"{name}: then the <noscript> stylesheet"
        assert loader["data-css"] == links[0]["href"], f"{name}: two different stylesheets"
        assert not html.find_all("script", src=True), (
            f"{name}: the page's scripts must come through first_paint.js (after the first paint and the stylesheet)")
        sources = loader["data-scripts"].split(" ")
        assert loader["data-material"].rsplit("/", 1)[-1].startswith("bundle."), f"{name}: Material's script"
        assert not any("bundle." in src for src in sources), f"{name}: Material's script is not a site script: {sources}"
        href = links[0]["href"]
        assert not urlsplit(href).scheme and not href.startswith("//"), f"{name}: {href} is not a file of the site"
        base = TEST_SITE_URL
        url = urljoin(base + name.removesuffix("index.html"), href)
        assert url.startswith(base), f"{name}: {href} points out of the site"
        target = site / url.removeprefix(base)
        assert target.is_file() and SHARED.fullmatch(target.relative_to(site).as_posix()), f"{name}: {href} → {target}"
        targets.add(target)
    assert len(targets) == 1, f"the pages link different stylesheets: {targets}"
    (target,) = targets
    css = target.read_text(encoding="utf-8")
    digest = SHARED.fullmatch(target.relative_to(site).as_posix())["hash"]
    assert hashlib.sha256(css.encode("utf-8")).hexdigest().startswith(digest), "the name must change with the content"
    # Everything the pages use: both palettes, the site's own sheets, print.
    for needed in ("[data-md-color-scheme=slate]", ".md-sidebar--primary", ".red-flag", ".ik-share", ".ik-check",
                   "@media print", "@page"):
        assert needed in css, f"{target.name} lacks {needed}"
    # Palettes the site does not use and Material features it does not enable are gone.
    # ... and so is the rule that made every element's style be computed again when Material
    # starts (inline_css.LEFT_OUT).
    for unused in ("[data-md-color-primary=pink]", ".md-tabs__item", ".md-post", ".md-banner",
                   "data-md-color-switching"):
        assert unused not in css, f"{unused} should have been pruned from {target.name}"


def test_the_critical_css_is_what_a_phone_first_shows_in_either_palette(site):
    for path in built_pages(site):
        name = path.relative_to(site).as_posix()
        css = html_of(path).style.string
        # The menu (drawer) and the table of contents in it open from the first paint.
        needs = [".md-header{", "[data-md-color-scheme=slate]", ".md-typeset h1{", ".md-sidebar--primary{",
                 "[data-md-toggle=drawer]:checked~.md-container .md-sidebar--primary{", ".md-nav__link{",
                 "[data-md-toggle=drawer]:checked~.md-overlay{"]
        if html_of(path).find("input", id="__toc"):
            needs += [".md-nav--primary .md-nav__link[for=__toc]~.md-nav{", ".md-nav__toggle:checked~.md-nav{"]
        for needed in needs:
            assert needed in css, f"{name}: the critical CSS lacks {needed}"
        for later in ("@media print", ":hover", "[data-md-toggle=search]:checked", ".md-search-result",
                      "transition:", "min-width:76.25em", "::-webkit-scrollbar{", "scrollbar-color"):
            assert later not in css, f"{name}: {later} is not needed for a phone's first screen"


def test_critical_css_keeps_the_rules_a_phone_first_screen_can_use(tmp_path):
    (tmp_path / "assets" / "javascripts").mkdir(parents=True)
    (tmp_path / "assets" / "javascripts" / "bundle.js").write_text(
        'e.classList.add("js");x("div",{class:"md-typeset__scrollwrap"},x("div",{class:"md-typeset__table"}))',
        encoding="utf-8")
    html = ('<html class="no-js"><head><title>t</title></head><body data-md-color-scheme="default">'
            '<input data-md-toggle="drawer"><input data-md-toggle="search">'
            '<header class="md-header"><input data-md-color-scheme="slate">'
            '<div class="md-search__inner"><p class="md-search-result">x</p></div></header>'
            '<article class="md-typeset"><h1>題</h1><table><tr><td>a</td></tr></table><p>短い</p>'
            f'<p>{"あ" * 700}</p><details class="later"><summary>s</summary></details></article>'
            '<div class="md-dialog"></div></body></html>')
    css = ("@charset \"UTF-8\";.md-header{color:red;transition:color 1s;cursor:pointer}.md-header:hover{color:blue}"
           ".md-search__inner{width:0}.md-search-result{color:red}"
           "[data-md-color-scheme=slate]{--fg:#fff;--unread:1}body{color:var(--fg)}"
           ".md-typeset h1{margin:0}.md-typeset table+*{margin-top:1.5em}.md-typeset__table{display:block}"
           ".later{color:red}.md-dialog{position:fixed}.js .md-header{top:0}"
           "[data-md-toggle=drawer]:checked~.md-header{opacity:0}[data-md-toggle=search]:checked~.md-header{opacity:0}"
           ".md-nav__link .md-nav__icon:after{content:''}.md-header{scrollbar-color:red}"
           "@media print{.md-header{display:none}}@media screen and (min-width:60em){.md-header{height:3rem}}"
           "@media screen and (max-width:44.984375em){.md-header{height:2rem}}@keyframes spin{to{rotate:1turn}}")
    assert critical_css(html, [css], str(tmp_path)) == (
        ".md-header{color:red}.md-search__inner{width:0}[data-md-color-scheme=slate]{--fg:#fff}"
        "body{color:var(--fg)}.md-typeset h1{margin:0}.md-typeset table+*{margin-top:1.5em}"
        ".js .md-header{top:0}[data-md-toggle=drawer]:checked~.md-header{opacity:0}"
        "@media screen and (max-width:44.984375em){.md-header{height:2rem}}")


def test_critical_css_matches_selectors_as_if_their_pseudo_classes_were_absent(tmp_path):
    """Over, never under: a pseudo-class or pseudo-element never drops a rule (:not() may hold in
    some state), but the rest of the selector must still match the first screen."""
    (tmp_path / "assets" / "javascripts").mkdir(parents=True)
    (tmp_path / "assets" / "javascripts" / "bundle.js").write_text("document", encoding="utf-8")
    html = ('<html><head><title>t</title></head><body data-md-color-scheme="default">'
            '<input data-md-color-scheme="slate"><div class="a"><p class="b">x</p></div>'
            f'<article><p>{"あ" * 700}</p><p class="c">c</p></article></body></html>')
    css = (".a>:first-child{top:1px}.b:not(.b){top:2px}.a:has(.c)::before{top:3px}:is(.c) .b{top:4px}"
           ":not(.a)>.b:nth-child(odd){top:5px}[data-md-color-scheme=slate] .a:not(:last-child){top:6px}"
           ".a .b:is(.c){top:7px}.a~.b:first-child{top:8px}.b .a:not(.x){top:9px}.c:first-child{top:10px}"
           ".a>.b:focus,.b:hover{top:11px}.a || .b{top:12px}")
    assert critical_css(html, [css], str(tmp_path)) == (
        ".a>:first-child{top:1px}.b:not(.b){top:2px}.a:has(.c)::before{top:3px}:is(.c) .b{top:4px}"
        ":not(.a)>.b:nth-child(odd){top:5px}[data-md-color-scheme=slate] .a:not(:last-child){top:6px}"
        ".a .b:is(.c){top:7px}.a>.b:focus{top:11px}.a || .b{top:12px}"), (
        "kept: every selector that matches with its pseudo-classes left out, and one soupsieve cannot "
        "read (||); dropped: .b is no sibling of .a, .a is not inside .b, .c is past the first screen, :hover")


def test_stylesheet_pruning_keeps_what_can_match_and_drops_what_cannot():
    css = (".used{color:red}.unused{color:blue}.used .unused,.used>p{margin:0}"
           ".used:not(.unused){padding:0}.md-typeset :is(.unused,.used){top:0}"
           "[data-md-color-primary=indigo]{--x:1}[data-md-color-primary=pink]{--x:2}"
           "@media print{.unused{display:none}.used{display:block}}@keyframes spin{to{rotate:1turn}}p{line-height:1}")
    kept = prune(css, {"used", "md-typeset", "data-md-color-primary", "indigo"})
    assert kept == (".used{color:red}.used>p{margin:0}.used:not(.unused){padding:0}"
                    ".md-typeset :is(.unused,.used){top:0}[data-md-color-primary=indigo]{--x:1}"
                    "@media print{.used{display:block}}@keyframes spin{to{rotate:1turn}}p{line-height:1}")


def test_a_page_loads_only_the_site_scripts_it_uses(site):
    """overrides/hooks/page_scripts.py: a feature's script only where its markup is."""
    for path in built_pages(site):
        name = path.relative_to(site).as_posix()
        html = html_of(path)
        loader = html.find("script", attrs={"data-scripts": True})
        scripts = {src.rsplit("/", 1)[-1] for src in loader["data-scripts"].split()}
        assert loader["data-material"].rsplit("/", 1)[-1].startswith("bundle."), f"{name}: Material's script is missing"
        assert "material.js" in scripts, f"{name}: material.js, which runs Material's script on demand, is missing"
        for script, markup in (("share.js", "[data-ik-share]"), ("checklist.js", ".ik-check[data-check]")):
            assert (script in scripts) == bool(html.select(markup)), (
                f"{name}: {script} {'without' if script in scripts else 'missing for'} its markup {markup}")
    assert "checklist.js" not in (site / "index.html").read_text(encoding="utf-8"), "the landing page has no checklist"


# In Chromium -----------------------------------------------------------------------------

SETTLED = """() => document.fonts.ready.then(() => new Promise(done =>
  requestAnimationFrame(() => requestAnimationFrame(done))))"""
# For each stylesheet link: whether its rules have come (a refused one has none that can be
# read), whether it applies to this screen.
STYLESHEETS = """() => [...document.querySelectorAll("link[rel=stylesheet]")].map(l => {
  let rules = 0;
  try { rules = l.sheet ? l.sheet.cssRules.length : 0; } catch (e) { rules = 0; }
  return [rules > 0, matchMedia(l.media).matches];
})"""
FIRST_PAINT = "() => performance.getEntriesByType('paint').some(e => e.name === 'first-contentful-paint')"
# The stylesheets and scripts the page fetched before its first paint (Resource Timing API).
BEFORE_FIRST_PAINT = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0].startTime;
  return performance.getEntriesByType("resource")
    .filter(r => r.startTime < paint && /\\.(css|js)$/.test(new URL(r.name).pathname)).map(r => r.name);
}"""
LAYOUT_SHIFTS = """window.__shifts = [];
new PerformanceObserver(list => window.__shifts.push(...list.getEntries().map(e => ({
  value: e.value, sources: e.sources.map(s => s.node ? s.node.nodeName + "." + s.node.className : "?")}))))
  .observe({type: "layout-shift", buffered: true});"""


def screen(tab):
    from PIL import Image

    return Image.open(io.BytesIO(tab.screenshot())).convert("RGB")


def differing(a, b, top: int = 0) -> float:
    """The share of pixels below `top` that differ between two screenshots of one screen."""
    from PIL import ImageChops

    a, b = a.crop((0, top, a.width, a.height)), b.crop((0, top, b.width, b.height))
    red, green, blue = ImageChops.difference(a, b).split()
    diff = ImageChops.lighter(red, ImageChops.lighter(green, blue))  # each pixel's largest difference
    return sum(diff.histogram()[PIXEL_TOLERANCE + 1:]) / (diff.width * diff.height)


TOGGLE_BOX = """() => {
  const r = document.querySelector("label.md-header__button[for^=__palette_]:not([hidden])").getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom].map(Math.round);
}"""


def without(image, box):
    """The screenshot with a box (CSS pixels, the screenshots' scale) painted black."""
    from PIL import ImageDraw

    image = image.copy()
    ImageDraw.Draw(image).rectangle(box, fill=(0, 0, 0))
    return image


def shot_name(url: str, scheme: str, what: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{url.strip('/').replace('/', '-').removesuffix('.html') or 'index'}-phone-{scheme}-{what}.png"


def phone(browser, scheme: str):
    return browser.new_context(locale="ja-JP", color_scheme=scheme, **VIEWPORTS["phone"])


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_phone_first_screen_is_whole_before_the_shared_stylesheet_and_does_not_move_when_it_comes(
        browser, server, scheme):
    """Each page twice. First with the shared stylesheet held back: the page paints, in the
    device's palette, before it comes, and looks as it will once finished below the header;
    then the stylesheet comes, nothing moves, and Material's script still has not run (a phone
    runs it when the reader reaches for search). Then with it refused: once the page's scripts
    have run, the first screen looks as when finished, header included (bar the palette
    toggle's icon, which comes with the stylesheet)."""
    context = phone(browser, scheme)
    context.add_init_script(LAYOUT_SHIFTS)
    palette = "slate" if scheme == "dark" else "default"
    try:
        problems: dict[str, list[str]] = {}
        for url in URLS:
            found = problems.setdefault(url, [])
            tab = context.new_page()
            held = []
            tab.route(SHARED_ROUTE, lambda route: held.append(route))  # noqa: B023
            tab.goto(server + url, wait_until="commit")
            tab.wait_for_function(FIRST_PAINT, timeout=10_000)
            tab.evaluate(SETTLED)
            state = tab.evaluate("""() => ({
              palette: document.body.dataset.mdColorScheme,
              scriptRan: Boolean(window.component$),
              header: document.querySelector(".md-header").getBoundingClientRect().bottom})""")
            for _ in range(200):  # first_paint.js asks for it once the first screen is painted
                if held:
                    break
                tab.wait_for_timeout(50)
            assert len(held) == 1 and [loaded for loaded, _ in tab.evaluate(STYLESHEETS)] == [False], (
                f"{url}: the stylesheet came before the test could hold it back")
            assert not state["scriptRan"], f"{url}: Material's script ran before the stylesheet came"
            if state["palette"] != palette:
                found.append(f"first painted in {state['palette']}, not {palette}")
            first = screen(tab)
            first.save(shot_name(url, scheme, "stylesheet-held-back"))
            for route in held:
                route.continue_()
            booted(tab)
            tab.evaluate(SETTLED)
            tab.wait_for_timeout(300)  # past the theme's transitions
            assert not tab.evaluate("Boolean(window.component$)"), f"{url}: a phone ran Material's script at load"
            links = tab.evaluate(STYLESHEETS)
            assert links == [[True, True]], f"{url}: on a phone the stylesheet first_paint.js adds applies: {links}"
            if early := tab.evaluate(BEFORE_FIRST_PAINT):
                found.append(f"fetched before the first paint: {early}")
            finished = screen(tab)
            if shifts := tab.evaluate("window.__shifts"):
                found.append(f"layout shifts {shifts}")
            # The header's search and palette buttons are there from the first paint (the palette
            # toggle's icon comes with the stylesheet): the header is compared below.
            if (share := differing(first, finished, top=round(state["header"]) + 1)) > SCREEN_TOLERANCE:
                found.append(f"{share:.2%} of the screen under the header changed when the stylesheet came")
            tab.close()

            tab = context.new_page()
            refused = []
            tab.route(SHARED_ROUTE, lambda route: (refused.append(route.request.url), route.abort()))  # noqa: B023
            tab.goto(server + url, wait_until="load")
            booted(tab)  # the page's scripts run without the stylesheet too
            tab.evaluate(SETTLED)
            assert refused and [loaded for loaded, _ in tab.evaluate(STYLESHEETS)] == [False], (
                f"{url}: the stylesheet was not refused")
            alone = screen(tab)
            alone.save(shot_name(url, scheme, "without-shared-css"))
            # The palette toggle, which Material's script shows, draws its icon from the shared
            # stylesheet (inline_css.py: not needed for the first paint): without it, no icon.
            toggle = tab.evaluate(TOGGLE_BOX)
            if (share := differing(without(finished, toggle), without(alone, toggle))) > SCREEN_TOLERANCE:
                found.append(f"without the stylesheet, {share:.2%} of the screen differs from the finished page")
                finished.save(shot_name(url, scheme, "finished"))
            tab.close()
        problems = {url: found for url, found in problems.items() if found}
        assert not problems, f"{scheme} (screenshots in {SHOTS.relative_to(ROOT)}): {problems}"
    finally:
        context.close()


@pytest.mark.browser
def test_a_wide_screen_waits_for_the_shared_stylesheet(browser, server):
    """Tablets and desktops show more than the inline CSS covers: they must not paint without it."""
    context = browser.new_context(locale="ja-JP", **VIEWPORTS["desktop"])
    try:
        tab = context.new_page()
        held = []
        tab.route(SHARED_ROUTE, lambda route: held.append(route))
        tab.goto(server + "events/first/", wait_until="commit")
        tab.wait_for_timeout(1500)
        assert held, "the shared stylesheet was not requested"
        assert not tab.evaluate(FIRST_PAINT), "a desktop painted before its stylesheet came"
        for route in held:
            route.continue_()
        tab.wait_for_function(FIRST_PAINT, timeout=10_000)
        booted(tab)
        links = tab.evaluate(STYLESHEETS)
        assert links == [[True, True]], f"on a desktop the stylesheet first_paint.js adds at once applies: {links}"
        assert not tab.evaluate("document.documentElement.classList.contains('ik-wait')")
    finally:
        context.close()
