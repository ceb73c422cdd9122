"""Link previews and the share bar, read the way crawlers, share screens and phone cameras read them.

- Open Graph and X card tags, parsed from the built HTML and again with extruct (as crawlers
  parse them), JSON-LD included: every value absolute and the page's own.
- The share links decode back to the page's published URL and title.
- The QR code decodes back to the page's URL with a real decoder (zxing-cpp).
- robots.txt names the sitemap; the sitemap lists every page.
- In Chromium and WebKit: リンクをコピー copies the URL and says so (or, where the browser refuses
  the clipboard, shows it selected to copy by hand), and nothing is fetched from another
  origin. In Chromium: 共有… hands it to the share sheet; without JavaScript the links still work.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from drivers import booted
from conftest import ON_PHONES, PAGES, VIEWPORTS, Page, build, mkdocs_config, project_copy

CONFIG = mkdocs_config()
SITE_URL = CONFIG.site_url
LANDING = "index.md"
CARD_DIR = "assets/images/social/"
OG_PROPERTIES = [
    "og:type", "og:site_name", "og:locale", "og:url", "og:title", "og:description",
    "og:image", "og:image:type", "og:image:width", "og:image:height", "og:image:alt",
]
TWITTER_NAMES = ["twitter:card"]
# X falls back to og:title, og:description, og:image and og:image:alt for these: repeating them
# would only add bytes, and two copies could drift apart.
TWITTER_FALLS_BACK = ["twitter:title", "twitter:description", "twitter:image", "twitter:image:alt"]
SERVICES = ["line", "x", "facebook", "hatena"]
IDS = [p.src for p in PAGES]


def absolute_url(p: Page) -> str:
    return SITE_URL + p.url


def card_url(p: Page) -> str:
    return SITE_URL + CARD_DIR + p.src.removesuffix(".md") + ".png"


def published(p: Page) -> str:
    """The date JSON-LD should carry: front matter `date`, else mkdocs.yml extra.published."""
    value = p.front_matter.get("date") or CONFIG.extra["published"]
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


def modified(p: Page) -> str:
    value = p.front_matter.get("updated")
    return (value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)) if value else published(p)


def social_cards_expected(site: Path) -> bool:
    """The card PNGs must exist once Material's social plugin is on (or has written any)."""
    return "material/social" in CONFIG.plugins or "social" in CONFIG.plugins or (site / CARD_DIR).is_dir()


# Open Graph and X card ------------------------------------------------------------------


