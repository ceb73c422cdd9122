"""The 困ったときは page (docs/help.md): what to do once pitched or signed, every fact with its source.

The facts come from the project's verified reference on consumer protection (the cooling-off,
188 and 法テラス facts with their official links), and each one is cited to the official page that
reference gives for it. A reader opens this page on a phone in a hurry: the
cooling-off clock and 188 come first, and each number is there to tap or to read out.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from conftest import PAGES

HELP = next(p for p in PAGES if p.src == "help.md")

# The official pages of the reference file, each cited by the page.
MLM_GUIDE = "https://www.no-trouble.caa.go.jp/what/multilevelmarketing/"  # 消費者庁 特定商取引法ガイド 連鎖販売取引
HOTLINE_CAA = "https://www.caa.go.jp/policies/policy/local_cooperation/local_consumer_administration/hotline/"
HOTLINE_GOV = "https://www.gov-online.go.jp/useful/article/201807/1.html"  # 政府広報オンライン 188
KOKUSEN = "https://www.kokusen.go.jp/news/data/n-20190725_1.html"  # 国民生活センター モノなしマルチ商法
WEB_MEETING = "https://www.chubu.meti.go.jp/c21consumer/madoguchi/case6.html"  # 中部経済産業局 case 6
HOUTERASU = "https://www.houterasu.or.jp/"
OFFICIAL_SOURCES = {MLM_GUIDE, HOTLINE_CAA, HOTLINE_GOV, KOKUSEN, WEB_MEETING, HOUTERASU}
# 警察相談専用電話 #9110: the reference file verifies the number but names no official page for
# it, so the page states the number without a link. Add the page here once the file names one.

DISCLAIMER = "このページは一般的な情報で、法律相談の代わりにはなりません。"
# Numbers a phone can dial from a tel: link. iOS refuses to dial links with # or *, so #9110
# stays text to read out.
DIALLABLE = {"tel:188", "tel:0570078374"}


@pytest.fixture(scope="module")
def content(soup) -> Tag:
    """The page's own text: the article without the share bar and the ¶ heading links."""
    article = BeautifulSoup(str(soup(HELP.html_path).select_one("article")), "html.parser").article
    for extra in article.select("section.ik-share, a.headerlink"):
        extra.decompose()
    return article


def text(el: Tag) -> str:
    return re.sub(r"\s+", "", el.get_text())


def links(el: Tag) -> list[str]:
    return [a["href"] for a in el.select("a[href]")]


def sections(content: Tag) -> dict[str, Tag]:
    """Each h2 of the page, by its text, with everything up to the next h2."""
    found = {}
    for h2 in content.find_all("h2"):
        part = BeautifulSoup("", "html.parser").new_tag("section")
        for sibling in list(h2.find_next_siblings()):
            if sibling.name == "h2":
                break
            part.append(BeautifulSoup(str(sibling), "html.parser"))
        found[text(h2)] = part
    return found


def section(content: Tag, *words: str) -> Tag:
    matching = [s for heading, s in sections(content).items() if all(w in heading for w in words)]
    assert matching, f"docs/help.md: no section whose heading has {words}: headings are {list(sections(content))}"
    return matching[0]


def subsection(content: Tag, heading_word: str) -> Tag:
    """An h3 with everything up to the next heading."""
    h3 = next((h for h in content.find_all("h3") if heading_word in h.get_text()), None)
    assert h3 is not None, f"docs/help.md: no ### heading with {heading_word!r}"
    part = BeautifulSoup("", "html.parser").new_tag("section")
    part.append(BeautifulSoup(str(h3), "html.parser"))
    for sibling in h3.find_next_siblings():
        if sibling.name in ("h2", "h3"):
            break
        part.append(BeautifulSoup(str(sibling), "html.parser"))
    return part


@pytest.mark.parametrize("url", sorted(OFFICIAL_SOURCES))
def test_help_page_cites_each_official_source(content, url):
    assert url in links(content), f"docs/help.md: no link to the official source {url}"


def test_every_web_link_on_the_help_page_is_one_of_the_official_sources(content):
    foreign = [href for href in links(content)
               if urlsplit(href).scheme and not href.startswith("tel:") and href not in OFFICIAL_SOURCES]
    assert not foreign, f"docs/help.md links to pages outside the reference file's official sources: {foreign}"


def test_every_section_of_the_help_page_cites_an_official_source(content):
    unsourced = [heading for heading, part in sections(content).items()
                 if not OFFICIAL_SOURCES & set(links(part))]
    assert len(sections(content)) >= 6, f"docs/help.md: expected its sections, found {list(sections(content))}"
    assert not unsourced, f"docs/help.md: these sections state facts without an official link: {unsourced}"


def test_every_external_link_is_https_and_phone_numbers_are_diallable(soup):
    # The whole article, share bar included: nothing on the page may leave over plain http.
    article = soup(HELP.html_path).select_one("article")
    external = [a["href"] for a in article.select("a[href]") if urlsplit(a["href"]).scheme]
    assert external, "docs/help.md: no external links at all"
    not_https = [h for h in external if not h.startswith(("https://", "tel:"))]
    assert not not_https, f"docs/help.md: external links must be https://: {not_https}"
    phones = {h for h in external if h.startswith("tel:")}
    assert phones == DIALLABLE, f"docs/help.md: tap-to-call links should be exactly {DIALLABLE}, found {phones}"


