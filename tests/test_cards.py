"""Social cards: one real 1200x630 PNG per page, its title broken between phrases, offline.

The cards come from Material's social plugin with overrides/cards/ik-card.yml; the title
lines and the font come from overrides/hooks/social_cards.py (see its docstring).
"""

from __future__ import annotations

import filecmp
import importlib.util
import re
from pathlib import Path

import pytest
import yaml
from PIL import Image

from conftest import PAGES, ROOT, build

HOOK_PATH = ROOT / "overrides" / "hooks" / "social_cards.py"
LAYOUT = ROOT / "overrides" / "cards" / "ik-card.yml"
CACHE = ROOT / ".cache" / "plugin" / "social"
CARDS_DIR = "assets/images/social"
SIZE = (1200, 630)
TITLE_AREA = (80, 40, 1160, 440)  # left, top, right, bottom: white, above the band
PLUGIN_META = re.compile(r'<meta property="(?:og|twitter):[^"]*" content="[^"]*" />')
OG_OR_TWITTER = re.compile(r'<meta\s+(?:property|name)="((?:og|twitter):[^"]+)"')


def _load_hook():
    spec = importlib.util.spec_from_file_location("social_cards_under_test", HOOK_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hook = _load_hook()


def card_path(src: str) -> str:
    """Where the plugin writes a page's card: the source path without .md, as .png."""
    return f"{CARDS_DIR}/{src.removesuffix('.md')}.png"


def card_text(page) -> str:
    meta = page.front_matter
    return " ".join(str(meta.get("card_title") or meta["title"]).split())


def dark_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    grey = image.convert("L").crop(box)
    return sum(grey.histogram()[:96])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.src)
def test_every_page_has_a_real_1200x630_card_with_its_title(site, page):
    path = site / card_path(page.src)
    assert path.is_file(), f"no card for docs/{page.src} at {card_path(page.src)}"
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == SIZE, f"{card_path(page.src)} is {image.size}, not {SIZE}"
        image.load()
        rgb = image.convert("RGB")
    area = (TITLE_AREA[2] - TITLE_AREA[0]) * (TITLE_AREA[3] - TITLE_AREA[1])
    ink = dark_pixels(rgb, TITLE_AREA)
    assert ink > area * 0.02, f"{card_path(page.src)}: the title area is nearly blank ({ink} dark pixels)"
    colors = rgb.getcolors(maxcolors=4096)  # None: more than that
    assert colors is None or len(colors) > 50, f"{card_path(page.src)} looks flat, not drawn text"
    # Nothing dark in the white area's right margin: no title line ran off the card.
    assert dark_pixels(rgb, (1140, 0, SIZE[0], 470)) == 0, f"{card_path(page.src)}: text runs into the margin"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.src)
def test_card_lines_break_between_phrases_and_fit(page):
    text = card_text(page)
    fitted = hook.fit_title(text)
    assert fitted is not None, f"docs/{page.src}: title does not fit the card"
    size, lines = fitted
    assert size >= 64 and 1 <= len(lines) <= hook.MAX_LINES
    assert "".join(lines).replace(" ", "") == text.replace(" ", ""), "lines lost or added text"
    boundaries = set()
    position = 0
    for phrase in hook._parser().parse(text):
        position += len(phrase.replace(" ", ""))
        boundaries.add(position)
    position = 0
    for line in lines[:-1]:
        position += len(line.replace(" ", ""))
        # A break is at a BudouX boundary, or next to one when kinsoku moved a mark across it.
        assert {position - 1, position, position + 1} & boundaries, f"{lines}: break inside a phrase"
    for line in lines:
        assert hook.width(line, size) <= hook.TITLE_WIDTH
        assert line[0] not in hook.NO_LINE_START and line[-1] not in hook.NO_LINE_END, lines