@pytest.mark.parametrize("p", PAGES, ids=IDS)
def test_every_page_has_the_complete_link_preview_with_its_own_values(p, soup, site):
    html = soup(p.html_path)
    where = f"{p.html_path} (overrides/partials/meta.html, overrides/hooks/share.py)"
    url = absolute_url(p)

    og = {}
    for prop in OG_PROPERTIES:
        tags = html.find_all("meta", attrs={"property": prop})
        assert len(tags) == 1, f"{where}: expected one <meta property={prop!r}>, found {len(tags)}"
        og[prop] = tags[0].get("content")
    twitter = {}
    for name in TWITTER_NAMES:
        tags = html.find_all("meta", attrs={"name": name})
        assert len(tags) == 1, f"{where}: expected one <meta name={name!r}> (X reads name=), found {len(tags)}"
        twitter[name] = tags[0].get("content")
    wrong = [t["property"] for t in html.find_all("meta", attrs={"property": True}) if t["property"].startswith("twitter:")]
    assert not wrong, f"{where}: X card tags must use name=, not property=: {wrong}"

    canonical = html.find_all("link", rel="canonical")
    assert len(canonical) == 1, f"{where}: expected Material's one <link rel=canonical>, found {len(canonical)}"
    assert canonical[0]["href"] == url, f"{where}: canonical {canonical[0]['href']!r} is not site_url + page URL {url!r}"
    assert og["og:url"] == url, f"{where}: og:url {og['og:url']!r} must be the canonical URL {url!r}"

    expected_type = "website" if p.src == LANDING else "article"
    assert og["og:type"] == expected_type, f"{where}: og:type must be {expected_type!r} (website only for the landing page)"
    assert og["og:site_name"] == CONFIG.site_name, f"{where}: og:site_name must be mkdocs.yml site_name"
    assert og["og:locale"] == "ja_JP"
    title, description = p.front_matter["title"].strip(), p.front_matter["description"].strip()
    assert og["og:title"] == title, f"{where}: og:title must be the front-matter title {title!r}"
    assert og["og:description"] == description, f"{where}: og:description must be the front-matter description"
    assert html.find("meta", attrs={"name": "description"})["content"] == description

    image = card_url(p)
    assert og["og:image"] == image, f"{where}: og:image {og['og:image']!r}, expected the page's card {image!r}"
    assert urlsplit(image).scheme == "https" and image.startswith(SITE_URL), f"{where}: og:image must be absolute under site_url"
    assert (og["og:image:type"], og["og:image:width"], og["og:image:height"]) == ("image/png", "1200", "630")
    card_title = str(p.front_matter.get("card_title") or title).strip()
    assert card_title in og["og:image:alt"], f"{where}: og:image:alt should say what the card shows (its title)"

    assert twitter == {"twitter:card": "summary_large_image"}, f"{where}: X's large-image card: {twitter}"
    repeated = [name for name in TWITTER_FALLS_BACK if html.find("meta", attrs={"name": name})]
    assert not repeated, f"{where}: X reads these from Open Graph; a second copy can only drift: {repeated}"
    assert all(og[f"og:{name.removeprefix('twitter:')}"] for name in TWITTER_FALLS_BACK), f"{where}: X's fallbacks"

    if social_cards_expected(site):
        from PIL import Image

        png = site / CARD_DIR / (p.src.removesuffix(".md") + ".png")
        assert png.is_file(), f"{where}: og:image points at {png.relative_to(site)}, which was not built"
        with Image.open(png) as card:
            assert card.size == (1200, 630), f"{png.relative_to(site)} is {card.size}, og:image:width/height say 1200x630"


def test_the_404_page_has_no_link_preview_and_no_share_bar(soup):
    html = soup("404.html")
    assert not html.find("meta", attrs={"property": "og:url"}), "404.html: a missing page should not carry a preview"
    assert not html.find("script", type="application/ld+json"), "404.html: no JSON-LD on the 404 page"
    assert not html.select(".ik-share"), "404.html: no share bar on the 404 page"


# What crawlers extract ---------------------------------------------------------------------


def extracted(site: Path, p: Page) -> dict:
    import extruct

    html = (site / p.html_path).read_text(encoding="utf-8")
    return extruct.extract(html, base_url=absolute_url(p), syntaxes=["json-ld", "opengraph"])


