"""The event check sent as a link, and a red flag sent as a link to itself (issue 24).

docs/javascripts/checklist.js writes the ticks into the link's fragment by the questions'
ids (check/#ticked=rf-free-event.rf-zoom-later), never into the query; whoever opens the link
sees those ticks and their verdict, and keeps their own saved ticks until they choose.
docs/javascripts/share.js gives each opened red flag a row that sends page/#rf-…
overrides/hooks/check_link.py checks the ids at build time (tests/test_bad_input.py).

The reader's flows run in Chromium and WebKit at phone size (tests/drivers.py); the checkers
(axe, the Nu Html Checker) read the page in its sent state in Chromium.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import ON_PHONES, PHONES, TEST_SITE_URL, VIEWPORTS
from drivers import ChromiumTab, WebKitTab, booted
from test_quality import VNU_JAR, need, run_axe

EVENT = "check/"
CHECK = ".ik-check"
BANNER = ".ik-sent"
DROPPED = "[data-sent-dropped]"
OWN_KEY = "ik-check:event"
LINE_SHARE = "https://social-plugins.line.me/lineit/share"

# The sender's three ticks, and the ids the link names them by, in the page's order.
SENT = {"会費が無料か": "rf-free-event", "回転ずしのように": "rf-forced-cards", "後日Zoomで話したい": "rf-zoom-later"}
SENT_FRAGMENT = "ticked=" + ".".join(SENT.values())
# The friend's own ticks, saved on their phone before the link comes.
OWN = {"入っても、しばらくは": "rf-closed-circle", "会報誌の読み合わせ": "rf-rituals"}


def tick(tab, text: str) -> None:
    tab.click(f"{CHECK} .task-list-control", text)


def ticked_ids(tab) -> list[str]:
    """The ids of the ticked questions, in page order (the red flag each links to)."""
    return tab.js(f"""() => [...document.querySelectorAll('{CHECK} li.task-list-item')]
        .filter(li => li.querySelector('input[type=checkbox]').checked)
        .map(li => li.dataset.tick || li.querySelector(':scope > a').hash.slice(1))""")


def saved(tab) -> str | None:
    return tab.js("k => localStorage.getItem(k)", OWN_KEY)


def sign_links(tab, where: str) -> list[str]:
    return tab.js("s => [...document.querySelectorAll(s)].map(a => a.hash.slice(1))", f"{where} .ik-check__flags > li a")


def verdict(tab) -> str:
    return tab.attribute("[data-verdict-out]", "data-verdict")


def on_server(tab, link: str) -> str:
    """A link to the published site, as a path on the test server (fragment kept)."""
    assert link.startswith(TEST_SITE_URL), f"{tab.where}: the link should be the published page's: {link}"
    return link.removeprefix(TEST_SITE_URL)


@contextlib.contextmanager
def friend(reader):
    """The friend's phone: a tab of the same engine and size with nothing stored (Chromium: a new
    context; WebKit: the one MiniBrowser, its storage and records cleared)."""
    if reader.engine == "webkit":
        tab = WebKitTab(reader.session, reader.size)
    else:
        tab = ChromiumTab(reader.browser, reader.base, reader.size)
    try:
        yield tab
    finally:
        tab.close()


def carries_ticks(url: str) -> bool:
    """Whether a request's URL, as it goes on the wire (no fragment), names the ticks."""
    wire = urlsplit(url)._replace(fragment="").geturl()
    return "ticked" in wire or any(flag in wire for flag in SENT.values())


def send_three(reader) -> str:
    """The sender ticks three questions and copies the result; returns the link in it."""
    reader.open(EVENT)
    for text in SENT:
        tick(reader, text)
    reader.click("button", "結果をコピー")
    reader.wait_for("() => document.querySelector('[data-check-status]').textContent.includes('コピーしました')",
                    what="「コピーしました」")
    copied = reader.clipboard()
    found = re.search(r"^このチェックを開く:(\S+)$", copied, re.M)
    assert found, f"{reader.where}: the copied text must end with the check's link:\n{copied}"
    return found[1]


def receive(tab, link: str) -> None:
    """The friend, with two ticks of their own saved, opens the link from LINE."""
    tab.open(EVENT)
    tab.settle()
    for text in OWN:
        tick(tab, text)
    assert json.loads(saved(tab)) == list(OWN.values())
    tab.open("")  # then LINE: the link opens as a new page load
    tab.settle()  # (leaving a page while Material still fetches its search index is an error of its own)
    tab.open(on_server(tab, link))


