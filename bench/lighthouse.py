"""Lighthouse on every page of the site, next to the same pages built with Material's defaults.

    make bench                          # what you normally run (installs Lighthouse via npm ci)
    .venv/bin/python bench/lighthouse.py

This is a benchmark, not a test: it takes a few minutes and its numbers move a little from
run to run. It

1. builds the site strictly, as `make build` does, into .cache/bench/ours/site, and a
   "plain" build of the same Markdown with Material's default look (no custom_dir, CSS,
   hooks, palette, features, icons) into .cache/bench/plain/site;
2. serves each build on 127.0.0.1 as a static host would (bench/serve.py: gzip, cache
   headers), with site_url set to that address, as in production;
3. runs Lighthouse (mobile, simulated throttling: its defaults) on every page of each
   build, three times a page (BENCH_RUNS), reporting the median run, with Debian's Chromium ($CHROMIUM);
   reports go to .cache/bench/{ours,plain}/lighthouse/*.json. Each run prints the host's
   benchmarkIndex (Lighthouse's measure of how fast this machine was at that moment);
4. prints one table row per page and build, then PASS/FAIL lines for the budgets below
   (our build only; the plain build is the reference), the audits behind any category
   below 100, and a warning when the machine looked busy.

Lighthouse simulates a slow phone from what it observes, so a busy machine (other programs
taking the CPU) makes pages look slower than they are. When any run's benchmarkIndex is below
BUSY_INDEX, or the runs of one page are more than BUSY_SPREAD points of Performance apart, the
performance numbers of that `make bench` are no evidence about a budget, either way: run it
again on a quiet machine. (This 2-core machine with nothing else running: 900-2,200, median
about 1,400. Lighthouse's default 4x CPU slowdown is meant for a host of 1,500-2,000, per its
docs/throttling.md: on a much faster host TBT comes out lower than the phone it stands for.)

Exit status: 0 when every budget passes, 1 when one fails, 2 when measuring failed.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.utils import get_yaml_loader, yaml_load

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import GZIP_LEVEL, make_server, serving  # noqa: E402 - bench/ is not a package

# Lighthouse categories measured, in table order (ids as in the report).
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Every category of every page of our build must score at least this (0-100).
MIN_SCORE = 100
# Largest Contentful Paint budget for every page of our build, in seconds.
MAX_LCP_S = 1.0
# Cumulative Layout Shift budget for every page of our build: nothing moves.
MAX_CLS = 0
# Every page's HTML, gzipped as bench/serve.py sends it, fits the first TCP flight (ten
# segments of 1,460 bytes), so the first screen comes in the first round trip. Measured on a
# build for a realistic long address (LONG_SITE_URL, 60 characters, as tests/conftest.py's
# TEST_SITE_URL): the page's absolute URLs (canonical, previews, share links) are in it.
MAX_HTML_GZIP = 14_600
LONG_SITE_URL = "https://example-user-name.github.io/igyoshu-kouryukai-guide/"
# Landing page budget for total transferred bytes (Lighthouse's total-byte-weight).
MAX_LANDING_BYTES = 100 * 1024
# Landing page may transfer at most this multiple of the plain build's landing page.
MAX_LANDING_RATIO = 1.10
# The machine looks busy below this benchmarkIndex, or when the runs of one page are more than
# this many Performance points apart: its performance numbers are then no evidence.
BUSY_INDEX = 1_000
BUSY_SPREAD = 10

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
OUT = ROOT / ".cache" / "bench"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")
LIGHTHOUSE_TIMEOUT_S = 300
# Lighthouse runs per page and build; the median run is reported (BENCH_RUNS=1 for a quick look).
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# Keys of mkdocs.yml the plain build drops, so Material's defaults apply.
PLAIN_DROP = ("hooks", "extra_css", "extra_javascript", "extra", "strict")
PLAIN_DROP_THEME = ("custom_dir", "palette", "features", "icon", "favicon")
PY_APPLY = "tag:yaml.org,2002:python/object/apply:"
SHORT = {"performance": "Perf", "accessibility": "A11y", "best-practices": "BP", "seo": "SEO"}


class BenchError(Exception):
    """Measuring failed (build, server, Lighthouse): the numbers would not be trustworthy."""


@dataclass(frozen=True)
class PythonApply:
    """A `!!python/object/apply:NAME` node of mkdocs.yml, kept as data so it can be written back."""

    name: str
    value: Any  # the node's list (args) or mapping (args, kwds), as written


@dataclass(frozen=True)
class Result:
    """What the table and budgets need from one Lighthouse report."""

    build: str
    url: str  # site-relative, "" for the landing page
    scores: dict[str, int]
    fcp_s: float
    lcp_s: float
    tbt_ms: float  # Total Blocking Time: what costs our pages their Performance points (README)
    cls: float
    html_gzip: int  # the page's HTML gzipped as bench/serve.py sends it
    total_bytes: int
    requests: int
    failing: dict[str, list[str]]  # category -> "audit-id  title  score  displayValue" lines
    benchmark_indexes: list[float]  # one per run
    performance_runs: list[int]  # each run's Performance score
    paint_runs: list[tuple[float, float]]  # each run's (FCP in s, TBT in ms): which way its first paint went


def page_urls() -> list[str]:
    """Site-relative URL of every docs/**/*.md with directory URLs (as tests/conftest.py Page.url)."""
    urls = []
    for path in DOCS.rglob("*.md"):
        stem = path.relative_to(DOCS).as_posix().removesuffix(".md")
        urls.append("" if stem == "index" else stem.removesuffix("/index") + "/")
    return sorted(urls)  # the landing page ("") first


def load_config(path: Path) -> dict[str, Any]:
    """mkdocs.yml with MkDocs' loader (!ENV, INHERIT), python/object/apply tags kept as PythonApply."""
    loader = get_yaml_loader()

    def apply(loader: yaml.Loader, suffix: str, node: yaml.Node) -> PythonApply:
        if isinstance(node, yaml.SequenceNode):
            return PythonApply(suffix, loader.construct_sequence(node, deep=True))
        return PythonApply(suffix, loader.construct_mapping(node, deep=True))

    loader.add_multi_constructor(PY_APPLY, apply)
    with path.open("rb") as f:
        return yaml_load(f, loader)


