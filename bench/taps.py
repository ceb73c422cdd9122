"""Taps on a phone in the first second: how long a reader waits, ours next to plain Material.

    make bench-taps                     # ours and plain Material (REF=main RUNS=1: see the Makefile)
    .venv/bin/python bench/taps.py [--runs N] [--samples N] [--ref GIT-REF]

Issue 22 keeps Material's script from running at load on a phone, and starts it when the reader
first reaches for search or the palette. This benchmark shows what that buys and what it costs.
It is a benchmark, not a test: a few minutes, and its figures move with the machine's load. It

1. builds the current worktree as `make build` does, the "plain" build of the same Markdown with
   Material's defaults (bench/lighthouse.py's), and with --ref any git ref, built strictly from a
   temporary `git worktree add --detach` (removed afterwards) with this .venv's MkDocs; each into
   .cache/bench/taps/<build>/site, served on 127.0.0.1 as a static host does (bench/serve.py);
2. opens pages in Debian's Chromium ($CHROMIUM, tests/conftest.py's flags) on a phone (390x844,
   is_mobile, has_touch), the CPU slowed CPU_SLOWDOWN times (DevTools
   Emulation.setCPUThrottlingRate), the network not throttled (the server is on this machine: the
   figures are the page's own work, not the transfer), in a fresh browser context every run;
3. taps with a finger: touchStart and touchEnd over DevTools' Input.dispatchTouchEvent, both
   dated at the moment of the tap, the second sent without waiting for the first's answer (it
   comes only once the page's main thread is free); Playwright's page.tap() is not used: it asks
   the page where the element is before it taps, so it waits for a busy main thread, which hides
   the very wait measured here. The moment is counted from the first contentful paint, which
   DevTools reports (Page.lifecycleEvent) on the clock time.monotonic() reads. DevTools hears of
   that paint only once the main thread is free: when it is busy right after the paint, the tap
   is sent at once, dated at the planned moment, and its figure may overstate the wait by up to
   the "sent late" time (printed). Where to tap: from loads with the page's script files refused
   (what the reader sees before they run), the middle of where the target is both when the page
   hears of its first paint and once the shared stylesheet is in; a target that shows only once a
   script has run is tapped as soon as it shows. Each run checks that the tap landed on its
   target ("missed: ..." otherwise);
4. measures, on the page's own clock, from the tap's input event:
   - red flag: /background/ and /events/second/ opened at the heading just above their first red
     flag (`#id`, as a link to that section opens them), so the flag is on the first screen; its
     summary tapped 100, 300, 600 and 1,000 ms after the first paint; from the tap to the next
     paint with the flag open: the Event Timing API's duration (input delay + processing +
     presentation) of the tap's pointerup, touchend and click, the longest of them (entries
     from 16 ms up: "<16" when none); the largest over --runs runs (3) at each delay;
   - search: the header's search button tapped 500 ms after the first paint (when the page
     looks loaded to a reader); from the tap to the first frame painted with the search box
     focused (document.activeElement) and visible (not clipped, opacity above 0), then, for
     名刺 committed right after as a Japanese keyboard does (Playwright's insert_text), to the
     first frame painted with a result; median of --samples runs (5);
   - palette: the visible palette toggle tapped 500 ms after the first paint (or when it shows,
     if a script has to show it; "no toggle visible" when it never does within 5 s); from the
     tap to the first frame painted after body's data-md-color-scheme changed; median of 5.
   "Painted" for search and palette: the end of that frame's rendering on the main thread (a
   message posted from its animation-frame callback), a few ms before the screen shows it;
5. prints a table per measurement (ours, plain, ref), the machine's load (load average and
   Lighthouse's benchmarkIndex, before and after) and PASS/FAIL for our build's budgets; writes
   everything, each run's Event Timing entries included, to .cache/bench/taps-<time>.json.

Exit status: 0 when every budget passes, 1 when one fails, 2 when measuring failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
# The tests' browser, as they launch it (conftest also sets SITE_URL; every build here sets its own).
from conftest import CHROMIUM, CHROMIUM_FLAGS, VIEWPORTS  # noqa: E402
from lighthouse import OUT, BenchError, build  # noqa: E402 - bench/ is not a package
from serve import make_server, serving  # noqa: E402

# Budgets for our build (issue 22): a red flag answers a tap within this at every delay...
MAX_FLAG_MS = 100
# ...and a tap on search gives a focused box, and one on the palette toggle the new palette,
# within this (medians).
MAX_SEARCH_MS = 600
MAX_PALETTE_MS = 600

CPU_SLOWDOWN = 4
PHONE = VIEWPORTS["phone"]
FLAG_PAGES = ("background/", "events/second/")
FLAG_DELAYS_MS = (100, 300, 600, 1_000)  # after the first contentful paint
LOADED_MS = 500  # search and palette: tapped this long after the first paint, when the page looks loaded
SEARCH_WORD = "名刺"
FLAG = "details.red-flag > summary"
SEARCH_BUTTON = "label.md-header__button[for=__search]"
PALETTE_TOGGLE = "form[data-md-component=palette] label:not([hidden])"
PALETTE_LABEL = "form[data-md-component=palette] label"  # what a tap on the toggle lands on
TOGGLE_WAIT_MS = 5_000  # a toggle that does not show within this is "no toggle visible"
NOTHING = {"search": f"no search button visible (within {TOGGLE_WAIT_MS:,} ms)",
           "palette": f"no toggle visible (within {TOGGLE_WAIT_MS:,} ms)"}
STATE_TIMEOUT_MS = 15_000  # a state that has not come by then never came
RESULTS_TIMEOUT_MS = 10_000
EVENT_THRESHOLD_MS = 16  # Event Timing's smallest durationThreshold
RUNS = 3
SAMPLES = 5
INF = float("inf")
SITE_DIRS = OUT / "taps"

# Run in every page before its own scripts (Playwright's add_init_script; DevTools' scripts are
# outside the page's CSP). It records on the page's clock what the measures read, and changes
# nothing the page does. Its arguments: the selector the tap is meant for, and SHOWN.
PROBE = """
((TARGET, shown) => {
  const taps = window.__taps = {events: [], tap: null, hit: null, scheme: null,
                                focused: null, results: null, palette: null};

  // Event Timing: every event whose input delay + processing + presentation took 16 ms or more.
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) {
      taps.events.push({name: e.name, start: e.startTime, duration: e.duration, interactionId: e.interactionId,
                        processingStart: e.processingStart, processingEnd: e.processingEnd});
    }
  }).observe({type: 'event', durationThreshold: 16, buffered: true});

  // The tap: its input event's time (the one bench/taps.py gave the touch), and whether it
  // landed on the target, seen before any of the page's handlers.
  addEventListener('pointerdown', e => {
    if (taps.tap !== null) return;
    taps.tap = e.timeStamp;
    taps.hit = !!(e.target instanceof Element && e.target.closest(TARGET));
    const el = e.target instanceof Element ? e.target : null;
    taps.landed = el ? `${el.localName}${el.id ? '#' + el.id : ''}${[...el.classList].map(c => '.' + c).join('')} ` +
                       `at scrollY ${Math.round(scrollY)}` : String(e.target);
    taps.scheme = document.body.getAttribute('data-md-color-scheme');
  }, {capture: true, passive: true});

  // Calls done(time) for the first frame painted once ready() holds, checked at each animation
  // frame; the time is taken once that frame is rendered (a message posted from its callback).
  function whenPainted(ready, done) {
    requestAnimationFrame(function check() {
      if (!ready()) return requestAnimationFrame(check);
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done(performance.now());
      channel.port2.postMessage(null);
    });
  }

  // Search: once its box takes the focus, the first frame with it focused and visible, and the
  // first frame with a result.
  addEventListener('focusin', e => {
    if (taps.watching || !e.target.matches('input[data-md-component=search-query]')) return;
    taps.watching = true;
    const input = e.target;
    whenPainted(() => document.activeElement === input && !!shown(input), t => { taps.focused = t; });
    whenPainted(() => document.querySelector('.md-search-result__item'), t => { taps.results = t; });
  }, true);

  // Palette: the first change of the color scheme after the tap, then the frame that paints it.
  new MutationObserver(() => {
    if (taps.tap === null || taps.paletteChanged) return;
    if (document.body.getAttribute('data-md-color-scheme') === taps.scheme) return;
    taps.paletteChanged = true;
    whenPainted(() => true, t => { taps.palette = t; });
  }).observe(document, {attributes: true, attributeFilter: ['data-md-color-scheme'], subtree: true});

  // The sentinel key (F24): its handler takes 20 ms, so Event Timing reports it, after every
  // entry of the tap (entries come frame by frame, in order). Once it is in, nothing is missing.
  addEventListener('keydown', e => {
    if (e.code !== 'F24') return;
    const end = performance.now() + 20;
    while (performance.now() < end);
  }, true);
})(%s, %s);
"""

# An element's box [left, top, right, bottom] when it is shown to the reader: its centre on
# screen, rendered, opacity above 0, and what is there is it (not clipped away or covered); else null.
SHOWN = """el => {
  const r = el.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return null;
  const hit = document.elementFromPoint(x, y);
  const shown = el.checkVisibility({opacityProperty: true, visibilityProperty: true}) && hit && el.contains(hit);
  return shown ? [r.left, r.top, r.right, r.bottom] : null;
}"""
# The box of the first match of a selector that is shown; null when there is none.
FIND = f"""selector => {{
  const shown = {SHOWN};
  for (const el of document.querySelectorAll(selector)) {{
    if (shown(el)) return shown(el);
  }}
  return null;
}}"""

# Where the target is when the page hears of its first paint (before the shared stylesheet,
# which our pages fetch only then): FIND's box, in window.__firstPaintBox.
FIRST_PAINT_BOX = """
new PerformanceObserver(list => {
  if (list.getEntriesByName('first-contentful-paint').length) window.__firstPaintBox = (%s)(%s);
}).observe({type: 'paint', buffered: true});
"""

# The id of the nearest heading above the page's first red flag: opened at it, the page shows the flag.
FLAG_ANCHOR = """() => {
  const flag = document.querySelector('details.red-flag');
  const above = [...document.querySelectorAll('h1[id], h2[id], h3[id], h4[id], h5[id], h6[id]')]
    .filter(h => h.compareDocumentPosition(flag) & Node.DOCUMENT_POSITION_FOLLOWING);
  return flag && above.length ? above[above.length - 1].id : null;
}"""

READ = """() => ({fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime,
                 tap: __taps.tap, focused: __taps.focused, results: __taps.results, palette: __taps.palette,
                 events: __taps.events})"""


@dataclass
class Site:
    """One build, served."""

    name: str  # "ours", "plain", "ref"
    label: str  # as the tables show it
    url: str  # where it is served, ending in /


@dataclass(frozen=True)
class Target:
    """Where to tap for `selector` on a page; `point` None: it shows only once a script has run."""

    url: str
    selector: str
    hit: str  # what the tap must land on
    point: tuple[float, float] | None


@dataclass
class Run:
    """One run in a fresh context: when the tap came, whether it landed, and the times from it (ms)."""

    tapped_after_fcp: float | None = None  # None: there was nothing to tap
    sent_late: float = 0.0  # ms after the planned moment the tap could be sent (see tap())
    hit: bool = False
    times: dict[str, float | None] = field(default_factory=dict)  # None: never came (flag: under 16 ms)
    note: str = ""  # what went wrong, if anything
    events: list[dict[str, Any]] = field(default_factory=list)  # Event Timing entries (flag runs)


@dataclass
class Tab:
    page: Any
    cdp: Any
    fcp: float  # the first contentful paint, on time.monotonic()'s clock


def log(message: str) -> None:
    print(f"bench-taps: {message}", file=sys.stderr, flush=True)


def git(*args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=cwd)
    if done.returncode != 0:
        raise BenchError(f"`git {' '.join(args)}` failed: {done.stderr.strip()}")
    return done.stdout.strip()


@contextlib.contextmanager
def checkout(ref: str) -> Iterator[tuple[Path, str]]:
    """`ref` in a temporary detached git worktree, removed afterwards; with its short commit id."""
    commit = git("rev-parse", "--short", f"{ref}^{{commit}}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-taps-"))
    tree = tmp / "tree"
    git("worktree", "add", "--detach", "--quiet", str(tree), commit)
    try:
        yield tree, commit
    finally:
        git("worktree", "remove", "--force", str(tree))
        shutil.rmtree(tmp, ignore_errors=True)


def build_checkout(tree: Path, site_dir: Path, site_url: str) -> None:
    """A strict build of another checkout, as `make build` runs it there, with this .venv's MkDocs."""
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean",
            "--config-file", str(tree / "mkdocs.yml"), "--site-dir", str(site_dir)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url}
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tree, timeout=300)
    if done.returncode != 0:
        raise BenchError(f"building {tree} failed:\n{done.stdout}{done.stderr}")


