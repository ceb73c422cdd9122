"""The search index, rebuilt so that Material's search finds the Japanese words readers type.

Material's search box, result list and keyboard stay as they are; this hook changes only what
they search, search/search_index.json. Left to itself (`lang: ja`), Material cuts the text into
words in the browser with TinySegmenter, and cuts the kanji of a query greedily at words found
in that index. The two cuts often disagree (回転ずし in the text, 回|転ずし in the query), so a
compound finds nothing, and a query cut down to one common kanji ranks a page that does not
contain the word first. Here instead:

1. **Sections without the red flags, and one entry per red flag.** Each section's entry leaves
   out its red-flag callouts (and `hidden` blocks such as the checklists' verdicts, which a
   reader does not see), and every red flag gets an entry of its own: `page/#rf-id`, titled
   with its summary. A word inside a flag finds the flag by name and links to it, and
   docs/javascripts/search.js opens it on arrival.

2. **Words cut at build time** by SudachiPy (sudachidict_core), a morphological analyser with a
   real dictionary: a zero-width space between words (`\\u200b`, in `separator` in mkdocs.yml).
   `lang: en` with an empty pipeline keeps TinySegmenter (and any English stemming) out of the
   browser, so these cuts are the ones searched.

3. **`keywords` and `title_keywords`, fields searched but not shown** (boosted as the text
   and the title): every compound, a run of nouns, prefixes and suffixes and the word after
   it, from each of its words on (an n-gram fallback: 紹介ノルマ, 見込み客, 収入の柱, 二人きり
   are found whole where the dictionary has no such compound, since every query term is a
   prefix match); and the words written the other ways a reader may type them: the
   dictionary's spelling (お試し for おためし, 取り引き for 取引, クーリングオフ for クーリング・オフ),
   unvoiced where a compound voices them (すし, 寿司 for 回転ずし), full-width letters and
   digits (Ｚｏｏｍ, ９１１０).

4. **No word ends in a kanji.** Material's worker cuts every run of kanji in a query at the
   words of the index it finds inside the run, and drops what follows the last of them
   (入会前提 becomes 入会*). A word that ends in a kanji gets an invisible WORD JOINER
   (U+2060) after it, so the worker finds no all-kanji word to cut at and leaves each query
   whole; the query still matches, as every query term is a prefix.

5. **A table row is an entry of its own.** Material's parser flattens a table into its section's
   text, so a hit in one cell showed the whole table as one paragraph (「比べるところ 1回目:〇ーモア
   2回目:某・守る系 参加費 1,000円…」). Here a section's entry leaves its tables out, and each
   body row gets an entry: titled with its row header, linking to the row (`page/#row-…`,
   the id overrides/hooks/row_headers.py gives it), its text one paragraph per cell, led by
   the cell's column header where the row has more than one cell (【2回目:某・守る系】おためし
   5,000円…).

6. **Ranking as a reader of this site expects.** Material favours a page's opening text
   (5x against 2x for a section); here it weighs like a section (OPENING_BOOST). A passage
   that is a list of links to red flags (the event check, the red-flag index) ranks below
   the story that tells the same words (LIST_BOOST), and entries go in reading order, which
   Material keeps on equal scores.

The kanji forms a reader may type for a word the page writes in kana (寿司 for ずし) go to
search/variants.json, so docs/javascripts/search.js can highlight ずし on a page reached by a
search for 寿司.

The build fails, naming mkdocs.yml and the fix, when the search plugin is set up otherwise
(TinySegmenter back on, a stemmer in the pipeline, a keywords field missing), and naming the page
when a red flag is nested in another one (its entry could not be cut out).
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from backrefs import bre
from material.plugins.search.plugin import Parser, SearchIndex
from material.plugins.search.plugin import void as VOID
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

INDEX = "search/search_index.json"
VARIANTS = "search/variants.json"
WORD_BREAK = "\u200b"   # between words; part of the separator in mkdocs.yml
WORD_JOINER = "\u2060"  # after a word that ends in a kanji; never part of the separator
KANJI = bre.compile(r"\p{script: Han}")  # what Material's worker takes for Chinese: \p{sc=Han}
RED_FLAG = re.compile(
    r'<details class="red-flag" id="(?P<id>rf-[^"]+)"[^>]*>\s*<summary>(?P<summary>.*?)</summary>'
    r"(?P<body>.*?)</details>",
    re.S,
)
TAG = re.compile(r"(<[^>]*>)")

# Words that make compounds (紹介ノルマ, 準会員, 入会費); a keyword runs on for at most this
# many of them.
NOUNS = frozenset({"名詞", "接頭辞", "接尾辞", "形状詞"})
KEYWORD_WORDS = 5
# Voiced kana and their unvoiced forms, for words voiced by a compound (回転ずし → すし).
VOICED = str.maketrans(
    "がぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポ",
    "かきくけこさしすせそたちつてとはひふへほはひふへほカキクケコサシスセソタチツテトハヒフヘホハヒフヘホ",
)
KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc]+$")
ASCII_WORD = re.compile(r"^[0-9A-Za-z]+$")

# Material multiplies the score of a page's first entry (the text before its first heading) by
# 1 + (1 + f)² and a section's by 1 + f², f being the share of the query's words it holds: 5
# against 2 for a word it holds. That suits pages whose opening sums them up; here the opening
# is story like any section (the comparison table, the start of an event), so it is weighed
# the same as a section.
OPENING_BOOST = 2 / 5

# A passage with this many links to red flags is a list of them (申し込む前のチェック, 危ないサイン
# 一覧), not the story: its words rank below the same words where the story tells them.
LIST_LINKS = 3
LIST_BOOST = 1 / 2

_reading_order: list[str] = []  # page.url of every page in nav, in reading order
# page.url -> the page's entries (dicts as Material writes them), in the order pages are built.
_entries: dict[str, list[dict]] = {}


# Events ------------------------------------------------------------------------------------

def on_config(config: MkDocsConfig) -> MkDocsConfig:
    check_search_config(search_plugin(config).config)
    _entries.clear()
    return config


def on_nav(nav: Navigation, *, config: MkDocsConfig, files) -> Navigation:
    _entries.clear()  # one build's pages only (mkdocs serve rebuilds with the same hook)
    _reading_order[:] = [page.url for page in nav.pages]
    return nav


def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    if not (page.meta.get("search") or {}).get("exclude"):
        _entries[page.url] = page_entries(page, search_plugin(config).config)
    return context


def on_post_build(*, config: MkDocsConfig) -> None:
    path = Path(config.site_dir, INDEX)
    index = json.loads(path.read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    words = Words(separator)
    # In reading order: on equal scores Material keeps the order of the index, so the story
    # comes before the pages that sum it up (2つを比べると, 申し込む前のチェック, 危ないサイン一覧).
    pages = sorted(_entries, key=lambda url: _reading_order.index(url) if url in _reading_order else len(_reading_order))
    index["docs"] = [words.entry(entry) for url in pages for entry in _entries[url]]
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    variants = dict(sorted(words.variants.items()))
    Path(config.site_dir, VARIANTS).write_text(
        json.dumps(variants, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


# Configuration -----------------------------------------------------------------------------

def search_plugin(config: MkDocsConfig):
    plugin = config.plugins.get("material/search")
    if plugin is None:
        raise PluginError("overrides/hooks/search_index.py: mkdocs.yml has no `search` plugin; "
                          "add `- search:` under `plugins` (see the comments there).")
    return plugin


def check_search_config(search) -> None:
    """The search plugin as this hook needs it (mkdocs.yml, plugins → search)."""
    where = "mkdocs.yml: plugins → search:"
    if list(search.lang or []) != ["en"]:
        raise PluginError(f"{where} `lang` must be `en` (is {search.lang}): any other language loads "
                          "a segmenter or stemmer in the browser that re-cuts the words cut at build time "
                          "by overrides/hooks/search_index.py.")
    if search.pipeline != []:
        raise PluginError(f"{where} `pipeline` must be `[]` (is {search.pipeline}): the English "
                          "trimmer, stop-word filter and stemmer would mangle Japanese words.")
    separator = re.compile(search.separator or "(?!)")
    if not separator.fullmatch(WORD_BREAK) or separator.search(WORD_JOINER):
        raise PluginError(f"{where} `separator` must match \\u200b, the break overrides/hooks/search_index.py "
                          "puts between words, and must not match \\u2060, which keeps a word whole.")
    missing = {"title_keywords", "keywords"} - set(search.fields or {})
    if missing:
        raise PluginError(f"{where} `fields` must list {', '.join(sorted(missing))} (the compounds and "
                          "other spellings of the title's and the text's words that "
                          "overrides/hooks/search_index.py adds to every entry).")


# Entries: sections without their red flags, and the red flags -----------------------------

@dataclass
class Row:
    id: str | None  # the <tr>'s id (overrides/hooks/row_headers.py)
    cells: list[list[str]] = field(default_factory=list)  # each cell's text, in pieces


@dataclass
class Table:
    """A table as read by VisibleParser: its column headers and its body rows."""

    head: list[list[str]] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    in_head: bool = False
    cell: list[str] | None = None  # the cell being read

    def start(self, tag: str, attrs: dict) -> None:
        if tag == "thead":
            self.in_head = True
        elif tag == "tr" and not self.in_head:
            self.rows.append(Row(attrs.get("id")))
        elif tag in ("th", "td"):
            self.cell = []
            (self.head if self.in_head else self.rows[-1].cells if self.rows else []).append(self.cell)

    def end(self, tag: str) -> None:
        if tag == "thead":
            self.in_head = False
        elif tag in ("th", "td"):
            self.cell = None

    def data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


class VisibleParser(Parser):
    """Material's own parser, leaving out red flags, hidden blocks and tables: each red flag
    and each table row gets an entry of its own, and a hidden block (the checklists' verdicts)
    is not what a reader sees. (Material's `data-search-exclude` would stop at the first nested
    element of the same tag.)"""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # > 0 inside a left-out element: how many of its elements are open
        self.flag_links: dict[int, int] = {}  # id(section) -> how many links to red flags it has
        self.tables: dict[int, list[Table]] = {}  # id(section) -> the tables in it, in order
        self.table: Table | None = None  # the table being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.depth:
            self.depth += tag not in VOID
            if self.table:
                self.table.start(tag, values)
            return
        if "hidden" in values or "red-flag" in (values.get("class") or "").split():
            self.depth = int(tag not in VOID)
            return
        if tag == "table" and self.section is not None:
            self.table = Table()
            self.tables.setdefault(id(self.section), []).append(self.table)
            self.depth = 1
            return
        super().handle_starttag(tag, attrs)
        if tag == "a" and "#rf-" in (values.get("href") or ""):
            self.flag_links[id(self.section)] = self.flag_links.get(id(self.section), 0) + 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.depth:
            super().handle_startendtag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if self.table:
                self.table.end(tag)
                if not self.depth:
                    self.table = None
            return
        super().handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.table:
            self.table.data(data)
        elif not self.depth:
            super().handle_data(data)


def page_entries(page: Page, search_config) -> list[dict]:
    index = SearchIndex(**search_config)
    parser = VisibleParser()
    parser.feed(page.content or "")
    parser.close()
    for section in parser.data:
        if not section.is_excluded():
            index.create_entry_for_section(section, page.toc, page.url, page)
            if parser.flag_links.get(id(section), 0) >= LIST_LINKS:
                index.entries[-1]["boost"] = LIST_BOOST * index.entries[-1].get("boost", 1)
            for table in parser.tables.get(id(section), []):
                index.entries.extend(row_entries(table, page))
    flags = Parser()
    flags.feed("".join(f'<h2 id="{m["id"]}">{m["summary"]}</h2>{m["body"]}' for m in red_flags(page)))
    flags.close()
    for section in flags.data:
        if section.id:  # the first, empty section is the part before the first flag
            index.create_entry_for_section(section, [], page.url, page)
    return index.entries


def row_entries(table: Table, page: Page) -> Iterator[dict]:
    """An entry for each body row: titled with its header, linking to it, a paragraph per cell
    (after the cell's column header, when the row has more than one cell)."""
    def text(pieces: list[str]) -> str:
        return html.escape(" ".join("".join(pieces).split()), quote=False)

    head = [text(cell) for cell in table.head]
    for row in table.rows:
        if not row.cells:
            continue
        name = text(row.cells[0])
        if not row.id:
            raise PluginError(f"docs/{page.file.src_uri}: the table row 「{name}」 has no id, so a search "
                              "result cannot link to it; write the table in Markdown (overrides/hooks/"
                              "row_headers.py names each row), or give its <tr> an id.")
        cells = [text(cell) for cell in row.cells[1:]]
        labels = head[1:] if len(cells) > 1 else []
        paragraphs = [f"<p>【{label}】{cell}</p>" if label else f"<p>{cell}</p>"
                      for label, cell in itertools.zip_longest(labels, cells, fillvalue="") if cell]
        yield {"location": f"{page.url}#{row.id}", "title": name, "text": " ".join(paragraphs)}


def red_flags(page: Page) -> Iterator[re.Match]:
    for match in RED_FLAG.finditer(page.content or ""):
        if "<details" in match["body"]:
            raise PluginError(f"docs/{page.file.src_uri}: red flag {match['id']} holds another callout; "
                              "a red flag holds paragraphs and lists only.")
        yield match


# Words -------------------------------------------------------------------------------------

@dataclass
class Words:
    """Cuts an entry's title and text into words and lists its keywords."""

    separator: re.Pattern
    variants: dict[str, str] = field(default_factory=dict)  # a kanji form -> the kana the site writes

    def entry(self, entry: dict) -> dict:
        title, title_chunks = self.cut(entry["title"])
        text, text_chunks = self.cut(entry["text"])
        cut = {**entry, "title": title, "text": text,
               "title_keywords": self.all_keywords(entry["title"], title_chunks),
               "keywords": self.all_keywords(entry["text"], text_chunks)}
        if "#" not in entry["location"]:
            cut["boost"] = OPENING_BOOST * entry.get("boost", 1)
        return {key: value for key, value in cut.items() if value != "" or key not in ("title_keywords", "keywords")}

    def all_keywords(self, markup: str, chunks: list[list]) -> str:
        keywords = {keyword for chunk in chunks for keyword in self.keywords(chunk)}
        keywords.update(self.compounds(html.unescape(TAG.sub(" ", markup))))
        return " ".join(sorted(longest(keywords)))

    def cut(self, markup: str) -> tuple[str, list[list]]:
        """The markup with a break between words, and each run of text between separators as
        its list of words."""
        out: list[str] = []
        chunks: list[list] = []
        for part in TAG.split(markup):
            if part.startswith("<"):
                out.append(part)
                continue
            text = html.unescape(part)
            start = 0
            for sep in [*self.separator.finditer(text), None]:
                end = sep.start() if sep else len(text)
                if end > start:
                    words = analyse(text[start:end])
                    chunks.append(words)
                    out.append(html.escape(WORD_BREAK.join(joined(w.surface()) for w in words), quote=False))
                if sep:
                    out.append(html.escape(sep.group(), quote=False))
                    start = sep.end()
        return "".join(out), chunks

    def keywords(self, words: list) -> Iterator[str]:
        """Every compound (a run of nouns, prefixes and suffixes, and the word after it) from
        each of its words on, as written and with one word written another way; and each
        word written another way on its own."""
        surfaces = [w.surface() for w in words]
        for start, end in compounds(words):
            for i in range(start, end):
                if words[i].part_of_speech()[0] not in NOUNS - {"接尾辞"}:
                    continue  # no compound is looked for from its suffix, or from の
                j = min(end, i + KEYWORD_WORDS)
                if j - i > 1:  # one word alone is a word of the text already
                    yield "".join(surfaces[i:j])
                for k in range(i, j):
                    for other in self.spellings(words[k], compound=k > start):
                        yield "".join([*surfaces[i:k], other, *surfaces[k + 1:j]])
        for word in words:
            yield from self.spellings(word, compound=False)

    def spellings(self, word, *, compound: bool) -> Iterator[str]:
        """Other ways a reader may write this noun."""
        surface = word.surface()
        if word.part_of_speech()[0] not in NOUNS:
            return
        # The dictionary's spelling (お試し for おためし: not of the prefix, お is not typed 御).
        normal = word.normalized_form()
        if word.part_of_speech()[0] != "接頭辞" and normal.lower() != surface.lower() and not self.separator.search(normal):
            self.remember(normal, surface)
            yield normal
        # A word voiced as the second part of a compound (回転ずし), unvoiced (すし, 寿司).
        if compound and KANA.match(surface) and surface[0] != surface[0].translate(VOICED):
            unvoiced = surface[0].translate(VOICED) + surface[1:]
            yield unvoiced
            alone = analyse(unvoiced)
            if len(alone) == 1 and alone[0].normalized_form() != unvoiced:
                self.remember(alone[0].normalized_form(), surface)
                yield alone[0].normalized_form()
        if ASCII_WORD.match(surface):
            yield surface.translate(FULL_WIDTH)

    def compounds(self, text: str) -> Iterator[str]:
        """Compounds that the separator splits (クーリング・オフ), as the dictionary writes
        them without it (クーリングオフ)."""
        for word in analyse(text, whole=True):
            surface, normal = word.surface(), word.normalized_form()
            if self.separator.search(surface) and normal != surface and not self.separator.search(normal):
                self.remember(normal, surface)
                yield normal

    def remember(self, kanji: str, written: str) -> None:
        # One kanji alone (上 → うえ) would turn up inside too many other words.
        if len(kanji) > 1 and KANJI.search(kanji) and kanji != written:
            self.variants.setdefault(kanji, written)


FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def compounds(words: list) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of nouns, prefixes and suffixes, with the word after it
    (二人きり, 収入の柱: の between two nouns is part of the run)."""
    start = None
    for i, word in enumerate([*words, None]):
        noun = word is not None and (word.part_of_speech()[0] in NOUNS or (
            word.surface() == "の" and start is not None and i + 1 < len(words)
            and words[i + 1].part_of_speech()[0] in NOUNS))
        if noun and start is None:
            start = i
        elif not noun and start is not None:
            end = min(i + 1, len(words))
            if end - start > 1:
                yield start, end
            start = None


def joined(word: str) -> str:
    """The word as indexed: with a word joiner after a final kanji (see the module docstring)."""
    return word + WORD_JOINER if word and KANJI.match(word[-1]) else word


def longest(keywords: Iterable[str]) -> list[str]:
    """The keywords, each with a word joiner after a final kanji, leaving out any that another
    keyword starts with (a prefix search for it finds the longer one)."""
    kept: list[str] = []
    for keyword in sorted({joined(k.lower()) for k in keywords if k}, reverse=True):
        if not (kept and kept[-1].startswith(keyword)):
            kept.append(keyword)
    return kept


@functools.cache
def tokenizers():
    from sudachipy import Dictionary, SplitMode

    dictionary = Dictionary(dict="core")
    return dictionary.tokenizer(mode=SplitMode.A), dictionary.tokenizer(mode=SplitMode.C)


def analyse(text: str, *, whole: bool = False) -> list:
    """Sudachi's words of `text`: the shortest units, or the longest (`whole`)."""
    fine, coarse = tokenizers()
    return list((coarse if whole else fine).tokenize(text))