def dump_config(config: dict[str, Any]) -> str:
    class Dumper(yaml.SafeDumper):
        pass

    def apply(dumper: yaml.SafeDumper, data: PythonApply) -> yaml.Node:
        if isinstance(data.value, list):
            return dumper.represent_sequence(PY_APPLY + data.name, data.value)
        return dumper.represent_mapping(PY_APPLY + data.name, data.value)

    Dumper.add_representer(PythonApply, apply)
    return yaml.dump(config, Dumper=Dumper, allow_unicode=True, sort_keys=False)


def write_plain_config(path: Path) -> None:
    """The same Markdown, extensions, nav and search, with Material's default look and no hooks."""
    config = load_config(ROOT / "mkdocs.yml")
    for key in PLAIN_DROP:
        config.pop(key, None)
    theme = config["theme"]
    for key in PLAIN_DROP_THEME:
        theme.pop(key, None)
    theme["language"] = "ja"
    # Material's default font is Roboto from Google Fonts, which this offline machine cannot
    # reach (and which would be a third-party request); keep the system fonts on both builds.
    theme["font"] = False
    # Only the search plugin, as Material sets it up for a Japanese site (theme language ja:
    # TinySegmenter and lunr's ja files in the browser). Ours is set for words the search
    # hook cuts at build time, which the plain build does not have. No social cards: Material's
    # default has none (and ours need our hooks).
    config["plugins"] = ["search"]
    config["docs_dir"] = str(DOCS)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Generated by bench/lighthouse.py from mkdocs.yml: Material's defaults.\n"
                    + dump_config(config), encoding="utf-8")