def serve_build(stack: contextlib.ExitStack, name: str, label: str, ref: str | None = None) -> Site:
    """Build one site for the address it is served at (bound first), and serve it until `stack` closes."""
    site_dir = SITE_DIRS / name / "site"
    httpd = make_server(site_dir)
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        if ref is None:
            build(name, site_dir, url)  # bench/lighthouse.py's: ours strictly, the plain one with Material's defaults
        else:
            with checkout(ref) as (tree, commit):
                label = ref if ref.startswith(commit) else f"{ref} ({commit})"
                build_checkout(tree, site_dir, url)
            log(f"built {label} into {site_dir.relative_to(ROOT)}")
    except BaseException:
        httpd.server_close()
        raise
    stack.enter_context(serving(httpd))
    return Site(name, label, url)


# --- the browser side -------------------------------------------------------------------------


def script_file(url: str) -> bool:
    return urlsplit(url).path.endswith(".js")


def centre(*boxes: list[float]) -> tuple[float, float] | None:
    """The centre of where the boxes overlap; None when they do not."""
    left, top = max(b[0] for b in boxes), max(b[1] for b in boxes)
    right, bottom = min(b[2] for b in boxes), min(b[3] for b in boxes)
    return ((left + right) / 2, (top + bottom) / 2) if left < right and top < bottom else None


