"""The prose: what it claims, how it is written, how long it takes to read.

- Say what the source says: the second event's complaint is about the joining fee (入会費),
  taken by a group that still calls you "not yet a full member"; a trial guest is obviously
  not a member, so a sign about the trial fee would miss the point.
- textlint checks every page the way Japanese writing is checked (.textlintrc.json): the
  Japanese preset at its defaults, ja-no-abusage, and the site's one width and spacing style.
- Each page says how long it takes to read (overrides/hooks/reading_time.py); these tests
  count the characters again from the built HTML, with their own parser.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from conftest import DOCS, PAGES, ROOT, Page, failed_build, mkdocs_config, project_copy

TEXTLINT = ROOT / "node_modules" / ".bin" / "textlint"
CONFIG = ROOT / ".textlintrc.json"
# The rate the README states for the reading time: Japanese characters a minute.
CHARS_PER_MINUTE = 500
READING = re.compile(r"約(\d+)分で読めます")
LANDING = next(p for p in PAGES if p.src == "index.md")


def page(src: str) -> Page:
    return next(p for p in PAGES if p.src == src)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# Say what the source says ----------------------------------------------------------------------


def test_the_joining_fee_sign_names_the_joining_fee_not_the_trial_fee(soup):
    flag = soup(page("events/second.md").html_path).select_one("details.red-flag#rf-joining-fee")
    assert flag is not None, "events/second.md: the red flag rf-joining-fee is missing"
    summary = squash(flag.summary.get_text())
    body = squash(flag.get_text()).removeprefix(summary)
    assert "入会費" in summary and "おためし" not in summary, (
        f"rf-joining-fee: the sign is the joining fee (入会費) taken while you are still not a full "
        f"member, not the trial fee; its title says {summary!r}")
    assert "入会費" in body and "正式な会員" in body, f"rf-joining-fee: the body should tell the joining-fee story: {body!r}"

    check = soup(page("check.md").html_path)
    questions = [li for li in check.select(".ik-check li.task-list-item")
                 if li.find("a", recursive=False, href=re.compile(r"#rf-joining-fee$"))]
    assert len(questions) == 1, "check.md: one question of the event check should link to #rf-joining-fee"
    question = squash(questions[0].select_one(".task-list-text").get_text())
    assert "入会費" in question and "おためし" not in question, (
        f"check.md: the question should ask about the joining fee (入会費), not the trial: {question!r}")

    index = soup(page("red-flags.md").html_path)
    entry = index.select_one("article a[href$='#rf-joining-fee']")
    assert entry is not None and "入会費" in entry.get_text(), "red-flags.md: the index entry should name 入会費"


# textlint ----------------------------------------------------------------------------------------


def textlint(*args: str) -> subprocess.CompletedProcess[str]:
    if not TEXTLINT.is_file():
        pytest.fail(f"{TEXTLINT.relative_to(ROOT)} is missing: run `make test` (it runs npm ci) "
                    "or `npm ci --ignore-scripts`")
    return subprocess.run([str(TEXTLINT), "--config", str(CONFIG), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def findings(*paths: Path) -> list[tuple[str, int, str, str]]:
    """(file, line, rule, message) of every textlint finding in the given files; textlint
    exits non-zero exactly when there is one."""
    result = textlint("--format", "json", *map(str, paths))
    assert result.stdout.startswith("["), f"textlint did not run:\n{result.stdout}\n{result.stderr}"
    assert (result.returncode != 0) == ('"ruleId"' in result.stdout), "textlint's exit code should follow its findings"
    return [(str(Path(report["filePath"]).relative_to(ROOT)) if report["filePath"].startswith(str(ROOT))
             else Path(report["filePath"]).name,
             message["line"], message["ruleId"], message["message"].splitlines()[0])
            for report in json.loads(result.stdout) for message in report["messages"]]


def test_every_page_passes_textlint():
    found = findings(*sorted(DOCS.rglob("*.md")))
    assert not found, "textlint (.textlintrc.json): fix the sentence, not the rule:\n" + "\n".join(
        f"{file}:{line}: {message} [{rule}]" for file, line, rule, message in found)


PLANTED = {
    "僕は交流会は苦手です。": "japanese/no-doubled-joshi",  # a doubled particle: は…は
    "交流会には２回行きました。": "jtf-style/2.1.8.算用数字",  # a full-width digit
    "交流会に 2回 行きました。": "ja-spacing/ja-space-between-half-and-full-width",  # 全角 2 半角 spacing
}


def test_textlint_fails_on_planted_mistakes(tmp_path):
    """The gate can fail: a copy of a real page with one mistake per line is reported, each
    mistake by its rule and on its line."""
    page_copy = tmp_path / "index.md"
    text = LANDING.markdown
    first_planted = text.count("\n") + 2
    page_copy.write_text(text + "\n" + "\n\n".join(PLANTED) + "\n", encoding="utf-8")
    found = {(line, rule) for _, line, rule, _ in findings(page_copy)}
    for i, (sentence, rule) in enumerate(PLANTED.items()):
        assert (first_planted + 2 * i, rule) in found, f"{rule} did not report 「{sentence}」: found {sorted(found)}"


def test_textlint_runs_the_japanese_preset_at_its_defaults():
    """No rule of the Japanese preset (or ja-no-abusage) is turned off or loosened globally;
    a page turns one rule off for one line with a comment that says why (next test)."""
    result = textlint("--print-config")
    rules = {rule["id"]: rule.get("options") or {} for rule in json.loads(result.stdout)["rule"]}
    defaults = subprocess.run(
        ["node", "-e", "console.log(JSON.stringify(require('textlint-rule-preset-japanese').rulesConfig))"],
        capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert defaults.returncode == 0, defaults.stderr
    expected = {f"japanese/{name}": (value if isinstance(value, dict) else {})
                for name, value in json.loads(defaults.stdout).items() if value is not False}
    actual = {rule: options for rule, options in rules.items() if rule.startswith("japanese/")}
    assert actual == expected, f".textlintrc.json: run preset-japanese at its defaults: {actual} != {expected}"
    assert "ja-no-abusage" in rules, ".textlintrc.json: ja-no-abusage must run"
    filters = [f["id"] for f in json.loads(result.stdout).get("filterRule", [])]
    assert filters == ["comments"], "only the per-line textlint-disable comments may silence a rule"


DISABLE = re.compile(r"<!--\s*textlint-disable\b(?P<rest>.*?)-->", re.S)
ENABLE = re.compile(r"<!--\s*textlint-enable\s+(?P<rules>[^-\s][^>]*?)\s*-->")


def disable_problems(text: str) -> list[str]:
    """What is wrong with each `textlint-disable` comment of a page: it must turn off one named
    rule, say why after `--`, and be closed by `textlint-enable` of that rule after one line."""
    problems = []
    for match in DISABLE.finditer(text):
        where = f"line {text.count(chr(10), 0, match.start()) + 1}"
        rules, _, reason = match["rest"].partition("--")
        names = [r for r in re.split(r"[\s,]+", rules.strip()) if r]
        if len(names) != 1:
            problems.append(f"{where}: turn off exactly one named rule, not {names or 'all rules'}")
            continue
        if len(reason.strip()) < 10:
            problems.append(f"{where}: say why after `--`: <!-- textlint-disable {names[0]} -- 理由 -->")
        after = text[match.end():]
        enable = ENABLE.search(after)
        if not enable or enable["rules"].strip() != names[0]:
            problems.append(f"{where}: close it with <!-- textlint-enable {names[0]} -->")
            continue
        between = [line for line in after[:enable.start()].splitlines() if line.strip()]
        if len(between) != 1:
            problems.append(f"{where}: the rule is off for {len(between)} lines; keep it to the one line that needs it")
    return problems


@pytest.mark.parametrize("src", [p.src for p in PAGES])
def test_a_rule_is_turned_off_only_for_one_line_with_the_reason(src):
    problems = disable_problems(page(src).markdown)
    assert not problems, f"docs/{src}: " + "; ".join(problems)


RULE = "japanese/sentence-length"
LINE = "とても長い一文です。"


@pytest.mark.parametrize(("comment", "wrong"), [
    (f"<!-- textlint-disable {RULE} -- 語りの勢いを切りたくないので、ここは一文のまま -->\n\n{LINE}\n\n"
     f"<!-- textlint-enable {RULE} -->", None),
    (f"<!-- textlint-disable -->\n\n{LINE}\n\n<!-- textlint-enable -->", "exactly one named rule"),
    (f"<!-- textlint-disable {RULE} -->\n\n{LINE}\n\n<!-- textlint-enable {RULE} -->", "say why"),
    (f"<!-- textlint-disable {RULE} -- 語りの勢いを切りたくないので -->\n\n{LINE}\n\n{LINE}\n\n"
     f"<!-- textlint-enable {RULE} -->", "off for 2 lines"),
    (f"<!-- textlint-disable {RULE} -- 語りの勢いを切りたくないので -->\n\n{LINE}\n", "close it"),
], ids=["one-rule-one-line-with-reason", "all-rules", "no-reason", "two-lines", "never-closed"])
def test_the_disable_check_catches_each_way_to_overdo_it(comment, wrong):
    problems = disable_problems(comment)
    if wrong is None:
        assert not problems, problems
    else:
        assert len(problems) == 1 and wrong in problems[0], problems


# The one width style (README, "Content rules"): the site writes these marks half-width, in the
# pages as in the titles, the nav, the share bar and the checklist script. jtf-style can only
# ask for the full-width ones, so this is checked here.
FULL_WIDTH_MARKS = "（）！？：０１２３４５６７８９"


@pytest.mark.parametrize("src", [p.src for p in PAGES])
def test_pages_write_brackets_marks_and_digits_half_width(src):
    wrong = [(n, line) for n, line in enumerate(page(src).markdown.splitlines(), 1)
             if any(mark in line for mark in FULL_WIDTH_MARKS)]
    assert not wrong, (f"docs/{src}: write ( ) ! ? : and digits half-width, as the rest of the site does: "
                       + "; ".join(f"line {n}: {line[:40]}" for n, line in wrong))


# Reading time ------------------------------------------------------------------------------------


def visible_chars(article: Tag) -> int:
    """Characters a reader can see in the page's own text: the article without the share bar,
    the ¶ links, hidden elements and the reading-time line itself, whitespace left out.
    Closed red flags count: a careful reader opens them."""
    article = BeautifulSoup(str(article), "html.parser").article
    for extra in article.select(".ik-share, a.headerlink, [hidden], .ik-reading-time"):
        extra.decompose()
    return len(squash(article.get_text()))


def minutes(chars: int) -> int:
    return max(1, int(chars / CHARS_PER_MINUTE + 0.5))


def nav_titles(nav: list | None = None) -> dict[str, str]:
    """Each page's title in mkdocs.yml's nav, by source path."""
    titles: dict[str, str] = {}
    for item in mkdocs_config().nav if nav is None else nav:
        title, value = next(iter(item.items()))
        titles.update(nav_titles(value) if isinstance(value, list) else {value: title})
    return titles


def reading_line(soup, p: Page) -> Tag:
    lines = soup(p.html_path).select("article .ik-reading-time")
    assert len(lines) == 1, f"{p.html_path}: expected one reading-time line, found {len(lines)}"
    return lines[0]


@pytest.mark.parametrize("src", [p.src for p in PAGES])
def test_every_page_says_how_long_it_takes_to_read(soup, src):
    p = page(src)
    line = reading_line(soup, p)
    h1 = soup(p.html_path).select_one("article h1")
    assert h1.find_next_sibling() is line, f"{p.html_path}: the reading time belongs right under the title"
    match = READING.match(line.get_text())
    assert match, f"{p.html_path}: the line should start 「約N分で読めます」: {line.get_text()!r}"
    chars = visible_chars(soup(p.html_path).select_one("article"))
    assert int(match[1]) == minutes(chars), (
        f"{p.html_path}: {chars} characters at {CHARS_PER_MINUTE} a minute is 約{minutes(chars)}分, "
        f"the page says 約{match[1]}分")


def test_landing_page_gives_the_core_path_total_honestly(soup):
    path = LANDING.front_matter["reading_path"]
    assert path[0] == "index.md" and {"events/first.md", "events/second.md", "fit.md", "conclusion.md"} <= set(path), (
        f"docs/index.md: reading_path is the core path (landing, the two events, fit, conclusion): {path}")
    total = sum(visible_chars(soup(page(src).html_path).select_one("article")) for src in path)
    line = reading_line(soup, LANDING).get_text()
    assert f"全部で約{minutes(total)}分です" in line, (
        f"index.md: the core path is {total} characters, 約{minutes(total)}分; the landing page says {line!r}")
    for src in path[1:]:
        name = nav_titles()[src].split(":")[0]
        assert f"「{name}」" in line, f"index.md: the core path should name 「{name}」 as the menu does: {line!r}"
    if minutes(total) > 5:
        # Then no page may promise that the site reads in five minutes.
        for p in PAGES:
            html = soup(p.html_path)
            claims = [m.get("content", "") for m in html.select("meta[content]")]
            claims += [s.get_text() for s in html.select('script[type="application/ld+json"]')]
            claims = [json.loads(c).get("description", "") if c.startswith("{") else c for c in claims]
            assert not any("5分で読め" in c for c in claims), f"{p.html_path}: promises 5分 but the core path takes {minutes(total)}"


def test_reading_time_stays_out_of_search_and_link_previews(site, soup):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    in_search = [doc["location"] for doc in index["docs"] if "で読めます" in doc["text"] or "で読めます" in doc["title"]]
    assert not in_search, f"the reading time is in the search index: {in_search}"
    for p in PAGES:
        html = soup(p.html_path)
        previews = [m["content"] for m in html.select("meta[name=description], meta[property^='og:'], meta[name^='twitter:']")]
        previews += [s.get_text() for s in html.select('script[type="application/ld+json"]')]
        assert not any(re.search(r"約\d+分で読めます", text) for text in previews), (
            f"{p.html_path}: the reading time leaked into a link preview")


def test_a_reading_path_naming_a_missing_page_stops_the_build(tmp_path):
    project = project_copy(tmp_path)
    landing = project / "docs" / "index.md"
    landing.write_text(landing.read_text(encoding="utf-8").replace("  - fit.md\n", "  - fitt.md\n", 1), encoding="utf-8")
    output = failed_build(project)
    assert "docs/index.md" in output and "reading_path" in output and "fitt.md" in output, output


# In a browser --------------------------------------------------------------------------------------


@pytest.mark.browser
def test_reading_time_shows_under_the_title_on_screen_and_stays_off_paper(tab, server):
    tab.goto(server, wait_until="load")
    line = tab.locator("article .ik-reading-time")
    assert line.is_visible(), "the reading time should show on screen"
    title, box = tab.locator("article h1").bounding_box(), line.bounding_box()
    assert 0 <= box["y"] - (title["y"] + title["height"]) < 40, "the reading time should sit right under the title"
    assert box["y"] + box["height"] < tab.viewport_size["height"], "the reading time should be on the first screen"
    tab.emulate_media(media="print")
    assert not line.is_visible(), "print.css: paper has no use for a reading time"
    assert not tab.problems, "\n".join(tab.problems)