def build(name: str, site_dir: Path, site_url: str) -> None:
    """Build one site; ours strictly (as `make build`), the plain one allowing warnings."""
    args = [sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir", str(site_dir)]
    if name == "ours":
        args += ["--strict", "--config-file", str(ROOT / "mkdocs.yml")]
    else:
        config = OUT / name / "mkdocs.yml"
        write_plain_config(config)
        args += ["--config-file", str(config)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url}
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    if done.returncode != 0:
        raise BenchError(f"`{' '.join(args[2:])}` failed:\n{done.stdout}{done.stderr}")
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    log(f"built {name} into {site_dir.relative_to(ROOT)}" + (f" ({len(warnings)} warnings)" if warnings else ""))


def run_lighthouse(url: str, report: Path) -> dict[str, Any]:
    """One Lighthouse run (mobile, simulated throttling) of `url`; the parsed JSON report."""
    report.parent.mkdir(parents=True, exist_ok=True)
    report.unlink(missing_ok=True)
    args = [str(LIGHTHOUSE), url, f"--chrome-flags={CHROME_FLAGS}", "--output=json",
            f"--output-path={report}", f"--only-categories={','.join(CATEGORIES)}", "--quiet"]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    try:
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=LIGHTHOUSE_TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        raise BenchError(f"Lighthouse on {url} took over {LIGHTHOUSE_TIMEOUT_S} s") from e
    tail = "\n".join(done.stderr.splitlines()[-20:])
    if done.returncode != 0 or not report.is_file():
        raise BenchError(f"Lighthouse on {url} exited with {done.returncode}:\n{tail}")
    data = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        raise BenchError(f"Lighthouse on {url}: {data['runtimeError']}")
    if data.get("finalDisplayedUrl") != url:
        raise BenchError(f"Lighthouse on {url} ended on {data.get('finalDisplayedUrl')}")
    missing = [c for c in CATEGORIES if data.get("categories", {}).get(c, {}).get("score") is None]
    if missing:
        warnings = "\n".join(data.get("runWarnings", []))
        raise BenchError(f"Lighthouse on {url} has no score for {', '.join(missing)}:\n{warnings}\n{tail}")
    return data


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run in the middle by performance score (then LCP), as Lighthouse's docs advise
    for scores that move from run to run; with one run, that run."""
    ranked = sorted(runs, key=lambda d: (d["categories"]["performance"]["score"],
                                         -d["audits"]["largest-contentful-paint"]["numericValue"]))
    return ranked[len(ranked) // 2]


def failing_audits(data: dict[str, Any], category: str) -> list[str]:
    """Scored audits of a category below 1, weighted ones first, as printable lines."""
    lines = []
    refs = sorted(data["categories"][category]["auditRefs"], key=lambda ref: -ref.get("weight", 0))
    for ref in refs:
        audit = data["audits"][ref["id"]]
        if audit.get("score") is None or audit["score"] >= 1:
            continue
        if audit.get("scoreDisplayMode") in {"informative", "notApplicable", "manual", "error"}:
            continue
        shown = f" — {audit['displayValue']}" if audit.get("displayValue") else ""
        weight = f" (weight {ref['weight']})" if ref.get("weight") else ""
        lines.append(f"{ref['id']}: {audit['title']}; score {audit['score']:.2f}{weight}{shown}")
    return lines


def summarize(build_name: str, url: str, runs: list[dict[str, Any]], html: Path) -> Result:
    """The median run of a page, with what all its runs say about the machine."""
    data = median_run(runs)
    scores = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
    return Result(
        build=build_name,
        url=url,
        scores=scores,
        fcp_s=data["audits"]["first-contentful-paint"]["numericValue"] / 1000,
        lcp_s=data["audits"]["largest-contentful-paint"]["numericValue"] / 1000,
        tbt_ms=data["audits"]["total-blocking-time"]["numericValue"],
        cls=data["audits"]["cumulative-layout-shift"]["numericValue"],
        html_gzip=len(gzip.compress(html.read_bytes(), compresslevel=GZIP_LEVEL, mtime=0)),
        # Compressed bytes plus headers. Caveat (Chromium 156, Lighthouse 12.2): a worker's own
        # script (Material's search worker, ~12 KB gzip) counts only its headers, in both builds.
        total_bytes=round(data["audits"]["total-byte-weight"]["numericValue"]),
        requests=len(data["audits"]["network-requests"]["details"]["items"]),
        failing={c: failing_audits(data, c) for c in CATEGORIES if scores[c] < MIN_SCORE},
        benchmark_indexes=[benchmark_index(run) for run in runs],
        performance_runs=[round(run["categories"]["performance"]["score"] * 100) for run in runs],
        paint_runs=[(run["audits"]["first-contentful-paint"]["numericValue"] / 1000,
                     run["audits"]["total-blocking-time"]["numericValue"]) for run in runs],
    )


def benchmark_index(data: dict[str, Any]) -> float:
    """How fast the machine was during the run (Lighthouse's own measure; higher is faster)."""
    return float(data.get("environment", {}).get("benchmarkIndex") or 0)


def describe_run(data: dict[str, Any]) -> str:
    audits = data["audits"]
    return (f"Perf {round(data['categories']['performance']['score'] * 100)}, "
            f"FCP {audits['first-contentful-paint']['numericValue'] / 1000:.2f} s, "
            f"LCP {audits['largest-contentful-paint']['numericValue'] / 1000:.2f} s, "
            f"TBT {audits['total-blocking-time']['numericValue']:,.0f} ms, "
            f"CLS {audits['cumulative-layout-shift']['numericValue']:.3f}, "
            f"benchmarkIndex {benchmark_index(data):,.0f}"
            + (f" (below {BUSY_INDEX:,}: busy)" if benchmark_index(data) < BUSY_INDEX else ""))


def measure(build_name: str, urls: list[str]) -> list[Result]:
    """Build, serve and run Lighthouse on every page of one build, sequentially."""
    site_dir = OUT / build_name / "site"
    httpd = make_server(site_dir)  # bound first, so the build knows its address
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    sized_dir = OUT / build_name / "site-long-url"  # the same pages, for their HTML's size
    try:
        build(build_name, site_dir, base)
        build(build_name, sized_dir, LONG_SITE_URL)
    except BaseException:
        httpd.server_close()
        raise
    results = []
    with serving(httpd):
        for i, url in enumerate(urls, 1):
            name = url.strip("/").replace("/", "-") or "index"
            runs = []
            for k in range(1, RUNS + 1):
                data = run_lighthouse(base + url, OUT / build_name / "lighthouse" / f"{name}-{k}.json")
                log(f"lighthouse {build_name} /{url} ({i}/{len(urls)}) run {k}/{RUNS}: {describe_run(data)}")
                runs.append(data)
            results.append(summarize(build_name, url, runs, sized_dir / url / "index.html"))
    return results


def table(results: list[Result]) -> str:
    head = ["Page", "Build", *(SHORT[c] for c in CATEGORIES), "FCP (s)", "LCP (s)", "TBT (ms)", "CLS", "HTML gz", "Bytes",
            "Requests", "benchmarkIndex"]
    rows = [[f"/{r.url}", r.build, *(str(r.scores[c]) for c in CATEGORIES), f"{r.fcp_s:.2f}", f"{r.lcp_s:.2f}",
             f"{r.tbt_ms:,.0f}",
             f"{r.cls:.3f}", f"{r.html_gzip:,}", f"{r.total_bytes:,}", str(r.requests),
             "/".join(f"{i:,.0f}" for i in r.benchmark_indexes)] for r in results]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    numeric = range(2, len(head))

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if i in numeric else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    rule = "|" + "|".join("-" * (w + 1) + (":" if i in numeric else "-") for i, w in enumerate(widths)) + "|"
    return "\n".join([line(head), rule, *map(line, rows)])


def budgets(ours: list[Result], plain: list[Result]) -> tuple[list[str], bool]:
    """PASS/FAIL lines for our build (the plain build's figure beside each), and whether all passed."""
    lines: list[str] = []
    ok = True
    plain_of = {r.url: r for r in plain}

    def check(passed: bool, text: str) -> None:
        nonlocal ok
        ok &= passed
        lines.append(f"{'PASS' if passed else 'FAIL'}  {text}")

    for r in ours:
        low = [f"{c} {r.scores[c]}" for c in CATEGORIES if r.scores[c] < MIN_SCORE]
        check(not low, f"/{r.url}: every category {MIN_SCORE}" + (f" (below: {', '.join(low)})" if low else "")
              + f"; plain Material: Performance {plain_of[r.url].scores['performance']}")
    for r in ours:
        check(r.lcp_s <= MAX_LCP_S, f"/{r.url}: LCP {r.lcp_s * 1000:,.0f} ms (budget {MAX_LCP_S * 1000:,.0f} ms); "
              f"plain Material {plain_of[r.url].lcp_s * 1000:,.0f} ms")
    for r in ours:
        check(r.cls <= MAX_CLS, f"/{r.url}: CLS {r.cls:.3f} (budget {MAX_CLS}); plain Material {plain_of[r.url].cls:.3f}")
    for r in ours:
        check(r.html_gzip <= MAX_HTML_GZIP, f"/{r.url}: HTML {r.html_gzip:,} bytes gzipped with a "
              f"{len(LONG_SITE_URL)}-character site_url (budget {MAX_HTML_GZIP:,}, the first round trip); "
              f"plain Material {plain_of[r.url].html_gzip:,}")
    landing = next(r for r in ours if r.url == "")
    plain_landing = plain_of[""]
    check(landing.total_bytes <= MAX_LANDING_BYTES,
          f"landing page: {landing.total_bytes:,} bytes transferred (budget {MAX_LANDING_BYTES:,})")
    ratio = landing.total_bytes / plain_landing.total_bytes
    check(ratio <= MAX_LANDING_RATIO,
          f"landing page: {landing.total_bytes:,} bytes vs plain Material {plain_landing.total_bytes:,} "
          f"= {ratio:.2f}x (budget {MAX_LANDING_RATIO:.2f}x)")
    return lines, ok


def machine_report(results: list[Result]) -> tuple[list[str], bool]:
    """The runs' benchmarkIndex, and warnings when the machine looked busy; whether it did."""
    indexes = [i for r in results for i in r.benchmark_indexes]
    lines = [f"benchmarkIndex over {len(indexes)} runs: min {min(indexes):,.0f}, median "
             f"{statistics.median(indexes):,.0f}, max {max(indexes):,.0f}"]
    slow = [f"{r.build} /{r.url} ({', '.join(f'{i:,.0f}' for i in r.benchmark_indexes if i < BUSY_INDEX)})"
            for r in results if any(i < BUSY_INDEX for i in r.benchmark_indexes)]
    spread = [f"{r.build} /{r.url} (Performance {', '.join(map(str, r.performance_runs))}; FCP "
              f"{'/'.join(f'{fcp:.2f}' for fcp, _ in r.paint_runs)} s; TBT "
              f"{'/'.join(f'{tbt:,.0f}' for _, tbt in r.paint_runs)} ms)"
              for r in results if max(r.performance_runs) - min(r.performance_runs) > BUSY_SPREAD]
    if slow:
        lines.append(f"WARNING  runs with a benchmarkIndex below {BUSY_INDEX:,}: " + "; ".join(slow))
    if spread:
        lines.append(f"WARNING  pages whose runs are more than {BUSY_SPREAD} points apart: " + "; ".join(spread))
        lines.append("         A busy machine, or runs that went two ways: where the first paint comes before "
                     "Material's script starts (our build, by design), the script's start-up counts as blocking "
                     "time, more or less as the machine is busy; a run of the plain build where the script ran "
                     "first paints late (README, \"Quality bars\").")
    if slow or spread:
        lines.append(f"WARNING  {'the machine looked busy' if slow else 'the runs of a page disagree'}: these "
                     "performance figures are no evidence for or against a budget. Run `make bench` again on a "
                     "quiet machine, and read each run's FCP and TBT.")
    return lines, bool(slow or spread)


def failing_details(results: list[Result]) -> list[str]:
    lines = []
    for r in results:
        for category, audits in r.failing.items():
            lines.append(f"/{r.url} {category} {r.scores[category]}:")
            lines += [f"  - {a}" for a in audits] or ["  - (no single failing audit: the score is below 100 overall)"]
    return lines


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def main() -> int:
    if not LIGHTHOUSE.is_file():
        log(f"{LIGHTHOUSE.relative_to(ROOT)} is missing: run `npm ci` (make bench does)")
        return 2
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        log(f"Chromium not found at {CHROMIUM}: run `make chromium` or set CHROMIUM=/path/to/chromium")
        return 2
    urls = page_urls()
    try:
        ours = measure("ours", urls)
        plain = measure("plain", urls)
    except BenchError as e:
        log(str(e))
        return 2
    by_page = sorted(ours + plain, key=lambda r: (urls.index(r.url), r.build != "ours"))
    lines, ok = budgets(ours, plain)
    machine, _busy = machine_report(ours + plain)
    print(table(by_page))
    print()
    print("\n".join(lines))
    print()
    print("\n".join(machine))
    details = failing_details(ours)
    if details:
        print("\nAudits behind the categories below 100 (our build):")
        print("\n".join(details))
    print(f"\nReports: {OUT.relative_to(ROOT)}/{{ours,plain}}/lighthouse/*.json")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