async def find_target(browser, url: str, selector: str, hit: str) -> Target | None:
    """Where to tap `selector` on `url`: with the page's script files refused (what the reader
    sees before they run), the centre of where it is both when the page hears of its first paint
    and once the shared stylesheet is in (else where it first was); if it does not show without
    a script, whether it shows within TOGGLE_WAIT_MS of a normal load (point None); else None."""
    context = await browser.new_context(locale="ja-JP", **PHONE)
    try:
        await context.route(script_file, lambda route: route.abort())
        await context.add_init_script(FIRST_PAINT_BOX % (FIND, json.dumps(selector)))
        page = await context.new_page()
        await page.goto(url, wait_until="networkidle")
        settled = await page.evaluate(FIND, selector)
        painted = await page.evaluate("() => window.__firstPaintBox")
    finally:
        await context.close()
    if painted or settled:
        boxes = [b for b in (painted, settled) if b]
        return Target(url, selector, hit, centre(*boxes) or centre(boxes[0]))
    context = await browser.new_context(locale="ja-JP", **PHONE)
    try:
        page = await context.new_page()
        await page.goto(url, wait_until="load")
        await page.wait_for_function(FIND, arg=selector, timeout=TOGGLE_WAIT_MS)
        return Target(url, selector, hit, None)
    except PlaywrightTimeout:
        return None
    finally:
        await context.close()