@pytest.mark.parametrize("p", PAGES, ids=IDS)
def test_crawlers_read_the_same_preview_and_complete_structured_data(p, site):
    where = f"{p.html_path} (overrides/partials/meta.html)"
    data = extracted(site, p)
    url, title = absolute_url(p), p.front_matter["title"].strip()
    description = p.front_matter["description"].strip()

    assert len(data["opengraph"]) == 1, f"{where}: extruct found {len(data['opengraph'])} Open Graph blocks"
    props = data["opengraph"][0]["properties"]
    og = dict(props)
    assert len(og) == len(props), f"{where}: a property appears twice: {[k for k, _ in props]}"
    assert set(OG_PROPERTIES) <= set(og), f"{where}: extruct misses {set(OG_PROPERTIES) - set(og)}"
    assert (og["og:url"], og["og:title"], og["og:description"], og["og:image"]) == (url, title, description, card_url(p))

    assert len(data["json-ld"]) == 1, f"{where}: expected one JSON-LD block, extruct found {len(data['json-ld'])}"
    ld = data["json-ld"][0]
    assert ld.get("@context") == "https://schema.org", f"{where}: JSON-LD @context must be https://schema.org"
    assert ld.get("inLanguage") == "ja", f"{where}: JSON-LD inLanguage must be 'ja'"
    if p.src == LANDING:
        expected = {"@type": "WebSite", "name": CONFIG.site_name, "url": SITE_URL}
        assert {k: ld.get(k) for k in expected} == expected, f"{where}: landing page JSON-LD must be the WebSite: {ld}"
        # site_description as one line: YAML's folded lines join without a space after Japanese punctuation.
        site_description = re.sub(r"(?<=[。、！？」』）])\s+", "", " ".join(CONFIG.site_description.split()))
        assert ld.get("description") == site_description, (
            f"{where}: WebSite description must be mkdocs.yml site_description, got {ld.get('description')!r}")
        return
    assert ld.get("@type") == "BlogPosting", f"{where}: an article page's JSON-LD must be a BlogPosting"
    assert ld.get("headline") == title, f"{where}: headline must be the front-matter title"
    assert ld.get("description") == description, f"{where}: description must be the front-matter description"
    for role in ("author", "publisher"):
        person = ld.get(role) or {}
        assert person.get("@type") == "Person" and person.get("name") == CONFIG.site_author, (
            f"{where}: {role} must be a Person named site_author ({CONFIG.site_author!r}), got {person}")
    assert ld.get("datePublished") == published(p), f"{where}: datePublished must be front matter `date` or extra.published"
    assert ld.get("dateModified") == modified(p), f"{where}: dateModified must be front matter `updated` or datePublished"
    dt.date.fromisoformat(ld["datePublished"][:10])  # ISO 8601, or this raises
    assert ld.get("image") == card_url(p), f"{where}: JSON-LD image must be the card URL {card_url(p)}"
    main = ld.get("mainEntityOfPage")
    main_url = main.get("@id") if isinstance(main, dict) else main
    assert main_url == url, f"{where}: mainEntityOfPage must be the canonical URL {url}, got {main}"
    urls = [ld.get("url"), ld["image"], main_url, ld["author"].get("url"), ld["publisher"].get("url")]
    assert all(u is None or u.startswith(SITE_URL) for u in urls), f"{where}: every URL in JSON-LD must be absolute under site_url: {urls}"


