"""Japanese labels that break lines only between phrases, in every browser.

Headings, red-flag summaries, table headers, nav and TOC labels, buttons and the checklists'
verdict headlines are short lines read at a glance. Browsers may break Japanese between any
two characters (「格好のカ/モ」); CSS `word-break: auto-phrase` avoids that in Chromium only,
and iPhones (LINE's browser too) run WebKit. So each such label gets, at build time, a <wbr>
between BudouX's phrases and the class `ik-phrases`, whose rule in docs/stylesheets/site.css
(`word-break: keep-all; overflow-wrap: anywhere`) lets its lines break only at a <wbr> (or,
for a phrase wider than the line, anywhere, rather than overflow).

Three refinements of BudouX's phrases, so that the browser can keep them:

- Words BudouX (0.10) splits: KEEP_WHOLE lists those seen in this site's labels
  (「さい|ごに」, 「た|ぶん」, 「守る|系」...); a label never breaks inside them. Add a word
  when one of its labels breaks inside a word (look at the screenshots at 320 px).
- Kinsoku. A phrase never starts with a character that may not start a line (、。」:・...)
  nor ends with one that may not end a line (「(...): such a character moves to the phrase
  it belongs with (BudouX gives 「結論」「:異業種交流会は」; here 「結論:」「異業種交流会は」).
  The rules are the ones the social cards use (social_cards.py).
- Punctuation inside a phrase. Even with keep-all, browsers may break after 、・:」 or
  before 「, which would split a phrase such as 「合う・合わないが」. In a phrase of at most
  LONG_PHRASE characters those two characters are glued (a span of class ik-phrases__glue,
  `white-space: nowrap`). A longer phrase (BudouX reads 「オフィスカジュアル・タートルネック・
  ガンギマリの」 as one) rarely fits a phone's line, so it gets a <wbr> there instead: the
  best place to break it. So do table headers, whose columns are narrow on a phone.

- BudouX's own HTML translator wraps text in `<span style="...">`, which the strict CSP
  (csp.py) blocks; here only <wbr> elements and a class go in.
- It runs on the final HTML (on_post_page), after Material's search plugin has read the page
  (on_page_context) and after the title, the link previews and the social cards were made, so
  none of them picks up a break. A <wbr> is an element, not a character: copied text and
  textContent stay as they were, with no zero-width characters.
- Only the labels' text inside <body> changes; the rest of the page stays byte for byte.
  Body paragraphs keep the browser's own Japanese line breaking.

tests/test_phrases.py measures the line breaks in Chromium and WebKit.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import budoux
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from social_cards import NATURAL_BREAK_AFTER, NO_LINE_END, NO_LINE_START, OPENING

CLASS = "ik-phrases"
GLUE = f'<span class="{CLASS}__glue">'
LONG_PHRASE = 12  # characters; see the module docstring
# Words BudouX splits that no label may break inside (see the module docstring).
KEEP_WHOLE = ("さいごに", "たぶん", "回転ずし", "空気", "当てはまる", "守る系", "気をつけて")
# A label: one of these elements...
LABEL_TAGS = frozenset({"h1", "h2", "h3", "summary", "th", "button"})
# ...or one with one of these classes (Material's nav, TOC, footer and header labels; the
# reading time under each title, overrides/hooks/reading_time.py)...
LABEL_CLASSES = frozenset({"md-ellipsis", "md-nav__title", "ik-reading-time"})
# ...but not in the header's title, which stays on one line and ends in an ellipsis (white-space:
# nowrap): there a <wbr> would still break the line in Chromium, and the lines below it, hidden
# by the header, would move when the shared stylesheet comes (tests/test_first_paint.py).
ONE_LINE_INSIDE = frozenset({"md-header__topic"})
# ...or a checklist verdict's headline: the first element in a [data-verdict] block of
# .ik-check__verdicts, which docs/javascripts/checklist.js shows as the verdict.
VERDICTS = "ik-check__verdicts"
# Inside a label but not its text: the heading's ¶ link, words only a screen reader hears, icons.
NOT_TEXT_TAGS = frozenset({"svg", "script", "style", "template", "textarea"})
NOT_TEXT_CLASSES = frozenset({"headerlink", "ik-visually-hidden", "md-nav__icon", "md-nav__button"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
CLASS_ATTRIBUTE = re.compile(r"""\sclass=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+))""")


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return with_phrase_breaks(output)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    """The 404 page is a template, not a page."""
    return with_phrase_breaks(output_content) if template_name.endswith(".html") else output_content


@functools.cache
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()


def budoux_phrases(text: str) -> list[str]:
    """BudouX's phrases of `text`, joined again where they split a word of KEEP_WHOLE."""
    inside = {at for word in KEEP_WHOLE for match in re.finditer(re.escape(word), text)
              for at in range(match.start() + 1, match.end())}
    phrases: list[str] = []
    at = 0
    for part in _parser().parse(text):
        if phrases and at in inside:
            phrases[-1] += part
        else:
            phrases.append(part)
        at += len(part)
    return phrases