async def flag_url(browser, site: Site, path: str) -> str:
    """The page opened at the heading just above its first red flag."""
    context = await browser.new_context(locale="ja-JP", **PHONE)
    try:
        page = await context.new_page()
        await page.goto(site.url + path, wait_until="domcontentloaded")
        anchor = await page.evaluate(FLAG_ANCHOR)
    finally:
        await context.close()
    if not anchor:
        raise BenchError(f"{site.label} /{path}: no red flag with a heading above it")
    return f"{site.url}{path}#{quote(anchor)}"


@contextlib.asynccontextmanager
async def phone(browser, url: str, target: str) -> AsyncIterator[Tab]:
    """`url` opening in a fresh phone context with the CPU slowed down, once it has painted."""
    context = await browser.new_context(locale="ja-JP", **PHONE)
    try:
        await context.add_init_script(PROBE % (json.dumps(target), SHOWN))
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        yield Tab(page, cdp, await first_paint(page, cdp, url))
    finally:
        await context.close()


async def first_paint(page, cdp, url: str) -> float:
    """Navigate to `url`; the moment of its first contentful paint on time.monotonic()'s clock.
    DevTools' lifecycle event carries the browser's monotonic clock, which is Python's on Linux."""
    painted: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    frame = (await cdp.send("Page.getFrameTree"))["frameTree"]["frame"]["id"]

    def lifecycle(event: dict[str, Any]) -> None:
        if event["name"] == "firstContentfulPaint" and event["frameId"] == frame and not painted.done():
            painted.set_result(event["timestamp"])

    cdp.on("Page.lifecycleEvent", lifecycle)
    await cdp.send("Page.enable")
    await cdp.send("Page.setLifecycleEventsEnabled", {"enabled": True})
    await page.goto(url, wait_until="commit")
    try:
        fcp = await asyncio.wait_for(painted, STATE_TIMEOUT_MS / 1000)
    except TimeoutError as e:
        raise BenchError(f"{url}: no first contentful paint within {STATE_TIMEOUT_MS:,} ms") from e
    if not 0 <= time.monotonic() - fcp < 10:
        raise BenchError(f"DevTools' clock is not time.monotonic()'s here (FCP at {fcp}, now {time.monotonic()})")
    return fcp


