"""Japanese search: the query set of tests/search_queries.yml in the real search box, the index
that overrides/hooks/search_index.py writes, and docs/javascripts/search.js on a phone.

The whole set runs in one tab (typed key by key, then committed as IME input), and every best
link is followed in a fresh page load; a failure lists every query that failed, by name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from backrefs import bre

from drivers import booted
from conftest import ON_PHONES, PAGES, VIEWPORTS, failed_build, project_copy
from search_box import (LANDING, RESULT_MARKS, ReaderSearchBox, SearchBox, fold, h_param, land_all, land_in,
                        load_queries)

QUERIES = load_queries()
KINDS = {"word", "part", "compound", "variant", "width", "short", "flag"}
ALL_KANJI = bre.compile(r"^\p{script: Han}+$")
IS_OPEN = "s => document.querySelector(s).open"
INVISIBLE = str.maketrans("", "", "\u200b\u2060")
NO_RESULTS = "何も見つかりませんでした"  # Material's Japanese search.result.none


def page_html(soup, url: str):
    return soup(url + "index.html")


def visible_text(element) -> str:
    """The text a reader can get to: without [hidden] blocks and the permalink signs."""
    element = element.__copy__()
    for gone in element.select("[hidden], a.headerlink"):
        gone.decompose()
    return element.get_text()


def index_docs(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


# The query set ---------------------------------------------------------------------------

def test_the_query_set_covers_what_readers_type():
    assert len(QUERIES) >= 80, f"tests/search_queries.yml has {len(QUERIES)} queries; keep at least 80"
    kinds = {q.kind for q in QUERIES}
    assert kinds == KINDS, f"tests/search_queries.yml: kinds {sorted(kinds)}, expected every one of {sorted(KINDS)}"
    assert len({q.q for q in QUERIES}) == len(QUERIES), "tests/search_queries.yml lists a query twice"
    assert sum(q.kind == "flag" for q in QUERIES) >= 20
    assert sum(len(q.q) == 2 for q in QUERIES) >= 15


@pytest.mark.parametrize("query", QUERIES, ids=str)
def test_each_query_names_a_word_its_page_still_holds(soup, query):
    """After a rewrite of the prose, this says which query to replace (and with what kind)."""
    fix = f"tests/search_queries.yml: replace {query.q!r} with another {query.kind} word of the same passage"
    known = {p.url for p in PAGES}
    for url in query.pages:
        assert url in known, f"{fix}: no page {url!r}"
    holders = [url for url in query.pages if query.on_page in visible_text(page_html(soup, url).select_one("article"))]
    assert holders, f"{fix}: {query.on_page!r} is on none of {query.pages}"
    if query.flag:
        flag = page_html(soup, query.pages[0]).select_one(f"details.red-flag#{query.flag}")
        assert flag is not None, f"{fix}: {query.pages[0]} has no red flag {query.flag}"
        assert query.on_page in flag.get_text(), f"{fix}: {query.on_page!r} is not in red flag {query.flag}"


# The index -------------------------------------------------------------------------------

def test_search_is_set_up_for_words_cut_at_build_time(site):
    config = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]
    assert config["lang"] == ["en"], "lang: ja would bring TinySegmenter back into the browser"
    assert config["pipeline"] == []
    assert {"title_keywords", "keywords"} <= set(config["fields"])
    separator = re.compile(config["separator"])
    assert separator.fullmatch("\u200b") and not separator.search("\u2060")


def test_every_red_flag_has_an_entry_of_its_own_titled_with_its_summary(site, soup):
    docs = {doc["location"]: doc for doc in index_docs(site)}
    count = 0
    for p in PAGES:
        for flag in page_html(soup, p.url).select("details.red-flag"):
            location = f"{p.url}#{flag['id']}"
            assert location in docs, f"search index: no entry for the red flag {location}"
            summary = flag.select_one("summary").get_text(strip=True)
            assert docs[location]["title"].translate(INVISIBLE) == summary
            body = flag.select_one("p").get_text()[:30]
            holders = [loc for loc, doc in docs.items() if body in doc["text"].translate(INVISIBLE)]
            assert holders == [location], f"{location}: its text is indexed in {holders}, not only in its own entry"
            count += 1
    assert count >= 20


def table_rows(soup, url: str) -> list[dict]:
    """Every body row of the page's tables: its id, its header and its cells' text."""
    return [{"id": tr.get("id"), "header": tr.select_one("th").get_text(strip=True),
             "cells": [td.get_text(strip=True) for td in tr.select("td")]}
            for tr in page_html(soup, url).select("article table tbody tr")]


def test_every_table_row_has_an_entry_of_its_own_named_by_its_header(site, soup):
    """A hit in a table shows its row, not the whole table as one paragraph."""
    docs = index_docs(site)
    by_location = {doc["location"]: doc for doc in docs}
    count = 0
    for p in PAGES:
        for row in table_rows(soup, p.url):
            location = f"{p.url}#{row['id']}"
            assert row["id"] and location in by_location, f"search index: no entry for the row 「{row['header']}」 of {p.url}"
            entry = by_location[location]
            text = " ".join(entry["text"].translate(INVISIBLE).split())
            assert entry["title"].translate(INVISIBLE) == row["header"], f"{location}: titled {entry['title']!r}"
            assert all(cell in text for cell in row["cells"]), f"{location}: its text {text!r} misses a cell of {row['cells']}"
            flattened = " ".join([row["header"], *row["cells"]])
            holders = [doc["location"] for doc in docs if flattened in " ".join(doc["text"].translate(INVISIBLE).split())]
            assert not holders, f"the row 「{row['header']}」 is indexed flattened into {holders}"
            count += 1
    assert count >= 15, f"only {count} table rows found"


def test_text_a_reader_cannot_see_is_not_indexed(site, soup):
    texts = [doc["text"].translate(INVISIBLE) for doc in index_docs(site)]
    hidden = [text for p in PAGES for el in page_html(soup, p.url).select("article [hidden] p")
              if len(text := el.get_text(strip=True)) >= 10]
    assert hidden, "expected the checklists' hidden verdicts"
    for sentence in hidden:
        assert not any(sentence[:25] in text for text in texts), f"hidden text is indexed: {sentence[:25]}"


def test_no_indexed_word_is_all_kanji(site):
    """Material's worker cuts every kanji run of a query at all-kanji words of the index and
    drops the rest (入会前提 → 入会*); with none to cut at, the query stays whole."""
    separator = re.compile(json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]["separator"])
    cutters = set()
    for doc in index_docs(site):
        for name in ("title", "text", "title_keywords", "keywords"):
            plain = re.sub(r"<[^>]*>", " ", doc.get(name, ""))
            cutters.update(word for word in separator.split(plain) if ALL_KANJI.match(word))
    assert not cutters, f"all-kanji words in the index: {sorted(cutters)[:20]}"


def test_a_search_plugin_set_back_to_lang_ja_fails_the_build_saying_why(tmp_path):
    project = project_copy(tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      lang: en" in text
    config.write_text(text.replace("      lang: en", "      lang: ja", 1), encoding="utf-8")
    output = failed_build(project)
    assert "mkdocs.yml" in output and "`lang` must be `en`" in output, output


# The search box on a phone -----------------------------------------------------------------

phone_only = pytest.mark.parametrize("viewport", ["phone"], indirect=True)


def loads_to_check(outcome) -> bool:
    """Whether the test follows this result link in the browser: every link to a red flag (the
    flag must open), every query the page writes otherwise (marked where the page writes it)
    and every link to a page's top (the word is in its title, whose phrase breaks split it into
    several text nodes). For a plain word in a section the test checks that the linked section
    holds the word where a reader sees it; search.js marks it as it marks the others.
    `make bench-search` follows every link."""
    return bool(outcome.best) and ("#rf-" in outcome.best or outcome.query.flag is not None
                                   or outcome.query.kind in ("variant", "width")
                                   or "#" not in outcome.best)  # the page's title: a label, split by <wbr>s


def failed_searches(outcomes, landed: dict[str, dict], base: str, soup) -> list[str]:
    """Precision@1 and landing for each outcome, as `make bench-search` judges them."""
    failures = []
    for o in outcomes:
        if o.best and not h_param(o.best):
            failures.append(f"{o.mode} {o.query.q}: the result link carries no ?h= to highlight")
        if loads_to_check(o):
            o.landing = landed[o.best]
            ok = o.lands(base)
        else:
            ok = o.shown and o.best is not None and o.points_at_the_word(
                base, soup(urlsplit(o.best).path.removeprefix(base) + "index.html"))
        if not ok:
            failures.append(f"{o.mode} {o.query.q}: {unquote(o.why(base))}")
    assert sum(loads_to_check(o) for o in outcomes) >= 2 * 40, "too few links followed in the browser"
    return failures


@pytest.mark.browser
@phone_only
def test_every_query_finds_its_page_first_and_lands_on_the_word(browser, tab, server, soup):
    """Chromium: precision@1 and landing for the whole set, typed key by key and committed as
    IME input (a real composition over the DevTools protocol)."""
    box = SearchBox(tab, server)
    outcomes = [box.search(query, mode) for mode in ("keys", "ime") for query in QUERIES]
    landings = browser.new_context(locale="ja-JP", **VIEWPORTS["phone"])
    try:
        landed = land_all(landings, [o.best for o in outcomes if loads_to_check(o)])
    finally:
        landings.close()
    failures = failed_searches(outcomes, landed, urlsplit(server).path, soup)
    assert not failures, f"{len(failures)} of {len(outcomes)} searches failed:\n" + "\n".join(failures)
    assert not tab.problems, "\n".join(tab.problems)  # the typing tab: errors, CSP violations


@pytest.mark.browser
@pytest.mark.parametrize("reader", ["webkit-phone"], indirect=True)
def test_every_query_finds_its_page_first_and_lands_on_the_word_in_webkit(reader, soup):
    """WebKit, the iPhone's engine: the same set and judgement, typed key by key through
    WebDriver and committed at once as a phone's keyboard commits a word (no key event)."""
    box = ReaderSearchBox(reader)
    outcomes = [box.search(query, mode) for mode in ("keys", "ime") for query in QUERIES]
    problems = reader.problems()
    landed = land_in(reader, [o.best for o in outcomes if loads_to_check(o)])
    failures = failed_searches(outcomes, landed, urlsplit(reader.base).path, soup)
    assert not failures, f"{reader.where}: {len(failures)} of {len(outcomes)} searches failed:\n" + "\n".join(failures)
    assert not problems, f"{reader!r}:\n" + "\n".join(problems)


