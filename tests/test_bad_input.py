"""Author mistakes stop the build with a message that names the file and the fix.

Each test copies the real project (mkdocs.yml, docs/, overrides/) into a temporary
directory, makes one mistake, and runs the same strict build as `make build`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build, failed_build, project_copy

RED_FLAG = """
/// red-flag | {title}
    attrs: {{id: {id}}}

本文です。僕が見た限りでは、こういう誘いは断って正解でした。
///
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return project_copy(tmp_path)


def append(project: Path, src: str, text: str) -> None:
    path = project / "docs" / src
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_unchanged_copy_builds(project):
    """The fixture itself is sound, so each failure below comes from its one mistake."""
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr


def test_build_without_site_url_fails_saying_what_to_set(project, monkeypatch):
    monkeypatch.delenv("SITE_URL")
    output = failed_build(project)
    assert "site_url is not set" in output and "SITE_URL=https://" in output, output


def test_broken_link_fails_naming_the_file_and_the_target(project):
    append(project, "fit.md", "\n[どこにもないページ](nowhere.md)\n")
    output = failed_build(project)
    assert "fit.md" in output and "nowhere.md" in output, output


def test_missing_anchor_fails_naming_the_file(project):
    append(project, "conclusion.md", "\n[ない赤信号](events/first.md#rf-does-not-exist)\n")
    output = failed_build(project)
    assert "conclusion.md" in output and "rf-does-not-exist" in output, output


def test_page_missing_from_nav_fails_naming_the_page(project):
    (project / "docs" / "orphan.md").write_text(
        "---\ntitle: 迷子\ndescription: どこからもたどれないページ。\n---\n\n# 迷子\n", encoding="utf-8")
    output = failed_build(project)
    assert "orphan.md" in output and "nav" in output, output


def test_page_without_description_fails_naming_the_file_and_the_fix(project):
    path = project / "docs" / "conclusion.md"
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("description:")]
    assert len(lines) < len(text.splitlines()), "conclusion.md should have had a description line"
    path.write_text("".join(lines), encoding="utf-8")
    output = failed_build(project)
    assert "docs/conclusion.md" in output and "`description`" in output and "120" in output, output


def test_overlong_description_fails_naming_the_file(project):
    path = project / "docs" / "fit.md"
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\ndescription:")
    path.write_text(head + sep + " " + "長い説明です。" * 20 + "\nold_description:" + rest, encoding="utf-8")
    output = failed_build(project)
    assert "docs/fit.md" in output and "at most 120" in output, output


def test_unknown_callout_type_fails_naming_the_file_line_and_known_types(project):
    append(project, "events/first.md", "\n/// redflag | つづりを間違えた赤信号\n\n本文\n///\n")
    output = failed_build(project)
    assert "docs/events/first.md:" in output and "unknown callout type `redflag`" in output, output
    assert "red-flag" in output, "the message should list the known types"


def test_unknown_type_option_fails(project):
    append(project, "events/first.md", "\n/// details | 種類のつづり違い\n    type: red-flog\n\n本文\n///\n")
    output = failed_build(project)
    assert "docs/events/first.md:" in output and "`red-flog`" in output, output


def test_classic_admonition_syntax_fails_with_the_blocks_equivalent(project):
    append(project, "fit.md", '\n??? red-flag "古い書き方"\n    本文\n')
    output = failed_build(project)
    assert "docs/fit.md:" in output and "/// red-flag" in output, output


def test_red_flag_without_id_fails(project):
    append(project, "fit.md", "\n/// red-flag | idのない赤信号\n\n本文\n///\n")
    output = failed_build(project)
    assert "docs/fit.md:" in output and "attrs: {id: rf-" in output, output


def test_red_flag_id_used_twice_fails_naming_both_places(project):
    append(project, "fit.md", RED_FLAG.format(title="同じidの赤信号", id="rf-free-event"))
    output = failed_build(project)
    assert "rf-free-event" in output and "docs/fit.md:" in output and "docs/events/first.md:" in output, output


