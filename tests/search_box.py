"""Drives Material's real search box the ways a reader's phone sends text, and reads what it shows.

Shared by tests/test_search.py and bench/search.py. SearchBox drives a Playwright tab in
Chromium; only `compose` and `paste` need Chromium's DevTools protocol (an IME composition, a
paste without a key). ReaderSearchBox drives the same box through tests/drivers.py in any
engine (the test uses it for WebKit), and `land_in` follows the result links there.

The page is watched by INSTRUMENT (tests/harness/search-log.js), added before the page loads: it notes every query Material
posts to its search worker and when the results for it were on screen, every text the result
line showed, and when the index was ready. A flow waits for the results of the very text in the
box, so a test never passes on the results of an earlier query, and never has to press an extra
key to make Material look.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from drivers import booted

QUERIES = Path(__file__).with_name("search_queries.yml")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

INSTRUMENT = (Path(__file__).parent / "harness" / "search-log.js").read_text(encoding="utf-8")

RESULTS = """
() => [...document.querySelectorAll("li.md-search-result__item")].map(item => ({
  links: [...item.querySelectorAll("a.md-search-result__link")].map(a => ({
    href: a.href,
    score: parseFloat(a.querySelector("article").dataset.mdScore),
    title: (a.querySelector("h1, h2") || {}).textContent || "",
    visible: !a.closest("details") || a.closest("details").open,
  })),
}))
"""

SETTLED = """
value => {
  const sent = window.__searchLog.sent;
  return sent.length > 0 && sent[sent.length - 1].value === value && sent[sent.length - 1].shown !== undefined;
}
"""

# Where a result link landed: the section, table row or red flag it points to, whether that
# flag is open, and the first highlighted word in it, with where it is on the screen.
LANDING = """
() => {
  const article = document.querySelector("article.md-content__inner");
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id ? document.getElementById(id) : null;
  const range = document.createRange();
  if (target && target.matches("details, tr")) {
    range.selectNodeContents(target);
  } else {
    const headings = [...article.querySelectorAll("h1, h2, h3, h4, h5, h6")];
    const start = target && headings.includes(target) ? target : headings[0];
    const next = headings[headings.indexOf(start) + 1];
    range.selectNodeContents(article);
    range.setStartBefore(start);
    if (next) range.setEndBefore(next);
  }
  const marks = [...article.querySelectorAll("mark[data-md-highlight]")].filter(m => range.intersectsNode(m));
  const header = document.querySelector(".md-header").getBoundingClientRect().bottom;
  const box = marks.length ? marks[0].getBoundingClientRect() : null;
  return {
    hash: id,
    flag: target && target.matches("details.red-flag") ? target.id : null,
    open: target && target.matches("details") ? target.open : null,
    mark: marks.length ? marks[0].textContent : null,
    inView: box ? box.top >= header - 1 && box.bottom <= innerHeight + 1 && box.width > 0 : false,
  };
}
"""

# Each result link as shown, in the order of the list (`group`: which result, one per page):
# its address, score, title and text (without the index's invisible word breaks), its marks,
# how often its title or a paragraph of its text shows one of `words` (folded as
# docs/javascripts/search.js folds them: width, case, katakana/hiragana, voicing marks, ・ and
# spaces set aside), and how many of those are not wholly marked.
RESULT_MARKS = """
words => {
  const IGNORED = /[\\s・･\\-‐–—_\\u200b\\u2060]/;
  const fold = c => c.normalize("NFKC").toLowerCase()
    .replace(/[\\u30a1-\\u30f6]/g, k => String.fromCharCode(k.charCodeAt(0) - 0x60))
    .normalize("NFD").replace(/[\\u3099\\u309a]/g, "").normalize("NFC");
  const needles = words.map(w => [...w].filter(c => !IGNORED.test(c)).map(fold).join(""));
  const plain = node => node.textContent.replace(/[\\u200b\\u2060]/g, "");
  // [shown, unmarked] in one block of text (a title, a paragraph, a list)
  const count = root => {
    let text = "";
    const marked = [];
    const texts = root.nodeType === Node.TEXT_NODE ? [root] : [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node);
    for (const node of texts) {
      const inMark = !!node.parentElement.closest("mark");
      for (const c of node.data) {
        if (IGNORED.test(c)) continue;
        const f = fold(c);
        text += f;
        for (let i = 0; i < f.length; i += 1) marked.push(inMark);
      }
    }
    let shown = 0, unmarked = 0;
    for (const needle of needles) {
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
        shown += 1;
        if (marked.slice(at, at + needle.length).some(m => !m)) unmarked += 1;
      }
    }
    return [shown, unmarked];
  };
  return [...document.querySelectorAll("li.md-search-result__item")].flatMap((item, group) =>
    [...item.querySelectorAll("a.md-search-result__link")].map(a => {
      const article = a.querySelector("article");
      const heading = article.querySelector("h1, h2");
      const body = [...article.childNodes].filter(n => n !== heading
        && !(n instanceof Element && n.matches(".md-search-result__icon")));
      const counts = [heading, ...body].filter(Boolean).map(count);
      return {
        group,
        href: a.href,
        score: parseFloat(article.dataset.mdScore),
        visible: !a.closest("details") || a.closest("details").open,
        title: heading ? plain(heading) : "",
        text: body.map(plain).join(" ").replace(/\\s+/g, " ").trim(),
        marks: [...article.querySelectorAll("mark")].map(plain),
        shown: counts.reduce((sum, [shown]) => sum + shown, 0),
        unmarked: counts.reduce((sum, [, unmarked]) => sum + unmarked, 0),
      };
    }));
}
"""


@dataclass(frozen=True)
class Query:
    q: str
    pages: tuple[str, ...]
    kind: str
    flag: str | None = None
    word: str | None = None

    @property
    def on_page(self) -> str:
        """The text on the page that the query stands for."""
        return self.word or self.q

    def __str__(self) -> str:
        return self.q


def load_queries() -> list[Query]:
    queries = []
    for item in yaml.safe_load(QUERIES.read_text(encoding="utf-8")):
        pages = item["page"] if isinstance(item["page"], list) else [item["page"]]
        queries.append(Query(q=str(item["q"]), pages=tuple(pages), kind=item["kind"],
                             flag=item.get("flag"), word=str(item["word"]) if "word" in item else None))
    return queries


def fold(text: str) -> str:
    """Width, case, katakana/hiragana, voicing marks and ・ set aside (as docs/javascripts/search.js)."""
    out = []
    for char in text:
        if char in " \t\n・･-‐–—_":
            continue
        char = unicodedata.normalize("NFKC", char).lower()
        char = "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in char)
        char = unicodedata.normalize("NFC", "".join(
            c for c in unicodedata.normalize("NFD", char) if c not in "\u3099\u309a"))
        out.append(char)
    return "".join(out)


@dataclass
class Outcome:
    """What the search box showed for one query, and where its best link landed."""

    query: Query
    mode: str
    shown: bool = False          # results for this very text were on screen
    pages: list[str] = field(default_factory=list)  # the result pages, in order (paths)
    best: str | None = None      # the link Enter follows: the best-scored one of the first result
    landing: dict | None = None

    @property
    def first_page(self) -> str | None:
        return self.pages[0] if self.pages else None

    def precise(self, base_path: str) -> bool:
        """The first result is the page that holds the word."""
        return self.first_page in {base_path + p for p in self.query.pages}

    def lands(self, base_path: str) -> bool:
        """The best link goes to the page, to the red flag if the word is in one, opens it, and
        the word is highlighted there and in view."""
        if not self.precise(base_path) or self.best is None or self.landing is None:
            return False
        land = self.landing
        if self.query.flag and (land["flag"] != self.query.flag or not land["open"]):
            return False
        mark = fold(land["mark"] or "")
        word = fold(self.query.on_page)
        return bool(mark) and (mark in word or word in mark) and land["inView"]

    def points_at_the_word(self, base_path: str, html) -> bool:
        """Without loading the page: the best link goes to the page, to the red flag if the word
        is in one, and the part it points to holds the word where a reader sees it (outside a
        closed red flag). `html` is the linked page, parsed (BeautifulSoup)."""
        if not self.precise(base_path) or self.best is None:
            return False
        anchor = unquote(urlsplit(self.best).fragment)
        if self.query.flag and anchor != self.query.flag:
            return False
        return fold(self.query.on_page) in fold(region_text(html, anchor))

    def why(self, base_path: str) -> str:
        if not self.shown:
            return "the search box showed no results for it"
        if not self.precise(base_path):
            return f"first result {self.first_page}, expected {' or '.join(self.query.pages)}"
        return f"best link {self.best} landed on {self.landing}"


class SearchBox:
    """One tab on one page of the site, searching with its real search box."""

    def __init__(self, tab, start_url: str, *, settle_ms: int = 10_000):
        self.tab = tab
        self.settle_ms = settle_ms
        tab.add_init_script(INSTRUMENT)
        tab.goto(start_url, wait_until="load")
        booted(tab)
        self.box = tab.locator("form[name=search] input.md-search__input")
        toggle = tab.locator("label.md-header__button[for=__search]")
        (toggle if toggle.is_visible() else self.box).click()  # phones open search from an icon
        tab.wait_for_function("() => window.__searchLog.ready > 0", timeout=15_000)
        self._cdp = None

    @property
    def cdp(self):
        if self._cdp is None:
            self._cdp = self.tab.context.new_cdp_session(self.tab)
        return self._cdp

    def clear(self) -> None:
        """Empties the box with a key, as a reader would (Material hears this one in any case)."""
        self.box.evaluate("box => { box.focus(); box.select(); }")
        self.tab.keyboard.press("Backspace")

    def type_keys(self, text: str) -> None:
        """Key by key: key events for what a US keyboard has, and for the rest one character
        at a time as a phone's kana keyboard sends it (an `input` event, no key)."""
        self.tab.keyboard.type(text)

    def compose(self, text: str, reading: str | None = None, *, every_key: bool = True) -> None:
        """An IME composition: the reading grows key by key (each key a keydown/keyup with
        keyCode 229, as phone keyboards send them), then the converted text is committed.
        With `every_key` False the whole reading comes in one step (one key's events), for
        running a long list of queries."""
        reading = reading or text
        ends = range(1, len(reading) + 1) if every_key else [len(reading)]
        for end in ends:
            self.cdp.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "windowsVirtualKeyCode": 229, "key": "Process"})
            self.cdp.send("Input.imeSetComposition", {"text": reading[:end], "selectionStart": end, "selectionEnd": end})
            self.cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "windowsVirtualKeyCode": 229, "key": "Process"})
        self.cdp.send("Input.insertText", {"text": text})

    def insert(self, text: str) -> None:
        """A tapped candidate or a voice-input insert: the text arrives at once, no key."""
        self.tab.keyboard.insert_text(text)

    def paste(self, text: str) -> None:
        """Paste from the menu: an `insertFromPaste` input, no key Material could hear."""
        self.tab.evaluate("text => navigator.clipboard.writeText(text)", text)
        self.cdp.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "commands": ["paste"],
                                                 "windowsVirtualKeyCode": 0, "key": "Unidentified"})

    def wait_for(self, value: str, timeout: int | None = None) -> bool:
        """Waits until the results for exactly `value` are on screen; False if they never come."""
        try:
            self.tab.wait_for_function(SETTLED, arg=value, timeout=timeout or self.settle_ms)
            return True
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError; the caller reports it
            return False

    def results(self) -> list[dict]:
        return self.tab.evaluate(RESULTS)

    def search(self, query: Query, mode: str) -> Outcome:
        """`mode`: keys (type_keys), ime (compose the reading, commit the query), or keys+End
        (typed, then an End key: what Material's default search needs to look at all; only
        bench/search.py uses it, to compare what the two searches find)."""
        self.start(query, mode)
        return self.finish(query, mode)

    def start(self, query: Query, mode: str) -> None:
        """Enters the query (see `search`) without waiting for the results: `finish` does."""
        self.clear()
        if mode == "ime":
            self.compose(query.q, reading(query.q), every_key=False)
        else:
            self.type_keys(query.q)
            if mode == "keys+End":
                self.tab.keyboard.press("End")

    def finish(self, query: Query, mode: str) -> Outcome:
        outcome = Outcome(query, mode)
        outcome.shown = self.wait_for(query.q)
        if outcome.shown:
            items = self.results()
            outcome.pages = [urlsplit(item["links"][0]["href"]).path for item in items]
            if items:
                visible = [link for link in items[0]["links"] if link["visible"]]
                outcome.best = max(visible, key=lambda link: link["score"])["href"]
        return outcome


