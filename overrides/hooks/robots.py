"""Write robots.txt next to the sitemap.xml MkDocs builds, naming it by its absolute URL.

Crawlers read robots.txt only at the root of a host. Published at the root of its own domain,
the site is found through it; under a project sub-path (https://<user>.github.io/<repo>/) the
file is built all the same but crawlers do not look there, so submit <site_url>sitemap.xml in
the search engines' webmaster tools instead.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig


def on_post_build(*, config: MkDocsConfig) -> None:
    robots = Path(config.site_dir) / "robots.txt"
    robots.write_text(robots_txt(config.site_url), encoding="utf-8")


def robots_txt(site_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}sitemap.xml\n"
