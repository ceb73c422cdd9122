"""A phone page is complete from its first paint, and Material's script waits for search.

On a screen narrower than 45em, Material's bundle does not run at load
(overrides/hooks/first_paint.js only fetches it); docs/javascripts/material.js runs it when the
reader first reaches for search. Everything else works without it: red flags, the palette
toggle (overrides/hooks/palette.js), the menu and its table of contents (CSS, with their rules
in the page's inline CSS), and print (first_paint.js reads the shared stylesheet into the print
if it has not come yet).
"""

from __future__ import annotations

import io
import re

import pytest
from conftest import ON_PHONES, VIEWPORTS
from drivers import booted
from test_first_paint import FIRST_PAINT, SHARED_ROUTE
from test_quality import AXE_JS, AXE_TAGS, need

MATERIAL_RAN = "() => Boolean(window.component$) || document.documentElement.hasAttribute('data-ik-material')"
SEARCH_BOX = ".md-search__input"
TOGGLE = "form[data-md-component=palette] label:not([hidden])"


@pytest.mark.browser
@ON_PHONES
def test_a_phone_reads_taps_and_switches_palette_without_material_then_search_starts_it(reader):
    reader.open("events/second/")
    reader.booted()
    assert not reader.js(MATERIAL_RAN), f"{reader.where}: Material's script ran at load on a phone"

    # A red flag opens at a tap, and the palette switches, with Material's script still asleep.
    reader.tap("details.red-flag > summary")
    reader.wait_for("() => document.querySelector('details.red-flag').open", what="the red flag to open")
    before = reader.js("() => document.body.dataset.mdColorScheme")
    reader.tap(TOGGLE)
    reader.wait_for("s => document.body.dataset.mdColorScheme !== s", before, what="the palette to switch")
    after = reader.js("() => document.body.dataset.mdColorScheme")
    assert reader.js("() => __md_get('__palette').color.scheme") == after, f"{reader.where}: choice not kept"
    assert reader.visible(TOGGLE), f"{reader.where}: no toggle to switch back"
    assert not reader.js(MATERIAL_RAN), f"{reader.where}: Material's script ran without the reader reaching for search"

    # The search button opens the box at once, focused; what the reader commits from a Japanese
    # keyboard right away lands there and is searched once Material has started.
    reader.tap("label.md-header__button[for=__search]")
    reader.wait_for(f"() => document.activeElement === document.querySelector('{SEARCH_BOX}') "
                    "&& document.getElementById('__search').checked", what="a focused search box")
    reader.commit_text(SEARCH_BOX, "名刺")
    reader.wait_for(MATERIAL_RAN, what="Material's script to start")
    reader.wait_for("() => document.querySelectorAll('.md-search-result__item').length > 0", timeout=15,
                    what="results for what was typed before Material started")
    assert reader.js(f"() => document.querySelector('{SEARCH_BOX}').value") == "名刺"
    # Material's palette reads the same choice when it starts.
    assert reader.js("() => document.body.dataset.mdColorScheme") == after
    assert not reader.problems(), f"{reader.where}:\n" + "\n".join(reader.problems())


@pytest.mark.browser
def test_material_keys_for_search_open_it_on_a_phone(browser, server):
    context = browser.new_context(locale="ja-JP", **VIEWPORTS["phone"])
    try:
        tab = context.new_page()
        tab.goto(server + "background/", wait_until="load")
        booted(tab)
        assert not tab.evaluate(MATERIAL_RAN)
        tab.keyboard.press("/")
        tab.wait_for_function(f"() => document.activeElement === document.querySelector('{SEARCH_BOX}')")
        assert tab.evaluate(f"() => document.querySelector('{SEARCH_BOX}').value") == "", "the key typed itself"
        tab.wait_for_function(MATERIAL_RAN)
    finally:
        context.close()


def axe_in(tab, selector: str) -> list[str]:
    tab.add_script_tag(path=str(need(AXE_JS)))
    result = tab.evaluate("([where, tags]) => axe.run({include: [where]}, {runOnly: {type: 'tag', values: tags}})",
                          [selector, AXE_TAGS])
    return [f"{v['id']}: " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5]) for v in result["violations"]]