def test_phrase_wider_than_a_line_breaks_by_characters_with_kinsoku():
    text = "「" + "あ" * 11 + "、" + "い" * 11 + "」"
    lines = hook.pack(hook.phrases(text), 96, hook.TITLE_WIDTH)
    assert lines and "".join(lines) == text
    for line in lines:
        assert hook.width(line, 96) <= hook.TITLE_WIDTH
        assert line[0] not in hook.NO_LINE_START and line[-1] not in hook.NO_LINE_END, lines


def test_title_that_cannot_fit_is_refused():
    assert hook.fit_title("申し込む前に知っておきたいこと" * 8) is None


def test_layout_agrees_with_the_hook():
    layout = yaml.safe_load(LAYOUT.read_text(encoding="utf-8"))
    assert layout["size"] == {"width": SIZE[0], "height": SIZE[1]}
    assert not layout.get("tags"), "the layout must add no meta tags (overrides/main.html writes them)"
    title_slots: dict[int, set[int]] = {size: set() for size in hook.TITLE_SIZES}
    site_lines = {}
    for layer in layout["layers"]:
        typography = layer.get("typography")
        if not typography:
            continue
        assert typography["font"] == {"family": hook.FONT_FAMILY, "style": hook.FONT_STYLE}
        width, height = layer["size"]["width"], layer["size"]["height"]
        assert layer["offset"]["x"] + width <= SIZE[0] and layer["offset"]["y"] + height <= SIZE[1]
        content = typography["content"]
        if match := re.search(r"card_slots\[(\d)\] if page\.meta\.card_size == (\d+)", content):
            slot, size = int(match[1]), int(match[2])
            assert height - 1 == size and width >= hook.TITLE_WIDTH, layer
            title_slots[size].add(slot)
        elif match := re.search(r"card_site_lines\[(\d)\]", content):
            site_lines[int(match[1])] = layer
    assert all(slots == set(range(2 * hook.MAX_LINES - 1)) for slots in title_slots.values()), title_slots
    assert sorted(site_lines) == list(range(len(hook.SITE_SIZES)))
    for index, size in enumerate(hook.SITE_SIZES):
        assert site_lines[index]["size"]["height"] - 1 == size >= 32
        assert site_lines[index]["size"]["width"] >= hook.SITE_WIDTH


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.src)
def test_plugin_writes_no_meta_tags(site, page):
    html = (site / page.html_path).read_text(encoding="utf-8")
    assert not PLUGIN_META.search(html), f"{page.html_path}: the social plugin added meta tags"
    properties = OG_OR_TWITTER.findall(html)
    repeated = {p for p in properties if properties.count(p) > 1}
    assert not repeated, f"{page.html_path}: {sorted(repeated)} written twice"


def test_font_and_layout_are_not_published(site):
    published = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.suffix in {".ttf", ".yml"}]
    assert not published and not (site / "fonts").exists() and not (site / "cards").exists(), published


def test_plugin_reads_the_vendored_font(site):
    cached = CACHE / "fonts" / hook.FONT_FAMILY / f"{hook.FONT_STYLE}.ttf"
    assert filecmp.cmp(hook.FONT, cached, shallow=False), "the plugin's font is not the vendored one"
    assert sorted(p.name for p in cached.parent.iterdir()) == [cached.name]


def test_second_build_reuses_the_cached_cards(site, tmp_path):
    """An unchanged tree rebuilds without redrawing a card or copying the font again."""

    def snapshot() -> dict[str, int]:
        return {p.relative_to(CACHE).as_posix(): p.stat().st_mtime_ns
                for p in CACHE.rglob("*") if p.is_file() and p.suffix in {".png", ".ttf"}}

    before = snapshot()
    missing = [page.src for page in PAGES if card_path(page.src) not in before]
    assert not missing, f"no cached card for {missing}"
    result = build(ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert snapshot() == before, "the second build rewrote cached cards or the font"
    for page in PAGES:
        assert (tmp_path / "site" / card_path(page.src)).is_file()