def phrase_spans(text: str) -> list[tuple[int, int]]:
    """The label's phrases (BudouX's, KEEP_WHOLE and kinsoku applied), as (start, end) indexes
    into `text` (its outer whitespace is in none of them)."""
    phrases: list[str] = []
    for part in budoux_phrases(text.strip()):
        if phrases:
            cut = len(part) - len(part.lstrip(_NO_LINE_START))
            phrases[-1], part = phrases[-1] + part[:cut], part[cut:]
            keep = len(phrases[-1].rstrip(_NO_LINE_END))
            phrases[-1], part = phrases[-1][:keep], phrases[-1][keep:] + part
            if not phrases[-1]:
                phrases.pop()
        if part:
            phrases.append(part)
    spans, at = [], len(text) - len(text.lstrip())
    for phrase in phrases:
        spans.append((at, at + len(phrase)))
        at += len(phrase)
    return spans


_NO_LINE_START = "".join(sorted(NO_LINE_START))
_NO_LINE_END = "".join(sorted(NO_LINE_END))


def may_break_inside(text: str, at: int) -> bool:
    """Whether a browser may break between text[at - 1] and text[at] even with keep-all:
    after punctuation (、・:」...) or before an opening bracket, except where kinsoku forbids
    it and inside a number (1,000)."""
    before, after = text[at - 1], text[at]
    if before.isspace() or after.isspace():
        return False
    if before in ",." and at >= 2 and text[at - 2].isdigit() and after.isdigit():
        return False
    return (before in NATURAL_BREAK_AFTER and after not in NO_LINE_START) or (after in OPENING and before not in NO_LINE_END)


def with_phrase_breaks(page_html: str) -> str:
    """The page with a <wbr> between the phrases of each label, its punctuation glued inside
    short phrases, and the class on the label."""
    edits: list[tuple[int, int, int, str]] = []  # (start, rank, end, replacement) in page_html
    for label in Labels.of(page_html):
        text = "".join(run.text for run in label.runs)
        if not text.strip():
            continue
        edits.append((label.tag_start, 0, label.tag_end, with_class(label.start_tag)))
        breaks, glued = [], []
        for start, end in phrase_spans(text):
            breaks.append(start)
            inside = [at for at in range(start + 1, end) if may_break_inside(text, at)]
            if end - start > LONG_PHRASE or label.table_header:
                breaks.extend(inside)
            else:
                glued.extend((at - 1, at + 1) for at in inside)
        for at in label.offsets(breaks[1:]):
            edits.append((at, 1, at, "<wbr>"))
        for first, last in label.glue_offsets(merged(glued)):
            edits.append((first, 2, first, GLUE))
            edits.append((last, 0, last, "</span>"))
    # From the end, so offsets stay valid; at one offset: </span>, then <wbr>, then <span>.
    for start, _, end, replacement in sorted(edits, reverse=True):
        page_html = page_html[:start] + replacement + page_html[end:]
    return page_html


def merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching (start, end) ranges as one."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def with_class(start_tag: str) -> str:
    """`<h2 id="x">` → `<h2 id="x" class="ik-phrases">`; an existing class attribute gets it added."""
    match = CLASS_ATTRIBUTE.search(start_tag)
    if match is None:
        end = len(start_tag) - (2 if start_tag.endswith("/>") else 1)
        return f'{start_tag[:end].rstrip()} class="{CLASS}"{start_tag[end:]}'
    value = next(v for v in match.group("dq", "sq", "bare") if v is not None)
    return f'{start_tag[:match.start()]} class="{value} {CLASS}"{start_tag[match.end():]}'


@dataclass
class Run:
    """A piece of a label's text and where it stands in the page's HTML. An entity (&amp;) is
    one run whose text is what it stands for; a break can go before it, not inside."""

    offset: int
    text: str
    entity: bool


@dataclass
class Label:
    tag_start: int
    start_tag: str
    table_header: bool
    runs: list[Run] = field(default_factory=list)

    @property
    def tag_end(self) -> int:
        return self.tag_start + len(self.start_tag)

    def locate(self, index: int) -> tuple[Run, int]:
        """The run holding the label text's character `index`, and its place in that run."""
        at = 0
        for run in self.runs:
            if index < at + len(run.text):
                return run, index - at
            at += len(run.text)
        raise IndexError(index)

    def offsets(self, indexes: list[int]) -> list[int]:
        """Where in the page's HTML each index into the label's text falls (before that
        character; before the whole entity it is part of)."""
        found = []
        for index in indexes:
            run, inside = self.locate(index)
            found.append(run.offset if run.entity else run.offset + inside)
        return found

    def glue_offsets(self, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Where in the HTML each (start, end) range of the text begins and ends, for the
        ranges that lie in one piece of plain text (a span cannot cross an element)."""
        found = []
        for start, end in ranges:
            (first, i), (last, j) = self.locate(start), self.locate(end - 1)
            if first is last and not first.entity:
                found.append((first.offset + i, last.offset + j + 1))
        return found


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    label: Label | None
    not_text: bool
    children: int = 0


class Labels(HTMLParser):
    """Finds the labels of a page and the pieces of their text, with their offsets."""

    @classmethod
    def of(cls, page_html: str) -> list[Label]:
        parser = cls(page_html)
        parser.feed(page_html)
        parser.close()
        return parser.labels

    def __init__(self, page_html: str):
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", page_html)]
        self.stack: list[Element] = []
        self.labels: list[Label] = []
        self.in_body = False

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start_tag = self.get_starttag_text() or ""
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        parent = self.stack[-1] if self.stack else None
        if parent is not None:
            parent.children += 1
        self.in_body = self.in_body or tag == "body"
        not_text = (parent is not None and parent.not_text) or tag in NOT_TEXT_TAGS or bool(classes & NOT_TEXT_CLASSES)
        label = parent.label if parent is not None else None
        if label is None and self.in_body and not not_text and self.is_label(tag, classes, parent):
            label = Label(self.position(), start_tag, table_header=tag == "th")
            self.labels.append(label)
        if tag not in VOID:
            self.stack.append(Element(tag, attributes, label, not_text))

    def is_label(self, tag: str, classes: set[str], parent: Element | None) -> bool:
        if any(ONE_LINE_INSIDE & set((e.attrs.get("class") or "").split()) for e in self.stack):
            return False
        if tag in LABEL_TAGS or classes & LABEL_CLASSES:
            return True
        return (parent is not None and "data-verdict" in parent.attrs and parent.children == 1
                and any(VERDICTS in (e.attrs.get("class") or "").split() for e in self.stack))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def _text(self, text: str, entity: bool) -> None:
        element = self.stack[-1] if self.stack else None
        if element is not None and element.label is not None and not element.not_text:
            element.label.runs.append(Run(self.position(), text, entity))

    def handle_data(self, data: str) -> None:
        self._text(data, entity=False)

    def handle_entityref(self, name: str) -> None:
        self._text(html.unescape(f"&{name};"), entity=True)

    def handle_charref(self, name: str) -> None:
        self._text(html.unescape(f"&#{name};"), entity=True)
