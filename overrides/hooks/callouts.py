"""Callouts are written in pymdown-extensions' Blocks syntax, and only known kinds pass.

    /// red-flag | 会費が無料かほぼ無料の交流会
        attrs: {id: rf-free-event}

    本文
    ///

An unknown block name (a typo such as `/// redflag`) would otherwise render as plain
text without any warning, so the build fails instead and names the file, the line and
the kinds that exist. A red flag must be collapsible and closed (so `open: true` is
refused) and carry a site-wide unique `rf-` id, which later pages link to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

RED_FLAG = "red-flag"
# Generic Blocks that exist whatever is configured: the extension's own names.
GENERIC_BLOCKS = {"admonition": "pymdownx.blocks.admonition", "details": "pymdownx.blocks.details"}

BLOCK_START = re.compile(r"^(?P<indent>\s*)/{3,}\s*(?P<name>[^\s|/]+)\s*(?:\|\s*(?P<title>.*?))?\s*$")
BLOCK_END = re.compile(r"^\s*/{3,}\s*$")
CLASSIC = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s*(?P<name>[\w-]*)")
FENCE = re.compile(r"^\s*(```|~~~)")
OPTION = re.compile(r"^\s{4,}(?P<key>[\w-]+)\s*:\s*(?P<value>.*)$")
ID_IN_ATTRS = re.compile(r"\bid\s*:\s*['\"]?(?P<id>[^\s,}'\"]+)")
RED_FLAG_ID = re.compile(r"^rf-[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Block:
    name: str
    title: str
    line: int
    options: dict[str, str]


# id -> "docs/page.md:line" of the red flag that owns it, over one build.
_red_flag_ids: dict[str, str] = {}


def on_pre_build(*, config: MkDocsConfig) -> None:
    _red_flag_ids.clear()


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    where = f"docs/{page.file.src_uri}"
    known = known_block_names(config)
    for block in blocks_in(markdown, where):
        check_kind(block, known, where)
        if block.name == RED_FLAG:
            check_red_flag(block, where)
    return markdown


def known_block_names(config: MkDocsConfig) -> set[str]:
    """Block names the configured extensions turn into callouts."""
    names = {name for name, ext in GENERIC_BLOCKS.items() if ext in config.markdown_extensions}
    for ext in GENERIC_BLOCKS.values():
        for entry in config.mdx_configs.get(ext, {}).get("types", []):
            names.add(entry["name"] if isinstance(entry, dict) else entry)
    return names


def blocks_in(markdown: str, where: str):
    """Yield each callout block with its options, skipping fenced code."""
    lines = markdown.splitlines()
    in_fence = False
    for number, line in enumerate(lines, start=1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or BLOCK_END.match(line):
            continue
        classic = CLASSIC.match(line)
        if classic:
            raise PluginError(
                f"{where}:{number}: `{line.strip()}` uses the `!!!`/`???` callout syntax, which this "
                f"site does not enable; write `/// {classic['name'] or RED_FLAG} | 見出し` ... `///` instead."
            )
        start = BLOCK_START.match(line)
        if not start:
            continue
        options: dict[str, str] = {}
        for option_line in lines[number:]:
            option = OPTION.match(option_line)
            if not option:
                break
            options[option["key"]] = option["value"].strip()
        yield Block(start["name"], (start["title"] or "").strip(), number, options)


def check_kind(block: Block, known: set[str], where: str) -> None:
    kinds = [block.name]
    if block.name in GENERIC_BLOCKS and "type" in block.options:
        kinds.append(block.options["type"].strip("'\""))
    for kind in kinds:
        if kind not in known:
            raise PluginError(
                f"{where}:{block.line}: unknown callout type `{kind}`; use one of "
                f"{', '.join(sorted(known))} (a new type needs an entry under "
                "pymdownx.blocks.details or pymdownx.blocks.admonition in mkdocs.yml and its CSS)."
            )


def check_red_flag(block: Block, where: str) -> None:
    at = f"{where}:{block.line}"
    if not block.title:
        raise PluginError(
            f"{at}: a red flag needs a one-line summary that names the sign: "
            f"`/// {RED_FLAG} | 会費が無料かほぼ無料の交流会`."
        )
    if block.options.get("open", "").lower() in {"true", "yes", "on"}:
        raise PluginError(f"{at}: red flags start closed; remove `open: {block.options['open']}`.")
    found = ID_IN_ATTRS.search(block.options.get("attrs", ""))
    if not found:
        raise PluginError(
            f"{at}: red flag 「{block.title}」 has no id; add the option line "
            "`    attrs: {id: rf-short-name}` right below the `///` line (other pages link to it)."
        )
    flag_id = found["id"]
    if not RED_FLAG_ID.match(flag_id):
        raise PluginError(
            f"{at}: red-flag id `{flag_id}` must be lowercase ASCII words joined by hyphens "
            "and start with `rf-`, e.g. `rf-free-event`."
        )
    if flag_id in _red_flag_ids:
        raise PluginError(
            f"{at}: red-flag id `{flag_id}` is already used at {_red_flag_ids[flag_id]}; "
            "give this one its own id."
        )
    _red_flag_ids[flag_id] = at
