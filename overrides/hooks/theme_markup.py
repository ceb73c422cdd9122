"""Mend the few spots where Material 9.8's markup fails the Nu Html Checker or axe-core.

Rewriting the output keeps us off copies of whole theme templates. tests/test_quality.py
runs both checkers on every page, so a theme update that changes this markup shows up there.

- `autocomplete="off"` on the drawer and search toggles: HTML allows the attribute only on
  text-like inputs, never on a checkbox (base.html).
- `tabindex=""` on the labels of nav sections: an empty tabindex is not an integer
  (partials/nav-item.html renders it for a section without an index page).
- The search `role="dialog"` has no accessible name (axe: aria-dialog-name).
- The search results' scroll area is a tab stop of its own even while it is empty and zero
  pixels high, so keyboard focus vanishes there; the result links are tab stops already.
- Task-list checkboxes (pymdownx.tasklist) sit in a label that holds only the box, so a
  screen reader hears an unnamed checkbox and a thumb must hit a 1em square. The item's
  text moves into the label: the whole line is the control. A link that ends the item (the
  event check's "where this sign came up") stays outside the label, so tapping the line
  ticks the box and only the link itself navigates. An item may carry its own id for sent
  links (`data-tick`, overrides/hooks/check_link.py).
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

SEARCH_NAME = "サイト内検索"

MENDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?)\s+autocomplete="off"'), r"\1"),
    (re.compile(r'\s+tabindex=""'), ""),
    (re.compile(r'(<div class="md-search" data-md-component="search" role="dialog")>'),
     rf'\1 aria-label="{SEARCH_NAME}">'),
    (re.compile(r'(<div class="md-search__scrollwrap") tabindex="0"'), r"\1"),
    (re.compile(r'(<li class="task-list-item"(?: data-tick="[^"]*")?><label class="task-list-control">'
                r'<input type="checkbox"(?: checked)?/?><span class="task-list-indicator"></span>)'
                r"</label>\s*(?P<text>[^<]*(?:<(?!/?li\b|ul\b|ol\b)[^<]*)*?)"
                r"(?P<link>\s*<a\b[^>]*>[^<]*</a>)?\s*</li>"),
     r'\1<span class="task-list-text">\g<text></span></label>\g<link></li>'),
]


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return mend(output)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    # 404.html is rendered as a static template, not as a page.
    return mend(output_content) if template_name.endswith(".html") else output_content


def mend(html: str) -> str:
    for pattern, replacement in MENDS:
        html = pattern.sub(replacement, html)
    return html