async def tap(tab: Tab, target: Target, after_ms: float) -> float | None:
    """Tap `target` `after_ms` after the first paint, or, if a script has to show it first, once
    it shows; how late the tap was sent (ms), None when the target never showed.

    The tap is a finger down and up with the same time; touchEnd is sent without waiting for
    touchStart's answer, which comes only once the page's main thread is free. When the main
    thread is busy right after the first paint, DevTools hears of that paint only once it is free:
    then the finger is sent at once, dated at the planned moment (a finger that touched the glass
    then), and the figure counts from that moment, overstating the wait by up to how late it was
    sent once the main thread got free."""
    planned = tab.fcp + after_ms / 1000
    await asyncio.sleep(max(0.0, planned - time.monotonic()))  # the deliberate delay
    late = max(0.0, time.monotonic() - planned)
    when = time.time() - late
    point = target.point
    if point is None:
        try:
            found = await tab.page.wait_for_function(FIND, arg=target.selector, timeout=TOGGLE_WAIT_MS)
        except PlaywrightTimeout:
            return None
        point = centre(await found.json_value())
        late, when = 0.0, time.time()  # tapped when the reader sees it
    down = {"type": "touchStart", "touchPoints": [{"x": point[0], "y": point[1]}], "timestamp": when}
    up = {"type": "touchEnd", "touchPoints": [], "timestamp": when}
    await asyncio.gather(tab.cdp.send("Input.dispatchTouchEvent", down), tab.cdp.send("Input.dispatchTouchEvent", up))
    return late * 1000


async def wait_for(tab: Tab, condition: str, timeout_ms: int) -> bool:
    try:
        await tab.page.wait_for_function(condition, timeout=timeout_ms)
    except PlaywrightTimeout:
        return False
    return True


async def landed(tab: Tab, run: Run) -> bool:
    """Whether the tap reached the page and landed on its target (noted in `run`)."""
    if not await wait_for(tab, "() => window.__taps.tap !== null", STATE_TIMEOUT_MS):
        run.note = "the tap never reached the page"
        return False
    run.hit, where = await tab.page.evaluate("() => [window.__taps.hit, window.__taps.landed]")
    if not run.hit:
        run.note = f"missed: the tap landed on {where}"
    return run.hit


async def read(tab: Tab, run: Run, keys: tuple[str, ...]) -> dict[str, Any]:
    """What the probe recorded; `keys`' times, counted from the tap, into run.times."""
    data = await tab.page.evaluate(READ)
    if data["tap"] is not None:
        run.tapped_after_fcp = data["tap"] - data["fcp"]
    for key in keys:
        run.times[key] = data[key] - data["tap"] if data[key] is not None and data["tap"] is not None else None
    return data


async def flag_run(browser, target: Target, delay_ms: int) -> Run:
    run = Run()
    async with phone(browser, target.url, target.hit) as tab:
        run.sent_late = await tap(tab, target, delay_ms)
        if await landed(tab, run):
            if await wait_for(tab, "() => document.querySelector('details.red-flag').open", STATE_TIMEOUT_MS):
                for kind in ("rawKeyDown", "keyUp"):  # the sentinel (PROBE)
                    await tab.cdp.send("Input.dispatchKeyEvent", {"type": kind, "key": "F24", "code": "F24",
                                                                  "windowsVirtualKeyCode": 135})
                if not await wait_for(tab, "() => window.__taps.events.some(e => e.name === 'keydown')",
                                      STATE_TIMEOUT_MS):
                    run.note = "no Event Timing entry for the sentinel key: the tap's entries may be missing"
            else:
                run.note = f"the flag was not open {STATE_TIMEOUT_MS:,} ms after the tap"
        data = await read(tab, run, ())
    answers = [e["duration"] for e in data["events"] if data["tap"] is not None
               and e["name"] in ("pointerup", "touchend", "click") and e["start"] >= data["tap"] - 1]
    run.times["answer"] = max(answers) if answers else None
    run.events = [e for e in data["events"] if not e["name"].startswith("key")]  # not the sentinel
    return run


async def search_run(browser, target: Target) -> Run:
    run = Run()
    async with phone(browser, target.url, target.hit) as tab:
        late = await tap(tab, target, LOADED_MS)
        if late is None:
            run.note = "no search button visible"
            return run
        run.sent_late = late
        if await landed(tab, run):
            if await wait_for(tab, "() => window.__taps.focused !== null", STATE_TIMEOUT_MS):
                await tab.page.keyboard.insert_text(SEARCH_WORD)
                await wait_for(tab, "() => window.__taps.results !== null", RESULTS_TIMEOUT_MS)
            else:
                run.note = f"no focused search box {STATE_TIMEOUT_MS:,} ms after the tap"
        await read(tab, run, ("focused", "results"))
    return run


