"""The two checklists: 向き・不向きチェック (fit.md) and 申し込む前のチェック (check.md).

docs/javascripts/checklist.js turns each task list into a live verdict whose words come from
hidden [data-verdict] blocks in the page; these tests drive it in real Chromium.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import PAGES, TEST_SITE_URL

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


# Browser -------------------------------------------------------------------------------------


def open_check(tab, server: str, url: str):
    response = tab.goto(server + url, wait_until="load")
    assert response is not None and response.ok
    return tab.locator(".ik-check").first


def tick(root, text: str) -> None:
    root.locator(".task-list-control", has_text=text).click()


def verdict(root) -> tuple[str, str]:
    out = root.locator("[data-verdict-out]")
    assert out.is_visible(), "the verdict must show when JavaScript runs"
    return out.get_attribute("data-verdict"), out.locator(".ik-check__headline").inner_text()


def headline(root, name: str) -> str:
    return root.locator(f'.ik-check__verdicts [data-verdict="{name}"] strong').first.text_content()


@pytest.mark.browser
def test_fit_verdict_follows_the_ticks(tab, server):
    root = open_check(tab, server, FIT)
    assert verdict(root) == ("empty", headline(root, "empty"))
    assert not root.locator(".ik-check__howto").is_visible(), "with JavaScript the verdict replaces the note"

    steps = [
        (["自分からどんどん話しかけて", "定例会に、毎回きちんと"], "fit", "合う人 2/4・合わない人 0/3・僕と似ているところ 0/6"),
        (["内向的で人見知り", "話すのが下手で"], "maybe", "合う人 2/4・合わない人 2/3・僕と似ているところ 0/6"),
        (["初めての人と話すのも", "人に断られるのが"], "unfit", "合う人 2/4・合わない人 2/3・僕と似ているところ 2/6"),
        (["会に入りさえすれば"], "expect", "合う人 2/4・合わない人 3/3・僕と似ているところ 2/6"),
        (["会に入りさえすれば", "モヤモヤが残っている"], "anxious", "合う人 2/4・合わない人 2/3・僕と似ているところ 2/6"),
    ]
    for texts, expected, counts in steps:
        for text in texts:
            tick(root, text)
        assert verdict(root) == (expected, headline(root, expected)), f"after ticking {texts}"
        assert root.locator(".ik-check__counts").inner_text() == counts
    live = root.locator("[data-check-live]")
    assert headline(root, "anxious") in live.text_content(), "screen readers should hear the new verdict"
    assert not tab.problems, "\n".join(tab.problems)


@pytest.mark.browser
def test_ticks_survive_a_reload_stay_on_the_device_and_reset_clears_them(tab, server):
    root = open_check(tab, server, FIT)
    tab.wait_for_load_state("networkidle")  # the favicon and search's files come in after load
    requests_before = len(tab.requests)
    tick(root, "自分からどんどん話しかけて")
    tick(root, "狭く深くより")
    assert len(tab.requests) == requests_before, f"ticking must send nothing: {tab.requests[requests_before:]}"
    saved = tab.evaluate("localStorage.getItem('ik-check:fit')")
    assert saved and "自分からどんどん話しかけて" in saved

    tab.wait_for_load_state("networkidle")  # a reload would abort search's files still loading
    tab.reload(wait_until="load")
    root = tab.locator(".ik-check").first
    checked = root.locator("input[type=checkbox]:checked")
    assert checked.count() == 2, "ticks must survive a reload"
    assert verdict(root)[0] == "maybe"

    root.get_by_role("button", name="チェックをぜんぶ外す").click()
    assert checked.count() == 0
    assert verdict(root)[0] == "empty"
    assert tab.evaluate("localStorage.getItem('ik-check:fit')") is None
    tab.wait_for_load_state("networkidle")  # a reload would abort search's files still loading
    tab.reload(wait_until="load")
    assert tab.locator(".ik-check input[type=checkbox]:checked").count() == 0
    assert not tab.problems, "\n".join(tab.problems)


@pytest.mark.browser
def test_event_check_finds_the_ticked_flags_and_links_each_to_its_callout(tab, server):
    root = open_check(tab, server, EVENT)
    assert verdict(root)[0] == "empty"
    tick(root, "会費が無料か")
    tick(root, "回転ずしのように")
    assert verdict(root)[0] == "few", "two ordinary signs: take care"
    flags = root.locator(".ik-check__flags > li")
    assert flags.count() == 2
    hrefs = [flags.nth(i).locator("a").get_attribute("href") for i in range(2)]
    assert [h.rsplit("#", 1)[1] for h in hrefs] == ["rf-free-event", "rf-forced-cards"]
    assert root.locator(".ik-check__counts").inner_text() == f"チェック 2 個(全 {root.locator('li.task-list-item').count()} 個中)"

    tick(root, "有料セミナーに招待された")
    assert verdict(root) == ("many", headline(root, "many")), "a paid-seminar invitation alone is enough to stay away"
    tick(root, "有料セミナーに招待された")
    tick(root, "会報誌の読み合わせ")
    assert verdict(root)[0] == "many", "three signs are enough too"

    flags.first.locator("a").click()
    tab.wait_for_load_state("load")
    assert urlsplit(tab.url).fragment == "rf-free-event"
    assert tab.locator("details.red-flag#rf-free-event").is_visible()
    assert not tab.problems, "\n".join(tab.problems)


@pytest.mark.browser
def test_copy_the_result_puts_a_summary_for_line_on_the_clipboard(tab, server):
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(server))
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    root = open_check(tab, server, EVENT)
    tick(root, "会費が無料か")
    tick(root, "後日Zoomで話したいと言われた")
    root.get_by_role("button", name="結果をコピー(LINEに貼れます)").click()
    root.locator("[data-check-status]").get_by_text("コピーしました").wait_for(timeout=5_000)
    title = tab.locator('meta[property="og:title"]').get_attribute("content")
    assert tab.evaluate("navigator.clipboard.readText()") == "\n".join([
        f"【{title}】",
        "当てはまったサイン:2個",
        "・会費が無料か、千円くらいまでの気軽な金額",
        "・後日Zoomで話したいと言われた",
        f"見立て:{headline(root, 'many')}",
        f"くわしく:{TEST_SITE_URL}check/",
    ])
    assert not tab.problems, "\n".join(tab.problems)


@pytest.mark.browser
@pytest.mark.parametrize("url", [FIT, EVENT])
def test_checklists_are_readable_and_tickable_without_javascript(browser, server, url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        tab = context.new_page()
        tab.goto(server + url)
        root = tab.locator(".ik-check").first
        assert root.locator("li.task-list-item").first.is_visible()
        assert root.locator(".ik-check__howto").is_visible(), "without JavaScript the how-to-read note shows"
        for hidden in ("[data-verdict-out]", ".ik-check__actions", ".ik-check__verdicts"):
            assert not root.locator(hidden).is_visible(), f"{hidden} needs JavaScript and must stay hidden"
        box = root.locator("input[type=checkbox]").first
        root.locator(".task-list-control").first.click()
        assert box.is_checked(), "the boxes tick without JavaScript too"
    finally:
        context.close()
