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
