"""First paint from the first round trip: each page carries the CSS of a phone's first
screen; the rest comes in one shared stylesheet that does not hold up that paint.

A server's first flight of data is about 14.6 KB (ten TCP segments). A page whose HTML fits
in it, with everything its first screen needs, paints after one round trip; one byte more and
the paint waits for the next (tests/test_first_paint.py holds every page to 14,600 bytes
gzipped). So each page gets:

- in a <style> in <head>, the *critical* CSS: the rules that can match an element of a
  phone's first screen (`critical_css`). Nothing on that screen changes when the rest
  arrives, because every rule that styles it is already there: no flash, no layout shift;
- the *rest*: one stylesheet shared by every page (assets/stylesheets/site.<hash>.min.css,
  named by its content, so a host may cache it for good). It holds every rule any page can
  use (Material's, the palette's, extra_css, in their order), so once loaded it alone gives
  the cascade the site always had; the critical copies before it change nothing. No page links
  it with a plain <link>: a browser downloads every stylesheet <link> it sees as soon as it
  sees it, even one whose media does not match, and on a slow line that download competes with
  the first paint. Instead a small script in <head> (first_paint.js; no `onload=` handler:
  the CSP forbids them), with the page's scripts taken from the end of <body> into its
  data-material (Material's bundle) and data-scripts (the site's):
    * on screens at least WIDE_EM wide (tablets, desktops, phones held sideways) adds it at
      once: their first screen holds more than a phone's (the search field, sidebars, more
      text), more CSS than the first flight has room for. They wait for it
      (`blocking="render"`, or hidden until it comes where a browser does not know that)
      rather than flash;
    * once the page is parsed and its first screen painted, adds it on other screens, and
      then the page's scripts, fetched meanwhile, which run once it is in: they measure the
      finished layout. Material's runs first on a wide screen (it starts on DOMContentLoaded,
      which has passed by then: the script hands it the document); a phone only fetches it,
      and docs/javascripts/material.js runs it when the reader reaches for search;
  without JavaScript, a <noscript> <link> in <head> loads it on every screen.
- its white space collapsed (outside <pre>, <code>, <textarea>, <script>, <style>), JSON
  data blocks written in UTF-8 instead of \\u escapes, Material's configuration without what the
  site does not use (material_config), none of the theme's markup that no one reads (UNREAD_MARKUP), Material's content-tab script left out
  where no content tab is, and the icons of the palette toggles, hidden until Material's
  script runs, drawn by the shared stylesheet instead: bytes of the first flight;
- the palette, and its toggle, from the first paint without Material's bundle (palette.js, PALETTE).

A phone's first screen, without a browser at build time: every element before the article
(header, drawer, table of contents), then the article and what follows it up to
FIRST_SCREEN_CHARS characters of text. Inside the drawer, the table of contents and the
search dialog nothing shows until the reader opens them (HIDDEN_INSIDE): only the
containers' own rules are critical. Neither are rules for a state no page is in when it first
paints (LATER_STATES, LATER_TOGGLES) nor declarations that paint nothing (NOT_AT_FIRST_PAINT)
nor custom properties nothing reads. Both palettes are critical (body's data-md-color-scheme
may be either), and <html> has the class first_paint.js gives it before the first paint
(AT_FIRST_PAINT). soupsieve matches the selectors against that screen's elements in the page's
tree (BeautifulSoup), with their pseudo-classes and pseudo-elements stripped first (`:not(.x)`,
`:first-child`, `::before` match as if absent), so a rule is kept whenever it could apply:
over, never under.

Which rules exist at all is decided as before: a selector is dropped when it needs a class,
id or attribute value that appears neither in any page nor in the site's JavaScript (Material's
bundle and docs/javascripts). Fewer rules make the browser's style recalculation several
times cheaper, most of a phone's main-thread time (`make bench`: Total Blocking Time).

The stylesheets refer to nothing but data: URIs, so moving them changes no url().
The CSP hook (csp.py, after this one) allows the <style> and the palette script by hash.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import bs4
import rjsmin
import soupsieve
import tinycss2
from tinycss2.ast import LiteralToken, Node

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

# From this width (in CSS em, 720 px; one of Material's breakpoints) the shared stylesheet
# blocks rendering and the critical CSS leaves out what only such screens use.
WIDE_EM = 45
WIDE = f"(min-width: {WIDE_EM}em)"
# Characters of text, from the article's start, that certainly cover the first screen of a
# phone narrower than WIDE_EM: a 390x844 one shows at most about 330 at this site's type
# size, a 430x932 one about 410, one held sideways fewer.
FIRST_SCREEN_CHARS = 600
# Containers whose content a phone never shows, or shows only once Material's script runs: the
# table of contents' own sidebar (display:none below WIDE_EM; a phone has the table of contents
# in the drawer) and the search dialog (zero size until opened, which starts Material's script).
# The drawer is not one of them: it opens from the first paint, a CSS checkbox, so its content
# and its open state are critical.
HIDDEN_INSIDE = frozenset({"md-sidebar--secondary", "md-search__inner"})
# On a first screen wherever they are in the page: red flags, which links open the page at (a
# `#rf-…` link, a search result, a flag sent on LINE), so that the first screen a reader sees is
# the flag's. (Material's dialog is not: it stays empty, out of the page's flow, until Material's
# script shows it, which a phone runs only once the reader reaches for search. Nor is the
# back-to-top button: it is hidden until the reader scrolls back up.)
PINNED = frozenset({"red-flag"})
# Pseudo-classes of states a page is never in at its first paint.
LATER_STATES = frozenset({"hover", "active"})
# Toggles (checkboxes) that the reader opens and that need nothing before the shared stylesheet
# has come: search (its box works once Material's script runs). Not the drawer (HIDDEN_INSIDE).
LATER_TOGGLES = frozenset({"search"})
# The drawer's icons (the arrows of its levels, the table of contents' icon: pseudo-elements that
# fill an icon's box, which is critical) and its logo (placed over its title's top padding, which
# is critical): nothing moves when the shared stylesheet draws them.
# Until then the drawer opens and reads without them, and the first flight carries 0.3 KB less.
# Scroll bars' own pseudo-elements go too, for the reason NOT_AT_FIRST_PAINT gives.
ICONS_LATER = re.compile(r"\.md-nav__icon:+after\s*$|\.md-nav__link\[for=\"?__toc\"?\] \.md-icon:+after\s*$"
                         r"|\.md-nav__title \.md-logo\s*$|\.md-nav__title \.md-nav__button\.md-logo svg\s*$"
                         r"|::-webkit-scrollbar")
# Properties that change nothing on a screen nobody has touched yet, left out of the critical
# CSS (with their -* longhands): what moves and how (nothing moves before the reader does), the
# pointer's shape, the flash of a tapped link, the look of scroll bars (a phone draws its own
# over the page), a hint for 3D transforms that changes no pixel. The shared stylesheet brings them.
NOT_AT_FIRST_PAINT = ("transition", "cursor", "-webkit-tap-highlight-color", "scrollbar", "backface-visibility")
# Classes as first_paint.js sets them in <head>, before the first paint: <html class="js">, not
# no-js. (Without JavaScript the <noscript> stylesheet holds the first paint, so the critical CSS
# plays no part.) What Material's script changes when it runs (each table wrapped in two <div>s)
# is not here: a phone runs it only when the reader opens search, which covers the page, and by
# then the shared stylesheet, which has every rule, has as good as always come.
AT_FIRST_PAINT = {"html": ("no-js", "js")}  # tag: (class it loses, class it gets)

SHARED_NAME = "assets/stylesheets/site.{hash}.min.css"
PLACEHOLDER = "__ik_shared_css__"

STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<href>[^"]+\.css)">\s*')
# The page's scripts (Material's bundle, then the site's), the last thing in <body>.
PAGE_SCRIPTS = re.compile(r'(?:<script src="[^"]+"></script>\s*)+(?=</body>)')
SCRIPT_SOURCE = re.compile(r'<script src="([^"]+)">')
# Material's bundle among them: first_paint.js runs it at once on a wide screen, on demand on a phone.
MATERIAL_BUNDLE = re.compile(r"(^|/)assets/javascripts/bundle\.[0-9a-f]+\.min\.js$")
PALETTE_SCRIPT = re.compile(r'<script>var palette=__md_get\("__palette"\).*?</script>', re.S)
# Material's script that opens the content tab a link points to: this site has no content tabs
# (pymdownx.tabbed), so on a page without one it goes, bytes of the first flight.
TABS_SCRIPT = re.compile(r'<script>var target=document\.getElementById\(location\.hash\.slice\(1\)\);'
                         r'target&&target\.name&&\(target\.checked=target\.name\.startsWith\("__tabbed_"\)\)</script>')
# Words whose rules go although Material's script uses them, for what they cost a phone.
# `[data-md-color-switching] *, …:before, …:after {transition-duration: 0s !important}`: Material
# sets that attribute on <body> when it starts and at every palette switch, and removes it a
# moment later; with a rule for every element under it, each time the style of every element is
# computed again: about 200 ms of a 4x-slowed phone's main thread at every page load (`make
# bench`, Total Blocking Time). Without it a palette switch lets the few elements with a colour
# transition of their own (the header, links) fade over 0.25 s instead of switching at once.
LEFT_OUT = frozenset({"data-md-color-switching"})

# The palette toggles in the header, hidden until Material's script shows the one that applies:
# their icons are not needed for the first paint, so the shared stylesheet draws them
# (toggle_icon_css) and the first flight has 0.6 KB less to carry.
TOGGLE_ICON = re.compile(r'(?P<label><label class="md-header__button md-icon" title="[^"]*" '
                         r'for="(?P<id>__palette_\d+)" hidden>)\s*(?P<svg><svg\b[^>]*>.*?</svg>)\s*', re.S)
# Icons that no phone's first screen shows: the arrows of the footer's 前/次 links, far below, and
# the search box's clear button, in a box that opens later. The shared stylesheet draws them in
# the box their <svg> had (later_icon_css), as it does the palette toggles': 0.1 KB less in the
# first flight. Each: the markup up to the <svg> (which is removed), the element that keeps the
# icon as its ::before.
LATER_ICONS = (
    (re.compile(r'(?P<before><a [^>]*class="md-footer__link md-footer__link--prev"[^>]*>\s*'
                r'<div class="md-footer__button md-icon">)\s*(?P<svg><svg\b[^>]*>.*?</svg>)\s*', re.S),
     ".md-footer__link--prev .md-footer__button"),
    (re.compile(r'(?P<before><a [^>]*class="md-footer__link md-footer__link--next"(?:(?!</a>).)*?'
                r'<div class="md-footer__button md-icon">)\s*(?P<svg><svg\b[^>]*>.*?</svg>)\s*', re.S),
     ".md-footer__link--next .md-footer__button"),
    (re.compile(r'(?P<before><button type="reset" class="md-search__icon md-icon"[^>]*>)\s*'
                r'(?P<svg><svg\b[^>]*>.*?</svg>)\s*', re.S),
     ".md-search__options .md-search__icon"),
)
# Markup of the theme that no reader, browser or search engine uses, left out of the first flight:
# <meta name="generator"> (MkDocs' and Material's versions); <link rel="prev"/"next"> (no browser
# acts on them, and Google stopped reading them in 2019).
UNREAD_MARKUP = re.compile(r'<meta name="generator" content="[^"]*">\n?|<link rel="(?:prev|next)" href="[^"]*">\n?')
# Material's words for features this site does not have: copying code blocks, a version menu.
UNUSED_WORDS = ("clipboard.", "select.version")
JSON_SCRIPT = re.compile(r'(<script\b[^>]*\btype="application/(?:ld\+)?json"[^>]*>)(.*?)(</script>)', re.S)
# A run of white space with a line break, outside tags and elements that keep their white space.
WHITE_SPACE = re.compile(r"(<(pre|code|textarea|script|style)\b.*?</\2>|<[^>]*>)|[ \t\r\f]*\n\s*", re.S)
COMMENT = re.compile(r"/\*.*?\*/", re.S)
STYLE_ELEMENT = re.compile(r"<style\b[^>]*>.*?</style>", re.S)
# Words as they appear in HTML and JS: class names, ids, attribute values.
WORD = re.compile(r"[\w-]+")
# At-rules whose body holds ordinary rules, pruned like the top level.
GROUPING = {"media", "supports", "container", "layer"}

# The script that brings the shared stylesheet and the page's scripts (first_paint.js: read it
# for how and why), minified. Its text is the same on every page, so the CSP allows it by one hash.
FIRST_PAINT_SCRIPT = rjsmin.jsmin(Path(__file__).with_name("first_paint.js").read_text(encoding="utf-8")).strip()
if '"WIDE"' not in FIRST_PAINT_SCRIPT:
    raise PluginError('overrides/hooks/first_paint.js must test matchMedia("WIDE"), which becomes WIDE here.')
FIRST_PAINT_SCRIPT = FIRST_PAINT_SCRIPT.replace('"WIDE"', json.dumps(WIDE))
# While a wide screen waits for the shared stylesheet, in browsers that do not hold the first
# paint for it (blocking="render"), nothing shows rather than a page styled for a phone.
WAIT_RULE = ".ik-wait body{opacity:0}"
# The box of a palette toggle's icon (toggle_icon_css), as wide as the <svg> it replaces: the
# header keeps its layout even when the shared stylesheet fails to come.
TOGGLE_BOX_RULE = '.md-header__button[for^=__palette_]:before{content:"";display:block;width:1.2rem;height:1.2rem}'

# The palette, from the first paint and without Material's bundle (palette.js: read it for what
# it does), in place of Material's script for a stored choice; minified, the same on every page.
PALETTE = "<script>" + rjsmin.jsmin(Path(__file__).with_name("palette.js").read_text(encoding="utf-8")).strip() + "</script>"


@dataclass
class Build:
    """What the pages of one build share: their stylesheets (in order) and every word they use."""

    stylesheets: list[str] = field(default_factory=list)  # paths relative to site_dir
    words: set[str] = field(default_factory=set)
    toggle_icons: dict[str, str] = field(default_factory=dict)  # palette toggle's id: its <svg>
    later_icons: dict[str, str] = field(default_factory=dict)  # one of LATER_ICONS' element: its <svg>


_build = Build()


def on_pre_build(*, config: MkDocsConfig) -> None:
    global _build
    _build = Build()


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return first_paint(output, posixpath.dirname("/" + page.url) if page.url else "/", config)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    return first_paint(output_content, "/", config) if template_name.endswith(".html") else output_content


def on_post_build(*, config: MkDocsConfig) -> None:
    """Write the shared stylesheet and put its content-hashed name into every page."""
    if not _build.stylesheets:
        return
    css = shared_css(config.site_dir)
    name = SHARED_NAME.format(hash=hashlib.sha256(css.encode("utf-8")).hexdigest()[:8])
    target = Path(config.site_dir, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(css, encoding="utf-8")
    placeholder = SHARED_NAME.format(hash=PLACEHOLDER)
    for page in Path(config.site_dir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if placeholder in text:
            page.write_text(text.replace(placeholder, name), encoding="utf-8")


# The page ------------------------------------------------------------------------------


def first_paint(html: str, page_dir: str, config: MkDocsConfig) -> str:
    links = list(STYLESHEET.finditer(html))
    if not links:
        return html
    paths = built_stylesheets([m["href"] for m in links], page_dir, config)
    html = UNREAD_MARKUP.sub("", collapse_white_space(compact_json(html)))
    html, palettes = PALETTE_SCRIPT.subn(lambda m: PALETTE, html, count=1)
    if not palettes and "__palette" in html:
        raise PluginError("overrides/hooks/inline_css.py: the page has palette toggles but not Material's palette "
                          "script, which palette.js replaces; the theme's header changed? Adapt PALETTE_SCRIPT.")
    if "__tabbed_" not in TABS_SCRIPT.sub("", html):
        html = TABS_SCRIPT.sub("", html)
    html = TOGGLE_ICON.sub(toggle_icon, html)
    for pattern, where in LATER_ICONS:
        html = pattern.sub(lambda m: later_icon(m, where), html)  # noqa: B023
    _build.words |= page_words(html)
    critical = critical_css(html, [p.read_text(encoding="utf-8") for p in paths], config.site_dir)
    return with_stylesheets(STYLESHEET.sub("", html), critical, shared_href(links[0]["href"], _build.stylesheets[0]))


def toggle_icon(match: re.Match[str]) -> str:
    """The palette toggle without its <svg>, which the shared stylesheet draws (TOGGLE_ICON)."""
    same_icon(_build.toggle_icons, match["id"], match["svg"], "the palette toggle " + match["id"])
    return match["label"]


def later_icon(match: re.Match[str], where: str) -> str:
    """The markup without the <svg> of one of LATER_ICONS, which the shared stylesheet draws."""
    same_icon(_build.later_icons, where, match["svg"], where)
    return match["before"]


def same_icon(known: dict[str, str], key: str, svg: str, what: str) -> None:
    if known.setdefault(key, svg) != svg:
        raise PluginError(f"overrides/hooks/inline_css.py: {what} has another icon on another page; "
                          "every page must show the same.")


def toggle_icon_css() -> str:
    """Each palette toggle's icon, drawn as Material draws an icon <svg> in a header button, in
    the box that TOGGLE_BOX_RULE in the critical CSS keeps for it."""
    return "".join(icon_rule(f".md-header__button[for={toggle}]", svg)
                   for toggle, svg in sorted(_build.toggle_icons.items()))


def later_icon_css() -> str:
    """Each of LATER_ICONS drawn in the box its <svg> had (Material's .md-icon svg: 1.2rem)."""
    return "".join(icon_rule(where, svg, 'content:"";display:block;width:1.2rem;height:1.2rem;')
                   for where, svg in sorted(_build.later_icons.items()))


def icon_rule(selector: str, svg: str, box: str = "") -> str:
    """The <svg> as a mask of the element's ::before, painted in the text's colour."""
    mask = f'url("data:image/svg+xml;charset=utf-8,{quote(svg)}") center/contain no-repeat'
    return f"{selector}:before{{{box}background-color:currentcolor;-webkit-mask:{mask};mask:{mask}}}"


def built_stylesheets(hrefs: list[str], page_dir: str, config: MkDocsConfig) -> list[Path]:
    """The files a page links, the same on every page (the shared stylesheet is made of them)."""
    paths = [stylesheet_path(href, page_dir, config) for href in hrefs]
    relative = [p.relative_to(config.site_dir).as_posix() for p in paths]
    if _build.stylesheets and relative != _build.stylesheets:
        raise PluginError(f"overrides/hooks/inline_css.py: a page links {relative}, another {_build.stylesheets}; "
                          "every page must use the same stylesheets (theme and extra_css).")
    _build.stylesheets = relative
    return paths


def shared_href(href: str, built: str) -> str:
    """The shared stylesheet's address from a page, as the page addressed its first stylesheet
    (`built`, that stylesheet's path in the site): relative, or absolute on the 404 page."""
    if not href.endswith(built):
        raise PluginError(f"overrides/hooks/inline_css.py: {href} does not end in {built}; the theme links "
                          "its stylesheets differently now: adapt shared_href().")
    return href.removesuffix(built) + SHARED_NAME.format(hash=PLACEHOLDER)


def with_stylesheets(html: str, critical: str, shared: str) -> str:
    """After <title>: the critical CSS, then the script that brings the shared stylesheet and the
    page's scripts (first_paint.js), which leave the end of <body>; for readers without
    JavaScript, the stylesheet in a <noscript>."""
    if "</title>" not in html:
        raise PluginError("overrides/hooks/inline_css.py: a page has no <title>; the theme's <head> changed?")
    scripts = PAGE_SCRIPTS.search(html)
    if scripts is None:
        raise PluginError("overrides/hooks/inline_css.py: a page has no <script src> right before </body>; "
                          "the theme's base.html changed? first_paint.js loads those scripts.")
    sources = SCRIPT_SOURCE.findall(scripts[0])
    material = [src for src in sources if MATERIAL_BUNDLE.search(src)]
    if len(material) != 1:
        raise PluginError(f"overrides/hooks/inline_css.py: expected Material's bundle once among the page's scripts, "
                          f"found {material}; the theme's base.html changed? Adapt MATERIAL_BUNDLE.")
    site = " ".join(src for src in sources if src not in material)
    html = html[: scripts.start()] + html[scripts.end():]
    head = (f"<style>{critical}{TOGGLE_BOX_RULE}{WAIT_RULE}</style>\n"
            f'<script data-css="{shared}" data-material="{material[0]}" data-scripts="{site}">{FIRST_PAINT_SCRIPT}</script>'
            f'<noscript><link rel="stylesheet" href="{shared}"></noscript>')
    return html.replace("</title>", f"</title>\n{head}", 1)


def page_words(html: str) -> set[str]:
    return set(WORD.findall(STYLE_ELEMENT.sub("", html)))


def collapse_white_space(html: str) -> str:
    """Each run of white space with a line break becomes one line break, which renders the
    same wherever white-space is not pre*/break-spaces. Tags (their attributes) and <pre>,
    <code>, <textarea>, <script> and <style> keep theirs."""
    return WHITE_SPACE.sub(lambda m: m[1] or "\n", html)


def compact_json(html: str) -> str:
    """JSON data blocks (Material's config, JSON-LD) in UTF-8 rather than \\u escapes, still safe
    inside <script>: <, > and & stay escaped."""

    def rewrite(match: re.Match[str]) -> str:
        data = json.loads(match[2])
        if 'id="__config"' in match[1]:
            data = material_config(data)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return match[1] + text + match[3]

    return JSON_SCRIPT.sub(rewrite, html)


def material_config(config: dict) -> dict:
    """Material's configuration for its script without what this site never uses: settings left
    empty (null; the script reads a missing one the same way) and the words of features it does
    not have (UNUSED_WORDS)."""
    config = {key: value for key, value in config.items() if value is not None}
    words = config.get("translations", {})
    config["translations"] = {key: text for key, text in words.items() if not key.startswith(UNUSED_WORDS)}
    return config


# The shared stylesheet -----------------------------------------------------------------


def shared_css(site_dir: str) -> str:
    """Every stylesheet the pages linked, in their order, without the rules no page can use."""
    words = (frozenset(_build.words) | script_words(site_dir)) - LEFT_OUT
    sheets = [prune(compact(Path(site_dir, p).read_text(encoding="utf-8")), words) for p in _build.stylesheets]
    return '@charset "UTF-8";' + "".join(sheets) + toggle_icon_css() + later_icon_css()


def compact(css: str) -> str:
    """The stylesheet without comments, indentation or @charset (Material's own are minified
    already). Line breaks become single spaces, which CSS reads the same way."""
    css = COMMENT.sub("", css)
    css = re.sub(r'@charset\s+"[^"]*"\s*;', "", css)
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
    if urlsplit(href).scheme or href.startswith("//"):
        raise PluginError(f"overrides/hooks/inline_css.py: stylesheet {href} is on another origin; "
                          "serve it from the site (docs/stylesheets/) instead.")
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


# The critical CSS ----------------------------------------------------------------------


# The attributes of <body> that hold the palette, which any palette toggle may give it.
PALETTE_ATTRIBUTES = ("data-md-color-scheme", "data-md-color-primary", "data-md-color-accent")
COMBINATORS = (">", "+", "~")
ATTRIBUTE_OPERATORS = ("=", "~=", "|=", "^=", "$=", "*=")


class FirstScreen:
    """The elements of a page that can be on a phone's first screen, as the phone first paints
    them (AT_FIRST_PAINT). A selector's subject must be one of them; the elements its other
    compounds match (ancestors, siblings before) may be anywhere in the page."""

    def __init__(self, html: str) -> None:
        soup = bs4.BeautifulSoup(html, "html.parser")
        for tag, (lost, got) in AT_FIRST_PAINT.items():
            for element in soup.find_all(tag):
                element["class"] = [name for name in element.get("class", ()) if name != lost] + [got]
        self.elements: list[bs4.Tag] = []
        palettes: dict[str, set[str]] = {key: set() for key in PALETTE_ATTRIBUTES}
        inside: dict[int, tuple[bool, bool]] = {id(soup): (False, False)}  # in HIDDEN_INSIDE, in PINNED
        text, in_article = 0, False  # characters of text from the article's start
        for node in soup.descendants:
            if isinstance(node, bs4.Tag):
                hidden, pinned = inside[id(node.parent)]
                classes = set(node.get("class", ()))
                pinned = pinned or bool(classes & PINNED)
                inside[id(node)] = (hidden or bool(classes & HIDDEN_INSIDE), pinned)
                if not hidden and (text <= FIRST_SCREEN_CHARS or pinned):
                    self.elements.append(node)
                for key in PALETTE_ATTRIBUTES:
                    if node.has_attr(key):
                        palettes[key].add(node[key])
                in_article = in_article or node.name == "article"
            elif in_article and not isinstance(node, bs4.element.PreformattedString) \
                    and node.parent.name not in ("script", "style"):
                text += len(node.strip())
        # The elements by tag, #id, .class and [attribute], and all of those that a selector can
        # reach from them (their ancestors and the siblings before): quick answers for most
        # selectors, which need one that is not there.
        self.index: dict[str, list[bs4.Tag]] = {}
        for element in self.elements:
            for key in element_keys(element):
                self.index.setdefault(key, []).append(element)
        reached: dict[int, bs4.Tag] = {}
        for element in self.elements:
            while element is not None and id(element) not in reached:
                reached |= {id(e): e for e in (element, *element.find_previous_siblings())}
                element = element.parent
        self.reachable = {key for element in reached.values() for key in element_keys(element)}
        # Either palette: body may take each value any element gives one of its attributes.
        self.body = soup.body
        values = {key: sorted(palettes[key]) for key in PALETTE_ATTRIBUTES if self.body is not None and self.body.has_attr(key)}
        self.palettes = [dict(zip(values, p)) for p in itertools.product(*values.values())]

    def matches(self, text: str, subject: frozenset[str], keys: frozenset[str]) -> bool:
        """Whether some element of the first screen can be the subject of a selector (without_pseudos())."""
        compiled = compile_selector(text)
        if compiled is None:
            return True
        if not keys <= self.reachable:
            return False
        candidates = min((self.index.get(key, []) for key in subject), key=len) if subject else self.elements
        for palette in self.palettes if any(key in text.lower() for key in PALETTE_ATTRIBUTES) else self.palettes[:1]:
            for key, value in palette.items():
                self.body[key] = value
            if any(compiled.match(element) for element in candidates):
                return True
        return False


@functools.cache
def compile_selector(selector: str) -> soupsieve.SoupSieve | None:
    """The selector compiled, or None if soupsieve cannot read it: then it is kept (over)."""
    try:
        return soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError:
        return None


def element_keys(element: bs4.Tag) -> set[str]:
    """The element's tag, #id, .classes and [attributes], written as without_pseudos() writes them."""
    ids = [f"#{element['id']}"] if element.has_attr("id") else []
    return {element.name, *ids, *(f".{name}" for name in element.get("class", ())), *(f"[{a}]" for a in element.attrs)}


def without_pseudos(selector: list[Node]) -> tuple[str, frozenset[str], frozenset[str]]:
    """The selector's text without its pseudo-classes and pseudo-elements (:not(.x), :is(.a, .b),
    :first-child and ::before match as if absent), so that it matches at least every element it
    could style: over, never under. With it, the tag, #id, .classes and [attributes] its subject
    (the rightmost compound) needs, and those that all its compounds need."""
    kept: list[Node] = []
    tokens = iter([t for t in selector if t.type != "comment"])
    for token in tokens:
        if token.type == "literal" and token.value == ":":
            name = next(tokens, None)  # the name or function, or a second colon (a pseudo-element)
            if name is not None and name.type == "literal" and name.value == ":":
                next(tokens, None)
            if not kept or kept[-1].type == "whitespace" or kept[-1] in COMBINATORS:
                kept.append(LiteralToken(token.source_line, token.source_column, "*"))  # a compound left empty
        else:
            kept.append(token)
    while kept and kept[-1].type == "whitespace":
        kept.pop()
    subject: set[str] = set()
    keys: set[str] = set()
    for previous, token in zip([None, *kept], kept):
        if token.type == "whitespace" or token in COMBINATORS:
            keys |= subject
            subject = set()
        elif token.type == "hash":
            subject.add(f"#{token.value}")
        elif token.type == "ident":
            subject.add(f".{token.value}" if previous == "." else token.lower_value)
        elif token.type == "[] block":
            inside = [t for t in token.content if t.type not in ("whitespace", "comment")]
            if inside and inside[0].type == "ident" and (len(inside) == 1 or inside[1] in ATTRIBUTE_OPERATORS):
                subject.add(f"[{inside[0].lower_value}]")  # not [ns|name]
    return tinycss2.serialize(kept).strip(), frozenset(subject), frozenset(keys | subject)


def critical_css(html: str, stylesheets: list[str], site_dir: str) -> str:
    """The rules of the page's stylesheets that a phone's first screen needs, in their order."""
    screens = [FirstScreen(html)]
    words = page_words(html) | script_words(site_dir)
    rules = "".join("".join(critical_rules(parsed(compact(css)), words, screens)) for css in stylesheets)
    return without_declarations(rules)


@functools.cache
def parsed(css: str) -> tuple[Node, ...]:
    return tuple(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def critical_rules(rules: Iterable[Node], words: set[str] | frozenset[str], screens: list[FirstScreen]) -> Iterator[str]:
    for rule in rules:
        if rule.type == "qualified-rule":
            kept = [s for s in split_selectors(rule.prelude)
                    if needed(s) <= words and at_first_paint(s) and can_show(s, screens)]
            if kept:
                yield ",".join(tinycss2.serialize(s).strip() for s in kept) + "{" + tinycss2.serialize(rule.content).strip() + "}"
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING and rule.content is not None:
            prelude = tinycss2.serialize(rule.prelude)
            if rule.lower_at_keyword == "media" and not holds_on_a_phone(prelude):
                continue
            inner = "".join(critical_rules(tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                           skip_whitespace=True), words, screens))
            if inner:
                yield f"@{rule.at_keyword}{prelude}{{{inner}}}"
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("layer", "property"):
            yield tinycss2.serialize([rule])
        # @keyframes, @font-face, @page, @charset: nothing on this site's first screen uses them.


MEDIA_MIN_WIDTH = re.compile(r"min-width\s*:\s*([\d.]+)(em|rem|px)")


def holds_on_a_phone(media: str) -> bool:
    """Whether a media query list can hold on a screen narrower than WIDE_EM (print cannot)."""
    for query in media.split(","):
        query = query.strip().lower()
        if re.fullmatch(r"(only\s+)?print", query) or query.startswith("print "):
            continue
        width = MEDIA_MIN_WIDTH.search(query)
        if width and not query.startswith("not"):
            em = float(width[1]) / (16 if width[2] == "px" else 1)
            if em >= WIDE_EM:
                continue
        return True
    return False


def can_show(selector: list[Node], screens: list[FirstScreen]) -> bool:
    stripped = without_pseudos(selector)
    return any(screen.matches(*stripped) for screen in screens)


def at_first_paint(selector: list[Node]) -> bool:
    """False for a selector that needs a state no page is in when it first paints, or that only
    paints an icon of the drawer (ICONS_LATER)."""
    if ICONS_LATER.search(tinycss2.serialize(selector)):
        return False
    tokens = [t for t in selector if t.type != "comment"]
    for i, token in enumerate(tokens):
        if token.type == "ident" and i and tokens[i - 1].type == "literal" and tokens[i - 1].value == ":":
            if token.lower_value in LATER_STATES:
                return False
            if token.lower_value == "checked" and i >= 2 and tokens[i - 2].type == "[] block":
                inside = [t for t in tokens[i - 2].content if t.type != "whitespace"]
                if len(inside) == 3 and inside[0].value == "data-md-toggle" and inside[2].value in LATER_TOGGLES:
                    return False
    return True


def without_declarations(css: str) -> str:
    """The critical CSS without NOT_AT_FIRST_PAINT and without the custom properties (`--x: …`)
    that nothing in it reads; without the rules that leaves empty. Material declares a few
    hundred (icons as data: URIs, colours of features this site does not use); the first
    screen reads a few dozen."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    while True:
        used = set(re.findall(r"var\(\s*(--[\w-]+)", css))
        trimmed = "".join(without_properties(rules, used))
        if trimmed == css:
            return css
        css = trimmed
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)


def painted(name: str) -> bool:
    return not any(name == p or name.startswith(p + "-") for p in NOT_AT_FIRST_PAINT)


def without_properties(rules: Iterable[Node], used: set[str]) -> Iterator[str]:
    for rule in rules:
        if rule.type == "qualified-rule":
            declarations = [d for d in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                       skip_whitespace=True)
                            if d.type == "declaration" and painted(d.lower_name)
                            and (not d.name.startswith("--") or d.name in used)]
            if declarations:
                body = ";".join(f"{d.name}:{tinycss2.serialize(d.value).strip()}" + ("!important" if d.important else "")
                                for d in declarations)
                yield tinycss2.serialize(rule.prelude).strip() + "{" + body + "}"
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in GROUPING:
            inner = "".join(without_properties(tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                               skip_whitespace=True), used))
            if inner:
                yield f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}"
        else:
            yield tinycss2.serialize([rule])
