"""Japanese labels break lines only between phrases, in every engine.

Headings, red-flag summaries, table headers, nav and TOC labels, buttons and the checklists'
verdicts are short lines that a reader takes in at a glance; broken inside a word
(「格好のカ/モ」) they read wrong. overrides/hooks/phrases.py puts a <wbr> between BudouX's
phrases in each of them and gives them the class ik-phrases (docs/stylesheets/site.css:
`word-break: keep-all`), so that a line breaks only at a <wbr>. Body paragraphs keep the
browser's own Japanese line breaking.

The browser test measures it from the rendered layout: for each label, the line each
character lands on (a Range's client rect per character), compared with BudouX's phrases of
the label's text (kinsoku applied, as the hook does: a phrase never starts with 、or :), at
320 and 390 px in Chromium and in WebKit. A phrase wider than the whole line has to break
somewhere: that is listed, not failed (BudouX reads
「オフィスカジュアル・タートルネック・ガンギマリの」 as one phrase). For a table's row and
column headers the line is the one the table stands in, not the header's cell: a table that
squeezes a column below a phrase (「止められた/ら」) breaks it for nothing. Only where the hook
puts a <wbr> after punctuation inside a table header's phrase (「ノルマ・/ランク」, for the
comparison's three columns) may such a header break inside a phrase: listed, not failed.
"""

from __future__ import annotations

import collections
import functools
import importlib.util
import json
import re
import sys

import pytest

from conftest import ON_PHONES, PAGES, ROOT
from drivers import SIZES


@functools.cache
def hook():
    """overrides/hooks/phrases.py, loaded as MkDocs loads a hook (its folder on sys.path)."""
    folder = str(ROOT / "overrides" / "hooks")
    spec = importlib.util.spec_from_file_location("phrases_under_test", f"{folder}/phrases.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(folder)
    return module


# What a reader sees as a label, by kind (CSS selectors of the built pages).
LABEL_KINDS = {
    "heading": ".md-content :is(h1, h2, h3)",
    "red-flag summary": "details.red-flag > summary",
    "row header": ".md-content th[scope=row]",
    "column header": ".md-content thead th",
    "nav or TOC label": ".md-nav__link .md-ellipsis, .md-nav__title, .md-footer__title .md-ellipsis",
    "button": ".md-content button, .md-content details:not(.red-flag) > summary",
    "reading time": ".md-content .ik-reading-time",
}
# Inside a label but not its text: the heading's ¶ link, words only a screen reader hears, icons.
NOT_TEXT = ".headerlink, .ik-visually-hidden, svg, .md-nav__icon, .md-nav__button"
INVISIBLE_CHARACTERS = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

# For every label on the page: its text and where its lines start (indexes into the text).
# A character starts a new line when its box is below the middle of the previous character's.
# The verdicts are measured as checklist.js shows them: each copied into the verdict box in turn.
MEASURE = """(kinds, notText, verdicts) => {
  const range = document.createRange();
  const measure = (el) => {
    const skip = (node) => { const s = node.parentElement.closest(notText); return s && el.contains(s); };
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT,
      { acceptNode: (n) => skip(n) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT });
    let text = "", previous = null;
    const breaks = [], widths = [];
    for (let node; (node = walker.nextNode());) {
      const data = node.data;
      for (let i = 0; i < data.length;) {
        const size = data.codePointAt(i) > 0xffff ? 2 : 1;
        range.setStart(node, i);
        range.setEnd(node, i + size);
        const box = [...range.getClientRects()].find((r) => r.width > 0 && r.height > 0);
        if (box && !/\\s/.test(data[i])) {
          if (previous && box.top > previous.top + previous.height / 2) breaks.push(text.length);
          previous = box;
        }
        widths.push(box ? box.width : 0);
        if (size === 2) widths.push(0);
        text += data.slice(i, i + size);
        i += size;
      }
    }
    // The width a line may take: the content box of the nearest non-inline box; for a table's
    // header, of the box the table stands in.
    let block = el.closest("table") ? el.closest("table").parentElement : el;
    while (getComputedStyle(block).display === "inline") block = block.parentElement;
    const style = getComputedStyle(block);
    const lineWidth = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { text, breaks, widths, lineWidth };
  };
  const labels = [];
  for (const [kind, selector] of Object.entries(kinds)) {
    for (const el of document.querySelectorAll(selector)) {
      if (el.getClientRects().length) labels.push({ kind, ...measure(el) });
    }
  }
  for (const root of verdicts ? document.querySelectorAll(".ik-check") : []) {
    const out = root.querySelector("[data-verdict-out]");
    if (!out || out.hidden) continue;
    const shown = [...out.childNodes], chosen = out.dataset.verdict;
    for (const block of root.querySelectorAll(".ik-check__verdicts [data-verdict]")) {
      out.replaceChildren(...[...block.children].map((child) => child.cloneNode(true)));
      out.dataset.verdict = block.dataset.verdict;
      labels.push({ kind: "checklist verdict", ...measure(out.firstElementChild) });
    }
    out.replaceChildren(...shown);
    out.dataset.verdict = chosen;
  }
  return labels;
}"""


TABLE_HEADERS = ("row header", "column header")


def bad_breaks(label: dict) -> tuple[list[int], list[int], list[int]]:
    """The label's line starts inside a phrase that fits on a line (bad), those inside a phrase
    wider than the line (it has to break somewhere), and, in a table's header, those after the
    punctuation inside a phrase where overrides/hooks/phrases.py puts a <wbr> for a column too
    narrow for the phrase (「ノルマ・/ランク」: the comparison's three columns cannot all hold
    their headers' phrases whole on a phone). A line may also start after a space."""
    text, widths = label["text"], label["widths"]
    spans = hook().phrase_spans(text)
    starts = {start for start, _ in spans}
    punctuation = {at for start, end in spans for at in range(start + 1, end) if hook().may_break_inside(text, at)} \
        if label["kind"] in TABLE_HEADERS else set()
    bad, overlong, at_punctuation = [], [], []
    for b in label["breaks"]:
        if b in starts or text[b - 1].isspace():
            continue
        if b in punctuation:
            at_punctuation.append(b)
            continue
        start, end = next(((s, e) for s, e in spans if s < b < e), (b, b))
        (overlong if sum(widths[start:end]) > label["lineWidth"] + 0.5 else bad).append(b)
    return bad, overlong, at_punctuation


def shown(text: str, breaks: list[int]) -> str:
    """The label as laid out: / where a line ends."""
    out, last = [], 0
    for b in breaks:
        out.append(text[last:b])
        last = b
    out.append(text[last:])
    return "/".join(part.strip() for part in out)


class Tally:
    """Labels measured at one width: those broken inside a phrase, those with a phrase too wide
    for a line, table headers broken after a phrase's punctuation, and how many were measured
    and broken per kind."""

    def __init__(self):
        self.bad, self.overlong, self.at_punctuation = [], [], []
        self.measured, self.broken = collections.Counter(), collections.Counter()

    def add(self, url: str, label: dict) -> None:
        self.measured[label["kind"]] += 1
        inside, too_wide, at_punctuation = bad_breaks(label)
        where = f"{url or 'index'}: {label['kind']} 「{shown(label['text'], label['breaks'])}」"
        if inside:
            self.broken[label["kind"]] += 1
            self.bad.append(where)
        elif too_wide:
            self.overlong.append(where)
        elif at_punctuation:
            self.at_punctuation.append(where)

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} {self.broken[kind]}/{self.measured[kind]}" for kind in self.measured)
        return (f"{sum(self.broken.values())} of {sum(self.measured.values())} labels break inside a phrase "
                f"({kinds}); {len(self.overlong)} with a phrase wider than the line; "
                f"{len(self.at_punctuation)} table headers after a phrase's punctuation")


