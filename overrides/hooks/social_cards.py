"""Social cards (LINE, X, Facebook previews): the Japanese title broken into lines, offline.

Material's social plugin draws each card from overrides/cards/ik-card.yml. Two things it
cannot do for this site, done here:

- Fonts. The plugin reads `<cache_dir>/fonts/<Family>/<Style>.ttf` and downloads the family
  from Google Fonts when that folder is missing. `on_config` copies the vendored
  overrides/fonts/BIZUDPGothic-Bold.ttf there first (the plugin only needs a font when it
  draws, after `on_page_markdown`), so a build never goes online.
- Line breaks. The plugin wraps text only at spaces, and Japanese has none. So
  `on_page_markdown` (which runs before the plugin's, at priority -100) splits the title into
  phrases with BudouX, packs them into at most three lines measured with the card's own font,
  and picks the largest title size that fits. The layout has a fixed layer per line slot and
  size, and shows the lines through `page.meta`:

      card_size:  the title's font size in px, one of TITLE_SIZES
      card_slots: five strings; 3 lines fill slots 0, 2, 4, two lines 1, 3 and one line 2,
                  so the block stays vertically centred (the slots are half a line apart)
      card_site_lines: the site name in two lines, for the band at the bottom

A page whose title is too long for the card sets a shorter `card_title:` in its front
matter; the build fails, naming the file, when neither fits.
"""

from __future__ import annotations

import filecmp
import functools
import itertools
import re
import shutil
from pathlib import Path

import budoux
from material.plugins.social.plugin import SocialPlugin
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from PIL import ImageFont

OVERRIDES = Path(__file__).resolve().parents[1]
FONT = OVERRIDES / "fonts" / "BIZUDPGothic-Bold.ttf"
# What the layout's `font:` asks for; the plugin looks for <cache_dir>/fonts/<family>/<style>.ttf.
FONT_FAMILY = "BIZ UDPGothic"
FONT_STYLE = "Bold"
# Theme folders that are build inputs, not site files (MkDocs would copy them into the site).
NOT_PUBLISHED = ("fonts", "cards")

# Geometry shared with overrides/cards/ik-card.yml (tests/test_cards.py checks they agree).
TITLE_WIDTH = 1040  # px a title line may take; its layers are 40 px wider as a safety margin
TITLE_SIZES = (96, 80, 64)  # px, largest first; each has its own five slot layers
MAX_LINES = 3
SITE_WIDTH = 880  # px for each line of the site name, right of the flag badge
SITE_SIZES = (48, 38)  # px of the site name's first and second line
SITE_SEPARATOR = "―"

# Kinsoku: characters that must not start a line, and those that must not end one.
NO_LINE_START = frozenset(
    "、。,.:;!?)]}・ー…‥〜’”」』】〕〉》〙〗〟"
    "\uff0c\uff0e\uff1a\uff1b\uff01\uff1f\uff09\uff3d\uff5d"  # fullwidth ，．：；！？）］｝
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々ゝゞヽヾ"
    "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
)
NO_LINE_END = frozenset("([{「『【〔〈《〘〖〝‘“\uff08\uff3b\uff5b")  # + fullwidth （［｛
OPENING = "([「『【〔〈《\uff08\uff3b\uff5b"
CLOSING = ")]」』】〕〉》\uff09\uff3d\uff5d"
SPACE_AFTER = re.compile(r"(?<=\s)(?=\S)")
NATURAL_BREAK_AFTER = frozenset("、。,.:;!?・\uff0c\uff0e\uff1a\uff1b\uff01\uff1f" + CLOSING)

_site_lines: list[str] = []


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    social = _social_plugin(config)
    if social is not None:
        cache_dir = Path(config.config_file_path).parent / social.config.cache_dir
        if install_font(cache_dir / "fonts" / FONT_FAMILY / f"{FONT_STYLE}.ttf"):
            social.manifest.clear()  # card hashes do not cover the font: redraw every card
    _site_lines[:] = site_lines(config.site_name)
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Keep the vendored font and the card layout out of the built site."""
    for file in list(files):
        path = Path(file.abs_src_path or "")
        if any(path.is_relative_to(OVERRIDES / folder) for folder in NOT_PUBLISHED):
            files.remove(file)
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    text, key = card_text(page)
    fitted = fit_title(text)
    if fitted is None:
        fix = ("shorten `card_title` in the front matter" if key == "card_title" else
               "add a shorter `card_title: ...` to the front matter (it is used only on the card)")
        raise PluginError(
            f"docs/{page.file.src_uri}: `{key}` 「{text}」 does not fit on the social card in "
            f"{MAX_LINES} lines even at {TITLE_SIZES[-1]}px; {fix}."
        )
    size, lines = fitted
    page.meta["card_lines"] = lines
    page.meta["card_size"] = size
    page.meta["card_slots"] = slots(lines)
    page.meta["card_site_lines"] = list(_site_lines)
    return markdown


def _social_plugin(config: MkDocsConfig) -> SocialPlugin | None:
    for plugin in config.plugins.values():
        if isinstance(plugin, SocialPlugin) and plugin.config.enabled:
            return plugin
    return None


def install_font(target: Path) -> bool:
    """Put the vendored font where the social plugin looks; True if it was missing or different."""
    if not FONT.is_file():
        raise PluginError(f"{FONT} is missing; restore it from the repository (overrides/fonts/README.md).")
    if target.is_file() and filecmp.cmp(FONT, target, shallow=False):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")  # the plugin lists the folder: never show it half a file
    shutil.copyfile(FONT, partial)
    partial.replace(target)
    return True


def card_text(page: Page) -> tuple[str, str]:
    """The text the card shows and the front-matter key it came from."""
    for key in ("card_title", "title"):
        value = page.meta.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise PluginError(f"docs/{page.file.src_uri}: `{key}` must be a non-empty line of text.")
        return " ".join(value.split()), key
    raise PluginError(f"docs/{page.file.src_uri}: front matter has no `title`; add `title: ...`.")


def site_lines(site_name: str) -> list[str]:
    """The site name in at most two lines for the card's band: split at ― or between phrases."""
    head, sep, tail = site_name.partition(SITE_SEPARATOR)
    if sep:
        lines = [line for line in (head.strip(), tail.strip()) if line]
    else:
        lines = pack(phrases(site_name), SITE_SIZES[0], SITE_WIDTH, max_lines=len(SITE_SIZES)) or []
    if not lines or any(width(line, size) > SITE_WIDTH for line, size in zip(lines, SITE_SIZES)):
        raise PluginError(
            f"mkdocs.yml: site_name 「{site_name}」 does not fit on the social card in two lines; "
            f"shorten it, or put `{SITE_SEPARATOR}` between two parts of at most about "
            f"{SITE_WIDTH // SITE_SIZES[0]} characters each."
        )
    return lines