def test_the_not_legal_advice_sentence_is_there_once_near_the_top(content):
    assert text(content).count(DISCLAIMER) == 1, f"docs/help.md: say 「{DISCLAIMER}」 exactly once"
    first_h2 = content.find("h2")
    before = [p for p in first_h2.find_all_previous("p") if DISCLAIMER in text(p)]
    assert before, "docs/help.md: the not-legal-advice sentence belongs above the first section"
    assert "#相談できる窓口" in links(before[0]), "the sentence should point to the consultation lines for one's own case"


def test_the_first_callout_says_the_clock_is_ticking_and_gives_188(content):
    box = content.select_one("div.admonition")
    assert box is not None and "まず" in text(box.select_one(".admonition-title")), "docs/help.md: open with a まず、これだけ box"
    assert box.find_previous("h2") is None, "the まず、これだけ box must come before the first section"
    assert "20日" in text(box) and "クーリング・オフ" in text(box), "the box should name the 20-day cooling-off"
    assert "tel:188" in links(box) and HOTLINE_CAA in links(box), "the box should give 188 to tap, with its source"
    assert KOKUSEN in links(box), "the box's don't-decide/don't-borrow advice should cite 国民生活センター"


def test_cooling_off_for_multilevel_marketing_is_20_days_from_the_legal_document(content):
    part = section(content, "クーリング・オフ")
    rows = {text(tr.select_one("th")): text(tr.select_one("td")) for tr in part.select("tbody tr")}
    assert rows.get("期間") == "20日", f"cooling-off table should say 期間 20日, says {rows}"
    start = next((v for k, v in rows.items() if "数え始め" in k), "")
    assert "法定書面" in start and "届いた日" in start, f"counted from the 法定書面, or the goods if later: {start!r}"
    how = next((v for k, v in rows.items() if "伝え方" in k), "")
    assert "書面" in how and "メール" in how, f"in writing or electronically (email): {how!r}"
    assert any("20日を過ぎても" in v and ("嘘" in v or "脅" in v) for v in rows.values()), \
        "say that lies or intimidation to stop a cooling-off let it run past 20 days"
    assert "連鎖販売取引" in text(part) and MLM_GUIDE in links(part)
    assert "8日" in text(part), "warn that sites saying 8日 are wrong for 連鎖販売取引"


def test_web_meeting_solicitation_is_stated_carefully_with_its_source(content):
    part = section(content, "Zoom")
    words = text(part)
    assert "電話勧誘販売" in words and "8日" in words
    assert "場合がある" in words, "the reference rates this medium-high: say 〜場合があるとされています"
    assert WEB_MEETING in links(part)


def test_quitting_after_20_days_gives_the_conditions_and_the_10_percent_cap(content):
    part = section(content, "中途解約")
    words = text(part)
    for fact in ["1年", "90日", "使っていない", "売っていない", "10%"]:
        assert fact in words, f"中途解約 section lacks {fact!r}"
    assert MLM_GUIDE in links(part)


def test_business_contracts_may_not_be_protected_and_point_to_a_line(content):
    part = section(content, "事務所")
    words = text(part)
    assert "場合があります" in words, "the reference rates this medium: say 保護されない場合がある"
    assert "26条" in words and "消費者契約法" in words
    assert {HOTLINE_CAA, HOUTERASU} & set(links(part)), "point the reader to a consultation line"


def test_practical_advice_is_there_with_its_source(content):
    part = section(content, "断る")
    words = text(part)
    for advice in ["契約しません", "その場で決めない", "借りてまで払わない", "188"]:
        assert advice in words, f"advice section lacks {advice!r}"
    assert KOKUSEN in links(part)


def test_the_three_lines_have_their_numbers_and_official_pages(content):
    hotline = subsection(content, "188")
    assert "188" in text(hotline) and "tel:188" in links(hotline)
    assert {HOTLINE_CAA, HOTLINE_GOV} <= set(links(hotline)), "188's facts cite 消費者庁 and 政府広報オンライン"
    police = subsection(content, "#9110")
    assert "#9110" in text(police) and "110番" in text(police), "say #9110 is non-emergency and 110 is for emergencies"
    houterasu = subsection(content, "法テラス")
    assert "0570-078374" in text(houterasu) and HOUTERASU in links(houterasu)


def test_help_page_points_once_to_the_red_flag_list(content):
    to_red_flags = [h for h in links(content) if h.split("#")[0] in ("../red-flags/", "../red-flags/index.html")]
    assert len(to_red_flags) == 1, f"docs/help.md should link to 危ないサイン一覧 once, links {to_red_flags}"


def test_help_page_tables_fit_a_phone(content):
    for table in content.select("table"):
        columns = len(table.select("thead th"))
        assert columns <= 3, f"docs/help.md: a table with {columns} columns will not fit a 390px phone"
