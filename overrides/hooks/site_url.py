"""The published address is required: link previews, canonical links and the QR codes need it.

`site_url` comes from the SITE_URL environment variable (mkdocs.yml). A build without it
would put wrong addresses into every preview, so it stops and says what to set.
`make serve` and the tests set it themselves; a deployment sets the real address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

EXAMPLE = "SITE_URL=https://<user>.github.io/<repo>/"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    url = config.site_url
    if not url:
        raise PluginError(
            "mkdocs.yml: site_url is not set, and link previews, canonical links and QR codes need "
            f"the published address: run the build with {EXAMPLE} (make serve and make test set it themselves)."
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PluginError(f"SITE_URL={url!r} is not an absolute http(s) address; use e.g. {EXAMPLE}")
    return config