def count_phrase_breaks(reader, urls: list[str], sizes: list[str]) -> dict[str, Tally]:
    """Every label of the pages, measured at each size (one page load for all sizes)."""
    tallies = {size: Tally() for size in sizes}
    for url in urls:
        reader.open(url)
        for size in sizes:
            reader.resize(size)
            for label in reader.js(MEASURE, LABEL_KINDS, NOT_TEXT, True):
                tallies[size].add(url, label)
    return tallies


ALL_URLS = [p.url for p in PAGES] + ["404.html"]


@ON_PHONES
@pytest.mark.browser
def test_labels_break_lines_only_between_phrases(reader, soup):
    """At 390 px and at 320 px; every table's row and column headers among them."""
    tallies = count_phrase_breaks(reader, ALL_URLS, ["phone", "small-phone"])
    headers = {kind: sum(len(soup(path).select(LABEL_KINDS[kind])) for path in [p.html_path for p in PAGES] + ["404.html"])
               for kind in ("row header", "column header")}
    report = []
    for size, tally in tallies.items():
        width = SIZES[size][0]
        print(f"\n{reader.engine} {width}px: {tally}" + "".join(f"\n  {o}" for o in tally.overlong + tally.at_punctuation))
        assert set(tally.measured) == {*LABEL_KINDS, "checklist verdict"}, f"{reader.engine} {width}px: measured only {dict(tally.measured)}"
        assert tally.measured["checklist verdict"] == 9 and tally.measured["red-flag summary"] >= 20, dict(tally.measured)
        for kind, count in headers.items():
            assert tally.measured[kind] == count >= 7, f"{reader.engine} {width}px: measured {tally.measured[kind]} of the {count} {kind}s"
        if tally.bad:
            report.append(f"{reader.engine} {width}px: {tally}:\n" + "\n".join(tally.bad))
    assert not report, "\n".join(report)
    assert not reader.problems(), "\n".join(reader.problems())


