"""The red-flag index page (docs/red-flags.md), generated from every page's red-flag callouts.

A reader who wants to check one event against the warning signs should not have to
reread the whole story, so docs/red-flags.md lists every sign on one page. The list is
not written by hand: a hand-kept copy goes stale the first time someone adds, renames or
moves a callout. Instead the page holds one marker line,

    <!-- red-flags -->

and this hook replaces it with the list built from the `/// red-flag` callouts of every
other page (read with callouts.py's own parser, so both hooks agree on what a callout
is). Pages come in nav order, each under its nav title linking to the page; each sign is
a link to `page.md#rf-id` with the callout's title. (No excerpt of the story: a callout's
first sentence leans on the story around it and reads oddly on its own; the titles are
written to name the sign.) The links are relative Markdown links, so MkDocs' strict link
and anchor validation checks every one of them like any hand-written link.

Pages are rendered one by one and the index may come before the pages it lists, so the
other pages' Markdown is read from their source files (`File.content_string`), not from
what the build has rendered so far. `on_nav` only remembers the nav order and titles.

The build fails, naming docs/red-flags.md and the fix, when the marker is missing (the
list would silently vanish) or when no page has a red flag at all (an empty index).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_markdown_title, meta

# callouts.py is a sibling hook, not an installed package. MkDocs (1.5+) puts a hook's own
# directory at the front of sys.path while it executes that hook file, so this plain import
# finds overrides/hooks/callouts.py however mkdocs is started (any working directory, the
# tests' project copies included). It loads a second module object next to the one MkDocs
# registered as the callouts hook; only its stateless parser and constants are used here,
# so the two never need to share state.
import callouts

INDEX_PAGE = "red-flags.md"
MARKER = "<!-- red-flags -->"
MARKER_LINE = re.compile(r"^[ \t]*<!--\s*red-flags\s*-->[ \t]*$", re.MULTILINE)
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")


@dataclass(frozen=True)
class RedFlag:
    id: str
    title: str


@dataclass(frozen=True)
class FlagPage:
    src_uri: str
    title: str
    flags: list[RedFlag]


# src_uri -> nav title (None when nav gives the page no title), in nav order, for one build.
_nav_titles: dict[str, str | None] = {}


def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    _nav_titles.clear()
    for page in nav.pages:
        # Before a page is read, Page.title is the title nav gives it, or None.
        _nav_titles.setdefault(page.file.src_uri, page.title)
    return nav


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != INDEX_PAGE:
        return markdown
    where = f"docs/{INDEX_PAGE}"
    if not MARKER_LINE.search(markdown):
        raise PluginError(
            f"{where}: the marker line `{MARKER}` is missing; put it on a line of its own where "
            "the list of red flags should appear (the build replaces it with the list)."
        )
    flag_pages = collect_flag_pages(files)
    total = sum(len(p.flags) for p in flag_pages)
    if total == 0:
        raise PluginError(
            f"{where}: no page has a red flag to list; add one to a page with "
            "`/// red-flag | 見出し`, `    attrs: {id: rf-short-name}`, the story and `///`, "
            f"or take {INDEX_PAGE} out of docs/ and nav."
        )
    listing = render_index(flag_pages, total, INDEX_PAGE)
    return MARKER_LINE.sub(lambda _: listing, markdown, count=1)


def collect_flag_pages(files: Files) -> list[FlagPage]:
    """Every documentation page except the index, in nav order, with its red flags."""
    pages = [f for f in files.documentation_pages() if f.src_uri != INDEX_PAGE]
    collected = (flag_page(file) for file in in_nav_order(pages))
    return [p for p in collected if p.flags]


def in_nav_order(pages: Iterable[File]) -> list[File]:
    """Pages in nav order; any page nav leaves out (strict builds refuse those) goes last."""
    position = {src_uri: n for n, src_uri in enumerate(_nav_titles)}
    return sorted(pages, key=lambda f: (position.get(f.src_uri, len(position)), f.src_uri))


def flag_page(file: File) -> FlagPage:
    source = file.content_string
    body, front_matter = meta.get_data(source)
    title = (_nav_titles.get(file.src_uri) or front_matter.get("title")
             or get_markdown_title(body) or file.src_uri)
    return FlagPage(file.src_uri, str(title), list(red_flags_in(source, f"docs/{file.src_uri}")))


def red_flags_in(source: str, where: str) -> Iterator[RedFlag]:
    """The page's red flags that have an id. One without is skipped here: callouts.py fails
    the build on it, with the fix, when its page is rendered."""
    for block in callouts.blocks_in(source, where):
        if block.name != callouts.RED_FLAG:
            continue
        found = callouts.ID_IN_ATTRS.search(block.options.get("attrs", ""))
        if found and block.title:
            yield RedFlag(found["id"], block.title)


def render_index(flag_pages: list[FlagPage], total: int, index_src: str) -> str:
    """Markdown for the marker: the count, then one section per page with a list of its signs."""
    parts = [f"全部で**{total}個**あります。出てきたページごとに、読む順番で並べています。"]
    for p in flag_pages:
        page_link = link_from(index_src, p.src_uri)
        parts.append(f"## [{escape(p.title)}]({page_link})")
        parts.append("\n".join(flag_item(flag, page_link) for flag in p.flags))
    return "\n\n".join(parts)


def flag_item(flag: RedFlag, page_link: str) -> str:
    return f"- [{escape(flag.title)}]({page_link}#{flag.id})"


def link_from(index_src: str, target_src: str) -> str:
    """A relative Markdown link from the index page to another page's source file."""
    return posixpath.relpath(target_src, posixpath.dirname(index_src) or ".")


def escape(text: str) -> str:
    """Text that Markdown shows as written (a title with * or [ stays plain text)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")