@pytest.mark.browser
@phone_only
def test_a_half_composed_reading_does_not_flash_no_results(tab, server):
    box = SearchBox(tab, server)
    box.clear()
    box.compose("名刺", "めいし")
    log = tab.evaluate("window.__searchLog")
    readings = [q["value"] for q in log["sent"] if q["value"] in ("め", "めい", "めいし")]
    assert not readings, f"Material searched for the reading while it was composed: {readings}"
    assert not any(NO_RESULTS in shown for shown in log["shown"]), f"the result line flashed: {log['shown']}"
    assert box.wait_for("名刺"), "the committed 名刺 brought no results"
    assert box.results(), "no results for 名刺"


@pytest.mark.browser
@phone_only
@pytest.mark.parametrize("how", ["candidate tap", "voice input", "paste"])
def test_text_that_arrives_without_a_key_updates_the_results(tab, server, how):
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"])
    box = SearchBox(tab, server)
    box.clear()
    text = {"candidate tap": "名刺", "voice input": "紹介ノルマ", "paste": "ネットワークビジネス"}[how]
    box.paste(text) if how == "paste" else box.insert(text)
    assert tab.locator("form[name=search] input").input_value() == text
    assert box.wait_for(text), f"{how}: {text!r} is in the box, but the results never followed"
    assert box.results(), f"{how}: no results for {text!r}"


