"""The registry's own config file, generated for each start.

Written by hand instead of with a YAML library: the file has a fixed, small shape, and every
scalar is emitted as a JSON string, which YAML reads as a double-quoted scalar. So no value
(a path with spaces or a colon, say) can change the structure, and no YAML dependency is needed.
"""

from __future__ import annotations

import json
from pathlib import Path

REALM = "registry-dojo lab"


def render_config(*, addr: str, storage: str | Path, htpasswd: str | Path, secret: str) -> str:
    """Return a CNCF distribution (registry 2.x) config file as YAML text.

    The registry listens on `addr`, stores blobs under `storage`, allows deletes, and requires
    HTTP basic auth against the bcrypt `htpasswd` file. `secret` signs upload state.
    """

    def quote(value: str | Path) -> str:
        return json.dumps(str(value))

    lines = [
        'version: "0.1"',
        "log:",
        '  level: "warn"',
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        f"    rootdirectory: {quote(storage)}",
        "  delete:",
        "    enabled: true",
        "http:",
        f"  addr: {quote(addr)}",
        f"  secret: {quote(secret)}",
        "auth:",
        "  htpasswd:",
        f"    realm: {quote(REALM)}",
        f"    path: {quote(htpasswd)}",
    ]
    return "\n".join(lines) + "\n"