async def palette_run(browser, target: Target) -> Run:
    run = Run()
    async with phone(browser, target.url, target.hit) as tab:
        late = await tap(tab, target, LOADED_MS)
        if late is None:
            run.note = "no toggle visible"
            return run
        run.sent_late = late
        if await landed(tab, run) and not await wait_for(tab, "() => window.__taps.palette !== null", STATE_TIMEOUT_MS):
            run.note = f"no new palette {STATE_TIMEOUT_MS:,} ms after the tap"
        await read(tab, run, ("palette",))
    return run


async def benchmark_index(browser) -> float | None:
    """Lighthouse's benchmarkIndex, computed as Lighthouse does, in a blank tab without slowdown."""
    node = shutil.which("node")
    module = ROOT / "node_modules" / "lighthouse" / "core" / "lib" / "page-functions.js"
    if not node or not module.is_file():
        return None
    done = subprocess.run([node, "--input-type=module", "-e",
                           f"import {{pageFunctions}} from {json.dumps(module.as_uri())};"
                           "process.stdout.write(pageFunctions.computeBenchmarkIndex.toString())"],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        return None
    context = await browser.new_context()
    try:
        page = await context.new_page()
        return float(await page.evaluate(done.stdout))
    finally:
        await context.close()


def machine(browser_index: float | None) -> dict[str, Any]:
    return {"loadavg": [round(x, 2) for x in os.getloadavg()], "benchmarkIndex": browser_index}


async def measure(sites: list[Site], runs: int, samples: int) -> dict[str, Any]:
    results: dict[str, Any] = {s.name: {"label": s.label, "flags": {}, "search": [], "palette": []} for s in sites}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        before = machine(await benchmark_index(browser))
        log(f"machine before: load average {before['loadavg']}, benchmarkIndex {before['benchmarkIndex']}")
        flags, search, palette = {}, {}, {}
        for site in sites:
            for path in FLAG_PAGES:
                url = await flag_url(browser, site, path)
                flags[site.name, path] = await find_target(browser, url, FLAG, FLAG)
                if flags[site.name, path] is None or flags[site.name, path].point is None:
                    raise BenchError(f"{site.label}: the first red flag is not on the first screen of {url}")
            search[site.name] = await find_target(browser, site.url, SEARCH_BUTTON, SEARCH_BUTTON)
            palette[site.name] = await find_target(browser, site.url, PALETTE_TOGGLE, PALETTE_LABEL)
            log(f"{site.label}: tap the flags at {', '.join(where(flags[site.name, p]) for p in FLAG_PAGES)}, "
                f"search at {where(search[site.name])}, the palette toggle at {where(palette[site.name])}")
        # Builds take turns at every step, so a change in the machine's load touches them alike.
        for k in range(1, runs + 1):
            for path in FLAG_PAGES:
                for delay in FLAG_DELAYS_MS:
                    for site in sites:
                        run = await flag_run(browser, flags[site.name, path], delay)
                        results[site.name]["flags"].setdefault(f"/{path} {delay}", []).append(run)
                        log(f"red flag {site.label} /{path} +{delay} ms, run {k}/{runs}: {describe(run)}")
        for kind, targets, measure_run in (("search", search, search_run), ("palette", palette, palette_run)):
            for k in range(1, samples + 1):
                for site in sites:
                    if targets[site.name] is None:  # nothing to tap: reported as such
                        results[site.name][kind] = None
                        continue
                    run = await measure_run(browser, targets[site.name])
                    results[site.name][kind].append(run)
                    log(f"{kind} {site.label}, run {k}/{samples}: {describe(run)}")
        after = machine(await benchmark_index(browser))
        await browser.close()
    return {"sites": results, "machine": {"before": before, "after": after}}


def where(target: Target | None) -> str:
    if target is None:
        return "none visible"
    return "once a script shows it" if target.point is None else f"({target.point[0]:.0f}, {target.point[1]:.0f})"


def describe(run: Run) -> str:
    tapped = f"tapped at FCP+{run.tapped_after_fcp:,.0f} ms" if run.tapped_after_fcp is not None else "no tap"
    if run.sent_late >= 1:
        tapped += f" (sent {run.sent_late:,.0f} ms late)"
    shown = ", ".join(f"{k} {ms(v)} ms" if v is not None else f"{k} {f'<{EVENT_THRESHOLD_MS} ms' if k == 'answer' else 'never'}"
                      for k, v in run.times.items())
    return "; ".join(x for x in (tapped, shown, run.note) if x)


# --- the report ---------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    """A time in ms; None or infinite: it never came."""
    return "never" if value is None or value == INF else f"{value:,.0f}"


def flag_cell(runs: list[Run]) -> str:
    """The longest answer over the runs, or what went wrong."""
    if any(r.note for r in runs):
        return next(r.note for r in runs if r.note).split(":")[0]
    answers = [r.times["answer"] for r in runs if r.times["answer"] is not None]
    return ms(max(answers)) if answers else f"<{EVENT_THRESHOLD_MS}"


def times(runs: list[Run], key: str) -> list[float]:
    """Each run's time, sorted; a run that missed its target or never got there counts as infinite."""
    return sorted(r.times[key] if r.hit and r.times.get(key) is not None else INF for r in runs)


def median_cell(runs: list[Run], key: str) -> str:
    """Median (min-max) over the runs, and how many never got there."""
    values = times(runs, key)
    never = values.count(INF)
    if never == len(values):
        return "never"
    return (f"{ms(statistics.median(values))} ({ms(values[0])}-{ms(values[-1])})"
            + (f", never in {never}/{len(values)}" if never else ""))


def median_ms(runs: list[Run], key: str) -> float:
    values = times(runs, key)
    return statistics.median(values) if values else INF


def table(head: list[str], rows: list[list[str]], text: tuple[int, ...] = (0,)) -> str:
    """A Markdown table; the columns in `text` left-aligned, the figures right-aligned."""
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) if i in text else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    rule = "|" + "|".join("-" * (w + 1) + ("-" if i in text else ":") for i, w in enumerate(widths)) + "|"
    return "\n".join([line(head), rule, *map(line, rows)])


