"""Serve a built site on 127.0.0.1 the way a real static host does, for benchmarks.

Python's plain http.server sends every file uncompressed and without cache headers, which
makes any page look heavier than it is once published. This server adds what a static host
(GitHub Pages, Netlify, nginx with defaults) does:

- gzip for text (HTML, CSS, JS, JSON, SVG, XML, plain text) when the request accepts it,
  with `Content-Encoding: gzip`, the compressed `Content-Length` and `Vary: Accept-Encoding`;
- `Cache-Control`: a year and `immutable` for Material's fingerprinted assets
  (`assets/**/name.<hex hash>.min.js|css`), `no-cache` for HTML, an hour for anything else;
- `Content-Type` with `charset=utf-8` for text;
- directory URLs served from their `index.html`, `/dir` redirected to `/dir/`, and the
  site's `404.html` with status 404 for anything missing.

    python bench/serve.py SITE_DIR [PORT]     # serve until Ctrl-C (PORT 0 = any free port)

From Python: `with serve(site_dir) as url: ...` serves on a free port in a thread.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import mimetypes
import os
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

# Extensions sent gzip-compressed when the client accepts it.
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".map", ".svg", ".xml", ".txt"}
# Extensions whose Content-Type gets `; charset=utf-8`.
TEXT = COMPRESSIBLE
# Types mimetypes does not know, or knows differently across Python versions.
TYPES = {".js": "text/javascript", ".map": "application/json", ".xml": "application/xml",
         ".svg": "image/svg+xml", ".json": "application/json", ".gz": "application/gzip",
         ".webmanifest": "application/manifest+json"}
# zlib's default level, what hosts and CDNs typically use for on-the-fly gzip.
GZIP_LEVEL = 6
# Material's fingerprinted files: the hash changes whenever the content does.
FINGERPRINTED = re.compile(r"^assets/(?:.+/)?[^/]+\.[0-9a-f]{8,}\.min\.(?:js|css)(?:\.map)?$")
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_HTML = "no-cache"
CACHE_OTHER = "public, max-age=3600"


def cache_control(rel_path: str) -> str:
    """The Cache-Control header for a file, by its path relative to the site root."""
    if rel_path.endswith(".html"):
        return CACHE_HTML
    if FINGERPRINTED.match(rel_path):
        return CACHE_IMMUTABLE
    return CACHE_OTHER


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    ctype = TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{ctype}; charset=utf-8" if suffix in TEXT else ctype


def accepts_gzip(header: str | None) -> bool:
    """True when Accept-Encoding lists gzip (or *) without q=0."""
    for part in (header or "").split(","):
        coding, _, params = part.partition(";")
        if coding.strip().lower() in {"gzip", "*"}:
            q = params.strip()
            try:
                return float(q.removeprefix("q=")) > 0 if q.startswith("q=") else True
            except ValueError:
                return False
    return False


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int) -> bytes:  # mtime in the key: rebuilt files are recompressed
    return gzip.compress(Path(path).read_bytes(), compresslevel=GZIP_LEVEL, mtime=0)


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """GET/HEAD of a static site with compression and cache headers (see the module docstring)."""

    protocol_version = "HTTP/1.1"  # keep-alive, as browsers get from any real host
    quiet = True

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, *, body: bool) -> None:
        root = Path(self.directory).resolve()
        url_path = self.path.split("?", 1)[0].split("#", 1)[0]
        path = Path(self.translate_path(self.path)).resolve()
        status = 200
        if path.is_dir():
            if not url_path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = path / "index.html"
        if not path.is_file() or not path.is_relative_to(root):
            status, path = 404, root / "404.html"
            if not path.is_file():
                self.send_error(404)
                return
        rel = path.relative_to(root).as_posix()
        compress = path.suffix.lower() in COMPRESSIBLE and accepts_gzip(self.headers.get("Accept-Encoding"))
        data = _gzipped(str(path), path.stat().st_mtime_ns) if compress else path.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", content_type(path))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", CACHE_HTML if status != 200 else cache_control(rel))
        self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
        if path.suffix.lower() in COMPRESSIBLE:
            self.send_header("Vary", "Accept-Encoding")
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        if not self.quiet:
            super().log_message(format, *args)


class StaticHostServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        # A browser closing a keep-alive connection is routine for a host, not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(site_dir: Path, port: int = 0, *, quiet: bool = True) -> http.server.ThreadingHTTPServer:
    """A server bound to 127.0.0.1:port (0 = a free port), not yet serving."""
    handler_class = StaticHostHandler if quiet else type("LoggingHandler", (StaticHostHandler,), {"quiet": False})
    handler = functools.partial(handler_class, directory=str(site_dir))
    return StaticHostServer(("127.0.0.1", port), handler)


@contextlib.contextmanager
def serving(httpd: http.server.ThreadingHTTPServer) -> Iterator[str]:
    """Run `httpd` in a thread; yield its root URL; shut it down afterwards."""
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@contextlib.contextmanager
def serve(site_dir: Path, port: int = 0) -> Iterator[str]:
    """Serve `site_dir` on 127.0.0.1 in a thread; yield its root URL."""
    with serving(make_server(site_dir, port)) as url:
        yield url


def main(argv: list[str]) -> None:
    if not 2 <= len(argv) <= 3:
        sys.exit(f"usage: {argv[0]} SITE_DIR [PORT]")
    httpd = make_server(Path(argv[1]), int(argv[2]) if len(argv) == 3 else 0, quiet=False)
    print(f"Serving {os.path.abspath(argv[1])} at http://127.0.0.1:{httpd.server_address[1]}/", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        httpd.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