def land_all(context, hrefs: list[str], *, tabs: int = 4) -> dict[str, dict]:
    """Follows each result link in a fresh page load and reports where it landed (see LANDING),
    once the word is marked in the section or flag and in view, as the reader would see it (or
    after a few seconds, if it never is). Several tabs load at once."""
    # Landing needs the page, its scripts and the index file, not the search worker: each page
    # load would build the whole index in a worker of its own, four at a time, for nothing.
    context.route("**/assets/javascripts/workers/*.js",
                  lambda route: route.fulfill(body="", content_type="text/javascript"))
    pages = [context.new_page() for _ in range(min(tabs, len(hrefs)) or 1)]
    landed: dict[str, dict] = {}
    todo = list(dict.fromkeys(hrefs))
    try:
        while todo:
            batch = [(page, todo.pop(0)) for page in pages if todo]
            for page, href in batch:
                page.goto(href, wait_until="commit")
            for page, href in batch:
                page.wait_for_load_state("load")
                booted(page)
                try:
                    page.wait_for_function(
                        "() => { const l = (" + LANDING + ")(); return l.mark !== null && l.inView; }",
                        timeout=3_000)
                except Exception:  # noqa: BLE001 - Playwright's TimeoutError: reported as it is
                    pass
                landed[href] = page.evaluate(LANDING)
    finally:
        for page in pages:
            page.close()
    return landed


