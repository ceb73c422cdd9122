"""The first cell of each body row of a table is that row's header: <th scope="row">.

Every table on this site is a list of rows named in their first column (比べるところ 参加費,
入り方・見つけ方 …; 項目; ポイント 期間 …). Markdown writes those names as plain cells, so a
screen reader read 「1,000円」 without the row it belongs to, and the names were not labels
for overrides/hooks/phrases.py, which breaks labels only between phrases (「入り方・見/つけ方」
on a phone). A table whose rows are not named that way would need this hook to learn an
exception: none exists today.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

TBODY = re.compile(r"<tbody>.*?</tbody>", re.S)
FIRST_CELL = re.compile(r"(<tr>\s*)<td(\s[^>]*)?>(.*?)</td>", re.S)


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return TBODY.sub(lambda body: FIRST_CELL.sub(r'\1<th scope="row"\2>\3</th>', body.group(0)), html)