def tapped_cell(runs: list[Run]) -> str:
    """When the taps came after the first paint (median), and how late any was sent (see tap())."""
    tapped = [r.tapped_after_fcp for r in runs if r.tapped_after_fcp is not None]
    if not tapped:
        return "-"
    late = max(r.sent_late for r in runs)
    return f"{statistics.median(tapped):,.0f}" + (f" (sent {late:,.0f} late)" if late >= 1 else "")


def report(sites: list[Site], data: dict[str, Any], runs: int, samples: int) -> tuple[str, list[str], bool]:
    results = data["sites"]
    out = [f"Red flag: tap -> next paint with the flag open (Event Timing: input delay + processing + presentation, "
           f"ms; the longest of {runs} run{'s' if runs > 1 else ''}), tapped so long after the first contentful paint; "
           f"phone, CPU {CPU_SLOWDOWN}x"]
    rows = []
    for site in sites:
        for path in FLAG_PAGES:
            cells = [results[site.name]["flags"][f"/{path} {d}"] for d in FLAG_DELAYS_MS]
            late = max(r.sent_late for c in cells for r in c)
            rows.append([site.label, f"/{path}", *map(flag_cell, cells), f"{late:,.0f}"])
    out += [table(["Build", "Page", *(f"+{d:,} ms" for d in FLAG_DELAYS_MS), "sent late (ms, max)"], rows, (0, 1))]
    out += ["sent late: DevTools heard of the first paint only after the planned tap (the main thread was busy); "
            "those taps are dated at the planned moment, and their figure may overstate the wait by up to that much"]

    out += ["", f"Search: tap on the search button at FCP+{LOADED_MS} ms (or once it shows) -> focused box painted, "
            f"-> first result painted for {SEARCH_WORD} (committed as IME input once focused); ms, median (min-max) "
            f"of {samples}"]
    rows = [[site.label, "-", NOTHING["search"], "", ""] if results[site.name]["search"] is None else
            [site.label, tapped_cell(results[site.name]["search"]), median_cell(results[site.name]["search"], "focused"),
             median_cell(results[site.name]["search"], "results"), notes(results[site.name]["search"])] for site in sites]
    out += [table(["Build", "tapped at FCP+", "tap -> focused box", f"tap -> results ({SEARCH_WORD})", "notes"], rows, (0, 4))]
    out += [f"never: not within {RESULTS_TIMEOUT_MS:,} ms (Material's default search mostly hears nothing of text "
            "committed without a key: README, \"Search\")"]

    out += ["", f"Palette: tap on the visible palette toggle at FCP+{LOADED_MS} ms (or once it shows) -> new palette "
            f"painted; ms, median (min-max) of {samples}"]
    rows = [[site.label, "-", NOTHING["palette"], ""] if results[site.name]["palette"] is None else
            [site.label, tapped_cell(results[site.name]["palette"]), median_cell(results[site.name]["palette"], "palette"),
             notes(results[site.name]["palette"])] for site in sites]
    out += [table(["Build", "tapped at FCP+", "tap -> palette painted", "notes"], rows, (0, 3))]

    lines, ok = budgets(sites, results)
    return "\n".join(out), lines, ok


def notes(runs: list[Run]) -> str:
    seen = sorted({r.note for r in runs if r.note})
    return "; ".join(seen)