# In every engine (Chromium and WebKit, the iPhone's), on a phone --------------------------------

def search_in(reader, words: str) -> list[list[str]]:
    """Commits `words` into the search box on a phone as a Japanese keyboard does (no key) and
    returns the result groups (one per page), each the hrefs of its links."""
    box = ReaderSearchBox(reader)
    box.enter(words, "ime")
    assert box.wait_for(words), f"{reader.where}: no results for {words!r} committed without a key (search.js)"
    return [[link["href"] for link in item["links"]] for item in box.results()]


@pytest.mark.browser
@ON_PHONES
def test_a_hit_inside_a_red_flag_names_it_and_opens_it_highlighted(reader):
    groups = search_in(reader, "スキーム")
    assert groups and any(h.endswith("#rf-want-work-aura") for h in groups[0]), \
        f"{reader.where}: the first result should link to the red flag that holds スキーム; got {groups}"
    link = "li.md-search-result__item:first-child a.md-search-result__link[href$='#rf-want-work-aura']"
    title = reader.text(link).translate(INVISIBLE)
    assert "「仕事が欲しい」オーラを出している自分" in title, f"{reader.where}: the result should name the flag: {title!r}"
    reader.follow(link)
    reader.wait_for("() => location.hash === '#rf-want-work-aura'", what="the flag's address")
    mark = "details#rf-want-work-aura mark[data-md-highlight]"
    reader.wait_for("s => document.querySelector(s) !== null", mark, what="スキーム highlighted in the flag")
    assert reader.js(IS_OPEN, "details#rf-want-work-aura"), f"{reader.where}: arriving should open the red flag"
    assert fold(reader.text(mark)) == fold("スキーム")
    assert reader.js("""s => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight; }""", mark), f"{reader.where}: the mark is out of view"
    assert not reader.problems(), f"{reader!r}:\n" + "\n".join(reader.problems())


