"""The first cell of each body row of a table is that row's header: <th scope="row">, and the
row is named after it: <tr id="row-…">.

Every table on this site is a list of rows named in their first column (比べるところ 参加費,
入り方・見つけ方 …; 項目; ポイント 期間 …). Markdown writes those names as plain cells, so a
screen reader read 「1,000円」 without the row it belongs to, and the names were not labels
for overrides/hooks/phrases.py, which breaks labels only between phrases (「入り方・見/つけ方」
on a phone). A table whose rows are not named that way would need this hook to learn an
exception: none exists today.

The id (`row-` and the header, slugified as headings are: 参加費 → row-参加費, ノルマ・ランク →
row-ノルマランク) is where a search result for a word of that row links to
(overrides/hooks/search_index.py indexes each row as an entry of its own); it is made unique
on the page with a number, as heading ids are.
"""

from __future__ import annotations

import html as html_lib
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

TBODY = re.compile(r"<tbody>.*?</tbody>", re.S)
FIRST_CELL = re.compile(r"<tr>(\s*)<td(\s[^>]*)?>(.*?)</td>", re.S)
ID = re.compile(r'\sid="([^"]*)"')
TAG = re.compile(r"<[^>]*>")
PREFIX = "row-"


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    slugify = config.mdx_configs.get("toc", {}).get("slugify") or default_slugify
    taken = set(ID.findall(html))

    def row(match: re.Match) -> str:
        space, attrs, header = match.group(1), match.group(2) or "", match.group(3)
        row_id = unique(PREFIX + slugify(html_lib.unescape(TAG.sub("", header)).strip(), "-"), taken)
        return f'<tr id="{html_lib.escape(row_id)}">{space}<th scope="row"{attrs}>{header}</th>'

    return TBODY.sub(lambda body: FIRST_CELL.sub(row, body.group(0)), html)


def unique(wanted: str, taken: set[str]) -> str:
    found, n = wanted, 0
    while found in taken:
        n += 1
        found = f"{wanted}_{n}"
    taken.add(found)
    return found


def default_slugify(text: str, separator: str) -> str:
    from markdown.extensions.toc import slugify_unicode

    return slugify_unicode(text, separator)
