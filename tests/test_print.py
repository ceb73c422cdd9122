"""Printing and "save as PDF" in real Chromium (docs/stylesheets/print.css).

A reader prints a page to hand it to a friend: every red flag is on the paper, open or
not on screen; nothing to click is (header, search, palette toggle, navigation, table of
contents, share bar, buttons); links to other sites show their address; a checklist keeps
its ticks and stays on one sheet. The PDFs are read back with pypdfium2, as text and as
pixels, so what is checked is what comes out of the printer. The sheets of events/second/
and sheet 1 of the fit check (one box ticked) are kept as PNGs in .cache/print/ for a person
to look at.
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

from drivers import booted
from conftest import PAGES, ROOT

pytestmark = pytest.mark.browser

PRINTS = ROOT / ".cache" / "print"
# A4 less the 15 mm margins of print.css's @page, in CSS px (96 per inch).
SHEET_WIDTH_PX = (210 - 30) / 25.4 * 96
SHEET_HEIGHT_PX = (297 - 30) / 25.4 * 96
MARGIN_PT = 15 / 25.4 * 72
# How much of an item's text finds it in a PDF (whole texts may wrap onto a second line).
PREFIX = 14
# What no sheet may carry, with what it is: each is visible on screen on a desktop.
CHROME = {
    "header": ".md-header",
    "search": ".md-search",
    "palette toggle": "form[data-md-component=palette]",
    "navigation": ".md-sidebar--primary",
    "table of contents": ".md-sidebar--secondary",
    "share bar": ".ik-share",
    "前へ/次へ": ".md-footer__inner",
}
# Seen only at some moments on screen (after scrolling back up; after JavaScript ran; the
# skip link while it has keyboard focus, which it keeps when the reader then prints).
CHROME_SOMETIMES = {"back-to-top button": ".md-top", "checklist buttons": ".ik-check__actions",
                    "skip link": ".md-skip"}


# Paper is paper: the sheet, not the screen, sets the printed layout, so most print tests run
# once. The chrome test keeps both viewports (the desktop's sidebars must go too).
ONE_VIEWPORT = pytest.mark.parametrize("viewport", ["desktop"], indirect=True)


def open_page(tab, server: str, url: str) -> None:
    """Open `url` on screen (media emulation outlives navigation) once its scripts have run."""
    tab.emulate_media(media="screen")
    response = tab.goto(server + url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    booted(tab)
    tab.wait_for_load_state("networkidle")  # search's worker and scripts loaded, as when a reader prints


def pages_with(soup, selector: str) -> list[str]:
    return [p.url for p in PAGES if soup(p.html_path).select(selector)]


def pdf_of(tab) -> pdfium.PdfDocument:
    """The page as Chromium prints it: A4, background graphics off (the print dialog's default)."""
    return pdfium.PdfDocument(tab.pdf(format="A4"))


def sheet_texts(pdf: pdfium.PdfDocument) -> list[str]:
    """Each sheet's text without white space (line breaks fall anywhere in Japanese)."""
    return [re.sub(r"\s+", "", pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]


def find(pdf: pdfium.PdfDocument, text: str) -> list[tuple[int, tuple[float, float, float, float]]]:
    """Where `text` starts on the sheets: (sheet index, box of its first character in PDF points)."""
    hits = []
    for i in range(len(pdf)):
        textpage = pdf[i].get_textpage()
        searcher = textpage.search(text, match_case=True)
        while (hit := searcher.get_next()) is not None:
            hits.append((i, textpage.get_charbox(hit[0])))
    return hits


def dark_pixels(image, box: tuple[int, int, int, int] | None = None) -> int:
    grey = (image.crop(box) if box else image).convert("L")
    return sum(count for level, count in enumerate(grey.histogram()) if level < 128)


# Red flags and what is left out -----------------------------------------------------------

RED_FLAG_BODIES = """flags => flags.map(d => {
  const body = [...d.children].filter(c => c.tagName !== "SUMMARY");
  return {
    id: d.id,
    open: d.open || d.hasAttribute("open"),
    parts: body.length,
    shown: body.filter(c => c.checkVisibility() && c.getBoundingClientRect().height > 0).length,
  };
})"""


@ONE_VIEWPORT
def test_every_red_flag_prints_open_while_it_stays_closed(tab, server, soup):
    urls = pages_with(soup, "details.red-flag")
    assert len(urls) >= 3, f"red flags expected on several pages, found them on {urls}"
    for url in urls:
        open_page(tab, server, url)
        flags = tab.locator("details.red-flag")
        on_screen = flags.evaluate_all(RED_FLAG_BODIES)
        assert all(f["shown"] == 0 for f in on_screen), f"{url}: closed red flags show their body on screen"

        tab.emulate_media(media="print")
        printed = flags.evaluate_all(RED_FLAG_BODIES)
        assert printed, f"{url}: no red flags in the page"
        for flag in printed:
            assert not flag["open"], f"{url}#{flag['id']}: opened by a script; print.css alone must show it"
            assert flag["parts"] and flag["shown"] == flag["parts"], (
                f"{url}#{flag['id']}: {flag['shown']} of {flag['parts']} parts of its body are visible in print")
        text = flags.first.inner_text()
        assert len(text.splitlines()) > 1, f"{url}: the first red flag prints only its summary: {text!r}"

        tab.emulate_media(media="screen")
        again = flags.evaluate_all(RED_FLAG_BODIES)
        assert all(f["shown"] == 0 for f in again), f"{url}: red flags stay open on screen after printing"
    assert not tab.problems, "\n".join(tab.problems)


@ONE_VIEWPORT
def test_a_red_flag_that_opens_a_sheet_leaves_no_line_at_the_foot_of_the_one_before(tab, server):
    """Chromium's PDF lets the top edge of a box that starts a sheet show at the foot of the
    sheet before: with the frame on the box's edge, a thin red line across the page."""
    open_page(tab, server, "events/second/")
    tab.set_viewport_size({"width": round(SHEET_WIDTH_PX), "height": round(SHEET_HEIGHT_PX)})
    tab.emulate_media(media="print")
    summary = tab.evaluate("""sheet => {
      const flag = document.querySelector("details.red-flag"), box = flag.getBoundingClientRect();
      const spacer = document.createElement("div");
      spacer.style.height = `${Math.max(0, sheet - (box.top + scrollY + box.height / 2))}px`;
      flag.before(spacer);  // its middle onto the first page break: it moves whole to sheet 2
      return flag.querySelector("summary").textContent.trim();
    }""", SHEET_HEIGHT_PX)
    pdf = pdf_of(tab)
    assert [sheet for sheet, _ in find(pdf, summary[:PREFIX])] == [1], f"the red flag {summary!r} does not open sheet 2"
    scale = 2  # as a PDF viewer shows a whole sheet (a printer's finer raster hides the line)
    image = pdf[0].render(scale=scale).to_pil().convert("RGB")
    foot = round((pdf[0].get_height() - MARGIN_PT) * scale)
    band = image.crop((0, foot - 4 * scale, image.width, foot + 2 * scale))
    red = sum(1 for r, g, b in band.get_flattened_data() if r - max(g, b) > 25)
    assert red == 0, f"a red line ({red} red pixels) at the foot of sheet 1, from the red flag that opens sheet 2"


def test_print_leaves_out_header_navigation_share_bar_and_buttons(tab, server, viewport):
    for url in ["events/second/", "fit/"]:
        open_page(tab, server, url)
        if viewport == "desktop":  # the sidebars are a drawer on a phone, visible or not
            shown = [name for name, css in CHROME.items() if not tab.locator(css).first.is_visible()]
            assert not shown, f"{url}: not visible on screen to begin with (fix the test): {shown}"
        tab.locator(".md-skip").focus()
        tab.wait_for_function("() => getComputedStyle(document.querySelector('.md-skip')).opacity === '1'")
        tab.emulate_media(media="print")
        printed = [name for name, css in {**CHROME, **CHROME_SOMETIMES}.items()
                   if tab.locator(css).count() and tab.locator(css).first.evaluate(
                       "e => e.checkVisibility({visibilityProperty: true}) && e.getClientRects().length > 0")]
        assert not printed, f"{url}: printed although it is for the screen only: {printed}"
        assert tab.locator("article h1").first.is_visible(), f"{url}: the heading does not print"
        tab.emulate_media(media="screen")


@ONE_VIEWPORT
def test_checklist_buttons_do_not_print(tab, server, soup):
    urls = pages_with(soup, ".ik-check__actions")
    assert "fit/" in urls, f"the fit check's buttons are missing from fit.md: {urls}"
    for url in urls:
        open_page(tab, server, url)
        actions = tab.locator(".ik-check__actions")
        tab.wait_for_function("() => [...document.querySelectorAll('.ik-check__actions')].every(a => !a.hidden)")
        assert actions.first.is_visible(), f"{url}: checklist.js did not show the buttons (fix the test)"
        tab.emulate_media(media="print")
        assert all(not actions.nth(i).is_visible() for i in range(actions.count())), f"{url}: checklist buttons print"
        assert all(not b.is_visible() for b in tab.locator(".ik-check button").all()), f"{url}: a button prints"


@ONE_VIEWPORT
def test_print_is_black_on_white_in_dark_mode_too(tab, server):
    open_page(tab, server, "events/second/")
    tab.locator("label[for=__palette_1]").click()  # the reader's own toggle: dark mode
    assert tab.locator("body").get_attribute("data-md-color-scheme") == "slate"
    tab.emulate_media(media="print", color_scheme="dark")
    colours = tab.evaluate("""() => {
      const css = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
      return {
        page: css("body", "backgroundColor"),
        text: css("article p", "color"),
        heading: css("article h2", "color"),
        link: css("article a[href]:not(.headerlink)", "color"),
        flag: css("details.red-flag > p", "color"),
        flagSummary: css("details.red-flag > summary", "color"),
      };
    }""")
    assert colours.pop("page") in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), "the page prints on a dark background"
    light = {name: c for name, c in colours.items() if c != "rgb(0, 0, 0)"}
    assert not light, f"text that prints in other than black in dark mode: {light}"


# Addresses of links ----------------------------------------------------------------------

AFTER = """a => {
  const after = getComputedStyle(a, "::after"), own = getComputedStyle(a);
  return {href: a.getAttribute("href"), content: after.content, size: parseFloat(after.fontSize),
          own: parseFloat(own.fontSize), wrap: after.overflowWrap};
}"""


@ONE_VIEWPORT
def test_links_to_other_sites_print_their_address_and_internal_links_do_not(tab, server):
    open_page(tab, server, "fit/")
    # No page links out yet (the share bar does not print); add one as an author would write it.
    external = "https://example.com/%E4%BA%A4%E6%B5%81%E4%BC%9A/a-long-address-that-must-wrap-on-paper?x=1"
    tab.evaluate("""href => {
      const p = document.createElement("p"), a = document.createElement("a");
      a.href = href; a.id = "ik-test-external"; a.textContent = "ほかのサイト";
      p.append("参考:", a); document.querySelector("article h1").after(p);
    }""", external)
    tab.emulate_media(media="print")

    out = tab.locator("#ik-test-external").evaluate(AFTER)
    assert external in out["content"], f"the address of an external link does not print: {out}"
    assert out["size"] < out["own"], f"the printed address should be smaller than the text: {out}"
    assert out["wrap"] == "anywhere", f"a long address must wrap anywhere: {out}"

    internal = tab.locator("article a[href]:not([href^=http])").evaluate_all(f"links => links.map({AFTER})")
    assert internal, "fit.md has internal links"
    printed = [link for link in internal if link["content"] not in ("none", "normal")]
    assert not printed, f"internal links print something after them: {printed}"

    pdf = pdf_of(tab)
    assert any(external in text for text in sheet_texts(pdf)), "the address is not in the printed PDF"


# Checklists -----------------------------------------------------------------------------

BOX = """(ind, pseudo) => {
  const s = getComputedStyle(ind, pseudo);
  return {content: s.content, display: s.display, border: parseFloat(s.borderTopWidth),
          borderStyle: s.borderTopStyle, borderColor: s.borderTopColor, mask: s.maskImage,
          right: parseFloat(s.borderRightWidth), bottom: parseFloat(s.borderBottomWidth)};
}"""


@ONE_VIEWPORT
def test_ticked_and_unticked_boxes_print_differently(tab, server):
    open_page(tab, server, "fit/")
    items = tab.locator("li.task-list-item")
    assert items.count() >= 3
    items.nth(0).locator("label.task-list-control").click()
    assert items.nth(0).locator("input[type=checkbox]").is_checked()
    assert not items.nth(2).locator("input[type=checkbox]").is_checked()
    tab.emulate_media(media="print")

    ticked, unticked = (items.nth(i).locator(".task-list-indicator") for i in (0, 2))
    for name, box in (("ticked", ticked), ("unticked", unticked)):
        before = box.evaluate(BOX, "::before")
        # Printers drop backgrounds (and with them Material's masked box): a border always prints.
        assert before["border"] > 0 and before["borderStyle"] == "solid", f"{name} box has no printed border: {before}"
        assert before["borderColor"] in ("rgb(0, 0, 0)", "rgba(0, 0, 0, 0.87)"), f"{name} box border: {before}"
        assert before["mask"] == "none", f"a mask would cut the {name} box's border away: {before}"
    tick, no_tick = ticked.evaluate(BOX, "::after"), unticked.evaluate(BOX, "::after")
    assert tick["content"] not in ("none", "normal") and tick["right"] > 0 and tick["bottom"] > 0, (
        f"a ticked box draws no tick in print: {tick}")
    assert no_tick["content"] in ("none", "normal"), f"an unticked box draws a tick: {no_tick}"

    # On paper: the box left of each item's text, ticked against unticked.
    pdf = pdf_of(tab)
    texts = [items.nth(i).locator(".task-list-text").inner_text().strip() for i in (0, 2)]
    (sheet, tick_box), (sheet2, plain_box) = (find(pdf, t[:8])[0] for t in texts)
    assert sheet == sheet2 == 0
    scale = 4
    page = pdf[0]
    image = page.render(scale=scale).to_pil()
    PRINTS.mkdir(parents=True, exist_ok=True)
    image.save(PRINTS / "fit-ticked-1.png")

    def box_ink(char: tuple[float, float, float, float]) -> int:
        left, bottom, right, top = char
        size = top - bottom  # one em, near enough
        height = page.get_height()
        region = (int((left - 1.8 * size) * scale), int((height - top - 0.5 * size) * scale),
                  int((left - 0.1 * size) * scale), int((height - bottom + 0.5 * size) * scale))
        return dark_pixels(image, region)

    ink_ticked, ink_plain = box_ink(tick_box), box_ink(plain_box)
    assert ink_plain > 50, f"an unticked box is not visible on paper ({ink_plain} dark pixels)"
    assert ink_ticked > 1.2 * ink_plain, (
        f"a ticked box looks like an unticked one on paper ({ink_ticked} against {ink_plain} dark pixels)")


CHECKLISTS = """() => {
  const uls = [...document.querySelectorAll("article ul.task-list")]
    .filter(ul => !ul.parentElement.closest("ul.task-list"));
  const lists = [];
  for (const [index, ul] of uls.entries()) {
    // The block the list stands in (its .ik-check__group, if any) and the heading right above it.
    let block = ul;
    while (!block.previousElementSibling && block.parentElement && block.parentElement.tagName !== "ARTICLE")
      block = block.parentElement;
    const prev = block.previousElementSibling;
    const items = [...ul.querySelectorAll(":scope > li .task-list-text")].map(t => t.textContent.replace(/\\s+/g, ""));
    // Groups in a row read as one list (fit.md splits 合わない人 in two for the verdict's sake).
    if (prev && prev.matches(".ik-check__group") && lists.length) {
      lists.at(-1).items.push(...items);
      lists.at(-1).uls.push(index);
      continue;
    }
    const heading = prev && /^H[1-6]$/.test(prev.tagName)
      ? [...prev.childNodes].filter(n => !(n.classList && n.classList.contains("headerlink")))
          .map(n => n.textContent).join("").trim()
      : null;
    lists.push({uls: [index], heading, items, joins: items.length});
  }
  return lists;
}"""


def sheets_of_list(texts: list[str], items: list[str]) -> list[set[int]]:
    return [{i for i, text in enumerate(texts) if item in text} for item in items]


def name_of(lst: dict) -> str:
    return f"the checklist {lst['heading'] or lst['items'][0]!r}"


def assert_list_on_one_sheet(pdf: pdfium.PdfDocument, lst: dict, where: str) -> None:
    sheets = sheets_of_list(sheet_texts(pdf), lst["items"])
    assert all(len(s) == 1 for s in sheets) and len(set().union(*sheets)) == 1, (
        f"{where}: {name_of(lst)} is split across sheets: {dict(zip(lst['items'], map(sorted, sheets)))}")
    if lst["heading"]:
        (sheet,) = sheets[0]
        first = [box for i, box in find(pdf, lst["items"][0][:PREFIX]) if i == sheet]
        above = [box for i, box in find(pdf, lst["heading"]) if i == sheet and first and box[1] > first[0][3]]
        assert above, f"{where}: the heading {lst['heading']!r} is not on the sheet of its list (sheet {sheet + 1})"


def checklist_urls(soup) -> list[str]:
    urls = pages_with(soup, "article ul.task-list")
    assert "fit/" in urls, f"fit.md has checklists; pages with task lists: {urls}"
    return urls


@ONE_VIEWPORT
def test_each_checklist_prints_on_one_sheet_with_its_heading(tab, server, soup):
    for url in checklist_urls(soup):
        open_page(tab, server, url)
        tab.emulate_media(media="print")
        lists = tab.evaluate(CHECKLISTS)
        pdf = pdf_of(tab)
        for lst in lists:
            assert_list_on_one_sheet(pdf, lst, url)


PUSH_ONTO_BREAK = """([uls, item, sheet]) => {
  const all = [...document.querySelectorAll("article ul.task-list")]
    .filter(ul => !ul.parentElement.closest("ul.task-list"));
  const lists = uls.map(i => all[i]), items = lists.flatMap(ul => [...ul.children]);
  let block = lists[0];
  while (!block.previousElementSibling && block.parentElement.tagName !== "ARTICLE")
    block = block.parentElement;
  const prev = block.previousElementSibling;
  if (prev && /^H[1-6]$/.test(prev.tagName)) block = prev;
  // First guess from the layout on screen: the middle of one item onto the end of a sheet.
  const li = items[item].getBoundingClientRect(), mid = li.top + scrollY + li.height / 2;
  const spacer = window.__ikSpacer = document.createElement("div");
  const height = (Math.ceil(mid / sheet) * sheet - mid + sheet) % sheet;
  spacer.style.height = `${height}px`;
  block.before(spacer);
  // Allow breaks anywhere in and around the list, over print.css (undone by TIGHTEN).
  const loose = [block, block.nextElementSibling];
  for (const ul of lists) {
    loose.push(ul, ...ul.querySelectorAll("*"));
    for (let e = ul.parentElement; e && e.tagName !== "ARTICLE"; e = e.parentElement) loose.push(e);
  }
  window.__ikLoose = loose.filter(Boolean);
  for (const e of window.__ikLoose) e.style.breakInside = e.style.breakAfter = e.style.breakBefore = "auto";
  return height;
}"""
SPACER = "height => { window.__ikSpacer.style.height = `${height}px`; }"
TIGHTEN = """() => { for (const e of window.__ikLoose) e.style.breakInside = e.style.breakAfter = e.style.breakBefore = ""; }"""


@ONE_VIEWPORT
def test_a_checklist_that_would_straddle_a_page_break_moves_whole(tab, server, soup):
    """Push each checklist down until a page break falls inside it: printed, it must move to
    the next sheet whole, its heading with it. The same layout with page breaks allowed
    everywhere (set on the elements, over print.css) must split it, or the test proves nothing.
    Where two groups make one list, the break is put between them."""
    for url in checklist_urls(soup):
        open_page(tab, server, url)
        for lst in tab.evaluate(CHECKLISTS):
            if len(lst["items"]) < 2:
                continue  # one line cannot be split; test_each_checklist_prints_on_one_sheet covers it
            item = lst["joins"] if lst["joins"] < len(lst["items"]) else 1
            open_page(tab, server, url)
            tab.set_viewport_size({"width": round(SHEET_WIDTH_PX), "height": round(SHEET_HEIGHT_PX)})
            tab.emulate_media(media="print")
            spacer = tab.evaluate(PUSH_ONTO_BREAK, [lst["uls"], item, SHEET_HEIGHT_PX])
            for _ in range(4):
                pdf = pdf_of(tab)
                loose = sheets_of_list(sheet_texts(pdf), lst["items"])
                if len(set().union(*loose)) > 1:
                    break
                # Where that item's middle really is on its sheet, and the rest of the sheet below it.
                sheet, (_, bottom, _, top) = find(pdf, lst["items"][item][:PREFIX])[0]
                y = (pdf[sheet].get_height() - MARGIN_PT - (top + bottom) / 2) * 96 / 72
                spacer += SHEET_HEIGHT_PX - y
                tab.evaluate(SPACER, spacer)
            else:
                pytest.fail(f"{url}: {name_of(lst)} did not straddle a page break even with breaks allowed "
                            f"({[sorted(s) for s in loose]}); the test's spacer missed the break")
            tab.evaluate(TIGHTEN)
            assert_list_on_one_sheet(pdf_of(tab), lst, f"{url} (pushed onto a page break)")


# The printed pages, as a reader gets them ------------------------------------------------

@ONE_VIEWPORT
def test_events_second_prints_legibly(tab, server):
    open_page(tab, server, "events/second/")
    tab.emulate_media(media="print")
    pdf = pdf_of(tab)
    assert 1 <= len(pdf) <= 8, f"events/second/ prints on {len(pdf)} A4 sheets"
    PRINTS.mkdir(parents=True, exist_ok=True)
    for old in PRINTS.glob("events-second-*.png"):
        old.unlink()  # a sheet left from a longer print would mislead whoever looks
    reds = 0
    for i in range(len(pdf)):
        image = pdf[i].render(scale=2).to_pil().convert("RGB")
        image.save(PRINTS / f"events-second-{i + 1}.png")
        if i == 0:
            width, height = image.size
            ink = dark_pixels(image)
            assert ink > 0.005 * width * height, f"sheet 1 of events/second/ is blank ({ink} dark pixels)"
        reds += sum(1 for r, g, b in image.get_flattened_data() if r > 150 and g < 90 and b < 90)
    assert reds > 100, "the red flags' red (border, flag icon) does not print"
    text = "".join(sheet_texts(pdf))
    for absent in ("このページを送る", "QRコード", "コンテンツにスキップ", "1回目:会費1,000円の夜の会"):
        assert absent not in text, f"{absent!r} is printed"
    assert "個人の体験にもとづく感想です" in text, "the footer's note about the text is not printed"



