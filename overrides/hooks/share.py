"""What each page needs for link previews and its share bar, computed once at build time.

overrides/partials/meta.html (Open Graph, X card, JSON-LD) and overrides/partials/share.html
(the 「このページを送る」 bar) read `share` from the page context:

- `url`: the page's absolute canonical URL (site_url + page URL), the one every preview,
  share link and QR code points to, whichever host the build is looked at on.
- `title`, `description`: the front matter (page_meta.py has checked both exist).
- `image`: the social card Material's social plugin draws for the page,
  site_url + assets/images/social/<source path without .md>.png; `image_alt` says what it shows.
- `hatena`: はてなブックマーク's entry page for `url`.
- `line`, `x`, `facebook`: each service's share screen for `url` (and the title, on X). Their
  query values are written as a browser reads them (`query`): the page's URL and title as they
  stand elsewhere in the page, which gzip then sends for a few bytes, not escaped into new text.
- `published`, `modified`: ISO dates for JSON-LD, from front matter `date` / `updated`, or
  else the site-wide `extra.published` in mkdocs.yml (required: a build without it stops).
- `qr`: a QR code of `url` (segno), written beside the page as `qr.svg` and shown by an
  <img> (`src`, `size` in modules, `alt`) inside the closed 「QRコードを表示」: it is loaded
  only when a reader opens it, so its ~0.5 KB (gzip) of path data stays out of the page's
  first round trip (overrides/hooks/inline_css.py). The file carries no style attribute.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import segno
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

CARD_DIR = "assets/images/social/"
LANDING = "index.md"
QR_LABEL = "このページのアドレスのQRコード"
QR_FILE = "qr.svg"  # beside the page's index.html
SVG_START = re.compile(r"^<svg\b")
# A line break that YAML's folded style (>-) turned into a space after Japanese punctuation.
FOLDED_SPACE = re.compile(r"(?<=[。、！？」』）])\s+")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    published_date(config)  # fail early, before any page is rendered
    return config


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    url = page.canonical_url
    if not url:
        return context  # no site_url: site_url.py stops such a build before this runs
    title = str(page.meta.get("title", page.title)).strip()
    default = published_date(config)
    published = iso_date(page.meta.get("date"), f"docs/{page.file.src_uri}: `date`") or default
    modified = iso_date(page.meta.get("updated"), f"docs/{page.file.src_uri}: `updated`") or published
    context["share"] = {
        "url": url,
        "type": "website" if page.file.src_uri == LANDING else "article",
        "title": title,
        "description": str(page.meta.get("description", "")).strip(),
        "site_description": one_line(config.site_description or ""),
        "image": card_url(page, config),
        # What the card shows: its title (a shorter `card_title` if the page has one) and the site name.
        "image_alt": f"{str(page.meta.get('card_title') or title).strip()}({config.site_name})",
        "published": published,
        "modified": modified,
        "hatena": hatena_entry(url),
        # LINE's documented link for a share button with one's own icon on a website
        # (developers.line.biz, "Using Share buttons" → "Using custom icons").
        "line": "https://social-plugins.line.me/lineit/share?" + query(url=url),
        "x": "https://x.com/intent/post?" + query(text=title, url=url),
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + query(u=url),
        "qr": write_qr(url, page, config),
    }
    return context


def one_line(text: str) -> str:
    """site_description as one line: folded YAML lines join without a space after 。 and the like."""
    return FOLDED_SPACE.sub("", " ".join(text.split()))


def card_url(page: Page, config: MkDocsConfig) -> str:
    """Where Material's social plugin puts the page's card: index.md → .../social/index.png."""
    stem = page.file.src_uri.rsplit(".", 1)[0]
    return config.site_url + CARD_DIR + quote(stem) + ".png"


def query(**values: str) -> str:
    """A query string with each value escaped only where it would end or change the query (%, &,
    #, +, =, white space, and what HTML attributes and the URL parser treat specially). The
    rest, non-ASCII included, stays as it is: a valid URL string, which the browser encodes as
    UTF-8 when the link is followed, so the service receives the same as with every byte escaped."""
    special = re.compile(r'[%&#+=\s"<>\\^`{|}]')
    return "&".join(f"{key}={special.sub(lambda m: quote(m[0], safe=''), value)}" for key, value in values.items())


def hatena_entry(url: str) -> str:
    """はてなブックマーク's entry page for `url`: /entry/s/<host/path> for https, /entry/<host/path> for http."""
    parts = urlsplit(url)
    secure = "s/" if parts.scheme == "https" else ""
    return f"https://b.hatena.ne.jp/entry/{secure}{parts.netloc}{quote(parts.path, safe='/%')}"


def write_qr(url: str, page: Page, config: MkDocsConfig) -> dict[str, Any]:
    """Write the page's QR code beside it; what share.html needs to show it."""
    svg, size = qr_svg(url)
    target = Path(config.site_dir, page.file.dest_uri).parent / QR_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(svg, encoding="utf-8")
    return {"src": QR_FILE, "size": size, "alt": QR_LABEL}


def qr_svg(url: str) -> tuple[str, int]:
    """The QR code of `url` as an SVG file, black on white with its quiet zone, and its width in
    modules (an <img> scales it; crisp edges keep the modules sharp at any size)."""
    qr = segno.make(url, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=1, dark="#000", light="#fff", border=4, xmldecl=False, omitsize=True,
            svgclass=None, lineclass=None)
    svg = out.getvalue().decode("utf-8")
    if "style=" in svg:
        raise PluginError("overrides/hooks/share.py: segno wrote a style attribute into the QR code; "
                          "check segno's svg options after an upgrade.")
    size, _ = qr.symbol_size(scale=1, border=4)
    svg = SVG_START.sub(f'<svg width="{size}" height="{size}" shape-rendering="crispEdges"', svg, count=1)
    return svg, size


def published_date(config: MkDocsConfig) -> str:
    value = config.extra.get("published")
    date = iso_date(value, "mkdocs.yml: extra.published")
    if not date:
        raise PluginError(
            "mkdocs.yml: extra.published is missing; add the site's publication date under `extra:`, "
            "e.g. `published: 2026-11-25` (JSON-LD datePublished of pages without a front-matter `date`)."
        )
    return date


def iso_date(value: Any, where: str) -> str | None:
    """A YAML date (or date-time) as ISO 8601; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise PluginError(f"{where} is {value!r}; write a date as YYYY-MM-DD, e.g. 2026-11-25.") from None
