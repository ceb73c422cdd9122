"""The built site, read with an HTML parser: pages, reading order, callouts, privacy."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import PAGES, ROOT, Page, mkdocs_config

# The reading order the site is designed for: conclusion first, then the story.
READING_ORDER = [
    "index.md",
    "background.md",
    "events/first.md",
    "events/second.md",
    "events/compare.md",
    "fit.md",
    "check.md",
    "conclusion.md",
    "red-flags.md",
    "help.md",
]

# Every warning sign the source article names, each a red flag on the page that tells it.
RED_FLAGS = {
    "background.md": {
        "rf-want-work-aura", "rf-looks", "rf-sdgs-health-talk", "rf-grand-talk",
        "rf-their-referrals", "rf-paid-seminar", "rf-gut-feeling",
    },
    "events/first.md": {
        "rf-free-event", "rf-study-group-invite", "rf-zoom-later", "rf-zoom-slides", "rf-income-pillar",
    },
    "events/second.md": {
        "rf-referral-quota", "rf-joining-fee", "rf-closed-circle", "rf-forced-cards",
        "rf-give-take-pitch", "rf-quick-payback", "rf-rituals", "rf-trial-pressure",
    },
}

SITE_URL = mkdocs_config().site_url


def page(src: str) -> Page:
    return next(p for p in PAGES if p.src == src)


def site_path(href: str) -> str:
    """A link on the landing page as a site-relative page URL: `./`, `.` and `index.html` are ``."""
    path = href.split("#")[0].removeprefix("./").removesuffix("index.html")
    return "" if path == "." else path


def test_every_page_in_docs_is_in_the_reading_order():
    assert sorted(p.src for p in PAGES) == sorted(READING_ORDER), (
        "docs/ and the designed reading order disagree: add the page to READING_ORDER (and nav) or remove it"
    )


@pytest.mark.parametrize("src", READING_ORDER)
def test_every_page_is_built_in_japanese_with_its_title_and_description(src, soup):
    p = page(src)
    html = soup(p.html_path)
    assert html.html.get("lang") == "ja", f"{p.html_path}: <html lang> is {html.html.get('lang')!r}"
    title = p.front_matter["title"]
    assert title in html.title.get_text(), f"{p.html_path}: <title> lacks the front-matter title {title!r}"
    meta = html.find("meta", attrs={"name": "description"})
    assert meta is not None, f"{p.html_path}: no <meta name=description>"
    assert meta["content"] == p.front_matter["description"].strip()
    assert 0 < len(meta["content"]) <= 120, f"docs/{src}: description must be 1-120 characters"
    h1 = html.select("article h1")
    assert len(h1) == 1 and h1[0].get_text(strip=True), f"{p.html_path}: needs exactly one non-empty <h1>"
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", h1[0].get_text()), f"{p.html_path}: <h1> is not Japanese"


def test_nav_lists_the_pages_in_reading_order(soup):
    html = soup("index.html")
    links = html.select("nav.md-nav--primary a.md-nav__link[href]")
    hrefs = []
    for a in links:
        if a["href"].startswith("#"):
            continue
        href = site_path(a["href"])
        if href in hrefs:
            continue
        hrefs.append(href)
    expected = [page(src).url for src in READING_ORDER]
    assert hrefs == expected, f"nav order is {hrefs}, expected {expected}"


def test_ui_strings_are_japanese(soup):
    html = soup("index.html")
    search = html.select_one("input.md-search__input")
    assert search is not None and search.get("placeholder") == "検索"
    toggles = [label.get("title", "") for label in html.select("form[data-md-component=palette] label")]
    assert "ダークモードに切り替え" in toggles and "ライトモードに切り替え" in toggles, toggles


def test_site_name_says_what_this_is_and_for_whom(soup):
    name = soup("index.html").select_one(".md-header__topic .md-ellipsis").get_text(strip=True)
    assert "異業種交流会" in name and "士業" in name, f"site name {name!r} should say the topic and the reader"


def test_landing_page_links_to_every_other_page(soup):
    content = soup("index.html").select_one("article")
    targets = {site_path(a["href"]) for a in content.select("a[href]")}
    missing = [src for src in READING_ORDER[1:] if page(src).url not in targets]
    assert not missing, f"the landing page's guide should link to {missing}"


def test_comparison_table_sets_the_two_events_side_by_side(soup):
    tables = soup(page("events/compare.md").html_path).select("article table")
    assert tables, "events/compare.md needs a comparison table"
    table = tables[0]
    header = [th.get_text(strip=True) for th in table.select("thead th")]
    assert len(header) == 3 and "1回目" in header[1] and "2回目" in header[2], header
    rows = {tr.select_one("th").get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
            for tr in table.select("tbody tr")}
    for aspect in ["参加費", "入り方", "参加者", "形式", "ノルマ", "雰囲気", "判定"]:
        matching = [label for label in rows if aspect in label]
        assert matching, f"comparison table has no row about {aspect}: rows are {list(rows)}"
        assert all(cell for cell in rows[matching[0]]), f"row {matching[0]} has an empty cell"
    fee = rows[[label for label in rows if "参加費" in label][0]]
    assert "1,000" in fee[0] and "5,000" in fee[1], f"fees are 1,000円 and 5,000円, table says {fee}"


def test_every_table_row_is_named_by_a_row_header(soup):
    """overrides/hooks/row_headers.py: a screen reader says which row a cell is in, and the
    names are labels that break only between phrases."""
    tables = [(p.src, t) for p in PAGES for t in soup(p.html_path).select("article table")]
    assert len(tables) >= 3, f"the site's tables: {[src for src, _ in tables]}"
    for src, table in tables:
        for tr in table.select("tbody tr"):
            cells = tr.find_all(["th", "td"], recursive=False)
            assert cells[0].name == "th" and cells[0].get("scope") == "row", f"{src}: row {cells[0]} is not named"
            assert all(c.name == "td" for c in cells[1:]), f"{src}: only the first cell of a row is its header: {tr}"


@pytest.mark.parametrize("src", sorted(RED_FLAGS))
def test_every_warning_sign_is_a_closed_red_flag_callout(src, soup):
    html = soup(page(src).html_path)
    flags = html.select("article details.red-flag")
    ids = {flag.get("id") for flag in flags}
    assert ids == RED_FLAGS[src], f"docs/{src}: red flags are {sorted(ids)}, expected {sorted(RED_FLAGS[src])}"
    for flag in flags:
        assert not flag.has_attr("open"), f"{flag['id']} must start closed"
        summary = flag.find("summary", recursive=False)
        assert summary is not None and summary.get_text(strip=True), f"{flag['id']} has no one-line summary"
        body = "".join(el.get_text() for el in flag.find_all(recursive=False) if el.name != "summary")
        assert len(body.strip()) >= 40, f"{flag['id']} needs a body that explains the sign"


def test_red_flags_appear_only_where_the_source_tells_them(soup):
    count = 0
    for p in PAGES:
        found = {f.get("id") for f in soup(p.html_path).select("details.red-flag")}
        assert found == RED_FLAGS.get(p.src, set()), f"docs/{p.src}: unexpected red flags {found}"
        count += len(found)
    assert count >= 10


def test_fit_checklist_is_a_task_list(soup):
    boxes = soup(page("fit.md").html_path).select("article li.task-list-item input[type=checkbox]")
    assert len(boxes) >= 7, f"fit.md should list who fits and who doesn't as task-list items, found {len(boxes)}"


def test_not_found_page_is_japanese_and_leads_home(site, soup):
    html = soup("404.html")
    assert html.html.get("lang") == "ja"
    assert "見つかりません" in html.select_one("article h1").get_text()
    home = urlsplit(SITE_URL).path or "/"
    assert any(a["href"] == home for a in html.select("article a[href]")), f"404 page should link to {home}"


def _same_origin(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("", "data") and not url.startswith("//"):
        return True
    return url.startswith(SITE_URL)


def test_built_site_references_no_other_origin(site):
    offenders = []
    for path in site.rglob("*.html"):
        from bs4 import BeautifulSoup

        html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in [("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                          ("source", "src"), ("video", "src"), ("audio", "src"), ("object", "data")]:
            for el in html.find_all(tag):
                if el.has_attr(attr) and not _same_origin(el[attr]):
                    offenders.append(f"{path.relative_to(site)}: <{tag} {attr}={el[attr]}>")
        for el in html.find_all("script", attrs={"data-scripts": True}):  # what first_paint.js loads
            offenders += [f"{path.relative_to(site)}: first_paint.js loads {url}"
                          for url in [el["data-css"], *el["data-scripts"].split()] if not _same_origin(url)]
        for el in html.find_all(style=True):
            offenders += [f"{path.relative_to(site)}: style url {u}" for u in re.findall(r"url\(['\"]?(https?:|//)", el["style"])]
    for path in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(site)}: url({url})")
        if "@import" in path.read_text(encoding="utf-8"):
            offenders.append(f"{path.relative_to(site)}: @import")
    assert not offenders, "the site must load nothing from another origin:\n" + "\n".join(offenders)


def test_static_hosts_that_read_headers_get_the_security_headers(site):
    headers = site / "_headers"
    assert headers.is_file(), "docs/_headers should be copied to the site root"
    text = headers.read_text(encoding="utf-8")
    for header in ["frame-ancestors 'none'", "X-Content-Type-Options: nosniff", "Referrer-Policy:"]:
        assert header in text, f"docs/_headers lacks {header}"


SCRIPTS = [str(getattr(s, "path", s)) for s in mkdocs_config().extra_javascript]


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_sites_scripts_ship_minified_and_still_parse(script, site):
    """docs/javascripts/*.js are written to be read; the built site gets them without comments
    and white space (page_scripts.py), and what ships must still be valid JavaScript."""
    source = (ROOT / "docs" / script).read_text(encoding="utf-8")
    shipped = (site / script).read_text(encoding="utf-8")
    assert len(shipped) < 0.7 * len(source), (
        f"site/{script} is {len(shipped):,} characters, the source {len(source):,}: "
        "it should ship minified (overrides/hooks/page_scripts.py, on_post_build)")
    assert not re.search(r"^\s*//|/\*", shipped, re.M), f"site/{script} still has comments"
    node = shutil.which("node")
    assert node, "Node.js is needed to parse the shipped scripts: run `make system-deps`"
    parsed = subprocess.run([node, "--check", str(site / script)], capture_output=True, text=True, timeout=60)
    assert parsed.returncode == 0, f"site/{script} does not parse after minifying:\n{parsed.stderr}"
