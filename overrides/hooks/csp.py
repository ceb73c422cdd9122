"""A strict Content Security Policy on every page, as a <meta> that any static host serves.

The policy allows nothing from another origin and no inline script or style except the
theme's own few scripts, the palette script and the critical CSS inline_css.py put in the
page, each allowed by the SHA-256 hash of its exact text, computed here from the built HTML.
So a script or style that somebody manages to inject into a page does not apply. The rest of
the CSS is one stylesheet of the site ('self'), loaded by plain <link> elements: no `onload=`
handler, which this policy would block like any other inline script.

`mkdocs serve` injects a live-reload script that changes with every request; there the
policy is left out (and the log says so), so live reload keeps working.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.csp")

# Directives besides script-src. Nothing from another origin; data: only for the theme's
# inline SVG icons (CSS mask images count as images). No fonts and no web app manifest: the site
# has neither, so default-src 'none' refuses both.
POLICY = {
    "default-src": ["'none'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}
INLINE_STYLE = re.compile(r"<style>(?P<body>.*?)</style>", re.S)
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S)
EXTERNAL_OR_DATA = re.compile(r"\bsrc=|\btype=\"(?!text/javascript|module)[^\"]*\"")
HEAD_START = re.compile(r"<head>\s*(<meta charset=\"[^\"]+\">)?")

_serving = False


def on_startup(*, command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"
    if _serving:
        log.info("Content-Security-Policy left out while serving, so live reload can run.")


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return output if _serving else with_policy(output)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    if _serving or not template_name.endswith(".html"):
        return output_content
    return with_policy(output_content)


def with_policy(html: str) -> str:
    """The page with its policy as the first thing in <head>, before any script."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy_for(html)}">'
    head = HEAD_START.search(html)
    if head is None:
        raise ValueError("overrides/hooks/csp.py: a built page has no <head>; the theme's base.html changed?")
    return html[: head.end()] + "\n    " + meta + html[head.end():]


def policy_for(html: str) -> str:
    script_src = ["'self'", *sorted({sha256(body) for body in inline_scripts(html)})]
    style_src = ["'self'", *sorted({sha256(m["body"]) for m in INLINE_STYLE.finditer(html)})]
    directives = {"script-src": script_src, "style-src": style_src, **POLICY}
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def inline_scripts(html: str) -> list[str]:
    """The text of each inline script the browser would run (not src=, not JSON data)."""
    return [m["body"] for m in INLINE_SCRIPT.finditer(html) if not EXTERNAL_OR_DATA.search(m["attrs"])]


def sha256(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