# The link and the sent check --------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("reader", PHONES, indirect=True)
def test_three_ticks_sent_as_a_link_open_on_another_phone_with_the_same_ticks_verdict_and_signs(reader):
    link = send_three(reader)
    assert urlsplit(link).fragment == SENT_FRAGMENT and not urlsplit(link).query, (
        f"{reader.where}: the ticks travel in the fragment, by id, in page order: {link}")
    assert link.startswith(TEST_SITE_URL + EVENT)
    line = reader.attribute("[data-check-line]", "href")
    assert line.startswith(LINE_SHARE + "?"), f"{reader.where}: LINE's share link, as the share bar's: {line}"
    assert parse_qs(urlsplit(line).query)["url"] == [link], f"{reader.where}: LINE must get the same link"
    assert reader.visible("[data-check-line]") and reader.visible("[data-check-send]")
    assert not reader.visible(BANNER), f"{reader.where}: the sender's own check is no sent check"
    assert not reader.visible(".ik-check__nojs"), f"{reader.where}: the no-JavaScript note must not show with it"
    assert not [u for u in reader.requests() if carries_ticks(u)], f"{reader.where}: a request carried the ticks"
    assert not reader.problems(), "\n".join(reader.problems())
    sender_verdict = verdict(reader)
    assert sender_verdict == "many"

    with friend(reader) as tab:
        receive(tab, link)
        assert tab.visible(BANNER) and "送られてきたチェックです" in tab.text(BANNER), f"{tab.where}: say it was sent"
        assert ticked_ids(tab) == list(SENT.values()), f"{tab.where}: the sender's ticks, not the friend's"
        assert verdict(tab) == sender_verdict
        assert tab.attribute(f"{BANNER} [data-sent-verdict]", "data-verdict") == sender_verdict
        for where in (BANNER, "[data-verdict-out]"):
            assert sign_links(tab, where) == list(SENT.values()), f"{tab.where}: each ticked sign, linked, in {where}"
        assert json.loads(saved(tab)) == list(OWN.values()), f"{tab.where}: the friend's own ticks must stay saved"
        assert not tab.visible(DROPPED), f"{tab.where}: nothing was dropped"

        tick(tab, "有料セミナーに招待された")  # the friend adds what they know: still the sent check
        assert json.loads(saved(tab)) == list(OWN.values()), f"{tab.where}: a tick on a sent check is not saved"
        assert urlsplit(tab.url).fragment == SENT_FRAGMENT + ".rf-paid-seminar"
        tick(tab, "有料セミナーに招待された")

        tab.reload()
        assert tab.visible(BANNER), f"{tab.where}: a reload stays on the sent check"
        assert ticked_ids(tab) == list(SENT.values())
        assert json.loads(saved(tab)) == list(OWN.values())

        tab.follow(f"{BANNER} .ik-check__flags > li a")
        assert urlsplit(tab.url).fragment == "rf-free-event"
        assert tab.visible("details.red-flag#rf-free-event > p"), f"{tab.where}: the sign's link opens its red flag"
        assert not [u for u in tab.requests() if carries_ticks(u)], (
            f"{tab.where}: a request carried the ticks: {[u for u in tab.requests() if carries_ticks(u)]}")
        assert not tab.problems(), "\n".join(tab.problems())


@pytest.mark.browser
@pytest.mark.parametrize("reader", PHONES, indirect=True)
@pytest.mark.parametrize("choice", ["このチェックを自分のものにする", "自分でチェックする"])
def test_the_two_choices_do_what_they_say(reader, choice):
    link = TEST_SITE_URL + EVENT + "#" + SENT_FRAGMENT
    receive(reader, link)
    assert ticked_ids(reader) == list(SENT.values())
    reader.click(f"{BANNER} button", choice)
    mine = SENT if choice == "このチェックを自分のものにする" else OWN

    assert ticked_ids(reader) == list(mine.values()), f"{reader.where}: after 「{choice}」"
    assert json.loads(saved(reader)) == list(mine.values()), f"{reader.where}: saved after 「{choice}」"
    assert urlsplit(reader.url).fragment == "", f"{reader.where}: the address is the page's own again"
    done = reader.text("[data-sent-done]")
    assert done and reader.js("() => document.activeElement.matches('[data-sent-done]')"), (
        f"{reader.where}: say what happened, where the buttons were: 「{done}」")
    assert not reader.visible(f"{BANNER} button"), f"{reader.where}: the choice is made"
    assert reader.visible("[data-check-reset]"), f"{reader.where}: the reader's own check has its reset again"

    reader.reload()
    assert not reader.visible(BANNER), f"{reader.where}: after a reload, the reader's own check"
    assert ticked_ids(reader) == list(mine.values())
    assert not reader.problems(), "\n".join(reader.problems())