@pytest.mark.browser
@ON_PHONES
def test_search_does_not_find_what_the_site_never_says(reader):
    assert search_in(reader, "カレーライス") == [], f"{reader.where}: nothing on the site mentions カレーライス"


@pytest.mark.browser
@phone_only
def test_a_word_written_otherwise_on_the_page_is_marked_where_it_is_written(tab, server):
    tab.goto(server + "events/second/?h=すし#rf-forced-cards", wait_until="load")
    booted(tab)
    mark = tab.locator("details#rf-forced-cards mark[data-md-highlight]").first
    mark.wait_for(timeout=5_000)
    assert mark.inner_text() == "ずし"


@pytest.mark.browser
def test_a_search_result_link_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, **VIEWPORTS["phone"])
    try:
        tab = context.new_page()
        response = tab.goto(server + "background/?h=スキーム#rf-want-work-aura")
        assert response.ok
        flag = tab.locator("details#rf-want-work-aura")
        flag.locator("summary").click()
        assert flag.evaluate("d => d.open") and "スキーム" in flag.inner_text()
    finally:
        context.close()


# Results that show the word ------------------------------------------------------------------

# What a reader types, and the forms a result may show it in: as typed, or as the page writes it.
SHOWN_AS = {
    "違和感": ("違和感",),             # the dictionary cuts it in two in the text (違和|感)
    "紹介ノルマ": ("紹介ノルマ",),      # a compound, found through the hidden keywords
    "寿司": ("寿司", "ずし"),           # the kanji of 回転ずし's ずし
    "お試し": ("お試し", "おためし"),    # the dictionary's spelling of おためし
    "カフェ会": ("カフェ会",),          # a compound in the comparison table (and on 1回目)
}
TABLE_WORD, TABLE_PAGE = "カフェ会", "events/compare/"
# Until the results for the query are marked: every result that shows a form shows it marked,
# and the first result shows one.
ALL_MARKED = f"""words => {{ const results = ({RESULT_MARKS})(words);
  return results.some(r => r.group === 0 && r.shown > 0) && results.every(r => r.unmarked === 0); }}"""


