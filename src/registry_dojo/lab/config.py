"""The registry's own config file, generated for each start.

Written by hand instead of with a YAML library: the file has a fixed, small shape, and every
scalar is emitted as a JSON string, which YAML reads as a double-quoted scalar. So no value
(a path with spaces or a colon, say) can change the structure, and no YAML dependency is needed.
"""

from __future__ import annotations

import json
from pathlib import Path

from registry_dojo.lab.network import LOOPBACK

REALM = "registry-dojo lab"
ADDR_KEY = "  addr: "


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
        f"{ADDR_KEY}{quote(addr)}",
        f"  secret: {quote(secret)}",
        "auth:",
        "  htpasswd:",
        f"    realm: {quote(REALM)}",
        f"    path: {quote(htpasswd)}",
    ]
    return "\n".join(lines) + "\n"


def listen_port(text: str) -> int | None:
    """Return the port of ``http.addr`` in a config written by `render_config`, or None.

    None also covers an address without a port on the host, such as the container's ``:5000``
    (a port inside the container's network namespace).
    """
    for line in text.splitlines():
        if not line.startswith(ADDR_KEY):
            continue
        try:
            addr = json.loads(line[len(ADDR_KEY) :])
        except ValueError:
            return None
        host, _, port = str(addr).rpartition(":")
        if host != LOOPBACK or not port.isdigit() or not 0 < int(port) <= 65535:
            return None
        return int(port)
    return None
