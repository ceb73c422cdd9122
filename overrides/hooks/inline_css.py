"""Put the site's stylesheets into each page instead of linking them.

On a phone the first paint waits for every stylesheet; each linked one costs a round trip
after the HTML has arrived. Inlined, the page paints as soon as its HTML is in: Lighthouse's
mobile First Contentful Paint drops by about that round trip (`make bench` measures it).
The price is about 27 KB (gzipped) more in each page's HTML and no shared CSS cache across
pages, which suits a site read one to three pages at a time from a link on LINE.

The stylesheets refer to nothing but data: URIs, so moving them changes no url().
The CSP hook (csp.py, after this one) allows each <style> by its hash.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<href>[^"]+\.css)">')
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return inline(output, posixpath.dirname("/" + page.url) if page.url else "/", config)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    return inline(output_content, "/", config) if template_name.endswith(".html") else output_content


def inline(html: str, page_dir: str, config: MkDocsConfig) -> str:
    def style(match: re.Match[str]) -> str:
        href = match["href"]
        if urlsplit(href).scheme or href.startswith("//"):
            raise PluginError(f"overrides/hooks/inline_css.py: stylesheet {href} is on another origin; "
                              "serve it from the site (docs/stylesheets/) instead.")
        css = stylesheet_path(href, page_dir, config).read_text(encoding="utf-8")
        return f"<style>{compact(css)}</style>"

    return STYLESHEET.sub(style, html)


def compact(css: str) -> str:
    """The stylesheet without comments and indentation (Material's own are minified already).
    Line breaks become single spaces, which CSS reads the same way."""
    css = COMMENT.sub("", css)
    return " ".join(line.strip() for line in css.splitlines() if line.strip())


def stylesheet_path(href: str, page_dir: str, config: MkDocsConfig) -> Path:
    """The built file a page's href points at: relative to the page, or absolute under site_url."""
    base = urlsplit(config.site_url or "/").path or "/"
    path = href if href.startswith("/") else posixpath.normpath(posixpath.join(page_dir, href))
    path = "/" + path.lstrip("/")
    if path.startswith(base):
        path = "/" + path[len(base):]
    built = Path(config.site_dir) / path.lstrip("/")
    if not built.is_file():
        raise PluginError(f"overrides/hooks/inline_css.py: {href} is linked as a stylesheet but "
                          f"{built} was not built; check extra_css in mkdocs.yml.")
    return built