def test_front_matter_dates_become_the_json_ld_dates(tmp_path):
    project = project_copy(tmp_path)
    page = project / "docs" / "events" / "first.md"
    page.write_text(page.read_text(encoding="utf-8").replace("---\n", "---\ndate: 2026-12-01\nupdated: 2026-12-24\n", 1),
                    encoding="utf-8")
    result = build(project, project / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    html = (project / "site" / "events" / "first" / "index.html").read_text(encoding="utf-8")
    import extruct

    ld = extruct.extract(html, syntaxes=["json-ld"])["json-ld"][0]
    assert (ld["datePublished"], ld["dateModified"]) == ("2026-12-01", "2026-12-24"), (
        "front matter `date`/`updated` must win over extra.published (overrides/hooks/share.py)")


def test_a_build_without_a_publication_date_fails_saying_what_to_add(tmp_path):
    project = project_copy(tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert re.search(r"^  published: .*$", text, re.M), "mkdocs.yml: extra.published is missing"
    config.write_text(re.sub(r"^  published: .*\n", "", text, flags=re.M), encoding="utf-8")
    result = build(project, project / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build should fail without extra.published:\n{output}"
    assert "extra.published" in output and "published: 2026-11-25" in output, output


# Share links ---------------------------------------------------------------------------------


def share_bar(html, where: str):
    bars = html.select("section.ik-share")
    assert len(bars) == 1, f"{where}: expected one share bar (overrides/partials/share.html), found {len(bars)}"
    return bars[0]


def decoded_share_target(service: str, href: str) -> dict[str, str]:
    """What a share link hands to its service: {'url': ..., 'text': ...} read back from the href."""
    parts = urlsplit(href)
    query = {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=bool(parts.query)).items()}
    if service == "line":
        assert (parts.netloc, parts.path) == ("social-plugins.line.me", "/lineit/share"), href
        return {"url": query.get("url")}
    if service == "x":
        assert (parts.netloc, parts.path) == ("x.com", "/intent/post"), href
        return {"url": query.get("url"), "text": query.get("text")}
    if service == "facebook":
        assert (parts.netloc, parts.path) == ("www.facebook.com", "/sharer/sharer.php"), href
        return {"url": query.get("u")}
    if service == "hatena":
        assert parts.netloc == "b.hatena.ne.jp" and parts.path.startswith("/entry/"), href
        rest = parts.path.removeprefix("/entry/")
        scheme = "https" if rest.startswith("s/") else "http"
        return {"url": f"{scheme}://{unquote(rest.removeprefix('s/'))}"}
    raise AssertionError(service)


def check_share_links(links: dict[str, dict], p: Page, where: str) -> None:
    """links: service → {'href', 'target', 'rel', 'name'} as found on the page."""
    url, title = absolute_url(p), p.front_matter["title"].strip()
    assert set(links) == set(SERVICES), f"{where}: share links for {sorted(links)}, expected {SERVICES}"
    for service, link in links.items():
        assert urlsplit(link["href"]).scheme == "https", f"{where}: the {service} share link must be https"
        target = decoded_share_target(service, link["href"])
        assert target["url"] == url, f"{where}: the {service} link shares {target['url']!r}, not the page's URL {url!r}"
        if "text" in target:
            assert target["text"] == title, f"{where}: the {service} link's text is {target['text']!r}, not the title"
        assert link["target"] == "_blank" and {"noopener", "noreferrer"} <= set(link["rel"]), (
            f"{where}: the {service} link needs target=_blank rel='noopener noreferrer'")
        assert "新しいタブ" in link["name"], f"{where}: the {service} link's name should say it opens a new tab"


@pytest.mark.parametrize("p", PAGES, ids=IDS)
def test_share_links_hand_the_page_url_and_title_to_each_service(p, soup):
    where = f"{p.html_path} (overrides/partials/share.html)"
    bar = share_bar(soup(p.html_path), where)
    names = {"line": "LINEで送る", "x": "Xでポスト", "facebook": "Facebookでシェア", "hatena": "はてブ(はてなブックマーク)"}
    links = {}
    for service in SERVICES:
        a = bar.select_one(f"a.ik-share__link--{service}")
        assert a is not None, f"{where}: no {service} share link"
        links[service] = {"href": a["href"], "target": a.get("target"), "rel": a.get("rel", []), "name": a.get_text("", strip=True)}
        assert links[service]["name"].startswith(names[service]), (
            f"{where}: the {service} link's accessible name should start {names[service]!r}, is {links[service]['name']!r}")
    check_share_links(links, p, where)
    assert bar.get("data-url") == absolute_url(p), f"{where}: data-url (what リンクをコピー copies) must be the page URL"
    for control in ("data-ik-share-copy", "data-ik-share-native"):
        button = bar.find("button", attrs={control: True})
        assert button is not None and button.has_attr("hidden"), (
            f"{where}: the [{control}] button must be rendered hidden; share.js shows it when it can work")
    status = bar.find(attrs={"data-ik-share-status": True})
    assert status is not None and status.get("aria-live") == "polite", f"{where}: the confirmation needs an aria-live=polite region"


# QR code ----------------------------------------------------------------------------------------


def decode_qr(svg: str) -> list:
    """Render the SVG file as a phone camera would see it and decode it with zxing-cpp."""
    import cairosvg
    import zxingcpp
    from PIL import Image

    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=600)
    code = Image.open(io.BytesIO(png)).convert("RGBA")
    canvas = Image.new("RGB", (code.width + 160, code.height + 160), "white")  # a quiet zone on top of its own
    canvas.paste(code, (80, 80), code)
    return zxingcpp.read_barcodes(canvas)


@pytest.mark.parametrize("p", PAGES, ids=IDS)
def test_the_qr_code_decodes_to_the_page_url(p, soup, site):
    where = f"{p.html_path} (overrides/hooks/share.py)"
    bar = share_bar(soup(p.html_path), where)
    details = bar.select_one("details.ik-share__qr")
    assert details is not None and "QRコードを表示" in details.summary.get_text(), f"{where}: the QR code sits in <details> 「QRコードを表示」"
    # A file beside the page, loaded only when the reader opens the <details>.
    images = details.select("img.ik-share__qrcode")
    assert len(images) == 1, f"{where}: expected one QR code <img>, found {len(images)}"
    image = images[0]
    assert image.get("alt"), f"{where}: the QR code needs an alt text"
    assert image.get("loading") == "lazy", f"{where}: the QR code should load only when shown"
    assert image.get("width") == image.get("height") and int(image["width"]) > 20, f"{where}: the QR code needs its size"
    assert not re.match(r"[a-z]+:|//|/", image["src"]), f"{where}: the QR code must be a file of the site: {image['src']}"
    svg = (site / p.url / image["src"]).read_text(encoding="utf-8")
    assert "style=" not in svg, f"{where}: the QR code has a style attribute"
    results = decode_qr(svg)
    assert [r.text for r in results] == [absolute_url(p)], (
        f"{where}: the QR code decodes to {[r.text for r in results]}, expected {absolute_url(p)!r}")
    assert results[0].format.name == "QRCode"


# robots.txt and sitemap.xml --------------------------------------------------------------------


def test_robots_txt_names_the_sitemap_and_the_sitemap_lists_every_page(site):
    robots = site / "robots.txt"
    assert robots.is_file(), "robots.txt was not built (overrides/hooks/robots.py, registered under hooks: in mkdocs.yml)"
    lines = robots.read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {SITE_URL}sitemap.xml" in lines, f"robots.txt must name Sitemap: {SITE_URL}sitemap.xml:\n{lines}"
    assert "User-agent: *" in lines and "Disallow: /" not in lines, "robots.txt must let every crawler in"

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in ET.parse(site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert sorted(locs) == sorted(absolute_url(p) for p in PAGES), f"sitemap.xml lists {locs}, expected every page's absolute URL"


# In the browser --------------------------------------------------------------------------------


SHARE_LINKS_IN_PAGE = """() => Object.fromEntries([...document.querySelectorAll("a.ik-share__link")].map(a => [
  [...a.classList].find(c => c.startsWith("ik-share__link--")).slice("ik-share__link--".length),
  {href: a.href, target: a.target, rel: a.rel.split(/\\s+/), name: a.textContent.replace(/\\s+/g, ""),
   visible: a.checkVisibility()}]))"""

TOO_SMALL = """() => [...document.querySelectorAll(".ik-share a, .ik-share button, .ik-share summary")]
  .filter(el => el.checkVisibility())
  .map(el => [el.textContent.trim().replace(/\\s+/g, " ").slice(0, 20), el.getBoundingClientRect()])
  .filter(([, box]) => box.width < 44 || box.height < 44)
  .map(([name, box]) => `${name}: ${Math.round(box.width)}x${Math.round(box.height)}`)"""


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.browser
def test_share_bar_copies_the_page_url_and_fetches_nothing_from_another_origin(reader):
    p = next(p for p in PAGES if p.src == "events/first.md")
    reader.open(p.url)
    where = f"{reader.where} (share.html, share.js)"

    links = reader.js(SHARE_LINKS_IN_PAGE)
    assert all(link["visible"] for link in links.values()), f"{where}: share links not all visible: {links}"
    check_share_links(links, p, where)
    assert not reader.js(TOO_SMALL), f"{where}: controls below 44x44 CSS px: {reader.js(TOO_SMALL)}"

    assert reader.visible("button", "リンクをコピー"), f"{where}: share.js should show リンクをコピー where the Clipboard API exists"
    reader.click("button", "リンクをコピー")
    reader.wait_for("() => document.querySelector('[data-ik-share-status]').textContent.includes('コピーしました')",
                    what="「コピーしました」")
    assert reader.attribute("[data-ik-share-status]", "aria-live") == "polite"
    assert reader.clipboard() == absolute_url(p), f"{where}: リンクをコピー copied the wrong URL"
    assert not reader.visible(".ik-share__manual"), f"{where}: the copy-by-hand field is only for when copying fails"

    has_share = reader.js("() => typeof navigator.share === 'function'")
    assert reader.visible("[data-ik-share-native]") == has_share, f"{where}: 共有… must show exactly when navigator.share exists ({has_share})"

    reader.click(".ik-share__qr > summary")
    assert reader.visible("img.ik-share__qrcode"), f"{where}: QRコードを表示 must open the code"
    reader.wait_for("s => { const img = document.querySelector(s); return img.complete && img.naturalWidth > 0; }",
                    "img.ik-share__qrcode", what="the QR code's qr.svg loaded")

    foreign = [u for u in reader.requests() if not u.startswith(origin(reader.base)) and not u.startswith("data:")]
    assert not foreign, f"{where}: requests to another origin: {foreign}"
    assert not reader.problems(), f"{where}:\n" + "\n".join(reader.problems())


@ON_PHONES
@pytest.mark.browser
def test_where_the_clipboard_is_refused_the_share_bar_shows_the_address_selected(reader):
    p = next(p for p in PAGES if p.src == "check.md")
    reader.trouble_with_clipboard("refused")
    reader.open(p.url)
    reader.click("button", "リンクをコピー")
    reader.wait_for("() => document.querySelector('.ik-share__manual input')?.checkVisibility()", what="the address field")
    field = reader.js("""() => { const f = document.querySelector(".ik-share__manual input");
        return {value: f.value, focused: document.activeElement === f, start: f.selectionStart, end: f.selectionEnd,
                readOnly: f.readOnly, label: f.labels.length ? f.labels[0].textContent : ""} }""")
    url = absolute_url(p)
    assert field == {"value": url, "focused": True, "start": 0, "end": len(url), "readOnly": True, "label": "このページのアドレス"}, \
        f"{reader.where}: the address must show selected in a labelled read-only field: {field}"
    assert "長押し" in reader.text("[data-ik-share-status]"), f"{reader.where}: say how to copy by hand"
    reader.press("Control+c")
    assert reader.clipboard() == url, f"{reader.where}: copying the selected address by hand must give the page URL"
    assert not reader.problems(), "\n".join(reader.problems())


@pytest.mark.browser
def test_the_share_button_hands_the_page_to_the_system_share_sheet(tab, server):
    p = next(p for p in PAGES if p.src == "events/compare.md")
    tab.add_init_script("navigator.share = async data => { window.__shared = data; };")
    tab.goto(server + p.url, wait_until="load")
    booted(tab)
    button = tab.get_by_role("button", name="共有…")
    assert button.is_visible(), f"{p.url}: 共有… must show when navigator.share exists (docs/javascripts/share.js)"
    button.click()
    tab.wait_for_function("window.__shared !== undefined")
    assert tab.evaluate("window.__shared") == {"title": p.front_matter["title"], "url": absolute_url(p)}
    assert not tab.problems, "\n".join(tab.problems)


@pytest.mark.browser
@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_without_javascript_the_share_links_and_qr_code_still_work_and_the_buttons_stay_hidden(browser, server, viewport_name):
    context = browser.new_context(locale="ja-JP", java_script_enabled=False, **VIEWPORTS[viewport_name])
    try:
        tab = context.new_page()
        p = next(p for p in PAGES if p.src == LANDING)
        tab.goto(server + p.url, wait_until="load")
        links = tab.evaluate(SHARE_LINKS_IN_PAGE)
        assert all(link["visible"] for link in links.values()), f"without JS the share links must show: {links}"
        check_share_links(links, p, "landing page without JS")
        for control, name in (("data-ik-share-copy", "リンクをコピー"), ("data-ik-share-native", "共有…")):
            button = tab.locator(f"[{control}]")
            assert button.count() == 1 and not button.is_visible(), f"without JS {name} must stay hidden"
        tab.get_by_text("QRコードを表示").click()
        code = tab.locator("img.ik-share__qrcode")
        assert code.is_visible(), "without JS the QR code must still open"
        tab.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=code.element_handle())
    finally:
        context.close()