DRAWER_OPEN = """() => {
  const box = document.querySelector(".md-sidebar--primary").getBoundingClientRect();
  return box.left >= 0 && box.right > 100;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_menu_and_its_table_of_contents_open_and_read_before_the_shared_stylesheet(browser, server, scheme):
    """With the shared stylesheet held back (a slow line), the menu opens from the first paint,
    and so does the table of contents in it; axe finds nothing in either."""
    context = browser.new_context(locale="ja-JP", color_scheme=scheme, bypass_csp=True, **VIEWPORTS["phone"])
    try:
        tab = context.new_page()
        held = []
        tab.route(SHARED_ROUTE, lambda route: held.append(route))
        tab.goto(server + "events/second/", wait_until="commit")
        tab.wait_for_function(FIRST_PAINT, timeout=10_000)
        tab.locator("label.md-header__button[for=__drawer]").tap()
        tab.wait_for_function(DRAWER_OPEN)
        nav = tab.locator(".md-sidebar--primary .md-nav__link", has_text="1回目").first
        assert nav.is_visible(), "the menu's links are not visible"
        assert not axe_in(tab, ".md-sidebar--primary"), axe_in(tab, ".md-sidebar--primary")
        tab.locator(".md-sidebar--primary label.md-nav__link[for=__toc]").tap()
        toc = tab.locator(".md-sidebar--primary .md-nav--secondary .md-nav__link", has_text="良かった").first
        toc.wait_for(state="visible")
        box = toc.bounding_box()
        assert box and 0 <= box["x"] < VIEWPORTS["phone"]["viewport"]["width"], f"table of contents off screen: {box}"
        violations = axe_in(tab, ".md-sidebar--primary")
        assert not violations, f"{scheme}: the table of contents with the stylesheet held back:\n" + "\n".join(violations)
        assert held and not tab.evaluate("document.styleSheets.length > 1 && [...document.styleSheets]"
                                         ".some(s => s.href && s.href.includes('/site.'))"
                                         " && [...document.styleSheets].find(s => s.href && s.href.includes('/site.'))"
                                         ".cssRules.length > 0"), "the shared stylesheet came after all"
        for route in held:
            route.continue_()
    finally:
        context.close()


def sheets(pdf_bytes: bytes) -> list[tuple[str, bytes]]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(io.BytesIO(pdf_bytes))
    out = []
    for page in pdf:
        text = page.get_textpage().get_text_range()
        image = page.render(scale=1).to_pil().convert("L")
        out.append((re.sub(r"\s+", " ", text).strip(), image.tobytes()))
    return out


@pytest.mark.browser
def test_a_page_printed_at_once_on_a_phone_prints_as_once_settled(browser, server):
    """A reader who prints (or saves as PDF) right after opening a page on a phone, before the
    shared stylesheet has come, gets the same sheets as one who waits. (Pages without a
    checklist: a checklist's restored ticks and verdict come from its script, which runs once
    the stylesheet is in; a reader that early does not have them on screen either.)"""
    context = browser.new_context(locale="ja-JP", **VIEWPORTS["phone"])
    try:
        for url in ("", "events/second/", "help/"):
            tab = context.new_page()
            held = []
            # Hold back the page's own request for the stylesheet, not the one printing makes.
            tab.route(SHARED_ROUTE, lambda route: held.append(route) if route.request.resource_type == "stylesheet"  # noqa: B023
                      else route.continue_())
            tab.goto(server + url, wait_until="load")
            tab.wait_for_function(FIRST_PAINT, timeout=10_000)
            early = sheets(tab.pdf(format="A4"))
            assert held, f"/{url}: the stylesheet came before the page was printed"
            tab.close()

            tab = context.new_page()
            tab.goto(server + url, wait_until="load")
            booted(tab)
            settled = sheets(tab.pdf(format="A4"))
            tab.close()
            assert [t for t, _ in early] == [t for t, _ in settled], f"/{url}: the text of the sheets differs"
            assert "このページを送る" not in " ".join(t for t, _ in early), f"/{url}: the share bar printed"
            changed = [i + 1 for i, ((_, a), (_, b)) in enumerate(zip(early, settled)) if a != b]
            assert not changed, f"/{url}: sheets {changed} differ when printed before the stylesheet came"
    finally:
        context.close()


# Each distinct icon image (a CSS mask with an SVG data: URI) makes a browser build a whole SVG
# document, about 10 ms each on a slow phone, in the task that applies the shared stylesheet,
# where a reader's first tap waits (bench/taps.py). So an icon nobody can see yet has no image:
# the closed menu's, the closed search's clear button; the share icons are inline <svg>s that
# share.js draws from the same data (masks only without JavaScript).
MASKS = """selectors => selectors.map(([selector, pseudo]) => [...document.querySelectorAll(selector)].map(e => {
  const s = getComputedStyle(e, pseudo);
  const image = s.getPropertyValue('mask-image') || s.getPropertyValue('-webkit-mask-image');
  return image && image !== 'none' ? image.slice(0, 40) : 'none';
}))"""
HIDDEN_ICONS = [[".md-sidebar--primary .md-nav__icon", "::after"],
                [".md-sidebar--primary .md-nav__link[for=__toc] .md-icon", "::after"],
                [".md-search__options .md-search__icon", "::before"]]
SHARE_ICONS = """() => [...document.querySelectorAll('.ik-share__icon')].map(e => {
  const s = getComputedStyle(e), svg = e.querySelector(':scope > svg');
  const image = s.getPropertyValue('mask-image') || s.getPropertyValue('-webkit-mask-image');
  return {icon: e.className, svg: Boolean(svg && svg.querySelector('path')),
          fill: svg ? getComputedStyle(svg).fill === s.color : false, mask: image && image !== 'none'};
})"""


@pytest.mark.browser
@ON_PHONES
def test_icons_nobody_sees_yet_build_no_image_and_show_when_needed(reader):
    reader.open("events/second/")
    reader.booted()
    drawer, toc, clear = reader.js(MASKS, HIDDEN_ICONS)
    assert drawer and toc and clear, f"{reader.where}: the menu's or search's icons are missing from the page"
    assert set(drawer + toc + clear) == {"none"}, f"{reader.where}: hidden icons have images: {drawer, toc, clear}"

    shares = reader.js(SHARE_ICONS)
    assert len(shares) >= 7, f"{reader.where}: share icons missing: {shares}"
    wrong = [s for s in shares if not s["svg"] or not s["fill"] or s["mask"]]
    assert not wrong, f"{reader.where}: share icons not drawn as inline <svg> in the text colour: {wrong}"

    # The menu's arrows and its table-of-contents icon are there once it opens.
    reader.tap("label.md-header__button[for=__drawer]")
    reader.wait_for(f"s => ({MASKS})(s).slice(0, 2).flat().every(m => m.startsWith('url('))", HIDDEN_ICONS[:2],
                    what="the open menu's icons")

    # A red flag's send row, made when it opens, draws its icons the same way.
    reader.js("() => { document.getElementById('__drawer').checked = false; }")  # closed as by the overlay
    reader.wait_for("() => document.getAnimations().every(a => a.playState !== 'running')",
                    what="the menu to finish sliding shut")
    reader.tap("details.red-flag > summary")
    reader.wait_for("() => document.querySelector('details.red-flag').open", what="the red flag to open")
    reader.wait_for("() => document.querySelectorAll('details.red-flag .ik-flag-send svg path').length === 2",
                    what="the flag's send row with its two icons")
    assert not reader.problems(), f"{reader.where}:\n" + "\n".join(reader.problems())


@pytest.mark.browser
def test_without_javascript_the_share_icons_are_masks(browser, server):
    context = browser.new_context(locale="ja-JP", java_script_enabled=False, **VIEWPORTS["phone"])
    try:
        tab = context.new_page()
        tab.goto(server + "events/second/", wait_until="load")
        shares = tab.evaluate(SHARE_ICONS)
        assert shares and all(s["mask"] and not s["svg"] for s in shares), f"share icons without JavaScript: {shares}"
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["events/second/", "background/#rf-sdgs-health-talk"])
def test_a_phone_first_paints_the_whole_parsed_page(browser, server, path):
    """Painted while the rest of the page is still coming, a phone would show its top, then
    jump to the section linked, and lay the page out again right after that first paint,
    where a reader's first tap waits (first_paint.js: ik-wait until DOMContentLoaded)."""
    context = browser.new_context(locale="ja-JP", **VIEWPORTS["phone"])
    try:
        tab = context.new_page()
        # A slow phone's CPU, as bench/taps.py measures (on a fast one, parsing may simply end first).
        context.new_cdp_session(tab).send("Emulation.setCPUThrottlingRate", {"rate": 4})
        tab.goto(server + path, wait_until="load")
        tab.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length > 0")
        fcp, parsed, waiting = tab.evaluate("""() => [
            performance.getEntriesByName('first-contentful-paint')[0].startTime,
            performance.getEntriesByType('navigation')[0].domInteractive,
            document.documentElement.classList.contains('ik-wait')]""")
        assert fcp >= parsed, f"{path}: first paint at {fcp:.0f} ms, before the page was parsed ({parsed:.0f} ms)"
        assert not waiting, f"{path}: still hidden after load"
    finally:
        context.close()


