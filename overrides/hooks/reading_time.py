"""「約3分で読めます」 under each page's title, and the core path's total on the landing page.

The landing page promises a quick decision on a phone, so each page says how long it takes,
computed at build time, never typed by hand:

- What counts: the characters a reader can see in the page's own content (`page.content`,
  the Markdown as HTML: headings, text, lists, tables, the red-flag index), whitespace left
  out. The text of closed red flags counts, since a careful reader opens them. What does not
  count: the ¶ heading links, anything with the `hidden` attribute (the checklists' verdict
  blocks and buttons, which the script shows one at a time), HTML comments. The share bar and
  the rest of the theme are not part of `page.content`.
- The rate: CHARS_PER_MINUTE Japanese characters a minute, the slow end of the usual 500-600
  for Japanese read on a phone. Minutes are rounded to the nearest (half up), at least 1:
  the line says 約, so 2.2 minutes is 約2分.
- The core path: the landing page lists it in its front matter, in reading order,
  `reading_path: [index.md, events/first.md, ...]`. The page with a `reading_path` also
  states the path's total (all its pages' characters at the same rate). An entry that is not
  a page stops the build, naming the file and the fix.

The line goes into the final HTML (`on_post_page`), after the search plugin has indexed the
page (`on_page_context`) and after the meta description and the social card were made from
the front matter, so it is in no search result, link preview or card. It must run before
theme_markup.py, inline_css.py (which keeps only the CSS rules the page's HTML can use) and
csp.py. Its look is `.ik-reading-time` in docs/stylesheets/site.css (hidden in print).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

CHARS_PER_MINUTE = 500
PATH_KEY = "reading_path"
CLASS = "ik-reading-time"
# The end of the page's title: the first </h1> after the article starts.
TITLE_END = re.compile(r"(<article\b[^>]*>.*?</h1>)", re.S)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(frozen=True)
class Reading:
    title: str  # the page's title in nav, e.g. 「1回目:会費1,000円の夜の会」
    chars: int


# src_uri -> what each page takes to read, for one build.
_readings: dict[str, Reading] = {}


def on_pre_build(*, config: MkDocsConfig) -> None:
    _readings.clear()


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    check_path(page, files)
    _readings[page.file.src_uri] = Reading(page.title or "", visible_chars(html))
    return html


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    line = reading_line(page)
    output, found = TITLE_END.subn(lambda m: m[1] + line, output, count=1)
    if not found:
        raise PluginError(f"docs/{page.file.src_uri}: the page has no `# title` heading; "
                          "start the page with one (the reading time goes under it).")
    return output


def minutes(chars: int) -> int:
    return max(1, math.floor(chars / CHARS_PER_MINUTE + 0.5))


def reading_line(page: Page) -> str:
    """「約3分で読めます」; on the page with a reading_path, a second line with the path's total."""
    html = f"約{minutes(_readings[page.file.src_uri].chars)}分で読めます"
    path = page.meta.get(PATH_KEY)
    if path:
        others = "".join(f"「{short_title(_readings[src].title)}」" for src in path if src != page.file.src_uri)
        total = minutes(sum(_readings[src].chars for src in path))
        html += f"。<br>{escape(others, quote=False)}と通して読むと、全部で約{total}分です。"
    return f'<p class="{CLASS}">{html}</p>'


def short_title(title: str) -> str:
    """「1回目:会費1,000円の夜の会」 → 「1回目」: the part a reader needs to find it in the menu."""
    return title.split(":", 1)[0].strip()


def check_path(page: Page, files: Files) -> None:
    path = page.meta.get(PATH_KEY)
    if path is None:
        return
    where = f"docs/{page.file.src_uri}"
    if not isinstance(path, list) or not path or not all(isinstance(src, str) for src in path):
        raise PluginError(f"{where}: `{PATH_KEY}` must be a list of pages in reading order, "
                          f"e.g. `{PATH_KEY}: [index.md, events/first.md]`.")
    for src in path:
        file = files.get_file_from_path(src)
        if file is None or not file.is_documentation_page():
            raise PluginError(f"{where}: `{PATH_KEY}` lists {src}, which is not a page under docs/; "
                              "write each page's path under docs/, e.g. events/first.md.")


def visible_chars(html: str) -> int:
    counter = _VisibleText()
    counter.feed(html)
    counter.close()
    return len(re.sub(r"\s+", "", "".join(counter.parts)))


class _VisibleText(HTMLParser):
    """The text of an HTML fragment, without what a reader never sees: elements with the
    `hidden` attribute, the ¶ heading links, comments (HTMLParser drops those itself)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, skipped), innermost last

    @property
    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        attributes = dict(attrs)
        skipped = "hidden" in attributes or "headerlink" in (attributes.get("class") or "").split()
        self._open.append((tag, skipped))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)