def test_red_flag_that_starts_open_fails(project):
    append(project, "fit.md", "\n/// red-flag | 開いた赤信号\n    open: true\n    attrs: {id: rf-open}\n\n本文\n///\n")
    output = failed_build(project)
    assert "docs/fit.md:" in output and "start closed" in output, output


def test_title_too_long_for_the_social_card_fails_naming_the_file_and_card_title(project):
    path = project / "docs" / "fit.md"
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\ntitle:")
    assert sep, "fit.md should have had a title line"
    long_title = "異業種交流会に申し込む前に読んでほしい向き・不向きのチェックリスト" * 3
    path.write_text(head + sep + " " + long_title + "\nold_title:" + rest, encoding="utf-8")
    output = failed_build(project)
    assert "docs/fit.md" in output and "`card_title" in output, output


# The event check's ids, which sent links name (overrides/hooks/check_link.py) ----------------

FORMER = 'data-former="rf-trial-fee:rf-joining-fee"'


def edit(project: Path, src: str, old: str, new: str) -> None:
    path = project / "docs" / src
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"docs/{src} should hold `{old}` once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def add_question(project: Path, item: str) -> None:
    """A question at the end of the event check's first group."""
    edit(project, "check.md", "\n\n</div>\n\n## 会の進め方", f"\n{item}\n\n</div>\n\n## 会の進め方")


def test_a_former_id_used_again_by_a_question_fails_naming_the_check(project):
    edit(project, "check.md", FORMER, 'data-former="rf-trial-fee:rf-joining-fee rf-free-event:rf-joining-fee"')
    output = failed_build(project)
    assert "docs/check.md" in output and "`rf-free-event` is in data-former" in output and "never used again" in output, output


def test_a_former_id_mapped_to_no_question_fails_naming_the_check(project):
    edit(project, "check.md", FORMER, 'data-former="rf-trial-fee:rf-joining-fees"')
    output = failed_build(project)
    assert "docs/check.md" in output and "`rf-joining-fees`, which no question has" in output, output
    assert "rf-joining-fee," in output, "the message should list the ids there are"


def test_a_malformed_former_list_fails(project):
    edit(project, "check.md", FORMER, 'data-former="rf-trial-fee=rf-joining-fee"')
    output = failed_build(project)
    assert "docs/check.md" in output and "`old-id:current-id`" in output, output


def test_a_question_without_an_id_fails_saying_how_to_give_it_one(project):
    add_question(project, "- [ ] 会場がやたらと豪華")
    output = failed_build(project)
    assert "docs/check.md" in output and "「会場がやたらと豪華」 has no id" in output and "data-tick=q-" in output, output


def test_two_questions_with_one_id_fail(project):
    add_question(project, "- [ ] 会費がとにかく安い\n    [会費が無料か、ほぼ無料の交流会](events/first.md#rf-free-event)")
    output = failed_build(project)
    assert "docs/check.md" in output and "both have the id `rf-free-event`" in output, output


def test_an_own_id_in_the_wrong_form_fails(project):
    add_question(project, "- [ ] 会場がやたらと豪華\n    { data-tick=rf-venue }")
    output = failed_build(project)
    assert "docs/check.md" in output and "starting with `q-`" in output, output


def test_a_question_with_an_id_of_its_own_builds_as_a_labelled_question(project):
    add_question(project, "- [ ] 会場がやたらと豪華\n    { data-tick=q-fancy-venue }")
    edit(project, "check.md", 'data-strong="', 'data-strong="q-fancy-venue ')
    result = build(project, project / "site")
    assert result.returncode == 0, result.stderr
    html = (project / "site" / "check" / "index.html").read_text(encoding="utf-8")
    assert ('<li class="task-list-item" data-tick="q-fancy-venue"><label class="task-list-control">'
            '<input type="checkbox"/><span class="task-list-indicator"></span>'
            '<span class="task-list-text">会場がやたらと豪華') in html, "the whole line is the box's label, as for the others"


def test_a_strong_sign_no_question_has_fails(project):
    edit(project, "check.md", 'data-strong="', 'data-strong="rf-looks ')
    output = failed_build(project)
    assert "docs/check.md" in output and "data-strong names rf-looks, which no question has" in output, output
