"""Japanese search: the query set of tests/search_queries.yml in the real search box, the index
that overrides/hooks/search_index.py writes, and docs/javascripts/search.js on a phone.

The whole set runs in one tab (typed key by key, then committed as IME input), and every best
link is followed in a fresh page load; a failure lists every query that failed, by name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from backrefs import bre

from drivers import booted
from conftest import ON_PHONES, PAGES, VIEWPORTS, failed_build, project_copy
from search_box import ReaderSearchBox, SearchBox, fold, h_param, land_all, land_in, load_queries

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
    flag must open), every query the page writes otherwise (search.js marks it) and every link
    to a page's top (the word is in its title, whose phrase breaks split it into several text
    nodes, so search.js marks it). A plain
    word in a section is marked by Material itself; for those the test checks that the linked
    section holds the word where a reader sees it. `make bench-search` follows every link."""
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