@pytest.mark.browser
@ON_PHONES
def test_every_result_marks_the_word_the_reader_typed(reader, soup):
    """Typed key by key and committed as a phone's keyboard commits it: the best link of the
    first result shows the word marked (as typed, or as the page writes it), and so does every
    other result that shows it. A hit in the comparison table shows its row, named by its row
    header, not the table."""
    box = ReaderSearchBox(reader)
    rows = table_rows(soup, TABLE_PAGE)
    failures = []
    for mode in ("keys", "ime"):
        for typed, forms in SHOWN_AS.items():
            box.enter(typed, mode)
            if not box.wait_for(typed):
                failures.append(f"{mode} {typed}: no results")
                continue
            try:
                reader.wait_for(ALL_MARKED, list(forms), timeout=5, what=f"{typed} marked in the results")
            except AssertionError:
                pass  # reported below, from what the results show
            results = reader.js(RESULT_MARKS, list(forms))
            first = [r for r in results if r["group"] == 0 and r["visible"]]
            best = max(first, key=lambda r: r["score"]) if first else None
            if best is None or not best["shown"] or best["unmarked"]:
                failures.append(f"{mode} {typed}: the best link does not show it marked: {best}")
            for r in results:
                if r["unmarked"]:
                    failures.append(f"{mode} {typed}: {unquote(r['href'])} shows it unmarked {r['unmarked']}x: "
                                    f"{r['title']} / {r['text'][:120]} (marks: {r['marks']})")
            if typed == TABLE_WORD:
                failures += table_hit_problems(mode, typed, results, rows)
    assert not failures, f"{reader.where}:\n" + "\n".join(failures)
    assert not reader.problems(), f"{reader!r}:\n" + "\n".join(reader.problems())


def table_hit_problems(mode: str, typed: str, results: list[dict], rows: list[dict]) -> list[str]:
    """The table's row that holds the word is a result of its own, titled with its row header,
    showing that row only; no result shows the text of two of the table's rows."""
    holders = [row for row in rows if any(fold(typed) in fold(cell) for cell in row["cells"])]
    assert len(holders) == 1, f"{TABLE_PAGE}: {typed!r} should be in one row of its table: {holders}"
    row = holders[0]
    where = f"{mode} {typed}"
    links = [r for r in results if urlsplit(r["href"]).path.endswith("/" + TABLE_PAGE)
             and unquote(urlsplit(r["href"]).fragment) == row["id"]]
    if len(links) != 1:
        return [f"{where}: no result links to the row 「{row['header']}」 (#{row['id']})"]
    problems = []
    link = links[0]
    if link["title"] != row["header"]:
        problems.append(f"{where}: the row's result is titled {link['title']!r}, not its row header 「{row['header']}」")
    if not link["shown"] or link["unmarked"]:
        problems.append(f"{where}: the row's result does not show {typed} marked: {link['text']!r}")
    for r in results:
        shown_rows = [other["header"] for other in rows if any(cell[:8] in r["text"] for cell in other["cells"])]
        if len(shown_rows) > 1:
            problems.append(f"{where}: {unquote(r['href'])} shows the table's rows {shown_rows}: {r['text'][:160]}")
    return problems


# Arriving from a result, and links to a red flag, without Material's script ------------------

