"""The two checklists: 向き・不向きチェック (fit.md) and 申し込む前のチェック (check.md).

docs/javascripts/checklist.js turns each task list into a live verdict whose words come from
hidden [data-verdict] blocks in the page; these tests drive it in real Chromium and WebKit.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from conftest import ON_PHONES, PAGES, TEST_SITE_URL
from drivers import CLIPBOARD_TROUBLE

FIT = "fit/"
EVENT = "check/"
# Verdicts docs/javascripts/checklist.js can choose, per checklist (data-check).
VERDICTS = {"fit": {"empty", "fit", "maybe", "unfit", "expect", "anxious"}, "event": {"empty", "few", "many"}}


def page_soup(soup, url: str):
    return soup(url + "index.html")


# Build level ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url, name", [(FIT, "fit"), (EVENT, "event")])
def test_every_verdict_the_script_can_choose_is_written_in_the_page(soup, url, name):
    root = page_soup(soup, url).select_one(f'.ik-check[data-check="{name}"]')
    assert root is not None, f"{url}: no <div class='ik-check' data-check='{name}'>"
    written = {block["data-verdict"] for block in root.select(".ik-check__verdicts [data-verdict]")}
    assert written == VERDICTS[name], f"{url}: verdict blocks {sorted(written)}, script chooses {sorted(VERDICTS[name])}"
    for block in root.select(".ik-check__verdicts [data-verdict]"):
        assert block.select_one("p:first-child > strong"), f"{url}: verdict {block['data-verdict']} needs a bold headline"
    assert root.select_one(".ik-check__howto"), f"{url}: readers without JavaScript need the how-to-read note"
    assert "どこにも送られません" in root.select_one(".ik-check__note").get_text(), f"{url}: say that nothing is sent"


def test_every_event_question_links_to_the_red_flag_it_checks(soup):
    root = page_soup(soup, EVENT).select_one('.ik-check[data-check="event"]')
    flags = {d["id"]: p.src for p in PAGES for d in soup(p.html_path).select("details.red-flag[id]")}
    items = root.select("li.task-list-item")
    assert len(items) >= 10, f"only {len(items)} questions on the event check"
    for li in items:
        question = li.select_one("label .task-list-text").get_text(strip=True)
        links = li.find_all("a", recursive=False)
        assert len(links) == 1, f"「{question}」: one link to its red flag, outside the label"
        target = links[0]["href"].rsplit("#", 1)[-1]
        assert target in flags, f"「{question}」 links to #{target}, which is no red flag"
    strong = root["data-strong"].split()
    assert strong and set(strong) <= set(flags), f"data-strong names unknown red flags: {set(strong) - set(flags)}"
    linked = {li.find("a", recursive=False)["href"].rsplit("#", 1)[-1] for li in items}
    assert set(strong) <= linked, "a strong flag that no question links to can never be found"


# Browser: the reader's flows, in every engine (tests/drivers.py) ----------------------------

CHECK = ".ik-check"
OUT = "[data-verdict-out]"


def tick(reader, text: str) -> None:
    reader.click(f"{CHECK} .task-list-control", text)


def verdict(reader) -> tuple[str, str]:
    assert reader.visible(OUT), f"{reader.where}: the verdict must show when JavaScript runs"
    return reader.attribute(OUT, "data-verdict"), reader.text(f"{OUT} .ik-check__headline")


def headline(reader, name: str) -> str:
    return reader.js("s => document.querySelector(s).textContent",
                     f'.ik-check__verdicts [data-verdict="{name}"] strong')


def ticked(reader) -> int:
    return reader.count(f"{CHECK} input[type=checkbox]:checked")


@pytest.mark.browser
def test_fit_verdict_follows_the_ticks(reader):
    reader.open(FIT)
    assert verdict(reader) == ("empty", headline(reader, "empty"))
    assert not reader.visible(".ik-check__howto"), f"{reader.where}: with JavaScript the verdict replaces the note"

    steps = [
        (["自分からどんどん話しかけて", "定例会に、毎回きちんと"], "fit", "合う人 2/4・合わない人 0/3・僕と似ているところ 0/6"),
        (["内向的で人見知り", "話すのが下手で"], "maybe", "合う人 2/4・合わない人 2/3・僕と似ているところ 0/6"),
        (["初めての人と話すのも", "人に断られるのが"], "unfit", "合う人 2/4・合わない人 2/3・僕と似ているところ 2/6"),
        (["会に入りさえすれば"], "expect", "合う人 2/4・合わない人 3/3・僕と似ているところ 2/6"),
        (["会に入りさえすれば", "モヤモヤが残っている"], "anxious", "合う人 2/4・合わない人 2/3・僕と似ているところ 2/6"),
    ]
    for texts, expected, counts in steps:
        for text in texts:
            tick(reader, text)
        assert verdict(reader) == (expected, headline(reader, expected)), f"{reader.where}: after ticking {texts}"
        assert reader.text(".ik-check__counts") == counts
    live = reader.js("() => document.querySelector('[data-check-live]').textContent")
    assert headline(reader, "anxious") in live, f"{reader.where}: screen readers should hear the new verdict"
    assert not reader.problems(), "\n".join(reader.problems())


@pytest.mark.browser
def test_ticks_survive_a_reload_stay_on_the_device_and_reset_clears_them(reader):
    reader.open(FIT)
    reader.settle()  # the favicon and search's files come in after load
    requests_before = len(reader.requests())
    tick(reader, "自分からどんどん話しかけて")
    tick(reader, "狭く深くより")
    assert len(reader.requests()) == requests_before, f"{reader.where}: ticking must send nothing: {reader.requests()[requests_before:]}"
    saved = reader.js("() => localStorage.getItem('ik-check:fit')")
    assert saved and "自分からどんどん話しかけて" in saved

    reader.reload()
    assert ticked(reader) == 2, f"{reader.where}: ticks must survive a reload"
    assert verdict(reader)[0] == "maybe"

    reader.click(f"{CHECK} button", "チェックをぜんぶ外す")
    assert ticked(reader) == 0
    assert verdict(reader)[0] == "empty"
    assert reader.js("() => localStorage.getItem('ik-check:fit')") is None
    reader.reload()
    assert ticked(reader) == 0, f"{reader.where}: reset ticks must stay reset after a reload"
    assert not reader.problems(), "\n".join(reader.problems())


@pytest.mark.browser
def test_event_check_finds_the_ticked_flags_and_links_each_to_its_callout(reader):
    reader.open(EVENT)
    assert verdict(reader)[0] == "empty"
    tick(reader, "会費が無料か")
    tick(reader, "回転ずしのように")
    assert verdict(reader)[0] == "few", f"{reader.where}: two ordinary signs: take care"
    hrefs = reader.js("() => [...document.querySelectorAll('.ik-check__flags > li a')].map(a => a.getAttribute('href'))")
    assert [h.rsplit("#", 1)[1] for h in hrefs] == ["rf-free-event", "rf-forced-cards"]
    assert reader.text(".ik-check__counts") == f"チェック 2 個(全 {reader.count(f'{CHECK} li.task-list-item')} 個中)"

    tick(reader, "有料セミナーに招待された")
    assert verdict(reader) == ("many", headline(reader, "many")), f"{reader.where}: a paid-seminar invitation alone is enough to stay away"
    tick(reader, "有料セミナーに招待された")
    tick(reader, "会報誌の読み合わせ")
    assert verdict(reader)[0] == "many", f"{reader.where}: three signs are enough too"

    reader.follow(".ik-check__flags > li a")
    assert urlsplit(reader.url).fragment == "rf-free-event"
    assert reader.visible("details.red-flag#rf-free-event")
    assert not reader.problems(), "\n".join(reader.problems())


COPY = ("button", "結果をコピー")
STATUS = "[data-check-status]"
MANUAL = ".ik-check__manual textarea"


def expected_summary(reader) -> str:
    title = reader.attribute('meta[property="og:title"]', "content")
    return "\n".join([
        f"【{title}】",
        "当てはまったサイン:2個",
        "・会費が無料か、千円くらいまでの気軽な金額",
        "・後日Zoomで話したいと言われた",
        f"見立て:{headline(reader, 'many')}",
        f"このチェックを開く:{TEST_SITE_URL}check/#ticked=rf-free-event.rf-zoom-later",  # tests/test_check_link.py
    ])


def tick_two_and_copy(reader) -> None:
    reader.open(EVENT)
    tick(reader, "会費が無料か")
    tick(reader, "後日Zoomで話したいと言われた")
    reader.click(*COPY)


@pytest.mark.browser
def test_copy_the_result_puts_a_summary_for_line_on_the_clipboard(reader):
    tick_two_and_copy(reader)
    reader.wait_for("s => document.querySelector(s).textContent.includes('コピーしました')", STATUS,
                    what="「コピーしました」")
    copied = reader.clipboard()
    assert copied == expected_summary(reader)
    assert not re.search("[\u200b-\u200d\u2060\ufeff]", copied), f"{reader.where}: the labels' phrase breaks leaked into the copy"
    assert not reader.visible(MANUAL), f"{reader.where}: the copy-by-hand box is only for when copying fails"
    assert not reader.problems(), "\n".join(reader.problems())


@ON_PHONES
@pytest.mark.browser
@pytest.mark.parametrize("trouble", CLIPBOARD_TROUBLE)
def test_where_the_clipboard_is_refused_the_summary_is_shown_selected_to_copy_by_hand(reader, trouble):
    """Some in-app browsers refuse the Clipboard API (or lack it): the reader then gets the
    text in a box, selected, and a long press (here Ctrl+C) copies it."""
    reader.trouble_with_clipboard(trouble)
    tick_two_and_copy(reader)
    reader.wait_for("s => document.querySelector(s) && document.querySelector(s).checkVisibility()", MANUAL,
                    what="the copy-by-hand box")
    status = reader.text(STATUS)
    assert "コピーできませんでした" in status and "長押し" in status, f"{reader.where}: say what to do: 「{status}」"
    expected = expected_summary(reader)
    box = reader.js("""s => { const box = document.querySelector(s);
        return {value: box.value, focused: document.activeElement === box, start: box.selectionStart, end: box.selectionEnd,
                readOnly: box.readOnly, label: box.labels.length ? box.labels[0].textContent : ""} }""", MANUAL)
    assert box["value"] == expected, f"{reader.where}: the box must hold the summary the button would have copied"
    assert box["focused"] and (box["start"], box["end"]) == (0, len(expected)), f"{reader.where}: the whole text must be selected: {box}"
    assert box["readOnly"] and box["label"], f"{reader.where}: a read-only box with a label: {box}"

    reader.press("Control+c")
    assert reader.clipboard() == expected, f"{reader.where}: copying the selected text by hand must give the summary"

    tick(reader, "会費が無料か")
    assert not reader.visible(MANUAL), f"{reader.where}: a new tick makes the box's text stale: it must go"
    assert not reader.problems(), "\n".join(reader.problems())


@ON_PHONES
@pytest.mark.browser
@pytest.mark.parametrize("url", [FIT, EVENT])
def test_checklists_are_readable_and_tickable_without_javascript(reader, url):
    reader.disable_javascript()
    reader.open(url)
    assert reader.visible(f"{CHECK} li.task-list-item")
    assert reader.visible(".ik-check__howto"), f"{reader.where}: without JavaScript the how-to-read note shows"
    for hidden in (OUT, ".ik-check__actions", ".ik-check__verdicts"):
        assert not reader.visible(hidden), f"{reader.where}: {hidden} needs JavaScript and must stay hidden"
    reader.tap(f"{CHECK} .task-list-control")
    assert ticked(reader) == 1, f"{reader.where}: the boxes tick without JavaScript too"
