"""Each page loads only the site's scripts it uses, and they go out minified.

Material links every file of `extra_javascript` (mkdocs.yml) into every page. Each of the
site's scripts works on one feature's markup and does nothing where that markup is missing, so
a page without it does not load the script: the landing page, for one, loads 3.5 KB (gzip)
less without the checklists' script, which keeps a first visit within the landing page's byte
budget (`make bench`) now that the CSS comes as a file of its own (inline_css.py).

A script not listed in USED_WHERE stays on every page.

The scripts in docs/javascripts/ are written to be read (comments, long names); the built site
gets them without comments and white space (rjsmin: it only removes, it renames nothing), which
saves 2.3 KB gzip on every first visit. The sources stay as they are.
"""

from __future__ import annotations

import re
from pathlib import Path

import rjsmin
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

# Each script (as in extra_javascript) and the markup it works on.
USED_WHERE = {
    "javascripts/share.js": re.compile(r"<[^>]*\sdata-ik-share[\s>=]"),  # the share bar
    "javascripts/checklist.js": re.compile(r'<div class="ik-check" data-check="'),  # fit.md, check.md
}


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return without_unused_scripts(output)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    return without_unused_scripts(output_content) if template_name.endswith(".html") else output_content


def without_unused_scripts(html: str) -> str:
    for script, markup in USED_WHERE.items():
        if not markup.search(html):
            tag = re.compile(rf'<script src="[^"]*?{re.escape(script)}"></script>\n?')
            html = tag.sub("", html)
    return html


def on_post_build(*, config: MkDocsConfig) -> None:
    for script in config.extra_javascript:
        path = Path(config.site_dir) / str(getattr(script, "path", script))
        if path.suffix == ".js" and path.is_file():
            path.write_text(rjsmin.jsmin(path.read_text(encoding="utf-8")), encoding="utf-8")
