"""Put the site's stylesheets into each page instead of linking them.

On a phone the first paint waits for every stylesheet; each linked one costs a round trip
after the HTML has arrived. Inlined, the page paints as soon as its HTML is in: Lighthouse's
mobile First Contentful Paint drops by about that round trip (`make bench` measures it).
The price is about 27 KB (gzipped) more in each page's HTML and no shared CSS cache across
pages, which suits a site read one to three pages at a time from a link on LINE.

Each page gets only the rules that can match it. Material's stylesheets style every feature
it has (tabs, blog, tags, code annotations, twenty colour palettes...); this site uses a few.
A selector is dropped when it needs a class, id or attribute value that appears neither in
the page's HTML nor in the site's JavaScript (Material's bundle and docs/javascripts), which
is where any element the page will ever have comes from. Fewer rules make the browser's
style recalculation several times cheaper, which is most of the main-thread time on a
phone (`make bench`: Total Blocking Time).

The stylesheets refer to nothing but data: URIs, so moving them changes no url().
The CSP hook (csp.py, after this one) allows each <style> by its hash.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

import tinycss2
from tinycss2.ast import Node

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<href>[^"]+\.css)">')
COMMENT = re.compile(r"/\*.*?\*/", re.S)
STYLE_ELEMENT = re.compile(r"<style\b[^>]*>.*?</style>", re.S)
# Words as they appear in HTML and JS: class names, ids, attribute values.
WORD = re.compile(r"[\w-]+")
# At-rules whose body holds ordinary rules, pruned like the top level.
GROUPING = {"media", "supports", "container", "layer"}


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return inline(output, posixpath.dirname("/" + page.url) if page.url else "/", config)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    return inline(output_content, "/", config) if template_name.endswith(".html") else output_content


def inline(html: str, page_dir: str, config: MkDocsConfig) -> str:
    words = set(WORD.findall(STYLE_ELEMENT.sub("", html))) | script_words(config.site_dir)

    def style(match: re.Match[str]) -> str:
        href = match["href"]
        if urlsplit(href).scheme or href.startswith("//"):
            raise PluginError(f"overrides/hooks/inline_css.py: stylesheet {href} is on another origin; "
                              "serve it from the site (docs/stylesheets/) instead.")
        css = stylesheet_path(href, page_dir, config).read_text(encoding="utf-8")
        return f"<style>{prune(compact(css), words)}</style>"

    return STYLESHEET.sub(style, html)


def compact(css: str) -> str:
    """The stylesheet without comments and indentation (Material's own are minified already).
    Line breaks become single spaces, which CSS reads the same way."""
    css = COMMENT.sub("", css)
    return " ".join(line.strip() for line in css.splitlines() if line.strip())


@functools.cache
def script_words(site_dir: str) -> frozenset[str]:
    """Every word of the site's own JavaScript: class names it adds, elements it builds.
    Search's worker and its language files only ever send data back, never markup."""
    words: set[str] = set()
    for script in Path(site_dir, "assets", "javascripts").glob("*.js"):
        words.update(WORD.findall(script.read_text(encoding="utf-8")))
    for script in Path(site_dir, "javascripts").glob("*.js"):
        words.update(WORD.findall(script.read_text(encoding="utf-8")))
    if not words:
        raise PluginError(f"overrides/hooks/inline_css.py: no JavaScript found under {site_dir}/assets/javascripts; "
                          "the stylesheets cannot be pruned safely. Was the theme copied?")
    return frozenset(words)


def prune(css: str, words: set[str] | frozenset[str]) -> str:
    """The stylesheet without the selectors that cannot match (see the module docstring)."""
    return "".join(pruned_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), words))


def pruned_rules(rules: Iterable[Node], words: set[str] | frozenset[str]) -> Iterable[str]:
    for rule in rules:
        if rule.type == "qualified-rule":
            kept = [selector for selector in split_selectors(rule.prelude) if needed(selector) <= words]
            if kept:
                body = tinycss2.serialize(rule.content).strip()
                yield ",".join(tinycss2.serialize(s).strip() for s in kept) + "{" + body + "}"
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING and rule.content is not None:
            inner = "".join(pruned_rules(tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                         skip_whitespace=True), words))
            if inner:
                yield f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}"
        elif rule.type == "at-rule":
            yield tinycss2.serialize([rule])
        elif rule.type == "error":
            raise PluginError(f"overrides/hooks/inline_css.py: a stylesheet does not parse: {rule.message}. "
                              "Fix the CSS in docs/stylesheets/.")


def split_selectors(prelude: list[Node]) -> list[list[Node]]:
    """A selector list at its top-level commas (commas inside :is() etc. are inside a function)."""
    selectors: list[list[Node]] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return [s for s in selectors if any(t.type not in ("whitespace", "comment") for t in s)]


def needed(selector: list[Node]) -> set[str]:
    """The words an element must carry for the selector to match: classes, ids and attribute
    values outside functional pseudo-classes. What is inside :is(), :not(), :where() or :has()
    is left out: :not(.x) matches without x, and :is(.a, .b) needs only one of them."""
    words: set[str] = set()
    previous = None
    for token in selector:
        if token.type == "ident" and previous is not None and previous.type == "literal" and previous.value == ".":
            words.add(token.value)
        elif token.type == "hash":
            words.add(token.value)
        elif token.type == "[] block":
            inside = [t for t in token.content if t.type != "whitespace"]
            words.update(t.value for t in inside if t.type in ("ident", "string"))
        previous = token
    return words


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