def region_text(html, anchor: str) -> str:
    """The text of the red flag or table row `anchor`, or of the section under heading `anchor`
    (the page's title and opening without one), leaving out the other, closed, red flags."""
    article = html.select_one("article.md-content__inner")
    target = article.find(id=anchor) if anchor else None
    if target is not None and target.name in ("details", "tr"):
        return target.get_text()
    headings = article.find_all(re.compile(r"^h[1-6]$"))
    start = target if target in headings else headings[0]
    parts = [start.get_text()]
    for element in start.find_all_next():
        if element in headings:
            break
        if element.find_parent("details", class_="red-flag") or element.name == "details":
            continue
        parts.extend(text for text in element.find_all(string=True, recursive=False))
    return "".join(parts)


@functools.cache
def reading(text: str) -> str:
    """What a reader composes before converting: the hiragana reading of the Japanese in
    `text` (Sudachi's), or the text itself when it has none (Zoom, ９１１０)."""
    if not JAPANESE.search(text):
        return text
    from sudachipy import Dictionary

    words = Dictionary(dict="core").tokenizer().tokenize(text)
    kana = "".join(w.reading_form() if JAPANESE.search(w.surface()) else w.surface() for w in words)
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in kana)


def h_param(href: str) -> str:
    return " ".join(parse_qs(urlsplit(href).query).get("h", []))