@pytest.mark.browser
@pytest.mark.parametrize("reader", PHONES, indirect=True)
def test_a_link_with_a_former_id_opens_the_question_it_meant(reader):
    """rf-trial-fee became rf-joining-fee (data-former in docs/check.md)."""
    reader.open(EVENT + "#ticked=rf-trial-fee.rf-free-event")
    assert ticked_ids(reader) == ["rf-free-event", "rf-joining-fee"]
    assert not reader.visible(DROPPED), f"{reader.where}: a former id is understood, nothing is dropped"
    assert urlsplit(reader.url).fragment == "ticked=rf-free-event.rf-joining-fee", "the address says it the current way"
    assert saved(reader) is None
    assert not reader.problems(), "\n".join(reader.problems())


@pytest.mark.browser
@pytest.mark.parametrize("reader", PHONES, indirect=True)
def test_another_check_link_in_the_same_tab_shows_and_an_in_page_link_keeps_the_sent_check(reader):
    reader.open(EVENT + "#" + SENT_FRAGMENT)
    reader.js("() => { location.hash = '#募集ページと誘われ方' }")  # as a heading's ¶ link does
    reader.wait_for("() => location.hash.startsWith('#ticked=')", what="the sent check back in the address")
    assert urlsplit(reader.url).fragment == SENT_FRAGMENT
    reader.js("() => { location.hash = '#ticked=rf-rituals' }")  # another link, pasted into this tab
    reader.wait_for("() => document.querySelectorAll('.ik-check input:checked').length === 1", what="the new link's tick")
    assert ticked_ids(reader) == ["rf-rituals"] and reader.visible(BANNER)
    reader.reload()
    assert ticked_ids(reader) == ["rf-rituals"], f"{reader.where}: a reload stays on the check in the address"
    assert saved(reader) is None
    assert not reader.problems(), "\n".join(reader.problems())


@pytest.mark.browser
def test_the_share_sheet_gets_the_check_link_where_the_device_has_one(browser, server):
    """Chromium on Linux has no Web Share; a stand-in navigator.share records what it is given."""
    tab = ChromiumTab(browser, server, "phone")
    try:
        tab.page.add_init_script("navigator.share = async (data) => { window.__shared = data }")
        tab.open(EVENT)
        assert tab.visible("[data-check-share]"), "共有… shows where navigator.share exists"
        for text in SENT:
            tick(tab, text)
        tab.click("[data-check-share]")
        shared = tab.wait_for("() => window.__shared", what="navigator.share to be called")
        assert shared["url"] == TEST_SITE_URL + EVENT + "#" + SENT_FRAGMENT
        assert "当てはまったサイン:3個" in shared["text"] and "ticked" not in shared["text"]
        assert not tab.problems(), "\n".join(tab.problems())
    finally:
        tab.close()


def test_only_the_event_check_can_be_sent(soup):
    """The fit check describes the reader, not an event: it has no link (README.md says why)."""
    assert soup("check/index.html").select('.ik-check[data-check="event"] [data-check-send]')
    assert not soup("fit/index.html").select("[data-check-send], [data-check-sent], [data-check-line]")