RECORD_TRANSITIONS = """
  window.__transitions = [];
  document.addEventListener('transitionrun', e => {
    const t = e.target;
    window.__transitions.push(`${t.tagName.toLowerCase()}.${String(t.className).split(' ')[0]} ${e.propertyName}`);
  }, true);
"""


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "check/", "events/second/"])
def test_nothing_fades_when_the_shared_stylesheet_comes(browser, server, path):
    """Each transition that starts then plays for a quarter of a second on the main thread, in the
    first half second, where a reader's first tap waits (site.css, share.css). Chromium only: the
    listener has to be there before the stylesheet comes, which WebDriver cannot arrange."""
    context = browser.new_context(locale="ja-JP", **VIEWPORTS["phone"])
    try:
        context.add_init_script(RECORD_TRANSITIONS)
        tab = context.new_page()
        tab.goto(server + path, wait_until="load")
        booted(tab)
        assert tab.evaluate("() => [...document.styleSheets].some(s => /site\\.[0-9a-f]+\\.min\\.css$/.test(s.href))")
        tab.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        assert tab.evaluate("() => window.__transitions") == [], f"/{path}: transitions started at load"
        # The hover fade the share buttons keep: it plays when the reader hovers, not before.
        tab.hover(".ik-share__link--line")
        tab.wait_for_function("() => window.__transitions.length > 0")
    finally:
        context.close()
