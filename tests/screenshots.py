"""Screenshots of every page as a reader sees it: phone and desktop, light and dark.

    make screenshots            # writes .cache/screenshots/<page>-<viewport>-<scheme>.png

Not a test: a way to look. Builds the site, serves it on 127.0.0.1, drives Chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from conftest import CHROMIUM, CHROMIUM_FLAGS, PAGES, ROOT, VIEWPORTS, build, serve


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        result = build(ROOT, Path(tmp))
        if result.returncode:
            print(result.stderr, file=sys.stderr)
            return 1
        with serve(Path(tmp)) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for viewport, options in VIEWPORTS.items():
                for scheme in ("light", "dark"):
                    context = browser.new_context(locale="ja-JP", color_scheme=scheme, **options)
                    tab = context.new_page()
                    for p in [*PAGES, None]:
                        url = p.url if p else "404.html"
                        name = (p.src.removesuffix(".md").replace("/", "-") if p else "404")
                        tab.goto(base + url, wait_until="networkidle")
                        if "--open" in sys.argv:
                            tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                        path = out / f"{name}-{viewport}-{scheme}.png"
                        tab.screenshot(path=str(path), full_page="--full" in sys.argv)
                        print(path)
                    context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else ROOT / ".cache" / "screenshots"))