def fit_title(text: str) -> tuple[int, list[str]] | None:
    """The largest title size at which the text fits in MAX_LINES lines, and those lines."""
    units = phrases(text)
    for size in TITLE_SIZES:
        lines = pack(units, size, TITLE_WIDTH)
        if lines is not None:
            return size, lines
    return None


def slots(lines: list[str]) -> list[str]:
    """Five half-line slots with the lines centred in them (see the module docstring)."""
    filled = [""] * (2 * MAX_LINES - 1)
    first = MAX_LINES - len(lines)
    for index, line in enumerate(lines):
        filled[first + 2 * index] = line
    return filled


def phrases(text: str) -> list[str]:
    """BudouX phrases, mended for kinsoku: a closing mark joins the phrase before it, an
    opening mark the phrase after it, and a 「…」 stays whole (pack breaks it if it must).
    Latin text is one BudouX phrase; it is split at its spaces."""
    units: list[str] = []
    depth = 0
    for phrase in (word for part in _parser().parse(text) for word in SPACE_AFTER.split(part) if word):
        if units and (depth > 0 or units[-1][-1] in NO_LINE_END):
            units[-1] += phrase
        else:
            lead = len(phrase) - len(phrase.lstrip("".join(NO_LINE_START)))
            if units and lead:
                units[-1] += phrase[:lead]
            if phrase[lead:]:
                units.append(phrase[lead:])
        depth = max(0, depth + sum(phrase.count(c) for c in OPENING) - sum(phrase.count(c) for c in CLOSING))
    return units


def pack(units: list[str], size: int, limit: int, max_lines: int = MAX_LINES) -> list[str] | None:
    """The phrases in the fewest lines no wider than `limit`, or None beyond `max_lines`.

    Among layouts with that many lines, prefer breaks after punctuation or before an opening
    mark (BudouX also breaks inside phrases such as 筆者に|ついて), then the most even lines.
    A phrase wider than a line is first broken by characters.
    """
    pieces = [piece for unit in units for piece in break_chars(unit, size, limit)]
    gaps = range(1, len(pieces))
    for breaks in range(min(max_lines, len(pieces))):
        candidates = []
        for cut in itertools.combinations(gaps, breaks):
            bounds = [0, *cut, len(pieces)]
            lines = ["".join(pieces[a:b]).strip() for a, b in zip(bounds, bounds[1:])]
            widths = [width(line, size) for line in lines]
            if max(widths) <= limit:
                awkward = sum(not natural_break(pieces[c - 1], pieces[c]) for c in cut)
                candidates.append((awkward, max(widths) - min(widths), lines))
        if candidates:
            return min(candidates)[2]
    return None


def natural_break(before: str, after: str) -> bool:
    """A break after a space or punctuation, or before an opening mark."""
    if before[-1:].isspace() or after.lstrip()[:1] in OPENING:
        return True
    return before.rstrip()[-1:] in NATURAL_BREAK_AFTER


def break_chars(text: str, size: int, limit: int) -> list[str]:
    """`text` in pieces no wider than `limit`, each break moved back to obey kinsoku."""
    pieces: list[str] = []
    while width(text, size) > limit:
        cut = 1
        while cut < len(text) and width(text[: cut + 1], size) <= limit:
            cut += 1
        while cut > 1 and (text[cut] in NO_LINE_START or text[cut - 1] in NO_LINE_END):
            cut -= 1
        pieces.append(text[:cut])
        text = text[cut:]
    return [*pieces, text]


def width(text: str, size: int) -> float:
    return _font(size).getlength(text.strip())


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


@functools.cache
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()