def budgets(sites: list[Site], results: dict[str, Any]) -> tuple[list[str], bool]:
    """PASS/FAIL lines for our build, the other builds' figures beside each; whether all passed."""
    lines: list[str] = []
    ok = True
    ours = next(s for s in sites if s.name == "ours")
    others = [s for s in sites if s is not ours]

    def check(passed: bool, text: str) -> None:
        nonlocal ok
        ok &= passed
        lines.append(f"{'PASS' if passed else 'FAIL'}  {text}")

    def beside(cell) -> str:
        return "".join(f"; {s.label} {cell(s)}" for s in others)

    for delay in FLAG_DELAYS_MS:
        runs = [r for path in FLAG_PAGES for r in results["ours"]["flags"][f"/{path} {delay}"]]
        passed = all(r.hit and not r.note and (r.times["answer"] or 0) <= MAX_FLAG_MS for r in runs)
        check(passed, f"red flag tapped at FCP+{delay:,} ms answers within {MAX_FLAG_MS} ms on "
              f"{' and '.join('/' + p for p in FLAG_PAGES)}: longest {worst_flag(results['ours'], delay)}"
              + beside(lambda s: worst_flag(results[s.name], delay)))
    for kind, key, budget, text in (("search", "focused", MAX_SEARCH_MS, "search tap -> focused box"),
                                    ("palette", "palette", MAX_PALETTE_MS, "palette tap -> new palette painted")):

        def median(site: Site) -> str:
            runs = results[site.name][kind]
            return NOTHING[kind] if runs is None else f"median {ms(median_ms(runs, key))} ms"

        runs = results["ours"][kind]
        check(runs is not None and median_ms(runs, key) <= budget,
              f"{text} (budget {budget} ms): {median(ours)}" + beside(median))
    return lines, ok


def worst_flag(result: dict[str, Any], delay: int) -> str:
    cell = flag_cell([r for path in FLAG_PAGES for r in result["flags"][f"/{path} {delay}"]])
    return f"{cell} ms" if cell[0].isdigit() or cell[0] == "<" else cell


def machine_lines(data: dict[str, Any]) -> list[str]:
    before, after = data["machine"]["before"], data["machine"]["after"]

    def index(m: dict[str, Any]) -> str:
        return f"{m['benchmarkIndex']:,.0f}" if m["benchmarkIndex"] else "n/a (no node_modules/lighthouse)"

    return [f"machine: load average (1, 5, 15 min) {before['loadavg']} before, {after['loadavg']} after; "
            f"Lighthouse benchmarkIndex {index(before)} before, {index(after)} after "
            f"({os.cpu_count()} CPUs; this machine quiet: 900-2,200, README)",
            "         On a busy machine every figure here grows, ours and the others' alike: compare the rows of "
            "one run, and read the budgets on a quiet machine."]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"red-flag runs per page and delay (default {RUNS})")
    parser.add_argument("--samples", type=int, default=SAMPLES,
                        help=f"search and palette runs per build (default {SAMPLES})")
    parser.add_argument("--ref", help="also build and measure this git ref (e.g. main, 0788d2a)")
    args = parser.parse_args(argv)
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        log(f"Chromium not found at {CHROMIUM}: run `make chromium` or set CHROMIUM=/path/to/chromium")
        return 2
    started = time.time()
    try:
        with contextlib.ExitStack() as stack:
            sites = [serve_build(stack, "ours", "ours"), serve_build(stack, "plain", "plain Material")]
            if args.ref:
                sites.append(serve_build(stack, "ref", args.ref, args.ref))
            data = asyncio.run(measure(sites, args.runs, args.samples))
    except BenchError as e:
        log(str(e))
        return 2
    text, lines, ok = report(sites, data, args.runs, args.samples)
    print(text)
    print()
    print("\n".join(lines))
    print()
    print("\n".join(machine_lines(data)))
    SITE_DIRS.mkdir(parents=True, exist_ok=True)
    path = OUT / f"taps-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({
        "cpu_slowdown": CPU_SLOWDOWN, "runs": args.runs, "samples": args.samples, "ref": args.ref,
        "builds": {s.name: {"label": s.label, "url": s.url} for s in sites},
        "machine": data["machine"], "budgets": lines, "passed": ok, "took_s": round(time.time() - started),
        "results": {name: {"label": r["label"],
                           "flags": {k: [asdict(x) for x in v] for k, v in r["flags"].items()},
                           "search": [asdict(x) for x in r["search"]],
                           "palette": None if r["palette"] is None else [asdict(x) for x in r["palette"]]}
                    for name, r in data["sites"].items()},
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nResults: {path.relative_to(ROOT)} (took {time.time() - started:.0f} s)")
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