# What a fragment may hold: each case's fragment, the ids understood, and what the note says.
BAD_FRAGMENTS = {
    "unknown": ("ticked=rf-free-event.rf-no-such-sign", ["rf-free-event"], "わからない項目が1つあったので外しました"),
    "malformed": ("ticked=rf-zoom-later.%E3%81..rf-free-event,rf-rituals.%%", ["rf-zoom-later"],
                  "わからない項目が3つあったので外しました"),
    "duplicated": ("ticked=rf-rituals.rf-free-event.rf-rituals.rf-trial-fee.rf-joining-fee",
                   ["rf-free-event", "rf-joining-fee", "rf-rituals"], "重なっていた項目を2つ外しました"),
    "overlong": ("ticked=" + ".".join(["rf-free-event"] * 30 + ["rf-rituals"] + ["x" * 50] * 200),
                 ["rf-free-event", "rf-rituals"], "リンクが長すぎたので"),
    "html": ("ticked=rf-free-event.<img src=x id=ik-injected>.\"><b id=ik-bold>b</b>.<script>__ik_injected=1</script>",
             ["rf-free-event"], "わからない項目が3つあったので外しました"),
}
INJECTED = """() => !!(document.getElementById('ik-injected') || document.getElementById('ik-bold')
    || document.querySelector('img[src="x"]') || window.__ik_injected
    || document.body.innerHTML.includes('<img src=x') || document.body.innerHTML.includes('ik-bold'))"""


@pytest.mark.browser
@pytest.mark.parametrize("reader", PHONES + ["chromium-desktop"], indirect=True)
@pytest.mark.parametrize("case", list(BAD_FRAGMENTS))
def test_a_bad_fragment_opens_what_was_understood_with_a_short_note_and_nothing_injected(reader, case):
    fragment, understood, note = BAD_FRAGMENTS[case]
    reader.open(EVENT + "#" + fragment)
    assert reader.visible(BANNER), f"{reader.where}: still a sent check"
    assert ticked_ids(reader) == understood, f"{reader.where}: {case}"
    assert reader.visible(DROPPED) and note in reader.text(DROPPED), (
        f"{reader.where}: a note of what was dropped: 「{reader.text(DROPPED)}」")
    assert not reader.js(INJECTED), f"{reader.where}: the fragment's text went into the page"
    assert "<" not in reader.text(BANNER) and "%" not in reader.text(BANNER)
    assert saved(reader) is None, f"{reader.where}: nothing from a link is saved"
    assert not reader.problems(), "\n".join(reader.problems())


@ON_PHONES
@pytest.mark.browser
def test_without_javascript_a_sent_link_shows_the_plain_list_and_says_why(reader):
    reader.disable_javascript()
    reader.open(EVENT + "#" + SENT_FRAGMENT)
    assert reader.visible(".ik-check__nojs"), f"{reader.where}: say that a sent check needs JavaScript"
    assert "JavaScript" in reader.text(".ik-check__nojs")
    assert ticked_ids(reader) == [], f"{reader.where}: without JavaScript nothing is ticked"
    for hidden in (BANNER, "[data-check-send]", ".ik-check__actions"):
        assert not reader.visible(hidden), f"{reader.where}: {hidden} needs JavaScript"


# A red flag, sent on its own ----------------------------------------------------------------------

FLAG_PAGE = "events/second/"
FLAG = "rf-joining-fee"
FLAG_ROW = f"#{FLAG} .ik-flag-send"


def open_flag_row(reader) -> str:
    """Opens the red flag by its summary; returns the summary's text."""
    reader.open(FLAG_PAGE)
    assert not reader.count(".ik-flag-send"), f"{reader.where}: rows are made only for opened flags"
    reader.tap(f"#{FLAG} > summary")
    reader.wait_for("s => document.querySelector(s)", FLAG_ROW, what="the flag's send row")
    return reader.js("s => document.querySelector(s).textContent.trim()", f"#{FLAG} > summary")


@pytest.mark.browser
@pytest.mark.parametrize("reader", PHONES + ["chromium-desktop"], indirect=True)
def test_a_red_flag_sends_a_link_to_itself_with_its_summary_and_the_link_opens_it(reader):
    summary = open_flag_row(reader)
    url = f"{TEST_SITE_URL}{FLAG_PAGE}#{FLAG}"
    assert reader.visible(f"{FLAG_ROW} a", "LINEで送る") and reader.visible(f"{FLAG_ROW} button", "リンクをコピー")
    line = parse_qs(urlsplit(reader.attribute(f"{FLAG_ROW} a", "href")).query)
    assert line == {"url": [url], "text": [summary]}, f"{reader.where}: LINE gets the flag's link and summary"
    reader.click(f"{FLAG_ROW} button", "リンクをコピー")
    reader.wait_for("s => document.querySelector(s).textContent.includes('コピーしました')", f"{FLAG_ROW}__status",
                    what="「コピーしました」")
    assert reader.clipboard() == f"{summary}\n{url}"
    assert not reader.problems(), "\n".join(reader.problems())

    with friend(reader) as tab:
        tab.open(on_server(tab, url))
        assert tab.visible(f"#{FLAG} > p"), f"{tab.where}: the flag's link opens it"
        assert tab.count(FLAG_ROW) == 1, f"{tab.where}: the opened flag offers to send itself on"
        assert not tab.problems(), "\n".join(tab.problems())