@pytest.mark.browser
@pytest.mark.parametrize("reader", ["chromium-small-phone", "webkit-small-phone"], indirect=True)
def test_body_text_keeps_the_browsers_own_japanese_line_breaking(reader):
    reader.open("events/first/")
    styles = reader.js("""() => [...document.querySelectorAll("article > p:not(.ik-reading-time)")].map(p =>
        [getComputedStyle(p).wordBreak, p.querySelectorAll("wbr").length])""")
    assert styles and all(s == ["normal", 0] for s in styles), f"{reader.where}: body paragraphs (word-break, <wbr>s): {styles}"
    # A paragraph wider than one line breaks inside a phrase somewhere: normal breaking fills lines.
    lines = reader.js(MEASURE, {"paragraph": "article > p"}, NOT_TEXT, False)
    long_ones = [p for p in lines if len(p["breaks"]) >= 2]
    assert long_ones and any(bad_breaks(p)[0] for p in long_ones), \
        f"{reader.where}: body paragraphs seem to break only between phrases; they should fill their lines"


# Build level: the breaks are in the labels' HTML and nowhere else ------------------------------

WBR = re.compile(r"<wbr\s*/?>", re.I)


def test_labels_carry_a_wbr_between_phrases_and_the_class(soup):
    checked = 0
    for html_path in [p.html_path for p in PAGES] + ["404.html"]:
        page = soup(html_path)
        for kind, selector in {**LABEL_KINDS, "checklist verdict": ".ik-check__verdicts [data-verdict] > p:first-child"}.items():
            for el in page.select(selector):
                text = "".join(s for s in el.find_all(string=True) if not s.find_parent(class_=["headerlink", "ik-visually-hidden"]))
                if not text.strip():
                    continue
                checked += 1
                where = f"{html_path}: {kind} 「{text.strip()}」"
                assert "ik-phrases" in el.get("class", []), f"{where} has no class ik-phrases"
                spans = hook().phrase_spans(text)
                starts = {start for start, _ in spans} - {spans[0][0]}
                wbr_at = positions_of_wbr(el)
                assert starts <= wbr_at, f"{where}: no <wbr> where phrases start at {sorted(starts - wbr_at)}"
                for at in wbr_at - starts:
                    start, end = next((s, e) for s, e in spans if s < at < e)
                    long_or_narrow = end - start > hook().LONG_PHRASE or el.name == "th"
                    assert long_or_narrow and hook().may_break_inside(text, at), (
                        f"{where}: a <wbr> at {at}, inside the phrase 「{text[start:end]}」")
    assert checked > 100, f"only {checked} labels found"


def positions_of_wbr(el) -> set[int]:
    """Indexes into the label's text (as the browser test reads it) where a <wbr> stands."""
    at, found = 0, set()
    for node in el.descendants:
        if getattr(node, "name", None) == "wbr":
            found.add(at)
        elif isinstance(node, str) and not node.find_parent(class_=["headerlink", "ik-visually-hidden"]):
            at += len(node)
    return found


def test_body_paragraphs_get_no_breaks(soup):
    for p in PAGES:
        for para in soup(p.html_path).select("article p"):
            if para.find_parent(class_="ik-check__verdicts") and para.find_previous_sibling() is None:
                continue  # a verdict's headline is a label
            if "ik-reading-time" in para.get("class", []):
                continue  # so is the reading time under the title
            assert not para.find("wbr") and "ik-phrases" not in para.get("class", []), \
                f"{p.html_path}: a body paragraph got phrase breaks: 「{para.get_text()[:40]}」"


def test_search_index_cards_and_link_previews_stay_free_of_breaks(site, soup):
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "wbr" not in index and not INVISIBLE_CHARACTERS.search(json.loads(index).__repr__()), \
        "search/search_index.json picked up phrase breaks: the hook must run after Material's search read the page"
    for p in PAGES:
        page = soup(p.html_path)
        head = str(page.head)
        assert not WBR.search(head) and not INVISIBLE_CHARACTERS.search(head), f"{p.html_path}: <head> (title, previews, JSON-LD) picked up breaks"
        og_title = page.select_one('meta[property="og:title"]')["content"]
        assert og_title == p.front_matter["title"].strip(), f"{p.html_path}: og:title {og_title!r}"
        assert page.select_one('meta[name="description"]')["content"] == p.front_matter["description"].strip()
    for html in site.rglob("*.html"):
        assert not INVISIBLE_CHARACTERS.search(html.read_text(encoding="utf-8")), f"{html}: a zero-width character"


def test_no_style_attribute_comes_with_the_breaks(soup):
    for html_path in [p.html_path for p in PAGES] + ["404.html"]:
        styled = soup(html_path).find_all(style=True)
        assert not styled, f"{html_path}: style attributes (blocked by the CSP): {[str(s)[:80] for s in styled]}"