class ReaderSearchBox(SearchBox):
    """The same search box through the engine adapter of tests/drivers.py (any engine: WebKit
    is what the test needs it for). The query arrives typed key by key through the engine's
    keyboard input ("keys"), or committed at once as a phone's keyboard commits a converted
    word ("ime": an input event and no key; WebDriver cannot drive an IME composition)."""

    FIELD = "form[name=search] input.md-search__input"

    def __init__(self, reader, *, settle_ms: int = 10_000):
        self.reader = reader
        self.settle_ms = settle_ms
        reader.watch_search()
        reader.open("")
        reader.tap("label.md-header__button[for=__search]")  # phones open search from an icon
        reader.wait_for("() => window.__searchLog.ready > 0", timeout=15, what="the search index")

    def clear(self) -> None:
        """Empties the box with an editing command (an input event), as a reader's delete does."""
        self.reader.js("""s => { const box = document.querySelector(s); box.focus(); box.select();
            document.execCommand("delete"); }""", self.FIELD)

    def start(self, query: Query, mode: str) -> None:
        self.enter(query.q, mode)

    def enter(self, text: str, mode: str) -> None:
        """Empties the box, then enters `text` typed ("keys") or committed at once ("ime")."""
        self.clear()
        if mode == "ime":
            self.reader.commit_text(self.FIELD, text)
        else:
            self.reader.type_keys(self.FIELD, text)

    def wait_for(self, value: str, timeout: int | None = None) -> bool:
        try:
            self.reader.wait_for(SETTLED, value, timeout=(timeout or self.settle_ms) / 1000)
            return True
        except AssertionError:
            return False

    def results(self) -> list[dict]:
        return self.reader.js(RESULTS)


def land_in(reader, hrefs: list[str]) -> dict[str, dict]:
    """`land_all` in one engine-adapter tab, one link after another."""
    landed = {}
    for href in dict.fromkeys(hrefs):
        reader.open(href)
        try:
            reader.wait_for(f"() => {{ const l = ({LANDING})(); return l.mark && l.inView; }}", timeout=5,
                            what=f"the word marked in view at {href}")
        except AssertionError:
            pass  # reported by the caller from what LANDING says now
        landed[href] = reader.js(LANDING)
    return landed