@ON_PHONES
@pytest.mark.browser
def test_where_the_clipboard_is_refused_a_red_flags_link_is_shown_to_copy_by_hand(reader):
    reader.trouble_with_clipboard("refused")
    summary = open_flag_row(reader)
    reader.click(f"{FLAG_ROW} button", "リンクをコピー")
    box = f"{FLAG_ROW} textarea"
    reader.wait_for("s => document.querySelector(s).checkVisibility()", box, what="the copy-by-hand box")
    expected = f"{summary}\n{TEST_SITE_URL}{FLAG_PAGE}#{FLAG}"
    state = reader.js("""s => { const box = document.querySelector(s);
        return {value: box.value, focused: document.activeElement === box, start: box.selectionStart, end: box.selectionEnd} }""", box)
    assert state == {"value": expected, "focused": True, "start": 0, "end": len(expected)}, f"{reader.where}: {state}"
    assert "長押し" in reader.text(f"{FLAG_ROW}__status")
    reader.press("Control+c")
    assert reader.clipboard() == expected
    assert not reader.problems(), "\n".join(reader.problems())


# The checkers, on the page in its sent state (Chromium) -------------------------------------------

SENT_WITH_NOTE = EVENT + "#" + SENT_FRAGMENT + ".rf-no-such-sign"


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_axe_finds_nothing_on_a_sent_check_or_an_opened_flags_send_row(browser, server, viewport_name, scheme):
    context = browser.new_context(locale="ja-JP", color_scheme=scheme, bypass_csp=True, **VIEWPORTS[viewport_name])
    try:
        tab = context.new_page()
        found = {}
        for url in (SENT_WITH_NOTE, FLAG_PAGE):
            tab.goto(server + url, wait_until="load")
            booted(tab)
            if url == FLAG_PAGE:
                tab.evaluate("document.querySelectorAll('details.red-flag').forEach(d => d.open = true)")
                tab.wait_for_function("document.querySelectorAll('.ik-flag-send').length === "
                                      "document.querySelectorAll('details.red-flag[id]').length")
            else:
                assert tab.locator(BANNER).is_visible() and tab.locator(DROPPED).is_visible()
            violations = run_axe(tab)
            if violations:
                found[url] = violations
        assert not found, "axe-core violations:\n" + "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in found.items())
    finally:
        context.close()


@pytest.mark.browser
def test_the_nu_checker_finds_no_error_in_a_sent_check_or_an_opened_flags_send_row(browser, server, tmp_path):
    """The pages as the scripts left them (the DOM, serialised), read by the Nu Html Checker."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("the Nu Html Checker needs Java: run `make system-deps` (Debian: default-jre-headless)")
    context = browser.new_context(locale="ja-JP", **VIEWPORTS["phone"])
    files = []
    try:
        tab = context.new_page()
        for name, url in (("sent-check", SENT_WITH_NOTE), ("flag-row", FLAG_PAGE)):
            tab.goto(server + url, wait_until="load")
            booted(tab)
            if url == FLAG_PAGE:
                tab.locator(f"#{FLAG} > summary").click()
                tab.wait_for_selector(FLAG_ROW)
            else:
                assert tab.locator(BANNER).is_visible()
            path = tmp_path / f"{name}.html"
            path.write_text("<!DOCTYPE html>\n" + tab.evaluate("document.documentElement.outerHTML"), encoding="utf-8")
            files.append(path)
    finally:
        context.close()
    result = subprocess.run([java, "-jar", str(need(VNU_JAR)), "--format", "json", "--errors-only", *map(str, files)],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr)["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}" for m in messages
              if m["type"] in ("error", "non-document-error")]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