def landings(soup) -> list[tuple[str, str | None, str]]:
    """(address, red flag or None, the word as the page shows it) for a result link to a red
    flag, typed as the page writes the word; one typed otherwise (a variant); one to a table row."""
    as_written = next(q for q in QUERIES if q.kind == "flag")
    variant = next(q for q in QUERIES if q.flag and q.word)
    url, row = next((p.url, row) for p in PAGES for row in table_rows(soup, p.url))
    return [(f"{q.pages[0]}?h={quote(q.q)}#{q.flag}", q.flag, q.on_page) for q in (as_written, variant)] + [
        (f"{url}?h={quote(row['header'])}#{quote(row['id'])}", None, row["header"])]


@pytest.mark.browser
@ON_PHONES
def test_arriving_from_a_result_marks_the_word_and_opens_the_flag_without_materials_script(reader, soup):
    """On a phone Material's script starts only when the reader reaches for search: search.js
    alone opens the flag, marks the word and brings it into view."""
    reader.without_material()
    for address, flag, word in landings(soup):
        reader.open(address)
        assert reader.js("() => typeof window.document$") == "undefined", f"{reader.where}: Material's script ran"
        try:
            reader.wait_for(f"() => {{ const l = ({LANDING})(); return l.mark !== null && l.inView; }}", timeout=5,
                            what=f"the word marked in view at {address}")
        except AssertionError:
            pass  # reported below, from what LANDING says now
        landed = reader.js(LANDING)
        where = f"{reader.where} {unquote(address)}: {landed}"
        if flag:
            assert landed["flag"] == flag and landed["open"], f"{where}: the red flag should be open"
        assert landed["mark"] and landed["inView"], f"{where}: {word} should be marked, in view"
        assert fold(landed["mark"]) in fold(word) or fold(word) in fold(landed["mark"]), f"{where}: marked {landed['mark']!r}"
        assert reader.js("() => document.querySelectorAll('mark mark').length") == 0, f"{where}: a mark inside a mark"
    assert not reader.problems(), f"{reader!r}:\n" + "\n".join(reader.problems())


@pytest.mark.browser
@ON_PHONES
def test_a_link_to_a_red_flag_opens_it_whenever_the_address_points_there_without_materials_script(reader):
    """At load, when the address's #rf-… changes later (typed, or a link on the page tapped), and
    when a link to the flag in the address is followed again."""
    reader.without_material()
    flags = ["rf-referral-quota", "rf-forced-cards"]
    is_open = "id => document.getElementById(id).open"
    reader.open(f"events/second/#{flags[0]}")
    assert reader.js("() => typeof window.document$") == "undefined", f"{reader.where}: Material's script ran"
    assert reader.js(is_open, flags[0]), f"{reader.where}: the address's red flag should be open at load"
    assert not reader.js(is_open, flags[1])

    reader.js("id => { location.hash = id; }", flags[1])  # as a reader types it into the address bar
    reader.wait_for(is_open, flags[1], timeout=5, what=f"{flags[1]} opened by a new #address")

    # A link in the page to a flag: tapped, then tapped again once the reader has closed the flag
    # (the address does not change the second time).
    reader.js("""id => { const link = document.createElement("a"); link.id = "ik-test-link"; link.href = "#" + id;
        link.textContent = "そのサイン"; const p = document.createElement("p"); p.append(link);
        document.querySelector("article h1").after(p); }""", flags[0])
    reader.tap(f"details#{flags[0]} > summary")
    assert not reader.js(is_open, flags[0]), f"{reader.where}: a tap on its summary should close it"
    reader.tap("#ik-test-link")
    reader.wait_for(is_open, flags[0], timeout=5, what=f"{flags[0]} opened by a link on the page")
    reader.tap(f"details#{flags[0]} > summary")
    assert not reader.js(is_open, flags[0])
    reader.tap("#ik-test-link")
    reader.wait_for(is_open, flags[0], timeout=5, what=f"{flags[0]} opened by the same link again")
    assert not reader.problems(), f"{reader!r}:\n" + "\n".join(reader.problems())
