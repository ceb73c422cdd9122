"""Every page needs a `title` and a `description` in its front matter.

The description is what LINE, X and Facebook show under the title in a link preview,
so a missing or overlong one is an author error: the build stops and says which file
and what to write.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

DESCRIPTION_MAX = 120


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    check_title(page)
    check_description(page)
    return markdown


def check_title(page: Page) -> None:
    title = page.meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise PluginError(
            f"{_where(page)}: front matter has no `title`; add `title: ...` "
            "(the page's name in link previews and the browser tab)."
        )


def check_description(page: Page) -> None:
    description = page.meta.get("description")
    if not isinstance(description, str) or not description.strip():
        raise PluginError(
            f"{_where(page)}: front matter has no `description`; add one or two sentences "
            f"of at most {DESCRIPTION_MAX} characters (LINE and X show it in the link preview)."
        )
    length = len(description.strip())
    if length > DESCRIPTION_MAX:
        raise PluginError(
            f"{_where(page)}: `description` is {length} characters; shorten it to at most "
            f"{DESCRIPTION_MAX} (link previews cut longer ones off mid-sentence)."
        )


def _where(page: Page) -> str:
    return f"docs/{page.file.src_uri}"
