"""The event check travels as a link (docs/javascripts/checklist.js): the ticks are written in
the URL's fragment by the questions' ids, `check/#ticked=rf-free-event.rf-zoom-later`. An old
link must keep its meaning when questions are added, reordered, reworded or renamed, so the
build checks what the link's ids rest on, in every checklist that can be sent (one that has a
`[data-check-send]` block):

- Each question has one id. A question that ends with a link to a red flag is named by that
  flag's id (`rf-…`, unique site-wide: callouts.py). A question without one gets its own, on a
  last line of the item: `{ data-tick=q-short-name }` (attr_list), never reused.
- No two questions share an id.
- A renamed id stays in the check's `data-former` list, `old:new` pairs separated by spaces
  (`data-former="rf-trial-fee:rf-joining-fee"`): each former id maps to a current question's
  id, and no former id is a current one (an old link would then tick another question).
- `data-strong` names only current questions (a strong sign no question has never shows).

Each failure stops the build with the file and what to do, as callouts.py does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

OWN_ID = re.compile(r"^q-[a-z0-9]+(?:-[a-z0-9]+)*$")
ANY_ID = re.compile(r"^(?:rf|q)-[a-z0-9]+(?:-[a-z0-9]+)*$")
TICK_ATTRIBUTE = "data-tick"


@dataclass
class Question:
    text: str = ""
    own: str | None = None  # data-tick
    flag: str | None = None  # the red-flag id its last link points to

    @property
    def id(self) -> str | None:
        return self.own or self.flag


@dataclass
class Check:
    attrs: dict[str, str]
    sendable: bool = False
    questions: list[Question] = field(default_factory=list)


class ChecksParser(HTMLParser):
    """The checklists (<div class="ik-check">) of a page's HTML, with their questions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.checks: list[Check] = []
        self.stack: list[str] = []
        self.check_depth = -1  # stack depth of the open .ik-check div
        self.item_depth = -1  # stack depth of the open task-list item
        self.link_depth = -1  # stack depth of the item's link to its red flag

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        classes = values.get("class", "").split()
        if tag not in {"input", "br", "img", "wbr", "hr"}:
            self.stack.append(tag)
        depth = len(self.stack)
        if tag == "div" and "ik-check" in classes and self.check_depth < 0:
            self.checks.append(Check(values))
            self.check_depth = depth
        if self.check_depth < 0:
            return
        check = self.checks[-1]
        if "data-check-send" in values:
            check.sendable = True
        if tag == "li" and "task-list-item" in classes:
            check.questions.append(Question(own=values.get(TICK_ATTRIBUTE)))
            self.item_depth = depth
        elif tag == "a" and self.item_depth >= 0 and depth == self.item_depth + 1:
            href = values.get("href", "")
            check.questions[-1].flag = href.rsplit("#", 1)[1] if "#" in href else None
            self.link_depth = depth

    def handle_endtag(self, tag: str) -> None:
        depth = len(self.stack)
        if depth == self.link_depth:
            self.link_depth = -1
        if depth == self.item_depth:
            self.item_depth = -1
        if depth == self.check_depth:
            self.check_depth = -1
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.item_depth >= 0 and self.link_depth < 0:
            self.checks[-1].questions[-1].text += data


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if 'class="ik-check"' not in html:
        return html
    where = f"docs/{page.file.src_uri}"
    parser = ChecksParser()
    parser.feed(html)
    for check in parser.checks:
        if check.sendable:
            check_ids(check, where)
    return html


def check_ids(check: Check, where: str) -> None:
    name = check.attrs.get("data-check", "?")
    at = f'{where}: the check data-check="{name}"'
    seen: dict[str, str] = {}
    for question in check.questions:
        text = " ".join(question.text.split())[:40]
        if question.own is not None and not OWN_ID.match(question.own):
            raise PluginError(
                f"{at}: question 「{text}」 has {TICK_ATTRIBUTE}={question.own!r}; an id of its own is "
                "lowercase ASCII words joined by hyphens, starting with `q-`, e.g. `{ data-tick=q-late-fee }`.")
        if not question.id:
            raise PluginError(
                f"{at}: question 「{text}」 has no id, so a sent link cannot name its tick. End it with a "
                "link to its red flag (`[…](events/first.md#rf-…)`) or give it an id of its own on a last "
                "line of the item: `    { data-tick=q-short-name }`.")
        if question.id in seen:
            raise PluginError(
                f"{at}: questions 「{seen[question.id]}」 and 「{text}」 both have the id `{question.id}`, "
                "so a sent link would tick both; give one of them an id of its own (`{ data-tick=q-… }`).")
        seen[question.id] = text

    former: set[str] = set()
    for pair in check.attrs.get("data-former", "").split():
        old, sep, new = pair.partition(":")
        if not (sep and ANY_ID.match(old) and ANY_ID.match(new)):
            raise PluginError(
                f"{at}: `{pair}` in data-former is not a pair `old-id:current-id` "
                "(e.g. `rf-trial-fee:rf-joining-fee`); pairs are separated by spaces.")
        if old in former:
            raise PluginError(f"{at}: `{old}` is listed twice in data-former; keep one pair for it.")
        former.add(old)
        if old in seen:
            raise PluginError(
                f"{at}: `{old}` is in data-former, but the question 「{seen[old]}」 has that id now: old "
                f"links that ticked the former `{old}` would tick it. Give that question a new id (its red "
                f"flag's `attrs: {{id: …}}`, or `{{ data-tick=q-… }}`); a former id is never used again.")
        if new not in seen:
            raise PluginError(
                f"{at}: data-former maps `{old}` to `{new}`, which no question has; map it to the id of "
                f"the question that now means the same tick (one of: {', '.join(seen)}), or, if that "
                "question is gone, remove the pair (old links then drop that tick with a note).")

    unknown = [flag for flag in check.attrs.get("data-strong", "").split() if flag not in seen]
    if unknown:
        raise PluginError(
            f"{at}: data-strong names {', '.join(unknown)}, which no question has; use the ids of its "
            f"questions (one of: {', '.join(seen)}).")
